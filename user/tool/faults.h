/* SPDX-License-Identifier: GPL-2.0 */
/* The measurement behind 'mmdemo faults', 'map' and the tour. */
#ifndef MMDEMO_FAULTS_H
#define MMDEMO_FAULTS_H

#include "cli.h"
#include "parse.h"

struct faults_opts {
	uint64_t nr_pages;
	uint64_t step;		/* bytes from one touch to the next; 0: a page */
	uint64_t offset;	/* bytes, page aligned */
	bool private;		/* MAP_PRIVATE instead of MAP_SHARED */
	bool write;		/* write each page instead of reading it */
	struct pattern pattern;
	uint64_t seed;
	uint32_t latency_us;	/* device fetch delay during the run; 0: none */
	uint32_t backing;	/* MMDEMO_BACKING_* of the mapping */
	uint32_t pause_ms;	/* --slow: a pause after each first touch */
};

struct touch {
	size_t page;		/* index in the mapping of the page touched */
	void *addr;
	uint64_t minflt, majflt;	/* getrusage delta around the touch */
	uint64_t dev_faults;		/* device counter delta around the touch */
	bool resident_before, resident_after;	/* mincore */
};

struct faults_run {
	void *map;
	size_t length;
	size_t nr_touches;
	struct touch *pass[2];	/* first touch, then the same pages again */
	unsigned char *resident;	/* mincore of every page at the end */
	struct mmdemo_smaps smaps;
	struct mmdemo_stats stats;	/* device statistics at the end */
};

/* Maps, touches twice, observes.  The mapping stays until faults_finish(). */
int faults_measure(struct cli *cli, struct mmdemo_dev *dev,
		   const struct faults_opts *o, struct faults_run *run);
void faults_finish(struct faults_run *run);
/* Prints @run as a table (text) or as members of the current JSON object. */
void faults_report(struct cli *cli, const struct faults_opts *o,
		   const struct faults_run *run, bool show_touches);

#endif
