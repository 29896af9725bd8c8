// SPDX-License-Identifier: MIT
// slrt-demo: the library on bare metal. Booted by QEMU (-kernel, multiboot v1) on an emulated PC
// with a TPM 2.0 (swtpm behind tpm-tis or tpm-crb), it
//   1. builds an SLRT in memory with the slrt builder and validates it (parse, check_linux_v16);
//   2. finds the TPM and its interface (TPM_INTERFACE_ID: FIFO or CRB), and through that
//      interface's driver closes every locality, requests and relinquishes localities 0..3 (or
//      sees the TPM refuse those it does not implement), and probes locality 4 (QEMU's TIS
//      ignores its writes);
//   3. at locality 2 reads PCR 17 and 18, measures its own SLRT policy (policy/plan.hpp under
//      the Linux v16 rules: the intel_info entry with its two addresses zeroed, then the command
//      line), extends PCR 18 with each measurement (TPM2_PCR_Extend from policy/tpm2.hpp) and
//      records each event in a TCG log (policy/eventlog.hpp log_writer). A TPM with locality 0
//      only (QEMU's CRB) cannot extend PCR 18 at all: there the same measurements go into PCR 16
//      (debug) at locality 0, so the command path, the log and the replay are still proven;
//   4. replays the log and compares every computable bank's extended PCR with the TPM's;
//   5. checks that locality 0 may not extend PCR 18 (TPM_RC_LOCALITY);
//   6. runs the TXT and SKINIT preambles in dry-run mode (when built with them) and prints where
//      each stops on this machine;
// printing each step on COM1 and ending with "RESULT: PASS" or "RESULT: FAIL <reason>", then
// leaves QEMU through isa-debug-exit (port 0xf4).
//
// The same file compiles for x86_64 (-m64 -c) to show that the library links freestanding there:
// it needs nothing from outside but the mem* functions, which it defines below.
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "dlh/tpm/tpm.hpp"
#include "dlh/x86/platform.hpp"
#include "policy/eventlog.hpp"
#include "policy/measure.hpp"
#include "policy/plan.hpp"
#include "policy/replay.hpp"
#include "policy/tpm2.hpp"
#include "slrt/slrt.hpp"

#if defined(SLRT_DEMO_PREAMBLES)
#include "dlh/skinit/preamble.hpp"
#include "dlh/txt/preamble.hpp"
#endif

using namespace dlh;
using slrt::digest;
using slrt::hash_alg;

// ---------------------------------------------------------------------------------------------
// What a compiler may call on its own: an embedder provides these (rep movsb / stosb, so that no
// compiler turns them back into calls to themselves).

extern "C" {
void* memcpy(void* dst, const void* src, std::size_t n) {
    void* d = dst;
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}
void* memset(void* dst, int c, std::size_t n) {
    void* d = dst;
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}
void* memmove(void* dst, const void* src, std::size_t n) {
    if (dst <= src || static_cast<const char*>(src) + n <= static_cast<char*>(dst)) return memcpy(dst, src, n);
    // Overlapping with dst above src: copy backwards.
    void* d = static_cast<char*>(dst) + n - 1;
    const void* s = static_cast<const char*>(src) + n - 1;
    asm volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}
int memcmp(const void* a, const void* b, std::size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (std::size_t i = 0; i < n; ++i) {
        asm("" ::: "memory");  // keep this a loop, not a call to memcmp
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}
}

namespace {

// ---------------------------------------------------------------------------------------------
// COM1 (16550 at 0x3F8), 115200 8N1, polled.

class serial {
public:
    explicit serial(x86::platform& p) : p_(p) {
        p_.io_write8(port + 1, 0x00);  // IER: no interrupts
        p_.io_write8(port + 3, 0x80);  // LCR: DLAB
        p_.io_write8(port + 0, 0x01);  // DLL: 115200
        p_.io_write8(port + 1, 0x00);  // DLM
        p_.io_write8(port + 3, 0x03);  // LCR: 8N1
        p_.io_write8(port + 2, 0xC7);  // FCR: FIFO on, cleared
        p_.io_write8(port + 4, 0x03);  // MCR: DTR, RTS
    }
    void put(char c) {
        if (c == '\n') put('\r');
        for (u32 i = 0; i < 100000 && !(p_.io_read8(port + 5) & 0x20); ++i) p_.pause();  // LSR.THRE
        p_.io_write8(port, static_cast<u8>(c));
    }
    serial& operator<<(const char* s) {
        for (; s && *s; ++s) put(*s);
        return *this;
    }
    serial& hex(u64 v, int digits = 0) {
        *this << "0x";
        int n = 1;
        for (u64 t = v >> 4; t; t >>= 4) ++n;
        if (n < digits) n = digits;
        for (int i = n - 1; i >= 0; --i) put("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
        return *this;
    }
    serial& dec(u32 v) {
        char buf[10];
        int k = 0;
        do {
            buf[k++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (k) put(buf[--k]);
        return *this;
    }
    serial& bytes(byte_view b) {
        for (std::size_t i = 0; i < b.size(); ++i) {
            put("0123456789abcdef"[b[i] >> 4]);
            put("0123456789abcdef"[b[i] & 15]);
        }
        return *this;
    }
    serial& err(const error& e) {
        char line[200];
        (void)slrt::format_error(e, line, sizeof line);
        return *this << line;
    }

private:
    static constexpr u16 port = 0x3F8;
    x86::platform& p_;
};

// ---------------------------------------------------------------------------------------------
// Memory the demo owns (identity-mapped: its addresses are physical addresses).

alignas(4096) u8 slrt_page[4096];
alignas(16) u8 log_buffer[8192];
const char cmdline[] = "console=ttyS0 slrt-demo";  // measured as the "kernel command line"

u64 phys(const void* p) { return static_cast<u64>(reinterpret_cast<std::uintptr_t>(p)); }

class demo {
public:
    demo(x86::platform& p, serial& out) : p_(p), out_(out) {}

    bool failed() const { return failed_; }
    const char* reason() const { return reason_; }

    void fail(const char* why) {
        if (!failed_) reason_ = why;
        failed_ = true;
        out_ << "  FAIL: " << why << "\n";
    }
    bool check(bool ok, const char* why) {
        if (!ok) fail(why);
        return ok;
    }
    bool check(const status& s, const char* why) {
        if (!s) {
            out_ << "  error: ";
            out_.err(s.err()) << "\n";
        }
        return check(s.ok(), why);
    }

    // Step 1: the table.
    result<slrt::table> build_table() {
        out_ << "[slrt] build a v16 SLRT (Intel TXT) at ";
        out_.hex(phys(slrt_page)) << "\n";
        slrt::builder b(mutable_byte_view(slrt_page, sizeof slrt_page), slrt::layout::v16);
        if (!check(b.init(slrt::architecture::intel_txt, sizeof slrt_page), "slrt: init")) return error{};
        slrt::dl_info dl;
        dl.dce_base = 0x7f000000;
        dl.dce_size = 0x40000;
        dl.dlme_base = 0x2000000;
        dl.dlme_size = 0x1000000;
        dl.dlme_entry = 0x100;
        dl.bl_context.bootloader = slrt::bootloader::grub;
        if (!check(b.add(dl).ok(), "slrt: dl_info")) return error{};
        slrt::log_info log{slrt::log_format::tpm20, sizeof log_buffer, phys(log_buffer)};
        if (!check(b.add(log).ok(), "slrt: log_info")) return error{};
        const slrt::policy_entry policy[] = {
            {18, slrt::entity_type::slrt, slrt::policy_flag_implicit_size, 0, phys(slrt_page), "Measured SLR Table"},
            {18, slrt::entity_type::cmdline, 0, sizeof cmdline - 1, phys(cmdline), "Measured Kernel command line"},
        };
        if (!check(b.add_policy(policy, 2).ok(), "slrt: policy")) return error{};
        slrt::intel_info intel;
        intel.boot_params_addr = 0x2001000;
        intel.txt_heap = 0x7ff00000;
        intel.saved_misc_enable_msr = 0x850089;
        intel.saved_bsp_mtrrs.default_mem_type = 0xc06;
        intel.saved_bsp_mtrrs.mtrr_vcnt = 1;
        intel.saved_bsp_mtrrs.mtrr_pair[0] = {0x0000000000000006, 0x0000000ff8000800};
        if (!check(b.add(intel).ok(), "slrt: intel_info")) return error{};
        const result<slrt::table> t = slrt::parse(b.bytes());
        if (!t) {
            check(status(t.err()), "slrt: parse of the built table");
            return t;
        }
        const slrt::findings f = slrt::check_linux_v16(*t);
        out_ << "[slrt] built ";
        out_.dec(b.size()) << " bytes; parse: ok; check_linux_v16: ";
        out_.dec(f.count) << " findings\n";
        if (!check(f.ok(), "slrt: check_linux_v16 findings")) return error{};
        // The bytes, for a host-side prediction of PCR 18.
        for (u32 at = 0; at < b.size(); at += 32) {
            const u32 n = b.size() - at < 32 ? b.size() - at : 32;
            out_ << "SLRT-HEX ";
            out_.hex(at, 4) << " ";
            out_.bytes(b.bytes().subview(at, n)) << "\n";
        }
        out_ << "CMDLINE " << cmdline << "\n";
        return t;
    }

    // Steps 2-5 through one register interface (tpm::tis or tpm::crb). `five_localities` is what
    // the interface ID says (CapLocality); without it only locality 0 can be used.
    template <class I>
    void drive(I& iface, bool five_localities, const result<slrt::table>& table) {
        out_ << "[tpm] localities: " << (five_localities ? "0..4" : "0 only") << " (CapLocality "
             << (five_localities ? "1" : "0") << ")\n";
        localities(iface, five_localities);
        if (!failed_ && table) measure(iface, *table, five_localities ? 2 : 0);
    }

    // Step 2: localities.
    template <class I>
    void localities(I& iface, bool five_localities) {
        const u8 before = iface.active_locality();
        out_ << "[tpm] active locality at entry: ";
        if (before == tpm::no_locality) out_ << "none\n";
        else out_.dec(before) << "\n";
        if (!check(iface.close_all(), "tpm: close_all")) return;
        out_ << "[tpm] close_all: ok, active locality: " << (iface.active_locality() == tpm::no_locality ? "none" : "?")
             << "\n";
        for (u8 l = 0; l < 4; ++l) {
            const status r = iface.request_locality(l);
            if (l > 0 && !five_localities) {
                // Not implemented: the request must fail and leave nothing assigned.
                out_ << "[tpm] locality ";
                out_.dec(l) << ": ";
                if (r) {
                    out_ << "granted\n";
                } else {
                    out_ << "not granted: ";
                    out_.err(r.err()) << "\n";
                }
                if (!check(!r && iface.active_locality() == tpm::no_locality,
                           "tpm: a locality the TPM lacks was granted"))
                    return;
                continue;
            }
            if (!check(r, "tpm: request locality")) return;
            const bool active = iface.active_locality() == l;
            const status q = iface.relinquish_locality(l);
            if (!check(q, "tpm: relinquish locality")) return;
            out_ << "[tpm] locality ";
            out_.dec(l) << ": request ok (active " << (active ? "yes" : "NO") << "), relinquish ok (active "
                        << (iface.is_active(l) ? "yes" : "no") << ")\n";
            if (!check(active && !iface.is_active(l), "tpm: locality state after request/relinquish")) return;
        }
        // Locality 4 belongs to the hardware: QEMU's TIS drops its writes, so a request cannot
        // succeed (a small budget keeps the wait short); QEMU's CRB has no locality 4 at all.
        I probe(p_, tpm::tpm_base, 2000);
        const status four = probe.request_locality(4);
        out_ << "[tpm] locality 4: ";
        if (four) {
            out_ << "granted (relinquished)\n";
            (void)probe.relinquish_locality(4);
        } else {
            out_ << "not granted: ";
            out_.err(four.err()) << "\n";
        }
    }

    // Steps 3-5: measure, extend, log, replay, compare. `locality` is where the measurements are
    // extended from: 2, the MLE's, or 0 on a TPM that has no other (then into PCR 16).
    template <class I>
    void measure(I& iface, const slrt::table& table, u8 locality) {
        // PCR 16 (debug): any locality may extend it, and it starts at zero.
        constexpr u32 debug_pcr = 16;
        const bool substitute = locality < 2;
        // Startup (firmware may have done it) at locality 0.
        if (!check(iface.request_locality(0), "tpm: locality 0")) return;
        {
            tpm::transport t0(iface, 0);
            const status s = t0.startup();
            out_ << "[tpm] TPM2_Startup(CLEAR): " << (s ? "ok (or already started)" : "failed") << "\n";
            if (!check(s, "tpm: startup")) return;
        }
        if (!check(iface.relinquish_locality(0), "tpm: relinquish 0")) return;
        if (!check(iface.request_locality(locality), "tpm: measurement locality")) return;
        out_ << "[tpm] locality ";
        out_.dec(locality) << " active" << (substitute ? " (the TPM has no locality 2)" : "") << "\n";
        tpm::transport t(iface, locality);

        const result<slrt::tpm2_pcr_allocation> alloc = t.get_capability_pcrs();
        if (!check(alloc ? success : status(alloc.err()), "tpm: GetCapability(PCRS)")) return;
        hash_alg banks[slrt::max_log_banks]{};
        const u32 nbanks = alloc->active_banks(banks, slrt::max_log_banks);
        if (!check(nbanks >= 1 && nbanks <= slrt::max_log_banks, "tpm: active banks")) return;
        out_ << "[tpm] active banks:";
        for (u32 i = 0; i < nbanks; ++i) out_ << " " << (slrt::name(banks[i]) ? slrt::name(banks[i]) : "?");
        out_ << "\n";

        for (u32 pcr : {17u, 18u}) {
            const result<digest> v = t.read_pcr(hash_alg::sha256, pcr);
            if (!check(v ? success : status(v.err()), "tpm: PCR_Read")) return;
            out_ << "[pcr] PCR";
            out_.dec(pcr) << " sha256 before: ";
            out_.bytes(v->view()) << "\n";
            if (!check(*v == slrt::pcr_start_value(hash_alg::sha256, pcr, slrt::pcr_start::pre_launch),
                       "pcr: PCR 17/18 are not all ones before a launch"))
                return;
        }
        if (substitute) {
            const result<digest> v = t.read_pcr(hash_alg::sha256, debug_pcr);
            if (!check(v ? success : status(v.err()), "tpm: PCR_Read")) return;
            out_ << "[pcr] PCR";
            out_.dec(debug_pcr) << " sha256 before: ";
            out_.bytes(v->view()) << "\n";
            if (!check(*v == slrt::pcr_start_value(hash_alg::sha256, debug_pcr, slrt::pcr_start::pre_launch),
                       "pcr: PCR 16 is not zero before the demo"))
                return;
        }

        // The plan: what a Linux v16 DLME measures for this table, reading memory through the
        // platform (physical addresses).
        slrt::plan<8> plan;
        if (!check(slrt::make_plan(table, p_, slrt::measure_rules::linux_v16, plan), "plan: make_plan")) return;
        out_ << "[plan] ";
        out_.dec(plan.count) << " measurements (linux-v16 rules)\n";
        if (!check(plan.count == 2, "plan: two measurements expected")) return;
        if (substitute) {
            out_ << "[plan] PCR 18 needs locality 2..4: extending PCR ";
            out_.dec(debug_pcr) << " at locality ";
            out_.dec(locality) << " instead\n";
        }
        u32 extended = 0;  // the PCR the measurements went into

        slrt::log_writer log(mutable_byte_view(log_buffer, sizeof log_buffer));
        if (!check(log.init_tcg(banks, nbanks), "log: init_tcg")) return;
        for (const slrt::plan_step& step : plan) {
            digest d[slrt::max_log_banks]{};
            if (!check(slrt::measure_step(table, p_, step, banks, nbanks, d), "measure: measure_step")) return;
            const byte_view label(reinterpret_cast<const u8*>(step.label.bytes), step.label.length());
            extended = substitute ? debug_pcr : step.pcr;
            if (!check(log.append(extended, step.event_type, d, nbanks, label).ok(), "log: append")) return;
            if (!check(t.pcr_extend(extended, d, nbanks), "tpm: PCR_Extend")) return;
            out_ << "[extend] PCR";
            out_.dec(extended) << " \"" << step.label.bytes << "\" " << (step.source == slrt::step_source::table_copy ? "table copy " : "memory ");
            out_.dec(static_cast<u32>(step.size)) << " bytes, sha256 ";
            for (u32 i = 0; i < nbanks; ++i)
                if (d[i].alg == hash_alg::sha256) out_.bytes(d[i].view());
            out_ << ": ok\n";
        }

        // Replay the log (PCR 17..22 start at all ones: no dynamic launch happened) and compare.
        const result<slrt::event_log> parsed = slrt::parse_event_log(log.bytes());
        if (!check(parsed ? success : status(parsed.err()), "log: parse")) return;
        slrt::pcr_bank_set replayed;
        if (!check(slrt::replay(*parsed, replayed, {slrt::pcr_start::pre_launch}), "log: replay")) return;
        out_ << "[log] ";
        out_.dec(parsed->event_count()) << " events, ";
        out_.dec(log.size()) << " bytes; replayed\n";
        u32 compared = 0;
        for (u32 i = 0; i < nbanks; ++i) {
            const slrt::pcr_bank* mine = replayed.find(banks[i]);
            if (!check(mine != nullptr, "log: bank missing from the replay")) return;
            if (!mine->computable) {
                out_ << "[compare] " << slrt::name(banks[i]) << ": not computable here, skipped\n";
                continue;
            }
            const result<digest> now = t.read_pcr(banks[i], extended);
            if (!check(now ? success : status(now.err()), "tpm: PCR_Read after extend")) return;
            const bool same = *now == mine->pcrs[extended];
            out_ << "[compare] " << slrt::name(banks[i]) << " PCR";
            out_.dec(extended) << " tpm ";
            out_.bytes(now->view()) << (same ? " == replay" : " != replay ");
            if (!same) out_.bytes(mine->pcrs[extended].view());
            out_ << "\n";
            if (!check(same, "compare: the extended PCR differs from the log's replay")) return;
            if (banks[i] == hash_alg::sha256) {
                out_ << "PCR";
                out_.dec(extended) << "-SHA256 ";
                out_.bytes(now->view()) << "\n";
            }
            ++compared;
        }
        if (!check(compared >= 1, "compare: no bank compared")) return;
        // PCR 17 is untouched (and PCR 18 too when the measurements went elsewhere).
        for (u32 pcr : {17u, 18u}) {
            if (pcr == extended) continue;
            const result<digest> v = t.read_pcr(hash_alg::sha256, pcr);
            if (!check(v && *v == slrt::pcr_start_value(hash_alg::sha256, pcr, slrt::pcr_start::pre_launch),
                       "pcr: PCR 17/18 changed"))
                return;
            out_ << "[pcr] PCR";
            out_.dec(pcr) << " unchanged\n";
        }

        // Locality 0 may not extend PCR 18.
        if (!check(iface.relinquish_locality(locality), "tpm: relinquish the measurement locality")) return;
        if (!check(iface.request_locality(0), "tpm: locality 0 again")) return;
        t.set_locality(0);
        const digest m = slrt::capped_digest(hash_alg::sha256);
        const status refused = t.pcr_extend(18, &m, 1);
        out_ << "[tpm] PCR_Extend(18) at locality 0: ";
        if (refused) out_ << "accepted\n";
        else out_.err(refused.err()) << "\n";
        check(!refused && refused.err().value == slrt::tpm_rc_locality, "tpm: locality 0 extended PCR 18");
        check(iface.close_all(), "tpm: close_all at the end");
        out_ << "[tpm] close_all: ok\n";
    }

#if defined(SLRT_DEMO_PREAMBLES)
    void preambles();
#endif

private:
    x86::platform& p_;
    serial& out_;
    bool failed_ = false;
    const char* reason_ = "";
};

}  // namespace

#if defined(SLRT_DEMO_PREAMBLES)
#include "preambles.inc"
#endif

extern "C" void demo_main(u32 magic, u32 multiboot_info) {
    x86::platform p;
    serial out(p);
    demo d(p, out);
    out << "\nslrt-demo: start (" << (sizeof(void*) == 8 ? "x86_64" : "i386") << ", multiboot magic ";
    out.hex(magic) << ", info ";
    out.hex(multiboot_info) << ")\n";
    d.check(magic == 0x2BADB002, "boot: not started by a multiboot loader");

    const result<slrt::table> table = d.build_table();
    const result<tpm::interface_info> tpm_info = tpm::detect(p);
    if (!tpm_info) {
        out << "[tpm] detect: ";
        out.err(tpm_info.err()) << "\n";
        d.fail("tpm: no TPM found");
    } else {
        out << "[tpm] interface " << tpm::name(tpm_info->type) << ", TPM_INTERFACE_ID ";
        out.hex(tpm_info->interface_id, 8) << ", DID_VID ";
        out.hex(tpm_info->vendor_device, 8) << "\n";
        if (tpm_info->type == tpm::interface_type::crb) {
            // What each locality's page holds (PTP: TPM_LOC_STATE reads the same in all five);
            // QEMU's tpm-crb decodes locality 0's page only.
            out << "[tpm] TPM_LOC_STATE per locality page:";
            for (u8 l = 0; l < tpm::locality_count; ++l) {
                out << " ";
                out.hex(p.mmio_read32(tpm::locality_base(tpm::tpm_base, l) + tpm::crb_reg::loc_state), 8);
            }
            out << "\n";
            tpm::crb<x86::platform> crb(p);
            if (!d.failed()) d.drive(crb, tpm_info->five_localities, table);
        } else {
            tpm::tis<x86::platform> fifo(p);
            if (!d.failed()) d.drive(fifo, tpm_info->five_localities, table);
        }
    }
#if defined(SLRT_DEMO_PREAMBLES)
    if (table) d.preambles();
#else
    out << "[preambles] SKIP preambles (built without dlh/txt/preamble.hpp and dlh/skinit/preamble.hpp)\n";
#endif
    if (d.failed()) out << "RESULT: FAIL " << d.reason() << "\n";
    else out << "RESULT: PASS\n";
    // isa-debug-exit: QEMU exits with (value << 1) | 1: 0x21 for PASS, 0x23 for FAIL.
    p.io_write8(0xf4, d.failed() ? 0x11 : 0x10);
}
