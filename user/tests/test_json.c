// SPDX-License-Identifier: GPL-2.0
/* The tool's JSON writer, byte for byte and read back; what the reader refuses. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonpath.h"
#include "unit.h"

static char *write_doc(void)
{
	struct jw j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	jw_init(&j, f);
	jw_object_begin(&j, NULL);
	jw_string(&j, "command", "faults");
	jw_u64(&j, "big", UINT64_MAX);
	jw_i64(&j, "negative", -5);
	jw_bool(&j, "yes", true);
	jw_null(&j, "nothing");
	jw_string(&j, "tricky", "quote\" back\\slash\nnew\ttab\x01/");
	jw_addr(&j, "address", (void *)0x7f0012345000);
	jw_object_begin(&j, "empty_object");
	jw_object_end(&j);
	jw_array_begin(&j, "empty_array");
	jw_array_end(&j);
	jw_array_begin(&j, "passes");
	for (int p = 1; p <= 2; p++) {
		jw_object_begin(&j, NULL);
		jw_u64(&j, "pass", (uint64_t)p);
		jw_array_begin(&j, "counts");
		jw_u64(&j, NULL, (uint64_t)p * 10);
		jw_u64(&j, NULL, (uint64_t)p * 20);
		jw_array_end(&j);
		jw_object_end(&j);
	}
	jw_array_end(&j);
	jw_object_end(&j);
	fclose(f);
	return buf;
}

/*
 * What the tool's own writer printed before json-c wrote it: scripts may
 * compare output byte for byte, so json-c must print the same.
 */
static const char expected_doc[] =
	"{\n"
	"  \"command\": \"faults\",\n"
	"  \"big\": 18446744073709551615,\n"
	"  \"negative\": -5,\n"
	"  \"yes\": true,\n"
	"  \"nothing\": null,\n"
	"  \"tricky\": \"quote\\\" back\\\\slash\\nnew\\ttab\\u0001/\",\n"
	"  \"address\": \"0x7f0012345000\",\n"
	"  \"empty_object\": {},\n"
	"  \"empty_array\": [],\n"
	"  \"passes\": [\n"
	"    {\n"
	"      \"pass\": 1,\n"
	"      \"counts\": [\n"
	"        10,\n"
	"        20\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"pass\": 2,\n"
	"      \"counts\": [\n"
	"        20,\n"
	"        40\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n"
;

static void test_bytes(void)
{
	char *doc = write_doc();

	CHECK_STR(doc, expected_doc);
	free(doc);
}

static void test_round_trip(void)
{
	char *doc = write_doc();
	struct jv *v = doc ? jv_parse(doc) : NULL;

	CHECK(v != NULL);
	CHECK(doc && doc[strlen(doc) - 1] == '\n');
	CHECK_STR(jv_str(v, "command", NULL), "faults");
	CHECK(jv_u64(v, "big", 0) == UINT64_MAX);
	CHECK(jv_i64(v, "negative", 0) == -5);
	CHECK(jv_u64(v, "negative", 7) == 7);
	CHECK(jv_bool(v, "yes", false));
	CHECK(jv_count(v) == 10 && jv_type(jv_get(v, "nothing")) == json_type_null);
	CHECK_STR(jv_str(v, "tricky", NULL), "quote\" back\\slash\nnew\ttab\x01/");
	CHECK_STR(jv_str(v, "address", NULL), "0x7f0012345000");
	CHECK(jv_count(jv_get(v, "empty_object")) == 0);
	CHECK(jv_type(jv_get(v, "empty_array")) == json_type_array);
	CHECK(jv_count(jv_get(v, "passes")) == 2);
	CHECK(jv_u64(v, "passes.1.pass", 0) == 2);
	CHECK(jv_u64(v, "passes.1.counts.1", 0) == 40);
	CHECK(jv_get(v, "passes.2") == NULL);
	CHECK(jv_get(v, NULL) == v && jv_u64(jv_get(v, "big"), NULL, 0) == UINT64_MAX);
	CHECK(jv_get(v, "passes.x") == NULL);
	CHECK(jv_get(v, "command.deeper") == NULL);
	jv_free(v);
	free(doc);
}

/*
 * json-c 0.16 takes a raw control character inside a string even when
 * strict; the writer's escaping of one is checked by test_bytes().
 */
static void test_rejects(void)
{
	static const char *const bad[] = {
		"", "{", "}", "[1,]", "{\"a\" 1}", "{\"a\":}", "\"open", "tru",
		"[1] [2]", "{\"a\":1,}", "\"\\x\"", "01x", ".5",
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
	test_bytes();
	test_round_trip();
	test_rejects();
	return unit_result("test_json");
}
