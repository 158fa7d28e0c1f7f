/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp sandbox's filter is compiled at build time (as Firecracker
 * does with seccompiler): vmm/gen/sandbox_gen.c states the rules with
 * libseccomp and exports its BPF with a placeholder in each place that
 * depends on the run (a descriptor, the process id); vmm_sandbox() copies
 * that program, writes the run's values over the placeholders and loads
 * it.  The VMM then never links libseccomp, so a sandboxed start costs
 * tens of microseconds instead of libseccomp compiling the filter (about
 * 0.4 ms and 200 KiB resident measured on PVM).
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include "vmm/include/vmm.h"

/* Descriptors by what the run loop does with them. */
enum sandbox_group {
	SANDBOX_IN,	/* read: stdin, the console's input, extras */
	SANDBOX_OUT,	/* write: stdout, stderr, console, debug console, extras */
	SANDBOX_FILE,	/* pwrite64, fdatasync: the VARS file, extras */
	SANDBOX_EXTRA,	/* pread64: the caller's extras */
	SANDBOX_PID,	/* tgkill's first argument: this process */
	SANDBOX_GROUPS
};

#define SANDBOX_GROUP_SLOTS 64	/* slot ids: group * 64 + index */
#define SANDBOX_SLOTS(g) \
	((g) == SANDBOX_IN ? 2 + VMM_SANDBOX_MAX_FDS : \
	 (g) == SANDBOX_OUT ? 4 + VMM_SANDBOX_MAX_FDS : \
	 (g) == SANDBOX_FILE ? 1 + VMM_SANDBOX_MAX_FDS : \
	 (g) == SANDBOX_EXTRA ? VMM_SANDBOX_MAX_FDS : 1)

/*
 * A placeholder is the low 32 bits of an argument compared for equality
 * (libseccomp tests the high 32 bits, zero, separately).  None of them is
 * a value the rules compare otherwise (syscall numbers, fcntl commands,
 * KVM's and the terminal's ioctl requests; the generator checks).
 */
#define SANDBOX_PLACEHOLDER(slot) (0x7E5C0000u + (unsigned)(slot))
#define SANDBOX_IS_PLACEHOLDER(k) \
	((k) >= 0x7E5C0000u && (k) < 0x7E5C0000u + SANDBOX_GROUPS * SANDBOX_GROUP_SLOTS)

/*
 * An unused slot: never a descriptor (the kernel caps descriptors at
 * fs.nr_open, at most 0x7FFFFFC0), so it allows nothing.
 */
#define SANDBOX_NO_FD 0x7FFFFFFFu

/* The default action in the program is SECCOMP_RET_KILL_PROCESS. */
struct sandbox_patch {
	unsigned short insn;	/* index of a BPF_JMP|BPF_JEQ|BPF_K */
	unsigned short slot;	/* group * SANDBOX_GROUP_SLOTS + index */
};

#endif
