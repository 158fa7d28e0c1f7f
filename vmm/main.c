// SPDX-License-Identifier: Apache-2.0
/*
 * vmm: the command-line front end of libvmm.  It owns the process: parses
 * arguments, opens files, installs signal handlers, puts the terminal in
 * raw mode, prints errors and statistics, and maps the outcome to an exit
 * status.  Everything else is the library.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm.h"
#include "sev/sev.h"
#include "vmm/cli.h"
#include "vmm/cli_options.h"


/* The one VM of this process, for the signal handlers. */
static struct vmm *signal_vm;

static void on_stop(int sig)
{
	if (signal_vm)
		vmm_stop(signal_vm, sig == SIGALRM ? VMM_EXIT_TIMEOUT
						   : VMM_EXIT_STOPPED);
}

static void on_input(int sig)
{
	(void)sig;
	if (signal_vm)
		vmm_kick(signal_vm);
}

/* A missing --vars file: created from the template (describe-machine
 * creates nothing: it reads the template itself). */
static int vars_from_template(struct options *o, const char *tmpl)
{
	char err[FWDESC_REASON_LEN];
	int rc;

	if (access(o->vars, F_OK) == 0 || errno != ENOENT)
		return 0;
	if (!tmpl) {
		fprintf(stderr, "vmm: %s is stateless (no nvram-template): cannot create %s\n",
			o->choice.desc.path, o->vars);
		return EXIT_USAGE;
	}
	if (o->describe) {
		o->vars = tmpl;
		return 0;
	}
	rc = fwdesc_create_vars(tmpl, o->vars, err, sizeof(err));
	if (rc < 0 && rc != -EEXIST) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_USAGE;
	}
	if (rc == 0)
		fprintf(stderr, "vmm: created %s from %s (%s)\n", o->vars, tmpl,
			o->choice.desc.path);
	return 0;
}

/* --firmware-descriptor / --firmware-feature: CODE (and the VARS
 * template) from QEMU's firmware descriptors (firmware/fwdesc.h). */
static int resolve_firmware(struct options *o)
{
	struct fwdesc_dirs dirs = { .n = 0 };
	struct fwdesc_query q = {
		.descriptor = o->descriptor,
		.want = { .features = o->features, .nr_features = o->nfeatures,
			  .no_vars = !o->vars },
	};
	char err[FWDESC_REASON_LEN];
	int rc;

	if (o->firmware)
		return 0;
	for (unsigned i = 0; i < o->nfw_dirs; i++)
		if (fwdesc_dirs_add(&dirs, o->fw_dirs[i]) < 0)
			return usage_error("--firmware-dir %s: too many directories", o->fw_dirs[i]);
	if (o->nfw_dirs)
		q.dirs = &dirs;
	rc = fwdesc_choose(&q, &o->choice, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_USAGE;
	}
	o->have_choice = true;
	o->firmware = o->choice.desc.executable.filename;
	return o->vars ? vars_from_template(o, o->choice.desc.nvram_template.filename) : 0;
}

static int open_file(const char *what, const char *path, int flags, int *fd)
{
	*fd = open(path, flags | O_CLOEXEC, 0644);
	if (*fd < 0) {
		fprintf(stderr, "vmm: %s %s: %s\n", what, path, strerror(errno));
		return EXIT_USAGE;
	}
	return 0;
}

static int open_files(struct options *o)
{
	int rc;

	rc = open_file("firmware", o->firmware, O_RDONLY, &o->cfg.code_fd);
	if (!rc && o->vars)
		rc = open_file("vars", o->vars,
			       o->vars_readonly ? O_RDONLY : O_RDWR,
			       &o->cfg.vars_fd);
	if (!rc && o->debugcon)
		rc = open_file("debugcon", o->debugcon,
			       O_WRONLY | O_CREAT | O_TRUNC, &o->cfg.debugcon_fd);
	return rc;
}

/* Read a whole small file (at most (max) bytes) into (buf). */
static int read_small_file(const char *what, const char *path, uint8_t *buf,
			   size_t max, size_t *len)
{
	int fd, rc = 0;
	ssize_t n;

	if (open_file(what, path, O_RDONLY, &fd))
		return EXIT_USAGE;
	n = read(fd, buf, max);
	if (n < 0 || (size_t)n == max) {
		fprintf(stderr, "vmm: %s %s: %s\n", what, path,
			n < 0 ? strerror(errno) : "file too large");
		rc = EXIT_USAGE;
	}
	*len = n > 0 ? (size_t)n : 0;
	close(fd);
	return rc;
}

/* A base64 file (QEMU's dh-cert-file/session-file format) into (out). */
static int read_base64_file(const char *what, const char *path, uint8_t *out,
			    size_t max, size_t *len)
{
	static char text[32768];
	size_t tlen;
	int rc = read_small_file(what, path, (uint8_t *)text, sizeof(text), &tlen);

	if (rc)
		return rc;
	if (sev_base64_decode(text, tlen, out, max, len) < 0) {
		fprintf(stderr, "vmm: %s %s: not base64 of at most %zu bytes\n",
			what, path, max);
		return EXIT_USAGE;
	}
	return 0;
}

/* --sev-id-block/--sev-id-auth files and --sev-host-data (SEV-SNP). */
static int snp_options(struct options *o)
{
	int rc = 0;

	if (o->cfg.sev_mode != VMM_SEV_SNP) {
		if (o->sev_id_block || o->sev_id_auth || o->sev_host_data)
			return usage_error("%s", "--sev-id-block, --sev-id-auth and --sev-host-data are for --sev-snp");
		return 0;
	}
	if (!o->sev_id_block != !o->sev_id_auth)
		return usage_error("%s", "--sev-id-block and --sev-id-auth go together");
	if (o->sev_id_block) {
		rc = read_small_file("sev-id-block", o->sev_id_block, o->id_block,
				     sizeof(o->id_block), &o->cfg.sev_id_block_len);
		if (!rc)
			rc = read_small_file("sev-id-auth", o->sev_id_auth, o->id_auth,
					     sizeof(o->id_auth), &o->cfg.sev_id_auth_len);
		o->cfg.sev_id_block = o->id_block;
		o->cfg.sev_id_auth = o->id_auth;
	}
	if (!rc && o->sev_host_data) {
		size_t n = strlen(o->sev_host_data);

		for (size_t i = 0; i < 32 && n == 64; i++)
			if (sscanf(o->sev_host_data + 2 * i, "%2hhx", &o->host_data[i]) != 1)
				n = 0;
		if (n != 64 || strspn(o->sev_host_data, "0123456789abcdefABCDEF") != 64)
			return usage_error("--sev-host-data %s: want 64 hex digits (32 bytes)",
					   o->sev_host_data);
		o->cfg.sev_host_data = o->host_data;
	}
	return rc;
}

static int sev_options(struct options *o)
{
	size_t len;
	int rc = 0;

	if (o->cfg.sev_mode == VMM_SEV_NONE) {
		if (o->sev_policy_set || o->sev_dh_cert || o->sev_session ||
		    o->sev_measurement || o->sev_tik || o->cfg.sev_init2 ||
		    o->sev_id_block || o->sev_id_auth || o->sev_host_data)
			return usage_error("%s", "SEV options need --sev, --sev-es or --sev-snp");
		return 0;
	}
	/* SNP: QEMU's default policy, SMT allowed and the reserved bit 17. */
	if (!o->sev_policy_set)
		o->cfg.sev_policy = o->cfg.sev_mode == VMM_SEV_ES ? 0x4 :
				    o->cfg.sev_mode == VMM_SEV_SNP ? 0x30000 : 0x0;
	rc = snp_options(o);
	if (rc)
		return rc;
	if (!o->sev_dh_cert != !o->sev_session)
		return usage_error("%s", "--sev-dh-cert and --sev-session go together");
	if (o->sev_dh_cert) {
		rc = read_base64_file("sev-dh-cert", o->sev_dh_cert, o->dh_cert,
				      sizeof(o->dh_cert), &o->cfg.sev_dh_cert_len);
		if (!rc)
			rc = read_base64_file("sev-session", o->sev_session,
					      o->session, sizeof(o->session),
					      &o->cfg.sev_session_len);
		o->cfg.sev_dh_cert = o->dh_cert;
		o->cfg.sev_session = o->session;
	}
	if (!rc && o->sev_tik) {
		rc = read_small_file("sev-tik", o->sev_tik, o->tik,
				     sizeof(o->tik), &len);
		if (!rc && len != 16) {
			fprintf(stderr, "vmm: sev-tik %s: want exactly 16 bytes\n",
				o->sev_tik);
			rc = EXIT_USAGE;
		}
		o->cfg.sev_sim_tik = o->tik;
	}
	return rc;
}

/* Write what LAUNCH_MEASURE returned where the guest owner asked. */
static int write_measurement(const struct vmm *vm, const char *path)
{
	char text[1024];
	int n = vmm_sev_measurement(vm, text, sizeof(text)), fd;

	if (n < 0)
		return 0;
	fprintf(stderr, "vmm: sev: launch measured (vcpu signature 0x%x)\n",
		vmm_sev_vcpu_signature(vm));
	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)n) != n) {
		fprintf(stderr, "vmm: sev-measurement %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_HOST_ERROR;
	}
	close(fd);
	return 0;
}

static struct termios saved_tty;
static bool tty_raw;

/* Keystrokes go to the guest as typed; Ctrl-C still stops the VMM. */
static void console_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return;
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		tty_raw = true;
}

static void console_restore(void)
{
	int fl = fcntl(STDIN_FILENO, F_GETFL);

	/* stdin's file description is shared with the shell: leave it as found. */
	if (fl >= 0 && (fl & O_ASYNC))
		fcntl(STDIN_FILENO, F_SETFL, fl & ~O_ASYNC);
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;	/* no SA_RESTART: KVM_RUN must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_input;
	sigaction(SIGIO, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Input arriving on stdin raises SIGIO, which kicks the vCPU. */
	if (fcntl(STDIN_FILENO, F_SETOWN, getpid()) == 0)
		fcntl(STDIN_FILENO, F_SETFL,
		      fcntl(STDIN_FILENO, F_GETFL) | O_ASYNC);
}

static void log_stderr(void *opaque, enum vmm_log_level level, const char *msg)
{
	static const char *const tag[] = { "error", "warning", "info" };

	(void)opaque;
	fprintf(stderr, "vmm: %s: %s\n", tag[level], msg);
}

/* What --stats needs after the run, gathered before the sandbox closes
 * the file system: /proc/self/status stays open for the peak RSS. */
struct stats_ctx {
	int status_fd;
	struct vmm_host_info host;
};

static void stats_prepare(struct stats_ctx *c, bool wanted)
{
	c->status_fd = wanted ? open("/proc/self/status", O_RDONLY | O_CLOEXEC) : -1;
	vmm_host_info(&c->host);
}

/* Peak resident set of this process image (VmHWM: reset at exec). */
static long peak_rss_kib(int status_fd)
{
	char buf[4096];
	const char *line;
	ssize_t n = status_fd < 0 ? -1 : pread(status_fd, buf, sizeof(buf) - 1, 0);
	long kib = -1;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	line = strstr(buf, "\nVmHWM:");
	if (line && sscanf(line + 1, "VmHWM: %ld kB", &kib) != 1)
		kib = -1;
	return kib;
}

static void print_stats(const struct vmm *vm, const struct stats_ctx *c)
{
	struct vmm_stats s;
	const struct vmm_host_info *hp = &c->host;
	uint64_t emulated = 0;

	vmm_get_stats(vm, &s);
	for (unsigned i = 0; i < VMM_STATS_MAX_INSN; i++)
		emulated += s.emulated[i];
	fprintf(stderr,
		"stats: exits %" PRIu64 " (io %" PRIu64 ", mmio %" PRIu64
		", emulation %" PRIu64 ", kicks %" PRIu64 ", other %" PRIu64 ")\n",
		s.exits, s.exits_io, s.exits_mmio, s.exits_emulation,
		s.exits_intr, s.exits_other);
	fprintf(stderr, "stats: emulated instructions %" PRIu64 ":", emulated);
	for (unsigned i = 0; vmm_stats_insn_name(i); i++)
		if (s.emulated[i])
			fprintf(stderr, " %s=%" PRIu64, vmm_stats_insn_name(i),
				s.emulated[i]);
	fprintf(stderr, "\nstats: unclaimed pio reads %" PRIu64 " writes %" PRIu64
		", mmio reads %" PRIu64 " writes %" PRIu64 "\n",
		s.unclaimed_pio_reads, s.unclaimed_pio_writes,
		s.unclaimed_mmio_reads, s.unclaimed_mmio_writes);
	fprintf(stderr, "stats: vars romd on %" PRIu64 " off %" PRIu64
		", programs %" PRIu64 ", erases %" PRIu64 ", flushes %" PRIu64
		", blocks written %" PRIu64 "; resets %" PRIu64 "\n",
		s.romd_on, s.romd_off, s.vars_programs, s.vars_erases,
		s.vars_flushes, s.vars_blocks_written, s.resets);
	fprintf(stderr, "stats: timer interrupts %" PRIu64 " (coalesced %"
		PRIu64 ", late %" PRIu64 ", latest by %" PRIu64 " us); pic vectors %"
		PRIu64 " (spurious %" PRIu64 "), ioapic msis %" PRIu64
		", ioapic eois %" PRIu64 "\n",
		s.timer_irqs, s.timer_coalesced, s.timer_late,
		s.timer_late_max_ns / 1000, s.pic_injections, s.pic_spurious,
		s.ioapic_msis, s.ioapic_eois);
	fprintf(stderr, "stats: peak resident %ld KiB\n", peak_rss_kib(c->status_fd));
	fprintf(stderr, "stats: kvm %s (%s%s%s), x87/MXCSR fixups %s\n",
		vmm_host_kind_name(hp->kind), hp->module[0] ? hp->module : "no KVM module",
		hp->hypervisor[0] ? " in " : "", hp->hypervisor,
		hp->insn_fixups ? "needed" : "not needed");
}

static int status_of(const struct vmm_exit *ex)
{
	switch (ex->reason) {
	case VMM_EXIT_POWEROFF: return EXIT_POWEROFF;
	case VMM_EXIT_RESET: return EXIT_GUEST_RESET;
	case VMM_EXIT_CRASH: return EXIT_GUEST_CRASH;
	case VMM_EXIT_TIMEOUT: return EXIT_TIMEOUT;
	case VMM_EXIT_STOPPED: return EXIT_STOPPED;
	default: return EXIT_HOST_ERROR;
	}
}

/* Bad input (files, sizes, a VARS file in use) versus a host failure. */
static int create_status(int rc)
{
	return rc == -EINVAL || rc == -EBADF || rc == -EBUSY ? EXIT_USAGE
							      : EXIT_HOST_ERROR;
}

/* Everything is open and set up: from here on only the run loop's calls. */
static int sandbox(struct options *o, struct vmm *vm, const struct stats_ctx *c)
{
	int rc;

	if (o->no_sandbox)
		return 0;
	rc = vmm_sandbox(vm, &c->status_fd, c->status_fd >= 0, 0);
	if (rc < 0)
		fprintf(stderr, "vmm: %s (--no-sandbox runs without it)\n",
			vmm_strerror(vm));
	return rc;
}

static int boot(struct options *o)
{
	struct vmm *vm;
	struct vmm_exit ex;
	struct stats_ctx sc;
	int rc;

	rc = vmm_create(&o->cfg, &vm);
	if (rc < 0) {
		fprintf(stderr, "vmm: %s\n", vm ? vmm_strerror(vm) : strerror(-rc));
		vmm_destroy(vm);
		return create_status(rc);
	}
	rc = write_measurement(vm, o->sev_measurement);
	if (rc) {
		vmm_destroy(vm);
		return rc;
	}
	stats_prepare(&sc, o->stats);
	signal_vm = vm;
	install_signals();
	console_raw();
	if (sandbox(o, vm, &sc) < 0) {
		console_restore();
		vmm_destroy(vm);
		return EXIT_HOST_ERROR;
	}
	if (o->timeout)
		alarm(o->timeout);
	rc = vmm_run(vm, &ex);
	alarm(0);
	console_restore();
	signal_vm = NULL;
	if (ex.reason != VMM_EXIT_POWEROFF)
		fprintf(stderr, "vmm: %s\n", ex.detail);
	if (o->stats)
		print_stats(vm, &sc);
	vmm_destroy(vm);
	return rc < 0 ? EXIT_HOST_ERROR : status_of(&ex);
}

/* A machine's tree is about 3.5 KiB; a bigger one is -ENOSPC, an error. */
#define DESCRIBE_MAX (64 * 1024)

/* vmm describe-machine: build the VM the options describe, never run it. */
static int describe(struct options *o)
{
	static uint8_t fdt[DESCRIBE_MAX];
	struct vmm *vm;
	FILE *out = stdout;
	int rc, len;

	rc = vmm_create(&o->cfg, &vm);
	if (rc < 0) {
		fprintf(stderr, "vmm describe-machine: %s\n",
			vm ? vmm_strerror(vm) : strerror(-rc));
		vmm_destroy(vm);
		return create_status(rc);
	}
	len = vmm_describe_machine(vm, fdt, sizeof(fdt));
	if (len < 0)
		fprintf(stderr, "vmm describe-machine: %s\n", vmm_strerror(vm));
	vmm_destroy(vm);
	if (len < 0)
		return EXIT_HOST_ERROR;
	if (o->output && !(out = fopen(o->output, "wb"))) {
		fprintf(stderr, "vmm describe-machine: %s: %s\n", o->output, strerror(errno));
		return EXIT_USAGE;
	}
	rc = fwrite(fdt, 1, (size_t)len, out) == (size_t)len ? 0 : EXIT_HOST_ERROR;
	if ((out != stdout ? fclose(out) : fflush(out)) != 0)
		rc = EXIT_HOST_ERROR;
	if (rc)
		fprintf(stderr, "vmm describe-machine: writing the tree: %s\n", strerror(errno));
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = { .cfg = {
		.size = sizeof(struct vmm_config),
		.code_fd = -1, .vars_fd = -1, .debugcon_fd = -1,
		.console_in_fd = STDIN_FILENO, .console_out_fd = STDOUT_FILENO,
		.log = log_stderr,
	} };
	int rc;

	if (argc > 1 && strcmp(argv[1], "describe-machine") == 0) {
		o.describe = true;
		argc--;
		argv++;
	} else if (argc > 1 && argv[1][0] != '-') {
		return cli_subcommand(argc - 1, argv + 1);
	}
	rc = cli_parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	o.cfg.vars_mode = o.vars_readonly || o.describe ? VMM_VARS_SNAPSHOT
							: VMM_VARS_READWRITE;
	if (o.describe)
		o.vars_readonly = true;	/* never locks out a running VM */
	rc = sev_options(&o);
	if (!rc)
		rc = resolve_firmware(&o);
	if (!rc)
		rc = open_files(&o);
	if (!rc)
		rc = o.describe ? describe(&o) : boot(&o);
	if (o.have_choice)
		fwdesc_choice_free(&o.choice);
	return rc;
}
