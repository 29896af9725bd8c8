// Test support for the Arm DRTM tests: spec/vectors/arm (support/vectors.hpp) and the objects of
// its manifest. Include <catch2/catch.hpp> first.
#pragma once

#include <string>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dlh/arm/features.hpp"
#include "vectors.hpp"

namespace slrt_test {

inline const vector_dir arm_vectors("arm");

// The manifest's platform object: each key present is a feature the platform answered.
inline dlh::arm::platform_features platform_from(const nlohmann::json& j) {
    using dlh::arm::feature_id;
    dlh::arm::platform_features p;
    if (j.contains("reading"))
        REQUIRE(dlh::arm::pcr_schema_reading_from_name(j["reading"].get<std::string>().c_str(), p.reading));
    const std::pair<const char*, feature_id> keys[] = {{"tpm", feature_id::tpm},
                                                       {"minimum_memory", feature_id::minimum_memory},
                                                       {"dma_protection", feature_id::dma_protection},
                                                       {"boot_pe_id", feature_id::boot_pe_id},
                                                       {"tcb_hashes", feature_id::tcb_hashes},
                                                       {"dlme_image_authentication", feature_id::dlme_image_authentication}};
    for (const auto& [key, id] : keys)
        if (j.contains(key)) p.set(id, 1, j[key].get<slrt::u64>());
    return p;
}

}  // namespace slrt_test
