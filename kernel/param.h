/*
 * kernel/param.h - the kernel's fixed limits, in one place.
 * Included by assembly too, so plain #defines only.
 */
#ifndef PARAM_H
#define PARAM_H

#define KERNEL_VERSION		"0.1"

#define BOOT_STACK_SIZE		(64 * 1024)	/* kmain's stack */
#define IST_STACK_SIZE		(16 * 1024)	/* each interrupt stack */
#define HEAP_MAX		(32 * 1024 * 1024) /* newlib's malloc arena, at most */

#define GDT_KCODE		0x08
#define GDT_KDATA		0x10
#define GDT_TSS			0x18

/* Interrupt vectors (kernel/trap.c). */
#define VEC_PIC_BASE		0x20	/* 8259 remapped here, all masked */
#define VEC_IRQ_BASE		0x30	/* device interrupts: IOAPIC lines and MSI-X vectors */
#define VEC_IRQ_COUNT		16
#define VEC_TIMER		0x40	/* LAPIC timer: the wake-up of idle_wait_us */
#define VEC_SPURIOUS		0xFF	/* LAPIC spurious-interrupt vector */

#define CMDLINE_MAX		512	/* bytes of command line kept */
#define MMAP_MAX		32	/* memory-map entries kept */

#endif
