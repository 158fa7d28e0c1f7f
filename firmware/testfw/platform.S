/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: the PC platform around the firmware (QEMU's i440FX pc machine):
 * fw_cfg, CMOS memory bytes, PCI configuration space and PMBA, the ACPI PM
 * timer against the PIT, COM1 output and interrupt-driven input, resets
 * and power-off.
 */
	.text
	.code64

/* ---------------------------------------------------------------------
 * Memory size: the runner passes --memory in MiB as fw_cfg opt/testfw/arg.
 * mem_layout: %r12 = RAM below 4 GiB, %r13 = RAM above, as layout.h
 * splits it (low RAM stops at 3 GiB).  %rax = -1 when the arg is missing.
 */
mem_layout:
	call	fwcfg_arg
	cmpq	$-1, %rax
	je	2f
	shlq	$20, %rax
	movq	%rax, %r12
	xorl	%r13d, %r13d
	movl	$0xC0000000, %ecx
	cmpq	%rcx, %rax
	jbe	1f
	movq	%rcx, %r12
	movq	%rax, %r13
	subq	%rcx, %r13
1:	xorl	%eax, %eax
2:	ret

/*
 * fwcfg: signature, ID (no DMA), rewind on select, reads past the end, the
 * file directory (exactly the files the runner offered plus etc/e820),
 * and etc/e820 against --memory: RAM [0, low), KVM's reserved pages
 * [0xFEFFC000, +16 KiB), RAM [4 GiB, +high) when there is high RAM.
 */
	CASE fwcfg, case_fwcfg
case_fwcfg:
	call	mem_layout
	CHECK	arg-present, 0
	movw	$FWCFG_SIGNATURE, %ax
	call	fwcfg_select
	movl	$SCRATCH, %edi
	movl	$8, %ecx
	call	fwcfg_read
	movl	SCRATCH, %eax
	CHECK	signature, 0x554D4551		/* "QEMU" */
	movl	SCRATCH + 4, %eax
	CHECK	signature-past-end-reads-0, 0
	movw	$FWCFG_ID, %ax
	call	fwcfg_select
	movl	$SCRATCH, %edi
	movl	$4, %ecx
	call	fwcfg_read
	movl	SCRATCH, %eax
	CHECK	id-traditional-no-dma, 1
	movw	$FWCFG_SIGNATURE, %ax
	call	fwcfg_select
	movl	$SCRATCH, %edi
	movl	$1, %ecx
	call	fwcfg_read
	movzbl	SCRATCH, %eax
	CHECK	select-rewinds, 0x51
	movw	$FWCFG_FILE_DIR, %ax
	call	fwcfg_select
	movl	$SCRATCH, %edi
	movl	$4, %ecx
	call	fwcfg_read
	movl	SCRATCH, %eax
	bswapl	%eax
	CHECK	directory-count, 3
	leaq	s_case_file(%rip), %rsi
	call	fwcfg_find
	movl	%edx, %eax
	CHECK	case-file-size, 5		/* "fwcfg" */
	leaq	s_absent_file(%rip), %rsi
	call	fwcfg_find
	CHECK	absent-file-not-found, 0

	/* etc/e820: 20-byte entries {u64 base, u64 length, u32 type}. */
	leaq	s_e820_file(%rip), %rsi
	call	fwcfg_find
	movl	%eax, %r8d
	movl	%edx, %eax
	movl	$40, %ecx
	movl	$60, %esi
	testq	%r13, %r13
	cmovnz	%esi, %ecx
	CHECKR	e820-size, %rcx
	cmpl	$60, %edx
	jbe	1f
	movl	$60, %edx
1:	movl	%r8d, %eax
	call	fwcfg_select
	movl	$SCRATCH, %edi
	movl	$60, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	$SCRATCH, %edi
	movl	%edx, %ecx
	call	fwcfg_read
	movq	SCRATCH + 0, %rax
	CHECK	e820-0-base, 0
	movq	SCRATCH + 8, %rax
	CHECKR	e820-0-length, %r12
	movl	SCRATCH + 16, %eax
	CHECK	e820-0-type-ram, 1
	movq	SCRATCH + 20, %rax
	CHECK	e820-1-base, 0xFEFFC000
	movq	SCRATCH + 28, %rax
	CHECK	e820-1-length, 0x4000
	movl	SCRATCH + 36, %eax
	CHECK	e820-1-type-reserved, 2
	testq	%r13, %r13
	jz	2f
	movq	SCRATCH + 40, %rax
	CHECK	e820-2-base, 0x100000000
	movq	SCRATCH + 48, %rax
	CHECKR	e820-2-length, %r13
	movl	SCRATCH + 56, %eax
	CHECK	e820-2-type-ram, 1
2:	ret

/* cmos_read: %eax = CMOS byte %cl. */
cmos_read:
	movb	%cl, %al
	outb	%al, $PORT_CMOS_INDEX
	inb	$PORT_CMOS_DATA, %al
	movzbl	%al, %eax
	ret

/* cmos_read16: %eax = CMOS bytes %cl (low) and %cl + 1 (high). */
cmos_read16:
	pushq	%rdx
	call	cmos_read
	movl	%eax, %edx
	incb	%cl
	call	cmos_read
	shll	$8, %eax
	orl	%edx, %eax
	decb	%cl
	popq	%rdx
	ret

/*
 * cmos: the memory-size bytes QEMU's pc machine sets and OVMF reads
 * (devices/cmos/cmos.h), against --memory; base memory, CPU count, the
 * checksum, RAM that keeps what is written, a write-only index port.
 */
	CASE cmos, case_cmos
case_cmos:
	call	mem_layout
	CHECK	arg-present, 0
	movb	$0x15, %cl
	call	cmos_read16
	CHECK	base-memory-kib, 640
	/* KiB above 1 MiB, capped at 0xFFFF. */
	movq	%r12, %rdx
	subq	$0x100000, %rdx
	shrq	$10, %rdx
	movl	$0xFFFF, %esi
	cmpq	%rsi, %rdx
	cmova	%rsi, %rdx
	movb	$0x17, %cl
	call	cmos_read16
	CHECKR	ext-memory-kib-0x17, %rdx
	movb	$0x30, %cl
	call	cmos_read16
	CHECKR	ext-memory-kib-0x30, %rdx
	/* 64 KiB units above 16 MiB below 4 GiB, capped at 0xFFFF. */
	xorl	%edx, %edx
	cmpq	$0x1000000, %r12
	jbe	1f
	movq	%r12, %rdx
	subq	$0x1000000, %rdx
	shrq	$16, %rdx
	cmpq	%rsi, %rdx
	cmova	%rsi, %rdx
1:	movb	$0x34, %cl
	call	cmos_read16
	CHECKR	mem-above-16m-64k-units, %rdx
	/* 64 KiB units above 4 GiB, three bytes. */
	movq	%r13, %rdx
	shrq	$16, %rdx
	movb	$0x5B, %cl
	call	cmos_read16
	movl	%eax, %r8d
	movb	$0x5D, %cl
	call	cmos_read
	shll	$16, %eax
	orl	%r8d, %eax
	CHECKR	mem-above-4g-64k-units, %rdx
	movb	$0x5F, %cl
	call	cmos_read
	CHECK	cpus-minus-one, 0
	movb	$0x0D, %cl
	call	cmos_read
	CHECK	reg-d-valid-ram, 0x80
	/* Checksum of 0x10..0x2D, big-endian at 0x2E. */
	xorl	%edx, %edx
	movb	$0x10, %cl
2:	call	cmos_read
	addl	%eax, %edx
	incb	%cl
	cmpb	$0x2E, %cl
	jb	2b
	movb	$0x2E, %cl
	call	cmos_read
	shll	$8, %eax
	movl	%eax, %r8d
	movb	$0x2F, %cl
	call	cmos_read
	orl	%r8d, %eax
	andl	$0xFFFF, %edx
	CHECKR	checksum-0x2e, %rdx
	/* NVRAM keeps what is written. */
	movb	$0x40, %al
	outb	%al, $PORT_CMOS_INDEX
	movb	$0xA5, %al
	outb	%al, $PORT_CMOS_DATA
	movb	$0x41, %al
	outb	%al, $PORT_CMOS_INDEX
	movb	$0x5A, %al
	outb	%al, $PORT_CMOS_DATA
	movb	$0x40, %cl
	call	cmos_read16
	CHECK	nvram-write-read, 0x5AA5
	inb	$PORT_CMOS_INDEX, %al
	movzbl	%al, %eax
	CHECK	index-port-reads-all-ones, 0xFF
	ret

/*
 * pci: the three functions of the i440FX machine, absent functions, read-
 * only IDs, PMBA (bits 15:6 writable, bit 0 reads 1) and the PM I/O
 * enable: the PM block appears, moves and disappears with them.
 */
	CASE pci, case_pci
case_pci:
	movl	$PCI_ADDR(0, 0, 0x00), %eax
	call	pci_read32
	CHECK	host-bridge-id, 0x12378086
	movl	$PCI_ADDR(0, 0, 0x08), %eax
	call	pci_read32
	CHECK	host-bridge-class-rev, 0x06000002
	movl	$PCI_ADDR(1, 0, 0x00), %eax
	call	pci_read32
	CHECK	isa-bridge-id, 0x70008086
	movl	$PCI_ADDR(1, 0, 0x08), %eax
	call	pci_read32
	shrl	$8, %eax
	CHECK	isa-bridge-class, 0x060100
	movl	$PCI_ADDR(1, 0, 0x0C), %eax
	call	pci_read32
	shrl	$16, %eax
	andl	$0x80, %eax
	CHECK	isa-bridge-multifunction, 0x80
	movl	$PCI_ADDR(1, 3, 0x00), %eax
	call	pci_read32
	CHECK	pm-id, 0x71138086
	movl	$PCI_ADDR(1, 3, 0x08), %eax
	call	pci_read32
	CHECK	pm-class-rev, 0x06800003
	movl	$PCI_ADDR(1, 1, 0x00), %eax
	call	pci_read32
	CHECK	absent-function-00.01.1, 0xFFFFFFFF
	movl	$PCI_ADDR(2, 0, 0x00), %eax
	call	pci_read32
	CHECK	absent-device-00.02.0, 0xFFFFFFFF
	movl	$PCI_ADDR(0, 0, 0x00) | (1 << 16), %eax
	call	pci_read32
	CHECK	absent-bus-1, 0xFFFFFFFF
	movl	$0x00000000, %eax		/* enable bit clear */
	call	pci_read32
	CHECK	config-disabled-reads-all-ones, 0xFFFFFFFF
	movl	$PCI_ADDR(0, 0, 0x00), %eax
	xorl	%ecx, %ecx
	call	pci_write32
	call	pci_read32
	CHECK	ids-read-only, 0x12378086

	/* PMBA and the PM block. */
	movl	$PCI_PM_PMBA, %eax
	call	pci_read32
	CHECK	pmba-power-on, 0x00000001
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	CHECK	pm-block-absent-before-pmba, 0xFFFFFFFF
	movl	$PCI_PM_PMBA, %eax
	movl	$0xFFFFFFFF, %ecx
	call	pci_write32
	call	pci_read32
	CHECK	pmba-writable-bits, 0x0000FFC1
	movl	$PM_BASE, %ecx
	call	pm_enable
	movl	$PCI_PM_PMBA, %eax
	call	pci_read32
	CHECK	pmba-programmed, PM_BASE | 1
	movl	$PCI_PM_MISC, %eax
	call	pci_read32
	andl	$1, %eax
	CHECK	pm-io-enabled, 1
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	shrl	$24, %eax
	CHECK	pm-timer-24-bit, 0
	movw	$PM_BASE + PM1_CNT, %dx
	inw	%dx, %ax
	movzwl	%ax, %eax
	CHECK	pm1-cnt-power-on, 0
	/* Move the block to 0xC000. */
	movl	$PCI_PM_PMBA, %eax
	movl	$0xC000, %ecx
	call	pci_write32
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	CHECK	pm-block-left-old-base, 0xFFFFFFFF
	movw	$0xC000 + PM_TMR, %dx
	inl	%dx, %eax
	shrl	$24, %eax
	CHECK	pm-block-at-new-base, 0
	/* Disable PM I/O. */
	movl	$PCI_PM_MISC, %eax
	call	pci_read32
	andl	$~1, %eax
	movl	%eax, %ecx
	movl	$PCI_PM_MISC, %eax
	call	pci_write32
	movw	$0xC000 + PM_TMR, %dx
	inl	%dx, %eax
	CHECK	pm-block-gone-when-disabled, 0xFFFFFFFF
	ret

/* ---------------------------------------------------------------------
 * PM timer against the PIT (both counted from the 14.31818 MHz crystal:
 * PM timer = /4 = 3.579545 MHz, PIT = /12 = 1.193182 MHz, so 3 PM ticks
 * per PIT tick).
 */

/* pit_read: %eax = PIT channel 2 count (latched). */
pit_read:
	movb	$0x80, %al			/* latch channel 2 */
	outb	%al, $PORT_PIT_CMD
	inb	$PORT_PIT_CH2, %al
	movb	%al, %ah
	inb	$PORT_PIT_CH2, %al
	xchgb	%al, %ah
	movzwl	%ax, %eax
	ret

/*
 * pit_advance: read PIT channel 2 and add the ticks it counted down since
 * the last read (%r13d) to %r12, then read the PM timer into %eax.  A PM
 * advance since the last call (%r15d) of 90% of a PIT period or more means
 * the vCPU was away long enough for the count to wrap unseen: %r14d = 1.
 * Clobbers %rax, %rdx.
 */
pit_advance:
	call	pit_read
	movl	%r13d, %edx
	subl	%eax, %edx
	andl	$0xFFFF, %edx
	addq	%rdx, %r12
	movl	%eax, %r13d
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %edx
	subl	%r15d, %edx
	andl	$0xFFFFFF, %edx
	cmpl	$3 * 65536 * 9 / 10, %edx
	jb	1f
	movl	$1, %r14d
1:	movl	%eax, %r15d
	ret

/*
 * pm-timer: the PM timer (3.579545 MHz, the VMM's) must advance 3 times as
 * many ticks as PIT channel 2 (1.193182 MHz, KVM's in-kernel PIT; mode 2,
 * period 65536), within 0.5%: both count the same host time.
 *
 * The result must not depend on how long an exit takes on this host (tens
 * of microseconds nested, under one on hardware): each PM read is
 * bracketed by two PIT reads and dated at their midpoint, and the PIT
 * count is followed across its wraps by polling.  The span measured is at
 * least 100 ms and at least 500 bracket widths (at most 3 s, under the PM
 * timer's 24-bit wrap), so the dating error is at most 0.2%.  An attempt
 * where the vCPU was away for most of a PIT period (the count may have
 * wrapped unseen) or whose brackets came out wider is measured again, three
 * times at most.  The check's value is PM ticks per 1000 PIT ticks, shown
 * as exactly 3000 when inside [2985, 3015] and as measured otherwise.
 *
 * Stack: 0 start of bracket A, 8 PM at A, 16 end of A, 24 start of B,
 * 32 PM at B, 40 attempts left (PIT positions unwrapped, in ticks).
 */
	CASE pm-timer, case_pm_timer
case_pm_timer:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$56, %rsp
	movl	$PM_BASE, %ecx
	call	pm_enable
	inb	$PORT_SPEAKER, %al
	andb	$0xFC, %al
	orb	$0x01, %al			/* gate 2 on, speaker off */
	outb	%al, $PORT_SPEAKER
	movb	$0xB4, %al			/* ch 2, lo/hi, mode 2, binary */
	outb	%al, $PORT_PIT_CMD
	xorl	%eax, %eax
	outb	%al, $PORT_PIT_CH2
	outb	%al, $PORT_PIT_CH2		/* count 0 = 65536 */
	movq	$3, 40(%rsp)
.Lpm_attempt:
	xorl	%r14d, %r14d
	xorl	%r12d, %r12d
	call	pit_read
	movl	%eax, %r13d
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %r15d
	call	pit_advance			/* bracket A */
	movq	%r12, 0(%rsp)
	movq	%rax, 8(%rsp)
	call	pit_advance
	movq	%r12, 16(%rsp)
	movq	0(%rsp), %rbp
	addq	%r12, %rbp
	shrq	$1, %rbp			/* A's midpoint */
	movq	%r12, %rbx
	subq	0(%rsp), %rbx
	imulq	$500, %rbx, %rbx		/* 500 widths of A */
	cmpq	$119318, %rbx			/* 100 ms */
	jae	1f
	movq	$119318, %rbx
1:	cmpq	$3579545, %rbx			/* 3 s */
	jbe	2f
	movq	$3579545, %rbx
2:	addq	%rbp, %rbx
3:	call	pit_advance
	cmpq	%rbx, %r12
	jb	3b
	call	pit_advance			/* bracket B */
	movq	%r12, 24(%rsp)
	movq	%rax, 32(%rsp)
	call	pit_advance
	movq	24(%rsp), %rcx
	addq	%r12, %rcx
	shrq	$1, %rcx
	subq	%rbp, %rcx			/* PIT ticks, midpoint to midpoint */
	movq	16(%rsp), %rbx
	subq	0(%rsp), %rbx
	addq	%r12, %rbx
	subq	24(%rsp), %rbx
	shrq	$1, %rbx			/* dating error bound */
	movq	32(%rsp), %rax
	subl	8(%rsp), %eax
	andl	$0xFFFFFF, %eax			/* PM ticks */
	testl	%r14d, %r14d
	jnz	4f
	imulq	$500, %rbx, %rdx
	cmpq	%rcx, %rdx
	jbe	5f
4:	decq	40(%rsp)
	jnz	.Lpm_attempt
5:	movq	%rax, %rsi
	movq	%rcx, %rax
	NOTEHEX	pit-ticks
	movq	%rsi, %rax
	NOTEHEX	pm-ticks
	movq	%rbx, %rax
	NOTEHEX	dating-error-pit-ticks
	movq	%r14, %rax
	NOTEHEX	away
	imulq	$1000, %rsi, %rax
	xorl	%edx, %edx
	testq	%rcx, %rcx
	jz	6f
	divq	%rcx				/* PM ticks per 1000 PIT ticks */
6:	cmpq	$2985, %rax
	jb	7f
	cmpq	$3015, %rax
	ja	7f
	movl	$3000, %eax
7:	CHECK	pm-ticks-per-1000-pit-ticks, 3000
	addq	$56, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

/* ---------------------------------------------------------------------
 * COM1.
 */

/* uart_out: %dx = COM1 register offset, %al = value. */
.macro UART_OUT reg, val
	movw	$PORT_COM1 + \reg, %dx
	movb	$\val, %al
	outb	%al, %dx
.endm
.macro UART_IN reg
	movw	$PORT_COM1 + \reg, %dx
	inb	%dx, %al
	movzbl	%al, %eax
.endm

/* The COM1 interrupt (vector 0x24): record IIR and the byte, EOI. */
uart_isr:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	UART_IN	UART_IIR
	movl	G_IRQS, %ecx
	cmpl	$4, %ecx
	jae	1f
	movb	%al, G_IIR(%rcx)
1:	UART_IN	UART_LSR
	testb	$0x01, %al
	jz	2f
	UART_IN	UART_RBR
	movl	G_RXCOUNT, %ecx
	cmpl	$16, %ecx
	jae	2f
	movb	%al, G_RXBUF(%rcx)
	incl	G_RXCOUNT
2:	incl	G_IRQS
	movb	$0x20, %al			/* non-specific EOI */
	outb	%al, $PORT_PIC1_CMD
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq

/* irr_irq4: %eax = IRQ 4's bit of the master PIC's IRR (OCW3 set). */
irr_irq4:
	inb	$PORT_PIC1_CMD, %al
	movzbl	%al, %eax
	andl	$1 << UART_IRQ, %eax
	ret

/* idt_set: gate %edi (vector) -> handler %rax, interrupt gate, DPL 0. */
idt_set:
	pushq	%rax
	pushq	%rdi
	shll	$4, %edi
	addl	$IDT, %edi
	movw	%ax, (%rdi)
	movw	$SEL_CODE64, 2(%rdi)
	movw	$0x8E00, 4(%rdi)
	shrq	$16, %rax
	movw	%ax, 6(%rdi)
	shrq	$16, %rax
	movl	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	popq	%rdi
	popq	%rax
	ret

/* pic_init: both 8259s, vectors 0x20/0x28, everything masked but (%al) on
 * the master. */
pic_init:
	movb	%al, %ah
	movb	$0x11, %al			/* ICW1: edge, cascade, ICW4 */
	outb	%al, $PORT_PIC1_CMD
	outb	%al, $PORT_PIC2_CMD
	movb	$0x20, %al			/* ICW2: vector bases */
	outb	%al, $PORT_PIC1_DATA
	movb	$0x28, %al
	outb	%al, $PORT_PIC2_DATA
	movb	$0x04, %al			/* ICW3: slave on IRQ 2 */
	outb	%al, $PORT_PIC1_DATA
	movb	$0x02, %al
	outb	%al, $PORT_PIC2_DATA
	movb	$0x01, %al			/* ICW4: 8086 mode */
	outb	%al, $PORT_PIC1_DATA
	outb	%al, $PORT_PIC2_DATA
	movb	%ah, %al
	outb	%al, $PORT_PIC1_DATA		/* OCW1: masks */
	movb	$0xFF, %al
	outb	%al, $PORT_PIC2_DATA
	ret

/*
 * uart: OVMF's scratch-register probe, the divisor latch, idle line and
 * modem status, output (the runner compares the VMM's stdout), then input
 * typed on the VMM's stdin: the runner sends "abc" only once the firmware
 * notes "waiting-for-input".  IRQ 4, seen in the PIC's IRR with
 * interrupts off, stays low while nothing is pending, stays low with data
 * pending while MCR.OUT2 is clear (the PC's interrupt gate), and rises
 * when OUT2 is set; then the three bytes arrive through IRQ 4 interrupts,
 * one byte each (FIFOs off), each with IIR = 0x04.
 */
	CASE uart, case_uart
case_uart:
	UART_OUT UART_SCR, 0xAA
	UART_IN	UART_SCR
	CHECK	scratch-0xaa, 0xAA
	UART_OUT UART_SCR, 0x55
	UART_IN	UART_SCR
	CHECK	scratch-0x55, 0x55
	UART_OUT UART_LCR, 0x83			/* DLAB, 8N1 */
	UART_OUT UART_DLL, 0x01			/* 115200 */
	UART_OUT UART_DLM, 0x00
	UART_IN	UART_DLL
	CHECK	divisor-low, 0x01
	UART_IN	UART_DLM
	CHECK	divisor-high, 0x00
	UART_OUT UART_LCR, 0x03
	UART_IN	UART_LCR
	CHECK	lcr, 0x03
	UART_IN	UART_LSR
	CHECK	lsr-idle, 0x60
	UART_IN	UART_IIR
	CHECK	iir-none, 0x01
	UART_IN	UART_MSR
	CHECK	msr-cts-dsr-dcd, 0xB0

	leaq	s_uart_out(%rip), %rsi
1:	movb	(%rsi), %cl
	testb	%cl, %cl
	jz	3f
2:	UART_IN	UART_LSR
	testb	$0x20, %al
	jz	2b
	movw	$PORT_COM1 + UART_THR, %dx
	movb	%cl, %al
	outb	%al, %dx
	incq	%rsi
	jmp	1b

3:	/* Input through IRQ 4. */
	movl	$IDT, %edi
	movl	$4096 / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	leaq	uart_isr(%rip), %rax
	movl	$0x20 + UART_IRQ, %edi
	call	idt_set
	lidt	idtr(%rip)
	movb	$~(1 << UART_IRQ), %al
	call	pic_init
	movb	$0x0A, %al			/* OCW3: reads of 0x20 give IRR */
	outb	%al, $PORT_PIC1_CMD
	UART_OUT UART_IER, 0x01			/* received data available */
	UART_OUT UART_MCR, 0x03			/* DTR, RTS; OUT2 clear */
	UART_IN	UART_LSR
	CHECK	lsr-before-input, 0x60
	UART_OUT UART_MCR, 0x0B			/* OUT2 */
	call	irr_irq4
	CHECK	irq4-low-nothing-pending, 0
	UART_OUT UART_MCR, 0x03
	NOTE	waiting-for-input
4:	UART_IN	UART_LSR
	testb	$0x01, %al
	jz	4b
	UART_IN	UART_IIR
	CHECK	iir-received-data, 0x04
	call	irr_irq4
	CHECK	irq4-low-while-out2-clear, 0
	UART_OUT UART_MCR, 0x0B			/* OUT2 */
	call	irr_irq4
	CHECK	irq4-raised-with-out2, 1 << UART_IRQ
5:	cli
	cmpl	$3, G_RXCOUNT
	jae	6f
	sti
	hlt
	jmp	5b
6:	movl	G_RXBUF, %eax
	andl	$0xFFFFFF, %eax
	CHECK	received-abc, 0x636261
	movl	G_IRQS, %eax
	CHECK	interrupts, 3
	movl	G_IIR, %eax
	CHECK	iir-in-each-interrupt, 0x040404
	UART_IN	UART_LSR
	CHECK	lsr-after-input, 0x60
	UART_OUT UART_IER, 0x00
	movb	$0xFF, %al
	outb	%al, $PORT_PIC1_DATA
	ret

/* ---------------------------------------------------------------------
 * Resets and power-off.
 */

/* triple_fault: no usable IDT, then an exception. */
triple_fault:
	lidt	idtr_null(%rip)
	ud2

reset_cf9:
	movw	$PORT_RESET, %dx
	movb	$0x06, %al			/* RST_CPU | SYS_RST */
	outb	%al, %dx
	ret

reset_kbd:
	movb	$0xFE, %al			/* pulse the reset line */
	outb	%al, $PORT_KBD_CMD
	ret

reset_port92:
	inb	$PORT_A20, %al
	orb	$0x01, %al			/* fast reset */
	outb	%al, $PORT_A20
	ret

/* The reset cases with --no-reboot: the VMM must end with status 3. */
	CASE reset-cf9, case_reset_cf9
case_reset_cf9:
	leaq	reset_cf9(%rip), %rax
	jmp	reset_now
	CASE reset-kbd, case_reset_kbd
case_reset_kbd:
	leaq	reset_kbd(%rip), %rax
	jmp	reset_now
	CASE reset-port92, case_reset_port92
case_reset_port92:
	leaq	reset_port92(%rip), %rax
reset_now:
	NOTE	resetting
	call	*%rax
	leaq	s_no_reset(%rip), %rdi
	call	fail_line
	ret

/*
 * The reboot cases without --no-reboot: the first boot leaves a marker in
 * VARS (0x16000, erased in the template) and resets; the VMM rebuilds the
 * machine and the second boot, seeing the marker, passes and powers off.
 */
	CASE reboot-cf9, case_reboot_cf9
case_reboot_cf9:
	leaq	reset_cf9(%rip), %rax
	jmp	reboot_now
	CASE reboot-triple-fault, case_reboot_triple_fault
case_reboot_triple_fault:
	leaq	triple_fault(%rip), %rax
reboot_now:
	movl	$VARS_BASE, %ebx
	movzbl	0x16000(%rbx), %ecx
	cmpl	$0xFF, %ecx
	jne	1f
	NOTE	first-boot
	pushq	%rax
	movl	$0x16000, %edi
	movb	$0x01, %al
	call	vars_program
	popq	%rax
	call	*%rax
	leaq	s_no_reset(%rip), %rdi
	call	fail_line
	ret
1:	movq	%rcx, %rax
	CHECK	marker-after-reboot, 0x01
	ret

/*
 * reboot-mid-command: the first boot leaves the flash in the middle of a
 * command (status 0xB0 from an unconfirmed erase, then a program setup
 * waiting for its data) and resets; after the reset the flash must read
 * as an array again (ROMD: no exit), with status 0x80, nothing written.
 * MMIO exits: 6 [W] in the first boot, 2 [W] + 1 [R] in the second.
 */
	CASE reboot-mid-command, case_reboot_mid_command
case_reboot_mid_command:
	movl	$VARS_BASE, %ebx
	movzbl	0x16000(%rbx), %ecx
	cmpl	$0xFF, %ecx
	jne	1f
	NOTE	first-boot
	movl	$0x16000, %edi
	movb	$0x01, %al
	call	vars_program				/* [W] x3 */
	movb	$CFI_ERASE, 0x6000(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x6000(%rbx)		/* [W] status 0xB0 */
	movb	$CFI_PROGRAM, 0x3(%rbx)			/* [W] awaits data */
	call	reset_cf9
	leaq	s_no_reset(%rip), %rdi
	call	fail_line
	ret
1:	movq	%rcx, %rax
	CHECK	marker-after-reboot, 0x01
	movzbl	0x3(%rbx), %eax
	CHECK	array-after-reset, 0x5A
	movb	$CFI_READ_STATUS, 0x100(%rbx)		/* [W] */
	movzbl	0x100(%rbx), %eax			/* [R] */
	CHECK	status-after-reset, 0x80
	movb	$CFI_READ_ARRAY, 0x100(%rbx)		/* [W] */
	movl	0x6000(%rbx), %eax
	CHECK	block6-intact, 0x5A006000
	ret

	CASE poweroff, case_poweroff
case_poweroff:
	ret

	.section .rodata
s_e820_file:	.asciz "etc/e820"
s_absent_file:	.asciz "opt/testfw/absent"
s_uart_out:	.asciz "testfw-uart-output\r\n"
s_no_reset:	.asciz "still-running-after-reset"
	.balign	8
idtr:		.word 4096 - 1
		.quad IDT
idtr_null:	.word 0
		.quad 0
	.text
