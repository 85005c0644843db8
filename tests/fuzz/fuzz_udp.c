/* tests/fuzz/fuzz_udp.c - libFuzzer: a UDP datagram, as ip_input hands it on. */
#include "tests/fuzz/fuzz_l4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_l4(data, size, IPPROTO_UDP, udp_input);
}
