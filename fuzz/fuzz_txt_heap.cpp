// Fuzzes the TXT heap parser, validator, Linux post-launch profile and builders
// (include/dlh/txt/heap*.hpp). The whole input is a heap image; it is parsed at every stage and
// with OsMleData chosen by size and as Linux v1, then checked in strict and permissive mode.
//
// Invariants: every error points inside the input and formats into a bounded line; the tables
// tile the start of the input; element walks terminate, stay inside their table and agree with
// take_error(); MDR and DMAR views lie inside SinitMleData; permissive accepts everything strict
// accepts and strict acceptance means no quirk; each decoded table rebuilt from its native value
// parses back to the same value, and for a strictly valid heap gives the same bytes (SinitMleData:
// except zero gaps the native value does not describe).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "dlh/txt/heap_check.hpp"

using namespace dlh;
using namespace dlh::txt;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

void check_error(const slrt::error& e, std::size_t size) {
    FUZZ_CHECK(e.code != errc::ok);
    FUZZ_CHECK(e.offset <= size);
    FUZZ_CHECK(e.rule && e.rule[0] == 'T');
    char line[320];
    FUZZ_CHECK(slrt::format_error(e, line, sizeof line) < sizeof line);
}

// `list` lies in the table `table` (size field included); every element stays inside it.
void walk(const element_list& list, byte_view table) {
    const u8* lo = table.data();
    const u8* hi = table.data() + table.size();
    FUZZ_CHECK(list.bytes().empty() || (list.bytes().data() >= lo && list.bytes().data() + list.bytes().size() <= hi));
    u32 count = 0;
    u32 next = list.base_offset();
    for (const element& e : list) {
        FUZZ_CHECK(e.index == count);
        FUZZ_CHECK(e.offset == next);  // contiguous
        FUZZ_CHECK(e.size >= element_header_size && e.offset + u64{e.size} <= table.size());
        FUZZ_CHECK(e.data.size() == e.size - element_header_size);
        FUZZ_CHECK(e.data.data() >= lo && e.data.data() + e.data.size() <= hi);
        FUZZ_CHECK(++count <= table.size() / element_header_size);  // terminates
        next = e.offset + e.size;
        if (status s = check_element_size(e); !s) check_error(s.err(), table.size());
    }
    if (!list.empty()) {
        auto w = list.walk();
        FUZZ_CHECK(w);  // the parser only keeps well-framed lists
        FUZZ_CHECK(w->count == count && w->used == list.bytes().size());
    }
}

template <class T>
T without_padding(T v) {
    v.padding = {};
    return v;
}

// Rebuilds each decoded table from its native value.
void rebuild(const parsed_heap& h, byte_view heap, bool strictly_valid) {
    std::vector<u8> out(heap.size() + 16);
    const mutable_byte_view o(out.data(), out.size());
    auto same_bytes = [&](u64 n, heap_table t) {
        const byte_view original = h.layout.table(heap, t);
        FUZZ_CHECK(n == original.size());
        FUZZ_CHECK(slrt::equal(byte_view(out.data(), static_cast<std::size_t>(n)), original));
    };

    if (auto n = build_bios_data(h.bios, o); n) {
        auto back = parse_bios_data(byte_view(out.data(), static_cast<std::size_t>(*n)));
        FUZZ_CHECK(back && without_padding(*back) == without_padding(h.bios));
        if (strictly_valid) same_bytes(*n, heap_table::bios_data);
    } else {
        FUZZ_CHECK(!strictly_valid);
    }
    if (h.stage == heap_stage::bios) return;

    if (h.os_mle_decoding == os_mle_status::by_size || h.os_mle_decoding == os_mle_status::selected) {
        auto n = build_os_mle_data(h.os_mle, o);
        FUZZ_CHECK(n);
        auto back = parse_os_mle_data(byte_view(out.data(), static_cast<std::size_t>(*n)), h.os_mle.layout);
        FUZZ_CHECK(back && *back == h.os_mle);
        same_bytes(*n, heap_table::os_mle_data);
    }

    if (auto n = build_os_sinit_data(h.os_sinit, o); n) {
        auto back = parse_os_sinit_data(byte_view(out.data(), static_cast<std::size_t>(*n)));
        FUZZ_CHECK(back && without_padding(*back) == without_padding(h.os_sinit));
        if (strictly_valid) same_bytes(*n, heap_table::os_sinit_data);
    } else {
        FUZZ_CHECK(!strictly_valid);
    }
    if (h.stage == heap_stage::pre_launch) return;

    if (auto n = build_sinit_mle_data(h.sinit_mle, o); n) {
        auto back = parse_sinit_mle_data(byte_view(out.data(), static_cast<std::size_t>(*n)));
        FUZZ_CHECK(back);
        // Offset 0 asks the builder to place the region, so only then may the offsets differ.
        const sinit_mle_data& v = h.sinit_mle;
        const bool placed = (!v.mdrs.empty() && v.sinit_mdrs_table_offset == 0) ||
                            (v.dmar.size() != 0 && v.sinit_vtd_dmar_table_offset == 0);
        FUZZ_CHECK(placed || *back == v);
        if (strictly_valid) {
            const byte_view original = h.layout.table(heap, heap_table::sinit_mle_data);
            FUZZ_CHECK(*n == original.size());
            const sinit_mle_data& s = h.sinit_mle;
            const dlh::range fields{0, table_size_field + sinit_mle_data_fixed_size(s.version) +
                                           s.ext_data_elements.bytes().size()};
            const dlh::range mdrs{s.sinit_mdrs_table_offset, s.mdrs.bytes().size()};
            const dlh::range dmar{s.sinit_vtd_dmar_table_offset, s.dmar.size()};
            for (std::size_t i = 0; i < original.size(); ++i)
                if (out[i] != original[i])  // only unused gaps, which the builder zeroes
                    FUZZ_CHECK(out[i] == 0 && !fields.contains(i) && !mdrs.contains(i) && !dmar.contains(i));
        }
    } else {
        FUZZ_CHECK(!strictly_valid);
    }
}

void exercise(const parsed_heap& h, byte_view heap) {
    // The tables tile the start of the heap.
    u64 pos = 0;
    for (u32 i = 0; i < h.layout.count; ++i) {
        FUZZ_CHECK(h.layout.offset[i] == pos && h.layout.size[i] >= table_size_field);
        pos += h.layout.size[i];
    }
    FUZZ_CHECK(pos == h.layout.total && pos <= heap.size());

    walk(h.bios.ext_data_elements, h.layout.table(heap, heap_table::bios_data));
    if (h.stage != heap_stage::bios)
        walk(h.os_sinit.ext_data_elements, h.layout.table(heap, heap_table::os_sinit_data));
    if (h.stage == heap_stage::post_launch) {
        const byte_view t = h.layout.table(heap, heap_table::sinit_mle_data);
        walk(h.sinit_mle.ext_data_elements, t);
        FUZZ_CHECK(h.sinit_mle.mdrs.count() == h.sinit_mle.num_of_sinit_mdrs);
        const byte_view m = h.sinit_mle.mdrs.bytes();
        FUZZ_CHECK(m.empty() || (m.data() >= t.data() && m.data() + m.size() <= t.data() + t.size()));
        const byte_view d = h.sinit_mle.dmar.bytes;
        FUZZ_CHECK(d.empty() || (d.data() >= t.data() && d.data() + d.size() <= t.data() + t.size()));
        for (const sinit_mdr r : h.sinit_mle.mdrs) (void)r.region().valid();
    }

    heap_check_options strict_opt;
    heap_check_options lax_opt;
    lax_opt.mode = check_mode::permissive;
    const auto strict = check_heap(h, strict_opt);
    const auto lax = check_heap(h, lax_opt);
    if (strict) {
        FUZZ_CHECK(lax);
        FUZZ_CHECK(strict->quirks == 0);
        FUZZ_CHECK(lax->quirks == 0 && lax->unknown_elements == strict->unknown_elements);
    } else {
        check_error(strict.err(), heap.size());
    }
    if (!lax) check_error(lax.err(), heap.size());

    // Following OsMleData's pointers into the image, with a base that puts the SLRT inside it.
    if (h.stage != heap_stage::bios && h.os_mle.slrt != 0 && h.os_mle.slrt >= heap.size()) {
        if (status s = check_os_mle_pointers(h, heap, h.os_mle.slrt - heap.size() / 2); !s)
            check_error(s.err(), heap.size());
    }

    if (h.stage == heap_stage::post_launch) {
        linux_launch_inputs in;
        in.mle_base = 0x01000000;
        in.boot_params_addr = 0x8A000;
        in.ap_wake_code_size = 0x3000;
        in.event_log = dlh::range{0xA10000, 0x10000};
        in.heap_base = 0x7A000000;
        in.heap_size = heap.size();
        in.end_of_ram = 0x180000000;
        in.kernel_end = 0x02000000;
        in.tpm20 = true;
        if (status s = check_linux_post_launch(h, in); !s) check_error(s.err(), heap.size());
    }

    rebuild(h, heap, strict.ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view heap(data, size);
    for (u32 stage = 0; stage < 3; ++stage) {
        for (os_mle_select sel : {os_mle_select::by_size, os_mle_select::linux_v1}) {
            const heap_parse_options p{static_cast<heap_stage>(stage), sel};
            const auto h = parse_heap(heap, p);
            if (!h) {
                check_error(h.err(), size);
                continue;
            }
            FUZZ_CHECK(h->stage == p.stage && h->layout.count == table_count(p.stage));
            exercise(*h, heap);
        }
    }
    // The element walker on raw bytes.
    if (auto w = walk_elements(heap, 0); w) {
        FUZZ_CHECK(w->used <= size && w->count <= size / element_header_size);
    } else {
        check_error(w.err(), size);
    }
    return 0;
}
