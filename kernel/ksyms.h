/*
 * kernel/ksyms.h - the kernel's function names, for the tracer.  The table
 * is generated at link time (Makefile: a first link, nm, then build/ksyms.c
 * into the final link); text addresses do not move between the two links,
 * because the table lives in .rodata, after .text.
 */
#ifndef KSYMS_H
#define KSYMS_H

#include <stdint.h>

struct ksym {
	uintptr_t addr;
	const char *name;
};

extern const struct ksym ksyms[];	/* sorted by address */
extern const unsigned ksyms_count;

/* The name of the function that starts at addr, or NULL. */
const char *ksym_name(uintptr_t addr);

#endif
