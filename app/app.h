/*
 * app/app.h - the program this kernel runs: mode=send, echo and idle
 * (docs/interface.md), and the floors' modes blast and reflect (app/bare.h).
 */
#ifndef APP_H
#define APP_H

#include "kernel/cmdline.h"
#include "kernel/kernel.h"

enum exit_code app_run(const struct config *cfg);

/* The payload of datagram seq (docs/interface.md): seq big-endian, then a pattern. */
void app_fill_payload(uint8_t *p, uint64_t seq, uint32_t size);

#endif
