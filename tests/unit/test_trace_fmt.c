/*
 * tests/unit/test_trace_fmt.c - host unit tests (cmocka) for the
 * function_graph and JSON formatters of kernel/trace_fmt.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/trace_fmt.h"

static char out[64][256];
static int nout;

static void collect(void *arg, const char *line)
{
	(void)arg;
	snprintf(out[nout++], sizeof(out[0]), "%s", line);
}

static void run(const struct trace_event *ev, unsigned n)
{
	nout = 0;
	trace_fmt_graph(ev, n, collect, NULL);
}

static void test_duration_column_and_markers(void **state)
{
	static const struct { uint64_t ns; const char *want; } c[] = {
		{ 3947, "   3.947 us    " },
		{ 10000, "   10.000 us   " },		/* not above 10 us: no marker */
		{ 73907, " + 73.907 us   " },
		{ 194934, " ! 194.934 us  " },
		{ 1782212, " # 1782.212 us " },
		{ 20000000, " * 20000.000 us" },
		{ 200000000, " @ 200000.000 us" },
	};
	char d[16];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		trace_fmt_duration(d, c[i].ns);
		assert_int_equal(strlen(d), 15);
		assert_memory_equal(d, c[i].want, 15);
	}
}

/* sendmsg { prepare(); post { tx_post(); } }: Linux's layout, line for line. */
static void test_graph_nesting_leaves_and_totals(void **state)
{
	const struct trace_event ev[] = {
		{ 0, "sendmsg", 0 }, { 100, "prepare", 0 }, { 1100, "prepare", 1 },
		{ 2000, "post", 0 }, { 2500, "tx_post", 0 }, { 14500, "tx_post", 1 },
		{ 15000, "post", 1 }, { 16000, "sendmsg", 1 },
	};

	(void)state;
	run(ev, 8);
	assert_int_equal(nout, 4 + 6);
	assert_string_equal(out[0], "# tracer: function_graph");
	assert_string_equal(out[2], "# CPU  DURATION                  FUNCTION CALLS");
	assert_string_equal(out[4], " 0)               |  sendmsg() {");
	assert_string_equal(out[5], " 0)   1.000 us    |    prepare();");
	assert_string_equal(out[6], " 0)               |    post() {");
	assert_string_equal(out[7], " 0) + 12.000 us   |      tx_post();");
	assert_string_equal(out[8], " 0) + 13.000 us   |    } /* post */");
	assert_string_equal(out[9], " 0) + 16.000 us   |  } /* sendmsg */");
}

/* An exit before any entry is dropped; an unfinished entry is closed. */
static void test_unbalanced_input_stays_balanced(void **state)
{
	const struct trace_event ev[] = {
		{ 0, "idle", 1 }, { 10, "intr", 0 }, { 20, "reclaim", 0 },
		{ 30, "reclaim", 1 }, { 50, "x", 0 },
	};
	int open = 0;

	(void)state;
	run(ev, 5);
	for (int i = 4; i < nout; i++) {
		open += strstr(out[i], "{") != NULL;
		open -= strstr(out[i], "}") != NULL;
		assert_null(strstr(out[i], "idle"));
	}
	assert_int_equal(open, 0);
	assert_non_null(strstr(out[nout - 1], "intr (unfinished)"));
}

static void test_json_events(void **state)
{
	const struct trace_event ev[] = { { 1500, "a", 0 }, { 2750, "a", 1 } };

	(void)state;
	nout = 0;
	trace_fmt_json(ev, 2, collect, NULL);
	assert_int_equal(nout, 4);
	assert_string_equal(out[0], "{\"traceEvents\":[");
	assert_string_equal(out[1], "{\"name\":\"a\",\"cat\":\"send\",\"ph\":\"B\",\"ts\":1.500,"
			    "\"pid\":1,\"tid\":1},");
	assert_string_equal(out[2], "{\"name\":\"a\",\"cat\":\"send\",\"ph\":\"E\",\"ts\":2.750,"
			    "\"pid\":1,\"tid\":1}");
	assert_string_equal(out[3], "],\"displayTimeUnit\":\"ns\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_column_and_markers),
		cmocka_unit_test(test_graph_nesting_leaves_and_totals),
		cmocka_unit_test(test_unbalanced_input_stays_balanced),
		cmocka_unit_test(test_json_events),
	};

	return cmocka_run_group_tests_name("trace_fmt", tests, NULL, NULL);
}
