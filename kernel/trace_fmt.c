/*
 * kernel/trace_fmt.c - function_graph text and Chrome JSON; see trace_fmt.h.
 *
 * The text follows Linux's kernel/trace/trace_functions_graph.c output
 * (with funcgraph-tail): CPU column " 0) ", a 15-character DURATION
 * column with a marker (' ' below 10 us, '+' above, '!' above 100 us, '#'
 * above 1 ms, '*' above 10 ms, '@' above 100 ms, '$' above 1 s), then "|",
 * two spaces, and two more per level of nesting.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/trace_fmt.h"

#define MAX_DEPTH	64
#define TRACE_LINE_MAX	256

static char marker(uint64_t ns)
{
	static const struct { uint64_t above; char mark; } m[] = {
		{ 1000000000, '$' }, { 100000000, '@' }, { 10000000, '*' },
		{ 1000000, '#' }, { 100000, '!' }, { 10000, '+' },
	};

	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (ns > m[i].above)
			return m[i].mark;
	return ' ';
}

/*
 * trace_fmt.h: the DURATION column, Linux's marker first.
 * [lab 6.3]
 */
void trace_fmt_duration(char out[16], uint64_t ns)
{
	int n = snprintf(out, 16, " %c %llu.%03llu us", marker(ns),
			 (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));

	while (n < 15)
		out[n++] = ' ';
	out[15] = '\0';
}

static void line(trace_out_t out, void *arg, const char *dur, int depth, const char *text,
		 const char *name, const char *tail)
{
	char buf[TRACE_LINE_MAX];

	snprintf(buf, sizeof(buf), " 0)%s|  %*s%s%s%s", dur, 2 * depth, "", text, name, tail);
	out(arg, buf);
}

/* A call with nothing traced inside: its exit is the very next event. */
static int is_leaf(const struct trace_event *ev, unsigned n, unsigned i)
{
	return i + 1 < n && ev[i + 1].exit && strcmp(ev[i + 1].name, ev[i].name) == 0;
}

/*
 * trace_fmt.h: the function_graph text, line by line.
 * [lab 6.3]
 */
void trace_fmt_graph(const struct trace_event *ev, unsigned n, trace_out_t out, void *arg)
{
	struct { const char *name; uint64_t ns; } open[MAX_DEPTH];
	static const char blank[] = "               ";
	char dur[16];
	int depth = 0;

	out(arg, "# tracer: function_graph");
	out(arg, "#");
	out(arg, "# CPU  DURATION                  FUNCTION CALLS");
	out(arg, "# |     |   |                     |   |   |   |");
	for (unsigned i = 0; i < n; i++) {
		if (ev[i].exit) {
			if (depth == 0)
				continue;	/* began before the trace */
			depth--;
			trace_fmt_duration(dur, ev[i].ns - open[depth].ns);
			line(out, arg, dur, depth, "} /* ", open[depth].name, " */");
		} else if (is_leaf(ev, n, i)) {
			trace_fmt_duration(dur, ev[i + 1].ns - ev[i].ns);
			line(out, arg, dur, depth, "", ev[i].name, "();");
			i++;
		} else if (depth < MAX_DEPTH) {
			line(out, arg, blank, depth, "", ev[i].name, "() {");
			open[depth].name = ev[i].name;
			open[depth++].ns = ev[i].ns;
		}
	}
	while (depth > 0) {		/* still running when the trace stopped */
		depth--;
		trace_fmt_duration(dur, ev[n - 1].ns - open[depth].ns);
		line(out, arg, dur, depth, "} /* ", open[depth].name, " (unfinished) */");
	}
}

/*
 * trace_fmt.h: the Chrome trace-event JSON, one "B" or "E" event a line.
 * [lab 6.3]
 */
void trace_fmt_json(const struct trace_event *ev, unsigned n, trace_out_t out, void *arg)
{
	char buf[TRACE_LINE_MAX];

	out(arg, "{\"traceEvents\":[");
	for (unsigned i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"name\":\"%s\",\"cat\":\"send\",\"ph\":\"%s\",\"ts\":%llu.%03llu,"
			 "\"pid\":1,\"tid\":1}%s", ev[i].name, ev[i].exit ? "E" : "B",
			 (unsigned long long)(ev[i].ns / 1000),
			 (unsigned long long)(ev[i].ns % 1000), i + 1 < n ? "," : "");
		out(arg, buf);
	}
	out(arg, "],\"displayTimeUnit\":\"ns\"}");
}
