// SPDX-License-Identifier: GPL-2.0
/*
 * Touch pages one at a time and record what each touch cost: the process's
 * minor/major fault counters (getrusage), the device's fault counter, and
 * residency (mincore) before and after.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "faults.h"

static void touch_page(volatile char *p, bool write)
{
	if (write)
		*p = (char)0x5a;
	else
		(void)*p;
}

static bool resident(void *page, size_t page_size)
{
	unsigned char v = 0;

	return !mmdemo_residency(page, page_size, &v) && v;
}

static void measure_pass(struct mmdemo_dev *dev, const struct faults_opts *o,
			 char *map, size_t page_size, size_t step, const size_t *order,
			 size_t n, uint32_t pause_ms, struct touch *out)
{
	for (size_t i = 0; i < n; i++) {
		char *addr = map + order[i] * step;
		size_t page = order[i] * step / page_size;
		char *page_addr = map + page * page_size;	/* mincore's unit */
		struct mmdemo_rusage r0, r1;
		struct mmdemo_stats s0, s1;
		struct touch t = { .page = page, .addr = addr };

		/*
		 * Only the touch sits between the two readings: the records are
		 * written after, so a fault on them is not counted.
		 */
		t.resident_before = resident(page_addr, page_size);
		mmdemo_dev_stats(dev, &s0);
		mmdemo_rusage(&r0);
		touch_page(addr, o->write);
		mmdemo_rusage(&r1);
		mmdemo_dev_stats(dev, &s1);
		t.resident_after = resident(page_addr, page_size);
		t.minflt = r1.minflt - r0.minflt;
		t.majflt = r1.majflt - r0.majflt;
		t.dev_faults = s1.faults - s0.faults;
		out[i] = t;
		/* Outside the readings: for someone watching (mmdemo watch). */
		if (pause_ms)
			nanosleep(&(struct timespec){ pause_ms / 1000, pause_ms % 1000 * 1000000L }, NULL);
	}
}

int faults_measure(struct cli *cli, struct mmdemo_dev *dev,
		   const struct faults_opts *o, struct faults_run *run)
{
	size_t ps = cli->page_size, step = o->step ? o->step : ps;
	size_t pages = o->nr_pages, n = pages * ps / step, *order;	/* n: touches */
	struct mmdemo_rusage warm;
	struct mmdemo_stats st;
	int err;

	memset(run, 0, sizeof(*run));
	run->length = pages * ps;
	order = calloc(n, sizeof(*order));
	run->pass[0] = calloc(n, sizeof(struct touch));
	run->pass[1] = calloc(n, sizeof(struct touch));
	run->resident = calloc(pages, 1);
	if (!order || !run->pass[0] || !run->pass[1] || !run->resident) {
		free(order);
		faults_finish(run);
		return -ENOMEM;
	}
	/* Fault in the record arrays now, not in the middle of a measurement. */
	memset(run->pass[0], 0, n * sizeof(struct touch));
	memset(run->pass[1], 0, n * sizeof(struct touch));
	run->nr_touches = pattern_order(&o->pattern, n, o->seed, order);
	err = mmdemo_dev_set_backing(dev, o->backing);
	if (err) {
		free(order);
		faults_finish(run);
		return err;
	}

	err = mmdemo_map(dev, NULL, run->length,
			 PROT_READ | (o->write ? PROT_WRITE : 0),
			 o->private ? MAP_PRIVATE : MAP_SHARED, (off_t)o->offset,
			 &run->map);
	if (err) {
		free(order);
		faults_finish(run);
		return err;
	}
	if (o->latency_us) {
		err = mmdemo_dev_set_latency(dev, o->latency_us);
		if (err) {
			free(order);
			faults_finish(run);
			return err;
		}
	}
	/* Warm up the observers so their own first-use faults happen here. */
	mmdemo_rusage(&warm);
	mmdemo_dev_stats(dev, &st);
	resident(run->map, ps);

	measure_pass(dev, o, run->map, ps, step, order, run->nr_touches, o->pause_ms, run->pass[0]);
	measure_pass(dev, o, run->map, ps, step, order, run->nr_touches, 0, run->pass[1]);
	free(order);
	if (o->latency_us)
		mmdemo_dev_set_latency(dev, 0);

	mmdemo_residency(run->map, run->length, run->resident);
	err = mmdemo_smaps(0, run->map, &run->smaps);
	if (!err)
		err = mmdemo_dev_stats(dev, &run->stats);
	return err;
}

void faults_finish(struct faults_run *run)
{
	if (run->map)
		mmdemo_unmap(run->map, run->length);
	free(run->pass[0]);
	free(run->pass[1]);
	free(run->resident);
	memset(run, 0, sizeof(*run));
}

struct pass_totals {
	uint64_t minflt, majflt, dev_faults;
};

static struct pass_totals totals(const struct touch *t, size_t n)
{
	struct pass_totals s = { 0 };

	for (size_t i = 0; i < n; i++) {
		s.minflt += t[i].minflt;
		s.majflt += t[i].majflt;
		s.dev_faults += t[i].dev_faults;
	}
	return s;
}

static size_t count_resident(const struct faults_run *run, size_t n)
{
	size_t r = 0;

	for (size_t i = 0; i < n; i++)
		r += run->resident[i];
	return r;
}

static void report_json(struct cli *cli, const struct faults_opts *o,
			const struct faults_run *run)
{
	struct jw *j = &cli->j;
	char buf[64];

	jw_object_begin(j, "mapping");
	jw_addr(j, "address", run->map);
	jw_u64(j, "length", run->length);
	jw_u64(j, "pages", o->nr_pages);
	jw_u64(j, "step", o->step ? o->step : cli->page_size);
	jw_u64(j, "offset", o->offset);
	jw_string(j, "prot", prot_name(PROT_READ | (o->write ? PROT_WRITE : 0), buf, sizeof(buf)));
	jw_string(j, "flags", o->private ? "PRIVATE" : "SHARED");
	jw_string(j, "backing", backing_name(o->backing));
	jw_object_end(j);
	jw_string(j, "pattern", pattern_name(&o->pattern, buf, sizeof(buf)));
	jw_string(j, "access", o->write ? "write" : "read");
	jw_u64(j, "seed", o->seed);
	jw_u64(j, "latency_us", o->latency_us);
	jw_array_begin(j, "passes");
	for (int p = 0; p < 2; p++) {
		struct pass_totals s = totals(run->pass[p], run->nr_touches);

		jw_object_begin(j, NULL);
		jw_u64(j, "pass", (uint64_t)p + 1);
		jw_u64(j, "minflt", s.minflt);
		jw_u64(j, "majflt", s.majflt);
		jw_u64(j, "device_faults", s.dev_faults);
		jw_array_begin(j, "touches");
		for (size_t i = 0; i < run->nr_touches; i++) {
			const struct touch *t = &run->pass[p][i];

			jw_object_begin(j, NULL);
			jw_u64(j, "page", t->page);
			jw_addr(j, "address", t->addr);
			jw_u64(j, "minflt", t->minflt);
			jw_u64(j, "majflt", t->majflt);
			jw_u64(j, "device_faults", t->dev_faults);
			jw_bool(j, "resident_before", t->resident_before);
			jw_bool(j, "resident_after", t->resident_after);
			jw_object_end(j);
		}
		jw_array_end(j);
		jw_object_end(j);
	}
	jw_array_end(j);
	jw_u64(j, "resident_pages", count_resident(run, o->nr_pages));
	jw_smaps(j, "smaps", &run->smaps);
	jw_stats(j, "stats", &run->stats);
}

static void report_pass(struct cli *cli, const struct faults_run *run, int p,
			bool show_touches)
{
	struct pass_totals s = totals(run->pass[p], run->nr_touches);

	if (show_touches) {
		say(cli, "  %-5s %-18s %5s %7s %7s %11s  %s", "touch", "address", "page",
		    "minflt", "majflt", "dev-faults", "resident");
		for (size_t i = 0; i < run->nr_touches; i++) {
			const struct touch *t = &run->pass[p][i];

			say(cli, "  %-5zu %-18p %5zu %+7lld %+7lld %+11lld  %s -> %s%s%s",
			    i + 1, t->addr, t->page, (long long)t->minflt,
			    (long long)t->majflt, (long long)t->dev_faults,
			    t->resident_before ? "yes" : "no",
			    color(cli, t->resident_after ? C_GREEN : C_RED),
			    t->resident_after ? "yes" : "no", color(cli, C_RESET));
		}
	}
	say(cli, "  pass %d: %llu touches, %llu minor faults, %llu major faults, "
	    "%llu device faults", p + 1, (unsigned long long)run->nr_touches,
	    (unsigned long long)s.minflt, (unsigned long long)s.majflt,
	    (unsigned long long)s.dev_faults);
}

void faults_report(struct cli *cli, const struct faults_opts *o,
		   const struct faults_run *run, bool show_touches)
{
	const struct mmdemo_smaps *sm = &run->smaps;

	if (cli->json) {
		report_json(cli, o, run);
		if (!cli->text)
			return;
	}
	heading(cli, "pass 1: first touch of each page");
	report_pass(cli, run, 0, show_touches);
	heading(cli, "pass 2: the same pages again");
	report_pass(cli, run, 1, show_touches);
	heading(cli, "afterwards");
	say(cli, "  resident   %zu of %llu pages (mincore)", count_resident(run, o->nr_pages),
	    (unsigned long long)o->nr_pages);
	say(cli, "  smaps      Size %llu kB, Rss %llu kB, Pss %llu kB",
	    (unsigned long long)sm->size, (unsigned long long)sm->rss,
	    (unsigned long long)sm->pss);
	say(cli, "             Shared %llu kB (clean %llu, dirty %llu), "
	    "Private %llu kB (clean %llu, dirty %llu), Anonymous %llu kB",
	    (unsigned long long)(sm->shared_clean + sm->shared_dirty),
	    (unsigned long long)sm->shared_clean, (unsigned long long)sm->shared_dirty,
	    (unsigned long long)(sm->private_clean + sm->private_dirty),
	    (unsigned long long)sm->private_clean, (unsigned long long)sm->private_dirty,
	    (unsigned long long)sm->anonymous);
	explain(cli, "             (smaps calls a page Shared only while two or more processes map it)");
	say(cli, "  device     %llu faults served, %llu pages resident, %llu live VMAs",
	    (unsigned long long)run->stats.faults,
	    (unsigned long long)run->stats.pages_resident,
	    (unsigned long long)run->stats.vmas);
}
