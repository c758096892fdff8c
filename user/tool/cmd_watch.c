// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo watch: a live view of the device's pages, for a class to watch
 * pages arrive one fault at a time while a program touches them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* What one read() of the event stream takes at most. */
#define TAIL_READ_MAX	4096
#include "grid.h"
#include "parse.h"

static const char watch_help[] =
"Usage: mmdemo watch [-o OFFSET] [-n PAGES] [-i MS] [--frames N] [--device PATH]\n"
"                    [-- COMMAND [ARG...]]\n"
"\n"
"A live, full-screen view of the device's pages, redrawn every MS\n"
"milliseconds from the device's per-page fault counts and dirty map:\n"
"\n"
"  .       no fault yet (no mapping has faulted the page in)\n"
"  o O @   1, 2-9, 10 or more faults served for the page\n"
"  w W     the same, and written through a mapping since the last clean\n"
"\n"
"A page that changed since the last frame is shown in reverse video.\n"
"Above the grid: faults per second, resident pages, live VMAs and mmap()\n"
"calls; below it, the latest mmdemo tracepoint events when tracefs can\n"
"be read (as root the events are switched on for the run, and off again\n"
"after; reading them takes them from the kernel's trace_pipe).\n"
"\n"
"With a COMMAND after --, watch runs it beside the view and shows its\n"
"last lines of output, e.g.\n"
"  mmdemo watch -- mmdemo faults -n 64 --pattern random --slow\n"
"\n"
"q or Ctrl-C quits and gives the terminal back as it was.  Without a\n"
"terminal (a pipe, a file), frames are printed one after another.\n"
"\n"
"  -o, --offset BYTES   first page to show (page aligned; default 0)\n"
"  -n, --pages N        pages to show (default: as many as fit)\n"
"  -i, --interval MS    time between frames, 50 to 10000 (default 200)\n"
"      --frames N       stop after N frames (for scripts)\n"
"      --device PATH    default " MMDEMO_DEV_PATH "\n";

static const struct option options[] = {
	{ "offset", required_argument, NULL, 'o' },
	{ "pages", required_argument, NULL, 'n' },
	{ "interval", required_argument, NULL, 'i' },
	{ "frames", required_argument, NULL, 'F' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

#define TAIL_LINES	5	/* event and command lines kept */
#define LINE_MAX_LEN	160

/* The last few lines of a stream (trace_pipe, the command's output). */
struct tail {
	int fd;			/* -1: none */
	char lines[TAIL_LINES][LINE_MAX_LEN];
	unsigned int count;	/* lines ever completed */
	char partial[LINE_MAX_LEN];
	size_t partial_len;
	const char *match;	/* keep only lines with this in them */
};

struct watch {
	struct cli *cli;
	struct mmdemo_dev *dev;
	uint64_t first;			/* first page shown */
	uint64_t pages;			/* pages shown (0: as many as fit) */
	unsigned int interval_ms;
	uint64_t max_frames;		/* 0: until q, Ctrl-C or the command ends */
	bool tty;			/* full-screen mode */
	int rows, cols;

	uint64_t nr;			/* pages sampled this frame */
	uint32_t *counts;
	uint8_t *dirty;
	char *cells, *prev;
	bool *changed;
	uint64_t cap;			/* pages the arrays hold */
	uint64_t dev_pages;
	struct mmdemo_stats st, st_prev;
	double t, t_prev;

	struct tail events;		/* tracefs */
	char trace_enable[128];		/* what to switch off at the end */
	const char *trace_note;

	pid_t child;			/* the COMMAND, 0: none */
	struct tail output;
	int child_status;		/* valid once child_done */
	bool child_done;
	const char *child_name;
};

/* The signal that ended the view (or -1 for q), and a pending resize. */
static volatile sig_atomic_t stop, resized;

static void on_stop(int sig)
{
	stop = sig;
}

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- The last lines of a stream ---- */

static void tail_push(struct tail *t, const char *line)
{
	const char *m = t->match ? strstr(line, t->match) : line;

	if (!m)
		return;
	if (t->match)
		m += strlen(t->match);	/* "mmdemo_fault: ..." -> "fault: ..." */
	snprintf(t->lines[t->count % TAIL_LINES], LINE_MAX_LEN, "%s", m);
	t->count++;
}

/* Reads what there is; returns false at the end of the stream. */
static bool tail_read(struct tail *t)
{
	char buf[TAIL_READ_MAX];
	ssize_t n = read(t->fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	for (ssize_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n') {
			t->partial[t->partial_len] = 0;
			tail_push(t, t->partial);
			t->partial_len = 0;
		} else if (c != '\r' && t->partial_len < LINE_MAX_LEN - 1) {
			/* Tabs and control characters would move the cursor. */
			t->partial[t->partial_len++] = (unsigned char)c < ' ' ? ' ' : c;
		}
	}
	return true;
}

/* Line @i of the kept ones, oldest first, or NULL. */
static const char *tail_line(const struct tail *t, unsigned int i)
{
	unsigned int kept = t->count < TAIL_LINES ? t->count : TAIL_LINES;

	if (i >= kept)
		return NULL;
	return t->lines[(t->count - kept + i) % TAIL_LINES];
}

/* ---- Tracepoints ---- */

static void trace_open(struct watch *w)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128], state[4] = "";
	const char *dir = NULL;
	int fd;

	w->events.fd = -1;
	w->events.match = " mmdemo_";
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !dir; i++) {
		snprintf(path, sizeof(path), "%s/events/mmdemo/enable", dirs[i]);
		if (!access(path, F_OK))
			dir = dirs[i];
	}
	if (!dir) {
		w->trace_note = "no mmdemo events in tracefs (not mounted, or no CONFIG_TRACING)";
		return;
	}
	fd = open(path, O_RDWR);
	if (fd >= 0) {
		if (read(fd, state, sizeof(state) - 1) > 0 && state[0] == '0' &&
		    pwrite(fd, "1", 1, 0) == 1)
			snprintf(w->trace_enable, sizeof(w->trace_enable), "%s", path);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", dir);
	w->events.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->events.fd < 0)
		w->trace_note = "tracefs is not readable here (root can read it)";
	else if (!w->trace_enable[0] && state[0] != '1')
		w->trace_note = "the mmdemo events are off (root switches them on)";
}

static void trace_close(struct watch *w)
{
	int fd;

	if (w->events.fd >= 0)
		close(w->events.fd);
	if (w->trace_enable[0]) {
		fd = open(w->trace_enable, O_WRONLY);
		if (fd >= 0) {
			if (write(fd, "0", 1) != 1)
				fprintf(stderr, "mmdemo watch: could not switch the events off again\n");
			close(fd);
		}
	}
}

/* ---- The command beside the view ---- */

static int child_start(struct watch *w, char **argv)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* The view owns the terminal: the command gets none of it. */
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	w->child = pid;
	w->child_name = argv[0];
	w->output.fd = pipefd[0];
	return 0;
}

static void child_reap(struct watch *w)
{
	int status;

	if (!w->child || w->child_done || waitpid(w->child, &status, WNOHANG) != w->child)
		return;
	w->child_done = true;
	w->child_status = status;
}

/* ---- Sampling and drawing ---- */

static int grow(struct watch *w, uint64_t nr)
{
	if (nr <= w->cap)
		return 0;
	free(w->counts);
	free(w->dirty);
	free(w->cells);
	free(w->prev);
	free(w->changed);
	w->counts = calloc(nr, sizeof(*w->counts));
	w->dirty = calloc(nr, 1);
	w->cells = calloc(nr + 1, 1);
	w->prev = calloc(nr + 1, 1);
	w->changed = calloc(nr, sizeof(*w->changed));
	w->cap = nr;
	if (!w->counts || !w->dirty || !w->cells || !w->prev || !w->changed) {
		w->cap = 0;
		return -ENOMEM;
	}
	return 0;
}

static unsigned int per_row(const struct watch *w)
{
	return w->cols >= 75 ? 64 : w->cols >= 43 ? 32 : 16;
}

/* Rows of the screen the grid may use: the rest is text around it. */
static uint64_t grid_rows(const struct watch *w)
{
	int text = 4 + 1 + TAIL_LINES + (w->child ? 1 + TAIL_LINES : 0);

	return w->rows > text + 1 ? (uint64_t)(w->rows - text) : 1;
}

static int sample(struct watch *w)
{
	struct mmdemo_info info;
	uint64_t nr, fit;
	int err;

	err = mmdemo_dev_info(w->dev, &info);
	if (!err)
		err = mmdemo_dev_stats(w->dev, &w->st);
	if (err)
		return err;
	w->t = now();
	w->dev_pages = info.size / info.page_size;
	fit = grid_rows(w) * per_row(w);
	nr = w->pages ? w->pages : (w->tty ? fit : 4 * (uint64_t)per_row(w));
	/* The device may have shrunk (MMDEMO_IOC_RESIZE) under the view. */
	if (w->first >= w->dev_pages)
		nr = 0;
	else if (nr > w->dev_pages - w->first)
		nr = w->dev_pages - w->first;
	if (nr > UINT32_MAX)
		nr = UINT32_MAX;
	err = grow(w, nr);
	if (err || !nr) {
		w->nr = 0;
		return err;
	}
	err = mmdemo_dev_page_faults(w->dev, w->first, (uint32_t)nr, w->counts);
	if (!err)
		err = mmdemo_dev_dirty(w->dev, w->first, (uint32_t)nr, w->dirty);
	if (err)
		return err;
	for (uint64_t i = 0; i < nr; i++) {
		w->cells[i] = grid_char(w->counts[i] || w->dirty[i], w->counts[i], w->dirty[i]);
		w->changed[i] = i < w->nr && w->prev[i] && w->prev[i] != w->cells[i];
	}
	w->cells[nr] = 0;
	w->nr = nr;
	return 0;
}

/* Ends a screen line: clears what an earlier, longer frame left there. */
static void eol(const struct watch *w)
{
	fputs(w->tty ? "\033[K\n" : "\n", stdout);
}

static void draw(struct watch *w, uint64_t frame)
{
	struct cli *cli = w->cli;
	double dt = w->t - w->t_prev;
	uint64_t df = w->st.faults - w->st_prev.faults;
	unsigned int row = per_row(w);
	uint64_t rows_fit = grid_rows(w), shown = 0;
	const char *line;

	if (w->tty)
		fputs("\033[H", stdout);
	else if (frame > 1)
		eol(w);
	printf("%smmdemo watch%s: %s, pages %" PRIu64 "-%" PRIu64 " of %" PRIu64
	       ", every %.1f s%s", color(cli, C_BOLD), color(cli, C_RESET), cli->device,
	       w->first, w->first + (w->nr ? w->nr - 1 : 0), w->dev_pages,
	       w->interval_ms / 1000.0, w->tty ? "; q quits" : "");
	eol(w);
	printf("faults %llu (%.0f/s)   resident %llu pages (%llu kB)   live VMAs %llu   mmaps %llu",
	       (unsigned long long)w->st.faults, frame > 1 && dt > 0 ? (double)df / dt : 0.0,
	       (unsigned long long)w->st.pages_resident,
	       (unsigned long long)(w->st.pages_resident * cli->page_size / 1024),
	       (unsigned long long)w->st.vmas, (unsigned long long)w->st.mmaps);
	eol(w);
	if (!w->nr) {
		printf("(the device has %" PRIu64 " pages: none from page %" PRIu64 " on)",
		       w->dev_pages, w->first);
		eol(w);
	}
	for (uint64_t i = 0; i < w->nr; i += row) {
		if (w->tty && shown == rows_fit) {
			printf("(%" PRIu64 " more pages below: a taller terminal, or --pages)",
			       w->nr - i);
			eol(w);
			break;
		}
		grid_row(cli, stdout, w->first + i, w->cells + i,
			 w->nr - i < row ? w->nr - i : row, w->changed + i);
		eol(w);
		shown++;
	}
	printf("%s. no fault yet  o/O/@ 1, 2-9, 10+ faults  w/W written since the last clean%s",
	       color(cli, C_DIM), color(cli, C_RESET));
	eol(w);
	if (w->trace_note) {
		printf("events: %s", w->trace_note);
		eol(w);
	} else {
		printf("events (tracefs, newest last):");
		eol(w);
		for (unsigned int i = 0; i < TAIL_LINES; i++) {
			line = tail_line(&w->events, i);
			printf("  %.*s", w->cols > 3 ? w->cols - 3 : 1, line ? line : "");
			eol(w);
		}
	}
	if (w->child) {
		if (w->child_done)
			printf("$ %s: exited with status %d%s", w->child_name,
			       WIFEXITED(w->child_status) ? WEXITSTATUS(w->child_status) : 128 +
			       WTERMSIG(w->child_status), w->tty ? " (q quits)" : "");
		else
			printf("$ %s: running, its last lines:", w->child_name);
		eol(w);
		for (unsigned int i = 0; i < TAIL_LINES; i++) {
			line = tail_line(&w->output, i);
			printf("  %.*s", w->cols > 3 ? w->cols - 3 : 1, line ? line : "");
			eol(w);
		}
	}
	if (w->tty)
		fputs("\033[J", stdout);
	fflush(stdout);
	memcpy(w->prev, w->cells, w->nr + 1);
	w->st_prev = w->st;
	w->t_prev = w->t;
}

/* ---- The terminal ---- */

static void term_size(struct watch *w)
{
	struct winsize ws;
	const char *env;

	w->rows = 24;
	w->cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		w->rows = ws.ws_row;
		w->cols = ws.ws_col;
		return;
	}
	/* A serial console knows no size of its own: LINES/COLUMNS may. */
	env = getenv("LINES");
	if (env && atoi(env) > 0)
		w->rows = atoi(env);
	env = getenv("COLUMNS");
	if (env && atoi(env) > 0)
		w->cols = atoi(env);
}

static struct termios saved_termios;

static void term_enter(void)
{
	struct termios t = saved_termios;

	/* Keys one at a time, unechoed; Ctrl-C still raises SIGINT. */
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	/* The alternate screen, as less and top use it; no cursor. */
	fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);
	fflush(stdout);
}

static void term_leave(void)
{
	fputs("\033[0m\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

/* Waits out one interval, reading keys, events and the command's output. */
static void wait_frame(struct watch *w)
{
	double end = now() + w->interval_ms / 1000.0;

	while (!stop) {
		struct pollfd fds[3];
		nfds_t n = 0;
		double left = end - now();
		char key;

		if (left <= 0)
			break;
		if (w->tty)
			fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		if (w->events.fd >= 0)
			fds[n++] = (struct pollfd){ .fd = w->events.fd, .events = POLLIN };
		if (w->output.fd >= 0)
			fds[n++] = (struct pollfd){ .fd = w->output.fd, .events = POLLIN };
		if (poll(fds, n, (int)(left * 1000) + 1) <= 0)
			continue;
		for (nfds_t i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == STDIN_FILENO) {
				if (read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q'))
					stop = -1;
			} else if (fds[i].fd == w->events.fd) {
				tail_read(&w->events);
			} else if (!tail_read(&w->output)) {
				close(w->output.fd);
				w->output.fd = -1;
			}
		}
	}
	child_reap(w);
}

static int watch_loop(struct watch *w)
{
	uint64_t frame = 0;
	int err = 0;

	while (!stop) {
		bool last;

		if (resized) {
			resized = 0;
			term_size(w);
		}
		err = sample(w);
		if (err)
			break;
		/* Without a terminal, the command's end is the view's. */
		last = (w->max_frames && frame + 1 >= w->max_frames) ||
		       (!w->tty && w->child_done && w->output.fd < 0);
		draw(w, ++frame);
		if (last)
			break;
		wait_frame(w);
	}
	return err;
}

static int parse_args(struct watch *w, int argc, char **argv, char ***command)
{
	struct cli *cli = w->cli;
	uint64_t v;
	int c;

	while ((c = cli_getopt(cli, &cmd_watch, argc, argv, "o:n:i:hjD:", options)) != -1) {
		switch (c) {
		case 'o':
			if (cli_opt_offset(cli, optarg, &v))
				return EXIT_USAGE;
			w->first = v / cli->page_size;
			break;
		case 'n':
			if (cli_opt_pages(cli, optarg, UINT32_MAX, &w->pages))
				return EXIT_USAGE;
			break;
		case 'i':
			if (parse_number(optarg, 50, 10000, &v))
				return cli_usage(cli, "--interval '%s': expected milliseconds, 50 to 10000",
						 optarg);
			w->interval_ms = (unsigned int)v;
			break;
		case 'F':
			if (parse_number(optarg, 1, UINT32_MAX, &w->max_frames))
				return cli_usage(cli, "--frames '%s': expected a number from 1", optarg);
			break;
		default:
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (cli->json)
		return cli_usage(cli, "watch draws a live view and has no --json: "
				 "'mmdemo map --json' and 'mmdemo info --json' report the same figures");
	*command = NULL;
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--"))
			return cli_usage(cli, "unexpected argument '%s' (a command to run goes after --)",
					 argv[optind]);
		*command = argv + optind;
	}
	return -1;
}

static int run_watch(struct cli *cli, int argc, char **argv)
{
	struct watch w = { .cli = cli, .interval_ms = 200, .output.fd = -1 };
	struct sigaction sa = { .sa_handler = on_stop };
	char **command;
	int c, err;

	c = parse_args(&w, argc, argv, &command);
	if (c >= 0)
		return c;
	if (cli_open(cli, O_RDONLY, &w.dev))
		return 1;
	w.tty = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) &&
		!tcgetattr(STDIN_FILENO, &saved_termios);
	term_size(&w);
	/* Without SA_RESTART: a signal ends the poll() at once. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	trace_open(&w);
	err = command ? child_start(&w, command) : 0;
	if (!err) {
		if (w.tty)
			term_enter();
		err = watch_loop(&w);
		if (w.tty)
			term_leave();
	}
	trace_close(&w);
	mmdemo_dev_close(w.dev);
	if (w.child) {
		if (!w.child_done) {
			kill(w.child, SIGTERM);
			waitpid(w.child, &w.child_status, 0);
			w.child_done = true;
		}
		if (w.output.fd >= 0)
			close(w.output.fd);
	}
	free(w.counts);
	free(w.dirty);
	free(w.cells);
	free(w.prev);
	free(w.changed);
	if (err)
		return cli_fail(cli, "%s", strerror(-err));
	/*
	 * Ended by a signal, with the terminal back as it was: die of it,
	 * so that a shell running this in a script knows (and stops too).
	 */
	if (stop > 0) {
		signal(stop, SIG_DFL);
		raise(stop);
	}
	if (w.child && !(WIFEXITED(w.child_status) && !WEXITSTATUS(w.child_status)) && !stop)
		return cli_fail(cli, "%s failed (status %d)", w.child_name,
				WIFEXITED(w.child_status) ? WEXITSTATUS(w.child_status) :
				128 + WTERMSIG(w.child_status));
	return 0;
}

const struct cmd cmd_watch = {
	.name = "watch",
	.run = run_watch,
	.summary = "a live view of the device's pages",
	.help = watch_help,
	.options = options,
};
