/*
 * net/socket.h - UDP sockets with POSIX shapes, in one address space.
 *
 * socket(AF_INET, SOCK_DGRAM, 0), bind, connect, sendto, sendmsg, sendmmsg,
 * recvfrom, recvmsg and close behave as POSIX says, errno included, but
 * they are plain function calls: no system-call boundary, no copy into a
 * kernel buffer, no queue between the caller and the NIC's ring.
 *
 * THE BUFFER CONTRACT.  When sendmsg (sendto, sendmmsg) returns success,
 * the caller may reuse or free its buffers at once:
 *   - payloads of at most SOCK_COPY_MAX (86) bytes are copied next to the
 *     headers, into the ring slot's own header buffer: one descriptor;
 *   - larger payloads are not copied: each iovec becomes a descriptor
 *     (zero-copy gather), and the call returns only once the NIC has
 *     reported the frame done (DD), which it checks itself before it
 *     sleeps for the TX interrupt.  On QEMU the frame is done when the
 *     tail write returns, so this costs one look at the descriptor.
 * MSG_DONTWAIT never waits for ring space (EAGAIN instead) or for ARP
 * (EAGAIN after sending the request); a zero-copy datagram still waits
 * for its own DMA, which is not a resource wait.  Should the NIC not
 * finish a zero-copy frame within SOCK_WAIT_MS, the call fails with
 * ETIMEDOUT; if it finished nothing at all in that time, the watchdog
 * resets its transmit side, which drops the frame (never to be sent) and
 * gives the buffers back; otherwise they stay the NIC's until close()
 * returns.  Likewise a wait for ring space ends in ENOBUFS after
 * SOCK_WAIT_MS, with the same reset if the NIC finished nothing.
 *
 * Differences from Linux, on purpose: msg_iovlen 0 is EINVAL (Linux sends
 * an empty datagram; iovecs of length 0 inside are fine here too); at most
 * SOCK_IOV_MAX iovecs (EMSGSIZE beyond, as POSIX allows for IOV_MAX);
 * no IP fragmentation: more than 1472 bytes is EMSGSIZE.
 */
#ifndef SOCKET_H
#define SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The contract's numbers.  net/sock.h checks at compile time that they are
 * what the stack and the driver make of them.
 */
#define SOCK_IOV_MAX	15	/* iovecs a message may have: a frame's descriptors but one */
#define SOCK_COPY_MAX	86	/* payloads copied, not gathered: the header buffer's room */
#define SOCK_MMSG_MAX	64	/* messages one sendmmsg call takes */
#define SOCK_WAIT_MS	1000	/* longest wait for ring space or for DD */
#define SOCK_BUSY_POLL_US 2000	/* recv looks at the ring this long before sleeping */
#define SOCK_POLL_NAP_US 10	/* ... napping this long between looks */

#define AF_INET		2
#define SOCK_DGRAM	2
#define IPPROTO_ICMP	1
#define IPPROTO_UDP	17
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;
typedef uint16_t in_port_t;

struct in_addr {
	uint32_t s_addr;		/* network byte order */
};

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_in {
	sa_family_t sin_family;
	in_port_t sin_port;		/* network byte order */
	struct in_addr sin_addr;
	uint8_t sin_zero[8];
};

struct iovec {
	void *iov_base;
	size_t iov_len;
};

struct msghdr {
	void *msg_name;			/* struct sockaddr_in, or NULL */
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;		/* unused */
	size_t msg_controllen;
	int msg_flags;			/* recvmsg: MSG_TRUNC */
};

struct mmsghdr {
	struct msghdr msg_hdr;
	unsigned int msg_len;		/* bytes sent */
};

static inline uint16_t htons(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }
static inline uint16_t ntohs(uint16_t v) { return htons(v); }
static inline uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
static inline uint32_t ntohl(uint32_t v) { return __builtin_bswap32(v); }

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);

/* close(fd) for a socket; app/syscalls.c's close() lands here. */
int sock_close(int fd);

/*
 * Wait (up to SOCK_WAIT_MS) until the NIC has finished every datagram
 * posted on fd; return how many it completed while the link was up (for
 * @done: a NIC finishes frames on a dead link too, but they go nowhere).
 */
uint64_t sock_completed(int fd);

#endif
