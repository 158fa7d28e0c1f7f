// SPDX-License-Identifier: Apache-2.0
/*
 * MC146818 RTC + CMOS RAM.  The clock is host->wallclock() plus an offset
 * the guest may change; the calendar arithmetic is the proleptic Gregorian
 * day count (years 0-9999, the range the century and year bytes can hold).
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

#define REG_A_POWER_ON		0x26	/* 32.768 kHz base, 1.024 kHz rate */
#define REG_B_POWER_ON		CMOS_B_24H
#define REG_A_UIP		0x80
#define REG_B_RESET_CLEARS	0x78	/* PIE, AIE, UIE, SQWE */
#define REG_D_VRT		0x80

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

struct cmos {
	struct vmm_host host;
	struct vmm_device dev;
	uint8_t index;
	bool nmi_disabled;	/* stored only: NMIs belong to the irqchip */
	int64_t offset;		/* guest clock - host wallclock, seconds */
	uint8_t ram[CMOS_SIZE];	/* time bytes here are used only while SET */
};

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

static int64_t host_now(const struct cmos *cmos)
{
	return cmos->host.wallclock ? cmos->host.wallclock(cmos->host.ctx) : 0;
}

/* The guest's clock at host time (now), clamped to what the registers show. */
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
static void write_time_register(struct cmos *cmos, unsigned idx, uint8_t v)
{
	int64_t now;

	if (cmos->ram[CMOS_REG_B] & CMOS_B_SET) {
		cmos->ram[idx] = v;
		return;
	}
	now = host_now(cmos);
	snapshot_time(cmos, now);
	cmos->ram[idx] = v;
	commit_time(cmos, now);
}

/*
 * SET going 1 freezes the time in the new format (the guest writes fields
 * in it); SET going 0 commits in the format the fields were written in.
 */
static void write_reg_b(struct cmos *cmos, uint8_t v)
{
	uint8_t old = cmos->ram[CMOS_REG_B];

	if (v & CMOS_B_SET)
		v &= (uint8_t)~CMOS_B_UIE;	/* datasheet: SET clears UIE */
	if (!(old & CMOS_B_SET) && (v & CMOS_B_SET)) {
		cmos->ram[CMOS_REG_B] = v;
		snapshot_time(cmos, host_now(cmos));
		return;
	}
	if ((old & CMOS_B_SET) && !(v & CMOS_B_SET))
		commit_time(cmos, host_now(cmos));
	cmos->ram[CMOS_REG_B] = v;
}

static void data_write(struct cmos *cmos, uint8_t v)
{
	unsigned idx = cmos->index;

	if (is_time_register(idx)) {
		write_time_register(cmos, idx, v);
		return;
	}
	switch (idx) {
	case CMOS_REG_A:
		cmos->ram[idx] = v & (uint8_t)~REG_A_UIP;
		break;
	case CMOS_REG_B:
		write_reg_b(cmos, v);
		break;
	case CMOS_REG_C:
	case CMOS_REG_D:
		break;		/* read-only */
	default:
		cmos->ram[idx] = v;
		break;
	}
}

static uint8_t data_read(struct cmos *cmos)
{
	unsigned idx = cmos->index;
	struct rtc_fields f;

	if (is_time_register(idx) && !(cmos->ram[CMOS_REG_B] & CMOS_B_SET)) {
		fields_from_time(guest_time(cmos, host_now(cmos)), &f);
		return time_register(cmos, &f, idx);
	}
	if (idx == CMOS_REG_C)
		return 0;	/* no flags are ever raised */
	if (idx == CMOS_REG_D)
		return REG_D_VRT;
	return cmos->ram[idx];
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

static void cmos_reset(void *opaque)
{
	struct cmos *cmos = opaque;

	cmos->index = 0;
	cmos->nmi_disabled = false;
	cmos->ram[CMOS_REG_B] &= (uint8_t)~REG_B_RESET_CLEARS;
}

static const struct vmm_device_ops cmos_ops = {
	.read = cmos_read,
	.write = cmos_write,
	.reset = cmos_reset,
};

static void put_le(uint8_t *ram, unsigned idx, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		ram[idx + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
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
