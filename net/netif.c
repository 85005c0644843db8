/*
 * net/netif.c - the one network interface: its addresses, the link to the
 * driver, counters of what was dropped and why.
 */
#include <stdio.h>

#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "net/net.h"

struct netif netif;

static const char *const drop_name[DROP_NREASONS] = {
	[DROP_SHORT] = "short",			[DROP_ETHERTYPE] = "ethertype",
	[DROP_ARP_BAD] = "arp_bad",		[DROP_IP_BCAST] = "ip_bcast",
	[DROP_IP_VERSION] = "ip_version",	[DROP_IP_OPTIONS] = "ip_options",
	[DROP_IP_CSUM] = "ip_csum",		[DROP_IP_LEN] = "ip_len",
	[DROP_IP_FRAGMENT] = "ip_fragment",	[DROP_IP_NOT_US] = "ip_not_us",
	[DROP_IP_PROTO] = "ip_proto",		[DROP_UDP_LEN] = "udp_len",
	[DROP_UDP_CSUM] = "udp_csum",		[DROP_UDP_NO_SOCKET] = "udp_no_socket",
	[DROP_UDP_QUEUE_FULL] = "udp_queue_full", [DROP_ICMP_CSUM] = "icmp_csum",
	[DROP_ICMP_TYPE] = "icmp_type",		[DROP_TX_BUSY] = "tx_busy",
};

/* The driver's completion hook, in the TX interrupt: tell the frame's owner. */
static void tx_complete(void *arg, void *cookie, int on_wire)
{
	struct tx_owner *o = cookie;

	(void)arg;
	if (o)
		o->done(o, on_wire);
}

/* Tell the NIC where our UDP checksums go, once: every datagram has them there. */
static void set_udp_offload(struct e1000 *nic)
{
	uint64_t flags = irq_save();

	if (e1000_tx_set_udp_offload(nic, ETH_HLEN, ETH_HLEN + IP_HLEN) == 0)
		e1000_tx_kick(nic);
	else
		panic("net: no ring slot for the offload context");
	irq_restore(flags);
}

void net_init(struct e1000 *nic, const struct config *cfg)
{
	char ip[16];

	netif.nic = nic;
	for (int i = 0; i < 6; i++)
		netif.mac[i] = e1000_mac(nic)[i];
	netif.ip = cfg->ip;
	netif.mask = ~0u << (32 - cfg->prefix);
	netif.gw = cfg->gw;
	netif.ip_id = 1;
	e1000_set_tx_done(nic, tx_complete, NULL);
	e1000_set_rx_handler(nic, eth_input, NULL);
	set_udp_offload(nic);
	if (cfg->arp_ip && arp_add_static(cfg->arp_ip, cfg->arp_mac) < 0)
		panic("net: no room for the static ARP entry");
	if (net_link_up())
		arp_announce();
	ipv4_format(netif.ip, ip);
	printf("net: %s up, %llu ms since reset\n", ip, (unsigned long long)ms_since_reset());
}

/*
 * Resolve the next hop towards dst now, so that a timed run does not
 * count the first ARP exchange (Linux's guest pings first, likewise).
 */
int net_prime(uint32_t dst)
{
	uint32_t nexthop;
	uint8_t mac[6];
	int rc = ip_route(dst, &nexthop);

	return rc < 0 ? rc : arp_resolve(nexthop, mac, 0);
}

/*
 * The transmit watchdog's verdict (net/send.c's waits): the NIC finished
 * nothing in SOCK_WAIT_MS.  As Linux's dev_watchdog calls the driver's
 * tx_timeout: reset the transmit side, then post the offload context again.
 */
void net_tx_timeout(void)
{
	uint64_t flags = irq_save();

	e1000_tx_timeout(netif.nic);
	set_udp_offload(netif.nic);
	irq_restore(flags);
}

void net_drop(enum drop_reason why)
{
	netif.drops[why]++;
}

/*
 * Send one frame the stack built itself (ARP, ICMP): post and kick at once.
 * Any context; the interrupt handler is the other user of the ring, so
 * interrupts are off meanwhile.
 */
int net_tx(const struct e1000_seg *seg, int nseg, struct tx_owner *owner)
{
	uint64_t flags = irq_save();
	int rc = e1000_tx_post(netif.nic, seg, nseg, owner);

	if (rc == 0)
		e1000_tx_kick(netif.nic);
	irq_restore(flags);
	return rc;
}

/* @drops, then @received: what came in and where each frame went. */
void net_print_drops(void)
{
	uint64_t dropped = 0;

	printf("@drops");
	for (int i = 0; i < DROP_NREASONS; i++) {
		printf(" %s=%llu", drop_name[i], (unsigned long long)netif.drops[i]);
		dropped += netif.drops[i];
	}
	printf("\n@received frames=%llu udp=%llu echo=%llu arp=%llu dropped=%llu\n",
	       (unsigned long long)netif.rx_frames, (unsigned long long)netif.rx_udp,
	       (unsigned long long)netif.rx_echo, (unsigned long long)netif.rx_arp,
	       (unsigned long long)dropped);
}
