// Size probe: the SLRT validator (slrt::parse, every layout rule, no consumer profile).
#include "slrt/table.hpp"
extern "C" int probe_validator(const unsigned char* bytes, unsigned long n) {
    const slrt::result<slrt::table> t = slrt::parse(slrt::byte_view(bytes, n));
    return t ? 0 : static_cast<int>(t.err().code);
}
