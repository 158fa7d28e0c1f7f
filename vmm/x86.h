/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The x86 architectural reset state (Intel SDM Vol. 3A, 9.1.1 "Processor
 * State After Reset").  Pure functions over KVM's register structs: the vCPU
 * setup and the SEV-ES VMSA measurement both derive from these, so the
 * measured VMSA is the state the VMM really loads.
 */
#ifndef VMM_X86_H
#define VMM_X86_H

#include <linux/kvm.h>

/* Reset segment: CS selector 0xF000, base 0xFFFF0000, IP 0xFFF0. */
#define X86_RESET_CS_SELECTOR	0xF000
#define X86_RESET_CS_BASE	0xFFFF0000ULL
#define X86_RESET_RIP		0xFFF0ULL
#define X86_RESET_RFLAGS	0x2ULL
#define X86_RESET_CR0		0x60000010ULL	/* CD | NW | ET */
#define X86_RESET_FCW		0x037F
#define X86_RESET_MXCSR		0x1F80
#define X86_RESET_XCR0		0x1ULL		/* x87 state only */
#define X86_RESET_EDX_SIGNATURE	0x600		/* family 6, as QEMU's default */

/* Fill (regs) with the general-purpose register state after RESET. */
void x86_reset_regs(struct kvm_regs *regs);
/*
 * Fill (sregs) with the segment and control state after RESET.  (sregs) is
 * zeroed first; the APIC base is left 0 (KVM keeps its own).
 */
void x86_reset_sregs(struct kvm_sregs *sregs);
/* Fill (fpu) with the x87/SSE state after RESET (FCW 0x37F, MXCSR 0x1F80). */
void x86_reset_fpu(struct kvm_fpu *fpu);

#endif
