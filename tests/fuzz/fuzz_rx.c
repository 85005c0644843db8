/*
 * tests/fuzz/fuzz_rx.c - libFuzzer: the path from the RX ring up.  The
 * input is a run of frames, each a flags byte (bits 0-1: good, CRC error,
 * no EOP), a 16-bit length and that many bytes; the model NIC puts them in
 * the receive ring and the driver's poll hands them up, as the interrupt
 * handler would, whenever the ring is full and at the end.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t frames = 0;

	fuzz_up();
	while (size >= 3) {
		enum nic_rx_fault fault = (enum nic_rx_fault)(data[0] % 3);
		uint32_t len = (uint32_t)(data[1] | data[2] << 8) % (E1000_RX_BUF_SIZE + 1);

		data += 3;
		size -= 3;
		if (len > size)
			len = (uint32_t)size;
		if (nic_model_rx(&the_nic, data, len, fault) < 0) {
			e1000_rx_poll(&the_nic);
			nic_model_rx(&the_nic, data, len, fault);
		}
		frames++;
		data += len;
		size -= len;
	}
	e1000_rx_poll(&the_nic);
	nic_run();
	/* A frame with an error bit, or without EOP, never reaches the stack. */
	fuzz_down(frames - the_nic.stats.rx_errors);
	return 0;
}
