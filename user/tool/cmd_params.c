// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo params: each parameter of mmap(addr, length, prot, flags, fd,
 * offset), tried against the real kernel, with the metrics it affects.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"

static const char params_help[] =
"Usage: mmdemo params [--json] [--device PATH]\n"
"\n"
"Demonstrate every argument of mmap(addr, length, prot, flags, fd, offset)\n"
"on the device and report what the kernel answered:\n"
"  addr     a hint the kernel may follow, versus MAP_FIXED, which places\n"
"           the mapping exactly and replaces whatever was there\n"
"  length   not a multiple of the page size: what the VMA becomes\n"
"  offset   not page aligned\n"
"  fd       MAP_ANONYMOUS with fd -1, next to the device\n"
"  flags    MAP_HUGETLB on the device\n"
"and the metrics: page size, virtual address range, Rss, shared and\n"
"private pages (smaps), faults (getrusage and the device).\n";

struct demo {
	struct cli *cli;
	int fd;
	size_t ps;
};

static void result(struct demo *d, const char *key, const char *what,
		   const char *answer)
{
	if (d->cli->json) {
		jw_object_begin(&d->cli->j, key);
		jw_string(&d->cli->j, "tried", what);
		jw_string(&d->cli->j, "answer", answer);
		/* The caller adds details, then closes the object. */
	}
	if (d->cli->text) {
		heading(d->cli, "%s", key);
		say(d->cli, "  tried   %s", what);
		say(d->cli, "  kernel  %s", answer);
	}
}

static void result_end(struct demo *d)
{
	if (d->cli->json)
		jw_object_end(&d->cli->j);
}

static const char *mmap_answer(void *p, int err, char *buf, size_t len)
{
	char name[32];

	if (p == MAP_FAILED)
		snprintf(buf, len, "refused: %s (%s)", errno_name(err, name, sizeof(name)),
			 strerror(err));
	else
		snprintf(buf, len, "mapped at %p", p);
	return buf;
}

static void demo_addr(struct demo *d)
{
	char buf[192], ans[96], *hint, *p, *anon, *fixed;

	/* Find a free range, release it, and offer it as a hint. */
	hint = mmap(NULL, 4 * d->ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hint == MAP_FAILED)
		return;
	munmap(hint, 4 * d->ps);
	hint += d->ps;
	p = mmap(hint, d->ps, PROT_READ, MAP_SHARED, d->fd, 0);
	snprintf(buf, sizeof(buf), "%s; the hint was %p, so it was %s", mmap_answer(p, errno, ans, sizeof(ans)),
		 (void *)hint, p == hint ? "followed" : "not followed");
	result(d, "addr (hint)", "mmap(hint, 1 page, PROT_READ, MAP_SHARED, dev, 0) at a free address", buf);
	if (d->cli->json) {
		jw_addr(&d->cli->j, "hint", hint);
		jw_addr(&d->cli->j, "address", p == MAP_FAILED ? NULL : p);
		jw_bool(&d->cli->j, "followed", p == hint);
	}
	result_end(d);
	if (p != MAP_FAILED)
		munmap(p, d->ps);

	/* MAP_FIXED over an existing anonymous mapping: it is replaced. */
	anon = mmap(NULL, 2 * d->ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		return;
	strcpy(anon, "anonymous data");
	if (pwrite(d->fd, "device data", 12, 0) != 12) {
		munmap(anon, 2 * d->ps);
		return;
	}
	fixed = mmap(anon, d->ps, PROT_READ, MAP_SHARED | MAP_FIXED, d->fd, 0);
	snprintf(buf, sizeof(buf), "%s; %p now reads \"%.20s\" instead of \"anonymous data\"",
		 fixed == anon ? "placed exactly there" : "refused", (void *)anon,
		 fixed == anon ? anon : "?");
	result(d, "addr (MAP_FIXED)",
	       "write \"anonymous data\" into an anonymous page, then mmap the device there with MAP_FIXED",
	       buf);
	if (d->cli->json) {
		jw_bool(&d->cli->j, "placed_exactly", fixed == anon);
		jw_string(&d->cli->j, "reads_after", fixed == anon ? anon : "");
	}
	result_end(d);
	munmap(anon, 2 * d->ps);
}

static void demo_length(struct demo *d)
{
	size_t len = d->ps + d->ps / 4;
	struct mmdemo_smaps sm = { 0 };
	char buf[160];
	char *p;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, d->fd, 0);
	if (p != MAP_FAILED)
		mmdemo_smaps(0, p, &sm);
	snprintf(buf, sizeof(buf), "%s; the VMA covers %" PRIu64 " bytes (smaps Size %" PRIu64
		 " kB): rounded up to whole pages", p == MAP_FAILED ? "refused" : "mapped",
		 sm.end - sm.start, sm.size);
	result(d, "length", "mmap 1.25 pages", buf);
	if (d->cli->json) {
		jw_u64(&d->cli->j, "requested", len);
		jw_u64(&d->cli->j, "vma_bytes", sm.end - sm.start);
	}
	result_end(d);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void demo_offset(struct demo *d)
{
	char buf[128], name[32];
	void *p = mmap(NULL, d->ps, PROT_READ, MAP_SHARED, d->fd, 100);
	int err = errno;

	result(d, "offset", "mmap with offset 100 (not page aligned)",
	       mmap_answer(p, err, buf, sizeof(buf)));
	if (d->cli->json)
		jw_string(&d->cli->j, "errno", p == MAP_FAILED ? errno_name(err, name, sizeof(name)) : "");
	result_end(d);
	if (p != MAP_FAILED)
		munmap(p, d->ps);
}

/* Maps 4 pages, touches them all, and reports smaps and fault counts. */
static void demo_fd_one(struct demo *d, bool anon)
{
	struct mmdemo_rusage r0, r1;
	struct mmdemo_stats s0, s1;
	struct mmdemo_smaps sm = { 0 };
	struct mmdemo_dev *dev = NULL;
	char buf[256];
	char *p;

	char *guard;

	/*
	 * Between two PROT_NONE guard pages, so that the kernel cannot merge
	 * the new VMA with a neighbour and smaps reports this mapping alone.
	 */
	guard = mmap(NULL, 6 * d->ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED)
		return;
	mmdemo_dev_open(d->cli->device, O_RDONLY, &dev);
	if (dev)
		mmdemo_dev_stats(dev, &s0);
	p = mmap(guard + d->ps, 4 * d->ps, PROT_READ | PROT_WRITE,
		 MAP_FIXED | (anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED),
		 anon ? -1 : d->fd, anon ? 0 : (off_t)(4 * d->ps));
	if (p == MAP_FAILED) {
		munmap(guard, 6 * d->ps);
		mmdemo_dev_close(dev);
		return;
	}
	mmdemo_rusage(&r0);
	for (int i = 0; i < 4; i++)
		p[i * d->ps] = 1;
	mmdemo_rusage(&r1);
	mmdemo_smaps(0, p, &sm);
	if (dev)
		mmdemo_dev_stats(dev, &s1);
	snprintf(buf, sizeof(buf), "%p-%p; 4 writes cost %" PRIu64 " minor faults, %" PRIu64
		 " device faults; Rss %" PRIu64 " kB, Anonymous %" PRIu64 " kB, Shared %" PRIu64
		 " kB, Private %" PRIu64 " kB", (void *)p, (void *)(p + 4 * d->ps),
		 r1.minflt - r0.minflt, dev ? (uint64_t)(s1.faults - s0.faults) : 0, sm.rss, sm.anonymous,
		 sm.shared_clean + sm.shared_dirty, sm.private_clean + sm.private_dirty);
	result(d, anon ? "fd (MAP_ANONYMOUS, fd -1)" : "fd (the device)",
	       anon ? "4 pages of anonymous memory, written once each"
		    : "4 pages of the device from offset 4 pages, MAP_SHARED, written once each", buf);
	if (d->cli->json) {
		jw_addr(&d->cli->j, "start", p);
		jw_addr(&d->cli->j, "end", p + 4 * d->ps);
		jw_u64(&d->cli->j, "minflt", r1.minflt - r0.minflt);
		jw_u64(&d->cli->j, "device_faults", dev ? (uint64_t)(s1.faults - s0.faults) : 0);
		jw_smaps(&d->cli->j, "smaps", &sm);
	}
	result_end(d);
	munmap(guard, 6 * d->ps);
	mmdemo_dev_close(dev);
}

static void demo_hugetlb(struct demo *d)
{
	char buf[200], ans[128], name[32];
	size_t len = d->cli->huge_size;
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_HUGETLB, d->fd, 0);
	int err = errno;
	char what[96];

	snprintf(buf, sizeof(buf), "%s%s", mmap_answer(p, err, ans, sizeof(ans)),
		 p == MAP_FAILED && err == EINVAL ?
		 ": MAP_HUGETLB asks for the hugetlbfs pool, which only anonymous "
		 "memory and hugetlbfs files can use" : "");
	snprintf(what, sizeof(what), "mmap %s (a PMD's worth) of the device with MAP_SHARED|MAP_HUGETLB",
		 CLI_SIZE(len));
	result(d, "flags (MAP_HUGETLB)", what, buf);
	if (d->cli->json)
		jw_string(&d->cli->j, "errno", p == MAP_FAILED ? errno_name(err, name, sizeof(name)) : "");
	result_end(d);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void demo_page_size(struct demo *d)
{
	struct mmdemo_smaps sm = { 0 };
	uint64_t around = cli_fault_around_bytes();
	char buf[400], win[80] = "fault-around window unknown (no debugfs)";
	void *p = mmap(NULL, d->ps, PROT_READ, MAP_SHARED, d->fd, 0);

	if (p != MAP_FAILED)
		mmdemo_smaps(0, p, &sm);
	if (around)
		snprintf(win, sizeof(win), "a fault-around window is %s = %llu page%s",
			 CLI_SIZE(around), (unsigned long long)(around / d->ps),
			 around / d->ps == 1 ? "" : "s");
	/* What follows from it: the size of a huge entry, of a window. */
	snprintf(buf, sizeof(buf), "sysconf(_SC_PAGESIZE) %zu bytes; smaps KernelPageSize %"
		 PRIu64 " kB, MMUPageSize %" PRIu64 " kB; so a huge (PMD) entry maps %s = %zu "
		 "pages and %s", d->ps, sm.kernel_page_size, sm.mmu_page_size,
		 CLI_SIZE(d->cli->huge_size), d->cli->huge_size / d->ps, win);
	result(d, "page size", "ask the C library and the kernel", buf);
	if (d->cli->json) {
		jw_u64(&d->cli->j, "page_size", d->ps);
		jw_u64(&d->cli->j, "kernel_page_size_kb", sm.kernel_page_size);
		jw_u64(&d->cli->j, "mmu_page_size_kb", sm.mmu_page_size);
		jw_u64(&d->cli->j, "huge_entry_size", d->cli->huge_size);
		jw_u64(&d->cli->j, "pages_per_huge_entry", d->cli->huge_size / d->ps);
		if (around)
			jw_u64(&d->cli->j, "fault_around_bytes", around);
		else
			jw_null(&d->cli->j, "fault_around_bytes");
	}
	result_end(d);
	if (p != MAP_FAILED)
		munmap(p, d->ps);
}

static int run_params(struct cli *cli, int argc, char **argv)
{
	struct mmdemo_dev *dev;
	struct demo d = { .cli = cli, .ps = cli->page_size };
	int c;

	c = cli_no_args(cli, &cmd_params, argc, argv);
	if (c >= 0)
		return c;
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	d.fd = mmdemo_dev_fd(dev);
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "params");
	}
	demo_addr(&d);
	demo_length(&d);
	demo_offset(&d);
	demo_fd_one(&d, true);
	demo_fd_one(&d, false);
	demo_hugetlb(&d);
	demo_page_size(&d);
	if (cli->json)
		jw_object_end(&cli->j);
	mmdemo_dev_close(dev);
	return 0;
}

const struct cmd cmd_params = {
	.name = "params",
	.run = run_params,
	.summary = "every mmap() argument, tried",
	.help = params_help,
};
