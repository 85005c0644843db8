/*
 * kernel/trap.h - the IDT, exceptions, and the table of interrupt handlers.
 */
#ifndef TRAP_H
#define TRAP_H

#include <stdint.h>

/* What trap_common (vectors.S) pushed, lowest address first. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;		/* the CPU's error code, or 0 */
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*irq_handler_t)(void *arg);

void trap_init(void);

/*
 * Install fn for vector (VEC_IRQ_BASE ...).  It runs with interrupts off on
 * the IRQ stack, SSE state saved; the LAPIC EOI is sent after it returns.
 * It must not call newlib's stdio or malloc (they are not reentrant).
 */
void trap_set_handler(int vector, irq_handler_t fn, void *arg);

#endif
