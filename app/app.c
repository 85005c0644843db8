/*
 * app/app.c - the program this kernel runs: a UDP sender, an echo server,
 * or a quiet host that answers ARP and ping (docs/interface.md, "mode").
 * It sends and receives with the socket calls only; what it measures
 * around them (the send call's time, the trace of one send) uses the
 * instruments of kernel/ and two counters the driver exposes for that.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ftrace.h"
#include "kernel/lat.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "app/app.h"
#include "app/bare.h"
#include "net/net.h"
#include "net/socket.h"

#define SPIN_BELOW_US	20	/* pacing gaps shorter than this are spun */
#define SAMPLES_MAX	2000	/* raw call times kept for "@samples" (CDF plots) */
#define FLOOR_SAMPLES	1000	/* of each floor, after the run */

static struct {
	uint64_t cyc[SAMPLES_MAX];
	unsigned n;
} samples;

void app_fill_payload(uint8_t *p, uint64_t seq, uint32_t size)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(seq >> (56 - 8 * i));
	for (uint32_t i = 8; i < size; i++)
		p[i] = (uint8_t)(seq + i);
}

static struct sockaddr_in sockaddr_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a = { AF_INET, htons(port), { htonl(ip) }, { 0 } };

	return a;
}

static int open_socket(const struct config *cfg)
{
	struct sockaddr_in me = sockaddr_of(0, cfg->sport);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		panic("app: cannot open the UDP socket");
	return fd;
}

/* rate > 0: wait until datagram seq's moment, t0 + seq / rate. */
static void pace(uint64_t t0, uint64_t seq, uint32_t rate)
{
	uint64_t due = t0 + seq * 1000000000ULL / rate, now;

	while ((now = now_ns()) < due) {
		if (due - now > SPIN_BELOW_US * 1000) {
			uint64_t irq = irq_save();
			idle_wait_us((due - now) / 1000 - SPIN_BELOW_US / 2);
			irq_restore(irq);
		} else {
			cpu_relax();
		}
	}
}

static void report_errors(const int *errs)
{
	for (int e = 1; e < 256; e++)
		if (errs[e])
			printf("send: %d datagrams failed: %s (errno %d)\n", errs[e], strerror(e), e);
}

static void print_end(void)
{
	e1000_stats_print(netif.nic);
	net_print_drops();
	lat_print();
}

/*
 * trace=1: the datagram in the middle of the run is traced, from the call
 * until its completion has run (interrupt included), at most 10 ms.  The
 * tracer's calls are patched in one send call before it (TRACE_WARM), so
 * that the traced call runs code QEMU has translated already.  Before the
 * traced call, the earlier datagrams are let finish and their interrupt
 * come (QEMU's "mitigation" holds it back, by 128 us or more), so the
 * trace is of this one send alone.
 */
enum trace_role { TRACE_NONE, TRACE_WARM, TRACE_THIS };

static enum trace_role trace_role(const struct config *cfg, uint64_t seq, uint32_t n)
{
	uint64_t mid = cfg->count / 2;

	if (!cfg->trace)
		return TRACE_NONE;
	if (seq <= mid && mid < seq + n)
		return TRACE_THIS;
	return seq + n <= mid && mid < seq + 2ULL * n ? TRACE_WARM : TRACE_NONE;
}

static uint64_t trace_irqs;	/* interrupts taken when the trace began */

static void trace_begin(int fd)
{
	uint64_t irqs, irq, end;

	sock_completed(fd);
	irqs = e1000_irq_count(netif.nic);
	irq = irq_save();
	end = now_ns() + 5000000;	/* the interrupt that finishes them, or 5 ms */
	while (e1000_irq_count(netif.nic) == irqs && now_ns() < end)
		idle_wait_us(500);
	irq_restore(irq);
	trace_irqs = e1000_irq_count(netif.nic);
	ftrace_start();
}

/*
 * Wait, with interrupts on, until an interrupt has come since the trace
 * began and the ring is clean: the traced send's completion has run.  The
 * loop calls nothing, so that nothing but that shows in the trace.
 */
static void trace_end(void)
{
	uint64_t end = rdtsc() + tsc_hz / 100;

	while ((e1000_irq_count(netif.nic) == trace_irqs || e1000_tx_busy(netif.nic)) &&
	       rdtsc() < end)
		cpu_relax();
	ftrace_stop();
}

/*
 * One send call, timed with the TSC: LAT_CALL, as Linux's sendto is timed;
 * and LAT_CALL_IRQ if the NIC's interrupt ran meanwhile (its count is read
 * outside the timed part, so an interrupt in the few instructions between
 * the count and the clock marks the call too).
 */
static int send_call(int fd, struct mmsghdr *vec, uint32_t n, int batch)
{
	uint64_t irqs = e1000_irq_count(netif.nic), t0 = rdtsc();
	int r = batch == 1 ? (int)sendmsg(fd, &vec[0].msg_hdr, 0) : sendmmsg(fd, vec, n, 0);
	uint64_t t = rdtsc() - t0;

	lat_add(LAT_CALL, t);
	if (e1000_irq_count(netif.nic) != irqs)
		lat_add(LAT_CALL_IRQ, t);
	if (samples.n < SAMPLES_MAX)
		samples.cyc[samples.n++] = t;
	return r > 0 && batch == 1 ? 1 : r;
}

static void print_samples(uint32_t size)
{
	printf("@samples stage=call size=%u ns=", (unsigned)size);
	for (unsigned i = 0; i < samples.n; i++)
		printf(i ? " %llu" : "%llu", (unsigned long long)tsc_to_ns(samples.cyc[i]));
	printf("\n");
}

static struct mmsghdr vec[SOCK_MMSG_MAX];
static struct iovec iov[SOCK_MMSG_MAX];

/* The socket, the batch's buffers, the next hop resolved. */
static int open_sender(const struct config *cfg)
{
	struct sockaddr_in dst = sockaddr_of(cfg->dst_ip, cfg->dst_port);
	uint8_t *buf = malloc((size_t)cfg->batch * cfg->size);
	int fd = open_socket(cfg);

	if (!buf || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		panic("app: cannot set up the sender");
	for (uint32_t j = 0; j < cfg->batch; j++) {
		iov[j] = (struct iovec){ buf + (size_t)j * cfg->size, cfg->size };
		vec[j].msg_hdr = (struct msghdr){ NULL, 0, &iov[j], 1, NULL, 0, 0 };
	}
	if (net_prime(cfg->dst_ip) < 0)
		printf("send: no route or no ARP answer for the destination\n");
	return fd;
}

/* After the run: what the path is measured against (the @lat floors, @tracecost). */
static void measure_floors(const struct config *cfg)
{
	bare_measure_floors(cfg->dst_ip, cfg->sport, cfg->size, FLOOR_SAMPLES);
	lat_measure_stamp(FLOOR_SAMPLES);
	ftrace_measure_cost();
}

/* Send cfg->count datagrams, batch by batch; errs[errno] counts failures. */
static void send_all(const struct config *cfg, int fd, int *errs)
{
	uint64_t seq = 0, t0;
	char ip[16];

	ipv4_format(cfg->dst_ip, ip);
	printf("send: %u datagrams of %u bytes to %s:%u, batch %u\n", (unsigned)cfg->count,
	       (unsigned)cfg->size, ip, (unsigned)cfg->dst_port, (unsigned)cfg->batch);
	t0 = now_ns();
	while (cfg->count == 0 || seq < cfg->count) {	/* count=0: no limit */
		uint32_t n = cfg->count && cfg->count - seq < cfg->batch ?
			     (uint32_t)(cfg->count - seq) : cfg->batch;
		enum trace_role role = trace_role(cfg, seq, n);
		int r;

		for (uint32_t j = 0; j < n; j++)
			app_fill_payload(iov[j].iov_base, seq + j, cfg->size);
		if (cfg->rate)
			pace(t0, seq, cfg->rate);
		if (role == TRACE_WARM)
			ftrace_patch_in();
		if (role == TRACE_THIS)
			trace_begin(fd);
		r = send_call(fd, vec, n, (int)cfg->batch);
		if (role == TRACE_THIS)
			trace_end();
		if (r <= 0) {		/* this datagram failed; go on with the next */
			errs[errno & 0xFF]++;
			r = 1;
		}
		seq += (uint64_t)r;
	}
	printf("send: %llu datagrams of %u bytes in %llu us\n", (unsigned long long)seq,
	       (unsigned)cfg->size, (unsigned long long)((now_ns() - t0) / 1000));
}

static enum exit_code app_send(const struct config *cfg)
{
	static int errs[256];
	int fd = open_sender(cfg);
	uint64_t sent;

	send_all(cfg, fd, errs);
	sent = sock_completed(fd);
	report_errors(errs);
	sock_close(fd);
	measure_floors(cfg);
	if (cfg->trace)
		ftrace_print();
	if (cfg->samples)
		print_samples(cfg->size);
	print_end();
	printf("@done mode=send sent=%llu failed=%llu\n", (unsigned long long)sent,
	       (unsigned long long)(cfg->count - sent));
	return sent == cfg->count ? EXIT_OK : EXIT_FAILED;
}

static enum exit_code app_echo(const struct config *cfg)
{
	static uint8_t buf[UDP_MAX_PAYLOAD];
	int fd = open_socket(cfg);
	uint64_t replies = 0, failed = 0, sent;

	printf("echo: on port %u, for %u datagrams (0 = forever)\n", cfg->sport,
	       (unsigned)cfg->count);
	while (cfg->count == 0 || replies + failed < cfg->count) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0)
			continue;
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl) < 0)
			failed++;
		else
			replies++;
	}
	sent = sock_completed(fd);
	sock_close(fd);
	print_end();
	printf("@done mode=echo sent=%llu failed=%llu\n", (unsigned long long)sent,
	       (unsigned long long)(cfg->count - sent));
	return sent == cfg->count ? EXIT_OK : EXIT_FAILED;
}

/* Answer ARP and ping (in the receive interrupt); nothing else, forever. */
__attribute__((noreturn)) static enum exit_code app_idle(void)
{
	printf("idle: answering ARP and ping\n");
	irq_disable();
	for (;;)
		idle_wait_us(1000000);
}

enum exit_code app_run(const struct config *cfg)
{
	switch (cfg->mode) {
	case MODE_SEND:	return app_send(cfg);
	case MODE_ECHO:	return app_echo(cfg);
	case MODE_IDLE:	return app_idle();
	case MODE_BLAST:	return bare_blast(cfg);
	case MODE_REFLECT:	return bare_reflect(cfg);
	case MODE_RAW:	break;
	}
	return EXIT_FAILED;
}
