/*
 * drivers/pci.h - PCI configuration space and the devices found on the bus.
 */
#ifndef PCI_H
#define PCI_H

#include <stdint.h>

#define PCI_MAX_DEVICES	32

/* Configuration space offsets (PCI Local Bus Specification 3.0, 6.1). */
#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04	/* and the status register above it */
#define   PCI_STATUS_CAP_LIST	0x0010	/* status: a capability list at PCI_CAP_PTR */
#define   PCI_CMD_IO		0x0001
#define   PCI_CMD_MEMORY	0x0002
#define   PCI_CMD_BUS_MASTER	0x0004
#define   PCI_CMD_INTX_DISABLE	0x0400
#define PCI_CLASS_REV		0x08
#define PCI_HEADER_TYPE		0x0E
#define   PCI_HEADER_MULTIFN	0x80
#define PCI_BAR0		0x10
#define PCI_SECONDARY_BUS	0x19	/* type 1 (bridge) header */
#define PCI_CAP_PTR		0x34
#define PCI_CAP_MSIX		0x11
#define PCI_INTERRUPT_LINE	0x3C
#define PCI_INTERRUPT_PIN	0x3D

enum pci_bar_type {
	BAR_NONE,
	BAR_IO,
	BAR_MEM32,
	BAR_MEM64,
};

struct pci_bar {
	enum pci_bar_type type;
	uint64_t base;
	uint64_t size;
	int prefetchable;
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_rev;		/* class, subclass, prog-if, revision */
	uint8_t irq_line;		/* as the firmware routed it (ISA IRQ) */
	uint8_t irq_pin;		/* 1 = INTA# ... 4 = INTD#, 0 = none */
	struct pci_bar bar[6];
};

/* Scan every bus reachable from bus 0 and print what is there. */
void pci_init(void);

/* The first device with this vendor and device ID, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device);

/* 32 bits of configuration space (ECAM: up to 0xFFF; the ports: up to 0xFF). */
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);

/*
 * Where ECAM puts a function's register (PCIe 3.0, 7.2.2): base + bus, dev,
 * fn, off.  base is MCFG's, the address of bus 0 even where the window
 * starts at a later bus.
 */
uint64_t pci_ecam_addr(uint64_t base, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);

/* The offset of capability id (6.7) or extended capability id (PCIe 7.9), or 0. */
int pci_find_cap(const struct pci_dev *d, uint8_t id);
int pci_find_ext_cap(const struct pci_dev *d, uint16_t id);

/* Turn on memory decoding and bus mastering (DMA); INTx stays enabled. */
void pci_enable_mmio_dma(const struct pci_dev *d);

/* A function's MSI-X table (PCI 3.0, 6.8.2), once pci_msix_init found it. */
struct pci_msix {
	int cap;			/* the capability's offset */
	int size;			/* table entries */
	uint64_t table;			/* the table's address, in its BAR (uncached) */
};

/*
 * Find the MSI-X capability and its table of at least need entries; turn
 * MSI-X on with every vector masked (Function Mask).  0; or -1, with MSI-X
 * left off: no capability, fewer entries, or a table that is not inside a
 * memory BAR below MEM_IDENTITY_TOP.
 */
int pci_msix_init(struct pci_dev *d, struct pci_msix *m, int need);

/* MSI-X off again, for a caller that cannot finish setting it up: INTx. */
void pci_msix_stop(const struct pci_dev *d, const struct pci_msix *m);

/* Entry i sends data to addr (as msi_attach gave them), then is unmasked. */
void pci_msix_set(const struct pci_msix *m, int i, uint64_t addr, uint32_t data);

/* INTx off, Function Mask off: the entries set so far may now fire. */
void pci_msix_start(const struct pci_dev *d, const struct pci_msix *m);

#endif
