/*
 * tests/host/udp_pingpong.c - UDP round trips, host -> guest -> host, one
 * datagram in flight at a time, timed with CLOCK_MONOTONIC.
 *
 *   udp_pingpong -a ADDR [-p PORT] [-n COUNT] [-s SIZE] [-w WARMUP] [-o FILE]
 *
 * WARMUP round trips first (not counted: ARP, caches), then COUNT timed
 * ones.  A reply must carry the same bytes; one that does not come within
 * 200 ms counts as lost.  Prints
 *   @rtt n=N lost=L p50_ns= p90_ns= p99_ns= p999_ns= max_ns=
 * (nearest-rank percentiles) and writes every sample, in ns, to FILE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS	200

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One round trip: its time in ns, or 0 if the reply was lost or wrong. */
static uint64_t ping(int fd, uint8_t *out, uint8_t *in, size_t size, uint64_t seq)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint64_t t0, deadline;

	memcpy(out, &seq, sizeof(seq) < size ? sizeof(seq) : size);
	t0 = now_ns();
	deadline = t0 + TIMEOUT_MS * 1000000ull;
	if (send(fd, out, size, 0) != (ssize_t)size)
		return 0;
	while (now_ns() < deadline) {
		ssize_t n;

		if (poll(&pfd, 1, TIMEOUT_MS) <= 0)
			continue;
		n = recv(fd, in, 2048, 0);
		if (n == (ssize_t)size && memcmp(in, out, size) == 0)
			return now_ns() - t0;
	}
	return 0;
}

static uint64_t pct(const uint64_t *v, size_t n, unsigned num, unsigned den)
{
	size_t rank = (n * num + den - 1) / den;

	return v[(rank ? rank : 1) - 1];
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *outfile = NULL;
	int port = 9000, opt, fd;
	size_t count = 1000, size = 18, warmup = 20, got = 0, lost = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static uint8_t out[2048], in[2048];
	uint64_t *rtt;

	while ((opt = getopt(argc, argv, "a:p:n:s:w:o:")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 's': size = strtoul(optarg, NULL, 10); break;
		case 'w': warmup = strtoul(optarg, NULL, 10); break;
		case 'o': outfile = optarg; break;
		default: addr = NULL; optind = argc; break;
		}
	}
	sa.sin_port = htons(port);
	if (!addr || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 || size < 8 || size > 1472 ||
	    count == 0) {
		fprintf(stderr, "usage: %s -a ADDR [-p PORT] [-n COUNT] [-s 8..1472] [-w WARMUP] [-o FILE]\n",
			argv[0]);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("pingpong: socket");
		return 2;
	}
	for (size_t i = 8; i < size; i++)
		out[i] = (uint8_t)i;
	for (size_t i = 0; i < warmup; i++)
		ping(fd, out, in, size, i);
	rtt = calloc(count, sizeof(*rtt));
	for (size_t i = 0; i < count; i++) {
		uint64_t t = ping(fd, out, in, size, warmup + i);

		if (t)
			rtt[got++] = t;
		else
			lost++;
	}
	if (outfile) {
		FILE *f = fopen(outfile, "w");

		for (size_t i = 0; f && i < got; i++)
			fprintf(f, "%llu\n", (unsigned long long)rtt[i]);
		if (f)
			fclose(f);
	}
	if (!got) {
		printf("@rtt n=0 lost=%zu\n", lost);
		return 1;
	}
	qsort(rtt, got, sizeof(*rtt), cmp_u64);
	printf("@rtt n=%zu lost=%zu p50_ns=%llu p90_ns=%llu p99_ns=%llu p999_ns=%llu max_ns=%llu\n",
	       got, lost, (unsigned long long)pct(rtt, got, 1, 2),
	       (unsigned long long)pct(rtt, got, 9, 10), (unsigned long long)pct(rtt, got, 99, 100),
	       (unsigned long long)pct(rtt, got, 999, 1000), (unsigned long long)rtt[got - 1]);
	return lost ? 1 : 0;
}
