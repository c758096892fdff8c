// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>

#include "grid.h"

char grid_char(bool mapped, uint32_t faults, bool dirty)
{
	if (!mapped)
		return faults ? '-' : '.';
	if (dirty)
		return faults >= 2 ? 'W' : 'w';
	return faults >= 10 ? '@' : faults >= 2 ? 'O' : 'o';
}

const char *grid_color(struct cli *cli, char c)
{
	switch (c) {
	case '.':
	case '-':
		return color(cli, C_DIM);
	case 'o':
	case 'O':
	case '@':
		return color(cli, C_GREEN);
	case 'w':
	case 'W':
		return color(cli, C_YELLOW);
	default:
		return color(cli, C_RESET);
	}
}

void grid_row(struct cli *cli, FILE *f, uint64_t first, const char *cells, size_t n,
	      const bool *changed)
{
	const char *last = "";

	fprintf(f, "%8" PRIu64 " [", first);
	for (size_t i = 0; i < n; i++) {
		const char *c = grid_color(cli, cells[i]);
		bool hl = changed && changed[i] && cli->color;

		/* One escape sequence per run of a colour, not per letter. */
		if (hl)
			fprintf(f, "%s%s", color(cli, C_RESET), color(cli, C_REVERSE));
		if (hl || c != last)
			fputs(c, f);
		fputc(cells[i], f);
		if (hl)
			fputs(color(cli, C_RESET), f);
		last = hl ? "" : c;
	}
	fprintf(f, "%s]", color(cli, C_RESET));
}
