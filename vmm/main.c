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

enum exit_status {
	EXIT_POWEROFF = 0,
	EXIT_HOST_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_GUEST_RESET = 3,
	EXIT_GUEST_CRASH = 4,
	EXIT_TIMEOUT = 5,
	EXIT_STOPPED = 6,
};

static const char usage_text[] =
"Usage: vmm --firmware CODE.fd [--vars VARS.fd] [options]\n"
"       vmm measure|describe|probe|vars-dump ... (see 'vmm COMMAND --help')\n"
"         measure    expected SEV/SEV-ES launch digest of a firmware image\n"
"         describe   what a firmware image offers (OVMF footer table, SEV)\n"
"         probe      what this host supports (KVM VM types, SEV)\n"
"         vars-dump  the UEFI variables in a VARS file\n"
"\n"
"Boots UEFI firmware (OVMF) on KVM: CODE read-only at the reset vector,\n"
"VARS as a CFI flash directly below it.  The console is COM1 on stdio.\n"
"\n"
"  --firmware FILE     firmware CODE image (ends at 4 GiB; never written)\n"
"  --vars FILE         variable store (CFI flash); locked while in use\n"
"  --vars-readonly     keep the guest's variable changes in memory only\n"
"  --memory SIZE       guest RAM, e.g. 512M, 2G (plain number: MiB; default 512M)\n"
"  --phys-bits N       guest physical-address bits (default 36)\n"
"  --debugcon FILE     write the debug console (port 0x402) to FILE\n"
"  --no-reboot         end when the guest resets instead of rebooting\n"
"  --no-romd           trap every VARS read (no read-only memslot)\n"
"  --irqchip split|kernel  split: only the LAPIC in KVM, PIC/IOAPIC/PIT in the\n"
"                      VMM (default); kernel: KVM's PIC/IOAPIC/PIT\n"
"  --timeout SECONDS   stop the guest after SECONDS\n"
"  --stats             print exit and device statistics at the end\n"
"  --fwcfg NAME=STRING offer STRING to the guest as fw_cfg file NAME (up to 8)\n"
"  --no-sandbox        do not confine the VMM with seccomp before the guest runs\n"
"\n"
"AMD SEV (CODE encrypted and measured at launch; VARS stays plaintext):\n"
"  --sev | --sev-es    launch as an SEV or SEV-ES guest\n"
"  --sev-backend kvm|sim  kvm: real hardware (default); sim: a software model\n"
"                      of the SEV firmware that computes the launch measurement\n"
"                      real hardware would, but ENCRYPTS NOTHING: the guest\n"
"                      runs unencrypted\n"
"  --sev-policy HEX    guest policy (default 0x0 for SEV, 0x4 for SEV-ES)\n"
"  --sev-dh-cert FILE  guest owner's DH certificate (base64), with --sev-session\n"
"  --sev-session FILE  launch session blob (base64)\n"
"  --sev-measurement FILE  write the LAUNCH_MEASURE result to FILE\n"
"  --sev-tik FILE      16-byte TIK for the sim backend (default all zero)\n"
"  --sev-init2         KVM_SEV_INIT2 on the SEV/SEV-ES VM types (Linux 6.10+)\n"
"                      instead of the legacy KVM_SEV_INIT on the default type\n"
"  --help              this text\n"
"  --version           the version of vmm and of the libvmm it runs on\n"
"\n"
"Exit status:\n"
"  0  the guest powered off (ACPI S5)\n"
"  1  host error (KVM, I/O, memory)\n"
"  2  usage error or bad input (files, sizes, options)\n"
"  3  the guest reset and --no-reboot was given\n"
"  4  the guest crashed (triple fault with --no-reboot, an instruction the\n"
"     VMM cannot emulate, a failed VM entry)\n"
"  5  --timeout expired\n"
"  6  stopped by SIGINT or SIGTERM\n"
"  159  (killed by SIGSYS) a system call outside the sandbox: a VMM bug\n";

struct options {
	const char *firmware;
	const char *vars;
	const char *debugcon;
	bool vars_readonly;
	bool stats;
	bool no_sandbox;
	unsigned timeout;
	struct vmm_fwcfg_file fwcfg[8];
	const char *sev_measurement;
	const char *sev_dh_cert, *sev_session, *sev_tik;
	bool sev_policy_set;
	uint8_t dh_cert[16384], session[16384], tik[17]; /* TIK + 1: too long */
	struct vmm_config cfg;
};

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

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try --help)\n");
	return EXIT_USAGE;
}

/* "512M", "2G", "1T", "4096K", or a plain number of MiB. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 20;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_hex32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno || end == s || *end || s[0] == '-' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* NAME=STRING: NAME must be non-empty and shorter than fw_cfg's 56 bytes. */
static int parse_fwcfg(struct options *o, char *arg)
{
	char *eq = strchr(arg, '=');

	struct vmm_fwcfg_file *f = &o->fwcfg[o->cfg.fwcfg_count];

	if (!eq || eq == arg || eq - arg > 55)
		return usage_error("--fwcfg %s: want NAME=STRING", arg);
	if (o->cfg.fwcfg_count == sizeof(o->fwcfg) / sizeof(o->fwcfg[0]))
		return usage_error("--fwcfg %s: too many files", arg);
	*eq = '\0';
	*f = (struct vmm_fwcfg_file){ arg, eq + 1, (uint32_t)strlen(eq + 1) };
	o->cfg.fwcfg_files = o->fwcfg;
	o->cfg.fwcfg_count++;
	return 0;
}

enum { OPT_FIRMWARE = 256, OPT_VARS, OPT_VARS_RO, OPT_MEMORY, OPT_PHYS_BITS,
       OPT_DEBUGCON, OPT_NO_REBOOT, OPT_NO_ROMD, OPT_TIMEOUT, OPT_STATS,
       OPT_FWCFG, OPT_SEV, OPT_SEV_ES, OPT_SEV_BACKEND, OPT_SEV_POLICY,
       OPT_SEV_DH_CERT, OPT_SEV_SESSION, OPT_SEV_MEASUREMENT, OPT_SEV_TIK,
       OPT_SEV_INIT2, OPT_IRQCHIP, OPT_NO_SANDBOX, OPT_VERSION,
       OPT_HELP };

static const struct option long_options[] = {
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "vars", required_argument, NULL, OPT_VARS },
	{ "vars-readonly", no_argument, NULL, OPT_VARS_RO },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "phys-bits", required_argument, NULL, OPT_PHYS_BITS },
	{ "debugcon", required_argument, NULL, OPT_DEBUGCON },
	{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
	{ "no-romd", no_argument, NULL, OPT_NO_ROMD },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "fwcfg", required_argument, NULL, OPT_FWCFG },
	{ "sev", no_argument, NULL, OPT_SEV },
	{ "sev-es", no_argument, NULL, OPT_SEV_ES },
	{ "sev-backend", required_argument, NULL, OPT_SEV_BACKEND },
	{ "sev-policy", required_argument, NULL, OPT_SEV_POLICY },
	{ "sev-dh-cert", required_argument, NULL, OPT_SEV_DH_CERT },
	{ "sev-session", required_argument, NULL, OPT_SEV_SESSION },
	{ "sev-measurement", required_argument, NULL, OPT_SEV_MEASUREMENT },
	{ "sev-tik", required_argument, NULL, OPT_SEV_TIK },
	{ "sev-init2", no_argument, NULL, OPT_SEV_INIT2 },
	{ "irqchip", required_argument, NULL, OPT_IRQCHIP },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int parse_option(struct options *o, int opt, char *arg)
{
	switch (opt) {
	case OPT_FIRMWARE: o->firmware = arg; return 0;
	case OPT_VARS: o->vars = arg; return 0;
	case OPT_VARS_RO: o->vars_readonly = true; return 0;
	case OPT_MEMORY:
		if (parse_size(arg, &o->cfg.mem_size) < 0)
			return usage_error("--memory %s: not a size", arg);
		return 0;
	case OPT_PHYS_BITS:
		if (parse_uint(arg, 52, &o->cfg.phys_bits) < 0 || o->cfg.phys_bits < 32)
			return usage_error("--phys-bits %s: want 32..52", arg);
		return 0;
	case OPT_DEBUGCON: o->debugcon = arg; return 0;
	case OPT_NO_REBOOT: o->cfg.flags |= VMM_F_NO_REBOOT; return 0;
	case OPT_NO_ROMD: o->cfg.flags |= VMM_F_NO_ROMD; return 0;
	case OPT_TIMEOUT:
		if (parse_uint(arg, 86400 * 365, &o->timeout) < 0 || !o->timeout)
			return usage_error("--timeout %s: want whole seconds > 0", arg);
		return 0;
	case OPT_STATS: o->stats = true; return 0;
	case OPT_NO_SANDBOX: o->no_sandbox = true; return 0;
	case OPT_IRQCHIP:
		if (strcmp(arg, "kernel") && strcmp(arg, "split"))
			return usage_error("--irqchip %s: want kernel or split", arg);
		o->cfg.irqchip = arg[0] == 's' ? VMM_IRQCHIP_SPLIT
					       : VMM_IRQCHIP_KERNEL;
		return 0;
	case OPT_FWCFG:
		return parse_fwcfg(o, arg);
	case OPT_SEV: o->cfg.sev_mode = VMM_SEV; return 0;
	case OPT_SEV_ES: o->cfg.sev_mode = VMM_SEV_ES; return 0;
	case OPT_SEV_BACKEND:
		if (strcmp(arg, "kvm") && strcmp(arg, "sim"))
			return usage_error("--sev-backend %s: want kvm or sim", arg);
		o->cfg.sev_backend = arg[0] == 's' ? VMM_SEV_BACKEND_SIM
						   : VMM_SEV_BACKEND_KVM;
		return 0;
	case OPT_SEV_POLICY:
		if (parse_hex32(arg, &o->cfg.sev_policy) < 0)
			return usage_error("--sev-policy %s: not a 32-bit hex number", arg);
		o->sev_policy_set = true;
		return 0;
	case OPT_SEV_DH_CERT: o->sev_dh_cert = arg; return 0;
	case OPT_SEV_SESSION: o->sev_session = arg; return 0;
	case OPT_SEV_MEASUREMENT: o->sev_measurement = arg; return 0;
	case OPT_SEV_TIK: o->sev_tik = arg; return 0;
	case OPT_SEV_INIT2: o->cfg.sev_init2 = 1; return 0;
	case OPT_HELP: fputs(usage_text, stdout); exit(0);
	case OPT_VERSION:
		printf("vmm %s (libvmm %s)\n", VMM_VERSION_STRING, vmm_version());
		exit(0);
	default: return usage_error("%s", "unknown option");
	}
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (opt == '?')
			return usage_error("unknown or incomplete option '%s'",
					   argv[optind - 1]);
		rc = parse_option(o, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->firmware)
		return usage_error("%s", "--firmware is required");
	return 0;
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

static int sev_options(struct options *o)
{
	size_t len;
	int rc = 0;

	if (o->cfg.sev_mode == VMM_SEV_NONE) {
		if (o->sev_policy_set || o->sev_dh_cert || o->sev_session ||
		    o->sev_measurement || o->sev_tik || o->cfg.sev_init2)
			return usage_error("%s", "SEV options need --sev or --sev-es");
		return 0;
	}
	if (!o->sev_policy_set)
		o->cfg.sev_policy = o->cfg.sev_mode == VMM_SEV_ES ? 0x4 : 0x0;
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

int main(int argc, char **argv)
{
	struct options o = { .cfg = {
		.size = sizeof(struct vmm_config),
		.code_fd = -1, .vars_fd = -1, .debugcon_fd = -1,
		.console_in_fd = STDIN_FILENO, .console_out_fd = STDOUT_FILENO,
		.log = log_stderr,
	} };
	int rc;

	if (argc > 1 && argv[1][0] != '-')
		return cli_subcommand(argc - 1, argv + 1);
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	o.cfg.vars_mode = o.vars_readonly ? VMM_VARS_SNAPSHOT : VMM_VARS_READWRITE;
	rc = sev_options(&o);
	if (!rc)
		rc = open_files(&o);
	if (!rc)
		rc = boot(&o);
	return rc;
}
