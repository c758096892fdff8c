// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo_fuzz: random operations on /dev/mmdemo from several processes and
 * threads, checked all along against a model of the device's contents.
 *
 *   mmdemo_fuzz [-s SEED] [-t SECONDS] [-p PROCS] [-T THREADS] [-u NOBODY]
 *
 * Defaults come from MMDEMO_FUZZ_SEED (else the clock), MMDEMO_FUZZ_SECONDS
 * (else 10), 3 processes and 2 threads each, the last process running as
 * uid 65534 on the node made world-accessible: it may do what mmdemo(4)
 * lets any user do, and gets EPERM for the rest.  The same seed gives every
 * worker the same sequence of operations; how they interleave differs.
 *
 * Each worker (one thread) owns a 4 MiB slice of the device and is the only
 * one to write there, so while it holds the shared side of a process-shared
 * rwlock, its slice of the model is exact: every byte read through a
 * mapping, read(2), /proc/self/mem, process_vm_readv() or a forked child
 * must equal it.  Operations that change the whole device (resize, reset,
 * clean) take the exclusive side and update every slice.  A MAP_PRIVATE
 * mapping's copies are modelled per mapping.  Every failing call must fail
 * with the errno its man page or mmdemo(4) lists, and with the exact one
 * where mmdemo(4) says which.  The first mismatch stops the run; it prints
 * the seed, the worker's last operations and the first differing byte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mmdemo.h>

#include "kselftest.h"

#define DEV_PATH	"/dev/mmdemo"
#define SIZE_PARAM	"/sys/module/mmdemo/parameters/size"
/*
 * A worker's slice of the device: two aligned huge (PMD) pieces where the
 * device has room for every worker's, so that huge mode maps whole ones
 * now and then; else 4 MiB, and at least 128 pages.
 */
#define SLICE_BYTES	(4UL << 20)
#define SLICE_MIN_PAGES	128
#define MAX_WORKERS	16
#define MAX_FDS		3
#define MAX_MAPS	6
#define LOG_LINES	12
#define LOG_LEN		120
#define ACCESS_MAX	512	/* bytes one load or store of a mapping moves at most */

/* Shared by every process: the lock, the verdict, the logs, dirty bits. */
struct world {
	pthread_rwlock_t lock;
	volatile int stop;
	int failed;
	char why[1024];
	unsigned long long ops[MAX_WORKERS];
	unsigned int log_pos[MAX_WORKERS];
	char log[MAX_WORKERS][LOG_LINES][LOG_LEN];
	/* Private copies past this device page were dropped by a shrink. */
	size_t cut[MAX_WORKERS];
};

struct map {
	char *addr;
	size_t pages;
	size_t first;		/* device page at addr */
	int prot;
	bool shared;
	bool ro_file;		/* its file was opened O_RDONLY */
	bool pfn;		/* PFN mode: no get_user_pages */
	bool split;		/* madvise() may have cut it into several VMAs */
	uint8_t *copy;		/* MAP_PRIVATE: the process's copies */
	bool *copied;
};

struct worker {
	int id;
	uint64_t rng;
	size_t first;		/* first device page of the slice */
	int fd[MAX_FDS];
	bool fd_rw[MAX_FDS];
	uint32_t fd_backing[MAX_FDS];
	struct map map[MAX_MAPS];
	int memfd;		/* /proc/self/mem */
	bool nobody;		/* runs as uid 65534, without CAP_SYS_ADMIN */
};

static struct world *world;
static uint8_t *model;		/* the device's bytes, slices 0..workers-1 */
static size_t page_size, capacity_pages, used_pages;
/* What a PMD entry maps (the kernel's hpage_pmd_size); pages per slice. */
static size_t huge_size, slice_pages;
static bool huge_pieces;	/* slices hold two aligned huge pieces */
/* Pages written through a shared mapping since the last clean (shared). */
static uint8_t *shared_dirty;
static uint32_t features;
static int workers;
static struct timespec started;

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - started.tv_sec) + (now.tv_nsec - started.tv_nsec) / 1e9;
}

static __thread sigjmp_buf *fault_jmp;
static __thread volatile int fault_sig;

static void on_fault(int sig)
{
	if (!fault_jmp) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	fault_sig = sig;
	siglongjmp(*fault_jmp, 1);
}

static uint64_t next(struct worker *w)
{
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static size_t pick(struct worker *w, size_t n)
{
	return n ? next(w) % n : 0;
}

static bool chance(struct worker *w, int percent)
{
	return pick(w, 100) < (size_t)percent;
}

static void note(struct worker *w, const char *fmt, ...)
{
	char *line = world->log[w->id][world->log_pos[w->id]++ % LOG_LINES];
	va_list ap;
	int n;

	n = snprintf(line, LOG_LEN, "%llu ", world->ops[w->id]);
	va_start(ap, fmt);
	vsnprintf(line + n, LOG_LEN - n, fmt, ap);
	va_end(ap);
}

/* Records the first failure and stops every worker. */
static void fail(struct worker *w, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!__atomic_exchange_n(&world->failed, w ? w->id + 1 : -1, __ATOMIC_SEQ_CST))
		snprintf(world->why, sizeof(world->why), "%s (after %.1f s)", msg, elapsed());
	world->stop = 1;
}

static bool failed(void)
{
	return __atomic_load_n(&world->failed, __ATOMIC_SEQ_CST);
}

/* errno must be one of the zero-terminated list. */
static bool errno_in(int err, const int *list)
{
	for (; *list; list++)
		if (*list == err)
			return true;
	return false;
}

/* Result of a call that must succeed. */
#define MUST(w, expr, what)							\
	do {									\
		if ((expr) < 0) {						\
			fail(w, "%s failed: %s", what, strerror(errno));	\
			return;							\
		}								\
	} while (0)

/* Result of a call that must fail with exactly @want (0: succeed). */
static bool expect(struct worker *w, long ret, int want, const char *what)
{
	int err = ret < 0 ? errno : 0;

	if (err == want)
		return true;
	fail(w, "%s: %s, expected %s", what, err ? strerror(err) : "success",
	     want ? strerror(want) : "success");
	return false;
}

/* Result of a call whose failure may be any errno of @list. */
static bool allowed(struct worker *w, long ret, const int *list, const char *what)
{
	if (ret >= 0 || errno_in(errno, list))
		return true;
	fail(w, "%s: %s, which its man page does not list", what, strerror(errno));
	return false;
}

static uint8_t *model_at(size_t dev_page)
{
	return model + dev_page * page_size;
}

/* The bytes a mapping's page should show. */
static const uint8_t *expected(struct map *m, size_t i)
{
	if (!m->shared && m->copied[i])
		return m->copy + i * page_size;
	return model_at(m->first + i);
}

static int cmp_report(struct worker *w, const char *what, const uint8_t *got,
		      const uint8_t *want, size_t len, size_t dev_off)
{
	for (size_t i = 0; i < len; i++) {
		if (got[i] != want[i]) {
			fail(w, "%s: device byte %#zx reads %#x, the model says %#x",
			     what, dev_off + i, got[i], want[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * Reads or writes @len bytes at @m's page @i, offset @off; a signal fails
 * the run (nothing here touches a page the device or prot forbids).
 */
static void access_map(struct worker *w, struct map *m, size_t i, size_t off,
		       size_t len, bool write)
{
	volatile uint8_t *p = (volatile uint8_t *)m->addr + i * page_size + off;
	sigjmp_buf jb;
	uint8_t val = (uint8_t)next(w);
	uint8_t buf[ACCESS_MAX];

	note(w, "%s map %p page %zu +%zu len %zu (%s)", write ? "store" : "load",
	     m->addr, i, off, len, m->shared ? "shared" : "private");
	fault_jmp = &jb;
	if (sigsetjmp(jb, 1)) {
		fault_jmp = NULL;
		fail(w, "signal %d on a %s at device page %zu of a %s mapping",
		     fault_sig, write ? "write" : "read", m->first + i,
		     m->shared ? "shared" : "private");
		return;
	}
	if (write) {
		for (size_t k = 0; k < len; k++)
			p[k] = val + k;
	} else {
		for (size_t k = 0; k < len; k++)
			buf[k] = p[k];
	}
	fault_jmp = NULL;

	if (!write) {
		cmp_report(w, "read through a mapping", buf, expected(m, i) + off, len,
			   (m->first + i) * page_size + off);
		return;
	}
	if (m->shared) {
		for (size_t k = 0; k < len; k++)
			model_at(m->first + i)[off + k] = val + k;
		shared_dirty[m->first + i] = 1;
		return;
	}
	if (!m->copied[i]) {
		memcpy(m->copy + i * page_size, model_at(m->first + i), page_size);
		m->copied[i] = true;
	}
	for (size_t k = 0; k < len; k++)
		m->copy[i * page_size + off + k] = val + k;
}

static struct map *some_map(struct worker *w)
{
	int start = pick(w, MAX_MAPS);

	for (int k = 0; k < MAX_MAPS; k++) {
		struct map *m = &w->map[(start + k) % MAX_MAPS];

		if (m->addr)
			return m;
	}
	return NULL;
}

static int some_fd(struct worker *w)
{
	int start = pick(w, MAX_FDS);

	for (int k = 0; k < MAX_FDS; k++)
		if (w->fd[(start + k) % MAX_FDS] >= 0)
			return (start + k) % MAX_FDS;
	return -1;
}

static void forget(struct map *m)
{
	free(m->copy);
	free(m->copied);
	memset(m, 0, sizeof(*m));
}

/* Private copies past a shrink's new end are gone, as after truncate(2). */
static void apply_cut(struct worker *w)
{
	size_t cut = world->cut[w->id];

	if (cut == SIZE_MAX)
		return;
	for (int k = 0; k < MAX_MAPS; k++) {
		struct map *m = &w->map[k];

		for (size_t i = 0; m->addr && !m->shared && i < m->pages; i++)
			if (m->first + i >= cut)
				m->copied[i] = false;
	}
	world->cut[w->id] = SIZE_MAX;
}

/* ---- operations on the worker's own slice (shared side of the lock) ---- */

/* The errno mmdemo(4) gives SET_BACKING for @b, or 0. */
static int backing_errno(uint32_t b)
{
	uint32_t mode = b & MMDEMO_BACKING_MODE_MASK;
	bool around = b & MMDEMO_BACKING_FAULT_AROUND;

	if (b & ~(MMDEMO_BACKING_MODE_MASK | MMDEMO_BACKING_FAULT_AROUND) ||
	    mode > MMDEMO_BACKING_HUGE)
		return EINVAL;
	if (mode == MMDEMO_BACKING_HUGE && !(features & MMDEMO_FEATURE_HUGE))
		return EOPNOTSUPP;
	if (around && (mode == MMDEMO_BACKING_PAGE ||
		       (mode == MMDEMO_BACKING_HUGE &&
			(features & MMDEMO_FEATURE_HUGE_PAGE_BACKED))))
		return EINVAL;
	return 0;
}

static void op_open(struct worker *w)
{
	static const int errs[] = { EACCES, EMFILE, ENFILE, ENOMEM, 0 };
	int slot = pick(w, MAX_FDS);
	bool rw = !chance(w, 25);

	if (w->fd[slot] >= 0) {
		note(w, "close fd %d", w->fd[slot]);
		close(w->fd[slot]);
		w->fd[slot] = -1;
		return;
	}
	w->fd[slot] = open(DEV_PATH, rw ? O_RDWR : O_RDONLY);
	note(w, "open %s -> %d", rw ? "O_RDWR" : "O_RDONLY", w->fd[slot]);
	if (!allowed(w, w->fd[slot], errs, "open") || w->fd[slot] < 0) {
		w->fd[slot] = -1;
		return;
	}
	w->fd_rw[slot] = rw;
	/* Every file starts in a mode of its own, one this kernel can do. */
	do {
		w->fd_backing[slot] = pick(w, MMDEMO_BACKING_HUGE + 1);
		if (chance(w, 40))
			w->fd_backing[slot] |= MMDEMO_BACKING_FAULT_AROUND;
	} while (backing_errno(w->fd_backing[slot]));
	MUST(w, ioctl(w->fd[slot], MMDEMO_IOC_SET_BACKING, &w->fd_backing[slot]),
	     "SET_BACKING");
}

static void op_set_backing(struct worker *w)
{
	int slot = some_fd(w);
	uint32_t b, got;

	if (slot < 0)
		return;
	b = pick(w, MMDEMO_BACKING_HUGE + 1);
	if (chance(w, 40))
		b |= MMDEMO_BACKING_FAULT_AROUND;
	if (chance(w, 5))
		b = (uint32_t)next(w);		/* hostile */
	note(w, "SET_BACKING %#x on fd %d", b, w->fd[slot]);
	if (!expect(w, ioctl(w->fd[slot], MMDEMO_IOC_SET_BACKING, &b), backing_errno(b),
		    "SET_BACKING"))
		return;
	if (!backing_errno(b))
		w->fd_backing[slot] = b;
	MUST(w, ioctl(w->fd[slot], MMDEMO_IOC_GET_BACKING, &got), "GET_BACKING");
	if (got != w->fd_backing[slot])
		fail(w, "GET_BACKING says %#x after SET_BACKING %#x", got, w->fd_backing[slot]);
}

static void op_mmap(struct worker *w)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE,
				     PROT_READ | PROT_WRITE };
	int slot = some_fd(w), mi, prot, flags, want = 0;
	struct map *m = NULL;
	size_t first, pages;
	off_t off;
	bool shared, pfn;
	void *addr;

	for (mi = 0; mi < MAX_MAPS && !m; mi++)
		if (!w->map[mi].addr)
			m = &w->map[mi];
	if (slot < 0 || !m)
		return;
	shared = chance(w, 65);
	prot = prots[pick(w, 4)];
	first = w->first + pick(w, slice_pages);
	pages = 1 + pick(w, w->first + slice_pages - first);
	/* Whole huge pieces now and then, for huge mode. */
	if (huge_pieces && chance(w, 30)) {
		first = w->first + pick(w, 2) * (huge_size / page_size);
		pages = (1 + pick(w, 2 - (first - w->first) / (huge_size / page_size))) *
			(huge_size / page_size);
	}
	off = (off_t)(first * page_size);
	flags = shared ? MAP_SHARED : MAP_PRIVATE;
	pfn = (w->fd_backing[slot] & MMDEMO_BACKING_MODE_MASK) == MMDEMO_BACKING_PFN;
	if (!shared && pfn)
		want = EINVAL;
	else if (shared && (prot & PROT_WRITE) && !w->fd_rw[slot])
		want = EACCES;
	switch (want ? 15 : pick(w, 16)) {	/* the hostile ones */
	case 0:
		off += 1 + pick(w, page_size - 1);
		want = EINVAL;
		break;
	case 1:
		off = (off_t)((capacity_pages + pick(w, 4)) * page_size);
		want = ENXIO;
		break;
	case 2:
		flags |= MAP_HUGETLB;
		want = EINVAL;
		break;
	}
	note(w, "mmap fd %d (backing %#x) dev page %zu +%zu prot %d %s off %#llx",
	     w->fd[slot], w->fd_backing[slot], first, pages, prot,
	     shared ? "shared" : "private", (unsigned long long)off);
	addr = mmap(NULL, pages * page_size, prot, flags, w->fd[slot], off);
	if (!expect(w, addr == MAP_FAILED ? -1 : 0, want, "mmap") || addr == MAP_FAILED)
		return;
	m->addr = addr;
	m->pages = pages;
	m->first = first;
	m->prot = prot;
	m->shared = shared;
	m->ro_file = !w->fd_rw[slot];
	m->pfn = pfn;
	if (!shared) {
		m->copy = malloc(pages * page_size);
		m->copied = calloc(pages, sizeof(bool));
		if (!m->copy || !m->copied)
			fail(w, "out of memory for the model");
	}
}

/* Drops @n pages from the start (head) or the end of @m's record. */
static void trim(struct map *m, size_t n, bool head)
{
	if (head) {
		if (!m->shared) {
			memmove(m->copy, m->copy + n * page_size, (m->pages - n) * page_size);
			memmove(m->copied, m->copied + n, (m->pages - n) * sizeof(bool));
		}
		m->addr += n * page_size;
		m->first += n;
	}
	m->pages -= n;
}

static void op_munmap(struct worker *w)
{
	struct map *m = some_map(w);
	size_t n;
	bool head;

	if (!m)
		return;
	n = 1 + pick(w, m->pages);
	head = chance(w, 50);
	note(w, "munmap %zu of %zu pages at the %s of %p", n, m->pages,
	     head ? "start" : "end", m->addr);
	MUST(w, munmap(m->addr + (head ? 0 : (m->pages - n) * page_size), n * page_size),
	     "munmap");
	if (n == m->pages)
		forget(m);
	else
		trim(m, n, head);
}

static void op_mremap(struct worker *w)
{
	static const int errs[] = { EAGAIN, EFAULT, EINVAL, ENOMEM, 0 };
	struct map *m = some_map(w);
	size_t len, n;
	char *res, *to;
	void *got;
	int err;

	if (!m)
		return;
	len = m->pages * page_size;
	switch (pick(w, 3)) {
	case 0:		/* grow: VM_DONTEXPAND says no */
		note(w, "mremap grow %p by a page", m->addr);
		expect(w, mremap(m->addr, len, len + page_size, 0) == MAP_FAILED ? -1 : 0,
		       EFAULT, "mremap grow");
		break;
	case 1:		/* shrink */
		if (m->pages < 2)
			return;
		n = 1 + pick(w, m->pages - 1);
		note(w, "mremap shrink %p to %zu pages", m->addr, n);
		got = mremap(m->addr, len, n * page_size, 0);
		if (expect(w, got == MAP_FAILED ? -1 : 0, 0, "mremap shrink"))
			trim(m, m->pages - n, false);
		break;
	default:	/* move into a reservation, PMD-aligned or not */
		/* Other threads map too: the target stays ours until replaced. */
		res = mmap(NULL, len + 2 * huge_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		MUST(w, res == MAP_FAILED ? -1 : 0, "mmap reservation");
		to = (char *)(((uintptr_t)res + huge_size - 1) & ~(huge_size - 1));
		if (chance(w, 50))
			to += page_size * (1 + pick(w, 4));
		note(w, "mremap move %p (%zu pages) to %p", m->addr, m->pages, (void *)to);
		got = mremap(m->addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		err = errno;
		if (to > res)
			munmap(res, to - res);
		munmap(to + len, res + len + 2 * huge_size - (to + len));
		errno = err;
		if (!allowed(w, got == MAP_FAILED ? -1 : 0, errs, "mremap move"))
			return;
		/* mremap(2): EFAULT where the range holds several mappings. */
		if (got != MAP_FAILED)
			m->addr = got;
		else if (!m->split || errno != EFAULT)
			fail(w, "mremap move failed: %s", strerror(errno));
		break;
	}
}

static void op_mprotect(struct worker *w)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	struct map *m = some_map(w);
	int prot = prots[pick(w, 3)];

	if (!m)
		return;
	note(w, "mprotect %p %zu pages %d -> %d", m->addr, m->pages, m->prot, prot);
	/* Only a read-only file's shared mapping refuses PROT_WRITE. */
	if (expect(w, mprotect(m->addr, m->pages * page_size, prot),
		   m->shared && m->ro_file && (prot & PROT_WRITE) ? EACCES : 0, "mprotect") &&
	    !(m->shared && m->ro_file && (prot & PROT_WRITE)))
		m->prot = prot;
}

/*
 * Makes every page of private, writable @m a copy of what it shows now, by
 * writing a byte's own value back: after mlock() or MADV_POPULATE_WRITE,
 * which copy some pages or all depending on the mode, the model is exact
 * again.
 */
static void copy_all(struct worker *w, struct map *m)
{
	sigjmp_buf jb;
	size_t i = 0;

	fault_jmp = &jb;
	if (sigsetjmp(jb, 1)) {
		fault_jmp = NULL;
		fail(w, "signal %d writing device page %zu of a private mapping",
		     fault_sig, m->first + i);
		return;
	}
	for (; i < m->pages; i++) {
		volatile uint8_t *p = (volatile uint8_t *)m->addr + i * page_size;

		*p = expected(m, i)[0];
		if (!m->copied[i]) {
			memcpy(m->copy + i * page_size, model_at(m->first + i), page_size);
			m->copied[i] = true;
		}
	}
	fault_jmp = NULL;
}

static void op_madvise(struct worker *w)
{
	static const struct { int advice; const char *name; } advs[] = {
		{ MADV_DONTNEED, "DONTNEED" }, { MADV_WILLNEED, "WILLNEED" },
		{ MADV_NORMAL, "NORMAL" }, { MADV_RANDOM, "RANDOM" },
		{ MADV_SEQUENTIAL, "SEQUENTIAL" },
#ifdef MADV_COLD
		{ MADV_COLD, "COLD" }, { MADV_PAGEOUT, "PAGEOUT" },
#endif
#ifdef MADV_POPULATE_READ
		{ MADV_POPULATE_READ, "POPULATE_READ" },
		{ MADV_POPULATE_WRITE, "POPULATE_WRITE" },
#endif
		{ MADV_FREE, "FREE" }, { MADV_REMOVE, "REMOVE" },
	};
	static const int errs[] = { EACCES, EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, EIO,
				    ENOMEM, EPERM, 0 };
	/*
	 * A hole punched with fallocate(), which the VFS does for no device:
	 * fallocate(2)'s ENODEV, after madvise(2)'s own checks (EINVAL if
	 * locked, EACCES unless shared and writable).  It never succeeds.
	 */
	static const int remove_errs[] = { EACCES, EINVAL, ENODEV, 0 };
	struct map *m = some_map(w);
	size_t a = pick(w, sizeof(advs) / sizeof(advs[0])), first, n;
	int ret;

	if (!m)
		return;
	first = pick(w, m->pages);
	n = 1 + pick(w, m->pages - first);
	note(w, "madvise %s %p pages %zu +%zu", advs[a].name, m->addr, first, n);
	ret = madvise(m->addr + first * page_size, n * page_size, advs[a].advice);
	if (advs[a].advice == MADV_REMOVE) {
		if (!ret)
			fail(w, "MADV_REMOVE worked on a device that cannot punch holes");
		else
			allowed(w, ret, remove_errs, "REMOVE");
		return;
	}
	if (!allowed(w, ret, errs, advs[a].name))
		return;
	/* These set VMA flags, on part of the mapping if asked to. */
	if (advs[a].advice == MADV_NORMAL || advs[a].advice == MADV_RANDOM ||
	    advs[a].advice == MADV_SEQUENTIAL)
		m->split |= n < m->pages;
	if (m->shared)
		return;
	if (!ret && advs[a].advice == MADV_DONTNEED) {
		for (size_t i = first; i < first + n; i++)
			m->copied[i] = false;
		return;
	}
#ifdef MADV_POPULATE_WRITE
	/* A write fault, whole or partial, may have copied any page. */
	if (advs[a].advice == MADV_POPULATE_WRITE && (m->prot & PROT_WRITE)) {
		if (ret) {
			note(w, "unmap %p: populate failed part way", m->addr);
			munmap(m->addr, m->pages * page_size);
			forget(m);
			return;
		}
		copy_all(w, m);
	}
#endif
}

static void op_mlock(struct worker *w)
{
	static const int errs[] = { EAGAIN, EINVAL, ENOMEM, EPERM, 0 };
	struct map *m = some_map(w);
	int ret;

	if (!m)
		return;
	if (chance(w, 50)) {
		note(w, "munlock %p", m->addr);
		allowed(w, munlock(m->addr, m->pages * page_size), errs, "munlock");
		return;
	}
	note(w, "mlock %p %zu pages", m->addr, m->pages);
	ret = mlock(m->addr, m->pages * page_size);
	if (!allowed(w, ret, errs, "mlock"))
		return;
	/* mlock breaks COW in private writable mappings, or some of them. */
	if (!m->shared && (m->prot & PROT_WRITE)) {
		if (ret) {
			munmap(m->addr, m->pages * page_size);
			forget(m);
			return;
		}
		copy_all(w, m);
	}
}

static void op_msync(struct worker *w)
{
	static const int flags[] = { MS_ASYNC, MS_SYNC, MS_INVALIDATE, MS_ASYNC | MS_INVALIDATE,
				     MS_SYNC | MS_INVALIDATE };
	static const int errs[] = { EBUSY, EINVAL, ENOMEM, 0 };
	struct map *m = some_map(w);
	int f = flags[pick(w, 5)], ret;
	bool ok;

	if (!m)
		return;
	note(w, "msync %p %#x", m->addr, f);
	ret = msync(m->addr, m->pages * page_size, f);
	/* EBUSY: MS_INVALIDATE of locked pages; else msync always works. */
	ok = f & MS_INVALIDATE ? allowed(w, ret, errs, "msync") : expect(w, ret, 0, "msync");
	if (!ok)
		return;
	/* MS_SYNC is fsync() of the range: its pages are clean now. */
	if (!ret && (f & MS_SYNC) && m->shared)
		memset(shared_dirty + m->first, 0, m->pages);
}

/*
 * Every page of [first, first + n) written through a shared mapping since
 * the last clean must be dirty; more may be (write(2) and other writers).
 */
static void check_dirty(struct worker *w, int fd, size_t first, size_t n)
{
	struct mmdemo_dirty *d = calloc(1, sizeof(*d) + n);

	if (!d) {
		fail(w, "out of memory");
		return;
	}
	d->first_page = first;
	d->nr_pages = n;
	if (ioctl(fd, MMDEMO_IOC_GET_DIRTY, d))
		fail(w, "GET_DIRTY of pages %zu +%zu: %s", first, n, strerror(errno));
	for (size_t i = 0; i < n && !failed(); i++)
		if (shared_dirty[first + i] && !d->dirty[i])
			fail(w, "page %zu was written through a shared mapping but is not dirty",
			     first + i);
	free(d);
}

static void op_touch(struct worker *w)
{
	struct map *m = some_map(w);
	size_t i, off, len;
	bool write;

	if (!m || m->prot == PROT_NONE)
		return;
	write = (m->prot & PROT_WRITE) && chance(w, 50);
	for (int k = 0; k < 1 + (int)pick(w, 8) && !failed(); k++) {
		i = pick(w, m->pages);
		off = pick(w, page_size);
		len = 1 + pick(w, page_size - off < ACCESS_MAX ? page_size - off : ACCESS_MAX);
		access_map(w, m, i, off, len, write);
	}
	if (write && m->shared && some_fd(w) >= 0 && chance(w, 30)) {
		note(w, "GET_DIRTY of the pages just written");
		check_dirty(w, w->fd[some_fd(w)], m->first, m->pages);
	}
}

static void op_file_io(struct worker *w)
{
	int slot = some_fd(w), fd;
	size_t len = 1 + pick(w, 3 * page_size);
	size_t off = w->first * page_size + pick(w, slice_pages * page_size - len);
	uint8_t *buf;
	ssize_t got;

	if (slot < 0)
		return;
	fd = w->fd[slot];
	buf = malloc(len);
	if (!buf) {
		fail(w, "out of memory");
		return;
	}
	if (chance(w, 50)) {
		bool viaseek = chance(w, 40);

		note(w, "%s fd %d off %#zx len %zu", viaseek ? "lseek+read" : "pread", fd, off, len);
		if (viaseek) {
			if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off)
				fail(w, "lseek SEEK_SET: %s", strerror(errno));
			got = read(fd, buf, len);
		} else {
			got = pread(fd, buf, len, (off_t)off);
		}
		if (got != (ssize_t)len)
			fail(w, "read of %zu bytes: %zd (%s)", len, got, strerror(errno));
		else
			cmp_report(w, "read(2)", buf, model + off, len, off);
	} else {
		uint8_t v = (uint8_t)next(w);

		for (size_t k = 0; k < len; k++)
			buf[k] = v ^ (uint8_t)k;
		note(w, "pwrite fd %d off %#zx len %zu", fd, off, len);
		got = pwrite(fd, buf, len, (off_t)off);
		if (!w->fd_rw[slot])
			expect(w, got, EBADF, "pwrite on a read-only file");
		else if (got != (ssize_t)len)
			fail(w, "pwrite of %zu bytes: %zd (%s)", len, got, strerror(errno));
		else
			memcpy(model + off, buf, len);
	}
	/* Where the end is, and what lies past it. */
	if (chance(w, 10)) {
		note(w, "lseek SEEK_END, pwrite and pread past the end");
		if (lseek(fd, 0, SEEK_END) != (off_t)(capacity_pages * page_size))
			fail(w, "lseek SEEK_END is not the device size");
		if (w->fd_rw[slot])
			expect(w, pwrite(fd, buf, 1, (off_t)(capacity_pages * page_size)), ENOSPC,
			       "pwrite at the end");
		if (pread(fd, buf, 1, (off_t)(capacity_pages * page_size)) != 0)
			fail(w, "pread at the end is not 0");
	}
	free(buf);
}

/* /proc/self/mem, process_vm_readv() and a forked child see the model. */
static void op_other_readers(struct worker *w)
{
	struct map *m = some_map(w);
	size_t i, off, len;
	uint8_t buf[256];
	const char *what;
	ssize_t got;

	if (!m || !(m->prot & PROT_READ))
		return;
	i = pick(w, m->pages);
	off = pick(w, page_size - sizeof(buf));
	len = 1 + pick(w, sizeof(buf));
	switch (pick(w, 3)) {
	case 0:
		what = "/proc/self/mem";
		note(w, "%s read %p page %zu", what, m->addr, i);
		got = pread(w->memfd, buf, len, (off_t)(uintptr_t)(m->addr + i * page_size + off));
		break;
	case 1: {
		struct iovec local = { buf, len };
		struct iovec remote = { m->addr + i * page_size + off, len };

		what = "process_vm_readv";
		note(w, "%s %p page %zu", what, m->addr, i);
		got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (m->pfn) {
			expect(w, got, EFAULT, "process_vm_readv of a PFN map");
			return;
		}
		break;
	}
	default: {
		int status;
		pid_t pid;

		note(w, "fork; the child reads %p page %zu", m->addr, i);
		pid = fork();
		if (pid < 0) {
			fail(w, "fork: %s", strerror(errno));
			return;
		}
		if (pid == 0) {
			const uint8_t *want = expected(m, i) + off;

			for (size_t k = 0; k < len; k++)
				if (((volatile uint8_t *)m->addr)[i * page_size + off + k] != want[k])
					_exit(1);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || status)
			fail(w, "a forked child read other bytes than the model (status %#x)",
			     status);
		return;
	}
	}
	/* /proc/self/mem and process_vm_readv: all of it, and the model's bytes. */
	if (got != (ssize_t)len)
		fail(w, "%s: %zd (%s)", what, got, strerror(errno));
	else
		cmp_report(w, what, buf, expected(m, i) + off, len,
			   (m->first + i) * page_size + off);
}

static void op_ioctl(struct worker *w)
{
	int slot = some_fd(w), fd;
	union {
		struct mmdemo_page_faults pf;
		struct mmdemo_dirty d;
		char room[sizeof(struct mmdemo_page_faults) + 64 * sizeof(__u32)];
	} u;
	struct mmdemo_stats st;
	struct mmdemo_info info;
	uint32_t us, feat;
	size_t n, first;

	if (slot < 0)
		return;
	fd = w->fd[slot];
	switch (pick(w, 8)) {
	case 0:
		note(w, "STATS, INFO, GET_FEATURES");
		MUST(w, ioctl(fd, MMDEMO_IOC_STATS, &st), "STATS");
		if (st.pages_resident > capacity_pages)
			fail(w, "STATS: %llu pages resident, capacity %zu",
			     (unsigned long long)st.pages_resident, capacity_pages);
		MUST(w, ioctl(fd, MMDEMO_IOC_INFO, &info), "INFO");
		if (info.size != capacity_pages * page_size || info.version != MMDEMO_API_VERSION)
			fail(w, "INFO: size %llu version %u", (unsigned long long)info.size,
			     info.version);
		MUST(w, ioctl(fd, MMDEMO_IOC_GET_FEATURES, &feat), "GET_FEATURES");
		if (feat != features)
			fail(w, "GET_FEATURES changed: %#x, was %#x", feat, features);
		break;
	case 1:
	case 2: {
		bool dirty = pick(w, 2);
		unsigned long cmd = dirty ? MMDEMO_IOC_GET_DIRTY : MMDEMO_IOC_PAGE_FAULTS;
		int want = 0;

		first = w->first + pick(w, slice_pages - 64);
		n = 1 + pick(w, 64);
		memset(&u, 0, sizeof(u));
		switch (pick(w, 10)) {
		case 0: n = 0; want = EINVAL; break;
		case 1: first = capacity_pages - n + 1 + pick(w, 8); want = EINVAL; break;
		case 2: u.pf.pad = 1 + pick(w, 100); want = EINVAL; break;
		case 3: first = (size_t)next(w); want = EINVAL; break;
		}
		/* Both structures begin alike. */
		u.pf.first_page = first;
		u.pf.nr_pages = n;
		note(w, "%s first %zu nr %zu pad %u", dirty ? "GET_DIRTY" : "PAGE_FAULTS",
		     first, n, u.pf.pad);
		if (!expect(w, ioctl(fd, cmd, &u), want, dirty ? "GET_DIRTY" : "PAGE_FAULTS"))
			break;
		if (dirty && !want)
			check_dirty(w, fd, w->first, slice_pages);
		if (chance(w, 20))
			expect(w, ioctl(fd, cmd, (void *)8), EFAULT, "a bad pointer");
		break;
	}
	case 3:
		note(w, "ZAP on fd %d", fd);
		expect(w, ioctl(fd, MMDEMO_IOC_ZAP), w->fd_rw[slot] ? 0 : EBADF, "ZAP");
		break;
	case 4:
		us = pick(w, 4) ? (uint32_t)pick(w, 60) : 0;
		if (chance(w, 10))
			us = MMDEMO_MAX_LATENCY_US + 1 + (uint32_t)pick(w, 1000);
		note(w, "SET_LATENCY %u on fd %d", us, fd);
		expect(w, ioctl(fd, MMDEMO_IOC_SET_LATENCY, &us),
		       w->nobody ? EPERM : !w->fd_rw[slot] ? EBADF :
		       us > MMDEMO_MAX_LATENCY_US ? EINVAL : 0, "SET_LATENCY");
		break;
	case 5:
		op_set_backing(w);
		break;
	case 6:
		note(w, "unknown ioctl");
		expect(w, ioctl(fd, _IO(MMDEMO_IOC_MAGIC, 0x7f)), ENOTTY, "unknown ioctl");
		break;
	default:
		note(w, "INFO into a bad pointer");
		expect(w, ioctl(fd, MMDEMO_IOC_INFO, (void *)16), EFAULT, "INFO to a bad pointer");
		break;
	}
}

/* ---- operations on the whole device (exclusive side of the lock) ---- */

static void zero_from(size_t dev_page)
{
	if (dev_page >= used_pages)
		return;
	memset(model_at(dev_page), 0, (used_pages - dev_page) * page_size);
	memset(shared_dirty + dev_page, 0, used_pages - dev_page);
	for (int k = 0; k < workers; k++)
		if (world->cut[k] > dev_page)
			world->cut[k] = dev_page;
}

static void op_resize(struct worker *w, int fd, bool rw)
{
	uint64_t bytes = (1 + pick(w, used_pages)) * page_size - pick(w, page_size);
	uint64_t full = capacity_pages * page_size;
	size_t end = (bytes + page_size - 1) / page_size;

	note(w, "RESIZE %#llx and back", (unsigned long long)bytes);
	if (w->nobody) {
		expect(w, ioctl(fd, MMDEMO_IOC_RESIZE, &bytes), EPERM, "RESIZE unprivileged");
		return;
	}
	if (!rw) {
		expect(w, ioctl(fd, MMDEMO_IOC_RESIZE, &bytes), EBADF, "RESIZE read-only");
		return;
	}
	if (chance(w, 10)) {
		uint64_t bad = chance(w, 50) ? 0 : full + 1 + pick(w, page_size);

		expect(w, ioctl(fd, MMDEMO_IOC_RESIZE, &bad), EINVAL, "RESIZE out of range");
	}
	MUST(w, ioctl(fd, MMDEMO_IOC_RESIZE, &bytes), "RESIZE shrink");
	zero_from(end);
	apply_cut(w);
	/* Past the new end: SIGBUS; before it: the data. */
	for (int k = 0; k < MAX_MAPS && !failed(); k++) {
		struct map *m = &w->map[k];
		volatile char *p;
		sigjmp_buf jb;
		size_t i;

		if (!m->addr || !(m->prot & PROT_READ))
			continue;
		i = pick(w, m->pages);
		p = m->addr + i * page_size;
		fault_sig = 0;
		fault_jmp = &jb;
		if (!sigsetjmp(jb, 1))
			(void)*p;
		fault_jmp = NULL;
		if (fault_sig != (m->first + i >= end ? SIGBUS : 0))
			fail(w, "device page %zu after a shrink to %zu pages: signal %d",
			     m->first + i, end, fault_sig);
		else if (!fault_sig && (uint8_t)*p != expected(m, i)[0])
			fail(w, "device page %zu changed by a shrink past it", m->first + i);
	}
	MUST(w, ioctl(fd, MMDEMO_IOC_RESIZE, &full), "RESIZE grow");
}

static void op_global(struct worker *w)
{
	int slot = some_fd(w), fd;
	struct mmdemo_stats st;
	uint8_t *d;

	if (slot < 0)
		return;
	fd = w->fd[slot];
	switch (pick(w, 3)) {
	case 0:
		op_resize(w, fd, w->fd_rw[slot]);
		break;
	case 1:
		MUST(w, ioctl(fd, MMDEMO_IOC_STATS, &st), "STATS");
		note(w, "RESET with %llu VMAs", (unsigned long long)st.vmas);
		if (!expect(w, ioctl(fd, MMDEMO_IOC_RESET),
			    !w->fd_rw[slot] ? EBADF : st.vmas ? EBUSY : 0, "RESET"))
			break;
		if (w->fd_rw[slot] && !st.vmas)
			zero_from(0);
		break;
	default:
		/* fsync(2) and fdatasync(2) clean the whole device too. */
		switch (pick(w, 3)) {
		case 0:
			note(w, "CLEAN");
			MUST(w, ioctl(fd, MMDEMO_IOC_CLEAN), "CLEAN");
			break;
		case 1:
			note(w, "fsync");
			MUST(w, fsync(fd), "fsync");
			break;
		default:
			note(w, "fdatasync");
			MUST(w, fdatasync(fd), "fdatasync");
			break;
		}
		memset(shared_dirty, 0, used_pages);
		d = calloc(1, sizeof(struct mmdemo_dirty) + used_pages);
		if (!d) {
			fail(w, "out of memory");
			return;
		}
		((struct mmdemo_dirty *)d)->nr_pages = used_pages;
		MUST(w, ioctl(fd, MMDEMO_IOC_GET_DIRTY, d), "GET_DIRTY");
		for (size_t i = 0; i < used_pages; i++)
			if (((struct mmdemo_dirty *)d)->dirty[i]) {
				fail(w, "page %zu is dirty right after CLEAN", i);
				break;
			}
		free(d);
		break;
	}
}

typedef void (*op_fn)(struct worker *w);

static void *run_worker(void *arg)
{
	static const struct { op_fn fn; int weight; } ops[] = {
		{ op_open, 4 }, { op_mmap, 12 }, { op_munmap, 6 }, { op_mremap, 4 },
		{ op_mprotect, 4 }, { op_madvise, 6 }, { op_mlock, 2 }, { op_msync, 2 },
		{ op_touch, 30 }, { op_file_io, 12 }, { op_other_readers, 6 },
		{ op_ioctl, 10 },
	};
	struct worker *w = arg;
	int total = 2;		/* op_global's weight */

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		total += ops[k].weight;
	while (!world->stop) {
		int r = pick(w, total);
		size_t k;

		if (r < 2) {
			pthread_rwlock_wrlock(&world->lock);
			apply_cut(w);
			op_global(w);
		} else {
			r -= 2;
			for (k = 0; r >= ops[k].weight; k++)
				r -= ops[k].weight;
			pthread_rwlock_rdlock(&world->lock);
			apply_cut(w);
			ops[k].fn(w);
		}
		pthread_rwlock_unlock(&world->lock);
		world->ops[w->id]++;
	}
	for (int k = 0; k < MAX_MAPS; k++)
		if (w->map[k].addr) {
			munmap(w->map[k].addr, w->map[k].pages * page_size);
			forget(&w->map[k]);
		}
	for (int k = 0; k < MAX_FDS; k++)
		if (w->fd[k] >= 0)
			close(w->fd[k]);
	return NULL;
}

static void init_worker(struct worker *w, int id, uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->rng = seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1));
	w->first = (size_t)id * slice_pages;
	for (int k = 0; k < MAX_FDS; k++)
		w->fd[k] = -1;
	world->cut[id] = SIZE_MAX;
}

/*
 * One process: @threads workers, from @first_id on; as uid 65534 if
 * @nobody, which may do all but what needs CAP_SYS_ADMIN (mmdemo(4)).
 */
static int run_process(int first_id, int threads, uint64_t seed, bool nobody)
{
	struct worker *ws = calloc(threads, sizeof(*ws));
	pthread_t *tids = calloc(threads, sizeof(*tids));
	int memfd;

	/*
	 * Dropping privileges makes the process undumpable, and its /proc
	 * files root's: dumpable again, its own /proc/self/mem is its own.
	 */
	if (nobody && (setgroups(0, NULL) || setgid(65534) || setuid(65534) ||
		       prctl(PR_SET_DUMPABLE, 1)))
		return 3;
	memfd = open("/proc/self/mem", O_RDONLY);
	if (!ws || !tids || memfd < 0)
		return 2;
	for (int t = 0; t < threads; t++) {
		init_worker(&ws[t], first_id + t, seed);
		ws[t].memfd = memfd;
		ws[t].nobody = nobody;
	}
	for (int t = 1; t < threads; t++)
		if (pthread_create(&tids[t], NULL, run_worker, &ws[t]))
			return 2;
	run_worker(&ws[0]);
	for (int t = 1; t < threads; t++)
		pthread_join(tids[t], NULL);
	return 0;
}

static int read_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	int ok = f && fscanf(f, "%" SCNu64, v) == 1;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/* After the run: every byte of the used part of the device, by read(2). */
static void final_check(int fd)
{
	uint8_t *buf = malloc(page_size);
	struct mmdemo_stats st;

	if (ioctl(fd, MMDEMO_IOC_STATS, &st) || st.vmas)
		fail(NULL, "after the run: %llu VMAs still counted", (unsigned long long)st.vmas);
	for (size_t p = 0; buf && p < used_pages && !failed(); p++) {
		if (pread(fd, buf, page_size, (off_t)(p * page_size)) != (ssize_t)page_size) {
			fail(NULL, "final read of page %zu: %s", p, strerror(errno));
			break;
		}
		cmp_report(NULL, "final read(2)", buf, model_at(p), page_size, p * page_size);
	}
	free(buf);
}

static void usage(void)
{
	fprintf(stderr, "usage: mmdemo_fuzz [-s SEED] [-t SECONDS] [-p PROCS] [-T THREADS] [-u NOBODY]\n"
		"  -u: how many of the processes run as uid 65534 (default 1 if PROCS > 1)\n");
	exit(KSFT_FAIL);
}

int main(int argc, char **argv)
{
	const char *env_seed = getenv("MMDEMO_FUZZ_SEED"), *env_secs = getenv("MMDEMO_FUZZ_SECONDS");
	uint64_t seed = env_seed ? strtoull(env_seed, NULL, 0) : (uint64_t)time(NULL);
	int seconds = env_secs ? atoi(env_secs) : 10, procs = 3, threads = 2, nobody = -1, opt, fd;
	struct stat node;
	pthread_rwlockattr_t attr;
	unsigned long long total = 0;
	pid_t pids[MAX_WORKERS];
	uint64_t cap, pmd;
	uint32_t zero = 0;
	struct sigaction sa = { .sa_handler = on_fault, .sa_flags = SA_NODEFER };

	while ((opt = getopt(argc, argv, "s:t:p:T:u:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'p': procs = atoi(optarg); break;
		case 'T': threads = atoi(optarg); break;
		case 'u': nobody = atoi(optarg); break;
		default: usage();
		}
	}
	if (nobody < 0)
		nobody = procs > 1;
	if (optind != argc || seconds < 1 || procs < 1 || threads < 1 ||
	    procs * threads > MAX_WORKERS || nobody > procs)
		usage();

	ksft_print_header();
	ksft_set_plan(1);
	page_size = sysconf(_SC_PAGESIZE);
	fd = open(DEV_PATH, O_RDWR);
	if (fd < 0 || read_u64(SIZE_PARAM, &cap))
		ksft_exit_skip(DEV_PATH " is absent: load mmdemo.ko first\n");
	if (ioctl(fd, MMDEMO_IOC_RESIZE, &cap) || ioctl(fd, MMDEMO_IOC_RESET) ||
	    ioctl(fd, MMDEMO_IOC_CLEAN) || ioctl(fd, MMDEMO_IOC_GET_FEATURES, &features))
		ksft_exit_fail_msg("cannot start from an empty device: %s\n", strerror(errno));
	/*
	 * Unprivileged processes need the node world-accessible, as the
	 * module's mode=0666 makes it; the mode is put back at the end.
	 */
	if (fstat(fd, &node) || (nobody && fchmod(fd, 0666)))
		ksft_exit_fail_msg("cannot make " DEV_PATH " accessible to uid 65534: %s\n",
				   strerror(errno));
	capacity_pages = cap / page_size;
	workers = procs * threads;
	/* Without THP there is no such file: a PMD maps a page of PTEs. */
	if (read_u64("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &pmd) || !pmd)
		pmd = page_size / sizeof(uint64_t) * page_size;
	huge_size = pmd;
	slice_pages = 2 * huge_size / page_size;
	huge_pieces = (size_t)workers * slice_pages <= capacity_pages;
	if (!huge_pieces) {
		slice_pages = SLICE_BYTES / page_size;
		if (slice_pages < SLICE_MIN_PAGES)
			slice_pages = SLICE_MIN_PAGES;
		ksft_print_msg("no huge pieces: %d workers would need %zu MiB of device for two PMD entries each\n",
			       workers, (size_t)workers * 2 * huge_size >> 20);
	}
	if ((size_t)workers * slice_pages > capacity_pages)
		ksft_exit_skip("%d workers need %d MiB of device\n", workers,
			       (int)(workers * slice_pages * page_size >> 20));
	used_pages = (size_t)workers * slice_pages;

	world = mmap(NULL, sizeof(*world), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared_dirty = mmap(NULL, used_pages, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	model = mmap(NULL, used_pages * page_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (world == MAP_FAILED || model == MAP_FAILED || shared_dirty == MAP_FAILED)
		ksft_exit_fail_msg("no memory for the model\n");
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	/* Whole-device operations must not starve behind the others. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&world->lock, &attr);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &started);
	ksft_print_msg("seed %llu: %d processes (%d as uid 65534) x %d threads for %d s (rerun: mmdemo_fuzz -s %llu -t %d -p %d -T %d -u %d)\n",
		       (unsigned long long)seed, procs, nobody, threads, seconds,
		       (unsigned long long)seed, seconds, procs, threads, nobody);
	for (int p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		/* The last @nobody processes drop their privileges. */
		if (pids[p] == 0)
			_exit(run_process(p * threads, threads, seed, p >= procs - nobody));
	}
	for (int s = 0; s < seconds * 10 && !world->stop; s++)
		usleep(100000);
	world->stop = 1;
	for (int p = 0; p < procs; p++) {
		int status = 0;

		/* A hung worker is a failure too: the VM's timeout would hide which. */
		for (int t = 0; t < 600; t++) {
			if (waitpid(pids[p], &status, WNOHANG) == pids[p])
				break;
			if (t == 599) {
				fail(NULL, "process %d did not stop within 60 s", p);
				kill(pids[p], SIGKILL);
				waitpid(pids[p], &status, 0);
			}
			usleep(100000);
		}
		if (!failed() && status)
			fail(NULL, "process %d ended with status %#x", p, status);
	}
	ioctl(fd, MMDEMO_IOC_SET_LATENCY, &zero);
	if (!failed())
		final_check(fd);
	fchmod(fd, node.st_mode & 07777);
	close(fd);

	for (int k = 0; k < workers; k++)
		total += world->ops[k];
	if (failed()) {
		int who = world->failed - 1;

		ksft_print_msg("FAIL: %s\n", world->why);
		ksft_print_msg("seed %llu; rerun: mmdemo_fuzz -s %llu -t %d -p %d -T %d -u %d\n",
			       (unsigned long long)seed, (unsigned long long)seed, seconds,
			       procs, threads, nobody);
		if (who >= 0) {
			ksft_print_msg("worker %d's last operations (op number first):\n", who);
			for (unsigned int l = LOG_LINES; l > 0; l--) {
				unsigned int pos = world->log_pos[who];

				if (pos >= l)
					ksft_print_msg("  %s\n", world->log[who][(pos - l) % LOG_LINES]);
			}
		}
	}
	ksft_test_result(!failed(), "fuzz: %llu operations, %d processes (%d as uid 65534) x %d threads, %d s, seed %llu\n",
			 total, procs, nobody, threads, seconds, (unsigned long long)seed);
	ksft_finished();
}
