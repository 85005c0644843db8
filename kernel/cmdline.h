/*
 * kernel/cmdline.h - the kernel command line (docs/interface.md, "The
 * command line"): space-separated key=value pairs, every key with a default.
 *
 * Pure logic with no kernel dependencies, so the host unit tests
 * (tests/unit/test_cmdline.c) compile it as it is.
 */
#ifndef CMDLINE_H
#define CMDLINE_H

#include <stddef.h>
#include <stdint.h>

enum app_mode {
	MODE_SEND,	/* send `count` datagrams, then stop */
	MODE_ECHO,	/* echo datagrams to sport until `count` were answered or failed */
	MODE_IDLE,	/* answer ARP and ping only, forever */
	MODE_RAW,	/* driver self-test: raw Ethernet frames, no IP */
	MODE_BLAST,	/* the packets/s floor: prebuilt datagrams, no sockets */
	MODE_REFLECT,	/* the round-trip floor: UDP frames sent straight back */
};

enum debug_fault {
	FAULT_NONE,
	FAULT_PF,	/* read an unmapped address: #PF */
	FAULT_UD,	/* ud2: #UD */
	FAULT_DE,	/* divide by zero: #DE */
	FAULT_STACK,	/* recurse until the boot stack's guard page: #PF */
};

/* IPv4 addresses are kept in host byte order here; net/ converts on the wire. */
struct config {
	uint32_t ip;		/* own address */
	uint8_t prefix;		/* own network prefix length, 1..32 */
	uint32_t gw;		/* router, 0 = none */
	uint32_t dst_ip;	/* UDP destination */
	uint16_t dst_port;
	uint16_t sport;		/* own UDP port */
	enum app_mode mode;
	uint32_t count;		/* datagrams; 0 = no limit */
	uint32_t size;		/* UDP payload bytes */
	uint32_t batch;		/* datagrams per sendmmsg */
	uint32_t rate;		/* datagrams per second; 0 = unpaced */
	uint32_t txring;	/* TX descriptors */
	uint32_t rxring;	/* RX descriptors */
	int msix;		/* a NIC with MSI-X uses it (0: INTx through the IOAPIC) */
	int trace;		/* print a function-graph trace of one send */
	int stages;		/* stamp every stage of every send (kernel/lat.h) */
	int samples;		/* print the send calls' times ("@samples") */
	uint32_t arp_ip;	/* a static ARP entry: this address ... (0 = none) */
	uint8_t arp_mac[6];	/* ... is at this MAC */
	enum debug_fault fault;	/* take a CPU exception on purpose (tests) */
};

#define CMDLINE_ERR_MAX	128

/*
 * Parse args into cfg (defaults first).  0 on success; -1 with
 * err = "KEY: REASON" (what follows "@error cmdline: ") otherwise.
 */
int cmdline_parse(const char *args, struct config *cfg, char *err, size_t errlen);

/* Format a host-order IPv4 address as a.b.c.d into buf (16 bytes). */
void ipv4_format(uint32_t addr, char buf[16]);

#endif
