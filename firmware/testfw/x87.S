/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: the instructions this host's KVM cannot execute (x87 but FNINIT,
 * LDMXCSR/STMXCSR) and the VMM emulates (vmm/emu): the forms OVMF uses
 * (host-kvm.md) with exact results, once in 32-bit protected mode without
 * paging (OVMF's IA32 SEC/PEI) and once in 64-bit mode, plus addressing
 * forms of each mode: a segment with a non-zero base and an absolute
 * address (32-bit); RIP-relative into CODE, REX registers, SIB, and a
 * virtual address that is not the physical one (64-bit); an operand read
 * from VARS through its read-only slot (both).
 *
 * X87_SEQ stores its results in 8-byte slots at 0x100..0x1B8 from its base
 * register; the extras use 0x1C0..0x1D8; case_x87 compares them all from
 * 64-bit code.  Instructions per run of X87_SEQ (the runner asserts the
 * totals of both runs plus the extras against --stats):
 *   fwait 1, fldcw m16 3, ldmxcsr 2, stmxcsr 2, fild m32 1, fild m64 1,
 *   fistp m64 2, fistp m32 4, fld m64 5, fld m32 6, fstp m32 1,
 *   fstp m64 7, fst m64 1, fcomip 3, fcomi 1, fldz 5, fld1 2,
 *   fstp st(i) 2, fxch 1, fcmovb 2, fcmovnbe 2, fcmove 1, fmul m32 1,
 *   fmul m64 1, fadd st,st(i) 1, fmulp 1, fnstsw ax 1   (60)
 * plus FNINIT (1) and FNSTCW m16 (2), which this host's KVM executes in
 * its own emulator: they check that the VMM hands KVM the FPU state it
 * changed (FLDCW then FNSTCW).
 * Extras, 32-bit: fild m32 2, fistp m32 2, fld m32 1, fstp m32 1.
 * Extras, 64-bit: fild m32 2, fistp m32 2, fmul m32 1, fld m64 1,
 *   fstp m64 1, fld m32 1, fstp m32 1.
 */

.macro X87_SEQ B
	/* Operands. */
	movl	$0x0F7F, 0x00(\B)		/* CW: round toward zero */
	movl	$0x077F, 0x04(\B)		/* CW: round down */
	movl	$0x037F, 0x08(\B)		/* CW: FNINIT's, to nearest */
	movl	$0x3F80, 0x0C(\B)		/* MXCSR: round down */
	movl	$0x1F80, 0x10(\B)		/* MXCSR: power-on value */
	movl	$-123456, 0x14(\B)		/* int32 */
	movl	$0x89ABCDEF, 0x18(\B)		/* int64 0x0123456789ABCDEF */
	movl	$0x01234567, 0x1C(\B)
	movl	$0, 0x20(\B)			/* double -2.5 */
	movl	$0xC0040000, 0x24(\B)
	movl	$0, 0x28(\B)			/* double 2.5 */
	movl	$0x40040000, 0x2C(\B)
	movl	$0x3FC00000, 0x30(\B)		/* float 1.5 */
	movl	$0x40200000, 0x34(\B)		/* float 2.5 */
	movl	$0, 0x38(\B)			/* double 3.0 */
	movl	$0x40080000, 0x3C(\B)

	/* Control words (SEC's FPU set-up, SetJump/LongJump). */
	fninit
	fwait
	fnstcw	0x100(\B)
	fldcw	0x00(\B)
	fnstcw	0x108(\B)
	ldmxcsr	0x0C(\B)
	stmxcsr	0x110(\B)
	ldmxcsr	0x10(\B)
	stmxcsr	0x118(\B)

	/* Integer loads and stores; 64-bit precision keeps all 57 bits. */
	fildl	0x14(\B)
	fistpll	0x120(\B)
	fildll	0x18(\B)
	fistpll	0x128(\B)

	/* The control word's rounding mode reaches FISTP. */
	fldl	0x20(\B)
	fistpl	0x130(\B)			/* toward zero: -2 */
	fldcw	0x04(\B)
	fldl	0x20(\B)
	fistpl	0x138(\B)			/* down: -3 */
	fldcw	0x08(\B)
	fldl	0x28(\B)
	fistpl	0x140(\B)			/* nearest even: 2 */

	/* Format conversions. */
	fldl	0x28(\B)
	fstps	0x148(\B)
	flds	0x30(\B)
	fstpl	0x150(\B)

	/* FCOMIP/FCOMI set ZF, PF, CF. */
	flds	0x30(\B)
	flds	0x34(\B)
	fcomip	%st(1), %st			/* 2.5 > 1.5 */
	setc	0x158(\B)
	setz	0x159(\B)
	setp	0x15A(\B)
	flds	0x30(\B)
	fcomip	%st(1), %st			/* 1.5 = 1.5 */
	setc	0x160(\B)
	setz	0x161(\B)
	setp	0x162(\B)
	fldz
	fcomip	%st(1), %st			/* 0 < 1.5 */
	setc	0x168(\B)
	setz	0x169(\B)
	setp	0x16A(\B)
	fcomi	%st(0), %st			/* no pop */
	setc	0x170(\B)
	setz	0x171(\B)
	setp	0x172(\B)
	fstp	%st(0)

	/* FXCH. */
	fld1
	flds	0x34(\B)
	fxch	%st(1)
	fstpl	0x178(\B)			/* 1.0 */
	fstpl	0x180(\B)			/* 2.5 */

	/* FCMOVcc reads the guest's RFLAGS. */
	flds	0x30(\B)
	fldz
	stc
	fcmovb	%st(1), %st			/* taken: 1.5 */
	fstpl	0x188(\B)
	fldz
	clc
	fcmovb	%st(1), %st			/* not taken: 0 */
	fstpl	0x190(\B)
	fldz
	movl	$2, %eax
	cmpl	$1, %eax
	fcmovnbe %st(1), %st			/* above: taken */
	fstp	%st(1)
	fldz
	cmpl	$2, %eax
	fcmovnbe %st(1), %st			/* equal: not taken */
	fcmove	%st(1), %st			/* equal: taken */
	fstpl	0x198(\B)
	fstpl	0x1A0(\B)

	/* FMUL. */
	fldl	0x38(\B)
	fmuls	0x30(\B)			/* 3.0 * 1.5 */
	fstl	0x1A8(\B)			/* 4.5 */
	fmull	0x38(\B)			/* 13.5 */
	fld1
	fadd	%st(0), %st			/* 2.0 */
	fmulp	%st, %st(1)			/* 27.0 */
	fistpl	0x1B0(\B)

	/* Stack empty, only the precision (inexact) flag: 0x0020. */
	fnstsw	%ax
	movw	%ax, 0x1B8(\B)
.endm

	.text
	.code64

/* x87_run32: X87_SEQ and the 32-bit extras in protected mode, paging off:
 * leave long mode through a compatibility-mode segment and come back. */
x87_run32:
	pushq	%rbx
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	$SEL_CODE32
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
	.code32
1:	movl	%cr0, %eax
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	movw	$SEL_DATA_X87, %ax
	movw	%ax, %fs
	movl	$X87_32, %ebx
	X87_SEQ	%ebx
	fildl	%fs:0x14			/* segment base X87_32 */
	fistpl	0x1C0(%ebx)
	fildl	X87_32 + 0x14			/* absolute address */
	fistpl	0x1C8(%ebx)
	movl	$VARS_BASE + 0x100, %eax
	flds	(%eax)				/* VARS, read-only slot */
	fstps	0x1D0(%ebx)
	movw	$SEL_DATA, %ax
	movw	%ax, %fs
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	ljmp	$SEL_CODE64, $2f
	.code64
2:	movl	%ebp, %esp
	popq	%rbp
	popq	%rbx
	ret

/* x87_run64: X87_SEQ and the 64-bit extras in long mode. */
x87_run64:
	pushq	%rbx
	pushq	%r12
	pushq	%r14
	movl	$X87_64, %ebx
	X87_SEQ	%rbx
	fildl	x87_seven(%rip)			/* RIP-relative, in CODE */
	leaq	0x30(%rbx), %r12
	fmuls	(%r12)				/* REX.B base: 7 * 1.5 */
	fistpl	0x1C0(%rbx)			/* 10.5 to nearest even: 10 */
	movl	$5, %ecx
	fldl	(%rbx,%rcx,8)			/* SIB: 0x28 = 2.5 */
	movabsq	$WINDOW_VA, %r14		/* maps physical 0 */
	fstpl	0x1C8(%r14,%rbx)
	fildl	0x14(%r14,%rbx)
	fistpl	0x1D0(%rbx)
	movl	$VARS_BASE + 0x100, %eax
	flds	(%rax)				/* VARS, read-only slot */
	fstps	0x1D8(%rbx)
	popq	%r14
	popq	%r12
	popq	%rbx
	ret

.macro X87_CHECKS B, p
	movq	0x100(\B), %rax
	CHECK	\p-fnstcw-after-fninit, 0x037F
	movq	0x108(\B), %rax
	CHECK	\p-fldcw-fnstcw, 0x0F7F
	movq	0x110(\B), %rax
	CHECK	\p-ldmxcsr-stmxcsr, 0x3F80
	movq	0x118(\B), %rax
	CHECK	\p-mxcsr-restored, 0x1F80
	movq	0x120(\B), %rax
	CHECK	\p-fild-m32-fistp-m64, 0xFFFFFFFFFFFE1DC0
	movq	0x128(\B), %rax
	CHECK	\p-fild-m64-fistp-m64, 0x0123456789ABCDEF
	movq	0x130(\B), %rax
	CHECK	\p-fistp-toward-zero, 0xFFFFFFFE
	movq	0x138(\B), %rax
	CHECK	\p-fistp-down, 0xFFFFFFFD
	movq	0x140(\B), %rax
	CHECK	\p-fistp-nearest-even, 2
	movq	0x148(\B), %rax
	CHECK	\p-fld-m64-fstp-m32, 0x40200000
	movq	0x150(\B), %rax
	CHECK	\p-fld-m32-fstp-m64, 0x3FF8000000000000
	movq	0x158(\B), %rax
	CHECK	\p-fcomip-greater-cf-zf-pf, 0x000000
	movq	0x160(\B), %rax
	CHECK	\p-fcomip-equal-cf-zf-pf, 0x000100
	movq	0x168(\B), %rax
	CHECK	\p-fcomip-less-cf-zf-pf, 0x000001
	movq	0x170(\B), %rax
	CHECK	\p-fcomi-equal-cf-zf-pf, 0x000100
	movq	0x178(\B), %rax
	CHECK	\p-fxch-st0, 0x3FF0000000000000
	movq	0x180(\B), %rax
	CHECK	\p-fxch-st1, 0x4004000000000000
	movq	0x188(\B), %rax
	CHECK	\p-fcmovb-taken, 0x3FF8000000000000
	movq	0x190(\B), %rax
	CHECK	\p-fcmovb-not-taken, 0
	movq	0x198(\B), %rax
	CHECK	\p-fcmovnbe-fcmove, 0x3FF8000000000000
	movq	0x1A0(\B), %rax
	CHECK	\p-fstp-st1, 0x3FF8000000000000
	movq	0x1A8(\B), %rax
	CHECK	\p-fmul-m32-fst-m64, 0x4012000000000000
	movq	0x1B0(\B), %rax
	CHECK	\p-fmul-m64-fadd-fmulp, 27
	movq	0x1B8(\B), %rax
	CHECK	\p-status-word, 0x0020
.endm

	CASE x87, case_x87
case_x87:
	/* Results start as zero; the window maps physical 0..2 MiB. */
	movl	$X87_32, %edi
	movl	$0x2000 / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	movq	$PTE_P | PTE_W | PTE_PS, PD_WIN
	movabsq	$WINDOW_VA, %rax
	invlpg	(%rax)

	call	x87_run32
	call	x87_run64

	movl	$X87_32, %ebx
	X87_CHECKS %rbx, x87-32
	movq	0x1C0(%rbx), %rax
	CHECK	x87-32-fild-fs-segment, 0xFFFE1DC0
	movq	0x1C8(%rbx), %rax
	CHECK	x87-32-fild-absolute, 0xFFFE1DC0
	movq	0x1D0(%rbx), %rax
	CHECK	x87-32-fld-from-vars, 0x5A000100

	movl	$X87_64, %ebx
	X87_CHECKS %rbx, x87-64
	movq	0x1C0(%rbx), %rax
	CHECK	x87-64-fild-rip-fmul-r12, 10
	movq	0x1C8(%rbx), %rax
	CHECK	x87-64-fld-sib-fstp-paged, 0x4004000000000000
	movq	0x1D0(%rbx), %rax
	CHECK	x87-64-fild-paged, 0xFFFE1DC0
	movq	0x1D8(%rbx), %rax
	CHECK	x87-64-fld-from-vars, 0x5A000100
	ret

	.section .rodata
x87_seven:	.long 7
	.text
