// SPDX-License-Identifier: GPL-2.0
/* Decoding /proc/PID/pagemap entries (Documentation/admin-guide/mm/pagemap.rst). */
#include <string.h>

#include "libmmdemo.h"
#include "unit.h"

int main(void)
{
	struct mmdemo_pte pte;

	mmdemo_pagemap_decode(0, &pte);
	CHECK(!pte.present && !pte.swapped && !pte.exclusive && !pte.soft_dirty && !pte.pfn);

	/* Present, file/shared, PFN 0x5312, as root sees a device page. */
	mmdemo_pagemap_decode((1ULL << 63) | (1ULL << 61) | 0x5312, &pte);
	CHECK(pte.present && pte.file_or_shared && pte.pfn == 0x5312);
	CHECK(!pte.exclusive && !pte.swapped);

	/* The same without CAP_SYS_ADMIN: the kernel zeroes the PFN. */
	mmdemo_pagemap_decode((1ULL << 63) | (1ULL << 61), &pte);
	CHECK(pte.present && pte.pfn == 0);

	/* Exclusive, soft-dirty anonymous page with the largest PFN. */
	mmdemo_pagemap_decode((1ULL << 63) | (1ULL << 56) | (1ULL << 55) | ((1ULL << 55) - 1), &pte);
	CHECK(pte.present && pte.exclusive && pte.soft_dirty && !pte.file_or_shared);
	CHECK(pte.pfn == (1ULL << 55) - 1);

	/* Swapped: bits 0-54 are the swap type and offset, not a PFN. */
	mmdemo_pagemap_decode((1ULL << 62) | 0x1234, &pte);
	CHECK(pte.swapped && !pte.present && pte.pfn == 0);

	return unit_result("test_pagemap");
}
