// SPDX-License-Identifier: GPL-2.0
/*
 * The page store: device memory that exists only where it was touched.
 *
 * Callers must keep mmdemo_pages_free() away while they use a returned
 * page pointer to take a reference: either they run inside a live VMA
 * (faults) or they hold dev->lock (read, write).  Once the caller owns a
 * reference the page outlives any reset.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "mmdemo.h"

/* Returns the page at @pgoff with a reference taken, or NULL if never touched. */
struct page *mmdemo_page_lookup(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	struct page *page = xa_load(&dev->pages, pgoff);

	if (page)
		get_page(page);
	return page;
}

/* Returns the page at @pgoff with a reference taken, allocating it if needed. */
struct page *mmdemo_page_get(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	struct page *page, *old;

	page = mmdemo_page_lookup(dev, pgoff);
	if (page)
		return page;

	/*
	 * GFP_HIGHUSER: the kernel touches the page only through kmap, so it
	 * may be highmem; not movable, since nothing here can migrate it.
	 * __GFP_ZERO: userspace must never see a previous owner's data.
	 */
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return ERR_PTR(-ENOMEM);

	/* Two first touches of one page race here: the first store wins. */
	old = xa_cmpxchg(&dev->pages, pgoff, NULL, page, GFP_KERNEL);
	if (unlikely(old)) {
		__free_page(page);
		if (xa_is_err(old))
			return ERR_PTR(xa_err(old));
		get_page(old);
		return old;
	}

	atomic64_inc(&dev->pages_allocated);
	atomic64_inc(&dev->pages_resident);
	/* The allocation's reference now belongs to the xarray. */
	get_page(page);
	return page;
}

/* Drops the store's reference on every page.  Nothing may use the store. */
void mmdemo_pages_free(struct mmdemo_dev *dev)
{
	unsigned long index;
	struct page *page;

	xa_for_each(&dev->pages, index, page) {
		put_page(page);
		cond_resched();
	}
	xa_destroy(&dev->pages);
	atomic64_set(&dev->pages_resident, 0);
}
