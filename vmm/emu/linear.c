// SPDX-License-Identifier: Apache-2.0
/*
 * Segmentation (Intel SDM Vol. 3A chapter 3 and 5.3-5.5) and accesses that
 * are split at page boundaries, each page translated on its own (4.x).
 * Every page of an access is translated before any byte is read or
 * written, so a fault leaves guest memory untouched.
 */
#include <errno.h>

#include "vmm/emu/emu_priv.h"

#define SEG_TYPE_WRITABLE	0x2	/* data: writable; code: readable */
#define SEG_TYPE_EXPAND_DOWN	0x4	/* data only */
#define SEG_TYPE_CODE		0x8

unsigned emu_code_size(const struct kvm_sregs *sregs, uint64_t rflags)
{
	if (!(sregs->cr0 & EMU_CR0_PE) || (rflags & EMU_RFLAGS_VM))
		return 16;
	/* IA-32e mode: 64-bit code when CS.L is set (SDM 5.2.1). */
	if ((sregs->efer & EMU_EFER_LMA) && sregs->cs.l)
		return 64;
	return sregs->cs.db ? 32 : 16;
}

static const struct kvm_segment *segment(const struct kvm_sregs *sregs,
					 enum emu_seg seg)
{
	switch (seg) {
	case EMU_SEG_ES: return &sregs->es;
	case EMU_SEG_CS: return &sregs->cs;
	case EMU_SEG_SS: return &sregs->ss;
	case EMU_SEG_FS: return &sregs->fs;
	case EMU_SEG_GS: return &sregs->gs;
	default: return &sregs->ds;
	}
}

/* SDM 3.4.5.1 / 5.3: the offsets a segment allows. */
static bool within_limit(const struct kvm_segment *s, uint64_t offset,
			 unsigned len)
{
	uint64_t last = offset + len - 1;

	if (!(s->type & SEG_TYPE_CODE) && (s->type & SEG_TYPE_EXPAND_DOWN)) {
		uint64_t top = s->db ? 0xFFFFFFFFULL : 0xFFFFULL;

		return offset > s->limit && last <= top;
	}
	return last <= s->limit;
}

/* SDM 5.5: type checks of a protected-mode data access. */
static bool type_allows(const struct kvm_segment *s, enum emu_access acc)
{
	if (s->unusable || !s->present)
		return false;
	if (s->type & SEG_TYPE_CODE)
		return acc != EMU_ACC_WRITE && (s->type & SEG_TYPE_WRITABLE);
	return acc != EMU_ACC_WRITE || (s->type & SEG_TYPE_WRITABLE);
}

/* SDM 3.3.7.1: bits 63 down to the top implemented bit all equal. */
static bool canonical(uint64_t addr, bool la57)
{
	uint64_t top = addr >> (la57 ? 56 : 47);

	return top == 0 || top == (la57 ? 0xFFULL : 0x1FFFFULL);
}

static int linear_64(struct emu_ctx *ctx, enum emu_seg seg, uint64_t offset,
		     unsigned len, uint64_t *lin)
{
	/* Only FS and GS keep a base in 64-bit mode (SDM 3.2.4). */
	uint64_t base = (seg == EMU_SEG_FS || seg == EMU_SEG_GS) ?
			segment(ctx->sregs, seg)->base : 0;
	uint64_t first = base + offset;
	uint64_t last = first + len - 1;
	bool la57 = ctx->sregs->cr4 & EMU_CR4_LA57;

	if (last < first || !canonical(first, la57) || !canonical(last, la57))
		return emu_fail(ctx, -EFAULT,
				seg == EMU_SEG_SS ? EMU_VEC_SS : EMU_VEC_GP,
				"non-canonical operand address %#llx",
				(unsigned long long)first);
	*lin = first;
	return 0;
}

int emu_linear(struct emu_ctx *ctx, enum emu_seg seg, uint64_t offset,
	       unsigned len, enum emu_access acc, uint64_t *lin)
{
	const struct kvm_segment *s = segment(ctx->sregs, seg);
	int vector = seg == EMU_SEG_SS ? EMU_VEC_SS : EMU_VEC_GP;

	if (ctx->mode == 64)
		return linear_64(ctx, seg, offset, len, lin);
	if (ctx->protected_mode && !type_allows(s, acc))
		return emu_fail(ctx, -EFAULT, vector,
				"segment %d type %#x does not allow the access",
				(int)seg, s->type);
	if (!within_limit(s, offset, len))
		return emu_fail(ctx, -EFAULT, vector,
				"offset %#llx+%u outside segment %d limit %#x",
				(unsigned long long)offset, len, (int)seg,
				s->limit);
	/* Outside 64-bit mode linear addresses are 32 bits (SDM 3.4). */
	*lin = (uint32_t)(s->base + offset);
	return 0;
}

static uint64_t linear_mask(const struct emu_ctx *ctx)
{
	return ctx->mode == 64 ? ~0ULL : 0xFFFFFFFFULL;
}

int emu_map(struct emu_ctx *ctx, uint64_t lin, unsigned len,
	    enum emu_access acc, struct emu_access_map *map)
{
	unsigned done = 0;

	map->count = 0;
	map->len = len;
	while (done < len) {
		uint64_t addr = (lin + done) & linear_mask(ctx);
		uint64_t gpa, left;
		unsigned chunk = len - done;

		if (map->count == 2)
			return emu_fail(ctx, -EFAULT, EMU_VEC_GP,
					"operand spans more than two pages");
		if (emu_translate(ctx->mem, ctx->sregs, addr, acc, ctx->user,
				  &gpa, &left) != 0)
			return emu_fail(ctx, -EFAULT, EMU_VEC_PF,
					"page fault at linear %#llx (%s)",
					(unsigned long long)addr,
					acc == EMU_ACC_WRITE ? "write" : "read");
		if (left < chunk)
			chunk = (unsigned)left;
		map->span[map->count].gpa = gpa;
		map->span[map->count].len = chunk;
		map->count++;
		done += chunk;
	}
	return 0;
}

int emu_map_read(struct emu_ctx *ctx, const struct emu_access_map *map,
		 void *buf)
{
	uint8_t *p = buf;

	for (unsigned i = 0; i < map->count; i++) {
		const struct emu_span *s = &map->span[i];

		if (ctx->mem->read(ctx->mem->opaque, s->gpa, p, s->len) != 0)
			return emu_fail(ctx, -EFAULT, EMU_VEC_NONE,
					"operand read at gpa %#llx not in RAM",
					(unsigned long long)s->gpa);
		p += s->len;
	}
	return 0;
}

int emu_map_write(struct emu_ctx *ctx, const struct emu_access_map *map,
		  const void *buf, const void *old)
{
	const struct emu_mem *mem = ctx->mem;
	const uint8_t *p = buf;

	for (unsigned i = 0; i < map->count; i++) {
		const struct emu_span *s = &map->span[i];

		if (mem->write(mem->opaque, s->gpa, p, s->len) == 0) {
			p += s->len;
			continue;
		}
		/* Undo the first piece so the store is all or nothing. */
		if (i == 1)
			(void)mem->write(mem->opaque, map->span[0].gpa, old,
					 map->span[0].len);
		return emu_fail(ctx, -EFAULT, EMU_VEC_NONE,
				"operand write at gpa %#llx not in RAM",
				(unsigned long long)s->gpa);
	}
	return 0;
}

/* Linear address of instruction byte CS:(rip) (SDM 3.4, 3.2.4). */
static uint64_t fetch_linear(const struct emu_ctx *ctx, uint64_t rip)
{
	if (ctx->mode == 64)
		return rip;
	if (ctx->mode == 16)
		rip &= 0xFFFF;
	return (uint32_t)(ctx->sregs->cs.base + (uint32_t)rip);
}

/* Bytes before the instruction pointer wraps in 16- or 32-bit code. */
static uint64_t fetch_room(const struct emu_ctx *ctx, uint64_t rip)
{
	if (ctx->mode == 16)
		return 0x10000 - (rip & 0xFFFF);
	if (ctx->mode == 32)
		return 0x100000000ULL - (uint32_t)rip;
	return EMU_INSN_MAX;
}

int emu_fetch(struct emu_ctx *ctx, uint64_t rip, uint8_t *buf,
	      unsigned *avail)
{
	*avail = 0;
	while (*avail < EMU_INSN_MAX) {
		uint64_t ip = rip + *avail;
		uint64_t lin = fetch_linear(ctx, ip);
		uint64_t gpa, left, room = fetch_room(ctx, ip);
		unsigned chunk = EMU_INSN_MAX - *avail;

		if (emu_translate(ctx->mem, ctx->sregs, lin, EMU_ACC_FETCH,
				  ctx->user, &gpa, &left) != 0)
			break;
		if (left < chunk)
			chunk = (unsigned)left;
		if (room < chunk)
			chunk = (unsigned)room;
		if (ctx->mem->read(ctx->mem->opaque, gpa, buf + *avail,
				   chunk) != 0)
			break;
		*avail += chunk;
	}
	if (*avail == 0)
		return emu_fail(ctx, -EFAULT, EMU_VEC_PF,
				"instruction fetch at %#llx failed",
				(unsigned long long)fetch_linear(ctx, rip));
	return 0;
}
