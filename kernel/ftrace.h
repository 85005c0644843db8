/*
 * kernel/ftrace.h - a function-graph tracer for the send path.
 *
 * The send path's files (net/, drivers/e1000*.c, kernel/trap.c) are built
 * with gcc's -finstrument-functions: every function calls
 * __cyg_profile_func_enter and _exit.  While the tracer is armed these
 * record (TSC, function); otherwise they return at once.  Names come from
 * a symbol table linked into the kernel (build/ksyms.c, made from the
 * kernel's own symbols by the Makefile).
 */
#ifndef FTRACE_H
#define FTRACE_H

#define FTRACE_MAX_EVENTS	2048

void ftrace_start(void);
void ftrace_stop(void);

/* Print what was recorded: the function_graph text, then "@json " lines. */
void ftrace_print(void);

/* What one entry/exit pair costs, armed and not (cycles), for the report. */
void ftrace_measure_cost(void);

#endif
