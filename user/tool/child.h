/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run one experiment in a child process and report what the kernel did to
 * it: finished, failed a system call with an errno, or died of a signal.
 */
#ifndef MMDEMO_CHILD_H
#define MMDEMO_CHILD_H

#include <stdbool.h>
#include <stddef.h>

struct child_ctx {
	int pipe_fd;
	void *arg;
};

/* Inside the child: announce the step about to run ("mmap", "write"...). */
void child_step(struct child_ctx *ctx, const char *step);
/* Inside the child: the current step failed with errno @err. */
void child_fail(struct child_ctx *ctx, int err) __attribute__((noreturn));

struct outcome {
	char step[24];		/* the last step announced */
	int err;		/* errno of a failed step, or 0 */
	int sig;		/* signal that killed the child, or 0 */
	bool ok;		/* ran to the end */
};

/* Runs @fn in a child; fills @out from what happened. 0 or -errno. */
int child_run(void (*fn)(struct child_ctx *ctx), void *arg, struct outcome *out);
/* "ok", "SIGSEGV at write", "mmap: EACCES" */
const char *outcome_str(const struct outcome *o, char *buf, size_t len);

#endif
