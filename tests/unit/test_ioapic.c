// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for devices/ioapic: the register window, the redirection
 * table's bits, edge and level delivery with remote IRR and EOIs, the MSI
 * encoding and the route()/deliver() contract.  Section numbers refer to
 * the Intel 82093AA datasheet (290566); "SDM" is the Intel SDM vol. 3.
 *
 * Every callback is logged in order as an event, so the tests check both
 * what was sent and when routes changed relative to it.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/ioapic/ioapic.h"

#define MAX_EVENTS	64

/* Low dwords used below (3.2.4). */
#define LOW_MASKED	0x00010000u
#define LOW_LEVEL	0x00008000u
#define LOW_POL_LOW	0x00002000u
#define LOW_LOGICAL	0x00000800u
#define LOW_DM(m)	((uint32_t)(m) << 8)
#define REMOTE_IRR	0x00004000u

enum ev_kind { EV_ROUTE, EV_DELIVER };

struct event {
	enum ev_kind kind;
	unsigned pin;
	struct ioapic_msi msi;
	bool masked;
};

struct fake {
	unsigned n;
	struct event ev[MAX_EVENTS];
};

static void log_event(struct fake *f, enum ev_kind kind, unsigned pin,
		      const struct ioapic_msi *msi, bool masked)
{
	if (f->n < MAX_EVENTS)
		f->ev[f->n] = (struct event){ kind, pin, *msi, masked };
	f->n++;
}

static void fake_route(void *ctx, unsigned pin, const struct ioapic_msi *msi,
		       bool masked)
{
	log_event(ctx, EV_ROUTE, pin, msi, masked);
}

static void fake_deliver(void *ctx, unsigned pin,
			 const struct ioapic_msi *msi)
{
	log_event(ctx, EV_DELIVER, pin, msi, false);
}

struct fixture {
	struct fake fake;
	struct ioapic *io;
	struct vmm_device *dev;
};

static int setup(void **state)
{
	static struct fixture fx;
	struct ioapic_output out;

	memset(&fx, 0, sizeof(fx));
	out = (struct ioapic_output){
		.ctx = &fx.fake,
		.route = fake_route,
		.deliver = fake_deliver,
	};
	if (ioapic_create(&out, &fx.io) != 0)
		return -1;
	fx.dev = ioapic_device(fx.io);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	ioapic_destroy(fx->io);
	return 0;
}

/* ---- access helpers ---------------------------------------------------- */

static int mmio_read(struct fixture *fx, uint64_t off, void *buf,
		     uint32_t len)
{
	memset(buf, 0xFF, len);		/* the bus's pre-fill */
	return fx->dev->ops->read(fx->dev->opaque, off, buf, len);
}

static int mmio_write(struct fixture *fx, uint64_t off, uint64_t v,
		      uint32_t len)
{
	uint8_t buf[8];

	dev_store_le(buf, len, v);
	return fx->dev->ops->write(fx->dev->opaque, off, buf, len);
}

static uint64_t rd(struct fixture *fx, uint64_t off, uint32_t len)
{
	uint8_t buf[8];

	assert_int_equal(mmio_read(fx, off, buf, len), 0);
	return dev_load_le(buf, len);
}

static void wr(struct fixture *fx, uint64_t off, uint64_t v, uint32_t len)
{
	assert_int_equal(mmio_write(fx, off, v, len), 0);
}

static uint32_t reg_rd(struct fixture *fx, uint8_t reg)
{
	wr(fx, IOAPIC_REGSEL, reg, 4);
	return (uint32_t)rd(fx, IOAPIC_WIN, 4);
}

static void reg_wr(struct fixture *fx, uint8_t reg, uint32_t v)
{
	wr(fx, IOAPIC_REGSEL, reg, 4);
	wr(fx, IOAPIC_WIN, v, 4);
}

/* Program entry (pin) the way Linux's ioapic_write_entry() does: high
 * dword first, then low, each through IOREGSEL. */
static void program(struct fixture *fx, unsigned pin, uint32_t low,
		    uint8_t dest)
{
	reg_wr(fx, (uint8_t)(0x11 + 2 * pin), (uint32_t)dest << 24);
	reg_wr(fx, (uint8_t)(0x10 + 2 * pin), low);
}

static uint64_t entry(struct fixture *fx, unsigned pin)
{
	uint64_t e = 0;

	assert_true(ioapic_redirection(fx->io, pin, &e));
	return e;
}

static void stats(struct fixture *fx, uint64_t d, uint64_t e, uint64_t c)
{
	uint64_t delivered, eois, coalesced;

	ioapic_stats(fx->io, &delivered, &eois, &coalesced);
	assert_int_equal(delivered, d);
	assert_int_equal(eois, e);
	assert_int_equal(coalesced, c);
}

static unsigned deliveries(struct fixture *fx)
{
	unsigned n = 0;

	for (unsigned i = 0; i < fx->fake.n && i < MAX_EVENTS; i++)
		n += fx->fake.ev[i].kind == EV_DELIVER;
	return n;
}

static void assert_delivery(const struct event *ev, unsigned pin,
			    uint64_t address, uint32_t data)
{
	assert_int_equal(ev->kind, EV_DELIVER);
	assert_int_equal(ev->pin, pin);
	assert_int_equal(ev->msi.address, address);
	assert_int_equal(ev->msi.data, data);
}

static void clear_log(struct fixture *fx)
{
	fx->fake.n = 0;
}

/* ---- create, identification registers ---------------------------------- */

static void test_ioapic_create_args(void **state)
{
	struct ioapic *io = (struct ioapic *)1;
	uint64_t d = 1, e = 1, c = 1;

	assert_int_equal(ioapic_create(NULL, NULL), -EINVAL);
	assert_int_equal(ioapic_create(NULL, &io), 0);	/* no callbacks */
	assert_non_null(io);
	ioapic_set_irq(io, 0, 1);
	ioapic_stats(io, &d, &e, &c);
	assert_int_equal(d, 0);				/* masked at reset */
	ioapic_stats(io, NULL, NULL, NULL);
	ioapic_destroy(io);
	ioapic_destroy(NULL);
}

/* 3.2.1: IOAPICID bits 27:24 read/write, everything else reads 0. */
static void test_ioapic_id_register(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(reg_rd(fx, 0x00), 0);
	reg_wr(fx, 0x00, 0xFFFFFFFF);
	assert_int_equal(reg_rd(fx, 0x00), 0x0F000000);
	reg_wr(fx, 0x00, 0x05000000);
	assert_int_equal(reg_rd(fx, 0x00), 0x05000000);
	reg_wr(fx, 0x00, 0xF0FFFFFF);		/* only bits 27:24 count */
	assert_int_equal(reg_rd(fx, 0x00), 0);
}

/* 3.2.2: IOAPICVER 0x00170011 (max redirection entry 23, version 0x11),
 * read-only. */
static void test_ioapic_version_register(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(reg_rd(fx, 0x01), 0x00170011);
	reg_wr(fx, 0x01, 0);
	assert_int_equal(reg_rd(fx, 0x01), 0x00170011);
	reg_wr(fx, 0x01, 0xFFFFFFFF);
	assert_int_equal(reg_rd(fx, 0x01), 0x00170011);
}

/* 3.2.3: IOAPICARB bits 27:24 follow the ID; writes do nothing. */
static void test_ioapic_arbitration_register(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(reg_rd(fx, 0x02), 0);
	reg_wr(fx, 0x02, 0x0F000000);
	assert_int_equal(reg_rd(fx, 0x02), 0);
	assert_int_equal(reg_rd(fx, 0x00), 0);
	reg_wr(fx, 0x00, 0x0A000000);
	assert_int_equal(reg_rd(fx, 0x02), 0x0A000000);
}

/* Registers 3.2 does not define read 0 and ignore writes. */
static void test_ioapic_unknown_registers(void **state)
{
	static const uint8_t regs[] = { 0x03, 0x04, 0x0F, 0x40, 0x41, 0x80,
					0xFF };
	struct fixture *fx = *state;

	clear_log(fx);
	for (unsigned i = 0; i < sizeof(regs); i++) {
		reg_wr(fx, regs[i], 0xFFFFFFFF);
		assert_int_equal(reg_rd(fx, regs[i]), 0);
	}
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(entry(fx, pin), 0x10000);
	assert_int_equal(reg_rd(fx, 0x00), 0);
	assert_int_equal(fx->fake.n, 0);
}

/* ---- power-on state and reset ------------------------------------------ */

/* 3.2.4 default xxx1 xxxx xxxx xxxxh: every entry masked; ours is exactly
 * 0x10000.  route() ran once for every pin during create. */
static void test_ioapic_power_on_state(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->fake.n, IOAPIC_PINS);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		const struct event *ev = &fx->fake.ev[pin];

		assert_int_equal(ev->kind, EV_ROUTE);
		assert_int_equal(ev->pin, pin);
		assert_int_equal(ev->msi.address, 0xFEE00000);
		assert_int_equal(ev->msi.data, 0);
		assert_true(ev->masked);
		assert_int_equal(entry(fx, pin), 0x10000);
	}
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 4), 0);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0);	/* ID 0 selected */
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(reg_rd(fx, (uint8_t)(0x10 + 2 * pin)),
				 0x00010000);
		assert_int_equal(reg_rd(fx, (uint8_t)(0x11 + 2 * pin)), 0);
	}
	stats(fx, 0, 0, 0);
}

/* Device reset: power-on registers, route() for every pin, remote IRR
 * gone; pin levels survive (wires), statistics survive. */
static void test_ioapic_reset(void **state)
{
	struct fixture *fx = *state;

	reg_wr(fx, 0x00, 0x03000000);
	program(fx, 2, LOW_LEVEL | 0x40, 1);
	ioapic_set_irq(fx->io, 2, 1);		/* remote IRR set */
	ioapic_set_irq(fx->io, 5, 1);		/* an edge pin left high */
	wr(fx, IOAPIC_REGSEL, 0x14, 1);
	clear_log(fx);
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(fx->fake.n, IOAPIC_PINS);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(fx->fake.ev[pin].kind, EV_ROUTE);
		assert_int_equal(fx->fake.ev[pin].pin, pin);
		assert_true(fx->fake.ev[pin].masked);
		assert_int_equal(entry(fx, pin), 0x10000);
	}
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 1), 0);
	assert_int_equal(reg_rd(fx, 0x00), 0);
	stats(fx, 1, 0, 0);
	/* Pin 2 is still asserted: unmasking it as level sends at once. */
	clear_log(fx);
	program(fx, 2, LOW_LEVEL | 0x41, 1);
	assert_int_equal(deliveries(fx), 1);
	/* Pin 5 is still high: programming it as edge is no edge. */
	program(fx, 5, 0x42, 0);
	ioapic_set_irq(fx->io, 5, 1);
	assert_int_equal(deliveries(fx), 1);
	stats(fx, 2, 0, 0);
}

/* ---- the redirection table's bits (3.2.4) ------------------------------ */

/* Low dword: 7:0, 10:8, 11, 13, 15, 16 writable; 12 and 14 read-only;
 * 31:17 reserved, read 0. */
static void test_ioapic_rte_low_write_mask(void **state)
{
	struct fixture *fx = *state;

	reg_wr(fx, 0x10, 0xFFFFFFFF);
	assert_int_equal(reg_rd(fx, 0x10), 0x0001AFFF);
	reg_wr(fx, 0x10, 0x00005000);		/* only read-only bits */
	assert_int_equal(reg_rd(fx, 0x10), 0);
	assert_int_equal(entry(fx, 0), 0);
	reg_wr(fx, 0x3E, 0x0001A5A5);		/* entry 23 */
	assert_int_equal(reg_rd(fx, 0x3E), 0x0001A5A5);
	assert_int_equal(entry(fx, 23), 0x0001A5A5);
}

/* High dword: destination 63:56 writable, 55:32 reserved. */
static void test_ioapic_rte_high_write_mask(void **state)
{
	struct fixture *fx = *state;

	reg_wr(fx, 0x11, 0xFFFFFFFF);
	assert_int_equal(reg_rd(fx, 0x11), 0xFF000000);
	assert_int_equal(entry(fx, 0), 0xFF00000000010000ull);
	reg_wr(fx, 0x11, 0x00FFFFFF);
	assert_int_equal(reg_rd(fx, 0x11), 0);
	reg_wr(fx, 0x3F, 0x12345678);		/* entry 23 */
	assert_int_equal(entry(fx, 23), 0x1200000000010000ull);
	assert_int_equal(reg_rd(fx, 0x10), 0x00010000);	/* low untouched */
}

/* Remote IRR survives a low-dword write that tries to clear it, and the
 * delivery status stays 0 ("writes to this bit do not affect it"). */
static void test_ioapic_rte_readonly_bits_stay(void **state)
{
	struct fixture *fx = *state;

	program(fx, 3, LOW_LEVEL | 0x50, 0);
	ioapic_set_irq(fx->io, 3, 1);
	assert_int_equal(reg_rd(fx, 0x16), 0x0000C050);
	reg_wr(fx, 0x16, LOW_LEVEL | 0x1000 | 0x50);	/* IRR 0, DELIVS 1 */
	assert_int_equal(reg_rd(fx, 0x16), 0x0000C050);
	reg_wr(fx, 0x16, LOW_LEVEL | LOW_MASKED | 0x50);
	assert_int_equal(reg_rd(fx, 0x16), 0x0001C050);
	assert_int_equal(deliveries(fx), 1);
}

/* ---- the window (3.1) --------------------------------------------------- */

/* IOREGSEL holds its 8 bits across IOWIN accesses; bits 31:8 read 0. */
static void test_ioapic_regsel_persists(void **state)
{
	struct fixture *fx = *state;

	wr(fx, IOAPIC_REGSEL, 0x12, 4);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0x00010000);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0x00010000);
	wr(fx, IOAPIC_WIN, 0x00000031, 4);
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 4), 0x12);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0x00000031);
	assert_int_equal(entry(fx, 1), 0x31);
	wr(fx, IOAPIC_REGSEL, 0xABCDEF01, 4);	/* 31:8 reserved */
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 4), 0x01);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0x00170011);
}

/* IOREGSEL takes byte, word and dword accesses at offset 0. */
static void test_ioapic_regsel_widths(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[8];

	wr(fx, IOAPIC_REGSEL, 0x01, 1);
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 1), 0x01);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0x00170011);
	wr(fx, IOAPIC_REGSEL, 0xFF02, 2);
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 2), 0x0002);
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 4), 0x00000002);
	/* 8 bytes is not an IOREGSEL access: all-ones, ignored. */
	assert_int_equal(mmio_read(fx, IOAPIC_REGSEL, buf, 8), 0);
	assert_int_equal(dev_load_le(buf, 8), UINT64_MAX);
	wr(fx, IOAPIC_REGSEL, 0x10, 8);
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 1), 0x02);
	/* 3 bytes neither. */
	assert_int_equal(mmio_read(fx, IOAPIC_REGSEL, buf, 3), 0);
	assert_int_equal(dev_load_le(buf, 3), 0xFFFFFF);
}

/* IOWIN is dword-only (QEMU's choice; see ioapic.h): byte and word
 * accesses read all-ones and do not write. */
static void test_ioapic_iowin_narrow_ignored(void **state)
{
	struct fixture *fx = *state;

	wr(fx, IOAPIC_REGSEL, 0x10, 1);
	assert_int_equal(rd(fx, IOAPIC_WIN, 1), 0xFF);
	assert_int_equal(rd(fx, IOAPIC_WIN, 2), 0xFFFF);
	assert_int_equal(rd(fx, IOAPIC_WIN, 8), UINT64_MAX);
	wr(fx, IOAPIC_WIN, 0x20, 1);
	wr(fx, IOAPIC_WIN, 0x20, 2);
	wr(fx, IOAPIC_WIN, 0x20, 8);
	assert_int_equal(entry(fx, 0), 0x10000);
	assert_int_equal(rd(fx, IOAPIC_WIN, 4), 0x00010000);
}

/* Everything else in the page reads the bus's all-ones; writes vanish. */
static void test_ioapic_odd_offsets(void **state)
{
	static const uint64_t offs[] = { 0x01, 0x02, 0x03, 0x04, 0x08, 0x0C,
					 0x11, 0x12, 0x14, 0x20, 0x40, 0xFFC };
	struct fixture *fx = *state;

	wr(fx, IOAPIC_REGSEL, 0x10, 4);
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		assert_int_equal(rd(fx, offs[i], 4), 0xFFFFFFFF);
		assert_int_equal(rd(fx, offs[i], 1), 0xFF);
		wr(fx, offs[i], 0, 4);
		wr(fx, offs[i], 0, 1);
	}
	assert_int_equal(rd(fx, IOAPIC_REGSEL, 4), 0x10);
	assert_int_equal(entry(fx, 0), 0x10000);
}

/* Accesses not inside the 4 KiB window are device faults. */
static void test_ioapic_out_of_window(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[16];

	assert_int_equal(mmio_read(fx, 0x1000, buf, 1), -EINVAL);
	assert_int_equal(mmio_read(fx, 0xFFE, buf, 4), -EINVAL);
	assert_int_equal(mmio_read(fx, UINT64_MAX, buf, 4), -EINVAL);
	assert_int_equal(mmio_read(fx, 0, buf, 0), -EINVAL);
	assert_int_equal(mmio_read(fx, 0, buf, 9), -EINVAL);
	assert_int_equal(mmio_write(fx, 0x1000, 0, 4), -EINVAL);
	assert_int_equal(mmio_write(fx, UINT64_MAX - 1, 0, 4), -EINVAL);
	assert_int_equal(rd(fx, 0xFFF, 1), 0xFF);	/* last byte: fine */
}

/* ---- edge-triggered pins (3.2.4) ---------------------------------------- */

/* One message per 0 -> 1 transition; staying high or falling sends none. */
static void test_ioapic_edge_once_per_rising_edge(void **state)
{
	struct fixture *fx = *state;

	program(fx, 4, 0x30, 0);
	clear_log(fx);
	ioapic_set_irq(fx->io, 4, 1);
	assert_int_equal(fx->fake.n, 1);
	assert_delivery(&fx->fake.ev[0], 4, 0xFEE00000, 0x30);
	ioapic_set_irq(fx->io, 4, 1);
	ioapic_set_irq(fx->io, 4, 0);
	ioapic_set_irq(fx->io, 4, 0);
	assert_int_equal(fx->fake.n, 1);
	ioapic_set_irq(fx->io, 4, 1);
	assert_int_equal(fx->fake.n, 2);
	assert_delivery(&fx->fake.ev[1], 4, 0xFEE00000, 0x30);
	assert_int_equal(entry(fx, 4), 0x30);	/* no remote IRR for edge */
	stats(fx, 2, 0, 0);
}

/* Interrupt Mask: "Edge-sensitive interrupts signaled on a masked
 * interrupt pin are ignored (i.e., not delivered or held pending)". */
static void test_ioapic_edge_masked_is_lost(void **state)
{
	struct fixture *fx = *state;

	program(fx, 1, LOW_MASKED | 0x31, 0);
	clear_log(fx);
	ioapic_set_irq(fx->io, 1, 1);
	ioapic_set_irq(fx->io, 1, 0);
	program(fx, 1, 0x31, 0);		/* unmask: nothing held */
	assert_int_equal(deliveries(fx), 0);
	ioapic_set_irq(fx->io, 1, 1);
	assert_int_equal(deliveries(fx), 1);
	stats(fx, 1, 0, 0);
}

/* An edge pin high at unmask time is no edge either. */
static void test_ioapic_edge_unmask_while_high(void **state)
{
	struct fixture *fx = *state;

	ioapic_set_irq(fx->io, 6, 1);
	program(fx, 6, 0x36, 0);
	assert_int_equal(deliveries(fx), 0);
	ioapic_set_irq(fx->io, 6, 0);
	ioapic_set_irq(fx->io, 6, 1);
	assert_int_equal(deliveries(fx), 1);
}

/* Remote IRR is undefined for edge entries; ours stays 0 and an EOI of
 * the vector does nothing. */
static void test_ioapic_edge_ignores_eoi(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, 0x30, 0);
	ioapic_set_irq(fx->io, 0, 1);
	ioapic_eoi(fx->io, 0x30);
	assert_int_equal(entry(fx, 0), 0x30);
	assert_int_equal(deliveries(fx), 1);
	stats(fx, 1, 0, 0);
}

/* ---- level-triggered pins, remote IRR, EOI ------------------------------ */

/* Remote IRR: "set to 1 when local APIC(s) accept the level interrupt".
 * A re-assertion while it is set merges (coalesced), sends nothing. */
static void test_ioapic_level_sets_remote_irr(void **state)
{
	struct fixture *fx = *state;

	program(fx, 9, LOW_LEVEL | 0x39, 0);
	clear_log(fx);
	ioapic_set_irq(fx->io, 9, 1);
	assert_int_equal(fx->fake.n, 1);
	assert_delivery(&fx->fake.ev[0], 9, 0xFEE00000, 0xC039);
	assert_int_equal(entry(fx, 9), 0xC039);
	ioapic_set_irq(fx->io, 9, 1);		/* still high: nothing */
	stats(fx, 1, 0, 0);
	ioapic_set_irq(fx->io, 9, 0);
	assert_int_equal(entry(fx, 9), 0xC039);	/* IRR until the EOI */
	ioapic_set_irq(fx->io, 9, 1);
	assert_int_equal(fx->fake.n, 1);
	stats(fx, 1, 0, 1);
}

/* "The Remote IRR bit is set to 0 when an EOI message with a matching
 * interrupt vector is received"; a pin still asserted sends again. */
static void test_ioapic_eoi_redelivers_while_asserted(void **state)
{
	struct fixture *fx = *state;

	program(fx, 10, LOW_LEVEL | 0x3A, 2);
	ioapic_set_irq(fx->io, 10, 1);
	clear_log(fx);
	ioapic_eoi(fx->io, 0x3A);
	assert_int_equal(fx->fake.n, 1);
	assert_delivery(&fx->fake.ev[0], 10, 0xFEE02000, 0xC03A);
	assert_int_equal(entry(fx, 10), 0x020000000000C03Aull);
	ioapic_eoi(fx->io, 0x3A);
	assert_int_equal(fx->fake.n, 2);
	stats(fx, 3, 2, 0);
}

static void test_ioapic_eoi_after_deassert(void **state)
{
	struct fixture *fx = *state;

	program(fx, 11, LOW_LEVEL | 0x3B, 0);
	ioapic_set_irq(fx->io, 11, 1);
	ioapic_set_irq(fx->io, 11, 0);
	clear_log(fx);
	ioapic_eoi(fx->io, 0x3B);
	assert_int_equal(fx->fake.n, 0);
	assert_int_equal(entry(fx, 11), 0x803B);
	ioapic_eoi(fx->io, 0x3B);		/* nothing left to clear */
	stats(fx, 1, 1, 0);
	ioapic_set_irq(fx->io, 11, 1);
	assert_int_equal(deliveries(fx), 1);
}

/* Only a matching vector clears; vectors above 255 match nothing. */
static void test_ioapic_eoi_other_vector(void **state)
{
	struct fixture *fx = *state;

	program(fx, 12, LOW_LEVEL | 0x3C, 0);
	ioapic_set_irq(fx->io, 12, 1);
	clear_log(fx);
	ioapic_eoi(fx->io, 0x3D);
	ioapic_eoi(fx->io, 0x0);
	ioapic_eoi(fx->io, 0x13C);
	ioapic_eoi(fx->io, UINT_MAX);
	assert_int_equal(fx->fake.n, 0);
	assert_int_equal(entry(fx, 12), 0xC03C);
	stats(fx, 1, 0, 0);
}

/* The EOI is a broadcast: two level pins sharing a vector both clear,
 * and both resend (in pin order) while asserted. */
static void test_ioapic_eoi_shared_vector(void **state)
{
	struct fixture *fx = *state;

	program(fx, 16, LOW_LEVEL | 0x60, 0);
	program(fx, 17, LOW_LEVEL | 0x60, 1);
	program(fx, 18, LOW_LEVEL | 0x61, 0);
	ioapic_set_irq(fx->io, 17, 1);
	ioapic_set_irq(fx->io, 16, 1);
	ioapic_set_irq(fx->io, 18, 1);
	ioapic_set_irq(fx->io, 16, 0);
	clear_log(fx);
	ioapic_eoi(fx->io, 0x60);
	assert_int_equal(fx->fake.n, 1);	/* 16 is low now */
	assert_delivery(&fx->fake.ev[0], 17, 0xFEE01000, 0xC060);
	assert_int_equal(entry(fx, 16), 0x8060);
	assert_int_equal(entry(fx, 17), 0x010000000000C060ull);
	assert_int_equal(entry(fx, 18), 0xC061);
	stats(fx, 4, 2, 0);
}

/* The EOI matches the entry's vector now: changing the vector of an entry
 * in service leaves remote IRR for the new vector's EOI. */
static void test_ioapic_eoi_matches_current_vector(void **state)
{
	struct fixture *fx = *state;

	program(fx, 7, LOW_LEVEL | 0x37, 0);
	ioapic_set_irq(fx->io, 7, 1);
	program(fx, 7, LOW_LEVEL | 0x47, 0);
	assert_int_equal(entry(fx, 7), 0xC047);
	ioapic_eoi(fx->io, 0x37);
	assert_int_equal(entry(fx, 7), 0xC047);
	ioapic_set_irq(fx->io, 7, 0);
	ioapic_eoi(fx->io, 0x47);
	assert_int_equal(entry(fx, 7), 0x8047);
	stats(fx, 1, 1, 0);
}

/* Switching an entry to edge clears remote IRR (Linux's unstick); back to
 * level with the pin still asserted sends again. */
static void test_ioapic_trigger_change_clears_remote_irr(void **state)
{
	struct fixture *fx = *state;

	program(fx, 13, LOW_LEVEL | 0x3D, 0);
	ioapic_set_irq(fx->io, 13, 1);
	assert_int_equal(entry(fx, 13), 0xC03D);
	clear_log(fx);
	reg_wr(fx, 0x10 + 2 * 13, LOW_MASKED | 0x3D);	/* edge, masked */
	assert_int_equal(entry(fx, 13), 0x1003D);
	reg_wr(fx, 0x10 + 2 * 13, LOW_LEVEL | 0x3D);	/* level, unmasked */
	assert_int_equal(entry(fx, 13), 0xC03D);
	assert_int_equal(deliveries(fx), 1);
	assert_int_equal(fx->fake.ev[fx->fake.n - 1].msi.data, 0xC03D);
	stats(fx, 2, 0, 0);
}

/* Unmasking an asserted level pin sends, and route() reports the unmask
 * before the message goes out. */
static void test_ioapic_unmask_asserted_level(void **state)
{
	struct fixture *fx = *state;

	program(fx, 14, LOW_LEVEL | LOW_MASKED | 0x3E, 3);
	ioapic_set_irq(fx->io, 14, 1);
	assert_int_equal(deliveries(fx), 0);
	clear_log(fx);
	reg_wr(fx, 0x10 + 2 * 14, LOW_LEVEL | 0x3E);
	assert_int_equal(fx->fake.n, 2);
	assert_int_equal(fx->fake.ev[0].kind, EV_ROUTE);
	assert_int_equal(fx->fake.ev[0].pin, 14);
	assert_false(fx->fake.ev[0].masked);
	assert_int_equal(fx->fake.ev[0].msi.address, 0xFEE03000);
	assert_int_equal(fx->fake.ev[0].msi.data, 0xC03E);
	assert_delivery(&fx->fake.ev[1], 14, 0xFEE03000, 0xC03E);
	assert_int_equal(entry(fx, 14), 0x030000000000C03Eull);
}

/* Masking after acceptance "has no effect on that interrupt": the EOI
 * still clears remote IRR, but nothing is sent until the unmask. */
static void test_ioapic_masked_level_eoi(void **state)
{
	struct fixture *fx = *state;

	program(fx, 15, LOW_LEVEL | 0x3F, 0);
	ioapic_set_irq(fx->io, 15, 1);
	reg_wr(fx, 0x10 + 2 * 15, LOW_LEVEL | LOW_MASKED | 0x3F);
	clear_log(fx);
	ioapic_eoi(fx->io, 0x3F);
	assert_int_equal(entry(fx, 15), 0x1803F);
	assert_int_equal(fx->fake.n, 0);
	ioapic_set_irq(fx->io, 15, 0);		/* ignored while masked */
	ioapic_set_irq(fx->io, 15, 1);
	assert_int_equal(fx->fake.n, 0);
	reg_wr(fx, 0x10 + 2 * 15, LOW_LEVEL | 0x3F);
	assert_int_equal(deliveries(fx), 1);
	stats(fx, 2, 1, 0);
}

/* Changing an asserted edge pin's entry to level sends at once: the level
 * is what counts now. */
static void test_ioapic_edge_to_level_while_asserted(void **state)
{
	struct fixture *fx = *state;

	program(fx, 20, 0x70, 0);
	ioapic_set_irq(fx->io, 20, 1);
	reg_wr(fx, 0x10 + 2 * 20, LOW_LEVEL | 0x70);
	assert_int_equal(deliveries(fx), 2);
	assert_int_equal(entry(fx, 20), 0xC070);
}

/* Polarity (INTPOL) is stored; the machine passes logical levels, so a
 * low-active pin still asserts with level 1.  Any nonzero level asserts. */
static void test_ioapic_polarity_does_not_invert(void **state)
{
	struct fixture *fx = *state;

	program(fx, 8, LOW_LEVEL | LOW_POL_LOW | 0x38, 0);
	assert_int_equal(entry(fx, 8), 0xA038);
	ioapic_set_irq(fx->io, 8, 0);
	assert_int_equal(deliveries(fx), 0);
	ioapic_set_irq(fx->io, 8, -1);
	assert_int_equal(deliveries(fx), 1);
	assert_int_equal(entry(fx, 8), 0xE038);
	program(fx, 19, LOW_POL_LOW | 0x39, 0);
	ioapic_set_irq(fx->io, 19, 2);
	assert_int_equal(deliveries(fx), 2);
}

/* ---- MSI encoding (SDM "Message Address/Data Register Format") --------- */

static void test_ioapic_msi_destination(void **state)
{
	struct ioapic_msi msi;

	ioapic_entry_msi(0xA500000000000030ull, &msi);
	assert_int_equal(msi.address, 0xFEEA5000);
	assert_int_equal(msi.data, 0x30);
	ioapic_entry_msi(0xA500000000000830ull, &msi);	/* logical */
	assert_int_equal(msi.address, 0xFEEA5004);
	ioapic_entry_msi(0xFF00000000010830ull, &msi);	/* mask: no effect */
	assert_int_equal(msi.address, 0xFEEFF004);
	assert_int_equal(msi.data, 0x30);
	/* Reserved bits 55:17, polarity, IRR and status do not show. */
	ioapic_entry_msi(0x00FFFFFFFFFE7030ull, &msi);
	assert_int_equal(msi.address, 0xFEE00000);
	assert_int_equal(msi.data, 0x30);
	ioapic_entry_msi(0, NULL);			/* tolerated */
}

/* Delivery modes are encoded as they are; only fixed and lowest priority
 * carry the level bits (NMI/INIT/SMI/ExtINT act as edge, see ioapic.h). */
static void test_ioapic_msi_delivery_modes(void **state)
{
	static const struct {
		uint64_t entry;
		uint32_t data;
	} cases[] = {
		{ 0x0030, 0x0030 },		/* fixed, edge */
		{ 0x8030, 0xC030 },		/* fixed, level */
		{ 0x0130, 0x0130 },		/* lowest priority, edge */
		{ 0x8130, 0xC130 },		/* lowest priority, level */
		{ 0x0200, 0x0200 },		/* SMI */
		{ 0x8200, 0x0200 },		/* SMI "level" */
		{ 0x0400, 0x0400 },		/* NMI */
		{ 0x8400, 0x0400 },		/* NMI "level" */
		{ 0x0500, 0x0500 },		/* INIT */
		{ 0x8500, 0x0500 },		/* INIT "level" */
		{ 0x0700, 0x0700 },		/* ExtINT */
		{ 0x8700, 0x0700 },		/* ExtINT "level" */
	};
	struct ioapic_msi msi;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ioapic_entry_msi(cases[i].entry, &msi);
		assert_int_equal(msi.data, cases[i].data);
		assert_int_equal(msi.address, 0xFEE00000);
	}
}

/* Delivery modes 011 and 110 are reserved: nothing is sent, no remote
 * IRR, nothing counted; fixing the mode of an asserted level pin sends. */
static void test_ioapic_reserved_delivery_modes(void **state)
{
	struct fixture *fx = *state;

	program(fx, 21, LOW_DM(3) | 0x71, 0);
	program(fx, 22, LOW_DM(6) | LOW_LEVEL | 0x72, 0);
	clear_log(fx);
	ioapic_set_irq(fx->io, 21, 1);
	ioapic_set_irq(fx->io, 22, 1);
	ioapic_set_irq(fx->io, 22, 0);
	ioapic_set_irq(fx->io, 22, 1);
	assert_int_equal(fx->fake.n, 0);
	assert_int_equal(entry(fx, 21), 0x0371);
	assert_int_equal(entry(fx, 22), 0x8672);
	stats(fx, 0, 0, 0);
	reg_wr(fx, 0x10 + 2 * 22, LOW_LEVEL | 0x72);
	assert_int_equal(fx->fake.n, 2);	/* route, then the message */
	assert_delivery(&fx->fake.ev[1], 22, 0xFEE00000, 0xC072);
	stats(fx, 1, 0, 0);
}

/* NMI "must be programmed as edge"; with the level bit it still acts as
 * edge: every rising edge sends, remote IRR never sets. */
static void test_ioapic_nmi_level_acts_as_edge(void **state)
{
	struct fixture *fx = *state;

	program(fx, 23, LOW_DM(IOAPIC_DM_NMI) | LOW_LEVEL, 0);
	clear_log(fx);
	ioapic_set_irq(fx->io, 23, 1);
	assert_int_equal(entry(fx, 23), 0x8400);
	ioapic_set_irq(fx->io, 23, 0);
	ioapic_set_irq(fx->io, 23, 1);
	assert_int_equal(fx->fake.n, 2);
	assert_delivery(&fx->fake.ev[0], 23, 0xFEE00000, 0x0400);
	assert_delivery(&fx->fake.ev[1], 23, 0xFEE00000, 0x0400);
	stats(fx, 2, 0, 0);
}

/* A fixed vector below 0x10 (3.2.4 allows 10h-FEh) is still sent: the
 * LAPIC flags the illegal vector, as on hardware. */
static void test_ioapic_low_vector_still_sent(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, LOW_LOGICAL | 0x05, 0x0F);
	clear_log(fx);
	ioapic_set_irq(fx->io, 0, 1);
	assert_int_equal(fx->fake.n, 1);
	assert_delivery(&fx->fake.ev[0], 0, 0xFEE0F004, 0x05);
}

/* ---- route() contract, pins out of range, stats ------------------------- */

/* route() when the MSI or the mask changes, not for writes that change
 * neither (same value, polarity only). */
static void test_ioapic_route_only_on_change(void **state)
{
	struct fixture *fx = *state;

	clear_log(fx);
	reg_wr(fx, 0x10, LOW_MASKED);		/* same as reset */
	reg_wr(fx, 0x11, 0);
	assert_int_equal(fx->fake.n, 0);
	reg_wr(fx, 0x10, LOW_MASKED | LOW_POL_LOW);
	assert_int_equal(fx->fake.n, 0);
	reg_wr(fx, 0x11, 0x07000000);
	assert_int_equal(fx->fake.n, 1);
	assert_int_equal(fx->fake.ev[0].kind, EV_ROUTE);
	assert_int_equal(fx->fake.ev[0].pin, 0);
	assert_int_equal(fx->fake.ev[0].msi.address, 0xFEE07000);
	assert_int_equal(fx->fake.ev[0].msi.data, 0);
	assert_true(fx->fake.ev[0].masked);
	reg_wr(fx, 0x10, LOW_MASKED | LOW_POL_LOW | LOW_LEVEL | 0x20);
	assert_int_equal(fx->fake.n, 2);
	assert_int_equal(fx->fake.ev[1].msi.data, 0xC020);
	reg_wr(fx, 0x10, LOW_POL_LOW | LOW_LEVEL | 0x20);	/* unmask */
	assert_int_equal(fx->fake.n, 3);
	assert_false(fx->fake.ev[2].masked);
}

/* Linux's sequence: mask the entry, write high, write low; reading back
 * every dword with the IOREGSEL/IOWIN pair. */
static void test_ioapic_linux_programming_sequence(void **state)
{
	struct fixture *fx = *state;

	clear_log(fx);
	reg_wr(fx, 0x10 + 2 * 9, LOW_MASKED);
	reg_wr(fx, 0x11 + 2 * 9, 0x01000000);
	reg_wr(fx, 0x10 + 2 * 9, LOW_LEVEL | LOW_POL_LOW | LOW_LOGICAL | 0x29);
	assert_int_equal(reg_rd(fx, 0x11 + 2 * 9), 0x01000000);
	assert_int_equal(reg_rd(fx, 0x10 + 2 * 9), 0x0000A829);
	assert_int_equal(fx->fake.n, 2);
	assert_int_equal(fx->fake.ev[0].msi.address, 0xFEE01000);
	assert_true(fx->fake.ev[0].masked);
	assert_int_equal(fx->fake.ev[1].msi.address, 0xFEE01004);
	assert_int_equal(fx->fake.ev[1].msi.data, 0xC029);
	assert_false(fx->fake.ev[1].masked);
	ioapic_set_irq(fx->io, 9, 1);
	assert_delivery(&fx->fake.ev[2], 9, 0xFEE01004, 0xC029);
}

/* Pins >= 24 do not exist: set_irq ignores them, redirection says no. */
static void test_ioapic_pins_out_of_range(void **state)
{
	struct fixture *fx = *state;
	uint64_t e = 42;

	clear_log(fx);
	ioapic_set_irq(fx->io, 24, 1);
	ioapic_set_irq(fx->io, 31, 1);
	ioapic_set_irq(fx->io, 32, 1);
	ioapic_set_irq(fx->io, UINT_MAX, 1);
	assert_int_equal(fx->fake.n, 0);
	assert_false(ioapic_redirection(fx->io, 24, &e));
	assert_false(ioapic_redirection(fx->io, UINT_MAX, &e));
	assert_int_equal(e, 42);
	assert_true(ioapic_redirection(fx->io, 23, NULL));
	/* Registers past entry 23 (0x40, 0x41) are unknown: read 0. */
	reg_wr(fx, 0x40, 0x30);
	assert_int_equal(reg_rd(fx, 0x40), 0);
	stats(fx, 0, 0, 0);
}

/* The three counters, across a mix of everything, and a reset. */
static void test_ioapic_stats(void **state)
{
	struct fixture *fx = *state;
	uint64_t d = 0;

	program(fx, 1, 0x31, 0);		/* edge */
	program(fx, 2, LOW_LEVEL | 0x32, 0);	/* level */
	for (int i = 0; i < 3; i++) {
		ioapic_set_irq(fx->io, 1, 1);
		ioapic_set_irq(fx->io, 1, 0);
		ioapic_set_irq(fx->io, 2, 1);
		ioapic_set_irq(fx->io, 2, 0);
	}
	stats(fx, 4, 0, 2);
	ioapic_eoi(fx->io, 0x32);
	ioapic_eoi(fx->io, 0x31);
	stats(fx, 4, 1, 2);
	fx->dev->ops->reset(fx->dev->opaque);
	stats(fx, 4, 1, 2);
	ioapic_stats(fx->io, &d, NULL, NULL);
	assert_int_equal(d, 4);
	assert_int_equal(deliveries(fx), 4);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ioapic_create_args),
		T(test_ioapic_id_register),
		T(test_ioapic_version_register),
		T(test_ioapic_arbitration_register),
		T(test_ioapic_unknown_registers),
		T(test_ioapic_power_on_state),
		T(test_ioapic_reset),
		T(test_ioapic_rte_low_write_mask),
		T(test_ioapic_rte_high_write_mask),
		T(test_ioapic_rte_readonly_bits_stay),
		T(test_ioapic_regsel_persists),
		T(test_ioapic_regsel_widths),
		T(test_ioapic_iowin_narrow_ignored),
		T(test_ioapic_odd_offsets),
		T(test_ioapic_out_of_window),
		T(test_ioapic_edge_once_per_rising_edge),
		T(test_ioapic_edge_masked_is_lost),
		T(test_ioapic_edge_unmask_while_high),
		T(test_ioapic_edge_ignores_eoi),
		T(test_ioapic_level_sets_remote_irr),
		T(test_ioapic_eoi_redelivers_while_asserted),
		T(test_ioapic_eoi_after_deassert),
		T(test_ioapic_eoi_other_vector),
		T(test_ioapic_eoi_shared_vector),
		T(test_ioapic_eoi_matches_current_vector),
		T(test_ioapic_trigger_change_clears_remote_irr),
		T(test_ioapic_unmask_asserted_level),
		T(test_ioapic_masked_level_eoi),
		T(test_ioapic_edge_to_level_while_asserted),
		T(test_ioapic_polarity_does_not_invert),
		T(test_ioapic_msi_destination),
		T(test_ioapic_msi_delivery_modes),
		T(test_ioapic_reserved_delivery_modes),
		T(test_ioapic_nmi_level_acts_as_edge),
		T(test_ioapic_low_vector_still_sent),
		T(test_ioapic_route_only_on_change),
		T(test_ioapic_linux_programming_sequence),
		T(test_ioapic_pins_out_of_range),
		T(test_ioapic_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
