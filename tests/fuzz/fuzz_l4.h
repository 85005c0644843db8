/* tests/fuzz/fuzz_l4.h - see fuzz_l4.c. */
#ifndef FUZZ_L4_H
#define FUZZ_L4_H

#include <stddef.h>
#include <stdint.h>

#include "net/net.h"

int fuzz_l4(const uint8_t *data, size_t size, uint8_t proto,
	    void (*input)(const struct ip_hdr *, const uint8_t *, uint32_t));

#endif
