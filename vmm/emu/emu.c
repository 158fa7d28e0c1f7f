// SPDX-License-Identifier: Apache-2.0
/*
 * emu_fixup(): fetch, decode, check, execute, commit.
 *
 * Order matters for "all or nothing": everything that can fail (fetch,
 * decode, the #NM/#UD/#MF checks, segment and page translation of the
 * operand, reading it) happens before anything changes; the memory store
 * is the last fallible step and undoes itself; registers and the FPU
 * state are committed only after it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/emu/emu_priv.h"

#define FSW_EXCEPTIONS	0x3F		/* IE DE ZE OE UE PE */
#define FSW_ES		(1u << 7)	/* error summary (SDM Vol. 1 8.1.3) */
#define MODRM_FNSTSW_M16	0x38		/* ModRM of DD /7 [rax]: FNSTSW m16 */

int emu_fail(struct emu_ctx *ctx, int err, int vector, const char *fmt, ...)
{
	va_list ap;

	ctx->rep->vector = vector;
	va_start(ap, fmt);
	vsnprintf(ctx->rep->why, sizeof(ctx->rep->why), fmt, ap);
	va_end(ap);
	return err;
}

static void report_init(struct emu_report *rep, const struct kvm_regs *regs,
			unsigned mode)
{
	memset(rep, 0, sizeof(*rep));
	rep->rip = regs->rip;
	rep->mode_bits = mode;
	rep->insn = EMU_INSN_UNKNOWN;
	rep->vector = EMU_VEC_NONE;
}

/*
 * A waiting x87 instruction with an unmasked exception pending takes #MF
 * before it executes (SDM Vol. 1 8.6).  ES is tested as well, so the host
 * never starts a waiting instruction that could raise SIGFPE.
 */
static bool x87_pending(const struct kvm_fpu *fpu)
{
	return (fpu->fsw & FSW_ES) ||
	       (fpu->fsw & ~fpu->fcw & FSW_EXCEPTIONS);
}

/* CR0.EM/TS/MP and CR4.OSFXSR (SDM Vol. 3A 2.5, Table 2-2; 13.1.4). */
static int check_device(struct emu_ctx *ctx, unsigned flags)
{
	uint64_t cr0 = ctx->sregs->cr0;

	if (flags & EMU_F_WAIT) {
		if ((cr0 & EMU_CR0_TS) && (cr0 & EMU_CR0_MP))
			return emu_fail(ctx, -ENOTSUP, EMU_VEC_NM,
					"FWAIT with CR0.TS and CR0.MP set (#NM)");
		return 0;
	}
	if (flags & EMU_F_SSE) {
		if ((cr0 & EMU_CR0_EM) ||
		    !(ctx->sregs->cr4 & EMU_CR4_OSFXSR))
			return emu_fail(ctx, -ENOTSUP, EMU_VEC_UD,
					"MXCSR access with CR0.EM set or "
					"CR4.OSFXSR clear (#UD)");
	} else if (cr0 & EMU_CR0_EM) {
		return emu_fail(ctx, -ENOTSUP, EMU_VEC_NM,
				"x87 instruction with CR0.EM set (#NM)");
	}
	if (cr0 & EMU_CR0_TS)
		return emu_fail(ctx, -ENOTSUP, EMU_VEC_NM,
				"FPU instruction with CR0.TS set (#NM)");
	return 0;
}

static int check_pending(struct emu_ctx *ctx, const struct kvm_fpu *fpu,
			 unsigned flags)
{
	if ((flags & (EMU_F_NOWAIT | EMU_F_SSE)) || !x87_pending(fpu))
		return 0;
	return emu_fail(ctx, -ENOTSUP, EMU_VEC_MF,
			"pending unmasked x87 exception, FSW %#06x FCW %#06x "
			"(#MF)", fpu->fsw, fpu->fcw);
}

static uint64_t next_rip(unsigned mode, uint64_t rip, unsigned len)
{
	if (mode == 64)
		return rip + len;
	if (mode == 32)
		return (uint32_t)(rip + len);
	return (rip + len) & 0xFFFF;
}

/* The memory operand: translated, and its current bytes read. */
struct operand {
	struct emu_access_map map;
	uint8_t buf[16];
	uint8_t old[16];
};

static int operand_load(struct emu_ctx *ctx, const struct emu_decoded *dec,
			struct operand *op)
{
	enum emu_access acc = dec->mem_store ? EMU_ACC_WRITE : EMU_ACC_READ;
	uint64_t lin;
	int rc;

	if (!dec->has_mem)
		return 0;
	rc = emu_linear(ctx, dec->seg, dec->ea, dec->mem_size, acc, &lin);
	if (rc == 0)
		rc = emu_map(ctx, lin, dec->mem_size, acc, &op->map);
	/* A store reads first too: see operand_store(). */
	if (rc == 0)
		rc = emu_map_read(ctx, &op->map, op->buf);
	memcpy(op->old, op->buf, sizeof(op->old));
	return rc;
}

/*
 * With an unmasked exception the CPU may leave a memory destination
 * unwritten (SDM Vol. 1 4.9.2, 8.5); the host buffer then still holds the
 * old bytes, and the guest's memory is left alone.
 */
static int operand_store(struct emu_ctx *ctx, const struct emu_decoded *dec,
			 const struct operand *op, bool raised)
{
	if (!dec->has_mem || !dec->mem_store)
		return 0;
	if (raised && memcmp(op->buf, op->old, dec->mem_size) == 0)
		return 0;
	return emu_map_write(ctx, &op->map, op->buf, op->old);
}

/* LDMXCSR with reserved bits set takes #GP(0) (SDM Vol. 2A LDMXCSR). */
static int check_ldmxcsr(struct emu_ctx *ctx, const struct emu_decoded *dec,
			 const uint8_t *buf)
{
	uint32_t v = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
		     (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;

	if (dec->insn != EMU_INSN_LDMXCSR || !(v & ~emu_hostfpu_mxcsr_mask()))
		return 0;
	return emu_fail(ctx, -ENOTSUP, EMU_VEC_GP,
			"LDMXCSR %#x sets reserved bits (#GP)", v);
}

static int run_on_host(struct emu_ctx *ctx, const struct emu_decoded *dec,
		       const struct kvm_regs *regs, struct kvm_fpu *fpu,
		       uint64_t *rflags, uint8_t *buf)
{
	struct emu_x87_last last = {
		.ip = regs->rip,
		.dp = dec->ea,
		.fop = (uint16_t)(((dec->op & 7) << 8) | dec->modrm),
	};
	bool to_ax = emu_insn_flags(dec->insn) & EMU_F_AX_OUT;
	/* FNSTSW AX runs as FNSTSW m16 so the value lands in (buf). */
	int rc = emu_hostfpu_exec(to_ax ? 0xDD : dec->op,
				  to_ax ? MODRM_FNSTSW_M16 : dec->modrm, fpu,
				  rflags, buf, &last);

	if (rc == -EINVAL)
		return emu_fail(ctx, -EINVAL, EMU_VEC_NONE,
				"guest MXCSR %#x has reserved bits set",
				fpu->mxcsr);
	if (rc != 0)
		return emu_fail(ctx, rc, EMU_VEC_NONE,
				"no host stub for %02X %02X", dec->op,
				dec->modrm);
	return 0;
}

static void commit_regs(const struct emu_decoded *dec, struct kvm_regs *regs,
			uint64_t host_flags, const uint8_t *buf, unsigned mode)
{
	unsigned flags = emu_insn_flags(dec->insn);

	/* FCOMI & co. set ZF PF CF and clear OF SF AF (SDM Vol. 2A). */
	if (flags & EMU_F_FLAGS_OUT)
		regs->rflags = (regs->rflags & ~EMU_RFLAGS_ARITH) |
			       (host_flags & EMU_RFLAGS_ARITH);
	if (flags & EMU_F_AX_OUT)
		regs->rax = (regs->rax & ~0xFFFFULL) | buf[0] |
			    (uint64_t)buf[1] << 8;
	regs->rip = next_rip(mode, regs->rip, dec->len);
}

static int execute(struct emu_ctx *ctx, const struct emu_decoded *dec,
		   struct kvm_regs *regs, struct kvm_fpu *fpu)
{
	struct operand op = { 0 };
	struct kvm_fpu next = *fpu;
	uint64_t host_flags = regs->rflags;
	bool raised;
	int rc;

	rc = operand_load(ctx, dec, &op);
	if (rc == 0)
		rc = check_ldmxcsr(ctx, dec, op.buf);
	if (rc == 0)
		rc = run_on_host(ctx, dec, regs, &next, &host_flags, op.buf);
	if (rc != 0)
		return rc;
	raised = (next.fsw & FSW_ES) && !(fpu->fsw & FSW_ES);
	rc = operand_store(ctx, dec, &op, raised);
	if (rc != 0)
		return rc;
	*fpu = next;
	commit_regs(dec, regs, host_flags, op.buf, ctx->mode);
	return 0;
}

static int fixup(struct emu_ctx *ctx, struct kvm_regs *regs,
		 struct kvm_fpu *fpu)
{
	struct emu_report *rep = ctx->rep;
	struct emu_decoded dec;
	unsigned flags;
	int rc;

	rc = emu_fetch(ctx, regs->rip, rep->bytes, &rep->len);
	if (rc == 0)
		rc = emu_decode(ctx, rep->bytes, rep->len, regs, &dec);
	if (rc != 0)
		return rc;
	rep->insn = dec.insn;
	rep->len = dec.len;
	flags = emu_insn_flags(dec.insn);
	rc = check_device(ctx, flags);
	if (rc == 0)
		rc = check_pending(ctx, fpu, flags);
	if (rc != 0)
		return rc;
	if (flags & EMU_F_WAIT) {
		regs->rip = next_rip(ctx->mode, regs->rip, dec.len);
		return 0;
	}
	return execute(ctx, &dec, regs, fpu);
}

int emu_fixup(const struct emu_mem *mem, struct kvm_regs *regs,
	      const struct kvm_sregs *sregs, struct kvm_fpu *fpu,
	      struct emu_report *rep)
{
	struct emu_report scratch;
	struct emu_ctx ctx;

	if (!mem || !mem->read || !mem->write || !regs || !sregs || !fpu)
		return -EINVAL;
	if (!rep)
		rep = &scratch;
	ctx = (struct emu_ctx){
		.mem = mem,
		.sregs = sregs,
		.rep = rep,
		.mode = emu_code_size(sregs, regs->rflags),
		.protected_mode = (sregs->cr0 & EMU_CR0_PE) &&
				  !(regs->rflags & EMU_RFLAGS_VM),
	};
	/* CPL is SS.DPL in protected mode; virtual-8086 code runs at 3. */
	ctx.user = (regs->rflags & EMU_RFLAGS_VM) ||
		   (ctx.protected_mode && sregs->ss.dpl == 3);
	report_init(rep, regs, ctx.mode);
	return fixup(&ctx, regs, fpu);
}
