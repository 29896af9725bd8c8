// Fuzzes the SINIT ACM parser (dlh/txt/acm.hpp), matching (acm_match.hpp) and the GETSEC
// decoders (getsec.hpp), and checks what they promise. The whole input is the ACM file.
//
// Invariants: parsing never crashes, with or without the SINIT and padding options; an error
// points inside the input and formats into a bounded line; an accepted module's lists lie inside
// it; rebuilding an accepted module with build_acm reproduces its header and information table
// bytes and parses back to the same values; match_acm is total and its report adds up, and a
// platform made from the module's own first chipset and processor entries passes those checks.
// The same bytes, read as GETSEC[PARAMETERS] triples, decode, re-encode and decode again to the
// same parameters; read as an MLE JOIN, they decode, re-encode to the same bytes and check.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"
#include "dlh/txt/getsec.hpp"

using namespace dlh;
using namespace dlh::txt;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

void check_error(const slrt::error& e, std::size_t size) {
    FUZZ_CHECK(e.code != slrt::errc::ok);
    FUZZ_CHECK(e.offset <= size);
    FUZZ_CHECK(e.rule && e.rule[0] == 'T');
    char line[320];
    FUZZ_CHECK(slrt::format_error(e, line, sizeof line) < sizeof line);
}

bool inside(const parsed_acm& a, u64 offset, u64 size) { return offset <= a.module.size() && size <= a.module.size() - offset; }

void check_lists(const parsed_acm& a) {
    if (a.chipsets.present) FUZZ_CHECK(inside(a, a.chipsets.offset, 4 + u64{16} * a.chipsets.count));
    if (a.chipsets2.present) FUZZ_CHECK(inside(a, a.chipsets2.offset, 4 + u64{16} * a.chipsets2.count));
    if (a.processors.present) FUZZ_CHECK(inside(a, a.processors.offset, 4 + u64{24} * a.processors.count));
    if (a.tpm.present) FUZZ_CHECK(inside(a, a.tpm.offset, 6 + u64{2} * a.tpm.count));
    FUZZ_CHECK(a.chain_count <= max_acm_chain_lists);
    for (u32 i = 0; i < a.chain_count; ++i) {
        FUZZ_CHECK(a.chain[i].size >= 12 && inside(a, a.chain[i].offset, a.chain[i].size));
        FUZZ_CHECK(a.chain_payload(i).size() == a.chain[i].size - 12);
    }
    if (a.info.chained_lists()) FUZZ_CHECK(inside(a, a.term_offset, 12));
    FUZZ_CHECK(inside(a, a.info_offset, a.info.length));
    FUZZ_CHECK(a.module.size() == a.header.size_bytes());
    FUZZ_CHECK(a.rsa_public_key().size() == layout_info(a.layout).pub_key_size);
    FUZZ_CHECK(a.scratch().size() == std::size_t{a.header.scratch_size} * 4);
}

void rebuild(const parsed_acm& a, const acm_parse_options& options) {
    std::vector<acm_chipset_id> cs(a.chipsets.count + 1u), cs2(a.chipsets2.count + 1u);
    std::vector<acm_processor_id> pr(a.processors.count + 1u);
    std::vector<u16> al(a.tpm.count + 1u);
    std::vector<acm_chain_item> ch(max_acm_chain_lists);
    const acm_build b = rebuild_input(a, {cs.data(), cs2.data(), pr.data(), al.data(), ch.data()});
    std::vector<u8> out(a.module.size(), 0xEE);
    const result<u32> built = build_acm(b, mutable_byte_view(out.data(), out.size()));
    FUZZ_CHECK(built && *built == a.module.size());

    // Header bytes, and the information table bytes its version defines.
    const u8* in = a.module.data();
    FUZZ_CHECK(std::memcmp(out.data(), in, layout_info(a.layout).fixed_size) == 0);
    const u32 io = a.info_offset;
    FUZZ_CHECK(std::memcmp(out.data() + io, in + io, 37) == 0);
    if (a.info.version >= 6) FUZZ_CHECK(std::memcmp(out.data() + io + 37, in + io + 37, 3) == 0);
    if (a.info.version >= 4)
        FUZZ_CHECK(std::memcmp(out.data() + io + 40, in + io + 40, acm_info_table_size(a.info.version) - 40) == 0);

    const result<parsed_acm> back = parse_acm(byte_view(out.data(), out.size()), options);
    FUZZ_CHECK(back);
    FUZZ_CHECK(back->header == a.header);
    FUZZ_CHECK(back->info == a.info);
    FUZZ_CHECK(back->chipsets == a.chipsets && back->chipsets2 == a.chipsets2);
    FUZZ_CHECK(back->processors == a.processors && back->tpm == a.tpm);
    FUZZ_CHECK(back->chain_count == a.chain_count && back->term_offset == a.term_offset);
    for (u32 i = 0; i < a.chain_count; ++i) FUZZ_CHECK(back->chain[i] == a.chain[i]);
    for (u32 i = 0; i < a.chipsets.count; ++i) FUZZ_CHECK(back->chipset(i) == a.chipset(i));
    for (u32 i = 0; i < a.chipsets2.count; ++i) FUZZ_CHECK(back->chipset2(i) == a.chipset2(i));
    for (u32 i = 0; i < a.processors.count; ++i) FUZZ_CHECK(back->processor(i) == a.processor(i));
    for (u32 i = 0; i < a.tpm.count; ++i) FUZZ_CHECK(back->tpm_algorithm(i) == a.tpm_algorithm(i));
}

void check_report_sums(const check_report& r) {
    FUZZ_CHECK(r.count == r.passes + r.failures + r.warnings + r.skips);
    FUZZ_CHECK(r.ok() == (r.first_failure().code == slrt::errc::ok));
    for (const check_record& rec : r) {
        char line[640];
        FUZZ_CHECK(format_check_record(rec, line, sizeof line) < sizeof line);
        if (rec.outcome == check_outcome::fail || rec.outcome == check_outcome::warning)
            FUZZ_CHECK(rec.failure.code != slrt::errc::ok);
    }
}

void match(const parsed_acm& a) {
    check_report_sums(match_acm(a, platform_values{}));

    // A platform built from the module's own first entries.
    platform_values v;
    v.has_ver_fsbif = true;
    v.ver_fsbif = a.header.debug_signed() ? 0x1 : 0x80000001;
    if (a.chipsets.count) {
        const acm_chipset_id c = a.chipset(0);
        v.has_didvid = true;
        v.didvid = c.vendor_id | (u64{c.device_id} << 16) | (u64{c.revision_id} << 32);
    }
    if (a.processors.count) {
        const acm_processor_id p = a.processor(0);
        v.has_fms = v.has_platform_id = true;
        v.fms = p.fms;
        v.platform_id = p.platform_id;
    }
    v.tpm = tpm_kind::tpm20;
    v.tpm_bank_count = 1;
    v.tpm_banks[0] = a.tpm.count ? a.tpm_algorithm(0) : tpm_alg::sha256;
    v.has_mle = true;
    v.mle_header_version = 0xFFFFFFFF;
    v.mle_capabilities = 3;
    v.has_sinit_region = true;
    v.sinit_base = 0x77E00000;
    v.sinit_size = 0x40000;
    const check_report r = match_acm(a, v);
    check_report_sums(r);
    FUZZ_CHECK(r.find("TXT-A41")->outcome == check_outcome::pass);
    FUZZ_CHECK(r.find("TXT-A49")->outcome == check_outcome::pass);
    if (a.chipsets.count) {
        const acm_chipset_id c = a.chipset(0);
        if (!c.revision_id_is_mask() || c.revision_id != 0) FUZZ_CHECK(r.find("TXT-A42")->outcome == check_outcome::pass);
    }
    if (a.processors.count) {
        const acm_processor_id p = a.processor(0);
        if ((p.fms & p.fms_mask) == p.fms && (p.platform_id & p.platform_mask) == p.platform_id)
            FUZZ_CHECK(r.find("TXT-A45")->outcome == check_outcome::pass);
    }
    if (a.tpm.count) FUZZ_CHECK(r.find("TXT-A48")->outcome == check_outcome::pass);

    const sinit_candidate c[2] = {{a.header.date, r.ok(), false}, {a.header.date, true, true}};
    FUZZ_CHECK(*choose_sinit(c, 2) == 1);
}

void getsec(const u8* data, std::size_t size) {
    std::vector<getsec_parameter_triple> seq(size / 12);
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const byte_view b(data + 12 * i, 12);
        seq[i] = {static_cast<u32>(load_le(b, 0, 4)), static_cast<u32>(load_le(b, 4, 4)),
                  static_cast<u32>(load_le(b, 8, 4))};
    }
    const result<getsec_parameters> p = decode_getsec_parameters(seq.data(), static_cast<u32>(seq.size()));
    if (p) {
        FUZZ_CHECK(p->indices >= 1 && p->indices <= max_getsec_parameter_indices);
        FUZZ_CHECK(p->version_count >= 1 && p->version_count <= max_getsec_acm_versions);
        FUZZ_CHECK((p->max_ac_size & 0x1F) == 0 && p->senter_controls <= 0x7F);
        getsec_parameter_triple out[max_getsec_parameter_indices]{};
        const u32 n = encode_getsec_parameters(*p, out, max_getsec_parameter_indices);
        FUZZ_CHECK(n >= 1);
        const result<getsec_parameters> again = decode_getsec_parameters(out, n);
        FUZZ_CHECK(again);
        getsec_parameters x = *p, y = *again;
        x.indices = y.indices = 0;
        x.stop_type = y.stop_type = 0;
        x.versions_dropped = y.versions_dropped = 0;
        FUZZ_CHECK(x == y);
    } else {
        check_error(p.err(), size);
    }

    if (const result<mle_join> j = decode_mle_join(byte_view(data, size)); j) {
        u8 buf[16];
        FUZZ_CHECK(encode_mle_join(*j, mutable_byte_view(buf)));
        FUZZ_CHECK(std::memcmp(buf, data, 16) == 0);
        const u64 at = size >= 24 ? load_le(byte_view(data, size), 16, 8) : 0x8F000;
        if (const status s = check_mle_join(at, *j); !s) check_error(s.err(), 0x1000);
    }
    if (size >= 8) {
        const byte_view b(data, size);
        const u64 base = load_le(b, 0, 8);
        const u64 len = size >= 16 ? load_le(b, 8, 8) : 0;
        const result<getsec_registers> r = senter_registers(base, len);
        if (r) FUZZ_CHECK(r->eax == 4 && r->ebx == base && r->ecx == len && r->edx == 0);
        smx_state s;
        s.has_cpuid1_ecx = s.has_cr0 = s.has_cr4 = s.has_feature_control = s.has_ests = s.has_sts = true;
        s.has_apic_base = s.has_getsec_capabilities = true;
        s.cpuid1_ecx = static_cast<u32>(base);
        s.cr0 = base >> 3;
        s.cr4 = base >> 7;
        s.feature_control = len;
        s.ests = len >> 5;
        s.sts = len >> 9;
        s.apic_base = base ^ len;
        s.getsec_capabilities = static_cast<u32>(len >> 32);
        check_report_sums(check_pre_senter(s));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view input(data, size);
    const result<parsed_acm> sinit = parse_acm(input);
    acm_parse_options any;
    any.require_sinit = false;
    any.allow_padding = false;
    const result<parsed_acm> lax = parse_acm(input, any);
    if (sinit) {
        FUZZ_CHECK(sinit->info.is_sinit());
        FUZZ_CHECK(lax || sinit->padding != 0);
        check_lists(*sinit);
        rebuild(*sinit, {});
        match(*sinit);
    } else {
        check_error(sinit.err(), size);
    }
    if (lax) {
        FUZZ_CHECK(lax->padding == 0);
        check_lists(*lax);
        rebuild(*lax, any);
        match(*lax);
    } else {
        check_error(lax.err(), size);
    }
    getsec(data, size);
    return 0;
}
