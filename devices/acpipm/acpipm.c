// SPDX-License-Identifier: Apache-2.0
/*
 * PIIX4 PM I/O block: PM1 event/control registers and the ACPI PM timer.
 * The timer is on OVMF's hottest path (~113,000 reads per boot, every
 * MicroSecondDelay), so a dword read of PM_TMR is decoded first and costs
 * one clock callback plus two multiply-shift divisions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpipm/acpipm.h"

#define NS_PER_SEC		1000000000ULL

/* TMR_STS: "set whenever the MSB (bit 23) of the timer toggles". */
#define TIMER_MSB_SHIFT		23

/* Bits the guest may set in PM1_EN: TMR, GBL, PWRBTN, SLPBTN, RTC. */
#define PM1_EN_WRITABLE		0x0721
/* PM1_STS bits a write of 1 clears: TMR, BM, GBL, PWRBTN, SLPBTN, RTC, WAK. */
#define PM1_STS_W1C		0x8731
/* PM1_CNT bits that are stored: SCI_EN, BM_RLD, SLP_TYP.  GBL_RLS (bit 2)
 * and SLP_EN are write-only and read 0 (ACPI 6.5 table 4.16). */
#define PM1_CNT_STORED		(ACPIPM_CNT_SCI_EN | 0x0002 | \
				 ACPIPM_CNT_SLP_TYP_MASK)

struct acpipm {
	struct vmm_host host;
	struct vmm_device dev;
	uint64_t t0_ns;		/* clock_ns() at which the timer read 0 */
	uint64_t tmr_epoch;	/* ticks >> 23 when TMR_STS was last cleared */
	uint16_t pm1_sts;	/* everything but TMR_STS, which is derived */
	uint16_t pm1_en;
	uint16_t pm1_cnt;
};

/*
 * Ticks since t0: floor(ns * 3579545 / 1e9) without a 128-bit product.
 * Split ns = s * 1e9 + r; then ticks = s * F + floor(r * F / 1e9) exactly,
 * and r * F < 1e9 * 3.6e6 fits in 64 bits.  s * F wraps only after
 * 163,000 years, and even then only modulo 2^64, which keeps the low 24
 * (and 23) bits right.
 */
static uint64_t timer_ticks(const struct acpipm *pm)
{
	uint64_t ns = pm->host.clock_ns(pm->host.ctx) - pm->t0_ns;
	uint64_t s = ns / NS_PER_SEC;
	uint64_t r = ns % NS_PER_SEC;

	return s * ACPIPM_TIMER_HZ + r * ACPIPM_TIMER_HZ / NS_PER_SEC;
}

uint32_t acpipm_timer(const struct acpipm *pm)
{
	return (uint32_t)(timer_ticks(pm) & ACPIPM_TIMER_MASK);
}

static uint16_t pm1_status(const struct acpipm *pm)
{
	uint16_t sts = pm->pm1_sts;

	if ((timer_ticks(pm) >> TIMER_MSB_SHIFT) != pm->tmr_epoch)
		sts |= ACPIPM_STS_TMR;
	return sts;
}

static bool access_ok(uint64_t offset, uint32_t len)
{
	return len >= 1 && len <= 4 && offset < ACPIPM_WINDOW_SIZE &&
	       len <= ACPIPM_WINDOW_SIZE - offset;
}

static void put_le(uint8_t *p, uint32_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Slow path for any other access: lay the register block out as bytes and
 * copy the requested slice, so byte, word and unaligned accesses all agree.
 */
static int acpipm_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct acpipm *pm = opaque;
	uint8_t img[ACPIPM_WINDOW_SIZE] = { 0 };

	if (!access_ok(offset, len))
		return -EINVAL;
	if (offset == ACPIPM_PM_TMR && len == 4) {
		dev_store_le(data, 4, acpipm_timer(pm));
		return 0;
	}
	put_le(img + ACPIPM_PM1_STS, pm1_status(pm), 2);
	put_le(img + ACPIPM_PM1_EN, pm->pm1_en, 2);
	put_le(img + ACPIPM_PM1_CNT, pm->pm1_cnt, 2);
	put_le(img + ACPIPM_PM_TMR, acpipm_timer(pm), 4);
	memcpy(data, img + offset, len);
	return 0;
}

/*
 * The part of a write of (len) bytes at (offset) that lands in the 16-bit
 * register at (reg): the value, and a mask of the bits actually written.
 */
static uint16_t reg16_slice(uint64_t offset, const uint8_t *data, uint32_t len,
			    uint64_t reg, uint16_t *mask)
{
	uint16_t v = 0;

	*mask = 0;
	for (uint32_t i = 0; i < len; i++) {
		uint64_t at = offset + i;

		if (at == reg || at == reg + 1) {
			unsigned shift = (unsigned)(at - reg) * 8;

			v |= (uint16_t)(data[i] << shift);
			*mask |= (uint16_t)(0xFF << shift);
		}
	}
	return v;
}

static void pm1_cnt_write(struct acpipm *pm, uint16_t v, uint16_t mask)
{
	uint16_t cnt = (uint16_t)((pm->pm1_cnt & ~mask) | (v & mask));

	pm->pm1_cnt = cnt & PM1_CNT_STORED;
	if (!(v & mask & ACPIPM_CNT_SLP_EN))
		return;
	/* S5 in QEMU's PIIX4 encoding; other sleep types: see the header. */
	if ((cnt & ACPIPM_CNT_SLP_TYP_MASK) == 0 && pm->host.request)
		pm->host.request(pm->host.ctx, VMM_REQ_POWEROFF);
}

static int acpipm_write(void *opaque, uint64_t offset, const void *data,
			uint32_t len)
{
	struct acpipm *pm = opaque;
	uint16_t v, mask;

	if (!access_ok(offset, len))
		return -EINVAL;
	v = reg16_slice(offset, data, len, ACPIPM_PM1_STS, &mask);
	if (v & mask & ACPIPM_STS_TMR)
		pm->tmr_epoch = timer_ticks(pm) >> TIMER_MSB_SHIFT;
	pm->pm1_sts &= (uint16_t)~(v & mask & PM1_STS_W1C);
	v = reg16_slice(offset, data, len, ACPIPM_PM1_EN, &mask);
	mask &= PM1_EN_WRITABLE;
	pm->pm1_en = (uint16_t)((pm->pm1_en & ~mask) | (v & mask));
	v = reg16_slice(offset, data, len, ACPIPM_PM1_CNT, &mask);
	if (mask)
		pm1_cnt_write(pm, v, mask);
	return 0;
}

static void acpipm_reset(void *opaque)
{
	struct acpipm *pm = opaque;

	pm->t0_ns = pm->host.clock_ns(pm->host.ctx);
	pm->tmr_epoch = 0;
	pm->pm1_sts = 0;
	pm->pm1_en = 0;
	pm->pm1_cnt = 0;
}

static const struct vmm_device_ops acpipm_ops = {
	.state_size = sizeof(struct acpipm),
	.read = acpipm_read,
	.write = acpipm_write,
	.reset = acpipm_reset,
};

int acpipm_create(const struct vmm_host *host, struct acpipm **out)
{
	struct acpipm *pm;

	if (!host || !out || !host->clock_ns)
		return -EINVAL;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	pm->host = *host;
	pm->dev = (struct vmm_device){ "acpipm", &acpipm_ops, pm };
	acpipm_reset(pm);
	*out = pm;
	return 0;
}

struct vmm_device *acpipm_device(struct acpipm *pm)
{
	return &pm->dev;
}

void acpipm_destroy(struct acpipm *pm)
{
	free(pm);
}
