/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmdemo: a misc device whose memory is mapped on demand, for learning and
 * testing device mmap.  This header is shared by the module, the userspace
 * library and the selftests; see mmdemo(4).
 *
 * The device is one buffer of `size` bytes (module parameter, whole pages;
 * MMDEMO_IOC_RESIZE can shrink it and grow it back) shared by every open
 * file.  A page is allocated, zeroed, on its first
 * touch: a fault in a mapping or a write(); reading a never-touched page
 * returns zeros and allocates nothing.
 *
 * mmap(): MAP_SHARED and MAP_PRIVATE (copy-on-write) both work.  The
 * offset must be page aligned (EINVAL); a range that does not lie inside
 * the device fails with ENXIO; mremap() cannot grow a mapping (EFAULT,
 * VM_DONTEXPAND).  A file opened O_RDONLY cannot map shared and writable
 * (EACCES), nor mprotect() such a mapping writable.
 * read()/write()/lseek(): on the same pages; write() at the end returns
 * ENOSPC, read() at the end returns 0.
 * ioctl(): unknown command ENOTTY, bad argument EINVAL, bad pointer EFAULT.
 * Who may call what: anyone who can open the device may inspect it, map it
 * and clean it; RESET and ZAP need a file open for writing (EBADF);
 * RESIZE and SET_LATENCY, which can stall or break every other user of
 * the device, need CAP_SYS_ADMIN as well (EPERM).
 *
 * All structures use fixed-width fields with explicit padding and carry no
 * pointers, so they have the same layout for 32-bit and 64-bit callers and
 * compat_ioctl needs no translation.  Padding and reserved fields must be
 * zero on input (-EINVAL otherwise) so they can gain a meaning later.
 */
#ifndef _UAPI_LINUX_MMDEMO_H
#define _UAPI_LINUX_MMDEMO_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Bumped whenever an ioctl or its structure changes meaning.  5: RESIZE
 * and SET_LATENCY need CAP_SYS_ADMIN, ZAP a writable file.
 */
#define MMDEMO_API_VERSION	5

/* 0xB9 is unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define MMDEMO_IOC_MAGIC	0xB9

/**
 * struct mmdemo_info - static properties of the device
 * @size:	current device size in bytes (a whole number of pages)
 * @page_size:	size of one device page in bytes
 * @version:	MMDEMO_API_VERSION of the running module
 */
struct mmdemo_info {
	__u64 size;
	__u32 page_size;
	__u32 version;
};

/**
 * struct mmdemo_stats - what the device has done since load or last reset
 * @faults:		calls of the fault handler that returned a page
 * @pages_allocated:	pages allocated (zeroed) by faults and write()
 * @pages_resident:	pages currently held by the device
 * @vmas:		live VMAs mapping the device (fork and split add VMAs)
 * @mmaps:		successful mmap() calls on the device
 */
struct mmdemo_stats {
	__u64 faults;
	__u64 pages_allocated;
	__u64 pages_resident;
	__u64 vmas;
	__u64 mmaps;
};

/**
 * struct mmdemo_page_faults - per-page fault counts for a range of pages
 * @first_page:	first device page (offset / page_size)
 * @nr_pages:	number of pages; @counts must have room for this many
 * @pad:	must be zero
 * @counts:	filled in by the kernel, one count per page
 *
 * The ioctl number encodes only the fixed part; the kernel writes
 * @nr_pages counts right after it, as FS_IOC_FIEMAP does with its extents.
 * EINVAL if @pad is set, @nr_pages is 0 or the range leaves the device.
 */
struct mmdemo_page_faults {
	__u64 first_page;
	__u32 nr_pages;
	__u32 pad;
	__u32 counts[];
};

#define MMDEMO_IOC_INFO		_IOR(MMDEMO_IOC_MAGIC, 0x00, struct mmdemo_info)
#define MMDEMO_IOC_STATS	_IOR(MMDEMO_IOC_MAGIC, 0x01, struct mmdemo_stats)
#define MMDEMO_IOC_PAGE_FAULTS	_IOWR(MMDEMO_IOC_MAGIC, 0x02, struct mmdemo_page_faults)
/*
 * Free every page and zero the statistics.  EBUSY while any VMA maps the
 * device (pages would vanish under it), EBADF on a file without write access.
 */
#define MMDEMO_IOC_RESET	_IO(MMDEMO_IOC_MAGIC, 0x03)
/*
 * Revoke: remove the page-table entries of the device's pages from every
 * mapping, in every process.  The pages and their data stay, and so do the
 * private copies MAP_PRIVATE writes made; the next access faults again.
 * EBADF on a file without write access.
 */
#define MMDEMO_IOC_ZAP		_IO(MMDEMO_IOC_MAGIC, 0x04)
/*
 * Set the device size in bytes, rounded up to whole pages, from 1 to the
 * size parameter (the capacity).  Shrinking discards the pages past the new
 * end and unmaps them: an access there is SIGBUS, mmap() there ENXIO.
 * EPERM without CAP_SYS_ADMIN, EBADF on a file without write access,
 * EINVAL out of range.
 */
#define MMDEMO_IOC_RESIZE	_IOW(MMDEMO_IOC_MAGIC, 0x05, __u64)
/*
 * Make the device slow, like storage: a fault on a page that does not
 * exist yet sleeps this many microseconds (at most 1000000) and is
 * reported as a major fault (getrusage ru_majflt).  0 turns it off.
 * EPERM without CAP_SYS_ADMIN, EBADF on a file without write access,
 * EINVAL out of range.
 */
#define MMDEMO_IOC_SET_LATENCY	_IOW(MMDEMO_IOC_MAGIC, 0x06, __u32)

/* The largest MMDEMO_IOC_SET_LATENCY, in microseconds. */
#define MMDEMO_MAX_LATENCY_US	1000000

/*
 * How mmap() of this file backs its pages, for mappings made after the
 * call (see mmdemo(4)): the core installs a page the fault handler returns
 * (PAGE), the handler installs it (INSERT, VM_MIXEDMAP), the handler
 * installs a bare PFN (PFN, VM_PFNMAP; MAP_PRIVATE is refused with EINVAL),
 * mmap() installs every page at once (EAGER), or a fault in a 2 MiB-aligned
 * part of the mapping installs one 2 MiB PMD entry (HUGE; EOPNOTSUPP unless
 * MMDEMO_IOC_GET_FEATURES reports MMDEMO_FEATURE_HUGE).  HUGE maps the rest
 * as INSERT does where huge entries are special PFN entries, and as PAGE
 * does where they are page-backed (MMDEMO_FEATURE_HUGE_PAGE_BACKED).
 *
 * MMDEMO_BACKING_FAULT_AROUND may be or-ed into INSERT, PFN, EAGER, and
 * HUGE where its entries are not page-backed: a read
 * fault then also maps the neighbouring pages the device already has, in
 * the kernel's fault-around window (fault_around_bytes, 64 KiB by default).
 * EINVAL for another value.
 */
#define MMDEMO_BACKING_PAGE	0
#define MMDEMO_BACKING_INSERT	1
#define MMDEMO_BACKING_PFN	2
#define MMDEMO_BACKING_EAGER	3
#define MMDEMO_BACKING_HUGE	4
#define MMDEMO_BACKING_MODE_MASK	0xffU
#define MMDEMO_BACKING_FAULT_AROUND	0x100U
#define MMDEMO_IOC_SET_BACKING	_IOW(MMDEMO_IOC_MAGIC, 0x07, __u32)
#define MMDEMO_IOC_GET_BACKING	_IOR(MMDEMO_IOC_MAGIC, 0x08, __u32)

/**
 * struct mmdemo_dirty - which pages were written through a mapping
 * @first_page:	first device page
 * @nr_pages:	number of pages; @dirty must have room for this many
 * @pad:	must be zero
 * @dirty:	filled in by the kernel: 1 if the page was written through a
 *		shared mapping since the last MMDEMO_IOC_CLEAN, else 0
 *
 * Writes through mappings are noticed by write-protecting the pages and
 * taking the first write fault (->page_mkwrite, or ->pfn_mkwrite for a
 * PFN map).  write(2) does not count.  EINVAL as for PAGE_FAULTS.
 */
struct mmdemo_dirty {
	__u64 first_page;
	__u32 nr_pages;
	__u32 pad;
	__u8 dirty[];
};

#define MMDEMO_IOC_GET_DIRTY	_IOWR(MMDEMO_IOC_MAGIC, 0x09, struct mmdemo_dirty)
/*
 * Forget every dirty page and write-protect them again in every mapping,
 * so that the next write through a mapping is noticed again.
 */
#define MMDEMO_IOC_CLEAN	_IO(MMDEMO_IOC_MAGIC, 0x0a)

/*
 * What the running kernel lets the module do, as MMDEMO_FEATURE_* bits:
 * MMAP_PREPARE	the device maps through f_op->mmap_prepare() and
 *		vm_ops->mapped() (7.1+), not f_op->mmap()
 * HUGE		MMDEMO_BACKING_HUGE works (6.12+ with THP)
 * HUGE_PAGE_BACKED	its 2 MiB entries map a folio: counted in Rss and
 *		FilePmdMapped, in the rmap (6.15+); otherwise they are PFN
 *		entries that hold no reference, like PFN mode's
 * VMA_LOCK_FAULTS	faults run under the per-VMA lock, not mmap_lock (6.7+
 *		with CONFIG_PER_VMA_LOCK)
 */
#define MMDEMO_FEATURE_MMAP_PREPARE	(1U << 0)
#define MMDEMO_FEATURE_HUGE		(1U << 1)
#define MMDEMO_FEATURE_HUGE_PAGE_BACKED	(1U << 2)
#define MMDEMO_FEATURE_VMA_LOCK_FAULTS	(1U << 3)
#define MMDEMO_IOC_GET_FEATURES	_IOR(MMDEMO_IOC_MAGIC, 0x0b, __u32)

#endif /* _UAPI_LINUX_MMDEMO_H */
