// A bare-metal use of the Intel TXT contracts, as a launcher (before GETSEC[SENTER]) and an MLE
// (after it) would embed them. Compiled with freestanding flags; the object must need nothing
// but mem* from outside.
#include "dlh/txt/txt.hpp"

using namespace dlh;
using namespace dlh::txt;
using slrt::byte_view;
using slrt::mutable_byte_view;
using slrt::u64;
using slrt::u8;

// Launcher: check the SINIT against the platform, plan the MTRRs that make it WB, build the MLE
// page tables and write OsMleData/OsSinitData after the BIOS's BiosData. Returns 0 or a step.
extern "C" int launcher_prepare(const u8* sinit, unsigned long sinit_size, u64 didvid, unsigned fms, u64 platform_id,
                                u64 mtrrcap, u8* tables, unsigned long tables_size, u64 tables_phys, u64 mle_phys,
                                u64 mle_size, u8* heap, unsigned long heap_size, u64 slrt_phys) {
    const auto acm = parse_acm(byte_view(sinit, sinit_size));
    if (!acm) return 1;
    platform_values platform;
    platform.has_didvid = true;
    platform.didvid = didvid;
    platform.has_fms = platform.has_platform_id = true;
    platform.fms = fms;
    platform.platform_id = platform_id;
    if (!match_acm(*acm, platform).ok()) return 2;
    if (!plan_acm_mtrrs(0x7f000000, sinit_size, mtrrcap)) return 3;
    if (!senter_registers(0x7f000000, sinit_size)) return 4;

    mle_ptab_request request;
    request.table_phys = tables_phys;
    request.mle_phys = mle_phys;
    request.mle_size = mle_size;
    const auto layout = build_mle_page_tables(mutable_byte_view(tables, tables_size), request);
    if (!layout) return 5;

    os_mle_data mle;
    mle.slrt = slrt_phys;
    os_sinit_data os_sinit;
    os_sinit.version = 7;
    os_sinit.mle_ptab = layout->pdpt;
    os_sinit.mle_size = mle_size;
    if (!write_launcher_tables(mutable_byte_view(heap, heap_size), mle, os_sinit)) return 6;
    return 0;
}

// MLE: validate the heap SINIT left, re-walk the MLE page tables and predict the measurement,
// and print a failed launch's TXT.ERRORCODE on the console buffer.
extern "C" int mle_check(const u8* heap, unsigned long heap_size, const u8* memory, unsigned long memory_size,
                         u64 memory_base, u64 pdpt, u64 mle_size, u64 errorcode, char* console, unsigned long cap) {
    if (!validate_heap(byte_view(heap, heap_size))) return 1;
    const slrt::memory_image mem(memory_base, byte_view(memory, memory_size));
    const slrt::hash_alg algs[] = {slrt::hash_alg::sha256};
    slrt::digest measured[1];
    mle_walk_params params;
    params.pdpt = pdpt;
    params.mle_size = mle_size;
    if (!predict_mle_measurement(mem, params, algs, 1, measured)) return 2;
    format_errorcode(errorcode, console, cap);
    return 0;
}
