// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, huge mode: PMD entries, their fallbacks, copies, shrinks and splits.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

/* The page frame behind @addr per /proc/self/pagemap (root only), or 0. */
static uint64_t pagemap_pfn(const void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / page_size * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: the frame number. */
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

/*
 * thp_get_unmapped_area() aligns only for 64-bit processes, so a 32-bit
 * build of these tests would see every huge-mode mapping fall back.  A
 * device smaller than @pieces huge entries (64 KiB pages: 512 MiB each)
 * has no room for what the test maps.
 */
#define SKIP_UNLESS_HUGE_PIECES(fd, pieces, statement)				\
	do {									\
		__u32 huge_ = MMDEMO_BACKING_HUGE;				\
										\
		if (sizeof(long) < 8)						\
			SKIP(statement, "no PMD placement for 32-bit processes"); \
		if (ioctl(fd, MMDEMO_IOC_SET_BACKING, &huge_) && errno == EOPNOTSUPP)	\
			SKIP(statement, "this kernel cannot do huge mode (6.12+ with THP)"); \
		if (self->capacity < (pieces) * HUGE_SIZE)			\
			SKIP(statement, "the device (%llu MiB) holds fewer than %d PMD entr%s of %zu MiB", \
			     (unsigned long long)self->capacity >> 20, (pieces),	\
			     (pieces) == 1 ? "y" : "ies", HUGE_SIZE >> 20);	\
	} while (0)
#define SKIP_UNLESS_HUGE(fd) SKIP_UNLESS_HUGE_PIECES(fd, 1, return)

/*
 * Huge mode and a shared mapping of the device's first two huge entries,
 * which get_unmapped_area() lined up with a PMD boundary; NULL after a SKIP.
 */
static char *map_two_huge_pieces(struct __test_metadata *_metadata,
				 FIXTURE_DATA(fresh) *self)
{
	__u32 mode = MMDEMO_BACKING_HUGE;
	char *p;

	SKIP_UNLESS_HUGE_PIECES(self->fd, 2, return NULL);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	p = mmap(NULL, 2 * HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, (uintptr_t)p % HUGE_SIZE);
	return p;
}

/* Huge mode: a first write through each aligned PMD is one fault, too. */
TEST_F(fresh, huge_first_write_is_one_fault_per_pmd)
{
	size_t n = 2 * HUGE_SIZE / page_size, dirty = 0;
	char *p = map_two_huge_pieces(_metadata, self);
	struct rusage r0;
	uint8_t *d;

	if (!p)
		return;
	getrusage(RUSAGE_SELF, &r0);
	getrusage(RUSAGE_SELF, &r0);
	for (size_t i = 0; i < n; i++)
		p[i * page_size] = 'w';
	EXPECT_EQ(2, minflt_since(&r0));
	EXPECT_EQ(2, get_stats(self->fd).faults);
	d = malloc(n);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, get_dirty(self->fd, 0, n, d));
	for (size_t i = 0; i < n; i++)
		dirty += d[i];
	free(d);
	EXPECT_EQ(n, dirty);
	ASSERT_EQ(0, munmap(p, 2 * HUGE_SIZE));
}

/* Huge mode: the first touch of each aligned PMD maps all of it. */
TEST_F(fresh, huge_fault_maps_a_pmd_with_one_fault)
{
	size_t n = 2 * HUGE_SIZE / page_size;
	char *p = map_two_huge_pieces(_metadata, self);
	uint64_t pfn0;
	char val[64];

	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(0, ((volatile char *)p)[i * page_size]);
	EXPECT_STATS(self->fd, 2, n, n, 1, 1);
	EXPECT_EQ((int)n, mincore_count(p, n));
	/* One compound page each: HUGE_PAGES consecutive frames. */
	pfn0 = pagemap_pfn(p);
	ASSERT_NE(0, pfn0);
	EXPECT_EQ(0, pfn0 % (HUGE_SIZE / page_size));
	for (size_t i = 1; i < HUGE_SIZE / page_size; i++) {
		ASSERT_EQ(pfn0 + i, pagemap_pfn(p + i * page_size)) TH_LOG("page %zu", i);
	}
	/* smaps says the core will ask ->huge_fault for this mapping. */
	ASSERT_EQ(0, smaps_field(p, "THPeligible:", val, sizeof(val)));
	EXPECT_EQ(1, atoi(val));

	/* A write through the entry dirties its pages, and only those. */
	p[HUGE_SIZE + 5] = 'h';
	{
		uint8_t *d = malloc(n);
		size_t dirty = 0;
		char c;

		ASSERT_NE(NULL, d);
		ASSERT_EQ(0, get_dirty(self->fd, 0, n, d));
		for (size_t i = 0; i < n; i++)
			dirty += d[i] && i >= n / 2;
		EXPECT_EQ(n / 2, dirty);
		EXPECT_EQ(0, d[0]);
		free(d);
		ASSERT_EQ(1, pread(self->fd, &c, 1, HUGE_SIZE + 5));
		EXPECT_EQ('h', c);
	}
	EXPECT_EQ(2, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap(p, 2 * HUGE_SIZE));
}

/*
 * Only whole, aligned PMD-sized pieces of the device are mapped huge:
 * from offset one page, two pieces' length holds HUGE_PAGES - 1 pages
 * before the first boundary, one aligned piece, and 1 page after.
 * Misplaced by MAP_FIXED, none.
 */
TEST_F(fresh, huge_falls_back_to_pages_where_unaligned)
{
	__u32 mode = MMDEMO_BACKING_HUGE;
	size_t n = 2 * HUGE_PAGES;
	char *p, *q;

	SKIP_UNLESS_HUGE_PIECES(self->fd, 3, return);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	p = mmap(NULL, 2 * HUGE_SIZE, PROT_READ, MAP_SHARED, self->fd, page_size);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(page_size, (uintptr_t)p % HUGE_SIZE);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(0, ((volatile char *)p)[i * page_size]);
	EXPECT_EQ(HUGE_PAGES - 1 + 1 + 1, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap(p, 2 * HUGE_SIZE));

	/* The same range at an address a page off: nothing lines up. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
	q = reserve_aligned(2 * HUGE_SIZE + 2 * page_size, HUGE_SIZE);
	ASSERT_NE(NULL, q);
	p = mmap(q + 2 * page_size, 2 * HUGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
		 self->fd, page_size);
	ASSERT_EQ(q + 2 * page_size, p);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(0, ((volatile char *)p)[i * page_size]);
	EXPECT_EQ(n, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap(p, 2 * HUGE_SIZE));
}

/*
 * Where the device has single pages inside a PMD-sized piece already
 * (written by write(2)), a fault there maps 4 KiB pages, not a PMD:
 * whether the single page is the piece's first or one inside it.
 */
TEST_F(fresh, huge_falls_back_to_pages_where_single_pages_exist)
{
	__u32 mode = MMDEMO_BACKING_HUGE;
	char *p;

	SKIP_UNLESS_HUGE_PIECES(self->fd, 2, return);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	ASSERT_EQ(1, pwrite(self->fd, "a", 1, 0));
	ASSERT_EQ(1, pwrite(self->fd, "b", 1, HUGE_SIZE + 5 * page_size));
	p = mmap(NULL, 2 * HUGE_SIZE, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, (uintptr_t)p % HUGE_SIZE);
	EXPECT_EQ(0, p[page_size]);
	EXPECT_EQ(0, p[HUGE_SIZE]);
	EXPECT_EQ('a', p[0]);
	EXPECT_EQ('b', p[HUGE_SIZE + 5 * page_size]);
	/* Four 4 KiB faults, four single pages: no folio of 2 MiB. */
	EXPECT_STATS(self->fd, 4, 4, 4, 1, 1);
	EXPECT_EQ(0, debugfs_stat("huge_faults"));
	ASSERT_EQ(0, munmap(p, 2 * HUGE_SIZE));
}

/* Huge mode: the pattern (page index & 0xff) in the first PMD, by one fault. */
static int fill_huge(int fd)
{
	char *s = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (s == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < HUGE_SIZE / page_size; i++)
		memset(s + i * page_size, i & 0xff, page_size);
	return munmap(s, HUGE_SIZE);
}

/* The first PMD in huge mode, filled by fill_huge(), mapped with @flags. */
static char *map_filled_huge(int fd, int flags)
{
	__u32 mode = MMDEMO_BACKING_HUGE;

	if (ioctl(fd, MMDEMO_IOC_SET_BACKING, &mode) || fill_huge(fd))
		return MAP_FAILED;
	return mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE, flags, fd, 0);
}

/* MAP_PRIVATE: read huge, but a write copies one page only. */
TEST_F(fresh, huge_private_write_copies_one_page)
{
	__u32 mode = MMDEMO_BACKING_HUGE;
	uint64_t pfn0;
	char c, *p;

	SKIP_UNLESS_HUGE(self->fd);

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	ASSERT_EQ(0, fill_huge(self->fd));
	EXPECT_EQ(1, get_stats(self->fd).faults);
	p = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, (uintptr_t)p % HUGE_SIZE);
	EXPECT_EQ(7, p[7 * page_size]);
	EXPECT_EQ(2, get_stats(self->fd).faults);
	pfn0 = pagemap_pfn(p);
	EXPECT_EQ(pfn0 + 9, pagemap_pfn(p + 9 * page_size));

	p[7 * page_size] = 'p';
	EXPECT_EQ('p', p[7 * page_size]);
	EXPECT_NE(pfn0 + 7, pagemap_pfn(p + 7 * page_size));	/* a copy */
	ASSERT_EQ(1, pread(self->fd, &c, 1, 7 * page_size));
	EXPECT_EQ(7, c);	/* the device keeps its byte */
	EXPECT_EQ(8, p[8 * page_size]);	/* the neighbours are the device's */
	EXPECT_EQ(pfn0 + 8, pagemap_pfn(p + 8 * page_size));
	EXPECT_EQ(100, p[100 * page_size]);
	EXPECT_EQ(HUGE_SIZE / page_size, get_stats(self->fd).pages_allocated);
	ASSERT_EQ(0, munmap(p, HUGE_SIZE));
}

/*
 * A first write through a MAP_PRIVATE huge mapping: no PMD entry (it
 * would have to be copied whole), but one 4 KiB fault that copies one
 * page, as in page mode.  The device keeps its zeros.
 */
TEST_F(fresh, huge_first_private_write_is_one_fault)
{
	__u32 mode = MMDEMO_BACKING_HUGE;
	struct mmdemo_stats st;
	struct rusage r0, r1;
	char c, *p;

	SKIP_UNLESS_HUGE(self->fd);

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	p = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, (uintptr_t)p % HUGE_SIZE);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r0);
	p[3 * page_size] = 'p';
	getrusage(RUSAGE_SELF, &r1);
	EXPECT_EQ(1, r1.ru_minflt - r0.ru_minflt);
	st = get_stats(self->fd);
	EXPECT_EQ(1, st.faults);
	EXPECT_EQ(1, st.pages_allocated);
	EXPECT_EQ('p', p[3 * page_size]);
	ASSERT_EQ(1, pread(self->fd, &c, 1, 3 * page_size));
	EXPECT_EQ(0, c);
	ASSERT_EQ(0, munmap(p, HUGE_SIZE));
}

/* A shrink into a huge page: SIGBUS past the end, data before it kept. */
TEST_F(fresh, huge_shrink_cuts_inside_a_huge_page)
{
	uint64_t half = HUGE_SIZE / 2;
	char *p;

	SKIP_UNLESS_HUGE(self->fd);

	p = map_filled_huge(self->fd, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(3, p[3 * page_size]);
	EXPECT_EQ(2, get_stats(self->fd).faults);

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &half));
	EXPECT_EQ(half / page_size, get_stats(self->fd).pages_resident);
	EXPECT_EQ(SIGBUS, access_signal(p + half, false));
	EXPECT_EQ(SIGBUS, access_signal(p + HUGE_SIZE - 1, true));
	/* What is left comes back a page at a time, with its data. */
	EXPECT_EQ(3, p[3 * page_size]);
	EXPECT_EQ(5, p[5 * page_size]);
	EXPECT_EQ(4, get_stats(self->fd).faults);

	/* Grown back: the cut part is new, zeroed memory. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	EXPECT_EQ(0, p[half]);
	EXPECT_EQ(0, p[HUGE_SIZE - 1]);
	ASSERT_EQ(0, munmap(p, HUGE_SIZE));
}

/* The sum of /proc/kpagecount (mappings of each page) over @n frames. */
static long kpage_mapcount(uint64_t pfn, size_t n)
{
	uint64_t *counts = calloc(n, sizeof(*counts));
	long sum = 0;
	int fd = open("/proc/kpagecount", O_RDONLY);

	if (fd < 0 || !counts ||
	    pread(fd, counts, n * 8, pfn * 8) != (ssize_t)(n * 8))
		sum = -1;
	for (size_t i = 0; sum >= 0 && i < n; i++)
		sum += counts[i];
	if (fd >= 0)
		close(fd);
	free(counts);
	return sum;
}

/* /proc/kpageflags bit 15, KPF_COMPOUND_HEAD: the frame heads a live folio. */
static int kpage_is_head(uint64_t pfn)
{
	uint64_t flags;
	int fd = open("/proc/kpageflags", O_RDONLY);
	int ret = -1;

	if (fd >= 0 && pread(fd, &flags, 8, pfn * 8) == 8)
		ret = (flags >> 15) & 1;
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Huge mode's PMD entry, as the kernel accounts it: page-backed where
 * the kernel can (6.15+: Rss, FilePmdMapped and the rmap see its pages),
 * a PFN entry that none of them sees on 6.12.  get_user_pages() works on
 * both: 6.12 finds the page behind a PFN entry of a VM_MIXEDMAP VMA.
 */
TEST_F(fresh, huge_entry_is_page_backed_where_the_kernel_can)
{
	bool backed = self->features & MMDEMO_FEATURE_HUGE_PAGE_BACKED;
	long pmd0 = proc_kb("/proc/meminfo", "FilePmdMapped");
	char buf[64], val[64];
	struct iovec local = { buf, sizeof(buf) }, remote;
	uint64_t pfn0;
	ssize_t n;
	char *p;

	SKIP_UNLESS_HUGE(self->fd);
	p = map_filled_huge(self->fd, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, (uintptr_t)p % HUGE_SIZE);
	EXPECT_EQ(5, ((volatile char *)p)[5 * page_size]);
	EXPECT_EQ(2, get_stats(self->fd).faults);	/* fill_huge's, and this one */

	EXPECT_EQ(backed ? (long)(HUGE_SIZE >> 10) : 0, smaps_rss_kb(p));
	ASSERT_EQ(0, smaps_field(p, "FilePmdMapped:", val, sizeof(val)));
	EXPECT_EQ(backed ? (long)(HUGE_SIZE >> 10) : 0, atol(val));
	EXPECT_EQ(pmd0 + (backed ? (long)(HUGE_SIZE >> 10) : 0), proc_kb("/proc/meminfo", "FilePmdMapped"));
	pfn0 = pagemap_pfn(p);
	ASSERT_NE(0, pfn0);
	EXPECT_EQ(backed ? (long)HUGE_PAGES : 0, kpage_mapcount(pfn0, HUGE_PAGES));

	/* get_user_pages(), as a debugger would read the mapping. */
	remote.iov_base = p + 9 * page_size;
	remote.iov_len = sizeof(buf);
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && errno == ENOSYS)
		SKIP(goto out, "needs CONFIG_CROSS_MEMORY_ATTACH");
	EXPECT_EQ(sizeof(buf), n);
	EXPECT_EQ(9, buf[0]);
out:
	ASSERT_EQ(0, munmap(p, HUGE_SIZE));
}

/*
 * Splitting a PMD entry leaks nothing: after a partial munmap, an
 * mprotect of part, MADV_DONTNEED of part, or a private write, and then
 * munmap, no page of it is still mapped (kpagecount), Rss and
 * FilePmdMapped are back where they were, and a reset frees the folio.
 * 7.3 splits an entry of a VM_MIXEDMAP VMA without dropping what a
 * page-backed entry holds, which is why page-backed huge mode is not
 * VM_MIXEDMAP.
 */
TEST_F(fresh, huge_splits_leak_nothing)
{
	static const char * const how[] = {
		"munmap of part", "mprotect of part", "MADV_DONTNEED of part",
		"private write",
	};
	__u32 mode = MMDEMO_BACKING_HUGE;
	bool backed = self->features & MMDEMO_FEATURE_HUGE_PAGE_BACKED;

	SKIP_UNLESS_HUGE(self->fd);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	for (size_t c = 0; c < sizeof(how) / sizeof(how[0]); c++) {
		long rss0 = proc_kb("/proc/self/status", "RssFile");
		long pmd0 = proc_kb("/proc/meminfo", "FilePmdMapped");
		int flags = c == 3 ? MAP_PRIVATE : MAP_SHARED;
		uint64_t pfn0;
		char *p;

		p = map_filled_huge(self->fd, flags);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, (uintptr_t)p % HUGE_SIZE);
		ASSERT_EQ(3, ((volatile char *)p)[3 * page_size]);
		pfn0 = pagemap_pfn(p);
		ASSERT_NE(0, pfn0);
		ASSERT_EQ(pfn0 + HUGE_PAGES - 1, pagemap_pfn(p + (HUGE_PAGES - 1) * page_size));
		EXPECT_EQ(backed ? (long)HUGE_PAGES : 0, kpage_mapcount(pfn0, HUGE_PAGES)) TH_LOG("%s", how[c]);

		switch (c) {
		case 0:
			ASSERT_EQ(0, munmap(p + HUGE_SIZE / 2, HUGE_SIZE / 2));
			break;
		case 1:
			ASSERT_EQ(0, mprotect(p, page_size, PROT_READ));
			break;
		case 2:
			ASSERT_EQ(0, madvise(p + page_size, page_size, MADV_DONTNEED));
			break;
		case 3:
			p[7 * page_size] = 'p';
			break;
		}
		/* What is left still reads the device's data. */
		EXPECT_EQ(4, ((volatile char *)p)[4 * page_size]) TH_LOG("%s", how[c]);
		EXPECT_EQ(c == 3 ? 'p' : 7, p[7 * page_size]);
		ASSERT_EQ(0, munmap(p, HUGE_SIZE));

		EXPECT_EQ(0, kpage_mapcount(pfn0, HUGE_PAGES)) TH_LOG("%s: pages still mapped", how[c]);
		EXPECT_EQ(rss0, proc_kb("/proc/self/status", "RssFile")) TH_LOG("%s", how[c]);
		EXPECT_EQ(pmd0, proc_kb("/proc/meminfo", "FilePmdMapped")) TH_LOG("%s", how[c]);
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
		EXPECT_EQ(0, get_stats(self->fd).pages_resident);
		EXPECT_EQ(0, kpage_is_head(pfn0)) TH_LOG("%s: the folio was not freed", how[c]);
	}
}

MMDEMO_TEST_MAIN()
