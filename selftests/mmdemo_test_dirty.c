// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, dirty tracking: which pages were written through mappings since the last clean.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

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

MMDEMO_TEST_MAIN()
