/*
 * tests/unit/test_checksum.c - host unit tests (cmocka) for the Internet
 * checksum, net/checksum.c.
 *
 * The reference is RFC 1071 written the slow way: bytes taken in pairs as
 * big-endian 16-bit words, an odd last byte as the high half of a word,
 * carries folded back in, the sum complemented.  csum_buf, and csum_add
 * over the same bytes cut into pieces at odd and even boundaries, must
 * agree with it for every length 0..200 and some large ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/checksum.h"

#define BIG_LEN		70000	/* more than 64 KiB: the sum carries many times */

/* ---- Helpers ------------------------------------------------------------ */

static uint8_t big[BIG_LEN];

/* RFC 1071, 4.1, in C that a student can check by hand. */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A repeatable pseudo-random stream (xorshift32), so failures reproduce. */
static uint32_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void fill_random(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

/* The checksum of p[0..len) fed to csum_add in random pieces (some empty). */
static uint16_t csum_pieces(const uint8_t *p, size_t len)
{
	struct csum c;
	size_t off = 0;

	csum_init(&c);
	while (off < len) {
		size_t n = rnd() % 9;	/* 0..8: odd and even cuts, empty pieces */

		if (rnd() % 8 == 0)
			n = rnd() % 300;
		if (n > len - off)
			n = len - off;
		csum_add(&c, p + off, n);
		off += n;
	}
	assert_int_equal(c.len, len);
	return csum_finish(&c);
}

static void check_len(const uint8_t *p, size_t len)
{
	uint16_t want = ref_csum(p, len);

	if (csum_buf(p, len) != want)
		fail_msg("csum_buf, %zu bytes: 0x%04x, expected 0x%04x", len,
			 csum_buf(p, len), want);
	for (int split = 0; split < 4; split++) {
		uint16_t got = csum_pieces(p, len);

		if (got != want)
			fail_msg("csum_add pieces, %zu bytes: 0x%04x, expected 0x%04x",
				 len, got, want);
	}
}

/* ---- Tests -------------------------------------------------------------- */

/* RFC 1071, 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2; the checksum is 220d. */
static void test_rfc1071_example(void **state)
{
	static const uint8_t ex[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	struct csum c;

	(void)state;
	assert_int_equal(ref_csum(ex, 8), 0x220d);
	assert_int_equal(csum_buf(ex, 8), 0x220d);
	csum_init(&c);
	csum_add(&c, ex, 3);		/* an odd cut */
	csum_add(&c, ex + 3, 5);
	assert_int_equal(csum_finish(&c), 0x220d);
	assert_int_equal(csum_fold(&c), 0xddf2);	/* the sum itself, for a NIC */
}

static void test_empty(void **state)
{
	struct csum c;

	(void)state;
	assert_int_equal(csum_buf(NULL, 0), 0xFFFF);
	csum_init(&c);
	assert_int_equal(csum_finish(&c), 0xFFFF);
}

static void test_random_every_length(void **state)
{
	uint8_t buf[201];

	(void)state;
	rng_state = 0x12345678;
	for (size_t len = 0; len <= 200; len++) {
		for (int round = 0; round < 8; round++) {
			fill_random(buf, len);
			check_len(buf, len);
		}
	}
}

/* Every start alignment: the 8-byte loop must not care where it begins. */
static void test_unaligned_starts(void **state)
{
	(void)state;
	rng_state = 0xC0FFEE;
	fill_random(big, 512);
	for (size_t start = 0; start < 16; start++)
		for (size_t len = 0; len < 100; len += 7)
			check_len(big + start, len);
}

static void test_large(void **state)
{
	static const size_t lens[] = { 1472, 1480, 1499, 1500, 4096, 65535, BIG_LEN };

	(void)state;
	rng_state = 0xBADC0DE;
	fill_random(big, BIG_LEN);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		check_len(big, lens[i]);
}

/* All 0xFF: the largest words, the most carries. */
static void test_all_ones(void **state)
{
	(void)state;
	memset(big, 0xFF, BIG_LEN);
	rng_state = 7;
	for (size_t len = 0; len < 64; len++)
		check_len(big, len);
	check_len(big, BIG_LEN);
	check_len(big, BIG_LEN - 1);
}

/* A buffer that carries its own checksum (at an even offset) verifies to 0. */
static void test_verify_to_zero(void **state)
{
	uint8_t buf[202];

	(void)state;
	rng_state = 0xFEED;
	for (size_t len = 2; len <= 200; len += 2) {
		size_t at = (rnd() % (len / 2)) * 2;
		uint16_t sum;

		fill_random(buf, len);
		buf[at] = buf[at + 1] = 0;
		sum = csum_buf(buf, len);
		buf[at] = (uint8_t)(sum >> 8);
		buf[at + 1] = (uint8_t)sum;
		assert_int_equal(csum_buf(buf, len), 0);
		assert_int_equal(csum_pieces(buf, len), 0);
		buf[len / 2] ^= 0x10;	/* one flipped bit is noticed */
		assert_int_not_equal(csum_buf(buf, len), 0);
	}
}

int main(void)
{
	const struct CMUnitTest checksum[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_random_every_length),
		cmocka_unit_test(test_unaligned_starts),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_all_ones),
		cmocka_unit_test(test_verify_to_zero),
	};

	return cmocka_run_group_tests_name("checksum", checksum, NULL, NULL);
}
