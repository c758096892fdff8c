/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmdemo bench's parts: what each kind of memory is (struct bench_kind),
 * the measurements (bench_measure.c: first touch, re-map, re-read and
 * throughput; bench_threads.c: one thread against two) and their report
 * (bench_report.c).  cmd_bench.c is the command: options, then the parts
 * asked for.
 */
#ifndef MMDEMO_TOOL_BENCH_H
#define MMDEMO_TOOL_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

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

/* Sequential read of @len resident bytes: read() vs a fresh mapping + memcpy. */
struct throughput {
	size_t bytes;
	double read_mb_s, mmap_mb_s;
};

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

/* A ratio or a per-page figure as an integer in thousandths, for JSON. */
static inline uint64_t x1000(double v)
{
	return (uint64_t)(v * 1000 + 0.5);
}

/* bench_measure.c */
double bench_now_ns(void);
double bench_median(double *v, int n);
double bench_median_of(const double *v, const double *base, int n);
char *bench_map_kind(const struct bench_kind *k, int fd, off_t off, size_t len);
int bench_open_kind(struct cli *cli, const struct bench_kind *k, size_t len,
		    struct mmdemo_dev **dev);
int bench_faults(struct cli *cli, struct bench_kind *ks, int nk, size_t pages, int repeat);
int bench_throughput(struct cli *cli, size_t len, int repeat, struct throughput *t);

/* bench_threads.c */
int bench_threads(struct cli *cli, struct thread_kind *tks, int ntk, size_t pages, int repeat);

/* bench_report.c */
void bench_svg(FILE *f, const struct bench_kind *ks, int n);
void bench_json_kinds(struct cli *cli, const struct bench_kind *ks, int nk,
		      const char *anon_baseline);
void bench_say_kinds(struct cli *cli, const struct bench_kind *ks, int nk, uint64_t pages,
		     uint64_t repeat);
void bench_say_threads(struct cli *cli, const struct thread_kind *tks, int ntk,
		       uint64_t pages, uint64_t repeat);

#endif
