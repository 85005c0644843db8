/*
 * drivers/e1000_regs.h - Intel 8254x (82540EM, 82544GC, 82545EM) registers
 * and descriptors, as named in the "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (Intel 317453).  Register
 * offsets are bytes into BAR0 (manual table 13-2); bits are indented
 * under their register.  Section numbers are the manual's.
 *
 * The 82574L (PCI Express; QEMU's e1000e) has the same offsets for all of
 * these and the same legacy descriptors; what it adds or changes is marked
 * "82574", named as Intel's 82574 GbE Controller Family Datasheet names it.
 */
#ifndef E1000_REGS_H
#define E1000_REGS_H

#include <stdint.h>

/* 13.4.1 Device Control */
#define E1000_CTRL		0x0000
#define   E1000_CTRL_FD		(1u << 0)	/* full duplex */
#define   E1000_CTRL_LRST	(1u << 3)	/* link reset */
#define   E1000_CTRL_ASDE	(1u << 5)	/* auto-speed detection enable */
#define   E1000_CTRL_SLU	(1u << 6)	/* set link up */
#define   E1000_CTRL_ILOS	(1u << 7)	/* invert loss-of-signal */
#define   E1000_CTRL_RST	(1u << 26)	/* device reset, self-clearing */
#define   E1000_CTRL_VME	(1u << 30)	/* VLAN mode enable */
#define   E1000_CTRL_PHY_RST	(1u << 31)	/* PHY reset */

/* 13.4.2 Device Status */
#define E1000_STATUS		0x0008
#define   E1000_STATUS_FD	(1u << 0)
#define   E1000_STATUS_LU	(1u << 1)	/* link up */
#define   E1000_STATUS_SPEED_SHIFT 6		/* 00 10, 01 100, 1x 1000 Mb/s */

/* 13.4.4 EEPROM Read (82540EM and later; QEMU has it on all three) */
#define E1000_EERD		0x0014
#define   E1000_EERD_START	(1u << 0)
#define   E1000_EERD_DONE	(1u << 4)
#define   E1000_EERD_ADDR_SHIFT	8
#define   E1000_EERD_DATA_SHIFT	16
#define   E1000_EERD_DONE_82574	(1u << 1)	/* 82574: DONE in bit 1, */
#define   E1000_EERD_ADDR_SHIFT_82574 2		/* address in bits 15:2 */

/* 82574: Extended Device Control */
#define E1000_CTRL_EXT		0x0018
#define   E1000_CTRL_EXT_IAME	(1u << 27)	/* EIAC's auto-clear does not also mask IMS */

/* 13.4.7/13.4.8 Flow control: unused, written to zero (14.3) */
#define E1000_FCAL		0x0028
#define E1000_FCAH		0x002C
#define E1000_FCT		0x0030
#define E1000_FCTTV		0x0170

/* 13.4.17-13.4.21 Interrupt cause read/set, mask set/clear, throttling */
#define E1000_ICR		0x00C0		/* read to clear */
#define E1000_ITR		0x00C4
#define E1000_ICS		0x00C8
#define E1000_IMS		0x00D0
#define E1000_IMC		0x00D8
#define   E1000_INT_TXDW	(1u << 0)	/* a descriptor with RS was written back */
#define   E1000_INT_TXQE	(1u << 1)	/* transmit queue empty */
#define   E1000_INT_LSC		(1u << 2)	/* link status change */
#define   E1000_INT_RXDMT0	(1u << 4)	/* receive descriptors below threshold */
#define   E1000_INT_RXO		(1u << 6)	/* receiver overrun */
#define   E1000_INT_RXT0	(1u << 7)	/* receiver timer: a frame arrived */
#define   E1000_INT_RXQ0	(1u << 20)	/* 82574, MSI-X: receive queue 0 */
#define   E1000_INT_TXQ0	(1u << 22)	/* 82574, MSI-X: transmit queue 0 */
#define   E1000_INT_OTHER	(1u << 24)	/* 82574, MSI-X: LSC, RXO ... */
#define   E1000_INT_ASSERTED	(1u << 31)	/* 82574: any cause at all */

/* 82574: Extended Interrupt Auto Clear; Interrupt Vector Allocation (causes to MSI-X vectors) */
#define E1000_EIAC		0x00DC
#define E1000_IVAR		0x00E4
#define   E1000_IVAR_RXQ0(v)	((0x8u | (v)) << 0)	/* valid, vector v */
#define   E1000_IVAR_TXQ0(v)	((0x8u | (v)) << 8)
#define   E1000_IVAR_OTHER(v)	((0x8u | (v)) << 16)

/* 13.4.22 Receive Control */
#define E1000_RCTL		0x0100
#define   E1000_RCTL_EN		(1u << 1)
#define   E1000_RCTL_SBP	(1u << 2)	/* store bad packets */
#define   E1000_RCTL_UPE	(1u << 3)	/* unicast promiscuous */
#define   E1000_RCTL_MPE	(1u << 4)	/* multicast promiscuous */
#define   E1000_RCTL_LPE	(1u << 5)	/* long packets */
#define   E1000_RCTL_RDMTS_HALF	(0u << 8)	/* RXDMT0 at 1/2 of the ring free */
#define   E1000_RCTL_BAM	(1u << 15)	/* accept broadcast */
#define   E1000_RCTL_BSIZE_2048	(0u << 16)	/* with BSEX = 0 */
#define   E1000_RCTL_SECRC	(1u << 26)	/* strip the Ethernet CRC */

/* 13.4.33 Transmit Control */
#define E1000_TCTL		0x0400
#define   E1000_TCTL_EN		(1u << 1)
#define   E1000_TCTL_PSP	(1u << 3)	/* pad short packets to 64 bytes */
#define   E1000_TCTL_CT_SHIFT	4		/* collision threshold: 0x0F */
#define   E1000_TCTL_COLD_SHIFT	12		/* collision distance: 0x40 full duplex */

/* 13.4.34 Transmit IPG: the values 14.5 gives for IEEE 802.3 copper */
#define E1000_TIPG		0x0410
#define   E1000_TIPG_DEFAULT	(10u | 8u << 10 | 6u << 20)	/* IPGT, IPGR1, IPGR2 */

/* 13.4.27-13.4.31 Receive descriptor ring */
#define E1000_RDBAL		0x2800
#define E1000_RDBAH		0x2804
#define E1000_RDLEN		0x2808		/* bytes, a multiple of 128 */
#define E1000_RDH		0x2810		/* head: next descriptor the NIC fills */
#define E1000_RDT		0x2818		/* tail: one past the last one it may fill */
#define E1000_RDTR		0x2820		/* receive delay timer */
#define E1000_RADV		0x282C		/* receive absolute delay */

/* 13.4.38-13.4.42 Transmit descriptor ring */
#define E1000_TDBAL		0x3800
#define E1000_TDBAH		0x3804
#define E1000_TDLEN		0x3808		/* bytes, a multiple of 128 */
#define E1000_TDH		0x3810		/* head: next descriptor the NIC sends */
#define E1000_TDT		0x3818		/* tail: one past the last one it may send */
#define E1000_TIDV		0x3820		/* transmit interrupt delay */
#define E1000_TADV		0x382C		/* transmit absolute delay */

/* 13.4.44 Multicast Table Array: 128 words */
#define E1000_RXCSUM		0x5000		/* receive checksum offload: off, the stack checks */
#define E1000_MTA		0x5200
#define E1000_MTA_WORDS		128

/* 13.4.45 Receive Address 0 (RAL0, RAH0) */
#define E1000_RAL0		0x5400
#define E1000_RAH0		0x5404
#define   E1000_RAH_AV		(1u << 31)	/* address valid */

/* 13.7 Statistics: clear on read (QEMU does not clear CRCERRS..MPC) */
#define E1000_CRCERRS		0x4000		/* CRC errors */
#define E1000_MPC		0x4010		/* missed packets: no buffer, FIFO full */
#define E1000_GPRC		0x4074		/* good packets received */
#define E1000_GPTC		0x4080		/* good packets transmitted */
#define E1000_GORCL		0x4088		/* good octets received, low then high */
#define E1000_GORCH		0x408C
#define E1000_GOTCL		0x4090		/* good octets transmitted */
#define E1000_GOTCH		0x4094
#define E1000_RNBC		0x40A0		/* receive no buffers */
#define E1000_ROC		0x40B0		/* receive oversize: longer than 1522 bytes */
#define E1000_TPR		0x40D0		/* total packets received */
#define E1000_TPT		0x40D4		/* total packets transmitted */

/* 3.3.3 Legacy transmit descriptor */
struct e1000_tx_desc {
	uint64_t addr;		/* physical address of the data */
	uint16_t length;	/* bytes at addr */
	uint8_t cso;		/* legacy: checksum offset (not used here);
				   extended data descriptor (3.3.7): DTYP */
	uint8_t cmd;
	uint8_t status;
	uint8_t css;		/* legacy: checksum start (not used here);
				   extended data descriptor: POPTS */
	uint16_t special;
} __attribute__((packed));

#define E1000_TXD_CMD_EOP	(1u << 0)	/* end of packet */
#define E1000_TXD_CMD_IFCS	(1u << 1)	/* insert FCS */
#define E1000_TXD_CMD_RS	(1u << 3)	/* report status: write back DD */
#define E1000_TXD_STAT_DD	(1u << 0)	/* descriptor done */

/*
 * 3.3.6 TCP/IP context descriptor: where the headers are, so that data
 * descriptors after it can ask the NIC for checksums.  The NIC keeps the
 * context until another replaces it.
 */
struct e1000_tx_ctx_desc {
	uint8_t ipcss;		/* IP header start */
	uint8_t ipcso;		/* IP checksum offset */
	uint16_t ipcse;		/* IP header end (inclusive) */
	uint8_t tucss;		/* TCP/UDP checksum start: the UDP header */
	uint8_t tucso;		/* TCP/UDP checksum offset */
	uint16_t tucse;		/* TCP/UDP checksum end; 0: the end of the frame */
	uint32_t cmd_and_length;	/* PAYLEN 19:0, DTYP 23:20, TUCMD 31:24 */
	uint8_t status;
	uint8_t hdrlen;		/* TSO only */
	uint16_t mss;		/* TSO only */
} __attribute__((packed));

#define E1000_TXD_TUCMD_IP	(1u << 25)	/* IPv4 (TCP would be bit 24) */
#define E1000_TXD_TUCMD_RS	(1u << 27)
#define E1000_TXD_TUCMD_DEXT	(1u << 29)	/* extended: context or data */

/*
 * 3.3.7 TCP/IP data descriptor, seen through struct e1000_tx_desc: the
 * low 16 bits of DTALEN in length; DTYP (data = 1) in the high nibble of
 * cso; DCMD in cmd (legacy's bits, plus DEXT); POPTS in css.
 */
#define E1000_TXD_DTYP_DATA	0x10		/* in cso */
#define E1000_TXD_CMD_DEXT	(1u << 5)	/* in cmd */
#define E1000_TXD_POPTS_TXSM	(1u << 1)	/* in css: insert the TCP/UDP checksum */

/* 3.2.3 Receive descriptor */
struct e1000_rx_desc {
	uint64_t addr;		/* physical address of the buffer */
	uint16_t length;	/* bytes the NIC wrote */
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

#define E1000_RXD_STAT_DD	(1u << 0)	/* descriptor done */
#define E1000_RXD_STAT_EOP	(1u << 1)	/* last descriptor of a frame */
#define E1000_RXD_ERR_MASK	0xE7		/* CE, SE, SEQ, TCPE, IPE, RXE: all
						   but CXE (3.2.3.2); the checksum
						   ones stay 0 without RXCSUM */

#define E1000_RX_BUF_SIZE	2048
#define E1000_RING_ALIGN	128		/* TDLEN/RDLEN granularity; base 16 */

#endif
