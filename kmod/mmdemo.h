/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmdemo internals shared by the module's files.
 *
 * One device, one buffer: every open of /dev/mmdemo sees the same pages, as
 * with device memory.  Pages are allocated on first touch and kept in an
 * xarray indexed by page offset until reset or module unload.
 */
#ifndef _MMDEMO_H
#define _MMDEMO_H

#include <linux/atomic.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/rwsem.h>
#include <linux/xarray.h>

/* Upper bound of the size parameter: keeps fault_counts (4 bytes a page) small. */
#define MMDEMO_MAX_SIZE		(4ULL << 30)

struct mmdemo_dev {
	struct miscdevice misc;
	u64 size;		/* bytes, a multiple of PAGE_SIZE; fixed at load */
	pgoff_t nr_pages;

	/*
	 * Page offset -> struct page.  The xarray holds one reference on each
	 * page; every user (a PTE, read(), write()) takes its own.
	 */
	struct xarray pages;

	/*
	 * @lock keeps reset from freeing pages under someone who may look
	 * them up without a live VMA: mmap() (which creates the first VMA),
	 * read() and write() take it shared, reset takes it exclusive.  The
	 * fault path does not take it: a fault runs inside a live VMA, and
	 * reset refuses to run while @vmas is non-zero.  Lock order:
	 * mmap_lock -> @lock (mmap); nothing faults while holding @lock.
	 */
	struct rw_semaphore lock;

	atomic_t *fault_counts;		/* per page, nr_pages entries */
	atomic64_t faults;
	atomic64_t pages_allocated;
	atomic64_t pages_resident;
	atomic64_t vmas;
	atomic64_t mmaps;
};

static inline struct mmdemo_dev *mmdemo_from_file(struct file *file)
{
	/* misc_open() stores the miscdevice in private_data. */
	return container_of(file->private_data, struct mmdemo_dev, misc);
}

/* mmdemo_pages.c: the page store */
struct page *mmdemo_page_lookup(struct mmdemo_dev *dev, pgoff_t pgoff);
struct page *mmdemo_page_get(struct mmdemo_dev *dev, pgoff_t pgoff);
void mmdemo_pages_free(struct mmdemo_dev *dev);

/* mmdemo_mmap.c: mmap() and the VMA operations */
int mmdemo_mmap(struct file *file, struct vm_area_struct *vma);

/* mmdemo_ioctl.c: the UAPI ioctls */
long mmdemo_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _MMDEMO_H */
