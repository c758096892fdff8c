/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place where mmdemo adapts to older kernels.  Each block provides
 * the current mainline API on a kernel that lacks it, so the rest of the
 * module reads like in-tree code; drop a block when its kernel is no longer
 * supported.  Supported: 6.1 and later.
 */
#ifndef _MMDEMO_COMPAT_H
#define _MMDEMO_COMPAT_H

#include <linux/huge_mm.h>
#include <linux/mm.h>
#include <linux/version.h>

#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
/* 6.3 made vm_flags read-only and added helpers that also assert locking. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/*
 * Huge mode needs the core to call ->huge_fault on a VM_MIXEDMAP mapping,
 * which it does since 6.12 (the huge PFN map work that added
 * THP_ORDERS_ALL_SPECIAL); before, only DAX mappings got there.
 */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) && defined(THP_ORDERS_ALL_SPECIAL)
#define MMDEMO_HUGE_FAULT_MIXEDMAP	1
#else
#define MMDEMO_HUGE_FAULT_MIXEDMAP	0
#endif

#if KERNEL_VERSION(6, 10, 0) > LINUX_VERSION_CODE
/* 6.10 gave the process's default placement policy a function. */
static inline unsigned long
mm_get_unmapped_area(struct mm_struct *mm, struct file *file,
		     unsigned long addr, unsigned long len,
		     unsigned long pgoff, unsigned long flags)
{
	return mm->get_unmapped_area(file, addr, len, pgoff, flags);
}
#endif

#endif /* _MMDEMO_COMPAT_H */
