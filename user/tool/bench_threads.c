// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo bench, threads: new pages faulted by one thread against two, each
 * mapping its own half (so, each its own VMA).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

/* One thread's share: a range of the file, or anonymous memory. */
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
	char *p = bench_map_kind(j->k, j->fd, (off_t)(j->first * j->ps), len);

	if (p == MAP_FAILED)
		return (void *)1;
	for (size_t i = 0; i < j->pages; i++)
		((volatile char *)p)[i * j->ps] = 1;
	munmap(p, len);
	return NULL;
}

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
		fd = bench_open_kind(cli, k, pages * cli->page_size, &dev);
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
	t0 = bench_now_ns();
	if (nthreads == 1) {
		res[0] = fault_range(&job[0]);
	} else {
		for (n = 0; n < nthreads; n++)
			if (pthread_create(&th[n], NULL, fault_range, &job[n]))
				break;
		for (int i = 0; i < n; i++)
			pthread_join(th[i], &res[i]);
	}
	*ns = (bench_now_ns() - t0) / (double)pages;
	if (dev)
		mmdemo_dev_close(dev);
	else if (fd >= 0)
		close(fd);
	if (nthreads > 1 && n < nthreads)
		return -EAGAIN;
	return res[0] || res[1] ? -EIO : 0;
}

/*
 * Every kind once per round, one thread then two, as bench_faults() does:
 * a slow spell of the machine then hits all kinds alike.
 */
int bench_threads(struct cli *cli, struct thread_kind *tks, int ntk, size_t pages, int repeat)
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
		tks[i].speedup = bench_median_of(t1[i], t2[i], repeat);
		tks[i].one = bench_median(t1[i], repeat);
		tks[i].two = bench_median(t2[i], repeat);
	}
	return 0;
}
