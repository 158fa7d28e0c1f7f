// SPDX-License-Identifier: Apache-2.0
/*
 * Lifecycle of a VM: validate the configuration before touching /dev/kvm,
 * load the images, build the machine; destroy in reverse.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/pflash/pflash.h"
#include "firmware/varstore.h"
#include "vmm/irq.h"
#include "vmm/layout.h"
#include "vmm/machine.h"
#include "vmm/sev_glue.h"

int vmm_fail(struct vmm *vm, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->err, sizeof(vm->err), fmt, ap);
	va_end(ap);
	return err;
}

void vmm_log(struct vmm *vm, enum vmm_log_level lvl, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!vm->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm->cfg.log(vm->cfg.log_opaque, lvl, msg);
}

/* Size of a firmware image behind (fd): a non-empty multiple of 4 KiB. */
static int image_size(struct vmm *vm, int fd, const char *what, uint64_t *size)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return vmm_fail(vm, -EBADF, "%s: not an open file", what);
	if (!S_ISREG(st.st_mode))
		return vmm_fail(vm, -EINVAL, "%s: not a regular file", what);
	if (st.st_size == 0)
		return vmm_fail(vm, -EINVAL, "%s: empty file", what);
	if (st.st_size % LAYOUT_FLASH_SECTOR)
		return vmm_fail(vm, -EINVAL,
				"%s: size %lld is not a multiple of 4 KiB",
				what, (long long)st.st_size);
	*size = (uint64_t)st.st_size;
	return 0;
}

static uint64_t host_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	return pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0;
}

static int check_config(struct vmm *vm, const struct vmm_config *cfg)
{
	uint64_t vars_size = 0, total, host;
	int rc;

	if (cfg->size < sizeof(*cfg))
		return vmm_fail(vm, -EINVAL, "config: size %zu, want %zu",
				cfg->size, sizeof(*cfg));
	rc = image_size(vm, cfg->code_fd, "firmware", &vm->code_size);
	if (rc < 0)
		return rc;
	if (cfg->vars_fd >= 0) {
		rc = image_size(vm, cfg->vars_fd, "vars", &vars_size);
		if (rc < 0)
			return rc;
	}
	total = vm->code_size + vars_size;
	if (total > LAYOUT_FLASH_MAX)
		return vmm_fail(vm, -EINVAL,
				"firmware + vars = %llu bytes, more than the %llu-byte flash window",
				(unsigned long long)total,
				(unsigned long long)LAYOUT_FLASH_MAX);
	vm->ram_size = cfg->mem_size ? cfg->mem_size : VMM_DEFAULT_MEM;
	if (vm->ram_size < 32 * LAYOUT_MiB || vm->ram_size % LAYOUT_MiB)
		return vmm_fail(vm, -EINVAL,
				"memory: %llu bytes; need a whole number of MiB, at least 32 MiB",
				(unsigned long long)vm->ram_size);
	host = host_memory();
	if (vm->ram_size > host)
		return vmm_fail(vm, -EINVAL,
				"memory: %llu MiB is more than the host's %llu MiB",
				(unsigned long long)(vm->ram_size >> 20),
				(unsigned long long)(host >> 20));
	if (cfg->irqchip != VMM_IRQCHIP_KERNEL && cfg->irqchip != VMM_IRQCHIP_SPLIT)
		return vmm_fail(vm, -EINVAL, "irqchip %d: want kernel or split",
				(int)cfg->irqchip);
	if (cfg->phys_bits && (cfg->phys_bits < 32 || cfg->phys_bits > 52))
		return vmm_fail(vm, -EINVAL, "phys-bits %u: want 32..52",
				cfg->phys_bits);
	return 0;
}

/* RAM below the PCI hole first, the rest above 4 GiB (QEMU pc layout). */
static int alloc_ram(struct vmm *vm)
{
	vm->low_ram = vm->ram_size < LAYOUT_LOWMEM_MAX ? vm->ram_size
						       : LAYOUT_LOWMEM_MAX;
	vm->high_ram = vm->ram_size - vm->low_ram;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return vmm_fail(vm, -errno, "guest RAM: %s", strerror(errno));
	}
	return 0;
}

/*
 * A private copy of CODE: the guest sees it read-only, SEV encrypts it in
 * place, and the caller's file is never written.
 */
static int load_code(struct vmm *vm)
{
	uint64_t done = 0;

	vm->code = mmap(NULL, vm->code_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->code == MAP_FAILED) {
		vm->code = NULL;
		return vmm_fail(vm, -errno, "firmware copy: %s", strerror(errno));
	}
	while (done < vm->code_size) {
		ssize_t n = pread(vm->cfg.code_fd, vm->code + done,
				  vm->code_size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vmm_fail(vm, n < 0 ? -errno : -EIO,
					"firmware: read failed at %llu",
					(unsigned long long)done);
		done += (uint64_t)n;
	}
	vm->code_gpa = LAYOUT_4GIB - vm->code_size;
	return 0;
}

static int romd_switch(void *ctx, bool on)
{
	struct vmm *vm = ctx;

	vm->vars_romd_wanted = on;
	if (vm->vars_slot < 0 || vm->vm_fd < 0)
		return 0; /* applied at the next machine_build() */
	return mem_set_mapped(&vm->mem, vm->vars_slot, on);
}

/*
 * OVMF has its flash layout compiled in: a VARS file that does not carry a
 * variable-store FV, or a CODE/VARS pair from different builds (4M CODE with
 * a 128 KiB VARS), boots but never saves.  Say so; the guest decides.
 */
static void warn_vars_layout(struct vmm *vm)
{
	char why[160];

	if (varstore_check_fv(pflash_mem(vm->vars), pflash_size(vm->vars),
			      why, sizeof(why)) < 0)
		vmm_log(vm, VMM_LOG_WARN, "vars: not an OVMF variable store (%s)",
			why);
	if (varstore_check_pair(vm->code_size, pflash_size(vm->vars), why,
				sizeof(why)) < 0)
		vmm_log(vm, VMM_LOG_WARN, "vars: %s", why);
}

/*
 * Whether the VM type the configuration asks for takes read-only memslots:
 * not the protected-state types (SEV-ES with INIT2, SEV-SNP; Linux
 * kvm_arch_has_readonly_mem()).  Decided before the flash is opened, so a
 * flash that can never be an array in ROMD mode traps every access from
 * the start instead of asking for switches that cannot happen.
 */
static bool vm_type_has_readonly_slots(const struct vmm_config *cfg)
{
	if (cfg->sev_mode == VMM_SEV_SNP)
		return false;
	return !(cfg->sev_mode == VMM_SEV_ES && cfg->sev_init2);
}

static int open_vars(struct vmm *vm)
{
	struct pflash_romd_ops ops = { .ctx = vm, .set_romd = romd_switch };
	enum pflash_mode mode = vm->cfg.vars_mode == VMM_VARS_SNAPSHOT
					? PFLASH_MODE_SNAPSHOT
					: PFLASH_MODE_READWRITE;
	int rc;

	if (vm->cfg.vars_fd < 0)
		return 0;
	rc = pflash_open(vm->cfg.vars_fd, mode,
			 !(vm->cfg.flags & VMM_F_NO_ROMD) &&
			 vm_type_has_readonly_slots(&vm->cfg), &ops, &vm->vars);
	if (rc == -EBUSY)
		return vmm_fail(vm, rc, "vars: file is in use by another VM");
	if (rc < 0)
		return vmm_fail(vm, rc, "vars: %s", strerror(-rc));
	vm->vars_gpa = vm->code_gpa - pflash_size(vm->vars);
	vm->vars_romd_wanted = true;
	warn_vars_layout(vm);
	return 0;
}

static void init_fields(struct vmm *vm, const struct vmm_config *cfg)
{
	memcpy(&vm->cfg, cfg, sizeof(vm->cfg));
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
	vm->vars_slot = -1;
	vm->stop_reason = -1;
	bus_init(&vm->pio);
	bus_init(&vm->mmio);
}

int vmm_create(const struct vmm_config *cfg, struct vmm **out)
{
	struct vmm *vm = calloc(1, sizeof(*vm));
	int rc;

	*out = vm;
	if (!vm)
		return -ENOMEM;
	init_fields(vm, cfg);
	rc = check_config(vm, cfg);
	if (rc == 0)
		rc = alloc_ram(vm);
	if (rc == 0)
		rc = load_code(vm);
	if (rc == 0)
		rc = open_vars(vm);
	if (rc == 0)
		rc = machine_open_kvm(vm);
	if (rc == 0)
		rc = sevg_open(vm);
	if (rc == 0)
		rc = platform_create(vm);
	if (rc == 0)
		rc = machine_build(vm);
	/* On failure *out stays valid for vmm_strerror(); destroy frees it. */
	return rc;
}

/*
 * From the thread in vmm_run() (a signal handler there) immediate_exit
 * ends a KVM_RUN about to start; from any other thread only the signal of
 * irq_kick_thread() is used, since the kvm_run page of a guest being reset
 * may be replaced under it.  Outside vmm_run() the request just waits:
 * the loop looks at it before every KVM_RUN.
 */
static void kick(struct vmm *vm)
{
	if (atomic_load(&vm->run_tid) != gettid())
		irq_kick_thread(vm);
	else if (vm->run)
		vm->run->immediate_exit = 1;
}

void vmm_stop(struct vmm *vm, enum vmm_exit_reason why)
{
	atomic_store(&vm->stop_reason, (int)why);
	kick(vm);
}

void vmm_kick(struct vmm *vm)
{
	atomic_store(&vm->input_kicked, 1);
	kick(vm);
}

const char *vmm_version(void)
{
	return VMM_VERSION_STRING;
}

const char *vmm_strerror(const struct vmm *vm)
{
	return vm && vm->err[0] ? vm->err : "no error";
}

void vmm_get_stats(const struct vmm *vm, struct vmm_stats *st)
{
	*st = vm->stats;
	st->unclaimed_pio_reads = vm->pio.stats.unclaimed_reads;
	st->unclaimed_pio_writes = vm->pio.stats.unclaimed_writes;
	st->unclaimed_mmio_reads = vm->mmio.stats.unclaimed_reads;
	st->unclaimed_mmio_writes = vm->mmio.stats.unclaimed_writes;
	irq_get_stats(vm, st);
	if (vm->vars) {
		const struct pflash_stats *ps = pflash_get_stats(vm->vars);

		st->romd_on = ps->romd_on;
		st->romd_off = ps->romd_off;
		st->vars_programs = ps->programs;
		st->vars_erases = ps->erases;
		st->vars_flushes = ps->flushes;
		st->vars_blocks_written = ps->blocks_written;
	}
}

void vmm_destroy(struct vmm *vm)
{
	if (!vm)
		return;
	vmm_snapshot_free(vm, vm->snap);	/* it lives as long as its VM */
	machine_teardown(vm);
	platform_destroy(vm);
	if (vm->vars)
		pflash_close(vm->vars);
	if (vm->sev)
		sev_close(vm->sev);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm->cpuid);
	if (vm->code)
		munmap(vm->code, vm->code_size);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	free(vm);
}
