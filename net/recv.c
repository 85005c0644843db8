/*
 * net/recv.c - the receive side of the sockets: the interrupt queues each
 * datagram for its socket (sock_deliver); recvmsg and recvfrom take them
 * off, looking at the ring themselves for a while before they sleep.
 */
#include <errno.h>
#include <string.h>

#include "kernel/time.h"
#include "kernel/x86.h"
#include "net/sock.h"

/* On the receive path: queue a datagram for the socket bound to port. */
int sock_deliver(uint16_t port, uint32_t src, uint16_t sport, const uint8_t *data,
		 uint32_t len)
{
	struct sock *s = sock_port_owner(port);
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
		return sock_fail(EBADF);
	if (sock_check_iov(msg) < 0)
		return sock_fail(EFAULT);
	if (flags & ~MSG_DONTWAIT)
		return sock_fail(EOPNOTSUPP);
	if (!s->lport)
		return sock_fail(EINVAL);
	irq = irq_save();
	if (s->rx_head == s->rx_tail && !(flags & MSG_DONTWAIT))
		busy_poll(s);
	while (s->rx_head == s->rx_tail) {
		if (flags & MSG_DONTWAIT) {
			irq_restore(irq);
			return sock_fail(EAGAIN);
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
		return sock_fail(EFAULT);
	n = recvmsg(fd, &m, flags);
	if (n >= 0 && fromlen)
		*fromlen = m.msg_namelen;
	return n;
}

