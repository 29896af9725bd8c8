// Size probe: the part of the TXT preamble that reads a SINIT file and matches it to the platform
// (dlh::txt::parse_acm and match_acm).
#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"
extern "C" int probe_txt_acm(const unsigned char* file, unsigned long n, const dlh::txt::platform_values* v) {
    const slrt::result<dlh::txt::parsed_acm> a = dlh::txt::parse_acm(slrt::byte_view(file, n));
    if (!a) return 2;
    return dlh::txt::match_acm(*a, *v).ok() ? 0 : 1;
}
