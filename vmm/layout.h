/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every guest-physical address and port number of the machine, in one place.
 * The platform follows QEMU's i440FX "pc" machine, the one OVMF's PlatformPei
 * recognises by the host bridge's device ID (8086:1237).
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#include <stdint.h>

#define LAYOUT_KiB 1024ULL
#define LAYOUT_MiB (1024ULL * LAYOUT_KiB)
#define LAYOUT_GiB (1024ULL * LAYOUT_MiB)

/* Firmware flash: CODE ends at 4 GiB, VARS directly below (pc_sysfw.c). */
#define LAYOUT_4GIB		0x100000000ULL
#define LAYOUT_RESET_VECTOR	0xFFFFFFF0ULL
#define LAYOUT_FLASH_SECTOR	0x1000ULL	/* 4 KiB erase blocks */
#define LAYOUT_FLASH_MAX	(8 * LAYOUT_MiB) /* QEMU's max-fw-size */
#define LAYOUT_FLASH_BOTTOM	(LAYOUT_4GIB - LAYOUT_FLASH_MAX)

/* The legacy BIOS alias: the last 128 KiB of CODE seen below 1 MiB. */
#define LAYOUT_BIOS_ALIAS	0xE0000ULL
#define LAYOUT_BIOS_ALIAS_SIZE	0x20000ULL

/* Low RAM: the VGA hole and option-ROM area stay out of RAM. */
#define LAYOUT_VGA_HOLE		0xA0000ULL
#define LAYOUT_HIGH_LOW_RAM	0x100000ULL	/* 1 MiB */
/* RAM below 4 GiB stops here; the rest goes above 4 GiB (QEMU pc). */
#define LAYOUT_LOWMEM_MAX	0xC0000000ULL
#define LAYOUT_HIGHMEM_BASE	LAYOUT_4GIB

/* Fixed platform MMIO. */
#define LAYOUT_IOAPIC		0xFEC00000ULL
#define LAYOUT_LAPIC		0xFEE00000ULL
/* KVM's TSS (3 pages) and identity-map page, reserved in e820 like QEMU. */
#define LAYOUT_KVM_IDENTITY_MAP	0xFEFFC000ULL
#define LAYOUT_KVM_TSS		0xFEFFD000ULL
#define LAYOUT_KVM_RESERVED	0xFEFFC000ULL
#define LAYOUT_KVM_RESERVED_SIZE 0x4000ULL

/* Ports. */
#define LAYOUT_PORT_PIC_MASTER	0x20	/* 8259A pair: 0x20-0x21, 0xA0-0xA1 */
#define LAYOUT_PORT_PIT		0x40	/* 8254: 0x40-0x43 */
#define LAYOUT_PORT_SPEAKER	0x61	/* PIT channel 2 gate/output */
#define LAYOUT_PORT_PIC_SLAVE	0xA0
#define LAYOUT_PORT_ELCR	0x4D0	/* PIIX edge/level control: 0x4D0-0x4D1 */
#define LAYOUT_IOAPIC_PINS	24
/* ISA IRQ 0 reaches IOAPIC pin 2 (the MADT's interrupt source override). */
#define LAYOUT_IOAPIC_PIN_IRQ0	2
#define LAYOUT_IRQ_RTC		8
#define LAYOUT_PORT_KBD_DATA	0x60
#define LAYOUT_PORT_KBD_CMD	0x64
#define LAYOUT_PORT_CMOS	0x70	/* index 0x70, data 0x71 */
#define LAYOUT_PORT_A20		0x92
#define LAYOUT_PORT_COM1	0x3F8
#define LAYOUT_IRQ_COM1		4
#define LAYOUT_PORT_DEBUGCON	0x402
#define LAYOUT_PORT_HARNESS	0x0B4	/* VMM_F_HARNESS: 0xB4-0xB7 */
#define LAYOUT_PORT_FWCFG	0x510	/* selector 0x510, data 0x511 */
#define LAYOUT_PORT_FWCFG_DMA	0x514
#define LAYOUT_PORT_PCI_CONFIG	0xCF8	/* address 0xCF8, data 0xCFC */
#define LAYOUT_PORT_RESET	0xCF9
#define LAYOUT_IRQ_SCI		9	/* PIIX4 ACPI SCI */

_Static_assert(LAYOUT_FLASH_BOTTOM > LAYOUT_LAPIC,
	       "flash window must not cover the local APIC");
_Static_assert(LAYOUT_LOWMEM_MAX <= LAYOUT_IOAPIC, "low RAM below IOAPIC");
_Static_assert((LAYOUT_FLASH_MAX % LAYOUT_FLASH_SECTOR) == 0, "sectors");

#endif
