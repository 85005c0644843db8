/*
 * net/checksum.h - the Internet checksum (RFC 1071), over one buffer or
 * over several pieces of one datagram (a received UDP datagram: its
 * pseudo-header, then its header and data).
 */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

struct csum {
	uint64_t sum;		/* 16-bit big-endian words, not yet folded */
	size_t len;		/* bytes so far: an odd length shifts the next piece */
};

static inline void csum_init(struct csum *c)
{
	c->sum = 0;
	c->len = 0;
}

void csum_add(struct csum *c, const void *data, size_t len);

/*
 * Add a sum of 16-bit words computed as numbers (a header's fields, in
 * host order), at an even offset of the datagram: the pseudo-header of
 * UDP, or an IPv4 header built from known values.
 */
static inline void csum_add_words(struct csum *c, uint64_t words)
{
	c->sum += words;
}

/* The end-around carry: a sum folded to 16 bits. */
static inline uint16_t csum_fold16(uint64_t s)
{
	s = (s & 0xFFFFFFFF) + (s >> 32);
	s = (s & 0xFFFFFFFF) + (s >> 32);
	s = (s & 0xFFFF) + (s >> 16);
	s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)s;
}

/* Fold to 16 bits and complement: the value to put in a header. */
static inline uint16_t csum_finish(const struct csum *c)
{
	return (uint16_t)~csum_fold16(c->sum);
}

/* Fold to 16 bits, not complemented: a partial sum for a NIC to finish. */
static inline uint16_t csum_fold(const struct csum *c)
{
	return csum_fold16(c->sum);
}

/* The checksum of one buffer; 0 when a buffer holding its checksum is intact. */
uint16_t csum_buf(const void *data, size_t len);

#endif
