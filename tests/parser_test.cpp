// Parser, validator, copy-then-validate, detection, conversion and consumer profiles.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "slrt/slrt.hpp"

using namespace slrt;

namespace {

// A GRUB-like Intel table in any layout; `dl` fields the layout lacks stay zero.
std::vector<u8> intel_table(layout l, u32 max_size = 4096) {
    std::vector<u8> buf(max_size);
    builder b(mutable_byte_view(buf.data(), buf.size()), l);
    REQUIRE(b.init(architecture::intel_txt, max_size));
    dl_info dl;
    dl.dce_size = 0x38000;
    dl.dce_base = 0x9a700000;
    if (describe(l).dl_info.dlme_size.present()) {
        dl.dlme_size = 0x1800000;
        dl.dlme_base = 0x1000000;
    }
    dl.dlme_entry = 0x2a0;
    dl.bl_context = {bootloader::grub, 0x7ff3c010};
    REQUIRE(b.add(dl));
    REQUIRE(b.add(log_info{log_format::tpm20, 0x8000, 0x7f000000}));
    const policy_entry p[] = {
        {18, entity_type::slrt, policy_flag_implicit_size, 0, 0x20000, "Measured SLR Table"},
        {18, entity_type::boot_params, 0, 0x1000, 0x8d000, "Measured boot parameters"},
    };
    REQUIRE(b.add_policy(p, 2));
    intel_info i;
    if (describe(l).intel_info.txt_heap.present()) i.txt_heap = 0xa0e00000;
    i.saved_bsp_mtrrs.mtrr_vcnt = 2;
    i.saved_bsp_mtrrs.mtrr_pair[1] = {0x6, 0xff0000800};
    REQUIRE(b.add(i));
    buf.resize(b.size());
    return buf;
}

byte_view view(const std::vector<u8>& v) { return {v.data(), v.size()}; }

// Offsets in the v16 intel_table: dl_info @16 (88), log_info @104 (24), policy @128 (128),
// intel_info @256 (560), END @816, size 824.
constexpr u32 policy_at = 128, intel_at = 256;

}  // namespace

TEST_CASE("parse: errors carry code, offset, entry index, field, values and rule", "[parse]") {
    std::vector<u8> t = intel_table(layout::v16);
    REQUIRE(t.size() == 824);
    store_le(mutable_byte_view(t.data(), t.size()), policy_at + 14, 2, 3);  // nr_entries 2 -> 3
    const result<table> r = parse(view(t));
    REQUIRE_FALSE(r);
    const error& e = r.err();
    CHECK(e.code == errc::count_mismatch);
    CHECK(e.offset == policy_at + 14);
    CHECK(e.entry_index == 2);
    CHECK(std::string(e.field) == "policy.nr_entries");
    CHECK(e.value == 3);
    CHECK(e.limit == 2);
    CHECK(std::string(e.rule) == "SLRT-P1");
    char line[200];
    format_error(e, line, sizeof line);
    CHECK(std::string(line) ==
          "SLRT-P1 count_mismatch at byte 0x8e (entry 2): policy.nr_entries = 0x3 (limit 0x2): "
          "nr_entries elements must fill the entry exactly");
    char tiny[8];
    CHECK(format_error(e, tiny, sizeof tiny) == 7);
    CHECK(std::string(tiny) == "SLRT-P1");
}

TEST_CASE("parse: a zero-size or oversized entry ends the walk with an error, never a loop", "[parse]") {
    std::vector<u8> t = intel_table(layout::v16);
    auto m = mutable_byte_view(t.data(), t.size());
    for (u32 bad : {0u, 1u, 7u}) {
        store_le(m, 16 + 4, 4, bad);
        CHECK(parse(view(t)).err().code == errc::entry_size_too_small);
    }
    for (u32 bad : {809u, 0xffffffffu}) {  // 808 bytes remain after the header
        store_le(m, 16 + 4, 4, bad);
        const result<table> r = parse(view(t));
        CHECK(r.err().code == errc::entry_exceeds_table);
        CHECK(r.err().limit == 808);
    }
}

TEST_CASE("parse: the walk never reads past `size`, whatever the buffer holds after it", "[parse]") {
    std::vector<u8> t = intel_table(layout::v16);
    for (u32 cut = 0; cut < t.size(); ++cut) {
        std::vector<u8> shorter(t.begin(), t.begin() + cut);
        const result<table> r = parse(view(shorter));
        REQUIRE_FALSE(r);
        CHECK((r.err().code == errc::truncated_header || r.err().code == errc::size_exceeds_buffer));
    }
    // A table whose `size` stops mid-entry: the last entry runs past size.
    store_le(mutable_byte_view(t.data(), t.size()), 8, 4, 820);
    CHECK(parse(view(t)).err().code == errc::entry_header_truncated);
}

TEST_CASE("parse: strict rejects what permissive accepts with a named quirk", "[parse][quirks]") {
    std::vector<u8> t = intel_table(layout::v16);
    auto m = mutable_byte_view(t.data(), t.size());
    const u32 label = policy_at + 16 + 24;  // first policy entry's evt_info
    fill(m, label, 32, 'A');
    const result<table> strict = parse(view(t));
    CHECK(strict.err().code == errc::evt_info_unterminated);
    CHECK(strict.err().offset == label);
    const result<table> lax = parse(view(t), {layout::v16, mode::permissive});
    REQUIRE(lax);
    CHECK(lax->quirks().has(quirk::evt_info_unterminated));
    CHECK(lax->quirks().hits[0].entry_index == 2);
    CHECK((*lax->policy())[0].evt_info.length() == 32);  // never read past the field
    // The Linux kernel would strlen past it; the consumer profile says so.
    const findings f = check_linux_v16(*lax);
    REQUIRE_FALSE(f.ok());
    CHECK(std::string(f.items[0].rule) == "LINUX-7");
}

TEST_CASE("parse: duplicates, architecture and reserved fields", "[parse]") {
    std::vector<u8> buf(4096);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::amd_skinit, 4096));
    REQUIRE(b.add(log_info{log_format::tpm20, 0x100, 0x1000}));
    REQUIRE(b.add(log_info{log_format::tpm20, 0x100, 0x2000}));
    CHECK(parse(b.bytes()).err().code == errc::duplicate_entry);
    const result<table> lax = parse(b.bytes(), {layout::v16, mode::permissive});
    REQUIRE(lax);
    CHECK(lax->get<log_info>()->addr == 0x1000);  // consumers take the first
    CHECK(lax->quirks().has(quirk::duplicate_singleton));
    CHECK(check_skl(*lax).count > 0);

    REQUIRE(b.add(intel_info{}));  // the builder carries it; validation refuses it
    CHECK(parse(b.bytes(), {layout::v16, mode::permissive}).err().code == errc::architecture_mismatch);

    std::vector<u8> t = intel_table(layout::v16);
    t[16 + 64 + 2] = 1;  // dl_info.bl_context.reserved
    CHECK(parse(view(t)).err().code == errc::reserved_nonzero);
    CHECK(parse(view(t), {layout::v16, mode::permissive})->quirks().has(quirk::reserved_nonzero));
}

TEST_CASE("parse: intel_info MTRR rules", "[parse]") {
    std::vector<u8> t = intel_table(layout::v16);
    auto m = mutable_byte_view(t.data(), t.size());
    const u32 vcnt = intel_at + 32 + 8;
    store_le(m, vcnt, 8, 33);
    CHECK(parse(view(t), {layout::v16, mode::permissive}).err().code == errc::mtrr_vcnt_too_large);
    store_le(m, vcnt, 8, 1);  // pair 1 is set but beyond vcnt
    const result<table> r = parse(view(t));
    CHECK(r.err().code == errc::reserved_nonzero);
    CHECK(std::string(r.err().rule) == "SLRT-I2");
}

TEST_CASE("parse_copy validates a private copy; later changes to the source do not matter", "[parse]") {
    std::vector<u8> source = intel_table(layout::v16);
    std::vector<u8> owned(4096);
    const result<table> t = parse_copy(view(source), mutable_byte_view(owned.data(), owned.size()));
    REQUIRE(t);
    CHECK(t->bytes().data() == owned.data());
    std::fill(source.begin(), source.end(), 0xee);  // the attacker rewrites memory after the copy
    CHECK(t->get<dl_info>()->dce_base == 0x9a700000);
    std::vector<u8> small(100);
    CHECK(parse_copy(view(intel_table(layout::v16)), mutable_byte_view(small.data(), small.size())).err().code ==
          errc::buffer_too_small);
}

TEST_CASE("iteration visits every entry in order and find() returns the first", "[parse]") {
    const std::vector<u8> t = intel_table(layout::v12);
    const result<table> r = parse(view(t), {layout::v12});
    REQUIRE(r);
    std::vector<u32> tags, offsets;
    for (const entry_ref& e : *r) {
        tags.push_back(e.tag);
        offsets.push_back(e.offset);
    }
    CHECK(tags == std::vector<u32>{1, 2, 3, 4});
    CHECK(offsets == std::vector<u32>{16, 88, 112, 240});
    CHECK(r->find(tag::amd_info).err().code == errc::missing_entry);
}

TEST_CASE("detect names the layouts a table is consistent with", "[detect]") {
    CHECK(detect(view(intel_table(layout::v16))).strict == 1u << static_cast<u8>(layout::v16));
    CHECK(detect(view(intel_table(layout::v12))).strict == 1u << static_cast<u8>(layout::v12));
    CHECK(detect(view(intel_table(layout::v10))).strict == 1u << static_cast<u8>(layout::v10));
    CHECK(detect(view(intel_table(layout::v9))).best == layout::v9);
    CHECK(detect(view(intel_table(layout::v6))).best == layout::v6);
    // Without intel_info or dl_info, v10 and v12 are byte-identical: both match, newest wins.
    std::vector<u8> buf(256);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v10);
    REQUIRE(b.init(architecture::amd_skinit, 256));
    REQUIRE(b.add(log_info{log_format::tpm12, 16, 0x1000}));
    const detection d = detect(b.bytes());
    CHECK(d.matches(layout::v10));
    CHECK(d.matches(layout::v12));
    CHECK(d.matches(layout::v16));
    CHECK_FALSE(d.matches(layout::v9));
    CHECK(d.best == layout::v16);
    const u8 garbage[40] = {0x4d, 0x54, 0x52, 0x44, 1, 0, 1, 0, 40, 0, 0, 0, 40, 0, 0, 0};
    const detection none = detect(garbage);
    CHECK_FALSE(none.any());
    CHECK(none.best_error.code != errc::ok);
}

TEST_CASE("convert: v10 -> v16 carries every field and names the new ones", "[convert]") {
    const std::vector<u8> v10 = intel_table(layout::v10);
    const result<table> src = parse(view(v10), {layout::v10});
    REQUIRE(src);
    std::vector<u8> out(4096);
    convert_report report;
    const result<u32> size = convert(*src, layout::v16, mutable_byte_view(out.data(), out.size()), &report);
    REQUIRE(size);
    CHECK(*size == v10.size() + 16 + 8);  // dl_info +16, intel_info +8
    std::vector<std::string> zeroed(report.zeroed, report.zeroed + report.count);
    CHECK(zeroed == std::vector<std::string>{"dl_info.dlme_header_offset", "dl_info.dlme_config_table",
                                             "intel_info.boot_params_addr"});
    const result<table> dst = parse(byte_view(out.data(), *size));
    REQUIRE(dst);
    CHECK(dst->get<dl_info>()->dce_base == 0x9a700000);
    CHECK(dst->get<intel_info>()->saved_bsp_mtrrs.mtrr_pair[1].mtrr_physmask == 0xff0000800);
    CHECK((*dst->policy())[1].evt_info == evt_label("Measured boot parameters"));

    // And back: nothing was added, so v16 -> v10 gives the original bytes.
    std::vector<u8> back(4096);
    const result<u32> back_size = convert(*dst, layout::v10, mutable_byte_view(back.data(), back.size()));
    REQUIRE(back_size);
    CHECK(equal(byte_view(back.data(), *back_size), view(v10)));
}

TEST_CASE("convert refuses to lose or invent information", "[convert]") {
    std::vector<u8> v16 = intel_table(layout::v16);
    // v16-only field set: converting to v12 would drop it.
    store_le(mutable_byte_view(v16.data(), v16.size()), 16 + 48, 8, 0x1c0);
    const result<table> src = parse(view(v16));
    REQUIRE(src);
    std::vector<u8> out(4096);
    const result<u32> r = convert(*src, layout::v12, mutable_byte_view(out.data(), out.size()));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::field_not_in_layout);
    CHECK(std::string(r.err().field) == "dl_info.dlme_header_offset");
    CHECK(r.err().entry_index == 0);

    // v6 has no dlme_size: the v9 result would break SLRT-D1.
    const std::vector<u8> v6_bytes = intel_table(layout::v6);
    const result<table> v6 = parse(view(v6_bytes), {layout::v6});
    REQUIRE(v6);
    CHECK(convert(*v6, layout::v9, mutable_byte_view(out.data(), out.size())).err().code ==
          errc::dlme_entry_out_of_range);

    // Permissive tables are not converted.
    const std::vector<u8> lax_bytes = intel_table(layout::v16);
    const result<table> lax = parse(view(lax_bytes), {layout::v16, mode::permissive});
    CHECK(convert(*lax, layout::v12, mutable_byte_view(out.data(), out.size())).err().code == errc::bad_argument);
}

TEST_CASE("consumer profiles report every failed requirement", "[consumers]") {
    const std::vector<u8> intel_bytes = intel_table(layout::v16);
    const result<table> intel = parse(view(intel_bytes));
    REQUIRE(intel);
    CHECK(check_linux_v16(*intel).ok());

    const findings xen = check_xen(*intel);
    std::vector<std::string> rules;
    for (u32 i = 0; i < xen.count; ++i) rules.push_back(xen.items[i].rule);
    CHECK(rules == std::vector<std::string>{"XEN-1", "XEN-5", "XEN-6"});

    // A Xen-shaped policy: MB2 info, SLRT at the given address, one module.
    std::vector<u8> buf(4096);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v12);
    REQUIRE(b.init(architecture::intel_txt, 4096));
    const policy_entry p[] = {
        {18, entity_type::multiboot2_info, 0, 0x2000, 0x10000, "Measured MB2 information"},
        {18, entity_type::slrt, policy_flag_implicit_size, 0, 0xa1000000, "Measured SLR Table"},
        {17, entity_type::multiboot2_module, policy_flag_measured, 0x100000, 0x200000, "Measured MB2 module"},
    };
    REQUIRE(b.add_policy(p, 3));
    const result<table> x = parse(b.bytes(), {layout::v12});
    REQUIRE(x);
    consumer_context ctx;
    ctx.table_addr = 0xa1000000;
    ctx.have_table_addr = true;
    const findings f = check_xen(*x, ctx);
    REQUIRE(f.count == 1);
    CHECK(std::string(f.items[0].rule) == "XEN-8");
    CHECK(f.items[0].entry_index == 2);
    ctx.table_addr = 0xa2000000;
    CHECK(check_xen(*x, ctx).count == 2);

    // A v16 table read permissively with v12 offsets: dl_info is oversized, Xen would misread it.
    const result<table> as_v12 = parse(view(intel_bytes), {layout::v12, mode::permissive});
    REQUIRE(as_v12);
    CHECK(as_v12->quirks().has(quirk::oversized_entry));
    const findings misread = check_xen(*as_v12);
    REQUIRE(misread.count >= 1);
    CHECK(std::string(misread.items[0].rule) == "XEN-1");
    CHECK(misread.items[0].entry_index == 0);

    const findings skl = check_skl(*intel);
    rules.clear();
    for (u32 i = 0; i < skl.count; ++i) rules.push_back(skl.items[i].rule);
    CHECK(rules == std::vector<std::string>{"SKL-1", "SKL-2"});
}

TEST_CASE("DLME header and GUIDs", "[dlme]") {
    u8 bytes[52] = {};
    dlme_header h;
    h.header_len = 52;
    h.version = 0x20003;
    h.entry_point = 0x2a0;
    h.cmdline_end = 0x1000;
    REQUIRE(encode_dlme_header(h, bytes));
    CHECK(bytes[0] == 0x5a);
    CHECK(bytes[15] == 0x42);
    const result<dlme_header> back = parse_dlme_header(bytes);
    REQUIRE(back);
    CHECK(*back == h);
    bytes[3] ^= 1;
    CHECK(parse_dlme_header(bytes).err().code == errc::bad_magic);
    CHECK(parse_dlme_header(byte_view(bytes, 51)).err().code == errc::truncated_header);

    u8 g[16];
    slr_table_guid.to_bytes(g);
    const u8 expect[16] = {0x2a, 0x9b, 0x7a, 0x87, 0x85, 0x03, 0xd1, 0x45,
                           0xa0, 0x34, 0x9d, 0xac, 0x9c, 0x9e, 0x56, 0x5f};
    CHECK(equal(g, expect));
    CHECK(guid::from_bytes(g) == slr_table_guid);
    efi_slaunch_protocol_guid.to_bytes(g);
    CHECK(g[0] == 0xe0);
    CHECK(g[15] == 0xea);
}

TEST_CASE("layout names and era aliases", "[layout]") {
    layout l{};
    CHECK((layout_from_name("v8", l) && l == layout::v6));
    CHECK((layout_from_name("v11", l) && l == layout::v10));
    CHECK((layout_from_name("v15", l) && l == layout::v12));
    CHECK((layout_from_name("v16", l) && l == layout::v16));
    CHECK_FALSE(layout_from_name("v5", l));
    CHECK_FALSE(layout_from_name("v", l));
    CHECK_FALSE(layout_from_name("v1234", l));
    CHECK_FALSE(layout_from_name("16", l));
}
