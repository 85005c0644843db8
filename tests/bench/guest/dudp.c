/*
 * tests/bench/guest/dudp.c - the DPDK side of `make bench`: UDP over DPDK's
 * e1000 poll mode driver (net_e1000_em), from the Linux guest's user space,
 * with no system call and no interrupt per packet: what a user would pick
 * instead of this kernel.
 *
 *   dudp EAL-ARGS -- send SRC_IP DST_IP DST_MAC PORT COUNT SIZE BATCH
 *   dudp EAL-ARGS -- echo OWN_IP PORT
 *
 * send: COUNT datagrams of SIZE payload bytes from SRC_IP:PORT to
 * DST_IP:PORT, Ethernet destination DST_MAC (DPDK has no ARP: the bench
 * gives the tap's MAC, as this kernel's arp= does), BATCH to a burst.  The
 * payload is docs/interface.md's.  Each datagram is built as this kernel's
 * sendmsg builds it: Ethernet, IPv4 with its checksum computed here, UDP
 * seeded with the pseudo-header sum for the NIC's checksum offload.  The
 * payload is written before the clock starts (as the unikernel's
 * application writes it before its call); the clock then takes the headers
 * and rte_eth_tx_burst (stage "call", the figure beside sendmsg), and
 * rte_eth_tx_burst alone (stage "burst").  One sample per burst.
 *
 * echo: busy-poll the receive queue; every UDP datagram for OWN_IP:PORT
 * goes back where it came from, its addresses and ports swapped (the
 * checksums stay right: a one's-complement sum does not depend on the order
 * of its words), until the guest is stopped.  No ARP: the host needs a
 * static entry for OWN_IP.
 *
 * Lines on stdout, as lsend's (stats.h):
 *   @lat stage=call ..., @lat stage=burst ..., @samples stage=call ...
 *   @dpdk port_mac=M tx_retries=N opackets=N oerrors=N
 *   @done mode=send sent=N failed=F
 *   @dpdk echo ready   (echo, once the port is up)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "stats.h"

#define PORT_ID		0
#define RING_SIZE	256	/* descriptors, as the unikernel's default ring */
#define POOL_SIZE	4095
#define MAX_BURST	64
#define HDRS_LEN	(RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))
#define LINK_WAIT_MS	5000

struct flow {
	struct rte_ether_addr src_mac, dst_mac;
	rte_be32_t src_ip, dst_ip;
	rte_be16_t port;
	unsigned size;
	uint16_t ip_id;
};

static void die(const char *what)
{
	printf("@error dpdk: %s\n", what);
	fflush(stdout);
	exit(1);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		die("a number on the command line is not one, or too large");
	return v;
}

static rte_be32_t ipv4(const char *s)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 ||
	    a > 255 || b > 255 || c > 255 || d > 255)
		die("an IPv4 address on the command line is not one");
	return rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d);
}

/* One port, one queue each way, the UDP and IPv4 checksum offloads if it has them. */
static struct rte_mempool *port_up(struct rte_ether_addr *mac)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_mempool *pool;

	if (rte_eth_dev_count_avail() < 1)
		die("no port: is the NIC bound to uio_pci_generic, and the PMD loaded?");
	pool = rte_pktmbuf_pool_create("mbufs", POOL_SIZE, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (!pool)
		die("no mbuf pool (hugepages?)");
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_info_get(PORT_ID, &info) != 0)
		die("rte_eth_dev_info_get");
	conf.txmode.offloads = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (rte_eth_dev_configure(PORT_ID, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(PORT_ID, 0, RING_SIZE, rte_socket_id(), NULL, pool) != 0 ||
	    rte_eth_tx_queue_setup(PORT_ID, 0, RING_SIZE, rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(PORT_ID) != 0)
		die("port set-up failed");
	rte_eth_macaddr_get(PORT_ID, mac);
	for (int ms = 0; ms < LINK_WAIT_MS; ms += 10) {
		rte_eth_link_get_nowait(PORT_ID, &link);
		if (link.link_status == RTE_ETH_LINK_UP)
			return pool;
		rte_delay_ms(10);
	}
	die("no link");
	return NULL;
}

/* Ethernet, IPv4 and UDP headers in front of the payload, as sendmsg builds them. */
static void build_headers(struct rte_mbuf *m, struct flow *f)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	eth->dst_addr = f->dst_mac;
	eth->src_addr = f->src_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*udp) + f->size);
	ip->packet_id = rte_cpu_to_be_16(f->ip_id++);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = f->src_ip;
	ip->dst_addr = f->dst_ip;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = f->port;
	udp->dst_port = f->port;
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + f->size);
	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip);
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
	udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
}

/* n mbufs holding datagrams seq.. with their payloads, headers to come. */
static void fill_burst(struct rte_mempool *pool, struct rte_mbuf **m, unsigned n,
		       uint64_t seq, unsigned size)
{
	if (rte_pktmbuf_alloc_bulk(pool, m, n) != 0)
		die("out of mbufs");
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m[i], HDRS_LEN + size);

		if (!p)
			die("datagram larger than an mbuf");
		fill_payload(p + HDRS_LEN, size, seq + i);
	}
}

static int run_send(struct rte_mempool *pool, struct flow *f, uint64_t count, unsigned batch)
{
	size_t calls = 0;
	uint64_t *call = calloc(count, sizeof(*call)), *burst = calloc(count, sizeof(*burst));
	uint64_t seq, retries = 0;
	struct rte_eth_stats st;
	double hz = tsc_hz();

	if (!call || !burst)
		die("no memory for samples");
	for (seq = 0; seq < count; calls++) {
		struct rte_mbuf *m[MAX_BURST];
		unsigned n = count - seq < batch ? count - seq : batch, sent = 0;
		uint64_t c0, c1;

		fill_burst(pool, m, n, seq, f->size);
		c0 = rdtsc_fenced();
		for (unsigned i = 0; i < n; i++)
			build_headers(m[i], f);
		c1 = rdtsc_fenced();
		while (sent < n) {	/* a full ring takes what it can; the rest again */
			sent += rte_eth_tx_burst(PORT_ID, 0, m + sent, n - sent);
			retries += sent < n;
		}
		burst[calls] = rdtsc_fenced() - c1;
		call[calls] = burst[calls] + (c1 - c0);
		seq += n;
	}
	rte_delay_ms(100);		/* the last frames leave (QEMU: inside the tail write) */
	rte_eth_stats_get(PORT_ID, &st);
	print_lat("call", f->size, batch, call, calls, hz);
	print_lat("burst", f->size, batch, burst, calls, hz);
	print_samples(f->size, call, calls, hz);
	printf("@dpdk tx_retries=%llu opackets=%llu oerrors=%llu\n", (unsigned long long)retries,
	       (unsigned long long)st.opackets, (unsigned long long)st.oerrors);
	printf("@done mode=send sent=%llu failed=%llu\n", (unsigned long long)st.opackets,
	       (unsigned long long)(count - st.opackets));
	return st.opackets == count ? 0 : 1;
}

/* A UDP datagram for us, turned around in place; 0 if it is not one. */
static int turn_around(struct rte_mbuf *m, rte_be32_t own_ip, rte_be16_t port,
		       const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	rte_be32_t a;
	rte_be16_t p;

	if (m->data_len < HDRS_LEN || eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF || ip->next_proto_id != IPPROTO_UDP ||
	    ip->dst_addr != own_ip || udp->dst_port != port)
		return 0;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = *mac;
	a = ip->src_addr, ip->src_addr = ip->dst_addr, ip->dst_addr = a;
	p = udp->src_port, udp->src_port = udp->dst_port, udp->dst_port = p;
	m->ol_flags = 0;
	return 1;
}

static int run_echo(const struct rte_ether_addr *mac, rte_be32_t own_ip, rte_be16_t port)
{
	printf("@dpdk echo ready\n");
	fflush(stdout);
	for (;;) {
		struct rte_mbuf *in[MAX_BURST], *out[MAX_BURST];
		uint16_t n = rte_eth_rx_burst(PORT_ID, 0, in, MAX_BURST), k = 0, sent;

		for (uint16_t i = 0; i < n; i++) {
			if (turn_around(in[i], own_ip, port, mac))
				out[k++] = in[i];
			else
				rte_pktmbuf_free(in[i]);
		}
		sent = k ? rte_eth_tx_burst(PORT_ID, 0, out, k) : 0;
		for (uint16_t i = sent; i < k; i++)
			rte_pktmbuf_free(out[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rte_ether_addr mac;
	struct rte_mempool *pool;
	struct flow f;
	int eal = rte_eal_init(argc, argv);

	if (eal < 0)
		die("rte_eal_init failed");
	argc -= eal;
	argv += eal;
	if (argc < 2)
		die("usage: dudp EAL-ARGS -- send|echo ...");
	pool = port_up(&mac);
	printf("@dpdk port_mac=%02x:%02x:%02x:%02x:%02x:%02x\n", mac.addr_bytes[0],
	       mac.addr_bytes[1], mac.addr_bytes[2], mac.addr_bytes[3], mac.addr_bytes[4],
	       mac.addr_bytes[5]);
	if (!strcmp(argv[1], "echo") && argc == 4)
		return run_echo(&mac, ipv4(argv[2]), rte_cpu_to_be_16(number(argv[3], 65535)));
	if (strcmp(argv[1], "send") || argc != 9)
		die("usage: dudp EAL-ARGS -- send SRC_IP DST_IP DST_MAC PORT COUNT SIZE BATCH");
	memset(&f, 0, sizeof(f));
	f.src_mac = mac;
	f.src_ip = ipv4(argv[2]);
	f.dst_ip = ipv4(argv[3]);
	if (rte_ether_unformat_addr(argv[4], &f.dst_mac) != 0)
		die("DST_MAC is not a MAC address");
	f.port = rte_cpu_to_be_16(number(argv[5], 65535));
	f.size = number(argv[7], 1472);
	f.ip_id = 1;
	if (f.size < 8)
		die("SIZE is below 8");
	return run_send(pool, &f, number(argv[6], UINT32_MAX),
			(unsigned)number(argv[8], MAX_BURST) ?: 1);
}
