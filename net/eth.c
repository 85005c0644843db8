/*
 * net/eth.c - Ethernet II framing, and the start of the receive path.
 */
#include <string.h>

#include "net/byteorder.h"
#include "net/net.h"

/*
 * The Ethernet header: destination, our MAC, the type.
 * [lab 5.1]
 */
void eth_build(uint8_t *frame, const uint8_t dst[6], uint16_t type)
{
	struct eth_hdr *e = (struct eth_hdr *)frame;

	memcpy(e->dst, dst, 6);
	memcpy(e->src, netif.mac, 6);
	put_be16(e->type, type);
}

/*
 * The e1000's receive handler, once per frame: in its interrupt handler, or
 * in a caller's own look at the ring; interrupts off either way.
 */
void eth_input(void *arg, const uint8_t *frame, uint32_t len)
{
	const struct eth_hdr *e = (const struct eth_hdr *)frame;

	(void)arg;
	netif.rx_frames++;
	if (len < ETH_HLEN) {
		net_drop(DROP_SHORT);
		return;
	}
	switch (get_be16(e->type)) {
	case ETHERTYPE_IPV4:
		/* RFC 1122 3.3.6; and this stack has no broadcast or multicast use */
		if (e->dst[0] & 1)
			net_drop(DROP_IP_BCAST);
		else
			ip_input(frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETHERTYPE_ARP:
		arp_input(frame + ETH_HLEN, len - ETH_HLEN);
		break;
	default:
		net_drop(DROP_ETHERTYPE);
	}
}
