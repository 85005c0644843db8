/*
 * tests/fuzz/fuzz_arp.c - libFuzzer: an ARP packet (the bytes after the
 * Ethernet header), as eth_input hands it to arp_input.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > E1000_RX_BUF_SIZE - ETH_HLEN)
		return -1;
	fuzz_up();
	netif.rx_frames++;		/* eth_input's count, which this skips */
	arp_input(data, (uint32_t)size);
	nic_run();
	fuzz_down(1);
	return 0;
}
