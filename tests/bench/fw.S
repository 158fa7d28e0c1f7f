/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trivial firmware both the VMM and the bare KVM_RUN loop run in the
 * benchmark: a 4 KiB image ending at 4 GiB.  From the reset vector it enters
 * 32-bit flat protected mode (a handful of instructions), optionally does
 * BENCH_N port writes or BENCH_N pflash byte programs, then powers off the
 * way OVMF does: PMBA := 0xB000 on 00:01.3, PM I/O enable, SLP_EN to PM1_CNT.
 *
 * Build with -DBENCH_IO or -DBENCH_PFLASH (or neither) and -DBENCH_N=...
 * VARS (128 KiB) sits directly below this image: 0xFFFDF000.
 */
#define IMAGE_BASE	0xFFFFF000
#define VARS_BASE	0xFFFDF000
#define VARS_FREE	(VARS_BASE + 0x10000)	/* erased area of the template */

	.code16
	.section .text
	.globl _start
_start:
	cli
	lgdtl	%cs:(gdt_desc - _start + 0xF000)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $(IMAGE_BASE + pm32 - _start)

	.code32
pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
#ifdef BENCH_IO
	movl	$BENCH_N, %ecx
	movw	$0x402, %dx
1:	outb	%al, %dx
	decl	%ecx
	jnz	1b
#endif
#ifdef BENCH_PFLASH
	movl	$BENCH_N, %ecx
	movl	$VARS_FREE, %edi
1:	movb	$0x10, (%edi)		/* byte program setup */
	movb	$0x5A, (%edi)		/* the data: clears bits of 0xFF */
	incl	%edi
	decl	%ecx
	jnz	1b
	movb	$0xFF, (%edi)		/* back to read array */
#endif
	/* PCI 00:01.3 config 0x40 (PMBA) := 0xB001, config 0x80 bit 0 := 1. */
	movl	$0x80000B40, %eax
	movw	$0xCF8, %dx
	outl	%eax, %dx
	movl	$0xB001, %eax
	movw	$0xCFC, %dx
	outl	%eax, %dx
	movl	$0x80000B80, %eax
	movw	$0xCF8, %dx
	outl	%eax, %dx
	movb	$1, %al
	movw	$0xCFC, %dx
	outb	%al, %dx
	/* PM1_CNT := SLP_EN | SLP_TYP 0: S5. */
	movw	$0x2000, %ax
	movw	$0xB004, %dx
	outw	%ax, %dx
	hlt
	jmp	.

	.balign 8
gdt:
	.quad	0
	.quad	0x00CF9B000000FFFF	/* 0x08: code, flat 4 GiB, 32-bit */
	.quad	0x00CF93000000FFFF	/* 0x10: data, flat 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	IMAGE_BASE + gdt - _start

	.org	0xFF0
	.code16
reset_vector:
	jmp	_start		/* near jump within CS (base 0xFFFF0000) */
	.org	0x1000
