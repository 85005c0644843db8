/*
 * app/bare.c - the bare paths that give the send path's figures their
 * floors (bare.h): the same frames, the same descriptors and the same tail
 * write as sendmsg, with nothing of the stack or the sockets around them.
 * Headers come from the stack's own builders (udp_build, ip_build,
 * eth_build), so a floor's frame is byte for byte what sendmsg sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lat.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "app/app.h"
#include "app/bare.h"
#include "net/byteorder.h"
#include "net/net.h"
#include "net/socket.h"

#define DRAIN_MS	1000	/* longest wait for the NIC to finish a frame */

/* Frames of ours the NIC has finished (the ring's cookie). */
struct counter {
	struct tx_owner owner;
	uint64_t done;		/* reported done */
	uint64_t on_wire;	/* ... while the link was up */
};

static void count_done(struct tx_owner *o, int on_wire)
{
	struct counter *c = (struct counter *)o;

	c->done++;
	c->on_wire += on_wire != 0;
}

/* Interrupts off.  Reclaim until c has seen n frames done, or DRAIN_MS pass. */
static int drain(struct counter *c, uint64_t n)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * DRAIN_MS;

	while (c->done < n) {
		if (e1000_tx_reclaim(netif.nic) == 0 && rdtsc() > end)
			return -1;
	}
	return 0;
}

/* Interrupts off.  Wait for need free descriptors, handing the NIC what waits. */
static void wait_room(uint32_t need)
{
	while (e1000_tx_free(netif.nic) < need) {
		e1000_tx_kick(netif.nic);
		e1000_tx_reclaim(netif.nic);
	}
}

/* The MAC of dst's next hop, if the ARP cache has it. */
static int next_hop_mac(uint32_t dst, uint8_t mac[6])
{
	uint32_t nexthop;

	return ip_route(dst, &nexthop) < 0 ? -1 : arp_lookup(nexthop, mac);
}

/*
 * A datagram's headers in the slot's header buffer, as sendmsg builds
 * them, and onto the ring: a payload of up to SOCK_COPY_MAX bytes is
 * already after the headers (padded to the Ethernet minimum), a larger one
 * is a second descriptor.
 */
static void post_datagram(uint8_t *hdr, const uint8_t mac[6], uint32_t dst, uint16_t sport,
			  uint16_t dport, const uint8_t *payload, uint32_t size,
			  struct counter *c)
{
	struct e1000_seg seg[2] = { { hdr, HDRS_LEN }, { payload, size } };
	int nseg = 2;

	udp_build(hdr + ETH_HLEN + IP_HLEN, dst, sport, dport, size);
	ip_build(hdr + ETH_HLEN, dst, IPPROTO_UDP, UDP_HLEN + size);
	eth_build(hdr, mac, ETHERTYPE_IPV4);
	if (size <= SOCK_COPY_MAX) {
		seg[0].len = eth_pad(hdr, HDRS_LEN + size);
		nseg = 1;
	}
	e1000_tx_post_udp(netif.nic, seg, nseg, &c->owner);
}

/* The payload of datagram seq where post_datagram takes it from. */
static const uint8_t *fill(uint8_t *hdr, uint8_t *buf, uint64_t seq, uint32_t size)
{
	uint8_t *p = size <= SOCK_COPY_MAX ? hdr + HDRS_LEN : buf;

	app_fill_payload(p, seq, size);
	return p;
}

void bare_measure_floors(uint32_t dst, uint16_t sport, uint32_t size, unsigned n)
{
	static struct counter c = { { count_done }, 0, 0 };
	static uint8_t buf[UDP_MAX_PAYLOAD];
	struct e1000 *nic = netif.nic;
	uint64_t irq = irq_save();
	uint8_t mac[6];
	int xmit = next_hop_mac(dst, mac) == 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0, t1;

		if (xmit) {
			uint8_t *hdr;

			wait_room(2);
			hdr = e1000_tx_hdr_next(nic);
			post_datagram(hdr, mac, dst, sport, BARE_FLOOR_PORT,
				      fill(hdr, buf, i, size), size, &c);
			t0 = rdtsc();
			e1000_tx_kick(nic);
			t1 = rdtsc();
			lat_add(LAT_FLOOR_XMIT, t1 - t0);
			xmit = drain(&c, c.done + 1) == 0;
		}
		t0 = rdtsc();
		e1000_tx_kick_empty(nic);
		t1 = rdtsc();
		lat_add(LAT_FLOOR_TAIL, t1 - t0);
		t0 = rdtsc();
		(void)e1000_link_now(nic);
		t1 = rdtsc();
		lat_add(LAT_FLOOR_READ, t1 - t0);
	}
	irq_restore(irq);
}

/* A frame's done count, to the end of a run: @done, and the exit code. */
static enum exit_code done(const char *mode, uint64_t sent, uint32_t count)
{
	e1000_stats_print(netif.nic);
	net_print_drops();
	printf("@done mode=%s sent=%llu failed=%llu\n", mode, (unsigned long long)sent,
	       (unsigned long long)(count - sent));
	return sent == count ? EXIT_OK : EXIT_FAILED;
}

/*
 * mode=blast: the payload written into each frame (the receiver checks
 * every one), the headers built as sendmsg builds them, batch frames per
 * tail write, no sockets and no checks.  Larger payloads go out of a pool
 * of one buffer per ring slot, never reused before the NIC is done.
 */
enum exit_code bare_blast(const struct config *cfg)
{
	static struct counter c = { { count_done }, 0, 0 };
	struct e1000 *nic = netif.nic;
	uint8_t *pool = malloc((size_t)cfg->txring * cfg->size), mac[6];
	uint64_t t0, irq;

	if (!pool || net_prime(cfg->dst_ip) < 0 || next_hop_mac(cfg->dst_ip, mac) < 0) {
		printf("blast: no route or no ARP answer for the destination\n");
		return done("blast", 0, cfg->count);
	}
	t0 = now_ns();
	irq = irq_save();
	for (uint64_t seq = 0; seq < cfg->count;) {
		for (uint32_t j = 0; j < cfg->batch && seq < cfg->count; j++, seq++) {
			uint8_t *hdr, *buf = pool + seq % cfg->txring * cfg->size;

			wait_room(2);
			hdr = e1000_tx_hdr_next(nic);
			post_datagram(hdr, mac, cfg->dst_ip, cfg->sport, cfg->dst_port,
				      fill(hdr, buf, seq, cfg->size), cfg->size, &c);
		}
		e1000_tx_kick(nic);
		e1000_tx_reclaim(nic);
	}
	drain(&c, cfg->count);
	irq_restore(irq);
	printf("blast: %u datagrams of %u bytes in %llu us\n", (unsigned)cfg->count,
	       (unsigned)cfg->size, (unsigned long long)((now_ns() - t0) / 1000));
	return done("blast", c.on_wire, cfg->count);
}

static struct {
	struct counter c;
	uint64_t ignored;	/* frames that were not UDP for us */
} refl = { { { count_done }, 0, 0 }, 0 };

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

/*
 * The receive handler of mode=reflect, in place of the stack's: a UDP
 * frame for us goes back where it came from, out of the very receive
 * buffer it came in (ours until this returns, so the NIC must be done with
 * it by then).  Swapping the addresses and the ports leaves both checksums
 * right: a one's-complement sum does not depend on the order of its words.
 */
static void reflect(void *arg, const uint8_t *frame, uint32_t len)
{
	uint8_t *f = (uint8_t *)frame;		/* our own receive buffer */
	struct eth_hdr *e = (struct eth_hdr *)f;
	struct ip_hdr *ip = (struct ip_hdr *)(f + ETH_HLEN);
	struct udp_hdr *u = (struct udp_hdr *)(f + ETH_HLEN + IP_HLEN);
	struct e1000_seg seg = { f, len };

	(void)arg;
	if (len < HDRS_LEN || get_be16(e->type) != ETHERTYPE_IPV4 || ip->vhl != 0x45 ||
	    ip->proto != IPPROTO_UDP || get_be32(ip->dst) != netif.ip) {
		refl.ignored++;
		return;
	}
	memcpy(e->dst, e->src, 6);
	memcpy(e->src, netif.mac, 6);
	swap(ip->src, ip->dst, 4);
	swap(u->sport, u->dport, 2);
	wait_room(1);
	e1000_tx_post(netif.nic, &seg, 1, &refl.c.owner);
	e1000_tx_kick(netif.nic);
	drain(&refl.c, refl.c.done + 1);
}

/*
 * mode=reflect: look at the receive ring, napping between looks as a
 * blocking recvmsg does (SOCK_POLL_NAP_US), so that the floor waits the
 * way the echo server waits: under TCG on two cores a vCPU that spins
 * takes the CPU from QEMU's I/O thread, which brings the frames in
 * (docs/tuning.md).  A frame that comes during a nap is reflected in the
 * receive interrupt instead.
 */
enum exit_code bare_reflect(const struct config *cfg)
{
	uint64_t irq;
	char ip[16];

	ipv4_format(netif.ip, ip);
	printf("reflect: sending back UDP for %s, %u datagrams (0 = forever)\n", ip,
	       (unsigned)cfg->count);
	e1000_set_rx_handler(netif.nic, reflect, NULL);
	irq = irq_save();
	while (cfg->count == 0 || refl.c.done < cfg->count)
		if (e1000_rx_poll(netif.nic) == 0)
			idle_wait_us(SOCK_POLL_NAP_US);
	irq_restore(irq);
	printf("reflect: %llu frames ignored (not UDP for us)\n", (unsigned long long)refl.ignored);
	return done("reflect", refl.c.on_wire, cfg->count);
}
