// SPDX-License-Identifier: Apache-2.0
/*
 * 8254 model (Intel 8254 datasheet, "Operational Description" and "Mode
 * Definitions").  Nothing ticks: each counter holds one *sequence*, what it
 * began at its last event (count written, GATE trigger, control word), and
 * its count and OUT are closed-form functions of the clock edges counted
 * since then.  A GATE that stops counting caps the edges counted; a count
 * that modes 2 and 3 take only "at the end of the current period" waits in
 * the counter as `pending` and becomes a new sequence at that edge.
 *
 * Edges are numbered from pit->base_ns (see pit.h); within a sequence,
 * e = 0 is the event and edge e = 1 is the "next CLK pulse" that loads the
 * count register (CR) into the counting element (CE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pit/pit.h"

#define NS_PER_SEC	1000000000ULL
#define NEVER		UINT64_MAX
#define NCOUNTERS	3
/* Port 0x61 bit 4 period in input clocks: the AT's 15.09 us refresh. */
#define REFRESH_TICKS	18

/* Control word ("Control Word Format"): SC1 SC0 RW1 RW0 M2 M1 M0 BCD. */
#define CW_SC_READBACK	3
#define CW_RW_LATCH	0
#define CW_RW_LSB	1
#define CW_RW_MSB	2
#define CW_RW_BOTH	3
#define CW_BCD		0x01
#define CW_PROGRAM	0x3F	/* RW, mode, BCD: what the status byte echoes */
/* Read-back command ("Read-Back Command"): the latch bits are active low. */
#define RB_NO_COUNT	0x20
#define RB_NO_STATUS	0x10
#define RB_COUNTER(i)	(0x02u << (i))
/* Status byte ("Status Byte"): OUTPUT, NULL COUNT, then CW bits 5-0. */
#define ST_OUTPUT	0x80
#define ST_NULL_COUNT	0x40

/* Power-on control word: LSB then MSB, mode 0, binary (see pit.h). */
#define POWER_ON_CW	0x30

#define PORT61_STORED	0x0F

struct pit_seq {
	uint64_t origin;	/* edge number at the event (e = 0) */
	uint64_t cap;		/* edges counted stop here; NEVER: free-running */
	uint32_t n;		/* count in use: 1..65536 (1..10000 BCD) */
	uint16_t ce0;		/* CE bits before the load edge */
	bool out0;		/* OUT before the load edge */
	bool start_low;		/* mode 3: the sequence begins with the low half */
};

struct pit_counter {
	struct pit_seq seq;
	uint8_t cw;		/* bits 5-0 of the last control word */
	uint8_t mode;		/* 0-5; 6 and 7 alias 2 and 3 */
	bool gate;
	bool started;		/* modes 2/3: a count is counting */
	uint32_t cr;		/* last complete count written, 0: none */
	uint64_t cr_loaded;	/* edge of the CR -> CE transfer; NEVER: unknown */
	bool pending;		/* modes 2/3: cr waits for the period's end */
	uint64_t pending_at;	/* that edge; NEVER: the next GATE trigger */
	bool pending_low;	/* mode 3: the new count starts the low half */
	uint8_t write_lsb;
	bool write_msb_next;
	bool read_msb_next;
	bool count_latched;
	uint16_t latch;
	bool status_latched;
	uint8_t status;
};

struct pit {
	struct vmm_host host;
	struct vmm_device dev;
	struct vmm_device speaker;
	uint64_t base_ns;	/* clock_ns() of edge 0 */
	uint64_t delivered;	/* OUT0 rising edges up to here are delivered */
	uint64_t raised;
	uint64_t coalesced;
	uint8_t port61;		/* the stored bits of port 0x61 */
	struct pit_counter ctr[NCOUNTERS];
};

/* ---- time ------------------------------------------------------------ */

/*
 * floor(ns * PIT_HZ / 1e9) without a 128-bit product: with ns = s * 1e9 +
 * r it is s * PIT_HZ + floor(r * PIT_HZ / 1e9) exactly, r * PIT_HZ < 2^51,
 * and s * PIT_HZ < 2^55 for every 64-bit ns (584 years).
 */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_SEC * PIT_HZ + ns % NS_PER_SEC * PIT_HZ / NS_PER_SEC;
}

/* The first whole ns at which edge (t) has happened: ceil(t * 1e9 / HZ),
 * split the same way; NEVER when that is past 2^64 ns. */
static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t ns;

	if (__builtin_mul_overflow(t / PIT_HZ, NS_PER_SEC, &ns))
		return NEVER;
	if (__builtin_add_overflow(ns, (t % PIT_HZ * NS_PER_SEC + PIT_HZ - 1) /
				       PIT_HZ, &ns))
		return NEVER;
	return ns;
}

static uint64_t pit_now(const struct pit *pit)
{
	uint64_t ns = pit->host.clock_ns(pit->host.ctx);

	return ns > pit->base_ns ? ns_to_ticks(ns - pit->base_ns) : 0;
}

/* ---- count values ---------------------------------------------------- */

static bool is_bcd(const struct pit_counter *c)
{
	return c->cw & CW_BCD;
}

static uint32_t modulus(const struct pit_counter *c)
{
	return is_bcd(c) ? 10000 : 65536;
}

/* A written count; 0 is the maximum ("Minimum and Maximum Initial
 * Counts").  BCD digits above 9 are taken as 9 (pit.h). */
static uint32_t count_decode(uint16_t raw, bool bcd)
{
	uint32_t v = 0;

	if (!bcd)
		return raw ? raw : 65536;
	for (int shift = 12; shift >= 0; shift -= 4) {
		uint32_t d = (raw >> shift) & 0xF;

		v = v * 10 + (d > 9 ? 9 : d);
	}
	return v ? v : 10000;
}

/* CE bits for a count value (v) below the counter's modulus. */
static uint16_t count_encode(uint32_t v, bool bcd)
{
	uint16_t raw = 0;

	if (!bcd)
		return (uint16_t)v;
	for (int shift = 0; shift < 16; shift += 4, v /= 10)
		raw |= (uint16_t)((v % 10) << shift);
	return raw;
}

/* ---- one sequence: CE and OUT after e edges -------------------------- */

static uint64_t seq_eff(const struct pit_seq *s, uint64_t t)
{
	uint64_t e = t > s->origin ? t - s->origin : 0;

	return e < s->cap ? e : s->cap;
}

/* Mode 3 high half: (N + 1) / 2 clocks, low half the rest ("Mode 3"). */
static uint32_t high_half(uint32_t n)
{
	return (n + 1) / 2;
}

/* Modes 2/3: position in the period at edge e >= 1; 0 = the load. */
static uint32_t seq_pos(const struct pit_seq *s, uint64_t e)
{
	uint32_t phase = s->start_low ? high_half(s->n) % s->n : 0;

	return (uint32_t)((e - 1 + phase) % s->n);
}

/*
 * CE value at edge e >= 1.  Modes 0, 1, 4, 5 load N and then count down
 * through 0 and wrap ("the counter continues to decrement").  Mode 2
 * reloads N after 1.  Mode 3 counts by two: even N from N, odd N from
 * N - 1 in both halves, the high half of an odd count holding 0 for its
 * extra clock ("Mode 3", odd counts).
 */
static uint32_t wave_count(const struct pit_counter *c, const struct pit_seq *s,
			   uint64_t e)
{
	uint32_t m = modulus(c), p, h;

	switch (c->mode) {
	case 2:
		return (s->n - seq_pos(s, e)) % m;
	case 3:
		p = seq_pos(s, e);
		h = high_half(s->n);
		if (p >= h)
			p -= h;
		return ((s->n & ~1u) - 2 * p) % m;
	default:
		return (uint32_t)((s->n + m - (e - 1) % m) % m);
	}
}

/*
 * OUT at edge e >= 1, per the mode waveforms: 0 and 1 are low until the
 * count reaches 0 (e = N + 1); 4 and 5 strobe low for the one clock at
 * which it does; 2 is low while CE = 1; 3 is high for the first half.
 */
static bool wave_out(const struct pit_counter *c, const struct pit_seq *s,
		     uint64_t e)
{
	switch (c->mode) {
	case 0:
	case 1:
		return e > s->n;
	case 2:
		return seq_pos(s, e) != s->n - 1;
	case 3:
		return seq_pos(s, e) < high_half(s->n);
	default:
		return e != (uint64_t)s->n + 1;
	}
}

static uint16_t seq_ce(const struct pit_counter *c, const struct pit_seq *s,
		       uint64_t t)
{
	uint64_t e = seq_eff(s, t);

	return e ? count_encode(wave_count(c, s, e), is_bcd(c)) : s->ce0;
}

/* "Gate Pin Operations Summary": GATE low sets OUT high in modes 2, 3. */
static bool seq_out(const struct pit_counter *c, const struct pit_seq *s,
		    uint64_t t)
{
	uint64_t e = seq_eff(s, t);

	if (!c->gate && (c->mode == 2 || c->mode == 3))
		return true;
	return e ? wave_out(c, s, e) : s->out0;
}

/* ---- rising edges of OUT within a sequence (edge numbers e) --------- */

/* The least x >= lo with x = res (mod n). */
static uint64_t first_congruent(uint64_t lo, uint64_t res, uint64_t n)
{
	return lo + (res + n - lo % n) % n;
}

/*
 * Rising edges at e >= 2: one-shot modes have one, at (*at); periodic
 * modes one per period N (*period), where the period restarts (pos 0).
 * False when there is none (modes 2/3 with N = 1).
 */
static bool rise_rule(const struct pit_counter *c, const struct pit_seq *s,
		      uint64_t *at, uint64_t *period)
{
	uint32_t phase;

	*period = 0;
	switch (c->mode) {
	case 0:
	case 1:
		*at = (uint64_t)s->n + 1;
		return true;
	case 4:
	case 5:
		*at = (uint64_t)s->n + 2;
		return true;
	default:
		if (s->n < 2)
			return false;
		phase = s->start_low ? high_half(s->n) : 0;
		*period = s->n;
		*at = first_congruent(2, (1 + s->n - phase) % s->n, s->n);
		return true;
	}
}

/* Rising edges at e in [lo, hi], lo >= 1. */
static uint64_t seq_count_rises(const struct pit_counter *c,
				const struct pit_seq *s, uint64_t lo,
				uint64_t hi)
{
	uint64_t n = 0, at, period, first;

	if (hi > s->cap)
		hi = s->cap;
	if (lo > hi)
		return 0;
	if (lo == 1 && !s->out0 && wave_out(c, s, 1))
		n++;
	if (lo < 2)
		lo = 2;
	if (lo > hi || !rise_rule(c, s, &at, &period))
		return n;
	if (!period)
		return n + (at >= lo && at <= hi);
	first = first_congruent(lo, at % period, period);
	return first > hi ? n : n + (hi - first) / period + 1;
}

/* The first rising edge at e >= lo >= 1, or NEVER. */
static uint64_t seq_first_rise(const struct pit_counter *c,
			       const struct pit_seq *s, uint64_t lo)
{
	uint64_t at, period;

	if (lo > s->cap)
		return NEVER;
	if (lo == 1 && !s->out0 && wave_out(c, s, 1))
		return 1;
	if (lo < 2)
		lo = 2;
	if (!rise_rule(c, s, &at, &period))
		return NEVER;
	if (period)
		at = first_congruent(lo, at % period, period);
	return at >= lo && at <= s->cap ? at : NEVER;
}

/* Rising edges at edge numbers in (a, b]. */
static uint64_t seq_rises_between(const struct pit_counter *c,
				  const struct pit_seq *s, uint64_t a,
				  uint64_t b)
{
	uint64_t lo = a >= s->origin ? a - s->origin + 1 : 1;

	if (b <= s->origin)
		return 0;
	return seq_count_rises(c, s, lo, b - s->origin);
}

static uint64_t seq_next_rise(const struct pit_counter *c,
			      const struct pit_seq *s, uint64_t a)
{
	uint64_t e = seq_first_rise(c, s, a >= s->origin ? a - s->origin + 1
						       : 1);

	return e == NEVER ? NEVER : s->origin + e;
}

/* ---- the counter: its sequence plus a pending count ------------------ */

static bool split_pending(const struct pit_counter *c)
{
	return c->pending && c->pending_at != NEVER;
}

/* The sequence the pending count starts at its edge: loaded there, with
 * the old sequence's CE and OUT just before it. */
static void pending_seq(const struct pit_counter *c, struct pit_seq *ns)
{
	uint64_t b = c->pending_at - 1;

	*ns = (struct pit_seq){
		.origin = b,
		.cap = NEVER,
		.n = c->cr,
		.ce0 = seq_ce(c, &c->seq, b),
		.out0 = seq_out(c, &c->seq, b),
		.start_low = c->pending_low,
	};
}

static const struct pit_seq *seq_at(const struct pit_counter *c, uint64_t t,
				    struct pit_seq *tmp)
{
	if (split_pending(c) && t >= c->pending_at) {
		pending_seq(c, tmp);
		return tmp;
	}
	return &c->seq;
}

static uint16_t counter_ce(const struct pit_counter *c, uint64_t t)
{
	struct pit_seq tmp;

	return seq_ce(c, seq_at(c, t, &tmp), t);
}

static bool counter_out(const struct pit_counter *c, uint64_t t)
{
	struct pit_seq tmp;

	return seq_out(c, seq_at(c, t, &tmp), t);
}

/* Rising edges of OUT at edges in (a, b], across a pending switch. */
static uint64_t counter_rises(const struct pit_counter *c, uint64_t a,
			      uint64_t b)
{
	struct pit_seq ns;
	uint64_t split, n;

	if (!split_pending(c) || c->pending_at > b)
		return seq_rises_between(c, &c->seq, a, b);
	split = c->pending_at - 1;
	pending_seq(c, &ns);
	n = a < split ? seq_rises_between(c, &c->seq, a, split) : 0;
	return n + seq_rises_between(c, &ns, a > split ? a : split, b);
}

static uint64_t counter_next_rise(const struct pit_counter *c, uint64_t a)
{
	struct pit_seq ns;
	uint64_t split, r = seq_next_rise(c, &c->seq, a);

	if (!split_pending(c))
		return r;
	split = c->pending_at - 1;
	if (r <= split)
		return r;
	pending_seq(c, &ns);
	return seq_next_rise(c, &ns, a > split ? a : split);
}

/* Before an event changes the counter: a pending count whose edge has
 * passed becomes the sequence. */
static void counter_sync(struct pit_counter *c, uint64_t t)
{
	struct pit_seq ns;

	if (split_pending(c) && t >= c->pending_at) {
		pending_seq(c, &ns);
		c->seq = ns;
		c->pending = false;
	}
}

/* Counting stopped, CE and OUT held: after a control word (count not yet
 * written) and after the first byte of a two-byte count in mode 0. */
static void counter_halt(struct pit_counter *c, uint64_t t, bool out)
{
	uint16_t ce = counter_ce(c, t);

	c->seq = (struct pit_seq){ .origin = t, .cap = 0, .n = 1, .ce0 = ce,
				   .out0 = out };
	c->pending = false;
}

/* A new sequence: CR is loaded into CE at the next edge. */
static void counter_start(struct pit_counter *c, uint64_t t, bool out,
			  uint64_t cap)
{
	uint16_t ce = counter_ce(c, t);

	c->seq = (struct pit_seq){ .origin = t, .cap = cap, .n = c->cr,
				   .ce0 = ce, .out0 = out };
	c->pending = false;
	c->started = true;
	if (c->cr_loaded > t + 1)
		c->cr_loaded = t + 1;
}

/* GATE low in modes 0, 2, 3, 4: the load edge still happens ("it will
 * still be loaded on the next CLK pulse"), decrementing does not. */
static void seq_freeze(struct pit_seq *s, uint64_t t)
{
	uint64_t e;

	if (s->cap != NEVER)
		return;
	e = seq_eff(s, t);
	s->cap = e ? e : 1;
}

/* GATE high again in modes 0, 4: counting resumes from where it stood. */
static void seq_thaw(struct pit_seq *s, uint64_t t)
{
	uint64_t e;

	if (s->cap == NEVER || s->cap == 0)
		return;
	e = seq_eff(s, t);
	if (e)
		s->origin = t - e;
	s->cap = NEVER;
}

/* A GATE rising edge in modes 1, 2, 3, 5 loads CR at the next edge.  OUT
 * goes low then in mode 1; in modes 2/3 it is high, as GATE was low. */
static void counter_trigger(struct pit_counter *c, uint64_t t)
{
	if (c->cr)
		counter_start(c, t, counter_out(c, t), NEVER);
}

/*
 * The edge ending the current period (mode 2) or half-period (mode 3) of
 * the sequence at e, where a new count is taken; (*low) when it starts the
 * low half.  Before the load (e = 0) it is the load edge itself.
 */
static uint64_t period_end(const struct pit_counter *c, uint64_t e, bool *low)
{
	const struct pit_seq *s = &c->seq;
	uint32_t n = s->n, h = high_half(n);
	uint32_t phase = s->start_low ? h % n : 0;
	uint64_t rise, fall;

	*low = s->start_low;
	if (e == 0)
		return 1;
	*low = false;
	rise = first_congruent(e + 1, (1 + n - phase) % n, n);
	if (c->mode != 3 || h >= n)
		return rise;
	fall = first_congruent(e + 1, (1 + h + n - phase) % n, n);
	*low = fall < rise;
	return *low ? fall : rise;
}

/* "Writing a new count while counting does not affect the current
 * counting sequence" (modes 2, 3): it waits for the period's end, or, with
 * GATE low, for the trigger that restarts counting. */
static void counter_defer(struct pit_counter *c, uint64_t t)
{
	uint64_t e;
	bool low;

	if (!c->pending) {
		c->pending = true;
		c->pending_at = NEVER;
		if (c->gate && c->seq.cap == NEVER) {
			e = seq_eff(&c->seq, t);
			c->pending_at = c->seq.origin + period_end(c, e, &low);
			c->pending_low = low;
		}
	}
	c->cr_loaded = c->pending_at;
}

/* A complete count (n) was written ("Mode Definitions", per mode). */
static void counter_load(struct pit_counter *c, uint32_t n, uint64_t t)
{
	uint64_t gated_cap = c->gate ? NEVER : 1;

	c->cr = n;
	c->cr_loaded = NEVER;	/* "Null Count Operation": set on a write */
	switch (c->mode) {
	case 0:	/* OUT low until the new count runs out */
		counter_start(c, t, false, gated_cap);
		break;
	case 4:
		counter_start(c, t, counter_out(c, t), gated_cap);
		break;
	case 2:
	case 3:
		if (c->started)
			counter_defer(c, t);
		else
			counter_start(c, t, true, gated_cap);
		break;
	default:	/* 1, 5: loaded by the next trigger */
		break;
	}
}

static void counter_write(struct pit_counter *c, uint8_t v, uint64_t t)
{
	uint16_t raw;

	counter_sync(c, t);
	switch ((c->cw >> 4) & 3) {
	case CW_RW_LSB:
		raw = v;
		break;
	case CW_RW_MSB:
		raw = (uint16_t)(v << 8);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = v;
			c->write_msb_next = true;
			/* Mode 0: "Writing the first byte disables counting.
			 * OUT is set low immediately". */
			if (c->mode == 0) {
				counter_halt(c, t, false);
				if (c->cr_loaded > t)
					c->cr_loaded = NEVER;
			}
			return;
		}
		c->write_msb_next = false;
		raw = (uint16_t)(c->write_lsb | v << 8);
		break;
	}
	counter_load(c, count_decode(raw, is_bcd(c)), t);
}

static uint8_t counter_read(struct pit_counter *c, uint64_t t)
{
	uint16_t v;

	/* Status first, then the count ("Read-Back Command"). */
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->count_latched ? c->latch : counter_ce(c, t);
	switch ((c->cw >> 4) & 3) {
	case CW_RW_LSB:
		c->count_latched = false;
		return (uint8_t)v;
	case CW_RW_MSB:
		c->count_latched = false;
		return (uint8_t)(v >> 8);
	default:
		/* The latch holds until both bytes have been read. */
		c->read_msb_next = !c->read_msb_next;
		if (c->read_msb_next)
			return (uint8_t)v;
		c->count_latched = false;
		return (uint8_t)(v >> 8);
	}
}

/* "Counter Latch Command": a second latch before the read is ignored. */
static void counter_latch_count(struct pit_counter *c, uint64_t t)
{
	if (c->count_latched)
		return;
	c->latch = counter_ce(c, t);
	c->count_latched = true;
}

static void counter_latch_status(struct pit_counter *c, uint64_t t)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((counter_out(c, t) ? ST_OUTPUT : 0) |
			      (t < c->cr_loaded ? ST_NULL_COUNT : 0) |
			      c->cw);
	c->status_latched = true;
}

/* "When a Control Word is written to a Counter, all Control Logic is
 * immediately reset": OUT to its initial level (low in mode 0, high in
 * the others), no count, byte sequencing and latches reset. */
static void counter_program(struct pit_counter *c, uint8_t cw, uint64_t t)
{
	uint8_t mode = (cw >> 1) & 7;

	if (mode > 5)
		mode -= 4;
	/* CE keeps its bits: read them under the old mode first. */
	counter_halt(c, t, mode != 0);
	c->mode = mode;
	c->cw = cw & CW_PROGRAM;
	c->started = false;
	c->cr = 0;
	c->cr_loaded = NEVER;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->count_latched = false;
	c->status_latched = false;
}

/* "Gate Pin Operations Summary". */
static void counter_set_gate(struct pit_counter *c, bool level, uint64_t t)
{
	if (level == c->gate)
		return;
	counter_sync(c, t);
	switch (c->mode) {
	case 0:
	case 4:
		if (level)
			seq_thaw(&c->seq, t);
		else
			seq_freeze(&c->seq, t);
		break;
	case 2:
	case 3:
		if (level) {
			counter_trigger(c, t);
			break;
		}
		seq_freeze(&c->seq, t);
		if (c->pending) {	/* now waits for the trigger */
			c->pending_at = NEVER;
			c->cr_loaded = NEVER;
		}
		break;
	default:
		if (level)
			counter_trigger(c, t);
		break;
	}
	c->gate = level;
}

static void counter_reset(struct pit_counter *c, bool gate)
{
	memset(c, 0, sizeof(*c));
	c->cw = POWER_ON_CW;
	c->gate = gate;
	c->seq = (struct pit_seq){ .cap = 0, .n = 1 };
	c->cr_loaded = NEVER;
}

/* ---- the two windows ------------------------------------------------- */

static void control_write(struct pit *pit, uint8_t v, uint64_t t)
{
	unsigned sc = v >> 6;
	struct pit_counter *c;

	if (sc == CW_SC_READBACK) {
		for (unsigned i = 0; i < NCOUNTERS; i++) {
			if (!(v & RB_COUNTER(i)))
				continue;
			if (!(v & RB_NO_COUNT))
				counter_latch_count(&pit->ctr[i], t);
			if (!(v & RB_NO_STATUS))
				counter_latch_status(&pit->ctr[i], t);
		}
		return;
	}
	c = &pit->ctr[sc];
	if (((v >> 4) & 3) == CW_RW_LATCH)
		counter_latch_count(c, t);
	else
		counter_program(c, v, t);
}

/* x86 port I/O is 1, 2 or 4 bytes; all of it inside the window. */
static bool access_ok(uint64_t offset, uint32_t len, uint64_t window)
{
	return len >= 1 && len <= 4 && offset < window &&
	       len <= window - offset;
}

static int pit_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct pit *pit = opaque;
	uint8_t *p = data;

	if (!access_ok(offset, len, PIT_WINDOW_SIZE))
		return -EINVAL;
	memset(p, 0xFF, len);
	if (offset != PIT_CONTROL)
		p[0] = counter_read(&pit->ctr[offset], pit_now(pit));
	return 0;
}

static int pit_write(void *opaque, uint64_t offset, const void *data,
		     uint32_t len)
{
	struct pit *pit = opaque;
	uint8_t v = *(const uint8_t *)data;

	if (!access_ok(offset, len, PIT_WINDOW_SIZE))
		return -EINVAL;
	if (offset == PIT_CONTROL)
		control_write(pit, v, pit_now(pit));
	else
		counter_write(&pit->ctr[offset], v, pit_now(pit));
	return 0;
}

static int speaker_read(void *opaque, uint64_t offset, void *data,
			uint32_t len)
{
	struct pit *pit = opaque;
	uint8_t *p = data;
	uint64_t t;

	if (!access_ok(offset, len, PIT_SPEAKER_WINDOW_SIZE))
		return -EINVAL;
	t = pit_now(pit);
	memset(p, 0xFF, len);
	p[0] = (uint8_t)(pit->port61 |
			 ((t / REFRESH_TICKS) & 1 ? PIT_SPK_REFRESH : 0) |
			 (counter_out(&pit->ctr[2], t) ? PIT_SPK_OUT2 : 0));
	return 0;
}

static int speaker_write(void *opaque, uint64_t offset, const void *data,
			 uint32_t len)
{
	struct pit *pit = opaque;
	uint8_t v = *(const uint8_t *)data;

	if (!access_ok(offset, len, PIT_SPEAKER_WINDOW_SIZE))
		return -EINVAL;
	pit->port61 = v & PORT61_STORED;
	counter_set_gate(&pit->ctr[2], v & PIT_SPK_GATE2, pit_now(pit));
	return 0;
}

static void pit_reset(void *opaque)
{
	struct pit *pit = opaque;

	pit->base_ns = pit->host.clock_ns(pit->host.ctx);
	pit->delivered = 0;
	pit->port61 = 0;
	counter_reset(&pit->ctr[0], true);
	counter_reset(&pit->ctr[1], true);
	counter_reset(&pit->ctr[2], false);
}

static const struct vmm_device_ops pit_ops = {
	.state_size = sizeof(struct pit),
	.read = pit_read,
	.write = pit_write,
	.reset = pit_reset,
};

static const struct vmm_device_ops speaker_ops = {
	.state_size = sizeof(struct pit),
	.read = speaker_read,
	.write = speaker_write,
};

/* ---- the run loop's side --------------------------------------------- */

uint64_t pit_deadline(const struct pit *pit)
{
	uint64_t e = counter_next_rise(&pit->ctr[0], pit->delivered);
	uint64_t ns = e == NEVER ? NEVER : ticks_to_ns(e);

	if (ns == NEVER || __builtin_add_overflow(ns, pit->base_ns, &ns))
		return NEVER;
	return ns;
}

int pit_update(struct pit *pit)
{
	uint64_t t = pit_now(pit);
	uint64_t n = counter_rises(&pit->ctr[0], pit->delivered, t);

	if (n == 0)
		return 0;
	/* One edge however late we are: a burst would only make the guest's
	 * tick handler run n times in a row for nothing. */
	pit->delivered = t;
	pit->raised++;
	pit->coalesced += n - 1;
	if (pit->host.set_irq) {
		pit->host.set_irq(pit->host.ctx, 0, 1);
		pit->host.set_irq(pit->host.ctx, 0, 0);
	}
	return 1;
}

void pit_irq_counts(const struct pit *pit, uint64_t *raised,
		    uint64_t *coalesced)
{
	if (raised)
		*raised = pit->raised;
	if (coalesced)
		*coalesced = pit->coalesced;
}

int pit_create(const struct vmm_host *host, struct pit **pp)
{
	struct pit *pit;

	if (!host || !pp || !host->clock_ns)
		return -EINVAL;
	pit = calloc(1, sizeof(*pit));
	if (!pit)
		return -ENOMEM;
	pit->host = *host;
	pit->dev = (struct vmm_device){ "pit", &pit_ops, pit };
	pit->speaker = (struct vmm_device){ "pit-speaker", &speaker_ops, pit };
	pit_reset(pit);
	*pp = pit;
	return 0;
}

struct vmm_device *pit_device(struct pit *pit)
{
	return &pit->dev;
}

struct vmm_device *pit_speaker_device(struct pit *pit)
{
	return &pit->speaker;
}

void pit_destroy(struct pit *pit)
{
	free(pit);
}
