// SPDX-License-Identifier: Apache-2.0
/*
 * emu_fixup() end to end: a fake guest (RAM, page tables, registers) in
 * real mode, 32-bit protected mode and 64-bit long mode; instruction bytes
 * built here for every ModRM addressing form; results checked against
 * what C long double arithmetic (the host x87 under the same control
 * word) computes for the same operands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fenv.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/emu/emu.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_SIZE	(8u << 20)
#define PML4_GPA	0x10000u
#define PDPT_GPA	0x11000u
#define PD_GPA		0x12000u
#define PT_GPA		0x13000u
#define CODE_GPA	0x21000u	/* 64/32-bit code; real mode: F000:0100 */
#define DATA_GPA	0x18000u	/* where operands live */
#define REAL_CS_BASE	0xF0000u
#define REAL_DS_BASE	0x10000u
#define REAL_SS_BASE	0x14000u
#define REAL_ES_BASE	0x12000u
#define FS_BASE		0x10000u
#define GS_BASE		0x17000u

/* Architectural constants, spelled out here rather than shared. */
#define CR0_PE 0x1ULL
#define CR0_MP 0x2ULL
#define CR0_EM 0x4ULL
#define CR0_TS 0x8ULL
#define CR0_ET 0x10ULL
#define CR0_WP 0x10000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE 0x20ULL
#define CR4_OSFXSR 0x200ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL
#define FL_CF 0x1ULL
#define FL_PF 0x4ULL
#define FL_AF 0x10ULL
#define FL_ZF 0x40ULL
#define FL_SF 0x80ULL
#define FL_OF 0x800ULL
#define FSW_IE 0x1
#define FSW_DE 0x2
#define FSW_ZE 0x4
#define FSW_OE 0x8
#define FSW_PE 0x20
#define FSW_ES 0x80
#define FSW_C1 0x200
#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL

struct vm {
	uint8_t *ram;
	uint64_t read_hole_lo, read_hole_hi;	/* [lo, hi): not RAM */
	uint64_t write_hole_lo, write_hole_hi;	/* writes fail here */
	unsigned writes;
	struct emu_mem mem;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct emu_report rep;
};

static bool in_hole(uint64_t lo, uint64_t hi, uint64_t gpa, size_t len)
{
	return gpa < hi && gpa + len > lo;
}

static int fake_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
	struct vm *vm = opaque;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa ||
	    in_hole(vm->read_hole_lo, vm->read_hole_hi, gpa, len))
		return -EFAULT;
	memcpy(buf, vm->ram + gpa, len);
	return 0;
}

static int fake_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
	struct vm *vm = opaque;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa ||
	    in_hole(vm->read_hole_lo, vm->read_hole_hi, gpa, len) ||
	    in_hole(vm->write_hole_lo, vm->write_hole_hi, gpa, len))
		return -EFAULT;
	memcpy(vm->ram + gpa, buf, len);
	vm->writes++;
	return 0;
}

static int vm_setup(void **state)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	vm->ram = calloc(1, RAM_SIZE);
	assert_non_null(vm->ram);
	vm->mem = (struct emu_mem){ vm, fake_read, fake_write };
	*state = vm;
	return 0;
}

static int vm_teardown(void **state)
{
	struct vm *vm = *state;

	free(vm->ram);
	free(vm);
	return 0;
}

static void put64(struct vm *vm, uint64_t gpa, uint64_t v)
{
	memcpy(vm->ram + gpa, &v, 8);
}

static void flat_segment(struct kvm_segment *s, uint8_t type, bool code64)
{
	*s = (struct kvm_segment){ .base = 0, .limit = 0xFFFFFFFF,
				   .type = type, .present = 1, .s = 1,
				   .db = !code64, .l = code64, .g = 1 };
}

static void real_segment(struct kvm_segment *s, uint64_t base, uint8_t type)
{
	*s = (struct kvm_segment){ .base = base, .limit = 0xFFFF,
				   .selector = (uint16_t)(base >> 4),
				   .type = type, .present = 1, .s = 1 };
}

static void fpu_reset(struct kvm_fpu *f)
{
	memset(f, 0, sizeof(*f));
	f->fcw = 0x37F;
	f->mxcsr = 0x1F80;
}

static void vm_real(struct vm *vm)
{
	memset(&vm->regs, 0, sizeof(vm->regs));
	memset(&vm->sregs, 0, sizeof(vm->sregs));
	real_segment(&vm->sregs.cs, REAL_CS_BASE, 0xB);
	real_segment(&vm->sregs.ds, REAL_DS_BASE, 0x3);
	real_segment(&vm->sregs.es, REAL_ES_BASE, 0x3);
	real_segment(&vm->sregs.ss, REAL_SS_BASE, 0x3);
	real_segment(&vm->sregs.fs, FS_BASE, 0x3);
	real_segment(&vm->sregs.gs, GS_BASE, 0x3);
	vm->sregs.cr0 = CR0_ET;
	vm->sregs.cr4 = CR4_OSFXSR;
	vm->regs.rip = 0x100;
	vm->regs.rflags = 0x2;
	fpu_reset(&vm->fpu);
}

static void vm_prot32(struct vm *vm)
{
	memset(&vm->regs, 0, sizeof(vm->regs));
	memset(&vm->sregs, 0, sizeof(vm->sregs));
	flat_segment(&vm->sregs.cs, 0xB, false);
	flat_segment(&vm->sregs.ds, 0x3, false);
	flat_segment(&vm->sregs.es, 0x3, false);
	flat_segment(&vm->sregs.ss, 0x3, false);
	flat_segment(&vm->sregs.fs, 0x3, false);
	flat_segment(&vm->sregs.gs, 0x3, false);
	vm->sregs.fs.base = FS_BASE;
	vm->sregs.cr0 = CR0_PE | CR0_ET;
	vm->sregs.cr4 = CR4_OSFXSR;
	vm->regs.rip = CODE_GPA;
	vm->regs.rflags = 0x2;
	fpu_reset(&vm->fpu);
}

/* 4-level identity map of 8 MiB: 4 KiB pages below 2 MiB, 2 MiB above. */
static void build_long_tables(struct vm *vm)
{
	memset(vm->ram + PML4_GPA, 0, 0x4000);
	put64(vm, PML4_GPA, PDPT_GPA | PTE_P | PTE_RW);
	put64(vm, PDPT_GPA, PD_GPA | PTE_P | PTE_RW);
	put64(vm, PD_GPA, PT_GPA | PTE_P | PTE_RW);
	for (uint64_t i = 1; i < 4; i++)
		put64(vm, PD_GPA + 8 * i, (i << 21) | PTE_P | PTE_RW | PTE_PS);
	for (uint64_t i = 0; i < 512; i++)
		put64(vm, PT_GPA + 8 * i, (i << 12) | PTE_P | PTE_RW);
}

static void vm_long(struct vm *vm)
{
	vm_prot32(vm);
	flat_segment(&vm->sregs.cs, 0xB, true);
	vm->sregs.fs.base = FS_BASE;
	vm->sregs.gs.base = GS_BASE;
	build_long_tables(vm);
	vm->sregs.cr0 = CR0_PE | CR0_ET | CR0_PG | CR0_WP;
	vm->sregs.cr3 = PML4_GPA;
	vm->sregs.cr4 = CR4_PAE | CR4_OSFXSR;
	vm->sregs.efer = EFER_LME | EFER_LMA;
}

static void vm_mode(struct vm *vm, unsigned mode)
{
	if (mode == 16)
		vm_real(vm);
	else if (mode == 32)
		vm_prot32(vm);
	else
		vm_long(vm);
}

static uint64_t code_gpa(const struct vm *vm)
{
	return vm->sregs.cs.base + vm->regs.rip;
}

static int run(struct vm *vm)
{
	return emu_fixup(&vm->mem, &vm->regs, &vm->sregs, &vm->fpu, &vm->rep);
}

/* ---- x87 stack helpers, independent of the emulator ---- */

static unsigned fpu_top(const struct kvm_fpu *f)
{
	return (f->fsw >> 11) & 7;
}

/* What FLD does to the stack: TOP-1, ST(0) = v, tag valid. */
static void fpu_push(struct kvm_fpu *f, long double v)
{
	unsigned top = (fpu_top(f) - 1) & 7;

	memmove(f->fpr[1], f->fpr[0], 7 * 16);
	memset(f->fpr[0], 0, 16);
	memcpy(f->fpr[0], &v, 10);
	f->fsw = (uint16_t)((f->fsw & ~0x3800) | top << 11);
	f->ftwx |= (uint8_t)(1u << top);
}

static long double fpu_st(const struct kvm_fpu *f, unsigned i)
{
	long double v = 0;

	memcpy(&v, f->fpr[i], 10);
	return v;
}

static void assert_st(const struct kvm_fpu *f, unsigned i, long double want)
{
	long double got = fpu_st(f, i);

	if (memcmp(&got, &want, 10) != 0)
		fail_msg("ST(%u) = %La, want %La", i, got, want);
}

static unsigned fpu_depth(const struct kvm_fpu *f)
{
	return (unsigned)__builtin_popcount(f->ftwx);
}

/* ---- building instructions with a memory operand ---- */

/* Addressing forms: each is exercised with every memory instruction. */
enum form_id {
	F16_BX_SI_D8,	/* [bx+si+8]         DS */
	F16_BP_DI,	/* [bp+di]           SS (default for BP) */
	F16_ES_D16,	/* es:[disp16]       segment override */
	F16_A32_SIB,	/* 67: [eax+ecx*2+8] address-size override */
	F32_SIB_D8,	/* [ebx+ecx*4+8] */
	F32_D32,	/* [disp32] */
	F32_FS_ESI_D32,	/* fs:[esi+disp32]   FS base */
	F32_A16_BX_SI,	/* fs: 67: [bx+si]   16-bit offset in FS */
	F32_ESP_D8,	/* [esp+8]           SIB base ESP */
	F64_RAX_D8,	/* [rax+8] */
	F64_R12_R13,	/* [r12+r13*8+disp32]  REX.X REX.B */
	F64_RIP,	/* [rip+disp32] */
	F64_GS_RBX,	/* gs:[rbx]          GS base */
	F64_A32,	/* 67: [eax+8], upper RAX bits dropped */
	F64_SIB_ABS,	/* [disp32] via SIB, no base no index */
};

struct form {
	enum form_id id;
	unsigned mode;
	const char *name;
};

static const struct form forms[] = {
	{ F16_BX_SI_D8, 16, "[bx+si+d8]" },
	{ F16_BP_DI, 16, "[bp+di]" },
	{ F16_ES_D16, 16, "es:[d16]" },
	{ F16_A32_SIB, 16, "a32 [eax+ecx*2+d8]" },
	{ F32_SIB_D8, 32, "[ebx+ecx*4+d8]" },
	{ F32_D32, 32, "[d32]" },
	{ F32_FS_ESI_D32, 32, "fs:[esi+d32]" },
	{ F32_A16_BX_SI, 32, "fs: a16 [bx+si]" },
	{ F32_ESP_D8, 32, "[esp+d8]" },
	{ F64_RAX_D8, 64, "[rax+d8]" },
	{ F64_R12_R13, 64, "[r12+r13*8+d32]" },
	{ F64_RIP, 64, "[rip+d32]" },
	{ F64_GS_RBX, 64, "gs:[rbx]" },
	{ F64_A32, 64, "a32 [eax+d8]" },
	{ F64_SIB_ABS, 64, "[sib d32]" },
};

struct ibuf {
	uint8_t b[16];
	unsigned n;
};

static void emit_bytes(struct ibuf *ib, const uint8_t *b, size_t n)
{
	memcpy(ib->b + ib->n, b, n);
	ib->n += (unsigned)n;
}

/* EMIT(ib, byte, ...): each argument is converted to uint8_t. */
#define EMIT(ib, ...)                                                        \
	emit_bytes(ib, (const uint8_t[]){ __VA_ARGS__ },                     \
		   sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void emit32(struct ibuf *ib, uint32_t v)
{
	EMIT(ib, v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24);
}

/* Prefix bytes a form needs before the opcode. */
static void form_prefix(struct ibuf *ib, enum form_id id)
{
	switch (id) {
	case F16_ES_D16: EMIT(ib, 0x26); break;
	case F16_A32_SIB: case F64_A32: EMIT(ib, 0x67); break;
	case F32_A16_BX_SI: EMIT(ib, 0x64, 0x67); break;
	case F32_FS_ESI_D32: EMIT(ib, 0x64); break;
	case F64_GS_RBX: EMIT(ib, 0x65); break;
	case F64_R12_R13: EMIT(ib, 0x43); break; /* REX.X REX.B */
	default: break;
	}
}

/*
 * ModRM (with reg), SIB and displacement of a form, and the registers
 * that make its effective address reach guest-physical (target).
 */
static void form_operand(struct vm *vm, struct ibuf *ib, enum form_id id,
			 unsigned reg, uint64_t target)
{
	struct kvm_regs *r = &vm->regs;
	uint8_t rr = (uint8_t)(reg << 3);

	switch (id) {
	case F16_BX_SI_D8:
		r->rsi = 0x20;
		r->rbx = 0xABCD0000 | (target - REAL_DS_BASE - 0x20 - 8);
		EMIT(ib, 0x40 | rr, 8);
		break;
	case F16_BP_DI:
		r->rdi = 0x30;
		r->rbp = target - REAL_SS_BASE - 0x30;
		EMIT(ib, 0x03 | rr);
		break;
	case F16_ES_D16:
		EMIT(ib, 0x06 | rr, (target - REAL_ES_BASE) & 0xFF,
		     (target - REAL_ES_BASE) >> 8);
		break;
	case F16_A32_SIB:
		r->rcx = 0x10;
		r->rax = target - REAL_DS_BASE - 0x20 - 8;
		EMIT(ib, 0x44 | rr, 0x48, 8);
		break;
	case F32_SIB_D8:
		r->rcx = 0x100;
		r->rbx = target - 0x400 - 8;
		EMIT(ib, 0x44 | rr, 0x8B, 8);
		break;
	case F32_D32:
		EMIT(ib, 0x05 | rr);
		emit32(ib, (uint32_t)target);
		break;
	case F32_FS_ESI_D32:
		r->rsi = 0x1000;
		EMIT(ib, 0x86 | rr);
		emit32(ib, (uint32_t)(target - FS_BASE - 0x1000));
		break;
	case F32_A16_BX_SI:
		r->rbx = 0x100;
		r->rsi = 0xFFFF0000 | (target - FS_BASE - 0x100);
		EMIT(ib, 0x00 | rr);
		break;
	case F32_ESP_D8:
		r->rsp = target - 8;
		EMIT(ib, 0x44 | rr, 0x24, 8);
		break;
	case F64_RAX_D8:
		r->rax = target - 8;
		EMIT(ib, 0x40 | rr, 8);
		break;
	case F64_R12_R13:
		r->r13 = 0x20;
		r->r12 = target - 0x100 - 0x1234;
		EMIT(ib, 0x84 | rr, 0xEC);
		emit32(ib, 0x1234);
		break;
	case F64_RIP:
		EMIT(ib, 0x05 | rr);
		/* next RIP = code + length so far + 4 bytes of disp32 */
		emit32(ib, (uint32_t)(target - (code_gpa(vm) + ib->n + 4)));
		break;
	case F64_GS_RBX:
		r->rbx = target - GS_BASE;
		EMIT(ib, 0x03 | rr);
		break;
	case F64_A32:
		r->rax = 0xFFFFFFFF00000000ULL | (target - 8);
		EMIT(ib, 0x40 | rr, 8);
		break;
	case F64_SIB_ABS:
		EMIT(ib, 0x04 | rr, 0x25);
		emit32(ib, (uint32_t)target);
		break;
	}
}

/*
 * Put "(opcode) /reg" with form (f) at the guest's RIP, operand at
 * (target).  Returns the instruction length.
 */
static unsigned place_mem(struct vm *vm, const struct form *f,
			  const uint8_t *opcode, unsigned oplen, unsigned reg,
			  uint64_t target)
{
	struct ibuf ib = { .n = 0 };

	form_prefix(&ib, f->id);
	for (unsigned i = 0; i < oplen; i++)
		EMIT(&ib, opcode[i]);
	form_operand(vm, &ib, f->id, reg, target);
	memcpy(vm->ram + code_gpa(vm), ib.b, ib.n);
	return ib.n;
}

/* Put raw instruction bytes at the guest's RIP. */
static void place(struct vm *vm, const uint8_t *bytes, unsigned n)
{
	memcpy(vm->ram + code_gpa(vm), bytes, n);
}

/* Run and check success, the RIP advance and that no report is left. */
static void run_ok(struct vm *vm, unsigned len, const char *what)
{
	uint64_t rip = vm->regs.rip;
	int rc = run(vm);

	if (rc != 0)
		fail_msg("%s: rc %d (%s)", what, rc, vm->rep.why);
	if (getenv("EMU_TEST_TRACE"))
		print_message("%s: %s len %u\n", what,
			      emu_insn_name(vm->rep.insn), vm->rep.len);
	assert_int_equal(vm->regs.rip, rip + len);
	assert_int_equal(vm->rep.len, len);
	assert_string_equal(vm->rep.why, "");
}

/* ---- loads ---- */

static void test_x87emu_fld_m32_m64_m80_every_form(void **state)
{
	struct vm *vm = *state;
	const float f = -1.25e-3f;
	const double d = 6.02214076e23;
	const long double x = 1.0L / 3.0L;

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		const struct form *fm = &forms[i];
		static const uint8_t d9[] = { 0xD9 }, dd[] = { 0xDD },
				     db[] = { 0xDB };
		unsigned len;

		vm_mode(vm, fm->mode);
		memcpy(vm->ram + DATA_GPA, &f, 4);
		len = place_mem(vm, fm, d9, 1, 0, DATA_GPA);
		run_ok(vm, len, fm->name);
		assert_st(&vm->fpu, 0, (long double)f);
		assert_int_equal(vm->rep.insn, EMU_INSN_FLD_M32);
		assert_int_equal(vm->rep.mode_bits, fm->mode);

		memcpy(vm->ram + DATA_GPA, &d, 8);
		len = place_mem(vm, fm, dd, 1, 0, DATA_GPA);
		run_ok(vm, len, fm->name);
		assert_st(&vm->fpu, 0, (long double)d);
		assert_st(&vm->fpu, 1, (long double)f);

		memcpy(vm->ram + DATA_GPA, &x, 10);
		len = place_mem(vm, fm, db, 1, 5, DATA_GPA);
		run_ok(vm, len, fm->name);
		assert_st(&vm->fpu, 0, x);
		assert_int_equal(fpu_top(&vm->fpu), 5);
		assert_int_equal(fpu_depth(&vm->fpu), 3);
	}
}

static void test_x87emu_fild_m16_m32_m64_every_form(void **state)
{
	struct vm *vm = *state;
	const int16_t w = -12345;
	const int32_t l = 2000000001;
	const int64_t q = -9007199254740993LL; /* not a double */

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		const struct form *fm = &forms[i];
		static const uint8_t df[] = { 0xDF }, db[] = { 0xDB };
		unsigned len;

		vm_mode(vm, fm->mode);
		memcpy(vm->ram + DATA_GPA, &w, 2);
		len = place_mem(vm, fm, df, 1, 0, DATA_GPA);
		run_ok(vm, len, fm->name);
		assert_st(&vm->fpu, 0, (long double)w);

		memcpy(vm->ram + DATA_GPA, &l, 4);
		len = place_mem(vm, fm, db, 1, 0, DATA_GPA);
		run_ok(vm, len, fm->name);
		assert_st(&vm->fpu, 0, (long double)l);

		memcpy(vm->ram + DATA_GPA, &q, 8);
		len = place_mem(vm, fm, df, 1, 5, DATA_GPA);
		run_ok(vm, len, fm->name);
		assert_st(&vm->fpu, 0, (long double)q);
		assert_int_equal(vm->rep.insn, EMU_INSN_FILD_M64);
		assert_int_equal(fpu_depth(&vm->fpu), 3);
	}
}

/* FLD of special m64 values: exact extended results and the flags. */
static void test_x87emu_fld_m64_edge_values(void **state)
{
	struct vm *vm = *state;
	static const uint8_t dd[] = { 0xDD };
	const struct {
		uint64_t bits;
		uint16_t fsw_flags;
	} cases[] = {
		{ 0x0000000000000000ULL, 0 },		/* +0 */
		{ 0x8000000000000000ULL, 0 },		/* -0 */
		{ 0x0000000000000001ULL, FSW_DE },	/* smallest denormal */
		{ 0x7FF0000000000000ULL, 0 },		/* +inf */
		{ 0xFFF0000000000000ULL, 0 },		/* -inf */
		{ 0x7FF8000000000001ULL, 0 },		/* QNaN */
		{ 0x7FF0000000000001ULL, FSW_IE },	/* SNaN */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		volatile double d;
		long double want;

		vm_long(vm);
		memcpy((void *)&d, &cases[i].bits, 8);
		memcpy(vm->ram + DATA_GPA, &cases[i].bits, 8);
		run_ok(vm, place_mem(vm, &forms[F64_RAX_D8], dd, 1, 0,
				     DATA_GPA), "fld m64");
		want = (long double)d;
		if (cases[i].bits == 0x7FF0000000000001ULL) {
			/*
			 * SNaN in, QNaN out: same sign and payload, quiet
			 * bit set (SDM Vol. 1 4.8.3.4, Table 4-7).
			 */
			const uint64_t sig = 0xC000000000000800ULL;
			const uint16_t exp = 0x7FFF;

			memcpy(&want, &sig, 8);
			memcpy((uint8_t *)&want + 8, &exp, 2);
		}
		assert_st(&vm->fpu, 0, want);
		assert_int_equal(vm->fpu.fsw & 0x3F, cases[i].fsw_flags);
	}
}

/* ---- stores ---- */

struct store_case {
	uint8_t op, reg;
	unsigned size;
	bool pops;
	int insn;
};

static const struct store_case store_cases[] = {
	{ 0xD9, 2, 4, false, EMU_INSN_FST_M32 },
	{ 0xD9, 3, 4, true, EMU_INSN_FSTP_M32 },
	{ 0xDD, 2, 8, false, EMU_INSN_FST_M64 },
	{ 0xDD, 3, 8, true, EMU_INSN_FSTP_M64 },
	{ 0xDB, 7, 10, true, EMU_INSN_FSTP_M80 },
	{ 0xDF, 2, 2, false, EMU_INSN_FIST_M16 },
	{ 0xDF, 3, 2, true, EMU_INSN_FISTP_M16 },
	{ 0xDB, 2, 4, false, EMU_INSN_FIST_M32 },
	{ 0xDB, 3, 4, true, EMU_INSN_FISTP_M32 },
	{ 0xDF, 7, 8, true, EMU_INSN_FISTP_M64 },
	{ 0xDF, 1, 2, true, EMU_INSN_FISTTP_M16 },
	{ 0xDB, 1, 4, true, EMU_INSN_FISTTP_M32 },
	{ 0xDD, 1, 8, true, EMU_INSN_FISTTP_M64 },
};

/* What the store of (v) by (c) must leave in memory, by C conversion. */
static void store_expect(const struct store_case *c, long double v,
			 uint8_t *out)
{
	bool trunc = c->reg == 1;

	switch (c->insn) {
	case EMU_INSN_FST_M32: case EMU_INSN_FSTP_M32: {
		float f = (float)v;
		memcpy(out, &f, 4);
		return;
	}
	case EMU_INSN_FST_M64: case EMU_INSN_FSTP_M64: {
		double d = (double)v;
		memcpy(out, &d, 8);
		return;
	}
	case EMU_INSN_FSTP_M80:
		memcpy(out, &v, 10);
		return;
	default: {
		long long n = trunc ? (long long)v : llrintl(v);
		memcpy(out, &n, c->size); /* little-endian truncation */
		return;
	}
	}
}

static void test_x87emu_store_forms_every_mode(void **state)
{
	struct vm *vm = *state;
	const long double v = -1234.5678L;

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		for (size_t k = 0; k < ARRAY_SIZE(store_cases); k++) {
			const struct store_case *c = &store_cases[k];
			uint8_t want[16] = { 0 };
			unsigned len;

			vm_mode(vm, forms[i].mode);
			memset(vm->ram + DATA_GPA - 16, 0xEE, 48);
			fpu_push(&vm->fpu, 7.0L);
			fpu_push(&vm->fpu, v);
			len = place_mem(vm, &forms[i], &c->op, 1, c->reg,
					DATA_GPA);
			run_ok(vm, len, forms[i].name);
			assert_int_equal(vm->rep.insn, c->insn);
			store_expect(c, v, want);
			assert_memory_equal(vm->ram + DATA_GPA, want, c->size);
			/* Not one byte beyond the operand. */
			assert_int_equal(vm->ram[DATA_GPA + c->size], 0xEE);
			assert_int_equal(vm->ram[DATA_GPA - 1], 0xEE);
			assert_int_equal(fpu_depth(&vm->fpu), c->pops ? 1 : 2);
			assert_st(&vm->fpu, 0, c->pops ? 7.0L : v);
		}
	}
}

/* Out-of-range FIST(T)P stores the integer indefinite, IE set (4.8.3.4). */
static void test_x87emu_fistp_overflow_integer_indefinite(void **state)
{
	struct vm *vm = *state;
	const long double values[] = { 1e20L, -1e30L, INFINITY, NAN };

	for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
		for (size_t k = 5; k < ARRAY_SIZE(store_cases); k++) {
			const struct store_case *c = &store_cases[k];
			uint8_t want[8] = { 0 };

			vm_long(vm);
			fpu_push(&vm->fpu, values[v]);
			run_ok(vm, place_mem(vm, &forms[F64_RAX_D8], &c->op, 1,
					     c->reg, DATA_GPA), "fistp");
			want[c->size - 1] = 0x80; /* 0x80..00 */
			assert_memory_equal(vm->ram + DATA_GPA, want, c->size);
			assert_int_equal(vm->fpu.fsw & FSW_IE, FSW_IE);
		}
	}
}

/* The rounding control of FCW governs FIST and FST (SDM Vol. 1 4.8.4). */
static void test_x87emu_rounding_modes_from_fcw(void **state)
{
	struct vm *vm = *state;
	const struct { uint16_t rc; int fe; } modes[] = {
		{ 0x000, FE_TONEAREST }, { 0x400, FE_DOWNWARD },
		{ 0x800, FE_UPWARD }, { 0xC00, FE_TOWARDZERO },
	};
	const long double values[] = { 2.5L, -2.5L, 3.5L, -0.7L,
				       1.0L + 0x1p-30L };
	static const uint8_t fistp32[] = { 0xDB }, fstp32[] = { 0xD9 };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
			volatile long double x = values[i];
			int32_t got_i, want_i;
			float got_f, want_f;

			/* volatile: no constant folding in the default mode */
			fesetround(modes[m].fe);
			want_i = (int32_t)llrintl(x);
			want_f = (float)x;
			fesetround(FE_TONEAREST);

			vm_prot32(vm);
			vm->fpu.fcw = (uint16_t)(0x37F | modes[m].rc);
			fpu_push(&vm->fpu, values[i]);
			fpu_push(&vm->fpu, values[i]);
			run_ok(vm, place_mem(vm, &forms[F32_D32], fistp32, 1,
					     3, DATA_GPA), "fistp m32");
			memcpy(&got_i, vm->ram + DATA_GPA, 4);
			assert_int_equal(got_i, want_i);
			run_ok(vm, place_mem(vm, &forms[F32_D32], fstp32, 1,
					     3, DATA_GPA), "fstp m32");
			memcpy(&got_f, vm->ram + DATA_GPA, 4);
			assert_memory_equal(&got_f, &want_f, 4);
		}
	}
}

/* ---- arithmetic ---- */

enum arith { ADD, MUL, SUB, SUBR, DIV, DIVR };

static long double arith(enum arith op, long double a, long double b)
{
	switch (op) {
	case ADD: return a + b;
	case MUL: return a * b;
	case SUB: return a - b;
	case SUBR: return b - a;
	case DIV: return a / b;
	default: return b / a;
	}
}

/* ModRM.reg of each operation in the D8/DC/DA/DE memory groups. */
static const unsigned arith_reg[] = { 0, 1, 4, 5, 6, 7 };

static void test_x87emu_arith_memory_forms(void **state)
{
	struct vm *vm = *state;
	const long double st0 = 10.75L;
	const float f = 0.1f;
	const double d = -3.3;
	const int16_t w = -7;
	const int32_t l = 100003;

	for (size_t fi = 0; fi < ARRAY_SIZE(forms); fi++) {
		for (int op = ADD; op <= DIVR; op++) {
			const struct { uint8_t opc; long double m; } srcs[] = {
				{ 0xD8, f }, { 0xDC, d }, { 0xDE, w },
				{ 0xDA, l },
			};

			for (size_t s = 0; s < ARRAY_SIZE(srcs); s++) {
				vm_mode(vm, forms[fi].mode);
				memcpy(vm->ram + DATA_GPA, &f, 4);
				if (s == 1)
					memcpy(vm->ram + DATA_GPA, &d, 8);
				if (s == 2)
					memcpy(vm->ram + DATA_GPA, &w, 2);
				if (s == 3)
					memcpy(vm->ram + DATA_GPA, &l, 4);
				fpu_push(&vm->fpu, st0);
				run_ok(vm, place_mem(vm, &forms[fi],
						     &srcs[s].opc, 1,
						     arith_reg[op], DATA_GPA),
				       forms[fi].name);
				assert_st(&vm->fpu, 0,
					  arith((enum arith)op, st0,
						srcs[s].m));
				assert_int_equal(fpu_depth(&vm->fpu), 1);
			}
		}
	}
}

/* D8 (st0 op sti), DC (sti op st0), DE (sti op st0, pop). */
static void test_x87emu_arith_register_forms(void **state)
{
	struct vm *vm = *state;
	const long double a = 1.5L, b = -8.25L, c = 3.0L; /* st0, st1, st2 */
	/* ModRM base for ADD MUL SUB SUBR DIV DIVR, per opcode. */
	static const uint8_t d8[] = { 0xC0, 0xC8, 0xE0, 0xE8, 0xF0, 0xF8 };
	static const uint8_t dc[] = { 0xC0, 0xC8, 0xE8, 0xE0, 0xF8, 0xF0 };

	for (int op = ADD; op <= DIVR; op++) {
		uint8_t insn[2];

		vm_long(vm);
		fpu_push(&vm->fpu, c);
		fpu_push(&vm->fpu, b);
		fpu_push(&vm->fpu, a);
		insn[0] = 0xD8, insn[1] = (uint8_t)(d8[op] + 2);
		place(vm, insn, 2);
		run_ok(vm, 2, "d8 reg");
		assert_st(&vm->fpu, 0, arith((enum arith)op, a, c));
		assert_st(&vm->fpu, 2, c);

		vm_long(vm);
		fpu_push(&vm->fpu, c);
		fpu_push(&vm->fpu, b);
		fpu_push(&vm->fpu, a);
		insn[0] = 0xDC, insn[1] = (uint8_t)(dc[op] + 2);
		place(vm, insn, 2);
		run_ok(vm, 2, "dc reg");
		assert_st(&vm->fpu, 2, arith((enum arith)op, c, a));
		assert_st(&vm->fpu, 0, a);

		vm_long(vm);
		fpu_push(&vm->fpu, c);
		fpu_push(&vm->fpu, b);
		fpu_push(&vm->fpu, a);
		insn[0] = 0xDE, insn[1] = (uint8_t)(dc[op] + 1);
		place(vm, insn, 2);
		run_ok(vm, 2, "de pop");
		assert_int_equal(fpu_depth(&vm->fpu), 2);
		assert_st(&vm->fpu, 0, arith((enum arith)op, b, a));
		assert_st(&vm->fpu, 1, c);
	}
}

/* FCW.PC = 10b rounds the significand to 53 bits (SDM Vol. 1 8.1.5.2). */
static void test_x87emu_fmul_precision_control_double(void **state)
{
	struct vm *vm = *state;
	const double a = 1.0 + 0x1p-30, b = 1.0 + 0x1p-29;
	static const uint8_t dc[] = { 0xDC };

	vm_long(vm);
	vm->fpu.fcw = 0x27F;
	memcpy(vm->ram + DATA_GPA, &b, 8);
	fpu_push(&vm->fpu, a);
	run_ok(vm, place_mem(vm, &forms[F64_RIP], dc, 1, 1, DATA_GPA),
	       "fmul m64");
	assert_st(&vm->fpu, 0, (long double)(a * b));
	assert_true(fpu_st(&vm->fpu, 0) != (long double)a * b);
	assert_int_equal(vm->fpu.fsw & FSW_PE, FSW_PE);
}

/* ---- compare, flags, conditional moves ---- */

static void test_x87emu_fcomi_family_flags(void **state)
{
	struct vm *vm = *state;
	const long double pairs[][2] = {
		{ 1.0L, 2.0L }, { 2.0L, 1.0L }, { -0.0L, 0.0L },
		{ NAN, 1.0L }, { 1.0L, -INFINITY },
	};
	const struct { uint8_t op, modrm; bool pops, signals_qnan; int insn; }
	forms_[] = {
		{ 0xDB, 0xF1, false, true, EMU_INSN_FCOMI },
		{ 0xDF, 0xF1, true, true, EMU_INSN_FCOMIP },
		{ 0xDB, 0xE9, false, false, EMU_INSN_FUCOMI },
		{ 0xDF, 0xE9, true, false, EMU_INSN_FUCOMIP },
	};

	for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
		for (size_t k = 0; k < ARRAY_SIZE(forms_); k++) {
			long double st0 = pairs[p][0], st1 = pairs[p][1];
			bool un = isunordered(st0, st1);
			uint64_t want = 0x2 | FL_OF | FL_SF | FL_AF;
			uint8_t insn[2] = { forms_[k].op, forms_[k].modrm };

			for (unsigned mode = 16; mode <= 64; mode *= 2) {
				vm_mode(vm, mode);
				vm->regs.rflags = want; /* OF SF AF get cleared */
				fpu_push(&vm->fpu, st1);
				fpu_push(&vm->fpu, st0);
				place(vm, insn, 2);
				run_ok(vm, 2, "fcomi");
				assert_int_equal(vm->regs.rflags,
					0x2 | (un || st0 == st1 ? FL_ZF : 0) |
					(un ? FL_PF : 0) |
					(un || st0 < st1 ? FL_CF : 0));
				assert_int_equal(vm->rep.insn, forms_[k].insn);
				assert_int_equal(fpu_depth(&vm->fpu),
						 forms_[k].pops ? 1 : 2);
				assert_int_equal(vm->fpu.fsw & FSW_IE,
					un && forms_[k].signals_qnan ? FSW_IE : 0);
			}
		}
	}
}

/* Each FCMOVcc against all eight combinations of CF, ZF, PF. */
static void test_x87emu_fcmovcc_each_condition(void **state)
{
	struct vm *vm = *state;
	static const uint8_t enc[8][2] = {
		{ 0xDA, 0xC2 }, { 0xDA, 0xCA }, { 0xDA, 0xD2 }, { 0xDA, 0xDA },
		{ 0xDB, 0xC2 }, { 0xDB, 0xCA }, { 0xDB, 0xD2 }, { 0xDB, 0xDA },
	};

	for (unsigned cc = 0; cc < 8; cc++) {
		for (unsigned fl = 0; fl < 8; fl++) {
			bool cf = fl & 1, zf = fl & 2, pf = fl & 4, take;
			uint64_t rflags = 0x2 | (cf ? FL_CF : 0) |
					  (zf ? FL_ZF : 0) | (pf ? FL_PF : 0);

			switch (cc & 3) {
			case 0: take = cf; break;	  /* B */
			case 1: take = zf; break;	  /* E */
			case 2: take = cf || zf; break;	  /* BE */
			default: take = pf; break;	  /* U */
			}
			if (cc >= 4)
				take = !take;
			vm_prot32(vm);
			vm->regs.rflags = rflags;
			fpu_push(&vm->fpu, 30.0L);
			fpu_push(&vm->fpu, 20.0L);
			fpu_push(&vm->fpu, 10.0L);
			place(vm, enc[cc], 2);
			run_ok(vm, 2, "fcmovcc");
			assert_int_equal(vm->rep.insn, EMU_INSN_FCMOVB + cc);
			assert_st(&vm->fpu, 0, take ? 30.0L : 10.0L);
			assert_int_equal(vm->regs.rflags, rflags);
			assert_int_equal(fpu_depth(&vm->fpu), 3);
		}
	}
}

static void test_x87emu_fcom_memory_sets_condition_codes(void **state)
{
	struct vm *vm = *state;
	static const uint8_t d8[] = { 0xD8 };
	const float m = 2.0f;
	const long double st0[] = { 1.0L, 3.0L, 2.0L, NAN };
	/* C3 C2 C0 for <, >, =, unordered (SDM Vol. 1 Table 8-6). */
	const uint16_t want[] = { 0x0100, 0x0000, 0x4000, 0x4500 };

	for (size_t i = 0; i < ARRAY_SIZE(st0); i++) {
		vm_long(vm);
		memcpy(vm->ram + DATA_GPA, &m, 4);
		fpu_push(&vm->fpu, st0[i]);
		run_ok(vm, place_mem(vm, &forms[F64_RAX_D8], d8, 1, 3,
				     DATA_GPA), "fcomp m32");
		assert_int_equal(vm->fpu.fsw & 0x4500, want[i]);
		assert_int_equal(fpu_depth(&vm->fpu), 0);
	}
}

/* ---- register-only forms ---- */

static void test_x87emu_constants_and_unary(void **state)
{
	struct vm *vm = *state;
	const struct { uint8_t modrm; long double in, out; int insn; } c[] = {
		{ 0xEE, 0, 0.0L, EMU_INSN_FLDZ },
		{ 0xE8, 0, 1.0L, EMU_INSN_FLD1 },
		{ 0xE0, 2.5L, -2.5L, EMU_INSN_FCHS },
		{ 0xE0, 0.0L, -0.0L, EMU_INSN_FCHS },
		{ 0xE1, -2.5L, 2.5L, EMU_INSN_FABS },
		{ 0xE1, -INFINITY, INFINITY, EMU_INSN_FABS },
		{ 0xFA, 2.0L, 0, EMU_INSN_FSQRT },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		uint8_t insn[2] = { 0xD9, c[i].modrm };
		bool loads = c[i].insn == EMU_INSN_FLDZ ||
			     c[i].insn == EMU_INSN_FLD1;

		vm_real(vm);
		if (!loads)
			fpu_push(&vm->fpu, c[i].in);
		place(vm, insn, 2);
		run_ok(vm, 2, "d9 reg");
		assert_int_equal(vm->rep.insn, c[i].insn);
		assert_st(&vm->fpu, 0, c[i].insn == EMU_INSN_FSQRT ?
			  sqrtl(c[i].in) : c[i].out);
		assert_int_equal(fpu_depth(&vm->fpu), 1);
	}
}

static void test_x87emu_fxch_fld_sti_fstp_sti(void **state)
{
	struct vm *vm = *state;
	static const uint8_t fxch2[] = { 0xD9, 0xCA }, fld1_[] = { 0xD9, 0xC1 };
	static const uint8_t fstp1[] = { 0xDD, 0xD9 }, fst2[] = { 0xDD, 0xD2 };

	vm_long(vm);
	fpu_push(&vm->fpu, 3.0L);
	fpu_push(&vm->fpu, 2.0L);
	fpu_push(&vm->fpu, 1.0L);
	place(vm, fxch2, 2);
	run_ok(vm, 2, "fxch st(2)");
	assert_st(&vm->fpu, 0, 3.0L);
	assert_st(&vm->fpu, 2, 1.0L);
	assert_int_equal(vm->rep.insn, EMU_INSN_FXCH);

	place(vm, fld1_, 2);
	run_ok(vm, 2, "fld st(1)");
	assert_st(&vm->fpu, 0, 2.0L);
	assert_int_equal(fpu_depth(&vm->fpu), 4);

	place(vm, fst2, 2);
	run_ok(vm, 2, "fst st(2)");
	assert_st(&vm->fpu, 2, 2.0L);

	place(vm, fstp1, 2);
	run_ok(vm, 2, "fstp st(1)");
	assert_int_equal(fpu_depth(&vm->fpu), 3);
	assert_st(&vm->fpu, 0, 2.0L);
	assert_st(&vm->fpu, 1, 2.0L);
	assert_st(&vm->fpu, 2, 1.0L);
}

/* Run D9 (modrm) on a fresh stack of (n) values, vals[0] on top. */
static void run_d9(struct vm *vm, unsigned mode, uint8_t modrm,
		   const long double *vals, unsigned n)
{
	uint8_t insn[2] = { 0xD9, modrm };

	vm_mode(vm, mode);
	for (unsigned i = n; i-- > 0;)
		fpu_push(&vm->fpu, vals[i]);
	place(vm, insn, 2);
	run_ok(vm, 2, "d9 reg");
}

/* FTST and FXAM condition codes (SDM Vol. 2A FTST, FXAM tables). */
static void test_x87emu_ftst_fxam_classes(void **state)
{
	struct vm *vm = *state;
	const long double denormal = 0x1p-16445L;
	const struct { long double v; uint16_t ftst, fxam; } c[] = {
		/*            C3 C2 C0 for FTST   C3 C2 C1 C0 for FXAM */
		{ 2.0L,       0x0000,             0x0400 },	/* normal */
		{ -2.0L,      0x0100,             0x0600 },	/* C1 = sign */
		{ 0.0L,       0x4000,             0x4000 },	/* zero */
		{ INFINITY,   0x0000,             0x0500 },	/* infinity */
		{ NAN,        0x4500,             0x0100 },	/* NaN */
		{ denormal,   0x0000,             0x4400 },	/* denormal */
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		run_d9(vm, 32, 0xE4, &c[i].v, 1);
		assert_int_equal(vm->fpu.fsw & 0x4500, c[i].ftst);
		run_d9(vm, 16, 0xE5, &c[i].v, 1);
		assert_int_equal(vm->fpu.fsw & 0x4700, c[i].fxam);
	}
	/* FXAM of an empty ST(0): C3 C0 = 1 0 1. */
	run_d9(vm, 64, 0xE5, NULL, 0);
	assert_int_equal(vm->fpu.fsw & 0x4500, 0x4100);
}

/* Constants, rounded to nearest (SDM Vol. 1 8.3.8). */
static void test_x87emu_load_constants(void **state)
{
	struct vm *vm = *state;
	const struct { uint8_t modrm; long double v; } c[] = {
		{ 0xE8, 1.0L }, { 0xEE, 0.0L },
		{ 0xEB, 3.141592653589793238462643383279502884L },
		{ 0xE9, 3.321928094887362347870319429489390175864L },
		{ 0xEA, 1.442695040888963407359924681001892137426L },
		{ 0xEC, 0.301029995663981195213738894724493026768L },
		{ 0xED, 0.693147180559945309417232121458176568075L },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		run_d9(vm, 64, c[i].modrm, NULL, 0);
		assert_st(&vm->fpu, 0, c[i].v);
		assert_int_equal(fpu_depth(&vm->fpu), 1);
	}
}

/* Register forms whose results C computes exactly. */
static void test_x87emu_exact_register_ops(void **state)
{
	struct vm *vm = *state;
	const long double a[2] = { 7.75L, -2.5L };	/* ST0, ST1 */
	const long double r[2] = { 2.5L, 1.0L };
	const long double x = 12.0L;

	run_d9(vm, 32, 0xFD, a, 2);				/* FSCALE */
	assert_st(&vm->fpu, 0, scalbnl(7.75L, -2));
	run_d9(vm, 32, 0xF8, a, 2);				/* FPREM */
	assert_st(&vm->fpu, 0, fmodl(7.75L, -2.5L));
	assert_int_equal(vm->fpu.fsw & 0x0400, 0);		/* C2: done */
	run_d9(vm, 32, 0xF5, a, 2);				/* FPREM1 */
	assert_st(&vm->fpu, 0, remainderl(7.75L, -2.5L));
	run_d9(vm, 16, 0xFC, r, 1);				/* FRNDINT */
	assert_st(&vm->fpu, 0, nearbyintl(2.5L));
	run_d9(vm, 64, 0xF4, &x, 1);				/* FXTRACT */
	assert_st(&vm->fpu, 0, 1.5L);
	assert_st(&vm->fpu, 1, 3.0L);
	run_d9(vm, 64, 0xF6, r, 2);				/* FDECSTP */
	assert_int_equal(fpu_top(&vm->fpu), 5);
	assert_int_equal(vm->fpu.ftwx, 0xC0);
	run_d9(vm, 64, 0xF7, r, 2);				/* FINCSTP */
	assert_int_equal(fpu_top(&vm->fpu), 7);
	run_d9(vm, 64, 0xD0, r, 2);				/* FNOP */
	assert_int_equal(fpu_top(&vm->fpu), 6);
	assert_st(&vm->fpu, 1, 1.0L);

	/* FFREE ST(1): only its tag goes (physical register 7). */
	vm_long(vm);
	fpu_push(&vm->fpu, 1.0L);
	fpu_push(&vm->fpu, 2.0L);
	place(vm, (const uint8_t[]){ 0xDD, 0xC1 }, 2);
	run_ok(vm, 2, "ffree st(1)");
	assert_int_equal(vm->fpu.ftwx, 0x40);
	assert_int_equal(fpu_top(&vm->fpu), 6);
}

static void assert_close(long double got, long double want)
{
	if (!(fabsl(got - want) <= fabsl(want) * 1e-15L))
		fail_msg("%La is not close to %La", got, want);
}

/* Transcendentals: the host's own result, checked against libm. */
static void test_x87emu_transcendental_register_ops(void **state)
{
	struct vm *vm = *state;
	const long double v[2] = { 0.5L, 3.0L };	/* ST0, ST1 */

	run_d9(vm, 64, 0xFE, v, 1);				/* FSIN */
	assert_close(fpu_st(&vm->fpu, 0), sinl(0.5L));
	run_d9(vm, 64, 0xFF, v, 1);				/* FCOS */
	assert_close(fpu_st(&vm->fpu, 0), cosl(0.5L));
	run_d9(vm, 64, 0xFB, v, 1);				/* FSINCOS */
	assert_close(fpu_st(&vm->fpu, 0), cosl(0.5L));
	assert_close(fpu_st(&vm->fpu, 1), sinl(0.5L));
	run_d9(vm, 64, 0xF2, v, 1);				/* FPTAN */
	assert_st(&vm->fpu, 0, 1.0L);
	assert_close(fpu_st(&vm->fpu, 1), tanl(0.5L));
	run_d9(vm, 64, 0xF3, v, 2);				/* FPATAN */
	assert_close(fpu_st(&vm->fpu, 0), atan2l(3.0L, 0.5L));
	assert_int_equal(fpu_depth(&vm->fpu), 1);
	run_d9(vm, 64, 0xF1, v, 2);				/* FYL2X */
	assert_close(fpu_st(&vm->fpu, 0), 3.0L * log2l(0.5L));
	run_d9(vm, 64, 0xF9, v, 2);				/* FYL2XP1 */
	assert_close(fpu_st(&vm->fpu, 0), 3.0L * log2l(1.5L));
	run_d9(vm, 64, 0xF0, v, 1);				/* F2XM1 */
	assert_close(fpu_st(&vm->fpu, 0), exp2l(0.5L) - 1.0L);
	run_d9(vm, 64, 0xFA, v + 1, 1);				/* FSQRT */
	assert_st(&vm->fpu, 0, sqrtl(3.0L));
}

/* Every documented register form decodes and runs, in every mode. */
static void test_x87emu_every_register_form_every_mode(void **state)
{
	struct vm *vm = *state;
	unsigned ran = 0;

	for (unsigned mode = 16; mode <= 64; mode *= 2) {
		for (unsigned op = 0xD8; op <= 0xDF; op++) {
			for (unsigned m = 0xC0; m <= 0xFF; m++) {
				uint8_t insn[2] = { (uint8_t)op, (uint8_t)m };
				int rc;

				vm_mode(vm, mode);
				for (int i = 0; i < 7; i++)
					fpu_push(&vm->fpu, 1.0L + i);
				place(vm, insn, 2);
				rc = run(vm);
				if (rc == -ENOTSUP) {
					assert_int_equal(vm->rep.insn,
							 EMU_INSN_UNKNOWN);
					continue;
				}
				assert_int_equal(rc, 0);
				assert_int_equal(vm->rep.len, 2);
				assert_true(vm->rep.insn != EMU_INSN_UNKNOWN);
				ran++;
			}
		}
	}
	/* 345 documented register forms (see test_emu_decode). */
	assert_int_equal(ran, 3 * 345);
}

/* ---- control words, status word, MXCSR ---- */

static void test_x87emu_fldcw_fnstcw_every_form(void **state)
{
	struct vm *vm = *state;
	static const uint8_t d9[] = { 0xD9 };

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		const uint16_t cw = 0x0E7F;
		uint16_t got;

		vm_mode(vm, forms[i].mode);
		memcpy(vm->ram + DATA_GPA, &cw, 2);
		run_ok(vm, place_mem(vm, &forms[i], d9, 1, 5, DATA_GPA),
		       forms[i].name);
		assert_int_equal(vm->fpu.fcw, cw);
		assert_int_equal(vm->rep.insn, EMU_INSN_FLDCW);

		vm->fpu.fcw = 0x027F;
		run_ok(vm, place_mem(vm, &forms[i], d9, 1, 7, DATA_GPA + 2),
		       forms[i].name);
		memcpy(&got, vm->ram + DATA_GPA + 2, 2);
		assert_int_equal(got, 0x027F);
		assert_int_equal(vm->rep.insn, EMU_INSN_FNSTCW);
	}
}

static void test_x87emu_ldmxcsr_stmxcsr_every_form(void **state)
{
	struct vm *vm = *state;
	static const uint8_t ae[] = { 0x0F, 0xAE };

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		const uint32_t v = 0x9FC0; /* FTZ, DAZ, RC down, masks */
		uint32_t got;

		vm_mode(vm, forms[i].mode);
		memcpy(vm->ram + DATA_GPA, &v, 4);
		run_ok(vm, place_mem(vm, &forms[i], ae, 2, 2, DATA_GPA),
		       forms[i].name);
		assert_int_equal(vm->fpu.mxcsr, v);
		assert_int_equal(vm->rep.insn, EMU_INSN_LDMXCSR);

		vm->fpu.mxcsr = 0x1F81;
		run_ok(vm, place_mem(vm, &forms[i], ae, 2, 3, DATA_GPA + 4),
		       forms[i].name);
		memcpy(&got, vm->ram + DATA_GPA + 4, 4);
		assert_int_equal(got, 0x1F81);
		assert_int_equal(vm->rep.insn, EMU_INSN_STMXCSR);
	}
}

/* Reserved MXCSR bits make LDMXCSR #GP: refused, nothing changes. */
static void test_x87emu_ldmxcsr_reserved_bits_refused(void **state)
{
	struct vm *vm = *state;
	static const uint8_t ae[] = { 0x0F, 0xAE };
	const uint32_t bad = 0x00011F80;
	struct kvm_fpu before;

	vm_long(vm);
	memcpy(vm->ram + DATA_GPA, &bad, 4);
	place_mem(vm, &forms[F64_RAX_D8], ae, 2, 2, DATA_GPA);
	before = vm->fpu;
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 13);
	assert_int_equal(vm->rep.insn, EMU_INSN_LDMXCSR);
	assert_memory_equal(&vm->fpu, &before, sizeof(before));
	assert_int_equal(vm->regs.rip, CODE_GPA);
}

static void test_x87emu_fnstsw_ax_and_m16_fnclex_fninit(void **state)
{
	struct vm *vm = *state;
	static const uint8_t ax[] = { 0xDF, 0xE0 }, clex[] = { 0xDB, 0xE2 };
	static const uint8_t init[] = { 0xDB, 0xE3 }, dd[] = { 0xDD };
	uint16_t m;

	vm_real(vm);
	vm->regs.rax = 0x12345678;
	fpu_push(&vm->fpu, 1.0L);
	vm->fpu.fsw |= FSW_PE | 0x4000; /* PE and C3 */
	place(vm, ax, 2);
	run_ok(vm, 2, "fnstsw ax");
	assert_int_equal(vm->regs.rax, 0x12340000 | (7 << 11) | 0x4020);

	run_ok(vm, place_mem(vm, &forms[F16_BX_SI_D8], dd, 1, 7, DATA_GPA),
	       "fnstsw m16");
	memcpy(&m, vm->ram + DATA_GPA, 2);
	assert_int_equal(m, (7 << 11) | 0x4020);

	place(vm, clex, 2);
	run_ok(vm, 2, "fnclex");
	/* TOP kept, flags ES B cleared; C0-C3 are undefined (FCLEX). */
	assert_int_equal(vm->fpu.fsw & 0xB8FF, 7 << 11);

	vm->fpu.fcw = 0;
	place(vm, init, 2);
	run_ok(vm, 2, "fninit");
	assert_int_equal(vm->fpu.fcw, 0x37F);
	assert_int_equal(vm->fpu.fsw, 0);
	assert_int_equal(vm->fpu.ftwx, 0);
}

/* ---- FWAIT and unmasked exceptions ---- */

static void test_x87emu_fwait(void **state)
{
	struct vm *vm = *state;
	static const uint8_t wait[] = { 0x9B };

	vm_real(vm);
	place(vm, wait, 1);
	run_ok(vm, 1, "fwait");
	assert_int_equal(vm->rep.insn, EMU_INSN_FWAIT);

	/* Masked flags pending: no fault. */
	vm->fpu.fsw = FSW_ZE;
	place(vm, wait, 1);
	run_ok(vm, 1, "fwait masked");

	/* Unmasked ZE pending: #MF, nothing changes. */
	vm->fpu.fcw = 0x37B;
	vm->fpu.fsw = FSW_ZE | FSW_ES | 0x8000;
	place(vm, wait, 1);
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 16);
	assert_int_equal(vm->regs.rip, 0x102);
}

/*
 * FDIV by zero with ZE unmasked: the CPU leaves ST(0) alone and sets ZE
 * and ES (SDM Vol. 1 8.5.3); the next waiting instruction is refused with
 * #MF, a non-waiting one (FNSTSW) still runs.
 */
static void test_x87emu_unmasked_exception_defers_mf(void **state)
{
	struct vm *vm = *state;
	static const uint8_t fdiv[] = { 0xD8, 0xF1 }, fld1_[] = { 0xD9, 0xE8 };
	static const uint8_t fnstsw[] = { 0xDF, 0xE0 };
	struct kvm_fpu before;

	vm_long(vm);
	vm->fpu.fcw = 0x37B; /* ZM clear */
	fpu_push(&vm->fpu, 0.0L);
	fpu_push(&vm->fpu, 5.0L);
	place(vm, fdiv, 2);
	run_ok(vm, 2, "fdiv st,st(1)");
	assert_st(&vm->fpu, 0, 5.0L);
	assert_int_equal(vm->fpu.fsw & (FSW_ZE | FSW_ES), FSW_ZE | FSW_ES);

	place(vm, fld1_, 2);
	before = vm->fpu;
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 16);
	assert_memory_equal(&vm->fpu, &before, sizeof(before));

	place(vm, fnstsw, 2);
	run_ok(vm, 2, "fnstsw ax");
	assert_int_equal(vm->regs.rax & 0x85, FSW_ZE | FSW_ES);
}

/* An unmasked invalid FISTP leaves memory and the stack untouched. */
static void test_x87emu_unmasked_invalid_store_writes_nothing(void **state)
{
	struct vm *vm = *state;
	static const uint8_t db[] = { 0xDB };

	vm_long(vm);
	vm->fpu.fcw = 0x37E; /* IM clear */
	memset(vm->ram + DATA_GPA, 0x5A, 4);
	fpu_push(&vm->fpu, 1e30L);
	vm->writes = 0;
	run_ok(vm, place_mem(vm, &forms[F64_RAX_D8], db, 1, 3, DATA_GPA),
	       "fistp m32");
	assert_int_equal(vm->writes, 0);
	assert_int_equal(vm->ram[DATA_GPA], 0x5A);
	assert_int_equal(fpu_depth(&vm->fpu), 1);
	assert_int_equal(vm->fpu.fsw & (FSW_IE | FSW_ES), FSW_IE | FSW_ES);
}

static void test_x87emu_device_not_available(void **state)
{
	struct vm *vm = *state;
	static const uint8_t fld1_[] = { 0xD9, 0xE8 }, wait[] = { 0x9B };
	static const uint8_t ldm[] = { 0x0F, 0xAE, 0x10 };

	vm_long(vm);
	vm->sregs.cr0 |= CR0_TS;
	place(vm, fld1_, 2);
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 7);

	vm_long(vm);
	vm->sregs.cr0 |= CR0_EM;
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 7);

	place(vm, ldm, 3);
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 6);
	vm_long(vm);
	vm->sregs.cr4 &= ~CR4_OSFXSR;
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 6);

	/* FWAIT faults on TS only together with MP (SDM Vol. 3A 2.5). */
	vm_long(vm);
	vm->sregs.cr0 |= CR0_TS;
	place(vm, wait, 1);
	run_ok(vm, 1, "fwait ts");
	vm->sregs.cr0 |= CR0_MP;
	place(vm, wait, 1);
	assert_int_equal(run(vm), -ENOTSUP);
	assert_int_equal(vm->rep.vector, 7);
}

/*
 * FOP, FIP and FDP name the guest's instruction, never the host stub
 * (SDM Vol. 1 8.1.8-8.1.9).  Without an exception a CPU may leave them
 * alone (FOP compatibility mode off, FDP_EXCPTN_ONLY); with an unmasked
 * one it always records them.
 */
static void test_x87emu_last_instruction_pointers(void **state)
{
	struct vm *vm = *state;
	static const uint8_t dd[] = { 0xDD }, dc[] = { 0xDC };
	const double zero = 0.0;

	vm_long(vm);
	vm->fpu.last_ip = 0x1111;
	vm->fpu.last_dp = 0x2222;
	vm->fpu.last_opcode = 0x333;
	fpu_push(&vm->fpu, 1.0L);
	run_ok(vm, place_mem(vm, &forms[F64_RAX_D8], dd, 1, 2, DATA_GPA),
	       "fst m64");
	/* AMD's FXSAVE stores zeros for all three while ES is clear. */
	assert_true(vm->fpu.last_ip == CODE_GPA || vm->fpu.last_ip == 0x1111 ||
		    vm->fpu.last_ip == 0);
	assert_true(vm->fpu.last_opcode == 0x550 ||
		    vm->fpu.last_opcode == 0x333 || vm->fpu.last_opcode == 0);
	assert_true(vm->fpu.last_dp == DATA_GPA || vm->fpu.last_dp == 0x2222 ||
		    vm->fpu.last_dp == 0);

	vm_long(vm);
	vm->fpu.fcw = 0x37B; /* ZM clear */
	memcpy(vm->ram + DATA_GPA + 0x40, &zero, 8);
	fpu_push(&vm->fpu, 1.0L);
	run_ok(vm, place_mem(vm, &forms[F64_GS_RBX], dc, 1, 6,
			     DATA_GPA + 0x40), "fdiv m64");
	assert_int_equal(vm->fpu.fsw & (FSW_ZE | FSW_ES), FSW_ZE | FSW_ES);
	assert_int_equal(vm->fpu.last_ip, CODE_GPA);
	assert_int_equal(vm->fpu.last_opcode, 0x433); /* DC 33 */
	/* FDP is the offset within GS, not the linear address. */
	assert_int_equal(vm->fpu.last_dp, DATA_GPA + 0x40 - GS_BASE);
}

/* ---- refused instructions ---- */

static void test_x87emu_unknown_instructions_reported(void **state)
{
	struct vm *vm = *state;
	const struct { uint8_t b[5]; unsigned n; } cases[] = {
		{ { 0x0F, 0x0B }, 2 },			/* ud2 */
		{ { 0x90 }, 1 },			/* nop */
		{ { 0xD9, 0xD1 }, 2 },			/* undefined */
		{ { 0xD9, 0xD8 }, 2 },			/* fstp1 alias */
		{ { 0xDF, 0xC0 }, 2 },			/* ffreep */
		{ { 0xDB, 0xE4 }, 2 },			/* fnsetpm */
		{ { 0xD9, 0x20 }, 2 },			/* fldenv */
		{ { 0xDD, 0x30 }, 2 },			/* fnsave */
		{ { 0xD9, 0x08 }, 2 },			/* D9 /1 */
		{ { 0xF0, 0xD9, 0x00 }, 3 },		/* lock fld */
		{ { 0xF3, 0xD9, 0xE8 }, 3 },		/* rep fld1 */
		{ { 0x0F, 0xAE, 0xF8 }, 3 },		/* sfence */
		{ { 0x0F, 0xAE, 0x00 }, 3 },		/* fxsave */
		{ { 0x66, 0x0F, 0xAE, 0x10 }, 4 },	/* 66 ldmxcsr */
		{ { 0xC5, 0xF8, 0xAE, 0x10 }, 4 },	/* vldmxcsr */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_regs regs;
		struct kvm_fpu fpu;

		vm_long(vm);
		fpu_push(&vm->fpu, 1.0L);
		place(vm, cases[i].b, cases[i].n);
		regs = vm->regs;
		fpu = vm->fpu;
		vm->writes = 0;
		assert_int_equal(run(vm), -ENOTSUP);
		assert_memory_equal(&vm->regs, &regs, sizeof(regs));
		assert_memory_equal(&vm->fpu, &fpu, sizeof(fpu));
		assert_int_equal(vm->writes, 0);
		assert_int_equal(vm->rep.rip, CODE_GPA);
		assert_int_equal(vm->rep.mode_bits, 64);
		assert_true(vm->rep.len >= cases[i].n);
		assert_memory_equal(vm->rep.bytes, cases[i].b, cases[i].n);
		assert_true(strlen(vm->rep.why) > 0);
		assert_int_equal(vm->rep.insn, EMU_INSN_UNKNOWN);
	}
}

/* ---- faults ---- */

static void assert_unchanged_fault(struct vm *vm, int want)
{
	struct kvm_regs regs = vm->regs;
	struct kvm_fpu fpu = vm->fpu;

	vm->writes = 0;
	assert_int_equal(run(vm), want);
	assert_memory_equal(&vm->regs, &regs, sizeof(regs));
	assert_memory_equal(&vm->fpu, &fpu, sizeof(fpu));
	assert_int_equal(vm->writes, 0);
}

static void test_x87emu_operand_page_not_present(void **state)
{
	struct vm *vm = *state;
	static const uint8_t dd[] = { 0xDD };

	vm_long(vm);
	fpu_push(&vm->fpu, 2.0L);
	put64(vm, PT_GPA + 8 * (DATA_GPA >> 12), 0);
	place_mem(vm, &forms[F64_RAX_D8], dd, 1, 3, DATA_GPA);
	assert_unchanged_fault(vm, -EFAULT);
	assert_int_equal(vm->rep.vector, 14);
	assert_int_equal(vm->rep.insn, EMU_INSN_FSTP_M64);
}

static void test_x87emu_operand_outside_ram(void **state)
{
	struct vm *vm = *state;
	static const uint8_t dd[] = { 0xDD };

	vm_prot32(vm);
	fpu_push(&vm->fpu, 2.0L);
	place_mem(vm, &forms[F32_D32], dd, 1, 0, 0xFED00000);
	assert_unchanged_fault(vm, -EFAULT);

	vm_prot32(vm);
	fpu_push(&vm->fpu, 2.0L);
	vm->read_hole_lo = DATA_GPA, vm->read_hole_hi = DATA_GPA + 0x1000;
	place_mem(vm, &forms[F32_D32], dd, 1, 3, DATA_GPA);
	assert_unchanged_fault(vm, -EFAULT);
	vm->read_hole_lo = vm->read_hole_hi = 0;
}

static void test_x87emu_store_to_readonly_page_with_wp(void **state)
{
	struct vm *vm = *state;
	static const uint8_t dd[] = { 0xDD };

	vm_long(vm);
	fpu_push(&vm->fpu, 2.0L);
	put64(vm, PT_GPA + 8 * (DATA_GPA >> 12), DATA_GPA | PTE_P);
	place_mem(vm, &forms[F64_RAX_D8], dd, 1, 3, DATA_GPA);
	assert_unchanged_fault(vm, -EFAULT);

	/* A load from it is fine; with CR0.WP clear so is the store. */
	vm->sregs.cr0 &= ~CR0_WP;
	run_ok(vm, 3, "fstp m64, wp=0");
	assert_int_equal(fpu_depth(&vm->fpu), 0);
}

/* A store split over two pages: second page absent, first untouched. */
static void test_x87emu_split_store_is_all_or_nothing(void **state)
{
	struct vm *vm = *state;
	static const uint8_t dd[] = { 0xDD };
	const uint64_t target = DATA_GPA + 0x1000 - 3;
	uint8_t first[3];
	double got, v = 1.0 / 7.0;

	vm_long(vm);
	memset(vm->ram + target, 0x77, 8);
	memcpy(first, vm->ram + target, 3);
	fpu_push(&vm->fpu, v);
	put64(vm, PT_GPA + 8 * ((DATA_GPA >> 12) + 1), 0);
	place_mem(vm, &forms[F64_RAX_D8], dd, 1, 3, target);
	assert_unchanged_fault(vm, -EFAULT);
	assert_memory_equal(vm->ram + target, first, 3);

	/* Second page writes fail in emu_mem: the first piece is undone. */
	build_long_tables(vm);
	vm->write_hole_lo = DATA_GPA + 0x1000;
	vm->write_hole_hi = DATA_GPA + 0x2000;
	assert_int_equal(run(vm), -EFAULT);
	assert_memory_equal(vm->ram + target, first, 3);
	assert_int_equal(fpu_depth(&vm->fpu), 1);
	vm->write_hole_lo = vm->write_hole_hi = 0;

	/* Both pages fine, mapped to non-adjacent frames: bytes land split. */
	put64(vm, PT_GPA + 8 * ((DATA_GPA >> 12) + 1), 0x40000 | PTE_P | PTE_RW);
	run_ok(vm, 3, "split fstp m64");
	memcpy(&got, vm->ram + target, 3);
	memcpy((uint8_t *)&got + 3, vm->ram + 0x40000, 5);
	assert_memory_equal(&got, &v, 8);
}

static void test_x87emu_fetch_faults(void **state)
{
	struct vm *vm = *state;
	static const uint8_t fld[] = { 0xDD, 0x80 }; /* needs disp32 */

	/* RIP on a non-present page. */
	vm_long(vm);
	put64(vm, PT_GPA + 8 * (CODE_GPA >> 12), 0);
	assert_unchanged_fault(vm, -EFAULT);
	assert_int_equal(vm->rep.len, 0);

	/* Instruction runs into a non-present page. */
	vm_long(vm);
	vm->regs.rip = CODE_GPA + 0x1000 - 2;
	place(vm, fld, 2);
	put64(vm, PT_GPA + 8 * ((CODE_GPA >> 12) + 1), 0);
	assert_unchanged_fault(vm, -EFAULT);
	assert_int_equal(vm->rep.len, 2);
	assert_memory_equal(vm->rep.bytes, fld, 2);
}

/* Instruction split over two pages that map to non-adjacent frames. */
static void test_x87emu_fetch_across_pages(void **state)
{
	struct vm *vm = *state;
	static const uint8_t fld_abs[] = { 0xDD, 0x04, 0x25 };
	const uint32_t disp = DATA_GPA;
	const double d = 42.5;

	vm_long(vm);
	vm->regs.rip = CODE_GPA + 0x1000 - 3;
	place(vm, fld_abs, 3);
	put64(vm, PT_GPA + 8 * ((CODE_GPA >> 12) + 1), 0x50000 | PTE_P);
	memcpy(vm->ram + 0x50000, &disp, 4);
	memcpy(vm->ram + DATA_GPA, &d, 8);
	run_ok(vm, 7, "fld across pages");
	assert_st(&vm->fpu, 0, 42.5L);
}

/* Real-mode offsets wrap at 64 KiB; the limit check still applies. */
static void test_x87emu_real_mode_wrap_and_limit(void **state)
{
	struct vm *vm = *state;
	static const uint8_t fld[] = { 0xD9, 0x47, 0x10 }; /* [bx+0x10] */
	const float f = 9.5f;

	vm_real(vm);
	vm->regs.rbx = 0xFFF8; /* 0xFFF8 + 0x10 wraps to 0x0008 */
	memcpy(vm->ram + REAL_DS_BASE + 8, &f, 4);
	place(vm, fld, 3);
	run_ok(vm, 3, "wrapped fld");
	assert_st(&vm->fpu, 0, (long double)f);

	vm_real(vm);
	vm->regs.rbx = 0xFFFE - 0x10; /* 4 bytes at 0xFFFE pass the limit */
	assert_unchanged_fault(vm, -EFAULT);
	assert_int_equal(vm->rep.vector, 13);
}

static void test_x87emu_null_arguments(void **state)
{
	struct vm *vm = *state;

	vm_long(vm);
	assert_int_equal(emu_fixup(NULL, &vm->regs, &vm->sregs, &vm->fpu,
				   NULL), -EINVAL);
	assert_int_equal(emu_fixup(&vm->mem, NULL, &vm->sregs, &vm->fpu,
				   NULL), -EINVAL);
	assert_int_equal(emu_fixup(&vm->mem, &vm->regs, &vm->sregs, NULL,
				   NULL), -EINVAL);
	/* A NULL report is allowed. */
	place(vm, (const uint8_t[]){ 0xD9, 0xEE }, 2);
	assert_int_equal(emu_fixup(&vm->mem, &vm->regs, &vm->sregs, &vm->fpu,
				   NULL), 0);
	assert_int_equal(vm->regs.rip, CODE_GPA + 2);
}

static void test_x87emu_insn_names(void **state)
{
	(void)state;
	assert_string_equal(emu_insn_name(EMU_INSN_FWAIT), "fwait");
	assert_string_equal(emu_insn_name(EMU_INSN_FMUL_M32), "fmul m32");
	assert_string_equal(emu_insn_name(EMU_INSN_FISUBR_M16), "fisubr m16");
	assert_string_equal(emu_insn_name(EMU_INSN_COUNT), "(invalid)");
	assert_string_equal(emu_insn_name(-1), "(invalid)");
	for (int i = 0; i < EMU_INSN_COUNT; i++)
		assert_non_null(emu_insn_name(i));
}

#define T(name) cmocka_unit_test_setup_teardown(name, vm_setup, vm_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_x87emu_fld_m32_m64_m80_every_form),
		T(test_x87emu_fild_m16_m32_m64_every_form),
		T(test_x87emu_fld_m64_edge_values),
		T(test_x87emu_store_forms_every_mode),
		T(test_x87emu_fistp_overflow_integer_indefinite),
		T(test_x87emu_rounding_modes_from_fcw),
		T(test_x87emu_arith_memory_forms),
		T(test_x87emu_arith_register_forms),
		T(test_x87emu_fmul_precision_control_double),
		T(test_x87emu_fcomi_family_flags),
		T(test_x87emu_fcmovcc_each_condition),
		T(test_x87emu_fcom_memory_sets_condition_codes),
		T(test_x87emu_constants_and_unary),
		T(test_x87emu_fxch_fld_sti_fstp_sti),
		T(test_x87emu_ftst_fxam_classes),
		T(test_x87emu_load_constants),
		T(test_x87emu_exact_register_ops),
		T(test_x87emu_transcendental_register_ops),
		T(test_x87emu_every_register_form_every_mode),
		T(test_x87emu_fldcw_fnstcw_every_form),
		T(test_x87emu_ldmxcsr_stmxcsr_every_form),
		T(test_x87emu_ldmxcsr_reserved_bits_refused),
		T(test_x87emu_fnstsw_ax_and_m16_fnclex_fninit),
		T(test_x87emu_fwait),
		T(test_x87emu_unmasked_exception_defers_mf),
		T(test_x87emu_unmasked_invalid_store_writes_nothing),
		T(test_x87emu_device_not_available),
		T(test_x87emu_last_instruction_pointers),
		T(test_x87emu_unknown_instructions_reported),
		T(test_x87emu_operand_page_not_present),
		T(test_x87emu_operand_outside_ram),
		T(test_x87emu_store_to_readonly_page_with_wp),
		T(test_x87emu_split_store_is_all_or_nothing),
		T(test_x87emu_fetch_faults),
		T(test_x87emu_fetch_across_pages),
		T(test_x87emu_real_mode_wrap_and_limit),
		T(test_x87emu_null_arguments),
		T(test_x87emu_insn_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
