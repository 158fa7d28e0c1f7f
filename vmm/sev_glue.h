/* SPDX-License-Identifier: Apache-2.0 */
/* The machine's calls into sev/, in launch order (see sev_glue.c). */
#ifndef VMM_SEV_GLUE_H
#define VMM_SEV_GLUE_H

#include <stdbool.h>
#include <linux/kvm.h>

struct vmm;

bool sevg_active(const struct vmm *vm);
/* After /dev/kvm is open, before KVM_CREATE_VM: host checks, /dev/sev. */
int sevg_open(struct vmm *vm);
/* The KVM_CREATE_VM type argument. */
int sevg_vm_type(const struct vmm *vm);
/* Whether guest RAM and CODE go in guest_memfd (SEV-SNP on KVM). */
bool sevg_private_memory(const struct vmm *vm);
/* Right after KVM_CREATE_VM, before any memslot or vCPU. */
int sevg_init(struct vmm *vm);
int sevg_register_memory(struct vmm *vm);
/* Before KVM_SET_CPUID2. */
int sevg_adjust_cpuid(struct vmm *vm);
/* The vCPU state an SEV guest starts from (RDX = CPUID.1.EAX). */
void sevg_reset_state(const struct vmm *vm, struct kvm_regs *regs,
		      struct kvm_sregs *sregs, struct kvm_fpu *fpu);
/* After the vCPU state is loaded: LAUNCH_START .. LAUNCH_MEASURE. */
int sevg_launch(struct vmm *vm, const struct kvm_regs *regs,
		const struct kvm_sregs *sregs, const struct kvm_fpu *fpu);
/* LAUNCH_FINISH, once, before the guest first runs. */
int sevg_finish(struct vmm *vm);

#endif
