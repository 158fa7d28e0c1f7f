// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for devices/cmos: memory bytes, RTC formats, setting time,
 * and the interrupts on the virtual clock (MC146818A datasheet sections
 * named in each test).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/cmos/cmos.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

/* 2024-02-29 13:45:07 UTC, a Thursday (leap day). */
#define T_LEAPDAY 1709214307LL

struct fake {
	int64_t now;		/* wallclock, seconds */
	uint64_t ns;		/* virtual clock */
	int level;		/* IRQ 8 as last driven */
	unsigned calls;		/* set_irq calls */
};

static int64_t fake_wallclock(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

struct fixture {
	struct fake fake;
	struct cmos *cmos;
	struct vmm_device *dev;
};

static struct fixture *make(struct fixture *fx, uint64_t low, uint64_t high,
			    unsigned ncpus)
{
	struct vmm_host host;

	memset(fx, 0, sizeof(*fx));
	fx->fake.now = T_LEAPDAY;
	host = (struct vmm_host){ .ctx = &fx->fake,
				  .wallclock = fake_wallclock };
	assert_int_equal(cmos_create(&host, low, high, ncpus, &fx->cmos), 0);
	fx->dev = cmos_device(fx->cmos);
	return fx;
}

static int setup(void **state)
{
	static struct fixture fx;

	*state = make(&fx, 128 * MiB, 0, 1);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	cmos_destroy(fx->cmos);
	return 0;
}

static uint8_t rd(struct fixture *fx, uint8_t idx)
{
	uint8_t v = 0xFF;

	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 0, &idx, 1), 0);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 1, &v, 1), 0);
	return v;
}

static void wr(struct fixture *fx, uint8_t idx, uint8_t v)
{
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 0, &idx, 1), 0);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 1, &v, 1), 0);
}

static void assert_memory_bytes(struct fixture *fx, uint16_t ext,
				uint16_t above16, uint32_t above4g)
{
	assert_int_equal(rd(fx, 0x15), 0x80);	/* 640 KiB */
	assert_int_equal(rd(fx, 0x16), 0x02);
	assert_int_equal(rd(fx, 0x17), ext & 0xFF);
	assert_int_equal(rd(fx, 0x18), ext >> 8);
	assert_int_equal(rd(fx, 0x30), ext & 0xFF);
	assert_int_equal(rd(fx, 0x31), ext >> 8);
	assert_int_equal(rd(fx, 0x34), above16 & 0xFF);
	assert_int_equal(rd(fx, 0x35), above16 >> 8);
	assert_int_equal(rd(fx, 0x5B), above4g & 0xFF);
	assert_int_equal(rd(fx, 0x5C), (above4g >> 8) & 0xFF);
	assert_int_equal(rd(fx, 0x5D), above4g >> 16);
}

static void test_cmos_create_rejects_bad_config(void **state)
{
	struct vmm_host host = { 0 };
	struct cmos *cmos;

	assert_int_equal(cmos_create(NULL, 0, 0, 1, &cmos), -EINVAL);
	assert_int_equal(cmos_create(&host, 0, 0, 1, NULL), -EINVAL);
	assert_int_equal(cmos_create(&host, 0, 0, 0, &cmos), -EINVAL);
	assert_int_equal(cmos_create(&host, 0, 0, 257, &cmos), -EINVAL);
	assert_int_equal(cmos_create(&host, 4 * GiB + 1, 0, 1, &cmos),
			 -EINVAL);
	cmos_destroy(NULL);
}

static void test_cmos_memory_128m(void **state)
{
	struct fixture fx;

	make(&fx, 128 * MiB, 0, 1);
	/* 127 MiB above 1 MiB = 130048 KiB: capped. 112 MiB = 0x700 * 64K. */
	assert_memory_bytes(&fx, 0xFFFF, 0x0700, 0);
	assert_int_equal(rd(&fx, 0x5F), 0);
	/* Checksum over 0x10-0x2D: 0x80 + 0x02 + 0xFF + 0xFF. */
	assert_int_equal(rd(&fx, 0x2E), 0x02);
	assert_int_equal(rd(&fx, 0x2F), 0x80);
	cmos_destroy(fx.cmos);
}

static void test_cmos_memory_8m(void **state)
{
	struct fixture fx;

	make(&fx, 8 * MiB, 0, 1);
	assert_memory_bytes(&fx, 7 * 1024, 0, 0);
	assert_int_equal(rd(&fx, 0x2E), 0x00);
	assert_int_equal(rd(&fx, 0x2F), 0x9E);
	cmos_destroy(fx.cmos);
}

static void test_cmos_memory_2g(void **state)
{
	struct fixture fx;

	make(&fx, 2 * GiB, 0, 2);
	assert_memory_bytes(&fx, 0xFFFF, 0x7F00, 0);
	assert_int_equal(rd(&fx, 0x5F), 1);
	cmos_destroy(fx.cmos);
}

static void test_cmos_memory_3g(void **state)
{
	struct fixture fx;

	make(&fx, 3 * GiB, 0, 4);
	assert_memory_bytes(&fx, 0xFFFF, 0xBF00, 0);
	assert_int_equal(rd(&fx, 0x5F), 3);
	cmos_destroy(fx.cmos);
}

static void test_cmos_memory_5g(void **state)
{
	struct fixture fx;

	/* 5 GiB: 3 GiB below the PCI hole, 2 GiB from 4 GiB. */
	make(&fx, 3 * GiB, 2 * GiB, 256);
	assert_memory_bytes(&fx, 0xFFFF, 0xBF00, 0x008000);
	assert_int_equal(rd(&fx, 0x5F), 255);
	cmos_destroy(fx.cmos);
}

static void test_cmos_memory_above_4g_capped(void **state)
{
	struct fixture fx;

	make(&fx, 3 * GiB, 2048 * GiB, 1);
	assert_memory_bytes(&fx, 0xFFFF, 0xBF00, 0xFFFFFF);
	cmos_destroy(fx.cmos);
}

static void test_cmos_status_registers(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
	assert_int_equal(rd(fx, CMOS_REG_B), 0x02);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(rd(fx, CMOS_REG_D), 0x80);
	/* UIP cannot be written; C and D are read-only. */
	wr(fx, CMOS_REG_A, 0xA6);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
	wr(fx, CMOS_REG_C, 0xFF);
	wr(fx, CMOS_REG_D, 0x00);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(rd(fx, CMOS_REG_D), 0x80);
}

static void test_cmos_bcd_time(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	assert_int_equal(rd(fx, CMOS_MINUTES), 0x45);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x13);
	assert_int_equal(rd(fx, CMOS_WEEKDAY), 5);	/* Thursday */
	assert_int_equal(rd(fx, CMOS_DAY), 0x29);
	assert_int_equal(rd(fx, CMOS_MONTH), 0x02);
	assert_int_equal(rd(fx, CMOS_YEAR), 0x24);
	assert_int_equal(rd(fx, CMOS_CENTURY), 0x20);
	/* The clock follows the host. */
	fx->fake.now += 60;
	assert_int_equal(rd(fx, CMOS_MINUTES), 0x46);
}

static void test_cmos_binary_time(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_BINARY);
	assert_int_equal(rd(fx, CMOS_SECONDS), 7);
	assert_int_equal(rd(fx, CMOS_MINUTES), 45);
	assert_int_equal(rd(fx, CMOS_HOURS), 13);
	assert_int_equal(rd(fx, CMOS_DAY), 29);
	assert_int_equal(rd(fx, CMOS_MONTH), 2);
	assert_int_equal(rd(fx, CMOS_YEAR), 24);
	assert_int_equal(rd(fx, CMOS_CENTURY), 20);
}

static void test_cmos_12_hour(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, 0x00);	/* BCD, 12-hour */
	assert_int_equal(rd(fx, CMOS_HOURS), 0x81);	/* 1 PM */
	wr(fx, CMOS_REG_B, CMOS_B_BINARY);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x81);
	/* 00:05 is 12 AM. */
	fx->fake.now = 1709165100LL;
	wr(fx, CMOS_REG_B, 0x00);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x12);
	wr(fx, CMOS_REG_B, CMOS_B_BINARY);
	assert_int_equal(rd(fx, CMOS_HOURS), 12);
}

static void test_cmos_before_epoch(void **state)
{
	struct fixture *fx = *state;

	fx->fake.now = -1;	/* 1969-12-31 23:59:59, a Wednesday */
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x59);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x23);
	assert_int_equal(rd(fx, CMOS_WEEKDAY), 4);
	assert_int_equal(rd(fx, CMOS_DAY), 0x31);
	assert_int_equal(rd(fx, CMOS_MONTH), 0x12);
	assert_int_equal(rd(fx, CMOS_YEAR), 0x69);
	assert_int_equal(rd(fx, CMOS_CENTURY), 0x19);
}

static void test_cmos_extreme_wallclock_clamped(void **state)
{
	struct fixture *fx = *state;

	fx->fake.now = INT64_MAX;
	assert_int_equal(rd(fx, CMOS_YEAR), 0x99);
	assert_int_equal(rd(fx, CMOS_CENTURY), 0x99);
	assert_int_equal(rd(fx, CMOS_MONTH), 0x12);
	fx->fake.now = INT64_MIN;
	assert_int_equal(rd(fx, CMOS_YEAR), 0x00);
	assert_int_equal(rd(fx, CMOS_CENTURY), 0x00);
	assert_int_equal(rd(fx, CMOS_DAY), 0x01);
}

static void test_cmos_nmi_bit_masked(void **state)
{
	struct fixture *fx = *state;
	uint8_t v;

	assert_int_equal(rd(fx, 0x80 | 0x34), 0x00);
	assert_int_equal(rd(fx, 0x80 | 0x35), 0x07);
	assert_int_equal(rd(fx, 0x80 | CMOS_REG_D), 0x80);
	wr(fx, 0x80 | 0x40, 0xA5);
	assert_int_equal(rd(fx, 0x40), 0xA5);
	/* The index port itself is write-only: the bus's all-ones stay. */
	v = 0x55;
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, &v, 1), 0);
	assert_int_equal(v, 0x55);
}

static void test_cmos_word_access(void **state)
{
	struct fixture *fx = *state;
	uint8_t pair[2] = { 0x41, 0x3C };
	uint8_t got[2] = { 0xEE, 0xEE };

	/* out 0x70, ax: index 0x41 then data 0x3C. */
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 0, pair, 2), 0);
	assert_int_equal(rd(fx, 0x41), 0x3C);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, got, 2), 0);
	assert_int_equal(got[0], 0xEE);
	assert_int_equal(got[1], 0x3C);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 1, got, 2),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 2, got, 1),
			 -EINVAL);
}

static void test_cmos_set_time(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
	/* Frozen: the registers show the time SET was written. */
	fx->fake.now += 10;
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	wr(fx, CMOS_CENTURY, 0x20);
	wr(fx, CMOS_YEAR, 0x25);
	wr(fx, CMOS_MONTH, 0x12);
	wr(fx, CMOS_DAY, 0x31);
	wr(fx, CMOS_HOURS, 0x23);
	wr(fx, CMOS_MINUTES, 0x59);
	wr(fx, CMOS_SECONDS, 0x58);
	assert_int_equal(rd(fx, CMOS_YEAR), 0x25);
	wr(fx, CMOS_REG_B, CMOS_B_24H);
	fx->fake.now += 3;
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x01);
	assert_int_equal(rd(fx, CMOS_MINUTES), 0x00);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x00);
	assert_int_equal(rd(fx, CMOS_WEEKDAY), 5);	/* 2026-01-01: Thu */
	assert_int_equal(rd(fx, CMOS_DAY), 0x01);
	assert_int_equal(rd(fx, CMOS_MONTH), 0x01);
	assert_int_equal(rd(fx, CMOS_YEAR), 0x26);
	assert_int_equal(rd(fx, CMOS_CENTURY), 0x20);
	/* Survives a reset. */
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(rd(fx, CMOS_YEAR), 0x26);
}

static void test_cmos_set_time_12h_binary(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_SET | CMOS_B_BINARY);
	/* Snapshot taken in the new format. */
	assert_int_equal(rd(fx, CMOS_HOURS), 0x81);
	wr(fx, CMOS_HOURS, 0x80 | 12);	/* 12 PM = noon */
	wr(fx, CMOS_REG_B, CMOS_B_BINARY | CMOS_B_24H);
	assert_int_equal(rd(fx, CMOS_HOURS), 12);
	assert_int_equal(rd(fx, CMOS_MINUTES), 45);
	assert_int_equal(rd(fx, CMOS_DAY), 29);
}

static void test_cmos_invalid_date_ignored(void **state)
{
	struct fixture *fx = *state;

	/* Field writes with SET clear apply at once ... */
	wr(fx, CMOS_MINUTES, 0x10);
	assert_int_equal(rd(fx, CMOS_MINUTES), 0x10);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x13);
	/* ... but 2030-02-29 does not exist, nor does BCD 0x1A. */
	wr(fx, CMOS_YEAR, 0x30);
	assert_int_equal(rd(fx, CMOS_YEAR), 0x24);
	wr(fx, CMOS_SECONDS, 0x1A);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	wr(fx, CMOS_HOURS, 0x24);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x13);
	wr(fx, CMOS_MONTH, 0x00);
	assert_int_equal(rd(fx, CMOS_MONTH), 0x02);
	/* The weekday follows from the date. */
	wr(fx, CMOS_WEEKDAY, 1);
	assert_int_equal(rd(fx, CMOS_WEEKDAY), 5);
}

static void test_cmos_reset(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, 0x7E);
	wr(fx, 0x50, 0x99);
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(rd(fx, CMOS_REG_B), 0x06);
	assert_int_equal(rd(fx, 0x50), 0x99);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
}

static void test_cmos_no_wallclock(void **state)
{
	struct vmm_host host = { 0 };
	struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	assert_int_equal(cmos_create(&host, 0, 0, 1, &fx.cmos), 0);
	fx.dev = cmos_device(fx.cmos);
	assert_int_equal(rd(&fx, CMOS_YEAR), 0x70);
	assert_int_equal(rd(&fx, CMOS_CENTURY), 0x19);
	assert_int_equal(rd(&fx, 0x15), 0);
	cmos_destroy(fx.cmos);
}

/* ---- interrupts on the virtual clock ---------------------------------- */

/* The clocked fixture's virtual clock at create, and a second of it. */
#define T0_NS	5000000000000ULL
#define SEC	1000000000ULL
#define NEVER	UINT64_MAX
#define NO_PF_A	0x20	/* 32.768 kHz base, RS = 0: no periodic flag */

static uint64_t fake_clock(void *ctx)
{
	return ((struct fake *)ctx)->ns;
}

static void fake_set_irq(void *ctx, unsigned gsi, int level)
{
	struct fake *f = ctx;

	assert_int_equal(gsi, 8);
	assert_int_not_equal(level, f->level);	/* only changes are driven */
	f->level = level;
	f->calls++;
}

static struct fixture *make_clocked(struct fixture *fx)
{
	struct vmm_host host;

	memset(fx, 0, sizeof(*fx));
	fx->fake.now = T_LEAPDAY;
	fx->fake.ns = T0_NS;
	host = (struct vmm_host){ .ctx = &fx->fake,
				  .wallclock = fake_wallclock,
				  .clock_ns = fake_clock,
				  .set_irq = fake_set_irq };
	assert_int_equal(cmos_create(&host, 128 * MiB, 0, 1, &fx->cmos), 0);
	fx->dev = cmos_device(fx->cmos);
	return fx;
}

static int setup_clocked(void **state)
{
	static struct fixture fx;

	*state = make_clocked(&fx);
	return 0;
}

/* Move the clock to (ns) after create. */
static void at(struct fixture *fx, uint64_t ns)
{
	fx->fake.ns = T0_NS + ns;
}

/* The deadline relative to create, NEVER kept. */
static uint64_t deadline(struct fixture *fx)
{
	uint64_t d = cmos_deadline(fx->cmos);

	return d == NEVER ? NEVER : d - T0_NS;
}

static void assert_counts(struct fixture *fx, uint64_t raised,
			  uint64_t coalesced)
{
	uint64_t r, c;

	cmos_irq_counts(fx->cmos, &r, &c);
	assert_int_equal(r, raised);
	assert_int_equal(c, coalesced);
}

/*
 * Table 5, 32.768 kHz column: RS 1, 2 = 256, 128 Hz; RS n = 32768 >>
 * (n - 1) Hz.  The first two edges after create, rounded up to whole ns.
 */
static void test_cmos_periodic_rate_table(void **state)
{
	static const uint64_t first[16] = {
		0, 3906250, 7812500, 122071, 244141, 488282, 976563,
		1953125, 3906250, 7812500, 15625000, 31250000, 62500000,
		125000000, 250000000, 500000000,
	};
	static const uint64_t second[16] = {
		0, 7812500, 15625000, 244141, 488282, 976563, 1953125,
		3906250, 7812500, 15625000, 31250000, 62500000, 125000000,
		250000000, 500000000, 1000000000,
	};
	struct fixture fx;

	for (unsigned rs = 1; rs < 16; rs++) {
		make_clocked(&fx);
		wr(&fx, CMOS_REG_A, (uint8_t)(0x20 | rs));
		wr(&fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
		assert_int_equal(deadline(&fx), first[rs]);
		at(&fx, first[rs] - 1);
		assert_int_equal(cmos_update(fx.cmos), 0);
		at(&fx, first[rs]);
		assert_int_equal(cmos_update(fx.cmos), 1);
		assert_int_equal(rd(&fx, CMOS_REG_C), 0xC0);
		assert_int_equal(deadline(&fx), second[rs]);
		cmos_destroy(fx.cmos);
	}
}

/* "Register A": RS = 0000 selects no tap: no PF, no deadline. */
static void test_cmos_periodic_rs0_none(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	assert_int_equal(deadline(fx), NEVER);
	at(fx, SEC / 2);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(fx->fake.calls, 0);
}

/*
 * Table 4: DV = 000 / 001 are the 4.194304 / 1.048576 MHz bases.  Their
 * periodic column is not modelled (no PF); the time and updates run.
 */
static void test_cmos_periodic_other_time_bases_none(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, 0x06);	/* DV 000, RS 0110 */
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	assert_int_equal(deadline(fx), NEVER);
	at(fx, SEC);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x10);	/* UF only */
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x08);
	wr(fx, CMOS_REG_A, 0x16);	/* DV 001 */
	assert_int_equal(deadline(fx), NEVER);
	at(fx, 2 * SEC - 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(fx->fake.calls, 0);
}

/* "Register C": PF is set on every edge whatever PIE says, read lazily. */
static void test_cmos_pf_lazy_without_pie(void **state)
{
	struct fixture *fx = *state;

	/* Power-on A = 0x26: 1024 Hz, 32 ticks = 976562.5 ns. */
	assert_int_equal(deadline(fx), NEVER);
	at(fx, 976562);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	at(fx, 976563);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x40);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	at(fx, 1953124);	/* edge 2 is at 64 ticks = 1953125 */
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	at(fx, 1953125);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x40);
	assert_int_equal(fx->fake.calls, 0);
	assert_counts(fx, 0, 0);
}

/* "Periodic Interrupt": PF & PIE raise IRQF and IRQ 8 at the edge. */
static void test_cmos_pie_raises_at_deadline(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	assert_int_equal(deadline(fx), 976563);
	at(fx, 976562);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(fx->fake.calls, 0);
	at(fx, 976563);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(fx->fake.calls, 1);
	assert_int_equal(fx->fake.level, 1);
	/* Level output: it stays high, no further edge until C is read. */
	assert_int_equal(deadline(fx), NEVER);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(fx->fake.level, 1);
}

/* "Register C": a read returns IRQF and the flags, clears all, lowers. */
static void test_cmos_reg_c_read_clears_and_lowers(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	at(fx, 976563);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xC0);
	assert_int_equal(fx->fake.level, 0);
	assert_int_equal(fx->fake.calls, 2);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(fx->fake.calls, 2);
	/* The next edge, 64 ticks after create. */
	assert_int_equal(deadline(fx), 1953125);
}

/* Several due periods make one edge; the rest are counted coalesced. */
static void test_cmos_coalescing(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	at(fx, 10 * 976562 + 5);	/* 320 ticks = 9765625 ns */
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_counts(fx, 1, 9);
	assert_int_equal(cmos_update(fx->cmos), 0);
	/* Edge 11 while IRQF is still set: no edge, one more coalesced. */
	at(fx, 10742188);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_counts(fx, 1, 10);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xC0);
	assert_int_equal(fx->fake.calls, 2);
	assert_int_equal(deadline(fx), 11718750);	/* edge 12 */
}

/* "Update Cycle": UF once per second, set lazily without UIE. */
static void test_cmos_uf_once_per_second(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	assert_int_equal(deadline(fx), NEVER);
	at(fx, SEC - 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	at(fx, SEC);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x10);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	at(fx, 3 * SEC + SEC / 2);	/* two more: still one flag */
	assert_int_equal(rd(fx, CMOS_REG_C), 0x10);
	at(fx, 4 * SEC - 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(fx->fake.calls, 0);
}

/* "Update-Ended Interrupt": UF & UIE raise IRQ 8 at each second. */
static void test_cmos_uie_interrupt(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	assert_int_equal(deadline(fx), SEC);
	at(fx, SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x90);
	assert_int_equal(deadline(fx), 2 * SEC);
	at(fx, 4 * SEC);	/* three updates late */
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_counts(fx, 2, 2);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x90);
	assert_int_equal(deadline(fx), 5 * SEC);
}

/* The time read and UF agree: the new second shows with the flag. */
static void test_cmos_time_read_after_uf(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	at(fx, SEC - 1);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	at(fx, SEC);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x08);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x08);
	/* The host wallclock is read once, at create. */
	fx->fake.now += 3600;
	assert_int_equal(rd(fx, CMOS_HOURS), 0x13);
	at(fx, 53 * SEC);
	assert_int_equal(rd(fx, CMOS_MINUTES), 0x46);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x00);
}

/* Table 6: UIP is 1 for 244 us (8 ticks) before each update, not in SET. */
static void test_cmos_uip_window(void **state)
{
	struct fixture *fx = *state;

	/* Tick 32760 is at 999755859.375 ns. */
	at(fx, 999755859);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
	at(fx, 999755860);
	assert_int_equal(rd(fx, CMOS_REG_A), 0xA6);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);	/* still valid */
	at(fx, SEC);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
	at(fx, 2 * SEC - 1000);
	assert_int_equal(rd(fx, CMOS_REG_A), 0xA6);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_SET);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
}

/* "Alarm Interrupt": AF when 0x01/0x03/0x05 equal the time; AIE. */
static void test_cmos_alarm_match(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_ALARM_HOURS, 0x13);
	wr(fx, CMOS_ALARM_MINUTES, 0x45);
	wr(fx, CMOS_ALARM_SECONDS, 0x10);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE);
	assert_int_equal(deadline(fx), 3 * SEC);	/* 13:45:07 -> :10 */
	at(fx, 3 * SEC - 1);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x10);	/* UF, no AF yet */
	at(fx, 3 * SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xB0);	/* IRQF AF UF */
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x10);
	/* Once a day. */
	assert_int_equal(deadline(fx), 3 * SEC + 86400 * SEC);
}

/* "Alarm Interrupt": 0xC0-0xFF in an alarm byte matches any value. */
static void test_cmos_alarm_dont_care(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_ALARM_HOURS, 0xC0);
	wr(fx, CMOS_ALARM_MINUTES, 0x46);
	wr(fx, CMOS_ALARM_SECONDS, 0xFF);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE);
	/* Every second of minute 46 of every hour: first 13:46:00. */
	assert_int_equal(deadline(fx), 53 * SEC);
	at(fx, 53 * SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xB0);
	assert_int_equal(deadline(fx), 54 * SEC);
	/* After 13:46:59 the next is 14:46:00. */
	at(fx, 112 * SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xB0);
	assert_int_equal(rd(fx, CMOS_MINUTES), 0x46);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x59);
	assert_int_equal(deadline(fx), (53 + 3600) * SEC);
}

/* All three don't care: an alarm at every update. */
static void test_cmos_alarm_every_second(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_ALARM_HOURS, 0xFF);
	wr(fx, CMOS_ALARM_MINUTES, 0xC0);
	wr(fx, CMOS_ALARM_SECONDS, 0xD5);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE);
	assert_int_equal(deadline(fx), SEC);
	at(fx, SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xB0);
	assert_int_equal(deadline(fx), 2 * SEC);
}

/* AF, like PF and UF, reads back set without its enable. */
static void test_cmos_alarm_lazy_without_aie(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_ALARM_HOURS, 0x13);
	wr(fx, CMOS_ALARM_MINUTES, 0x45);
	wr(fx, CMOS_ALARM_SECONDS, 0x09);
	assert_int_equal(deadline(fx), NEVER);
	at(fx, SEC);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x10);
	at(fx, 5 * SEC);	/* 13:45:09 was passed on the way */
	assert_int_equal(rd(fx, CMOS_REG_C), 0x30);
	assert_int_equal(fx->fake.calls, 0);
}

/* The alarm compares in the current format: binary, 12-hour, PM bit. */
static void test_cmos_alarm_binary_12h(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_REG_B, CMOS_B_BINARY);
	wr(fx, CMOS_ALARM_HOURS, 0x80 | 1);	/* 1 PM */
	wr(fx, CMOS_ALARM_MINUTES, 45);
	wr(fx, CMOS_ALARM_SECONDS, 8);
	wr(fx, CMOS_REG_B, CMOS_B_BINARY | CMOS_B_AIE);
	assert_int_equal(deadline(fx), SEC);
	/* 1 AM never shows today before 1 PM: the match is tomorrow. */
	wr(fx, CMOS_ALARM_HOURS, 1);
	assert_int_equal(deadline(fx), (86400 - 12 * 3600 + 1) * SEC);
}

/* An alarm byte no time can show (BCD 0x5A, hour 0 in 12-hour form). */
static void test_cmos_alarm_impossible_never(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_ALARM_HOURS, 0xC0);
	wr(fx, CMOS_ALARM_MINUTES, 0xC0);
	wr(fx, CMOS_ALARM_SECONDS, 0x5A);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE);
	assert_int_equal(deadline(fx), NEVER);
	wr(fx, CMOS_ALARM_SECONDS, 0xC0);
	wr(fx, CMOS_ALARM_HOURS, 0x00);
	wr(fx, CMOS_REG_B, CMOS_B_AIE);	/* 12-hour: 0 is no hour */
	assert_int_equal(deadline(fx), NEVER);
	at(fx, 10 * SEC);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x10);
}

/* "Register B": SET inhibits update cycles (no UF, no AF) and UIE. */
static void test_cmos_set_inhibits_updates(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_ALARM_HOURS, 0xFF);
	wr(fx, CMOS_ALARM_MINUTES, 0xFF);
	wr(fx, CMOS_ALARM_SECONDS, 0xFF);
	wr(fx, CMOS_REG_B, CMOS_B_SET | CMOS_B_24H | CMOS_B_UIE | CMOS_B_AIE);
	assert_int_equal(rd(fx, CMOS_REG_B), 0xA2);	/* UIE cleared */
	assert_int_equal(deadline(fx), NEVER);
	at(fx, 3 * SEC + SEC / 5);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	/* SET clear: 13:45:07 from now, next update at the old phase. */
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	assert_int_equal(deadline(fx), 4 * SEC);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	at(fx, 4 * SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x08);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xB0);
}

/*
 * "Divider Chain Control": DV = 11x holds the chain: no PF, no update,
 * the time holds; out of reset the first update is half a second later.
 */
static void test_cmos_divider_stopped(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE | CMOS_B_UIE);
	wr(fx, CMOS_REG_A, 0x66);	/* reset, RS 0110 */
	assert_int_equal(deadline(fx), NEVER);
	at(fx, 5 * SEC);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x66);	/* no UIP */
	at(fx, 5 * SEC + 300000000);
	wr(fx, CMOS_REG_A, 0x26);
	/* Periodic edges restart with the chain: 32 ticks on. */
	assert_int_equal(deadline(fx), 5 * SEC + 300000000 + 976563);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	assert_int_equal(deadline(fx), 5 * SEC + 800000000);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x07);
	at(fx, 5 * SEC + 800000000);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x08);
	/* Test modes 011 and 10x stop the chain too. */
	wr(fx, CMOS_REG_A, 0x36);
	assert_int_equal(deadline(fx), NEVER);
}

/*
 * Linux's mc146818_set_time: SET, divider reset, fields, SET off (still
 * held by the divider), divider back: the new time starts there.
 */
static void test_cmos_divider_restart_linux_set_time(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_SET);
	wr(fx, CMOS_REG_A, 0x76);
	wr(fx, CMOS_HOURS, 0x08);
	wr(fx, CMOS_MINUTES, 0x00);
	wr(fx, CMOS_SECONDS, 0x00);
	wr(fx, CMOS_REG_B, CMOS_B_24H);
	at(fx, 7 * SEC);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x00);	/* held */
	wr(fx, CMOS_REG_A, 0x26);
	at(fx, 7 * SEC + SEC / 2 - 1);
	assert_int_equal(rd(fx, CMOS_HOURS), 0x08);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x00);
	at(fx, 7 * SEC + SEC / 2);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x01);
	assert_int_equal(rd(fx, CMOS_DAY), 0x29);
}

/* "Interrupts": enabling one whose flag is already set raises at once. */
static void test_cmos_enable_pie_while_pf_set(void **state)
{
	struct fixture *fx = *state;

	at(fx, 2 * 976563);
	assert_int_equal(fx->fake.calls, 0);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	assert_int_equal(fx->fake.calls, 1);
	assert_int_equal(fx->fake.level, 1);
	assert_counts(fx, 1, 0);
	assert_int_equal(deadline(fx), NEVER);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xC0);
	assert_int_equal(fx->fake.level, 0);
}

/* IRQF = PF & PIE | ...: clearing PIE lowers IRQF, PF stays. */
static void test_cmos_clear_enable_lowers_irqf(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE | CMOS_B_UIE);
	at(fx, 976563);
	assert_int_equal(cmos_update(fx->cmos), 1);
	/* UIE still on but UF clear: IRQF goes with PIE. */
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	assert_int_equal(fx->fake.level, 0);
	assert_int_equal(fx->fake.calls, 2);
	assert_int_equal(deadline(fx), SEC);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x40);
}

/* A guest access that finds an enabled event due drives the edge itself. */
static void test_cmos_enable_raise_then_fold_counts(void **state)
{
	struct fixture *fx = *state;

	wr(fx, CMOS_REG_A, NO_PF_A);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	at(fx, 2 * SEC);	/* the run loop is late; the guest reads C */
	assert_int_equal(rd(fx, CMOS_REG_C), 0x90);
	assert_int_equal(fx->fake.calls, 2);	/* up, then down */
	assert_counts(fx, 1, 1);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(deadline(fx), 3 * SEC);
}

/* "RESET": PIE, AIE, UIE, SQWE and the flags clear; IRQ 8 lowers. */
static void test_cmos_reset_clears_interrupts(void **state)
{
	struct fixture *fx = *state;

	wr(fx, 0x50, 0x99);
	wr(fx, CMOS_REG_B, 0x7A);	/* PIE AIE UIE SQWE 24H */
	at(fx, SEC);
	assert_int_equal(cmos_update(fx->cmos), 1);
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(fx->fake.level, 0);
	assert_int_equal(rd(fx, CMOS_REG_B), 0x02);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x00);
	assert_int_equal(rd(fx, CMOS_REG_A), 0x26);
	assert_int_equal(rd(fx, 0x50), 0x99);
	assert_int_equal(rd(fx, CMOS_SECONDS), 0x08);
	assert_int_equal(deadline(fx), NEVER);
	/* Events due at the reset went with the flags; later ones count. */
	at(fx, SEC + 976563);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x40);
}

/* Flags nobody enabled need no deadline. */
static void test_cmos_deadline_never_when_nothing_enabled(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(deadline(fx), NEVER);
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_SQWE);
	assert_int_equal(deadline(fx), NEVER);
	at(fx, 100 * SEC);
	assert_int_equal(cmos_update(fx->cmos), 0);
	assert_int_equal(deadline(fx), NEVER);
	assert_int_equal(rd(fx, CMOS_REG_C), 0x50);
	assert_counts(fx, 0, 0);
	assert_int_equal(fx->fake.calls, 0);
}

static void test_cmos_irq_counts(void **state)
{
	struct fixture *fx = *state;

	cmos_irq_counts(fx->cmos, NULL, NULL);
	assert_counts(fx, 0, 0);
	wr(fx, CMOS_REG_A, 0x2F);	/* 2 Hz */
	wr(fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE | CMOS_B_UIE);
	at(fx, SEC);	/* PF twice, UF once */
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_counts(fx, 1, 2);
	assert_int_equal(rd(fx, CMOS_REG_C), 0xD0);
	at(fx, SEC + SEC / 2);
	assert_int_equal(cmos_update(fx->cmos), 1);
	assert_counts(fx, 2, 2);
}

/* Does 24-hour BCD alarm (h, m, s), 0xFF = don't care, match (t)? */
static bool alarm_matches(const uint8_t al[3], unsigned t)
{
	unsigned v[3] = { t / 3600 % 24, t / 60 % 60, t % 60 };

	for (unsigned i = 0; i < 3; i++)
		if (al[i] != 0xFF && al[i] != (v[i] / 10 << 4 | v[i] % 10))
			return false;
	return true;
}

/*
 * "Alarm Interrupt": the AIE deadline is the first update whose new time
 * matches, checked against a second-by-second search for every mix of
 * don't-care and values on both sides of 13:45:07.
 */
static void test_cmos_alarm_next_exhaustive(void **state)
{
	static const uint8_t hours[] = { 0xFF, 0x00, 0x12, 0x13, 0x14, 0x23 };
	static const uint8_t mins[] = { 0xFF, 0x00, 0x44, 0x45, 0x46, 0x59 };
	static const uint8_t secs[] = { 0xFF, 0x00, 0x06, 0x07, 0x08, 0x59 };
	const unsigned now = 13 * 3600 + 45 * 60 + 7;
	struct fixture fx;

	make_clocked(&fx);
	wr(&fx, CMOS_REG_A, NO_PF_A);
	wr(&fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE);
	for (unsigned h = 0; h < sizeof(hours); h++)
		for (unsigned m = 0; m < sizeof(mins); m++)
			for (unsigned i = 0; i < sizeof(secs); i++) {
				const uint8_t al[3] = { hours[h], mins[m],
							secs[i] };
				unsigned d = 1;

				while (!alarm_matches(al, now + d))
					d++;
				wr(&fx, CMOS_ALARM_HOURS, al[0]);
				wr(&fx, CMOS_ALARM_MINUTES, al[1]);
				wr(&fx, CMOS_ALARM_SECONDS, al[2]);
				assert_int_equal(deadline(&fx), d * SEC);
			}
	cmos_destroy(fx.cmos);
}

/* Without host->clock_ns: wallclock time, no flags, no interrupts. */
static void test_cmos_no_clock_no_interrupts(void **state)
{
	struct fixture fx;

	make(&fx, 128 * MiB, 0, 1);
	wr(&fx, CMOS_ALARM_HOURS, 0xFF);
	wr(&fx, CMOS_ALARM_MINUTES, 0xFF);
	wr(&fx, CMOS_ALARM_SECONDS, 0xFF);
	wr(&fx, CMOS_REG_B, CMOS_B_24H | 0x70);
	assert_int_equal(cmos_deadline(fx.cmos), NEVER);
	fx.fake.now += 5;
	assert_int_equal(cmos_update(fx.cmos), 0);
	assert_int_equal(rd(&fx, CMOS_REG_C), 0x00);
	assert_int_equal(rd(&fx, CMOS_REG_A), 0x26);
	assert_int_equal(rd(&fx, CMOS_SECONDS), 0x12);
	assert_counts(&fx, 0, 0);
	cmos_destroy(fx.cmos);
}

/* A clock near 2^64 ns: deadlines past it are NEVER, nothing wraps. */
static void test_cmos_clock_far_future(void **state)
{
	struct fixture fx;

	make_clocked(&fx);
	cmos_destroy(fx.cmos);
	fx.fake.ns = UINT64_MAX - SEC / 2;
	{
		struct vmm_host host = { .ctx = &fx.fake,
					 .wallclock = fake_wallclock,
					 .clock_ns = fake_clock,
					 .set_irq = fake_set_irq };

		assert_int_equal(cmos_create(&host, 0, 0, 1, &fx.cmos), 0);
	}
	fx.dev = cmos_device(fx.cmos);
	wr(&fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	assert_int_equal(cmos_deadline(fx.cmos), NEVER);
	wr(&fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
	assert_int_equal(cmos_deadline(fx.cmos),
			 UINT64_MAX - SEC / 2 + 976563);
	fx.fake.ns = UINT64_MAX;
	assert_int_equal(cmos_update(fx.cmos), 1);
	assert_int_equal(rd(&fx, CMOS_REG_C), 0xC0);
	assert_int_equal(cmos_deadline(fx.cmos), NEVER);
	assert_int_equal(rd(&fx, CMOS_SECONDS), 0x07);
	/* The guest sets the last second there is: the time stops. */
	wr(&fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_SET);
	wr(&fx, CMOS_CENTURY, 0x99);
	wr(&fx, CMOS_YEAR, 0x99);
	wr(&fx, CMOS_MONTH, 0x12);
	wr(&fx, CMOS_DAY, 0x31);
	wr(&fx, CMOS_HOURS, 0x23);
	wr(&fx, CMOS_MINUTES, 0x59);
	wr(&fx, CMOS_SECONDS, 0x59);
	wr(&fx, CMOS_REG_B, CMOS_B_24H);
	assert_int_equal(rd(&fx, CMOS_YEAR), 0x99);
	cmos_destroy(fx.cmos);
}

/* host->set_irq NULL: the edges are still counted, nothing is called. */
static void test_cmos_no_set_irq_callback(void **state)
{
	struct fixture fx;
	struct vmm_host host;

	memset(&fx, 0, sizeof(fx));
	fx.fake.now = T_LEAPDAY;
	fx.fake.ns = T0_NS;
	host = (struct vmm_host){ .ctx = &fx.fake, .clock_ns = fake_clock };
	assert_int_equal(cmos_create(&host, 0, 0, 1, &fx.cmos), 0);
	fx.dev = cmos_device(fx.cmos);
	wr(&fx, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	at(&fx, SEC);
	assert_int_equal(cmos_update(fx.cmos), 1);
	assert_counts(&fx, 1, 0);
	assert_int_equal(rd(&fx, CMOS_REG_C), 0xD0);	/* PF too */
	assert_int_equal(rd(&fx, CMOS_YEAR), 0x70);	/* epoch + 1 s */
	assert_int_equal(rd(&fx, CMOS_SECONDS), 0x01);
	cmos_destroy(fx.cmos);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define TC(name) cmocka_unit_test_setup_teardown(name, setup_clocked, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmos_create_rejects_bad_config),
		cmocka_unit_test(test_cmos_memory_128m),
		cmocka_unit_test(test_cmos_memory_8m),
		cmocka_unit_test(test_cmos_memory_2g),
		cmocka_unit_test(test_cmos_memory_3g),
		cmocka_unit_test(test_cmos_memory_5g),
		cmocka_unit_test(test_cmos_memory_above_4g_capped),
		T(test_cmos_status_registers),
		T(test_cmos_bcd_time),
		T(test_cmos_binary_time),
		T(test_cmos_12_hour),
		T(test_cmos_before_epoch),
		T(test_cmos_extreme_wallclock_clamped),
		T(test_cmos_nmi_bit_masked),
		T(test_cmos_word_access),
		T(test_cmos_set_time),
		T(test_cmos_set_time_12h_binary),
		T(test_cmos_invalid_date_ignored),
		T(test_cmos_reset),
		cmocka_unit_test(test_cmos_no_wallclock),
		cmocka_unit_test(test_cmos_periodic_rate_table),
		TC(test_cmos_periodic_rs0_none),
		TC(test_cmos_periodic_other_time_bases_none),
		TC(test_cmos_pf_lazy_without_pie),
		TC(test_cmos_pie_raises_at_deadline),
		TC(test_cmos_reg_c_read_clears_and_lowers),
		TC(test_cmos_coalescing),
		TC(test_cmos_uf_once_per_second),
		TC(test_cmos_uie_interrupt),
		TC(test_cmos_time_read_after_uf),
		TC(test_cmos_uip_window),
		TC(test_cmos_alarm_match),
		TC(test_cmos_alarm_dont_care),
		TC(test_cmos_alarm_every_second),
		TC(test_cmos_alarm_lazy_without_aie),
		TC(test_cmos_alarm_binary_12h),
		TC(test_cmos_alarm_impossible_never),
		TC(test_cmos_set_inhibits_updates),
		TC(test_cmos_divider_stopped),
		TC(test_cmos_divider_restart_linux_set_time),
		TC(test_cmos_enable_pie_while_pf_set),
		TC(test_cmos_clear_enable_lowers_irqf),
		TC(test_cmos_enable_raise_then_fold_counts),
		TC(test_cmos_reset_clears_interrupts),
		TC(test_cmos_deadline_never_when_nothing_enabled),
		TC(test_cmos_irq_counts),
		cmocka_unit_test(test_cmos_alarm_next_exhaustive),
		cmocka_unit_test(test_cmos_no_clock_no_interrupts),
		cmocka_unit_test(test_cmos_clock_far_future),
		cmocka_unit_test(test_cmos_no_set_irq_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
