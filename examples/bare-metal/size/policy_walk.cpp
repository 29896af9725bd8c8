// Size probe: the policy walk (make_plan under the Linux v16 rules over a parsed table and a
// memory image), without hashing.
#include "policy/plan.hpp"
extern "C" int probe_policy_walk(const slrt::table* t, const unsigned char* mem, unsigned long n, unsigned long long base) {
    const slrt::memory_image image(base, slrt::byte_view(mem, n));
    slrt::plan<16> p;
    return slrt::make_plan(*t, image, slrt::measure_rules::linux_v16, p) ? static_cast<int>(p.count) : -1;
}
