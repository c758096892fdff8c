/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' reading of the tool's --json output: json-c parses it, and
 * values are looked up by a dotted path ("passes.0.touches.3.device_faults").
 * Used by the host unit tests and by the VM tests that check the tool's
 * --json output against the kernel.
 */
#ifndef JSONPATH_H
#define JSONPATH_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jv;	/* a json-c object, read only */

/* NULL unless @text is exactly one valid JSON value (and white space). */
struct jv *jv_parse(const char *text);
void jv_free(struct jv *v);
/* Dotted path of member names and array indexes (NULL or "": @v); NULL if absent. */
const struct jv *jv_get(const struct jv *v, const char *path);
/* The value's json-c type (json_type_null for a missing one). */
enum json_type jv_type(const struct jv *v);
size_t jv_count(const struct jv *v);		/* elements or members */
/* Typed reads; @dflt when the value is missing or of another type. */
uint64_t jv_u64(const struct jv *v, const char *path, uint64_t dflt);
int64_t jv_i64(const struct jv *v, const char *path, int64_t dflt);
const char *jv_str(const struct jv *v, const char *path, const char *dflt);
bool jv_bool(const struct jv *v, const char *path, bool dflt);

#endif
