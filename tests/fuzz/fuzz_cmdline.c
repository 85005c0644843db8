/*
 * tests/fuzz/fuzz_cmdline.c - libFuzzer: the kernel command line (what a
 * loader hands over, up to its 4 KiB).  The parser must either accept it
 * with every value in range, or refuse it with a message that fits.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char args[4096], err[CMDLINE_ERR_MAX];
	struct config cfg;

	if (size >= sizeof(args))
		return -1;
	memcpy(args, data, size);
	args[size] = '\0';
	memset(err, 0, sizeof(err));
	if (cmdline_parse(args, &cfg, err, sizeof(err)) == 0) {
		if (cfg.size < 8 || cfg.size > 1472 || cfg.batch < 1 || cfg.batch > 64 ||
		    cfg.prefix < 1 || cfg.prefix > 32 || cfg.sport == 0 ||
		    cfg.txring < 8 || cfg.txring > 4096 || cfg.txring % 8 ||
		    cfg.rxring < 8 || cfg.rxring > 4096 || cfg.rxring % 8)
			abort();
	} else if (!err[0] || memchr(err, '\0', sizeof(err)) == NULL) {
		abort();
	}
	return 0;
}
