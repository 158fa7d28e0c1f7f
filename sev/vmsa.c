// SPDX-License-Identifier: Apache-2.0
#include <stddef.h>
#include <string.h>

#include "sev/vmsa.h"
#include "vmm/x86.h"

/* One segment register in the save area (APM vol. 2, table B-4). */
struct vmsa_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

/* The fields of the SEV-ES save area this VMM can make non-zero. */
struct vmsa_layout {
	struct vmsa_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000 */
	uint8_t rsvd_0a0[0x30];
	uint64_t efer;				/* 0x0d0 */
	uint8_t rsvd_0d8[0x70];
	uint64_t cr4;				/* 0x148 */
	uint64_t cr3;				/* 0x150 */
	uint64_t cr0;				/* 0x158 */
	uint64_t dr7;				/* 0x160 */
	uint64_t dr6;				/* 0x168 */
	uint64_t rflags;			/* 0x170 */
	uint64_t rip;				/* 0x178 */
	uint8_t rsvd_180[0x58];
	uint64_t rsp;				/* 0x1d8 */
	uint8_t rsvd_1e0[0x18];
	uint64_t rax;				/* 0x1f8 */
	uint8_t rsvd_200[0x68];
	uint64_t g_pat;				/* 0x268 */
	uint8_t rsvd_270[0x98];
	uint64_t rcx, rdx, rbx;			/* 0x308 */
	uint64_t rsvd_320;
	uint64_t rbp, rsi, rdi;			/* 0x328 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x340 */
	uint8_t rsvd_380[0x30];
	uint64_t sev_features;			/* 0x3b0 */
	uint8_t rsvd_3b8[0x30];
	uint64_t xcr0;				/* 0x3e8 */
	uint8_t rsvd_3f0[0x10];
	uint64_t x87_dp;			/* 0x400 */
	uint32_t mxcsr;				/* 0x408 */
	uint16_t x87_ftw, x87_fsw, x87_fcw, x87_fop, x87_ds, x87_cs; /* 0x40c */
	uint64_t x87_rip;			/* 0x418 */
	uint8_t fpreg_x87[80];			/* 0x420 */
	uint8_t fpreg_xmm[256];			/* 0x470 */
	uint8_t fpreg_ymm[256];			/* 0x570 */
} __attribute__((packed));

_Static_assert(offsetof(struct vmsa_layout, cs) == 0x010, "cs");
_Static_assert(offsetof(struct vmsa_layout, gdtr) == 0x060, "gdtr");
_Static_assert(offsetof(struct vmsa_layout, tr) == 0x090, "tr");
_Static_assert(offsetof(struct vmsa_layout, efer) == 0x0d0, "efer");
_Static_assert(offsetof(struct vmsa_layout, cr4) == 0x148, "cr4");
_Static_assert(offsetof(struct vmsa_layout, cr0) == 0x158, "cr0");
_Static_assert(offsetof(struct vmsa_layout, dr7) == 0x160, "dr7");
_Static_assert(offsetof(struct vmsa_layout, rip) == 0x178, "rip");
_Static_assert(offsetof(struct vmsa_layout, rsp) == 0x1d8, "rsp");
_Static_assert(offsetof(struct vmsa_layout, rax) == 0x1f8, "rax");
_Static_assert(offsetof(struct vmsa_layout, g_pat) == 0x268, "g_pat");
_Static_assert(offsetof(struct vmsa_layout, rcx) == 0x308, "rcx");
_Static_assert(offsetof(struct vmsa_layout, rdx) == 0x310, "rdx");
_Static_assert(offsetof(struct vmsa_layout, rbp) == 0x328, "rbp");
_Static_assert(offsetof(struct vmsa_layout, r8) == 0x340, "r8");
_Static_assert(offsetof(struct vmsa_layout, r15) == 0x378, "r15");
_Static_assert(offsetof(struct vmsa_layout, sev_features) == 0x3b0, "feat");
_Static_assert(offsetof(struct vmsa_layout, xcr0) == 0x3e8, "xcr0");
_Static_assert(offsetof(struct vmsa_layout, mxcsr) == 0x408, "mxcsr");
_Static_assert(offsetof(struct vmsa_layout, x87_fcw) == 0x410, "fcw");
_Static_assert(offsetof(struct vmsa_layout, fpreg_x87) == 0x420, "x87");
_Static_assert(offsetof(struct vmsa_layout, fpreg_xmm) == 0x470, "xmm");
_Static_assert(sizeof(struct vmsa_layout) == 0x670, "layout end");
_Static_assert(sizeof(struct vmsa_layout) <= SEV_VMSA_SIZE, "fits a page");

/* The VMCB attribute word of a KVM segment (svm_set_segment's packing). */
static uint16_t seg_attrib(const struct kvm_segment *s)
{
	uint16_t present = s->present && !s->unusable;

	return (uint16_t)((s->type & 0xf) | (s->s & 1) << 4 |
			  (s->dpl & 3) << 5 | present << 7 |
			  (s->avl & 1) << 8 | (s->l & 1) << 9 |
			  (s->db & 1) << 10 | (s->g & 1) << 11);
}

static void put_seg(struct vmsa_seg *d, const struct kvm_segment *s)
{
	d->selector = s->selector;
	d->attrib = seg_attrib(s);
	d->limit = s->limit;
	d->base = s->base;
}

/* GDTR/IDTR carry only base and limit. */
static void put_dtable(struct vmsa_seg *d, const struct kvm_dtable *t)
{
	d->limit = t->limit;
	d->base = t->base;
}

static void put_segments(struct vmsa_layout *v, const struct kvm_sregs *sr)
{
	put_seg(&v->es, &sr->es);
	put_seg(&v->cs, &sr->cs);
	put_seg(&v->ss, &sr->ss);
	put_seg(&v->ds, &sr->ds);
	put_seg(&v->fs, &sr->fs);
	put_seg(&v->gs, &sr->gs);
	put_dtable(&v->gdtr, &sr->gdt);
	put_seg(&v->ldtr, &sr->ldt);
	put_dtable(&v->idtr, &sr->idt);
	put_seg(&v->tr, &sr->tr);
}

static void put_control(struct vmsa_layout *v, const struct kvm_sregs *sr)
{
	v->efer = sr->efer | SEV_VMSA_EFER_SVME;
	v->cr4 = sr->cr4 | SEV_VMSA_CR4_MCE;
	v->cr3 = sr->cr3;
	v->cr0 = sr->cr0 & ~SEV_VMSA_CR0_CD_NW;
	v->dr7 = SEV_VMSA_DR7_RESET;
	v->dr6 = SEV_VMSA_DR6_RESET;
	v->g_pat = SEV_VMSA_GPAT_RESET;
}

static void put_gprs(struct vmsa_layout *v, const struct kvm_regs *r)
{
	v->rax = r->rax;
	v->rbx = r->rbx;
	v->rcx = r->rcx;
	v->rdx = r->rdx;
	v->rsp = r->rsp;
	v->rbp = r->rbp;
	v->rsi = r->rsi;
	v->rdi = r->rdi;
	v->r8 = r->r8;
	v->r9 = r->r9;
	v->r10 = r->r10;
	v->r11 = r->r11;
	v->r12 = r->r12;
	v->r13 = r->r13;
	v->r14 = r->r14;
	v->r15 = r->r15;
	v->rip = r->rip;
	v->rflags = r->rflags;
}

/*
 * x87/SSE as sev_es_sync_vmsa copies them from the FXSAVE image: each ST(i)
 * is 10 bytes of a 16-byte slot, stored as eight low bytes in fpreg_x87[8i]
 * and the two high bytes at fpreg_x87[64 + 2i].  YMM upper halves are zero
 * after reset (struct kvm_fpu cannot carry them).
 */
static void put_fpu(struct vmsa_layout *v, const struct kvm_fpu *f)
{
	v->x87_dp = f->last_dp;
	v->mxcsr = f->mxcsr;
	v->x87_ftw = f->ftwx;
	v->x87_fsw = f->fsw;
	v->x87_fcw = f->fcw;
	v->x87_fop = f->last_opcode;
	v->x87_rip = f->last_ip;
	for (int i = 0; i < 8; i++) {
		memcpy(&v->fpreg_x87[i * 8], f->fpr[i], 8);
		memcpy(&v->fpreg_x87[64 + i * 2], &f->fpr[i][8], 2);
	}
	memcpy(v->fpreg_xmm, f->xmm, sizeof(v->fpreg_xmm));
}

void sev_vmsa_build(uint8_t page[SEV_VMSA_SIZE],
		    const struct sev_vcpu_state *st,
		    const struct sev_vmsa_opts *opts)
{
	struct vmsa_layout v;

	memset(&v, 0, sizeof(v));
	put_segments(&v, &st->sregs);
	put_control(&v, &st->sregs);
	put_gprs(&v, &st->regs);
	v.xcr0 = st->xcr0;
	v.sev_features = opts->sev_features;
	if (opts->sync_fpu)
		put_fpu(&v, &st->fpu);

	memset(page, 0, SEV_VMSA_SIZE);
	memcpy(page, &v, sizeof(v));
}

void sev_vcpu_reset_state(struct sev_vcpu_state *st, unsigned index,
			  uint32_t vcpu_sig, uint32_t ap_reset_eip)
{
	x86_reset_regs(&st->regs);
	x86_reset_sregs(&st->sregs);
	x86_reset_fpu(&st->fpu);
	st->xcr0 = X86_RESET_XCR0;
	/* EDX holds the processor signature after RESET (SDM table 9-1). */
	st->regs.rdx = vcpu_sig;
	if (index == 0)
		return;
	/* OVMF parks APs at the reset block, not at F000:FFF0. */
	st->sregs.cs.base = ap_reset_eip & 0xffff0000u;
	st->regs.rip = ap_reset_eip & 0xffffu;
}
