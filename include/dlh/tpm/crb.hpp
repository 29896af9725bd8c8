// SPDX-License-Identifier: MIT
// The TPM command response buffer interface (PTP §6.5.2 "CRB interface") over any
// dlh::platform's MMIO: locality request / relinquish / close-all and command execution through
// the command and response buffers the TPM names, with bounded polling (dlh/tpm/common.hpp).
//
// Per locality n, at base + 0x1000·n (PTP §6.5.2 Table 30):
//   0x00 TPM_LOC_STATE (32)  0x08 TPM_LOC_CTRL (32)  0x0C TPM_LOC_STS (32)  0x30 TPM_CRB_INTF_ID (64)
//   0x38 TPM_CRB_CTRL_EXT    0x40 CTRL_REQ  0x44 CTRL_STS  0x48 CTRL_CANCEL  0x4C CTRL_START
//   0x58 CTRL_CMD_SIZE  0x5C CTRL_CMD_LADDR  0x60 CTRL_CMD_HADDR  0x64 CTRL_RSP_SIZE  0x68 CTRL_RSP_ADDR (64)
//   0x80 CRB_DATA_BUFFER (where most parts, QEMU's included, put both buffers)
// TPM_LOC_STATE is the same in every locality's page.
//
// The protocol (PTP §5.5.3): with the locality assigned, write CTRL_REQ.cmdReady and wait for the
// TPM to clear it (and CTRL_STS.tpmIdle); copy the command into the command buffer; write
// CTRL_START = 1 and wait for the TPM to clear it; read the response from the response buffer;
// write CTRL_REQ.goIdle.
//
// Localities: TPM_CRB_INTF_ID.CapLocality says whether the TPM has all five (1) or locality 0
// only (0); on the latter request_locality refuses the others at once instead of polling for a
// grant that cannot come. QEMU's tpm-crb is such a TPM (skinit-arm-tcg.md §D.2; what QEMU 7.2
// shows a guest, examples/bare-metal): INTF_ID 0x00025811 (CRB, CapLocality 0); only locality 0's
// page is decoded (the pages of 1..4 read 0 and drop writes); every command reaches the TPM at
// locality 0, so PCR 17-22 cannot be extended through it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/platform.hpp"
#include "dlh/tpm/common.hpp"

namespace dlh::tpm {

namespace crb_reg {
inline constexpr u32 loc_state = 0x00;
inline constexpr u32 loc_ctrl = 0x08;
inline constexpr u32 loc_sts = 0x0C;
inline constexpr u32 intf_id = 0x30;
inline constexpr u32 ctrl_ext = 0x38;
inline constexpr u32 ctrl_req = 0x40;
inline constexpr u32 ctrl_sts = 0x44;
inline constexpr u32 ctrl_cancel = 0x48;
inline constexpr u32 ctrl_start = 0x4C;
inline constexpr u32 int_enable = 0x50;
inline constexpr u32 int_sts = 0x54;
inline constexpr u32 cmd_size = 0x58;
inline constexpr u32 cmd_laddr = 0x5C;
inline constexpr u32 cmd_haddr = 0x60;
inline constexpr u32 rsp_size = 0x64;
inline constexpr u32 rsp_addr = 0x68;
inline constexpr u32 data_buffer = 0x80;
}  // namespace crb_reg

// TPM_LOC_STATE_x (PTP §6.5.2 Table 31).
namespace loc_state_field {
inline constexpr bit_field tpm_established{"tpmEstablished", 0, 1};
inline constexpr bit_field loc_assigned{"locAssigned", 1, 1, false, "some locality is assigned"};
inline constexpr bit_field active_locality{"activeLocality", 2, 3, false, "which one"};
inline constexpr bit_field reg_valid_sts{"tpmRegValidSts", 7, 1};
}  // namespace loc_state_field
inline constexpr bit_field loc_state_fields[] = {loc_state_field::tpm_established, loc_state_field::loc_assigned,
                                                 loc_state_field::active_locality, reserved_bits(5, 2),
                                                 loc_state_field::reg_valid_sts,   reserved_bits(8, 24)};
inline constexpr register_info loc_state_info{"TPM_LOC_STATE", crb_reg::loc_state, 32, loc_state_fields,
                                              "PTP §6.5.2 Table 31"};

// TPM_LOC_CTRL_x (PTP §6.5.2 Table 32): write-only requests.
namespace loc_ctrl_field {
inline constexpr bit_field request_access{"requestAccess", 0, 1};
inline constexpr bit_field relinquish{"Relinquish", 1, 1};
inline constexpr bit_field seize{"Seize", 2, 1};
inline constexpr bit_field reset_establishment{"resetEstablishmentBit", 3, 1};
}  // namespace loc_ctrl_field
inline constexpr bit_field loc_ctrl_fields[] = {loc_ctrl_field::request_access, loc_ctrl_field::relinquish,
                                                loc_ctrl_field::seize, loc_ctrl_field::reset_establishment,
                                                reserved_bits(4, 28)};
inline constexpr register_info loc_ctrl_info{"TPM_LOC_CTRL", crb_reg::loc_ctrl, 32, loc_ctrl_fields,
                                             "PTP §6.5.2 Table 32"};

// TPM_LOC_STS_x (PTP §6.5.2 Table 33).
namespace loc_sts_field {
inline constexpr bit_field granted{"Granted", 0, 1};
inline constexpr bit_field been_seized{"beenSeized", 1, 1};
}  // namespace loc_sts_field
inline constexpr bit_field loc_sts_fields[] = {loc_sts_field::granted, loc_sts_field::been_seized, reserved_bits(2, 30)};
inline constexpr register_info loc_sts_info{"TPM_LOC_STS", crb_reg::loc_sts, 32, loc_sts_fields, "PTP §6.5.2 Table 33"};

// TPM_CRB_CTRL_REQ_x, TPM_CRB_CTRL_STS_x, TPM_CRB_CTRL_START_x (PTP §6.5.2 Tables 38-41).
namespace ctrl_req_field {
inline constexpr bit_field cmd_ready{"cmdReady", 0, 1};
inline constexpr bit_field go_idle{"goIdle", 1, 1};
}  // namespace ctrl_req_field
inline constexpr bit_field ctrl_req_fields[] = {ctrl_req_field::cmd_ready, ctrl_req_field::go_idle, reserved_bits(2, 30)};
inline constexpr register_info ctrl_req_info{"TPM_CRB_CTRL_REQ", crb_reg::ctrl_req, 32, ctrl_req_fields,
                                             "PTP §6.5.2 Table 38"};
namespace ctrl_sts_field {
inline constexpr bit_field tpm_sts{"tpmSts", 0, 1, false, "1 = fatal error"};
inline constexpr bit_field tpm_idle{"tpmIdle", 1, 1};
}  // namespace ctrl_sts_field
inline constexpr bit_field ctrl_sts_fields[] = {ctrl_sts_field::tpm_sts, ctrl_sts_field::tpm_idle, reserved_bits(2, 30)};
inline constexpr register_info ctrl_sts_info{"TPM_CRB_CTRL_STS", crb_reg::ctrl_sts, 32, ctrl_sts_fields,
                                             "PTP §6.5.2 Table 39"};
inline constexpr bit_field ctrl_start_bit{"Start", 0, 1};

// The buffers the TPM announces (CTRL_CMD_*, CTRL_RSP_*).
struct crb_buffers {
    u64 cmd_addr = 0;
    u32 cmd_size = 0;
    u64 rsp_addr = 0;
    u32 rsp_size = 0;
    friend constexpr bool operator==(const crb_buffers&, const crb_buffers&) = default;
};

template <platform P>
class crb {
public:
    constexpr explicit crb(P& p, u64 base = tpm_base, u32 poll_limit = default_poll_limit)
        : p_(p), base_(base), poll_limit_(poll_limit) {}

    constexpr u64 base() const { return base_; }

    u32 loc_state() { return p_.mmio_read32(reg(0, crb_reg::loc_state)); }

    // The assigned locality, or no_locality.
    u8 active_locality() {
        const u32 s = loc_state();
        if (s == ~u32{0} || !loc_state_field::reg_valid_sts.test(s) || !loc_state_field::loc_assigned.test(s))
            return no_locality;
        return static_cast<u8>(loc_state_field::active_locality.get(s));
    }
    bool is_active(u8 locality) { return locality < locality_count && active_locality() == locality; }

    // TPM_CRB_INTF_ID.CapLocality: localities 0..4 (true) or locality 0 only (false).
    bool five_localities() { return interface_id_field::cap_locality.test(p_.mmio_read32(reg(0, crb_reg::intf_id))); }

    // Rules TPM-I1, TPM-I2 (no TPM; a locality the TPM does not implement), TPM-I4.
    status request_locality(u8 locality) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        if (loc_state() == ~u32{0})
            return error{errc::not_found, crb_reg::loc_state, locality, "TPM_LOC_STATE", "TPM-I2",
                         "no TPM answers at this address", ~u32{0}, 0};
        if (locality != 0) {
            const u32 id = p_.mmio_read32(reg(0, crb_reg::intf_id));
            if (!interface_id_field::cap_locality.test(id))
                return error{errc::not_found, crb_reg::intf_id, locality, "TPM_CRB_INTF_ID.CapLocality", "TPM-I2",
                             "the TPM implements locality 0 only", id, 0};
        }
        if (is_active(locality)) return success;
        p_.mmio_write32(reg(locality, crb_reg::loc_ctrl), static_cast<u32>(loc_ctrl_field::request_access.mask()));
        u32 s = 0;
        for (u32 i = 0; i < poll_limit_; ++i) {
            s = loc_state();
            if (is_active(locality) && loc_sts_field::granted.test(p_.mmio_read32(reg(locality, crb_reg::loc_sts))))
                return success;
            p_.pause();
        }
        return error{errc::tpm_error, crb_reg::loc_state, locality, "TPM_LOC_STATE.activeLocality", "TPM-I4",
                     "the TPM did not grant the locality", s, poll_limit_};
    }

    // Rules TPM-I1, TPM-I5.
    status relinquish_locality(u8 locality) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        if (!is_active(locality)) return success;
        p_.mmio_write32(reg(locality, crb_reg::loc_ctrl), static_cast<u32>(loc_ctrl_field::relinquish.mask()));
        return wait_released(locality);
    }

    // Relinquishes whatever locality is assigned. Rule TPM-I5.
    status close_all() {
        const u8 l = active_locality();
        if (l == no_locality) return success;
        if (l >= locality_count)
            return error{errc::tpm_error, crb_reg::loc_state, l, "TPM_LOC_STATE.activeLocality", "TPM-I5",
                         "the TPM reports an assigned locality above 4", loc_state(), locality_count - 1};
        return relinquish_locality(l);
    }

    // The command and response buffers the locality's registers name. Rule TPM-I16.
    result<crb_buffers> buffers(u8 locality) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        crb_buffers b;
        b.cmd_size = p_.mmio_read32(reg(locality, crb_reg::cmd_size));
        b.cmd_addr = (u64{p_.mmio_read32(reg(locality, crb_reg::cmd_haddr))} << 32) |
                     p_.mmio_read32(reg(locality, crb_reg::cmd_laddr));
        b.rsp_size = p_.mmio_read32(reg(locality, crb_reg::rsp_size));
        b.rsp_addr = p_.mmio_read64(reg(locality, crb_reg::rsp_addr));
        constexpr u64 top = static_cast<u64>(~std::uintptr_t{0});
        const auto usable = [&](u64 addr, u32 size) { return addr != 0 && size >= 10 && addr <= top && size - 1u <= top - addr; };
        if (!usable(b.cmd_addr, b.cmd_size))
            return error{errc::out_of_bounds, crb_reg::cmd_size, locality, "TPM_CRB_CTRL_CMD", "TPM-I16",
                         "the TPM names no usable command buffer", b.cmd_addr, b.cmd_size};
        if (!usable(b.rsp_addr, b.rsp_size))
            return error{errc::out_of_bounds, crb_reg::rsp_size, locality, "TPM_CRB_CTRL_RSP", "TPM-I16",
                         "the TPM names no usable response buffer", b.rsp_addr, b.rsp_size};
        return b;
    }

    // Runs one command; returns the response size. Rules TPM-I1, TPM-I9, TPM-I10, TPM-I11,
    // TPM-I13, TPM-I14, TPM-I15, TPM-I16.
    result<u32> transmit(u8 locality, byte_view cmd, mutable_byte_view rsp) {
        if (locality >= locality_count) return detail::bad_locality(locality);
        if (const status r = detail::check_command(cmd); !r) return r.err();
        if (!is_active(locality))
            return error{errc::launch_requirement, crb_reg::loc_state, locality, "TPM_LOC_STATE.activeLocality",
                         "TPM-I13", "the locality is not active: request it first", loc_state(), 0};
        if (const status r = check_fatal(locality); !r) return r.err();
        // Ready: cmdReady acknowledged (cleared by the TPM) and the TPM out of idle.
        p_.mmio_write32(reg(locality, crb_reg::ctrl_req), static_cast<u32>(ctrl_req_field::cmd_ready.mask()));
        if (const status r = wait_clear(locality, crb_reg::ctrl_req, ctrl_req_field::cmd_ready.mask(), "TPM_CRB_CTRL_REQ.cmdReady",
                                        "TPM-I14", "the TPM did not acknowledge cmdReady");
            !r)
            return r.err();
        if (const status r = wait_clear(locality, crb_reg::ctrl_sts, ctrl_sts_field::tpm_idle.mask(), "TPM_CRB_CTRL_STS.tpmIdle",
                                        "TPM-I14", "the TPM stayed idle after cmdReady");
            !r)
            return r.err();
        const result<crb_buffers> b = buffers(locality);
        if (!b) return b.err();
        if (cmd.size() > b->cmd_size)
            return error{errc::buffer_too_small, 2, no_entry, "commandSize", "TPM-I10",
                         "the command is larger than the TPM's command buffer", static_cast<u64>(cmd.size()), b->cmd_size};
        for (std::size_t i = 0; i < cmd.size(); ++i) p_.mmio_write8(b->cmd_addr + i, cmd[i]);
        p_.mmio_write32(reg(locality, crb_reg::ctrl_start), static_cast<u32>(ctrl_start_bit.mask()));
        if (const status r = wait_clear(locality, crb_reg::ctrl_start, ctrl_start_bit.mask(), "TPM_CRB_CTRL_START", "TPM-I9",
                                        "no response from the TPM within the poll budget");
            !r)
            return r.err();
        if (const status r = check_fatal(locality); !r) return r.err();
        if (rsp.size() < 10)
            return error{errc::buffer_too_small, 0, no_entry, "response", "TPM-I11",
                         "the buffer cannot hold a response header", static_cast<u64>(rsp.size()), 10};
        for (u32 i = 0; i < 10; ++i) rsp[i] = p_.mmio_read8(b->rsp_addr + i);
        const result<u32> size = detail::response_size(rsp.data(), rsp.size());
        if (!size) return size.err();
        if (*size > b->rsp_size)
            return error{errc::out_of_bounds, 2, no_entry, "responseSize", "TPM-I11",
                         "responseSize runs past the TPM's response buffer", *size, b->rsp_size};
        for (u32 i = 10; i < *size; ++i) rsp[i] = p_.mmio_read8(b->rsp_addr + i);
        p_.mmio_write32(reg(locality, crb_reg::ctrl_req), static_cast<u32>(ctrl_req_field::go_idle.mask()));
        return *size;
    }

private:
    constexpr u64 reg(u8 locality, u32 offset) const { return locality_base(base_, locality) + offset; }

    status check_fatal(u8 locality) {
        const u32 s = p_.mmio_read32(reg(locality, crb_reg::ctrl_sts));
        if (ctrl_sts_field::tpm_sts.test(s))
            return error{errc::tpm_error, crb_reg::ctrl_sts, locality, "TPM_CRB_CTRL_STS.tpmSts", "TPM-I15",
                         "the TPM reports a fatal error", s, 0};
        return success;
    }

    status wait_clear(u8 locality, u32 offset, u64 mask, const char* field, const char* rule, const char* message) {
        u32 v = 0;
        for (u32 i = 0; i < poll_limit_; ++i) {
            v = p_.mmio_read32(reg(locality, offset));
            if ((v & mask) == 0) return success;
            p_.pause();
        }
        return error{errc::tpm_error, offset, locality, field, rule, message, v, poll_limit_};
    }

    status wait_released(u8 locality) {
        for (u32 i = 0; i < poll_limit_; ++i) {
            if (!is_active(locality)) return success;
            p_.pause();
        }
        return error{errc::tpm_error, crb_reg::loc_state, locality, "TPM_LOC_STATE.activeLocality", "TPM-I5",
                     "the locality stayed assigned after it was relinquished", loc_state(), poll_limit_};
    }

    P& p_;
    u64 base_;
    u32 poll_limit_;
};

}  // namespace dlh::tpm
