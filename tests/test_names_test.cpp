// ctest runs each Catch2 test case by name (catch_discover_tests); a '[' or ']' in a name is
// read as a tag filter, so the case would match nothing and "pass" without running.
#include <catch2/catch.hpp>

TEST_CASE("test case names carry no brackets, so ctest runs every case") {
    const auto& tests = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
    REQUIRE(tests.size() > 100);
    for (const Catch::TestCase& t : tests) {
        INFO(t.getTestCaseInfo().name);
        CHECK(t.getTestCaseInfo().name.find_first_of("[]") == std::string::npos);
    }
}
