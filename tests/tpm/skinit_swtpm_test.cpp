// An AMD SKINIT launch against a real TPM 2.0 (swtpm + libtpms), without AMD hardware:
//
//   1. start a standalone swtpm on free loopback ports (TPM2_Startup(CLEAR) by --flags) and read
//      its active PCR banks;
//   2. take the golden SLB spec/vectors/skinit/valid/placed-gen2.bin (SKL gen2 image with an SLRT
//      at bootloader_data_offset) and run the DRTM hash sequence (HASH_START/DATA/END on the
//      control channel) over its measured bytes SLB[0, length), as SKINIT does;
//   3. compare PCR 17 in every active bank with dlh::skinit::predict_pcr17 and, when the
//      environment variable SLRT_SLB_TOOL names the slb-tool binary, with `slb-tool predict
//      --json`; PCR 18..22 must be zero;
//   4. at locality 2, extend SKL's two measurements (DLME entry offset, DLME) into the banks SKL
//      extends (SHA-1, SHA-256), logging all three SKL events as SKL does, and compare PCR 17/18
//      with dlh::skinit::predict_amd_launch, with the golden values of the vector, and with the
//      replay of the log.
//
// Exit status 77 (ctest SKIP_RETURN_CODE) when swtpm is not installed.
#define CATCH_CONFIG_RUNNER
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/swtpm.hpp"
#include "../support/vectors.hpp"
#include "dlh/skinit/skinit.hpp"
#include "policy/eventlog.hpp"
#include "policy/replay.hpp"
#include "policy/tpm2.hpp"
#include "slrt/slrt.hpp"

using namespace slrt;
namespace sk = dlh::skinit;

namespace {

using namespace slrt_test;

const vector_dir skinit_vectors("skinit");

// `slb-tool predict FILE --json --bank ...`: its pcr17 object, or empty JSON if it did not run.
nlohmann::json slb_tool_predict(const std::string& tool, const std::string& file, const std::vector<hash_alg>& banks) {
    std::string cmd = tool + " predict " + file + " --json";
    for (hash_alg a : banks) cmd += std::string(" --bank ") + name(a);
    int rc = 0;
    const std::string out = command_output(cmd + " 2>/dev/null", rc);
    INFO(cmd << " -> " << out);
    REQUIRE(rc == 0);
    return nlohmann::json::parse(out);
}

std::string g_swtpm;

}  // namespace

TEST_CASE("tpm: PCR 17 after SKINIT and after SKL equals the library's prediction", "[tpm][skinit]") {
    swtpm tpm(g_swtpm, "skinit-swtpm");
    INFO("swtpm state in " << tpm.dir());
    REQUIRE(tpm.running());

    u8 cmd[512];
    result<u32> n = tpm2_encode_get_capability_pcrs(mutable_byte_view(cmd, sizeof cmd));
    REQUIRE(n);
    bytes_t resp = tpm.command(byte_view(cmd, *n));
    const result<tpm2_pcr_allocation> alloc = tpm2_decode_get_capability_pcrs(byte_view(resp.data(), resp.size()));
    REQUIRE(alloc);
    hash_alg active[max_log_banks] = {};
    const u32 bank_count = alloc->active_banks(active, max_log_banks);
    REQUIRE(bank_count >= 1);
    const std::vector<hash_alg> banks(active, active + bank_count);
    std::vector<hash_alg> computable;
    for (hash_alg a : banks)
        if (hasher::is_supported(a)) computable.push_back(a);
    REQUIRE(!computable.empty());

    // The golden SLB and the DLME it names.
    const std::string slb_file = skinit_vectors.path("valid/placed-gen2.bin");
    const bytes_t slb = skinit_vectors.bytes("valid/placed-gen2.bin");
    const bytes_t dlme = skinit_vectors.bytes("valid/dlme.bin");
    const nlohmann::json doc = skinit_vectors.json("valid/placed-gen2.json");
    const auto s = sk::parse_skl(byte_view(slb.data(), slb.size()));
    REQUIRE(s);
    const auto measured = sk::parse_slb(byte_view(slb.data(), slb.size()));
    REQUIRE(measured);

    // 2. SKINIT.
    drtm_hash_sequence(tpm, measured->measured);
    const pcr_bank_set after_skinit = read_pcrs(tpm, banks);

    // 3. PCR 17 per bank: the library, slb-tool, the golden vector.
    std::vector<digest> predicted(computable.size());
    REQUIRE(sk::predict_pcr17(*measured, computable.data(), static_cast<u32>(computable.size()), predicted.data()));
    nlohmann::json tool_values;
    const char* tool = std::getenv("SLRT_SLB_TOOL");
    if (tool && *tool) tool_values = slb_tool_predict(tool, slb_file, computable)["pcr17"];
    else WARN("SLRT_SLB_TOOL is not set: slb-tool predict not compared");
    for (std::size_t i = 0; i < computable.size(); ++i) {
        const hash_alg a = computable[i];
        INFO(name(a));
        const std::string tpm_value = hex(after_skinit.find(a)->pcrs[17]);
        CHECK(tpm_value == hex(predicted[i]));
        if (doc["pcr17"].contains(name(a))) CHECK(tpm_value == doc["pcr17"][name(a)].get<std::string>());
        if (!tool_values.is_null()) CHECK(tpm_value == tool_values[name(a)].get<std::string>());
        for (u32 p = 18; p <= 22; ++p) CHECK(all_zero(after_skinit.find(a)->pcrs[p].view()));
    }

    // 4. SKL at locality 2: its two extends in SHA-1/SHA-256, its log of three events.
    const u32 at = s->header.bootloader_data_offset;
    const result<table> t = parse(byte_view(slb.data() + at, slb.size() - at), {layout::v10, mode::strict});
    REQUIRE(t);
    memory_regions<4> mem;
    REQUIRE(mem.add(doc["slb_base"].get<u64>(), byte_view(slb.data(), slb.size())));
    REQUIRE(mem.add(doc["dlme_base"].get<u64>(), byte_view(dlme.data(), dlme.size())));
    std::vector<hash_alg> skl_banks;
    for (hash_alg a : computable)
        if (sk::skl_extends(sk::tpm_family::tpm20, a)) skl_banks.push_back(a);
    bytes_t log_buffer(0x8000);
    log_writer log(mutable_byte_view(log_buffer.data(), log_buffer.size()));
    const bool logging = !skl_banks.empty();
    if (logging) REQUIRE(log.init_tcg(skl_banks.data(), static_cast<u32>(skl_banks.size())));
    set_locality(tpm, 2);
    u32 extends = 0;
    const sk::amd_launch_options options{sk::tpm_family::tpm20, false, {}};
    REQUIRE(sk::for_each_amd_measurement(
        *t, mem, computable.data(), static_cast<u32>(computable.size()), options,
        [&](const sk::amd_measurement& m) -> status {
            std::vector<digest> d;
            for (u32 i = 0; i < m.bank_count; ++i)
                if (sk::skl_extends(sk::tpm_family::tpm20, m.banks[i])) d.push_back(m.digests[i]);
            if (logging) {
                const byte_view label(reinterpret_cast<const u8*>(m.step->label.bytes), m.step->label.length());
                REQUIRE(log.append(m.step->pcr, m.step->event_type, d.data(), static_cast<u32>(d.size()), label));
            }
            if (m.by == sk::measurer::skinit || d.empty()) return success;  // the TPM already has SKINIT's
            result<u32> k = tpm2_encode_pcr_extend(mutable_byte_view(cmd, sizeof cmd), m.step->pcr, d.data(),
                                                   static_cast<u32>(d.size()));
            REQUIRE(k);
            const bytes_t r = tpm.command(byte_view(cmd, *k));
            const status ok = tpm2_decode_pcr_extend(byte_view(r.data(), r.size()));
            INFO("PCR_Extend " << (ok ? "ok" : ok.err().rule));
            REQUIRE(ok);
            ++extends;
            return success;
        }));
    CHECK(extends == (skl_banks.empty() ? 0u : 2u));
    const pcr_bank_set after_skl = read_pcrs(tpm, banks);

    pcr_bank_set mine;
    REQUIRE(sk::predict_amd_launch(*t, mem, computable.data(), static_cast<u32>(computable.size()), options, mine));
    pcr_bank_set replayed;
    if (logging) {
        const result<event_log> parsed = parse_event_log(byte_view(log_buffer.data(), log_buffer.size()));
        REQUIRE(parsed);
        CHECK(parsed->event_count() == 3);
        REQUIRE(replay(*parsed, replayed));
    }
    u32 compared = 0;
    for (hash_alg a : computable) {
        INFO(name(a));
        const std::string tpm17 = hex(after_skl.find(a)->pcrs[17]);
        CHECK(tpm17 == hex(mine.find(a)->pcrs[17]));
        CHECK(tpm17 == doc["pcr17_after_skl"]["tpm20"][name(a)].get<std::string>());
        CHECK(hex(after_skl.find(a)->pcrs[18]) == hex(mine.find(a)->pcrs[18]));
        if (logging && replayed.find(a)) CHECK(tpm17 == hex(replayed.find(a)->pcrs[17]));
        ++compared;
    }
    std::printf("skinit swtpm: %u active banks, %u compared; PCR 17 after SKINIT matched the prediction%s; "
                "SKL extended %u times at locality 2\n",
                bank_count, compared, tool_values.is_null() ? "" : " and slb-tool predict", extends);
}

int main(int argc, char** argv) { return run_with_swtpm(argc, argv, g_swtpm); }
