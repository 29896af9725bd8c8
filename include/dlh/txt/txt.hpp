// SPDX-License-Identifier: MIT
// Intel TXT launch contracts (spec/txt/README.md): registers, TXT.ERRORCODE, the TXT heap, the
// MLE header and page tables, SINIT ACMs and platform matching, GETSEC, DMA protection, MTRRs.
#pragma once

#include "dlh/txt/acm.hpp"
#include "dlh/txt/acm_match.hpp"
#include "dlh/txt/capabilities.hpp"
#include "dlh/txt/dma.hpp"
#include "dlh/txt/errorcode.hpp"
#include "dlh/txt/getsec.hpp"
#include "dlh/txt/heap.hpp"
#include "dlh/txt/heap_check.hpp"
#include "dlh/txt/heap_elements.hpp"
#include "dlh/txt/mle_header.hpp"
#include "dlh/txt/mle_pagetable.hpp"
#include "dlh/txt/mtrr.hpp"
#include "dlh/txt/registers.hpp"
