/*
 * kernel/cmdline.c - parse and check the kernel command line.
 *
 * Every key is checked as it is read: numbers are decimal, in range, and
 * may not overflow; addresses have exactly four octets; a key given twice
 * is refused.  Checks that involve two keys (is the gateway on our
 * network?) run once everything is read.  The first error wins.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"

enum key {
	K_IP, K_GW, K_DST, K_SPORT, K_MODE, K_COUNT, K_SIZE, K_BATCH,
	K_RATE, K_TXRING, K_RXRING, K_TRACE, K_STAGES, K_SAMPLES, K_ARP, K_FAULT, K_MSIX, K_NKEYS
};

static const char *const key_name[K_NKEYS] = {
	"ip", "gw", "dst", "sport", "mode", "count", "size", "batch",
	"rate", "txring", "rxring", "trace", "stages", "samples", "arp", "fault", "msix",
};

/* A token of the command line: not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

struct parser {
	struct config *cfg;
	char *err;
	size_t errlen;
	const char *key;	/* the key being parsed, for messages */
};

static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->err, ps->errlen, "%s: ", ps->key);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int span_is(struct span s, const char *word)
{
	return strlen(word) == s.n && memcmp(s.p, word, s.n) == 0;
}

/* A decimal number of at most max; no sign, no spaces, no overflow. */
static int parse_u64(struct span s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned)(s.p[i] - '0');

		if (d > 9 || d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_num(struct parser *ps, struct span s, uint64_t lo, uint64_t hi,
		     uint32_t *out)
{
	uint64_t v;

	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return fail(ps, "'%.*s' is not a decimal number", (int)s.n, s.p);
	if (parse_u64(s, hi, &v) < 0 || v < lo)
		return fail(ps, "'%.*s' is out of range (%llu to %llu)", (int)s.n, s.p,
			    (unsigned long long)lo, (unsigned long long)hi);
	*out = (uint32_t)v;
	return 0;
}

/* Exactly four decimal octets, 0..255, separated by dots. */
static int parse_ipv4(struct span s, uint32_t *out)
{
	uint32_t addr = 0;
	size_t i = 0;

	for (int octet = 0; octet < 4; octet++) {
		struct span o = { s.p + i, 0 };
		uint64_t v;

		while (i < s.n && s.p[i] != '.') {
			i++;
			o.n++;
		}
		if (o.n > 3 || parse_u64(o, 255, &v) < 0)
			return -1;
		addr = addr << 8 | (uint32_t)v;
		if (octet < 3 && (i == s.n || s.p[i++] != '.'))
			return -1;
	}
	if (i != s.n)
		return -1;
	*out = addr;
	return 0;
}

/* Split s at the first c: before goes to *a, after to *b; -1 if no c. */
static int split(struct span s, char c, struct span *a, struct span *b)
{
	const char *at = memchr(s.p, c, s.n);

	if (!at)
		return -1;
	*a = (struct span){ s.p, (size_t)(at - s.p) };
	*b = (struct span){ at + 1, s.n - (size_t)(at - s.p) - 1 };
	return 0;
}

static int check_host_address(struct parser *ps)
{
	const struct config *c = ps->cfg;
	uint32_t mask = ~0u << (32 - c->prefix);	/* prefix is 1..32 */
	uint32_t host = c->ip & ~mask;
	char net[16];

	if (c->prefix > 30 || (host != 0 && host != ~mask))
		return 0;
	ipv4_format(c->ip & mask, net);
	return fail(ps, "the network or broadcast address of %s/%u", net,
		    (unsigned)c->prefix);
}

static int parse_ip_prefix(struct parser *ps, struct span v)
{
	struct span addr, len;
	uint64_t prefix;

	if (split(v, '/', &addr, &len) < 0)
		return fail(ps, "'%.*s' needs a prefix, as in 192.0.2.2/24", (int)v.n, v.p);
	if (parse_ipv4(addr, &ps->cfg->ip) < 0)
		return fail(ps, "'%.*s' is not an IPv4 address", (int)addr.n, addr.p);
	if (parse_u64(len, 32, &prefix) < 0 || prefix < 1)
		return fail(ps, "prefix '%.*s' is out of range (1 to 32)", (int)len.n, len.p);
	ps->cfg->prefix = (uint8_t)prefix;
	return check_host_address(ps);
}

static int parse_dst(struct parser *ps, struct span v)
{
	struct span addr, port;
	uint64_t p;

	if (split(v, ':', &addr, &port) < 0)
		return fail(ps, "'%.*s' needs a port, as in 192.0.2.1:9000", (int)v.n, v.p);
	if (parse_ipv4(addr, &ps->cfg->dst_ip) < 0)
		return fail(ps, "'%.*s' is not an IPv4 address", (int)addr.n, addr.p);
	if (parse_u64(port, 65535, &p) < 0 || p < 1)
		return fail(ps, "port '%.*s' is out of range (1 to 65535)", (int)port.n, port.p);
	ps->cfg->dst_port = (uint16_t)p;
	return 0;
}

/* Six two-digit hex octets separated by colons; not multicast, not zero. */
static int parse_mac(struct parser *ps, struct span s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	int zero = 1;

	if (s.n != 17)
		return fail(ps, "'%.*s' is not a MAC address, as in 02:00:00:00:00:01", (int)s.n, s.p);
	for (int i = 0; i < 6; i++) {
		const char *hi = memchr(hex, s.p[3 * i] | 0x20, 16);
		const char *lo = memchr(hex, s.p[3 * i + 1] | 0x20, 16);

		if (!hi || !lo || (i < 5 && s.p[3 * i + 2] != ':'))
			return fail(ps, "'%.*s' is not a MAC address, as in 02:00:00:00:00:01",
				    (int)s.n, s.p);
		mac[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
		zero &= mac[i] == 0;
	}
	if (zero || (mac[0] & 1))
		return fail(ps, "'%.*s' is not a unicast MAC address", (int)s.n, s.p);
	return 0;
}

/* IP@MAC: a neighbour known in advance. */
static int parse_arp(struct parser *ps, struct span v)
{
	struct span addr, mac;

	if (split(v, '@', &addr, &mac) < 0)
		return fail(ps, "'%.*s' needs IP@MAC, as in 192.0.2.1@02:00:00:00:00:01",
			    (int)v.n, v.p);
	if (parse_ipv4(addr, &ps->cfg->arp_ip) < 0 || ps->cfg->arp_ip == 0)
		return fail(ps, "'%.*s' is not an IPv4 address", (int)addr.n, addr.p);
	return parse_mac(ps, mac, ps->cfg->arp_mac);
}

/* Descriptor counts: the ring's byte length must be a multiple of 128. */
static int parse_ring(struct parser *ps, struct span v, uint32_t *out)
{
	if (parse_num(ps, v, 8, 4096, out) < 0)
		return -1;
	if (*out % 8)
		return fail(ps, "%u is not a multiple of 8", (unsigned)*out);
	return 0;
}

static int parse_word(struct parser *ps, struct span v, const char *const *words,
		      int nwords, int *out)
{
	for (int i = 0; i < nwords; i++)
		if (span_is(v, words[i])) {
			*out = i;
			return 0;
		}
	return fail(ps, "'%.*s' is not one of the values README lists", (int)v.n, v.p);
}

static int parse_value(struct parser *ps, enum key k, struct span v)
{
	static const char *const modes[] = { "send", "echo", "idle", "raw", "blast", "reflect" };
	static const char *const faults[] = { "none", "pf", "ud", "de", "stack" };
	struct config *c = ps->cfg;
	uint32_t u = 0;
	int w = 0, r;

	switch (k) {
	case K_IP:	return parse_ip_prefix(ps, v);
	case K_DST:	return parse_dst(ps, v);
	case K_GW:
		if (parse_ipv4(v, &c->gw) < 0 || c->gw == 0)
			return fail(ps, "'%.*s' is not an IPv4 address", (int)v.n, v.p);
		return 0;
	case K_MODE:
		r = parse_word(ps, v, modes, 6, &w);
		c->mode = (enum app_mode)w;
		return r;
	case K_FAULT:
		r = parse_word(ps, v, faults, 5, &w);
		c->fault = (enum debug_fault)w;
		return r;
	case K_SPORT:	r = parse_num(ps, v, 1, 65535, &u); c->sport = (uint16_t)u; return r;
	case K_COUNT:	return parse_num(ps, v, 0, UINT32_MAX, &c->count);
	case K_SIZE:	return parse_num(ps, v, 8, 1472, &c->size);
	case K_BATCH:	return parse_num(ps, v, 1, 64, &c->batch);
	case K_RATE:	return parse_num(ps, v, 0, 100000000, &c->rate);
	case K_TRACE:	r = parse_num(ps, v, 0, 1, &u); c->trace = (int)u; return r;
	case K_STAGES:	r = parse_num(ps, v, 0, 1, &u); c->stages = (int)u; return r;
	case K_SAMPLES:	r = parse_num(ps, v, 0, 1, &u); c->samples = (int)u; return r;
	case K_ARP:	return parse_arp(ps, v);
	case K_TXRING:	return parse_ring(ps, v, &c->txring);
	case K_RXRING:	return parse_ring(ps, v, &c->rxring);
	case K_MSIX:	r = parse_num(ps, v, 0, 1, &u); c->msix = (int)u; return r;
	case K_NKEYS:	break;
	}
	return -1;
}

static void set_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->ip = 0xC0000202;		/* 192.0.2.2/24 */
	c->prefix = 24;
	c->dst_ip = 0xC0000201;		/* 192.0.2.1:9000 */
	c->dst_port = 9000;
	c->sport = 9000;
	c->mode = MODE_SEND;
	c->count = 1000;
	c->size = 18;
	c->batch = 1;
	c->txring = 256;
	c->rxring = 256;
	c->msix = 1;
}

/* Checks that need more than one key, once all are read. */
static int check_whole(struct parser *ps)
{
	const struct config *c = ps->cfg;
	uint32_t mask = ~0u << (32 - c->prefix);	/* prefix is 1..32 */
	char net[16];

	if (c->gw && ((c->gw ^ c->ip) & mask)) {
		ipv4_format(c->ip & mask, net);
		ps->key = "gw";
		return fail(ps, "not on the local network %s/%u", net, (unsigned)c->prefix);
	}
	if (c->gw && c->gw == c->ip) {
		ps->key = "gw";
		return fail(ps, "our own address");
	}
	if (c->dst_ip == c->ip) {
		ps->key = "dst";
		return fail(ps, "our own address");
	}
	if (c->arp_ip && ((c->arp_ip ^ c->ip) & mask)) {
		ipv4_format(c->ip & mask, net);
		ps->key = "arp";
		return fail(ps, "not on the local network %s/%u", net, (unsigned)c->prefix);
	}
	if (c->arp_ip && c->arp_ip == c->ip) {
		ps->key = "arp";
		return fail(ps, "our own address");
	}
	return 0;
}

/* The next space-separated token from *s, or a zero-length one at the end. */
static struct span next_token(const char **s)
{
	struct span t;

	while (**s == ' ' || **s == '\t' || **s == '\n')
		(*s)++;
	t.p = *s;
	while (**s && **s != ' ' && **s != '\t' && **s != '\n')
		(*s)++;
	t.n = (size_t)(*s - t.p);
	return t;
}

static int parse_pair(struct parser *ps, struct span tok, unsigned *seen)
{
	static char keybuf[32];
	struct span key, val;
	int k;

	if (split(tok, '=', &key, &val) < 0) {
		snprintf(keybuf, sizeof(keybuf), "%.*s", (int)(tok.n < 31 ? tok.n : 31), tok.p);
		ps->key = keybuf;
		return fail(ps, "missing '=' (keys are key=value)");
	}
	snprintf(keybuf, sizeof(keybuf), "%.*s", (int)(key.n < 31 ? key.n : 31), key.p);
	ps->key = keybuf;
	for (k = 0; k < K_NKEYS && !span_is(key, key_name[k]); k++)
		;
	if (k == K_NKEYS)
		return fail(ps, "unknown key");
	if (*seen & (1u << k))
		return fail(ps, "given twice");
	*seen |= 1u << k;
	if (val.n == 0)
		return fail(ps, "empty value");
	return parse_value(ps, (enum key)k, val);
}

int cmdline_parse(const char *args, struct config *cfg, char *err, size_t errlen)
{
	struct parser ps = { cfg, err, errlen, "" };
	unsigned seen = 0;

	set_defaults(cfg);
	if (errlen)
		err[0] = '\0';
	for (;;) {
		struct span tok = next_token(&args);

		if (tok.n == 0)
			break;
		if (parse_pair(&ps, tok, &seen) < 0)
			return -1;
	}
	return check_whole(&ps);
}

void ipv4_format(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)(a >> 16 & 0xFF),
		 (unsigned)(a >> 8 & 0xFF), (unsigned)(a & 0xFF));
}
