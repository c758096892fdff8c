/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One self-contained HTML page of a run (mmdemo tour --html, mmdemo report
 * --html): inline CSS and SVG, nothing fetched, no scripts.  Per step: its
 * narration, the command line, its real text output, and the drawings
 * made from its JSON document (draw.h).
 */
#ifndef MMDEMO_HTML_H
#define MMDEMO_HTML_H

#include <stdio.h>

#include "cli.h"

struct json_object;

struct html_step {
	const char *title;
	const char *const *text;	/* paragraphs' lines, NULL-terminated; may be NULL */
	char cmdline[256];		/* "mmdemo faults --pages 4" */
	char *output;			/* what it printed (malloc'ed) */
	const struct json_object *doc;	/* its JSON document, or NULL */
	char path[32];			/* the document's path in the run's JSON */
	const struct json_object *extra;	/* another drawing's document (address space) */
	char extra_path[32];
};

/* Whether @path can be written, before a run spends its time: 0 or -errno. */
int html_can_write(const char *path);

/* Writes the page to @path: 0 or a negative errno. */
int html_write(const char *path, const char *title, const char *intro,
	       const struct html_step *steps, size_t n);

/*
 * Runs @run with stdout (file descriptor 1, so child processes too) going
 * to a buffer returned in *@output; what was printed is also copied to the
 * real stdout when @echo.  Returns @run's status.
 */
int html_capture(struct cli *cli, int (*run)(struct cli *cli, void *arg), void *arg,
		 char **output, bool echo);

#endif
