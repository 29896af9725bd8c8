// SPDX-License-Identifier: MIT
// What the Dynamic Launch Handler needs from a machine, as one concept. The launch preambles are
// templates over a platform type: the real x86 platform (dlh/x86/platform.hpp) is a few lines of
// inline assembly, the simulated platforms (dlh/sim/) are complete models for host tests. Every
// operation is a member function so that a loader can also wrap its own services (GRUB's
// relocator, an EFI shim's page allocator) in a platform type.
#pragma once

#include <concepts>

#include "dlh/base.hpp"

namespace dlh {

// The four registers CPUID and GETSEC return.
struct cpu_registers {
    u32 eax = 0, ebx = 0, ecx = 0, edx = 0;
    friend constexpr bool operator==(const cpu_registers&, const cpu_registers&) = default;
};

// How the processors other than the one running the preamble are brought to a quiet state:
// through the local APIC (INIT to all excluding self), or by a hook the loader supplies (its
// own AP handling, or none when the APs were never started).
enum class ap_method : u8 { apic_init = 0, loader_hook = 1 };

// clang-format off
template <class P>
concept platform = requires(P& p, const P& cp, u32 u32v, u64 u64v, u16 port, u8 u8v,
                            mutable_byte_view out, byte_view in) {
    // CPUID leaf/subleaf; model-specific registers (a #GP on real hardware is the caller's
    // problem: the preambles only touch architectural MSRs after checking CPUID).
    { p.cpuid(u32v, u32v) } -> std::same_as<cpu_registers>;
    { p.read_msr(u32v) } -> std::same_as<u64>;
    { p.write_msr(u32v, u64v) } -> std::same_as<void>;
    // Control registers the launch conditions name (CR0.CD/NW/NE, CR4.SMXE/PGE).
    { p.read_cr0() } -> std::same_as<u64>;
    { p.write_cr0(u64v) } -> std::same_as<void>;
    { p.read_cr4() } -> std::same_as<u64>;
    { p.write_cr4(u64v) } -> std::same_as<void>;
    // Memory-mapped I/O at a physical address (TXT registers, TPM, local APIC); uncached.
    { p.mmio_read8(u64v) } -> std::same_as<u8>;
    { p.mmio_read32(u64v) } -> std::same_as<u32>;
    { p.mmio_read64(u64v) } -> std::same_as<u64>;
    { p.mmio_write8(u64v, u8v) } -> std::same_as<void>;
    { p.mmio_write32(u64v, u32v) } -> std::same_as<void>;
    { p.mmio_write64(u64v, u64v) } -> std::same_as<void>;
    // Port I/O (serial console, PCI configuration mechanism 1, isa-debug-exit).
    { p.io_read8(port) } -> std::same_as<u8>;
    { p.io_write8(port, u8v) } -> std::same_as<void>;
    { p.io_read32(port) } -> std::same_as<u32>;
    { p.io_write32(port, u32v) } -> std::same_as<void>;
    // Physical memory as bytes; read() makes the platform a slrt::memory as well.
    { cp.read(u64v, out) } -> std::same_as<status>;
    { p.write(u64v, in) } -> std::same_as<status>;
    // Caches, TLB, interrupts.
    { p.wbinvd() } -> std::same_as<void>;
    { p.flush_tlb() } -> std::same_as<void>;
    { p.disable_interrupts() } -> std::same_as<bool>;  // returns whether they were enabled
    { p.enable_interrupts() } -> std::same_as<void>;
    { p.pause() } -> std::same_as<void>;  // one spin-loop iteration; bounded loops count these
    // The other processors: INIT them (to wait-for-SIPI), or ask the loader to park them.
    { p.park_aps(ap_method::apic_init) } -> std::same_as<status>;
    // The launch instructions. getsec() runs a non-launching leaf (CAPABILITIES, PARAMETERS,
    // SMCTRL, WAKEUP) and returns EAX..EDX; senter() and skinit() do not return on hardware.
    { p.getsec(u32v, u32v, u32v, u32v) } -> std::same_as<cpu_registers>;
    { p.senter(u32v, u32v) } -> std::same_as<status>;
    { p.skinit(u32v) } -> std::same_as<status>;
};
// clang-format on

}  // namespace dlh
