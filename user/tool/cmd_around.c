// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo around: fault-around, on and off, over pages the device has and
 * pages it does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

static const char around_help[] =
"Usage: mmdemo around [-n PAGES] [--json] [--device PATH]\n"
"\n"
"Make PAGES device pages (default 64) resident with write(2), then map\n"
"them and PAGES more that the device does not have, in insert mode\n"
"without and with fault-around (see mmdemo(4)), and read every page\n"
"twice: once after the first fault made the page table, once after a\n"
"zap.  Reports device faults per page for each half: with fault-around\n"
"one read fault maps every resident page of the kernel's window\n"
"(/sys/kernel/debug/fault_around_bytes); pages the device does not have\n"
"still fault one by one.  Resets the device first.\n"
"\n"
"  -n, --pages N     resident pages (and as many absent ones)\n";

static const struct option options[] = {
	{ "pages", required_argument, NULL, 'n' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

struct around_run {
	uint32_t backing;
	uint64_t resident_faults, absent_faults;
};

static int around_run(struct cli *cli, struct mmdemo_dev *dev, size_t pages,
		      struct around_run *r)
{
	size_t ps = cli->page_size, len = 2 * pages * ps;
	volatile char *p;
	uint64_t f0;
	char *buf;
	int err;

	err = mmdemo_dev_reset(dev);
	buf = calloc(1, pages * ps);
	if (!err && !buf)
		err = -ENOMEM;
	if (!err && pwrite(mmdemo_dev_fd(dev), buf, pages * ps, 0) != (ssize_t)(pages * ps))
		err = -EIO;
	free(buf);
	if (!err)
		err = mmdemo_dev_set_backing(dev, r->backing);
	if (!err)
		err = mmdemo_map(dev, NULL, len, PROT_READ, MAP_SHARED, 0, (void **)&p);
	if (err)
		return err;
	/* The first fault makes the page table; the zap keeps it. */
	(void)p[0];
	err = mmdemo_dev_zap(dev);
	f0 = cli_dev_faults(dev);
	for (size_t i = 0; i < pages; i++)
		(void)p[i * ps];
	r->resident_faults = cli_dev_faults(dev) - f0;
	f0 = cli_dev_faults(dev);
	for (size_t i = pages; i < 2 * pages; i++)
		(void)p[i * ps];
	r->absent_faults = cli_dev_faults(dev) - f0;
	mmdemo_unmap((void *)p, len);
	return err;
}

static int run_around(struct cli *cli, int argc, char **argv)
{
	struct around_run runs[] = {
		{ .backing = MMDEMO_BACKING_INSERT },
		{ .backing = MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND },
	};
	uint64_t pages = 64, window = 0;
	struct mmdemo_info info;
	struct mmdemo_dev *dev;
	int c, err;

	while ((c = cli_getopt(cli, &cmd_around, argc, argv, "n:hjD:", options)) != -1) {
		if (c == 'n' && !cli_opt_pages(cli, optarg, 1 << 16, &pages))
			continue;
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	/* PAGES resident pages and as many absent ones. */
	err = cli_check_range(cli, dev, 0, 2 * pages, &info);
	if (err) {
		mmdemo_dev_close(dev);
		return err;
	}
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]) && !err; i++)
		err = around_run(cli, dev, pages, &runs[i]);
	mmdemo_dev_close(dev);
	if (err)
		return cli_fail(cli, "%s (is the device mapped by someone else?)", strerror(-err));
	window = cli_fault_around_bytes() / cli->page_size;

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "around");
		jw_u64(&cli->j, "pages", pages);
		if (window)
			jw_u64(&cli->j, "window_pages", window);
		else
			jw_null(&cli->j, "window_pages");
		jw_array_begin(&cli->j, "runs");
		for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
			jw_object_begin(&cli->j, NULL);
			jw_string(&cli->j, "backing", backing_name(runs[i].backing));
			jw_u64(&cli->j, "resident_faults", runs[i].resident_faults);
			jw_u64(&cli->j, "absent_faults", runs[i].absent_faults);
			jw_object_end(&cli->j);
		}
		jw_array_end(&cli->j);
		jw_object_end(&cli->j);
		if (!cli->text)
			return 0;
	}
	if (window)
		say(cli, "fault-around window: %llu page%s", (unsigned long long)window,
		    window == 1 ? " (nothing around the faulting one)" : "s");
	say(cli, "%-14s %22s %22s", "backing", "resident: faults/page", "absent: faults/page");
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		char a[32], b[32];

		snprintf(a, sizeof(a), "%llu/%llu", (unsigned long long)runs[i].resident_faults,
			 (unsigned long long)pages);
		snprintf(b, sizeof(b), "%llu/%llu", (unsigned long long)runs[i].absent_faults,
			 (unsigned long long)pages);
		say(cli, "%-14s %22s %22s", backing_name(runs[i].backing), a, b);
	}
	explain(cli, "A read fault with fault-around maps the pages the device already has in");
	explain(cli, "the same window, so reading them on costs no fault.  It never allocates:");
	explain(cli, "pages the device does not have yet still fault one by one.");
	return 0;
}

const struct cmd cmd_around = {
	.name = "around",
	.run = run_around,
	.summary = "fault-around on and off, side by side",
	.help = around_help,
	.options = options,
};
