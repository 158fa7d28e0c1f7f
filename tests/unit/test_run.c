// SPDX-License-Identifier: Apache-2.0
/*
 * The run loop against scripted KVM exits: a fake KVM_RUN fills the shared
 * kvm_run page the way KVM does, and the loop must dispatch, count and end
 * exactly as documented.  No /dev/kvm needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>

#include "sev/sev_uapi_compat.h"
#include "vmm/machine.h"

#define VCPU_FD 77
#define RUN_SIZE 8192

int __wrap_ioctl(int fd, unsigned long req, void *arg);

/* One scripted exit: what KVM_RUN returns and writes into the run page. */
struct step {
	int rc;			/* 0 or -errno */
	uint32_t reason;
	uint8_t dir;		/* KVM_EXIT_IO_IN/OUT */
	uint16_t port;
	uint8_t size;
	uint32_t count;
	uint64_t data_offset;	/* 0 = default (4096) */
	uint64_t value;
	uint64_t gpa;
	uint8_t is_write;
	uint32_t suberror;
	uint64_t hc_nr, hc_args[3];	/* KVM_EXIT_HYPERCALL */
	uint64_t fault_flags, fault_size;	/* KVM_EXIT_MEMORY_FAULT (and gpa) */
};

#define VM_FD 78

/* KVM_SET_MEMORY_ATTRIBUTES calls, and each hypercall's answer. */
static struct kvm_memory_attributes attrs[16];
static unsigned nattrs;
static uint64_t hc_ret[16];

static struct {
	const struct step *steps;
	unsigned n, next;
	struct kvm_run *run;
} script;

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	const struct step *s;
	struct kvm_run *run = script.run;

	if (req == KVM_SET_MEMORY_ATTRIBUTES) {
		assert_int_equal(fd, VM_FD);
		assert_true(nattrs < 16);
		attrs[nattrs++] = *(struct kvm_memory_attributes *)arg;
		return 0;
	}
	assert_int_equal(fd, VCPU_FD);
	assert_int_equal(req, KVM_RUN);
	/* What the loop answered the previous exit's hypercall. */
	if (script.next && script.next <= 16 &&
	    script.steps[script.next - 1].reason == KVM_EXIT_HYPERCALL)
		hc_ret[script.next - 1] = run->hypercall.ret;
	assert_true(script.next < script.n);
	s = &script.steps[script.next++];
	if (s->reason == KVM_EXIT_MEMORY_FAULT) {
		struct sev_compat_kvm_memory_fault *f = (void *)&run->mmio;

		run->exit_reason = s->reason;
		*f = (struct sev_compat_kvm_memory_fault){ s->fault_flags, s->gpa,
							    s->fault_size };
	}
	if (s->rc) {
		errno = -s->rc;
		return -1;
	}
	run->exit_reason = s->reason;
	if (s->reason == KVM_EXIT_HYPERCALL) {
		run->hypercall.nr = s->hc_nr;
		memcpy(run->hypercall.args, s->hc_args, sizeof(s->hc_args));
		run->hypercall.ret = 0xBADBAD;	/* must be overwritten */
	}
	if (s->reason == KVM_EXIT_IO) {
		run->io.direction = s->dir;
		run->io.port = s->port;
		run->io.size = s->size;
		run->io.count = s->count ? s->count : 1;
		run->io.data_offset = s->data_offset ? s->data_offset : 4096;
		if (run->io.data_offset < RUN_SIZE - 8)
			memcpy((uint8_t *)run + run->io.data_offset, &s->value, 8);
	} else if (s->reason == KVM_EXIT_MMIO) {
		run->mmio.phys_addr = s->gpa;
		run->mmio.len = s->size;
		run->mmio.is_write = s->is_write;
		memcpy(run->mmio.data, &s->value, 8);
	} else if (s->reason == KVM_EXIT_INTERNAL_ERROR) {
		run->internal.suberror = s->suberror;
	} else if (s->reason == KVM_EXIT_SYSTEM_EVENT) {
		run->system_event.type = s->suberror;
		run->system_event.ndata = s->value ? 1 : 0;
		run->system_event.data[0] = s->value;
	}
	return 0;
}

/* A device that records writes and answers reads with its offset. */
struct rec {
	uint64_t last_off, last_val;
	unsigned writes, reads;
	struct vmm *vm;
	enum vmm_request on_write;
};

static int rec_read(void *o, uint64_t off, void *data, uint32_t len)
{
	struct rec *r = o;

	r->reads++;
	dev_store_le(data, len, 0xA0 + off);
	return 0;
}

static int rec_write(void *o, uint64_t off, const void *data, uint32_t len)
{
	struct rec *r = o;

	r->writes++;
	r->last_off = off;
	r->last_val = dev_load_le(data, len);
	if (r->on_write)
		r->vm->request = r->on_write;
	return 0;
}

static const struct vmm_device_ops rec_ops = { rec_read, rec_write, NULL, 0 };

static struct vmm *make_vm(unsigned flags)
{
	struct vmm *vm = calloc(1, sizeof(*vm));

	vm->run = calloc(1, RUN_SIZE);
	vm->run_size = RUN_SIZE;
	vm->vcpu_fd = VCPU_FD;
	vm->vm_fd = vm->kvm_fd = -1;
	vm->cfg.console_in_fd = vm->cfg.console_out_fd = -1;
	vm->cfg.flags = flags;
	vm->stop_reason = -1;
	bus_init(&vm->pio);
	bus_init(&vm->mmio);
	script.run = vm->run;
	return vm;
}

static void free_vm(struct vmm *vm)
{
	free(vm->run);
	free(vm);
}

static void play(const struct step *steps, unsigned n)
{
	script.steps = steps;
	script.n = n;
	script.next = 0;
}

static void test_run_io_dispatch_and_poweroff(void **state)
{
	struct vmm *vm = make_vm(0);
	struct rec dev = { .vm = vm }, pm = { .vm = vm, .on_write = VMM_REQ_POWEROFF };
	struct vmm_device d = { "rec", &rec_ops, &dev }, p = { "pm", &rec_ops, &pm };
	const struct step steps[] = {
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, .port = 0x3F9, .size = 1, .value = 0x5A },
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_IN, .port = 0x3FD, .size = 1,
		  .data_offset = 4200 },
		/* rep outsb of 3 bytes: three dispatches, in order */
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, .port = 0x3F8, .size = 1, .count = 3, .value = 0x030201 },
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, .port = 0xB004, .size = 2, .value = 0x2000 },
	};
	struct vmm_exit ex;

	(void)state;
	assert_int_equal(bus_register(&vm->pio, 0x3F8, 8, &d), 0);
	assert_int_equal(bus_register(&vm->pio, 0xB000, 64, &p), 0);
	play(steps, 4);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_POWEROFF);
	assert_string_equal(ex.detail, "guest powered off (ACPI S5)");
	assert_int_equal(script.next, 4);
	assert_int_equal(dev.writes, 4);
	assert_int_equal(dev.last_val, 0x03);
	assert_int_equal(dev.reads, 1);
	/* The IN result lands in the run page for KVM to complete. */
	assert_int_equal(*((uint8_t *)vm->run + 4200), 0xA5);
	assert_int_equal(pm.last_off, 4);
	assert_int_equal(pm.last_val, 0x2000);
	assert_int_equal(vm->stats.exits, 4);
	assert_int_equal(vm->stats.exits_io, 4);
	free_vm(vm);
}

static void test_run_unclaimed_and_hostile_layout(void **state)
{
	struct vmm *vm = make_vm(VMM_F_NO_REBOOT);
	const struct step steps[] = {
		{ .reason = KVM_EXIT_MMIO, .gpa = 0xFED40000, .size = 4 },
		{ .reason = KVM_EXIT_MMIO, .gpa = 0xFED40000, .size = 4, .is_write = 1 },
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_IN, .port = 0xAF00, .size = 4 },
		/* A data offset past the run page must never be followed. */
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, .port = 0x80, .size = 4,
		  .count = 2, .data_offset = RUN_SIZE - 4 },
		/* An MMIO length the data array cannot hold is dropped. */
		{ .reason = KVM_EXIT_MMIO, .gpa = 0x1000, .size = 9 },
		{ .reason = KVM_EXIT_SHUTDOWN },
	};
	struct vmm_exit ex;

	(void)state;
	play(steps, 6);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_CRASH);
	assert_string_equal(ex.detail, "guest triple fault");
	assert_int_equal(vm->mmio.stats.unclaimed_reads, 1);
	assert_int_equal(vm->mmio.stats.unclaimed_writes, 1);
	assert_int_equal(vm->pio.stats.unclaimed_reads, 1);
	assert_int_equal(vm->pio.stats.unclaimed_writes, 0);
	assert_int_equal(*(uint32_t *)((uint8_t *)vm->run + 4096), 0xFFFFFFFF);
	free_vm(vm);
}

static void test_run_stop_and_kick(void **state)
{
	struct vmm *vm = make_vm(VMM_F_NO_REBOOT);
	const struct step steps[] = {
		{ .rc = -EINTR },		/* the kick's signal */
		{ .reason = KVM_EXIT_SHUTDOWN },
	};
	struct vmm_exit ex;

	(void)state;
	/* A stop before vmm_run() ends the loop without running, and touches
	 * no kvm_run page on the way. */
	play(steps, 2);
	vmm_stop(vm, VMM_EXIT_TIMEOUT);
	assert_int_equal(vm->run->immediate_exit, 0);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_TIMEOUT);
	assert_string_equal(ex.detail, "timeout");
	assert_int_equal(script.next, 0);
	/* A kick from a signal handler on the running thread: immediate_exit,
	 * served, cleared after the EINTR, run goes on. */
	atomic_store(&vm->run_tid, gettid());
	vmm_kick(vm);
	assert_int_equal(vm->run->immediate_exit, 1);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_CRASH);
	assert_int_equal(vm->input_kicked, 0);
	assert_int_equal(vm->run->immediate_exit, 0);
	assert_int_equal(vm->stats.exits, 2);
	assert_int_equal(vm->stats.exits_intr, 1);
	assert_int_equal(script.next, 2);
	free_vm(vm);
}

static void test_run_internal_errors(void **state)
{
	struct vmm *vm = make_vm(0);
	const struct step steps[] = {
		{ .reason = KVM_EXIT_INTERNAL_ERROR, .suberror = KVM_INTERNAL_ERROR_SIMUL_EX },
	};
	const struct step fail[] = { { .rc = -EFAULT } };
	const struct step odd[] = { { .reason = 0xDEAD } };
	struct vmm_exit ex;

	(void)state;
	play(steps, 1);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_CRASH);
	assert_string_equal(ex.detail, "KVM internal error, suberror 2");
	play(fail, 1);
	assert_int_equal(run_loop(vm, &ex), -EFAULT);
	assert_int_equal(ex.reason, VMM_EXIT_ERROR);
	assert_string_equal(ex.detail, "KVM_RUN: Bad address");
	play(odd, 1);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_CRASH);
	assert_string_equal(ex.detail, "unexpected KVM exit 57005");
	{
		const struct step off[] = { { .reason = KVM_EXIT_SYSTEM_EVENT,
					      .suberror = KVM_SYSTEM_EVENT_SHUTDOWN } };
		const struct step crash[] = { { .reason = KVM_EXIT_SYSTEM_EVENT,
						.suberror = KVM_SYSTEM_EVENT_CRASH } };

		play(off, 1);
		assert_int_equal(run_loop(vm, &ex), 0);
		assert_int_equal(ex.reason, VMM_EXIT_POWEROFF);
		play(crash, 1);
		assert_int_equal(run_loop(vm, &ex), 0);
		assert_int_equal(ex.reason, VMM_EXIT_CRASH);
		assert_string_equal(ex.detail, "guest system event 3");
		{
			/* GHCB MSR 0x00031100: TERM_REQ, reason set 1, code 3. */
			const struct step term[] = { { .reason = KVM_EXIT_SYSTEM_EVENT,
						       .suberror = KVM_SYSTEM_EVENT_SEV_TERM,
						       .value = 0x00031100 } };

			play(term, 1);
			assert_int_equal(run_loop(vm, &ex), 0);
			assert_int_equal(ex.reason, VMM_EXIT_CRASH);
			assert_string_equal(ex.detail, "SEV guest asked to terminate "
					    "(GHCB reason set 1, code 0x3)");
		}
	}
	free_vm(vm);
}

static void test_run_reset_without_reboot(void **state)
{
	struct vmm *vm = make_vm(VMM_F_NO_REBOOT);
	struct rec rc = { .vm = vm, .on_write = VMM_REQ_RESET };
	struct vmm_device d = { "resetctl", &rec_ops, &rc };
	const struct step steps[] = {
		{ .reason = KVM_EXIT_IO, .dir = KVM_EXIT_IO_OUT, .port = 0xCF9, .size = 1, .value = 6 },
	};
	struct vmm_exit ex;

	(void)state;
	assert_int_equal(bus_register(&vm->pio, 0xCF9, 1, &d), 0);
	play(steps, 1);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_RESET);
	assert_string_equal(ex.detail, "guest reset (reset requested by the guest)");
	free_vm(vm);
}

/*
 * An SEV-SNP guest's page state changes: KVM_HC_MAP_GPA_RANGE exits and
 * implicit conversions (KVM_EXIT_MEMORY_FAULT), over one private slot
 * whose guest_memfd is a memfd here (holes really punched).  Each answer,
 * each attribute change and each counter is exact; hostile requests are
 * refused to the guest, an unknown hypercall or an unresolvable fault ends
 * the run.
 */
static void test_run_private_conversions(void **state)
{
	struct vmm *vm = make_vm(VMM_F_NO_REBOOT);
	uint8_t *mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int gmem = memfd_create("gmem", MFD_CLOEXEC);
	const uint64_t enc = KVM_MAP_GPA_RANGE_ENCRYPTED;
	const struct step steps[] = {
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x101000, 2, KVM_MAP_GPA_RANGE_PAGE_SZ_2M } },
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x101000, 2, enc } },
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x101000, 1, 1u << 5 } },		/* reserved bit */
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x101000, 1, 3 } },		/* 2M and 1G */
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x101000, 0, enc } },		/* no pages */
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x1000, 1ull << 41, 0 } },	/* 2^53 bytes */
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0xFFFFFFFFFFFFF000ull, 2, 0 } },	/* wraps */
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_MAP_GPA_RANGE,
		  .hc_args = { 0x200000, 1, enc } },	/* private outside RAM */
		{ .rc = -EFAULT, .reason = KVM_EXIT_MEMORY_FAULT,
		  .fault_flags = KVM_MEMORY_EXIT_FLAG_PRIVATE, .gpa = 0x102010, .fault_size = 0x10 },
		{ .rc = -EFAULT, .reason = KVM_EXIT_MEMORY_FAULT, .gpa = 0x103000,
		  .fault_size = 0x2000 },
		{ .reason = KVM_EXIT_HYPERCALL, .hc_nr = KVM_HC_KICK_CPU },
	};
	const struct step unresolvable[] = {
		{ .rc = -EFAULT, .reason = KVM_EXIT_MEMORY_FAULT,
		  .fault_flags = KVM_MEMORY_EXIT_FLAG_PRIVATE, .gpa = 0x300000, .fault_size = 0x1000 },
	};
	const uint64_t bad = (uint64_t)-KVM_EINVAL;
	const uint64_t want_ret[] = { 0, 0, bad, bad, bad, bad, bad, bad };
	struct vmm_exit ex;

	(void)state;
	assert_true(mem != MAP_FAILED && gmem >= 0);
	assert_int_equal(ftruncate(gmem, 0x10000), 0);
	mem_init(&vm->mem, VM_FD);
	vm->mem.slots[0] = (struct mem_slot){ 0x100000, 0x10000, mem, false, true, gmem };
	vm->mem.count = 1;
	nattrs = 0;
	memset(hc_ret, 0, sizeof(hc_ret));
	play(steps, sizeof(steps) / sizeof(steps[0]));
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_CRASH);
	assert_string_equal(ex.detail, "unexpected hypercall 5");
	assert_int_equal(script.next, sizeof(steps) / sizeof(steps[0]));
	for (unsigned i = 0; i < sizeof(want_ret) / sizeof(want_ret[0]); i++)
		assert_int_equal(hc_ret[i], want_ret[i]);
	assert_int_equal(nattrs, 4);
	assert_int_equal(attrs[0].address, 0x101000);
	assert_int_equal(attrs[0].size, 0x2000);
	assert_int_equal(attrs[0].attributes, 0);
	assert_int_equal(attrs[1].address, 0x101000);
	assert_int_equal(attrs[1].attributes, KVM_MEMORY_ATTRIBUTE_PRIVATE);
	assert_int_equal(attrs[2].address, 0x102000);	/* the faulting page */
	assert_int_equal(attrs[2].size, 0x1000);
	assert_int_equal(attrs[2].attributes, KVM_MEMORY_ATTRIBUTE_PRIVATE);
	assert_int_equal(attrs[3].address, 0x103000);
	assert_int_equal(attrs[3].size, 0x2000);
	assert_int_equal(attrs[3].attributes, 0);
	assert_int_equal(vm->pages_to_shared, 4);
	assert_int_equal(vm->pages_to_private, 3);
	assert_int_equal(vm->conversions_refused, 6);
	assert_int_equal(vm->stats.exits_other, 11);

	play(unresolvable, 1);
	assert_int_equal(run_loop(vm, &ex), 0);
	assert_int_equal(ex.reason, VMM_EXIT_CRASH);
	assert_string_equal(ex.detail, "memory fault at 0x300000+0x1000 (private) cannot be resolved");
	assert_int_equal(nattrs, 4);
	assert_int_equal(vm->conversions_refused, 7);
	close(gmem);
	munmap(mem, 0x10000);
	free_vm(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_io_dispatch_and_poweroff),
		cmocka_unit_test(test_run_unclaimed_and_hostile_layout),
		cmocka_unit_test(test_run_stop_and_kick),
		cmocka_unit_test(test_run_internal_errors),
		cmocka_unit_test(test_run_reset_without_reboot),
		cmocka_unit_test(test_run_private_conversions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
