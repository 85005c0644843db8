/*
 * kernel/hist.h - log-linear histograms of TSC cycle counts, in the manner
 * of HdrHistogram: exact below 2^HIST_SUB_BITS, then 2^HIST_SUB_BITS
 * buckets for every power of two.  A value is reported as the highest
 * value of its bucket, so the relative error is below 2^-HIST_SUB_BITS
 * (3.1 %); memory is fixed (HIST_BUCKETS counters), whatever the range.
 *
 * Pure integer code: safe in the interrupt handler, and tested on the host
 * (tests/unit/test_hist.c).
 */
#ifndef HIST_H
#define HIST_H

#include <stdint.h>

#define HIST_SUB_BITS	5
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_BUCKETS	(HIST_SUB * (64 - HIST_SUB_BITS + 1))

struct hist {
	uint64_t n;
	uint64_t min, max;
	uint32_t count[HIST_BUCKETS];
};

void hist_reset(struct hist *h);
void hist_add(struct hist *h, uint64_t v);

/* The bucket of v, and the highest value that falls into bucket b. */
unsigned hist_bucket(uint64_t v);
uint64_t hist_bucket_high(unsigned b);

/*
 * The value at quantile num/den (e.g. 999/1000), nearest rank: the
 * smallest bucket high edge with at least ceil(n * num / den) values at or
 * below it, clamped to the observed max.  0 for an empty histogram.
 */
uint64_t hist_quantile(const struct hist *h, uint64_t num, uint64_t den);

#endif
