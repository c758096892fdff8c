// SPDX-License-Identifier: GPL-2.0
/* mmdemo info: what the device is and what it has done. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char info_help[] =
"Usage: mmdemo info [--json] [--device PATH]\n"
"\n"
"Show the device's size, page size and interface version, and its\n"
"statistics since load or the last reset: faults served, pages allocated\n"
"and resident, live VMAs and mmap() calls.\n";

static int run_info(struct cli *cli, int argc, char **argv)
{
	struct mmdemo_stats st;
	struct mmdemo_info info;
	struct mmdemo_dev *dev;
	int c, err;

	c = cli_no_args(cli, &cmd_info, argc, argv);
	if (c >= 0)
		return c;
	if (cli_open(cli, O_RDONLY, &dev))
		return 1;
	err = mmdemo_dev_info(dev, &info);
	if (!err)
		err = mmdemo_dev_stats(dev, &st);
	mmdemo_dev_close(dev);
	if (err)
		return cli_fail(cli, "ioctl: %s", strerror(-err));

	if (cli->json) {
		json_object_begin(&cli->j, NULL);
		json_string(&cli->j, "command", "info");
		json_string(&cli->j, "device", cli->device);
		json_u64(&cli->j, "size", info.size);
		json_u64(&cli->j, "page_size", info.page_size);
		json_u64(&cli->j, "pages", info.size / info.page_size);
		json_u64(&cli->j, "api_version", info.version);
		json_stats(&cli->j, "stats", &st);
		json_object_end(&cli->j);
		return 0;
	}
	say(cli, "device           %s", cli->device);
	say(cli, "size             %llu kB (%llu pages of %u bytes)",
	    (unsigned long long)info.size / 1024,
	    (unsigned long long)(info.size / info.page_size), info.page_size);
	say(cli, "interface        version %u", info.version);
	say(cli, "faults served    %llu", (unsigned long long)st.faults);
	say(cli, "pages allocated  %llu", (unsigned long long)st.pages_allocated);
	say(cli, "pages resident   %llu (%llu kB)", (unsigned long long)st.pages_resident,
	    (unsigned long long)st.pages_resident * info.page_size / 1024);
	say(cli, "live VMAs        %llu", (unsigned long long)st.vmas);
	say(cli, "mmap calls       %llu", (unsigned long long)st.mmaps);
	return 0;
}

const struct cmd cmd_info = { "info", run_info, "device size and statistics", info_help };
