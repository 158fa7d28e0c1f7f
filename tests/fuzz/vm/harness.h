/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fuzzing harness on libvmm (tests/fuzz/vm/): the test firmware's
 * "fuzz" case booted once to its snapshot point, then per input: restore,
 * place the input in guest RAM, run, and say how the run ended.
 */
#ifndef FUZZ_VM_HARNESS_H
#define FUZZ_VM_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

enum fuzz_outcome {
	FUZZ_DONE,	/* the guest performed the input and said so */
	FUZZ_GUEST_RESET,	/* it asked for a reset (0xCF9, port 92, i8042) */
	FUZZ_GUEST_POWEROFF,
	FUZZ_GUEST_CRASH,	/* triple fault, failed entry, unemulatable insn */
	FUZZ_HANG,	/* the exit or time budget ran out */
	FUZZ_OUTCOMES,
};

struct fuzz_result {
	enum fuzz_outcome outcome;
	uint64_t exits, io, mmio;	/* of this run */
	uint64_t timer_kicks;		/* exits for the VMM's timers: wall-clock
					 * paced, so not the same every run */
	uint32_t reads_xor;		/* FUZZ_RESULT_GPA when done */
};

struct fuzz_vm {
	struct vmm *vm;
	struct vmm_snapshot *snap;
	int code_fd, vars_fd;
};

#define FUZZ_INPUT_GPA	0x100000	/* firmware/testfw/fuzz.S */
#define FUZZ_INPUT_MAX	0x10000
#define FUZZ_RESULT_GPA	0x120000	/* u32: XOR of every value read */

const char *fuzz_outcome_name(enum fuzz_outcome o);
/* Create the VM and run it to the snapshot point; (snapshot): take one.
 * (irqchip): VMM_IRQCHIP_SPLIT or VMM_IRQCHIP_KERNEL. */
int fuzz_vm_boot(struct fuzz_vm *f, const char *firmware, int snapshot,
		 enum vmm_irqchip irqchip);
/* One input, from the snapshot.  Returns 0, or -1 (message on stderr)
 * for a VMM failure. */
int fuzz_vm_run(struct fuzz_vm *f, const uint8_t *data, size_t size,
		struct fuzz_result *res);
void fuzz_vm_close(struct fuzz_vm *f);

#endif
