// Runs a command-line tool of this project for a test: stdout, stderr and the exit status.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace slrt_test {

struct tool_run {
    int status;  // the exit status, -1 when the tool did not exit normally (a crash)
    std::string out, err;
};

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A directory of this test process under the system's temporary directory.
inline std::filesystem::path scratch_dir() {
    static const std::filesystem::path dir = [] {
        std::filesystem::path d =
            std::filesystem::temp_directory_path() / ("slrt-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

// `binary ARGS` through the shell, with `stdin_file` as standard input when given.
inline tool_run run_tool(const std::string& binary, const std::string& args, const std::string& stdin_file = "") {
    const std::filesystem::path out = scratch_dir() / "stdout", err = scratch_dir() / "stderr";
    std::string cmd = binary + " " + args + " >" + out.string() + " 2>" + err.string();
    if (!stdin_file.empty()) cmd += " <" + stdin_file;
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(out), read_file(err)};
}

}  // namespace slrt_test
