/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thin wrappers over the KVM ioctls: the only place in vmm/ that calls
 * ioctl() on /dev/kvm, a VM or a vCPU.  Each returns 0 (or a non-negative
 * result) or -errno, so unit tests can script failures with --wrap=ioctl.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

int kvm_open_dev(const char *path);
int kvm_api_version(int kvm_fd);
int kvm_check_extension(int fd, long cap);
int kvm_vcpu_mmap_size(int kvm_fd);
int kvm_create_vm(int kvm_fd, unsigned long type);
int kvm_create_vcpu(int vm_fd, unsigned long id);
int kvm_create_irqchip(int vm_fd);
int kvm_create_pit2(int vm_fd);
int kvm_set_tss_addr(int vm_fd, uint64_t addr);
int kvm_set_identity_map_addr(int vm_fd, uint64_t addr);
/* (flags): KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES; size 0 deletes. */
int kvm_set_memslot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
		    void *hva, uint32_t flags);
/*
 * guest_memfd (Linux 6.8+, api.rst 4.143): a file of private guest memory
 * of (size) bytes, returned as an fd; a memslot backed by it at offset 0
 * (KVM_MEM_GUEST_MEMFD, shared pages still come from (hva)); and the
 * private/shared attribute of [gpa, gpa+size) (KVM_MEMORY_ATTRIBUTE_PRIVATE
 * or 0).
 */
int kvm_create_guest_memfd(int vm_fd, uint64_t size);
int kvm_set_memslot_private(int vm_fd, uint32_t slot, uint64_t gpa,
			    uint64_t size, void *hva, int gmem_fd);
int kvm_set_memory_attributes(int vm_fd, uint64_t gpa, uint64_t size,
			      uint64_t attributes);
int kvm_irq_line(int vm_fd, uint32_t irq, int level);
int kvm_enable_cap(int fd, uint32_t cap, uint64_t arg0);
/* KVM_SET_GSI_ROUTING with (n) entries (the whole table is replaced). */
int kvm_set_msi_routes(int vm_fd, const struct kvm_irq_routing_entry *ent,
		       uint32_t n);
int kvm_signal_msi(int vm_fd, uint64_t address, uint32_t data);
int kvm_interrupt(int vcpu_fd, uint32_t vector);
/* The signal mask in force while KVM_RUN runs. */
int kvm_set_signal_mask(int vcpu_fd, const sigset_t *set);
/* Caller frees *out with free(). */
int kvm_get_supported_cpuid(int kvm_fd, struct kvm_cpuid2 **out);
int kvm_set_cpuid2(int vcpu_fd, const struct kvm_cpuid2 *cpuid);
int kvm_run(int vcpu_fd);
int kvm_get_regs(int vcpu_fd, struct kvm_regs *regs);
int kvm_set_regs(int vcpu_fd, const struct kvm_regs *regs);
int kvm_get_sregs(int vcpu_fd, struct kvm_sregs *sregs);
int kvm_set_sregs(int vcpu_fd, const struct kvm_sregs *sregs);
int kvm_get_fpu(int vcpu_fd, struct kvm_fpu *fpu);
int kvm_set_fpu(int vcpu_fd, const struct kvm_fpu *fpu);
int kvm_get_xsave(int vcpu_fd, struct kvm_xsave *xs);
int kvm_set_xsave(int vcpu_fd, const struct kvm_xsave *xs);

/* Snapshot and restore (vmm/snapshot.c). */
int kvm_get_xcrs(int vcpu_fd, struct kvm_xcrs *x);
int kvm_set_xcrs(int vcpu_fd, const struct kvm_xcrs *x);
int kvm_get_lapic(int vcpu_fd, struct kvm_lapic_state *l);
int kvm_set_lapic(int vcpu_fd, const struct kvm_lapic_state *l);
int kvm_get_vcpu_events(int vcpu_fd, struct kvm_vcpu_events *e);
int kvm_set_vcpu_events(int vcpu_fd, const struct kvm_vcpu_events *e);
int kvm_get_debugregs(int vcpu_fd, struct kvm_debugregs *d);
int kvm_set_debugregs(int vcpu_fd, const struct kvm_debugregs *d);
int kvm_get_mp_state(int vcpu_fd, struct kvm_mp_state *m);
int kvm_set_mp_state(int vcpu_fd, const struct kvm_mp_state *m);
/* Both return the number of MSRs done (KVM stops at the first it cannot). */
int kvm_get_msrs(int vcpu_fd, struct kvm_msrs *m);
int kvm_set_msrs(int vcpu_fd, const struct kvm_msrs *m);
int kvm_get_irqchip(int vm_fd, struct kvm_irqchip *c);
int kvm_set_irqchip(int vm_fd, const struct kvm_irqchip *c);
int kvm_get_pit2(int vm_fd, struct kvm_pit_state2 *p);
int kvm_set_pit2(int vm_fd, const struct kvm_pit_state2 *p);
/* The slot's dirty bitmap since the last call (and reset in KVM). */
int kvm_get_dirty_log(int vm_fd, uint32_t slot, void *bitmap);

/*
 * Every ioctl request the wrappers above and sev/ issue, for the seccomp
 * filter (vmm/sandbox.c): a reset rebuilds the VM, so all of them can come
 * after the first KVM_RUN.  A request missing here kills a sandboxed VMM
 * with SIGSYS the first time it is used.
 */
extern const unsigned long kvm_ioctl_requests[];
extern const unsigned kvm_ioctl_request_count;

#endif
