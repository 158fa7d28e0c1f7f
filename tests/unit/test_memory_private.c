// SPDX-License-Identifier: Apache-2.0
/*
 * Private memory of a confidential guest (SEV-SNP on KVM): guest_memfd
 * slots and private/shared conversions, against a recorded system-call
 * layer (-Wl,--wrap=ioctl,--wrap=fallocate,--wrap=madvise,--wrap=close).
 * Each test asserts the exact calls in order: KVM_CREATE_GUEST_MEMFD,
 * KVM_SET_USER_MEMORY_REGION2, KVM_SET_MEMORY_ATTRIBUTES with their
 * payloads, the discard of the side the guest stops seeing, and that a
 * failure at any step undoes what came before it and leaks no descriptor.
 * Every range a conversion takes comes from the guest: hostile ones are
 * refused before any call.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "sev/sev_uapi_compat.h"
#include "vmm/memory.h"

#define VM_FD	42
#define GMEM_FD	900	/* the first guest_memfd; each next one is +1 */

int __wrap_ioctl(int fd, unsigned long req, void *arg);
int __wrap_fallocate(int fd, int mode, off_t off, off_t len);
int __wrap_madvise(void *addr, size_t len, int advice);
int __real_close(int fd);
int __wrap_close(int fd);

enum kind { K_GMEM, K_REGION, K_REGION2, K_ATTR, K_PUNCH, K_MADVISE, K_CLOSE };

struct call {
	enum kind kind;
	int fd;
	uint64_t a, b, c;	/* per kind: see record_*() */
	uint32_t slot, flags;
};

static struct call calls[32];
static unsigned ncalls, fail_at;	/* fail call number fail_at (1-based) */
static int fail_errno, next_gmem, open_gmems;

static int record(struct call c)
{
	assert_true(ncalls < 32);
	calls[ncalls++] = c;
	if (ncalls == fail_at) {
		errno = fail_errno;
		return -1;
	}
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	assert_int_equal(fd, VM_FD);
	if (req == KVM_CREATE_GUEST_MEMFD) {
		const struct kvm_create_guest_memfd *g = arg;
		static const uint64_t zero[6];

		assert_int_equal(g->flags, 0);
		assert_memory_equal(g->reserved, zero, sizeof(zero));
		if (record((struct call){ K_GMEM, fd, g->size, 0, 0, 0, 0 }) < 0)
			return -1;
		open_gmems++;
		return next_gmem++;
	}
	if (req == KVM_SET_USER_MEMORY_REGION2) {
		const struct kvm_userspace_memory_region2 *r = arg;

		assert_int_equal(r->guest_memfd_offset, 0);
		return record((struct call){ K_REGION2, (int)r->guest_memfd,
					     r->guest_phys_addr, r->memory_size,
					     r->userspace_addr, r->slot, r->flags });
	}
	if (req == KVM_SET_USER_MEMORY_REGION) {
		const struct kvm_userspace_memory_region *r = arg;

		return record((struct call){ K_REGION, -1, r->guest_phys_addr,
					     r->memory_size, r->userspace_addr,
					     r->slot, r->flags });
	}
	assert_int_equal(req, KVM_SET_MEMORY_ATTRIBUTES);
	{
		const struct kvm_memory_attributes *a = arg;

		assert_int_equal(a->flags, 0);
		return record((struct call){ K_ATTR, fd, a->address, a->size,
					     a->attributes, 0, 0 });
	}
}

int __wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
	assert_int_equal(mode, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	return record((struct call){ K_PUNCH, fd, (uint64_t)off, (uint64_t)len,
				     0, 0, 0 });
}

int __wrap_madvise(void *addr, size_t len, int advice)
{
	assert_int_equal(advice, MADV_DONTNEED);
	return record((struct call){ K_MADVISE, -1, (uintptr_t)addr, len, 0, 0, 0 });
}

int __wrap_close(int fd)
{
	if (fd < GMEM_FD)
		return __real_close(fd);
	open_gmems--;
	return record((struct call){ K_CLOSE, fd, 0, 0, 0, 0, 0 });
}

static uint8_t ram[0x10000] __attribute__((aligned(4096)));
static uint8_t rom[0x2000] __attribute__((aligned(4096)));

static int setup(void **state)
{
	(void)state;
	ncalls = fail_at = 0;
	fail_errno = 0;
	next_gmem = GMEM_FD;
	open_gmems = 0;
	return 0;
}

static void assert_call(unsigned i, enum kind k, int fd, uint64_t a,
			uint64_t b, uint64_t c)
{
	assert_true(i < ncalls);
	assert_int_equal(calls[i].kind, k);
	assert_int_equal(calls[i].fd, fd);
	assert_int_equal(calls[i].a, a);
	assert_int_equal(calls[i].b, b);
	assert_int_equal(calls[i].c, c);
}

/* Two private RAM slots with a hole between, and a read-only ROM slot. */
static void build(struct mem_map *mm)
{
	mem_init(mm, VM_FD);
	mm->private_mem = true;
	assert_int_equal(mem_add(mm, 0, 0x8000, ram, false), 0);
	assert_int_equal(mem_add(mm, 0xC000, 0x8000, ram + 0x8000, false), 1);
	assert_int_equal(mem_add(mm, 0xFFFFE000, 0x2000, rom, true), 2);
	ncalls = 0;
}

static void test_private_slots_registered(void **state)
{
	struct mem_map mm;

	(void)state;
	mem_init(&mm, VM_FD);
	mm.private_mem = true;
	assert_int_equal(mem_add(&mm, 0x100000, 0x8000, ram, false), 0);
	assert_int_equal(ncalls, 3);
	assert_call(0, K_GMEM, VM_FD, 0x8000, 0, 0);
	assert_call(1, K_REGION2, GMEM_FD, 0x100000, 0x8000, (uintptr_t)ram);
	assert_int_equal(calls[1].slot, 0);
	assert_int_equal(calls[1].flags, KVM_MEM_GUEST_MEMFD);
	assert_call(2, K_ATTR, VM_FD, 0x100000, 0x8000, KVM_MEMORY_ATTRIBUTE_PRIVATE);
	assert_int_equal(mm.slots[0].gmem_fd, GMEM_FD);
	/* Read-only memory is never private: the old ioctl, no guest_memfd. */
	assert_int_equal(mem_add(&mm, 0xFFFFE000, 0x2000, rom, true), 1);
	assert_int_equal(ncalls, 4);
	assert_call(3, K_REGION, -1, 0xFFFFE000, 0x2000, (uintptr_t)rom);
	assert_int_equal(calls[3].flags, KVM_MEM_READONLY);
	assert_int_equal(mm.slots[1].gmem_fd, -1);
	/* The shared side is what the VMM reads and writes. */
	assert_ptr_equal(mem_gpa_to_hva(&mm, 0x101000, 16, true), ram + 0x1000);
	/* Toggling a private slot re-registers it with its guest_memfd. */
	assert_int_equal(mem_set_mapped(&mm, 0, false), 0);
	assert_call(4, K_REGION2, GMEM_FD, 0x100000, 0, (uintptr_t)ram);
	assert_int_equal(mem_set_mapped(&mm, 0, true), 0);
	assert_call(5, K_REGION2, GMEM_FD, 0x100000, 0x8000, (uintptr_t)ram);
	/* KVM refuses dirty logging of guest_memfd slots: only ROM is left,
	 * and read-only slots carry no log either. */
	assert_int_equal(mem_set_log_dirty(&mm, true), 0);
	assert_int_equal(ncalls, 6);
	mem_release(&mm);
	assert_call(6, K_CLOSE, GMEM_FD, 0, 0, 0);
	assert_int_equal(ncalls, 7);
	assert_int_equal(mm.count, 0);
	assert_int_equal(open_gmems, 0);
}

/* A failure at each of the three steps undoes the ones before it. */
static void test_private_slot_failures(void **state)
{
	static const struct {
		unsigned fail_at;
		int err;
		unsigned ncalls;	/* including the undo */
	} cases[] = {
		{ 1, ENOSYS, 1 },	/* no guest_memfd: nothing to undo */
		{ 2, EINVAL, 3 },	/* REGION2 refused: close */
		{ 3, EFAULT, 5 },	/* attributes refused: delete, close */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mem_map mm;

		setup(state);
		mem_init(&mm, VM_FD);
		mm.private_mem = true;
		fail_at = cases[i].fail_at;
		fail_errno = cases[i].err;
		assert_int_equal(mem_add(&mm, 0, 0x4000, ram, false), -cases[i].err);
		assert_int_equal(ncalls, cases[i].ncalls);
		assert_int_equal(mm.count, 0);
		assert_int_equal(open_gmems, 0);
		if (cases[i].fail_at == 3) {
			assert_call(3, K_REGION2, GMEM_FD, 0, 0, (uintptr_t)ram);
			assert_call(4, K_CLOSE, GMEM_FD, 0, 0, 0);
		}
		if (cases[i].fail_at == 2)
			assert_call(2, K_CLOSE, GMEM_FD, 0, 0, 0);
	}
}

static void test_convert_to_shared_and_back(void **state)
{
	struct mem_map mm;

	(void)state;
	build(&mm);
	/* Shared: attribute 0, then a hole in the slot's guest_memfd at the
	 * offset inside the slot. */
	assert_int_equal(mem_convert(&mm, 0xD000, 0x2000, false), 0);
	assert_int_equal(ncalls, 2);
	assert_call(0, K_ATTR, VM_FD, 0xD000, 0x2000, 0);
	assert_call(1, K_PUNCH, GMEM_FD + 1, 0x1000, 0x2000, 0);
	/* Private again: the attribute, then the shared pages dropped. */
	assert_int_equal(mem_convert(&mm, 0xD000, 0x2000, true), 0);
	assert_int_equal(ncalls, 4);
	assert_call(2, K_ATTR, VM_FD, 0xD000, 0x2000, KVM_MEMORY_ATTRIBUTE_PRIVATE);
	assert_call(3, K_MADVISE, -1, (uintptr_t)(ram + 0x9000), 0x2000, 0);
	mem_release(&mm);
}

/* Across both slots and the hole between them: shared is fine (the hole
 * is nobody's private memory), private is refused before any call. */
static void test_convert_spanning_slots(void **state)
{
	struct mem_map mm;

	(void)state;
	build(&mm);
	assert_int_equal(mem_convert(&mm, 0x7000, 0x6000, true), -EFAULT);
	assert_int_equal(ncalls, 0);
	assert_int_equal(mem_convert(&mm, 0x7000, 0x6000, false), 0);
	assert_int_equal(ncalls, 4);
	assert_call(0, K_ATTR, VM_FD, 0x7000, 0x1000, 0);
	assert_call(1, K_PUNCH, GMEM_FD, 0x7000, 0x1000, 0);
	assert_call(2, K_ATTR, VM_FD, 0xC000, 0x1000, 0);
	assert_call(3, K_PUNCH, GMEM_FD + 1, 0, 0x1000, 0);
	/* MMIO (the VARS flash) and ROM are always shared: nothing to do. */
	ncalls = 0;
	assert_int_equal(mem_convert(&mm, 0xFFC00000, 0x84000, false), 0);
	assert_int_equal(mem_convert(&mm, 0xFFFFE000, 0x2000, false), 0);
	assert_int_equal(ncalls, 0);
	assert_int_equal(mem_convert(&mm, 0xFFFFE000, 0x1000, true), -EFAULT);
	mem_release(&mm);
}

/* Hostile ranges: refused with -EINVAL before any call. */
static void test_convert_hostile_ranges(void **state)
{
	struct mem_map mm;

	(void)state;
	build(&mm);
	assert_int_equal(mem_convert(&mm, 0x1000, 0, true), -EINVAL);
	assert_int_equal(mem_convert(&mm, 0x1001, 0x1000, true), -EINVAL);
	assert_int_equal(mem_convert(&mm, 0x1000, 0x800, false), -EINVAL);
	assert_int_equal(mem_convert(&mm, 0xFFFFFFFFFFFFF000ull, 0x2000, false), -EINVAL);
	assert_int_equal(mem_convert(&mm, 0x1000, 0xFFFFFFFFFFFFF000ull, true), -EINVAL);
	assert_int_equal(mem_convert(&mm, 0, 0x100000000000ull, true), -EFAULT);
	assert_int_equal(ncalls, 0);
	mem_release(&mm);
}

/* KVM refusing the attribute: its error, and nothing discarded. */
static void test_convert_kvm_refuses(void **state)
{
	struct mem_map mm;

	(void)state;
	build(&mm);
	fail_at = 1;
	fail_errno = EAGAIN;
	assert_int_equal(mem_convert(&mm, 0x1000, 0x1000, false), -EAGAIN);
	assert_int_equal(ncalls, 1);
	/* The discard failing is reported too (the attribute is set). */
	fail_at = 5;
	fail_errno = ENOMEM;
	assert_int_equal(mem_convert(&mm, 0x1000, 0x1000, false), 0);
	assert_int_equal(mem_convert(&mm, 0x1000, 0x1000, true), -ENOMEM);
	assert_int_equal(ncalls, 5);
	assert_call(3, K_ATTR, VM_FD, 0x1000, 0x1000, KVM_MEMORY_ATTRIBUTE_PRIVATE);
	assert_call(4, K_MADVISE, -1, (uintptr_t)(ram + 0x1000), 0x1000, 0);
	mem_release(&mm);
	assert_int_equal(open_gmems, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_private_slots_registered, setup),
		cmocka_unit_test_setup(test_private_slot_failures, setup),
		cmocka_unit_test_setup(test_convert_to_shared_and_back, setup),
		cmocka_unit_test_setup(test_convert_spanning_slots, setup),
		cmocka_unit_test_setup(test_convert_hostile_ranges, setup),
		cmocka_unit_test_setup(test_convert_kvm_refuses, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
