// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo bench: what a page fault costs, per kind of memory, measured side
 * by side in one run.  Absolute times mean little (a VM under emulation is
 * slow); the ratios against anonymous memory and memfd, measured in the
 * same run, are the point.  A benchmark, not a test: it asserts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "parse.h"

static const char bench_help[] =
"Usage: mmdemo bench [-n PAGES] [-r REPEAT] [--only PARTS] [--svg FILE] [--json]\n"
"\n"
"faults: for anonymous memory (single pages, and transparent huge pages),\n"
"memfd, /dev/zero and the device in each backing mode (with and without\n"
"fault-around, and with MAP_POPULATE): the cost per page of mapping and\n"
"first writing PAGES pages (default 1024), of mapping them again and\n"
"writing them while they are resident (re-map), and of mapping them again\n"
"and reading them (re-read, where fault-around works), with minor faults\n"
"per page.  Every kind is measured once per round, REPEAT rounds (default\n"
"5); each figure is a median over the rounds, and each ratio the median of\n"
"the rounds' ratios against anonymous single pages (first touch:\n"
"MADV_NOHUGEPAGE, one fault per page, the floor) and memfd (re-map,\n"
"re-read).\n"
"throughput: read() against mmap()+memcpy of resident pages at 64 KiB,\n"
"1 MiB and 16 MiB.\n"
"threads: one thread against two faulting disjoint halves of new pages:\n"
"anonymous single pages and memfd (what the machine allows), page mode, and\n"
"insert with fault-around.\n"
"Resets the device before each device run: nothing else may map it.\n"
"\n"
"  -n, --pages N     pages per run\n"
"  -r, --repeat N    runs per figure (at most 31)\n"
"      --only PARTS  a comma-separated list of faults, throughput, threads\n"
"                    (default: all three)\n"
"      --svg FILE    also draw the costs per page as an SVG bar chart\n";

static const struct option options[] = {
	{ "pages", required_argument, NULL, 'n' },
	{ "repeat", required_argument, NULL, 'r' },
	{ "svg", required_argument, NULL, 'S' },
	{ "only", required_argument, NULL, 'O' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

/* What a run measures (--only). */
enum {
	PART_FAULTS = 1 << 0,
	PART_THROUGHPUT = 1 << 1,
	PART_THREADS = 1 << 2,
	PART_ALL = PART_FAULTS | PART_THROUGHPUT | PART_THREADS,
};

/* "faults,threads" and the like into PART_* bits; -EINVAL if not that. */
static int parse_parts(const char *arg, unsigned int *parts)
{
	static const char *const names[] = { "faults", "throughput", "threads" };
	const char *p = arg;

	*parts = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (len == strlen(names[i]) && !strncmp(p, names[i], len))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		*parts |= 1u << i;
		p += len;
		if (*p == ',' && *++p == '\0')
			return -EINVAL;
	}
	return *parts ? 0 : -EINVAL;
}

static int run_bench(struct cli *cli, int argc, char **argv)
{
	struct bench_kind ks[] = {
		{ .name = "anon pages", .kind = ANON, .advice = MADV_NOHUGEPAGE },
		{ .name = "anon thp", .kind = ANON, .advice = MADV_HUGEPAGE },
		{ .name = "memfd", .kind = MEMFD },
		{ .name = "/dev/zero", .kind = ZERO },
		{ .name = "dev page", .kind = DEVICE, .backing = MMDEMO_BACKING_PAGE },
		{ .name = "dev insert", .kind = DEVICE, .backing = MMDEMO_BACKING_INSERT },
		{ .name = "dev ins+ar", .kind = DEVICE,
		  .backing = MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND },
		{ .name = "dev pfn", .kind = DEVICE, .backing = MMDEMO_BACKING_PFN },
		{ .name = "dev pfn+ar", .kind = DEVICE,
		  .backing = MMDEMO_BACKING_PFN | MMDEMO_BACKING_FAULT_AROUND },
		{ .name = "dev eager", .kind = DEVICE, .backing = MMDEMO_BACKING_EAGER },
		{ .name = "dev huge", .kind = DEVICE, .backing = MMDEMO_BACKING_HUGE },
		{ .name = "dev populate", .kind = DEVICE, .backing = MMDEMO_BACKING_PAGE,
		  .extra_flags = MAP_POPULATE },
	};
	int nk = sizeof(ks) / sizeof(ks[0]), c, err;
	const char *anon_baseline = ks[0].name;
	uint64_t pages = 1024, repeat = 5;
	const char *svg_path = NULL;
	struct throughput tp[3];
	struct mmdemo_info info;
	struct thread_kind tks[NR_THREAD_KINDS] = {
		{ .k = { .name = "anon pages", .kind = ANON, .advice = MADV_NOHUGEPAGE } },
		{ .k = { .name = "memfd", .kind = MEMFD } },
		{ .k = { .name = "dev page", .kind = DEVICE, .backing = MMDEMO_BACKING_PAGE } },
		{ .k = { .name = "dev ins+ar", .kind = DEVICE,
			 .backing = MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND } },
	};
	int ntk = NR_THREAD_KINDS;
	unsigned int parts = PART_ALL;
	struct mmdemo_dev *dev;

	while ((c = cli_getopt(cli, &cmd_bench, argc, argv, "n:r:hjD:", options)) != -1) {
		if (c == 'n' && !cli_opt_pages(cli, optarg, 1 << 16, &pages))
			continue;
		if (c == 'r' && !parse_number(optarg, 1, MAX_REPEAT, &repeat))
			continue;
		if (c == 'r')
			return cli_usage(cli, "--repeat '%s': expected 1 to %d", optarg, MAX_REPEAT);
		if (c == 'S') {
			svg_path = optarg;
			continue;
		}
		if (c == 'O') {
			if (parse_parts(optarg, &parts))
				return cli_usage(cli, "--only '%s': expected a comma-separated list "
						 "of faults, throughput and threads", optarg);
			continue;
		}
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (svg_path && !(parts & PART_FAULTS))
		return cli_usage(cli, "--svg draws the fault costs: it needs --only faults");
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	err = cli_check_range(cli, dev, 0, pages, &info);
	mmdemo_dev_close(dev);
	if (err)
		return err;

	err = parts & PART_FAULTS ? bench_faults(cli, ks, nk, pages, (int)repeat) : 0;
	if (err)
		return err;
	for (int i = 0; i < 3 && (parts & PART_THROUGHPUT); i++) {
		size_t len = (size_t)(64 << 10) << (4 * i);	/* 64 KiB, 1 MiB, 16 MiB */

		if (len > info.size)
			len = info.size;
		err = bench_throughput(cli, len, (int)repeat, &tp[i]);
		if (err)
			return cli_fail(cli, "throughput: %s", strerror(-err));
	}
	err = parts & PART_THREADS ? bench_threads(cli, tks, ntk, pages, (int)repeat) : 0;
	if (err)
		return err;

	if (svg_path) {
		FILE *f = fopen(svg_path, "w");

		if (!f)
			return cli_fail(cli, "%s: %s", svg_path, strerror(errno));
		bench_svg(f, ks, nk);
		fclose(f);
	}
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "bench");
		jw_u64(&cli->j, "pages", pages);
		jw_u64(&cli->j, "repeat", repeat);
		if (parts & PART_FAULTS)
			bench_json_kinds(cli, ks, nk, anon_baseline);
		if (parts & PART_THROUGHPUT) {
			jw_array_begin(&cli->j, "throughput");
			for (int i = 0; i < 3; i++) {
				jw_object_begin(&cli->j, NULL);
				jw_u64(&cli->j, "bytes", tp[i].bytes);
				jw_u64(&cli->j, "read_mb_s", (uint64_t)tp[i].read_mb_s);
				jw_u64(&cli->j, "mmap_mb_s", (uint64_t)tp[i].mmap_mb_s);
				jw_object_end(&cli->j);
			}
			jw_array_end(&cli->j);
		}
		if (parts & PART_THREADS) {
			jw_array_begin(&cli->j, "threads");
			for (int i = 0; i < ntk; i++) {
				jw_object_begin(&cli->j, NULL);
				jw_string(&cli->j, "kind", tks[i].k.name);
				jw_u64(&cli->j, "one_ns_per_page", (uint64_t)tks[i].one);
				jw_u64(&cli->j, "two_ns_per_page", (uint64_t)tks[i].two);
				jw_u64(&cli->j, "speedup_x100", x1000(tks[i].speedup) / 10);
				jw_object_end(&cli->j);
			}
			jw_array_end(&cli->j);
		}
		jw_object_end(&cli->j);
		if (!cli->text)
			return 0;
	}
	if (parts & PART_FAULTS)
		bench_say_kinds(cli, ks, nk, pages, repeat);
	if (parts & PART_THROUGHPUT) {
		say(cli, "%s", "");
		say(cli, "%-9s %10s %10s %8s", "reading", "read() MB/s", "mmap MB/s", "mmap/read");
		for (int i = 0; i < 3; i++)
			say(cli, "%6zu kB %10.0f %10.0f %8.2f", tp[i].bytes / 1024, tp[i].read_mb_s,
			    tp[i].mmap_mb_s, tp[i].mmap_mb_s / tp[i].read_mb_s);
	}
	if (parts & PART_THREADS)
		bench_say_threads(cli, tks, ntk, pages, repeat);
	return 0;
}
const struct cmd cmd_bench = {
	.name = "bench",
	.run = run_bench,
	.summary = "cost per page of faults, side by side",
	.help = bench_help,
	.options = options,
};
