// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls of include/uapi/linux/mmdemo.h: what the device is and what
 * it has done.  Structures are fixed-size and pointer-free, so the same
 * handler serves 32-bit callers through compat_ptr_ioctl().
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/mmdemo.h>

#include "mmdemo.h"
#include "mmdemo_trace.h"

static int mmdemo_ioctl_info(struct mmdemo_dev *dev, void __user *argp)
{
	struct mmdemo_info info = {
		.size		= mmdemo_size(dev),
		.page_size	= PAGE_SIZE,
		.version	= MMDEMO_API_VERSION,
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static int mmdemo_ioctl_stats(struct mmdemo_dev *dev, void __user *argp)
{
	struct mmdemo_counters sum;
	struct mmdemo_stats stats;

	mmdemo_counters_sum(dev, &sum);
	stats = (struct mmdemo_stats){
		.faults			= sum.faults,
		.pages_allocated	= sum.pages_allocated,
		.pages_resident		= sum.pages_resident,
		.vmas			= atomic64_read(&dev->vmas),
		.mmaps			= atomic64_read(&dev->mmaps),
	};

	return copy_to_user(argp, &stats, sizeof(stats)) ? -EFAULT : 0;
}

/*
 * The page range of a PAGE_FAULTS or GET_DIRTY request.  Both describe the
 * whole capacity, so a shrink keeps their history.
 */
static bool mmdemo_range_valid(struct mmdemo_dev *dev, u64 first, u32 nr, u32 pad)
{
	return !pad && nr && first < dev->capacity && nr <= dev->capacity - first;
}

static int mmdemo_ioctl_page_faults(struct mmdemo_dev *dev,
				    struct mmdemo_page_faults __user *uarg)
{
	struct mmdemo_page_faults req;
	u32 i;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!mmdemo_range_valid(dev, req.first_page, req.nr_pages, req.pad))
		return -EINVAL;

	for (i = 0; i < req.nr_pages; i++) {
		u32 count = atomic_read(&dev->fault_counts[req.first_page + i]);

		if (put_user(count, &uarg->counts[i]))
			return -EFAULT;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static int mmdemo_ioctl_reset(struct mmdemo_dev *dev)
{
	pgoff_t i;
	int ret = 0;

	down_write(&dev->lock);
	if (atomic64_read(&dev->vmas)) {
		ret = -EBUSY;
		goto out;
	}
	/* No VMA exists, so nothing needs unmapping, and no page is dirty after. */
	mmdemo_pages_truncate(dev, 0, false);
	for (i = 0; i < dev->capacity; i++)
		atomic_set(&dev->fault_counts[i], 0);
	mmdemo_counters_reset(dev);
	atomic64_set(&dev->mmaps, 0);
out:
	up_write(&dev->lock);
	return ret;
}

/*
 * Every mapping of the device, in every process, loses the PTEs of the
 * device's pages.  Not the private copies a MAP_PRIVATE write made
 * (even_cows = 0): those are the process's memory, and only a shrink,
 * as truncate(2), may take them.
 */
static int mmdemo_ioctl_zap(struct mmdemo_dev *dev)
{
	trace_mmdemo_zap(0, dev->capacity);
	unmap_mapping_range(dev->inode->i_mapping, 0, 0, 0);
	return 0;
}

static int mmdemo_ioctl_resize(struct mmdemo_dev *dev, u64 __user *uarg)
{
	pgoff_t old, new;
	u64 bytes;

	if (get_user(bytes, uarg))
		return -EFAULT;
	if (!bytes || bytes > ((u64)dev->capacity << PAGE_SHIFT))
		return -EINVAL;
	new = PAGE_ALIGN(bytes) >> PAGE_SHIFT;

	down_write(&dev->lock);
	old = dev->nr_pages;
	WRITE_ONCE(dev->nr_pages, new);
	if (new < old) {
		/*
		 * Pairs with smp_mb() in mmdemo_page_get(): a fault storing a
		 * page past the new end either sees the new size or is seen
		 * by the truncation, which unmaps each page it removes
		 * (private copies included).
		 */
		smp_mb();
		trace_mmdemo_zap(new, old - new);
		mmdemo_pages_truncate(dev, new, true);
	}
	up_write(&dev->lock);
	return 0;
}

static int mmdemo_ioctl_set_latency(struct mmdemo_dev *dev, u32 __user *uarg)
{
	u32 us;

	if (get_user(us, uarg))
		return -EFAULT;
	if (us > MMDEMO_MAX_LATENCY_US)
		return -EINVAL;
	WRITE_ONCE(dev->latency_us, us);
	return 0;
}

static int mmdemo_ioctl_get_dirty(struct mmdemo_dev *dev,
				  struct mmdemo_dirty __user *uarg)
{
	struct mmdemo_dirty req;
	u32 i;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!mmdemo_range_valid(dev, req.first_page, req.nr_pages, req.pad))
		return -EINVAL;
	for (i = 0; i < req.nr_pages; i++) {
		u8 bit = test_bit(req.first_page + i, dev->dirty);

		if (put_user(bit, &uarg->dirty[i]))
			return -EFAULT;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static int mmdemo_ioctl_set_backing(struct file *file, u32 __user *uarg)
{
	struct mmdemo_file *mf = file->private_data;
	u32 backing;
	int ret;

	if (get_user(backing, uarg))
		return -EFAULT;
	ret = mmdemo_backing_valid(backing);
	if (!ret)
		WRITE_ONCE(mf->backing, backing);
	return ret;
}

/*
 * Who may do what, beyond opening the device (mmdemo(4), PERMISSIONS).
 * Anyone who may open it may look at it, map it and clean it (as fsync()
 * needs no more than a file descriptor).  Commands that throw away data
 * or make every mapping fault again need a file open for writing, as
 * write() does.  Commands that let one user stall or break every other
 * user need CAP_SYS_ADMIN: a latency makes every fault on a new page
 * sleep, and a shrink SIGBUSes every mapping past the new end; the size
 * and latency are the administrator's choice, like the module's
 * parameters.
 */
static int mmdemo_ioctl_permitted(struct file *file, unsigned int cmd)
{
	bool admin = cmd == MMDEMO_IOC_SET_LATENCY || cmd == MMDEMO_IOC_RESIZE;
	bool writer = admin || cmd == MMDEMO_IOC_RESET || cmd == MMDEMO_IOC_ZAP;

	if (admin && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (writer && !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	return 0;
}

long mmdemo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mmdemo_dev *dev = mmdemo_from_file(file);
	void __user *argp = (void __user *)arg;
	int ret;

	ret = mmdemo_ioctl_permitted(file, cmd);
	if (ret)
		return ret;

	switch (cmd) {
	case MMDEMO_IOC_INFO:
		return mmdemo_ioctl_info(dev, argp);
	case MMDEMO_IOC_STATS:
		return mmdemo_ioctl_stats(dev, argp);
	case MMDEMO_IOC_PAGE_FAULTS:
		return mmdemo_ioctl_page_faults(dev, argp);
	case MMDEMO_IOC_RESET:
		return mmdemo_ioctl_reset(dev);
	case MMDEMO_IOC_ZAP:
		return mmdemo_ioctl_zap(dev);
	case MMDEMO_IOC_RESIZE:
		return mmdemo_ioctl_resize(dev, argp);
	case MMDEMO_IOC_SET_LATENCY:
		return mmdemo_ioctl_set_latency(dev, argp);
	case MMDEMO_IOC_SET_BACKING:
		return mmdemo_ioctl_set_backing(file, argp);
	case MMDEMO_IOC_GET_BACKING:
		return put_user(mmdemo_file_backing(file), (u32 __user *)argp);
	case MMDEMO_IOC_GET_DIRTY:
		return mmdemo_ioctl_get_dirty(dev, argp);
	case MMDEMO_IOC_CLEAN:
		mmdemo_pages_clean(dev, 0, dev->capacity - 1);
		return 0;
	case MMDEMO_IOC_GET_FEATURES:
		return put_user(mmdemo_features(), (u32 __user *)argp);
	default:
		return -ENOTTY;
	}
}
