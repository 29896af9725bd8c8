// SPDX-License-Identifier: MIT
// TPM 2.0 commands on bare metal: the encoders and decoders of policy/tpm2.hpp carried over a
// register interface (dlh::tpm::tis or dlh::tpm::crb) at one locality.
//
//   tpm::tis<P> fifo(platform);
//   fifo.close_all();  fifo.request_locality(2);
//   tpm::transport t(fifo, 2);
//   t.pcr_extend(18, digests, count);  t.read_pcr(hash_alg::sha256, 18);
//
// The transport does not request localities itself: the caller decides which locality is open
// when (a launch closes them all, an MLE opens 2). A command at a locality that is not active
// fails with TPM-I13. The codec's own rules (TPM-1 .. TPM-14) come through unchanged.
#pragma once

#include <concepts>

#include "dlh/base.hpp"
#include "dlh/tpm/common.hpp"
#include "policy/digest.hpp"
#include "policy/tpm2.hpp"

namespace dlh::tpm {

using slrt::digest;
using slrt::hash_alg;
using slrt::pcr_selection_list;
using slrt::tpm2_pcr_allocation;
using slrt::tpm2_pcr_read_result;

// What a transport needs from a register interface (tis<P> and crb<P> both are one).
template <class I>
concept tpm_interface = requires(I& i, u8 locality, byte_view cmd, mutable_byte_view rsp) {
    { i.request_locality(locality) } -> std::same_as<status>;
    { i.relinquish_locality(locality) } -> std::same_as<status>;
    { i.close_all() } -> std::same_as<status>;
    { i.active_locality() } -> std::same_as<u8>;
    { i.transmit(locality, cmd, rsp) } -> std::same_as<result<u32>>;
};

template <tpm_interface I>
class transport {
public:
    static constexpr u32 command_capacity = 640;    // PCR_Extend with 8 SHA-512 digests: 559 bytes
    static constexpr u32 response_capacity = 1024;  // PCR_Read of 8 SHA-512 PCRs: about 600 bytes

    constexpr transport(I& iface, u8 locality) : iface_(iface), locality_(locality) {}

    constexpr u8 locality() const { return locality_; }
    constexpr void set_locality(u8 locality) { locality_ = locality; }
    constexpr I& interface() { return iface_; }

    // One raw command; the response bytes stay valid until the next command.
    result<byte_view> command(byte_view cmd) {
        const result<u32> n = iface_.transmit(locality_, cmd, mutable_byte_view(rsp_, response_capacity));
        if (!n) return n.err();
        return byte_view(rsp_, *n);
    }

    // TPM2_Startup; TPM_RC_INITIALIZE (firmware already started the TPM) counts as success
    // when `already_started_ok`.
    status startup(u16 type = slrt::tpm_su_clear, bool already_started_ok = true) {
        const result<u32> n = slrt::tpm2_encode_startup(cmd_view(), type);
        if (!n) return n.err();
        const result<byte_view> r = command(byte_view(cmd_, *n));
        if (!r) return r.err();
        const status s = slrt::tpm2_decode_startup(*r);
        if (!s && already_started_ok && s.err().code == errc::tpm_error &&
            s.err().value == slrt::tpm_rc_initialize)
            return success;
        return s;
    }

    // TPM2_GetCapability(TPM_CAP_PCRS): the PCR banks and which are active.
    result<tpm2_pcr_allocation> get_capability_pcrs() {
        const result<u32> n = slrt::tpm2_encode_get_capability_pcrs(cmd_view());
        if (!n) return n.err();
        const result<byte_view> r = command(byte_view(cmd_, *n));
        if (!r) return r.err();
        return slrt::tpm2_decode_get_capability_pcrs(*r);
    }

    // TPM2_PCR_Extend of one PCR with one digest per bank.
    status pcr_extend(u32 pcr, const digest* digests, u32 count) {
        const result<u32> n = slrt::tpm2_encode_pcr_extend(cmd_view(), pcr, digests, count);
        if (!n) return n.err();
        const result<byte_view> r = command(byte_view(cmd_, *n));
        if (!r) return r.err();
        return slrt::tpm2_decode_pcr_extend(*r);
    }

    // TPM2_PCR_Read (one call: a TPM returns at most 8 digests; see tpm2_selection_minus).
    result<tpm2_pcr_read_result> pcr_read(const pcr_selection_list& selection) {
        const result<u32> n = slrt::tpm2_encode_pcr_read(cmd_view(), selection);
        if (!n) return n.err();
        const result<byte_view> r = command(byte_view(cmd_, *n));
        if (!r) return r.err();
        return slrt::tpm2_decode_pcr_read(*r);
    }

    // One PCR of one bank. Rule TPM-I17 when the TPM leaves it out of its answer (a bank that
    // is not active).
    result<digest> read_pcr(hash_alg alg, u32 pcr) {
        pcr_selection_list want;
        if (pcr >= slrt::tpm2_pcr_count)
            return error{errc::bad_argument, 0, no_entry, "pcr", "TPM-2", "PCR 0 to 23", pcr, slrt::tpm2_pcr_count - 1};
        (void)want.add(alg, u32{1} << pcr);
        const result<tpm2_pcr_read_result> r = pcr_read(want);
        if (!r) return r.err();
        const digest* d = r->find(alg, pcr);
        if (!d)
            return error{errc::not_found, 0, no_entry, "pcrSelectionOut", "TPM-I17",
                         "the TPM did not return the PCR asked for (is the bank active?)", pcr,
                         static_cast<u16>(alg)};
        return *d;
    }

private:
    constexpr mutable_byte_view cmd_view() { return mutable_byte_view(cmd_, command_capacity); }

    I& iface_;
    u8 locality_;
    u8 cmd_[command_capacity]{};
    u8 rsp_[response_capacity]{};
};

}  // namespace dlh::tpm
