// Fuzzes the AMD SKINIT parsers and builders (include/dlh/skinit/) and checks what they promise.
// The first input byte chooses the target (value % 5); the rest is its input:
//   0  SLB / SKL image: parse_slb, parse_skl under detection and both explicit generations,
//      PCR 17 prediction, then place_slrt of a fixed AMD table into a 64 KiB copy
//   1  setup_data chain: the bytes are memory at 0x10000 with boot_params at its start;
//      find_amd_info in both modes, then splice_amd_info of an entry the input points at
//   2  ACPI DRTM table     3  ACPI ASPT     4  PSP mailbox words and CPU precondition values
//
// Invariants: no crash or sanitizer report; every error names an offset inside the input (0 for
// an empty input and for memory walks, whose errors carry the node index instead) and formats into
// a bounded line; an accepted SKL header and skl_info re-encode to the input bytes and parse again
// to the same value; permissive acceptance includes strict acceptance; builders that fail leave
// their buffer unchanged, and what they build parses back to what was given.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "dlh/skinit/skinit.hpp"
#include "slrt/builder.hpp"

using namespace dlh;
using namespace dlh::skinit;
using slrt::byte_view;
using slrt::mutable_byte_view;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

void check_error(const slrt::error& e, std::size_t size, bool memory_walk = false) {
    FUZZ_CHECK(e.code != slrt::errc::ok);
    FUZZ_CHECK(e.rule != nullptr && e.rule[0] != '\0');
    if (memory_walk)
        FUZZ_CHECK(e.offset == 0);
    else
        FUZZ_CHECK(e.offset == 0 || e.offset < size);
    char line[320];
    const std::size_t n = slrt::format_error(e, line, sizeof line);
    FUZZ_CHECK(n < sizeof line);
}

// A small AMD table in the v10 layout, as SKL reads it.
std::vector<u8> amd_table(u32 max_size) {
    std::vector<u8> t(512);
    slrt::builder b(mutable_byte_view(t.data(), t.size()), slrt::layout::v10);
    FUZZ_CHECK(b.init(slrt::architecture::amd_skinit, max_size));
    slrt::dl_info dl;
    dl.dce_base = 0x7fff0000;
    dl.dlme_base = 0x1000000;
    dl.dlme_size = 0x1000;
    dl.bl_context.bootloader = slrt::bootloader::grub;
    FUZZ_CHECK(b.add(dl));
    FUZZ_CHECK(b.add(slrt::log_info{slrt::log_format::tpm20, 0x8000, 0x2000000}));
    t.resize(b.size());
    return t;
}

void fuzz_slb(byte_view in) {
    const auto s = parse_slb(in);
    if (!s) {
        check_error(s.err(), in.size());
    } else {
        FUZZ_CHECK(s->header.entry_point < s->header.length && s->header.length <= in.size());
        FUZZ_CHECK(s->measured.data() == in.data() && s->measured.size() == s->header.length);
        FUZZ_CHECK(predict_pcr17(*s, slrt::hash_alg::sha256));
    }
    for (generation_choice c : {generation_choice::detect, generation_choice::gen1, generation_choice::gen2}) {
        const auto img = parse_skl(in, c);
        if (!img) {
            check_error(img.err(), in.size());
            continue;
        }
        FUZZ_CHECK(s);  // an SKL image is an SLB
        const skl_header& h = img->header;
        if (c == generation_choice::detect) {
            const generation_probe p = probe_generations(in);
            FUZZ_CHECK(p.gen1 != p.gen2);
        }
        FUZZ_CHECK(h.length >= header_size(h.generation));
        FUZZ_CHECK(u32{h.skl_info_offset} + skl_info_size <= h.length);
        FUZZ_CHECK(h.bootloader_data_offset >= h.length && img->slrt_room() >= slrt_min_room);
        // Re-encode header and skl_info over a copy: the bytes do not change.
        std::vector<u8> again(in.begin(), in.end());
        FUZZ_CHECK(encode_skl_header(h, mutable_byte_view(again.data(), again.size())));
        FUZZ_CHECK(encode_skl_info(img->info, mutable_byte_view(again.data() + h.skl_info_offset, skl_info_size)));
        FUZZ_CHECK(slrt::equal(byte_view(again.data(), again.size()), in));
        const auto back = parse_skl(byte_view(again.data(), again.size()), c);
        FUZZ_CHECK(back && *back == *img);

        // Placement into a 64 KiB block: a 4 KiB table always fits (SKL-33 left room for it);
        // one whose max_size exceeds the room never does, and leaves the block as it was.
        std::vector<u8> slb(slb_size, 0);
        for (std::size_t i = 0; i < in.size(); ++i) slb[i] = in[i];
        const std::vector<u8> before = slb;
        place_options o;
        o.generation = c;
        const std::vector<u8> too_big = amd_table(img->slrt_room() + 1);
        const auto refused =
            place_slrt(mutable_byte_view(slb.data(), slb.size()), byte_view(too_big.data(), too_big.size()), o);
        FUZZ_CHECK(!refused && refused.err().code == slrt::errc::out_of_bounds);
        check_error(refused.err(), too_big.size());
        FUZZ_CHECK(slb == before);
        const std::vector<u8> table = amd_table(0x1000);
        const auto p = place_slrt(mutable_byte_view(slb.data(), slb.size()), byte_view(table.data(), table.size()), o);
        FUZZ_CHECK(p && p->slrt_offset == h.bootloader_data_offset && p->slrt_max_size == 0x1000);
        FUZZ_CHECK(slrt::equal(byte_view(slb.data() + p->slrt_offset, table.size()),
                               byte_view(table.data(), table.size())));
        FUZZ_CHECK(slrt::all_zero(byte_view(slb.data() + p->slrt_offset + table.size(), 0x1000 - table.size())));
        FUZZ_CHECK(parse_skl(byte_view(slb.data(), slb.size()), c));
    }
}

void fuzz_setup_data(byte_view in) {
    constexpr u64 base = 0x10000;
    const slrt::memory_image mem(base, in);
    const auto strict = find_amd_info(mem, base, slrt::mode::strict);
    const auto lax = find_amd_info(mem, base, slrt::mode::permissive);
    if (strict) {
        FUZZ_CHECK(lax && lax->location == strict->location && strict->quirks.empty());
    }
    if (!strict) check_error(strict.err(), in.size(), true);
    if (lax) {
        FUZZ_CHECK(mem.contains(lax->location.entry, lax->location.entry_size));
        FUZZ_CHECK(lax->location.node == lax->location.entry + 8);
        FUZZ_CHECK(lax->location.node_index < lax->nodes && lax->nodes <= slrt::max_setup_data_nodes);
    } else {
        check_error(lax.err(), in.size(), true);
    }
    // Splice an entry at the offset the last two bytes name, into a copy.
    if (in.size() < 2) return;
    const u64 entry = base + slrt::load_le(in, in.size() - 2, 2);
    std::vector<u8> ram(in.begin(), in.end());
    const std::vector<u8> before = ram;
    const ram_image image(base, mutable_byte_view(ram.data(), ram.size()));
    for (slrt::mode m : {slrt::mode::strict, slrt::mode::permissive}) {
        const auto s = splice_amd_info(image, base, entry, m);
        if (!s) {
            check_error(s.err(), in.size(), true);
            FUZZ_CHECK(ram == before);
            continue;
        }
        FUZZ_CHECK(s->node == entry + 8);
        FUZZ_CHECK(slrt::load_le(byte_view(ram.data(), ram.size()), boot_params_setup_data, 8) == s->node);
        // The entry is now the head of a finite chain (unless the splice overwrote what it read).
        const auto f = find_amd_info(image, base, slrt::mode::permissive);
        if (f) FUZZ_CHECK(f->location.node_index == 0 || f->location.node != s->node);
        break;
    }
}

void fuzz_drtm(byte_view in) {
    const auto d = asp::parse_acpi_drtm(in);
    if (!d) {
        check_error(d.err(), in.size());
        return;
    }
    FUZZ_CHECK(d->size() == d->header.length && d->header.length <= in.size());
    std::vector<u64> tables;
    std::vector<asp::drtm_resource> res;
    for (u32 i = 0; i < d->validated_table_count; ++i) tables.push_back(asp::validated_table(in, *d, i));
    for (u32 i = 0; i < d->resource_count; ++i) res.push_back(asp::resource(in, *d, i));
    std::vector<u8> out(d->header.length);
    const auto n = asp::build_acpi_drtm(mutable_byte_view(out.data(), out.size()), *d, tables.data(), res.data());
    FUZZ_CHECK(n && *n == d->header.length);
    FUZZ_CHECK(slrt::equal(byte_view(out.data(), out.size()), in.subview(0, d->header.length)));
    const auto back = asp::parse_acpi_drtm(byte_view(out.data(), out.size()));
    FUZZ_CHECK(back && *back == *d);
}

void fuzz_aspt(byte_view in) {
    const auto a = asp::parse_aspt(in);
    if (!a) {
        check_error(a.err(), in.size());
        return;
    }
    u8 out[256] = {};
    const auto n = asp::build_aspt(out, *a);
    FUZZ_CHECK(n);
    const auto back = asp::parse_aspt(byte_view(out, *n));
    FUZZ_CHECK(back);
    asp::aspt want = *a;
    want.header = back->header;
    want.num_entries = 3;
    want.unknown_subtables = 0;
    FUZZ_CHECK(*back == want);
}

void fuzz_registers(byte_view in) {
    for (std::size_t at = 0; at + 4 <= in.size() && at < 64; at += 4) {
        const u32 raw = static_cast<u32>(slrt::load_le(in, at, 4));
        const slrt::status r = asp::check_response(raw);
        if (!r) check_error(r.err(), 0);
        const auto c = asp::encode_command(static_cast<u8>(raw), static_cast<u8>(raw >> 8));
        if (c) FUZZ_CHECK(asp::mailbox{*c}.command() == static_cast<u8>(raw));
        char text[1024];
        FUZZ_CHECK(format_register(asp::mailbox_info, raw, text, sizeof text) < sizeof text);
    }
    if (in.size() < 21) return;
    cpu_state s;
    s.cpuid_ecx.raw = static_cast<u32>(slrt::load_le(in, 0, 4));
    s.efer_msr.raw = slrt::load_le(in, 4, 8);
    s.vm_cr_msr.raw = slrt::load_le(in, 12, 8);
    s.bsp = in[20] & 1;
    s.protected_mode = in[20] & 2;
    const slrt::findings f = check_preconditions(s);
    FUZZ_CHECK(f.count <= 5 && f.dropped == 0);
    for (u32 i = 0; i < f.count; ++i) check_error(f.items[i], 0);
    const bool ok = s.cpuid_ecx.svm() && (s.cpuid_ecx.skinit() || s.efer_msr.svme()) && !s.vm_cr_msr.svmdis() &&
                    s.bsp && s.protected_mode;
    FUZZ_CHECK(f.ok() == ok);
    char text[2048];
    FUZZ_CHECK(format_register(vm_cr_info, s.vm_cr_msr.raw, text, sizeof text) < sizeof text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const byte_view in(data + 1, size - 1);
    switch (data[0] % 5) {
        case 0: fuzz_slb(in); break;
        case 1: fuzz_setup_data(in); break;
        case 2: fuzz_drtm(in); break;
        case 3: fuzz_aspt(in); break;
        default: fuzz_registers(in); break;
    }
    return 0;
}
