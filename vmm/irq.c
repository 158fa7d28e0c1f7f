// SPDX-License-Identifier: Apache-2.0
/*
 * Interrupt glue: the split irqchip's devices on KVM, and the one timer of
 * the event loop.  See irq.h for the wiring and why it is done this way.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "devices/cmos/cmos.h"
#include "devices/ioapic/ioapic.h"
#include "devices/pic/pic.h"
#include "devices/pit/pit.h"
#include "vmm/irq.h"
#include "vmm/kvm.h"
#include "vmm/layout.h"
#include "vmm/machine.h"

#define LATE_NS		1000000ULL	/* "late": over 1 ms after due */
#define MSI_DM_EXTINT	(7u << 8)	/* delivery mode in MSI data */
#define MSI_DM_MASK	(7u << 8)

struct irqchip {
	struct vmm *vm;
	bool split;
	struct pic *pic;
	struct ioapic *ioapic;
	struct pit *pit;
	struct ioapic_msi msi[LAYOUT_IOAPIC_PINS];
	bool masked[LAYOUT_IOAPIC_PINS];
	bool routes_dirty;
	uint64_t pit_irqs;	/* raised by pit_update() */

	timer_t timer;
	bool have_timer;
	pid_t timer_tid;
	uint64_t armed;		/* deadline the timer is set for */
	sigset_t saved_mask;	/* the thread's mask before vmm_run() */
	sigset_t loaded_mask;	/* what KVM_SET_SIGNAL_MASK last got */
	int loaded_vcpu_fd;	/* ... on this vCPU (-1: none yet) */
	bool mask_saved;
};

static struct irqchip *chip(struct vmm *vm)
{
	return vm->irq;
}

/* --- the split irqchip's outputs --------------------------------------- */

static void ioapic_route(void *ctx, unsigned pin, const struct ioapic_msi *msi,
			 bool masked)
{
	struct irqchip *ic = ctx;

	if (pin >= LAYOUT_IOAPIC_PINS)
		return;
	ic->msi[pin] = *msi;
	ic->masked[pin] = masked;
	ic->routes_dirty = true;
}

static void ioapic_deliver(void *ctx, unsigned pin, const struct ioapic_msi *msi)
{
	struct irqchip *ic = ctx;
	struct vmm *vm = ic->vm;

	/* ExtINT through the IOAPIC: the PIC's vector arrives via LINT0. */
	if ((msi->data & MSI_DM_MASK) == MSI_DM_EXTINT || vm->vm_fd < 0)
		return;
	if (kvm_signal_msi(vm->vm_fd, msi->address, msi->data) >= 0)
		vm->stats.ioapic_msis++;
}

static int load_routes(struct irqchip *ic)
{
	struct kvm_irq_routing_entry ent[LAYOUT_IOAPIC_PINS];
	uint32_t n = 0;
	int rc;

	memset(ent, 0, sizeof(ent));
	for (unsigned pin = 0; pin < LAYOUT_IOAPIC_PINS; pin++) {
		if (ic->masked[pin])
			continue;
		ent[n].gsi = pin;
		ent[n].type = KVM_IRQ_ROUTING_MSI;
		ent[n].u.msi.address_lo = (uint32_t)ic->msi[pin].address;
		ent[n].u.msi.address_hi = (uint32_t)(ic->msi[pin].address >> 32);
		ent[n].u.msi.data = ic->msi[pin].data;
		n++;
	}
	rc = kvm_set_msi_routes(ic->vm->vm_fd, ent, n);
	if (rc == 0)
		ic->routes_dirty = false;
	return rc;
}

/* --- creation ------------------------------------------------------------ */

struct pio_window {
	uint16_t base, len;
	struct vmm_device *dev;
};

static int place_split(struct vmm *vm, struct irqchip *ic)
{
	const struct pio_window pio[] = {
		{ LAYOUT_PORT_PIC_MASTER, PIC_WINDOW_SIZE, pic_master_device(ic->pic) },
		{ LAYOUT_PORT_PIC_SLAVE, PIC_WINDOW_SIZE, pic_slave_device(ic->pic) },
		{ LAYOUT_PORT_ELCR, PIC_ELCR_WINDOW_SIZE, pic_elcr_device(ic->pic) },
		{ LAYOUT_PORT_PIT, PIT_WINDOW_SIZE, pit_device(ic->pit) },
		{ LAYOUT_PORT_SPEAKER, PIT_SPEAKER_WINDOW_SIZE,
		  pit_speaker_device(ic->pit) },
	};
	int rc = 0;

	for (size_t i = 0; i < sizeof(pio) / sizeof(pio[0]) && !rc; i++)
		rc = bus_register(&vm->pio, pio[i].base, pio[i].len, pio[i].dev);
	if (!rc)
		rc = bus_register(&vm->mmio, LAYOUT_IOAPIC, IOAPIC_WINDOW_SIZE,
				  ioapic_device(ic->ioapic));
	return rc;
}

static int create_split(struct vmm *vm, struct irqchip *ic)
{
	const struct pic_output po = { .ctx = ic };
	const struct ioapic_output io = {
		.ctx = ic, .route = ioapic_route, .deliver = ioapic_deliver,
	};
	int rc;

	rc = pic_create(&po, &ic->pic);
	if (!rc)
		rc = ioapic_create(&io, &ic->ioapic);
	if (!rc)
		rc = pit_create(&vm->host, &ic->pit);
	if (!rc)
		rc = place_split(vm, ic);
	return rc;
}

int irq_create(struct vmm *vm)
{
	struct irqchip *ic = calloc(1, sizeof(*ic));
	int rc = 0;

	if (!ic)
		return vmm_fail(vm, -ENOMEM, "out of memory");
	vm->irq = ic;
	ic->vm = vm;
	ic->armed = UINT64_MAX;
	ic->loaded_vcpu_fd = -1;
	ic->split = vm->cfg.irqchip == VMM_IRQCHIP_SPLIT;
	for (unsigned pin = 0; pin < LAYOUT_IOAPIC_PINS; pin++)
		ic->masked[pin] = true;
	if (ic->split)
		rc = create_split(vm, ic);
	if (rc < 0)
		return vmm_fail(vm, rc, "split irqchip devices: %s", strerror(-rc));
	return 0;
}

void irq_destroy(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);

	if (!ic)
		return;
	if (ic->have_timer)
		timer_delete(ic->timer);
	pit_destroy(ic->pit);
	ioapic_destroy(ic->ioapic);
	pic_destroy(ic->pic);
	free(ic);
	vm->irq = NULL;
}

static void reset_one(struct vmm_device *dev)
{
	if (dev && dev->ops->reset)
		dev->ops->reset(dev->opaque);
}

void irq_reset(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);

	if (!ic || !ic->split)
		return;
	reset_one(pic_master_device(ic->pic));
	reset_one(ioapic_device(ic->ioapic));
	reset_one(pit_device(ic->pit));
}

/* A vCPU rebuilt inside vmm_run() (guest reset) needs the mask again. */
static int reload_signal_mask(struct vmm *vm, struct irqchip *ic)
{
	sigset_t inside = ic->saved_mask;
	int rc;

	sigdelset(&inside, VMM_TIMER_SIGNAL);
	/* Every vmm_run() of a fuzzing loop: one ioctl less when unchanged. */
	if (ic->loaded_vcpu_fd == vm->vcpu_fd &&
	    !memcmp(&inside, &ic->loaded_mask, sizeof(inside)))
		return 0;
	rc = kvm_set_signal_mask(vm->vcpu_fd, &inside);
	if (rc < 0)
		return vmm_fail(vm, rc, "KVM_SET_SIGNAL_MASK: %s", strerror(-rc));
	ic->loaded_mask = inside;
	ic->loaded_vcpu_fd = vm->vcpu_fd;
	return 0;
}

int irq_machine_ready(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);
	int rc;

	if (ic && ic->mask_saved) {
		rc = reload_signal_mask(vm, ic);
		if (rc < 0)
			return rc;
	}
	if (!ic || !ic->split)
		return 0;
	rc = load_routes(ic);
	if (rc < 0)
		return vmm_fail(vm, rc, "KVM_SET_GSI_ROUTING: %s", strerror(-rc));
	return 0;
}


/* --- lines --------------------------------------------------------------- */

void irq_set_line(struct vmm *vm, unsigned gsi, int level)
{
	struct irqchip *ic = chip(vm);

	if (!ic || !ic->split) {
		if (vm->vm_fd >= 0)
			kvm_irq_line(vm->vm_fd, gsi, level);
		return;
	}
	if (gsi < 16)
		pic_set_irq(ic->pic, gsi, level);
	if (gsi < LAYOUT_IOAPIC_PINS)
		ioapic_set_irq(ic->ioapic, gsi == 0 ? LAYOUT_IOAPIC_PIN_IRQ0 : gsi,
			       level);
}

void irq_ioapic_eoi(struct vmm *vm, unsigned vector)
{
	struct irqchip *ic = chip(vm);

	vm->stats.ioapic_eois++;
	if (ic && ic->split)
		ioapic_eoi(ic->ioapic, vector & 0xFF);
}

/* --- the timer ----------------------------------------------------------- */

static void note_lateness(struct vmm *vm, uint64_t due, uint64_t now)
{
	uint64_t late = now > due ? now - due : 0;

	if (late > LATE_NS)
		vm->stats.timer_late++;
	if (late > vm->stats.timer_late_max_ns)
		vm->stats.timer_late_max_ns = late;
}

/* Deliver what is due; returns the earliest deadline left. */
static uint64_t run_timers(struct vmm *vm, struct irqchip *ic)
{
	struct cmos *cmos = platform_cmos(vm);
	uint64_t now, d, next = UINT64_MAX;

	if (ic->pit && (d = pit_deadline(ic->pit)) != UINT64_MAX) {
		now = monotonic_ns();
		if (d <= now) {
			note_lateness(vm, d, now);
			ic->pit_irqs += (uint64_t)pit_update(ic->pit);
			d = pit_deadline(ic->pit);
		}
		next = d;
	}
	/* IRQ 8 is a level held until register C is read, so while it is
	 * set the RTC has no deadline (UINT64_MAX) and costs no wake-ups. */
	if (cmos && (d = cmos_deadline(cmos)) != UINT64_MAX) {
		now = monotonic_ns();
		if (d <= now) {
			note_lateness(vm, d, now);
			cmos_update(cmos);
			d = cmos_deadline(cmos);
		}
		if (d < next)
			next = d;
	}
	return next;
}

/*
 * Counted by the devices; read here, not on every exit: the PIT's and the
 * RTC's (by its timer or guest accesses) interrupts, and the periods each
 * merged into one.
 */
void irq_get_stats(const struct vmm *vm, struct vmm_stats *st)
{
	const struct irqchip *ic = vm->irq;
	const struct cmos *cmos = platform_cmos(vm);
	uint64_t raised, pit = 0, rtc_raised = 0, rtc = 0;

	if (!ic)
		return;
	if (ic->pit)
		pit_irq_counts(ic->pit, &raised, &pit);
	if (cmos)
		cmos_irq_counts(cmos, &rtc_raised, &rtc);
	st->timer_irqs = ic->pit_irqs + rtc_raised;
	st->timer_coalesced = pit + rtc;
}

static int timer_open(struct irqchip *ic)
{
	struct sigevent ev;
	pid_t tid = gettid();

	if (ic->have_timer && ic->timer_tid == tid)
		return 0;
	if (ic->have_timer)
		timer_delete(ic->timer);
	ic->have_timer = false;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = VMM_TIMER_SIGNAL;
	ev._sigev_un._tid = tid;
	if (timer_create(CLOCK_MONOTONIC, &ev, &ic->timer) < 0)
		return -errno;
	ic->have_timer = true;
	ic->timer_tid = tid;
	ic->armed = UINT64_MAX;
	return 0;
}

static int timer_arm(struct irqchip *ic, uint64_t deadline)
{
	struct itimerspec its;

	if (deadline == ic->armed)
		return 0;
	memset(&its, 0, sizeof(its));
	if (deadline != UINT64_MAX) {
		/* 0 would disarm: a deadline at time 0 is simply overdue. */
		its.it_value.tv_sec = (time_t)(deadline / 1000000000ULL);
		its.it_value.tv_nsec = (long)(deadline % 1000000000ULL);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timer_settime(ic->timer, TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	ic->armed = deadline;
	return 0;
}

void irq_after_eintr(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);
	const struct timespec zero = { 0, 0 };
	sigset_t set;

	if (!ic || !ic->mask_saved)
		return;
	/* The timer's, or a kick from irq_kick_thread(). */
	sigemptyset(&set);
	sigaddset(&set, VMM_TIMER_SIGNAL);
	while (sigtimedwait(&set, NULL, &zero) == VMM_TIMER_SIGNAL)
		ic->armed = UINT64_MAX;	/* it fired: re-arm from scratch */
}

/* --- before each entry --------------------------------------------------- */

/* The PIC's INTR as an ExtINT, when KVM says the vCPU can take one. */
static int inject_extint(struct vmm *vm, struct irqchip *ic)
{
	struct kvm_run *run = vm->run;
	uint64_t spurious_before, acks, spurious;
	int vector, rc;

	run->request_interrupt_window = 0;
	if (!pic_intr(ic->pic))
		return 0;
	if (!run->ready_for_interrupt_injection) {
		run->request_interrupt_window = 1;
		return 0;
	}
	pic_stats(ic->pic, &acks, &spurious_before);
	vector = pic_ack(ic->pic);
	pic_stats(ic->pic, &acks, &spurious);
	vm->stats.pic_spurious += spurious - spurious_before;
	rc = kvm_interrupt(vm->vcpu_fd, (uint32_t)vector);
	if (rc < 0)
		return vmm_fail(vm, rc, "KVM_INTERRUPT: %s", strerror(-rc));
	vm->stats.pic_injections++;
	/* Another request behind it: exit as soon as it can go in. */
	run->request_interrupt_window = pic_intr(ic->pic);
	return 0;
}

int irq_before_run(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);
	uint64_t next;
	int rc;

	if (!ic)
		return 0;
	next = run_timers(vm, ic);
	if (vm->run_deadline && vm->run_deadline < next)
		next = vm->run_deadline;	/* vmm_set_limits() */
	if (ic->split) {
		if (ic->routes_dirty) {
			rc = load_routes(ic);
			if (rc < 0)
				return vmm_fail(vm, rc, "KVM_SET_GSI_ROUTING: %s",
						strerror(-rc));
		}
		rc = inject_extint(vm, ic);
		if (rc < 0)
			return rc;
	}
	if (next == UINT64_MAX && ic->armed == UINT64_MAX)
		return 0;
	rc = timer_open(ic);
	if (rc == 0)
		rc = timer_arm(ic, next);
	if (rc < 0)
		return vmm_fail(vm, rc, "timer: %s", strerror(-rc));
	return 0;
}

/* --- snapshot/restore ------------------------------------------------------ */

/* What the interrupt glue keeps beside the devices (which the bus walk of
 * snapshot.c copies): the IOAPIC's routes as last loaded into KVM. */
struct irq_saved {
	struct ioapic_msi msi[LAYOUT_IOAPIC_PINS];
	bool masked[LAYOUT_IOAPIC_PINS];
	uint64_t pit_irqs;
};

size_t irq_state_size(void)
{
	return sizeof(struct irq_saved);
}

void irq_save(struct vmm *vm, void *buf)
{
	struct irqchip *ic = chip(vm);
	struct irq_saved *sv = buf;

	memcpy(sv->msi, ic->msi, sizeof(sv->msi));
	memcpy(sv->masked, ic->masked, sizeof(sv->masked));
	sv->pit_irqs = ic->pit_irqs;
}

void irq_load(struct vmm *vm, const void *buf)
{
	struct irqchip *ic = chip(vm);
	const struct irq_saved *sv = buf;

	/* KVM gets changed routes before the next entry. */
	if (memcmp(ic->msi, sv->msi, sizeof(ic->msi)) ||
	    memcmp(ic->masked, sv->masked, sizeof(ic->masked)))
		ic->routes_dirty = ic->split;
	memcpy(ic->msi, sv->msi, sizeof(ic->msi));
	memcpy(ic->masked, sv->masked, sizeof(ic->masked));
	ic->pit_irqs = sv->pit_irqs;
	ic->armed = UINT64_MAX;		/* deadlines changed: re-arm */
}

/* --- the thread ---------------------------------------------------------- */

int irq_run_begin(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);
	sigset_t block;
	int rc;

	if (!ic)
		return 0;
	sigemptyset(&block);
	sigaddset(&block, VMM_TIMER_SIGNAL);
	rc = pthread_sigmask(SIG_BLOCK, &block, &ic->saved_mask);
	if (rc)
		return vmm_fail(vm, -rc, "pthread_sigmask: %s", strerror(rc));
	ic->mask_saved = true;
	/* Inside KVM_RUN: the thread's own mask, the timer signal open. */
	rc = reload_signal_mask(vm, ic);
	if (rc == 0)
		atomic_store(&vm->run_tid, gettid());
	return rc;
}

void irq_kick_thread(struct vmm *vm)
{
	pid_t tid;

	atomic_fetch_add(&vm->kickers, 1);
	tid = atomic_load(&vm->run_tid);
	if (tid)
		syscall(SYS_tgkill, getpid(), tid, VMM_TIMER_SIGNAL);
	atomic_fetch_sub(&vm->kickers, 1);
}

/*
 * After this no kick can reach the thread: a kicker that read the thread
 * id before it was cleared has sent its signal (still blocked, so
 * pending, then drained) by the time the count is back to zero.
 */
static void stop_kicks(struct vmm *vm)
{
	atomic_store(&vm->run_tid, 0);
	while (atomic_load(&vm->kickers))
		sched_yield();
}

void irq_run_end(struct vmm *vm)
{
	struct irqchip *ic = chip(vm);

	if (!ic || !ic->mask_saved)
		return;
	stop_kicks(vm);
	if (ic->have_timer)
		timer_arm(ic, UINT64_MAX);
	irq_after_eintr(vm);	/* no stale signal left for the embedder */
	pthread_sigmask(SIG_SETMASK, &ic->saved_mask, NULL);
	ic->mask_saved = false;
}
