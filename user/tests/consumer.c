// SPDX-License-Identifier: GPL-2.0
/* Built against an installed libmmdemo through pkg-config: proves the
 * header, the .pc file and both libraries are usable from outside. */
#include <libmmdemo.h>
#include <stdio.h>

int main(void)
{
	struct mmdemo_pte pte;

	mmdemo_pagemap_decode(1ULL << 63 | 42, &pte);
	printf("%s\n", pte.present && pte.pfn == 42 ? "ok" : "wrong");
	return !(pte.present && pte.pfn == 42);
}
