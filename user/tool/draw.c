// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

/* One drawing being written: its file, the id its title and desc use. */
struct svg {
	FILE *f;
	char id[80];
	int w, h;
};

void draw_defs(FILE *f)
{
	fputs("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>\n"
	      "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
	      "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
	      "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker>\n"
	      "<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dde\"/>"
	      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#333\" stroke-width=\"2\"/>"
	      "</pattern>\n</defs></svg>\n", f);
}

void html_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* @doc's member at dotted @key ("passes.0.minflt"); NULL if absent. */
static struct json_object *get(const struct json_object *doc, const char *key)
{
	struct json_object *o = (struct json_object *)doc;
	char part[64];

	while (o && *key) {
		size_t n = strcspn(key, ".");

		snprintf(part, sizeof(part), "%.*s", (int)n, key);
		key += n + (key[n] == '.');
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, strtoul(part, NULL, 10));
		else if (!json_object_object_get_ex(o, part, &o))
			return NULL;
	}
	return o;
}

static uint64_t u64(const struct json_object *doc, const char *key)
{
	return json_object_get_uint64(get(doc, key));
}

static const char *str(const struct json_object *doc, const char *key)
{
	const char *s = json_object_get_string(get(doc, key));

	return s ? s : "";
}

static void svg_begin(struct svg *s, FILE *f, const char *path, const char *what, int w, int h,
		      const char *title, const char *desc)
{
	s->f = f;
	s->w = w;
	s->h = h;
	snprintf(s->id, sizeof(s->id), "d-%s-%s", *path ? path : "run", what);
	for (char *p = s->id; *p; p++)
		if (*p == '.')
			*p = '-';
	fprintf(f, "<figure>\n<svg viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" "
		"aria-labelledby=\"%s-t %s-d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<title id=\"%s-t\">", w, h, w, s->id, s->id, s->id);
	html_text(f, title);
	fprintf(f, "</title>\n<desc id=\"%s-d\">", s->id);
	html_text(f, desc);
	fputs("</desc>\n", f);
}

static void svg_end(struct svg *s, const char *caption)
{
	fputs("</svg>\n<figcaption>", s->f);
	html_text(s->f, caption);
	fputs("</figcaption>\n</figure>\n", s->f);
}

/* A label that is no measurement. */
static void label(struct svg *s, int x, int y, const char *anchor, const char *text)
{
	fprintf(s->f, "<text class=\"l\" x=\"%d\" y=\"%d\" text-anchor=\"%s\">", x, y, anchor);
	html_text(s->f, text);
	fputs("</text>\n", s->f);
}

/*
 * A measured number: its text, and where it is in the run's JSON
 * (@path.@key) with its exact value, for the test that checks them.
 */
static void number(struct svg *s, int x, int y, const char *anchor, const char *path,
		   const char *key, uint64_t v, const char *before, const char *after)
{
	fprintf(s->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" data-json=\"%s%s%s\" "
		"data-value=\"%" PRIu64 "\">", x, y, anchor, path, *path ? "." : "", key, v);
	html_text(s->f, before);
	fprintf(s->f, "%" PRIu64, v);
	html_text(s->f, after);
	fputs("</text>\n", s->f);
}

/* A measured number shown in hex, as pagemap's PFNs are. */
static void number_hex(struct svg *s, int x, int y, const char *path, const char *key, uint64_t v,
		       const char *before)
{
	fprintf(s->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" data-json=\"%s%s%s\" "
		"data-value=\"%" PRIu64 "\">", x, y, path, *path ? "." : "", key, v);
	html_text(s->f, before);
	fprintf(s->f, "%#" PRIx64 "</text>\n", v);
}

/*
 * One page cell: a box with its letter.  Fills are light and the letter
 * says it all, so the page reads in black and white too.
 */
static void cell(struct svg *s, int x, int y, int size, char c)
{
	const char *fill = c == '.' ? "#fff" : c == 'w' || c == 'W' ? "#fd8" : "#9d9";

	fprintf(s->f, "<rect class=\"c\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
		"stroke=\"#333\"/><text class=\"l\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		"font-family=\"monospace\">%c</text>\n", x, y, size, size, fill, x + size / 2,
		y + size - 4, c);
}

/* faults: the mapping's pages before the first pass, after it, and after the second. */
static int draw_faults(FILE *f, const struct json_object *doc, const char *path)
{
	static const char *const names[] = { "before pass 1", "after pass 1", "after pass 2" };
	uint64_t pages = u64(doc, "mapping.pages"), shown = pages > 64 ? 64 : pages;
	size_t n = json_object_array_length(get(doc, "passes.0.touches"));
	int size = 18, x0 = 150, w = x0 + (int)shown * size + 20;
	char key[96], desc[256], state[64];
	struct svg s;

	if (w < 400)
		w = 400;	/* room for the line under the cells */
	snprintf(desc, sizeof(desc), "%" PRIu64 " pages, in three rows: which were resident "
		 "(mincore) before the first pass, after it, and after the second.", pages);
	svg_begin(&s, f, path, "faults", w, 3 * 44 + 20, "Pages resident before and after each pass",
		  desc);
	for (int row = 0; row < 3; row++) {
		int y = 10 + row * 44, pass = row ? row - 1 : 0;

		/* Each touch's own mincore reading, before it for row 0, after it else. */
		memset(state, '.', sizeof(state));
		for (size_t t = 0; t < n; t++) {
			uint64_t page;

			snprintf(key, sizeof(key), "passes.%d.touches.%zu.page", pass, t);
			page = u64(doc, key);
			snprintf(key, sizeof(key), "passes.%d.touches.%zu.%s", pass, t,
				 row ? "resident_after" : "resident_before");
			if (page < shown && json_object_get_boolean(get(doc, key)))
				state[page] = 'o';
		}
		label(&s, 10, y + 13, "start", names[row]);
		for (uint64_t i = 0; i < shown; i++)
			cell(&s, x0 + (int)i * size, y, size, state[i]);
		if (row) {
			snprintf(key, sizeof(key), "passes.%d.device_faults", row - 1);
			number(&s, x0, y + size + 12, "start", path, key, u64(doc, key),
			       "device faults in this pass: ", "");
		}
	}
	svg_end(&s, "o: resident (mapped here), .: not yet.  Each first touch is one fault.");
	return 1;
}

/* map: the grid with each page's fault count under its letter. */
static int draw_map(FILE *f, const struct json_object *doc, const char *path)
{
	const char *grid = str(doc, "grid");
	size_t n = strlen(grid), shown = n > 32 ? 32 : n;
	int size = 22, x0 = 10;
	char key[64], desc[200];
	struct svg s;

	snprintf(desc, sizeof(desc), "The grid of %zu pages as mmdemo map prints it, one letter per "
		 "page, with the device's fault count for each page under it.", n);
	svg_begin(&s, f, path, "map", x0 + (int)shown * size + 10, 80, "The page grid", desc);
	for (size_t i = 0; i < shown; i++) {
		cell(&s, x0 + (int)i * size, 10, size, grid[i]);
		snprintf(key, sizeof(key), "page_faults.%zu", i);
		number(&s, x0 + (int)i * size + size / 2, 10 + size + 14, "middle", path, key,
		       u64(doc, key), "", "");
	}
	label(&s, x0, 70, "start", "number under a page: faults the device served for it");
	svg_end(&s, ". untouched, - the device has it but not this mapping, o/O/@ mapped "
		"(1, 2-9, 10+ faults), w/W written since the last clean.");
	return 1;
}

/*
 * share: the three processes as columns (parent, forked child, exec'd
 * program), each look at the page a box in its column in the order they
 * happened, with an arrow to the physical frame it saw (pagemap PFN):
 * one frame for MAP_SHARED, a copy appearing after a private write.
 */
static int draw_share_one(FILE *f, const struct json_object *doc, const char *path,
			  const char *which)
{
	static const char *const columns[] = { "parent", "child", "exec" };
	bool shared = !strcmp(which, "shared");
	size_t n, nf = 0, frame_row[8];
	char key[96], desc[256];
	uint64_t frames[8];
	struct svg s;
	int h;

	snprintf(key, sizeof(key), "%s.observations", which);
	n = json_object_array_length(get(doc, key));
	if (n > 8)
		n = 8;
	h = 50 + (int)n * 32;
	snprintf(desc, sizeof(desc), "MAP_%s: a column per process (parent, forked child, exec'd "
		 "program), a box per read or write in time order, and an arrow to the physical "
		 "frame (PFN) it saw.", shared ? "SHARED" : "PRIVATE");
	svg_begin(&s, f, path, which, 730, h, shared ? "MAP_SHARED: every process sees one frame" :
		  "MAP_PRIVATE: a write gives the writer its own copy", desc);
	for (int c = 0; c < 3; c++)
		label(&s, 100 + c * 190, 18, "middle", columns[c]);
	label(&s, 655, 18, "middle", "physical frame");
	for (size_t i = 0; i < n; i++) {
		char line[128], who[16], did[16];
		int y = 28 + (int)i * 32, col = 0;
		uint64_t pfn;
		size_t fi;

		snprintf(key, sizeof(key), "%s.observations.%zu.who", which, i);
		snprintf(who, sizeof(who), "%s", str(doc, key));
		snprintf(key, sizeof(key), "%s.observations.%zu.action", which, i);
		snprintf(did, sizeof(did), "%s", str(doc, key));
		snprintf(key, sizeof(key), "%s.observations.%zu.text", which, i);
		snprintf(line, sizeof(line), "%s: %s", did, str(doc, key));
		while (col < 2 && strcmp(columns[col], who))
			col++;
		fprintf(s.f, "<rect x=\"%d\" y=\"%d\" width=\"180\" height=\"24\" fill=\"#fff\" "
			"stroke=\"#333\"/>\n", 10 + col * 190, y);
		label(&s, 14 + col * 190, y + 16, "start", line);
		snprintf(key, sizeof(key), "%s.observations.%zu.pfn", which, i);
		if (!get(doc, key)) {
			label(&s, 655, y + 16, "middle", "PFN hidden (root only)");
			continue;
		}
		pfn = u64(doc, key);
		for (fi = 0; fi < nf && frames[fi] != pfn; fi++)
			;
		if (fi == nf) {
			/* A frame's box, in the row it was first seen in. */
			frame_row[nf] = i;
			frames[nf++] = pfn;
			fprintf(s.f, "<rect x=\"590\" y=\"%d\" width=\"130\" height=\"24\" "
				"fill=\"#eee\" stroke=\"#333\" stroke-width=\"2\"/>\n", y);
			number_hex(&s, 655, y + 16, path, key, pfn, "frame ");
		}
		fprintf(s.f, "<line x1=\"%d\" y1=\"%d\" x2=\"590\" y2=\"%d\" stroke=\"#333\" "
			"marker-end=\"url(#arrow)\"/>\n", 190 + col * 190, y + 12,
			28 + (int)frame_row[fi] * 32 + 12);
	}
	svg_end(&s, shared ? "MAP_SHARED: every arrow ends at the one frame of the device's page." :
		"MAP_PRIVATE: after a write, the writer's arrows go to a new frame: its own copy.");
	return 1;
}

static int draw_share(FILE *f, const struct json_object *doc, const char *path)
{
	return draw_share_one(f, doc, path, "shared") + draw_share_one(f, doc, path, "private");
}

/* Horizontal bars: one row per item, the value written after the bar. */
struct bar {
	const char *name;
	char key[96];	/* relative to the document */
	uint64_t value;
};

static void bars(struct svg *s, const char *path, const struct bar *b, size_t n, int y0,
		 uint64_t max, const char *unit)
{
	for (size_t i = 0; i < n; i++) {
		int y = y0 + (int)i * 24;
		double len = max ? (double)b[i].value / (double)max * 300 : 0;

		label(s, 10, y + 14, "start", b[i].name);
		/* An outline and a hatch, not a colour, make the bar. */
		fprintf(s->f, "<rect x=\"130\" y=\"%d\" width=\"%.1f\" height=\"16\" "
			"fill=\"url(#hatch)\" stroke=\"#333\"/>\n", y + 2, len);
		number(s, 136 + (int)len, y + 14, "start", path, b[i].key, b[i].value, "", unit);
	}
}

/* modes: device faults, minor faults and Rss, mode by mode. */
static int draw_modes(FILE *f, const struct json_object *doc, const char *path)
{
	static const struct { const char *key, *title, *unit; } what[] = {
		{ "device_faults", "device faults", "" },
		{ "minflt", "minor faults", "" },
		{ "rss_kb", "Rss", " kB" },
	};
	size_t n = json_object_array_length(get(doc, "modes"));
	struct bar b[8];
	struct svg s;

	if (n > 8)
		n = 8;
	svg_begin(&s, f, path, "modes", 560, 30 + 3 * (int)(n * 24 + 30), "The backing modes side by side",
		  "For each way the driver can back the mapping: the device's faults, the "
		  "process's minor faults and its Rss, for the same pages read once.");
	for (size_t w = 0; w < 3; w++) {
		uint64_t max = 1;
		int y0 = 10 + (int)w * (int)(n * 24 + 30);

		for (size_t i = 0; i < n; i++) {
			snprintf(b[i].key, sizeof(b[i].key), "modes.%zu.%s", i, what[w].key);
			b[i].value = u64(doc, b[i].key);
			if (b[i].value > max)
				max = b[i].value;
		}
		for (size_t i = 0; i < n; i++) {
			char nk[32];

			snprintf(nk, sizeof(nk), "modes.%zu.backing", i);
			b[i].name = str(doc, nk);
		}
		label(&s, 10, y0 + 12, "start", what[w].title);
		bars(&s, path, b, n, y0 + 16, max, what[w].unit);
	}
	svg_end(&s, "pfn mode's pages are not in Rss: bare PFNs have no page the kernel counts.");
	return 1;
}

/* around: faults over resident and over absent pages, without and with. */
static int draw_around(FILE *f, const struct json_object *doc, const char *path)
{
	size_t n = json_object_array_length(get(doc, "runs"));
	uint64_t pages = u64(doc, "pages");
	struct bar b[4];
	char names[4][40];
	struct svg s;

	if (n > 2)
		n = 2;
	for (size_t i = 0; i < n; i++) {
		char k[64];

		snprintf(k, sizeof(k), "runs.%zu.backing", i);
		snprintf(names[i], sizeof(names[i]), "%s, resident", str(doc, k));
		snprintf(names[n + i], sizeof(names[n + i]), "%s, absent", str(doc, k));
		b[i].name = names[i];
		snprintf(b[i].key, sizeof(b[i].key), "runs.%zu.resident_faults", i);
		b[i].value = u64(doc, b[i].key);
		b[n + i].name = names[n + i];
		snprintf(b[n + i].key, sizeof(b[n + i].key), "runs.%zu.absent_faults", i);
		b[n + i].value = u64(doc, b[n + i].key);
	}
	svg_begin(&s, f, path, "around", 560, 40 + (int)(2 * n) * 24, "Fault-around: faults per 64 pages",
		  "Faults taken to read pages the device already has (resident) and pages it "
		  "has not (absent), without and with fault-around.");
	number(&s, 10, 16, "start", path, "pages", pages, "faults to read ", " pages:");
	bars(&s, path, b, 2 * n, 24, pages, " faults");
	svg_end(&s, "With fault-around one fault maps a whole window of resident pages.");
	return 1;
}

/* "4 KiB", "32 MiB": @bytes in the largest unit that divides it. */
static const char *size_name(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", bytes, units[u]);
	return buf;
}

/*
 * huge: one PMD entry against the page-table entries for the same memory,
 * in the sizes of the kernel the document was measured on.
 */
static int draw_huge(FILE *f, const struct json_object *doc, const char *path)
{
	uint64_t page = u64(doc, "page_size"), huge = u64(doc, "huge_entry_size");
	char ps[24], hs[24], title[96], desc[320], text[96];
	struct svg s;

	if (!page || !huge)
		return 0;
	size_name(ps, sizeof(ps), page);
	size_name(hs, sizeof(hs), huge);
	snprintf(title, sizeof(title), "One %s entry against %" PRIu64 " PTEs", hs, huge / page);
	snprintf(desc, sizeof(desc), "The same two PMD entries' worth read twice: placed on %s "
		 "boundaries it takes one fault and one page-table entry per %s; placed %s off, "
		 "one per page.", hs, hs, ps);
	svg_begin(&s, f, path, "huge", 620, 150, title, desc);
	snprintf(text, sizeof(text), "%s-aligned:", hs);
	label(&s, 10, 20, "start", text);
	for (int i = 0; i < 2; i++)
		fprintf(s.f, "<rect x=\"%d\" y=\"28\" width=\"256\" height=\"24\" fill=\"#fff\" "
			"stroke=\"#333\" stroke-width=\"2\"/>\n", 40 + i * 270);
	label(&s, 168, 45, "middle", "one PMD entry");
	label(&s, 438, 45, "middle", "one PMD entry");
	number(&s, 40, 68, "start", path, "aligned.device_faults", u64(doc, "aligned.device_faults"),
	       "", " device faults for ");
	number(&s, 240, 68, "start", path, "aligned.pages", u64(doc, "aligned.pages"), "", " pages");
	snprintf(text, sizeof(text), "placed %s off:", ps);
	label(&s, 10, 90, "start", text);
	/* A PTE each, drawn as 256 thin lines across the width: a grey band. */
	fputs("<g stroke=\"#333\" stroke-width=\"0.3\">\n", s.f);
	for (int i = 0; i <= 1024; i += 4)
		fprintf(s.f, "<line x1=\"%.1f\" y1=\"98\" x2=\"%.1f\" y2=\"122\"/>\n",
			40 + i * 0.527, 40 + i * 0.527);
	fputs("</g>\n", s.f);
	number(&s, 40, 140, "start", path, "misplaced.device_faults",
	       u64(doc, "misplaced.device_faults"), "", " device faults, one PTE each");
	snprintf(desc, sizeof(desc), "A PMD entry maps %" PRIu64 " pages at once; misplaced, "
		 "every page needs its own PTE.", huge / page);
	svg_end(&s, desc);
	return 1;
}

/* bench: cost per page of a first touch, by kind of memory. */
static int draw_bench(FILE *f, const struct json_object *doc, const char *path)
{
	size_t n = json_object_array_length(get(doc, "kinds")), m = 0;
	struct bar b[16];
	uint64_t max = 1;
	struct svg s;

	for (size_t i = 0; i < n && m < 16; i++) {
		char k[64];

		snprintf(k, sizeof(k), "kinds.%zu.first_touch_ns", i);
		if (!get(doc, k))
			continue;
		snprintf(b[m].key, sizeof(b[m].key), "%s", k);
		b[m].value = u64(doc, k);
		snprintf(k, sizeof(k), "kinds.%zu.kind", i);
		b[m].name = str(doc, k);
		if (b[m].value > max)
			max = b[m].value;
		m++;
	}
	if (!m)
		return 0;
	svg_begin(&s, f, path, "bench", 560, 20 + (int)m * 24, "Cost per page of a first touch",
		  "Nanoseconds per page for the first touch of each kind of memory, measured "
		  "side by side in one run.");
	bars(&s, path, b, m, 6, max, " ns");
	svg_end(&s, "Ratios between rows mean more than the absolute times.");
	return 1;
}

int draw_command(FILE *f, const struct json_object *doc, const char *path)
{
	static const struct {
		const char *command;
		int (*draw)(FILE *f, const struct json_object *doc, const char *path);
	} drawings[] = {
		{ "faults", draw_faults }, { "map", draw_map }, { "share", draw_share },
		{ "modes", draw_modes }, { "around", draw_around }, { "huge", draw_huge },
		{ "bench", draw_bench },
	};
	const char *cmd = str(doc, "command");

	for (size_t i = 0; i < sizeof(drawings) / sizeof(drawings[0]); i++)
		if (!strcmp(cmd, drawings[i].command))
			return drawings[i].draw(f, doc, path);
	return 0;
}

/* log2 of an address on an axis from 2^12 to 2^48 over @w pixels. */
static double log_x(uint64_t addr, int x0, int w)
{
	double l = addr ? log2((double)addr) : 12;

	if (l < 12)
		l = 12;
	return x0 + (l - 12) / (48 - 12) * w;
}

int draw_address_space(FILE *f, const struct json_object *doc, const char *path)
{
	struct json_object *maps = get(doc, "maps");
	size_t n = json_object_array_length(maps);
	uint64_t dstart = strtoull(str(doc, "device_start"), NULL, 16);
	int x0 = 20, w = 600;
	char key[64];
	struct svg s;

	if (!n)
		return 0;
	svg_begin(&s, f, path, "address-space", x0 + w + 40, 150,
		  "This process's address space, to scale on a log axis",
		  "Every mapping of /proc/self/maps as a tick on a log-2 axis of addresses, from "
		  "2^12 to 2^48 bytes; the device's mapping is the tall, labelled one.");
	for (int e = 12; e <= 48; e += 6) {
		int x = (int)log_x(1ULL << e, x0, w);
		char name[24];

		fprintf(s.f, "<line x1=\"%d\" y1=\"96\" x2=\"%d\" y2=\"102\" stroke=\"#333\"/>\n", x, x);
		label(&s, x, 116, "middle", size_name(name, sizeof(name), 1ULL << e));
	}
	fprintf(s.f, "<line x1=\"%d\" y1=\"96\" x2=\"%d\" y2=\"96\" stroke=\"#333\"/>\n", x0, x0 + w);
	for (size_t i = 0; i < n; i++) {
		uint64_t start, end;

		snprintf(key, sizeof(key), "maps.%zu.start", i);
		start = strtoull(str(doc, key), NULL, 16);
		snprintf(key, sizeof(key), "maps.%zu.end", i);
		end = strtoull(str(doc, key), NULL, 16);
		fprintf(s.f, "<rect x=\"%.1f\" y=\"76\" width=\"%.1f\" height=\"18\" fill=\"#ccc\" "
			"stroke=\"#333\" stroke-width=\"0.5\"/>\n", log_x(start, x0, w),
			log_x(end, x0, w) - log_x(start, x0, w) + 1);
	}
	fprintf(s.f, "<rect x=\"%.1f\" y=\"40\" width=\"3\" height=\"54\" fill=\"#333\"/>\n",
		log_x(dstart, x0, w));
	fprintf(s.f, "<text x=\"%.0f\" y=\"34\" text-anchor=\"end\" data-json=\"%s%sdevice_start\" "
		"data-value=\"%s\">/dev/mmdemo at ", log_x(dstart, x0, w) + 3, path, *path ? "." : "",
		str(doc, "device_start"));
	html_text(s.f, str(doc, "device_start"));
	fputs("</text>\n", s.f);
	fputs("<text class=\"l\" x=\"20\" y=\"18\">VMA flags: ", s.f);
	html_text(s.f, str(doc, "device_vmflags"));
	fputs("</text>\n", s.f);
	label(&s, x0, 140, "start", "address (log scale); each grey box is one line of /proc/self/maps");
	svg_end(&s, "Most of the address space is empty: a mapping is a small range in it.");
	return 1;
}
