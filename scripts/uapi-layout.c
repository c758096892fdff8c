// SPDX-License-Identifier: GPL-2.0
/*
 * The UAPI's layout, pinned: compiled (not run) by uapi-layout.sh for
 * x86-64, i686 and aarch64, so that a 32-bit process on a 64-bit kernel
 * (compat_ioctl) and every architecture pass the kernel the same bytes.
 * Each struct's size and every member's offset, and each ioctl number,
 * which encodes the size: a change to any of them breaks old binaries.
 */
#include <stddef.h>
#include <linux/mmdemo.h>

#define LAYOUT(type, member, offset) \
	_Static_assert(offsetof(struct type, member) == (offset), #type "." #member)
#define SIZE(type, size) _Static_assert(sizeof(struct type) == (size), #type)
#define IOC(cmd, value) _Static_assert((unsigned int)(cmd) == (value), #cmd)

SIZE(mmdemo_info, 16);
LAYOUT(mmdemo_info, size, 0);
LAYOUT(mmdemo_info, page_size, 8);
LAYOUT(mmdemo_info, version, 12);

SIZE(mmdemo_stats, 40);
LAYOUT(mmdemo_stats, faults, 0);
LAYOUT(mmdemo_stats, pages_allocated, 8);
LAYOUT(mmdemo_stats, pages_resident, 16);
LAYOUT(mmdemo_stats, vmas, 24);
LAYOUT(mmdemo_stats, mmaps, 32);

/* i386 aligns __u64 to 4 bytes: the explicit pad keeps these at 16. */
SIZE(mmdemo_page_faults, 16);
LAYOUT(mmdemo_page_faults, first_page, 0);
LAYOUT(mmdemo_page_faults, nr_pages, 8);
LAYOUT(mmdemo_page_faults, counts, 16);

SIZE(mmdemo_dirty, 16);
LAYOUT(mmdemo_dirty, first_page, 0);
LAYOUT(mmdemo_dirty, nr_pages, 8);
LAYOUT(mmdemo_dirty, dirty, 16);

IOC(MMDEMO_IOC_INFO, 0x8010b900);
IOC(MMDEMO_IOC_STATS, 0x8028b901);
IOC(MMDEMO_IOC_PAGE_FAULTS, 0xc010b902);
IOC(MMDEMO_IOC_RESET, 0x0000b903);
IOC(MMDEMO_IOC_ZAP, 0x0000b904);
IOC(MMDEMO_IOC_RESIZE, 0x4008b905);
IOC(MMDEMO_IOC_SET_LATENCY, 0x4004b906);
IOC(MMDEMO_IOC_SET_BACKING, 0x4004b907);
IOC(MMDEMO_IOC_GET_BACKING, 0x8004b908);
IOC(MMDEMO_IOC_GET_DIRTY, 0xc010b909);
IOC(MMDEMO_IOC_CLEAN, 0x0000b90a);
IOC(MMDEMO_IOC_GET_FEATURES, 0x8004b90b);
