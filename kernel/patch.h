/*
 * kernel/patch.h - rewriting five bytes of the kernel's own code at run
 * time.  The instruments use it: the function tracer (kernel/ftrace.c) and
 * the stage stamps (kernel/lat.h) leave a 5-byte nop in the code they
 * watch, and turn it into a call or a jump only while they are switched on.
 *
 * One CPU, so the rules are short (Intel SDM vol. 3, 8.1.3, "Handling
 * self- and cross-modifying code"): change the bytes with interrupts off,
 * so that nothing runs them half-written, then execute a serializing
 * instruction (CPUID) before running them, so that no stale prefetched
 * copy is used.  The kernel's text is writable: boot/boot.S maps the low
 * 4 GiB read-write.
 */
#ifndef PATCH_H
#define PATCH_H

#include <stdint.h>

#define PATCH_LEN	5	/* a nopl, a call rel32 or a jmp rel32 */

/*
 * Turn the 5-byte nop at site into "call target" or "jmp target", or the
 * call or jump back into the nop.  Each checks what is there first and
 * returns -1, changing nothing, if it is not the instruction it expects.
 * Interrupts must be off; call patch_sync() after the last one.
 */
int patch_nop_to_call(uint8_t *site, const void *target);
int patch_nop_to_jmp(uint8_t *site, const void *target);
int patch_to_nop(uint8_t *site, const void *target);

/* Serialize: the CPU fetches the patched bytes from here on. */
void patch_sync(void);

#endif
