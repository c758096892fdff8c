// SPDX-License-Identifier: GPL-2.0
/* mmdemo info: what the device is and what it has done. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "version.h"

static const char info_help[] =
"Usage: mmdemo info [--json] [--device PATH]\n"
"\n"
"Show the device's size, page size and interface version; what follows\n"
"from the kernel's page size: what one huge (PMD) entry maps and how many\n"
"pages that is, and the bytes and pages of a fault-around window; how the\n"
"running kernel lets the module map it: the file operation mmap() calls\n"
"(mmap_prepare since 7.1, mmap before), whether huge mode works (6.12+\n"
"with THP) and whether its PMD entries are page-backed (6.15+), and\n"
"whether faults run under the per-VMA lock (6.7+); and its statistics\n"
"since load or the last reset: faults served, pages allocated and\n"
"resident, live VMAs and mmap() calls.  First, the versions of this tool,\n"
"its library and the loaded module (as 'mmdemo --version').\n";

static int run_info(struct cli *cli, int argc, char **argv)
{
	struct mmdemo_stats st;
	struct mmdemo_info info;
	struct mmdemo_dev *dev;
	uint32_t feat = 0;
	const char *hook, *huge;
	struct versions v;
	char modver[96];
	uint64_t around;
	int c, err;

	c = cli_no_args(cli, &cmd_info, argc, argv);
	if (c >= 0)
		return c;
	if (cli_open(cli, O_RDONLY, &dev))
		return 1;
	err = mmdemo_dev_info(dev, &info);
	if (!err)
		err = mmdemo_dev_stats(dev, &st);
	if (!err)
		err = mmdemo_dev_features(dev, &feat);
	mmdemo_dev_close(dev);
	if (err)
		return cli_fail(cli, "ioctl: %s", strerror(-err));
	versions_get(&v);
	versions_module(&v, modver, sizeof(modver));
	around = cli_fault_around_bytes();
	hook = feat & MMDEMO_FEATURE_MMAP_PREPARE ? "mmap_prepare" : "mmap";
	huge = !(feat & MMDEMO_FEATURE_HUGE) ? "unavailable" :
	       feat & MMDEMO_FEATURE_HUGE_PAGE_BACKED ? "page-backed" : "pfn";

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "info");
		jw_string(&cli->j, "device", cli->device);
		jw_string(&cli->j, "version", v.tool);
		jw_string(&cli->j, "library_version", v.library);
		jw_string(&cli->j, "module_version", modver);
		jw_u64(&cli->j, "size", info.size);
		jw_u64(&cli->j, "page_size", info.page_size);
		jw_u64(&cli->j, "pages", info.size / info.page_size);
		jw_u64(&cli->j, "huge_entry_size", cli->huge_size);
		jw_u64(&cli->j, "pages_per_huge_entry", cli->huge_size / info.page_size);
		if (around) {
			jw_u64(&cli->j, "fault_around_bytes", around);
			jw_u64(&cli->j, "fault_around_pages", around / info.page_size);
		} else {
			jw_null(&cli->j, "fault_around_bytes");
			jw_null(&cli->j, "fault_around_pages");
		}
		jw_u64(&cli->j, "api_version", info.version);
		jw_string(&cli->j, "mmap_hook", hook);
		jw_bool(&cli->j, "huge_mode", feat & MMDEMO_FEATURE_HUGE);
		jw_bool(&cli->j, "huge_page_backed", feat & MMDEMO_FEATURE_HUGE_PAGE_BACKED);
		jw_bool(&cli->j, "vma_lock_faults", feat & MMDEMO_FEATURE_VMA_LOCK_FAULTS);
		jw_stats(&cli->j, "stats", &st);
		jw_object_end(&cli->j);
		if (!cli->text)
			return 0;
	}
	say(cli, "versions         mmdemo %s, libmmdemo %s, module %s", v.tool, v.library,
	    modver);
	say(cli, "device           %s", cli->device);
	say(cli, "size             %llu kB (%llu pages of %u bytes)",
	    (unsigned long long)info.size / 1024,
	    (unsigned long long)(info.size / info.page_size), info.page_size);
	say(cli, "page size        %s: every fault, PTE and Rss step is one of these",
	    CLI_SIZE(info.page_size));
	say(cli, "huge entry       %s: one PMD entry maps %zu pages", CLI_SIZE(cli->huge_size),
	    cli->huge_size / info.page_size);
	if (around)
		say(cli, "fault-around     %s: one read fault may map %llu resident page%s",
		    CLI_SIZE(around), (unsigned long long)(around / info.page_size),
		    around / info.page_size == 1 ? " (none around it)" : "s");
	else
		say(cli, "fault-around     unknown (needs debugfs: fault_around_bytes)");
	say(cli, "interface        version %u", info.version);
	say(cli, "mmap hook        f_op->%s()", hook);
	say(cli, "huge mode        %s%s", huge, !(feat & MMDEMO_FEATURE_HUGE) ?
	    " (needs Linux 6.12+ and THP)" : feat & MMDEMO_FEATURE_HUGE_PAGE_BACKED ?
	    ": its PMD entries map a folio (Rss, rmap, get_user_pages)" :
	    ": its PMD entries are PFN entries (not in Rss nor the rmap)");
	say(cli, "fault lock       %s", feat & MMDEMO_FEATURE_VMA_LOCK_FAULTS ?
	    "the VMA's own lock" : "the process's mmap_lock");
	say(cli, "faults served    %llu", (unsigned long long)st.faults);
	say(cli, "pages allocated  %llu", (unsigned long long)st.pages_allocated);
	say(cli, "pages resident   %llu (%llu kB)", (unsigned long long)st.pages_resident,
	    (unsigned long long)st.pages_resident * info.page_size / 1024);
	say(cli, "live VMAs        %llu", (unsigned long long)st.vmas);
	say(cli, "mmap calls       %llu", (unsigned long long)st.mmaps);
	return 0;
}

const struct cmd cmd_info = {
	.name = "info",
	.run = run_info,
	.summary = "device size and statistics",
	.help = info_help,
};
