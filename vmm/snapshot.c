// SPDX-License-Identifier: Apache-2.0
/*
 * In-process snapshot and restore, for fuzzing (vmm.h: vmm_snapshot()).
 *
 * A snapshot holds the vCPU as KVM reports it (registers, special
 * registers, XSAVE, XCRs, the MSRs below, LAPIC, pending events, MP state,
 * debug registers), KVM's irqchip and PIT in kernel mode, the host side
 * (both buses, every device's state by its ops->state_size, the interrupt
 * glue, the pflash's state machine and array) and guest RAM.
 *
 * RAM: only the pages resident at snapshot time can hold anything but
 * zeros, so only those are copied, into a sparse anonymous mapping the
 * size of RAM at the same offsets (the others stay the kernel's zero page
 * and cost nothing).  From the snapshot on, writable slots log dirty pages
 * (KVM_MEM_LOG_DIRTY_PAGES); a restore asks KVM for each slot's bitmap
 * (which also clears it) and copies back just those pages, plus the ones
 * the VMM wrote itself (emulated stores), which KVM cannot see.  After a
 * guest reset rebuilt the VM the logs are gone, so the next restore copies
 * every page that is resident or saved.
 *
 * An exit KVM reported (port or MMIO) completes only at the next KVM_RUN
 * (Documentation/virt/kvm/api.rst, KVM_RUN: "userspace should ensure that
 * the operation is completed before performing a live migration"), so
 * both directions first enter KVM_RUN with immediate_exit set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/pflash/pflash.h"
#include "vmm/irq.h"
#include "vmm/kvm.h"
#include "vmm/machine.h"

#define PAGE 4096ULL

/* MSRs a firmware guest changes (those KVM lacks are dropped at probe). */
static const uint32_t candidate_msrs[] = {
	0x00000010, /* IA32_TSC */
	0x0000003a, /* IA32_FEATURE_CONTROL */
	0x00000174, 0x00000175, 0x00000176, /* SYSENTER_CS/ESP/EIP */
	0x000001a0, /* IA32_MISC_ENABLE */
	0x00000200, 0x00000201, 0x00000202, 0x00000203, /* MTRR phys base/mask */
	0x00000204, 0x00000205, 0x00000206, 0x00000207,
	0x00000208, 0x00000209, 0x0000020a, 0x0000020b,
	0x0000020c, 0x0000020d, 0x0000020e, 0x0000020f,
	0x00000250, 0x00000258, 0x00000259, /* fixed MTRRs */
	0x00000268, 0x00000269, 0x0000026a, 0x0000026b,
	0x0000026c, 0x0000026d, 0x0000026e, 0x0000026f,
	0x00000277, /* IA32_PAT */
	0x000002ff, /* MTRR default type */
	0x000006e0, /* IA32_TSC_DEADLINE */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR FMASK */
	0xc0000102, /* KERNEL_GS_BASE */
	0xc0000103, /* TSC_AUX */
};
#define MAX_MSRS (sizeof(candidate_msrs) / sizeof(candidate_msrs[0]))

struct dev_state {
	void *opaque;
	size_t size;
	uint8_t *bytes;
};

struct vmm_snapshot {
	struct vmm *vm;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_xcrs xcrs;
	bool have_xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_debugregs dregs;
	struct kvm_mp_state mp;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[MAX_MSRS];
	} msrs;
	bool kernel_irqchip;
	struct kvm_irqchip chip[3];	/* PIC master, PIC slave, IOAPIC */
	struct kvm_pit_state2 pit;

	struct bus pio, mmio;
	struct dev_state dev[2 * BUS_MAX_RANGES];
	unsigned ndev;
	uint8_t *irq;
	uint8_t *vars;
	enum vmm_request request;

	uint64_t pages;		/* of guest RAM */
	uint64_t ram_size;
	uint8_t *ram;		/* sparse copy, ram_size bytes mapped */
	uint64_t *saved;	/* bit per page: resident at snapshot time */
	uint64_t *bitmap;	/* scratch: one slot's dirty log */
	struct kvm_xsave *xsave;
};

static bool bit(const uint64_t *map, uint64_t i)
{
	return map[i / 64] >> (i % 64) & 1;
}

static void set_bit(uint64_t *map, uint64_t i)
{
	map[i / 64] |= 1ULL << (i % 64);
}

static uint64_t words(uint64_t pages)
{
	return (pages + 63) / 64;
}

/* --- the vCPU and KVM's irqchip --------------------------------------------- */

static int complete_pending_exit(struct vmm *vm)
{
	uint32_t why = vm->run->exit_reason;
	int rc;

	/* Only port and MMIO exits leave an operation for KVM to finish. */
	if (why != KVM_EXIT_IO && why != KVM_EXIT_MMIO)
		return 0;
	vm->run->immediate_exit = 1;
	rc = kvm_run(vm->vcpu_fd);
	vm->run->immediate_exit = 0;
	vm->run->exit_reason = KVM_EXIT_INTR;	/* nothing left to finish */
	if (rc == 0 || rc == -EINTR)
		return 0;
	return vmm_fail(vm, rc, "snapshot: KVM_RUN to complete the last exit: %s",
			strerror(-rc));
}

/* Keep the MSRs this KVM can read, in candidate order. */
static void probe_msrs(struct vmm *vm, struct vmm_snapshot *s)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} one;
	unsigned n = 0;

	for (size_t i = 0; i < MAX_MSRS; i++) {
		memset(&one, 0, sizeof(one));
		one.hdr.nmsrs = 1;
		one.e.index = candidate_msrs[i];
		/* Readable, and writable back as it is (a restore does that). */
		if (kvm_get_msrs(vm->vcpu_fd, &one.hdr) == 1 &&
		    kvm_set_msrs(vm->vcpu_fd, &one.hdr) == 1)
			s->msrs.e[n++].index = candidate_msrs[i];
	}
	s->msrs.hdr.nmsrs = n;
}

static int save_vcpu(struct vmm *vm, struct vmm_snapshot *s)
{
	int fd = vm->vcpu_fd, rc;

	rc = kvm_get_regs(fd, &s->regs);
	if (!rc)
		rc = kvm_get_sregs(fd, &s->sregs);
	if (!rc)
		rc = kvm_get_xsave(fd, s->xsave);
	if (!rc)
		rc = kvm_get_lapic(fd, &s->lapic);
	if (!rc)
		rc = kvm_get_vcpu_events(fd, &s->events);
	if (!rc)
		rc = kvm_get_mp_state(fd, &s->mp);
	if (!rc)
		rc = kvm_get_debugregs(fd, &s->dregs);
	if (!rc && kvm_get_msrs(fd, &s->msrs.hdr) != (int)s->msrs.hdr.nmsrs)
		rc = -EIO;
	s->have_xcrs = rc == 0 && kvm_get_xcrs(fd, &s->xcrs) == 0;
	for (unsigned i = 0; !rc && s->kernel_irqchip && i < 3; i++) {
		s->chip[i].chip_id = i;
		rc = kvm_get_irqchip(vm->vm_fd, &s->chip[i]);
	}
	if (!rc && s->kernel_irqchip)
		rc = kvm_get_pit2(vm->vm_fd, &s->pit);
	return rc < 0 ? vmm_fail(vm, rc, "snapshot: vCPU state: %s", strerror(-rc)) : 0;
}

/* KVM_SET_* order as in QEMU's kvm_arch_put_registers(). */
static int load_vcpu(struct vmm *vm, const struct vmm_snapshot *s)
{
	int fd = vm->vcpu_fd, rc = 0;

	for (unsigned i = 0; !rc && s->kernel_irqchip && i < 3; i++)
		rc = kvm_set_irqchip(vm->vm_fd, &s->chip[i]);
	if (!rc && s->kernel_irqchip)
		rc = kvm_set_pit2(vm->vm_fd, &s->pit);
	if (!rc)
		rc = kvm_set_regs(fd, &s->regs);
	if (!rc)
		rc = kvm_set_xsave(fd, s->xsave);
	if (!rc && s->have_xcrs)
		rc = kvm_set_xcrs(fd, &s->xcrs);
	if (!rc)
		rc = kvm_set_sregs(fd, &s->sregs);
	if (!rc && kvm_set_msrs(fd, &s->msrs.hdr) != (int)s->msrs.hdr.nmsrs)
		rc = -EIO;
	if (!rc)
		rc = kvm_set_mp_state(fd, &s->mp);
	if (!rc)
		rc = kvm_set_lapic(fd, &s->lapic);
	if (!rc)
		rc = kvm_set_vcpu_events(fd, &s->events);
	if (!rc)
		rc = kvm_set_debugregs(fd, &s->dregs);
	return rc < 0 ? vmm_fail(vm, rc, "restore: vCPU state: %s", strerror(-rc)) : 0;
}

/* --- the host side ---------------------------------------------------------- */

static bool seen(const struct vmm_snapshot *s, const void *opaque)
{
	for (unsigned i = 0; i < s->ndev; i++)
		if (s->dev[i].opaque == opaque)
			return true;
	return false;
}

static int add_bus_devices(struct vmm_snapshot *s, const struct bus *bus)
{
	for (unsigned i = 0; i < bus->count; i++) {
		const struct vmm_device *d = bus->ranges[i].dev;
		struct dev_state *ds;

		if (!d->ops->state_size || seen(s, d->opaque))
			continue;
		if (s->ndev == sizeof(s->dev) / sizeof(s->dev[0]))
			return -ENOSPC;
		ds = &s->dev[s->ndev];
		ds->bytes = malloc(d->ops->state_size);
		if (!ds->bytes)
			return -ENOMEM;
		ds->opaque = d->opaque;
		ds->size = d->ops->state_size;
		s->ndev++;
	}
	return 0;
}

static void save_host(struct vmm *vm, struct vmm_snapshot *s)
{
	s->pio = vm->pio;
	s->mmio = vm->mmio;
	for (unsigned i = 0; i < s->ndev; i++)
		memcpy(s->dev[i].bytes, s->dev[i].opaque, s->dev[i].size);
	irq_save(vm, s->irq);
	if (vm->vars)
		pflash_save(vm->vars, s->vars);
	s->request = vm->request;
}

static int load_host(struct vmm *vm, const struct vmm_snapshot *s, bool vars_file)
{
	struct bus_stats pio = vm->pio.stats, mmio = vm->mmio.stats;
	int rc = 0;

	/* Windows as they were (PCI may have moved the PM block since);
	 * the counters keep counting. */
	vm->pio = s->pio;
	vm->mmio = s->mmio;
	vm->pio.stats = pio;
	vm->mmio.stats = mmio;
	for (unsigned i = 0; i < s->ndev; i++)
		memcpy(s->dev[i].opaque, s->dev[i].bytes, s->dev[i].size);
	irq_load(vm, s->irq);
	if (vm->vars)
		rc = pflash_load(vm->vars, s->vars, vars_file);
	vm->request = s->request;
	if (rc < 0)
		return vmm_fail(vm, rc, "restore: vars: %s", strerror(-rc));
	return 0;
}

/* --- guest RAM -------------------------------------------------------------- */

/* Which RAM pages are resident (bit 0 of each byte); free() the vector. */
static int resident_pages(const struct vmm *vm, const struct vmm_snapshot *s,
			  unsigned char **out)
{
	unsigned char *vec = malloc(s->pages ? s->pages : 1);

	*out = NULL;
	if (!vec)
		return -ENOMEM;
	if (mincore(vm->ram, vm->ram_size, vec) < 0) {
		int rc = -errno;

		free(vec);
		return rc;
	}
	*out = vec;
	return 0;
}

static int save_ram(struct vmm *vm, struct vmm_snapshot *s)
{
	unsigned char *vec;
	int rc = resident_pages(vm, s, &vec);

	if (rc < 0)
		return rc;
	for (uint64_t p = 0; p < s->pages; p++) {
		if (!(vec[p] & 1))
			continue;
		memcpy(s->ram + p * PAGE, vm->ram + p * PAGE, PAGE);
		set_bit(s->saved, p);
	}
	free(vec);
	return 0;
}

static void restore_page(struct vmm *vm, const struct vmm_snapshot *s, uint64_t p)
{
	if (bit(s->saved, p))
		memcpy(vm->ram + p * PAGE, s->ram + p * PAGE, PAGE);
	else
		memset(vm->ram + p * PAGE, 0, PAGE);
}

/* After a rebuild: every page that may differ (resident now, or saved). */
static int restore_all_ram(struct vmm *vm, const struct vmm_snapshot *s)
{
	unsigned char *vec;
	int rc = resident_pages(vm, s, &vec);

	if (rc < 0)
		return rc;
	for (uint64_t p = 0; p < s->pages; p++)
		if (vec[p] & 1 || bit(s->saved, p))
			restore_page(vm, s, p);
	free(vec);
	return 0;
}

/* Is (slot) guest RAM, and which RAM page is its first? */
static bool ram_slot(const struct vmm *vm, const struct mem_slot *sl,
		     uint64_t *first)
{
	if (sl->readonly || sl->hva < vm->ram ||
	    sl->hva + sl->size > vm->ram + vm->ram_size)
		return false;
	*first = (uint64_t)(sl->hva - vm->ram) / PAGE;
	return true;
}

static int restore_dirty_ram(struct vmm *vm, struct vmm_snapshot *s)
{
	for (unsigned i = 0; i < vm->mem.count; i++) {
		const struct mem_slot *sl = &vm->mem.slots[i];
		uint64_t first, n = sl->size / PAGE;
		int rc;

		if (!sl->mapped || !ram_slot(vm, sl, &first))
			continue;
		memset(s->bitmap, 0, words(n) * 8);
		rc = kvm_get_dirty_log(vm->vm_fd, i, s->bitmap);
		if (rc < 0)
			return rc;
		for (uint64_t w = 0; w < words(n); w++)
			for (uint64_t m = s->bitmap[w]; m; m &= m - 1)
				restore_page(vm, s, first + w * 64 +
					     (uint64_t)__builtin_ctzll(m));
	}
	for (uint64_t w = 0; w < words(s->pages); w++) {
		for (uint64_t m = vm->snap_vmm_dirty[w]; m; m &= m - 1)
			restore_page(vm, s, w * 64 + (uint64_t)__builtin_ctzll(m));
		vm->snap_vmm_dirty[w] = 0;
	}
	return 0;
}

/* Empty KVM's logs: what counts is what changes after this point. */
static int clear_dirty_logs(struct vmm *vm, struct vmm_snapshot *s)
{
	for (unsigned i = 0; i < vm->mem.count; i++) {
		uint64_t first;
		int rc;

		if (!vm->mem.slots[i].mapped || !ram_slot(vm, &vm->mem.slots[i], &first))
			continue;
		rc = kvm_get_dirty_log(vm->vm_fd, i, s->bitmap);
		if (rc < 0)
			return rc;
	}
	memset(vm->snap_vmm_dirty, 0, words(s->pages) * 8);
	return 0;
}

void snapshot_ram_written(struct vmm *vm, const void *hva, size_t len)
{
	const uint8_t *p = hva;

	if (!vm->snap_vmm_dirty || !len || p < vm->ram ||
	    p + len > vm->ram + vm->ram_size)
		return;
	for (uint64_t pg = (uint64_t)(p - vm->ram) / PAGE;
	     pg <= (uint64_t)(p + len - 1 - vm->ram) / PAGE; pg++)
		set_bit(vm->snap_vmm_dirty, pg);
}

/* --- the API ---------------------------------------------------------------- */

void vmm_snapshot_free(struct vmm *vm, struct vmm_snapshot *s)
{
	if (!s)
		return;
	if (vm && vm->snap == s) {
		vm->snap = NULL;
		if (vm->vm_fd >= 0)
			(void)mem_set_log_dirty(&vm->mem, false);
		free(vm->snap_vmm_dirty);
		vm->snap_vmm_dirty = NULL;
	}
	for (unsigned i = 0; i < s->ndev; i++)
		free(s->dev[i].bytes);
	if (s->ram)
		munmap(s->ram, s->ram_size);
	free(s->irq);
	free(s->vars);
	free(s->saved);
	free(s->bitmap);
	free(s->xsave);
	free(s);
}

static int refuse(struct vmm *vm)
{
	if (vm->sev)
		return vmm_fail(vm, -EOPNOTSUPP,
				"snapshot: not for SEV guests: their memory and registers are encrypted and the launch cannot be rewound");
	if (vm->snap)
		return vmm_fail(vm, -EBUSY, "snapshot: this VM already has one");
	if (vm->vm_fd < 0 || !vm->run)
		return vmm_fail(vm, -EINVAL, "snapshot: the VM is not built");
	for (unsigned i = 0; i < vm->mem.count; i++) {
		uint64_t first;

		if (!vm->mem.slots[i].readonly &&
		    !ram_slot(vm, &vm->mem.slots[i], &first))
			return vmm_fail(vm, -EOPNOTSUPP,
					"snapshot: firmware mapped writable (no read-only memslots)");
	}
	return 0;
}

static int allocate(struct vmm *vm, struct vmm_snapshot *s)
{
	uint64_t max_slot_pages = 0;
	int rc;

	for (unsigned i = 0; i < vm->mem.count; i++)
		if (vm->mem.slots[i].size / PAGE > max_slot_pages)
			max_slot_pages = vm->mem.slots[i].size / PAGE;
	s->vm = vm;
	s->pages = vm->ram_size / PAGE;
	s->ram_size = vm->ram_size;
	s->kernel_irqchip = vm->cfg.irqchip == VMM_IRQCHIP_KERNEL;
	s->xsave = calloc(1, sizeof(*s->xsave));
	s->irq = malloc(irq_state_size());
	s->vars = vm->vars ? malloc(pflash_state_size(vm->vars)) : NULL;
	s->saved = calloc(words(s->pages) ? words(s->pages) : 1, 8);
	s->bitmap = calloc(words(max_slot_pages) ? words(max_slot_pages) : 1, 8);
	vm->snap_vmm_dirty = calloc(words(s->pages) ? words(s->pages) : 1, 8);
	s->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->ram == MAP_FAILED)
		s->ram = NULL;
	if (!s->xsave || !s->irq || (vm->vars && !s->vars) || !s->saved ||
	    !s->bitmap || !vm->snap_vmm_dirty || !s->ram)
		return -ENOMEM;
	rc = add_bus_devices(s, &vm->pio);
	if (rc == 0)
		rc = add_bus_devices(s, &vm->mmio);
	return rc;
}

int vmm_snapshot(struct vmm *vm, struct vmm_snapshot **out)
{
	struct vmm_snapshot *s;
	int rc = refuse(vm);

	*out = NULL;
	if (rc < 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return vmm_fail(vm, -ENOMEM, "snapshot: out of memory");
	rc = allocate(vm, s);
	if (rc < 0) {
		vmm_snapshot_free(vm, s);
		free(vm->snap_vmm_dirty);
		vm->snap_vmm_dirty = NULL;
		return vmm_fail(vm, rc, "snapshot: %s", strerror(-rc));
	}
	vm->snap = s;
	probe_msrs(vm, s);
	rc = complete_pending_exit(vm);
	if (rc == 0)
		rc = save_vcpu(vm, s);
	if (rc == 0) {
		rc = mem_set_log_dirty(&vm->mem, true);
		if (rc == 0)
			rc = clear_dirty_logs(vm, s);
		if (rc == 0)
			rc = save_ram(vm, s);
		if (rc < 0)
			vmm_fail(vm, rc, "snapshot: guest RAM: %s", strerror(-rc));
	}
	if (rc < 0) {
		vmm_snapshot_free(vm, s);
		return rc;
	}
	save_host(vm, s);
	vm->snap_all_dirty = false;
	*out = s;
	return 0;
}

int vmm_restore(struct vmm *vm, const struct vmm_snapshot *snap, unsigned flags)
{
	struct vmm_snapshot *s = vm->snap;
	int rc;

	if (!snap || snap != s || s->vm != vm)
		return vmm_fail(vm, -EINVAL, "restore: not this VM's snapshot");
	if (flags & ~VMM_RESTORE_VARS_FILE)
		return vmm_fail(vm, -EINVAL, "restore: unknown flags 0x%x", flags);
	rc = complete_pending_exit(vm);
	if (rc < 0)
		return rc;
	rc = vm->snap_all_dirty ? restore_all_ram(vm, s) : restore_dirty_ram(vm, s);
	if (rc < 0)
		return vmm_fail(vm, rc, "restore: guest RAM: %s", strerror(-rc));
	if (vm->snap_all_dirty) {
		rc = clear_dirty_logs(vm, s);
		if (rc < 0)
			return vmm_fail(vm, rc, "restore: dirty log: %s", strerror(-rc));
		vm->snap_all_dirty = false;
	}
	rc = load_host(vm, s, flags & VMM_RESTORE_VARS_FILE);
	if (rc == 0)
		rc = load_vcpu(vm, s);
	return rc;
}

int vmm_write_guest(struct vmm *vm, uint64_t gpa, const void *data, size_t len)
{
	void *p = mem_gpa_to_hva(&vm->mem, gpa, len, true);

	if (!p || (len && !data))
		return vmm_fail(vm, -EFAULT, "write_guest: 0x%llx+%zu is not writable RAM",
				(unsigned long long)gpa, len);
	memcpy(p, data, len);
	snapshot_ram_written(vm, p, len);
	return 0;
}

int vmm_read_guest(struct vmm *vm, uint64_t gpa, void *data, size_t len)
{
	const uint8_t *p = mem_gpa_to_hva(&vm->mem, gpa, len, false);

	if (!p || (len && !data) || p < vm->ram || p + len > vm->ram + vm->ram_size)
		return vmm_fail(vm, -EFAULT, "read_guest: 0x%llx+%zu is not RAM",
				(unsigned long long)gpa, len);
	memcpy(data, p, len);
	return 0;
}

void vmm_set_limits(struct vmm *vm, uint64_t max_exits, uint64_t max_ns)
{
	vm->limit_exits = max_exits;
	vm->limit_ns = max_ns;
}
