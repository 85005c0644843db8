/*
 * tests/unit/test_lat.c - host unit tests (cmocka) for the "@lat" lines,
 * kernel/lat.c on kernel/hist.c (lab 6): every stage with samples gets one
 * line, its count is right, its percentiles are in order and within the
 * histogram's 3.1 % of the exact ones, x_floor is p50 over the floor's p50,
 * stages without samples are not printed, and a frame's stamp points give
 * to_irq and reclaim, or polled, by whether the interrupt is running.
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
#include "kernel/x86.h"		/* the shim: rdtsc */

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

/* Busy for ticks of the real TSC (the shim's rdtsc). */
static void spin(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		;
}

/*
 * The stamp points of two datagrams: one reclaimed inside the NIC's
 * interrupt gives to_irq and reclaim; one reclaimed by the sender after
 * the interrupt has ended gives polled.
 */
static void test_interrupt_stages(void **state)
{
	char *out;

	(void)state;
	lat_stamp_hit(LAT_AT_POSTED, 1);
	lat_stamp_hit(LAT_AT_KICK, 0);
	lat_stamp_hit(LAT_AT_KICKED, 0);
	spin(20000);
	lat_stamp_hit(LAT_AT_IRQ, 0);
	spin(20000);
	lat_stamp_hit(LAT_AT_DONE, 1);
	lat_stamp_hit(LAT_AT_IRQ_END, 0);
	lat_stamp_hit(LAT_AT_POSTED, 2);
	lat_stamp_hit(LAT_AT_KICKED, 0);
	lat_stamp_hit(LAT_AT_DONE, 2);
	out = printed();
	assert_int_equal(field(out, "to_irq", "n"), 1);
	assert_true(field(out, "to_irq", "p50_ns") >= 20000 * 97 / 100);
	assert_int_equal(field(out, "reclaim", "n"), 1);
	assert_true(field(out, "reclaim", "p50_ns") >= 20000 * 97 / 100);
	assert_int_equal(field(out, "polled", "n"), 1);
	free(out);
}

int main(void)
{
	const struct CMUnitTest lat[] = {
		cmocka_unit_test_setup(test_percentiles_in_order_and_close, setup),
		cmocka_unit_test_setup(test_only_stages_with_samples, setup),
		cmocka_unit_test_setup(test_x_floor_against_floor_xmit, setup),
		cmocka_unit_test_setup(test_interrupt_stages, setup),
	};

	return cmocka_run_group_tests(lat, NULL, NULL);
}
