/*
 * tests/bench/guest/stats.h - what the guest programs of `make bench`
 * (lsend, dudp) share: the TSC, its frequency, the payload of
 * docs/interface.md, and the "@lat" and "@samples" lines, in the format
 * the unikernel prints (README, "Lines for programs").
 */
#ifndef STATS_H
#define STATS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CALIBRATE_NS	100000000ULL	/* TSC calibration window: 100 ms */
#define MAX_SAMPLES_OUT	2000		/* values on the @samples line */

/* The TSC, after every earlier instruction has completed (lfence). */
static inline uint64_t rdtsc_fenced(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* TSC ticks per second, measured against CLOCK_MONOTONIC by spinning. */
static inline double tsc_hz(void)
{
	uint64_t t0 = mono_ns(), c0 = rdtsc_fenced(), t1, c1;

	do
		t1 = mono_ns();
	while (t1 - t0 < CALIBRATE_NS);
	c1 = rdtsc_fenced();
	return (double)(c1 - c0) * 1e9 / (double)(t1 - t0);
}

/* Datagram seq's payload: seq big-endian, then byte i = (seq + i) & 0xff. */
static inline void fill_payload(uint8_t *p, unsigned size, uint64_t seq)
{
	for (int i = 0; i < 8; i++)
		p[i] = seq >> (56 - 8 * i);
	for (unsigned i = 8; i < size; i++)
		p[i] = (uint8_t)(seq + i);
}

static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least p of all at or below it. */
static inline uint64_t percentile(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)(p * n);

	if ((double)rank < p * n)
		rank++;
	return sorted[rank ? rank - 1 : 0];
}

static inline uint64_t to_ns(uint64_t cyc, double hz)
{
	return (uint64_t)((double)cyc * 1e9 / hz + 0.5);
}

/* "@lat stage=STAGE size= batch= n= p50_ns= ... max_cyc=", from a sorted copy. */
static inline void print_lat(const char *stage, unsigned size, unsigned batch,
			     const uint64_t *cyc, size_t n, double hz)
{
	static const double ps[] = { 0.50, 0.90, 0.99, 0.999 };
	static const char *const names[] = { "p50", "p90", "p99", "p999" };
	uint64_t v[5], *sorted = malloc(n * sizeof(*cyc));

	if (!sorted || n == 0) {
		fprintf(stderr, "print_lat: no samples\n");
		exit(1);
	}
	memcpy(sorted, cyc, n * sizeof(*cyc));
	qsort(sorted, n, sizeof(*sorted), cmp_u64);
	for (int i = 0; i < 4; i++)
		v[i] = percentile(sorted, n, ps[i]);
	v[4] = sorted[n - 1];
	free(sorted);
	printf("@lat stage=%s size=%u batch=%u n=%zu", stage, size, batch, n);
	for (int i = 0; i < 4; i++)
		printf(" %s_ns=%llu", names[i], (unsigned long long)to_ns(v[i], hz));
	printf(" max_ns=%llu", (unsigned long long)to_ns(v[4], hz));
	for (int i = 0; i < 4; i++)
		printf(" %s_cyc=%llu", names[i], (unsigned long long)v[i]);
	printf(" max_cyc=%llu\n", (unsigned long long)v[4]);
}

/* Up to MAX_SAMPLES_OUT samples, evenly spaced, in call order (unsorted). */
static inline void print_samples(unsigned size, const uint64_t *cyc, size_t n, double hz)
{
	size_t step = (n + MAX_SAMPLES_OUT - 1) / MAX_SAMPLES_OUT;

	printf("@samples stage=call size=%u ns=", size);
	for (size_t i = 0; i < n; i += step)
		printf("%s%llu", i ? " " : "", (unsigned long long)to_ns(cyc[i], hz));
	printf("\n");
}

#endif
