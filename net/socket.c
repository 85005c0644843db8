/*
 * net/socket.c - the socket table and the calls that manage a socket:
 * socket, bind, connect, close.  Sending is net/send.c, receiving
 * net/recv.c; net/socket.h says what the calls promise.
 */
#include <errno.h>
#include <string.h>

#include "kernel/lat.h"
#include "kernel/x86.h"
#include "net/sock.h"

#define EPHEMERAL_PORT	49152

static struct sock socks[SOCK_MAX];
static struct dgram rxq_store[SOCK_MAX][SOCK_RXQ_LEN];	/* socks[i]'s receive queue */

int sock_fail(int err)
{
	errno = err;
	return -1;
}

struct sock *sock_get(int fd)
{
	int i = fd - SOCK_FD_BASE;

	if (i < 0 || i >= SOCK_MAX || !socks[i].used)
		return NULL;
	return &socks[i];
}

/* The TX interrupt's word that one of our datagrams has gone. */
static void sock_tx_done(struct tx_owner *o, int on_wire)
{
	struct sock *s = (struct sock *)o;

	lat_stamp(LAT_AT_DONE, s->tx_done);
	if (!on_wire)
		s->tx_link_down++;	/* done, but the link was down: lost */
	s->tx_done++;
}

int socket(int domain, int type, int protocol)
{
	for (int i = 0; i < SOCK_MAX; i++) {
		struct sock *s = &socks[i];

		if (s->used)
			continue;
		if (domain != AF_INET)
			return sock_fail(EAFNOSUPPORT);
		if (type != SOCK_DGRAM || (protocol != 0 && protocol != IPPROTO_UDP))
			return sock_fail(EPROTONOSUPPORT);
		memset(s, 0, sizeof(*s));
		s->rxq = rxq_store[i];
		s->owner.done = sock_tx_done;
		s->used = 1;
		return SOCK_FD_BASE + i;
	}
	return sock_fail(EMFILE);
}

struct sock *sock_port_owner(uint16_t port)
{
	for (int i = 0; i < SOCK_MAX; i++)
		if (socks[i].used && socks[i].lport == port)
			return &socks[i];
	return NULL;
}

/* An AF_INET address from the caller: 0, or a negative errno. */
int sock_read_addr(const struct sockaddr *a, socklen_t len, uint32_t *ip, uint16_t *port)
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

int sock_bind_port(struct sock *s, uint16_t port)
{
	if (port == 0)
		for (port = EPHEMERAL_PORT; sock_port_owner(port); port++)
			;
	else if (sock_port_owner(port))
		return -EADDRINUSE;
	s->lport = port;
	return 0;
}

static int bind_to(struct sock *s, uint32_t ip, uint16_t port)
{
	if (s->lport)
		return -EINVAL;
	if (ip != 0 && ip != netif.ip)
		return -EADDRNOTAVAIL;
	return sock_bind_port(s, port);
}

static int connect_to(struct sock *s, uint32_t ip, uint16_t port)
{
	int rc;

	if (ip == 0 || port == 0)
		return -EINVAL;
	if (!s->lport && (rc = sock_bind_port(s, 0)) < 0)
		return rc;
	s->raddr = ip;
	s->rport = port;
	return 0;
}

/* bind and connect: find the socket, read the address, then act on it. */
static int addr_call(int fd, const struct sockaddr *addr, socklen_t len,
		     int (*act)(struct sock *s, uint32_t ip, uint16_t port))
{
	struct sock *s = sock_get(fd);
	uint32_t ip;
	uint16_t port;
	int rc;

	if (!s)
		return sock_fail(EBADF);
	if ((rc = sock_read_addr(addr, len, &ip, &port)) < 0 || (rc = act(s, ip, port)) < 0)
		return sock_fail(-rc);
	return 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return addr_call(fd, addr, len, bind_to);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return addr_call(fd, addr, len, connect_to);
}

int sock_close(int fd)
{
	struct sock *s = sock_get(fd);
	uint64_t irq;

	if (!s)
		return sock_fail(EBADF);
	irq = irq_save();
	sock_wait_done(s);		/* a reused slot must not count our datagrams */
	s->used = 0;
	s->lport = 0;
	irq_restore(irq);
	return 0;
}

uint64_t sock_completed(int fd)
{
	struct sock *s = sock_get(fd);
	uint64_t irq;

	if (!s)
		return 0;
	irq = irq_save();
	sock_wait_done(s);
	irq_restore(irq);
	return s->tx_done - s->tx_link_down;
}
