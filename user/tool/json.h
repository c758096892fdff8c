/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tool's JSON output: a document is built with json-c as the command
 * goes and printed when its top-level value is closed, two spaces per
 * level ("key": value, one member or element per line, [] and {} when
 * empty).
 */
#ifndef MMDEMO_JSON_H
#define MMDEMO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH	16

struct json_object;

struct jw {
	FILE *f;		/* where a finished document goes; NULL: nowhere */
	int depth;
	struct json_object *open[JW_MAX_DEPTH];	/* the containers being filled */
	struct json_object *last;	/* the value added last, while it lives */
};

void jw_init(struct jw *j, FILE *f);
/*
 * The value added last (a finished step's document, to draw from), owned
 * by its container; NULL once a document is printed.
 */
struct json_object *jw_last(const struct jw *j);
/* How many values the container being filled holds (0 at the top). */
size_t jw_count(const struct jw *j);
/* @key is NULL inside arrays and for the top-level value. */
void jw_object_begin(struct jw *j, const char *key);
void jw_object_end(struct jw *j);
void jw_array_begin(struct jw *j, const char *key);
void jw_array_end(struct jw *j);
void jw_string(struct jw *j, const char *key, const char *val);
void jw_u64(struct jw *j, const char *key, uint64_t val);
void jw_i64(struct jw *j, const char *key, int64_t val);
void jw_bool(struct jw *j, const char *key, bool val);
void jw_null(struct jw *j, const char *key);
/* An address as a "0x..." string: JSON numbers lose precision past 2^53. */
void jw_addr(struct jw *j, const char *key, const void *addr);

#endif
