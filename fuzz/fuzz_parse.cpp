// Fuzzes parse() under every layout and mode and checks what a valid parse promises:
// every entry lies inside the table, iteration terminates, every accessor works,
// parse_copy agrees, permissive-only acceptance names a quirk, and strict
// acceptance re-encodes to the identical bytes.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "slrt/slrt.hpp"

using namespace slrt;

#define FUZZ_CHECK(cond) \
    do {                 \
        if (!(cond)) std::abort(); \
    } while (0)

static void exercise(const table& t) {
    const u32 size = t.header().size;
    FUZZ_CHECK(t.bytes().size() == size);
    const u32 hdr = t.desc().entry_header_size;
    u32 count = 0, next = table_header_size;
    for (const entry_ref& e : t) {
        FUZZ_CHECK(e.offset == next);  // entries are contiguous
        FUZZ_CHECK(e.size >= hdr && fits(size, e.offset, e.size));
        FUZZ_CHECK(++count <= size / hdr);  // iteration terminates
        next = e.offset + e.size;
        (void)t.payload(e);
    }
    FUZZ_CHECK(count == t.entry_count());
    FUZZ_CHECK(next + hdr == size);  // END is last
    (void)t.get<dl_info>();
    (void)t.get<log_info>();
    (void)t.get<intel_info>();
    (void)t.get<amd_info>();
    if (const auto p = t.policy(); p)
        for (const policy_entry& e : *p) FUZZ_CHECK(e.evt_info.length() <= evt_info_length);
    if (const auto c = t.uefi_config(); c)
        for (const uefi_cfg_entry& e : *c) (void)e;
    for (consumer c : {consumer::linux_v16, consumer::xen, consumer::skl}) (void)check(c, t);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view input(data, size);
    std::vector<u8> owned(size);
    std::vector<u8> again(size + 64);
    for (layout l : all_layouts) {
        const result<table> strict = parse(input, {l, mode::strict});
        const result<table> lax = parse(input, {l, mode::permissive});
        if (strict) {
            FUZZ_CHECK(lax);  // permissive accepts everything strict accepts
            FUZZ_CHECK(strict->quirks().empty());
            exercise(*strict);
            // Strict acceptance: decoding and re-encoding every entry gives the same bytes.
            const result<u32> n = convert(*strict, l, mutable_byte_view(again.data(), again.size()));
            FUZZ_CHECK(n && *n == strict->header().size);
            FUZZ_CHECK(equal(byte_view(again.data(), *n), strict->bytes()));
            const result<table> copy = parse_copy(input, mutable_byte_view(owned.data(), owned.size()), {l, mode::strict});
            FUZZ_CHECK(copy && equal(copy->bytes(), strict->bytes()));
        } else {
            FUZZ_CHECK(strict.err().offset <= size);
            char line[256];
            FUZZ_CHECK(format_error(strict.err(), line, sizeof line) < sizeof line);
        }
        if (lax) {
            exercise(*lax);
            if (!strict) FUZZ_CHECK(!lax->quirks().empty());
        }
    }
    (void)detect(input);
    return 0;
}
