/* SPDX-License-Identifier: GPL-2.0 */
/* The smallest test harness that does the job: CHECK() and a failure count. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>

static int unit_failures;

#define CHECK(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		unit_failures++;						\
	}									\
} while (0)

#define CHECK_STR(a, b) do {							\
	const char *a_ = (a), *b_ = (b);					\
	if (!a_ || !b_ || strcmp(a_, b_)) {					\
		fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,	\
			a_ ? a_ : "(null)", b_ ? b_ : "(null)");		\
		unit_failures++;						\
	}									\
} while (0)

static inline int unit_result(const char *name)
{
	printf("%s: %s\n", name, unit_failures ? "FAIL" : "ok");
	return unit_failures ? 1 : 0;
}

#endif
