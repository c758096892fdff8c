// SPDX-License-Identifier: GPL-2.0
/* mmdemo faults: watch pages get faulted in, one touch at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "faults.h"

static const char faults_help[] =
"Usage: mmdemo faults [OPTIONS]\n"
"\n"
"Map pages of the device and touch them one at a time.  For each touch:\n"
"the virtual address, the page index, the change in this process's minor\n"
"and major fault counters (getrusage), the change in the device's fault\n"
"counter, and whether the page was resident before and after (mincore).\n"
"A second pass touches the same pages again: resident pages do not fault.\n"
"Then Rss and friends from /proc/self/smaps and the device statistics.\n"
"\n"
"  -n, --pages N          pages to map (default 8)\n"
"  -l, --length BYTES     or map BYTES, rounded up to whole pages (64k, 1M)\n"
"      --step BYTES       touch every BYTES (default: once per page); with\n"
"                         --length 64k --step 4k every page size makes the\n"
"                         same 16 touches, and larger pages fault fewer times\n"
"  -o, --offset BYTES     device offset of the mapping (page aligned; 4k, 1M ok)\n"
"      --shared           MAP_SHARED (default)\n"
"      --private          MAP_PRIVATE: writes are copied, not shared\n"
"  -w, --write            write each page (default: read it)\n"
"  -p, --pattern P        sequential (default), random, or stride:K\n"
"      --seed N           seed for the random pattern (default 1)\n"
"      --latency US       make the device slow for this run: a page it does\n"
"                         not have yet takes US microseconds to fetch and\n"
"                         counts as a major fault (set back to 0 after;\n"
"                         needs CAP_SYS_ADMIN, since it slows every user)\n"
"  -b, --backing MODE     page (default), insert, pfn, eager or huge: how\n"
"                         the device backs the mapping (see mmdemo(4));\n"
"                         MODE+around (not page) adds fault-around\n"
"  -q, --quiet            totals only, no row per touch\n"
"      --json             one JSON object on stdout\n"
"      --device PATH      default " MMDEMO_DEV_PATH "\n";

/* Touches per run: the records of two passes stay small. */
#define MAX_TOUCHES	(1U << 20)

static const struct option options[] = {
	{ "pages", required_argument, NULL, 'n' },
	{ "length", required_argument, NULL, 'l' },
	{ "step", required_argument, NULL, 'T' },
	{ "offset", required_argument, NULL, 'o' },
	{ "shared", no_argument, NULL, 'S' },
	{ "private", no_argument, NULL, 'P' },
	{ "write", no_argument, NULL, 'w' },
	{ "pattern", required_argument, NULL, 'p' },
	{ "seed", required_argument, NULL, 's' },
	{ "latency", required_argument, NULL, 'L' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "slow", no_argument, NULL, 'W' },
	{ "backing", required_argument, NULL, 'b' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

static int run_faults(struct cli *cli, int argc, char **argv)
{
	struct faults_opts o = { .nr_pages = 8, .seed = 1 };
	struct mmdemo_info info;
	struct mmdemo_dev *dev;
	struct faults_run run;
	uint64_t length = 0;
	bool quiet = false;
	char buf[64];
	int c, err;

	while ((c = cli_getopt(cli, &cmd_faults, argc, argv, "n:l:o:wp:qb:hjD:", options)) != -1) {
		switch (c) {
		case 'n':
			if (cli_opt_pages(cli, optarg, MAX_TOUCHES, &o.nr_pages))
				return EXIT_USAGE;
			length = 0;
			break;
		case 'l':
			if (parse_size(optarg, &length) || !length ||
			    length > (uint64_t)MAX_TOUCHES * cli->page_size)
				return cli_usage(cli, "--length '%s': expected a size from 1 to %llu pages, such as 64k or 1M",
						 optarg, (unsigned long long)MAX_TOUCHES);
			o.nr_pages = (length + cli->page_size - 1) / cli->page_size;
			break;
		case 'T':
			if (parse_size(optarg, &o.step) || !o.step || o.step > cli->page_size ||
			    cli->page_size % o.step)
				return cli_usage(cli, "--step '%s': expected a size that divides the page size (%zu), such as 4k",
						 optarg, cli->page_size);
			break;
		case 'o':
			if (cli_opt_offset(cli, optarg, &o.offset))
				return EXIT_USAGE;
			break;
		case 'S':
			o.private = false;
			break;
		case 'P':
			o.private = true;
			break;
		case 'w':
			o.write = true;
			break;
		case 'p':
			if (cli_opt_pattern(cli, "--pattern", optarg, &o.pattern))
				return EXIT_USAGE;
			break;
		case 's':
			if (parse_number(optarg, 0, UINT64_MAX, &o.seed))
				return cli_usage(cli, "--seed '%s': expected a number", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'W':
			o.pause_ms = 250;
			break;
		case 'b':
			if (parse_backing(optarg, &o.backing))
				return cli_usage(cli, "--backing '%s': expected " BACKING_CHOICES,
						 optarg);
			break;
		case 'L': {
			uint64_t us;

			if (parse_number(optarg, 0, MMDEMO_MAX_LATENCY_US, &us))
				return cli_usage(cli, "--latency '%s': expected microseconds, 0 to %u",
						 optarg, MMDEMO_MAX_LATENCY_US);
			o.latency_us = (uint32_t)us;
			break;
		}
		default:
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (o.step && o.nr_pages * (cli->page_size / o.step) > MAX_TOUCHES)
		return cli_usage(cli, "--step %llu: more than %u touches", (unsigned long long)o.step,
				 MAX_TOUCHES);

	/* Writing shared pages, and setting a latency, need a writable file. */
	if (cli_open(cli, (o.write && !o.private) || o.latency_us ? O_RDWR : O_RDONLY, &dev))
		return 1;
	err = cli_check_range(cli, dev, o.offset, o.nr_pages, &info);
	if (err) {
		mmdemo_dev_close(dev);
		return err;
	}

	err = faults_measure(cli, dev, &o, &run);
	if (err) {
		faults_finish(&run);
		mmdemo_dev_close(dev);
		if (err == -EPERM && o.latency_us)
			return cli_fail(cli, "--latency: %s: the device's latency slows every user's faults, so setting it needs CAP_SYS_ADMIN",
					strerror(-err));
		return cli_fail(cli, "%s", strerror(-err));
	}
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "faults");
		jw_string(&cli->j, "device", cli->device);
		jw_u64(&cli->j, "page_size", cli->page_size);
	}
	if (cli->text) {
		say(cli, "%llu page%s of %s at offset %llu (%s backing): MAP_%s, %s, %s %ss",
		    (unsigned long long)o.nr_pages, o.nr_pages == 1 ? "" : "s", cli->device,
		    (unsigned long long)o.offset, backing_name(o.backing),
		    o.private ? "PRIVATE" : "SHARED",
		    o.write ? "PROT_READ|PROT_WRITE" : "PROT_READ",
		    pattern_name(&o.pattern, buf, sizeof(buf)), o.write ? "write" : "read");
		say(cli, "mapped at %p-%p, page size %zu bytes",
		    run.map, (char *)run.map + run.length, cli->page_size);
		if (o.step && o.step != cli->page_size)
			say(cli, "a touch every %llu bytes: %zu to a page, %zu in all",
			    (unsigned long long)o.step, cli->page_size / (size_t)o.step,
			    run.nr_touches);
	}
	faults_report(cli, &o, &run, !quiet);
	if (cli->json)
		jw_object_end(&cli->j);
	faults_finish(&run);
	mmdemo_dev_close(dev);
	return 0;
}

const struct cmd cmd_faults = {
	.name = "faults",
	.run = run_faults,
	.summary = "watch pages fault in, touch by touch",
	.help = faults_help,
	.options = options,
};
