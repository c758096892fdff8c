// SPDX-License-Identifier: GPL-2.0
/*
 * Functions older kernels need; see mmdemo_compat.h.  Empty on a kernel
 * that needs none of them.
 */
#include <linux/fs.h>
#include <linux/mm.h>

#include "mmdemo.h"
#include "mmdemo_compat.h"

#if !MMDEMO_HAVE_MMAP_PREPARE
/*
 * ->mmap for kernels before 7.1, as a thin adapter: the same
 * mmdemo_mmap_prepare() on a descriptor of the VMA, its result copied
 * back, then what ->mapped does since 7.1.
 */
int mmdemo_compat_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vm_area_desc desc = {
		.mm		= vma->vm_mm,
		.file		= file,
		.start		= vma->vm_start,
		.end		= vma->vm_end,
		.pgoff		= vma->vm_pgoff,
		.vm_flags	= vma->vm_flags,
		.page_prot	= vma->vm_page_prot,
	};
	int ret;

	ret = mmdemo_mmap_prepare(&desc);
	if (ret)
		return ret;
	vm_flags_set(vma, desc.vm_flags & ~vma->vm_flags);
	vma->vm_ops = desc.vm_ops;
	/*
	 * Before 7.1 the core makes the page protection final only after
	 * ->mmap, write-protecting shared mappings that have ->page_mkwrite;
	 * eager mode installs pages now, and must not miss their first write.
	 */
	if (vma->vm_flags & VM_SHARED)
		vma->vm_page_prot = vm_get_page_prot(vma->vm_flags & ~VM_SHARED);
	ret = mmdemo_mmap_complete(vma);
	if (!ret)
		vma->vm_private_data = mmdemo_from_file(file);
	return ret;
}
#endif
