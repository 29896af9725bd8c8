// SPDX-License-Identifier: MIT
// The TPM FIFO interface (TCG PC Client TIS 1.3; PTP §6.5.1 "FIFO interface") over any
// dlh::platform's MMIO: locality request / relinquish / close-all, burst counts, sending a
// command and receiving its response, with bounded polling (dlh/tpm/common.hpp).
//
// Per locality n, at base + 0x1000·n (PTP §6.5.1 Table 17):
//   0x000 TPM_ACCESS (8)   0x018 TPM_STS (32)   0x024 TPM_DATA_FIFO (8..32)   0x030 TPM_INTERFACE_ID
//   0xF00 TPM_DID_VID (32) 0xF04 TPM_RID (8)
// Locality 4 also has TPM_HASH_END (0x020), TPM_HASH_DATA (0x024), TPM_HASH_START (0x028): the
// DRTM hash interface, which only the chipset or CPU uses (QEMU drops every locality-4 write).
//
// The protocol (PTP §5.5.2 "command and response"): with the locality active, write
// STS.commandReady and wait for it; write the command into DATA_FIFO, at most burstCount bytes
// at a time, STS.Expect set until the last byte; write STS.tpmGo; wait for STS.stsValid and
// STS.dataAvail; read the 10-byte header, then responseSize - 10 bytes, dataAvail clear after the
// last one; write STS.commandReady to return the TPM to idle.
//
// Byte-wide accesses to ACCESS, STS (writes) and DATA_FIFO work on every TIS part (LPC, SPI,
// QEMU); STS is read 32 bits wide for burstCount.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/platform.hpp"
#include "dlh/tpm/common.hpp"

namespace dlh::tpm {

namespace tis_reg {
inline constexpr u32 access = 0x000;
inline constexpr u32 int_enable = 0x008;
inline constexpr u32 int_vector = 0x00C;
inline constexpr u32 int_status = 0x010;
inline constexpr u32 intf_capability = 0x014;
inline constexpr u32 sts = 0x018;
inline constexpr u32 hash_end = 0x020;    // locality 4 only
inline constexpr u32 data_fifo = 0x024;   // locality 4: TPM_HASH_DATA
inline constexpr u32 hash_start = 0x028;  // locality 4 only
inline constexpr u32 interface_id = 0x030;
inline constexpr u32 xdata_fifo = 0x080;
inline constexpr u32 did_vid = 0xF00;
inline constexpr u32 rid = 0xF04;
}  // namespace tis_reg

// TPM_ACCESS_x (PTP §6.5.1 Table 18; TIS 1.3 §5.6.11).
namespace access_field {
inline constexpr bit_field tpm_establishment{"tpmEstablishment", 0, 1, false,
                                             "0 = a dynamic launch (_TPM_Hash_Start) happened since the last reset"};
inline constexpr bit_field request_use{"requestUse", 1, 1, false, "write 1: request the locality"};
inline constexpr bit_field pending_request{"pendingRequest", 2, 1, false, "another locality waits"};
inline constexpr bit_field seize{"Seize", 3, 1};
inline constexpr bit_field been_seized{"beenSeized", 4, 1};
inline constexpr bit_field active_locality{"activeLocality", 5, 1, false, "read: this locality is active; write 1: relinquish"};
inline constexpr bit_field reg_valid_sts{"tpmRegValidSts", 7, 1, false, "the other bits are valid"};
}  // namespace access_field
inline constexpr bit_field access_fields[] = {access_field::tpm_establishment, access_field::request_use,
                                              access_field::pending_request,   access_field::seize,
                                              access_field::been_seized,       access_field::active_locality,
                                              reserved_bits(6, 1),             access_field::reg_valid_sts};
inline constexpr register_info access_info{"TPM_ACCESS", tis_reg::access, 8, access_fields, "PTP §6.5.1 Table 18"};

// TPM_STS_x (PTP §6.5.1 Table 19; TIS 1.3 §5.6.12).
namespace sts_field {
inline constexpr bit_field response_retry{"responseRetry", 1, 1, false, "write 1: resend the response"};
inline constexpr bit_field self_test_done{"selfTestDone", 2, 1};
inline constexpr bit_field expect{"Expect", 3, 1, false, "the TPM expects more command bytes"};
inline constexpr bit_field data_avail{"dataAvail", 4, 1, false, "response bytes are available"};
inline constexpr bit_field tpm_go{"tpmGo", 5, 1, false, "write 1: execute the command"};
inline constexpr bit_field command_ready{"commandReady", 6, 1, false, "read: ready; write 1: abort / make ready"};
inline constexpr bit_field sts_valid{"stsValid", 7, 1, false, "Expect and dataAvail are valid"};
inline constexpr bit_field burst_count{"burstCount", 8, 16, false, "bytes the FIFO takes or gives without waiting"};
inline constexpr bit_field command_cancel{"commandCancel", 24, 1};
inline constexpr bit_field reset_establishment{"resetEstablishmentBit", 25, 1, false, "localities 3 and 4 only"};
inline constexpr bit_field tpm_family{"tpmFamily", 26, 2, false, "0 TPM 1.2, 1 TPM 2.0"};
}  // namespace sts_field
inline constexpr bit_field sts_fields[] = {reserved_bits(0, 1),         sts_field::response_retry,
                                           sts_field::self_test_done,   sts_field::expect,
                                           sts_field::data_avail,       sts_field::tpm_go,
                                           sts_field::command_ready,    sts_field::sts_valid,
                                           sts_field::burst_count,      sts_field::command_cancel,
                                           sts_field::reset_establishment, sts_field::tpm_family,
                                           reserved_bits(28, 4)};
inline constexpr register_info sts_info{"TPM_STS", tis_reg::sts, 32, sts_fields, "PTP §6.5.1 Table 19"};

template <platform P>
class tis {
public:
    constexpr explicit tis(P& p, u64 base = tpm_base, u32 poll_limit = default_poll_limit)
        : p_(p), base_(base), poll_limit_(poll_limit) {}

    constexpr u64 base() const { return base_; }
    constexpr u32 poll_limit() const { return poll_limit_; }

    // Raw registers of a locality (no locality check: for dumps).
    u8 access(u8 locality) { return p_.mmio_read8(reg(locality, tis_reg::access)); }
    u32 sts(u8 locality) { return p_.mmio_read32(reg(locality, tis_reg::sts)); }

    // Whether `locality` is the active one: ACCESS reads valid, activeLocality set, and not 0xFF
    // (a page the chipset does not decode reads all ones, reserved bit 6 included).
    bool is_active(u8 locality) {
        if (locality >= locality_count) return false;
        const u8 a = access(locality);
        return decoded(a) && access_field::reg_valid_sts.test(a) && access_field::active_locality.test(a);
    }

    // The active locality, or no_locality.
    u8 active_locality() {
        for (u8 l = 0; l < locality_count; ++l)
            if (is_active(l)) return l;
        return no_locality;
    }

    // Requests `locality` and waits until the TPM grants it. Rules TPM-I1, TPM-I2, TPM-I4.
    status request_locality(u8 locality) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        u8 a = access(locality);
        if (!decoded(a))
            return error{errc::not_found, tis_reg::access, locality, "TPM_ACCESS", "TPM-I2",
                         "the locality's registers read 0xFF: no TPM, or a locality the chipset keeps closed", a, 0};
        if (is_granted(a)) return success;
        write_access(locality, static_cast<u8>(access_field::request_use.mask()));
        for (u32 i = 0; i < poll_limit_; ++i) {
            a = access(locality);
            if (is_granted(a)) return success;
            p_.pause();
        }
        return error{errc::tpm_error, tis_reg::access, locality, "TPM_ACCESS.activeLocality", "TPM-I4",
                     "the TPM did not grant the locality", a, poll_limit_};
    }

    // Gives `locality` up (and withdraws a pending request for it). Rules TPM-I1, TPM-I5.
    status relinquish_locality(u8 locality) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        const u8 a = access(locality);
        if (!decoded(a)) return success;  // nothing there can be active
        if (access_field::active_locality.test(a) || access_field::request_use.test(a))
            write_access(locality, static_cast<u8>(access_field::active_locality.mask()));
        return wait_inactive(locality);
    }

    // Leaves no locality active and none requested (SDG 2.2.5.3: the launch needs every
    // ACCESS_x.activeLocality clear). Pending requests go first, so that giving up the active
    // locality does not hand it to a waiting one. Rule TPM-I5.
    status close_all() {
        for (u8 l = 0; l < locality_count; ++l) {
            const u8 a = access(l);
            if (decoded(a) && access_field::request_use.test(a) && !access_field::active_locality.test(a))
                write_access(l, static_cast<u8>(access_field::active_locality.mask()));
        }
        for (u8 l = 0; l < locality_count; ++l) {
            const u8 a = access(l);
            if (decoded(a) && access_field::active_locality.test(a))
                write_access(l, static_cast<u8>(access_field::active_locality.mask()));
        }
        for (u8 l = 0; l < locality_count; ++l)
            if (const status r = wait_inactive(l); !r) return r;
        return success;
    }

    // STS.burstCount, waiting while it is 0. Rule TPM-I7.
    result<u32> burst_count(u8 locality) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        u32 s = 0;
        for (u32 i = 0; i < poll_limit_; ++i) {
            s = sts(locality);
            const u32 burst = static_cast<u32>(sts_field::burst_count.get(s));
            if (burst != 0) return burst;
            p_.pause();
        }
        return error{errc::tpm_error, tis_reg::sts, locality, "TPM_STS.burstCount", "TPM-I7",
                     "the TPM's FIFO stayed full (burstCount 0)", s, poll_limit_};
    }

    // Writes one command and starts it. Rules TPM-I1, TPM-I6, TPM-I7, TPM-I8, TPM-I10, TPM-I13.
    status send(u8 locality, byte_view cmd) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        if (const status r = detail::check_command(cmd); !r) return r;
        if (!is_active(locality))
            return error{errc::launch_requirement, tis_reg::access, locality, "TPM_ACCESS.activeLocality", "TPM-I13",
                         "the locality is not active: request it first", access(locality), 0};
        write_sts(locality, sts_field::command_ready);
        if (const status r = wait_sts(locality, sts_field::command_ready.mask(), sts_field::command_ready.mask(),
                                      "TPM_STS.commandReady", "TPM-I6", "the TPM did not become ready for a command");
            !r)
            return r;
        const std::size_t n = cmd.size();
        std::size_t at = 0;
        while (at + 1 < n) {
            const result<u32> burst = burst_count(locality);
            if (!burst) return burst.err();
            for (u32 k = 0; k < *burst && at + 1 < n; ++k) p_.mmio_write8(reg(locality, tis_reg::data_fifo), cmd[at++]);
        }
        // All but the last byte in: the TPM must still expect more.
        const u32 mid = sts_field::sts_valid.mask() | sts_field::expect.mask();
        if (const status r = wait_sts(locality, sts_field::sts_valid.mask(), sts_field::sts_valid.mask(), "TPM_STS.stsValid",
                                      "TPM-I8", "STS did not become valid while sending");
            !r)
            return r;
        if (u32 s = sts(locality); (s & mid) != mid)
            return error{errc::tpm_error, tis_reg::sts, locality, "TPM_STS.Expect", "TPM-I8",
                         "the TPM stopped expecting bytes before the command's last one", s, static_cast<u64>(at)};
        if (const result<u32> burst = burst_count(locality); !burst) return burst.err();
        p_.mmio_write8(reg(locality, tis_reg::data_fifo), cmd[at++]);
        if (const status r = wait_sts(locality, sts_field::sts_valid.mask(), sts_field::sts_valid.mask(), "TPM_STS.stsValid",
                                      "TPM-I8", "STS did not become valid after the last byte");
            !r)
            return r;
        if (u32 s = sts(locality); sts_field::expect.test(s))
            return error{errc::tpm_error, tis_reg::sts, locality, "TPM_STS.Expect", "TPM-I8",
                         "the TPM expects more bytes than commandSize says", s, static_cast<u64>(n)};
        write_sts(locality, sts_field::tpm_go);
        return success;
    }

    // Waits for the response and reads it into `out`; returns its size. Rules TPM-I1, TPM-I7,
    // TPM-I9, TPM-I11, TPM-I12.
    result<u32> receive(u8 locality, mutable_byte_view out) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        const u32 ready = sts_field::sts_valid.mask() | sts_field::data_avail.mask();
        if (const status r = wait_sts(locality, ready, ready, "TPM_STS.dataAvail", "TPM-I9",
                                      "no response from the TPM within the poll budget");
            !r)
            return r.err();
        if (out.size() < 10)
            return error{errc::buffer_too_small, 0, no_entry, "response", "TPM-I11",
                         "the buffer cannot hold a response header", static_cast<u64>(out.size()), 10};
        if (const status r = read_fifo(locality, out, 0, 10); !r) return r.err();
        const result<u32> size = detail::response_size(out.data(), out.size());
        if (!size) return size.err();
        if (const status r = read_fifo(locality, out, 10, *size); !r) return r.err();
        if (const status r = wait_sts(locality, sts_field::sts_valid.mask(), sts_field::sts_valid.mask(), "TPM_STS.stsValid",
                                      "TPM-I9", "STS did not become valid after the response");
            !r)
            return r.err();
        if (u32 s = sts(locality); sts_field::data_avail.test(s))
            return error{errc::trailing_bytes, 2, no_entry, "responseSize", "TPM-I12",
                         "the TPM has more response bytes than responseSize says", s, *size};
        return *size;
    }

    // send + receive, then STS.commandReady (the TPM returns to idle; on a failure this also
    // aborts what was under way). Returns the response size.
    result<u32> transmit(u8 locality, byte_view cmd, mutable_byte_view rsp) {
        if (const status r = send(locality, cmd); !r) {
            if (locality < locality_count && is_active(locality)) write_sts(locality, sts_field::command_ready);
            return r.err();
        }
        const result<u32> n = receive(locality, rsp);
        write_sts(locality, sts_field::command_ready);
        return n;
    }

private:
    constexpr u64 reg(u8 locality, u32 offset) const { return locality_base(base_, locality) + offset; }
    // A page that is not decoded reads 0xFF; reserved bit 6 of a real ACCESS value reads 0.
    static constexpr bool decoded(u8 a) { return (a & 0x40u) == 0; }
    static constexpr bool is_granted(u8 a) {
        return decoded(a) && access_field::reg_valid_sts.test(a) && access_field::active_locality.test(a);
    }
    void write_access(u8 locality, u8 value) { p_.mmio_write8(reg(locality, tis_reg::access), value); }
    void write_sts(u8 locality, const bit_field& f) {
        p_.mmio_write8(reg(locality, tis_reg::sts), static_cast<u8>(f.mask()));
    }

    status wait_inactive(u8 locality) {
        u8 a = 0;
        for (u32 i = 0; i < poll_limit_; ++i) {
            a = access(locality);
            if (!decoded(a) || !access_field::active_locality.test(a)) return success;
            p_.pause();
        }
        return error{errc::tpm_error, tis_reg::access, locality, "TPM_ACCESS.activeLocality", "TPM-I5",
                     "the locality stayed active after it was relinquished", a, poll_limit_};
    }

    status wait_sts(u8 locality, u64 mask, u64 want, const char* field, const char* rule, const char* message) {
        u32 s = 0;
        for (u32 i = 0; i < poll_limit_; ++i) {
            s = sts(locality);
            if ((s & mask) == want) return success;
            p_.pause();
        }
        return error{errc::tpm_error, tis_reg::sts, locality, field, rule, message, s, poll_limit_};
    }

    // Reads out[from, to) from DATA_FIFO, burstCount bytes at a time.
    status read_fifo(u8 locality, mutable_byte_view out, u32 from, u32 to) {
        for (u32 at = from; at < to;) {
            const result<u32> burst = burst_count(locality);
            if (!burst) return burst.err();
            for (u32 k = 0; k < *burst && at < to; ++k) out[at++] = p_.mmio_read8(reg(locality, tis_reg::data_fifo));
        }
        return success;
    }

    P& p_;
    u64 base_;
    u32 poll_limit_;
};

}  // namespace dlh::tpm
