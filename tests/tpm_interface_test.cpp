// The TPM register interfaces (dlh/tpm/tis.hpp, crb.hpp), interface detection and the TPM 2.0
// transport, against small MMIO models of a FIFO and a CRB TPM defined here: classes that
// satisfy dlh::platform, whose mmio_* emulate the registers and whose TPM answers Startup,
// GetCapability(TPM_CAP_PCRS), PCR_Read and PCR_Extend with two banks (SHA-1, SHA-256).
// Each model has fault switches, one per driver rule; every TPM-I rule is provoked at least once.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "dlh/tpm/tpm.hpp"
#if defined(__x86_64__) || defined(__i386__)
#include "dlh/x86/platform.hpp"
#define SLRT_TEST_X86 1
#endif
#include "policy/replay.hpp"

using namespace dlh;
using slrt::digest;
using slrt::hash_alg;

namespace {

using bytes_t = std::vector<u8>;

// ---------------------------------------------------------------------------------------------
// The TPM behind both interfaces.

void put_be(bytes_t& b, u64 v, int width) {
    for (int i = width - 1; i >= 0; --i) b.push_back(static_cast<u8>(v >> (8 * i)));
}
u32 get_be(const bytes_t& b, std::size_t at, int width) {
    u32 v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | b.at(at + static_cast<std::size_t>(i));
    return v;
}
bytes_t finish(bytes_t body, u16 tag, u32 rc) {
    bytes_t r;
    put_be(r, tag, 2);
    put_be(r, 10 + body.size(), 4);
    put_be(r, rc, 4);
    r.insert(r.end(), body.begin(), body.end());
    return r;
}

struct tpm_model {
    static constexpr hash_alg banks[2] = {hash_alg::sha1, hash_alg::sha256};
    digest pcrs[2][24]{};
    bool started = false;
    u32 update_counter = 0;
    std::vector<u8> localities_seen;

    tpm_model() {
        for (int b = 0; b < 2; ++b)
            for (u32 p = 0; p < 24; ++p) pcrs[b][p] = slrt::pcr_start_value(banks[b], p, slrt::pcr_start::pre_launch);
    }

    bytes_t answer(u8 locality, const bytes_t& cmd) {
        localities_seen.push_back(locality);
        const u32 code = get_be(cmd, 6, 4);
        switch (code) {
            case slrt::tpm_cc_startup:
                if (started) return finish({}, slrt::tpm_st_no_sessions, slrt::tpm_rc_initialize);
                started = true;
                return finish({}, slrt::tpm_st_no_sessions, 0);
            case slrt::tpm_cc_get_capability: {
                bytes_t body{0};  // moreData
                put_be(body, slrt::tpm_cap_pcrs, 4);
                put_be(body, 2, 4);
                for (hash_alg a : banks) {
                    put_be(body, static_cast<u16>(a), 2);
                    body.insert(body.end(), {3, 0xff, 0xff, 0xff});
                }
                return finish(body, slrt::tpm_st_no_sessions, 0);
            }
            case slrt::tpm_cc_pcr_read: {
                const u32 count = get_be(cmd, 10, 4);
                std::size_t at = 14;
                bytes_t sel, digests;
                u32 nsel = 0, ndig = 0;
                for (u32 i = 0; i < count; ++i) {
                    const auto alg = static_cast<hash_alg>(get_be(cmd, at, 2));
                    const u32 size = cmd.at(at + 2);
                    u32 bits = 0;
                    for (u32 k = 0; k < size; ++k) bits |= u32{cmd.at(at + 3 + k)} << (8 * k);
                    at += 3 + size;
                    int b = alg == hash_alg::sha1 ? 0 : alg == hash_alg::sha256 ? 1 : -1;
                    u32 taken = 0;
                    if (b >= 0)
                        for (u32 p = 0; p < 24 && ndig < 8; ++p)
                            if ((bits >> p) & 1u) {
                                taken |= 1u << p;
                                const digest& d = pcrs[b][p];
                                put_be(digests, d.size(), 2);
                                digests.insert(digests.end(), d.bytes, d.bytes + d.size());
                                ++ndig;
                            }
                    if (taken) {
                        put_be(sel, static_cast<u16>(alg), 2);
                        sel.insert(sel.end(), {3, static_cast<u8>(taken), static_cast<u8>(taken >> 8),
                                               static_cast<u8>(taken >> 16)});
                        ++nsel;
                    }
                }
                bytes_t body;
                put_be(body, update_counter, 4);
                put_be(body, nsel, 4);
                body.insert(body.end(), sel.begin(), sel.end());
                put_be(body, ndig, 4);
                body.insert(body.end(), digests.begin(), digests.end());
                return finish(body, slrt::tpm_st_no_sessions, 0);
            }
            case slrt::tpm_cc_pcr_extend: {
                const u32 pcr = get_be(cmd, 10, 4);
                const u32 auth = get_be(cmd, 14, 4);
                std::size_t at = 18 + auth;
                if (pcr >= 17 && pcr <= 22 && locality < 2) return finish({}, slrt::tpm_st_no_sessions, slrt::tpm_rc_locality);
                const u32 count = get_be(cmd, at, 4);
                at += 4;
                for (u32 i = 0; i < count; ++i) {
                    const auto alg = static_cast<hash_alg>(get_be(cmd, at, 2));
                    digest m{};
                    m.alg = alg;
                    std::memcpy(m.bytes, cmd.data() + at + 2, m.size());
                    at += 2 + m.size();
                    const int b = alg == hash_alg::sha1 ? 0 : alg == hash_alg::sha256 ? 1 : -1;
                    if (b >= 0) pcrs[b][pcr] = slrt::extend_pcr(pcrs[b][pcr], m);
                }
                ++update_counter;
                bytes_t body;
                put_be(body, 0, 4);      // parameterSize
                put_be(body, 0, 2);      // nonceTPM
                body.push_back(1);       // continueSession
                put_be(body, 0, 2);      // hmac
                return finish(body, slrt::tpm_st_sessions, 0);
            }
            default: return finish({}, slrt::tpm_st_no_sessions, 0x143);  // TPM_RC_COMMAND_CODE
        }
    }
};

// ---------------------------------------------------------------------------------------------
// A platform whose only device is a TPM; everything else is inert.

struct platform_base {
    u64 pauses = 0;
    cpu_registers cpuid(u32, u32) { return {}; }
    u64 read_msr(u32) { return 0; }
    void write_msr(u32, u64) {}
    u64 read_cr0() { return 0; }
    void write_cr0(u64) {}
    u64 read_cr4() { return 0; }
    void write_cr4(u64) {}
    u8 io_read8(u16) { return 0xff; }
    void io_write8(u16, u8) {}
    u32 io_read32(u16) { return ~0u; }
    void io_write32(u16, u32) {}
    status read(u64, mutable_byte_view) const { return success; }
    status write(u64, byte_view) { return success; }
    void wbinvd() {}
    void flush_tlb() {}
    bool disable_interrupts() { return false; }
    void enable_interrupts() {}
    void pause() { ++pauses; }
    status park_aps(ap_method) { return success; }
    cpu_registers getsec(u32, u32, u32, u32) { return {}; }
    status senter(u32, u32) { return success; }
    status skinit(u32) { return success; }
};

// The FIFO interface, modelled on the PTP state machine (idle, ready, reception, execution,
// completion) with one active locality at a time.
class fake_tis : public platform_base {
public:
    tpm_model tpm;
    // Fault switches.
    bool absent = false;             // nothing decodes the window: reads all ones
    u32 interface_id = 0x00002100;   // FIFO, CapLocality, CapFIFO
    u8 undecoded = 0;                // bit n: locality n's page reads 0xFF
    bool never_grant = false;
    bool never_release = false;
    bool never_ready = false;
    bool burst_zero = false;
    u32 burst_limit = 0x40;          // burstCount while sending or receiving
    bool stop_expecting_early = false;
    bool never_complete = false;
    u32 exec_polls = 3;              // STS reads before the response is available
    int response_extra = 0;          // response bytes beyond responseSize (dataAvail stays set)
    int response_size_override = -1; // the responseSize written in the header
    std::map<u64, int> reads, writes;

    u8 mmio_read8(u64 a) { return static_cast<u8>(reg_read(a, 1)); }
    u32 mmio_read32(u64 a) { return static_cast<u32>(reg_read(a, 4)); }
    u64 mmio_read64(u64 a) { return reg_read(a, 4) | (reg_read(a + 4, 4) << 32); }
    void mmio_write8(u64 a, u8 v) { reg_write(a, v, 1); }
    void mmio_write32(u64 a, u32 v) { reg_write(a, v, 4); }
    void mmio_write64(u64 a, u64 v) {
        reg_write(a, static_cast<u32>(v), 4);
        reg_write(a + 4, static_cast<u32>(v >> 32), 4);
    }

    u8 active = no_locality_value;
    static constexpr u8 no_locality_value = 0xff;
    bool request[5]{};

    enum class state { idle, ready, reception, execution, completion } st = state::idle;
    bytes_t in, out, last_cmd;
    std::size_t out_at = 0;
    u32 polls_left = 0;
    u8 cmd_locality = 0;

private:
    u64 reg_read(u64 a, int width) {
        ++reads[a];
        if (absent || a < tpm::tpm_base || a >= tpm::tpm_base + 0x5000) return width == 1 ? 0xff : 0xffffffffu;
        const u8 l = static_cast<u8>((a - tpm::tpm_base) >> 12);
        const u32 off = static_cast<u32>(a & 0xfff);
        if ((undecoded >> l) & 1u) return width == 1 ? 0xff : 0xffffffffu;
        switch (off) {
            case tpm::tis_reg::access: {
                u32 v = 0x80 | 0x01;  // valid, not established
                if (active == l) v |= 0x20;
                if (request[l]) v |= 0x02;
                for (u8 k = 0; k < 5; ++k)
                    if (k != l && request[k]) v |= 0x04;
                return v;
            }
            case tpm::tis_reg::sts: return sts(l);
            case tpm::tis_reg::data_fifo: {
                if (active != l || st != state::completion) return 0xff;
                return out_at < out.size() ? out[out_at++] : 0xff;
            }
            case tpm::tis_reg::interface_id: return interface_id;
            case tpm::tis_reg::did_vid: return 0x00011014;
            default: return 0;
        }
    }
    u32 sts(u8 l) {
        if (active != l) return 0;  // not the active locality: reads 0
        u32 s = 1u << 26;                          // TPM 2.0 family
        switch (st) {
            case state::idle: break;
            case state::ready:
                if (!never_ready) s |= 0x40;
                s |= 0x80;
                break;
            case state::reception: {
                s |= 0x80;
                const std::size_t want = in.size() >= 6 ? get_be(in, 2, 4) : 10;
                if (in.size() < want && !(stop_expecting_early && in.size() >= 1)) s |= 0x08;
                break;
            }
            case state::execution:
                s |= 0x80;
                if (!never_complete && polls_left-- == 0) {
                    st = state::completion;
                    return sts(l);
                }
                return s;  // burstCount 0 while executing
            case state::completion:
                s |= 0x80;
                if (out_at < out.size()) s |= 0x10;
                break;
        }
        u32 burst = burst_zero ? 0 : burst_limit;
        if (st == state::completion) burst = burst_zero ? 0 : std::min<u32>(burst_limit, static_cast<u32>(out.size() - out_at));
        return s | (burst << 8);
    }
    void reg_write(u64 a, u32 v, int width) {
        ++writes[a];
        if (absent || a < tpm::tpm_base || a >= tpm::tpm_base + 0x5000) return;
        const u8 l = static_cast<u8>((a - tpm::tpm_base) >> 12);
        const u32 off = static_cast<u32>(a & 0xfff);
        if ((undecoded >> l) & 1u) return;
        switch (off) {
            case tpm::tis_reg::access:
                if (v & 0x20) {  // relinquish, or withdraw a request
                    if (active == l) {
                        if (never_release) break;
                        active = no_locality_value;
                        st = state::idle;
                        for (int k = 4; k >= 0; --k)
                            if (request[k]) {
                                active = static_cast<u8>(k);
                                request[k] = false;
                                break;
                            }
                    } else {
                        request[l] = false;
                    }
                }
                if ((v & 0x02) && active != l && !never_grant) {
                    if (active == no_locality_value) active = l;
                    else request[l] = true;
                }
                break;
            case tpm::tis_reg::sts:
                if (active != l) break;
                if (v & 0x40) {
                    in.clear();
                    out.clear();
                    out_at = 0;
                    st = state::ready;
                } else if ((v & 0x20) && st == state::reception && !(sts(l) & 0x08)) {
                    st = state::execution;
                    cmd_locality = l;
                    last_cmd = in;
                    out = tpm.answer(l, in);
                    if (response_size_override >= 0) {
                        const auto s = static_cast<u32>(response_size_override);
                        for (int i = 0; i < 4; ++i) out[2 + static_cast<std::size_t>(i)] = static_cast<u8>(s >> (24 - 8 * i));
                    }
                    for (int i = 0; i < response_extra; ++i) out.push_back(0xee);
                    out_at = 0;
                    polls_left = exec_polls;
                }
                break;
            case tpm::tis_reg::data_fifo:
                if (active != l) break;
                if (st == state::ready) st = state::reception;
                if (st == state::reception)
                    for (int i = 0; i < width; ++i) in.push_back(static_cast<u8>(v >> (8 * i)));
                break;
            default: break;
        }
    }
};

static_assert(platform<fake_tis>);
static_assert(tpm::tpm_interface<tpm::tis<fake_tis>>);
static_assert(tpm::tpm_interface<tpm::crb<fake_tis>>);

// The CRB interface: one register page per locality, the buffers in locality 0's data buffer.
class fake_crb : public platform_base {
public:
    tpm_model tpm;
    // false: locality 0 only, as QEMU's tpm-crb (7.2): CapLocality 0, and only locality 0's page
    // decoded (the others read 0 and drop writes).
    bool all_localities = true;
    bool fatal = false;
    bool cmd_ready_stuck = false;
    bool start_stuck = false;
    bool no_cmd_buffer = false;
    u32 rsp_size = 0xf80;
    u32 cmd_size = 0xf80;
    u8 assigned = 0xff;
    u32 start = 0;
    bool idle = true;
    u8 buffer[0xf80]{};

    static constexpr u64 data = tpm::tpm_base + tpm::crb_reg::data_buffer;

    u8 mmio_read8(u64 a) {
        if (a >= data && a < data + sizeof buffer) return buffer[a - data];
        return static_cast<u8>(reg_read(a));
    }
    u32 mmio_read32(u64 a) { return reg_read(a); }
    u64 mmio_read64(u64 a) { return reg_read(a) | (u64{reg_read(a + 4)} << 32); }
    void mmio_write8(u64 a, u8 v) {
        if (a >= data && a < data + sizeof buffer) buffer[a - data] = v;
    }
    void mmio_write32(u64 a, u32 v) { reg_write(a, v); }
    void mmio_write64(u64 a, u64 v) {
        reg_write(a, static_cast<u32>(v));
        reg_write(a + 4, static_cast<u32>(v >> 32));
    }

private:
    u32 reg_read(u64 a) {
        if (a < tpm::tpm_base || a >= tpm::tpm_base + 0x5000) return ~0u;
        const u8 l = static_cast<u8>((a - tpm::tpm_base) >> 12);
        if (l != 0 && !all_localities) return 0;
        switch (static_cast<u32>(a & 0xfff)) {
            case tpm::crb_reg::loc_state:
                return 0x80 | 0x01 | (assigned != 0xff ? 0x02u | (u32{assigned} << 2) : 0u);
            case tpm::crb_reg::loc_sts: return assigned == l ? 1u : 0u;
            // CRB, CapLocality, CapCRB; QEMU: CRB, version 1, CapDataXferSizeSupport 3, CapCRB,
            // InterfaceSelector CRB, CapLocality 0.
            case tpm::crb_reg::intf_id: return all_localities ? 0x00004111u : 0x00025811u;
            case tpm::crb_reg::intf_id + 4: return all_localities ? 0x00011014u : 0x00001014u;
            case tpm::crb_reg::ctrl_req: return cmd_ready_stuck ? 1u : 0u;
            case tpm::crb_reg::ctrl_sts: return (fatal ? 1u : 0u) | (idle ? 2u : 0u);
            case tpm::crb_reg::ctrl_start: return start_stuck ? start : 0u;
            case tpm::crb_reg::cmd_size: return cmd_size;
            case tpm::crb_reg::cmd_laddr: return no_cmd_buffer ? 0u : static_cast<u32>(data);
            case tpm::crb_reg::cmd_haddr: return 0;
            case tpm::crb_reg::rsp_size: return rsp_size;
            case tpm::crb_reg::rsp_addr: return static_cast<u32>(data);
            case tpm::crb_reg::rsp_addr + 4: return 0;
            default: return 0;
        }
    }
    void reg_write(u64 a, u32 v) {
        if (a < tpm::tpm_base || a >= tpm::tpm_base + 0x5000) return;
        const u8 l = static_cast<u8>((a - tpm::tpm_base) >> 12);
        if (l != 0 && !all_localities) return;
        switch (static_cast<u32>(a & 0xfff)) {
            case tpm::crb_reg::loc_ctrl:
                if ((v & 1u) && assigned == 0xff) assigned = l;
                if ((v & 2u) && assigned == l) assigned = 0xff;
                break;
            case tpm::crb_reg::ctrl_req:
                if (v & 1u) idle = cmd_ready_stuck;
                if (v & 2u) idle = true;
                break;
            case tpm::crb_reg::ctrl_start:
                if (!(v & 1u)) break;
                start = 1;
                if (!start_stuck) {
                    const u32 size = static_cast<u32>(buffer[2]) << 24 | static_cast<u32>(buffer[3]) << 16 |
                                     static_cast<u32>(buffer[4]) << 8 | buffer[5];
                    const bytes_t r = tpm.answer(l, bytes_t(buffer, buffer + std::min<u32>(size, sizeof buffer)));
                    std::memcpy(buffer, r.data(), r.size());
                    start = 0;
                }
                break;
            default: break;
        }
    }
};

static_assert(platform<fake_crb>);

constexpr u32 small_budget = 64;

bytes_t encode(result<u32> (*enc)(mutable_byte_view)) {
    u8 buf[64];
    const result<u32> n = enc(mutable_byte_view(buf, sizeof buf));
    REQUIRE(n);
    return bytes_t(buf, buf + *n);
}
result<u32> caps(mutable_byte_view out) { return slrt::tpm2_encode_get_capability_pcrs(out); }
result<u32> startup(mutable_byte_view out) { return slrt::tpm2_encode_startup(out); }

std::string rule(const error& e) { return e.rule; }

digest sha256_of(const char* text) {
    return slrt::hash(hash_alg::sha256, byte_view(reinterpret_cast<const u8*>(text), std::strlen(text)));
}

// Compile-time checks of the register descriptions and the command checks.
static_assert(tpm::locality_base(tpm::tpm_base, 2) == 0xFED42000);
static_assert(tpm::interface_id_field::interface_type.get(0x00002100) == 0);
static_assert(tpm::interface_id_field::cap_locality.test(0x00002100));
static_assert(tpm::access_field::active_locality.mask() == 0x20 && tpm::access_field::request_use.mask() == 0x02);
static_assert(tpm::sts_field::burst_count.get(0x0001234f0) == 0x1234);
static_assert(tpm::access_info.reserved_mask() == 0x40);
static_assert(tpm::loc_state_field::active_locality.get(0x8a) == 2);
constexpr u8 good_cmd[12] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0};
static_assert(tpm::detail::check_command(byte_view(good_cmd)).ok());
static_assert(tpm::detail::check_command(byte_view(good_cmd, 11)).err().offset == 2);
static_assert(tpm::detail::check_command(byte_view(good_cmd, 9)).err().code == errc::bad_argument);
#if SLRT_TEST_X86
static_assert(x86::init_all_excluding_self == 0x000C4500);
static_assert(platform<x86::platform>);
#endif

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("tpm detect: FIFO, TIS 1.3, CRB, nothing, unknown", "[tpm_interface]") {
    fake_tis f;
    result<tpm::interface_info> i = tpm::detect(f);
    REQUIRE(i);
    CHECK(i->type == tpm::interface_type::fifo);
    CHECK(i->five_localities);
    CHECK(i->vendor_device == 0x00011014);
    CHECK(std::string(tpm::name(i->type)) == "FIFO");

    f.interface_id = 0xffffffff;  // no TPM_INTERFACE_ID: TIS 1.3
    i = tpm::detect(f);
    REQUIRE(i);
    CHECK(i->type == tpm::interface_type::tis13);
    CHECK(i->five_localities);

    f.interface_id = 0x00000005;
    i = tpm::detect(f);
    REQUIRE_FALSE(i);
    CHECK(rule(i.err()) == "TPM-I3");
    CHECK(i.err().code == errc::platform_mismatch);
    CHECK(i.err().offset == 0x30);

    f.absent = true;
    i = tpm::detect(f);
    REQUIRE_FALSE(i);
    CHECK(rule(i.err()) == "TPM-I2");
    CHECK(i.err().code == errc::not_found);
    CHECK(i.err().offset == 0xF00);

    fake_crb c;
    i = tpm::detect(c);
    REQUIRE(i);
    CHECK(i->type == tpm::interface_type::crb);
    CHECK(i->vendor_device == 0x00011014);
    CHECK(i->five_localities);
}

TEST_CASE("tis: request, relinquish, active locality", "[tpm_interface]") {
    fake_tis f;
    tpm::tis<fake_tis> t(f, tpm::tpm_base, small_budget);
    CHECK(t.active_locality() == tpm::no_locality);
    REQUIRE(t.request_locality(2));
    CHECK(t.is_active(2));
    CHECK(t.active_locality() == 2);
    REQUIRE(t.request_locality(2));  // already active: nothing to do
    CHECK(f.writes[tpm::tpm_base + 0x2000] == 1);
    REQUIRE(t.relinquish_locality(2));
    CHECK(t.active_locality() == tpm::no_locality);
    REQUIRE(t.relinquish_locality(3));  // not active: fine

    // Boundaries: 4 is a locality, 5 is not.
    CHECK(t.request_locality(4));
    REQUIRE(t.relinquish_locality(4));
    status s = t.request_locality(5);
    REQUIRE_FALSE(s);
    CHECK(rule(s.err()) == "TPM-I1");
    CHECK(s.err().code == errc::bad_argument);
    CHECK(s.err().value == 5);
    s = t.relinquish_locality(255);
    CHECK(rule(s.err()) == "TPM-I1");
    CHECK_FALSE(t.is_active(7));
}

TEST_CASE("tis: a page that reads 0xFF is not an active locality (TPM-I2)", "[tpm_interface]") {
    fake_tis f;
    f.undecoded = 1u << 2;  // locality 2 closed by the chipset (TXT before SENTER)
    tpm::tis<fake_tis> t(f, tpm::tpm_base, small_budget);
    CHECK(t.access(2) == 0xff);
    CHECK_FALSE(t.is_active(2));
    CHECK(t.active_locality() == tpm::no_locality);
    const status s = t.request_locality(2);
    REQUIRE_FALSE(s);
    CHECK(rule(s.err()) == "TPM-I2");
    CHECK(s.err().code == errc::not_found);
    CHECK(s.err().entry_index == 2);
    CHECK(s.err().value == 0xff);
    CHECK(t.relinquish_locality(2));
    CHECK(t.close_all());
}

TEST_CASE("tis: locality never granted (TPM-I4), never released (TPM-I5)", "[tpm_interface]") {
    fake_tis f;
    f.never_grant = true;
    tpm::tis<fake_tis> t(f, tpm::tpm_base, small_budget);
    const status s = t.request_locality(1);
    REQUIRE_FALSE(s);
    CHECK(rule(s.err()) == "TPM-I4");
    CHECK(s.err().code == errc::tpm_error);
    CHECK(s.err().limit == small_budget);
    CHECK(s.err().value == 0x81);  // valid, not established, not active
    CHECK(f.pauses == small_budget);

    fake_tis g;
    tpm::tis<fake_tis> u(g, tpm::tpm_base, small_budget);
    REQUIRE(u.request_locality(0));
    g.never_release = true;
    status r = u.relinquish_locality(0);
    REQUIRE_FALSE(r);
    CHECK(rule(r.err()) == "TPM-I5");
    CHECK(r.err().entry_index == 0);
    r = u.close_all();
    REQUIRE_FALSE(r);
    CHECK(rule(r.err()) == "TPM-I5");
}

TEST_CASE("tis: close_all withdraws requests before it relinquishes", "[tpm_interface]") {
    fake_tis f;
    tpm::tis<fake_tis> t(f, tpm::tpm_base, small_budget);
    REQUIRE(t.request_locality(0));
    // Locality 3 asks while 0 is active: its request stays pending.
    f.mmio_write8(tpm::tpm_base + 0x3000, 0x02);
    CHECK((t.access(3) & 0x02) != 0);
    CHECK((t.access(0) & 0x04) != 0);  // pendingRequest seen from locality 0
    REQUIRE(t.close_all());
    CHECK(t.active_locality() == tpm::no_locality);  // 3 was not handed the TPM
    for (u8 l = 0; l < 5; ++l) CHECK((t.access(l) & 0x22) == 0);
    CHECK(t.close_all());  // nothing active: still fine
}

TEST_CASE("tis + transport: Startup, GetCapability, PCR_Read, PCR_Extend by locality", "[tpm_interface]") {
    fake_tis f;
    tpm::tis<fake_tis> t(f);
    REQUIRE(t.close_all());
    REQUIRE(t.request_locality(0));
    tpm::transport tr(t, 0);
    REQUIRE(tr.startup());
    REQUIRE(tr.startup());  // TPM_RC_INITIALIZE accepted
    const status again = tr.startup(slrt::tpm_su_clear, false);
    REQUIRE_FALSE(again);
    CHECK(rule(again.err()) == "TPM-6");
    CHECK(again.err().value == slrt::tpm_rc_initialize);

    const result<slrt::tpm2_pcr_allocation> alloc = tr.get_capability_pcrs();
    REQUIRE(alloc);
    hash_alg active[4]{};
    REQUIRE(alloc->active_banks(active, 4) == 2);
    CHECK(active[1] == hash_alg::sha256);

    result<digest> pcr18 = tr.read_pcr(hash_alg::sha256, 18);
    REQUIRE(pcr18);
    CHECK(*pcr18 == slrt::pcr_start_value(hash_alg::sha256, 18, slrt::pcr_start::pre_launch));

    // Locality 0 may not extend PCR 18.
    const digest m = sha256_of("slrt");
    status s = tr.pcr_extend(18, &m, 1);
    REQUIRE_FALSE(s);
    CHECK(rule(s.err()) == "TPM-6");
    CHECK(s.err().value == slrt::tpm_rc_locality);

    // Locality 2 may.
    REQUIRE(t.relinquish_locality(0));
    REQUIRE(t.request_locality(2));
    tr.set_locality(2);
    REQUIRE(tr.pcr_extend(18, &m, 1));
    pcr18 = tr.read_pcr(hash_alg::sha256, 18);
    REQUIRE(pcr18);
    CHECK(*pcr18 == slrt::extend_pcr(slrt::pcr_start_value(hash_alg::sha256, 18, slrt::pcr_start::pre_launch), m));
    CHECK(f.tpm.localities_seen.back() == 2);

    // A bank the TPM does not have: TPM-I17.
    const result<digest> none = tr.read_pcr(hash_alg::sha384, 18);
    REQUIRE_FALSE(none);
    CHECK(rule(none.err()) == "TPM-I17");
    CHECK(none.err().code == errc::not_found);
    CHECK(rule(tr.read_pcr(hash_alg::sha256, 24).err()) == "TPM-2");

    // An unknown command comes back as a TPM error response, read in full.
    const u8 unknown[10] = {0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x09, 0x99};
    const result<byte_view> raw = tr.command(byte_view(unknown));
    REQUIRE(raw);
    CHECK(raw->size() == 10);
    CHECK(slrt::load_be(*raw, 6, 4) == 0x143);
}

TEST_CASE("tis: small bursts, a command at an inactive locality, malformed commands", "[tpm_interface]") {
    fake_tis f;
    f.burst_limit = 3;
    tpm::tis<fake_tis> t(f, tpm::tpm_base, small_budget);
    const bytes_t cmd = encode(caps);
    u8 rsp[256];
    result<u32> n = t.transmit(0, byte_view(cmd.data(), cmd.size()), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE_FALSE(n);
    CHECK(rule(n.err()) == "TPM-I13");
    CHECK(n.err().code == errc::launch_requirement);

    REQUIRE(t.request_locality(0));
    n = t.transmit(0, byte_view(cmd.data(), cmd.size()), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE(n);
    CHECK(slrt::tpm2_decode_get_capability_pcrs(byte_view(rsp, *n)));
    CHECK(f.last_cmd == cmd);
    CHECK(f.st == fake_tis::state::ready);  // commandReady written after the response

    n = t.transmit(0, byte_view(cmd.data(), 9), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE_FALSE(n);
    CHECK(rule(n.err()) == "TPM-I10");
    CHECK(n.err().value == 9);
    bytes_t longer = cmd;
    longer.push_back(0);
    n = t.transmit(0, byte_view(longer.data(), longer.size()), mutable_byte_view(rsp, sizeof rsp));
    REQUIRE_FALSE(n);
    CHECK(rule(n.err()) == "TPM-I10");
    CHECK(n.err().offset == 2);
    CHECK(n.err().value == cmd.size());
    CHECK(rule(t.transmit(9, byte_view(cmd.data(), cmd.size()), mutable_byte_view(rsp, sizeof rsp)).err()) == "TPM-I1");
    CHECK(rule(t.receive(9, mutable_byte_view(rsp, sizeof rsp)).err()) == "TPM-I1");
    CHECK(rule(t.burst_count(9).err()) == "TPM-I1");
}

TEST_CASE("tis: each stage's timeout and protocol rule", "[tpm_interface]") {
    const bytes_t cmd = encode(startup);
    u8 rsp[256];
    auto run = [&](fake_tis& f, std::size_t capacity = sizeof rsp) {
        tpm::tis<fake_tis> t(f, tpm::tpm_base, small_budget);
        REQUIRE(t.request_locality(0));
        return t.transmit(0, byte_view(cmd.data(), cmd.size()), mutable_byte_view(rsp, capacity));
    };
    {
        fake_tis f;
        f.never_ready = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I6");
        CHECK(n.err().code == errc::tpm_error);
    }
    {
        fake_tis f;
        f.burst_zero = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I7");
        CHECK(n.err().limit == small_budget);
    }
    {
        fake_tis f;
        f.stop_expecting_early = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I8");
        CHECK(std::string(n.err().field) == "TPM_STS.Expect");
    }
    {
        fake_tis f;
        f.never_complete = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I9");
        CHECK(f.st == fake_tis::state::ready);  // aborted with commandReady
    }
    {
        fake_tis f;
        f.exec_polls = small_budget / 2;  // slow, but inside the budget
        CHECK(run(f));
    }
    {
        fake_tis f;
        f.response_extra = 2;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I12");
        CHECK(n.err().code == errc::trailing_bytes);
    }
    {
        fake_tis f;
        f.response_size_override = 9;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I11");
        CHECK(n.err().code == errc::size_too_small);
    }
    {
        fake_tis f;
        f.response_size_override = 300;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I11");
        CHECK(n.err().code == errc::buffer_too_small);
        CHECK(n.err().value == 300);
    }
    {
        fake_tis f;
        const result<u32> n = run(f, 9);
        CHECK(rule(n.err()) == "TPM-I11");
        CHECK(n.err().value == 9);
    }
    {
        fake_tis f;
        const result<u32> n = run(f, 10);  // exactly the 10-byte Startup response
        REQUIRE(n);
        CHECK(*n == 10);
    }
}

TEST_CASE("crb: localities, commands, and each rule", "[tpm_interface]") {
    fake_crb c;
    tpm::crb<fake_crb> t(c, tpm::tpm_base, small_budget);
    CHECK(t.active_locality() == tpm::no_locality);
    REQUIRE(t.request_locality(2));
    CHECK(t.active_locality() == 2);
    tpm::transport tr(t, 2);
    REQUIRE(tr.startup());
    const digest m = sha256_of("crb");
    REQUIRE(tr.pcr_extend(17, &m, 1));
    const result<digest> v = tr.read_pcr(hash_alg::sha256, 17);
    REQUIRE(v);
    CHECK(*v == slrt::extend_pcr(slrt::pcr_start_value(hash_alg::sha256, 17, slrt::pcr_start::pre_launch), m));
    const result<tpm::crb_buffers> b = t.buffers(2);
    REQUIRE(b);
    CHECK(b->cmd_addr == fake_crb::data);
    CHECK(b->rsp_size == 0xf80);
    CHECK(c.idle);  // goIdle after the response

    // Another locality while 2 is assigned: not granted.
    status s = t.request_locality(1);
    CHECK(rule(s.err()) == "TPM-I4");
    REQUIRE(t.close_all());
    CHECK(t.active_locality() == tpm::no_locality);
    CHECK(t.close_all());
    CHECK(rule(t.request_locality(5).err()) == "TPM-I1");

    // QEMU's tpm-crb: locality 0 only. CapLocality 0 refuses the others without polling.
    fake_crb q;
    q.all_localities = false;
    tpm::crb<fake_crb> tq(q, tpm::tpm_base, small_budget);
    CHECK_FALSE(tq.five_localities());
    CHECK(t.five_localities());
    const tpm::interface_info qi = *tpm::detect(q);
    CHECK(qi.type == tpm::interface_type::crb);
    CHECK_FALSE(qi.five_localities);
    for (u8 l = 1; l < tpm::locality_count; ++l) {
        const status refused = tq.request_locality(l);
        REQUIRE_FALSE(refused);
        CHECK(rule(refused.err()) == "TPM-I2");
        CHECK(refused.err().code == errc::not_found);
        CHECK(refused.err().value == 0x00025811);
    }
    CHECK(q.pauses == 0);
    CHECK(tq.active_locality() == tpm::no_locality);
    REQUIRE(tq.request_locality(0));
    tpm::transport trq(tq, 2);
    CHECK(rule(trq.startup().err()) == "TPM-I13");
    // At locality 0: PCR 16 (debug) extends, PCR 18 is refused.
    trq.set_locality(0);
    REQUIRE(trq.startup());
    REQUIRE(trq.pcr_extend(16, &m, 1));
    const result<digest> v16 = trq.read_pcr(hash_alg::sha256, 16);
    REQUIRE(v16);
    CHECK(*v16 == slrt::extend_pcr(slrt::pcr_start_value(hash_alg::sha256, 16, slrt::pcr_start::pre_launch), m));
    const status refused18 = trq.pcr_extend(18, &m, 1);
    REQUIRE_FALSE(refused18);
    CHECK(refused18.err().value == slrt::tpm_rc_locality);
    CHECK(q.tpm.localities_seen == std::vector<u8>(q.tpm.localities_seen.size(), 0));
    REQUIRE(tq.close_all());
    CHECK(tq.active_locality() == tpm::no_locality);

    const bytes_t start_cmd = encode(startup);
    const bytes_t caps_cmd = encode(caps);
    u8 rsp[64];
    auto run = [&](fake_crb& f, std::size_t capacity = sizeof rsp, const bytes_t* cmd = nullptr) {
        if (!cmd) cmd = &start_cmd;
        tpm::crb<fake_crb> d(f, tpm::tpm_base, small_budget);
        REQUIRE(d.request_locality(0));
        return d.transmit(0, byte_view(cmd->data(), cmd->size()), mutable_byte_view(rsp, capacity));
    };
    {
        fake_crb f;
        f.fatal = true;
        CHECK(rule(run(f).err()) == "TPM-I15");
    }
    {
        fake_crb f;
        f.cmd_ready_stuck = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I14");
        CHECK(n.err().offset == tpm::crb_reg::ctrl_req);
    }
    {
        fake_crb f;
        f.start_stuck = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I9");
        CHECK(n.err().code == errc::tpm_error);
    }
    {
        fake_crb f;
        f.no_cmd_buffer = true;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I16");
        CHECK(n.err().code == errc::out_of_bounds);
    }
    {
        fake_crb f;
        f.cmd_size = 11;
        const result<u32> n = run(f);
        CHECK(rule(n.err()) == "TPM-I10");
        CHECK(n.err().code == errc::buffer_too_small);
    }
    {
        fake_crb f;
        f.rsp_size = 20;  // the GetCapability response is longer
        const result<u32> n = run(f, sizeof rsp, &caps_cmd);
        CHECK(rule(n.err()) == "TPM-I11");
        CHECK(n.err().code == errc::out_of_bounds);
    }
    {
        fake_crb f;
        CHECK(rule(run(f, 4).err()) == "TPM-I11");
        fake_crb g;
        REQUIRE(run(g));
    }
}

#if SLRT_TEST_X86
TEST_CASE("x86 platform: the parts that run unprivileged", "[tpm_interface]") {
    x86::platform p;
    // CPUID leaf 0: the highest leaf and a vendor string.
    const cpu_registers r = p.cpuid(0, 0);
    CHECK(r.eax >= 1);
    CHECK((r.ebx | r.ecx | r.edx) != 0);
    p.pause();
    // Memory through the identity "mapping" (here: the process's own addresses).
    u8 src[16], dst[16]{};
    for (u8 i = 0; i < 16; ++i) src[i] = static_cast<u8>(i * 3);
    REQUIRE(p.read(reinterpret_cast<std::uintptr_t>(src), mutable_byte_view(dst, 16)));
    CHECK(std::memcmp(src, dst, 16) == 0);
    u8 back[4] = {9, 8, 7, 6};
    REQUIRE(p.write(reinterpret_cast<std::uintptr_t>(dst), byte_view(back, 4)));
    CHECK(dst[0] == 9);
    CHECK(dst[3] == 6);
    // A loader hook parks the APs.
    struct counter {
        int calls = 0;
    } c;
    x86::platform hooked({[](void* ctx) -> status {
                              ++static_cast<counter*>(ctx)->calls;
                              return success;
                          },
                          &c});
    REQUIRE(hooked.park_aps(ap_method::loader_hook));
    CHECK(c.calls == 1);
    CHECK(p.park_aps(ap_method::loader_hook));  // no hook: APs were never started
    CHECK(rule(p.park_aps(static_cast<ap_method>(7)).err()) == "X86-5");
}
#endif
