// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "version.h"

int cli_getopt(struct cli *cli, const struct cmd *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	switch (c) {
	case 'h':
		fputs(cmd->help, stdout);
		return 'h';
	case 'j':
		cli->json = true;
		cli->text = false;
		cli->color = false;
		return cli_getopt(cli, cmd, argc, argv, shortopts, longopts);
	case 'D':
		cli->device = optarg;
		return cli_getopt(cli, cmd, argc, argv, shortopts, longopts);
	case '?':
		/* getopt already named the option. */
		fprintf(stderr, "Try 'mmdemo %s --help'.\n", cmd->name);
		return '?';
	default:
		return c;
	}
}

int cli_no_args(struct cli *cli, const struct cmd *cmd, int argc, char **argv)
{
	static const struct option common[] = { CLI_COMMON_OPTIONS, { 0 } };
	int c;

	while ((c = cli_getopt(cli, cmd, argc, argv, "hjD:", common)) != -1)
		if (c == 'h' || c == '?')
			return c == 'h' ? 0 : EXIT_USAGE;
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	return -1;
}

int cli_opt_pages(struct cli *cli, const char *arg, uint64_t max, uint64_t *pages)
{
	if (parse_number(arg, 1, max, pages))
		return cli_usage(cli, "--pages '%s': expected a number from 1 to %llu",
				 arg, (unsigned long long)max);
	return 0;
}

int cli_opt_offset(struct cli *cli, const char *arg, uint64_t *offset)
{
	if (parse_size(arg, offset))
		return cli_usage(cli, "--offset '%s': expected a size such as 8192, 16k or 1M",
				 arg);
	if (*offset % cli->page_size)
		return cli_usage(cli, "--offset '%s' is not a multiple of the page size (%zu)",
				 arg, cli->page_size);
	return 0;
}

int cli_opt_pattern(struct cli *cli, const char *opt, const char *arg,
		    struct pattern *pattern)
{
	if (parse_pattern(arg, pattern))
		return cli_usage(cli, "%s '%s': expected sequential, random or stride:K",
				 opt, arg);
	return 0;
}

static void vreport(struct cli *cli, const char *fmt, va_list ap)
{
	fprintf(stderr, "mmdemo%s%s: ", cli->cmd ? " " : "", cli->cmd ? cli->cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* The number a sysfs or debugfs file holds, or 0 if it has none. */
static unsigned long long read_number(const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned long long v = 0;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

size_t cli_huge_size(size_t page_size)
{
	unsigned long long v = read_number("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");

	/* Without THP: what a PMD maps, a page of 8-byte entries. */
	return v ? (size_t)v : page_size / sizeof(uint64_t) * page_size;
}

uint64_t cli_fault_around_bytes(void)
{
	return read_number("/sys/kernel/debug/fault_around_bytes");
}

const char *cli_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)bytes, units[u]);
	return buf;
}

int cli_fail(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cli, fmt, ap);
	va_end(ap);
	return 1;
}

int cli_usage(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cli, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'mmdemo %s --help'.\n", cli->cmd ? cli->cmd : "");
	return EXIT_USAGE;
}

int cli_check_range(struct cli *cli, struct mmdemo_dev *dev, uint64_t offset, uint64_t pages,
		    struct mmdemo_info *info)
{
	int err = mmdemo_dev_info(dev, info);

	if (err)
		return cli_fail(cli, "ioctl: %s", strerror(-err));
	if (offset >= info->size || pages > (info->size - offset) / cli->page_size)
		return cli_usage(cli, "%llu pages at offset %llu do not fit in the %llu-byte device",
				 (unsigned long long)pages, (unsigned long long)offset,
				 (unsigned long long)info->size);
	return 0;
}

/* Why this user may not open the node, and what would let them. */
static int fail_permission(struct cli *cli)
{
	struct group *gr;
	struct stat st;

	if (stat(cli->device, &st))
		return cli_fail(cli, "%s: permission denied", cli->device);
	gr = st.st_gid ? getgrgid(st.st_gid) : NULL;
	if (!gr)
		return cli_fail(cli, "%s: permission denied (mode %04o, for root only: "
				"run as root; installed from a package or with 'make install', "
				"its udev rule gives it to group '%s')", cli->device,
				st.st_mode & 07777, MMDEMO_MODULE_NAME);
	return cli_fail(cli, "%s: permission denied (mode %04o, group '%s', which you "
			"are not in: ask for 'sudo usermod -aG %s USER', then log in again)",
			cli->device, st.st_mode & 07777, gr->gr_name, gr->gr_name);
}

int cli_open(struct cli *cli, int oflags, struct mmdemo_dev **dev)
{
	struct mmdemo_info info;
	char why[256];
	int err = mmdemo_dev_open(cli->device, oflags, dev);

	if (!err) {
		if (!mmdemo_dev_info(*dev, &info) &&
		    interface_warning(info.version, why, sizeof(why)))
			fprintf(stderr, "mmdemo: warning: %s\n", why);
		return 0;
	}
	if (err == -ENOENT)
		return cli_fail(cli, "%s does not exist: load the module first "
				"('sudo mmdemo load' or 'sudo modprobe mmdemo')", cli->device);
	if (err == -EACCES)
		return fail_permission(cli);
	return cli_fail(cli, "%s: %s", cli->device, strerror(-err));
}

static void vprint(struct cli *cli, const char *sgr, const char *fmt, va_list ap)
{
	bool plain = !strcmp(sgr, C_RESET);

	if (!cli->text)
		return;
	if (!plain)
		fputs(color(cli, sgr), stdout);
	vprintf(fmt, ap);
	if (!plain)
		fputs(color(cli, C_RESET), stdout);
	fputc('\n', stdout);
}

void say(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(cli, C_RESET, fmt, ap);
	va_end(ap);
}

void explain(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(cli, C_DIM, fmt, ap);
	va_end(ap);
}

void heading(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->text)
		fputc('\n', stdout);
	va_start(ap, fmt);
	vprint(cli, C_BOLD, fmt, ap);
	va_end(ap);
}

const char *color(struct cli *cli, const char *sgr)
{
	static const struct { const char *code, *seq; } seqs[] = {
		{ C_BOLD, "\033[1m" }, { C_DIM, "\033[2m" }, { C_RED, "\033[31m" },
		{ C_GREEN, "\033[32m" }, { C_YELLOW, "\033[33m" }, { C_REVERSE, "\033[7m" },
		{ C_RESET, "\033[0m" },
	};

	if (!cli->color)
		return "";
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		if (!strcmp(seqs[i].code, sgr))
			return seqs[i].seq;
	return "";
}

uint64_t cli_dev_faults(struct mmdemo_dev *dev)
{
	struct mmdemo_stats st = { 0 };

	mmdemo_dev_stats(dev, &st);
	return st.faults;
}

void jw_stats(struct jw *j, const char *key, const struct mmdemo_stats *st)
{
	jw_object_begin(j, key);
	jw_u64(j, "faults", st->faults);
	jw_u64(j, "pages_allocated", st->pages_allocated);
	jw_u64(j, "pages_resident", st->pages_resident);
	jw_u64(j, "vmas", st->vmas);
	jw_u64(j, "mmaps", st->mmaps);
	jw_object_end(j);
}

void jw_smaps(struct jw *j, const char *key, const struct mmdemo_smaps *sm)
{
	jw_object_begin(j, key);
	jw_u64(j, "size_kb", sm->size);
	jw_u64(j, "rss_kb", sm->rss);
	jw_u64(j, "pss_kb", sm->pss);
	jw_u64(j, "shared_clean_kb", sm->shared_clean);
	jw_u64(j, "shared_dirty_kb", sm->shared_dirty);
	jw_u64(j, "private_clean_kb", sm->private_clean);
	jw_u64(j, "private_dirty_kb", sm->private_dirty);
	jw_u64(j, "anonymous_kb", sm->anonymous);
	jw_u64(j, "kernel_page_size_kb", sm->kernel_page_size);
	jw_u64(j, "mmu_page_size_kb", sm->mmu_page_size);
	jw_string(j, "vmflags", sm->vmflags);
	jw_object_end(j);
}
