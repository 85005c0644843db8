/*
 * kernel/mem.c - the heap's bounds, and cache attributes of the identity
 * map that boot.S built (low 4 GiB, 2 MiB pages).
 */
#include <stdio.h>

#include "kernel/bootinfo.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/param.h"
#include "kernel/x86.h"

#define PAGE_2M		0x200000ULL
#define PTE_PWT		0x008	/* write-through */
#define PTE_PCD		0x010	/* cache disable */

extern uint64_t boot_pd[2048];	/* boot.S: one entry per 2 MiB, 0 to 4 GiB */
extern char __kernel_start[], _end[];

uintptr_t heap_start, heap_limit;

static const char *const type_name[] = {
	"?", "ram", "reserved", "acpi", "nvs", "bad",
};

void mem_init(void)
{
	uintptr_t start = ((uintptr_t)_end + 4095) & ~(uintptr_t)4095;

	for (int i = 0; i < bootinfo.nregions; i++) {
		const struct mmap_region *r = &bootinfo.region[i];
		uint64_t end = r->base + r->len;

		printf("mem: 0x%010llx-0x%010llx %s\n", (unsigned long long)r->base,
		       (unsigned long long)end - 1,
		       r->type <= MMAP_BAD ? type_name[r->type] : "?");
		if (r->type == MMAP_RAM && r->base <= start && start < end) {
			heap_start = start;
			heap_limit = end - start > HEAP_MAX ? start + HEAP_MAX : end;
		}
	}
	if (!heap_start)
		panic("no usable RAM after the kernel image");
	printf("mem: %llu MiB usable, kernel %#lx-%#lx, heap %lu KiB\n",
	       (unsigned long long)(bootinfo.ram_bytes >> 20),
	       (unsigned long)(uintptr_t)__kernel_start, (unsigned long)start,
	       (unsigned long)((heap_limit - heap_start) >> 10));
}

void mem_map_uncached(uint64_t phys, uint64_t len)
{
	if (phys + len > 2048 * PAGE_2M)
		panic("mem_map_uncached: address above the 4 GiB identity map");
	for (uint64_t a = phys & ~(PAGE_2M - 1); a < phys + len; a += PAGE_2M) {
		boot_pd[a / PAGE_2M] |= PTE_PCD | PTE_PWT;
		invlpg((uintptr_t)a);
	}
}
