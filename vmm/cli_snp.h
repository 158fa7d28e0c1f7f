/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "vmm snp-id-block" (CLI only, not part of libvmm): the guest owner's
 * SEV-SNP ID block and ID authentication structure, for a launch with
 * --sev-id-block and --sev-id-auth.  Takes (argv)[0] = the subcommand name
 * and returns the exit status: 0 ok, 1 host or runtime error, 2 usage
 * error or bad input.  The digests go to stdout; an error is one line on
 * stderr, and then no output file is created or changed.
 */
#ifndef VMM_CLI_SNP_H
#define VMM_CLI_SNP_H

int cli_snp_id_block_main(int argc, char **argv);

#endif
