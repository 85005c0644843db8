/*
 * net/checksum.h - the Internet checksum (RFC 1071), over one buffer or
 * over several pieces of one datagram (the iovecs of a sendmsg).
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

/* Fold to 16 bits and complement: the value to put in a header. */
uint16_t csum_finish(const struct csum *c);

/* Fold to 16 bits, not complemented: a partial sum for a NIC to finish. */
uint16_t csum_fold(const struct csum *c);

/* The checksum of one buffer; 0 when a buffer holding its checksum is intact. */
uint16_t csum_buf(const void *data, size_t len);

#endif
