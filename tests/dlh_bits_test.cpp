// Typed register descriptions (dlh/bits.hpp), address ranges (dlh/range.hpp) and the TXT
// capabilities word (dlh/txt/capabilities.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "dlh/bits.hpp"
#include "dlh/range.hpp"
#include "dlh/txt/capabilities.hpp"

using namespace dlh;

namespace {

namespace demo_field {
inline constexpr bit_field enable{"ENABLE", 0, 1, false, "1 = on"};
inline constexpr bit_field mode{"MODE", 4, 4};
inline constexpr bit_field top{"TOP", 52, 12};
}  // namespace demo_field
inline constexpr bit_field demo_fields[] = {demo_field::enable, reserved_bits(1, 3), demo_field::mode,
                                            demo_field::top};
inline constexpr register_info demo_info{"DEMO", 0x30, 64, demo_fields, "test"};

std::string print(const register_info& info, u64 raw, bool reserved = false) {
    char buf[2048];
    format_register(info, raw, buf, sizeof buf, reserved);
    return buf;
}

}  // namespace

// Field arithmetic at the edges: bit 0, a middle nibble, the top bits, the full width.
static_assert(demo_field::enable.mask() == 1);
static_assert(demo_field::mode.mask() == 0xf0);
static_assert(demo_field::top.mask() == 0xfff0'0000'0000'0000);
static_assert(demo_field::top.get(~u64{0}) == 0xfff);
static_assert(demo_field::mode.with(0xffff, 0x3) == 0xff3f);
static_assert(demo_field::mode.with(0, 0x1ff) == 0xf0);  // bits beyond the width are dropped
static_assert(bit_field{"ALL", 0, 64}.mask() == ~u64{0});
// Reserved: bits 1..3 marked, 8..51 described by nothing.
static_assert(demo_info.reserved_mask() == (0xe | 0x000f'ffff'ffff'ff00));
static_assert(register_info{"W32", 0, 32, demo_fields, ""}.reserved_mask() == 0xffff'ff0e);

// Ranges never wrap.
static_assert(!range{~u64{0}, 1}.valid() && range{~u64{0} - 1, 1}.valid() && range{~u64{0}, 0}.valid());
static_assert(range{0x1000, 0x1000}.contains(range{0x1800, 0x800}));
static_assert(!range{0x1000, 0x1000}.contains(range{0x1800, 0x801}));
static_assert(range{0x1000, 0x1000}.contains(range{0x2000, 0}));
static_assert(!range{0x1000, 0x1000}.contains(range{0x2001, 0}));
static_assert(range{0, 4}.overlaps(range{3, 4}) && !range{0, 4}.overlaps(range{4, 4}));
static_assert(!range{0, 4}.overlaps(range{2, 0}));
static_assert(range{0xffff'f000, 0x1000}.below(four_gib) && !range{0xffff'f000, 0x1001}.below(four_gib));
static_assert(align_down(0x2f'ffff, 0x20'0000) == 0x20'0000);
static_assert([] {
    u64 out = 7;
    const bool wrapped = !align_up(~u64{0} - 5, 0x1000, out);
    u64 up = 0;
    return wrapped && out == 7 && align_up(0x1001, 0x1000, up) && up == 0x2000;
}());

// Capabilities: Linux's MLE header value decodes to the bits it is documented to carry.
static_assert(txt::linux_mle_capabilities.rlp_wake_getsec() && txt::linux_mle_capabilities.rlp_wake_monitor());
static_assert(txt::linux_mle_capabilities.ecx_pgtbl() && txt::linux_mle_capabilities.pcr_map_da());
static_assert(txt::linux_mle_capabilities.tcg_event_log() && !txt::linux_mle_capabilities.stm());
static_assert(txt::linux_mle_capabilities.reserved_bits_set() == 0);
static_assert(txt::capabilities{0x8000'0000}.reserved_bits_set() == 0x8000'0000);
static_assert(txt::capabilities{0x80}.platform() == txt::platform_type::server);
static_assert(txt::capabilities{}.with(txt::caps_field::platform_type, 1).raw == 0x40);

TEST_CASE("format_register prints fields in datasheet order and flags set reserved bits") {
    const u64 raw = 0x0050'0000'0000'0031;  // ENABLE, MODE 3, TOP 5
    CHECK(print(demo_info, raw) ==
          "DEMO (0x030) = 0x0050000000000031\n"
          "  [0] ENABLE = 1  (1 = on)\n"
          "  [7:4] MODE = 0x3\n"
          "  [63:52] TOP = 0x5\n");
    CHECK(print(demo_info, raw, true) ==
          "DEMO (0x030) = 0x0050000000000031\n"
          "  [0] ENABLE = 1  (1 = on)\n"
          "  [3:1] reserved = 0x0\n"
          "  [7:4] MODE = 0x3\n"
          "  [63:52] TOP = 0x5\n");
    CHECK(print(demo_info, 0x4) ==
          "DEMO (0x030) = 0x0000000000000004\n"
          "  [0] ENABLE = 0  (1 = on)\n"
          "  [3:1] reserved = 0x2  <- reserved bits set\n"
          "  [7:4] MODE = 0x0\n"
          "  [63:52] TOP = 0x0\n");
}

TEST_CASE("format_register never writes past the buffer and always terminates") {
    char buf[64];
    for (std::size_t cap = 0; cap <= sizeof buf; ++cap) {
        for (char& c : buf) c = 'X';
        const std::size_t n = format_register(demo_info, ~u64{0}, buf, cap, true);
        if (cap == 0) {
            CHECK(buf[0] == 'X');
            CHECK(n == 0);
            continue;
        }
        CHECK(n == cap - 1);
        CHECK(buf[n] == '\0');
        for (std::size_t i = cap; i < sizeof buf; ++i) CHECK(buf[i] == 'X');
    }
}

TEST_CASE("the capabilities table describes all 32 bits") {
    u64 described = 0;
    for (const bit_field& f : txt::capabilities_info) {
        CHECK((described & f.mask()) == 0);  // no overlap
        described |= f.mask();
    }
    CHECK(described == 0xffff'ffff);
    CHECK(print(txt::capabilities_info, 0x227).find("[9] TCG_EVENT_LOG = 1") != std::string::npos);
}
