// The TXT and SKINIT preambles on the launch simulator (include/dlh/sim/): the good paths run on
// a simulated machine whose GETSEC[SENTER] / SKINIT check what SINIT and the processor check and
// then enter a host callback. The precondition tests live in dlh_preamble_test.cpp (a fake
// platform), so that each one isolates a single preamble rule.
#include <catch2/catch.hpp>

#include <vector>

#include "dlh/sim/scenario.hpp"
#include "dlh/skinit/preamble.hpp"
#include "dlh/tpm/tis.hpp"
#include "dlh/txt/preamble.hpp"
#include "slrt/builder.hpp"

using namespace dlh;

namespace {

constexpr u32 k_mle_size = 0x8000;
constexpr u32 k_header_offset = 0x40;
constexpr u32 k_entry = 0x400;

std::vector<u8> intel_slrt(const sim::txt_layout& l) {
    std::vector<u8> buf(4096);
    slrt::builder b(mutable_byte_view(buf.data(), buf.size()), slrt::layout::v16);
    REQUIRE(b.init(slrt::architecture::intel_txt, 4096));
    slrt::dl_info dl;
    dl.dlme_base = l.mle_base;
    dl.dlme_size = k_mle_size;
    dl.dlme_entry = k_entry;
    dl.dlme_header_offset = k_header_offset;
    dl.bl_context.bootloader = slrt::bootloader::grub;
    REQUIRE(b.add(dl));
    REQUIRE(b.add(slrt::log_info{slrt::log_format::tpm20, l.event_log_size, l.event_log}));
    REQUIRE(b.add(slrt::intel_info{}));
    buf.resize(b.size());
    return buf;
}

struct sim_txt {
    sim::txt_layout l;
    sim::txt_platform p;
    sim::soft_tpm tpm;
    std::vector<u8> ram = std::vector<u8>(l.ram_size);
    std::vector<u8> txt_memory = std::vector<u8>(l.txt_size);
    std::vector<u8> sinit;
    std::vector<u8> scratch = std::vector<u8>(0x40000);
    byte_view module{};
    range ram_map[1]{};
    txt::launch_options o;

    sim_txt() {
        const result<u32> size = sim::install_txt_machine(p, l, mutable_byte_view(ram.data(), ram.size()),
                                                          mutable_byte_view(txt_memory.data(), txt_memory.size()));
        REQUIRE(size);
        p.connect_tpm(&tpm);
        // The loader brings the same SINIT the region holds; the preamble copies it there again.
        const byte_view region = p.memory.window(l.sinit_base, *size);
        sinit.assign(region.data(), region.data() + region.size());
        module = byte_view(sinit.data(), sinit.size());
        REQUIRE(sim::make_mle_image(p.memory.window(l.mle_base, k_mle_size), k_header_offset, k_entry));
        const auto t = intel_slrt(l);
        REQUIRE(p.write(l.slrt, byte_view(t.data(), t.size())));
        ram_map[0] = range{l.ram_base, l.ram_size};

        o.slrt_address = l.slrt;
        o.slrt_layout = slrt::layout::v16;
        o.mle_base = l.mle_base;
        o.mle_size = k_mle_size;
        o.mle_header_offset = k_header_offset;
        o.page_table_base = l.mle_ptab;
        o.sinit_modules = &module;
        o.sinit_module_count = 1;
        o.tpm = txt::tpm_kind::tpm20;
        o.ram = txt::dma_list<range>(ram_map);
        o.ap_wake_block = static_cast<u32>(l.ap_wake_block);
        o.ap_wake_block_size = l.ap_wake_block_size;
        o.scratch = mutable_byte_view(scratch.data(), scratch.size());
    }
};

}  // namespace

TEST_CASE("TXT preamble on the simulator: dry run, then SENTER enters the MLE", "[dlh][preamble][sim]") {
    sim_txt m;
    tpm::tis<sim::txt_platform> tis(m.p);

    SECTION("dry run") {
        m.o.dry_run = true;
        txt::txt_preamble_report r;
        const status s = txt::run_txt_preamble(m.p, tis, m.o, r);
        INFO((s.err().rule ? s.err().rule : "") << " " << (s.err().field ? s.err().field : "") << " "
                                  << (s.err().message ? s.err().message : ""));
        REQUIRE(s);
        CHECK(r.senter.ebx == m.l.sinit_base);
        CHECK(r.senter.ecx == m.sinit.size());
        CHECK(r.restored);
        CHECK(m.p.last_launch.outcome == sim::launch_outcome::none);
    }
    SECTION("launch") {
        txt::txt_preamble_report r;
        u32 entered = 0;
        sim::mle_entry_state seen{};
        auto on_entry = [&](sim::txt_platform&, const sim::mle_entry_state& st) -> status {
            ++entered;
            seen = st;
            return success;
        };
        m.p.mle.bind(on_entry);
        const status s = txt::run_txt_preamble(m.p, tis, m.o, r);
        INFO((s.err().rule ? s.err().rule : "") << " cause " << (m.p.last_launch.rule ? m.p.last_launch.rule : "")
                                                 << " " << (m.p.last_launch.check ? m.p.last_launch.check : "")
                                                 << " " << (m.p.last_launch.cause.rule ? m.p.last_launch.cause.rule : ""));
        REQUIRE(s);
        CHECK(r.launched);
        CHECK(m.p.last_launch.outcome == sim::launch_outcome::launched);
        CHECK(entered == 1);
        CHECK(seen.ecx_valid);
        CHECK(seen.ecx == m.l.mle_ptab);
        CHECK(seen.eip == m.l.mle_base + k_entry);
    }
}

namespace {

constexpr u64 k_ram = 0x01000000;
constexpr u64 k_slb = 0x01200000;
constexpr u64 k_slrt = 0x01300000;
constexpr u16 k_bl_offset = 0x2000;

std::vector<u8> amd_slrt() {
    std::vector<u8> buf(0x1000);
    slrt::builder b(mutable_byte_view(buf.data(), buf.size()), slrt::layout::v10);
    REQUIRE(b.init(slrt::architecture::amd_skinit, 0x1000));
    slrt::dl_info dl;
    dl.dce_base = k_slb;
    dl.dce_size = 0x10000;
    dl.dlme_base = 0x01400000;
    dl.dlme_size = 0x10000;
    dl.bl_context.bootloader = slrt::bootloader::grub;
    REQUIRE(b.add(dl));
    slrt::amd_info a;
    a.slrt_base = k_slb + k_bl_offset;
    a.slrt_size = 0x1000;
    a.len = 32;
    REQUIRE(b.add(a));
    buf.resize(b.size());
    return buf;
}

}  // namespace

TEST_CASE("SKINIT preamble on the simulator: SKINIT enters the secure loader", "[dlh][preamble][sim]") {
    sim::amd_platform p;
    sim::soft_tpm tpm;
    std::vector<u8> ram(0x00800000);
    REQUIRE(sim::install_amd_machine(p, k_ram, mutable_byte_view(ram.data(), ram.size())));
    // The highest extended leaf (every AMD processor reports it; the preamble reads it before
    // Fn8000_0001, as a CPU without the leaf answers with other data).
    REQUIRE(p.cpu.set_cpuid(0x80000000u, 0, {0x80000008u, 0x68747541, 0x444d4163, 0x69746e65}));
    p.connect_tpm(&tpm);
    std::vector<u8> skl(0x1000);
    skinit::skl_header h;
    h.entry_point = 0x46;
    h.length = 0x1000;
    h.skl_info_offset = 0x50;
    h.bootloader_data_offset = k_bl_offset;
    REQUIRE(skinit::encode_skl_header(h, mutable_byte_view(skl.data(), skl.size())));
    REQUIRE(skinit::encode_skl_info(skinit::expected_skl_info(), mutable_byte_view(skl.data() + 0x50, 20)));
    REQUIRE(p.write(k_slb, byte_view(skl.data(), skl.size())));
    const auto t = amd_slrt();
    REQUIRE(p.write(k_slrt, byte_view(t.data(), t.size())));

    std::vector<u8> scratch(0x20000);
    skinit::launch_options o;
    o.slb_base = k_slb;
    o.slrt_address = k_slrt;
    o.scratch = mutable_byte_view(scratch.data(), scratch.size());
    tpm::tis<sim::amd_platform> tis(p);
    u32 entered = 0;
    sim::sl_entry_state seen{};
    auto on_entry = [&](sim::amd_platform&, const sim::sl_entry_state& st) -> status {
        ++entered;
        seen = st;
        return success;
    };
    p.sl.bind(on_entry);
    skinit::skinit_preamble_report r;
    const status s = skinit::run_skinit_preamble(p, tis, o, r);
    INFO((s.err().rule ? s.err().rule : "") << " " << (s.err().message ? s.err().message : "") << " sim "
                                             << (p.last_launch.rule ? p.last_launch.rule : ""));
    REQUIRE(s);
    CHECK(r.launched);
    CHECK(entered == 1);
    CHECK(seen.eax == k_slb);
    CHECK(seen.esp == k_slb + 0x10000);
    CHECK(seen.slb_length == 0x1000);
}
