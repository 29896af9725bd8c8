// Dynamic launches on the simulated machines (dlh/sim) against a real TPM 2.0 (swtpm + libtpms):
//
// TXT: an SLRT for a sample Linux launch built with slrt::builder; a simulated TXT machine with
//   a SINIT built by dlh::txt::build_acm and an MLE whose header comes from build_mle_header; the
//   TXT preamble (dlh/txt/preamble.hpp) first as a dry run, then for real over the simulator,
//   closing the TPM localities with the dlh::tpm TIS driver through the simulated TIS window. The
//   simulated SINIT runs HASH_START/DATA/END on swtpm's control channel and its PCR 17/18 extends
//   at locality 3, and begins the TCG event log; the "MLE" callback then measures what the SLRT
//   policy names (policy/plan.hpp, measure.hpp), appends to that log and extends at locality 2
//   through the TIS driver and the simulated TIS window. The replay of the whole log must equal
//   every PCR swtpm holds in every bank slrt can compute.
//
// SKINIT: the SKL image of spec/vectors/skinit (gen2-skl.bin) copied to its SLB base on the
//   simulated AMD machine and the vector's SLRT left elsewhere in RAM; the SKINIT preamble
//   (dlh/skinit/preamble.hpp) for real over the simulator: it checks the CPU and the SKL image,
//   places the SLRT at bootloader_data_offset (the SLB must then equal placed-gen2.bin), runs a
//   DMA hook, closes the TPM localities with the dlh::tpm TIS driver, puts the APs in INIT and
//   executes SKINIT with EAX = SLB base. Simulated SKINIT hashes the measured bytes into swtpm;
//   the "secure loader" callback logs SKINIT and extends SKL's measurements of the SLRT and DLME
//   at locality 2 (dlh/skinit/measure.hpp); PCR 17 equals the vector's and replay == TPM.
//
// Exit status 77 (ctest SKIP_RETURN_CODE) when swtpm is not installed.
#define CATCH_CONFIG_RUNNER
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/swtpm.hpp"
#include "dlh/sim/sim.hpp"
#include "dlh/skinit/measure.hpp"
#include "dlh/skinit/preamble.hpp"
#include "dlh/tpm/tis.hpp"
#include "dlh/tpm/transport.hpp"
#include "dlh/txt/preamble.hpp"
#include "policy/eventlog.hpp"
#include "policy/measure.hpp"
#include "policy/plan.hpp"
#include "slrt/slrt.hpp"

using namespace slrt;
namespace sim = dlh::sim;
namespace tx = dlh::txt;
namespace sk = dlh::skinit;

namespace {

using bytes_t = std::vector<u8>;
std::string g_swtpm;

std::string hex(const digest& d) {
    std::string s;
    for (u32 i = 0; i < d.size(); ++i) {
        static const char* x = "0123456789abcdef";
        s += x[d.bytes[i] >> 4];
        s += x[d.bytes[i] & 15];
    }
    return s;
}

// The simulator's TPM hook on a standalone swtpm: the DRTM sequence on the control channel,
// commands on the server socket after SET_LOCALITY.
class swtpm_port final : public sim::tpm_port {
public:
    explicit swtpm_port(slrt_test::swtpm& t) : t_(t) {}
    status hash_start() override { return control(slrt_test::cmd_hash_start, {}, "hash_start"); }
    status hash_data(byte_view d) override {
        slrt_test::swtpm::bytes_t payload(4);
        store_be(mutable_byte_view(payload.data(), 4), 0, 4, d.size());
        payload.insert(payload.end(), d.data(), d.data() + d.size());
        return control(slrt_test::cmd_hash_data, payload, "hash_data");
    }
    status hash_end() override { return control(slrt_test::cmd_hash_end, {}, "hash_end"); }
    result<u32> command(u8 locality, byte_view cmd, mutable_byte_view rsp) override {
        if (locality != current_) {
            if (status s = control(slrt_test::cmd_set_locality, {locality}, "set_locality"); !s) return s.err();
            current_ = locality;
        }
        const slrt_test::swtpm::bytes_t r = t_.command(cmd);
        if (r.empty() || r.size() > rsp.size())
            return error{errc::tpm_error, 0, no_entry, "swtpm", "SIM-4", "no response from swtpm", r.size(), rsp.size()};
        copy(rsp, 0, byte_view(r.data(), r.size()));
        ++commands;
        return static_cast<u32>(r.size());
    }
    u32 active_banks(hash_alg* out, u32 capacity) override {
        u8 cmd[64]{};
        const result<u32> n = tpm2_encode_get_capability_pcrs(mutable_byte_view(cmd, sizeof cmd));
        if (!n) return 0;
        const slrt_test::swtpm::bytes_t r = t_.command(byte_view(cmd, *n));
        const result<tpm2_pcr_allocation> a = tpm2_decode_get_capability_pcrs(byte_view(r.data(), r.size()));
        if (!a) return 0;
        return a->active_banks(out, capacity);
    }
    u32 commands = 0;

private:
    status control(u32 code, const slrt_test::swtpm::bytes_t& payload, const char* what) {
        u32 rc = 1;
        if (!t_.control(code, payload, rc) || rc != 0)
            return error{errc::tpm_error, 0, no_entry, what, "SIM-4", "swtpm control command failed", rc, 0};
        return success;
    }
    slrt_test::swtpm& t_;
    u8 current_ = 0xff;
};

std::vector<hash_alg> active_banks(swtpm_port& port) {
    hash_alg a[8]{};
    const u32 n = port.active_banks(a, 8);
    REQUIRE(n >= 1);
    REQUIRE(n <= 8);
    return std::vector<hash_alg>(a, a + n);
}

// Replay of `log` equals every PCR of every computable bank swtpm has.
u32 compare_with_tpm(slrt_test::swtpm& t, byte_view log, const std::vector<hash_alg>& banks) {
    const result<event_log> parsed = parse_event_log(log);
    INFO((parsed ? "" : parsed.err().message));
    REQUIRE(parsed);
    pcr_bank_set replayed;
    REQUIRE(replay(*parsed, replayed));
    const pcr_bank_set tpm = slrt_test::read_pcrs(t, banks);
    u32 compared = 0;
    for (hash_alg a : banks) {
        const pcr_bank* mine = replayed.find(a);
        if (!mine || !mine->computable) continue;
        for (u32 p = 0; p < 24; ++p) {
            INFO(name(a) << " PCR " << p);
            CHECK(hex(mine->pcrs[p]) == hex(tpm.find(a)->pcrs[p]));
            ++compared;
        }
        CHECK_FALSE(all_zero(mine->pcrs[17].view()));
    }
    return compared;
}

bytes_t read_vector(const std::string& rel) {
    std::ifstream in(std::string(SLRT_SOURCE_DIR) + "/spec/vectors/skinit/" + rel, std::ios::binary);
    REQUIRE(in);
    return bytes_t(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("tpm: TXT preamble on the simulated machine, SINIT and MLE measurements replay to swtpm's PCRs",
          "[tpm][sim][txt]") {
    slrt_test::swtpm tpm(g_swtpm, "dlh-sim-txt");
    INFO("swtpm state in " << tpm.dir());
    REQUIRE(tpm.running());
    swtpm_port port(tpm);
    const std::vector<hash_alg> banks = active_banks(port);

    // The machine: firmware state, BiosData, and a SINIT module (the loader's file).
    const sim::txt_layout l;
    bytes_t ram(l.ram_size), txt_memory(l.txt_size);
    auto p = std::make_unique<sim::txt_platform>();
    p->connect_tpm(&port);
    // swtpm activates four banks; SINITs refuse more than three (SDG Table I-4, 4/0xF), so this
    // simulated chipset takes all of them.
    p->config.max_pcr_banks = 8;
    const result<u32> sinit_size = sim::install_txt_machine(*p, l, mutable_byte_view(ram.data(), ram.size()),
                                                            mutable_byte_view(txt_memory.data(), txt_memory.size()));
    REQUIRE(sinit_size);
    const bytes_t sinit_file(p->memory.window(l.sinit_base, *sinit_size).data(),
                             p->memory.window(l.sinit_base, *sinit_size).data() + *sinit_size);
    fill(p->memory.window(l.sinit_base, l.sinit_size), 0, l.sinit_size, 0);  // the preamble copies it
    p->tis.set_active(0);  // firmware left locality 0 open: the preamble must close it

    // The MLE: a 32 KiB image whose version 2.2 header sits at 0x40.
    constexpr u32 mle_size = 0x8000, header_offset = 0x40, entry = 0x400;
    REQUIRE(sim::make_mle_image(p->memory.window(l.mle_base, mle_size), header_offset, entry));

    // A sample Linux launch in RAM: boot params, command line, a setup_data chain with an indirect
    // node, an initrd (as in tests/tpm/swtpm_test.cpp).
    const u64 base = 0x01600000;
    mutable_byte_view linux_area = p->memory.window(base, 0x40000);
    for (std::size_t i = 0; i < linux_area.size(); ++i) linux_area[i] = static_cast<u8>(i ^ (i >> 8) ^ (i >> 16));
    auto node = [&](u64 at, u64 next, u32 type, u32 len) {
        store_le(linux_area, at - base, 8, next);
        store_le(linux_area, at - base + 8, 4, type);
        store_le(linux_area, at - base + 12, 4, len);
    };
    node(base + 0x2000, base + 0x2100, 1, 40);
    node(base + 0x2100, 0, setup_indirect, 24);
    store_le(linux_area, 0x2100 + 24, 8, 0x800);
    store_le(linux_area, 0x2100 + 32, 8, base + 0x3000);

    // The SLRT (v16), at l.slrt: dl_info, log_info, intel_info, the policy.
    const auto bios = tx::parse_heap_layout(p->memory.window(l.heap_base, l.heap_size), tx::heap_stage::bios);
    REQUIRE(bios);
    const u64 os_mle_content = l.heap_base + bios->size[0] + 8;  // OsMleData after its size field
    mutable_byte_view slrt_page = p->memory.window(l.slrt, 0x1000);
    builder sb(slrt_page, layout::v16);
    REQUIRE(sb.init(architecture::intel_txt, 0x1000));
    dl_info dl;
    dl.dce_base = l.sinit_base;
    dl.dce_size = *sinit_size;
    dl.dlme_base = l.mle_base;
    dl.dlme_size = mle_size;
    dl.dlme_entry = entry;
    dl.dlme_header_offset = header_offset;
    REQUIRE(sb.add(dl));
    REQUIRE(sb.add(log_info{log_format::tpm20, l.event_log_size, l.event_log}));
    intel_info intel;
    intel.boot_params_addr = base;
    intel.txt_heap = l.heap_base;
    REQUIRE(sb.add(intel));
    const policy_entry entries[] = {
        {18, entity_type::slrt, policy_flag_implicit_size, 0, l.slrt, "Measured SLR Table"},
        {18, entity_type::boot_params, 0, 0x1000, base, "Measured boot parameters"},
        {18, entity_type::setup_data, policy_flag_implicit_size, 0, base + 0x2000, "Measured Kernel setup_data"},
        {18, entity_type::cmdline, 0, 0x100, base + 0x1000, "Measured Kernel command line"},
        {17, entity_type::ramdisk, 0, 0x30000, base + 0x10000, "Measured Kernel initrd"},
        {18, entity_type::txt_os2mle, 0, tx::os_mle_linux_v1_size, os_mle_content, "Measured TXT OS-MLE data"},
    };
    REQUIRE(sb.add_policy(entries, 6));

    // The preamble's inputs.
    std::vector<u16> tpm_banks;
    for (hash_alg a : banks) tpm_banks.push_back(static_cast<u16>(a));
    const byte_view modules[1] = {byte_view(sinit_file.data(), sinit_file.size())};
    const dlh::range ram_map[1] = {{l.ram_base, l.ram_size}};
    bytes_t scratch(0x40000);
    tx::launch_options o;
    o.slrt_address = l.slrt;
    o.slrt_layout = layout::v16;
    o.mle_base = l.mle_base;
    o.mle_size = mle_size;
    o.mle_header_offset = header_offset;
    o.page_table_base = l.mle_ptab;
    o.sinit_modules = modules;
    o.sinit_module_count = 1;
    o.tpm_banks = tpm_banks.data();
    o.tpm_bank_count = static_cast<u32>(tpm_banks.size());
    o.ram = tx::dma_list<dlh::range>(ram_map);
    o.ap_wake_block = static_cast<u32>(l.ap_wake_block);
    o.ap_wake_block_size = l.ap_wake_block_size;
    o.scratch = mutable_byte_view(scratch.data(), scratch.size());
    dlh::tpm::tis<sim::txt_platform> tis(*p);

    // The MLE: what Linux Secure Launch does with the SLRT policy, at locality 2.
    u32 mle_entries = 0, mle_extends = 0;
    auto mle = [&](sim::txt_platform& m, const sim::mle_entry_state& e) -> status {
        ++mle_entries;
        CHECK(e.eip == l.mle_base + entry);
        CHECK(e.ecx_valid);
        CHECK(e.ecx == l.mle_ptab);
        CHECK(e.cr4 == 0x4000);
        REQUIRE(e.event_log == l.event_log);
        // OsMleData -> the SLRT, validated from a copy.
        const u64 slrt_address = m.memory.load(os_mle_content + 8, 8);
        CHECK(slrt_address == l.slrt);
        bytes_t copy_of_slrt(0x1000);
        REQUIRE(m.read(slrt_address, mutable_byte_view(copy_of_slrt.data(), copy_of_slrt.size())));
        const result<table> t = parse(byte_view(copy_of_slrt.data(), copy_of_slrt.size()), {layout::v16, mode::strict});
        INFO((t ? "" : t.err().message));
        REQUIRE(t);
        plan<32> planned;
        REQUIRE(make_plan(*t, m.memory, measure_rules::linux_v16, planned));
        CHECK(planned.count == 7);
        // Continue the log SINIT began.
        const mutable_byte_view log_area = m.memory.window(e.event_log, l.event_log_size);
        const result<event_log> begun = parse_event_log(byte_view(log_area.data(), log_area.size()));
        REQUIRE(begun);
        log_writer log(log_area);
        REQUIRE(log.attach(*begun));
        // Locality 2 through the TIS window of the simulated chipset (open after SENTER).
        dlh::tpm::tis<sim::txt_platform> drv(m);
        REQUIRE(drv.request_locality(2));
        dlh::tpm::transport<dlh::tpm::tis<sim::txt_platform>> tr(drv, 2);
        for (const plan_step& step : planned) {
            digest d[max_log_banks] = {};
            REQUIRE(measure_step(*t, m.memory, step, banks.data(), static_cast<u32>(banks.size()), d));
            REQUIRE(log.append(step.pcr, step.event_type, d, static_cast<u32>(banks.size()),
                               byte_view(reinterpret_cast<const u8*>(step.label.bytes), step.label.length())));
            const status extended = tr.pcr_extend(step.pcr, d, static_cast<u32>(banks.size()));
            INFO("PCR_Extend " << (extended ? "ok" : extended.err().rule));
            REQUIRE(extended);
            ++mle_extends;
        }
        REQUIRE(drv.relinquish_locality(2));
        return success;
    };
    p->mle.bind(mle);

    // Dry run: every step but SENTER, then the MTRRs and interrupts back.
    {
        tx::launch_options dry = o;
        dry.dry_run = true;
        tx::txt_preamble_report report;
        const status s = tx::run_txt_preamble(*p, tis, dry, report);
        INFO((s ? "" : s.err().rule) << " " << (s ? "" : s.err().message));
        REQUIRE(s);
        CHECK(report.ok());
        CHECK_FALSE(report.launched);
        CHECK(report.restored);
        CHECK(p->senter_count == 0);
        CHECK(report.sinit_size == *sinit_size);
        CHECK(report.senter.ebx == l.sinit_base);
        CHECK_FALSE(p->tis.any_active());
    }

    // The launch.
    tx::txt_preamble_report report;
    const status launched = tx::run_txt_preamble(*p, tis, o, report);
    INFO("preamble: " << (launched ? "" : launched.err().rule) << " " << (launched ? "" : launched.err().message)
                      << " | sim: " << p->last_launch.rule << " " << p->last_launch.check << " / "
                      << p->last_launch.cause.rule << " " << p->last_launch.cause.message << " errorcode 0x" << std::hex
                      << p->regs.errorcode);
    REQUIRE(launched);
    CHECK(report.launched);
    CHECK(p->senter_count == 1);
    CHECK(p->last_launch.outcome == sim::launch_outcome::launched);
    CHECK(p->regs.errorcode == 0xC0000001u);
    CHECK(mle_entries == 1);
    CHECK(mle_extends == 7);

    // The whole log (SINIT's events, then the MLE's) against the TPM.
    const u32 compared = compare_with_tpm(tpm, byte_view(p->memory.window(l.event_log, l.event_log_size)), banks);
    CHECK(compared >= 24);
    std::printf("dlh sim TXT: %zu banks, %u PCR values of the log's replay matched swtpm; SINIT + %u MLE extends, %u "
                "TPM commands\n",
                banks.size(), compared, mle_extends, port.commands);
}

TEST_CASE("tpm: SKINIT on the simulated AMD machine, SKL's measurements replay to swtpm's PCRs",
          "[tpm][sim][skinit]") {
    slrt_test::swtpm tpm(g_swtpm, "dlh-sim-skinit");
    INFO("swtpm state in " << tpm.dir());
    REQUIRE(tpm.running());
    swtpm_port port(tpm);
    const std::vector<hash_alg> banks = active_banks(port);
    std::vector<hash_alg> computable;
    for (hash_alg a : banks)
        if (hasher::is_supported(a)) computable.push_back(a);
    REQUIRE(!computable.empty());

    const bytes_t skl_file = read_vector("valid/gen2-skl.bin");
    const bytes_t slrt_file = read_vector("valid/placed-gen2-slrt.bin");
    const bytes_t placed = read_vector("valid/placed-gen2.bin");
    const bytes_t dlme = read_vector("valid/dlme.bin");
    std::ifstream doc_in(std::string(SLRT_SOURCE_DIR) + "/spec/vectors/skinit/valid/placed-gen2.json");
    const nlohmann::json doc = nlohmann::json::parse(doc_in);
    const u64 slb_base = doc["slb_base"].get<u64>(), dlme_base = doc["dlme_base"].get<u64>();
    const u32 slrt_offset = doc["slrt_offset"].get<u32>();
    REQUIRE(placed.size() == sk::slb_size);
    REQUIRE(skl_file.size() < slrt_offset);

    // The machine: RAM holding the DLME and, past it, the SLRT as the loader built it; the SKL
    // file copied to the start of the 64 KiB SLB, the rest zero (the preamble places the SLRT).
    auto p = std::make_unique<sim::amd_platform>();
    constexpr u64 slrt_in_ram = 0x80000;  // offset into RAM, well past the DLME
    bytes_t dlme_memory(0x100000);
    std::copy(dlme.begin(), dlme.end(), dlme_memory.begin());
    std::copy(slrt_file.begin(), slrt_file.end(), dlme_memory.begin() + slrt_in_ram);
    REQUIRE(sim::install_amd_machine(*p, dlme_base, mutable_byte_view(dlme_memory.data(), dlme_memory.size())));
    // The highest extended leaf: the preamble reads it before Fn8000_0001.
    REQUIRE(p->cpu.set_cpuid(0x80000000u, 0, {0x80000008u, 0x68747541, 0x444d4163, 0x69746e65}));
    bytes_t slb(sk::slb_size);
    std::copy(skl_file.begin(), skl_file.end(), slb.begin());
    REQUIRE(p->memory.add(slb_base, mutable_byte_view(slb.data(), slb.size())));
    p->connect_tpm(&port);
    p->tis.set_active(0);  // firmware left locality 0 open: the preamble must close it
    CHECK_FALSE(p->aps.all(sim::ap_state::init));  // and the APs running: the preamble parks them

    // The simulator has no IOMMU; the loader's DMA hook records the block SKINIT protects.
    struct dma_record {
        u32 calls = 0;
        dlh::range slb{};
    } dma;
    const sk::dma_hook protect = [](void* context, const dlh::range& r) -> status {
        auto* d = static_cast<dma_record*>(context);
        ++d->calls;
        d->slb = r;
        return success;
    };

    // The secure loader: SKL's log and its two extends at locality 2 (dlh/skinit/measure.hpp).
    bytes_t log_buffer(0x8000);
    u32 extends = 0, entries = 0;
    bool logging = false;
    auto sl = [&](sim::amd_platform& m, const sim::sl_entry_state& e) -> status {
        ++entries;
        CHECK(e.eax == slb_base);
        CHECK(e.esp == slb_base + 0x10000);
        CHECK(e.dev_protected == sk::slb_range(slb_base));
        CHECK_FALSE(e.gif);
        CHECK_FALSE(m.cpu.interrupts);
        CHECK_FALSE(m.tis.any_active());
        // The SLRT where SKL looks for it: at the image's bootloader_data_offset.
        const mutable_byte_view block = m.memory.window(e.eax, sk::slb_size);
        const result<sk::skl_image> skl = sk::parse_skl(block);
        REQUIRE(skl);
        const u32 at = skl->header.bootloader_data_offset;
        CHECK(at == slrt_offset);
        const result<table> t = parse(byte_view(block).subview(at), {layout::v10, mode::strict});
        INFO((t ? "" : t.err().message));
        REQUIRE(t);
        std::vector<hash_alg> skl_banks;
        for (hash_alg a : computable)
            if (sk::skl_extends(sk::tpm_family::tpm20, a)) skl_banks.push_back(a);
        logging = !skl_banks.empty();
        log_writer log(mutable_byte_view(log_buffer.data(), log_buffer.size()));
        if (logging) REQUIRE(log.init_tcg(skl_banks.data(), static_cast<u32>(skl_banks.size())));
        dlh::tpm::tis<sim::amd_platform> drv(m);
        REQUIRE(drv.request_locality(2));
        dlh::tpm::transport<dlh::tpm::tis<sim::amd_platform>> tr(drv, 2);
        const sk::amd_launch_options options{sk::tpm_family::tpm20, false, {}};
        REQUIRE(sk::for_each_amd_measurement(
            *t, m.memory, computable.data(), static_cast<u32>(computable.size()), options,
            [&](const sk::amd_measurement& meas) -> status {
                std::vector<digest> d;
                for (u32 i = 0; i < meas.bank_count; ++i)
                    if (sk::skl_extends(sk::tpm_family::tpm20, meas.banks[i])) d.push_back(meas.digests[i]);
                if (logging) {
                    const byte_view label(reinterpret_cast<const u8*>(meas.step->label.bytes), meas.step->label.length());
                    REQUIRE(log.append(meas.step->pcr, meas.step->event_type, d.data(), static_cast<u32>(d.size()),
                                       label));
                }
                if (meas.by == sk::measurer::skinit || d.empty()) return success;  // SKINIT did it
                const status s = tr.pcr_extend(meas.step->pcr, d.data(), static_cast<u32>(d.size()));
                REQUIRE(s);
                ++extends;
                return success;
            }));
        REQUIRE(drv.relinquish_locality(2));
        return success;
    };
    p->sl.bind(sl);

    // The launch through the preamble.
    bytes_t scratch(0x20000);
    sk::launch_options o;
    o.slb_base = slb_base;
    o.slrt_address = dlme_base + slrt_in_ram;
    o.slrt_layout = layout::v10;
    o.protect_dma = protect;
    o.dma_context = &dma;
    o.aps = dlh::ap_method::apic_init;
    o.scratch = mutable_byte_view(scratch.data(), scratch.size());
    dlh::tpm::tis<sim::amd_platform> tis(*p);
    sk::skinit_preamble_report report;
    const status s = sk::run_skinit_preamble(*p, tis, o, report);
    INFO("preamble: " << (s ? "" : s.err().rule) << " " << (s ? "" : s.err().message) << " | sim: "
                      << p->last_launch.rule << " " << p->last_launch.cause.rule << " "
                      << p->last_launch.cause.message);
    REQUIRE(s);
    CHECK(p->skinit_count == 1);
    CHECK(entries == 1);
    CHECK(p->last_launch.outcome == sim::launch_outcome::launched);
    CHECK(p->aps.all(sim::ap_state::init));

    // The report: every step passed, SKINIT ran with EAX = the SLB base.
    CHECK(report.ok());
    for (u32 i = 0; i < sk::preamble_step_count; ++i) {
        const auto step = static_cast<sk::preamble_step>(i);
        INFO("step " << sk::name(step) << ": " << dlh::name(report.step(step).outcome) << " "
                     << report.step(step).note);
        CHECK(report.step(step).outcome == dlh::step_outcome::pass);
    }
    CHECK_FALSE(report.dry_run);
    CHECK(report.launched);
    CHECK(report.eax == slb_base);
    CHECK(std::string(report.step(sk::preamble_step::skinit).key[0].name) == "EAX");
    CHECK(report.step(sk::preamble_step::skinit).key[0].value == slb_base);
    CHECK(report.skl.header.entry_point == doc["entry_point"].get<u16>());
    CHECK(report.skl.header.length == doc["length"].get<u16>());
    CHECK(report.slrt_address == slb_base + slrt_offset);
    CHECK(report.slrt_size == doc["slrt_size"].get<u32>());
    CHECK(report.slrt_max_size == doc["slrt_max_size"].get<u32>());
    CHECK(report.dma_hook_ran);
    CHECK(dma.calls == 1);
    CHECK(dma.slb == sk::slb_range(slb_base));

    // The preamble placed the SLRT exactly as the vector did.
    const std::size_t same_bytes =
        static_cast<std::size_t>(std::mismatch(slb.begin(), slb.end(), placed.begin()).first - slb.begin());
    INFO("the SLB differs from placed-gen2.bin at offset 0x" << std::hex << same_bytes);
    CHECK(same_bytes == slb.size());

    // PCR 17 as the vector says, and the replay of SKL's log equals the TPM.
    const pcr_bank_set after = slrt_test::read_pcrs(tpm, banks);
    for (hash_alg a : computable) {
        INFO(name(a));
        CHECK(hex(after.find(a)->pcrs[17]) == doc["pcr17_after_skl"]["tpm20"][name(a)].get<std::string>());
    }
    u32 compared = 0;
    if (logging) compared = compare_with_tpm(tpm, byte_view(log_buffer.data(), log_buffer.size()), banks);
    CHECK(extends == (logging ? 2u : 0u));
    std::printf("dlh sim SKINIT preamble: %zu banks, SKL extended %u times, %u PCR values of the replay matched "
                "swtpm\n",
                banks.size(), extends, compared);
}

int main(int argc, char** argv) { return slrt_test::run_with_swtpm(argc, argv, g_swtpm, ""); }
