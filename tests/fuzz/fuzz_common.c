/*
 * tests/fuzz/fuzz_common.c - the world of the harnesses: see fuzz.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz.h"

static int fd = -1;
static uint64_t frames0, ended0;

static uint64_t ended(void)
{
	return netif.rx_udp + netif.rx_echo + netif.rx_arp + drops_total();
}

void fuzz_up(void)
{
	setup(NULL);
	fd = udp_socket(9000);
	fuzz_mark();
}

void fuzz_mark(void)
{
	frames0 = netif.rx_frames;
	ended0 = ended();
}

void fuzz_down(uint64_t frames)
{
	uint8_t buf[UDP_MAX_PAYLOAD];
	uint64_t in = netif.rx_frames - frames0, out = ended() - ended0;

	while (recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL) >= 0)
		;
	if (in != frames || out != frames) {
		fprintf(stderr, "the books: %llu frames handed up, %llu counted in, %llu ended\n",
			(unsigned long long)frames, (unsigned long long)in, (unsigned long long)out);
		abort();
	}
	teardown(NULL);
}
