/*
 * kernel/mem.h - physical memory: the heap's bounds and page attributes.
 */
#ifndef MEM_H
#define MEM_H

#include <stdint.h>

/* Place the heap after the kernel, inside the RAM region that holds it. */
void mem_init(void);

/* Mark [phys, phys + len) uncached (PCD | PWT) in the identity map. */
void mem_map_uncached(uint64_t phys, uint64_t len);

/* The heap, for _sbrk: [heap_start, heap_limit). */
extern uintptr_t heap_start, heap_limit;

#endif
