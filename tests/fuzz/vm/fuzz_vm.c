// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the whole VM on real KVM.  The test firmware's "fuzz"
 * case is booted once to its snapshot point; each input is restored to it,
 * placed in guest RAM and run as a script of port and MMIO accesses to
 * every emulated device (firmware/testfw/fuzz.S).  A guest outcome (done,
 * reset, crash, hang) is fine; a VMM failure aborts, and the sanitizers
 * catch the rest.  VMM_FUZZ_FIRMWARE names the image (default
 * build/testfw.bin).  Built with -DFUZZ_VM_TWICE (the replay in make
 * check) every input runs twice and must end the same way with the same
 * exit counts: the restore really rewinds the machine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/vm/harness.h"

static struct fuzz_vm fvm;
static int booted;
static unsigned long counts[FUZZ_OUTCOMES], inputs;

static void summary(void)
{
	printf("vm: %lu inputs:", inputs);
	for (int i = 0; i < FUZZ_OUTCOMES; i++)
		printf(" %s %lu", fuzz_outcome_name((enum fuzz_outcome)i), counts[i]);
#ifdef FUZZ_VM_TWICE
	printf("; each run twice from the snapshot: same outcome and exits (less timer kicks)");
#endif
	printf("\n");
	fuzz_vm_close(&fvm);
}

static void boot_once(void)
{
	const char *fw = getenv("VMM_FUZZ_FIRMWARE");

	if (booted)
		return;
	if (fuzz_vm_boot(&fvm, fw ? fw : "build/testfw.bin", 1,
			 VMM_IRQCHIP_SPLIT) < 0)
		abort();
	booted = 1;
	atexit(summary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_result r;

	boot_once();
	if (fuzz_vm_run(&fvm, data, size, &r) < 0)
		abort();
#ifdef FUZZ_VM_TWICE
	{
		struct fuzz_result again;

		if (fuzz_vm_run(&fvm, data, size, &again) < 0)
			abort();
		/* Timer kicks follow the wall clock; every other exit is
		 * the guest's own doing and must repeat exactly. */
		if (again.outcome != r.outcome ||
		    again.exits - again.timer_kicks != r.exits - r.timer_kicks ||
		    again.io != r.io || again.mmio != r.mmio) {
			fprintf(stderr, "vm: the second run differs: %s %llu exits (io %llu, mmio %llu) then %s %llu (io %llu, mmio %llu)\n",
				fuzz_outcome_name(r.outcome), (unsigned long long)r.exits,
				(unsigned long long)r.io, (unsigned long long)r.mmio,
				fuzz_outcome_name(again.outcome),
				(unsigned long long)again.exits,
				(unsigned long long)again.io,
				(unsigned long long)again.mmio);
			abort();
		}
	}
#endif
	counts[r.outcome]++;
	inputs++;
	return 0;
}
