// txt-tool end to end: every subcommand over the golden and malformed TXT vectors, the exit
// codes, the JSON forms, and hostile input that must never crash it.
#include <catch2/catch.hpp>

#ifdef SLRT_TXT_TOOL

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/run_tool.hpp"

namespace {

using nlohmann::json;
using slrt_test::read_file;
using slrt_test::tool_run;

const std::string txt_dir = std::string(SLRT_SOURCE_DIR) + "/spec/vectors/txt/";

tool_run txt_tool(const std::string& args) { return slrt_test::run_tool(SLRT_TXT_TOOL, args); }

json load(const std::string& path) { return json::parse(read_file(path)); }

// The JSON form of a run, which must parse.
json json_of(const tool_run& r) {
    INFO(r.out);
    INFO(r.err);
    return json::parse(r.out);
}

// The heap subcommand's options for a manifest entry: stage, OsMleData layout, TXT.HEAP.SIZE.
std::string heap_args(const json& v) {
    std::string args = "heap " + txt_dir + "heap/" + v["file"].get<std::string>();
    if (v.value("stage", "post_launch") == "pre_launch") args += " --stage pre";
    if (v.value("stage", "post_launch") == "bios") args += " --stage bios";
    if (v.value("os_mle", "by_size") == "linux_v1") args += " --os-mle linux-v1";
    if (v.value("heap_size", 0) != 0) args += " --heap-size " + std::to_string(v["heap_size"].get<unsigned>());
    return args;
}

}  // namespace

TEST_CASE("txt-tool errorcode explains values in words", "[tool][txt]") {
    const tool_run pmr = txt_tool("errorcode 0xC0000C91 --json");
    REQUIRE(pmr.status == 0);
    const json d = json_of(pmr);
    CHECK(d["source"] == "acm");
    CHECK(d["module"] == "SINIT");
    CHECK(d["class"] == 9);
    CHECK(d["major"] == 3);
    CHECK(d["status"] == "error");
    CHECK(d["what_to_check"].get<std::string>().find("vtd_pmr_lo_base") != std::string::npos);

    const tool_run sl = txt_tool("errorcode 0xc0008005");
    REQUIRE(sl.status == 0);
    CHECK(sl.out.find("SL_ERROR_REGION_STRADDLE_4GB") != std::string::npos);

    const json ok = json_of(txt_tool("errorcode 0xC0000001 --json"));
    CHECK(ok["status"] == "success");

    const json cpu = json_of(txt_tool("errorcode 0x80000007 --json"));
    CHECK(cpu["source"] == "processor");
    CHECK(cpu["type"] == 7);

    CHECK(txt_tool("errorcode 3221228689 --json").out == pmr.out);  // decimal is the same value
    CHECK(txt_tool("errorcode zzz").status == 2);
    CHECK(txt_tool("errorcode").status == 2);
}

TEST_CASE("txt-tool heap accepts the golden heaps and names the rule each malformed one breaks", "[tool][txt]") {
    const json manifest = load(txt_dir + "heap/manifest.json");
    for (const json& v : manifest["valid"]) {
        const std::string args = heap_args(v) + " --json";
        const tool_run r = txt_tool(args);
        INFO(args);
        INFO(r.err);
        CHECK(r.status == 0);
        CHECK(json_of(r)["valid"] == true);
    }
    for (const json& v : manifest["permissive"]) {
        const std::string args = heap_args(v);
        INFO(args);
        const tool_run strict = txt_tool(args + " --json");
        CHECK(strict.status == 1);
        CHECK(json_of(strict)["error"]["rule"] == v["strict_rule"]);
        const tool_run permissive = txt_tool(args + " --permissive --json");
        REQUIRE(permissive.status == 0);
        const json d = json_of(permissive);
        for (const json& quirk : v["quirks"]) CHECK(d["quirks"].dump().find(quirk.get<std::string>()) != std::string::npos);
    }
    std::size_t checked = 0;
    for (const json& v : manifest["malformed"]) {
        if (v["profile"] != "heap" || v["mode"] != "strict") continue;
        const std::string args = heap_args(v) + " --json";
        const tool_run r = txt_tool(args);
        INFO(args);
        REQUIRE(r.status == 1);
        const json d = json_of(r);
        CHECK(d["valid"] == false);
        CHECK(d["error"]["rule"] == v["rule"]);
        CHECK(d["error"]["errc"] == v["errc"]);
        CHECK(d["error"]["offset"] == v["offset"]);
        ++checked;
    }
    CHECK(checked >= 40);
}

TEST_CASE("txt-tool heap follows OsMleData's pointers with --base", "[tool][txt]") {
    const std::string file = txt_dir + "heap/valid/linux-launch.bin";
    const tool_run r = txt_tool("heap " + file + " --base 0x7a000000");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("phys 0x7a000060") != std::string::npos);  // OsMleData's physical address
    CHECK(txt_tool("heap /nonexistent/heap.bin").status == 2);
}

TEST_CASE("txt-tool mle finds and checks MLE headers", "[tool][txt]") {
    const json manifest = load(txt_dir + "mle/manifest.json");
    const tool_run bz = txt_tool("mle " + txt_dir + "mle/valid/bzimage-sl.bin --json");
    REQUIRE(bz.status == 0);
    const json d = json_of(bz);
    CHECK(d["kind"] == "bzimage");
    CHECK(d["valid"] == true);
    CHECK(d["header"]["capabilities"] == 0x227);
    // The tool's SHA-256 of [MleStart, MleEnd) is the one the independent generator computed.
    const json expected = load(txt_dir + "mle/valid/bzimage-sl.json");
    CHECK(d["measurement"]["sha256"] == expected["measurement"]["sha256"]);

    std::size_t checked = 0;
    for (const json& v : manifest["malformed"]) {
        // Header vectors are bare headers: the tool scans them as raw MLEs and may stop at an
        // earlier rule (no UUID at all, say) than the header parser does; finder vectors are whole files.
        if (v["parser"] != "header" && v["parser"] != "find") continue;
        const std::string file = txt_dir + "mle/" + v["file"].get<std::string>();
        const tool_run r = txt_tool("mle " + file);
        INFO(file);
        INFO(r.out);
        CHECK(r.status == 1);
        if (v["parser"] == "find") CHECK((r.out + r.err).find(v["rule"].get<std::string>()) != std::string::npos);
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("txt-tool acm dumps modules, matches them to a platform and rejects malformed ones", "[tool][txt]") {
    const std::string v6 = txt_dir + "acm/valid_v00_info6.bin";
    const tool_run dump = txt_tool("acm " + v6 + " --json");
    REQUIRE(dump.status == 0);
    CHECK(json_of(dump).contains("info"));

    // The module's own first chipset entry matches; another device id does not.
    const json doc = load(txt_dir + "acm/valid_v00_info6.json");
    const json& chipset = doc["chipsets"][0];
    const unsigned long long didvid = (chipset["revision_id"].get<unsigned long long>() << 32) |
                                      (chipset["device_id"].get<unsigned long long>() << 16) |
                                      chipset["vendor_id"].get<unsigned long long>();
    CHECK(txt_tool("acm " + v6 + " --match didvid=" + std::to_string(didvid)).status == 0);
    const tool_run other = txt_tool("acm " + v6 + " --match didvid=0x1a0038086");
    CHECK(other.status == 1);
    CHECK(other.out.find("TXT-A42") != std::string::npos);
    CHECK(txt_tool("acm " + v6 + " --match nonsense=1").status == 2);

    const json malformed = load(txt_dir + "acm/malformed/manifest.json");
    REQUIRE(malformed.size() >= 20);
    for (const json& v : malformed) {
        const std::string file = txt_dir + "acm/malformed/" + v["file"].get<std::string>();
        const tool_run r = txt_tool("acm " + file);
        INFO(file);
        CHECK(r.status == 1);
        CHECK((r.out + r.err).find(v["rule"].get<std::string>() + " ") != std::string::npos);
    }
}

TEST_CASE("txt-tool regs decodes register dumps and reports launch failures", "[tool][txt]") {
    const tool_run healthy = txt_tool("regs " + txt_dir + "regs/healthy_post_launch.json --json");
    CHECK(healthy.status == 0);
    CHECK(json_of(healthy)["failures"] == 0);
    const tool_run failed = txt_tool("regs " + txt_dir + "regs/failed_launch.json");
    CHECK(failed.status == 1);
    CHECK(failed.out.find("PMR low base or size not 2 MiB aligned") != std::string::npos);
    const tool_run reset = txt_tool("regs " + txt_dir + "regs/txt_reset.json --json");
    CHECK(reset.status == 1);
    CHECK(reset.out.find("TXT-R1") != std::string::npos);

    const std::filesystem::path bad = slrt_test::scratch_dir() / "bad-regs.json";
    std::ofstream(bad) << R"({"TXT.NOSUCH": 1})";
    CHECK(txt_tool("regs " + bad.string()).status == 2);
    std::ofstream(bad) << "{";
    CHECK(txt_tool("regs " + bad.string()).status == 2);
}

TEST_CASE("txt-tool survives hostile files in every subcommand", "[tool][txt]") {
    std::mt19937 rng(0x7478);
    std::vector<std::string> files;
    for (int i = 0; i < 12; ++i) {
        const std::filesystem::path p = slrt_test::scratch_dir() / ("hostile-" + std::to_string(i) + ".bin");
        std::string bytes(static_cast<std::size_t>(rng() % 4096), '\0');
        for (char& c : bytes) c = static_cast<char>(rng());
        if (i % 3 == 0 && bytes.size() >= 8) bytes.replace(0, 8, std::string("\x60\0\0\0\0\0\0\0", 8));
        std::ofstream(p, std::ios::binary) << bytes;
        files.push_back(p.string());
    }
    files.push_back(txt_dir + "heap/valid/linux-launch.bin");  // right file, wrong subcommand
    files.push_back(txt_dir + "acm/valid_v30_info7.bin");
    for (const std::string& f : files) {
        for (const char* cmd : {"heap", "acm", "mle"}) {
            const tool_run r = txt_tool(std::string(cmd) + " " + f + " --json");
            INFO(cmd << " " << f);
            CHECK((r.status == 0 || r.status == 1));
            if (r.status == 0 || r.status == 1) CHECK_NOTHROW(json::parse(r.out));
        }
        CHECK(txt_tool("regs " + f).status == 2);
    }
}

#endif  // SLRT_TXT_TOOL
