/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: guests that misbehave.  Each must end the VMM with its documented
 * exit status and message (tests/fw/run.sh checks them), never take the
 * host down: a triple fault, writes to the read-only CODE, accesses all
 * over the port and physical address spaces, an endless loop (--timeout,
 * SIGTERM), instructions the VMM cannot emulate.
 */
	.text
	.code64

/* triple-fault (with --no-reboot): status 4, "guest triple fault". */
	CASE triple-fault, case_triple_fault
case_triple_fault:
	NOTE	triple-faulting
	call	triple_fault
	leaq	s_survived(%rip), %rdi
	call	fail_line
	ret

/*
 * code-write: byte, word (unaligned), dword and qword stores to CODE,
 * one at the reset vector, and one to the BIOS alias below 1 MiB (the
 * image's first bytes at 0xF0000 for a 64 KiB image).  Each is an MMIO
 * exit nobody claims (5 in all); CODE and its alias read back unchanged.
 */
	CASE code-write, case_code_write
case_code_write:
	movl	$IMAGE_BASE, %ebx
	movq	(%rbx), %r8
	movl	0xFFF0(%rbx), %r9d
	movzbl	0x1000(%rbx), %r10d
	movzwl	0x2001(%rbx), %r11d
	movq	0xF0000, %rax
	CHECKR	bios-alias-mirrors-code, %r8
	movq	$0x5A5A5A5A, (%rbx)
	movl	$0x5A5A5A5A, 0xFFF0(%rbx)
	movb	$0x5A, 0x1000(%rbx)
	movw	$0x5A5A, 0x2001(%rbx)
	movq	$0x5A5A5A5A, 0xF0000
	movq	(%rbx), %rax
	CHECKR	code-qword-unchanged, %r8
	movl	0xFFF0(%rbx), %eax
	CHECKR	reset-vector-unchanged, %r9
	movzbl	0x1000(%rbx), %eax
	CHECKR	code-byte-unchanged, %r10
	movzwl	0x2001(%rbx), %eax
	CHECKR	code-word-unchanged, %r11
	movq	0xF0000, %rax
	CHECKR	bios-alias-unchanged, %r8
	ret

/*
 * wild-pio: a byte read of all 65536 ports, then a byte write of 0xFF to
 * every port but the two reset ports (0x92, 0xCF9) and the debug console
 * (0x402) that carries this report; then the devices still answer.
 */
	CASE wild-pio, case_wild_pio
case_wild_pio:
	xorl	%ecx, %ecx
1:	movl	%ecx, %edx
	inb	%dx, %al
	incl	%ecx
	cmpl	$0x10000, %ecx
	jb	1b
	xorl	%ecx, %ecx
	movb	$0xFF, %al
2:	cmpl	$PORT_A20, %ecx
	je	3f
	cmpl	$PORT_RESET, %ecx
	je	3f
	cmpl	$PORT_DEBUGCON, %ecx
	je	3f
	movl	%ecx, %edx
	outb	%al, %dx
3:	incl	%ecx
	cmpl	$0x10000, %ecx
	jb	2b
	NOTE	all-ports-done
	movw	$0x2F8, %dx
	inb	%dx, %al
	movzbl	%al, %eax
	CHECK	com2-absent, 0xFF
	movw	$0xAF00, %dx
	inl	%dx, %eax
	CHECK	cpu-hotplug-absent-dword, 0xFFFFFFFF
	movw	$PORT_DEBUGCON, %dx
	inb	%dx, %al
	movzbl	%al, %eax
	CHECK	debugcon-readback, 0xE9
	movw	$FWCFG_SIGNATURE, %ax
	call	fwcfg_select
	movl	$SCRATCH, %edi
	movl	$4, %ecx
	call	fwcfg_read
	movl	SCRATCH, %eax
	CHECK	fwcfg-still-answers, 0x554D4551
	movl	$PCI_ADDR(0, 0, 0x00), %eax
	call	pci_read32
	CHECK	pci-still-answers, 0x12378086
	movb	$0x0D, %cl
	call	cmos_read
	CHECK	cmos-still-answers, 0x80
	ret

/* map_window: map the 2 MiB page holding physical %rdi at WINDOW_VA;
 * %rax = the virtual address of %rdi. */
map_window:
	pushq	%rcx
	movq	%rdi, %rcx
	andq	$-0x200000, %rcx
	orq	$PTE_P | PTE_W | PTE_PS, %rcx
	movq	%rcx, PD_WIN
	movabsq	$WINDOW_VA, %rax
	invlpg	(%rax)
	movl	%edi, %ecx
	andl	$0x1FFFFF, %ecx
	addq	%rcx, %rax
	popq	%rcx
	ret

/* is_ram: CF=1 when physical %rdi is RAM (%r12 low, %r13 high RAM). */
is_ram:
	pushq	%rax
	cmpq	%r12, %rdi
	jb	1f
	movabsq	$0x100000000, %rax
	cmpq	%rax, %rdi
	jb	2f
	addq	%r13, %rax
	cmpq	%rax, %rdi
	jb	1f
2:	clc
	popq	%rax
	ret
1:	stc
	popq	%rax
	ret

/*
 * wild-mmio (--memory 512M): a qword write then read at 1024 points evenly
 * spread over the physical address space CPUID 0x80000008 reports (noted
 * as phys-bits; RAM keeps the value, the rest reads all-ones), then chosen
 * spots: every width in the PCI hole, an unaligned qword, HPET, the TPM
 * OVMF probes, the flash window below VARS, the local APIC and IOAPIC
 * (in-kernel), a qword across 4 GiB (CODE's last dword, then nothing) and
 * across the end of RAM, the last qword of the physical address space.
 */
	CASE wild-mmio, case_wild_mmio
case_wild_mmio:
	call	mem_layout
	CHECK	arg-present, 0
	movl	$0x80000008, %eax
	cpuid
	movzbl	%al, %ecx
	movq	%rcx, %rax
	NOTEHEX	phys-bits
	movl	$1, %ebp
	shlq	%cl, %rbp			/* end of the address space */
	movq	%rbp, %rbx
	shrq	$10, %rbx			/* grid step */
	xorl	%r14d, %r14d			/* mismatches */
	xorl	%r15d, %r15d			/* physical address */
1:	movq	%r15, %rdi
	call	map_window
	movabsq	$0x5AA5F00D00000000, %rdx
	orq	%r15, %rdx
	movq	%rdx, (%rax)
	movq	(%rax), %rcx
	call	is_ram
	jc	2f
	movq	$-1, %rdx
2:	cmpq	%rdx, %rcx
	je	3f
	incl	%r14d
	movq	%r15, %rax
	NOTEHEX	grid-address
	movq	%rcx, %rax
	CHECKR	grid-value, %rdx
3:	addq	%rbx, %r15
	cmpq	%rbp, %r15
	jb	1b
	movq	%r14, %rax
	CHECK	grid-mismatches, 0

	movl	$0xE0000000, %ebx		/* PCI hole */
	movzbl	(%rbx), %eax
	CHECK	hole-byte, 0xFF
	movzwl	(%rbx), %eax
	CHECK	hole-word, 0xFFFF
	movl	(%rbx), %eax
	CHECK	hole-dword, 0xFFFFFFFF
	movq	(%rbx), %rax
	CHECK	hole-qword, 0xFFFFFFFFFFFFFFFF
	movb	$0x12, (%rbx)
	movw	$0x1234, (%rbx)
	movl	$0x12345678, (%rbx)
	movq	$0x12345678, (%rbx)
	movq	3(%rbx), %rax
	CHECK	hole-unaligned-qword, 0xFFFFFFFFFFFFFFFF
	movl	$0xFED00000, %ebx		/* HPET: not emulated */
	movq	(%rbx), %rax
	CHECK	hpet-absent, 0xFFFFFFFFFFFFFFFF
	movq	$0, (%rbx)
	movl	$0xFED40000, %ebx		/* TPM: not emulated */
	movl	(%rbx), %eax
	CHECK	tpm-absent, 0xFFFFFFFF
	movl	$0, (%rbx)
	movl	$0xFF800000, %ebx		/* flash window below VARS */
	movq	(%rbx), %rax
	CHECK	flash-window-below-vars, 0xFFFFFFFFFFFFFFFF
	movq	$0, (%rbx)
	movl	$0xFEE00020, %ebx		/* local APIC ID */
	movl	(%rbx), %eax
	CHECK	lapic-id, 0
	movl	$0xFEC00000, %ebx		/* IOAPIC: select version */
	movl	$1, (%rbx)
	movl	0x10(%rbx), %eax
	andl	$0xFF, %eax
	CHECK	ioapic-version, 0x11
	movl	$VARS_BASE, %ebx
	movl	(%rbx), %eax
	CHECK	vars-array, 0x5A000000

	/* Across 4 GiB: the window maps physical 4 GiB right after CODE. */
	movabsq	$0x100000000, %rdi
	call	map_window
	movl	$0xFFFFFFFC, %ebx
	movq	(%rbx), %rax
	CHECK	qword-across-4g, 0xFFFFFFFFF4F4F4F4
	/* Across the end of RAM. */
	leaq	-4(%r12), %rbx
	movl	$0x11223344, (%rbx)
	movq	(%rbx), %rax
	CHECK	qword-across-ram-end, 0xFFFFFFFF11223344
	/* The last qword of the physical address space. */
	leaq	-8(%rbp), %rdi
	call	map_window
	movq	(%rax), %rdx
	movq	$0, (%rax)
	movq	%rdx, %rax
	CHECK	last-physical-qword, 0xFFFFFFFFFFFFFFFF
	ret

/* timeout (--timeout 1): status 5, "timeout". */
	CASE timeout, case_loop
/* signal (SIGTERM once "looping" is printed): status 6, "stopped". */
	CASE signal, case_loop
case_loop:
	NOTE	looping
1:	jmp	1b

/*
 * bad-insn: code fetched from MMIO (the HPET page, which nothing backs): no
 * KVM can execute or emulate it (hardware KVM's emulator cannot fetch from
 * MMIO; PVM hands it to the VMM, whose emulator cannot read it either), so
 * every host takes the crash path: status 4, "cannot emulate instruction at
 * rip 0x<the address noted first>".
 */
	CASE bad-insn, case_bad_insn
case_bad_insn:
	movl	$UNBACKED_MMIO, %eax
	NOTEHEX	rip
	call	*%rax
	leaq	s_survived(%rip), %rdi
	call	fail_line
	ret

/* x87-mmio: an x87 load from MMIO (HPET, unbacked) cannot be emulated. */
	CASE x87-mmio, case_x87_mmio
case_x87_mmio:
	movl	$UNBACKED_MMIO, %ebx
	leaq	1f(%rip), %rax
	NOTEHEX	rip
1:	flds	(%rbx)
	leaq	s_survived(%rip), %rdi
	call	fail_line
	ret

	.section .rodata
s_survived:	.asciz "survived"
	.text
