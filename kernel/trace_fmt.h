/*
 * kernel/trace_fmt.h - format a list of function entry/exit events as
 * Linux's function_graph tracer prints them (so our trace can be laid
 * beside Linux's line by line), and as Chrome trace-event JSON (which
 * Perfetto and chrome://tracing open).
 *
 * Pure code, no kernel dependencies: tested on the host
 * (tests/unit/test_trace_fmt.c).
 */
#ifndef TRACE_FMT_H
#define TRACE_FMT_H

#include <stdint.h>

struct trace_event {
	uint64_t ns;		/* time, from any origin */
	const char *name;	/* function */
	int exit;		/* 0: entry, 1: exit */
};

/* Receives one finished line, without the newline. */
typedef void (*trace_out_t)(void *arg, const char *line);

/*
 * The function_graph text: header, then "f() {", "f();" for a call with
 * no traced calls inside, and "} /" "* f *" "/" with the total.  An exit
 * with no entry (the trace began inside it) is left out; an entry with no
 * exit (it ended inside it) is closed at the last event's time.
 */
void trace_fmt_graph(const struct trace_event *ev, unsigned n, trace_out_t out, void *arg);

/* {"traceEvents":[...]} with one "B" or "E" event per entry or exit. */
void trace_fmt_json(const struct trace_event *ev, unsigned n, trace_out_t out, void *arg);

/* The DURATION column: " M N.NNN us" padded or cut to 15; M is Linux's marker. */
void trace_fmt_duration(char out[16], uint64_t ns);

#endif
