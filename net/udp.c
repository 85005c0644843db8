/*
 * net/udp.c - UDP (RFC 768): the header we send, its checksum always
 * computed (by the NIC, from the pseudo-header sum we seed it with), and
 * the checks on what we receive before it reaches a socket's queue.
 */
#include <errno.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/net.h"

/*
 * The pseudo-header of RFC 768 (the addresses, a zero byte and the
 * protocol, the UDP length), as the sum of its six 16-bit words.
 * [lab 5.1]
 */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint16_t udp_len)
{
	return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) +
	       IPPROTO_UDP + udp_len;
}

/*
 * The UDP header for len payload bytes.  The checksum is the NIC's to
 * compute (checksum offload, e1000_tx_post_udp): the field is seeded with
 * the pseudo-header sum, and the NIC adds the header and the payload to
 * it, sending a computed 0 as 0xFFFF (RFC 768; QEMU's e1000 does).
 * docs/tuning.md has the measurements that chose offload.
 * [lab 5.1]
 */
void udp_build(uint8_t *hdr, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t len)
{
	struct udp_hdr *u = (struct udp_hdr *)hdr;
	struct csum c;

	put_be16(u->sport, sport);
	put_be16(u->dport, dport);
	put_be16(u->len, (uint16_t)(UDP_HLEN + len));
	csum_init(&c);
	csum_add_words(&c, pseudo_sum(netif.ip, dst, (uint16_t)(UDP_HLEN + len)));
	put_be16(u->sum, csum_fold(&c));
}

/* On the receive path. len: the IP payload length. */
void udp_input(const struct ip_hdr *ip, const uint8_t *pkt, uint32_t len)
{
	const struct udp_hdr *u = (const struct udp_hdr *)pkt;
	uint32_t ulen;
	struct csum c;

	if (len < UDP_HLEN || (ulen = get_be16(u->len)) < UDP_HLEN || ulen > len ||
	    ulen - UDP_HLEN > UDP_MAX_PAYLOAD) {
		net_drop(DROP_UDP_LEN);
		return;
	}
	if (get_be16(u->sum) != 0) {	/* 0: the sender computed none */
		csum_init(&c);
		csum_add_words(&c, pseudo_sum(get_be32(ip->src), get_be32(ip->dst), (uint16_t)ulen));
		csum_add(&c, pkt, ulen);
		if (csum_finish(&c) != 0) {
			net_drop(DROP_UDP_CSUM);
			return;
		}
	}
	switch (sock_deliver(get_be16(u->dport), get_be32(ip->src), get_be16(u->sport),
			     pkt + UDP_HLEN, ulen - UDP_HLEN)) {
	case 0:
		netif.rx_udp++;
		break;
	case -ENOBUFS:
		net_drop(DROP_UDP_QUEUE_FULL);
		break;
	default:
		net_drop(DROP_UDP_NO_SOCKET);
	}
}
