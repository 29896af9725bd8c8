// SPDX-License-Identifier: MIT
// The real x86 platform: dlh::platform over the processor this code runs on, in inline assembly
// for x86_64 and i386 (32-bit protected mode, as GRUB i386-pc and coreboot payloads run).
//
// Assumptions, which the embedder guarantees:
//  * Physical memory is identity-mapped (paging off, or page tables mapping each physical page at
//    the same virtual address), and the device windows the preambles touch (TXT registers at
//    0xFED20000/0xFED30000, the TPM at 0xFED40000, the local APIC) are mapped uncached. On i386
//    only the first 4 GiB are reachable: MMIO above reads all ones and drops writes (as an
//    unclaimed bus cycle would), read()/write() of such memory fail with out_of_bounds.
//  * The code runs at CPL 0 (RDMSR, WRMSR, MOV CRn, WBINVD, CLI, GETSEC and SKINIT fault
//    otherwise). A #GP or #UD is not caught here: the preambles check CPUID and MSRs before
//    they execute an instruction a processor may lack.
//  * 64-bit MMIO on i386 is two 32-bit accesses, low dword first.
//
// Rules (error.rule), also in spec/dlh.md "Platform and TPM":
//   X86-1 out_of_bounds       read()/write() of memory the address width cannot reach (i386: >= 4 GiB)
//   X86-2 launch_requirement  park_aps(apic_init): no local APIC (CPUID.01H:EDX.APIC) or it is disabled
//                             (IA32_APIC_BASE.EN clear)
//   X86-3 launch_requirement  park_aps(apic_init): the INIT IPI stayed "send pending" (ICR delivery
//                             status) for the whole poll budget
//   X86-4 launch_requirement  senter()/skinit() returned: the launch instruction did not launch
//   X86-5 bad_argument        park_aps with a method this platform does not know
#pragma once

#include <cstddef>
#include <cstdint>

#include "dlh/base.hpp"
#include "dlh/bits.hpp"
#include "dlh/platform.hpp"
#include "dlh/txt/getsec.hpp"  // apic_base_field (IA32_APIC_BASE)

#if !defined(__x86_64__) && !defined(__i386__)
#error "dlh/x86/platform.hpp is for x86_64 and i386"
#endif

namespace dlh::x86 {

// Local APIC interrupt command register (SDM Vol. 3A 11.6.1, Figure 11-12). In xAPIC mode the
// low dword is at APIC base + 0x300 and the destination (high dword) at + 0x310; in x2APIC mode
// the ICR is the 64-bit MSR 0x830 and has no delivery status bit (SDM 11.12.9).
namespace icr_field {
inline constexpr bit_field vector{"Vector", 0, 8};
inline constexpr bit_field delivery_mode{"Delivery Mode", 8, 3, false, "0 fixed, 5 INIT, 6 start-up"};
inline constexpr bit_field destination_mode{"Destination Mode", 11, 1, false, "0 physical"};
inline constexpr bit_field delivery_status{"Delivery Status", 12, 1, false, "1 send pending (xAPIC only)"};
inline constexpr bit_field level{"Level", 14, 1, false, "1 assert"};
inline constexpr bit_field trigger_mode{"Trigger Mode", 15, 1, false, "0 edge"};
inline constexpr bit_field shorthand{"Destination Shorthand", 18, 2, false, "3 all excluding self"};
inline constexpr bit_field destination{"Destination", 56, 8, false, "xAPIC: APIC id (x2APIC: bits 63:32)"};
}  // namespace icr_field
inline constexpr bit_field icr_fields[] = {icr_field::vector,       icr_field::delivery_mode, icr_field::destination_mode,
                                           icr_field::delivery_status, reserved_bits(13, 1),  icr_field::level,
                                           icr_field::trigger_mode, reserved_bits(16, 2),     icr_field::shorthand,
                                           reserved_bits(20, 36),   icr_field::destination};
inline constexpr register_info icr_info{"LAPIC.ICR", 0x300, 64, icr_fields, "SDM Vol. 3A 11.6.1"};

inline constexpr u32 icr_delivery_init = 5;
inline constexpr u32 icr_shorthand_all_excluding_self = 3;
inline constexpr u32 lapic_icr_low = 0x300;
inline constexpr u32 lapic_icr_high = 0x310;
inline constexpr u32 msr_x2apic_icr = 0x830;

// INIT, level assert, edge, to all processors excluding self: what parks the APs in
// wait-for-SIPI before a launch.
inline constexpr u32 init_all_excluding_self =
    static_cast<u32>(icr_field::shorthand.with(icr_field::level.with(icr_field::delivery_mode.with(0, icr_delivery_init), 1),
                                               icr_shorthand_all_excluding_self));
static_assert(init_all_excluding_self == 0x000C4500);

// CPUID.01H:EDX bit 9: the processor has a local APIC (SDM Vol. 2A CPUID, Table 3-11).
inline constexpr bit_field cpuid1_edx_apic{"APIC", 9, 1};
// CR4.PGE (bit 7): global pages, which a CR3 reload does not flush (SDM Vol. 3A 2.5).
inline constexpr bit_field cr4_pge{"PGE", 7, 1};
// EFLAGS.IF (bit 9).
inline constexpr bit_field eflags_if{"IF", 9, 1};

// The loader's own way to quiet the APs (ap_method::loader_hook): returns success once every
// AP is in wait-for-SIPI (or was never started).
struct ap_hook {
    status (*park)(void* context) = nullptr;
    void* context = nullptr;
};

// GETSEC leaves (SDM Vol. 2D 6.2; facts txt.md §5.2).
inline constexpr u32 getsec_senter = 4;

class platform {
public:
    // Poll budget of park_aps (pause() iterations waiting for the ICR to go idle).
    static constexpr u32 default_ipi_poll_limit = 1u << 20;

    constexpr platform() = default;
    constexpr explicit platform(ap_hook hook, u32 ipi_poll_limit = default_ipi_poll_limit)
        : hook_(hook), ipi_poll_limit_(ipi_poll_limit) {}

    // --- CPUID, MSRs, control registers
    cpu_registers cpuid(u32 leaf, u32 subleaf) {
        cpu_registers r;
        asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
        return r;
    }
    u64 read_msr(u32 index) {
        u32 lo = 0, hi = 0;
        asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
        return (u64{hi} << 32) | lo;
    }
    void write_msr(u32 index, u64 value) {
        asm volatile("wrmsr" ::"c"(index), "a"(static_cast<u32>(value)), "d"(static_cast<u32>(value >> 32)) : "memory");
    }
    u64 read_cr0() {
        std::uintptr_t v = 0;
        asm volatile("mov %%cr0, %0" : "=r"(v));
        return v;
    }
    void write_cr0(u64 value) {
        const auto v = static_cast<std::uintptr_t>(value);
        asm volatile("mov %0, %%cr0" ::"r"(v) : "memory");
    }
    u64 read_cr4() {
        std::uintptr_t v = 0;
        asm volatile("mov %%cr4, %0" : "=r"(v));
        return v;
    }
    void write_cr4(u64 value) {
        const auto v = static_cast<std::uintptr_t>(value);
        asm volatile("mov %0, %%cr4" ::"r"(v) : "memory");
    }

    // --- MMIO through volatile pointers (identity mapping assumed, see the top of this file)
    u8 mmio_read8(u64 addr) { return reachable(addr, 1) ? *pointer<volatile u8>(addr) : u8{0xff}; }
    u32 mmio_read32(u64 addr) { return reachable(addr, 4) ? *pointer<volatile u32>(addr) : ~u32{0}; }
    u64 mmio_read64(u64 addr) {
#if defined(__x86_64__)
        return reachable(addr, 8) ? *pointer<volatile u64>(addr) : ~u64{0};
#else
        const u32 lo = mmio_read32(addr);
        const u32 hi = mmio_read32(addr + 4);
        return (u64{hi} << 32) | lo;
#endif
    }
    void mmio_write8(u64 addr, u8 value) {
        if (reachable(addr, 1)) *pointer<volatile u8>(addr) = value;
    }
    void mmio_write32(u64 addr, u32 value) {
        if (reachable(addr, 4)) *pointer<volatile u32>(addr) = value;
    }
    void mmio_write64(u64 addr, u64 value) {
#if defined(__x86_64__)
        if (reachable(addr, 8)) *pointer<volatile u64>(addr) = value;
#else
        mmio_write32(addr, static_cast<u32>(value));
        mmio_write32(addr + 4, static_cast<u32>(value >> 32));
#endif
    }

    // --- Port I/O
    u8 io_read8(u16 port) {
        u8 v = 0;
        asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        return v;
    }
    void io_write8(u16 port, u8 value) { asm volatile("outb %0, %1" ::"a"(value), "Nd"(port)); }
    u32 io_read32(u16 port) {
        u32 v = 0;
        asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
        return v;
    }
    void io_write32(u16 port, u32 value) { asm volatile("outl %0, %1" ::"a"(value), "Nd"(port)); }

    // --- Physical memory as bytes (a slrt::memory as well)
    status read(u64 addr, mutable_byte_view out) const {
        if (!reachable(addr, out.size())) return unreachable(addr, out.size());
        const u8* src = pointer<const u8>(addr);
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = src[i];
        return success;
    }
    status write(u64 addr, byte_view in) {
        if (!reachable(addr, in.size())) return unreachable(addr, in.size());
        u8* dst = pointer<u8>(addr);
        for (std::size_t i = 0; i < in.size(); ++i) dst[i] = in[i];
        asm volatile("" ::: "memory");
        return success;
    }

    // --- Caches, TLB, interrupts
    void wbinvd() { asm volatile("wbinvd" ::: "memory"); }
    // Reloads CR3 (non-global entries); when CR4.PGE is set, clears and restores it so that
    // global entries go too (SDM Vol. 3A 4.10.4.1).
    void flush_tlb() {
        const u64 cr4 = read_cr4();
        if (cr4_pge.test(cr4)) {
            write_cr4(cr4_pge.with(cr4, 0));
            write_cr4(cr4);
        }
        std::uintptr_t cr3 = 0;
        asm volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=&r"(cr3) : : "memory");
    }
    bool disable_interrupts() {
        std::uintptr_t flags = 0;
        asm volatile("pushf\n\tpop %0\n\tcli" : "=r"(flags) : : "memory");
        return eflags_if.test(flags);
    }
    void enable_interrupts() { asm volatile("sti" ::: "memory"); }
    void pause() { asm volatile("pause" ::: "memory"); }

    // --- The other processors
    status park_aps(ap_method method) {
        if (method == ap_method::loader_hook) return hook_.park ? hook_.park(hook_.context) : success;
        if (method != ap_method::apic_init)
            return error{errc::bad_argument, 0, no_entry, "ap_method", "X86-5", "an AP method this platform knows",
                         static_cast<u8>(method), 1};
        if (!cpuid1_edx_apic.test(cpuid(1, 0).edx))
            return error{errc::launch_requirement, 0, no_entry, "CPUID.01H:EDX.APIC", "X86-2",
                         "the processor has no local APIC to send INIT through", 0, 1};
        const u64 base = read_msr(txt::msr_ia32_apic_base);
        if (!txt::apic_base_field::enable.test(base))
            return error{errc::launch_requirement, 0, no_entry, "IA32_APIC_BASE.EN", "X86-2",
                         "the local APIC is disabled", base, 0};
        if (txt::apic_base_field::extd.test(base)) {
            // x2APIC: a WRMSR to the ICR completes the send (no delivery status to wait for).
            write_msr(msr_x2apic_icr, init_all_excluding_self);
            return success;
        }
        const u64 mmio = txt::apic_base_field::base.get(base) << 12;
        mmio_write32(mmio + lapic_icr_high, 0);
        mmio_write32(mmio + lapic_icr_low, init_all_excluding_self);
        for (u32 i = 0; i < ipi_poll_limit_; ++i) {
            if (!icr_field::delivery_status.test(mmio_read32(mmio + lapic_icr_low))) return success;
            pause();
        }
        return error{errc::launch_requirement, lapic_icr_low, no_entry, "LAPIC.ICR.delivery_status", "X86-3",
                     "the INIT IPI to the APs stayed pending", mmio_read32(mmio + lapic_icr_low), ipi_poll_limit_};
    }

    // --- The launch instructions
    // GETSEC (0F 37): leaf in EAX, operands in EBX, ECX, EDX; returns EAX..EDX as the leaf leaves them.
    cpu_registers getsec(u32 leaf, u32 ebx, u32 ecx, u32 edx) {
        cpu_registers r{leaf, ebx, ecx, edx};
        asm volatile(".byte 0x0f, 0x37" : "+a"(r.eax), "+b"(r.ebx), "+c"(r.ecx), "+d"(r.edx) : : "memory");
        return r;
    }
    // GETSEC[SENTER]: EBX = SINIT base, ECX = SINIT size, EDX = 0 (no function control bits
    // defined). Does not return on success.
    status senter(u32 sinit_base, u32 sinit_size) {
        (void)getsec(getsec_senter, sinit_base, sinit_size, 0);
        return error{errc::launch_requirement, 0, no_entry, "GETSEC[SENTER]", "X86-4",
                     "GETSEC[SENTER] returned without launching", sinit_base, sinit_size};
    }
    // SKINIT (0F 01 DE): EAX = SLB physical base. Does not return on success.
    status skinit(u32 slb_base) {
        asm volatile(".byte 0x0f, 0x01, 0xde" : "+a"(slb_base) : : "memory");
        return error{errc::launch_requirement, 0, no_entry, "SKINIT", "X86-4", "SKINIT returned without launching",
                     slb_base, 0};
    }

private:
    // [addr, addr + size) is addressable with this build's pointer width.
    static constexpr bool reachable(u64 addr, u64 size) {
        constexpr u64 top = static_cast<u64>(~std::uintptr_t{0});
        return addr <= top && (size == 0 || size - 1 <= top - addr);
    }
    static error unreachable(u64 addr, u64 size) {
        return error{errc::out_of_bounds, 0, no_entry, "physical address", "X86-1",
                     "the range is beyond what this build can address", addr, size};
    }
    // The identity mapping: physical address = pointer value. The empty asm hides the integer's
    // origin from the optimizer, so that an access at physical 0 is not taken for a null dereference.
    template <class T>
    static T* pointer(u64 addr) {
        auto p = reinterpret_cast<T*>(static_cast<std::uintptr_t>(addr));
        asm("" : "+r"(p));
        return p;
    }

    ap_hook hook_{};
    u32 ipi_poll_limit_ = default_ipi_poll_limit;
};

static_assert(dlh::platform<platform>);

}  // namespace dlh::x86
