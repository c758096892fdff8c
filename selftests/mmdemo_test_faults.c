// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, page faults: what a first touch costs and allocates, in each mode.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

TEST_F(mmdemo, untouched_mapping_allocates_nothing)
{
	char *p;

	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);

	if (variant->eager) {
		/* Everything is there before the first touch. */
		EXPECT_STATS(self->fd, 0, NR_PAGES, NR_PAGES, 1, 1);
		EXPECT_EQ(NR_PAGES, mincore_count(p, NR_PAGES));
		EXPECT_EQ(NR_PAGES * (long)page_size / 1024, smaps_rss_kb(p));
	} else {
		EXPECT_STATS(self->fd, 0, 0, 0, 1, 1);
		EXPECT_EQ(0, mincore_count(p, NR_PAGES));
		EXPECT_EQ(0, smaps_rss_kb(p));
	}
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, touching_k_pages_faults_exactly_k)
{
	const int touched[] = { 0, 3, 7, 15 };
	const int k = sizeof(touched) / sizeof(touched[0]);
	uint32_t counts[NR_PAGES];
	volatile char *p;
	int i, pass;

	p = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);

	for (pass = 0; pass < 2; pass++) {
		/* Eager mappings hold every page from the start, without faults. */
		int faults = variant->eager ? 0 : k;
		int present = variant->eager ? NR_PAGES : k;

		for (i = 0; i < k; i++)
			(void)p[touched[i] * page_size + 100];
		/* The second pass touches resident pages: no new fault. */
		EXPECT_STATS(self->fd, faults, present, present, 1, 1);
		/* mincore() walks page tables but skips VM_PFNMAP: blind to it. */
		EXPECT_EQ(self->mincore_blind ? 0 : present, mincore_count((void *)p, NR_PAGES));
		/* Rss counts pages the core knows; a PFN map shows none. */
		EXPECT_EQ(variant->pfn ? 0 : present * (long)page_size / 1024,
			  smaps_rss_kb((void *)p));
	}

	ASSERT_EQ(0, get_page_faults(self->fd, 0, NR_PAGES, counts));
	for (i = 0; i < NR_PAGES; i++) {
		bool want = !variant->eager && (i == 0 || i == 3 || i == 7 || i == 15);

		EXPECT_EQ(want ? 1U : 0U, counts[i]) TH_LOG("page %d", i);
	}
	ASSERT_EQ(0, munmap((void *)p, self->len));
}

/*
 * Pages given to userspace are zeroed, also where the kernel would not do
 * it for us: the VM boots with init_on_alloc=0 (Debian's kernels default
 * to 1, which would hide a missing __GFP_ZERO), and before the device
 * allocates, this process fills and frees 32 MiB, so that the pages it
 * gets are likely to be recycled ones that held 0xa5.
 */
TEST_F(mmdemo, new_pages_are_zeroed_even_over_recycled_memory)
{
	const size_t dirty_len = 32 << 20, n = 256;
	char *dirty, *p;
	size_t nonzero = 0;

	if (self->capacity < n * page_size)
		SKIP(return, "the device is smaller than %zu pages", n);
	dirty = mmap(NULL, dirty_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dirty);
	memset(dirty, 0xa5, dirty_len);
	ASSERT_EQ(0, munmap(dirty, dirty_len));

	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (size_t i = 0; i < n * page_size; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(0, nonzero) TH_LOG("%zu bytes of new device pages were not zero", nonzero);
	ASSERT_EQ(0, munmap(p, n * page_size));
}

TEST_F(mmdemo, last_page_is_mapped_and_counted)
{
	uint64_t last = self->info.size / page_size - 1;
	uint32_t count = 0;
	volatile char *p;

	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 last * page_size);
	ASSERT_NE(MAP_FAILED, p);
	p[page_size - 1] = 7;
	ASSERT_EQ(0, get_page_faults(self->fd, last, 1, &count));
	EXPECT_EQ(variant->eager ? 0U : 1U, count);
	ASSERT_EQ(0, munmap((void *)p, page_size));
}

TEST_F(mmdemo, latency_turns_first_touches_into_major_faults)
{
	uint32_t us = 2000;
	struct rusage r0, r1, r2;
	volatile char *p;
	int ro;

	if (variant->eager)
		SKIP(return, "eager mappings take no fault to delay");
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &us));
	p = mmap(NULL, 4 * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* A page that exists already is not "fetched": an ordinary fault. */
	ASSERT_EQ(1, pwrite(self->fd, "x", 1, 3 * page_size));

	/* Fault in the result buffers first: only the touches may fault below. */
	getrusage(RUSAGE_SELF, &r2);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r0);
	for (int i = 0; i < 4; i++)
		(void)p[i * page_size];
	getrusage(RUSAGE_SELF, &r1);
	for (int i = 0; i < 4; i++)
		(void)p[i * page_size];
	getrusage(RUSAGE_SELF, &r2);

	EXPECT_EQ(3, r1.ru_majflt - r0.ru_majflt);
	EXPECT_EQ(1, r1.ru_minflt - r0.ru_minflt);
	EXPECT_EQ(0, r2.ru_majflt - r1.ru_majflt);
	EXPECT_EQ(0, r2.ru_minflt - r1.ru_minflt);
	EXPECT_EQ(4, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap((void *)p, 4 * page_size));

	us = MMDEMO_MAX_LATENCY_US + 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &us));
	EXPECT_EQ(EINVAL, errno);
	ro = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-1, ioctl(ro, MMDEMO_IOC_SET_LATENCY, &(uint32_t){ 0 }));
	EXPECT_EQ(EBADF, errno);
	close(ro);
}

/*
 * A fault on a missing page reads the latency that another process keeps
 * changing: thousands of times each way, so that the kcsan kernel gets to
 * watch the two meet.  Every page still faults once and reads as zero.
 */
TEST_F(fresh, faults_read_the_latency_while_it_changes)
{
	const size_t n = (16 << 20) / page_size;
	volatile int *stop;
	int rounds = 0, status;
	pid_t pid;

	stop = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	*stop = 0;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (uint32_t us = 0; !*stop; us ^= 1)
			if (ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &us))
				_exit(1);
		_exit(0);
	}
	for (; rounds < 3; rounds++) {
		size_t nonzero = 0;
		char *p = mmap(NULL, n * page_size, PROT_READ, MAP_SHARED, self->fd, 0);

		ASSERT_NE(MAP_FAILED, p);
		for (size_t i = 0; i < n; i++)
			nonzero += p[i * page_size] != 0;
		EXPECT_EQ(0, nonzero);
		EXPECT_EQ(n, get_stats(self->fd).faults) TH_LOG("round %d", rounds);
		ASSERT_EQ(0, munmap(p, n * page_size));
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
	}
	*stop = 1;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &(uint32_t){ 0 }));
	munmap((void *)stop, page_size);
}

/* Device pages [first, first + n) written with byte (page index & 0xff). */
static int fill_pages(int fd, uint64_t first, size_t n)
{
	char *buf = malloc(page_size);
	int ret = 0;

	for (size_t i = 0; buf && i < n && !ret; i++) {
		memset(buf, (first + i) & 0xff, page_size);
		if (pwrite(fd, buf, page_size, (first + i) * page_size) != (ssize_t)page_size)
			ret = -1;
	}
	free(buf);
	return buf ? ret : -1;
}

/*
 * With fault-around, one read fault maps every page the device already
 * has in the kernel's window (fault_around_bytes); pages it does not have
 * stay absent and fault one by one.  Without, every page faults.
 */
TEST_F(fresh, fault_around_maps_resident_neighbours_only)
{
	const __u32 modes[] = {
		MMDEMO_BACKING_INSERT,
		MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND,
		MMDEMO_BACKING_PFN | MMDEMO_BACKING_FAULT_AROUND,
		MMDEMO_BACKING_HUGE | MMDEMO_BACKING_FAULT_AROUND,
	};
	const char *knob = "/sys/kernel/debug/fault_around_bytes";
	char line[64], wide[32];
	size_t w, n;

	if (read_line(knob, line, sizeof(line)))
		SKIP(return, "no %s", knob);
	w = strtoul(line, NULL, 0) / page_size;	/* pages per window */
	/* The default 64 KiB is one page with 64 KiB pages: widen it. */
	if (w < 4) {
		snprintf(wide, sizeof(wide), "%zu", 4 * page_size);
		ASSERT_EQ(0, write_file(knob, wide));
		w = 4;
	}
	n = 4 * w;
	/* Three windows' worth of resident pages, then a window of none. */
	ASSERT_EQ(0, fill_pages(self->fd, 0, 3 * w));

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		bool around = modes[m] & MMDEMO_BACKING_FAULT_AROUND;
		uint64_t faults;
		volatile char *p;

		char *at = reserve_aligned(n * page_size, w * page_size);

		ASSERT_NE(NULL, at);
		if ((modes[m] & MMDEMO_BACKING_MODE_MASK) == MMDEMO_BACKING_HUGE) {
			int err = ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &modes[m]) ? errno : 0;

			/* Before 6.12, no huge mode at all; since 6.15 its
			 * small pages are page mode's, which cannot map around.
			 */
			if (!(self->features & MMDEMO_FEATURE_HUGE)) {
				EXPECT_EQ(EOPNOTSUPP, err);
				continue;
			}
			if (self->features & MMDEMO_FEATURE_HUGE_PAGE_BACKED) {
				EXPECT_EQ(EINVAL, err);
				continue;
			}
		}
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &modes[m]));
		/* Windows are aligned in the page table: so is the mapping. */
		p = mmap(at, n * page_size, PROT_READ, MAP_SHARED | MAP_FIXED, self->fd, 0);
		ASSERT_EQ(at, p);
		/*
		 * Fault-around needs the page table, which the first fault
		 * makes and a zap keeps.
		 */
		ASSERT_EQ(0, p[0]);
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
		faults = get_stats(self->fd).faults;

		for (size_t i = 0; i < 3 * w; i++) {
			ASSERT_EQ((char)(i & 0xff), p[i * page_size]) TH_LOG("page %zu", i);
		}
		/* One fault per window, each mapping the window's pages. */
		EXPECT_EQ(around ? 3 : 3 * w, get_stats(self->fd).faults - faults)
			TH_LOG("mode %#x", modes[m]);
		/* Nothing was allocated for the window yet untouched. */
		EXPECT_EQ(3 * w, get_stats(self->fd).pages_resident);
		if (!(modes[m] & MMDEMO_BACKING_PFN))
			EXPECT_EQ(0, mincore_count((char *)p + 3 * w * page_size, w));

		faults = get_stats(self->fd).faults;
		for (size_t i = 3 * w; i < n; i++)
			ASSERT_EQ(0, p[i * page_size]);
		EXPECT_EQ(w, get_stats(self->fd).faults - faults);
		ASSERT_EQ(0, munmap((void *)p, n * page_size));
		/* Back to three windows of resident pages for the next mode. */
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &(uint64_t){ 3 * w * page_size }));
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	}
	ASSERT_EQ(0, write_file(knob, line));
}

/* A write fault is not a read fault: fault-around maps nothing for it. */
TEST_F(fresh, fault_around_is_for_reads_only)
{
	__u32 mode = MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND;
	volatile char *p;
	uint64_t faults;

	ASSERT_EQ(0, fill_pages(self->fd, 0, 8));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	p = mmap(NULL, 8 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'x';
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
	faults = get_stats(self->fd).faults;
	for (int i = 0; i < 8; i++)
		p[i * page_size] = 'w';
	EXPECT_EQ(8, get_stats(self->fd).faults - faults);
	ASSERT_EQ(0, munmap((void *)p, 8 * page_size));
}

/* A /proc/vmstat counter, or -1 where the kernel has none. */
static long long vmstat(const char *name)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)) && line[strlen(name)] == ' ')
			v = atoll(line + strlen(name) + 1);
	if (f)
		fclose(f);
	return v;
}

/*
 * Every mode has a ->map_pages, even page mode, where it maps nothing:
 * the core takes it as the sign that ->fault needs no mmap_lock, so the
 * faults run under the VMA's own lock and none is retried (6.7+).
 */
TEST_F(fresh, page_mode_faults_run_under_the_vma_lock)
{
	__u32 mode = MMDEMO_BACKING_PAGE;
	long long ok0, retry0;
	volatile char *p;

	if (vmstat("vma_lock_success") < 0)
		SKIP(return, "needs CONFIG_PER_VMA_LOCK_STATS (/proc/vmstat vma_lock_*)");
	ASSERT_TRUE(self->features & MMDEMO_FEATURE_VMA_LOCK_FAULTS);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));
	p = mmap(NULL, NR_PAGES * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, p[0]);	/* the page table */
	ok0 = vmstat("vma_lock_success");
	retry0 = vmstat("vma_lock_retry");
	for (int i = 1; i < NR_PAGES; i++)
		ASSERT_EQ(0, p[i * page_size]);
	EXPECT_LE(NR_PAGES - 1, vmstat("vma_lock_success") - ok0);
	EXPECT_EQ(0, vmstat("vma_lock_retry") - retry0);
	EXPECT_EQ(NR_PAGES, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap((void *)p, NR_PAGES * page_size));
}

MMDEMO_TEST_MAIN()
