// SPDX-License-Identifier: GPL-2.0
/* mmdemo report: one command's run as an HTML page, drawn from its own measurements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"

static const char report_help[] =
"Usage: mmdemo report --html FILE [--json] COMMAND [ARGS...]\n"
"\n"
"Run another mmdemo command (faults, map, share, modes, around, huge,\n"
"bench, ...) and write its run as one self-contained HTML page, as\n"
"'mmdemo tour --html' does for the tour: the command line, its real\n"
"output, and the drawings made from the same measurements.  With\n"
"--json, the JSON of the same run goes to stdout, the command's own\n"
"document as \"runs\"[0]; each number drawn names its place in it.\n"
"\n"
"  --html FILE   the page to write\n"
"\n"
"Example: mmdemo report --html faults.html faults -n 16 --write\n";

static const struct option options[] = {
	{ "html", required_argument, NULL, 'H' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

struct report_run {
	const struct cmd *cmd;
	int argc;
	char **argv;
};

static int run_it(struct cli *cli, void *arg)
{
	struct report_run *r = arg;

	optind = 0;	/* glibc: the command parses its own options from scratch */
	cli->cmd = r->cmd->name;
	return r->cmd->run(cli, r->argc, r->argv);
}

static int run_report(struct cli *cli, int argc, char **argv)
{
	struct html_step step = { .path = "runs.0" };
	struct report_run r;
	const char *html = NULL;
	bool json_out;
	int c, status, err;

	/* "+": options up to the command; the rest are the command's. */
	while ((c = cli_getopt(cli, &cmd_report, argc, argv, "+hjD:", options)) != -1) {
		if (c == 'H') {
			html = optarg;
			continue;
		}
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (!html)
		return cli_usage(cli, "--html FILE is needed: the page to write");
	if (optind >= argc)
		return cli_usage(cli, "which command? e.g. 'mmdemo report --html f.html faults -n 8'");
	r.cmd = cli_find_cmd(argv[optind]);
	if (!r.cmd || r.cmd == &cmd_report || r.cmd == &cmd_watch || r.cmd == &cmd_tour)
		return cli_usage(cli, "'%s' is not a command report can draw (tour has --html "
				 "itself; watch is live)", argv[optind]);
	err = html_can_write(html);
	if (err)
		return cli_fail(cli, "--html %s: %s", html, strerror(-err));
	r.argc = argc - optind;
	r.argv = argv + optind;

	/* The command prints its text and builds its document, in one run. */
	json_out = cli->json;
	cli->json = true;
	cli->text = true;
	cli->color = false;
	if (!json_out)
		cli->j.f = NULL;
	jw_object_begin(&cli->j, NULL);
	jw_string(&cli->j, "command", "report");
	jw_array_begin(&cli->j, "runs");
	status = html_capture(cli, run_it, &r, &step.output, !json_out);
	if (jw_count(&cli->j))
		step.doc = jw_last(&cli->j);
	jw_array_end(&cli->j);
	jw_u64(&cli->j, "status", (uint64_t)status);
	step.title = r.cmd->summary;
	for (int i = 0; i < r.argc; i++)
		snprintf(step.cmdline + strlen(step.cmdline), sizeof(step.cmdline) - strlen(step.cmdline),
			 "%s%s", i ? " " : "mmdemo ", r.argv[i]);
	err = html_write(html, step.cmdline, "Every figure below was measured by this run, on the "
			 "kernel it ran on; each drawing is made from the same measurements as the "
			 "text above it.", &step, 1);
	jw_object_end(&cli->j);
	free(step.output);
	cli->cmd = "report";
	if (err)
		return cli_fail(cli, "%s: %s", html, strerror(-err));
	return status;
}

const struct cmd cmd_report = {
	.name = "report",
	.run = run_report,
	.summary = "one command's run as an HTML page",
	.help = report_help,
	.options = options,
};
