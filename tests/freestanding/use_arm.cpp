// A bare-metal use of the Arm DRTM contracts: the DCE preamble builds DRTM_PARAMETERS, the DLME
// checks its DLME data and event order. The object must need nothing but mem* from outside.
#include "dlh/arm/arm.hpp"
using namespace dlh;
using namespace dlh::arm;
extern "C" int preamble_build(unsigned char* page, unsigned long long region, unsigned long long image_size,
                              unsigned long long x1_tpm, unsigned long long x1_mem) {
    platform_features pf;
    pf.set(feature_id::tpm, 1, x1_tpm);
    pf.set(feature_id::minimum_memory, 1, x1_mem);
    dlme_region_request r;
    r.region_address = region;
    r.image_size = image_size;
    r.dlme_data_size = pf.memory.dlme_data_bytes();
    const result<drtm_parameters> p = plan_parameters(r, {&pf});
    if (!p) return -static_cast<int>(p.err().code);
    if (!build_parameters(*p, mutable_byte_view(page, 88), {&pf})) return -1;
    return 0;
}
extern "C" int dlme_check(const unsigned char* data, unsigned long n, const unsigned char* params) {
    const result<drtm_parameters> p = parse_parameters(byte_view(params, 88));
    if (!p) return 1;
    dlme_data_options o;
    o.params = &*p;
    const result<dlme_data> d = parse_dlme_data(byte_view(data, n), o);
    if (!d) { char line[200]; return static_cast<int>(slrt::format_error(d.err(), line, sizeof line)); }
    const result<order_report> r = check_event_order(d->event_log, {p->features().schema(), order_profile::tfa});
    return r ? 0 : 2;
}
extern "C" int tfa_log(unsigned char* buf, unsigned long n, const unsigned char* params, const unsigned char* image) {
    const result<drtm_parameters> p = parse_parameters(byte_view(params, 88));
    if (!p) return 1;
    slrt::log_writer w(mutable_byte_view(buf, n));
    if (!init_tfa_log(w)) return 2;
    return append_tfa_measurements(w, *p, byte_view(image, static_cast<unsigned long>(p->dlme_image_size))) ? 0 : 3;
}
extern "C" unsigned long error_text(unsigned long long code, char* out, unsigned long n) {
    return format_register(error_code_info, code, out, n) + (status_of(code).is_error() ? 1u : 0u);
}
