// Size probe: the TIS (FIFO) driver on the x86 platform: close_all, request, relinquish, transmit.
#include "dlh/tpm/tis.hpp"
#include "dlh/x86/platform.hpp"
extern "C" int probe_tis(const unsigned char* cmd, unsigned long n, unsigned char* rsp, unsigned long cap) {
    dlh::x86::platform p;
    dlh::tpm::tis<dlh::x86::platform> t(p);
    if (!t.close_all() || !t.request_locality(2)) return -1;
    const dlh::result<dlh::u32> r = t.transmit(2, dlh::byte_view(cmd, n), dlh::mutable_byte_view(rsp, cap));
    (void)t.relinquish_locality(2);
    return r ? static_cast<int>(*r) : -2;
}
