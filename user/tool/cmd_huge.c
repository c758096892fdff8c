// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo huge: one fault per 2 MiB where the mapping lines up with the
 * device's 2 MiB pieces, one per 4 KiB where it does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cli.h"

static const char huge_help[] =
"Usage: mmdemo huge [--json] [--device PATH]\n"
"\n"
"Map 4 MiB of the device in huge mode (see mmdemo(4)) at offset 0 and\n"
"read every page: the device takes one fault per 2 MiB, and\n"
"/proc/self/pagemap shows 512 consecutive page frames behind each (frame\n"
"numbers need root).  Then the same 4 MiB placed 4 KiB off a 2 MiB\n"
"boundary with MAP_FIXED: nothing lines up, one fault per page.\n"
"Resets the device first: nothing else may map it.  Needs Linux 6.12 or\n"
"later with transparent huge pages.\n";

#define HUGE_SIZE	(2UL << 20)
#define MAP_SIZE	(2 * HUGE_SIZE)

struct huge_run {
	uintptr_t addr;
	uint64_t dev_faults, minflt;
	bool frames_known;	/* pagemap gives frame numbers to root only */
	int pieces;		/* 2 MiB pieces whose 512 frames are consecutive */
	uint64_t first_pfn;
};

/* Maps MAP_SIZE at @at (NULL: anywhere), reads every page, counts. */
static int huge_run(struct cli *cli, struct mmdemo_dev *dev, void *at, struct huge_run *r)
{
	size_t ps = cli->page_size, n = MAP_SIZE / ps;
	struct mmdemo_rusage r0, r1;
	uint64_t f0;
	struct mmdemo_pte *ptes;
	char *p;
	int err;

	memset(r, 0, sizeof(*r));
	err = mmdemo_dev_reset(dev);
	if (!err)
		err = mmdemo_map(dev, at, MAP_SIZE, PROT_READ, MAP_SHARED | (at ? MAP_FIXED : 0),
				 0, (void **)&p);
	if (err)
		return err;
	r->addr = (uintptr_t)p;
	f0 = cli_dev_faults(dev);
	mmdemo_rusage(&r0);
	for (size_t i = 0; i < n; i++)
		(void)((volatile char *)p)[i * ps];
	mmdemo_rusage(&r1);
	r->dev_faults = cli_dev_faults(dev) - f0;
	r->minflt = r1.minflt - r0.minflt;

	ptes = calloc(n, sizeof(*ptes));
	if (ptes && !mmdemo_pagemap(0, p, n, ptes) && ptes[0].pfn) {
		size_t per = HUGE_SIZE / ps;

		r->frames_known = true;
		r->first_pfn = ptes[0].pfn;
		for (size_t piece = 0; piece < n / per; piece++) {
			size_t i = piece * per + 1;

			while (i < (piece + 1) * per && ptes[i].pfn == ptes[i - 1].pfn + 1)
				i++;
			r->pieces += i == (piece + 1) * per;
		}
	}
	free(ptes);
	mmdemo_unmap(p, MAP_SIZE);
	return 0;
}

static void report_json(struct cli *cli, const char *name, const struct huge_run *r)
{
	jw_object_begin(&cli->j, name);
	jw_u64(&cli->j, "address", r->addr);
	jw_bool(&cli->j, "aligned_2mib", r->addr % HUGE_SIZE == 0);
	jw_u64(&cli->j, "pages", MAP_SIZE / cli->page_size);
	jw_u64(&cli->j, "device_faults", r->dev_faults);
	jw_u64(&cli->j, "minflt", r->minflt);
	if (r->frames_known)
		jw_u64(&cli->j, "consecutive_2mib", (uint64_t)r->pieces);
	else
		jw_null(&cli->j, "consecutive_2mib");
	jw_object_end(&cli->j);
}

static void report(struct cli *cli, const struct huge_run *r)
{
	size_t pages = MAP_SIZE / cli->page_size;

	say(cli, "  at %#lx (%s): read %zu pages, %llu device faults, %llu minor faults",
	    (unsigned long)r->addr, r->addr % HUGE_SIZE ? "not 2 MiB-aligned" : "2 MiB-aligned",
	    pages, (unsigned long long)r->dev_faults, (unsigned long long)r->minflt);
	if (r->frames_known)
		say(cli, "  frames: %d of %zu pieces of 2 MiB are 512 consecutive frames (from pfn %#llx)",
		    r->pieces, MAP_SIZE / HUGE_SIZE, (unsigned long long)r->first_pfn);
	else
		say(cli, "  frames: unknown (pagemap shows frame numbers to root only)");
}

static int run_huge(struct cli *cli, int argc, char **argv)
{
	struct huge_run aligned, off;
	struct mmdemo_dev *dev;
	char *area;
	int c, err;

	c = cli_no_args(cli, &cmd_huge, argc, argv);
	if (c >= 0)
		return c;
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	err = mmdemo_dev_set_backing(dev, MMDEMO_BACKING_HUGE);
	if (err == -EOPNOTSUPP) {
		mmdemo_dev_close(dev);
		cli_fail(cli, "this kernel cannot map the device huge (needs 6.12+ with THP)");
		return EXIT_UNSUPPORTED;
	}
	if (!err)
		err = huge_run(cli, dev, NULL, &aligned);
	/* A reserved, never touched area 2 MiB-aligned, then 4 KiB into it. */
	area = mmap(NULL, MAP_SIZE + 2 * HUGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!err && area == MAP_FAILED)
		err = -errno;
	if (!err) {
		char *at = (char *)(((uintptr_t)area + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1));

		err = huge_run(cli, dev, at + cli->page_size, &off);
		munmap(area, MAP_SIZE + 2 * HUGE_SIZE);
	}
	mmdemo_dev_close(dev);
	if (err)
		return cli_fail(cli, "%s (is the device mapped by someone else?)", strerror(-err));

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "huge");
		report_json(cli, "aligned", &aligned);
		report_json(cli, "misplaced", &off);
		jw_object_end(&cli->j);
		if (!cli->text)
			return 0;
	}
	say(cli, "4 MiB of the device in huge mode, placed by mmap():");
	report(cli, &aligned);
	say(cli, "the same 4 MiB placed 4 KiB off a 2 MiB boundary (MAP_FIXED):");
	report(cli, &off);
	explain(cli, "Where a whole, aligned 2 MiB of the device lines up with 2 MiB of address");
	explain(cli, "space, the driver's huge_fault maps it with one page-table entry (a PMD),");
	explain(cli, "backed by one 2 MiB compound page: one fault for 512 pages.  Misplaced, the");
	explain(cli, "same pages take one fault each.");
	return 0;
}

const struct cmd cmd_huge = {
	.name = "huge",
	.run = run_huge,
	.summary = "2 MiB mappings: one fault per 2 MiB",
	.help = huge_help,
};
