// SPDX-License-Identifier: LGPL-2.1-or-later
/* The device: open, ioctls, mmap.  Thin wrappers that return -errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmmdemo.h"

struct mmdemo_dev {
	int fd;
};

int mmdemo_dev_open(const char *path, int oflags, struct mmdemo_dev **devp)
{
	struct mmdemo_dev *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = open(path ? path : MMDEMO_DEV_PATH, oflags | O_CLOEXEC);
	if (dev->fd < 0) {
		int err = -errno;

		free(dev);
		return err;
	}
	*devp = dev;
	return 0;
}

void mmdemo_dev_close(struct mmdemo_dev *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

int mmdemo_dev_fd(const struct mmdemo_dev *dev)
{
	return dev->fd;
}

static int dev_ioctl(struct mmdemo_dev *dev, unsigned long cmd, void *arg)
{
	return ioctl(dev->fd, cmd, arg) ? -errno : 0;
}

int mmdemo_dev_info(struct mmdemo_dev *dev, struct mmdemo_info *info)
{
	return dev_ioctl(dev, MMDEMO_IOC_INFO, info);
}

int mmdemo_dev_stats(struct mmdemo_dev *dev, struct mmdemo_stats *stats)
{
	return dev_ioctl(dev, MMDEMO_IOC_STATS, stats);
}

int mmdemo_dev_page_faults(struct mmdemo_dev *dev, uint64_t first_page,
			   uint32_t nr_pages, uint32_t *counts)
{
	struct mmdemo_page_faults *req;
	int ret;

	req = calloc(1, sizeof(*req) + (size_t)nr_pages * sizeof(req->counts[0]));
	if (!req)
		return -ENOMEM;
	req->first_page = first_page;
	req->nr_pages = nr_pages;
	ret = dev_ioctl(dev, MMDEMO_IOC_PAGE_FAULTS, req);
	for (uint32_t i = 0; !ret && i < nr_pages; i++)
		counts[i] = req->counts[i];
	free(req);
	return ret;
}

int mmdemo_dev_reset(struct mmdemo_dev *dev)
{
	return dev_ioctl(dev, MMDEMO_IOC_RESET, NULL);
}

int mmdemo_dev_zap(struct mmdemo_dev *dev)
{
	return dev_ioctl(dev, MMDEMO_IOC_ZAP, NULL);
}

int mmdemo_dev_resize(struct mmdemo_dev *dev, uint64_t size)
{
	return dev_ioctl(dev, MMDEMO_IOC_RESIZE, &size);
}

int mmdemo_dev_set_latency(struct mmdemo_dev *dev, uint32_t usecs)
{
	return dev_ioctl(dev, MMDEMO_IOC_SET_LATENCY, &usecs);
}

int mmdemo_dev_set_backing(struct mmdemo_dev *dev, uint32_t backing)
{
	return dev_ioctl(dev, MMDEMO_IOC_SET_BACKING, &backing);
}

int mmdemo_dev_get_backing(struct mmdemo_dev *dev, uint32_t *backing)
{
	return dev_ioctl(dev, MMDEMO_IOC_GET_BACKING, backing);
}

int mmdemo_dev_dirty(struct mmdemo_dev *dev, uint64_t first_page,
		     uint32_t nr_pages, uint8_t *dirty)
{
	struct mmdemo_dirty *req;
	int ret;

	req = calloc(1, sizeof(*req) + nr_pages);
	if (!req)
		return -ENOMEM;
	req->first_page = first_page;
	req->nr_pages = nr_pages;
	ret = dev_ioctl(dev, MMDEMO_IOC_GET_DIRTY, req);
	if (!ret)
		memcpy(dirty, req->dirty, nr_pages);
	free(req);
	return ret;
}

int mmdemo_dev_clean(struct mmdemo_dev *dev)
{
	return dev_ioctl(dev, MMDEMO_IOC_CLEAN, NULL);
}

int mmdemo_dev_features(struct mmdemo_dev *dev, uint32_t *features)
{
	return dev_ioctl(dev, MMDEMO_IOC_GET_FEATURES, features);
}

int mmdemo_map(struct mmdemo_dev *dev, void *addr, size_t length, int prot,
	       int flags, off_t offset, void **mapped)
{
	int fd = -1;
	void *p;

	if (!(flags & MAP_ANONYMOUS)) {
		if (!dev)
			return -EBADF;
		fd = dev->fd;
	}
	p = mmap(addr, length, prot, flags, fd, offset);
	if (p == MAP_FAILED)
		return -errno;
	*mapped = p;
	return 0;
}

int mmdemo_unmap(void *addr, size_t length)
{
	return munmap(addr, length) ? -errno : 0;
}
