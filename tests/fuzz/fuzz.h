/*
 * tests/fuzz/fuzz.h - what the libFuzzer harnesses of tests/fuzz/ share:
 * the network stack up on the model NIC of the unit tests
 * (tests/unit/net_model.c), fresh for every input, with a UDP socket bound
 * to port 9000 so that datagrams have somewhere to go; and the books.
 *
 * A harness fails (aborts, and libFuzzer keeps the input) on a crash or
 * a sanitizer report, and also when the receive path's books do not
 * balance: every frame handed to the stack must end in exactly one
 * counter of @received or @drops.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "tests/unit/net_model.h"

/* The stack up on a fresh model NIC; a socket bound to 9000. */
void fuzz_up(void);

/* The books start here (after any set-up of a harness's own). */
void fuzz_mark(void);

/* Drain the socket, check the books since the mark (frames handed up:
 * expected), tear down. */
void fuzz_down(uint64_t frames);

#endif
