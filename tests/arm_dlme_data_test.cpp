// Arm DRTM DLME data: the header and its regions (protected regions, address map, event log,
// TCB hash table, ACPI table region, implementation region), each parser at its boundaries,
// the builder, and the golden vectors of spec/vectors/arm (kind "dlme_data").
#include <catch2/catch.hpp>

#include "support/arm_vectors.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dlh/arm/arm.hpp"

using namespace dlh;
using namespace dlh::arm;
using namespace slrt_test;

namespace {

void check_table_json(const memory_region_table& t, const nlohmann::json& j) {
    CHECK(j["revision"] == t.revision());
    REQUIRE(j["regions"].size() == t.num_regions());
    for (u32 i = 0; i < t.num_regions(); ++i) {
        const memory_region r = t.region(i);
        const nlohmann::json& e = j["regions"][i];
        CHECK(e["address"] == r.address);
        CHECK(e["size_type"] == r.size_type);
        CHECK(e["pages"] == r.pages());
        CHECK(e["type"] == name(r.type()));
        CHECK(e["cacheability"] == name(r.cache()));
    }
}

void check_dlme_json(const dlme_data& d, const nlohmann::json& j) {
    const nlohmann::json& h = j["header"];
    CHECK(h["version"] == d.header.version);
    CHECK(h["this_hdr_size"] == d.header.this_hdr_size);
    CHECK(h["reserved"] == d.header.reserved);
    CHECK(h["dlme_data_size"] == d.header.dlme_data_size);
    const char* size_keys[] = {"protected_regions_size", "address_map_size", "drtm_event_log_size",
                               "tcb_hash_table_size", "acpi_table_region_size", "implementation_defined_region_size"};
    for (u32 i = 0; i < dlme_region_count; ++i) {
        const auto r = static_cast<dlme_region>(i);
        CHECK(h[size_keys[i]] == d.size_of(r));
        CHECK(j["regions"][name(r)]["offset"] == d.offset_of(r));
        CHECK(j["regions"][name(r)]["size"] == d.size_of(r));
    }
    check_table_json(d.protected_regions, j["protected_regions"]);
    check_table_json(d.address_map, j["address_map"]);
    const nlohmann::json& log = j["event_log"];
    REQUIRE(log["events"].size() == d.event_log.event_count());
    CHECK(log["events_end"] == d.event_log.events_end());
    u32 i = 0;
    for (const slrt::event e : d.event_log) {
        const nlohmann::json& x = log["events"][i++];
        CHECK(x["pcr"] == e.pcr);
        CHECK(x["type"] == e.type);
        CHECK(x["offset"] == e.offset);
        CHECK(x["data"] == hex(e.data));
        REQUIRE(e.find(slrt::hash_alg::sha256));
        CHECK(x["digests"]["sha256"] == hex(e.find(slrt::hash_alg::sha256)->view()));
    }
    if (d.has_tcb_hash_table) {
        const nlohmann::json& t = j["tcb_hash_table"];
        CHECK(t["revision"] == d.tcb_hashes.revision());
        CHECK(t["hash_algo"] == d.tcb_hashes.hash_algo());
        REQUIRE(t["hashes"].size() == d.tcb_hashes.num_hashes());
        for (u32 k = 0; k < d.tcb_hashes.num_hashes(); ++k) {
            CHECK(t["hashes"][k]["hash_id"] == d.tcb_hashes.hash(k).hash_id);
            CHECK(t["hashes"][k]["digest"] == hex(d.tcb_hashes.hash(k).digest));
        }
    } else {
        CHECK(j["tcb_hash_table"].is_null());
    }
    if (d.has_acpi_tables) {
        const nlohmann::json& a = j["acpi_tables"];
        CHECK(a["xsdt_length"] == d.acpi_tables.xsdt_length());
        REQUIRE(a["entries"].size() == d.acpi_tables.entry_count());
        for (u32 k = 0; k < d.acpi_tables.entry_count(); ++k) CHECK(a["entries"][k] == d.acpi_tables.entry(k));
    } else {
        CHECK(j["acpi_tables"].is_null());
    }
}

// A small, valid DLME data image, built in constant evaluation as well.
struct sample {
    u8 prot[24]{};
    u8 map[40]{};
    u8 log[512]{};
    u32 log_size = 0;
    u8 impdef[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    constexpr sample() {
        (void)encode_memory_region_table(&complete_protection_region, 1, mutable_byte_view(prot));
        const memory_region m[2] = {{0x80000000, make_size_type(0x100, region_type::normal)},
                                    {0x90000000, make_size_type(0x10, region_type::device)}};
        (void)encode_memory_region_table(m, 2, mutable_byte_view(map));
        slrt::log_writer w{mutable_byte_view(log)};
        (void)init_tfa_log(w);
        drtm_parameters p;
        p.dlme_image_size = 4;
        const u8 image[4] = {0xde, 0xad, 0xbe, 0xef};
        (void)append_tfa_measurements(w, p, byte_view(image));
        log_size = w.size();
    }
    constexpr dlme_data_parts parts() const {
        dlme_data_parts d;
        d[dlme_region::protected_regions] = byte_view(prot);
        d[dlme_region::address_map] = byte_view(map);
        d[dlme_region::event_log] = byte_view(log, log_size);
        d[dlme_region::implementation_defined] = byte_view(impdef);
        return d;
    }
};

}  // namespace

// Build, then parse back, in constant evaluation.
static_assert([] {
    const sample s;
    u8 out[1024]{};
    const result<u64> n = build_dlme_data(s.parts(), mutable_byte_view(out));
    if (!n || *n != 64 + 24 + 40 + s.log_size + 8) return false;
    const result<dlme_data> d = parse_dlme_data(byte_view(out, static_cast<std::size_t>(*n)));
    return d && d->address_map.num_regions() == 2 && d->event_log.event_count() == 8 &&
           d->region(dlme_region::implementation_defined)[7] == 8 &&
           d->protected_regions.region(0) == complete_protection_region;
}());
static_assert(parse_dlme_data(byte_view{}).err().code == errc::truncated_header);
static_assert([] {
    u8 t[24]{};
    (void)encode_memory_region_table(&complete_protection_region, 1, mutable_byte_view(t));
    t[0] = 2;
    return parse_memory_region_table(byte_view(t), region_table_kind::address_map).err().code ==
           errc::unsupported_version;
}());
static_assert(parse_tcb_hash_table(byte_view{}).err().code == errc::truncated_header);
static_assert(parse_acpi_region(byte_view{}).err().code == errc::truncated_header);

TEST_CASE("arm: memory region descriptor tables", "[arm]") {
    const memory_region regions[3] = {{0x0, make_size_type(0x10, region_type::device)},
                                      {0x10000, make_size_type(0x10, region_type::normal_cacheable,
                                                                 cacheability::write_back)},
                                      {0x20000, make_size_type(max_region_pages - 0x20, region_type::reserved)}};
    bytes_t b(memory_region_table_size(3));
    REQUIRE(encode_memory_region_table(regions, 3, mutable_byte_view(b.data(), b.size())));
    const u8 expect_head[24] = {1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0x20, 0};
    CHECK(slrt::equal(view(b).subview(0, 24), byte_view(expect_head)));
    const auto t = parse_memory_region_table(view(b), region_table_kind::address_map);
    REQUIRE(t);
    CHECK(t->num_regions() == 3);
    CHECK(t->region(1).cache() == cacheability::write_back);
    CHECK(t->region(1).type() == region_type::normal_cacheable);
    CHECK(t->region(2).span().end() == 0x20000 + ((max_region_pages - 0x20) << 12));
    CHECK(t->region(3) == memory_region{});  // past the end: nothing
    // Adjacent regions are fine; one page of overlap is not.
    memory_region r2[2] = {{0x10000, make_size_type(1, region_type::normal)},
                           {0x11000, make_size_type(1, region_type::normal)}};
    bytes_t two(memory_region_table_size(2));
    REQUIRE(encode_memory_region_table(r2, 2, mutable_byte_view(two.data(), two.size())));
    CHECK(parse_memory_region_table(view(two), region_table_kind::address_map));
    r2[1].address = 0x10000;  // same address: ascending holds (not strictly), but it overlaps
    REQUIRE(encode_memory_region_table(r2, 2, mutable_byte_view(two.data(), two.size())));
    CHECK(parse_memory_region_table(view(two), region_table_kind::address_map).err().rule == std::string("ARM-50"));
    r2[1].size_type = 0;  // an empty region overlaps nothing
    REQUIRE(encode_memory_region_table(r2, 2, mutable_byte_view(two.data(), two.size())));
    CHECK(parse_memory_region_table(view(two), region_table_kind::address_map));
    // Complete protection: exactly the one region.
    bytes_t one(memory_region_table_size(1));
    REQUIRE(encode_memory_region_table(&complete_protection_region, 1, mutable_byte_view(one.data(), one.size())));
    CHECK(parse_memory_region_table(view(one), region_table_kind::protected_regions, true));
    const auto wrong = parse_memory_region_table(view(two), region_table_kind::protected_regions, true);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.err().rule == std::string("ARM-51"));
    CHECK(wrong.err().offset == 4);
    CHECK(std::string(wrong.err().field) == "protected_regions.num_regions");
    // The encoder refuses a short buffer and leaves it alone.
    bytes_t small(memory_region_table_size(3) - 1, 0x77);
    const status s = encode_memory_region_table(regions, 3, mutable_byte_view(small.data(), small.size()));
    REQUIRE_FALSE(s);
    CHECK(s.err().rule == std::string("ARM-52"));
    for (u8 x : small) CHECK(x == 0x77);
    // A huge count against a small table: count_mismatch, not a read past the end.
    bytes_t lie = one;
    lie[4] = lie[5] = lie[6] = lie[7] = 0xff;
    CHECK(parse_memory_region_table(view(lie), region_table_kind::address_map).err().code == errc::count_mismatch);
    char text[512];
    format_register(size_type_info, complete_protection_size_type, text, sizeof text);
    CHECK(std::string(text).find("[54:52] REGION_TYPE = 0x3") != std::string::npos);
}

TEST_CASE("arm: TCB hash tables", "[arm]") {
    const u8 d1[48] = {1}, d2[48] = {2};
    const tcb_hash hashes[2] = {{7, byte_view(d1)}, {9, byte_view(d2)}};
    bytes_t b(tcb_hash_table_size(0x000c, 2));
    REQUIRE(b.size() == 8 + 2 * 52);
    REQUIRE(encode_tcb_hash_table(0x000c, hashes, 2, mutable_byte_view(b.data(), b.size())));
    const auto t = parse_tcb_hash_table(view(b));
    REQUIRE(t);
    CHECK(t->digest_size() == 48);
    CHECK(t->hash(1).hash_id == 9);
    CHECK(t->hash(1).digest[0] == 2);
    CHECK(t->hash(2).digest.empty());
    CHECK(parse_tcb_hash_table(view(b), 2));
    CHECK(parse_tcb_hash_table(view(b), 1).err().rule == std::string("ARM-61"));
    const tcb_hash wrong[1] = {{1, byte_view(d1, 32)}};
    bytes_t out(100, 0x11);
    const status s = encode_tcb_hash_table(0x000c, wrong, 1, mutable_byte_view(out.data(), out.size()));
    REQUIRE_FALSE(s);
    CHECK(s.err().rule == std::string("ARM-53"));
    for (u8 x : out) CHECK(x == 0x11);
    CHECK(encode_tcb_hash_table(0x0010, wrong, 1, mutable_byte_view(out.data(), out.size())).err().code ==
          errc::bad_argument);
    for (u16 alg : {u16{0x0004}, u16{0x000b}, u16{0x000c}, u16{0x000d}, u16{0x0012}, u16{0x0027}, u16{0x0028},
                    u16{0x0029}})
        CHECK(tpm_alg_digest_size(alg) != 0);
    CHECK(tpm_alg_digest_size(0x0010) == 0);
}

TEST_CASE("arm: ACPI table region", "[arm]") {
    // XSDT with one entry, then a 40-byte "IORT" table; checksums fixed by hand.
    bytes_t b(36 + 8 + 40, 0);
    auto header = [&](std::size_t at, const char* sig, u32 length) {
        for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<u8>(sig[i]);
        slrt::store_le(mutable_byte_view(b.data(), b.size()), at + 4, 4, length);
        b[at + 8] = 1;
    };
    auto fix = [&](std::size_t at, u32 length) {
        u32 sum = 0;
        b[at + 9] = 0;
        for (u32 i = 0; i < length; ++i) sum += b[at + i];
        b[at + 9] = static_cast<u8>(0x100 - (sum & 0xff));
    };
    const u64 base = 0x80003000;
    header(0, "XSDT", 44);
    slrt::store_le(mutable_byte_view(b.data(), b.size()), 36, 8, base + 44);
    fix(0, 44);
    header(44, "IORT", 40);
    fix(44, 40);
    const auto bare = parse_acpi_region(view(b));
    REQUIRE(bare);
    CHECK(bare->entry_count() == 1);
    CHECK(bare->entry(0) == base + 44);
    CHECK(bare->entry(1) == 0);
    acpi_region_options o;
    o.has_base = true;
    o.base = base;
    const auto with_base = parse_acpi_region(view(b), o);
    REQUIRE(with_base);
    CHECK(with_base->table(0).signature == acpi_signature("IORT"));
    CHECK(with_base->table(0).offset == 44);
    o.require_dlme_tables = true;
    const auto missing = parse_acpi_region(view(b), o);
    REQUIRE_FALSE(missing);
    CHECK(missing.err().rule == std::string("ARM-72"));
    CHECK(missing.err().value == acpi_signature("APIC"));
    // An entry one byte before the region, and one whose header would straddle its end.
    o.require_dlme_tables = false;
    o.base = base + 45;
    CHECK(parse_acpi_region(view(b), o).err().rule == std::string("ARM-70"));
    o.base = base;
    slrt::store_le(mutable_byte_view(b.data(), b.size()), 36, 8, base + 49);  // 35 bytes before the end
    fix(0, 44);
    CHECK(parse_acpi_region(view(b), o).err().rule == std::string("ARM-70"));
    slrt::store_le(mutable_byte_view(b.data(), b.size()), 36, 8, base + 48);  // header fits, length does not
    fix(0, 44);
    CHECK(parse_acpi_region(view(b), o).err().rule == std::string("ARM-71"));
}

TEST_CASE("arm: DLME data header rules and the builder", "[arm]") {
    const sample s;
    bytes_t out(1024, 0);
    const result<u64> n = build_dlme_data(s.parts(), mutable_byte_view(out.data(), out.size()));
    REQUIRE(n);
    out.resize(static_cast<std::size_t>(*n));
    const u8 head[16] = {1, 0, 64, 0, 0, 0, 0, 0, static_cast<u8>(*n & 0xff), static_cast<u8>(*n >> 8), 0, 0, 0, 0, 0, 0};
    CHECK(slrt::equal(view(out).subview(0, 16), byte_view(head)));
    const auto d = parse_dlme_data(view(out));
    REQUIRE(d);
    CHECK(d->offset_of(dlme_region::address_map) == 64 + 24);
    CHECK(d->offset_of(dlme_region::event_log) == 64 + 24 + 40);
    CHECK(d->offset_of(dlme_region::implementation_defined) == *n - 8);
    CHECK_FALSE(d->has_tcb_hash_table);
    CHECK_FALSE(d->has_acpi_tables);

    // Builder failures leave the buffer alone.
    bytes_t buf(1024, 0xab);
    dlme_data_parts p = s.parts();
    p[dlme_region::address_map] = {};
    result<u64> r = build_dlme_data(p, mutable_byte_view(buf.data(), buf.size()));
    REQUIRE_FALSE(r);
    CHECK(r.err().rule == std::string("ARM-38"));
    p = s.parts();
    r = build_dlme_data(p, mutable_byte_view(buf.data(), static_cast<std::size_t>(*n - 1)));
    REQUIRE_FALSE(r);
    CHECK(r.err().rule == std::string("ARM-52"));
    u8 bad_table[24];
    for (u32 i = 0; i < 24; ++i) bad_table[i] = s.prot[i];
    bad_table[8] = 0x10;  // misaligned region address
    p[dlme_region::protected_regions] = byte_view(bad_table);
    r = build_dlme_data(p, mutable_byte_view(buf.data(), buf.size()));
    REQUIRE_FALSE(r);
    CHECK(r.err().rule == std::string("ARM-45"));
    CHECK(r.err().offset == 64 + 8);  // where the part would have been
    for (u8 x : buf) CHECK(x == 0xab);

    // dlme_data_size one more than the regions: ARM-36; the log checked strictly: LOG-n rebased.
    bytes_t longer = out;
    longer.push_back(0);
    slrt::store_le(mutable_byte_view(longer.data(), longer.size()), 8, 8, *n + 1);
    CHECK(parse_dlme_data(view(longer)).err().rule == std::string("ARM-36"));
    bytes_t broken = out;
    broken[64 + 24 + 40 + 4] = 0;  // the log's header record: type EV_NO_ACTION -> 0
    const auto e = parse_dlme_data(view(broken));
    REQUIRE_FALSE(e);
    CHECK(e.err().rule == std::string("LOG-2"));
    CHECK(e.err().offset == 64 + 24 + 40 + 4);

    // The DLME region's room, from the parameters.
    drtm_parameters prm;
    prm.dlme_region_size = 0x1000 + *n;
    prm.dlme_data_offset = 0x1000;
    dlme_data_options o;
    o.params = &prm;
    CHECK(parse_dlme_data(view(out), o));
    prm.dlme_region_size -= 1;
    CHECK(parse_dlme_data(view(out), o).err().rule == std::string("ARM-37"));
}

TEST_CASE("arm: DLME data golden vectors", "[arm][vectors]") {
    const nlohmann::json manifest = arm_vectors.json("manifest.json");
    u32 valid = 0, malformed = 0;
    for (const nlohmann::json& v : manifest["vectors"]) {
        if (v["kind"] != "dlme_data") continue;
        const std::string file = v["file"];
        INFO(file);
        const bytes_t b = arm_vectors.bytes(file);
        const nlohmann::json& opts = v["options"];
        dlme_data_options o;
        drtm_parameters prm;
        platform_features pf;
        if (opts.contains("params")) {
            const bytes_t pb = arm_vectors.bytes(opts["params"]);
            const auto p = parse_parameters(view(pb));
            REQUIRE(p);
            prm = *p;
            o.params = &prm;
        }
        if (opts.contains("platform")) {
            pf = platform_from(opts["platform"]);
            o.platform = &pf;
        }
        if (opts.contains("require_dlme_tables")) o.require_dlme_tables = opts["require_dlme_tables"];
        const result<dlme_data> d = parse_dlme_data(view(b), o);
        if (v["expect"] == "ok") {
            REQUIRE(d);
            check_dlme_json(*d, arm_vectors.json(v["json"]));
            // Round trip: the regions rebuilt give the same bytes (for the 64-byte header).
            if (d->header.this_hdr_size == dlme_data_header_size) {
                dlme_data_parts parts;
                for (u32 i = 0; i < dlme_region_count; ++i)
                    parts.region[i] = d->region(static_cast<dlme_region>(i));
                bytes_t again(static_cast<std::size_t>(d->header.dlme_data_size));
                const result<u64> n = build_dlme_data(parts, mutable_byte_view(again.data(), again.size()), o);
                REQUIRE(n);
                CHECK(slrt::equal(view(again), d->bytes));
            }
            ++valid;
        } else {
            REQUIRE_FALSE(d);
            const slrt::error& e = d.err();
            CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
            CHECK(e.rule == v["rule"].get<std::string>());
            CHECK(e.offset == v["offset"].get<u32>());
            if (v["entry_index"].is_null())
                CHECK(e.entry_index == no_entry);
            else
                CHECK(e.entry_index == v["entry_index"].get<u32>());
            if (e.rule[0] == 'A') {
                REQUIRE(find_rule(e.rule) != nullptr);
                CHECK(find_rule(e.rule)->code == e.code);
            }
            ++malformed;
        }
    }
    CHECK(valid >= 6);
    CHECK(malformed >= 40);
}
