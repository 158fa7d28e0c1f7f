// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for emu_fixup(): random instruction bytes, registers,
 * FPU state, paging mode and guest memory.  The host runs whatever x87
 * instruction the decoder accepts on that random FPU state, so this also
 * checks that no guest state can make the host take SIGFPE/SIGSEGV.
 *
 * Invariants checked beyond "no crash, no sanitizer report":
 *  - only 0, -ENOTSUP, -EFAULT, -EINVAL are returned;
 *  - on error nothing changed: registers, FPU state, guest memory;
 *  - on success RIP moved and the report names a known instruction;
 *  - guest memory is only reached through the fake's bounds-checked
 *    callbacks, never beyond it (ASan watches the fake's buffer).
 *
 * Input: struct fuzz_header, then 15 instruction bytes placed at
 * CODE_GPA, then the rest of guest RAM from DATA_GPA.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/emu/emu.h"

#define RAM_SIZE	0x10000u
#define CODE_GPA	0x8000u
#define DATA_GPA	0x9000u

enum { MODE_REAL, MODE_PROT16, MODE_PROT32, MODE_PAGING32, MODE_PAE,
       MODE_LONG, MODE_COMPAT, MODE_LA57, MODE_COUNT };

/* Option bits of fuzz_header.opts. */
#define OPT_RAW_TABLES	0x01	/* page tables come from the input */
#define OPT_SMALL_REGS	0x02	/* GPRs reduced to 16 bits: hit RAM */
#define OPT_CR0_TS	0x04
#define OPT_CR0_EM	0x08
#define OPT_CR0_MP	0x10
#define OPT_NO_OSFXSR	0x20
#define OPT_CR4_PSE	0x40
#define OPT_USER	0x80	/* CPL 3 */

struct fuzz_header {
	uint8_t mode;
	uint8_t opts;
	uint16_t fcw;
	uint16_t fsw;
	uint8_t ftwx;
	uint8_t seg_type;
	uint32_t mxcsr;
	uint32_t seg_limit;
	uint16_t seg_base[6];	/* in 16-byte units, like real mode */
	uint64_t rflags;
	uint64_t rip_offset;	/* added to the RIP that reaches CODE_GPA */
	uint64_t gpr[16];
	uint8_t st[8][10];
} __attribute__((packed));

struct fake {
	uint8_t ram[RAM_SIZE];
};

static int fake_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	struct fake *f = opaque;

	if (len == 0 || gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, f->ram + gpa, len);
	return 0;
}

static int fake_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	struct fake *f = opaque;

	if (len == 0 || gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(f->ram + gpa, buf, len);
	return 0;
}

static void put(struct fake *f, uint64_t gpa, uint64_t v, unsigned size)
{
	memcpy(f->ram + gpa, &v, size);
}

/* Identity tables for the first 64 KiB, with 4 KiB pages. */
static void build_tables(struct fake *f, unsigned mode)
{
	unsigned entry = mode == MODE_PAGING32 ? 4 : 8;
	unsigned levels = mode == MODE_PAGING32 ? 2 : mode == MODE_PAE ? 3 :
			  mode == MODE_LA57 ? 5 : 4;

	/* Tables at 0x1000, 0x2000, ...; the last one maps 16 pages. */
	for (unsigned l = 0; l + 1 < levels; l++)
		put(f, 0x1000 * (l + 1), 0x1000 * (l + 2) | 3, entry);
	for (unsigned i = 0; i < RAM_SIZE / 0x1000; i++)
		put(f, 0x1000 * levels + i * entry, (i << 12) | 7, entry);
}

static void set_segments(struct kvm_sregs *s, const struct fuzz_header *h,
			 unsigned mode)
{
	bool code64 = mode == MODE_LONG || mode == MODE_LA57;
	struct kvm_segment *segs[6] = { &s->es, &s->cs, &s->ss, &s->ds,
					&s->fs, &s->gs };

	for (unsigned i = 0; i < 6; i++) {
		*segs[i] = (struct kvm_segment){
			.base = (uint64_t)h->seg_base[i] << 4,
			.limit = h->seg_limit, .type = h->seg_type & 0xF,
			.present = !(h->seg_type & 0x80), .s = 1,
			.db = mode != MODE_PROT16 && mode != MODE_REAL,
			.dpl = (h->opts & OPT_USER) ? 3 : 0,
		};
	}
	s->cs.type = 0xB;
	s->cs.base = 0;
	s->cs.l = code64;
	s->cs.db = s->cs.db && !code64;
}

static void set_control(struct kvm_sregs *s, const struct fuzz_header *h)
{
	unsigned mode = h->mode % MODE_COUNT;

	s->cr0 = mode == MODE_REAL ? 0x10 : 0x11;
	if (mode >= MODE_PAGING32)
		s->cr0 |= 0x80010000;	/* PG, WP */
	if (h->opts & OPT_CR0_TS) s->cr0 |= 0x8;
	if (h->opts & OPT_CR0_EM) s->cr0 |= 0x4;
	if (h->opts & OPT_CR0_MP) s->cr0 |= 0x2;
	s->cr4 = (h->opts & OPT_NO_OSFXSR) ? 0 : 0x200;
	if (h->opts & OPT_CR4_PSE) s->cr4 |= 0x10;
	if (mode >= MODE_PAE) s->cr4 |= 0x20;
	if (mode == MODE_LA57) s->cr4 |= 0x1000;
	if (mode >= MODE_LONG) s->efer = 0x500;
	s->cr3 = 0x1000;
}

static void set_state(const struct fuzz_header *h, struct kvm_regs *r,
		      struct kvm_sregs *s, struct kvm_fpu *fpu)
{
	unsigned mode = h->mode % MODE_COUNT;
	__u64 *g[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp,
			 &r->rbp, &r->rsi, &r->rdi, &r->r8,  &r->r9,
			 &r->r10, &r->r11, &r->r12, &r->r13, &r->r14,
			 &r->r15 };

	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	memset(fpu, 0, sizeof(*fpu));
	for (unsigned i = 0; i < 16; i++)
		*g[i] = (h->opts & OPT_SMALL_REGS) ? h->gpr[i] & 0xFFFF :
						     h->gpr[i];
	r->rip = CODE_GPA + h->rip_offset % 16;
	r->rflags = h->rflags;
	set_segments(s, h, mode);
	set_control(s, h);
	fpu->fcw = h->fcw;
	fpu->fsw = h->fsw;
	fpu->ftwx = h->ftwx;
	fpu->mxcsr = h->mxcsr;
	for (unsigned i = 0; i < 8; i++)
		memcpy(fpu->fpr[i], h->st[i], 10);
}

static void check_outcome(int rc, const struct emu_report *rep)
{
	if (rc != 0 && rc != -ENOTSUP && rc != -EFAULT && rc != -EINVAL)
		abort();
	if (rep->len > sizeof(rep->bytes) ||
	    !memchr(rep->why, 0, sizeof(rep->why)))
		abort();
	if (rep->insn < 0 || rep->insn >= EMU_INSN_COUNT ||
	    !emu_insn_name(rep->insn))
		abort();
	if (rc == 0 && (rep->why[0] || rep->insn == EMU_INSN_UNKNOWN))
		abort();
	if (rc != 0 && rep->why[0] == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake fake, before;
	struct emu_mem mem = { &fake, fake_read, fake_write };
	struct fuzz_header h = { 0 };
	struct kvm_regs regs, regs0;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu, fpu0;
	struct emu_report rep;
	size_t n = size < sizeof(h) ? size : sizeof(h);
	int rc;

	memcpy(&h, data, n);
	data += n, size -= n;
	memset(fake.ram, 0, sizeof(fake.ram));
	if (!(h.opts & OPT_RAW_TABLES))
		build_tables(&fake, h.mode % MODE_COUNT);
	n = size < 15 ? size : 15;
	memcpy(fake.ram + CODE_GPA, data, n);
	data += n, size -= n;
	memcpy(fake.ram + ((h.opts & OPT_RAW_TABLES) ? 0 : DATA_GPA), data,
	       size < RAM_SIZE - DATA_GPA ? size : RAM_SIZE - DATA_GPA);
	set_state(&h, &regs, &sregs, &fpu);
	regs0 = regs, fpu0 = fpu;
	memcpy(&before, &fake, sizeof(fake));

	rc = emu_fixup(&mem, &regs, &sregs, &fpu, &rep);
	check_outcome(rc, &rep);
	if (rc != 0 && (memcmp(&regs, &regs0, sizeof(regs)) ||
			memcmp(&fpu, &fpu0, sizeof(fpu)) ||
			memcmp(&fake, &before, sizeof(fake))))
		abort();
	if (rc == 0 && regs.rip == regs0.rip)
		abort();
	return 0;
}
