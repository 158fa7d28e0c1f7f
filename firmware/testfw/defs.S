/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: constants and assembler macros, included by testfw.S first.
 * Addresses and ports follow vmm/layout.h (QEMU's i440FX pc machine).
 */

/* The image and the flash below it (the runner always uses these sizes). */
#define IMAGE_BASE	0xFFFF0000	/* 64 KiB image ending at 4 GiB */
#define VARS_SIZE	0x20000		/* 128 KiB: 32 blocks of 4 KiB */
#define VARS_BASE	(IMAGE_BASE - VARS_SIZE)
#define VARS_PATTERN	0x5A000000	/* dword at o < 64 KiB = this + o */
#define VARS_PATTERN_END 0x10000	/* blocks 16..31 are erased (0xFF) */
#define FLASH_BLOCK	0x1000

/* GDT selectors (testfw.S). */
#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18
#define SEL_DATA_X87	0x20	/* data segment with base X87_32 */

/* Control registers and MSRs. */
#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_TS		0x00000008
#define CR0_NE		0x00000020
#define CR0_NW		0x20000000
#define CR0_CD		0x40000000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define MSR_EFER	0xC0000080
#define EFER_LME	0x00000100
#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080

/*
 * Low RAM used by the firmware (below 1 MiB, so any --memory works).
 * Page tables: PML4, one PDPT, four page directories for 0..4 GiB and one
 * "window" directory mapped at 4 GiB whose entries cases point anywhere.
 */
#define PML4		0x1000
#define PDPT		0x2000
#define PD0		0x3000
#define PD_WIN		0x7000
#define PT_END		0x8000
#define WINDOW_VA	0x100000000	/* PD_WIN[i] maps WINDOW_VA + i * 2 MiB */
#define X87_32		0x8000	/* x87 case: operands/results, 32-bit run */
#define X87_64		0x9000	/* the same for the 64-bit run */
#define IDT		0xA000	/* 256 long-mode gates */
#define FWCFG_BUF	0xB000	/* one directory entry / file contents */
#define GLOBALS		0xC000
#define GLOBALS_SIZE	0x1000
#define G_FAILS		(GLOBALS + 0x00)	/* u32 failed checks */
#define G_IRQS		(GLOBALS + 0x04)	/* u32 UART interrupts taken */
#define G_RXCOUNT	(GLOBALS + 0x08)	/* u32 bytes received */
#define G_IIR		(GLOBALS + 0x0C)	/* u32 IIR values, OR-ed << 8*n */
#define G_RXBUF		(GLOBALS + 0x10)	/* 16 bytes received */
#define G_CASE		(GLOBALS + 0x40)	/* case name, NUL-terminated */
#define G_CASE_MAX	63
#define G_HEX		(GLOBALS + 0x80)	/* puthex buffer */
#define SCRATCH		0xD000
/* An MMIO page no device claims (where an HPET would be). */
#define UNBACKED_MMIO	0xFED00000
#define STACK_TOP	0x80000

/* Ports. */
#define PORT_PIC1_CMD	0x20
#define PORT_PIC1_DATA	0x21
#define PORT_PIC2_CMD	0xA0
#define PORT_PIC2_DATA	0xA1
#define PORT_PIT_CH0	0x40
#define PORT_PIT_CH2	0x42
#define PORT_PIT_CMD	0x43
#define PORT_KBD_CMD	0x64
#define PORT_SPEAKER	0x61
#define PORT_CMOS_INDEX	0x70
#define PORT_CMOS_DATA	0x71
#define PORT_A20	0x92
#define PORT_COM1	0x3F8
#define PORT_DEBUGCON	0x402
#define PORT_FWCFG_SEL	0x510
#define PORT_FWCFG_DATA	0x511
#define PORT_PCI_ADDR	0xCF8
#define PORT_RESET	0xCF9
#define PORT_PCI_DATA	0xCFC

/* UART registers (offsets from PORT_COM1). */
#define UART_RBR	0
#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_IIR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7
#define UART_IRQ	4

/* fw_cfg. */
#define FWCFG_SIGNATURE	0x00
#define FWCFG_ID	0x01
#define FWCFG_FILE_DIR	0x19
#define FWCFG_MAX_FILES	64

/* PCI: CONFIG_ADDRESS values (enable | bus | dev << 11 | fn << 8 | reg). */
#define PCI_ADDR(dev, fn, reg)	(0x80000000 | ((dev) << 11) | ((fn) << 8) | (reg))
#define PCI_PM_PMBA	PCI_ADDR(1, 3, 0x40)
#define PCI_PM_MISC	PCI_ADDR(1, 3, 0x80)
#define PM_BASE		0xB000	/* where OVMF puts PMBA */
#define PM1_CNT		0x04
#define PM_TMR		0x08
#define PM1_SLP_EN	0x2000

/* CFI commands (Intel/Sharp command set, byte-wide, docs/pflash.md). */
#define CFI_PROGRAM	0x10
#define CFI_PROGRAM_ALT	0x40
#define CFI_ERASE	0x20
#define CFI_CLEAR_STATUS 0x50
#define CFI_LOCK_SETUP	0x60
#define CFI_LOCK	0x01
#define CFI_READ_STATUS	0x70
#define CFI_READ_ID	0x90
#define CFI_QUERY	0x98
#define CFI_CONFIRM	0xD0
#define CFI_BUFFER	0xE8
#define CFI_AMD_RESET	0xF0
#define CFI_READ_ARRAY	0xFF

/*
 * CHECK name, want: the check passes when %rax equals the constant (want).
 * CHECKR name, reg: the same against a register.  Both preserve every
 * register and the flags are not kept.
 */
.macro CHECK name:req, want:req
	pushq	%rdx
	pushq	%rdi
	movabsq	$\want, %rdx
	leaq	.Lchk_name\@(%rip), %rdi
	call	check
	popq	%rdi
	popq	%rdx
	.pushsection .rodata
.Lchk_name\@:
	.asciz	"\name"
	.popsection
.endm

.macro CHECKR name:req, reg:req
	pushq	%rdx
	pushq	%rdi
	movq	\reg, %rdx
	leaq	.Lchkr_name\@(%rip), %rdi
	call	check
	popq	%rdi
	popq	%rdx
	.pushsection .rodata
.Lchkr_name\@:
	.asciz	"\name"
	.popsection
.endm

/* NOTE text: an information line for the runner. */
.macro NOTE text:req
	pushq	%rdi
	leaq	.Lnote\@(%rip), %rdi
	call	note
	popq	%rdi
	.pushsection .rodata
.Lnote\@:
	.asciz	"\text"
	.popsection
.endm

/* NOTEHEX text: "note text=0x<%rax>". */
.macro NOTEHEX text:req
	pushq	%rdi
	leaq	.Lnotehex\@(%rip), %rdi
	call	note_hex
	popq	%rdi
	.pushsection .rodata
.Lnotehex\@:
	.asciz	"\text"
	.popsection
.endm

/* CASE name, function: add a case to the table run_case searches. */
.macro CASE name:req, fn:req
	.pushsection .rodata.cases, "a"
	.quad	.Lcase_name\@, \fn
	.popsection
	.pushsection .rodata
.Lcase_name\@:
	.asciz	"\name"
	.popsection
.endm
