// SPDX-License-Identifier: Apache-2.0
/*
 * MC146818 RTC + CMOS RAM.  The clock is the host's seconds (see cmos.h)
 * plus an offset the guest may change; the calendar arithmetic is the
 * proleptic Gregorian day count (years 0-9999, the range the century and
 * year bytes can hold; the time stops at either end).
 *
 * Nothing ticks.  The divider chain is a count of CMOS_RTC_HZ ticks that
 * is a closed-form function of host->clock_ns: `chain0` at `div0_ns`, held
 * at `chain0` while stopped.  Update cycle k (k >= 1) happens when the
 * chain reaches k * CMOS_RTC_HZ, a periodic edge whenever it reaches a
 * multiple of the period.  `seen` is the chain value up to which events
 * are in the register C flags; catch_up() folds the events in (seen, now]
 * into them before anything that could change what an event means (every
 * data write, a read of C, cmos_update()).
 */
#include <errno.h>
#include <stdlib.h>

#include "devices/cmos/cmos.h"

#define KiB			1024ULL
#define MiB			(1024 * KiB)
#define GiB			(1024 * MiB)

#define SECS_PER_DAY		86400
#define DAYS_PER_400Y		146097
/* Days from 0000-03-01 to 1970-01-01. */
#define EPOCH_SHIFT_DAYS	719468

#define NS_PER_SEC		1000000000ULL
#define NEVER			UINT64_MAX

#define REG_A_POWER_ON		0x26	/* 32.768 kHz base, 1.024 kHz rate */
#define REG_B_POWER_ON		CMOS_B_24H
#define REG_B_RESET_CLEARS	(CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE | \
				 CMOS_B_SQWE)
#define REG_B_ENABLES		(CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE)
#define REG_D_VRT		0x80

#define DV_SHIFT		4
#define DV_LAST_RUNNING		2	/* 000, 001, 010 count; see cmos.h */
#define DV_32K			2
/* UIP rises 244 us before the update (Table 6): 8 ticks = 244.14 us. */
#define UIP_TICKS		8
/* Out of divider reset, the first update is half a second later. */
#define CHAIN_RESTART		(CMOS_RTC_HZ / 2)

/* Decoded alarm fields: don't care, or a byte no time can show. */
#define ALARM_ANY		(-1)
#define ALARM_NONE		(-2)

/* Memory-size bytes (QEMU pc_cmos_init layout; IBM AT BIOS for 0x15-0x18). */
#define CMOS_BASE_MEM_LO	0x15
#define CMOS_EXT_MEM_LO		0x17
#define CMOS_CHECKSUM_FIRST	0x10
#define CMOS_CHECKSUM_LAST	0x2D
#define CMOS_CHECKSUM_HI	0x2E
#define CMOS_EXT_MEM2_LO	0x30
#define CMOS_MEM_ABOVE_16M_LO	0x34
#define CMOS_MEM_ABOVE_4G_LO	0x5B
#define CMOS_NCPUS_MINUS_ONE	0x5F

struct rtc_fields {
	int64_t year;		/* 0 .. 9999 */
	unsigned month;		/* 1 .. 12 */
	unsigned day;		/* 1 .. 31 */
	unsigned hour, minute, second;
	unsigned weekday;	/* 1 = Sunday, as the MC146818 counts */
};

/* Alarm bytes decoded: ALARM_ANY, ALARM_NONE or the value. */
struct rtc_alarm {
	int hour, minute, second;
};

struct cmos {
	struct vmm_host host;
	struct vmm_device dev;
	uint8_t index;
	bool nmi_disabled;	/* stored only: NMIs belong to the irqchip */
	int64_t offset;		/* guest clock - host seconds */
	int64_t host_base;	/* host seconds at chain 0 (wallclock) */
	uint64_t div0_ns;	/* clock_ns() when the chain was at chain0 */
	uint64_t chain0;	/* chain ticks then; all of it while stopped */
	uint64_t seen;		/* events up to this chain value are folded */
	uint8_t flags;		/* register C: PF, AF, UF */
	bool irq_level;		/* IRQ 8 as last driven == IRQF */
	uint64_t raised;
	uint64_t coalesced;
	uint8_t ram[CMOS_SIZE];	/* time bytes here are used only frozen */
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* ---- the divider chain on the virtual clock -------------------------- */

static bool has_clock(const struct cmos *cmos)
{
	return cmos->host.clock_ns;
}

static uint64_t clock_now(const struct cmos *cmos)
{
	return has_clock(cmos) ? cmos->host.clock_ns(cmos->host.ctx) : 0;
}

/*
 * floor(ns * CMOS_RTC_HZ / 1e9) without a 128-bit product: split ns into
 * whole seconds and the rest; both products stay below 2^50.
 */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_SEC * CMOS_RTC_HZ +
	       ns % NS_PER_SEC * CMOS_RTC_HZ / NS_PER_SEC;
}

/* The first whole ns at which tick (t) has happened; NEVER past 2^64. */
static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t ns;

	if (__builtin_mul_overflow(t / CMOS_RTC_HZ, NS_PER_SEC, &ns))
		return NEVER;
	if (__builtin_add_overflow(ns, (t % CMOS_RTC_HZ * NS_PER_SEC +
					CMOS_RTC_HZ - 1) / CMOS_RTC_HZ, &ns))
		return NEVER;
	return ns;
}

/* DV2-DV0 = 000, 001, 010: a time base; the chain counts (Table 4). */
static bool divider_running(uint8_t reg_a)
{
	return (reg_a & CMOS_A_DV_MASK) >> DV_SHIFT <= DV_LAST_RUNNING;
}

/* The chain's count at clock (ns); it holds while the divider is stopped. */
static uint64_t chain_at(const struct cmos *cmos, uint64_t ns)
{
	if (!has_clock(cmos) || !divider_running(cmos->ram[CMOS_REG_A]) ||
	    ns <= cmos->div0_ns)
		return cmos->chain0;
	return cmos->chain0 + ns_to_ticks(ns - cmos->div0_ns);
}

/* The clock at which a running chain reaches (e); NEVER for NEVER. */
static uint64_t chain_time(const struct cmos *cmos, uint64_t e)
{
	uint64_t ns;

	if (e == NEVER)
		return NEVER;
	if (e <= cmos->chain0)
		return cmos->div0_ns;
	ns = ticks_to_ns(e - cmos->chain0);
	if (ns == NEVER || __builtin_add_overflow(ns, cmos->div0_ns, &ns))
		return NEVER;
	return ns;
}

/* Host seconds once the chain has counted (k) update cycles. */
static int64_t host_secs_at(const struct cmos *cmos, uint64_t k)
{
	return sat_add(cmos->host_base, k > INT64_MAX ? INT64_MAX : (int64_t)k);
}

/* Host seconds at clock (ns): the chain's, or the wallclock without one. */
static int64_t host_now(const struct cmos *cmos, uint64_t ns)
{
	if (!has_clock(cmos))
		return cmos->host.wallclock ?
		       cmos->host.wallclock(cmos->host.ctx) : 0;
	return host_secs_at(cmos, chain_at(cmos, ns) / CMOS_RTC_HZ);
}

/* The time registers hold still: SET, or the divider stopped. */
static bool time_frozen(const struct cmos *cmos)
{
	return (cmos->ram[CMOS_REG_B] & CMOS_B_SET) ||
	       !divider_running(cmos->ram[CMOS_REG_A]);
}

/* Update cycles run ("Update Cycle"): chain counting, SET clear. */
static bool updates_active(const struct cmos *cmos)
{
	return has_clock(cmos) && !time_frozen(cmos);
}

/*
 * The periodic tap in chain ticks (Table 5, 32.768 kHz column): RS = 1, 2
 * are 256 and 128 Hz, the rates of RS = 8 and 9; RS = n >= 3 is
 * 32768 >> (n - 1) Hz, i.e. 2^(n - 1) ticks.  0: no periodic flag.
 */
static uint64_t periodic_ticks(const struct cmos *cmos)
{
	uint8_t a = cmos->ram[CMOS_REG_A];
	unsigned rs = a & CMOS_A_RS_MASK;

	if (rs == 0 || (a & CMOS_A_DV_MASK) >> DV_SHIFT != DV_32K)
		return 0;
	if (rs <= 2)
		rs += 7;
	return 1ULL << (rs - 1);
}

/* UIP: in the 244 us before an update that will happen (Table 6). */
static bool update_in_progress(const struct cmos *cmos, uint64_t ns)
{
	return updates_active(cmos) &&
	       chain_at(cmos, ns) % CMOS_RTC_HZ >= CMOS_RTC_HZ - UIP_TICKS;
}

/* ---- time and calendar ----------------------------------------------- */

/*
 * Day number of (y, m, d) relative to 1970-01-01.  Counting the year from
 * March puts February's leap day at the end, so each 400-year era has a
 * fixed 146097 days and a month's first day is a linear formula.
 */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t yy = m <= 2 ? y - 1 : y;
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t year_of_era = yy - era * 400;
	int64_t month_from_march = m > 2 ? m - 3 : m + 9;
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
			     year_of_era / 100 + day_of_year;

	return era * DAYS_PER_400Y + day_of_era - EPOCH_SHIFT_DAYS;
}

/* The inverse of days_from_civil(). */
static void civil_from_days(int64_t days, struct rtc_fields *f)
{
	int64_t z = days + EPOCH_SHIFT_DAYS;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_400Y - 1)) / DAYS_PER_400Y;
	int64_t doe = z - era * DAYS_PER_400Y;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	f->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	f->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	f->year = yoe + era * 400 + (f->month <= 2 ? 1 : 0);
}

static int64_t time_min(void)
{
	return days_from_civil(0, 1, 1) * SECS_PER_DAY;
}

static int64_t time_max(void)
{
	return days_from_civil(10000, 1, 1) * SECS_PER_DAY - 1;
}

/* The guest's clock at host seconds (now), clamped to what they can show. */
static int64_t guest_time(const struct cmos *cmos, int64_t now)
{
	int64_t t;

	if (__builtin_add_overflow(now, cmos->offset, &t))
		return cmos->offset > 0 ? time_max() : time_min();
	if (t < time_min())
		return time_min();
	return t > time_max() ? time_max() : t;
}

static void fields_from_time(int64_t t, struct rtc_fields *f)
{
	int64_t days = t / SECS_PER_DAY;
	int64_t secs = t % SECS_PER_DAY;

	if (secs < 0) {		/* floor, not truncation, before 1970 */
		secs += SECS_PER_DAY;
		days--;
	}
	civil_from_days(days, f);
	f->hour = (unsigned)(secs / 3600);
	f->minute = (unsigned)(secs / 60 % 60);
	f->second = (unsigned)(secs % 60);
	/* 1970-01-01 was a Thursday: weekday 5 when Sunday is 1. */
	f->weekday = (unsigned)(((days + 4) % 7 + 7) % 7) + 1;
}

static bool binary_mode(const struct cmos *cmos)
{
	return cmos->ram[CMOS_REG_B] & CMOS_B_BINARY;
}

static uint8_t encode(const struct cmos *cmos, unsigned v)
{
	return binary_mode(cmos) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* (raw) as a number no larger than (max), or -1 if it is not one. */
static int decode(const struct cmos *cmos, uint8_t raw, unsigned max)
{
	unsigned v = raw;

	if (!binary_mode(cmos)) {
		if ((raw >> 4) > 9 || (raw & 0xF) > 9)
			return -1;
		v = (raw >> 4) * 10 + (raw & 0xF);
	}
	return v <= max ? (int)v : -1;
}

/* 12-hour form: 1-12 with bit 7 = PM (datasheet table 3). */
static uint8_t encode_hour(const struct cmos *cmos, unsigned hour)
{
	unsigned h12 = hour % 12 ? hour % 12 : 12;

	if (cmos->ram[CMOS_REG_B] & CMOS_B_24H)
		return encode(cmos, hour);
	return (uint8_t)(encode(cmos, h12) | (hour >= 12 ? 0x80 : 0));
}

static int decode_hour(const struct cmos *cmos, uint8_t raw)
{
	int h12;

	if (cmos->ram[CMOS_REG_B] & CMOS_B_24H)
		return decode(cmos, raw, 23);
	h12 = decode(cmos, raw & 0x7F, 12);
	if (h12 < 1)
		return -1;
	return h12 % 12 + (raw & 0x80 ? 12 : 0);
}

static bool is_time_register(unsigned idx)
{
	switch (idx) {
	case CMOS_SECONDS: case CMOS_MINUTES: case CMOS_HOURS:
	case CMOS_WEEKDAY: case CMOS_DAY: case CMOS_MONTH: case CMOS_YEAR:
	case CMOS_CENTURY:
		return true;
	default:
		return false;
	}
}

static uint8_t time_register(const struct cmos *cmos,
			     const struct rtc_fields *f, unsigned idx)
{
	switch (idx) {
	case CMOS_SECONDS:	return encode(cmos, f->second);
	case CMOS_MINUTES:	return encode(cmos, f->minute);
	case CMOS_HOURS:	return encode_hour(cmos, f->hour);
	case CMOS_WEEKDAY:	return encode(cmos, f->weekday);
	case CMOS_DAY:		return encode(cmos, f->day);
	case CMOS_MONTH:	return encode(cmos, f->month);
	case CMOS_YEAR:		return encode(cmos, (unsigned)(f->year % 100));
	default:		return encode(cmos, (unsigned)(f->year / 100));
	}
}

/* Freeze the time at host time (now) into the RAM time registers. */
static void snapshot_time(struct cmos *cmos, int64_t now)
{
	static const uint8_t regs[] = {
		CMOS_SECONDS, CMOS_MINUTES, CMOS_HOURS, CMOS_WEEKDAY,
		CMOS_DAY, CMOS_MONTH, CMOS_YEAR, CMOS_CENTURY,
	};
	struct rtc_fields f;

	fields_from_time(guest_time(cmos, now), &f);
	for (unsigned i = 0; i < sizeof(regs); i++)
		cmos->ram[regs[i]] = time_register(cmos, &f, regs[i]);
}

static unsigned days_in_month(int64_t year, unsigned month)
{
	int64_t next = month == 12 ? days_from_civil(year + 1, 1, 1) :
				     days_from_civil(year, month + 1, 1);

	return (unsigned)(next - days_from_civil(year, month, 1));
}

/*
 * Make the frozen registers the time at host time (now).  The weekday
 * register is not consulted: it follows from the date.  An impossible date
 * is ignored.
 */
static void commit_time(struct cmos *cmos, int64_t now)
{
	const uint8_t *r = cmos->ram;
	int sec = decode(cmos, r[CMOS_SECONDS], 59);
	int min = decode(cmos, r[CMOS_MINUTES], 59);
	int hour = decode_hour(cmos, r[CMOS_HOURS]);
	int day = decode(cmos, r[CMOS_DAY], 31);
	int month = decode(cmos, r[CMOS_MONTH], 12);
	int year = decode(cmos, r[CMOS_YEAR], 99);
	int century = decode(cmos, r[CMOS_CENTURY], 99);
	int64_t y, t, offset;

	if (sec < 0 || min < 0 || hour < 0 || day < 1 || month < 1 ||
	    year < 0 || century < 0)
		return;
	y = (int64_t)century * 100 + year;
	if ((unsigned)day > days_in_month(y, (unsigned)month))
		return;
	t = days_from_civil(y, (unsigned)month, (unsigned)day) * SECS_PER_DAY +
	    hour * 3600 + min * 60 + sec;
	if (__builtin_sub_overflow(t, now, &offset))
		return;
	cmos->offset = offset;
}

/* With SET clear, one field changes and the others keep running. */
static void write_time_register(struct cmos *cmos, unsigned idx, uint8_t v,
				uint64_t ns)
{
	int64_t now;

	if (time_frozen(cmos)) {
		cmos->ram[idx] = v;
		return;
	}
	now = host_now(cmos, ns);
	snapshot_time(cmos, now);
	cmos->ram[idx] = v;
	commit_time(cmos, now);
}

/* ---- alarm ("Alarm Interrupt") --------------------------------------- */

static int64_t time_of_day(int64_t t)
{
	return (t % SECS_PER_DAY + SECS_PER_DAY) % SECS_PER_DAY;
}

/* An alarm byte: don't care (0xC0-0xFF), a value, or one no time shows. */
static int alarm_field(const struct cmos *cmos, uint8_t raw, unsigned max)
{
	int v;

	if ((raw & CMOS_ALARM_DONT_CARE) == CMOS_ALARM_DONT_CARE)
		return ALARM_ANY;
	v = decode(cmos, raw, max);
	return v >= 0 && encode(cmos, (unsigned)v) == raw ? v : ALARM_NONE;
}

static int alarm_hour(const struct cmos *cmos, uint8_t raw)
{
	int v;

	if ((raw & CMOS_ALARM_DONT_CARE) == CMOS_ALARM_DONT_CARE)
		return ALARM_ANY;
	v = decode_hour(cmos, raw);
	return v >= 0 && encode_hour(cmos, (unsigned)v) == raw ? v : ALARM_NONE;
}

/* The alarm in the current format; false if it can never match. */
static bool read_alarm(const struct cmos *cmos, struct rtc_alarm *a)
{
	a->second = alarm_field(cmos, cmos->ram[CMOS_ALARM_SECONDS], 59);
	a->minute = alarm_field(cmos, cmos->ram[CMOS_ALARM_MINUTES], 59);
	a->hour = alarm_hour(cmos, cmos->ram[CMOS_ALARM_HOURS]);
	return a->second != ALARM_NONE && a->minute != ALARM_NONE &&
	       a->hour != ALARM_NONE;
}

/*
 * The first second t' >= (t), counted from some midnight, whose time of
 * day the alarm matches; -1 if none within two days (cannot happen for an
 * alarm read_alarm() accepts).  Like a cron schedule: jump to the next
 * value of the first field, from the hour down, that does not match.
 */
static int64_t alarm_next_tod(const struct rtc_alarm *a, int64_t t)
{
	for (int i = 0; i < 10; i++) {
		int64_t h = t / 3600 % 24, m = t / 60 % 60, s = t % 60;

		if (a->hour >= 0 && h != a->hour)
			t += a->hour * 3600 - t % SECS_PER_DAY +
			     (h < a->hour ? 0 : SECS_PER_DAY);
		else if (a->minute >= 0 && m != a->minute)
			t += (m < a->minute ? a->minute * 60 : 3600) - t % 3600;
		else if (a->second >= 0 && s != a->second)
			t += (s < a->second ? a->second : 60) - t % 60;
		else
			return t;
	}
	return -1;
}

/*
 * The first update cycle after cycle (k) whose new time the alarm
 * matches; NEVER if none.  At 9999-12-31 23:59:59 the time stops: the
 * alarm then matches every update or never.  (The time that stops at
 * 0000-01-01 00:00:00 is taken as running: with such a host clock the
 * alarm may come early.)
 */
static uint64_t alarm_next(const struct cmos *cmos, uint64_t k)
{
	struct rtc_alarm a;
	int64_t g, tod, t;

	if (!read_alarm(cmos, &a))
		return NEVER;
	g = guest_time(cmos, host_secs_at(cmos, k));
	tod = time_of_day(g);
	if (g == time_max())
		return alarm_next_tod(&a, tod) == tod ? k + 1 : NEVER;
	t = alarm_next_tod(&a, tod + 1);
	if (t < 0 || t - tod > time_max() - g)
		return NEVER;
	return k + (uint64_t)(t - tod);
}

/* ---- register C and IRQ 8 ("Interrupts", "Register C") --------------- */

/* IRQF = PF & PIE | AF & AIE | UF & UIE: each flag sits on its enable. */
_Static_assert(CMOS_C_PF == CMOS_B_PIE && CMOS_C_AF == CMOS_B_AIE &&
	       CMOS_C_UF == CMOS_B_UIE, "register C flags match B enables");

static bool irqf(const struct cmos *cmos)
{
	return cmos->flags & cmos->ram[CMOS_REG_B] & REG_B_ENABLES;
}

/* IRQ 8 follows IRQF as a level; count its rising edges. */
static void update_irq(struct cmos *cmos)
{
	bool level = irqf(cmos);

	if (level == cmos->irq_level)
		return;
	cmos->irq_level = level;
	if (level)
		cmos->raised++;
	if (cmos->host.set_irq)
		cmos->host.set_irq(cmos->host.ctx, CMOS_IRQ, level);
}

/*
 * The flags set by the events in chain ticks (from, to], and in
 * (*enabled) how many of those events have their interrupt enabled.
 * PF is set on every edge of the tap whatever PIE says; UF at the end of
 * every update cycle, AF with it when the alarm matches.
 */
static uint8_t due_flags(const struct cmos *cmos, uint64_t from,
			 uint64_t to, uint64_t *enabled)
{
	uint8_t b = cmos->ram[CMOS_REG_B], got = 0;
	uint64_t p = periodic_ticks(cmos);
	uint64_t k0 = from / CMOS_RTC_HZ, k1 = to / CMOS_RTC_HZ;

	*enabled = 0;
	if (p && to / p != from / p) {
		got |= CMOS_C_PF;
		if (b & CMOS_B_PIE)
			*enabled += to / p - from / p;
	}
	if (!updates_active(cmos) || k1 == k0)
		return got;
	got |= CMOS_C_UF;
	if (b & CMOS_B_UIE)
		*enabled += k1 - k0;
	if (alarm_next(cmos, k0) <= k1) {
		got |= CMOS_C_AF;
		if (b & CMOS_B_AIE)
			*enabled += 1;
	}
	return got;
}

/* Fold everything that happened up to clock (ns) into the flags. */
static void catch_up(struct cmos *cmos, uint64_t ns)
{
	uint64_t now = chain_at(cmos, ns), enabled, c;
	bool was = cmos->irq_level;

	if (!has_clock(cmos) || now <= cmos->seen)
		return;
	cmos->flags |= due_flags(cmos, cmos->seen, now, &enabled);
	cmos->seen = now;
	update_irq(cmos);
	if (!was && cmos->irq_level && enabled)
		enabled--;	/* this one got the edge */
	if (__builtin_add_overflow(cmos->coalesced, enabled, &c))
		c = UINT64_MAX;
	cmos->coalesced = c;
}

/* Reading C returns the flags and clears them all, lowering IRQ 8. */
static uint8_t read_reg_c(struct cmos *cmos, uint64_t ns)
{
	uint8_t v;

	catch_up(cmos, ns);
	v = (uint8_t)(cmos->flags | (irqf(cmos) ? CMOS_C_IRQF : 0));
	cmos->flags = 0;
	update_irq(cmos);
	return v;
}

/* ---- registers A and B ----------------------------------------------- */

/*
 * Store control register (idx) = (v).  When SET or a stopped divider
 * begins to hold the time registers they freeze at the time shown (in the
 * new format: the guest writes fields in it); when both have let go the
 * fields become the time (in the format they were written in).
 */
static void set_control(struct cmos *cmos, unsigned idx, uint8_t v,
			uint64_t ns)
{
	bool was = time_frozen(cmos), frozen;
	uint8_t old = cmos->ram[idx];
	int64_t now;

	cmos->ram[idx] = v;
	frozen = time_frozen(cmos);
	now = host_now(cmos, ns);
	if (!was && frozen) {
		snapshot_time(cmos, now);
	} else if (was && !frozen) {
		cmos->ram[idx] = old;
		commit_time(cmos, now);
		cmos->ram[idx] = v;
	}
}

/*
 * The divider leaves reset (or a test mode): the chain restarts half a
 * second before its first update ("Divider Chain Control"); the seconds it
 * had counted move into host_base so the host's seconds run on from there.
 */
static void restart_chain(struct cmos *cmos, uint64_t ns)
{
	uint64_t k = cmos->chain0 / CMOS_RTC_HZ;

	cmos->host_base = sat_add(cmos->host_base,
				  k > INT64_MAX ? INT64_MAX : (int64_t)k);
	cmos->chain0 = CHAIN_RESTART;
	cmos->div0_ns = ns;
	cmos->seen = CHAIN_RESTART;
}

/* UIP is read-only; DV stops, holds or restarts the chain. */
static void write_reg_a(struct cmos *cmos, uint8_t v, uint64_t ns)
{
	bool was = divider_running(cmos->ram[CMOS_REG_A]);
	bool will = divider_running(v);

	if (has_clock(cmos) && was && !will)
		cmos->chain0 = chain_at(cmos, ns);	/* the chain holds */
	else if (has_clock(cmos) && !was && will)
		restart_chain(cmos, ns);
	set_control(cmos, CMOS_REG_A, v & (uint8_t)~CMOS_A_UIP, ns);
}

/* SET inhibits updates and clears UIE ("Register B"). */
static void write_reg_b(struct cmos *cmos, uint8_t v, uint64_t ns)
{
	if (v & CMOS_B_SET)
		v &= (uint8_t)~CMOS_B_UIE;
	set_control(cmos, CMOS_REG_B, v, ns);
}

/* Events so far count under the old settings, then IRQF is recomputed. */
static void data_write(struct cmos *cmos, uint8_t v)
{
	unsigned idx = cmos->index;
	uint64_t ns = clock_now(cmos);

	catch_up(cmos, ns);
	if (is_time_register(idx))
		write_time_register(cmos, idx, v, ns);
	else if (idx == CMOS_REG_A)
		write_reg_a(cmos, v, ns);
	else if (idx == CMOS_REG_B)
		write_reg_b(cmos, v, ns);
	else if (idx != CMOS_REG_C && idx != CMOS_REG_D)
		cmos->ram[idx] = v;	/* C and D are read-only */
	update_irq(cmos);
}

static uint8_t data_read(struct cmos *cmos)
{
	unsigned idx = cmos->index;
	uint64_t ns = clock_now(cmos);
	struct rtc_fields f;

	if (is_time_register(idx) && !time_frozen(cmos)) {
		fields_from_time(guest_time(cmos, host_now(cmos, ns)), &f);
		return time_register(cmos, &f, idx);
	}
	switch (idx) {
	case CMOS_REG_A:
		return update_in_progress(cmos, ns) ?
		       (uint8_t)(cmos->ram[idx] | CMOS_A_UIP) : cmos->ram[idx];
	case CMOS_REG_C:
		return read_reg_c(cmos, ns);
	case CMOS_REG_D:
		return REG_D_VRT;
	default:
		return cmos->ram[idx];
	}
}

static bool access_ok(uint64_t offset, uint32_t len)
{
	return len >= 1 && len <= CMOS_WINDOW_SIZE &&
	       offset < CMOS_WINDOW_SIZE && len <= CMOS_WINDOW_SIZE - offset;
}

static int cmos_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct cmos *cmos = opaque;
	uint8_t *out = data;

	if (!access_ok(offset, len))
		return -EINVAL;
	for (uint32_t i = 0; i < len; i++)
		if (offset + i == CMOS_OFFSET_DATA)
			out[i] = data_read(cmos);
	return 0;
}

static int cmos_write(void *opaque, uint64_t offset, const void *data,
		      uint32_t len)
{
	struct cmos *cmos = opaque;
	const uint8_t *in = data;

	if (!access_ok(offset, len))
		return -EINVAL;
	for (uint32_t i = 0; i < len; i++) {
		if (offset + i == CMOS_OFFSET_INDEX) {
			cmos->index = in[i] & (CMOS_SIZE - 1);
			cmos->nmi_disabled = in[i] & CMOS_INDEX_NMI_DISABLE;
		} else {
			data_write(cmos, in[i]);
		}
	}
	return 0;
}

/* The RESET pin ("RESET"); events due so far are dropped with the flags. */
static void cmos_reset(void *opaque)
{
	struct cmos *cmos = opaque;
	uint64_t now = chain_at(cmos, clock_now(cmos));

	cmos->index = 0;
	cmos->nmi_disabled = false;
	cmos->ram[CMOS_REG_B] &= (uint8_t)~REG_B_RESET_CLEARS;
	if (now > cmos->seen)
		cmos->seen = now;
	cmos->flags = 0;
	update_irq(cmos);
}

static const struct vmm_device_ops cmos_ops = {
	.state_size = sizeof(struct cmos),
	.read = cmos_read,
	.write = cmos_write,
	.reset = cmos_reset,
};

/* ---- the run loop's side --------------------------------------------- */

static uint64_t next_multiple(uint64_t x, uint64_t p)
{
	return (x / p + 1) * p;
}

/* The chain value of the next alarm after (seen); NEVER if none. */
static uint64_t alarm_chain(const struct cmos *cmos)
{
	uint64_t k = alarm_next(cmos, cmos->seen / CMOS_RTC_HZ), e;

	if (k == NEVER || __builtin_mul_overflow(k, CMOS_RTC_HZ, &e))
		return NEVER;
	return e;
}

uint64_t cmos_deadline(const struct cmos *cmos)
{
	uint8_t en = cmos->ram[CMOS_REG_B] & REG_B_ENABLES;
	uint64_t p, e = NEVER;

	/* Called before every guest entry: the common case first. */
	if (!en || !has_clock(cmos) || cmos->irq_level)
		return NEVER;
	p = periodic_ticks(cmos);
	if ((en & CMOS_B_PIE) && p)
		e = next_multiple(cmos->seen, p);
	if ((en & CMOS_B_UIE) && updates_active(cmos))
		e = min_u64(e, next_multiple(cmos->seen, CMOS_RTC_HZ));
	if ((en & CMOS_B_AIE) && updates_active(cmos))
		e = min_u64(e, alarm_chain(cmos));
	return chain_time(cmos, e);
}

int cmos_update(struct cmos *cmos)
{
	uint64_t before = cmos->raised;

	catch_up(cmos, clock_now(cmos));
	return cmos->raised != before;
}

void cmos_irq_counts(const struct cmos *cmos, uint64_t *raised,
		     uint64_t *coalesced)
{
	if (raised)
		*raised = cmos->raised;
	if (coalesced)
		*coalesced = cmos->coalesced;
}

/* ---- memory bytes and life cycle ------------------------------------- */

static void put_le(uint8_t *ram, unsigned idx, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ram[idx + i] = (uint8_t)(v >> (8 * i));
}

static void fill_memory_bytes(uint8_t *ram, uint64_t low, uint64_t high,
			      unsigned ncpus)
{
	uint64_t ext = low > MiB ? min_u64((low - MiB) / KiB, 0xFFFF) : 0;
	uint64_t above16 = low > 16 * MiB ?
			   min_u64((low - 16 * MiB) / (64 * KiB), 0xFFFF) : 0;
	unsigned sum = 0;

	put_le(ram, CMOS_BASE_MEM_LO, min_u64(low / KiB, 640), 2);
	put_le(ram, CMOS_EXT_MEM_LO, ext, 2);
	put_le(ram, CMOS_EXT_MEM2_LO, ext, 2);
	put_le(ram, CMOS_MEM_ABOVE_16M_LO, above16, 2);
	put_le(ram, CMOS_MEM_ABOVE_4G_LO,
	       min_u64(high / (64 * KiB), 0xFFFFFF), 3);
	ram[CMOS_NCPUS_MINUS_ONE] = (uint8_t)(ncpus - 1);
	for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
		sum += ram[i];
	ram[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
	ram[CMOS_CHECKSUM_HI + 1] = (uint8_t)sum;
}

int cmos_create(const struct vmm_host *host, uint64_t low_ram_bytes,
		uint64_t high_ram_bytes, unsigned ncpus, struct cmos **out)
{
	struct cmos *cmos;

	if (!host || !out || low_ram_bytes > 4 * GiB || ncpus < 1 ||
	    ncpus > CMOS_MAX_CPUS)
		return -EINVAL;
	cmos = calloc(1, sizeof(*cmos));
	if (!cmos)
		return -ENOMEM;
	cmos->host = *host;
	cmos->dev = (struct vmm_device){ "cmos", &cmos_ops, cmos };
	cmos->ram[CMOS_REG_A] = REG_A_POWER_ON;
	cmos->ram[CMOS_REG_B] = REG_B_POWER_ON;
	/* The wallclock once; from here on the chain counts the seconds. */
	cmos->host_base = host->wallclock ? host->wallclock(host->ctx) : 0;
	cmos->div0_ns = clock_now(cmos);
	fill_memory_bytes(cmos->ram, low_ram_bytes, high_ram_bytes, ncpus);
	*out = cmos;
	return 0;
}

struct vmm_device *cmos_device(struct cmos *cmos)
{
	return &cmos->dev;
}

void cmos_destroy(struct cmos *cmos)
{
	free(cmos);
}
