/*
 * kernel/bootinfo.c - read the Multiboot information structure
 * (Multiboot Specification 0.6.96, section 3.3).
 *
 * QEMU's -kernel loader places this structure, the command line and the
 * memory map just past the kernel image, where the heap will grow: so the
 * parts we need are copied into bootinfo first, and nothing reads the
 * loader's copy afterwards.
 */
#include <string.h>

#include "kernel/bootinfo.h"
#include "kernel/kernel.h"

enum mb_flag {
	MB_INFO_MEMORY	= 1 << 0,
	MB_INFO_CMDLINE	= 1 << 2,
	MB_INFO_MMAP	= 1 << 6,
	MB_INFO_LOADER	= 1 << 9,
};

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB below 1 MiB, above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

/* An entry's size field does not count itself (spec 3.3, "mmap_*"). */
struct mb_mmap {
	uint32_t size;
	uint64_t base;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

struct bootinfo bootinfo;

static void copy_str(char *dst, size_t cap, uint32_t src_phys)
{
	strncpy(dst, (const char *)(uintptr_t)src_phys, cap - 1);
	dst[cap - 1] = '\0';
}

static void copy_mmap(const struct mb_info *mb)
{
	uintptr_t p = mb->mmap_addr, end = p + mb->mmap_length;

	while (p < end && bootinfo.nregions < MMAP_MAX) {
		const struct mb_mmap *e = (const struct mb_mmap *)p;
		struct mmap_region *r = &bootinfo.region[bootinfo.nregions++];

		r->base = e->base;
		r->len = e->len;
		r->type = e->type;
		if (r->type == MMAP_RAM)
			bootinfo.ram_bytes += r->len;
		p += e->size + sizeof(e->size);
	}
}

void bootinfo_init(uint32_t magic, uint32_t info_phys)
{
	const struct mb_info *mb = (const struct mb_info *)(uintptr_t)info_phys;

	if (magic != MULTIBOOT_LOADER_MAGIC)
		panic("not started by a Multiboot loader (bad magic in EAX)");
	strcpy(bootinfo.loader, "unknown");
	if (mb->flags & MB_INFO_LOADER)
		copy_str(bootinfo.loader, sizeof(bootinfo.loader), mb->boot_loader_name);
	if (mb->flags & MB_INFO_CMDLINE)
		copy_str(bootinfo.cmdline, sizeof(bootinfo.cmdline), mb->cmdline);
	if (mb->flags & MB_INFO_MMAP)
		copy_mmap(mb);
	if (bootinfo.nregions == 0 && (mb->flags & MB_INFO_MEMORY)) {
		bootinfo.region[0] = (struct mmap_region){ 0x100000,
			(uint64_t)mb->mem_upper * 1024, MMAP_RAM };
		bootinfo.nregions = 1;
		bootinfo.ram_bytes = bootinfo.region[0].len;
	}
}

/*
 * Both QEMU ("build/kernel.elf ARGS") and GRUB ("/boot/kernel.elf ARGS")
 * put the image's path first.  It holds no '=', which tells it apart.
 */
const char *bootinfo_args(void)
{
	const char *s = bootinfo.cmdline;
	const char *end = s + strcspn(s, " ");

	if (memchr(s, '=', (size_t)(end - s)))
		return s;
	return end + strspn(end, " ");
}
