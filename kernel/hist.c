/*
 * kernel/hist.c - log-linear histograms; see hist.h.
 *
 * Bucket layout: values below HIST_SUB are their own bucket.  A larger
 * value with its highest set bit at position e (e >= HIST_SUB_BITS) keeps
 * its top HIST_SUB_BITS + 1 bits: bucket (e - HIST_SUB_BITS + 1) * HIST_SUB
 * + the HIST_SUB_BITS bits below the top one.
 */
#include <string.h>

#include "kernel/hist.h"

void hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

/*
 * hist.h: the bucket of v: exact below HIST_SUB, then HIST_SUB a power of two.
 * [lab 6.1]
 */
unsigned hist_bucket(uint64_t v)
{
	unsigned e, shift;

	if (v < HIST_SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	shift = e - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB + (unsigned)((v >> shift) - HIST_SUB);
}

/*
 * hist.h: the highest value that falls into bucket b.
 * [lab 6.1]
 */
uint64_t hist_bucket_high(unsigned b)
{
	unsigned shift, sub;

	if (b < HIST_SUB)
		return b;
	shift = b / HIST_SUB - 1;
	sub = b % HIST_SUB;
	/* All values whose top bits are (HIST_SUB + sub), any low bits. */
	return (((uint64_t)(HIST_SUB + sub) + 1) << shift) - 1;
}

/*
 * hist.h: one value into its bucket, the count, the minimum and maximum.
 * [lab 6.1]
 */
void hist_add(struct hist *h, uint64_t v)
{
	h->count[hist_bucket(v)]++;
	h->n++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/*
 * hist.h: the value at quantile num/den, nearest rank.
 * [lab 6.1]
 */
uint64_t hist_quantile(const struct hist *h, uint64_t num, uint64_t den)
{
	uint64_t rank, seen = 0;

	if (h->n == 0)
		return 0;
	rank = (h->n * num + den - 1) / den;	/* ceil: nearest rank */
	if (rank == 0)
		rank = 1;
	for (unsigned b = 0; b < HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank) {
			uint64_t v = hist_bucket_high(b);

			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}
