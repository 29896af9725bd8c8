// A measured launch against a real TPM 2.0 (swtpm + libtpms), end to end:
//
//   1. start a standalone swtpm on free loopback ports (TPM2_Startup(CLEAR) by --flags);
//   2. read the active PCR banks (TPM2_GetCapability(TPM_CAP_PCRS), policy/tpm2.hpp);
//   3. run the DRTM hash sequence on the control channel (HASH_START/DATA/END: PCR 17..22
//      reset to zero, PCR 17 = H(0 || H(data)) in every bank);
//   4. switch to locality 2 and extend PCR 17/18 with the planned measurements of a sample
//      Linux launch (policy/plan.hpp, policy/measure.hpp) through TPM2_PCR_Extend,
//      logging each as the kernel does (SL_EVTYPE_SECURE_LAUNCH, label as event data) in a
//      crypto-agile log written by policy/eventlog.hpp; the hash sequence is logged as a
//      TXT_EVTYPE_HASH_START event on PCR 17 with digest H(data), so replay from zero gives
//      H(0 || H(data));
//   5. check that the library's replay of the log equals every PCR read back from the TPM in
//      every active bank, and that tpm2_eventlog on the same log prints the same values.
//
// Exit status 77 (ctest SKIP_RETURN_CODE) when swtpm is not installed; tpm2_eventlog missing
// only skips step 5's cross-check with a warning.
#define CATCH_CONFIG_RUNNER
// This file compiles Catch's implementation (its own main for exit status 77); GCC 12 reports
// -Wmaybe-uninitialized inside <regex> code Catch instantiates, a false positive in libstdc++.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/tpm2_eventlog_yaml.hpp"
#include "policy/eventlog.hpp"
#include "policy/measure.hpp"
#include "policy/plan.hpp"
#include "policy/tpm2.hpp"
#include "slrt/slrt.hpp"

using namespace slrt;

namespace {

namespace fs = std::filesystem;
using bytes_t = std::vector<u8>;

std::string find_program(const char* name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

std::string hex(const u8* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}
std::string hex(const digest& d) { return hex(d.bytes, d.size()); }

// ---------------------------------------------------------------------------------------------
// Sockets

int connect_to(u16 port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, const u8* p, std::size_t n) {
    while (n) {
        const ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

bool recv_all(int fd, u8* p, std::size_t n) {
    while (n) {
        const ssize_t k = recv(fd, p, n, 0);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

// Two consecutive free loopback ports (TPM and control channel).
bool free_port_pair(u16& port) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int a = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (bind(a, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            getsockname(a, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            close(a);
            continue;
        }
        const u16 p = ntohs(addr.sin_port);
        if (p == 0xffff) {
            close(a);
            continue;
        }
        const int b = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in next = addr;
        next.sin_port = htons(static_cast<u16>(p + 1));
        const bool ok = bind(b, reinterpret_cast<sockaddr*>(&next), sizeof next) == 0;
        close(a);
        close(b);
        if (ok) {
            port = p;
            return true;
        }
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// swtpm: one daemon per test run, stopped by its pid.

class swtpm {
public:
    swtpm(const std::string& program) {
        char tmpl[] = "/tmp/slrt-swtpm-XXXXXX";
        if (!mkdtemp(tmpl)) return;
        dir_ = tmpl;
        fs::create_directory(dir_ + "/state");
        if (!free_port_pair(port_)) return;
        const std::string pidfile = dir_ + "/swtpm.pid";
        const std::string cmd = program + " socket --tpm2 --tpmstate dir=" + dir_ + "/state" +
                                " --server type=tcp,port=" + std::to_string(port_) + ",bindaddr=127.0.0.1" +
                                " --ctrl type=tcp,port=" + std::to_string(port_ + 1) + ",bindaddr=127.0.0.1" +
                                " --flags startup-clear --daemon --pid file=" + pidfile + " --log file=" + dir_ +
                                "/swtpm.log";
        if (std::system(cmd.c_str()) != 0) return;
        for (int i = 0; i < 100 && pid_ <= 0; ++i) {
            std::ifstream in(pidfile);
            if (!(in >> pid_)) pid_ = 0;
            if (pid_ <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        for (int i = 0; i < 100 && tpm_ < 0; ++i) {
            tpm_ = connect_to(port_);
            if (tpm_ < 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~swtpm() {
        if (tpm_ >= 0) close(tpm_);
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            for (int i = 0; i < 100 && kill(pid_, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (kill(pid_, 0) == 0) kill(pid_, SIGKILL);
        }
        if (!dir_.empty()) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
        }
    }
    swtpm(const swtpm&) = delete;
    swtpm& operator=(const swtpm&) = delete;

    bool running() const { return pid_ > 0 && tpm_ >= 0; }
    const std::string& dir() const { return dir_; }
    u16 port() const { return port_; }

    // One TPM command on the server socket: raw command bytes in, raw response bytes out.
    bytes_t command(byte_view cmd) {
        bytes_t out;
        if (!send_all(tpm_, cmd.data(), cmd.size())) return out;
        u8 header[10];
        if (!recv_all(tpm_, header, sizeof header)) return out;
        const u32 size = static_cast<u32>(load_be(byte_view(header), 2, 4));
        out.assign(header, header + 10);
        if (size > 10 && size < (1u << 20)) {
            out.resize(size);
            if (!recv_all(tpm_, out.data() + 10, size - 10)) out.clear();
        }
        return out;
    }

    // One control-channel command (big-endian code + payload), its u32 result (0 = success).
    bool control(u32 code, const bytes_t& payload, u32& result) {
        const int fd = connect_to(static_cast<u16>(port_ + 1));
        if (fd < 0) return false;
        bytes_t msg(4);
        store_be(mutable_byte_view(msg.data(), 4), 0, 4, code);
        msg.insert(msg.end(), payload.begin(), payload.end());
        u8 rc[4];
        const bool ok = send_all(fd, msg.data(), msg.size()) && recv_all(fd, rc, 4);
        close(fd);
        if (ok) result = static_cast<u32>(load_be(byte_view(rc), 0, 4));
        return ok;
    }

private:
    std::string dir_;
    u16 port_ = 0;
    int pid_ = 0;
    int tpm_ = -1;
};

// Control channel command codes (skinit-arm-tcg.md §D.1; swtpm tpm_ioctl.h).
constexpr u32 cmd_set_locality = 5, cmd_hash_start = 6, cmd_hash_data = 7, cmd_hash_end = 8;

void set_locality(swtpm& t, u8 locality) {
    u32 rc = 1;
    REQUIRE(t.control(cmd_set_locality, {locality}, rc));
    REQUIRE(rc == 0);
}

// _TPM_Hash_Start / _TPM_Hash_Data / _TPM_Hash_End, as a DRTM launch does at locality 4.
void drtm_hash_sequence(swtpm& t, const bytes_t& data) {
    u32 rc = 1;
    REQUIRE(t.control(cmd_hash_start, {}, rc));
    REQUIRE(rc == 0);
    for (std::size_t at = 0; at < data.size(); at += 4096) {
        const std::size_t n = std::min<std::size_t>(4096, data.size() - at);
        bytes_t payload(4);
        store_be(mutable_byte_view(payload.data(), 4), 0, 4, n);
        payload.insert(payload.end(), data.begin() + static_cast<long>(at), data.begin() + static_cast<long>(at + n));
        REQUIRE(t.control(cmd_hash_data, payload, rc));
        REQUIRE(rc == 0);
    }
    REQUIRE(t.control(cmd_hash_end, {}, rc));
    REQUIRE(rc == 0);
}

// All 24 PCRs of `banks`, read with as many TPM2_PCR_Read calls as the TPM needs.
pcr_bank_set read_pcrs(swtpm& t, const std::vector<hash_alg>& banks) {
    pcr_bank_set out;
    pcr_selection_list want;
    for (hash_alg a : banks) {
        REQUIRE(want.add(a, 0xffffffu));
        REQUIRE(out.add(a, digest_size(a), pcr_start::drtm));
        out.find(a)->valid = 0;
    }
    for (int round = 0; want.count != 0; ++round) {
        REQUIRE(round < 64);
        u8 cmd[256];
        const result<u32> n = tpm2_encode_pcr_read(mutable_byte_view(cmd, sizeof cmd), want);
        REQUIRE(n);
        const bytes_t resp = t.command(byte_view(cmd, *n));
        const result<tpm2_pcr_read_result> r = tpm2_decode_pcr_read(byte_view(resp.data(), resp.size()));
        INFO("PCR_Read: " << (r ? "" : r.err().rule));
        REQUIRE(r);
        REQUIRE(r->digest_count > 0);
        for (u32 i = 0; i < r->digest_count; ++i) {
            pcr_bank* b = out.find(r->digests[i].alg);
            REQUIRE(b != nullptr);
            b->pcrs[r->pcr[i]] = r->digests[i];
            b->valid |= 1u << r->pcr[i];
        }
        want = tpm2_selection_minus(want, r->selection);
    }
    return out;
}

using slrt::test::tpm2_eventlog_pcrs;

std::string g_swtpm;

}  // namespace

TEST_CASE("tpm: replay of the library's log equals the PCRs swtpm computed", "[tpm]") {
    swtpm tpm(g_swtpm);
    INFO("swtpm state in " << tpm.dir() << ", port " << tpm.port());
    REQUIRE(tpm.running());

    // Startup is done by --flags startup-clear: a second one answers TPM_RC_INITIALIZE.
    u8 cmd[512];
    result<u32> n = tpm2_encode_startup(mutable_byte_view(cmd, sizeof cmd));
    REQUIRE(n);
    bytes_t resp = tpm.command(byte_view(cmd, *n));
    const status startup = tpm2_decode_startup(byte_view(resp.data(), resp.size()));
    CHECK((startup || startup.err().value == tpm_rc_initialize));

    // Active banks.
    n = tpm2_encode_get_capability_pcrs(mutable_byte_view(cmd, sizeof cmd));
    REQUIRE(n);
    resp = tpm.command(byte_view(cmd, *n));
    const result<tpm2_pcr_allocation> alloc = tpm2_decode_get_capability_pcrs(byte_view(resp.data(), resp.size()));
    REQUIRE(alloc);
    hash_alg active[max_log_banks] = {};
    const u32 bank_count = alloc->active_banks(active, max_log_banks);
    REQUIRE(bank_count >= 1);
    REQUIRE(bank_count <= max_log_banks);
    const std::vector<hash_alg> banks(active, active + bank_count);
    std::string bank_names;
    for (hash_alg a : banks) bank_names += std::string(bank_names.empty() ? "" : ",") + (name(a) ? name(a) : "?");

    // Before any launch: PCR 17..22 all ones, the others zero.
    {
        const pcr_bank_set before = read_pcrs(tpm, banks);
        for (hash_alg a : banks)
            for (u32 p = 0; p < 24; ++p) {
                INFO(name(a) << " PCR " << p);
                CHECK(before.find(a)->pcrs[p] == pcr_start_value(a, p, pcr_start::pre_launch));
            }
    }

    // The dynamic launch: locality-4 hash sequence over the "secure loader" bytes.
    bytes_t loader(10000);
    for (std::size_t i = 0; i < loader.size(); ++i) loader[i] = static_cast<u8>(i * 7 + 3);
    drtm_hash_sequence(tpm, loader);

    bytes_t log_buffer(64 * 1024);
    log_writer log(mutable_byte_view(log_buffer.data(), log_buffer.size()));
    REQUIRE(log.init_tcg(banks.data(), bank_count));
    const std::string start_label = "DRTM hash start";
    REQUIRE(log.append_measurement(17, txt_evtype_hash_start, byte_view(loader.data(), loader.size()),
                                   byte_view(reinterpret_cast<const u8*>(start_label.data()), start_label.size())));

    // Locality 0 may not extend PCR 17: TPM_RC_LOCALITY through the codec.
    set_locality(tpm, 0);
    {
        const digest d = capped_digest(banks[0]);
        n = tpm2_encode_pcr_extend(mutable_byte_view(cmd, sizeof cmd), 17, &d, 1);
        REQUIRE(n);
        resp = tpm.command(byte_view(cmd, *n));
        const status refused = tpm2_decode_pcr_extend(byte_view(resp.data(), resp.size()));
        REQUIRE_FALSE(refused);
        CHECK(refused.err().rule == std::string("TPM-6"));
        CHECK(refused.err().value == tpm_rc_locality);
    }

    // The kernel's measurements at locality 2 (slrt.md §8: type 0x502, label as event data).
    set_locality(tpm, 2);
    // The planned measurements of a sample Linux launch: an SLRT built like GRUB's, boot
    // params, command line, initrd and a setup_data chain with a SETUP_INDIRECT node in a
    // memory image, evaluated under the Linux v16 rules (policy/plan.hpp).
    const u64 base = 0x1000000;
    bytes_t ram(0x40000);
    for (std::size_t i = 0; i < ram.size(); ++i) ram[i] = static_cast<u8>(i ^ (i >> 8) ^ (i >> 16));
    auto node = [&](u64 at, u64 next, u32 type, u32 len) {
        auto m = mutable_byte_view(ram.data(), ram.size());
        store_le(m, at - base, 8, next);
        store_le(m, at - base + 8, 4, type);
        store_le(m, at - base + 12, 4, len);
    };
    node(base + 0x2000, base + 0x2100, 1, 40);
    node(base + 0x2100, 0, setup_indirect, 24);
    store_le(mutable_byte_view(ram.data(), ram.size()), 0x2100 + 24, 8, 0x800);        // indirect len
    store_le(mutable_byte_view(ram.data(), ram.size()), 0x2100 + 32, 8, base + 0x3000);  // indirect addr
    bytes_t slrt_page(4096);
    builder sb(mutable_byte_view(slrt_page.data(), slrt_page.size()), layout::v16);
    REQUIRE(sb.init(architecture::intel_txt, 4096));
    const policy_entry entries[] = {
        {18, entity_type::slrt, policy_flag_implicit_size, 0, 0x7a000000, "Measured SLR Table"},
        {18, entity_type::boot_params, 0, 0x1000, base, "Measured boot parameters"},
        {18, entity_type::setup_data, policy_flag_implicit_size, 0, base + 0x2000, "Measured Kernel setup_data"},
        {18, entity_type::cmdline, 0, 0x100, base + 0x1000, "Measured Kernel command line"},
        {17, entity_type::ramdisk, 0, 0x30000, base + 0x10000, "Measured Kernel initrd"},
        {18, entity_type::txt_os2mle, 0, 0x60, 0x8ff00088, "Measured TXT OS-MLE data"},
    };
    REQUIRE(sb.add_policy(entries, 6));
    intel_info intel;
    intel.boot_params_addr = base;
    intel.txt_heap = 0x8ff00000;
    intel.saved_misc_enable_msr = 0x850089;
    REQUIRE(sb.add(intel));
    const result<table> slrt_table = parse(sb.bytes());
    REQUIRE(slrt_table);
    const memory_image memory(base, byte_view(ram.data(), ram.size()));
    plan<32> planned;
    REQUIRE(make_plan(*slrt_table, memory, measure_rules::linux_v16, planned));
    REQUIRE(planned.count == 7);  // SLRT, boot params, 3 setup_data events, cmdline, initrd

    for (const plan_step& step : planned) {
        INFO("PCR " << step.pcr << " " << std::string(step.label.bytes, step.label.length()));
        digest d[max_log_banks] = {};
        REQUIRE(measure_step(*slrt_table, memory, step, banks.data(), bank_count, d));
        REQUIRE(log.append(step.pcr, step.event_type, d, bank_count,
                           byte_view(reinterpret_cast<const u8*>(step.label.bytes), step.label.length())));
        n = tpm2_encode_pcr_extend(mutable_byte_view(cmd, sizeof cmd), step.pcr, d, bank_count);
        REQUIRE(n);
        resp = tpm.command(byte_view(cmd, *n));
        const status extended = tpm2_decode_pcr_extend(byte_view(resp.data(), resp.size()));
        INFO("PCR_Extend: " << (extended ? "ok" : extended.err().rule) << " rc "
                            << (extended ? 0 : extended.err().value));
        REQUIRE(extended);
    }

    // The log, as a securityfs read shows it: the buffer with its zero tail.
    const result<event_log> parsed = parse_event_log(byte_view(log_buffer.data(), log_buffer.size()));
    REQUIRE(parsed);
    CHECK(parsed->event_count() == planned.count + 1);
    pcr_bank_set replayed;
    REQUIRE(replay(*parsed, replayed));

    const pcr_bank_set tpm_values = read_pcrs(tpm, banks);
    u32 matched = 0, skipped_banks = 0;
    for (hash_alg a : banks) {
        const pcr_bank* mine = replayed.find(a);
        REQUIRE(mine != nullptr);
        if (!mine->computable) {
            WARN("bank " << (name(a) ? name(a) : "?") << " is active but slrt cannot compute it: not compared");
            ++skipped_banks;
            continue;
        }
        for (u32 p = 0; p < 24; ++p) {
            INFO(name(a) << " PCR " << p);
            CHECK(hex(mine->pcrs[p]) == hex(tpm_values.find(a)->pcrs[p]));
            if (mine->pcrs[p] == tpm_values.find(a)->pcrs[p]) ++matched;
        }
    }
    if (skipped_banks == 0) CHECK_FALSE(first_difference(replayed, tpm_values).found);
    // PCR 17 after the launch is H(0 || H(loader)) extended by the kernel's events: not 0, not FF.
    CHECK_FALSE(all_zero(replayed.find(banks[0])->pcrs[17].view()));

    // tpm2_eventlog on the same log (with its zero tail trimmed: 5.4 reads a zero tail as events).
    u32 cross_checked = 0;
    const std::string tool = find_program("tpm2_eventlog");
    if (tool.empty()) {
        WARN("tpm2_eventlog not installed: cross-check skipped");
    } else {
        const std::string path = tpm.dir() + "/eventlog.bin";
        {
            std::ofstream out(path, std::ios::binary);
            out.write(reinterpret_cast<const char*>(log_buffer.data()), static_cast<std::streamsize>(log.size()));
        }
        std::string yaml;
        if (FILE* p = popen((tool + " " + path + " 2>&1").c_str(), "r")) {
            char chunk[4096];
            std::size_t k;
            while ((k = std::fread(chunk, 1, sizeof chunk, p)) > 0) yaml.append(chunk, k);
            pclose(p);
        }
        INFO(yaml);
        const auto theirs = tpm2_eventlog_pcrs(yaml);
        CHECK(theirs.size() == bank_count);
        for (const auto& [bank_name, pcrs] : theirs) {
            hash_alg a{};
            REQUIRE(hash_alg_from_name(bank_name.c_str(), a));
            CHECK(pcrs.size() == 2);  // 17 and 18
            for (const auto& [pcr, value] : pcrs) {
                INFO(bank_name << " PCR " << pcr);
                REQUIRE(pcr < 24);
                CHECK(value == hex(tpm_values.find(a)->pcrs[pcr]));
                ++cross_checked;
            }
        }
    }
    std::printf("swtpm: banks %s (%u); %u PCR values of the log's replay matched the TPM (%u banks x 24)%s; "
                "tpm2_eventlog agreed on %u values\n",
                bank_names.c_str(), bank_count, matched, bank_count - skipped_banks,
                skipped_banks ? ", some banks not computable" : "", cross_checked);
}

int main(int argc, char** argv) {
    g_swtpm = find_program("swtpm");
    if (g_swtpm.empty()) {
        std::printf("SKIP: swtpm is not installed (Debian: apt-get install swtpm swtpm-tools); the TPM test did not run\n");
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
