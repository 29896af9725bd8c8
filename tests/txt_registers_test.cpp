// TXT configuration registers (dlh/txt/registers.hpp): the register table and its field layouts,
// lookups, DPR decoding, fusing, check_registers rule by rule, dump keys and values, the printer,
// and the register dumps in spec/vectors/txt/regs/.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "dlh/txt/registers.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;

namespace {

constexpr bool same(const char* a, const char* b) {
    for (; *a && *a == *b; ++a, ++b) {
    }
    return *a == *b;
}

constexpr std::size_t length(const char* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return n;
}

// The fields of `info` cover every bit of its width exactly once, in ascending order.
constexpr bool fields_tile(const register_info& info) {
    u64 covered = 0;
    u32 next = 0;
    for (const bit_field& f : info) {
        if (f.width == 0 || f.lsb != next) return false;
        if ((covered & f.mask()) != 0) return false;
        covered |= f.mask();
        next = static_cast<u32>(f.lsb + f.width);
    }
    return next == info.bits;
}

// A healthy launched platform (the values of spec/vectors/txt/regs/healthy_post_launch.json).
constexpr register_snapshot healthy() {
    register_snapshot s;
    s.set(config_reg::sts, 0x180C1);
    s.set(config_reg::ests, 0);
    s.set(config_reg::errorcode, 0xC0000001);
    s.set(config_reg::ver_fsbif, 0xFFFFFFFF);
    s.set(config_reg::ver_qpiif, 0x80000000);
    s.set(config_reg::didvid, 0x00000001B0038086);
    s.set(config_reg::sinit_base, 0x77E00000);
    s.set(config_reg::sinit_size, 0x40000);
    s.set(config_reg::mle_join, 0x8F000);
    s.set(config_reg::heap_base, 0x77F00000);
    s.set(config_reg::heap_size, 0xE0000);
    s.set(config_reg::dpr, 0x78000031);
    s.set(config_reg::e2sts, 0x6);
    return s;
}

constexpr register_snapshot with(register_snapshot s, u32 offset, u64 value) {
    s.set(offset, value);
    return s;
}

// The only finding of `s` is rule `rule` with this severity, errc and offset.
constexpr bool only(const register_snapshot& s, u32 rule, finding_severity sev, errc code, u32 offset) {
    const register_report r = check_registers(s);
    if (r.count != 1) return false;
    const register_finding& f = r.findings[0];
    return f.severity == sev && f.error.code == code && f.error.offset == offset && r.find_index(rule) == 0 &&
           r.checked(rule);
}

std::string print(const register_snapshot& s) {
    std::string out(snapshot_text_capacity, '\0');
    const std::size_t n = format_snapshot(s, check_registers(s), out.data(), out.size());
    REQUIRE(n < out.size() - 1);
    out.resize(n);
    return out;
}

std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

// ---- Compile-time tests -------------------------------------------------------------------------

// Address spaces.
static_assert(public_space_base - private_space_base == config_space_size);
static_assert(register_address(config_space::public_space, config_reg::errorcode) == 0xFED30030);
static_assert(register_address(config_space::private_space, config_reg::e2sts) == 0xFED208F0);
static_assert(tpm_locality_address(0) == 0xFED40000 && tpm_locality_address(2) == 0xFED42000);
static_assert(tpm_locality_address(4) == 0xFED44000 && tpm_locality_address(5) == 0);
static_assert(tpm_reserved_base + tpm_reserved_size == 0xFED80000);
static_assert(device_space_base + device_space_size == 0xFED50000);

// The table: ascending unique offsets, 8-byte aligned, inside the space; names start "TXT."; a
// layout exactly for the non-command registers, describing every bit once; the layout's name and
// offset are the table's.
static_assert(config_register_count == 32);
static_assert([] {
    for (std::size_t i = 0; i < config_register_count; ++i) {
        const config_register& r = config_registers[i];
        if (i && config_registers[i - 1].offset >= r.offset) return false;
        if ((r.offset & 7) != 0 || r.offset >= config_space_size) return false;
        if (r.name[0] != 'T' || r.name[1] != 'X' || r.name[2] != 'T' || r.name[3] != '.') return false;
        if (r.is_command() != (r.private_access == reg_access::wo)) return false;
        if (r.is_command()) {
            if (r.public_access != reg_access::none) return false;
            continue;
        }
        if (!same(r.info->name, r.name) || r.info->offset != r.offset || r.info->bits != 64) return false;
        if (!fields_tile(*r.info)) return false;
    }
    return true;
}());
static_assert(fields_tile(errorcode_processor_info) && fields_tile(errorcode_software_info));
// Nine command registers, write-only in the private space (SDG B.1.4-B.1.22).
static_assert([] {
    int n = 0;
    for (const config_register& r : config_registers) n += r.is_command() ? 1 : 0;
    return n == 9;
}());

// Field positions (SDG B.1).
static_assert(sts_info.reserved_mask() == ~u64{0x1 | 0x2 | 0x40 | 0x80 | 0x8000 | 0x10000});
static_assert(ests_info.reserved_mask() == ~u64{0x41});
static_assert(e2sts_info.reserved_mask() == ~u64{0x2});
static_assert(dpr_info.reserved_mask() == (0xFFFFFFFF'00000000u | 0x000FF00Eu));
static_assert(didvid_info.reserved_mask() == 0);
static_assert(ver_fsbif_info.reserved_mask() == ~u64{0x80000000});
static_assert(sinit_base_info.reserved_mask() == 0xFFFFFFFF'00000000u);
static_assert(errorcode_reg_info.reserved_mask() == 0xFFFFFFFF'00000000u);
static_assert(spad_info.reserved_mask() == ~u64{0xF8008000'C0000000u});
static_assert(sts_ftif_field::tpm_location.get(0x70000) == 7);

// Typed accessors.
static_assert(sts_reg{0x180C1}.senter_done() && !sts_reg{0x180C1}.sexit_done());
static_assert(sts_reg{0x180C1}.mem_config_lock() && sts_reg{0x180C1}.private_open());
static_assert(sts_reg{0x180C1}.locality1_open() && sts_reg{0x180C1}.locality2_open());
static_assert(ests_reg{1}.txt_reset() && ests_reg{0x40}.wake_error() && !ests_reg{0x40}.txt_reset());
static_assert(e2sts_reg{2}.secrets() && !e2sts_reg{4}.secrets());
static_assert(didvid_reg{0x0005'0001'B003'8086}.vendor_id() == 0x8086);
static_assert(didvid_reg{0x0005'0001'B003'8086}.device_id() == 0xB003);
static_assert(didvid_reg{0x0005'0001'B003'8086}.revision_id() == 1);
static_assert(didvid_reg{0x0005'0001'B003'8086}.id_ext() == 5);
static_assert(low32_reg{0x1'7700'0000}.value() == 0x77000000 && low32_reg{0x1'7700'0000}.upper_bits_set());
static_assert(errorcode_reg{0xC0000C91}.valid() && errorcode_reg{0xC0000C91}.external());
static_assert(errorcode_reg{0xC0000C91}.type() == 0xC91 && errorcode_reg{0xC0000C91}.decode().error_class == 9);
static_assert(ver_reg{0x80000000}.production_fused() && !ver_reg{0x7FFFFFFF}.production_fused());

// Lookups: names in any case, with or without "TXT.", Linux and tboot spellings, aliases, offsets.
static_assert(config_register_index("TXT.STS", 7) == 0);
static_assert(config_register_index("sts", 3) == 0);
static_assert(config_register_index("Txt_Cr_Sts", 10) == 0);
static_assert(config_register_index("TXTCR_STS", 9) == 0);
static_assert(config_registers[config_register_index("txt.ver.emif", 12)].offset == config_reg::ver_qpiif);
static_assert(config_registers[config_register_index("TXT_CR_CMD_CLOSE_PRIVATE", 24)].offset == 0x48);
static_assert(config_registers[config_register_index("TXT.PUBLIC.KEY", 14)].offset == 0x400);
static_assert(config_registers[config_register_index("public_key.3", 12)].offset == 0x418);
static_assert(config_registers[config_register_index("sts-ftif", 8)].offset == 0x800);
static_assert(config_register_index("TXT.FOO", 7) == config_register_count);
static_assert(config_register_index("TXT.", 4) == config_register_count);
static_assert(config_register_index("", 0) == config_register_count);
static_assert(config_register_index("TXT.STSX", 8) == config_register_count);
static_assert(config_register_index("TXT.ST", 6) == config_register_count);
static_assert(config_register_key_index("0x330", 5) == config_register_index(config_reg::dpr));
static_assert(config_register_key_index("0x000", 5) == 0);
static_assert(config_register_key_index("0x334", 5) == config_register_count);
static_assert(config_register_key_index("0x10000", 7) == config_register_count);
static_assert(config_register_key_index("0x", 2) == config_register_count);

// DPR: [TOP - SIZE MiB, TOP).
static_assert(dpr_reg{0x78000031}.locked() && dpr_reg{0x78000031}.size_mib() == 3);
static_assert(dpr_reg{0x78000031}.top() == 0x78000000);
static_assert(dpr_reg{0x78000031}.protected_range() == range{0x77D00000, 0x300000});
static_assert(*decode_dpr(0x78000031) == range{0x77D00000, 0x300000});
static_assert(*decode_dpr(0xFFF00FF0) == range{0xFFF00000 - 0xFF00000, 0xFF00000});
static_assert(decode_dpr(0x78000001).err().code == errc::not_found);
static_assert(same(decode_dpr(0x78000001).err().rule, "TXT-R15"));
static_assert(decode_dpr(0x00100020).err().code == errc::address_wrap);  // 2 MiB below a 1 MiB top
static_assert(same(decode_dpr(0x00100020).err().rule, "TXT-R16"));
static_assert(*decode_dpr(0x00100010) == range{0, 0x100000});  // exactly down to 0
static_assert(dpr_reg{0x00100020}.protected_range().empty());

// Fusing: FSBIF, else QPIIF when FSBIF bits 31:0 read 0 or all ones.
static_assert(chipset_fusing(0x80000000, false, 0) == fuse_reading{fuse_state::production, 0x100});
static_assert(chipset_fusing(0x00000001, false, 0) == fuse_reading{fuse_state::debug, 0x100});
static_assert(chipset_fusing(0xFFFFFFFF, true, 0x80000000) == fuse_reading{fuse_state::production, 0x200});
static_assert(chipset_fusing(0, true, 0x12345678) == fuse_reading{fuse_state::debug, 0x200});
static_assert(chipset_fusing(0xFFFFFFFF'00000000u, true, 0x80000000) == fuse_reading{fuse_state::production, 0x200});
static_assert(chipset_fusing(0xFFFFFFFF, true, 0xFFFFFFFF) == fuse_reading{});
static_assert(chipset_fusing(0, false, 0) == fuse_reading{});
static_assert(chipset_fusing(with(register_snapshot{}, config_reg::ver_qpiif, 0x80000000)).state ==
              fuse_state::production);

// Snapshots: command registers hold nothing; the public key round-trips.
static_assert([] {
    register_snapshot s;
    const bool refused = !s.set(config_reg::cmd_reset, 1) && !s.set(0x334, 1) && !s.has(config_reg::cmd_reset);
    const u8 key[public_key_size] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    s.set_public_key(key);
    u8 back[public_key_size]{};
    s.public_key(back);
    bool equal = s.has_public_key() && s.get(config_reg::public_key) == 0x0807060504030201u;
    for (std::size_t i = 0; i < public_key_size; ++i) equal = equal && back[i] == key[i];
    return refused && equal;
}());

// check_registers: a healthy launched platform has no finding, and every rule that applies was
// evaluated.
static_assert(check_registers(healthy()).count == 0);
static_assert(check_registers(healthy()).phase == launch_phase::after_launch);
static_assert(check_registers(healthy()).rules_checked == ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (0x7FFFu << 7)));
static_assert(check_registers(register_snapshot{}).count == 0);
static_assert(check_registers(register_snapshot{}).rules_checked == 0);
static_assert(check_registers(register_snapshot{}).phase == launch_phase::unknown);

// Every rule, violated alone, with its errc and the register offset.
static_assert(only(with(healthy(), config_reg::ests, 1), 1, finding_severity::failure, errc::launch_requirement, 0x8));
static_assert(only(with(healthy(), config_reg::errorcode, 0xC0000C91), 2, finding_severity::failure,
                   errc::launch_requirement, 0x30));
static_assert(only(with(healthy(), config_reg::errorcode, 0x40000000), 2, finding_severity::note,
                   errc::launch_requirement, 0x30));
static_assert(check_registers(with(healthy(), config_reg::errorcode, 0)).count == 0);  // cleared by the MLE
static_assert([] {
    register_snapshot s = with(healthy(), config_reg::sts, 0x180C0);  // SENTER.DONE clear
    s.phase = launch_phase::after_launch;
    return only(s, 3, finding_severity::failure, errc::launch_requirement, 0x0);
}());
static_assert(only(with(healthy(), config_reg::sts, 0x180C3), 4, finding_severity::failure, errc::launch_requirement,
                   0x0));
static_assert([] {
    register_snapshot s = with(healthy(), config_reg::sts, 0x3);
    s.phase = launch_phase::before_launch;
    return only(s, 5, finding_severity::failure, errc::launch_requirement, 0x0);
}());
static_assert(only(with(healthy(), config_reg::sts, 0x0), 6, finding_severity::warning, errc::launch_requirement,
                   0x0));
static_assert(check_registers(with(healthy(), config_reg::sts, 0x2)).count == 0);  // a clean pre-launch state
static_assert(only(with(healthy(), config_reg::didvid, 0x00000001B0031022), 7, finding_severity::failure,
                   errc::platform_mismatch, 0x110));
static_assert(only(with(healthy(), config_reg::didvid, ~u64{0}), 7, finding_severity::failure,
                   errc::platform_mismatch, 0x110));
static_assert(only(with(healthy(), config_reg::heap_size, 0), 8, finding_severity::failure, errc::not_found, 0x308));
// A heap at 0 also leaves the DPR.
static_assert(check_registers(with(healthy(), config_reg::heap_base, 0)).find_index(8) == 0);
static_assert(check_registers(with(healthy(), config_reg::heap_base, 0)).find_index(18) == 1);
static_assert(only(with(healthy(), config_reg::heap_base, 0x77F00800), 9, finding_severity::failure, errc::misaligned,
                   0x300));
static_assert([] {
    register_snapshot s = with(with(healthy(), config_reg::heap_base, 0xFFF00000), config_reg::heap_size, 0x200000);
    s.present[config_register_index(config_reg::dpr)] = false;  // so that only the 4 GiB rule speaks
    return only(s, 10, finding_severity::failure, errc::out_of_bounds, 0x308);
}());
static_assert(only(with(healthy(), config_reg::sinit_size, 0), 11, finding_severity::failure, errc::not_found, 0x278));
static_assert(only(with(healthy(), config_reg::sinit_size, 0x3F800), 12, finding_severity::failure, errc::misaligned,
                   0x278));
static_assert(only(with(healthy(), config_reg::sinit_base, 0x77E00100), 12, finding_severity::failure,
                   errc::misaligned, 0x270));
static_assert([] {
    register_snapshot s = with(with(healthy(), config_reg::sinit_base, 0xFFFF0000), config_reg::sinit_size, 0x20000);
    s.present[config_register_index(config_reg::dpr)] = false;
    return only(s, 13, finding_severity::failure, errc::out_of_bounds, 0x278);
}());
static_assert(only(with(healthy(), config_reg::sinit_base, 0x77F40000), 14, finding_severity::failure, errc::overlap,
                   0x270));
static_assert(only(with(healthy(), config_reg::dpr, 0x78000001), 15, finding_severity::failure, errc::not_found,
                   0x330));
static_assert(only(with(healthy(), config_reg::dpr, 0x00100021), 16, finding_severity::failure, errc::address_wrap,
                   0x330));
static_assert(only(with(healthy(), config_reg::dpr, 0x78000030), 17, finding_severity::failure,
                   errc::launch_requirement, 0x330));
static_assert(only(with(healthy(), config_reg::dpr, 0x77F00021), 18, finding_severity::failure, errc::out_of_bounds,
                   0x330));  // [0x77D00000, 0x77F00000): SINIT inside, heap just above
static_assert(only(with(healthy(), config_reg::dpr, 0x78000011), 19, finding_severity::failure, errc::out_of_bounds,
                   0x330));  // [0x77F00000, 0x78000000): heap inside, SINIT below
static_assert(only(with(healthy(), config_reg::mle_join, 0x1'0008F000), 20, finding_severity::warning,
                   errc::reserved_nonzero, 0x290));
static_assert(only(with(healthy(), config_reg::ver_qpiif, 0x7FFFFFFF), 21, finding_severity::warning,
                   errc::platform_mismatch, 0x200));

// The finding carries field, value and limit.
static_assert([] {
    const register_report r = check_registers(with(healthy(), config_reg::heap_base, 0x77F00800));
    const slrt::error& e = r.findings[0].error;
    return same(e.field, "TXT.HEAP.BASE") && same(e.rule, "TXT-R9") && e.value == 0x77F00800 && e.limit == 0x1000 &&
           e.entry_index == slrt::no_entry;
}());

// Dumps: keys, values, and their rules.
static_assert([] {
    register_snapshot s;
    bool ok = set_dump_text(s, 0, "TXT.STS", 7, "0x1", 3).ok() && s.get(config_reg::sts) == 1;
    ok = ok && set_dump_value(s, 1, "0x330", 5, 0x78000031).ok() && s.get(config_reg::dpr) == 0x78000031;
    const slrt::status dup = set_dump_value(s, 2, "txt.sts", 7, 2);
    const slrt::status unknown = set_dump_value(s, 3, "TXT.NOPE", 8, 2);
    const slrt::status command = set_dump_value(s, 4, "TXT.CMD.RESET", 13, 1);
    const slrt::status bad = set_dump_text(s, 5, "TXT.ESTS", 8, "12", 2);  // strings must be 0x
    const slrt::status toolong = set_dump_text(s, 6, "TXT.ESTS", 8, "0x11112222333344445", 19);
    return ok && dup.err().code == errc::duplicate_entry && same(dup.err().rule, "TXT-R25") &&
           dup.err().entry_index == 2 && unknown.err().code == errc::not_found &&
           same(unknown.err().rule, "TXT-R22") && command.err().code == errc::bad_argument &&
           same(command.err().rule, "TXT-R23") && command.err().offset == 0x38 &&
           bad.err().code == errc::bad_argument && same(bad.err().rule, "TXT-R24") && bad.err().offset == 0x8 &&
           toolong.err().code == errc::bad_argument && s.get(config_reg::sts) == 1 && !s.has(config_reg::ests);
}());
static_assert([] {
    register_snapshot s;
    const char* text = "0x00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    const bool ok = set_dump_text(s, 0, "TXT.PUBLIC.KEY", 14, text, length(text)).ok();
    const slrt::status dup = set_dump_value(s, 1, "public.key.2", 12, 5);
    const slrt::status short_key = set_dump_text(s, 2, "TXT.PUBLIC.KEY.0", 16, "0011", 4);
    return ok && s.get(config_reg::public_key) == 0x7766554433221100u &&
           s.get(config_reg::public_key + 0x18) == 0xFFEEDDCCBBAA9988u && dup.err().code == errc::duplicate_entry &&
           dup.err().offset == 0x410 && short_key.err().code == errc::bad_argument;
}());
static_assert([] {
    u8 k[public_key_size]{};
    const char* odd = "0:11";                       // separator inside a byte
    const char* lead = " 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const char* extra = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00";
    return !parse_public_key_text(odd, 4, k) && !parse_public_key_text(lead, length(lead), k) &&
           !parse_public_key_text(extra, length(extra), k) && !parse_public_key_text(nullptr, 0, k);
}());

// The printer runs in constant evaluation and stays within its buffer.
static_assert([] {
    char buf[snapshot_text_capacity]{};
    const register_snapshot s = with(healthy(), config_reg::ests, 1);
    const std::size_t n = format_snapshot(s, check_registers(s), buf, sizeof buf);
    char tiny[16]{};
    const std::size_t m = format_snapshot(s, check_registers(s), tiny, sizeof tiny);
    return n > 1000 && n < sizeof buf && buf[n] == '\0' && m == 15 && tiny[15] == '\0';
}());

// ---- Run-time tests -----------------------------------------------------------------------------

TEST_CASE("registers: lookups return the table entries", "[txt][registers]") {
    for (const config_register& r : config_registers) {
        CHECK(find_config_register(r.offset) == &r);
        CHECK(find_config_register(r.name) == &r);
        CHECK(r.is_command() == (r.info == nullptr));
        if (*r.alias) CHECK(find_config_register(r.alias) == &r);
        const std::string lower = [&] {
            std::string s(r.name);
            for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            return s;
        }();
        CHECK(find_config_register(lower.c_str()) == &r);
        CHECK(find_config_register(r.name + 4) == &r);  // without "TXT."
        CHECK(find_config_register_key(hex(r.offset).c_str(), hex(r.offset).size()) == &r);
    }
    CHECK(find_config_register("TXT.MISSING") == nullptr);
    CHECK(find_config_register(nullptr) == nullptr);
    CHECK(find_config_register(0x004) == nullptr);
}

TEST_CASE("registers: printing a snapshot", "[txt][registers]") {
    register_snapshot s = healthy();
    const u8 key[public_key_size] = {0xde, 0xad, 0xbe, 0xef};
    s.set_public_key(key);
    const std::string t = print(s);
    CHECK(t.rfind("TXT registers, checked as after_launch (from TXT.STS.SENTER.DONE)\n"
                  "TXT.STS (0x000) = 0x00000000000180c1\n"
                  "  [0] SENTER.DONE.STS = 1  (every thread did SENTER-ACK)\n",
                  0) == 0);
    CHECK(t.find("TXT.ERRORCODE = 0xc0000001: success (SINIT: success)\n") != std::string::npos);
    CHECK(t.find("  DPR protects [0x77d00000, 0x78000000) = 3 MiB, locked\n") != std::string::npos);
    CHECK(t.find("Chipset fusing: production (bit 31 of TXT.VER.QPIIF)\n") != std::string::npos);
    CHECK(t.find("ACM signing key hash (TXT.PUBLIC.KEY): deadbeef0000") != std::string::npos);
    CHECK(t.find("  [63:2] reserved = 0x1  <- reserved bits set\n") != std::string::npos);  // E2STS bit 2
    CHECK(t.find("Findings: 0 (0 failing)\n") != std::string::npos);

    const register_snapshot bad = with(with(healthy(), config_reg::ests, 1), config_reg::dpr, 0x78000001);
    const std::string b = print(bad);
    CHECK(b.find("Findings: 2 (2 failing)\n") != std::string::npos);
    CHECK(b.find("  failure: TXT-R1 launch_requirement at byte 0x8: TXT.ESTS.TXT_RESET.STS = 0x1 (limit 0x0): "
                 "TXT_RESET.STS is set") != std::string::npos);
    CHECK(b.find("  DPR protects nothing (size 0 MiB, top 0x78000000), locked\n") != std::string::npos);
}

TEST_CASE("registers: the printer is bounded at every capacity", "[txt][registers]") {
    register_snapshot s = with(with(healthy(), config_reg::ests, 1), config_reg::errorcode, 0xC0033451);
    for (const config_register& r : config_registers)
        if (!r.is_command() && !s.has(r.offset)) s.set(r.offset, ~u64{0});
    const register_report rep = check_registers(s);
    std::string full(snapshot_text_capacity, '\0');
    const std::size_t n = format_snapshot(s, rep, full.data(), full.size());
    REQUIRE(n < full.size() - 1);
    for (std::size_t cap = 0; cap < n + 8; cap += (cap < 300 ? 1 : 97)) {
        std::string buf(cap + 4, 'Z');
        const std::size_t m = format_snapshot(s, rep, buf.data(), cap);
        if (cap == 0) {
            REQUIRE(m == 0);
            REQUIRE(buf[0] == 'Z');
            continue;
        }
        REQUIRE(m < cap);
        REQUIRE(buf[m] == '\0');
        REQUIRE(buf[cap] == 'Z');
        REQUIRE(full.compare(0, m, buf.data(), m) == 0);
    }
}

TEST_CASE("registers: random snapshots are checked and printed without trouble", "[txt][registers]") {
    u64 state = 0x0123456789ABCDEFu;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    std::string buf(snapshot_text_capacity, '\0');
    for (int i = 0; i < 3000; ++i) {
        register_snapshot s;
        for (const config_register& r : config_registers) {
            if (r.is_command() || (next() & 3) == 0) continue;
            u64 v = next();
            if (next() & 1) v &= 0xFFFFFFFFu;
            if (next() & 1) v &= 0xFFF0'00FF'FFFF'F0FFu;
            s.set(r.offset, v);
        }
        s.phase = static_cast<launch_phase>(next() % 3);
        const register_report rep = check_registers(s);
        REQUIRE(rep.count <= max_register_findings);
        for (const register_finding& f : rep) {
            REQUIRE(f.error.rule != nullptr);
            REQUIRE(std::strncmp(f.error.rule, "TXT-R", 5) == 0);
            REQUIRE(s.has(f.error.offset));
        }
        const std::size_t n = format_snapshot(s, rep, buf.data(), buf.size());
        REQUIRE(n < buf.size() - 1);
        REQUIRE(std::strlen(buf.c_str()) == n);
    }
}

TEST_CASE("registers: the dumps in spec/vectors/txt/regs", "[txt][registers][vectors]") {
    const std::string dir = SLRT_SOURCE_DIR "/spec/vectors/txt/regs/";
    for (const char* vector : {"healthy_post_launch", "failed_launch", "txt_reset"}) {
        INFO(vector);
        std::ifstream dump_file(dir + vector + ".json"), expect_file(dir + vector + ".expected.json");
        REQUIRE(dump_file);
        REQUIRE(expect_file);
        const nlohmann::ordered_json dump = nlohmann::ordered_json::parse(dump_file);
        const nlohmann::json expect = nlohmann::json::parse(expect_file);

        register_snapshot s;
        u32 index = 0;
        for (const auto& [key, value] : dump.items()) {
            slrt::status st = slrt::success;
            if (value.is_number_unsigned())
                st = set_dump_value(s, index, key.data(), key.size(), value.get<u64>());
            else if (value.is_string())
                st = set_dump_text(s, index, key.data(), key.size(), value.get_ref<const std::string&>().data(),
                                   value.get_ref<const std::string&>().size());
            else
                FAIL("value of " << key << " is neither a number nor a string");
            INFO(key);
            REQUIRE(st.ok());
            ++index;
        }

        const register_report r = check_registers(s);
        CHECK(name(r.phase) == expect["phase"].get<std::string>());
        CHECK((r.has_failure() ? 1 : 0) == expect["exit"].get<int>());

        const decoded_errorcode d = decode_errorcode(s.get(config_reg::errorcode));
        const nlohmann::json& e = expect["errorcode"];
        CHECK(hex(d.value) == e["value"].get<std::string>());
        CHECK(name(d.status) == e["status"].get<std::string>());
        CHECK(name(d.source) == e["source"].get<std::string>());
        CHECK(d.module_type == e["module_type"].get<int>());
        CHECK(d.error_class == e["class"].get<int>());
        CHECK(d.major == e["major"].get<int>());
        CHECK(d.minor == e["minor"].get<int>());
        CHECK(d.documented == e["documented"].get<bool>());
        if (e.contains("error_name")) CHECK(std::string(d.error_name) == e["error_name"].get<std::string>());

        const slrt::result<range> dpr = decode_dpr(s.get(config_reg::dpr));
        REQUIRE(dpr.ok());
        CHECK(hex(dpr->base) == expect["dpr"]["base"].get<std::string>());
        CHECK(hex(dpr->size) == expect["dpr"]["size"].get<std::string>());
        CHECK(dpr_reg{s.get(config_reg::dpr)}.locked() == expect["dpr"]["locked"].get<bool>());

        const fuse_reading f = chipset_fusing(s);
        CHECK(name(f.state) == expect["fusing"]["state"].get<std::string>());
        CHECK(hex(f.offset) == expect["fusing"]["offset"].get<std::string>());

        if (expect.contains("public_key")) {
            REQUIRE(s.has_public_key());
            u8 key[public_key_size]{};
            s.public_key(key);
            std::string h;
            for (u8 b : key) h += hex(0x100u | b).substr(3);
            CHECK(h == expect["public_key"].get<std::string>());
        }

        const nlohmann::json& findings = expect["findings"];
        REQUIRE(r.count == findings.size());
        for (std::size_t i = 0; i < r.count; ++i) {
            const register_finding& got = r.findings[i];
            CHECK(std::string(got.error.rule) == findings[i]["rule"].get<std::string>());
            CHECK(name(got.severity) == findings[i]["severity"].get<std::string>());
            CHECK(slrt::name(got.error.code) == findings[i]["errc"].get<std::string>());
            CHECK(hex(got.error.offset) == findings[i]["offset"].get<std::string>());
            CHECK(hex(got.error.value) == findings[i]["value"].get<std::string>());
        }
    }
}
