/* SPDX-License-Identifier: Apache-2.0 */
/* ---------------------------------------------------------------------
 * Timer interrupts through the 8259A pair, on either irqchip (the runner
 * runs each case with --irqchip kernel and split).
 *
 * irq_idt: a cleared IDT with gate (%edi) -> (%rax), loaded.
 */
irq_idt:
	pushq	%rax
	pushq	%rdi
	movl	$IDT, %edi
	movl	$4096 / 4, %ecx
	xorl	%eax, %eax
	rep stosl
	popq	%rdi
	popq	%rax
	call	idt_set
	lidt	idtr(%rip)
	movl	$0, G_IRQS
	movl	$0, G_IIR
	ret

/* irq_wait: sti/hlt until G_IRQS reaches %ecx; %eax = PM ticks taken. */
irq_wait:
	pushq	%rbx
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %ebx
1:	cli
	cmpl	%ecx, G_IRQS
	jae	2f
	sti
	hlt
	jmp	1b
2:	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	subl	%ebx, %eax
	andl	$0xFFFFFF, %eax
	popq	%rbx
	ret

/* in_range: %eax = 1 when %esi <= %eax <= %edi, else 0. */
in_range:
	cmpl	%esi, %eax
	jb	1f
	cmpl	%edi, %eax
	ja	1f
	movl	$1, %eax
	ret
1:	xorl	%eax, %eax
	ret

/* IRQ 0 (vector 0x20): the first time, record the master's ISR. */
pit_isr:
	pushq	%rax
	cmpl	$0, G_IRQS
	jne	1f
	movb	$0x0B, %al			/* OCW3: read ISR */
	outb	%al, $PORT_PIC1_CMD
	inb	$PORT_PIC1_CMD, %al
	movb	%al, G_IIR
	movb	$0x0A, %al			/* OCW3: read IRR again */
	outb	%al, $PORT_PIC1_CMD
1:	incl	G_IRQS
	movb	$0x20, %al			/* non-specific EOI */
	outb	%al, $PORT_PIC1_CMD
	popq	%rax
	iretq

/*
 * pit-irq: counter 0 in mode 2 (rate generator, 8254 datasheet "Mode 2")
 * with N = 1193 (1.0 ms), IRQ 0 unmasked on the master: 20 interrupts,
 * ISR bit 0 set inside the handler (8259A "Interrupt Sequence"), and the
 * 20 took no less than 19 periods (68001 PM ticks: never faster than
 * programmed) and less than 100 ms (357954 PM ticks).
 */
	CASE pit-irq, case_pit_irq
case_pit_irq:
	movl	$PM_BASE, %ecx
	call	pm_enable
	leaq	pit_isr(%rip), %rax
	movl	$0x20, %edi
	call	irq_idt
	movb	$0xFE, %al			/* IRQ 0 only */
	call	pic_init
	movb	$0x34, %al			/* ch 0, lo/hi, mode 2, binary */
	outb	%al, $PORT_PIT_CMD
	movb	$0xA9, %al
	outb	%al, $PORT_PIT_CH0
	movb	$0x04, %al			/* 0x04A9 = 1193 */
	outb	%al, $PORT_PIT_CH0
	movl	$20, %ecx
	call	irq_wait
	movl	%eax, %r8d
	movb	$0xFF, %al
	outb	%al, $PORT_PIC1_DATA
	movb	$0x30, %al			/* ch 0 back to mode 0, no count */
	outb	%al, $PORT_PIT_CMD
	movl	G_IRQS, %eax
	CHECK	interrupts, 20
	movzbl	G_IIR, %eax
	CHECK	isr-irq0-in-handler, 0x01
	movl	%r8d, %eax
	movl	$68001, %esi
	movl	$357954, %edi
	call	in_range
	CHECK	twenty-periods-not-early, 1
	ret
