/*
 * tests/host/tap_blast.c - the ceiling of QEMU's tap back end: the host
 * itself writes the guest's frames into the tap, as fast as it can, and
 * the same receiver counts them.  No QEMU runs meanwhile.
 *
 *   tap_blast -i TAP -n COUNT [-s SIZE]
 *
 * Frames: Ethernet to the tap's own MAC, IPv4 192.0.2.2 -> 192.0.2.1, UDP
 * 9000 -> 9000, payload as docs/interface.md says (sequence numbers from 0), so
 * tests/host/udp_receiver.c checks them like the guest's.  IP and UDP
 * checksums are computed.  Prints "@blast n=N ns=T pps=P".
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One frame for sequence number seq; returns its length. */
static size_t build(uint8_t *f, const uint8_t dst[6], uint64_t seq, size_t size)
{
	static const uint8_t src[6] = { 2, 0, 0, 0, 0, 0x42 };
	static const uint8_t ips[8] = { 192, 0, 2, 2, 192, 0, 2, 1 };
	uint8_t *ip = f + 14, *udp = f + 34, *pl = f + 42;
	uint32_t ph;
	uint16_t s;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(28 + size));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, ips, 8);
	put16(ip + 10, csum(ip, 20, 0));
	put16(udp, 9000);
	put16(udp + 2, 9000);
	put16(udp + 4, (uint16_t)(8 + size));
	put16(udp + 6, 0);
	for (int i = 0; i < 8; i++)
		pl[i] = (uint8_t)(seq >> (56 - 8 * i));
	for (size_t i = 8; i < size; i++)
		pl[i] = (uint8_t)(seq + i);
	ph = (192 << 8 | 0) + (2 << 8 | 2) + (192 << 8 | 0) + (2 << 8 | 1) + 17 + 8 + (uint32_t)size;
	s = csum(udp, 8 + size, ph);
	put16(udp + 6, s ? s : 0xFFFF);
	return 42 + size < 60 ? 60 : 42 + size;
}

static int open_tap(const char *name, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR), s;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("tap_blast: attach to the tap");
		exit(2);
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
		perror("tap_blast: SIOCGIFHWADDR");
		exit(2);
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return fd;
}

int main(int argc, char **argv)
{
	const char *tap = NULL;
	uint64_t count = 0, t0, t;
	size_t size = 18;
	uint8_t mac[6], f[1514];
	int opt, fd;

	while ((opt = getopt(argc, argv, "i:n:s:")) != -1) {
		switch (opt) {
		case 'i': tap = optarg; break;
		case 'n': count = strtoull(optarg, NULL, 10); break;
		case 's': size = strtoul(optarg, NULL, 10); break;
		default: tap = NULL; break;
		}
	}
	if (!tap || !count || size < 8 || size > 1472) {
		fprintf(stderr, "usage: %s -i TAP -n COUNT [-s 8..1472]\n", argv[0]);
		return 2;
	}
	fd = open_tap(tap, mac);
	t0 = now_ns();
	for (uint64_t seq = 0; seq < count; seq++) {
		size_t n = build(f, mac, seq, size);

		if (write(fd, f, n) != (ssize_t)n) {
			perror("tap_blast: write");
			return 1;
		}
	}
	t = now_ns() - t0;
	printf("@blast n=%llu ns=%llu pps=%llu\n", (unsigned long long)count,
	       (unsigned long long)t, (unsigned long long)(count * 1000000000ull / t));
	return 0;
}
