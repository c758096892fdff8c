// SPDX-License-Identifier: LGPL-2.1-or-later
/* /proc/PID/smaps: the kernel's own account of one mapping. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libmmdemo.h"

/* An smaps line is a key and a number, or a VMA header with a path. */
#define SMAPS_LINE_MAX	512

struct smaps_key {
	const char *name;	/* with the colon, as smaps prints it */
	size_t offset;
};

#define KEY(name, field) { name, offsetof(struct mmdemo_smaps, field) }
static const struct smaps_key smaps_keys[] = {
	KEY("Size:", size),
	KEY("Rss:", rss),
	KEY("Pss:", pss),
	KEY("Shared_Clean:", shared_clean),
	KEY("Shared_Dirty:", shared_dirty),
	KEY("Private_Clean:", private_clean),
	KEY("Private_Dirty:", private_dirty),
	KEY("Anonymous:", anonymous),
	KEY("KernelPageSize:", kernel_page_size),
	KEY("MMUPageSize:", mmu_page_size),
};

/* A mapping's header line: "start-end perms offset dev inode [path]". */
static bool parse_header(const char *line, uint64_t *start, uint64_t *end)
{
	char perms[8];

	return sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", start, end, perms) == 3;
}

static void parse_field(const char *line, struct mmdemo_smaps *sm)
{
	size_t i;

	if (!strncmp(line, "VmFlags:", 8)) {
		const char *v = line + 8;

		v += strspn(v, " \t");
		snprintf(sm->vmflags, sizeof(sm->vmflags), "%s", v);
		sm->vmflags[strcspn(sm->vmflags, "\n")] = 0;
		return;
	}
	for (i = 0; i < sizeof(smaps_keys) / sizeof(smaps_keys[0]); i++) {
		size_t len = strlen(smaps_keys[i].name);
		uint64_t kb;

		if (strncmp(line, smaps_keys[i].name, len))
			continue;
		if (sscanf(line + len, " %" SCNu64 " kB", &kb) == 1)
			*(uint64_t *)((char *)sm + smaps_keys[i].offset) = kb;
		return;
	}
}

int mmdemo_smaps_parse(FILE *f, uint64_t addr, struct mmdemo_smaps *sm)
{
	char line[SMAPS_LINE_MAX];
	bool found = false;

	memset(sm, 0, sizeof(*sm));
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end;

		/* A line too long for the buffer: skip its rest. */
		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		if (parse_header(line, &start, &end)) {
			if (found)
				break;
			if (addr >= start && addr < end) {
				found = true;
				sm->start = start;
				sm->end = end;
			}
			continue;
		}
		if (found)
			parse_field(line, sm);
	}
	if (ferror(f))
		return -EIO;
	return found ? 0 : -ENOENT;
}

int mmdemo_smaps(pid_t pid, const void *addr, struct mmdemo_smaps *sm)
{
	char path[64];
	FILE *f;
	int ret;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/smaps");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = mmdemo_smaps_parse(f, (uint64_t)(uintptr_t)addr, sm);
	fclose(f);
	return ret;
}

bool mmdemo_smaps_has_flag(const struct mmdemo_smaps *sm, const char *flag)
{
	size_t len = strlen(flag);
	const char *p = sm->vmflags;

	while ((p = strstr(p, flag))) {
		bool starts = p == sm->vmflags || p[-1] == ' ';
		bool ends = p[len] == 0 || p[len] == ' ';

		if (starts && ends)
			return true;
		p += len;
	}
	return false;
}
