// SPDX-License-Identifier: GPL-2.0
/*
 * The words bash completion offers (user/completion/mmdemo.bash), asked of
 * the tool itself so that they are always those the tool accepts: the
 * option tables are the ones getopt_long() parses.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "parse.h"

static const struct option common_options[] = { CLI_COMMON_OPTIONS, { 0 } };

/* Options whose value is a path: the script completes file names. */
static const char *const file_options[] = { "device", "svg", "html" };

static void backing_values(void)
{
	for (uint32_t mode = 0; mode <= MMDEMO_BACKING_MODE_MASK; mode++) {
		for (uint32_t around = 0; around < 2; around++) {
			uint32_t b = mode | (around ? MMDEMO_BACKING_FAULT_AROUND : 0), back;
			const char *name = backing_name(b);

			if (!parse_backing(name, &back) && back == b)
				puts(name);
		}
	}
}

/* "--backing", or "-b" found by its character in the command's table. */
static const char *long_name(const struct option *options, const char *opt)
{
	if (opt[0] == '-' && opt[1] && opt[1] != '-' && !opt[2]) {
		for (const struct option *o = options; o->name; o++)
			if (o->val == opt[1])
				return o->name;
		return "";
	}
	while (*opt == '-')
		opt++;
	return opt;
}

static int option_values(const struct option *options, const char *arg)
{
	const char *opt = long_name(options, arg);

	for (size_t i = 0; i < sizeof(file_options) / sizeof(file_options[0]); i++) {
		if (!strcmp(opt, file_options[i])) {
			puts(":file");
			return 0;
		}
	}
	if (!strcmp(opt, "backing"))
		backing_values();
	else if (!strcmp(opt, "touch") || !strcmp(opt, "pattern"))
		fputs("sequential\nrandom\nstride:\n", stdout);
	else if (!strcmp(opt, "only"))
		fputs("faults\nthroughput\nthreads\n", stdout);
	return 0;
}

static const struct cmd *find_cmd(const struct cmd *const *cmds, size_t nr, const char *name)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(cmds[i]->name, name))
			return cmds[i];
	return NULL;
}

int complete_main(const struct cmd *const *cmds, size_t nr, int argc, char **argv)
{
	const struct option *options, *o;
	const struct cmd *cmd;

	if (argc < 2) {
		for (size_t i = 0; i < nr; i++)
			puts(cmds[i]->name);
		fputs("help\n--help\n--version\n", stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		for (size_t i = 0; i < nr; i++)
			puts(cmds[i]->name);
		return 0;
	}
	cmd = find_cmd(cmds, nr, argv[1]);
	if (!cmd)
		return EXIT_USAGE;
	options = cmd->options ? cmd->options : common_options;
	if (argc > 2)
		return option_values(options, argv[2]);
	for (o = options; o->name; o++)
		printf("--%s\n", o->name);
	return 0;
}
