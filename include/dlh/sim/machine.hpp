// SPDX-License-Identifier: MIT
// The parts every simulated machine shares (dlh::sim, for host tests): physical memory as caller
// buffers at physical addresses, a processor model (CPUID table, MSR map, CR0/CR4, interrupt
// flag), the application processors and the local APIC's INIT/SIPI, a TPM behind a TIS register
// window, the TPM hook a test plugs in (a software PCR model here, a real swtpm in the tpm
// tests), a fault record and the entry callback. txt_platform.hpp and amd_platform.hpp build the
// two platforms from these; spec/dlh.md "Simulator" describes what is modelled and what is not.
//
// Nothing here allocates or calls libc: the headers also compile freestanding. Every access is
// bounded: a read or write outside the memory given, an undefined MSR or an unknown MMIO address
// is recorded as a fault (what real hardware would turn into #GP, a master abort or garbage) and
// never touches memory it does not own.
#pragma once

#include <cstddef>

#include "dlh/base.hpp"
#include "dlh/platform.hpp"
#include "dlh/range.hpp"
#include "policy/digest.hpp"
#include "policy/replay.hpp"
#include "policy/tpm2.hpp"

namespace dlh::sim {

using slrt::digest;
using slrt::hash_alg;

// ---------------------------------------------------------------------------------------------
// Faults: what the model refused. The count goes up each time; the last one is kept.

enum class fault_kind : u8 {
    none = 0,
    memory,         // physical access outside every memory region (SIM-1)
    msr,            // RDMSR/WRMSR of an MSR the model does not define, or a write to a read-only one (#GP)
    mmio,           // MMIO at an address nothing decodes (reads all ones)
    invalid_opcode, // #UD: GETSEC with CR4.SMXE clear, SKINIT without SVM/SKINIT support
    general_protection,  // #GP from a launch instruction's checks
};

constexpr const char* name(fault_kind k) {
    switch (k) {
        case fault_kind::none: return "none";
        case fault_kind::memory: return "memory";
        case fault_kind::msr: return "msr";
        case fault_kind::mmio: return "mmio";
        case fault_kind::invalid_opcode: return "#UD";
        case fault_kind::general_protection: return "#GP";
    }
    return "none";
}

struct fault_record {
    fault_kind kind = fault_kind::none;
    u64 address = 0;  // physical address, MSR index, or leaf
    const char* what = "";
};

class fault_log {
public:
    constexpr void add(fault_kind k, u64 address, const char* what) const {
        ++count_;
        last_ = fault_record{k, address, what};
    }
    constexpr u32 count() const { return count_; }
    constexpr const fault_record& last() const { return last_; }
    constexpr void clear() const {
        count_ = 0;
        last_ = fault_record{};
    }

private:
    // Faults are recorded from const accessors too (a read is const in the memory concept).
    mutable u32 count_ = 0;
    mutable fault_record last_{};
};

// ---------------------------------------------------------------------------------------------
// Physical memory: up to eight caller buffers, each at a physical base. An access must lie inside
// one of them (a range spanning two adjacent buffers is refused, as a DMA-able object is one
// allocation in these tests). Rules: SIM-1 (access outside), SIM-2 (a region that cannot be
// added).

inline constexpr u32 max_memory_regions = 8;

// RAM is what SINIT reports as usable (MDR type 0); reserved memory is readable but is not
// usable DRAM (the TXT heap and SINIT region in a real machine are inside the DPR).
enum class region_kind : u8 { ram = 0, reserved = 1 };

struct memory_region {
    u64 base = 0;
    mutable_byte_view bytes{};
    region_kind kind = region_kind::ram;
    constexpr range span() const { return range{base, bytes.size()}; }
};

class physical_memory {
public:
    constexpr status add(u64 base, mutable_byte_view bytes, region_kind kind = region_kind::ram) {
        const range r{base, bytes.size()};
        if (count_ == max_memory_regions)
            return error{errc::table_full, 0, count_, "memory", "SIM-2", "at most 8 memory regions", count_ + 1u,
                         max_memory_regions};
        if (bytes.size() == 0 || !r.valid())
            return error{errc::bad_argument, 0, count_, "memory", "SIM-2", "a region is non-empty and does not wrap",
                         base, bytes.size()};
        for (u32 i = 0; i < count_; ++i)
            if (regions_[i].span().overlaps(r))
                return error{errc::overlap, 0, count_, "memory", "SIM-2", "memory regions may not overlap", base,
                             regions_[i].base};
        regions_[count_++] = memory_region{base, bytes, kind};
        return success;
    }

    constexpr u32 region_count() const { return count_; }
    constexpr const memory_region& region(u32 i) const { return regions_[i]; }

    // The region holding all of [address, address + size), or nullptr.
    constexpr const memory_region* find(u64 address, u64 size) const {
        for (u32 i = 0; i < count_; ++i)
            if (regions_[i].span().contains(range{address, size}) && range{address, size}.valid()) return &regions_[i];
        return nullptr;
    }
    constexpr bool contains(u64 address, u64 size) const { return find(address, size) != nullptr; }
    constexpr bool is_ram(u64 address, u64 size) const {
        const memory_region* r = find(address, size);
        return r && r->kind == region_kind::ram;
    }

    // Direct views (empty when the range is not inside one region): builders write through them.
    constexpr mutable_byte_view window(u64 address, u64 size) const {
        const memory_region* r = find(address, size);
        if (!r) return {};
        return r->bytes.subview(static_cast<std::size_t>(address - r->base), static_cast<std::size_t>(size));
    }

    constexpr status read(u64 address, mutable_byte_view out) const {
        const memory_region* r = find(address, out.size());
        if (!r) return outside(address, out.size());
        copy(out, 0, byte_view(r->bytes).subview(static_cast<std::size_t>(address - r->base), out.size()));
        return success;
    }
    constexpr status write(u64 address, byte_view in) {
        const memory_region* r = find(address, in.size());
        if (!r) return outside(address, in.size());
        copy(r->bytes, static_cast<std::size_t>(address - r->base), in);
        return success;
    }

    // Little-endian scalars; a failed read yields 0 (and a fault).
    constexpr u64 load(u64 address, u32 width) const {
        u8 b[8]{};
        if (!read(address, mutable_byte_view(b, width))) return 0;
        return load_le(byte_view(b, width), 0, width);
    }
    constexpr status store(u64 address, u32 width, u64 value) {
        u8 b[8]{};
        store_le(mutable_byte_view(b, width), 0, width, value);
        return write(address, byte_view(b, width));
    }

    const fault_log& faults() const { return faults_; }

private:
    constexpr error outside(u64 address, u64 size) const {
        faults_.add(fault_kind::memory, address, "physical access outside the simulated memory");
        return error{errc::memory_unmapped, 0, no_entry, "physical_memory", "SIM-1",
                     "the range is not inside one simulated memory region", address, size};
    }

    memory_region regions_[max_memory_regions]{};
    u32 count_ = 0;
    fault_log faults_{};
};

// ---------------------------------------------------------------------------------------------
// The processor: CPUID answers from a table, MSRs from a map (an MSR not defined faults like #GP
// and reads 0), control registers, the interrupt flag and counters of cache/TLB operations.

inline constexpr u32 max_cpuid_entries = 32;
inline constexpr u32 max_msrs = 160;

struct cpuid_entry {
    u32 leaf = 0, subleaf = 0;
    cpu_registers regs{};
};

struct msr_entry {
    u32 index = 0;
    u64 value = 0;
    bool read_only = false;
};

class cpu_model {
public:
    constexpr status set_cpuid(u32 leaf, u32 subleaf, const cpu_registers& r) {
        for (u32 i = 0; i < cpuid_count_; ++i)
            if (cpuid_[i].leaf == leaf && cpuid_[i].subleaf == subleaf) {
                cpuid_[i].regs = r;
                return success;
            }
        if (cpuid_count_ == max_cpuid_entries)
            return error{errc::table_full, 0, no_entry, "cpuid", "SIM-3", "the CPUID table is full", leaf,
                         max_cpuid_entries};
        cpuid_[cpuid_count_++] = cpuid_entry{leaf, subleaf, r};
        return success;
    }
    // Leaves not in the table read as zeros (subleaf 0 answers for leaves without subleaves).
    constexpr cpu_registers cpuid(u32 leaf, u32 subleaf) const {
        for (u32 i = 0; i < cpuid_count_; ++i)
            if (cpuid_[i].leaf == leaf && cpuid_[i].subleaf == subleaf) return cpuid_[i].regs;
        for (u32 i = 0; i < cpuid_count_; ++i)
            if (cpuid_[i].leaf == leaf && cpuid_[i].subleaf == 0 && subleaf != 0) return cpuid_[i].regs;
        return cpu_registers{};
    }

    constexpr status define_msr(u32 index, u64 value, bool read_only = false) {
        if (msr_entry* m = find(index)) {
            m->value = value;
            m->read_only = read_only;
            return success;
        }
        if (msr_count_ == max_msrs)
            return error{errc::table_full, 0, no_entry, "msr", "SIM-3", "the MSR map is full", index, max_msrs};
        msrs_[msr_count_++] = msr_entry{index, value, read_only};
        return success;
    }
    constexpr bool has_msr(u32 index) const { return find(index) != nullptr; }
    // The value without the fault bookkeeping (for the simulated firmware and launch code).
    constexpr u64 msr(u32 index) const {
        const msr_entry* m = find(index);
        return m ? m->value : 0;
    }
    constexpr void force_msr(u32 index, u64 value) {
        if (msr_entry* m = find(index)) m->value = value;
        else (void)define_msr(index, value);
    }

    constexpr u64 read_msr(u32 index) const {
        const msr_entry* m = find(index);
        if (!m) {
            faults_.add(fault_kind::msr, index, "RDMSR of an MSR the model does not define (#GP)");
            return 0;
        }
        return m->value;
    }
    constexpr void write_msr(u32 index, u64 value) {
        msr_entry* m = find(index);
        if (!m) return faults_.add(fault_kind::msr, index, "WRMSR of an MSR the model does not define (#GP)");
        if (m->read_only) return faults_.add(fault_kind::msr, index, "WRMSR of a read-only MSR (#GP)");
        m->value = value;
    }

    u64 cr0 = 0x00000011;  // PE, ET
    u64 cr4 = 0;
    bool interrupts = true;
    u32 wbinvd_count = 0;
    u32 tlb_flush_count = 0;
    u32 pause_count = 0;

    const fault_log& faults() const { return faults_; }

private:
    constexpr msr_entry* find(u32 index) {
        for (u32 i = 0; i < msr_count_; ++i)
            if (msrs_[i].index == index) return &msrs_[i];
        return nullptr;
    }
    constexpr const msr_entry* find(u32 index) const {
        for (u32 i = 0; i < msr_count_; ++i)
            if (msrs_[i].index == index) return &msrs_[i];
        return nullptr;
    }

    cpuid_entry cpuid_[max_cpuid_entries]{};
    u32 cpuid_count_ = 0;
    msr_entry msrs_[max_msrs]{};
    u32 msr_count_ = 0;
    fault_log faults_{};
};

// ---------------------------------------------------------------------------------------------
// Application processors. An INIT IPI puts an AP in wait-for-SIPI (Intel) or the INIT state
// (AMD; the same halted state under another name in the APM), a SIPI starts it running.

inline constexpr u32 max_aps = 64;

enum class ap_state : u8 { running = 0, wait_for_sipi = 1, init = 2 };

constexpr const char* name(ap_state s) {
    return s == ap_state::running ? "running" : s == ap_state::wait_for_sipi ? "wait_for_sipi" : "init";
}

struct ap_set {
    u32 count = 0;
    ap_state state[max_aps]{};

    constexpr bool all(ap_state s) const {
        for (u32 i = 0; i < count; ++i)
            if (state[i] != s) return false;
        return true;
    }
    // Index of the first AP not in `s`, or count.
    constexpr u32 first_not(ap_state s) const {
        for (u32 i = 0; i < count; ++i)
            if (state[i] != s) return i;
        return count;
    }
    constexpr void set_all(ap_state s) {
        for (u32 i = 0; i < count; ++i) state[i] = s;
    }
};

// The loader's own AP handling (ap_method::loader_hook): it may change the states it is given.
using ap_hook = status (*)(void* context, ap_set& aps);

// Local APIC registers the model decodes (xAPIC, at IA32_APIC_BASE).
inline constexpr u64 lapic_default_base = 0xFEE00000;
inline constexpr u32 lapic_icr_low = 0x300;
inline constexpr u32 lapic_icr_high = 0x310;

// ---------------------------------------------------------------------------------------------
// The TPM hook: what a test plugs in. The DRTM hash sequence (what the processor or SINIT sends
// at locality 4), raw TPM 2.0 commands at a locality, and the PCR banks that are active. A
// software model follows (soft_tpm); tests/tpm connect the same interface to a real swtpm.
// The defaults fail, so a hook implements only what it supports.

class tpm_port {
public:
    virtual status hash_start() { return unsupported("hash_start"); }
    virtual status hash_data(byte_view) { return unsupported("hash_data"); }
    virtual status hash_end() { return unsupported("hash_end"); }
    // One command (raw big-endian bytes) at `locality`; the response goes to `response`, its
    // size is returned.
    virtual result<u32> command(u8, byte_view, mutable_byte_view) { return unsupported("command"); }
    // The active PCR banks, at most `capacity` of them written; the number active is returned.
    virtual u32 active_banks(hash_alg*, u32) { return 0; }

protected:
    tpm_port() = default;
    tpm_port(const tpm_port&) = default;
    tpm_port& operator=(const tpm_port&) = default;
    ~tpm_port() = default;  // not deleted through this interface (no virtual destructor)

    static constexpr error unsupported(const char* what) {
        return error{errc::tpm_error, 0, no_entry, what, "SIM-4", "the TPM hook does not implement this operation",
                     0, 0};
    }
};

// A TPM 2.0 modelled in software: PCR banks (SHA-1/256/384/512), the locality-4 DRTM sequence,
// PCR_Extend (with the PC client locality rules for PCR 16..23), PCR_Read and
// GetCapability(TPM_CAP_PCRS). Nothing else: other commands answer TPM_RC_COMMAND_CODE.
inline constexpr u32 soft_tpm_max_banks = 4;
inline constexpr u32 tpm_rc_command_code = 0x143;
inline constexpr u32 tpm_rc_size = 0x095;
inline constexpr u32 tpm_rc_value = 0x084;
inline constexpr u32 tpm_rc_hash = 0x083;
inline constexpr u32 tpm_rc_sequence = 0x103;

// Localities allowed to extend a PCR (TCG PC Client Platform TPM Profile, PCR attributes):
// 0..16 and 23 any, 17..19 localities 2-4, 20 localities 1-4, 21..22 locality 2.
constexpr bool pcr_extend_allowed(u32 pcr, u8 locality) {
    if (pcr >= 17 && pcr <= 19) return locality >= 2 && locality <= 4;
    if (pcr == 20) return locality >= 1 && locality <= 4;
    if (pcr == 21 || pcr == 22) return locality == 2;
    return locality <= 4;
}

class soft_tpm final : public tpm_port {
public:
    constexpr soft_tpm() : soft_tpm(default_banks, 2) {}
    constexpr soft_tpm(const hash_alg* banks, u32 n) {
        for (u32 i = 0; i < n && bank_count_ < soft_tpm_max_banks; ++i)
            if (slrt::hasher::is_supported(banks[i])) banks_[bank_count_++] = banks[i];
        reset();
    }

    // TPM2_Startup(CLEAR) after a reset: PCR 0..16 and 23 zero, 17..22 all ones.
    constexpr void reset() {
        for (u32 b = 0; b < bank_count_; ++b)
            for (u32 p = 0; p < slrt::pcr_count; ++p)
                pcrs_[b][p] = slrt::pcr_start_value(banks_[b], p, slrt::pcr_start::pre_launch);
        hashing_ = false;
        established_ = false;
        extends_ = 0;
    }

    status hash_start() override {
        for (u32 b = 0; b < bank_count_; ++b) seq_[b] = slrt::hasher(banks_[b]);
        hashing_ = true;
        established_ = true;
        return success;
    }
    status hash_data(byte_view data) override {
        if (!hashing_) return sequence_error("hash_data");
        for (u32 b = 0; b < bank_count_; ++b) seq_[b].update(data);
        return success;
    }
    // PCR 17..22 reset to zero, then PCR 17 = H(0 || H(data)) in every bank.
    status hash_end() override {
        if (!hashing_) return sequence_error("hash_end");
        for (u32 b = 0; b < bank_count_; ++b) {
            for (u32 p = 17; p <= 22; ++p) pcrs_[b][p] = slrt::pcr_start_value(banks_[b], p, slrt::pcr_start::drtm);
            pcrs_[b][17] = slrt::extend_pcr(pcrs_[b][17], seq_[b].finish());
        }
        hashing_ = false;
        return success;
    }

    result<u32> command(u8 locality, byte_view cmd, mutable_byte_view rsp) override {
        return serve(locality, cmd, rsp);
    }
    u32 active_banks(hash_alg* out, u32 capacity) override {
        for (u32 i = 0; i < bank_count_ && i < capacity; ++i) out[i] = banks_[i];
        return bank_count_;
    }

    // Direct access for tests and for the model itself.
    constexpr u32 bank_count() const { return bank_count_; }
    constexpr hash_alg bank(u32 i) const { return banks_[i]; }
    constexpr const digest* pcr(hash_alg alg, u32 index) const {
        for (u32 b = 0; b < bank_count_; ++b)
            if (banks_[b] == alg && index < slrt::pcr_count) return &pcrs_[b][index];
        return nullptr;
    }
    constexpr bool established() const { return established_; }
    constexpr u32 extend_count() const { return extends_; }
    // PCR_Extend as the command does it: one digest per bank given (others untouched).
    constexpr u32 extend(u8 locality, u32 index, const digest* d, u32 n) {
        if (index >= slrt::pcr_count) return tpm_rc_value;
        if (!pcr_extend_allowed(index, locality)) return slrt::tpm_rc_locality;
        for (u32 i = 0; i < n; ++i)
            for (u32 b = 0; b < bank_count_; ++b)
                if (banks_[b] == d[i].alg) pcrs_[b][index] = slrt::extend_pcr(pcrs_[b][index], d[i]);
        ++extends_;
        return slrt::tpm_rc_success;
    }

private:
    static constexpr hash_alg default_banks[2] = {hash_alg::sha1, hash_alg::sha256};

    static constexpr error sequence_error(const char* what) {
        return error{errc::tpm_error, 0, no_entry, what, "SIM-4", "hash_data/hash_end without hash_start",
                     tpm_rc_sequence, 0};
    }

    // A response with only a header (an error code, or success without parameters).
    static constexpr result<u32> respond(mutable_byte_view rsp, u16 tag, u32 rc) {
        if (rsp.size() < slrt::tpm2_header_size)
            return error{errc::buffer_too_small, 0, no_entry, "response", "SIM-4", "response buffer too small",
                         rsp.size(), slrt::tpm2_header_size};
        slrt::store_be(rsp, 0, 2, tag);
        slrt::store_be(rsp, 2, 4, slrt::tpm2_header_size);
        slrt::store_be(rsp, 6, 4, rc);
        return slrt::tpm2_header_size;
    }

    constexpr result<u32> serve(u8 locality, byte_view c, mutable_byte_view rsp) {
        using slrt::load_be;
        using slrt::store_be;
        if (c.size() < slrt::tpm2_header_size || load_be(c, 2, 4) != c.size())
            return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
        const u16 tag = static_cast<u16>(load_be(c, 0, 2));
        const u32 code = static_cast<u32>(load_be(c, 6, 4));
        std::size_t at = slrt::tpm2_header_size;
        auto need = [&](std::size_t n) { return c.size() - at >= n; };
        if (code == slrt::tpm_cc_pcr_extend) {
            // handle, authorization area (size + bytes), TPML_DIGEST_VALUES
            if (tag != slrt::tpm_st_sessions || !need(8)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            const u32 handle = static_cast<u32>(load_be(c, at, 4));
            const u32 auth = static_cast<u32>(load_be(c, at + 4, 4));
            at += 8;
            if (!need(auth)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            at += auth;
            if (!need(4)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            const u32 count = static_cast<u32>(load_be(c, at, 4));
            at += 4;
            if (count > slrt::tpm2_max_digests) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            digest d[slrt::tpm2_max_digests]{};
            for (u32 i = 0; i < count; ++i) {
                if (!need(2)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
                d[i].alg = static_cast<hash_alg>(load_be(c, at, 2));
                at += 2;
                const u32 size = slrt::digest_size(d[i].alg);
                if (size == 0) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_hash);
                if (!need(size)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
                for (u32 k = 0; k < size; ++k) d[i].bytes[k] = c[at + k];
                at += size;
            }
            if (at != c.size()) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            const u32 rc = extend(locality, handle, d, count);
            if (rc != slrt::tpm_rc_success) return respond(rsp, slrt::tpm_st_no_sessions, rc);
            // Success with a password session: parameterSize 0, then the empty session response.
            constexpr u32 size = slrt::tpm2_header_size + 4 + 5;
            if (rsp.size() < size) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            (void)respond(rsp, slrt::tpm_st_sessions, 0);
            store_be(rsp, 2, 4, size);
            store_be(rsp, 10, 4, 0);
            store_be(rsp, 14, 2, 0);  // nonce size
            rsp[16] = 1;              // continueSession
            store_be(rsp, 17, 2, 0);  // hmac size
            return size;
        }
        if (code == slrt::tpm_cc_pcr_read) {
            if (!need(4)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            const u32 count = static_cast<u32>(load_be(c, at, 4));
            at += 4;
            if (count > slrt::tpm2_max_selections) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            // Answer as a TPM does: at most 8 digests, the selection trimmed to what was returned.
            u8 out[1024]{};
            mutable_byte_view o(out, sizeof out);
            u32 digests = 0;
            // The returned selection first; the digests follow it.
            u8 chosen[slrt::tpm2_max_selections][slrt::tpm2_max_pcr_select]{};
            hash_alg algs[slrt::tpm2_max_selections]{};
            u8 sizes[slrt::tpm2_max_selections]{};
            for (u32 i = 0; i < count; ++i) {
                if (!need(3)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
                algs[i] = static_cast<hash_alg>(load_be(c, at, 2));
                sizes[i] = c[at + 2];
                at += 3;
                if (sizes[i] > slrt::tpm2_max_pcr_select || !need(sizes[i]))
                    return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
                const bool have = pcr(algs[i], 0) != nullptr;
                for (u32 k = 0; k < sizes[i]; ++k) {
                    const u8 want = c[at + k];
                    for (u32 bit = 0; bit < 8; ++bit)
                        if (have && ((want >> bit) & 1u) && digests < 8 && k * 8 + bit < slrt::pcr_count) {
                            chosen[i][k] = static_cast<u8>(chosen[i][k] | (1u << bit));
                            ++digests;
                        }
                }
                at += sizes[i];
            }
            if (at != c.size()) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            store_be(o, 10, 4, extends_);  // pcrUpdateCounter
            store_be(o, 14, 4, count);
            std::size_t sel_at = 18;
            for (u32 i = 0; i < count; ++i) {
                store_be(o, sel_at, 2, static_cast<u16>(algs[i]));
                o[sel_at + 2] = sizes[i];
                for (u32 k = 0; k < sizes[i]; ++k) o[sel_at + 3 + k] = chosen[i][k];
                sel_at += 3u + sizes[i];
            }
            store_be(o, sel_at, 4, digests);
            sel_at += 4;
            for (u32 i = 0; i < count; ++i)
                for (u32 k = 0; k < sizes[i]; ++k)
                    for (u32 bit = 0; bit < 8; ++bit)
                        if ((chosen[i][k] >> bit) & 1u) {
                            const digest* d = pcr(algs[i], k * 8 + bit);
                            store_be(o, sel_at, 2, d->size());
                            copy(o, sel_at + 2, d->view());
                            sel_at += 2u + d->size();
                        }
            if (rsp.size() < sel_at) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            store_be(o, 0, 2, slrt::tpm_st_no_sessions);
            store_be(o, 2, 4, sel_at);
            store_be(o, 6, 4, 0);
            copy(rsp, 0, byte_view(out, sel_at));
            return static_cast<u32>(sel_at);
        }
        if (code == slrt::tpm_cc_get_capability) {
            if (!need(12)) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            if (load_be(c, at, 4) != slrt::tpm_cap_pcrs) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_value);
            // moreData NO, TPM_CAP_PCRS, TPML_PCR_SELECTION of every bank with all 24 PCRs.
            const u32 size = slrt::tpm2_header_size + 1 + 4 + 4 + bank_count_ * 6;
            if (rsp.size() < size) return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_size);
            (void)respond(rsp, slrt::tpm_st_no_sessions, 0);
            store_be(rsp, 2, 4, size);
            rsp[10] = 0;
            store_be(rsp, 11, 4, slrt::tpm_cap_pcrs);
            store_be(rsp, 15, 4, bank_count_);
            for (u32 b = 0; b < bank_count_; ++b) {
                const std::size_t e = 19 + std::size_t{b} * 6;
                store_be(rsp, e, 2, static_cast<u16>(banks_[b]));
                rsp[e + 2] = 3;
                rsp[e + 3] = rsp[e + 4] = rsp[e + 5] = 0xff;
            }
            return size;
        }
        return respond(rsp, slrt::tpm_st_no_sessions, tpm_rc_command_code);
    }

    hash_alg banks_[soft_tpm_max_banks]{};
    u32 bank_count_ = 0;
    digest pcrs_[soft_tpm_max_banks][slrt::pcr_count]{};
    slrt::hasher seq_[soft_tpm_max_banks] = {slrt::hasher(hash_alg::sha1), slrt::hasher(hash_alg::sha1),
                                             slrt::hasher(hash_alg::sha1), slrt::hasher(hash_alg::sha1)};
    bool hashing_ = false;
    bool established_ = false;
    u32 extends_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The TPM's TIS (FIFO) register window at 0xFED40000 + 0x1000 * locality: ACCESS (locality
// request and relinquish), STS (commandReady, tpmGo, dataAvail, Expect, burstCount), the data
// FIFO, INTERFACE_ID and DID_VID. A command goes to the hook when software sets tpmGo.
// Localities the platform does not decode (TXT: 1 and 2 until opened, 3 and 4 never for
// software) read all ones and ignore writes.

inline constexpr u64 tis_base = 0xFED40000;
inline constexpr u32 tis_locality_size = 0x1000;
inline constexpr u32 tis_localities = 5;
namespace tis_reg {
inline constexpr u32 access = 0x000;
inline constexpr u32 int_enable = 0x008;
inline constexpr u32 intf_capability = 0x014;
inline constexpr u32 sts = 0x018;
inline constexpr u32 data_fifo = 0x024;
inline constexpr u32 interface_id = 0x030;
inline constexpr u32 did_vid = 0xF00;
inline constexpr u32 rid = 0xF04;
}  // namespace tis_reg
namespace tis_access {
inline constexpr u8 request_use = 1u << 1;
inline constexpr u8 pending_request = 1u << 2;
inline constexpr u8 active_locality = 1u << 5;
inline constexpr u8 reg_valid = 1u << 7;
}  // namespace tis_access
namespace tis_sts {
inline constexpr u32 expect = 1u << 3;
inline constexpr u32 data_avail = 1u << 4;
inline constexpr u32 go = 1u << 5;
inline constexpr u32 command_ready = 1u << 6;
inline constexpr u32 valid = 1u << 7;
}  // namespace tis_sts

inline constexpr u32 tis_buffer_size = 4096;
inline constexpr u32 no_locality = 0xff;

class tis_model {
public:
    tpm_port* port = nullptr;
    u8 decoded = 0x0f;  // bit n: locality n's page answers (software never reaches locality 4)

    constexpr u32 active() const { return active_; }
    constexpr bool any_active() const { return active_ != no_locality; }
    // Forces the state (a test arranging a launch that forgot to close a locality).
    constexpr void set_active(u32 locality) { active_ = locality; }

    constexpr bool decodes(u64 address) const {
        if (address < tis_base || address >= tis_base + u64{tis_locality_size} * tis_localities) return false;
        const u32 loc = static_cast<u32>((address - tis_base) >> 12);
        return ((decoded >> loc) & 1u) != 0;
    }
    constexpr bool in_window(u64 address) const {
        return address >= tis_base && address < tis_base + u64{tis_locality_size} * tis_localities;
    }

    u32 read(u64 address, u32 width) {
        if (!decodes(address)) return width == 1 ? 0xffu : 0xffffffffu;
        const u32 loc = static_cast<u32>((address - tis_base) >> 12);
        const u32 off = static_cast<u32>(address - tis_base) & 0xfffu;
        switch (off) {
            case tis_reg::access: {
                u8 v = tis_access::reg_valid;
                if (active_ == loc) v = static_cast<u8>(v | tis_access::active_locality);
                if ((pending_ >> loc) & 1u) v = static_cast<u8>(v | tis_access::request_use);
                if (pending_ & ~(1u << loc)) v = static_cast<u8>(v | tis_access::pending_request);
                return v;
            }
            case tis_reg::sts: case tis_reg::sts + 1: case tis_reg::sts + 2: case tis_reg::sts + 3: {
                if (active_ != loc) return width == 1 ? 0xffu : 0xffffffffu;
                const u32 v = sts_value() >> (8 * (off - tis_reg::sts));
                return width == 1 ? (v & 0xffu) : v;
            }
            case tis_reg::data_fifo: {
                if (active_ != loc || state_ != state::completion || rsp_at_ >= rsp_len_) return 0xffu;
                const u8 b = rsp_[rsp_at_++];
                return b;
            }
            case tis_reg::interface_id: return 0x0000000fu;  // TIS 1.3 style FIFO interface
            case tis_reg::intf_capability: return 0;
            case tis_reg::did_vid: return 0x00011014u;
            case tis_reg::rid: return 1;
            default: return 0;
        }
    }

    void write(u64 address, u32 width, u32 value) {
        if (!decodes(address)) return;
        const u32 loc = static_cast<u32>((address - tis_base) >> 12);
        const u32 off = static_cast<u32>(address - tis_base) & 0xfffu;
        if (off == tis_reg::access) {
            const u8 v = static_cast<u8>(value);
            if (v & tis_access::active_locality) {  // relinquish (write 1 to clear)
                if (active_ == loc) {
                    active_ = no_locality;
                    abort_command();
                    grant_pending();
                }
                pending_ &= ~(1u << loc);
            }
            if (v & tis_access::request_use) {
                if (active_ == no_locality) active_ = loc;
                else if (active_ != loc) pending_ |= 1u << loc;
            }
            return;
        }
        if (active_ != loc) return;
        if (off == tis_reg::sts && width >= 1) {
            if (value & tis_sts::command_ready) {
                abort_command();
                state_ = state::ready;
            }
            if ((value & tis_sts::go) && state_ == state::reception && !expecting()) execute(static_cast<u8>(loc));
            return;
        }
        if (off == tis_reg::data_fifo) {
            if (state_ == state::ready) state_ = state::reception;
            if (state_ != state::reception || cmd_len_ >= tis_buffer_size) return;
            cmd_[cmd_len_++] = static_cast<u8>(value);
        }
    }

private:
    enum class state : u8 { idle, ready, reception, completion };

    constexpr bool expecting() const {
        if (cmd_len_ < slrt::tpm2_header_size) return true;
        const u64 size = slrt::load_be(byte_view(cmd_, cmd_len_), 2, 4);
        return cmd_len_ < size;
    }
    constexpr u32 sts_value() const {
        u32 v = tis_sts::valid;
        u32 burst = 0;
        switch (state_) {
            case state::idle: break;
            case state::ready: v |= tis_sts::command_ready; burst = 64; break;
            case state::reception:
                if (expecting()) v |= tis_sts::expect;
                burst = 64;
                break;
            case state::completion:
                if (rsp_at_ < rsp_len_) {
                    v |= tis_sts::data_avail;
                    burst = rsp_len_ - rsp_at_ < 64 ? rsp_len_ - rsp_at_ : 64;
                }
                break;
        }
        return v | (burst << 8);
    }
    constexpr void abort_command() {
        cmd_len_ = 0;
        rsp_len_ = rsp_at_ = 0;
        state_ = state::idle;
    }
    constexpr void grant_pending() {
        for (u32 l = tis_localities; l-- > 0;)
            if ((pending_ >> l) & 1u) {
                active_ = l;
                pending_ &= ~(1u << l);
                return;
            }
    }
    void execute(u8 locality) {
        rsp_at_ = 0;
        rsp_len_ = 0;
        if (port) {
            const result<u32> r = port->command(locality, byte_view(cmd_, cmd_len_), mutable_byte_view(rsp_, sizeof rsp_));
            if (r && *r <= sizeof rsp_) rsp_len_ = *r;
        }
        cmd_len_ = 0;
        state_ = state::completion;
    }

    u32 active_ = no_locality;
    u32 pending_ = 0;
    state state_ = state::idle;
    u8 cmd_[tis_buffer_size]{};
    u32 cmd_len_ = 0;
    u8 rsp_[tis_buffer_size]{};
    u32 rsp_len_ = 0;
    u32 rsp_at_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The entry callback: the host function the simulator "jumps" to as the MLE or secure loader.

template <class Platform, class State>
class entry_callback {
public:
    constexpr bool set() const { return fn_ != nullptr; }
    template <class F>
    void bind(F& f) {
        context_ = &f;
        fn_ = [](void* c, Platform& p, const State& s) -> status { return (*static_cast<F*>(c))(p, s); };
    }
    void clear() {
        context_ = nullptr;
        fn_ = nullptr;
    }
    status call(Platform& p, const State& s) const {
        if (!fn_) return success;
        return fn_(context_, p, s);
    }

private:
    void* context_ = nullptr;
    status (*fn_)(void*, Platform&, const State&) = nullptr;
};

// ---------------------------------------------------------------------------------------------
// The common machine: everything of dlh::platform except GETSEC, SENTER and SKINIT.

struct io_write_record {
    u16 port = 0;
    u32 value = 0;
    u8 width = 0;
};
inline constexpr u32 io_log_size = 64;

class machine {
public:
    physical_memory memory{};
    cpu_model cpu{};
    ap_set aps{};
    tis_model tis{};
    fault_log faults{};  // MMIO and launch-instruction faults (memory and MSR faults have their own)

    ap_hook loader_ap_hook = nullptr;
    void* loader_ap_context = nullptr;

    // Port I/O: reads answer 0xFF (nothing behind the port); writes are kept in a ring.
    io_write_record io_log[io_log_size]{};
    u32 io_writes = 0;

    // -- CPUID, MSRs, control registers
    cpu_registers cpuid(u32 leaf, u32 subleaf) { return cpu.cpuid(leaf, subleaf); }
    u64 read_msr(u32 index) { return cpu.read_msr(index); }
    void write_msr(u32 index, u64 value) { cpu.write_msr(index, value); }
    u64 read_cr0() { return cpu.cr0; }
    void write_cr0(u64 v) { cpu.cr0 = v; }
    u64 read_cr4() { return cpu.cr4; }
    void write_cr4(u64 v) { cpu.cr4 = v; }

    // -- physical memory
    status read(u64 address, mutable_byte_view out) const { return memory.read(address, out); }
    status write(u64 address, byte_view in) { return memory.write(address, in); }

    // -- port I/O
    u8 io_read8(u16) { return 0xff; }
    u32 io_read32(u16) { return 0xffffffffu; }
    void io_write8(u16 port, u8 v) { log_io(port, v, 1); }
    void io_write32(u16 port, u32 v) { log_io(port, v, 4); }

    // -- caches, TLB, interrupts
    void wbinvd() { ++cpu.wbinvd_count; }
    void flush_tlb() { ++cpu.tlb_flush_count; }
    bool disable_interrupts() {
        const bool was = cpu.interrupts;
        cpu.interrupts = false;
        return was;
    }
    void enable_interrupts() { cpu.interrupts = true; }
    void pause() { ++cpu.pause_count; }

    // -- the other processors. `parked` is the state an INIT leaves them in on this platform.
    status park_aps_to(ap_method m, ap_state parked) {
        if (m == ap_method::apic_init) {
            aps.set_all(parked);
            return success;
        }
        if (!loader_ap_hook)
            return error{errc::not_found, 0, no_entry, "loader_ap_hook", "SIM-5",
                         "ap_method::loader_hook but the simulated loader installed no AP hook", 0, 1};
        return loader_ap_hook(loader_ap_context, aps);
    }

    // -- MMIO common to both platforms: the local APIC and the TIS window; everything else that
    // is inside simulated memory behaves as memory, the rest faults and reads all ones.
    u64 lapic_base() const { return cpu.msr(0x1B) & 0x000ffffffffff000ull; }

    bool common_mmio_read(u64 address, u32 width, u64& out) {
        if (tis.in_window(address)) {
            if (width == 8) {
                out = u64{tis.read(address, 4)} | (u64{tis.read(address + 4, 4)} << 32);
            } else {
                out = tis.read(address, width);
            }
            return true;
        }
        const u64 apic = lapic_base() ? lapic_base() : lapic_default_base;
        if (address >= apic && address < apic + 0x1000) {
            const u32 off = static_cast<u32>(address - apic);
            out = off == lapic_icr_low ? (icr_low_ & ~u32{1u << 12}) : off == lapic_icr_high ? icr_high_ : 0;
            return true;
        }
        if (memory.contains(address, width)) {
            out = memory.load(address, width);
            return true;
        }
        return false;
    }
    bool common_mmio_write(u64 address, u32 width, u64 value) {
        if (tis.in_window(address)) {
            tis.write(address, width, static_cast<u32>(value));
            return true;
        }
        const u64 apic = lapic_base() ? lapic_base() : lapic_default_base;
        if (address >= apic && address < apic + 0x1000) {
            const u32 off = static_cast<u32>(address - apic);
            if (off == lapic_icr_high) icr_high_ = static_cast<u32>(value);
            if (off == lapic_icr_low) {
                icr_low_ = static_cast<u32>(value);
                send_ipi(icr_low_);
            }
            return true;
        }
        if (memory.contains(address, width)) {
            (void)memory.store(address, width, value);
            return true;
        }
        return false;
    }

    ap_state init_state = ap_state::wait_for_sipi;  // what an INIT IPI leaves an AP in

protected:
    // ICR low: vector 7:0, delivery mode 10:8 (5 INIT, 6 SIPI), shorthand 19:18
    // (2 all including self, 3 all excluding self). Only broadcasts to the others are modelled.
    void send_ipi(u32 icr) {
        const u32 mode = (icr >> 8) & 7u;
        const u32 shorthand = (icr >> 18) & 3u;
        if (shorthand != 3u) return;
        if (mode == 5u) aps.set_all(init_state);  // GRUB sends 0x000C0500 (no level bit)
        if (mode == 6u)
            for (u32 i = 0; i < aps.count; ++i)
                if (aps.state[i] != ap_state::running) aps.state[i] = ap_state::running;
    }
    void log_io(u16 port, u32 v, u8 width) {
        io_log[io_writes % io_log_size] = io_write_record{port, v, width};
        ++io_writes;
    }

    u32 icr_low_ = 0;
    u32 icr_high_ = 0;
};

}  // namespace dlh::sim
