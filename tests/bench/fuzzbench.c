// SPDX-License-Identifier: Apache-2.0
/*
 * make bench: one fuzzing input (a file in the format of
 * firmware/testfw/fuzz.S) on the test firmware, side by side in one run:
 *   fresh    a new VM per input: create, boot to the snapshot point, run
 *            the input, destroy (what a harness without snapshots pays);
 *   restore  one VM and one snapshot: restore, place the input, run.
 * Prints "fresh_ns N restore_ns N inputs_per_s N outcome NAME", medians
 * over ROUNDS rounds of the given counts.
 *
 * Usage: fuzzbench FIRMWARE INPUT [FRESH_RUNS RESTORE_RUNS ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/fuzz/vm/harness.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t fresh_round(const char *fw, const uint8_t *in, size_t len, int n)
{
	uint64_t t0 = now_ns();

	for (int i = 0; i < n; i++) {
		struct fuzz_vm f;
		struct fuzz_result r;

		if (fuzz_vm_boot(&f, fw, 0, VMM_IRQCHIP_SPLIT) < 0 ||
		    fuzz_vm_run(&f, in, len, &r) < 0)
			exit(1);
		fuzz_vm_close(&f);
	}
	return (now_ns() - t0) / (uint64_t)n;
}

static uint64_t restore_round(struct fuzz_vm *f, const uint8_t *in, size_t len,
			      int n, struct fuzz_result *r)
{
	uint64_t t0 = now_ns();

	for (int i = 0; i < n; i++)
		if (fuzz_vm_run(f, in, len, r) < 0)
			exit(1);
	return (now_ns() - t0) / (uint64_t)n;
}

int main(int argc, char **argv)
{
	int fresh_n = argc > 3 ? atoi(argv[3]) : 20;
	int restore_n = argc > 4 ? atoi(argv[4]) : 2000;
	int rounds = argc > 5 ? atoi(argv[5]) : 5;
	uint64_t fresh[32], restore[32];
	uint8_t in[FUZZ_INPUT_MAX];
	struct fuzz_result r;
	struct fuzz_vm f;
	size_t len;
	FILE *fp;

	if (argc < 3 || rounds < 1 || rounds > 32 || fresh_n < 1 || restore_n < 1) {
		fprintf(stderr, "usage: fuzzbench FIRMWARE INPUT [FRESH RESTORE ROUNDS]\n");
		return 2;
	}
	fp = fopen(argv[2], "rb");
	if (!fp)
		return perror(argv[2]), 1;
	len = fread(in, 1, sizeof(in), fp);
	fclose(fp);
	if (fuzz_vm_boot(&f, argv[1], 1, VMM_IRQCHIP_SPLIT) < 0)
		return 1;
	for (int i = 0; i < rounds; i++) {	/* interleaved */
		fresh[i] = fresh_round(argv[1], in, len, fresh_n);
		restore[i] = restore_round(&f, in, len, restore_n, &r);
	}
	fuzz_vm_close(&f);
	qsort(fresh, (size_t)rounds, sizeof(fresh[0]), cmp);
	qsort(restore, (size_t)rounds, sizeof(restore[0]), cmp);
	printf("fresh_ns %llu restore_ns %llu inputs_per_s %.0f outcome %s\n",
	       (unsigned long long)fresh[rounds / 2],
	       (unsigned long long)restore[rounds / 2],
	       1e9 / (double)restore[rounds / 2], fuzz_outcome_name(r.outcome));
	return 0;
}
