/* SPDX-License-Identifier: GPL-2.0 */
/* What every subcommand of the mmdemo tool shares. */
#ifndef MMDEMO_CLI_H
#define MMDEMO_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "libmmdemo.h"
#include "parse.h"

/* The longest line of /proc, sysfs or tracefs text read in one piece. */
#define CLI_LINE_MAX	512

struct cli {
	const char *cmd;	/* the subcommand being run */
	const char *device;	/* --device, default MMDEMO_DEV_PATH */
	bool json;		/* the JSON document is built (--json, --html) */
	bool text;		/* text for people is printed (not with --json) */
	bool color;		/* stdout is a terminal and NO_COLOR is unset */
	size_t page_size;	/* the kernel's, sysconf(_SC_PAGESIZE) */
	size_t huge_size;	/* what one PMD entry maps (cli_huge_size()) */
	struct jw j;
};

struct cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
	const char *help;	/* full --help text */
	/* Its getopt_long() table; NULL: only CLI_COMMON_OPTIONS. */
	const struct option *options;
};

/*
 * The hidden 'mmdemo __complete [CMD [--OPTION]]' of bash completion:
 * the commands, a command's long options, or an option's values.
 */
int complete_main(const struct cmd *const *cmds, size_t nr, int argc, char **argv);

/* Exit statuses: 0 success, 1 failure, 2 bad usage, 3 the kernel cannot. */
enum { EXIT_USAGE = 2, EXIT_UNSUPPORTED = 3 };

/* Options every subcommand accepts; 'h', 'j', 'D' are handled by cli_getopt. */
#define CLI_COMMON_OPTIONS					\
	{ "help", no_argument, NULL, 'h' },			\
	{ "json", no_argument, NULL, 'j' },			\
	{ "device", required_argument, NULL, 'D' }

/*
 * getopt_long() plus the common options.  Returns the option character for
 * the caller to handle, -1 at the end, 'h' after printing help, or '?'
 * after reporting a usage error.
 */
int cli_getopt(struct cli *cli, const struct cmd *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts);

/*
 * For commands with only the common options and no arguments: returns -1
 * to go on, or the exit status to return (after --help or a usage error).
 */
int cli_no_args(struct cli *cli, const struct cmd *cmd, int argc, char **argv);

/*
 * Option values spelled and checked the same way in every command.  Each
 * returns 0, or reports the bad value and returns EXIT_USAGE.
 */
int cli_opt_pages(struct cli *cli, const char *arg, uint64_t max, uint64_t *pages);
int cli_opt_offset(struct cli *cli, const char *arg, uint64_t *offset);
int cli_opt_pattern(struct cli *cli, const char *opt, const char *arg,
		    struct pattern *pattern);

/*
 * The kernel's PMD size, THP's hpage_pmd_size: 2 MiB with 4 KiB pages,
 * 32 MiB with 16 KiB, 512 MiB with 64 KiB.  Without THP, what a PMD maps
 * all the same: a page full of page-table entries.
 */
size_t cli_huge_size(size_t page_size);

/*
 * The kernel's fault-around window, /sys/kernel/debug/fault_around_bytes
 * (64 KiB by default): 0 when debugfs is not there to say.
 */
uint64_t cli_fault_around_bytes(void);

/* @bytes for people: "4 KiB", "2 MiB", "1 GiB" (the largest exact unit). */
const char *cli_size(char *buf, size_t len, uint64_t bytes);
/* The same in a buffer of its own, for one expression's arguments. */
#define CLI_SIZE(bytes) cli_size((char[24]){ 0 }, 24, (bytes))

/* "mmdemo CMD: message" on stderr; they return the exit status to use. */
int cli_fail(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_usage(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the device, or explains how to get one. */
int cli_open(struct cli *cli, int oflags, struct mmdemo_dev **dev);
/*
 * Reads the device's @info and checks that @pages pages from byte @offset
 * fit in it: 0, or the exit status after saying what does not fit.
 */
int cli_check_range(struct cli *cli, struct mmdemo_dev *dev, uint64_t offset, uint64_t pages,
		    struct mmdemo_info *info);

/* The device's count of faults served (0 if it cannot be read). */
uint64_t cli_dev_faults(struct mmdemo_dev *dev);

/* Text for people, skipped in --json mode. */
void say(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An explanation line for newcomers (dim on a terminal). */
void explain(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A section heading (bold on a terminal). */
void heading(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *color(struct cli *cli, const char *sgr);	/* "" without colour */
#define C_BOLD	"1"
#define C_DIM	"2"
#define C_RED	"31"
#define C_GREEN	"32"
#define C_YELLOW "33"
#define C_REVERSE "7"
#define C_RESET	"0"

/* JSON helpers for the structures every command reports. */
void jw_stats(struct jw *j, const char *key, const struct mmdemo_stats *st);
void jw_smaps(struct jw *j, const char *key, const struct mmdemo_smaps *sm);

/* The subcommands. */
extern const struct cmd cmd_load, cmd_unload, cmd_status, cmd_info, cmd_faults,
	cmd_prot, cmd_share, cmd_map, cmd_params, cmd_modes, cmd_around, cmd_huge,
	cmd_trace, cmd_watch, cmd_bench, cmd_tour, cmd_report;

/* The subcommand of that name, or NULL. */
const struct cmd *cli_find_cmd(const char *name);

#endif
