/*
 * kernel/ksyms.c - a function's name from its address, for the tracer:
 * a binary search of the table the build generates (kernel/ksyms.h).
 */
#include <stddef.h>

#include "kernel/ksyms.h"

const char *ksym_name(uintptr_t addr)
{
	unsigned lo = 0, hi = ksyms_count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (ksyms[mid].addr == addr)
			return ksyms[mid].name;
		if (ksyms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
