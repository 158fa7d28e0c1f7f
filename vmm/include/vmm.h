/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvmm: a minimal x86 VMM on Linux KVM that boots UEFI firmware (OVMF)
 * with CODE as read-only memory at the reset vector and VARS as a CFI flash.
 *
 * The library never prints, never exits and never installs signal handlers.
 * Every call returns 0 or a negative errno; vmm_strerror() says why.
 * Files are passed as descriptors so an embedder can open them before it
 * sandboxes itself; the library duplicates what it keeps.
 *
 * One VM runs on the thread that calls vmm_run(): one vCPU, one event loop.
 *
 * Threads: a struct vmm belongs to one thread at a time; calls on it are
 * not serialised, except vmm_stop() and vmm_kick(), which may be called
 * from any thread and from signal handlers at any time between
 * vmm_create() returning and vmm_destroy() being called, and take effect
 * at once even when the guest never exits (KVM_RUN is interrupted).
 * Different VMs on different threads are independent.  Functions without
 * a VM (vmm_version, vmm_host_info, vmm_host_kind_name,
 * vmm_stats_insn_name) are thread-safe.
 *
 * Signals: none is handled by the library.  While vmm_run() runs, the
 * signal SIGRTMAX-1 is blocked in its thread (and open only inside
 * KVM_RUN): the library's timers and vmm_stop()/vmm_kick() from other
 * threads use it, and it is drained before vmm_run() returns.  An embedder
 * must not use that signal itself.
 */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMM_API __attribute__((visibility("default")))

/* The version of this header; vmm_version() gives the library's. */
#define VMM_VERSION_MAJOR 0
#define VMM_VERSION_MINOR 1
#define VMM_VERSION_PATCH 0
#define VMM_VERSION_STRING "0.1.0"

struct vmm;

enum vmm_vars_mode {
	VMM_VARS_READWRITE = 0, /* guest changes reach the file durably */
	VMM_VARS_SNAPSHOT,      /* changes live in memory only */
};

enum vmm_log_level { VMM_LOG_ERROR, VMM_LOG_WARN, VMM_LOG_INFO };

/* Flags of struct vmm_config. */
#define VMM_F_NO_REBOOT (1u << 0) /* guest reset ends vmm_run() */
#define VMM_F_NO_ROMD   (1u << 1) /* trap every VARS read (no RO memslot) */
/*
 * A fuzzing harness drives this VM: a dword OUT to port 0x0B4
 * (VMM_HARNESS_PORT) ends vmm_run() with VMM_EXIT_HARNESS and the value
 * (the guest's "snapshot here", "input done"...).  Without the flag the
 * port is unclaimed like any other.
 */
#define VMM_F_HARNESS   (1u << 2)
#define VMM_HARNESS_PORT 0x0B4

/*
 * VMM_SEV_SNP: an SEV-SNP launch (KVM_X86_SNP_VM, INIT2, SNP_LAUNCH_*).
 * Its VM type has no read-only memslots: CODE is ordinary (private)
 * memory and every VARS access traps (the flash stays shared, unencrypted
 * MMIO).  The sim backend only: the kvm backend's guest_memfd memslots are
 * not implemented yet.
 */
enum vmm_sev_mode { VMM_SEV_NONE = 0, VMM_SEV, VMM_SEV_ES, VMM_SEV_SNP };
/*
 * Where the PC's interrupt controllers and PIT live: KVM_CAP_SPLIT_IRQCHIP
 * with only the LAPIC in the kernel and the 8259A pair, IOAPIC and 8254 in
 * the VMM (the default, 0: a VM starts and stops in a fraction of the time
 * KVM needs to build and tear down its full irqchip), or KVM's full
 * in-kernel irqchip (PIC, IOAPIC, PIT and LAPIC).  The RTC (IRQ 8) is the
 * VMM's in both.
 */
enum vmm_irqchip { VMM_IRQCHIP_SPLIT = 0, VMM_IRQCHIP_KERNEL };
enum vmm_sev_backend { VMM_SEV_BACKEND_KVM = 0, VMM_SEV_BACKEND_SIM };

struct vmm_fwcfg_file {
	const char *name;	/* < 56 bytes */
	const void *data;
	uint32_t len;
};

struct vmm_config {
	size_t size;		/* sizeof(struct vmm_config): ABI version */
	int code_fd;		/* OVMF_CODE image, read only (never written) */
	int vars_fd;		/* OVMF_VARS image, or -1 for none */
	enum vmm_vars_mode vars_mode;
	uint64_t mem_size;	/* guest RAM in bytes; 0 = VMM_DEFAULT_MEM */
	unsigned phys_bits;	/* guest physical-address bits; 0 = default */
	int console_in_fd;	/* COM1 input, or -1 */
	int console_out_fd;	/* COM1 output, or -1 */
	int debugcon_fd;	/* port 0x402 output, or -1 */
	unsigned flags;		/* VMM_F_* */
	const char *kvm_path;	/* NULL = "/dev/kvm" */
	/* Optional log sink; the library is silent without it. */
	void (*log)(void *opaque, enum vmm_log_level level, const char *msg);
	void *log_opaque;
	/* Extra fw_cfg files offered to the guest (e.g. the test firmware). */
	const struct vmm_fwcfg_file *fwcfg_files;
	unsigned fwcfg_count;
	/* AMD SEV launch (see README: proven here by unit tests and a model). */
	enum vmm_sev_mode sev_mode;
	enum vmm_sev_backend sev_backend;
	uint32_t sev_policy;
	const void *sev_dh_cert;	/* guest owner's DH certificate, or NULL */
	size_t sev_dh_cert_len;
	const void *sev_session;	/* launch session blob, or NULL */
	size_t sev_session_len;
	const uint8_t *sev_sim_tik;	/* 16 bytes: TIK of the sim backend */
	const uint8_t *sev_sim_tek;	/* 16 bytes: TEK of the sim backend */
	/*
	 * KVM_SEV_INIT2 on the SEV/SEV-ES VM types (Linux 6.10+) instead of
	 * the legacy KVM_SEV_INIT/ES_INIT on the default type.  SEV-ES VMs
	 * of that type refuse read-only memslots: CODE is then ordinary
	 * memory and every VARS access traps.
	 */
	int sev_init2;
	enum vmm_irqchip irqchip;
	/* SEV-SNP: SNP_LAUNCH_FINISH's ID block (96 bytes) and ID
	 * authentication structure (4096 bytes), both or neither, and the
	 * 32 bytes of HOST_DATA the attestation report carries. */
	const void *sev_id_block;
	size_t sev_id_block_len;
	const void *sev_id_auth;
	size_t sev_id_auth_len;
	const uint8_t *sev_host_data;	/* 32 bytes, or NULL: zero */
};

#define VMM_DEFAULT_MEM (512ULL << 20)
#define VMM_DEFAULT_PHYS_BITS 36

enum vmm_exit_reason {
	VMM_EXIT_POWEROFF = 0,	/* ACPI S5 */
	VMM_EXIT_RESET,		/* guest reset with VMM_F_NO_REBOOT */
	VMM_EXIT_CRASH,		/* triple fault, unemulatable instruction... */
	VMM_EXIT_STOPPED,	/* vmm_stop(VMM_EXIT_STOPPED) */
	VMM_EXIT_TIMEOUT,	/* vmm_stop(VMM_EXIT_TIMEOUT) */
	VMM_EXIT_ERROR,		/* host failure: see vmm_strerror() */
	VMM_EXIT_HARNESS,	/* VMM_F_HARNESS: the guest wrote the harness port */
	VMM_EXIT_HANG,		/* a limit of vmm_set_limits() was reached */
};

struct vmm_exit {
	enum vmm_exit_reason reason;
	char detail[256];	/* one line: what happened, where */
	uint32_t harness_value;	/* VMM_EXIT_HARNESS: the dword written */
};

#define VMM_STATS_MAX_INSN 160

struct vmm_stats {
	uint64_t exits;			/* KVM_RUN returns, all kinds */
	uint64_t exits_io;
	uint64_t exits_mmio;
	uint64_t exits_intr;		/* kicks: input, stop, timeout */
	uint64_t exits_emulation;	/* instruction fixups */
	uint64_t exits_other;
	uint64_t unclaimed_pio_reads, unclaimed_pio_writes;
	uint64_t unclaimed_mmio_reads, unclaimed_mmio_writes;
	uint64_t emulated[VMM_STATS_MAX_INSN]; /* per instruction kind */
	uint64_t romd_on, romd_off;	/* VARS slot re-added / removed */
	uint64_t vars_programs, vars_erases, vars_flushes, vars_blocks_written;
	uint64_t resets;
	/* Interrupts the VMM's own devices raised (PIT on split, RTC). */
	uint64_t timer_irqs;		/* timer interrupts raised */
	uint64_t timer_coalesced;	/* periods merged into one interrupt */
	uint64_t timer_late;		/* raised more than 1 ms after due */
	uint64_t timer_late_max_ns;	/* the latest of them */
	uint64_t pic_injections;	/* ExtINT vectors (KVM_INTERRUPT) */
	uint64_t pic_spurious;		/* IRQ 7/15 acks with nothing pending */
	uint64_t ioapic_msis;		/* IOAPIC messages (KVM_SIGNAL_MSI) */
	uint64_t ioapic_eois;		/* KVM_EXIT_IOAPIC_EOI */
};

/*
 * Validate (cfg) before touching /dev/kvm, then build the machine.  On
 * failure (*out) is still set when memory allowed it, so vmm_strerror()
 * can say why; release it with vmm_destroy() either way.
 */
VMM_API int vmm_create(const struct vmm_config *cfg, struct vmm **out);
/* Run until power-off, reset (NO_REBOOT), crash, stop or error. */
VMM_API int vmm_run(struct vmm *vm, struct vmm_exit *exit);
/*
 * End vmm_run() with (why) now; before vmm_run(), make the next one return
 * at once.  Thread-safe and async-signal-safe.
 */
VMM_API void vmm_stop(struct vmm *vm, enum vmm_exit_reason why);
/* Console input may be ready: look now.  Thread- and async-signal-safe. */
VMM_API void vmm_kick(struct vmm *vm);
VMM_API const char *vmm_strerror(const struct vmm *vm);
VMM_API void vmm_get_stats(const struct vmm *vm, struct vmm_stats *st);
/* Name of emulated-instruction kind (i), or NULL past the last. */
VMM_API const char *vmm_stats_insn_name(unsigned i);
/*
 * After an SEV launch: the LAUNCH_MEASURE result as "key: value" text
 * (measure, mnonce, api version, build, policy, blob); after an SEV-SNP
 * launch on the sim backend the model's MEASUREMENT (measure, policy).
 * Returns its length, -ENODATA without an SEV launch or for SEV-SNP on the
 * kvm backend (the MEASUREMENT is only in the guest's attestation report),
 * -ENOSPC when (len) is too small.
 */
VMM_API int vmm_sev_measurement(const struct vmm *vm, char *buf, size_t len);
/*
 * LAUNCH_SECRET: after vmm_create() of an SEV guest (which stops after
 * LAUNCH_MEASURE) and before the first vmm_run() (which does
 * LAUNCH_FINISH).  (hdr) is the guest owner's 52-byte packet header,
 * (secret) the transport-encrypted payload, placed at guest-physical (gpa),
 * which must be guest RAM (OVMF's footer table names its secret area).
 */
VMM_API int vmm_sev_inject_secret(struct vmm *vm, const void *hdr,
				  size_t hdr_len, const void *secret,
				  size_t secret_len, uint64_t gpa);
/* The vCPU signature (CPUID.1.EAX) an SEV-ES VMSA was measured with. */
VMM_API uint32_t vmm_sev_vcpu_signature(const struct vmm *vm);
/*
 * The KVM this process would run on, for reports and tests: the VMM behaves
 * the same on each, but a PVM host (nested virtualization without VMX)
 * cannot execute x87/MXCSR instructions in guest kernel mode and hands them
 * to the VMM's emulator, so only there are "emulation" exits expected.
 */
enum vmm_host_kind {
	VMM_HOST_UNKNOWN,	/* no KVM module found in /sys/module */
	VMM_HOST_NATIVE,	/* kvm_amd or kvm_intel on bare metal */
	VMM_HOST_NESTED,	/* kvm_amd or kvm_intel inside a hypervisor */
	VMM_HOST_PVM,		/* kvm_pvm */
};

struct vmm_host_info {
	enum vmm_host_kind kind;
	char module[16];	/* "kvm_amd", "kvm_intel", "kvm_pvm" or "" */
	char hypervisor[16];	/* CPUID 0x40000000 vendor, or the DMI
				 * system vendor; "" on bare metal */
	bool insn_fixups;	/* x87/MXCSR come to the VMM's emulator */
};

/* Fill (info) from /sys/module, CPUID and DMI.  Never fails. */
VMM_API void vmm_host_info(struct vmm_host_info *info);
/* "native", "nested", "pvm" or "unknown". */
VMM_API const char *vmm_host_kind_name(enum vmm_host_kind kind);

/*
 * The machine (vm) builds, as a flattened device tree (libfdt; bindings in
 * docs/machine-fdt.md): RAM, the CODE and VARS flash banks, every device
 * with its ports or MMIO range and IRQ line, the CPU, the irqchip mode and
 * the SEV parameters, taken from the VM itself.  Writes at most (size)
 * bytes to (buf); returns the tree's size, -ENOSPC when it does not fit
 * (64 KiB always does), -EINVAL for a bad argument.  Any time after
 * vmm_create().
 */
VMM_API int vmm_describe_machine(struct vmm *vm, void *buf, size_t size);

/*
 * Confine the calling thread with a seccomp filter to the system calls
 * vmm_run() and vmm_destroy() of (vm) make: ioctl only with KVM's requests
 * (and the terminal's TCGETS/TCSETS), reads and writes only on the
 * descriptors the VM holds, stdio and the (nfds) descriptors in (fds)
 * (at most VMM_SANDBOX_MAX_FDS, say the embedder's log file), no opening
 * or naming of files, no sockets, no exec, no executable mappings.  A call
 * outside the filter kills the process with SIGSYS, or with
 * VMM_SANDBOX_LOG is only logged by the kernel (audit) and allowed: for
 * finding what a log callback needs.  Call it after vmm_create() and
 * whatever the embedder sets up, before vmm_run(), on the thread that then
 * runs and destroys the VM; only that thread (and threads it creates
 * later) is filtered, never the others.  Anything a log callback does on
 * that thread is under the filter too.  Irreversible.  -EINVAL for
 * unknown flags, -EALREADY the second time.
 */
#define VMM_SANDBOX_LOG     (1u << 0)
#define VMM_SANDBOX_MAX_FDS 16
VMM_API int vmm_sandbox(struct vmm *vm, const int *fds, unsigned nfds,
			unsigned flags);

/*
 * Snapshot and restore in one process, for fuzzing.  vmm_snapshot(), called
 * between vmm_run() calls (at a point the guest asked for with the harness
 * port, or any the harness picks), captures the whole machine: vCPU
 * registers, special registers, XSAVE, XCRs, MSRs, LAPIC, pending events,
 * the irqchip (KVM's or the VMM's devices), every device, the VARS array
 * and guest RAM (the pages resident then).  From then on KVM logs dirty
 * RAM pages, so vmm_restore() copies back only the pages written since
 * the last snapshot or restore.  The VARS file is left as it is unless
 * VMM_RESTORE_VARS_FILE asks for the snapshot's contents to be written
 * back (durably).  Not for SEV guests: their memory and register state
 * are encrypted, and the SEV firmware's launch cannot be rewound
 * (-EOPNOTSUPP).  One snapshot per VM at a time (-EBUSY); a snapshot
 * belongs to the VM it was taken of (-EINVAL otherwise).
 */
struct vmm_snapshot;
#define VMM_RESTORE_VARS_FILE (1u << 0)
VMM_API int vmm_snapshot(struct vmm *vm, struct vmm_snapshot **out);
VMM_API int vmm_restore(struct vmm *vm, const struct vmm_snapshot *snap,
			unsigned flags);
/* Release it (NULL is fine); dirty logging stops with it.  vmm_destroy()
 * frees a snapshot still alive: it lives at most as long as its VM. */
VMM_API void vmm_snapshot_free(struct vmm *vm, struct vmm_snapshot *snap);
/*
 * Copy (len) bytes into guest RAM at (gpa): a fuzzing input.  -EFAULT
 * unless the range is inside one writable RAM slot.  Tracked as dirty.
 */
VMM_API int vmm_write_guest(struct vmm *vm, uint64_t gpa, const void *data,
			    size_t len);
/* Copy (len) bytes of guest RAM at (gpa) out: a run's result.  -EFAULT
 * unless the range is inside one RAM slot. */
VMM_API int vmm_read_guest(struct vmm *vm, uint64_t gpa, void *data, size_t len);
/*
 * Bound each later vmm_run(): at most (max_exits) KVM exits and (max_ns)
 * nanoseconds of wall time (0: no bound), then VMM_EXIT_HANG.  The time
 * bound holds even for a guest that never exits.
 */
VMM_API void vmm_set_limits(struct vmm *vm, uint64_t max_exits, uint64_t max_ns);

/* The library's version, "MAJOR.MINOR.PATCH". */
VMM_API const char *vmm_version(void);

/* Flush VARS, release everything.  NULL is fine. */
VMM_API void vmm_destroy(struct vmm *vm);

#ifdef __cplusplus
}
#endif
#endif
