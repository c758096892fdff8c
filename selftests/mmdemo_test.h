/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mmdemo selftests share: the device's path and sizes, the
 * helpers of mmdemo_test_lib.c, and the two fixtures every topic's tests
 * run in.  Each mmdemo_test_TOPIC.c is a program of its own, with its own
 * TEST_F()s; the harness keeps each program's tests in lists of its own.
 *
 * mmdemo: a device emptied and resized to its full size before each test,
 * once in each backing mode (the variants), with what the kernel does
 * differently in each written down in the variant.
 * fresh: the same device, in the mode the module was loaded with, for the
 * tests that pick their mode themselves.
 */
#ifndef MMDEMO_TEST_H
#define MMDEMO_TEST_H

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

#define DEV_PATH	"/dev/mmdemo"
/* Pages most tests map. */
#define NR_PAGES	16
/* The test builds' hold switch (kmod/mmdemo_hold.c). */
#define HOLD_FILE	"/sys/kernel/debug/mmdemo/hold"

/*
 * The kernel's page size, and what one huge (PMD) entry maps: 2 MiB with
 * 4 KiB pages, 32 MiB with 16 KiB, 512 MiB with 64 KiB (mmdemo_test_init()
 * asks the kernel).
 */
extern size_t page_size;
extern size_t huge_size;
#define HUGE_SIZE	huge_size
/* Pages per huge entry: 512, 2048 or 8192. */
#define HUGE_PAGES	(huge_size / page_size)

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

/*
 * mmdemo_test_lib.c.  Each returns what the kernel reported and never
 * asserts; the comments there say what each one reads.
 */
void mmdemo_test_init(void);
int poke_main(int argc, char **argv);

/* The device: its counters, dirty map and per-page fault counts. */
struct mmdemo_stats get_stats(int fd);
int get_dirty(int fd, uint64_t first, uint32_t n, uint8_t *out);
const char *dirty_str(int fd, uint32_t n, char *buf);
int get_page_faults(int fd, uint64_t first, uint32_t n, uint32_t *out);
long long debugfs_stat(const char *name);

/* What the kernel says of a mapping, and of this process. */
int smaps_field(void *addr, const char *key, char *val, size_t len);
long smaps_rss_kb(void *addr);
int mincore_count(void *addr, size_t pages);
bool mincore_sees_pfnmap(void);
int access_signal(volatile char *p, bool write);
long minflt_since(const struct rusage *r0);
char *reserve_aligned(size_t len, size_t align);
bool kernel_at_least(int major, int minor);
bool kernel_is_7x(void);

/* Files of /proc and /sys. */
int write_file(const char *path, const char *val);
int read_line(const char *path, char *buf, size_t len);
long long key_value(const char *path, const char *key);
long proc_kb(const char *path, const char *key);

/* The module: its parameters, unloading and loading it back. */
int read_param_u64(const char *name, uint64_t *val);
int current_params(char *buf, size_t len);
int unload_module(void);
int load_module(const char *ko, const char *params);

#ifndef MMDEMO_TEST_LIB	/* the test programs, not mmdemo_test_lib.c */
#include "kselftest_harness.h"

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
};

FIXTURE_VARIANT_ADD(mmdemo, page) {
	.backing = MMDEMO_BACKING_PAGE,
};

FIXTURE_VARIANT_ADD(mmdemo, insert) {
	.backing = MMDEMO_BACKING_INSERT,
	.fork_copies = true,
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
	if (variant->backing == MMDEMO_BACKING_HUGE &&
	    (self->features & MMDEMO_FEATURE_HUGE_PAGE_BACKED)) {
		self->mixedmap = false;
		self->fork_copies = false;
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
	/* A test that failed while a fault was held must not stall the next. */
	if (!access(HOLD_FILE, F_OK))
		write_file(HOLD_FILE, "release");
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * main() of every test program: sizes from the kernel, then the tests.
 * "--poke OFFSET BYTE" runs as the unrelated process of the exec test.
 */
#define MMDEMO_TEST_MAIN()							\
	int main(int argc, char **argv)						\
	{									\
		mmdemo_test_init();						\
		if (argc > 1 && !strcmp(argv[1], "--poke"))			\
			return poke_main(argc, argv);				\
		if (access(DEV_PATH, F_OK))					\
			ksft_exit_skip(DEV_PATH " is absent: load mmdemo.ko first (insmod kmod/mmdemo.ko)\n"); \
		return test_harness_run(argc, argv);				\
	}
#endif /* MMDEMO_TEST_LIB */

#endif /* MMDEMO_TEST_H */
