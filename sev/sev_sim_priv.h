/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Between the two halves of the firmware model: sev_sim.c (platform,
 * legacy SEV/SEV-ES guests) and sev_sim_snp.c (SEV-SNP guest contexts).
 * Nothing outside those two files includes this.
 */
#ifndef SEV_SEV_SIM_PRIV_H
#define SEV_SEV_SIM_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sev/sev_sim.h"

struct sev_sim_snp;

/* The SNP half, created and freed with the platform. */
int sev_sim_snp_part_new(const struct sev_sim_params *params,
			 struct sev_sim_snp **out);
void sev_sim_snp_part_free(struct sev_sim_snp *snp);
struct sev_sim_snp *sev_sim_snp_part(struct sev_sim *sim);
const struct sev_sim_snp *sev_sim_snp_part_const(const struct sev_sim *sim);

/* Whether a guest of the other half holds (asid) active. */
bool sev_sim_legacy_asid_active(const struct sev_sim *sim, uint32_t asid);
bool sev_sim_snp_asid_active(const struct sev_sim_snp *snp, uint32_t asid);

#endif
