// SPDX-License-Identifier: GPL-2.0
/* Parsing /proc/PID/smaps text, from fixture files. */
#include <errno.h>
#include <string.h>

#include "libmmdemo.h"
#include "unit.h"

static int parse_fixture(const char *name, uint64_t addr, struct mmdemo_smaps *sm)
{
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "fixtures/%s", name);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -999;
	}
	ret = mmdemo_smaps_parse(f, addr, sm);
	fclose(f);
	return ret;
}

static void test_device_mapping(void)
{
	struct mmdemo_smaps sm;

	/* An address in the middle of the device mapping. */
	CHECK(parse_fixture("smaps-device.txt", 0x7f1c2a002abcULL, &sm) == 0);
	CHECK(sm.start == 0x7f1c2a000000ULL && sm.end == 0x7f1c2a004000ULL);
	CHECK(sm.size == 16 && sm.rss == 12 && sm.pss == 6);
	CHECK(sm.shared_clean == 4 && sm.shared_dirty == 4);
	CHECK(sm.private_clean == 0 && sm.private_dirty == 4);
	CHECK(sm.anonymous == 0);
	CHECK(sm.kernel_page_size == 4 && sm.mmu_page_size == 4);
	CHECK_STR(sm.vmflags, "rd wr sh mr mw me ms de dd");
	CHECK(mmdemo_smaps_has_flag(&sm, "de"));
	CHECK(mmdemo_smaps_has_flag(&sm, "dd"));
	CHECK(mmdemo_smaps_has_flag(&sm, "rd"));
	CHECK(!mmdemo_smaps_has_flag(&sm, "d"));
	CHECK(!mmdemo_smaps_has_flag(&sm, "pf"));
	CHECK(!mmdemo_smaps_has_flag(&sm, "e dd"));
}

static void test_boundaries(void)
{
	struct mmdemo_smaps sm;

	/* The end address belongs to the next mapping, the anonymous one. */
	CHECK(parse_fixture("smaps-device.txt", 0x7f1c2a004000ULL, &sm) == 0);
	CHECK(sm.start == 0x7f1c2a004000ULL && sm.anonymous == 8);
	CHECK(mmdemo_smaps_has_flag(&sm, "sd"));
	/* Fields missing from a block stay zero. */
	CHECK(sm.shared_clean == 0 && sm.private_dirty == 8);
	/* The last byte of the file's last mapping, and one past it. */
	CHECK(parse_fixture("smaps-device.txt", 0x7f1c2a005fffULL, &sm) == 0);
	CHECK(parse_fixture("smaps-device.txt", 0x7f1c2a006000ULL, &sm) == -ENOENT);
	CHECK(parse_fixture("smaps-device.txt", 0, &sm) == -ENOENT);
}

static void test_long_lines(void)
{
	struct mmdemo_smaps sm;

	/*
	 * A path longer than the line buffer, whose continuation at the
	 * buffer boundary looks like a mapping header, must not confuse the parser.
	 */
	CHECK(parse_fixture("smaps-long-path.txt", 0x7f2000000800ULL, &sm) == 0);
	CHECK(sm.size == 4 && sm.rss == 4);
	CHECK(parse_fixture("smaps-long-path.txt", 0x7f2000001000ULL, &sm) == 0);
	CHECK(sm.start == 0x7f2000001000ULL && sm.rss == 0);
}

static void test_live(void)
{
	struct mmdemo_smaps sm;
	static char data[1];

	/* This process's own smaps has a mapping holding @data. */
	CHECK(mmdemo_smaps(0, data, &sm) == 0);
	CHECK(sm.start <= (uintptr_t)data && (uintptr_t)data < sm.end);
	CHECK(sm.kernel_page_size >= 4);
}

int main(void)
{
	test_device_mapping();
	test_boundaries();
	test_long_lines();
	test_live();
	return unit_result("test_smaps");
}
