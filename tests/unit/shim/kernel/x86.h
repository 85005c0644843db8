/*
 * tests/unit/shim/kernel/x86.h - stands in for kernel/x86.h in the host
 * unit tests that build kernel code with -Itests/unit/shim ahead of -I.: a
 * user process cannot cli or sti, and on the host there is no interrupt
 * handler to keep out, so interrupt control is a no-op.  Port I/O goes to
 * functions the test defines: its model of the device behind the ports
 * (the UART in test_console.c, PCI configuration space in test_pci.c).
 */
#ifndef X86_H
#define X86_H

#include <stdint.h>

void outb(uint16_t port, uint8_t v);
uint8_t inb(uint16_t port);
void outl(uint16_t port, uint32_t v);
uint32_t inl(uint16_t port);

/* Device memory, also the test's model (test_pci.c: ECAM, MSI-X tables). */
uint32_t mmio_read32(uint64_t addr);
void mmio_write32(uint64_t addr, uint32_t v);

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
