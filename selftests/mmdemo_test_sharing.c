// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, sharing and copy-on-write: who sees which bytes, across read(), write(), fork(), exec(), O_DIRECT and get_user_pages().
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

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

MMDEMO_TEST_MAIN()
