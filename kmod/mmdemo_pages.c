// SPDX-License-Identifier: GPL-2.0
/*
 * The page store: device memory that exists only where it was touched.
 *
 * The xarray holds one reference on each page; every user (a PTE, read(),
 * write()) takes its own, so a page removed from the store lives on until
 * its last user is done with it.
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>

#include "mmdemo.h"
#include "mmdemo_trace.h"

/*
 * Returns the page at @pgoff with a reference taken, or NULL.  Pages can
 * be removed concurrently (shrink), so the reference is taken only if the
 * page is still live, and the slot is read again afterwards: the page
 * cache's lockless lookup, on struct pages that never go away.  The
 * reference is the folio's: a page of a huge page has no count of its own.
 *
 * With @locked, the page is also locked if that needs no sleep, and then
 * *@locked says so: still under RCU, the walk's node cannot be freed, so
 * reading the slot once more proves the locked page the device's (removal
 * takes the page lock).  A fault on a resident page walks the store once.
 */
static struct page *mmdemo_page_find(struct mmdemo_dev *dev, pgoff_t pgoff,
				     bool *locked)
{
	XA_STATE(xas, &dev->pages, pgoff);
	struct page *page;

	rcu_read_lock();
repeat:
	xas_reset(&xas);
	page = xas_load(&xas);
	if (xas_retry(&xas, page))
		goto repeat;
	if (page) {
		if (!folio_try_get(page_folio(page)))
			goto repeat;
		if (unlikely(page != xas_reload(&xas))) {
			put_page(page);
			goto repeat;
		}
		if (locked) {
			*locked = trylock_page(page);
			if (*locked && unlikely(page != xas_reload(&xas))) {
				unlock_page(page);
				*locked = false;
			}
		}
	}
	rcu_read_unlock();
	return page;
}

struct page *mmdemo_page_lookup(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	return mmdemo_page_find(dev, pgoff, NULL);
}

/*
 * Allocates a zeroed page for @pgoff and returns it locked, or NULL if a
 * racer stored one first.
 */
static struct page *mmdemo_page_alloc(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	struct page *page, *old;

	/*
	 * GFP_HIGHUSER: the kernel touches the page only through kmap, so it
	 * may be highmem; not movable, since nothing here can migrate it.
	 * __GFP_ZERO: userspace must never see a previous owner's data.
	 * __GFP_ACCOUNT: charged to the memory cgroup of the task whose fault
	 * or write allocates it, as the page cache charges a file's pages,
	 * so that nobody grows the device past their cgroup's limit; the
	 * charge goes when the page is freed.
	 */
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT);
	if (!page)
		return ERR_PTR(-ENOMEM);
	/*
	 * The allocation's reference will belong to the store; the caller's
	 * must be taken before the page is published, since a shrink may
	 * remove it (and drop the store's) the moment it is in the xarray.
	 * Published locked, as the page cache adds pages: nobody can remove
	 * it before the caller unlocks it, so it needs no second lookup.
	 */
	get_page(page);
	__folio_set_locked(page_folio(page));
	set_page_private(page, MMDEMO_PAGE_IN_STORE);

	/* Two first touches of one page race here: the first store wins. */
	old = xa_cmpxchg(&dev->pages, pgoff, NULL, page, GFP_KERNEL);
	if (unlikely(old)) {
		/* Never published: both references go, and the page with them. */
		set_page_private(page, 0);
		__folio_clear_locked(page_folio(page));
		put_page(page);
		put_page(page);
		return xa_is_err(old) ? ERR_PTR(xa_err(old)) : NULL;
	}
	this_cpu_inc(dev->counters->pages_allocated);
	this_cpu_inc(dev->counters->pages_resident);
	trace_mmdemo_page_alloc(pgoff, page_to_pfn(page));
	return page;
}

/*
 * With @page locked: takes it out of the store and drops the store's
 * reference, unless it is gone already.  Returns whether it was there.
 */
static bool mmdemo_page_remove(struct mmdemo_dev *dev, pgoff_t pgoff,
			       struct page *page)
{
	if (xa_cmpxchg(&dev->pages, pgoff, page, NULL, 0) != page)
		return false;
	if (!folio_test_large(page_folio(page)))
		set_page_private(page, 0);
	this_cpu_dec(dev->counters->pages_resident);
	put_page(page);
	return true;
}

/*
 * With a latency set, a page the device does not have yet is "fetched"
 * like a page from disk before it is allocated: sleep.  A real driver doing
 * I/O would drop mmap_lock and return VM_FAULT_RETRY while it waits; a
 * short sleep keeps this demonstration simple.  Returns whether it slept.
 */
static bool mmdemo_fetch(struct mmdemo_dev *dev)
{
	unsigned int us = READ_ONCE(dev->latency_us);

	if (!us)
		return false;
	fsleep(us);
	return true;
}

/*
 * Returns the page at @pgoff referenced and locked, allocating it if
 * needed; ERR_PTR(-ENXIO) past the end of the device.  If @fetched is not
 * NULL (a fault), a missing page is fetched first and *@fetched set.
 *
 * Against a shrink: the size is read again with the page locked.  A shrink
 * that removed the page did so under the same lock, so the page is then
 * seen gone; one that has not reached it yet will remove it afterwards and
 * unmap whatever the caller installs.  A page stored here after the shrink
 * passed its index is caught by the barrier pairing: either this path sees
 * the new size, or the shrink's scan sees the page.
 */
struct page *mmdemo_page_get(struct mmdemo_dev *dev, pgoff_t pgoff,
			     bool *fetched)
{
	bool locked = false;
	struct page *page;

retry:
	if (pgoff >= READ_ONCE(dev->nr_pages))
		return ERR_PTR(-ENXIO);
	page = mmdemo_page_find(dev, pgoff, &locked);
	if (!page) {
		/* A shrink may pass meanwhile: the check under the lock sees it. */
		if (fetched && mmdemo_fetch(dev))
			*fetched = true;
		page = mmdemo_page_alloc(dev, pgoff);
		if (IS_ERR(page))
			return page;
		if (!page)
			goto retry;
		locked = true;
		/* Pairs with smp_mb() in mmdemo_ioctl_resize(). */
		smp_mb();
	}
	if (!locked) {
		lock_page(page);
		if (unlikely(!mmdemo_page_in_store(dev, pgoff, page))) {
			unlock_page(page);
			put_page(page);
			goto retry;
		}
	}
	if (unlikely(pgoff >= READ_ONCE(dev->nr_pages))) {
		/*
		 * Nothing maps it yet (we hold its lock and have not installed
		 * it), so its store reference can go at once.
		 */
		mmdemo_page_remove(dev, pgoff, page);
		unlock_page(page);
		put_page(page);
		return ERR_PTR(-ENXIO);
	}
	return page;
}

#if MMDEMO_HUGE
/*
 * Publishes the HPAGE_PMD_NR pages of the new PMD-sized @folio at
 * @first.., each with a store reference, as one unit: @folio is locked, so
 * a lookup of any of them waits in lock_page() and then sees either all
 * of them or, after a rollback, none.  Fails if any index is taken.
 */
static int mmdemo_huge_folio_publish(struct mmdemo_dev *dev, pgoff_t first,
				     struct folio *folio)
{
	void *old = NULL;
	int i;

	for (i = 0; i < HPAGE_PMD_NR; i++) {
		folio_get(folio);
		old = xa_cmpxchg(&dev->pages, first + i, NULL,
				 folio_page(folio, i), GFP_KERNEL);
		if (old) {
			folio_put(folio);
			break;
		}
	}
	if (!old)
		return 0;
	while (i--) {
		xa_cmpxchg(&dev->pages, first + i, folio_page(folio, i), NULL, 0);
		folio_put(folio);
	}
	return xa_is_err(old) ? xa_err(old) : -EEXIST;
}

/*
 * Returns the PMD-sized folio holding the pages @first..@first +
 * HPAGE_PMD_NR - 1, referenced and locked, allocating it if none of those
 * pages exists; NULL if some exist as single pages, if the range passes
 * the end, or if no 2 MiB of free memory is at hand: the caller then maps
 * 4 KiB pages instead.  Against a shrink, as mmdemo_page_get(): size
 * checked again under the lock, and truncation works from an index
 * upwards, so if the last page is still ours all are.
 */
struct folio *mmdemo_huge_folio_get(struct mmdemo_dev *dev, pgoff_t first,
				    bool *fetched)
{
	pgoff_t last = first + HPAGE_PMD_NR - 1;
	struct folio *folio;
	struct page *page;

	if (last >= READ_ONCE(dev->nr_pages))
		return NULL;
	page = mmdemo_page_lookup(dev, first);
	if (page) {
		folio = page_folio(page);
		if (folio_page(folio, 0) != page ||
		    folio_order(folio) != HPAGE_PMD_ORDER) {
			folio_put(folio);
			return NULL;
		}
		folio_lock(folio);
	} else {
		unsigned long index = first;

		/* Part of it exists as single pages: do not even try. */
		if (xa_find(&dev->pages, &index, last, XA_PRESENT))
			return NULL;
		*fetched = mmdemo_fetch(dev);
		/*
		 * As for a single page, plus: no retrying or warning when a
		 * PMD's worth is not free at once (or the cgroup has no room
		 * for it), since single pages will do.  A folio, not a bare
		 * compound page: the rmap of a page-backed PMD entry expects
		 * one.
		 */
		folio = folio_alloc(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT |
				    __GFP_NORETRY | __GFP_NOWARN, HPAGE_PMD_ORDER);
		if (!folio)
			return NULL;
		folio_lock(folio);
		if (mmdemo_huge_folio_publish(dev, first, folio)) {
			folio_unlock(folio);
			folio_put(folio);
			return NULL;
		}
		/*
		 * folio_nr_pages(), not the constant HPAGE_PMD_NR: arm64's
		 * this_cpu_add() casts its operand for every operand size,
		 * and sparse warns on a constant (2048 with 16 KiB pages)
		 * truncated for the byte-sized case it never takes.
		 */
		this_cpu_add(dev->counters->pages_allocated, folio_nr_pages(folio));
		this_cpu_add(dev->counters->pages_resident, folio_nr_pages(folio));
		trace_mmdemo_page_alloc(first, folio_pfn(folio));
		/* Pairs with smp_mb() in mmdemo_ioctl_resize(). */
		smp_mb();
	}
	if (mmdemo_page_live(dev, last, folio_page(folio, HPAGE_PMD_NR - 1)))
		return folio;
	folio_unlock(folio);
	folio_put(folio);
	return NULL;
}
#endif

/*
 * Removes every page from @first on, each under its lock.  A PFN mapping
 * (pfn mode, and every 2 MiB entry) holds no reference on its page, so if
 * the device may be @mapped each page is also unmapped before its lock is
 * dropped: no fault can map it again after that (it is gone from the
 * store), and only then may the store's reference go.  A page that is
 * gone is not dirty: its bit is cleared under the same lock, atomically,
 * since a write to a page that stays may be setting a bit of the same
 * word.
 */
void mmdemo_pages_truncate(struct mmdemo_dev *dev, pgoff_t first, bool mapped)
{
	unsigned long index;
	struct page *entry, *page;

	xa_for_each_start(&dev->pages, index, entry, first) {
		page = mmdemo_page_lookup(dev, index);
		if (!page)
			continue;
		lock_page(page);
		if (mmdemo_page_remove(dev, index, page)) {
			if (mapped)
				unmap_mapping_range(dev->inode->i_mapping,
						    (loff_t)index << PAGE_SHIFT,
						    PAGE_SIZE, 1);
			clear_bit(index, dev->dirty);
		}
		unlock_page(page);
		/* Our lookup reference kept the page alive until now. */
		put_page(page);
		cond_resched();
	}
}

/*
 * Cleans the dirty pages @first..@last: for each, under its lock,
 * write-protect it everywhere (by unmapping it, private copies excepted,
 * as in zap: mapping_wrprotect_range() is newer than 6.12), then clear its
 * bit.  A write racing with this either set the bit before we took the
 * lock (and its PTE is gone now, so the next write faults again) or waits
 * for the lock in ->page_mkwrite and sets the bit after us.
 */
void mmdemo_pages_clean(struct mmdemo_dev *dev, pgoff_t first, pgoff_t last)
{
	struct address_space *mapping = dev->inode->i_mapping;
	unsigned long pgoff;

	for (pgoff = first; ; pgoff++) {
		struct page *page;

		/*
		 * The scan reads words in which writes set bits meanwhile,
		 * and that is fine (hence data_race()): a bit it misses was
		 * set after the clean began, by a write it need not undo.
		 */
		pgoff = data_race(find_next_bit(dev->dirty, last + 1, pgoff));
		if (pgoff > last)
			break;
		page = mmdemo_page_lookup(dev, pgoff);

		if (page)
			lock_page(page);
		unmap_mapping_range(mapping, (loff_t)pgoff << PAGE_SHIFT,
				    PAGE_SIZE, 0);
		clear_bit(pgoff, dev->dirty);
		if (page) {
			unlock_page(page);
			put_page(page);
		}
		cond_resched();
	}
}
