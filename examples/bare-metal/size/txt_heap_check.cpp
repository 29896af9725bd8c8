// Size probe: the part of the TXT preamble that checks the heap it is about to write
// (dlh::txt::validate_heap at the pre-launch stage).
#include "dlh/txt/heap_check.hpp"
extern "C" int probe_txt_heap_check(const unsigned char* heap, unsigned long n,
                                    const dlh::txt::heap_check_options* o) {
    const dlh::txt::heap_parse_options p{dlh::txt::heap_stage::pre_launch, dlh::txt::os_mle_select::linux_v1};
    return dlh::txt::validate_heap(slrt::byte_view(heap, n), p, *o) ? 0 : 1;
}
