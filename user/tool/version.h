/* SPDX-License-Identifier: GPL-2.0 */
/* The versions of tool, library and loaded module (version.c). */
#ifndef MMDEMO_VERSION_H
#define MMDEMO_VERSION_H

#include <stdio.h>

#include "libmmdemo.h"

struct versions {
	const char *tool;
	const char *library;
	char module[64];	/* valid when module_err is 0 */
	int module_err;		/* -ENOENT: not loaded */
	unsigned int interface;	/* MMDEMO_API_VERSION of the module, 0 if unknown */
	int interface_err;	/* why it is unknown (the device would not open) */
};

/* The tool's, the library's and the loaded module's versions... */
void versions_get(struct versions *v);
/* ...and the module's interface version, asked of @device. */
void versions_interface(const char *device, struct versions *v);
/* What to say of the module: its version, or why there is none. */
const char *versions_module(const struct versions *v, char *buf, size_t size);
void versions_print(const struct versions *v, FILE *f);
/* 1 and a sentence in @buf if a module of interface @have is too old for us. */
int interface_warning(unsigned int have, char *buf, size_t size);

#endif
