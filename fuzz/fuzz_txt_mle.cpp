// Fuzzes the MLE header codec, the kernel-image finder and the MLE page-table walker
// (dlh/txt/mle_header.hpp, dlh/txt/mle_pagetable.hpp) and checks what they promise.
//
// The whole input is, at once: an MLE header; a kernel image (automatic, bzImage and scan
// searches); and physical memory at address 0 holding page tables, walked twice: from address 0
// with a small MLE, and with parameters taken from the input's last 12 bytes (PDPT, MleSize,
// FirstValidPage). The first bytes also choose capability words for the compatibility check and
// the OsSinitData capability choice.
//
// Invariants: errors name a rule, point inside the input (walker errors: at an entry that was
// read, except memory_unmapped) and format into a bounded line; an accepted header rebuilds to
// bytes that parse to the same value; a located header decodes again at its offset, and a found
// one validates and can be measured; a successful walk maps exactly ceil(MleSize / 4 KiB) pages at
// strictly increasing addresses below 4 GiB, reads at most mle_walk_max_entries entries, and its
// predicted measurement equals the hash of those pages' bytes; tables the builder writes walk back
// to the MLE they describe; a capability choice has exactly one wake-up method, offered by the
// SINIT.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "dlh/txt/mle_header.hpp"
#include "dlh/txt/mle_pagetable.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::errc;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

void check_error(const slrt::error& e, std::size_t size, bool walker = false) {
    FUZZ_CHECK(e.code != errc::ok);
    FUZZ_CHECK(e.rule != nullptr && e.rule[0] == 'T' && e.rule[1] == 'X' && e.rule[2] == 'T');
    if (!(walker && e.code == errc::memory_unmapped)) FUZZ_CHECK(size == 0 || e.offset < size);
    char line[320];
    FUZZ_CHECK(slrt::format_error(e, line, sizeof line) < sizeof line);
}

void header_codec(byte_view in) {
    const auto h = parse_mle_header(in);
    if (!h) {
        check_error(h.err(), in.size());
        return;
    }
    FUZZ_CHECK(h->header_len >= h->defined_size() && h->header_len <= in.size());
    std::vector<u8> again(h->header_len, 0xee);
    const auto n = build_mle_header(*h, mutable_byte_view(again.data(), again.size()));
    FUZZ_CHECK(n && *n == h->header_len);
    const auto back = parse_mle_header(byte_view(again.data(), again.size()));
    FUZZ_CHECK(back && *back == *h);
    for (u32 i = 0; i < h->defined_size(); ++i) FUZZ_CHECK(again[i] == in[i]);
    char text[2048];
    FUZZ_CHECK(format_mle_header(*h, text, sizeof text) < sizeof text);
    if (h->has_cmdline()) {
        const auto d = to_dlme_header(*h);
        FUZZ_CHECK(d && from_dlme_header(*d) == *h);
    }
}

void finder(byte_view in, mle_search how) {
    const auto loc = locate_mle_header(in, how);
    if (!loc) {
        check_error(loc.err(), in.size());
        FUZZ_CHECK(!find_mle_header(in, how));
        return;
    }
    FUZZ_CHECK(loc->mle_offset <= loc->header_offset && loc->header_offset < in.size());
    const auto again = decode_mle_header(in.subview(loc->header_offset));
    FUZZ_CHECK(again && *again == loc->header);
    const auto found = find_mle_header(in, how);
    if (!found) {
        check_error(found.err(), in.size());
        return;
    }
    FUZZ_CHECK(*found == *loc);
    FUZZ_CHECK(validate_mle_header(found->header).ok());
    if (found->header.has_extent()) {
        const auto d = measure_mle_flat(mle_binary(in, *found), found->header, hash_alg::sha256);
        FUZZ_CHECK(d);
    }
}

u32 le32(const u8* p) { return u32{p[0]} | u32{p[1]} << 8 | u32{p[2]} << 16 | u32{p[3]} << 24; }

void walker(byte_view in, const mle_walk_params& p) {
    const slrt::memory_image mem(0, in);
    std::vector<u8> mle;
    u64 prev = 0;
    u32 count = 0;
    const auto w = walk_mle_page_tables(mem, p, [&](u32 index, u32 linear, u64 page) -> slrt::status {
        FUZZ_CHECK(index == count++);
        FUZZ_CHECK(linear == p.first_valid_page + index * 0x1000u);
        FUZZ_CHECK(index == 0 || page > prev);
        FUZZ_CHECK(page < four_gib && (page & 0xfff) == 0);
        prev = page;
        u8 buf[0x1000];
        const u64 left = p.mle_size - u64{index} * 0x1000;
        const std::size_t take = left < sizeof buf ? static_cast<std::size_t>(left) : sizeof buf;
        if (!mem.read(page, mutable_byte_view(buf, take))) return slrt::error{errc::memory_unmapped, 0, 0, "page", "TXT-T9", "", 0, 0};
        mle.insert(mle.end(), buf, buf + take);
        return slrt::success;
    });
    if (!w) {
        check_error(w.err(), in.size(), true);
        return;
    }
    FUZZ_CHECK(w->page_count == count && u64{count} == (p.mle_size + 0xfff) >> 12);
    FUZZ_CHECK(w->entries_read <= mle_walk_max_entries);
    FUZZ_CHECK(w->first_valid_page == p.first_valid_page && w->last_page == prev);
    FUZZ_CHECK(mle.size() == p.mle_size);
    const hash_alg algs[] = {hash_alg::sha256};
    slrt::digest d[1];
    const auto pw = predict_mle_measurement(mem, p, algs, 1, d);
    FUZZ_CHECK(pw && *pw == *w);
    FUZZ_CHECK(d[0] == slrt::hash(hash_alg::sha256, byte_view(mle.data(), mle.size())));
}

// Tables built for (size, fvp) walk back to the contiguous MLE they describe.
void builder(u64 mle_size, u32 fvp) {
    const mle_ptab_size size = mle_page_table_size(mle_size, fvp);
    const mle_ptab_request r{0x100000, 0x100000 + size.bytes(), mle_size, fvp};
    std::vector<u8> tables(size.valid() ? static_cast<std::size_t>(size.bytes()) : 0x1000, 0x77);
    const auto l = build_mle_page_tables(mutable_byte_view(tables.data(), tables.size()), r);
    if (!l) {
        FUZZ_CHECK(!size.valid());
        check_error(l.err(), 1);
        FUZZ_CHECK(std::all_of(tables.begin(), tables.end(), [](u8 x) { return x == 0x77; }));
        return;
    }
    FUZZ_CHECK(l->size == size && l->table_bytes() == tables.size());
    if (fvp == 0) FUZZ_CHECK(grub_mle_page_table_bytes(mle_size) >= size.bytes());
    const slrt::memory_image mem(r.table_phys, byte_view(tables.data(), tables.size()));
    const auto w = walk_mle_page_tables(mem, mle_walk_params{r.table_phys, mle_size, fvp});
    FUZZ_CHECK(w && w->contiguous && w->first_page == r.mle_phys && w->page_count == l->mle_pages);
    FUZZ_CHECK(w->pt_count == size.pt_count && w->pd_count == size.pd_count);
}

void capabilities_rules(const u8* p) {
    const capabilities mle{le32(p)}, sinit{le32(p + 4)};
    const u8 knobs = p[8];
    mle_header h;
    h.header_len = 52;
    h.version = mle_header_v2_1 + (knobs & 3u);
    h.mle_end = 0x1000;
    h.caps = mle;
    const sinit_mle_support s{le32(p + 9), sinit};
    const auto profile = (knobs & 4) ? mle_profile::linux_secure_launch : mle_profile::generic;
    if (const auto c = check_mle_sinit_compatibility(h, s, profile); !c) check_error(c.err(), 0);
    os_sinit_caps_request r;
    r.mle = mle;
    r.sinit = sinit;
    r.tpm2 = (knobs & 8) != 0;
    r.tcg_event_log = (knobs & 16) != 0;
    r.prefer_da = (knobs & 32) != 0;
    r.profile = profile;
    r.policy = static_cast<os_sinit_caps_policy>((knobs >> 6) % 3);
    const auto c = select_os_sinit_capabilities(r);
    if (!c) {
        check_error(c.err(), 0);
        return;
    }
    const u32 wake = c->caps.raw & 3u;
    FUZZ_CHECK(wake == 1 || wake == 2);
    FUZZ_CHECK((sinit.raw & wake) != 0);
    if (r.policy == os_sinit_caps_policy::sdg) {
        FUZZ_CHECK((mle.raw & wake) != 0);
        FUZZ_CHECK(c->caps.reserved_bits_set() == 0);
        FUZZ_CHECK((c->caps.raw & ~sinit.raw & ~0x10u) == 0);  // a subset of the SINIT's (bit 4 is negative logic)
        if (r.tpm2) FUZZ_CHECK((c->caps.raw & 0x30u) == 0);
    }
    if (profile == mle_profile::linux_secure_launch) FUZZ_CHECK(c->caps.ecx_pgtbl());
    FUZZ_CHECK(c->flags == (r.tpm2 ? 1u : 0u));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view in(data, size);
    header_codec(in);
    finder(in, mle_search::automatic);
    finder(in, mle_search::bzimage);
    finder(in, mle_search::raw);
    if (size >= 1) walker(in, mle_walk_params{0, u64{1 + (data[0] & 7u)} * 0x1000 - (data[0] >> 3), 0});
    if (size >= 16) {
        const u8* t = data + size - 12;
        walker(in, mle_walk_params{le32(t) & 0xfffff000u, le32(t + 4) & 0x00ffffffu, le32(t + 8) & 0xfffff000u});
        builder(le32(t + 4) & 0x00ffffffu, le32(t + 8) & 0x3ffff000u);
        capabilities_rules(data);
    }
    return 0;
}
