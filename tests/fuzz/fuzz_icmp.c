/* tests/fuzz/fuzz_icmp.c - libFuzzer: an ICMP message, as ip_input hands it on. */
#include "tests/fuzz/fuzz_l4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_l4(data, size, IPPROTO_ICMP, icmp_input);
}
