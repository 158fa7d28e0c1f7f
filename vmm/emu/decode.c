// SPDX-License-Identifier: Apache-2.0
/*
 * Instruction decoding for the emulated set: legacy prefixes and REX
 * (Intel SDM Vol. 2A 2.1-2.2), ModRM and SIB with the 16-bit and 32/64-bit
 * addressing forms (Tables 2-1 to 2-3), RIP-relative addressing (2.2.1.6)
 * and the address-size override (3.6).  Nothing here touches memory.
 */
#include <errno.h>

#include "vmm/emu/emu_priv.h"

#define REX_B 0x1
#define REX_X 0x2

/* Registers in their encoding order (SDM Vol. 2A Table 2-2). */
enum { REG_BX = 3, REG_SP = 4, REG_BP = 5, REG_SI = 6, REG_DI = 7 };

/* Decoder cursor over the fetched bytes. */
struct cursor {
	struct emu_ctx *ctx;
	const uint8_t *bytes;
	unsigned avail;
	unsigned pos;
};

/* More bytes are needed than were fetched: why depends on why we stopped. */
static int ran_out(struct cursor *c)
{
	if (c->avail < EMU_INSN_MAX)
		return emu_fail(c->ctx, -EFAULT, EMU_VEC_PF,
				"instruction continues into an unreadable page");
	return emu_fail(c->ctx, -ENOTSUP, EMU_VEC_GP,
			"instruction longer than 15 bytes");
}

static int next_byte(struct cursor *c, uint8_t *b)
{
	if (c->pos >= c->avail)
		return ran_out(c);
	*b = c->bytes[c->pos++];
	return 0;
}

/* Little-endian displacement of (n) bytes, sign-extended to 64 bits. */
static int next_disp(struct cursor *c, unsigned n, uint64_t *disp)
{
	uint32_t v = 0;

	if (n > c->avail - c->pos)
		return ran_out(c);
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	if (n == 1)
		*disp = (uint64_t)(int64_t)(int8_t)v;
	else if (n == 2)
		*disp = (uint64_t)(int64_t)(int16_t)v;
	else
		*disp = (uint64_t)(int64_t)(int32_t)v;
	return 0;
}

static uint64_t gpr(const struct kvm_regs *r, unsigned n)
{
	const uint64_t v[16] = { r->rax, r->rcx, r->rdx, r->rbx, r->rsp,
				 r->rbp, r->rsi, r->rdi, r->r8,  r->r9,
				 r->r10, r->r11, r->r12, r->r13, r->r14,
				 r->r15 };

	return v[n & 15];
}

static bool segment_prefix(uint8_t b, enum emu_seg *seg)
{
	switch (b) {
	case 0x26: *seg = EMU_SEG_ES; return true;
	case 0x2E: *seg = EMU_SEG_CS; return true;
	case 0x36: *seg = EMU_SEG_SS; return true;
	case 0x3E: *seg = EMU_SEG_DS; return true;
	case 0x64: *seg = EMU_SEG_FS; return true;
	case 0x65: *seg = EMU_SEG_GS; return true;
	default: return false;
	}
}

/* Consume one legacy prefix; false at the first byte that is not one. */
static bool legacy_prefix(uint8_t b, struct emu_decoded *dec, bool *addr67,
			  bool *seg_override)
{
	if (segment_prefix(b, &dec->seg))
		*seg_override = true;
	else if (b == 0x66)
		dec->opsize_prefix = true;
	else if (b == 0x67)
		*addr67 = true;
	else if (b == 0xF2 || b == 0xF3)
		dec->rep_prefix = true;
	else
		return false;
	return true;
}

/*
 * Prefixes (SDM 2.1.1, 2.2.1): any number of legacy prefixes, then in
 * 64-bit mode an optional REX, which only counts when it comes last.
 */
static int decode_prefixes(struct cursor *c, struct emu_decoded *dec,
			   bool *addr67, bool *seg_override)
{
	for (;;) {
		uint8_t b = 0;
		int rc = next_byte(c, &b);

		if (rc != 0)
			return rc;
		if (b == 0xF0)
			return emu_fail(c->ctx, -ENOTSUP, EMU_VEC_UD,
					"LOCK prefix on an x87/MXCSR "
					"instruction (#UD)");
		if (c->ctx->mode == 64 && (b & 0xF0) == 0x40) {
			dec->rex = b;
			continue;
		}
		if (!legacy_prefix(b, dec, addr67, seg_override)) {
			c->pos--;
			return 0;
		}
		dec->rex = 0;
	}
}

static unsigned address_size(unsigned mode, bool addr67)
{
	if (mode == 64)
		return addr67 ? 32 : 64;
	if (mode == 32)
		return addr67 ? 16 : 32;
	return addr67 ? 32 : 16;
}

/* 16-bit forms (SDM Vol. 2A Table 2-1): [BX+SI], [BP+DI], ..., disp16. */
static int modrm_16(struct cursor *c, const struct kvm_regs *regs,
		    struct emu_decoded *dec, enum emu_seg *def_seg)
{
	static const int8_t base[8] = { REG_BX, REG_BX, REG_BP, REG_BP,
					-1, -1, REG_BP, REG_BX };
	static const int8_t index[8] = { REG_SI, REG_DI, REG_SI, REG_DI,
					 REG_SI, REG_DI, -1, -1 };
	unsigned mod = dec->modrm >> 6, rm = dec->modrm & 7;
	uint64_t disp = 0, ea = 0;
	int rc = 0;

	if (mod == 0 && rm == 6)
		rc = next_disp(c, 2, &disp);
	else if (mod == 1 || mod == 2)
		rc = next_disp(c, mod == 1 ? 1 : 2, &disp);
	if (rc != 0)
		return rc;
	if (base[rm] >= 0 && !(mod == 0 && rm == 6))
		ea += gpr(regs, (unsigned)base[rm]);
	if (index[rm] >= 0)
		ea += gpr(regs, (unsigned)index[rm]);
	*def_seg = (base[rm] == REG_BP && !(mod == 0 && rm == 6)) ?
		   EMU_SEG_SS : EMU_SEG_DS;
	dec->ea = (ea + disp) & 0xFFFF;
	return 0;
}

/* SIB byte (SDM Vol. 2A Table 2-3), with REX.X/REX.B in 64-bit mode. */
static int sib(struct cursor *c, const struct kvm_regs *regs,
	       struct emu_decoded *dec, uint64_t *ea, enum emu_seg *def_seg,
	       bool *no_base)
{
	unsigned mod = dec->modrm >> 6;
	unsigned scale, idx, base;
	uint8_t s = 0;
	int rc = next_byte(c, &s);

	if (rc != 0)
		return rc;
	scale = s >> 6;
	idx = ((s >> 3) & 7) | ((dec->rex & REX_X) ? 8 : 0);
	base = (s & 7) | ((dec->rex & REX_B) ? 8 : 0);
	/* Index 100b without REX.X means none; R12 is a real index. */
	*ea = idx == REG_SP ? 0 : gpr(regs, idx) << scale;
	*no_base = (s & 7) == REG_BP && mod == 0;
	if (*no_base)
		return 0;	/* disp32 instead of a base */
	*ea += gpr(regs, base);
	if ((s & 7) == REG_SP || (s & 7) == REG_BP)
		*def_seg = EMU_SEG_SS;
	return 0;
}

static uint64_t size_mask(unsigned bits)
{
	return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* 32/64-bit forms (SDM Vol. 2A Table 2-2, 2.2.1.3 to 2.2.1.6). */
static int modrm_32(struct cursor *c, const struct kvm_regs *regs,
		    struct emu_decoded *dec, enum emu_seg *def_seg)
{
	unsigned mod = dec->modrm >> 6, rm = dec->modrm & 7;
	bool rip_rel = false, sib_no_base = false;
	uint64_t ea = 0, disp = 0;
	int rc = 0;

	*def_seg = EMU_SEG_DS;
	if (rm == REG_SP) {
		rc = sib(c, regs, dec, &ea, def_seg, &sib_no_base);
		if (rc != 0)
			return rc;
	} else if (rm == REG_BP && mod == 0) {
		rip_rel = c->ctx->mode == 64;
	} else {
		ea = gpr(regs, rm | ((dec->rex & REX_B) ? 8 : 0));
		if (rm == REG_BP)
			*def_seg = EMU_SEG_SS;
	}
	if (mod == 1)
		rc = next_disp(c, 1, &disp);
	else if (mod == 2 || (mod == 0 && (rm == REG_BP || sib_no_base)))
		rc = next_disp(c, 4, &disp);
	if (rc != 0)
		return rc;
	/* RIP-relative: from the next instruction; no immediates follow. */
	if (rip_rel)
		ea = regs->rip + c->pos;
	dec->ea = (ea + disp) & size_mask(dec->addr_size);
	return 0;
}

static int decode_modrm(struct cursor *c, const struct kvm_regs *regs,
			struct emu_decoded *dec, bool seg_override)
{
	enum emu_seg def_seg;
	int rc = next_byte(c, &dec->modrm);

	if (rc != 0)
		return rc;
	dec->has_modrm = true;
	dec->has_mem = dec->modrm < 0xC0;
	if (!dec->has_mem)
		return 0;
	if (dec->addr_size == 16)
		rc = modrm_16(c, regs, dec, &def_seg);
	else
		rc = modrm_32(c, regs, dec, &def_seg);
	if (rc == 0 && !seg_override)
		dec->seg = def_seg;
	return rc;
}

/* Opcode bytes after the prefixes: 9B, D8-DF, or 0F AE. */
static int decode_opcode(struct cursor *c, struct emu_decoded *dec)
{
	int rc = next_byte(c, &dec->op);

	if (rc != 0)
		return rc;
	if (dec->op != 0x0F)
		return 0;
	if (c->pos >= c->avail)
		return ran_out(c);
	if (c->bytes[c->pos] != 0xAE)
		return emu_fail(c->ctx, -ENOTSUP, EMU_VEC_NONE,
				"opcode 0F %02X is not emulated",
				c->bytes[c->pos]);
	c->pos++;
	dec->op = 0xAE;
	return 0;
}

static int unsupported(struct cursor *c, const struct emu_decoded *dec)
{
	unsigned reg = (dec->modrm >> 3) & 7;

	if (dec->op == 0xAE)
		return emu_fail(c->ctx, -ENOTSUP, EMU_VEC_NONE,
				"0F AE ModRM %02X%s is not emulated",
				dec->modrm, dec->rep_prefix ||
				dec->opsize_prefix ? " with prefix" : "");
	if ((dec->op == 0xD9 || dec->op == 0xDD) && dec->has_mem &&
	    (reg == 4 || reg == 6))
		return emu_fail(c->ctx, -ENOTSUP, EMU_VEC_NONE,
				"x87 environment save/restore (%02X /%u) is "
				"not emulated", dec->op, reg);
	return emu_fail(c->ctx, -ENOTSUP, EMU_VEC_NONE,
			"x87 opcode %02X ModRM %02X is not emulated "
			"(undefined or unsupported)", dec->op, dec->modrm);
}

/* Look the form up; F2/F3 are meaningless on these, so refuse them. */
static int classify(struct cursor *c, struct emu_decoded *dec,
		    struct emu_form *form)
{
	if (dec->op == 0xAE && !dec->rep_prefix && !dec->opsize_prefix)
		*form = emu_0fae_form(dec->modrm);
	else if (dec->op >= 0xD8 && dec->op <= 0xDF && !dec->rep_prefix)
		*form = emu_x87_form(dec->op, dec->modrm);
	else
		form->insn = EMU_INSN_UNKNOWN;
	if (form->insn == EMU_INSN_UNKNOWN)
		return unsupported(c, dec);
	return 0;
}

int emu_decode(struct emu_ctx *ctx, const uint8_t *bytes, unsigned avail,
	       const struct kvm_regs *regs, struct emu_decoded *dec)
{
	struct cursor c = { .ctx = ctx, .bytes = bytes, .avail = avail };
	bool addr67 = false, seg_override = false;
	struct emu_form form;
	int rc;

	*dec = (struct emu_decoded){ .seg = EMU_SEG_DS };
	rc = decode_prefixes(&c, dec, &addr67, &seg_override);
	if (rc == 0)
		rc = decode_opcode(&c, dec);
	if (rc != 0)
		return rc;
	dec->addr_size = address_size(ctx->mode, addr67);
	if (dec->op == 0x9B) {
		dec->insn = EMU_INSN_FWAIT;
		dec->len = c.pos;
		return 0;
	}
	if (dec->op != 0xAE && (dec->op < 0xD8 || dec->op > 0xDF))
		return emu_fail(ctx, -ENOTSUP, EMU_VEC_NONE,
				"opcode %02X is not an x87/MXCSR instruction",
				dec->op);
	rc = decode_modrm(&c, regs, dec, seg_override);
	if (rc == 0)
		rc = classify(&c, dec, &form);
	if (rc != 0)
		return rc;
	dec->insn = form.insn;
	dec->mem_size = form.size;
	dec->mem_store = form.store;
	dec->len = c.pos;
	return 0;
}
