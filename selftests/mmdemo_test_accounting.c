// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, accounting: counters, tracepoints, debugfs, allocation failures, module lifetime, pages given back.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

/*
 * Free memory in pages: MemFree, plus the per-CPU lists, which hold freed
 * pages out of MemFree's count (6.7+ counts them separately).
 */
static long free_pages_now(void)
{
	long kb = proc_kb("/proc/meminfo", "MemFree"), pcp = 0, v;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &v) == 1)
			pcp += v;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / (page_size / 1024) + pcp;
}

/*
 * free_pages_now() once the frees and allocations other work leaves
 * behind (RCU, KASAN's quarantine, kernel threads) have stopped moving it:
 * two reads 100 ms apart within 16 pages, for at most 3 s.  Otherwise
 * memory moving meanwhile is counted as the device's, either way.
 */
static long free_pages_settled(void)
{
	long prev = free_pages_now(), now = prev;

	for (int i = 0; i < 30; i++) {
		usleep(100000);
		now = free_pages_now();
		if (labs(now - prev) < 16)
			break;
		prev = now;
	}
	return now;
}

/*
 * How many pages the give-back tests touch, and how many may stay missing
 * (page tables, and the per-CPU lists of free pages, which MemFree does
 * not count): 8 MiB and 1 MiB, but at least 512 and 64 pages, as 1 MiB is
 * only 16 pages of 64 KiB, fewer than those lists hold (37 seen).
 */
enum {
	GIVE_BACK_MIN_PAGES = 512,
	GIVE_BACK_MIN_SLACK = 64,
};

static void give_back_pages(long *n, long *slack)
{
	const long mib = (1 << 20) / page_size;

	*n = 8 * mib > GIVE_BACK_MIN_PAGES ? 8 * mib : GIVE_BACK_MIN_PAGES;
	*slack = mib > GIVE_BACK_MIN_SLACK ? mib : GIVE_BACK_MIN_SLACK;
}

/*
 * The pages the device allocates go back to the kernel when it lets go of
 * them: after 8 MiB were touched and the device reset, free memory is
 * back where it was, give or take 1 MiB of page tables and caches (see
 * give_back_pages()).
 */
TEST_F(mmdemo, reset_gives_every_page_back_to_the_kernel)
{
	long n, slack, free0, free1, free2;
	char *p;

	give_back_pages(&n, &slack);
	if (self->capacity < (uint64_t)n * page_size)
		SKIP(return, "the device is smaller than %ld pages", n);
	free0 = free_pages_settled();
	ASSERT_LT(0, free0);
	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (long i = 0; i < n; i++)
		p[i * page_size] = 1;
	free1 = free_pages_settled();
	EXPECT_LE(n - slack, free0 - free1) TH_LOG("the device took %ld pages", free0 - free1);
	ASSERT_EQ(0, munmap(p, n * page_size));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
	free2 = free_pages_settled();
	EXPECT_GE(free2, free0 - slack) TH_LOG("%ld of %ld pages did not come back",
					       free0 - free2, n);
}

TEST_F(mmdemo, vma_count_follows_fork_and_split)
{
	int status;
	char *p;
	pid_t pid;

	p = mmap(NULL, 3 * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1, get_stats(self->fd).vmas);

	/* mprotect of the middle page splits one VMA into three. */
	ASSERT_EQ(0, mprotect(p + page_size, page_size, PROT_NONE));
	EXPECT_EQ(3, get_stats(self->fd).vmas);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(get_stats(self->fd).vmas == 6 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("a forked child should see 6 VMAs");

	ASSERT_EQ(0, munmap(p, 3 * page_size));
	EXPECT_EQ(0, get_stats(self->fd).vmas);
	EXPECT_EQ(1, get_stats(self->fd).mmaps);
}

#define TRACEFS		"/sys/kernel/tracing/"

/* Longer lines of the trace buffer are counted in pieces: none is. */
#define TRACE_LINE_MAX	512

/* Lines of the trace buffer that contain @event. */
static int trace_count(const char *event)
{
	char line[TRACE_LINE_MAX];
	int n = 0;
	FILE *f = fopen(TRACEFS "trace", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, event) != NULL;
	fclose(f);
	return n;
}

TEST_F(mmdemo, tracepoints_record_what_happened)
{
	int faults = variant->eager ? 0 : 2;
	volatile char *p;

	if (access(TRACEFS "events/mmdemo", F_OK))
		SKIP(return, "no mmdemo events in tracefs (CONFIG_TRACING)");
	ASSERT_EQ(0, write_file(TRACEFS "events/mmdemo/enable", "1"));
	ASSERT_EQ(0, write_file(TRACEFS "trace", "\n"));
	p = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	(void)p[0];
	p[page_size] = 1;
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
	ASSERT_EQ(0, munmap((void *)p, 2 * page_size));
	ASSERT_EQ(0, write_file(TRACEFS "events/mmdemo/enable", "0"));

	EXPECT_EQ(faults, trace_count(" mmdemo_fault: "));
	EXPECT_EQ(2, trace_count(" mmdemo_page_alloc: "));
	/* The write to page 1 is noticed in every mode. */
	EXPECT_EQ(1, trace_count(" mmdemo_mkwrite: "));
	EXPECT_EQ(1, trace_count(" mmdemo_zap: "));
	EXPECT_EQ(1, trace_count(" mmdemo_vma_open: "));
	EXPECT_EQ(1, trace_count(" mmdemo_vma_close: "));
}

TEST_F(mmdemo, debugfs_shows_counters_and_pages)
{
	char line[128];
	struct mmdemo_stats st;
	int lines = 0;
	volatile char *p;
	FILE *f;

	if (access("/sys/kernel/debug/mmdemo/stats", F_OK))
		SKIP(return, "no /sys/kernel/debug/mmdemo (CONFIG_DEBUG_FS, debugfs mounted)");
	p = mmap(NULL, 3 * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (int i = 0; i < 3; i++)
		(void)p[i * page_size];
	st = get_stats(self->fd);
	EXPECT_EQ((long long)st.faults, debugfs_stat("faults"));

	f = fopen("/sys/kernel/debug/mmdemo/pages", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	EXPECT_EQ(st.pages_resident + 1, lines) TH_LOG("a header and one line a page");
	ASSERT_EQ(0, munmap((void *)p, 3 * page_size));
}

/*
 * The fault injection of the debug kernel, limited to this process
 * (task-filter) and to the allocations the device makes (GFP_HIGHUSER
 * sleeps and may be highmem, so neither may be ignored).
 */
#define FAIL_DIR	"/sys/kernel/debug/"

static int fail_setup(const char *attr, const char *times)
{
	static const char * const settings[][2] = {
		{ "probability", "100" }, { "interval", "1" }, { "space", "0" },
		{ "verbose", "0" }, { "task-filter", "Y" }, { "ignore-gfp-wait", "N" },
	};
	char path[128];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		snprintf(path, sizeof(path), FAIL_DIR "%s/%s", attr, settings[i][0]);
		ret = write_file(path, settings[i][1]);
		if (ret)
			return ret;
	}
	if (!strcmp(attr, "fail_page_alloc")) {
		write_file(FAIL_DIR "fail_page_alloc/ignore-gfp-highmem", "N");
		write_file(FAIL_DIR "fail_page_alloc/min-order", "0");
	}
	snprintf(path, sizeof(path), FAIL_DIR "%s/times", attr);
	return write_file(path, times);
}

/* Arms or disarms injection for this task through an fd opened in advance. */
static void make_it_fail(int fd, bool on)
{
	if (pwrite(fd, on ? "1" : "0", 1, 0) != 1)
		abort();
}

TEST_F(mmdemo, allocation_failures_are_reported_and_leave_no_trace)
{
	char times[16], c = 'x';
	volatile char *p;
	int mif;

	if (access(FAIL_DIR "failslab", F_OK) || access(FAIL_DIR "fail_page_alloc", F_OK))
		SKIP(return, "needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and debugfs");
	mif = open("/proc/self/make-it-fail", O_WRONLY);
	ASSERT_LE(0, mif);

	/* write(): the page allocation fails. */
	ASSERT_EQ(0, fail_setup("fail_page_alloc", "-1"));
	make_it_fail(mif, true);
	EXPECT_EQ(-1, pwrite(self->fd, &c, 1, 5 * page_size));
	make_it_fail(mif, false);
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_STATS(self->fd, 0, 0, 0, 0, 0);

	/* write(): the page is allocated, the xarray node is not. */
	ASSERT_EQ(0, fail_setup("fail_page_alloc", "0"));
	ASSERT_EQ(0, fail_setup("failslab", "-1"));
	make_it_fail(mif, true);
	EXPECT_EQ(-1, pwrite(self->fd, &c, 1, 5 * page_size));
	make_it_fail(mif, false);
	EXPECT_EQ(ENOMEM, errno);
	ASSERT_EQ(0, fail_setup("failslab", "0"));
	EXPECT_STATS(self->fd, 0, 0, 0, 0, 0);

	/*
	 * A fault whose allocation fails returns VM_FAULT_OOM; the core then
	 * retries the fault, which succeeds.  Page 4 is touched first so the
	 * page tables exist and the one failure lands on the device's page.
	 */
	if (variant->eager) {
		close(mif);
		return;		/* no fault to fail */
	}
	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[4 * page_size] = 1;
	ASSERT_EQ(0, fail_setup("fail_page_alloc", "1"));
	make_it_fail(mif, true);
	p[5 * page_size] = 2;
	make_it_fail(mif, false);
	ASSERT_EQ(0, read_line(FAIL_DIR "fail_page_alloc/times", times, sizeof(times)));
	EXPECT_STREQ("0", times) TH_LOG("the injected failure was not consumed");
	ASSERT_EQ(0, fail_setup("fail_page_alloc", "0"));
	EXPECT_EQ(2, p[5 * page_size]);
	EXPECT_STATS(self->fd, 2, 2, 2, 1, 1);
	ASSERT_EQ(0, munmap((void *)p, self->len));
	close(mif);
}

/*
 * Systematic fault injection: each operation that may allocate runs with
 * the 1st, 2nd, ... allocation of this task failing (fail-nth), until a
 * run no longer reaches the nth.  An injected failure must end in a
 * documented errno (ENOMEM) or be absorbed (a fault that could not
 * allocate is retried, a huge fault falls back to pages); either way the
 * device's counters stay true and the same operation then works.
 */
enum nth_op { NTH_OPEN, NTH_MMAP, NTH_READ_FAULT, NTH_WRITE_FAULT, NTH_WRITE,
	      NTH_RESIZE, NTH_IOCTLS, NTH_OPS };
static const char * const nth_op_name[NTH_OPS] = {
	"open", "mmap", "read fault", "write fault", "write(2)", "resize", "ioctls",
};

/* Arms fail-nth at @n (0: off); disarming says whether the nth was met. */
static void nth_arm(int nth, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth, buf, len, 0) != len)
		abort();
}

static bool nth_disarm(int nth)
{
	char buf[16] = "";
	bool met = pread(nth, buf, sizeof(buf) - 1, 0) > 0 && atoi(buf) == 0;

	nth_arm(nth, 0);
	return met;
}

/*
 * This thread's fail-nth, with failslab and fail_page_alloc set to fail
 * nothing but the nth; -1 where the kernel has no fault injection.
 */
static int nth_open(void)
{
	int nth = open("/proc/thread-self/fail-nth", O_RDWR);

	if (nth >= 0 && !fail_setup("failslab", "0") && !fail_setup("fail_page_alloc", "0"))
		return nth;
	if (nth >= 0)
		close(nth);
	return -1;
}

#define NTH_SKIP_MSG	"needs CONFIG_FAULT_INJECTION (fail-nth), FAILSLAB, FAIL_PAGE_ALLOC"

/*
 * Runs @op once, failing the @n-th allocation (0: none); returns 0 or the
 * errno it ended with, and in *@met whether the injection happened.  Reads
 * back what it wrote, and unmaps what it mapped.
 */
static int nth_run(struct __test_metadata *_metadata, FIXTURE_DATA(mmdemo) *self,
		   bool huge, enum nth_op op, int nth, int n, bool *met)
{
	/* In huge mode, two PMD-sized pieces: the faults below take huge ones. */
	const size_t piece = HUGE_SIZE;
	size_t len = huge ? 2 * piece : self->len;
	uint64_t small = len / 2;
	uint8_t d[1];
	volatile char *p = NULL;
	int ret = 0, fd;
	char c = 'w';

	if (op == NTH_READ_FAULT || op == NTH_WRITE_FAULT) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
		if (p == MAP_FAILED)
			return errno;
	}
	nth_arm(nth, n);
	switch (op) {
	case NTH_OPEN:
		fd = open(DEV_PATH, O_RDWR);
		ret = fd < 0 ? errno : close(fd);
		break;
	case NTH_MMAP:
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
		ret = p == MAP_FAILED ? errno : 0;
		if (p == MAP_FAILED)
			p = NULL;
		break;
	case NTH_READ_FAULT:
		/* In huge mode the second piece: a huge fault. */
		ret = p[huge ? piece : len - page_size] == 0 ? 0 : EIO;
		break;
	case NTH_WRITE_FAULT:
		p[len - 1] = 'f';
		break;
	case NTH_WRITE:
		ret = pwrite(self->fd, &c, 1, 3 * page_size) == 1 ? 0 : errno;
		break;
	case NTH_RESIZE:
		ret = ioctl(self->fd, MMDEMO_IOC_RESIZE, &small) ||
		      ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity) ? errno : 0;
		break;
	default:
		ret = ioctl(self->fd, MMDEMO_IOC_ZAP) || ioctl(self->fd, MMDEMO_IOC_CLEAN) ||
		      get_dirty(self->fd, 0, 1, d) || get_page_faults(self->fd, 0, 1, (uint32_t *)d) ?
		      errno : 0;
		break;
	}
	*met = nth_disarm(nth);
	if (op == NTH_WRITE_FAULT && p[len - 1] != 'f')
		ret = EIO;
	if (op == NTH_WRITE && !ret && (pread(self->fd, &c, 1, 3 * page_size) != 1 || c != 'w'))
		ret = EIO;
	if (p)
		EXPECT_EQ(0, munmap((void *)p, len));
	return ret;
}

/*
 * Grows the stack and faults its pages in ahead: a stack that must grow
 * while fail-nth is armed may fail to (the new VMA range needs an
 * anon_vma), and that is SIGSEGV, from the core, not the device.
 */
static void __attribute__((noinline)) stack_prefault(void)
{
	volatile char pad[256 << 10];

	for (size_t i = 0; i < sizeof(pad); i += 1024)
		pad[i] = 0;
}

TEST_F(mmdemo, every_allocation_failure_is_clean)
{
	/* Huge pieces where two fit (not 512 MiB ones in a 64 MiB device). */
	const bool huge = variant->backing == MMDEMO_BACKING_HUGE &&
			  self->capacity >= 2 * HUGE_SIZE;
	int nth, points = 0, failures = 0, absorbed = 0;
	struct mmdemo_stats st;
	bool met;

	nth = nth_open();
	if (nth < 0)
		SKIP(return, NTH_SKIP_MSG);
	stack_prefault();

	for (int op = 0; op < NTH_OPS; op++) {
		for (int n = 1; n < 1000; n++) {
			int ret;

			ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
			ret = nth_run(_metadata, self, huge, op, nth, n, &met);
			points++;
			if (!met) {
				ASSERT_EQ(0, ret) TH_LOG("%s without an injected failure",
							 nth_op_name[op]);
				break;
			}
			/* Failed with the documented errno, or absorbed. */
			if (ret)
				failures++;
			else
				absorbed++;
			EXPECT_TRUE(ret == 0 || ret == ENOMEM)
				TH_LOG("%s, allocation %d failing: %s", nth_op_name[op], n,
				       strerror(ret));
			st = get_stats(self->fd);
			EXPECT_EQ(0, st.vmas) TH_LOG("%s, allocation %d", nth_op_name[op], n);
			EXPECT_LE(st.pages_resident, st.pages_allocated);
			if (op == NTH_MMAP && ret)
				EXPECT_EQ(0, st.mmaps);
			/* The same operation works at once. */
			ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
			ASSERT_EQ(0, nth_run(_metadata, self, huge, op, nth, 0, &met))
				TH_LOG("%s after allocation %d failed", nth_op_name[op], n);
			if (_metadata->exit_code == KSFT_FAIL)
				break;
		}
	}
	close(nth);
	TH_LOG("%d injection points tried: %d failed with ENOMEM, %d absorbed",
	       points, failures, absorbed);
}

TEST_F(mmdemo, module_stays_while_mapped_even_after_close)
{
	const char *ko = getenv("MMDEMO_KO");
	char params[80];
	char *p;

	if (!ko)
		SKIP(return, "set MMDEMO_KO=path/to/mmdemo.ko to test unloading");
	ASSERT_EQ(0, current_params(params, sizeof(params)));
	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "still here");
	close(self->fd);
	self->fd = -1;

	/* The VMA pins its file, and the file pins the module. */
	EXPECT_EQ(-EWOULDBLOCK, unload_module());
	EXPECT_STREQ("still here", p);

	ASSERT_EQ(0, munmap(p, self->len));
	ASSERT_EQ(0, unload_module());
	EXPECT_EQ(-1, access(DEV_PATH, F_OK));
	ASSERT_EQ(0, load_module(ko, params));
	EXPECT_EQ(0, access(DEV_PATH, F_OK));
}

TEST_F(fresh, unload_under_load_waits_for_the_last_user)
{
	const int workers = 3;
	const char *ko = getenv("MMDEMO_KO");
	int attempts = 0, refused = 0, status;
	volatile int *stop;
	struct timespec t0, t;
	char params[80];
	pid_t pids[3];

	if (!ko)
		SKIP(return, "set MMDEMO_KO=path/to/mmdemo.ko to test unloading");
	ASSERT_EQ(0, current_params(params, sizeof(params)));
	stop = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	*stop = 0;
	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		ASSERT_LE(0, pids[w]);
		if (pids[w])
			continue;
		while (!*stop) {
			__u32 mode = w;	/* page, insert, pfn */
			int fd = open(DEV_PATH, O_RDWR);
			char *p;

			if (fd < 0 || ioctl(fd, MMDEMO_IOC_SET_BACKING, &mode))
				_exit(2);
			p = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				_exit(3);
			p[w * page_size] = 'a' + w;
			close(fd);
			/* The mapping alone holds the module now. */
			if (p[w * page_size] != 'a' + w || munmap(p, 4 * page_size))
				_exit(4);
		}
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int ret = unload_module();

		attempts++;
		refused += ret == -EWOULDBLOCK;
		EXPECT_EQ(-EWOULDBLOCK, ret) TH_LOG("unload attempt %d", attempts);
		if (ret != -EWOULDBLOCK)
			break;
		usleep(1000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 2);
	*stop = 1;
	for (int w = 0; w < workers; w++) {
		ASSERT_EQ(pids[w], waitpid(pids[w], &status, 0));
		EXPECT_EQ(0, status) TH_LOG("worker %d", w);
	}
	TH_LOG("%d unload attempts under load, %d refused", attempts, refused);

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, unload_module());
	EXPECT_EQ(-1, access(DEV_PATH, F_OK));
	ASSERT_EQ(0, load_module(ko, params));
	munmap((void *)stop, page_size);
}

/*
 * After rmmod, free memory is back where it was before the device was
 * used, in every backing mode: 8 MiB touched (in huge mode through a
 * PMD-aligned mapping, so in PMD-sized folios where memory allows), the
 * device closed and unloaded, and at most 1 MiB (page tables, caches)
 * missing; see give_back_pages().
 */
TEST_F(fresh, unload_gives_every_page_back_to_the_kernel)
{
	static const char * const names[] = { "page", "insert", "pfn", "eager", "huge" };
	const char *ko = getenv("MMDEMO_KO");
	char params[80];
	long n, slack;

	if (!ko)
		SKIP(return, "set MMDEMO_KO=path/to/mmdemo.ko to test unloading");
	give_back_pages(&n, &slack);
	if (self->capacity < (uint64_t)n * page_size)
		SKIP(return, "the device is smaller than %ld pages", n);
	ASSERT_EQ(0, current_params(params, sizeof(params)));
	close(self->fd);
	self->fd = -1;
	for (__u32 mode = MMDEMO_BACKING_PAGE; mode <= MMDEMO_BACKING_HUGE; mode++) {
		long free0, free1, free2, huge;
		char *p;
		int fd;

		if (mode == MMDEMO_BACKING_HUGE && !(self->features & MMDEMO_FEATURE_HUGE))
			continue;
		free0 = free_pages_settled();
		ASSERT_LT(0, free0);
		fd = open(DEV_PATH, O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ioctl(fd, MMDEMO_IOC_SET_BACKING, &mode));
		p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		for (long i = 0; i < n; i++)
			p[i * page_size] = 1;
		free1 = free_pages_settled();
		huge = debugfs_stat("huge_faults");
		EXPECT_LE(n - slack, free0 - free1) TH_LOG("%s: the device took %ld pages",
							   names[mode], free0 - free1);
		ASSERT_EQ(0, munmap(p, n * page_size));
		close(fd);
		ASSERT_EQ(0, unload_module());
		free2 = free_pages_settled();
		EXPECT_GE(free2, free0 - slack) TH_LOG("%s: %ld of %ld pages did not come back after rmmod",
						       names[mode], free0 - free2, n);
		ASSERT_EQ(0, load_module(ko, params));
		TH_LOG("%s: %ld pages taken, %ld given back by rmmod%s", names[mode],
		       free0 - free1, free2 - free1,
		       mode == MMDEMO_BACKING_HUGE ? (huge > 0 ? " (PMD-sized folios)" : " (single pages: no PMD-sized folio free)") : "");
	}
}

/*
 * Why the core calls ->mmap_prepare, then ->mapped: an mmap() can still
 * fail after the driver has seen it.  Every allocation on the way is made
 * to fail in turn (fail-nth), in eager mode, whose ->mapped allocates and
 * maps the device's pages: each failed mmap() leaves no VMA and nothing
 * counted, also when it failed after the VMA existed and some of its
 * pages were in; the one that succeeds is counted once.
 */
TEST_F(fresh, failed_mmap_leaves_nothing_counted)
{
	__u32 mode = MMDEMO_BACKING_EAGER;
	int before = 0, after = 0, absorbed = 0, nth, err;
	struct mmdemo_stats st0, st1;
	char *p = MAP_FAILED;
	bool met;

	nth = nth_open();
	if (nth < 0)
		SKIP(return, NTH_SKIP_MSG);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &mode));

	/*
	 * Fail the 1st, 2nd, ... allocation of mmap() until one runs to the
	 * end without reaching the nth: fail-nth then still reads non-zero.
	 * A failure that some caller absorbs reads 0 and an mmap() that
	 * worked (the XArray retries a node allocation that failed under its
	 * lock with one that may sleep; KASAN's stack depot drops a stack):
	 * the sweep goes on past it.  Each try starts from an empty device,
	 * so the pages one try allocated do not shorten the next.
	 */
	for (int i = 1; i < 1000; i++) {
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
		st0 = get_stats(self->fd);
		nth_arm(nth, i);
		p = mmap(NULL, NR_PAGES * page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, 0);
		err = errno;
		met = nth_disarm(nth);
		if (p != MAP_FAILED && !met)
			break;
		if (p != MAP_FAILED) {
			/* Absorbed, but not by the device: the mapping is whole. */
			absorbed++;
			EXPECT_EQ(1, get_stats(self->fd).mmaps) TH_LOG("fail-nth %d", i);
			EXPECT_EQ(NR_PAGES, mincore_count(p, NR_PAGES)) TH_LOG("fail-nth %d", i);
			ASSERT_EQ(0, munmap(p, NR_PAGES * page_size));
			p = MAP_FAILED;
			continue;
		}
		ASSERT_EQ(ENOMEM, err) TH_LOG("fail-nth %d", i);
		st1 = get_stats(self->fd);
		EXPECT_EQ(st0.mmaps, st1.mmaps) TH_LOG("fail-nth %d", i);
		EXPECT_EQ(st0.vmas, st1.vmas) TH_LOG("fail-nth %d", i);
		/* Pages came in: the VMA existed when it failed. */
		if (st1.pages_allocated > st0.pages_allocated)
			after++;
		else
			before++;
	}
	close(nth);
	ASSERT_NE(MAP_FAILED, p);
	TH_LOG("%d mmap() calls failed before the VMA existed, %d after; %d failures absorbed",
	       before, after, absorbed);
	EXPECT_LT(0, before);
	EXPECT_LT(0, after);
	EXPECT_EQ(1, get_stats(self->fd).mmaps);
	EXPECT_EQ(1, get_stats(self->fd).vmas);
	EXPECT_EQ(NR_PAGES, mincore_count(p, NR_PAGES));
	ASSERT_EQ(0, munmap(p, NR_PAGES * page_size));
	EXPECT_EQ(0, get_stats(self->fd).vmas);
}

MMDEMO_TEST_MAIN()
