// Test support for the TPM tests (tests/tpm/*.cpp): a standalone swtpm (swtpm + libtpms) on free
// loopback ports, its TPM and control channels, the DRTM hash sequence, and reading PCRs.
// Each test program defines CATCH_CONFIG_RUNNER and includes <catch2/catch.hpp> before this header;
// its main() returns run_with_swtpm().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "hex.hpp"
#include "policy/replay.hpp"
#include "policy/tpm2.hpp"
#include "slrt/bytes.hpp"

namespace slrt_test {

// `name` on PATH, or empty.
inline std::string find_program(const char* name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

// The standard output of `cmd` run through the shell; `status` is pclose's status, or -1 when
// the command could not be started.
inline std::string command_output(const std::string& cmd, int& status) {
    std::string out;
    status = -1;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char chunk[4096];
        std::size_t k;
        while ((k = std::fread(chunk, 1, sizeof chunk, p)) > 0) out.append(chunk, k);
        status = pclose(p);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Loopback sockets

inline int connect_to(slrt::u16 port) {
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

inline bool send_all(int fd, const slrt::u8* p, std::size_t n) {
    while (n) {
        const ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

inline bool recv_all(int fd, slrt::u8* p, std::size_t n) {
    while (n) {
        const ssize_t k = recv(fd, p, n, 0);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

// Two consecutive free loopback ports (TPM and control channel).
inline bool free_port_pair(slrt::u16& port) {
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
        const slrt::u16 p = ntohs(addr.sin_port);
        if (p == 0xffff) {
            close(a);
            continue;
        }
        const int b = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in next = addr;
        next.sin_port = htons(static_cast<slrt::u16>(p + 1));
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
    using bytes_t = std::vector<slrt::u8>;

    // Starts `program` (the swtpm binary) with its state in a new /tmp/slrt-TAG-XXXXXX.
    explicit swtpm(const std::string& program, const std::string& tag = "swtpm") {
        std::string tmpl = "/tmp/slrt-" + tag + "-XXXXXX";
        if (!mkdtemp(tmpl.data())) return;
        dir_ = tmpl;
        std::filesystem::create_directory(dir_ + "/state");
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
            std::filesystem::remove_all(dir_, ec);
        }
    }
    swtpm(const swtpm&) = delete;
    swtpm& operator=(const swtpm&) = delete;

    bool running() const { return pid_ > 0 && tpm_ >= 0; }
    const std::string& dir() const { return dir_; }
    slrt::u16 port() const { return port_; }

    // One TPM command on the server socket: raw command bytes in, raw response bytes out.
    bytes_t command(slrt::byte_view cmd) {
        bytes_t out;
        if (!send_all(tpm_, cmd.data(), cmd.size())) return out;
        slrt::u8 header[10];
        if (!recv_all(tpm_, header, sizeof header)) return out;
        const slrt::u32 size = static_cast<slrt::u32>(slrt::load_be(slrt::byte_view(header), 2, 4));
        out.assign(header, header + 10);
        if (size > 10 && size < (1u << 20)) {
            out.resize(size);
            if (!recv_all(tpm_, out.data() + 10, size - 10)) out.clear();
        }
        return out;
    }

    // One control-channel command (big-endian code + payload), its u32 result (0 = success).
    bool control(slrt::u32 code, const bytes_t& payload, slrt::u32& result) {
        const int fd = connect_to(static_cast<slrt::u16>(port_ + 1));
        if (fd < 0) return false;
        bytes_t msg(4);
        slrt::store_be(slrt::mutable_byte_view(msg.data(), 4), 0, 4, code);
        msg.insert(msg.end(), payload.begin(), payload.end());
        slrt::u8 rc[4];
        const bool ok = send_all(fd, msg.data(), msg.size()) && recv_all(fd, rc, 4);
        close(fd);
        if (ok) result = static_cast<slrt::u32>(slrt::load_be(slrt::byte_view(rc), 0, 4));
        return ok;
    }

    // The same, failing the test when the channel does not answer: the result.
    slrt::u32 control(slrt::u32 code, const bytes_t& payload) {
        slrt::u32 result = 0xffffffffu;
        REQUIRE(control(code, payload, result));
        return result;
    }

private:
    std::string dir_;
    slrt::u16 port_ = 0;
    int pid_ = 0;
    int tpm_ = -1;
};

// Control channel command codes (skinit-arm-tcg.md §D.1; swtpm tpm_ioctl.h).
constexpr slrt::u32 cmd_set_locality = 5, cmd_hash_start = 6, cmd_hash_data = 7, cmd_hash_end = 8;

inline void set_locality(swtpm& t, slrt::u8 locality) { REQUIRE(t.control(cmd_set_locality, {locality}) == 0); }

// _TPM_Hash_Start / _TPM_Hash_Data / _TPM_Hash_End, as a DRTM launch (SKINIT, SENTER) does at
// locality 4, in chunks of 4 KiB.
inline void drtm_hash_sequence(swtpm& t, slrt::byte_view data) {
    REQUIRE(t.control(cmd_hash_start, {}) == 0);
    for (std::size_t at = 0; at < data.size(); at += 4096) {
        const std::size_t n = std::min<std::size_t>(4096, data.size() - at);
        swtpm::bytes_t payload(4);
        slrt::store_be(slrt::mutable_byte_view(payload.data(), 4), 0, 4, n);
        payload.insert(payload.end(), data.data() + at, data.data() + at + n);
        REQUIRE(t.control(cmd_hash_data, payload) == 0);
    }
    REQUIRE(t.control(cmd_hash_end, {}) == 0);
}

// All 24 PCRs of `banks`, read with as many TPM2_PCR_Read calls as the TPM needs.
inline slrt::pcr_bank_set read_pcrs(swtpm& t, const std::vector<slrt::hash_alg>& banks) {
    using namespace slrt;
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
        const swtpm::bytes_t resp = t.command(byte_view(cmd, *n));
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

// The main() of a TPM test program: `program` is set to the swtpm binary and Catch runs; without
// swtpm, exit status 77 (ctest SKIP_RETURN_CODE) and a SKIP line ending in `skip_note`.
inline int run_with_swtpm(int argc, char** argv, std::string& program, const char* skip_note = "") {
    program = find_program("swtpm");
    if (program.empty()) {
        std::printf("SKIP: swtpm is not installed (Debian: apt-get install swtpm swtpm-tools)%s\n", skip_note);
        return 77;
    }
    return Catch::Session().run(argc, argv);
}

}  // namespace slrt_test
