// SPDX-License-Identifier: Apache-2.0
/*
 * The seccomp sandbox: after set-up, the thread that runs the VM keeps only
 * the system calls vmm_run() and vmm_destroy() make.  The rules and why
 * are in vmm/gen/sandbox_gen.c, which compiles them with libseccomp at
 * build time into sandbox_filter.h; here the run's descriptors and process
 * id are written into that program and it is loaded (vmm/sandbox.h).
 * Anything else kills the process with SIGSYS (status 159 in a shell).
 * Only the calling thread is filtered: no TSYNC, so an embedder's other
 * threads never change behaviour under it.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "devices/pflash/pflash.h"
#include "vmm/machine.h"
#include "vmm/sandbox.h"
#include "sandbox_filter.h"

#define PROGRAM_LEN (sizeof(sandbox_program) / sizeof(sandbox_program[0]))

/* The value of each slot, SANDBOX_NO_FD where unused. */
struct sandbox_values {
	unsigned v[SANDBOX_GROUPS][SANDBOX_GROUP_SLOTS];
	unsigned n[SANDBOX_GROUPS];
};

static void add_value(struct sandbox_values *s, enum sandbox_group g, int fd)
{
	if (fd < 0 || s->n[g] >= SANDBOX_SLOTS(g))
		return;
	for (unsigned i = 0; i < s->n[g]; i++)
		if (s->v[g][i] == (unsigned)fd)
			return;
	s->v[g][s->n[g]++] = (unsigned)fd;
}

/* The descriptors this VM holds, by use, and the caller's (any use). */
static void held_values(const struct vmm *vm, const int *extra, unsigned nextra,
			struct sandbox_values *s)
{
	for (unsigned g = 0; g < SANDBOX_GROUPS; g++)
		for (unsigned i = 0; i < SANDBOX_GROUP_SLOTS; i++)
			s->v[g][i] = SANDBOX_NO_FD;
	memset(s->n, 0, sizeof(s->n));
	add_value(s, SANDBOX_IN, STDIN_FILENO);
	add_value(s, SANDBOX_IN, vm->cfg.console_in_fd);
	add_value(s, SANDBOX_OUT, STDOUT_FILENO);
	add_value(s, SANDBOX_OUT, STDERR_FILENO);
	add_value(s, SANDBOX_OUT, vm->cfg.console_out_fd);
	add_value(s, SANDBOX_OUT, vm->cfg.debugcon_fd);
	add_value(s, SANDBOX_FILE, pflash_fd(vm->vars));
	for (unsigned i = 0; i < nextra; i++) {
		add_value(s, SANDBOX_IN, extra[i]);
		add_value(s, SANDBOX_OUT, extra[i]);
		add_value(s, SANDBOX_EXTRA, extra[i]);
		add_value(s, SANDBOX_FILE, extra[i]);
	}
	add_value(s, SANDBOX_PID, getpid());
}

/* The generated program with this run's values and default action. */
static void patch(struct sock_filter *prog, const struct sandbox_values *s,
		  unsigned flags)
{
	memcpy(prog, sandbox_program, sizeof(sandbox_program));
	for (size_t i = 0; i < sizeof(sandbox_patches) / sizeof(sandbox_patches[0]); i++) {
		unsigned slot = sandbox_patches[i].slot;

		prog[sandbox_patches[i].insn].k =
			s->v[slot / SANDBOX_GROUP_SLOTS][slot % SANDBOX_GROUP_SLOTS];
	}
	if (flags & VMM_SANDBOX_LOG)
		for (size_t i = 0; i < sizeof(sandbox_default_returns) / sizeof(short); i++)
			prog[sandbox_default_returns[i]].k = SECCOMP_RET_LOG;
}

int vmm_sandbox(struct vmm *vm, const int *fds, unsigned nfds, unsigned flags)
{
	struct sock_filter prog[PROGRAM_LEN];
	struct sock_fprog fprog = { .len = PROGRAM_LEN, .filter = prog };
	struct sandbox_values values;

	if (flags & ~VMM_SANDBOX_LOG)
		return vmm_fail(vm, -EINVAL, "sandbox: unknown flags 0x%x", flags);
	if (nfds > VMM_SANDBOX_MAX_FDS || (nfds && !fds))
		return vmm_fail(vm, -EINVAL, "sandbox: at most %d extra descriptors",
				VMM_SANDBOX_MAX_FDS);
	if (vm->sandboxed)
		return vmm_fail(vm, -EALREADY, "sandbox: already applied");
	held_values(vm, fds, nfds, &values);
	patch(prog, &values, flags);
	/* Without CAP_SYS_ADMIN the kernel takes a filter only with this. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return vmm_fail(vm, -errno, "sandbox: no_new_privs: %s", strerror(errno));
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return vmm_fail(vm, -errno, "sandbox: loading the filter: %s",
				strerror(errno));
	vm->sandboxed = true;
	return 0;
}
