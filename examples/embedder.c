// SPDX-License-Identifier: Apache-2.0
/*
 * The shape of a container runtime's shim around libvmm, built against an
 * installed libvmm with `pkg-config --cflags --libs libvmm` only:
 *
 *   1. open the firmware files itself (a runtime does this before it
 *      confines itself) and hand the descriptors to vmm_create();
 *   2. an attestation hook between create and run (for an SEV guest the
 *      launch measurement is ready here; a guest owner would check it and
 *      answer with a secret for vmm_sev_inject_secret());
 *   3. run the VM on a thread of its own, confined by vmm_sandbox();
 *   4. stop it from another thread (here: once the guest says it is up);
 *   5. destroy it.
 *
 * Usage: embedder FIRMWARE [TESTFW_CASE]
 * With the in-tree test firmware and its "timeout" case the guest spins
 * without a single exit, so only a stop that really interrupts KVM_RUN
 * from another thread can end it.  Exit status 0 when the VM ended the way
 * this program asked, 1 otherwise.
 */
#define _GNU_SOURCE /* pipe2, pthread_timedjoin_np */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vmm/vmm.h>

struct shim {
	struct vmm *vm;
	struct vmm_exit exit;
	int rc;
};

static void log_line(void *opaque, enum vmm_log_level level, const char *msg)
{
	static const char *const names[] = { "error", "warning", "info" };

	(void)opaque;
	fprintf(stderr, "embedder: vmm %s: %s\n",
		(unsigned)level < 3 ? names[level] : "?", msg);
}

/* Step 2: what a runtime would send to its attestation service. */
static int attest(struct vmm *vm)
{
	char m[1024];
	int n = vmm_sev_measurement(vm, m, sizeof(m));

	if (n == -ENODATA) {
		fprintf(stderr, "embedder: not an SEV guest: nothing to attest\n");
		return 0;
	}
	if (n < 0)
		return n;
	fprintf(stderr, "embedder: launch measurement:\n%s", m);
	return 0;
}

/* Step 3: confined to what running the VM needs (this thread only). */
static void *run_thread(void *arg)
{
	struct shim *s = arg;

	s->rc = vmm_sandbox(s->vm, NULL, 0, 0);
	if (s->rc == 0)
		s->rc = vmm_run(s->vm, &s->exit);
	else
		fprintf(stderr, "embedder: %s\n", vmm_strerror(s->vm));
	return NULL;
}

/* Wait up to (ms) for (word) in the guest's debug console output. */
static int wait_for(int fd, const char *word, int ms)
{
	char buf[4096];
	size_t len = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, ms) == 1) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, word))
			return 0;
		if (len == sizeof(buf) - 1)
			len = 0;
	}
	return -1;
}

static int join_within(pthread_t t, int seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	return pthread_timedjoin_np(t, NULL, &until) ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *fw_case = argc > 2 ? argv[2] : "timeout";
	struct vmm_fwcfg_file file = {
		"opt/testfw/case", fw_case, (uint32_t)strlen(fw_case),
	};
	struct vmm_config cfg;
	struct vmm_stats st;
	struct shim s = { 0 };
	pthread_t t;
	int dbg[2], code, rc, ok, up;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: embedder FIRMWARE [TESTFW_CASE]\n");
		return 2;
	}
	printf("embedder: libvmm %s (built against %s)\n", vmm_version(),
	       VMM_VERSION_STRING);
	code = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (code < 0 || pipe2(dbg, O_CLOEXEC) < 0) {
		fprintf(stderr, "embedder: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.code_fd = code;
	cfg.vars_fd = -1;
	cfg.console_in_fd = -1;
	cfg.console_out_fd = -1;
	cfg.debugcon_fd = dbg[1];
	cfg.flags = VMM_F_NO_REBOOT;
	cfg.log = log_line;
	cfg.fwcfg_files = &file;
	cfg.fwcfg_count = 1;

	rc = vmm_create(&cfg, &s.vm);	/* step 1 */
	close(code);			/* the library keeps its own copy */
	if (rc == 0)
		rc = attest(s.vm);	/* step 2 */
	if (rc < 0) {
		fprintf(stderr, "embedder: %s\n", vmm_strerror(s.vm));
		vmm_destroy(s.vm);
		return 1;
	}
	if (pthread_create(&t, NULL, run_thread, &s)) {	/* step 3 */
		vmm_destroy(s.vm);
		return 1;
	}
	/* The whole line, then a moment: the guest is in its loop without
	 * exits, so the stop has to interrupt KVM_RUN itself. */
	up = wait_for(dbg[0], "looping\n", 10000) == 0;
	usleep(100 * 1000);
	if (!up)
		fprintf(stderr, "embedder: the guest did not say it was up\n");
	vmm_stop(s.vm, VMM_EXIT_STOPPED);	/* step 4, from this thread */
	if (join_within(t, 10) < 0) {
		fprintf(stderr, "embedder: vmm_run did not return within 10 s of vmm_stop\n");
		return 1;	/* the VM is still running: no destroy */
	}
	ok = up && s.rc == 0 && s.exit.reason == VMM_EXIT_STOPPED;
	printf("embedder: vmm_run returned %d, exit reason %d (%s): %s\n", s.rc,
	       (int)s.exit.reason, s.exit.detail,
	       ok ? "stopped from another thread" : "not what was asked");
	vmm_get_stats(s.vm, &st);
	printf("embedder: exits %llu (io %llu, mmio %llu, emulation %llu, kicks %llu)\n",
	       (unsigned long long)st.exits, (unsigned long long)st.exits_io,
	       (unsigned long long)st.exits_mmio,
	       (unsigned long long)st.exits_emulation,
	       (unsigned long long)st.exits_intr);
	vmm_destroy(s.vm);			/* step 5 */
	close(dbg[0]);
	close(dbg[1]);
	return ok ? 0 : 1;
}
