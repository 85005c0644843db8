/*
 * tests/fuzz/fuzz_l4.c - the body of fuzz_udp.c and fuzz_icmp.c: the
 * bytes after an IPv4 header that passed ip_input's checks (from 192.0.2.1
 * to us), handed to input.  The asker is known (its MAC in the ARP cache),
 * so that an echo request is answered.
 */
#include "net/byteorder.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_l4.h"

int fuzz_l4(const uint8_t *data, size_t size, uint8_t proto,
	    void (*input)(const struct ip_hdr *, const uint8_t *, uint32_t))
{
	struct ip_hdr ip = { .vhl = 0x45, .ttl = 64, .proto = proto };

	if (size > E1000_RX_BUF_SIZE - ETH_HLEN - IP_HLEN)
		return -1;
	put_be16(ip.len, (uint16_t)(IP_HLEN + size));
	put_be32(ip.src, PEER_IP);
	put_be32(ip.dst, OUR_IP);
	fuzz_up();
	learn(PEER_IP, peer_mac);
	fuzz_mark();
	netif.rx_frames++;		/* eth_input's count, which this skips */
	input(&ip, data, (uint32_t)size);
	nic_run();
	fuzz_down(1);
	return 0;
}
