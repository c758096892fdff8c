// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, backing modes: chosen per open file, and what a first write costs in each.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

/*
 * A first write through a MAP_PRIVATE mapping costs one fault in every
 * mode that allows one: the handler gives the core the page to copy, in
 * that fault, rather than a read-only entry and then a copy-on-write
 * fault.  Eager mode's pages are there already, read-only: its one fault
 * is the copy-on-write, and the device serves none.  The device keeps its
 * byte.
 */
TEST_F(mmdemo, first_private_write_costs_one_fault)
{
	struct rusage r0, r1;
	volatile char *p;
	char c;

	if (variant->pfn)
		SKIP(return, "PFN maps refuse MAP_PRIVATE");
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r0);
	p[0] = 1;
	getrusage(RUSAGE_SELF, &r1);
	EXPECT_EQ(1, r1.ru_minflt - r0.ru_minflt);
	EXPECT_EQ(variant->eager ? 0 : 1, get_stats(self->fd).faults);
	EXPECT_EQ(1, p[0]);
	ASSERT_EQ(1, pread(self->fd, &c, 1, 0));
	EXPECT_EQ(0, c);
	ASSERT_EQ(0, munmap((void *)p, page_size));
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

MMDEMO_TEST_MAIN()
