// SPDX-License-Identifier: MIT
// slrt: the Secure Launch Resource Table, freestanding and constexpr.
//
//   layouts      wire.hpp (packed overlays), layout.hpp (profiles v6, v9, v10, v12, v16)
//   values       constants.hpp, guid.hpp, entries.hpp, dlme.hpp
//   bytes        bytes.hpp (byte views, little-endian codecs), codec.hpp
//   reading      table.hpp (parse, parse_copy, iteration), quirks.hpp
//   writing      builder.hpp
//   profiles     convert.hpp (detect, convert), consumers.hpp (linux-v16, xen, skl)
//   errors       error.hpp
#pragma once

#include "slrt/builder.hpp"
#include "slrt/bytes.hpp"
#include "slrt/codec.hpp"
#include "slrt/constants.hpp"
#include "slrt/consumers.hpp"
#include "slrt/convert.hpp"
#include "slrt/dlme.hpp"
#include "slrt/entries.hpp"
#include "slrt/error.hpp"
#include "slrt/guid.hpp"
#include "slrt/layout.hpp"
#include "slrt/quirks.hpp"
#include "slrt/table.hpp"
#include "slrt/wire.hpp"
