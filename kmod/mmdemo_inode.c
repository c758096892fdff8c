// SPDX-License-Identifier: GPL-2.0
/*
 * One address_space for every open of the device.
 *
 * Each device node (and each mknod of one) has its own inode, so mappings
 * made through different nodes would live in different address_spaces and
 * unmap_mapping_range() on one would miss the others.  open() points every
 * file's f_mapping at the mapping of a single inode of a private pseudo
 * filesystem, as DRM and VFIO do, so zap and resize reach every VMA.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "mmdemo.h"

#define MMDEMO_FS_MAGIC	0x6d6d646d	/* "mmdm" */

static struct vfsmount *mmdemo_mnt;
static int mmdemo_mnt_count;

static int mmdemo_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MMDEMO_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the pinned mount would hold a reference on this very module
 * and rmmod could never succeed.  Nothing outlives module exit: the mount
 * is internal (released synchronously in mmdemo_inode_exit()) and every
 * file using the inode's mapping pins the module through its fops.
 */
static struct file_system_type mmdemo_fs_type = {
	.name			= "mmdemo",
	.init_fs_context	= mmdemo_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

int mmdemo_inode_init(struct mmdemo_dev *dev)
{
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&mmdemo_fs_type, &mmdemo_mnt, &mmdemo_mnt_count);
	if (ret)
		return ret;
	inode = alloc_anon_inode(mmdemo_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&mmdemo_mnt, &mmdemo_mnt_count);
		return PTR_ERR(inode);
	}
	dev->inode = inode;
	return 0;
}

void mmdemo_inode_exit(struct mmdemo_dev *dev)
{
	iput(dev->inode);
	simple_release_fs(&mmdemo_mnt, &mmdemo_mnt_count);
}
