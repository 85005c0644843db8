/*
 * tests/unit/shim/kernel/x86.h - stands in for kernel/x86.h in the host
 * unit tests (test_net): a user process cannot cli or sti, and on the
 * host there is no interrupt handler to keep out, so interrupt control is
 * a no-op.  Found before the real header because the test's compile puts
 * -Itests/unit/shim ahead of -I.
 */
#ifndef X86_H
#define X86_H

#include <stdint.h>

static inline void cpu_relax(void)
{
}

static inline void irq_enable(void)
{
}

static inline void irq_disable(void)
{
}

static inline uint64_t irq_save(void)
{
	return 0;
}

static inline void irq_restore(uint64_t flags)
{
	(void)flags;
}

/* rdtsc runs in user mode too. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

#endif
