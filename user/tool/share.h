/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMDEMO_SHARE_H
#define MMDEMO_SHARE_H

#include "cli.h"

#define TEXT_LEN	32

struct observation {
	const char *who;	/* "parent", "child", "exec" */
	const char *action;	/* "write" or "read" */
	char text[TEXT_LEN];	/* what it wrote or read */
	uint64_t pfn;		/* 0: hidden (needs CAP_SYS_ADMIN) */
};

struct share_result {
	bool private;
	size_t nr;
	struct observation obs[8];
	char device_text[TEXT_LEN];	/* read() of the device page at the end */
	struct mmdemo_smaps forked;	/* parent's smaps while a child maps it too */
	struct mmdemo_smaps alone;	/* parent's smaps at the end, alone */
};

/* One scenario (MAP_SHARED or MAP_PRIVATE) on device page @offset. */
int share_run(struct cli *cli, int fd, uint64_t offset, bool private,
	      struct share_result *r);
void share_report(struct cli *cli, const struct share_result *r);
/* The exec'd helper: "mmdemo __peek DEVICE OFFSET PRIVATE [TEXT]". */
int share_peek_main(int argc, char **argv);

#endif
