/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing and naming helpers of the mmdemo tool; pure, so unit-tested on the host. */
#ifndef MMDEMO_PARSE_H
#define MMDEMO_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* "4096", "0x1000", "16k", "2M", "1G" (binary units).  0 or -EINVAL/-ERANGE. */
int parse_size(const char *s, uint64_t *out);
/* A plain number in [min, max].  0 or -EINVAL/-ERANGE. */
int parse_number(const char *s, uint64_t min, uint64_t max, uint64_t *out);

enum pattern_kind { PATTERN_SEQUENTIAL, PATTERN_RANDOM, PATTERN_STRIDE };

struct pattern {
	enum pattern_kind kind;
	uint64_t stride;	/* PATTERN_STRIDE only */
};

/* "sequential"/"seq", "random", "stride:K" (K >= 1). */
int parse_pattern(const char *s, struct pattern *p);
const char *pattern_name(const struct pattern *p, char *buf, size_t len);
/*
 * Fills @order with the pages to touch out of @nr_pages and returns how
 * many: all of them for sequential and random (shuffled from @seed), every
 * stride-th one for stride.
 */
size_t pattern_order(const struct pattern *p, size_t nr_pages, uint64_t seed,
		     size_t *order);

/*
 * "page", "insert", "pfn", "eager", "huge", optionally "+around" (not
 * after page) <-> MMDEMO_BACKING_* | FAULT_AROUND; -EINVAL if unknown.
 */
#define BACKING_CHOICES "page, insert, pfn, eager or huge, or MODE+around (not page)"
int parse_backing(const char *s, uint32_t *backing);
const char *backing_name(uint32_t backing);

/* "READ|WRITE", "NONE" */
const char *prot_name(int prot, char *buf, size_t len);
/* "SHARED|FIXED", "PRIVATE|ANONYMOUS" */
const char *map_flags_name(int flags, char *buf, size_t len);
/* "SIGSEGV", or "signal N" for one without a name here. */
const char *signal_name(int sig, char *buf, size_t len);
/* "EACCES", or "errno N". */
const char *errno_name(int err, char *buf, size_t len);

#endif
