// AMD PSP/ASP DRTM facts, experimental: the mailbox, commands and status codes, PSP DRTM
// versions, and the ACPI DRTM and ASPT tables (include/dlh/skinit/asp.hpp; spec/skinit.md §9).
#include <catch2/catch.hpp>

#include "support/vectors.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "dlh/skinit/asp.hpp"

using namespace dlh;
using namespace dlh::skinit::asp;
using namespace slrt_test;

namespace {

const vector_dir skinit_vectors("skinit");

// A DRTM table built and parsed in constant evaluation.
struct drtm_buf {
    u8 bytes[0x100]{};
    u32 size = 0;
};
constexpr drtm_buf make_drtm() {
    drtm_buf b;
    acpi_drtm d;
    d.header.revision = 1;
    d.entry_base_address = 0xffe00000;
    d.entry_length = 0x10000;
    d.log_area_address = 0x7f000000;
    d.log_area_length = 0x10000;
    d.flags = 0x5;
    d.validated_table_count = 1;
    d.resource_count = 1;
    d.dps_id_length = 4;
    d.dps_id[0] = 0xaa;
    const u64 tables[] = {0x7fee0000};
    const drtm_resource res[] = {{0x1000, 1, 0xfed00000}};
    b.size = *build_acpi_drtm(b.bytes, d, tables, res);
    return b;
}

}  // namespace

// Compile time: the mailbox word, table round trips and a few refusals with their errc.
static_assert(*encode_command(0x4) == 0x00040000);
static_assert(*encode_command(0x2, 3) == 0x03020000);
static_assert(encode_command(0x5).err().code == errc::bad_argument);
static_assert(encode_command(0x1, 16).err().code == errc::value_out_of_range);
static_assert(check_response(0x80000000));
static_assert(check_response(0xffffffff).err().code == errc::not_found);
static_assert(check_response(0x00040000).err().code == errc::launch_requirement);
static_assert(mailbox{0x83040002}.status() == 2 && mailbox{0x83040002}.command() == 4 && mailbox{0x83040002}.tmr_index() == 3);
static_assert(mailbox_info.reserved_mask() == 0x70000000);
static_assert(*psp_drtm_version(0x1022, 0x15df) == 3 && *psp_drtm_version(0x1022, 0x1537) == 0);
static_assert(psp_drtm_version(0x8086, 0x15df).err().code == errc::not_found);
static_assert(psp_takes_part(2) && psp_takes_part(3) && !psp_takes_part(1) && !psp_takes_part(0));
static_assert([] {
    constexpr drtm_buf b = make_drtm();
    const auto d = parse_acpi_drtm(byte_view(b.bytes, b.size));
    return d && b.size == 0x60 + 4 + 8 + 4 + 16 + 20 && d->validated_table_count == 1 &&
           validated_table(byte_view(b.bytes, b.size), *d, 0) == 0x7fee0000 &&
           resource(byte_view(b.bytes, b.size), *d, 0) == drtm_resource{0x1000, 1, 0xfed00000} &&
           d->dps_id_length == 4 && d->dps_id[0] == 0xaa && d->size() == b.size;
}());
static_assert([] {
    drtm_buf b = make_drtm();
    b.bytes[0x20] ^= 1;  // checksum no longer holds
    return parse_acpi_drtm(byte_view(b.bytes, b.size)).err().code == errc::value_out_of_range;
}());
static_assert([] {
    u8 out[136] = {};
    aspt a;
    a.header.revision = 1;
    a.feature_reg_addr = 0xfeb00010;
    a.irq_en_reg_addr = 0xfeb00014;
    a.irq_st_reg_addr = 0xfeb00018;
    a.sev_cmd_resp_reg_addr = 0xfeb00570;
    a.sev_cmd_buf_lo_reg_addr = 0xfeb00574;
    a.sev_cmd_buf_hi_reg_addr = 0xfeb00578;
    a.acpi_cmd_resp_reg_addr = 0xfeb00580;
    const auto n = build_aspt(out, a);
    const auto back = parse_aspt(byte_view(out, *n));
    aspt want = a;
    want.header = back->header;
    want.num_entries = 3;
    want.has_global_regs = want.has_sev_mbox_regs = want.has_acpi_mbox_regs = true;
    return back && *back == want && *n == 136;
}());

TEST_CASE("asp: names of every command and status code", "[skinit][asp]") {
    std::set<std::string> names;
    int commands = 0, statuses = 0;
    for (u32 c = 0; c < 256; ++c)
        if (const char* n = name(static_cast<command>(c))) {
            names.insert(n);
            ++commands;
            CHECK(encode_command(static_cast<u8>(c)));
        } else {
            CHECK(encode_command(static_cast<u8>(c)).err().rule == std::string("ASP-1"));
        }
    for (u32 s = 0; s < 0x10000; ++s)
        if (const char* n = name(static_cast<status_code>(s))) {
            names.insert(n);
            ++statuses;
        }
    CHECK(commands == 10);
    CHECK(statuses == 15);
    CHECK(names.size() == 25);
    const slrt::error e = check_response(0x80000010).err();
    CHECK(e.rule == std::string("ASP-5"));
    CHECK(e.message == std::string("GET_IVRS_TABLE_FAILED"));
    CHECK(e.value == 0x10);
    CHECK(check_response(0x80000011).err().message == std::string("the PSP reported an unknown error status"));
    CHECK(check_response(0x0).err().rule == std::string("ASP-4"));
    char line[512];
    format_register(mailbox_info, 0x83040002, line, sizeof line);
    CHECK(std::string(line).find("[27:24] TMR_INDEX = 0x3") != std::string::npos);
    CHECK(psp_base_smn_address == 0x13b102e0);
    for (const psp_device& d : psp_devices) CHECK(psp_drtm_version(amd_vendor_id, d.device_id));
    CHECK(psp_drtm_version(amd_vendor_id, 0x1234).err().rule == std::string("ASP-6"));
}

TEST_CASE("asp: valid DRTM and ASPT vectors", "[skinit][asp][vectors]") {
    const nlohmann::json m = skinit_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["valid"]) {
        const std::string parser = v["parser"];
        if (parser != "drtm" && parser != "aspt") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t bytes = skinit_vectors.bytes(v["file"]);
        const nlohmann::json doc = skinit_vectors.json(v["json"]);
        if (parser == "drtm") {
            const auto d = parse_acpi_drtm(view(bytes));
            REQUIRE(d);
            CHECK(d->header.length == doc["length"].get<u32>());
            CHECK(d->header.revision == doc["revision"].get<u32>());
            CHECK(d->entry_base_address == doc["entry_base_address"].get<u64>());
            CHECK(d->entry_length == doc["entry_length"].get<u64>());
            CHECK(d->entry_address32 == doc["entry_address32"].get<u32>());
            CHECK(d->entry_address64 == doc["entry_address64"].get<u64>());
            CHECK(d->exit_address == doc["exit_address"].get<u64>());
            CHECK(d->log_area_address == doc["log_area_address"].get<u64>());
            CHECK(d->log_area_length == doc["log_area_length"].get<u32>());
            CHECK(d->arch_dependent_address == doc["arch_dependent_address"].get<u64>());
            CHECK(d->flags == doc["flags"].get<u32>());
            REQUIRE(d->validated_table_count == doc["validated_tables"].size());
            std::vector<u64> tables;
            for (u32 i = 0; i < d->validated_table_count; ++i) {
                tables.push_back(validated_table(view(bytes), *d, i));
                CHECK(tables.back() == doc["validated_tables"][i].get<u64>());
            }
            REQUIRE(d->resource_count == doc["resources"].size());
            std::vector<drtm_resource> res;
            for (u32 i = 0; i < d->resource_count; ++i) {
                res.push_back(resource(view(bytes), *d, i));
                CHECK(res.back().size == doc["resources"][i]["size"].get<u64>());
                CHECK(res.back().type == doc["resources"][i]["type"].get<u32>());
                CHECK(res.back().address == doc["resources"][i]["address"].get<u64>());
            }
            CHECK(d->dps_id_length == doc["dps_id_length"].get<u32>());
            CHECK(hex(d->dps_id, 16) == doc["dps_id"].get<std::string>());
            // Build again: the same bytes.
            bytes_t again(bytes.size() + 8, 0);
            const auto n = build_acpi_drtm(mutable_byte_view(again.data(), again.size()), *d, tables.data(), res.data());
            REQUIRE(n);
            again.resize(*n);
            CHECK(again == bytes);
            char line[1024];
            format_register(drtm_flags_info, d->flags, line, sizeof line);
            CHECK(std::string(line).find("[0] ACCESS_ALLOWED = 1") != std::string::npos);
        } else {
            const auto a = parse_aspt(view(bytes));
            REQUIRE(a);
            CHECK(a->header.length == doc["length"].get<u32>());
            CHECK(a->num_entries == doc["num_entries"].get<u32>());
            CHECK(a->feature_reg_addr == doc["feature_reg_addr"].get<u64>());
            CHECK(a->irq_en_reg_addr == doc["irq_en_reg_addr"].get<u64>());
            CHECK(a->irq_st_reg_addr == doc["irq_st_reg_addr"].get<u64>());
            CHECK(a->sev_mbox_irq_id == doc["sev_mbox_irq_id"].get<u32>());
            CHECK(a->sev_cmd_resp_reg_addr == doc["sev_cmd_resp_reg_addr"].get<u64>());
            CHECK(a->sev_cmd_buf_lo_reg_addr == doc["sev_cmd_buf_lo_reg_addr"].get<u64>());
            CHECK(a->sev_cmd_buf_hi_reg_addr == doc["sev_cmd_buf_hi_reg_addr"].get<u64>());
            CHECK(a->acpi_cmd_resp_reg_addr == doc["acpi_cmd_resp_reg_addr"].get<u64>());
            CHECK(a->unknown_subtables == doc["unknown_subtables"].get<u32>());
            // Rebuilt in canonical order, it parses to the same registers.
            bytes_t again(200, 0);
            const auto n = build_aspt(mutable_byte_view(again.data(), again.size()), *a);
            REQUIRE(n);
            const auto back = parse_aspt(byte_view(again.data(), *n));
            REQUIRE(back);
            aspt want = *a;
            want.header = back->header;
            want.num_entries = 3;
            want.unknown_subtables = 0;
            CHECK(*back == want);
        }
        ++checked;
    }
    CHECK(checked == 3);
}

TEST_CASE("asp: malformed DRTM and ASPT vectors fail with the manifest's rule", "[skinit][asp][vectors]") {
    const nlohmann::json m = skinit_vectors.json("manifest.json");
    int checked = 0;
    for (const auto& v : m["malformed"]) {
        const std::string parser = v["parser"];
        if (parser != "drtm" && parser != "aspt") continue;
        INFO(v["file"].get<std::string>());
        const bytes_t bytes = skinit_vectors.bytes(v["file"]);
        const slrt::error e = parser == "drtm" ? parse_acpi_drtm(view(bytes)).err() : parse_aspt(view(bytes)).err();
        CHECK(slrt::name(e.code) == v["errc"].get<std::string>());
        CHECK(e.rule == v["rule"].get<std::string>());
        CHECK(e.offset == v["offset"].get<u32>());
        CHECK(e.offset < bytes.size());
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("asp: builders refuse without writing", "[skinit][asp]") {
    bytes_t out(0x60, 0x5a);
    const bytes_t before = out;
    acpi_drtm d;
    d.header.revision = 1;
    CHECK(build_acpi_drtm(mutable_byte_view(out.data(), out.size()), d, nullptr, nullptr).err().rule ==
          std::string("ASP-22"));
    d.dps_id_length = 17;
    CHECK(build_acpi_drtm(mutable_byte_view(out.data(), out.size()), d, nullptr, nullptr).err().rule ==
          std::string("ASP-19"));
    bytes_t big(0x200, 0x5a);
    const bytes_t big_before = big;
    d.dps_id_length = 0;
    d.resource_count = 1;
    const drtm_resource too_big[] = {{u64{1} << 56, 0, 0}};
    CHECK(build_acpi_drtm(mutable_byte_view(big.data(), big.size()), d, nullptr, too_big).err().rule ==
          std::string("ASP-22"));
    CHECK(build_aspt(mutable_byte_view(out.data(), out.size()), aspt{}).err().rule == std::string("ASP-22"));
    CHECK(out == before);
    CHECK(big == big_before);
    // Every truncation of a valid table fails with a header rule or a list rule, never reads past.
    const bytes_t drtm = skinit_vectors.bytes("valid/acpi-drtm.bin");
    for (std::size_t n = 0; n < drtm.size(); ++n) CHECK_FALSE(parse_acpi_drtm(byte_view(drtm.data(), n)));
    const bytes_t aspt_bytes = skinit_vectors.bytes("valid/acpi-aspt.bin");
    for (std::size_t n = 0; n < aspt_bytes.size(); ++n) CHECK_FALSE(parse_aspt(byte_view(aspt_bytes.data(), n)));
}
