// Inputs the fuzzers found, pinned as bytes with the behaviour they now get.
#include <catch2/catch.hpp>

#include <vector>

#include "slrt/slrt.hpp"

using namespace slrt;

TEST_CASE("regression: a v10+ tag whose low half is 1 is an unknown entry, not dl_info", "[regression]") {
    // fuzz_convert: convert() switched on the tag cast to u16, turning 0xbc020001 into dl_info.
    std::vector<u8> buf(256);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::intel_txt, 256));
    const u8 payload[16] = {1, 2, 3};
    REQUIRE(b.add_raw(0xbc020001u, payload));
    const result<table> t = parse(b.bytes());
    REQUIRE(t);
    CHECK(t->find(tag::dl_info).err().code == errc::missing_entry);
    std::vector<u8> out(256);
    const result<u32> n = convert(*t, layout::v12, mutable_byte_view(out.data(), out.size()));
    REQUIRE(n);
    CHECK(equal(byte_view(out.data(), *n), t->bytes()));
    // A u16-header layout cannot carry the tag: refused, not truncated.
    CHECK(convert(*t, layout::v9, mutable_byte_view(out.data(), out.size())).err().code == errc::value_out_of_range);
}

TEST_CASE("regression: re-encoding an empty table whose max_size exceeds the output buffer", "[regression]") {
    // fuzz_parse: a 20-byte v6 table with max_size 4096 could not be re-encoded into 84 bytes.
    const u8 bytes[20] = {0x4d, 0x54, 0x52, 0x44, 1, 0, 1, 0, 0x14, 0, 0, 0, 0, 0x10, 0, 0, 0xff, 0xff, 4, 0};
    const result<table> t = parse(bytes, {layout::v6});
    REQUIRE(t);
    u8 out[84] = {};
    const result<u32> n = convert(*t, layout::v6, out);
    REQUIRE(n);
    CHECK(equal(byte_view(out, *n), byte_view(bytes)));
}

TEST_CASE("regression: a table full of quirks keeps a bounded log", "[regression][quirks]") {
    std::vector<u8> buf(0x10000);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::intel_txt, 0x10000));
    const result<entry_ref> p = b.add_policy(200);
    REQUIRE(p);
    policy_entry e{18, entity_type::cmdline, 0, 1, 0x1000, ""};
    for (u32 i = 0; i < evt_info_length; ++i) e.evt_info.bytes[i] = 'x';  // no NUL
    for (u16 i = 0; i < 200; ++i) REQUIRE(b.set_policy_entry(*p, i, e));
    const result<table> t = parse(b.bytes(), {layout::v16, mode::permissive});
    REQUIRE(t);
    CHECK(t->quirks().count == quirk_log::capacity);
    CHECK(t->quirks().dropped == 200 - quirk_log::capacity);
    CHECK(t->quirks().has(quirk::evt_info_unterminated));
    CHECK(parse(b.bytes()).err().code == errc::evt_info_unterminated);
}
