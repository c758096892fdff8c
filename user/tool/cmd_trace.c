// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo trace: turn on the module's tracepoints, run a small workload on
 * the device, and show the events the kernel recorded, in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"

static const char trace_help[] =
"Usage: mmdemo trace [-n PAGES] [-b BACKING] [--json] [--device PATH]\n"
"\n"
"Enable the mmdemo:* tracepoints (tracefs, /sys/kernel/tracing), map\n"
"PAGES pages (default 4) in the given backing mode, read every page,\n"
"write the first one, zap the mapping, read the first page again and\n"
"unmap; then print the events the kernel recorded: faults with their\n"
"result, page allocations, write notifications, zaps, VMA open/close.\n"
"Needs root, and a kernel with tracing.  Other users of the device show\n"
"up too: the trace buffer is the kernel's.\n";

static const struct option options[] = {
	{ "pages", required_argument, NULL, 'n' },
	{ "backing", required_argument, NULL, 'b' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

static const char *tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[96];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/mmdemo", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	return NULL;
}

static int write_to(const char *dir, const char *file, const char *val)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void workload(struct mmdemo_dev *dev, char *p, size_t n, size_t ps)
{
	for (size_t i = 0; i < n; i++)
		(void)((volatile char *)p)[i * ps];
	((volatile char *)p)[0] = 1;
	mmdemo_dev_zap(dev);
	(void)((volatile char *)p)[0];
}

/* The fault result bits that matter here, by name (include/linux/mm_types.h). */
static void fault_result(unsigned int r, char *buf, size_t len)
{
	static const struct { unsigned int bit; const char *name; } bits[] = {
		{ 0x001, "OOM" }, { 0x002, "SIGBUS" }, { 0x004, "MAJOR" },
		{ 0x100, "NOPAGE" }, { 0x200, "LOCKED" }, { 0x400, "RETRY" },
	};
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (r & bits[i].bit)
			used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "|" : "", bits[i].name);
	if (!used)
		snprintf(buf, len, "0 (page handed over)");
}

/* "... mmdemo_fault: address=0x... pgoff=0 ..." -> event name and fields. */
static void show_line(struct cli *cli, const char *line)
{
	const char *ev = strstr(line, " mmdemo_");
	char name[32] = "", fields[256] = "", res[64];
	unsigned int result;
	const char *r;

	if (!ev || sscanf(ev, " %31[a-z_]: %255[^\n]", name, fields) < 1)
		return;
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "event", name);
		jw_string(&cli->j, "fields", fields);
		jw_object_end(&cli->j);
		if (!cli->text)
			return;
	}
	r = strstr(fields, "result=");
	if (r && sscanf(r, "result=%x", &result) == 1) {
		fault_result(result, res, sizeof(res));
		say(cli, "  %-18s %.*s-> %s", name + 7, (int)(r - fields), fields, res);
	} else {
		say(cli, "  %-18s %s", name + 7, fields);
	}
}

static int run_trace(struct cli *cli, int argc, char **argv)
{
	uint64_t n = 4;
	uint32_t backing = MMDEMO_BACKING_PAGE;
	struct mmdemo_dev *dev;
	const char *dir;
	char path[128], line[CLI_LINE_MAX], *p;
	FILE *f;
	int c, err;

	while ((c = cli_getopt(cli, &cmd_trace, argc, argv, "n:b:hjD:", options)) != -1) {
		if (c == 'n' && !cli_opt_pages(cli, optarg, 64, &n))
			continue;
		if (c == 'b' && !parse_backing(optarg, &backing))
			continue;
		if (c == 'b')
			return cli_usage(cli, "--backing '%s': expected " BACKING_CHOICES,
					 optarg);
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	dir = tracefs();
	if (!dir)
		return cli_fail(cli, "no mmdemo events in tracefs: is the module loaded, tracefs "
				"mounted (mount -t tracefs none /sys/kernel/tracing) and "
				"CONFIG_TRACING on?");
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	err = mmdemo_dev_set_backing(dev, backing);
	if (!err)
		err = write_to(dir, "trace", "");
	if (!err)
		err = write_to(dir, "events/mmdemo/enable", "1");
	if (!err) {
		err = mmdemo_map(dev, NULL, n * cli->page_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, 0, (void **)&p);
		if (!err) {
			workload(dev, p, n, cli->page_size);
			mmdemo_unmap(p, n * cli->page_size);
		}
		write_to(dir, "events/mmdemo/enable", "0");
	}
	mmdemo_dev_close(dev);
	if (err)
		return cli_fail(cli, "%s", strerror(-err));

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "re");
	if (!f)
		return cli_fail(cli, "%s: %s", path, strerror(errno));
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "trace");
		jw_string(&cli->j, "backing", backing_name(backing));
		jw_u64(&cli->j, "pages", n);
		jw_array_begin(&cli->j, "events");
	}
	if (cli->text) {
		say(cli, "%llu pages, %s backing: read each, write the first, zap, read it again",
		    (unsigned long long)n, backing_name(backing));
	}
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			show_line(cli, line);
	fclose(f);
	if (cli->json) {
		jw_array_end(&cli->j);
		jw_object_end(&cli->j);
	}
	return 0;
}

const struct cmd cmd_trace = {
	.name = "trace",
	.run = run_trace,
	.summary = "the module's tracepoints during a small run",
	.help = trace_help,
	.options = options,
};
