// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo selftests, resize, zap and reset: pages taken away under live mappings, and the races with faults.
 *
 * Needs the mmdemo module loaded (the tests skip otherwise) and root; see
 * mmdemo_test.h for the fixtures.
 */
#include "mmdemo_test.h"

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
 * rmmod under load: while three processes open, map (page, insert and pfn
 * mode), fault, close and unmap in a loop, and this one holds the device
 * open, every unload attempt is refused (EWOULDBLOCK) and nothing breaks.
 * Once the last user is gone the module unloads, and loads again.
 */
/* Writes @word to the hold switch: 0 or -errno. */
static int hold_write(const char *word)
{
	int fd = open(HOLD_FILE, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, word, strlen(word));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* Waits up to 10 s for the hold switch to say @state ("held mkwrite"). */
static bool hold_reaches(const char *state)
{
	char line[32];

	for (int i = 0; i < 1000; i++) {
		if (!read_line(HOLD_FILE, line, sizeof(line)) && !strcmp(line, state))
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/*
 * A write fault in page mode calls ->fault, which hands the core the page,
 * and then ->page_mkwrite, which locks it again.  A shrink past the page
 * and a regrow in between (the test build's hold point stops the fault
 * there) remove the page and make its offset valid again: ->page_mkwrite
 * must see that the page is no longer the device's and let the fault
 * start over, which maps the device's new page.  Mapping the old one
 * would leave the writer alone with a page that read() and every other
 * mapping cannot see.  In pfn mode the same, for ->pfn_mkwrite of a page
 * the writer read first (its PTE is read-only).  The hold is armed for the
 * writer's PID alone, before a pipe lets it write.
 */
TEST_F(fresh, a_page_removed_between_fault_and_mkwrite_is_not_mapped)
{
	const __u32 modes[] = { MMDEMO_BACKING_PAGE, MMDEMO_BACKING_PFN };
	uint64_t one = page_size;
	struct mmdemo_stats st;
	char c, *p, arm[32], held[32];
	int status, go[2];
	pid_t pid;

	if (access(HOLD_FILE, F_OK))
		SKIP(return, "no " HOLD_FILE ": a module built without MMDEMO_TEST_HOLD=1");
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		bool pfn = modes[m] == MMDEMO_BACKING_PFN;

		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESET));
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_SET_BACKING, &modes[m]));
		p = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, pipe(go));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(3);
			if (pfn && p[page_size] != 0)
				_exit(2);
			p[page_size] = 'w';
			_exit(p[page_size] == 'w' ? 0 : 1);
		}
		close(go[0]);
		snprintf(arm, sizeof(arm), "mkwrite %d", pid);
		snprintf(held, sizeof(held), "held mkwrite %d", pid);
		ASSERT_EQ(0, hold_write(arm));
		ASSERT_EQ(1, write(go[1], "g", 1));
		close(go[1]);
		ASSERT_TRUE(hold_reaches(held)) TH_LOG("mode %u", modes[m]);
		EXPECT_EQ(-EBUSY, hold_write(arm));	/* one fault at a time */
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &one));
		ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
		ASSERT_EQ(0, write_file(HOLD_FILE, "release"));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("mode %u: the writer ended with status %#x", modes[m], status);

		/* The write is in the device's page, the one everybody sees. */
		ASSERT_EQ(1, pread(self->fd, &c, 1, page_size));
		EXPECT_EQ('w', c) TH_LOG("mode %u", modes[m]);
		st = get_stats(self->fd);
		/* The first fault (the write's, or pfn's read) and the retry. */
		EXPECT_EQ(2, st.faults) TH_LOG("mode %u", modes[m]);
		EXPECT_EQ(2, st.pages_allocated);	/* the removed page, the new one */
		EXPECT_EQ(1, st.pages_resident);
		EXPECT_EQ('w', p[page_size]);		/* this process's own fault */
		EXPECT_EQ(3, get_stats(self->fd).faults);
		ASSERT_EQ(0, munmap(p, 2 * page_size));
	}
}

/* The hold switch takes its words and nothing else, and says what it is. */
TEST_F(fresh, hold_switch_refuses_what_it_does_not_know)
{
	char line[32], want[32], arm[32], *none;
	int fd;

	if (access(HOLD_FILE, F_OK))
		SKIP(return, "no " HOLD_FILE ": a module built without MMDEMO_TEST_HOLD=1");
	ASSERT_EQ(0, read_line(HOLD_FILE, line, sizeof(line)));
	EXPECT_STREQ("idle", line);
	EXPECT_EQ(-EINVAL, hold_write("fault 1"));
	EXPECT_EQ(-EINVAL, hold_write("mkwrite"));	/* whose fault? */
	EXPECT_EQ(-EINVAL, hold_write("mkwrite -1"));
	EXPECT_EQ(-EINVAL, hold_write("release now"));
	EXPECT_EQ(-EINVAL, hold_write("mkwrite 1 and then some"));
	EXPECT_EQ(-EINVAL, hold_write("mkwrite 1, and a line longer than it reads"));
	/* A word the kernel cannot read. */
	none = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	fd = open(HOLD_FILE, O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, none, 7));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
	munmap(none, page_size);
	/* Armed for this process, which faults on no mapping of the device. */
	snprintf(arm, sizeof(arm), "mkwrite %d", getpid());
	snprintf(want, sizeof(want), "armed mkwrite %d", getpid());
	ASSERT_EQ(0, hold_write(arm));
	ASSERT_EQ(0, read_line(HOLD_FILE, line, sizeof(line)));
	EXPECT_STREQ(want, line);
	ASSERT_EQ(0, write_file(HOLD_FILE, "release"));
	ASSERT_EQ(0, read_line(HOLD_FILE, line, sizeof(line)));
	EXPECT_STREQ("idle", line);
}

/*
 * ptrace() and /proc/PID/mem reach a PFN map's pages through ->access: a
 * page the device does not have reads as zeros, and allocates nothing; a
 * page past a shrink is not there to write (EIO).
 */
TEST_F(mmdemo, access_reads_zeros_and_writes_nothing_past_a_shrink)
{
	uint64_t one = page_size;
	char buf[4] = "abc";
	char *p;
	int mem;

	if (!variant->pfn)
		SKIP(return, "->access is pfn mode's: the others have pages to reach");
	p = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	mem = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, mem);
	EXPECT_EQ(sizeof(buf), pread(mem, buf, sizeof(buf), (off_t)(uintptr_t)(p + page_size)));
	EXPECT_EQ(0, memcmp(buf, "\0\0\0", sizeof(buf)));
	EXPECT_EQ(0, get_stats(self->fd).pages_allocated);
	memcpy(buf, "abc", sizeof(buf));
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &one));
	EXPECT_EQ(-1, pwrite(mem, buf, sizeof(buf), (off_t)(uintptr_t)(p + page_size)));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, get_stats(self->fd).pages_allocated);
	/* Inside the device, the same call writes. */
	EXPECT_EQ(sizeof(buf), pwrite(mem, buf, sizeof(buf), (off_t)(uintptr_t)p));
	EXPECT_STREQ("abc", p);
	close(mem);
	ASSERT_EQ(0, ioctl(self->fd, MMDEMO_IOC_RESIZE, &self->capacity));
	ASSERT_EQ(0, munmap(p, 2 * page_size));
}

MMDEMO_TEST_MAIN()
