// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, every call: each system call and ioctl on the device, and its outcome; bad arguments.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

TEST_F(mmdemo, read_write_and_seek_at_device_end)
{
	char c = 1, *none;

	EXPECT_EQ((off_t)self->info.size, lseek(self->fd, 0, SEEK_END));
	EXPECT_EQ(0, read(self->fd, &c, 1));
	EXPECT_EQ(-1, write(self->fd, &c, 1));
	EXPECT_EQ(ENOSPC, errno);
	/* A write that straddles the end is cut short, not refused. */
	EXPECT_EQ(1, pwrite(self->fd, "ab", 2, self->info.size - 1));
	EXPECT_EQ(-1, lseek(self->fd, self->info.size + 1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing to copy is nothing done, even at the end. */
	EXPECT_EQ(0, pread(self->fd, &c, 0, 0));
	EXPECT_EQ(0, pwrite(self->fd, &c, 0, self->info.size));
	/* A buffer the kernel cannot read: EFAULT. */
	none = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	EXPECT_EQ(-1, pwrite(self->fd, none, 16, 0));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, munmap(none, page_size));
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
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_SET_LATENCY, NULL));
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
	/* GET_DIRTY's bytes, likewise. */
	*(struct mmdemo_dirty *)(guard + page_size - sizeof(dirty)) =
		(struct mmdemo_dirty){ .first_page = 0, .nr_pages = 4 };
	EXPECT_EQ(-1, ioctl(self->fd, MMDEMO_IOC_GET_DIRTY, guard + page_size - sizeof(dirty)));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, munmap(guard, 2 * page_size));
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

MMDEMO_TEST_MAIN()
