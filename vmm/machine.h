/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct vmm: the one context of a VM.  Internal to libvmm.
 *
 * Host-side state (images, RAM, devices) lives as long as the struct; the
 * KVM side (VM fd, vCPU, memslots) is built by machine_build() and torn
 * down by machine_teardown(), so a guest reset rebuilds the VM from the
 * architectural power-on state while VARS and the devices' host state stay.
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <linux/kvm.h>

#include "vmm.h"
#include "vmm/bus.h"
#include "vmm/device.h"
#include "vmm/memory.h"
#include "sev/sev.h"

struct pflash;
struct platform;
struct irqchip;

struct vmm {
	struct vmm_config cfg;	/* fds replaced by our own duplicates */
	char err[256];

	/* Host memory. */
	uint8_t *ram;		/* guest RAM, mem_size bytes */
	uint64_t ram_size;
	uint64_t low_ram;	/* RAM below the PCI hole */
	uint64_t high_ram;	/* RAM above 4 GiB */
	uint8_t *code;		/* private copy of CODE */
	uint64_t code_size;
	uint64_t code_gpa;
	struct pflash *vars;	/* NULL when no VARS */
	uint64_t vars_gpa;
	bool vars_romd_wanted;	/* what the pflash asked for */
	int vars_slot;		/* -1 when VARS has no memslot */

	/* KVM. */
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;	/* adjusted, loaded at every build */
	bool romd_allowed;		/* KVM_CAP_READONLY_MEM on the VM */
	struct mem_map mem;
	struct sev *sev;		/* NULL unless an SEV launch was asked for */
	uint32_t sev_vcpu_sig;		/* CPUID.1.EAX, RDX at reset under SEV */
	struct sev_measurement sev_measurement;
	bool sev_measured;
	bool sev_finished;
	bool sandboxed;			/* vmm_sandbox() done on some thread */
	struct vmm_snapshot *snap;	/* the one live snapshot (snapshot.c) */
	bool snap_all_dirty;		/* RAM changed in ways not logged */
	uint64_t *snap_vmm_dirty;	/* RAM pages the VMM itself wrote */
	uint64_t limit_exits, limit_ns;	/* vmm_set_limits(); 0: none */
	uint64_t run_deadline;		/* CLOCK_MONOTONIC ns, 0: none */
	uint32_t harness_value;		/* last dword on the harness port */

	/* Buses and devices. */
	struct bus pio;
	struct bus mmio;
	struct platform *plat;
	struct irqchip *irq;	/* vmm/irq.c */
	struct vmm_host host;

	/* Run-loop state. */
	/* Set by vmm_stop()/vmm_kick() from any thread or signal handler
	 * (lock-free atomics: async-signal-safe). */
	_Atomic int stop_reason;	/* -1 none, else vmm_exit_reason */
	_Atomic int input_kicked;
	/* The thread inside vmm_run() (0: none), and how many vmm_stop()/
	 * vmm_kick() calls are between reading it and signalling it. */
	_Atomic pid_t run_tid;
	_Atomic int kickers;
	enum vmm_request request;
	uint8_t inbuf[256];
	unsigned in_len, in_pos;
	bool in_eof;

	struct vmm_stats stats;
	/* Private/shared conversions a confidential guest asked for: pages
	 * made private, made shared, and requests refused. */
	uint64_t pages_to_private, pages_to_shared, conversions_refused;
	/* Scratch for instruction fixups (4 KiB); last: it ends in a
	 * flexible array in newer UAPI headers. */
	struct kvm_xsave xsave;
};

/* CLOCK_MONOTONIC in ns: the one clock of devices, timers and run limits. */
static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Record a one-line error; returns (err) for tail calls. */
int vmm_fail(struct vmm *vm, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vmm_log(struct vmm *vm, enum vmm_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* snapshot.c: RAM the VMM writes on the guest's behalf (emulated stores). */
void snapshot_ram_written(struct vmm *vm, const void *hva, size_t len);

/* machine.c: the KVM side. */
int machine_open_kvm(struct vmm *vm);
int machine_build(struct vmm *vm);
void machine_teardown(struct vmm *vm);
void cpuid_adjust(struct kvm_cpuid2 *cpuid, unsigned phys_bits);

/* platform.c: the devices and their host callbacks. */
int platform_create(struct vmm *vm);
void platform_reset(struct vmm *vm);
void platform_destroy(struct vmm *vm);
struct pci;
struct cmos *platform_cmos(const struct vmm *vm);	/* NULL before create */
struct pci *platform_pci(const struct vmm *vm);		/* NULL before create */
/* Feed pending console input to the UART. */
void platform_console_input(struct vmm *vm);

/* run.c: the event loop. */
int run_loop(struct vmm *vm, struct vmm_exit *exit);

#endif
