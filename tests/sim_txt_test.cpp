// The simulated TXT machine (dlh/sim/txt_platform.hpp): the platform interface (CPUID, MSRs,
// memory bounds, TXT registers, TIS, APs), the software TPM, a successful GETSEC[SENTER] with the
// state the MLE sees, the log SINIT began and the PCRs it left, and one test per simulated SINIT
// check proving the TXT.ERRORCODE it leaves (and that dlh/txt/errorcode.hpp decodes it so).
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dlh/sim/sim.hpp"
#include "policy/eventlog.hpp"

using namespace dlh;
using dlh::sim::txt_platform;
using slrt::digest;
using slrt::hash_alg;
namespace sim = dlh::sim;
namespace tx = dlh::txt;

static_assert(dlh::platform<sim::txt_platform>);
static_assert(dlh::platform<sim::amd_platform>);
static_assert(slrt::memory<sim::physical_memory>);
static_assert(slrt::memory<sim::txt_platform>);

// ERRORCODE encoding (SDG Table I-1), at compile time.
static_assert(sim::sinit_errorcode(1, 1) == 0xC0000411u);
static_assert(sim::sinit_errorcode(0x10, 3) == 0xC0000D01u);
static_assert(sim::sinit_errorcode(9, 0xB) == 0xC0002C91u);
static_assert(sim::processor_errorcode(8) == 0x80000008u);
static_assert(sim::sinit_code_for(error{errc::misaligned, 0, 0, "os_sinit_data.vtd_pmr_hi_base", "TXT-H28", "", 0, 0}) ==
              sim::sinit_code{9, 4});
static_assert(sim::sinit_code_for(error{errc::misaligned, 0, 0, "os_sinit_data.vtd_pmr_lo_size", "TXT-H28", "", 0, 0}) ==
              sim::sinit_code{9, 3});
static_assert(sim::sinit_code_for(error{errc::page_table_invalid, 0, 0, "mle_ptab.pde", "TXT-T11", "", 0, 0}) ==
              sim::sinit_code{0x10, 3});
static_assert(sim::sinit_code_for(error{errc::ok, 0, 0, "", "SIM-99", "", 0, 0}) == sim::sinit_code{1, 1});

namespace {

using bytes_t = std::vector<u8>;

// A TPM port around the software TPM that can add a bank slrt cannot hash, or fail a step.
class test_tpm final : public sim::tpm_port {
public:
    sim::soft_tpm inner;
    bool extra_sm3 = false;
    bool fail_hash_start = false;
    status hash_start() override {
        if (fail_hash_start) return error{errc::tpm_error, 0, no_entry, "hash_start", "T", "refused", 0x101, 0};
        return inner.hash_start();
    }
    status hash_data(byte_view d) override { return inner.hash_data(d); }
    status hash_end() override { return inner.hash_end(); }
    result<u32> command(u8 l, byte_view c, mutable_byte_view r) override { return inner.command(l, c, r); }
    u32 active_banks(hash_alg* out, u32 cap) override {
        const u32 n = inner.active_banks(out, cap);
        if (extra_sm3 && n < cap) out[n] = hash_alg::sm3_256;
        return n + (extra_sm3 ? 1u : 0u);
    }
};

struct txt_machine {
    sim::txt_layout l{};
    bytes_t ram = bytes_t(l.ram_size);
    bytes_t txt_mem = bytes_t(l.txt_size);
    txt_platform p{};
    test_tpm tpm{};
    u32 sinit_size = 0;
    sim::txt_launch_state st{};
    u32 entries = 0;
    sim::mle_entry_state entry{};

    explicit txt_machine(const sim::txt_launch_request& rq = {}) {
        p.connect_tpm(&tpm);
        const result<u32> s = sim::install_txt_machine(p, l, mutable_byte_view(ram.data(), ram.size()),
                                                       mutable_byte_view(txt_mem.data(), txt_mem.size()));
        REQUIRE(s);
        sinit_size = *s;
        const auto r = sim::prepare_txt_launch(p, l, sinit_size, rq);
        INFO((r ? "" : r.err().rule));
        REQUIRE(r);
        st = *r;
    }
    status launch() {
        auto cb = [this](txt_platform&, const sim::mle_entry_state& s) -> status {
            ++entries;
            entry = s;
            return success;
        };
        p.mle.bind(cb);
        const status s = p.senter(static_cast<u32>(l.sinit_base), sinit_size);
        p.mle.clear();
        return s;
    }
    // The OsSinitData table (its size field) in physical memory.
    u64 os_sinit() const {
        const auto lay = tx::parse_heap_layout(p.memory.window(l.heap_base, l.heap_size), tx::heap_stage::pre_launch);
        REQUIRE(lay);
        return l.heap_base + lay->offset[2];
    }
    void poke(u64 addr, u32 width, u64 v) { REQUIRE(p.memory.store(addr, width, v)); }
    u64 peek(u64 addr, u32 width) const { return p.memory.load(addr, width); }
    // Rebuild the SINIT with a changed build and redo the ACM MTRRs for its size.
    void rebuild_sinit(const tx::acm_build& b) {
        const result<u32> n = tx::build_acm(b, p.memory.window(l.sinit_base, l.sinit_size));
        REQUIRE(n);
        sinit_size = *n;
    }
};

// The launch fails with `rule` and leaves the SINIT code class/major in ERRORCODE.
void expect_sinit_error(txt_machine& m, const char* rule, u32 error_class, u32 major) {
    const status s = m.launch();
    INFO("check " << m.p.last_launch.check << " cause " << m.p.last_launch.cause.rule << ": "
                  << m.p.last_launch.cause.message);
    REQUIRE_FALSE(s);
    CHECK(std::string(s.err().rule) == rule);
    CHECK(m.p.last_launch.outcome == sim::launch_outcome::acm_error);
    CHECK(m.p.regs.errorcode == sim::sinit_errorcode(error_class, major));
    CHECK(s.err().value == m.p.regs.errorcode);
    const tx::decoded_errorcode d = tx::decode_errorcode(m.p.regs.errorcode);
    CHECK(d.source == tx::errorcode_source::acm);
    CHECK(d.module_type == tx::errorcode_module_sinit);
    CHECK(d.error_class == error_class);
    CHECK(d.major == major);
    CHECK(d.documented);  // every code the simulator leaves is one of SDG Table I-4
    CHECK(m.entries == 0);
    CHECK_FALSE(m.p.launched());
}

void expect_processor_error(txt_machine& m, const char* rule, u32 type) {
    const status s = m.launch();
    INFO("check " << m.p.last_launch.check << " cause " << m.p.last_launch.cause.rule);
    REQUIRE_FALSE(s);
    CHECK(std::string(s.err().rule) == rule);
    CHECK(m.p.last_launch.outcome == sim::launch_outcome::processor_error);
    CHECK(m.p.regs.errorcode == sim::processor_errorcode(type));
    const tx::decoded_errorcode d = tx::decode_errorcode(m.p.regs.errorcode);
    CHECK(d.source == tx::errorcode_source::processor);
    CHECK(d.type == type);
    CHECK(m.entries == 0);
}

void expect_fault(txt_machine& m, const char* rule) {
    const u64 before = m.p.regs.errorcode;
    const status s = m.launch();
    REQUIRE_FALSE(s);
    CHECK(std::string(s.err().rule) == rule);
    CHECK(m.p.last_launch.outcome == sim::launch_outcome::fault);
    CHECK(m.p.regs.errorcode == before);  // the processor faulted: no ACM ran
    CHECK(m.entries == 0);
}

std::string hex(const digest& d) {
    std::string s;
    for (u32 i = 0; i < d.size(); ++i) {
        static const char* x = "0123456789abcdef";
        s += x[d.bytes[i] >> 4];
        s += x[d.bytes[i] & 15];
    }
    return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The platform interface

TEST_CASE("sim: physical memory is bounded and faults instead of touching what it does not own", "[sim]") {
    sim::physical_memory m;
    u8 a[64]{}, b[64]{};
    REQUIRE(m.add(0x1000, mutable_byte_view(a, sizeof a)));
    REQUIRE(m.add(0x1040, mutable_byte_view(b, sizeof b), sim::region_kind::reserved));
    CHECK(m.add(0x1020, mutable_byte_view(b, 8)).err().rule == std::string("SIM-2"));  // overlap
    CHECK_FALSE(m.add(~u64{0} - 4, mutable_byte_view(b, 8)));                         // wraps
    u8 out[16]{};
    CHECK(m.read(0x1000, mutable_byte_view(out, 16)));
    const status across = m.read(0x1038, mutable_byte_view(out, 16));  // spans both regions
    REQUIRE_FALSE(across);
    CHECK(across.err().code == errc::memory_unmapped);
    CHECK(std::string(across.err().rule) == "SIM-1");
    CHECK_FALSE(m.read(0xFFF, mutable_byte_view(out, 2)));
    CHECK_FALSE(m.write(~u64{0}, byte_view(out, 2)));
    CHECK(m.faults().count() == 3);
    CHECK(m.faults().last().kind == sim::fault_kind::memory);
    CHECK(m.store(0x1040, 8, 0x1122334455667788ull));
    CHECK(b[0] == 0x88);
    CHECK(m.load(0x1040, 8) == 0x1122334455667788ull);
    CHECK(m.is_ram(0x1000, 64));
    CHECK_FALSE(m.is_ram(0x1040, 8));
    CHECK(m.window(0x1030, 32).size() == 0);
}

TEST_CASE("sim: CPUID table, MSR map with #GP faults, control registers", "[sim]") {
    txt_platform p;
    REQUIRE(p.cpu.set_cpuid(1, 0, {1, 2, 3, 4}));
    CHECK(p.cpuid(1, 0) == cpu_registers{1, 2, 3, 4});
    CHECK(p.cpuid(1, 5) == cpu_registers{1, 2, 3, 4});  // no subleaves: subleaf 0 answers
    CHECK(p.cpuid(7, 0) == cpu_registers{});
    REQUIRE(p.cpu.define_msr(0xFE, 0x50A, true));
    CHECK(p.read_msr(0xFE) == 0x50A);
    p.write_msr(0xFE, 0);
    CHECK(p.read_msr(0xFE) == 0x50A);
    CHECK(p.cpu.faults().count() == 1);
    CHECK(p.read_msr(0x1234) == 0);
    CHECK(p.cpu.faults().count() == 2);
    CHECK(p.cpu.faults().last().address == 0x1234);
    p.write_cr4(0x4000);
    CHECK(p.read_cr4() == 0x4000);
    CHECK(p.disable_interrupts());
    CHECK_FALSE(p.disable_interrupts());
    p.enable_interrupts();
    p.wbinvd();
    p.flush_tlb();
    CHECK(p.cpu.wbinvd_count == 1);
    CHECK(p.io_read8(0x3F8) == 0xFF);
    p.io_write8(0xF4, 1);
    CHECK(p.io_writes == 1);
    CHECK(p.io_log[0].port == 0xF4);
}

TEST_CASE("sim: APs are parked by INIT (APIC ICR or park_aps) and by a loader hook", "[sim]") {
    txt_platform p;
    REQUIRE(p.cpu.define_msr(0x1B, 0xFEE00900));
    p.aps.count = 2;
    p.aps.set_all(sim::ap_state::running);
    p.mmio_write32(0xFEE00300, 0x000C0500);  // INIT, assert, all excluding self
    CHECK(p.aps.all(sim::ap_state::wait_for_sipi));
    CHECK((p.mmio_read32(0xFEE00300) & (1u << 12)) == 0);  // delivery status idle
    p.mmio_write32(0xFEE00300, 0x000C0600);                // SIPI
    CHECK(p.aps.all(sim::ap_state::running));
    CHECK(p.park_aps(ap_method::apic_init));
    CHECK(p.aps.all(sim::ap_state::wait_for_sipi));
    p.aps.set_all(sim::ap_state::running);
    const status none = p.park_aps(ap_method::loader_hook);
    REQUIRE_FALSE(none);
    CHECK(std::string(none.err().rule) == "SIM-5");
    p.loader_ap_hook = [](void*, sim::ap_set& aps) -> status {
        aps.set_all(sim::ap_state::wait_for_sipi);
        return success;
    };
    CHECK(p.park_aps(ap_method::loader_hook));
    CHECK(p.aps.all(sim::ap_state::wait_for_sipi));
}

TEST_CASE("sim: TXT registers: public space, private space closed before SENTER, commands", "[sim]") {
    txt_platform p;
    p.apply_config();
    const u64 pub = tx::public_space_base, priv = tx::private_space_base;
    CHECK(p.mmio_read64(pub + tx::config_reg::didvid) == 0x0000000100A08086ull);
    CHECK(p.mmio_read32(pub + tx::config_reg::didvid + 4) == 1);
    CHECK(p.mmio_read64(pub + tx::config_reg::sts) == tx::sts_field::sexit_done.mask());
    p.mmio_write32(pub + tx::config_reg::heap_base, 0x7FD00000);
    CHECK(p.regs.heap_base == 0x7FD00000);
    p.mmio_write32(pub + tx::config_reg::heap_base + 4, 1);  // the upper dword
    CHECK(p.regs.heap_base == 0x17FD00000ull);
    CHECK(p.mmio_read32(pub + tx::config_reg::heap_base + 4) == 1);
    p.mmio_write32(pub + tx::config_reg::heap_base + 4, 0);
    p.mmio_write32(pub + tx::config_reg::errorcode, 5);  // read-only in the public space
    CHECK(p.regs.errorcode == 0);
    CHECK(p.mmio_read64(priv + tx::config_reg::sts) == ~u64{0});  // private space closed
    CHECK(p.faults.last().kind == sim::fault_kind::mmio);
    p.regs.sts |= tx::sts_field::private_open.mask();
    p.mmio_write64(priv + tx::config_reg::cmd_open_locality1, 1);
    CHECK(tx::sts_field::locality1_open.test(p.regs.sts));
    CHECK((p.tis.decoded & 2u) != 0);
    p.mmio_write64(priv + tx::config_reg::cmd_secrets, 1);
    CHECK(tx::e2sts_field::secrets.test(p.mmio_read64(priv + tx::config_reg::e2sts)));
    p.mmio_write64(priv + tx::config_reg::cmd_close_private, 1);
    CHECK_FALSE(p.private_open());
    p.regs.dpr = 0x80000041;
    p.mmio_write32(pub + tx::config_reg::dpr, 0);  // locked
    CHECK(p.regs.dpr == 0x80000041);
    CHECK(p.mmio_read32(0xFED50000) == 0xFFFFFFFFu);  // nothing there
}

TEST_CASE("sim: GETSEC leaves need CR4.SMXE; CAPABILITIES and PARAMETERS answer from the config", "[sim]") {
    txt_platform p;
    CHECK(p.getsec(0, 0, 0, 0) == cpu_registers{});
    CHECK(p.faults.last().kind == sim::fault_kind::invalid_opcode);
    p.write_cr4(0x4000);
    CHECK(p.getsec(0, 0, 0, 0).eax == 0x1FD);
    p.config.parameters.max_ac_size = 0x40000;
    p.config.parameters.max_ac_size_reported = true;
    const auto params = tx::read_getsec_parameters([&](u32 i) {
        const cpu_registers r = p.getsec(6, i, 0, 0);
        return tx::getsec_parameter_triple{r.eax, r.ebx, r.ecx};
    });
    REQUIRE(params);
    CHECK(params->max_ac_size == 0x40000);
    CHECK(params->max_ac_size_reported);
    CHECK_FALSE(p.skinit(0x1000000));
}

TEST_CASE("sim: TIS window: locality request/relinquish and a command through the FIFO", "[sim][tpm]") {
    sim::amd_platform p;  // localities 0-3 decoded
    sim::soft_tpm tpm;
    p.connect_tpm(&tpm);
    const u64 loc2 = sim::tis_base + 2 * sim::tis_locality_size;
    CHECK(p.mmio_read8(loc2) == sim::tis_access::reg_valid);
    p.mmio_write8(loc2, sim::tis_access::request_use);
    CHECK(p.mmio_read8(loc2) == (sim::tis_access::reg_valid | sim::tis_access::active_locality));
    p.mmio_write8(sim::tis_base, sim::tis_access::request_use);  // locality 0 waits
    CHECK((p.mmio_read8(loc2) & sim::tis_access::pending_request) != 0);
    // PCR_Extend of PCR 20 (locality 1..4) through the FIFO.
    const digest d[2] = {slrt::hash(hash_alg::sha1, byte_view()), slrt::hash(hash_alg::sha256, byte_view())};
    u8 cmd[256]{};
    const auto n = slrt::tpm2_encode_pcr_extend(mutable_byte_view(cmd, sizeof cmd), 20, d, 2);
    REQUIRE(n);
    p.mmio_write8(loc2 + sim::tis_reg::sts, sim::tis_sts::command_ready);
    CHECK((p.mmio_read32(loc2 + sim::tis_reg::sts) & sim::tis_sts::command_ready) != 0);
    for (u32 i = 0; i < *n; ++i) p.mmio_write8(loc2 + sim::tis_reg::data_fifo, cmd[i]);
    CHECK((p.mmio_read32(loc2 + sim::tis_reg::sts) & sim::tis_sts::expect) == 0);
    p.mmio_write8(loc2 + sim::tis_reg::sts, sim::tis_sts::go);
    u8 rsp[64]{};
    u32 got = 0;
    while ((p.mmio_read32(loc2 + sim::tis_reg::sts) & sim::tis_sts::data_avail) && got < sizeof rsp)
        rsp[got++] = p.mmio_read8(loc2 + sim::tis_reg::data_fifo);
    CHECK(slrt::tpm2_decode_pcr_extend(byte_view(rsp, got)));
    const digest start = slrt::pcr_start_value(hash_alg::sha256, 20, slrt::pcr_start::pre_launch);
    CHECK(*tpm.pcr(hash_alg::sha256, 20) == slrt::extend_pcr(start, d[1]));
    // Relinquish: the pending locality 0 gets the TPM.
    p.mmio_write8(loc2, sim::tis_access::active_locality);
    CHECK(p.tis.active() == 0);
    CHECK(p.mmio_read8(sim::tis_base + 4 * sim::tis_locality_size) == 0xFF);  // locality 4: not software's
}

TEST_CASE("sim: software TPM: DRTM sequence, locality rules, PCR_Read and GetCapability", "[sim][tpm]") {
    const hash_alg banks[3] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384};
    sim::soft_tpm t(banks, 3);
    CHECK(t.pcr(hash_alg::sha256, 17)->bytes[0] == 0xFF);
    CHECK_FALSE(t.hash_data(byte_view()));
    const u8 loader[5] = {1, 2, 3, 4, 5};
    REQUIRE(t.hash_start());
    REQUIRE(t.hash_data(byte_view(loader, 2)));
    REQUIRE(t.hash_data(byte_view(loader + 2, 3)));
    REQUIRE(t.hash_end());
    for (hash_alg a : banks) {
        const digest expect = slrt::extend_pcr(digest{a, {}}, slrt::hash(a, byte_view(loader, 5)));
        CHECK(*t.pcr(a, 17) == expect);
        CHECK(slrt::all_zero(t.pcr(a, 18)->view()));
    }
    const digest d = slrt::hash(hash_alg::sha256, byte_view(loader, 1));
    CHECK(t.extend(0, 17, &d, 1) == slrt::tpm_rc_locality);
    CHECK(t.extend(1, 21, &d, 1) == slrt::tpm_rc_locality);
    CHECK(t.extend(2, 21, &d, 1) == 0);
    CHECK(t.extend(0, 24, &d, 1) == sim::tpm_rc_value);
    // PCR_Read through the codec: more than 8 PCRs take several reads.
    slrt::pcr_selection_list want;
    REQUIRE(want.add(hash_alg::sha256, 0xffffff));
    REQUIRE(want.add(hash_alg::sha1, 0x060000));
    u32 seen = 0;
    for (int round = 0; want.count != 0 && round < 8; ++round) {
        u8 cmd[128]{}, rsp[1024]{};
        const auto n = slrt::tpm2_encode_pcr_read(mutable_byte_view(cmd, sizeof cmd), want);
        REQUIRE(n);
        const auto r = t.command(0, byte_view(cmd, *n), mutable_byte_view(rsp, sizeof rsp));
        REQUIRE(r);
        const auto read = slrt::tpm2_decode_pcr_read(byte_view(rsp, *r));
        INFO((read ? "" : read.err().message));
        REQUIRE(read);
        for (u32 i = 0; i < read->digest_count; ++i) {
            CHECK(read->digests[i] == *t.pcr(read->digests[i].alg, read->pcr[i]));
            ++seen;
        }
        want = slrt::tpm2_selection_minus(want, read->selection);
    }
    CHECK(seen == 26);
    u8 cmd[64]{}, rsp[128]{};
    const auto n = slrt::tpm2_encode_get_capability_pcrs(mutable_byte_view(cmd, sizeof cmd));
    REQUIRE(n);
    const auto r = t.command(0, byte_view(cmd, *n), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE(r);
    const auto alloc = slrt::tpm2_decode_get_capability_pcrs(byte_view(rsp, *r));
    REQUIRE(alloc);
    hash_alg active[8]{};
    CHECK(alloc->active_banks(active, 8) == 3);
    // Unknown commands and malformed input answer with a response code, never a crash.
    const u8 junk[12] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0};
    const auto j = t.command(0, byte_view(junk, sizeof junk), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE(j);
    CHECK(slrt::load_be(byte_view(rsp, *j), 6, 4) == sim::tpm_rc_command_code);
    const auto s = t.command(0, byte_view(junk, 5), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE(s);
    CHECK(slrt::load_be(byte_view(rsp, *s), 6, 4) == sim::tpm_rc_size);
}

// ---------------------------------------------------------------------------------------------
// SENTER: success

TEST_CASE("sim: SENTER measures, writes SinitMleData and enters the MLE with the documented state", "[sim]") {
    txt_machine m;
    const u64 cr0_before = m.p.cpu.cr0;
    const status s = m.launch();
    INFO(m.p.last_launch.rule << " " << m.p.last_launch.check << " " << m.p.last_launch.cause.rule << " "
                              << m.p.last_launch.cause.message);
    REQUIRE(s);
    REQUIRE(m.entries == 1);
    CHECK(m.p.last_launch.outcome == sim::launch_outcome::launched);
    CHECK(m.p.regs.errorcode == 0xC0000001u);
    CHECK(tx::decode_errorcode(m.p.regs.errorcode).status == tx::errorcode_status::success);
    CHECK(m.p.launched());
    CHECK(m.p.private_open());
    CHECK(tx::sts_field::locality2_open.test(m.p.regs.sts));
    CHECK_FALSE(tx::sts_field::sexit_done.test(m.p.regs.sts));
    const sim::mle_entry_state& e = m.entry;
    CHECK(e.eip == m.l.mle_base + 0x400);
    CHECK(e.ebx == e.eip);
    CHECK(e.entry_linear == 0x400);
    CHECK(e.ecx_valid);
    CHECK(e.ecx == m.l.mle_ptab);
    CHECK(e.cr4 == 0x4000);
    CHECK(e.cr0 == (cr0_before & ~u64{0x80050000}));
    CHECK(e.efer == 0);
    CHECK(e.debugctl == 0);
    CHECK(e.misc_enable == tx::mle_entry::ilp_misc_enable(0x850089, true));  // MONITOR requested
    CHECK((e.apic_base & 0xFFFFFF000ull) == 0xFEE00000);
    CHECK(e.cs_selector == 0x08);
    CHECK_FALSE(e.interrupts);
    CHECK(e.smi_masked);

    // SinitMleData v9 with one MDR (the RAM) after OsSinitData.
    const auto heap = tx::parse_heap(m.p.memory.window(m.l.heap_base, m.l.heap_size));
    REQUIRE(heap);
    CHECK(heap->sinit_mle.version == 9);
    REQUIRE(heap->sinit_mle.mdrs.count() == 1);
    CHECK(heap->sinit_mle.mdrs[0].address == m.l.ram_base);
    CHECK(heap->sinit_mle.mdrs[0].length == m.l.ram_size);
    CHECK(heap->sinit_mle.rlp_wakeup_addr != 0);
    CHECK(e.sinit_mle_data == m.l.heap_base + heap->layout.offset[3]);
    tx::heap_check_options o;
    o.mode = tx::check_mode::permissive;
    o.tpm = tx::tpm_family::tpm20;
    CHECK(tx::check_heap(*heap, o));

    // The MLE hash is the flat MLE's (the page tables map it contiguously from FirstValidPage 0).
    const auto hdr = tx::parse_mle_header(m.p.memory.window(m.l.mle_base + 0x40, 52));
    REQUIRE(hdr);
    const auto flat = tx::measure_mle_flat(m.p.memory.window(m.l.mle_base, 0x8000), *hdr, hash_alg::sha256);
    REQUIRE(flat);
    REQUIRE(e.bank_count == 2);
    CHECK(e.banks[1] == hash_alg::sha256);
    CHECK(e.mle_hash[1] == *flat);

    // The log SINIT began replays to the software TPM's PCR 17 and 18.
    REQUIRE(e.event_log == m.l.event_log);
    const auto log = slrt::parse_event_log(m.p.memory.window(m.l.event_log, m.l.event_log_size));
    REQUIRE(log);
    CHECK(log->event_count() == 12);  // HASH_START, 5 + MLE on PCR 17, 5 on PCR 18 (after the header)
    CHECK(e.event_log_size == log->events_end());
    slrt::pcr_bank_set replayed;
    REQUIRE(slrt::replay(*log, replayed));
    for (hash_alg a : {hash_alg::sha1, hash_alg::sha256}) {
        INFO(slrt::name(a));
        CHECK(hex(replayed.find(a)->pcrs[17]) == hex(*m.tpm.inner.pcr(a, 17)));
        CHECK(hex(replayed.find(a)->pcrs[18]) == hex(*m.tpm.inner.pcr(a, 18)));
    }
    // NextRecordOffset in the heap element follows the log.
    for (const tx::element& el : heap->os_sinit.ext_data_elements)
        if (el.type == 8) CHECK(tx::decode_event_log_pointer2_1(el)->next_record_offset == log->events_end());

    // A second SENTER while launched faults (#GP).
    m.entries = 0;
    expect_fault(m, "SIM-13");
}

TEST_CASE("sim: SENTER without the ECX_PGTBL request leaves ECX undefined; GETSEC wake", "[sim]") {
    sim::txt_launch_request rq;
    rq.caps = tx::capabilities{0x201};  // GETSEC wake, TCG log
    txt_machine m(rq);
    REQUIRE(m.launch());
    CHECK_FALSE(m.entry.ecx_valid);
    CHECK(m.entry.misc_enable == tx::mle_entry::ilp_misc_enable(0x850089, false));
    const auto heap = tx::parse_heap(m.p.memory.window(m.l.heap_base, m.l.heap_size));
    REQUIRE(heap);
    CHECK(heap->sinit_mle.rlp_wakeup_addr == 0);
    m.p.getsec(8, 0, 0, 0);  // WAKEUP
    CHECK(m.p.aps.all(sim::ap_state::running));
    m.p.getsec(5, 0, 0, 0);  // SEXIT
    CHECK_FALSE(m.p.launched());
}

// ---------------------------------------------------------------------------------------------
// SENTER: one test per check

TEST_CASE("sim SENTER: processor faults leave ERRORCODE alone (SIM-10..SIM-18)", "[sim]") {
    SECTION("SIM-10 CR4.SMXE clear") {
        txt_machine m;
        m.p.cpu.cr4 = 0;
        expect_fault(m, "SIM-10");
        CHECK(m.p.faults.last().kind == sim::fault_kind::invalid_opcode);
    }
    SECTION("SIM-10 no SENTER leaf") {
        txt_machine m;
        m.p.config.getsec_capabilities = 0x1;
        expect_fault(m, "SIM-10");
    }
    SECTION("SIM-11 IA32_FEATURE_CONTROL unlocked") {
        txt_machine m;
        m.p.cpu.force_msr(tx::msr_ia32_feature_control, 0xFF06);
        expect_fault(m, "SIM-11");
        CHECK(m.p.faults.last().kind == sim::fault_kind::general_protection);
    }
    SECTION("SIM-12 not the BSP") {
        txt_machine m;
        m.p.cpu.force_msr(tx::msr_ia32_apic_base, 0xFEE00800);
        expect_fault(m, "SIM-12");
    }
    SECTION("SIM-13 already launched") {
        txt_machine m;
        m.p.regs.sts |= tx::sts_field::senter_done.mask();
        expect_fault(m, "SIM-13");
    }
    SECTION("SIM-14 CR0.CD set") {
        txt_machine m;
        m.p.cpu.cr0 |= 0x40000000;
        expect_fault(m, "SIM-14");
    }
    SECTION("SIM-15 a valid machine-check bank") {
        txt_machine m;
        m.p.cpu.force_msr(tx::msr_ia32_mc_status(2), u64{1} << 63);
        expect_fault(m, "SIM-15");
    }
    SECTION("SIM-16 TXT_RESET.STS") {
        txt_machine m;
        m.p.regs.ests = 1;
        expect_fault(m, "SIM-16");
    }
    SECTION("SIM-17 size not a multiple of 64, or above the AC maximum") {
        txt_machine m;
        m.sinit_size += 4;
        expect_fault(m, "SIM-17");
        txt_machine big;
        big.p.config.parameters.max_ac_size = 0x400;
        expect_fault(big, "SIM-17");
    }
    SECTION("SIM-18 locality 0 active") {
        txt_machine m;
        m.p.tis.set_active(0);
        expect_fault(m, "SIM-18");
    }
}

TEST_CASE("sim SENTER: the processor refuses the module (SIM-19..SIM-21)", "[sim]") {
    SECTION("SIM-19 #UnsupportedACM: not a chipset ACM") {
        txt_machine m;
        m.poke(m.l.sinit_base, 2, 3);
        expect_processor_error(m, "SIM-19", sim::processor_error::unsupported_acm);
        CHECK(std::string(m.p.last_launch.cause.rule) == "TXT-A6");
    }
    SECTION("SIM-19 #BadACMFormat: Size beyond ECX") {
        txt_machine m;
        m.poke(m.l.sinit_base + 24, 4, m.sinit_size / 4 + 64);
        expect_processor_error(m, "SIM-19", sim::processor_error::bad_acm_format);
    }
    SECTION("SIM-19 #BadACMFormat: the module is not in memory") {
        txt_machine m;
        m.p.regs.sinit_base = 0x40000000;
        const status s = m.p.senter(0x40000000, m.sinit_size);
        REQUIRE_FALSE(s);
        CHECK(m.p.regs.errorcode == sim::processor_errorcode(sim::processor_error::bad_acm_format));
    }
    SECTION("SIM-20 #BadACMMType: MTRRs disabled") {
        txt_machine m;
        m.p.cpu.force_msr(tx::mtrr_msr::def_type, 0);
        expect_processor_error(m, "SIM-20", sim::processor_error::bad_acm_mtype);
    }
    SECTION("SIM-21 #AuthenticateFail: TXT.PUBLIC.KEY") {
        txt_machine m;
        m.p.config.public_key[0] = 1;
        expect_processor_error(m, "SIM-21", sim::processor_error::authenticate_fail);
    }
    SECTION("SIM-21 the key that matches passes") {
        txt_machine m;
        const auto a = tx::parse_acm(m.p.memory.window(m.l.sinit_base, m.sinit_size));
        REQUIRE(a);
        const digest h = slrt::hash(hash_alg::sha256, a->rsa_public_key());
        std::memcpy(m.p.config.public_key, h.bytes, 32);
        CHECK(m.launch());
    }
    SECTION("SIM-21 #AuthenticateFail: production ACM on a debug-fused chipset") {
        txt_machine m;
        m.p.regs.ver_fsbif = 0;
        m.p.regs.ver_qpiif = 0;
        expect_processor_error(m, "SIM-21", sim::processor_error::authenticate_fail);
        CHECK(std::string(m.p.last_launch.cause.rule) == "TXT-A41");
    }
}

TEST_CASE("sim SENTER: SINIT entry, platform match, APs, TPM (SIM-22..SIM-25)", "[sim]") {
    SECTION("SIM-22 1/1 a BIOS ACM") {
        txt_machine m;
        tx::acm_build b = sim::sim_sinit_build();
        b.info.chipset_acm_type = 0;
        m.rebuild_sinit(b);
        expect_sinit_error(m, "SIM-22", 1, 1);
    }
    SECTION("SIM-22 1/1 not at TXT.SINIT.BASE") {
        txt_machine m;
        m.p.regs.sinit_size = 0x400;
        expect_sinit_error(m, "SIM-22", 1, 1);
    }
    SECTION("SIM-23 1/1 chipset not in the list") {
        txt_machine m;
        m.p.regs.didvid = 0x0000000100B08086ull;
        expect_sinit_error(m, "SIM-23", 1, 1);
        CHECK(std::string(m.p.last_launch.cause.rule) == "TXT-A42");
    }
    SECTION("SIM-23 1/1 processor not in the list") {
        txt_machine m;
        REQUIRE(m.p.cpu.set_cpuid(1, 0, {0x000A0650, 0, 0x60, 0}));
        expect_sinit_error(m, "SIM-23", 1, 1);
        CHECK(std::string(m.p.last_launch.cause.rule) == "TXT-A45");
    }
    SECTION("SIM-23 1/3 server BIOS, legacy SINIT") {
        txt_machine m;
        const auto lay = tx::parse_heap_layout(m.p.memory.window(m.l.heap_base, m.l.heap_size), tx::heap_stage::bios);
        REQUIRE(lay);
        m.poke(m.l.heap_base + 8 + 32, 4, 4);  // BiosData.MleFlags platform type 10b
        expect_sinit_error(m, "SIM-23", 1, 3);
    }
    SECTION("SIM-23 4/0x10 no bank in common") {
        txt_machine m;
        const hash_alg only[1] = {hash_alg::sha384};
        m.tpm.inner = sim::soft_tpm(only, 1);
        expect_sinit_error(m, "SIM-23", 4, 0x10);
    }
    SECTION("SIM-24 1/1 an AP running") {
        txt_machine m;
        m.p.aps.state[1] = sim::ap_state::running;
        expect_sinit_error(m, "SIM-24", 1, 1);
        CHECK(m.p.last_launch.cause.entry_index == 1);
    }
    SECTION("SIM-25 4/0xD no TPM") {
        txt_machine m;
        m.p.connect_tpm(nullptr);
        expect_sinit_error(m, "SIM-25", 4, 0xD);
    }
    SECTION("SIM-25 4/1 locality 2 left active") {
        txt_machine m;
        m.p.tis.set_active(2);
        expect_sinit_error(m, "SIM-25", 4, 1);
    }
    SECTION("SIM-25 4/0xF four banks") {
        txt_machine m;
        const hash_alg four[4] = {hash_alg::sha1, hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};
        m.tpm.inner = sim::soft_tpm(four, 4);
        expect_sinit_error(m, "SIM-25", 4, 0xF);
    }
}

TEST_CASE("sim SENTER: MTRR rules (SIM-26)", "[sim]") {
    SECTION("2/1 default type WB") {
        txt_machine m;
        m.p.cpu.force_msr(tx::mtrr_msr::def_type, 0x806);
        expect_sinit_error(m, "SIM-26", 2, 1);
    }
    SECTION("2/2 fixed-range MTRRs enabled") {
        txt_machine m;
        m.p.cpu.force_msr(tx::mtrr_msr::def_type, 0xC00);
        expect_sinit_error(m, "SIM-26", 2, 2);
    }
    SECTION("2/3 another range cached") {
        txt_machine m;
        m.p.cpu.force_msr(tx::mtrr_msr::physbase(9), 0x01000006);
        m.p.cpu.force_msr(tx::mtrr_msr::physmask(9), 0xFFF000800);
        expect_sinit_error(m, "SIM-26", 2, 3);
    }
    SECTION("2/7 a 39-bit mask") {
        txt_machine m;
        const u64 mask = m.p.cpu.msr(tx::mtrr_msr::physmask(0));
        m.p.cpu.force_msr(tx::mtrr_msr::physmask(0), mask | 0x7000000000ull);
        expect_sinit_error(m, "SIM-26", 2, 7);
    }
}

TEST_CASE("sim SENTER: the heap (SIM-27) and VT-d (SIM-28)", "[sim]") {
    SECTION("9/1 TXT.HEAP.SIZE 0") {
        txt_machine m;
        m.p.regs.heap_size = 0;
        expect_sinit_error(m, "SIM-27", 9, 1);
    }
    SECTION("9/1 a table runs past the heap") {
        txt_machine m;
        m.poke(m.os_sinit(), 8, m.l.heap_size);
        expect_sinit_error(m, "SIM-27", 9, 1);
    }
    SECTION("9/2 OsSinitData version 3") {
        txt_machine m;
        m.poke(m.os_sinit() + 8, 4, 3);
        expect_sinit_error(m, "SIM-27", 9, 2);
    }
    SECTION("9/2 OsSinitData newer than the SINIT's") {
        txt_machine m;
        tx::acm_build b = sim::sim_sinit_build();
        b.info.os_sinit_data_ver = 6;
        m.rebuild_sinit(b);
        expect_sinit_error(m, "SIM-27", 9, 2);
    }
    SECTION("9/3 low PMR misaligned") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 40, 8, m.l.pmr_lo_size + 0x1000);
        expect_sinit_error(m, "SIM-27", 9, 3);
    }
    SECTION("9/4 high PMR misaligned") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 48, 8, 0x100001000ull);
        m.poke(m.os_sinit() + 8 + 56, 8, 0x200000);
        expect_sinit_error(m, "SIM-27", 9, 4);
    }
    SECTION("9/5 MLE page tables above 4 GiB") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 8, 8, 0x100000000ull);
        expect_sinit_error(m, "SIM-27", 9, 5);
    }
    SECTION("9/6 reserved capability requested") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 80, 4, 0x8206);
        expect_sinit_error(m, "SIM-27", 9, 6);
    }
    SECTION("9/6 a capability the SINIT lacks") {
        txt_machine m;
        tx::acm_build b = sim::sim_sinit_build();
        b.info.capabilities = tx::capabilities{0x225};  // no ECX_PGTBL
        m.rebuild_sinit(b);
        expect_sinit_error(m, "SIM-27", 9, 6);
    }
    SECTION("9/8 an unknown element") {
        sim::txt_launch_request rq;
        rq.extra_element = 12;  // unknown type
        txt_machine m(rq);
        expect_sinit_error(m, "SIM-27", 9, 8);
    }
    SECTION("9/9 an element with a bad size") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 92 + 4, 4, 24);
        expect_sinit_error(m, "SIM-27", 9, 9);
    }
    SECTION("9/0xA the list does not end") {
        txt_machine m;
        const u64 end = m.os_sinit() + 8 + 92 + 28;  // END after the 28-byte log element
        m.poke(end + 4, 4, 4);                       // END Size 4: framing ends without END
        const status s = m.launch();
        REQUIRE_FALSE(s);
        const tx::decoded_errorcode d = tx::decode_errorcode(m.p.regs.errorcode);
        CHECK(d.error_class == 9);
        CHECK((d.major == 9 || d.major == 0xA));
    }
    SECTION("9/0xB no event log element (TPM 2.0)") {
        sim::txt_launch_request rq;
        rq.event_log = false;
        txt_machine m(rq);
        expect_sinit_error(m, "SIM-27", 9, 0xB);
    }
    SECTION("0xE/1 DMA remapping on") {
        txt_machine m;
        m.p.config.dma_remapping_enabled = true;
        expect_sinit_error(m, "SIM-28", 0xE, 1);
    }
    SECTION("0xE/2 low PMR above 4 GiB") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 32, 8, 0xFFE00000ull);
        m.poke(m.os_sinit() + 8 + 40, 8, 0x400000ull);
        expect_sinit_error(m, "SIM-27", 0xE, 2);
    }
}

TEST_CASE("sim SENTER: the MLE header (SIM-29)", "[sim]") {
    SECTION("0xF/1 MleHeaderBase not mapped") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 24, 8, 0x40000000);
        expect_sinit_error(m, "SIM-29", 0xF, 1);
    }
    SECTION("0xF/2 UUID") {
        txt_machine m;
        m.poke(m.l.mle_base + 0x40, 1, 0);
        expect_sinit_error(m, "SIM-29", 0xF, 2);
    }
    SECTION("0xF/3 version below the SINIT's minimum") {
        txt_machine m;
        tx::acm_build b = sim::sim_sinit_build();
        b.info.min_mle_header_ver = 0x00020003;
        m.rebuild_sinit(b);
        expect_sinit_error(m, "SIM-29", 0xF, 3);
    }
    SECTION("0xF/5 MleSize differs from the header") {
        txt_machine m;
        m.poke(m.l.mle_base + 0x40 + 36, 4, 0x7000);
        expect_sinit_error(m, "SIM-29", 0xF, 5);
    }
    SECTION("0xF/6 entry point outside the MLE") {
        txt_machine m;
        m.poke(m.l.mle_base + 0x40 + 24, 4, 0x9000);
        expect_sinit_error(m, "SIM-29", 0xF, 6);
    }
    SECTION("0xF/7 no common wake-up method") {
        txt_machine m;
        m.poke(m.l.mle_base + 0x40 + 40, 4, 0x225);                           // MLE: GETSEC only
        m.poke(m.os_sinit() + 8 + 80, 4, 0x206);                              // OsSinitData: MONITOR
        expect_sinit_error(m, "SIM-29", 0xF, 7);
    }
}

TEST_CASE("sim SENTER: the MLE page tables (SIM-30) and DMA protection (SIM-31)", "[sim]") {
    const u64 pd = 0x01001000, pt = 0x01002000;
    SECTION("0x10/1 an MLE page in the heap") {
        txt_machine m;
        m.poke(pt + 8 * 3, 8, m.l.heap_base | 1);
        expect_sinit_error(m, "SIM-30", 0x10, 1);
    }
    SECTION("0x10/2 pages out of order") {
        txt_machine m;
        const u64 a = m.peek(pt + 8, 8), b = m.peek(pt + 16, 8);
        m.poke(pt + 8, 8, b);
        m.poke(pt + 16, 8, a);
        expect_sinit_error(m, "SIM-30", 0x10, 2);
    }
    SECTION("0x10/3 a 2 MiB page") {
        txt_machine m;
        REQUIRE(m.p.memory.write(0x01200000, m.p.memory.window(m.l.mle_base, 0x8000)));
        m.poke(pd, 8, 0x01200000 | 0x81);  // the MLE through a large page: the header is found, the walk refuses
        expect_sinit_error(m, "SIM-30", 0x10, 3);
    }
    SECTION("0x10/4 a page table below its directory") {
        txt_machine m;
        REQUIRE(m.p.memory.write(0x01003000, m.p.memory.window(m.l.mle_ptab, 0x1000)));  // PDPT copy above
        m.poke(m.os_sinit() + 8 + 8, 8, 0x01003000);
        expect_sinit_error(m, "SIM-30", 0x10, 4);
    }
    SECTION("0x10/5 a hole inside the MLE") {
        txt_machine m;
        m.poke(pt + 8 * 5, 8, 0);
        expect_sinit_error(m, "SIM-30", 0x10, 5);
    }
    SECTION("0x10/1 the low PMR does not cover the MLE") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 40, 8, 0x01000000);  // [0, 16 MiB)
        expect_sinit_error(m, "SIM-31", 0x10, 1);
        CHECK(std::string(m.p.last_launch.cause.rule) == "TXT-D5");
    }
}

TEST_CASE("sim SENTER: event log, banks, TPM failures, SinitMleData room (SIM-32..SIM-34)", "[sim]") {
    SECTION("9/0xB the log outside memory") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 92 + 8, 8, 0x60000000);
        expect_sinit_error(m, "SIM-32", 9, 0xB);
    }
    SECTION("0x14/4 the log too small") {
        txt_machine m;
        m.poke(m.os_sinit() + 8 + 92 + 16, 4, 600);
        expect_sinit_error(m, "SIM-32", 0x14, 4);
    }
    SECTION("4/0x10 a bank slrt cannot hash, maximum agility") {
        txt_machine m;
        m.tpm.extra_sm3 = true;
        m.poke(m.os_sinit() + 8 + 4, 4, 0);  // Flags: maximum agility
        expect_sinit_error(m, "SIM-33", 4, 0x10);
    }
    SECTION("maximum performance caps that bank instead") {
        txt_machine m;
        m.tpm.extra_sm3 = true;
        REQUIRE(m.launch());
        CHECK(m.entry.bank_count == 3);
        CHECK(m.entry.mle_hash[2] == slrt::capped_digest(hash_alg::sm3_256));
    }
    SECTION("4/1 the TPM refuses, minor = its response code") {
        txt_machine m;
        m.tpm.fail_hash_start = true;
        const status s = m.launch();
        REQUIRE_FALSE(s);
        CHECK(m.p.regs.errorcode == sim::sinit_errorcode(4, 1, 0x101));
        CHECK(tx::decode_errorcode(m.p.regs.errorcode).tpm2_rc() == 0x101);
    }
    SECTION("9/7 no room for SinitMleData") {
        txt_machine m;
        const auto lay = tx::parse_heap_layout(m.p.memory.window(m.l.heap_base, m.l.heap_size),
                                               tx::heap_stage::pre_launch);
        REQUIRE(lay);
        m.p.regs.heap_size = lay->total + 64;
        expect_sinit_error(m, "SIM-34", 9, 7);
    }
}
