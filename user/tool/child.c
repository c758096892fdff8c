// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "parse.h"

struct record {
	char step[24];
	int err;
};

static void send(struct child_ctx *ctx, const char *step, int err)
{
	struct record r = { .err = err };

	snprintf(r.step, sizeof(r.step), "%s", step);
	/* A pipe write of this size is atomic. */
	if (write(ctx->pipe_fd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
}

void child_step(struct child_ctx *ctx, const char *step)
{
	send(ctx, step, 0);
}

void child_fail(struct child_ctx *ctx, int err)
{
	send(ctx, "", err);
	_exit(1);
}

int child_run(void (*fn)(struct child_ctx *ctx), void *arg, struct outcome *out)
{
	struct child_ctx ctx = { .arg = arg };
	struct record r;
	int fds[2], status;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe(fds))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		close(fds[0]);
		ctx.pipe_fd = fds[1];
		fn(&ctx);
		_exit(0);
	}
	close(fds[1]);
	while (read(fds[0], &r, sizeof(r)) == sizeof(r)) {
		if (r.step[0])
			memcpy(out->step, r.step, sizeof(out->step));
		if (r.err)
			out->err = r.err;
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFSIGNALED(status))
		out->sig = WTERMSIG(status);
	else
		out->ok = WEXITSTATUS(status) == 0;
	return 0;
}

const char *outcome_str(const struct outcome *o, char *buf, size_t len)
{
	char name[32];

	if (o->sig)
		snprintf(buf, len, "%s at %s", signal_name(o->sig, name, sizeof(name)), o->step);
	else if (o->err)
		snprintf(buf, len, "%s: %s", o->step, errno_name(o->err, name, sizeof(name)));
	else if (o->ok)
		snprintf(buf, len, "ok");
	else
		snprintf(buf, len, "failed at %s", o->step);
	return buf;
}
