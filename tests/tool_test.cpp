// slrt-tool end to end: the golden vectors through encode/decode, exit codes,
// error messages, stdin/stdout, and no output file on failure.
#include <catch2/catch.hpp>

#ifdef SLRT_TOOL

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct run_result {
    int status;
    std::string out, err;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path scratch() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("slrt-tool-test-" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

// Runs `slrt-tool ARGS` through the shell; stdout and stderr captured.
run_result tool(const std::string& args, const std::string& stdin_file = "") {
    const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
    std::string cmd = std::string(SLRT_TOOL) + " " + args + " >" + out.string() + " 2>" + err.string();
    if (!stdin_file.empty()) cmd += " <" + stdin_file;
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

std::string vec(const std::string& rel) { return std::string(SLRT_SOURCE_DIR) + "/spec/vectors/" + rel; }

nlohmann::json manifest() { return nlohmann::json::parse(slurp(vec("manifest.json"))); }

}  // namespace

TEST_CASE("tool: the README's main job", "[tool]") {
    const fs::path bin = scratch() / "linux-txt.slrt";
    const run_result enc = tool("encode " + std::string(SLRT_SOURCE_DIR) + "/examples/linux-txt.json -o " + bin.string());
    INFO(enc.err);
    REQUIRE(enc.status == 0);
    CHECK(slurp(bin) == slurp(vec("valid/kernel-helpers-v16-txt.bin")));
    CHECK(tool("validate " + bin.string()).status == 0);
    const run_result dump = tool("dump " + bin.string());
    REQUIRE(dump.status == 0);
    CHECK(dump.out.find("dl_info") != std::string::npos);
    CHECK(dump.out.find("Measured SLR Table") != std::string::npos);
    CHECK(tool("validate --profile linux-v16 " + bin.string()).status == 0);
    const run_result xen = tool("validate --profile xen " + bin.string());
    CHECK(xen.status == 1);
    CHECK(xen.err.find("XEN-") != std::string::npos);
}

TEST_CASE("tool: decode and encode reproduce every valid vector", "[tool][vectors]") {
    const nlohmann::json m = manifest();  // the loop must not range over a temporary
    for (const auto& v : m.at("valid")) {
        const std::string bin = vec(v.at("file").get<std::string>()), js = vec(v.at("json").get<std::string>());
        INFO(bin);
        // v10 and v12 AMD tables are the same bytes; the manifest says which one was meant.
        const run_result dec = tool("decode --layout " + v.at("layout").get<std::string>() + " " + bin);
        INFO(dec.err);
        REQUIRE(dec.status == 0);
        CHECK(nlohmann::json::parse(dec.out) == nlohmann::json::parse(slurp(js)));
        const fs::path out = scratch() / "encoded.bin";
        fs::remove(out);
        const run_result enc = tool("encode " + js + " -o " + out.string());
        INFO(enc.err);
        REQUIRE(enc.status == 0);
        // A vector may be stored as its whole max_size page; the encoder writes `size` bytes.
        const std::string want = slurp(bin), got = slurp(out);
        CHECK(want.compare(0, got.size(), got) == 0);
        CHECK(want.find_first_not_of('\0', got.size()) == std::string::npos);
    }
}

TEST_CASE("tool: permissive-only vectors need --permissive", "[tool][vectors]") {
    const nlohmann::json m = manifest();  // the loop must not range over a temporary
    for (const auto& v : m.at("permissive")) {
        const std::string bin = vec(v.at("file").get<std::string>());
        const std::string layout = v.at("layout").get<std::string>();
        INFO(bin);
        const run_result strict = tool("validate --layout " + layout + " " + bin);
        CHECK(strict.status == 1);
        CHECK(strict.err.find(v.at("strict_rule").get<std::string>()) != std::string::npos);
        const run_result lax = tool("validate --permissive --layout " + layout + " " + bin);
        CHECK(lax.status == 0);
        for (const auto& q : v.at("quirks")) CHECK((lax.out + lax.err).find(q.get<std::string>()) != std::string::npos);
    }
}

TEST_CASE("tool: malformed tables exit 1 naming rule, field and offset", "[tool][vectors]") {
    const nlohmann::json m = manifest();  // the loop must not range over a temporary
    for (const auto& v : m.at("malformed")) {
        if (v.at("layout") == "auto" || v.at("mode") == "permissive") continue;
        const std::string bin = vec(v.at("file").get<std::string>());
        INFO(bin);
        const run_result r = tool("validate --layout " + v.at("layout").get<std::string>() + " " + bin);
        CHECK(r.status == 1);
        CHECK(r.err.find(v.at("rule").get<std::string>() + " " + v.at("error").get<std::string>()) != std::string::npos);
        CHECK(r.err.find(" at byte 0x") != std::string::npos);
    }
}

TEST_CASE("tool: bad input never leaves an output file", "[tool]") {
    const fs::path bad = scratch() / "bad.json", out = scratch() / "never.bin";
    fs::remove(out);
    std::ofstream(bad) << R"({"schema": 1, "layout": "v16", "revision": 1, "architecture": "intel_txt",
        "max_size": 4096, "entries": [{"tag": "policy", "revision": 1,
        "entries": [{"pcr": "eighteen", "entity_type": "slrt", "flags": [], "size": 0, "entity": 0, "evt_info": ""}]}]})";
    const run_result r = tool("encode " + bad.string() + " -o " + out.string());
    CHECK(r.status == 2);
    CHECK(r.err.find("/entries/0/entries/0/pcr") != std::string::npos);
    CHECK_FALSE(fs::exists(out));

    std::ofstream(bad) << "{ not json";
    CHECK(tool("encode " + bad.string() + " -o " + out.string()).status == 2);
    CHECK_FALSE(fs::exists(out));
    // A table that encodes but breaks a rule (PCR 24) is invalid: exit 1, no file.
    std::ofstream(bad) << R"({"schema": 1, "layout": "v16", "revision": 1, "architecture": "intel_txt",
        "max_size": 4096, "entries": [{"tag": "policy", "revision": 1,
        "entries": [{"pcr": 24, "entity_type": "slrt", "flags": [], "size": 0, "entity": 0, "evt_info": ""}]}]})";
    const run_result invalid = tool("encode " + bad.string() + " -o " + out.string());
    CHECK(invalid.status == 1);
    CHECK(invalid.err.find("SLRT-P3") != std::string::npos);
    CHECK_FALSE(fs::exists(out));

    CHECK(tool("decode " + (scratch() / "missing.bin").string()).status == 2);
    CHECK(tool("frobnicate").status == 2);
    CHECK(tool("validate").status == 2);
}

TEST_CASE("tool: stdin and stdout, detect and convert", "[tool]") {
    const std::string v10 = vec("valid/oracle-grub-v11-txt.bin");
    const run_result det = tool("detect -", v10);
    REQUIRE(det.status == 0);
    CHECK(det.out.find("v10") != std::string::npos);
    CHECK(det.out.find("v16") == std::string::npos);

    const fs::path conv = scratch() / "converted.bin";
    const run_result c = tool("convert " + v10 + " --to v16 -o " + conv.string());
    INFO(c.err);
    REQUIRE(c.status == 0);
    CHECK(c.err.find("intel_info.boot_params_addr") != std::string::npos);  // zero-filled, and said so
    CHECK(tool("validate --layout v16 " + conv.string()).status == 0);
    CHECK(fs::file_size(conv) == fs::file_size(v10) + 24);

    const run_result dec = tool("decode -", v10);
    REQUIRE(dec.status == 0);
    const fs::path js = scratch() / "v10.json";
    std::ofstream(js) << dec.out;
    const fs::path again = scratch() / "again.bin";
    const run_result enc = tool("encode - -o -", js.string());
    REQUIRE(enc.status == 0);
    CHECK(enc.out == slurp(v10));
}

#endif  // SLRT_TOOL

#ifdef SLRT_TOOL
#include <fmt/core.h>
#include <openssl/evp.h>

#include "slrt/slrt.hpp"

TEST_CASE("tool: measure predicts the DRTM PCRs of a policy over memory images", "[tool][measure]") {
    using namespace slrt;
    // Memory: 8 KiB at 0x200000 holding a command line and a setup_data node; a ramdisk at 0x400000.
    std::vector<u8> low(0x2000, 0), ramdisk(0x3000);
    for (std::size_t i = 0; i < ramdisk.size(); ++i) ramdisk[i] = static_cast<u8>(i * 13);
    const char cmdline[] = "console=ttyS0 slub_debug";
    std::copy(cmdline, cmdline + sizeof cmdline, low.begin());
    store_le(mutable_byte_view(low.data(), low.size()), 0x1000 + 12, 4, 8);  // setup_data: next 0, len 8
    low[0x1010] = 0x5a;

    std::vector<u8> buf(4096);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::intel_txt, 4096));
    const policy_entry p[] = {
        {18, entity_type::cmdline, 0, sizeof cmdline, 0x200000, "Measured Kernel command line"},
        {18, entity_type::setup_data, policy_flag_implicit_size, 0, 0x201000, "Measured Kernel setup_data"},
        {17, entity_type::ramdisk, 0, 0x3000, 0x400000, "Measured Kernel initrd"},
    };
    REQUIRE(b.add_policy(p, 3));
    const fs::path table = scratch() / "measure.slrt", mem1 = scratch() / "low.bin", mem2 = scratch() / "rd.bin",
                   log = scratch() / "measure.log";
    std::ofstream(table, std::ios::binary).write(reinterpret_cast<const char*>(b.bytes().data()), static_cast<std::streamsize>(b.size()));
    std::ofstream(mem1, std::ios::binary).write(reinterpret_cast<const char*>(low.data()), static_cast<std::streamsize>(low.size()));
    std::ofstream(mem2, std::ios::binary).write(reinterpret_cast<const char*>(ramdisk.data()), static_cast<std::streamsize>(ramdisk.size()));

    const run_result r = tool("measure " + table.string() + " --memory " + mem1.string() + "@0x200000 --memory " +
                              mem2.string() + "@0x400000 --bank sha256 -o " + log.string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    const nlohmann::json out = nlohmann::json::parse(r.out);
    REQUIRE(out.at("plan").size() == 3);

    // Independently: PCR = SHA256(PCR || SHA256(bytes)), from zero.
    auto sha = [](const u8* data, std::size_t n) {
        std::vector<u8> d(32);
        unsigned len = 0;
        EVP_Digest(data, n, d.data(), &len, EVP_sha256(), nullptr);
        return d;
    };
    auto extend = [&](std::vector<u8> pcr, const std::vector<u8>& m) {
        pcr.insert(pcr.end(), m.begin(), m.end());
        return sha(pcr.data(), pcr.size());
    };
    auto hex = [](const std::vector<u8>& d) {
        std::string s;
        for (u8 c : d) s += fmt::format("{:02x}", c);
        return s;
    };
    std::vector<u8> pcr18(32, 0), pcr17(32, 0);
    pcr18 = extend(pcr18, sha(low.data(), sizeof cmdline));
    pcr18 = extend(pcr18, sha(low.data() + 0x1010, 8));
    pcr17 = extend(pcr17, sha(ramdisk.data(), ramdisk.size()));
    CHECK(out.at("pcrs").at("sha256").at("18") == hex(pcr18));
    CHECK(out.at("pcrs").at("sha256").at("17") == hex(pcr17));
    CHECK(fs::file_size(log) > 0);

    // A ramdisk outside every image: a typed error naming the element, exit 1.
    const run_result missing = tool("measure " + table.string() + " --memory " + mem1.string() + "@0x200000");
    CHECK(missing.status == 1);
    CHECK(missing.err.find("POL-1") != std::string::npos);
    CHECK(tool("measure " + table.string() + " --memory nonsense").status == 2);
}
#endif
