// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading, unloading and inspecting the mmdemo module through libkmod. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "libmmdemo.h"

struct mmdemo_kmod {
	struct kmod_ctx *ctx;
};

/* libkmod logs to stderr by default; a library must stay quiet. */
static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn;
	(void)format, (void)args;
}

int mmdemo_kmod_new(struct mmdemo_kmod **kmodp)
{
	struct mmdemo_kmod *kmod;

	kmod = calloc(1, sizeof(*kmod));
	if (!kmod)
		return -ENOMEM;
	kmod->ctx = kmod_new(NULL, NULL);
	if (!kmod->ctx) {
		free(kmod);
		return -ENOMEM;
	}
	kmod_set_log_fn(kmod->ctx, quiet_log, NULL);
	*kmodp = kmod;
	return 0;
}

void mmdemo_kmod_free(struct mmdemo_kmod *kmod)
{
	if (!kmod)
		return;
	kmod_unref(kmod->ctx);
	free(kmod);
}

static bool looks_like_path(const char *s)
{
	return strchr(s, '/') || strstr(s, ".ko");
}

int mmdemo_kmod_load(struct mmdemo_kmod *kmod, const char *path_or_name,
		     const char *params)
{
	struct kmod_module *mod;
	int ret;

	if (!path_or_name || !*path_or_name)
		return -EINVAL;
	if (looks_like_path(path_or_name))
		ret = kmod_module_new_from_path(kmod->ctx, path_or_name, &mod);
	else
		ret = kmod_module_new_from_name(kmod->ctx, path_or_name, &mod);
	if (ret < 0)
		return ret;
	/* A name that is not in the module directory has no path. */
	if (!kmod_module_get_path(mod)) {
		kmod_module_unref(mod);
		return -ENOENT;
	}
	ret = kmod_module_insert_module(mod, 0, params ? params : "");
	kmod_module_unref(mod);
	return ret < 0 ? ret : 0;
}

int mmdemo_kmod_unload(struct mmdemo_kmod *kmod)
{
	struct kmod_module *mod;
	int ret;

	ret = kmod_module_new_from_name(kmod->ctx, MMDEMO_MODULE_NAME, &mod);
	if (ret < 0)
		return ret;
	if (kmod_module_get_initstate(mod) < 0)
		ret = -ENOENT;
	else
		ret = kmod_module_remove_module(mod, 0);
	kmod_module_unref(mod);
	return ret < 0 ? ret : 0;
}

int mmdemo_kmod_state(struct mmdemo_kmod *kmod, struct mmdemo_module_state *st)
{
	struct kmod_module *mod;
	int state, ret;

	memset(st, 0, sizeof(*st));
	ret = kmod_module_new_from_name(kmod->ctx, MMDEMO_MODULE_NAME, &mod);
	if (ret < 0)
		return ret;
	state = kmod_module_get_initstate(mod);
	if (state >= 0) {
		st->loaded = true;
		snprintf(st->state, sizeof(st->state), "%s",
			 kmod_module_initstate_str(state));
		st->refcount = kmod_module_get_refcnt(mod);
	} else {
		snprintf(st->state, sizeof(st->state), "absent");
	}
	kmod_module_unref(mod);
	return 0;
}

const char *mmdemo_load_strerror(int err)
{
	switch (-err) {
	case ENOEXEC:
		return "Invalid module format";
	case ENOENT:
		return "Unknown symbol in module, or module not found";
	case ESRCH:
		return "Module has wrong symbol version";
	case EINVAL:
		return "Invalid parameters";
	case EEXIST:
		return "Module already in kernel";
	case EPERM:
		return "Operation not permitted (loading modules needs root)";
	default:
		return strerror(-err);
	}
}

const char *mmdemo_unload_strerror(int err)
{
	switch (-err) {
	case EBUSY:
	case EAGAIN:
		return "Module is in use";
	case ENOENT:
		return "Module is not currently loaded";
	case EPERM:
		return "Operation not permitted (unloading modules needs root)";
	default:
		return strerror(-err);
	}
}

const char *mmdemo_version(void)
{
	return MMDEMO_VERSION;
}

int mmdemo_module_version(char *buf, size_t size)
{
	char path[64];
	size_t len;
	FILE *f;
	int ret = 0;

	if (!size)
		return -ERANGE;
	snprintf(path, sizeof(path), "/sys/module/%s", MMDEMO_MODULE_NAME);
	if (access(path, F_OK))
		return -errno;
	snprintf(path, sizeof(path), "/sys/module/%s/version", MMDEMO_MODULE_NAME);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ENODATA : -errno;
	if (!fgets(buf, (int)size, f))
		ret = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (ret)
		return ret;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = 0;
	else if (len + 1 == size)
		return -ERANGE;
	return 0;
}
