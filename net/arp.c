/*
 * net/arp.c - ARP (RFC 826) for IPv4 over Ethernet: a small cache,
 * resolution with retries and a deadline, answers to requests for our
 * address, and a gratuitous ARP when the stack comes up on a live link.
 *
 * An address nobody answered for stays "failed" for ARP_FAILED_HOLD_MS:
 * sends to it fail at once with EHOSTUNREACH instead of each waiting out
 * the retries again (Linux's neighbour FAILED state does the same).
 *
 * The cache is written on the receive path and read by senders, so
 * every access runs with interrupts off.
 */
#include <errno.h>
#include <string.h>

#include "kernel/time.h"
#include "kernel/x86.h"
#include "net/byteorder.h"
#include "net/net.h"

enum arp_op { ARP_REQUEST = 1, ARP_REPLY = 2 };

enum arp_state {
	ARP_FREE,
	ARP_RESOLVED,	/* answered; trusted for ARP_ENTRY_MS */
	ARP_FAILED,	/* nobody answered; fails at once for ARP_FAILED_HOLD_MS */
	ARP_STATIC,	/* given on the command line (arp=): never expires or changes */
};

struct arp_entry {
	uint32_t ip;
	uint8_t mac[6];
	enum arp_state state;
	uint64_t stamp_ns;	/* when it was resolved, or failed */
};

static struct arp_entry cache[ARP_CACHE_SIZE];

static const uint8_t broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static struct arp_entry *find(uint32_t ip)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (cache[i].state != ARP_FREE && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* The entry for ip, or a free one, or the oldest learned one, in that order. */
static struct arp_entry *slot_for(uint32_t ip)
{
	struct arp_entry *e = find(ip), *oldest = NULL;

	if (e)
		return e;
	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		if (cache[i].state == ARP_FREE)
			return &cache[i];
		if (cache[i].state != ARP_STATIC &&
		    (!oldest || cache[i].stamp_ns < oldest->stamp_ns))
			oldest = &cache[i];
	}
	return oldest;		/* not NULL: arp_add_static keeps a slot free */
}

static void update(uint32_t ip, const uint8_t mac[6], enum arp_state state)
{
	struct arp_entry *e = slot_for(ip);

	if (e->state == ARP_STATIC && e->ip == ip)
		return;
	e->ip = ip;
	if (mac)
		memcpy(e->mac, mac, 6);
	e->state = state;
	e->stamp_ns = now_ns();
}

/*
 * 0 and the MAC; -EHOSTUNREACH if recently failed; -ENOENT if unknown.
 * [lab 5.3]
 */
int arp_lookup(uint32_t ip, uint8_t mac[6])
{
	uint64_t flags = irq_save(), age;
	const struct arp_entry *e = find(ip);
	int rc = -ENOENT;

	if (e) {
		age = now_ns() - e->stamp_ns;
		if (e->state == ARP_STATIC ||
		    (e->state == ARP_RESOLVED && age < ARP_ENTRY_MS * 1000000ULL)) {
			memcpy(mac, e->mac, 6);
			rc = 0;
		} else if (e->state == ARP_FAILED && age < ARP_FAILED_HOLD_MS * 1000000ULL) {
			rc = -EHOSTUNREACH;
		}
	}
	irq_restore(flags);
	return rc;
}

void arp_cache_clear(void)
{
	memset(cache, 0, sizeof(cache));
}

/*
 * A neighbour known in advance (arp=IP@MAC): the first datagram to it
 * needs no ARP exchange.  At most ARP_CACHE_SIZE - 1, so that learned
 * entries always have a slot; 0 or -ENOSPC.
 */
int arp_add_static(uint32_t ip, const uint8_t mac[6])
{
	uint64_t flags = irq_save();
	int n = 0, rc = -ENOSPC;

	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		n += cache[i].state == ARP_STATIC;
	if (n < ARP_CACHE_SIZE - 1) {
		struct arp_entry *e = find(ip);

		if (e)
			e->state = ARP_FREE;
		update(ip, mac, ARP_STATIC);
		rc = 0;
	}
	irq_restore(flags);
	return rc;
}

/* An ARP packet in a slot's header buffer, padded to the Ethernet minimum. */
static void arp_send(enum arp_op op, const uint8_t eth_dst[6], const uint8_t tha[6],
		     uint32_t tpa)
{
	uint64_t flags = irq_save();
	uint8_t *f = e1000_tx_hdr_next(netif.nic);
	struct arp_pkt *a = (struct arp_pkt *)(f + ETH_HLEN);
	struct e1000_seg seg = { f, eth_pad(f, ETH_HLEN + ARP_LEN) };

	eth_build(f, eth_dst, ETHERTYPE_ARP);
	put_be16(a->htype, 1);
	put_be16(a->ptype, ETHERTYPE_IPV4);
	a->hlen = 6;
	a->plen = 4;
	put_be16(a->op, op);
	memcpy(a->sha, netif.mac, 6);
	put_be32(a->spa, netif.ip);
	memcpy(a->tha, tha, 6);
	put_be32(a->tpa, tpa);
	if (net_tx(&seg, 1, NULL) < 0)
		net_drop(DROP_TX_BUSY);
	irq_restore(flags);
}

/* Gratuitous ARP: a request for our own address, so neighbours learn it. */
void arp_announce(void)
{
	static const uint8_t zero[6];

	arp_send(ARP_REQUEST, broadcast, zero, netif.ip);
}

/* Wait, interrupts off, until ip resolves or deadline passes. */
static int wait_reply(uint32_t ip, uint8_t mac[6], uint64_t deadline)
{
	uint64_t flags = irq_save();
	int rc;

	while ((rc = arp_lookup(ip, mac)) != 0 && now_ns() < deadline)
		idle_wait_us((deadline - now_ns()) / 1000 + 1);
	irq_restore(flags);
	return rc;
}

/*
 * The MAC for ip: from the cache, or ask up to ARP_TRIES times,
 * ARP_RETRY_MS apart.  dontwait: ask once and return -EAGAIN.
 * [lab 5.3]
 */
int arp_resolve(uint32_t ip, uint8_t mac[6], int dontwait)
{
	static const uint8_t zero[6];
	int rc = arp_lookup(ip, mac);
	uint64_t flags;

	if (rc != -ENOENT)
		return rc;
	for (int try = 0; try < ARP_TRIES; try++) {
		arp_send(ARP_REQUEST, broadcast, zero, ip);
		if (dontwait)
			return -EAGAIN;
		if (wait_reply(ip, mac, now_ns() + ARP_RETRY_MS * 1000000ULL) == 0)
			return 0;
	}
	flags = irq_save();
	update(ip, NULL, ARP_FAILED);
	irq_restore(flags);
	return -EHOSTUNREACH;
}

/*
 * On the receive path: the interrupt handler, or a poll of the ring.
 * [lab 5.3]
 */
void arp_input(const uint8_t *pkt, uint32_t len)
{
	const struct arp_pkt *a = (const struct arp_pkt *)pkt;
	uint32_t spa, tpa;

	if (len < ARP_LEN || get_be16(a->htype) != 1 ||
	    get_be16(a->ptype) != ETHERTYPE_IPV4 || a->hlen != 6 || a->plen != 4 ||
	    (get_be16(a->op) != ARP_REQUEST && get_be16(a->op) != ARP_REPLY)) {
		net_drop(DROP_ARP_BAD);
		return;
	}
	netif.rx_arp++;
	spa = get_be32(a->spa);
	tpa = get_be32(a->tpa);
	/* RFC 826 "merge": refresh a known sender; learn one that asks for us. */
	if (spa && (find(spa) || tpa == netif.ip))
		update(spa, a->sha, ARP_RESOLVED);
	if (get_be16(a->op) == ARP_REQUEST && tpa == netif.ip && spa != netif.ip)
		arp_send(ARP_REPLY, a->sha, a->sha, spa);
}
