// A bare-metal use of the core, as a loader and a DLME would embed it. Compiled
// with freestanding flags; the object must need nothing but mem* from outside.
#include "slrt/slrt.hpp"

using namespace slrt;

// The DLME side: copy the table out of memory the loader controlled, validate the
// copy, and pull out what the launch needs. Returns 0 or the failed rule's code.
extern "C" int dlme_take_table(const unsigned char* table, unsigned long length, unsigned char* owned,
                               unsigned long owned_length, unsigned long long* log_addr) {
    const result<slrt::table> t = parse_copy(byte_view(table, length), mutable_byte_view(owned, owned_length));
    if (!t) return static_cast<int>(t.err().code);
    const result<log_info> log = t->get<log_info>();
    if (!log) return static_cast<int>(log.err().code);
    *log_addr = log->addr;
    const findings f = check_linux_v16(*t);
    return f.ok() ? 0 : static_cast<int>(f.items[0].code);
}

// The loader side: build a table in a page the loader allocated.
extern "C" int loader_build_table(unsigned char* page, unsigned long length, unsigned long long dlme_base) {
    builder b(mutable_byte_view(page, length), layout::v16);
    if (!b.init(architecture::intel_txt, 4096)) return -1;
    dl_info dl;
    dl.dlme_base = dlme_base;
    dl.dlme_size = 0x1000000;
    dl.dlme_entry = 0x100;
    dl.bl_context.bootloader = bootloader::grub;
    if (!b.add(dl) || !b.add(log_info{log_format::tpm20, 0x8000, dlme_base - 0x8000})) return -2;
    const result<entry_ref> policy = b.add_policy(2);
    if (!policy) return -3;
    if (!b.set_policy_entry(*policy, 0, {18, entity_type::slrt, policy_flag_implicit_size, 0, 0, "Measured SLR Table"}))
        return -4;
    if (!b.add(intel_info{})) return -5;
    char line[160];
    (void)format_error(parse(b.bytes()).err(), line, sizeof line);
    return static_cast<int>(b.size());
}

extern "C" int table_layouts(const unsigned char* table, unsigned long length) {
    return detect(byte_view(table, length)).strict;
}
