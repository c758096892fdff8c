// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, permissions and cgroups: who may do what, and whose memory the pages are.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

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
	snprintf(small, sizeof(small), "latency_us=%u", MMDEMO_MAX_LATENCY_US + 1);
	EXPECT_EQ(-EINVAL, load_module(ko, small));
	EXPECT_EQ(-EINVAL, load_module(ko, "backing=bogus"));
	/* Huge mode, where the kernel can do it; -EOPNOTSUPP where not (6.1). */
	if (self->features & MMDEMO_FEATURE_HUGE) {
		EXPECT_EQ(0, load_module(ko, "backing=huge"));
		EXPECT_EQ(0, unload_module());
	} else {
		EXPECT_EQ(-EOPNOTSUPP, load_module(ko, "backing=huge"));
	}

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

MMDEMO_TEST_MAIN()
