// slb-tool end to end: SKINIT SLB inspection, PCR 17 prediction and SLRT placement, Arm DRTM
// parameter and DLME data decoding, over the golden and malformed vectors; hostile input.
#include <catch2/catch.hpp>

#ifdef SLRT_SLB_TOOL

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "support/run_tool.hpp"

namespace {

using nlohmann::json;
using slrt_test::read_file;
using slrt_test::tool_run;

const std::string skinit_dir = std::string(SLRT_SOURCE_DIR) + "/spec/vectors/skinit/";
const std::string arm_dir = std::string(SLRT_SOURCE_DIR) + "/spec/vectors/arm/";

tool_run slb_tool(const std::string& args) { return slrt_test::run_tool(SLRT_SLB_TOOL, args); }

json load(const std::string& path) { return json::parse(read_file(path)); }

json json_of(const tool_run& r) {
    INFO(r.out);
    INFO(r.err);
    return json::parse(r.out);
}

}  // namespace

TEST_CASE("slb-tool predict gives the PCR 17 the independent generator computed", "[tool][skinit]") {
    for (const char* name : {"gen1-skl", "gen2-skl", "slb-length-4", "slb-length-ffff"}) {
        const json expected = load(skinit_dir + "valid/" + name + ".json");
        const tool_run r = slb_tool("predict " + skinit_dir + "valid/" + name + ".bin --json");
        INFO(name);
        REQUIRE(r.status == 0);
        const json d = json_of(r);
        for (const char* bank : {"sha1", "sha256", "sha384", "sha512"})
            CHECK(d["pcr17"][bank] == expected["pcr17"][bank]);
        const tool_run one = slb_tool("predict " + skinit_dir + "valid/" + name + ".bin --bank sha256");
        CHECK(one.status == 0);
        CHECK(one.out.find(expected["pcr17"]["sha256"].get<std::string>()) != std::string::npos);
    }
}

TEST_CASE("slb-tool inspect reads both SKL header generations and names broken rules", "[tool][skinit]") {
    for (const char* name : {"gen1-skl", "gen2-skl"}) {
        const json expected = load(skinit_dir + "valid/" + name + ".json");
        const tool_run r = slb_tool("inspect " + skinit_dir + "valid/" + name + ".bin --json");
        INFO(name);
        REQUIRE(r.status == 0);
        const json d = json_of(r);
        CHECK(d["valid"] == true);
        CHECK(d["generation"] == expected["generation"]);
        CHECK(d["bootloader_data_offset"] == expected["bootloader_data_offset"]);
    }
    const json manifest = load(skinit_dir + "manifest.json");
    std::size_t checked = 0;
    for (const json& v : manifest["malformed"]) {
        const std::string parser = v["parser"];
        if (parser != "skl" && parser != "slb") continue;
        const std::string file = skinit_dir + v["file"].get<std::string>();
        const tool_run r = slb_tool("inspect " + file);
        INFO(file);
        INFO(r.out + r.err);
        CHECK(r.status == 1);
        CHECK((r.out + r.err).find(v["rule"].get<std::string>()) != std::string::npos);
        ++checked;
    }
    CHECK(checked >= 15);
}

TEST_CASE("slb-tool place puts an SLRT into an SLB exactly as the generator did", "[tool][skinit]") {
    const json doc = load(skinit_dir + "valid/placed-gen2.json");
    const std::filesystem::path out = slrt_test::scratch_dir() / "placed.bin";
    std::filesystem::remove(out);
    const tool_run r = slb_tool("place " + skinit_dir + doc["slb"].get<std::string>() + " --slrt " + skinit_dir +
                                doc["slrt"].get<std::string>() + " -o " + out.string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(read_file(out) == read_file(skinit_dir + "valid/placed-gen2.bin"));

    // A table that is not an SLRT is refused and nothing is written.
    const std::filesystem::path refused = slrt_test::scratch_dir() / "refused.bin";
    std::filesystem::remove(refused);
    const tool_run bad = slb_tool("place " + skinit_dir + doc["slb"].get<std::string>() + " --slrt " + skinit_dir +
                                  "valid/gen1-skl.bin -o " + refused.string());
    CHECK(bad.status == 1);
    CHECK_FALSE(std::filesystem::exists(refused));
}

TEST_CASE("slb-tool arm-params and arm-dlme-data follow the Arm vectors' expectations", "[tool][arm]") {
    const json manifest = load(arm_dir + "manifest.json");
    std::size_t checked = 0;
    for (const json& v : manifest["vectors"]) {
        const std::string kind = v["kind"];
        // Options beyond the defaults are exercised by the library tests; here: plain invocations.
        if (kind != "params" || !v["options"].empty()) continue;
        const std::string file = arm_dir + v["file"].get<std::string>();
        const tool_run r = slb_tool("arm-params " + file + " --json");
        INFO(file);
        INFO(r.out + r.err);
        if (v["expect"] == "ok") {
            CHECK(r.status == 0);
        } else {
            CHECK(r.status == 1);
            CHECK(r.out.find(v["rule"].get<std::string>()) != std::string::npos);
        }
        ++checked;
    }
    CHECK(checked >= 5);
    const tool_run fvp = slb_tool("arm-params --tfa-fvp " + arm_dir + "valid/params-tfa-fvp.bin");
    CHECK(fvp.status == 0);
    const tool_run data = slb_tool("arm-dlme-data " + arm_dir + "valid/dlme-data-tfa.bin --params " + arm_dir +
                                   "valid/params-tfa-fvp.bin --tfa-fvp --json");
    INFO(data.err);
    CHECK(data.status == 0);
    CHECK(slb_tool("arm-params /nonexistent/params.bin").status == 2);
}

TEST_CASE("slb-tool survives hostile files in every subcommand", "[tool][skinit][arm]") {
    std::mt19937 rng(0x51b);
    for (int i = 0; i < 10; ++i) {
        const std::filesystem::path p = slrt_test::scratch_dir() / ("slb-hostile-" + std::to_string(i) + ".bin");
        std::string bytes(static_cast<std::size_t>(rng() % 70000), '\0');
        for (char& c : bytes) c = static_cast<char>(rng());
        std::ofstream(p, std::ios::binary) << bytes;
        for (const char* cmd : {"inspect", "predict", "arm-params", "arm-dlme-data"}) {
            const tool_run r = slb_tool(std::string(cmd) + " " + p.string() + " --json");
            INFO(cmd << " " << p << " " << r.err);
            CHECK((r.status == 0 || r.status == 1));
        }
    }
}

#endif  // SLRT_SLB_TOOL
