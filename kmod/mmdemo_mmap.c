// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of /dev/mmdemo, in four backing modes chosen per open file:
 *
 *   page    ->fault hands the core a page; the core installs the PTE
 *   insert  VM_MIXEDMAP: ->fault installs the page with vmf_insert_page()
 *   pfn     VM_PFNMAP: ->fault installs a raw PFN with vmf_insert_pfn();
 *           no struct page behind the PTE as far as the core knows
 *   eager   VM_MIXEDMAP, every page installed by mmap() itself
 *           (vm_insert_pages()), so touching it takes no fault
 *
 * In every mode a page is installed with its page lock held, so that a
 * shrink (which removes pages under the same lock, then unmaps) cannot
 * leave a PTE behind; see mmdemo_page_get().
 */
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/mmdemo.h>

#include "mmdemo.h"
#include "mmdemo_compat.h"
#include "mmdemo_trace.h"

/*
 * Runs for VMAs copied by fork() and for the new half of a split VMA; the
 * first VMA of an mmap() is counted in mmdemo_mmap().
 */
static void mmdemo_vm_open(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = vma->vm_private_data;

	atomic64_inc(&dev->vmas);
	trace_mmdemo_vma_open(vma);
}

/* Runs after the VMA's pages were unmapped: no fault can be in flight in it. */
static void mmdemo_vm_close(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = vma->vm_private_data;

	atomic64_dec(&dev->vmas);
	trace_mmdemo_vma_close(vma);
}

/*
 * With a latency set, a page that does not exist yet is "fetched" like a
 * page from disk: sleep, and report a major fault.  A real driver doing
 * I/O would drop mmap_lock and return VM_FAULT_RETRY while it waits; a
 * short sleep under it keeps this demonstration simple.
 */
static vm_fault_t mmdemo_fetch_delay(struct mmdemo_dev *dev, pgoff_t pgoff)
{
	unsigned int us = READ_ONCE(dev->latency_us);

	if (!us || xa_load(&dev->pages, pgoff))
		return 0;
	fsleep(us);
	return VM_FAULT_MAJOR;
}

/*
 * The part every mode shares: the page for @vmf, referenced and locked,
 * counted as a fault served.  Returns 0 or the fault code to give up with.
 */
static vm_fault_t mmdemo_fault_page_get(struct vm_fault *vmf,
					struct page **pagep)
{
	struct mmdemo_dev *dev = vmf->vma->vm_private_data;
	vm_fault_t major = mmdemo_fetch_delay(dev, vmf->pgoff);
	struct page *page;

	page = mmdemo_page_get(dev, vmf->pgoff);
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENXIO ? VM_FAULT_SIGBUS : VM_FAULT_OOM;

	atomic_inc(&dev->fault_counts[vmf->pgoff]);
	atomic64_inc(&dev->faults);
	*pagep = page;
	return major;
}

/*
 * page: hand the core the locked, referenced page; it installs the PTE
 * under that lock and, for a write to a MAP_PRIVATE mapping, copies the
 * page first (COW).
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
 * insert: install the page ourselves (it takes its own reference).  The
 * PTE follows vm_page_prot, read-only in a MAP_PRIVATE mapping, so a
 * private write faults once more and the core copies the page then.
 */
static vm_fault_t mmdemo_fault_insert(struct vm_fault *vmf)
{
	struct page *page = NULL;
	vm_fault_t ret = mmdemo_fault_page_get(vmf, &page);

	if (page) {
		ret |= vmf_insert_page(vmf->vma, vmf->address, page);
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
 * because the store holds it until every such PTE has been zapped.
 */
static vm_fault_t mmdemo_fault_pfn(struct vm_fault *vmf)
{
	struct page *page = NULL;
	vm_fault_t ret = mmdemo_fault_page_get(vmf, &page);

	if (page) {
		ret |= vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(page));
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

	lock_page(page);
	/* Removed by a shrink meanwhile: let the fault start again. */
	if (vmf->pgoff >= READ_ONCE(dev->nr_pages) ||
	    xa_load(&dev->pages, vmf->pgoff) != page) {
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	set_bit(vmf->pgoff, dev->dirty);
	trace_mmdemo_mkwrite(vmf->pgoff);
	return VM_FAULT_LOCKED;
}

/*
 * The same for a PFN map, where the core has no page to lock.  If a clean
 * zaps the PTE after we unlock, the core sees the PTE changed and the
 * write faults again.
 */
static vm_fault_t mmdemo_pfn_mkwrite(struct vm_fault *vmf)
{
	struct mmdemo_dev *dev = vmf->vma->vm_private_data;
	struct page *page = mmdemo_page_lookup(dev, vmf->pgoff);

	if (!page)
		return VM_FAULT_NOPAGE;
	lock_page(page);
	set_bit(vmf->pgoff, dev->dirty);
	unlock_page(page);
	put_page(page);
	trace_mmdemo_mkwrite(vmf->pgoff);
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
		page = mmdemo_page_get(dev, pgoff);
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

static const struct vm_operations_struct mmdemo_vm_ops[] = {
	[MMDEMO_BACKING_PAGE] = {
		.open		= mmdemo_vm_open,
		.close		= mmdemo_vm_close,
		.fault		= mmdemo_fault_page,
		.page_mkwrite	= mmdemo_page_mkwrite,
	},
	[MMDEMO_BACKING_INSERT] = {
		.open		= mmdemo_vm_open,
		.close		= mmdemo_vm_close,
		.fault		= mmdemo_fault_insert,
		.page_mkwrite	= mmdemo_page_mkwrite,
	},
	[MMDEMO_BACKING_PFN] = {
		.open		= mmdemo_vm_open,
		.close		= mmdemo_vm_close,
		.fault		= mmdemo_fault_pfn,
		.pfn_mkwrite	= mmdemo_pfn_mkwrite,
		.access		= mmdemo_vm_access,
	},
	/* After a zap or a shrink, eager pages come back by fault. */
	[MMDEMO_BACKING_EAGER] = {
		.open		= mmdemo_vm_open,
		.close		= mmdemo_vm_close,
		.fault		= mmdemo_fault_insert,
		.page_mkwrite	= mmdemo_page_mkwrite,
	},
};

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
			struct page *page = mmdemo_page_get(dev, pgoff);

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

int mmdemo_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = mmdemo_from_file(file);
	u32 backing = mmdemo_file_backing(file);
	unsigned long pages = vma_pages(vma);
	int ret = 0;

	/*
	 * A copy-on-write copy of a PFN mapping would need the struct page
	 * such a mapping pretends not to have (vmf_insert_pfn() refuses it).
	 */
	if (backing == MMDEMO_BACKING_PFN && is_cow_mapping(vma->vm_flags))
		return -EINVAL;

	/*
	 * DONTEXPAND: mremap() must not grow the VMA past what was checked.
	 * DONTDUMP: device memory has no business in core dumps.
	 */
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	if (backing == MMDEMO_BACKING_PFN)
		vm_flags_set(vma, VM_PFNMAP);
	else if (backing != MMDEMO_BACKING_PAGE)
		vm_flags_set(vma, VM_MIXEDMAP);
	vma->vm_ops = &mmdemo_vm_ops[backing];
	vma->vm_private_data = dev;

	/* Shared with reset and resize: the size cannot change under us. */
	down_read(&dev->lock);
	/*
	 * For character devices the core lets vm_pgoff reach ULONG_MAX, so
	 * compare in a form that cannot overflow.  ENXIO is what POSIX
	 * specifies for a range outside the object.
	 */
	if (vma->vm_pgoff >= dev->nr_pages ||
	    pages > dev->nr_pages - vma->vm_pgoff) {
		ret = -ENXIO;
	} else if (backing == MMDEMO_BACKING_EAGER) {
		/*
		 * The core write-protects shared mappings that have a
		 * ->page_mkwrite only after ->mmap; pages installed now must
		 * be write-protected already, or their first write would go
		 * unnoticed.
		 */
		if (vma->vm_flags & VM_SHARED)
			vma->vm_page_prot = vm_get_page_prot(vma->vm_flags & ~VM_SHARED);
		ret = mmdemo_populate(dev, vma);
	}
	if (!ret) {
		atomic64_inc(&dev->vmas);
		atomic64_inc(&dev->mmaps);
		trace_mmdemo_vma_open(vma);
	}
	up_read(&dev->lock);
	return ret;
}
