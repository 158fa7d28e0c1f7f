// SPDX-License-Identifier: Apache-2.0
/*
 * vmm_describe_machine() against the machine really built (fw suite, needs
 * KVM): for several configurations, every memslot the VMM registered with
 * KVM, every port and MMIO window on its buses must be in the tree with the
 * same range, and nothing else; then the tree's addresses against the
 * values the layout header and the image sizes give, stated here.
 *
 * Usage: fdt_check TESTFW.bin   (OVMF images from /usr/share/OVMF)
 * Prints one PASS/FAIL line per check, last "fdt: N passed, M failed".
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libfdt.h>

#include "devices/pci/pci.h"
#include "devices/pflash/pflash.h"
#include "vmm/layout.h"
#include "vmm/machine.h"

static int passed, failed;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	ok ? passed++ : failed++;
}

struct machine {
	const char *name;
	const char *code, *vars;
	uint64_t mem;
	enum vmm_irqchip irqchip;
	unsigned flags;
	enum vmm_sev_mode sev;
};

static struct vmm *create(const struct machine *m)
{
	struct vmm_config cfg = {
		.size = sizeof(cfg), .code_fd = open(m->code, O_RDONLY | O_CLOEXEC),
		.vars_fd = m->vars ? open(m->vars, O_RDONLY | O_CLOEXEC) : -1,
		.debugcon_fd = -1, .console_in_fd = -1, .console_out_fd = -1,
		.mem_size = m->mem, .irqchip = m->irqchip, .flags = m->flags,
		.vars_mode = VMM_VARS_SNAPSHOT, .sev_mode = m->sev,
		.sev_backend = VMM_SEV_BACKEND_SIM, .sev_policy = 1,
	};
	struct vmm *vm = NULL;
	int rc = vmm_create(&cfg, &vm);

	if (rc < 0) {
		check(0, "%s: vmm_create: %s", m->name, vm ? vmm_strerror(vm) : strerror(-rc));
		vmm_destroy(vm);
		vm = NULL;
	}
	close(cfg.code_fd);
	if (cfg.vars_fd >= 0)
		close(cfg.vars_fd);
	return vm;
}

static uint64_t be64_at(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static uint32_t be32_at(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

/* reg = <base size> of a node under / (2+2 cells). */
static int reg64(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	int len;
	const uint8_t *r = fdt_getprop(fdt, node, "reg", &len);

	if (!r || len != 16)
		return -1;
	*base = be64_at(r);
	*size = be64_at(r + 8);
	return 0;
}

static bool is_range_node(const void *fdt, int node)
{
	const char *dt = fdt_getprop(fdt, node, "device_type", NULL);

	return (dt && strcmp(dt, "memory") == 0) ||
	       fdt_node_check_compatible(fdt, node, "vmm,firmware-code") == 0 ||
	       fdt_node_check_compatible(fdt, node, "vmm,bios-alias") == 0;
}

/* The root-level node whose reg is exactly [base, base + size), or < 0. */
static int find_range(const void *fdt, uint64_t base, uint64_t size)
{
	int node;
	uint64_t b, s;

	fdt_for_each_subnode(node, fdt, 0)
		if (reg64(fdt, node, &b, &s) == 0 && b == base && s == size)
			return node;
	return -1;
}

/* Every mapped memslot is in the tree, read-only where KVM's is. */
static void slots_in_tree(const char *name, const struct vmm *vm, const void *fdt)
{
	unsigned mapped = 0, nodes = 0;
	int node;

	for (unsigned i = 0; i < vm->mem.count; i++) {
		const struct mem_slot *s = &vm->mem.slots[i];
		int n;

		if (!s->mapped)
			continue;
		mapped++;
		n = find_range(fdt, s->gpa, s->size);
		check(n >= 0 && (fdt_getprop(fdt, n, "read-only", NULL) != NULL ||
				 fdt_node_check_compatible(fdt, n, "cfi-flash") == 0) == s->readonly,
		      "%s: memslot [0x%llx, +0x%llx)%s in the tree", name,
		      (unsigned long long)s->gpa, (unsigned long long)s->size,
		      s->readonly ? " read-only" : "");
	}
	fdt_for_each_subnode(node, fdt, 0) {
		uint64_t b, sz;
		bool found = false;

		if (!is_range_node(fdt, node) || reg64(fdt, node, &b, &sz) < 0)
			continue;
		nodes++;
		for (unsigned i = 0; i < vm->mem.count; i++)
			found |= vm->mem.slots[i].mapped && vm->mem.slots[i].gpa == b &&
				 vm->mem.slots[i].size == sz;
		check(found, "%s: tree node %s is a mapped memslot", name,
		      fdt_get_name(fdt, node, NULL));
	}
	/* The VARS slot (ROMD) is described by the flash node, not a range one. */
	check(nodes + (vm->vars_slot >= 0) == mapped,
	      "%s: %u range nodes + %d VARS slot = %u mapped memslots", name, nodes,
	      vm->vars_slot >= 0, mapped);
}

/* Every port window is an /isa node <1 base len> of that device. */
static void ports_in_tree(const char *name, const struct vmm *vm, const void *fdt,
			  unsigned in_kernel)
{
	int isa = fdt_path_offset(fdt, "/isa"), node;
	unsigned nodes = 0;

	for (unsigned i = 0; i < vm->pio.count; i++) {
		const struct bus_range *r = &vm->pio.ranges[i];
		bool found = false;

		fdt_for_each_subnode(node, fdt, isa) {
			int len;
			const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
			const char *dev = fdt_getprop(fdt, node, "vmm,device", NULL);

			found |= reg && len == 12 && be32_at(reg) == 1 &&
				 be32_at(reg + 4) == r->base && be32_at(reg + 8) == r->len &&
				 dev && strcmp(dev, r->dev->name) == 0;
		}
		check(found, "%s: port window %s 0x%llx+%llu in /isa", name, r->dev->name,
		      (unsigned long long)r->base, (unsigned long long)r->len);
	}
	fdt_for_each_subnode(node, fdt, isa)
		nodes += fdt_getprop(fdt, node, "reg", NULL) != NULL;
	check(nodes == vm->pio.count + in_kernel,
	      "%s: /isa has %u port nodes = %u windows + %u of KVM's", name, nodes,
	      vm->pio.count, in_kernel);
}

/* The MMIO windows: the VARS flash and (split) the IOAPIC. */
static void mmio_in_tree(const char *name, const struct vmm *vm, const void *fdt)
{
	for (unsigned i = 0; i < vm->mmio.count; i++) {
		const struct bus_range *r = &vm->mmio.ranges[i];

		check(find_range(fdt, r->base, r->len) >= 0, "%s: MMIO window %s 0x%llx+0x%llx in the tree",
		      name, r->dev->name, (unsigned long long)r->base, (unsigned long long)r->len);
	}
}

/* A node's reg against values stated here. */
static void expect_reg(const char *name, const void *fdt, const char *path,
		       uint64_t base, uint64_t size)
{
	int node = fdt_path_offset(fdt, path);
	uint64_t b = 0, s = 0;

	check(node >= 0 && reg64(fdt, node, &b, &s) == 0 && b == base && s == size,
	      "%s: %s reg = <0x%llx 0x%llx> (tree: 0x%llx 0x%llx)", name, path,
	      (unsigned long long)base, (unsigned long long)size,
	      (unsigned long long)b, (unsigned long long)s);
}

static void expect_str(const char *name, const void *fdt, const char *path,
		       const char *prop, const char *want)
{
	int node = fdt_path_offset(fdt, path);
	const char *v = node >= 0 ? fdt_getprop(fdt, node, prop, NULL) : NULL;

	check(v && strcmp(v, want) == 0, "%s: %s %s = \"%s\" (tree: \"%s\")", name,
	      path, prop, want, v ? v : "(none)");
}

static void expect_u32(const char *name, const void *fdt, const char *path,
		       const char *prop, uint32_t want)
{
	int node = fdt_path_offset(fdt, path), len = 0;
	const uint8_t *v = node >= 0 ? fdt_getprop(fdt, node, prop, &len) : NULL;

	check(v && len == 4 && be32_at(v) == want, "%s: %s %s = <0x%x>", name, path,
	      prop, want);
}

static bool has_prop(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path);

	return node >= 0 && fdt_getprop(fdt, node, prop, NULL) != NULL;
}

/* 512 MiB, the 64 KiB test firmware, no VARS, split irqchip. */
static void expect_testfw(const char *n, const void *fdt)
{
	expect_reg(n, fdt, "/memory@0", 0, LAYOUT_VGA_HOLE);
	expect_reg(n, fdt, "/memory@c0000", 0xC0000, LAYOUT_BIOS_ALIAS - 0xC0000);
	expect_reg(n, fdt, "/memory@100000", LAYOUT_HIGH_LOW_RAM, 512 * LAYOUT_MiB - LAYOUT_HIGH_LOW_RAM);
	expect_reg(n, fdt, "/flash@ffff0000", LAYOUT_4GIB - 0x10000, 0x10000);
	expect_reg(n, fdt, "/rom@f0000", 0xF0000, 0x10000);
	expect_reg(n, fdt, "/interrupt-controller@fec00000", LAYOUT_IOAPIC, 0x1000);
	expect_str(n, fdt, "/", "vmm,irqchip", "split");
	expect_u32(n, fdt, "/cpus/cpu@0", "vmm,phys-bits", 36);
	expect_u32(n, fdt, "/isa/serial@i3f8", "interrupts", LAYOUT_IRQ_COM1);
	expect_u32(n, fdt, "/isa/rtc@i70", "interrupts", LAYOUT_IRQ_RTC);
	expect_u32(n, fdt, "/isa/timer@i40", "interrupts", 0);
	check(fdt_path_offset(fdt, "/sev") < 0, "%s: no /sev node", n);
	check(fdt_path_offset(fdt, "/memory@100000000") < 0, "%s: no high RAM", n);
}

/* 4 GiB (3 below the PCI hole, 1 above 4 GiB), OVMF 2M pair. */
static void expect_ovmf2m(const char *n, const void *fdt, bool romd, bool kernel)
{
	expect_reg(n, fdt, "/memory@100000", LAYOUT_HIGH_LOW_RAM,
		   LAYOUT_LOWMEM_MAX - LAYOUT_HIGH_LOW_RAM);
	expect_reg(n, fdt, "/memory@100000000", LAYOUT_4GIB, LAYOUT_GiB);
	expect_reg(n, fdt, "/flash@ffe20000", LAYOUT_4GIB - 0x1E0000, 0x1E0000);
	expect_reg(n, fdt, "/flash@ffe00000", LAYOUT_4GIB - 0x200000, 0x20000);
	expect_reg(n, fdt, "/rom@e0000", LAYOUT_BIOS_ALIAS, LAYOUT_BIOS_ALIAS_SIZE);
	expect_str(n, fdt, "/flash@ffe00000", "compatible", "cfi-flash");
	expect_str(n, fdt, "/flash@ffe00000", "vmm,mode", romd ? "romd" : "mmio");
	expect_u32(n, fdt, "/flash@ffe00000", "vmm,erase-block-size", 0x1000);
	check(has_prop(fdt, "/flash@ffe00000", "vmm,unencrypted"), "%s: VARS unencrypted", n);
	/* --no-romd is about VARS only: CODE stays a read-only slot. */
	check(has_prop(fdt, "/flash@ffe20000", "read-only"), "%s: CODE read-only", n);
	expect_str(n, fdt, "/", "vmm,irqchip", kernel ? "kernel" : "split");
	check(has_prop(fdt, "/interrupt-controller@fec00000", "vmm,in-kernel") == kernel,
	      "%s: IOAPIC in the kernel iff --irqchip kernel", n);
}

static void expect_sev(const char *n, const void *fdt)
{
	expect_reg(n, fdt, "/flash@ffc84000", LAYOUT_4GIB - 0x37C000, 0x37C000);
	check(has_prop(fdt, "/flash@ffc84000", "vmm,encrypted") &&
	      has_prop(fdt, "/flash@ffc84000", "vmm,measured"), "%s: CODE encrypted and measured", n);
	check(!has_prop(fdt, "/flash@ffc00000", "vmm,encrypted") &&
	      has_prop(fdt, "/flash@ffc00000", "vmm,unencrypted"), "%s: VARS not encrypted", n);
	expect_str(n, fdt, "/sev", "vmm,mode", "sev");
	expect_str(n, fdt, "/sev", "vmm,backend", "sim");
	expect_u32(n, fdt, "/sev", "vmm,policy", 1);
}

/*
 * Bus 0: the three functions of this machine (i440FX host bridge, PIIX3 ISA
 * bridge, PIIX4 PM: their datasheets' IDs, stated here), each node's reg
 * phys.hi = devfn << 8 and its IDs as the device's config space reads them,
 * and the 32-bit window from the end of low RAM to the IOAPIC.
 */
/* A u32 property's value, or UINT32_MAX when it is missing or not 4 bytes. */
static uint32_t u32_prop(const void *fdt, int node, const char *prop)
{
	int len;
	const void *p = fdt_getprop(fdt, node, prop, &len);

	return p && len == 4 ? be32_at(p) : UINT32_MAX;
}

static void pci_in_tree(const char *name, const struct vmm *vm, const void *fdt)
{
	static const struct {
		const char *node;
		uint8_t devfn;
		uint16_t device;
		uint32_t class_code;
	} want[] = {
		{ "host-bridge@0", 0x00, 0x1237, 0x060000 },
		{ "isa-bridge@1", 0x08, 0x7000, 0x060100 },
		{ "pm@1,3", 0x0B, 0x7113, 0x068000 },
	};
	int bus = fdt_path_offset(fdt, "/pci@icf8"), node, len;
	const uint32_t *ranges = bus >= 0 ? fdt_getprop(fdt, bus, "ranges", &len) : NULL;
	struct pci_function_info f;
	unsigned nodes = 0;

	check(ranges && len == 28 && be32_at(ranges) == 0x02000000 &&
	      be32_at(ranges + 2) == vm->low_ram && be32_at(ranges + 4) == vm->low_ram &&
	      be32_at(ranges + 6) == LAYOUT_IOAPIC - vm->low_ram,
	      "%s: /pci@icf8 window [0x%llx, 0x%llx)", name,
	      (unsigned long long)vm->low_ram, (unsigned long long)LAYOUT_IOAPIC);
	for (size_t i = 0; bus >= 0 && i < sizeof(want) / sizeof(want[0]); i++) {
		const uint32_t *reg;

		node = fdt_subnode_offset(fdt, bus, want[i].node);
		reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
		check(reg && len == 20 && be32_at(reg) == (uint32_t)want[i].devfn << 8 &&
		      pci_function_info(platform_pci(vm), (unsigned)i, &f) == 0 &&
		      f.devfn == want[i].devfn && f.vendor_id == 0x8086 &&
		      f.device_id == want[i].device && f.class_code == want[i].class_code &&
		      u32_prop(fdt, node, "vendor-id") == 0x8086 &&
		      u32_prop(fdt, node, "device-id") == want[i].device &&
		      u32_prop(fdt, node, "class-code") == want[i].class_code &&
		      u32_prop(fdt, node, "revision-id") == f.revision,
		      "%s: PCI 00:%02x.%x 8086:%04x class %06x is /pci@icf8/%s", name,
		      want[i].devfn >> 3, want[i].devfn & 7, want[i].device,
		      want[i].class_code, want[i].node);
	}
	fdt_for_each_subnode(node, fdt, bus)
		nodes++;
	check(bus >= 0 && nodes == 3 &&
	      pci_function_info(platform_pci(vm), 3, &f) == -ENOENT,
	      "%s: /pci@icf8 has the bus's 3 functions and no others", name);
}

static void describe(const struct machine *m, uint8_t *fdt, size_t size)
{
	uint8_t small[256];
	struct vmm *vm = create(m);
	int len;

	if (!vm)
		return;
	len = vmm_describe_machine(vm, fdt, size);
	check(len > 0 && fdt_check_header(fdt) == 0 && (size_t)len == fdt_totalsize(fdt),
	      "%s: a valid tree of %d bytes", m->name, len);
	if (len > 0) {
		slots_in_tree(m->name, vm, fdt);
		ports_in_tree(m->name, vm, fdt, m->irqchip == VMM_IRQCHIP_KERNEL ? 4 : 0);
		mmio_in_tree(m->name, vm, fdt);
		pci_in_tree(m->name, vm, fdt);
	}
	check(vmm_describe_machine(vm, small, sizeof(small)) == -ENOSPC &&
	      strcmp(vmm_strerror(vm), "describe: buffer too small") == 0,
	      "%s: 256 bytes: -ENOSPC", m->name);
	vmm_destroy(vm);
}

int main(int argc, char **argv)
{
	static uint8_t fdt[65536];
	const char *o = "/usr/share/OVMF/";
	char c2[256], v2[256], c4[256], v4[256];
	struct machine ms[] = {
		{ "testfw", argc > 1 ? argv[1] : "build/testfw.bin", NULL,
		  512 * LAYOUT_MiB, VMM_IRQCHIP_SPLIT, 0, VMM_SEV_NONE },
		{ "ovmf2m", c2, v2, 4 * LAYOUT_GiB, VMM_IRQCHIP_SPLIT, 0, VMM_SEV_NONE },
		{ "ovmf2m-kernel-mmio", c2, v2, 4 * LAYOUT_GiB, VMM_IRQCHIP_KERNEL,
		  VMM_F_NO_ROMD, VMM_SEV_NONE },
		{ "ovmf4m-sev-sim", c4, v4, 512 * LAYOUT_MiB, VMM_IRQCHIP_SPLIT, 0, VMM_SEV },
	};

	snprintf(c2, sizeof(c2), "%sOVMF_CODE.fd", o);
	snprintf(v2, sizeof(v2), "%sOVMF_VARS.fd", o);
	snprintf(c4, sizeof(c4), "%sOVMF_CODE_4M.fd", o);
	snprintf(v4, sizeof(v4), "%sOVMF_VARS_4M.fd", o);
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		memset(fdt, 0, sizeof(fdt));
		describe(&ms[i], fdt, sizeof(fdt));
		if (fdt_check_header(fdt) != 0)
			continue;
		if (i == 0)
			expect_testfw(ms[i].name, fdt);
		else if (i < 3)
			expect_ovmf2m(ms[i].name, fdt, i == 1, i == 2);
		else
			expect_sev(ms[i].name, fdt);
	}
	printf("fdt: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
