// The TXT heap (dlh/txt/heap.hpp, heap_elements.hpp, heap_check.hpp): compile-time round trips of
// every structure version, the golden heaps of spec/vectors/txt/heap/ (written by an independent
// Python encoder), every rule violated with its exact error code, rule id and offset, boundary
// values, and builders that leave the buffer alone when they fail.
#include <catch2/catch.hpp>

#include "support/vectors.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "dlh/txt/heap_check.hpp"

using namespace dlh;
using namespace dlh::txt;
using dlh::range;
using namespace slrt_test;

namespace {

// ---------------------------------------------------------------------------
// The golden Linux heap, built with the library's builders (the same values as gen_heap.py).

constexpr u64 golden_mle_base = 0x01000000;
constexpr u64 golden_event_log = 0x00A10000;

// An ACPI table: 36-byte header (signature, length, revision 1, checksum, "SLRT  ", "SLRTHEAP",
// OEM revision 1, "SLRT", creator revision 1) then `body`. Returns the length.
constexpr u32 acpi_table(u8* out, const char* sig, const u8* body, u32 body_size) {
    const char* oem = "SLRT  SLRTHEAP";
    const u32 len = 36 + body_size;
    for (u32 i = 0; i < len; ++i) out[i] = 0;
    for (u32 i = 0; i < 4; ++i) out[i] = static_cast<u8>(sig[i]);
    slrt::store_le(mutable_byte_view(out, len), 4, 4, len);
    out[8] = 1;
    for (u32 i = 0; i < 14; ++i) out[10 + i] = static_cast<u8>(oem[i]);
    slrt::store_le(mutable_byte_view(out, len), 24, 4, 1);
    for (u32 i = 0; i < 4; ++i) out[28 + i] = static_cast<u8>(oem[i]);
    slrt::store_le(mutable_byte_view(out, len), 32, 4, 1);
    for (u32 i = 0; i < body_size; ++i) out[36 + i] = body[i];
    u8 sum = 0;
    for (u32 i = 0; i < len; ++i) sum = static_cast<u8>(sum + out[i]);
    out[9] = static_cast<u8>(0x100 - sum);
    return len;
}

// Holds the golden heap's pieces; `contents` points into the arrays, so the object stays put.
struct golden_heap {
    u8 bios_elements[64]{};
    u8 sinit_elements[64]{};
    u8 smle_elements[128]{};
    u8 madt[44]{};
    u8 dmar[64]{};
    u8 mdrs[72]{};
    heap_contents c{};

    constexpr golden_heap() {
        element_writer bw{mutable_byte_view(bios_elements)};
        (void)bw.init();
        (void)bw.add_bios_spec_ver({2, 1, 0});
        const u64 acms[2] = {0xFFE40000, 0x77A00000};
        (void)bw.add_acm(acms, 2);
        c.bios.version = 6;
        c.bios.num_logical_procs = 8;
        c.bios.mle_flags = 3;
        c.bios.ext_data_elements = bw.list();

        c.os_mle.layout = os_mle_layout::linux_v1;
        c.os_mle.version = 1;
        c.os_mle.slrt = 0x00A00000;
        c.os_mle.txt_info = 0x00A00178;
        c.os_mle.ap_wake_block = 0x00900000;
        c.os_mle.ap_wake_block_size = 0x14000;

        element_writer sw{mutable_byte_view(sinit_elements)};
        (void)sw.init();
        (void)sw.add_event_log_pointer2_1({golden_event_log, 0x10000, 0, 0});
        os_sinit_data& s = c.os_sinit;
        s.version = 7;
        s.flags = 1;
        s.mle_ptab = golden_mle_base - 0x3000;
        s.mle_size = 0x00C00000;
        s.mle_hdr_base = 0x2000;
        s.vtd_pmr_lo_size = 0x80000000;
        s.vtd_pmr_hi_base = 0x100000000;
        s.vtd_pmr_hi_size = 0x80000000;
        s.caps = capabilities{0x206};
        s.efi_rsdt_ptr = 0x7F7FE014;
        s.ext_data_elements = sw.list();

        const u8 madt_body[8] = {0x00, 0x00, 0xE0, 0xFE, 1, 0, 0, 0};
        acpi_table(madt, "APIC", madt_body, 8);
        u8 dmar_body[28] = {38, 1};
        const u8 drhd[16] = {0, 0, 16, 0, 1, 0, 0, 0, 0x00, 0x00, 0xD9, 0xFE, 0, 0, 0, 0};
        for (u32 i = 0; i < 16; ++i) dmar_body[12 + i] = drhd[i];
        acpi_table(dmar, "DMAR", dmar_body, 28);
        element_writer mw{mutable_byte_view(smle_elements)};
        (void)mw.init();
        (void)mw.add_madt(byte_view(madt));
        const sinit_mdr m[3] = {{0, 0x9F000, 0, {}}, {0x100000, 0x7FF00000, 0, {}}, {0xE0000000, 0x10000000, 3, {}}};
        for (u32 i = 0; i < 3; ++i) encode_mdr(mutable_byte_view(mdrs), i * 24, m[i]);
        sinit_mle_data& d = c.sinit_mle;
        d.version = 9;
        d.rlp_wakeup_addr = 0x7A1F0000;
        d.ext_data_elements = mw.list();
        d.mdrs = mdr_table(byte_view(mdrs));
        d.dmar = blob{byte_view(dmar)};
    }
    golden_heap(const golden_heap&) = delete;
};

constexpr u32 golden_size = 688;
constexpr u32 bios_at = 0, mle_at = 96, sinit_at = 200, smle_at = 336;

// ---------------------------------------------------------------------------
// Compile-time proofs: round trips of every version, and a few malformed cases.

constexpr bool golden_builds_and_checks() {
    golden_heap g;
    u8 out[golden_size]{};
    auto l = build_heap(g.c, mutable_byte_view(out));
    if (!l || l->total != golden_size || l->offset[3] != smle_at) return false;
    auto h = parse_heap(byte_view(out));
    if (!h) return false;
    if (!(h->bios.ext_data_elements == g.c.bios.ext_data_elements)) return false;
    if (h->sinit_mle.sinit_mdrs_table_offset != 216 || h->sinit_mle.sinit_vtd_dmar_table_offset != 288) return false;
    auto r = check_heap(*h);
    return r.ok() && r->quirks == 0 && r->tpm == tpm_family::tpm20;
}
static_assert(golden_builds_and_checks());

constexpr bool bios_round_trip(u32 version, bool with_elements) {
    u8 el[64]{};
    element_writer w{mutable_byte_view(el)};
    if (!w.init()) return false;
    if (!w.add_bios_spec_ver({2, 0, 1})) return false;
    const u64 acm = 0xFFF00000;
    if (!w.add_acm(&acm, 1)) return false;
    bios_data v;
    v.version = version;
    v.bios_sinit_size = 0x40000;
    v.lcp_pd_base = 0x7B000000;
    v.lcp_pd_size = 0x2000;
    v.num_logical_procs = 4;
    if (version >= 3) v.sinit_flags = 0x10;
    if (version >= 5) v.mle_flags = version >= 6 ? 0x5 : 0x1;
    if (with_elements) v.ext_data_elements = w.list();
    u8 out[128]{};
    auto n = build_bios_data(v, mutable_byte_view(out));
    if (!n || ((*n & 7) != 0) != (version >= 4 && !with_elements)) return false;
    auto p = parse_bios_data(byte_view(out, static_cast<std::size_t>(*n)));
    if (!p || !slrt::all_zero(p->padding.bytes) || p->padding.size() >= 8) return false;
    v.size = *n;
    v.padding = p->padding;
    return *p == v;
}
static_assert(bios_round_trip(2, false) && bios_round_trip(3, false) && bios_round_trip(4, false));
static_assert(bios_round_trip(4, true) && bios_round_trip(5, true) && bios_round_trip(6, true));

constexpr bool os_mle_round_trip(os_mle_layout layout) {
    os_mle_data v;
    v.layout = layout;
    v.slrt = 0x1234'5000;
    v.txt_info = 0x1234'5178;
    if (layout == os_mle_layout::linux_boot_params) v.boot_params_addr = 0x8A000;
    v.ap_wake_block = 0x90000;
    v.ap_wake_block_size = 0x14000;
    for (u32 i = 0; i < 64; ++i) v.mle_scratch[i] = static_cast<u8>(i * 3);
    u8 out[120]{};
    auto n = build_os_mle_data(v, mutable_byte_view(out));
    if (!n || *n != 8 + os_mle_layout_size(layout)) return false;
    auto detected = detect_os_mle_layout(*n);
    if (!detected || *detected != layout) return false;
    auto p = parse_os_mle_data(byte_view(out, static_cast<std::size_t>(*n)), layout);
    v.size = *n;
    return p && *p == v && p->scratch_word(1) == 0x15120f0c;
}
static_assert(os_mle_round_trip(os_mle_layout::linux_v1) && os_mle_round_trip(os_mle_layout::linux_boot_params));

constexpr bool os_sinit_round_trip(u32 version) {
    u8 el[64]{};
    element_writer w{mutable_byte_view(el)};
    if (!w.init()) return false;
    if (version == 7 ? !w.add_event_log_pointer2_1({0xA10000, 0x10000, 0, 0}) : !w.add_tpm_event_log_ptr({0xA20000}))
        return false;
    os_sinit_data v;
    v.version = version;
    v.flags = version == 7 ? 1 : 0;
    v.mle_ptab = 0xFFD000;
    v.mle_size = 0xC00000;
    v.mle_hdr_base = 0x2000;
    v.vtd_pmr_lo_size = 0x80000000;
    v.vtd_pmr_hi_base = 0x100000000;
    v.vtd_pmr_hi_size = 0x40000000;
    v.lcp_po_base = 0x7B100000;
    v.lcp_po_size = 0x1000;
    v.caps = capabilities{version == 7 ? 0x206u : 0x25u};
    if (version >= 5) v.efi_rsdt_ptr = 0x7F7FE014;
    if (version >= 6) v.ext_data_elements = w.list();
    u8 out[160]{};
    auto n = build_os_sinit_data(v, mutable_byte_view(out));
    if (!n || (*n & 7) != 0) return false;
    auto p = parse_os_sinit_data(byte_view(out, static_cast<std::size_t>(*n)));
    if (!p) return false;
    v.size = *n;
    v.padding = p->padding;
    return *p == v && slrt::all_zero(p->padding.bytes);
}
static_assert(os_sinit_round_trip(4) && os_sinit_round_trip(5) && os_sinit_round_trip(6) && os_sinit_round_trip(7));

constexpr bool sinit_mle_round_trip(u32 version) {
    u8 el[32]{};
    element_writer w{mutable_byte_view(el)};
    if (!w.init()) return false;
    u8 mdrs[48]{};
    encode_mdr(mutable_byte_view(mdrs), 0, {0, 0x9F000, 0, {}});
    encode_mdr(mutable_byte_view(mdrs), 24, {0x100000, 0x3FF00000, 4, {}});
    const u8 dmar[40] = {'D', 'M', 'A', 'R', 40};
    sinit_mle_data v;
    v.version = version;
    for (u32 i = 0; i < 20; ++i) {
        v.bios_acm_id[i] = static_cast<u8>(i);
        v.sinit_hash[i] = 0x11;
        v.mle_hash[i] = 0x22;
        v.stm_hash[i] = 0x33;
        v.lcp_policy_hash[i] = 0x44;
    }
    v.edx_senter_flags = 0x1;
    v.mseg_valid = 0x1'0000'0001;
    v.lcp_policy_control = 0x2;
    v.rlp_wakeup_addr = 0xFED20000;
    if (version >= 8) v.processor_scrtm_status = 1;
    if (version >= 9) v.ext_data_elements = w.list();
    v.mdrs = mdr_table(byte_view(mdrs));
    v.dmar = blob{byte_view(dmar)};
    u8 out[320]{};
    auto n = build_sinit_mle_data(v, mutable_byte_view(out));
    if (!n) return false;
    auto p = parse_sinit_mle_data(byte_view(out, static_cast<std::size_t>(*n)));
    if (!p) return false;
    const u32 content = 8 + sinit_mle_data_fixed_size(version) + (version >= 9 ? 8 : 0);
    if (p->sinit_mdrs_table_offset != content || p->sinit_vtd_dmar_table_offset != content + 48) return false;
    v.size = *n;
    v.num_of_sinit_mdrs = 2;
    v.sinit_mdrs_table_offset = content;
    v.sinit_vtd_dmar_table_size = 40;
    v.sinit_vtd_dmar_table_offset = content + 48;
    return *p == v && p->mdrs[1].type == 4;
}
static_assert(sinit_mle_round_trip(5) && sinit_mle_round_trip(6) && sinit_mle_round_trip(7));
static_assert(sinit_mle_round_trip(8) && sinit_mle_round_trip(9));

// Malformed at compile time: the exact error code.
constexpr errc golden_error_after(u32 at, u32 width, u64 value) {
    golden_heap g;
    u8 out[golden_size]{};
    if (!build_heap(g.c, mutable_byte_view(out))) return errc::ok;
    slrt::store_le(mutable_byte_view(out), at, width, value);
    auto r = validate_heap(byte_view(out));
    return r ? errc::ok : r.err().code;
}
static_assert(golden_error_after(0, 8, 0) == errc::entry_size_too_small);                  // TXT-H2
static_assert(golden_error_after(sinit_at + 8, 4, 3) == errc::unsupported_version);        // TXT-H10
static_assert(golden_error_after(sinit_at + 8 + 32, 8, 0x1000) == errc::misaligned);       // TXT-H28
static_assert(golden_error_after(48, 4, 7) == errc::entry_size_too_small);                 // TXT-X3
static_assert(golden_error_after(smle_at + 140, 4, 340) == errc::out_of_bounds);           // TXT-H14
static_assert(golden_error_after(sinit_at + 88, 4, 0x236) == errc::value_out_of_range);    // TXT-H41

// An element walk that cannot loop or overrun, at the edges.
constexpr bool walk_edges() {
    const u8 empty[1] = {0};
    auto a = walk_elements(byte_view(empty, 0));
    const u8 only_end[8] = {0, 0, 0, 0, 8, 0, 0, 0};
    auto b = walk_elements(byte_view(only_end));
    const u8 huge[16] = {4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 8, 0, 0, 0};
    auto c = walk_elements(byte_view(huge));
    const u8 seven[7] = {};
    auto d = walk_elements(byte_view(seven));
    return !a && a.err().code == errc::missing_end && b && b->used == 8 && b->count == 0 && !c &&
           c.err().code == errc::entry_exceeds_table && c.err().value == 0xffffffffu && !d &&
           d.err().code == errc::entry_header_truncated;
}
static_assert(walk_edges());

// ---------------------------------------------------------------------------
// Runtime helpers

std::vector<u8> golden_bytes() {
    static golden_heap g;
    std::vector<u8> out(golden_size);
    auto l = build_heap(g.c, mutable_byte_view(out.data(), out.size()));
    REQUIRE(l);
    return out;
}

void put(std::vector<u8>& b, std::size_t at, std::size_t width, u64 value) {
    slrt::store_le(mutable_byte_view(b.data(), b.size()), at, width, value);
}

const vector_dir heap_vectors("txt/heap");

heap_stage stage_of(const std::string& s) {
    return s == "bios" ? heap_stage::bios : s == "pre_launch" ? heap_stage::pre_launch : heap_stage::post_launch;
}
os_mle_select os_mle_of(const std::string& s) {
    if (s == "linux_v1") return os_mle_select::linux_v1;
    if (s == "linux_boot_params") return os_mle_select::linux_boot_params;
    if (s == "opaque") return os_mle_select::opaque;
    return os_mle_select::by_size;
}

linux_launch_inputs linux_inputs_of(const nlohmann::json& j) {
    linux_launch_inputs in;
    in.mle_base = j.at("mle_base");
    in.boot_params_addr = j.at("boot_params_addr");
    in.ap_wake_code_size = j.at("ap_wake_code_size");
    in.event_log = range{j.at("event_log_base"), j.at("event_log_size")};
    in.heap_base = j.at("heap_base");
    in.heap_size = j.at("heap_size");
    in.end_of_ram = j.at("end_of_ram");
    in.kernel_end = j.at("kernel_end");
    in.tpm20 = j.at("tpm20");
    return in;
}

linux_launch_inputs golden_linux_inputs() {
    linux_launch_inputs in;
    in.mle_base = golden_mle_base;
    in.boot_params_addr = 0x8A000;
    in.ap_wake_code_size = 0x3000;
    in.event_log = range{golden_event_log, 0x10000};
    in.heap_base = 0x7A000000;
    in.heap_size = 0x100000;
    in.end_of_ram = 0x180000000;
    in.kernel_end = 0x02000000;
    in.tpm20 = true;
    return in;
}

// The JSON form gen_heap.py writes beside each image (written here independently of the tool).
nlohmann::json element_json(const element& e, u32 table_offset) {
    nlohmann::json j{{"type", e.type}, {"name", e.name()}, {"offset", table_offset + e.offset}, {"size", e.size}};
    switch (e.type) {
        case 1: {
            auto v = *decode_bios_spec_ver(e);
            j["major"] = v.major;
            j["minor"] = v.minor;
            j["revision"] = v.revision;
            break;
        }
        case 2: {
            auto v = *decode_acm(e);
            j["num_acms"] = v.num_acms;
            j["acm_addrs"] = nlohmann::json::array();
            for (u32 i = 0; i < v.num_acms; ++i) j["acm_addrs"].push_back(v.address(i));
            break;
        }
        case 4: {
            auto v = *decode_custom(e);
            char id[40];
            std::snprintf(id, sizeof id, "%08x-%04x-%04x-%04x-", v.id.data1, v.id.data2, v.id.data3, v.id.data4);
            j["uuid"] = std::string(id) + hex(byte_view(v.id.data5));
            j["data"] = hex(v.data.bytes);
            break;
        }
        case 5: j["event_log_phys_addr"] = decode_tpm_event_log_ptr(e)->event_log_phys_addr; break;
        case 7: {
            auto v = *decode_event_log_pointer2(e);
            j["count"] = v.count;
            j["descriptors"] = nlohmann::json::array();
            for (u32 i = 0; i < v.count; ++i) {
                auto d = v.descriptor(i);
                j["descriptors"].push_back({{"hash_alg_id", d.hash_alg_id}, {"reserved", d.reserved},
                                            {"physical_address", d.physical_address},
                                            {"allocated_event_container_size", d.allocated_event_container_size},
                                            {"first_record_offset", d.first_record_offset},
                                            {"next_record_offset", d.next_record_offset}});
            }
            break;
        }
        case 8: {
            auto v = *decode_event_log_pointer2_1(e);
            j["physical_address"] = v.physical_address;
            j["allocated_event_container_size"] = v.allocated_event_container_size;
            j["first_record_offset"] = v.first_record_offset;
            j["next_record_offset"] = v.next_record_offset;
            break;
        }
        case 13: {
            auto v = *decode_tpr_req(e);
            j["tpr_cnt"] = v.tpr_cnt;
            j["ranges"] = nlohmann::json::array();
            for (u32 i = 0; i < v.tpr_cnt; ++i) j["ranges"].push_back({{"base", v.at(i).base}, {"size", v.at(i).size}});
            break;
        }
        default: j["data"] = hex(e.data); break;
    }
    return j;
}

nlohmann::json elements_json(const element_list& list, u32 table_offset) {
    nlohmann::json a = nlohmann::json::array();
    for (const element& e : list) a.push_back(element_json(e, table_offset));
    if (!list.empty()) REQUIRE(list.take_error());
    return a;
}

nlohmann::json to_json(const parsed_heap& h) {
    nlohmann::json j;
    j["stage"] = name(h.stage);
    j["tables"] = nlohmann::json::array();
    for (u32 i = 0; i < h.layout.count; ++i)
        j["tables"].push_back({{"name", name(static_cast<heap_table>(i))}, {"offset", h.layout.offset[i]},
                               {"size", h.layout.size[i]}});
    const bios_data& b = h.bios;
    j["bios_data"] = {{"version", b.version},
                      {"bios_sinit_size", b.bios_sinit_size},
                      {"lcp_pd_base", b.lcp_pd_base},
                      {"lcp_pd_size", b.lcp_pd_size},
                      {"num_logical_procs", b.num_logical_procs},
                      {"sinit_flags", b.sinit_flags},
                      {"mle_flags", b.mle_flags},
                      {"ext_data_elements", elements_json(b.ext_data_elements, h.layout.offset[0])},
                      {"padding", b.padding.size()}};
    if (h.stage == heap_stage::bios) return j;
    j["os_mle_status"] = name(h.os_mle_decoding);
    if (h.os_mle_decoding == os_mle_status::by_size || h.os_mle_decoding == os_mle_status::selected) {
        const os_mle_data& m = h.os_mle;
        nlohmann::json o{{"layout", name(m.layout)}, {"version", m.version}, {"reserved", m.reserved}};
        if (m.layout == os_mle_layout::linux_boot_params) o["boot_params_addr"] = m.boot_params_addr;
        o["slrt"] = m.slrt;
        o["txt_info"] = m.txt_info;
        o["ap_wake_block"] = m.ap_wake_block;
        o["ap_wake_block_size"] = m.ap_wake_block_size;
        o["mle_scratch"] = hex(byte_view(m.mle_scratch));
        j["os_mle_data"] = o;
    }
    const os_sinit_data& s = h.os_sinit;
    j["os_sinit_data"] = {{"version", s.version},
                          {"flags", s.flags},
                          {"mle_ptab", s.mle_ptab},
                          {"mle_size", s.mle_size},
                          {"mle_hdr_base", s.mle_hdr_base},
                          {"vtd_pmr_lo_base", s.vtd_pmr_lo_base},
                          {"vtd_pmr_lo_size", s.vtd_pmr_lo_size},
                          {"vtd_pmr_hi_base", s.vtd_pmr_hi_base},
                          {"vtd_pmr_hi_size", s.vtd_pmr_hi_size},
                          {"lcp_po_base", s.lcp_po_base},
                          {"lcp_po_size", s.lcp_po_size},
                          {"capabilities", s.caps.raw},
                          {"efi_rsdt_ptr", s.efi_rsdt_ptr},
                          {"ext_data_elements", elements_json(s.ext_data_elements, h.layout.offset[2])},
                          {"padding", s.padding.size()}};
    if (h.stage == heap_stage::pre_launch) return j;
    const sinit_mle_data& d = h.sinit_mle;
    nlohmann::json mdrs = nlohmann::json::array();
    for (const sinit_mdr m : d.mdrs) mdrs.push_back({{"address", m.address}, {"length", m.length}, {"type", m.type}});
    j["sinit_mle_data"] = {{"version", d.version},
                           {"bios_acm_id", hex(byte_view(d.bios_acm_id))},
                           {"edx_senter_flags", d.edx_senter_flags},
                           {"mseg_valid", d.mseg_valid},
                           {"sinit_hash", hex(byte_view(d.sinit_hash))},
                           {"mle_hash", hex(byte_view(d.mle_hash))},
                           {"stm_hash", hex(byte_view(d.stm_hash))},
                           {"lcp_policy_hash", hex(byte_view(d.lcp_policy_hash))},
                           {"lcp_policy_control", d.lcp_policy_control},
                           {"rlp_wakeup_addr", d.rlp_wakeup_addr},
                           {"reserved", d.reserved},
                           {"num_of_sinit_mdrs", d.num_of_sinit_mdrs},
                           {"sinit_mdrs_table_offset", d.sinit_mdrs_table_offset},
                           {"sinit_vtd_dmar_table_size", d.sinit_vtd_dmar_table_size},
                           {"sinit_vtd_dmar_table_offset", d.sinit_vtd_dmar_table_offset},
                           {"processor_scrtm_status", d.processor_scrtm_status},
                           {"ext_data_elements", elements_json(d.ext_data_elements, h.layout.offset[3])},
                           {"mdrs", mdrs},
                           {"dmar", hex(d.dmar.bytes)}};
    return j;
}

// Each decoded table rebuilt from its native value gives the same bytes.
void check_rebuild(const parsed_heap& h, const std::vector<u8>& heap) {
    const byte_view view(heap.data(), heap.size());
    std::vector<u8> out(heap.size() + 64);
    const mutable_byte_view o(out.data(), out.size());
    auto same = [&](result<u64> n, heap_table t) {
        REQUIRE(n);
        const byte_view original = h.layout.table(view, t);
        CHECK(slrt::equal(byte_view(out.data(), static_cast<std::size_t>(*n)), original));
    };
    same(build_bios_data(h.bios, o), heap_table::bios_data);
    if (h.stage == heap_stage::bios) return;
    if (h.os_mle_decoding == os_mle_status::by_size || h.os_mle_decoding == os_mle_status::selected)
        same(build_os_mle_data(h.os_mle, o), heap_table::os_mle_data);
    same(build_os_sinit_data(h.os_sinit, o), heap_table::os_sinit_data);
    if (h.stage == heap_stage::pre_launch) return;
    same(build_sinit_mle_data(h.sinit_mle, o), heap_table::sinit_mle_data);
}

struct outcome {
    errc code = errc::ok;
    std::string rule;
    u32 offset = 0;
    u32 quirks = 0;
};

outcome run(const std::vector<u8>& heap, const heap_parse_options& p, const heap_check_options& o) {
    auto r = validate_heap(byte_view(heap.data(), heap.size()), p, o);
    if (!r) return {r.err().code, r.err().rule, r.err().offset, 0};
    return {errc::ok, "", 0, r->quirks};
}

outcome run_linux(const std::vector<u8>& heap, const linux_launch_inputs& in) {
    auto h = parse_heap(byte_view(heap.data(), heap.size()));
    REQUIRE(h);
    auto s = check_linux_post_launch(*h, in);
    if (!s) return {s.err().code, s.err().rule, s.err().offset, 0};
    return {};
}

std::set<std::string>& rules_seen() {
    static std::set<std::string> seen;
    return seen;
}

void expect(const outcome& got, errc code, const char* rule, u32 offset) {
    INFO("expected " << rule << " " << slrt::name(code) << " at " << offset << "; got " << got.rule << " "
                     << slrt::name(got.code) << " at " << got.offset);
    CHECK(got.code == code);
    CHECK(got.rule == rule);
    CHECK(got.offset == offset);
    rules_seen().insert(rule);
}

u32 quirk_bits(const nlohmann::json& names) {
    u32 bits = 0;
    for (const auto& n : names) {
        bool found = false;
        for (const heap_quirk_info& q : heap_quirks)
            if (n.get<std::string>() == q.name) {
                bits |= q.bit;
                found = true;
            }
        REQUIRE(found);
    }
    return bits;
}

}  // namespace

// ---------------------------------------------------------------------------

TEST_CASE("txt heap: the library's golden Linux heap is byte-identical to gen_heap.py's", "[txt][heap]") {
    const std::vector<u8> mine = golden_bytes();
    const std::vector<u8> theirs = heap_vectors.bytes("valid/linux-launch.bin");
    REQUIRE(theirs.size() == golden_size);
    CHECK(mine == theirs);
}

TEST_CASE("txt heap: valid vectors parse, check strictly, match their JSON and rebuild byte for byte", "[txt][heap]") {
    const nlohmann::json m = heap_vectors.json("manifest.json");
    REQUIRE(m.at("valid").size() >= 10);
    std::set<u32> bios_versions, sinit_versions, smle_versions;
    for (const auto& v : m.at("valid")) {
        INFO(v.at("file").get<std::string>());
        const std::vector<u8> heap = heap_vectors.bytes(v.at("file").get<std::string>());
        heap_parse_options p;
        p.stage = stage_of(v.at("stage"));
        p.os_mle = os_mle_of(v.at("os_mle"));
        auto h = parse_heap(byte_view(heap.data(), heap.size()), p);
        REQUIRE(h);
        auto r = check_heap(*h);
        INFO((r ? "" : r.err().rule));
        REQUIRE(r);
        CHECK(r->quirks == 0);
        std::ifstream js(heap_vectors.path(v.at("json").get<std::string>()));
        CHECK(to_json(*h) == nlohmann::json::parse(js));
        check_rebuild(*h, heap);
        bios_versions.insert(h->bios.version);
        if (p.stage != heap_stage::bios) sinit_versions.insert(h->os_sinit.version);
        if (p.stage == heap_stage::post_launch) smle_versions.insert(h->sinit_mle.version);
        if (v.contains("linux")) {
            CHECK(check_linux_post_launch(*h, golden_linux_inputs()));
            heap_check_options o;
            o.heap_base = v.at("heap_base");
            CHECK(validate_heap(byte_view(heap.data(), heap.size()), p, o));
        }
    }
    CHECK(bios_versions == std::set<u32>{2, 3, 4, 5, 6});
    CHECK(sinit_versions == std::set<u32>{4, 5, 6, 7});
    CHECK(smle_versions == std::set<u32>{6, 7, 8, 9});
}

TEST_CASE("txt heap: permissive vectors fail strictly with their rule and pass permissively naming their quirks",
          "[txt][heap]") {
    const nlohmann::json m = heap_vectors.json("manifest.json");
    REQUIRE(m.at("permissive").size() >= 4);
    for (const auto& v : m.at("permissive")) {
        INFO(v.at("file").get<std::string>());
        const std::vector<u8> heap = heap_vectors.bytes(v.at("file").get<std::string>());
        heap_parse_options p;
        p.stage = stage_of(v.at("stage"));
        p.os_mle = os_mle_of(v.at("os_mle"));
        const outcome strict = run(heap, p, {});
        CHECK(std::string(slrt::name(strict.code)) == v.at("strict_errc").get<std::string>());
        CHECK(strict.rule == v.at("strict_rule").get<std::string>());
        CHECK(strict.offset == v.at("strict_offset").get<u32>());
        heap_check_options o;
        o.mode = check_mode::permissive;
        const outcome lax = run(heap, p, o);
        CHECK(lax.code == errc::ok);
        CHECK(lax.quirks == quirk_bits(v.at("quirks")));
        auto h = parse_heap(byte_view(heap.data(), heap.size()), p);
        REQUIRE(h);
        std::ifstream js(heap_vectors.path(v.at("json").get<std::string>()));
        CHECK(to_json(*h) == nlohmann::json::parse(js));
    }
}

TEST_CASE("txt heap: every malformed vector fails with its errc, rule and offset", "[txt][heap]") {
    const nlohmann::json m = heap_vectors.json("manifest.json");
    REQUIRE(m.at("malformed").size() >= 25);
    for (const auto& v : m.at("malformed")) {
        INFO(v.at("file").get<std::string>() << ": " << v.at("description").get<std::string>());
        const std::vector<u8> heap = heap_vectors.bytes(v.at("file").get<std::string>());
        heap_parse_options p;
        p.stage = stage_of(v.at("stage"));
        p.os_mle = os_mle_of(v.at("os_mle"));
        outcome got;
        if (v.at("profile") == "linux") {
            CHECK(run(heap, p, {}).code == errc::ok);  // a valid heap that Linux refuses
            got = run_linux(heap, linux_inputs_of(v.at("linux")));
        } else {
            heap_check_options o;
            o.mode = v.at("mode") == "permissive" ? check_mode::permissive : check_mode::strict;
            o.heap_size = v.at("heap_size");
            got = run(heap, p, o);
        }
        CHECK(std::string(slrt::name(got.code)) == v.at("errc").get<std::string>());
        CHECK(got.rule == v.at("rule").get<std::string>());
        CHECK(got.offset == v.at("offset").get<u32>());
        CHECK(got.offset <= heap.size());
    }
}

namespace {

// The golden heap with something changed before it is built.
struct variant {
    golden_heap g;
    std::vector<u8> storage = std::vector<u8>(8192);
    element_writer w{mutable_byte_view(storage.data(), storage.size())};
    variant() { REQUIRE(w.init()); }
    std::vector<u8> bytes() {
        std::vector<u8> out(16384);
        auto l = build_heap(g.c, mutable_byte_view(out.data(), out.size()));
        REQUIRE(l);
        out.resize(static_cast<std::size_t>(l->total));
        return out;
    }
    // The golden heap with OsSinitData's elements replaced by what `w` holds.
    std::vector<u8> with_sinit_elements(u32 caps = 0x206) {
        g.c.os_sinit.ext_data_elements = w.list();
        g.c.os_sinit.caps = capabilities{caps};
        return bytes();
    }
};

constexpr u32 sinit_el = sinit_at + 100;  // the first OsSinitData element
constexpr u32 bios_el = bios_at + 44;     // the first BiosData element
constexpr u32 smle_el = smle_at + 156;    // the first SinitMleData element

heap_check_options with(check_mode m) {
    heap_check_options o;
    o.mode = m;
    return o;
}

outcome as_outcome(const slrt::error& e) { return {e.code, e.rule, e.offset, 0}; }

// Every rule id written in the three headers.
std::set<std::string> rules_in_headers() {
    std::set<std::string> ids;
    for (const char* f : {"heap.hpp", "heap_elements.hpp", "heap_check.hpp"}) {
        const std::vector<u8> text = read_bytes(std::string(SLRT_SOURCE_DIR) + "/include/dlh/txt/" + f);
        const std::string s(text.begin(), text.end());
        for (std::size_t at = s.find("\"TXT-"); at != std::string::npos; at = s.find("\"TXT-", at + 1)) {
            const std::size_t end = s.find('"', at + 1);
            ids.insert(s.substr(at + 1, end - at - 1));
        }
    }
    return ids;
}

}  // namespace

TEST_CASE("txt heap: every rule fails with its errc, rule id and offset", "[txt][heap]") {
    const std::vector<u8> golden = golden_bytes();
    const heap_parse_options pre{heap_stage::pre_launch, os_mle_select::by_size};

    SECTION("framing and decoding") {
        if constexpr (sizeof(std::size_t) == 8) {
            const byte_view huge(golden.data(), std::size_t{0x1'0000'0000});  // never read: rejected first
            expect(as_outcome(parse_heap_layout(huge).err()), errc::bad_argument, "TXT-H5", 0);
        }
        expect(as_outcome(detect_os_mle_layout(100).err()), errc::not_found, "TXT-H9", 0);
        u8 t[8 + 60] = {8 + 60};
        t[8] = 5;
        expect(as_outcome(parse_os_sinit_data(byte_view(t)).err()), errc::truncated_header, "TXT-H11", 0);
        t[8] = 4;
        CHECK(parse_os_sinit_data(byte_view(t)).err().limit == 92);
        u8 m[8 + 100] = {8 + 100};
        m[8] = 8;
        expect(as_outcome(parse_sinit_mle_data(byte_view(m)).err()), errc::truncated_header, "TXT-H13", 0);
        u8 five[5] = {};
        expect(as_outcome(walk_elements(byte_view(five), 40).err()), errc::entry_header_truncated, "TXT-X2", 40);
        // OsMleData by size: an unknown size leaves it opaque rather than guessing.
        std::vector<u8> g2 = golden;
        auto h = parse_heap(byte_view(g2.data(), g2.size()), {heap_stage::post_launch, os_mle_select::opaque});
        REQUIRE(h);
        CHECK(h->os_mle_decoding == os_mle_status::opaque);
        auto hv = parse_heap(byte_view(g2.data(), g2.size()), {heap_stage::post_launch, os_mle_select::linux_v1});
        REQUIRE(hv);
        CHECK(hv->os_mle_decoding == os_mle_status::selected);
    }

    SECTION("BiosData and OsMleData values") {
        std::vector<u8> b = golden;
        put(b, 8, 4, 7);
        expect(run(b, {}, {}), errc::unsupported_version, "TXT-H20", 8);
        CHECK(run(b, {}, with(check_mode::permissive)).quirks == heap_quirk::newer_version);
        b = golden;
        put(b, 40, 4, 0x13);
        expect(run(b, {}, {}), errc::reserved_nonzero, "TXT-H21", 40);
        put(b, 40, 4, 0x7);  // platform type 3
        expect(run(b, {}, {}), errc::reserved_nonzero, "TXT-H21", 40);
        put(b, 32, 4, 1025);
        put(b, 40, 4, 3);
        expect(run(b, {}, {}), errc::value_out_of_range, "TXT-H19", 32);
        heap_check_options many;
        many.max_logical_procs = 4096;
        CHECK(run(b, {}, many).code == errc::ok);
        b = golden;
        put(b, mle_at + 12, 4, 1);
        expect(run(b, {}, {}), errc::reserved_nonzero, "TXT-H23", mle_at + 12);
        b = golden;
        put(b, mle_at + 36, 4, 0);
        expect(run(b, {}, {}), errc::value_out_of_range, "TXT-H52", mle_at + 32);
        heap_check_options based;
        based.heap_base = 0x00900000 - 0x100;
        expect(run(golden, {}, based), errc::overlap, "TXT-H53", mle_at + 32);
    }

    SECTION("OsSinitData values") {
        std::vector<u8> b = golden;
        put(b, sinit_at + 12, 4, 2);
        expect(run(b, {}, {}), errc::reserved_nonzero, "TXT-H25", sinit_at + 12);
        b = golden;
        put(b, sinit_at + 88, 4, 0x204);
        expect(run(b, {}, {}), errc::value_out_of_range, "TXT-H27", sinit_at + 88);
        put(b, sinit_at + 88, 4, 0x207);  // both methods
        expect(run(b, {}, {}), errc::value_out_of_range, "TXT-H27", sinit_at + 88);
        b = golden;
        put(b, sinit_at + 64, 8, 0xFFFF'FFFF'FFE0'0000);
        expect(run(b, {}, {}), errc::address_wrap, "TXT-H29", sinit_at + 56);
        b = golden;
        put(b, sinit_at + 48, 8, 0x1'0000'0000);
        put(b, sinit_at + 56, 8, 0xC000'0000);
        expect(run(b, {}, {}), errc::overlap, "TXT-H31", sinit_at + 56);
        b = golden;
        put(b, sinit_at + 24, 8, 0);
        expect(run(b, {}, {}), errc::value_out_of_range, "TXT-H32", sinit_at + 24);
        b = golden;
        put(b, sinit_at + 16, 8, 0xFFD800);
        expect(run(b, {}, {}), errc::misaligned, "TXT-H33", sinit_at + 16);
        b = golden;
        put(b, sinit_at + 24, 8, 0x1'0000'1000);
        expect(run(b, {}, {}), errc::out_of_bounds, "TXT-H35", sinit_at + 24);
        heap_check_options o;
        o.mle = range{0xFFFF'F000, 0x2000};
        expect(run(golden, {}, o), errc::out_of_bounds, "TXT-H35", sinit_at + 24);
        o.mle = range{0x9000'0000, 0x100'0000};
        expect(run(golden, {}, o), errc::out_of_bounds, "TXT-H36", sinit_at + 24);
        o.dpr = range{0x8F00'0000, 0x200'0000};
        CHECK(run(golden, {}, o).code == errc::ok);
        o.mle = range{golden_mle_base, 0xC00000};
        o.dpr = {};
        CHECK(run(golden, {}, o).code == errc::ok);
        b = golden;
        put(b, sinit_at + 72, 8, 0x9000'0000);
        put(b, sinit_at + 80, 8, 0x1000);
        CHECK(run(b, {}, {}).code == errc::ok);  // undecidable without the heap base or the DPR
        heap_check_options based;
        based.heap_base = 0x7A00'0000;
        expect(run(b, {}, based), errc::out_of_bounds, "TXT-H37", sinit_at + 72);
        put(b, sinit_at + 72, 8, 0x7A00'0010);  // inside the heap image: protected by the DPR
        CHECK(run(b, {}, based).code == errc::ok);
        put(b, sinit_at + 72, 8, 0);
        expect(run(b, {}, {}), errc::out_of_bounds, "TXT-H37", sinit_at + 72);

        // TPM family
        const std::vector<u8> tpm12 = heap_vectors.bytes("valid/bios4-sinit6-mle8.bin");
        heap_check_options t20;
        t20.tpm = tpm_family::tpm20;
        auto h12 = parse_heap(byte_view(tpm12.data(), tpm12.size()));
        REQUIRE(h12);
        expect(run(tpm12, {}, t20), errc::unsupported_version, "TXT-H39", h12->layout.offset[2] + 8);
        heap_check_options t12;
        t12.tpm = tpm_family::tpm12;
        expect(run(golden, {}, t12), errc::invalid_tag, "TXT-H40", sinit_el);
        variant v;
        REQUIRE(v.w.add_tpm_event_log_ptr({0xA20000}));
        expect(run(v.with_sinit_elements(), {}, t20), errc::invalid_tag, "TXT-H40", sinit_el);
    }

    SECTION("OsSinitData elements") {
        const u8 z[64] = {};
        {
            variant v;
            REQUIRE(v.w.add_raw(5, byte_view(z, 12)));
            expect(run(v.with_sinit_elements(), {}, {}), errc::entry_size_mismatch, "TXT-X10", sinit_el + 4);
        }
        {
            variant v;
            REQUIRE(v.w.add_raw(7, byte_view(z, 2)));
            expect(run(v.with_sinit_elements(0x006), {}, {}), errc::entry_size_too_small, "TXT-X11", sinit_el + 4);
        }
        {
            variant v;
            const heap_event_log_descr d{0x0B, 0, 0xA40000, 0x4000, 0, 0};
            REQUIRE(v.w.add_event_log_pointer2(&d, 1));
            put(v.storage, 8, 4, 2);  // Count 2, one descriptor
            expect(run(v.with_sinit_elements(0x006), {}, {}), errc::count_mismatch, "TXT-X12", sinit_el + 4);
        }
        {
            variant v;
            REQUIRE(v.w.add_event_log_pointer2(nullptr, 0));
            expect(run(v.with_sinit_elements(0x006), {}, {}), errc::value_out_of_range, "TXT-X20", sinit_el + 8);
        }
        {
            variant v;
            const heap_event_log_descr d[2] = {{0x0B, 0, 0xA40000, 0x4000, 0, 0}, {0x0B, 0, 0xA50000, 0x4000, 0, 0}};
            REQUIRE(v.w.add_event_log_pointer2(d, 2));
            expect(run(v.with_sinit_elements(0x006), {}, {}), errc::duplicate_entry, "TXT-X24", sinit_el + 12 + 24);
        }
        {
            variant v;
            const heap_event_log_descr d{0x0B, 7, 0xA40000, 0x4000, 0, 0};
            REQUIRE(v.w.add_event_log_pointer2(&d, 1));
            const std::vector<u8> b = v.with_sinit_elements(0x006);
            expect(run(b, {}, {}), errc::reserved_nonzero, "TXT-X25", sinit_el + 12 + 2);
            CHECK(run(b, {}, with(check_mode::permissive)).quirks == heap_quirk::reserved_bits);
        }
        {
            variant v;
            REQUIRE(v.w.add_event_log_pointer2_1({0, 0x10000, 0, 0}));
            expect(run(v.with_sinit_elements(), {}, {}), errc::out_of_bounds, "TXT-X22", sinit_el + 8);
        }
        {
            variant v;
            REQUIRE(v.w.add_event_log_pointer2_1({0xA10000, 0x10000, 8, 4}));
            expect(run(v.with_sinit_elements(), {}, {}), errc::out_of_bounds, "TXT-X23", sinit_el + 8);
        }
        {
            variant v;
            REQUIRE(v.w.add_tpm_event_log_ptr({0xFFFF'FFF0}));
            expect(run(v.with_sinit_elements(0x25), {}, {}), errc::out_of_bounds, "TXT-X19", sinit_el + 8);
        }
        {
            variant v;
            REQUIRE(v.w.add_raw(13, byte_view(z, 2)));
            expect(run(v.with_sinit_elements(), {}, {}), errc::entry_size_too_small, "TXT-X14", sinit_el + 4);
        }
        {
            variant v;
            const range r{0x1000, 0x1000};
            REQUIRE(v.w.add_tpr_req(&r, 1));
            put(v.storage, 8, 4, 3);
            expect(run(v.with_sinit_elements(), {}, {}), errc::count_mismatch, "TXT-X15", sinit_el + 4);
        }
        {
            variant v;
            const range r{0xFFFF'FFFF'FFFF'0000, 0x20000};
            REQUIRE(v.w.add_tpr_req(&r, 1));
            REQUIRE(v.w.add_event_log_pointer2_1({0xA10000, 0x10000, 0, 0}));
            expect(run(v.with_sinit_elements(), {}, {}), errc::address_wrap, "TXT-X26", sinit_el + 12);
        }
        {  // unknown types: an error in OsSinitData (strict), reported in BiosData and SinitMleData
            variant v;
            REQUIRE(v.w.add_raw(12, byte_view(z, 4)));
            REQUIRE(v.w.add_event_log_pointer2_1({0xA10000, 0x10000, 0, 0}));
            const std::vector<u8> b = v.with_sinit_elements();
            expect(run(b, {}, {}), errc::invalid_tag, "TXT-X27", sinit_el);
            auto r = validate_heap(byte_view(b.data(), b.size()), {}, with(check_mode::permissive));
            REQUIRE(r);
            CHECK(r->quirks == heap_quirk::unknown_element);
            CHECK(r->unknown_elements == 1);
            variant s;
            REQUIRE(s.w.add_raw(12, byte_view(z, 4)));
            REQUIRE(s.w.add_madt(byte_view(s.g.madt)));
            s.g.c.sinit_mle.ext_data_elements = s.w.list();
            const std::vector<u8> sb = s.bytes();
            auto sr = validate_heap(byte_view(sb.data(), sb.size()));
            REQUIRE(sr);
            CHECK(sr->quirks == 0);
            CHECK(sr->unknown_elements == 1);
        }
    }

    SECTION("BiosData and SinitMleData elements") {
        const u8 z[64] = {};
        {
            variant v;
            REQUIRE(v.w.add_raw(2, byte_view(z, 2)));
            v.g.c.bios.ext_data_elements = v.w.list();
            expect(run(v.bytes(), {}, {}), errc::entry_size_too_small, "TXT-X7", bios_el + 4);
        }
        {
            variant v;
            REQUIRE(v.w.add_acm(nullptr, 0));
            v.g.c.bios.ext_data_elements = v.w.list();
            const std::vector<u8> b = v.bytes();
            expect(run(b, {}, {}), errc::value_out_of_range, "TXT-X17", bios_el + 8);
            CHECK(run(b, {}, with(check_mode::permissive)).quirks == heap_quirk::empty_acm_element);
        }
        {
            variant v;
            REQUIRE(v.w.add_bios_spec_ver({2, 1, 0}));
            REQUIRE(v.w.add_bios_spec_ver({2, 1, 0}));
            v.g.c.bios.ext_data_elements = v.w.list();
            expect(run(v.bytes(), {}, {}), errc::duplicate_entry, "TXT-X28", bios_el + 14);
        }
        {
            variant v;
            REQUIRE(v.w.add_raw(6, byte_view(z, 12)));
            v.g.c.sinit_mle.ext_data_elements = v.w.list();
            expect(run(v.bytes(), {}, {}), errc::entry_size_too_small, "TXT-X16", smle_el + 4);
        }
        std::vector<u8> b = golden;
        put(b, smle_at + 8, 4, 10);
        expect(run(b, {}, {}), errc::unsupported_version, "TXT-H44", smle_at + 8);
        b = golden;
        b[smle_at + 216 + 16] = 5;
        expect(run(b, {}, {}), errc::value_out_of_range, "TXT-H47", smle_at + 216 + 16);
        CHECK(run(b, {}, with(check_mode::permissive)).quirks == heap_quirk::reserved_mdr_type);
        b = golden;
        b[smle_at + 216 + 24 + 17] = 1;
        expect(run(b, {}, {}), errc::reserved_nonzero, "TXT-H48", smle_at + 216 + 24 + 17);
        b = golden;
        b[smle_at + 288] = 'X';
        expect(run(b, {}, {}), errc::bad_uuid, "TXT-H49", smle_at + 288);
        CHECK(run(b, {}, with(check_mode::permissive)).quirks == heap_quirk::acpi_copy);
        b = golden;
        put(b, smle_at + 148, 4, 280);  // the DMAR copy over the MDR table
        expect(run(b, {}, {}), errc::overlap, "TXT-H45", smle_at + 148);
    }

    SECTION("OsMleData pointers into the image") {
        std::vector<u8> b = golden;
        b.resize(4096);
        const u32 slrt_at = 1024;
        put(b, slrt_at, 4, slrt_magic);
        put(b, slrt_at + 4, 2, 1);
        put(b, slrt_at + 6, 2, 1);
        put(b, slrt_at + 8, 4, 0x200);
        put(b, slrt_at + 12, 4, 0x1000);
        put(b, slrt_at + 0x178, 4, 4);
        heap_check_options o;
        o.heap_base = 0x00A00000 - slrt_at;
        CHECK(run(b, {}, o).code == errc::ok);
        put(b, slrt_at + 0x178, 4, 3);
        expect(run(b, {}, o), errc::invalid_tag, "TXT-H56", mle_at + 24);
        put(b, slrt_at + 8, 4, 0x100);
        expect(run(b, {}, o), errc::out_of_bounds, "TXT-H55", mle_at + 24);
        put(b, slrt_at + 6, 2, 2);
        expect(run(b, {}, o), errc::bad_uuid, "TXT-H54", mle_at + 16);
    }

    SECTION("Linux post-launch profile") {
        const linux_launch_inputs good = golden_linux_inputs();
        CHECK(run_linux(golden, good).code == errc::ok);
        {
            auto h = parse_heap(byte_view(golden.data(), golden.size()), pre);
            REQUIRE(h);
            expect(as_outcome(check_linux_post_launch(*h, good).err()), errc::bad_argument, "TXT-H59", 0);
        }
        linux_launch_inputs in = good;
        in.mle_base = 0xFFFF'0000;
        expect(run_linux(golden, in), errc::address_wrap, "TXT-H61", sinit_at + 24);
        std::vector<u8> b = golden;
        put(b, mle_at + 32, 4, 0xFFFF'F000);
        expect(run_linux(b, good), errc::address_wrap, "TXT-H62", mle_at + 32);
        put(b, mle_at + 32, 4, 0x7FFF'0000);
        expect(run_linux(b, good), errc::out_of_bounds, "TXT-H64", mle_at + 32);
        in = good;
        in.boot_params_addr = golden_mle_base - 0x800;
        expect(run_linux(golden, in), errc::overlap, "TXT-H66", mle_at);
        in.boot_params_addr = golden_mle_base + 0x1000;  // inside the MLE: allowed (UEFI)
        CHECK(run_linux(golden, in).code == errc::ok);
        in.boot_params_addr = 0x7FFF'F800;
        expect(run_linux(golden, in), errc::out_of_bounds, "TXT-H67", mle_at);
        b = golden;
        put(b, mle_at + 16, 8, 0);
        expect(run_linux(b, good), errc::not_found, "TXT-H68", mle_at + 16);
        b = golden;
        put(b, smle_at + 128, 4, 0);
        expect(run_linux(b, good), errc::value_out_of_range, "TXT-H79", smle_at + 128);
        const std::vector<u8> v5 = heap_vectors.bytes("valid/bios3-sinit5-mle7.bin");
        auto h5 = parse_heap(byte_view(v5.data(), v5.size()));
        REQUIRE(h5);
        expect(run_linux(v5, good), errc::unsupported_version, "TXT-H69", h5->layout.offset[2] + 8);
        const std::vector<u8> log2 = heap_vectors.bytes("valid/sinit7-log2.bin");
        expect(run_linux(log2, good), errc::not_found, "TXT-H70", sinit_at + 100);
        in = good;
        in.event_log = range{0x7FFF'FFFF'FFFF'0000, 0x20000};
        expect(run_linux(golden, in), errc::address_wrap, "TXT-H71", 0);
        in.event_log = range{golden_mle_base + 0x1000, 0x1000};
        expect(run_linux(golden, in), errc::overlap, "TXT-H72", 0);
        in.event_log = range{0x7FFF'0000, 0x10000};  // ends exactly at the low PMR's end: Linux refuses
        expect(run_linux(golden, in), errc::out_of_bounds, "TXT-H73", 0);
        in.event_log = range{0xFFFF'0000, 0x20000};
        expect(run_linux(golden, in), errc::out_of_bounds, "TXT-H73", 0);
        in.event_log = range{0x1'2000'0000, 0x1000};  // above 4 GiB inside the high PMR: still refused
        expect(run_linux(golden, in), errc::out_of_bounds, "TXT-H73", 0);
        in.event_log = range{0x7A00'0100, 0x1000};  // inside the TXT heap: no PMR check
        CHECK(run_linux(golden, in).code == errc::ok);
        in = good;
        in.end_of_ram = 0x2'0000'0000;
        expect(run_linux(golden, in), errc::out_of_bounds, "TXT-H75", sinit_at + 64);
        in = good;
        in.kernel_end = 0x9000'0000;
        expect(run_linux(golden, in), errc::out_of_bounds, "TXT-H76", sinit_at + 48);
        b = golden;
        put(b, smle_at + 144, 4, 0);
        CHECK(run(b, {}, {}).code == errc::ok);
        expect(run_linux(b, good), errc::not_found, "TXT-H77", smle_at + 144);
    }

    SECTION("builders") {
        golden_heap g;
        bios_data bad_bios = g.c.bios;
        bad_bios.version = 1;
        u8 buf[256];
        std::memset(buf, 0xA5, sizeof buf);
        auto unchanged = [&] {
            for (u8 c : buf)
                if (c != 0xA5) return false;
            return true;
        };
        expect(as_outcome(build_bios_data(bad_bios, mutable_byte_view(buf)).err()), errc::bad_argument, "TXT-H90", 0);
        CHECK(unchanged());
        os_sinit_data s5 = g.c.os_sinit;
        s5.version = 5;  // with elements
        expect(as_outcome(build_os_sinit_data(s5, mutable_byte_view(buf)).err()), errc::bad_argument, "TXT-H91", 0);
        os_sinit_data s6 = g.c.os_sinit;
        s6.version = 6;
        s6.ext_data_elements = {};
        expect(as_outcome(build_os_sinit_data(s6, mutable_byte_view(buf)).err()), errc::bad_argument, "TXT-H91", 0);
        u8 trailing[24] = {};
        element_writer tw{mutable_byte_view(trailing)};
        REQUIRE(tw.init());
        s6.ext_data_elements = element_list(byte_view(trailing, 16));  // END then 8 more bytes
        expect(as_outcome(build_os_sinit_data(s6, mutable_byte_view(buf)).err()), errc::bad_argument, "TXT-H91", 0);
        sinit_mle_data d = g.c.sinit_mle;
        d.sinit_mdrs_table_offset = 100;  // inside the fixed fields
        expect(as_outcome(build_sinit_mle_data(d, mutable_byte_view(buf)).err()), errc::overlap, "TXT-H91", 0);
        d = g.c.sinit_mle;
        d.sinit_vtd_dmar_table_offset = 230;  // over the MDR table
        expect(as_outcome(build_sinit_mle_data(d, mutable_byte_view(buf)).err()), errc::overlap, "TXT-H91", 0);
        os_sinit_data small = g.c.os_sinit;
        small.size = 120;  // content is 136
        expect(as_outcome(build_os_sinit_data(small, mutable_byte_view(buf)).err()), errc::value_out_of_range, "TXT-H92", 0);
        os_mle_data mle = g.c.os_mle;
        mle.size = 112;
        expect(as_outcome(build_os_mle_data(mle, mutable_byte_view(buf)).err()), errc::value_out_of_range, "TXT-H92", 0);
        expect(as_outcome(build_sinit_mle_data(g.c.sinit_mle, mutable_byte_view(buf, 351)).err()), errc::buffer_too_small,
               "TXT-H93", 0);
        CHECK(unchanged());
        std::vector<u8> heap(687, 0xA5);
        CHECK(build_heap(g.c, mutable_byte_view(heap.data(), heap.size())).err().rule == std::string("TXT-H93"));
        CHECK(std::all_of(heap.begin(), heap.end(), [](u8 c) { return c == 0xA5; }));
        // An explicit size reproduces producers that do not pad (tboot and GRUB: 124 for TPM 1.2).
        os_sinit_data natural = g.c.os_sinit;
        natural.size = 136;
        CHECK(*build_os_sinit_data(natural, mutable_byte_view(buf)) == 136);
        natural.size = 0;
        CHECK(*build_os_sinit_data(natural, mutable_byte_view(buf)) == 136);

        // The launcher writes its two tables after the BIOS's.
        std::vector<u8> h(1024, 0);
        REQUIRE(build_bios_data(g.c.bios, mutable_byte_view(h.data(), h.size())));
        std::vector<u8> before = h;
        auto l = write_launcher_tables(mutable_byte_view(h.data(), 300), g.c.os_mle, g.c.os_sinit);
        expect(as_outcome(l.err()), errc::buffer_too_small, "TXT-H93", 96);
        CHECK(h == before);
        l = write_launcher_tables(mutable_byte_view(h.data(), h.size()), g.c.os_mle, g.c.os_sinit);
        REQUIRE(l);
        CHECK(l->offset[1] == 96);
        CHECK(l->offset[2] == 200);
        CHECK(l->total == 336);
        CHECK(std::equal(h.begin(), h.begin() + 336, golden.begin()));
        CHECK(validate_heap(byte_view(h.data(), h.size()), pre));
    }

    SECTION("element writer and typed decoders") {
        u8 small[30];
        std::memset(small, 0xA5, sizeof small);
        element_writer w{mutable_byte_view(small, 4)};
        expect(as_outcome(w.init().err()), errc::buffer_too_small, "TXT-X40", 0);
        element_writer w2{mutable_byte_view(small)};
        expect(as_outcome(w2.add_bios_spec_ver({1, 2, 3}).err()), errc::bad_argument, "TXT-X41", 0);
        REQUIRE(w2.init());
        REQUIRE(w2.add_bios_spec_ver({1, 2, 3}));
        std::vector<u8> snapshot(small, small + sizeof small);
        const u64 acms[2] = {1, 2};
        expect(as_outcome(w2.add_acm(acms, 2).err()), errc::buffer_too_small, "TXT-X40", 14);
        CHECK(std::equal(snapshot.begin(), snapshot.end(), small));
        expect(as_outcome(w2.add_raw(0, {}).err()), errc::bad_argument, "TXT-X41", 14);
        CHECK(w2.size() == 22);
        CHECK(w2.count() == 1);
        const element_list list = w2.list(100);
        auto it = list.begin();
        REQUIRE(it != list.end());
        CHECK(it->offset == 100);
        expect(as_outcome(decode_acm(*it).err()), errc::bad_argument, "TXT-X0", 100);
        CHECK(*decode_bios_spec_ver(*it) == bios_spec_ver{1, 2, 3});
        CHECK(++it == list.end());
        CHECK(list.take_error());
        CHECK(*list.walk() == element_walk{22, 1, 0});
    }

    SECTION("every rule id in the headers is exercised") {
        const nlohmann::json m = heap_vectors.json("manifest.json");
        std::set<std::string> seen = rules_seen();
        for (const auto& v : m.at("malformed")) seen.insert(v.at("rule").get<std::string>());
        for (const auto& v : m.at("permissive")) seen.insert(v.at("strict_rule").get<std::string>());
        for (const std::string& id : rules_in_headers()) {
            INFO(id);
            CHECK(seen.count(id) == 1);
        }
    }
}

TEST_CASE("txt heap: boundary values", "[txt][heap]") {
    const std::vector<u8> golden = golden_bytes();
    std::vector<u8> b = golden;
    put(b, 0, 8, ~u64{0});
    CHECK(run(b, {}, {}).rule == "TXT-H4");
    put(b, 0, 8, 8);  // BiosData with no data at all
    CHECK(parse_heap_layout(byte_view(b.data(), b.size()), heap_stage::bios));
    CHECK(run(b, {heap_stage::bios, os_mle_select::by_size}, {}).rule == "TXT-H7");
    b = golden;
    put(b, 32, 4, 1);
    CHECK(run(b, {}, {}).code == errc::ok);
    put(b, 32, 4, 1024);
    CHECK(run(b, {}, {}).code == errc::ok);
    b = golden;
    put(b, smle_at + 136, 4, 0xFFFF'FFFF);  // NumberOfSinitMdrs at its maximum
    CHECK(run(b, {}, {}).rule == "TXT-H14");
    b = golden;
    put(b, smle_at + 144, 4, 0xFFFF'FFFF);  // DMAR size at its maximum
    CHECK(run(b, {}, {}).rule == "TXT-H15");
    b = golden;
    put(b, smle_at + 140, 4, 352 - 72);  // the MDR table ends exactly at the table's end (over the DMAR)
    CHECK(run(b, {}, {}).rule == "TXT-H45");
    b = golden;
    put(b, smle_at + 136, 4, 0);  // no MDRs: the offset is not used
    put(b, smle_at + 140, 4, 0xFFFF'FFFF);
    CHECK(run(b, {}, {}).code == errc::ok);
    // The low PMR may end exactly at 4 GiB; one 2 MiB step more is refused.
    b = golden;
    put(b, sinit_at + 48, 8, 0x1'0000'0000);
    put(b, sinit_at + 56, 8, 0x1'0000'0000);
    CHECK(run(b, {}, {}).code == errc::ok);
    put(b, sinit_at + 48, 8, 0x1'0020'0000);
    CHECK(run(b, {}, {}).rule == "TXT-H30");
    // An element of the minimum size (8) of an unknown type is walked and reported.
    const u8 list[16] = {0x55, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0};
    auto w = walk_elements(byte_view(list));
    REQUIRE(w);
    CHECK(w->count == 1);
    CHECK(w->unknown == 1);
    CHECK(w->used == 16);
    // ACM addresses: the last byte below 4 GiB is fine, 4 GiB is not.
    variant v;
    const u64 acms[2] = {0xFFFF'FFFF, 1};
    REQUIRE(v.w.add_acm(acms, 2));
    v.g.c.bios.ext_data_elements = v.w.list();
    CHECK(run(v.bytes(), {}, {}).code == errc::ok);
}
