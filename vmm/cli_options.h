/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boot options of the vmm CLI: one table (cli_options.c) from which
 * getopt's list and --help are made; tests/cli/manpage.sh checks vmm(1)
 * against --help, so the three cannot drift apart.
 */
#ifndef VMM_CLI_OPTIONS_H
#define VMM_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "firmware/fwdesc.h"
#include "vmm.h"

enum cli_exit_status {
	EXIT_POWEROFF = 0,
	EXIT_HOST_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_GUEST_RESET = 3,
	EXIT_GUEST_CRASH = 4,
	EXIT_TIMEOUT = 5,
	EXIT_STOPPED = 6,
};

#define CLI_MAX_FEATURES 8
#define CLI_MAX_FW_DIRS  8

struct options {
	const char *firmware;
	const char *vars;
	const char *debugcon;
	const char *descriptor;		/* --firmware-descriptor */
	const char *features[CLI_MAX_FEATURES];	/* --firmware-feature */
	unsigned nfeatures;
	const char *fw_dirs[CLI_MAX_FW_DIRS];	/* --firmware-dir */
	unsigned nfw_dirs;
	struct fwdesc_choice choice;	/* the descriptor picked, if any */
	bool have_choice;
	const char *output;		/* describe-machine --output */
	bool describe;			/* vmm describe-machine */
	bool vars_readonly;
	bool stats;
	bool no_sandbox;
	unsigned timeout;
	struct vmm_fwcfg_file fwcfg[8];
	const char *sev_measurement;
	const char *sev_dh_cert, *sev_session, *sev_tik;
	const char *sev_id_block, *sev_id_auth, *sev_host_data;	/* SNP */
	uint8_t id_block[97], id_auth[4097];	/* + 1: too long */
	uint8_t host_data[32];
	bool sev_policy_set;
	uint8_t dh_cert[16384], session[16384], tik[17]; /* TIK + 1: too long */
	struct vmm_config cfg;
};

/* One line "vmm: ... (try --help)" on stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse (argv) into (o) (o->describe set: describe-machine's options too).
 * 0, an exit status after printing a one-line error, or -1 after --help or
 * --version printed their text (exit 0).
 */
int cli_parse_args(int argc, char **argv, struct options *o);

#endif
