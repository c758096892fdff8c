// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/mmdemo.h>

#include "parse.h"

int parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	switch (*end) {
	case 0:
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB"))
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int parse_pattern(const char *s, struct pattern *p)
{
	uint64_t k;

	if (!strcmp(s, "sequential") || !strcmp(s, "seq")) {
		p->kind = PATTERN_SEQUENTIAL;
	} else if (!strcmp(s, "random")) {
		p->kind = PATTERN_RANDOM;
	} else if (!strncmp(s, "stride:", 7)) {
		if (parse_number(s + 7, 1, UINT32_MAX, &k))
			return -EINVAL;
		p->kind = PATTERN_STRIDE;
		p->stride = k;
	} else {
		return -EINVAL;
	}
	return 0;
}

const char *pattern_name(const struct pattern *p, char *buf, size_t len)
{
	switch (p->kind) {
	case PATTERN_RANDOM:
		snprintf(buf, len, "random");
		break;
	case PATTERN_STRIDE:
		snprintf(buf, len, "stride:%" PRIu64, p->stride);
		break;
	default:
		snprintf(buf, len, "sequential");
	}
	return buf;
}

/* xorshift64*: a small, seedable generator, so a run can be repeated. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

size_t pattern_order(const struct pattern *p, size_t nr_pages, uint64_t seed,
		     size_t *order)
{
	uint64_t state = seed ? seed : 1;
	size_t i, n = 0;

	if (p->kind == PATTERN_STRIDE) {
		for (i = 0; i < nr_pages; i += p->stride)
			order[n++] = i;
		return n;
	}
	for (i = 0; i < nr_pages; i++)
		order[n++] = i;
	if (p->kind == PATTERN_RANDOM) {
		/* Fisher-Yates */
		for (i = n; i > 1; i--) {
			size_t j = next_random(&state) % i;
			size_t t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
	}
	return n;
}

/* Indexed by mode, then by MMDEMO_BACKING_FAULT_AROUND (page has none). */
static const char *const backing_names[][2] = {
	[MMDEMO_BACKING_PAGE] = { "page", NULL },
	[MMDEMO_BACKING_INSERT] = { "insert", "insert+around" },
	[MMDEMO_BACKING_PFN] = { "pfn", "pfn+around" },
	[MMDEMO_BACKING_EAGER] = { "eager", "eager+around" },
	[MMDEMO_BACKING_HUGE] = { "huge", "huge+around" },
};

#define NR_BACKINGS (sizeof(backing_names) / sizeof(backing_names[0]))

int parse_backing(const char *s, uint32_t *backing)
{
	for (uint32_t i = 0; i < NR_BACKINGS; i++) {
		for (uint32_t around = 0; around < 2; around++) {
			const char *name = backing_names[i][around];

			if (name && !strcmp(s, name)) {
				*backing = i | (around ? MMDEMO_BACKING_FAULT_AROUND : 0);
				return 0;
			}
		}
	}
	return -EINVAL;
}

const char *backing_name(uint32_t backing)
{
	uint32_t mode = backing & MMDEMO_BACKING_MODE_MASK;
	const char *name = NULL;

	if (mode < NR_BACKINGS && !(backing & ~(MMDEMO_BACKING_MODE_MASK | MMDEMO_BACKING_FAULT_AROUND)))
		name = backing_names[mode][!!(backing & MMDEMO_BACKING_FAULT_AROUND)];
	return name ? name : "unknown";
}

struct flag_name {
	int flag;
	const char *name;
};

static const char *join_flags(int value, const struct flag_name *names,
			      size_t count, const char *none, char *buf,
			      size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < count; i++) {
		if ((value & names[i].flag) != names[i].flag || !names[i].flag)
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 used ? "|" : "", names[i].name);
		value &= ~names[i].flag;
	}
	if (value)
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%#x", used ? "|" : "", value);
	if (!used)
		snprintf(buf, len, "%s", none);
	return buf;
}

const char *prot_name(int prot, char *buf, size_t len)
{
	static const struct flag_name names[] = {
		{ PROT_READ, "READ" }, { PROT_WRITE, "WRITE" }, { PROT_EXEC, "EXEC" },
	};

	return join_flags(prot, names, sizeof(names) / sizeof(names[0]), "NONE",
			  buf, len);
}

const char *map_flags_name(int flags, char *buf, size_t len)
{
	static const struct flag_name names[] = {
		{ MAP_SHARED, "SHARED" }, { MAP_PRIVATE, "PRIVATE" },
		{ MAP_ANONYMOUS, "ANONYMOUS" }, { MAP_FIXED, "FIXED" },
		{ MAP_FIXED_NOREPLACE, "FIXED_NOREPLACE" },
		{ MAP_HUGETLB, "HUGETLB" }, { MAP_POPULATE, "POPULATE" },
	};

	return join_flags(flags, names, sizeof(names) / sizeof(names[0]), "0",
			  buf, len);
}

const char *signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

const char *errno_name(int err, char *buf, size_t len)
{
	const char *name = strerrorname_np(err);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "errno %d", err);
	return buf;
}
