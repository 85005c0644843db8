/*
 * net/send.c - the send path: sendmsg, sendmmsg, sendto.
 *
 *   sendmsg -> check the message, route, resolve the next hop's MAC
 *           -> wait for ring space (or EAGAIN)
 *           -> build Ethernet+IPv4+UDP headers in the ring slot's header
 *              buffer; copy a small payload after them, or gather the caller's
 *              iovecs as further descriptors; the NIC computes the UDP
 *              checksum (offload), seeded with the pseudo-header sum
 *           -> post, and one tail write (one per sendmmsg batch)
 *           -> zero-copy: wait until the NIC reports the frame done.
 *
 * Completion is the driver's TX interrupt (or the sender's own look at
 * DD): it calls the socket's tx_owner, which counts the datagram done.
 * Everything that touches the ring runs with interrupts off, since the
 * interrupt handler is the ring's other user; see drivers/e1000.h.
 */
#include <errno.h>
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/lat.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "net/sock.h"

/* Where one datagram goes, worked out before the ring is touched. */
struct dest {
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];
	size_t len;		/* payload bytes */
};

/* Check the message's shape; the payload length, or a negative errno. */
static ssize_t check_msg(const struct msghdr *m, int flags)
{
	size_t len = 0;

	if (sock_check_iov(m) < 0)
		return -EFAULT;
	if (flags & ~MSG_DONTWAIT)
		return -EOPNOTSUPP;
	if (m->msg_iovlen == 0)
		return -EINVAL;
	if (m->msg_iovlen > SOCK_IOV_MAX)
		return -EMSGSIZE;
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len > UDP_MAX_PAYLOAD)
			return -EMSGSIZE;
		len += m->msg_iov[i].iov_len;
	}
	return len > UDP_MAX_PAYLOAD ? -EMSGSIZE : (ssize_t)len;
}

/*
 * Everything before the ring: checks, destination, route, next hop's MAC.
 * again: d holds what the batch's previous datagram found, and that one
 * went to the connected peer, as this one does; then the route and the MAC
 * are d's already.  A batch resolves its peer once, as one send would:
 * should an ARP reply change the peer's MAC while the batch waits for ring
 * space (the one moment interrupts come in), the rest of the batch still
 * goes where it started.
 */
static int prepare(struct sock *s, const struct msghdr *m, int flags, struct dest *d,
		   int again)
{
	ssize_t len = check_msg(m, flags);
	uint32_t nexthop;
	int rc;

	if (len < 0)
		return (int)len;
	d->len = (size_t)len;
	if (!net_link_up())
		return -ENETDOWN;
	if (again && !m->msg_name)
		return 0;
	if (m->msg_name) {
		if ((rc = sock_read_addr(m->msg_name, m->msg_namelen, &d->ip, &d->port)) < 0)
			return rc;
		if (d->ip == 0 || d->port == 0)
			return -EINVAL;
	} else if (s->raddr) {
		d->ip = s->raddr;
		d->port = s->rport;
	} else {
		return -EDESTADDRREQ;
	}
	if ((rc = ip_route(d->ip, &nexthop)) < 0)
		return rc;
	if (!s->lport && (rc = sock_bind_port(s, 0)) < 0)
		return rc;
	return arp_resolve(nexthop, d->mac, flags & MSG_DONTWAIT);
}

/*
 * The watchdog, at the end of a wait of SOCK_WAIT_MS: if the NIC finished
 * nothing in all that time (done is what it had finished when the wait
 * began), it is stuck: reset its transmit side.
 */
static void watchdog(uint64_t done)
{
	if (e1000_tx_completed(netif.nic) == done)
		net_tx_timeout();
}

/* Interrupts off.  Wait until need descriptors are free, kicking first. */
static int wait_ring(struct e1000 *nic, uint32_t need, int flags)
{
	uint64_t deadline = 0, done = e1000_tx_completed(nic);

	if (need > e1000_tx_capacity(nic))
		return -EMSGSIZE;	/* more iovecs than this ring can ever take */
	while (e1000_tx_free(nic) < need) {
		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		if (!deadline) {
			deadline = now_ns() + SOCK_WAIT_MS * 1000000ULL;
		} else if (now_ns() > deadline) {
			watchdog(done);
			return -ENOBUFS;
		}
		e1000_tx_kick(nic);	/* a batch's earlier frames must go first */
		if (e1000_tx_reclaim(nic) == 0)
			idle_wait_us(1000);
		if (!net_link_up())
			return -ENETDOWN;
	}
	return 0;
}

/*
 * Copy the payload after the headers, pad to the Ethernet minimum; frame length.
 * [lab 5.4]
 */
static uint32_t copy_payload(uint8_t *hdr, const struct msghdr *m, size_t len)
{
	uint8_t *p = hdr + HDRS_LEN;

	for (size_t i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len)
			memcpy(p, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		p += m->msg_iov[i].iov_len;
	}
	return eth_pad(hdr, HDRS_LEN + (uint32_t)len);
}

/*
 * The caller's non-empty iovecs as descriptors after seg[0]; how many in all.
 * [lab 5.4]
 */
static int gather_payload(struct e1000_seg *seg, const struct msghdr *m)
{
	int nseg = 1;

	for (size_t i = 0; i < m->msg_iovlen; i++)
		if (m->msg_iov[i].iov_len) {
			seg[nseg].addr = m->msg_iov[i].iov_base;
			seg[nseg++].len = (uint32_t)m->msg_iov[i].iov_len;
		}
	return nseg;
}

/*
 * Interrupts off.  A datagram's frame as segments for the ring: the headers
 * in the next slot's header buffer, the payload copied after them or
 * gathered from the caller's iovecs.  Returns the number of segments.
 * [lab 5.4]
 */
static int build_frame(struct sock *s, const struct msghdr *m, const struct dest *d,
		       struct e1000_seg *seg)
{
	uint8_t *hdr = e1000_tx_hdr_next(netif.nic);
	int nseg = 1;

	seg[0].addr = hdr;
	seg[0].len = HDRS_LEN;
	if (d->len > SOCK_COPY_MAX)
		nseg = gather_payload(seg, m);
	else
		seg[0].len = copy_payload(hdr, m, d->len);
	udp_build(hdr + ETH_HLEN + IP_HLEN, d->ip, s->lport, d->port, (uint32_t)d->len);
	ip_build(hdr + ETH_HLEN, d->ip, IPPROTO_UDP, UDP_HLEN + (uint32_t)d->len);
	eth_build(hdr, d->mac, ETHERTYPE_IPV4);
	return nseg;
}

/* Interrupts off.  Wait until every datagram posted so far is done. */
int sock_wait_done(struct sock *s)
{
	uint64_t deadline = now_ns() + SOCK_WAIT_MS * 1000000ULL;
	uint64_t done = e1000_tx_completed(netif.nic);

	while (s->tx_done < s->tx_posted) {
		if (e1000_tx_reclaim(netif.nic) > 0)
			continue;
		if (now_ns() > deadline) {
			watchdog(done);
			return -ETIMEDOUT;
		}
		idle_wait_us(1000);
	}
	lat_stamp(LAT_AT_SEEN, s->tx_posted - 1);
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
	uint64_t irq = irq_save();
	unsigned int n = 0;
	int zerocopy = 0, rc = 0;
	struct dest d;

	for (; n < vlen; n++) {
		const struct msghdr *m = &vec[n].msg_hdr;
		struct e1000_seg seg[E1000_MAX_SEGS];
		int nseg;

		lat_stamp(LAT_AT_START, 0);
		if ((rc = prepare(s, m, flags, &d, n > 0 && !vec[n - 1].msg_hdr.msg_name)) < 0)
			break;
		lat_stamp(LAT_AT_RESOLVED, 0);
		if ((rc = wait_ring(netif.nic, descs_needed(m, d.len), flags)) < 0)
			break;
		lat_stamp(LAT_AT_READY, 0);
		nseg = build_frame(s, m, &d, seg);
		lat_stamp(LAT_AT_BUILT, 0);
		/* wait_ring made room, so only a broken driver says no */
		if (e1000_tx_post_udp(netif.nic, seg, nseg, &s->owner) < 0)
			panic("net: e1000_tx_post_udp refused a frame the ring has room for");
		lat_stamp(LAT_AT_POSTED, s->tx_posted);
		s->tx_posted++;
		zerocopy |= d.len > SOCK_COPY_MAX;
		vec[n].msg_len = (unsigned int)d.len;
	}
	if (n > 0) {
		lat_stamp(LAT_AT_KICK, 0);
		e1000_tx_kick(netif.nic);
		lat_stamp(LAT_AT_KICKED, 0);
	}
	/* The NIC still holds the caller's buffers: that is an error, always. */
	if (zerocopy && sock_wait_done(s) < 0) {
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
		return sock_fail(EBADF);
	if (!msg)
		return sock_fail(EFAULT);
	one.msg_hdr = *msg;
	rc = send_batch(s, &one, 1, flags);
	return rc < 0 ? sock_fail(-rc) : (ssize_t)one.msg_len;
}

int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	struct sock *s = sock_get(fd);
	int rc;

	if (!s)
		return sock_fail(EBADF);
	if (!vec)
		return sock_fail(EFAULT);
	if (vlen > SOCK_MMSG_MAX)
		vlen = SOCK_MMSG_MAX;
	if (vlen == 0)
		return 0;
	rc = send_batch(s, vec, vlen, flags);
	return rc < 0 ? sock_fail(-rc) : rc;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { (void *)to, tolen, &iov, 1, NULL, 0, 0 };

	return sendmsg(fd, &m, flags);
}

