/*
 * net/sock.h - what socket.c, send.c and recv.c share: the socket itself.
 * Not for users of the socket calls: they have net/socket.h.
 */
#ifndef SOCK_H
#define SOCK_H

#include <errno.h>
#include <stdint.h>

#include "net/net.h"
#include "net/socket.h"

#define SOCK_MAX	8	/* sockets at once */
#define SOCK_FD_BASE	3	/* 0-2 are the console */
#define SOCK_RXQ_LEN	64	/* datagrams queued per socket */

/* One descriptor is the headers; the rest may be the caller's iovecs. */
_Static_assert(SOCK_IOV_MAX == E1000_MAX_SEGS - 1, "SOCK_IOV_MAX");
/*
 * Payloads up to this size are copied next to the headers instead of
 * gathered: measured cheaper at every size that fits the slot's header
 * buffer (docs/tuning.md, "SOCK_COPY_MAX").
 */
_Static_assert(SOCK_COPY_MAX == E1000_TX_HDR_SIZE - HDRS_LEN, "SOCK_COPY_MAX");

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
	uint64_t tx_link_down;	/* ... of which while the link was down */
	struct dgram *rxq;	/* SOCK_RXQ_LEN received datagrams */
	volatile uint32_t rx_head, rx_tail;	/* read here, written by the receive path */
};

/*
 * A message the caller's memory can back: an iovec array where there are
 * iovecs, and a buffer behind every iovec that is not empty.  0 or -EFAULT.
 */
static inline int sock_check_iov(const struct msghdr *m)
{
	if (!m || (!m->msg_iov && m->msg_iovlen))
		return -EFAULT;
	for (size_t i = 0; i < m->msg_iovlen; i++)
		if (!m->msg_iov[i].iov_base && m->msg_iov[i].iov_len)
			return -EFAULT;
	return 0;
}

/* -1 with errno = err, as POSIX calls return. */
int sock_fail(int err);

/* The socket of fd, or NULL. */
struct sock *sock_get(int fd);

/* The socket bound to port, or NULL. */
struct sock *sock_port_owner(uint16_t port);

/* An AF_INET address from the caller: 0, or a negative errno. */
int sock_read_addr(const struct sockaddr *a, socklen_t len, uint32_t *ip, uint16_t *port);

/* Bind s to port, or to a free ephemeral port if 0; 0 or -EADDRINUSE. */
int sock_bind_port(struct sock *s, uint16_t port);

/* Interrupts off.  Wait until every datagram posted on s is done. */
int sock_wait_done(struct sock *s);

#endif
