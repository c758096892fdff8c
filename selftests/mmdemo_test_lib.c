// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the mmdemo selftests (mmdemo_test.h): the device's counters
 * and dirty map, /proc and sysfs readers, module loading, and main()'s
 * setup.  Only what more than one topic uses lives here.
 */
#define MMDEMO_TEST_LIB
#include "mmdemo_test.h"

size_t page_size;
size_t huge_size;

void mmdemo_test_init(void)
{
	char line[64];

	page_size = sysconf(_SC_PAGESIZE);
	/* Without THP there is no such file: a PMD maps a page of PTEs. */
	if (read_line("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", line, sizeof(line)) ||
	    !(huge_size = strtoul(line, NULL, 0)))
		huge_size = page_size / sizeof(uint64_t) * page_size;
}

/* Test helpers: each returns what the kernel reported, never asserts. */

struct mmdemo_stats get_stats(int fd)
{
	struct mmdemo_stats st;

	if (ioctl(fd, MMDEMO_IOC_STATS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/*
 * Copies the value of field @key ("Rss:", "VmFlags:") of the mapping that
 * starts at @addr from /proc/self/smaps into @val.  Returns 0 or -1.
 */
int smaps_field(void *addr, const char *key, char *val, size_t len)
{
	char line[256], want[32];
	bool in_vma = false;
	int ret = -1;
	FILE *f;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want))) {
			in_vma = true;
		} else if (in_vma && !strncmp(line, key, strlen(key))) {
			snprintf(val, len, "%s", line + strlen(key));
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Rss of the mapping that starts at @addr, in kB. */
long smaps_rss_kb(void *addr)
{
	char val[64];
	long kb;

	if (smaps_field(addr, "Rss:", val, sizeof(val)) || sscanf(val, "%ld", &kb) != 1)
		return -1;
	return kb;
}

/* Number of resident pages in [addr, addr + pages * page_size) per mincore(). */
int mincore_count(void *addr, size_t pages)
{
	unsigned char *vec = malloc(pages);
	int n = 0;

	if (!vec || mincore(addr, pages * page_size, vec)) {
		free(vec);
		return -1;
	}
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

/* Whether the running kernel is @major.@minor or later. */
bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * Where the core behaves differently between 6.12 and 7.3, 7.x is taken as
 * the dividing line: the kernels between them are not tested.
 */
bool kernel_is_7x(void)
{
	return kernel_at_least(7, 0);
}

/*
 * Whether mincore() reports the entries of a VM_PFNMAP mapping.  6.12 walks
 * the page tables with walk_page_range(), which skips PFN maps (their
 * pages then read as absent); 7.3 uses walk_page_range_vma(), which does
 * not, and sees present PFN entries like any other.
 */
bool mincore_sees_pfnmap(void)
{
	return kernel_is_7x();
}

/* Runs the access in a child; returns the signal that killed it, or 0. */
int access_signal(volatile char *p, bool write)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

int get_dirty(int fd, uint64_t first, uint32_t n, uint8_t *out)
{
	struct mmdemo_dirty *req = calloc(1, sizeof(*req) + n);
	int ret;

	if (!req)
		return -1;
	req->first_page = first;
	req->nr_pages = n;
	ret = ioctl(fd, MMDEMO_IOC_GET_DIRTY, req);
	if (!ret)
		memcpy(out, req->dirty, n);
	free(req);
	return ret;
}

/* The dirty map of the first @n pages as a string of '0' and '1'. */
const char *dirty_str(int fd, uint32_t n, char *buf)
{
	uint8_t d[64];

	if (n > sizeof(d) || get_dirty(fd, 0, n, d))
		return "error";
	for (uint32_t i = 0; i < n; i++)
		buf[i] = d[i] ? '1' : '0';
	buf[n] = 0;
	return buf;
}

int get_page_faults(int fd, uint64_t first, uint32_t n, uint32_t *out)
{
	struct mmdemo_page_faults *req;
	int ret;

	req = calloc(1, sizeof(*req) + n * sizeof(req->counts[0]));
	if (!req)
		return -1;
	req->first_page = first;
	req->nr_pages = n;
	ret = ioctl(fd, MMDEMO_IOC_PAGE_FAULTS, req);
	if (!ret)
		memcpy(out, req->counts, n * sizeof(*out));
	free(req);
	return ret;
}

/* Writes @val to the file @path; returns 0 or -errno. */
int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* Reads the first line of @path into @buf without its newline. */
int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return -errno;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* The value of the "@key value" line of @path, or -1. */
long long key_value(const char *path, const char *key)
{
	char line[128], k[64];
	long long val = -1, v;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", k, &v) == 2 && !strcmp(k, key))
			val = v;
	fclose(f);
	return val;
}

/* A counter of /sys/kernel/debug/mmdemo/stats, or -1. */
long long debugfs_stat(const char *name)
{
	return key_value("/sys/kernel/debug/mmdemo/stats", name);
}

int unload_module(void)
{
	return syscall(SYS_delete_module, "mmdemo", O_NONBLOCK) ? -errno : 0;
}

/* A module parameter as a number. */
int read_param_u64(const char *name, uint64_t *val)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/module/mmdemo/parameters/%s", name);
	if (read_line(path, buf, sizeof(buf)))
		return -ENOENT;
	*val = strtoull(buf, NULL, 0);
	return 0;
}

/* The parameters the module runs with, as "size=... mode=..." for reloading. */
int current_params(char *buf, size_t len)
{
	char size[32], mode[32];

	if (read_line("/sys/module/mmdemo/parameters/size", size, sizeof(size)) ||
	    read_line("/sys/module/mmdemo/parameters/mode", mode, sizeof(mode)))
		return -ENOENT;
	snprintf(buf, len, "size=%s mode=%s", size, mode);
	return 0;
}

int load_module(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* "--poke OFFSET BYTE": run by the exec test as an unrelated process. */
int poke_main(int argc, char **argv)
{
	off_t off;
	char *p;
	int fd;

	if (argc != 4)
		return 2;
	off = strtoll(argv[2], NULL, 0);
	fd = open(DEV_PATH, O_RDWR);
	if (fd < 0)
		return 3;
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return 4;
	memset(p, (int)strtol(argv[3], NULL, 0), page_size);
	return munmap(p, page_size) ? 5 : 0;
}

/* The "Key:   N kB" line of a /proc file such as meminfo or status, in kB. */
long proc_kb(const char *path, const char *key)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			kb = strtol(line + strlen(key) + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* Minor faults taken by this process since @r0. */
long minflt_since(const struct rusage *r0)
{
	struct rusage r1;

	getrusage(RUSAGE_SELF, &r1);
	return r1.ru_minflt - r0->ru_minflt;
}

/*
 * An address aligned to @align with @len bytes free after it, inside a
 * PROT_NONE reservation (never touched: no page tables), for MAP_FIXED.
 */
char *reserve_aligned(size_t len, size_t align)
{
	char *r = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	return (char *)(((uintptr_t)r + align - 1) & ~(align - 1));
}
