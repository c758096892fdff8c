// SPDX-License-Identifier: LGPL-2.1-or-later
/* Residency (mincore), page-table state (pagemap) and fault counters (rusage). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "libmmdemo.h"

int mmdemo_residency(const void *addr, size_t length, unsigned char *vec)
{
	size_t pages = (length + (size_t)sysconf(_SC_PAGESIZE) - 1) /
		       (size_t)sysconf(_SC_PAGESIZE);

	if (mincore((void *)addr, length, vec))
		return -errno;
	/* Only bit 0 is defined; the others are reserved. */
	for (size_t i = 0; i < pages; i++)
		vec[i] &= 1;
	return 0;
}

/* Bit layout from Documentation/admin-guide/mm/pagemap.rst. */
#define PM_PFN_MASK		((1ULL << 55) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_EXCLUSIVE		(1ULL << 56)
#define PM_FILE_OR_SHARED	(1ULL << 61)
#define PM_SWAPPED		(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)

void mmdemo_pagemap_decode(uint64_t raw, struct mmdemo_pte *pte)
{
	pte->present = raw & PM_PRESENT;
	pte->swapped = raw & PM_SWAPPED;
	pte->file_or_shared = raw & PM_FILE_OR_SHARED;
	pte->exclusive = raw & PM_EXCLUSIVE;
	pte->soft_dirty = raw & PM_SOFT_DIRTY;
	/* Bits 0-54 are the PFN only while present; swapped, they are not. */
	pte->pfn = pte->present ? raw & PM_PFN_MASK : 0;
}

int mmdemo_pagemap(pid_t pid, const void *addr, size_t nr_pages,
		   struct mmdemo_pte *ptes)
{
	size_t page_size = (size_t)sysconf(_SC_PAGESIZE);
	off_t pos = (off_t)((uintptr_t)addr / page_size * sizeof(uint64_t));
	char path[64];
	int fd, err = 0;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < nr_pages; i++) {
		uint64_t raw;
		ssize_t n = pread(fd, &raw, sizeof(raw), pos + (off_t)(i * sizeof(raw)));

		if (n != sizeof(raw)) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		mmdemo_pagemap_decode(raw, &ptes[i]);
	}
	close(fd);
	return err;
}

int mmdemo_rusage(struct mmdemo_rusage *ru)
{
	struct rusage r;

	if (getrusage(RUSAGE_SELF, &r))
		return -errno;
	ru->minflt = (uint64_t)r.ru_minflt;
	ru->majflt = (uint64_t)r.ru_majflt;
	return 0;
}
