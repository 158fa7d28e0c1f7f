// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/ioapic.  Each 8-byte record (opscript.h
 * layout, but the offset byte is mapped, not taken mod the 4 KiB window):
 *   [0] bits 0-1: 0 read, 1 write, 2 pin or EOI, 3 device reset
 *       op 1, bit 2: the low byte written is taken mod 0x40 (a register
 *             number that exists, when written to IOREGSEL)
 *       op 2, bit 2: 0 = ioapic_set_irq, 1 = ioapic_eoi
 *       op 2, bit 3 (EOI): EOI the vector entry [3] % 24 has now
 *   [1] offset: (b & 15) indexes offsets[] below: IOREGSEL and IOWIN four
 *       times each, then odd offsets, the page's end and past it
 *   [2] width 1 << (b & 3)
 *   [3..6] value, little-endian, then 0xFF bytes up to the width
 *       op 2: pin [3] % 26 (24 and 25 do not exist), level (int8_t)[4]
 *             (any nonzero asserts); EOI vector [3], plus 256 when [4]
 *             bit 7 is set (matches nothing)
 * Invariants, checked in the callbacks and after every record against a
 * shadow of IOREGSEL, the ID and the pin levels:
 *   - a message goes out only for an unmasked entry with a real delivery
 *     mode, carrying ioapic_entry_msi() of the entry; an edge entry only
 *     on a rising edge of its own pin; a level entry only with its pin
 *     asserted, and never while remote IRR was set before this record
 *     unless the record is an EOI of that vector; one message per pin per
 *     record; a write touches one entry only;
 *   - route() carries ioapic_entry_msi() and the mask of the entry now,
 *     only for a write that changed either (or for every pin during a
 *     reset), and before the write's message; after every record the
 *     last route() of each pin matches its entry (the routes mirror the
 *     table);
 *   - after every record: reserved and delivery-status bits are 0, edge
 *     entries have no remote IRR, every unmasked asserted level entry
 *     with a real delivery mode has remote IRR set (nothing is lost);
 *   - register reads agree with the shadow and ioapic_redirection();
 *     other accesses read all-ones; the statistics match what was seen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ioapic/ioapic.h"
#include "tests/fuzz/opscript.h"

#define OP_SEL_MOD	0x04
#define OP_EOI		0x04
#define OP_EOI_ENTRY	0x08
#define NPINS_FUZZ	26

#define RTE_RESERVED	0x00FFFFFFFFFE1000ull	/* 55:17 and DELIVS */

static const uint64_t offsets[16] = {
	0x00, 0x00, 0x00, 0x00, 0x10, 0x10, 0x10, 0x10,
	0x01, 0x02, 0x11, 0x13, 0x20, 0xFFC, 0xFFF, 0x1000,
};

enum fz_op { FZ_READ, FZ_WRITE, FZ_PIN, FZ_EOI, FZ_RESET };

struct fz {
	struct ioapic *io;
	uint8_t sel;			/* shadow IOREGSEL */
	uint8_t id;			/* shadow ID bits 27:24 */
	uint32_t lines;			/* shadow pin levels */
	/* The record being carried out. */
	enum fz_op op;
	unsigned pin;			/* FZ_PIN: the pin; FZ_WRITE: entry */
	bool rising;			/* FZ_PIN */
	unsigned vector;		/* FZ_EOI */
	uint64_t before[IOAPIC_PINS];
	unsigned sent[IOAPIC_PINS];
	bool routed[IOAPIC_PINS];
	unsigned routes;
	/* What the last route() said per pin: must match the entry. */
	struct ioapic_msi routed_msi[IOAPIC_PINS];
	bool routed_masked[IOAPIC_PINS];
	/* Expected statistics. */
	uint64_t delivered, eois, coalesced;
};

static uint64_t rte_now(const struct fz *f, unsigned pin)
{
	uint64_t e = 0;

	if (!ioapic_redirection(f->io, pin, &e))
		abort();
	return e;
}

static unsigned dm(uint64_t e)
{
	return (unsigned)(e >> 8) & 7;
}

static bool masked(uint64_t e)
{
	return e & IOAPIC_RTE_MASKED;
}

static bool real_mode(uint64_t e)
{
	return dm(e) != 3 && dm(e) != 6;
}

static bool acts_level(uint64_t e)
{
	return (e & IOAPIC_RTE_LEVEL) && dm(e) <= IOAPIC_DM_LOWEST;
}

static bool irr(uint64_t e)
{
	return e & IOAPIC_RTE_REMOTE_IRR;
}

static void check_msi(uint64_t e, const struct ioapic_msi *msi)
{
	struct ioapic_msi want;

	ioapic_entry_msi(e, &want);
	if (msi->address != want.address || msi->data != want.data)
		abort();
}

static bool msi_or_mask_changed(uint64_t a, uint64_t b)
{
	struct ioapic_msi ma, mb;

	ioapic_entry_msi(a, &ma);
	ioapic_entry_msi(b, &mb);
	return ma.address != mb.address || ma.data != mb.data ||
	       masked(a) != masked(b);
}

static void fz_route(void *ctx, unsigned pin, const struct ioapic_msi *msi,
		     bool is_masked)
{
	struct fz *f = ctx;
	uint64_t e;

	if (pin >= IOAPIC_PINS)
		abort();
	/* From ioapic_create(), before f->io is known: power-on entries. */
	e = f->io ? rte_now(f, pin) : IOAPIC_RTE_MASKED;
	check_msi(e, msi);
	if (is_masked != masked(e))
		abort();
	f->routes++;
	f->routed_msi[pin] = *msi;
	f->routed_masked[pin] = is_masked;
	if (f->op == FZ_RESET) {
		if (e != IOAPIC_RTE_MASKED)
			abort();
		return;
	}
	if (f->op != FZ_WRITE || pin != f->pin || f->routed[pin] ||
	    !msi_or_mask_changed(f->before[pin], e))
		abort();
	f->routed[pin] = true;
}

static void check_level_send(const struct fz *f, unsigned pin, uint64_t e)
{
	uint64_t b = f->before[pin];

	if (!irr(e) || !(f->lines & (1u << pin)))
		abort();
	if (irr(b) && !(f->op == FZ_EOI && (b & 0xFF) == f->vector))
		abort();
}

static void fz_deliver(void *ctx, unsigned pin, const struct ioapic_msi *msi)
{
	struct fz *f = ctx;
	uint64_t e;

	if (pin >= IOAPIC_PINS || f->op == FZ_READ || f->op == FZ_RESET)
		abort();
	e = rte_now(f, pin);
	check_msi(e, msi);
	if (masked(e) || !real_mode(e) || ++f->sent[pin] > 1)
		abort();
	if ((f->op == FZ_PIN || f->op == FZ_WRITE) && pin != f->pin)
		abort();
	/* A write's route comes before its message. */
	if (f->op == FZ_WRITE && !f->routed[pin] &&
	    msi_or_mask_changed(f->before[pin], e))
		abort();
	if (acts_level(e))
		check_level_send(f, pin, e);
	else if (irr(e) || f->op != FZ_PIN || !f->rising)
		abort();
	f->delivered++;
}

static void begin(struct fz *f, enum fz_op op)
{
	f->op = op;
	f->routes = 0;
	memset(f->sent, 0, sizeof(f->sent));
	memset(f->routed, 0, sizeof(f->routed));
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		f->before[pin] = rte_now(f, pin);
}

/* What IOWIN must read for the shadow IOREGSEL (ioapic.h). */
static uint32_t expect_win(const struct fz *f)
{
	uint64_t e;

	if (f->sel >= 0x10 && f->sel < 0x10 + 2 * IOAPIC_PINS) {
		e = rte_now(f, (f->sel - 0x10u) / 2);
		return (uint32_t)(f->sel & 1 ? e >> 32 : e);
	}
	switch (f->sel) {
	case 0x00:
	case 0x02:
		return (uint32_t)f->id << 24;
	case 0x01:
		return IOAPIC_VERSION;
	default:
		return 0;
	}
}

static bool is_regsel(uint64_t off, uint32_t w)
{
	return off == 0 && (w == 1 || w == 2 || w == 4);
}

static bool in_window(uint64_t off, uint32_t w)
{
	return off < IOAPIC_WINDOW_SIZE && w <= IOAPIC_WINDOW_SIZE - off;
}

static void do_read(struct fz *f, uint64_t off, uint32_t w)
{
	struct vmm_device *dev = ioapic_device(f->io);
	uint8_t buf[8];
	int rc;

	memset(buf, 0xFF, sizeof(buf));
	rc = dev->ops->read(dev->opaque, off, buf, w);
	if (!in_window(off, w)) {
		if (rc == 0)
			abort();
		return;
	}
	if (rc != 0)
		abort();
	if (is_regsel(off, w)) {
		if (dev_load_le(buf, w) != f->sel)
			abort();
	} else if (off == 0x10 && w == 4) {
		if (dev_load_le(buf, 4) != expect_win(f))
			abort();
	} else {
		for (uint32_t i = 0; i < w; i++)
			if (buf[i] != 0xFF)
				abort();
	}
}

static void do_write(struct fz *f, const uint8_t *r, uint64_t off,
		     uint32_t w)
{
	struct vmm_device *dev = ioapic_device(f->io);
	uint8_t buf[8];
	uint32_t v;
	int rc;

	memset(buf, 0xFF, sizeof(buf));
	memcpy(buf, r + 3, 4);
	if (r[0] & OP_SEL_MOD)
		buf[0] %= 0x40;
	v = (uint32_t)dev_load_le(buf, 4);
	f->pin = f->sel >= 0x10 ? (f->sel - 0x10u) / 2 : IOAPIC_PINS;
	rc = dev->ops->write(dev->opaque, off, buf, w);
	if (rc != 0 && in_window(off, w))
		abort();
	if (rc == 0 && !in_window(off, w))
		abort();
	if (is_regsel(off, w))
		f->sel = buf[0];
	else if (off == 0x10 && w == 4 && f->sel == 0)
		f->id = (uint8_t)((v >> 24) & 0xF);
}

static void do_pin(struct fz *f, const uint8_t *r)
{
	unsigned pin = r[3] % NPINS_FUZZ;
	int level = (int8_t)r[4];
	uint64_t b;

	f->pin = pin;
	f->rising = false;
	if (pin < IOAPIC_PINS) {
		f->rising = level && !(f->lines & (1u << pin));
		if (level)
			f->lines |= 1u << pin;
		else
			f->lines &= ~(1u << pin);
		b = f->before[pin];
		if (f->rising && !masked(b) && real_mode(b) &&
		    acts_level(b) && irr(b))
			f->coalesced++;
	}
	ioapic_set_irq(f->io, pin, level);
	/* A rising edge of an unmasked entry that was free sends. */
	if (pin < IOAPIC_PINS && f->rising && !masked(f->before[pin]) &&
	    real_mode(f->before[pin]) && !irr(f->before[pin]) &&
	    f->sent[pin] != 1)
		abort();
}

static void do_eoi(struct fz *f, const uint8_t *r)
{
	unsigned vector = r[3] + (r[4] & 0x80 ? 256u : 0u);

	if (r[0] & OP_EOI_ENTRY)
		vector = (unsigned)(f->before[r[3] % IOAPIC_PINS] & 0xFF);
	f->vector = vector;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		if (irr(f->before[pin]) && (f->before[pin] & 0xFF) == vector &&
		    vector <= 0xFF)
			f->eois++;
	ioapic_eoi(f->io, vector);
}

static void do_reset(struct fz *f)
{
	struct vmm_device *dev = ioapic_device(f->io);

	dev->ops->reset(dev->opaque);
	if (f->routes != IOAPIC_PINS)
		abort();
	f->sel = 0;
	f->id = 0;
}

static void check_after(const struct fz *f)
{
	uint64_t d, e, c;

	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = rte_now(f, pin);

		if (rte & RTE_RESERVED)
			abort();
		if (irr(rte) && !acts_level(rte))
			abort();
		if (acts_level(rte) && !masked(rte) && real_mode(rte) &&
		    (f->lines & (1u << pin)) && !irr(rte))
			abort();
		/* The machine's routes always mirror the entries. */
		check_msi(rte, &f->routed_msi[pin]);
		if (f->routed_masked[pin] != masked(rte))
			abort();
	}
	if (f->op != FZ_WRITE && f->op != FZ_RESET && f->routes)
		abort();
	if (f->op == FZ_WRITE && f->routes > 1)
		abort();
	ioapic_stats(f->io, &d, &e, &c);
	if (d != f->delivered || e != f->eois || c != f->coalesced)
		abort();
}

static void step(struct fz *f, const uint8_t *r)
{
	uint64_t off = offsets[r[1] & 15];
	uint32_t w = 1u << (r[2] & 3);

	switch ((enum opscript_op)(r[0] & 3)) {
	case OPSCRIPT_READ:
		begin(f, FZ_READ);
		do_read(f, off, w);
		break;
	case OPSCRIPT_WRITE:
		begin(f, FZ_WRITE);
		do_write(f, r, off, w);
		break;
	case OPSCRIPT_OWN:
		begin(f, r[0] & OP_EOI ? FZ_EOI : FZ_PIN);
		if (f->op == FZ_EOI)
			do_eoi(f, r);
		else
			do_pin(f, r);
		break;
	case OPSCRIPT_RESET:
		begin(f, FZ_RESET);
		do_reset(f);
		break;
	}
	check_after(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	struct ioapic_output out = { .ctx = &f, .route = fz_route,
				     .deliver = fz_deliver };

	memset(&f, 0, sizeof(f));
	f.op = FZ_RESET;		/* create routes every pin */
	if (ioapic_create(&out, &f.io) != 0)
		return 0;
	if (f.routes != IOAPIC_PINS)
		abort();
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD)
		step(&f, data + i);
	ioapic_destroy(f.io);
	return 0;
}
