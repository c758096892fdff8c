// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls of include/uapi/linux/mmdemo.h: what the device is and what
 * it has done.  Structures are fixed-size and pointer-free, so the same
 * handler serves 32-bit callers through compat_ptr_ioctl().
 */
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/mmdemo.h>

#include "mmdemo.h"

static int mmdemo_ioctl_info(struct mmdemo_dev *dev, void __user *argp)
{
	struct mmdemo_info info = {
		.size		= dev->size,
		.page_size	= PAGE_SIZE,
		.version	= MMDEMO_API_VERSION,
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static int mmdemo_ioctl_stats(struct mmdemo_dev *dev, void __user *argp)
{
	struct mmdemo_stats stats = {
		.faults			= atomic64_read(&dev->faults),
		.pages_allocated	= atomic64_read(&dev->pages_allocated),
		.pages_resident		= atomic64_read(&dev->pages_resident),
		.vmas			= atomic64_read(&dev->vmas),
		.mmaps			= atomic64_read(&dev->mmaps),
	};

	return copy_to_user(argp, &stats, sizeof(stats)) ? -EFAULT : 0;
}

static int mmdemo_ioctl_page_faults(struct mmdemo_dev *dev,
				    struct mmdemo_page_faults __user *uarg)
{
	struct mmdemo_page_faults req;
	u32 i;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.pad || !req.nr_pages || req.first_page >= dev->nr_pages ||
	    req.nr_pages > dev->nr_pages - req.first_page)
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

static int mmdemo_ioctl_reset(struct mmdemo_dev *dev, struct file *file)
{
	pgoff_t i;
	int ret = 0;

	/* Reset destroys the data: as for write(), it needs a writable fd. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;

	down_write(&dev->lock);
	if (atomic64_read(&dev->vmas)) {
		ret = -EBUSY;
		goto out;
	}
	mmdemo_pages_free(dev);
	for (i = 0; i < dev->nr_pages; i++)
		atomic_set(&dev->fault_counts[i], 0);
	atomic64_set(&dev->faults, 0);
	atomic64_set(&dev->pages_allocated, 0);
	atomic64_set(&dev->mmaps, 0);
out:
	up_write(&dev->lock);
	return ret;
}

long mmdemo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mmdemo_dev *dev = mmdemo_from_file(file);
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MMDEMO_IOC_INFO:
		return mmdemo_ioctl_info(dev, argp);
	case MMDEMO_IOC_STATS:
		return mmdemo_ioctl_stats(dev, argp);
	case MMDEMO_IOC_PAGE_FAULTS:
		return mmdemo_ioctl_page_faults(dev, argp);
	case MMDEMO_IOC_RESET:
		return mmdemo_ioctl_reset(dev, file);
	default:
		return -ENOTTY;
	}
}
