// SPDX-License-Identifier: MIT
// File and console helpers shared by the command-line tools (hosted only).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt::tool {

// Exit status of every tool: 0 ok; 1 invalid input (table, log, findings); 2 usage, I/O, bad JSON.
constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;
constexpr int exit_usage = 2;

// The name that prefixes every message; main() sets it.
inline const char* program_name = "slrt";

template <class... Args>
void complain(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(stderr, "{}: {}\n", program_name, fmt::format(format, std::forward<Args>(args)...));
}

inline std::string display_name(const std::string& path) { return path == "-" ? std::string("<stdin>") : path; }

// ---------------------------------------------------------------------------
// Text and JSON forms

// Lowercase hex, two digits a byte.
inline std::string hex_string(byte_view b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (std::size_t i = 0; i < b.size(); ++i) {
        s += digits[b[i] >> 4];
        s += digits[b[i] & 15];
    }
    return s;
}

// One line for a library error, what format_error prints on a bare-metal console, cut to
// `capacity` - 1 characters.
inline std::string error_line(const error& e, std::size_t capacity = 320) {
    std::string line(capacity, '\0');
    line.resize(format_error(e, line.data(), line.size()));
    return line;
}

// A library error as JSON: rule, errc, offset, entry_index (when it names an entry), field,
// value, limit, message and text (error_line).
inline nlohmann::ordered_json error_json(const error& e) {
    nlohmann::ordered_json j;
    j["rule"] = e.rule;
    j["errc"] = name(e.code);
    j["offset"] = e.offset;
    if (e.entry_index != no_entry) j["entry_index"] = e.entry_index;
    j["field"] = e.field;
    j["value"] = e.value;
    j["limit"] = e.limit;
    j["message"] = e.message;
    j["text"] = error_line(e);
    return j;
}

// ---------------------------------------------------------------------------
// Files

inline bool read_input(const std::string& path, std::vector<u8>& out) {
    std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (!f) {
        complain("cannot open {}: {}", path, std::strerror(errno));
        return false;
    }
    out.clear();
    u8 chunk[65536];
    for (;;) {
        const std::size_t n = std::fread(chunk, 1, sizeof chunk, f);
        out.insert(out.end(), chunk, chunk + n);
        if (n < sizeof chunk) break;
    }
    const bool bad = std::ferror(f) != 0;
    const int saved = errno;
    if (f != stdin) std::fclose(f);
    if (bad) {
        complain("cannot read {}: {}", display_name(path), std::strerror(saved));
        return false;
    }
    return true;
}

inline bool write_stream(std::FILE* f, const std::string& name, const void* data, std::size_t size) {
    bool ok = std::fwrite(data, 1, size, f) == size;
    ok = std::fflush(f) == 0 && ok;
    if (!ok) complain("cannot write {}: {}", name, std::strerror(errno));
    return ok;
}

// Writes all of `data` to `path` (stdout for "-"). A regular file is written as PATH.tmp and
// renamed only when everything was written, so a failed run never leaves a partial file;
// a device or pipe (/dev/null, a FIFO) is written in place.
inline bool write_output(const std::string& path, const void* data, std::size_t size) {
    namespace fs = std::filesystem;
    if (path == "-") return write_stream(stdout, "stdout", data, size);
    std::error_code ec;
    fs::path target(path);
    // Through symbolic links (even dangling ones): replace the file, not the link.
    for (int hops = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
        const fs::path next = fs::read_symlink(target, ec);
        if (ec || hops == 40) {
            complain("cannot resolve {}: {}", path, ec ? ec.message() : "too many symbolic links");
            return false;
        }
        target = next.is_absolute() ? next : target.parent_path() / next;
    }
    const fs::file_status st = fs::status(target, ec);
    if (fs::exists(st) && !fs::is_regular_file(st)) {
        std::FILE* f = std::fopen(target.c_str(), "wb");
        if (!f) {
            complain("cannot open {}: {}", path, std::strerror(errno));
            return false;
        }
        const bool ok = write_stream(f, path, data, size);
        return std::fclose(f) == 0 && ok;
    }
    const std::string tmp = target.string() + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        complain("cannot create {}: {}", tmp, std::strerror(errno));
        return false;
    }
    bool ok = write_stream(f, tmp, data, size);
    ok = std::fclose(f) == 0 && ok;
    if (ok && std::rename(tmp.c_str(), target.c_str()) == 0) return true;
    if (ok) complain("cannot rename {} to {}: {}", tmp, path, std::strerror(errno));
    std::remove(tmp.c_str());
    return false;
}

}  // namespace slrt::tool
