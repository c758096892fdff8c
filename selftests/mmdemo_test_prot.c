// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, protections: PROT_* and open modes, offsets and lengths, the VMA flags mmap() sets.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

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

MMDEMO_TEST_MAIN()
