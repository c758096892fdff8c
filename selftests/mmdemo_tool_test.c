// SPDX-License-Identifier: GPL-2.0
/*
 * Is every figure the mmdemo tool prints true?  Each TEST runs the tool
 * with --json and checks what it claims against an independent source:
 * the device's own counters (ioctl), the bytes another process reads from
 * the device, the test's own system calls, and the rusage of the tool's
 * process as wait4() reports it.
 *
 * Needs MMDEMO_TOOL=path/to/mmdemo and the module loaded; skips otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/mmdemo.h>

#include "jsonpath.h"
#include "kselftest_harness.h"

#define DEV_PATH	"/dev/mmdemo"
#define ERR_MAX		4096	/* bytes of the tool's stderr kept */

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[1 << 18];	/* stdout */
	char err[ERR_MAX];	/* stderr */
	struct rusage ru;	/* of the tool's process */
	struct jv *json;	/* stdout parsed, when it was JSON */
};

static void drain(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	/* Keep the pipe from blocking the tool if it says more. */
	while (read(fd, &(char){ 0 }, 1) > 0)
		;
}

/* Runs "$MMDEMO_TOOL ARGS..." (NULL-terminated); returns its exit status. */
static int tool(struct run *r, ...)
{
	char *argv[16] = { getenv("MMDEMO_TOOL") };
	int out[2], err[2], st, argc = 1;
	va_list ap;
	pid_t pid;

	va_start(ap, r);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	jv_free(r->json);
	memset(r, 0, sizeof(*r));
	if (pipe(out) || pipe(err))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(err[0]);
		setenv("NO_COLOR", "1", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* The tool's messages are short: stdout first is fine. */
	drain(out[0], r->out, sizeof(r->out));
	drain(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	if (wait4(pid, &st, 0, &r->ru) != pid)
		return -1;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->json = jv_parse(r->out);
	return r->status;
}

/* passes.PASS.touches.I.FIELD of a faults report */
static const struct jv *touch(const struct jv *j, int pass, int i, const char *field)
{
	char key[64];

	snprintf(key, sizeof(key), "passes.%d.touches.%d.%s", pass, i, field);
	return jv_get(j, key);
}

/* The running kernel's version as major * 1000 + minor: 7003 for 7.3.4. */
static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return major * 1000 + minor;
}

/* Whether the running kernel's mincore() sees PFN map entries (7.x). */
static bool mincore_sees_pfnmap(void)
{
	return kernel_version() >= 7000;
}

static struct mmdemo_stats stats(int fd)
{
	struct mmdemo_stats st;

	if (ioctl(fd, MMDEMO_IOC_STATS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

static int page_faults(int fd, uint64_t first, uint32_t n, uint32_t *out)
{
	struct mmdemo_page_faults *req = calloc(1, sizeof(*req) + n * sizeof(*out));
	int ret;

	if (!req)
		return -1;
	req->first_page = first;
	req->nr_pages = n;
	ret = ioctl(fd, MMDEMO_IOC_PAGE_FAULTS, req);
	memcpy(out, req->counts, n * sizeof(*out));
	free(req);
	return ret;
}

FIXTURE(tool) {
	int fd;
	size_t page_size;
	size_t huge_size;	/* what a PMD entry maps: hpage_pmd_size */
	struct run *r;
};

/* The number a sysfs or debugfs file holds, or 0 if it has none. */
static unsigned long long read_number(const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned long long v = 0;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* THP's PMD size, or what a PMD maps without THP: a page of entries. */
static size_t pmd_size(size_t page_size)
{
	unsigned long long v = read_number("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");

	return v ? v : page_size / sizeof(uint64_t) * page_size;
}

/* The kernel's fault-around window in pages, or 0 without debugfs. */
static size_t around_pages(size_t page_size)
{
	return read_number("/sys/kernel/debug/fault_around_bytes") / page_size;
}

FIXTURE_SETUP(tool)
{
	self->fd = -1;
	self->r = NULL;
	if (!getenv("MMDEMO_TOOL"))
		SKIP(return, "set MMDEMO_TOOL=path/to/mmdemo");
	self->fd = open(DEV_PATH, O_RDWR);
	if (self->fd < 0)
		SKIP(return, DEV_PATH " is absent: load mmdemo.ko first");
	self->page_size = (size_t)sysconf(_SC_PAGESIZE);
	self->huge_size = pmd_size(self->page_size);
	self->r = calloc(1, sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
}

FIXTURE_TEARDOWN(tool)
{
	if (self->r)
		jv_free(self->r->json);
	free(self->r);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The same 16 touches, 4 KiB apart, over 64 KiB: one fault per page, so
 * 16 with 4 KiB pages, 4 with 16 KiB, 1 with 64 KiB (the README's excerpt).
 */
TEST_F(tool, faults_step_makes_the_same_touches_on_every_page_size)
{
	struct run *r = self->r;
	const struct jv *j;
	size_t pages = (64 << 10) / self->page_size, per_page = 16 / pages;

	if (self->page_size > (64 << 10))
		SKIP(return, "pages larger than 64 KiB");
	ASSERT_EQ(0, tool(r, "faults", "--json", "--length", "64k", "--step", "4k", NULL))
		TH_LOG("%s", r->err);
	j = r->json;
	ASSERT_EQ(16, jv_count(jv_get(j, "passes.0.touches")));
	EXPECT_EQ(4 << 10, jv_u64(j, "mapping.step", 0));
	EXPECT_EQ(pages, jv_u64(j, "mapping.pages", 0));
	EXPECT_EQ(pages, jv_u64(j, "passes.0.device_faults", 0));
	EXPECT_EQ(pages, jv_u64(j, "passes.0.minflt", 0));
	EXPECT_EQ(0, jv_u64(j, "passes.1.device_faults", 99));
	for (size_t i = 0; i < 16; i++) {
		/* The first touch of each page faults, the others do not. */
		EXPECT_EQ(i / per_page, jv_u64(touch(j, 0, i, "page"), NULL, 99));
		EXPECT_EQ(i % per_page ? 0 : 1, jv_u64(touch(j, 0, i, "device_faults"), NULL, 99))
			TH_LOG("touch %zu", i);
	}
	EXPECT_EQ(pages, stats(self->fd).faults);
	EXPECT_EQ(2, tool(r, "faults", "--step", "3000", NULL));
	EXPECT_NE(NULL, strstr(r->err, "divides the page size")) TH_LOG("%s", r->err);
}

TEST_F(tool, faults_match_device_counters_and_rusage)
{
	struct run *r = self->r;
	const struct jv *j;
	uint64_t minflt = 0;
	uint32_t counts[9];

	ASSERT_EQ(0, tool(r, "faults", "--json", "--pages", "8", NULL)) TH_LOG("%s", r->err);
	ASSERT_NE(NULL, r->json);
	j = r->json;
	EXPECT_STREQ("faults", jv_str(j, "command", ""));
	EXPECT_EQ(8, jv_count(jv_get(j, "passes.0.touches")));

	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(i, jv_u64(touch(j, 0, i, "page"), NULL, 99));
		EXPECT_EQ(1, jv_u64(touch(j, 0, i, "device_faults"), NULL, 99));
		EXPECT_EQ(1, jv_u64(touch(j, 0, i, "minflt"), NULL, 99));
		EXPECT_FALSE(jv_bool(touch(j, 0, i, "resident_before"), NULL, true));
		EXPECT_TRUE(jv_bool(touch(j, 0, i, "resident_after"), NULL, false));
		minflt += jv_u64(touch(j, 0, i, "minflt"), NULL, 0);
		/* The second pass finds every page mapped. */
		EXPECT_EQ(0, jv_u64(touch(j, 1, i, "device_faults"), NULL, 99));
		EXPECT_EQ(0, jv_u64(touch(j, 1, i, "minflt"), NULL, 99));
		EXPECT_TRUE(jv_bool(touch(j, 1, i, "resident_before"), NULL, false));
	}
	EXPECT_EQ(8, jv_u64(j, "passes.0.device_faults", 0));
	EXPECT_EQ(0, jv_u64(j, "passes.1.device_faults", 99));

	/* The device saw exactly the faults the tool reported, page by page. */
	EXPECT_EQ(8, stats(self->fd).faults);
	EXPECT_EQ(8, stats(self->fd).pages_resident);
	ASSERT_EQ(0, page_faults(self->fd, 0, 9, counts));
	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(1, counts[i]) TH_LOG("page %d", i);
	}
	EXPECT_EQ(0, counts[8]);
	EXPECT_EQ(8, jv_u64(j, "stats.faults", 0));

	/* The kernel's own count for the whole process bounds the touches' sum. */
	EXPECT_LE(minflt, (uint64_t)r->ru.ru_minflt);
	EXPECT_EQ(0, (uint64_t)r->ru.ru_majflt);

	/* smaps' Rss agrees with the device's resident pages and with mincore. */
	EXPECT_EQ(8, jv_u64(j, "resident_pages", 0));
	EXPECT_EQ(8 * self->page_size / 1024, jv_u64(j, "smaps.rss_kb", 0));
	EXPECT_EQ(8 * self->page_size / 1024, jv_u64(j, "smaps.size_kb", 0));
}

TEST_F(tool, latency_faults_are_major_in_the_tool_and_the_kernel)
{
	struct run *r = self->r;
	uint64_t majflt = 0;

	ASSERT_EQ(0, tool(r, "faults", "--json", "--pages", "3", "--latency", "2000",
			  NULL)) TH_LOG("%s", r->err);
	EXPECT_EQ(2000, jv_u64(r->json, "latency_us", 0));
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(1, jv_u64(touch(r->json, 0, i, "majflt"), NULL, 99));
		EXPECT_EQ(0, jv_u64(touch(r->json, 0, i, "minflt"), NULL, 99));
		EXPECT_EQ(1, jv_u64(touch(r->json, 0, i, "device_faults"), NULL, 99));
		EXPECT_EQ(0, jv_u64(touch(r->json, 1, i, "majflt"), NULL, 99));
		majflt += jv_u64(touch(r->json, 0, i, "majflt"), NULL, 0);
	}
	EXPECT_LE(majflt, (uint64_t)r->ru.ru_majflt);
	EXPECT_EQ(3, stats(self->fd).faults);
	/* The tool set the latency back to 0: a new page is a minor fault. */
	ASSERT_EQ(0, tool(r, "faults", "--json", "--pages", "1", "--offset", "64k", NULL));
	EXPECT_EQ(0, jv_u64(touch(r->json, 0, 0, "majflt"), NULL, 99));
	EXPECT_EQ(1, jv_u64(touch(r->json, 0, 0, "minflt"), NULL, 99));
	/* And it refuses what the device would. */
	EXPECT_EQ(2, tool(r, "faults", "--latency", "1000001", NULL));
}

TEST_F(tool, private_writes_are_copies_the_device_never_sees)
{
	struct run *r = self->r;
	char buf[64];

	ASSERT_EQ(16, pwrite(self->fd, "device contents", 16, 0));
	ASSERT_EQ(0, tool(r, "faults", "--json", "--pages", "4", "--private", "--write",
			  NULL)) TH_LOG("%s", r->err);
	ASSERT_NE(NULL, r->json);
	EXPECT_STREQ("PRIVATE", jv_str(r->json, "mapping.flags", ""));
	EXPECT_EQ(4, jv_u64(r->json, "passes.0.device_faults", 0));
	EXPECT_EQ(4, stats(self->fd).faults);
	EXPECT_EQ(4 * self->page_size / 1024, jv_u64(r->json, "smaps.anonymous_kb", 0));
	EXPECT_EQ(4 * self->page_size / 1024, jv_u64(r->json, "smaps.private_dirty_kb", 0));
	/* The writes went to private copies: the device still has its bytes. */
	ASSERT_EQ(16, pread(self->fd, buf, 16, 0));
	EXPECT_STREQ("device contents", buf);
}

TEST_F(tool, stride_touches_exactly_the_pages_it_names)
{
	struct run *r = self->r;
	uint32_t counts[12];
	char key[48];

	ASSERT_EQ(0, tool(r, "faults", "--json", "--pages", "12", "--pattern", "stride:3",
			  NULL)) TH_LOG("%s", r->err);
	ASSERT_EQ(4, jv_count(jv_get(r->json, "passes.0.touches")));
	ASSERT_EQ(0, page_faults(self->fd, 0, 12, counts));
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "passes.0.touches.%d.page", i);
		EXPECT_EQ(3 * i, jv_u64(r->json, key, 99));
	}
	for (int i = 0; i < 12; i++) {
		EXPECT_EQ(i % 3 == 0 ? 1U : 0U, counts[i]) TH_LOG("page %d", i);
	}
	EXPECT_EQ(4, jv_u64(r->json, "resident_pages", 0));
}

TEST_F(tool, map_grid_matches_device_counters)
{
	struct run *r = self->r;
	uint32_t counts[16];
	char key[32];

	ASSERT_EQ(0, tool(r, "map", "--json", "--pages", "16", "--touch", "stride:4",
			  NULL)) TH_LOG("%s", r->err);
	EXPECT_STREQ("o...o...o...o...", jv_str(r->json, "grid", ""));
	ASSERT_EQ(0, page_faults(self->fd, 0, 16, counts));
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "page_faults.%d", i);
		EXPECT_EQ(counts[i], jv_u64(r->json, key, 99)) TH_LOG("page %d", i);
	}
	/* A second run maps afresh: pages are in the device but not mapped yet. */
	ASSERT_EQ(0, tool(r, "map", "--json", "--pages", "8", NULL));
	EXPECT_STREQ("-...-...", jv_str(r->json, "grid", ""));
}

TEST_F(tool, map_dirty_letters_match_the_device_dirty_map)
{
	struct mmdemo_dirty *req = calloc(1, sizeof(*req) + 8);
	struct run *r = self->r;
	char key[32];

	ASSERT_NE(NULL, req);
	ASSERT_EQ(0, tool(r, "map", "--json", "--pages", "8", "--clean", "--touch",
			  "stride:2", "--write", NULL)) TH_LOG("%s", r->err);
	EXPECT_STREQ("w.w.w.w.", jv_str(r->json, "grid", ""));
	req->nr_pages = 8;
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_DIRTY, req));
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "dirty.%d", i);
		EXPECT_EQ(req->dirty[i], jv_bool(r->json, key, !req->dirty[i])) TH_LOG("page %d", i);
		EXPECT_EQ(i % 2 == 0, req->dirty[i]);
	}
	free(req);
}

TEST_F(tool, modes_report_what_each_backing_does)
{
	struct run *r = self->r;
	struct mmdemo_stats before = stats(self->fd);
	uint64_t faults = 0;
	const struct jv *m;
	char key[48];

	__u32 huge = MMDEMO_BACKING_HUGE;
	bool has_huge = !ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &huge);
	int n = has_huge ? 5 : 4;

	ASSERT_EQ(0, tool(r, "modes", "--json", NULL)) TH_LOG("%s", r->err);
	m = jv_get(r->json, "modes");
	ASSERT_EQ(n, jv_count(m));
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%d.device_faults", i);
		faults += jv_u64(m, key, 0);
		snprintf(key, sizeof(key), "%d.child_device_faults", i);
		faults += jv_u64(m, key, 0);
	}
	/*
	 * The first touches and the children's touches are every fault the
	 * tool took, but for the private writes of page, insert and huge
	 * mode, which fetch their COW source through the driver (eager's
	 * comes from a PTE mmap() installed; pfn refuses MAP_PRIVATE).
	 */
	EXPECT_EQ(stats(self->fd).faults - before.faults, faults + 2 + has_huge);
	EXPECT_STREQ("page", jv_str(m, "0.backing", ""));
	EXPECT_EQ(4, jv_u64(m, "0.device_faults", 0));
	EXPECT_FALSE(jv_bool(m, "0.fork_copies_ptes", true));
	EXPECT_STREQ("mm", jv_str(m, "1.vmflags", ""));
	EXPECT_TRUE(jv_bool(m, "1.fork_copies_ptes", false));
	/* A first private write is one fault in every mode that allows it. */
	EXPECT_EQ(1, jv_u64(m, "0.private_write_minflt", 0));
	EXPECT_EQ(1, jv_u64(m, "1.private_write_minflt", 0));
	EXPECT_EQ(1, jv_u64(m, "3.private_write_minflt", 0));
	EXPECT_STREQ("pf", jv_str(m, "2.vmflags", ""));
	EXPECT_EQ(0, jv_u64(m, "2.rss_kb", 99));
	EXPECT_EQ(mincore_sees_pfnmap() ? 4 : 0, jv_u64(m, "2.mincore_resident", 99));
	EXPECT_STREQ("EFAULT", jv_str(m, "2.get_user_pages", ""));
	EXPECT_STREQ("EINVAL", jv_str(m, "2.map_private", ""));
	EXPECT_EQ(0, jv_u64(m, "3.device_faults", 99));
	EXPECT_EQ(0, jv_u64(m, "3.minflt", 99));
	EXPECT_EQ(4 * self->page_size / 1024, jv_u64(m, "3.rss_kb", 0));
	if (has_huge) {
		__u32 feat = 0;
		bool backed;

		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_FEATURES, &feat));
		backed = feat & MMDEMO_FEATURE_HUGE_PAGE_BACKED;
		/*
		 * 4 pages are less than a PMD: as page where huge entries are
		 * page-backed, else as insert; VM_HUGEPAGE either way.
		 */
		EXPECT_STREQ("huge", jv_str(m, "4.backing", ""));
		EXPECT_STREQ(backed ? "hg" : "mm hg", jv_str(m, "4.vmflags", ""));
		EXPECT_EQ(4, jv_u64(m, "4.device_faults", 0));
		EXPECT_EQ(1, jv_u64(m, "4.private_write_minflt", 0));
		EXPECT_EQ(!backed, jv_bool(m, "4.fork_copies_ptes", backed));
	}
}

TEST_F(tool, around_fault_counts_are_the_devices)
{
	struct run *r = self->r;
	const struct jv *runs;
	uint64_t w;

	ASSERT_EQ(0, tool(r, "around", "--json", NULL)) TH_LOG("%s", r->err);
	runs = jv_get(r->json, "runs");
	ASSERT_EQ(2, jv_count(runs));
	/*
	 * The tool resets the device before each run: the device's own count
	 * is the last run's, plus the first touch that made its page table.
	 */
	EXPECT_EQ(jv_u64(runs, "1.resident_faults", 0) + jv_u64(runs, "1.absent_faults", 0) + 1,
		  stats(self->fd).faults);
	EXPECT_STREQ("insert", jv_str(runs, "0.backing", ""));
	EXPECT_EQ(64, jv_u64(runs, "0.resident_faults", 0));
	EXPECT_EQ(64, jv_u64(runs, "0.absent_faults", 0));
	EXPECT_STREQ("insert+around", jv_str(runs, "1.backing", ""));
	EXPECT_EQ(64, jv_u64(runs, "1.absent_faults", 0));
	w = jv_u64(r->json, "window_pages", 0);
	if (w) {
		/* One fault per window; a mapping off a window boundary touches one more. */
		EXPECT_LE(64 / w, jv_u64(runs, "1.resident_faults", 0));
		EXPECT_GE(64 / w + 1, jv_u64(runs, "1.resident_faults", 0));
	}
}

TEST_F(tool, huge_takes_one_fault_per_pmd)
{
	struct run *r = self->r;
	__u32 huge = MMDEMO_BACKING_HUGE;
	const uint64_t pages = 2 * self->huge_size / self->page_size;
	struct mmdemo_info info;

	if (ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &huge)) {
		ASSERT_EQ(EOPNOTSUPP, errno);
		EXPECT_EQ(3, tool(r, "huge", "--json", NULL));
		EXPECT_NE(NULL, strstr(r->err, "6.12"));
		return;
	}
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &info));
	/* 64 KiB pages: two PMD entries are 1 GiB, more than the device. */
	if (info.size < 2 * self->huge_size) {
		EXPECT_EQ(3, tool(r, "huge", NULL));
		EXPECT_NE(NULL, strstr(r->err, "less than the two PMD entries")) TH_LOG("%s", r->err);
		EXPECT_NE(NULL, strstr(r->err, "mmdemo load size=")) TH_LOG("%s", r->err);
		return;
	}
	ASSERT_EQ(0, tool(r, "huge", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_TRUE(jv_bool(r->json, "aligned.pmd_aligned", false));
	EXPECT_EQ(pages, jv_u64(r->json, "aligned.pages", 0));
	EXPECT_EQ(2, jv_u64(r->json, "aligned.device_faults", 0));
	EXPECT_EQ(2, jv_u64(r->json, "aligned.minflt", 0));
	EXPECT_EQ(2, jv_u64(r->json, "aligned.consecutive_pieces", 0));	/* root reads frames */
	EXPECT_FALSE(jv_bool(r->json, "misplaced.pmd_aligned", true));
	EXPECT_EQ(pages, jv_u64(r->json, "misplaced.device_faults", 0));
	/* The device's own count of the last run (the tool reset it first). */
	EXPECT_EQ(pages, stats(self->fd).faults);
	EXPECT_EQ(pages, stats(self->fd).pages_resident);
}

/* A device smaller than two PMD entries: huge says so, and maps nothing. */
TEST_F(tool, huge_says_when_the_device_is_too_small)
{
	struct run *r = self->r;
	__u32 huge = MMDEMO_BACKING_HUGE;
	struct mmdemo_info info;
	uint64_t small;

	if (ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &huge))
		SKIP(return, "this kernel cannot do huge mode (6.12+ with THP)");
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &info));
	small = 2 * self->huge_size - self->page_size;
	if (small > info.size)
		small = info.size;
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &small));
	EXPECT_EQ(3, tool(r, "huge", NULL));
	EXPECT_NE(NULL, strstr(r->err, "less than the two PMD entries")) TH_LOG("%s", r->err);
	EXPECT_EQ(0, stats(self->fd).faults);
	EXPECT_EQ(0, stats(self->fd).pages_resident);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &info.size));
}

/* Events named @name in a trace report. */
static int events(const struct jv *j, const char *name)
{
	const struct jv *list = jv_get(j, "events");
	int n = 0;

	for (size_t i = 0; i < jv_count(list); i++) {
		char path[32];

		snprintf(path, sizeof(path), "%zu.event", i);
		n += !strcmp(jv_str(list, path, ""), name);
	}
	return n;
}

TEST_F(tool, trace_events_match_the_device_counters)
{
	struct run *r = self->r;
	struct mmdemo_stats before = stats(self->fd), after;

	if (access("/sys/kernel/tracing/events/mmdemo", F_OK))
		SKIP(return, "no mmdemo events in tracefs");
	ASSERT_EQ(0, tool(r, "trace", "--json", "--pages", "3", NULL)) TH_LOG("%s", r->err);
	after = stats(self->fd);
	/* Three first reads, and the read after the zap. */
	EXPECT_EQ(4, events(r->json, "mmdemo_fault"));
	EXPECT_EQ(after.faults - before.faults, events(r->json, "mmdemo_fault"));
	EXPECT_EQ(after.pages_allocated - before.pages_allocated,
		  events(r->json, "mmdemo_page_alloc"));
	EXPECT_EQ(1, events(r->json, "mmdemo_mkwrite"));
	EXPECT_EQ(1, events(r->json, "mmdemo_zap"));
	EXPECT_EQ(1, events(r->json, "mmdemo_vma_open"));
	EXPECT_EQ(1, events(r->json, "mmdemo_vma_close"));
}

TEST_F(tool, bench_fault_counts_are_what_each_mode_implies)
{
	struct run *r = self->r;
	const struct jv *k;

	/* Times are not checked (a benchmark asserts nothing); fault counts are. */
	ASSERT_EQ(0, tool(r, "bench", "--json", "--pages", "64", "--repeat", "1",
			  "--svg", "/tmp/mmdemo-bench.svg", NULL)) TH_LOG("%s", r->err);
	/* The chart has every row, with its faults per page. */
	{
		FILE *f = fopen("/tmp/mmdemo-bench.svg", "r");
		static char svg[16384];
		size_t n;

		ASSERT_NE(NULL, f);
		n = fread(svg, 1, sizeof(svg) - 1, f);
		fclose(f);
		svg[n] = '\0';
		EXPECT_NE(NULL, strstr(svg, ">anon pages<"));
		EXPECT_NE(NULL, strstr(svg, ">anon thp<"));
		EXPECT_NE(NULL, strstr(svg, ">dev pfn<"));
		EXPECT_NE(NULL, strstr(svg, "(1.000 faults/page)"));
		EXPECT_NE(NULL, strstr(svg, "(2.000 faults/page)"));	/* populate */
		unlink("/tmp/mmdemo-bench.svg");
	}
	k = jv_get(r->json, "kinds");
	ASSERT_EQ(12, jv_count(k));
	EXPECT_STREQ("dev populate", jv_str(k, "11.kind", ""));
	EXPECT_EQ(3, jv_count(jv_get(r->json, "throughput")));
	/*
	 * The first-touch baseline: anonymous 4 KiB pages (MADV_NOHUGEPAGE),
	 * one fault per page; THP's row beside it.
	 */
	EXPECT_STREQ("anon pages", jv_str(r->json, "first_touch_baseline", ""));
	EXPECT_STREQ("anon pages", jv_str(k, "0.kind", ""));
	EXPECT_EQ(1000, jv_u64(k, "0.first_touch_faults_x1000", 0));
	EXPECT_EQ(100, jv_u64(k, "0.first_vs_anon_x100", 0));
	EXPECT_STREQ("anon thp", jv_str(k, "1.kind", ""));
	EXPECT_STREQ("dev page", jv_str(k, "4.kind", ""));
	/* One fault per page: the driver's fault and page_mkwrite together. */
	EXPECT_EQ(1000, jv_u64(k, "4.first_touch_faults_x1000", 0));
	EXPECT_EQ(1000, jv_u64(k, "4.remap_faults_x1000", 0));
	EXPECT_EQ(1000, jv_u64(k, "4.reread_faults_x1000", 0));
	/*
	 * Installed by the driver writable for a write: one, in every mode,
	 * first touch and re-map alike.
	 */
	EXPECT_STREQ("dev insert", jv_str(k, "5.kind", ""));
	EXPECT_EQ(1000, jv_u64(k, "5.first_touch_faults_x1000", 0));
	EXPECT_EQ(1000, jv_u64(k, "5.remap_faults_x1000", 0));
	EXPECT_EQ(1000, jv_u64(k, "5.reread_faults_x1000", 0));
	EXPECT_STREQ("dev pfn", jv_str(k, "7.kind", ""));
	EXPECT_EQ(1000, jv_u64(k, "7.first_touch_faults_x1000", 0));
	EXPECT_EQ(1000, jv_u64(k, "7.remap_faults_x1000", 0));
	/*
	 * Fault-around does nothing for writes, and maps a window of
	 * resident pages per read fault (fault_around_bytes: 16 pages of
	 * 4 KiB, 4 of 16 KiB): at most two faults per window's worth of
	 * pages, even with a mapping that does not start on a window.
	 */
	EXPECT_STREQ("dev ins+ar", jv_str(k, "6.kind", ""));
	EXPECT_EQ(1000, jv_u64(k, "6.first_touch_faults_x1000", 0));
	EXPECT_STREQ("dev pfn+ar", jv_str(k, "8.kind", ""));
	if (around_pages(self->page_size) > 1) {
		EXPECT_GE(2000 / around_pages(self->page_size),
			  jv_u64(k, "6.reread_faults_x1000", 1000));
		EXPECT_GE(2000 / around_pages(self->page_size),
			  jv_u64(k, "8.reread_faults_x1000", 1000));
	}
	/* Eager: no fault to install, one to notice the write. */
	EXPECT_STREQ("dev eager", jv_str(k, "9.kind", ""));
	EXPECT_EQ(1000, jv_u64(k, "9.first_touch_faults_x1000", 0));
	/* 64 pages are less than a PMD: huge mode maps them a page at a time. */
	EXPECT_STREQ("dev huge", jv_str(k, "10.kind", ""));
	if (jv_bool(k, "10.supported", false))
		EXPECT_EQ(1000, jv_u64(k, "10.first_touch_faults_x1000", 0));
	/*
	 * MAP_POPULATE faults every page in at mmap() time, read-only in a
	 * shared mapping (the kernel's design), so each first write is one
	 * write-protect fault more: two per page.
	 */
	EXPECT_EQ(2000, jv_u64(k, "11.first_touch_faults_x1000", 0));
}

/*
 * --only threads: one thread against two for the two controls (anonymous
 * memory, memfd) and two device modes, and nothing else.
 */
TEST_F(tool, bench_only_threads_has_its_controls_and_nothing_else)
{
	static const char *const kinds[] = { "anon pages", "memfd", "dev page", "dev ins+ar" };
	struct run *r = self->r;
	const struct jv *t;

	ASSERT_EQ(0, tool(r, "bench", "--json", "--pages", "64", "--repeat", "1", "--only",
			  "threads", NULL)) TH_LOG("%s", r->err);
	t = jv_get(r->json, "threads");
	ASSERT_EQ(4, jv_count(t));
	for (int i = 0; i < 4; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%d.kind", i);
		EXPECT_STREQ(kinds[i], jv_str(t, key, ""));
		snprintf(key, sizeof(key), "%d.speedup_x100", i);
		EXPECT_LT(0, jv_u64(t, key, 0));
	}
	EXPECT_EQ(NULL, jv_get(r->json, "kinds"));
	EXPECT_EQ(NULL, jv_get(r->json, "throughput"));
}

TEST_F(tool, share_claims_match_what_other_processes_read)
{
	struct run *r = self->r;
	const struct jv *obs;
	char dev[32] = "";
	uint64_t pfn;
	size_t n;

	ASSERT_EQ(0, tool(r, "share", "--json", NULL)) TH_LOG("%s", r->err);
	ASSERT_NE(NULL, r->json);

	/* MAP_SHARED: the parent's last read is what the exec'd process wrote. */
	obs = jv_get(r->json, "shared.observations");
	n = jv_count(obs);
	ASSERT_LE(6, n);
	EXPECT_STREQ("exec", jv_str(obs, "4.who", ""));
	EXPECT_STREQ("hello from exec", jv_str(obs, "4.text", ""));
	EXPECT_STREQ("hello from exec", jv_str(obs, "5.text", ""));
	EXPECT_STREQ("hello from exec", jv_str(r->json, "shared.device_text", ""));
	/* Root sees PFNs: one page for everyone. */
	pfn = jv_u64(obs, "0.pfn", 0);
	EXPECT_NE(0, pfn);
	for (size_t i = 0; i < n; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%zu.pfn", i);
		EXPECT_EQ(pfn, jv_u64(obs, key, 0)) TH_LOG("observation %zu", i);
	}
	EXPECT_LT(0, jv_u64(r->json, "shared.smaps_with_child.shared_clean_kb", 0) +
		     jv_u64(r->json, "shared.smaps_with_child.shared_dirty_kb", 0));

	/* MAP_PRIVATE: the writer's copy has another PFN; the device is untouched. */
	obs = jv_get(r->json, "private.observations");
	EXPECT_EQ(pfn, jv_u64(obs, "0.pfn", 0));
	EXPECT_NE(pfn, jv_u64(obs, "1.pfn", pfn));
	EXPECT_NE(jv_u64(obs, "1.pfn", 0), jv_u64(obs, "3.pfn", 0));
	EXPECT_STREQ("written by write()", jv_str(obs, "4.text", ""));
	EXPECT_EQ(pfn, jv_u64(obs, "4.pfn", 0));

	/* This process reads the device itself. */
	ASSERT_LT(0, pread(self->fd, dev, sizeof(dev) - 1, 0));
	EXPECT_STREQ(dev, jv_str(r->json, "private.device_text", ""));
	EXPECT_STREQ("written by write()", dev);
}

/* Runs @write or a read of page 0 in a child, on a mapping made here. */
static int own_signal(int fd, int prot, bool write)
{
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
	int st;
	pid_t pid;

	if (p == MAP_FAILED)
		return -errno;
	pid = fork();
	if (pid == 0) {
		if (write)
			*(volatile char *)p = 1;
		else
			(void)*(volatile char *)p;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	munmap(p, len);
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

TEST_F(tool, prot_outcomes_are_what_the_kernel_does)
{
	struct run *r = self->r;
	const struct jv *cases;
	int ro;

	ASSERT_EQ(0, tool(r, "prot", "--json", NULL)) TH_LOG("%s", r->err);
	cases = jv_get(r->json, "cases");
	ASSERT_LE(9, jv_count(cases));

	EXPECT_STREQ("read-only", jv_str(cases, "0.case", ""));
	EXPECT_EQ(SIGSEGV, own_signal(self->fd, PROT_READ, true));
	EXPECT_STREQ("SIGSEGV", jv_str(cases, "0.signal", ""));
	EXPECT_STREQ("write", jv_str(cases, "0.step", ""));

	EXPECT_EQ(0, own_signal(self->fd, PROT_READ | PROT_WRITE, true));
	EXPECT_STREQ("ok", jv_str(cases, "1.outcome", ""));

	EXPECT_EQ(SIGSEGV, own_signal(self->fd, PROT_NONE, false));
	EXPECT_STREQ("none", jv_str(cases, "4.case", ""));
	EXPECT_STREQ("SIGSEGV", jv_str(cases, "4.signal", ""));

	ro = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, own_signal(ro, PROT_READ | PROT_WRITE, false));
	close(ro);
	EXPECT_STREQ("ro-fd-shared-write", jv_str(cases, "6.case", ""));
	EXPECT_STREQ("EACCES", jv_str(cases, "6.errno", ""));
	EXPECT_STREQ("mmap", jv_str(cases, "6.step", ""));
	EXPECT_STREQ("EACCES", jv_str(cases, "7.errno", ""));
	EXPECT_STREQ("mprotect", jv_str(cases, "7.step", ""));
	EXPECT_STREQ("ok", jv_str(cases, "8.outcome", ""));
}

TEST_F(tool, params_report_the_kernels_answers)
{
	struct run *r = self->r;
	char dev[16] = "";

	ASSERT_EQ(0, tool(r, "params", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_STREQ("EINVAL", jv_str(r->json, "offset.errno", ""));
	EXPECT_STREQ("EINVAL", jv_str(r->json, "flags (MAP_HUGETLB).errno", ""));
	EXPECT_EQ(2 * self->page_size, jv_u64(r->json, "length.vma_bytes", 0));
	EXPECT_TRUE(jv_bool(r->json, "addr (MAP_FIXED).placed_exactly", false));
	ASSERT_LT(0, pread(self->fd, dev, sizeof(dev) - 1, 0));
	EXPECT_STREQ(dev, jv_str(r->json, "addr (MAP_FIXED).reads_after", ""));
	EXPECT_EQ(4, jv_u64(r->json, "fd (the device).device_faults", 0));
	EXPECT_EQ(0, jv_u64(r->json, "fd (MAP_ANONYMOUS, fd -1).device_faults", 99));
	EXPECT_EQ(4 * self->page_size / 1024,
		  jv_u64(r->json, "fd (MAP_ANONYMOUS, fd -1).smaps.anonymous_kb", 0));
	EXPECT_EQ(0, jv_u64(r->json, "fd (the device).smaps.anonymous_kb", 99));
	EXPECT_EQ(self->page_size, jv_u64(r->json, "page size.page_size", 0));
}

TEST_F(tool, info_and_status_agree_with_the_ioctls)
{
	struct run *r = self->r;
	struct mmdemo_info info;

	ASSERT_EQ(8, pwrite(self->fd, "12345678", 8, 3 * self->page_size));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &info));
	ASSERT_EQ(0, tool(r, "info", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_EQ(info.size, jv_u64(r->json, "size", 0));
	EXPECT_EQ(info.page_size, jv_u64(r->json, "page_size", 0));
	EXPECT_EQ(1, jv_u64(r->json, "stats.pages_resident", 0));
	ASSERT_EQ(0, tool(r, "status", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_TRUE(jv_bool(r->json, "module.loaded", false));
	EXPECT_STREQ("live", jv_str(r->json, "module.state", ""));
	/* This test's open file holds one reference. */
	EXPECT_LE(1, jv_u64(r->json, "module.refcount", 0));
	EXPECT_EQ(stats(self->fd).pages_resident,
		  jv_u64(r->json, "device.stats.pages_resident", 99));
}

/*
 * What info says of the kernel interface, against the kernel's version:
 * mmap_prepare and ->mapped since 7.1, huge mode since 6.12 (with THP),
 * page-backed huge entries since 6.15, faults under the VMA lock since 6.7.
 */
TEST_F(tool, info_names_the_kernel_interface_of_this_kernel)
{
	struct run *r = self->r;
	int v = kernel_version();
	bool thp = !access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK);
	bool huge = thp && v >= 6012;

	ASSERT_LT(0, v);
	ASSERT_EQ(0, tool(r, "info", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_STREQ(v >= 7001 ? "mmap_prepare" : "mmap", jv_str(r->json, "mmap_hook", ""));
	EXPECT_EQ(huge, jv_bool(r->json, "huge_mode", !huge));
	EXPECT_EQ(huge && v >= 6015, jv_bool(r->json, "huge_page_backed", !(huge && v >= 6015)));
	EXPECT_EQ(v >= 6007, jv_bool(r->json, "vma_lock_faults", v < 6007));
	ASSERT_EQ(0, tool(r, "info", NULL));
	EXPECT_NE(NULL, strstr(r->out, v >= 7001 ? "f_op->mmap_prepare()" : "f_op->mmap()"));
	EXPECT_NE(NULL, strstr(r->out, !huge ? "huge mode        unavailable" :
				    v >= 6015 ? "huge mode        page-backed" :
				    "huge mode        pfn")) TH_LOG("%s", r->out);
}

/*
 * The page-size rows of the kernels x features table (README, mmdemo(4)),
 * cell by cell: the page size each kernel of the table has, known by its
 * release (Debian's arm64-16k flavour, our -mmdemo-64k build, 4 KiB for
 * every other), and what info says follows from it: a PMD entry maps a
 * page of 8-byte entries (2, 32 or 512 MiB) and the default fault-around
 * window of 64 KiB is 16, 4 or 1 pages.
 */
TEST_F(tool, info_gives_the_page_sizes_of_the_kernels_table)
{
	struct run *r = self->r;
	size_t want = 4 << 10, window = 64 << 10;
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	if (strstr(u.release, "arm64-16k"))
		want = 16 << 10;
	else if (strstr(u.release, "-64k"))
		want = 64 << 10;
	if (!strcmp(u.machine, "x86_64"))
		EXPECT_EQ(4 << 10, want);
	EXPECT_EQ(want, self->page_size) TH_LOG("%s on %s", u.release, u.machine);
	ASSERT_EQ(0, tool(r, "info", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_EQ(want, jv_u64(r->json, "page_size", 0));
	EXPECT_EQ(want / 8 * want, jv_u64(r->json, "huge_entry_size", 0));
	EXPECT_EQ(want / 8, jv_u64(r->json, "pages_per_huge_entry", 0));
	EXPECT_EQ(self->huge_size, jv_u64(r->json, "huge_entry_size", 0));
	/* The window is one page at least; null without debugfs. */
	if (jv_u64(r->json, "fault_around_bytes", 0)) {
		EXPECT_EQ(window > want ? window : want, jv_u64(r->json, "fault_around_bytes", 0));
		EXPECT_EQ(window > want ? window / want : 1,
			  jv_u64(r->json, "fault_around_pages", 0));
	}
}

/*
 * One project version: the tool, its library and the loaded module
 * (modinfo's "version:", which sysfs shows) all say the same, as do
 * --version and info.
 */
TEST_F(tool, versions_of_tool_library_and_module_agree)
{
	struct run *r = self->r;
	char modver[64] = "", line[128];
	FILE *f = fopen("/sys/module/mmdemo/version", "r");

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(modver, sizeof(modver), f));
	fclose(f);
	modver[strcspn(modver, "\n")] = 0;
	ASSERT_LT(0, strlen(modver));

	ASSERT_EQ(0, tool(r, "--version", NULL)) TH_LOG("%s", r->err);
	snprintf(line, sizeof(line), "mmdemo %s (interface version %d)\n"
		 "libmmdemo %s\nmodule %s (interface version %d)\n",
		 modver, MMDEMO_API_VERSION, modver, modver, MMDEMO_API_VERSION);
	EXPECT_STREQ(line, r->out);
	ASSERT_EQ(0, tool(r, "info", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_STREQ(modver, jv_str(r->json, "version", ""));
	EXPECT_STREQ(modver, jv_str(r->json, "library_version", ""));
	EXPECT_STREQ(modver, jv_str(r->json, "module_version", ""));
	/* The interface is what this tool needs: no warning. */
	EXPECT_STREQ("", r->err);
}

TEST_F(tool, bad_arguments_get_one_clear_line_and_status_2)
{
	struct run *r = self->r;

	EXPECT_EQ(2, tool(r, "faults", "--pages", "0", NULL));
	EXPECT_NE(NULL, strstr(r->err, "'0'"));
	EXPECT_EQ(2, tool(r, "faults", "--offset", "100", NULL));
	EXPECT_NE(NULL, strstr(r->err, "100"));
	EXPECT_EQ(2, tool(r, "faults", "--pattern", "zigzag", NULL));
	EXPECT_NE(NULL, strstr(r->err, "zigzag"));
	EXPECT_EQ(2, tool(r, "faults", "--pages", "999999", NULL));
	EXPECT_EQ(2, tool(r, "map", "--offset", "1T", NULL));
	EXPECT_EQ(2, tool(r, "nosuchcommand", NULL));
	EXPECT_NE(NULL, strstr(r->err, "nosuchcommand"));
	EXPECT_EQ(2, tool(r, "info", "--frobnicate", NULL));
	EXPECT_EQ(2, tool(r, "bench", "--repeat", "32", NULL));
	EXPECT_NE(NULL, strstr(r->err, "1 to 31"));
	EXPECT_EQ(2, tool(r, "bench", "--only", "faults,", NULL));
	EXPECT_NE(NULL, strstr(r->err, "'faults,'"));
	EXPECT_EQ(2, tool(r, "bench", "--only", "threads", "--svg", "/tmp/x.svg", NULL));
	EXPECT_NE(NULL, strstr(r->err, "--svg"));
	EXPECT_EQ(2, tool(r, NULL));
	EXPECT_EQ(0, tool(r, "faults", "--help", NULL));
	EXPECT_EQ(0, strncmp(r->out, "Usage: mmdemo faults", 20));
	EXPECT_EQ(0, tool(r, "--version", NULL));
	EXPECT_EQ(0, strncmp(r->out, "mmdemo ", 7));
}

/* Whether mmdemo.ko is installed for the running kernel (extra/), and where. */
static bool installed(char *path, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return false;
	snprintf(path, size, "/lib/modules/%s/extra/mmdemo.ko", u.release);
	return !access(path, R_OK);
}

/* Last: it unloads and reloads the module through the tool (libkmod). */
TEST_F(tool, load_and_unload_through_libkmod)
{
	const char *ko = getenv("MMDEMO_KO");
	char path[300], hidden[310] = "";
	struct run *r = self->r;
	struct utsname u;

	if (!ko)
		SKIP(return, "set MMDEMO_KO=path/to/mmdemo.ko");
	/* This test's open file pins the module: rmmod's words for that. */
	EXPECT_EQ(1, tool(r, "unload", NULL));
	EXPECT_NE(NULL, strstr(r->err, "Module is in use")) TH_LOG("%s", r->err);
	EXPECT_EQ(1, tool(r, "load", ko, NULL));
	EXPECT_NE(NULL, strstr(r->err, "already")) TH_LOG("%s", r->err);

	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, tool(r, "unload", "--json", NULL)) TH_LOG("%s", r->err);
	EXPECT_EQ(-1, access(DEV_PATH, F_OK));
	EXPECT_EQ(1, tool(r, "info", NULL));
	EXPECT_NE(NULL, strstr(r->err, "load the module"));
	EXPECT_EQ(1, tool(r, "unload", NULL));
	EXPECT_NE(NULL, strstr(r->err, "not currently loaded")) TH_LOG("%s", r->err);
	EXPECT_EQ(1, tool(r, "load", "/nonexistent/mmdemo.ko", NULL));

	/* By name, when the module is installed where libkmod looks. */
	if (installed(path, sizeof(path))) {
		EXPECT_EQ(0, tool(r, "load", "mmdemo", NULL)) TH_LOG("%s", r->err);
		EXPECT_EQ(0, access(DEV_PATH, F_OK));
		EXPECT_EQ(0, tool(r, "unload", NULL)) TH_LOG("%s", r->err);
		/* Then as on a machine where it is not installed. */
		snprintf(hidden, sizeof(hidden), "%s.hidden", path);
		ASSERT_EQ(0, rename(path, hidden));
	}
	/* Not installed: the error names this kernel and the ways to get it. */
	ASSERT_EQ(0, uname(&u));
	EXPECT_EQ(1, tool(r, "load", "mmdemo", NULL));
	EXPECT_NE(NULL, strstr(r->err, u.release)) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->err, "make install")) TH_LOG("%s", r->err);
	EXPECT_NE(NULL, strstr(r->err, "mmdemo-dkms")) TH_LOG("%s", r->err);
	if (*hidden)
		ASSERT_EQ(0, rename(hidden, path));
	EXPECT_EQ(1, tool(r, "load", "no_such_module_xyz", NULL));
	EXPECT_NE(NULL, strstr(r->err, "no_such_module_xyz")) TH_LOG("%s", r->err);

	ASSERT_EQ(0, tool(r, "load", ko, "size=1048576", NULL)) TH_LOG("%s", r->err);
	ASSERT_EQ(0, tool(r, "info", "--json", NULL));
	EXPECT_EQ(1048576, jv_u64(r->json, "size", 0));
	/* Back to the defaults for whatever runs next. */
	ASSERT_EQ(0, tool(r, "unload", NULL));
	ASSERT_EQ(0, tool(r, "load", ko, NULL)) TH_LOG("%s", r->err);
}

/* A whole file, NUL-terminated (malloc'ed), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	for (int c; m && (c = fgetc(f)) != EOF;)
		fputc(c, m);
	if (m)
		fclose(m);
	fclose(f);
	return buf;
}

/*
 * Every number a page of mmdemo draws names its place in the JSON of the
 * same run (data-json="steps.1.passes.0.device_faults" data-value="4"):
 * each must be there with that very value, and every other text of a
 * drawing must be a label (class="l").  The page must be self-contained:
 * no script, nothing to fetch.  Returns how many numbers it checked.
 */
static int check_drawn_numbers(struct __test_metadata *_metadata, const char *page,
			       const struct jv *json)
{
	const char *p = page;
	int checked = 0;

	EXPECT_EQ(NULL, strstr(page, "<script"));
	EXPECT_EQ(NULL, strstr(page, " src="));
	EXPECT_EQ(NULL, strstr(page, "<link"));
	while ((p = strstr(p, "<text "))) {
		char path[128], value[64];
		const char *end = strchr(p, '>'), *dj;
		const struct jv *v;

		if (!end)
			break;
		dj = memmem(p, end - p, "data-json=", 10);
		if (!dj || sscanf(dj, "data-json=\"%127[^\"]\" data-value=\"%63[^\"]\"", path,
				  value) != 2) {
			/* Not a measurement: then a label. */
			EXPECT_TRUE(memmem(p, end - p, "class=\"l\"", 9) != NULL)
				TH_LOG("a drawn text that is neither a label nor a measurement: %.80s", p);
			p = end;
			continue;
		}
		v = jv_get(json, path);
		EXPECT_NE(NULL, v) TH_LOG("%s is drawn but not in the run's JSON", path);
		/* What a reader sees says the same value, in decimal or hex. */
		{
			const char *close = strstr(end, "</text>");
			char hex[32];

			snprintf(hex, sizeof(hex), "%#llx", strtoull(value, NULL, 10));
			EXPECT_TRUE(close && (memmem(end, close - end, value, strlen(value)) ||
					      memmem(end, close - end, hex, strlen(hex))))
				TH_LOG("%s: the text does not show %s", path, value);
		}
		if (v && jv_type(v) == json_type_string) {
			EXPECT_STREQ(value, jv_str(v, NULL, "")) TH_LOG("%s", path);
		} else if (v) {
			EXPECT_EQ(strtoull(value, NULL, 10), jv_u64(v, NULL, ~0ULL)) TH_LOG("%s", path);
		}
		checked++;
		p = end;
	}
	return checked;
}

TEST_F(tool, tour_page_draws_the_numbers_of_its_own_run)
{
	static const char path[] = "/tmp/mmdemo-tour-test.html";
	struct run *r = self->r;
	char *page;
	int n;

	unlink(path);
	ASSERT_EQ(0, tool(r, "tour", "--html", path, "--json", NULL)) TH_LOG("%s", r->err);
	ASSERT_NE(NULL, r->json) TH_LOG("stdout is not one JSON document");
	page = slurp(path);
	ASSERT_NE(NULL, page);
	n = check_drawn_numbers(_metadata, page, r->json);
	/* Faults, grids, frames, modes, around, huge: dozens of numbers. */
	EXPECT_LE(40, n);
	/* The address space drawing names the device's mapping of this run. */
	EXPECT_NE(NULL, strstr(page, jv_str(r->json, "address_space.device_start", "none")));
	/* Every drawing has a title and a text alternative it is labelled by. */
	for (const char *p = page; (p = strstr(p, "<svg viewBox")); p++) {
		char id[96], title[120], desc[120];
		const char *a = strstr(p, "aria-labelledby=");

		ASSERT_NE(NULL, a);
		ASSERT_EQ(1, sscanf(a, "aria-labelledby=\"%95[^ \"]", id));
		snprintf(title, sizeof(title), "<title id=\"%s\">", id);
		snprintf(desc, sizeof(desc), "<desc id=\"%.*s-d\">", (int)strlen(id) - 2, id);
		EXPECT_NE(NULL, strstr(p, title)) TH_LOG("%s", id);
		EXPECT_NE(NULL, strstr(p, desc)) TH_LOG("%s", id);
	}
	free(page);
	unlink(path);
}

TEST_F(tool, report_page_draws_the_numbers_of_its_own_run)
{
	static const char path[] = "/tmp/mmdemo-report-test.html";
	struct run *r = self->r;
	char *page;

	unlink(path);
	ASSERT_EQ(0, tool(r, "report", "--html", path, "--json", "faults", "-n", "6", "--write",
			  NULL)) TH_LOG("%s", r->err);
	ASSERT_NE(NULL, r->json);
	EXPECT_EQ(6, jv_u64(r->json, "runs.0.passes.0.device_faults", 0));
	page = slurp(path);
	ASSERT_NE(NULL, page);
	/* Two passes' fault totals: 6, then 0. */
	EXPECT_EQ(2, check_drawn_numbers(_metadata, page, r->json));
	EXPECT_NE(NULL, strstr(page, "data-json=\"runs.0.passes.0.device_faults\" data-value=\"6\""));
	EXPECT_NE(NULL, strstr(page, "$ mmdemo faults -n 6 --write"));
	free(page);
	unlink(path);

	/* Where bench ran, its chart: first-touch costs of every kind it measured. */
	ASSERT_EQ(0, tool(r, "report", "--html", path, "--json", "bench", "--only", "faults",
			  "-n", "16", "-r", "1", NULL)) TH_LOG("%s", r->err);
	page = slurp(path);
	ASSERT_NE(NULL, page);
	EXPECT_LE(6, check_drawn_numbers(_metadata, page, r->json));
	EXPECT_NE(NULL, strstr(page, "data-json=\"runs.0.kinds.0.first_touch_ns\""));
	free(page);
	unlink(path);

	/* Bad use: one clear line, status 2, no page. */
	EXPECT_EQ(2, tool(r, "report", "--html", path, "watch", NULL));
	EXPECT_NE(NULL, strstr(r->err, "watch")) TH_LOG("%s", r->err);
	EXPECT_EQ(-1, access(path, F_OK));
	/* A page that cannot be written is said before the run, not after. */
	EXPECT_EQ(1, tool(r, "report", "--html", "/no-such-dir/x.html", "faults", NULL));
	EXPECT_NE(NULL, strstr(r->err, "/no-such-dir/x.html: No such file")) TH_LOG("%s", r->err);
	EXPECT_EQ(NULL, strstr(r->out, "pass 1")) TH_LOG("%s", r->out);
	EXPECT_EQ(1, tool(r, "tour", "--html", "/no-such-dir/x.html", NULL));
	EXPECT_EQ(NULL, strstr(r->out, "== 1.")) TH_LOG("%s", r->out);
}

TEST_HARNESS_MAIN
