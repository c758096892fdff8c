/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmmdemo: drive /dev/mmdemo and observe what the kernel does with its
 * mappings.  See libmmdemo(3).
 *
 * Conventions: every int-returning function returns 0 (or a count) on
 * success and a negative errno on failure; nothing prints or exits.
 * Objects are opaque and owned by the caller (mmdemo_*_new/open and
 * mmdemo_*_free/close).
 */
#ifndef LIBMMDEMO_H
#define LIBMMDEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/mmdemo.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MMDEMO_DEV_PATH		"/dev/mmdemo"
#define MMDEMO_MODULE_NAME	"mmdemo"

/* ---- The device ---- */

struct mmdemo_dev;

/* @path NULL means MMDEMO_DEV_PATH; @oflags as for open(2) (O_RDWR, O_RDONLY). */
int mmdemo_dev_open(const char *path, int oflags, struct mmdemo_dev **devp);
void mmdemo_dev_close(struct mmdemo_dev *dev);
int mmdemo_dev_fd(const struct mmdemo_dev *dev);

int mmdemo_dev_info(struct mmdemo_dev *dev, struct mmdemo_info *info);
int mmdemo_dev_stats(struct mmdemo_dev *dev, struct mmdemo_stats *stats);
int mmdemo_dev_page_faults(struct mmdemo_dev *dev, uint64_t first_page,
			   uint32_t nr_pages, uint32_t *counts);
int mmdemo_dev_reset(struct mmdemo_dev *dev);
/* Since LIBMMDEMO_2 (interface version 2). */
int mmdemo_dev_zap(struct mmdemo_dev *dev);
int mmdemo_dev_resize(struct mmdemo_dev *dev, uint64_t size);
int mmdemo_dev_set_latency(struct mmdemo_dev *dev, uint32_t usecs);
/* MMDEMO_BACKING_* of this open file's next mappings. */
int mmdemo_dev_set_backing(struct mmdemo_dev *dev, uint32_t backing);
int mmdemo_dev_get_backing(struct mmdemo_dev *dev, uint32_t *backing);
/* @dirty[i] = 1 if page first_page + i was written through a mapping. */
int mmdemo_dev_dirty(struct mmdemo_dev *dev, uint64_t first_page,
		     uint32_t nr_pages, uint8_t *dirty);
int mmdemo_dev_clean(struct mmdemo_dev *dev);
/* Since LIBMMDEMO_3 (interface version 4): MMDEMO_FEATURE_* of the kernel. */
int mmdemo_dev_features(struct mmdemo_dev *dev, uint32_t *features);

/*
 * mmap(2) of the device with any @addr hint, @prot, @flags and @offset;
 * with MAP_ANONYMOUS in @flags the device is not used (@dev may be NULL).
 * The mapping is stored in *@mapped.
 */
int mmdemo_map(struct mmdemo_dev *dev, void *addr, size_t length, int prot,
	       int flags, off_t offset, void **mapped);
int mmdemo_unmap(void *addr, size_t length);

/* ---- The module, through libkmod ---- */

struct mmdemo_kmod;

int mmdemo_kmod_new(struct mmdemo_kmod **kmodp);
void mmdemo_kmod_free(struct mmdemo_kmod *kmod);

/*
 * Loads the module from @path_or_name: a path if it contains '/' or ends
 * in ".ko" (optionally compressed), otherwise a module name looked up in
 * the kernel's module directory.  @params: "name=value ..." or NULL.
 */
int mmdemo_kmod_load(struct mmdemo_kmod *kmod, const char *path_or_name,
		     const char *params);
int mmdemo_kmod_unload(struct mmdemo_kmod *kmod);

struct mmdemo_module_state {
	bool loaded;
	char state[16];		/* "live", "coming", "going", "builtin" */
	int refcount;		/* open files and mappings pin the module */
};

int mmdemo_kmod_state(struct mmdemo_kmod *kmod, struct mmdemo_module_state *st);

/*
 * Since LIBMMDEMO_4.  The project version of this library ("0.1.0"), and
 * the version of the loaded module (its MODULE_VERSION) into @buf:
 * -ENOENT if the module is not loaded, -ENODATA if it has no version (a
 * module built in a kernel tree), -ERANGE if @size is too small.
 */
const char *mmdemo_version(void);
int mmdemo_module_version(char *buf, size_t size);

/* The words insmod(8) and rmmod(8) use for a failed load or unload. */
const char *mmdemo_load_strerror(int err);
const char *mmdemo_unload_strerror(int err);

/* ---- Observation, each from the kernel's own interface ---- */

/* mincore(2): @vec[i] = 1 if page i of [addr, addr + length) is resident. */
int mmdemo_residency(const void *addr, size_t length, unsigned char *vec);

/* One /proc/PID/pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
struct mmdemo_pte {
	bool present;
	bool swapped;
	bool file_or_shared;	/* a file page, or anonymous and shared */
	bool exclusive;		/* mapped by exactly one process */
	bool soft_dirty;
	uint64_t pfn;		/* 0 unless the reader has CAP_SYS_ADMIN */
};

void mmdemo_pagemap_decode(uint64_t raw, struct mmdemo_pte *pte);
/* Reads @nr_pages entries from @addr on; @pid 0 means this process. */
int mmdemo_pagemap(pid_t pid, const void *addr, size_t nr_pages,
		   struct mmdemo_pte *ptes);

/* The /proc/PID/smaps fields of one mapping, sizes in kB as smaps gives them. */
struct mmdemo_smaps {
	uint64_t start, end;
	uint64_t size, rss, pss;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t anonymous;
	uint64_t kernel_page_size, mmu_page_size;
	char vmflags[128];	/* two-letter flags separated by spaces */
};

/* Parses smaps text for the mapping containing @addr. */
int mmdemo_smaps_parse(FILE *f, uint64_t addr, struct mmdemo_smaps *sm);
/* Reads /proc/PID/smaps (@pid 0: this process) for the mapping at @addr. */
int mmdemo_smaps(pid_t pid, const void *addr, struct mmdemo_smaps *sm);
bool mmdemo_smaps_has_flag(const struct mmdemo_smaps *sm, const char *flag);

/* getrusage(2) fault counters of this process. */
struct mmdemo_rusage {
	uint64_t minflt;	/* faults served without I/O */
	uint64_t majflt;	/* faults that needed I/O */
};

int mmdemo_rusage(struct mmdemo_rusage *ru);

#ifdef __cplusplus
}
#endif

#endif /* LIBMMDEMO_H */
