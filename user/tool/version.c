// SPDX-License-Identifier: GPL-2.0
/*
 * Which mmdemo is this: the versions of the tool, the library and the
 * loaded module, and whether the module's interface is new enough.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

void versions_get(struct versions *v)
{
	memset(v, 0, sizeof(*v));
	v->tool = MMDEMO_VERSION;
	v->library = mmdemo_version();
	v->module_err = mmdemo_module_version(v->module, sizeof(v->module));
}

void versions_interface(const char *device, struct versions *v)
{
	struct mmdemo_info info;
	struct mmdemo_dev *dev;
	int err;

	if (v->module_err == -ENOENT)
		return;
	err = mmdemo_dev_open(device, O_RDONLY, &dev);
	if (!err) {
		err = mmdemo_dev_info(dev, &info);
		mmdemo_dev_close(dev);
	}
	if (err)
		v->interface_err = err;
	else
		v->interface = info.version;
}

const char *versions_module(const struct versions *v, char *buf, size_t size)
{
	if (v->module_err == -ENOENT)
		return "not loaded";
	if (v->module_err == -ENODATA)
		snprintf(buf, size, "loaded, no version (built in a kernel tree)");
	else if (v->module_err)
		snprintf(buf, size, "loaded, version unknown (%s)", strerror(-v->module_err));
	else
		snprintf(buf, size, "%s", v->module);
	return buf;
}

int interface_warning(unsigned int have, char *buf, size_t size)
{
	if (have >= MMDEMO_API_VERSION)
		return 0;
	snprintf(buf, size, "the loaded module has interface version %u; this mmdemo "
		 "(%s) needs %d, so some commands will fail: load the module of "
		 "the same release ('sudo mmdemo unload', then 'sudo mmdemo load')",
		 have, MMDEMO_VERSION, MMDEMO_API_VERSION);
	return 1;
}

void versions_print(const struct versions *v, FILE *f)
{
	char buf[96];

	fprintf(f, "mmdemo %s (interface version %d)\n", v->tool, MMDEMO_API_VERSION);
	fprintf(f, "libmmdemo %s\n", v->library);
	fprintf(f, "module %s", versions_module(v, buf, sizeof(buf)));
	if (v->interface)
		fprintf(f, " (interface version %u)", v->interface);
	else if (v->interface_err)
		fprintf(f, " (interface version unknown: %s)", strerror(-v->interface_err));
	fputc('\n', f);
}
