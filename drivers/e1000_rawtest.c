/*
 * drivers/e1000_rawtest.c - mode=raw: exercise the driver with raw
 * Ethernet frames, so a host can check every byte the NIC sent and count
 * what it received, with no IP, ARP or UDP in between.
 *
 * Frame k: destination ff:ff:ff:ff:ff:ff, source our MAC, ethertype 0x88B5,
 * then 4 bytes of k (big-endian), then byte i of the frame is (k + i) & 0xff.
 * Lengths run from 60 to 1514 bytes; frame k goes out in 1 + k % 16 pieces
 * (zero-copy gather from one buffer; fewer where the ring is smaller).
 * tests/qemu/test_e1000.py rebuilds each frame the same way and compares.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/time.h"
#include "kernel/x86.h"
#include "drivers/e1000_rawtest.h"

#define TX_DRAIN_MS	5000

static struct {
	uint32_t rx_good;	/* frames of our ethertype with the right bytes */
	uint32_t rx_bad;	/* frames of our ethertype with wrong bytes */
} raw;

static uint32_t frame_len(uint32_t k)
{
	if (k == 0)
		return E1000_MIN_FRAME;
	if (k == 1)
		return E1000_MAX_FRAME;
	return E1000_MIN_FRAME + k * 181 % (E1000_MAX_FRAME - E1000_MIN_FRAME + 1);
}

static void build_frame(uint8_t *f, uint32_t k, uint32_t len, const uint8_t mac[6])
{
	memset(f, 0xFF, 6);
	memcpy(f + 6, mac, 6);
	f[12] = RAWTEST_ETHERTYPE >> 8;
	f[13] = RAWTEST_ETHERTYPE & 0xFF;
	f[14] = (uint8_t)(k >> 24);
	f[15] = (uint8_t)(k >> 16);
	f[16] = (uint8_t)(k >> 8);
	f[17] = (uint8_t)k;
	for (uint32_t i = 18; i < len; i++)
		f[i] = (uint8_t)(k + i);
}

/* Split [f, f + len) into nseg pieces of nearly equal size. */
static void split(const uint8_t *f, uint32_t len, int nseg, struct e1000_seg *seg)
{
	uint32_t off = 0;

	for (int i = 0; i < nseg; i++) {
		uint32_t n = len / (uint32_t)nseg + ((uint32_t)i < len % (uint32_t)nseg);

		seg[i].addr = f + off;
		seg[i].len = n;
		off += n;
	}
}

/* In the interrupt handler: no newlib stdio here. */
static void raw_rx(void *arg, const uint8_t *f, uint32_t len)
{
	uint32_t k;

	(void)arg;
	if (len < 18 || f[12] != RAWTEST_ETHERTYPE >> 8 || f[13] != (RAWTEST_ETHERTYPE & 0xFF))
		return;
	k = (uint32_t)f[14] << 24 | (uint32_t)f[15] << 16 | (uint32_t)f[16] << 8 | f[17];
	for (uint32_t i = 18; i < len; i++)
		if (f[i] != (uint8_t)(k + i)) {
			raw.rx_bad++;
			return;
		}
	raw.rx_good++;
}

/*
 * Post one frame, waiting for ring space (reclaim first, then sleep), at
 * most TX_DRAIN_MS: 0, or the error of the last try.
 */
static int post_frame(struct e1000 *nic, const struct e1000_seg *seg, int nseg)
{
	uint64_t t0 = now_ns();
	int rc;

	while ((rc = e1000_tx_post(nic, seg, nseg, NULL)) == -EAGAIN &&
	       now_ns() - t0 < TX_DRAIN_MS * 1000000ULL) {
		e1000_tx_kick(nic);		/* what is batched must go first */
		if (e1000_tx_reclaim(nic) == 0)
			idle_wait_us(10000);
	}
	return rc;
}

static void send_all(struct e1000 *nic, const struct config *cfg, uint8_t *pool)
{
	struct e1000_seg seg[E1000_MAX_SEGS];

	irq_disable();
	for (uint32_t k = 0; k < cfg->count; k++) {
		/* At most tx_count - 1 frames are in flight: slot k % tx_count is free. */
		uint8_t *f = pool + (size_t)(k % nic->tx_count) * E1000_MAX_FRAME;
		uint32_t len = frame_len(k);
		int nseg = 1 + (int)(k % E1000_MAX_SEGS % (nic->tx_count - 1));

		build_frame(f, k, len, nic->mac);
		split(f, len, nseg, seg);
		if (post_frame(nic, seg, nseg) == -EAGAIN) {
			printf("raw: the ring stayed full for %d ms: no frame reclaimed\n",
			       TX_DRAIN_MS);
			break;		/* post_frame kicked what was batched */
		}
		if ((k + 1) % cfg->batch == 0 || k + 1 == cfg->count)
			e1000_tx_kick(nic);
	}
	for (uint64_t t0 = now_ns(); nic->tx_clean != nic->tx_tail &&
	     now_ns() - t0 < TX_DRAIN_MS * 1000000ULL;)
		if (e1000_tx_reclaim(nic) == 0)
			idle_wait_us(10000);
	irq_enable();
}

enum exit_code rawtest_run(struct e1000 *nic, const struct config *cfg)
{
	uint8_t *pool = malloc((size_t)nic->tx_count * E1000_MAX_FRAME);
	uint64_t deadline;
	uint64_t sent;

	if (!pool)
		panic("rawtest: no memory for the frame pool");
	e1000_set_rx_handler(nic, raw_rx, NULL);
	send_all(nic, cfg, pool);
	sent = nic->stats.tx_done;
	printf("raw: sent %llu frames; waiting up to %d s for %u frames of ethertype 0x%04x\n",
	       (unsigned long long)sent, RAWTEST_RX_WAIT_MS / 1000, (unsigned)cfg->count,
	       RAWTEST_ETHERTYPE);

	deadline = now_ns() + RAWTEST_RX_WAIT_MS * 1000000ULL;
	irq_disable();
	while (raw.rx_good + raw.rx_bad < cfg->count && now_ns() < deadline)
		idle_wait_us(100000);
	irq_enable();

	e1000_stats_print(nic);
	printf("@done mode=raw sent=%llu failed=%llu received=%u bad=%u\n",
	       (unsigned long long)sent, (unsigned long long)(cfg->count - sent),
	       (unsigned)raw.rx_good, (unsigned)raw.rx_bad);
	free(pool);
	return sent == cfg->count && raw.rx_good == cfg->count && !raw.rx_bad ?
	       EXIT_OK : EXIT_FAILED;
}
