/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The drawings of the HTML page (mmdemo tour --html, mmdemo report
 * --html): inline SVG made from a command's JSON document, the very
 * measurements its text shows.  Every number drawn carries the path of
 * its value in the run's JSON (data-json="steps.1.passes.0.device_faults"),
 * so a test can check each one against the --json of the same run.
 * Each drawing has a title and a text alternative, and no colour carries
 * a meaning alone: cells have letters, bars have numbers.
 */
#ifndef MMDEMO_DRAW_H
#define MMDEMO_DRAW_H

#include <stdio.h>

struct json_object;

/*
 * The drawings for one command's document @doc, whose path in the run's
 * JSON is @path ("steps.3" in a tour, "" for report).  Returns how many
 * it drew (0 for a command with none).
 */
int draw_command(FILE *f, const struct json_object *doc, const char *path);

/*
 * The address space of the tour's own process (a document the tour
 * makes: "address_space", see cmd_tour.c) to scale, on a log axis.
 */
int draw_address_space(FILE *f, const struct json_object *doc, const char *path);

/* The arrow and hatch the drawings refer to, once per page. */
void draw_defs(FILE *f);

/* HTML-escaped @s. */
void html_text(FILE *f, const char *s);

#endif
