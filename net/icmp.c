/*
 * net/icmp.c - ICMP (RFC 792): echo requests get echo replies, nothing
 * else is answered.
 *
 * The reply is built on the receive path, in one of a few buffers of
 * its own (the request's buffer goes back to the NIC when we return), and
 * the buffer is freed when the NIC has sent the reply.
 */
#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/net.h"

#define ICMP_ECHO_REPLY		0
#define ICMP_ECHO_REQUEST	8
#define ICMP_BUFS		8

static struct icmp_buf {
	struct tx_owner owner;	/* first: the cookie is this buffer */
	int busy;
	uint8_t frame[E1000_MAX_FRAME];
} bufs[ICMP_BUFS];

static void buf_sent(struct tx_owner *o, int on_wire)
{
	(void)on_wire;
	((struct icmp_buf *)o)->busy = 0;
}

static struct icmp_buf *buf_get(void)
{
	for (int i = 0; i < ICMP_BUFS; i++)
		if (!bufs[i].busy) {
			bufs[i].busy = 1;
			bufs[i].owner.done = buf_sent;
			return &bufs[i];
		}
	return NULL;
}

/* On the receive path. len: the IP payload length. */
void icmp_input(const struct ip_hdr *ip, const uint8_t *pkt, uint32_t len)
{
	uint32_t src = get_be32(ip->src), nexthop;
	uint8_t mac[6];
	struct icmp_buf *b;
	struct icmp_hdr *h;
	struct e1000_seg seg;

	if (len < ICMP_HLEN || csum_buf(pkt, len) != 0) {
		net_drop(DROP_ICMP_CSUM);
		return;
	}
	if (pkt[0] != ICMP_ECHO_REQUEST) {
		net_drop(DROP_ICMP_TYPE);
		return;
	}
	/* The asker's MAC is in the cache: it asked for ours first. */
	if (ip_route(src, &nexthop) < 0 || arp_lookup(nexthop, mac) < 0 ||
	    len > MTU - IP_HLEN || !(b = buf_get())) {
		net_drop(DROP_TX_BUSY);
		return;
	}
	h = (struct icmp_hdr *)(b->frame + ETH_HLEN + IP_HLEN);
	memcpy(h, pkt, len);
	h->type = ICMP_ECHO_REPLY;
	put_be16(h->sum, 0);
	put_be16(h->sum, csum_buf(h, len));
	ip_build(b->frame + ETH_HLEN, src, IPPROTO_ICMP, len);
	eth_build(b->frame, mac, ETHERTYPE_IPV4);
	seg.addr = b->frame;
	seg.len = eth_pad(b->frame, ETH_HLEN + IP_HLEN + len);
	if (net_tx(&seg, 1, &b->owner) < 0) {
		b->busy = 0;
		net_drop(DROP_TX_BUSY);
		return;
	}
	netif.rx_echo++;
}
