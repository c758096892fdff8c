// SPDX-License-Identifier: GPL-2.0
/*
 * mmdemo bench, the report: the SVG bar chart of the fault costs, the JSON
 * of each kind, and the tables with what they mean.
 */
#include "bench.h"

void bench_svg(FILE *f, const struct bench_kind *ks, int n)
{
	double max = 1;
	int w = 760, bar = 24, h = 60 + n * 2 * bar;

	for (int i = 0; i < n; i++) {
		if (ks[i].first_ns > max)
			max = ks[i].first_ns;
		if (ks[i].remap_ns > max)
			max = ks[i].remap_ns;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", w, h);
	fprintf(f, "<text x=\"10\" y=\"20\">cost per page (ns): first touch (dark), "
		"re-map of resident pages (light); minor faults per page in brackets</text>\n");
	for (int i = 0; i < n; i++) {
		int y = 40 + i * 2 * bar;
		double f1 = ks[i].first_ns > 0 ? ks[i].first_ns / max * (w - 380) : 0;
		double f2 = ks[i].remap_ns > 0 ? ks[i].remap_ns / max * (w - 380) : 0;

		fprintf(f, "<text x=\"10\" y=\"%d\">%s</text>\n", y + 16, ks[i].name);
		if (ks[i].unsupported) {
			fprintf(f, "<text x=\"125\" y=\"%d\">not supported by this kernel</text>\n",
				y + 14);
			continue;
		}
		fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"#345\"/>\n",
			y + 2, f1, bar - 6);
		fprintf(f, "<text x=\"%.0f\" y=\"%d\">%.0f (%.3f faults/page)</text>\n", 125 + f1,
			y + 14, ks[i].first_ns, ks[i].first_faults);
		if (f2 > 0) {
			fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%.0f\" height=\"%d\" "
				"fill=\"#9ab\"/>\n", y + bar, f2, bar - 6);
			fprintf(f, "<text x=\"%.0f\" y=\"%d\">%.0f (%.3f)</text>\n", 125 + f2,
				y + bar + 12, ks[i].remap_ns, ks[i].remap_faults);
		}
	}
	fprintf(f, "</svg>\n");
}

void bench_json_kinds(struct cli *cli, const struct bench_kind *ks, int nk,
		      const char *anon_baseline)
{
	jw_string(&cli->j, "first_touch_baseline", anon_baseline);
	jw_array_begin(&cli->j, "kinds");
	for (int i = 0; i < nk; i++) {
		const struct bench_kind *k = &ks[i];

		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "kind", k->name);
		jw_bool(&cli->j, "supported", !k->unsupported);
		if (!k->unsupported) {
			jw_u64(&cli->j, "first_touch_ns", (uint64_t)k->first_ns);
			jw_u64(&cli->j, "first_touch_faults_x1000", x1000(k->first_faults));
			jw_u64(&cli->j, "first_vs_anon_x100", x1000(k->first_x) / 10);
		}
		if (!k->unsupported && k->remap_ns >= 0) {
			jw_u64(&cli->j, "remap_ns", (uint64_t)k->remap_ns);
			jw_u64(&cli->j, "remap_faults_x1000", x1000(k->remap_faults));
			jw_u64(&cli->j, "remap_vs_memfd_x100", x1000(k->remap_x) / 10);
			jw_u64(&cli->j, "reread_ns", (uint64_t)k->reread_ns);
			jw_u64(&cli->j, "reread_faults_x1000", x1000(k->reread_faults));
			jw_u64(&cli->j, "reread_vs_memfd_x100", x1000(k->reread_x) / 10);
		}
		jw_object_end(&cli->j);
	}
	jw_array_end(&cli->j);
}

void bench_say_kinds(struct cli *cli, const struct bench_kind *ks, int nk, uint64_t pages,
		     uint64_t repeat)
{
	say(cli, "%llu pages, %llu rounds of every kind; medians, and medians of each round's "
	    "ratio to anon pages (first) and memfd", (unsigned long long)pages,
	    (unsigned long long)repeat);
	say(cli, "%-12s %8s %6s %6s  %8s %6s %6s  %8s %6s %6s", "", "first", "", "",
	    "re-map", "", "", "re-read", "", "");
	say(cli, "%-12s %8s %6s %6s  %8s %6s %6s  %8s %6s %6s", "kind", "ns/page", "flt/pg",
	    "x anon", "ns/page", "flt/pg", "x memfd", "ns/page", "flt/pg", "x memfd");
	for (int i = 0; i < nk; i++) {
		const struct bench_kind *k = &ks[i];
		char rm[48] = "       -      -      -", rr[48] = "       -      -      -";

		if (k->unsupported) {
			say(cli, "%-12s %s", k->name, "not supported by this kernel");
			continue;
		}
		if (k->remap_ns >= 0) {
			snprintf(rm, sizeof(rm), "%8.0f %6.3f %6.2f", k->remap_ns, k->remap_faults,
				 k->remap_x);
			snprintf(rr, sizeof(rr), "%8.0f %6.3f %6.2f", k->reread_ns, k->reread_faults,
				 k->reread_x);
		}
		say(cli, "%-12s %8.0f %6.3f %6.2f  %s  %s", k->name, k->first_ns, k->first_faults,
		    k->first_x, rm, rr);
	}
	explain(cli, "anon pages: anonymous memory with MADV_NOHUGEPAGE, one fault per %s page:",
		CLI_SIZE(cli->page_size));
	explain(cli, "the floor for a first touch, and what 'x anon' compares with.  anon thp: with");
	explain(cli, "MADV_HUGEPAGE, one fault per %s where the kernel can (flt/pg says how often).",
		CLI_SIZE(cli->huge_size));
	explain(cli, "first: mmap() plus a write to every page; re-map: the same again with every");
	explain(cli, "page still resident in the file or device; re-read: mapped again and read, where");
	explain(cli, "fault-around (memfd, +ar) maps a window per fault.  Eager pays at mmap() time;");
	explain(cli, "huge maps %s per fault where aligned (1 fault per %zu pages).  A first",
		CLI_SIZE(cli->huge_size), cli->huge_size / cli->page_size);
	explain(cli, "write through a shared mapping is one fault in every mode: the device installs");
	explain(cli, "a writable entry and notes the page dirty at once.  populate: MAP_POPULATE maps");
	explain(cli, "every page at mmap() time, read-only in a shared mapping (the kernel's design),");
	explain(cli, "so each first write then takes one write-protect fault: 2 per page in all.");
}

void bench_say_threads(struct cli *cli, const struct thread_kind *tks, int ntk,
		       uint64_t pages, uint64_t repeat)
{
	say(cli, "%s", "");
	say(cli, "faulting %llu new pages, one thread against two with half each; medians of "
	    "%llu rounds", (unsigned long long)pages, (unsigned long long)repeat);
	say(cli, "%-12s %12s %12s %8s", "kind", "1 thr ns/pg", "2 thr ns/pg", "speedup");
	for (int i = 0; i < ntk; i++)
		say(cli, "%-12s %12.0f %12.0f %7.2fx", tks[i].k.name, tks[i].one, tks[i].two,
		    tks[i].speedup);
	explain(cli, "anon pages and memfd are the controls: how far this machine lets two CPUs fault");
	explain(cli, "at once.  Every device mode has a ->map_pages, so the kernel serves these");
	explain(cli, "faults under each mapping's own lock (6.7+), not the process's mmap_lock: see");
	explain(cli, "mmdemo info.  Under single-threaded TCG the vCPUs take turns: expect 1.00x.");
}
