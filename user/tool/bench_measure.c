// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo bench, the measurements of single-threaded runs: the cost per page
 * of a first touch, a re-map and a re-read of each kind of memory, every
 * kind once per round; and read() against mmap() of resident pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double bench_now_ns(void)
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

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Maps @len bytes of @k's memory, from @off of @fd; MAP_FAILED on error. */
char *bench_map_kind(const struct bench_kind *k, int fd, off_t off, size_t len)
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
	t0 = bench_now_ns();
	p = bench_map_kind(k, fd, 0, pages * ps);
	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < pages; i++) {
		if (write)
			((volatile char *)p)[i * ps] = 1;
		else
			(void)((volatile char *)p)[i * ps];
	}
	t1 = bench_now_ns();
	mmdemo_rusage(&r1);
	*faults = (double)(r1.minflt - r0.minflt) / (double)pages;
	*keep = p;
	return (t1 - t0) / (double)pages;
}

/* The file to map for @k: an fd, or a negative errno. */
int bench_open_kind(struct cli *cli, const struct bench_kind *k, size_t len,
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
		fd = bench_open_kind(cli, k, len, &dev);
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
double bench_median_of(const double *v, const double *base, int n)
{
	double t[MAX_REPEAT];

	if (v[0] < 0)
		return -1;
	for (int i = 0; i < n; i++)
		t[i] = base ? v[i] / base[i] : v[i];
	return bench_median(t, n);
}

/*
 * Every kind once per round, rounds @repeat times: a slow spell of the
 * machine then hits all kinds alike, and the ratios are taken run by run.
 */
int bench_faults(struct cli *cli, struct bench_kind *ks, int nk, size_t pages, int repeat)
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
		k->first_ns = bench_median_of(k->first, NULL, repeat);
		k->remap_ns = bench_median_of(k->remap, NULL, repeat);
		k->reread_ns = bench_median_of(k->reread, NULL, repeat);
		k->first_x = bench_median_of(k->first, anon->first, repeat);
		k->remap_x = bench_median_of(k->remap, memfd->remap, repeat);
		k->reread_x = bench_median_of(k->reread, memfd->reread, repeat);
	}
	return 0;
}

int bench_throughput(struct cli *cli, size_t len, int repeat, struct throughput *t)
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
		double t0 = bench_now_ns();

		if (pread(fd, buf, len, 0) != (ssize_t)len) {
			err = -EIO;
			break;
		}
		rd[r] = len / ((bench_now_ns() - t0) / 1e9) / 1e6;
		t0 = bench_now_ns();
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			err = -errno;
			break;
		}
		memcpy(buf, p, len);
		munmap(p, len);
		mm[r] = len / ((bench_now_ns() - t0) / 1e9) / 1e6;
	}
	mmdemo_dev_close(dev);
	free(buf);
	if (err)
		return err;
	t->bytes = len;
	t->read_mb_s = bench_median(rd, repeat);
	t->mmap_mb_s = bench_median(mm, repeat);
	return 0;
}
