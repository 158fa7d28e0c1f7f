// SPDX-License-Identifier: Apache-2.0
/* Unit tests for devices/cmos: memory bytes, RTC formats, setting time. */
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
	int64_t now;
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
