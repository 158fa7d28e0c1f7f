/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2)
 * for the three functions of QEMU's i440FX "pc" machine that OVMF needs:
 *
 *   00:00.0  i440FX host bridge      8086:1237 class 060000 rev 02
 *            PAM 0x59-0x5F and SMRAM 0x72 are stored and read back but do
 *            nothing (the BIOS alias is plain read-only memory here).
 *   00:01.0  PIIX3 PCI-to-ISA bridge 8086:7000 class 060100, multifunction
 *            PIRQ route registers 0x60-0x63 stored (default 0x80: disabled).
 *   00:01.3  PIIX4 power management  8086:7113 class 068000 rev 03, INTA#,
 *            line 9.  PMBA (0x40, I/O base aligned to 64, bit 0 reads 1)
 *            and PMREGMISC (0x80, bit 0 = PM I/O enable) place the acpipm
 *            block with host->pio_map(acpipm, base, 64, enabled).
 *
 * The device owns ports 0xCF8-0xCFF (window 8):
 *   offset 0, dword     CONFIG_ADDRESS (0xCF8)
 *   offset 1, byte      forwarded to the reset-control device (0xCF9), the
 *                       PIIX register that sits inside CONFIG_ADDRESS; the
 *                       machine must not put that device on the bus itself
 *   other accesses to 0-3  read all-ones, writes ignored
 *   offsets 4-7         CONFIG_DATA (0xCFC-0xCFF), any width; the byte lanes
 *                       pick config bytes (reg & ~3) + (offset - 4) onward
 *
 * Absent functions (and any bus but 0, or CONFIG_ADDRESS bit 31 clear) read
 * all-ones and ignore writes.  Unimplemented BARs read 0.  IDs, class,
 * header type and interrupt pin are read-only; the command register and
 * interrupt line are writable, status error bits are write-1-to-clear.
 */
#ifndef DEVICES_PCI_H
#define DEVICES_PCI_H

#include "vmm/device.h"

#define PCI_WINDOW_SIZE		8	/* 0xCF8 .. 0xCFF */
#define PCI_OFFSET_ADDRESS	0
#define PCI_OFFSET_RESETCTL	1	/* 0xCF9 */
#define PCI_OFFSET_DATA		4

#define PCI_ADDRESS_ENABLE	0x80000000u

/* devfn = device << 3 | function. */
#define PCI_DEVFN(dev, fn)	((uint8_t)(((dev) << 3) | (fn)))
#define PCI_DEVFN_HOST		PCI_DEVFN(0, 0)
#define PCI_DEVFN_ISA		PCI_DEVFN(1, 0)
#define PCI_DEVFN_PM		PCI_DEVFN(1, 3)

/* PIIX4 function 3 registers (82371AB datasheet 3.3). */
#define PCI_PM_PMBA		0x40
#define PCI_PM_PMREGMISC	0x80
#define PCI_PM_IO_SIZE		64

struct pci_config {
	/*
	 * The 0xCF9 reset-control device (sysctl's resetctl_device()); byte
	 * accesses at offset 1 are passed to its ops at its offset 0.  NULL:
	 * such reads return all-ones and writes are dropped.
	 */
	const struct vmm_device *resetctl;
	/*
	 * The PIIX4 PM block (acpipm_device()), the device handed to
	 * host->pio_map() when PMBA or the enable bit change.  NULL: the
	 * registers still work, nothing is mapped.
	 */
	const struct vmm_device *acpipm;
};

struct pci;

/*
 * Create the host bridge, ISA bridge and PM functions in power-on state.
 * (host) and (config) are copied; the devices (config) points to must
 * outlive this one.  Returns 0, -EINVAL for a NULL argument, or -ENOMEM.
 */
int pci_create(const struct vmm_host *host, const struct pci_config *config,
	       struct pci **out);
struct vmm_device *pci_device(struct pci *pci);

/* What a function's configuration header says (for describing the bus). */
struct pci_function_info {
	uint8_t devfn;
	uint16_t vendor_id, device_id;
	uint8_t revision;
	uint32_t class_code;	/* class << 16 | subclass << 8 | prog-if */
	uint8_t interrupt_pin;	/* 0: none, 1-4: INTA#-INTD# */
};

/*
 * Function (index) of bus 0, in devfn order, as its config space reads
 * now: 0, or -ENOENT past the last (-EINVAL for a NULL argument).
 */
int pci_function_info(const struct pci *pci, unsigned index,
		      struct pci_function_info *out);
/* Frees (pci); does not unmap the PM window (the machine is going away). */
void pci_destroy(struct pci *pci);

#endif
