// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mmdemo: the device's counters, and one line per
 * resident page (offset, PFN, reference count, faults served, dirty).
 * The pages of a huge page share one count, their compound page's.
 * Read-only (test builds add the hold switch, see mmdemo_hold.c); nothing
 * here is on a fast path.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>

#include "mmdemo.h"

static int mmdemo_stats_show(struct seq_file *m, void *unused)
{
	struct mmdemo_dev *dev = m->private;
	struct mmdemo_counters sum;

	mmdemo_counters_sum(dev, &sum);
	seq_printf(m, "size_pages %lu\ncapacity_pages %lu\n",
		   READ_ONCE(dev->nr_pages), dev->capacity);
	seq_printf(m, "faults %llu\npages_allocated %llu\npages_resident %lld\n",
		   sum.faults, sum.pages_allocated, sum.pages_resident);
	seq_printf(m, "vmas %lld\nmmaps %lld\nlatency_us %u\n",
		   atomic64_read(&dev->vmas), atomic64_read(&dev->mmaps),
		   READ_ONCE(dev->latency_us));
	seq_printf(m, "huge_faults %llu\nmapped_around %llu\n",
		   sum.huge_faults, sum.mapped_around);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mmdemo_stats);

static int mmdemo_pages_show(struct seq_file *m, void *unused)
{
	struct mmdemo_dev *dev = m->private;
	unsigned long index;
	struct page *entry;

	seq_puts(m, "pgoff pfn refcount faults dirty\n");
	xa_for_each(&dev->pages, index, entry) {
		/* A reference keeps the page from going while we print it. */
		struct page *page = mmdemo_page_lookup(dev, index);

		if (!page)
			continue;
		seq_printf(m, "%lu %#lx %d %d %d\n", index, page_to_pfn(page),
			   page_count(page) - 1,
			   atomic_read(&dev->fault_counts[index]),
			   test_bit(index, dev->dirty));
		put_page(page);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mmdemo_pages);

/* Failures are not fatal: debugfs is an aid, the device works without it. */
void mmdemo_debugfs_init(struct mmdemo_dev *dev)
{
	dev->debugfs = debugfs_create_dir("mmdemo", NULL);
	debugfs_create_file("stats", 0400, dev->debugfs, dev, &mmdemo_stats_fops);
	debugfs_create_file("pages", 0400, dev->debugfs, dev, &mmdemo_pages_fops);
	mmdemo_hold_debugfs_init(dev);
}

void mmdemo_debugfs_exit(struct mmdemo_dev *dev)
{
	debugfs_remove_recursive(dev->debugfs);
}
