// SPDX-License-Identifier: Apache-2.0
/* The memslot table: checks, and the exact KVM_SET_USER_MEMORY_REGION calls. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "vmm/memory.h"

int __wrap_ioctl(int fd, unsigned long req, void *arg);

/* Every KVM_SET_USER_MEMORY_REGION the code makes, in order. */
static struct kvm_userspace_memory_region calls[16];
static unsigned ncalls;
static int fail_with;

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	assert_int_equal(fd, 42);
	assert_int_equal(req, KVM_SET_USER_MEMORY_REGION);
	assert_true(ncalls < 16);
	calls[ncalls++] = *(struct kvm_userspace_memory_region *)arg;
	if (fail_with) {
		errno = fail_with;
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	ncalls = 0;
	fail_with = 0;
	return 0;
}

static uint8_t backing[0x4000] __attribute__((aligned(4096)));

static void test_memory_add_and_translate(void **state)
{
	struct mem_map mm;

	(void)state;
	mem_init(&mm, 42);
	assert_int_equal(mem_add(&mm, 0x1000, 0x2000, backing, false), 0);
	assert_int_equal(mem_add(&mm, 0xFFFFE000, 0x2000, backing + 0x2000, true), 1);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[1].slot, 1);
	assert_int_equal(calls[1].flags, KVM_MEM_READONLY);
	assert_int_equal(calls[1].guest_phys_addr, 0xFFFFE000);
	assert_int_equal(calls[1].memory_size, 0x2000);
	assert_ptr_equal((void *)(uintptr_t)calls[1].userspace_addr, backing + 0x2000);
	assert_ptr_equal(mem_gpa_to_hva(&mm, 0x1000, 1, true), backing);
	assert_ptr_equal(mem_gpa_to_hva(&mm, 0x2FFF, 1, true), backing + 0x1FFF);
	/* One byte past the slot, or straddling its end: refused. */
	assert_null(mem_gpa_to_hva(&mm, 0x3000, 1, false));
	assert_null(mem_gpa_to_hva(&mm, 0x2FFF, 2, false));
	/* Read-only slots read, never write. */
	assert_ptr_equal(mem_gpa_to_hva(&mm, 0xFFFFFFF0, 16, false), backing + 0x3FF0);
	assert_null(mem_gpa_to_hva(&mm, 0xFFFFFFF0, 16, true));
	assert_null(mem_gpa_to_hva(&mm, UINT64_MAX, 2, false));
	assert_null(mem_gpa_to_hva(&mm, 0x1000, 0, false));
}

static void test_memory_add_rejects(void **state)
{
	struct mem_map mm;

	(void)state;
	mem_init(&mm, 42);
	assert_int_equal(mem_add(&mm, 0x1001, 0x1000, backing, false), -EINVAL);
	assert_int_equal(mem_add(&mm, 0x1000, 0xFFF, backing, false), -EINVAL);
	assert_int_equal(mem_add(&mm, 0x1000, 0x1000, backing + 1, false), -EINVAL);
	assert_int_equal(mem_add(&mm, 0x1000, 0, backing, false), -EINVAL);
	assert_int_equal(mem_add(&mm, 0xFFFFFFFFFFFFF000ULL, 0x2000, backing, false), -EINVAL);
	assert_int_equal(mem_add(&mm, 0x1000, 0x2000, backing, false), 0);
	assert_int_equal(mem_add(&mm, 0x2000, 0x1000, backing, false), -EEXIST);
	assert_int_equal(ncalls, 1);
	fail_with = EEXIST;
	assert_int_equal(mem_add(&mm, 0x8000, 0x1000, backing, false), -EEXIST);
	assert_int_equal(mm.count, 1);
}

static void test_memory_romd_toggle(void **state)
{
	struct mem_map mm;

	(void)state;
	mem_init(&mm, 42);
	assert_int_equal(mem_add(&mm, 0xFFE00000, 0x2000, backing, true), 0);
	assert_int_equal(mem_set_mapped(&mm, 0, true), 0); /* no-op */
	assert_int_equal(ncalls, 1);
	assert_int_equal(mem_set_mapped(&mm, 0, false), 0);
	assert_int_equal(ncalls, 2);
	assert_int_equal(calls[1].memory_size, 0); /* delete */
	assert_int_equal(calls[1].slot, 0);
	assert_null(mem_gpa_to_hva(&mm, 0xFFE00000, 1, false));
	assert_int_equal(mem_set_mapped(&mm, 0, true), 0);
	assert_int_equal(calls[2].memory_size, 0x2000);
	assert_int_equal(calls[2].flags, KVM_MEM_READONLY);
	fail_with = ENOMEM;
	assert_int_equal(mem_set_mapped(&mm, 0, false), -ENOMEM);
	assert_true(mm.slots[0].mapped); /* state follows KVM, not the wish */
	assert_int_equal(mem_set_mapped(&mm, 1, false), -EINVAL);
	assert_int_equal(mem_set_mapped(&mm, -1, false), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_memory_add_and_translate, setup),
		cmocka_unit_test_setup(test_memory_add_rejects, setup),
		cmocka_unit_test_setup(test_memory_romd_toggle, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
