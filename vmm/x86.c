// SPDX-License-Identifier: Apache-2.0
#include <string.h>

#include "vmm/x86.h"

/* Data segment after reset: selector 0, base 0, limit 0xFFFF, RW accessed. */
static void reset_data_segment(struct kvm_segment *s)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xFFFF;
	s->type = 0x3;
	s->present = 1;
	s->s = 1;
}

void x86_reset_regs(struct kvm_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = X86_RESET_RIP;
	regs->rflags = X86_RESET_RFLAGS;
	/* EDX holds the processor signature after RESET (SDM Table 9-1). */
	regs->rdx = X86_RESET_EDX_SIGNATURE;
}

void x86_reset_sregs(struct kvm_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	reset_data_segment(&sregs->cs);
	sregs->cs.selector = X86_RESET_CS_SELECTOR;
	sregs->cs.base = X86_RESET_CS_BASE;
	sregs->cs.type = 0xB; /* execute/read, accessed */
	reset_data_segment(&sregs->ds);
	reset_data_segment(&sregs->es);
	reset_data_segment(&sregs->fs);
	reset_data_segment(&sregs->gs);
	reset_data_segment(&sregs->ss);

	sregs->ldt.limit = 0xFFFF;
	sregs->ldt.type = 0x2; /* LDT */
	sregs->ldt.present = 1;
	sregs->tr.limit = 0xFFFF;
	sregs->tr.type = 0xB; /* busy 32-bit TSS, as KVM's own reset */
	sregs->tr.present = 1;
	sregs->gdt.limit = 0xFFFF;
	sregs->idt.limit = 0xFFFF;
	sregs->cr0 = X86_RESET_CR0;
}

void x86_reset_fpu(struct kvm_fpu *fpu)
{
	memset(fpu, 0, sizeof(*fpu));
	fpu->fcw = X86_RESET_FCW;
	fpu->mxcsr = X86_RESET_MXCSR;
}
