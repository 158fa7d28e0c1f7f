// SPDX-License-Identifier: Apache-2.0
/*
 * vmm_snapshot()/vmm_restore() refusals and the guest-memory calls, on a
 * machine without KVM (tests/fuzz/vm/restore_test.c checks the real thing
 * on KVM: every device and guest RAM rewound).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/machine.h"

static struct vmm *make_vm(void)
{
	struct vmm *vm = calloc(1, sizeof(*vm));

	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
	vm->ram_size = 2 * 4096;
	vm->ram = calloc(1, vm->ram_size);
	mem_init(&vm->mem, -1);
	/* One RAM slot by hand (mem_add would call KVM). */
	vm->mem.slots[0] = (struct mem_slot){ 0x1000, vm->ram_size, vm->ram, false, true, -1 };
	vm->mem.count = 1;
	return vm;
}

static void free_vm(struct vmm *vm)
{
	free(vm->ram);
	free(vm);
}

static void test_snapshot_refusals(void **state)
{
	struct vmm *vm = make_vm();
	struct vmm_snapshot *snap = (struct vmm_snapshot *)&snap;

	(void)state;
	/* Not built (no VM fd, no run page). */
	assert_int_equal(vmm_snapshot(vm, &snap), -EINVAL);
	assert_null(snap);
	assert_string_equal(vm->err, "snapshot: the VM is not built");
	/* An SEV guest. */
	vm->sev = (struct sev *)vm;
	assert_int_equal(vmm_snapshot(vm, &snap), -EOPNOTSUPP);
	assert_string_equal(vm->err,
		"snapshot: not for SEV guests: their memory and registers are encrypted and the launch cannot be rewound");
	vm->sev = NULL;
	/* One at a time. */
	vm->snap = (struct vmm_snapshot *)vm;
	assert_int_equal(vmm_snapshot(vm, &snap), -EBUSY);
	assert_string_equal(vm->err, "snapshot: this VM already has one");
	/* A snapshot of another VM, or none. */
	assert_int_equal(vmm_restore(vm, NULL, 0), -EINVAL);
	assert_string_equal(vm->err, "restore: not this VM's snapshot");
	assert_int_equal(vmm_restore(vm, (struct vmm_snapshot *)&snap, 0), -EINVAL);
	vm->snap = NULL;
	free_vm(vm);
}

static void test_guest_memory(void **state)
{
	struct vmm *vm = make_vm();
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];

	(void)state;
	assert_int_equal(vmm_write_guest(vm, 0x1FFC, buf, 8), 0);
	assert_memory_equal(vm->ram + 0xFFC, buf, 8);
	assert_int_equal(vmm_read_guest(vm, 0x1FFC, back, 8), 0);
	assert_memory_equal(back, buf, 8);
	/* Past the slot, before it, wrapping around. */
	assert_int_equal(vmm_write_guest(vm, 0x2FFC, buf, 8), -EFAULT);
	assert_string_equal(vm->err, "write_guest: 0x2ffc+8 is not writable RAM");
	assert_int_equal(vmm_write_guest(vm, 0xFFC, buf, 8), -EFAULT);
	assert_int_equal(vmm_read_guest(vm, UINT64_MAX - 3, back, 8), -EFAULT);
	assert_string_equal(vm->err, "read_guest: 0xfffffffffffffffc+8 is not RAM");
	/* A read-only slot is not writable, and not RAM either. */
	vm->mem.slots[0].readonly = true;
	assert_int_equal(vmm_write_guest(vm, 0x1000, buf, 1), -EFAULT);
	vm->mem.slots[0].readonly = false;
	free_vm(vm);
}

static void test_limits(void **state)
{
	struct vmm *vm = make_vm();

	(void)state;
	vmm_set_limits(vm, 5, 1000000);
	assert_int_equal(vm->limit_exits, 5);
	assert_int_equal(vm->limit_ns, 1000000);
	vmm_set_limits(vm, 0, 0);
	assert_int_equal(vm->limit_exits, 0);
	free_vm(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_refusals),
		cmocka_unit_test(test_guest_memory),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
