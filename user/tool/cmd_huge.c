// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo huge: one fault per PMD entry (2 MiB with 4 KiB pages, 32 MiB
 * with 16 KiB, 512 MiB with 64 KiB) where the mapping lines up with the
 * device's PMD-sized pieces, one per page where it does not.
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
"Map two PMD entries' worth of the device in huge mode (see mmdemo(4))\n"
"at offset 0 and read every page: the device takes one fault per PMD\n"
"entry, and /proc/self/pagemap shows as many consecutive page frames\n"
"behind each as a PMD maps pages (frame numbers need root).  Then the\n"
"same range placed one page off a PMD boundary with MAP_FIXED: nothing\n"
"lines up, one fault per page.  How much a PMD maps follows from the page\n"
"size ('mmdemo info' says; see mmdemo(4)): the device must hold two, or\n"
"this says how large to load it.  Resets the device first: nothing else\n"
"may map it.  Needs Linux 6.12 or later with transparent huge pages.\n";

/* Two PMD entries: the kernel's size, not a constant. */
#define HUGE_SIZE	(cli->huge_size)
#define MAP_SIZE	(2 * HUGE_SIZE)

struct huge_run {
	uintptr_t addr;
	uint64_t dev_faults, minflt;
	bool frames_known;	/* pagemap gives frame numbers to root only */
	int pieces;		/* PMD-sized pieces whose frames are all consecutive */
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
	jw_bool(&cli->j, "pmd_aligned", r->addr % HUGE_SIZE == 0);
	jw_u64(&cli->j, "pages", MAP_SIZE / cli->page_size);
	jw_u64(&cli->j, "device_faults", r->dev_faults);
	jw_u64(&cli->j, "minflt", r->minflt);
	if (r->frames_known)
		jw_u64(&cli->j, "consecutive_pieces", (uint64_t)r->pieces);
	else
		jw_null(&cli->j, "consecutive_pieces");
	jw_object_end(&cli->j);
}

static void report(struct cli *cli, const struct huge_run *r)
{
	size_t pages = MAP_SIZE / cli->page_size;

	say(cli, "  at %#lx (%s %s-aligned): read %zu pages, %llu device faults, %llu minor faults",
	    (unsigned long)r->addr, r->addr % HUGE_SIZE ? "not" : "", CLI_SIZE(HUGE_SIZE),
	    pages, (unsigned long long)r->dev_faults, (unsigned long long)r->minflt);
	if (r->frames_known)
		say(cli, "  frames: %d of %zu pieces of %s are %zu consecutive frames (from pfn %#llx)",
		    r->pieces, MAP_SIZE / HUGE_SIZE, CLI_SIZE(HUGE_SIZE), HUGE_SIZE / cli->page_size,
		    (unsigned long long)r->first_pfn);
	else
		say(cli, "  frames: unknown (pagemap shows frame numbers to root only)");
}

static int run_huge(struct cli *cli, int argc, char **argv)
{
	struct huge_run aligned, off;
	struct mmdemo_info info;
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
	/* With 64 KiB pages a PMD maps 512 MiB: the default device has none. */
	if (!err && !(err = mmdemo_dev_info(dev, &info)) && info.size < MAP_SIZE) {
		mmdemo_dev_close(dev);
		cli_fail(cli, "the device holds %s, less than the two PMD entries of %s "
			 "each this needs with %s pages (load it with 'mmdemo load "
			 "size=%zu' or more)", CLI_SIZE(info.size), CLI_SIZE(HUGE_SIZE),
			 CLI_SIZE(cli->page_size), MAP_SIZE);
		return EXIT_UNSUPPORTED;
	}
	if (!err)
		err = huge_run(cli, dev, NULL, &aligned);
	/* A reserved, never touched area PMD-aligned, then a page into it. */
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
		jw_u64(&cli->j, "page_size", cli->page_size);
		jw_u64(&cli->j, "huge_entry_size", HUGE_SIZE);
		report_json(cli, "aligned", &aligned);
		report_json(cli, "misplaced", &off);
		jw_object_end(&cli->j);
		if (!cli->text)
			return 0;
	}
	say(cli, "%s of the device in huge mode, placed by mmap():", CLI_SIZE(MAP_SIZE));
	report(cli, &aligned);
	say(cli, "the same %s placed %s off a %s boundary (MAP_FIXED):", CLI_SIZE(MAP_SIZE),
	    CLI_SIZE(cli->page_size), CLI_SIZE(HUGE_SIZE));
	report(cli, &off);
	explain(cli, "With %s pages a PMD entry maps %s.  Where a whole, aligned %s of the",
		CLI_SIZE(cli->page_size), CLI_SIZE(HUGE_SIZE), CLI_SIZE(HUGE_SIZE));
	explain(cli, "device lines up with as much address space, the driver's huge_fault maps");
	explain(cli, "it with one page-table entry (a PMD), backed by one compound page: one");
	explain(cli, "fault for %zu pages.  Misplaced, the same pages take one fault each.",
		HUGE_SIZE / cli->page_size);
	return 0;
}

const struct cmd cmd_huge = {
	.name = "huge",
	.run = run_huge,
	.summary = "PMD-sized mappings: one fault per huge entry",
	.help = huge_help,
};
