/*
 * kernel/ftrace.h - a function-graph tracer, made the way Linux's dynamic
 * ftrace is.
 *
 * The traced files (the Makefile's TRACED list) are built with gcc's
 * -pg -mfentry -mnop-mcount -mrecord-mcount: every function that is really
 * called (not inlined) begins with a 5-byte nop, and the section
 * __mcount_loc lists where each nop is.  While nothing is traced, that nop
 * is all the tracer costs.  ftrace_start() patches every nop into a call to
 * ftrace_caller (kernel/ftrace_entry.S), which records the function's entry
 * and swaps its return address for ftrace_return (the idea of Linux's
 * return_to_handler), so that its exit is recorded too; ftrace_stop()
 * patches the nops back.  Names come from a symbol table linked into the
 * kernel (build/ksyms.c, made from the kernel's own symbols by the
 * Makefile).
 */
#ifndef FTRACE_H
#define FTRACE_H

#define FTRACE_MAX_EVENTS	2048
#define FTRACE_MAX_DEPTH	64	/* nested traced calls followed at once */

/*
 * Patch the calls in, and record nothing yet.  Under QEMU's TCG the first
 * run of patched code pays for its translation afresh (tens of us a
 * function); running the traced path once this way first keeps that out
 * of the trace.
 */
void ftrace_patch_in(void);

/* Patch the calls in if they are not, and record. */
void ftrace_start(void);

/* Stop recording and patch the nops back. */
void ftrace_stop(void);

/* How many functions can be traced: the nops in __mcount_loc. */
unsigned ftrace_sites(void);

/* Print what was recorded: the function_graph text, then "@json " lines. */
void ftrace_print(void);

/* "@tracecost": what a traced call costs, not patched and patched. */
void ftrace_measure_cost(void);

#endif
