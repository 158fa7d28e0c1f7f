// SPDX-License-Identifier: Apache-2.0
/*
 * Config mechanism #1 and three fixed functions.  Each function is a
 * 256-byte config image plus two per-byte masks (writable bits, write-1-to-
 * clear bits), so any width at any offset follows one rule and the access
 * path is a table lookup with no allocation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci/pci.h"

#define PCI_CFG_SIZE		256
#define PCI_NR_FUNCTIONS	3

/* Type 0 header offsets (PCI 3.0, 6.1). */
#define CFG_VENDOR		0x00
#define CFG_DEVICE		0x02
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_REVISION		0x08
#define CFG_CLASS		0x09	/* prog-if, subclass, class */
#define CFG_HEADER_TYPE		0x0E
#define CFG_INT_LINE		0x3C
#define CFG_INT_PIN		0x3D

#define HEADER_MULTIFUNCTION	0x80
/* I/O, memory, bus master, parity response; SERR# enable. */
#define COMMAND_WMASK		0x0147
/* Status: master/target/system errors, parity: write-1-to-clear. */
#define STATUS_W1C		0xF900
#define STATUS_DEVSEL_MEDIUM	0x0200
#define STATUS_FAST_B2B		0x0080

/* i440FX PMC (82441FX datasheet 3.2). */
#define I440FX_PAM0		0x59
#define I440FX_PAM6		0x5F
#define I440FX_SMRAM		0x72
#define I440FX_SMRAM_DEFAULT	0x02	/* C_BASE_SEG hard-wired to 010 */
/* PIIX3 PIRQ route control (82371SB datasheet 2.2.8). */
#define PIIX3_PIRQRC		0x60
#define PIIX3_PIRQ_DISABLED	0x80

/* CONFIG_ADDRESS bits that exist: enable, bus, device, function, dword. */
#define ADDRESS_STORED		0x80FFFFFCu

struct pci_function {
	uint8_t devfn;
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	uint8_t w1c[PCI_CFG_SIZE];
};

struct pci {
	struct vmm_host host;
	struct vmm_device dev;
	struct pci_config config;
	uint32_t address;
	struct pci_function fn[PCI_NR_FUNCTIONS];
	/* What host->pio_map() was last told about the PM block. */
	uint16_t pm_base;
	bool pm_mapped;
};

static void put16(uint8_t *p, unsigned off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p, unsigned off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

/* The part of a type 0 header every function here shares. */
static void header_init(struct pci_function *f, uint8_t devfn,
			uint16_t device_id, uint8_t rev, uint32_t class_code)
{
	memset(f, 0, sizeof(*f));
	f->devfn = devfn;
	put16(f->cfg, CFG_VENDOR, 0x8086);
	put16(f->cfg, CFG_DEVICE, device_id);
	f->cfg[CFG_REVISION] = rev;
	f->cfg[CFG_CLASS] = (uint8_t)class_code;
	f->cfg[CFG_CLASS + 1] = (uint8_t)(class_code >> 8);
	f->cfg[CFG_CLASS + 2] = (uint8_t)(class_code >> 16);
	put16(f->wmask, CFG_COMMAND, COMMAND_WMASK);
	put16(f->w1c, CFG_STATUS, STATUS_W1C);
	f->wmask[CFG_INT_LINE] = 0xFF;
}

static void host_bridge_init(struct pci_function *f)
{
	header_init(f, PCI_DEVFN_HOST, 0x1237, 0x02, 0x060000);
	/* PAM0 has only the high nibble (0xF0000 BIOS area), PAM1-6 both. */
	f->wmask[I440FX_PAM0] = 0x30;
	for (unsigned r = I440FX_PAM0 + 1; r <= I440FX_PAM6; r++)
		f->wmask[r] = 0x33;
	f->cfg[I440FX_SMRAM] = I440FX_SMRAM_DEFAULT;
	f->wmask[I440FX_SMRAM] = 0x78;	/* D_OPEN, D_CLS, D_LCK, G_SMRAME */
}

static void isa_bridge_init(struct pci_function *f)
{
	header_init(f, PCI_DEVFN_ISA, 0x7000, 0x00, 0x060100);
	put16(f->cfg, CFG_STATUS, STATUS_DEVSEL_MEDIUM);
	f->cfg[CFG_HEADER_TYPE] = HEADER_MULTIFUNCTION;
	for (unsigned r = PIIX3_PIRQRC; r < PIIX3_PIRQRC + 4; r++) {
		f->cfg[r] = PIIX3_PIRQ_DISABLED;
		f->wmask[r] = 0x8F;	/* IRQROUTEN + IRQ number */
	}
}

static void pm_init(struct pci_function *f)
{
	header_init(f, PCI_DEVFN_PM, 0x7113, 0x03, 0x068000);
	put16(f->cfg, CFG_STATUS, STATUS_DEVSEL_MEDIUM | STATUS_FAST_B2B);
	f->cfg[CFG_INT_LINE] = 9;
	f->cfg[CFG_INT_PIN] = 1;
	/* PMBA: bit 0 hard-wired 1 (I/O space), bits 15:6 the base. */
	f->cfg[PCI_PM_PMBA] = 0x01;
	f->wmask[PCI_PM_PMBA] = 0xC0;
	f->wmask[PCI_PM_PMBA + 1] = 0xFF;
	f->wmask[PCI_PM_PMREGMISC] = 0x01;
}

static struct pci_function *find_function(struct pci *pci)
{
	uint8_t bus = (uint8_t)(pci->address >> 16);
	uint8_t devfn = (uint8_t)(pci->address >> 8);

	if (!(pci->address & PCI_ADDRESS_ENABLE) || bus != 0)
		return NULL;
	for (unsigned i = 0; i < PCI_NR_FUNCTIONS; i++)
		if (pci->fn[i].devfn == devfn)
			return &pci->fn[i];
	return NULL;
}

/*
 * Tell the machine where the PM block is now.  Only transitions are passed
 * on; on failure the old mapping is assumed still in place, and the error
 * goes back to the bus (the config bytes keep what the guest wrote).
 */
static int pm_sync_mapping(struct pci *pci, const struct pci_function *f)
{
	uint16_t base = get16(f->cfg, PCI_PM_PMBA) & ~(PCI_PM_IO_SIZE - 1);
	bool enable = f->cfg[PCI_PM_PMREGMISC] & 0x01;
	int rc;

	if (!pci->config.acpipm || !pci->host.pio_map)
		return 0;
	if (enable == pci->pm_mapped && (!enable || base == pci->pm_base))
		return 0;
	rc = pci->host.pio_map(pci->host.ctx, pci->config.acpipm,
			       enable ? base : pci->pm_base, PCI_PM_IO_SIZE,
			       enable);
	if (rc < 0)
		return rc;
	pci->pm_mapped = enable;
	pci->pm_base = base;
	return 0;
}

static bool touches(unsigned reg, uint32_t len, unsigned lo, unsigned hi)
{
	return reg <= hi && reg + len > lo;
}

static int config_write(struct pci *pci, struct pci_function *f, unsigned reg,
			const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		unsigned r = reg + i;

		f->cfg[r] = (uint8_t)((f->cfg[r] & ~f->wmask[r]) |
				      (data[i] & f->wmask[r]));
		f->cfg[r] &= (uint8_t)~(data[i] & f->w1c[r]);
	}
	if (f->devfn == PCI_DEVFN_PM &&
	    (touches(reg, len, PCI_PM_PMBA, PCI_PM_PMBA + 1) ||
	     touches(reg, len, PCI_PM_PMREGMISC, PCI_PM_PMREGMISC)))
		return pm_sync_mapping(pci, f);
	return 0;
}

/* The config register a CONFIG_DATA access at (offset) starts at. */
static unsigned data_register(const struct pci *pci, uint64_t offset)
{
	return (pci->address & 0xFC) + (unsigned)(offset - PCI_OFFSET_DATA);
}

static bool access_ok(uint64_t offset, uint32_t len)
{
	return len >= 1 && len <= 4 && offset < PCI_WINDOW_SIZE &&
	       len <= PCI_WINDOW_SIZE - offset;
}

/* Which register of 0xCF8-0xCFB an access names, or -1 for none. */
static int address_port_kind(uint64_t offset, uint32_t len)
{
	if (offset == PCI_OFFSET_ADDRESS && len == 4)
		return PCI_OFFSET_ADDRESS;
	if (offset == PCI_OFFSET_RESETCTL && len == 1)
		return PCI_OFFSET_RESETCTL;
	return -1;
}

static int address_port_read(struct pci *pci, uint64_t offset, void *data,
			     uint32_t len)
{
	const struct vmm_device *rc = pci->config.resetctl;

	switch (address_port_kind(offset, len)) {
	case PCI_OFFSET_ADDRESS:
		dev_store_le(data, 4, pci->address);
		return 0;
	case PCI_OFFSET_RESETCTL:
		return rc ? rc->ops->read(rc->opaque, 0, data, 1) : 0;
	default:
		return 0;
	}
}

static int address_port_write(struct pci *pci, uint64_t offset,
			      const void *data, uint32_t len)
{
	const struct vmm_device *rc = pci->config.resetctl;

	switch (address_port_kind(offset, len)) {
	case PCI_OFFSET_ADDRESS:
		pci->address = (uint32_t)dev_load_le(data, 4) & ADDRESS_STORED;
		return 0;
	case PCI_OFFSET_RESETCTL:
		return rc ? rc->ops->write(rc->opaque, 0, data, 1) : 0;
	default:
		return 0;
	}
}

static int pci_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct pci *pci = opaque;
	struct pci_function *f;
	unsigned reg;

	if (!access_ok(offset, len))
		return -EINVAL;
	if (offset < PCI_OFFSET_DATA)
		return address_port_read(pci, offset, data, len);
	f = find_function(pci);
	reg = data_register(pci, offset);
	if (f && reg + len <= PCI_CFG_SIZE)
		memcpy(data, f->cfg + reg, len);
	return 0;
}

static int pci_write(void *opaque, uint64_t offset, const void *data,
		     uint32_t len)
{
	struct pci *pci = opaque;
	struct pci_function *f;
	unsigned reg;

	if (!access_ok(offset, len))
		return -EINVAL;
	if (offset < PCI_OFFSET_DATA)
		return address_port_write(pci, offset, data, len);
	f = find_function(pci);
	reg = data_register(pci, offset);
	if (!f || reg + len > PCI_CFG_SIZE)
		return 0;
	return config_write(pci, f, reg, data, len);
}

/* Power-on: every function back to defaults, the PM block unmapped. */
static void pci_reset(void *opaque)
{
	struct pci *pci = opaque;

	pci->address = 0;
	host_bridge_init(&pci->fn[0]);
	isa_bridge_init(&pci->fn[1]);
	pm_init(&pci->fn[2]);
	(void)pm_sync_mapping(pci, &pci->fn[2]);
}

static const struct vmm_device_ops pci_ops = {
	.state_size = sizeof(struct pci),
	.read = pci_read,
	.write = pci_write,
	.reset = pci_reset,
};

int pci_create(const struct vmm_host *host, const struct pci_config *config,
	       struct pci **out)
{
	struct pci *pci;

	if (!host || !config || !out)
		return -EINVAL;
	pci = calloc(1, sizeof(*pci));
	if (!pci)
		return -ENOMEM;
	pci->host = *host;
	pci->config = *config;
	pci->dev = (struct vmm_device){ "pci", &pci_ops, pci };
	pci_reset(pci);
	*out = pci;
	return 0;
}

struct vmm_device *pci_device(struct pci *pci)
{
	return &pci->dev;
}

int pci_function_info(const struct pci *pci, unsigned index,
		      struct pci_function_info *out)
{
	const struct pci_function *f;

	if (!pci || !out)
		return -EINVAL;
	if (index >= PCI_NR_FUNCTIONS)
		return -ENOENT;
	f = &pci->fn[index];
	*out = (struct pci_function_info){
		.devfn = f->devfn,
		.vendor_id = get16(f->cfg, CFG_VENDOR),
		.device_id = get16(f->cfg, CFG_DEVICE),
		.revision = f->cfg[CFG_REVISION],
		.class_code = (uint32_t)f->cfg[CFG_CLASS] |
			      (uint32_t)f->cfg[CFG_CLASS + 1] << 8 |
			      (uint32_t)f->cfg[CFG_CLASS + 2] << 16,
		.interrupt_pin = f->cfg[CFG_INT_PIN],
	};
	return 0;
}

void pci_destroy(struct pci *pci)
{
	free(pci);
}
