// SPDX-License-Identifier: Apache-2.0
/* "vmm COMMAND ...": the subcommands beside booting a VM. */
#include <stdio.h>
#include <string.h>

#include "vmm/cli.h"
#include "vmm/cli_sev.h"
#include "vmm/cli_snp.h"
#include "vmm/cli_vars.h"
#include "vmm/cli_firmware.h"

struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *what;
};

static const struct subcommand subcommands[] = {
	{ "vars", cli_vars_main, "list, get, set or delete UEFI variables in a VARS file" },
	{ "vars-dump", cli_vars_main, "the UEFI variables in a VARS file (as vars list)" },
	{ "firmware", cli_firmware_main, "QEMU firmware descriptors: list, select" },
	{ "measure", cli_measure_main, "expected SEV/SEV-ES launch digest of a firmware image" },
	{ "describe", cli_describe_main, "what a firmware image offers (OVMF footer table, SEV)" },
	{ "probe", cli_probe_main, "what this host supports (KVM VM types, SEV)" },
	{ "snp-id-block", cli_snp_id_block_main, "sign an SEV-SNP ID block for --sev-id-block/--sev-id-auth" },
	{ NULL, NULL, NULL },
};

void cli_print_subcommands(FILE *out)
{
	fprintf(out, "         %-17s %s\n", "describe-machine",
		"the machine as a flattened device tree (below)");
	for (const struct subcommand *c = subcommands; c->name; c++)
		fprintf(out, "         %-17s %s\n", c->name, c->what);
}

int cli_subcommand(int argc, char **argv)
{
	for (const struct subcommand *c = subcommands; c->name; c++)
		if (strcmp(argv[0], c->name) == 0)
			return c->main(argc, argv);
	fprintf(stderr, "vmm: unknown command '%s' (try --help)\n", argv[0]);
	return 2;
}
