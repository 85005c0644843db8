/*
 * net/ip.c - IPv4 (RFC 791): routing, the header we send, and the checks
 * on what we receive.  No options, no fragments: a datagram that does not
 * fit the MTU is refused before it is built (EMSGSIZE), and a fragment or
 * a header with options that arrives is dropped and counted.
 */
#include <errno.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/net.h"

#define IP_TTL		64
#define IP_DF		0x4000	/* don't fragment */
#define IP_MF		0x2000	/* more fragments */
#define IP_OFFSET	0x1FFF

/* On-link destinations go straight; others through the gateway. */
int ip_route(uint32_t dst, uint32_t *nexthop)
{
	if (((dst ^ netif.ip) & netif.mask) == 0) {
		*nexthop = dst;
		return 0;
	}
	if (!netif.gw)
		return -ENETUNREACH;
	*nexthop = netif.gw;
	return 0;
}

/*
 * A 20-byte header for payload_len bytes of proto.  The checksum is the
 * sum of the header's 16-bit words, taken from the values as they are
 * written rather than read back from the buffer.
 * [lab 5.1]
 */
void ip_build(uint8_t *hdr, uint32_t dst, uint8_t proto, uint32_t payload_len)
{
	struct ip_hdr *ip = (struct ip_hdr *)hdr;
	uint16_t len = (uint16_t)(IP_HLEN + payload_len), id = netif.ip_id++;
	struct csum c;

	ip->vhl = 0x45;
	ip->tos = 0;
	put_be16(ip->len, len);
	put_be16(ip->id, id);
	put_be16(ip->frag, IP_DF);
	ip->ttl = IP_TTL;
	ip->proto = proto;
	put_be32(ip->src, netif.ip);
	put_be32(ip->dst, dst);
	csum_init(&c);
	csum_add_words(&c, (0x45u << 8) + len + id + IP_DF + (IP_TTL << 8 | proto) +
		       (netif.ip >> 16) + (netif.ip & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF));
	put_be16(ip->sum, csum_finish(&c));
}

/* On the receive path: check the header, then hand the payload up. */
void ip_input(const uint8_t *pkt, uint32_t len)
{
	const struct ip_hdr *ip = (const struct ip_hdr *)pkt;
	uint32_t hlen, total;

	if (len < IP_HLEN) {
		net_drop(DROP_SHORT);
		return;
	}
	hlen = (uint32_t)(ip->vhl & 0x0F) * 4;
	total = get_be16(ip->len);
	if ((ip->vhl >> 4) != 4 || hlen < IP_HLEN) {
		net_drop(DROP_IP_VERSION);
	} else if (hlen > IP_HLEN) {
		net_drop(DROP_IP_OPTIONS);
	} else if (total < hlen || total > len || hlen > len || total > MTU) {
		net_drop(DROP_IP_LEN);	/* Ethernet padding makes len > total: fine */
	} else if (csum_buf(ip, hlen) != 0) {
		net_drop(DROP_IP_CSUM);
	} else if (get_be16(ip->frag) & (IP_MF | IP_OFFSET)) {
		net_drop(DROP_IP_FRAGMENT);
	} else if (get_be32(ip->dst) != netif.ip) {
		net_drop(DROP_IP_NOT_US);
	} else if (ip->proto == IPPROTO_UDP) {
		udp_input(ip, pkt + hlen, total - hlen);
	} else if (ip->proto == IPPROTO_ICMP) {
		icmp_input(ip, pkt + hlen, total - hlen);
	} else {
		net_drop(DROP_IP_PROTO);
	}
}
