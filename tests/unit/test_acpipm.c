// SPDX-License-Identifier: Apache-2.0
/* Unit tests for devices/acpipm: PM timer, PM1 registers, S5 power-off. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/acpipm/acpipm.h"

struct fake {
	uint64_t now_ns;
	unsigned resets;
	unsigned poweroffs;
};

static void fake_request(void *ctx, enum vmm_request req)
{
	struct fake *f = ctx;

	if (req == VMM_REQ_RESET)
		f->resets++;
	else if (req == VMM_REQ_POWEROFF)
		f->poweroffs++;
}

static uint64_t fake_clock(void *ctx)
{
	return ((struct fake *)ctx)->now_ns;
}

struct fixture {
	struct fake fake;
	struct vmm_host host;
	struct acpipm *pm;
	struct vmm_device *dev;
};

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	/* Creation at an arbitrary non-zero time: the timer is relative. */
	fx.fake.now_ns = 123456789012ULL;
	fx.host = (struct vmm_host){
		.ctx = &fx.fake,
		.request = fake_request,
		.clock_ns = fake_clock,
	};
	if (acpipm_create(&fx.host, &fx.pm) != 0)
		return -1;
	fx.dev = acpipm_device(fx.pm);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	acpipm_destroy(fx->pm);
	return 0;
}

static uint32_t rd(struct fixture *fx, uint64_t off, uint32_t len)
{
	uint8_t buf[4] = { 0xFF, 0xFF, 0xFF, 0xFF };

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, off, buf, len), 0);
	return (uint32_t)dev_load_le(buf, len);
}

static void wr(struct fixture *fx, uint64_t off, uint32_t len, uint32_t v)
{
	uint8_t buf[4];

	dev_store_le(buf, len, v);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, off, buf, len),
			 0);
}

static void test_acpipm_create_requires_clock(void **state)
{
	struct vmm_host host = { 0 };
	struct acpipm *pm;

	assert_int_equal(acpipm_create(&host, &pm), -EINVAL);
	assert_int_equal(acpipm_create(NULL, &pm), -EINVAL);
	acpipm_destroy(NULL);
}

static void test_acpipm_timer_one_second(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 4), 0);
	fx->fake.now_ns += 1000000000ULL;
	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 4), 3579545 & 0xFFFFFF);
	assert_int_equal(acpipm_timer(fx->pm), 3579545);
	/* 1 µs is 3.579545 ticks: floor, not rounding. */
	fx->fake.now_ns += 1000;
	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 4), 3579548);
}

static void test_acpipm_timer_24bit_wrap(void **state)
{
	struct fixture *fx = *state;
	/* 2^24 ticks = 4.687 s; at 5 s the counter has wrapped once. */
	uint64_t ticks_5s = 5ULL * 3579545;

	fx->fake.now_ns += 5000000000ULL;
	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 4), ticks_5s - 0x1000000);
	assert_true(rd(fx, ACPIPM_PM_TMR, 4) <= 0xFFFFFF);
}

static void test_acpipm_timer_long_uptime_exact(void **state)
{
	struct fixture *fx = *state;
	/* 100 years of uptime: ns * F overflows 64 bits, the result must not. */
	uint64_t s = 100ULL * 365 * 24 * 3600;
	uint64_t ticks = s * 3579545ULL + 3579545ULL / 2; /* + 0.5 s */

	fx->fake.now_ns += s * 1000000000ULL + 500000000ULL;
	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 4), ticks & 0xFFFFFF);
}

static void test_acpipm_timer_byte_reads(void **state)
{
	struct fixture *fx = *state;

	fx->fake.now_ns += 1000000000ULL;	/* 0x369E99 */
	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 1), 0x99);
	assert_int_equal(rd(fx, ACPIPM_PM_TMR + 1, 1), 0x9E);
	assert_int_equal(rd(fx, ACPIPM_PM_TMR + 2, 2), 0x0036);
	assert_int_equal(rd(fx, ACPIPM_PM_TMR + 3, 1), 0x00);
}

static void test_acpipm_s5_poweroff(void **state)
{
	struct fixture *fx = *state;

	/* SLP_TYP 0 without SLP_EN only stores. */
	wr(fx, ACPIPM_PM1_CNT, 2, 0x0001);
	assert_int_equal(rd(fx, ACPIPM_PM1_CNT, 2), 0x0001);
	assert_int_equal(fx->fake.poweroffs, 0);
	/* What OVMF's `reset -s` writes: SLP_EN | SLP_TYP 0. */
	wr(fx, ACPIPM_PM1_CNT, 2, 0x2000);
	assert_int_equal(fx->fake.poweroffs, 1);
	/* SLP_EN is write-only. */
	assert_int_equal(rd(fx, ACPIPM_PM1_CNT, 2), 0x0000);
	assert_int_equal(fx->fake.resets, 0);
}

static void test_acpipm_other_sleep_types_ignored(void **state)
{
	struct fixture *fx = *state;

	/* S3 in QEMU's tables: SLP_TYP 1. */
	wr(fx, ACPIPM_PM1_CNT, 2, 0x2000 | (1 << 10) | 1);
	assert_int_equal(fx->fake.poweroffs, 0);
	assert_int_equal(rd(fx, ACPIPM_PM1_CNT, 2), (1 << 10) | 1);
	/* A byte write of the high half alone keeps SLP_TYP 1. */
	wr(fx, ACPIPM_PM1_CNT + 1, 1, 0x24);
	assert_int_equal(fx->fake.poweroffs, 0);
	/* High byte 0x20: SLP_EN with SLP_TYP 0 -> off. */
	wr(fx, ACPIPM_PM1_CNT + 1, 1, 0x20);
	assert_int_equal(fx->fake.poweroffs, 1);
	assert_int_equal(rd(fx, ACPIPM_PM1_CNT, 2), 0x0001);
}

static void test_acpipm_tmr_sts_write_one_to_clear(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd(fx, ACPIPM_PM1_STS, 2), 0x0000);
	/* Bit 23 toggles at 2^23 ticks = 2.3435 s. */
	fx->fake.now_ns += 2400000000ULL;
	assert_int_equal(rd(fx, ACPIPM_PM1_STS, 2), ACPIPM_STS_TMR);
	/* Writing 0 clears nothing. */
	wr(fx, ACPIPM_PM1_STS, 2, 0x0000);
	assert_int_equal(rd(fx, ACPIPM_PM1_STS, 2), ACPIPM_STS_TMR);
	wr(fx, ACPIPM_PM1_STS, 2, ACPIPM_STS_TMR);
	assert_int_equal(rd(fx, ACPIPM_PM1_STS, 2), 0x0000);
	/* Set again at the next toggle (2^24 ticks = 4.687 s). */
	fx->fake.now_ns += 2300000000ULL;
	assert_int_equal(rd(fx, ACPIPM_PM1_STS, 2), ACPIPM_STS_TMR);
}

static void test_acpipm_enable_and_gpe(void **state)
{
	struct fixture *fx = *state;

	wr(fx, ACPIPM_PM1_EN, 2, 0xFFFF);
	assert_int_equal(rd(fx, ACPIPM_PM1_EN, 2), 0x0721);
	wr(fx, ACPIPM_GPE0_STS, 4, 0xFFFFFFFF);
	assert_int_equal(rd(fx, ACPIPM_GPE0_STS, 4), 0);
	assert_int_equal(rd(fx, 0x3C, 4), 0);
	/* A dword at 0 covers STS and EN. */
	assert_int_equal(rd(fx, 0, 4), 0x07210000);
}

static void test_acpipm_bad_access(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[8] = { 0 };

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 62, buf, 4),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, buf, 8),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, UINT64_MAX, buf,
					     1), -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, buf, 0),
			 -EINVAL);
}

static void test_acpipm_reset_restarts_timer(void **state)
{
	struct fixture *fx = *state;

	wr(fx, ACPIPM_PM1_CNT, 2, 1);
	fx->fake.now_ns += 3000000000ULL;
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(rd(fx, ACPIPM_PM_TMR, 4), 0);
	assert_int_equal(rd(fx, ACPIPM_PM1_CNT, 2), 0);
	assert_int_equal(rd(fx, ACPIPM_PM1_STS, 2), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpipm_create_requires_clock),
		T(test_acpipm_timer_one_second),
		T(test_acpipm_timer_24bit_wrap),
		T(test_acpipm_timer_long_uptime_exact),
		T(test_acpipm_timer_byte_reads),
		T(test_acpipm_s5_poweroff),
		T(test_acpipm_other_sleep_types_ignored),
		T(test_acpipm_tmr_sts_write_one_to_clear),
		T(test_acpipm_enable_and_gpe),
		T(test_acpipm_bad_access),
		T(test_acpipm_reset_restarts_timer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
