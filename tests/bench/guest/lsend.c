/*
 * tests/bench/guest/lsend.c - the Linux side of `make bench`: send UDP
 * datagrams from the Linux guest through an ordinary socket, and time
 * every system call with the TSC, so that the numbers stand beside the
 * unikernel's.
 *
 *   lsend DST_IP PORT COUNT SIZE BATCH
 *
 * Sends COUNT datagrams of SIZE payload bytes to DST_IP:PORT with the
 * payload of docs/interface.md (bytes 0-7: the sequence number, big-endian,
 * from 0; byte i >= 8: (seq + i) & 0xff).  BATCH 1 sends each with
 * sendto(); BATCH > 1 hands BATCH datagrams to one sendmmsg() (the last
 * call takes what is left).  One sample per call: lfence; rdtsc before and
 * after, nothing else inside (the payloads are written before the clock
 * starts).  Cycles become nanoseconds with the TSC frequency measured
 * against CLOCK_MONOTONIC over 100 ms at start.
 *
 * Lines on stdout, in this order:
 *   @lat stage=call size=S batch=B n=N p50_ns= p90_ns= p99_ns= p999_ns=
 *        max_ns= p50_cyc= p90_cyc= p99_cyc= p999_cyc= max_cyc=   (one line)
 *   @samples stage=call size=S ns=V V V ...   (up to 2000 calls, evenly
 *        spaced over the run, in call order)
 *   @linux sndbuf_errors=N tx_dropped=N   (deltas over the run: Udp
 *        SndbufErrors of /proc/net/snmp, eth0's tx_dropped)
 *   @done mode=send sent=N failed=F   (datagrams the calls accepted, and
 *        the rest of COUNT)
 * Percentiles are nearest-rank over the sorted samples.
 *
 * Note that Linux counts a datagram its qdisc dropped (-ENOBUFS) as sent:
 * without IP_RECVERR, udp_send_skb() only bumps SndbufErrors.  That is
 * what @linux is for.
 */
#define _GNU_SOURCE		/* sendmmsg, struct mmsghdr */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define MAX_BATCH	1024		/* Linux's UIO_MAXIOV caps sendmmsg */
#define MAX_SIZE	65507		/* largest UDP payload over IPv4 */
#define IFACE		"eth0"

struct args {
	struct sockaddr_in dst;
	uint64_t count;
	unsigned size, batch;
};

static void usage(void)
{
	fprintf(stderr, "usage: lsend DST_IP PORT COUNT SIZE BATCH\n");
	exit(2);
}

static unsigned long long number(const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max)
		usage();
	return v;
}

static void parse_args(int argc, char **argv, struct args *a)
{
	if (argc != 6)
		usage();
	memset(&a->dst, 0, sizeof(a->dst));
	a->dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[1], &a->dst.sin_addr) != 1)
		usage();
	a->dst.sin_port = htons(number(argv[2], 65535));
	a->count = number(argv[3], UINT32_MAX);
	a->size = number(argv[4], MAX_SIZE);
	a->batch = number(argv[5], MAX_BATCH);
	if (a->size < 8 || a->batch < 1 || a->count < 1)
		usage();
}

/* Udp SndbufErrors from /proc/net/snmp: a header line, then a value line. */
static long long udp_sndbuf_errors(void)
{
	char head[1024], vals[1024], *hs, *vs, *h, *v;
	FILE *f = fopen("/proc/net/snmp", "r");
	long long n = -1;

	if (!f)
		return -1;
	while (fgets(head, sizeof(head), f)) {
		if (strncmp(head, "Udp:", 4) || !fgets(vals, sizeof(vals), f))
			continue;
		h = strtok_r(head, " \n", &hs);
		v = strtok_r(vals, " \n", &vs);
		for (; h && v; h = strtok_r(NULL, " \n", &hs), v = strtok_r(NULL, " \n", &vs))
			if (!strcmp(h, "SndbufErrors"))
				n = atoll(v);
		break;
	}
	fclose(f);
	return n;
}

static long long tx_dropped(void)
{
	FILE *f = fopen("/sys/class/net/" IFACE "/statistics/tx_dropped", "r");
	long long n = -1;

	if (f) {
		if (fscanf(f, "%lld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* One sendto per datagram.  Returns the calls made; *sent counts successes. */
static size_t run_sendto(int fd, const struct args *a, uint8_t *buf,
			 uint64_t *cyc, uint64_t *sent)
{
	for (uint64_t seq = 0; seq < a->count; seq++) {
		fill_payload(buf, a->size, seq);
		uint64_t c0 = rdtsc_fenced();
		ssize_t r = sendto(fd, buf, a->size, 0,
				   (const struct sockaddr *)&a->dst, sizeof(a->dst));
		cyc[seq] = rdtsc_fenced() - c0;
		if (r == (ssize_t)a->size)
			(*sent)++;
	}
	return a->count;
}

/* sendmmsg of up to BATCH datagrams per call; one sample per call. */
static size_t run_sendmmsg(int fd, const struct args *a, uint8_t *buf,
			   uint64_t *cyc, uint64_t *sent)
{
	struct mmsghdr *msgs = calloc(a->batch, sizeof(*msgs));
	struct iovec *iov = calloc(a->batch, sizeof(*iov));
	size_t calls = 0;

	if (!msgs || !iov) {
		perror("lsend: calloc");
		exit(1);
	}
	for (unsigned k = 0; k < a->batch; k++) {
		iov[k].iov_base = buf + (size_t)k * a->size;
		iov[k].iov_len = a->size;
		msgs[k].msg_hdr.msg_name = (void *)&a->dst;
		msgs[k].msg_hdr.msg_namelen = sizeof(a->dst);
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
	}
	for (uint64_t seq = 0; seq < a->count; calls++) {
		unsigned n = a->count - seq < a->batch ? a->count - seq : a->batch;

		for (unsigned k = 0; k < n; k++)
			fill_payload(iov[k].iov_base, a->size, seq + k);
		uint64_t c0 = rdtsc_fenced();
		int r = sendmmsg(fd, msgs, n, 0);
		cyc[calls] = rdtsc_fenced() - c0;
		if (r > 0)
			*sent += r;
		seq += n;
	}
	free(msgs);
	free(iov);
	return calls;
}

int main(int argc, char **argv)
{
	struct args a;
	uint64_t sent = 0, *cyc;
	uint8_t *buf;
	size_t calls;
	int fd;

	parse_args(argc, argv, &a);
	cyc = calloc(a.count, sizeof(*cyc));
	buf = calloc(a.batch, a.size);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!cyc || !buf || fd < 0) {
		perror("lsend: setup");
		return 1;
	}
	double hz = tsc_hz();
	long long sndbuf0 = udp_sndbuf_errors(), drop0 = tx_dropped();

	if (a.batch == 1)
		calls = run_sendto(fd, &a, buf, cyc, &sent);
	else
		calls = run_sendmmsg(fd, &a, buf, cyc, &sent);

	long long sndbuf1 = udp_sndbuf_errors(), drop1 = tx_dropped();

	print_lat("call", a.size, a.batch, cyc, calls, hz);
	print_samples(a.size, cyc, calls, hz);
	printf("@linux sndbuf_errors=%lld tx_dropped=%lld\n",
	       sndbuf1 - sndbuf0, drop1 - drop0);
	printf("@done mode=send sent=%llu failed=%llu\n",
	       (unsigned long long)sent, (unsigned long long)(a.count - sent));
	close(fd);
	return sent == a.count ? 0 : 1;
}
