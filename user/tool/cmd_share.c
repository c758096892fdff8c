// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo share: MAP_SHARED vs MAP_PRIVATE between this process, a forked
 * child and an unrelated exec'd process.  Every claim is a byte string read
 * back by the process concerned, and a PFN from its own pagemap.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"
#include "share.h"

static const char share_help[] =
"Usage: mmdemo share [-o OFFSET] [--json] [--device PATH]\n"
"\n"
"Write and read one device page from three processes: this one, a child\n"
"it forks, and an unrelated program it execs (mmdemo itself).  First\n"
"through MAP_SHARED, where everyone sees one page, then through\n"
"MAP_PRIVATE, where a write makes a private copy (copy-on-write).  Shows\n"
"the text each process reads, the page frame number (PFN) behind its\n"
"mapping from /proc/PID/pagemap (root only; otherwise hidden by the\n"
"kernel), and smaps' Shared/Private counts.\n"
"\n"
"  -o, --offset BYTES   device page to use (default 0)\n";

static const struct option options[] = {
	{ "offset", required_argument, NULL, 'o' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

static uint64_t pfn_of(const void *addr)
{
	struct mmdemo_pte pte = { 0 };

	mmdemo_pagemap(0, addr, 1, &pte);
	return pte.pfn;
}

static void observe(struct observation *o, const char *who, const char *action,
		    const char *page)
{
	o->who = who;
	o->action = action;
	snprintf(o->text, sizeof(o->text), "%.*s", TEXT_LEN - 1, page);
	o->pfn = pfn_of(page);
}

/*
 * "mmdemo __peek DEVICE OFFSET PRIVATE [TEXT]": the unrelated process.  Maps
 * the page on its own, writes TEXT if given, prints what it reads and its
 * PFN, one per line.
 */
int share_peek_main(int argc, char **argv)
{
	long ps = sysconf(_SC_PAGESIZE);
	char text[TEXT_LEN], *p;
	int fd;

	if (argc < 4)
		return 2;
	fd = open(argv[1], argc > 4 ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return 3;
	p = mmap(NULL, (size_t)ps, PROT_READ | (argc > 4 ? PROT_WRITE : 0),
		 atoi(argv[3]) ? MAP_PRIVATE : MAP_SHARED, fd, strtoll(argv[2], NULL, 0));
	if (p == MAP_FAILED)
		return 4;
	if (argc > 4)
		snprintf(p, TEXT_LEN, "%s", argv[4]);
	/* Read first: the PFN exists only once the read has faulted the page in. */
	snprintf(text, sizeof(text), "%s", p);
	printf("%s\n%" PRIu64 "\n", text, pfn_of(p));
	return 0;
}

/* Runs "mmdemo __peek ..." and records what it saw. */
static int exec_peek(struct cli *cli, uint64_t offset, bool private,
		     const char *text, struct observation *o)
{
	char exe[PATH_MAX], off[32], line[2][64] = { "", "" };
	int fds[2], status;
	ssize_t n;
	pid_t pid;
	FILE *f;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0 || pipe(fds))
		return -errno;
	exe[n] = 0;
	snprintf(off, sizeof(off), "%" PRIu64, offset);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execl(exe, "mmdemo", "__peek", cli->device, off, private ? "1" : "0",
		      text, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	for (int i = 0; f && i < 2 && fgets(line[i], sizeof(line[i]), f); i++)
		line[i][strcspn(line[i], "\n")] = 0;
	if (f)
		fclose(f);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	o->who = "exec";
	o->action = text ? "write" : "read";
	/* The child printed at most TEXT_LEN - 1 bytes of text. */
	snprintf(o->text, sizeof(o->text), "%.*s", TEXT_LEN - 1, line[0]);
	o->pfn = strtoull(line[1], NULL, 10);
	return 0;
}

/* A forked child writes @text (or only reads if NULL) and reports back. */
static int fork_child(char *page, const char *text, struct observation *o)
{
	struct observation child;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		if (text)
			snprintf(page, TEXT_LEN, "%s", text);
		observe(&child, "child", text ? "write" : "read", page);
		_exit(write(fds[1], &child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], o, sizeof(*o)) != sizeof(*o))
		o->who = NULL;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || status || !o->who)
		return -EIO;
	o->who = "child";
	o->action = text ? "write" : "read";
	return 0;
}

/*
 * smaps of @page while a forked child maps it too.  fork() does not copy
 * the page tables of shared file mappings, so the child reads the page
 * first: only a page mapped by two processes counts as "Shared".
 */
static int smaps_forked(char *page, struct mmdemo_smaps *sm)
{
	int ready[2], release[2], err, status;
	char c = 0;
	pid_t pid;

	if (pipe(ready))
		return -errno;
	if (pipe(release)) {
		err = -errno;
		close(ready[0]);
		close(ready[1]);
		return err;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(ready[0]);
		close(release[1]);
		c = *(volatile char *)page;
		/* Hold the mapping until the parent has looked. */
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		_exit(read(release[0], &c, 1) < 0);
	}
	close(ready[1]);
	close(release[0]);
	err = read(ready[0], &c, 1) == 1 ? mmdemo_smaps(0, page, sm) : -EIO;
	close(ready[0]);
	close(release[1]);
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return err;
}

int share_run(struct cli *cli, int fd, uint64_t offset, bool private,
	      struct share_result *r)
{
	size_t ps = cli->page_size;
	struct observation *o = r->obs;
	char *page;
	int err;

	memset(r, 0, sizeof(*r));
	r->private = private;
	page = mmap(NULL, ps, PROT_READ | PROT_WRITE, private ? MAP_PRIVATE : MAP_SHARED,
		    fd, (off_t)offset);
	if (page == MAP_FAILED)
		return -errno;

	/* The device's own copy of the page, and what a mapping reads first. */
	if (pwrite(fd, "written by write()", 19, (off_t)offset) != 19) {
		err = -errno;
		goto out;
	}
	observe(&o[r->nr++], "parent", "read", page);
	if (private) {
		snprintf(page, TEXT_LEN, "parent's private copy");
		observe(&o[r->nr++], "parent", "write", page);
		err = fork_child(page, NULL, &o[r->nr++]);
		if (!err)
			err = fork_child(page, "child's own copy", &o[r->nr++]);
		if (!err)
			err = exec_peek(cli, offset, true, NULL, &o[r->nr++]);
	} else {
		snprintf(page, TEXT_LEN, "hello from the parent");
		observe(&o[r->nr++], "parent", "write", page);
		err = fork_child(page, NULL, &o[r->nr++]);
		if (!err)
			err = fork_child(page, "hello from the child", &o[r->nr++]);
		if (!err)
			err = exec_peek(cli, offset, false, "hello from exec", &o[r->nr++]);
	}
	if (!err)
		err = smaps_forked(page, &r->forked);
	if (err)
		goto out;
	observe(&o[r->nr++], "parent", "read", page);
	if (pread(fd, r->device_text, TEXT_LEN - 1, (off_t)offset) < 0) {
		err = -errno;
		goto out;
	}
	r->device_text[strnlen(r->device_text, TEXT_LEN - 1)] = 0;
	err = mmdemo_smaps(0, page, &r->alone);
out:
	munmap(page, ps);
	return err;
}

static void pfn_str(uint64_t pfn, char *buf, size_t len)
{
	if (pfn)
		snprintf(buf, len, "%#" PRIx64, pfn);
	else
		snprintf(buf, len, "hidden");
}

static void say_smaps(struct cli *cli, const char *when, const struct mmdemo_smaps *sm)
{
	say(cli, "%s Rss %llu kB = Shared %llu kB + Private %llu kB; Anonymous %llu kB",
	    when, (unsigned long long)sm->rss,
	    (unsigned long long)(sm->shared_clean + sm->shared_dirty),
	    (unsigned long long)(sm->private_clean + sm->private_dirty),
	    (unsigned long long)sm->anonymous);
}

void share_report(struct cli *cli, const struct share_result *r)
{
	char pfn[32];

	if (cli->json) {
		jw_object_begin(&cli->j, r->private ? "private" : "shared");
		jw_array_begin(&cli->j, "observations");
		for (size_t i = 0; i < r->nr; i++) {
			jw_object_begin(&cli->j, NULL);
			jw_string(&cli->j, "who", r->obs[i].who);
			jw_string(&cli->j, "action", r->obs[i].action);
			jw_string(&cli->j, "text", r->obs[i].text);
			if (r->obs[i].pfn)
				jw_u64(&cli->j, "pfn", r->obs[i].pfn);
			else
				jw_null(&cli->j, "pfn");
			jw_object_end(&cli->j);
		}
		jw_array_end(&cli->j);
		jw_string(&cli->j, "device_text", r->device_text);
		jw_smaps(&cli->j, "smaps_with_child", &r->forked);
		jw_smaps(&cli->j, "smaps_alone", &r->alone);
		jw_object_end(&cli->j);
		if (!cli->text)
			return;
	}
	heading(cli, "MAP_%s", r->private ? "PRIVATE" : "SHARED");
	say(cli, "  %-7s %-6s %-24s %s", "who", "did", "text", "PFN (pagemap)");
	for (size_t i = 0; i < r->nr; i++) {
		pfn_str(r->obs[i].pfn, pfn, sizeof(pfn));
		say(cli, "  %-7s %-6s %-24s %s", r->obs[i].who, r->obs[i].action,
		    r->obs[i].text, pfn);
	}
	say(cli, "  device  read() %s", r->device_text);
	say_smaps(cli, "  smaps   with a child mapping it too:", &r->forked);
	say_smaps(cli, "  smaps   alone again:", &r->alone);
}

static int run_share(struct cli *cli, int argc, char **argv)
{
	struct share_result shared, private;
	uint64_t offset = 0;
	struct mmdemo_dev *dev;
	int c, err;

	while ((c = cli_getopt(cli, &cmd_share, argc, argv, "o:hjD:", options)) != -1) {
		if (c == 'o') {
			if (cli_opt_offset(cli, optarg, &offset))
				return EXIT_USAGE;
			continue;
		}
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	err = share_run(cli, mmdemo_dev_fd(dev), offset, false, &shared);
	if (!err)
		err = share_run(cli, mmdemo_dev_fd(dev), offset, true, &private);
	mmdemo_dev_close(dev);
	if (err)
		return cli_fail(cli, "%s", strerror(-err));
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "share");
		jw_u64(&cli->j, "offset", offset);
	}
	share_report(cli, &shared);
	share_report(cli, &private);
	if (cli->json)
		jw_object_end(&cli->j);
	return 0;
}

const struct cmd cmd_share = {
	.name = "share",
	.run = run_share,
	.summary = "shared vs private across processes",
	.help = share_help,
	.options = options,
};
