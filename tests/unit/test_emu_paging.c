// SPDX-License-Identifier: Apache-2.0
/*
 * emu_translate(): the guest page walk for every paging mode, against
 * tiny page tables built in a fake guest memory.  Expected addresses are
 * worked out by hand from the table contents (Intel SDM Vol. 3A 4.3-4.5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/emu/emu_priv.h"

#define RAM_SIZE (8u << 20)
#define P 0x1ULL
#define RW 0x2ULL
#define US 0x4ULL
#define PS 0x80ULL
#define CR0_PE 0x1ULL
#define CR0_WP 0x10000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PSE 0x10ULL
#define CR4_PAE 0x20ULL
#define CR4_LA57 0x1000ULL
#define EFER_LMA 0x400ULL

struct fake {
	uint8_t *ram;
	unsigned reads;
	struct emu_mem mem;
	struct kvm_sregs sregs;
};

static int fake_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	struct fake *f = opaque;

	f->reads++;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, f->ram + gpa, len);
	return 0;
}

static int fake_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	(void)opaque, (void)gpa, (void)buf, (void)len;
	fail_msg("the page walk never writes");
	return -EFAULT;
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	f->mem = (struct emu_mem){ f, fake_read, fake_write };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	free(f->ram);
	free(f);
	return 0;
}

static void put32(struct fake *f, uint64_t gpa, uint32_t v)
{
	memcpy(f->ram + gpa, &v, 4);
}

static void put64(struct fake *f, uint64_t gpa, uint64_t v)
{
	memcpy(f->ram + gpa, &v, 8);
}

static int xlate(struct fake *f, uint64_t lin, enum emu_access acc,
		 bool user, uint64_t *gpa)
{
	uint64_t left = 0;
	int rc = emu_translate(&f->mem, &f->sregs, lin, acc, user, gpa, &left);

	if (rc == 0)
		assert_int_equal(left, 4096 - (lin & 0xFFF));
	return rc;
}

static uint64_t xlate_ok(struct fake *f, uint64_t lin)
{
	uint64_t gpa = ~0ULL;

	assert_int_equal(xlate(f, lin, EMU_ACC_READ, false, &gpa), 0);
	return gpa;
}

static void test_emu_paging_disabled_is_identity(void **state)
{
	struct fake *f = *state;

	f->sregs.cr0 = CR0_PE;
	assert_int_equal(xlate_ok(f, 0xFFFFFFF0), 0xFFFFFFF0);
	assert_int_equal(xlate_ok(f, 0x12345), 0x12345);
	assert_int_equal(f->reads, 0);
}

/* 32-bit paging, 4 KiB page: PDE index 31:22, PTE index 21:12 (4.3). */
static void test_emu_paging_32bit_4k(void **state)
{
	struct fake *f = *state;
	uint64_t gpa;

	f->sregs.cr0 = CR0_PE | CR0_PG;
	f->sregs.cr3 = 0x1000 | 0x18;	/* PWT/PCD bits are not address */
	put32(f, 0x1000 + 4 * 1, 0x2000 | P | RW);
	put32(f, 0x2000 + 4 * 3, 0x345000 | P | RW);
	assert_int_equal(xlate_ok(f, (1u << 22) | (3u << 12) | 0x123),
			 0x345123);
	/* PTE not present. */
	assert_int_equal(xlate(f, (1u << 22) | (4u << 12), EMU_ACC_READ,
			       false, &gpa), -EFAULT);
	/* PDE not present. */
	assert_int_equal(xlate(f, 2u << 22, EMU_ACC_READ, false, &gpa),
			 -EFAULT);
}

/* 4 MiB pages need CR4.PSE; PDE bits 20:13 give address bits 39:32. */
static void test_emu_paging_32bit_pse_4m(void **state)
{
	struct fake *f = *state;
	const uint32_t lin = (2u << 22) | 0x2ABCDE;

	f->sregs.cr0 = CR0_PE | CR0_PG;
	f->sregs.cr3 = 0x1000;
	f->sregs.cr4 = CR4_PSE;
	put32(f, 0x1000 + 4 * 2, 0x400000 | (0x05u << 13) | PS | P | RW);
	assert_int_equal(xlate_ok(f, lin), 0x500400000ULL | 0x2ABCDE);

	/*
	 * Without CR4.PSE the PS bit is ignored: the PDE names a page table
	 * at its bits 31:12 (0x40A000), indexed by linear bits 21:12.
	 */
	f->sregs.cr4 = 0;
	put32(f, 0x40A000 + 4 * 0x2AB, 0x777000 | P);
	assert_int_equal(xlate_ok(f, lin), 0x777CDE);
}

/* PAE: CR3 bits 31:5 locate four PDPTEs; 2 MiB or 4 KiB pages (4.4). */
static void test_emu_paging_pae_4k_and_2m(void **state)
{
	struct fake *f = *state;
	uint64_t gpa;

	f->sregs.cr0 = CR0_PE | CR0_PG;
	f->sregs.cr4 = CR4_PAE;
	f->sregs.cr3 = 0x1020;
	put64(f, 0x1020 + 8 * 1, 0x3000 | P);
	put64(f, 0x3000 + 8 * 0, 0x4000 | P | RW);
	put64(f, 0x4000 + 8 * 5, 0x123456000ULL | P | RW);
	put64(f, 0x3000 + 8 * 1, 0x600000 | PS | P | RW);
	assert_int_equal(xlate_ok(f, (1u << 30) | (5u << 12) | 0xABC),
			 0x123456ABCULL);
	assert_int_equal(xlate_ok(f, (1u << 30) | (1u << 21) | 0x1F0123),
			 0x600000 + 0x1F0123);
	/* PDPTE 2 not present. */
	assert_int_equal(xlate(f, 2u << 30, EMU_ACC_READ, false, &gpa),
			 -EFAULT);
}

static void long_mode(struct fake *f)
{
	f->sregs.cr0 = CR0_PE | CR0_PG | CR0_WP;
	f->sregs.cr4 = CR4_PAE;
	f->sregs.efer = EFER_LMA;
	f->sregs.cr3 = 0x1000;
}

/* 4-level: 4 KiB, 2 MiB and 1 GiB leaves, low and high half (4.5). */
static void test_emu_paging_long_4k_2m_1g(void **state)
{
	struct fake *f = *state;
	const uint64_t base = 1ULL << 39;	/* PML4 index 1 */

	long_mode(f);
	put64(f, 0x1000 + 8 * 1, 0x2000 | P | RW);
	put64(f, 0x2000 + 8 * 0, 0x3000 | P | RW);
	put64(f, 0x3000 + 8 * 0, 0x4000 | P | RW);
	put64(f, 0x4000 + 8 * 7, 0x8000000123000ULL | P | RW);
	put64(f, 0x3000 + 8 * 1, 0x200000 | PS | P | RW);
	/* 1 GiB page; the PAT bit (12) is not an address bit. */
	put64(f, 0x2000 + 8 * 1, 0x40000000 | 0x1000 | PS | P | RW);
	/* High half: PML4 511 shares the PDPT. */
	put64(f, 0x1000 + 8 * 511, 0x2000 | P | RW);

	assert_int_equal(xlate_ok(f, base | (7u << 12) | 0x42),
			 0x8000000123042ULL);
	assert_int_equal(xlate_ok(f, base | 0x3FFFFF), 0x3FFFFF);
	assert_int_equal(xlate_ok(f, base | (1ULL << 30) | 0x2345678),
			 0x42345678);
	assert_int_equal(xlate_ok(f, 0xFFFFFF8000200010ULL), 0x200010);
}

/* 5-level paging: PML5 index is bits 56:48 (4.5.1). */
static void test_emu_paging_la57(void **state)
{
	struct fake *f = *state;

	long_mode(f);
	f->sregs.cr4 |= CR4_LA57;
	put64(f, 0x1000 + 8 * 3, 0x2000 | P | RW);	/* PML5E 3 */
	put64(f, 0x2000 + 8 * 0, 0x3000 | P | RW);	/* PML4E 0 */
	put64(f, 0x3000 + 8 * 0, 0x4000 | P | RW);	/* PDPTE 0 */
	put64(f, 0x4000 + 8 * 0, 0x5000 | P | RW);	/* PDE 0 */
	put64(f, 0x5000 + 8 * 9, 0x99000 | P | RW);	/* PTE 9 */
	assert_int_equal(xlate_ok(f, (3ULL << 48) | (9u << 12) | 0x1), 0x99001);
}

static void test_emu_paging_not_present_at_each_level(void **state)
{
	struct fake *f = *state;
	const uint64_t tables[4] = { 0x1000, 0x2000, 0x3000, 0x4000 };
	const uint64_t lin = 0x5000;
	uint64_t gpa;

	for (unsigned level = 0; level < 4; level++) {
		long_mode(f);
		for (unsigned i = 0; i < 3; i++)
			put64(f, tables[i], tables[i + 1] | P | RW);
		put64(f, 0x4000 + 8 * 5, 0x5000 | P | RW);
		assert_int_equal(xlate_ok(f, lin), 0x5000);
		/* Clear P at this level only. */
		put64(f, level == 3 ? 0x4000 + 8 * 5 : tables[level],
		      level == 3 ? 0x5000 | RW : tables[level + 1] | RW);
		assert_int_equal(xlate(f, lin, EMU_ACC_READ, false, &gpa),
				 -EFAULT);
	}
}

/* R/W is ANDed over all levels; CR0.WP decides for supervisor (4.6). */
static void test_emu_paging_write_protect(void **state)
{
	struct fake *f = *state;
	uint64_t gpa;

	long_mode(f);
	put64(f, 0x1000, 0x2000 | P | RW | US);
	put64(f, 0x2000, 0x3000 | P | US);		/* read-only PDPTE */
	put64(f, 0x3000, 0x4000 | P | RW | US);
	put64(f, 0x4000, 0x9000 | P | RW | US);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_WRITE, false, &gpa), -EFAULT);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, false, &gpa), 0);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_FETCH, false, &gpa), 0);
	f->sregs.cr0 &= ~CR0_WP;
	assert_int_equal(xlate(f, 0x10, EMU_ACC_WRITE, false, &gpa), 0);
	assert_int_equal(gpa, 0x9010);
	/* User writes honour R/W whatever CR0.WP says. */
	assert_int_equal(xlate(f, 0x10, EMU_ACC_WRITE, true, &gpa), -EFAULT);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, true, &gpa), 0);
}

static void test_emu_paging_user_needs_us_everywhere(void **state)
{
	struct fake *f = *state;
	uint64_t gpa;

	long_mode(f);
	put64(f, 0x1000, 0x2000 | P | RW | US);
	put64(f, 0x2000, 0x3000 | P | RW | US);
	put64(f, 0x3000, 0x4000 | P | RW);		/* supervisor PDE */
	put64(f, 0x4000, 0x9000 | P | RW | US);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, true, &gpa), -EFAULT);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, false, &gpa), 0);
}

static void test_emu_paging_reserved_and_unreadable(void **state)
{
	struct fake *f = *state;
	uint64_t gpa;

	/* PS in a PML4E is reserved. */
	long_mode(f);
	put64(f, 0x1000, 0x2000 | PS | P | RW);
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, false, &gpa), -EFAULT);
	/* Tables outside guest memory. */
	f->sregs.cr3 = 0x7FFFFFFFF000ULL;
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, false, &gpa), -EFAULT);
	put64(f, 0x1000, 0xFFFFF000ULL | P | RW);
	f->sregs.cr3 = 0x1000;
	assert_int_equal(xlate(f, 0x10, EMU_ACC_READ, false, &gpa), -EFAULT);
}

int main(void)
{
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_emu_paging_disabled_is_identity),
		T(test_emu_paging_32bit_4k),
		T(test_emu_paging_32bit_pse_4m),
		T(test_emu_paging_pae_4k_and_2m),
		T(test_emu_paging_long_4k_2m_1g),
		T(test_emu_paging_la57),
		T(test_emu_paging_not_present_at_each_level),
		T(test_emu_paging_write_protect),
		T(test_emu_paging_user_needs_us_everywhere),
		T(test_emu_paging_reserved_and_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
