/*
 * net/net.h - the network stack's shared pieces: wire headers, the one
 * interface, drop counters, and the calls between the layers.
 *
 * Sending, top to bottom: send.c (sendmsg) -> udp.c -> ip.c -> eth.c -> the
 * ring (drivers/e1000_ring.c); socket.c keeps the sockets, recv.c queues
 * what arrives for them.
 * Receiving, from the e1000's interrupt handler or a caller's own look at
 * the ring (the receive path, interrupts off): eth_input -> arp_input |
 * ip_input -> udp_input (a socket's queue) | icmp_input (echo reply).
 *
 * Addresses are host byte order in variables, network order on the wire.
 */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers/e1000.h"
#include "kernel/cmdline.h"
#include "net/socket.h"	/* IPPROTO_UDP, IPPROTO_ICMP */

#define ETH_HLEN	14
#define IP_HLEN		20	/* we send no options */
#define UDP_HLEN	8
#define ICMP_HLEN	8
#define ARP_LEN		28
#define HDRS_LEN	(ETH_HLEN + IP_HLEN + UDP_HLEN)	/* 42 */
#define MTU		1500
#define UDP_MAX_PAYLOAD	(MTU - IP_HLEN - UDP_HLEN)		/* 1472 */

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_ARP	0x0806

struct eth_hdr {
	uint8_t dst[6];
	uint8_t src[6];
	uint8_t type[2];
};

struct ip_hdr {
	uint8_t vhl;		/* version 4, header length in words */
	uint8_t tos;
	uint8_t len[2];		/* header and data */
	uint8_t id[2];
	uint8_t frag[2];	/* flags (DF, MF) and fragment offset */
	uint8_t ttl;
	uint8_t proto;
	uint8_t sum[2];
	uint8_t src[4];
	uint8_t dst[4];
};

struct udp_hdr {
	uint8_t sport[2];
	uint8_t dport[2];
	uint8_t len[2];		/* header and data */
	uint8_t sum[2];
};

struct icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint8_t sum[2];
	uint8_t id[2];
	uint8_t seq[2];
};

struct arp_pkt {
	uint8_t htype[2], ptype[2];
	uint8_t hlen, plen;
	uint8_t op[2];
	uint8_t sha[6], spa[4];	/* sender */
	uint8_t tha[6], tpa[4];	/* target */
};

/*
 * Why a received frame was dropped: one counter each, printed at the end
 * (@drops).  Every frame the driver hands up ends in exactly one of these
 * or in one of struct netif's rx_* counters (@received): the books balance.
 */
enum drop_reason {
	DROP_SHORT,		/* shorter than its headers say */
	DROP_ETHERTYPE,		/* neither IPv4 nor ARP */
	DROP_ARP_BAD,		/* not Ethernet/IPv4 ARP, or neither request nor reply */
	DROP_IP_BCAST,		/* IPv4 to a broadcast or multicast MAC: we take none */
	DROP_IP_VERSION,	/* not version 4, or header length < 5 */
	DROP_IP_OPTIONS,	/* a header with options: we implement none */
	DROP_IP_CSUM,
	DROP_IP_LEN,		/* total length beyond the frame */
	DROP_IP_FRAGMENT,	/* we do not reassemble */
	DROP_IP_NOT_US,
	DROP_IP_PROTO,		/* neither UDP nor ICMP */
	DROP_UDP_LEN,
	DROP_UDP_CSUM,
	DROP_UDP_NO_SOCKET,
	DROP_UDP_QUEUE_FULL,
	DROP_ICMP_CSUM,
	DROP_ICMP_TYPE,		/* not an echo request */
	DROP_TX_BUSY,		/* a reply found no ring slot or buffer */
	DROP_NREASONS
};

/* The one interface. */
struct netif {
	struct e1000 *nic;
	uint8_t mac[6];
	uint32_t ip;
	uint32_t mask;
	uint32_t gw;			/* 0: none */
	uint16_t ip_id;			/* next IPv4 identification */
	uint64_t drops[DROP_NREASONS];
	uint64_t rx_frames;		/* frames the driver handed up */
	uint64_t rx_udp;		/* datagrams queued for a socket */
	uint64_t rx_echo;		/* echo requests answered */
	uint64_t rx_arp;		/* ARP requests and replies taken in */
};

extern struct netif netif;

/*
 * A frame's owner, told when the NIC has sent it (the ring's cookie).
 * Sockets count their datagrams with it; buffer pools free buffers.
 */
struct tx_owner {
	void (*done)(struct tx_owner *o, int on_wire);	/* on_wire: link was up */
};

/* net/netif.c */
void net_init(struct e1000 *nic, const struct config *cfg);
void net_drop(enum drop_reason why);
void net_tx_timeout(void);
void net_print_drops(void);
int net_tx(const struct e1000_seg *seg, int nseg, struct tx_owner *owner);

/* The link as the last LSC interrupt left it. */
static inline int net_link_up(void)
{
	return e1000_link_up(netif.nic);
}
int net_prime(uint32_t dst);

/* net/eth.c */
void eth_build(uint8_t *frame, const uint8_t dst[6], uint16_t type);

/*
 * A frame of len bytes padded with zeros to the Ethernet minimum (the
 * headers inside keep their own exact lengths); the length to send.
 */
static inline uint32_t eth_pad(uint8_t *frame, uint32_t len)
{
	if (len >= E1000_MIN_FRAME)
		return len;
	memset(frame + len, 0, E1000_MIN_FRAME - len);
	return E1000_MIN_FRAME;
}
void eth_input(void *arg, const uint8_t *frame, uint32_t len);

/* net/arp.c */
#define ARP_CACHE_SIZE		8
#define ARP_TRIES		3
#define ARP_RETRY_MS		1000	/* as Linux (retrans_time_ms) */
#define ARP_FAILED_HOLD_MS	3000	/* a failed address fails at once for this long */
#define ARP_ENTRY_MS		60000	/* a resolved entry is trusted this long */
int arp_resolve(uint32_t ip, uint8_t mac[6], int dontwait);
int arp_lookup(uint32_t ip, uint8_t mac[6]);
void arp_input(const uint8_t *pkt, uint32_t len);
void arp_announce(void);
void arp_cache_clear(void);
int arp_add_static(uint32_t ip, const uint8_t mac[6]);

/* net/ip.c */
int ip_route(uint32_t dst, uint32_t *nexthop);
void ip_build(uint8_t *hdr, uint32_t dst, uint8_t proto, uint32_t payload_len);
void ip_input(const uint8_t *pkt, uint32_t len);

/* net/udp.c */
void udp_build(uint8_t *hdr, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t len);
void udp_input(const struct ip_hdr *ip, const uint8_t *pkt, uint32_t len);

/* net/recv.c: queue a received datagram; 0, -ENOENT (no socket), -ENOBUFS */
int sock_deliver(uint16_t port, uint32_t src, uint16_t sport,
		 const uint8_t *data, uint32_t len);

/* net/icmp.c */
void icmp_input(const struct ip_hdr *ip, const uint8_t *pkt, uint32_t len);

#endif
