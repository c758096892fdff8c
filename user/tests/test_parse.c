// SPDX-License-Identifier: GPL-2.0
/* Argument parsing and naming helpers of the mmdemo tool. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/mmdemo.h>

#include "parse.h"
#include "version.h"
#include "unit.h"

static void test_sizes(void)
{
	uint64_t v;

	CHECK(!parse_size("8192", &v) && v == 8192);
	CHECK(!parse_size("0x2000", &v) && v == 8192);
	CHECK(!parse_size("8k", &v) && v == 8192);
	CHECK(!parse_size("8K", &v) && v == 8192);
	CHECK(!parse_size("3M", &v) && v == 3 << 20);
	CHECK(!parse_size("1G", &v) && v == 1 << 30);
	CHECK(!parse_size("1KiB", &v) && v == 1024);
	CHECK(!parse_size("3MB", &v) && v == 3 << 20);
	CHECK(!parse_size("0", &v) && v == 0);
	CHECK(parse_size("", &v) == -EINVAL);
	CHECK(parse_size("-1", &v) == -EINVAL);
	CHECK(parse_size(" 1", &v) == -EINVAL);
	CHECK(parse_size("4q", &v) == -EINVAL);
	CHECK(parse_size("4kk", &v) == -EINVAL);
	CHECK(parse_size("k", &v) == -EINVAL);
	CHECK(parse_size("99999999999999999999", &v) == -ERANGE);
	CHECK(parse_size("17179869184G", &v) == -ERANGE);
	CHECK(parse_size(NULL, &v) == -EINVAL);
}

static void test_numbers(void)
{
	uint64_t v;

	CHECK(!parse_number("8", 1, 10, &v) && v == 8);
	CHECK(parse_number("0", 1, 10, &v) == -ERANGE);
	CHECK(parse_number("11", 1, 10, &v) == -ERANGE);
	CHECK(parse_number("1.5", 1, 10, &v) == -EINVAL);
	CHECK(parse_number("-3", 0, 10, &v) == -EINVAL);
	CHECK(parse_number("", 0, 10, &v) == -EINVAL);
	CHECK(!parse_number("18446744073709551615", 0, UINT64_MAX, &v) && v == UINT64_MAX);
	CHECK(parse_number("18446744073709551616", 0, UINT64_MAX, &v) == -ERANGE);
}

static void test_patterns(void)
{
	struct pattern p;
	size_t order[16], n, seen[10] = { 0 };
	char buf[32];

	CHECK(!parse_pattern("sequential", &p) && p.kind == PATTERN_SEQUENTIAL);
	CHECK(!parse_pattern("seq", &p) && p.kind == PATTERN_SEQUENTIAL);
	CHECK(!parse_pattern("random", &p) && p.kind == PATTERN_RANDOM);
	CHECK(!parse_pattern("stride:3", &p) && p.kind == PATTERN_STRIDE && p.stride == 3);
	CHECK(parse_pattern("stride:0", &p) == -EINVAL);
	CHECK(parse_pattern("stride:", &p) == -EINVAL);
	CHECK(parse_pattern("stride:x", &p) == -EINVAL);
	CHECK(parse_pattern("backwards", &p) == -EINVAL);
	CHECK_STR(pattern_name(&p, buf, sizeof(buf)), "stride:3");

	parse_pattern("stride:3", &p);
	n = pattern_order(&p, 10, 1, order);
	CHECK(n == 4 && order[0] == 0 && order[1] == 3 && order[2] == 6 && order[3] == 9);

	parse_pattern("seq", &p);
	n = pattern_order(&p, 5, 1, order);
	CHECK(n == 5 && order[0] == 0 && order[4] == 4);

	/* Random: a permutation, the same one for the same seed. */
	parse_pattern("random", &p);
	n = pattern_order(&p, 10, 42, order);
	CHECK(n == 10);
	for (size_t i = 0; i < n; i++)
		if (order[i] < 10)
			seen[order[i]]++;
	for (size_t i = 0; i < 10; i++)
		CHECK(seen[i] == 1);
	{
		size_t again[16];

		pattern_order(&p, 10, 42, again);
		CHECK(!memcmp(order, again, 10 * sizeof(size_t)));
		pattern_order(&p, 10, 43, again);
		CHECK(memcmp(order, again, 10 * sizeof(size_t)));
	}
}

static void test_names(void)
{
	char buf[64];
	uint32_t b = 99;

	CHECK(!parse_backing("pfn", &b) && b == 2);
	CHECK(!parse_backing("eager", &b) && b == 3);
	CHECK(parse_backing("PFN", &b) == -EINVAL && b == 3);
	CHECK(parse_backing("", &b) == -EINVAL);
	CHECK_STR(backing_name(1), "insert");
	CHECK_STR(backing_name(7), "unknown");
	CHECK(!parse_backing("huge", &b) && b == MMDEMO_BACKING_HUGE);
	CHECK(!parse_backing("insert+around", &b) &&
	      b == (MMDEMO_BACKING_INSERT | MMDEMO_BACKING_FAULT_AROUND));
	CHECK(parse_backing("page+around", &b) == -EINVAL);
	CHECK(parse_backing("around", &b) == -EINVAL);
	CHECK_STR(backing_name(MMDEMO_BACKING_HUGE | MMDEMO_BACKING_FAULT_AROUND), "huge+around");
	CHECK_STR(backing_name(MMDEMO_BACKING_PAGE | MMDEMO_BACKING_FAULT_AROUND), "unknown");
	CHECK_STR(backing_name(MMDEMO_BACKING_INSERT | 0x200), "unknown");

	CHECK_STR(prot_name(PROT_READ | PROT_WRITE, buf, sizeof(buf)), "READ|WRITE");
	CHECK_STR(prot_name(PROT_NONE, buf, sizeof(buf)), "NONE");
	CHECK_STR(prot_name(PROT_READ | PROT_EXEC, buf, sizeof(buf)), "READ|EXEC");
	CHECK_STR(prot_name(PROT_READ | 0x100, buf, sizeof(buf)), "READ|0x100");
	CHECK_STR(map_flags_name(MAP_SHARED | MAP_FIXED, buf, sizeof(buf)), "SHARED|FIXED");
	CHECK_STR(map_flags_name(MAP_PRIVATE | MAP_ANONYMOUS, buf, sizeof(buf)), "PRIVATE|ANONYMOUS");
	CHECK_STR(map_flags_name(MAP_SHARED | MAP_HUGETLB, buf, sizeof(buf)), "SHARED|HUGETLB");
	/* A buffer too small truncates, never overflows. */
	CHECK_STR(prot_name(PROT_READ | PROT_WRITE | PROT_EXEC, buf, 6), "READ|");
	CHECK_STR(signal_name(SIGSEGV, buf, sizeof(buf)), "SIGSEGV");
	CHECK_STR(signal_name(SIGBUS, buf, sizeof(buf)), "SIGBUS");
	CHECK_STR(errno_name(EACCES, buf, sizeof(buf)), "EACCES");
	CHECK_STR(errno_name(ENXIO, buf, sizeof(buf)), "ENXIO");
	CHECK_STR(errno_name(4000, buf, sizeof(buf)), "errno 4000");
}

/* An older module's interface gets one warning that says what to do. */
static void test_interface_warning(void)
{
	char buf[256];

	CHECK(interface_warning(MMDEMO_API_VERSION, buf, sizeof(buf)) == 0);
	CHECK(interface_warning(MMDEMO_API_VERSION + 1, buf, sizeof(buf)) == 0);
	CHECK(interface_warning(MMDEMO_API_VERSION - 1, buf, sizeof(buf)) == 1);
	CHECK(strstr(buf, "interface version 4; this mmdemo (" MMDEMO_VERSION ") needs 5"));
	CHECK(strstr(buf, "sudo mmdemo load"));
	CHECK_STR(mmdemo_version(), MMDEMO_VERSION);
}

int main(void)
{
	test_sizes();
	test_numbers();
	test_patterns();
	test_names();
	test_interface_warning();
	return unit_result("test_parse");
}
