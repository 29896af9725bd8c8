// Test support: reads the `pcrs:` section of tpm2_eventlog's YAML (tpm2-tools 5.4).
#pragma once

#include <cctype>
#include <map>
#include <sstream>
#include <string>

#include "slrt/bytes.hpp"

namespace slrt::test {

// The `pcrs:` section of tpm2_eventlog's YAML (the last section): bank -> PCR -> lowercase hex.
// tpm2-tools 5.4 wraps long values: "    17 :" then the digest on the following lines, each
// broken line ending in '-' (hex has no '-', so every '-' is a line break marker).
inline std::map<std::string, std::map<u32, std::string>> tpm2_eventlog_pcrs(const std::string& yaml) {
    std::map<std::string, std::map<u32, std::string>> out;
    std::istringstream in(yaml);
    std::string line, bank;
    std::string* value = nullptr;
    bool inside = false;
    auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
    };
    while (std::getline(in, line)) {
        if (line.rfind("pcrs:", 0) == 0) {
            inside = true;
            continue;
        }
        if (!inside) continue;
        const std::string body = trim(line);
        if (body.empty()) continue;
        const std::size_t colon = body.find(':');
        if (colon != std::string::npos && colon + 1 == body.size() && body.find(' ') == std::string::npos) {
            bank = body.substr(0, colon);  // "sha256:"
            value = nullptr;
            continue;
        }
        if (colon != std::string::npos && std::isdigit(static_cast<unsigned char>(body[0]))) {
            const u32 pcr = static_cast<u32>(std::stoul(body.substr(0, colon)));
            value = &out[bank][pcr];
            *value = trim(body.substr(colon + 1));
            continue;
        }
        if (value) *value += body;  // a wrapped continuation line
    }
    for (auto& [b, pcrs] : out)
        for (auto& [p, v] : pcrs) {
            std::string clean;
            for (char c : v.rfind("0x", 0) == 0 ? v.substr(2) : v)
                if (c != '-') clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            v = clean;
        }
    return out;
}

}  // namespace slrt::test
