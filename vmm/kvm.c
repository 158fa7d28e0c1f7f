// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sev/sev_uapi_compat.h"
#include "vmm/kvm.h"

const unsigned long kvm_ioctl_requests[] = {
	KVM_RUN,	/* first: the filter checks it on every exit */
	KVM_GET_API_VERSION, KVM_CHECK_EXTENSION, KVM_GET_VCPU_MMAP_SIZE,
	KVM_CREATE_VM, KVM_CREATE_VCPU, KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2,
	KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR, KVM_SET_USER_MEMORY_REGION,
	KVM_IRQ_LINE, KVM_ENABLE_CAP, KVM_SET_GSI_ROUTING, KVM_SIGNAL_MSI,
	KVM_INTERRUPT, KVM_SET_SIGNAL_MASK, KVM_GET_SUPPORTED_CPUID,
	KVM_SET_CPUID2, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS,
	KVM_SET_SREGS, KVM_GET_FPU, KVM_SET_FPU, KVM_GET_XSAVE, KVM_SET_XSAVE,
	KVM_GET_XCRS, KVM_SET_XCRS, KVM_GET_LAPIC, KVM_SET_LAPIC,
	KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS, KVM_GET_DEBUGREGS,
	KVM_SET_DEBUGREGS, KVM_GET_MP_STATE, KVM_SET_MP_STATE, KVM_GET_MSRS,
	KVM_SET_MSRS, KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, KVM_GET_PIT2,
	KVM_SET_PIT2, KVM_GET_DIRTY_LOG,
	KVM_MEMORY_ENCRYPT_OP, KVM_MEMORY_ENCRYPT_REG_REGION,	/* sev/sev.c */
	KVM_CREATE_GUEST_MEMFD, KVM_SET_USER_MEMORY_REGION2,	/* SEV-SNP */
	KVM_SET_MEMORY_ATTRIBUTES,
};
const unsigned kvm_ioctl_request_count =
	sizeof(kvm_ioctl_requests) / sizeof(kvm_ioctl_requests[0]);

/* ioctl() with EINTR retried (except KVM_RUN) and -errno on failure. */
static int xioctl(int fd, unsigned long req, void *arg)
{
	int rc;

	do {
		rc = ioctl(fd, req, arg);
	} while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : rc;
}

int kvm_open_dev(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int kvm_api_version(int kvm_fd)
{
	return xioctl(kvm_fd, KVM_GET_API_VERSION, NULL);
}

int kvm_check_extension(int fd, long cap)
{
	return xioctl(fd, KVM_CHECK_EXTENSION, (void *)cap);
}

int kvm_vcpu_mmap_size(int kvm_fd)
{
	return xioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
}

int kvm_create_vm(int kvm_fd, unsigned long type)
{
	int fd = xioctl(kvm_fd, KVM_CREATE_VM, (void *)type);

	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int kvm_create_vcpu(int vm_fd, unsigned long id)
{
	int fd = xioctl(vm_fd, KVM_CREATE_VCPU, (void *)id);

	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int kvm_create_irqchip(int vm_fd)
{
	return xioctl(vm_fd, KVM_CREATE_IRQCHIP, NULL);
}

int kvm_create_pit2(int vm_fd)
{
	struct kvm_pit_config cfg = { .flags = KVM_PIT_SPEAKER_DUMMY };

	return xioctl(vm_fd, KVM_CREATE_PIT2, &cfg);
}

int kvm_set_tss_addr(int vm_fd, uint64_t addr)
{
	return xioctl(vm_fd, KVM_SET_TSS_ADDR, (void *)(unsigned long)addr);
}

int kvm_set_identity_map_addr(int vm_fd, uint64_t addr)
{
	return xioctl(vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &addr);
}

int kvm_set_memslot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
		    void *hva, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size, /* 0 deletes the slot */
		.userspace_addr = (uint64_t)(unsigned long)hva,
	};

	return xioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

int kvm_create_guest_memfd(int vm_fd, uint64_t size)
{
	struct kvm_create_guest_memfd g = { .size = size };
	int fd = xioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &g);

	/* As for VM and vCPU fds: not inherited by anything we exec. */
	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int kvm_set_memslot_private(int vm_fd, uint32_t slot, uint64_t gpa,
			    uint64_t size, void *hva, int gmem_fd)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = slot,
		.flags = KVM_MEM_GUEST_MEMFD,
		.guest_phys_addr = gpa,
		.memory_size = size, /* 0 deletes the slot */
		.userspace_addr = (uint64_t)(unsigned long)hva,
		.guest_memfd_offset = 0,
		.guest_memfd = (uint32_t)gmem_fd,
	};

	return xioctl(vm_fd, KVM_SET_USER_MEMORY_REGION2, &r);
}

int kvm_set_memory_attributes(int vm_fd, uint64_t gpa, uint64_t size,
			      uint64_t attributes)
{
	struct kvm_memory_attributes a = {
		.address = gpa,
		.size = size,
		.attributes = attributes,
	};

	return xioctl(vm_fd, KVM_SET_MEMORY_ATTRIBUTES, &a);
}

int kvm_irq_line(int vm_fd, uint32_t irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	return xioctl(vm_fd, KVM_IRQ_LINE, &l);
}

int kvm_get_supported_cpuid(int kvm_fd, struct kvm_cpuid2 **out)
{
	/* Grow until KVM stops answering E2BIG (api.rst, KVM_GET_SUPPORTED_CPUID). */
	for (uint32_t n = 256; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
					      n * sizeof(c->entries[0]));
		int rc;

		if (!c)
			return -ENOMEM;
		c->nent = n;
		rc = xioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (rc == 0) {
			*out = c;
			return 0;
		}
		free(c);
		if (rc != -E2BIG)
			return rc;
	}
	return -E2BIG;
}

int kvm_set_cpuid2(int vcpu_fd, const struct kvm_cpuid2 *cpuid)
{
	return xioctl(vcpu_fd, KVM_SET_CPUID2, (void *)cpuid);
}

int kvm_run(int vcpu_fd)
{
	/* EINTR is an answer here (a kick), not something to retry. */
	return ioctl(vcpu_fd, KVM_RUN, 0) < 0 ? -errno : 0;
}

int kvm_get_regs(int vcpu_fd, struct kvm_regs *regs)
{
	return xioctl(vcpu_fd, KVM_GET_REGS, regs);
}

int kvm_set_regs(int vcpu_fd, const struct kvm_regs *regs)
{
	return xioctl(vcpu_fd, KVM_SET_REGS, (void *)regs);
}

int kvm_get_sregs(int vcpu_fd, struct kvm_sregs *sregs)
{
	return xioctl(vcpu_fd, KVM_GET_SREGS, sregs);
}

int kvm_set_sregs(int vcpu_fd, const struct kvm_sregs *sregs)
{
	return xioctl(vcpu_fd, KVM_SET_SREGS, (void *)sregs);
}

int kvm_get_fpu(int vcpu_fd, struct kvm_fpu *fpu)
{
	return xioctl(vcpu_fd, KVM_GET_FPU, fpu);
}

int kvm_set_fpu(int vcpu_fd, const struct kvm_fpu *fpu)
{
	return xioctl(vcpu_fd, KVM_SET_FPU, (void *)fpu);
}

int kvm_get_xsave(int vcpu_fd, struct kvm_xsave *xs)
{
	return xioctl(vcpu_fd, KVM_GET_XSAVE, xs);
}

int kvm_set_xsave(int vcpu_fd, const struct kvm_xsave *xs)
{
	return xioctl(vcpu_fd, KVM_SET_XSAVE, (void *)xs);
}

int kvm_enable_cap(int fd, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg0 } };

	return xioctl(fd, KVM_ENABLE_CAP, &c);
}

int kvm_set_msi_routes(int vm_fd, const struct kvm_irq_routing_entry *ent,
		       uint32_t n)
{
	struct kvm_irq_routing *r;
	int rc;

	r = calloc(1, sizeof(*r) + n * sizeof(r->entries[0]));
	if (!r)
		return -ENOMEM;
	r->nr = n;
	for (uint32_t i = 0; i < n; i++)
		r->entries[i] = ent[i];
	rc = xioctl(vm_fd, KVM_SET_GSI_ROUTING, r);
	free(r);
	return rc;
}

int kvm_signal_msi(int vm_fd, uint64_t address, uint32_t data)
{
	struct kvm_msi m = {
		.address_lo = (uint32_t)address,
		.address_hi = (uint32_t)(address >> 32),
		.data = data,
	};

	return xioctl(vm_fd, KVM_SIGNAL_MSI, &m);
}

int kvm_interrupt(int vcpu_fd, uint32_t vector)
{
	struct kvm_interrupt i = { .irq = vector };

	return xioctl(vcpu_fd, KVM_INTERRUPT, &i);
}

int kvm_set_signal_mask(int vcpu_fd, const sigset_t *set)
{
	/* The kernel's sigset is 8 bytes on x86-64, not glibc's 128. */
	struct {
		struct kvm_signal_mask m;
		uint8_t bits[8];
	} s = { .m.len = 8 };

	memcpy(s.bits, set, sizeof(s.bits));
	return xioctl(vcpu_fd, KVM_SET_SIGNAL_MASK, &s);
}

int kvm_get_xcrs(int vcpu_fd, struct kvm_xcrs *p)
{
	return xioctl(vcpu_fd, KVM_GET_XCRS, p);
}

int kvm_set_xcrs(int vcpu_fd, const struct kvm_xcrs *p)
{
	return xioctl(vcpu_fd, KVM_SET_XCRS, (void *)p);
}

int kvm_get_lapic(int vcpu_fd, struct kvm_lapic_state *p)
{
	return xioctl(vcpu_fd, KVM_GET_LAPIC, p);
}

int kvm_set_lapic(int vcpu_fd, const struct kvm_lapic_state *p)
{
	return xioctl(vcpu_fd, KVM_SET_LAPIC, (void *)p);
}

int kvm_get_vcpu_events(int vcpu_fd, struct kvm_vcpu_events *p)
{
	return xioctl(vcpu_fd, KVM_GET_VCPU_EVENTS, p);
}

int kvm_set_vcpu_events(int vcpu_fd, const struct kvm_vcpu_events *p)
{
	return xioctl(vcpu_fd, KVM_SET_VCPU_EVENTS, (void *)p);
}

int kvm_get_debugregs(int vcpu_fd, struct kvm_debugregs *p)
{
	return xioctl(vcpu_fd, KVM_GET_DEBUGREGS, p);
}

int kvm_set_debugregs(int vcpu_fd, const struct kvm_debugregs *p)
{
	return xioctl(vcpu_fd, KVM_SET_DEBUGREGS, (void *)p);
}

int kvm_get_mp_state(int vcpu_fd, struct kvm_mp_state *p)
{
	return xioctl(vcpu_fd, KVM_GET_MP_STATE, p);
}

int kvm_set_mp_state(int vcpu_fd, const struct kvm_mp_state *p)
{
	return xioctl(vcpu_fd, KVM_SET_MP_STATE, (void *)p);
}

int kvm_get_msrs(int vcpu_fd, struct kvm_msrs *p)
{
	return xioctl(vcpu_fd, KVM_GET_MSRS, p);
}

int kvm_set_msrs(int vcpu_fd, const struct kvm_msrs *p)
{
	return xioctl(vcpu_fd, KVM_SET_MSRS, (void *)p);
}

int kvm_get_irqchip(int vm_fd, struct kvm_irqchip *p)
{
	return xioctl(vm_fd, KVM_GET_IRQCHIP, p);
}

int kvm_set_irqchip(int vm_fd, const struct kvm_irqchip *p)
{
	return xioctl(vm_fd, KVM_SET_IRQCHIP, (void *)p);
}

int kvm_get_pit2(int vm_fd, struct kvm_pit_state2 *p)
{
	return xioctl(vm_fd, KVM_GET_PIT2, p);
}

int kvm_set_pit2(int vm_fd, const struct kvm_pit_state2 *p)
{
	return xioctl(vm_fd, KVM_SET_PIT2, (void *)p);
}

int kvm_get_dirty_log(int vm_fd, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log;

	memset(&log, 0, sizeof(log));
	log.slot = slot;
	log.dirty_bitmap = bitmap;
	return xioctl(vm_fd, KVM_GET_DIRTY_LOG, &log);
}
