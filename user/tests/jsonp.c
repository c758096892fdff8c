// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jsonp.h"

struct parser {
	const char *p;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static struct jv *parse_value(struct parser *ps);

/* Parses a string literal; handles the escapes the tool writes, and \uXXXX < 0x80. */
static char *parse_string(struct parser *ps)
{
	size_t cap = 16, n = 0;
	char *s, *t;

	if (*ps->p != '"')
		return NULL;
	ps->p++;
	s = malloc(cap);
	if (!s)
		return NULL;
	while (*ps->p && *ps->p != '"') {
		char c = *ps->p++;

		if ((unsigned char)c < 0x20)
			goto bad;
		if (c == '\\') {
			c = *ps->p++;
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'u': {
				char hex[5] = { 0 };
				unsigned long u;

				memcpy(hex, ps->p, 4);
				if (strlen(hex) != 4 || strspn(hex, "0123456789abcdefABCDEF") != 4)
					goto bad;
				u = strtoul(hex, NULL, 16);
				if (u >= 0x80)
					goto bad;
				c = (char)u;
				ps->p += 4;
				break;
			}
			default:
				goto bad;
			}
		}
		if (n + 1 >= cap) {
			t = realloc(s, cap *= 2);
			if (!t)
				goto bad;
			s = t;
		}
		s[n++] = c;
	}
	if (*ps->p != '"')
		goto bad;
	ps->p++;
	s[n] = 0;
	return s;
bad:
	free(s);
	return NULL;
}

static struct jv *new_value(enum jv_type type)
{
	struct jv *v = calloc(1, sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

static struct jv *parse_number(struct parser *ps)
{
	const char *start = ps->p;
	struct jv *v;
	char *end;

	strtod(start, &end);
	if (end == start || *start == '+' || *start == '.')
		return NULL;
	v = new_value(JV_NUMBER);
	if (!v)
		return NULL;
	v->text = strndup(start, (size_t)(end - start));
	ps->p = end;
	if (!v->text) {
		free(v);
		return NULL;
	}
	return v;
}

/* Parses '[' ... ']' or '{' ... '}' into @v's children. */
static struct jv *parse_container(struct parser *ps, bool object)
{
	struct jv *v = new_value(object ? JV_OBJECT : JV_ARRAY), **tail;
	char close = object ? '}' : ']';

	if (!v || ++ps->depth > 64)
		goto bad;
	tail = &v->child;
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jv *item;

		skip_ws(ps);
		if (object) {
			key = parse_string(ps);
			if (!key)
				goto bad;
			skip_ws(ps);
			if (*ps->p != ':') {
				free(key);
				goto bad;
			}
			ps->p++;
		}
		item = parse_value(ps);
		if (!item) {
			free(key);
			goto bad;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p != close)
			goto bad;
		ps->p++;
		ps->depth--;
		return v;
	}
bad:
	jv_free(v);
	return NULL;
}

static struct jv *parse_literal(struct parser *ps, const char *word,
				enum jv_type type, bool b)
{
	struct jv *v;

	if (strncmp(ps->p, word, strlen(word)))
		return NULL;
	ps->p += strlen(word);
	v = new_value(type);
	if (v)
		v->boolean = b;
	return v;
}

static struct jv *parse_value(struct parser *ps)
{
	struct jv *v;

	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		return parse_container(ps, true);
	case '[':
		return parse_container(ps, false);
	case '"':
		v = new_value(JV_STRING);
		if (v && !(v->text = parse_string(ps))) {
			free(v);
			v = NULL;
		}
		return v;
	case 't':
		return parse_literal(ps, "true", JV_BOOL, true);
	case 'f':
		return parse_literal(ps, "false", JV_BOOL, false);
	case 'n':
		return parse_literal(ps, "null", JV_NULL, false);
	default:
		return parse_number(ps);
	}
}

struct jv *jv_parse(const char *text)
{
	struct parser ps = { .p = text };
	struct jv *v = parse_value(&ps);

	skip_ws(&ps);
	if (v && *ps.p) {
		jv_free(v);
		return NULL;
	}
	return v;
}

void jv_free(struct jv *v)
{
	while (v) {
		struct jv *next = v->next;

		jv_free(v->child);
		free(v->key);
		free(v->text);
		free(v);
		v = next;
	}
}

const struct jv *jv_get(const struct jv *v, const char *path)
{
	while (v && path && *path) {
		size_t len = strcspn(path, ".");
		const struct jv *c;

		if (v->type == JV_OBJECT) {
			for (c = v->child; c; c = c->next)
				if (strlen(c->key) == len && !strncmp(c->key, path, len))
					break;
		} else if (v->type == JV_ARRAY) {
			char *end;
			unsigned long idx = strtoul(path, &end, 10);

			if (end != path + len)
				return NULL;
			for (c = v->child; c && idx; c = c->next)
				idx--;
		} else {
			return NULL;
		}
		v = c;
		path += len;
		if (*path == '.')
			path++;
	}
	return v;
}

size_t jv_count(const struct jv *v)
{
	size_t n = 0;

	for (v = v ? v->child : NULL; v; v = v->next)
		n++;
	return n;
}

uint64_t jv_u64(const struct jv *v, const char *path, uint64_t dflt)
{
	v = jv_get(v, path);
	if (!v || v->type != JV_NUMBER || v->text[0] == '-')
		return dflt;
	return strtoull(v->text, NULL, 10);
}

const char *jv_str(const struct jv *v, const char *path, const char *dflt)
{
	v = jv_get(v, path);
	return v && v->type == JV_STRING ? v->text : dflt;
}

bool jv_bool(const struct jv *v, const char *path, bool dflt)
{
	v = jv_get(v, path);
	return v && v->type == JV_BOOL ? v->boolean : dflt;
}
