/*
 * kernel/bootinfo.h - what the Multiboot loader told us, copied out of the
 * loader's memory before the heap can grow over it.
 */
#ifndef BOOTINFO_H
#define BOOTINFO_H

#include <stdint.h>

#include "kernel/param.h"

#define MULTIBOOT_LOADER_MAGIC	0x2BADB002

enum mmap_type {
	MMAP_RAM = 1,		/* usable */
	MMAP_RESERVED = 2,
	MMAP_ACPI = 3,
	MMAP_NVS = 4,
	MMAP_BAD = 5,
};

struct mmap_region {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* enum mmap_type */
};

struct bootinfo {
	char loader[64];		/* "GRUB 2.06", or "unknown" */
	char cmdline[CMDLINE_MAX];	/* as passed, image path first */
	int nregions;
	struct mmap_region region[MMAP_MAX];
	uint64_t ram_bytes;		/* sum of usable regions */
};

extern struct bootinfo bootinfo;

/* Copy the loader's information; panics if magic is not Multiboot's. */
void bootinfo_init(uint32_t magic, uint32_t info_phys);

/* The command line without the image path that loaders put first. */
const char *bootinfo_args(void);

#endif
