/*
 * kernel/mem.h - physical memory: the heap's bounds and page attributes.
 */
#ifndef MEM_H
#define MEM_H

#include <stdint.h>

/* Place the heap after the kernel, inside the RAM region that holds it. */
void mem_init(void);

/* The boot page tables map [0, MEM_IDENTITY_TOP) one to one. */
#define MEM_IDENTITY_TOP	(4ULL << 30)

/* Mark [phys, phys + len) uncached (PCD | PWT) in the identity map. */
void mem_map_uncached(uint64_t phys, uint64_t len);

/*
 * Unmap the 4 KiB page at page (page-aligned, in the identity map) so that
 * a stack growing into it faults instead of overwriting what lies below;
 * name is the stack's, for the report.
 */
void mem_guard(void *page, const char *name);

/* The name given to the guard page that holds addr, or NULL. */
const char *mem_guard_at(uint64_t addr);

/* The heap, for _sbrk: [heap_start, heap_limit). */
extern uintptr_t heap_start, heap_limit;

#endif
