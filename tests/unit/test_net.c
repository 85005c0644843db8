/*
 * tests/unit/test_net.c - host unit tests (cmocka) for the network stack:
 * the files of net/, and the ring code they post to (drivers/e1000_ring.c),
 * against the model NIC and fake clock of net_model.c.  Every test starts from setup(): the stack up with the
 * default command line (192.0.2.2/24, no gateway), an empty ARP cache,
 * no drops, the gratuitous ARP already sent.
 *
 * Sent frames are checked byte for byte against net_model.c's reference
 * builder; failures check errno and that the ring was not touched.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/byteorder.h"
#include "tests/unit/net_model.h"

/* ---- Sending UDP -------------------------------------------------------- */

/*
 * Send msg on fd to dst:dport (from sport); the frame must be the
 * reference's, the copy/zero-copy split as socket.h says.
 */
static void send_and_check(int fd, struct msghdr *m, uint32_t dst, const uint8_t *dmac,
			   uint16_t sport, uint16_t dport)
{
	uint8_t data[UDP_MAX_PAYLOAD], want[E1000_MAX_FRAME];
	uint32_t slot = the_nic.tx_tail, n0 = model.nsent, len = 0, nseg = 1;
	uint16_t id = netif.ip_id;

	for (size_t i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len)
			memcpy(data + len, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		len += (uint32_t)m->msg_iov[i].iov_len;
	}
	assert_int_equal(sendmsg(fd, m, 0), len);
	nic_run();
	assert_int_equal(model.nsent, n0 + 1);
	assert_frame(n0, want, ref_out(want, dmac, dst, sport, dport, id, data, len));
	if (len > SOCK_COPY_MAX) {	/* each non-empty iovec is a descriptor */
		for (size_t i = 0; i < m->msg_iovlen; i++) {
			const struct e1000_tx_desc *d = &the_nic.tx_ring[(slot + nseg) % TXRING];

			if (m->msg_iov[i].iov_len == 0)
				continue;
			assert_int_equal(d->addr, (uintptr_t)m->msg_iov[i].iov_base);
			assert_int_equal(d->length, m->msg_iov[i].iov_len);
			nseg++;
		}
	}
	assert_int_equal(model.sent[n0].ndesc, nseg);
	assert_int_equal(netif.ip_id, (uint16_t)(id + 1));
}

static const uint32_t sizes[] = { 0, 1, 9, 18, 86, 87, 333, 1472 };

static void test_udp_frames(void **state)
{
	int bound = udp_socket(9000), conn = udp_socket(0);
	struct sockaddr_in to = addr(PEER_IP, 9000), peer = addr(PEER_IP, 7);

	(void)state;
	learn(PEER_IP, peer_mac);
	assert_int_equal(connect(conn, (struct sockaddr *)&peer, sizeof(peer)), 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct iovec iov = { payload + i, sizes[i] };
		struct msghdr named = { &to, sizeof(to), &iov, 1, NULL, 0, 0 };
		struct msghdr unnamed = { NULL, 0, &iov, 1, NULL, 0, 0 };

		send_and_check(bound, &named, PEER_IP, peer_mac, 9000, 9000);
		send_and_check(conn, &unnamed, PEER_IP, peer_mac, 49152, 7);
	}
}

/* Odd-length pieces: copied (one descriptor) or gathered (one per piece). */
static void test_udp_iovecs(void **state)
{
	int fd = udp_socket(9000);
	struct sockaddr_in to = addr(PEER_IP, 9000);
	struct iovec small[3] = { { payload, 3 }, { payload + 100, 5 }, { payload + 200, 7 } };
	struct iovec big[3] = { { payload, 101 }, { payload + 300, 333 }, { payload + 900, 7 } };
	struct iovec holes[4] = { { payload, 0 }, { payload + 1, 99 }, { NULL, 0 },
				  { payload + 700, 51 } };
	struct msghdr m = { &to, sizeof(to), small, 3, NULL, 0, 0 };

	(void)state;
	learn(PEER_IP, peer_mac);
	send_and_check(fd, &m, PEER_IP, peer_mac, 9000, 9000);
	m.msg_iov = big;
	send_and_check(fd, &m, PEER_IP, peer_mac, 9000, 9000);
	assert_int_equal(model.sent[1].ndesc, 4);
	m.msg_iov = holes;
	m.msg_iovlen = 4;
	send_and_check(fd, &m, PEER_IP, peer_mac, 9000, 9000);
	assert_int_equal(model.sent[2].ndesc, 3);
}

/* RFC 768: a checksum that computes to 0 is sent as all ones. */
static void test_udp_csum_zero_sent_as_ffff(void **state)
{
	int fd = udp_socket(9000);
	uint8_t want[E1000_MAX_FRAME], data[2];
	uint32_t w;

	(void)state;
	learn(PEER_IP, peer_mac);
	for (w = 0; w <= 0xFFFF; w++) {
		uint8_t udp[UDP_HLEN + 2] = { 0x23, 0x28, 0x23, 0x28, 0, 10, 0, 0 };

		put_be16(udp + UDP_HLEN, (uint16_t)w);
		if (ref_udp_csum(OUR_IP, PEER_IP, udp, sizeof(udp)) == 0)
			break;
	}
	assert_true(w <= 0xFFFF);
	put_be16(data, (uint16_t)w);
	assert_int_equal(send_to(fd, data, 2, 0, PEER_IP, 9000), 2);
	nic_run();
	assert_int_equal(get_be16(model.sent[0].data + ETH_HLEN + IP_HLEN + 6), 0xFFFF);
	assert_frame(0, want, ref_out(want, peer_mac, PEER_IP, 9000, 9000, 1, data, 2));
}

/* Off-link: the IP destination stays, the frame goes to the gateway's MAC. */
static void test_udp_via_gateway(void **state)
{
	static const uint8_t gw_mac[6] = { 0x02, 0, 0, 0, 0, 0xFE };
	int fd = udp_socket(9000);
	uint8_t want[E1000_MAX_FRAME];

	(void)state;
	netif.gw = IP(192, 0, 2, 254);
	learn(netif.gw, gw_mac);
	assert_int_equal(send_to(fd, payload, 30, 0, OFFLINK_IP, 53), 30);
	netif.gw = 0;
	nic_run();
	assert_frame(0, want, ref_out(want, gw_mac, OFFLINK_IP, 9000, 53, 1, payload, 30));
}

/* ---- sendmsg misuse: -1, errno, and the ring untouched ------------------ */

static void expect_fail(int fd, const struct msghdr *m, int flags, int err)
{
	uint32_t tail = the_nic.tx_tail, tdt = e1000_read(&the_nic, E1000_TDT);
	uint64_t posted = the_nic.stats.tx_posted;
	uint32_t nsent = model.nsent;

	errno = 0;
	assert_int_equal(sendmsg(fd, m, flags), -1);
	assert_int_equal(errno, err);
	nic_run();
	assert_int_equal(the_nic.tx_tail, tail);
	assert_int_equal(e1000_read(&the_nic, E1000_TDT), tdt);
	assert_int_equal(the_nic.stats.tx_posted, posted);
	assert_int_equal(model.nsent, nsent);
}

static void test_sendmsg_misuse(void **state)
{
	int fd = udp_socket(9000), closed = udp_socket(0);
	struct sockaddr_in to = addr(PEER_IP, 9000), off = addr(OFFLINK_IP, 9000);
	struct iovec iov[SOCK_IOV_MAX + 1], one = { payload, 10 };
	struct msghdr m = { &to, sizeof(to), &one, 1, NULL, 0, 0 };

	(void)state;
	learn(PEER_IP, peer_mac);
	for (int i = 0; i <= SOCK_IOV_MAX; i++)
		iov[i] = (struct iovec){ payload + i, 1 };
	assert_int_equal(sock_close(closed), 0);
	expect_fail(fd, NULL, 0, EFAULT);
	expect_fail(fd, &(struct msghdr){ &to, sizeof(to), NULL, 1, NULL, 0, 0 }, 0, EFAULT);
	expect_fail(fd, &(struct msghdr){ &to, sizeof(to), iov, 0, NULL, 0, 0 }, 0, EINVAL);
	expect_fail(fd, &(struct msghdr){ &to, sizeof(to), iov, SOCK_IOV_MAX + 1, NULL, 0, 0 },
		    0, EMSGSIZE);
	iov[0].iov_len = 1000;
	iov[1].iov_len = 473;
	expect_fail(fd, &(struct msghdr){ &to, sizeof(to), iov, 2, NULL, 0, 0 }, 0, EMSGSIZE);
	iov[0] = (struct iovec){ NULL, 5 };
	expect_fail(fd, &(struct msghdr){ &to, sizeof(to), iov, 1, NULL, 0, 0 }, 0, EFAULT);
	expect_fail(-1, &m, 0, EBADF);
	expect_fail(2, &m, 0, EBADF);
	expect_fail(99, &m, 0, EBADF);
	expect_fail(closed, &m, 0, EBADF);
	expect_fail(fd, &(struct msghdr){ NULL, 0, &one, 1, NULL, 0, 0 }, 0, EDESTADDRREQ);
	to.sin_family = AF_INET + 1;
	expect_fail(fd, &m, 0, EAFNOSUPPORT);
	to.sin_family = AF_INET;
	m.msg_namelen = sizeof(to) - 1;
	expect_fail(fd, &m, 0, EINVAL);
	m.msg_namelen = sizeof(to);
	expect_fail(fd, &m, 0x1, EOPNOTSUPP);
	the_nic.link_up = 0;
	expect_fail(fd, &m, 0, ENETDOWN);
	the_nic.link_up = 1;
	m.msg_name = &off;
	expect_fail(fd, &m, 0, ENETUNREACH);
	m.msg_name = &to;
	assert_int_equal(sendmsg(fd, &m, 0), 10);	/* and still works */
}

/* A failed call sets errno and returns -1. */
static void expect_errno(int rc, int err)
{
	assert_int_equal(rc, -1);
	assert_int_equal(errno, err);
	errno = 0;
}

/* socket, bind, connect and close, each errno they document. */
static void test_socket_misuse(void **state)
{
	struct sockaddr_in us = addr(OUR_IP, 7000), other = addr(IP(192, 0, 2, 99), 7001);
	struct sockaddr_in any = addr(0, 7000), peer = addr(PEER_IP, 9000);
	int fd[SOCK_MAX], a;

	(void)state;
	expect_errno(socket(AF_INET + 8, SOCK_DGRAM, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_DGRAM + 1, 0), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), EPROTONOSUPPORT);
	for (int i = 0; i < SOCK_MAX; i++)
		fd[i] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	expect_errno(socket(AF_INET, SOCK_DGRAM, 0), EMFILE);
	a = fd[0];
	assert_int_equal(bind(a, (struct sockaddr *)&us, sizeof(us)), 0);
	expect_errno(bind(a, (struct sockaddr *)&any, sizeof(any)), EINVAL);	/* bound */
	expect_errno(bind(fd[1], (struct sockaddr *)&any, sizeof(any)), EADDRINUSE);
	expect_errno(bind(fd[1], (struct sockaddr *)&other, sizeof(other)), EADDRNOTAVAIL);
	expect_errno(bind(fd[1], (struct sockaddr *)&us, sizeof(us) - 1), EINVAL);
	expect_errno(bind(fd[1], NULL, sizeof(us)), EFAULT);
	peer.sin_family = AF_INET + 8;
	expect_errno(connect(fd[1], (struct sockaddr *)&peer, sizeof(peer)), EAFNOSUPPORT);
	peer = addr(0, 9000);
	expect_errno(connect(fd[1], (struct sockaddr *)&peer, sizeof(peer)), EINVAL);
	expect_errno(bind(SOCK_FD_BASE + SOCK_MAX, (struct sockaddr *)&any, sizeof(any)), EBADF);
	assert_int_equal(sock_close(fd[SOCK_MAX - 1]), 0);
	expect_errno(sock_close(fd[SOCK_MAX - 1]), EBADF);
	assert_true(socket(AF_INET, SOCK_DGRAM, 0) >= SOCK_FD_BASE);	/* the slot is free again */
}

/* recvfrom and recvmsg, each errno they document. */
static void test_recv_misuse(void **state)
{
	int fd = udp_socket(9000), unbound = udp_socket(0);
	uint8_t buf[16];
	struct sockaddr_in from;
	struct msghdr m = { NULL, 0, NULL, 1, NULL, 0, 0 };

	(void)state;
	expect_errno(recvfrom(SOCK_FD_BASE + SOCK_MAX, buf, sizeof(buf), 0, NULL, NULL), EBADF);
	expect_errno(recvmsg(fd, NULL, 0), EFAULT);
	expect_errno(recvmsg(fd, &m, 0), EFAULT);		/* msg_iov NULL */
	expect_errno(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, NULL), EFAULT);
	expect_errno(recvfrom(fd, buf, sizeof(buf), 0x1, NULL, NULL), EOPNOTSUPP);
	expect_errno(recvfrom(unbound, buf, sizeof(buf), 0, NULL, NULL), EINVAL);
	expect_errno(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), EAGAIN);
}

/*
 * A full ring on a NIC that finishes nothing: EAGAIN with MSG_DONTWAIT;
 * ENOBUFS after SOCK_WAIT_MS, and the watchdog's reset then: the 63
 * datagrams on the ring are dropped and counted as not sent (none of them
 * is ever sent later), and once the NIC works again the next datagram goes
 * out alone, its checksum offloaded (the context descriptor was put back).
 */
static void test_full_ring(void **state)
{
	int fd = udp_socket(9000);
	struct msghdr m = { NULL, 0, &(struct iovec){ payload, 18 }, 1, NULL, 0, 0 };
	struct sockaddr_in to = addr(PEER_IP, 9000);
	uint8_t want[E1000_MAX_FRAME];
	uint64_t t0;

	(void)state;
	m.msg_name = &to;
	m.msg_namelen = sizeof(to);
	learn(PEER_IP, peer_mac);
	world.paused = 1;
	for (int i = 0; i < TXRING - 1; i++)
		assert_int_equal(sendmsg(fd, &m, MSG_DONTWAIT), 18);
	assert_int_equal(e1000_tx_free(&the_nic), 0);
	expect_fail(fd, &m, MSG_DONTWAIT, EAGAIN);
	t0 = clock_ns;
	expect_fail(fd, &m, 0, ENOBUFS);
	assert_true(clock_ns - t0 >= SOCK_WAIT_MS * 1000000ULL);
	assert_int_equal(the_nic.stats.tx_resets, 1);
	assert_int_equal(the_nic.stats.tx_aborted, TXRING - 1);
	assert_int_equal(sock_completed(fd), 0);	/* none of them reached the wire */
	world.paused = 0;
	assert_int_equal(sendmsg(fd, &m, 0), 18);
	nic_run();
	assert_int_equal(model.nsent, 1);
	assert_frame(0, want, ref_out(want, peer_mac, PEER_IP, 9000, 9000, TXRING, payload, 18));
	assert_int_equal(sock_completed(fd), 1);
}

/*
 * A NIC that finishes slowly is no stuck NIC: a message of 3 descriptors
 * waits on a full ring while the NIC finishes one frame, then fails with
 * ENOBUFS, but nothing is reset and every datagram goes out in the end.
 */
static void test_slow_ring_is_not_reset(void **state)
{
	int fd = udp_socket(9000);
	struct iovec one = { payload, 18 }, two[2] = { { payload, 100 }, { payload, 100 } };
	struct sockaddr_in to = addr(PEER_IP, 9000);
	struct msghdr m = { &to, sizeof(to), &one, 1, NULL, 0, 0 };

	(void)state;
	learn(PEER_IP, peer_mac);
	world.paused = 1;
	for (int i = 0; i < TXRING - 1; i++)
		assert_int_equal(sendmsg(fd, &m, MSG_DONTWAIT), 18);
	nic_model_tx(&the_nic, 1);	/* one frame done, reclaimed during the wait */
	m.msg_iov = two;
	m.msg_iovlen = 2;
	expect_fail(fd, &m, 0, ENOBUFS);
	assert_int_equal(the_nic.stats.tx_resets, 0);
	world.paused = 0;
	nic_run();
	assert_int_equal(model.nsent, TXRING - 1);
	assert_int_equal(sock_completed(fd), TXRING - 1);
}

/*
 * The buffer contract: a zero-copy sendmsg returns success only once the
 * NIC is done with the caller's buffer.  A NIC that never finishes must
 * not be reported as success: ETIMEDOUT (this once returned the count).
 */
static void test_zerocopy_stall(void **state)
{
	int fd = udp_socket(9000);

	(void)state;
	learn(PEER_IP, peer_mac);
	world.paused = 1;
	errno = 0;
	assert_int_equal(send_to(fd, payload, 200, 0, PEER_IP, 9000), -1);
	assert_int_equal(errno, ETIMEDOUT);
	/* The watchdog took the frame back: the buffer is the caller's again. */
	assert_int_equal(the_nic.stats.tx_resets, 1);
	assert_int_equal(the_nic.stats.tx_aborted, 1);
	world.paused = 0;
	assert_int_equal(send_to(fd, payload, 200, 0, PEER_IP, 9000), 200);
	assert_int_equal(model.nsent, 1);
}

/*
 * A ring of 8 (txring=8 is allowed) never has 9 descriptors free: a
 * gathered message of 8 non-empty iovecs must fail at once (EMSGSIZE, as
 * e1000_tx_post would), not wait SOCK_WAIT_MS for room that cannot come,
 * then say ENOBUFS (as it once did).
 */
static void test_gather_wider_than_ring(void **state)
{
	int fd = udp_socket(9000);
	struct sockaddr_in to = addr(PEER_IP, 9000);
	struct iovec iov[8];
	struct msghdr m = { &to, sizeof(to), iov, 8, NULL, 0, 0 };
	uint64_t t0 = clock_ns;

	(void)state;
	assert_int_equal(the_nic.tx_count, 8);
	learn(PEER_IP, peer_mac);
	for (int i = 0; i < 8; i++)
		iov[i] = (struct iovec){ payload + 20 * i, 20 };
	errno = 0;
	assert_int_equal(sendmsg(fd, &m, 0), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_true(clock_ns - t0 < SOCK_WAIT_MS * 1000000ULL);
}

/* One sendmmsg: every message posted, one tail write for all of them. */
static void test_sendmmsg(void **state)
{
	int fd = udp_socket(9000);
	struct sockaddr_in to = addr(PEER_IP, 9000);
	struct mmsghdr vec[8];
	struct iovec iov[8];
	uint64_t kicks = the_nic.stats.tx_kicks, posted = the_nic.stats.tx_posted;
	uint8_t want[E1000_MAX_FRAME];

	(void)state;
	learn(PEER_IP, peer_mac);
	for (int i = 0; i < 8; i++) {	/* 5..285 bytes: copied and gathered */
		iov[i] = (struct iovec){ payload + i, 5 + 40 * i };
		vec[i].msg_hdr = (struct msghdr){ &to, sizeof(to), &iov[i], 1, NULL, 0, 0 };
		vec[i].msg_len = 12345;
	}
	assert_int_equal(sendmmsg(fd, vec, 8, 0), 8);
	assert_int_equal(the_nic.stats.tx_kicks, kicks + 1);
	assert_int_equal(the_nic.stats.tx_posted, posted + 8);
	nic_run();
	assert_int_equal(model.nsent, 8);
	for (uint16_t i = 0; i < 8; i++) {
		assert_int_equal(vec[i].msg_len, 5 + 40 * i);
		assert_frame(i, want, ref_out(want, peer_mac, PEER_IP, 9000, 9000, 1 + i,
					      payload + i, 5 + 40 * i));
	}
	vec[3].msg_hdr.msg_iovlen = 0;	/* a bad message ends the batch there */
	assert_int_equal(sendmmsg(fd, vec, 8, 0), 3);
	assert_int_equal(the_nic.stats.tx_kicks, kicks + 2);
	vec[0].msg_hdr.msg_iovlen = 0;	/* a bad first message: its errno */
	errno = 0;
	assert_int_equal(sendmmsg(fd, vec, 8, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(the_nic.stats.tx_kicks, kicks + 2);
}

/* ---- ARP ---------------------------------------------------------------- */

static void test_gratuitous_arp(void **state)
{
	(void)state;
	net_init(&the_nic, &cfg);
	nic_run();
	assert_int_equal(model.nsent, 1);
	assert_arp(0, 1, bcast, zero_mac, OUR_IP);
	assert_ptr_equal(the_nic.rx_handler, eth_input);
}

static void test_arp_learns_and_answers(void **state)
{
	static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x22 };
	uint8_t pkt[ARP_LEN], mac[6];

	(void)state;
	learn(PEER_IP, peer_mac);	/* a reply to us */
	assert_int_equal(arp_lookup(PEER_IP, mac), 0);
	assert_memory_equal(mac, peer_mac, 6);
	assert_int_equal(model.nsent, 0);

	arp_make(pkt, 1, mac2, IP(192, 0, 2, 9), zero_mac, OUR_IP);	/* who has us? */
	arp_input(pkt, sizeof(pkt));
	assert_int_equal(arp_lookup(IP(192, 0, 2, 9), mac), 0);
	assert_memory_equal(mac, mac2, 6);
	nic_run();
	assert_int_equal(model.nsent, 1);
	assert_arp(0, 2, mac2, mac2, IP(192, 0, 2, 9));

	arp_make(pkt, 1, mac2, IP(192, 0, 2, 10), zero_mac, IP(192, 0, 2, 1));
	arp_input(pkt, sizeof(pkt));	/* not for us: neither learnt nor answered */
	assert_int_equal(arp_lookup(IP(192, 0, 2, 10), mac), -ENOENT);
	nic_run();
	assert_int_equal(model.nsent, 1);
	pkt[4] = 8;			/* hlen 8: not Ethernet */
	arp_input(pkt, sizeof(pkt));
	assert_int_equal(netif.drops[DROP_ARP_BAD], 1);
}

static void test_arp_no_answer(void **state)
{
	uint32_t ip = IP(192, 0, 2, 77);
	uint64_t t0 = clock_ns;
	uint8_t mac[6];
	int fd = udp_socket(9000);

	(void)state;
	errno = 0;
	assert_int_equal(send_to(fd, payload, 10, 0, ip, 9000), -1);
	assert_int_equal(errno, EHOSTUNREACH);
	assert_int_equal(model.nsent, ARP_TRIES);
	for (uint32_t i = 0; i < ARP_TRIES; i++)
		assert_arp(i, 1, bcast, zero_mac, ip);
	assert_true(clock_ns - t0 >= ARP_TRIES * ARP_RETRY_MS * 1000000ULL);

	t0 = clock_ns;		/* failed-hold: at once, nothing sent */
	assert_int_equal(arp_resolve(ip, mac, 0), -EHOSTUNREACH);
	assert_int_equal(send_to(fd, payload, 10, 0, ip, 9000), -1);
	assert_int_equal(errno, EHOSTUNREACH);
	nic_run();
	assert_int_equal(model.nsent, ARP_TRIES);
	assert_int_equal(clock_ns, t0);

	clock_ns += ARP_FAILED_HOLD_MS * 1000000ULL;	/* the hold is over */
	assert_int_equal(arp_lookup(ip, mac), -ENOENT);
}

static void test_arp_answered(void **state)
{
	static const uint8_t mac5[6] = { 0x02, 0, 0, 0, 0, 0x05 };
	uint32_t ip = IP(192, 0, 2, 5);
	int fd = udp_socket(9000);
	uint8_t want[E1000_MAX_FRAME];

	(void)state;
	errno = 0;	/* MSG_DONTWAIT: ask once, EAGAIN */
	assert_int_equal(send_to(fd, payload, 20, MSG_DONTWAIT, ip, 9000), -1);
	assert_int_equal(errno, EAGAIN);
	nic_run();
	assert_int_equal(model.nsent, 1);
	assert_arp(0, 1, bcast, zero_mac, ip);

	world.answer_ip = ip;	/* now someone answers */
	memcpy(world.answer_mac, mac5, 6);
	assert_int_equal(send_to(fd, payload, 20, 0, ip, 9000), 20);
	nic_run();
	assert_int_equal(model.nsent, 3);
	assert_arp(1, 1, bcast, zero_mac, ip);
	assert_frame(2, want, ref_out(want, mac5, ip, 9000, 9000, 1, payload, 20));
}

static void test_arp_evicts_oldest(void **state)
{
	uint8_t mac[6], m[6] = { 0x02, 0, 0, 0, 0, 0 };

	(void)state;
	for (uint8_t i = 0; i < ARP_CACHE_SIZE; i++) {
		m[5] = i;
		learn(IP(192, 0, 2, 100 + i), m);
		clock_ns += 1000000;
	}
	m[5] = 0;
	learn(IP(192, 0, 2, 100), m);	/* refreshed: now the youngest */
	clock_ns += 1000000;
	m[5] = 0xAA;
	learn(IP(192, 0, 2, 200), m);	/* full: .101 goes */
	assert_int_equal(arp_lookup(IP(192, 0, 2, 101), mac), -ENOENT);
	assert_int_equal(arp_lookup(IP(192, 0, 2, 200), mac), 0);
	assert_int_equal(mac[5], 0xAA);
	for (uint8_t i = 0; i < ARP_CACHE_SIZE; i++) {
		if (i == 1)
			continue;
		assert_int_equal(arp_lookup(IP(192, 0, 2, 100 + i), mac), 0);
		assert_int_equal(mac[5], i);
	}
	clock_ns += ARP_ENTRY_MS * 1000000ULL;	/* and entries grow stale */
	assert_int_equal(arp_lookup(IP(192, 0, 2, 200), mac), -ENOENT);
}

/* arp=IP@MAC: the first datagram needs no ARP; the entry never ages or changes. */
static void test_arp_static(void **state)
{
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x01 }, other[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	uint8_t want[E1000_MAX_FRAME], mac[6];
	int fd = udp_socket(9000);

	(void)state;
	assert_int_equal(arp_add_static(PEER_IP, smac), 0);
	assert_int_equal(send_to(fd, payload, 20, MSG_DONTWAIT, PEER_IP, 9000), 20);
	nic_run();
	assert_int_equal(model.nsent, 1);	/* the datagram, and no ARP request */
	assert_frame(0, want, ref_out(want, smac, PEER_IP, 9000, 9000, 1, payload, 20));
	learn(PEER_IP, other);			/* a reply does not overwrite it */
	clock_ns += 10 * ARP_ENTRY_MS * 1000000ULL;
	assert_int_equal(arp_lookup(PEER_IP, mac), 0);
	assert_memory_equal(mac, smac, 6);
	for (uint8_t i = 0; i < 2 * ARP_CACHE_SIZE; i++) {	/* nor is it evicted */
		uint8_t m[6] = { 0x02, 0, 0, 0, 1, i };

		learn(IP(192, 0, 2, 100 + i), m);
		clock_ns += 1000000;
	}
	assert_int_equal(arp_lookup(PEER_IP, mac), 0);
	assert_memory_equal(mac, smac, 6);
}

/* ---- Receiving ---------------------------------------------------------- */

static void test_recv_udp(void **state)
{
	int fd = udp_socket(9000);
	uint8_t f[E1000_MAX_FRAME], buf[2048];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);

	(void)state;
	eth_input(NULL, f, ref_in(f, 5555, 9000, payload, 100));
	eth_input(NULL, f, ref_in(f, 5556, 9000, payload + 1, 4));	/* padded to 60 */
	assert_int_equal(drops_total(), 0);

	assert_int_equal(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				  (struct sockaddr *)&from, &fromlen), 100);
	assert_memory_equal(buf, payload, 100);
	assert_int_equal(fromlen, sizeof(from));
	assert_int_equal(from.sin_family, AF_INET);
	assert_int_equal(from.sin_port, htons(5555));
	assert_int_equal(from.sin_addr.s_addr, htonl(PEER_IP));
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 4);
	assert_memory_equal(buf, payload + 1, 4);
	errno = 0;
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
}

/* A checksum of 0 is "none": accepted; a short recvmsg sets MSG_TRUNC. */
static void test_recv_no_csum_and_trunc(void **state)
{
	int fd = udp_socket(9000);
	uint8_t f[E1000_MAX_FRAME], buf[16] = { 0 };
	struct iovec iov[2] = { { buf, 3 }, { buf + 8, 4 } };
	struct msghdr m = { NULL, 0, iov, 2, NULL, 0, 0 };
	uint32_t len = ref_in(f, 5555, 9000, payload, 10);

	(void)state;
	put_be16(f + ETH_HLEN + IP_HLEN + 6, 0);
	eth_input(NULL, f, len);
	assert_int_equal(recvmsg(fd, &m, MSG_DONTWAIT), 7);
	assert_int_equal(netif.rx_frames, 1);
	assert_int_equal(netif.rx_udp, 1);
	assert_int_equal(m.msg_flags, MSG_TRUNC);
	assert_memory_equal(buf, payload, 3);
	assert_memory_equal(buf + 8, payload + 3, 4);
}

enum damage {
	BAD_UDP_CSUM, BAD_IP_CSUM, FRAGMENT_MF, FRAGMENT_OFFSET, IP_V6, NO_SOCKET,
	NOT_US, ETHERTYPE, SHORT, UDP_LEN, PROTO, OPTIONS, BCAST_MAC, MCAST_MAC,
	ARP_OP, NDAMAGE
};

static const enum drop_reason damage_reason[NDAMAGE] = {
	DROP_UDP_CSUM, DROP_IP_CSUM, DROP_IP_FRAGMENT, DROP_IP_FRAGMENT,
	DROP_IP_VERSION, DROP_UDP_NO_SOCKET, DROP_IP_NOT_US, DROP_ETHERTYPE,
	DROP_SHORT, DROP_UDP_LEN, DROP_IP_PROTO, DROP_IP_OPTIONS, DROP_IP_BCAST,
	DROP_IP_BCAST, DROP_ARP_BAD,
};

/* A good datagram to port 9000, damaged one way; returns its length. */
static uint32_t damaged_frame(uint8_t *f, enum damage how)
{
	uint32_t len = ref_in(f, 5555, 9000, payload, 40);
	uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN;

	switch (how) {
	case BAD_UDP_CSUM:	udp[UDP_HLEN + 5] ^= 1; return len;
	case BAD_IP_CSUM:	ip[8]--; return len;	/* TTL, sum not redone */
	case FRAGMENT_MF:	ip[6] |= 0x20; break;
	case FRAGMENT_OFFSET:	ip[7] = 1; break;
	case IP_V6:		ip[0] = 0x65; break;
	case NO_SOCKET:		return ref_in(f, 5555, 9999, payload, 40);
	case NOT_US:		put_be32(ip + 16, IP(192, 0, 2, 99)); break;
	case ETHERTYPE:		put_be16(f + 12, 0x86DD); return len;
	case SHORT:		return ETH_HLEN + IP_HLEN - 1;
	case UDP_LEN:		put_be16(udp + 4, 49); return len;
	case PROTO:		ip[9] = 6; break;
	case OPTIONS:		ip[0] = 0x46; break;	/* 4 bytes of options */
	case BCAST_MAC:		memset(f, 0xFF, 6); return len;
	case MCAST_MAC:		memcpy(f, "\x01\x00\x5e\x00\x00\x01", 6); return len;
	case ARP_OP:		/* neither request nor reply */
		put_be16(f + 12, 0x0806);
		arp_make(ip, 3, our_mac, IP(192, 0, 2, 9), zero_mac, OUR_IP);
		return 60;
	default:		fail();
	}
	put_be16(ip + 10, 0);
	put_be16(ip + 10, ref_csum(ip, IP_HLEN));
	return len;
}

static void test_recv_drops(void **state)
{
	int fd = udp_socket(9000);
	uint8_t f[E1000_MAX_FRAME], buf[64];

	(void)state;
	for (int how = 0; how < NDAMAGE; how++) {
		memset(netif.drops, 0, sizeof(netif.drops));
		eth_input(NULL, f, damaged_frame(f, how));
		if (netif.drops[damage_reason[how]] != 1 || drops_total() != 1)
			fail_msg("damage %d: not dropped as reason %d", how, damage_reason[how]);
		assert_int_equal(netif.rx_frames, how + 1);
		assert_int_equal(netif.rx_udp + netif.rx_echo + netif.rx_arp, 0);
		assert_int_equal(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), -1);
		assert_int_equal(errno, EAGAIN);
	}
}

static void test_recv_queue_full(void **state)
{
	int fd = udp_socket(9000);
	uint8_t f[E1000_MAX_FRAME], buf[64];
	uint32_t len = ref_in(f, 5555, 9000, payload, 20);

	(void)state;
	for (int i = 0; i <= SOCK_RXQ_LEN; i++)
		eth_input(NULL, f, len);
	assert_int_equal(netif.drops[DROP_UDP_QUEUE_FULL], 1);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 20);
}

/*
 * A frame longer than the MTU allows (the e1000 without LPE takes up to
 * 1522 bytes): its 1476 bytes of UDP payload must be dropped, not copied
 * into a queue slot that holds UDP_MAX_PAYLOAD (1472), which once
 * overran it by 4 bytes.
 */
static void test_recv_oversized(void **state)
{
	int fd = udp_socket(9000);
	static uint8_t f[2048];
	uint32_t len = ref_in(f, 5555, 9000, payload, UDP_MAX_PAYLOAD + 4);

	(void)state;
	assert_int_equal(len, 1518);
	eth_input(NULL, f, len);
	assert_int_equal(drops_total(), 1);
	assert_int_equal(recvfrom(fd, f, sizeof(f), MSG_DONTWAIT, NULL, NULL), -1);
}

/* ---- ICMP --------------------------------------------------------------- */

#define ICMP_LEN	56	/* header and data: ping's default */

/* An ICMP message of type between the peer and us (type 0: our reply). */
static uint32_t echo_frame(uint8_t *f, uint8_t type)
{
	uint32_t n = ICMP_LEN - UDP_HLEN, len = type == 0 ?
		     ref_out(f, peer_mac, PEER_IP, 0, 0, 1, payload, n) :
		     ref_in(f, 0, 0, payload, n);
	uint8_t *ip = f + ETH_HLEN, *icmp = ip + IP_HLEN;

	ip[9] = IPPROTO_ICMP;		/* the UDP frame made ICMP */
	put_be16(ip + 10, 0);
	put_be16(ip + 10, ref_csum(ip, IP_HLEN));
	icmp[0] = type;
	icmp[1] = 0;
	put_be16(icmp + 4, 0x1234);	/* id */
	put_be16(icmp + 6, 0x0042);	/* seq */
	put_be16(icmp + 2, 0);
	put_be16(icmp + 2, ref_csum(icmp, ICMP_LEN));
	return len;
}

static void test_icmp_echo(void **state)
{
	uint8_t f[E1000_MAX_FRAME], want[E1000_MAX_FRAME];
	uint32_t len;

	(void)state;
	eth_input(NULL, f, echo_frame(f, 8));	/* the asker's MAC unknown */
	assert_int_equal(netif.drops[DROP_TX_BUSY], 1);
	learn(PEER_IP, peer_mac);
	eth_input(NULL, f, echo_frame(f, 8));
	nic_run();
	assert_int_equal(model.nsent, 1);
	assert_frame(0, want, echo_frame(want, 0));

	eth_input(NULL, f, echo_frame(f, 13));	/* a timestamp request */
	assert_int_equal(netif.drops[DROP_ICMP_TYPE], 1);
	len = echo_frame(f, 8);
	f[HDRS_LEN + 3] ^= 0x40;		/* data no longer matches the sum */
	eth_input(NULL, f, len);
	assert_int_equal(netif.drops[DROP_ICMP_CSUM], 1);
	nic_run();
	assert_int_equal(model.nsent, 1);
	/* The books: four frames in, one answered, three dropped. */
	assert_int_equal(netif.rx_frames, 4);
	assert_int_equal(netif.rx_echo, 1);
	assert_int_equal(drops_total(), 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest net[] = {
		T(test_udp_frames),
		T(test_udp_iovecs),
		T(test_udp_csum_zero_sent_as_ffff),
		T(test_udp_via_gateway),
		T(test_sendmsg_misuse),
		T(test_socket_misuse),
		T(test_recv_misuse),
		T(test_full_ring),
		T(test_slow_ring_is_not_reset),
		T(test_zerocopy_stall),
		cmocka_unit_test_setup_teardown(test_gather_wider_than_ring, setup_ring8,
						teardown),
		T(test_sendmmsg),
		T(test_gratuitous_arp),
		T(test_arp_learns_and_answers),
		T(test_arp_no_answer),
		T(test_arp_answered),
		T(test_arp_evicts_oldest),
		T(test_arp_static),
		T(test_recv_udp),
		T(test_recv_no_csum_and_trunc),
		T(test_recv_drops),
		T(test_recv_queue_full),
		T(test_recv_oversized),
		T(test_icmp_echo),
	};

	return cmocka_run_group_tests_name("net", net, NULL, NULL);
}
