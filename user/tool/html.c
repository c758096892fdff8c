// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "html.h"

/*
 * Readable at any width and on paper: text in the page's width, wide
 * output scrolling in its own box, drawings scaled down, and no colour
 * that a black and white print would lose a meaning with.
 */
static const char css[] =
"body{font-family:sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem;line-height:1.4;"
"color:#111;background:#fff}"
"h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #999}"
"pre{background:#f4f4f4;border:1px solid #ccc;padding:.5rem;overflow-x:auto;font-size:.8rem;"
"max-width:100%;box-sizing:border-box}"
"code.cmd{font-weight:bold}"
"figure{margin:1rem 0;max-width:100%}svg{max-width:100%;height:auto;display:block}"
"svg.defs{position:absolute;width:0;height:0}"
"figcaption{font-size:.9rem;color:#333}"
"@media print{pre{white-space:pre-wrap;overflow:visible}h2{break-after:avoid}"
"figure{break-inside:avoid}}";

static void write_step(FILE *f, const struct html_step *s, size_t i)
{
	fprintf(f, "<section id=\"step-%zu\">\n<h2>", i + 1);
	html_text(f, s->title);
	fputs("</h2>\n", f);
	if (s->text) {
		fputs("<p>", f);
		for (const char *const *t = s->text; *t; t++) {
			html_text(f, *t);
			fputc('\n', f);
		}
		fputs("</p>\n", f);
	}
	if (s->extra)
		draw_address_space(f, s->extra, s->extra_path);
	fputs("<pre><code class=\"cmd\">$ ", f);
	html_text(f, s->cmdline);
	fputs("</code>\n", f);
	html_text(f, s->output);
	fputs("</pre>\n", f);
	if (s->doc)
		draw_command(f, s->doc, s->path);
	fputs("</section>\n", f);
}

int html_can_write(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fclose(f);
	return 0;
}

int html_write(const char *path, const char *title, const char *intro,
	       const struct html_step *steps, size_t n)
{
	FILE *f = fopen(path, "we");
	int err = 0;

	if (!f)
		return -errno;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	html_text(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	draw_defs(f);
	fputs("<h1>", f);
	html_text(f, title);
	fputs("</h1>\n<p>", f);
	html_text(f, intro);
	fputs("</p>\n", f);
	for (size_t i = 0; i < n; i++)
		write_step(f, &steps[i], i);
	fputs("</body>\n</html>\n", f);
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int html_capture(struct cli *cli, int (*run)(struct cli *cli, void *arg), void *arg,
		 char **output, bool echo)
{
	FILE *tmp = tmpfile();
	int saved, status;
	long len;

	*output = NULL;
	if (!tmp)
		return cli_fail(cli, "tmpfile: %s", strerror(errno));
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
		fclose(tmp);
		return cli_fail(cli, "dup: %s", strerror(errno));
	}
	status = run(cli, arg);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	len = ftell(tmp);
	*output = calloc(1, len > 0 ? (size_t)len + 1 : 1);
	rewind(tmp);
	if (*output && len > 0 && fread(*output, 1, (size_t)len, tmp) != (size_t)len)
		(*output)[0] = 0;
	fclose(tmp);
	if (echo && *output) {
		fputs(*output, stdout);
		fflush(stdout);
	}
	return status;
}
