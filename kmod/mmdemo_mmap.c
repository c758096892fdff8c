// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of /dev/mmdemo, in five backing modes chosen per open file:
 *
 *   page    ->fault hands the core a page; the core installs the PTE
 *   insert  VM_MIXEDMAP: ->fault installs the page with
 *           vmf_insert_page_mkwrite()
 *   pfn     VM_PFNMAP: ->fault installs a raw PFN with vmf_insert_pfn_prot();
 *           no struct page behind the PTE as far as the core knows
 *   eager   VM_MIXEDMAP, every page installed once the mapping exists
 *           (vm_insert_pages() in ->mapped), so touching it takes no fault
 *   huge    ->huge_fault: one 2 MiB PMD entry per fault where the mapping
 *           is aligned (see mmdemo_get_unmapped_area()); 4 KiB pages as
 *           page mode (6.15+, page-backed entries) or insert (6.12)
 *
 * and, in insert, pfn and eager mode (and 6.12's huge mode), optionally
 * with ->map_pages (fault-around).
 *
 * mmap() itself is split as the core splits it since 7.1: ->mmap_prepare
 * checks the request and describes the VMA before it exists, allocating
 * and counting nothing, since the mapping may still fail; ->mapped runs
 * once the VMA really exists, and is where a mapping is counted (and eager
 * mode fills it).  Older kernels reach the same two functions through
 * mmdemo_compat_mmap().
 *
 * In every mode a page is installed with its page lock held, so that a
 * shrink (which removes and unmaps pages under the same lock) cannot
 * leave an entry behind; see mmdemo_page_get().  And in every mode a
 * first write costs one fault: through a shared mapping the entry is
 * installed writable and the page recorded dirty at once, through a
 * MAP_PRIVATE one the core copies the page in the same fault.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/mmdemo.h>

#include "mmdemo.h"
#include "mmdemo_trace.h"

/*
 * Runs for VMAs copied by fork() and for the new half of a split VMA; the
 * first VMA of an mmap() is counted in mmdemo_mmap_complete().
 */
static void mmdemo_vm_open(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = vma->vm_private_data;

	atomic64_inc(&dev->vmas);
	trace_mmdemo_vma_open(vma);
}

/*
 * Runs after the VMA's pages were unmapped: no fault can be in flight in
 * it.  A VMA whose ->mapped failed is unmapped too, and comes here with
 * no device: it was never counted.
 */
static void mmdemo_vm_close(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = vma->vm_private_data;

	if (!dev)
		return;
	atomic64_dec(&dev->vmas);
	trace_mmdemo_vma_close(vma);
}

/*
 * The part every mode shares: the page for @vmf, referenced and locked,
 * counted as a fault served.  Returns 0, VM_FAULT_MAJOR if the page had to
 * be fetched (a latency is set), or the fault code to give up with.
 */
static vm_fault_t mmdemo_fault_page_get(struct vm_fault *vmf,
					struct page **pagep)
{
	struct mmdemo_dev *dev = vmf->vma->vm_private_data;
	bool fetched = false;
	struct page *page;

	page = mmdemo_page_get(dev, vmf->pgoff, &fetched);
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENXIO ? VM_FAULT_SIGBUS : VM_FAULT_OOM;

	atomic_inc(&dev->fault_counts[vmf->pgoff]);
	this_cpu_inc(dev->counters->faults);
	*pagep = page;
	return fetched ? VM_FAULT_MAJOR : 0;
}

/*
 * page: hand the core the locked, referenced page; it installs the PTE
 * under that lock and, for a write to a MAP_PRIVATE mapping, copies the
 * page first (COW).  The core maps just this page, even when it is part
 * of a 2 MiB folio (huge mode): since 7.x finish_fault() would map the
 * whole folio at once, but only up to i_size, and our inode's is 0.
 */
static vm_fault_t mmdemo_fault_page(struct vm_fault *vmf)
{
	struct page *page = NULL;
	vm_fault_t ret = mmdemo_fault_page_get(vmf, &page);

	if (page) {
		vmf->page = page;
		ret |= VM_FAULT_LOCKED;
	}
	trace_mmdemo_fault(vmf->address, vmf->pgoff, vmf->flags,
			   MMDEMO_BACKING_PAGE, ret);
	return ret;
}

/*
 * Whether @vmf is a write through a shared mapping: one whose entry the
 * fault handler makes writable at once, so the write needs no second
 * fault.  The handler records the page dirty then, as ->page_mkwrite
 * would, with the page locked until the entry is in: a clean takes that
 * lock too, so it either runs before (and the page is dirty again) or
 * after (and write-protects the new entry).
 */
static bool mmdemo_fault_is_shared_write(const struct vm_fault *vmf)
{
	return (vmf->flags & FAULT_FLAG_WRITE) &&
	       vma_test(vmf->vma, VMA_SHARED_BIT);
}

/* With the page locked: it was written through a mapping. */
static void mmdemo_mark_dirty(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	set_bit(pgoff, dev->dirty);
	trace_mmdemo_mkwrite(pgoff);
}

/*
 * insert: install the page ourselves (it takes its own reference),
 * writable for a write through a shared mapping.  Otherwise the PTE
 * follows vm_page_prot: read-only in a shared mapping, so that the first
 * write is seen by ->page_mkwrite.
 *
 * A write through a MAP_PRIVATE mapping must not reach the page at all:
 * hand it to the core, as page mode does, which copies it into the
 * private page it has ready (vmf->cow_page) and installs the copy, in
 * this one fault.  Installing the device's page read-only would cost a
 * second fault, for the copy.  So does a shared write before 6.15, where
 * no exported helper installs a page writable: the core installs it after
 * calling ->page_mkwrite, still in one fault.
 */
static vm_fault_t mmdemo_fault_insert(struct vm_fault *vmf)
{
	bool write = mmdemo_fault_is_shared_write(vmf);
	bool cow = (vmf->flags & FAULT_FLAG_WRITE) && !write;
	struct page *page = NULL;
	vm_fault_t ret = mmdemo_fault_page_get(vmf, &page);

	if (page && (cow || (write && !MMDEMO_HAVE_INSERT_PAGE_MKWRITE))) {
		vmf->page = page;
		ret |= VM_FAULT_LOCKED;
	} else if (page) {
		ret |= vmf_insert_page_mkwrite(vmf, page, write);
		if (write && !(ret & VM_FAULT_ERROR))
			mmdemo_mark_dirty(vmf->vma->vm_private_data, vmf->pgoff);
		unlock_page(page);
		put_page(page);
	}
	trace_mmdemo_fault(vmf->address, vmf->pgoff, vmf->flags,
			   MMDEMO_BACKING_INSERT, ret);
	return ret;
}

/*
 * pfn: install the page frame number alone.  The PTE is "special": no
 * reference, no rmap, no Rss, no get_user_pages().  The page stays alive
 * because the store holds it until every such PTE has been zapped.  For a
 * write the entry gets the protection the VMA's flags give, writable, in
 * place of vm_page_prot, which write-protects a shared mapping so that
 * ->pfn_mkwrite sees later first writes.  The two differ in nothing else:
 * mmdemo never changes a mapping's caching.
 */
static vm_fault_t mmdemo_fault_pfn(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = mmdemo_fault_is_shared_write(vmf);
	pgprot_t prot = vma->vm_page_prot;
	struct page *page = NULL;
	vm_fault_t ret = mmdemo_fault_page_get(vmf, &page);

	if (page) {
		if (write)
			prot = vm_get_page_prot(vma->vm_flags);
		ret |= vmf_insert_pfn_prot(vma, vmf->address, page_to_pfn(page),
					   prot);
		if (write && !(ret & VM_FAULT_ERROR))
			mmdemo_mark_dirty(vma->vm_private_data, vmf->pgoff);
		unlock_page(page);
		put_page(page);
	}
	trace_mmdemo_fault(vmf->address, vmf->pgoff, vmf->flags,
			   MMDEMO_BACKING_PFN, ret);
	return ret;
}

/*
 * The first write through a write-protected PTE since the last clean.
 * Record the page as dirty under its lock; the core makes the PTE
 * writable under the same lock (VM_FAULT_LOCKED), so a clean cannot slip
 * in between and lose the write.
 */
static vm_fault_t mmdemo_page_mkwrite(struct vm_fault *vmf)
{
	struct mmdemo_dev *dev = vmf->vma->vm_private_data;
	struct page *page = vmf->page;

	/* Where selftests stop a fault to shrink and regrow the device. */
	mmdemo_hold(MMDEMO_HOLD_MKWRITE);
	lock_page(page);
	/* Removed by a shrink meanwhile: let the fault start again. */
	if (!mmdemo_page_live(dev, vmf->pgoff, page)) {
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	mmdemo_mark_dirty(dev, vmf->pgoff);
	return VM_FAULT_LOCKED;
}

/*
 * The same for a PFN map, where the core has no page to lock.  If a clean
 * zaps the PTE after we unlock, the core sees the PTE changed and the
 * write faults again.  A page a shrink is removing is not marked, as in
 * ->page_mkwrite: the shrink clears its bit and zaps the PTE.
 */
static vm_fault_t mmdemo_pfn_mkwrite(struct vm_fault *vmf)
{
	struct mmdemo_dev *dev = vmf->vma->vm_private_data;
	struct page *page = mmdemo_page_lookup(dev, vmf->pgoff);

	if (!page)
		return VM_FAULT_NOPAGE;
	mmdemo_hold(MMDEMO_HOLD_MKWRITE);
	lock_page(page);
	if (unlikely(!mmdemo_page_live(dev, vmf->pgoff, page))) {
		unlock_page(page);
		put_page(page);
		return VM_FAULT_NOPAGE;
	}
	mmdemo_mark_dirty(dev, vmf->pgoff);
	unlock_page(page);
	put_page(page);
	return 0;
}

/*
 * ptrace() and /proc/PID/mem reach a VM_PFNMAP mapping only through this:
 * get_user_pages() finds no page behind a special PTE.  One page at most
 * per call; a page the device never had reads as zeros.
 */
static int mmdemo_vm_access(struct vm_area_struct *vma, unsigned long addr,
			    void *buf, int len, int write)
{
	struct mmdemo_dev *dev = vma->vm_private_data;
	pgoff_t pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	int off = offset_in_page(addr);
	struct page *page;
	void *kaddr;

	len = min_t(int, len, PAGE_SIZE - off);
	if (write) {
		page = mmdemo_page_get(dev, pgoff, NULL);
		if (IS_ERR(page))
			return PTR_ERR(page);
		unlock_page(page);
	} else {
		page = mmdemo_page_lookup(dev, pgoff);
		if (!page) {
			memset(buf, 0, len);
			return len;
		}
	}
	kaddr = kmap_local_page(page);
	if (write)
		memcpy(kaddr + off, buf, len);
	else
		memcpy(buf, kaddr + off, len);
	kunmap_local(kaddr);
	put_page(page);
	return len;
}

/*
 * Fault-around: before calling ->fault for a read fault, the core offers
 * the neighbours of the faulting page, a window of fault_around_bytes
 * (64 KiB by default) clamped to the VMA and the page table.  Map those
 * the device already has; allocate nothing, since touching a neighbour
 * must not make it exist.  The faulting page itself is left to ->fault
 * (return 0), so that every fault is still counted where it happens.
 *
 * The core holds rcu_read_lock() around this call (since 6.5), so nothing
 * here may sleep: pages are only trylocked, and where the page table is
 * missing we leave it to ->fault, which may allocate it (the helper that
 * would install the core's preallocated table is not exported).
 */
static vm_fault_t mmdemo_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff,
				   pgoff_t end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mmdemo_dev *dev = vma->vm_private_data;
	bool pfnmap = vma_test(vma, VMA_PFNMAP_BIT);
	unsigned long nr = 0;
	pgoff_t pgoff;

	if (pmd_none(READ_ONCE(*vmf->pmd)))
		return 0;
	for (pgoff = start_pgoff; pgoff <= end_pgoff; pgoff++) {
		unsigned long addr = vma->vm_start +
				     ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		struct page *page;

		if (pgoff == vmf->pgoff)
			continue;
		page = mmdemo_page_lookup(dev, pgoff);
		if (!page)
			continue;
		/* The same checks as a fault, under the same lock. */
		if (trylock_page(page)) {
			if (mmdemo_page_live(dev, pgoff, page)) {
				if (pfnmap)
					vmf_insert_pfn(vma, addr, page_to_pfn(page));
				else
					vmf_insert_page(vma, addr, page);
				nr++;
			}
			unlock_page(page);
		}
		put_page(page);
	}
	this_cpu_add(dev->counters->mapped_around, nr);
	trace_mmdemo_map_pages(start_pgoff, end_pgoff, nr);
	return 0;
}

/*
 * Without fault-around: a ->map_pages that maps nothing, because the core
 * takes a ->map_pages as the word that the VMA's handlers need no
 * mmap_lock (vmf_can_call_fault(), 6.7+).  Without one, every fault would
 * be tried under the VMA's own lock, refused, and done again from the
 * start under mmap_lock, which all threads of a process share.
 */
static vm_fault_t mmdemo_map_no_pages(struct vm_fault *vmf, pgoff_t start_pgoff,
				      pgoff_t end_pgoff)
{
	return 0;
}

#if MMDEMO_HUGE
/*
 * huge: map the 2 MiB around the fault with one PMD entry, backed by a
 * PMD-sized folio, when the VMA covers it whole at a 2 MiB-aligned device
 * offset.  Anything else falls back to 4 KiB faults (->fault).
 *
 * The entry is page-backed (vmf_insert_folio_pmd()): it takes a folio
 * reference, is in the rmap and counts 2 MiB of Rss, like the PMD of a
 * file's THP.  The VMA must then not be VM_MIXEDMAP: the core splits a
 * huge entry of such a VMA as if it were a bare PFN, and would leak the
 * reference, rmap and Rss of a page-backed one (partial munmap, mprotect,
 * MADV_DONTNEED, a private write).  Where the kernel has no page-backed
 * entries, a special PFN entry in a VM_MIXEDMAP VMA, holding nothing, like
 * pfn mode's PTEs (see mmdemo_compat.h); a shrink therefore unmaps pages
 * before it frees them.
 *
 * A write through a MAP_PRIVATE mapping must copy, which is done 4 KiB at
 * a time; a write through a shared mapping marks all 512 pages dirty,
 * since the core tracks the whole entry's writes.
 */
static vm_fault_t mmdemo_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mmdemo_dev *dev = vma->vm_private_data;
	unsigned long haddr = vmf->address & PMD_MASK;
	pgoff_t first = vmf->pgoff - ((vmf->address - haddr) >> PAGE_SHIFT);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	bool fetched = false;
	struct folio *folio;
	vm_fault_t ret;

	if (order != PMD_ORDER || haddr < vma->vm_start ||
	    haddr + PMD_SIZE > vma->vm_end || !IS_ALIGNED(first, HPAGE_PMD_NR) ||
	    (write && !vma_test(vma, VMA_SHARED_BIT)))
		return VM_FAULT_FALLBACK;

	folio = mmdemo_huge_folio_get(dev, first, &fetched);
	/* The 4 KiB fault that follows reports its own major fault. */
	if (!folio)
		return VM_FAULT_FALLBACK;
	ret = fetched ? VM_FAULT_MAJOR : 0;
	if (write) {
		unsigned long *word = dev->dirty + BIT_WORD(first);
		int i;

		/*
		 * These bits fill whole words of their own and change only
		 * under this folio's lock, which we hold: store the words
		 * whole, marked, since GET_DIRTY may read them meanwhile.
		 */
		for (i = 0; i < BITS_TO_LONGS(HPAGE_PMD_NR); i++)
			WRITE_ONCE(word[i], ~0UL);
		trace_mmdemo_mkwrite(first);
	}
	if (MMDEMO_HUGE_FOLIO)
		ret |= vmf_insert_folio_pmd(vmf, folio, write);
	else
		ret |= mmdemo_insert_pfn_pmd(vmf, folio, write);
	folio_unlock(folio);
	folio_put(folio);

	/*
	 * A write to a read-only entry comes here too (there is no huge
	 * mkwrite); like ->page_mkwrite it is not counted as a fault.
	 */
	if (pmd_none(vmf->orig_pmd)) {
		atomic_inc(&dev->fault_counts[vmf->pgoff]);
		this_cpu_inc(dev->counters->faults);
		this_cpu_inc(dev->counters->huge_faults);
	}
	trace_mmdemo_fault(vmf->address, vmf->pgoff, vmf->flags,
			   MMDEMO_BACKING_HUGE, ret);
	return ret;
}

#define MMDEMO_HUGE_FAULT	mmdemo_huge_fault
#else
#define MMDEMO_HUGE_FAULT	NULL
#endif

/*
 * The operations of one mode, with or without fault-around.  The modes
 * differ in their fault handlers; pfn mode also needs .access, and is told
 * of writes by .pfn_mkwrite, as the core has no page to pass it.
 */
#define MMDEMO_VM_OPS(_fault, _huge_fault, _map_pages)			\
	{								\
		MMDEMO_VM_OPS_MAPPED					\
		.open		= mmdemo_vm_open,			\
		.close		= mmdemo_vm_close,			\
		.fault		= _fault,				\
		.huge_fault	= _huge_fault,				\
		.map_pages	= _map_pages,				\
		.page_mkwrite	= mmdemo_page_mkwrite,			\
	}
#define MMDEMO_PFN_VM_OPS(_map_pages)					\
	{								\
		MMDEMO_VM_OPS_MAPPED					\
		.open		= mmdemo_vm_open,			\
		.close		= mmdemo_vm_close,			\
		.fault		= mmdemo_fault_pfn,			\
		.map_pages	= _map_pages,				\
		.pfn_mkwrite	= mmdemo_pfn_mkwrite,			\
		.access		= mmdemo_vm_access,			\
	}

#if MMDEMO_HAVE_MMAP_PREPARE
static int mmdemo_vm_mapped(unsigned long start, unsigned long end,
			    pgoff_t pgoff, const struct file *file,
			    void **vm_private_data);
#endif

/* Huge mode's 4 KiB faults: as page mode where its PMDs are page-backed. */
#define MMDEMO_HUGE_4K_FAULT	(MMDEMO_HUGE_FOLIO ? mmdemo_fault_page : \
				 mmdemo_fault_insert)

/*
 * Indexed by mode, then by fault-around.  Page mode (and huge mode where
 * it maps 4 KiB as page mode does) has no fault-around: the core installs
 * its pages, and could map neighbours only from the page cache
 * (filemap_map_pages()).
 */
static const struct vm_operations_struct mmdemo_vm_ops[][2] = {
	[MMDEMO_BACKING_PAGE] = {
		MMDEMO_VM_OPS(mmdemo_fault_page, NULL, mmdemo_map_no_pages),
	},
	[MMDEMO_BACKING_INSERT] = {
		MMDEMO_VM_OPS(mmdemo_fault_insert, NULL, mmdemo_map_no_pages),
		MMDEMO_VM_OPS(mmdemo_fault_insert, NULL, mmdemo_map_pages),
	},
	[MMDEMO_BACKING_PFN] = {
		MMDEMO_PFN_VM_OPS(mmdemo_map_no_pages),
		MMDEMO_PFN_VM_OPS(mmdemo_map_pages),
	},
	/* After a zap or a shrink, eager pages come back by fault. */
	[MMDEMO_BACKING_EAGER] = {
		MMDEMO_VM_OPS(mmdemo_fault_insert, NULL, mmdemo_map_no_pages),
		MMDEMO_VM_OPS(mmdemo_fault_insert, NULL, mmdemo_map_pages),
	},
	[MMDEMO_BACKING_HUGE] = {
		MMDEMO_VM_OPS(MMDEMO_HUGE_4K_FAULT, MMDEMO_HUGE_FAULT,
			      mmdemo_map_no_pages),
		MMDEMO_VM_OPS(mmdemo_fault_insert, MMDEMO_HUGE_FAULT,
			      mmdemo_map_pages),
	},
};

/*
 * Whether @backing is a mode and flags this module can do: 0, -EINVAL
 * for nonsense, -EOPNOTSUPP for huge mode where the kernel cannot do it
 * (before 6.12, or without THP; see mmdemo_compat.h).
 */
int mmdemo_backing_valid(u32 backing)
{
	u32 mode = backing & MMDEMO_BACKING_MODE_MASK;
	bool around = backing & MMDEMO_BACKING_FAULT_AROUND;

	if (mode >= ARRAY_SIZE(mmdemo_vm_ops) ||
	    (backing & ~(MMDEMO_BACKING_MODE_MASK | MMDEMO_BACKING_FAULT_AROUND)))
		return -EINVAL;
	if (mode == MMDEMO_BACKING_HUGE && !MMDEMO_HUGE)
		return -EOPNOTSUPP;
	if (around && (mode == MMDEMO_BACKING_PAGE ||
		       (mode == MMDEMO_BACKING_HUGE && MMDEMO_HUGE_FOLIO)))
		return -EINVAL;
	return 0;
}

/* MMDEMO_FEATURE_* of include/uapi/linux/mmdemo.h: what this kernel lets us do. */
u32 mmdemo_features(void)
{
	u32 features = 0;

	if (MMDEMO_HAVE_MMAP_PREPARE)
		features |= MMDEMO_FEATURE_MMAP_PREPARE;
	if (MMDEMO_HUGE)
		features |= MMDEMO_FEATURE_HUGE;
	if (MMDEMO_HUGE_FOLIO)
		features |= MMDEMO_FEATURE_HUGE_PAGE_BACKED;
	if (MMDEMO_VMA_LOCK_FAULTS)
		features |= MMDEMO_FEATURE_VMA_LOCK_FAULTS;
	return features;
}

/*
 * Where mmap() places a mapping: in huge mode, at an address congruent
 * with its device offset modulo 2 MiB, so that whole 2 MiB pieces of the
 * device line up with PMD entries; elsewhere wherever the process's
 * default policy says.
 */
unsigned long mmdemo_get_unmapped_area(struct file *file, unsigned long addr,
				       unsigned long len, unsigned long pgoff,
				       unsigned long flags)
{
#if MMDEMO_HUGE
	if ((mmdemo_file_backing(file) & MMDEMO_BACKING_MODE_MASK) ==
	    MMDEMO_BACKING_HUGE)
		return thp_get_unmapped_area(file, addr, len, pgoff, flags);
#endif
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
}

/*
 * Checks an mmap() request and describes its VMA, before the VMA exists.
 * Nothing is allocated or counted here: the mapping may still fail after
 * this (no memory for the VMA, a failing ->mapped), and the core would
 * tell us nothing.  The VMA's private data, the device, is set by
 * ->mapped, so that a VMA unmapped because ->mapped failed is known as
 * never counted (see mmdemo_vm_close()).
 */
int mmdemo_mmap_prepare(struct vm_area_desc *desc)
{
	struct mmdemo_dev *dev = mmdemo_from_file(desc->file);
	u32 flags = mmdemo_file_backing(desc->file);
	u32 backing = flags & MMDEMO_BACKING_MODE_MASK;
	bool around = flags & MMDEMO_BACKING_FAULT_AROUND;
	unsigned long pages = vma_desc_pages(desc);
	pgoff_t nr_pages = READ_ONCE(dev->nr_pages);

	/*
	 * A copy-on-write copy of a PFN mapping would need the struct page
	 * such a mapping pretends not to have (vmf_insert_pfn() refuses it).
	 */
	if (backing == MMDEMO_BACKING_PFN && vma_desc_is_cow_mapping(desc))
		return -EINVAL;
	/*
	 * For character devices the core lets pgoff reach ULONG_MAX, so
	 * compare in a form that cannot overflow.  ENXIO is what POSIX
	 * specifies for a range outside the object.  A shrink may still cut
	 * the range before the mapping exists: its end then SIGBUSes, as
	 * after any shrink.
	 */
	if (desc->pgoff >= nr_pages || pages > nr_pages - desc->pgoff)
		return -ENXIO;

	/*
	 * DONTEXPAND: mremap() must not grow the VMA past what was checked.
	 * DONTDUMP: device memory has no business in core dumps.
	 */
	vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	switch (backing) {
	case MMDEMO_BACKING_PFN:
		vma_desc_set_flags(desc, VMA_PFNMAP_BIT);
		break;
	case MMDEMO_BACKING_INSERT:
	case MMDEMO_BACKING_EAGER:
		vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT);
		break;
	case MMDEMO_BACKING_HUGE:
		/* Asked for, so THP "madvise" mode calls ->huge_fault too. */
		vma_desc_set_flags(desc, VMA_HUGEPAGE_BIT);
		/* Special PFN entries need it; page-backed ones must not have it. */
		if (MMDEMO_HUGE_PFN)
			vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT);
		break;
	}
	desc->vm_ops = &mmdemo_vm_ops[backing][around];
	return 0;
}

/*
 * eager: allocate and install every page of the VMA now.  dev->lock is
 * held (shared) by the caller, so no shrink runs meanwhile.  Batches keep
 * the page array small.
 */
static int mmdemo_populate(struct mmdemo_dev *dev, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start, left = vma_pages(vma), n, i;
	struct page *batch[64];
	int ret = 0;

	while (left && !ret) {
		n = min_t(unsigned long, left, ARRAY_SIZE(batch));
		for (i = 0; i < n; i++) {
			pgoff_t pgoff = vma->vm_pgoff + (addr - vma->vm_start) / PAGE_SIZE + i;
			struct page *page = mmdemo_page_get(dev, pgoff, NULL);

			if (IS_ERR(page)) {
				ret = PTR_ERR(page);
				break;
			}
			unlock_page(page);
			batch[i] = page;
		}
		if (!ret) {
			unsigned long num = n;

			ret = vm_insert_pages(vma, addr, batch, &num);
		}
		/* vm_insert_pages() took its own references. */
		while (i--)
			put_page(batch[i]);
		addr += n * PAGE_SIZE;
		left -= n;
		cond_resched();
	}
	return ret;
}

static bool mmdemo_vma_is_eager(struct vm_area_struct *vma)
{
	return vma->vm_ops == &mmdemo_vm_ops[MMDEMO_BACKING_EAGER][0] ||
	       vma->vm_ops == &mmdemo_vm_ops[MMDEMO_BACKING_EAGER][1];
}

/*
 * The mapping exists: count it, and in eager mode fill it.  Eager mode
 * maps its pages here rather than with mmap_action_map_kernel_pages()
 * from ->mmap_prepare, which would need every page allocated, and an
 * array of them that outlives the hook, before the core knows whether the
 * mapping will exist.  Here the page protection is final too, so on a
 * shared mapping the pages go in write-protected and their first write is
 * seen by ->page_mkwrite.  Returns 0 or a negative errno, after which the
 * core unmaps the VMA.
 */
int mmdemo_mmap_complete(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = mmdemo_from_file(vma->vm_file);
	int ret = 0;

	/* Shared with reset: a mapping is counted with its pages, or not yet. */
	down_read(&dev->lock);
	if (mmdemo_vma_is_eager(vma))
		ret = mmdemo_populate(dev, vma);
	if (!ret) {
		atomic64_inc(&dev->vmas);
		atomic64_inc(&dev->mmaps);
		trace_mmdemo_vma_open(vma);
	}
	up_read(&dev->lock);
	return ret;
}

#if MMDEMO_HAVE_MMAP_PREPARE
/* ->mapped: the core holds mmap_lock for writing, so the VMA is there. */
static int mmdemo_vm_mapped(unsigned long start, unsigned long end,
			    pgoff_t pgoff, const struct file *file,
			    void **vm_private_data)
{
	int ret = mmdemo_mmap_complete(vma_lookup(current->mm, start));

	if (!ret)
		*vm_private_data = mmdemo_from_file(file);
	return ret;
}
#endif
