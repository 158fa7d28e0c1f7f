/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Intel 82093AA I/O APIC (datasheet order 290566), 24 pins, as a pure
 * state machine: pins in (ioapic_set_irq), LAPIC EOIs in (ioapic_eoi),
 * interrupt messages out as MSIs (struct ioapic_output).  It knows neither
 * KVM nor the LAPIC; the machine turns route() into GSI routes and
 * deliver() into KVM_SIGNAL_MSI.
 *
 * The window (3.0 "Register Description", 3.1 "Memory Mapped Registers"):
 *   0x00 IOREGSEL (3.1.1)  bits 7:0 select a register, read/write; bits
 *        31:8 read 0.  Byte, word and dword accesses at offset 0 only.
 *   0x10 IOWIN (3.1.2)     the selected register.  Dword accesses only,
 *        as in QEMU: a byte or word access here reads all-ones and a write
 *        is ignored.
 * Every other access (other offsets, offsets 0x01-0x03 and 0x11-0x13,
 * 3-byte and 8-byte accesses) reads all-ones, the bus's pre-fill, and
 * writes are ignored.  No EOI register: that is an I/O APIC version 0x20
 * feature, and this one is version 0x11.  Accesses not inside the window
 * fail with -EINVAL.
 *
 * Registers behind IOWIN:
 *   0x00 IOAPICID (3.2.1)   bits 27:24 read/write, the rest read 0
 *   0x01 IOAPICVER (3.2.2)  0x00170011: maximum redirection entry 23
 *        (bits 23:16), version 0x11 (bits 7:0); read-only
 *   0x02 IOAPICARB (3.2.3)  bits 27:24 = the ID; read-only
 *   0x10 + 2n, 0x11 + 2n    IOREDTBL[n] (3.2.4) low and high dword
 *   anything else           reads 0, writes ignored
 *
 * IOREDTBL[n] (3.2.4): writable are vector (7:0), delivery mode (10:8),
 * destination mode (11), polarity (13), trigger mode (15), mask (16) and
 * destination (63:56); reserved bits 55:17 read 0.  Read-only:
 *   - delivery status (12) always reads 0 (idle): messages are sent at
 *     once, nothing is ever "send pending";
 *   - remote IRR (14): set when a level-triggered message is sent, cleared
 *     by an EOI of the entry's vector (below).
 * Writing the low dword with edge trigger mode clears remote IRR, which is
 * how Linux unsticks a remote IRR (switch to edge and back).
 *
 * Power-on and device reset: every entry 0x0000000000010000 (masked, all
 * else 0), ID 0, IOREGSEL 0; route() is called for every pin, also from
 * ioapic_create(), before it returns.  Pin levels are wires and survive a
 * reset; no edge is latched anywhere, so there is no edge state to clear.
 * The statistics survive resets.
 *
 * Pins.  The machine passes logical levels (nonzero = asserted), as QEMU's
 * boards do: the polarity bit is stored and read back but never inverts a
 * pin.  Per 3.2.4 (Interrupt Mask):
 *   - edge trigger: a 0 -> 1 transition of an unmasked pin sends one
 *     message.  An edge on a masked pin is lost: "not delivered or held
 *     pending" (QEMU keeps it in IRR and sends it on unmask; the 82093AA
 *     does not);
 *   - level trigger: while the pin is asserted, unmasked and remote IRR is
 *     clear, one message is sent and remote IRR set.  That is checked when
 *     the pin rises, after every write of an entry's low dword (unmasking
 *     an asserted pin sends) and after an EOI clears remote IRR (a pin
 *     still asserted sends again).  Asserts and negates while masked have
 *     no other effect.
 * Only fixed (0) and lowest-priority (1) delivery act level-triggered.
 * SMI (2), NMI (4), INIT (5) and ExtINT (7) "must be programmed as edge"
 * (3.2.4, Delivery Mode) and the SDM treats NMI and INIT as edge whatever
 * the trigger bit says, so with the level bit set they still act (and
 * encode, below) as edge and never set remote IRR: no EOI would ever come.
 * Reserved delivery modes 3 and 6 send nothing, set nothing and count
 * nothing.  A fixed vector below 16 is still sent: the LAPIC rejects it
 * and sets its illegal-vector error, as on hardware.
 *
 * ioapic_eoi(vector) is a LAPIC EOI broadcast (3.2.4, Remote IRR): every
 * entry with remote IRR set and that vector now (masked or not) has remote
 * IRR cleared.  Vectors above 255 match nothing.
 *
 * MSI (ioapic_entry_msi; Intel SDM vol. 3, "Message Signalled Interrupts"):
 *   address = 0xFEE00000 | destination (63:56) << 12 | dest mode (11) << 2
 *   data    = vector | delivery mode << 8, plus bits 15 (trigger level)
 *             and 14 (assert) for level-acting entries only.
 * All 8 destination bits are passed in physical mode too (3.2.4 names
 * 59:56; xAPIC IDs have 8 bits); no redirection hint, no extended
 * destination ID.  Delivery modes are encoded as they are, ExtINT
 * included: the machine handles it.
 *
 * Callbacks: route() is called when an entry's MSI or mask bit changes
 * (not for writes that change neither, nor for remote IRR), always before
 * the deliver() the same write causes.  Callbacks must not call back into
 * the ioapic.
 */
#ifndef DEVICES_IOAPIC_H
#define DEVICES_IOAPIC_H

#include "vmm/device.h"

#define IOAPIC_WINDOW_SIZE	0x1000	/* one 4 KiB page at 0xFEC00000 */
#define IOAPIC_PINS		24

/* Window offsets (3.1). */
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WIN		0x10

/* Registers behind IOWIN (3.2). */
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDTBL	0x10	/* + 2n low, + 2n + 1 high */
#define IOAPIC_VERSION		0x00170011u

/* IOREDTBL bits (3.2.4). */
#define IOAPIC_RTE_VECTOR	0x000000FFull
#define IOAPIC_RTE_DELMODE	0x00000700ull
#define IOAPIC_RTE_DELMODE_SHIFT 8
#define IOAPIC_RTE_DESTMODE	0x00000800ull	/* 1 = logical */
#define IOAPIC_RTE_DELIVS	0x00001000ull	/* read-only, always 0 */
#define IOAPIC_RTE_POLARITY	0x00002000ull	/* 1 = low active */
#define IOAPIC_RTE_REMOTE_IRR	0x00004000ull	/* read-only */
#define IOAPIC_RTE_LEVEL	0x00008000ull	/* trigger mode */
#define IOAPIC_RTE_MASKED	0x00010000ull
#define IOAPIC_RTE_DEST_SHIFT	56

/* Delivery modes (3.2.4). */
#define IOAPIC_DM_FIXED		0
#define IOAPIC_DM_LOWEST	1
#define IOAPIC_DM_SMI		2
#define IOAPIC_DM_NMI		4
#define IOAPIC_DM_INIT		5
#define IOAPIC_DM_EXTINT	7

#define IOAPIC_MSI_BASE		0xFEE00000ull

struct ioapic_msi {
	uint64_t address;
	uint32_t data;
};

struct ioapic_output {
	void *ctx;
	/*
	 * Pin (pin)'s redirection entry changed (or at create/reset for
	 * every pin): its MSI and whether the entry is masked.  Optional.
	 */
	void (*route)(void *ctx, unsigned pin, const struct ioapic_msi *msi,
		      bool masked);
	/* Send the interrupt message for (pin).  Optional. */
	void (*deliver)(void *ctx, unsigned pin, const struct ioapic_msi *msi);
};

struct ioapic;

/*
 * Create an I/O APIC in power-on state.  (out) is copied and may be NULL
 * (no callbacks).  Returns 0, -EINVAL (pp NULL) or -ENOMEM.
 */
int ioapic_create(const struct ioapic_output *out, struct ioapic **pp);
void ioapic_destroy(struct ioapic *io);			/* NULL ok */
struct vmm_device *ioapic_device(struct ioapic *io);

/* Drive pin (pin) to logical (level), nonzero = asserted; pin >= 24
 * is ignored. */
void ioapic_set_irq(struct ioapic *io, unsigned pin, int level);

/* A LAPIC EOI of (vector), broadcast to the I/O APIC. */
void ioapic_eoi(struct ioapic *io, unsigned vector);

/* The 64-bit IOREDTBL[pin] as the guest reads it; false if pin >= 24. */
bool ioapic_redirection(const struct ioapic *io, unsigned pin,
			uint64_t *entry);

/* The MSI a redirection entry sends (pure; see above). */
void ioapic_entry_msi(uint64_t entry, struct ioapic_msi *msi);

/*
 * Since create (resets do not clear them): messages sent; remote IRR bits
 * cleared by ioapic_eoi() (one per entry); and rising edges of unmasked
 * level-triggered pins that sent nothing because remote IRR was still set
 * (merged into the interrupt in service).  Any pointer may be NULL.
 */
void ioapic_stats(const struct ioapic *io, uint64_t *delivered,
		  uint64_t *eois, uint64_t *coalesced);

#endif
