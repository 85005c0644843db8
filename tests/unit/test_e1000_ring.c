/*
 * tests/unit/test_e1000_ring.c - host unit tests (cmocka) for the e1000's
 * descriptor rings, drivers/e1000_ring.c, run against the model NIC of
 * tests/unit/nic_model.c (the one test_net.c runs the stack against):
 * nic_model_tx() plays the transmit side, nic_model_rx() the receive side.
 *
 * Frames are numbered; frame i's byte at offset k is pattern(i, k), and its
 * cookie is cookie(i), so every check is "this frame, these bytes, once".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/e1000.h"
#include "tests/unit/nic_model.h"

#define MAX_FRAMES	NIC_MODEL_MAX_SENT	/* frames the recorders keep */
#define SEG_GAP		16	/* poison bytes between a frame's segments */
#define POISON		0xEE

/* ---- The test's NIC: one at a time, freed by the teardown ---------------- */

static struct e1000 the_nic;

/* What the driver reported: tx_done cookies and rx_handler frames, in order. */
static struct {
	void *cookie[MAX_FRAMES];
	int on_wire[MAX_FRAMES];
	uint32_t n;
} done;

static struct {
	uint32_t len[256];
	uint8_t data[256][E1000_RX_BUF_SIZE];
	uint32_t n;
} got;

/* Frame memory: frame i's segments live in pool[i % MAX_FRAMES], apart. */
static uint8_t pool[MAX_FRAMES][E1000_RX_BUF_SIZE + E1000_MAX_SEGS * SEG_GAP];

static uint8_t pattern(uint32_t id, uint32_t off)
{
	return (uint8_t)(id * 131u + off * 7u + (off >> 8));
}

static void *cookie(uint32_t id)
{
	return (void *)(uintptr_t)(0x1000u + id);
}

/* Frame id (len bytes of pattern(id)) arrives at the model NIC. */
static int rx_frame(struct e1000 *nic, uint32_t id, uint32_t len, enum nic_rx_fault fault)
{
	static uint8_t f[E1000_RX_BUF_SIZE];

	for (uint32_t k = 0; k < len; k++)
		f[k] = pattern(id, k);
	return nic_model_rx(nic, f, len, fault);
}

/* ---- The driver's callbacks, recorded ----------------------------------- */

static void record_tx_done(void *arg, void *c, int on_wire)
{
	assert_ptr_equal(arg, &done);
	assert_true(done.n < MAX_FRAMES);
	done.on_wire[done.n] = on_wire;
	done.cookie[done.n++] = c;
}

static void record_rx(void *arg, const uint8_t *frame, uint32_t len)
{
	assert_ptr_equal(arg, &got);
	assert_true(got.n < 256 && len <= E1000_RX_BUF_SIZE);
	memcpy(got.data[got.n], frame, len);
	got.len[got.n++] = len;
}

/* ---- Set-up and helpers ------------------------------------------------- */

static void nic_free(void)
{
	free(the_nic.tx_ring);
	free(the_nic.tx_slot);
	free(the_nic.tx_hdr);
	free(the_nic.rx_ring);
	free(the_nic.rx_buf);
	memset(&the_nic, 0, sizeof(the_nic));
}

static int teardown(void **state)
{
	(void)state;
	nic_free();
	return 0;
}

/* A NIC with the given ring sizes, programmed, callbacks recorded. */
static struct e1000 *nic_new(uint32_t txring, uint32_t rxring)
{
	struct e1000 *nic = &the_nic;

	nic_free();
	nic_model_attach(nic);
	done.n = got.n = 0;
	assert_int_equal(e1000_tx_init(nic, txring), 0);
	if (rxring)			/* 0: a transmit-only NIC (the TX tests) */
		assert_int_equal(e1000_rx_init(nic, rxring), 0);
	nic->tx_done = record_tx_done;
	nic->tx_done_arg = &done;
	nic->rx_handler = record_rx;
	nic->rx_arg = &got;
	return nic;
}

/*
 * Cut frame id (len bytes of pattern(id)) into nseg segments, SEG_GAP
 * poison bytes apart in memory; the last takes the remainder.
 */
static void make_segs(uint32_t id, uint32_t len, int nseg, struct e1000_seg *seg)
{
	uint8_t *p = pool[id % MAX_FRAMES];
	uint32_t off = 0;

	assert_true(len <= E1000_RX_BUF_SIZE && nseg <= E1000_MAX_SEGS);
	memset(p, POISON, sizeof(pool[0]));
	for (int i = 0; i < nseg; i++) {
		uint32_t n = i == nseg - 1 ? len - off : len / nseg;

		p += SEG_GAP;
		for (uint32_t k = 0; k < n; k++)
			p[k] = pattern(id, off + k);
		seg[i] = (struct e1000_seg){ p, n };
		p += n;
		off += n;
	}
}

static int post_frame(struct e1000 *nic, uint32_t id, uint32_t len, int nseg)
{
	struct e1000_seg seg[E1000_MAX_SEGS];

	make_segs(id, len, nseg, seg);
	return e1000_tx_post(nic, seg, nseg, cookie(id));
}

/* The model's sent frame idx is frame id, len bytes, byte for byte. */
static void assert_sent(uint32_t idx, uint32_t id, uint32_t len)
{
	const struct sent_frame *f = &model.sent[idx];

	assert_true(idx < model.nsent);
	assert_int_equal(f->len, len);
	for (uint32_t k = 0; k < len; k++)
		if (f->data[k] != pattern(id, k))
			fail_msg("sent frame %u (id %u) byte %u: 0x%02x, expected 0x%02x",
				 idx, id, k, f->data[k], pattern(id, k));
}

static void assert_got(uint32_t idx, uint32_t id, uint32_t len)
{
	assert_true(idx < got.n);
	assert_int_equal(got.len[idx], len);
	for (uint32_t k = 0; k < len; k++)
		if (got.data[idx][k] != pattern(id, k))
			fail_msg("received frame %u (id %u) byte %u: 0x%02x, expected 0x%02x",
				 idx, id, k, got.data[idx][k], pattern(id, k));
}

/* Everything a refused post must leave alone (rings up to 64 slots). */
struct tx_snapshot {
	uint32_t tail, clean, tdt;
	uint64_t posted;
	struct e1000_tx_desc ring[64];
	struct e1000_tx_slot slot[64];
};

static void tx_snapshot(const struct e1000 *nic, struct tx_snapshot *s)
{
	assert_true(nic->tx_count <= 64);
	s->tail = nic->tx_tail;
	s->clean = nic->tx_clean;
	s->tdt = e1000_read(nic, E1000_TDT);
	s->posted = nic->stats.tx_posted;
	memcpy(s->ring, nic->tx_ring, nic->tx_count * sizeof(s->ring[0]));
	memcpy(s->slot, nic->tx_slot, nic->tx_count * sizeof(s->slot[0]));
}

static void assert_tx_unchanged(const struct e1000 *nic, const struct tx_snapshot *s)
{
	assert_int_equal(nic->tx_tail, s->tail);
	assert_int_equal(nic->tx_clean, s->clean);
	assert_int_equal(e1000_read(nic, E1000_TDT), s->tdt);
	assert_int_equal(nic->stats.tx_posted, s->posted);
	assert_memory_equal(nic->tx_ring, s->ring, nic->tx_count * sizeof(s->ring[0]));
	assert_memory_equal(nic->tx_slot, s->slot, nic->tx_count * sizeof(s->slot[0]));
}

/* ---- Ring set-up -------------------------------------------------------- */

static void test_tx_init(void **state)
{
	static const uint32_t sizes[] = { 8, 16, 24, 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t n = sizes[i];
		struct e1000 *nic = nic_new(n, 0);
		uintptr_t tx = (uintptr_t)nic->tx_ring;

		assert_int_equal(e1000_read(nic, E1000_TDBAL), (uint32_t)tx);
		assert_int_equal(e1000_read(nic, E1000_TDBAH), (uint32_t)((uint64_t)tx >> 32));
		assert_int_equal(e1000_read(nic, E1000_TDLEN), n * 16);
		assert_int_equal(e1000_read(nic, E1000_TDLEN) % E1000_RING_ALIGN, 0);
		assert_int_equal(e1000_read(nic, E1000_TDH), 0);
		assert_int_equal(e1000_read(nic, E1000_TDT), 0);
		assert_true(e1000_read(nic, E1000_TCTL) & E1000_TCTL_EN);
		assert_int_equal(tx % 16, 0);
		assert_int_equal(e1000_tx_free(nic), n - 1);
	}
}

static void test_rx_init(void **state)
{
	static const uint32_t sizes[] = { 8, 16, 24, 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t n = sizes[i];
		struct e1000 *nic = nic_new(8, n);
		uintptr_t rx = (uintptr_t)nic->rx_ring;

		assert_int_equal(e1000_read(nic, E1000_RDBAL), (uint32_t)rx);
		assert_int_equal(e1000_read(nic, E1000_RDBAH), (uint32_t)((uint64_t)rx >> 32));
		assert_int_equal(e1000_read(nic, E1000_RDLEN), n * 16);
		assert_int_equal(e1000_read(nic, E1000_RDLEN) % E1000_RING_ALIGN, 0);
		assert_int_equal(e1000_read(nic, E1000_RDH), 0);
		assert_int_equal(e1000_read(nic, E1000_RDT), n - 1);	/* all but one */
		assert_true(e1000_read(nic, E1000_RCTL) & E1000_RCTL_EN);
		assert_int_equal(rx % 16, 0);
		for (uint32_t k = 0; k < n; k++)
			assert_int_equal(nic->rx_ring[k].addr,
					 (uintptr_t)(nic->rx_buf + (size_t)k * E1000_RX_BUF_SIZE));
	}
}

/* ---- Transmit ----------------------------------------------------------- */

static void test_tx_one_segment(void **state)
{
	struct e1000 *nic = nic_new(8, 0);
	struct e1000_seg seg;
	const struct e1000_tx_desc *d = &nic->tx_ring[0];

	(void)state;
	make_segs(0, 60, 1, &seg);
	assert_int_equal(e1000_tx_post(nic, &seg, 1, cookie(0)), 0);
	assert_int_equal(d->addr, (uintptr_t)seg.addr);
	assert_int_equal(d->length, 60);
	assert_int_equal(d->cmd, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
	assert_int_equal(d->status, 0);
	assert_int_equal(nic->stats.tx_posted, 1);

	assert_int_equal(e1000_read(nic, E1000_TDT), 0);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 0);	/* not kicked yet */
	e1000_tx_kick(nic);
	assert_int_equal(e1000_read(nic, E1000_TDT), 1);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 1);
	assert_sent(0, 0, 60);
	assert_int_equal(model.sent[0].ndesc, 1);
}

/*
 * Checksum offload: the context descriptor's fields (3.3.6), the extended
 * data descriptors after it (3.3.7: DEXT, DTYP data, TXSM in the first),
 * and a reclaim that skips the context but reports the frame.
 */
static void test_tx_udp_offload(void **state)
{
	struct e1000 *nic = nic_new(8, 0);
	const struct e1000_tx_ctx_desc *c = (const void *)&nic->tx_ring[0];
	const struct e1000_tx_desc *d = nic->tx_ring;
	struct e1000_seg seg[2];

	(void)state;
	assert_int_equal(e1000_tx_set_udp_offload(nic, 14, 34), 0);
	assert_int_equal(c->ipcss, 14);
	assert_int_equal(c->ipcso, 24);
	assert_int_equal(c->ipcse, 33);
	assert_int_equal(c->tucss, 34);
	assert_int_equal(c->tucso, 40);
	assert_int_equal(c->tucse, 0);
	assert_int_equal(c->cmd_and_length,
			 E1000_TXD_TUCMD_IP | E1000_TXD_TUCMD_RS | E1000_TXD_TUCMD_DEXT);
	assert_int_equal(nic->stats.tx_contexts, 1);
	assert_int_equal(nic->stats.tx_posted, 0);

	make_segs(1, 300, 2, seg);
	assert_int_equal(e1000_tx_post_udp(nic, seg, 2, cookie(1)), 0);
	assert_int_equal(d[1].cmd, E1000_TXD_CMD_DEXT);
	assert_int_equal(d[1].cso, E1000_TXD_DTYP_DATA);
	assert_int_equal(d[1].css, E1000_TXD_POPTS_TXSM);
	assert_int_equal(d[2].cmd, E1000_TXD_CMD_DEXT | E1000_TXD_CMD_EOP |
			 E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
	assert_int_equal(d[2].cso, E1000_TXD_DTYP_DATA);
	assert_int_equal(d[2].css, E1000_TXD_POPTS_TXSM);	/* the 82574 reads the last */

	nic->tx_ring[0].status = E1000_TXD_STAT_DD;	/* as the NIC writes back */
	nic->tx_ring[2].status = E1000_TXD_STAT_DD;
	assert_int_equal(e1000_tx_reclaim(nic), 1);
	assert_int_equal(done.n, 1);
	assert_ptr_equal(done.cookie[0], cookie(1));
	assert_int_equal(nic->stats.tx_done, 1);
	assert_int_equal(nic->tx_clean, 3);
}

/* A frame handed over while STATUS says the link is down is done, not on the wire. */
static void test_tx_offline(void **state)
{
	struct e1000 *nic = nic_new(8, 0);
	struct e1000_seg seg;

	(void)state;
	make_segs(0, 60, 1, &seg);
	assert_int_equal(e1000_tx_post(nic, &seg, 1, cookie(0)), 0);
	e1000_tx_kick(nic);
	e1000_write(nic, E1000_STATUS, 0);		/* the link goes down */
	make_segs(1, 60, 1, &seg);
	assert_int_equal(e1000_tx_post(nic, &seg, 1, cookie(1)), 0);
	e1000_tx_kick(nic);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 2);
	assert_int_equal(e1000_tx_reclaim(nic), 2);
	assert_int_equal(done.n, 2);
	assert_int_equal(done.on_wire[0], 1);
	assert_int_equal(done.on_wire[1], 0);
	assert_int_equal(nic->stats.tx_offline, 1);
}

/*
 * The transmit timeout: of four frames handed over, the NIC finished one
 * and then stopped.  The reset reports that one as sent and the other
 * three as not sent, leaves TDH = TDT = 0 and the unit on, and a frame
 * after it goes out alone: nothing from before is ever sent again.
 */
static void test_tx_timeout(void **state)
{
	struct e1000 *nic = nic_new(8, 0);

	(void)state;
	for (uint32_t id = 0; id < 4; id++)
		assert_int_equal(post_frame(nic, id, 60 + id, 1 + id % 2), 0);
	e1000_tx_kick(nic);
	assert_int_equal(nic_model_tx(nic, 1), 1);
	e1000_tx_timeout(nic);
	assert_int_equal(done.n, 4);
	for (uint32_t id = 0; id < 4; id++) {
		assert_ptr_equal(done.cookie[id], cookie(id));
		assert_int_equal(done.on_wire[id], id == 0);
	}
	assert_int_equal(nic->stats.tx_done, 1);
	assert_int_equal(nic->stats.tx_aborted, 3);
	assert_int_equal(nic->stats.tx_resets, 1);
	assert_int_equal(e1000_read(nic, E1000_TDH), 0);
	assert_int_equal(e1000_read(nic, E1000_TDT), 0);
	assert_true(e1000_read(nic, E1000_TCTL) & E1000_TCTL_EN);
	assert_int_equal(e1000_tx_free(nic), 7);
	assert_int_equal(post_frame(nic, 9, 100, 2), 0);
	e1000_tx_kick(nic);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 1);
	assert_int_equal(model.nsent, 2);
	assert_sent(1, 9, 100);
	assert_int_equal(e1000_tx_reclaim(nic), 1);
	assert_ptr_equal(done.cookie[4], cookie(9));
}

static void test_tx_many_segments(void **state)
{
	static const int nsegs[] = { 2, 5, E1000_MAX_SEGS };
	struct e1000 *nic = nic_new(32, 0);
	uint32_t slot = 0;

	(void)state;
	for (uint32_t f = 0; f < 3; f++) {
		int nseg = nsegs[f];
		uint32_t len = 100 + 97 * f;
		struct e1000_seg seg[E1000_MAX_SEGS];

		make_segs(f, len, nseg, seg);
		assert_int_equal(e1000_tx_post(nic, seg, nseg, cookie(f)), 0);
		for (int i = 0; i < nseg; i++, slot = (slot + 1) % 32) {
			const struct e1000_tx_desc *d = &nic->tx_ring[slot];
			uint8_t cmd = i == nseg - 1 ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS |
						       E1000_TXD_CMD_RS : 0;

			assert_int_equal(d->addr, (uintptr_t)seg[i].addr);
			assert_int_equal(d->length, seg[i].len);
			assert_int_equal(d->cmd, cmd);
			assert_int_equal(d->status, 0);
		}
		e1000_tx_kick(nic);
		assert_int_equal(nic_model_tx(nic, UINT32_MAX), 1);
		assert_sent(f, f, len);
		assert_int_equal(model.sent[f].ndesc, nseg);
		assert_int_equal(e1000_tx_reclaim(nic), 1);
	}
}

static void test_tx_batching(void **state)
{
	struct e1000 *nic = nic_new(16, 0);

	(void)state;
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(post_frame(nic, i, 60 + i, 1), 0);
	assert_int_equal(e1000_read(nic, E1000_TDT), 0);
	e1000_tx_kick(nic);
	assert_int_equal(nic->stats.tx_kicks, 1);
	assert_int_equal(e1000_read(nic, E1000_TDT), 5);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 5);
	for (uint32_t i = 0; i < 5; i++)
		assert_sent(i, i, 60 + i);
}

static uint32_t wrap_len(uint32_t id)
{
	return 60 + id * 97 % (E1000_MAX_FRAME - 59);
}

/* An 8-slot ring, 300 frames of 1..7 segments, partial sends: 100+ wraps. */
static void test_tx_wrap_around(void **state)
{
	const uint32_t total = 300;
	struct e1000 *nic = nic_new(8, 0);
	uint32_t posted = 0, round = 0, wraps = 0;

	(void)state;
	while (done.n < total) {
		uint32_t tail = nic->tx_tail;
		int rc = 0;

		while (posted < total && (rc = post_frame(nic, posted, wrap_len(posted),
							  1 + posted % 7)) == 0)
			posted++;
		assert_true(posted == total || rc == -EAGAIN);
		e1000_tx_kick(nic);
		wraps += nic->tx_tail < tail;
		nic_model_tx(nic, 1 + round++ % 3);
		e1000_tx_reclaim(nic);
		assert_true(round < 10 * total);
	}
	assert_true(wraps > 100);
	assert_int_equal(model.nsent, total);
	assert_int_equal(done.n, total);
	assert_int_equal(nic->stats.tx_done, total);
	for (uint32_t i = 0; i < total; i++) {
		assert_sent(i, i, wrap_len(i));
		assert_int_equal(model.sent[i].ndesc, 1 + i % 7);
		assert_ptr_equal(done.cookie[i], cookie(i));
	}
}

static void test_tx_full_ring(void **state)
{
	struct e1000 *nic = nic_new(8, 0);
	struct tx_snapshot snap;

	(void)state;
	assert_int_equal(e1000_tx_free(nic), 7);
	assert_int_equal(post_frame(nic, 0, 300, 3), 0);
	assert_int_equal(post_frame(nic, 1, 300, 3), 0);
	assert_int_equal(e1000_tx_free(nic), 1);

	tx_snapshot(nic, &snap);
	assert_int_equal(post_frame(nic, 2, 300, 2), -EAGAIN);
	assert_tx_unchanged(nic, &snap);

	assert_int_equal(post_frame(nic, 3, 300, 1), 0);	/* the smaller one fits */
	assert_int_equal(e1000_tx_free(nic), 0);
	assert_int_equal(post_frame(nic, 4, 60, 1), -EAGAIN);

	e1000_tx_kick(nic);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 3);
	assert_int_equal(e1000_tx_reclaim(nic), 3);
	assert_int_equal(e1000_tx_free(nic), 7);
	assert_int_equal(post_frame(nic, 5, 300, 7), 0);
}

/* 6 frames of 2 segments; the NIC sends 3, then the rest. */
static void test_tx_reclaim_partial(void **state)
{
	struct e1000 *nic = nic_new(16, 0);

	(void)state;
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(post_frame(nic, i, 200, 2), 0);
	e1000_tx_kick(nic);
	assert_int_equal(nic_model_tx(nic, 3), 3);

	assert_int_equal(e1000_tx_reclaim(nic), 3);
	assert_int_equal(done.n, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_ptr_equal(done.cookie[i], cookie(i));
	assert_int_equal(nic->tx_clean, 6);	/* frame 3's first slot */
	assert_int_equal(e1000_tx_reclaim(nic), 0);

	assert_int_equal(nic_model_tx(nic, UINT32_MAX), 3);
	assert_int_equal(e1000_tx_reclaim(nic), 3);
	assert_int_equal(done.n, 6);
	for (uint32_t i = 3; i < 6; i++)
		assert_ptr_equal(done.cookie[i], cookie(i));
	assert_int_equal(nic->tx_clean, nic->tx_tail);
	assert_int_equal(nic->stats.tx_done, 6);
}

/* Frame 0 (1 slot) done; frame 1 (slots 1..3) has DD on all but its last. */
static void test_tx_reclaim_needs_last_dd(void **state)
{
	struct e1000 *nic = nic_new(8, 0);

	(void)state;
	assert_int_equal(post_frame(nic, 0, 60, 1), 0);
	assert_int_equal(post_frame(nic, 1, 300, 3), 0);
	e1000_tx_kick(nic);
	nic->tx_ring[0].status = E1000_TXD_STAT_DD;
	nic->tx_ring[1].status = E1000_TXD_STAT_DD;
	nic->tx_ring[2].status = E1000_TXD_STAT_DD;

	assert_int_equal(e1000_tx_reclaim(nic), 1);
	assert_int_equal(nic->tx_clean, 1);
	assert_int_equal(e1000_tx_reclaim(nic), 0);
	assert_int_equal(done.n, 1);

	nic->tx_ring[3].status = E1000_TXD_STAT_DD;
	assert_int_equal(e1000_tx_reclaim(nic), 1);
	assert_int_equal(nic->tx_clean, 4);
	assert_ptr_equal(done.cookie[1], cookie(1));
}

static void test_tx_misuse(void **state)
{
	struct e1000 *nic = nic_new(32, 0);
	struct e1000_seg seg[E1000_MAX_SEGS + 1];
	struct tx_snapshot snap;

	(void)state;
	assert_int_equal(post_frame(nic, 0, 60, 1), 0);	/* not an empty ring */
	tx_snapshot(nic, &snap);

	make_segs(1, 100, 1, seg);
	assert_int_equal(e1000_tx_post(nic, seg, 0, NULL), -EINVAL);
	assert_int_equal(e1000_tx_post(nic, seg, -1, NULL), -EINVAL);
	make_segs(1, 100, E1000_MAX_SEGS, seg);
	seg[E1000_MAX_SEGS] = seg[0];
	assert_int_equal(e1000_tx_post(nic, seg, E1000_MAX_SEGS + 1, NULL), -EINVAL);
	make_segs(1, 300, 3, seg);
	seg[1].len = 0;
	assert_int_equal(e1000_tx_post(nic, seg, 3, NULL), -EINVAL);
	make_segs(1, E1000_MAX_FRAME + 1, 2, seg);
	assert_int_equal(e1000_tx_post(nic, seg, 2, NULL), -EMSGSIZE);
	make_segs(1, 16 * 100, E1000_MAX_SEGS, seg);
	assert_int_equal(e1000_tx_post(nic, seg, E1000_MAX_SEGS, NULL), -EMSGSIZE);
	assert_tx_unchanged(nic, &snap);

	make_segs(1, E1000_MAX_FRAME, 2, seg);	/* the limit itself is fine */
	assert_int_equal(e1000_tx_post(nic, seg, 2, NULL), 0);
}

/*
 * "-EMSGSIZE (over 1514 bytes)", says e1000_tx_post's comment, and -EINVAL
 * only for no segments, too many, or an empty one.  One segment of 1515
 * bytes is a frame over 1514 bytes.
 */
static void test_tx_oversized_single_segment(void **state)
{
	struct e1000 *nic = nic_new(8, 0);
	struct tx_snapshot snap;

	(void)state;
	tx_snapshot(nic, &snap);
	assert_int_equal(post_frame(nic, 0, E1000_MAX_FRAME + 1, 1), -EMSGSIZE);
	assert_tx_unchanged(nic, &snap);
}

static void fill_ring(uint32_t count)
{
	struct e1000 *nic = nic_new(count, 0);

	for (uint32_t i = 0; i < count - 1; i++)
		assert_int_equal(post_frame(nic, i, 60 + i % 64, 1), 0);
	assert_int_equal(e1000_tx_free(nic), 0);
	assert_int_equal(post_frame(nic, count, 60, 1), -EAGAIN);
	e1000_tx_kick(nic);
	assert_int_equal(e1000_read(nic, E1000_TDT), count - 1);
	assert_int_equal(nic_model_tx(nic, UINT32_MAX), count - 1);
	assert_int_equal(e1000_read(nic, E1000_TDH), count - 1);
	assert_int_equal(e1000_tx_reclaim(nic), count - 1);
	assert_int_equal(e1000_tx_free(nic), count - 1);
	for (uint32_t i = 0; i < count - 1; i++) {
		assert_sent(i, i, 60 + i % 64);
		assert_ptr_equal(done.cookie[i], cookie(i));
	}
}

static void test_tx_fill_8(void **state)
{
	(void)state;
	fill_ring(8);
}

static void test_tx_fill_4096(void **state)
{
	(void)state;
	fill_ring(4096);
}

/* ---- Receive ------------------------------------------------------------ */

static void test_rx_delivers_in_order(void **state)
{
	static const uint32_t len[] = { 60, E1000_MAX_FRAME, 342 };
	struct e1000 *nic = nic_new(8, 8);

	(void)state;
	assert_int_equal(e1000_rx_poll(nic), 0);
	assert_int_equal(e1000_read(nic, E1000_RDT), 7);	/* no work, no write */
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(rx_frame(nic, i, len[i], RX_GOOD), 0);
	assert_int_equal(e1000_rx_poll(nic), 3);
	assert_int_equal(got.n, 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_got(i, i, len[i]);
	assert_int_equal(e1000_read(nic, E1000_RDT), 2);	/* last slot processed */
	assert_int_equal(nic->rx_next, 3);
	assert_int_equal(nic->stats.rx_frames, 3);
	assert_int_equal(nic->stats.rx_errors, 0);
}

/* 100 frames through an 8-slot ring, in bursts of 1..7. */
static void test_rx_recycles_buffers(void **state)
{
	struct e1000 *nic = nic_new(8, 8);
	uint32_t id = 0;

	(void)state;
	for (uint32_t burst = 1; id < 100; burst = burst % 7 + 1) {
		for (uint32_t i = 0; i < burst && id < 100; i++, id++)
			assert_int_equal(rx_frame(nic, id, 60 + id * 13 % 1400, RX_GOOD), 0);
		e1000_rx_poll(nic);
		assert_int_equal(got.n, id);
		assert_int_equal(e1000_read(nic, E1000_RDT), (id - 1) % 8);
		assert_int_equal(nic->rx_next, id % 8);
	}
	for (uint32_t i = 0; i < 100; i++)
		assert_got(i, i, 60 + i * 13 % 1400);
	assert_int_equal(model.rx_overruns, 0);
}

static void test_rx_errors_dropped(void **state)
{
	struct e1000 *nic = nic_new(8, 8);

	(void)state;
	assert_int_equal(rx_frame(nic, 0, 100, RX_GOOD), 0);
	assert_int_equal(rx_frame(nic, 1, 100, RX_CRC_ERROR), 0);
	assert_int_equal(rx_frame(nic, 2, 100, RX_NO_EOP), 0);
	/* With EOP, but the end of the frame buffer 2 began: dropped too. */
	assert_int_equal(rx_frame(nic, 3, 100, RX_GOOD), 0);
	assert_int_equal(rx_frame(nic, 4, 100, RX_GOOD), 0);
	assert_int_equal(e1000_rx_poll(nic), 5);
	assert_int_equal(got.n, 2);
	assert_got(0, 0, 100);
	assert_got(1, 4, 100);
	assert_int_equal(nic->stats.rx_frames, 2);
	assert_int_equal(nic->stats.rx_errors, 3);
	assert_int_equal(e1000_read(nic, E1000_RDT), 4);	/* bad buffers recycled too */
}

/* The model refuses frames when RDH == RDT; every accepted one arrives. */
static void test_rx_ring_full(void **state)
{
	struct e1000 *nic = nic_new(8, 8);
	uint32_t accepted[32], nacc = 0;

	(void)state;
	for (uint32_t round = 0, id = 0; round < 3; round++) {
		for (uint32_t i = 0; i < 10; i++, id++)
			if (rx_frame(nic, id, 64 + id, RX_GOOD) == 0)
				accepted[nacc++] = id;
		assert_int_equal(nacc, 7 * (round + 1));	/* count - 1 buffers */
		assert_int_equal(e1000_rx_poll(nic), 7);
	}
	assert_int_equal(model.rx_overruns, 3 * 3);
	assert_int_equal(got.n, nacc);
	for (uint32_t i = 0; i < nacc; i++)
		assert_got(i, accepted[i], 64 + accepted[i]);
}

int main(void)
{
	const struct CMUnitTest e1000_ring[] = {
		cmocka_unit_test_teardown(test_tx_init, teardown),
		cmocka_unit_test_teardown(test_rx_init, teardown),
		cmocka_unit_test_teardown(test_tx_one_segment, teardown),
		cmocka_unit_test_teardown(test_tx_udp_offload, teardown),
		cmocka_unit_test_teardown(test_tx_offline, teardown),
		cmocka_unit_test_teardown(test_tx_timeout, teardown),
		cmocka_unit_test_teardown(test_tx_many_segments, teardown),
		cmocka_unit_test_teardown(test_tx_batching, teardown),
		cmocka_unit_test_teardown(test_tx_wrap_around, teardown),
		cmocka_unit_test_teardown(test_tx_full_ring, teardown),
		cmocka_unit_test_teardown(test_tx_reclaim_partial, teardown),
		cmocka_unit_test_teardown(test_tx_reclaim_needs_last_dd, teardown),
		cmocka_unit_test_teardown(test_tx_misuse, teardown),
		cmocka_unit_test_teardown(test_tx_oversized_single_segment, teardown),
		cmocka_unit_test_teardown(test_tx_fill_8, teardown),
		cmocka_unit_test_teardown(test_tx_fill_4096, teardown),
		cmocka_unit_test_teardown(test_rx_delivers_in_order, teardown),
		cmocka_unit_test_teardown(test_rx_recycles_buffers, teardown),
		cmocka_unit_test_teardown(test_rx_errors_dropped, teardown),
		cmocka_unit_test_teardown(test_rx_ring_full, teardown),
	};

	return cmocka_run_group_tests_name("e1000_ring", e1000_ring, NULL, NULL);
}
