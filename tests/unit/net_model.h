/*
 * tests/unit/net_model.h - what test_net.c runs the network stack against:
 * the model NIC (tests/unit/nic_model.h) with a neighbour that may answer
 * ARP, a fake clock, a reference frame builder, and the set-up that brings
 * the stack up on them (tests/unit/net_model.c).
 */
#ifndef NET_MODEL_H
#define NET_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/e1000.h"
#include "kernel/cmdline.h"
#include "net/net.h"
#include "net/sock.h"	/* the stack's own limits: SOCK_MAX, SOCK_RXQ_LEN */
#include "tests/unit/nic_model.h"

#define TXRING		64	/* the model NIC's TX ring, unless setup_ring8 */
#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define PEER_IP		IP(192, 0, 2, 1)	/* the default dst */
#define OUR_IP		IP(192, 0, 2, 2)	/* the default ip */
#define OFFLINK_IP	IP(198, 51, 100, 7)

extern const uint8_t our_mac[6], peer_mac[6], bcast[6], zero_mac[6];

/* The world around the model NIC (tests/unit/nic_model.h: what it sent). */
struct world {
	int paused;		/* the NIC sends nothing: lets the ring fill */
	uint32_t answer_ip;	/* a neighbour answers ARP for it (0: none) */
	uint8_t answer_mac[6];
};

extern struct world world;
extern struct e1000 the_nic;
extern uint64_t clock_ns;		/* the fake clock now_ns() reads */
extern struct config cfg;		/* cmdline_parse("") */
extern uint8_t payload[UDP_MAX_PAYLOAD + 64];	/* byte i is i * 7 + 3 */

/* What the TX interrupt would do: the NIC sends, the driver reclaims. */
void nic_run(void);

/* Reference frames, built with a slow RFC 1071 checksum of their own. */
uint16_t ref_csum(const uint8_t *p, size_t len);
uint16_t ref_udp_csum(uint32_t src, uint32_t dst, const uint8_t *udp, uint32_t ulen);
uint32_t ref_out(uint8_t *f, const uint8_t *dmac, uint32_t dst, uint16_t sport,
		 uint16_t dport, uint16_t id, const uint8_t *data, uint32_t len);
uint32_t ref_in(uint8_t *f, uint16_t sport, uint16_t dport, const uint8_t *data,
		uint32_t len);
void arp_make(uint8_t *p, uint16_t op, const uint8_t sha[6], uint32_t spa,
	      const uint8_t tha[6], uint32_t tpa);

/* Checks on what the model sent. */
void assert_frame(uint32_t idx, const uint8_t *want, uint32_t len);
void assert_arp(uint32_t idx, uint16_t op, const uint8_t *eth_dst,
		const uint8_t *tha, uint32_t tpa);

/* Small conveniences. */
void learn(uint32_t ip, const uint8_t mac[6]);
struct sockaddr_in addr(uint32_t ip, uint16_t port);
int udp_socket(uint16_t port);
ssize_t send_to(int fd, const void *buf, size_t len, int flags, uint32_t ip,
		uint16_t port);
uint64_t drops_total(void);

/* cmocka set-up: the stack up on a fresh model NIC; teardown closes all. */
int setup(void **state);
int setup_ring8(void **state);
int teardown(void **state);

#endif
