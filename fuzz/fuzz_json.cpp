// Fuzzes the JSON encoder of slrt-tool (examples/slrt_json.hpp) with arbitrary documents:
//   - encode() never throws and never crashes; a refusal names a JSON pointer and leaves
//     the output untouched;
//   - what it builds is a well-framed table of exactly `size` bytes whose only possible
//     faults are content rules the document itself asked for (a PCR of 24, a wrapping
//     address, ...), never framing;
//   - decode then encode is the identity on those bytes: to_json(parse(bytes)) encodes to
//     the same bytes (except evt_info bytes after the NUL, which the canonical form drops;
//     then the JSON must at least be stable).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../examples/slrt_json.hpp"
#include "slrt/slrt.hpp"

using namespace slrt;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

// The rules a document can break through its values alone; anything else in an encoded
// table would be a builder or encoder bug.
bool content_rule(errc code) {
    switch (code) {
        case errc::architecture_mismatch:    // intel_info in an AMD table
        case errc::pcr_out_of_range:         // pcr 24 and up
        case errc::dlme_entry_out_of_range:  // dlme_entry >= dlme_size
        case errc::address_wrap:             // base + size past 2^64
        case errc::unknown_log_format:       // format 0 or 3
        case errc::mtrr_vcnt_too_large:      // mtrr_vcnt > 32
        case errc::amd_info_bad_len:         // len not the payload length
            return true;
        default:
            return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
    if (doc.is_discarded()) return 0;

    std::vector<u8> bytes = {0xa5};
    json::error_info err;
    if (!json::encode(doc, bytes, err)) {
        FUZZ_CHECK(!err.message.empty());
        FUZZ_CHECK(err.path.empty() || err.path[0] == '/');
        FUZZ_CHECK(bytes.size() == 1 && bytes[0] == 0xa5);  // untouched on failure
        return 0;
    }

    // Exactly `size` bytes, header included.
    FUZZ_CHECK(bytes.size() >= table_header_size);
    FUZZ_CHECK(load_le(byte_view(bytes.data(), bytes.size()), 8, 4) == bytes.size());

    const layout l = json::document_layout(doc);
    const byte_view view(bytes.data(), bytes.size());
    result<table> t = parse(view, {l, mode::strict});
    if (!t) t = parse(view, {l, mode::permissive});
    if (!t) {
        FUZZ_CHECK(content_rule(t.err().code));
        return 0;
    }

    const nlohmann::ordered_json canonical = json::to_json(*t);
    (void)canonical.dump(-1, ' ', true);  // every string is printable ASCII: never throws
    std::vector<u8> again;
    json::error_info err2;
    FUZZ_CHECK(json::encode(canonical, again, err2));
    if (t->mode() == mode::strict || !t->quirks().has(quirk::reserved_nonzero)) {
        FUZZ_CHECK(again == bytes);
        return 0;
    }
    // Lossy only in the evt_info padding: the canonical JSON is a fixed point.
    const result<table> t2 = parse(byte_view(again.data(), again.size()), {l, mode::permissive});
    FUZZ_CHECK(t2);
    FUZZ_CHECK(json::to_json(*t2) == canonical);
    return 0;
}
