// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo: a misc device whose memory is allocated on demand and mapped by
 * a fault handler, written as a reference for device mmap.
 *
 * This file holds the device itself: module parameters, registration and
 * the read()/write()/llseek() path, which works on the same pages as mmap()
 * so the two can be compared side by side.
 */
#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/mmdemo.h>

#include "mmdemo.h"

/* The tracepoints' definitions live here; everyone else includes the header. */
#define CREATE_TRACE_POINTS
#include "mmdemo_trace.h"

static unsigned long size_param = 64UL << 20;
module_param_named(size, size_param, ulong, 0444);
MODULE_PARM_DESC(size, "Device size in bytes, rounded up to whole pages (default 64 MiB, at most 4 GiB)");

static ushort mode_param = 0600;
module_param_named(mode, mode_param, ushort, 0444);
MODULE_PARM_DESC(mode, "Permission bits of /dev/mmdemo (default 0600)");

static uint latency_param;
module_param_named(latency_us, latency_param, uint, 0444);
MODULE_PARM_DESC(latency_us, "Initial fetch delay of a new page in microseconds, reported as a major fault (default 0: none; at most 1000000)");

static const char * const backing_names[] = {
	[MMDEMO_BACKING_PAGE]	= "page",
	[MMDEMO_BACKING_INSERT]	= "insert",
	[MMDEMO_BACKING_PFN]	= "pfn",
	[MMDEMO_BACKING_EAGER]	= "eager",
	[MMDEMO_BACKING_HUGE]	= "huge",
};

static char *backing_param = "page";
module_param_named(backing, backing_param, charp, 0444);
MODULE_PARM_DESC(backing, "How mmap() backs pages unless a file asks otherwise: page, insert, pfn, eager or huge (default page)");

static struct mmdemo_dev mmdemo_dev;

/*
 * Copies between the device and @iter one page at a time.  A read of a
 * page never touched returns zeros without allocating it; a write
 * allocates it.  dev->lock is held only to take the page reference, never
 * across the copy, which may fault on a user buffer.
 */
static ssize_t mmdemo_rw_iter(struct kiocb *iocb, struct iov_iter *iter,
			      bool write)
{
	struct mmdemo_dev *dev = mmdemo_from_file(iocb->ki_filp);
	u64 size = mmdemo_size(dev);
	loff_t pos = iocb->ki_pos;
	ssize_t done = 0, err = 0;

	if (!iov_iter_count(iter))
		return 0;
	if (pos >= size)
		return write ? -ENOSPC : 0;

	while (iov_iter_count(iter) && pos < size) {
		size_t off = offset_in_page(pos);
		size_t len = min3(PAGE_SIZE - off, iov_iter_count(iter),
				  (size_t)(size - pos));
		pgoff_t pgoff = pos >> PAGE_SHIFT;
		struct page *page;
		size_t copied;

		down_read(&dev->lock);
		if (write) {
			page = mmdemo_page_get(dev, pgoff, NULL);
			/* Locked only to order against a shrink: not held to copy. */
			if (!IS_ERR(page))
				unlock_page(page);
		} else {
			page = mmdemo_page_lookup(dev, pgoff);
		}
		up_read(&dev->lock);
		if (IS_ERR(page)) {
			err = PTR_ERR(page) == -ENXIO ? -ENOSPC : PTR_ERR(page);
			break;
		}

		if (write)
			copied = copy_page_from_iter(page, off, len, iter);
		else if (page)
			copied = copy_page_to_iter(page, off, len, iter);
		else
			copied = iov_iter_zero(len, iter);
		if (page)
			put_page(page);

		pos += copied;
		done += copied;
		if (copied < len) {
			err = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}

	iocb->ki_pos = pos;
	return done ? done : err;
}

static ssize_t mmdemo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return mmdemo_rw_iter(iocb, to, false);
}

static ssize_t mmdemo_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return mmdemo_rw_iter(iocb, from, true);
}

static loff_t mmdemo_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence,
				 mmdemo_size(mmdemo_from_file(file)));
}

/*
 * fsync(2), fdatasync(2) and msync(MS_SYNC) mean what they mean to a
 * framebuffer-style driver: the pages written through mappings in the
 * range have reached the device.  mmdemo has nowhere further to put them,
 * so it marks them clean, as MMDEMO_IOC_CLEAN does for the whole device.
 */
static int mmdemo_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct mmdemo_dev *dev = mmdemo_from_file(file);
	pgoff_t first = start >> PAGE_SHIFT;

	if (first < dev->capacity)
		mmdemo_pages_clean(dev, first,
				   min_t(u64, end >> PAGE_SHIFT, dev->capacity - 1));
	return 0;
}

static int mmdemo_open(struct inode *inode, struct file *file)
{
	/* misc_open() stored the miscdevice in private_data. */
	struct mmdemo_dev *dev = container_of(file->private_data,
					      struct mmdemo_dev, misc);
	struct mmdemo_file *mf;

	mf = kzalloc_obj(*mf, GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mf->dev = dev;
	mf->backing = dev->backing;
	file->private_data = mf;
	/* Every open shares one address_space: zap and resize reach every VMA. */
	file->f_mapping = dev->inode->i_mapping;
	return 0;
}

static int mmdemo_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/* .owner pins the module for every open file and every VMA's vm_file. */
static const struct file_operations mmdemo_fops = {
	.owner		= THIS_MODULE,
	.open		= mmdemo_open,
	.release	= mmdemo_release,
	.llseek		= mmdemo_llseek,
	.fsync		= mmdemo_fsync,
	.read_iter	= mmdemo_read_iter,
	.write_iter	= mmdemo_write_iter,
	/* splice(2) and sendfile(2) copy through the two above. */
	.splice_read	= copy_splice_read,
	.splice_write	= iter_file_splice_write,
	MMDEMO_FOPS_MMAP,
	.get_unmapped_area = mmdemo_get_unmapped_area,
	.unlocked_ioctl	= mmdemo_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/*
 * Adds up every CPU's counters.  A CPU may be adding to its own meanwhile;
 * each of its counters changes in one instruction there (on 64-bit), so
 * a sum sees each either before or after.
 */
void mmdemo_counters_sum(struct mmdemo_dev *dev, struct mmdemo_counters *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct mmdemo_counters *c = per_cpu_ptr(dev->counters, cpu);

		sum->faults += READ_ONCE(c->faults);
		sum->pages_allocated += READ_ONCE(c->pages_allocated);
		sum->pages_resident += READ_ONCE(c->pages_resident);
		sum->huge_faults += READ_ONCE(c->huge_faults);
		sum->mapped_around += READ_ONCE(c->mapped_around);
	}
}

/* With dev->lock held for writing and no VMA: nothing counts meanwhile. */
void mmdemo_counters_reset(struct mmdemo_dev *dev)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(dev->counters, cpu), 0, sizeof(*dev->counters));
}

static int __init mmdemo_init(void)
{
	struct mmdemo_dev *dev = &mmdemo_dev;
	int ret;

	if (!size_param || size_param > MMDEMO_MAX_SIZE) {
		pr_err("mmdemo: size=%lu is outside 1..%llu\n", size_param,
		       MMDEMO_MAX_SIZE);
		return -EINVAL;
	}
	if (latency_param > MMDEMO_MAX_LATENCY_US) {
		pr_err("mmdemo: latency_us=%u is over %u\n", latency_param,
		       MMDEMO_MAX_LATENCY_US);
		return -EINVAL;
	}
	ret = match_string(backing_names, ARRAY_SIZE(backing_names), backing_param);
	if (ret < 0) {
		pr_err("mmdemo: backing=%s is not page, insert, pfn, eager or huge\n",
		       backing_param);
		return -EINVAL;
	}
	if (mmdemo_backing_valid(ret)) {
		pr_err("mmdemo: backing=%s needs transparent huge pages and Linux 6.12 or later\n",
		       backing_param);
		return -EOPNOTSUPP;
	}
	dev->backing = ret;
	if (mode_param & ~0777) {
		pr_err("mmdemo: mode=%#o is not a permission mask\n", mode_param);
		return -EINVAL;
	}

	dev->capacity = PAGE_ALIGN(size_param) >> PAGE_SHIFT;
	dev->nr_pages = dev->capacity;
	dev->latency_us = latency_param;
	dev->fault_counts = kvcalloc(dev->capacity, sizeof(*dev->fault_counts),
				     GFP_KERNEL);
	if (!dev->fault_counts)
		return -ENOMEM;
	dev->dirty = bitmap_zalloc(dev->capacity, GFP_KERNEL);
	dev->counters = alloc_percpu(struct mmdemo_counters);
	if (!dev->dirty || !dev->counters) {
		ret = -ENOMEM;
		goto free_counts;
	}
	/* Its nodes are charged like the pages they index (see mmdemo_page_alloc()). */
	xa_init_flags(&dev->pages, XA_FLAGS_ACCOUNT);
	init_rwsem(&dev->lock);
	ret = mmdemo_inode_init(dev);
	if (ret)
		goto free_counts;

	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = "mmdemo";
	dev->misc.fops = &mmdemo_fops;
	dev->misc.mode = mode_param;
	ret = misc_register(&dev->misc);
	if (ret)
		goto exit_inode;
	mmdemo_debugfs_init(dev);
	return 0;

exit_inode:
	mmdemo_inode_exit(dev);
free_counts:
	free_percpu(dev->counters);
	bitmap_free(dev->dirty);
	kvfree(dev->fault_counts);
	return ret;
}

/* No file is open and no VMA exists: each would hold a module reference. */
static void __exit mmdemo_exit(void)
{
	mmdemo_debugfs_exit(&mmdemo_dev);
	misc_deregister(&mmdemo_dev.misc);
	mmdemo_pages_truncate(&mmdemo_dev, 0, false);
	mmdemo_inode_exit(&mmdemo_dev);
	free_percpu(mmdemo_dev.counters);
	bitmap_free(mmdemo_dev.dirty);
	kvfree(mmdemo_dev.fault_counts);
}

module_init(mmdemo_init);
module_exit(mmdemo_exit);

MODULE_DESCRIPTION("On-demand device memory mapped by a fault handler");
MODULE_AUTHOR("The mmdemo authors");
MODULE_LICENSE("GPL");
#ifdef MMDEMO_VERSION
MODULE_VERSION(MMDEMO_VERSION);
#endif
