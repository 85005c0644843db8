/*
 * net/socket.c - the socket calls, and the send path itself:
 *
 *   sendmsg -> check the message, route, resolve the next hop's MAC
 *           -> wait for ring space (or EAGAIN)
 *           -> build Ethernet+IPv4+UDP headers in the ring slot's header
 *              buffer; copy a small payload after them, or gather the
 *              caller's iovecs as further descriptors
 *           -> post, and one tail write (one per sendmmsg batch)
 *           -> zero-copy: wait until the NIC reports the frame done.
 *
 * Completion is the driver's TX interrupt (or the sender's own look at
 * DD): it calls the socket's tx_owner, which counts the datagram done.
 * Everything that touches the ring runs with interrupts off, since the
 * interrupt handler is the ring's other user; see drivers/e1000.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/apic.h"
#include "kernel/lat.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "net/net.h"
#include "net/socket.h"

#define EPHEMERAL_PORT	49152

struct dgram {
	uint32_t src;
	uint16_t sport;
	uint16_t len;
	uint8_t data[UDP_MAX_PAYLOAD];
};

struct sock {
	struct tx_owner owner;	/* first: the ring's cookie is the socket */
	int used;
	uint16_t lport;		/* bound port, 0 = none yet */
	uint32_t raddr;		/* connected peer, 0 = none */
	uint16_t rport;
	uint64_t tx_posted;	/* datagrams put on the ring */
	volatile uint64_t tx_done;	/* ... and reported done by the NIC */
	struct dgram *rxq;	/* SOCK_RXQ_LEN received datagrams */
	volatile uint32_t rx_head, rx_tail;	/* read here, written by the IRQ */
};

/* Where one datagram goes, worked out before the ring is touched. */
struct dest {
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];
	size_t len;		/* payload bytes */
};

static struct sock socks[SOCK_MAX];

static int fail(int err)
{
	errno = err;
	return -1;
}

static struct sock *sock_get(int fd)
{
	int i = fd - SOCK_FD_BASE;

	if (i < 0 || i >= SOCK_MAX || !socks[i].used)
		return NULL;
	return &socks[i];
}

/* The TX interrupt's word that one of our datagrams has gone. */
static void sock_tx_done(struct tx_owner *o)
{
	struct sock *s = (struct sock *)o;

	lat_frame_done(s->tx_done);
	s->tx_done++;
}

int socket(int domain, int type, int protocol)
{
	for (int i = 0; i < SOCK_MAX; i++) {
		struct sock *s = &socks[i];

		if (s->used)
			continue;
		if (domain != AF_INET)
			return fail(EAFNOSUPPORT);
		if (type != SOCK_DGRAM || (protocol != 0 && protocol != IPPROTO_UDP_))
			return fail(EPROTONOSUPPORT);
		memset(s, 0, sizeof(*s));
		if (!(s->rxq = malloc(SOCK_RXQ_LEN * sizeof(struct dgram))))
			return fail(ENOBUFS);
		s->owner.done = sock_tx_done;
		s->used = 1;
		return SOCK_FD_BASE + i;
	}
	return fail(EMFILE);
}

static struct sock *port_owner(uint16_t port)
{
	for (int i = 0; i < SOCK_MAX; i++)
		if (socks[i].used && socks[i].lport == port)
			return &socks[i];
	return NULL;
}

/* An AF_INET address from the caller: 0, or a negative errno. */
static int read_addr(const struct sockaddr *a, socklen_t len, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in in;

	if (!a)
		return -EFAULT;
	if (len < sizeof(in))
		return -EINVAL;
	memcpy(&in, a, sizeof(in));
	if (in.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	*ip = ntohl(in.sin_addr.s_addr);
	*port = ntohs(in.sin_port);
	return 0;
}

static int bind_port(struct sock *s, uint16_t port)
{
	if (port == 0)
		for (port = EPHEMERAL_PORT; port_owner(port); port++)
			;
	else if (port_owner(port))
		return -EADDRINUSE;
	s->lport = port;
	return 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock *s = sock_get(fd);
	uint32_t ip;
	uint16_t port;
	int rc;

	if (!s)
		return fail(EBADF);
	if ((rc = read_addr(addr, len, &ip, &port)) < 0)
		return fail(-rc);
	if (s->lport)
		return fail(EINVAL);
	if (ip != 0 && ip != netif.ip)
		return fail(EADDRNOTAVAIL);
	return (rc = bind_port(s, port)) < 0 ? fail(-rc) : 0;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock *s = sock_get(fd);
	uint32_t ip;
	uint16_t port;
	int rc;

	if (!s)
		return fail(EBADF);
	if ((rc = read_addr(addr, len, &ip, &port)) < 0)
		return fail(-rc);
	if (ip == 0 || port == 0)
		return fail(EINVAL);
	if (!s->lport && (rc = bind_port(s, 0)) < 0)
		return fail(-rc);
	s->raddr = ip;
	s->rport = port;
	return 0;
}

/* Check the message's shape; the payload length, or a negative errno. */
static ssize_t check_msg(const struct msghdr *m, int flags)
{
	size_t len = 0;

	if (!m || (!m->msg_iov && m->msg_iovlen))
		return -EFAULT;
	if (flags & ~MSG_DONTWAIT)
		return -EOPNOTSUPP;
	if (m->msg_iovlen == 0)
		return -EINVAL;
	if (m->msg_iovlen > SOCK_IOV_MAX)
		return -EMSGSIZE;
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		if (!m->msg_iov[i].iov_base && m->msg_iov[i].iov_len)
			return -EFAULT;
		if (m->msg_iov[i].iov_len > UDP_MAX_PAYLOAD)
			return -EMSGSIZE;
		len += m->msg_iov[i].iov_len;
	}
	return len > UDP_MAX_PAYLOAD ? -EMSGSIZE : (ssize_t)len;
}

/* Everything before the ring: checks, destination, route, next hop's MAC. */
static int prepare(struct sock *s, const struct msghdr *m, int flags, struct dest *d)
{
	ssize_t len = check_msg(m, flags);
	uint32_t nexthop;
	int rc;

	if (len < 0)
		return (int)len;
	d->len = (size_t)len;
	if (m->msg_name) {
		if ((rc = read_addr(m->msg_name, m->msg_namelen, &d->ip, &d->port)) < 0)
			return rc;
		if (d->ip == 0 || d->port == 0)
			return -EINVAL;
	} else if (s->raddr) {
		d->ip = s->raddr;
		d->port = s->rport;
	} else {
		return -EDESTADDRREQ;
	}
	if (!net_link_up())
		return -ENETDOWN;
	if ((rc = ip_route(d->ip, &nexthop)) < 0)
		return rc;
	if (!s->lport && (rc = bind_port(s, 0)) < 0)
		return rc;
	return arp_resolve(nexthop, d->mac, flags & MSG_DONTWAIT);
}

/* Interrupts off.  Wait until need descriptors are free, kicking first. */
static int wait_ring(struct e1000 *nic, uint32_t need, int flags)
{
	uint64_t deadline = 0;

	if (need > nic->tx_count - 1)
		return -EMSGSIZE;	/* more iovecs than this ring can ever take */
	while (e1000_tx_free(nic) < need) {
		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		if (!deadline)
			deadline = now_ns() + SOCK_WAIT_MS * 1000000ULL;
		else if (now_ns() > deadline)
			return -ENOBUFS;
		e1000_tx_kick(nic);	/* a batch's earlier frames must go first */
		if (e1000_tx_reclaim(nic) == 0)
			idle_wait_us(1000);
		if (!net_link_up())
			return -ENETDOWN;
	}
	return 0;
}

/*
 * Interrupts off.  Headers into the slot's header buffer, the payload
 * copied after them or gathered from the caller, and onto the ring.
 * Returns 1 if the frame points into the caller's memory, 0 if not.
 * t_ready: when the ring had room (for the stage stamps).
 */
static int post(struct sock *s, const struct msghdr *m, const struct dest *d,
		uint64_t t_ready)
{
	struct e1000 *nic = netif.nic;
	uint64_t t_built = 0;
	uint8_t *hdr = e1000_tx_hdr_next(nic);
	struct e1000_seg seg[E1000_MAX_SEGS];
	struct iovec copied = { hdr + HDRS_LEN, d->len };
	int nseg = 1, zerocopy = d->len > SOCK_COPY_MAX;

	seg[0].addr = hdr;
	seg[0].len = HDRS_LEN;
	if (!zerocopy) {
		uint8_t *p = hdr + HDRS_LEN;

		for (size_t i = 0; i < m->msg_iovlen; i++) {
			if (m->msg_iov[i].iov_len)
				memcpy(p, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
			p += m->msg_iov[i].iov_len;
		}
		seg[0].len += (uint32_t)d->len;
		if (seg[0].len < E1000_MIN_FRAME) {	/* pad; IP's length is exact */
			memset(hdr + seg[0].len, 0, E1000_MIN_FRAME - seg[0].len);
			seg[0].len = E1000_MIN_FRAME;
		}
		udp_build(hdr + ETH_HLEN + IP_HLEN, d->ip, s->lport, d->port, &copied, 1, d->len);
	} else {
		for (size_t i = 0; i < m->msg_iovlen; i++)
			if (m->msg_iov[i].iov_len) {
				seg[nseg].addr = m->msg_iov[i].iov_base;
				seg[nseg++].len = (uint32_t)m->msg_iov[i].iov_len;
			}
		udp_build(hdr + ETH_HLEN + IP_HLEN, d->ip, s->lport, d->port,
			  m->msg_iov, (int)m->msg_iovlen, d->len);
	}
	ip_build(hdr + ETH_HLEN, d->ip, IPPROTO_UDP_, UDP_HLEN + (uint32_t)d->len);
	eth_build(hdr, d->mac, ETHERTYPE_IPV4);
	if (lat_stages_on)
		t_built = rdtsc();
	e1000_tx_post(nic, seg, nseg, &s->owner);	/* cannot fail: checked */
	s->tx_posted++;
	if (lat_stages_on) {
		lat_add(LAT_BUILD, t_built - t_ready);
		lat_add(LAT_POST, rdtsc() - t_built);
	}
	return zerocopy;
}

/* Interrupts off.  Wait until every datagram posted so far is done. */
static int wait_done(struct sock *s)
{
	uint64_t deadline = now_ns() + SOCK_WAIT_MS * 1000000ULL;

	while (s->tx_done < s->tx_posted) {
		if (e1000_tx_reclaim(netif.nic) > 0)
			continue;
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		idle_wait_us(1000);
	}
	lat_frame_seen(s->tx_posted - 1);
	return 0;
}

/* Descriptors a message will need: its non-empty iovecs, plus the headers. */
static uint32_t descs_needed(const struct msghdr *m, size_t len)
{
	uint32_t n = 1;

	if (len <= SOCK_COPY_MAX)
		return 1;
	for (size_t i = 0; i < m->msg_iovlen; i++)
		n += m->msg_iov[i].iov_len != 0;
	return n;
}

/*
 * The send path for vlen messages (sendmsg is vlen = 1): each prepared and
 * posted, one tail write for all, then the wait the buffer contract asks.
 * Returns how many were posted, or a negative errno if none was.
 */
static int send_batch(struct sock *s, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	uint64_t irq = irq_save(), first = s->tx_posted, t0 = 0, t1;
	unsigned int n = 0;
	int zerocopy = 0, rc = 0;

	for (; n < vlen; n++) {
		const struct msghdr *m = &vec[n].msg_hdr;
		struct dest d;

		if (lat_stages_on)
			t0 = rdtsc();
		if ((rc = prepare(s, m, flags, &d)) < 0)
			break;
		if (lat_stages_on)
			lat_add(LAT_RESOLVE, rdtsc() - t0);
		if ((rc = wait_ring(netif.nic, descs_needed(m, d.len), flags)) < 0)
			break;
		zerocopy |= post(s, m, &d, lat_stages_on ? rdtsc() : 0);
		vec[n].msg_len = (unsigned int)d.len;
	}
	if (n > 0 && !lat_stages_on) {
		e1000_tx_kick(netif.nic);
	} else if (n > 0) {
		t0 = rdtsc();
		e1000_tx_kick(netif.nic);
		t1 = rdtsc();
		lat_add(LAT_TAIL, t1 - t0);
		for (uint64_t seq = first; seq < s->tx_posted; seq++)
			lat_frame_sent(seq, t1);
	}
	/* The NIC still holds the caller's buffers: that is an error, always. */
	if (zerocopy && wait_done(s) < 0) {
		irq_restore(irq);
		return -ETIMEDOUT;
	}
	irq_restore(irq);
	return n > 0 ? (int)n : rc;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sock *s = sock_get(fd);
	struct mmsghdr one;
	int rc;

	if (!s)
		return fail(EBADF);
	if (!msg)
		return fail(EFAULT);
	one.msg_hdr = *msg;
	rc = send_batch(s, &one, 1, flags);
	return rc < 0 ? fail(-rc) : (ssize_t)one.msg_len;
}

int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	struct sock *s = sock_get(fd);
	int rc;

	if (!s)
		return fail(EBADF);
	if (!vec)
		return fail(EFAULT);
	if (vlen > SOCK_MMSG_MAX)
		vlen = SOCK_MMSG_MAX;
	if (vlen == 0)
		return 0;
	rc = send_batch(s, vec, vlen, flags);
	return rc < 0 ? fail(-rc) : rc;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { (void *)to, tolen, &iov, 1, NULL, 0, 0 };

	return sendmsg(fd, &m, flags);
}

/* In the receive interrupt: queue a datagram for the socket bound to port. */
int sock_deliver(uint16_t port, uint32_t src, uint16_t sport, const uint8_t *data,
		 uint32_t len)
{
	struct sock *s = port_owner(port);
	struct dgram *g;

	if (!s)
		return -ENOENT;
	if (s->rx_tail - s->rx_head == SOCK_RXQ_LEN)
		return -ENOBUFS;
	g = &s->rxq[s->rx_tail % SOCK_RXQ_LEN];
	g->src = src;
	g->sport = sport;
	g->len = (uint16_t)len;
	memcpy(g->data, data, len);
	s->rx_tail++;
	return 0;
}

/* Copy the oldest queued datagram out: interrupts off, queue not empty. */
static size_t copy_out(struct sock *s, struct msghdr *m)
{
	const struct dgram *g = &s->rxq[s->rx_head % SOCK_RXQ_LEN];
	size_t off = 0;
	struct sockaddr_in from = { AF_INET, htons(g->sport), { htonl(g->src) }, { 0 } };

	for (size_t i = 0; i < m->msg_iovlen && off < g->len; i++) {
		size_t n = m->msg_iov[i].iov_len < g->len - off ?
			   m->msg_iov[i].iov_len : g->len - off;

		memcpy(m->msg_iov[i].iov_base, g->data + off, n);
		off += n;
	}
	m->msg_flags = off < g->len ? MSG_TRUNC : 0;
	if (m->msg_name) {
		memcpy(m->msg_name, &from, m->msg_namelen < sizeof(from) ?
		       m->msg_namelen : sizeof(from));
		m->msg_namelen = sizeof(from);
	}
	s->rx_head++;
	return off;
}

/*
 * Interrupts off, queue empty.  Look at the receive ring ourselves for up
 * to SOCK_BUSY_POLL_US before sleeping for the interrupt: a reply that
 * comes soon is taken at once, not when QEMU's interrupt mitigation lets
 * the interrupt through (docs/tuning.md).
 */
static void busy_poll(struct sock *s)
{
	uint64_t end = now_ns() + SOCK_BUSY_POLL_US * 1000ULL;

	while (s->rx_head == s->rx_tail && now_ns() < end)
		if (e1000_rx_poll(netif.nic) == 0)
			idle_wait_us(SOCK_POLL_NAP_US);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sock *s = sock_get(fd);
	uint64_t irq;
	ssize_t n;

	if (!s)
		return fail(EBADF);
	if (!msg || (!msg->msg_iov && msg->msg_iovlen))
		return fail(EFAULT);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		if (!msg->msg_iov[i].iov_base && msg->msg_iov[i].iov_len)
			return fail(EFAULT);
	if (flags & ~MSG_DONTWAIT)
		return fail(EOPNOTSUPP);
	if (!s->lport)
		return fail(EINVAL);
	irq = irq_save();
	if (s->rx_head == s->rx_tail && !(flags & MSG_DONTWAIT))
		busy_poll(s);
	while (s->rx_head == s->rx_tail) {
		if (flags & MSG_DONTWAIT) {
			irq_restore(irq);
			return fail(EAGAIN);
		}
		idle_wait_us(100000);
	}
	n = (ssize_t)copy_out(s, msg);
	irq_restore(irq);
	return n;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = { buf, len };
	struct msghdr m = { from, fromlen ? *fromlen : 0, &iov, 1, NULL, 0, 0 };
	ssize_t n;

	if (from && !fromlen)
		return fail(EFAULT);
	n = recvmsg(fd, &m, flags);
	if (n >= 0 && fromlen)
		*fromlen = m.msg_namelen;
	return n;
}

int sock_close(int fd)
{
	struct sock *s = sock_get(fd);
	uint64_t irq;

	if (!s)
		return fail(EBADF);
	irq = irq_save();
	wait_done(s);		/* a reused slot must not count our datagrams */
	s->used = 0;
	s->lport = 0;
	irq_restore(irq);
	free(s->rxq);
	return 0;
}

uint64_t sock_completed(int fd)
{
	struct sock *s = sock_get(fd);
	uint64_t irq;

	if (!s)
		return 0;
	irq = irq_save();
	wait_done(s);
	irq_restore(irq);
	return s->tx_done;
}
