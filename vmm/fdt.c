// SPDX-License-Identifier: Apache-2.0
/*
 * The machine as a flattened device tree (libfdt's sequential writer), for
 * other tools to read: `vmm describe-machine`, vmm_describe_machine().
 * Everything comes from the built VM itself, never from a second copy of
 * the layout: RAM and firmware ranges from the memslot table (vmm/memory.h),
 * devices from the port and MMIO buses, the CPU from the CPUID table KVM
 * gets, the VARS flash from the pflash.  Bindings: docs/machine-fdt.md.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "devices/pci/pci.h"
#include "devices/pflash/pflash.h"
#include "vmm/layout.h"
#include "vmm/machine.h"

/* Interrupt controllers, for interrupt-parent. */
enum { PHANDLE_PIC = 1, PHANDLE_IOAPIC, PHANDLE_LAPIC };

/* What the tree says of a device the buses know by name. */
struct fdt_kind {
	const char *name;	/* struct vmm_device.name */
	const char *node;	/* node name before the unit address */
	const char *compatible;
	int irq;		/* ISA IRQ line, -1: none */
};

static const struct fdt_kind kinds[] = {
	{ "pic-master", "interrupt-controller", "intel,8259a", -1 },
	{ "pic-slave", "interrupt-controller", "intel,8259a", 2 },
	{ "pic-elcr", "elcr", "intel,piix3-elcr", -1 },
	{ "pit", "timer", "intel,8254", 0 },
	{ "pit-speaker", "port61", "vmm,port61", -1 },
	{ "kbd", "i8042", "intel,8042", -1 },
	{ "i8042-cmd", "i8042", "intel,8042", -1 },
	{ "cmos", "rtc", "motorola,mc146818", LAYOUT_IRQ_RTC },
	{ "port92", "port92", "vmm,port92", -1 },
	{ "uart", "serial", "ns16550a", LAYOUT_IRQ_COM1 },
	{ "debugcon", "debugcon", "qemu,debugcon", -1 },
	{ "fwcfg", "fw-cfg", "qemu,fw-cfg-ioport", -1 },
	{ "pci", "pci", "intel,i440fx", -1 },
	{ "acpipm", "pm", "intel,piix4-pm", LAYOUT_IRQ_SCI },
	{ "harness", "harness", "vmm,harness", -1 },
	{ "ioapic", "interrupt-controller", "intel,82093aa", -1 },
	{ "pflash", "flash", "cfi-flash", -1 },
};

static const struct fdt_kind *kind_of(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* libfdt's errors as errno values: only space can run out here. */
static int fdt_errno(int err)
{
	if (err >= 0)
		return 0;
	return err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
}

static int prop_reg64(void *fdt, uint64_t base, uint64_t size)
{
	uint64_t cells[2] = { htobe64(base), htobe64(size) };

	return fdt_property(fdt, "reg", cells, sizeof(cells));
}

static int begin_node(void *fdt, const char *name, uint64_t unit, bool io)
{
	char n[64];

	snprintf(n, sizeof(n), io ? "%s@i%llx" : "%s@%llx", name,
		 (unsigned long long)unit);
	return fdt_begin_node(fdt, n);
}

static int empty_prop_if(void *fdt, bool cond, const char *name)
{
	return cond ? fdt_property(fdt, name, NULL, 0) : 0;
}

/* --- root, CPU --------------------------------------------------------- */

static uint32_t cpuid_eax(const struct vmm *vm, uint32_t fn)
{
	for (uint32_t i = 0; vm->cpuid && i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == fn &&
		    vm->cpuid->entries[i].index == 0)
			return vm->cpuid->entries[i].eax;
	return 0;
}

static void cpu_vendor(const struct vmm *vm, char out[13])
{
	memset(out, 0, 13);
	for (uint32_t i = 0; vm->cpuid && i < vm->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vm->cpuid->entries[i];

		if (e->function == 0 && e->index == 0) {
			memcpy(out, &e->ebx, 4);
			memcpy(out + 4, &e->edx, 4);
			memcpy(out + 8, &e->ecx, 4);
		}
	}
}

static int write_cpus(void *fdt, const struct vmm *vm)
{
	char vendor[13];
	int rc;

	cpu_vendor(vm, vendor);
	rc = fdt_begin_node(fdt, "cpus");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
	rc = rc ?: fdt_begin_node(fdt, "cpu@0");
	rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
	rc = rc ?: fdt_property_u32(fdt, "reg", 0);
	rc = rc ?: fdt_property_string(fdt, "vmm,vendor", vendor);
	rc = rc ?: fdt_property_u32(fdt, "vmm,cpuid-signature", cpuid_eax(vm, 1));
	rc = rc ?: fdt_property_u32(fdt, "vmm,phys-bits",
				    cpuid_eax(vm, 0x80000008) & 0xFF);
	rc = rc ?: fdt_end_node(fdt);
	return rc ?: fdt_end_node(fdt);
}

/* --- memory ------------------------------------------------------------- */

static bool is_code(const struct vmm *vm, const struct mem_slot *s)
{
	return s->hva >= vm->code && s->hva < vm->code + vm->code_size;
}

static bool is_vars(const struct vmm *vm, const struct mem_slot *s)
{
	return vm->vars && s->hva == pflash_mem(vm->vars) && s->gpa == vm->vars_gpa;
}

static int write_ram(void *fdt, const struct mem_slot *s)
{
	int rc = begin_node(fdt, "memory", s->gpa, false);

	rc = rc ?: fdt_property_string(fdt, "device_type", "memory");
	rc = rc ?: prop_reg64(fdt, s->gpa, s->size);
	return rc ?: fdt_end_node(fdt);
}

/* The CODE image at 4 GiB, or its last 128 KiB under 1 MiB. */
static int write_code(void *fdt, const struct vmm *vm, const struct mem_slot *s)
{
	bool alias = s->gpa + s->size != LAYOUT_4GIB;
	int rc = begin_node(fdt, alias ? "rom" : "flash", s->gpa, false);

	rc = rc ?: fdt_property_string(fdt, "compatible", alias ? "vmm,bios-alias"
							   : "vmm,firmware-code");
	rc = rc ?: prop_reg64(fdt, s->gpa, s->size);
	rc = rc ?: fdt_property_u64(fdt, "vmm,image-offset",
				    (uint64_t)(s->hva - vm->code));
	rc = rc ?: empty_prop_if(fdt, s->readonly, "read-only");
	rc = rc ?: empty_prop_if(fdt, !alias && vm->sev, "vmm,encrypted");
	rc = rc ?: empty_prop_if(fdt, !alias && vm->sev, "vmm,measured");
	return rc ?: fdt_end_node(fdt);
}

/* The VARS flash: a CFI device on the MMIO bus, with a read-only slot
 * while it reads as an array (ROMD).  Never encrypted. */
static int write_vars(void *fdt, const struct vmm *vm)
{
	int rc = begin_node(fdt, "flash", vm->vars_gpa, false);

	rc = rc ?: fdt_property_string(fdt, "compatible", "cfi-flash");
	rc = rc ?: prop_reg64(fdt, vm->vars_gpa, pflash_size(vm->vars));
	rc = rc ?: fdt_property_u32(fdt, "bank-width", 1);
	rc = rc ?: fdt_property_u32(fdt, "device-width", 1);
	rc = rc ?: fdt_property_u32(fdt, "vmm,erase-block-size", LAYOUT_FLASH_SECTOR);
	rc = rc ?: fdt_property_string(fdt, "vmm,mode",
				       vm->vars_slot >= 0 ? "romd" : "mmio");
	rc = rc ?: fdt_property(fdt, "vmm,unencrypted", NULL, 0);
	return rc ?: fdt_end_node(fdt);
}

static int write_memory(void *fdt, const struct vmm *vm)
{
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < vm->mem.count; i++) {
		const struct mem_slot *s = &vm->mem.slots[i];

		if (is_vars(vm, s))
			continue;	/* the flash node tells */
		rc = is_code(vm, s) ? write_code(fdt, vm, s) : write_ram(fdt, s);
	}
	if (rc == 0 && vm->vars)
		rc = write_vars(fdt, vm);
	return rc;
}

/* --- devices ------------------------------------------------------------ */

static int write_irq(void *fdt, const struct fdt_kind *k)
{
	return k && k->irq >= 0 ? fdt_property_u32(fdt, "interrupts", (uint32_t)k->irq) : 0;
}

/* The master 8259A is what ISA interrupts= refer to (its IRQ 2: the slave). */
static int write_controller(void *fdt, const char *name)
{
	int rc;

	if (strcmp(name, "pic-master") && strcmp(name, "pic-slave"))
		return 0;
	rc = fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 0);
	if (rc == 0 && strcmp(name, "pic-master") == 0)
		rc = fdt_property_u32(fdt, "phandle", PHANDLE_PIC);
	if (rc == 0 && strcmp(name, "pic-slave") == 0)
		rc = fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PIC);
	return rc;
}

/* One port window: reg = <1 port len> (ISA binding: 1 = I/O space). */
static int write_pio(void *fdt, const struct bus_range *r, bool in_kernel)
{
	const struct fdt_kind *k = kind_of(r->dev->name);
	uint32_t reg[3] = { htobe32(1), htobe32((uint32_t)r->base),
			    htobe32((uint32_t)r->len) };
	char compat[64];
	int rc;

	snprintf(compat, sizeof(compat), "vmm,%s", r->dev->name);
	rc = begin_node(fdt, k ? k->node : r->dev->name, r->base, true);
	rc = rc ?: fdt_property_string(fdt, "compatible", k ? k->compatible : compat);
	rc = rc ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	rc = rc ?: write_irq(fdt, k);
	rc = rc ?: fdt_property_string(fdt, "vmm,device", r->dev->name);
	rc = rc ?: write_controller(fdt, r->dev->name);
	rc = rc ?: empty_prop_if(fdt, in_kernel, "vmm,in-kernel");
	return rc ?: fdt_end_node(fdt);
}

/* KVM's own PIC pair, ELCR-less, and PIT (--irqchip kernel). */
static int write_kernel_pio(void *fdt)
{
	static const struct vmm_device master = { "pic-master", NULL, NULL },
		slave = { "pic-slave", NULL, NULL }, pit = { "pit", NULL, NULL },
		spk = { "pit-speaker", NULL, NULL };
	const struct bus_range r[] = {
		{ LAYOUT_PORT_PIC_MASTER, 2, &master },
		{ LAYOUT_PORT_PIT, 4, &pit },
		{ LAYOUT_PORT_SPEAKER, 1, &spk },
		{ LAYOUT_PORT_PIC_SLAVE, 2, &slave },
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(r) / sizeof(r[0]); i++)
		rc = write_pio(fdt, &r[i], true);
	return rc;
}

/* PIIX4's PM block: its ports are wherever the guest puts PMBA. */
static int write_acpipm(void *fdt, const struct vmm *vm)
{
	int rc;

	for (unsigned i = 0; i < vm->pio.count; i++)
		if (strcmp(vm->pio.ranges[i].dev->name, "acpipm") == 0)
			return 0;	/* placed: on the bus walk */
	rc = fdt_begin_node(fdt, "pm");

	rc = rc ?: fdt_property_string(fdt, "compatible", "intel,piix4-pm");
	rc = rc ?: fdt_property_u32(fdt, "interrupts", LAYOUT_IRQ_SCI);
	rc = rc ?: fdt_property(fdt, "vmm,placed-by-guest", NULL, 0);
	return rc ?: fdt_end_node(fdt);
}

static int write_isa(void *fdt, const struct vmm *vm)
{
	bool kernel = vm->cfg.irqchip == VMM_IRQCHIP_KERNEL;
	int rc = fdt_begin_node(fdt, "isa");

	rc = rc ?: fdt_property_string(fdt, "compatible", "isa");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PIC);
	for (unsigned i = 0; rc == 0 && i < vm->pio.count; i++)
		rc = write_pio(fdt, &vm->pio.ranges[i], false);
	if (rc == 0 && kernel)
		rc = write_kernel_pio(fdt);
	rc = rc ?: write_acpipm(fdt, vm);
	return rc ?: fdt_end_node(fdt);
}

static int write_mmio_node(void *fdt, const char *node, const char *compat,
			   uint64_t base, uint64_t len, bool in_kernel)
{
	bool apic = base == LAYOUT_IOAPIC || base == LAYOUT_LAPIC;
	int rc = begin_node(fdt, node, base, false);

	rc = rc ?: fdt_property_string(fdt, "compatible", compat);
	rc = rc ?: prop_reg64(fdt, base, len);
	rc = rc ?: empty_prop_if(fdt, apic, "interrupt-controller");
	/* IOAPIC: pin and trigger; LAPIC: vector. */
	if (rc == 0 && apic)
		rc = fdt_property_u32(fdt, "#interrupt-cells",
				      base == LAYOUT_IOAPIC ? 2 : 1);
	if (rc == 0 && apic)
		rc = fdt_property_u32(fdt, "#address-cells", 0);
	if (rc == 0 && apic)
		rc = fdt_property_u32(fdt, "phandle", base == LAYOUT_IOAPIC
					   ? PHANDLE_IOAPIC : PHANDLE_LAPIC);
	if (rc == 0 && base == LAYOUT_IOAPIC)
		rc = fdt_property_u32(fdt, "vmm,pins", LAYOUT_IOAPIC_PINS);
	rc = rc ?: empty_prop_if(fdt, in_kernel, "vmm,in-kernel");
	return rc ?: fdt_end_node(fdt);
}

/* The IOAPIC (the VMM's on split, KVM's on kernel) and KVM's LAPIC. */
static int write_apics(void *fdt, const struct vmm *vm)
{
	int rc = 0;

	if (vm->cfg.irqchip == VMM_IRQCHIP_KERNEL)
		rc = write_mmio_node(fdt, "interrupt-controller", "intel,82093aa",
				     LAYOUT_IOAPIC, 0x1000, true);
	for (unsigned i = 0; rc == 0 && i < vm->mmio.count; i++) {
		const struct bus_range *r = &vm->mmio.ranges[i];
		const struct fdt_kind *k = kind_of(r->dev->name);

		if (vm->vars && r->base == vm->vars_gpa)
			continue;	/* the VARS flash node */
		rc = write_mmio_node(fdt, k ? k->node : r->dev->name,
				     k ? k->compatible : r->dev->name, r->base,
				     r->len, false);
	}
	return rc ?: write_mmio_node(fdt, "interrupt-controller", "intel,lapic",
				     LAYOUT_LAPIC, 0x1000, true);
}

/* KVM's TSS and identity-map pages: reserved in e820 too. */
static int write_reserved(void *fdt)
{
	int rc = fdt_begin_node(fdt, "reserved-memory");

	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 2);
	rc = rc ?: fdt_property(fdt, "ranges", NULL, 0);
	rc = rc ?: begin_node(fdt, "kvm", LAYOUT_KVM_RESERVED, false);
	rc = rc ?: prop_reg64(fdt, LAYOUT_KVM_RESERVED, LAYOUT_KVM_RESERVED_SIZE);
	rc = rc ?: fdt_property(fdt, "no-map", NULL, 0);
	rc = rc ?: fdt_end_node(fdt);
	return rc ?: fdt_end_node(fdt);
}

static int write_sev(void *fdt, const struct vmm *vm)
{
	const struct vmm_config *c = &vm->cfg;
	int rc;

	if (!vm->sev)
		return 0;
	rc = fdt_begin_node(fdt, "sev");
	rc = rc ?: fdt_property_string(fdt, "vmm,mode",
				       c->sev_mode == VMM_SEV_ES ? "sev-es" :
				       c->sev_mode == VMM_SEV_SNP ? "sev-snp" : "sev");
	rc = rc ?: fdt_property_string(fdt, "vmm,backend",
				       c->sev_backend == VMM_SEV_BACKEND_SIM ? "sim" : "kvm");
	rc = rc ?: fdt_property_u32(fdt, "vmm,policy", c->sev_policy);
	rc = rc ?: empty_prop_if(fdt, c->sev_init2, "vmm,init2");
	return rc ?: fdt_end_node(fdt);
}

/*
 * Bus 0 behind the configuration ports (IEEE 1275 PCI binding, as dtc
 * checks it): reg = <phys.hi 0 0 0 0> with phys.hi = devfn << 8, the IDs
 * and class as the configuration space reads them now.
 */
static int write_pci_function(void *fdt, const struct pci_function_info *f)
{
	static const char *const names[] = { "host-bridge", "isa-bridge", "pm" };
	uint32_t reg[5] = { htobe32((uint32_t)f->devfn << 8), 0, 0, 0, 0 };
	unsigned dev = f->devfn >> 3, fn = f->devfn & 7;
	unsigned cls = f->class_code >> 8;	/* class and subclass */
	char name[48], compat[64];
	int len, rc;

	snprintf(name, sizeof(name), fn ? "%s@%x,%x" : "%s@%x",
		 cls == 0x0600 ? names[0] : cls == 0x0601 ? names[1] : names[2],
		 dev, fn);
	/* Two strings, NUL-separated: the device, then its class. */
	len = snprintf(compat, sizeof(compat), "pci%x,%x%cpciclass,%06x",
		       f->vendor_id, f->device_id, 0, f->class_code);
	rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property(fdt, "compatible", compat, len + 1);
	rc = rc ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	rc = rc ?: fdt_property_u32(fdt, "vendor-id", f->vendor_id);
	rc = rc ?: fdt_property_u32(fdt, "device-id", f->device_id);
	rc = rc ?: fdt_property_u32(fdt, "revision-id", f->revision);
	rc = rc ?: fdt_property_u32(fdt, "class-code", f->class_code);
	return rc ?: fdt_end_node(fdt);
}

/* The 32-bit memory window, as QEMU's pc machine's pci-hole: from the end
 * of low RAM to the IOAPIC (no function has a BAR there yet). */
static int write_pci_hole(void *fdt, const struct vmm *vm)
{
	uint64_t base = vm->low_ram, size = LAYOUT_IOAPIC - vm->low_ram;
	uint32_t r[7] = {
		htobe32(0x02000000), htobe32(0), htobe32((uint32_t)base),
		htobe32((uint32_t)(base >> 32)), htobe32((uint32_t)base),
		htobe32((uint32_t)(size >> 32)), htobe32((uint32_t)size),
	};

	return fdt_property(fdt, "ranges", r, sizeof(r));
}

static int write_pci(void *fdt, const struct vmm *vm)
{
	const struct pci *pci = platform_pci(vm);
	uint32_t bus_range[2] = { 0, 0 }, ports[2] = {
		htobe32(LAYOUT_PORT_PCI_CONFIG), htobe32(8) };
	struct pci_function_info f;
	int rc;

	if (!pci)
		return 0;
	/* Unit name: the configuration ports, as the /isa nodes write them. */
	rc = begin_node(fdt, "pci", LAYOUT_PORT_PCI_CONFIG, true);
	rc = rc ?: fdt_property_string(fdt, "device_type", "pci");
	rc = rc ?: fdt_property_string(fdt, "compatible", "intel,i440fx");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 3);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 2);
	rc = rc ?: fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range));
	rc = rc ?: write_pci_hole(fdt, vm);
	rc = rc ?: fdt_property(fdt, "vmm,config-ports", ports, sizeof(ports));
	for (unsigned i = 0; rc == 0 && pci_function_info(pci, i, &f) == 0; i++)
		rc = write_pci_function(fdt, &f);
	return rc ?: fdt_end_node(fdt);
}

static int write_root(void *fdt, const struct vmm *vm)
{
	int rc = fdt_begin_node(fdt, "");

	rc = rc ?: fdt_property_string(fdt, "compatible", "vmm,pc-i440fx");
	rc = rc ?: fdt_property_string(fdt, "model", "vmm minimal pc (i440FX-like)");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 2);
	rc = rc ?: fdt_property_string(fdt, "vmm,version", VMM_VERSION_STRING);
	rc = rc ?: fdt_property_string(fdt, "vmm,irqchip",
				       vm->cfg.irqchip == VMM_IRQCHIP_KERNEL ? "kernel" : "split");
	rc = rc ?: write_cpus(fdt, vm);
	rc = rc ?: write_memory(fdt, vm);
	rc = rc ?: write_reserved(fdt);
	rc = rc ?: write_apics(fdt, vm);
	rc = rc ?: write_isa(fdt, vm);
	rc = rc ?: write_pci(fdt, vm);
	rc = rc ?: write_sev(fdt, vm);
	return rc ?: fdt_end_node(fdt);
}

int vmm_describe_machine(struct vmm *vm, void *buf, size_t size)
{
	int rc;

	if (!vm || !buf || size > INT32_MAX)
		return -EINVAL;
	rc = fdt_create(buf, (int)size);
	rc = rc ?: fdt_finish_reservemap(buf);
	rc = rc ?: write_root(buf, vm);
	rc = rc ?: fdt_finish(buf);
	if (rc < 0)
		return vmm_fail(vm, fdt_errno(rc), "describe: %s",
				rc == -FDT_ERR_NOSPACE ? "buffer too small"
						       : fdt_strerror(rc));
	return (int)fdt_totalsize(buf);
}
