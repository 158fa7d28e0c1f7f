// SPDX-License-Identifier: Apache-2.0
/*
 * The KVM side of the machine: VM, in-kernel irqchip and PIT, memslots,
 * the one vCPU with its CPUID and architectural reset state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/pflash/pflash.h"
#include "vmm/irq.h"
#include "vmm/kvm.h"
#include "vmm/layout.h"
#include "vmm/machine.h"
#include "vmm/sev_glue.h"
#include "vmm/x86.h"

struct required_cap {
	long cap;
	const char *name;
};

/* Everything this VMM relies on, checked on the VM fd (api.rst 4.4). */
static const struct required_cap required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_XSAVE, "KVM_CAP_XSAVE" },	/* instruction fixups */
};

int machine_open_kvm(struct vmm *vm)
{
	const char *path = vm->cfg.kvm_path ? vm->cfg.kvm_path : "/dev/kvm";
	int rc;

	vm->kvm_fd = kvm_open_dev(path);
	if (vm->kvm_fd < 0) {
		rc = vm->kvm_fd;
		vm->kvm_fd = -1;
		if (rc == -ENOENT)
			return vmm_fail(vm, rc, "%s: no such device (is KVM enabled?)", path);
		if (rc == -EACCES || rc == -EPERM)
			return vmm_fail(vm, rc, "%s: permission denied", path);
		return vmm_fail(vm, rc, "%s: %s", path, strerror(-rc));
	}
	rc = kvm_api_version(vm->kvm_fd);
	if (rc != KVM_API_VERSION)
		return vmm_fail(vm, -EINVAL, "%s: KVM API version %d, need %d",
				path, rc, KVM_API_VERSION);
	rc = kvm_vcpu_mmap_size(vm->kvm_fd);
	if (rc < (int)sizeof(struct kvm_run))
		return vmm_fail(vm, rc < 0 ? rc : -EINVAL,
				"KVM_GET_VCPU_MMAP_SIZE failed");
	vm->run_size = (size_t)rc;
	rc = kvm_get_supported_cpuid(vm->kvm_fd, &vm->cpuid);
	if (rc < 0)
		return vmm_fail(vm, rc, "KVM_GET_SUPPORTED_CPUID: %s",
				strerror(-rc));
	cpuid_adjust(vm->cpuid, vm->cfg.phys_bits ? vm->cfg.phys_bits
						   : VMM_DEFAULT_PHYS_BITS);
	return 0;
}

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c,
					   uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == idx)
			return &c->entries[i];
	return NULL;
}

/*
 * Tailor what KVM supports to a one-CPU guest: APIC ID 0, one logical
 * processor, no 1 GiB pages (this host cannot map them, and OVMF then takes
 * a reserved-bit #PF in DXE), and a small physical address width (OVMF's
 * PEI maps the whole physical address space with 2 MiB pages: 46 bits cost
 * about 200 s of emulated time here, 36 bits about 10 s).
 */
void cpuid_adjust(struct kvm_cpuid2 *c, unsigned phys_bits)
{
	struct kvm_cpuid_entry2 *e;

	e = cpuid_find(c, 1, 0);
	if (e) {
		e->ebx &= 0x0000FFFF;		/* APIC ID 0, 0 siblings... */
		e->ebx |= 1u << 16;		/* ...one logical processor */
		e->edx &= ~(1u << 28);		/* no HTT */
	}
	e = cpuid_find(c, 0x80000001, 0);
	if (e)
		e->edx &= ~(1u << 26);		/* no 1 GiB pages */
	e = cpuid_find(c, 0x80000008, 0);
	if (e) {
		unsigned host_bits = e->eax & 0xFF;

		if (phys_bits < host_bits || host_bits == 0)
			e->eax = (e->eax & ~0xFFu) | phys_bits;
	}
	for (uint32_t i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		if (e->function == 0xB || e->function == 0x1F)
			e->edx = 0;		/* x2APIC ID 0 */
		if (e->function == 4)
			e->eax &= 0x3FF;	/* one core, one thread */
	}
}

static int check_vm_caps(struct vmm *vm)
{
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++)
		if (kvm_check_extension(vm->vm_fd, required_caps[i].cap) <= 0)
			return vmm_fail(vm, -ENOTSUP, "KVM lacks %s",
					required_caps[i].name);
	/*
	 * Per VM, not per host: SEV-ES/SNP VM types refuse read-only slots
	 * (Linux 66155de93bcf).  Then CODE becomes ordinary memory and every
	 * VARS access traps.
	 */
	vm->romd_allowed = kvm_check_extension(vm->vm_fd,
					       KVM_CAP_READONLY_MEM) > 0;
	if (!vm->romd_allowed)
		vmm_log(vm, VMM_LOG_WARN,
			"no read-only memslots on this VM: firmware mapped writable, every VARS access traps");
	return 0;
}

static int add_slot(struct vmm *vm, uint64_t gpa, uint64_t size, void *hva,
		    bool ro, const char *what)
{
	int rc = mem_add(&vm->mem, gpa, size, hva, ro);

	if (rc < 0)
		return vmm_fail(vm, rc, "memslot %s at 0x%llx: %s", what,
				(unsigned long long)gpa, strerror(-rc));
	return rc;
}

/*
 * RAM [0, 640 KiB), [768 KiB, 896 KiB) and [1 MiB, low_ram); the VGA hole
 * stays unmapped; the last 128 KiB of CODE appear read-only at 0xE0000 as
 * in QEMU's pc machine; high RAM above 4 GiB; CODE ending at 4 GiB; VARS
 * directly below it, read-only while the flash is in read-array mode.
 */
static int map_memory(struct vmm *vm)
{
	uint64_t alias = vm->code_size < LAYOUT_BIOS_ALIAS_SIZE
				 ? vm->code_size : LAYOUT_BIOS_ALIAS_SIZE;
	int rc;

	mem_init(&vm->mem, vm->vm_fd);
	/* A snapshot outlives a reset: the new VM logs dirty pages too, and
	 * what the old one wrote is unknown, so the next restore copies all. */
	vm->mem.log_dirty = vm->snap != NULL;
	if (vm->snap)
		vm->snap_all_dirty = true;
	/* SEV-SNP on KVM: RAM and CODE in guest_memfd.  No BIOS alias then:
	 * its private pages would be a second, unmeasured copy of CODE that
	 * the guest can never validate (an SNP guest starts at 4 GiB - 16). */
	vm->mem.private_mem = sevg_private_memory(vm);
	rc = add_slot(vm, 0, LAYOUT_VGA_HOLE, vm->ram, false, "low RAM");
	if (rc >= 0)
		rc = add_slot(vm, 0xC0000, LAYOUT_BIOS_ALIAS - 0xC0000,
			      vm->ram + 0xC0000, false, "option-ROM RAM");
	if (rc >= 0 && !vm->mem.private_mem)
		rc = add_slot(vm, LAYOUT_BIOS_ALIAS + LAYOUT_BIOS_ALIAS_SIZE - alias,
			      alias, vm->code + vm->code_size - alias,
			      vm->romd_allowed, "BIOS alias");
	if (rc >= 0)
		rc = add_slot(vm, LAYOUT_HIGH_LOW_RAM,
			      vm->low_ram - LAYOUT_HIGH_LOW_RAM,
			      vm->ram + LAYOUT_HIGH_LOW_RAM, false, "RAM");
	if (rc >= 0 && vm->high_ram)
		rc = add_slot(vm, LAYOUT_HIGHMEM_BASE, vm->high_ram,
			      vm->ram + vm->low_ram, false, "high RAM");
	if (rc >= 0)
		rc = add_slot(vm, vm->code_gpa, vm->code_size, vm->code,
			      vm->romd_allowed, "firmware");
	return rc < 0 ? rc : 0;
}

/* The VARS slot exists only while the flash reads as an array (ROMD). */
static int map_vars(struct vmm *vm)
{
	int rc;

	vm->vars_slot = -1;
	if (!vm->vars || (vm->cfg.flags & VMM_F_NO_ROMD) || !vm->romd_allowed)
		return 0;
	rc = add_slot(vm, vm->vars_gpa, pflash_size(vm->vars),
		      pflash_mem(vm->vars), true, "vars");
	if (rc < 0)
		return rc;
	vm->vars_slot = rc;
	if (!vm->vars_romd_wanted)
		return mem_set_mapped(&vm->mem, rc, false);
	return 0;
}

/* KVM's APIC base (0xFEE00000 | BSP | enabled) is kept as it is. */
static int load_vcpu_state(struct vmm *vm, const struct kvm_regs *regs,
			   struct kvm_sregs *sregs, const struct kvm_fpu *fpu)
{
	struct kvm_sregs now;
	int rc = kvm_get_sregs(vm->vcpu_fd, &now);

	if (rc < 0)
		return rc;
	sregs->apic_base = now.apic_base;
	rc = kvm_set_sregs(vm->vcpu_fd, sregs);
	if (rc == 0)
		rc = kvm_set_regs(vm->vcpu_fd, regs);
	if (rc == 0)
		rc = kvm_set_fpu(vm->vcpu_fd, fpu);
	return rc;
}

static int create_vcpu(struct vmm *vm)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	void *run;
	int rc;

	vm->vcpu_fd = kvm_create_vcpu(vm->vm_fd, 0);
	if (vm->vcpu_fd < 0) {
		rc = vm->vcpu_fd;
		vm->vcpu_fd = -1;
		return vmm_fail(vm, rc, "KVM_CREATE_VCPU: %s", strerror(-rc));
	}
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vm->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return vmm_fail(vm, -errno, "mmap kvm_run: %s", strerror(errno));
	vm->run = run;
	/* Without KVM_SET_CPUID2 entering long mode triple-faults here. */
	rc = sevg_adjust_cpuid(vm);
	if (rc < 0)
		return rc;
	rc = kvm_set_cpuid2(vm->vcpu_fd, vm->cpuid);
	if (rc < 0)
		return vmm_fail(vm, rc, "KVM_SET_CPUID2: %s", strerror(-rc));
	if (sevg_active(vm)) {
		sevg_reset_state(vm, &regs, &sregs, &fpu);
	} else {
		x86_reset_regs(&regs);
		x86_reset_sregs(&sregs);
		x86_reset_fpu(&fpu);
	}
	rc = load_vcpu_state(vm, &regs, &sregs, &fpu);
	if (rc < 0)
		return vmm_fail(vm, rc, "vCPU reset state: %s", strerror(-rc));
	return sevg_launch(vm, &regs, &sregs, &fpu);
}

/*
 * Kernel: KVM's PIC, IOAPIC and PIT (a PIT speaker port of its own).
 * Split: only the LAPIC, with the IOAPIC's 24 GSI routes reserved for the
 * VMM (api.rst, KVM_CAP_SPLIT_IRQCHIP); before any vCPU exists.
 */
static int create_irqchip(struct vmm *vm)
{
	int rc;

	if (vm->cfg.irqchip == VMM_IRQCHIP_SPLIT) {
		if (kvm_check_extension(vm->vm_fd, KVM_CAP_SPLIT_IRQCHIP) <= 0)
			return -EOPNOTSUPP;
		return kvm_enable_cap(vm->vm_fd, KVM_CAP_SPLIT_IRQCHIP,
				      LAYOUT_IOAPIC_PINS);
	}
	rc = kvm_create_irqchip(vm->vm_fd);
	if (rc == 0)
		rc = kvm_create_pit2(vm->vm_fd);
	return rc;
}

int machine_build(struct vmm *vm)
{
	int rc;

	vm->vm_fd = kvm_create_vm(vm->kvm_fd, (unsigned long)sevg_vm_type(vm));
	if (vm->vm_fd < 0) {
		rc = vm->vm_fd;
		vm->vm_fd = -1;
		return vmm_fail(vm, rc, "KVM_CREATE_VM: %s", strerror(-rc));
	}
	rc = check_vm_caps(vm);
	if (rc == 0)
		rc = sevg_init(vm);
	if (rc < 0)
		return rc;
	rc = map_memory(vm);
	if (rc == 0)
		rc = sevg_register_memory(vm);
	if (rc == 0)
		rc = map_vars(vm);
	if (rc < 0)
		return rc;
	rc = kvm_set_tss_addr(vm->vm_fd, LAYOUT_KVM_TSS);
	if (rc == 0)
		rc = create_irqchip(vm);
	if (rc < 0)
		return vmm_fail(vm, rc, "irqchip/PIT setup: %s", strerror(-rc));
	rc = create_vcpu(vm);
	if (rc == 0)
		rc = irq_machine_ready(vm);
	return rc;
}

void machine_teardown(struct vmm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	vm->run = NULL;
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	mem_release(&vm->mem);	/* guest_memfds outlive no VM */
	vm->vcpu_fd = vm->vm_fd = -1;
	vm->vars_slot = -1;
}
