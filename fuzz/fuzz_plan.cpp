// Fuzzes policy evaluation over a hostile table plus a hostile memory image:
// input = u16 table length, the table, then memory placed at 0x100000 (the
// table itself is also mapped, at 0x7a000000). Every plan must stay within its
// capacity, end with a typed error or success, and every step it yields must
// be measurable or fail with a typed error - never read outside the memory.
#include <cstdint>
#include <cstdlib>
#include <initializer_list>

#include "policy/measure.hpp"
#include "policy/plan.hpp"
#include "slrt/slrt.hpp"

using namespace slrt;

#define FUZZ_CHECK(cond) \
    do {                 \
        if (!(cond)) std::abort(); \
    } while (0)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t table_len = load_le(byte_view(data, 2), 0, 2);
    const byte_view rest(data + 2, size - 2);
    const byte_view table_bytes = rest.subview(0, table_len);
    const byte_view ram = rest.subview(table_len);
    memory_regions<2> mem;
    FUZZ_CHECK(mem.add(0x100000, ram));
    FUZZ_CHECK(mem.add(0x7a000000, table_bytes));

    const detection d = detect(table_bytes);
    const result<table> t = parse(table_bytes, {d.best, mode::permissive});
    if (!t) return 0;
    const hash_alg banks[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sm3_256};
    for (measure_rules rules : {measure_rules::linux_v16, measure_rules::xen}) {
        plan<64> p;
        const status s = make_plan(*t, mem, rules, p);
        FUZZ_CHECK(p.count <= 64);
        if (!s) FUZZ_CHECK(s.err().code != errc::ok);
        (void)check_policy(*t, mem, rules);
        for (const plan_step& step : p) {
            FUZZ_CHECK(step.label.length() <= evt_info_length);
            digest out[3];
            const status m = measure_step(*t, mem, step, banks, 3, out);
            if (m) {
                FUZZ_CHECK(out[0].alg == hash_alg::sha1 && out[1].alg == hash_alg::sha256);
                FUZZ_CHECK(out[2].bytes[0] == 1);  // SM3 is capped
            }
        }
    }
    return 0;
}
