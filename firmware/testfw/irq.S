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

/*
 * IRQ 0 (vector 0x20): the first time, record the master's ISR; the 20th
 * masks IRQ 0 at once, so a burst of late ticks (KVM's PIT re-injects
 * ticks a descheduled vCPU missed) cannot slip in before irq_wait's CLI.
 */
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
	cmpl	$20, G_IRQS
	jb	2f
	movb	$0xFF, %al
	outb	%al, $PORT_PIC1_DATA
2:	movb	$0x20, %al			/* non-specific EOI */
	outb	%al, $PORT_PIC1_CMD
	popq	%rax
	iretq

/*
 * pit-irq: counter 0 in mode 2 (rate generator, 8254 datasheet "Mode 2")
 * with N = 1193 (1.0 ms), IRQ 0 unmasked on the master: 20 interrupts,
 * ISR bit 0 set inside the handler (8259A "Interrupt Sequence"), and the
 * 20 took no less than 19 periods from the programming (68001 PM ticks:
 * never faster than programmed) and less than 100 ms (357954 PM ticks).
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
	/* Time from before the counter starts: a guest held up between
	 * programming it and a later first sample would see the missed
	 * periods merged into one interrupt and count too few. */
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %r9d
	movb	$0x34, %al			/* ch 0, lo/hi, mode 2, binary */
	outb	%al, $PORT_PIT_CMD
	movb	$0xA9, %al
	outb	%al, $PORT_PIT_CH0
	movb	$0x04, %al			/* 0x04A9 = 1193 */
	outb	%al, $PORT_PIT_CH0
	movl	$20, %ecx
	call	irq_wait
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	subl	%r9d, %eax
	andl	$0xFFFFFF, %eax
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

/* --- the RTC on IRQ 8 and the IOAPIC ------------------------------------ */

#define CMOS_A		0x0A
#define CMOS_B		0x0B
#define CMOS_C		0x0C
#define CMOS_B_PIE	0x40
#define PORT_ELCR1	0x4D0
#define LAPIC_EOI	0xFEE000B0
#define LAPIC_SVR	0xFEE000F0
#define IOAPIC_SEL	0xFEC00000
#define IOAPIC_WIN	0xFEC00010
#define IOAPIC_RTE8	0x20		/* pin 8's entry, low dword */
#define G_REC		G_IIR		/* bytes recorded by the handlers */
#define G_IRQS2		(SCRATCH + 0x00)	/* u32 second handler's count */

/* rtc_reg: %al = CMOS register %al. */
rtc_reg:
	outb	%al, $PORT_CMOS_INDEX
	inb	$PORT_CMOS_DATA, %al
	ret

/* cmos_pie: register B's PIE bit set (%al != 0) or cleared (%al = 0). */
cmos_pie:
	movb	%al, %ah
	movb	$CMOS_B, %al
	call	rtc_reg
	andb	$~CMOS_B_PIE, %al
	testb	%ah, %ah
	jz	1f
	orb	$CMOS_B_PIE, %al
1:	movb	%al, %ah
	movb	$CMOS_B, %al
	outb	%al, $PORT_CMOS_INDEX
	movb	%ah, %al
	outb	%al, $PORT_CMOS_DATA
	ret

/* rtc_periodic_1024: rate 6 (976.5625 us, MC146818 Table "Periodic
 * Interrupt Rate"), divider 010 (32.768 kHz), flags cleared, PIE on. */
rtc_periodic_1024:
	movb	$CMOS_A, %al
	outb	%al, $PORT_CMOS_INDEX
	movb	$0x26, %al
	outb	%al, $PORT_CMOS_DATA
	movb	$CMOS_C, %al
	call	rtc_reg
	movb	$1, %al
	jmp	cmos_pie

/* pm_delay: interrupts on for %ecx PM-timer ticks (no hlt: nothing may be
 * due to wake it), then off again. */
pm_delay:
	pushq	%rbx
	movw	$PM_BASE + PM_TMR, %dx
	inl	%dx, %eax
	movl	%eax, %ebx
	sti
1:	inl	%dx, %eax
	subl	%ebx, %eax
	andl	$0xFFFFFF, %eax
	cmpl	%ecx, %eax
	jb	1b
	cli
	popq	%rbx
	ret

pic_eoi_both:
	movb	$0x20, %al			/* non-specific EOI, slave first */
	outb	%al, $PORT_PIC2_CMD
	outb	%al, $PORT_PIC1_CMD
	ret

/* IRQ 8 (vector 0x28), edge: the first time record register C and then
 * the slave's IRR; always read C, which lowers IRQ 8. */
rtc_isr:
	pushq	%rax
	/*
	 * The slave's IRR first, while IRQ 8 is still asserted (register C
	 * unread): no new edge can set it whatever the host's exit latency;
	 * after reading C the next period may already have raised it again.
	 */
	movb	$0x0A, %al			/* OCW3: read IRR */
	outb	%al, $PORT_PIC2_CMD
	inb	$PORT_PIC2_CMD, %al
	cmpl	$0, G_IRQS
	jne	2f
	movb	%al, G_REC + 1
2:	movb	$CMOS_C, %al
	call	rtc_reg
	cmpl	$0, G_IRQS
	jne	1f
	movb	%al, G_REC
1:	incl	G_IRQS
	call	pic_eoi_both
	popq	%rax
	iretq

/*
 * rtc-irq: the MC146818's periodic interrupt at 1024 Hz through the slave
 * 8259A: 16 interrupts; inside the handler register C reads IRQF | PF
 * (0xC0) and, IRQ 8 being edge-triggered, the slave's IRR bit is clear
 * (8259A "Interrupt Sequence": INTA resets the IRR bit); the 16 took no
 * less than 15 periods (52430 PM ticks) and less than 100 ms.  With PIE
 * cleared, PF still sets (MC146818 "Periodic Interrupt": the flag is
 * independent of its enable) but IRQF does not.
 */
	CASE rtc-irq, case_rtc_irq
case_rtc_irq:
	movl	$PM_BASE, %ecx
	call	pm_enable
	leaq	rtc_isr(%rip), %rax
	movl	$0x28, %edi
	call	irq_idt
	movb	$0xFB, %al			/* master: the cascade only */
	call	pic_init
	movb	$0xFE, %al			/* slave: IRQ 8 */
	outb	%al, $PORT_PIC2_DATA
	call	rtc_periodic_1024
	movl	$16, %ecx
	call	irq_wait
	movl	%eax, %r8d
	movb	$0xFF, %al
	outb	%al, $PORT_PIC2_DATA
	xorb	%al, %al
	call	cmos_pie
	movb	$CMOS_C, %al
	call	rtc_reg
	movl	$7159, %ecx			/* 2 ms: two periods */
	call	pm_delay
	movb	$CMOS_C, %al
	call	rtc_reg
	andl	$0xC0, %eax
	movl	%eax, %r9d
	movl	G_IRQS, %eax
	CHECK	interrupts, 16
	movzbl	G_REC, %eax
	andl	$0xC0, %eax
	CHECK	reg-c-in-handler, 0xC0
	movzbl	G_REC + 1, %eax
	andl	$0x01, %eax
	CHECK	slave-irr-edge-in-handler, 0
	movl	%r8d, %eax
	movl	$52430, %esi
	movl	$357954, %edi
	call	in_range
	CHECK	sixteen-periods-not-early, 1
	movl	%r9d, %eax
	CHECK	pf-without-pie, 0x40
	ret

/* IRQ 4 (vector 0x24), level: the first time record the master's IRR;
 * the first three leave the UART's THRE interrupt unacknowledged, so IRQ 4
 * stays high across their EOIs; the fourth reads IIR (recorded), which
 * acknowledges it (16550 "IIR": reading it clears a THRE interrupt), and
 * turns ETBEI off. */
uart_level_isr:
	pushq	%rax
	pushq	%rdx
	incl	G_IRQS
	cmpl	$1, G_IRQS
	jne	1f
	movb	$0x0A, %al			/* OCW3: read IRR */
	outb	%al, $PORT_PIC1_CMD
	inb	$PORT_PIC1_CMD, %al
	movb	%al, G_REC + 1
1:	cmpl	$4, G_IRQS
	jb	2f
	movw	$PORT_COM1 + UART_IIR, %dx
	inb	%dx, %al
	movb	%al, G_REC
	movw	$PORT_COM1 + UART_IER, %dx
	xorb	%al, %al
	outb	%al, %dx
2:	movb	$0x20, %al
	outb	%al, $PORT_PIC1_CMD
	popq	%rdx
	popq	%rax
	iretq

/*
 * pic-level: IRQ 4 made level-triggered in the ELCR (port 0x4D0 bit 4;
 * PIIX "ELCR1": IRQ 0, 1 and 2 cannot be, nor IRQ 8 in ELCR2): a line still
 * high at EOI is delivered again (8259A "Level Triggered Mode": IRR
 * follows the line), so the UART's one THRE interrupt (IER.ETBEI with
 * MCR.OUT2) runs the handler four times, its IRR bit is set inside the
 * handler, the fourth acknowledges it (IIR 0x02: THRE, FIFOs off), and
 * 3 ms later nothing more came.
 */
	CASE pic-level, case_pic_level
case_pic_level:
	movl	$PM_BASE, %ecx
	call	pm_enable
	leaq	uart_level_isr(%rip), %rax
	movl	$0x24, %edi
	call	irq_idt
	movb	$0xEF, %al			/* IRQ 4 only */
	call	pic_init
	movb	$0x10, %al
	movw	$PORT_ELCR1, %dx
	outb	%al, %dx
	inb	%dx, %al
	movzbl	%al, %r9d
	movw	$PORT_COM1 + UART_MCR, %dx	/* OUT2: the PC's IRQ gate */
	movb	$0x08, %al
	outb	%al, %dx
	movw	$PORT_COM1 + UART_IER, %dx	/* ETBEI: THR is empty, so now */
	movb	$0x02, %al
	outb	%al, %dx
	movl	$4, %ecx
	call	irq_wait
	movl	$10738, %ecx			/* 3 ms */
	call	pm_delay
	movb	$0xFF, %al
	outb	%al, $PORT_PIC1_DATA
	movw	$PORT_COM1 + UART_MCR, %dx
	xorb	%al, %al
	outb	%al, %dx
	movb	$0x00, %al			/* ELCR back to edge */
	movw	$PORT_ELCR1, %dx
	outb	%al, %dx
	movl	%r9d, %eax
	CHECK	elcr1, 0x10
	movl	G_IRQS, %eax
	CHECK	interrupts, 4
	movzbl	G_REC + 1, %eax
	andl	$0x10, %eax
	CHECK	master-irr-level-in-handler, 0x10
	movzbl	G_REC, %eax
	CHECK	iir-fourth, 0x02
	ret

/* ioapic_rw: IOAPIC register %edi: read into %eax, or write %esi first
 * when %edx != 0. */
ioapic_rw:
	pushq	%rcx
	movl	$IOAPIC_SEL, %ecx
	movl	%edi, (%rcx)
	testl	%edx, %edx
	jz	1f
	movl	%esi, IOAPIC_WIN - IOAPIC_SEL(%rcx)
1:	movl	IOAPIC_WIN - IOAPIC_SEL(%rcx), %eax
	popq	%rcx
	ret

/* Vector 0x48, pin 8 edge: read C, count, LAPIC EOI. */
ioapic_edge_isr:
	pushq	%rax
	movb	$CMOS_C, %al
	call	rtc_reg
	incl	G_IRQS
	movl	$LAPIC_EOI, %eax
	movl	$0, (%rax)
	popq	%rax
	iretq

/* Vector 0x49, pin 8 level: the first time record the entry's remote IRR
 * (bit 14); the first two leave C unread, the third reads it and clears
 * PIE. */
ioapic_level_isr:
	pushq	%rax
	pushq	%rdx
	pushq	%rdi
	pushq	%rsi
	incl	G_IRQS2
	cmpl	$1, G_IRQS2
	jne	1f
	movl	$IOAPIC_RTE8, %edi
	xorl	%edx, %edx
	call	ioapic_rw
	shrl	$14, %eax
	andb	$1, %al
	movb	%al, G_REC + 2
1:	cmpl	$3, G_IRQS2
	jne	2f
	movb	$CMOS_C, %al
	call	rtc_reg
	movb	%al, G_REC + 3
	xorb	%al, %al
	call	cmos_pie
2:	movl	$LAPIC_EOI, %eax
	movl	$0, (%rax)
	popq	%rsi
	popq	%rdi
	popq	%rdx
	popq	%rax
	iretq

/*
 * ioapic-rtc: the 8259As masked, the local APIC software-enabled, the
 * RTC's IRQ 8 through IOAPIC pin 8.  82093AA "IOAPICVER": version 0x11,
 * 24 entries (0x17 in bits 23:16).  An edge entry to vector 0x48: 16
 * periodic interrupts.  Masked (bit 16): none in 3 ms although the RTC
 * keeps raising its flag.  A level entry (bit 15) to vector 0x49: remote
 * IRR (bit 14) set while the handler runs, and the line still high at the
 * local APIC's EOI delivers it again ("Remote IRR": cleared by the EOI
 * message), so the third delivery still finds the one periodic event's
 * flag in register C.  (How many deliveries follow the read of C is not
 * checked: PVM's local APIC shows one more, with the kernel's IOAPIC and
 * the VMM's alike.)  The level entry's readback is compared less its
 * read-only status bits (delivery status 12, remote IRR 14): the RTC may
 * raise IRQ 8 again between the read of C and the write on a slow host,
 * and then the entry is delivered at once.
 */
	CASE ioapic-rtc, case_ioapic_rtc
case_ioapic_rtc:
	movl	$PM_BASE, %ecx
	call	pm_enable
	leaq	ioapic_edge_isr(%rip), %rax
	movl	$0x48, %edi
	call	irq_idt
	leaq	ioapic_level_isr(%rip), %rax
	movl	$0x49, %edi
	call	idt_set
	movl	$0, G_IRQS2
	movb	$0xFF, %al			/* both 8259As masked */
	call	pic_init
	movl	$LAPIC_SVR, %eax		/* APIC on, spurious vector 0xFF */
	movl	$0x1FF, (%rax)
	movl	$1, %edi
	xorl	%edx, %edx
	call	ioapic_rw
	movl	%eax, %r10d
	movl	$IOAPIC_RTE8 + 1, %edi		/* destination: APIC 0 */
	xorl	%esi, %esi
	movl	$1, %edx
	call	ioapic_rw
	movl	$IOAPIC_RTE8, %edi		/* fixed, physical, edge, high */
	movl	$0x48, %esi
	movl	$1, %edx
	call	ioapic_rw
	call	rtc_periodic_1024
	movl	$16, %ecx
	call	irq_wait
	movl	$IOAPIC_RTE8, %edi		/* masked */
	movl	$0x10048, %esi
	movl	$1, %edx
	call	ioapic_rw
	movb	$CMOS_C, %al
	call	rtc_reg
	movl	$10738, %ecx			/* 3 ms */
	call	pm_delay
	movl	G_IRQS, %r8d
	movb	$CMOS_C, %al
	call	rtc_reg
	movl	$IOAPIC_RTE8, %edi		/* level, unmasked, vector 0x49 */
	movl	$0x8049, %esi
	movl	$1, %edx
	call	ioapic_rw
	movl	%eax, %r11d
	movl	$10738, %ecx
	call	pm_delay
	movl	$IOAPIC_RTE8, %edi		/* masked again */
	movl	$0x10049, %esi
	movl	$1, %edx
	call	ioapic_rw
	movl	%r10d, %eax
	CHECK	ioapic-version, 0x00170011
	movl	%r8d, %eax
	CHECK	edge-interrupts, 16
	movl	G_IRQS, %eax
	CHECK	none-while-masked, 16
	movl	%r11d, %eax
	andl	$~0x5000, %eax			/* less the status bits */
	CHECK	level-entry-readback, 0x8049
	movzbl	G_REC + 3, %eax
	andl	$0xC0, %eax
	CHECK	reg-c-at-third-delivery, 0xC0
	movzbl	G_REC + 2, %eax
	CHECK	remote-irr-in-handler, 1
	ret
