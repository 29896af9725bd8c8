// SPDX-License-Identifier: MIT
// What the TPM register interfaces share: the MMIO window and its localities, the interface
// identifier register that tells FIFO (TIS) from CRB, bounded polling, and the driver rules.
//
// Sources: TCG PC Client Platform TPM Profile (PTP) for TPM 2.0, §6.3 (localities, register
// space), §6.4.2 (TPM_INTERFACE_ID), §6.5 (FIFO and CRB registers); TCG PC Client TIS 1.3;
// facts txt.md §1 (locality pages 0xFED40000 + 0x1000·n; 0 public, 1 trusted OS, 2 MLE,
// 3 ACM only, 4 hardware only); skinit-arm-tcg.md §D.2 (QEMU tpm-tis and tpm-crb behaviour).
//
// Polling never reads a clock: every wait is a loop of at most `poll_limit` iterations, each one
// register read and one platform pause(). A limit of 2^22 waits a few seconds on an LPC TPM
// (about 1 µs per register read) and covers the PTP's longest interface timeout for the
// commands a launch sends (TIMEOUT_B, 2 s); pass more for slow parts.
//
// Driver rules (error.rule), listed with their errc in spec/dlh.md "Platform and TPM":
//   TPM-I1  bad_argument        locality above 4
//   TPM-I2  not_found           no TPM answers at the base, or a locality's page reads 0xFF
//                               (not decoded: a locality the chipset keeps closed), or CRB:
//                               a locality above 0 on a TPM whose CapLocality is 0
//   TPM-I3  platform_mismatch   the interface is not the one the driver drives, or unknown
//   TPM-I4  tpm_error           locality not granted within the poll budget
//   TPM-I5  tpm_error           locality still active after relinquish, within the poll budget
//   TPM-I6  tpm_error           FIFO: STS.commandReady not reached
//   TPM-I7  tpm_error           FIFO: burstCount stayed 0
//   TPM-I8  tpm_error           FIFO: STS.Expect disagrees with the command length
//   TPM-I9  tpm_error           no response within the poll budget (FIFO dataAvail, CRB start)
//   TPM-I10 bad_argument /      a command shorter than its header or whose commandSize is not
//           buffer_too_small    the bytes given; a command larger than the CRB command buffer
//   TPM-I11 size_too_small /    responseSize below the header, above the caller's buffer or
//           buffer_too_small /  above the CRB response buffer
//           out_of_bounds
//   TPM-I12 trailing_bytes      FIFO: dataAvail still set after responseSize bytes
//   TPM-I13 launch_requirement  a command sent at a locality that is not active
//   TPM-I14 tpm_error           CRB: cmdReady / goIdle not acknowledged
//   TPM-I15 tpm_error           CRB: CTRL_STS.tpmSts, the TPM is in a fatal error state
//   TPM-I16 out_of_bounds       CRB: command or response buffer unusable (address 0, size below
//                               the header, beyond the address width)
//   TPM-I17 not_found           PCR_Read did not return a PCR that was asked for
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/platform.hpp"

namespace dlh::tpm {

inline constexpr u64 tpm_base = 0xFED40000;       // PTP §6.3: locality 0 page
inline constexpr u32 locality_count = 5;          // localities 0..4
inline constexpr u32 locality_stride = 0x1000;    // one 4 KiB page per locality
inline constexpr u8 no_locality = 0xff;           // "no locality is active"
inline constexpr u32 default_poll_limit = 1u << 22;

constexpr u64 locality_base(u64 base, u8 locality) { return base + u64{locality} * locality_stride; }

// TPM_INTERFACE_ID (FIFO, offset 0x30, 32 bits) and the low dword of TPM_CRB_INTF_ID (CRB,
// offset 0x30): same register, same place, so either driver can tell which interface it faces.
// PTP §6.4.2 Table 14 (FIFO) and §6.5.2.1 Table 37 (CRB); CRB-only fields say so.
inline constexpr u32 reg_interface_id = 0x30;
namespace interface_id_field {
inline constexpr bit_field interface_type{"InterfaceType", 0, 4, false, "0 FIFO (PTP), 1 CRB, 0xF FIFO (TIS 1.3)"};
inline constexpr bit_field interface_version{"InterfaceVersion", 4, 4};
inline constexpr bit_field cap_locality{"CapLocality", 8, 1, false, "1 = five localities"};
inline constexpr bit_field cap_crb_idle_bypass{"CapCRBIdleBypass", 9, 1, false, "CRB only"};
inline constexpr bit_field cap_data_xfer_size{"CapDataXferSizeSupport", 11, 2, false, "CRB only"};
inline constexpr bit_field cap_fifo{"CapFIFO", 13, 1, false, "FIFO interface available"};
inline constexpr bit_field cap_crb{"CapCRB", 14, 1, false, "CRB interface available"};
inline constexpr bit_field cap_if_res{"CapIFRes", 15, 2};
inline constexpr bit_field interface_selector{"InterfaceSelector", 17, 2, false, "0 FIFO, 1 CRB"};
inline constexpr bit_field intf_sel_lock{"IntfSelLock", 19, 1};
inline constexpr bit_field rid{"RID", 24, 8};
}  // namespace interface_id_field
inline constexpr bit_field interface_id_fields[] = {
    interface_id_field::interface_type,     interface_id_field::interface_version,
    interface_id_field::cap_locality,       interface_id_field::cap_crb_idle_bypass,
    reserved_bits(10, 1),                   interface_id_field::cap_data_xfer_size,
    interface_id_field::cap_fifo,           interface_id_field::cap_crb,
    interface_id_field::cap_if_res,         interface_id_field::interface_selector,
    interface_id_field::intf_sel_lock,      reserved_bits(20, 4),
    interface_id_field::rid};
inline constexpr register_info interface_id_info{"TPM_INTERFACE_ID", reg_interface_id, 32, interface_id_fields,
                                                 "PTP §6.4.2, §6.5.2.1"};

enum class interface_type : u8 {
    fifo = 0,     // PTP FIFO (TPM 2.0), driven by dlh::tpm::tis
    crb = 1,      // command response buffer, driven by dlh::tpm::crb
    tis13 = 0xf,  // TIS 1.3 FIFO (the register reads all ones: not implemented), driven by tis
};

constexpr const char* name(interface_type t) {
    switch (t) {
        case interface_type::fifo: return "FIFO";
        case interface_type::crb: return "CRB";
        case interface_type::tis13: return "TIS 1.3 FIFO";
    }
    return "unknown";
}

// What detect() found at a TPM base.
struct interface_info {
    interface_type type = interface_type::fifo;
    u32 interface_id = 0;
    u32 vendor_device = 0;  // FIFO: TPM_DID_VID (0xF00); CRB: TPM_CRB_INTF_ID bits 63:32
    bool five_localities = false;

    friend constexpr bool operator==(const interface_info&, const interface_info&) = default;
};

namespace detail {

constexpr error bad_locality(u8 locality) {
    return error{errc::bad_argument, 0, no_entry, "locality", "TPM-I1", "a TPM locality is 0 to 4", locality,
                 locality_count - 1};
}

// Checks a command's header against the bytes given (TPM-I10).
constexpr status check_command(byte_view cmd) {
    if (cmd.size() < 10)
        return error{errc::bad_argument, 0, no_entry, "command", "TPM-I10", "a command has a 10-byte header",
                     static_cast<u64>(cmd.size()), 10};
    u32 size = 0;
    for (u32 i = 2; i < 6; ++i) size = (size << 8) | cmd[i];
    if (size != cmd.size())
        return error{errc::bad_argument, 2, no_entry, "commandSize", "TPM-I10",
                     "commandSize must equal the bytes sent", size, static_cast<u64>(cmd.size())};
    return success;
}

// responseSize (big-endian u32 at offset 2 of a response header) against the caller's buffer.
constexpr result<u32> response_size(const u8* header, std::size_t capacity) {
    u32 size = 0;
    for (u32 i = 2; i < 6; ++i) size = (size << 8) | header[i];
    if (size < 10)
        return error{errc::size_too_small, 2, no_entry, "responseSize", "TPM-I11",
                     "responseSize must cover the 10-byte header", size, 10};
    if (size > capacity)
        return error{errc::buffer_too_small, 2, no_entry, "responseSize", "TPM-I11",
                     "the response is larger than the buffer given for it", size, static_cast<u64>(capacity)};
    return size;
}

}  // namespace detail

// Which register interface answers at `base` (locality 0). Rules TPM-I2, TPM-I3.
// FIFO parts: TPM_DID_VID (0xF00) must read something other than all ones or zero; a TIS 1.3
// part without TPM_INTERFACE_ID reads 0xFFFFFFFF there, which is InterfaceType 0xF.
template <platform P>
result<interface_info> detect(P& p, u64 base = tpm_base) {
    interface_info info;
    info.interface_id = p.mmio_read32(base + reg_interface_id);
    const u32 type = static_cast<u32>(interface_id_field::interface_type.get(info.interface_id));
    if (type == static_cast<u32>(interface_type::crb)) {
        info.type = interface_type::crb;
        info.vendor_device = p.mmio_read32(base + reg_interface_id + 4);
        info.five_localities = interface_id_field::cap_locality.test(info.interface_id);
        return info;
    }
    if (type != static_cast<u32>(interface_type::fifo) && type != static_cast<u32>(interface_type::tis13))
        return error{errc::platform_mismatch, reg_interface_id, no_entry, "TPM_INTERFACE_ID.InterfaceType", "TPM-I3",
                     "an interface type neither FIFO nor CRB", info.interface_id, 0};
    info.type = static_cast<interface_type>(type);
    info.vendor_device = p.mmio_read32(base + 0xF00);
    if (info.vendor_device == ~u32{0} || info.vendor_device == 0)
        return error{errc::not_found, 0xF00, no_entry, "TPM_DID_VID", "TPM-I2", "no TPM answers at this address",
                     info.vendor_device, 0};
    // TIS 1.3 parts have five localities; a PTP FIFO part says so in CapLocality.
    info.five_localities = info.type == interface_type::tis13 || interface_id_field::cap_locality.test(info.interface_id);
    return info;
}

}  // namespace dlh::tpm
