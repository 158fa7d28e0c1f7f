// SPDX-License-Identifier: Apache-2.0
/*
 * The PC platform around the firmware: which device sits where, and the
 * host callbacks devices use to reach the machine.  Devices see offsets,
 * never KVM; this file is the glue.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/acpipm/acpipm.h"
#include "devices/cmos/cmos.h"
#include "devices/fwcfg/fwcfg.h"
#include "devices/pci/pci.h"
#include "devices/pflash/pflash.h"
#include "devices/sysctl/sysctl.h"
#include "devices/uart/uart.h"
#include "vmm/irq.h"
#include "vmm/layout.h"
#include "vmm/machine.h"

struct platform {
	struct acpipm *pm;
	struct pci *pci;
	struct fwcfg *fwcfg;
	struct cmos *cmos;
	struct uart *uart;
	struct port92 *port92;
	struct resetctl *resetctl;
	struct kbd *kbd;
	struct debugcon *debugcon;
	/* Split irqchip: port 0x61 is the PIT's, inside the i8042's 0x60-0x64
	 * window, so the i8042 sits at 0x60 and, through this, at 0x64. */
	struct vmm_device kbd_cmd;
	struct vmm_device harness;	/* VMM_F_HARNESS only */
};

static int kbd_cmd_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	const struct vmm_device *kbd = opaque;

	return kbd->ops->read(kbd->opaque, off + KBD_OFFSET_CMD, data, len);
}

static int kbd_cmd_write(void *opaque, uint64_t off, const void *data,
			 uint32_t len)
{
	const struct vmm_device *kbd = opaque;

	return kbd->ops->write(kbd->opaque, off + KBD_OFFSET_CMD, data, len);
}

static const struct vmm_device_ops kbd_cmd_ops = {
	.read = kbd_cmd_read, .write = kbd_cmd_write,
};

/* The RTC, for the event loop's timer (irq.c). */
struct cmos *platform_cmos(const struct vmm *vm)
{
	return vm->plat ? vm->plat->cmos : NULL;
}

struct pci *platform_pci(const struct vmm *vm)
{
	return vm->plat ? vm->plat->pci : NULL;
}

static int place_kbd(struct vmm *vm, struct platform *p)
{
	struct vmm_device *kbd = kbd_device(p->kbd);
	int rc;

	if (vm->cfg.irqchip != VMM_IRQCHIP_SPLIT)
		return bus_register(&vm->pio, LAYOUT_PORT_KBD_DATA,
				    KBD_WINDOW_SIZE, kbd);
	p->kbd_cmd = (struct vmm_device){ "i8042-cmd", &kbd_cmd_ops, kbd };
	rc = bus_register(&vm->pio, LAYOUT_PORT_KBD_DATA, 1, kbd);
	if (rc == 0)
		rc = bus_register(&vm->pio, LAYOUT_PORT_KBD_CMD, 1, &p->kbd_cmd);
	return rc;
}

static void host_set_irq(void *ctx, unsigned gsi, int level)
{
	irq_set_line(ctx, gsi, level);
}

static void host_request(void *ctx, enum vmm_request req)
{
	struct vmm *vm = ctx;

	/* Power-off wins over reset when both arrive in one exit. */
	if (req > vm->request)
		vm->request = req;
}

static uint64_t host_clock_ns(void *ctx)
{
	(void)ctx;
	return monotonic_ns();
}

static int64_t host_wallclock(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL);
}

static void write_all(int fd, const uint8_t *buf, size_t len)
{
	while (fd >= 0 && len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a closed console must not stop the guest */
		buf += n;
		len -= (size_t)n;
	}
}

static void host_console_out(void *ctx, const uint8_t *buf, size_t len)
{
	write_all(((struct vmm *)ctx)->cfg.console_out_fd, buf, len);
}

static void host_debug_out(void *ctx, const uint8_t *buf, size_t len)
{
	write_all(((struct vmm *)ctx)->cfg.debugcon_fd, buf, len);
}

static int host_pio_map(void *ctx, const struct vmm_device *dev, uint16_t base,
			uint16_t len, bool enabled)
{
	struct vmm *vm = ctx;

	bus_unregister(&vm->pio, dev);
	if (!enabled)
		return 0;
	return bus_register(&vm->pio, base, len, dev);
}

/* QEMU's etc/e820: RAM, KVM's reserved TSS pages, RAM above 4 GiB. */
static int add_e820(struct vmm *vm, struct fwcfg *fw)
{
	uint8_t tbl[3 * 20];
	const uint64_t ent[3][3] = {
		{ 0, vm->low_ram, 1 },
		{ LAYOUT_KVM_RESERVED, LAYOUT_KVM_RESERVED_SIZE, 2 },
		{ LAYOUT_HIGHMEM_BASE, vm->high_ram, 1 },
	};
	unsigned n = vm->high_ram ? 3 : 2;

	for (unsigned i = 0; i < n; i++) {
		dev_store_le(tbl + 20 * i, 8, ent[i][0]);
		dev_store_le(tbl + 20 * i + 8, 8, ent[i][1]);
		dev_store_le(tbl + 20 * i + 16, 4, ent[i][2]);
	}
	return fwcfg_add_file(fw, "etc/e820", tbl, 20 * n);
}

static int create_devices(struct vmm *vm, struct platform *p)
{
	const struct vmm_host *h = &vm->host;
	const struct fwcfg_config fcfg = { .ncpus = 1, .max_cpus = 1 };
	struct pci_config pcfg;
	int rc;

	rc = acpipm_create(h, &p->pm);
	if (!rc)
		rc = resetctl_create(h, &p->resetctl);
	if (!rc) {
		memset(&pcfg, 0, sizeof(pcfg));
		pcfg.acpipm = acpipm_device(p->pm);
		pcfg.resetctl = resetctl_device(p->resetctl);
		rc = pci_create(h, &pcfg, &p->pci);
	}
	if (!rc)
		rc = fwcfg_create(h, &fcfg, &p->fwcfg);
	if (!rc)
		rc = add_e820(vm, p->fwcfg);
	for (unsigned i = 0; !rc && i < vm->cfg.fwcfg_count; i++)
		rc = fwcfg_add_file(p->fwcfg, vm->cfg.fwcfg_files[i].name,
				    vm->cfg.fwcfg_files[i].data,
				    vm->cfg.fwcfg_files[i].len);
	if (!rc)
		rc = cmos_create(h, vm->low_ram, vm->high_ram, 1, &p->cmos);
	if (!rc)
		rc = uart_create(h, LAYOUT_IRQ_COM1, &p->uart);
	if (!rc)
		rc = port92_create(h, &p->port92);
	if (!rc)
		rc = kbd_create(h, &p->kbd);
	if (!rc)
		rc = debugcon_create(h, &p->debugcon);
	return rc;
}

_Static_assert(LAYOUT_PORT_HARNESS == VMM_HARNESS_PORT, "one harness port");

/* The fuzzing harness's port (VMM_F_HARNESS): a dword OUT ends vmm_run(). */
static int harness_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	(void)opaque; (void)offset; (void)data; (void)len;
	return 0;	/* all-ones, as pre-filled */
}

static int harness_write(void *opaque, uint64_t offset, const void *data,
			 uint32_t len)
{
	struct vmm *vm = opaque;

	if (offset != 0 || len != 4)
		return -EINVAL;
	vm->harness_value = (uint32_t)dev_load_le(data, len);
	host_request(vm, VMM_REQ_HARNESS);
	return 0;
}

static const struct vmm_device_ops harness_ops = {
	.read = harness_read,
	.write = harness_write,
};

struct pio_window {
	uint16_t base, len;
	struct vmm_device *dev;
};

static int place_devices(struct vmm *vm, struct platform *p)
{
	const struct pio_window pio[] = {
		{ LAYOUT_PORT_CMOS, CMOS_WINDOW_SIZE, cmos_device(p->cmos) },
		{ LAYOUT_PORT_A20, PORT92_WINDOW_SIZE, port92_device(p->port92) },
		{ LAYOUT_PORT_COM1, UART_WINDOW_SIZE, uart_device(p->uart) },
		{ LAYOUT_PORT_DEBUGCON, DEBUGCON_WINDOW_SIZE,
		  debugcon_device(p->debugcon) },
		{ LAYOUT_PORT_FWCFG, FWCFG_WINDOW_SIZE, fwcfg_device(p->fwcfg) },
		{ LAYOUT_PORT_PCI_CONFIG, PCI_WINDOW_SIZE, pci_device(p->pci) },
	};
	int rc = place_kbd(vm, p);

	for (size_t i = 0; i < sizeof(pio) / sizeof(pio[0]) && !rc; i++)
		rc = bus_register(&vm->pio, pio[i].base, pio[i].len, pio[i].dev);
	if (!rc && vm->cfg.flags & VMM_F_HARNESS) {
		p->harness = (struct vmm_device){ "harness", &harness_ops, vm };
		rc = bus_register(&vm->pio, LAYOUT_PORT_HARNESS, 4, &p->harness);
	}
	if (!rc && vm->vars)
		rc = bus_register(&vm->mmio, vm->vars_gpa, pflash_size(vm->vars),
				  pflash_device(vm->vars));
	return rc;
}

int platform_create(struct vmm *vm)
{
	struct platform *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return vmm_fail(vm, -ENOMEM, "out of memory");
	vm->plat = p;
	vm->host = (struct vmm_host){
		.ctx = vm,
		.set_irq = host_set_irq,
		.request = host_request,
		.clock_ns = host_clock_ns,
		.wallclock = host_wallclock,
		.console_out = host_console_out,
		.debug_out = host_debug_out,
		.pio_map = host_pio_map,
	};
	rc = create_devices(vm, p);
	if (rc < 0)
		return vmm_fail(vm, rc, "platform devices: %s", strerror(-rc));
	rc = place_devices(vm, p);
	if (rc < 0)
		return vmm_fail(vm, rc, "platform layout: %s", strerror(-rc));
	return irq_create(vm);
}


static void reset_one(struct vmm_device *dev)
{
	if (dev && dev->ops->reset)
		dev->ops->reset(dev->opaque);
}

void platform_reset(struct vmm *vm)
{
	struct platform *p = vm->plat;

	/* PCI first: it unmaps the PM block (PMBA back to 0). */
	reset_one(pci_device(p->pci));
	reset_one(acpipm_device(p->pm));
	reset_one(resetctl_device(p->resetctl));
	reset_one(cmos_device(p->cmos));
	reset_one(uart_device(p->uart));
	reset_one(port92_device(p->port92));
	reset_one(kbd_device(p->kbd));
	reset_one(fwcfg_device(p->fwcfg));
	if (vm->vars)
		reset_one(pflash_device(vm->vars));
	irq_reset(vm);
	vm->request = VMM_REQ_NONE;
}

void platform_destroy(struct vmm *vm)
{
	struct platform *p = vm->plat;

	irq_destroy(vm);
	if (!p)
		return;
	debugcon_destroy(p->debugcon);
	kbd_destroy(p->kbd);
	port92_destroy(p->port92);
	uart_destroy(p->uart);
	cmos_destroy(p->cmos);
	fwcfg_destroy(p->fwcfg);
	pci_destroy(p->pci);
	resetctl_destroy(p->resetctl);
	acpipm_destroy(p->pm);
	free(p);
	vm->plat = NULL;
}

/* Read what the console has (never blocking) into the input buffer. */
static void console_fill(struct vmm *vm)
{
	struct pollfd pfd = { .fd = vm->cfg.console_in_fd, .events = POLLIN };
	ssize_t n;

	if (vm->in_eof || pfd.fd < 0 || poll(&pfd, 1, 0) <= 0)
		return;
	n = read(pfd.fd, vm->inbuf, sizeof(vm->inbuf));
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		vm->in_eof = true;
	if (n > 0) {
		vm->in_len = (unsigned)n;
		vm->in_pos = 0;
	}
}

void platform_console_input(struct vmm *vm)
{
	for (;;) {
		if (vm->in_pos == vm->in_len) {
			vm->in_pos = vm->in_len = 0;
			console_fill(vm);
			if (vm->in_len == 0)
				return;
		}
		if (!uart_can_receive(vm->plat->uart))
			return;
		vm->in_pos += (unsigned)uart_receive(vm->plat->uart,
						     vm->inbuf + vm->in_pos,
						     vm->in_len - vm->in_pos);
	}
}
