// SPDX-License-Identifier: GPL-2.0
/* The tool's JSON writer, read back by the test parser; and the parser itself. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonp.h"
#include "unit.h"

static char *write_doc(void)
{
	struct json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_string(&j, "command", "faults");
	json_u64(&j, "big", UINT64_MAX);
	json_i64(&j, "negative", -5);
	json_bool(&j, "yes", true);
	json_null(&j, "nothing");
	json_string(&j, "tricky", "quote\" back\\slash\nnew\ttab\x01");
	json_addr(&j, "address", (void *)0x7f0012345000);
	json_object_begin(&j, "empty_object");
	json_object_end(&j);
	json_array_begin(&j, "empty_array");
	json_array_end(&j);
	json_array_begin(&j, "passes");
	for (int p = 1; p <= 2; p++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "pass", (uint64_t)p);
		json_array_begin(&j, "counts");
		json_u64(&j, NULL, (uint64_t)p * 10);
		json_u64(&j, NULL, (uint64_t)p * 20);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fclose(f);
	return buf;
}

static void test_round_trip(void)
{
	char *doc = write_doc();
	struct jv *v = doc ? jv_parse(doc) : NULL;

	CHECK(v != NULL);
	CHECK(doc && doc[strlen(doc) - 1] == '\n');
	CHECK_STR(jv_str(v, "command", NULL), "faults");
	CHECK(jv_u64(v, "big", 0) == UINT64_MAX);
	CHECK(jv_get(v, "negative") && !strcmp(jv_get(v, "negative")->text, "-5"));
	CHECK(jv_bool(v, "yes", false));
	CHECK(jv_get(v, "nothing") && jv_get(v, "nothing")->type == JV_NULL);
	CHECK_STR(jv_str(v, "tricky", NULL), "quote\" back\\slash\nnew\ttab\x01");
	CHECK_STR(jv_str(v, "address", NULL), "0x7f0012345000");
	CHECK(jv_count(jv_get(v, "empty_object")) == 0);
	CHECK(jv_get(v, "empty_array")->type == JV_ARRAY);
	CHECK(jv_count(jv_get(v, "passes")) == 2);
	CHECK(jv_u64(v, "passes.1.pass", 0) == 2);
	CHECK(jv_u64(v, "passes.1.counts.1", 0) == 40);
	CHECK(jv_get(v, "passes.2") == NULL);
	CHECK(jv_get(v, "passes.x") == NULL);
	CHECK(jv_get(v, "command.deeper") == NULL);
	jv_free(v);
	free(doc);
}

static void test_rejects(void)
{
	static const char *const bad[] = {
		"", "{", "}", "[1,]", "{\"a\" 1}", "{\"a\":}", "\"open", "tru",
		"[1] [2]", "{\"a\":1,}", "\"\\x\"", "\"\x01\"", "01x", ".5",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jv *v = jv_parse(bad[i]);

		if (v)
			fprintf(stderr, "accepted bad JSON: %s\n", bad[i]);
		CHECK(v == NULL);
		jv_free(v);
	}
}

int main(void)
{
	test_round_trip();
	test_rejects();
	return unit_result("test_json");
}
