/*
 * drivers/e1000_rawtest.h - mode=raw: the e1000 driver's self-test, below IP.
 */
#ifndef RAWTEST_H
#define RAWTEST_H

#include "drivers/e1000.h"
#include "kernel/cmdline.h"
#include "kernel/kernel.h"

#define RAWTEST_ETHERTYPE	0x88B5	/* IEEE 802 local experimental */
#define RAWTEST_RX_WAIT_MS	5000

/*
 * Send cfg->count broadcast frames of ethertype 0x88B5, frame k being
 * frame_len(k) bytes long (e1000_rawtest.c) and split into 1 + k % 16
 * segments (fewer where the ring is smaller), cfg->batch frames per TDT
 * write.  Then count frames of that ethertype
 * received (a host injects them) until cfg->count have come or 5 s pass.
 */
enum exit_code rawtest_run(struct e1000 *nic, const struct config *cfg);

#endif
