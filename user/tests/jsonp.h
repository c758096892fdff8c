/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader for tests: parses a document into a tree and looks
 * values up by path ("passes.0.touches.3.device_faults").  Used by the host
 * unit tests (round trip of the tool's writer) and by the VM tests that
 * check the tool's --json output against the kernel.
 */
#ifndef JSONP_H
#define JSONP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_type type;
	char *key;		/* member name inside an object, else NULL */
	char *text;		/* string value, or the number as written */
	bool boolean;
	struct jv *child;	/* first element or member */
	struct jv *next;	/* next sibling */
};

/* NULL if @text is not exactly one valid JSON value (and white space). */
struct jv *jv_parse(const char *text);
void jv_free(struct jv *v);
/* Dotted path of member names and array indexes; NULL if absent. */
const struct jv *jv_get(const struct jv *v, const char *path);
size_t jv_count(const struct jv *v);		/* elements or members */
/* Typed reads; @dflt when the value is missing or of another type. */
uint64_t jv_u64(const struct jv *v, const char *path, uint64_t dflt);
const char *jv_str(const struct jv *v, const char *path, const char *dflt);
bool jv_bool(const struct jv *v, const char *path, bool dflt);

#endif
