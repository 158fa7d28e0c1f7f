// SPDX-License-Identifier: Apache-2.0
/*
 * Op-script fuzzer for devices/pci.  Each 8-byte record:
 *   [0] op: 0 read, 1 write, 2 config cycle (CONFIG_ADDRESS then data),
 *       3 reset (low 2 bits); bit 2 of a config cycle makes it a write
 *   [1] offset in the window (0..9), or for op 2 the config register
 *   [2] width: 1 << (b & 3)
 *   [3..6] value, little-endian
 *   [7] op 2: devfn
 * Invariants: vendor/device IDs never change; pio_map only ever sees the
 * acpipm device, a 64-port window on a 64-aligned base, and alternating
 * or moving mappings; the reset-control stand-in only sees byte accesses
 * at its offset 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci/pci.h"
#include "tests/fuzz/opscript.h"

struct fuzz_host {
	struct vmm_device acpipm;
	struct vmm_device resetctl;
	uint8_t rc_value;
	bool mapped;
	uint16_t base;
};

static int rc_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct fuzz_host *h = opaque;

	if (offset != 0 || len != 1)
		abort();
	*(uint8_t *)data = h->rc_value;
	return 0;
}

static int rc_write(void *opaque, uint64_t offset, const void *data,
		    uint32_t len)
{
	struct fuzz_host *h = opaque;

	if (offset != 0 || len != 1)
		abort();
	h->rc_value = *(const uint8_t *)data;
	return 0;
}

static const struct vmm_device_ops rc_ops = { .read = rc_read,
					      .write = rc_write };
static const struct vmm_device_ops pm_ops = { 0 };

static int fz_pio_map(void *ctx, const struct vmm_device *dev, uint16_t base,
		      uint16_t len, bool enabled)
{
	struct fuzz_host *h = ctx;

	if (dev != &h->acpipm || len != PCI_PM_IO_SIZE || (base & 63))
		abort();
	/* Only transitions: a no-op remap is a bug. */
	if (enabled && h->mapped && base == h->base)
		abort();
	if (!enabled && !h->mapped)
		abort();
	h->mapped = enabled;
	h->base = base;
	return 0;
}

static uint32_t config_read(struct vmm_device *dev, uint8_t devfn, uint8_t reg)
{
	uint8_t addr[4], v[4] = { 0xFF, 0xFF, 0xFF, 0xFF };

	dev_store_le(addr, 4, PCI_ADDRESS_ENABLE | (uint32_t)devfn << 8 | reg);
	dev->ops->write(dev->opaque, PCI_OFFSET_ADDRESS, addr, 4);
	dev->ops->read(dev->opaque, PCI_OFFSET_DATA, v, 4);
	return (uint32_t)dev_load_le(v, 4);
}

static void config_cycle(struct vmm_device *dev, const uint8_t *r)
{
	uint8_t addr[4], buf[8];
	uint32_t width = 1u << (r[2] & 3);
	uint64_t offset = PCI_OFFSET_DATA + (r[1] & 3);

	dev_store_le(addr, 4, PCI_ADDRESS_ENABLE | (uint32_t)r[7] << 8 |
				      (r[1] & 0xFC));
	dev->ops->write(dev->opaque, PCI_OFFSET_ADDRESS, addr, 4);
	memset(buf, 0xFF, sizeof(buf));
	memcpy(buf, r + 3, 4);
	if (r[0] & 4)
		dev->ops->write(dev->opaque, offset, buf, width);
	else
		dev->ops->read(dev->opaque, offset, buf, width);
}

static void check_invariants(struct vmm_device *dev)
{
	if (config_read(dev, PCI_DEVFN_HOST, 0) != 0x12378086 ||
	    config_read(dev, PCI_DEVFN_ISA, 0) != 0x70008086 ||
	    config_read(dev, PCI_DEVFN_PM, 0) != 0x71138086 ||
	    (config_read(dev, PCI_DEVFN_PM, PCI_PM_PMBA) & 1) != 1 ||
	    config_read(dev, PCI_DEVFN(2, 0), 0) != 0xFFFFFFFF)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_host fh;
	struct vmm_host host = { .ctx = &fh, .pio_map = fz_pio_map };
	struct pci_config config;
	struct pci *pci;
	struct vmm_device *dev;

	memset(&fh, 0, sizeof(fh));
	fh.acpipm = (struct vmm_device){ "pm", &pm_ops, NULL };
	fh.resetctl = (struct vmm_device){ "rc", &rc_ops, &fh };
	config = (struct pci_config){ &fh.resetctl, &fh.acpipm };
	if (size < OPSCRIPT_RECORD || pci_create(&host, &config, &pci) != 0)
		return 0;
	dev = pci_device(pci);
	for (size_t i = 0; i + OPSCRIPT_RECORD <= size; i += OPSCRIPT_RECORD) {
		const uint8_t *r = data + i;

		switch (opscript_step(dev, PCI_WINDOW_SIZE, r)) {
		case OPSCRIPT_OWN:
			config_cycle(dev, r);
			break;
		case OPSCRIPT_RESET:
			if (fh.mapped)
				abort();
			break;
		default:
			break;
		}
	}
	check_invariants(dev);
	pci_destroy(pci);
	return 0;
}
