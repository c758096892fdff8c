// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <json-c/json.h>

#include "json.h"

void jw_init(struct jw *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->last = NULL;
}

struct json_object *jw_last(const struct jw *j)
{
	return j->last;
}

size_t jw_count(const struct jw *j)
{
	struct json_object *c = j->depth ? j->open[j->depth - 1] : NULL;

	if (json_object_is_type(c, json_type_array))
		return json_object_array_length(c);
	return c ? (size_t)json_object_object_length(c) : 0;
}

/* Adds @val under @key to the container being filled, which owns it then. */
static void add(struct jw *j, const char *key, struct json_object *val)
{
	struct json_object *parent;

	if (!j->depth) {	/* a bare top-level value */
		if (j->f)
			fprintf(j->f, "%s\n", json_object_to_json_string_ext(val, JSON_C_TO_STRING_SPACED));
		json_object_put(val);
		j->last = NULL;
		return;
	}
	j->last = val;
	parent = j->open[j->depth - 1];
	if (json_object_is_type(parent, json_type_array))
		json_object_array_add(parent, val);
	else
		json_object_object_add(parent, key ? key : "", val);
}

/* A container goes into its parent at once and is filled in place. */
static void open_scope(struct jw *j, const char *key, struct json_object *c)
{
	if (j->depth == JW_MAX_DEPTH) {	/* deeper than any command goes */
		json_object_put(c);
		return;
	}
	if (j->depth)
		add(j, key, c);
	j->open[j->depth++] = c;
	j->last = c;
}

/* json-c prints an empty container over two lines; the tool never did. */
static int print_empty(struct json_object *o, struct printbuf *pb, int level, int flags)
{
	(void)level;
	(void)flags;
	return printbuf_memappend(pb, json_object_is_type(o, json_type_array) ? "[]" : "{}", 2);
}

static void close_scope(struct jw *j)
{
	struct json_object *c;

	if (!j->depth)
		return;
	c = j->open[--j->depth];
	if (json_object_is_type(c, json_type_array) ? !json_object_array_length(c) :
	    !json_object_object_length(c))
		json_object_set_serializer(c, print_empty, NULL, NULL);
	j->last = c;
	if (j->depth)
		return;
	if (j->f) {
		fprintf(j->f, "%s\n", json_object_to_json_string_ext(c,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(j->f);
	}
	json_object_put(c);
	j->last = NULL;
}

void jw_object_begin(struct jw *j, const char *key)
{
	open_scope(j, key, json_object_new_object());
}

void jw_object_end(struct jw *j)
{
	close_scope(j);
}

void jw_array_begin(struct jw *j, const char *key)
{
	open_scope(j, key, json_object_new_array());
}

void jw_array_end(struct jw *j)
{
	close_scope(j);
}

void jw_string(struct jw *j, const char *key, const char *val)
{
	add(j, key, json_object_new_string(val ? val : ""));
}

void jw_u64(struct jw *j, const char *key, uint64_t val)
{
	add(j, key, json_object_new_uint64(val));
}

void jw_i64(struct jw *j, const char *key, int64_t val)
{
	add(j, key, json_object_new_int64(val));
}

void jw_bool(struct jw *j, const char *key, bool val)
{
	add(j, key, json_object_new_boolean(val));
}

void jw_null(struct jw *j, const char *key)
{
	/* json-c's null is the NULL object. */
	if (j->depth)
		add(j, key, NULL);
	else
		fputs("null\n", j->f);
}

void jw_addr(struct jw *j, const char *key, const void *addr)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIxPTR, (uintptr_t)addr);
	jw_string(j, key, buf);
}
