// A bare-metal use of the AMD SKINIT contracts: SLB and SKL header checks, PCR 17 prediction,
// SLRT placement, the setup_data chain and the ASP tables. Nothing but mem* from outside.
#include "dlh/skinit/skinit.hpp"
using namespace dlh;
using namespace dlh::skinit;
extern "C" int use_skinit(const slrt::u8* p, unsigned n, slrt::u8* out, unsigned out_n) {
    const slrt::byte_view in(p, n);
    int r = 0;
    r += parse_skl(in) ? 1 : 0;
    r += check_preconditions(cpu_state{}).count;
    slrt::digest d[2];
    const slrt::hash_alg banks[] = {slrt::hash_alg::sha1, slrt::hash_alg::sha256};
    if (auto s = parse_slb(in)) r += predict_pcr17(*s, banks, 2, d) ? 1 : 0;
    r += place_slrt(slrt::mutable_byte_view(out, out_n), in) ? 1 : 0;
    const ram_image ram(0x1000, slrt::mutable_byte_view(out, out_n));
    r += find_amd_info(ram, 0x1000) ? 1 : 0;
    r += splice_amd_info(ram, 0x1000, 0x1100) ? 1 : 0;
    r += asp::parse_acpi_drtm(in) ? 1 : 0;
    r += asp::parse_aspt(in) ? 1 : 0;
    r += asp::check_response(n) ? 1 : 0;
    if (auto t = slrt::parse(in)) {
        slrt::pcr_bank_set set;
        r += predict_amd_launch(*t, ram, banks, 2, amd_launch_options{}, set) ? 1 : 0;
    }
    return r;
}
