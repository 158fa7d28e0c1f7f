// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/vm/harness.h"

#define VARS_SIZE 0x20000	/* firmware/testfw/defs.S */

static const char *const names[FUZZ_OUTCOMES] = {
	"done", "reset", "poweroff", "crash", "hang",
};

const char *fuzz_outcome_name(enum fuzz_outcome o)
{
	return (unsigned)o < FUZZ_OUTCOMES ? names[o] : "?";
}

/* The test firmware's VARS template, in memory only (snapshot mode). */
static int vars_template(void)
{
	uint8_t *buf = malloc(VARS_SIZE);
	int fd = memfd_create("fuzz-vars", MFD_CLOEXEC);

	if (!buf || fd < 0) {
		free(buf);
		return -1;
	}
	memset(buf, 0xFF, VARS_SIZE);
	for (uint32_t o = 0; o < 0x10000; o += 4) {
		uint32_t v = 0x5A000000u + o;

		memcpy(buf + o, &v, 4);
	}
	if (write(fd, buf, VARS_SIZE) != VARS_SIZE) {
		close(fd);
		fd = -1;
	}
	free(buf);
	return fd;
}

int fuzz_vm_boot(struct fuzz_vm *f, const char *firmware, int snapshot,
		 enum vmm_irqchip irqchip)
{
	static const char fw_case[] = "fuzz";
	const struct vmm_fwcfg_file file = {
		"opt/testfw/case", fw_case, sizeof(fw_case) - 1,
	};
	struct vmm_config cfg;
	struct vmm_exit ex;
	int rc;

	memset(f, 0, sizeof(*f));
	f->code_fd = open(firmware, O_RDONLY | O_CLOEXEC);
	f->vars_fd = vars_template();
	if (f->code_fd < 0 || f->vars_fd < 0) {
		fprintf(stderr, "fuzz_vm: %s: %s\n", firmware, strerror(errno));
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.code_fd = f->code_fd;
	cfg.vars_fd = f->vars_fd;
	cfg.vars_mode = VMM_VARS_SNAPSHOT;
	cfg.console_in_fd = cfg.console_out_fd = cfg.debugcon_fd = -1;
	cfg.mem_size = 32ULL << 20;
	cfg.irqchip = irqchip;
	cfg.flags = VMM_F_NO_REBOOT | VMM_F_HARNESS;
	cfg.fwcfg_files = &file;
	cfg.fwcfg_count = 1;
	rc = vmm_create(&cfg, &f->vm);
	if (rc == 0) {
		/* A hostile input may stop the vCPU for good (an INIT through
		 * the IOAPIC): every run is bounded. */
		vmm_set_limits(f->vm, 1000000, 2000000000ULL);
		rc = vmm_run(f->vm, &ex);
	}
	if (rc == 0 && (ex.reason != VMM_EXIT_HARNESS || ex.harness_value != 1)) {
		fprintf(stderr, "fuzz_vm: the firmware did not reach its snapshot point: %s\n",
			ex.detail);
		return -1;
	}
	if (rc == 0 && snapshot)
		rc = vmm_snapshot(f->vm, &f->snap);
	if (rc < 0) {
		fprintf(stderr, "fuzz_vm: %s\n", f->vm ? vmm_strerror(f->vm) : strerror(-rc));
		return -1;
	}
	return 0;
}

static enum fuzz_outcome outcome_of(const struct vmm_exit *ex, int *bad)
{
	*bad = 0;
	switch (ex->reason) {
	case VMM_EXIT_HARNESS:
		/* 1 again: the firmware started over and came back to its
		 * snapshot point (an INIT through the IOAPIC resets the BSP). */
		if (ex->harness_value == 1)
			return FUZZ_GUEST_RESET;
		*bad = ex->harness_value != 2;
		return FUZZ_DONE;
	case VMM_EXIT_RESET: return FUZZ_GUEST_RESET;
	case VMM_EXIT_POWEROFF: return FUZZ_GUEST_POWEROFF;
	case VMM_EXIT_CRASH: return FUZZ_GUEST_CRASH;
	case VMM_EXIT_HANG: return FUZZ_HANG;
	default:
		*bad = 1;
		return FUZZ_GUEST_CRASH;
	}
}

int fuzz_vm_run(struct fuzz_vm *f, const uint8_t *data, size_t size,
		struct fuzz_result *res)
{
	uint32_t len = (uint32_t)(size > FUZZ_INPUT_MAX ? FUZZ_INPUT_MAX : size);
	struct vmm_stats before, after;
	struct vmm_exit ex;
	int rc = 0, bad;

	if (f->snap)
		rc = vmm_restore(f->vm, f->snap, 0);
	if (rc == 0)
		rc = vmm_write_guest(f->vm, FUZZ_INPUT_GPA, &len, 4);
	if (rc == 0 && len)
		rc = vmm_write_guest(f->vm, FUZZ_INPUT_GPA + 4, data, len);
	vmm_get_stats(f->vm, &before);
	if (rc == 0)
		rc = vmm_run(f->vm, &ex);
	if (rc < 0) {
		fprintf(stderr, "fuzz_vm: VMM failure: %s\n", vmm_strerror(f->vm));
		return -1;
	}
	vmm_get_stats(f->vm, &after);
	res->outcome = outcome_of(&ex, &bad);
	res->exits = after.exits - before.exits;
	res->io = after.exits_io - before.exits_io;
	res->mmio = after.exits_mmio - before.exits_mmio;
	res->timer_kicks = after.exits_intr - before.exits_intr;
	if (bad) {
		fprintf(stderr, "fuzz_vm: unexpected end of run: %s\n", ex.detail);
		return -1;
	}
	res->reads_xor = 0;
	if (res->outcome == FUZZ_DONE &&
	    vmm_read_guest(f->vm, FUZZ_RESULT_GPA, &res->reads_xor, 4) < 0) {
		fprintf(stderr, "fuzz_vm: %s\n", vmm_strerror(f->vm));
		return -1;
	}
	return 0;
}

void fuzz_vm_close(struct fuzz_vm *f)
{
	vmm_destroy(f->vm);	/* frees the snapshot */
	if (f->code_fd >= 0)
		close(f->code_fd);
	if (f->vars_fd >= 0)
		close(f->vars_fd);
	memset(f, 0, sizeof(*f));
	f->code_fd = f->vars_fd = -1;
}
