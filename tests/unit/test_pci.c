// SPDX-License-Identifier: Apache-2.0
/* Unit tests for devices/pci: mechanism #1, the three functions, PMBA. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/pci/pci.h"

#define CFG(dev, fn, reg) (PCI_ADDRESS_ENABLE | (dev) << 11 | (fn) << 8 | (reg))

struct map_call {
	const struct vmm_device *dev;
	uint16_t base;
	uint16_t len;
	bool enabled;
};

struct fake {
	struct map_call maps[8];
	unsigned nmaps;
	int map_rc;
	/* The stand-in reset-control device. */
	uint8_t rc_value;
	unsigned rc_reads, rc_writes;
	uint64_t rc_last_offset;
	uint32_t rc_last_len;
};

static int fake_pio_map(void *ctx, const struct vmm_device *dev, uint16_t base,
			uint16_t len, bool enabled)
{
	struct fake *f = ctx;

	if (f->nmaps < 8)
		f->maps[f->nmaps] = (struct map_call){ dev, base, len, enabled };
	f->nmaps++;
	return f->map_rc;
}

static int rc_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct fake *f = opaque;

	f->rc_reads++;
	f->rc_last_offset = offset;
	f->rc_last_len = len;
	*(uint8_t *)data = f->rc_value;
	return 0;
}

static int rc_write(void *opaque, uint64_t offset, const void *data,
		    uint32_t len)
{
	struct fake *f = opaque;

	f->rc_writes++;
	f->rc_last_offset = offset;
	f->rc_last_len = len;
	f->rc_value = *(const uint8_t *)data;
	return 0;
}

static const struct vmm_device_ops rc_ops = { .read = rc_read,
					      .write = rc_write };
static int pm_dummy_read(void *o, uint64_t off, void *d, uint32_t l)
{
	return 0;
}
static const struct vmm_device_ops pm_ops = { .read = pm_dummy_read };

struct fixture {
	struct fake fake;
	struct vmm_device resetctl;
	struct vmm_device acpipm;
	struct pci *pci;
	struct vmm_device *dev;
};

static int setup(void **state)
{
	static struct fixture fx;
	struct vmm_host host;
	struct pci_config config;

	memset(&fx, 0, sizeof(fx));
	fx.resetctl = (struct vmm_device){ "rc", &rc_ops, &fx.fake };
	fx.acpipm = (struct vmm_device){ "pm", &pm_ops, NULL };
	host = (struct vmm_host){ .ctx = &fx.fake, .pio_map = fake_pio_map };
	config = (struct pci_config){ &fx.resetctl, &fx.acpipm };
	if (pci_create(&host, &config, &fx.pci) != 0)
		return -1;
	fx.dev = pci_device(fx.pci);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	pci_destroy(fx->pci);
	return 0;
}

/* A port read as the bus does it: the buffer starts all-ones. */
static uint32_t in(struct fixture *fx, uint16_t port, uint32_t len)
{
	uint8_t buf[4] = { 0xFF, 0xFF, 0xFF, 0xFF };

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, port - 0xCF8, buf,
					    len), 0);
	return (uint32_t)dev_load_le(buf, len);
}

static void out(struct fixture *fx, uint16_t port, uint32_t len, uint32_t v)
{
	uint8_t buf[4];

	dev_store_le(buf, len, v);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, port - 0xCF8,
					     buf, len), 0);
}

static uint32_t cfg_read(struct fixture *fx, unsigned dev, unsigned fn,
			 unsigned reg, uint32_t len)
{
	out(fx, 0xCF8, 4, CFG(dev, fn, reg & 0xFC));
	return in(fx, (uint16_t)(0xCFC + (reg & 3)), len);
}

static void cfg_write(struct fixture *fx, unsigned dev, unsigned fn,
		      unsigned reg, uint32_t len, uint32_t v)
{
	out(fx, 0xCF8, 4, CFG(dev, fn, reg & 0xFC));
	out(fx, (uint16_t)(0xCFC + (reg & 3)), len, v);
}

static void test_pci_create_rejects_null(void **state)
{
	struct vmm_host host = { 0 };
	struct pci_config config = { 0 };
	struct pci *pci;

	assert_int_equal(pci_create(NULL, &config, &pci), -EINVAL);
	assert_int_equal(pci_create(&host, NULL, &pci), -EINVAL);
	assert_int_equal(pci_create(&host, &config, NULL), -EINVAL);
	pci_destroy(NULL);
}

static void test_pci_ids(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(cfg_read(fx, 0, 0, 0x00, 4), 0x12378086);
	assert_int_equal(cfg_read(fx, 0, 0, 0x08, 4), 0x06000002);
	assert_int_equal(cfg_read(fx, 0, 0, 0x0C, 4), 0x00000000);
	assert_int_equal(cfg_read(fx, 1, 0, 0x00, 4), 0x70008086);
	assert_int_equal(cfg_read(fx, 1, 0, 0x08, 4), 0x06010000);
	assert_int_equal(cfg_read(fx, 1, 0, 0x0E, 1), 0x80);
	assert_int_equal(cfg_read(fx, 1, 3, 0x00, 4), 0x71138086);
	assert_int_equal(cfg_read(fx, 1, 3, 0x08, 4), 0x06800003);
	assert_int_equal(cfg_read(fx, 1, 3, 0x3C, 4), 0x00000109);
	assert_int_equal(cfg_read(fx, 1, 3, 0x40, 4), 0x00000001);
}

/* What describe-machine lists: the same IDs, from the same bytes. */
static void test_pci_function_info(void **state)
{
	struct fixture *fx = *state;
	struct pci_function_info f;

	assert_int_equal(pci_function_info(fx->pci, 0, &f), 0);
	assert_int_equal(f.devfn, 0x00);
	assert_int_equal(f.vendor_id, 0x8086);
	assert_int_equal(f.device_id, 0x1237);
	assert_int_equal(f.revision, 0x02);
	assert_int_equal(f.class_code, 0x060000);
	assert_int_equal(pci_function_info(fx->pci, 1, &f), 0);
	assert_int_equal(f.devfn, 0x08);
	assert_int_equal(f.device_id, 0x7000);
	assert_int_equal(f.class_code, 0x060100);
	assert_int_equal(pci_function_info(fx->pci, 2, &f), 0);
	assert_int_equal(f.devfn, 0x0B);
	assert_int_equal(f.device_id, 0x7113);
	assert_int_equal(f.revision, 0x03);
	assert_int_equal(f.class_code, 0x068000);
	assert_int_equal(f.interrupt_pin, 1);
	assert_int_equal(pci_function_info(fx->pci, 3, &f), -ENOENT);
	assert_int_equal(pci_function_info(NULL, 0, &f), -EINVAL);
	assert_int_equal(pci_function_info(fx->pci, 0, NULL), -EINVAL);
}

static void test_pci_address_register_readback(void **state)
{
	struct fixture *fx = *state;

	out(fx, 0xCF8, 4, 0xFFFFFFFF);
	/* Reserved bits 30:24 and the low two bits read 0. */
	assert_int_equal(in(fx, 0xCF8, 4), 0x80FFFFFC);
	out(fx, 0xCF8, 4, 0x80000800);
	assert_int_equal(in(fx, 0xCF8, 4), 0x80000800);
	/* A byte or word at 0xCF8 is not CONFIG_ADDRESS. */
	out(fx, 0xCF8, 2, 0x1234);
	assert_int_equal(in(fx, 0xCF8, 4), 0x80000800);
	assert_int_equal(in(fx, 0xCF8, 2), 0xFFFF);
	assert_int_equal(in(fx, 0xCFA, 1), 0xFF);
}

static void test_pci_byte_and_word_reads_at_cfe(void **state)
{
	struct fixture *fx = *state;

	out(fx, 0xCF8, 4, CFG(0, 0, 0x00));
	assert_int_equal(in(fx, 0xCFE, 2), 0x1237);
	assert_int_equal(in(fx, 0xCFE, 1), 0x37);
	assert_int_equal(in(fx, 0xCFF, 1), 0x12);
	assert_int_equal(in(fx, 0xCFC, 2), 0x8086);
	assert_int_equal(in(fx, 0xCFD, 1), 0x80);
	/* Unaligned word inside the dword: bytes 1-2. */
	assert_int_equal(in(fx, 0xCFD, 2), 0x3780);
	out(fx, 0xCF8, 4, CFG(1, 0, 0x08));
	assert_int_equal(in(fx, 0xCFE, 2), 0x0601);
	assert_int_equal(in(fx, 0xCFF, 1), 0x06);
}

static void test_pci_absent_returns_all_ones(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(cfg_read(fx, 2, 0, 0x00, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(fx, 1, 1, 0x00, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(fx, 0, 1, 0x00, 2), 0xFFFF);
	assert_int_equal(cfg_read(fx, 31, 7, 0xFC, 4), 0xFFFFFFFF);
	/* Bus 1 does not exist. */
	out(fx, 0xCF8, 4, PCI_ADDRESS_ENABLE | 1 << 16);
	assert_int_equal(in(fx, 0xCFC, 4), 0xFFFFFFFF);
	/* Enable bit clear: no config cycle. */
	out(fx, 0xCF8, 4, 0x00000000);
	assert_int_equal(in(fx, 0xCFC, 4), 0xFFFFFFFF);
	out(fx, 0xCFC, 4, 0);
	assert_int_equal(cfg_read(fx, 0, 0, 0x00, 4), 0x12378086);
}

static void test_pci_ids_are_read_only(void **state)
{
	struct fixture *fx = *state;

	cfg_write(fx, 0, 0, 0x00, 4, 0);
	cfg_write(fx, 1, 3, 0x08, 4, 0);
	cfg_write(fx, 1, 3, 0x3D, 1, 4);
	cfg_write(fx, 1, 0, 0x0E, 1, 0);
	assert_int_equal(cfg_read(fx, 0, 0, 0x00, 4), 0x12378086);
	assert_int_equal(cfg_read(fx, 1, 3, 0x08, 4), 0x06800003);
	assert_int_equal(cfg_read(fx, 1, 3, 0x3D, 1), 1);
	assert_int_equal(cfg_read(fx, 1, 0, 0x0E, 1), 0x80);
}

static void test_pci_bars_read_zero(void **state)
{
	struct fixture *fx = *state;

	for (unsigned reg = 0x10; reg < 0x28; reg += 4) {
		cfg_write(fx, 1, 3, reg, 4, 0xFFFFFFFF);
		assert_int_equal(cfg_read(fx, 1, 3, reg, 4), 0);
	}
}

static void test_pci_command_status_line(void **state)
{
	struct fixture *fx = *state;

	cfg_write(fx, 1, 3, 0x04, 2, 0xFFFF);
	assert_int_equal(cfg_read(fx, 1, 3, 0x04, 2), 0x0147);
	cfg_write(fx, 1, 3, 0x04, 2, 0x0001);
	assert_int_equal(cfg_read(fx, 1, 3, 0x04, 4), 0x02800001);
	/* Writing 1s to status clears error bits only; DEVSEL stays. */
	cfg_write(fx, 1, 3, 0x06, 2, 0xFFFF);
	assert_int_equal(cfg_read(fx, 1, 3, 0x06, 2), 0x0280);
	cfg_write(fx, 1, 3, 0x3C, 1, 0x0B);
	assert_int_equal(cfg_read(fx, 1, 3, 0x3C, 2), 0x010B);
}

static void test_pci_pam_smram_stored(void **state)
{
	struct fixture *fx = *state;

	cfg_write(fx, 0, 0, 0x58, 4, 0xFFFFFFFF);
	assert_int_equal(cfg_read(fx, 0, 0, 0x58, 4), 0x33333000);
	cfg_write(fx, 0, 0, 0x5C, 4, 0x11223311);
	assert_int_equal(cfg_read(fx, 0, 0, 0x5C, 4), 0x11223311);
	assert_int_equal(cfg_read(fx, 0, 0, 0x72, 1), 0x02);
	cfg_write(fx, 0, 0, 0x72, 1, 0x4A);
	assert_int_equal(cfg_read(fx, 0, 0, 0x72, 1), 0x4A);
	/* PIRQ routes on the ISA bridge. */
	assert_int_equal(cfg_read(fx, 1, 0, 0x60, 4), 0x80808080);
	cfg_write(fx, 1, 0, 0x60, 4, 0x0B0B0A0A);
	assert_int_equal(cfg_read(fx, 1, 0, 0x60, 4), 0x0B0B0A0A);
}

static void test_pci_pmba_maps_when_enabled(void **state)
{
	struct fixture *fx = *state;

	/* OVMF: PMBA = 0xB001 ... */
	cfg_write(fx, 1, 3, 0x40, 4, 0xB001);
	assert_int_equal(fx->fake.nmaps, 0);
	assert_int_equal(cfg_read(fx, 1, 3, 0x40, 4), 0x0000B001);
	/* ... then PMREGMISC bit 0. */
	cfg_write(fx, 1, 3, 0x80, 1, 0x01);
	assert_int_equal(fx->fake.nmaps, 1);
	assert_ptr_equal(fx->fake.maps[0].dev, &fx->acpipm);
	assert_int_equal(fx->fake.maps[0].base, 0xB000);
	assert_int_equal(fx->fake.maps[0].len, 64);
	assert_true(fx->fake.maps[0].enabled);
	/* Rewriting the same values changes nothing. */
	cfg_write(fx, 1, 3, 0x80, 1, 0x01);
	cfg_write(fx, 1, 3, 0x40, 4, 0xB001);
	assert_int_equal(fx->fake.nmaps, 1);
	/* Moving the base while enabled re-places the window. */
	cfg_write(fx, 1, 3, 0x40, 2, 0x6000);
	assert_int_equal(fx->fake.nmaps, 2);
	assert_int_equal(fx->fake.maps[1].base, 0x6000);
	assert_true(fx->fake.maps[1].enabled);
	/* Disabling removes it. */
	cfg_write(fx, 1, 3, 0x80, 1, 0x00);
	assert_int_equal(fx->fake.nmaps, 3);
	assert_int_equal(fx->fake.maps[2].base, 0x6000);
	assert_false(fx->fake.maps[2].enabled);
}

static void test_pci_pmba_alignment(void **state)
{
	struct fixture *fx = *state;

	cfg_write(fx, 1, 3, 0x40, 4, 0xFFFFFFFF);
	/* Bits 15:6 writable, bit 0 reads 1, high word reserved. */
	assert_int_equal(cfg_read(fx, 1, 3, 0x40, 4), 0x0000FFC1);
	cfg_write(fx, 1, 3, 0x40, 4, 0xB03E);
	assert_int_equal(cfg_read(fx, 1, 3, 0x40, 4), 0x0000B001);
	cfg_write(fx, 1, 3, 0x80, 4, 0xFFFFFFFF);
	assert_int_equal(cfg_read(fx, 1, 3, 0x80, 4), 0x00000001);
	assert_int_equal(fx->fake.maps[0].base, 0xB000);
}

static void test_pci_pio_map_failure_reported(void **state)
{
	struct fixture *fx = *state;
	uint8_t one = 1;

	fx->fake.map_rc = -EEXIST;
	cfg_write(fx, 1, 3, 0x40, 2, 0xB000);
	out(fx, 0xCF8, 4, CFG(1, 3, 0x80));
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 4, &one, 1),
			 -EEXIST);
	/* Not mapped: the next attempt tries again. */
	fx->fake.map_rc = 0;
	cfg_write(fx, 1, 3, 0x80, 1, 0x01);
	assert_int_equal(fx->fake.nmaps, 2);
	assert_true(fx->fake.maps[1].enabled);
}

static void test_pci_reset_unmaps_pm(void **state)
{
	struct fixture *fx = *state;

	cfg_write(fx, 1, 3, 0x40, 2, 0xB000);
	cfg_write(fx, 1, 3, 0x80, 1, 0x01);
	cfg_write(fx, 0, 0, 0x72, 1, 0x4A);
	fx->dev->ops->reset(fx->dev->opaque);
	assert_int_equal(fx->fake.nmaps, 2);
	assert_false(fx->fake.maps[1].enabled);
	assert_int_equal(fx->fake.maps[1].base, 0xB000);
	assert_int_equal(in(fx, 0xCF8, 4), 0);
	assert_int_equal(cfg_read(fx, 1, 3, 0x40, 4), 1);
	assert_int_equal(cfg_read(fx, 0, 0, 0x72, 1), 0x02);
}

static void test_pci_cf9_forwarding(void **state)
{
	struct fixture *fx = *state;

	out(fx, 0xCF8, 4, CFG(0, 0, 0));
	out(fx, 0xCF9, 1, 0x06);
	assert_int_equal(fx->fake.rc_writes, 1);
	assert_int_equal(fx->fake.rc_value, 0x06);
	assert_int_equal(fx->fake.rc_last_offset, 0);
	assert_int_equal(fx->fake.rc_last_len, 1);
	assert_int_equal(in(fx, 0xCF9, 1), 0x06);
	assert_int_equal(fx->fake.rc_reads, 1);
	/* CONFIG_ADDRESS untouched by the byte at 0xCF9. */
	assert_int_equal(in(fx, 0xCF8, 4), CFG(0, 0, 0));
	/* A dword write to 0xCF8 is not a reset-control write. */
	out(fx, 0xCF8, 4, 0x0000FF00);
	assert_int_equal(fx->fake.rc_writes, 1);
}

static void test_pci_cf9_without_resetctl(void **state)
{
	struct vmm_host host = { 0 };
	struct pci_config config = { 0 };
	struct fixture fx2;

	memset(&fx2, 0, sizeof(fx2));
	assert_int_equal(pci_create(&host, &config, &fx2.pci), 0);
	fx2.dev = pci_device(fx2.pci);
	out(&fx2, 0xCF9, 1, 0x06);
	assert_int_equal(in(&fx2, 0xCF9, 1), 0xFF);
	/* No pio_map callback: PM registers still work. */
	cfg_write(&fx2, 1, 3, 0x80, 1, 0x01);
	assert_int_equal(cfg_read(&fx2, 1, 3, 0x80, 1), 0x01);
	pci_destroy(fx2.pci);
}

static void test_pci_bad_access(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[8] = { 0 };

	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 6, buf, 4),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->write(fx->dev->opaque, 8, buf, 1),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, 0, buf, 8),
			 -EINVAL);
	assert_int_equal(fx->dev->ops->read(fx->dev->opaque, UINT64_MAX - 1,
					    buf, 4), -EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pci_create_rejects_null),
		T(test_pci_ids),
		T(test_pci_function_info),
		T(test_pci_address_register_readback),
		T(test_pci_byte_and_word_reads_at_cfe),
		T(test_pci_absent_returns_all_ones),
		T(test_pci_ids_are_read_only),
		T(test_pci_bars_read_zero),
		T(test_pci_command_status_line),
		T(test_pci_pam_smram_stored),
		T(test_pci_pmba_maps_when_enabled),
		T(test_pci_pmba_alignment),
		T(test_pci_pio_map_failure_reported),
		T(test_pci_reset_unmaps_pm),
		T(test_pci_cf9_forwarding),
		cmocka_unit_test(test_pci_cf9_without_resetctl),
		T(test_pci_bad_access),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
