/*
 * tests/unit/net_model.c - the world test_net.c runs the network stack in.
 *
 * The NIC is the model of tests/unit/nic_model.c, the one
 * test_e1000_ring.c uses: it keeps every frame it "sent", checksum offload
 * included.  A neighbour may answer ARP requests for one address.  Received
 * frames go straight to eth_input, as the driver's interrupt handler would
 * hand them.
 *
 * Time is fake (clock_ns).  The kernel-only headers the net code includes
 * are shims (tests/unit/shim/kernel/): interrupt control is a no-op, and
 * idle_wait_us, the stack's only sleep, moves the clock and lets the model
 * NIC run and the "interrupt" reclaim, so every wait ends.
 *
 * Expected frames come from a reference builder here, with its own slow
 * RFC 1071 checksum, so that test_net.c checks sent frames byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/time.h"		/* the shim: tests/unit/shim/kernel/ */
#include "net/byteorder.h"
#include "kernel/kernel.h"
#include "tests/unit/net_model.h"

#define RXRING		8

const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const uint8_t bcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
const uint8_t zero_mac[6];

/* ---- The model NIC and the fake clock ----------------------------------- */

struct e1000 the_nic;
uint64_t clock_ns;
struct world world;

/* A 28-byte Ethernet/IPv4 ARP packet. */
void arp_make(uint8_t *p, uint16_t op, const uint8_t sha[6], uint32_t spa,
	      const uint8_t tha[6], uint32_t tpa)
{
	put_be16(p, 1);
	put_be16(p + 2, ETHERTYPE_IPV4);
	p[4] = 6;
	p[5] = 4;
	put_be16(p + 6, op);
	memcpy(p + 8, sha, 6);
	put_be32(p + 14, spa);
	memcpy(p + 18, tha, 6);
	put_be32(p + 24, tpa);
}

/* The neighbour at answer_ip hears a request for it and replies. */
static void answer_arp(const struct sent_frame *f)
{
	const uint8_t *a = f->data + ETH_HLEN;
	uint8_t reply[ETH_HLEN + ARP_LEN];

	if (!world.answer_ip || get_be16(f->data + 12) != ETHERTYPE_ARP ||
	    get_be16(a + 6) != 1 || get_be32(a + 24) != world.answer_ip)
		return;
	memcpy(reply, our_mac, 6);
	memcpy(reply + 6, world.answer_mac, 6);
	put_be16(reply + 12, ETHERTYPE_ARP);
	arp_make(reply + ETH_HLEN, 2, world.answer_mac, world.answer_ip, our_mac, OUR_IP);
	eth_input(NULL, reply, sizeof(reply));
}

/*
 * What the TX interrupt would do: the NIC sends (unless paused), the
 * neighbour answers what was for it, the driver reclaims.
 */
void nic_run(void)
{
	uint32_t first = model.nsent;

	if (!world.paused)
		nic_model_tx(&the_nic, UINT32_MAX);
	for (uint32_t i = first; i < model.nsent; i++)
		answer_arp(&model.sent[i]);
	e1000_tx_reclaim(&the_nic);
}

/* The shim's functions (kernel/time.h), on the fake clock. */
uint64_t now_ns(void)
{
	return clock_ns;
}

uint64_t tsc_hz = 1000000000;	/* for messages only */

/* kernel/kernel.h's panic: here, a failed test. */
void panic(const char *msg)
{
	fail_msg("panic: %s", msg);
	abort();
}

/* The host's TSC rate is unknown here; kernel/lat.c's reports only. */
uint64_t tsc_to_ns(uint64_t ticks)
{
	return ticks;
}

uint64_t ms_since_reset(void)
{
	return clock_ns / 1000000;
}

void delay_us(uint64_t us)
{
	clock_ns += us * 1000;
}

void idle_wait_us(uint64_t us)
{
	clock_ns += us * 1000;
	nic_run();
}

/* ---- The reference frames ----------------------------------------------- */

/* RFC 1071 the slow way: big-endian byte pairs, folded, complemented. */
uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The UDP checksum as computed, before 0 becomes 0xFFFF. */
uint16_t ref_udp_csum(uint32_t src, uint32_t dst, const uint8_t *udp, uint32_t ulen)
{
	uint8_t buf[12 + UDP_HLEN + 2048];

	put_be32(buf, src);
	put_be32(buf + 4, dst);
	put_be16(buf + 8, IPPROTO_UDP);
	put_be16(buf + 10, (uint16_t)ulen);
	memcpy(buf + 12, udp, ulen);
	return ref_csum(buf, 12 + ulen);
}

struct udp_spec {
	const uint8_t *dmac, *smac;
	uint32_t src, dst;
	uint16_t sport, dport, id;
	const uint8_t *data;
	uint32_t len;
};

/* The whole frame, padded to 60 bytes; returns its length. */
static uint32_t ref_udp_frame(uint8_t *f, const struct udp_spec *s)
{
	uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN;
	uint32_t len = HDRS_LEN + s->len;
	uint16_t sum;

	memset(f, 0, E1000_MIN_FRAME);
	memcpy(f, s->dmac, 6);
	memcpy(f + 6, s->smac, 6);
	put_be16(f + 12, ETHERTYPE_IPV4);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(IP_HLEN + UDP_HLEN + s->len));
	put_be16(ip + 4, s->id);
	put_be16(ip + 6, 0x4000);		/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	put_be32(ip + 12, s->src);
	put_be32(ip + 16, s->dst);
	put_be16(ip + 10, ref_csum(ip, IP_HLEN));
	put_be16(udp, s->sport);
	put_be16(udp + 2, s->dport);
	put_be16(udp + 4, (uint16_t)(UDP_HLEN + s->len));
	put_be16(udp + 6, 0);
	memcpy(udp + UDP_HLEN, s->data, s->len);
	sum = ref_udp_csum(s->src, s->dst, udp, UDP_HLEN + s->len);
	put_be16(udp + 6, sum ? sum : 0xFFFF);
	return len < E1000_MIN_FRAME ? E1000_MIN_FRAME : len;
}

/* Our datagram to dst (through dmac), as the stack should send it. */
uint32_t ref_out(uint8_t *f, const uint8_t *dmac, uint32_t dst, uint16_t sport,
		 uint16_t dport, uint16_t id, const uint8_t *data, uint32_t len)
{
	struct udp_spec s = { dmac, our_mac, OUR_IP, dst, sport, dport, id, data, len };

	return ref_udp_frame(f, &s);
}

/* A datagram from the peer to us, as it arrives. */
uint32_t ref_in(uint8_t *f, uint16_t sport, uint16_t dport, const uint8_t *data,
		uint32_t len)
{
	struct udp_spec s = { our_mac, peer_mac, PEER_IP, OUR_IP, sport, dport, 77, data, len };

	return ref_udp_frame(f, &s);
}

/* ---- Helpers ------------------------------------------------------------ */

uint8_t payload[UDP_MAX_PAYLOAD + 64];
struct config cfg;

/* The model's sent frame idx is want, len bytes, byte for byte. */
void assert_frame(uint32_t idx, const uint8_t *want, uint32_t len)
{
	const struct sent_frame *f = &model.sent[idx];

	assert_true(idx < model.nsent);
	assert_int_equal(f->len, len);
	for (uint32_t k = 0; k < len; k++)
		if (f->data[k] != want[k])
			fail_msg("frame %u byte %u: 0x%02x, expected 0x%02x", idx, k,
				 f->data[k], want[k]);
}

/* Frame idx is our ARP packet (sender: us), padded to 60 bytes. */
void assert_arp(uint32_t idx, uint16_t op, const uint8_t *eth_dst,
		const uint8_t *tha, uint32_t tpa)
{
	uint8_t want[E1000_MIN_FRAME] = { 0 };

	memcpy(want, eth_dst, 6);
	memcpy(want + 6, our_mac, 6);
	put_be16(want + 12, ETHERTYPE_ARP);
	arp_make(want + ETH_HLEN, op, our_mac, OUR_IP, tha, tpa);
	assert_frame(idx, want, E1000_MIN_FRAME);
}

/* ip is at mac: an ARP reply to us, which fills the cache and sends nothing. */
void learn(uint32_t ip, const uint8_t mac[6])
{
	uint8_t pkt[ARP_LEN];

	arp_make(pkt, 2, mac, ip, our_mac, OUR_IP);
	arp_input(pkt, sizeof(pkt));
}

struct sockaddr_in addr(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a = { AF_INET, htons(port), { htonl(ip) }, { 0 } };

	return a;
}

int udp_socket(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = addr(0, port);

	assert_true(fd >= SOCK_FD_BASE);
	if (port)
		assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

ssize_t send_to(int fd, const void *buf, size_t len, int flags, uint32_t ip,
		uint16_t port)
{
	struct sockaddr_in a = addr(ip, port);

	return sendto(fd, buf, len, flags, (struct sockaddr *)&a, sizeof(a));
}

uint64_t drops_total(void)
{
	uint64_t n = 0;

	for (int i = 0; i < DROP_NREASONS; i++)
		n += netif.drops[i];
	return n;
}

static int nic_setup(uint32_t txring)
{
	char err[CMDLINE_ERR_MAX];
	struct e1000 *nic = &the_nic;

	assert_int_equal(cmdline_parse("", &cfg, err, sizeof(err)), 0);
	memset(&world, 0, sizeof(world));
	memset(nic, 0, sizeof(*nic));
	nic_model_attach(nic);
	clock_ns = 1000000000;
	nic->link_up = 1;
	memcpy(nic->mac, our_mac, 6);
	assert_int_equal(e1000_tx_init(nic, txring), 0);
	assert_int_equal(e1000_rx_init(nic, RXRING), 0);
	arp_cache_clear();
	memset(netif.drops, 0, sizeof(netif.drops));
	netif.rx_frames = netif.rx_udp = netif.rx_echo = netif.rx_arp = 0;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	net_init(nic, &cfg);
	nic_run();
	assert_arp(0, 1, bcast, zero_mac, OUR_IP);	/* the gratuitous ARP */
	assert_int_equal(model.nsent, 1);
	model.nsent = 0;
	return 0;
}

int setup(void **state)
{
	(void)state;
	return nic_setup(TXRING);
}

int setup_ring8(void **state)
{
	(void)state;
	return nic_setup(8);
}

int teardown(void **state)
{
	(void)state;
	world.paused = 0;
	for (int fd = SOCK_FD_BASE; fd < SOCK_FD_BASE + SOCK_MAX; fd++)
		sock_close(fd);		/* EBADF for the ones not open */
	nic_run();			/* frees the ICMP reply buffers */
	free(the_nic.tx_ring);
	free(the_nic.tx_slot);
	free(the_nic.tx_hdr);
	free(the_nic.rx_ring);
	free(the_nic.rx_buf);
	return 0;
}
