/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page grid of 'mmdemo map' and 'mmdemo watch': one letter per page,
 * and a colour that only repeats what the letter says (NO_COLOR keeps
 * the letters).
 */
#ifndef MMDEMO_GRID_H
#define MMDEMO_GRID_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/*
 * Not @mapped: '.' never faulted, '-' the device has it but this mapping
 * does not.  Mapped: o/O/@ for 1 (or none: eager mode), 2-9, 10+ faults;
 * w/W the same, written since the last clean.  The device-wide view of
 * watch, which has no mapping of its own, passes @faults || @dirty.
 */
char grid_char(bool mapped, uint32_t faults, bool dirty);
/* The SGR colour of a grid letter, "" without colour. */
const char *grid_color(struct cli *cli, char c);

/*
 * "     128 [..oowW...]": @n letters of @cells from page @first on, each in
 * its colour; a page whose @changed is set stands out (reverse video).
 */
void grid_row(struct cli *cli, FILE *f, uint64_t first, const char *cells, size_t n,
	      const bool *changed);

#endif
