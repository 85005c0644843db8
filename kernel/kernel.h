/*
 * kernel/kernel.h - what every part of the kernel may call: exit codes,
 * exit, panic.
 */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdint.h>

/* Exit codes written to the isa-debug-exit port (docs/interface.md). */
enum exit_code {
	EXIT_OK		= 0,	/* every datagram completed */
	EXIT_FAILED	= 1,	/* finished, but some datagrams failed */
	EXIT_CMDLINE	= 2,	/* bad command line */
	EXIT_NO_NIC	= 3,	/* no supported NIC */
	EXIT_PANIC	= 4,	/* CPU exception or panic */
};

/* Leave QEMU with status 2 * code + 1; halt forever where the port is absent. */
__attribute__((noreturn)) void kernel_exit(enum exit_code code);

/* Print "@panic MSG" and the caller's address, then exit with EXIT_PANIC. */
__attribute__((noreturn)) void panic(const char *msg);

#endif
