// SINIT ACMs (dlh/txt/acm.hpp, acm_match.hpp): the header layouts 0.0 and 3.0, information
// table versions 3..9 and the version 9 chain, every parse rule TXT-A1..A33 with its offset,
// the builder and its failures, padding, rebuilding a parsed module, matching TXT-A40..A55,
// choosing a SINIT, the --match key parser, and the vectors in spec/vectors/txt/acm/.
#include <catch2/catch.hpp>

#include "support/vectors.hpp"

#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;
using namespace slrt_test;

namespace {

// ---------------------------------------------------------------------------------------------
// Fixtures: a 4 KiB module with its GDT and entry point near the end.

constexpr u32 k_module = 0x1000;
constexpr acm_chipset_id k_chipsets[] = {{0, 0x8086, 0xB003, 0x01, 0, 0}, {1, 0x8086, 0xB004, 0x0F, 0, 0}};
constexpr acm_chipset_id k_chipsets2[] = {{0, 0x8086, 0xB000, 0, 0xFFF0, 7}};
constexpr acm_processor_id k_processors[] = {{0x000906E0, 0x0FFF3FF0, 0, 0},
                                             {0x000A0650, 0x0FFF3FF0, 0x0004000000000000, 0x001C000000000000}};
constexpr u16 k_algs[] = {tpm_alg::sha1, tpm_alg::sha256};
constexpr u8 k_verl[] = {1, 0, 2, 0};
constexpr acm_chain_item k_chain[] = {{acm_list_id::cs1l, 1, 0, {}},
                                      {acm_list_id::cs2l, 1, 0, {}},
                                      {acm_list_id::cpul, 1, 0, {}},
                                      {acm_list_id::tpml, 1, 0, {}},
                                      {acm_list_id::verl, 2, 0, byte_view(k_verl)}};

constexpr acm_build base_build(u8 info_version, acm_header_layout layout = acm_header_layout::v0_0) {
    acm_build b;
    b.layout = layout;
    b.header.module_type = acm_module_type_chipset;
    b.header.module_vendor = acm_vendor_intel;
    b.header.chipset_id = 0x0B00;
    b.header.date = 0x20230518;
    b.header.size = k_module / 4;
    b.header.txt_svn = 2;
    b.header.gdt_limit = 0x1F;
    b.header.gdt_base = k_module - 0x80;
    b.header.seg_sel = 0x08;
    b.header.entry_point = k_module - 0x40;
    b.header.rsa_pub_exp = 0x10001;
    b.info.chipset_acm_type = static_cast<u8>(acm_type::sinit);
    b.info.version = info_version;
    b.info.os_sinit_data_ver = 7;
    b.info.min_mle_header_ver = 0x00020000;
    b.info.capabilities = capabilities{0x267};
    b.info.acm_version = 1;
    b.info.acm_revision[0] = 1;
    b.info.acm_revision[1] = 2;
    b.info.acm_revision[2] = 3;
    b.chipsets = k_chipsets;
    b.chipset_count = 2;
    if (info_version >= 4) {
        b.processors = k_processors;
        b.processor_count = 2;
    }
    if (info_version >= 5) {
        b.tpm_capabilities = 0x6F;
        b.tpm_algorithms = k_algs;
        b.tpm_algorithm_count = 2;
    }
    if (info_version >= 9) {
        b.chipsets2 = k_chipsets2;
        b.chipset2_count = 1;
        b.chain = k_chain;
        b.chain_count = 5;
    }
    return b;
}

struct image {
    u8 bytes[k_module + 0x100]{};
    u32 size = 0;
    constexpr byte_view view() const { return byte_view(bytes, size); }
    constexpr void put32(u32 at, u32 v) { store_le(mutable_byte_view(bytes, sizeof bytes), at, 4, v); }
    constexpr void put16(u32 at, u16 v) { store_le(mutable_byte_view(bytes, sizeof bytes), at, 2, v); }
};

constexpr image build(const acm_build& b) {
    image img;
    const result<u32> r = build_acm(b, mutable_byte_view(img.bytes, sizeof img.bytes));
    img.size = r ? *r : 0;
    return img;
}

constexpr image standard(u8 info_version, acm_header_layout layout = acm_header_layout::v0_0) {
    return build(base_build(info_version, layout));
}

constexpr u32 info_at(acm_header_layout l) { return (layout_info(l).header_len + layout_info(l).scratch_size) * 4; }

constexpr bool fails_with(const image& img, errc code, const char* rule, u32 offset,
                          const acm_parse_options& o = {}) {
    const result<parsed_acm> r = parse_acm(img.view(), o);
    if (r) return false;
    const char* a = r.err().rule;
    const char* b = rule;
    while (*a && *a == *b) ++a, ++b;
    return r.err().code == code && *a == *b && r.err().offset == offset;
}

template <class F>
constexpr image patched(image img, F f) {
    f(img);
    return img;
}

// Parses, compares the decoded values with what was built, rebuilds and compares the bytes.
constexpr bool round_trip(u8 info_version, acm_header_layout layout) {
    const acm_build b = base_build(info_version, layout);
    const image img = build(b);
    if (img.size != k_module) return false;
    const result<parsed_acm> r = parse_acm(img.view());
    if (!r) return false;
    const parsed_acm& a = *r;
    if (a.layout != layout || a.info_offset != info_at(layout) || a.info.version != info_version) return false;
    if (a.header.size != k_module / 4 || a.header.date != 0x20230518 || a.header.seg_sel != 8) return false;
    if (a.header.key_size != layout_info(layout).key_size) return false;
    if (a.header.rsa_pub_exp != (layout == acm_header_layout::v0_0 ? 0x10001u : 0u)) return false;
    if (a.info.capabilities.raw != 0x267 || a.info.os_sinit_data_ver != 7) return false;
    if ((a.info.acm_revision[0] == 1) != (info_version >= 6)) return false;
    if (a.chipsets.count != 2 || !(a.chipset(1) == k_chipsets[1]) || !(a.chipset(0) == k_chipsets[0])) return false;
    if (info_version >= 4 && (a.processors.count != 2 || !(a.processor(1) == k_processors[1]))) return false;
    if (info_version < 4 && a.processors.present) return false;
    if (info_version >= 5 && (a.tpm.count != 2 || a.tpm.capabilities != 0x6F || a.tpm_algorithm(1) != tpm_alg::sha256))
        return false;
    if (info_version >= 9) {
        if (a.chain_count != 5 || a.chipsets2.count != 1 || !(a.chipset2(0) == k_chipsets2[0])) return false;
        if (a.chain[4].id != acm_list_id::verl || a.chain[4].rev != 2 || a.chain_payload(4).size() != 4) return false;
        if (a.term_size != 12) return false;
    }
    // Rebuild from the parsed values: identical module bytes (this builder writes the same lists).
    acm_chipset_id cs[4]{}, cs2[4]{};
    acm_processor_id pr[4]{};
    u16 al[4]{};
    acm_chain_item ch[max_acm_chain_lists]{};
    const acm_build again = rebuild_input(a, {cs, cs2, pr, al, ch});
    const image img2 = build(again);
    if (img2.size != img.size) return false;
    for (u32 i = 0; i < img.size; ++i)
        if (img.bytes[i] != img2.bytes[i]) return false;
    return true;
}

static_assert(round_trip(3, acm_header_layout::v0_0));
static_assert(round_trip(4, acm_header_layout::v0_0));
static_assert(round_trip(5, acm_header_layout::v0_0));
static_assert(round_trip(6, acm_header_layout::v0_0));
static_assert(round_trip(7, acm_header_layout::v0_0));
static_assert(round_trip(8, acm_header_layout::v0_0));
static_assert(round_trip(9, acm_header_layout::v0_0));
static_assert(round_trip(7, acm_header_layout::v3_0));
static_assert(round_trip(9, acm_header_layout::v3_0));

// Malformed modules, in constant evaluation, with the exact error.
constexpr u32 io = info_at(acm_header_layout::v0_0);  // 1216
static_assert(fails_with(image{}, errc::truncated_header, "TXT-A1", 0));
static_assert(fails_with(patched(standard(6), [](image& i) { i.put32(24, 0x40000000); }), errc::value_out_of_range,
                         "TXT-A2", 24));
static_assert(fails_with(patched(standard(6), [](image& i) { i.put32(24, 0); }), errc::misaligned, "TXT-A3", 24));
static_assert(fails_with(patched(standard(6), [](image& i) { i.put32(4, 160); }), errc::entry_size_too_small,
                         "TXT-A10", 4));
static_assert(fails_with(patched(standard(6), [](image& i) { i.bytes[io + 3] ^= 1; }), errc::bad_uuid, "TXT-A13",
                         io));
static_assert(fails_with(patched(standard(6), [](image& i) { i.bytes[io + 17] = 10; }), errc::unsupported_version,
                         "TXT-A14", io + 17));
static_assert(fails_with(patched(standard(6), [](image& i) { i.put32(48, 0x18); }), errc::out_of_bounds, "TXT-A23",
                         48));
static_assert(fails_with(patched(standard(9), [](image& i) { i.put32(io + 48 + 4, 11); }),
                         errc::entry_size_too_small, "TXT-A29", io + 48 + 4));

// layouts by header version
constexpr bool layout_is(u32 version, bool known, acm_header_layout want = acm_header_layout::v0_0) {
    acm_header_layout l{};
    const bool k = acm_layout_for_version(version, l);
    return k == known && (!k || l == want);
}
static_assert(layout_is(0, true, acm_header_layout::v0_0));
static_assert(layout_is(0x00030000, true, acm_header_layout::v3_0));
static_assert(layout_is(0x00050004, true, acm_header_layout::v3_0));
static_assert(layout_is(0x00000300, false));  // GRUB's constant for 3.0 is not a 3.0 header
static_assert(layout_is(0x00060000, false));
static_assert(layout_is(0x00010000, false));

// ---------------------------------------------------------------------------------------------
// Files

const vector_dir acm_vectors("txt/acm");

std::string value_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
    if (v.is_array()) {
        std::string s;
        for (const auto& e : v) s += (s.empty() ? "" : "+") + value_text(e);
        return s;
    }
    return std::to_string(v.get<u64>());
}

void apply(platform_values& v, match_options& o, const nlohmann::json& j) {
    for (const auto& [k, val] : j.items()) {
        const std::string text = value_text(val);
        const slrt::status s = set_match_value(v, o, k.data(), k.size(), text.data(), text.size());
        INFO(k << "=" << text);
        REQUIRE(s);
    }
}

std::string format(const check_record& r) {
    char line[640];
    format_check_record(r, line, sizeof line);
    return line;
}

}  // namespace

TEST_CASE("ACM wire layouts and constants") {
    CHECK(sizeof(wire::acm_header_v0_0) == layout_info(acm_header_layout::v0_0).fixed_size);
    CHECK(sizeof(wire::acm_header_v3_0) == layout_info(acm_header_layout::v3_0).fixed_size);
    CHECK(layout_info(acm_header_layout::v0_0).header_len * 4 == 644);
    CHECK(layout_info(acm_header_layout::v3_0).header_len * 4 == 896);
    CHECK(info_at(acm_header_layout::v0_0) == 1216);
    CHECK(info_at(acm_header_layout::v3_0) == 1728);
    CHECK(acm_info_table_size(3) == 40);
    CHECK(acm_info_table_size(4) == 44);
    CHECK(acm_info_table_size(5) == 48);
    CHECK(acm_info_table_size(9) == 48);
    CHECK(load_le(byte_view(acm_info_uuid), 0, 4) == 0x7FC03AAA);
    CHECK(load_le(byte_view(acm_info_uuid), 4, 4) == 0x18DB46A7);
    CHECK(load_le(byte_view(acm_info_uuid), 8, 4) == 0x8F69AC2E);
    CHECK(load_le(byte_view(acm_info_uuid), 12, 4) == 0x5A7F418D);
    // The chain ids are the ASCII of their names read little-endian.
    const u32 ids[] = {acm_list_id::cs1l, acm_list_id::cs2l, acm_list_id::cpul, acm_list_id::tpml,
                       acm_list_id::verl, acm_list_id::term};
    const char* text[] = {"L1SC", "L2SC", "LUPC", "LMPT", "LREV", "LLUN"};
    for (int i = 0; i < 6; ++i) {
        char s[5]{};
        std::memcpy(s, &ids[i], 4);
        CHECK(std::string(s) == text[i]);
    }
    CHECK(std::string(acm_list_name(acm_list_id::cpul)) == "CPUL");
    CHECK(std::string(acm_list_name(0)) == "unknown");
    CHECK(std::string(name(acm_type::sinit_revocation)) == "SINIT revocation");
    CHECK(std::string(tpm_alg_name(tpm_alg::sm3_256)) == "SM3_256");
    char line[512];
    format_register(tpm_caps_info, 0x6F, line, sizeof line);
    CHECK(std::string(line).find("[5:2] TPM_FAMILY = 0xb") != std::string::npos);
    format_register(acm_flags_info, 0x8000, line, sizeof line);
    CHECK(std::string(line).find("[15] DEBUG_SIGNED = 1") != std::string::npos);
}

TEST_CASE("ACM golden bytes of a built v0.0 / info v6 module") {
    const image img = standard(6);
    REQUIRE(img.size == k_module);
    const u8 head[] = {0x02, 0x00, 0x00, 0x00, 0xA1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0B, 0x00, 0x00,
                       0x86, 0x80, 0x00, 0x00, 0x18, 0x05, 0x23, 0x20, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00};
    for (std::size_t i = 0; i < sizeof head; ++i) CHECK(img.bytes[i] == head[i]);
    CHECK(load_le(img.view(), 120, 4) == 64);
    CHECK(load_le(img.view(), 124, 4) == 143);
    CHECK(load_le(img.view(), 384, 4) == 0x10001);
    for (std::size_t i = 0; i < 16; ++i) CHECK(img.bytes[1216 + i] == acm_info_uuid[i]);
    CHECK(img.bytes[1216 + 16] == 1);
    CHECK(img.bytes[1216 + 17] == 6);
    CHECK(load_le(img.view(), 1216 + 18, 2) == 48);
    CHECK(load_le(img.view(), 1216 + 20, 4) == 1264);  // chipset list right behind the table
    CHECK(load_le(img.view(), 1264, 4) == 2);
    CHECK(load_le(img.view(), 1268 + 16 + 4, 2) == 0x8086);
    CHECK(load_le(img.view(), 1216 + 40, 4) == 1264 + 36);  // processor list
    CHECK(load_le(img.view(), 1216 + 44, 4) == 1264 + 36 + 52);  // TPM list
    CHECK(load_le(img.view(), 1264 + 36 + 52, 4) == 0x6F);
    CHECK(load_le(img.view(), 1264 + 36 + 52 + 4, 2) == 2);
    CHECK(load_le(img.view(), 1264 + 36 + 52 + 8, 2) == tpm_alg::sha256);
}

TEST_CASE("ACM parse: the vectors in spec/vectors/txt/acm") {
    const char* names[] = {"valid_v00_info3",         "valid_v00_info4", "valid_v00_info5", "valid_v00_info6",
                           "valid_v00_info9_chained", "valid_v30_info7"};
    for (const char* n : names) {
        INFO(n);
        const std::vector<u8> bytes = acm_vectors.bytes(std::string(n) + ".bin");
        const nlohmann::json j = acm_vectors.json(std::string(n) + ".json");
        const result<parsed_acm> r = parse_acm(byte_view(bytes.data(), bytes.size()));
        REQUIRE(r);
        const parsed_acm& a = *r;
        CHECK(std::string(name(a.layout)) == j["layout"].get<std::string>());
        CHECK(a.module_size() == j["module_size"].get<u32>());
        CHECK(a.padding == 0);
        const auto& h = j["header"];
        CHECK(a.header.module_type == h["module_type"].get<u16>());
        CHECK(a.header.module_subtype == h["module_subtype"].get<u16>());
        CHECK(a.header.header_len == h["header_len"].get<u32>());
        CHECK(a.header.header_version == h["header_version"].get<u32>());
        CHECK(a.header.chipset_id == h["chipset_id"].get<u16>());
        CHECK(a.header.flags == h["flags"].get<u16>());
        CHECK(a.header.module_vendor == h["module_vendor"].get<u32>());
        CHECK(a.header.date == h["date"].get<u32>());
        CHECK(a.header.size == h["size"].get<u32>());
        CHECK(a.header.txt_svn == h["txt_svn"].get<u16>());
        CHECK(a.header.se_svn == h["se_svn"].get<u16>());
        CHECK(a.header.code_control == h["code_control"].get<u32>());
        CHECK(a.header.error_entry_point == h["error_entry_point"].get<u32>());
        CHECK(a.header.gdt_limit == h["gdt_limit"].get<u32>());
        CHECK(a.header.gdt_base == h["gdt_base"].get<u32>());
        CHECK(a.header.seg_sel == h["seg_sel"].get<u32>());
        CHECK(a.header.entry_point == h["entry_point"].get<u32>());
        CHECK(a.header.key_size == h["key_size"].get<u32>());
        CHECK(a.header.scratch_size == h["scratch_size"].get<u32>());
        CHECK(a.header.rsa_pub_exp == h["rsa_pub_exp"].get<u32>());
        CHECK(a.header.reserved2[0] == 0x40);
        CHECK(a.rsa_public_key().size() == layout_info(a.layout).pub_key_size);
        CHECK(a.rsa_public_key()[0] == 1);
        CHECK(a.rsa_signature()[1] == 18);
        CHECK(a.scratch().size() == a.header.scratch_size * 4);
        CHECK(a.info_offset == j["info_offset"].get<u32>());
        const auto& t = j["info"];
        CHECK(a.info.chipset_acm_type == t["chipset_acm_type"].get<u8>());
        CHECK(a.info.version == t["version"].get<u8>());
        CHECK(a.info.length == t["length"].get<u16>());
        CHECK(a.info.chipset_id_list == t["chipset_id_list"].get<u32>());
        CHECK(a.info.os_sinit_data_ver == t["os_sinit_data_ver"].get<u32>());
        CHECK(a.info.min_mle_header_ver == t["min_mle_header_ver"].get<u32>());
        CHECK(a.info.capabilities.raw == t["capabilities"].get<u32>());
        CHECK(a.info.acm_version == t["acm_version"].get<u8>());
        for (std::size_t i = 0; i < 3; ++i) CHECK(a.info.acm_revision[i] == t["acm_revision"][i].get<u8>());
        CHECK(a.info.processor_id_list == t["processor_id_list"].get<u32>());
        CHECK(a.info.tpm_info_list == t["tpm_info_list"].get<u32>());

        auto check_chipsets = [](const acm_id_list& l, const nlohmann::json& list, auto get) {
            if (list.is_null()) {
                CHECK_FALSE(l.present);
                return;
            }
            REQUIRE(l.present);
            REQUIRE(l.count == list.size());
            for (u32 i = 0; i < l.count; ++i) {
                const acm_chipset_id c = get(i);
                const auto& e = list[i];
                CHECK(c.flags == e["flags"].get<u32>());
                CHECK(c.vendor_id == e["vendor_id"].get<u16>());
                CHECK(c.device_id == e["device_id"].get<u16>());
                CHECK(c.revision_id == e["revision_id"].get<u16>());
                CHECK(c.register_mask == e.value("register_mask", 0u));
                CHECK(c.extended_id == e.value("extended_id", 0u));
            }
        };
        check_chipsets(a.chipsets, j["chipsets"], [&](u32 i) { return a.chipset(i); });
        check_chipsets(a.chipsets2, j["chipsets2"], [&](u32 i) { return a.chipset2(i); });
        if (j["processors"].is_null()) {
            CHECK_FALSE(a.processors.present);
        } else {
            REQUIRE(a.processors.count == j["processors"].size());
            for (u32 i = 0; i < a.processors.count; ++i) {
                const auto& e = j["processors"][i];
                CHECK(a.processor(i) == acm_processor_id{e["fms"].get<u32>(), e["fms_mask"].get<u32>(),
                                                         e["platform_id"].get<u64>(), e["platform_mask"].get<u64>()});
            }
        }
        if (j["tpm"].is_null()) {
            CHECK_FALSE(a.tpm.present);
        } else {
            CHECK(a.tpm.capabilities == j["tpm"]["capabilities"].get<u32>());
            REQUIRE(a.tpm.count == j["tpm"]["algorithms"].size());
            for (u32 i = 0; i < a.tpm.count; ++i) CHECK(a.tpm_algorithm(i) == j["tpm"]["algorithms"][i].get<u16>());
        }
        REQUIRE(a.chain_count == j["chain"].size());
        for (u32 i = 0; i < a.chain_count; ++i) {
            const auto& e = j["chain"][i];
            CHECK(a.chain[i] == acm_chain_list{e["id"].get<u32>(), e["size"].get<u32>(), e["rev"].get<u32>(),
                                               e["offset"].get<u32>()});
        }
        if (!j["term"].is_null()) {
            CHECK(a.term_offset == j["term"]["offset"].get<u32>());
            CHECK(a.term_size == j["term"]["size"].get<u32>());
            CHECK(a.term_rev == j["term"]["rev"].get<u32>());
        }

        // Rebuilding reproduces the header and information table bytes, and parses back equal.
        std::vector<acm_chipset_id> cs(a.chipsets.count + 1), cs2(a.chipsets2.count + 1);
        std::vector<acm_processor_id> pr(a.processors.count + 1);
        std::vector<u16> al(a.tpm.count + 1u);
        std::vector<acm_chain_item> ch(max_acm_chain_lists);
        const acm_build b = rebuild_input(a, {cs.data(), cs2.data(), pr.data(), al.data(), ch.data()});
        std::vector<u8> again(a.module_size(), 0xEE);
        const result<u32> built = build_acm(b, mutable_byte_view(again.data(), again.size()));
        REQUIRE(built);
        CHECK(*built == a.module_size());
        const u32 fixed = layout_info(a.layout).fixed_size;
        CHECK(std::memcmp(again.data(), bytes.data(), fixed) == 0);
        CHECK(std::memcmp(again.data() + a.info_offset, bytes.data() + a.info_offset,
                          acm_info_table_size(a.info.version)) == 0);
        const result<parsed_acm> back = parse_acm(byte_view(again.data(), again.size()));
        REQUIRE(back);
        CHECK(back->header == a.header);
        CHECK(back->info == a.info);
        CHECK(back->chipsets == a.chipsets);
        CHECK(back->processors == a.processors);
        CHECK(back->tpm == a.tpm);
    }
}

TEST_CASE("ACM parse: the malformed vectors") {
    const nlohmann::json manifest = acm_vectors.json("malformed/manifest.json");
    REQUIRE(manifest.size() >= 20);
    std::vector<std::string> rules;
    for (const auto& m : manifest) {
        const std::string file = m["file"].get<std::string>();
        INFO(file);
        const std::vector<u8> bytes = acm_vectors.bytes("malformed/" + file);
        const result<parsed_acm> r = parse_acm(byte_view(bytes.data(), bytes.size()));
        REQUIRE_FALSE(r);
        CHECK(std::string(slrt::name(r.err().code)) == m["errc"].get<std::string>());
        CHECK(std::string(r.err().rule) == m["rule"].get<std::string>());
        CHECK(r.err().offset == m["offset"].get<u32>());
        CHECK(r.err().offset <= bytes.size());
        char line[512];
        CHECK(slrt::format_error(r.err(), line, sizeof line) > 0);
        rules.push_back(r.err().rule);
    }
    // Every parse rule TXT-A1..A33 is exercised by a vector.
    for (int n = 1; n <= 33; ++n) {
        INFO(n);
        CHECK(std::find(rules.begin(), rules.end(), "TXT-A" + std::to_string(n)) != rules.end());
    }
}

TEST_CASE("ACM parse: size boundaries and the padding tolerance") {
    image img = standard(6);
    std::vector<u8> file(img.bytes, img.bytes + img.size);
    CHECK(parse_acm(byte_view(file.data(), 127)).err().code == errc::truncated_header);
    CHECK(parse_acm(byte_view(file.data(), 128)).err().code == errc::size_exceeds_buffer);
    CHECK(parse_acm(byte_view(file.data(), file.size() - 1)).err().rule == std::string("TXT-A4"));

    for (u32 extra : {0x10000u, 0x20000u, 0x40000u}) {
        std::vector<u8> padded(file);
        padded.resize(file.size() + extra, 0xFF);
        const result<parsed_acm> r = parse_acm(byte_view(padded.data(), padded.size()));
        REQUIRE(r);
        CHECK(r->padding == extra);
        CHECK(r->module_size() == k_module);
        acm_parse_options strict;
        strict.allow_padding = false;
        const result<parsed_acm> s = parse_acm(byte_view(padded.data(), padded.size()), strict);
        REQUIRE_FALSE(s);
        CHECK(s.err().rule == std::string("TXT-A5"));
        CHECK(s.err().offset == k_module);
    }
    for (u32 extra : {1u, 0xFFFFu, 0x40001u}) {
        std::vector<u8> padded(file);
        padded.resize(file.size() + extra, 0);
        const result<parsed_acm> r = parse_acm(byte_view(padded.data(), padded.size()));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == errc::trailing_bytes);
        CHECK(r.err().value == extra);
    }
    // Size * 4 exactly 0x40 is the smallest size rule A3 allows; it is then too small for the table.
    img.put32(24, 16);
    CHECK(fails_with(img, errc::trailing_bytes, "TXT-A5", 64));
}

TEST_CASE("ACM parse: SINIT-only rules and the info table") {
    // A BIOS ACM is accepted when no SINIT is required.
    image bios = patched(standard(6), [](image& i) {
        i.bytes[io + 16] = 0;
        i.put32(io + 24, 0);
        i.put16(2, 1);
    });
    CHECK(fails_with(bios, errc::invalid_tag, "TXT-A17", io + 16));
    acm_parse_options any;
    any.require_sinit = false;
    const result<parsed_acm> r = parse_acm(bios.view(), any);
    REQUIRE(r);
    CHECK(r->info.type() == acm_type::bios);
    CHECK_FALSE(r->info.is_sinit());

    // Length larger than the version's table: the lists must start after it.
    image longer = patched(standard(6), [](image& i) { i.put16(io + 18, 64); });
    CHECK(fails_with(longer, errc::out_of_bounds, "TXT-A25", io + 20));
    // Version 3 with Length 40: no processor or TPM list even if bytes follow.
    const result<parsed_acm> v3 = parse_acm(standard(3).view());
    REQUIRE(v3);
    CHECK(v3->info.length == 40);
    CHECK_FALSE(v3->processors.present);
    CHECK_FALSE(v3->tpm.present);
    CHECK(v3->info.processor_id_list == 0);
    // Accessors past the count return zero values.
    CHECK(v3->chipset(2) == acm_chipset_id{});
    CHECK(v3->processor(0) == acm_processor_id{});
    CHECK(v3->tpm_algorithm(0) == 0);
    CHECK(v3->chain_payload(0).empty());
    // SegSel + 8 == GDTLimit is the largest selector allowed; GDT ending at the last byte is inside.
    CHECK(parse_acm(patched(standard(6), [](image& i) { i.put32(48, 0x10); i.put32(40, 0x18); }).view()));
    CHECK(parse_acm(patched(standard(6), [](image& i) { i.put32(44, k_module - 0x20); }).view()));
    CHECK(fails_with(patched(standard(6), [](image& i) { i.put32(44, k_module - 0x1F); }), errc::out_of_bounds,
                     "TXT-A24", 44));
    CHECK(fails_with(patched(standard(6), [](image& i) { i.put32(52, k_module - 1); }), errc::misaligned, "TXT-A3",
                     24) == false);
    CHECK(parse_acm(patched(standard(6), [](image& i) { i.put32(52, k_module - 1); }).view()));
    // Header versions 4.x keep the 3072-bit layout.
    image v4 = patched(standard(7, acm_header_layout::v3_0), [](image& i) { i.put32(8, 0x00040000); });
    const result<parsed_acm> p4 = parse_acm(v4.view());
    REQUIRE(p4);
    CHECK(p4->layout == acm_header_layout::v3_0);
    CHECK(p4->header.header_version_major() == 4);
    CHECK(fails_with(patched(standard(7, acm_header_layout::v3_0), [](image& i) { i.put32(120, 64); }),
                     errc::entry_size_mismatch, "TXT-A9", 120));
}

TEST_CASE("ACM parse: the version 9 chain") {
    const u32 start = io + 48;
    const result<parsed_acm> r = parse_acm(standard(9).view());
    REQUIRE(r);
    CHECK(r->chain[0].offset == start);
    CHECK(r->chain[0].payload_offset() == start + 12);
    CHECK(r->chain[0].payload_size() == 4 + 32);
    // An unknown list id is kept and skipped.
    image unknown = patched(standard(9), [&](image& i) { i.put32(r->chain[4].offset, 0x31323334); });
    const result<parsed_acm> u = parse_acm(unknown.view());
    REQUIRE(u);
    CHECK(u->chain[4].id == 0x31323334);
    // A TPML whose Size is too small for its fields, and one too small for its count.
    const u32 tpml = r->chain[3].offset;
    CHECK(fails_with(patched(standard(9), [&](image& i) { i.put32(tpml + 4, 12 + 4); }), errc::count_mismatch,
                     "TXT-A31", tpml + 4));
    CHECK(fails_with(patched(standard(9), [&](image& i) { i.put16(tpml + 12 + 4, 3); }), errc::count_mismatch,
                     "TXT-A31", tpml + 12 + 4));
    // A CPUL too small for its Count field.
    const u32 cpul = r->chain[2].offset;
    CHECK(fails_with(patched(standard(9), [&](image& i) { i.put32(cpul + 4, 14); }), errc::count_mismatch, "TXT-A31",
                     cpul + 4));
    // Duplicate TPML.
    CHECK(fails_with(patched(standard(9), [&](image& i) { i.put32(r->chain[4].offset, acm_list_id::tpml); }),
                     errc::duplicate_entry, "TXT-A32", r->chain[4].offset));
}

TEST_CASE("ACM builder: failures leave the buffer unchanged") {
    auto unchanged = [](const acm_build& b, errc code, const char* rule, std::size_t capacity = k_module) {
        std::vector<u8> buf(capacity, 0xA5);
        const result<u32> r = build_acm(b, mutable_byte_view(buf.data(), buf.size()));
        REQUIRE_FALSE(r);
        CHECK(r.err().code == code);
        CHECK(std::string(r.err().rule) == rule);
        for (u8 c : buf) REQUIRE(c == 0xA5);
    };
    unchanged(base_build(6), errc::buffer_too_small, "TXT-A70", k_module - 1);
    {
        acm_build b = base_build(6);
        const u8 key[255]{};
        b.rsa_public_key = byte_view(key);
        unchanged(b, errc::bad_argument, "TXT-A71");
    }
    {
        acm_build b = base_build(6);
        const u8 sig[384]{};
        b.rsa_signature = byte_view(sig);
        unchanged(b, errc::bad_argument, "TXT-A71");
    }
    {
        acm_build b = base_build(3);
        b.processors = k_processors;
        b.processor_count = 1;
        unchanged(b, errc::bad_argument, "TXT-A71");
    }
    {
        acm_build b = base_build(6);
        b.header.header_version = 0x00030000;  // layout 0.0 asked for
        unchanged(b, errc::bad_argument, "TXT-A71");
    }
    {
        acm_build b = base_build(6);
        b.info.version = 2;
        unchanged(b, errc::unsupported_version, "TXT-A72");
        b.info.version = 10;
        unchanged(b, errc::unsupported_version, "TXT-A72");
    }
    {
        acm_build b = base_build(6);
        b.info.length = 44;
        unchanged(b, errc::value_out_of_range, "TXT-A73");
    }
    {
        acm_build b = base_build(6);
        b.header.size = 16;  // 64 bytes cannot hold a header
        unchanged(b, errc::value_out_of_range, "TXT-A73");
        b.header.size = k_module / 4 + 1;  // not a multiple of 64 bytes
        unchanged(b, errc::value_out_of_range, "TXT-A73", k_module + 64);
        b.header.size = 0x40000000;  // Size * 4 beyond 32 bits
        unchanged(b, errc::value_out_of_range, "TXT-A73");
    }
    {
        acm_build b = base_build(6);
        b.header.header_len = 100;
        unchanged(b, errc::value_out_of_range, "TXT-A73");
    }
    {
        acm_build b = base_build(9);
        acm_chain_item items[] = {{acm_list_id::cs1l, 0, 20, {}}};  // below 12 + 4 + 32
        b.chain = items;
        b.chain_count = 1;
        unchanged(b, errc::value_out_of_range, "TXT-A73");
        acm_chain_item twice[] = {{acm_list_id::cpul, 0, 0, {}}, {acm_list_id::cpul, 0, 0, {}}};
        b.chain = twice;
        b.chain_count = 2;
        unchanged(b, errc::bad_argument, "TXT-A71");
        acm_chain_item term[] = {{acm_list_id::term, 0, 0, {}}};
        b.chain = term;
        b.chain_count = 1;
        unchanged(b, errc::bad_argument, "TXT-A71");
        b.chain_count = 33;
        unchanged(b, errc::value_out_of_range, "TXT-A73");
    }
    {
        acm_build b = base_build(6);
        b.info.chipset_id_list = io + 8;  // inside the table
        unchanged(b, errc::overlap, "TXT-A74");
        b.info.chipset_id_list = 0x800;
        b.info.processor_id_list = 0x810;  // over the chipset list (36 bytes)
        unchanged(b, errc::overlap, "TXT-A74");
    }
    {
        acm_build b = base_build(6);
        b.chipset_count = 3;
        b.chipsets = nullptr;
        unchanged(b, errc::bad_argument, "TXT-A71");
    }
}

TEST_CASE("ACM builder: automatic size and placement") {
    acm_build b = base_build(6);
    b.header.size = 0;
    b.header.gdt_base = 0;
    b.header.gdt_limit = 0x10;
    b.header.entry_point = 0;
    const result<u32> size = acm_build_size(b);
    REQUIRE(size);
    CHECK(*size == 1408);  // 1216 + 48 table + 36 chipsets + 52 processors + 10 TPM = 1362, rounded to 64
    std::vector<u8> buf(*size);
    REQUIRE(build_acm(b, mutable_byte_view(buf.data(), buf.size())));
    const result<parsed_acm> r = parse_acm(byte_view(buf.data(), buf.size()));
    REQUIRE(r);
    CHECK(r->tpm.offset == 1216 + 48 + 36 + 52);
    // Version 3.0 header defaults.
    acm_build v3 = base_build(7, acm_header_layout::v3_0);
    std::vector<u8> key(384, 0x11), sig(384, 0x22);
    v3.rsa_public_key = byte_view(key.data(), key.size());
    v3.rsa_signature = byte_view(sig.data(), sig.size());
    std::vector<u8> out(k_module);
    REQUIRE(build_acm(v3, mutable_byte_view(out.data(), out.size())));
    CHECK(load_le(byte_view(out.data(), out.size()), 8, 4) == 0x00030000);
    CHECK(load_le(byte_view(out.data(), out.size()), 4, 4) == 224);
    CHECK(out[128] == 0x11);
    CHECK(out[511] == 0x11);
    CHECK(out[512] == 0x22);
    CHECK(out[895] == 0x22);
    CHECK(out[896] == 0);
    const result<parsed_acm> p = parse_acm(byte_view(out.data(), out.size()));
    REQUIRE(p);
    CHECK(p->header.rsa_pub_exp == 0);
    CHECK(p->rsa_signature()[0] == 0x22);
}

TEST_CASE("ACM match: the vectors in spec/vectors/txt/acm/match.json") {
    const nlohmann::json cases = acm_vectors.json("match.json");
    REQUIRE(cases.size() >= 20);
    for (const auto& c : cases) {
        const std::string label = c["name"].get<std::string>();
        INFO(label);
        const std::vector<u8> bytes = acm_vectors.bytes(c["file"].get<std::string>());
        const result<parsed_acm> a = parse_acm(byte_view(bytes.data(), bytes.size()));
        REQUIRE(a);
        platform_values v;
        match_options o;
        apply(v, o, c["platform"]);
        if (c.contains("options")) apply(v, o, c["options"]);
        const check_report r = match_acm(*a, v, o);
        std::string all;
        for (const check_record& rec : r) all += format(rec) + "\n";
        INFO(all);
        CHECK(r.ok() == c["ok"].get<bool>());
        if (c["first_failure"].is_null()) {
            CHECK(r.first_failure().code == errc::ok);
        } else {
            CHECK(std::string(r.first_failure().rule) == c["first_failure"]["rule"].get<std::string>());
            CHECK(std::string(slrt::name(r.first_failure().code)) == c["first_failure"]["errc"].get<std::string>());
        }
        for (const auto& [rule, outcome] : c["outcomes"].items()) {
            const check_record* rec = r.find(rule.c_str());
            INFO(rule);
            REQUIRE(rec != nullptr);
            CHECK(std::string(name(rec->outcome)) == outcome.get<std::string>());
        }
        if (c.contains("indexes"))
            for (const auto& [rule, index] : c["indexes"].items()) {
                INFO(rule);
                REQUIRE(r.find(rule.c_str()) != nullptr);
                CHECK(r.find(rule.c_str())->index == index.get<u32>());
            }
        CHECK(r.count == r.passes + r.failures + r.warnings + r.skips);
    }
}

namespace {
constexpr platform_values good_platform() {
    platform_values v;
    v.has_didvid = true;
    v.didvid = 0x00000001B0038086;
    v.has_ver_fsbif = true;
    v.ver_fsbif = 0x80000000;
    v.has_fms = true;
    v.fms = 0x000906EA;
    v.has_platform_id = true;
    v.platform_id = 0;
    v.has_bios_data = true;
    v.bios_data_version = 6;
    v.mle_flags = 0x3;
    v.tpm = tpm_kind::tpm20;
    v.tpm_bank_count = 1;
    v.tpm_banks[0] = tpm_alg::sha256;
    v.has_mle = true;
    v.mle_header_version = 0x00020002;
    v.mle_capabilities = 0x227;
    v.has_max_ac_size = true;
    v.max_ac_size = 0x40000;
    v.has_sinit_region = true;
    v.sinit_base = 0x77E00000;
    v.sinit_size = 0x40000;
    return v;
}

constexpr check_report match_built(const image& img, const platform_values& v, const match_options& o = {}) {
    return match_acm(*parse_acm(img.view()), v, o);
}

// Matching runs in constant evaluation too.
static_assert(match_built(standard(6), good_platform()).ok());
static_assert(match_built(standard(9), good_platform()).ok());
static_assert(match_built(standard(6), good_platform()).failures == 0);
static_assert(match_built(standard(6), good_platform()).count == 14);
static_assert(match_built(standard(9), good_platform()).count == 16);
constexpr platform_values other_chipset() {
    platform_values v = good_platform();
    v.didvid = 0x00000001B0058086;
    return v;
}
static_assert(match_built(standard(6), other_chipset()).first_failure().code == errc::platform_mismatch);
static_assert(match_built(standard(6), other_chipset()).first_failure().offset == 1264);
}  // namespace

TEST_CASE("ACM match: rules not in the vectors") {
    // TXT-A44: version 9 without chipset lists.
    acm_build b = base_build(9);
    const acm_chain_item only_cpu[] = {{acm_list_id::cpul, 0, 0, {}}};
    b.chain = only_cpu;
    b.chain_count = 1;
    const image img = build(b);
    REQUIRE(img.size == k_module);
    const check_report r = match_built(img, good_platform());
    CHECK_FALSE(r.ok());
    CHECK(r.first_failure().rule == std::string("TXT-A44"));
    CHECK(r.first_failure().code == errc::not_found);
    CHECK(r.find("TXT-A42")->outcome == check_outcome::skipped);
    CHECK(r.find("TXT-A43")->outcome == check_outcome::skipped);
    CHECK(r.find("TXT-A46")->outcome == check_outcome::skipped);  // no TPML

    // TXT-A47: extend policy 00.
    acm_build t = base_build(6);
    t.tpm_capabilities = 0x6C;
    const check_report r47 = match_built(build(t), good_platform());
    CHECK(r47.first_failure().rule == std::string("TXT-A47"));
    CHECK(r47.first_failure().code == errc::value_out_of_range);
    CHECK(r47.first_failure().offset == 1264 + 36 + 52);

    // Firmware TPM 2.0 needs family bit 3 of the field (absolute bit 5).
    platform_values ptt = good_platform();
    ptt.tpm = tpm_kind::tpm20_firmware;
    CHECK(match_built(standard(6), ptt).find("TXT-A46")->outcome == check_outcome::pass);
    acm_build d = base_build(6);
    d.tpm_capabilities = 0x3 | (0x2 << 2);
    CHECK(match_built(build(d), ptt).find("TXT-A46")->outcome == check_outcome::fail);

    // Fusing through QPIIF that reads all ones is unknown.
    platform_values q = good_platform();
    q.ver_fsbif = 0xFFFFFFFF;
    q.has_ver_qpiif = true;
    q.ver_qpiif = 0xFFFFFFFF;
    CHECK(match_built(standard(6), q).find("TXT-A41")->outcome == check_outcome::skipped);

    // Placement exactly at the 4 GiB line passes; one page over fails.
    platform_values top = good_platform();
    top.sinit_base = four_gib - k_module;
    CHECK(match_built(standard(6), top).find("TXT-A55")->outcome == check_outcome::pass);
    top.sinit_base = four_gib - k_module + 0x1000;
    CHECK(match_built(standard(6), top).find("TXT-A55")->outcome == check_outcome::fail);
    top.sinit_base = ~u64{0} & ~u64{0xFFF};
    CHECK(match_built(standard(6), top).find("TXT-A55")->outcome == check_outcome::fail);

    // Module size equal to the limits passes.
    platform_values exact = good_platform();
    exact.max_ac_size = k_module;
    exact.sinit_size = k_module;
    CHECK(match_built(standard(6), exact).ok());

    // The printer.
    const check_report failed = match_built(standard(6), other_chipset());
    const std::string line = format(*failed.find("TXT-A42"));
    CHECK(line.rfind("fail     TXT-A42 ", 0) == 0);
    CHECK(line.find("platform_mismatch at byte 0x4f0") != std::string::npos);
    const std::string ok_line = format(*match_built(standard(6), good_platform()).find("TXT-A45"));
    CHECK(ok_line.find("(entry 0)") != std::string::npos);
}

TEST_CASE("ACM choose_sinit") {
    const sinit_candidate none[] = {{0x20230101, false, false}};
    CHECK(choose_sinit(none, 1).err().rule == std::string("TXT-A60"));
    CHECK(choose_sinit(nullptr, 0).err().code == errc::not_found);
    const sinit_candidate newest[] = {{0x20220101, true, false}, {0x20240101, true, false}, {0x20250101, false, false}};
    CHECK(*choose_sinit(newest, 3) == 1);
    const sinit_candidate tie[] = {{0x20240101, true, false}, {0x20240101, true, false}};
    CHECK(*choose_sinit(tie, 2) == 0);
    const sinit_candidate bios_same[] = {{0x20240101, true, false}, {0x20240101, true, true}};
    CHECK(*choose_sinit(bios_same, 2) == 1);
    const sinit_candidate bios_older[] = {{0x20240102, true, false}, {0x20240101, true, true}};
    CHECK(*choose_sinit(bios_older, 2) == 0);
    const sinit_candidate bios_only[] = {{0x20200101, false, false}, {0x20100101, true, true}};
    CHECK(*choose_sinit(bios_only, 2) == 1);
    const sinit_candidate bios_bad[] = {{0x20200101, true, false}, {0x20300101, false, true}};
    CHECK(*choose_sinit(bios_bad, 2) == 0);
}

TEST_CASE("ACM --match keys") {
    platform_values v;
    match_options o;
    const std::string text =
        "didvid=0x1b0038086,FSBIF=0x80000000,ver_qpiif=1,fms=0x906ea,platform-id=0x10,bios-data-version=6,"
        "mle-flags=3,tpm-family=2.0,tpm-banks=sha1+SHA256+0x12,mle-version=2.2,mle-caps=0x227,max-ac-size=262144,"
        "sinit-base=0x77e00000,sinit-size=0x40000,fusing=grub,platform-type-from=6,require-ecx-pgtbl=no";
    REQUIRE(parse_match_list(text.data(), text.size(), v, o));
    CHECK(v.didvid == 0x1B0038086);
    CHECK(v.ver_fsbif == 0x80000000);
    CHECK(v.has_ver_qpiif);
    CHECK(v.fms == 0x906EA);
    CHECK(v.platform_id == 0x10);
    CHECK(v.bios_data_version == 6);
    CHECK(v.mle_flags == 3);
    CHECK(v.tpm == tpm_kind::tpm20);
    CHECK(v.tpm_bank_count == 3);
    CHECK(v.tpm_banks[1] == tpm_alg::sha256);
    CHECK(v.tpm_banks[2] == tpm_alg::sm3_256);
    CHECK(v.mle_header_version == 0x00020002);
    CHECK(v.mle_capabilities == 0x227);
    CHECK(v.max_ac_size == 0x40000);
    CHECK(v.sinit_base == 0x77E00000);
    CHECK(v.has_sinit_region);
    CHECK(o.fusing == fusing_rule::debug_on_production_only);
    CHECK(o.platform_type_min_info_version == 6);
    CHECK_FALSE(o.require_ecx_pgtbl);

    auto bad = [](const char* t, errc code, const char* rule, u32 index) {
        platform_values pv;
        match_options po;
        const slrt::status s = parse_match_list(t, std::strlen(t), pv, po);
        INFO(t);
        REQUIRE_FALSE(s);
        CHECK(s.err().code == code);
        CHECK(std::string(s.err().rule) == rule);
        CHECK(s.err().entry_index == index);
    };
    bad("didvid=1,colour=blue", errc::not_found, "TXT-A61", 1);
    bad("didvid=0xZZ", errc::bad_argument, "TXT-A62", 0);
    bad("fms=0x100000000", errc::bad_argument, "TXT-A62", 0);
    bad("didvid=18446744073709551616", errc::bad_argument, "TXT-A62", 0);
    bad("didvid", errc::bad_argument, "TXT-A62", 0);
    bad("=1", errc::bad_argument, "TXT-A62", 0);
    bad("tpm-family=3.0", errc::bad_argument, "TXT-A62", 0);
    bad("tpm-banks=sha1++sha256", errc::bad_argument, "TXT-A62", 0);
    bad("tpm-banks=1+2+3+4+5+6+7+8+9", errc::bad_argument, "TXT-A62", 0);
    bad("mle-version=2.x", errc::bad_argument, "TXT-A62", 0);
    bad("fusing=maybe", errc::bad_argument, "TXT-A62", 0);
    bad("require-ecx-pgtbl=2", errc::bad_argument, "TXT-A62", 0);
    bad("platform-type-from=300", errc::bad_argument, "TXT-A62", 0);
    // Empty pairs are ignored; the maximum u64 is accepted.
    platform_values e;
    match_options eo;
    const char* edge = ",didvid=0xffffffffffffffff,,";
    CHECK(parse_match_list(edge, std::strlen(edge), e, eo));
    CHECK(e.didvid == ~u64{0});
}
