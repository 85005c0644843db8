/*
 * tests/host/udp_receiver.c - the host end of `make run`: receive the
 * kernel's datagrams on a plain Linux UDP socket and check every one
 * against the payload format of docs/interface.md (bytes 0-7: the sequence
 * number, big-endian; byte i >= 8: (seq + i) & 0xff).
 *
 *   udp_receiver [-b ADDR] [-p PORT] -n COUNT -s SIZE [-t SECONDS]
 *
 * Prints "receiver: ready" on stderr once bound, then receives until
 * COUNT distinct datagrams have arrived, SIGTERM or SIGINT comes (it then
 * drains what is queued), or SECONDS pass.  Then, on stdout, the rate
 * between the first and the last datagram, and as the last line:
 *   @rx n=N first_to_last_ns=T pps=P
 *   received V/COUNT valid, L lost, D duplicated, C corrupt
 * Exit status 0 only if all COUNT arrived valid, none twice, none corrupt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

struct tally {
	uint64_t count, size;
	uint8_t *seen;		/* one byte per sequence number */
	uint64_t valid, dup, corrupt;
	uint64_t n, first_ns, last_ns;	/* every datagram, and when */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void check(struct tally *t, const uint8_t *p, size_t n)
{
	uint64_t seq = 0;

	t->last_ns = now_ns();
	if (t->n++ == 0)
		t->first_ns = t->last_ns;
	if (n != t->size || n < 8) {
		t->corrupt++;
		return;
	}
	for (int i = 0; i < 8; i++)
		seq = seq << 8 | p[i];
	for (size_t i = 8; i < n; i++)
		if (p[i] != (uint8_t)(seq + i)) {
			t->corrupt++;
			return;
		}
	if (seq >= t->count) {
		t->corrupt++;
	} else if (t->seen[seq]) {
		t->dup++;
	} else {
		t->seen[seq] = 1;
		t->valid++;
	}
}

static int open_socket(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), big = 32 << 20;

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "receiver: bad address %s\n", addr);
		exit(2);
	}
	/* A burst from the ring must not overflow the queue: as root, force it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "receiver: bind %s:%d: %s\n", addr, port, strerror(errno));
		exit(2);
	}
	return fd;
}

static void receive(int fd, struct tally *t, int seconds)
{
	static uint8_t buf[65536];
	time_t end = time(NULL) + seconds;

	while (t->valid < t->count && time(NULL) < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (stop) {		/* drain, then go */
			while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
				check(t, buf, (size_t)n);
			return;
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf), 0)) >= 0)
			check(t, buf, (size_t)n);
	}
}

int main(int argc, char **argv)
{
	const char *addr = "0.0.0.0";
	int port = 9000, seconds = 3600, opt, fd;
	struct tally t = { 0 };

	while ((opt = getopt(argc, argv, "b:p:n:s:t:")) != -1) {
		switch (opt) {
		case 'b': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': t.count = strtoull(optarg, NULL, 10); break;
		case 's': t.size = strtoull(optarg, NULL, 10); break;
		case 't': seconds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-b ADDR] [-p PORT] -n COUNT -s SIZE [-t SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (t.count == 0 || t.size < 8 || !(t.seen = calloc(t.count, 1))) {
		fprintf(stderr, "receiver: need -n COUNT > 0 and -s SIZE >= 8\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	fd = open_socket(addr, port);
	fprintf(stderr, "receiver: ready on %s:%d\n", addr, port);
	receive(fd, &t, seconds);
	if (t.n > 1)
		printf("@rx n=%llu first_to_last_ns=%llu pps=%llu\n", (unsigned long long)t.n,
		       (unsigned long long)(t.last_ns - t.first_ns),
		       (unsigned long long)((t.n - 1) * 1000000000ull / (t.last_ns - t.first_ns + 1)));
	printf("received %llu/%llu valid, %llu lost, %llu duplicated, %llu corrupt\n",
	       (unsigned long long)t.valid, (unsigned long long)t.count,
	       (unsigned long long)(t.count - t.valid), (unsigned long long)t.dup,
	       (unsigned long long)t.corrupt);
	return t.valid == t.count && !t.dup && !t.corrupt ? 0 : 1;
}
