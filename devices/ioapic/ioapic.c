// SPDX-License-Identifier: Apache-2.0
/*
 * 82093AA model (datasheet 290566, 3.0 "Register Description").  The
 * state is the register file (ID, IOREGSEL, 24 redirection entries with
 * remote IRR kept in bit 14 where the guest reads it) plus the 24 pin
 * levels.  Nothing is pending between calls: every message is sent inside
 * the call that causes it, so the delivery status bit is always 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ioapic/ioapic.h"

/* IOAPICID / IOAPICARB bits 27:24 (3.2.1, 3.2.3). */
#define ID_SHIFT	24
#define ID_MASK		0x0Fu

/* IOREDTBL bits the guest may write (3.2.4); 12 and 14 are read-only. */
#define RTE_LOW_WRITABLE (IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE | \
			  IOAPIC_RTE_DESTMODE | IOAPIC_RTE_POLARITY | \
			  IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED)
#define RTE_HIGH_WRITABLE 0xFF000000u	/* destination, bits 63:56 */
#define RTE_RESET	IOAPIC_RTE_MASKED

/* MSI data bits (Intel SDM vol. 3, "Message Data Register Format"). */
#define MSI_DATA_ASSERT	(1u << 14)
#define MSI_DATA_LEVEL	(1u << 15)
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_DESTMODE	(1u << 2)

#define MAX_VECTOR	0xFFu

struct ioapic {
	struct ioapic_output out;
	struct vmm_device dev;
	uint8_t regsel;
	uint8_t id;			/* bits 27:24 of IOAPICID */
	uint32_t lines;			/* bit n: pin n asserted */
	uint64_t rte[IOAPIC_PINS];
	uint64_t delivered;
	uint64_t eois;
	uint64_t coalesced;
};

/* ---- one redirection entry ------------------------------------------ */

static unsigned rte_delmode(uint64_t rte)
{
	return (unsigned)((rte & IOAPIC_RTE_DELMODE) >>
			  IOAPIC_RTE_DELMODE_SHIFT);
}

static unsigned rte_vector(uint64_t rte)
{
	return (unsigned)(rte & IOAPIC_RTE_VECTOR);
}

static bool rte_masked(uint64_t rte)
{
	return rte & IOAPIC_RTE_MASKED;
}

/* Delivery modes 011 and 110 are reserved (3.2.4): such an entry sends
 * nothing at all. */
static bool rte_sends(uint64_t rte)
{
	unsigned dm = rte_delmode(rte);

	return !rte_masked(rte) && dm != 3 && dm != 6;
}

/*
 * Level semantics (remote IRR, EOI) only for fixed and lowest priority:
 * SMI, NMI, INIT and ExtINT "must be programmed as edge" (3.2.4, Delivery
 * Mode) and would never see an EOI that clears remote IRR.
 */
static bool rte_level(uint64_t rte)
{
	unsigned dm = rte_delmode(rte);

	return (rte & IOAPIC_RTE_LEVEL) &&
	       (dm == IOAPIC_DM_FIXED || dm == IOAPIC_DM_LOWEST);
}

void ioapic_entry_msi(uint64_t entry, struct ioapic_msi *msi)
{
	uint64_t dest = entry >> IOAPIC_RTE_DEST_SHIFT;

	if (!msi)
		return;
	msi->address = IOAPIC_MSI_BASE | dest << MSI_ADDR_DEST_SHIFT |
		       (entry & IOAPIC_RTE_DESTMODE ? MSI_ADDR_DESTMODE : 0);
	msi->data = rte_vector(entry) |
		    rte_delmode(entry) << IOAPIC_RTE_DELMODE_SHIFT;
	if (rte_level(entry))
		msi->data |= MSI_DATA_LEVEL | MSI_DATA_ASSERT;
}

/* ---- sending --------------------------------------------------------- */

static bool line_up(const struct ioapic *io, unsigned pin)
{
	return io->lines & (1u << pin);
}

static void route(struct ioapic *io, unsigned pin)
{
	struct ioapic_msi msi;

	if (!io->out.route)
		return;
	ioapic_entry_msi(io->rte[pin], &msi);
	io->out.route(io->out.ctx, pin, &msi, rte_masked(io->rte[pin]));
}

/* Remote IRR is set "when local APIC(s) accept the level interrupt"
 * (3.2.4); KVM_SIGNAL_MSI is accepted at once.  State first, so the
 * callback sees the entry as the guest will. */
static void send(struct ioapic *io, unsigned pin)
{
	struct ioapic_msi msi;

	if (rte_level(io->rte[pin]))
		io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
	io->delivered++;
	if (!io->out.deliver)
		return;
	ioapic_entry_msi(io->rte[pin], &msi);
	io->out.deliver(io->out.ctx, pin, &msi);
}

/* A level-acting entry sends while its pin is asserted and remote IRR is
 * clear; edge entries only send on a rising edge (ioapic_set_irq). */
static void service_level(struct ioapic *io, unsigned pin)
{
	uint64_t rte = io->rte[pin];

	if (rte_level(rte) && rte_sends(rte) && line_up(io, pin) &&
	    !(rte & IOAPIC_RTE_REMOTE_IRR))
		send(io, pin);
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, int level)
{
	bool rising;
	uint64_t rte;

	if (pin >= IOAPIC_PINS)
		return;
	rising = level && !line_up(io, pin);
	if (level)
		io->lines |= 1u << pin;
	else
		io->lines &= ~(1u << pin);
	rte = io->rte[pin];
	if (!rising || !rte_sends(rte))
		return;		/* masked edges are lost (3.2.4, Mask) */
	if (rte_level(rte) && (rte & IOAPIC_RTE_REMOTE_IRR))
		io->coalesced++;	/* merged into the one in service */
	else
		send(io, pin);
}

void ioapic_eoi(struct ioapic *io, unsigned vector)
{
	if (vector > MAX_VECTOR)
		return;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->rte[pin];

		if (!(rte & IOAPIC_RTE_REMOTE_IRR) || rte_vector(rte) != vector)
			continue;
		io->rte[pin] = rte & ~IOAPIC_RTE_REMOTE_IRR;
		io->eois++;
		service_level(io, pin);	/* still asserted: again */
	}
}

/* ---- registers behind IOWIN (3.2) ------------------------------------ */

static bool msi_differs(uint64_t a, uint64_t b)
{
	struct ioapic_msi ma, mb;

	ioapic_entry_msi(a, &ma);
	ioapic_entry_msi(b, &mb);
	return ma.address != mb.address || ma.data != mb.data ||
	       rte_masked(a) != rte_masked(b);
}

static void rte_update(struct ioapic *io, unsigned pin, uint64_t rte)
{
	uint64_t old = io->rte[pin];

	/* Remote IRR means nothing for edge entries (3.2.4): clear it, so a
	 * switch to edge and back unsticks it, as Linux expects. */
	if (!rte_level(rte))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	if (msi_differs(old, rte))
		route(io, pin);
	service_level(io, pin);	/* unmasked, or made level, while asserted */
}

static void rte_write(struct ioapic *io, unsigned reg, uint32_t v)
{
	unsigned pin = (reg - IOAPIC_REG_REDTBL) / 2;
	uint64_t rte = io->rte[pin];

	if (reg & 1)
		rte = (rte & 0xFFFFFFFFull) |
		      (uint64_t)(v & RTE_HIGH_WRITABLE) << 32;
	else
		rte = (rte & ~0xFFFFFFFFull) | (v & RTE_LOW_WRITABLE) |
		      (rte & IOAPIC_RTE_REMOTE_IRR);
	rte_update(io, pin, rte);
}

static bool is_rte_reg(unsigned reg)
{
	return reg >= IOAPIC_REG_REDTBL &&
	       reg < IOAPIC_REG_REDTBL + 2 * IOAPIC_PINS;
}

static uint32_t reg_read(const struct ioapic *io, unsigned reg)
{
	uint64_t rte;

	if (is_rte_reg(reg)) {
		rte = io->rte[(reg - IOAPIC_REG_REDTBL) / 2];
		return (uint32_t)(reg & 1 ? rte >> 32 : rte);
	}
	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:	/* loaded from the ID (3.2.3) */
		return (uint32_t)io->id << ID_SHIFT;
	case IOAPIC_REG_VER:
		return IOAPIC_VERSION;
	default:
		return 0;
	}
}

static void reg_write(struct ioapic *io, unsigned reg, uint32_t v)
{
	if (is_rte_reg(reg))
		rte_write(io, reg, v);
	else if (reg == IOAPIC_REG_ID)
		io->id = (uint8_t)((v >> ID_SHIFT) & ID_MASK);
	/* IOAPICVER, IOAPICARB and unknown registers: read-only / none. */
}

/* ---- the window (3.1) ------------------------------------------------ */

static bool in_window(uint64_t offset, uint32_t len)
{
	return len >= 1 && len <= 8 && offset < IOAPIC_WINDOW_SIZE &&
	       len <= IOAPIC_WINDOW_SIZE - offset;
}

/* IOREGSEL: byte, word or dword at offset 0 (3.1.1). */
static bool regsel_access(uint64_t offset, uint32_t len)
{
	return offset == IOAPIC_REGSEL && (len == 1 || len == 2 || len == 4);
}

/* IOWIN: dword only, as QEMU (3.1.2; see ioapic.h). */
static bool win_access(uint64_t offset, uint32_t len)
{
	return offset == IOAPIC_WIN && len == 4;
}

static int ioapic_read(void *opaque, uint64_t offset, void *data,
		       uint32_t len)
{
	struct ioapic *io = opaque;

	if (!in_window(offset, len))
		return -EINVAL;
	memset(data, 0xFF, len);
	if (regsel_access(offset, len))
		dev_store_le(data, len, io->regsel);
	else if (win_access(offset, len))
		dev_store_le(data, len, reg_read(io, io->regsel));
	return 0;
}

static int ioapic_write(void *opaque, uint64_t offset, const void *data,
			uint32_t len)
{
	struct ioapic *io = opaque;

	if (!in_window(offset, len))
		return -EINVAL;
	if (regsel_access(offset, len))
		io->regsel = (uint8_t)dev_load_le(data, 1);
	else if (win_access(offset, len))
		reg_write(io, io->regsel, (uint32_t)dev_load_le(data, 4));
	return 0;
}

/* Power-on state (3.2.4 default xxx1 xxxx xxxx xxxxh: masked); the pin
 * levels are wires and stay. */
static void ioapic_reset(void *opaque)
{
	struct ioapic *io = opaque;

	io->regsel = 0;
	io->id = 0;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		io->rte[pin] = RTE_RESET;
		route(io, pin);
	}
}

static const struct vmm_device_ops ioapic_ops = {
	.state_size = sizeof(struct ioapic),
	.read = ioapic_read,
	.write = ioapic_write,
	.reset = ioapic_reset,
};

/* ---- the machine's side ---------------------------------------------- */

bool ioapic_redirection(const struct ioapic *io, unsigned pin,
			uint64_t *entry)
{
	if (pin >= IOAPIC_PINS)
		return false;
	if (entry)
		*entry = io->rte[pin];
	return true;
}

void ioapic_stats(const struct ioapic *io, uint64_t *delivered,
		  uint64_t *eois, uint64_t *coalesced)
{
	if (delivered)
		*delivered = io->delivered;
	if (eois)
		*eois = io->eois;
	if (coalesced)
		*coalesced = io->coalesced;
}

int ioapic_create(const struct ioapic_output *out, struct ioapic **pp)
{
	struct ioapic *io;

	if (!pp)
		return -EINVAL;
	*pp = NULL;
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	if (out)
		io->out = *out;
	io->dev = (struct vmm_device){ "ioapic", &ioapic_ops, io };
	ioapic_reset(io);
	*pp = io;
	return 0;
}

struct vmm_device *ioapic_device(struct ioapic *io)
{
	return &io->dev;
}

void ioapic_destroy(struct ioapic *io)
{
	free(io);
}
