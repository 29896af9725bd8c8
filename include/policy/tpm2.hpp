// SPDX-License-Identifier: MIT
// A transport-agnostic TPM 2.0 command codec for what a measured launch needs: encode a
// command into a caller's buffer, decode the response bytes the caller got back.
//
//   TPM2_Startup(TPM_SU_CLEAR)                          tpm2_encode_startup / tpm2_decode_startup
//   TPM2_PCR_Extend(pcr, TPM_RS_PW, TPML_DIGEST_VALUES) tpm2_encode_pcr_extend / tpm2_decode_pcr_extend
//   TPM2_PCR_Read(TPML_PCR_SELECTION)                   tpm2_encode_pcr_read / tpm2_decode_pcr_read
//   TPM2_GetCapability(TPM_CAP_PCRS)                    tpm2_encode_get_capability_pcrs /
//                                                       tpm2_decode_get_capability_pcrs
//
// TPM command marshalling is big-endian (TCG TPM 2.0 Library Part 1 "Marshalling"), unlike
// event logs. Structures follow Part 2 (TPMS_/TPML_/TPM2B_ types) and Part 3 (command and
// response layouts); the constants below are the Part 2 values.
//
// Every response field is read only after checking it lies inside responseSize, which must
// equal the bytes given. Rules (error.rule):
//   TPM-1  buffer_too_small      the command does not fit the output buffer
//   TPM-2  bad_argument          encode arguments: PCR index, digest count, empty selection
//   TPM-3  truncated_header      a response shorter than its 10-byte header
//   TPM-4  bad_magic             response tag is not TPM_ST_NO_SESSIONS / TPM_ST_SESSIONS (or not
//                                the one the command implies)
//   TPM-5  size_too_small /      responseSize is below 10, above the bytes given
//          size_exceeds_buffer / (size_exceeds_buffer) or below them (trailing_bytes)
//          trailing_bytes
//   TPM-6  tpm_error             responseCode is not TPM_RC_SUCCESS (error.value = the code)
//   TPM-7  entry_exceeds_table   a response field runs past responseSize
//   TPM-8  count_mismatch        a list count above what the structure allows here
//   TPM-9  count_mismatch        PCR_Read: digests returned != PCRs the returned selection names
//   TPM-10 value_out_of_range    sizeofSelect above 4, a TPM2B_DIGEST above 64 bytes
//   TPM-11 unknown_algorithm     encode: a digest or selection of an algorithm slrt does not know
//   TPM-12 digest_size_mismatch  a returned digest's size is not its bank's digest size
//   TPM-13 value_out_of_range    GetCapability answered for another capability, or moreData not 0/1
//   TPM-14 trailing_bytes        bytes left inside responseSize after the last field
#pragma once

#include <cstddef>

#include "policy/digest.hpp"
#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace slrt {

// Part 2 constants.
inline constexpr u16 tpm_st_no_sessions = 0x8001;   // TPM_ST_NO_SESSIONS
inline constexpr u16 tpm_st_sessions = 0x8002;      // TPM_ST_SESSIONS
inline constexpr u32 tpm_cc_startup = 0x00000144;   // TPM_CC_Startup
inline constexpr u32 tpm_cc_get_capability = 0x0000017a;  // TPM_CC_GetCapability
inline constexpr u32 tpm_cc_pcr_read = 0x0000017e;  // TPM_CC_PCR_Read
inline constexpr u32 tpm_cc_pcr_extend = 0x00000182;  // TPM_CC_PCR_Extend
inline constexpr u32 tpm_rs_pw = 0x40000009;        // TPM_RS_PW, the password authorization session
inline constexpr u32 tpm_cap_pcrs = 0x00000005;     // TPM_CAP_PCRS
inline constexpr u16 tpm_su_clear = 0x0000;         // TPM_SU_CLEAR
inline constexpr u16 tpm_su_state = 0x0001;         // TPM_SU_STATE
inline constexpr u32 tpm_rc_success = 0x000;
inline constexpr u32 tpm_rc_initialize = 0x100;     // TPM2_Startup already done (or not yet)
inline constexpr u32 tpm_rc_locality = 0x907;       // command not allowed from this locality

inline constexpr u32 tpm2_header_size = 10;         // tag u16, size u32, code u32
inline constexpr u32 tpm2_max_pcr_select = 4;       // sizeofSelect this codec accepts (PC client: 3)
inline constexpr u32 tpm2_max_selections = 16;      // TPML_PCR_SELECTION entries accepted
inline constexpr u32 tpm2_max_digests = 8;          // TPML_DIGEST / TPML_DIGEST_VALUES entries (Part 2)
inline constexpr u32 tpm2_pcr_count = 24;           // PC client PCRs 0..23

// Names of the response codes a launch meets most (Part 2 TPM_RC); nullptr otherwise.
constexpr const char* tpm2_rc_name(u32 rc) {
    switch (rc) {
        case 0x000: return "TPM_RC_SUCCESS";
        case 0x100: return "TPM_RC_INITIALIZE";
        case 0x101: return "TPM_RC_FAILURE";
        case 0x120: return "TPM_RC_DISABLED";
        case 0x125: return "TPM_RC_AUTH_MISSING";
        case 0x127: return "TPM_RC_PCR";
        case 0x128: return "TPM_RC_PCR_CHANGED";
        case 0x142: return "TPM_RC_COMMAND_SIZE";
        case 0x143: return "TPM_RC_COMMAND_CODE";
        case 0x144: return "TPM_RC_AUTHSIZE";
        case 0x907: return "TPM_RC_LOCALITY";
        case 0x908: return "TPM_RC_YIELDED";
        case 0x909: return "TPM_RC_CANCELED";
        case 0x90a: return "TPM_RC_TESTING";
        case 0x922: return "TPM_RC_RETRY";
        default: return nullptr;
    }
}

// Big-endian load/store of `width` (1..8) bytes. Precondition: fits(bytes.size(), offset, width).
constexpr u64 load_be(byte_view bytes, std::size_t offset, std::size_t width) {
    u64 value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes[offset + i];
    return value;
}
constexpr void store_be(mutable_byte_view bytes, std::size_t offset, std::size_t width, u64 value) {
    for (std::size_t i = width; i-- > 0;) {
        bytes[offset + i] = static_cast<u8>(value & 0xffu);
        value >>= 8;
    }
}

// TPMS_PCR_SELECTION: one bank and a bitmap of its PCRs (bit n = PCR n).
struct pcr_selection {
    hash_alg alg{};
    u8 size_of_select = 3;  // bytes of pcrSelect: 3 for PCRs 0..23
    u32 pcrs = 0;

    constexpr bool selects(u32 pcr) const { return pcr < 8u * size_of_select && ((pcrs >> pcr) & 1u); }
};

// TPML_PCR_SELECTION.
struct pcr_selection_list {
    u32 count = 0;
    pcr_selection items[tpm2_max_selections]{};

    constexpr bool add(hash_alg alg, u32 pcrs) {
        if (count == tpm2_max_selections) return false;
        items[count++] = {alg, static_cast<u8>(pcrs >> 24 ? 4 : 3), pcrs};
        return true;
    }
    constexpr const pcr_selection* find(hash_alg alg) const {
        for (u32 i = 0; i < count; ++i)
            if (items[i].alg == alg) return &items[i];
        return nullptr;
    }
    // PCRs selected over all banks. (A loop, not std::popcount: that calls libgcc's
    // __popcountsi2 on targets without a popcount instruction, which a bare-metal link lacks.)
    constexpr u32 total() const {
        u32 n = 0;
        for (u32 i = 0; i < count; ++i)
            for (u32 bits = items[i].pcrs; bits != 0; bits &= bits - 1) ++n;
        return n;
    }
};

// The selection `a` without the PCRs of `b` (what remains to read after a PCR_Read that
// returned `b`); banks left with nothing selected are dropped.
constexpr pcr_selection_list tpm2_selection_minus(const pcr_selection_list& a, const pcr_selection_list& b) {
    pcr_selection_list out;
    for (u32 i = 0; i < a.count; ++i) {
        u32 left = a.items[i].pcrs;
        for (u32 j = 0; j < b.count; ++j)
            if (b.items[j].alg == a.items[i].alg) left &= ~b.items[j].pcrs;
        if (left) {
            out.items[out.count] = a.items[i];
            out.items[out.count++].pcrs = left;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding. Each encoder writes one whole command into `out` and returns its size, or an
// error and leaves `out` untouched.

namespace tpm2_detail {

constexpr status room(mutable_byte_view out, u64 need) {
    if (need > out.size())
        return error{errc::buffer_too_small, 0, no_entry, "command", "TPM-1", "the command does not fit the buffer",
                     need, static_cast<u64>(out.size())};
    return success;
}

constexpr void header(mutable_byte_view out, u16 tag, u32 size, u32 code) {
    store_be(out, 0, 2, tag);
    store_be(out, 2, 4, size);
    store_be(out, 6, 4, code);
}

constexpr u32 selection_size(const pcr_selection_list& s) {
    u32 n = 4;
    for (u32 i = 0; i < s.count; ++i) n += 3u + s.items[i].size_of_select;
    return n;
}

constexpr status check_selection(const pcr_selection_list& s) {
    if (s.count == 0 || s.count > tpm2_max_selections)
        return error{errc::bad_argument, 0, no_entry, "TPML_PCR_SELECTION.count", "TPM-2",
                     "select 1 to 16 banks", s.count, tpm2_max_selections};
    for (u32 i = 0; i < s.count; ++i) {
        if (digest_size(s.items[i].alg) == 0)
            return error{errc::unknown_algorithm, 0, i, "TPMS_PCR_SELECTION.hash", "TPM-11",
                         "a bank of an algorithm slrt knows", static_cast<u16>(s.items[i].alg), 0};
        if (s.items[i].size_of_select > tpm2_max_pcr_select ||
            (s.items[i].size_of_select < 4 && (s.items[i].pcrs >> (8u * s.items[i].size_of_select)) != 0))
            return error{errc::bad_argument, 0, i, "TPMS_PCR_SELECTION.sizeofSelect", "TPM-2",
                         "sizeofSelect must cover the selected PCRs and be at most 4", s.items[i].size_of_select,
                         tpm2_max_pcr_select};
    }
    return success;
}

constexpr u32 put_selection(mutable_byte_view out, u32 at, const pcr_selection_list& s) {
    store_be(out, at, 4, s.count);
    at += 4;
    for (u32 i = 0; i < s.count; ++i) {
        store_be(out, at, 2, static_cast<u16>(s.items[i].alg));
        out[at + 2] = s.items[i].size_of_select;
        for (u32 k = 0; k < s.items[i].size_of_select; ++k) out[at + 3 + k] = static_cast<u8>(s.items[i].pcrs >> (8 * k));
        at += 3u + s.items[i].size_of_select;
    }
    return at;
}

}  // namespace tpm2_detail

// TPM2_Startup: tag TPM_ST_NO_SESSIONS, commandSize 12, TPM_CC_Startup, startupType u16.
constexpr result<u32> tpm2_encode_startup(mutable_byte_view out, u16 startup_type = tpm_su_clear) {
    if (const status r = tpm2_detail::room(out, 12); !r) return r.err();
    tpm2_detail::header(out, tpm_st_no_sessions, 12, tpm_cc_startup);
    store_be(out, 10, 2, startup_type);
    return 12u;
}

// TPM2_PCR_Extend (Part 3): TPM_ST_SESSIONS header, pcrHandle (= the PCR index),
// authorizationSize 9, a password session {TPM_RS_PW, nonceCaller empty, sessionAttributes 0,
// hmac (the password) empty}, then TPML_DIGEST_VALUES {count, TPMT_HA {hashAlg, digest}...}.
constexpr result<u32> tpm2_encode_pcr_extend(mutable_byte_view out, u32 pcr, const digest* digests, u32 count) {
    if (pcr >= tpm2_pcr_count)
        return error{errc::bad_argument, 10, no_entry, "pcrHandle", "TPM-2", "PCR 0 to 23", pcr, tpm2_pcr_count - 1};
    if (count == 0 || count > tpm2_max_digests)
        return error{errc::bad_argument, 27, no_entry, "TPML_DIGEST_VALUES.count", "TPM-2", "1 to 8 digests", count,
                     tpm2_max_digests};
    u32 size = tpm2_header_size + 4 + 4 + 9 + 4;
    for (u32 i = 0; i < count; ++i) {
        if (digests[i].size() == 0)
            return error{errc::unknown_algorithm, 31, i, "TPMT_HA.hashAlg", "TPM-11", "a digest of an algorithm slrt knows",
                         static_cast<u16>(digests[i].alg), 0};
        size += 2 + digests[i].size();
    }
    if (const status r = tpm2_detail::room(out, size); !r) return r.err();
    tpm2_detail::header(out, tpm_st_sessions, size, tpm_cc_pcr_extend);
    store_be(out, 10, 4, pcr);        // pcrHandle: PCR n is handle n
    store_be(out, 14, 4, 9);          // authorizationSize
    store_be(out, 18, 4, tpm_rs_pw);  // sessionHandle
    store_be(out, 22, 2, 0);          // nonceCaller.size
    out[24] = 0;                      // sessionAttributes
    store_be(out, 25, 2, 0);          // hmac.size: empty password
    store_be(out, 27, 4, count);
    u32 at = 31;
    for (u32 i = 0; i < count; ++i) {
        store_be(out, at, 2, static_cast<u16>(digests[i].alg));
        copy(out, at + 2, digests[i].view());
        at += 2 + digests[i].size();
    }
    return size;
}

// TPM2_PCR_Read: TPM_ST_NO_SESSIONS header, TPML_PCR_SELECTION pcrSelectionIn.
constexpr result<u32> tpm2_encode_pcr_read(mutable_byte_view out, const pcr_selection_list& selection) {
    if (const status r = tpm2_detail::check_selection(selection); !r) return r.err();
    const u32 size = tpm2_header_size + tpm2_detail::selection_size(selection);
    if (const status r = tpm2_detail::room(out, size); !r) return r.err();
    tpm2_detail::header(out, tpm_st_no_sessions, size, tpm_cc_pcr_read);
    tpm2_detail::put_selection(out, tpm2_header_size, selection);
    return size;
}

// TPM2_GetCapability: TPM_ST_NO_SESSIONS header, capability, property, propertyCount.
constexpr result<u32> tpm2_encode_get_capability(mutable_byte_view out, u32 capability, u32 property,
                                                 u32 property_count) {
    if (const status r = tpm2_detail::room(out, 22); !r) return r.err();
    tpm2_detail::header(out, tpm_st_no_sessions, 22, tpm_cc_get_capability);
    store_be(out, 10, 4, capability);
    store_be(out, 14, 4, property);
    store_be(out, 18, 4, property_count);
    return 22u;
}

// The PCR allocation: TPM_CAP_PCRS, property 0 (ignored), up to tpm2_max_selections banks.
constexpr result<u32> tpm2_encode_get_capability_pcrs(mutable_byte_view out) {
    return tpm2_encode_get_capability(out, tpm_cap_pcrs, 0, tpm2_max_selections);
}

// ---------------------------------------------------------------------------------------------
// Decoding

// The response header, checked against the bytes given; body = the bytes after the header.
struct tpm2_response {
    u16 tag = 0;
    u32 size = 0;
    u32 rc = 0;
    byte_view body{};
};

constexpr result<tpm2_response> tpm2_decode_response(byte_view in) {
    if (in.size() < tpm2_header_size)
        return error{errc::truncated_header, 0, no_entry, "response", "TPM-3", "a response has a 10-byte header",
                     static_cast<u64>(in.size()), tpm2_header_size};
    tpm2_response r;
    r.tag = static_cast<u16>(load_be(in, 0, 2));
    r.size = static_cast<u32>(load_be(in, 2, 4));
    r.rc = static_cast<u32>(load_be(in, 6, 4));
    if (r.tag != tpm_st_no_sessions && r.tag != tpm_st_sessions)
        return error{errc::bad_magic, 0, no_entry, "tag", "TPM-4", "tag is TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS", r.tag,
                     tpm_st_sessions};
    if (r.size < tpm2_header_size)
        return error{errc::size_too_small, 2, no_entry, "responseSize", "TPM-5", "responseSize covers the header",
                     r.size, tpm2_header_size};
    if (r.size > in.size())
        return error{errc::size_exceeds_buffer, 2, no_entry, "responseSize", "TPM-5",
                     "responseSize runs past the bytes given", r.size, static_cast<u64>(in.size())};
    if (r.size < in.size())
        return error{errc::trailing_bytes, 2, no_entry, "responseSize", "TPM-5",
                     "bytes follow the response's responseSize", r.size, static_cast<u64>(in.size())};
    r.body = in.subview(tpm2_header_size, r.size - tpm2_header_size);
    return r;
}

namespace tpm2_detail {

// A bounded reader over a response (offsets in errors are from the response start).
struct reader {
    byte_view in;
    u32 at = tpm2_header_size;
    error failure{};

    constexpr bool failed() const { return failure.code != errc::ok; }
    constexpr bool need(u32 n, const char* field) {
        if (failed()) return false;
        if (in.size() - at < n) {
            failure = error{errc::entry_exceeds_table, at, no_entry, field, "TPM-7", "the field runs past responseSize", n,
                            static_cast<u64>(in.size() - at)};
            return false;
        }
        return true;
    }
    constexpr u32 take(u32 width, const char* field) {
        if (!need(width, field)) return 0;
        const u32 v = static_cast<u32>(load_be(in, at, width));
        at += width;
        return v;
    }
    constexpr void end() {
        if (!failed() && at != in.size())
            failure = error{errc::trailing_bytes, at, no_entry, "response", "TPM-14",
                            "bytes left after the response's last field", static_cast<u64>(in.size() - at), 0};
    }
    constexpr void selection(pcr_selection_list& out) {
        const u32 count_at = at;
        const u32 count = take(4, "TPML_PCR_SELECTION.count");
        if (failed()) return;
        if (count > tpm2_max_selections) {
            failure = error{errc::count_mismatch, count_at, no_entry, "TPML_PCR_SELECTION.count", "TPM-8",
                            "at most 16 banks", count, tpm2_max_selections};
            return;
        }
        out.count = 0;
        for (u32 i = 0; i < count && !failed(); ++i) {
            pcr_selection s;
            s.alg = static_cast<hash_alg>(take(2, "TPMS_PCR_SELECTION.hash"));
            const u32 select_at = at;
            s.size_of_select = static_cast<u8>(take(1, "TPMS_PCR_SELECTION.sizeofSelect"));
            if (failed()) return;
            if (s.size_of_select > tpm2_max_pcr_select) {
                failure = error{errc::value_out_of_range, select_at, i, "TPMS_PCR_SELECTION.sizeofSelect", "TPM-10",
                                "sizeofSelect at most 4", s.size_of_select, tpm2_max_pcr_select};
                return;
            }
            if (!need(s.size_of_select, "TPMS_PCR_SELECTION.pcrSelect")) return;
            for (u32 k = 0; k < s.size_of_select; ++k) s.pcrs |= u32{in[at + k]} << (8 * k);
            at += s.size_of_select;
            out.items[out.count++] = s;
        }
    }
};

// The header checks shared by every decoder: known tag, size, TPM_RC_SUCCESS, and the tag
// the command implies for a successful answer.
constexpr result<tpm2_response> success_response(byte_view in, u16 tag) {
    const result<tpm2_response> r = tpm2_decode_response(in);
    if (!r) return r;
    if (r->rc != tpm_rc_success)
        return error{errc::tpm_error, 6, no_entry, "responseCode", "TPM-6", "the TPM refused the command", r->rc, 0};
    if (r->tag != tag)
        return error{errc::bad_magic, 0, no_entry, "tag", "TPM-4", "a successful response carries the command's tag",
                     r->tag, tag};
    return r;
}

}  // namespace tpm2_detail

// TPM2_Startup: a bare header. TPM_RC_INITIALIZE (already started) is a TPM-6 error with
// value 0x100; callers that accept it check err().value.
constexpr status tpm2_decode_startup(byte_view in) {
    const result<tpm2_response> r = tpm2_detail::success_response(in, tpm_st_no_sessions);
    if (!r) return r.err();
    tpm2_detail::reader rd{in};
    rd.end();
    if (rd.failed()) return rd.failure;
    return success;
}

// TPM2_PCR_Extend: TPM_ST_SESSIONS header, parameterSize (0: no response parameters), then
// the password session's response {nonceTPM (empty), sessionAttributes, hmac (empty)}.
constexpr status tpm2_decode_pcr_extend(byte_view in) {
    const result<tpm2_response> r = tpm2_detail::success_response(in, tpm_st_sessions);
    if (!r) return r.err();
    tpm2_detail::reader rd{in};
    const u32 parameter_size = rd.take(4, "parameterSize");
    if (!rd.failed() && parameter_size != 0)
        return error{errc::trailing_bytes, tpm2_header_size, no_entry, "parameterSize", "TPM-14",
                     "PCR_Extend has no response parameters", parameter_size, 0};
    const u32 nonce = rd.take(2, "nonceTPM.size");
    if (rd.need(nonce, "nonceTPM.buffer")) rd.at += nonce;
    (void)rd.take(1, "sessionAttributes");
    const u32 hmac = rd.take(2, "hmac.size");
    if (rd.need(hmac, "hmac.buffer")) rd.at += hmac;
    rd.end();
    if (rd.failed()) return rd.failure;
    return success;
}

// TPM2_PCR_Read's answer: the digests in the order of the returned selection (bank by bank,
// PCRs ascending). A TPM returns at most 8 digests per call: read again with
// tpm2_selection_minus(request, result.selection) until nothing remains.
struct tpm2_pcr_read_result {
    u32 update_counter = 0;       // pcrUpdateCounter
    pcr_selection_list selection; // pcrSelectionOut: what the digests are
    u32 digest_count = 0;
    digest digests[tpm2_max_digests]{};
    u32 pcr[tpm2_max_digests]{};  // the PCR index of digests[i]

    constexpr const digest* find(hash_alg alg, u32 index) const {
        for (u32 i = 0; i < digest_count; ++i)
            if (digests[i].alg == alg && pcr[i] == index) return &digests[i];
        return nullptr;
    }
};

constexpr result<tpm2_pcr_read_result> tpm2_decode_pcr_read(byte_view in) {
    const result<tpm2_response> r = tpm2_detail::success_response(in, tpm_st_no_sessions);
    if (!r) return r.err();
    tpm2_detail::reader rd{in};
    tpm2_pcr_read_result out;
    out.update_counter = rd.take(4, "pcrUpdateCounter");
    rd.selection(out.selection);
    const u32 count_at = rd.at;
    const u32 count = rd.take(4, "TPML_DIGEST.count");
    if (rd.failed()) return rd.failure;
    if (count > tpm2_max_digests)
        return error{errc::count_mismatch, count_at, no_entry, "TPML_DIGEST.count", "TPM-8", "at most 8 digests", count,
                     tpm2_max_digests};
    if (count != out.selection.total())
        return error{errc::count_mismatch, count_at, no_entry, "TPML_DIGEST.count", "TPM-9",
                     "one digest per PCR of pcrSelectionOut", count, out.selection.total()};
    // Digest i belongs to the i-th selected PCR, bank by bank in selection order.
    u32 i = 0;
    for (u32 s = 0; s < out.selection.count; ++s) {
        const pcr_selection& sel = out.selection.items[s];
        for (u32 p = 0; p < 32; ++p) {
            if (!((sel.pcrs >> p) & 1u)) continue;
            const u32 size_at = rd.at;
            const u32 size = rd.take(2, "TPM2B_DIGEST.size");
            if (rd.failed()) return rd.failure;
            if (size > max_digest_size)
                return error{errc::value_out_of_range, size_at, i, "TPM2B_DIGEST.size", "TPM-10",
                             "a digest holds at most 64 bytes", size, max_digest_size};
            const u32 want = digest_size(sel.alg);
            if (want != 0 && size != want)
                return error{errc::digest_size_mismatch, size_at, i, "TPM2B_DIGEST.size", "TPM-12",
                             "a PCR value is as long as its bank's digest", size, want};
            if (!rd.need(size, "TPM2B_DIGEST.buffer")) return rd.failure;
            out.digests[i].alg = sel.alg;
            for (u32 k = 0; k < size; ++k) out.digests[i].bytes[k] = in[rd.at + k];
            out.pcr[i] = p;
            rd.at += size;
            ++i;
        }
    }
    out.digest_count = i;
    rd.end();
    if (rd.failed()) return rd.failure;
    return out;
}

// TPM2_GetCapability(TPM_CAP_PCRS): moreData, then TPMS_CAPABILITY_DATA {TPM_CAP_PCRS,
// TPML_PCR_SELECTION assignedPCR}. A bank is active when its bitmap selects any PCR.
struct tpm2_pcr_allocation {
    bool more_data = false;
    pcr_selection_list banks;

    // The active banks in the TPM's order; returns how many (at most `capacity` written).
    constexpr u32 active_banks(hash_alg* out, u32 capacity) const {
        u32 n = 0;
        for (u32 i = 0; i < banks.count; ++i)
            if (banks.items[i].pcrs != 0) {
                if (n < capacity) out[n] = banks.items[i].alg;
                ++n;
            }
        return n;
    }
};

constexpr result<tpm2_pcr_allocation> tpm2_decode_get_capability_pcrs(byte_view in) {
    const result<tpm2_response> r = tpm2_detail::success_response(in, tpm_st_no_sessions);
    if (!r) return r.err();
    tpm2_detail::reader rd{in};
    tpm2_pcr_allocation out;
    const u32 more_at = rd.at;
    const u32 more = rd.take(1, "moreData");
    const u32 cap_at = rd.at;
    const u32 capability = rd.take(4, "capabilityData.capability");
    if (rd.failed()) return rd.failure;
    if (more > 1)
        return error{errc::value_out_of_range, more_at, no_entry, "moreData", "TPM-13", "TPMI_YES_NO is 0 or 1", more, 1};
    if (capability != tpm_cap_pcrs)
        return error{errc::value_out_of_range, cap_at, no_entry, "capabilityData.capability", "TPM-13",
                     "the answer is for TPM_CAP_PCRS", capability, tpm_cap_pcrs};
    out.more_data = more == 1;
    rd.selection(out.banks);
    rd.end();
    if (rd.failed()) return rd.failure;
    return out;
}

}  // namespace slrt
