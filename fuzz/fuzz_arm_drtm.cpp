// Fuzzes the Arm DRTM parsers (include/dlh/arm/) and checks what each promises. The first input
// byte chooses the target (bits 0-2) and its options (bits 3-7); the rest is the input:
//   0  DRTM_PARAMETERS, checked with a platform (bit 3: TF-A's FVP words; bit 4: the ACS
//      reading; bit 5: feature_match::supported)
//   1  DLME data, alone and with the DRTM_PARAMETERS taken from the last 88 bytes (bit 3)
//   2  a TCG log, then the PCR 17/18 order check (bit 3: authorities schema; bit 4: TF-A
//      profile; bit 5: SECURE_INT_DISABLE required; bit 6: permissive log)
//   3  the region parsers on their own: memory region table (both kinds), TCB hash table,
//      ACPI region (bit 3: with a base address taken from the first 8 bytes)
//   4+ the total decoders: status, version, features query, error code, feature words (8-byte
//      values), with the field printer
//
// Invariants: no crash; every error names an offset inside the input and a rule of the table,
// and formats into a bounded line; accepted DRTM_PARAMETERS build back to the same 88 bytes and
// parse to the same value; accepted DLME data rebuilt from its regions gives the same bytes;
// a parsed table's accessors stay inside it; the order check's error points at an event of the
// log (or its end) and never at an event of another PCR.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "dlh/arm/arm.hpp"

using namespace dlh;
using namespace dlh::arm;

#define FUZZ_CHECK(cond)           \
    do {                           \
        if (!(cond)) std::abort(); \
    } while (0)

namespace {

void check_error(const error& e, std::size_t size) {
    FUZZ_CHECK(e.code != errc::ok);
    FUZZ_CHECK(e.offset <= size);
    FUZZ_CHECK(e.rule && (e.rule[0] == 'A' || e.rule[0] == 'L'));
    if (e.rule[0] == 'A') {
        const rule_info* r = find_rule(e.rule);
        FUZZ_CHECK(r && r->code == e.code);
    }
    char line[320];
    FUZZ_CHECK(slrt::format_error(e, line, sizeof line) < sizeof line);
}

void parameters(u8 selector, byte_view in) {
    platform_features pf = tfa_fvp_features();
    if (selector & 0x10) {
        pf.reading = pcr_schema_reading::arm_acs;
        pf.tpm.raw |= u64{1} << 37;
    }
    parameter_check_options o;
    if (selector & 0x08) o.platform = &pf;
    o.match = (selector & 0x20) ? feature_match::supported : feature_match::tfa;

    const result<drtm_parameters> d = decode_parameters(in);
    if (!d) {
        check_error(d.err(), in.size());
        FUZZ_CHECK(in.size() < parameters_size);
        return;
    }
    u8 raw[parameters_size]{};
    encode_parameters(*d, mutable_byte_view(raw));
    FUZZ_CHECK(slrt::equal(byte_view(raw), in.subview(0, parameters_size)));  // decode reads every byte once
    const result<drtm_parameters> p = parse_parameters(in, o);
    if (!p) {
        check_error(p.err(), parameters_size);
        u8 untouched[parameters_size];
        for (u8& b : untouched) b = 0xa5;
        FUZZ_CHECK(!build_parameters(*d, mutable_byte_view(untouched), o));
        for (u8 b : untouched) FUZZ_CHECK(b == 0xa5);
        return;
    }
    // Accepted: the invariants the checks promise hold.
    FUZZ_CHECK(p->region().valid() && page_aligned(p->dlme_region_address));
    FUZZ_CHECK(p->region().contains(p->image()) && p->region().contains(p->data()));
    FUZZ_CHECK(!p->image().overlaps(p->data()));
    FUZZ_CHECK(p->image().contains(p->dlme_entry_point()) && (p->dlme_entry_point() & 3) == 0);
    u8 again[parameters_size]{};
    FUZZ_CHECK(build_parameters(*p, mutable_byte_view(again), o));
    FUZZ_CHECK(slrt::equal(byte_view(again), in.subview(0, parameters_size)));
    const result<drtm_parameters> back = parse_parameters(byte_view(again), o);
    FUZZ_CHECK(back && *back == *p);
}

void region_table(const memory_region_table& t) {
    u64 previous = 0;
    for (u32 i = 0; i < t.num_regions(); ++i) {
        const memory_region r = t.region(i);
        FUZZ_CHECK(page_aligned(r.address) && r.span().valid() && r.reserved_bits_set() == 0);
        FUZZ_CHECK(i == 0 || r.address >= previous);
        previous = r.address;
    }
}

void dlme(u8 selector, byte_view in) {
    dlme_data_options o;
    drtm_parameters prm;
    if ((selector & 0x08) && in.size() >= parameters_size) {
        const result<drtm_parameters> p = decode_parameters(in.subview(in.size() - parameters_size));
        FUZZ_CHECK(p);
        prm = *p;
        o.params = &prm;
        o.require_dlme_tables = (selector & 0x10) != 0;
    }
    const result<dlme_data> d = parse_dlme_data(in, o);
    if (!d) {
        check_error(d.err(), in.size());
        return;
    }
    FUZZ_CHECK(d->header.dlme_data_size <= in.size());
    FUZZ_CHECK(d->bytes.size() == d->header.dlme_data_size);
    u64 end = d->header.this_hdr_size;
    for (u32 i = 0; i < dlme_region_count; ++i) {
        const auto r = static_cast<dlme_region>(i);
        FUZZ_CHECK(d->offset_of(r) == end);
        FUZZ_CHECK(d->region(r).size() == d->size_of(r));
        end += d->size_of(r);
    }
    FUZZ_CHECK(end == d->header.dlme_data_size);
    region_table(d->protected_regions);
    region_table(d->address_map);
    FUZZ_CHECK(d->event_log.events_end() <= d->size_of(dlme_region::event_log));
    if (d->has_tcb_hash_table)
        for (u32 i = 0; i < d->tcb_hashes.num_hashes(); ++i)
            FUZZ_CHECK(d->tcb_hashes.hash(i).digest.size() == d->tcb_hashes.digest_size());
    if (d->has_acpi_tables)
        for (u32 i = 0; i < d->acpi_tables.entry_count(); ++i) (void)d->acpi_tables.table(i);
    if (d->header.this_hdr_size == dlme_data_header_size) {
        dlme_data_parts parts;
        for (u32 i = 0; i < dlme_region_count; ++i) parts.region[i] = d->region(static_cast<dlme_region>(i));
        std::vector<u8> again(d->bytes.size());
        const result<u64> n = build_dlme_data(parts, mutable_byte_view(again.data(), again.size()), o);
        FUZZ_CHECK(n && *n == again.size());
        FUZZ_CHECK(slrt::equal(byte_view(again.data(), again.size()), d->bytes));
    }
}

void order(u8 selector, byte_view in) {
    const slrt::mode m = (selector & 0x40) ? slrt::mode::permissive : slrt::mode::strict;
    const result<slrt::event_log> log = slrt::parse_event_log(in, {slrt::event_log_format::tcg, m});
    if (!log) {
        check_error(log.err(), in.size());
        return;
    }
    order_options o;
    o.schema = (selector & 0x08) ? pcr_schema::dlme_authorities : pcr_schema::default_schema;
    o.profile = (selector & 0x10) ? order_profile::tfa : order_profile::den0113;
    o.require_secure_int_disable = (selector & 0x20) != 0;
    const result<order_report> r = check_event_order(*log, o);
    if (r) {
        FUZZ_CHECK(r->pcr17_events >= 3 && r->pcr18_events >= 4);
        FUZZ_CHECK(r->pcr17_events + r->pcr18_events <= log->event_count());
        return;
    }
    check_error(r.err(), in.size());
    const u32 pcr = r.err().field[3] == '1' && r.err().field[4] == '7' ? 17 : 18;
    if (r.err().entry_index == no_entry) {
        FUZZ_CHECK(r.err().offset == log->events_end());
    } else {
        bool found = false;
        for (const slrt::event e : *log)
            if (e.index == r.err().entry_index) {
                FUZZ_CHECK(e.offset == r.err().offset && e.pcr == pcr && e.type == r.err().value);
                found = true;
            }
        FUZZ_CHECK(found);
    }
}

void tables(u8 selector, byte_view in) {
    for (region_table_kind k : {region_table_kind::protected_regions, region_table_kind::address_map}) {
        const result<memory_region_table> t = parse_memory_region_table(in, k, (selector & 0x10) != 0);
        if (t) {
            FUZZ_CHECK(memory_region_table_size(t->num_regions()) == in.size());
            region_table(*t);
        } else {
            check_error(t.err(), in.size());
        }
    }
    if (const result<tcb_hash_table> t = parse_tcb_hash_table(in, selector >> 5); t)
        FUZZ_CHECK(tcb_hash_table_size(t->hash_algo(), t->num_hashes()) == in.size());
    else
        check_error(t.err(), in.size());
    acpi_region_options o;
    if ((selector & 0x08) && in.size() >= 8) {
        o.has_base = true;
        o.base = load_le(in, 0, 8);
        o.require_dlme_tables = (selector & 0x10) != 0;
    }
    if (const result<acpi_region> a = parse_acpi_region(in, o); a) {
        FUZZ_CHECK(a->xsdt_length() <= in.size());
        for (u32 i = 0; i < a->entry_count(); ++i) {
            const acpi_table_ref t = a->table(i);
            if (o.has_base) FUZZ_CHECK(t.offset <= in.size() && t.length <= in.size() - t.offset);
        }
    } else {
        check_error(a.err(), in.size());
    }
}

void decoders(byte_view in) {
    char text[2048];
    for (std::size_t at = 0; at + 8 <= in.size() && at < 64; at += 8) {
        const u64 v = load_le(in, at, 8);
        const x0_status s = status_of(v);
        FUZZ_CHECK(s.what != x0_status::kind::named || name(s.code) != nullptr);
        (void)decode_version(v).major();
        const features_query q = decode_query(v);
        FUZZ_CHECK(q.is_feature == ((v >> 63) != 0));
        const drtm_error_code e = decode_error_code(v);
        const result<drtm_error_code> again = encode_error_code(e.phase_value(), e.id_value(), e.data());
        FUZZ_CHECK(again && *again == e);
        for (feature_id f : all_feature_ids)
            FUZZ_CHECK(format_register(feature_info(f, pcr_schema_reading::arm_acs), v, text, sizeof text) < sizeof text);
        FUZZ_CHECK(format_register(error_code_info, v, text, sizeof text) < sizeof text);
        FUZZ_CHECK(format_register(launch_features_info, v & 0xffffffffu, text, sizeof text) < sizeof text);
        FUZZ_CHECK(format_register(size_type_info, v, text, sizeof text) < sizeof text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const u8 selector = data[0];
    const byte_view in(data + 1, size - 1);
    switch (selector & 7) {
        case 0: parameters(selector, in); break;
        case 1: dlme(selector, in); break;
        case 2: order(selector, in); break;
        case 3: tables(selector, in); break;
        default: decoders(in); break;
    }
    return 0;
}
