/*
 * tests/bench/guest/lecho.c - the Linux guest's UDP echo server, the
 * counterpart of the unikernel's mode=echo: every datagram that arrives
 * on PORT goes back to its sender with the same bytes, through an
 * ordinary socket (recvfrom, sendto).  Runs until killed.
 *
 *   lecho PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DATAGRAM	65536

static int bound_socket(unsigned port)
{
	struct sockaddr_in me;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("lecho: socket");
		exit(1);
	}
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = htonl(INADDR_ANY);
	me.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("lecho: bind");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	static char buf[MAX_DATAGRAM];
	struct sockaddr_in peer;
	socklen_t len;
	char *end;
	unsigned long port;
	int fd;

	if (argc != 2 || (port = strtoul(argv[1], &end, 10), *end) || !port || port > 65535) {
		fprintf(stderr, "usage: lecho PORT\n");
		return 2;
	}
	fd = bound_socket(port);
	for (;;) {
		len = sizeof(peer);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);

		if (n < 0) {
			if (errno != EINTR)
				perror("lecho: recvfrom");
			continue;
		}
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&peer, len) < 0)
			perror("lecho: sendto");
	}
}
