// SPDX-License-Identifier: Apache-2.0
/*
 * The opcode map of the x87 escape opcodes D8-DF and of 0F AE /2 /3
 * (Intel SDM Vol. 2, Appendix A.5 "Escape Opcode Instructions", tables
 * and the instruction pages of Vol. 2A/2B).  Only documented
 * encodings are listed: the undocumented aliases (D9 D8+i, DC D0+i,
 * DD C8+i, DE D0+i, DF C0+i...) and the 8087/287 leftovers (DB E0, E1, E4)
 * decode as unknown, so they are reported rather than executed.
 */
#include "vmm/emu/emu_priv.h"

#define I(x) EMU_INSN_##x

_Static_assert(EMU_INSN_COUNT <= 256, "enum emu_insn must fit in a byte");

#define LOAD(x, n) { .insn = I(x), .size = (n), .store = false }
#define STORE(x, n) { .insn = I(x), .size = (n), .store = true }

/* The arithmetic group /0../7 shared by D8, DA, DC, DE (Table A-7 ff.). */
#define ARITH_ROW(sfx, n, COM, COMP)                                         \
	{ LOAD(FADD_##sfx, n), LOAD(FMUL_##sfx, n), LOAD(COM, n),            \
	  LOAD(COMP, n), LOAD(FSUB_##sfx, n), LOAD(FSUBR_##sfx, n),          \
	  LOAD(FDIV_##sfx, n), LOAD(FDIVR_##sfx, n) }
#define IARITH_ROW(sfx, n)                                                   \
	{ LOAD(FIADD_##sfx, n), LOAD(FIMUL_##sfx, n), LOAD(FICOM_##sfx, n),  \
	  LOAD(FICOMP_##sfx, n), LOAD(FISUB_##sfx, n),                       \
	  LOAD(FISUBR_##sfx, n), LOAD(FIDIV_##sfx, n),                       \
	  LOAD(FIDIVR_##sfx, n) }

/*
 * Memory forms, [opcode - D8][ModRM.reg].  FLDENV, FNSTENV, FRSTOR and
 * FNSAVE are left out: their layout depends on operand size and mode and
 * the host would write its own instruction and data pointers into it.
 */
static const struct emu_form mem_forms[8][8] = {
	[0] = ARITH_ROW(M32, 4, FCOM_M32, FCOMP_M32),
	[1] = { [0] = LOAD(FLD_M32, 4), [2] = STORE(FST_M32, 4),
		[3] = STORE(FSTP_M32, 4), [5] = LOAD(FLDCW, 2),
		[7] = STORE(FNSTCW, 2) },
	[2] = IARITH_ROW(M32, 4),
	[3] = { [0] = LOAD(FILD_M32, 4), [1] = STORE(FISTTP_M32, 4),
		[2] = STORE(FIST_M32, 4), [3] = STORE(FISTP_M32, 4),
		[5] = LOAD(FLD_M80, 10), [7] = STORE(FSTP_M80, 10) },
	[4] = ARITH_ROW(M64, 8, FCOM_M64, FCOMP_M64),
	[5] = { [0] = LOAD(FLD_M64, 8), [1] = STORE(FISTTP_M64, 8),
		[2] = STORE(FST_M64, 8), [3] = STORE(FSTP_M64, 8),
		[7] = STORE(FNSTSW, 2) },
	[6] = IARITH_ROW(M16, 2),
	[7] = { [0] = LOAD(FILD_M16, 2), [1] = STORE(FISTTP_M16, 2),
		[2] = STORE(FIST_M16, 2), [3] = STORE(FISTP_M16, 2),
		[4] = LOAD(FBLD, 10), [5] = LOAD(FILD_M64, 8),
		[6] = STORE(FBSTP, 10), [7] = STORE(FISTP_M64, 8) },
};

/* Register forms (ModRM C0-FF): opcode, ModRM range, instruction. */
struct reg_range {
	uint8_t op, lo, hi, insn;
};

#define R(op, lo, hi, x) { 0x##op, 0x##lo, 0x##hi, I(x) }
#define R8(op, lo, x) { 0x##op, 0x##lo, 0x##lo + 7, I(x) }

static const struct reg_range reg_forms[] = {
	/* D8: ST(0) op ST(i) -> ST(0) (Table A-8). */
	R8(D8, C0, FADD_ST0_STI), R8(D8, C8, FMUL_ST0_STI),
	R8(D8, D0, FCOM_STI), R8(D8, D8, FCOMP_STI),
	R8(D8, E0, FSUB_ST0_STI), R8(D8, E8, FSUBR_ST0_STI),
	R8(D8, F0, FDIV_ST0_STI), R8(D8, F8, FDIVR_ST0_STI),
	/* D9 (Table A-10). */
	R8(D9, C0, FLD_STI), R8(D9, C8, FXCH), R(D9, D0, D0, FNOP),
	R(D9, E0, E0, FCHS), R(D9, E1, E1, FABS), R(D9, E4, E4, FTST),
	R(D9, E5, E5, FXAM), R(D9, E8, E8, FLD1), R(D9, E9, E9, FLDL2T),
	R(D9, EA, EA, FLDL2E), R(D9, EB, EB, FLDPI), R(D9, EC, EC, FLDLG2),
	R(D9, ED, ED, FLDLN2), R(D9, EE, EE, FLDZ), R(D9, F0, F0, F2XM1),
	R(D9, F1, F1, FYL2X), R(D9, F2, F2, FPTAN), R(D9, F3, F3, FPATAN),
	R(D9, F4, F4, FXTRACT), R(D9, F5, F5, FPREM1),
	R(D9, F6, F6, FDECSTP), R(D9, F7, F7, FINCSTP), R(D9, F8, F8, FPREM),
	R(D9, F9, F9, FYL2XP1), R(D9, FA, FA, FSQRT), R(D9, FB, FB, FSINCOS),
	R(D9, FC, FC, FRNDINT), R(D9, FD, FD, FSCALE), R(D9, FE, FE, FSIN),
	R(D9, FF, FF, FCOS),
	/* DA (Table A-12). */
	R8(DA, C0, FCMOVB), R8(DA, C8, FCMOVE), R8(DA, D0, FCMOVBE),
	R8(DA, D8, FCMOVU), R(DA, E9, E9, FUCOMPP),
	/* DB (Table A-14). */
	R8(DB, C0, FCMOVNB), R8(DB, C8, FCMOVNE), R8(DB, D0, FCMOVNBE),
	R8(DB, D8, FCMOVNU), R(DB, E2, E2, FNCLEX), R(DB, E3, E3, FNINIT),
	R8(DB, E8, FUCOMI), R8(DB, F0, FCOMI),
	/* DC: ST(i) op ST(0) -> ST(i); note SUB/SUBR, DIV/DIVR. */
	R8(DC, C0, FADD_STI_ST0), R8(DC, C8, FMUL_STI_ST0),
	R8(DC, E0, FSUBR_STI_ST0), R8(DC, E8, FSUB_STI_ST0),
	R8(DC, F0, FDIVR_STI_ST0), R8(DC, F8, FDIV_STI_ST0),
	/* DD (Table A-18). */
	R8(DD, C0, FFREE), R8(DD, D0, FST_STI), R8(DD, D8, FSTP_STI),
	R8(DD, E0, FUCOM), R8(DD, E8, FUCOMP),
	/* DE: pop forms (Table A-20). */
	R8(DE, C0, FADDP), R8(DE, C8, FMULP), R(DE, D9, D9, FCOMPP),
	R8(DE, E0, FSUBRP), R8(DE, E8, FSUBP), R8(DE, F0, FDIVRP),
	R8(DE, F8, FDIVP),
	/* DF (Table A-22). */
	R(DF, E0, E0, FNSTSW_AX), R8(DF, E8, FUCOMIP), R8(DF, F0, FCOMIP),
};

struct emu_form emu_x87_form(uint8_t op, uint8_t modrm)
{
	struct emu_form none = { 0 };

	if (op < 0xD8 || op > 0xDF)
		return none;
	if (modrm < 0xC0)
		return mem_forms[op - 0xD8][(modrm >> 3) & 7];
	for (size_t i = 0; i < sizeof(reg_forms) / sizeof(reg_forms[0]); i++) {
		const struct reg_range *r = &reg_forms[i];

		if (r->op == op && modrm >= r->lo && modrm <= r->hi)
			return (struct emu_form){ .insn = r->insn };
	}
	return none;
}

/* 0F AE /2 LDMXCSR m32, /3 STMXCSR m32 (SDM Vol. 2A/2B); mod 3 is other. */
struct emu_form emu_0fae_form(uint8_t modrm)
{
	struct emu_form none = { 0 };

	if (modrm >= 0xC0)
		return none;
	switch ((modrm >> 3) & 7) {
	case 2: return (struct emu_form)LOAD(LDMXCSR, 4);
	case 3: return (struct emu_form)STORE(STMXCSR, 4);
	default: return none;
	}
}

static const uint8_t insn_flags[EMU_INSN_COUNT] = {
	[I(FWAIT)] = EMU_F_WAIT,
	/* The FN* control forms skip the pending-exception check (8.3.11). */
	[I(FNINIT)] = EMU_F_NOWAIT,
	[I(FNCLEX)] = EMU_F_NOWAIT,
	[I(FNSTCW)] = EMU_F_NOWAIT,
	[I(FNSTSW)] = EMU_F_NOWAIT,
	[I(FNSTSW_AX)] = EMU_F_NOWAIT | EMU_F_AX_OUT,
	[I(LDMXCSR)] = EMU_F_SSE,
	[I(STMXCSR)] = EMU_F_SSE,
	[I(FCMOVB)] = EMU_F_FLAGS_IN,
	[I(FCMOVE)] = EMU_F_FLAGS_IN,
	[I(FCMOVBE)] = EMU_F_FLAGS_IN,
	[I(FCMOVU)] = EMU_F_FLAGS_IN,
	[I(FCMOVNB)] = EMU_F_FLAGS_IN,
	[I(FCMOVNE)] = EMU_F_FLAGS_IN,
	[I(FCMOVNBE)] = EMU_F_FLAGS_IN,
	[I(FCMOVNU)] = EMU_F_FLAGS_IN,
	[I(FCOMI)] = EMU_F_FLAGS_OUT,
	[I(FCOMIP)] = EMU_F_FLAGS_OUT,
	[I(FUCOMI)] = EMU_F_FLAGS_OUT,
	[I(FUCOMIP)] = EMU_F_FLAGS_OUT,
};

unsigned emu_insn_flags(int insn)
{
	if (insn < 0 || insn >= EMU_INSN_COUNT)
		return 0;
	return insn_flags[insn];
}

#define EMU_INSN_NAME(id, name) [EMU_INSN_##id] = name,
static const char *const insn_names[EMU_INSN_COUNT] = {
	EMU_INSN_LIST(EMU_INSN_NAME)
};

const char *emu_insn_name(int insn)
{
	if (insn < 0 || insn >= EMU_INSN_COUNT)
		return "(invalid)";
	return insn_names[insn];
}
