/*
 * net/sock.h - what socket.c, send.c and recv.c share: the socket itself.
 * Not for users of the socket calls: they have net/socket.h.
 */
#ifndef SOCK_H
#define SOCK_H

#include <stdint.h>

#include "net/net.h"
#include "net/socket.h"

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
	volatile uint32_t rx_head, rx_tail;	/* read here, written by the IRQ */
};

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
