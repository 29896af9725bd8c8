// Shared by the packaging tests (tests/consumer/*.sh): built through find_package(slrt),
// through add_subdirectory(slrt), and with `pkg-config --cflags slrt`. Exits 0 only if a
// table built with the installed headers parses back.
#include <slrt/slrt.hpp>

#if __cplusplus < 202002L
#error "slrt::slrt must put its consumers in C++20 mode"
#endif

int main() {
    slrt::u8 page[4096] = {};
    slrt::builder b(page, slrt::layout::v16);
    if (!b.init(slrt::architecture::intel_txt, sizeof page)) return 1;
    if (!b.add(slrt::log_info{slrt::log_format::tpm20, 0x8000, 0x7f000000})) return 2;
    const slrt::result<slrt::table> t = slrt::parse(b.bytes());
    return t && t->get<slrt::log_info>()->addr == 0x7f000000 ? 0 : 3;
}
