// Shared by the packaging tests (tests/consumer/*.sh): built through find_package(slrt),
// through add_subdirectory(slrt), and with `pkg-config --cflags slrt`.
#include <slrt/slrt.hpp>

#if __cplusplus < 202002L
#error "slrt::slrt must put its consumers in C++20 mode"
#endif

int main() { return 0; }
