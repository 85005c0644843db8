/*
 * kernel/mem.c - the heap's bounds, and the identity map that boot.S built
 * (low 4 GiB, 2 MiB pages): cache attributes, and guard pages under the
 * stacks (their 2 MiB page split into 4 KiB pages).
 */
#include <stdio.h>

#include "kernel/bootinfo.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/param.h"
#include "kernel/x86.h"

#define PAGE_2M		0x200000ULL
#define PAGE_4K		0x1000ULL
#define PTE_P		0x001	/* present */
#define PTE_RW		0x002	/* writable */
#define PTE_PWT		0x008	/* write-through */
#define PTE_PCD		0x010	/* cache disable */
#define PTE_PS		0x080	/* a 2 MiB page (in a page directory entry) */
#define MAX_GUARDS	4

extern uint64_t boot_pd[2048];	/* boot.S: one entry per 2 MiB, 0 to 4 GiB */

/* Page tables for the 2 MiB pages split for guards, and the guards. */
static uint64_t split_pt[MAX_GUARDS][512] __attribute__((aligned(4096)));
static struct {
	uint64_t page;
	const char *name;
} guards[MAX_GUARDS];
static int nsplit, nguards;
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

/* The page table of the 2 MiB page holding a, splitting it first if need be. */
static uint64_t *page_table(uint64_t a)
{
	uint64_t *pde = &boot_pd[a / PAGE_2M], base = a & ~(PAGE_2M - 1);
	uint64_t *pt;

	if (!(*pde & PTE_PS))
		return (uint64_t *)(uintptr_t)(*pde & ~(PAGE_4K - 1));
	if (nsplit == MAX_GUARDS)
		panic("mem_guard: no page table left");
	pt = split_pt[nsplit++];
	for (int i = 0; i < 512; i++)	/* the same memory, same attributes, 4 KiB at a time */
		pt[i] = (base + (uint64_t)i * PAGE_4K) | (*pde & (PTE_P | PTE_RW | PTE_PWT | PTE_PCD));
	*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_RW;
	for (uint64_t p = base; p < base + PAGE_2M; p += PAGE_4K)
		invlpg((uintptr_t)p);
	return pt;
}

void mem_guard(void *page, const char *name)
{
	uint64_t a = (uint64_t)(uintptr_t)page;

	if ((a & (PAGE_4K - 1)) || a >= 2048 * PAGE_2M || nguards == MAX_GUARDS)
		panic("mem_guard: not a page of the identity map, or too many guards");
	page_table(a)[(a % PAGE_2M) / PAGE_4K] &= ~(uint64_t)PTE_P;
	invlpg((uintptr_t)a);
	guards[nguards].page = a;
	guards[nguards++].name = name;
}

const char *mem_guard_at(uint64_t addr)
{
	for (int i = 0; i < nguards; i++)
		if (addr - guards[i].page < PAGE_4K)
			return guards[i].name;
	return NULL;
}

void mem_map_uncached(uint64_t phys, uint64_t len)
{
	if (phys + len > MEM_IDENTITY_TOP)
		panic("mem_map_uncached: address above the 4 GiB identity map");
	for (uint64_t a = phys & ~(PAGE_2M - 1); a < phys + len; a += PAGE_2M) {
		boot_pd[a / PAGE_2M] |= PTE_PCD | PTE_PWT;
		invlpg((uintptr_t)a);
	}
}
