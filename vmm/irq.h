/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupt glue between the VMM's own interrupt sources and KVM.
 *
 * Kernel irqchip (VMM_IRQCHIP_KERNEL): KVM owns PIC, IOAPIC and PIT; device
 * lines go to KVM_IRQ_LINE.  Split irqchip (VMM_IRQCHIP_SPLIT,
 * KVM_CAP_SPLIT_IRQCHIP with 24 IOAPIC routes reserved): only the LAPIC is
 * in the kernel; devices/pic, devices/ioapic and devices/pit run here:
 *   - ISA IRQ n drives PIC input n and IOAPIC pin n, except IRQ 0, which
 *     reaches pin 2 (the MADT's interrupt source override); GSIs 16-23 the
 *     IOAPIC only.
 *   - The PIC's INTR becomes an ExtINT: KVM_INTERRUPT with the vector of
 *     the INTA cycle, when KVM says the vCPU can take one
 *     (ready_for_interrupt_injection, i.e. IF set and LINT0 in ExtINT
 *     mode), else request_interrupt_window for an exit when it can.
 *   - Each IOAPIC redirection entry is mirrored as an MSI GSI route
 *     (KVM_SET_GSI_ROUTING), which is how KVM learns which vectors are
 *     level-triggered and reports their EOIs as KVM_EXIT_IOAPIC_EOI; the
 *     messages themselves go out with KVM_SIGNAL_MSI.
 *
 * Time: one POSIX timer (CLOCK_MONOTONIC, absolute) armed for the earliest
 * deadline of the PIT and the RTC, delivered as VMM_TIMER_SIGNAL to the
 * thread in vmm_run().  That signal is blocked in the thread and unblocked
 * only inside KVM_RUN (KVM_SET_SIGNAL_MASK), so no handler is installed: a
 * due deadline makes KVM_RUN return EINTR, the pending signal is taken with
 * sigtimedwait(), and the devices are updated before the next entry.
 */
#ifndef VMM_IRQ_H
#define VMM_IRQ_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct vmm;
struct irqchip;

#define VMM_TIMER_SIGNAL (SIGRTMAX - 1)

int irq_create(struct vmm *vm);			/* after platform_create */
void irq_destroy(struct vmm *vm);
void irq_reset(struct vmm *vm);			/* devices to power-on */
/* After each machine_build(): the VM is new, routes must be loaded. */
int irq_machine_ready(struct vmm *vm);
/* Drive an interrupt line (device host callback). */
void irq_set_line(struct vmm *vm, unsigned gsi, int level);
/* Before each KVM_RUN: timers due, routes, ExtINT injection, deadline. */
int irq_before_run(struct vmm *vm);
/* KVM_RUN returned EINTR: take a pending timer signal. */
void irq_after_eintr(struct vmm *vm);
/* KVM_EXIT_IOAPIC_EOI. */
void irq_ioapic_eoi(struct vmm *vm, unsigned vector);
/* The timer interrupt counts of vmm_get_stats(). */
struct vmm_stats;
void irq_get_stats(const struct vmm *vm, struct vmm_stats *st);
/*
 * Make the thread in vmm_run() leave KVM_RUN now (or not enter it): sends
 * it VMM_TIMER_SIGNAL, blocked there outside KVM_RUN, so it stays pending
 * until the next entry or irq_run_end() drains it.  Async-signal-safe and
 * callable from any thread; nothing is sent once irq_run_end() began.
 */
void irq_kick_thread(struct vmm *vm);
/* Thread set-up at the start of vmm_run() and undone at its end. */
int irq_run_begin(struct vmm *vm);
void irq_run_end(struct vmm *vm);

/* Snapshot/restore of the interrupt glue (not the devices themselves). */
size_t irq_state_size(void);
void irq_save(struct vmm *vm, void *buf);
void irq_load(struct vmm *vm, const void *buf);

#endif
