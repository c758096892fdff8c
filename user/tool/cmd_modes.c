// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo modes: the ways the device can back a mapping, side by side, each
 * measured on the running kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"

static const char modes_help[] =
"Usage: mmdemo modes [--json] [--device PATH]\n"
"\n"
"Map 4 device pages in each backing mode (page, insert, pfn, eager, and\n"
"huge where the kernel can; see mmdemo(4)), read them once, and report\n"
"what the kernel did: device\n"
"faults and minor faults of the first touches, smaps Rss and VmFlags,\n"
"what mincore() sees, whether fork() copied the page-table entries (the\n"
"child's first touch faults or not), whether get_user_pages() works\n"
"(process_vm_readv), and what a MAP_PRIVATE write costs.\n";

#define PAGES	4

struct mode_result {
	uint32_t backing;
	uint64_t dev_faults, minflt;	/* of the first touch of each page */
	struct mmdemo_smaps smaps;
	int resident;			/* mincore() */
	int child_faults;		/* device faults of a child's first touch */
	int gup_err;			/* process_vm_readv(): 0 or errno */
	int private_err;		/* mmap(MAP_PRIVATE): 0 or errno */
	uint64_t private_minflt;	/* minor faults of the first private write */
};

/* Device faults a forked child takes on its first touch of page 0. */
static int child_faults(struct mmdemo_dev *dev, volatile char *p)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		uint64_t before = cli_dev_faults(dev);

		(void)p[0];
		_exit((int)(cli_dev_faults(dev) - before));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int measure(struct cli *cli, struct mmdemo_dev *dev, uint32_t backing,
		   struct mode_result *m)
{
	size_t ps = cli->page_size, len = PAGES * ps;
	struct mmdemo_rusage r0, r1;
	unsigned char vec[PAGES];
	char buf[4];
	struct iovec local = { buf, sizeof(buf) }, remote;
	uint64_t f0;
	char *p;
	int err;

	memset(m, 0, sizeof(*m));
	m->backing = backing;
	err = mmdemo_dev_set_backing(dev, backing);
	if (!err)
		err = mmdemo_map(dev, NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				 (void **)&p);
	if (err)
		return err;
	mmdemo_rusage(&r0);
	f0 = cli_dev_faults(dev);
	mmdemo_rusage(&r0);
	for (int i = 0; i < PAGES; i++)
		(void)((volatile char *)p)[i * ps];
	mmdemo_rusage(&r1);
	m->dev_faults = cli_dev_faults(dev) - f0;
	m->minflt = r1.minflt - r0.minflt;
	mmdemo_smaps(0, p, &m->smaps);
	mmdemo_residency(p, len, vec);
	for (int i = 0; i < PAGES; i++)
		m->resident += vec[i];
	m->child_faults = child_faults(dev, p);
	remote = (struct iovec){ p, sizeof(buf) };
	m->gup_err = process_vm_readv(getpid(), &local, 1, &remote, 1, 0) < 0 ? errno : 0;
	mmdemo_unmap(p, len);

	err = mmdemo_map(dev, NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, (void **)&p);
	m->private_err = -err;
	if (!err) {
		mmdemo_rusage(&r0);
		mmdemo_rusage(&r0);
		*(volatile char *)p = 1;
		mmdemo_rusage(&r1);
		m->private_minflt = r1.minflt - r0.minflt;
		mmdemo_unmap(p, ps);
	}
	return 0;
}

static void flag_list(const struct mmdemo_smaps *sm, char *buf, size_t len)
{
	static const char * const shown[] = { "mm", "pf", "hg" };
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (mmdemo_smaps_has_flag(sm, shown[i]) && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", shown[i]);
	if (!*buf)
		snprintf(buf, len, "-");
}

static void report(struct cli *cli, const struct mode_result *m)
{
	char flags[12], err[32], priv[40];

	flag_list(&m->smaps, flags, sizeof(flags));
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "backing", backing_name(m->backing));
		jw_string(&cli->j, "vmflags", flags);
		jw_u64(&cli->j, "device_faults", m->dev_faults);
		jw_u64(&cli->j, "minflt", m->minflt);
		jw_u64(&cli->j, "rss_kb", m->smaps.rss);
		jw_u64(&cli->j, "mincore_resident", (uint64_t)m->resident);
		jw_i64(&cli->j, "child_device_faults", m->child_faults);
		jw_bool(&cli->j, "fork_copies_ptes", m->child_faults == 0);
		if (m->gup_err)
			jw_string(&cli->j, "get_user_pages", errno_name(m->gup_err, err, sizeof(err)));
		else
			jw_string(&cli->j, "get_user_pages", "ok");
		if (m->private_err) {
			jw_string(&cli->j, "map_private", errno_name(m->private_err, err, sizeof(err)));
			jw_null(&cli->j, "private_write_minflt");
		} else {
			jw_string(&cli->j, "map_private", "ok");
			jw_u64(&cli->j, "private_write_minflt", m->private_minflt);
		}
		jw_object_end(&cli->j);
		if (!cli->text)
			return;
	}
	if (m->private_err)
		errno_name(m->private_err, priv, sizeof(priv));
	else
		snprintf(priv, sizeof(priv), "ok, write: %llu fault%s",
			 (unsigned long long)m->private_minflt, m->private_minflt == 1 ? "" : "s");
	say(cli, "%-7s %-7s %10llu %7llu %6llu kB %8d %-11s %-9s %s", backing_name(m->backing),
	    flags, (unsigned long long)m->dev_faults, (unsigned long long)m->minflt,
	    (unsigned long long)m->smaps.rss, m->resident,
	    m->child_faults == 0 ? "copied" : m->child_faults > 0 ? "refaulted" : "?",
	    m->gup_err ? errno_name(m->gup_err, err, sizeof(err)) : "ok", priv);
}

static int run_modes(struct cli *cli, int argc, char **argv)
{
	struct mode_result m;
	struct mmdemo_dev *dev;
	int c, err = 0;

	c = cli_no_args(cli, &cmd_modes, argc, argv);
	if (c >= 0)
		return c;
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "modes");
		jw_u64(&cli->j, "pages", PAGES);
		jw_array_begin(&cli->j, "modes");
	}
	if (cli->text) {
		say(cli, "%d pages mapped MAP_SHARED and read once, in each backing mode:", PAGES);
		say(cli, "%-7s %-7s %10s %7s %9s %8s %-11s %-9s %s", "mode", "vmflags",
		    "dev-faults", "minflt", "Rss", "mincore", "fork PTEs", "GUP", "MAP_PRIVATE");
	}
	for (uint32_t b = MMDEMO_BACKING_PAGE; b <= MMDEMO_BACKING_HUGE && !err; b++) {
		err = measure(cli, dev, b, &m);
		if (!err)
			report(cli, &m);
		else if (err == -EOPNOTSUPP && b == MMDEMO_BACKING_HUGE)
			err = 0;	/* before 6.12: no huge mode */
	}
	mmdemo_dev_close(dev);
	if (cli->json) {
		jw_array_end(&cli->j);
		jw_object_end(&cli->j);
	}
	if (cli->text && !err) {
		explain(cli, "page: the core installs the page the driver returns; insert: the driver");
		explain(cli, "installs it (VM_MIXEDMAP); pfn: the driver installs a bare PFN (VM_PFNMAP),");
		explain(cli, "which Rss and get_user_pages cannot see (nor mincore before 7.x); eager:");
		explain(cli, "mmap() installs everything, so touching costs nothing; huge: for a mapping");
		explain(cli, "this small, as page where its PMD entries are page-backed (6.15+), else");
		explain(cli, "as insert (see mmdemo huge).  fork copies the PTEs the core could not");
		explain(cli, "rebuild by itself.  A first MAP_PRIVATE write is one fault in every mode");
		explain(cli, "that allows one: the driver hands the page to the core, which copies it in");
		explain(cli, "that fault (eager: the copy of the page mmap() installed read-only).");
	}
	return err ? cli_fail(cli, "%s", strerror(-err)) : 0;
}

const struct cmd cmd_modes = {
	.name = "modes",
	.run = run_modes,
	.summary = "the backing modes side by side",
	.help = modes_help,
};
