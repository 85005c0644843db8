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
	"short", "ethertype", "arp_bad", "ip_version", "ip_csum", "ip_len",
	"ip_fragment", "ip_not_us", "ip_proto", "udp_len", "udp_csum",
	"udp_no_socket", "udp_queue_full", "icmp_csum", "icmp_type", "tx_busy",
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

void net_print_drops(void)
{
	printf("@drops");
	for (int i = 0; i < DROP_NREASONS; i++)
		printf(" %s=%llu", drop_name[i], (unsigned long long)netif.drops[i]);
	printf("\n");
}
