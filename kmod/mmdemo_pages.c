// SPDX-License-Identifier: GPL-2.0
/*
 * The page store: device memory that exists only where it was touched.
 *
 * The xarray holds one reference on each page; every user (a PTE, read(),
 * write()) takes its own, so a page removed from the store lives on until
 * its last user is done with it.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>

#include "mmdemo.h"
#include "mmdemo_trace.h"

/*
 * Returns the page at @pgoff with a reference taken, or NULL.  Pages can
 * be removed concurrently (shrink), so the reference is taken only if the
 * page is still live, and the entry is checked again afterwards: the
 * page cache's lockless lookup, on struct pages that never go away.
 */
struct page *mmdemo_page_lookup(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	struct page *page;

	rcu_read_lock();
repeat:
	page = xa_load(&dev->pages, pgoff);
	if (page) {
		if (!get_page_unless_zero(page))
			goto repeat;
		if (unlikely(page != xa_load(&dev->pages, pgoff))) {
			put_page(page);
			goto repeat;
		}
	}
	rcu_read_unlock();
	return page;
}

/* Allocates a zeroed page for @pgoff, or returns the one a racer stored. */
static struct page *mmdemo_page_alloc(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	struct page *page, *old;

	/*
	 * GFP_HIGHUSER: the kernel touches the page only through kmap, so it
	 * may be highmem; not movable, since nothing here can migrate it.
	 * __GFP_ZERO: userspace must never see a previous owner's data.
	 */
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return ERR_PTR(-ENOMEM);
	/*
	 * The allocation's reference will belong to the store; the caller's
	 * must be taken before the page is published, since a shrink may
	 * remove it (and drop the store's) the moment it is in the xarray.
	 */
	get_page(page);

	/* Two first touches of one page race here: the first store wins. */
	old = xa_cmpxchg(&dev->pages, pgoff, NULL, page, GFP_KERNEL);
	if (unlikely(old)) {
		/* Never published: both references go, and the page with them. */
		put_page(page);
		put_page(page);
		if (xa_is_err(old))
			return ERR_PTR(xa_err(old));
		/* NULL if the winner was removed already: the caller retries. */
		return mmdemo_page_lookup(dev, pgoff);
	}
	atomic64_inc(&dev->pages_allocated);
	atomic64_inc(&dev->pages_resident);
	trace_mmdemo_page_alloc(pgoff, page_to_pfn(page));
	return page;
}

/*
 * With @page locked: takes it out of the store unless it is gone already.
 * The store's reference moves to @removed if given, else is dropped.
 */
static void mmdemo_page_remove(struct mmdemo_dev *dev, pgoff_t pgoff,
			       struct page *page, struct list_head *removed)
{
	if (xa_cmpxchg(&dev->pages, pgoff, page, NULL, 0) != page)
		return;
	atomic64_dec(&dev->pages_resident);
	/* The page is off the store and not on any LRU: lru is ours. */
	if (removed)
		list_add(&page->lru, removed);
	else
		put_page(page);
}

/*
 * Returns the page at @pgoff referenced and locked, allocating it if
 * needed; ERR_PTR(-ENXIO) past the end of the device.
 *
 * Against a shrink: the size is read again with the page locked.  A shrink
 * that removed the page did so under the same lock, so the page is then
 * seen gone; one that has not reached it yet will remove it afterwards and
 * unmap whatever the caller installs.  A page stored here after the shrink
 * passed its index is caught by the barrier pairing: either this path sees
 * the new size, or the shrink's scan sees the page.
 */
struct page *mmdemo_page_get(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	struct page *page;

retry:
	if (pgoff >= READ_ONCE(dev->nr_pages))
		return ERR_PTR(-ENXIO);
	page = mmdemo_page_lookup(dev, pgoff);
	if (!page) {
		page = mmdemo_page_alloc(dev, pgoff);
		if (IS_ERR(page))
			return page;
		if (!page)
			goto retry;
		/* Pairs with smp_mb() in mmdemo_ioctl_resize(). */
		smp_mb();
	}
	lock_page(page);
	if (unlikely(pgoff >= READ_ONCE(dev->nr_pages))) {
		/*
		 * Nothing maps it yet (we hold its lock and have not installed
		 * it), so its store reference can go at once.
		 */
		mmdemo_page_remove(dev, pgoff, page, NULL);
		unlock_page(page);
		put_page(page);
		return ERR_PTR(-ENXIO);
	}
	if (unlikely(xa_load(&dev->pages, pgoff) != page)) {
		unlock_page(page);
		put_page(page);
		goto retry;
	}
	return page;
}

/*
 * Removes every page from @first on, each under its lock.  A PFN mapping
 * holds no reference on its pages, so while one may still map them the
 * caller passes @removed, unmaps, then calls mmdemo_pages_release().
 */
void mmdemo_pages_truncate(struct mmdemo_dev *dev, pgoff_t first,
			   struct list_head *removed)
{
	unsigned long index;
	struct page *entry, *page;

	xa_for_each_start(&dev->pages, index, entry, first) {
		page = mmdemo_page_lookup(dev, index);
		if (!page)
			continue;
		lock_page(page);
		mmdemo_page_remove(dev, index, page, removed);
		unlock_page(page);
		put_page(page);
		cond_resched();
	}
}

/* Drops the store references mmdemo_pages_truncate() kept on @removed. */
void mmdemo_pages_release(struct list_head *removed)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, removed, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}
