// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests for /dev/mmdemo: each TEST asserts one exact behaviour of the
 * device's mmap, read/write and ioctl interface.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root.  The
 * unload test also needs MMDEMO_KO=path/to/mmdemo.ko to load it back.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mmdemo.h>

#include "kselftest_harness.h"

#define DEV_PATH	"/dev/mmdemo"
#define NR_PAGES	16

static size_t page_size;
/*
 * What one huge (PMD) entry maps: 2 MiB with 4 KiB pages, 32 MiB with
 * 16 KiB, 512 MiB with 64 KiB (main() asks the kernel).
 */
static size_t huge_size;
#define HUGE_SIZE	huge_size
/* Pages per huge entry: 512, 2048 or 8192. */
#define HUGE_PAGES	(huge_size / page_size)

/* Test helpers: each returns what the kernel reported, never asserts. */

static struct mmdemo_stats get_stats(int fd)
{
	struct mmdemo_stats st;

	if (ioctl(fd, MMDEMO_IOC_STATS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/*
 * Copies the value of field @key ("Rss:", "VmFlags:") of the mapping that
 * starts at @addr from /proc/self/smaps into @val.  Returns 0 or -1.
 */
static int smaps_field(void *addr, const char *key, char *val, size_t len)
{
	char line[256], want[32];
	bool in_vma = false;
	int ret = -1;
	FILE *f;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want))) {
			in_vma = true;
		} else if (in_vma && !strncmp(line, key, strlen(key))) {
			snprintf(val, len, "%s", line + strlen(key));
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Rss of the mapping that starts at @addr, in kB. */
static long smaps_rss_kb(void *addr)
{
	char val[64];
	long kb;

	if (smaps_field(addr, "Rss:", val, sizeof(val)) || sscanf(val, "%ld", &kb) != 1)
		return -1;
	return kb;
}

/* Whether the two-letter flag @flag is in the mapping's smaps VmFlags. */
static bool smaps_has_flag(void *addr, const char *flag)
{
	char val[256], *tok, *save;

	if (smaps_field(addr, "VmFlags:", val, sizeof(val)))
		return false;
	for (tok = strtok_r(val, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, flag))
			return true;
	return false;
}

/* Number of resident pages in [addr, addr + pages * page_size) per mincore(). */
static int mincore_count(void *addr, size_t pages)
{
	unsigned char *vec = malloc(pages);
	int n = 0;

	if (!vec || mincore(addr, pages * page_size, vec)) {
		free(vec);
		return -1;
	}
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

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

/* Whether the running kernel is @major.@minor or later. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * Where the core behaves differently between 6.12 and 7.3, 7.x is taken as
 * the dividing line: the kernels between them are not tested.
 */
static bool kernel_is_7x(void)
{
	return kernel_at_least(7, 0);
}

/*
 * Whether mincore() reports the entries of a VM_PFNMAP mapping.  6.12 walks
 * the page tables with walk_page_range(), which skips PFN maps (their
 * pages then read as absent); 7.3 uses walk_page_range_vma(), which does
 * not, and sees present PFN entries like any other.
 */
static bool mincore_sees_pfnmap(void)
{
	return kernel_is_7x();
}

/* Runs the access in a child; returns the signal that killed it, or 0. */
static int access_signal(volatile char *p, bool write)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* Checks every device statistic at once, so no counter escapes a test. */
#define EXPECT_STATS(fd, faults_, allocated_, resident_, vmas_, mmaps_) do {	\
	struct mmdemo_stats st_ = get_stats(fd);				\
										\
	EXPECT_EQ(faults_, st_.faults);						\
	EXPECT_EQ(allocated_, st_.pages_allocated);				\
	EXPECT_EQ(resident_, st_.pages_resident);				\
	EXPECT_EQ(vmas_, st_.vmas);						\
	EXPECT_EQ(mmaps_, st_.mmaps);						\
} while (0)

static int get_dirty(int fd, uint64_t first, uint32_t n, uint8_t *out)
{
	struct mmdemo_dirty *req = calloc(1, sizeof(*req) + n);
	int ret;

	if (!req)
		return -1;
	req->first_page = first;
	req->nr_pages = n;
	ret = ioctl(fd, MMDEMO_IOC_GET_DIRTY, req);
	if (!ret)
		memcpy(out, req->dirty, n);
	free(req);
	return ret;
}

/* The dirty map of the first @n pages as a string of '0' and '1'. */
static const char *dirty_str(int fd, uint32_t n, char *buf)
{
	uint8_t d[64];

	if (n > sizeof(d) || get_dirty(fd, 0, n, d))
		return "error";
	for (uint32_t i = 0; i < n; i++)
		buf[i] = d[i] ? '1' : '0';
	buf[n] = 0;
	return buf;
}

static int get_page_faults(int fd, uint64_t first, uint32_t n, uint32_t *out)
{
	struct mmdemo_page_faults *req;
	int ret;

	req = calloc(1, sizeof(*req) + n * sizeof(req->counts[0]));
	if (!req)
		return -1;
	req->first_page = first;
	req->nr_pages = n;
	ret = ioctl(fd, MMDEMO_IOC_PAGE_FAULTS, req);
	if (!ret)
		memcpy(out, req->counts, n * sizeof(*out));
	free(req);
	return ret;
}

/* Writes @val to the file @path; returns 0 or -errno. */
static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* Reads the first line of @path into @buf without its newline. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return -errno;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* The value of the "@key value" line of @path, or -1. */
static long long key_value(const char *path, const char *key)
{
	char line[128], k[64];
	long long val = -1, v;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", k, &v) == 2 && !strcmp(k, key))
			val = v;
	fclose(f);
	return val;
}

/* A counter of /sys/kernel/debug/mmdemo/stats, or -1. */
static long long debugfs_stat(const char *name)
{
	return key_value("/sys/kernel/debug/mmdemo/stats", name);
}

static int unload_module(void)
{
	return syscall(SYS_delete_module, "mmdemo", O_NONBLOCK) ? -errno : 0;
}

/* A module parameter as a number. */
static int read_param_u64(const char *name, uint64_t *val)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/module/mmdemo/parameters/%s", name);
	if (read_line(path, buf, sizeof(buf)))
		return -ENOENT;
	*val = strtoull(buf, NULL, 0);
	return 0;
}

/* The parameters the module runs with, as "size=... mode=..." for reloading. */
static int current_params(char *buf, size_t len)
{
	char size[32], mode[32];

	if (read_line("/sys/module/mmdemo/parameters/size", size, sizeof(size)) ||
	    read_line("/sys/module/mmdemo/parameters/mode", mode, sizeof(mode)))
		return -ENOENT;
	snprintf(buf, len, "size=%s mode=%s", size, mode);
	return 0;
}

static int load_module(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* "--poke OFFSET BYTE": run by the exec test as an unrelated process. */
static int poke_main(int argc, char **argv)
{
	off_t off;
	char *p;
	int fd;

	if (argc != 4)
		return 2;
	off = strtoll(argv[2], NULL, 0);
	fd = open(DEV_PATH, O_RDWR);
	if (fd < 0)
		return 3;
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return 4;
	memset(p, (int)strtol(argv[3], NULL, 0), page_size);
	return munmap(p, page_size) ? 5 : 0;
}

FIXTURE(mmdemo) {
	int fd;
	struct mmdemo_info info;
	size_t len;
	uint64_t capacity;	/* bytes: the size parameter */
	__u32 features;		/* MMDEMO_FEATURE_* of the running kernel */
	/* The variant's, or what this kernel does instead (see SETUP). */
	bool mincore_blind;	/* mincore() cannot see this mode's entries */
	bool mixedmap;
	bool fork_copies;
	int private_write_faults;
};

/*
 * Every test runs in each backing mode, with what the kernel does
 * differently in each written down here and asserted by the tests.
 */
FIXTURE_VARIANT(mmdemo) {
	__u32 backing;
	bool eager;		/* mmap() installs every page: no faults */
	bool pfn;		/* special PTEs: no Rss, no GUP, no MAP_PRIVATE */
	bool fork_copies;	/* VM_MIXEDMAP/VM_PFNMAP: fork copies the PTEs */
	int private_write_faults;	/* minor faults of a first private write */
};

FIXTURE_VARIANT_ADD(mmdemo, page) {
	.backing = MMDEMO_BACKING_PAGE,
	.private_write_faults = 1,	/* the core copies in the same fault */
};

FIXTURE_VARIANT_ADD(mmdemo, insert) {
	.backing = MMDEMO_BACKING_INSERT,
	.fork_copies = true,
	.private_write_faults = 2,	/* read-only insert, then COW */
};

FIXTURE_VARIANT_ADD(mmdemo, pfn) {
	.backing = MMDEMO_BACKING_PFN,
	.pfn = true,
	.fork_copies = true,
};

FIXTURE_VARIANT_ADD(mmdemo, eager) {
	.backing = MMDEMO_BACKING_EAGER,
	.eager = true,
	.fork_copies = true,
	.private_write_faults = 1,	/* the COW of a read-only PTE */
};

/*
 * Mappings here are smaller than a PMD: huge mode maps them as insert
 * where its PMD entries are special PFN entries (6.12: VM_MIXEDMAP), and
 * as page mode where they are page-backed (6.15+: the VMA must not be
 * VM_MIXEDMAP; see FIXTURE_SETUP).
 */
FIXTURE_VARIANT_ADD(mmdemo, huge) {
	.backing = MMDEMO_BACKING_HUGE,
	.fork_copies = true,
	.private_write_faults = 2,
};

FIXTURE_SETUP(mmdemo)
{
	self->fd = open(DEV_PATH, O_RDWR);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO || errno == ENODEV))
		SKIP(return, DEV_PATH " is absent: load mmdemo.ko first");
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", DEV_PATH, strerror(errno));
	/* Every test starts from an empty device at its full size. */
	ASSERT_EQ(0, read_param_u64("size", &self->capacity));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &(uint32_t){ 0 }));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &self->info));
	ASSERT_EQ(MMDEMO_API_VERSION, self->info.version);
	ASSERT_EQ(page_size, self->info.page_size);
	ASSERT_LE(NR_PAGES * page_size, self->info.size);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_FEATURES, &self->features));
	self->mixedmap = variant->backing == MMDEMO_BACKING_INSERT || variant->eager ||
			 variant->backing == MMDEMO_BACKING_HUGE;
	self->mincore_blind = variant->pfn && !mincore_sees_pfnmap();
	self->fork_copies = variant->fork_copies;
	self->private_write_faults = variant->private_write_faults;
	if (variant->backing == MMDEMO_BACKING_HUGE &&
	    (self->features & MMDEMO_FEATURE_HUGE_PAGE_BACKED)) {
		self->mixedmap = false;
		self->fork_copies = false;
		self->private_write_faults = 1;
	}
	if (ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &variant->backing) && errno == EOPNOTSUPP) {
		EXPECT_FALSE(self->features & MMDEMO_FEATURE_HUGE);
		SKIP(return, "this kernel cannot do huge mode (6.12+ with THP)");
	}
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &variant->backing));
	self->len = NR_PAGES * page_size;
}

FIXTURE_TEARDOWN(mmdemo)
{
	if (self->fd >= 0)
		close(self->fd);
}

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

/* The "Key:   N kB" line of a /proc file such as meminfo or status, in kB. */
static long proc_kb(const char *path, const char *key)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			kb = strtol(line + strlen(key) + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

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

TEST_F(mmdemo, mmap_write_is_seen_by_read)
{
	char buf[64];
	char *p;

	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p + 2 * page_size + 10, "written through the mapping");

	ASSERT_EQ(sizeof(buf), pread(self->fd, buf, sizeof(buf), 2 * page_size + 10));
	EXPECT_STREQ("written through the mapping", buf);
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, write_is_seen_through_mapping)
{
	static const char msg[] = "written by write()";
	char *p;

	/* Crosses a page boundary on purpose. */
	ASSERT_EQ(sizeof(msg), pwrite(self->fd, msg, sizeof(msg), 2 * page_size - 5));
	EXPECT_STATS(self->fd, 0, 2, 2, 0, 0);

	p = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ(msg, p + 2 * page_size - 5);
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, read_of_untouched_page_is_zero_and_allocates_nothing)
{
	char buf[256];

	memset(buf, 0xaa, sizeof(buf));
	ASSERT_EQ(sizeof(buf), pread(self->fd, buf, sizeof(buf), 5 * page_size));
	for (size_t i = 0; i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]);
	EXPECT_EQ(0, get_stats(self->fd).pages_allocated);
}

TEST_F(mmdemo, read_write_and_seek_at_device_end)
{
	char c = 1;

	EXPECT_EQ((off_t)self->info.size, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(0, read(self->fd, &c, 1));
	EXPECT_EQ(-1, write(self->fd, &c, 1));
	EXPECT_EQ(ENOSPC, errno);
	/* A write that straddles the end is cut short, not refused. */
	EXPECT_EQ(1, pwrite(self->fd, "ab", 2, self->info.size - 1));
	EXPECT_EQ(-1, lseek(self->fd, self->info.size + 1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(mmdemo, shared_write_by_forked_child_is_seen)
{
	char *p;
	int status;
	pid_t pid;

	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		memset(p + page_size, 0x5a, page_size);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	for (size_t i = 0; i < page_size; i++)
		ASSERT_EQ(0x5a, (unsigned char)p[page_size + i]);
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, shared_write_by_exec_process_is_seen)
{
	char off[32];
	char *p;
	int status;
	pid_t pid;

	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	snprintf(off, sizeof(off), "%zu", 4 * page_size);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl("/proc/self/exe", "mmdemo_test", "--poke", off, "0xc3", NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	for (size_t i = 0; i < page_size; i++)
		ASSERT_EQ(0xc3, (unsigned char)p[4 * page_size + i]);
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, private_write_is_copied_not_shared)
{
	char *priv, *shared, buf[8];

	ASSERT_EQ(8, pwrite(self->fd, "device!", 8, 0));
	priv = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	if (variant->pfn) {
		/* No struct page for the core, so nothing to copy from. */
		EXPECT_EQ(MAP_FAILED, priv);
		EXPECT_EQ(EINVAL, errno);
		return;
	}
	ASSERT_NE(MAP_FAILED, priv);
	shared = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, shared);

	/* Reads show the device's data... */
	EXPECT_STREQ("device!", priv);
	/* ...a write makes a private copy that nobody else sees. */
	strcpy(priv, "private");
	EXPECT_STREQ("private", priv);
	EXPECT_STREQ("device!", shared);
	ASSERT_EQ(8, pread(self->fd, buf, 8, 0));
	EXPECT_STREQ("device!", buf);
	/* A private write to an untouched page still faults the device page in. */
	priv[3 * page_size] = 1;
	EXPECT_EQ(0, shared[3 * page_size]);

	ASSERT_EQ(0, munmap(priv, self->len));
	ASSERT_EQ(0, munmap(shared, self->len));
}

TEST_F(mmdemo, prot_read_mapping_refuses_writes)
{
	char *p;

	p = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, access_signal(p, false));
	EXPECT_EQ(SIGSEGV, access_signal(p, true));
	EXPECT_EQ(variant->eager ? 0 : 1, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, prot_none_refuses_reads_until_mprotect)
{
	char *p;

	p = mmap(NULL, self->len, PROT_NONE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(SIGSEGV, access_signal(p, false));
	/* The kernel refused the access itself: the device never saw it. */
	EXPECT_EQ(0, get_stats(self->fd).faults);

	ASSERT_EQ(0, mprotect(p, self->len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, access_signal(p, true));
	p[0] = 'x';
	EXPECT_EQ('x', p[0]);
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, read_only_fd_cannot_map_shared_writable)
{
	int ro = open(DEV_PATH, O_RDONLY);
	char *p;

	ASSERT_LE(0, ro);
	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);

	p = mmap(NULL, self->len, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, self->len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, access_signal(p, true));
	ASSERT_EQ(0, munmap(p, self->len));

	/* Reset destroys data, so it needs a writable fd too. */
	EXPECT_EQ(-1, ioctl(ro, MMDEMO_IOC_RESET));
	EXPECT_EQ(EBADF, errno);
	close(ro);
}

TEST_F(mmdemo, bad_offsets_and_lengths_are_refused)
{
	size_t dev_pages = self->info.size / page_size;
	char *p;

	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd, 100);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);

	/* Starts inside, ends past the end. */
	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, self->fd,
		 self->info.size - page_size);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);

	/* Starts at the end. */
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd, self->info.size);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);

	/* An offset so large that offset + length wraps around. */
	/* The largest page offset this ABI can pass (mmap2 on 32-bit). */
	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, self->fd,
		 sizeof(long) == 8 ? INT64_MAX & ~(off_t)(page_size - 1) :
				     (off_t)UINT32_MAX * (off_t)page_size);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENXIO, errno);

	/* The last page exactly is fine. */
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd,
		 (dev_pages - 1) * page_size);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, *p);
	ASSERT_EQ(0, munmap(p, page_size));
}

TEST_F(mmdemo, mapping_is_dontexpand_and_dontdump)
{
	char *p;

	p = mmap(NULL, self->len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(smaps_has_flag(p, "de"));	/* VM_DONTEXPAND */
	EXPECT_TRUE(smaps_has_flag(p, "dd"));	/* VM_DONTDUMP */
	EXPECT_TRUE(smaps_has_flag(p, "sh"));	/* VM_SHARED */
	EXPECT_EQ(variant->pfn, smaps_has_flag(p, "pf"));	/* VM_PFNMAP */
	EXPECT_EQ(self->mixedmap, smaps_has_flag(p, "mm"));	/* VM_MIXEDMAP */
	EXPECT_EQ(variant->backing == MMDEMO_BACKING_HUGE,
		  smaps_has_flag(p, "hg"));	/* VM_HUGEPAGE */
	ASSERT_EQ(0, munmap(p, self->len));
}

TEST_F(mmdemo, fork_copies_ptes_only_of_mixed_and_pfn_maps)
{
	int status, want = self->fork_copies ? 0 : 1;
	volatile char *p;
	pid_t pid;

	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	(void)p[0];
	/*
	 * A shared page-backed mapping is refaulted in the child; the core
	 * cannot refault VM_MIXEDMAP/VM_PFNMAP, so fork copies their PTEs.
	 * The child's device-fault count for page 0 tells which happened
	 * (mincore() cannot: it does not see PFN maps).
	 */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t before = get_stats(self->fd).faults;

		(void)p[0];
		_exit((int)(get_stats(self->fd).faults - before));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(want, WEXITSTATUS(status));
	ASSERT_EQ(0, munmap((void *)p, 2 * page_size));
}

/*
 * O_DIRECT moves data between a block device and the user buffer itself,
 * pinning the buffer's pages: a device mapping can be that buffer, except
 * a PFN map, which has no pages to pin.  A read into a shared mapping is a
 * write through it, so the device sees the page dirty.
 */
TEST_F(mmdemo, o_direct_works_on_mappings_with_pages)
{
	char *p, *buf, back[8] = "";
	uint8_t dirty = 9;
	ssize_t n;
	int bd;

	bd = open("/dev/ram0", O_RDWR | O_DIRECT);
	if (bd < 0)
		SKIP(return, "no /dev/ram0 (brd) to do O_DIRECT with");
	ASSERT_EQ(0, posix_memalign((void **)&buf, page_size, page_size));
	memset(buf, 0, page_size);
	strcpy(buf, "from the disk");
	ASSERT_EQ((ssize_t)page_size, pwrite(bd, buf, page_size, 0));

	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_CLEAN));
	/* Disk -> mapping. */
	n = pread(bd, p, page_size, 0);
	if (variant->pfn) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
	} else {
		EXPECT_EQ((ssize_t)page_size, n);
		ASSERT_EQ(8, pread(self->fd, back, 8, 0));
		EXPECT_EQ(0, memcmp(back, "from the", 8));
		ASSERT_EQ(0, get_dirty(self->fd, 0, 1, &dirty));
		EXPECT_EQ(1, dirty);
	}
	/* Mapping -> disk. */
	strcpy(p, "from the device");
	n = pwrite(bd, p, page_size, page_size);
	if (variant->pfn) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
	} else {
		EXPECT_EQ((ssize_t)page_size, n);
		ASSERT_EQ((ssize_t)page_size, pread(bd, buf, page_size, page_size));
		EXPECT_STREQ("from the device", buf);
	}
	ASSERT_EQ(0, munmap(p, page_size));
	free(buf);
	close(bd);
}

TEST_F(mmdemo, get_user_pages_fails_only_on_pfn_maps)
{
	char buf[8] = "";
	struct iovec local = { buf, 4 }, remote;
	ssize_t n;
	char *p;
	int mem;

	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "gup");
	remote = (struct iovec){ p, 4 };
	/* process_vm_readv() pins the pages with get_user_pages(). */
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && errno == ENOSYS)
		SKIP(goto out, "needs CONFIG_CROSS_MEMORY_ATTACH");
	if (variant->pfn) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
	} else {
		EXPECT_EQ(4, n);
		EXPECT_STREQ("gup", buf);
	}
	/* /proc/PID/mem falls back to the .access handler of a PFN map. */
	mem = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, mem);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(4, pread(mem, buf, 4, (off_t)(uintptr_t)p));
	EXPECT_STREQ("gup", buf);
	EXPECT_EQ(4, pwrite(mem, "GUP", 4, (off_t)(uintptr_t)p));
	EXPECT_STREQ("GUP", p);
	close(mem);
out:
	ASSERT_EQ(0, munmap(p, page_size));
}

TEST_F(mmdemo, first_private_write_costs_what_the_mode_implies)
{
	struct rusage r0, r1;
	volatile char *p;

	if (variant->pfn)
		SKIP(return, "PFN maps refuse MAP_PRIVATE");
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r0);
	p[0] = 1;
	getrusage(RUSAGE_SELF, &r1);
	EXPECT_EQ(self->private_write_faults, r1.ru_minflt - r0.ru_minflt);
	EXPECT_EQ(variant->eager ? 0 : 1, get_stats(self->fd).faults);
	ASSERT_EQ(0, munmap((void *)p, page_size));
}

/* Minor faults taken by this process since @r0. */
static long minflt_since(const struct rusage *r0)
{
	struct rusage r1;

	getrusage(RUSAGE_SELF, &r1);
	return r1.ru_minflt - r0->ru_minflt;
}

/*
 * A first write through a shared mapping costs one fault in every mode:
 * the handler installs a writable entry and records the page dirty at
 * once, rather than a read-only entry and then a write-protect fault.
 * Eager mode's pages are there before any touch, read-only, so it starts
 * after a zap.  The dirty map stays exact, and a write after a clean, or
 * after a read, still costs exactly one fault more.
 */
TEST_F(mmdemo, first_shared_write_costs_one_fault_and_dirties_the_page)
{
	const int n = 8;
	struct rusage r0;
	char *p, buf[16];
	uint64_t faults;

	p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	if (variant->eager)
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
	getrusage(RUSAGE_SELF, &r0);
	getrusage(RUSAGE_SELF, &r0);
	for (int i = 0; i < n; i++)
		p[i * page_size] = (char)('a' + i);
	EXPECT_EQ(n, minflt_since(&r0));
	EXPECT_EQ(n, get_stats(self->fd).faults);
	EXPECT_STREQ("11111111", dirty_str(self->fd, n, buf));
	ASSERT_EQ(1, pread(self->fd, buf, 1, 3 * page_size));
	EXPECT_EQ('d', buf[0]);

	/* A clean write-protects them all: one fault each again. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_CLEAN));
	EXPECT_STREQ("00000000", dirty_str(self->fd, n, buf));
	faults = get_stats(self->fd).faults;
	getrusage(RUSAGE_SELF, &r0);
	for (int i = 0; i < n; i += 2)
		p[i * page_size] = 'x';
	EXPECT_EQ(n / 2, minflt_since(&r0));
	EXPECT_STREQ("10101010", dirty_str(self->fd, n, buf));

	/* Read first, then write: the read's fault, then a write-protect fault. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_CLEAN));
	getrusage(RUSAGE_SELF, &r0);
	for (int i = 0; i < n; i++)
		(void)*(volatile char *)(p + i * page_size);
	EXPECT_EQ(n, minflt_since(&r0));
	EXPECT_STREQ("00000000", dirty_str(self->fd, n, buf));
	getrusage(RUSAGE_SELF, &r0);
	p[5 * page_size] = 'y';
	EXPECT_EQ(1, minflt_since(&r0));
	EXPECT_STREQ("00000100", dirty_str(self->fd, n, buf));
	/* ->page_mkwrite and ->pfn_mkwrite are not faults the device serves. */
	EXPECT_EQ(faults + n / 2 + n, get_stats(self->fd).faults);
	EXPECT_EQ('x', p[2 * page_size]);
	EXPECT_EQ('y', p[5 * page_size]);
	ASSERT_EQ(0, munmap(p, n * page_size));
}

TEST_F(mmdemo, backing_is_per_file_and_checked)
{
	__u32 b = 99;
	int other;

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_BACKING, &b));
	EXPECT_EQ(variant->backing, b);
	/* Another open starts from the module's default, not from ours. */
	other = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioctl(other, MMDEMO_IOC_GET_BACKING, &b));
	EXPECT_EQ(MMDEMO_BACKING_PAGE, b);
	close(other);
	b = MMDEMO_BACKING_HUGE + 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &b));
	EXPECT_EQ(EINVAL, errno);
	/* Page mode cannot fault around; no flag but that one exists. */
	b = MMDEMO_BACKING_PAGE | MMDEMO_BACKING_FAULT_AROUND;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &b));
	EXPECT_EQ(EINVAL, errno);
	b = MMDEMO_BACKING_INSERT | 0x200;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &b));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_BACKING, &b));
	EXPECT_EQ(variant->backing, b);
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(mmdemo, mremap_cannot_grow_a_mapping)
{
	char *p, *q;

	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	q = mremap(p, 2 * page_size, 4 * page_size, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, q);
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, munmap(p, 2 * page_size));
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

TEST_F(mmdemo, bad_ioctls_are_refused)
{
	struct mmdemo_page_faults req = { .first_page = 0, .nr_pages = 1 };
	size_t dev_pages = self->info.size / page_size;
	struct mmdemo_page_faults *edge;
	struct mmdemo_dirty dirty;
	char *guard;

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, _IO(MMDEMO_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	/* Right number, wrong size: a different command. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(MMDEMO_IOC_MAGIC, 0x00, __u32), &req));
	EXPECT_EQ(ENOTTY, errno);

	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_STATS, (void *)8));
	EXPECT_EQ(EFAULT, errno);

	req.nr_pages = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, &req));
	EXPECT_EQ(EINVAL, errno);
	req.nr_pages = 1;
	req.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, &req));
	EXPECT_EQ(EINVAL, errno);
	req.pad = 0;
	req.first_page = dev_pages;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, &req));
	EXPECT_EQ(EINVAL, errno);
	req.first_page = dev_pages - 1;
	req.nr_pages = 2;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, &req));
	EXPECT_EQ(EINVAL, errno);
	req.first_page = UINT64_MAX;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, &req));
	EXPECT_EQ(EINVAL, errno);

	/* GET_DIRTY checks its range the same way. */
	dirty = (struct mmdemo_dirty){ .first_page = 0, .nr_pages = 0 };
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_GET_DIRTY, &dirty));
	EXPECT_EQ(EINVAL, errno);
	dirty.nr_pages = 1;
	dirty.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_GET_DIRTY, &dirty));
	EXPECT_EQ(EINVAL, errno);
	dirty.pad = 0;
	dirty.first_page = dev_pages;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_GET_DIRTY, &dirty));
	EXPECT_EQ(EINVAL, errno);

	/* A header that is readable but whose counts run into a hole. */
	guard = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, guard);
	ASSERT_EQ(0, mprotect(guard + page_size, page_size, PROT_NONE));
	edge = (void *)(guard + page_size - sizeof(req));
	*edge = (struct mmdemo_page_faults){ .first_page = 0, .nr_pages = 4 };
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, edge));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, munmap(guard, 2 * page_size));
}

TEST_F(mmdemo, reset_is_busy_while_mapped_then_zeroes_stats)
{
	uint32_t count;
	char *p;

	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[page_size] = 2;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_RESET));
	EXPECT_EQ(EBUSY, errno);
	/* Refused means nothing happened. */
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(variant->eager ? NR_PAGES : 2, get_stats(self->fd).pages_resident);
	ASSERT_EQ(0, munmap(p, self->len));

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
	EXPECT_STATS(self->fd, 0, 0, 0, 0, 0);
	ASSERT_EQ(0, get_page_faults(self->fd, 0, 1, &count));
	EXPECT_EQ(0, count);
	/* And the memory is zero again. */
	ASSERT_EQ(1, pread(self->fd, &count, 1, 0));
	EXPECT_EQ(0, (char)count);
}

TEST_F(mmdemo, zap_unmaps_every_mapping_and_keeps_the_data)
{
	/*
	 * PTEs the child has before the zap: its own page 1, plus what fork
	 * copied (page 0 for MIXEDMAP/PFNMAP, everything when eager); none
	 * that mincore() can see in a PFN map before 7.x.
	 */
	int child_present = self->mincore_blind ? 0 : variant->eager ? 4 :
			    self->fork_copies ? 2 : 1;
	int fd2, ready[2], go[2], status;
	char *p, *q, c;
	pid_t pid;

	/* A second open: another struct file, the same address_space. */
	fd2 = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ioctl(fd2, MMDEMO_IOC_SET_BACKING, &variant->backing));
	p = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	q = mmap(NULL, 4 * page_size, PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, q);
	strcpy(p, "kept");
	EXPECT_STREQ("kept", q);
	EXPECT_EQ(variant->eager ? 0 : 2, get_stats(self->fd).faults);

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* A process of its own, with its own PTE for page 1. */
		(void)*(volatile char *)(q + page_size);
		if (mincore_count(q, 4) != child_present || write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(2);
		/* After the zap: no PTE left, and the data comes back by fault. */
		_exit(mincore_count(q, 4) == 0 && !strcmp(q, "kept") ? 0 : 1);
	}
	/* Only the child's ends stay open: its death cannot leave us waiting. */
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("the child saw the wrong PTEs");
	EXPECT_EQ(variant->eager ? 0 : 3, get_stats(self->fd).faults);

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
	EXPECT_EQ(0, mincore_count(p, 4));
	EXPECT_EQ(0, mincore_count(q, 4));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("the child still had PTEs or lost the data");

	/* Each mapping faults again: the child's read, then these two. */
	EXPECT_STREQ("kept", p);
	EXPECT_STREQ("kept", q);
	if (variant->eager)
		EXPECT_STATS(self->fd, 3, 4, 4, 2, 2);
	else
		EXPECT_STATS(self->fd, 6, 2, 2, 2, 2);
	ASSERT_EQ(0, munmap(p, 4 * page_size));
	ASSERT_EQ(0, munmap(q, 4 * page_size));
	close(fd2);
	close(ready[0]);
	close(go[1]);
}

TEST_F(mmdemo, writes_through_mappings_are_tracked_until_clean)
{
	char *p, *priv, buf[16];
	int status;
	pid_t pid;

	p = mmap(NULL, 8 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (int i = 0; i < 8; i++)
		(void)*(volatile char *)(p + i * page_size);
	EXPECT_STREQ("00000000", dirty_str(self->fd, 8, buf)) TH_LOG("reads dirty nothing");

	p[1 * page_size] = 1;
	p[5 * page_size] = 1;
	/* write(2) is not a write through a mapping. */
	ASSERT_EQ(1, pwrite(self->fd, "w", 1, 6 * page_size));
	EXPECT_STREQ("01000100", dirty_str(self->fd, 8, buf));

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_CLEAN));
	EXPECT_STREQ("00000000", dirty_str(self->fd, 8, buf));
	/* The pages were write-protected again: the next write is seen... */
	p[5 * page_size] = 2;
	/* ...also from another process... */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		p[7 * page_size] = 3;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* ...but not a private copy's. */
	if (!variant->pfn) {
		priv = mmap(NULL, 8 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
		ASSERT_NE(MAP_FAILED, priv);
		priv[2 * page_size] = 4;
		ASSERT_EQ(0, munmap(priv, 8 * page_size));
	}
	EXPECT_STREQ("00000101", dirty_str(self->fd, 8, buf));
	/* And the data is all there. */
	EXPECT_EQ(1, p[page_size]);
	EXPECT_EQ(2, p[5 * page_size]);
	EXPECT_EQ(3, p[7 * page_size]);
	EXPECT_EQ(0, p[2 * page_size]);
	ASSERT_EQ(0, munmap(p, 8 * page_size));
}

/*
 * fsync(2), fdatasync(2) and msync(MS_SYNC) tell the device that the pages
 * written through mappings have reached it, as a framebuffer driver reads
 * them: the pages in the range are clean afterwards, keep their data, and
 * the next write through a mapping is noticed again.  MS_ASYNC does
 * nothing, as on any file since 2.6.19.
 */
TEST_F(mmdemo, fsync_and_msync_clean_the_pages_they_cover)
{
	char *p, buf[16];

	p = mmap(NULL, 8 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (int i = 0; i < 8; i++)
		p[i * page_size] = 1;
	EXPECT_STREQ("11111111", dirty_str(self->fd, 8, buf));
	EXPECT_EQ(0, msync(p, 8 * page_size, MS_ASYNC));
	EXPECT_STREQ("11111111", dirty_str(self->fd, 8, buf));
	EXPECT_EQ(0, msync(p + 2 * page_size, 2 * page_size, MS_SYNC));
	EXPECT_STREQ("11001111", dirty_str(self->fd, 8, buf));
	EXPECT_EQ(0, fdatasync(self->fd));
	EXPECT_STREQ("00000000", dirty_str(self->fd, 8, buf));
	p[5 * page_size] = 2;
	EXPECT_STREQ("00000100", dirty_str(self->fd, 8, buf));
	EXPECT_EQ(0, fsync(self->fd));
	EXPECT_STREQ("00000000", dirty_str(self->fd, 8, buf));
	EXPECT_EQ(1, p[2 * page_size]);
	EXPECT_EQ(2, p[5 * page_size]);
	ASSERT_EQ(0, munmap(p, 8 * page_size));
}

/*
 * Every system call a program may reasonably make on the device or on a
 * shared mapping of it, each with its outcome in this mode: it works, with
 * the meaning checked where it has one, or it fails with the errno its man
 * page gives for the case.  A call returns 0, -errno, or CALL_WRONG when
 * it worked but did not do what it means.
 */
#define CALL_WRONG	1000
#define SYSOK(expr)	((expr) < 0 ? -errno : 0)

struct call_env {
	int fd;
	char *map;		/* NR_PAGES, MAP_SHARED, read-write */
	size_t len;
	uint64_t size;		/* of the device, in bytes */
};

static int call_fsync(struct call_env *e, long datasync)
{
	return SYSOK(datasync ? fdatasync(e->fd) : fsync(e->fd));
}

static int call_msync(struct call_env *e, long flags)
{
	return SYSOK(msync(e->map, e->len, flags));
}

enum { LOCK, UNLOCK, LOCK_ONFAULT };

static int call_mlock(struct call_env *e, long how)
{
	int ret;

	if (how == UNLOCK)
		return SYSOK(munlock(e->map, e->len));
	ret = SYSOK(how == LOCK ? mlock(e->map, e->len) :
		    mlock2(e->map, e->len, MLOCK_ONFAULT));
	if (how == LOCK_ONFAULT)
		munlock(e->map, e->len);
	return ret;
}

static int call_madvise(struct call_env *e, long advice)
{
	return SYSOK(madvise(e->map, e->len, advice));
}

static int call_poll(struct call_env *e, long unused)
{
	struct pollfd pfd = { .fd = e->fd, .events = POLLIN | POLLOUT };

	/* No ->poll: always ready, as a regular file is. */
	if (poll(&pfd, 1, 0) != 1)
		return -errno;
	return pfd.revents == (POLLIN | POLLOUT) ? 0 : CALL_WRONG;
}

/* splice(2) and sendfile(2) out of the device copy what the mapping holds. */
static int call_splice_out(struct call_env *e, long sendfile_it)
{
	char buf[32] = "";
	int p[2], ret = 0;
	off_t off = page_size;
	ssize_t n;

	strcpy(e->map + page_size, sendfile_it ? "sent by sendfile" : "spliced out");
	if (pipe(p))
		return -errno;
	if (sendfile_it)
		n = sendfile(p[1], e->fd, &off, sizeof(buf));
	else
		n = splice(e->fd, &off, p[1], NULL, sizeof(buf), 0);
	if (n < 0)
		ret = -errno;
	else if (n != sizeof(buf) || read(p[0], buf, sizeof(buf)) != sizeof(buf) ||
		 strcmp(buf, e->map + page_size))
		ret = CALL_WRONG;
	close(p[0]);
	close(p[1]);
	return ret;
}

static int call_splice_in(struct call_env *e, long unused)
{
	static const char msg[] = "spliced in";
	loff_t off = 2 * page_size;
	int p[2], ret = 0;
	ssize_t n;

	if (pipe(p))
		return -errno;
	if (write(p[1], msg, sizeof(msg)) != sizeof(msg)) {
		ret = -EIO;
	} else {
		n = splice(p[0], NULL, e->fd, &off, sizeof(msg), 0);
		if (n < 0)
			ret = -errno;
		else if (n != sizeof(msg) || strcmp(e->map + 2 * page_size, msg))
			ret = CALL_WRONG;
	}
	close(p[0]);
	close(p[1]);
	return ret;
}

/* Seeks to page 2, one page on from there, or one page before the end. */
static int call_lseek(struct call_env *e, long whence)
{
	const off_t ps = page_size;	/* signed, also where size_t has 32 bits */
	off_t off = whence == SEEK_END ? -ps : whence == SEEK_SET ? 2 * ps : ps;
	off_t want = whence == SEEK_END ? (off_t)e->size - ps : whence == SEEK_CUR ? 3 * ps : off;
	off_t got;

	if (whence == SEEK_CUR && lseek(e->fd, 2 * ps, SEEK_SET) < 0)
		return -errno;
	got = lseek(e->fd, off, whence);
	if (got < 0)
		return -errno;
	return got == want ? 0 : CALL_WRONG;
}

enum { BEFORE_START, PAST_END, DATA, HOLE, NO_WHENCE };

static int call_lseek_bad(struct call_env *e, long how)
{
	off_t got = how == BEFORE_START ? lseek(e->fd, -1, SEEK_SET) :
		    how == PAST_END ? lseek(e->fd, e->size + 1, SEEK_SET) :
		    how == DATA ? lseek(e->fd, 0, SEEK_DATA) :
		    how == HOLE ? lseek(e->fd, 0, SEEK_HOLE) : lseek(e->fd, 0, 42);

	return got < 0 ? -errno : CALL_WRONG;
}

static int call_fstat(struct call_env *e, long unused)
{
	struct stat st;

	if (fstat(e->fd, &st))
		return -errno;
	return S_ISCHR(st.st_mode) && st.st_size == 0 ? 0 : CALL_WRONG;
}

static int call_mincore(struct call_env *e, long unused)
{
	unsigned char vec[NR_PAGES];

	return SYSOK(mincore(e->map, e->len, vec));
}

static int call_flock(struct call_env *e, long unused)
{
	int ret = SYSOK(flock(e->fd, LOCK_EX | LOCK_NB));

	return ret ? ret : SYSOK(flock(e->fd, LOCK_UN));
}

/* Takes a write lock on the first page and lets it go. */
static int call_fcntl_lock(struct call_env *e, long cmd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = page_size };
	int ret = SYSOK(fcntl(e->fd, cmd, &fl));

	fl.l_type = F_UNLCK;
	return ret ? ret : SYSOK(fcntl(e->fd, cmd, &fl));
}

static int call_fadvise(struct call_env *e, long advice)
{
	/* posix_fadvise() returns the error number instead of setting errno. */
	return -posix_fadvise(e->fd, 0, e->len, advice);
}

static int call_fallocate(struct call_env *e, long mode)
{
	return SYSOK(fallocate(e->fd, mode, 0, page_size));
}

static int call_ftruncate(struct call_env *e, long unused)
{
	return SYSOK(ftruncate(e->fd, page_size));
}

static int call_sync_file_range(struct call_env *e, long unused)
{
	return SYSOK(sync_file_range(e->fd, 0, e->len, SYNC_FILE_RANGE_WRITE));
}

static int call_readahead(struct call_env *e, long unused)
{
	return SYSOK(readahead(e->fd, 0, e->len));
}

static int call_ioctl(struct call_env *e, long request)
{
	return SYSOK(ioctl(e->fd, request, &(int){ 0 }));
}

static int call_copy_file_range(struct call_env *e, long unused)
{
	int out = memfd_create("mmdemo-copy", 0);
	int ret;

	if (out < 0)
		return -errno;
	ret = SYSOK(copy_file_range(e->fd, NULL, out, NULL, page_size, 0));
	close(out);
	return ret;
}

/* Shrinks the mapping to one page and back to its size elsewhere. */
static int call_mremap_shrink_and_move(struct call_env *e, long unused)
{
	char *to = mmap(NULL, e->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	strcpy(e->map, "moved along");
	if (to == MAP_FAILED || mremap(e->map, e->len, page_size, 0) != e->map)
		return -errno;
	if (munmap(e->map, page_size))
		return -errno;
	e->map = mmap(NULL, e->len, PROT_READ | PROT_WRITE, MAP_SHARED, e->fd, 0);
	if (e->map == MAP_FAILED)
		return -errno;
	p = mremap(e->map, e->len, e->len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (p == MAP_FAILED)
		return -errno;
	e->map = p;
	return strcmp(p, "moved along") ? CALL_WRONG : 0;
}

static int call_mremap_grow(struct call_env *e, long unused)
{
	void *p = mremap(e->map, e->len, 2 * e->len, MREMAP_MAYMOVE);

	if (p == MAP_FAILED)
		return -errno;
	e->map = p;
	e->len *= 2;
	return 0;
}

TEST_F(mmdemo, every_call_on_the_device_has_a_documented_outcome)
{
	struct call_env e = { .fd = self->fd, .len = self->len, .size = self->info.size };
	const int splice_err = kernel_at_least(6, 5) ? 0 : EINVAL;
	const struct {
		const char *name;
		int (*call)(struct call_env *e, long arg);
		long arg;
		int err;	/* 0 or the errno, in every mode but pfn */
		int pfn_err;	/* in pfn mode (VM_PFNMAP) */
	} calls[] = {
#define SAME(err)	err, err
		{ "fsync", call_fsync, 0, SAME(0) },
		{ "fdatasync", call_fsync, 1, SAME(0) },
		{ "msync MS_SYNC", call_msync, MS_SYNC, SAME(0) },
		{ "msync MS_ASYNC", call_msync, MS_ASYNC, SAME(0) },
		{ "msync MS_INVALIDATE", call_msync, MS_INVALIDATE, SAME(0) },
		{ "mlock", call_mlock, LOCK, SAME(0) },
		{ "munlock", call_mlock, UNLOCK, SAME(0) },
		{ "mlock2 MLOCK_ONFAULT", call_mlock, LOCK_ONFAULT, SAME(0) },
		{ "mincore", call_mincore, 0, SAME(0) },
		{ "madvise NORMAL", call_madvise, MADV_NORMAL, SAME(0) },
		{ "madvise RANDOM", call_madvise, MADV_RANDOM, SAME(0) },
		{ "madvise SEQUENTIAL", call_madvise, MADV_SEQUENTIAL, SAME(0) },
		{ "madvise WILLNEED", call_madvise, MADV_WILLNEED, SAME(0) },
		/* madvise(2): "the specified address range includes ... VM_PFNMAP pages" */
		{ "madvise DONTNEED", call_madvise, MADV_DONTNEED, 0, EINVAL },
		{ "madvise COLD", call_madvise, MADV_COLD, 0, EINVAL },
		{ "madvise PAGEOUT", call_madvise, MADV_PAGEOUT, 0, EINVAL },
		{ "madvise POPULATE_READ", call_madvise, MADV_POPULATE_READ, 0, EINVAL },
		{ "madvise POPULATE_WRITE", call_madvise, MADV_POPULATE_WRITE, 0, EINVAL },
		/* madvise(2): "... includes file, Huge TLB, MAP_SHARED, or VM_PFNMAP ranges" */
		{ "madvise FREE", call_madvise, MADV_FREE, SAME(EINVAL) },
		{ "madvise WIPEONFORK", call_madvise, MADV_WIPEONFORK, SAME(EINVAL) },
		{ "madvise KEEPONFORK", call_madvise, MADV_KEEPONFORK, SAME(0) },
		{ "madvise DONTFORK", call_madvise, MADV_DONTFORK, SAME(0) },
		/* Refused for VM_IO mappings until 6.12, for all special ones in 7.3. */
		{ "madvise DOFORK", call_madvise, MADV_DOFORK, SAME(kernel_is_7x() ? EINVAL : 0) },
		{ "madvise DONTDUMP", call_madvise, MADV_DONTDUMP, SAME(0) },
		/* The kernel keeps special (VM_DONTEXPAND) mappings out of core dumps. */
		{ "madvise DODUMP", call_madvise, MADV_DODUMP, SAME(EINVAL) },
		{ "madvise HUGEPAGE", call_madvise, MADV_HUGEPAGE, SAME(0) },
		{ "madvise NOHUGEPAGE", call_madvise, MADV_NOHUGEPAGE, SAME(0) },
		/* A hole punched through fallocate(), which a device cannot do (below). */
		{ "madvise REMOVE", call_madvise, MADV_REMOVE, SAME(ENODEV) },
		{ "poll", call_poll, 0, SAME(0) },
		/* splice(2): "The target file ... does not support splicing" (before 6.5) */
		{ "splice from the device", call_splice_out, false, SAME(splice_err) },
		{ "sendfile from the device", call_splice_out, true, SAME(splice_err) },
		{ "splice to the device", call_splice_in, 0, SAME(0) },
		/* fallocate(2): "fd does not refer to a regular file or a directory" */
		{ "fallocate", call_fallocate, 0, SAME(ENODEV) },
		{ "fallocate PUNCH_HOLE", call_fallocate,
		  FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, SAME(ENODEV) },
		/* truncate(2): "fd does not reference a regular file" */
		{ "ftruncate", call_ftruncate, 0, SAME(EINVAL) },
		/* sync_file_range(2): "fd refers to something other than a regular file" */
		{ "sync_file_range", call_sync_file_range, 0, SAME(ESPIPE) },
		/* readahead(2): "fd does not refer to a file type to which readahead() can be applied" */
		{ "readahead", call_readahead, 0, SAME(EINVAL) },
		/* copy_file_range(2): "Either fd_in or fd_out is not a regular file" */
		{ "copy_file_range", call_copy_file_range, 0, SAME(EINVAL) },
		{ "posix_fadvise WILLNEED", call_fadvise, POSIX_FADV_WILLNEED, SAME(0) },
		{ "posix_fadvise DONTNEED", call_fadvise, POSIX_FADV_DONTNEED, SAME(0) },
		{ "flock", call_flock, 0, SAME(0) },
		{ "fcntl F_SETLK", call_fcntl_lock, F_SETLK, SAME(0) },
		{ "fcntl F_OFD_SETLK", call_fcntl_lock, F_OFD_SETLK, SAME(0) },
		{ "fstat", call_fstat, 0, SAME(0) },
		{ "lseek SEEK_SET", call_lseek, SEEK_SET, SAME(0) },
		{ "lseek SEEK_CUR", call_lseek, SEEK_CUR, SAME(0) },
		{ "lseek SEEK_END", call_lseek, SEEK_END, SAME(0) },
		/* lseek(2): "the resulting file offset would be negative, or beyond the end ..." */
		{ "lseek before the start", call_lseek_bad, BEFORE_START, SAME(EINVAL) },
		{ "lseek past the end", call_lseek_bad, PAST_END, SAME(EINVAL) },
		/* lseek(2): "whence is not valid" (for a device of fixed size) */
		{ "lseek SEEK_DATA", call_lseek_bad, DATA, SAME(EINVAL) },
		{ "lseek SEEK_HOLE", call_lseek_bad, HOLE, SAME(EINVAL) },
		{ "lseek whence 42", call_lseek_bad, NO_WHENCE, SAME(EINVAL) },
		/* ioctl(2): "the specified request does not apply to the kind of object" */
		{ "ioctl FIONREAD", call_ioctl, FIONREAD, SAME(ENOTTY) },
		{ "ioctl FIONBIO", call_ioctl, FIONBIO, SAME(0) },
		{ "mremap shrink, then move", call_mremap_shrink_and_move, 0, SAME(0) },
		/* mremap() of a VM_DONTEXPAND mapping: see mremap_cannot_grow_a_mapping */
		{ "mremap grow", call_mremap_grow, 0, SAME(EFAULT) },
#undef SAME
	};

	e.map = mmap(NULL, e.len, PROT_READ | PROT_WRITE, MAP_SHARED, e.fd, 0);
	ASSERT_NE(MAP_FAILED, e.map);
	memset(e.map, 'x', e.len);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int want = -(variant->pfn ? calls[i].pfn_err : calls[i].err);
		int got = calls[i].call(&e, calls[i].arg);

		EXPECT_EQ(want, got) TH_LOG("%s: %s, expected %s", calls[i].name,
					    got == CALL_WRONG ? "worked, wrongly" :
					    got ? strerror(-got) : "ok",
					    want ? strerror(-want) : "ok");
	}
	ASSERT_EQ(0, munmap(e.map, e.len));
}

/*
 * ZAP and CLEAN take the device's pages out of every mapping.  A private
 * copy made by a write is the process's own memory, not the device's: it
 * must survive both, as it survives writeback of a file.  (A shrink does
 * discard it past the new end, as truncate(2) does.)
 */
TEST_F(mmdemo, zap_and_clean_keep_private_copies)
{
	char *shared, *priv;

	if (variant->pfn)
		SKIP(return, "pfn mode refuses MAP_PRIVATE");
	shared = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, shared);
	priv = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, priv);
	strcpy(shared, "device");
	strcpy(shared + page_size, "device");
	strcpy(priv, "mine");

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
	EXPECT_STREQ("mine", priv);
	EXPECT_STREQ("device", shared);
	EXPECT_STREQ("device", priv + page_size);

	/* Page 1 is dirty: CLEAN write-protects it in every mapping. */
	strcpy(priv + page_size, "mine too");
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_CLEAN));
	EXPECT_STREQ("mine too", priv + page_size);
	EXPECT_STREQ("mine", priv);
	shared[page_size] = 'D';
	EXPECT_STREQ("Device", shared + page_size);
	EXPECT_STREQ("mine too", priv + page_size);

	/* A shrink, like truncate(2), drops the copy past the new end. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &(uint64_t){ page_size }));
	EXPECT_EQ(SIGBUS, access_signal(priv + page_size, false));
	EXPECT_STREQ("mine", priv);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	EXPECT_EQ(0, priv[page_size]);
	ASSERT_EQ(0, munmap(shared, 2 * page_size));
	ASSERT_EQ(0, munmap(priv, 2 * page_size));
}

TEST_F(mmdemo, shrink_makes_the_end_sigbus_and_discards_the_pages)
{
	uint64_t four = 4 * page_size;
	struct mmdemo_info info;
	char *p, c = 'x';

	p = mmap(NULL, 8 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (int i = 0; i < 8; i++)
		p[i * page_size] = 'x';
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &four));

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &info));
	EXPECT_EQ(four, info.size);
	EXPECT_EQ(4, get_stats(self->fd).pages_resident);
	EXPECT_EQ(self->mincore_blind ? 0 : 4, mincore_count(p, 8))
		TH_LOG("pages past the end must be unmapped");
	EXPECT_EQ(SIGBUS, access_signal(p + 5 * page_size, false));
	EXPECT_EQ(SIGBUS, access_signal(p + 4 * page_size, true));
	EXPECT_EQ(0, access_signal(p + 3 * page_size, false));
	EXPECT_EQ('x', p[3 * page_size]);

	/* The other interfaces agree about the end. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ, MAP_SHARED, self->fd, four));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, pread(self->fd, &c, 1, four));
	EXPECT_EQ(-1, pwrite(self->fd, &c, 1, four));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ((off_t)four, lseek(self->fd, 0, SEEK_END));

	/* Growing back gives fresh, zeroed pages: the old data is gone. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	EXPECT_EQ(0, access_signal(p + 5 * page_size, false));
	EXPECT_EQ(0, p[5 * page_size]);
	EXPECT_EQ('x', p[3 * page_size]);
	ASSERT_EQ(0, munmap(p, 8 * page_size));
}

/*
 * A fault that must fetch its page (a latency is set) sleeps between
 * finding the page missing and storing it.  A shrink that passes meanwhile
 * must not see the page come back past the new end: the fault checks the
 * size again under the page lock, and ends in SIGBUS with nothing left.
 */
TEST_F(mmdemo, a_fault_racing_a_shrink_ends_in_sigbus)
{
	uint32_t us = MMDEMO_MAX_LATENCY_US;
	uint64_t one = page_size;
	int status;
	char *p;
	pid_t pid;

	if (variant->eager)
		SKIP(return, "eager mappings take no fault");
	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &us));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		(void)*(volatile char *)(p + page_size);
		_exit(0);
	}
	/* The child is asleep in the fetch of page 1 by now. */
	usleep(300 * 1000);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &one));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("the fault past the new end ended with status %#x", status);
	EXPECT_EQ(0, get_stats(self->fd).pages_resident);

	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &(uint32_t){ 0 }));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	ASSERT_EQ(0, munmap(p, 2 * page_size));
}

TEST_F(mmdemo, resize_checks_its_argument)
{
	uint64_t size = 0;
	int ro;

	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_RESIZE, &size));
	EXPECT_EQ(EINVAL, errno);
	size = self->capacity + page_size;
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_RESIZE, &size));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_RESIZE, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* Rounded up to whole pages, like the size parameter. */
	size = page_size + 1;
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &size));
	EXPECT_EQ((off_t)(2 * page_size), lseek(self->fd, 0, SEEK_END));
	/* Destructive, so it needs a writable file, as reset does. */
	ro = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-1, ioctl(ro, MMDEMO_IOC_RESIZE, &self->capacity));
	EXPECT_EQ(EBADF, errno);
	close(ro);
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

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, sig);
}

/*
 * Several processes fault pages in while the parent zaps every mapping
 * and shrinks and grows the device.  Workers touch only pages that no
 * shrink removes, so their data must survive every zap; one more worker
 * touches the pages that come and go, and must see SIGBUS, never stale
 * memory or a crash.  Run on the debug kernel, this is lockdep's and
 * KASAN's view of the fault/zap/truncate ordering.
 */
/* The harness's 30 s is not enough for 64 KiB pages under TCG. */
TEST_F_TIMEOUT(mmdemo, faults_race_safely_with_zap_and_resize, 90)
{
	/*
	 * In huge mode, a PMD each where two fit: huge entries come and go
	 * too (not with 64 KiB pages, whose PMD maps 512 MiB).
	 */
	const bool huge = variant->backing == MMDEMO_BACKING_HUGE &&
			  self->capacity >= 2 * HUGE_SIZE;
	const int workers = 3, rounds = huge ? 50 : 150;
	const int stable = huge ? HUGE_PAGES : 32, moving = stable;
	uint64_t small = stable * page_size;
	struct timespec t0, t;
	volatile int *stop;
	pid_t pids[4];
	int status, r;

	/* stop[0]: the parent says stop; stop[1]: workers that have mapped. */
	stop = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	stop[0] = stop[1] = 0;
	for (int w = 0; w <= workers; w++) {
		pids[w] = fork();
		ASSERT_LE(0, pids[w]);
		if (pids[w])
			continue;
		if (w == workers) {
			/* The worker on the pages that come and go. */
			volatile char *m = mmap(NULL, moving * page_size, PROT_READ | PROT_WRITE,
						MAP_SHARED, self->fd, small);
			unsigned long i = 0;

			/* Counted even if it failed, or the parent waits forever. */
			__atomic_fetch_add(&stop[1], 1, __ATOMIC_SEQ_CST);
			if (m == MAP_FAILED)
				_exit(2);
			signal(SIGBUS, on_sigbus);
			while (!*stop) {
				if (!sigsetjmp(sigbus_jmp, 1))
					m[(i++ % moving) * page_size] = 1;
			}
			_exit(0);
		}
		{
			char *m = mmap(NULL, stable * page_size, PROT_READ | PROT_WRITE,
				       MAP_SHARED, self->fd, 0);
			unsigned long i;

			__atomic_fetch_add(&stop[1], 1, __ATOMIC_SEQ_CST);
			if (m == MAP_FAILED)
				_exit(2);
			/* At least one write to each page, however late it started. */
			for (i = 0; !*stop || i < (unsigned long)stable; i++) {
				char *byte = m + ((i * 7 + w) % stable) * page_size + w;

				*byte = (char)('a' + w);
				if (*byte != 'a' + w)
					_exit(3);
			}
			/* Every page this worker wrote still has its byte. */
			for (int pg = 0; pg < stable; pg++) {
				if (m[pg * page_size + w] != 'a' + w) {
					/* For the parent's log: where, what, after how long. */
					stop[2 + 3 * w] = pg;
					stop[3 + 3 * w] = m[pg * page_size + w];
					stop[4 + 3 * w] = (int)(i > 1000000 ? 1000000 : i);
					_exit(4);
				}
			}
			_exit(0);
		}
	}

	/* Shrinking before a worker has mapped would refuse its mmap(). */
	while (__atomic_load_n(&stop[1], __ATOMIC_SEQ_CST) < workers + 1)
		usleep(1000);
	/*
	 * Up to the rounds, or 10 s once 5 are done: under single-threaded
	 * TCG the four spinning workers leave this process a small share of
	 * one host CPU (an arm64 guest with 64 KiB pages did 20 in 10 s).
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < rounds;) {
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_ZAP));
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &small));
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (++r >= 5 && t.tv_sec - t0.tv_sec >= 10)
			break;
	}
	TH_LOG("%d of %d rounds of zap, shrink and regrow", r, rounds);
	*stop = 1;
	for (int w = 0; w <= workers; w++) {
		ASSERT_EQ(pids[w], waitpid(pids[w], &status, 0));
		EXPECT_EQ(0, status) TH_LOG("worker %d: status %#x (page %d holds %d after %d writes)",
					    w, status, stop[2 + 3 * w], stop[3 + 3 * w],
					    stop[4 + 3 * w]);
	}
	EXPECT_EQ(0, get_stats(self->fd).vmas);
	EXPECT_GE(stable + moving, get_stats(self->fd).pages_resident);
	/* Where PMD placement exists, huge entries were in the race. */
	if (huge && sizeof(long) == 8 && debugfs_stat("huge_faults") >= 0)
		EXPECT_LT(0, debugfs_stat("huge_faults"));
	munmap((void *)stop, page_size);
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

/* The last two tests unload the module and load it back. */
TEST_F(mmdemo, module_parameters_are_checked_and_read_only)
{
	const char *ko = getenv("MMDEMO_KO");
	struct mmdemo_info info;
	struct stat stbuf;
	char params[80], small[40];
	int fd;

	if (!ko)
		SKIP(return, "set MMDEMO_KO=path/to/mmdemo.ko to test loading");
	ASSERT_EQ(0, current_params(params, sizeof(params)));
	/* Read-only at runtime: sysfs refuses even root. */
	EXPECT_EQ(-EACCES, write_file("/sys/module/mmdemo/parameters/size", "8192"));

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, unload_module());
	EXPECT_EQ(-EINVAL, load_module(ko, "size=0"));
	EXPECT_EQ(-EINVAL, load_module(ko, "size=4294967297"));
	EXPECT_EQ(-EINVAL, load_module(ko, "mode=01000"));

	/* One byte more than a page, whatever the kernel's page size. */
	snprintf(small, sizeof(small), "size=%zu mode=0640", page_size + 1);
	ASSERT_EQ(0, load_module(ko, small));
	fd = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, MMDEMO_IOC_INFO, &info));
	EXPECT_EQ(2 * page_size, info.size) TH_LOG("a page and a byte round up to two pages");
	ASSERT_EQ(0, fstat(fd, &stbuf));
	EXPECT_EQ(0640, stbuf.st_mode & 0777);
	close(fd);

	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(ko, params));
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

/*
 * Fault-around and huge pages: tests of one mode each, on a fresh device
 * at its full size.
 */
FIXTURE(fresh) {
	int fd;
	uint64_t capacity;
	__u32 features;
};

FIXTURE_SETUP(fresh)
{
	self->fd = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, read_param_u64("size", &self->capacity));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &(uint32_t){ 0 }));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_FEATURES, &self->features));
}

FIXTURE_TEARDOWN(fresh)
{
	if (self->fd >= 0)
		close(self->fd);
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

/*
 * rmmod under load: while three processes open, map (page, insert and pfn
 * mode), fault, close and unmap in a loop, and this one holds the device
 * open, every unload attempt is refused (EWOULDBLOCK) and nothing breaks.
 * Once the last user is gone the module unloads, and loads again.
 */
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
 * What a user without privileges may do with a device every user may
 * open (mode=0666), as mmdemo(4) says under PERMISSIONS: inspect it, map
 * it, write it, zap and clean it; not set a latency or resize it (EPERM),
 * and never see another process's private copies.  Runs as uid 65534 in a
 * child; returns NULL or what went wrong.
 */
static const char *as_nobody(pid_t owner, const char *owner_copy)
{
	__u32 mode = MMDEMO_BACKING_PFN, got_mode = 0, count = 0;
	uint64_t size = page_size;
	struct mmdemo_stats st;
	struct mmdemo_info info;
	struct iovec local, remote;
	char path[64], buf[32];
	const char zeros[32] = "";
	uint8_t dirty = 0;
	uint32_t us = 100;
	char *p;
	int fd;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534) || !getuid())
		return "could not become uid 65534";
	fd = open(DEV_PATH, O_RDWR);
	if (fd < 0)
		return "open(O_RDWR) failed";
	if (ioctl(fd, MMDEMO_IOC_INFO, &info) || ioctl(fd, MMDEMO_IOC_STATS, &st) ||
	    ioctl(fd, MMDEMO_IOC_GET_FEATURES, &mode))
		return "INFO, STATS or GET_FEATURES failed";
	p = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return "mmap(MAP_SHARED, PROT_WRITE) failed";
	if (memcmp(p, zeros, sizeof(zeros)))
		return "page 0 does not read as zeros: it shows the owner's private copy";
	if (strcmp(p + page_size, "shared by the owner"))
		return "the owner's shared write is not seen";
	strcpy(p + 2 * page_size, "written by nobody");
	if (get_page_faults(fd, 2, 1, &count) || count != 1)
		return "page 2 did not fault exactly once";
	if (get_dirty(fd, 2, 1, &dirty) || dirty != 1)
		return "page 2 is not dirty after a write";
	if (fsync(fd) || ioctl(fd, MMDEMO_IOC_CLEAN) || ioctl(fd, MMDEMO_IOC_ZAP))
		return "fsync, CLEAN or ZAP failed";
	mode = MMDEMO_BACKING_PFN;
	if (ioctl(fd, MMDEMO_IOC_SET_BACKING, &mode) ||
	    ioctl(fd, MMDEMO_IOC_GET_BACKING, &got_mode) || got_mode != mode)
		return "SET_BACKING or GET_BACKING failed";
	if (ioctl(fd, MMDEMO_IOC_RESET) != -1 || errno != EBUSY)
		return "RESET of a mapped device did not fail with EBUSY";
	if (ioctl(fd, MMDEMO_IOC_SET_LATENCY, &us) != -1 || errno != EPERM)
		return "SET_LATENCY did not fail with EPERM";
	if (ioctl(fd, MMDEMO_IOC_RESIZE, &size) != -1 || errno != EPERM)
		return "RESIZE did not fail with EPERM";
	if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf) || memcmp(buf, zeros, sizeof(zeros)))
		return "read() of page 0 shows the owner's private copy";
	/* The owner's private copy is its own memory: ptrace rules guard it. */
	snprintf(path, sizeof(path), "/proc/%d/mem", owner);
	if (open(path, O_RDONLY) != -1 || errno != EACCES)
		return "/proc/OWNER/mem did not fail with EACCES";
	local = (struct iovec){ buf, sizeof(buf) };
	remote = (struct iovec){ (void *)owner_copy, sizeof(buf) };
	if (process_vm_readv(owner, &local, 1, &remote, 1, 0) != -1 || errno != EPERM)
		return "process_vm_readv of the owner did not fail with EPERM";
	munmap(p, 4 * page_size);
	close(fd);
	return NULL;
}

TEST_F(fresh, unprivileged_users_may_use_the_device_but_not_stall_it)
{
	static const char secret[] = "the owner's private copy";
	const char *ko = getenv("MMDEMO_KO");
	char params[80], params_0666[96], *private, *shared, *why, buf[32];
	struct mmdemo_info info;
	struct stat stbuf;
	int status;
	pid_t pid;

	if (!ko)
		SKIP(return, "set MMDEMO_KO=path/to/mmdemo.ko to reload with mode=0666");
	ASSERT_EQ(0, current_params(params, sizeof(params)));
	close(self->fd);
	self->fd = -1;
	/* The last "mode" wins. */
	snprintf(params_0666, sizeof(params_0666), "%s mode=0666", params);
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(ko, params_0666));
	self->fd = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fstat(self->fd, &stbuf));
	EXPECT_EQ(0666, stbuf.st_mode & 0777);

	private = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, private);
	strcpy(private, secret);
	shared = mmap(NULL, 3 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, shared);
	strcpy(shared + page_size, "shared by the owner");
	why = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, why);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		const char *err = as_nobody(getppid(), private);

		snprintf(why, page_size, "%s (errno %s)", err ? err : "", strerror(errno));
		_exit(err ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("as uid 65534: %s", why);

	/* Nothing it was refused happened; what it did, did. */
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &info));
	EXPECT_EQ(self->capacity, info.size);
	EXPECT_STREQ(secret, private);
	EXPECT_STREQ("written by nobody", shared + 2 * page_size);
	ASSERT_EQ(sizeof(buf), pread(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, buf[0]);

	munmap(why, page_size);
	munmap(shared, 3 * page_size);
	munmap(private, page_size);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(ko, params));
}

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define TEST_CGROUP	CGROUP_ROOT "/mmdemo-memcg"

/* The test cgroup's OOM kills so far, or -1. */
static long long cgroup_oom_kills(void)
{
	return key_value(TEST_CGROUP "/memory.events", "oom_kill");
}

/* The bytes charged to the test cgroup, or -1. */
static long long cgroup_charged(void)
{
	char buf[32];

	return read_line(TEST_CGROUP "/memory.current", buf, sizeof(buf)) ? -1 : atoll(buf);
}

/*
 * Device pages are charged like a file's page cache: to the memory cgroup
 * of the task whose fault or write() allocated them, and they stay charged
 * after it exits, until the device frees them.  A task that touches more
 * than its cgroup's memory.max is OOM-killed by the cgroup, as with shmem:
 * the pages cannot be reclaimed, and the kernel's answer to a charge that
 * cannot be met is the cgroup's OOM killer, not an error.  In huge mode a
 * PMD-sized folio that does not fit falls back to single pages first.
 */
TEST_F(fresh, device_pages_are_charged_to_the_faulting_cgroup)
{
	const long limit = 8 << 20, touch = 32 << 20;
	static const struct { const char *how; __u32 mode; bool write; } cases[] = {
		{ "page-mode faults", MMDEMO_BACKING_PAGE, false },
		{ "pfn-mode faults", MMDEMO_BACKING_PFN, false },
		{ "huge-mode faults", MMDEMO_BACKING_HUGE, false },
		{ "write()", MMDEMO_BACKING_PAGE, true },
	};
	char controllers[256] = "";

	if (self->capacity < (uint64_t)touch)
		SKIP(return, "the device is smaller than 32 MiB");
	if (access(CGROUP_ROOT "/cgroup.controllers", F_OK))
		mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL);
	if (read_line(CGROUP_ROOT "/cgroup.controllers", controllers, sizeof(controllers)))
		SKIP(return, "no cgroup2 hierarchy at " CGROUP_ROOT);
	if (!strstr(controllers, "memory"))
		SKIP(return, "this kernel has no memory cgroup (CONFIG_MEMCG)");
	ASSERT_EQ(0, write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory"));
	rmdir(TEST_CGROUP);
	ASSERT_EQ(0, mkdir(TEST_CGROUP, 0755));
	ASSERT_EQ(0, write_file(TEST_CGROUP "/memory.max", "8388608"));
	write_file(TEST_CGROUP "/memory.swap.max", "0");

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		long long kills = cgroup_oom_kills(), charged;
		struct mmdemo_stats st;
		int status;
		pid_t pid;

		if (cases[c].mode == MMDEMO_BACKING_HUGE && !(self->features & MMDEMO_FEATURE_HUGE))
			continue;
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			static char chunk[64 << 10];
			int fd = open(DEV_PATH, O_RDWR);
			char *p;

			if (write_file(TEST_CGROUP "/cgroup.procs", "0") || fd < 0 ||
			    ioctl(fd, MMDEMO_IOC_SET_BACKING, &cases[c].mode))
				_exit(2);
			for (long off = 0; cases[c].write && off < touch; off += sizeof(chunk))
				if (pwrite(fd, chunk, sizeof(chunk), off) != sizeof(chunk))
					_exit(3);
			p = mmap(NULL, touch, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				_exit(4);
			for (long off = 0; off < touch; off += page_size)
				p[off] = 1;
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("%s past memory.max: status %#x, not an OOM kill", cases[c].how, status);
		EXPECT_EQ(kills + 1, cgroup_oom_kills()) TH_LOG("%s", cases[c].how);

		/* The device did not grow past the limit, and what it has is charged there. */
		st = get_stats(self->fd);
		charged = cgroup_charged();
		EXPECT_GE(limit, (long)(st.pages_resident * page_size)) TH_LOG("%s", cases[c].how);
		EXPECT_LE((long long)(st.pages_resident * page_size), charged)
			TH_LOG("%s: %llu pages resident, %lld bytes charged", cases[c].how,
			       (unsigned long long)st.pages_resident, charged);
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
		EXPECT_GT(1 << 20, cgroup_charged())
			TH_LOG("%s: the charge stays after the pages are freed", cases[c].how);
		TH_LOG("%s: killed with %llu pages resident, %lld bytes charged", cases[c].how,
		       (unsigned long long)st.pages_resident, charged);
	}
	EXPECT_EQ(0, rmdir(TEST_CGROUP));
}

/*
 * Every argument at its limits gets the errno mmdemo(4) documents: 0, 1,
 * the largest valid value and one past it, all ones, unaligned sizes, and
 * ranges that end exactly at the device's end or overflow past it.
 */
TEST_F(fresh, ioctl_arguments_at_their_limits)
{
	const uint64_t cap = self->capacity, pages = cap / page_size;
	const bool huge = self->features & MMDEMO_FEATURE_HUGE;
	const bool huge_around = huge && !(self->features & MMDEMO_FEATURE_HUGE_PAGE_BACKED);
	const struct { uint64_t bytes; int err; } resize[] = {
		{ 0, EINVAL }, { 1, 0 }, { page_size - 1, 0 }, { page_size + 1, 0 },
		{ cap - 1, 0 }, { cap, 0 }, { cap + 1, EINVAL }, { UINT64_MAX, EINVAL },
		{ 1ULL << 63, EINVAL },
	};
	const struct { uint32_t us; int err; } latency[] = {
		{ 0, 0 }, { 1, 0 }, { MMDEMO_MAX_LATENCY_US, 0 },
		{ MMDEMO_MAX_LATENCY_US + 1, EINVAL }, { UINT32_MAX, EINVAL },
	};
	const struct { uint32_t mode; int err; } backing[] = {
		{ MMDEMO_BACKING_PAGE, 0 }, { MMDEMO_BACKING_INSERT, 0 },
		{ MMDEMO_BACKING_PFN, 0 }, { MMDEMO_BACKING_EAGER, 0 },
		{ MMDEMO_BACKING_HUGE, huge ? 0 : EOPNOTSUPP },
		{ MMDEMO_BACKING_HUGE + 1, EINVAL }, { MMDEMO_BACKING_MODE_MASK, EINVAL },
		{ MMDEMO_BACKING_PAGE | MMDEMO_BACKING_FAULT_AROUND, EINVAL },
		{ MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND, 0 },
		{ MMDEMO_BACKING_PFN | MMDEMO_BACKING_FAULT_AROUND, 0 },
		{ MMDEMO_BACKING_EAGER | MMDEMO_BACKING_FAULT_AROUND, 0 },
		{ MMDEMO_BACKING_HUGE | MMDEMO_BACKING_FAULT_AROUND,
		  !huge ? EOPNOTSUPP : huge_around ? 0 : EINVAL },
		{ MMDEMO_BACKING_FAULT_AROUND << 1, EINVAL }, { UINT32_MAX, EINVAL },
	};
	const struct { uint64_t first; uint32_t nr; int err; } range[] = {
		{ 0, 1, 0 }, { 0, 0, EINVAL }, { 0, pages, 0 }, { 0, pages + 1, EINVAL },
		{ pages - 1, 1, 0 }, { pages - 1, 2, EINVAL }, { pages, 1, EINVAL },
		{ 1, UINT32_MAX, EINVAL }, { UINT64_MAX, 1, EINVAL },
		{ UINT64_MAX - 1, 2, EINVAL },
	};
	struct mmdemo_page_faults *pf = calloc(1, sizeof(*pf) + pages * sizeof(__u32));
	struct mmdemo_dirty *d = calloc(1, sizeof(*d) + pages);
	struct mmdemo_info info;
	size_t i;

	ASSERT_NE(NULL, pf);
	ASSERT_NE(NULL, d);
	for (i = 0; i < sizeof(resize) / sizeof(resize[0]); i++) {
		errno = 0;
		EXPECT_EQ(resize[i].err ? -1 : 0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &resize[i].bytes));
		EXPECT_EQ(resize[i].err, errno) TH_LOG("RESIZE %#llx",
						       (unsigned long long)resize[i].bytes);
		if (resize[i].err)
			continue;
		/* Whole pages, rounded up. */
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_INFO, &info));
		EXPECT_EQ((resize[i].bytes + page_size - 1) / page_size * page_size, info.size);
	}
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));

	for (i = 0; i < sizeof(latency) / sizeof(latency[0]); i++) {
		errno = 0;
		EXPECT_EQ(latency[i].err ? -1 : 0,
			  ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &latency[i].us));
		EXPECT_EQ(latency[i].err, errno) TH_LOG("SET_LATENCY %u", latency[i].us);
	}
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, &(uint32_t){ 0 }));

	for (i = 0; i < sizeof(backing) / sizeof(backing[0]); i++) {
		uint32_t before, after;

		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_BACKING, &before));
		errno = 0;
		EXPECT_EQ(backing[i].err ? -1 : 0,
			  ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &backing[i].mode));
		EXPECT_EQ(backing[i].err, errno) TH_LOG("SET_BACKING %#x", backing[i].mode);
		/* A refused mode leaves the file's as it was. */
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_GET_BACKING, &after));
		EXPECT_EQ(backing[i].err ? before : backing[i].mode, after);
	}

	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		pf->first_page = d->first_page = range[i].first;
		pf->nr_pages = d->nr_pages = range[i].nr;
		errno = 0;
		EXPECT_EQ(range[i].err ? -1 : 0, ioctl(self->fd, MMDEMO_IOC_PAGE_FAULTS, pf));
		EXPECT_EQ(range[i].err, errno) TH_LOG("PAGE_FAULTS %#llx +%u",
						      (unsigned long long)range[i].first,
						      range[i].nr);
		errno = 0;
		EXPECT_EQ(range[i].err ? -1 : 0, ioctl(self->fd, MMDEMO_IOC_GET_DIRTY, d));
		EXPECT_EQ(range[i].err, errno) TH_LOG("GET_DIRTY %#llx +%u",
						      (unsigned long long)range[i].first,
						      range[i].nr);
	}
	free(pf);
	free(d);
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
 * An address aligned to @align with @len bytes free after it, inside a
 * PROT_NONE reservation (never touched: no page tables), for MAP_FIXED.
 */
static char *reserve_aligned(size_t len, size_t align)
{
	char *r = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	return (char *)(((uintptr_t)r + align - 1) & ~(align - 1));
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

int main(int argc, char **argv)
{
	char line[64];

	page_size = sysconf(_SC_PAGESIZE);
	/* Without THP there is no such file: a PMD maps a page of PTEs. */
	if (read_line("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", line, sizeof(line)) ||
	    !(huge_size = strtoul(line, NULL, 0)))
		huge_size = page_size / sizeof(uint64_t) * page_size;
	if (argc > 1 && !strcmp(argv[1], "--poke"))
		return poke_main(argc, argv);
	if (access(DEV_PATH, F_OK))
		ksft_exit_skip(DEV_PATH " is absent: load mmdemo.ko first (insmod kmod/mmdemo.ko)\n");
	return test_harness_run(argc, argv);
}
