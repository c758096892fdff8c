/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place where mmdemo adapts to older kernels.  Each block provides
 * the current mainline API on a kernel that lacks it, or says which of two
 * ways the kernel can do a thing, so the rest of the module reads like
 * in-tree code of the newest kernel.  Drop a block when its kernel is no
 * longer supported.  Supported and tested: 6.1, 6.12 and 7.1 or later
 * (7.3); the kernels in between are not tested.
 */
#ifndef _MMDEMO_COMPAT_H
#define _MMDEMO_COMPAT_H

/* mm.h first: 6.1's and 6.12's huge_mm.h use it without including it. */
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/log2.h>
#include <linux/version.h>

/*
 * f_op->mmap_prepare() with struct vm_area_desc (6.16), VMA_*_BIT flag
 * helpers (7.0) and vm_ops->mapped() (7.1).  mmdemo needs ->mapped to
 * count a mapping once it really exists, so before 7.1 it keeps ->mmap:
 * mmdemo_compat_mmap() builds a descriptor from the VMA, runs the same
 * mmdemo_mmap_prepare() and mmdemo_mmap_complete() as 7.1+ does, and
 * copies the result back.  Everything is a macro or our own name, so nothing
 * clashes with the half of this API that 6.16 to 7.0 already have.
 */
#if KERNEL_VERSION(7, 1, 0) > LINUX_VERSION_CODE
#define MMDEMO_HAVE_MMAP_PREPARE	0

#define vm_area_desc	mmdemo_vm_area_desc
struct vm_area_desc {
	struct mm_struct *mm;
	struct file *file;
	unsigned long start;
	unsigned long end;
	pgoff_t pgoff;
	vm_flags_t vm_flags;	/* 7.0+: vma_flags_t vma_flags */
	pgprot_t page_prot;
	const struct vm_operations_struct *vm_ops;
	void *private_data;
};

/* Bit numbers, as 7.0's VMA_*_BIT are: const_ilog2() keeps them constant. */
#define VMA_SHARED_BIT		const_ilog2(VM_SHARED)
#define VMA_PFNMAP_BIT		const_ilog2(VM_PFNMAP)
#define VMA_MIXEDMAP_BIT	const_ilog2(VM_MIXEDMAP)
#define VMA_DONTEXPAND_BIT	const_ilog2(VM_DONTEXPAND)
#define VMA_DONTDUMP_BIT	const_ilog2(VM_DONTDUMP)
#define VMA_HUGEPAGE_BIT	const_ilog2(VM_HUGEPAGE)

#define vma_desc_set_flags(desc, ...)					\
	do {								\
		const unsigned int bits_[] = { __VA_ARGS__ };		\
		struct vm_area_desc *desc_ = (desc);			\
		unsigned int i_;					\
									\
		for (i_ = 0; i_ < ARRAY_SIZE(bits_); i_++)		\
			desc_->vm_flags |= BIT(bits_[i_]);		\
	} while (0)
#define vma_desc_is_cow_mapping(desc)	is_cow_mapping((desc)->vm_flags)
#define vma_test(vma, bit)		(!!((vma)->vm_flags & BIT(bit)))
#define vma_desc_pages			mmdemo_vma_desc_pages
static inline unsigned long vma_desc_pages(const struct vm_area_desc *desc)
{
	return (desc->end - desc->start) >> PAGE_SHIFT;
}

int mmdemo_compat_mmap(struct file *file, struct vm_area_struct *vma);
#define MMDEMO_FOPS_MMAP	.mmap = mmdemo_compat_mmap
#define MMDEMO_VM_OPS_MAPPED
#else
#define MMDEMO_HAVE_MMAP_PREPARE	1
#define MMDEMO_FOPS_MMAP	.mmap_prepare = mmdemo_mmap_prepare
#define MMDEMO_VM_OPS_MAPPED	.mapped = mmdemo_vm_mapped,
#endif

#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
/* 6.3 made vm_flags read-only and added helpers that also assert locking. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
/*
 * 6.5 gave files without a page cache a splice_read that copies through
 * ->read_iter.  The generic one before it lends the pipe the page itself
 * and then wants a page-cache page (uptodate, with a mapping), which a
 * device page is not: there splice(2) and sendfile(2) from the device
 * fail with EINVAL instead, as for any file that cannot splice.
 */
#define copy_splice_read	NULL
#endif

#if KERNEL_VERSION(6, 19, 0) > LINUX_VERSION_CODE
/* 6.19 dropped the mm argument: it was always current->mm. */
#if KERNEL_VERSION(6, 10, 0) > LINUX_VERSION_CODE
/* 6.10 gave the process's default placement policy a function. */
#define mm_get_unmapped_area(file, addr, len, pgoff, flags)		\
	(current->mm->get_unmapped_area(file, addr, len, pgoff, flags))
#else
#define mm_get_unmapped_area(file, addr, len, pgoff, flags)		\
	((mm_get_unmapped_area)(current->mm, file, addr, len, pgoff, flags))
#endif
#endif

/*
 * Huge mode, three ways.  Since 6.15 a driver maps a PMD-sized folio with
 * vmf_insert_folio_pmd(): a page-backed entry, counted in Rss and the
 * rmap like any page, in a VMA that needs no VM_MIXEDMAP.  6.12 to 6.14
 * can only install a special PFN entry (vmf_insert_pfn_pmd(), pfn_t until
 * 6.17), which the core accepts only in a VM_MIXEDMAP or VM_PFNMAP VMA;
 * the core calls ->huge_fault for such VMAs since 6.12.  Before 6.12,
 * only DAX gets huge entries: no huge mode.  All need THP.
 */
#define MMDEMO_HUGE_FOLIO	(IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&	\
				 KERNEL_VERSION(6, 15, 0) <= LINUX_VERSION_CODE)
#define MMDEMO_HUGE_PFN		(IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&	\
				 KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE &&	\
				 !MMDEMO_HUGE_FOLIO)
#define MMDEMO_HUGE		(MMDEMO_HUGE_FOLIO || MMDEMO_HUGE_PFN)

#if KERNEL_VERSION(6, 15, 0) > LINUX_VERSION_CODE
/* Never called: MMDEMO_HUGE_FOLIO is a constant 0 here. */
static inline vm_fault_t vmf_insert_folio_pmd(struct vm_fault *vmf,
					      struct folio *folio, bool write)
{
	return VM_FAULT_FALLBACK;
}
#endif

#if MMDEMO_HUGE_PFN
#include <linux/pfn_t.h>
/* The special PFN entry of 6.12 to 6.14, taking no reference on @folio. */
static inline vm_fault_t mmdemo_insert_pfn_pmd(struct vm_fault *vmf,
					       struct folio *folio, bool write)
{
	return vmf_insert_pfn_pmd(vmf, page_to_pfn_t(&folio->page), write);
}
#else
/* Never called: MMDEMO_HUGE_PFN is a constant 0 here. */
static inline vm_fault_t mmdemo_insert_pfn_pmd(struct vm_fault *vmf,
					       struct folio *folio, bool write)
{
	return VM_FAULT_FALLBACK;
}
#endif

/*
 * vmf_insert_page_mkwrite() (6.15) installs a page writable for a write
 * fault.  Before it, mmdemo hands such a fault's page to the core (see
 * mmdemo_fault_insert()), so this stand-in only ever maps read faults.
 */
#if KERNEL_VERSION(6, 15, 0) > LINUX_VERSION_CODE
#define MMDEMO_HAVE_INSERT_PAGE_MKWRITE	0
static inline vm_fault_t vmf_insert_page_mkwrite(struct vm_fault *vmf,
						 struct page *page, bool write)
{
	return vmf_insert_page(vmf->vma, vmf->address, page);
}
#else
#define MMDEMO_HAVE_INSERT_PAGE_MKWRITE	1
#endif

/*
 * Typed allocation helpers (7.0).  kzalloc_obj() is itself a macro, so
 * whether it is defined is the feature.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(p, gfp)	kzalloc(sizeof(p), gfp)
#endif

/*
 * Per-VMA locks came in 6.4; since 6.7 the core runs ->fault under one
 * (not mmap_lock) for VMAs that have ->map_pages, as every mode here has.
 */
#define MMDEMO_VMA_LOCK_FAULTS	(IS_ENABLED(CONFIG_PER_VMA_LOCK) &&	\
				 KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE)

#endif /* _MMDEMO_COMPAT_H */
