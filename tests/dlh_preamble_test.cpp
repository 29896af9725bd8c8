// The TXT and SKINIT preambles (include/dlh/txt/preamble.hpp, include/dlh/skinit/preamble.hpp)
// against a small fake platform: one test per precondition (the DLH rule, the errc and the
// check underneath), and a dry run of a good TXT machine and a good SKINIT machine whose report
// and memory are checked field by field.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dlh/skinit/preamble.hpp"
#include "dlh/txt/preamble.hpp"
#include "slrt/builder.hpp"

using namespace dlh;
namespace config_reg = dlh::txt::config_reg;

namespace {

// ---------------------------------------------------------------------------------------------
// A fake machine: CPUID and MSR maps, control registers, 64-bit MMIO registers, 32 MiB of
// physical memory from address 0, GETSEC answers, and a log of what the preamble did.

constexpr u64 k_memory = 0x2000000;

struct fake_platform {
    std::map<std::pair<u32, u32>, cpu_registers> cpuids;
    std::map<u32, u64> msrs;
    std::map<u64, u64> mmio;
    std::vector<u8> memory = std::vector<u8>(k_memory);
    u64 cr0 = 0x80000033;  // PG, NE, ET, MP, PE
    u64 cr4 = 0x6A0;       // PAE, PGE, OSFXSR, OSXMMEXCPT
    bool cr4_smxe_sticks = true;
    u32 getsec_caps = 0x1FD;  // chipset, ENTERACCS .. WAKEUP
    std::vector<txt::getsec_parameter_triple> parameters{{2 | 0x40000u, 0, 0}, {0, 0, 0}};
    bool endless_parameters = false;
    bool interrupts = true;
    std::vector<std::pair<u32, u64>> msr_writes;
    int wbinvd_calls = 0, tlb_flushes = 0, park_calls = 0, senter_calls = 0, skinit_calls = 0;
    ap_method parked_with = ap_method::loader_hook;
    status park_result = success, senter_result = success, skinit_result = success;
    u32 senter_ebx = 0, senter_ecx = 0, skinit_eax = 0;

    cpu_registers cpuid(u32 leaf, u32 sub) {
        auto it = cpuids.find({leaf, sub});
        return it == cpuids.end() ? cpu_registers{} : it->second;
    }
    u64 read_msr(u32 i) { return msrs.count(i) ? msrs[i] : 0; }
    void write_msr(u32 i, u64 v) {
        msrs[i] = v;
        msr_writes.emplace_back(i, v);
    }
    u64 read_cr0() { return cr0; }
    void write_cr0(u64 v) { cr0 = v; }
    u64 read_cr4() { return cr4; }
    void write_cr4(u64 v) { cr4 = cr4_smxe_sticks ? v : (v & ~u64{0x4000}); }
    u8 mmio_read8(u64 a) { return static_cast<u8>(mmio_read64(a)); }
    u32 mmio_read32(u64 a) { return static_cast<u32>(mmio_read64(a)); }
    u64 mmio_read64(u64 a) { return mmio.count(a) ? mmio[a] : 0; }
    void mmio_write8(u64 a, u8 v) { mmio[a] = v; }
    void mmio_write32(u64 a, u32 v) { mmio[a] = v; }
    void mmio_write64(u64 a, u64 v) { mmio[a] = v; }
    u8 io_read8(u16) { return 0xFF; }
    void io_write8(u16, u8) {}
    u32 io_read32(u16) { return ~u32{0}; }
    void io_write32(u16, u32) {}
    status read(u64 a, mutable_byte_view out) const {
        if (a > memory.size() || out.size() > memory.size() - a)
            return error{errc::memory_unmapped, 0, no_entry, "fake.memory", "", "outside the fake memory", a, 0};
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = memory[a + i];
        return success;
    }
    status write(u64 a, byte_view in) {
        if (a > memory.size() || in.size() > memory.size() - a)
            return error{errc::memory_unmapped, 0, no_entry, "fake.memory", "", "outside the fake memory", a, 0};
        for (std::size_t i = 0; i < in.size(); ++i) memory[a + i] = in[i];
        return success;
    }
    void wbinvd() { ++wbinvd_calls; }
    void flush_tlb() { ++tlb_flushes; }
    bool disable_interrupts() {
        const bool was = interrupts;
        interrupts = false;
        return was;
    }
    void enable_interrupts() { interrupts = true; }
    void pause() {}
    status park_aps(ap_method m) {
        ++park_calls;
        parked_with = m;
        return park_result;
    }
    cpu_registers getsec(u32 leaf, u32 ebx, u32, u32) {
        if (leaf == 0) return {getsec_caps, 0, 0, 0};
        if (leaf == 6) {
            if (endless_parameters) return {1, 0xFFFFFFFF, 0, 0};
            const auto& t = ebx < parameters.size() ? parameters[ebx] : txt::getsec_parameter_triple{};
            return {t.eax, t.ebx, t.ecx, 0};
        }
        return {};
    }
    status senter(u32 ebx, u32 ecx) {
        ++senter_calls;
        senter_ebx = ebx;
        senter_ecx = ecx;
        return senter_result;
    }
    status skinit(u32 eax) {
        ++skinit_calls;
        skinit_eax = eax;
        return skinit_result;
    }

    void put(u64 at, byte_view b) { REQUIRE(write(at, b)); }
    std::vector<u8> get(u64 at, std::size_t n) const { return {memory.begin() + static_cast<long>(at), memory.begin() + static_cast<long>(at + n)}; }
    u64 load(u64 at, std::size_t width) const {
        u64 v = 0;
        for (std::size_t i = 0; i < width; ++i) v |= u64{memory[at + i]} << (8 * i);
        return v;
    }
};
static_assert(dlh::platform<fake_platform>);

struct fake_localities {
    int calls = 0;
    status result = success;
    status close_all() {
        ++calls;
        return result;
    }
};
static_assert(dlh::locality_control<fake_localities> && dlh::locality_control<fake_localities>);

std::string str(const char* s) { return s ? s : ""; }

// ---------------------------------------------------------------------------------------------
// A good TXT machine

constexpr u64 k_slrt = 0x00100000;
constexpr u64 k_log = 0x00110000;
constexpr u32 k_log_size = 0x8000;
constexpr u64 k_mle = 0x01000000;
constexpr u64 k_mle_size = 0x10000;
constexpr u32 k_mle_header_offset = 0x100;
constexpr u32 k_wake = 0x00120000;
constexpr u32 k_wake_size = 0x4000;
constexpr u64 k_heap = 0x01800000;
constexpr u64 k_heap_size = 0x00100000;
constexpr u64 k_sinit = 0x01900000;
constexpr u64 k_sinit_size = 0x00080000;
constexpr u32 k_module = 0x8000;
constexpr u32 k_fms = 0x000906EA;
constexpr u64 k_didvid = 0x0000'0001'B002'8086ull;
constexpr u64 pub(u32 offset) { return txt::register_address(txt::config_space::public_space, offset); }

const txt::acm_chipset_id k_chipsets[1] = {{0, 0x8086, 0xB002, 1, 0, 0}};
const txt::acm_processor_id k_processors[1] = {{k_fms, 0x0FFF3FFF, 0, 0}};
const u16 k_algs[2] = {txt::tpm_alg::sha1, txt::tpm_alg::sha256};

std::vector<u8> make_sinit(u32 date = 0x20240101, u32 caps = 0x207, u16 device = 0xB002) {
    static txt::acm_chipset_id chipsets[1];
    chipsets[0] = k_chipsets[0];
    chipsets[0].device_id = device;
    txt::acm_build b;
    b.layout = txt::acm_header_layout::v0_0;
    b.header.module_type = txt::acm_module_type_chipset;
    b.header.module_vendor = txt::acm_vendor_intel;
    b.header.date = date;
    b.header.size = k_module / 4;
    b.header.gdt_limit = 0x1F;
    b.header.gdt_base = k_module - 0x80;
    b.header.seg_sel = 0x08;
    b.header.entry_point = k_module - 0x40;
    b.header.rsa_pub_exp = 0x10001;
    b.info.chipset_acm_type = static_cast<u8>(txt::acm_type::sinit);
    b.info.version = 5;
    b.info.os_sinit_data_ver = 7;
    b.info.min_mle_header_ver = 0x00020000;
    b.info.capabilities = txt::capabilities{caps};
    b.info.acm_version = 1;
    b.chipsets = chipsets;
    b.chipset_count = 1;
    b.processors = k_processors;
    b.processor_count = 1;
    b.tpm_capabilities = static_cast<u32>(txt::tpm_caps_field::family.with(1, txt::tpm_family_dtpm20));
    b.tpm_algorithms = k_algs;
    b.tpm_algorithm_count = 2;
    std::vector<u8> out(k_module);
    const result<u32> n = txt::build_acm(b, mutable_byte_view(out.data(), out.size()));
    REQUIRE(n);
    REQUIRE(*n == k_module);
    return out;
}

std::vector<u8> make_txt_slrt(bool with_log = true, slrt::architecture arch = slrt::architecture::intel_txt) {
    std::vector<u8> buf(4096);
    slrt::builder b(mutable_byte_view(buf.data(), buf.size()), slrt::layout::v16);
    REQUIRE(b.init(arch, 4096));
    slrt::dl_info dl;
    dl.dlme_base = k_mle;
    dl.dlme_size = k_mle_size;
    dl.dlme_entry = 0x200;
    dl.dlme_header_offset = k_mle_header_offset;
    dl.bl_context.bootloader = slrt::bootloader::grub;
    REQUIRE(b.add(dl));
    if (with_log) REQUIRE(b.add(slrt::log_info{slrt::log_format::tpm20, k_log_size, k_log}));
    if (arch == slrt::architecture::intel_txt) REQUIRE(b.add(slrt::intel_info{}));
    buf.resize(b.size());
    return buf;
}

std::vector<u8> make_mle_header(bool good_uuid = true) {
    txt::mle_header h;
    h.header_len = txt::mle_header_v2_1_size;
    h.version = txt::mle_header_v2_2;
    h.entry_point = 0x200;
    h.first_valid_page = 0;
    h.mle_start = 0;
    h.mle_end = static_cast<u32>(k_mle_size);
    h.caps = txt::linux_mle_capabilities;
    std::vector<u8> out(64);
    REQUIRE(txt::build_mle_header(h, mutable_byte_view(out.data(), out.size())));
    if (!good_uuid) out[0] ^= 0xFF;
    return out;
}

std::vector<u8> make_bios_data(u32 procs = 4) {
    txt::bios_data v;
    v.version = 5;
    v.num_logical_procs = procs;
    std::vector<u8> out(256);
    const result<u64> n = txt::build_bios_data(v, mutable_byte_view(out.data(), out.size()));
    REQUIRE(n);
    out.resize(static_cast<std::size_t>(*n));
    return out;
}

struct txt_machine {
    fake_platform p;
    fake_localities loc;
    std::vector<u8> sinit = make_sinit();
    std::vector<byte_view> modules;
    std::vector<u8> scratch = std::vector<u8>(0x40000);
    range ram[1] = {range{0, k_memory}};
    txt::launch_options o;

    txt_machine() {
        p.cpuids[{1, 0}] = {k_fms, 0, (1u << 6) | (1u << 5), 0};
        p.cpuids[{0x80000000u, 0}] = {0x80000008u, 0, 0, 0};
        p.cpuids[{0x80000008u, 0}] = {39, 0, 0, 0};
        p.msrs[txt::msr_ia32_feature_control] = 0xFF01;
        p.msrs[txt::msr_ia32_platform_id] = 0;
        p.msrs[txt::msr_ia32_apic_base] = 0xFEE00900;
        p.msrs[txt::mtrr_msr::cap] = 0x508;
        p.msrs[txt::mtrr_msr::def_type] = 0xC06;
        p.msrs[txt::mtrr_msr::physbase(0)] = 0x6;
        p.msrs[txt::mtrr_msr::physmask(0)] = 0xF80000800;
        p.msrs[txt::mtrr_msr::misc_enable] = 0x850089;
        p.msrs[txt::msr_ia32_mcg_cap] = 2;
        p.mmio[pub(config_reg::didvid)] = k_didvid;
        p.mmio[pub(config_reg::ver_fsbif)] = 0x80000000;
        p.mmio[pub(config_reg::heap_base)] = k_heap;
        p.mmio[pub(config_reg::heap_size)] = k_heap_size;
        p.mmio[pub(config_reg::sinit_base)] = k_sinit;
        p.mmio[pub(config_reg::sinit_size)] = k_sinit_size;
        p.mmio[pub(config_reg::dpr)] = 0x01A00000 | (2u << 4) | 1u;
        const auto slrt_bytes = make_txt_slrt();
        p.put(k_slrt, byte_view(slrt_bytes.data(), slrt_bytes.size()));
        const auto hdr = make_mle_header();
        p.put(k_mle + k_mle_header_offset, byte_view(hdr.data(), hdr.size()));
        const auto bios = make_bios_data();
        p.put(k_heap, byte_view(bios.data(), bios.size()));
        modules.push_back(byte_view(sinit.data(), sinit.size()));

        o.slrt_address = k_slrt;
        o.slrt_layout = slrt::layout::v16;
        o.mle_base = k_mle;
        o.mle_size = k_mle_size;
        o.mle_header_offset = k_mle_header_offset;
        o.sinit_modules = modules.data();
        o.sinit_module_count = static_cast<u32>(modules.size());
        o.tpm = txt::tpm_kind::tpm20;
        o.tpm_banks = k_algs;
        o.tpm_bank_count = 2;
        o.ram = txt::dma_list<range>(ram);
        o.ap_wake_block = k_wake;
        o.ap_wake_block_size = k_wake_size;
        o.scratch = mutable_byte_view(scratch.data(), scratch.size());
        o.dry_run = true;
    }

    status run(txt::txt_preamble_report& r) {
        o.sinit_modules = modules.data();
        o.sinit_module_count = static_cast<u32>(modules.size());
        return txt::run_txt_preamble(p, loc, o, r);
    }
};

// Runs the preamble and checks the failure: the step, its DLH rule, the errc and the rule of
// the check underneath (empty when the preamble itself made the check).
void expect_txt_failure(txt_machine& m, txt::txt_step step, const char* rule, errc code, const char* cause = "") {
    txt::txt_preamble_report r;
    const status s = m.run(r);
    REQUIRE_FALSE(s);
    CHECK(str(s.err().rule) == rule);
    CHECK(s.err().code == code);
    const dlh::step_record& rec = r.step(step);
    CHECK(rec.outcome == dlh::step_outcome::fail);
    CHECK(str(rec.rule) == rule);
    CHECK(str(rec.cause_rule) == cause);
    CHECK(r.first_failure().code == code);
    for (u32 i = static_cast<u32>(step) + 1; i < txt::txt_step_count; ++i)
        CHECK(r.steps[i].outcome == dlh::step_outcome::not_run);
    CHECK(m.p.senter_calls == 0);
    char line[400]{};
    slrt::format_error(s.err(), line, sizeof line);
    CHECK(std::string(line).rfind(rule, 0) == 0);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TXT: the good machine

TEST_CASE("TXT preamble: dry run of a good machine", "[dlh][preamble][txt]") {
    txt_machine m;
    txt::txt_preamble_report r;
    const status s = m.run(r);
    INFO(str(s.err().rule) << " " << str(s.err().field) << " " << str(s.err().message) << " cause "
                           << str(r.step(txt::txt_step::heap).cause_rule));
    REQUIRE(s);
    REQUIRE(r.ok());
    for (u32 i = 0; i + 1 < txt::txt_step_count; ++i) {
        INFO(txt::txt_steps[i].name);
        CHECK(r.steps[i].outcome == dlh::step_outcome::pass);
    }
    CHECK(r.step(txt::txt_step::senter).outcome == dlh::step_outcome::skipped);
    CHECK(r.dry_run);
    CHECK_FALSE(r.launched);

    // The state GETSEC[SENTER] would see.
    CHECK(r.senter.eax == 4);
    CHECK(r.senter.ebx == k_sinit);
    CHECK(r.senter.ecx == k_module);
    CHECK(r.senter.edx == 0);
    CHECK(m.p.senter_calls == 0);
    CHECK(r.heap == range{k_heap, k_heap_size});
    CHECK(r.sinit == range{k_sinit, k_sinit_size});
    CHECK(r.parameters.max_ac_size == 0x40000);
    CHECK((m.p.cr4 & 0x4000) != 0);  // CR4.SMXE set by step 1

    // SINIT: the loader's module, copied to TXT.SINIT.BASE; dl_info names it.
    CHECK(r.sinit_candidates == 1);
    CHECK(r.sinit_chosen == 0);
    CHECK_FALSE(r.sinit_bios_provided);
    CHECK(r.sinit_copied);
    CHECK(r.sinit_size == k_module);
    CHECK(m.p.get(k_sinit, k_module) == m.sinit);
    {
        const auto t = slrt::parse(byte_view(m.p.memory.data() + k_slrt, 4096), {slrt::layout::v16});
        REQUIRE(t);
        const auto dl = t->get<slrt::dl_info>();
        REQUIRE(dl);
        CHECK(dl->dce_base == k_sinit);
        CHECK(dl->dce_size == k_module);
        CHECK(dl->dlme_base == k_mle);
        // save_mtrrs: intel_info holds the MTRRs and MISC_ENABLE from before the launch.
        const auto info = t->get<slrt::intel_info>();
        REQUIRE(info);
        CHECK(info->txt_heap == k_heap);
        CHECK(info->saved_misc_enable_msr == 0x850089);
        CHECK(info->saved_bsp_mtrrs.default_mem_type == 0xC06);
        CHECK(info->saved_bsp_mtrrs.mtrr_vcnt == 8);
        CHECK(info->saved_bsp_mtrrs.mtrr_pair[0].mtrr_physbase == 0x6);
        CHECK(info->saved_bsp_mtrrs.mtrr_pair[0].mtrr_physmask == 0xF80000800);
        CHECK(r.os_mle.txt_info == k_slrt + t->find(slrt::tag::intel_info)->offset);
    }

    // MLE page tables right below the MLE: PDPT, one PD, one PT; PT[0] maps the MLE's first page.
    CHECK(r.page_tables.pdpt == k_mle - 0x3000);
    CHECK(r.page_tables.mle_pages == k_mle_size / 0x1000);
    CHECK(m.p.load(k_mle - 0x3000, 8) == ((k_mle - 0x2000) | 1));
    CHECK(m.p.load(k_mle - 0x2000, 8) == ((k_mle - 0x1000) | 1));
    CHECK(m.p.load(k_mle - 0x1000, 8) == (k_mle | 1));
    CHECK(m.p.load(k_mle - 0x1000 + 8 * 15, 8) == ((k_mle + 0xF000) | 1));

    // PMRs (Linux-compatible): low PMR from 0 over all RAM, no high PMR.
    CHECK(r.pmr_lo == range{0, k_memory});
    CHECK(r.pmr_hi.size == 0);

    // The heap in memory, parsed back and checked as SINIT would read it.
    {
        const byte_view heap(m.p.memory.data() + k_heap, k_heap_size);
        const auto h = txt::parse_heap(heap, {txt::heap_stage::pre_launch, txt::os_mle_select::linux_v1});
        REQUIRE(h);
        CHECK(h->os_mle.slrt == k_slrt);
        CHECK(h->os_mle.txt_info == r.os_mle.txt_info);
        CHECK(h->os_mle.ap_wake_block == k_wake);
        CHECK(h->os_mle.ap_wake_block_size == k_wake_size);
        CHECK(h->os_sinit.version == 7);
        CHECK(h->os_sinit.flags == 1);
        CHECK(h->os_sinit.mle_ptab == k_mle - 0x3000);
        CHECK(h->os_sinit.mle_size == k_mle_size);
        CHECK(h->os_sinit.mle_hdr_base == k_mle_header_offset);
        CHECK(h->os_sinit.vtd_pmr_lo_base == 0);
        CHECK(h->os_sinit.vtd_pmr_lo_size == k_memory);
        CHECK(h->os_sinit.caps.raw == 0x206);  // MONITOR wake-up, ECX_PGTBL, TCG event log
        CHECK(r.os_sinit.caps.raw == 0x206);
        bool log = false;
        for (const txt::element& e : h->os_sinit.ext_data_elements) {
            if (e.type != 8) continue;
            const auto p = txt::decode_event_log_pointer2_1(e);
            REQUIRE(p);
            CHECK(p->physical_address == k_log);
            CHECK(p->allocated_event_container_size == k_log_size);
            log = true;
        }
        CHECK(log);
        txt::heap_check_options o;
        o.heap_base = k_heap;
        o.mode = txt::check_mode::permissive;
        CHECK(txt::check_heap(*h, o));
        // The 44-byte BiosData of version 5 is the BIOS's quirk, named in the report.
        CHECK(r.heap_check.has(txt::heap_quirk::size_not_multiple_of_8));
    }

    // ACM MTRRs: one WB range over the 32 KiB SINIT; then restored after the dry run.
    CHECK(r.acm_mtrrs.used == 1);
    CHECK(r.acm_mtrrs.settings.pairs[0].physbase == (k_sinit | 6));
    CHECK(r.acm_mtrrs.settings.pairs[0].physmask == (0xFFFFF8000ull | 0x800));
    bool loaded = false;
    for (const auto& w : m.p.msr_writes)
        if (w.first == txt::mtrr_msr::physbase(0) && w.second == (k_sinit | 6)) loaded = true;
    CHECK(loaded);
    CHECK(r.restored);
    CHECK(m.p.msrs[txt::mtrr_msr::def_type] == 0xC06);
    CHECK(m.p.msrs[txt::mtrr_msr::physbase(0)] == 0x6);
    CHECK(m.p.msrs[txt::mtrr_msr::physmask(0)] == 0xF80000800);
    CHECK(m.p.cr0 == 0x80000033);  // CD cleared again after the cache sequence
    CHECK(m.p.wbinvd_calls == 4);  // two per MTRR load: ACM plan, restore
    CHECK(r.interrupts_were_enabled);
    CHECK(m.p.interrupts);

    // Localities closed, APs parked with INIT.
    CHECK(m.loc.calls == 1);
    CHECK(m.p.park_calls == 1);
    CHECK(m.p.parked_with == ap_method::apic_init);
}

TEST_CASE("TXT preamble: a real launch executes GETSEC SENTER with the MTRRs for the ACM", "[dlh][preamble][txt]") {
    txt_machine m;
    m.o.dry_run = false;
    txt::txt_preamble_report r;
    REQUIRE(m.run(r));
    CHECK(r.launched);
    CHECK(m.p.senter_calls == 1);
    CHECK(m.p.senter_ebx == k_sinit);
    CHECK(m.p.senter_ecx == k_module);
    CHECK(r.step(txt::txt_step::senter).outcome == dlh::step_outcome::pass);
    CHECK_FALSE(r.restored);
    CHECK(m.p.msrs[txt::mtrr_msr::def_type] == txt::mtrr_acm_def_type);
    CHECK(m.p.msrs[txt::mtrr_msr::physbase(0)] == (k_sinit | 6));
    CHECK(m.p.msrs[txt::mtrr_msr::physmask(1)] == 0);
    CHECK_FALSE(m.p.interrupts);
}

TEST_CASE("TXT preamble: a newer BIOS-provided SINIT wins and is not copied", "[dlh][preamble][txt]") {
    txt_machine m;
    const auto bios_sinit = make_sinit(0x20250101);
    m.p.put(k_sinit, byte_view(bios_sinit.data(), bios_sinit.size()));
    txt::bios_data v;
    v.version = 5;
    v.num_logical_procs = 4;
    v.bios_sinit_size = k_module;
    std::vector<u8> bd(64);
    const auto n = txt::build_bios_data(v, mutable_byte_view(bd.data(), bd.size()));
    REQUIRE(n);
    m.p.put(k_heap, byte_view(bd.data(), static_cast<std::size_t>(*n)));
    txt::txt_preamble_report r;
    REQUIRE(m.run(r));
    CHECK(r.sinit_candidates == 2);
    CHECK(r.sinit_chosen == 1);
    CHECK(r.sinit_bios_provided);
    CHECK_FALSE(r.sinit_copied);
    CHECK(r.sinit_date == 0x20250101);
    CHECK(m.p.get(k_sinit, k_module) == bios_sinit);
}

TEST_CASE("TXT preamble: steps are individually callable", "[dlh][preamble][txt]") {
    txt_machine m;
    txt::txt_preamble<fake_platform, fake_localities> pre(m.p, m.loc, m.o);
    REQUIRE(pre.check_smx());
    REQUIRE(pre.read_getsec());
    REQUIRE(pre.check_registers());
    CHECK(pre.report().step(txt::txt_step::registers).key[0].value == k_didvid);
    // DLH-T30: the heap needs the SINIT, page-table and PMR steps first.
    const status s = pre.build_heap();
    REQUIRE_FALSE(s);
    CHECK(str(s.err().rule) == "DLH-T30");
    CHECK(s.err().code == errc::bad_argument);
    CHECK(pre.report().step(txt::txt_step::heap).outcome == dlh::step_outcome::fail);
}

// ---------------------------------------------------------------------------------------------
// TXT: one test per precondition

TEST_CASE("TXT preamble: DLH-T1 no SMX", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.cpuids[{1, 0}].ecx = 1u << 5;
    expect_txt_failure(m, txt::txt_step::smx, "DLH-T1", errc::launch_requirement, "TXT-G1");
}

TEST_CASE("TXT preamble: DLH-T2 IA32_FEATURE_CONTROL", "[dlh][preamble][txt]") {
    SECTION("not locked") {
        txt_machine m;
        m.p.msrs[txt::msr_ia32_feature_control] = 0xFF00;
        expect_txt_failure(m, txt::txt_step::smx, "DLH-T2", errc::launch_requirement, "TXT-G4");
    }
    SECTION("SENTER disabled") {
        txt_machine m;
        m.p.msrs[txt::msr_ia32_feature_control] = 0x7F01;
        expect_txt_failure(m, txt::txt_step::smx, "DLH-T2", errc::launch_requirement, "TXT-G5");
    }
}

TEST_CASE("TXT preamble: DLH-T3 CR4.SMXE does not stay set", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.cr4_smxe_sticks = false;
    expect_txt_failure(m, txt::txt_step::smx, "DLH-T3", errc::launch_requirement, "TXT-G3");
}

TEST_CASE("TXT preamble: DLH-T4 GETSEC CAPABILITIES", "[dlh][preamble][txt]") {
    SECTION("no chipset") {
        txt_machine m;
        m.p.getsec_caps = 0x1FC;
        expect_txt_failure(m, txt::txt_step::getsec, "DLH-T4", errc::launch_requirement, "TXT-G8");
    }
    SECTION("no SENTER leaf") {
        txt_machine m;
        m.p.getsec_caps = 0x1ED;
        expect_txt_failure(m, txt::txt_step::getsec, "DLH-T4", errc::launch_requirement, "TXT-G9");
    }
}

TEST_CASE("TXT preamble: DLH-T5 GETSEC PARAMETERS never ends", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.endless_parameters = true;
    expect_txt_failure(m, txt::txt_step::getsec, "DLH-T5", errc::chain_too_long, "TXT-G24");
}

TEST_CASE("TXT preamble: DLH-T6 TXT_RESET.STS", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.mmio[pub(config_reg::ests)] = 1;
    expect_txt_failure(m, txt::txt_step::registers, "DLH-T6", errc::launch_requirement, "TXT-G10");
}

TEST_CASE("TXT preamble: DLH-T7 already launched", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.mmio[pub(config_reg::sts)] = 1;
    expect_txt_failure(m, txt::txt_step::registers, "DLH-T7", errc::launch_requirement, "TXT-G19");
}

TEST_CASE("TXT preamble: DLH-T8 no TXT register space", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.mmio.erase(pub(config_reg::didvid));
    expect_txt_failure(m, txt::txt_step::registers, "DLH-T8", errc::not_found);
}

TEST_CASE("TXT preamble: DLH-T9 heap and SINIT regions", "[dlh][preamble][txt]") {
    SECTION("heap size 0") {
        txt_machine m;
        m.p.mmio[pub(config_reg::heap_size)] = 0;
        expect_txt_failure(m, txt::txt_step::registers, "DLH-T9", errc::out_of_bounds);
    }
    SECTION("SINIT base misaligned") {
        txt_machine m;
        m.p.mmio[pub(config_reg::sinit_base)] = k_sinit + 0x800;
        expect_txt_failure(m, txt::txt_step::registers, "DLH-T9", errc::misaligned);
    }
}

TEST_CASE("TXT preamble: DLH-T10 the SLRT is not a valid Intel table", "[dlh][preamble][txt]") {
    SECTION("bad magic") {
        txt_machine m;
        m.p.memory[k_slrt] ^= 0xFF;
        expect_txt_failure(m, txt::txt_step::slrt, "DLH-T10", errc::bad_magic, "SLRT-H2");
    }
    SECTION("AMD table") {
        txt_machine m;
        const auto t = make_txt_slrt(true, slrt::architecture::amd_skinit);
        m.p.put(k_slrt, byte_view(t.data(), t.size()));
        expect_txt_failure(m, txt::txt_step::slrt, "DLH-T10", errc::architecture_mismatch, "SLRT-E9");
    }
}

TEST_CASE("TXT preamble: DLH-T11 the SLRT lacks log_info", "[dlh][preamble][txt]") {
    txt_machine m;
    const auto t = make_txt_slrt(false);
    m.p.put(k_slrt, byte_view(t.data(), t.size()));
    expect_txt_failure(m, txt::txt_step::slrt, "DLH-T11", errc::missing_entry, "SLRT-X1");
}

TEST_CASE("TXT preamble: DLH-T12 MLE header", "[dlh][preamble][txt]") {
    SECTION("bad UUID") {
        txt_machine m;
        const auto h = make_mle_header(false);
        m.p.put(k_mle + k_mle_header_offset, byte_view(h.data(), h.size()));
        expect_txt_failure(m, txt::txt_step::mle, "DLH-T12", errc::bad_uuid, "TXT-M2");
    }
    SECTION("header offset outside the MLE") {
        txt_machine m;
        m.o.mle_header_offset = static_cast<u32>(k_mle_size);
        expect_txt_failure(m, txt::txt_step::mle, "DLH-T12", errc::out_of_bounds);
    }
}

TEST_CASE("TXT preamble: DLH-T13 BiosData", "[dlh][preamble][txt]") {
    txt_machine m;
    const u8 zero[8]{};
    m.p.put(k_heap, byte_view(zero));
    expect_txt_failure(m, txt::txt_step::sinit, "DLH-T13", errc::out_of_bounds, "TXT-H2");
}

TEST_CASE("TXT preamble: DLH-T14 no SINIT fits the platform", "[dlh][preamble][txt]") {
    SECTION("chipset mismatch") {
        txt_machine m;
        m.sinit = make_sinit(0x20240101, 0x207, 0xB003);
        m.modules = {byte_view(m.sinit.data(), m.sinit.size())};
        expect_txt_failure(m, txt::txt_step::sinit, "DLH-T14", errc::platform_mismatch, "TXT-A42");
    }
    SECTION("no candidate at all") {
        txt_machine m;
        m.modules.clear();
        expect_txt_failure(m, txt::txt_step::sinit, "DLH-T14", errc::not_found, "TXT-A60");
    }
    SECTION("not an ACM") {
        txt_machine m;
        m.sinit.assign(64, 0);
        m.modules = {byte_view(m.sinit.data(), m.sinit.size())};
        expect_txt_failure(m, txt::txt_step::sinit, "DLH-T14", errc::truncated_header, "TXT-A1");
    }
}

TEST_CASE("TXT preamble: DLH-T15 MLE page tables", "[dlh][preamble][txt]") {
    txt_machine m;
    m.o.page_table_base = k_mle - 0x3000 + 0x800;
    expect_txt_failure(m, txt::txt_step::page_tables, "DLH-T15", errc::misaligned, "TXT-T2");
}

TEST_CASE("TXT preamble: DLH-T16 and DLH-T17 PMRs", "[dlh][preamble][txt]") {
    SECTION("no RAM below 4 GiB") {
        txt_machine m;
        m.o.ram = {};
        expect_txt_failure(m, txt::txt_step::pmrs, "DLH-T16", errc::not_found, "TXT-D18");
    }
    SECTION("the hook fails") {
        txt_machine m;
        m.o.program_pmrs = [](void* ctx, const range& lo, const range&) -> status {
            *static_cast<u64*>(ctx) = lo.size;
            return error{errc::launch_requirement, 0, no_entry, "vtd", "", "remapping still on", 0, 0};
        };
        u64 seen = 0;
        m.o.pmr_context = &seen;
        expect_txt_failure(m, txt::txt_step::pmrs, "DLH-T17", errc::launch_requirement);
        CHECK(seen == k_memory);
    }
}

TEST_CASE("TXT preamble: DLH-T18 OsSinitData capabilities", "[dlh][preamble][txt]") {
    txt_machine m;  // the SINIT lacks TCG_EVENT_LOG but the SLRT log is a TPM 2.0 TCG log
    m.sinit = make_sinit(0x20240101, 0x007);
    m.modules = {byte_view(m.sinit.data(), m.sinit.size())};
    expect_txt_failure(m, txt::txt_step::heap, "DLH-T18", errc::launch_requirement, "TXT-M20");
}

TEST_CASE("TXT preamble: DLH-T19 no room in the heap", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.mmio[pub(config_reg::heap_size)] = 0x100;
    expect_txt_failure(m, txt::txt_step::heap, "DLH-T19", errc::buffer_too_small, "TXT-H93");
}

TEST_CASE("TXT preamble: DLH-T20 the heap fails validation", "[dlh][preamble][txt]") {
    txt_machine m;
    const auto bios = make_bios_data(0);  // NumLogicalProcessors 0
    m.p.put(k_heap, byte_view(bios.data(), bios.size()));
    txt::txt_preamble_report r;
    const status s = m.run(r);
    REQUIRE_FALSE(s);
    CHECK(str(s.err().rule) == "DLH-T20");
    CHECK(str(r.step(txt::txt_step::heap).cause_rule).rfind("TXT-H", 0) == 0);
    CHECK(str(s.err().field) == "bios_data.num_logical_procs");
    CHECK(m.p.load(k_heap + bios.size(), 8) == 0);  // nothing written after BiosData
}

TEST_CASE("TXT preamble: DLH-T20 Linux needs an AP wake block", "[dlh][preamble][txt]") {
    txt_machine m;
    m.o.ap_wake_block_size = 0;
    expect_txt_failure(m, txt::txt_step::heap, "DLH-T20", errc::value_out_of_range, "TXT-H52");
}

TEST_CASE("TXT preamble: DLH-T22 not enough variable MTRRs for the ACM", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.msrs[txt::mtrr_msr::cap] = 0x500;  // VCNT 0
    expect_txt_failure(m, txt::txt_step::acm_mtrrs, "DLH-T22", errc::out_of_bounds, "TXT-U6");
}

TEST_CASE("TXT preamble: DLH-T23 TPM localities", "[dlh][preamble][txt]") {
    txt_machine m;
    m.loc.result = error{errc::tpm_error, 0, no_entry, "TPM.ACCESS", "TPM-I9", "locality 0 stays active", 0, 0};
    expect_txt_failure(m, txt::txt_step::localities, "DLH-T23", errc::tpm_error, "TPM-I9");
    // The MTRRs were changed before the failure: they are back, interrupts too.
    CHECK(m.p.msrs[txt::mtrr_msr::def_type] == 0xC06);
    CHECK(m.p.interrupts);
}

TEST_CASE("TXT preamble: DLH-T24 APs", "[dlh][preamble][txt]") {
    txt_machine m;
    m.p.park_result = error{errc::launch_requirement, 0, no_entry, "icr", "", "INIT IPI not delivered", 0, 0};
    expect_txt_failure(m, txt::txt_step::aps, "DLH-T24", errc::launch_requirement);
}

TEST_CASE("TXT preamble: DLH-T25 CPU state", "[dlh][preamble][txt]") {
    SECTION("machine-check bank holds an error") {
        txt_machine m;
        m.p.msrs[txt::msr_ia32_mc_status(1)] = u64{1} << 63;
        expect_txt_failure(m, txt::txt_step::cpu_state, "DLH-T25", errc::launch_requirement, "TXT-G12");
    }
    SECTION("machine check in progress") {
        txt_machine m;
        m.p.msrs[txt::msr_ia32_mcg_status] = 4;
        expect_txt_failure(m, txt::txt_step::cpu_state, "DLH-T25", errc::launch_requirement, "TXT-G11");
    }
    SECTION("CR0.NE clear") {
        txt_machine m;
        m.p.cr0 = 0x80000011;
        expect_txt_failure(m, txt::txt_step::cpu_state, "DLH-T25", errc::launch_requirement, "TXT-G18");
    }
    SECTION("not the BSP") {
        txt_machine m;
        m.p.msrs[txt::msr_ia32_apic_base] = 0xFEE00800;
        expect_txt_failure(m, txt::txt_step::cpu_state, "DLH-T25", errc::launch_requirement, "TXT-G14");
    }
}

TEST_CASE("TXT preamble: DLH-T27 GETSEC SENTER returned", "[dlh][preamble][txt]") {
    txt_machine m;
    m.o.dry_run = false;
    m.p.senter_result = error{errc::launch_requirement, 0x30, no_entry, "TXT.ERRORCODE", "SIM-1", "SINIT failed",
                              0xC0008021, 0};
    txt::txt_preamble_report r;
    const status s = m.run(r);
    REQUIRE_FALSE(s);
    CHECK(str(s.err().rule) == "DLH-T27");
    CHECK(str(r.step(txt::txt_step::senter).cause_rule) == "SIM-1");
    CHECK(s.err().value == 0xC0008021);
    CHECK(m.p.senter_calls == 1);
    CHECK_FALSE(r.launched);
    CHECK(r.restored);
}

TEST_CASE("TXT preamble: DLH-T28 scratch too small", "[dlh][preamble][txt]") {
    txt_machine m;
    m.o.scratch = mutable_byte_view(m.scratch.data(), 64);
    expect_txt_failure(m, txt::txt_step::slrt, "DLH-T28", errc::buffer_too_small);
}

TEST_CASE("TXT preamble: DLH-T29 memory the platform cannot reach", "[dlh][preamble][txt]") {
    txt_machine m;
    m.o.slrt_address = k_memory - 8;
    expect_txt_failure(m, txt::txt_step::slrt, "DLH-T29", errc::memory_unmapped);
}

// ---------------------------------------------------------------------------------------------
// SKINIT

namespace {

constexpr u64 k_slb = 0x00200000;
constexpr u64 k_amd_slrt = 0x00300000;
constexpr u16 k_bl_offset = 0x2000;
constexpr u16 k_length = 0x1000;

std::vector<u8> make_skl(bool good_uuid = true) {
    std::vector<u8> img(k_length);
    skinit::skl_header h;
    h.generation = skinit::skl_generation::gen2;
    h.entry_point = 0x46;
    h.length = k_length;
    h.skl_info_offset = 0x50;
    h.bootloader_data_offset = k_bl_offset;
    REQUIRE(skinit::encode_skl_header(h, mutable_byte_view(img.data(), img.size())));
    REQUIRE(skinit::encode_skl_info(skinit::expected_skl_info(), mutable_byte_view(img.data() + 0x50, 20)));
    if (!good_uuid) img[0x50] ^= 0xFF;
    return img;
}

std::vector<u8> make_amd_slrt(bool with_dl = true, slrt::architecture arch = slrt::architecture::amd_skinit) {
    std::vector<u8> buf(0x1000);
    slrt::builder b(mutable_byte_view(buf.data(), buf.size()), slrt::layout::v10);
    REQUIRE(b.init(arch, 0x1000));
    if (with_dl) {
        slrt::dl_info dl;
        dl.dce_base = k_slb;
        dl.dce_size = 0x10000;
        dl.dlme_base = 0x01000000;
        dl.dlme_size = 0x100000;
        dl.bl_context.bootloader = slrt::bootloader::grub;
        REQUIRE(b.add(dl));
    }
    if (arch == slrt::architecture::amd_skinit) {
        slrt::amd_info a;
        a.slrt_base = k_slb + k_bl_offset;
        a.slrt_size = 0x1000;
        a.len = 32;
        REQUIRE(b.add(a));
    }
    buf.resize(b.size());
    return buf;
}

struct skinit_machine {
    fake_platform p;
    fake_localities loc;
    std::vector<u8> scratch = std::vector<u8>(0x20000);
    skinit::launch_options o;

    skinit_machine() {
        p.cpuids[{0x80000000u, 0}] = {0x80000008u, 0, 0, 0};
        p.cpuids[{0x80000001u, 0}] = {0, 0, (1u << 2) | (1u << 12), 0};
        p.msrs[skinit::msr_apic_base] = 0xFEE00900;
        const auto skl = make_skl();
        p.put(k_slb, byte_view(skl.data(), skl.size()));
        const auto t = make_amd_slrt();
        p.put(k_amd_slrt, byte_view(t.data(), t.size()));
        o.slb_base = k_slb;
        o.slrt_address = k_amd_slrt;
        o.scratch = mutable_byte_view(scratch.data(), scratch.size());
        o.dry_run = true;
    }
    status run(skinit::skinit_preamble_report& r) { return skinit::run_skinit_preamble(p, loc, o, r); }
};

void expect_skinit_failure(skinit_machine& m, skinit::preamble_step step, const char* rule, errc code,
                           const char* cause = "") {
    skinit::skinit_preamble_report r;
    const status s = m.run(r);
    REQUIRE_FALSE(s);
    CHECK(str(s.err().rule) == rule);
    CHECK(s.err().code == code);
    const dlh::step_record& rec = r.step(step);
    CHECK(rec.outcome == dlh::step_outcome::fail);
    CHECK(str(rec.cause_rule) == cause);
    for (u32 i = static_cast<u32>(step) + 1; i < skinit::preamble_step_count; ++i)
        CHECK(r.steps[i].outcome == dlh::step_outcome::not_run);
    CHECK(m.p.skinit_calls == 0);
}

}  // namespace

TEST_CASE("SKINIT preamble: dry run of a good machine", "[dlh][preamble][skinit]") {
    skinit_machine m;
    skinit::skinit_preamble_report r;
    const status s = m.run(r);
    INFO(str(s.err().rule) << " " << str(s.err().field) << " " << str(s.err().message));
    REQUIRE(s);
    CHECK(r.step(skinit::preamble_step::cpu).outcome == dlh::step_outcome::pass);
    CHECK(r.step(skinit::preamble_step::slb).outcome == dlh::step_outcome::pass);
    CHECK(r.step(skinit::preamble_step::slrt).outcome == dlh::step_outcome::pass);
    CHECK(r.step(skinit::preamble_step::dma).outcome == dlh::step_outcome::skipped);
    CHECK(r.step(skinit::preamble_step::localities).outcome == dlh::step_outcome::pass);
    CHECK(r.step(skinit::preamble_step::aps).outcome == dlh::step_outcome::pass);
    CHECK(r.step(skinit::preamble_step::skinit).outcome == dlh::step_outcome::skipped);
    CHECK(r.eax == k_slb);
    CHECK(m.p.skinit_calls == 0);
    CHECK(r.skl.header.generation == skinit::skl_generation::gen2);
    CHECK(r.skl.header.bootloader_data_offset == k_bl_offset);
    CHECK(r.slrt_address == k_slb + k_bl_offset);
    CHECK(r.slrt_max_size == 0x1000);
    // The SLRT is in the SLB at bootloader_data_offset; the measured bytes are untouched.
    const auto t = make_amd_slrt();
    CHECK(m.p.get(k_slb + k_bl_offset, t.size()) == t);
    CHECK(m.p.get(k_slb, k_length) == make_skl());
    CHECK(m.loc.calls == 1);
    CHECK(m.p.parked_with == ap_method::apic_init);
    CHECK(m.p.interrupts);  // put back: no launch happened
}

TEST_CASE("SKINIT preamble: a real launch with a DMA hook", "[dlh][preamble][skinit]") {
    skinit_machine m;
    m.o.dry_run = false;
    range seen{};
    m.o.dma_context = &seen;
    m.o.protect_dma = [](void* ctx, const range& slb) -> status {
        *static_cast<range*>(ctx) = slb;
        return success;
    };
    skinit::skinit_preamble_report r;
    REQUIRE(m.run(r));
    CHECK(r.launched);
    CHECK(r.dma_hook_ran);
    CHECK(seen == range{k_slb, 0x10000});
    CHECK(m.p.skinit_calls == 1);
    CHECK(m.p.skinit_eax == k_slb);
    CHECK_FALSE(m.p.interrupts);
}

TEST_CASE("SKINIT preamble: an SLRT already in place", "[dlh][preamble][skinit]") {
    skinit_machine m;
    const auto t = make_amd_slrt();
    m.p.put(k_slb + k_bl_offset, byte_view(t.data(), t.size()));
    m.o.slrt_address = 0;
    skinit::skinit_preamble_report r;
    REQUIRE(m.run(r));
    CHECK(m.p.get(k_slb + k_bl_offset, t.size()) == t);
}

TEST_CASE("SKINIT preamble: DLH-S1..S5 processor preconditions", "[dlh][preamble][skinit]") {
    SECTION("S1 no SVM") {
        skinit_machine m;
        m.p.cpuids[{0x80000001u, 0}].ecx = 1u << 12;
        expect_skinit_failure(m, skinit::preamble_step::cpu, "DLH-S1", errc::launch_requirement, "SKINIT-10");
    }
    SECTION("S1 no extended leaf at all") {
        skinit_machine m;
        m.p.cpuids[{0x80000000u, 0}].eax = 0x80000000u;
        expect_skinit_failure(m, skinit::preamble_step::cpu, "DLH-S1", errc::launch_requirement, "SKINIT-10");
    }
    SECTION("S2 SKINIT would raise #UD") {
        skinit_machine m;
        m.p.cpuids[{0x80000001u, 0}].ecx = 1u << 2;
        expect_skinit_failure(m, skinit::preamble_step::cpu, "DLH-S2", errc::launch_requirement, "SKINIT-11");
    }
    SECTION("S3 VM_CR.SVMDIS") {
        skinit_machine m;
        m.p.msrs[skinit::msr_vm_cr] = 0x18;
        expect_skinit_failure(m, skinit::preamble_step::cpu, "DLH-S3", errc::launch_requirement, "SKINIT-12");
    }
    SECTION("S4 not the BSP") {
        skinit_machine m;
        m.p.msrs[skinit::msr_apic_base] = 0xFEE00800;
        expect_skinit_failure(m, skinit::preamble_step::cpu, "DLH-S4", errc::launch_requirement, "SKINIT-13");
    }
    SECTION("S5 real mode") {
        skinit_machine m;
        m.p.cr0 = 0x10;
        expect_skinit_failure(m, skinit::preamble_step::cpu, "DLH-S5", errc::launch_requirement, "SKINIT-14");
    }
}

TEST_CASE("SKINIT preamble: DLH-S6 SLB placement", "[dlh][preamble][skinit]") {
    SECTION("not 64 KiB aligned") {
        skinit_machine m;
        m.o.slb_base = k_slb + 0x1000;
        expect_skinit_failure(m, skinit::preamble_step::slb, "DLH-S6", errc::misaligned, "SKINIT-6");
    }
    SECTION("above 4 GiB") {
        skinit_machine m;
        m.o.slb_base = u64{1} << 32;
        expect_skinit_failure(m, skinit::preamble_step::slb, "DLH-S6", errc::out_of_bounds, "SKINIT-7");
    }
}

TEST_CASE("SKINIT preamble: DLH-S7 the SKL image", "[dlh][preamble][skinit]") {
    SECTION("no SKL UUID") {
        skinit_machine m;
        const auto skl = make_skl(false);
        m.p.put(k_slb, byte_view(skl.data(), skl.size()));
        expect_skinit_failure(m, skinit::preamble_step::slb, "DLH-S7", errc::not_found, "SKL-21");
    }
    SECTION("SLRT inside the measured bytes") {
        skinit_machine m;
        auto skl = make_skl();
        skl[0x44] = 0x00;
        skl[0x45] = 0x08;  // bootloader_data_offset 0x800 < length 0x1000
        m.p.put(k_slb, byte_view(skl.data(), skl.size()));
        expect_skinit_failure(m, skinit::preamble_step::slb, "DLH-S7", errc::overlap, "SKL-32");
    }
}

TEST_CASE("SKINIT preamble: DLH-S8 and DLH-S9 the SLRT", "[dlh][preamble][skinit]") {
    SECTION("an Intel table") {
        skinit_machine m;
        const auto t = make_amd_slrt(true, slrt::architecture::intel_txt);
        m.p.put(k_amd_slrt, byte_view(t.data(), t.size()));
        expect_skinit_failure(m, skinit::preamble_step::slrt, "DLH-S8", errc::architecture_mismatch, "SKL-34");
    }
    SECTION("amd_info names another place") {
        skinit_machine m;
        m.o.slb_base = k_slb + 0x10000;
        const auto skl = make_skl();
        m.p.put(m.o.slb_base, byte_view(skl.data(), skl.size()));
        expect_skinit_failure(m, skinit::preamble_step::slrt, "DLH-S8", errc::value_out_of_range, "SKL-38");
    }
    SECTION("no dl_info") {
        skinit_machine m;
        const auto t = make_amd_slrt(false);
        m.p.put(k_amd_slrt, byte_view(t.data(), t.size()));
        expect_skinit_failure(m, skinit::preamble_step::slrt, "DLH-S9", errc::missing_entry, "SLRT-X1");
    }
}

TEST_CASE("SKINIT preamble: DLH-S10..S13 hooks, localities, APs, SKINIT", "[dlh][preamble][skinit]") {
    SECTION("S10 DMA hook") {
        skinit_machine m;
        m.o.protect_dma = [](void*, const range&) -> status {
            return error{errc::launch_requirement, 0, no_entry, "iommu", "", "no IOMMU", 0, 0};
        };
        expect_skinit_failure(m, skinit::preamble_step::dma, "DLH-S10", errc::launch_requirement);
    }
    SECTION("S11 localities") {
        skinit_machine m;
        m.loc.result = error{errc::tpm_error, 0, no_entry, "TPM.ACCESS", "TPM-I9", "stuck", 0, 0};
        expect_skinit_failure(m, skinit::preamble_step::localities, "DLH-S11", errc::tpm_error, "TPM-I9");
    }
    SECTION("S12 APs") {
        skinit_machine m;
        m.p.park_result = error{errc::launch_requirement, 0, no_entry, "icr", "", "busy", 0, 0};
        expect_skinit_failure(m, skinit::preamble_step::aps, "DLH-S12", errc::launch_requirement);
        CHECK(m.p.interrupts);
    }
    SECTION("S13 SKINIT returned") {
        skinit_machine m;
        m.o.dry_run = false;
        m.p.skinit_result = error{errc::launch_requirement, 0, no_entry, "skinit", "SIM-2", "#UD", 0, 0};
        skinit::skinit_preamble_report r;
        const status s = m.run(r);
        REQUIRE_FALSE(s);
        CHECK(str(s.err().rule) == "DLH-S13");
        CHECK(str(r.step(skinit::preamble_step::skinit).cause_rule) == "SIM-2");
        CHECK(m.p.skinit_calls == 1);
    }
}

TEST_CASE("SKINIT preamble: DLH-S14..S16 scratch, memory, order", "[dlh][preamble][skinit]") {
    SECTION("S14 scratch") {
        skinit_machine m;
        m.o.scratch = mutable_byte_view(m.scratch.data(), 0x10000);
        expect_skinit_failure(m, skinit::preamble_step::slrt, "DLH-S14", errc::buffer_too_small);
    }
    SECTION("S15 memory") {
        skinit_machine m;
        m.o.slb_base = k_memory;
        expect_skinit_failure(m, skinit::preamble_step::slb, "DLH-S15", errc::memory_unmapped);
    }
    SECTION("S16 order") {
        skinit_machine m;
        skinit::skinit_preamble<fake_platform, fake_localities> pre(m.p, m.loc, m.o);
        const status s = pre.launch();
        REQUIRE_FALSE(s);
        CHECK(str(s.err().rule) == "DLH-S16");
        CHECK(s.err().code == errc::bad_argument);
    }
}
