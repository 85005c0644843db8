/*
 * net/checksum.c - the Internet checksum, RFC 1071.
 *
 * The one's-complement sum does not care about byte order as long as it is
 * consistent (RFC 1071, 2(B)), so the words are added eight bytes at a time
 * in the CPU's little-endian order and the folded result is swapped once.
 * A piece that starts at an odd offset of the datagram has its bytes in
 * the other halves of the 16-bit words: its sum is swapped before adding.
 */
#include <string.h>

#include "net/checksum.h"

static uint64_t fold32(uint64_t s)
{
	while (s >> 32)
		s = (s & 0xFFFFFFFF) + (s >> 32);
	return s;
}

/* Little-endian 16-bit words of p, summed; an odd last byte is a low byte. */
static uint64_t sum_le(const uint8_t *p, size_t n)
{
	uint64_t s = 0;

	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		s += (w & 0xFFFFFFFF) + (w >> 32);
	}
	for (; n >= 2; p += 2, n -= 2)
		s += (uint64_t)p[0] | (uint64_t)p[1] << 8;
	if (n)
		s += p[0];
	return fold32(s);
}

static uint16_t swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

void csum_add(struct csum *c, const void *data, size_t len)
{
	uint16_t s = csum_fold16(sum_le(data, len));

	/* Even offset: LE sum, swapped to BE.  Odd offset: roles swap back. */
	c->sum += (c->len & 1) ? s : swap16(s);
	c->len += len;
}

uint16_t csum_buf(const void *data, size_t len)
{
	struct csum c;

	csum_init(&c);
	csum_add(&c, data, len);
	return csum_finish(&c);
}
