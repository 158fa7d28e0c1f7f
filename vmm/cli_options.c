// SPDX-License-Identifier: Apache-2.0
/*
 * The boot options of the vmm CLI, in one table: getopt's long options and
 * --help are both made from it (and vmm(1) is checked against --help by
 * tests/cli/manpage.sh).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cli.h"
#include "vmm/cli_options.h"

enum { OPT_FIRMWARE = 256, OPT_VARS, OPT_VARS_RO, OPT_MEMORY, OPT_PHYS_BITS,
       OPT_DEBUGCON, OPT_NO_REBOOT, OPT_NO_ROMD, OPT_TIMEOUT, OPT_STATS,
       OPT_FWCFG, OPT_SEV, OPT_SEV_ES, OPT_SEV_BACKEND, OPT_SEV_POLICY,
       OPT_SEV_DH_CERT, OPT_SEV_SESSION, OPT_SEV_MEASUREMENT, OPT_SEV_TIK,
       OPT_SEV_INIT2, OPT_IRQCHIP, OPT_NO_SANDBOX, OPT_VERSION,
       OPT_FW_DESCRIPTOR, OPT_FW_FEATURE, OPT_FW_DIR, OPT_OUTPUT,
       OPT_SEV_SNP, OPT_SEV_ID_BLOCK, OPT_SEV_ID_AUTH, OPT_SEV_HOST_DATA,
       OPT_HELP };

enum opt_group { G_FIRMWARE, G_RUN, G_SEV, G_DESCRIBE, G_GENERAL, G_COUNT };

struct cli_option {
	const char *name;
	const char *arg;	/* metavariable, NULL: takes no argument */
	int id;
	enum opt_group group;
	const char *help;	/* '\n' starts a continuation line */
};

static const struct cli_option options_table[] = {
	{ "firmware", "FILE", OPT_FIRMWARE, G_FIRMWARE,
	  "firmware CODE image (ends at 4 GiB; never written)" },
	{ "vars", "FILE", OPT_VARS, G_FIRMWARE,
	  "variable store (CFI flash); locked while in use; created from\n"
	  "the descriptor's NVRAM template when missing and a descriptor\n"
	  "is used" },
	{ "firmware-descriptor", "FILE", OPT_FW_DESCRIPTOR, G_FIRMWARE,
	  "take CODE (and the VARS template) from this QEMU firmware\n"
	  "descriptor (JSON) instead of --firmware" },
	{ "firmware-feature", "NAME", OPT_FW_FEATURE, G_FIRMWARE,
	  "without --firmware: pick the first QEMU firmware descriptor\n"
	  "offering NAME (amd-sev, secure-boot, ...; repeatable)" },
	{ "firmware-dir", "DIR", OPT_FW_DIR, G_FIRMWARE,
	  "search DIR for descriptors instead of QEMU's directories\n"
	  "(/usr/share/qemu/firmware, /etc/qemu/firmware,\n"
	  "$XDG_CONFIG_HOME/qemu/firmware; repeatable)" },
	{ "vars-readonly", NULL, OPT_VARS_RO, G_FIRMWARE,
	  "keep the guest's variable changes in memory only" },
	{ "memory", "SIZE", OPT_MEMORY, G_RUN,
	  "guest RAM, e.g. 512M, 2G (plain number: MiB; default 512M)" },
	{ "phys-bits", "N", OPT_PHYS_BITS, G_RUN,
	  "guest physical-address bits (default 36)" },
	{ "debugcon", "FILE", OPT_DEBUGCON, G_RUN,
	  "write the debug console (port 0x402) to FILE" },
	{ "no-reboot", NULL, OPT_NO_REBOOT, G_RUN,
	  "end when the guest resets instead of rebooting" },
	{ "no-romd", NULL, OPT_NO_ROMD, G_RUN,
	  "trap every VARS read (no read-only memslot)" },
	{ "irqchip", "split|kernel", OPT_IRQCHIP, G_RUN,
	  "split: only the LAPIC in KVM, PIC/IOAPIC/PIT in the\n"
	  "VMM (default); kernel: KVM's PIC/IOAPIC/PIT" },
	{ "timeout", "SECONDS", OPT_TIMEOUT, G_RUN,
	  "stop the guest after SECONDS" },
	{ "stats", NULL, OPT_STATS, G_RUN,
	  "print exit and device statistics at the end" },
	{ "fwcfg", "NAME=STRING", OPT_FWCFG, G_RUN,
	  "offer STRING to the guest as fw_cfg file NAME (up to 8)" },
	{ "no-sandbox", NULL, OPT_NO_SANDBOX, G_RUN,
	  "do not confine the VMM with seccomp before the guest runs" },
	{ "sev", NULL, OPT_SEV, G_SEV, "launch as an SEV guest" },
	{ "sev-es", NULL, OPT_SEV_ES, G_SEV, "launch as an SEV-ES guest" },
	{ "sev-snp", NULL, OPT_SEV_SNP, G_SEV,
	  "launch as an SEV-SNP guest (sim backend only; VARS stays\n"
	  "shared MMIO: every access traps)" },
	{ "sev-backend", "kvm|sim", OPT_SEV_BACKEND, G_SEV,
	  "kvm: real hardware (default); sim: a software model\n"
	  "of the SEV firmware that computes the launch measurement\n"
	  "real hardware would, but ENCRYPTS NOTHING: the guest\n"
	  "runs unencrypted" },
	{ "sev-policy", "HEX", OPT_SEV_POLICY, G_SEV,
	  "guest policy (default 0x0 for SEV, 0x4 for SEV-ES)" },
	{ "sev-dh-cert", "FILE", OPT_SEV_DH_CERT, G_SEV,
	  "guest owner's DH certificate (base64), with --sev-session" },
	{ "sev-session", "FILE", OPT_SEV_SESSION, G_SEV,
	  "launch session blob (base64)" },
	{ "sev-measurement", "FILE", OPT_SEV_MEASUREMENT, G_SEV,
	  "write the LAUNCH_MEASURE result to FILE" },
	{ "sev-tik", "FILE", OPT_SEV_TIK, G_SEV,
	  "16-byte TIK for the sim backend (default all zero)" },
	{ "sev-id-block", "FILE", OPT_SEV_ID_BLOCK, G_SEV,
	  "SNP: the 96-byte ID block for SNP_LAUNCH_FINISH" },
	{ "sev-id-auth", "FILE", OPT_SEV_ID_AUTH, G_SEV,
	  "SNP: its 4096-byte ID authentication structure" },
	{ "sev-host-data", "HEX", OPT_SEV_HOST_DATA, G_SEV,
	  "SNP: 32 bytes (64 hex digits) of HOST_DATA for the report" },
	{ "sev-init2", NULL, OPT_SEV_INIT2, G_SEV,
	  "KVM_SEV_INIT2 on the SEV/SEV-ES VM types (Linux 6.10+)\n"
	  "instead of the legacy KVM_SEV_INIT on the default type" },
	{ "output", "FILE", OPT_OUTPUT, G_DESCRIBE,
	  "(or -o FILE) write the device tree to FILE\n"
	  "(default: standard output)" },
	{ "help", NULL, OPT_HELP, G_GENERAL, "this text" },
	{ "version", NULL, OPT_VERSION, G_GENERAL,
	  "the version of vmm and of the libvmm it runs on" },
};

#define N_OPTIONS (sizeof(options_table) / sizeof(options_table[0]))

static const char *const group_titles[G_COUNT] = {
	[G_FIRMWARE] = "Firmware:",
	[G_RUN] = "Machine and run:",
	[G_SEV] = "AMD SEV (CODE encrypted and measured at launch; VARS stays plaintext):",
	[G_DESCRIBE] = "vmm describe-machine [options above] [--output FILE]: the machine\n"
		       "those options build, as a flattened device tree (dtc -I dtb -O dts\n"
		       "reads it), without running it:",
	[G_GENERAL] = "",
};

static const char usage_head[] =
"Usage: vmm --firmware CODE.fd [--vars VARS.fd] [options]\n"
"       vmm --firmware-feature NAME|--firmware-descriptor FILE --vars VARS.fd [options]\n"
"       vmm describe-machine [options] [--output FILE]\n"
"       vmm COMMAND ... (see 'vmm COMMAND --help'):\n";

static const char usage_body[] =
"\nBoots UEFI firmware (OVMF) on KVM: CODE read-only at the reset vector,\n"
"VARS as a CFI flash directly below it.  The console is COM1 on stdio.\n";

static const char usage_tail[] =
"\nExit status:\n"
"  0  the guest powered off (ACPI S5)\n"
"  1  host error (KVM, I/O, memory)\n"
"  2  usage error or bad input (files, sizes, options)\n"
"  3  the guest reset and --no-reboot was given\n"
"  4  the guest crashed (triple fault with --no-reboot, an instruction the\n"
"     VMM cannot emulate, a failed VM entry)\n"
"  5  --timeout expired\n"
"  6  stopped by SIGINT or SIGTERM\n"
"  159  (killed by SIGSYS) a system call outside the sandbox: a VMM bug\n";

/* "  --name ARG" then the help from column 22, continuation lines too. */
static void print_option(const struct cli_option *opt)
{
	const char *h = opt->help;
	int n = printf("  --%s%s%s", opt->name, opt->arg ? " " : "",
		       opt->arg ? opt->arg : "");

	printf("%*s", n < 20 ? 22 - n : 2, "");
	for (; *h; h++) {
		putchar(*h);
		if (*h == '\n')
			printf("%22s", "");
	}
	putchar('\n');
}

static void print_usage(bool describe)
{
	fputs(usage_head, stdout);
	cli_print_subcommands(stdout);
	fputs(usage_body, stdout);
	for (int g = 0; g < G_COUNT; g++) {
		if (g == G_DESCRIBE && !describe)
			continue;
		printf("\n%s%s", group_titles[g], group_titles[g][0] ? "\n" : "");
		for (size_t i = 0; i < N_OPTIONS; i++)
			if (options_table[i].group == (enum opt_group)g)
				print_option(&options_table[i]);
	}
	fputs(usage_tail, stdout);
}

int usage_error(const char *fmt, ...)
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
	case OPT_SEV_SNP: o->cfg.sev_mode = VMM_SEV_SNP; return 0;
	case OPT_SEV_ID_BLOCK: o->sev_id_block = arg; return 0;
	case OPT_SEV_ID_AUTH: o->sev_id_auth = arg; return 0;
	case OPT_SEV_HOST_DATA: o->sev_host_data = arg; return 0;
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
	case OPT_FW_DESCRIPTOR: o->descriptor = arg; return 0;
	case OPT_FW_FEATURE:
		if (o->nfeatures == CLI_MAX_FEATURES)
			return usage_error("--firmware-feature %s: at most %d features",
					   arg, CLI_MAX_FEATURES);
		o->features[o->nfeatures++] = arg;
		return 0;
	case OPT_FW_DIR:
		if (o->nfw_dirs == CLI_MAX_FW_DIRS)
			return usage_error("--firmware-dir %s: at most %d directories",
					   arg, CLI_MAX_FW_DIRS);
		o->fw_dirs[o->nfw_dirs++] = arg;
		return 0;
	case OPT_OUTPUT: o->output = arg; return 0;
	case OPT_HELP: print_usage(o->describe); return -1;
	case OPT_VERSION:
		printf("vmm %s (libvmm %s)\n", VMM_VERSION_STRING, vmm_version());
		return -1;
	default: return usage_error("%s", "unknown option");
	}
}

/* getopt's list, from the table: --output only for describe-machine. */
static void make_long_options(struct option *lo, bool describe)
{
	size_t n = 0;

	for (size_t i = 0; i < N_OPTIONS; i++) {
		if (options_table[i].group == G_DESCRIBE && !describe)
			continue;
		lo[n++] = (struct option){ options_table[i].name,
					   options_table[i].arg ? required_argument
								: no_argument,
					   NULL, options_table[i].id };
	}
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
}

int cli_parse_args(int argc, char **argv, struct options *o)
{
	struct option lo[N_OPTIONS + 1];
	int opt, rc;

	make_long_options(lo, o->describe);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, o->describe ? "o:" : "", lo, NULL)) != -1) {
		if (opt == 'o')
			opt = OPT_OUTPUT;
		if (opt == '?')
			return usage_error("unknown or incomplete option '%s'",
					   argv[optind - 1]);
		rc = parse_option(o, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->firmware && (o->descriptor || o->nfeatures))
		return usage_error("%s", "--firmware goes without --firmware-descriptor and --firmware-feature");
	if (o->nfw_dirs && !o->nfeatures && !o->descriptor && o->firmware)
		return usage_error("%s", "--firmware-dir is for --firmware-feature");
	if (!o->firmware && !o->descriptor && !o->nfeatures)
		return usage_error("%s", "--firmware is required (or --firmware-feature/--firmware-descriptor)");
	return 0;
}
