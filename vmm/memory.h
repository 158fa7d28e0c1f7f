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
	int gmem_fd; /* guest_memfd of a private-capable slot, else -1 */
};

struct mem_map {
	int vm_fd;
	bool log_dirty;	/* writable slots carry KVM_MEM_LOG_DIRTY_PAGES */
	/*
	 * Confidential guests (SEV-SNP on KVM): writable slots added from now
	 * on are backed by a guest_memfd of their own (private pages) as well
	 * as by (hva) (shared pages), and start private, as QEMU sets them.
	 */
	bool private_mem;
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
/* Close the slots' guest_memfds (after the VM fd is closed) and forget
 * every slot. */
void mem_release(struct mem_map *mm);
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

/*
 * Make [gpa, gpa + size) private (to_private) or shared, as a confidential
 * guest asks (KVM_HC_MAP_GPA_RANGE, KVM_EXIT_MEMORY_FAULT), and drop the
 * side that stops being used: the shared pages of a page turned private
 * (madvise), the private pages of a page turned shared (a hole punched in
 * its guest_memfd), as the hardware gives neither content to the other.
 * The range must be whole 4 KiB pages.  Parts in no private-capable slot
 * are left alone when turning shared (MMIO such as the VARS flash is
 * always shared) and refused when turning private.  Returns 0, -EINVAL
 * (unaligned, empty, overflowing), -EFAULT (private outside guest_memfd),
 * or KVM's error.  (vmm/memory_private.c)
 */
int mem_convert(struct mem_map *mm, uint64_t gpa, uint64_t size,
		bool to_private);

#endif
