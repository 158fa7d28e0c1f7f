/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest-physical memory map as KVM sees it: a small table of memslots,
 * each backed by host memory the VMM owns.  The one checked place that turns
 * a guest-physical range into a host pointer.
 */
#ifndef VMM_MEMORY_H
#define VMM_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEM_MAX_SLOTS 16

struct mem_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
	bool readonly;
	bool mapped; /* currently registered with KVM */
};

struct mem_map {
	int vm_fd;
	bool log_dirty;	/* writable slots carry KVM_MEM_LOG_DIRTY_PAGES */
	struct mem_slot slots[MEM_MAX_SLOTS];
	unsigned count;
};

void mem_init(struct mem_map *mm, int vm_fd);
/*
 * Add a slot and register it with KVM.  Page alignment and overlap with
 * other slots are checked.  Returns the slot id (>= 0) or -errno.
 */
int mem_add(struct mem_map *mm, uint64_t gpa, uint64_t size, void *hva,
	    bool readonly);
/* Register (on) or delete (off) an existing slot, keeping its entry. */
int mem_set_mapped(struct mem_map *mm, int slot, bool on);
/*
 * Dirty logging on every writable slot from now on (or off), for
 * snapshot/restore.  KVM changes the flag of a slot in place.
 */
int mem_set_log_dirty(struct mem_map *mm, bool on);
/*
 * Host pointer for [gpa, gpa + len) when it lies inside ONE slot that is
 * mapped (and writable when (write)), else NULL.
 */
void *mem_gpa_to_hva(const struct mem_map *mm, uint64_t gpa, uint64_t len,
		     bool write);

#endif
