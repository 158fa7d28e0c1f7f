// SPDX-License-Identifier: Apache-2.0
/*
 * Linear to guest-physical translation: a software walk of the guest's
 * paging structures, read through struct emu_mem (Intel SDM Vol. 3A
 * chapter 4, "Paging").  Supports no paging, 32-bit paging with 4 MiB PSE
 * pages (4.3), PAE paging (4.4) and 4- or 5-level paging with 2 MiB and
 * 1 GiB pages (4.5).
 *
 * Deliberately not modelled: accessed/dirty bit updates, reserved-bit
 * checks, SMEP/SMAP, protection keys, and PAE's PDPTE registers (the
 * PDPTEs are re-read from CR3 rather than taken from the copy the CPU
 * loaded at the last CR3 write).  The guest is firmware running at CPL0.
 */
#include <errno.h>

#include "vmm/emu/emu_priv.h"

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_ADDR	0x000FFFFFFFFFF000ULL	/* bits 51:12 */
#define PAE_PDPT_ADDR	0xFFFFFFE0ULL		/* CR3 bits 31:5 (4.4.1) */
#define PD32_ADDR	0xFFFFF000ULL

/* State of one walk: the leaf, and permissions ANDed over all levels. */
struct walk {
	const struct emu_mem *mem;
	bool writable;
	bool user;
	uint64_t frame;		/* guest-physical base of the page */
	uint64_t page_size;
};

static int read_entry(const struct emu_mem *mem, uint64_t gpa, unsigned size,
		      uint64_t *entry)
{
	uint8_t raw[8] = { 0 };

	if (mem->read(mem->opaque, gpa, raw, size) != 0)
		return -EFAULT;
	*entry = 0;
	for (unsigned i = 0; i < size; i++)
		*entry |= (uint64_t)raw[i] << (8 * i);
	return 0;
}

/* Read and check one entry; R/W and U/S accumulate (SDM 4.6.1). */
static int walk_entry(struct walk *w, uint64_t gpa, unsigned size,
		      uint64_t *entry)
{
	if (read_entry(w->mem, gpa, size, entry) != 0)
		return -EFAULT;
	if (!(*entry & PTE_P))
		return -EFAULT;
	w->writable = w->writable && (*entry & PTE_RW);
	w->user = w->user && (*entry & PTE_US);
	return 0;
}

static void walk_leaf(struct walk *w, uint64_t frame, uint64_t page_size)
{
	w->frame = frame & ~(page_size - 1);
	w->page_size = page_size;
}

/* 32-bit paging (SDM 4.3): 4 KiB pages, or 4 MiB pages with CR4.PSE. */
static int walk_32bit(struct walk *w, const struct kvm_sregs *sregs,
		      uint32_t lin)
{
	uint64_t pde, pte;
	uint64_t pde_gpa = (sregs->cr3 & PD32_ADDR) + ((lin >> 22) & 0x3FF) * 4;

	if (walk_entry(w, pde_gpa, 4, &pde) != 0)
		return -EFAULT;
	if ((pde & PTE_PS) && (sregs->cr4 & EMU_CR4_PSE)) {
		/* PDE bits 20:13 are physical-address bits 39:32 (4.3). */
		uint64_t high = ((pde >> 13) & 0xFF) << 32;

		walk_leaf(w, (pde & 0xFFC00000ULL) | high, 4ULL << 20);
		return 0;
	}
	if (walk_entry(w, (pde & PD32_ADDR) + ((lin >> 12) & 0x3FF) * 4, 4,
		       &pte) != 0)
		return -EFAULT;
	walk_leaf(w, pte & PD32_ADDR, EMU_PAGE_SIZE);
	return 0;
}

/*
 * The 64-bit-entry levels shared by PAE and long mode, from the table at
 * (table) whose index is (lin) bits [shift+8:shift], down to the leaf.
 * PS is honoured at the 1 GiB and 2 MiB levels and reserved above.
 */
static int walk_levels(struct walk *w, uint64_t table, uint64_t lin,
		       unsigned shift)
{
	for (;;) {
		uint64_t e;
		uint64_t gpa = (table & PTE_ADDR) + ((lin >> shift) & 0x1FF) * 8;

		if (walk_entry(w, gpa, 8, &e) != 0)
			return -EFAULT;
		if (shift == 12) {
			walk_leaf(w, e & PTE_ADDR, EMU_PAGE_SIZE);
			return 0;
		}
		if (e & PTE_PS) {
			if (shift > 30)
				return -EFAULT; /* reserved: #PF(RSVD) */
			walk_leaf(w, e & PTE_ADDR, 1ULL << shift);
			return 0;
		}
		table = e;
		shift -= 9;
	}
}

/* PAE paging (SDM 4.4): four PDPTEs at CR3, then 2 MiB or 4 KiB pages. */
static int walk_pae(struct walk *w, const struct kvm_sregs *sregs,
		    uint32_t lin)
{
	uint64_t pdpte;
	uint64_t gpa = (sregs->cr3 & PAE_PDPT_ADDR) + ((lin >> 30) & 3) * 8;

	/* PDPTEs carry no R/W or U/S bits (Table 4-8). */
	if (read_entry(w->mem, gpa, 8, &pdpte) != 0 || !(pdpte & PTE_P))
		return -EFAULT;
	return walk_levels(w, pdpte, lin, 21);
}

/* SDM 4.6: who may access the page. */
static int check_rights(const struct walk *w, const struct kvm_sregs *sregs,
			enum emu_access acc, bool user)
{
	if (user && !w->user)
		return -EFAULT;
	if (acc == EMU_ACC_WRITE && !w->writable &&
	    (user || (sregs->cr0 & EMU_CR0_WP)))
		return -EFAULT;
	return 0;
}

static int walk(struct walk *w, const struct kvm_sregs *sregs, uint64_t lin)
{
	if (!(sregs->cr4 & EMU_CR4_PAE))
		return walk_32bit(w, sregs, (uint32_t)lin);
	if (!(sregs->efer & EMU_EFER_LMA))
		return walk_pae(w, sregs, (uint32_t)lin);
	return walk_levels(w, sregs->cr3, lin,
			   (sregs->cr4 & EMU_CR4_LA57) ? 48 : 39);
}

int emu_translate(const struct emu_mem *mem, const struct kvm_sregs *sregs,
		  uint64_t lin, enum emu_access acc, bool user, uint64_t *gpa,
		  uint64_t *left)
{
	struct walk w = { .mem = mem, .writable = true, .user = true };

	if (!(sregs->cr0 & EMU_CR0_PG)) {
		*gpa = lin;
		*left = EMU_PAGE_SIZE - (lin & (EMU_PAGE_SIZE - 1));
		return 0;
	}
	if (walk(&w, sregs, lin) != 0 ||
	    check_rights(&w, sregs, acc, user) != 0)
		return -EFAULT;
	*gpa = w.frame + (lin & (w.page_size - 1));
	/*
	 * Stop at the next 4 KiB boundary even inside a large page: guest
	 * memory slots are only 4 KiB aligned, so emu_mem never sees an
	 * access that straddles two of them.
	 */
	*left = EMU_PAGE_SIZE - (lin & (EMU_PAGE_SIZE - 1));
	return 0;
}
