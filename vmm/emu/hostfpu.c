// SPDX-License-Identifier: Apache-2.0
/*
 * Run one guest x87 or MXCSR instruction on the host CPU.
 *
 * The guest's struct kvm_fpu is laid out as a 64-bit FXSAVE image (Intel
 * SDM Vol. 1 10.5.1, Table 10-2), loaded with FXRSTOR64, the instruction
 * is executed from a stub with its memory operand at a host buffer, and
 * the result is taken back with FXSAVE64.  The host's own x87/SSE state
 * is saved before and restored after, so the compiler-visible FPU state
 * (FCW and MXCSR control bits are callee-saved in the SysV ABI) survives.
 *
 * Unmasked exceptions.  The instruction runs with the guest's own FCW, so
 * an unmasked exception behaves exactly as on the guest: the processor
 * sets the flag, ES and B, leaves the destination as the SDM specifies
 * (Vol. 1 8.5) and defers #MF to the next waiting x87 instruction (8.6).
 * Nothing waits on the host: the stub returns, FXSAVE and FXRSTOR are
 * non-waiting, and the host image restored last has no pending exception.
 * The one way to get SIGFPE would be a waiting instruction started while
 * the guest image already has a pending unmasked exception; emu.c refuses
 * those (the guest takes #MF there) before calling in here.
 *
 * The stubs are built by the assembler: one 8-byte entry per encoding,
 * ENDBR64 (for IBT), the 2- or 3-byte instruction, RET.  Register forms
 * are the guest's own bytes; memory forms use ModRM mod=00 rm=010 so the
 * operand is [RDX].  Only encodings the decoder whitelisted are called.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "vmm/emu/emu_priv.h"

/* FXSAVE64 image (SDM Vol. 1 Table 10-2, REX.W form). */
struct fxsave64 {
	uint16_t fcw;
	uint16_t fsw;
	uint8_t ftw;		/* abridged tag byte */
	uint8_t reserved1;
	uint16_t fop;
	uint64_t fip;
	uint64_t fdp;
	uint32_t mxcsr;
	uint32_t mxcsr_mask;
	uint8_t st[8][16];
	uint8_t xmm[16][16];
	uint8_t reserved2[96];
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct fxsave64) == 512, "FXSAVE area is 512 bytes");
_Static_assert(offsetof(struct fxsave64, mxcsr) == 24, "MXCSR at 24");
_Static_assert(offsetof(struct fxsave64, st) == 32, "ST0 at 32");
_Static_assert(offsetof(struct fxsave64, xmm) == 160, "XMM0 at 160");

#define STUB_SIZE	8
#define STUB_REG(op, modrm) (((op) - 0xD8) * 64 + ((modrm) - 0xC0))
#define STUB_MEM(op, reg)   (512 + ((op) - 0xD8) * 8 + (reg))
#define STUB_LDMXCSR	576
#define STUB_STMXCSR	577
#define STUB_COUNT	578

/*
 * FIP/FDP/FOP values the host can never produce: address 1 holds neither
 * the stubs nor the operand buffer, and a FOP has 11 bits.
 */
#define SENTINEL_PTR	1ULL
#define SENTINEL_FOP	0xFFFF

/*
 * void emu_hostfpu_run(struct fxsave64 *guest, const void *stub,
 *                      void *operand, uint64_t *rflags);
 * SysV: rdi, rsi, rdx (left in place for the stub), rcx.
 */
void emu_hostfpu_run(struct fxsave64 *guest, const void *stub, void *operand,
		     uint64_t *rflags);
extern const uint8_t emu_hostfpu_stubs[STUB_COUNT * STUB_SIZE];

__asm__(
	".pushsection .text, \"ax\", @progbits\n"
	".balign 16\n"
	".globl emu_hostfpu_run\n"
	".hidden emu_hostfpu_run\n"
	".type emu_hostfpu_run, @function\n"
	"emu_hostfpu_run:\n"
	"	.byte 0xf3, 0x0f, 0x1e, 0xfa\n"	/* endbr64 */
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	sub $512, %rsp\n"
	"	and $-16, %rsp\n"
	"	fxsave64 (%rsp)\n"		/* host state */
	/* Guest CF PF AF ZF SF OF for FCMOVcc; the rest stays the host's. */
	"	pushfq\n"
	"	pop %rax\n"
	"	and $~0x8d5, %rax\n"
	"	mov (%rcx), %r8\n"
	"	and $0x8d5, %r8\n"
	"	or %r8, %rax\n"
	"	push %rax\n"
	"	popfq\n"
	"	fxrstor64 (%rdi)\n"
	"	call *%rsi\n"
	"	fxsave64 (%rdi)\n"
	"	pushfq\n"
	"	pop %rax\n"
	"	mov %rax, (%rcx)\n"
	"	fxrstor64 (%rsp)\n"
	"	leave\n"
	"	ret\n"
	".size emu_hostfpu_run, . - emu_hostfpu_run\n"
	"\n"
	".balign 16\n"
	".globl emu_hostfpu_stubs\n"
	".hidden emu_hostfpu_stubs\n"
	".type emu_hostfpu_stubs, @object\n"
	"emu_hostfpu_stubs:\n"
	/* Register forms: D8..DF x ModRM C0..FF. */
	".set emu_stub_op, 0xd8\n"
	".rept 8\n"
	"  .set emu_stub_modrm, 0xc0\n"
	"  .rept 64\n"
	"    .byte 0xf3, 0x0f, 0x1e, 0xfa, emu_stub_op, emu_stub_modrm, 0xc3, 0xcc\n"
	"    .set emu_stub_modrm, emu_stub_modrm + 1\n"
	"  .endr\n"
	"  .set emu_stub_op, emu_stub_op + 1\n"
	".endr\n"
	/* Memory forms: D8..DF x reg 0..7, operand [rdx]. */
	".set emu_stub_op, 0xd8\n"
	".rept 8\n"
	"  .set emu_stub_modrm, 0x02\n"
	"  .rept 8\n"
	"    .byte 0xf3, 0x0f, 0x1e, 0xfa, emu_stub_op, emu_stub_modrm, 0xc3, 0xcc\n"
	"    .set emu_stub_modrm, emu_stub_modrm + 8\n"
	"  .endr\n"
	"  .set emu_stub_op, emu_stub_op + 1\n"
	".endr\n"
	/* ldmxcsr (%rdx); stmxcsr (%rdx). */
	".byte 0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0xae, 0x12, 0xc3\n"
	".byte 0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0xae, 0x1a, 0xc3\n"
	".size emu_hostfpu_stubs, . - emu_hostfpu_stubs\n"
	".popsection\n");

/* The stub of (op, modrm), or -1 when it has none. */
static int stub_index(uint8_t op, uint8_t modrm)
{
	int reg = (modrm >> 3) & 7;

	if (op == 0xAE) {
		if (modrm >= 0xC0 || (reg != 2 && reg != 3))
			return -1;
		return reg == 2 ? STUB_LDMXCSR : STUB_STMXCSR;
	}
	if (op < 0xD8 || op > 0xDF)
		return -1;
	return modrm >= 0xC0 ? STUB_REG(op, modrm) : STUB_MEM(op, reg);
}

uint32_t emu_hostfpu_mxcsr_mask(void)
{
	struct fxsave64 img;

	__asm__ volatile("fxsave64 %0" : "=m"(img));
	/* A zero MXCSR_MASK means the default 0xFFBF (SDM Vol. 1 11.6.6). */
	return img.mxcsr_mask ? img.mxcsr_mask : 0xFFBF;
}

static void image_from_fpu(struct fxsave64 *img, const struct kvm_fpu *fpu)
{
	memset(img, 0, sizeof(*img));
	img->fcw = fpu->fcw;
	img->fsw = fpu->fsw;
	img->ftw = fpu->ftwx;
	img->fop = SENTINEL_FOP;
	img->fip = SENTINEL_PTR;
	img->fdp = SENTINEL_PTR;
	img->mxcsr = fpu->mxcsr;
	memcpy(img->st, fpu->fpr, sizeof(img->st));
	/* XMM registers stay zero: nothing emulated here reads them. */
}

/*
 * A last-instruction pointer the host left as it was keeps the guest's
 * old value (the CPU did not update it, e.g. FDP on CPUs that record it
 * only on unmasked exceptions); a cleared one (FNINIT) stays 0; any other
 * is the host's stub or buffer and becomes the guest's own.
 */
static uint64_t guest_pointer(uint64_t host, uint64_t sentinel,
			      uint64_t old, uint64_t guest)
{
	if (host == sentinel)
		return old;
	return host == 0 ? 0 : guest;
}

static void fpu_from_image(struct kvm_fpu *fpu, const struct fxsave64 *img,
			   const struct emu_x87_last *last)
{
	fpu->fcw = img->fcw;
	fpu->fsw = img->fsw;
	fpu->ftwx = img->ftw;
	fpu->last_opcode = (uint16_t)guest_pointer(img->fop, SENTINEL_FOP,
						   fpu->last_opcode, last->fop);
	fpu->last_ip = guest_pointer(img->fip, SENTINEL_PTR, fpu->last_ip,
				     last->ip);
	fpu->last_dp = guest_pointer(img->fdp, SENTINEL_PTR, fpu->last_dp,
				     last->dp);
	fpu->mxcsr = img->mxcsr;
	memcpy(fpu->fpr, img->st, sizeof(fpu->fpr));
}

int emu_hostfpu_exec(uint8_t op, uint8_t modrm, struct kvm_fpu *fpu,
		     uint64_t *rflags, uint8_t operand[16],
		     const struct emu_x87_last *last)
{
	struct fxsave64 img;
	int idx = stub_index(op, modrm);

	if (idx < 0)
		return -ENOTSUP;
	/* FXRSTOR would #GP on reserved MXCSR bits (SDM Vol. 1 10.5.1.1). */
	if (fpu->mxcsr & ~emu_hostfpu_mxcsr_mask())
		return -EINVAL;
	image_from_fpu(&img, fpu);
	emu_hostfpu_run(&img, &emu_hostfpu_stubs[(size_t)idx * STUB_SIZE],
			operand, rflags);
	fpu_from_image(fpu, &img, last);
	return 0;
}
