/*
 * kernel/exit.c - the end of every run: the exit code to QEMU's
 * isa-debug-exit device (docs/interface.md, "Exit codes"), or a halt where
 * there is none; and panic, for the few things the kernel cannot go on
 * after.  Every layer may call these; they call only the console.
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/x86.h"

#define DEBUG_EXIT_PORT	0xF4	/* QEMU -device isa-debug-exit,iobase=0xf4 */

void kernel_exit(enum exit_code code)
{
	irq_disable();
	outl(DEBUG_EXIT_PORT, (uint32_t)code);
	/* No isa-debug-exit device: stay here, quietly. */
	for (;;)
		__asm__ volatile("hlt");
}

/*
 * Not traced: under the tracer its own return address would be the
 * tracer's trampoline, not the caller it reports.
 */
__attribute__((no_instrument_function)) void panic(const char *msg)
{
	irq_disable();
	console_puts("\n@panic ");
	console_puts(msg);
	console_puts(" (called from 0x");
	console_put_hex((uint64_t)(uintptr_t)__builtin_return_address(0), 16);
	console_puts(")\n");
	kernel_exit(EXIT_PANIC);
}
