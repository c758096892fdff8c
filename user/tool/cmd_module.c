// SPDX-License-Identifier: GPL-2.0
/* mmdemo load | unload | status: the module's life, through libkmod. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"

/* The module parameters given on the command line, joined. */
#define PARAMS_MAX	512

static const char load_help[] =
"Usage: mmdemo load [PATH|NAME] [PARAM=VALUE...] [--json]\n"
"\n"
"Load the mmdemo module with libkmod, as insmod(8) would.  PATH is a .ko\n"
"file; NAME is looked up in /lib/modules/$(uname -r).  Without either, the\n"
"mmdemo.ko built next to this program (../kmod/mmdemo.ko) is used, then the\n"
"installed module.  Parameters: size=BYTES (default 64 MiB), mode=0600.\n"
"Needs root.\n";

static const char unload_help[] =
"Usage: mmdemo unload [--json]\n"
"\n"
"Remove the mmdemo module, as rmmod(8) would.  It fails while any process\n"
"has /dev/mmdemo open or mapped: each open file and each mapping holds a\n"
"reference on the module.  Needs root.\n";

static const char status_help[] =
"Usage: mmdemo status [--json] [--device PATH]\n"
"\n"
"Show whether the module is loaded, its reference count and parameters,\n"
"the device node, and the device's statistics.\n";

static const struct option common_only[] = { CLI_COMMON_OPTIONS, { 0 } };

/* The mmdemo.ko next to this binary: ../kmod/ in the source tree, or beside it. */
static const char *default_module(char *buf, size_t len)
{
	static const char *const rel[] = { "../kmod/mmdemo.ko", "mmdemo.ko" };
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		const char *dir;

		exe[n] = 0;
		dir = dirname(exe);
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(buf, len, "%s/%s", dir, rel[i]);
			if (!access(buf, R_OK))
				return buf;
		}
	}
	return MMDEMO_MODULE_NAME;
}

/* No such file, or no module of that name for the running kernel. */
static int fail_not_found(struct cli *cli, const char *what)
{
	struct utsname u;

	if (strchr(what, '/') || strstr(what, ".ko"))
		return cli_fail(cli, "could not insert module %s: no such file", what);
	if (uname(&u))
		strcpy(u.release, "?");
	return cli_fail(cli, "no module '%s' for Linux %s in /lib/modules/%s: install it "
			"with 'sudo make install' in the mmdemo source, or the mmdemo-dkms "
			"package (with linux-headers-%s), or give the path of an mmdemo.ko "
			"built for this kernel", what, u.release, u.release, u.release);
}

static int run_load(struct cli *cli, int argc, char **argv)
{
	char params[PARAMS_MAX] = "", pathbuf[PATH_MAX + 32];
	struct mmdemo_module_state st;
	struct mmdemo_kmod *kmod;
	const char *what = NULL;
	size_t used = 0;
	int c, err;

	while ((c = cli_getopt(cli, &cmd_load, argc, argv, "hjD:", common_only)) != -1)
		if (c == 'h' || c == '?')
			return c == 'h' ? 0 : EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		if (strchr(argv[i], '=')) {
			used += snprintf(params + used, used < sizeof(params) ? sizeof(params) - used : 0,
					 "%s%s", used ? " " : "", argv[i]);
		} else if (!what) {
			what = argv[i];
		} else {
			return cli_usage(cli, "unexpected argument '%s'", argv[i]);
		}
	}
	if (used >= sizeof(params))
		return cli_usage(cli, "parameters too long");
	if (!what)
		what = default_module(pathbuf, sizeof(pathbuf));

	err = mmdemo_kmod_new(&kmod);
	if (err)
		return cli_fail(cli, "libkmod: %s", strerror(-err));
	err = mmdemo_kmod_load(kmod, what, params);
	if (err) {
		mmdemo_kmod_free(kmod);
		if (err == -ENOENT)
			return fail_not_found(cli, what);
		return cli_fail(cli, "could not insert module %s: %s", what,
				mmdemo_load_strerror(err));
	}
	mmdemo_kmod_state(kmod, &st);
	mmdemo_kmod_free(kmod);
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "load");
		jw_string(&cli->j, "module", what);
		jw_string(&cli->j, "params", params);
		jw_string(&cli->j, "state", st.state);
		jw_object_end(&cli->j);
	}
	if (cli->text) {
		say(cli, "loaded %s%s%s: %s is ready", what, *params ? " with " : "",
		    params, cli->device);
	}
	return 0;
}

static int run_unload(struct cli *cli, int argc, char **argv)
{
	struct mmdemo_kmod *kmod;
	int c, err;

	c = cli_no_args(cli, &cmd_unload, argc, argv);
	if (c >= 0)
		return c;
	err = mmdemo_kmod_new(&kmod);
	if (err)
		return cli_fail(cli, "libkmod: %s", strerror(-err));
	err = mmdemo_kmod_unload(kmod);
	mmdemo_kmod_free(kmod);
	if (err)
		return cli_fail(cli, "could not remove module mmdemo: %s",
				mmdemo_unload_strerror(err));
	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "unload");
		jw_bool(&cli->j, "unloaded", true);
		jw_object_end(&cli->j);
	}
	if (cli->text) {
		say(cli, "unloaded mmdemo");
	}
	return 0;
}

static void read_param(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/mmdemo/parameters/%s", name);
	buf[0] = 0;
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static int run_status(struct cli *cli, int argc, char **argv)
{
	struct mmdemo_module_state st;
	struct mmdemo_stats stats;
	struct mmdemo_info info;
	struct mmdemo_kmod *kmod;
	struct mmdemo_dev *dev;
	char size[32], mode[32];
	struct stat sb;
	bool node, have_dev;
	int c, err;

	c = cli_no_args(cli, &cmd_status, argc, argv);
	if (c >= 0)
		return c;
	err = mmdemo_kmod_new(&kmod);
	if (err)
		return cli_fail(cli, "libkmod: %s", strerror(-err));
	mmdemo_kmod_state(kmod, &st);
	mmdemo_kmod_free(kmod);
	read_param("size", size, sizeof(size));
	read_param("mode", mode, sizeof(mode));
	node = !stat(cli->device, &sb);
	have_dev = node && !mmdemo_dev_open(cli->device, O_RDONLY, &dev);
	if (have_dev) {
		have_dev = !mmdemo_dev_info(dev, &info) && !mmdemo_dev_stats(dev, &stats);
		mmdemo_dev_close(dev);
	}

	if (cli->json) {
		jw_object_begin(&cli->j, NULL);
		jw_string(&cli->j, "command", "status");
		jw_object_begin(&cli->j, "module");
		jw_bool(&cli->j, "loaded", st.loaded);
		jw_string(&cli->j, "state", st.state);
		jw_i64(&cli->j, "refcount", st.refcount);
		jw_string(&cli->j, "size_param", size);
		jw_string(&cli->j, "mode_param", mode);
		jw_object_end(&cli->j);
		jw_object_begin(&cli->j, "device");
		jw_string(&cli->j, "path", cli->device);
		jw_bool(&cli->j, "exists", node);
		if (node)
			jw_u64(&cli->j, "mode", sb.st_mode & 07777);
		if (have_dev) {
			jw_u64(&cli->j, "size", info.size);
			jw_u64(&cli->j, "page_size", info.page_size);
			jw_stats(&cli->j, "stats", &stats);
		}
		jw_object_end(&cli->j);
		jw_object_end(&cli->j);
		if (!cli->text)
			return 0;
	}
	if (!st.loaded) {
		say(cli, "module   mmdemo is not loaded (load it with 'sudo mmdemo load')");
		return 0;
	}
	say(cli, "module   mmdemo %s, refcount %d (open files + mappings), size=%s mode=%#lo",
	    st.state, st.refcount, size, strtoul(mode, NULL, 10));
	if (!node)
		say(cli, "device   %s is missing", cli->device);
	else
		say(cli, "device   %s, mode %04o", cli->device, sb.st_mode & 07777);
	if (have_dev)
		say(cli, "memory   %llu kB in %u-byte pages; %llu resident, %llu faults served, "
		    "%llu live VMAs, %llu mmap calls",
		    (unsigned long long)info.size / 1024, info.page_size,
		    (unsigned long long)stats.pages_resident,
		    (unsigned long long)stats.faults, (unsigned long long)stats.vmas,
		    (unsigned long long)stats.mmaps);
	return 0;
}

const struct cmd cmd_load = {
	.name = "load",
	.run = run_load,
	.summary = "load the module (libkmod)",
	.help = load_help,
};
const struct cmd cmd_unload = {
	.name = "unload",
	.run = run_unload,
	.summary = "remove the module",
	.help = unload_help,
};
const struct cmd cmd_status = {
	.name = "status",
	.run = run_status,
	.summary = "module and device state",
	.help = status_help,
};
