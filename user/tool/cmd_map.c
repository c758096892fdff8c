// SPDX-License-Identifier: GPL-2.0
/* mmdemo map: a page grid of one mapping, in the spirit of vmtouch -v. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "grid.h"
#include "parse.h"

static const char map_help[] =
"Usage: mmdemo map [-n PAGES] [-o OFFSET] [-t PATTERN] [-w] [--json]\n"
"\n"
"Map PAGES pages of the device (default 64) at OFFSET, touch the pages\n"
"PATTERN selects (none by default: sequential, random or stride:K), and\n"
"draw the mapping one character per page:\n"
"\n"
"  .   never touched: the device has no page there\n"
"  -   the device has the page, but it is not mapped here (no PTE)\n"
"  o   mapped here; the device served 1 fault for it\n"
"  O   mapped here; 2-9 faults        @   mapped here; 10 or more\n"
"  w W the same as o O, and the page was written through a mapping since\n"
"      the last clean (the device's dirty tracking)\n"
"\n"
"  -n, --pages N        pages (default 64)\n"
"  -o, --offset BYTES   device offset (page aligned)\n"
"  -t, --touch PATTERN  pages to touch first\n"
"  -w, --write          write instead of read when touching\n"
"  -c, --clean          forget the device's dirty pages first (MMDEMO_IOC_CLEAN)\n";

static const struct option options[] = {
	{ "pages", required_argument, NULL, 'n' },
	{ "offset", required_argument, NULL, 'o' },
	{ "touch", required_argument, NULL, 't' },
	{ "write", no_argument, NULL, 'w' },
	{ "clean", no_argument, NULL, 'c' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

static int run_map(struct cli *cli, int argc, char **argv)
{
	uint64_t nr = 64, offset = 0;
	struct pattern touch = { 0 };
	bool do_touch = false, write = false, clean = false;
	struct mmdemo_info info;
	uint8_t *dirty;
	struct mmdemo_dev *dev;
	unsigned char *vec;
	uint32_t *counts;
	size_t *order, ps = cli->page_size;
	int c, err;
	char *map, *grid;

	while ((c = cli_getopt(cli, &cmd_map, argc, argv, "n:o:t:wchjD:", options)) != -1) {
		switch (c) {
		case 'n':
			if (cli_opt_pages(cli, optarg, 1 << 16, &nr))
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_opt_offset(cli, optarg, &offset))
				return EXIT_USAGE;
			break;
		case 't':
			if (cli_opt_pattern(cli, "--touch", optarg, &touch))
				return EXIT_USAGE;
			do_touch = true;
			break;
		case 'w':
			write = true;
			break;
		case 'c':
			clean = true;
			break;
		default:
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (cli_open(cli, write ? O_RDWR : O_RDONLY, &dev))
		return 1;
	if (clean && (err = mmdemo_dev_clean(dev))) {
		mmdemo_dev_close(dev);
		return cli_fail(cli, "clean: %s", strerror(-err));
	}
	err = cli_check_range(cli, dev, offset, nr, &info);
	if (err) {
		mmdemo_dev_close(dev);
		return err;
	}
	err = mmdemo_map(dev, NULL, nr * ps, PROT_READ | (write ? PROT_WRITE : 0),
			 MAP_SHARED, (off_t)offset, (void **)&map);
	if (err) {
		mmdemo_dev_close(dev);
		return cli_fail(cli, "mmap: %s", strerror(-err));
	}
	vec = calloc(nr, 1);
	counts = calloc(nr, sizeof(*counts));
	dirty = calloc(nr, 1);
	order = calloc(nr, sizeof(*order));
	grid = calloc(nr + 1, 1);
	if (!vec || !counts || !dirty || !order || !grid) {
		err = -ENOMEM;
		goto out;
	}
	if (do_touch) {
		size_t n = pattern_order(&touch, nr, 1, order);

		for (size_t i = 0; i < n; i++) {
			if (write)
				((volatile char *)map)[order[i] * ps] = 1;
			else
				(void)((volatile char *)map)[order[i] * ps];
		}
	}
	err = mmdemo_residency(map, nr * ps, vec);
	if (!err)
		err = mmdemo_dev_page_faults(dev, offset / ps, (uint32_t)nr, counts);
	if (!err)
		err = mmdemo_dev_dirty(dev, offset / ps, (uint32_t)nr, dirty);
	if (err)
		goto out;
	for (size_t i = 0; i < nr; i++)
		grid[i] = grid_char(vec[i], counts[i], dirty[i]);

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "map");
		jw_addr(&cli->j, "address", map);
		jw_u64(&cli->j, "pages", nr);
		jw_u64(&cli->j, "offset", offset);
		jw_string(&cli->j, "grid", grid);
		jw_array_begin(&cli->j, "page_faults");
		for (size_t i = 0; i < nr; i++)
			jw_u64(&cli->j, NULL, counts[i]);
		jw_array_end(&cli->j);
		jw_array_begin(&cli->j, "dirty");
		for (size_t i = 0; i < nr; i++)
			jw_bool(&cli->j, NULL, dirty[i]);
		jw_array_end(&cli->j);
		jw_array_begin(&cli->j, "resident");
		for (size_t i = 0; i < nr; i++)
			jw_bool(&cli->j, NULL, vec[i]);
		jw_array_end(&cli->j);
		jw_object_end(&cli->j);
	}
	if (cli->text) {
		say(cli, "%" PRIu64 " pages of %s from offset %" PRIu64 ", mapped at %p",
		    nr, cli->device, offset, (void *)map);
		for (size_t i = 0; i < nr; i += 64)
		{
			grid_row(cli, stdout, offset / ps + i, grid + i, nr - i < 64 ? nr - i : 64, NULL);
			putchar('\n');
		}
		explain(cli, "  . untouched  - in the device, not mapped here  o/O/@ mapped "
			"(1, 2-9, 10+ faults)  w/W dirty");
	}
out:
	free(vec);
	free(counts);
	free(dirty);
	free(order);
	free(grid);
	munmap(map, nr * ps);
	mmdemo_dev_close(dev);
	return err ? cli_fail(cli, "%s", strerror(-err)) : 0;
}

const struct cmd cmd_map = {
	.name = "map",
	.run = run_map,
	.summary = "a page grid of one mapping",
	.help = map_help,
	.options = options,
};
