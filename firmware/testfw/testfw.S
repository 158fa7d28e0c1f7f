/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: a tiny firmware that exercises the VMM end to end on real KVM.
 *
 * It starts at the reset vector in real mode like OVMF_CODE, enters 32-bit
 * protected mode and then long mode (2 MiB identity pages over the first
 * 4 GiB), reads the name of the case to run from the fw_cfg file
 * "opt/testfw/case", runs it, and reports on the debug console (port 0x402)
 * one line per check:
 *
 *	TESTFW <case> <check> PASS
 *	TESTFW <case> <check> FAIL got=0x<hex> want=0x<hex>
 *	TESTFW <case> DONE
 *
 * then powers off through the PIIX4 PM block (ACPI S5).  Other lines
 * ("TESTFW <case> note ...") are information for the runner,
 * tests/fw/run.sh, which also checks the VMM's exit status, its messages
 * and its --stats counters.
 *
 * Under this host's KVM every guest instruction is emulated (about 0.8 us
 * each), so the start-up path and every case are kept to well under a
 * million instructions.
 *
 * Layout assumptions shared with the runner: the image is 64 KiB and VARS
 * is 128 KiB, so VARS sits at 0xFFFD0000; the runner's VARS template holds
 * the little-endian dword 0x5A000000 + o at every offset o below 64 KiB and
 * 0xFF above (erased blocks).
 */
#include "defs.S"

/* ---------------------------------------------------------------------
 * The reset vector and the 16-bit start-up code (real mode: CS base
 * 0xFFFF0000, IP 0xFFF0).
 */
	.section .reset, "ax"
	.code16
	.globl	reset_vector
reset_vector:
	jmp	rm_start
	.balign	16, 0xF4

	.section .text16, "ax"
	.code16
rm_start:
	cli
	cld
	/* The GDT lives in the image: address it through CS (base 0xFFFF0000). */
	lgdtl	%cs:gdt_ptr - IMAGE_BASE
	movl	%cr0, %eax
	andl	$~(CR0_CD | CR0_NW | CR0_EM | CR0_TS), %eax
	orl	$(CR0_PE | CR0_MP | CR0_NE), %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE32, $pm32_start

	/*
	 * Every descriptor has its accessed bit set: the CPU would otherwise
	 * write it back into the GDT, and a write to CODE is an MMIO exit that
	 * would show up in the exit counts the runner checks.
	 */
	.balign	8
gdt:
	.quad	0
	.quad	0x00CF9B000000FFFF	/* SEL_CODE32: flat 32-bit code */
	.quad	0x00CF93000000FFFF	/* SEL_DATA: flat data */
	.quad	0x00AF9B000000FFFF	/* SEL_CODE64: long-mode code */
	.quad	0x00CF93008000FFFF	/* SEL_DATA_X87: data, base 0x8000 */
gdt_end:
gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	gdt

/* ---------------------------------------------------------------------
 * 32-bit protected mode: page tables, then long mode.
 */
	.text
	.code32
pm32_start:
	movw	$SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$STACK_TOP, %esp

	/* RAM is not assumed to be zero: clear the page-table pages. */
	movl	$PML4, %edi
	movl	$(PT_END - PML4) / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$PDPT | PTE_P | PTE_W, PML4
	movl	$PD0 | PTE_P | PTE_W, PDPT
	movl	$(PD0 + 0x1000) | PTE_P | PTE_W, PDPT + 8
	movl	$(PD0 + 0x2000) | PTE_P | PTE_W, PDPT + 16
	movl	$(PD0 + 0x3000) | PTE_P | PTE_W, PDPT + 24
	movl	$PD_WIN | PTE_P | PTE_W, PDPT + 32

	/* 2048 2 MiB pages: 0..4 GiB identity (1 GiB pages are not offered). */
	movl	$PD0, %edi
	movl	$PTE_P | PTE_W | PTE_PS, %eax
	movl	$2048, %ecx
1:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	decl	%ecx
	jnz	1b

	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	$PML4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	ljmp	$SEL_CODE64, $lm_start

/* ---------------------------------------------------------------------
 * Long mode.
 */
	.code64
lm_start:
	movl	$STACK_TOP, %esp
	/* Globals: fail count, case name, scratch. */
	movl	$GLOBALS, %edi
	movl	$GLOBALS_SIZE / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	call	read_case
	call	run_case
	jmp	done

/* Copy the contents of fw_cfg "opt/testfw/case" into G_CASE (NUL-ended). */
read_case:
	leaq	s_case_file(%rip), %rsi
	call	fwcfg_find
	testl	%eax, %eax
	jz	2f
	cmpl	$G_CASE_MAX, %edx
	jbe	1f
	movl	$G_CASE_MAX, %edx
1:	call	fwcfg_select
	movl	$G_CASE, %edi
	movl	%edx, %ecx
	call	fwcfg_read
	movb	$0, G_CASE(%rdx)
	/* Tolerate one trailing newline from a shell-made string. */
	testl	%edx, %edx
	jz	3f
	cmpb	$10, G_CASE - 1(%rdx)	/* newline */
	jne	3f
	movb	$0, G_CASE - 1(%rdx)
3:	ret
2:	leaq	s_no_case(%rip), %rsi
	movl	$G_CASE, %edi
	movl	$s_no_case_end - s_no_case, %ecx
	rep movsb
	ret

/* Find G_CASE in the case table and call it; report an unknown name. */
run_case:
	leaq	cases_start(%rip), %rbx
1:	leaq	cases_end(%rip), %rax
	cmpq	%rax, %rbx
	jae	2f
	movq	(%rbx), %rsi
	movl	$G_CASE, %edi
	call	strcmp
	je	3f
	addq	$16, %rbx
	jmp	1b
3:	jmp	*8(%rbx)		/* the case returns to our caller */
2:	leaq	s_unknown(%rip), %rdi
	call	fail_line
	ret

/* ---------------------------------------------------------------------
 * Reporting.
 */

/* puts: write the NUL-terminated string at %rsi to the debug console. */
puts:
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	call	strlen
	movw	$PORT_DEBUGCON, %dx
	rep outsb
	popq	%rsi
	popq	%rdx
	popq	%rcx
	ret

/* puthex: write %rax as 0x<hex>, no leading zeros. */
puthex:
	pushq	%rax
	pushq	%rcx
	pushq	%rdi
	pushq	%rsi
	movl	$G_HEX + 20, %edi
	movb	$0, (%rdi)
1:	decq	%rdi
	movl	%eax, %ecx
	andl	$0xF, %ecx
	addl	$0x30, %ecx		/* '0' */
	cmpl	$0x39, %ecx
	jbe	2f
	addl	$0x61 - 0x30 - 10, %ecx	/* 'a' */
2:	movb	%cl, (%rdi)
	shrq	$4, %rax
	jnz	1b
	movb	$0x78, -1(%rdi)	/* "0x" */
	movb	$0x30, -2(%rdi)
	leaq	-2(%rdi), %rsi
	call	puts
	popq	%rsi
	popq	%rdi
	popq	%rcx
	popq	%rax
	ret

/* line_start: "TESTFW <case> " */
line_start:
	pushq	%rsi
	leaq	s_testfw(%rip), %rsi
	call	puts
	movl	$G_CASE, %esi
	call	puts
	leaq	s_space(%rip), %rsi
	call	puts
	popq	%rsi
	ret

/*
 * check: the check named by the string at %rdi passes when %rax == %rdx.
 * Prints its line; counts failures.  Preserves every register.
 */
	.globl	check
check:
	pushq	%rsi
	call	line_start
	movq	%rdi, %rsi
	call	puts
	cmpq	%rdx, %rax
	jne	1f
	leaq	s_pass(%rip), %rsi
	call	puts
	popq	%rsi
	ret
1:	leaq	s_got(%rip), %rsi
	call	puts
	call	puthex
	leaq	s_want(%rip), %rsi
	call	puts
	xchgq	%rax, %rdx
	call	puthex
	xchgq	%rax, %rdx
	leaq	s_nl(%rip), %rsi
	call	puts
	incl	G_FAILS
	popq	%rsi
	ret

/* fail_line: "TESTFW <case> <string at %rdi> FAIL\n", counted. */
fail_line:
	pushq	%rsi
	call	line_start
	movq	%rdi, %rsi
	call	puts
	leaq	s_fail_nl(%rip), %rsi
	call	puts
	incl	G_FAILS
	popq	%rsi
	ret

/* note: "TESTFW <case> note <string at %rdi>\n", for the runner. */
note:
	pushq	%rsi
	call	line_start
	leaq	s_note(%rip), %rsi
	call	puts
	movq	%rdi, %rsi
	call	puts
	leaq	s_nl(%rip), %rsi
	call	puts
	popq	%rsi
	ret

/* note_hex: "TESTFW <case> note <string at %rdi>=0x<%rax>\n". */
note_hex:
	pushq	%rsi
	call	line_start
	leaq	s_note(%rip), %rsi
	call	puts
	movq	%rdi, %rsi
	call	puts
	leaq	s_eq(%rip), %rsi
	call	puts
	call	puthex
	leaq	s_nl(%rip), %rsi
	call	puts
	popq	%rsi
	ret

/* done: "TESTFW <case> DONE", then ACPI S5. */
done:
	call	line_start
	leaq	s_done(%rip), %rsi
	call	puts
	/* fall through */
poweroff:
	movl	$PM_BASE, %ecx
	call	pm_enable
	movw	$PM_BASE + PM1_CNT, %dx
	movw	$PM1_SLP_EN, %ax		/* SLP_TYP 0 = S5 on PIIX4 */
	outw	%ax, %dx
	/* Still here: the power-off did not happen. */
	leaq	s_poweroff(%rip), %rdi
	call	fail_line
	jmp	hang

/* hang: stop for good (the runner's --timeout ends the VMM). */
hang:
	cli
1:	hlt
	jmp	1b

/* ---------------------------------------------------------------------
 * Strings.
 */

/* strlen: %rcx = length of the string at %rsi. */
strlen:
	pushq	%rsi
	xorl	%ecx, %ecx
1:	cmpb	$0, (%rsi)
	je	2f
	incq	%rsi
	incl	%ecx
	jmp	1b
2:	popq	%rsi
	ret

/* strcmp: ZF=1 when the strings at %rsi and %rdi are equal. */
strcmp:
	pushq	%rax
	pushq	%rsi
	pushq	%rdi
1:	movb	(%rsi), %al
	cmpb	(%rdi), %al
	jne	2f
	incq	%rsi
	incq	%rdi
	testb	%al, %al
	jnz	1b
2:	popq	%rdi
	popq	%rsi
	popq	%rax
	ret

/* ---------------------------------------------------------------------
 * fw_cfg (QEMU's port interface: selector 0x510, data 0x511).
 */

/* fwcfg_select: select item %ax. */
fwcfg_select:
	pushq	%rdx
	movw	$PORT_FWCFG_SEL, %dx
	outw	%ax, %dx
	popq	%rdx
	ret

/* fwcfg_read: read %ecx bytes of the selected item to %rdi (advances it). */
fwcfg_read:
	pushq	%rcx
	pushq	%rdx
	pushq	%rdi
	movl	%ecx, %ecx
	movw	$PORT_FWCFG_DATA, %dx
	rep insb
	popq	%rdi
	popq	%rdx
	popq	%rcx
	ret

/*
 * fwcfg_find: look the file named by the string at %rsi up in the
 * directory (item 0x19: BE u32 count, then 64-byte entries {BE u32 size,
 * BE u16 select, u16 reserved, char name[56]}).  Returns %eax = select
 * key and %edx = size, or %eax = 0 when absent.
 */
fwcfg_find:
	pushq	%rcx
	pushq	%rdi
	pushq	%r8
	movw	$FWCFG_FILE_DIR, %ax
	call	fwcfg_select
	movl	$FWCFG_BUF, %edi
	movl	$4, %ecx
	call	fwcfg_read
	movl	FWCFG_BUF, %r8d
	bswapl	%r8d
	cmpl	$FWCFG_MAX_FILES, %r8d
	jbe	1f
	movl	$FWCFG_MAX_FILES, %r8d
1:	testl	%r8d, %r8d
	jz	3f
	movl	$FWCFG_BUF, %edi
	movl	$64, %ecx
	call	fwcfg_read
	movb	$0, FWCFG_BUF + 63	/* a name without NUL stays bounded */
	movl	$FWCFG_BUF + 8, %edi
	call	strcmp
	je	2f
	decl	%r8d
	jmp	1b
2:	movzwl	FWCFG_BUF + 4, %eax
	xchgb	%al, %ah
	movl	FWCFG_BUF, %edx
	bswapl	%edx
	jmp	4f
3:	xorl	%eax, %eax
	xorl	%edx, %edx
4:	popq	%r8
	popq	%rdi
	popq	%rcx
	ret

/*
 * fwcfg_arg: the decimal number in fw_cfg file "opt/testfw/arg" in %rax,
 * or -1 when the file is absent or not a number.
 */
fwcfg_arg:
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	leaq	s_arg_file(%rip), %rsi
	call	fwcfg_find
	testl	%eax, %eax
	jz	3f
	cmpl	$20, %edx
	ja	3f
	testl	%edx, %edx
	jz	3f
	call	fwcfg_select
	movl	$FWCFG_BUF, %edi
	movl	%edx, %ecx
	call	fwcfg_read
	xorl	%eax, %eax
	movl	$FWCFG_BUF, %esi
1:	movzbl	(%rsi), %ecx
	subl	$0x30, %ecx
	cmpl	$9, %ecx
	ja	3f
	imulq	$10, %rax, %rax
	addq	%rcx, %rax
	incq	%rsi
	decl	%edx
	jnz	1b
	jmp	4f
3:	movq	$-1, %rax
4:	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	ret

/* ---------------------------------------------------------------------
 * PCI configuration mechanism #1 and the PIIX4 PM block.
 */

/* pci_read32: %eax = config dword at CONFIG_ADDRESS %eax. */
pci_read32:
	pushq	%rdx
	movw	$PORT_PCI_ADDR, %dx
	outl	%eax, %dx
	movw	$PORT_PCI_DATA, %dx
	inl	%dx, %eax
	popq	%rdx
	ret

/* pci_write32: write %ecx to the config dword at CONFIG_ADDRESS %eax. */
pci_write32:
	pushq	%rax
	pushq	%rdx
	movw	$PORT_PCI_ADDR, %dx
	outl	%eax, %dx
	movw	$PORT_PCI_DATA, %dx
	movl	%ecx, %eax
	outl	%eax, %dx
	popq	%rdx
	popq	%rax
	ret

/* pm_enable: PMBA := %ecx, then set the PM I/O enable bit (PMREGMISC). */
pm_enable:
	pushq	%rax
	pushq	%rcx
	movl	$PCI_PM_PMBA, %eax
	call	pci_write32
	movl	$PCI_PM_MISC, %eax
	call	pci_read32
	orl	$1, %eax
	movl	%eax, %ecx
	movl	$PCI_PM_MISC, %eax
	call	pci_write32
	popq	%rcx
	popq	%rax
	ret

/* ---------------------------------------------------------------------
 * VARS helpers (%rbx = VARS_BASE in every pflash case).
 */

/* vars_program: program byte %al at VARS offset %rdi, then read array. */
vars_program:
	movb	$CFI_PROGRAM, (%rbx,%rdi)
	movb	%al, (%rbx,%rdi)
	movb	$CFI_READ_ARRAY, (%rbx,%rdi)
	ret

	.section .rodata.cases, "a"
	.balign	8
cases_start:
	.text

#include "pflash.S"
#include "x87.S"
#include "platform.S"
#include "hostile.S"
#include "irq.S"
#include "fuzz.S"

/* ---------------------------------------------------------------------
 * Read-only data.
 */
	.section .rodata
s_case_file:	.asciz "opt/testfw/case"
s_arg_file:	.asciz "opt/testfw/arg"
s_no_case:	.asciz "(no-case)"
s_no_case_end:
s_unknown:	.asciz "unknown-case"
s_poweroff:	.asciz "poweroff-still-running"
s_testfw:	.asciz "TESTFW "
s_space:	.asciz " "
s_pass:		.asciz " PASS\n"
s_got:		.asciz " FAIL got="
s_want:		.asciz " want="
s_nl:		.asciz "\n"
s_fail_nl:	.asciz " FAIL\n"
s_note:		.asciz "note "
s_eq:		.asciz "="
s_done:		.asciz "DONE\n"

	.section .rodata.cases_end, "a"
cases_end:
