// SPDX-License-Identifier: MIT
// The byte and error vocabulary of slrt (slrt/bytes.hpp, slrt/error.hpp), made visible in
// namespace dlh so that dlh::txt, dlh::skinit and dlh::arm share one set of names.
#pragma once

#include "slrt/bytes.hpp"
#include "slrt/error.hpp"

namespace dlh {

using slrt::u16;
using slrt::u32;
using slrt::u64;
using slrt::u8;

using slrt::byte_view;
using slrt::copy;
using slrt::fill;
using slrt::fits;
using slrt::le_u16;
using slrt::le_u32;
using slrt::le_u64;
using slrt::load_le;
using slrt::mutable_byte_view;
using slrt::store_le;

using slrt::errc;
using slrt::error;
using slrt::no_entry;
using slrt::result;
using slrt::status;
using slrt::success;

}  // namespace dlh
