// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"

#define OBJ(v) ((struct json_object *)(v))

struct jv *jv_parse(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	size_t end;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* With its NUL, so that a number at the very end is known to end. */
	o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	end = json_tokener_get_parse_end(tok);
	/* One whole value, then nothing but white space. */
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    text[end + strspn(text + end, " \t\r\n")]) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	/* json-c's null is the NULL object: a bare "null" reads as nothing. */
	return (struct jv *)o;
}

void jv_free(struct jv *v)
{
	json_object_put(OBJ(v));
}

const struct jv *jv_get(const struct jv *v, const char *path)
{
	struct json_object *o = OBJ(v);
	char part[128];

	while (o && path && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		path += n + (path[n] == '.');
		if (json_object_is_type(o, json_type_array)) {
			char *end;
			unsigned long i = strtoul(part, &end, 10);

			if (!*part || *end || i >= json_object_array_length(o))
				return NULL;
			o = json_object_array_get_idx(o, i);
		} else if (!json_object_is_type(o, json_type_object) ||
			   !json_object_object_get_ex(o, part, &o)) {
			return NULL;
		}
	}
	return (const struct jv *)o;
}

enum json_type jv_type(const struct jv *v)
{
	return json_object_get_type(OBJ(v));
}

size_t jv_count(const struct jv *v)
{
	if (json_object_is_type(OBJ(v), json_type_array))
		return json_object_array_length(OBJ(v));
	if (json_object_is_type(OBJ(v), json_type_object))
		return (size_t)json_object_object_length(OBJ(v));
	return 0;
}

uint64_t jv_u64(const struct jv *v, const char *path, uint64_t dflt)
{
	struct json_object *o = OBJ(jv_get(v, path));

	if (!json_object_is_type(o, json_type_int))
		return dflt;
	/* json-c keeps a number as int64 or uint64; a negative one is no u64. */
	return json_object_get_int64(o) < 0 ? dflt : json_object_get_uint64(o);
}

int64_t jv_i64(const struct jv *v, const char *path, int64_t dflt)
{
	struct json_object *o = OBJ(jv_get(v, path));

	return json_object_is_type(o, json_type_int) ? json_object_get_int64(o) : dflt;
}

const char *jv_str(const struct jv *v, const char *path, const char *dflt)
{
	struct json_object *o = OBJ(jv_get(v, path));

	return json_object_is_type(o, json_type_string) ? json_object_get_string(o) : dflt;
}

bool jv_bool(const struct jv *v, const char *path, bool dflt)
{
	struct json_object *o = OBJ(jv_get(v, path));

	return json_object_is_type(o, json_type_boolean) ? json_object_get_boolean(o) : dflt;
}
