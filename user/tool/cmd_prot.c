// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo prot: try each protection in a child process and report what the
 * kernel actually did (ok, an errno, or the signal that killed the child).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "cli.h"
#include "parse.h"

static const char prot_help[] =
"Usage: mmdemo prot [--json] [--device PATH]\n"
"\n"
"Map a device page with PROT_READ, PROT_WRITE, PROT_EXEC and PROT_NONE,\n"
"change protections with mprotect(), and try the same through a file\n"
"opened read-only.  Every case runs in its own child process, and the\n"
"report is what the kernel did to it: ok, the errno of the call it\n"
"refused, or the signal that killed the child.  Nothing is assumed.\n";

/* x86 "ret": a device page that holds it can be called as a function. */
#define X86_RET 0xc3

static void *map(struct child_ctx *c, int oflags, int prot, int flags)
{
	const char *path = c->arg;
	void *p;
	int fd;

	child_step(c, "open");
	fd = open(path, oflags);
	if (fd < 0)
		child_fail(c, errno);
	child_step(c, "mmap");
	p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), prot, flags, fd, 0);
	if (p == MAP_FAILED)
		child_fail(c, errno);
	close(fd);
	return p;
}

static void do_mprotect(struct child_ctx *c, void *p, int prot)
{
	child_step(c, "mprotect");
	if (mprotect(p, (size_t)sysconf(_SC_PAGESIZE), prot))
		child_fail(c, errno);
}

static void do_read(struct child_ctx *c, volatile char *p)
{
	child_step(c, "read");
	(void)*p;
}

static void do_write(struct child_ctx *c, volatile char *p)
{
	child_step(c, "write");
	*p = 1;
}

static void case_read_only(struct child_ctx *c)
{
	char *p = map(c, O_RDWR, PROT_READ, MAP_SHARED);

	do_read(c, p);
	do_write(c, p);
}

static void case_read_write(struct child_ctx *c)
{
	char *p = map(c, O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED);

	do_read(c, p);
	do_write(c, p);
}

static void case_exec(struct child_ctx *c)
{
	char *p = map(c, O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED);
	void (*fn)(void);

	do_write(c, p);
	*(volatile unsigned char *)p = X86_RET;
	do_mprotect(c, p, PROT_READ | PROT_EXEC);
	child_step(c, "execute");
	fn = (void (*)(void))(void *)p;
	fn();
}

static void case_exec_missing(struct child_ctx *c)
{
	char *p = map(c, O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED);
	void (*fn)(void);

	do_write(c, p);
	*(volatile unsigned char *)p = X86_RET;
	child_step(c, "execute");
	fn = (void (*)(void))(void *)p;
	fn();
}

static void case_none(struct child_ctx *c)
{
	char *p = map(c, O_RDWR, PROT_NONE, MAP_SHARED);

	do_read(c, p);
}

static void case_none_then_rw(struct child_ctx *c)
{
	char *p = map(c, O_RDWR, PROT_NONE, MAP_SHARED);

	do_mprotect(c, p, PROT_READ | PROT_WRITE);
	do_write(c, p);
}

static void case_rdonly_shared_write(struct child_ctx *c)
{
	map(c, O_RDONLY, PROT_READ | PROT_WRITE, MAP_SHARED);
}

static void case_rdonly_mprotect(struct child_ctx *c)
{
	char *p = map(c, O_RDONLY, PROT_READ, MAP_SHARED);

	do_mprotect(c, p, PROT_READ | PROT_WRITE);
}

static void case_rdonly_private_write(struct child_ctx *c)
{
	char *p = map(c, O_RDONLY, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	do_write(c, p);
}

struct prot_case {
	const char *name;
	const char *what;
	void (*fn)(struct child_ctx *c);
};

static const struct prot_case cases[] = {
	{ "read-only", "PROT_READ, MAP_SHARED: read, then write", case_read_only },
	{ "read-write", "PROT_READ|PROT_WRITE, MAP_SHARED: read, then write", case_read_write },
	{ "exec", "write a 'ret' instruction, mprotect to PROT_READ|PROT_EXEC, call it", case_exec },
	{ "no-exec", "the same call without PROT_EXEC", case_exec_missing },
	{ "none", "PROT_NONE: read", case_none },
	{ "none-to-rw", "PROT_NONE, mprotect to PROT_READ|PROT_WRITE, write", case_none_then_rw },
	{ "ro-fd-shared-write", "O_RDONLY file, PROT_WRITE with MAP_SHARED", case_rdonly_shared_write },
	{ "ro-fd-mprotect", "O_RDONLY file, MAP_SHARED PROT_READ, mprotect to add PROT_WRITE", case_rdonly_mprotect },
	{ "ro-fd-private-write", "O_RDONLY file, MAP_PRIVATE PROT_WRITE, write (a private copy)", case_rdonly_private_write },
};

static int run_prot(struct cli *cli, int argc, char **argv)
{
	struct mmdemo_dev *dev;
	char buf[64];
	int c;

	c = cli_no_args(cli, &cmd_prot, argc, argv);
	if (c >= 0)
		return c;
	/* Fail early and clearly if the device cannot be opened at all. */
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	mmdemo_dev_close(dev);

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "prot");
		jw_array_begin(&cli->j, "cases");
	}
	if (cli->text) {
		say(cli, "%-20s %-26s %s", "case", "what the kernel did", "what was tried");
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o;
		int err = child_run(cases[i].fn, (void *)cli->device, &o);

		if (err)
			return cli_fail(cli, "fork: %s", strerror(-err));
		outcome_str(&o, buf, sizeof(buf));
		if (cli->json) {
			char name[32];

			jw_object_begin(&cli->j, NULL);
			jw_string(&cli->j, "case", cases[i].name);
			jw_string(&cli->j, "tried", cases[i].what);
			jw_string(&cli->j, "outcome", buf);
			jw_string(&cli->j, "step", o.step);
			if (o.sig)
				jw_string(&cli->j, "signal", signal_name(o.sig, name, sizeof(name)));
			else
				jw_null(&cli->j, "signal");
			if (o.err)
				jw_string(&cli->j, "errno", errno_name(o.err, name, sizeof(name)));
			else
				jw_null(&cli->j, "errno");
			jw_object_end(&cli->j);
		}
		if (cli->text) {
			say(cli, "%-20s %s%-26s%s %s", cases[i].name,
			    color(cli, o.ok ? C_GREEN : C_YELLOW), buf, color(cli, C_RESET),
			    cases[i].what);
		}
	}
	if (cli->json) {
		jw_array_end(&cli->j);
		jw_object_end(&cli->j);
	}
	return 0;
}

const struct cmd cmd_prot = {
	.name = "prot",
	.run = run_prot,
	.summary = "protections, tried in child processes",
	.help = prot_help,
};
