/*
 * tests/unit/test_cmdline.c - host unit tests (cmocka) for the kernel
 * command line parser, kernel/cmdline.c (docs/interface.md, "The command
 * line"): the defaults, every key at its range edges, and every kind of
 * bad input with its "KEY: REASON" message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/cmdline.h"

#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* A line that must be rejected: the error starts "key: " and contains word. */
struct bad {
	const char *line;
	const char *key;
	const char *word;
};

static struct config parse_ok(const char *line)
{
	struct config c;
	char err[CMDLINE_ERR_MAX];

	if (cmdline_parse(line, &c, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", line, err);
	return c;
}

static void expect_error(const char *line, const char *key, const char *word)
{
	struct config c;
	char err[CMDLINE_ERR_MAX], prefix[64];

	snprintf(prefix, sizeof(prefix), "%s: ", key);
	if (cmdline_parse(line, &c, err, sizeof(err)) != -1)
		fail_msg("'%s' accepted, expected '%s...'", line, prefix);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("'%s': error '%s' does not start with '%s'", line, err, prefix);
	if (!strstr(err + strlen(prefix), word))
		fail_msg("'%s': error '%s' does not contain '%s'", line, err, word);
}

static void expect_errors(const struct bad *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_error(b[i].line, b[i].key, b[i].word);
}

#define EXPECT_ERRORS(table)	expect_errors(table, sizeof(table) / sizeof(table[0]))

static void assert_defaults(const struct config *c)
{
	assert_int_equal(c->ip, IP4(192, 0, 2, 2));
	assert_int_equal(c->prefix, 24);
	assert_int_equal(c->gw, 0);
	assert_int_equal(c->dst_ip, IP4(192, 0, 2, 1));
	assert_int_equal(c->dst_port, 9000);
	assert_int_equal(c->sport, 9000);
	assert_int_equal(c->mode, MODE_SEND);
	assert_int_equal(c->count, 1000);
	assert_int_equal(c->size, 18);
	assert_int_equal(c->batch, 1);
	assert_int_equal(c->rate, 0);
	assert_int_equal(c->txring, 256);
	assert_int_equal(c->rxring, 256);
	assert_int_equal(c->trace, 0);
	assert_int_equal(c->samples, 0);
	assert_int_equal(c->arp_ip, 0);
	assert_int_equal(c->fault, FAULT_NONE);
}

static void test_defaults_empty(void **state)
{
	(void)state;
	struct config c = parse_ok("");

	assert_defaults(&c);
}

static void test_defaults_whitespace(void **state)
{
	(void)state;
	struct config c = parse_ok("  \t \n  ");

	assert_defaults(&c);
}

static void test_full_line(void **state)
{
	(void)state;
	struct config c = parse_ok(" ip=10.1.2.3/8\tgw=10.0.0.1  dst=203.0.113.7:4242"
				   " sport=1234 mode=echo count=5 size=100 batch=8"
				   " rate=1000 txring=512 rxring=1024 trace=1 fault=ud\n");

	assert_int_equal(c.ip, IP4(10, 1, 2, 3));
	assert_int_equal(c.prefix, 8);
	assert_int_equal(c.gw, IP4(10, 0, 0, 1));
	assert_int_equal(c.dst_ip, IP4(203, 0, 113, 7));
	assert_int_equal(c.dst_port, 4242);
	assert_int_equal(c.sport, 1234);
	assert_int_equal(c.mode, MODE_ECHO);
	assert_int_equal(c.count, 5);
	assert_int_equal(c.size, 100);
	assert_int_equal(c.batch, 8);
	assert_int_equal(c.rate, 1000);
	assert_int_equal(c.txring, 512);
	assert_int_equal(c.rxring, 1024);
	assert_int_equal(c.trace, 1);
	assert_int_equal(c.fault, FAULT_UD);
}

static void test_range_edges(void **state)
{
	(void)state;
	struct config lo = parse_ok("size=8 batch=1 txring=8 rxring=8 count=0 sport=1"
				    " dst=192.0.2.1:1");
	struct config hi = parse_ok("size=1472 batch=64 txring=4096 rxring=4096"
				    " count=4294967295 sport=65535 dst=192.0.2.1:65535");

	assert_int_equal(lo.size, 8);
	assert_int_equal(lo.batch, 1);
	assert_int_equal(lo.txring, 8);
	assert_int_equal(lo.rxring, 8);
	assert_int_equal(lo.count, 0);
	assert_int_equal(lo.sport, 1);
	assert_int_equal(lo.dst_port, 1);
	assert_int_equal(hi.size, 1472);
	assert_int_equal(hi.batch, 64);
	assert_int_equal(hi.txring, 4096);
	assert_int_equal(hi.rxring, 4096);
	assert_int_equal(hi.count, 4294967295u);
	assert_int_equal(hi.sport, 65535);
	assert_int_equal(hi.dst_port, 65535);
	assert_int_equal(parse_ok("ip=192.0.2.7/32").prefix, 32);
	assert_int_equal(parse_ok("trace=1").trace, 1);
}

static void test_words(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("mode=send").mode, MODE_SEND);
	assert_int_equal(parse_ok("mode=echo").mode, MODE_ECHO);
	assert_int_equal(parse_ok("mode=idle").mode, MODE_IDLE);
	assert_int_equal(parse_ok("mode=raw").mode, MODE_RAW);
	assert_int_equal(parse_ok("mode=blast").mode, MODE_BLAST);
	assert_int_equal(parse_ok("mode=reflect").mode, MODE_REFLECT);
	assert_int_equal(parse_ok("samples=1").samples, 1);
	assert_int_equal(parse_ok("fault=none").fault, FAULT_NONE);
	assert_int_equal(parse_ok("fault=pf").fault, FAULT_PF);
	assert_int_equal(parse_ok("fault=ud").fault, FAULT_UD);
	assert_int_equal(parse_ok("fault=de").fault, FAULT_DE);
}

static void test_syntax_errors(void **state)
{
	static const struct bad b[] = {
		{ "size=", "size", "empty" },
		{ "bogus", "bogus", "missing '='" },
		{ "colour=red", "colour", "unknown key" },
		{ "size=20 size=30", "size", "twice" },
		{ "mode=fast", "mode", "not one of" },
		{ "fault=gp", "fault", "not one of" },
	};
	(void)state;
	EXPECT_ERRORS(b);
}

static void test_bad_numbers(void **state)
{
	static const struct bad b[] = {
		{ "count=4294967296", "count", "out of range" },
		{ "count=99999999999999999999999", "count", "out of range" },
		{ "size=18446744073709551617", "size", "out of range" },
		{ "size=7", "size", "out of range" },
		{ "size=1473", "size", "out of range" },
		{ "batch=0", "batch", "out of range" },
		{ "batch=65", "batch", "out of range" },
		{ "txring=4", "txring", "out of range" },
		{ "txring=8192", "txring", "out of range" },
		{ "sport=0", "sport", "out of range" },
		{ "sport=65536", "sport", "out of range" },
		{ "txring=12", "txring", "multiple of 8" },
		{ "rxring=100", "rxring", "multiple of 8" },
		{ "size=0x10", "size", "not a decimal" },
		{ "size=-5", "size", "not a decimal" },
		{ "size=+5", "size", "not a decimal" },
		{ "size=1e3", "size", "not a decimal" },
		{ "size=12a", "size", "not a decimal" },
	};
	(void)state;
	EXPECT_ERRORS(b);
}

/* trace is 0 or 1: a digit above the maximum must fail, not wrap the check. */
static void test_trace_out_of_range(void **state)
{
	(void)state;
	expect_error("trace=2", "trace", "out of range");
	expect_error("trace=9", "trace", "out of range");
	expect_error("trace=10", "trace", "out of range");
}

static void test_bad_addresses(void **state)
{
	static const struct bad b[] = {
		{ "ip=192.0.2.2.5/24", "ip", "not an IPv4 address" },
		{ "ip=192.0.2/24", "ip", "not an IPv4 address" },
		{ "ip=192.0.2.256/24", "ip", "not an IPv4 address" },
		{ "ip=192..2.2/24", "ip", "not an IPv4 address" },
		{ "ip=192.0.2.2/33", "ip", "prefix" },
		{ "ip=192.0.2.2/0", "ip", "prefix" },
		{ "ip=192.0.2.2", "ip", "needs a prefix" },
		{ "gw=192.0.2.1.1", "gw", "not an IPv4 address" },
		{ "dst=192.0.2.1", "dst", "needs a port" },
		{ "dst=192.0.2.1:0", "dst", "port" },
		{ "dst=192.0.2.1:65536", "dst", "port" },
		{ "dst=192.0.2:9000", "dst", "not an IPv4 address" },
	};
	(void)state;
	EXPECT_ERRORS(b);
}

static void test_bad_combinations(void **state)
{
	static const struct bad b[] = {
		{ "gw=198.51.100.1", "gw", "local network" },
		{ "gw=192.0.2.2", "gw", "own address" },
		{ "dst=192.0.2.2:9000", "dst", "own address" },
		{ "ip=192.0.2.1/24 dst=192.0.2.1:9000", "dst", "own address" },
		{ "ip=192.0.2.0/24", "ip", "network or broadcast" },
		{ "ip=192.0.2.255/24", "ip", "network or broadcast" },
	};
	(void)state;
	EXPECT_ERRORS(b);
}

static void test_static_arp(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t mixed[6] = { 0xAA, 0xbb, 0x0C, 0xd0, 0xE9, 0xf0 };
	struct config c = parse_ok("arp=192.0.2.1@02:00:00:00:00:01");

	(void)state;
	assert_int_equal(c.arp_ip, IP4(192, 0, 2, 1));
	assert_memory_equal(c.arp_mac, mac, 6);
	c = parse_ok("gw=192.0.2.254 arp=192.0.2.254@aa:BB:0c:D0:e9:F0");
	assert_int_equal(c.arp_ip, IP4(192, 0, 2, 254));
	assert_memory_equal(c.arp_mac, mixed, 6);
}

static void test_bad_static_arp(void **state)
{
	static const struct bad b[] = {
		{ "arp=192.0.2.1", "arp", "needs IP@MAC" },
		{ "arp=02:00:00:00:00:01", "arp", "needs IP@MAC" },
		{ "arp=192.0.2@02:00:00:00:00:01", "arp", "not an IPv4 address" },
		{ "arp=0.0.0.0@02:00:00:00:00:01", "arp", "not an IPv4 address" },
		{ "arp=192.0.2.1@", "arp", "not a MAC address" },
		{ "arp=192.0.2.1@02:00:00:00:00", "arp", "not a MAC address" },
		{ "arp=192.0.2.1@02:00:00:00:00:011", "arp", "not a MAC address" },
		{ "arp=192.0.2.1@02-00-00-00-00-01", "arp", "not a MAC address" },
		{ "arp=192.0.2.1@02:00:00:00:0g:01", "arp", "not a MAC address" },
		{ "arp=192.0.2.1@2:00:00:00:00:001", "arp", "not a MAC address" },
		{ "arp=192.0.2.1@00:00:00:00:00:00", "arp", "not a unicast" },
		{ "arp=192.0.2.1@ff:ff:ff:ff:ff:ff", "arp", "not a unicast" },
		{ "arp=192.0.2.1@01:00:5e:00:00:01", "arp", "not a unicast" },
		{ "arp=198.51.100.1@02:00:00:00:00:01", "arp", "local network" },
		{ "arp=192.0.2.2@02:00:00:00:00:01", "arp", "own address" },
		{ "arp=192.0.2.1@02:00:00:00:00:01 arp=192.0.2.3@02:00:00:00:00:03", "arp", "twice" },
		{ "samples=2", "samples", "out of range" },
	};
	(void)state;
	EXPECT_ERRORS(b);
}

static void test_first_error_wins(void **state)
{
	(void)state;
	expect_error("size=7 batch=0", "size", "out of range");
	expect_error("batch=0 size=7", "batch", "out of range");
	expect_error("bogus size=7", "bogus", "missing '='");
	expect_error("size=7 gw=198.51.100.1", "size", "out of range");
}

/* txring's multiple-of-8 check is made as the key is read: it wins over a later key. */
static void test_first_error_wins_multiple_of_8(void **state)
{
	(void)state;
	expect_error("txring=12 size=7", "txring", "multiple of 8");
}

static void test_long_token_small_buffer(void **state)
{
	char line[301], err[64];
	struct config c;

	(void)state;
	memset(line, 'a', 300);
	line[300] = '\0';
	memset(err, 'X', sizeof(err));
	assert_int_equal(cmdline_parse(line, &c, err, 16), -1);
	assert_true(memchr(err, '\0', 16) != NULL);
	assert_string_equal(err, "aaaaaaaaaaaaaaa");
	for (size_t i = 16; i < sizeof(err); i++)
		assert_int_equal(err[i], 'X');
	/* With the full buffer the key is cut short but the reason still shows. */
	assert_int_equal(cmdline_parse(line, &c, err, sizeof(err)), -1);
	assert_true(strlen(err) < sizeof(err));
	assert_non_null(strstr(err, ": missing '='"));
}

static void test_ipv4_format(void **state)
{
	char buf[20];

	(void)state;
	ipv4_format(IP4(192, 0, 2, 2), buf);
	assert_string_equal(buf, "192.0.2.2");
	ipv4_format(0, buf);
	assert_string_equal(buf, "0.0.0.0");
	ipv4_format(IP4(10, 0, 0, 1), buf);
	assert_string_equal(buf, "10.0.0.1");
	memset(buf, 'X', sizeof(buf));
	ipv4_format(0xFFFFFFFF, buf);
	assert_string_equal(buf, "255.255.255.255");
	assert_int_equal(buf[16], 'X');
}

int main(void)
{
	const struct CMUnitTest cmdline[] = {
		cmocka_unit_test(test_defaults_empty),
		cmocka_unit_test(test_defaults_whitespace),
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_range_edges),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_trace_out_of_range),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_bad_combinations),
		cmocka_unit_test(test_static_arp),
		cmocka_unit_test(test_bad_static_arp),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_first_error_wins_multiple_of_8),
		cmocka_unit_test(test_long_token_small_buffer),
		cmocka_unit_test(test_ipv4_format),
	};

	return cmocka_run_group_tests(cmdline, NULL, NULL);
}
