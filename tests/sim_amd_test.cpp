// The simulated AMD machine (dlh/sim/amd_platform.hpp): SKINIT's measurement and entry state,
// and one test per refused precondition; also the golden SKL image of spec/vectors/skinit.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dlh/sim/sim.hpp"
#include "dlh/skinit/pcr17.hpp"

using namespace dlh;
namespace sim = dlh::sim;
namespace sk = dlh::skinit;
using slrt::digest;
using slrt::hash_alg;

namespace {

using bytes_t = std::vector<u8>;

struct amd_machine {
    static constexpr u64 ram_base = 0x01000000;
    static constexpr u64 slb_base = 0x01010000;
    bytes_t ram = bytes_t(0x400000);
    sim::amd_platform p{};
    sim::soft_tpm tpm{};
    u32 entries = 0;
    sim::sl_entry_state entry{};

    amd_machine() {
        REQUIRE(sim::install_amd_machine(p, ram_base, mutable_byte_view(ram.data(), ram.size())));
        p.connect_tpm(&tpm);
        // A secure loader: entry 0x40, 0x1000 measured bytes.
        mutable_byte_view slb = p.memory.window(slb_base, sk::slb_size);
        for (std::size_t i = 0; i < slb.size(); ++i) slb[i] = static_cast<u8>(i * 7 + 1);
        REQUIRE(sk::encode_slb_header({0x40, 0x1000}, slb));
        REQUIRE(p.park_aps(ap_method::apic_init));
    }
    status launch(u32 eax = static_cast<u32>(slb_base)) {
        auto cb = [this](sim::amd_platform&, const sim::sl_entry_state& s) -> status {
            ++entries;
            entry = s;
            return success;
        };
        p.sl.bind(cb);
        const status s = p.skinit(eax);
        p.sl.clear();
        return s;
    }
};

void expect_refused(amd_machine& m, const char* rule, u32 eax = static_cast<u32>(amd_machine::slb_base)) {
    const status s = m.launch(eax);
    INFO(m.p.last_launch.check << ": " << m.p.last_launch.cause.rule << " " << m.p.last_launch.cause.message);
    REQUIRE_FALSE(s);
    CHECK(std::string(s.err().rule) == rule);
    CHECK(m.p.last_launch.outcome == sim::launch_outcome::fault);
    CHECK(m.entries == 0);
    CHECK(m.p.gif);
    CHECK_FALSE(m.tpm.established());  // nothing was measured
}

}  // namespace

TEST_CASE("sim SKINIT: measures the first length bytes, sets the documented state and enters the loader", "[sim]") {
    amd_machine m;
    CHECK(m.p.aps.all(sim::ap_state::init));
    REQUIRE(m.launch());
    REQUIRE(m.entries == 1);
    const sim::sl_entry_state& e = m.entry;
    CHECK(e.eax == amd_machine::slb_base);
    CHECK(e.esp == amd_machine::slb_base + 0x10000);
    CHECK(e.eip == amd_machine::slb_base + 0x40);
    CHECK(e.edx == 0x00A20F12);
    CHECK(e.cs == 0x08);
    CHECK(e.ss == 0x10);
    CHECK(e.efer == 0);
    CHECK(e.vm_cr == sk::vm_cr_skinit_bits);
    CHECK_FALSE(e.gif);
    CHECK_FALSE(m.p.gif);
    CHECK(e.slb_length == 0x1000);
    CHECK(e.dev_protected == range{amd_machine::slb_base, 0x10000});
    CHECK((e.cr0 & 0x80000001u) == 1u);
    CHECK(m.p.last_launch.outcome == sim::launch_outcome::launched);
    const auto slb = sk::parse_slb(m.p.memory.window(amd_machine::slb_base, sk::slb_size));
    REQUIRE(slb);
    for (hash_alg a : {hash_alg::sha1, hash_alg::sha256}) {
        const auto pcr17 = sk::predict_pcr17(*slb, a);
        REQUIRE(pcr17);
        CHECK(*m.tpm.pcr(a, 17) == *pcr17);
        CHECK(slrt::all_zero(m.tpm.pcr(a, 18)->view()));
    }
    CHECK(m.p.getsec(0, 0, 0, 0) == cpu_registers{});
    CHECK(m.p.faults.last().kind == sim::fault_kind::invalid_opcode);
    CHECK_FALSE(m.p.senter(0, 0));
}

TEST_CASE("sim SKINIT: the golden SKL image gives the PCR 17 of its vector", "[sim]") {
    std::ifstream in(std::string(SLRT_SOURCE_DIR) + "/spec/vectors/skinit/valid/placed-gen2.bin", std::ios::binary);
    REQUIRE(in);
    const bytes_t image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(image.size() == 0x10000);
    bytes_t slb_memory(image);
    sim::amd_platform p;
    sim::soft_tpm tpm;
    bytes_t low(0x1000);
    REQUIRE(sim::install_amd_machine(p, 0x1000000, mutable_byte_view(low.data(), low.size()), 0));
    REQUIRE(p.memory.add(0x7FFF0000, mutable_byte_view(slb_memory.data(), slb_memory.size())));
    p.connect_tpm(&tpm);
    REQUIRE(p.skinit(0x7FFF0000));
    std::ifstream doc_in(std::string(SLRT_SOURCE_DIR) + "/spec/vectors/skinit/valid/placed-gen2.json");
    const nlohmann::json doc = nlohmann::json::parse(doc_in);
    for (hash_alg a : {hash_alg::sha1, hash_alg::sha256}) {
        std::string hex;
        const digest& d = *tpm.pcr(a, 17);
        for (u32 i = 0; i < d.size(); ++i) {
            static const char* x = "0123456789abcdef";
            hex += x[d.bytes[i] >> 4];
            hex += x[d.bytes[i] & 15];
        }
        CHECK(hex == doc["pcr17"][slrt::name(a)].get<std::string>());
    }
}

TEST_CASE("sim SKINIT: refused preconditions (SIM-40..SIM-45)", "[sim]") {
    SECTION("SIM-40 no SVM") {
        amd_machine m;
        REQUIRE(m.p.cpu.set_cpuid(0x80000001, 0, {0, 0, 0, 0}));
        expect_refused(m, "SIM-40");
        CHECK(m.p.faults.last().kind == sim::fault_kind::invalid_opcode);
    }
    SECTION("SIM-40 VM_CR.SVMDIS") {
        amd_machine m;
        m.p.cpu.force_msr(sk::msr_vm_cr, 0x18);
        expect_refused(m, "SIM-40");
        CHECK(std::string(m.p.last_launch.cause.rule) == "SKINIT-12");
    }
    SECTION("SIM-40 not the BSP") {
        amd_machine m;
        m.p.cpu.force_msr(0x1B, 0xFEE00800);
        expect_refused(m, "SIM-40");
    }
    SECTION("SIM-40 real mode") {
        amd_machine m;
        m.p.cpu.cr0 = 0x30;
        expect_refused(m, "SIM-40");
    }
    SECTION("SIM-41 an AP still running") {
        amd_machine m;
        m.p.aps.state[2] = sim::ap_state::running;
        expect_refused(m, "SIM-41");
        CHECK(m.p.last_launch.cause.entry_index == 2);
    }
    SECTION("SIM-42 EAX not 64 KiB aligned") {
        amd_machine m;
        expect_refused(m, "SIM-42", static_cast<u32>(amd_machine::slb_base + 0x100));
        m.p.strict_slb_alignment = false;  // hardware: bits 15:0 cleared
        CHECK(m.launch(static_cast<u32>(amd_machine::slb_base + 0x100)));
        CHECK(m.entry.eax == amd_machine::slb_base);
    }
    SECTION("SIM-43 SLB outside memory") {
        amd_machine m;
        expect_refused(m, "SIM-43", 0x40000000);
    }
    SECTION("SIM-44 length below 4, entry outside the measured bytes") {
        amd_machine m;
        REQUIRE(m.p.memory.store(amd_machine::slb_base + 2, 2, 2));
        expect_refused(m, "SIM-44");
        CHECK(std::string(m.p.last_launch.cause.rule) == "SKINIT-3");
        amd_machine n;
        REQUIRE(n.p.memory.store(amd_machine::slb_base, 2, 0x1000));
        expect_refused(n, "SIM-44");
        CHECK(std::string(n.p.last_launch.cause.rule) == "SKINIT-5");
    }
    SECTION("SIM-45 no TPM") {
        amd_machine m;
        m.p.connect_tpm(nullptr);
        expect_refused(m, "SIM-45");
    }
}
