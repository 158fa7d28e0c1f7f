/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulation of the few instructions this host's KVM cannot execute itself.
 *
 * On PVM every CPL0 guest instruction goes through KVM's in-kernel
 * emulator, which knows no x87 instruction but FNINIT and neither LDMXCSR
 * nor STMXCSR.  KVM_RUN then returns KVM_EXIT_INTERNAL_ERROR, suberror
 * KVM_INTERNAL_ERROR_EMULATION, with RIP at the instruction.  The run loop
 * reads the vCPU state, calls emu_fixup(), writes the state back and
 * resumes the guest.
 *
 * Pure: no ioctl, no KVM call, no printing.  Guest memory is reached only
 * through struct emu_mem, so tests and fuzzers hand in a fake.
 *
 * The arithmetic is not re-implemented: the x87 instruction is run on the
 * host CPU (the same CPU the guest runs on) against the guest's FPU image,
 * with its memory operand redirected to a host buffer.  That gives exact
 * rounding, precision control, NaN/denormal handling, exception flags and
 * condition codes for free.  See hostfpu.c.
 */
#ifndef VMM_EMU_EMU_H
#define VMM_EMU_EMU_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/*
 * Guest-physical memory.  (read) must serve RAM and ROM (the firmware CODE
 * slot: instructions are fetched from it); (write) RAM only.  Both return 0,
 * or -EFAULT when [gpa, gpa + len) is not entirely backed.  Never called
 * with len 0 or more than a page.
 */
struct emu_mem {
	void *opaque;
	int (*read)(void *opaque, uint64_t gpa, void *buf, size_t len);
	int (*write)(void *opaque, uint64_t gpa, const void *buf, size_t len);
};

/*
 * Every instruction form emu_fixup() knows, as X(ENUM_SUFFIX, "name").
 * Index 0 is "unknown", the value reported for anything not decoded.
 */
#define EMU_INSN_LIST(X)                                                     \
	X(UNKNOWN, "(unknown)")                                              \
	X(FWAIT, "fwait")                                                    \
	X(FNINIT, "fninit")                                                  \
	X(FNCLEX, "fnclex")                                                  \
	X(FLDCW, "fldcw m16")                                                \
	X(FNSTCW, "fnstcw m16")                                              \
	X(FNSTSW, "fnstsw m16")                                              \
	X(FNSTSW_AX, "fnstsw ax")                                            \
	X(LDMXCSR, "ldmxcsr m32")                                            \
	X(STMXCSR, "stmxcsr m32")                                            \
	X(FLD_M32, "fld m32")                                                \
	X(FLD_M64, "fld m64")                                                \
	X(FLD_M80, "fld m80")                                                \
	X(FLD_STI, "fld st(i)")                                              \
	X(FILD_M16, "fild m16")                                              \
	X(FILD_M32, "fild m32")                                              \
	X(FILD_M64, "fild m64")                                              \
	X(FBLD, "fbld m80")                                                  \
	X(FST_M32, "fst m32")                                                \
	X(FST_M64, "fst m64")                                                \
	X(FST_STI, "fst st(i)")                                              \
	X(FSTP_M32, "fstp m32")                                              \
	X(FSTP_M64, "fstp m64")                                              \
	X(FSTP_M80, "fstp m80")                                              \
	X(FSTP_STI, "fstp st(i)")                                            \
	X(FIST_M16, "fist m16")                                              \
	X(FIST_M32, "fist m32")                                              \
	X(FISTP_M16, "fistp m16")                                            \
	X(FISTP_M32, "fistp m32")                                            \
	X(FISTP_M64, "fistp m64")                                            \
	X(FISTTP_M16, "fisttp m16")                                          \
	X(FISTTP_M32, "fisttp m32")                                          \
	X(FISTTP_M64, "fisttp m64")                                          \
	X(FBSTP, "fbstp m80")                                                \
	X(FLDZ, "fldz")                                                      \
	X(FLD1, "fld1")                                                      \
	X(FLDPI, "fldpi")                                                    \
	X(FLDL2T, "fldl2t")                                                  \
	X(FLDL2E, "fldl2e")                                                  \
	X(FLDLG2, "fldlg2")                                                  \
	X(FLDLN2, "fldln2")                                                  \
	X(FXCH, "fxch")                                                      \
	X(FCHS, "fchs")                                                      \
	X(FABS, "fabs")                                                      \
	X(FTST, "ftst")                                                      \
	X(FXAM, "fxam")                                                      \
	X(FNOP, "fnop")                                                      \
	X(FFREE, "ffree")                                                    \
	X(FDECSTP, "fdecstp")                                                \
	X(FINCSTP, "fincstp")                                                \
	X(FCMOVB, "fcmovb")                                                  \
	X(FCMOVE, "fcmove")                                                  \
	X(FCMOVBE, "fcmovbe")                                                \
	X(FCMOVU, "fcmovu")                                                  \
	X(FCMOVNB, "fcmovnb")                                                \
	X(FCMOVNE, "fcmovne")                                                \
	X(FCMOVNBE, "fcmovnbe")                                              \
	X(FCMOVNU, "fcmovnu")                                                \
	X(FCOMI, "fcomi")                                                    \
	X(FCOMIP, "fcomip")                                                  \
	X(FUCOMI, "fucomi")                                                  \
	X(FUCOMIP, "fucomip")                                                \
	X(FCOM_M32, "fcom m32")                                              \
	X(FCOM_M64, "fcom m64")                                              \
	X(FCOM_STI, "fcom st(i)")                                            \
	X(FCOMP_M32, "fcomp m32")                                            \
	X(FCOMP_M64, "fcomp m64")                                            \
	X(FCOMP_STI, "fcomp st(i)")                                          \
	X(FCOMPP, "fcompp")                                                  \
	X(FUCOM, "fucom")                                                    \
	X(FUCOMP, "fucomp")                                                  \
	X(FUCOMPP, "fucompp")                                                \
	X(FICOM_M16, "ficom m16")                                            \
	X(FICOM_M32, "ficom m32")                                            \
	X(FICOMP_M16, "ficomp m16")                                          \
	X(FICOMP_M32, "ficomp m32")                                          \
	EMU_INSN_ARITH(X, ADD, "add")                                        \
	EMU_INSN_ARITH(X, MUL, "mul")                                        \
	EMU_INSN_ARITH(X, SUB, "sub")                                        \
	EMU_INSN_ARITH(X, SUBR, "subr")                                      \
	EMU_INSN_ARITH(X, DIV, "div")                                        \
	EMU_INSN_ARITH(X, DIVR, "divr")                                      \
	X(F2XM1, "f2xm1")                                                    \
	X(FYL2X, "fyl2x")                                                    \
	X(FPTAN, "fptan")                                                    \
	X(FPATAN, "fpatan")                                                  \
	X(FXTRACT, "fxtract")                                                \
	X(FPREM1, "fprem1")                                                  \
	X(FPREM, "fprem")                                                    \
	X(FYL2XP1, "fyl2xp1")                                                \
	X(FSQRT, "fsqrt")                                                    \
	X(FSINCOS, "fsincos")                                                \
	X(FRNDINT, "frndint")                                                \
	X(FSCALE, "fscale")                                                  \
	X(FSIN, "fsin")                                                      \
	X(FCOS, "fcos")

/* The seven forms of each of FADD FMUL FSUB FSUBR FDIV FDIVR. */
#define EMU_INSN_ARITH(X, OP, name)                                          \
	X(F##OP##_M32, "f" name " m32")                                      \
	X(F##OP##_M64, "f" name " m64")                                      \
	X(F##OP##_ST0_STI, "f" name " st,st(i)")                             \
	X(F##OP##_STI_ST0, "f" name " st(i),st")                             \
	X(F##OP##P, "f" name "p")                                            \
	X(FI##OP##_M16, "fi" name " m16")                                    \
	X(FI##OP##_M32, "fi" name " m32")

#define EMU_INSN_ENUM(id, name) EMU_INSN_##id,
enum emu_insn { EMU_INSN_LIST(EMU_INSN_ENUM) EMU_INSN_COUNT };
#undef EMU_INSN_ENUM

#define EMU_WHY_LEN 96

/* What emu_fixup() saw; filled on success and on every failure. */
struct emu_report {
	uint8_t bytes[15];	/* instruction bytes fetched at RIP */
	unsigned len;		/* how many of (bytes) are valid */
	uint64_t rip;		/* RIP of the instruction */
	unsigned mode_bits;	/* 16, 32 or 64: the code size */
	int insn;		/* enum emu_insn; EMU_INSN_UNKNOWN if not decoded */
	/*
	 * The exception the guest would take instead (6 #UD, 7 #NM, 13 #GP,
	 * 14 #PF, 16 #MF), or -1.  Informational: emu_fixup() never injects.
	 */
	int vector;
	char why[EMU_WHY_LEN];	/* NUL-terminated, empty on success */
};

/*
 * Emulate the instruction at (regs)->rip.
 *
 * (sregs) gives the mode (CR0.PE/PG, CR4.PAE/PSE/LA57, EFER.LMA, CS.L/D)
 * and segment bases; (fpu) is the vCPU's FPU state, taken from
 * KVM_GET_XSAVE with emu_fpu_from_xsave() (see there why not
 * KVM_GET_FPU).  (rep) may be NULL.
 *
 * Returns 0 when emulated: RIP advanced by the instruction's length, and
 * (fpu), (regs) (RFLAGS for FCOMI and friends, AX for FNSTSW AX) and guest
 * memory updated.  -ENOTSUP for an instruction it does not emulate, or one
 * the guest would take an exception on (rep->vector says which).  -EFAULT
 * when the instruction fetch or the operand access fails (page not
 * present, not RAM, segment limit, non-canonical address).  -EINVAL for
 * state no CPU can be in (MXCSR reserved bits).  On any error nothing is
 * changed: not the registers, not the FPU state, not guest memory.
 */
int emu_fixup(const struct emu_mem *mem, struct kvm_regs *regs,
	      const struct kvm_sregs *sregs, struct kvm_fpu *fpu,
	      struct emu_report *rep);

/* Printable name of an enum emu_insn value; "(invalid)" when out of range. */
const char *emu_insn_name(int insn);

/*
 * Take the FPU state from, and put it back into, a KVM_GET_XSAVE image.
 *
 * Use these rather than KVM_GET_FPU/KVM_SET_FPU: KVM's kvm_fpu ioctls do
 * not carry MXCSR at all (GET returns 0, SET ignores it), and KVM_SET_FPU
 * leaves XSTATE_BV alone, so a control word set right after FNINIT is
 * silently replaced by the init state on the next guest XRSTOR (measured
 * on this host).  emu_fpu_to_xsave() updates only the legacy region and
 * sets XSTATE_BV bits 0 and 1; everything else in (xs) is kept.
 *
 * The run loop's fixup then reads:
 *   KVM_GET_REGS, KVM_GET_SREGS, KVM_GET_XSAVE -> emu_fpu_from_xsave()
 *   emu_fixup()
 *   on 0: emu_fpu_to_xsave(), KVM_SET_XSAVE, KVM_SET_REGS
 */
void emu_fpu_from_xsave(const struct kvm_xsave *xs, struct kvm_fpu *fpu);
void emu_fpu_to_xsave(const struct kvm_fpu *fpu, struct kvm_xsave *xs);

#endif
