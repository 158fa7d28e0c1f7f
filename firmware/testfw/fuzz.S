/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: the fuzzing harness's guest (tests/fuzz/vm/).  With VMM_F_HARNESS
 * the VMM claims port 0xB4: this case writes 1 there ("snapshot here"),
 * then reads an input the harness placed in RAM at FUZZ_INPUT:
 *
 *   u32 length, then length / 8 operations of 8 bytes each:
 *     byte 0  bit 0: 0 write, 1 read; bits 2-1: size 1, 2, 4, 4 bytes
 *     byte 1  device (index into fuzz_targets, modulo their number)
 *     2-3     offset inside the device's window (modulo its length)
 *     4-7     the value a write stores
 *
 * and performs them as port or MMIO accesses on every device the VMM
 * emulates: the 8259A pair and ELCR, the PIT and port 0x61, CMOS/RTC,
 * COM1, fw_cfg, PCI configuration (and 0xCF9), the PM block, port 0x92,
 * the i8042, the IOAPIC, the VARS flash.  Offsets are not aligned and an
 * access may run past its window's end: the VMM must cope.  Interrupts
 * stay disabled.  Then it stores the XOR of every value it read at
 * FUZZ_RESULT and writes 2 ("input done").  Without the harness
 * (the fw suite's smoke run) the port is unclaimed, the length reads 0,
 * and the case simply finishes.
 */
	.text
	.code64

#define HARNESS_PORT	0xB4
#define FUZZ_INPUT	0x100000	/* 1 MiB: above everything testfw uses */
#define FUZZ_MAX	0x10000		/* bytes of operations at most */
#define FUZZ_RESULT	0x120000	/* u32: every value read, XORed (past the input) */
#define T_PIO		0
#define T_MMIO		1

	CASE fuzz, case_fuzz
case_fuzz:
	cli
	movl	$PM_BASE, %ecx		/* the PM block where OVMF puts it */
	call	pm_enable
	movw	$HARNESS_PORT, %dx
	movl	$1, %eax
	outl	%eax, %dx		/* the harness snapshots here */
	movl	FUZZ_INPUT, %ecx
	cmpl	$FUZZ_MAX, %ecx
	jbe	1f
	movl	$FUZZ_MAX, %ecx
1:	shrl	$3, %ecx
	movl	$FUZZ_INPUT + 4, %esi
	xorl	%r12d, %r12d		/* what reads returned, folded */
2:	testl	%ecx, %ecx
	jz	3f
	pushq	%rcx
	pushq	%rsi
	call	fuzz_one
	popq	%rsi
	popq	%rcx
	addl	$8, %esi
	decl	%ecx
	jmp	2b
3:	movl	%r12d, FUZZ_RESULT	/* the harness compares runs by it */
	movw	$HARNESS_PORT, %dx
	movl	$2, %eax
	outl	%eax, %dx		/* input done */
	ret

/* fuzz_one: the operation at (%rsi).  Clobbers rax, rbx, rcx, rdx, rdi. */
fuzz_one:
	movzbl	1(%rsi), %eax
	xorl	%edx, %edx
	movl	$FUZZ_NTARGETS, %ecx
	divl	%ecx			/* edx = target index */
	leaq	fuzz_targets(%rip), %rdi
	shlq	$4, %rdx
	addq	%rdx, %rdi		/* 16-byte entries: base, len, kind */
	movzwl	2(%rsi), %eax
	xorl	%edx, %edx
	divl	8(%rdi)			/* edx = offset in the window */
	movq	(%rdi), %rbx
	addq	%rdx, %rbx		/* port or address */
	movzbl	(%rsi), %ecx		/* op */
	movl	4(%rsi), %eax		/* value */
	cmpl	$T_MMIO, 12(%rdi)
	je	fuzz_mmio
	movl	%ebx, %edx
	testb	$1, %cl
	jnz	fuzz_pio_in
	testb	$6, %cl
	jz	10f
	testb	$4, %cl
	jnz	11f
	outw	%ax, %dx
	ret
10:	outb	%al, %dx
	ret
11:	outl	%eax, %dx
	ret
fuzz_pio_in:
	testb	$6, %cl
	jz	12f
	testb	$4, %cl
	jnz	13f
	inw	%dx, %ax
	jmp	14f
12:	inb	%dx, %al
	jmp	14f
13:	inl	%dx, %eax
14:	xorl	%eax, %r12d
	ret
fuzz_mmio:
	testb	$1, %cl
	jnz	fuzz_mmio_read
	testb	$6, %cl
	jz	20f
	testb	$4, %cl
	jnz	21f
	movw	%ax, (%rbx)
	ret
20:	movb	%al, (%rbx)
	ret
21:	movl	%eax, (%rbx)
	ret
fuzz_mmio_read:
	testb	$6, %cl
	jz	22f
	testb	$4, %cl
	jnz	23f
	movzwl	(%rbx), %eax
	jmp	24f
22:	movzbl	(%rbx), %eax
	jmp	24f
23:	movl	(%rbx), %eax
24:	xorl	%eax, %r12d
	ret

	.section .rodata
	.balign	16
/* base (u64), window length (u32), kind (u32) */
fuzz_targets:
	.quad	0x20;		.long 2, T_PIO		/* 8259A master */
	.quad	0xA0;		.long 2, T_PIO		/* 8259A slave */
	.quad	0x4D0;		.long 2, T_PIO		/* ELCR */
	.quad	0x40;		.long 4, T_PIO		/* 8254 PIT */
	.quad	0x61;		.long 1, T_PIO		/* PIT channel 2 gate/speaker */
	.quad	0x70;		.long 2, T_PIO		/* CMOS/RTC */
	.quad	0x3F8;		.long 8, T_PIO		/* COM1 */
	.quad	0x510;		.long 2, T_PIO		/* fw_cfg */
	.quad	0xCF8;		.long 8, T_PIO		/* PCI config, 0xCF9 reset */
	.quad	PM_BASE;	.long 64, T_PIO		/* ACPI PM block */
	.quad	0x92;		.long 1, T_PIO		/* port 92 (A20, reset) */
	.quad	0x60;		.long 5, T_PIO		/* i8042 0x60-0x64 */
	.quad	0xFEC00000;	.long 0x20, T_MMIO	/* IOAPIC */
	.quad	VARS_BASE;	.long VARS_SIZE, T_MMIO	/* VARS flash */
fuzz_targets_end:
	.set	FUZZ_NTARGETS, (fuzz_targets_end - fuzz_targets) / 16
	.text
