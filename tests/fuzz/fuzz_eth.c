/*
 * tests/fuzz/fuzz_eth.c - libFuzzer: one frame, as the driver hands it to
 * the stack (eth_input, up to a receive buffer's 2048 bytes): Ethernet,
 * then ARP, IPv4, UDP or ICMP, and any reply the stack sends.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > E1000_RX_BUF_SIZE)
		return -1;
	fuzz_up();
	eth_input(NULL, data, (uint32_t)size);
	nic_run();
	fuzz_down(1);
	return 0;
}
