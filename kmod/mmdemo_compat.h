/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place where mmdemo adapts to older kernels.  Each block provides
 * the current mainline API on a kernel that lacks it, so the rest of the
 * module reads like in-tree code; drop a block when its kernel is no longer
 * supported.  Supported: 6.1 and later.
 */
#ifndef _MMDEMO_COMPAT_H
#define _MMDEMO_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
/* 6.3 made vm_flags read-only and added helpers that also assert locking. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

#endif /* _MMDEMO_COMPAT_H */
