// SPDX-License-Identifier: Apache-2.0
/*
 * The event loop: one vCPU, one thread.  KVM_RUN until something needs the
 * VMM; serve the exit; between runs, feed console input and act on stop,
 * reset and power-off requests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kvm_para.h>

#include "devices/pflash/pflash.h"
#include "vmm/emu/emu.h"
#include "vmm/irq.h"
#include "vmm/kvm.h"
#include "vmm/machine.h"
#include "vmm/sev_glue.h"
#include "sev/sev_uapi_compat.h"

_Static_assert(EMU_INSN_COUNT <= VMM_STATS_MAX_INSN,
	       "struct vmm_stats must count every emulated instruction kind");

const char *vmm_stats_insn_name(unsigned i)
{
	return i < EMU_INSN_COUNT ? emu_insn_name((int)i) : NULL;
}

static int exit_with(struct vmm_exit *ex, enum vmm_exit_reason why,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int exit_with(struct vmm_exit *ex, enum vmm_exit_reason why,
		     const char *fmt, ...)
{
	va_list ap;

	ex->reason = why;
	va_start(ap, fmt);
	vsnprintf(ex->detail, sizeof(ex->detail), fmt, ap);
	va_end(ap);
	return 1; /* stop the loop */
}

/* Port I/O, including string I/O (count > 1) laid out in the run page. */
static void handle_io(struct vmm *vm)
{
	struct kvm_run *run = vm->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t size = run->io.size;

	if (run->io.data_offset + (uint64_t)size * run->io.count > vm->run_size)
		return; /* never trust a layout we did not check */
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		if (run->io.direction == KVM_EXIT_IO_OUT)
			bus_write(&vm->pio, run->io.port, data, size);
		else
			bus_read(&vm->pio, run->io.port, data, size);
	}
	vm->stats.exits_io++;
	/* Input left over from a full receive FIFO goes in as it drains. */
	if (vm->in_pos < vm->in_len)
		platform_console_input(vm);
}

static void handle_mmio(struct vmm *vm)
{
	struct kvm_run *run = vm->run;
	uint32_t len = run->mmio.len;

	if (len == 0 || len > sizeof(run->mmio.data))
		return;
	if (run->mmio.is_write)
		bus_write(&vm->mmio, run->mmio.phys_addr, run->mmio.data, len);
	else
		bus_read(&vm->mmio, run->mmio.phys_addr, run->mmio.data, len);
	vm->stats.exits_mmio++;
}

static int emu_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	const void *p = mem_gpa_to_hva(&((struct vmm *)opaque)->mem, gpa, len,
				       false);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int emu_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	struct vmm *vm = opaque;
	void *p = mem_gpa_to_hva(&vm->mem, gpa, len, true);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	snapshot_ram_written(vm, p, len);	/* KVM's dirty log misses it */
	return 0;
}

/*
 * This host's KVM (PVM) emulates guest kernel code and cannot execute most
 * x87 instructions nor LDMXCSR/STMXCSR: it reports an emulation failure with
 * RIP at the instruction.  Emulate it here and go on.  The FPU state moves
 * through KVM_GET/SET_XSAVE: KVM_GET/SET_FPU do not carry MXCSR, and a
 * control word set through KVM_SET_FPU right after FNINIT is lost.
 */
static int handle_emulation_failure(struct vmm *vm, struct vmm_exit *ex)
{
	const struct emu_mem mem = { vm, emu_read, emu_write };
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct emu_report rep;
	char hex[3 * 15 + 1] = "";
	int rc;

	rc = kvm_get_regs(vm->vcpu_fd, &regs);
	if (rc == 0)
		rc = kvm_get_sregs(vm->vcpu_fd, &sregs);
	if (rc == 0)
		rc = kvm_get_xsave(vm->vcpu_fd, &vm->xsave);
	if (rc < 0)
		return exit_with(ex, VMM_EXIT_ERROR, "reading vCPU state: %s",
				 strerror(-rc));
	emu_fpu_from_xsave(&vm->xsave, &fpu);
	rc = emu_fixup(&mem, &regs, &sregs, &fpu, &rep);
	if (rc == 0) {
		emu_fpu_to_xsave(&fpu, &vm->xsave);
		rc = kvm_set_xsave(vm->vcpu_fd, &vm->xsave);
		if (rc == 0)
			rc = kvm_set_regs(vm->vcpu_fd, &regs);
		if (rc < 0)
			return exit_with(ex, VMM_EXIT_ERROR,
					 "writing vCPU state: %s", strerror(-rc));
		vm->stats.exits_emulation++;
		if (rep.insn >= 0 && rep.insn < VMM_STATS_MAX_INSN)
			vm->stats.emulated[rep.insn]++;
		return 0;
	}
	for (unsigned i = 0; i < rep.len && i < 15; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", rep.bytes[i]);
	return exit_with(ex, VMM_EXIT_CRASH,
			 "cannot emulate instruction at rip 0x%llx (%u-bit): %s [%s]",
			 (unsigned long long)regs.rip, rep.mode_bits,
			 rep.why[0] ? rep.why : "unknown", hex);
}

static int handle_internal_error(struct vmm *vm, struct vmm_exit *ex)
{
	if (vm->run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
		return handle_emulation_failure(vm, ex);
	return exit_with(ex, VMM_EXIT_CRASH, "KVM internal error, suberror %u",
			 vm->run->internal.suberror);
}

/* One guest-asked conversion of [gpa, gpa + size), counted. */
static int convert(struct vmm *vm, uint64_t gpa, uint64_t size, bool priv)
{
	int rc = mem_convert(&vm->mem, gpa, size, priv);

	if (rc < 0) {
		vm->conversions_refused++;
		return rc;
	}
	if (priv)
		vm->pages_to_private += size >> 12;
	else
		vm->pages_to_shared += size >> 12;
	return 0;
}

/*
 * KVM_HC_MAP_GPA_RANGE (KVM hypercall.rst 8.x; an SEV-SNP guest's page
 * state change, forwarded by KVM because KVM_CAP_EXIT_HYPERCALL asked for
 * it): args are the GPA, a count of 4 KiB pages and the attributes (page
 * size hint in bits 0-1, ENCRYPTED in bit 4).  The guest gets 0 or
 * -KVM_EINVAL in RAX; a refused request is its own error, not ours.
 */
#define MAP_GPA_RANGE_ATTRS	(KVM_MAP_GPA_RANGE_PAGE_SZ_2M | \
				 KVM_MAP_GPA_RANGE_PAGE_SZ_1G | \
				 KVM_MAP_GPA_RANGE_ENCRYPTED)
#define MAP_GPA_RANGE_MAX_PAGES	(1ull << 40)	/* 2^52 bytes */

static bool map_request_ok(uint64_t pages, uint64_t attrs)
{
	return !(attrs & ~(uint64_t)MAP_GPA_RANGE_ATTRS) && (attrs & 3) != 3 &&
	       pages != 0 && pages <= MAP_GPA_RANGE_MAX_PAGES;
}

static int handle_hypercall(struct vmm *vm, struct vmm_exit *ex)
{
	struct kvm_run *run = vm->run;
	uint64_t gpa = run->hypercall.args[0], pages = run->hypercall.args[1];
	uint64_t attrs = run->hypercall.args[2];
	int rc = -EINVAL;

	vm->stats.exits_other++;
	if (run->hypercall.nr != KVM_HC_MAP_GPA_RANGE)
		return exit_with(ex, VMM_EXIT_CRASH, "unexpected hypercall %llu",
				 (unsigned long long)run->hypercall.nr);
	if (map_request_ok(pages, attrs))
		rc = convert(vm, gpa, pages << 12,
			     attrs & KVM_MAP_GPA_RANGE_ENCRYPTED);
	else
		vm->conversions_refused++;
	run->hypercall.ret = rc < 0 ? (uint64_t)-KVM_EINVAL : 0;
	return 0;
}

/*
 * KVM_EXIT_MEMORY_FAULT (KVM_RUN failed with EFAULT): the guest touched a
 * page whose private/shared attribute differs from its access (an implicit
 * conversion).  Convert and run again; a fault we cannot resolve would
 * repeat forever, so it ends the run.
 */
static int handle_memory_fault(struct vmm *vm, struct vmm_exit *ex)
{
	const struct sev_compat_kvm_memory_fault *f =
		(const void *)&vm->run->mmio;
	bool priv = f->flags & KVM_MEMORY_EXIT_FLAG_PRIVATE;
	uint64_t gpa = f->gpa & ~0xFFFull, end;

	vm->stats.exits_other++;
	if (__builtin_add_overflow(f->gpa, f->size, &end) || f->size == 0 ||
	    end > (1ull << 52) ||
	    convert(vm, gpa, ((end + 0xFFF) & ~0xFFFull) - gpa, priv) < 0)
		return exit_with(ex, VMM_EXIT_CRASH,
				 "memory fault at 0x%llx+0x%llx (%s) cannot be resolved",
				 (unsigned long long)f->gpa,
				 (unsigned long long)f->size,
				 priv ? "private" : "shared");
	return 0;
}

/* Rebuild the machine from its power-on state; VARS and RAM size stay. */
static int reset_machine(struct vmm *vm, struct vmm_exit *ex)
{
	int rc;

	machine_teardown(vm);
	/* Fresh zero pages, as at power-on: the firmware must not see stale RAM. */
	madvise(vm->ram, vm->ram_size, MADV_DONTNEED);
	platform_reset(vm);
	rc = machine_build(vm);
	if (rc < 0)
		return exit_with(ex, VMM_EXIT_ERROR, "reset: %s", vm->err);
	vm->stats.resets++;
	return 0;
}

/* A guest reset: reboot, or end the run when asked not to. */
static int guest_reset(struct vmm *vm, struct vmm_exit *ex, const char *why)
{
	if (vm->cfg.flags & VMM_F_NO_REBOOT)
		return exit_with(ex, VMM_EXIT_RESET, "guest reset (%s)", why);
	/* A launched SEV guest's memory and (SEV-ES) registers are sealed. */
	if (vm->sev)
		return exit_with(ex, VMM_EXIT_RESET,
				 "guest reset (%s); an SEV guest cannot be rebooted", why);
	return reset_machine(vm, ex);
}

static int handle_request(struct vmm *vm, struct vmm_exit *ex)
{
	enum vmm_request req = vm->request;

	vm->request = VMM_REQ_NONE;
	if (req == VMM_REQ_POWEROFF)
		return exit_with(ex, VMM_EXIT_POWEROFF, "guest powered off (ACPI S5)");
	if (req == VMM_REQ_RESET)
		return guest_reset(vm, ex, "reset requested by the guest");
	if (req == VMM_REQ_HARNESS) {
		ex->harness_value = vm->harness_value;
		return exit_with(ex, VMM_EXIT_HARNESS, "harness port: 0x%x",
				 vm->harness_value);
	}
	return 0;
}

/*
 * An SEV-ES/SNP guest's termination request (GHCB specification 2.0,
 * "Termination Request"): KVM gives the GHCB MSR value, whose bits 12-15
 * are the reason set and 16-23 the reason code (set 0: 0 general, 1 SEV
 * not supported, 2 GHCB protocol version).
 */
static int sev_termination(struct vmm_exit *ex, const struct kvm_run *run)
{
	uint64_t msr = run->system_event.ndata ? run->system_event.data[0] : 0;

	return exit_with(ex, VMM_EXIT_CRASH,
			 "SEV guest asked to terminate (GHCB reason set %u, code 0x%x)",
			 (unsigned)(msr >> 12) & 0xF, (unsigned)(msr >> 16) & 0xFF);
}

static int handle_exit(struct vmm *vm, struct vmm_exit *ex)
{
	struct kvm_run *run = vm->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(vm);
		return 0;
	case KVM_EXIT_MMIO:
		handle_mmio(vm);
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		return handle_internal_error(vm, ex);
	case KVM_EXIT_SHUTDOWN:
		vm->stats.exits_other++;
		if (vm->cfg.flags & VMM_F_NO_REBOOT || vm->sev)
			return exit_with(ex, VMM_EXIT_CRASH, "guest triple fault");
		return reset_machine(vm, ex);
	case KVM_EXIT_INTR:
		vm->stats.exits_intr++;
		return 0;
	case KVM_EXIT_IRQ_WINDOW_OPEN:	/* the ExtINT goes in before the entry */
		vm->stats.exits_other++;
		return 0;
	case KVM_EXIT_IOAPIC_EOI:
		vm->stats.exits_other++;
		irq_ioapic_eoi(vm, vm->run->eoi.vector);
		return 0;
	case KVM_EXIT_HLT:
		vm->stats.exits_other++;
		return exit_with(ex, VMM_EXIT_CRASH, "guest halted with interrupts off");
	case KVM_EXIT_FAIL_ENTRY:
		return exit_with(ex, VMM_EXIT_CRASH, "VM entry failed, reason 0x%llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_HYPERCALL:
		return handle_hypercall(vm, ex);
	case KVM_EXIT_SYSTEM_EVENT:
		vm->stats.exits_other++;
		if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
			return guest_reset(vm, ex, "system event");
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			return exit_with(ex, VMM_EXIT_POWEROFF, "guest shut down (system event)");
		if (run->system_event.type == KVM_SYSTEM_EVENT_SEV_TERM)
			return sev_termination(ex, run);
		return exit_with(ex, VMM_EXIT_CRASH, "guest system event %u",
				 run->system_event.type);
	default:
		return exit_with(ex, VMM_EXIT_CRASH, "unexpected KVM exit %u",
				 run->exit_reason);
	}
}

/* Work that waits for a kick: stop requests and console input. */
static int service_kicks(struct vmm *vm, struct vmm_exit *ex)
{
	int stop = vm->stop_reason;

	if (stop >= 0) {
		vm->stop_reason = -1;
		return exit_with(ex, (enum vmm_exit_reason)stop,
				 stop == VMM_EXIT_TIMEOUT ? "timeout" : "stopped");
	}
	if (vm->input_kicked) {
		vm->input_kicked = 0;
		platform_console_input(vm);
	}
	return 0;
}

/* vmm_set_limits(): a hang is a guest that outlives its budget. */
static int check_limits(struct vmm *vm, struct vmm_exit *ex, uint64_t exits0)
{
	if (vm->limit_exits && vm->stats.exits - exits0 >= vm->limit_exits)
		return exit_with(ex, VMM_EXIT_HANG, "hang: %llu exits",
				 (unsigned long long)vm->limit_exits);
	if (vm->run_deadline && monotonic_ns() >= vm->run_deadline)
		return exit_with(ex, VMM_EXIT_HANG, "hang: %llu ms",
				 (unsigned long long)(vm->limit_ns / 1000000));
	return 0;
}

int run_loop(struct vmm *vm, struct vmm_exit *ex)
{
	uint64_t exits0 = vm->stats.exits;
	int done = 0, rc;

	memset(ex, 0, sizeof(*ex));
	vm->run_deadline = vm->limit_ns ? monotonic_ns() + vm->limit_ns : 0;
	platform_console_input(vm);
	while (!done) {
		done = service_kicks(vm, ex);
		if (!done && (vm->limit_exits | vm->limit_ns))
			done = check_limits(vm, ex, exits0);
		if (done)
			break;
		rc = irq_before_run(vm);
		if (rc < 0)
			return exit_with(ex, VMM_EXIT_ERROR, "%s", vm->err), rc;
		rc = kvm_run(vm->vcpu_fd);
		vm->stats.exits++;
		if (rc == -EINTR || rc == -EAGAIN) {
			vm->run->immediate_exit = 0;
			vm->stats.exits_intr++;
			irq_after_eintr(vm);
			continue;
		}
		if (rc == -EFAULT && vm->run->exit_reason == KVM_EXIT_MEMORY_FAULT)
			done = handle_memory_fault(vm, ex);
		else if (rc < 0)
			return exit_with(ex, VMM_EXIT_ERROR, "KVM_RUN: %s",
					 strerror(-rc)), rc;
		else
			done = handle_exit(vm, ex);
		if (!done && vm->request != VMM_REQ_NONE)
			done = handle_request(vm, ex);
	}
	return 0;
}

int vmm_run(struct vmm *vm, struct vmm_exit *ex)
{
	int rc = sevg_finish(vm);

	if (rc < 0) {
		memset(ex, 0, sizeof(*ex));
		exit_with(ex, VMM_EXIT_ERROR, "%s", vm->err);
		return rc;
	}
	rc = irq_run_begin(vm);
	if (rc < 0) {
		memset(ex, 0, sizeof(*ex));
		exit_with(ex, VMM_EXIT_ERROR, "%s", vm->err);
		return rc;
	}
	rc = run_loop(vm, ex);
	irq_run_end(vm);

	/* Every way out makes the guest's variable writes durable. */
	if (vm->vars) {
		int frc = pflash_flush(vm->vars);

		if (frc < 0 && rc == 0) {
			exit_with(ex, VMM_EXIT_ERROR, "vars: flush failed: %s",
				  strerror(-frc));
			rc = frc;
		}
	}
	return rc;
}
