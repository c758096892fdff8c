// SPDX-License-Identifier: GPL-2.0
/* mmdemo tour: the narrated run through everything, for a newcomer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cli.h"
#include "html.h"

static const char tour_help[] =
"Usage: mmdemo tour [--html FILE] [--json] [--device PATH]\n"
"\n"
"A guided run through the other commands with short explanations in\n"
"between: what a mapping is, page faults, copy-on-write, protections,\n"
"sharing between processes, and the arguments of mmap().  Resets the\n"
"device first when nothing maps it, so the numbers start from zero.\n"
"\n"
"  --html FILE   also write the tour as one self-contained HTML page: per\n"
"                step the narration, the command's real output and\n"
"                drawings made from the same measurements (this process's\n"
"                address space, page grids, frames shared or copied, the\n"
"                backing modes, huge entries); with --json, the JSON of\n"
"                the same run goes to stdout, and each number drawn names\n"
"                its place in it (data-json)\n";

static const struct option options[] = {
	{ "html", required_argument, NULL, 'H' },
	CLI_COMMON_OPTIONS,
	{ 0 }
};

struct step {
	const char *title;
	const char *const *text;	/* paragraphs, NULL-terminated */
	const struct cmd *cmd;
	const char *const *args;	/* NULL-terminated, after the command name */
};

#define LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct step steps[] = {
	{ "1. The device",
	  LINES("Think of /dev/mmdemo as an archive of books: each book is a page",
		"of memory.  mmap() does not fetch any book; it only reserves room on",
		"your desk (a range of virtual addresses, a VMA).  The archive starts",
		"empty: a page exists only once someone touches it."),
	  &cmd_info, LINES(NULL) },
	{ "2. Page faults",
	  LINES("Now map 4 pages and read them one by one.  The first touch of each",
		"page finds nothing on the desk: the CPU raises a page fault, the",
		"kernel calls the driver's fault handler, which fetches the book",
		"(allocates and zeroes a page) and the kernel puts it on the desk (a",
		"page-table entry).  That is one minor fault for this process and one",
		"fault for the device.  The second pass finds every book on the desk:",
		"no fault at all."),
	  &cmd_faults, LINES("--pages", "4") },
	{ "3. Copy-on-write",
	  LINES("MAP_PRIVATE: writes must not reach the archive.  A write fault",
		"fetches the device page and the kernel copies it into a private,",
		"anonymous page: smaps now counts Anonymous memory."),
	  &cmd_faults, LINES("--pages", "4", "--private", "--write", "--quiet") },
	{ "4. The desk, page by page",
	  LINES("Map 32 pages and touch every fourth one: the grid shows which pages",
		"are on this desk, which exist only in the archive, and how often",
		"each was fetched."),
	  &cmd_map, LINES("--pages", "32", "--touch", "stride:4") },
	{ "5. Protections",
	  LINES("prot says what you may do with the books on your desk.  Each case",
		"runs in its own child process; the table shows what the kernel did:",
		"ok, a refused call (errno), or a signal such as SIGSEGV."),
	  &cmd_prot, LINES(NULL) },
	{ "6. Sharing",
	  LINES("Three readers: this process, a forked child and an unrelated",
		"program.  With MAP_SHARED they all hold the same page (same PFN);",
		"with MAP_PRIVATE a write gives the writer its own copy.  Note that",
		"smaps' Shared/Private count how many processes map a page right",
		"now, not MAP_SHARED vs MAP_PRIVATE: a page only you map is Private."),
	  &cmd_share, LINES(NULL) },
	{ "7. Every argument of mmap()",
	  LINES("mmap(addr, length, prot, flags, fd, offset): each one, tried."),
	  &cmd_params, LINES(NULL) },
	{ "8. Ways for a driver to back a mapping",
	  LINES("So far the driver handed each page to the kernel on demand.  It can",
		"also install pages itself, install bare page frame numbers, fill",
		"the whole mapping at mmap() time, or map {huge} at once.  The same",
		"four pages, each way:"),
	  &cmd_modes, LINES(NULL) },
	{ "9. Who wrote what",
	  LINES("The driver can notice the first write to each page (page_mkwrite)",
		"and keep a dirty map, as a framebuffer driver does to know what to",
		"redraw: forget what was written so far, write every other page,",
		"and look (w = written since then)."),
	  &cmd_map, LINES("--pages", "16", "--clean", "--touch", "stride:2", "--write") },
	{ "10. Fault-around",
	  LINES("Reading a file you have read before, the kernel does not take one",
		"fault per page: on a read fault it also maps the neighbours that are",
		"already in memory, a window at a time.  A driver can offer the same",
		"(map_pages).  64 pages the device has, 64 it has not, without and",
		"with:"),
	  &cmd_around, LINES(NULL) },
	{ "11. Huge pages",
	  LINES("With {page} pages a huge (PMD) entry maps {huge}: one fault maps",
		"{huge_pages} pages, if the mapping lines up with the device's {huge}",
		"pieces; mmap() places it so.  Placed a page off, the same memory takes",
		"a fault per page.  Every size here follows from the page size: with",
		"pages four or sixteen times larger (arm64's 16 and 64 KiB), a PMD",
		"maps sixteen or 256 times more."),
	  &cmd_huge, LINES(NULL) },
	{ "12. mmap() and mmap_prepare()",
	  LINES("How does the driver hear of your mmap()?  Up to Linux 7.0 the kernel",
		"built the whole VMA first and then called the driver's mmap(), which",
		"could change anything in it, even after the kernel had decided",
		"whether to merge it with its neighbours, and which had to undo its",
		"own work if the mapping failed later.  Since 7.1 the driver's",
		"mmap_prepare() sees only a description (range, offset, flags) before",
		"any VMA exists: it checks the request and sets flags and operations,",
		"and allocates and counts nothing.  Merging is decided on the final",
		"flags, and a failing mmap() leaves nothing half-made.  The driver's",
		"mapped() hook then runs once the VMA really exists: that is where",
		"mmdemo counts a mapping.  Which one this kernel calls:"),
	  &cmd_info, LINES(NULL) },
};

/* A step's lines with this kernel's sizes put in (sized()). */
#define TEXT_LINES	16
#define TEXT_LEN	128
struct sized_text {
	char line[TEXT_LINES][TEXT_LEN];
	const char *lines[TEXT_LINES + 1];
};

/*
 * @text with {page}, {huge} and {huge_pages} replaced by the page size,
 * what a PMD entry maps, and how many pages that is, on this kernel.
 */
static const char *const *sized(struct cli *cli, const char *const *text, struct sized_text *out)
{
	char page[24], huge[24], pages[24];
	const struct { const char *key, *val; } keys[] = {
		{ "{page}", cli_size(page, sizeof(page), cli->page_size) },
		{ "{huge}", cli_size(huge, sizeof(huge), cli->huge_size) },
		{ "{huge_pages}", pages },
	};
	size_t n = 0;

	snprintf(pages, sizeof(pages), "%zu", cli->huge_size / cli->page_size);
	for (; text[n] && n < TEXT_LINES; n++) {
		char *o = out->line[n], *end = o + TEXT_LEN - 1;
		const char *t = text[n];

		while (*t && o < end) {
			size_t k = 0, l;

			while (k < sizeof(keys) / sizeof(keys[0]) &&
			       strncmp(t, keys[k].key, strlen(keys[k].key)))
				k++;
			if (k == sizeof(keys) / sizeof(keys[0])) {
				*o++ = *t++;
				continue;
			}
			l = strlen(keys[k].val);
			if (l > (size_t)(end - o))
				l = end - o;
			memcpy(o, keys[k].val, l);
			o += l;
			t += strlen(keys[k].key);
		}
		*o = 0;
		out->lines[n] = out->line[n];
	}
	out->lines[n] = NULL;
	return out->lines;
}

static int run_step(struct cli *cli, const struct step *s)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = (char *)s->cmd->name;
	for (const char *const *a = s->args; *a && argc < 15; a++)
		argv[argc++] = (char *)*a;
	argv[argc] = NULL;
	optind = 0;	/* glibc: restart getopt from scratch */
	cli->cmd = s->cmd->name;
	return s->cmd->run(cli, argc, argv);
}

/* html_capture()'s view of run_step(). */
static int run_step_cb(struct cli *cli, void *arg)
{
	return run_step(cli, arg);
}

/*
 * For the HTML page: this process's address space with 4 pages of the
 * device mapped, from /proc/self/maps, and the mapping's VMA flags
 * (smaps).  Measured after the steps, so that their counters are those
 * the text tour shows.
 */
static void address_space(struct cli *cli)
{
	struct mmdemo_smaps sm = { 0 };
	struct mmdemo_dev *dev;
	char line[CLI_LINE_MAX], buf[32];
	size_t len = 4 * cli->page_size;
	void *map = NULL;
	FILE *f;

	if (mmdemo_dev_open(cli->device, O_RDONLY, &dev))
		return;
	if (mmdemo_map(dev, NULL, len, PROT_READ, MAP_SHARED, 0, &map)) {
		mmdemo_dev_close(dev);
		return;
	}
	mmdemo_smaps(0, map, &sm);
	jw_object_begin(&cli->j, "address_space");
	jw_addr(&cli->j, "device_start", map);
	jw_addr(&cli->j, "device_end", (char *)map + len);
	jw_string(&cli->j, "device_vmflags", sm.vmflags);
	jw_array_begin(&cli->j, "maps");
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char perms[8], name[256] = "";

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %255[^\n]", &start, &end, perms,
			   name) < 3)
			continue;
		jw_object_begin(&cli->j, NULL);
		snprintf(buf, sizeof(buf), "%#llx", start);
		jw_string(&cli->j, "start", buf);
		snprintf(buf, sizeof(buf), "%#llx", end);
		jw_string(&cli->j, "end", buf);
		jw_string(&cli->j, "perms", perms);
		jw_string(&cli->j, "name", name);
		jw_object_end(&cli->j);
	}
	if (f)
		fclose(f);
	jw_array_end(&cli->j);
	jw_object_end(&cli->j);
	mmdemo_unmap(map, len);
	mmdemo_dev_close(dev);
}

#define NR_STEPS (sizeof(steps) / sizeof(steps[0]))

static int run_tour(struct cli *cli, int argc, char **argv)
{
	struct html_step pages[NR_STEPS] = { 0 };
	static struct sized_text texts[NR_STEPS];
	bool json_out, page = false;
	const char *html = NULL;
	struct mmdemo_dev *dev;
	int c, err, failed = 0;

	while ((c = cli_getopt(cli, &cmd_tour, argc, argv, "hjD:", options)) != -1) {
		if (c == 'H') {
			html = optarg;
			continue;
		}
		return c == 'h' ? 0 : EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	json_out = cli->json;
	if (html && (err = html_can_write(html)))
		return cli_fail(cli, "--html %s: %s", html, strerror(-err));
	if (html) {
		/*
		 * Each step prints its text, which the page shows, and builds
		 * its JSON document, which the page draws: both from one run.
		 * The document goes to stdout only with --json, and then the
		 * text does not.
		 */
		page = true;
		cli->json = true;
		cli->color = cli->color && !json_out;
		if (!json_out)
			cli->j.f = NULL;
		cli->text = !json_out;
	}
	if (cli_open(cli, O_RDWR, &dev))
		return 1;
	err = mmdemo_dev_reset(dev);
	mmdemo_dev_close(dev);

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "tour");
		jw_bool(&cli->j, "reset", !err);
		jw_array_begin(&cli->j, "steps");
	}
	if (cli->text) {
		say(cli, "%sA tour of device mmap%s", color(cli, C_BOLD), color(cli, C_RESET));
		if (err == -EBUSY)
			explain(cli, "(the device is mapped by another process, so it was not reset:"
				" its counters include that process's work)");
	}
	for (size_t i = 0; i < NR_STEPS; i++) {
		const struct step *s = &steps[i];
		const char *const *lines = sized(cli, s->text, &texts[i]);

		if (cli->text) {
			say(cli, "%s", "");
			say(cli, "%s== %s ==%s", color(cli, C_BOLD), s->title, color(cli, C_RESET));
			for (const char *const *t = lines; *t; t++)
				explain(cli, "%s", *t);
			say(cli, "%s$ mmdemo %s%s", color(cli, C_GREEN), s->cmd->name, color(cli, C_RESET));
		}
		/* A step this kernel cannot do has said so; it is not a failure. */
		if (page) {
			struct html_step *p = &pages[i];
			size_t docs = jw_count(&cli->j);
			bool text = cli->text;

			cli->text = true;
			c = html_capture(cli, run_step_cb, (void *)s, &p->output, !json_out);
			cli->text = text;
			p->title = s->title;
			p->text = lines;
			snprintf(p->cmdline, sizeof(p->cmdline), "mmdemo %s", s->cmd->name);
			for (const char *const *a = s->args; *a; a++)
				snprintf(p->cmdline + strlen(p->cmdline),
					 sizeof(p->cmdline) - strlen(p->cmdline), " %s", *a);
			/* A step the kernel cannot do may leave no document. */
			if (jw_count(&cli->j) > docs) {
				p->doc = jw_last(&cli->j);
				snprintf(p->path, sizeof(p->path), "steps.%zu", docs);
			}
		} else {
			c = run_step(cli, s);
		}
		if (c && c != EXIT_UNSUPPORTED)
			failed++;
	}
	cli->cmd = "tour";
	if (cli->json) {
		jw_array_end(&cli->j);
		if (page) {
			address_space(cli);
			pages[0].extra = jw_last(&cli->j);
			snprintf(pages[0].extra_path, sizeof(pages[0].extra_path), "address_space");
		}
		jw_u64(&cli->j, "failed_steps", (uint64_t)failed);
		if (page) {
			err = html_write(html, "A tour of device mmap",
					 "Every figure below was measured by this run of "
					 "'mmdemo tour' on the kernel it ran on; each drawing is "
					 "made from the same measurements as the text above it.",
					 pages, NR_STEPS);
			for (size_t i = 0; i < NR_STEPS; i++)
				free(pages[i].output);
			if (err) {
				jw_object_end(&cli->j);
				return cli_fail(cli, "%s: %s", html, strerror(-err));
			}
		}
		jw_object_end(&cli->j);
	}
	if (cli->text) {
		say(cli, "%s", "");
		explain(cli, "That is device mmap: lazy pages, faults you can count, protections");
		explain(cli, "the CPU enforces, and pages shared or copied.  Each step above is a");
		explain(cli, "command of its own: see 'mmdemo --help' and mmdemo(1).");
		if (page)
			say(cli, "The tour as a page: %s", html);
	}
	return failed ? 1 : 0;
}

const struct cmd cmd_tour = {
	.name = "tour",
	.run = run_tour,
	.summary = "the narrated run through everything",
	.help = tour_help,
	.options = options,
};
