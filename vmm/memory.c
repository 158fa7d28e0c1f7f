// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "vmm/kvm.h"
#include "vmm/memory.h"

#define PAGE_MASK 0xFFFULL

void mem_init(struct mem_map *mm, int vm_fd)
{
	memset(mm, 0, sizeof(*mm));
	mm->vm_fd = vm_fd;
}

static uint32_t slot_flags(const struct mem_map *mm, const struct mem_slot *s)
{
	if (s->readonly)
		return KVM_MEM_READONLY;
	return mm->log_dirty ? KVM_MEM_LOG_DIRTY_PAGES : 0;
}

static bool overlaps(const struct mem_slot *s, uint64_t gpa, uint64_t end)
{
	return gpa < s->gpa + s->size && s->gpa < end;
}

int mem_add(struct mem_map *mm, uint64_t gpa, uint64_t size, void *hva,
	    bool readonly)
{
	uint64_t end;
	struct mem_slot *s;
	int rc;

	if (size == 0 || (gpa | size | (uint64_t)(uintptr_t)hva) & PAGE_MASK ||
	    __builtin_add_overflow(gpa, size, &end))
		return -EINVAL;
	if (mm->count == MEM_MAX_SLOTS)
		return -ENOSPC;
	for (unsigned i = 0; i < mm->count; i++)
		if (overlaps(&mm->slots[i], gpa, end))
			return -EEXIST;
	s = &mm->slots[mm->count];
	*s = (struct mem_slot){ gpa, size, hva, readonly, false };
	rc = kvm_set_memslot(mm->vm_fd, mm->count, gpa, size, hva,
			     slot_flags(mm, s));
	if (rc < 0)
		return rc;
	s->mapped = true;
	return (int)mm->count++;
}

int mem_set_mapped(struct mem_map *mm, int slot, bool on)
{
	struct mem_slot *s;
	int rc;

	if (slot < 0 || (unsigned)slot >= mm->count)
		return -EINVAL;
	s = &mm->slots[slot];
	if (s->mapped == on)
		return 0;
	/* KVM cannot change a slot's flags in place: delete or re-create. */
	rc = kvm_set_memslot(mm->vm_fd, (uint32_t)slot, s->gpa,
			     on ? s->size : 0, s->hva, slot_flags(mm, s));
	if (rc == 0)
		s->mapped = on;
	return rc;
}

int mem_set_log_dirty(struct mem_map *mm, bool on)
{
	int rc = 0;

	mm->log_dirty = on;
	for (unsigned i = 0; rc == 0 && i < mm->count; i++) {
		struct mem_slot *s = &mm->slots[i];

		if (s->mapped && !s->readonly)
			rc = kvm_set_memslot(mm->vm_fd, i, s->gpa, s->size, s->hva,
					     slot_flags(mm, s));
	}
	return rc;
}

void *mem_gpa_to_hva(const struct mem_map *mm, uint64_t gpa, uint64_t len,
		     bool write)
{
	uint64_t end;

	if (len == 0 || __builtin_add_overflow(gpa, len, &end))
		return NULL;
	for (unsigned i = 0; i < mm->count; i++) {
		const struct mem_slot *s = &mm->slots[i];

		if (!s->mapped || (write && s->readonly))
			continue;
		if (gpa >= s->gpa && end <= s->gpa + s->size)
			return s->hva + (gpa - s->gpa);
	}
	return NULL;
}
