// The MLE header (dlh/txt/mle_header.hpp) and the MLE page tables (dlh/txt/mle_pagetable.hpp):
// compile-time round trips and failures, the golden vectors of spec/vectors/txt/mle/, every
// rule TXT-M1..M37 and TXT-T1..T22 with its errc and offset, builders that leave the buffer
// untouched on failure, the compatibility check and the OsSinitData capability choice.
#include <catch2/catch.hpp>

#include "support/vectors.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dlh/txt/mle_header.hpp"
#include "dlh/txt/mle_pagetable.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;
using namespace slrt_test;

namespace {

// ---------------------------------------------------------------------------
// Compile-time tests

constexpr bool same(const char* a, const char* b) {
    for (; *a && *a == *b; ++a, ++b) {
    }
    return *a == *b;
}

// A v2.2 Linux-like header.
constexpr mle_header linux_header() {
    mle_header h;
    h.header_len = 52;
    h.version = mle_header_v2_2;
    h.entry_point = 0x2a0;
    h.mle_end = 0x9e8000;
    h.caps = linux_mle_capabilities;
    return h;
}

constexpr mle_header header_of(u32 version) {
    mle_header h;
    h.version = version;
    h.header_len = mle_header_defined_size(version);
    h.entry_point = 0x100;
    if (version >= mle_header_v1_1) h.mle_end = 0x2000;
    if (version >= mle_header_v2_0) h.caps = capabilities{0x3};
    if (version >= mle_header_v2_1) {
        h.cmdline_start = 0x1000;
        h.cmdline_end = 0x1100;
    }
    return h;
}

// build -> parse gives the same value, and the bytes start with the UUID.
constexpr bool round_trip(const mle_header& h) {
    u8 buf[64]{};
    const auto n = build_mle_header(h, mutable_byte_view(buf));
    if (!n || *n != h.header_len) return false;
    for (u32 i = 0; i < 16; ++i)
        if (buf[i] != mle_header_uuid[i]) return false;
    const auto back = parse_mle_header(byte_view(buf, *n));
    return back && *back == h;
}
static_assert(round_trip(header_of(mle_header_v1_0)));
static_assert(round_trip(header_of(mle_header_v1_1)));
static_assert(round_trip(header_of(mle_header_v2_0)));
static_assert(round_trip(header_of(mle_header_v2_1)));
static_assert(round_trip(header_of(mle_header_v2_2)));
static_assert(round_trip(header_of(mle_header_v2_3)));
static_assert(round_trip(linux_header()));

// The error of parsing `h`'s bytes after `patch` changed one u32 field.
constexpr error parse_patched(const mle_header& h, u32 at, u32 value, std::size_t size = 0) {
    u8 buf[64]{};
    const auto n = build_mle_header(h, mutable_byte_view(buf));
    if (!n) return n.err();
    store_le(mutable_byte_view(buf), at, 4, value);
    return parse_mle_header(byte_view(buf, size ? size : *n)).err();
}
constexpr bool fails(const error& e, errc code, const char* rule, u32 offset) {
    return e.code == code && same(e.rule, rule) && e.offset == offset;
}
static_assert(fails(parse_patched(linux_header(), 20, 0x00030000), errc::unsupported_version, "TXT-M3", 20));
static_assert(fails(parse_patched(linux_header(), 16, 44), errc::entry_size_too_small, "TXT-M4", 16));
static_assert(fails(parse_patched(linux_header(), 16, 53), errc::out_of_bounds, "TXT-M5", 16));
static_assert(fails(parse_patched(linux_header(), 4, 0), errc::bad_uuid, "TXT-M2", 4));
static_assert(fails(parse_patched(linux_header(), 24, 0x9e8000), errc::out_of_bounds, "TXT-M9", 24));
static_assert(fails(parse_patched(linux_header(), 40, 0x224), errc::launch_requirement, "TXT-M11", 40));
static_assert(fails(parse_patched(linux_header(), 0, mle_header_uuid[0], 23), errc::truncated_header, "TXT-M1", 0));
static_assert(slrt::name(parse_patched(linux_header(), 28, 0x800).code) == std::string_view("misaligned"));

// The DLME header codec of slrt/dlme.hpp reads the same 52 bytes.
constexpr bool dlme_agrees() {
    u8 buf[52]{};
    if (!build_mle_header(linux_header(), mutable_byte_view(buf))) return false;
    const auto d = slrt::parse_dlme_header(byte_view(buf));
    const auto m = to_dlme_header(linux_header());
    return d && m && *d == *m && from_dlme_header(*d) == linux_header();
}
static_assert(dlme_agrees());

// Page tables built and walked at compile time: an MLE of 2 pages plus 0x10 bytes mapped from
// linear 0, tables right below it, and the predicted SHA-256 equals the flat hash.
struct small_image {
    u8 bytes[6 * 0x1000]{};
};
constexpr u64 img_base = 0x200000;
constexpr small_image make_small_image() {
    small_image im;
    const mutable_byte_view all(im.bytes, sizeof im.bytes);
    const auto l = build_mle_page_tables(all, mle_ptab_request{img_base, img_base + 0x3000, 0x2010, 0});
    if (!l || l->size.pages() != 3) im.bytes[0] = 0xee;
    for (u32 i = 0; i < 0x3000; ++i) im.bytes[0x3000 + i] = static_cast<u8>(i * 13 + 5);
    return im;
}
constexpr bool walk_small() {
    const small_image im = make_small_image();
    const slrt::memory_image mem(img_base, byte_view(im.bytes, sizeof im.bytes));
    const hash_alg algs[] = {hash_alg::sha256};
    digest d[1]{};
    const auto w = predict_mle_measurement(mem, mle_walk_params{img_base, 0x2010, 0}, algs, 1, d);
    if (!w || w->page_count != 3 || w->first_page != img_base + 0x3000 || !w->contiguous) return false;
    if (w->entries_read != 4 + 1 + 3 || w->pd_count != 1 || w->pt_count != 1) return false;
    mle_header h = header_of(mle_header_v2_1);
    h.mle_end = 0x2010;
    const auto flat = measure_mle_flat(byte_view(im.bytes + 0x3000, 0x3000), h, hash_alg::sha256);
    return flat && *flat == d[0];
}
static_assert(walk_small());

constexpr errc walk_error_of(u64 patch_at, u64 value) {
    small_image im = make_small_image();
    store_le(mutable_byte_view(im.bytes, sizeof im.bytes), static_cast<std::size_t>(patch_at - img_base), 8, value);
    const slrt::memory_image mem(img_base, byte_view(im.bytes, sizeof im.bytes));
    return walk_mle_page_tables(mem, mle_walk_params{img_base, 0x2010, 0}).err().code;
}
static_assert(walk_error_of(img_base + 0x1000, (img_base + 0x2000) | 0x81) == errc::page_table_invalid);  // 2 MiB
static_assert(walk_error_of(img_base + 0x2008, 0) == errc::page_table_invalid);                          // hole
static_assert(walk_error_of(img_base, (img_base + 0x1000) | 0x3) == errc::reserved_nonzero);              // PDPTE R/W
static_assert(walk_error_of(img_base + 0x2000, u64{1} << 32 | 1) == errc::out_of_bounds);                 // > 4 GiB

// ---------------------------------------------------------------------------
// Files

const vector_dir mle_vectors("txt/mle");

constexpr hash_alg all_algs[] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};

void check_header_json(const mle_header& h, const nlohmann::json& j) {
    CHECK(h.header_len == j["header_len"].get<u32>());
    CHECK(h.version == j["version"].get<u32>());
    CHECK(h.defined_size() == j["size"].get<u32>());
    CHECK(h.entry_point == j["entry_point"].get<u32>());
    CHECK(h.first_valid_page == j["first_valid_page"].get<u32>());
    CHECK(h.mle_start == j["mle_start"].get<u32>());
    CHECK(h.mle_end == j["mle_end"].get<u32>());
    CHECK(h.caps.raw == j["capabilities"].get<u32>());
    CHECK(h.cmdline_start == j["cmdline_start"].get<u32>());
    CHECK(h.cmdline_end == j["cmdline_end"].get<u32>());
}

void check_error(const slrt::error& e, errc code, const char* rule, u32 offset) {
    INFO(rule);
    CHECK(slrt::name(e.code) == std::string(slrt::name(code)));
    CHECK(std::string(e.rule) == rule);
    CHECK(e.offset == offset);
    char line[256];
    CHECK(slrt::format_error(e, line, sizeof line) < sizeof line);
}

// A memory image of the walk vectors: the file loaded at `base`.
slrt::error walk_error_for(const bytes_t& img, const nlohmann::json& v) {
    const slrt::memory_image mem(v["base"].get<u64>(), view(img));
    const mle_walk_params p{v["pdpt"].get<u64>(), v["mle_size"].get<u64>(), v["first_valid_page"].get<u32>()};
    return walk_mle_page_tables(mem, p).err();
}

}  // namespace

// ---------------------------------------------------------------------------
// Golden vectors

TEST_CASE("mle: valid header vectors decode, validate and rebuild byte for byte", "[txt][mle][vectors]") {
    const nlohmann::json m = mle_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["valid"]) {
        if (v["parser"] != "header") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t b = mle_vectors.bytes(v["file"]);
        const nlohmann::json j = mle_vectors.json(v["json"]);
        const auto h = parse_mle_header(view(b));
        REQUIRE(h);
        check_header_json(*h, j);
        bytes_t again(h->header_len, 0xcc);
        const auto n = build_mle_header(*h, mutable_byte_view(again.data(), again.size()));
        REQUIRE(n);
        CHECK(again == b);
        ++checked;
    }
    CHECK(checked == 7);
}

TEST_CASE("mle: kernel images are found through kernel_info or the UUID, and measured", "[txt][mle][vectors]") {
    const nlohmann::json m = mle_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["valid"]) {
        if (v["parser"] != "find") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t b = mle_vectors.bytes(v["file"]);
        const nlohmann::json j = mle_vectors.json(v["json"]);
        const auto loc = find_mle_header(view(b));
        REQUIRE(loc);
        CHECK(name(loc->kind) == j["kind"].get<std::string>());
        CHECK(loc->mle_offset == j["mle_offset"].get<u32>());
        CHECK(loc->header_offset == j["header_offset"].get<u32>());
        CHECK(loc->header_offset_in_mle() == j["header_offset_in_mle"].get<u32>());
        check_header_json(loc->header, j["header"]);
        if (loc->kind == mle_image_kind::bzimage) {
            CHECK(loc->setup.setup_sects == j["setup_sects"].get<u32>());
            CHECK(loc->setup.boot_protocol == j["boot_protocol"].get<u32>());
            CHECK(loc->setup.pm_offset == j["pm_offset"].get<u32>());
            CHECK(loc->setup.kernel_info_offset == j["kernel_info_offset"].get<u32>());
            const auto& ki = j["kernel_info"];
            CHECK(loc->kernel_info.file_offset == ki["file_offset"].get<u32>());
            CHECK(loc->kernel_info.size == ki["size"].get<u32>());
            CHECK(loc->kernel_info.size_total == ki["size_total"].get<u32>());
            CHECK(loc->kernel_info.setup_type_max == ki["setup_type_max"].get<u32>());
            CHECK(loc->kernel_info.mle_header_offset == ki["mle_header_offset"].get<u32>());
            // Forcing the bzImage path gives the same; the UUID scan of the same file finds the
            // same header (file offsets) but calls the whole file the MLE binary.
            CHECK(*find_mle_header(view(b), mle_search::bzimage) == *loc);
            const auto scanned = locate_mle_header(view(b), mle_search::raw);
            REQUIRE(scanned);
            CHECK(scanned->header_offset == loc->header_offset);
        }
        if (j.contains("measurement")) {
            for (hash_alg a : all_algs) {
                const auto d = measure_mle_flat(mle_binary(view(b), *loc), loc->header, a);
                REQUIRE(d);
                CHECK(hex(*d) == j["measurement"][slrt::name(a)].get<std::string>());
            }
        } else {
            CHECK(measure_mle_flat(mle_binary(view(b), *loc), loc->header, hash_alg::sha256).err().rule ==
                  std::string("TXT-T22"));
        }
        ++checked;
    }
    CHECK(checked == 5);
}

TEST_CASE("mle: page-table vectors walk like SINIT and predict the measurement", "[txt][mle][vectors]") {
    const nlohmann::json m = mle_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["valid"]) {
        if (v["parser"] != "ptab") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t img = mle_vectors.bytes(v["file"]);
        const nlohmann::json j = mle_vectors.json(v["json"]);
        const u64 base = j["base"].get<u64>();
        const slrt::memory_image mem(base, view(img));
        const mle_walk_params p{j["pdpt"].get<u64>(), j["mle_size"].get<u64>(), j["first_valid_page"].get<u32>()};
        std::vector<u64> pages;
        const auto w = walk_mle_page_tables(mem, p, [&](u32 index, u32 linear, u64 phys) -> slrt::status {
            CHECK(index == pages.size());
            CHECK(linear == p.first_valid_page + index * 0x1000u);
            pages.push_back(phys);
            return slrt::success;
        });
        REQUIRE(w);
        CHECK(w->page_count == j["page_count"].get<u32>());
        CHECK(w->first_page == j["first_page"].get<u64>());
        CHECK(w->last_page == j["last_page"].get<u64>());
        CHECK(w->contiguous == j["contiguous"].get<bool>());
        CHECK(w->pd_count == j["pd_count"].get<u32>());
        CHECK(w->pt_count == j["pt_count"].get<u32>());
        CHECK(w->entries_read == j["entries_read"].get<u32>());
        CHECK(w->first_valid_page == p.first_valid_page);
        CHECK(pages == j["pages"].get<std::vector<u64>>());
        digest d[4]{};
        const auto pw = predict_mle_measurement(mem, p, all_algs, 4, d);
        REQUIRE(pw);
        CHECK(*pw == *w);
        for (u32 i = 0; i < 4; ++i) CHECK(hex(d[i]) == j["measurement"][slrt::name(all_algs[i])].get<std::string>());
        if (j.contains("built")) {
            // The builder lays out the same tables, byte for byte.
            const auto& bt = j["built"];
            const mle_ptab_request r{bt["table_phys"].get<u64>(), bt["mle_phys"].get<u64>(), p.mle_size,
                                     p.first_valid_page};
            bytes_t tables(bt["table_bytes"].get<std::size_t>(), 0x5a);
            const auto l = build_mle_page_tables(mutable_byte_view(tables.data(), tables.size()), r);
            REQUIRE(l);
            CHECK(l->table_bytes() == tables.size());
            CHECK(l->pdpt == p.pdpt);
            CHECK(mle_page_table_size(p.mle_size, p.first_valid_page).bytes() == tables.size());
            const std::size_t at = static_cast<std::size_t>(r.table_phys - base);
            CHECK(std::equal(tables.begin(), tables.end(), img.begin() + static_cast<std::ptrdiff_t>(at)));
        }
        ++checked;
    }
    CHECK(checked == 3);
}

TEST_CASE("mle: malformed vectors fail with the manifest's errc, rule and offset", "[txt][mle][vectors]") {
    const nlohmann::json m = mle_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["malformed"]) {
        INFO(v["file"].get<std::string>());
        const bytes_t b = mle_vectors.bytes(v["file"]);
        const std::string parser = v["parser"];
        slrt::error e;
        if (parser == "header")
            e = parse_mle_header(view(b)).err();
        else if (parser == "find")
            e = find_mle_header(view(b)).err();
        else
            e = walk_error_for(b, v);
        CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
        CHECK(std::string(e.rule) == v["rule"].get<std::string>());
        CHECK(e.offset == v["offset"].get<u32>());
        if (parser != "ptab") CHECK((b.empty() || e.offset < b.size()));
        ++checked;
    }
    CHECK(checked >= 20);
}

// ---------------------------------------------------------------------------
// Header rules

TEST_CASE("mle: header rules M1-M12 at their offsets", "[txt][mle]") {
    const mle_header base = header_of(mle_header_v2_1);
    bytes_t b(52);
    REQUIRE(build_mle_header(base, mutable_byte_view(b.data(), b.size())));

    check_error(decode_mle_header(byte_view(b.data(), 0)).err(), errc::truncated_header, "TXT-M1", 0);
    check_error(decode_mle_header(byte_view(b.data(), 23)).err(), errc::truncated_header, "TXT-M1", 0);
    check_error(decode_mle_header(byte_view(b.data(), 51)).err(), errc::truncated_header, "TXT-M1", 0);
    for (u32 i = 0; i < 16; ++i) {
        bytes_t c = b;
        c[i] ^= 0x80;
        check_error(decode_mle_header(view(c)).err(), errc::bad_uuid, "TXT-M2", i & ~3u);
    }
    for (u32 v : {0u, 0x00010002u, 0x00020004u, 0x00030000u, 0xffffffffu}) {
        mle_header h = base;
        h.version = v;
        check_error(validate_mle_header(h).err(), errc::unsupported_version, "TXT-M3", 20);
    }
    {
        mle_header h = base;
        h.header_len = 51;
        check_error(validate_mle_header(h).err(), errc::entry_size_too_small, "TXT-M4", 16);
        h = header_of(mle_header_v1_0);
        h.header_len = 27;
        check_error(validate_mle_header(h).err(), errc::entry_size_too_small, "TXT-M4", 16);
    }
    {
        bytes_t c = b;
        store_le(mutable_byte_view(c.data(), c.size()), 16, 4, 0xffffffffu);
        check_error(decode_mle_header(view(c)).err(), errc::out_of_bounds, "TXT-M5", 16);
    }
    mle_header h = base;
    h.mle_start = 0x2001;
    check_error(validate_mle_header(h).err(), errc::value_out_of_range, "TXT-M6", 36);
    h = base;
    h.first_valid_page = 0x10;
    check_error(validate_mle_header(h).err(), errc::misaligned, "TXT-M7", 28);
    h = base;
    h.first_valid_page = 0xfffff000;
    h.entry_point = 0xfffff000;
    check_error(validate_mle_header(h).err(), errc::address_wrap, "TXT-M8", 28);
    h.mle_end = 0x1000;  // exactly up to 4 GiB: fine
    CHECK(validate_mle_header(h).ok());
    h.entry_point = 0xffffffff;  // the last linear byte
    CHECK(validate_mle_header(h).ok());
    h = base;
    h.entry_point = 0x2000;
    check_error(validate_mle_header(h).err(), errc::out_of_bounds, "TXT-M9", 24);
    h.entry_point = 0x1fff;
    CHECK(validate_mle_header(h).ok());
    h.mle_end = 0;  // empty MLE: no entry point can be inside
    h.entry_point = 0;
    check_error(validate_mle_header(h).err(), errc::out_of_bounds, "TXT-M9", 24);
    h = base;
    h.first_valid_page = 0x1000;
    h.entry_point = 0x100;  // below FirstValidPage
    check_error(validate_mle_header(h).err(), errc::out_of_bounds, "TXT-M9", 24);
    h = base;
    h.caps.raw |= 1u << 31;
    check_error(validate_mle_header(h).err(), errc::reserved_nonzero, "TXT-M10", 40);
    h.caps.raw = 0x3 | (1u << 12);
    check_error(validate_mle_header(h).err(), errc::reserved_nonzero, "TXT-M10", 40);
    h.caps.raw = 0x4627;  // tboot 2026: bits 10 and 14 are known
    CHECK(validate_mle_header(h).ok());
    h.caps.raw = 0x4;
    check_error(validate_mle_header(h).err(), errc::launch_requirement, "TXT-M11", 40);
    h.caps.raw = 0x2;
    CHECK(validate_mle_header(h).ok());
    h = base;
    h.cmdline_end = h.cmdline_start - 1;
    check_error(validate_mle_header(h).err(), errc::value_out_of_range, "TXT-M12", 48);
    h.cmdline_end = h.cmdline_start;
    CHECK(validate_mle_header(h).ok());
    // Version 1.0 has no extent, so its entry point is not checked.
    h = header_of(mle_header_v1_0);
    h.entry_point = 0xffffffff;
    CHECK(validate_mle_header(h).ok());
}

TEST_CASE("mle: decode reads only the version's fields", "[txt][mle]") {
    // A v2.0 header followed by garbage that would be cmdline fields in 2.1.
    mle_header h = header_of(mle_header_v2_0);
    h.header_len = 52;
    bytes_t b(52, 0);
    REQUIRE(build_mle_header(h, mutable_byte_view(b.data(), b.size())));
    CHECK(std::all_of(b.begin() + 44, b.end(), [](u8 x) { return x == 0; }));
    b[44] = 0xff;
    b[50] = 0x77;
    const auto d = parse_mle_header(view(b));
    REQUIRE(d);
    CHECK(d->cmdline_start == 0);
    CHECK(d->cmdline_end == 0);
    CHECK(d->header_len == 52);
    CHECK(d->defined_size() == 44);
    CHECK(d->has_capabilities());
    CHECK(!d->has_cmdline());
    // Trailing bytes after HeaderLen are not the header's business.
    b.resize(200, 0xab);
    CHECK(*parse_mle_header(view(b)) == *d);
}

TEST_CASE("mle: the builder refuses, leaving the buffer unchanged", "[txt][mle]") {
    bytes_t buf(64, 0xa5);
    const bytes_t before = buf;
    auto mb = mutable_byte_view(buf.data(), buf.size());
    mle_header h = header_of(mle_header_v1_0);
    h.mle_end = 0x100;
    check_error(build_mle_header(h, mb).err(), errc::field_not_in_layout, "TXT-M13", 36);
    h = header_of(mle_header_v1_0);
    h.first_valid_page = 0x1000;
    check_error(build_mle_header(h, mb).err(), errc::field_not_in_layout, "TXT-M13", 28);
    h = header_of(mle_header_v1_1);
    h.caps.raw = 1;
    check_error(build_mle_header(h, mb).err(), errc::field_not_in_layout, "TXT-M13", 40);
    h = header_of(mle_header_v2_0);
    h.cmdline_end = 1;
    check_error(build_mle_header(h, mb).err(), errc::field_not_in_layout, "TXT-M13", 48);
    h = header_of(mle_header_v2_1);
    check_error(build_mle_header(h, mutable_byte_view(buf.data(), 51)).err(), errc::buffer_too_small, "TXT-M14", 0);
    h.header_len = 65;
    check_error(build_mle_header(h, mb).err(), errc::buffer_too_small, "TXT-M14", 0);
    h = header_of(mle_header_v2_1);
    h.caps.raw = 0;
    check_error(build_mle_header(h, mb).err(), errc::launch_requirement, "TXT-M11", 40);
    CHECK(buf == before);
    check_error(to_dlme_header(header_of(mle_header_v2_0)).err(), errc::field_not_in_layout, "TXT-M13", 20);
    // HeaderLen beyond the fields: zero filled, exactly HeaderLen bytes written.
    h = header_of(mle_header_v2_2);
    h.header_len = 60;
    REQUIRE(*build_mle_header(h, mb) == 60);
    CHECK(std::all_of(buf.begin() + 52, buf.begin() + 60, [](u8 x) { return x == 0; }));
    CHECK(std::all_of(buf.begin() + 60, buf.end(), [](u8 x) { return x == 0xa5; }));
}

// ---------------------------------------------------------------------------
// Compatibility and capability selection

TEST_CASE("mle: launcher <-> SINIT compatibility (M15-M18)", "[txt][mle]") {
    const mle_header lx = linux_header();
    const sinit_mle_support ok{mle_header_v2_0, capabilities{0x267}};
    CHECK(check_mle_sinit_compatibility(lx, ok).ok());
    CHECK(check_mle_sinit_compatibility(lx, ok, mle_profile::linux_secure_launch).ok());
    CHECK(check_mle_sinit_compatibility(lx, sinit_mle_support{mle_header_v2_2, capabilities{0x267}}).ok());
    mle_header no_tpr = lx;
    no_tpr.version = mle_header_v2_3;
    check_error(check_mle_sinit_compatibility(no_tpr, sinit_mle_support{mle_header_v2_3, capabilities{0x4267}}).err(),
                errc::launch_requirement, "TXT-M18", 40);
    CHECK(check_mle_sinit_compatibility(no_tpr, sinit_mle_support{mle_header_v2_2, capabilities{0x4267}}).ok());
    mle_header tb = lx;
    tb.version = mle_header_v2_3;
    tb.caps.raw = 0x4627;
    CHECK(check_mle_sinit_compatibility(tb, sinit_mle_support{mle_header_v2_3, capabilities{0x4267}}).ok());
    check_error(check_mle_sinit_compatibility(lx, sinit_mle_support{0x00020004, capabilities{0x267}}).err(),
                errc::unsupported_version, "TXT-M15", 20);
    // Wake methods must intersect: MLE MONITOR only, SINIT GETSEC only.
    mle_header mon = lx;
    mon.caps.raw = 0x226;
    check_error(check_mle_sinit_compatibility(mon, sinit_mle_support{0, capabilities{0x205}}).err(),
                errc::launch_requirement, "TXT-M16", 40);
    CHECK(check_mle_sinit_compatibility(mon, sinit_mle_support{0, capabilities{0x207}}).ok());
    // A pre-2.0 header counts as GETSEC[WAKEUP] only.
    const mle_header old = header_of(mle_header_v1_1);
    CHECK(effective_mle_capabilities(old).raw == 1);
    CHECK(check_mle_sinit_compatibility(old, sinit_mle_support{0, capabilities{0x1}}).ok());
    check_error(check_mle_sinit_compatibility(old, sinit_mle_support{0, capabilities{0x2}}).err(),
                errc::launch_requirement, "TXT-M16", 40);
    // Linux needs ECX_PGTBL on both sides.
    check_error(
        check_mle_sinit_compatibility(lx, sinit_mle_support{0, capabilities{0x263}}, mle_profile::linux_secure_launch)
            .err(),
        errc::launch_requirement, "TXT-M17", 40);
    mle_header noecx = lx;
    noecx.caps.raw = 0x223;
    CHECK(check_mle_sinit_compatibility(noecx, ok).ok());
    check_error(check_mle_sinit_compatibility(noecx, ok, mle_profile::linux_secure_launch).err(),
                errc::launch_requirement, "TXT-M17", 40);
}

TEST_CASE("mle: OsSinitData.Capabilities under the sdg, tboot and GRUB policies", "[txt][mle]") {
    os_sinit_caps_request r;
    r.mle = linux_mle_capabilities;  // 0x227
    r.sinit = capabilities{0x267};   // both wake-ups, ECX, DA, client, TCG log
    // sdg: MONITOR, ECX, TPM 2.0 bits 5:4 = 0, TCG log.
    auto c = select_os_sinit_capabilities(r);
    REQUIRE(c);
    CHECK(c->caps.raw == 0x206);
    CHECK(c->flags == 1);
    // GRUB: bits 5:4 = 11b as GRUB writes them.
    r.policy = os_sinit_caps_policy::grub;
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x236);
    // tboot with its own header (0x4627): its non-wake bits kept, ECX cleared.
    r.policy = os_sinit_caps_policy::tboot;
    r.mle = capabilities{0x4627};
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x4602);
    r.tcg_event_log = false;
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x4402);
    // GETSEC when the SINIT has no MONITOR wake-up.
    r = os_sinit_caps_request{};
    r.mle = linux_mle_capabilities;
    r.sinit = capabilities{0x265};
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x205);
    // TPM 1.2: DA when the SINIT has it (sdg); tboot keeps legacy unless pcr_map=da.
    r.tpm2 = false;
    c = select_os_sinit_capabilities(r);
    REQUIRE(c);
    CHECK(c->caps.raw == 0x035);
    CHECK(c->flags == 0);
    r.policy = os_sinit_caps_policy::tboot;
    r.mle = capabilities{0x4627};
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x4401);
    r.prefer_da = true;
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x4431);
    r.prefer_da = false;
    r.sinit = capabilities{0x275};  // SINIT without legacy: DA is the only choice
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x4431);
    r.sinit = capabilities{0x215};  // neither
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M19", 0);
    // Failures.
    r = os_sinit_caps_request{};
    r.mle = capabilities{0x226};
    r.sinit = capabilities{0x265};
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M16", 0);
    r.mle = linux_mle_capabilities;
    r.sinit = capabilities{0x263};
    r.profile = mle_profile::linux_secure_launch;
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M17", 0);
    r.policy = os_sinit_caps_policy::tboot;
    r.sinit = capabilities{0x267};
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M17", 0);
    r = os_sinit_caps_request{};
    r.mle = linux_mle_capabilities;
    r.sinit = capabilities{0x067};
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M20", 0);
    r.tcg_event_log = false;  // original TXT log format: no bit 9 needed
    CHECK(select_os_sinit_capabilities(r)->caps.raw == 0x006);
    r.policy = os_sinit_caps_policy::grub;  // GRUB always wants the TCG format
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M20", 0);
    r.tpm2 = false;
    check_error(select_os_sinit_capabilities(r).err(), errc::launch_requirement, "TXT-M21", 0);
}

// ---------------------------------------------------------------------------
// Finding the header

TEST_CASE("mle: finder rules that the vectors do not reach", "[txt][mle]") {
    const bytes_t bz = mle_vectors.bytes("valid/bzimage-sl.bin");
    const bytes_t raw = mle_vectors.bytes("valid/raw-mle.bin");
    // A raw MLE forced through the bzImage path.
    check_error(locate_mle_header(view(raw), mle_search::bzimage).err(), errc::bad_magic, "TXT-M36", 0x202);
    check_error(locate_mle_header(byte_view(raw.data(), 10), mle_search::bzimage).err(), errc::bad_magic, "TXT-M36",
                0);  // a file too short for the signature: offset 0
    // A location that does not belong to the file.
    auto loc = *find_mle_header(view(bz));
    mle_location wrong = loc;
    wrong.mle_offset = static_cast<u32>(bz.size() + 1);
    check_error(check_mle_location(view(bz), wrong).err(), errc::bad_argument, "TXT-M37", 0);
    // Images of 4 GiB or more (64-bit hosts): refused before any byte is read.
    if constexpr (sizeof(std::size_t) > 4) {
        const byte_view huge(bz.data(), std::size_t{1} << 32);
        check_error(locate_mle_header(huge).err(), errc::out_of_bounds, "TXT-M35", 0);
    }
    // An empty file, one byte.
    check_error(find_mle_header(byte_view()).err(), errc::not_found, "TXT-M31", 0);
    check_error(find_mle_header(byte_view(bz.data(), 1)).err(), errc::not_found, "TXT-M31", 0);
    // The UUID alone at the very end of a file.
    bytes_t tail(100, 0);
    tail.insert(tail.end(), mle_header_uuid, mle_header_uuid + 16);
    check_error(find_mle_header(view(tail)).err(), errc::truncated_header, "TXT-M1", 100);
    // The header may sit at MleEnd - HeaderLen exactly; one byte further it is outside.
    bytes_t img(0x1000, 0);
    mle_header h = header_of(mle_header_v2_1);
    h.mle_end = 0x1000;
    h.cmdline_start = h.cmdline_end = 0;
    REQUIRE(build_mle_header(h, mutable_byte_view(img.data() + 0x1000 - 52, 52)));
    CHECK(find_mle_header(view(img)));
    h.mle_end = 0xfff;
    REQUIRE(build_mle_header(h, mutable_byte_view(img.data() + 0x1000 - 52, 52)));
    check_error(find_mle_header(view(img)).err(), errc::out_of_bounds, "TXT-M33", 0x1000 - 52);
    // find_mle_uuid at the edges.
    CHECK(find_mle_uuid(view(tail), 0, tail.size()) == 100);
    CHECK(find_mle_uuid(view(tail), 101, tail.size()) == mle_no_uuid);
    CHECK(find_mle_uuid(view(tail), 0, tail.size() - 1) == mle_no_uuid);
    CHECK(find_mle_uuid(view(tail), 200, 100) == mle_no_uuid);
    CHECK(!is_bzimage(view(raw)));
    CHECK(is_bzimage(view(bz)));
}

TEST_CASE("mle: printing a header", "[txt][mle]") {
    char out[2048];
    const std::size_t n = format_mle_header(linux_header(), out, sizeof out);
    const std::string s(out, n);
    CHECK(s.find("MLE header version 2.2 (0x00020002), HeaderLen 52") == 0);
    CHECK(s.find("EntryPoint       0x000002a0") != std::string::npos);
    CHECK(s.find("MleEnd           0x009e8000") != std::string::npos);
    CHECK(s.find("TXT capabilities (0x000) = 0x00000227") != std::string::npos);
    CHECK(s.find("RLP_WAKE_MONITOR = 1") != std::string::npos);
    // v1.0 prints no extent, and a small buffer truncates without overflow.
    const std::string v10(out, format_mle_header(header_of(mle_header_v1_0), out, sizeof out));
    CHECK(v10.find("MleStart") == std::string::npos);
    char tiny[8];
    CHECK(format_mle_header(linux_header(), tiny, sizeof tiny) == 7);
    CHECK(std::strlen(tiny) == 7);
}

// ---------------------------------------------------------------------------
// Page tables

TEST_CASE("mle: page-table sizing", "[txt][mle][ptab]") {
    CHECK(mle_page_table_size(1).pages() == 3);
    CHECK(mle_page_table_size(0x200000).pages() == 3);
    CHECK(mle_page_table_size(0x200001).pages() == 4);
    CHECK(mle_page_table_size(mle_max_size).pages() == 1 + 1 + 512);
    CHECK(mle_page_table_size(mle_max_size, 0x1000).pages() == 1 + 2 + 513);
    CHECK(!mle_page_table_size(0).valid());
    CHECK(!mle_page_table_size(mle_max_size + 1).valid());
    CHECK(!mle_page_table_size(0x1000, 0x800).valid());
    CHECK(mle_page_table_size(0x1000, 0xfffff000).pages() == 3);
    CHECK(!mle_page_table_size(0x1001, 0xfffff000).valid());
    // GRUB reserves at least as much (before its 2 MiB rounding).
    for (u64 s : {u64{1}, u64{0x1000}, u64{0x1ff000}, u64{0x200000}, u64{0x3fe00000}, mle_max_size}) {
        INFO(s);
        CHECK(grub_mle_page_table_bytes(s) >= mle_page_table_size(s).bytes());
    }
    CHECK(grub_mle_page_table_bytes(0x9e8000) == 7 * 0x1000);
    CHECK(mle_page_table_size(0x9e8000).bytes() == 7 * 0x1000);
    CHECK(grub_mle_page_table_bytes(0x200000) == 4 * 0x1000);
    CHECK(*mle_page_tables_below(0x1000000, 0x9e8000, 0, 0x200000) == 0xe00000);
    CHECK(*mle_page_tables_below(0x1000000, 0x9e8000, 0, 0x1000) == 0x1000000 - 0x7000);
    check_error(mle_page_tables_below(0x1000000, 0x1000, 0, 0x1800).err(), errc::bad_argument, "TXT-T8", 0);
    check_error(mle_page_tables_below(0x1000000, 0x1000, 0, 0x800).err(), errc::bad_argument, "TXT-T8", 0);
    check_error(mle_page_tables_below(0x2000, 0x1000, 0, 0x1000).err(), errc::out_of_bounds, "TXT-T4", 0);
    check_error(mle_page_tables_below(0x100000, 0, 0, 0x1000).err(), errc::value_out_of_range, "TXT-T1", 0);
}

TEST_CASE("mle: page-table builder rules T1-T6 leave the buffer unchanged", "[txt][mle][ptab]") {
    bytes_t buf(0x4000, 0x5a);
    const bytes_t before = buf;
    const auto mb = mutable_byte_view(buf.data(), buf.size());
    const mle_ptab_request ok{0x100000, 0x103000, 0x2345, 0};
    auto fail = [&](mle_ptab_request r, errc code, const char* rule) {
        check_error(build_mle_page_tables(mb, r).err(), code, rule, 0);
        CHECK(buf == before);
    };
    mle_ptab_request r = ok;
    r.mle_size = 0;
    fail(r, errc::value_out_of_range, "TXT-T1");
    r.mle_size = mle_max_size + 1;
    fail(r, errc::value_out_of_range, "TXT-T1");
    r = ok;
    r.table_phys += 8;
    fail(r, errc::misaligned, "TXT-T2");
    r = ok;
    r.mle_phys += 0x800;
    fail(r, errc::misaligned, "TXT-T2");
    r = ok;
    r.first_valid_page = 0x10;
    fail(r, errc::misaligned, "TXT-T2");
    r = ok;
    r.first_valid_page = 0xfffff000;
    fail(r, errc::address_wrap, "TXT-T3");
    r = ok;
    r.table_phys = 0xfffff000;
    r.mle_phys = 0xfffff000;
    fail(r, errc::out_of_bounds, "TXT-T4");
    r = ok;
    r.mle_phys = 0xffffe000;
    fail(r, errc::out_of_bounds, "TXT-T4");
    r = ok;
    r.mle_phys = 0x102000;  // tables end at 0x103000
    fail(r, errc::overlap, "TXT-T5");
    check_error(build_mle_page_tables(mutable_byte_view(buf.data(), 0x2fff), ok).err(), errc::buffer_too_small,
                "TXT-T6", 0);
    CHECK(buf == before);
    // Success writes exactly the table block: 3 pages, the rest untouched.
    const auto l = build_mle_page_tables(mb, ok);
    REQUIRE(l);
    CHECK(l->pdpt == 0x100000);
    CHECK(l->first_pd == 0x101000);
    CHECK(l->first_pt == 0x102000);
    CHECK(l->mle_pages == 3);
    CHECK(load_le(view(buf), 0, 8) == 0x101001);
    CHECK(load_le(view(buf), 0x1000, 8) == 0x102001);
    CHECK(load_le(view(buf), 0x2000, 8) == 0x103001);
    CHECK(load_le(view(buf), 0x2010, 8) == 0x105001);
    CHECK(load_le(view(buf), 0x2018, 8) == 0);
    CHECK(std::all_of(buf.begin() + 0x3000, buf.end(), [](u8 x) { return x == 0x5a; }));
    // A 1 GiB MLE in one page directory: the builder and the walker agree at the limit.
    const mle_ptab_request big{0x100000, 0x400000, mle_max_size, 0};
    const auto size = mle_page_table_size(big.mle_size);
    bytes_t t(static_cast<std::size_t>(size.bytes()));
    const auto bl = build_mle_page_tables(mutable_byte_view(t.data(), t.size()), big);
    REQUIRE(bl);
    CHECK(bl->size.pt_count == 512);
    // Tables only: the walker does not read the pages themselves.
    const slrt::memory_image mem(big.table_phys, view(t));
    const auto w = walk_mle_page_tables(mem, mle_walk_params{big.table_phys, big.mle_size, 0});
    REQUIRE(w);
    CHECK(w->page_count == 262144);
    CHECK(w->entries_read == mle_walk_max_entries);
    CHECK(w->last_page == big.mle_phys + mle_max_size - 0x1000);
    CHECK(w->contiguous);
}

TEST_CASE("mle: walker and measurement rules not in the vectors", "[txt][mle][ptab]") {
    const bytes_t img = mle_vectors.bytes("valid/ptab-contiguous.bin");
    const u64 base = 0x100000;
    const slrt::memory_image mem(base, view(img));
    const mle_walk_params p{base, 0x2345, 0};
    check_error(walk_mle_page_tables(mem, mle_walk_params{u64{1} << 32, 0x1000, 0}).err(), errc::out_of_bounds,
                "TXT-T4", 0);
    // Algorithms.
    digest d[5]{};
    const hash_alg five[] = {hash_alg::sha1, hash_alg::sha1, hash_alg::sha1, hash_alg::sha1, hash_alg::sha1};
    check_error(predict_mle_measurement(mem, p, five, 5, d).err(), errc::bad_argument, "TXT-T20", 0);
    const hash_alg sm3[] = {hash_alg::sha256, hash_alg::sm3_256};
    const auto e = predict_mle_measurement(mem, p, sm3, 2, d).err();
    check_error(e, errc::unknown_algorithm, "TXT-T19", 0);
    CHECK(e.entry_index == 1);
    // No algorithm at all: just the walk.
    CHECK(predict_mle_measurement(mem, p, nullptr, 0, d));
    // An MLE page outside the memory image (the tables are fine).
    const slrt::memory_image short_mem(base, byte_view(img.data(), 0x4000));
    check_error(predict_mle_measurement(short_mem, p, all_algs, 1, d).err(), errc::memory_unmapped, "TXT-T9",
                0x104000);
    // The visitor can stop the walk.
    const auto stopped = walk_mle_page_tables(mem, p, [](u32 i, u32, u64) -> slrt::status {
        if (i == 1) return slrt::error{errc::bad_argument, 7, 0, "visitor", "X", "stop", 0, 0};
        return slrt::success;
    });
    CHECK(stopped.err().offset == 7);
    // Where a failed walk stopped.
    bytes_t holed = img;
    store_le(mutable_byte_view(holed.data(), holed.size()), 0x2008, 8, 0);
    mle_walk_stop stop{};
    const auto w = walk_mle_page_tables(slrt::memory_image(base, view(holed)), p, &stop);
    check_error(w.err(), errc::page_table_invalid, "TXT-T14", 0x102008);
    CHECK(w.err().entry_index == 1);
    CHECK(stop.table == 0x102000);
    CHECK(stop.level == 2);
    CHECK(stop.linear == 0x1000);
    // Flat measurement rules.
    mle_header h = header_of(mle_header_v2_1);
    check_error(measure_mle_flat(byte_view(img.data(), 0x1000), h, hash_alg::sha1).err(), errc::out_of_bounds,
                "TXT-T21", 36);
    check_error(measure_mle_flat(view(img), h, hash_alg::sm3_256).err(), errc::unknown_algorithm, "TXT-T19", 0);
    check_error(measure_mle_flat(view(img), header_of(mle_header_v1_0), hash_alg::sha1).err(),
                errc::field_not_in_layout, "TXT-T22", 20);
    h.mle_start = 0x10;
    h.mle_end = 0x10;  // empty range: the hash of nothing
    CHECK(*measure_mle_flat(view(img), h, hash_alg::sha256) == slrt::hash(hash_alg::sha256, byte_view()));
    // The tables rebuilt over the same MLE measure the same as the flat MLE bytes.
    h.mle_start = 0;
    h.mle_end = 0x2345;
    const auto flat = measure_mle_flat(byte_view(img.data() + 0x3000, 0x3000), h, hash_alg::sha384);
    const hash_alg one[] = {hash_alg::sha384};
    REQUIRE(predict_mle_measurement(mem, p, one, 1, d));
    CHECK(*flat == d[0]);
}
