// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for devices/pit: the 8254's six modes, byte access, latches,
 * read-back, GATE through port 0x61, and the IRQ 0 deadline contract.
 * Section names refer to the Intel 8254 datasheet (231164).
 *
 * Time: the PIT's input clock edge k is at k / 1193182 s after creation.
 * at(fx, k) puts the fake clock on the first whole ns at which edge k has
 * happened (computed here with 128-bit arithmetic, independently of the
 * device's split arithmetic), so an access there acts between edges k and
 * k + 1.  A count written at edge k is loaded by edge k + 1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/pit/pit.h"

#define BASE_NS		1000000000ULL	/* clock_ns() at creation */
#define NEVER		UINT64_MAX
#define MAX_IRQ_LOG	16

/* Control words used below: counter << 6 | RW << 4 | mode << 1 | BCD. */
#define CW(ch, rw, mode, bcd) \
	((uint8_t)((ch) << 6 | (rw) << 4 | (mode) << 1 | (bcd)))
#define BOTH 3

struct fake {
	uint64_t now_ns;
	unsigned nirq;
	struct {
		unsigned gsi;
		int level;
	} irq[MAX_IRQ_LOG];
};

static uint64_t fake_clock(void *ctx)
{
	return ((struct fake *)ctx)->now_ns;
}

static void fake_set_irq(void *ctx, unsigned gsi, int level)
{
	struct fake *f = ctx;

	if (f->nirq < MAX_IRQ_LOG) {
		f->irq[f->nirq].gsi = gsi;
		f->irq[f->nirq].level = level;
	}
	f->nirq++;
}

struct fixture {
	struct fake fake;
	struct vmm_host host;
	struct pit *pit;
	struct vmm_device *dev;
	struct vmm_device *spk;
};

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	fx.fake.now_ns = BASE_NS;
	fx.host = (struct vmm_host){
		.ctx = &fx.fake,
		.set_irq = fake_set_irq,
		.clock_ns = fake_clock,
	};
	if (pit_create(&fx.host, &fx.pit) != 0)
		return -1;
	fx.dev = pit_device(fx.pit);
	fx.spk = pit_speaker_device(fx.pit);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	pit_destroy(fx->pit);
	return 0;
}

/* ns after creation of edge k: ceil(k * 1e9 / PIT_HZ). */
static uint64_t edge_ns(uint64_t k)
{
	unsigned __int128 x = (unsigned __int128)k * 1000000000u;

	return (uint64_t)((x + PIT_HZ - 1) / PIT_HZ);
}

static void at(struct fixture *fx, uint64_t k)
{
	fx->fake.now_ns = BASE_NS + edge_ns(k);
}

static void outb(struct fixture *fx, uint64_t off, uint8_t v)
{
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, off, &v, 1), 0);
}

static uint8_t inb(struct fixture *fx, uint64_t off)
{
	uint8_t v = 0;

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, off, &v, 1), 0);
	return v;
}

static void spk_out(struct fixture *fx, uint8_t v)
{
	assert_int_equal(fx->spk->ops->write(fx->spk->opaque, 0, &v, 1), 0);
}

static uint8_t spk_in(struct fixture *fx)
{
	uint8_t v = 0;

	assert_int_equal(fx->spk->ops->read(fx->spk->opaque, 0, &v, 1), 0);
	return v;
}

/* Program counter (ch) with (cw) and, for LSB-then-MSB, count (n). */
static void program(struct fixture *fx, unsigned ch, uint8_t cw, uint16_t n)
{
	outb(fx, PIT_CONTROL, cw);
	outb(fx, ch, (uint8_t)n);
	outb(fx, ch, (uint8_t)(n >> 8));
}

/* Counter latch command, then LSB and MSB ("Counter Latch Command"). */
static uint16_t count(struct fixture *fx, unsigned ch)
{
	uint16_t v;

	outb(fx, PIT_CONTROL, (uint8_t)(ch << 6));
	v = inb(fx, ch);
	return (uint16_t)(v | inb(fx, ch) << 8);
}

/* Read-back command latching the status only ("Read-Back Command"). */
static uint8_t status(struct fixture *fx, unsigned ch)
{
	outb(fx, PIT_CONTROL, (uint8_t)(0xE0 | 2u << ch));
	return inb(fx, ch);
}

static bool out(struct fixture *fx, unsigned ch)
{
	return status(fx, ch) & 0x80;
}

static uint64_t deadline(struct fixture *fx)
{
	return pit_deadline(fx->pit);
}

static void assert_one_edge(struct fixture *fx)
{
	assert_int_equal(fx->fake.nirq, 2);
	assert_int_equal(fx->fake.irq[0].gsi, 0);
	assert_int_equal(fx->fake.irq[0].level, 1);
	assert_int_equal(fx->fake.irq[1].gsi, 0);
	assert_int_equal(fx->fake.irq[1].level, 0);
}

/* ---- create, power-on ------------------------------------------------- */

static void test_pit_create_requires_clock(void **state)
{
	struct vmm_host host = { 0 };
	struct pit *pit = NULL;

	assert_int_equal(pit_create(&host, &pit), -EINVAL);
	assert_int_equal(pit_create(NULL, &pit), -EINVAL);
	host.clock_ns = fake_clock;
	assert_int_equal(pit_create(&host, NULL), -EINVAL);
	assert_null(pit);
	pit_destroy(NULL);
}

/* Control words are undefined at power-on; ours: LSB/MSB, mode 0, binary,
 * no count (status 0x70: OUT low, NULL COUNT), port 0x61 = 0. */
static void test_pit_power_on_state(void **state)
{
	struct fixture *fx = *state;
	uint64_t raised = 1, coalesced = 1;

	for (unsigned ch = 0; ch < 3; ch++)
		assert_int_equal(status(fx, ch), 0x70);
	assert_int_equal(spk_in(fx), 0x00);
	assert_int_equal(count(fx, 0), 0);
	assert_true(deadline(fx) == NEVER);
	at(fx, 1000000);
	assert_int_equal(pit_update(fx->pit), 0);
	assert_int_equal(fx->fake.nirq, 0);
	pit_irq_counts(fx->pit, &raised, &coalesced);
	assert_int_equal(raised, 0);
	assert_int_equal(coalesced, 0);
	assert_int_equal(inb(fx, PIT_CONTROL), 0xFF);	/* no-op read */
}

/* ---- modes ------------------------------------------------------------ */

/* "Mode 0: Interrupt on Terminal Count": loaded on the next CLK, OUT high
 * N + 1 CLKs after the write, then the count wraps and keeps going. */
static void test_pit_mode0_count_and_out(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 0), 100);
	assert_int_equal(count(fx, 0), 0);	/* not loaded yet */
	assert_false(out(fx, 0));
	at(fx, 1);
	assert_int_equal(count(fx, 0), 100);
	at(fx, 50);
	assert_int_equal(count(fx, 0), 51);
	at(fx, 100);
	assert_int_equal(count(fx, 0), 1);
	assert_int_equal(status(fx, 0), 0x30);
	at(fx, 101);
	assert_int_equal(count(fx, 0), 0);
	assert_int_equal(status(fx, 0), 0xB0);
	at(fx, 102);
	assert_int_equal(count(fx, 0), 0xFFFF);
	assert_true(out(fx, 0));
	at(fx, 70000);
	assert_true(out(fx, 0));	/* high until reprogrammed */
}

static void test_pit_mode0_irq_once(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 0), 100);
	/* Edge 101 = ceil(101e9 / 1193182) ns = 84648 ns. */
	assert_int_equal(deadline(fx), BASE_NS + 84648);
	fx->fake.now_ns = BASE_NS + 84647;
	assert_int_equal(pit_update(fx->pit), 0);
	fx->fake.now_ns = BASE_NS + 84648;
	assert_int_equal(pit_update(fx->pit), 1);
	assert_one_edge(fx);
	assert_true(deadline(fx) == NEVER);
	at(fx, 200000);
	assert_int_equal(pit_update(fx->pit), 0);
	assert_int_equal(fx->fake.nirq, 2);
}

/* Mode 0, two-byte count: "Writing the first byte disables counting. OUT
 * is set low immediately"; the second byte loads on the next CLK. */
static void test_pit_mode0_first_byte_stops_counting(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 0), 5);
	at(fx, 6);
	assert_true(out(fx, 0));
	outb(fx, 0, 10);
	assert_int_equal(status(fx, 0), 0x30);	/* OUT low */
	at(fx, 20);
	assert_int_equal(count(fx, 0), 0);	/* held where it was */
	assert_true(deadline(fx) == NEVER);
	outb(fx, 0, 0);
	assert_int_equal(status(fx, 0), 0x70);	/* NULL COUNT until loaded */
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(31));
	at(fx, 21);
	assert_int_equal(count(fx, 0), 10);
}

/* "Minimum and Maximum Initial Counts": 0 is 2^16 in binary. */
static void test_pit_count0_is_65536(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 0), 0);
	at(fx, 1);
	assert_int_equal(count(fx, 0), 0);
	at(fx, 2);
	assert_int_equal(count(fx, 0), 0xFFFF);
	at(fx, 65536);
	assert_false(out(fx, 0));
	assert_int_equal(deadline(fx), BASE_NS + 54926240);	/* edge 65537 */
	at(fx, 65537);
	assert_true(out(fx, 0));
}

/* "Mode 1: Hardware Retriggerable One-Shot" on counter 2 (GATE = port
 * 0x61 bit 0): OUT low on the CLK after a trigger, for N CLKs after the
 * last trigger. */
static void test_pit_mode1_retriggerable_one_shot(void **state)
{
	struct fixture *fx = *state;

	program(fx, 2, CW(2, BOTH, 1, 0), 5);
	assert_int_equal(status(fx, 2), 0xF2);	/* OUT high, NULL COUNT */
	at(fx, 10);
	assert_int_equal(status(fx, 2), 0xF2);	/* not triggered: no load */
	spk_out(fx, PIT_SPK_GATE2);		/* trigger */
	assert_true(out(fx, 2));
	at(fx, 11);
	assert_int_equal(status(fx, 2), 0x32);	/* OUT low, loaded */
	assert_int_equal(count(fx, 2), 5);
	at(fx, 13);
	assert_int_equal(count(fx, 2), 3);
	spk_out(fx, 0);				/* retrigger */
	spk_out(fx, PIT_SPK_GATE2);
	at(fx, 14);
	assert_int_equal(count(fx, 2), 5);
	at(fx, 18);
	assert_false(out(fx, 2));
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, 0);
	at(fx, 19);
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, PIT_SPK_OUT2);
	assert_int_equal(count(fx, 2), 0);
	/* Counter 2 never drives IRQ 0. */
	assert_true(deadline(fx) == NEVER);
}

/* "Mode 2: Rate Generator": N, N-1, ..., 1 (OUT low for that clock), and
 * N again: periodic. */
static void test_pit_mode2_waveform(void **state)
{
	struct fixture *fx = *state;
	static const uint16_t ce[] = { 4, 3, 2, 1, 4, 3, 2, 1 };
	static const bool level[] = { 1, 1, 1, 0, 1, 1, 1, 0 };

	program(fx, 0, CW(0, BOTH, 2, 0), 4);
	assert_true(out(fx, 0));
	for (unsigned k = 1; k <= 8; k++) {
		at(fx, k);
		assert_int_equal(count(fx, 0), ce[k - 1]);
		assert_int_equal(out(fx, 0), level[k - 1]);
	}
}

/*
 * Mode 2 periodic IRQ 0: rising edges of OUT at edges 1 + kN.  N = 1193
 * (Linux's LATCH for HZ = 1000) gives edges 1194, 2387, 3580, 4773 at
 * 1000686, 2000534, 3000381, 4000228 ns: exactly N ticks apart, each
 * rounded up to a whole ns, so the intervals are 999848 or 999847 ns.
 */
static void test_pit_mode2_periodic_deadlines(void **state)
{
	struct fixture *fx = *state;
	static const uint64_t want[] = { 1000686, 2000534, 3000381, 4000228 };
	uint64_t raised, coalesced;

	program(fx, 0, CW(0, BOTH, 2, 0), 1193);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(deadline(fx), BASE_NS + want[i]);
		assert_int_equal(want[i], edge_ns(1 + 1193 * (i + 1)));
		fx->fake.now_ns = BASE_NS + want[i] - 1;
		assert_int_equal(pit_update(fx->pit), 0);
		fx->fake.now_ns = BASE_NS + want[i];
		assert_int_equal(pit_update(fx->pit), 1);
	}
	assert_int_equal(fx->fake.nirq, 8);
	pit_irq_counts(fx->pit, &raised, &coalesced);
	assert_int_equal(raised, 4);
	assert_int_equal(coalesced, 0);
}

/* Mode 2: "Writing a new count while counting does not affect the current
 * counting sequence ... the new count will be loaded at the end of the
 * current counting cycle". */
static void test_pit_mode2_new_count_at_period_end(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 2, 0), 10);
	at(fx, 3);
	outb(fx, 0, 4);
	outb(fx, 0, 0);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(11));
	at(fx, 10);
	assert_int_equal(count(fx, 0), 1);
	assert_int_equal(status(fx, 0), 0x74);	/* low, new count waiting */
	at(fx, 11);
	assert_int_equal(count(fx, 0), 4);
	assert_int_equal(status(fx, 0), 0xB4);
	assert_int_equal(pit_update(fx->pit), 1);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(15));
	at(fx, 15);
	assert_int_equal(pit_update(fx->pit), 1);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(19));
}

/* "Mode 3: Square Wave Mode", even count: decrement by two, OUT toggles
 * each time the count expires. */
static void test_pit_mode3_even(void **state)
{
	struct fixture *fx = *state;
	static const uint16_t ce[] = { 6, 4, 2, 6, 4, 2, 6 };
	static const bool level[] = { 1, 1, 1, 0, 0, 0, 1 };

	program(fx, 0, CW(0, BOTH, 3, 0), 6);
	for (unsigned k = 1; k <= 7; k++) {
		at(fx, k);
		assert_int_equal(count(fx, 0), ce[k - 1]);
		assert_int_equal(out(fx, 0), level[k - 1]);
	}
}

/* Mode 3, odd count: N - 1 loaded, OUT high (N + 1) / 2 clocks (one more
 * after the count expires) and low (N - 1) / 2. */
static void test_pit_mode3_odd(void **state)
{
	struct fixture *fx = *state;
	static const uint16_t ce[] = { 4, 2, 0, 4, 2, 4, 2, 0, 4 };
	static const bool level[] = { 1, 1, 1, 0, 0, 1, 1, 1, 0 };

	program(fx, 0, CW(0, BOTH, 3, 0), 5);
	for (unsigned k = 1; k <= 9; k++) {
		at(fx, k);
		assert_int_equal(count(fx, 0), ce[k - 1]);
		assert_int_equal(out(fx, 0), level[k - 1]);
	}
}

/* Mode 3: a new count is "loaded at the end of the current half-cycle";
 * ending a high half, the new count starts with its low half. */
static void test_pit_mode3_new_count_at_half_period(void **state)
{
	struct fixture *fx = *state;
	static const uint16_t ce[] = { 8, 6, 4, 2, 6, 4, 2, 6, 4, 2, 6 };
	static const bool level[] = { 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0 };

	program(fx, 0, CW(0, BOTH, 3, 0), 8);
	for (unsigned k = 1; k <= 11; k++) {
		at(fx, k);
		if (k == 2) {
			outb(fx, 0, 6);
			outb(fx, 0, 0);
			/* The first rising edge is the new count's. */
			assert_int_equal(deadline(fx), BASE_NS + edge_ns(8));
		}
		if (k == 8) {
			assert_int_equal(pit_update(fx->pit), 1);
			assert_int_equal(deadline(fx), BASE_NS + edge_ns(14));
		}
		assert_int_equal(count(fx, 0), ce[k - 1]);
		assert_int_equal(out(fx, 0), level[k - 1]);
	}
}

/* OVMF's 8254TimerDxe programs 0x36 (counter 0, mode 3): IRQ 0 at each
 * rising edge, every N clocks, like mode 2. */
static void test_pit_mode3_periodic_irq(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, 0x36, 1193);
	assert_int_equal(deadline(fx), BASE_NS + 1000686);
	fx->fake.now_ns = BASE_NS + 1000686;
	assert_int_equal(pit_update(fx->pit), 1);
	assert_one_edge(fx);
	assert_int_equal(deadline(fx), BASE_NS + 2000534);
}

/* "Mode 4: Software Triggered Strobe": OUT low for one clock N + 1 CLKs
 * after the write; rising edge (IRQ 0) one clock later; no repeat. */
static void test_pit_mode4_strobe(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 4, 0), 3);
	at(fx, 1);
	assert_int_equal(count(fx, 0), 3);
	assert_true(out(fx, 0));
	at(fx, 4);
	assert_int_equal(count(fx, 0), 0);
	assert_false(out(fx, 0));
	assert_int_equal(deadline(fx), BASE_NS + 4191);		/* edge 5 */
	at(fx, 5);
	assert_true(out(fx, 0));
	assert_int_equal(count(fx, 0), 0xFFFF);
	assert_int_equal(pit_update(fx->pit), 1);
	assert_true(deadline(fx) == NEVER);
}

/* "Mode 5: Hardware Triggered Strobe (Retriggerable)": nothing until a
 * GATE rising edge; OUT strobes low N + 1 CLKs after it. */
static void test_pit_mode5_gate_trigger(void **state)
{
	struct fixture *fx = *state;

	program(fx, 2, CW(2, BOTH, 5, 0), 3);
	at(fx, 20);
	assert_true(out(fx, 2));
	assert_int_equal(status(fx, 2) & 0x40, 0x40);	/* not loaded */
	spk_out(fx, PIT_SPK_GATE2);
	at(fx, 23);
	assert_int_equal(count(fx, 2), 1);
	assert_true(out(fx, 2));
	at(fx, 24);
	assert_false(out(fx, 2));
	at(fx, 25);
	assert_true(out(fx, 2));
	assert_int_equal(count(fx, 2), 0xFFFF);
}

/* "Control Word Format": M2 M1 M0 = 110 is mode 2, 111 is mode 3; the
 * status byte echoes the bits as written. */
static void test_pit_modes_6_7_alias(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 6, 0), 4);
	assert_int_equal(status(fx, 0), 0xFC);
	at(fx, 4);
	assert_false(out(fx, 0));
	assert_int_equal(count(fx, 0), 1);
	at(fx, 5);
	assert_int_equal(count(fx, 0), 4);
	program(fx, 1, CW(1, BOTH, 7, 0), 6);
	at(fx, 5 + 4);
	assert_int_equal(status(fx, 1), 0x3E);	/* low half of mode 3 */
	assert_int_equal(count(fx, 1), 6);
}

/* ---- BCD and byte access ------------------------------------------- */

/* BCD = 1: four decades; 0 is 10^4 ("Minimum and Maximum Initial
 * Counts"). */
static void test_pit_bcd_counting(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 1), 0x0100);	/* 100 */
	at(fx, 1);
	assert_int_equal(count(fx, 0), 0x0100);
	at(fx, 2);
	assert_int_equal(count(fx, 0), 0x0099);
	assert_int_equal(deadline(fx), BASE_NS + 84648);	/* edge 101 */
	at(fx, 101);
	assert_int_equal(count(fx, 0), 0x0000);
	assert_true(out(fx, 0));
	at(fx, 102);
	assert_int_equal(count(fx, 0), 0x9999);
	program(fx, 0, CW(0, BOTH, 0, 1), 0);			/* 10000 */
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(102 + 10001));
	at(fx, 104);
	assert_int_equal(count(fx, 0), 0x9999);
}

/* Digits above 9 are not BCD; pit.h: they count as 9. */
static void test_pit_bcd_bad_digits(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 1), 0x00FA);	/* taken as 99 */
	at(fx, 1);
	assert_int_equal(count(fx, 0), 0x0099);
	at(fx, 100);
	assert_int_equal(count(fx, 0), 0x0000);
	assert_true(out(fx, 0));
	program(fx, 0, CW(0, BOTH, 3, 1), 0xFFFF);	/* 9999, mode 3 */
	at(fx, 101);
	assert_int_equal(count(fx, 0), 0x9998);
	at(fx, 102);
	assert_int_equal(count(fx, 0), 0x9996);
}

/* RW = 01 / 10: one byte, the other half of the count is 0 ("Write
 * Operations", "Read Operations"). */
static void test_pit_lsb_only_msb_only(void **state)
{
	struct fixture *fx = *state;

	outb(fx, PIT_CONTROL, CW(0, 1, 0, 0));
	outb(fx, 0, 0x20);			/* count 0x0020, complete */
	at(fx, 1);
	assert_int_equal(inb(fx, 0), 0x20);
	assert_int_equal(inb(fx, 0), 0x20);
	at(fx, 2);
	assert_int_equal(inb(fx, 0), 0x1F);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(33));
	outb(fx, PIT_CONTROL, CW(1, 2, 2, 0));
	outb(fx, 1, 0x01);			/* count 0x0100 */
	at(fx, 3);
	assert_int_equal(inb(fx, 1), 0x01);
	at(fx, 4);
	assert_int_equal(inb(fx, 1), 0x00);	/* 0x00FF */
	assert_int_equal(status(fx, 1), 0xA4);
}

/* RW = 11: reads alternate LSB, MSB; reads and writes of one counter may
 * interleave ("Read Operations": read LSB, write LSB, read MSB, write
 * MSB). */
static void test_pit_lsb_msb_interleaved(void **state)
{
	struct fixture *fx = *state;

	program(fx, 1, CW(1, BOTH, 2, 0), 0x0300);
	at(fx, 1);
	assert_int_equal(inb(fx, 1), 0x00);
	outb(fx, 1, 0x10);			/* no effect in mode 2 */
	assert_int_equal(inb(fx, 1), 0x03);
	assert_int_equal(status(fx, 1), 0xB4);	/* still loaded */
	outb(fx, 1, 0x00);			/* count 0x0010 waits */
	assert_int_equal(status(fx, 1), 0xF4);
	at(fx, 2);
	assert_int_equal(inb(fx, 1), 0xFF);
	assert_int_equal(inb(fx, 1), 0x02);
	at(fx, 0x301);				/* end of the period */
	assert_int_equal(count(fx, 1), 0x0010);
	assert_int_equal(status(fx, 1), 0xB4);
}

/* ---- latches, read-back, NULL COUNT --------------------------------- */

/* "Counter Latch Command": the count is held until read, both bytes. */
static void test_pit_latch_freezes_count(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	at(fx, 10);
	outb(fx, PIT_CONTROL, 0x00);
	at(fx, 500);
	assert_int_equal(inb(fx, 0), 991 & 0xFF);
	at(fx, 600);
	assert_int_equal(inb(fx, 0), 991 >> 8);
	/* Released: the live count again. */
	assert_int_equal(inb(fx, 0), (1000 - 599) & 0xFF);
	assert_int_equal(inb(fx, 0), (1000 - 599) >> 8);
}

/* "If a Counter is latched and then, some time later, latched again
 * before the count is read, the second Counter Latch Command is ignored."
 */
static void test_pit_double_latch_ignored(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	at(fx, 10);
	outb(fx, PIT_CONTROL, 0x00);
	at(fx, 20);
	outb(fx, PIT_CONTROL, 0x00);
	at(fx, 30);
	assert_int_equal(inb(fx, 0), 991 & 0xFF);
	outb(fx, PIT_CONTROL, 0x00);		/* still ignored: MSB unread */
	assert_int_equal(inb(fx, 0), 991 >> 8);
	at(fx, 40);
	assert_int_equal(count(fx, 0), 961);
}

/* "Read-Back Command": one command latches count and status of several
 * counters; each reads status first, then the count. */
static void test_pit_readback_status_and_count(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	program(fx, 2, CW(2, BOTH, 0, 0), 50);	/* GATE low: loaded, held */
	at(fx, 10);
	outb(fx, PIT_CONTROL, 0xC0 | 0x02 | 0x08);
	at(fx, 20);
	assert_int_equal(inb(fx, 0), 0xB4);
	assert_int_equal(inb(fx, 0), 991 & 0xFF);
	assert_int_equal(inb(fx, 0), 991 >> 8);
	assert_int_equal(inb(fx, 2), 0x30);
	assert_int_equal(inb(fx, 2), 50);
	assert_int_equal(inb(fx, 2), 0);
	/* Count only (STATUS bit 1), counter 0. */
	outb(fx, PIT_CONTROL, 0xD2);
	at(fx, 30);
	assert_int_equal(inb(fx, 0), 981 & 0xFF);
	assert_int_equal(inb(fx, 0), 981 >> 8);
	/* A second status latch before the read is ignored. */
	status(fx, 1);				/* (counter 1: discard) */
	outb(fx, PIT_CONTROL, 0xE2);
	at(fx, 1000);				/* OUT low now */
	outb(fx, PIT_CONTROL, 0xE2);
	assert_int_equal(inb(fx, 0), 0xB4);
	assert_false(out(fx, 0));
}

/* "If both count and status of a counter are latched, the first read
 * operation of that counter will return the latched status, regardless of
 * which was latched first." */
static void test_pit_readback_status_first(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 0, 0), 100);
	at(fx, 10);
	outb(fx, PIT_CONTROL, 0x00);		/* count: 91 */
	at(fx, 20);
	outb(fx, PIT_CONTROL, 0xE2);		/* status */
	assert_int_equal(inb(fx, 0), 0x30);
	assert_int_equal(inb(fx, 0), 91);
	assert_int_equal(inb(fx, 0), 0);
	assert_int_equal(inb(fx, 0), 81);	/* live */
}

/* "Null Count Operation": set by a control word and by a complete count
 * write (the second byte of two), cleared when CR is loaded into CE. */
static void test_pit_null_count(void **state)
{
	struct fixture *fx = *state;

	outb(fx, PIT_CONTROL, CW(0, BOTH, 2, 0));
	assert_int_equal(status(fx, 0), 0xF4);
	outb(fx, 0, 10);
	assert_int_equal(status(fx, 0), 0xF4);
	outb(fx, 0, 0);
	assert_int_equal(status(fx, 0), 0xF4);	/* until the next CLK */
	at(fx, 1);
	assert_int_equal(status(fx, 0), 0xB4);
	outb(fx, 0, 7);
	assert_int_equal(status(fx, 0), 0xB4);	/* first byte: unchanged */
	outb(fx, 0, 0);
	assert_int_equal(status(fx, 0), 0xF4);	/* waits for edge 11 */
	at(fx, 10);
	assert_int_equal(status(fx, 0), 0x74);
	at(fx, 11);
	assert_int_equal(status(fx, 0), 0xB4);
	/* Mode 1: loaded only by a trigger. */
	program(fx, 2, CW(2, BOTH, 1, 0), 9);
	at(fx, 100);
	assert_int_equal(status(fx, 2), 0xF2);
}

/* ---- GATE (counter 2, port 0x61) ------------------------------------- */

/* "Gate Pin Operations Summary", mode 0: GATE low disables counting,
 * OUT unaffected; high again resumes. */
static void test_pit_gate_stops_mode0(void **state)
{
	struct fixture *fx = *state;

	spk_out(fx, PIT_SPK_GATE2);
	program(fx, 2, CW(2, BOTH, 0, 0), 10);
	at(fx, 4);
	assert_int_equal(count(fx, 2), 7);
	spk_out(fx, 0);
	at(fx, 20);
	assert_int_equal(count(fx, 2), 7);
	assert_false(out(fx, 2));
	spk_out(fx, PIT_SPK_GATE2);
	at(fx, 26);
	assert_int_equal(count(fx, 2), 1);
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, 0);
	at(fx, 27);
	assert_int_equal(count(fx, 2), 0);
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, PIT_SPK_OUT2);
	/* GATE low before the load edge: "it will still be loaded on the
	 * next CLK pulse", and then held. */
	program(fx, 2, CW(2, BOTH, 0, 0), 10);
	spk_out(fx, 0);
	at(fx, 28);
	assert_int_equal(count(fx, 2), 10);
	assert_int_equal(status(fx, 2), 0x30);
	at(fx, 40);
	assert_int_equal(count(fx, 2), 10);
}

/* Mode 2: GATE low during the low pulse sets OUT high at once and stops
 * the count; the rising edge reloads N on the next CLK. */
static void test_pit_gate_mode2_out_high_and_restart(void **state)
{
	struct fixture *fx = *state;

	spk_out(fx, PIT_SPK_GATE2);
	program(fx, 2, CW(2, BOTH, 2, 0), 4);
	at(fx, 4);
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, 0);
	spk_out(fx, 0);
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, PIT_SPK_OUT2);
	at(fx, 8);
	assert_int_equal(count(fx, 2), 1);
	assert_true(out(fx, 2));
	at(fx, 10);
	spk_out(fx, PIT_SPK_GATE2);		/* trigger */
	assert_int_equal(count(fx, 2), 1);
	at(fx, 11);
	assert_int_equal(count(fx, 2), 4);
	at(fx, 14);
	assert_false(out(fx, 2));
	at(fx, 15);
	assert_true(out(fx, 2));
}

/*
 * TSC calibration as the brief describes OVMF's: counter 2 programmed in
 * mode 0 with GATE low (loaded, not counting), then GATE high through
 * port 0x61, then poll bit 5.  Mode 0: "When GATE goes high, OUT will go
 * high N CLK pulses later".  10 ms = 11932 clocks.
 */
static void test_pit_tsc_calibration_gate_after_program(void **state)
{
	struct fixture *fx = *state;
	unsigned polls = 0;

	program(fx, 2, CW(2, BOTH, 0, 0), 11932);
	at(fx, 100);
	spk_out(fx, (uint8_t)((spk_in(fx) & ~PIT_SPK_DATA) | PIT_SPK_GATE2));
	while (!(spk_in(fx) & PIT_SPK_OUT2)) {
		fx->fake.now_ns += 1000;	/* one poll per us */
		polls++;
		assert_true(polls < 20000);
	}
	assert_true(fx->fake.now_ns >= BASE_NS + edge_ns(100 + 11932));
	assert_true(fx->fake.now_ns < BASE_NS + edge_ns(100 + 11932) + 1000);
	at(fx, 100 + 11931);
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, 0);
	at(fx, 100 + 11932);
	assert_int_equal(spk_in(fx), PIT_SPK_GATE2 | PIT_SPK_OUT2 |
			 ((100 + 11932) / 18 % 2 ? PIT_SPK_REFRESH : 0));
	assert_true(deadline(fx) == NEVER);	/* counter 2: no IRQ */
}

/* Linux's pit_calibrate_tsc() order: GATE high first, then 0xB0 and the
 * count; OUT high N + 1 clocks after the write (10000989 ns). */
static void test_pit_tsc_calibration_linux_order(void **state)
{
	struct fixture *fx = *state;

	spk_out(fx, (uint8_t)((spk_in(fx) & ~PIT_SPK_DATA) | PIT_SPK_GATE2));
	program(fx, 2, 0xB0, 11932);
	fx->fake.now_ns = BASE_NS + 10000988;
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, 0);
	fx->fake.now_ns = BASE_NS + 10000989;
	assert_int_equal(spk_in(fx) & PIT_SPK_OUT2, PIT_SPK_OUT2);
}

/* ---- the deadline contract ------------------------------------------- */

/* Late by 4.5 periods: one IRQ, four coalesced, next deadline ahead. */
static void test_pit_late_update_coalesces(void **state)
{
	struct fixture *fx = *state;
	uint64_t raised, coalesced;

	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(1001));
	at(fx, 5501);		/* edges 1001, 2001, 3001, 4001, 5001 passed */
	assert_int_equal(pit_update(fx->pit), 1);
	assert_one_edge(fx);
	pit_irq_counts(fx->pit, &raised, &coalesced);
	assert_int_equal(raised, 1);
	assert_int_equal(coalesced, 4);
	assert_int_equal(deadline(fx), BASE_NS + 5029409);	/* edge 6001 */
	assert_true(deadline(fx) > fx->fake.now_ns);
	assert_int_equal(pit_update(fx->pit), 0);
	assert_int_equal(fx->fake.nirq, 2);
}

/* A late run loop, then a new mode 2 count (no control word): the edges
 * already passed are still delivered (coalesced), then the new count's. */
static void test_pit_late_update_across_new_count(void **state)
{
	struct fixture *fx = *state;
	uint64_t raised, coalesced;

	program(fx, 0, CW(0, BOTH, 2, 0), 10);
	at(fx, 25);			/* edges 11 and 21 not delivered */
	outb(fx, 0, 4);
	outb(fx, 0, 0);			/* taken at edge 31 */
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(11));
	assert_int_equal(pit_update(fx->pit), 1);
	pit_irq_counts(fx->pit, &raised, &coalesced);
	assert_int_equal(raised, 1);
	assert_int_equal(coalesced, 1);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(31));
	at(fx, 40);			/* edges 31, 35, 39: two more missed */
	assert_int_equal(pit_update(fx->pit), 1);
	pit_irq_counts(fx->pit, &raised, &coalesced);
	assert_int_equal(raised, 2);
	assert_int_equal(coalesced, 3);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(43));
}

static void test_pit_update_early_is_noop(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	at(fx, 1000);
	assert_int_equal(pit_update(fx->pit), 0);
	assert_int_equal(fx->fake.nirq, 0);
	at(fx, 1001);
	assert_int_equal(pit_update(fx->pit), 1);
}

/* A control word stops the counter: the old deadline goes; the new count
 * gives a new one (N + 1 after the write, mode 0). */
static void test_pit_reprogram_cancels_deadline(void **state)
{
	struct fixture *fx = *state;

	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	assert_int_equal(deadline(fx), BASE_NS + edge_ns(1001));
	at(fx, 500);
	outb(fx, PIT_CONTROL, CW(0, BOTH, 0, 0));
	assert_true(deadline(fx) == NEVER);
	outb(fx, 0, 10);
	assert_true(deadline(fx) == NEVER);	/* first byte: halted */
	outb(fx, 0, 0);
	assert_int_equal(deadline(fx), BASE_NS + 428267);	/* edge 511 */
	at(fx, 1001);
	assert_int_equal(pit_update(fx->pit), 1);
	assert_true(deadline(fx) == NEVER);
}

/*
 * 30 days: ns * 1193182 is 3.1e21, far past 2^64; the split arithmetic
 * must give exact edges.  Edge 3092727744000 is at exactly 30 days; a
 * 10 ms mode 2 period programmed there fires at edges +11933, +23865.
 */
static void test_pit_thirty_days_no_overflow(void **state)
{
	struct fixture *fx = *state;
	const uint64_t days30 = 30ULL * 86400 * 1000000000;
	const uint64_t t0 = 3092727744000ULL;

	fx->fake.now_ns = BASE_NS + days30;
	program(fx, 0, CW(0, BOTH, 2, 0), 11932);
	assert_int_equal(deadline(fx), BASE_NS + 2592000010000989ULL);
	fx->fake.now_ns = BASE_NS + 2592000010000989ULL;
	assert_int_equal(pit_update(fx->pit), 1);
	assert_int_equal(deadline(fx), BASE_NS + 2592000020001140ULL);
	at(fx, t0 + 1 + 5000);
	assert_int_equal(count(fx, 0), 11932 - 5000);
	/* And 200 years, for good measure. */
	at(fx, 200ULL * 365 * 86400 * PIT_HZ);
	program(fx, 0, CW(0, BOTH, 0, 0), 100);
	assert_int_equal(deadline(fx),
			 BASE_NS + edge_ns(200ULL * 365 * 86400 * PIT_HZ + 101));
	at(fx, 200ULL * 365 * 86400 * PIT_HZ + 51);
	assert_int_equal(count(fx, 0), 50);
}

/* ---- port 0x61, access widths, reset -------------------------------- */

static void test_pit_speaker_port_bits(void **state)
{
	struct fixture *fx = *state;

	spk_out(fx, 0xFF);			/* bits 4-7 are read-only */
	assert_int_equal(spk_in(fx), 0x0F);
	at(fx, 18);
	assert_int_equal(spk_in(fx), 0x1F);	/* refresh toggle */
	at(fx, 36);
	assert_int_equal(spk_in(fx), 0x0F);
	outb(fx, PIT_CONTROL, CW(2, BOTH, 2, 0));
	assert_int_equal(spk_in(fx), 0x2F);	/* mode 2: OUT high */
	spk_out(fx, 0x02);
	assert_int_equal(spk_in(fx), 0x22);
}

/* Wider than a byte: the first byte acts, the others read 0xFF. */
static void test_pit_wide_and_bad_access(void **state)
{
	struct fixture *fx = *state;
	uint8_t w[4] = { CW(0, BOTH, 0, 0), 0x99, 0x99, 0x99 };
	uint8_t r[4] = { 0 };

	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 3, w, 1), 0);
	w[0] = 0xE8;
	w[1] = 0x03;
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 0, w, 2), 0);
	assert_true(deadline(fx) == NEVER);	/* only the LSB went in */
	outb(fx, 0, 0x03);			/* 1000 */
	at(fx, 1);
	outb(fx, PIT_CONTROL, 0x00);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, r, 4), 0);
	assert_memory_equal(r, ((uint8_t[]){ 0xE8, 0xFF, 0xFF, 0xFF }), 4);
	assert_int_equal(inb(fx, 0), 0x03);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 4, r, 1),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 3, r, 2),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, r, 0),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, UINT64_MAX, w,
					     1), -EINVAL);
	assert_int_equal(fx->spk->ops->read(fx->spk->opaque, 0, r, 2),
			 -EINVAL);
	assert_int_equal(fx->spk->ops->write(fx->spk->opaque, 1, w, 1),
			 -EINVAL);
	assert_null(fx->spk->ops->reset);
}

static void test_pit_reset(void **state)
{
	struct fixture *fx = *state;
	uint64_t raised, coalesced;

	spk_out(fx, 0x03);
	program(fx, 0, CW(0, BOTH, 2, 0), 1000);
	program(fx, 2, CW(2, 1, 3, 1), 0x55);
	at(fx, 1001);
	assert_int_equal(pit_update(fx->pit), 1);
	at(fx, 1500);
	outb(fx, PIT_CONTROL, 0x00);		/* a latch left pending */
	fx->dev->ops->reset(fx->dev->opaque);
	for (unsigned ch = 0; ch < 3; ch++)
		assert_int_equal(status(fx, ch), 0x70);
	assert_int_equal(count(fx, 0), 0);
	assert_int_equal(spk_in(fx), 0x00);
	assert_true(deadline(fx) == NEVER);
	pit_irq_counts(fx->pit, &raised, &coalesced);
	assert_int_equal(raised, 1);		/* statistics survive */
	/* Clock edges count from the reset now. */
	program(fx, 0, CW(0, BOTH, 0, 0), 100);
	assert_int_equal(deadline(fx), fx->fake.now_ns + 84648);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pit_create_requires_clock),
		T(test_pit_power_on_state),
		T(test_pit_mode0_count_and_out),
		T(test_pit_mode0_irq_once),
		T(test_pit_mode0_first_byte_stops_counting),
		T(test_pit_count0_is_65536),
		T(test_pit_mode1_retriggerable_one_shot),
		T(test_pit_mode2_waveform),
		T(test_pit_mode2_periodic_deadlines),
		T(test_pit_mode2_new_count_at_period_end),
		T(test_pit_mode3_even),
		T(test_pit_mode3_odd),
		T(test_pit_mode3_new_count_at_half_period),
		T(test_pit_mode3_periodic_irq),
		T(test_pit_mode4_strobe),
		T(test_pit_mode5_gate_trigger),
		T(test_pit_modes_6_7_alias),
		T(test_pit_bcd_counting),
		T(test_pit_bcd_bad_digits),
		T(test_pit_lsb_only_msb_only),
		T(test_pit_lsb_msb_interleaved),
		T(test_pit_latch_freezes_count),
		T(test_pit_double_latch_ignored),
		T(test_pit_readback_status_and_count),
		T(test_pit_readback_status_first),
		T(test_pit_null_count),
		T(test_pit_gate_stops_mode0),
		T(test_pit_gate_mode2_out_high_and_restart),
		T(test_pit_tsc_calibration_gate_after_program),
		T(test_pit_tsc_calibration_linux_order),
		T(test_pit_late_update_coalesces),
		T(test_pit_late_update_across_new_count),
		T(test_pit_update_early_is_noop),
		T(test_pit_reprogram_cancels_deadline),
		T(test_pit_thirty_days_no_overflow),
		T(test_pit_speaker_port_bits),
		T(test_pit_wide_and_bad_access),
		T(test_pit_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
