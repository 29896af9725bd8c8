// The builder against the Linux/GRUB helper semantics (slr_init_table,
// slr_add_entry), its invariants after every call, and its refusals.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "slrt/slrt.hpp"

using namespace slrt;

namespace {

// The helpers as the kernel header defines them (spec §4.1, §4.2), over
// entries prepared with the packed overlays: an independent path to the bytes.
struct helper_table {
    std::vector<u8> bytes;
    u32 hdr;
    helper_table(u16 arch, u32 max_size, u32 header_size) : bytes(max_size, 0), hdr(header_size) {
        wire::table_header h{};
        h.magic.set(table_magic);
        h.revision.set(1);
        h.architecture.set(arch);
        h.max_size.set(max_size);
        h.size.set(16 + hdr);
        std::memcpy(bytes.data(), &h, sizeof h);
        write_end();
    }
    u32 size() const { return static_cast<u32>(load_le(byte_view(bytes.data(), 16), 8, 4)); }
    void write_end() {
        const u32 at = size() - hdr;
        store_le(mutable_byte_view(bytes.data(), bytes.size()), at, hdr / 2, 0xffff);
        store_le(mutable_byte_view(bytes.data(), bytes.size()), at + hdr / 2, hdr / 2, hdr);
    }
    int add(const void* entry, u32 entry_size) {
        if (size() + entry_size > bytes.size()) return -1;
        std::memcpy(bytes.data() + size() - hdr, entry, entry_size);
        store_le(mutable_byte_view(bytes.data(), 16), 8, 4, size() + entry_size);
        write_end();
        return 0;
    }
    byte_view view() const { return {bytes.data(), size()}; }
};

template <class Hdr>
void set_hdr(Hdr& h, u16 t, u32 size) {
    if constexpr (sizeof h.tag == 4) {
        h.tag.set(t);
        h.size.set(size);
    } else {
        h.tag.set(t);
        h.size.set(static_cast<u16>(size));
    }
}

}  // namespace

TEST_CASE("builder: v16 bytes equal the kernel helpers' for the GRUB entry order", "[builder]") {
    // Reference: overlays filled field by field, appended by the helper semantics.
    helper_table ref(1, 4096, 8);
    wire::v16::dl_info dl{};
    set_hdr(dl.hdr, 1, sizeof dl);
    dl.dce_size.set(0x38000);
    dl.dce_base.set(0x9a700000);
    dl.dlme_size.set(0x1800000);
    dl.dlme_base.set(0x1000000);
    dl.dlme_entry.set(0x2a0);
    dl.dlme_header_offset.set(0x1c0);
    dl.dlme_config_table.set(0x8d000);
    dl.bl_context.bootloader.set(1);
    dl.bl_context.context.set(0x7ff3c010);
    dl.dl_launch.set(0x7ff51000);
    REQUIRE(ref.add(&dl, sizeof dl) == 0);
    wire::v16::log_info log{};
    set_hdr(log.hdr, 2, sizeof log);
    log.format.set(2);
    log.size.set(0x8000);
    log.addr.set(0x7f000000);
    REQUIRE(ref.add(&log, sizeof log) == 0);
    struct {
        wire::v16::policy hdr;
        wire::v16::policy_entry e[2];
    } pol{};
    set_hdr(pol.hdr.hdr, 3, sizeof pol);
    pol.hdr.revision.set(1);
    pol.hdr.nr_entries.set(2);
    pol.e[0].pcr.set(18);
    pol.e[0].entity_type.set(1);
    pol.e[0].flags.set(2);
    pol.e[0].entity.set(0x20000);
    std::memcpy(pol.e[0].evt_info, "Measured SLR Table", 18);
    pol.e[1].pcr.set(17);
    pol.e[1].entity_type.set(6);
    pol.e[1].size.set(0x2000000);
    pol.e[1].entity.set(0x7c000000);
    std::memcpy(pol.e[1].evt_info, "Measured Kernel initrd", 22);
    REQUIRE(ref.add(&pol, sizeof pol) == 0);
    wire::v16::intel_info intel{};
    set_hdr(intel.hdr, 4, sizeof intel);
    intel.boot_params_addr.set(0x8d000);
    intel.txt_heap.set(0xa0e00000);
    intel.saved_misc_enable_msr.set(0x850089);
    intel.saved_bsp_mtrrs.mtrr_vcnt.set(1);
    intel.saved_bsp_mtrrs.mtrr_pair[0].mtrr_physbase.set(6);
    intel.saved_bsp_mtrrs.mtrr_pair[0].mtrr_physmask.set(0x7f80000800);
    REQUIRE(ref.add(&intel, sizeof intel) == 0);

    // The same table through the builder's native values.
    std::vector<u8> buf(4096, 0xcc);  // garbage past `size` must not matter
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    REQUIRE(b.init(architecture::intel_txt, 4096));
    dl_info d;
    d.dce_size = 0x38000;
    d.dce_base = 0x9a700000;
    d.dlme_size = 0x1800000;
    d.dlme_base = 0x1000000;
    d.dlme_entry = 0x2a0;
    d.dlme_header_offset = 0x1c0;
    d.dlme_config_table = 0x8d000;
    d.bl_context = {bootloader::grub, 0x7ff3c010};
    d.dl_launch = 0x7ff51000;
    REQUIRE(b.add(d));
    REQUIRE(b.add(log_info{log_format::tpm20, 0x8000, 0x7f000000}));
    const policy_entry entries[] = {
        {18, entity_type::slrt, policy_flag_implicit_size, 0, 0x20000, "Measured SLR Table"},
        {17, entity_type::ramdisk, 0, 0x2000000, 0x7c000000, "Measured Kernel initrd"},
    };
    REQUIRE(b.add_policy(entries, 2));
    intel_info i;
    i.boot_params_addr = 0x8d000;
    i.txt_heap = 0xa0e00000;
    i.saved_misc_enable_msr = 0x850089;
    i.saved_bsp_mtrrs.mtrr_vcnt = 1;
    i.saved_bsp_mtrrs.mtrr_pair[0] = {6, 0x7f80000800};
    REQUIRE(b.add(i));

    REQUIRE(b.size() == ref.size());
    REQUIRE(b.size() == 16 + 88 + 24 + 16 + 2 * 56 + 560 + 8);
    CHECK(equal(b.bytes(), ref.view()));
}

TEST_CASE("builder: v6 entry header and field order match the v6 helpers", "[builder]") {
    helper_table ref(1, 1024, 4);
    wire::v6::log_info log{};
    set_hdr(log.hdr, 2, sizeof log);
    log.format.set(1);
    log.addr.set(0x12345678);
    log.size.set(0x8000);
    REQUIRE(ref.add(&log, sizeof log) == 0);

    std::vector<u8> buf(1024);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v6);
    REQUIRE(b.init(architecture::intel_txt, 1024));
    REQUIRE(b.add(log_info{log_format::tpm12, 0x8000, 0x12345678}));
    CHECK(b.size() == 16 + 20 + 4);
    CHECK(equal(b.bytes(), ref.view()));
}

TEST_CASE("builder: every call keeps the invariants; failures change nothing", "[builder]") {
    std::mt19937 engine(20261124);
    auto rng = [&] { return static_cast<u32>(engine()); };
    for (layout l : all_layouts) {
        std::vector<u8> buf(2048, 0);
        builder b(mutable_byte_view(buf.data(), buf.size()), l);
        const u32 max_size = 600 + rng() % 1400;
        REQUIRE(b.init(architecture::intel_txt, max_size));
        for (int step = 0; step < 200; ++step) {
            const std::vector<u8> before = buf;
            const u32 size_before = b.size();
            bool ok = false;
            switch (rng() % 6) {
                case 0: ok = static_cast<bool>(b.add(log_info{log_format::tpm20, rng(), rng()})); break;
                case 1: ok = static_cast<bool>(b.add_policy(static_cast<u16>(rng() % 8))); break;
                case 2: ok = static_cast<bool>(b.add_placeholder(tag::arm_info)); break;
                case 3: {
                    std::vector<u8> payload(rng() % 200, 0x5a);
                    ok = static_cast<bool>(b.add_raw(0x100 + rng() % 16, byte_view(payload.data(), payload.size())));
                    break;
                }
                case 4: {
                    dl_info d;
                    d.dce_size = (rng() % 2) ? 0x1'0000'0000ull : 0x1000;  // too wide for v6/v9
                    ok = static_cast<bool>(b.add(d));
                    break;
                }
                default: ok = static_cast<bool>(b.add_uefi_config(static_cast<u16>(rng() % 4))); break;
            }
            if (!ok) {
                REQUIRE(buf == before);
                REQUIRE(b.size() == size_before);
            }
            // Whatever happened, the buffer holds a well-formed table ending in END.
            const u32 size = static_cast<u32>(load_le(byte_view(buf.data(), 16), 8, 4));
            REQUIRE(size == b.size());
            REQUIRE(size <= max_size);
            const u32 hdr = describe(l).entry_header_size;
            REQUIRE(load_le(byte_view(buf.data(), size), size - hdr, hdr / 2) == 0xffff);
            REQUIRE(load_le(byte_view(buf.data(), size), size - hdr / 2, hdr / 2) == hdr);
            // Framing is always valid; content (duplicates, zeroed dl_info) may not be.
            const result<table> t = parse(b.bytes(), {l, mode::permissive});
            if (!t) {
                const errc c = t.err().code;
                REQUIRE((c == errc::dlme_entry_out_of_range || c == errc::address_wrap));
            }
        }
    }
}

TEST_CASE("builder: refusals name the field and the rule", "[builder]") {
    std::vector<u8> buf(4096);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v6);
    REQUIRE(b.init(architecture::intel_txt, 4096));

    dl_info d;
    d.dlme_base = 0x1000000;  // v6 has no dlme_base
    result<entry_ref> r = b.add(d);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::field_not_in_layout);
    CHECK(std::string(r.err().field) == "dl_info.dlme_base");
    CHECK(std::string(r.err().rule) == "SLRT-C1");

    d = {};
    d.dce_size = 0x1'0000'0000ull;  // u32 in v6
    r = b.add(d);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::value_out_of_range);
    CHECK(r.err().limit == 0xffffffffu);

    r = b.add_raw(0x10000, {});  // a u16 header cannot hold this tag
    CHECK(r.err().code == errc::value_out_of_range);

    const result<entry_ref> p = b.add_policy(2);
    REQUIRE(p);
    CHECK(b.set_policy_entry(*p, 2, {}).err().code == errc::bad_argument);
    entry_ref wrong = *p;
    wrong.offset += 4;
    CHECK(b.set_policy_entry(wrong, 0, {}).err().code == errc::bad_argument);
    // Reserved slots are UNUSED until filled.
    const result<table> t = parse(b.bytes(), {layout::v6, mode::strict});
    REQUIRE(t);
    CHECK((*t->policy())[1].entity_type == entity_type::unused);
}

TEST_CASE("builder: init and max_size boundaries", "[builder]") {
    std::vector<u8> buf(64);
    builder b(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    CHECK(b.init(architecture::intel_txt, 23).err().code == errc::table_full);
    builder tiny(mutable_byte_view(buf.data(), 23), layout::v16);
    CHECK(tiny.init(architecture::intel_txt, 4096).err().code == errc::buffer_too_small);
    // max_size beyond the buffer: appends stop at the buffer's end.
    REQUIRE(b.init(architecture::intel_txt, 4096));
    REQUIRE(b.add_raw(0x100, byte_view(buf.data(), 32)));  // 24 + 40 = 64
    CHECK(b.add_placeholder(tag::arm_info).err().code == errc::buffer_too_small);
    builder fresh(mutable_byte_view(buf.data(), buf.size()), layout::v16);
    CHECK(b.init(static_cast<architecture>(3), 64).err().code == errc::bad_argument);
    CHECK(fresh.add_placeholder(tag::arm_info).err().code == errc::bad_argument);  // before init
    REQUIRE(b.init(architecture::amd_skinit, 40));
    REQUIRE(b.add_placeholder(tag::arm_info));  // 24 + 8 = 32
    REQUIRE(b.add_placeholder(tag::uefi_info));  // exactly 40
    CHECK(b.add_placeholder(tag::uefi_info).err().code == errc::table_full);
    CHECK(b.size() == 40);
    CHECK(parse(b.bytes()));
}
