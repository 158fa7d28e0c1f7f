// SPDX-License-Identifier: Apache-2.0
/*
 * Private/shared conversions of a confidential guest's memory (KVM
 * api.rst: KVM_SET_MEMORY_ATTRIBUTES, KVM_EXIT_MEMORY_FAULT; the SEV-SNP
 * guest's page state changes reach us as KVM_HC_MAP_GPA_RANGE).  Each page
 * of a private-capable slot has two backings: the slot's guest_memfd
 * (private) and the VMM's mapping (shared); the attribute says which one
 * the guest sees.  The other one is dropped, as QEMU's kvm_convert_memory()
 * does, so a guest that converts back and forth never doubles its memory.
 *
 * Every address and length here comes from the guest: checked for
 * alignment and overflow first, then clipped to the slots.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "sev/sev_uapi_compat.h"
#include "vmm/kvm.h"
#include "vmm/memory.h"

#define PAGE_MASK 0xFFFULL

/* Drop the backing the guest no longer sees of [off, off+len) of (s). */
static int discard(const struct mem_slot *s, uint64_t off, uint64_t len,
		   bool to_private)
{
	if (to_private)
		return madvise(s->hva + off, len, MADV_DONTNEED) < 0 ? -errno : 0;
	return fallocate(s->gmem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)off, (off_t)len) < 0 ? -errno : 0;
}

/* The private-capable part of [gpa, end) in (s), converted. */
static int convert_slot(struct mem_map *mm, const struct mem_slot *s,
			uint64_t gpa, uint64_t end, bool to_private)
{
	uint64_t lo = gpa > s->gpa ? gpa : s->gpa;
	uint64_t hi = end < s->gpa + s->size ? end : s->gpa + s->size;
	int rc;

	rc = kvm_set_memory_attributes(mm->vm_fd, lo, hi - lo, to_private ?
				       KVM_MEMORY_ATTRIBUTE_PRIVATE : 0);
	return rc < 0 ? rc : discard(s, lo - s->gpa, hi - lo, to_private);
}

/* Bytes of [gpa, end) that lie in private-capable slots. */
static uint64_t private_bytes(const struct mem_map *mm, uint64_t gpa,
			      uint64_t end)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < mm->count; i++) {
		const struct mem_slot *s = &mm->slots[i];
		uint64_t lo = gpa > s->gpa ? gpa : s->gpa;
		uint64_t hi = end < s->gpa + s->size ? end : s->gpa + s->size;

		if (s->gmem_fd >= 0 && lo < hi)
			n += hi - lo;
	}
	return n;
}

int mem_convert(struct mem_map *mm, uint64_t gpa, uint64_t size,
		bool to_private)
{
	uint64_t end;
	int rc = 0;

	if (size == 0 || (gpa | size) & PAGE_MASK ||
	    __builtin_add_overflow(gpa, size, &end))
		return -EINVAL;
	/* Slots never overlap, so the sum is exact. */
	if (to_private && private_bytes(mm, gpa, end) != size)
		return -EFAULT;
	for (unsigned i = 0; rc == 0 && i < mm->count; i++) {
		const struct mem_slot *s = &mm->slots[i];

		if (s->gmem_fd >= 0 && gpa < s->gpa + s->size && s->gpa < end)
			rc = convert_slot(mm, s, gpa, end, to_private);
	}
	return rc;
}
