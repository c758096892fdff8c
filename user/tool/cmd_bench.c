// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo bench: what a page fault costs, per kind of memory, measured side
 * by side in one run.  Absolute times mean little (a VM under emulation is
 * slow); the ratios against anonymous memory and memfd, measured in the
 * same run, are the point.  A benchmark, not a test: it asserts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"

static const char bench_help[] =
"Usage: mmdemo bench [-n PAGES] [-r REPEAT] [--svg FILE] [--json]\n"
"\n"
"For anonymous memory, memfd, /dev/zero and the device in each backing\n"
"mode: the cost per page of mapping and first touching PAGES pages\n"
"(default 1024), the cost per page of mapping again and touching pages\n"
"that are already resident, and minor faults per page.  Each figure is\n"
"the median of REPEAT runs (default 5).  Ratios are against anonymous\n"
"memory (first touch) and memfd (re-map), measured in the same run.\n"
"Resets the device before each device run: nothing else may map it.\n"
"\n"
"  -n, --pages N     pages per run\n"
"  -r, --repeat N    runs per figure\n"
"      --svg FILE    also draw the costs per page as an SVG bar chart\n";

static const struct option options[] = {
	{ "pages", required_argument, NULL, 'n' },
	{ "repeat", required_argument, NULL, 'r' },
	{ "svg", required_argument, NULL, 'S' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

enum kind { ANON, MEMFD, ZERO, DEVICE };

struct bench_kind {
	const char *name;
	enum kind kind;
	uint32_t backing;	/* DEVICE only */
	double first_ns, remap_ns;	/* per page, medians; remap < 0: n/a */
	double first_faults, remap_faults;	/* minor faults per page */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Maps @len bytes of @k's memory on @fd; MAP_FAILED on error. */
static char *map_kind(const struct bench_kind *k, int fd, size_t len)
{
	if (k->kind == ANON)
		return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

/* Map and write one byte per page; returns ns per page, faults via @faults. */
static double touch_run(const struct bench_kind *k, int fd, size_t pages, size_t ps,
			double *faults, char **keep)
{
	struct mmdemo_rusage r0, r1;
	double t0, t1;
	char *p;

	mmdemo_rusage(&r0);
	t0 = now_ns();
	p = map_kind(k, fd, pages * ps);
	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < pages; i++)
		((volatile char *)p)[i * ps] = 1;
	t1 = now_ns();
	mmdemo_rusage(&r1);
	*faults = (double)(r1.minflt - r0.minflt) / (double)pages;
	*keep = p;
	return (t1 - t0) / (double)pages;
}

static int open_kind(struct cli *cli, const struct bench_kind *k, size_t len,
		     struct mmdemo_dev **dev)
{
	int fd;

	switch (k->kind) {
	case MEMFD:
		fd = memfd_create("mmdemo-bench", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, (off_t)len)) {
			close(fd);
			return -1;
		}
		return fd;
	case ZERO:
		return open("/dev/zero", O_RDWR | O_CLOEXEC);
	case DEVICE:
		if (mmdemo_dev_open(cli->device, O_RDWR, dev) ||
		    mmdemo_dev_set_backing(*dev, k->backing) || mmdemo_dev_reset(*dev))
			return -1;
		return mmdemo_dev_fd(*dev);
	default:
		return -1;
	}
}

static int measure(struct cli *cli, struct bench_kind *k, size_t pages, int repeat)
{
	size_t ps = cli->page_size, len = pages * ps;
	double first[16], remap[16], ff = 0, rf = 0;
	int fd = -1;

	for (int r = 0; r < repeat; r++) {
		struct mmdemo_dev *dev = NULL;
		char *p;

		if (k->kind != ANON) {
			fd = open_kind(cli, k, len, &dev);
			if (fd < 0) {
				mmdemo_dev_close(dev);
				return -EIO;
			}
		}
		first[r] = touch_run(k, fd, pages, ps, &ff, &p);
		if (first[r] < 0)
			goto fail;
		munmap(p, len);
		/* The pages stay in the file or device: this pass finds them resident. */
		remap[r] = k->kind == ANON ? -1 : touch_run(k, fd, pages, ps, &rf, &p);
		if (k->kind != ANON) {
			if (remap[r] < 0)
				goto fail;
			munmap(p, len);
		}
		if (dev)
			mmdemo_dev_close(dev);
		else if (fd >= 0)
			close(fd);
		continue;
fail:
		if (dev)
			mmdemo_dev_close(dev);
		else if (fd >= 0)
			close(fd);
		return -EIO;
	}
	k->first_ns = median(first, repeat);
	k->remap_ns = k->kind == ANON ? -1 : median(remap, repeat);
	k->first_faults = ff;
	k->remap_faults = k->kind == ANON ? -1 : rf;
	return 0;
}

static void svg(FILE *f, const struct bench_kind *ks, int n)
{
	double max = 1;
	int w = 640, bar = 24, h = 60 + n * 2 * bar;

	for (int i = 0; i < n; i++) {
		if (ks[i].first_ns > max)
			max = ks[i].first_ns;
		if (ks[i].remap_ns > max)
			max = ks[i].remap_ns;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", w, h);
	fprintf(f, "<text x=\"10\" y=\"20\">cost per page (ns): first touch (dark), "
		"re-map of resident pages (light)</text>\n");
	for (int i = 0; i < n; i++) {
		int y = 40 + i * 2 * bar;
		double f1 = ks[i].first_ns / max * (w - 260);
		double f2 = ks[i].remap_ns > 0 ? ks[i].remap_ns / max * (w - 260) : 0;

		fprintf(f, "<text x=\"10\" y=\"%d\">%s</text>\n", y + 16, ks[i].name);
		fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"#345\"/>\n",
			y + 2, f1, bar - 6);
		fprintf(f, "<text x=\"%.0f\" y=\"%d\">%.0f</text>\n", 125 + f1, y + 14, ks[i].first_ns);
		if (f2 > 0) {
			fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%.0f\" height=\"%d\" "
				"fill=\"#9ab\"/>\n", y + bar, f2, bar - 6);
			fprintf(f, "<text x=\"%.0f\" y=\"%d\">%.0f</text>\n", 125 + f2,
				y + bar + 12, ks[i].remap_ns);
		}
	}
	fprintf(f, "</svg>\n");
}

static int run_bench(struct cli *cli, int argc, char **argv)
{
	struct bench_kind ks[] = {
		{ .name = "anon", .kind = ANON },
		{ .name = "memfd", .kind = MEMFD },
		{ .name = "/dev/zero", .kind = ZERO },
		{ .name = "dev page", .kind = DEVICE, .backing = MMDEMO_BACKING_PAGE },
		{ .name = "dev insert", .kind = DEVICE, .backing = MMDEMO_BACKING_INSERT },
		{ .name = "dev pfn", .kind = DEVICE, .backing = MMDEMO_BACKING_PFN },
		{ .name = "dev eager", .kind = DEVICE, .backing = MMDEMO_BACKING_EAGER },
	};
	int nk = sizeof(ks) / sizeof(ks[0]), c, err;
	uint64_t pages = 1024, repeat = 5;
	const char *svg_path = NULL;
	struct mmdemo_info info;
	struct mmdemo_dev *dev;

	while ((c = cli_getopt(cli, &cmd_bench, argc, argv, "n:r:hjD:", options)) != -1) {
		if (c == 'n' && !cli_opt_pages(cli, optarg, 1 << 16, &pages))
			continue;
		if (c == 'r' && !parse_number(optarg, 1, 15, &repeat))
			continue;
		if (c == 'r')
			return cli_usage(cli, "--repeat '%s': expected 1 to 15", optarg);
		if (c == 'S') {
			svg_path = optarg;
			continue;
		}
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	err = mmdemo_dev_info(dev, &info);
	mmdemo_dev_close(dev);
	if (err || pages > info.size / cli->page_size)
		return cli_usage(cli, "--pages %llu: the device has %llu",
				 (unsigned long long)pages,
				 (unsigned long long)(info.size / cli->page_size));

	for (int i = 0; i < nk; i++) {
		err = measure(cli, &ks[i], pages, (int)repeat);
		if (err)
			return cli_fail(cli, "%s: %s (is the device mapped by someone else?)",
					ks[i].name, strerror(-err));
	}

	if (svg_path) {
		FILE *f = fopen(svg_path, "w");

		if (!f)
			return cli_fail(cli, "%s: %s", svg_path, strerror(errno));
		svg(f, ks, nk);
		fclose(f);
	}
	if (cli->json) {
		json_object_begin(&cli->j, NULL);
		json_string(&cli->j, "command", "bench");
		json_u64(&cli->j, "pages", pages);
		json_u64(&cli->j, "repeat", repeat);
		json_array_begin(&cli->j, "kinds");
		for (int i = 0; i < nk; i++) {
			json_object_begin(&cli->j, NULL);
			json_string(&cli->j, "kind", ks[i].name);
			json_u64(&cli->j, "first_touch_ns", (uint64_t)ks[i].first_ns);
			json_u64(&cli->j, "first_touch_faults_x100", (uint64_t)(ks[i].first_faults * 100 + 0.5));
			if (ks[i].remap_ns >= 0) {
				json_u64(&cli->j, "remap_ns", (uint64_t)ks[i].remap_ns);
				json_u64(&cli->j, "remap_faults_x100", (uint64_t)(ks[i].remap_faults * 100 + 0.5));
				json_u64(&cli->j, "remap_vs_memfd_x100",
					 (uint64_t)(ks[i].remap_ns / ks[1].remap_ns * 100 + 0.5));
			}
			json_u64(&cli->j, "first_vs_anon_x100",
				 (uint64_t)(ks[i].first_ns / ks[0].first_ns * 100 + 0.5));
			json_object_end(&cli->j);
		}
		json_array_end(&cli->j);
		json_object_end(&cli->j);
		return 0;
	}
	say(cli, "%llu pages, median of %llu runs; ratios against anon (first touch) and "
	    "memfd (re-map), same run", (unsigned long long)pages, (unsigned long long)repeat);
	say(cli, "%-11s %12s %8s %7s %12s %8s %7s", "kind", "first ns/pg", "faults", "x anon",
	    "re-map ns/pg", "faults", "x memfd");
	for (int i = 0; i < nk; i++) {
		char rm[16] = "-", rf[16] = "-", rx[16] = "-";

		if (ks[i].remap_ns >= 0) {
			snprintf(rm, sizeof(rm), "%.0f", ks[i].remap_ns);
			snprintf(rf, sizeof(rf), "%.2f", ks[i].remap_faults);
			snprintf(rx, sizeof(rx), "%.2f", ks[i].remap_ns / ks[1].remap_ns);
		}
		say(cli, "%-11s %12.0f %8.2f %7.2f %12s %8s %7s", ks[i].name, ks[i].first_ns,
		    ks[i].first_faults, ks[i].first_ns / ks[0].first_ns, rm, rf, rx);
	}
	explain(cli, "first: mmap() plus a write to every page; re-map: the same again with every");
	explain(cli, "page still resident in the file or device.  Eager pays at mmap() time.");
	return 0;
}

const struct cmd cmd_bench = { "bench", run_bench, "cost per page of faults, side by side", bench_help };
