/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmdemo internals shared by the module's files.
 *
 * One device, one buffer: every open of /dev/mmdemo sees the same pages, as
 * with device memory.  Pages are allocated on first touch and kept in an
 * xarray indexed by page offset until reset, a shrink or module unload.
 *
 * Locking, outermost first:
 *   mmap_lock or the VMA lock  held by the core around ->mmap_prepare,
 *                              ->mapped and ->fault
 *   dev->lock                  shared: ->mapped, read(), write()
 *                              exclusive: reset, resize
 *   page lock                  a fault holds it until the PTE is installed,
 *                              mkwrite while it marks the page dirty, a
 *                              shrink to remove and unmap the page, a clean
 *                              to write-protect it (one lock for the 512
 *                              pages of a huge page: it is the folio's)
 *   i_mmap_rwsem               taken by unmap_mapping_range(): under a page
 *                              lock in clean and shrink (the order the
 *                              kernel's rmap walks use), under none in zap
 * The fault path takes no device-wide lock and writes no device-wide
 * counter (struct mmdemo_counters is per CPU).  It finds pages under RCU,
 * one walk of the store for a resident page, and orders itself against a
 * shrink with the page lock, as the page cache does against truncate: see
 * mmdemo_page_get() and mmdemo_ioctl_resize().  (Storing a new page takes
 * the xarray's own lock, as adding a page to the page cache does.)
 *
 * Nor does it rely on mmap_lock.  Since 6.7 the core calls ->fault with
 * only the VMA's own lock held when the VMA has ->map_pages (every mode
 * has one, see mmdemo_map_no_pages()), and ->huge_fault in any case.
 * mmap_lock is taken by nobody else here, and what a fault uses is the
 * VMA (kept stable by whichever lock the core holds), the device (alive
 * while the VMA pins its file) and the page store (RCU, page lock).
 */
#ifndef _MMDEMO_H
#define _MMDEMO_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/percpu.h>
#include <linux/rwsem.h>
#include <linux/xarray.h>

#include "mmdemo_compat.h"

/* Upper bound of the size parameter: keeps fault_counts (4 bytes a page) small. */
#define MMDEMO_MAX_SIZE		(4ULL << 30)

struct mmdemo_dev {
	struct miscdevice misc;
	pgoff_t capacity;	/* pages: the size parameter, fixed at load */
	pgoff_t nr_pages;	/* current size, <= capacity; written under @lock */
	struct inode *inode;	/* its i_mapping is every open file's f_mapping */
	struct dentry *debugfs;	/* /sys/kernel/debug/mmdemo */

	/*
	 * Page offset -> struct page.  The xarray holds one reference on each
	 * page; every user (read(), write(), a PTE of the page, insert and
	 * eager modes) takes its own.  A PFN PTE takes none: a shrink frees
	 * pages only after unmapping them (mmdemo_ioctl_resize()).
	 */
	struct xarray pages;

	/*
	 * @lock orders size changes and reset against mmap(), read() and
	 * write(), which check the size or look up pages outside any VMA.
	 * Nothing faults while holding it: read() and write() drop it before
	 * copying to or from user memory.
	 */
	struct rw_semaphore lock;

	unsigned int latency_us;	/* fetch delay of a new page; 0: none */
	u32 backing;			/* default MMDEMO_BACKING_* of an open */
	atomic_t *fault_counts;		/* per page, capacity entries */
	/*
	 * Pages written through a mapping since the last clean, capacity
	 * bits.  A bit is set by ->page_mkwrite/->pfn_mkwrite (or a huge
	 * write fault) and cleared by a clean or the page's removal, all
	 * under the page's lock (see mmdemo_pages_clean()).  Bits of other
	 * pages share a word, so every change is atomic but a huge fault's.
	 */
	unsigned long *dirty;
	/* What faults and allocations did: one set per CPU, see below. */
	struct mmdemo_counters __percpu *counters;
	atomic64_t vmas;
	atomic64_t mmaps;
};

/*
 * Event counters that faults write.  Each CPU counts in its own set
 * (this_cpu_inc()), so a fault writes no cache line that faults on other
 * CPUs write too, as a device-wide atomic would; readers add the sets up
 * (mmdemo_counters_sum()).  A sum is exact while nothing faults, as in
 * every test that checks one.
 */
struct mmdemo_counters {
	u64 faults;
	u64 pages_allocated;
	s64 pages_resident;	/* allocated minus removed, on this CPU */
	u64 huge_faults;	/* 2 MiB entries installed (debugfs) */
	u64 mapped_around;	/* pages mapped by fault-around (debugfs) */
};

void mmdemo_counters_sum(struct mmdemo_dev *dev, struct mmdemo_counters *sum);
void mmdemo_counters_reset(struct mmdemo_dev *dev);

/* What each open file has of its own. */
struct mmdemo_file {
	struct mmdemo_dev *dev;
	u32 backing;		/* MMDEMO_BACKING_* | FAULT_AROUND, for its next mmap() */
};

static inline struct mmdemo_dev *mmdemo_from_file(const struct file *file)
{
	return ((struct mmdemo_file *)file->private_data)->dev;
}

static inline u32 mmdemo_file_backing(const struct file *file)
{
	return READ_ONCE(((struct mmdemo_file *)file->private_data)->backing);
}

/* The current size in bytes; it changes only under dev->lock. */
static inline u64 mmdemo_size(struct mmdemo_dev *dev)
{
	return (u64)READ_ONCE(dev->nr_pages) << PAGE_SHIFT;
}

/*
 * page->private of a single page while it is in the store: the page is
 * the device's (no page cache has it), so the field is ours.  Set before
 * the page is published and cleared when it is removed, under its lock,
 * it answers "still the device's?" the way ->mapping does for a page-cache
 * folio, with no walk of the store.  The pages of a huge page cannot carry
 * it (their fields hold the folio's metadata): for them the store is asked.
 */
#define MMDEMO_PAGE_IN_STORE	1UL

/*
 * With @page locked: whether it is still in the store, at @pgoff (the
 * offset it was found at).  Removal takes the page lock, so the answer
 * holds until the caller unlocks it.
 */
static inline bool mmdemo_page_in_store(struct mmdemo_dev *dev, pgoff_t pgoff,
					struct page *page)
{
	if (!folio_test_large(page_folio(page)))
		return page_private(page) == MMDEMO_PAGE_IN_STORE;
	return xa_load(&dev->pages, pgoff) == page;
}

/*
 * With @page locked: whether it is still the device's page at @pgoff, and
 * inside the device.  A shrink lowers the size first and then removes each
 * page under its lock, so a page that passes this check under the lock
 * cannot be removed before the caller unlocks it.
 */
static inline bool mmdemo_page_live(struct mmdemo_dev *dev, pgoff_t pgoff,
				    struct page *page)
{
	return pgoff < READ_ONCE(dev->nr_pages) &&
	       mmdemo_page_in_store(dev, pgoff, page);
}

/* mmdemo_pages.c: the page store */
struct page *mmdemo_page_lookup(struct mmdemo_dev *dev, pgoff_t pgoff);
struct page *mmdemo_page_get(struct mmdemo_dev *dev, pgoff_t pgoff,
			     bool *fetched);
struct folio *mmdemo_huge_folio_get(struct mmdemo_dev *dev, pgoff_t first,
				    bool *fetched);
void mmdemo_pages_truncate(struct mmdemo_dev *dev, pgoff_t first, bool mapped);
void mmdemo_pages_clean(struct mmdemo_dev *dev, pgoff_t first, pgoff_t last);

/* mmdemo_debugfs.c: counters and per-page state under debugfs */
void mmdemo_debugfs_init(struct mmdemo_dev *dev);
void mmdemo_debugfs_exit(struct mmdemo_dev *dev);

/*
 * mmdemo_hold.c: places where a selftest can stop a fault, in test builds
 * only (CONFIG_MMDEMO_TEST_HOLD); elsewhere the calls compile to nothing.
 */
enum mmdemo_hold_point {
	MMDEMO_HOLD_MKWRITE,	/* ->page_mkwrite, ->pfn_mkwrite: before the page lock */
};

#if IS_ENABLED(CONFIG_MMDEMO_TEST_HOLD)
void mmdemo_hold(enum mmdemo_hold_point point);
void mmdemo_hold_debugfs_init(struct mmdemo_dev *dev);
#else
static inline void mmdemo_hold(enum mmdemo_hold_point point) { }
static inline void mmdemo_hold_debugfs_init(struct mmdemo_dev *dev) { }
#endif

/* mmdemo_inode.c: the address_space shared by every open */
int mmdemo_inode_init(struct mmdemo_dev *dev);
void mmdemo_inode_exit(struct mmdemo_dev *dev);

/* mmdemo_mmap.c: mmap() and the VMA operations */
int mmdemo_backing_valid(u32 backing);
u32 mmdemo_features(void);
int mmdemo_mmap_prepare(struct vm_area_desc *desc);
int mmdemo_mmap_complete(struct vm_area_struct *vma);
unsigned long mmdemo_get_unmapped_area(struct file *file, unsigned long addr,
				       unsigned long len, unsigned long pgoff,
				       unsigned long flags);

/* mmdemo_ioctl.c: the UAPI ioctls */
long mmdemo_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _MMDEMO_H */
