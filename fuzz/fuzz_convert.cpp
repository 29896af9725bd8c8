// Fuzzes detection and conversion: every conversion that succeeds yields a table
// that parses strictly in the target layout, and a round trip A -> B -> A that
// succeeds gives back the original bytes (conversion only carries or zero-fills).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "slrt/slrt.hpp"

using namespace slrt;

#define FUZZ_CHECK(cond) \
    do {                 \
        if (!(cond)) std::abort(); \
    } while (0)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view input(data, size);
    const detection d = detect(input);
    if (!d.any()) {
        FUZZ_CHECK(!d.matches(d.best));
        return 0;
    }
    FUZZ_CHECK(d.matches(d.best));
    std::vector<u8> there(0x20000), back(0x20000);
    for (layout from : all_layouts) {
        if (!d.matches(from)) continue;
        const result<table> src = parse(input, {from, mode::strict});
        FUZZ_CHECK(src);
        for (layout to : all_layouts) {
            convert_report report;
            const result<u32> n = convert(*src, to, mutable_byte_view(there.data(), there.size()), &report);
            if (!n) continue;
            const result<table> mid = parse(byte_view(there.data(), *n), {to, mode::strict});
            FUZZ_CHECK(mid);
            FUZZ_CHECK(mid->entry_count() == src->entry_count());
            const result<u32> m = convert(*mid, from, mutable_byte_view(back.data(), back.size()));
            if (m) FUZZ_CHECK(equal(byte_view(back.data(), *m), src->bytes()));
        }
    }
    return 0;
}
