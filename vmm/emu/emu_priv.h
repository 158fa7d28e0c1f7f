/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interfaces of the instruction emulator: address translation
 * (linear.c, paging.c), decoding (decode.c, x87_table.c) and host
 * execution (hostfpu.c).  Exposed to the unit tests, not to the VMM.
 */
#ifndef VMM_EMU_EMU_PRIV_H
#define VMM_EMU_EMU_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/emu/emu.h"

/* Architectural bits (Intel SDM Vol. 3A 2.5, 4.x; Vol. 1 3.4.3). */
#define EMU_CR0_PE	(1ULL << 0)
#define EMU_CR0_MP	(1ULL << 1)
#define EMU_CR0_EM	(1ULL << 2)
#define EMU_CR0_TS	(1ULL << 3)
#define EMU_CR0_WP	(1ULL << 16)
#define EMU_CR0_PG	(1ULL << 31)
#define EMU_CR4_PSE	(1ULL << 4)
#define EMU_CR4_PAE	(1ULL << 5)
#define EMU_CR4_OSFXSR	(1ULL << 9)
#define EMU_CR4_LA57	(1ULL << 12)
#define EMU_EFER_LMA	(1ULL << 10)
#define EMU_RFLAGS_CF	(1ULL << 0)
#define EMU_RFLAGS_PF	(1ULL << 2)
#define EMU_RFLAGS_AF	(1ULL << 4)
#define EMU_RFLAGS_ZF	(1ULL << 6)
#define EMU_RFLAGS_SF	(1ULL << 7)
#define EMU_RFLAGS_OF	(1ULL << 11)
#define EMU_RFLAGS_VM	(1ULL << 17)
#define EMU_RFLAGS_ARITH (EMU_RFLAGS_CF | EMU_RFLAGS_PF | EMU_RFLAGS_AF | \
			  EMU_RFLAGS_ZF | EMU_RFLAGS_SF | EMU_RFLAGS_OF)

/* Exception vectors (SDM Vol. 3A Table 6-1), for emu_report.vector. */
#define EMU_VEC_NONE	(-1)
#define EMU_VEC_UD	6
#define EMU_VEC_NM	7
#define EMU_VEC_SS	12
#define EMU_VEC_GP	13
#define EMU_VEC_PF	14
#define EMU_VEC_MF	16

#define EMU_PAGE_SIZE	4096ULL
#define EMU_INSN_MAX	15	/* SDM Vol. 2A 2.3.11 */

/* Segment registers in their encoding order (SDM Vol. 2A Table 3-6). */
enum emu_seg { EMU_SEG_ES, EMU_SEG_CS, EMU_SEG_SS, EMU_SEG_DS, EMU_SEG_FS,
	       EMU_SEG_GS, EMU_SEG_COUNT };

/* Kinds of access, for the page walk's permission checks. */
enum emu_access { EMU_ACC_READ, EMU_ACC_WRITE, EMU_ACC_FETCH };

/* Everything one emu_fixup() call works against. */
struct emu_ctx {
	const struct emu_mem *mem;
	const struct kvm_sregs *sregs;
	struct emu_report *rep;
	unsigned mode;		/* code size: 16, 32, 64 */
	bool protected_mode;	/* CR0.PE and not virtual-8086 */
	bool user;		/* CPL 3: user-mode page permissions */
};

/* Record why emulation stopped; returns (err) for `return emu_fail(...)`. */
int emu_fail(struct emu_ctx *ctx, int err, int vector, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- paging.c: linear -> guest-physical (SDM Vol. 3A chapter 4) ---- */

/*
 * Translate (lin) for an access of kind (acc) at privilege (user).  On
 * success (*gpa) is the guest-physical address and (*left) the number of
 * bytes from (lin) to the next 4 KiB boundary (1..4096).  -EFAULT on a
 * not-present or protection fault, or when a paging-structure entry
 * cannot be read.
 */
int emu_translate(const struct emu_mem *mem, const struct kvm_sregs *sregs,
		  uint64_t lin, enum emu_access acc, bool user, uint64_t *gpa,
		  uint64_t *left);

/* ---- linear.c: segmentation and page-split accesses ---- */

/* Code size of the current mode: 16, 32 or 64 (SDM Vol. 3A 5.2.1). */
unsigned emu_code_size(const struct kvm_sregs *sregs, uint64_t rflags);

/*
 * Linear address of (len) bytes at (offset) in segment (seg), after the
 * segment checks the current mode makes (limit and type in protected
 * mode, canonical form in 64-bit mode).  (offset) is already reduced to
 * the address size.
 */
int emu_linear(struct emu_ctx *ctx, enum emu_seg seg, uint64_t offset,
	       unsigned len, enum emu_access acc, uint64_t *lin);

/* One physically contiguous piece of a linear access. */
struct emu_span {
	uint64_t gpa;
	unsigned len;
};

/* A translated access of up to 16 bytes: at most two pieces. */
struct emu_access_map {
	struct emu_span span[2];
	unsigned count;
	unsigned len;
};

/* Translate every page of [lin, lin + len) before anything is accessed. */
int emu_map(struct emu_ctx *ctx, uint64_t lin, unsigned len,
	    enum emu_access acc, struct emu_access_map *map);
int emu_map_read(struct emu_ctx *ctx, const struct emu_access_map *map,
		 void *buf);
/* Write (buf); restores (old) into the first piece if the second fails. */
int emu_map_write(struct emu_ctx *ctx, const struct emu_access_map *map,
		  const void *buf, const void *old);

/*
 * Fetch up to EMU_INSN_MAX instruction bytes at CS:(rip), wrapping the
 * offset as the code size does.  Stops early at an unreadable page;
 * -EFAULT only if not even the first byte can be read.
 */
int emu_fetch(struct emu_ctx *ctx, uint64_t rip, uint8_t *buf,
	      unsigned *avail);

/* ---- decode.c: prefixes, ModRM, SIB, effective address ---- */

struct emu_decoded {
	unsigned len;		/* instruction length in bytes */
	unsigned addr_size;	/* 16, 32, 64 */
	uint8_t rex;
	uint8_t op;		/* 0x9B, 0xD8..0xDF, or 0xAE for 0F AE */
	uint8_t modrm;
	bool has_modrm;
	bool has_mem;		/* ModRM names memory */
	bool rep_prefix;	/* F2 or F3 seen */
	bool opsize_prefix;	/* 66 seen */
	uint8_t mem_size;	/* memory operand bytes (has_mem) */
	bool mem_store;		/* the memory operand is written */
	enum emu_seg seg;	/* effective segment of the memory operand */
	uint64_t ea;		/* effective address (offset), next-RIP based */
	int insn;		/* enum emu_insn */
};

/*
 * Decode (bytes)[0..avail) fetched at (rip) in a (mode)-bit code segment.
 * -EFAULT when the instruction runs past (avail), -ENOTSUP for anything
 * outside the supported set.  Fills dec->insn only for known forms.
 */
int emu_decode(struct emu_ctx *ctx, const uint8_t *bytes, unsigned avail,
	       const struct kvm_regs *regs, struct emu_decoded *dec);

/* ---- x87_table.c: what each opcode is ---- */

/* Properties of an instruction form (enum emu_insn). */
enum {
	EMU_F_NOWAIT = 1 << 0,	   /* FN*: no pending-exception check */
	EMU_F_SSE = 1 << 1,	   /* LDMXCSR/STMXCSR: SSE rules for #UD/#NM */
	EMU_F_FLAGS_IN = 1 << 2,   /* reads RFLAGS (FCMOVcc) */
	EMU_F_FLAGS_OUT = 1 << 3,  /* writes ZF PF CF, clears OF SF AF */
	EMU_F_AX_OUT = 1 << 4,	   /* FNSTSW AX */
	EMU_F_WAIT = 1 << 5,	   /* FWAIT: nothing to run on the host */
};

struct emu_form {
	uint8_t insn;		/* enum emu_insn, 0 when invalid */
	uint8_t size;		/* memory operand bytes, 0 for none */
	bool store;		/* the memory operand is written, not read */
};

/* Form of x87 opcode (op) 0xD8..0xDF with ModRM (modrm); insn 0 if none. */
struct emu_form emu_x87_form(uint8_t op, uint8_t modrm);
/* Form of 0F AE with ModRM (modrm). */
struct emu_form emu_0fae_form(uint8_t modrm);
/* EMU_F_* of (insn). */
unsigned emu_insn_flags(int insn);

/* ---- hostfpu.c: run one x87/MXCSR instruction on the host CPU ---- */

/* What the guest's FPU records as "last instruction" (SDM Vol. 1 8.1.8). */
struct emu_x87_last {
	uint64_t ip;		/* RIP of the instruction */
	uint64_t dp;		/* effective address of its operand */
	uint16_t fop;		/* low 11 bits of opcode + ModRM */
};

/*
 * Run instruction (op, modrm) (op 0xAE means 0F AE) with the memory
 * operand, if any, at (operand) (16 bytes) against (fpu) and the
 * arithmetic flags of (*rflags).  The caller has checked that the guest
 * state holds no pending unmasked x87 exception and that an LDMXCSR value
 * is valid.  -EINVAL if (fpu)->mxcsr itself has reserved bits set.
 */
int emu_hostfpu_exec(uint8_t op, uint8_t modrm, struct kvm_fpu *fpu,
		     uint64_t *rflags, uint8_t operand[16],
		     const struct emu_x87_last *last);

/* MXCSR bits the host CPU accepts (FXSAVE MXCSR_MASK, SDM Vol. 1 11.6.6). */
uint32_t emu_hostfpu_mxcsr_mask(void);

#endif
