// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo bench: what a page fault costs, per kind of memory, measured side
 * by side in one run.  Absolute times mean little (a VM under emulation is
 * slow); the ratios against anonymous memory and memfd, measured in the
 * same run, are the point.  A benchmark, not a test: it asserts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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

enum kind { ANON, MEMFD, ZERO, DEVICE };

#define MAX_REPEAT	31

struct bench_kind {
	const char *name;
	enum kind kind;
	int advice;		/* ANON: madvise() before the first touch */
	uint32_t backing;	/* DEVICE only */
	int extra_flags;	/* MAP_POPULATE, for one of them */
	bool unsupported;	/* huge mode before 6.12 */
	/* ns per page of each run; < 0: not applicable */
	double first[MAX_REPEAT], remap[MAX_REPEAT], reread[MAX_REPEAT];
	double first_ns, remap_ns, reread_ns;	/* medians */
	/* medians of the ratios of each run to anon (first) and memfd */
	double first_x, remap_x, reread_x;
	double first_faults, remap_faults, reread_faults;	/* minor faults per page */
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

/* A ratio or a per-page figure as an integer in thousandths, for JSON. */
static uint64_t x1000(double v)
{
	return (uint64_t)(v * 1000 + 0.5);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Maps @len bytes of @k's memory, from @off of @fd; MAP_FAILED on error. */
static char *map_kind(const struct bench_kind *k, int fd, off_t off, size_t len)
{
	if (k->kind == ANON) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		/* THP on or off for this mapping, whatever the system default. */
		if (p != MAP_FAILED && madvise(p, len, k->advice)) {
			munmap(p, len);
			return MAP_FAILED;
		}
		return p;
	}
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | k->extra_flags, fd, off);
}

/* Map and write (or read) one byte per page; returns ns per page, faults via @faults. */
static double touch_run(const struct bench_kind *k, int fd, size_t pages, size_t ps,
			bool write, double *faults, char **keep)
{
	struct mmdemo_rusage r0, r1;
	double t0, t1;
	char *p;

	mmdemo_rusage(&r0);
	t0 = now_ns();
	p = map_kind(k, fd, 0, pages * ps);
	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < pages; i++) {
		if (write)
			((volatile char *)p)[i * ps] = 1;
		else
			(void)((volatile char *)p)[i * ps];
	}
	t1 = now_ns();
	mmdemo_rusage(&r1);
	*faults = (double)(r1.minflt - r0.minflt) / (double)pages;
	*keep = p;
	return (t1 - t0) / (double)pages;
}

/* The file to map for @k: an fd, or a negative errno. */
static int open_kind(struct cli *cli, const struct bench_kind *k, size_t len,
		     struct mmdemo_dev **dev)
{
	int fd, err;

	switch (k->kind) {
	case MEMFD:
		fd = memfd_create("mmdemo-bench", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, (off_t)len)) {
			close(fd);
			return -EIO;
		}
		return fd >= 0 ? fd : -errno;
	case ZERO:
		fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
		return fd >= 0 ? fd : -errno;
	case DEVICE:
		err = mmdemo_dev_open(cli->device, O_RDWR, dev);
		if (!err)
			err = mmdemo_dev_set_backing(*dev, k->backing);
		if (!err)
			err = mmdemo_dev_reset(*dev);
		return err ? err : mmdemo_dev_fd(*dev);
	default:
		return -EINVAL;
	}
}

/* Run @r of kind @k: first touch, re-map and re-read of @pages pages. */
static int measure_once(struct cli *cli, struct bench_kind *k, size_t pages, int r)
{
	size_t ps = cli->page_size, len = pages * ps;
	bool anon = k->kind == ANON;
	struct mmdemo_dev *dev = NULL;
	int fd = -1, err = 0;
	char *p;

	if (!anon) {
		fd = open_kind(cli, k, len, &dev);
		if (fd < 0) {
			mmdemo_dev_close(dev);
			return fd;
		}
	}
	k->first[r] = touch_run(k, fd, pages, ps, true, &k->first_faults, &p);
	if (k->first[r] >= 0)
		munmap(p, len);
	/* The pages stay in the file or device: these passes find them resident. */
	k->remap[r] = k->reread[r] = -1;
	if (!anon && k->first[r] >= 0) {
		k->remap[r] = touch_run(k, fd, pages, ps, true, &k->remap_faults, &p);
		if (k->remap[r] >= 0)
			munmap(p, len);
	}
	if (!anon && k->remap[r] >= 0) {
		k->reread[r] = touch_run(k, fd, pages, ps, false, &k->reread_faults, &p);
		if (k->reread[r] >= 0)
			munmap(p, len);
	}
	if (k->first[r] < 0 || (!anon && k->reread[r] < 0))
		err = -EIO;
	if (dev)
		mmdemo_dev_close(dev);
	else if (fd >= 0)
		close(fd);
	return err;
}

/* Median of @v over @n runs, or of @v[i] / @base[i] when @base is given. */
static double median_of(const double *v, const double *base, int n)
{
	double t[MAX_REPEAT];

	if (v[0] < 0)
		return -1;
	for (int i = 0; i < n; i++)
		t[i] = base ? v[i] / base[i] : v[i];
	return median(t, n);
}

/*
 * Every kind once per round, rounds @repeat times: a slow spell of the
 * machine then hits all kinds alike, and the ratios are taken run by run.
 */
static int measure_kinds(struct cli *cli, struct bench_kind *ks, int nk, size_t pages,
			 int repeat)
{
	const struct bench_kind *anon = &ks[0], *memfd = &ks[2];
	struct bench_kind warm = ks[0];

	/*
	 * One unmeasured run of one page first: the code of mmap(), madvise()
	 * and the loop then takes no fault of its own inside a measurement,
	 * which would count as the memory's.
	 */
	measure_once(cli, &warm, 1, 0);
	for (int r = 0; r < repeat; r++) {
		for (int i = 0; i < nk; i++) {
			int err;

			if (ks[i].unsupported)
				continue;
			err = measure_once(cli, &ks[i], pages, r);
			if (err == -EOPNOTSUPP && !r)
				ks[i].unsupported = true;
			else if (err)
				return cli_fail(cli, "%s: %s (is the device mapped by someone else?)",
						ks[i].name, strerror(-err));
		}
	}
	for (int i = 0; i < nk; i++) {
		struct bench_kind *k = &ks[i];

		if (k->unsupported)
			continue;
		k->first_ns = median_of(k->first, NULL, repeat);
		k->remap_ns = median_of(k->remap, NULL, repeat);
		k->reread_ns = median_of(k->reread, NULL, repeat);
		k->first_x = median_of(k->first, anon->first, repeat);
		k->remap_x = median_of(k->remap, memfd->remap, repeat);
		k->reread_x = median_of(k->reread, memfd->reread, repeat);
	}
	return 0;
}

/* Sequential read of @len resident bytes: read() vs a fresh mapping + memcpy. */
struct throughput {
	size_t bytes;
	double read_mb_s, mmap_mb_s;
};

static int measure_throughput(struct cli *cli, size_t len, int repeat, struct throughput *t)
{
	double rd[MAX_REPEAT], mm[MAX_REPEAT];
	struct mmdemo_dev *dev;
	char *buf, *p;
	int fd, err = 0;

	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memset(buf, 1, len);
	err = mmdemo_dev_open(cli->device, O_RDWR, &dev);
	if (err) {
		free(buf);
		return err;
	}
	fd = mmdemo_dev_fd(dev);
	mmdemo_dev_set_backing(dev, MMDEMO_BACKING_PAGE);
	/* Make every page resident first: this measures copying, not allocating. */
	if (pwrite(fd, buf, len, 0) != (ssize_t)len)
		err = -EIO;
	for (int r = 0; r < repeat && !err; r++) {
		double t0 = now_ns();

		if (pread(fd, buf, len, 0) != (ssize_t)len) {
			err = -EIO;
			break;
		}
		rd[r] = len / ((now_ns() - t0) / 1e9) / 1e6;
		t0 = now_ns();
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			err = -errno;
			break;
		}
		memcpy(buf, p, len);
		munmap(p, len);
		mm[r] = len / ((now_ns() - t0) / 1e9) / 1e6;
	}
	mmdemo_dev_close(dev);
	free(buf);
	if (err)
		return err;
	t->bytes = len;
	t->read_mb_s = median(rd, repeat);
	t->mmap_mb_s = median(mm, repeat);
	return 0;
}

struct fault_job {
	const struct bench_kind *k;
	int fd;			/* -1: anonymous memory */
	size_t first, pages, ps;
};

/* Maps its own range (of the file, or anonymous) and writes each page once. */
static void *fault_range(void *arg)
{
	struct fault_job *j = arg;
	size_t len = j->pages * j->ps;
	char *p = map_kind(j->k, j->fd, (off_t)(j->first * j->ps), len);

	if (p == MAP_FAILED)
		return (void *)1;
	for (size_t i = 0; i < j->pages; i++)
		((volatile char *)p)[i * j->ps] = 1;
	munmap(p, len);
	return NULL;
}

/*
 * One thread, then two, each mapping its own part (so, each its own VMA),
 * faulting new pages of one kind: anonymous 4 KiB pages and memfd as the
 * controls that show how far the VM itself lets two CPUs scale, then the
 * device.  Every device mode has a ->map_pages (page mode's maps nothing),
 * so since 6.7 the kernel handles the faults under each VMA's own lock,
 * not the process's mmap_lock: the threads share no lock.
 */
#define NR_THREAD_KINDS	4

struct thread_kind {
	struct bench_kind k;	/* what is mapped: name, kind, advice, backing */
	double one, two, speedup;	/* ns per page, and one / two */
};

/* ns per page of faulting @pages new pages of @k in @nthreads threads. */
static int fault_in_threads(struct cli *cli, const struct bench_kind *k, size_t pages,
			    int nthreads, double *ns)
{
	struct mmdemo_dev *dev = NULL;
	struct fault_job job[2];
	pthread_t th[2];
	void *res[2] = { NULL, NULL };
	int fd = -1, n = 0;
	double t0;

	/* A fresh file or a reset device: every page is new. */
	if (k->kind != ANON) {
		fd = open_kind(cli, k, pages * cli->page_size, &dev);
		if (fd < 0) {
			mmdemo_dev_close(dev);
			return fd;
		}
	}
	for (int i = 0; i < nthreads; i++) {
		size_t first = pages * (size_t)i / (size_t)nthreads;

		job[i] = (struct fault_job){ k, fd, first,
					     pages * (size_t)(i + 1) / (size_t)nthreads - first,
					     cli->page_size };
	}
	t0 = now_ns();
	if (nthreads == 1) {
		res[0] = fault_range(&job[0]);
	} else {
		for (n = 0; n < nthreads; n++)
			if (pthread_create(&th[n], NULL, fault_range, &job[n]))
				break;
		for (int i = 0; i < n; i++)
			pthread_join(th[i], &res[i]);
	}
	*ns = (now_ns() - t0) / (double)pages;
	if (dev)
		mmdemo_dev_close(dev);
	else if (fd >= 0)
		close(fd);
	if (nthreads > 1 && n < nthreads)
		return -EAGAIN;
	return res[0] || res[1] ? -EIO : 0;
}

/*
 * Every kind once per round, one thread then two, as measure_kinds() does:
 * a slow spell of the machine then hits all kinds alike.
 */
static int measure_threads(struct cli *cli, struct thread_kind *tks, int ntk, size_t pages,
			   int repeat)
{
	double t1[NR_THREAD_KINDS][MAX_REPEAT], t2[NR_THREAD_KINDS][MAX_REPEAT];

	for (int r = 0; r < repeat; r++) {
		for (int i = 0; i < ntk; i++) {
			int err = fault_in_threads(cli, &tks[i].k, pages, 1, &t1[i][r]);

			if (!err)
				err = fault_in_threads(cli, &tks[i].k, pages, 2, &t2[i][r]);
			if (err)
				return cli_fail(cli, "threads, %s: %s", tks[i].k.name,
						strerror(-err));
		}
	}
	for (int i = 0; i < ntk; i++) {
		/* Each round's one-thread time against its own two-thread time. */
		tks[i].speedup = median_of(t1[i], t2[i], repeat);
		tks[i].one = median(t1[i], repeat);
		tks[i].two = median(t2[i], repeat);
	}
	return 0;
}

static void svg(FILE *f, const struct bench_kind *ks, int n)
{
	double max = 1;
	int w = 760, bar = 24, h = 60 + n * 2 * bar;

	for (int i = 0; i < n; i++) {
		if (ks[i].first_ns > max)
			max = ks[i].first_ns;
		if (ks[i].remap_ns > max)
			max = ks[i].remap_ns;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", w, h);
	fprintf(f, "<text x=\"10\" y=\"20\">cost per page (ns): first touch (dark), "
		"re-map of resident pages (light); minor faults per page in brackets</text>\n");
	for (int i = 0; i < n; i++) {
		int y = 40 + i * 2 * bar;
		double f1 = ks[i].first_ns > 0 ? ks[i].first_ns / max * (w - 380) : 0;
		double f2 = ks[i].remap_ns > 0 ? ks[i].remap_ns / max * (w - 380) : 0;

		fprintf(f, "<text x=\"10\" y=\"%d\">%s</text>\n", y + 16, ks[i].name);
		if (ks[i].unsupported) {
			fprintf(f, "<text x=\"125\" y=\"%d\">not supported by this kernel</text>\n",
				y + 14);
			continue;
		}
		fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"#345\"/>\n",
			y + 2, f1, bar - 6);
		fprintf(f, "<text x=\"%.0f\" y=\"%d\">%.0f (%.3f faults/page)</text>\n", 125 + f1,
			y + 14, ks[i].first_ns, ks[i].first_faults);
		if (f2 > 0) {
			fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%.0f\" height=\"%d\" "
				"fill=\"#9ab\"/>\n", y + bar, f2, bar - 6);
			fprintf(f, "<text x=\"%.0f\" y=\"%d\">%.0f (%.3f)</text>\n", 125 + f2,
				y + bar + 12, ks[i].remap_ns, ks[i].remap_faults);
		}
	}
	fprintf(f, "</svg>\n");
}

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

static void json_kinds(struct cli *cli, const struct bench_kind *ks, int nk,
		       const char *anon_baseline)
{
	jw_string(&cli->j, "first_touch_baseline", anon_baseline);
	jw_array_begin(&cli->j, "kinds");
	for (int i = 0; i < nk; i++) {
		const struct bench_kind *k = &ks[i];

		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "kind", k->name);
		jw_bool(&cli->j, "supported", !k->unsupported);
		if (!k->unsupported) {
			jw_u64(&cli->j, "first_touch_ns", (uint64_t)k->first_ns);
			jw_u64(&cli->j, "first_touch_faults_x1000", x1000(k->first_faults));
			jw_u64(&cli->j, "first_vs_anon_x100", x1000(k->first_x) / 10);
		}
		if (!k->unsupported && k->remap_ns >= 0) {
			jw_u64(&cli->j, "remap_ns", (uint64_t)k->remap_ns);
			jw_u64(&cli->j, "remap_faults_x1000", x1000(k->remap_faults));
			jw_u64(&cli->j, "remap_vs_memfd_x100", x1000(k->remap_x) / 10);
			jw_u64(&cli->j, "reread_ns", (uint64_t)k->reread_ns);
			jw_u64(&cli->j, "reread_faults_x1000", x1000(k->reread_faults));
			jw_u64(&cli->j, "reread_vs_memfd_x100", x1000(k->reread_x) / 10);
		}
		jw_object_end(&cli->j);
	}
	jw_array_end(&cli->j);
}

static void say_kinds(struct cli *cli, const struct bench_kind *ks, int nk, uint64_t pages,
		      uint64_t repeat)
{
	say(cli, "%llu pages, %llu rounds of every kind; medians, and medians of each round's "
	    "ratio to anon pages (first) and memfd", (unsigned long long)pages,
	    (unsigned long long)repeat);
	say(cli, "%-12s %8s %6s %6s  %8s %6s %6s  %8s %6s %6s", "", "first", "", "",
	    "re-map", "", "", "re-read", "", "");
	say(cli, "%-12s %8s %6s %6s  %8s %6s %6s  %8s %6s %6s", "kind", "ns/page", "flt/pg",
	    "x anon", "ns/page", "flt/pg", "x memfd", "ns/page", "flt/pg", "x memfd");
	for (int i = 0; i < nk; i++) {
		const struct bench_kind *k = &ks[i];
		char rm[48] = "       -      -      -", rr[48] = "       -      -      -";

		if (k->unsupported) {
			say(cli, "%-12s %s", k->name, "not supported by this kernel");
			continue;
		}
		if (k->remap_ns >= 0) {
			snprintf(rm, sizeof(rm), "%8.0f %6.3f %6.2f", k->remap_ns, k->remap_faults,
				 k->remap_x);
			snprintf(rr, sizeof(rr), "%8.0f %6.3f %6.2f", k->reread_ns, k->reread_faults,
				 k->reread_x);
		}
		say(cli, "%-12s %8.0f %6.3f %6.2f  %s  %s", k->name, k->first_ns, k->first_faults,
		    k->first_x, rm, rr);
	}
	explain(cli, "anon pages: anonymous memory with MADV_NOHUGEPAGE, one fault per %s page:",
		CLI_SIZE(cli->page_size));
	explain(cli, "the floor for a first touch, and what 'x anon' compares with.  anon thp: with");
	explain(cli, "MADV_HUGEPAGE, one fault per %s where the kernel can (flt/pg says how often).",
		CLI_SIZE(cli->huge_size));
	explain(cli, "first: mmap() plus a write to every page; re-map: the same again with every");
	explain(cli, "page still resident in the file or device; re-read: mapped again and read, where");
	explain(cli, "fault-around (memfd, +ar) maps a window per fault.  Eager pays at mmap() time;");
	explain(cli, "huge maps %s per fault where aligned (1 fault per %zu pages).  A first",
		CLI_SIZE(cli->huge_size), cli->huge_size / cli->page_size);
	explain(cli, "write through a shared mapping is one fault in every mode: the device installs");
	explain(cli, "a writable entry and notes the page dirty at once.  populate: MAP_POPULATE maps");
	explain(cli, "every page at mmap() time, read-only in a shared mapping (the kernel's design),");
	explain(cli, "so each first write then takes one write-protect fault: 2 per page in all.");
}

static void say_threads(struct cli *cli, const struct thread_kind *tks, int ntk,
			uint64_t pages, uint64_t repeat)
{
	say(cli, "%s", "");
	say(cli, "faulting %llu new pages, one thread against two with half each; medians of "
	    "%llu rounds", (unsigned long long)pages, (unsigned long long)repeat);
	say(cli, "%-12s %12s %12s %8s", "kind", "1 thr ns/pg", "2 thr ns/pg", "speedup");
	for (int i = 0; i < ntk; i++)
		say(cli, "%-12s %12.0f %12.0f %7.2fx", tks[i].k.name, tks[i].one, tks[i].two,
		    tks[i].speedup);
	explain(cli, "anon pages and memfd are the controls: how far this machine lets two CPUs fault");
	explain(cli, "at once.  Every device mode has a ->map_pages, so the kernel serves these");
	explain(cli, "faults under each mapping's own lock (6.7+), not the process's mmap_lock: see");
	explain(cli, "mmdemo info.  Under single-threaded TCG the vCPUs take turns: expect 1.00x.");
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

	err = parts & PART_FAULTS ? measure_kinds(cli, ks, nk, pages, (int)repeat) : 0;
	if (err)
		return err;
	for (int i = 0; i < 3 && (parts & PART_THROUGHPUT); i++) {
		size_t len = (size_t)(64 << 10) << (4 * i);	/* 64 KiB, 1 MiB, 16 MiB */

		if (len > info.size)
			len = info.size;
		err = measure_throughput(cli, len, (int)repeat, &tp[i]);
		if (err)
			return cli_fail(cli, "throughput: %s", strerror(-err));
	}
	err = parts & PART_THREADS ? measure_threads(cli, tks, ntk, pages, (int)repeat) : 0;
	if (err)
		return err;

	if (svg_path) {
		FILE *f = fopen(svg_path, "w");

		if (!f)
			return cli_fail(cli, "%s: %s", svg_path, strerror(errno));
		svg(f, ks, nk);
		fclose(f);
	}
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "bench");
		jw_u64(&cli->j, "pages", pages);
		jw_u64(&cli->j, "repeat", repeat);
		if (parts & PART_FAULTS)
			json_kinds(cli, ks, nk, anon_baseline);
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
		say_kinds(cli, ks, nk, pages, repeat);
	if (parts & PART_THROUGHPUT) {
		say(cli, "%s", "");
		say(cli, "%-9s %10s %10s %8s", "reading", "read() MB/s", "mmap MB/s", "mmap/read");
		for (int i = 0; i < 3; i++)
			say(cli, "%6zu kB %10.0f %10.0f %8.2f", tp[i].bytes / 1024, tp[i].read_mb_s,
			    tp[i].mmap_mb_s, tp[i].mmap_mb_s / tp[i].read_mb_s);
	}
	if (parts & PART_THREADS)
		say_threads(cli, tks, ntk, pages, repeat);
	return 0;
}
const struct cmd cmd_bench = {
	.name = "bench",
	.run = run_bench,
	.summary = "cost per page of faults, side by side",
	.help = bench_help,
	.options = options,
};
