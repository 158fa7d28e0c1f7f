// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sev/sev_uapi_compat.h"
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

/* Register (size) bytes of slot (id), or delete it (size 0). */
static int register_slot(const struct mem_map *mm, unsigned id,
			 const struct mem_slot *s, uint64_t size)
{
	if (s->gmem_fd >= 0)	/* KVM refuses dirty logging of guest_memfd */
		return kvm_set_memslot_private(mm->vm_fd, id, s->gpa, size,
					       s->hva, s->gmem_fd);
	return kvm_set_memslot(mm->vm_fd, id, s->gpa, size, s->hva,
			       slot_flags(mm, s));
}

/* A private-capable slot: its own guest_memfd, registered, all private. */
static int add_private(struct mem_map *mm, struct mem_slot *s)
{
	int rc = kvm_create_guest_memfd(mm->vm_fd, s->size);

	if (rc < 0)
		return rc;
	s->gmem_fd = rc;
	rc = register_slot(mm, mm->count, s, s->size);
	if (rc == 0) {
		s->mapped = true;
		rc = kvm_set_memory_attributes(mm->vm_fd, s->gpa, s->size,
					       KVM_MEMORY_ATTRIBUTE_PRIVATE);
	}
	if (rc < 0 && s->mapped)
		(void)register_slot(mm, mm->count, s, 0);
	if (rc < 0) {
		close(s->gmem_fd);
		s->gmem_fd = -1;
		s->mapped = false;
	}
	return rc;
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
	*s = (struct mem_slot){ gpa, size, hva, readonly, false, -1 };
	if (mm->private_mem && !readonly) {
		rc = add_private(mm, s);
	} else {
		rc = register_slot(mm, mm->count, s, size);
		s->mapped = rc == 0;
	}
	if (rc < 0)
		return rc;
	return (int)mm->count++;
}

void mem_release(struct mem_map *mm)
{
	for (unsigned i = 0; i < mm->count; i++)
		if (mm->slots[i].gmem_fd >= 0)
			close(mm->slots[i].gmem_fd);
	mm->count = 0;
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
	rc = register_slot(mm, (unsigned)slot, s, on ? s->size : 0);
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

		if (s->mapped && !s->readonly && s->gmem_fd < 0)
			rc = register_slot(mm, i, s, s->size);
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
