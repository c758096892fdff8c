// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo: show what device mmap does - page faults, protections, sharing -
 * with numbers taken from the kernel itself.  See mmdemo(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "share.h"
#include "version.h"

static const struct cmd *const commands[] = {
	&cmd_load, &cmd_unload, &cmd_status, &cmd_info, &cmd_faults,
	&cmd_prot, &cmd_share, &cmd_map, &cmd_params, &cmd_modes, &cmd_around, &cmd_huge, &cmd_trace,
	&cmd_watch, &cmd_bench, &cmd_tour, &cmd_report,
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: mmdemo [-V|--version] [-h|--help] COMMAND [OPTIONS]\n"
	      "\n"
	      "Show what mmap() of a device does, with numbers from the kernel.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nEvery command takes --help; those that report take --json and\n"
	      "--device PATH (default " MMDEMO_DEV_PATH ").  'mmdemo tour' is the\n"
	      "place to start.  See mmdemo(1).\n", f);
}

const struct cmd *cli_find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct cli cli = {
		.device = MMDEMO_DEV_PATH,
		.text = true,
		.page_size = (size_t)sysconf(_SC_PAGESIZE),
	};
	const struct cmd *cmd;
	const char *nc = getenv("NO_COLOR");
	char prog[32];

	cli.huge_size = cli_huge_size(cli.page_size);
	cli.color = isatty(STDOUT_FILENO) && !(nc && *nc);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		struct versions v;

		versions_get(&v);
		versions_interface(MMDEMO_DEV_PATH, &v);
		versions_print(&v, stdout);
		return 0;
	}
	/* Internal: the words of bash completion. */
	if (!strcmp(argv[1], "__complete"))
		return complete_main(commands, NR_COMMANDS, argc - 1, argv + 1);
	/* Internal: the unrelated process of 'mmdemo share'. */
	if (!strcmp(argv[1], "__peek"))
		return share_peek_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		cmd = cli_find_cmd(argv[2]);
		if (!cmd) {
			fprintf(stderr, "mmdemo: no command '%s'; see 'mmdemo --help'\n", argv[2]);
			return EXIT_USAGE;
		}
		fputs(cmd->help, stdout);
		return 0;
	}
	cmd = cli_find_cmd(argv[1]);
	if (!cmd) {
		fprintf(stderr, "mmdemo: '%s' is not a command; see 'mmdemo --help'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	cli.cmd = cmd->name;
	jw_init(&cli.j, stdout);
	/* getopt names the program in its messages: make it "mmdemo CMD". */
	snprintf(prog, sizeof(prog), "mmdemo %s", cmd->name);
	argv[1] = prog;
	return cmd->run(&cli, argc - 1, argv + 1);
}
