// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of /dev/mmdemo: nothing is mapped at mmap() time; each page is
 * allocated and handed to the core on its first fault.
 */
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm.h>

#include "mmdemo.h"
#include "mmdemo_compat.h"

/*
 * Runs for VMAs copied by fork() and for the new half of a split VMA; the
 * first VMA of an mmap() is counted in mmdemo_mmap().
 */
static void mmdemo_vm_open(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = vma->vm_private_data;

	atomic64_inc(&dev->vmas);
}

/* Runs after the VMA's pages were unmapped: no fault can be in flight in it. */
static void mmdemo_vm_close(struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = vma->vm_private_data;

	atomic64_dec(&dev->vmas);
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
 * Hands the core a referenced, locked page; the core installs the PTE
 * under that lock (so a shrink cannot slip in between) and, for a write to
 * a MAP_PRIVATE mapping, copies the page first (COW).
 */
static vm_fault_t mmdemo_vm_fault(struct vm_fault *vmf)
{
	struct mmdemo_dev *dev = vmf->vma->vm_private_data;
	vm_fault_t major = mmdemo_fetch_delay(dev, vmf->pgoff);
	struct page *page;

	page = mmdemo_page_get(dev, vmf->pgoff);
	if (IS_ERR(page))
		return PTR_ERR(page) == -ENXIO ? VM_FAULT_SIGBUS : VM_FAULT_OOM;

	atomic_inc(&dev->fault_counts[vmf->pgoff]);
	atomic64_inc(&dev->faults);
	vmf->page = page;
	return VM_FAULT_LOCKED | major;
}

static const struct vm_operations_struct mmdemo_vm_ops = {
	.open	= mmdemo_vm_open,
	.close	= mmdemo_vm_close,
	.fault	= mmdemo_vm_fault,
};

int mmdemo_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mmdemo_dev *dev = mmdemo_from_file(file);
	unsigned long pages = vma_pages(vma);
	int ret = 0;

	/*
	 * DONTEXPAND: mremap() must not grow the VMA past what was checked.
	 * DONTDUMP: device memory has no business in core dumps.
	 */
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &mmdemo_vm_ops;
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
	} else {
		atomic64_inc(&dev->vmas);
		atomic64_inc(&dev->mmaps);
	}
	up_read(&dev->lock);
	return ret;
}
