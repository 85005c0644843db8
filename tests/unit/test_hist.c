/*
 * tests/unit/test_hist.c - host unit tests (cmocka) for the log-linear
 * histograms of kernel/hist.c: bucket edges, the relative-error bound, and
 * quantiles against a sorted array of the same samples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kernel/hist.h"

static struct hist h;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank quantile of a sorted array. */
static uint64_t exact(const uint64_t *v, size_t n, uint64_t num, uint64_t den)
{
	uint64_t rank = (n * num + den - 1) / den;

	return v[(rank ? rank : 1) - 1];
}

static void test_small_values_are_exact(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < HIST_SUB; v++) {
		assert_int_equal(hist_bucket(v), v);
		assert_int_equal(hist_bucket_high(hist_bucket(v)), v);
	}
}

/* Every bucket's high edge maps to it, and one more maps to the next. */
static void test_bucket_edges_are_contiguous(void **state)
{
	(void)state;
	for (unsigned b = 0; b + 1 < HIST_BUCKETS; b++) {
		uint64_t high = hist_bucket_high(b);

		assert_int_equal(hist_bucket(high), b);
		assert_int_equal(hist_bucket(high + 1), b + 1);
	}
	assert_int_equal(hist_bucket(UINT64_MAX), HIST_BUCKETS - 1);
	assert_true(hist_bucket_high(HIST_BUCKETS - 1) == UINT64_MAX);
}

/* A value is reported as at most 1/HIST_SUB above itself. */
static void test_relative_error_bound(void **state)
{
	(void)state;
	srand(1);
	for (int i = 0; i < 100000; i++) {
		uint64_t v = ((uint64_t)rand() << 31 | (uint64_t)rand()) >> (rand() % 60);
		uint64_t high = hist_bucket_high(hist_bucket(v));

		assert_true(high >= v);
		assert_true(high - v <= v / HIST_SUB);
	}
}

static void check_quantiles(uint64_t *v, size_t n)
{
	static const uint64_t q[][2] = { {1, 2}, {9, 10}, {99, 100}, {999, 1000}, {1, 1}, {0, 1} };

	hist_reset(&h);
	for (size_t i = 0; i < n; i++)
		hist_add(&h, v[i]);
	qsort(v, n, sizeof(v[0]), cmp_u64);
	assert_int_equal(h.n, n);
	assert_int_equal(h.min, v[0]);
	assert_int_equal(h.max, v[n - 1]);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint64_t want = exact(v, n, q[i][0], q[i][1]);
		uint64_t got = hist_quantile(&h, q[i][0], q[i][1]);

		assert_true(got >= want);
		assert_true(got - want <= want / HIST_SUB);
	}
}

static void test_quantiles_match_sorted_array(void **state)
{
	static uint64_t v[20000];

	(void)state;
	srand(2);
	for (size_t i = 0; i < 20000; i++)	/* a long tail, like latencies */
		v[i] = 1000 + (uint64_t)rand() % 500 + (rand() % 100 == 0 ? (uint64_t)rand() % 1000000 : 0);
	check_quantiles(v, 20000);
	for (size_t i = 0; i < 7; i++)		/* few samples: nearest rank matters */
		v[i] = 100 * (i + 1);
	check_quantiles(v, 7);
	v[0] = 42;
	check_quantiles(v, 1);
}

static void test_max_is_exact_and_empty_is_zero(void **state)
{
	(void)state;
	hist_reset(&h);
	assert_int_equal(hist_quantile(&h, 1, 2), 0);
	hist_add(&h, 1000001);
	assert_int_equal(hist_quantile(&h, 1, 1), 1000001);	/* clamped to max */
	assert_int_equal(hist_quantile(&h, 1, 2), 1000001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_values_are_exact),
		cmocka_unit_test(test_bucket_edges_are_contiguous),
		cmocka_unit_test(test_relative_error_bound),
		cmocka_unit_test(test_quantiles_match_sorted_array),
		cmocka_unit_test(test_max_is_exact_and_empty_is_zero),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
