/*
 * tests/unit/test_lat.c - host unit tests (cmocka) for the "@lat" lines,
 * kernel/lat.c on kernel/hist.c (lab 6): every stage with samples gets one
 * line, its count is right, its percentiles are in order and within the
 * histogram's 3.1 % of the exact ones, x_floor is p50 over the floor's p50,
 * and stages without samples are not printed.
 */
#define _GNU_SOURCE		/* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/lat.h"

uint64_t tsc_hz = 1000000000;

/* 1 GHz: a cycle is a nanosecond, so both columns must agree. */
uint64_t tsc_to_ns(uint64_t ticks)
{
	return ticks;
}

/* lat_print's lines, as a string. */
static char *printed(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *saved = stdout;

	stdout = open_memstream(&buf, &len);
	lat_print();
	fclose(stdout);
	stdout = saved;
	return buf;
}

/* The value of key= on the line of stage, or -1. */
static long long field(const char *text, const char *stage, const char *key)
{
	char head[64], pat[32];
	const char *line, *p;

	snprintf(head, sizeof(head), "@lat stage=%s ", stage);
	if (!(line = strstr(text, head)))
		return -1;
	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p || (strchr(line, '\n') && p > strchr(line, '\n')))
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

static int setup(void **state)
{
	(void)state;
	lat_init(0);
	return 0;
}

static void test_percentiles_in_order_and_close(void **state)
{
	char *out;

	(void)state;
	for (uint64_t v = 1; v <= 1000; v++)
		lat_add(LAT_CALL, v * 10);		/* 10 .. 10000 ns */
	out = printed();
	assert_int_equal(field(out, "call", "n"), 1000);
	assert_true(field(out, "call", "p50_ns") <= field(out, "call", "p90_ns"));
	assert_true(field(out, "call", "p90_ns") <= field(out, "call", "p99_ns"));
	assert_true(field(out, "call", "p99_ns") <= field(out, "call", "p999_ns"));
	assert_true(field(out, "call", "p999_ns") <= field(out, "call", "max_ns"));
	assert_int_equal(field(out, "call", "max_ns"), 10000);
	assert_in_range(field(out, "call", "p50_ns"), 5000, 5000 * 1031 / 1000);
	assert_in_range(field(out, "call", "p99_ns"), 9900, 9900 * 1031 / 1000);
	assert_int_equal(field(out, "call", "p50_ns"), field(out, "call", "p50_cyc"));
	free(out);
}

static void test_only_stages_with_samples(void **state)
{
	char *out;

	(void)state;
	lat_add(LAT_FLOOR_TAIL, 100);
	out = printed();
	assert_non_null(strstr(out, "@lat stage=floor_tail "));
	assert_null(strstr(out, "stage=call"));
	assert_null(strstr(out, "stage=tail "));
	free(out);
}

static void test_x_floor_against_floor_xmit(void **state)
{
	char *out;

	(void)state;
	for (int i = 0; i < 100; i++) {
		lat_add(LAT_CALL, 3000);
		lat_add(LAT_FLOOR_XMIT, 2000);
		lat_add(LAT_FLOOR_TAIL, 100);
	}
	out = printed();
	assert_non_null(strstr(out, "stage=call ") ? strstr(strstr(out, "stage=call "),
							     "x_floor=1.50") : NULL);
	assert_non_null(strstr(strstr(out, "stage=floor_xmit "), "x_floor=1.00"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest lat[] = {
		cmocka_unit_test_setup(test_percentiles_in_order_and_close, setup),
		cmocka_unit_test_setup(test_only_stages_with_samples, setup),
		cmocka_unit_test_setup(test_x_floor_against_floor_xmit, setup),
	};

	return cmocka_run_group_tests(lat, NULL, NULL);
}
