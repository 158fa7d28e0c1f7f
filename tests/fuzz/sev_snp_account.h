/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_sev_snp's state and its account of the model: the input reader,
 * the harness's own record of every SNP guest context, the status every
 * guest command's common prefix must give, and the checks that run after
 * each operation (every report as accounted, no ASID held twice).
 * Header-only: the Makefile builds each target from its one fuzz_X.c.
 */
#ifndef TESTS_FUZZ_SEV_SNP_ACCOUNT_H
#define TESTS_FUZZ_SEV_SNP_ACCOUNT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sev/measure.h"
#include "sev/sev_sim.h"
#include "sev/sev_snp_sig.h"

#define PG		SEV_SNP_PAGE_SIZE
#define NPAGES		4	/* the aligned host pages updates use */
#define NGCTX		SEV_SIM_SNP_MAX_GUESTS
#define MAX_SIGNED	2	/* FINISH_SIGNED that sign, per run */
#define POLICY_BASE	(SEV_SIM_SNP_POLICY_SMT | SEV_SIM_SNP_POLICY_MBO)
#define ID_AUTH_SIZE	SEV_SIM_SNP_ID_AUTH_SIZE
#define SIG_COVERED	(2 * SEV_SNP_SIG_COORD_SIZE)	/* R, S */
#define KEY_COVERED	(4 + 2 * SEV_SNP_SIG_COORD_SIZE) /* CURVE, QX, QY */

/* What the harness knows of one SNP guest context. */
struct gctx {
	bool exists, active;
	enum sev_sim_snp_guest_state state;
	uint64_t policy;
	uint32_t asid;
	uint8_t ld[48];
	uint64_t pages;
	struct sev_sim_snp_report fin;	/* the FINISH and report_id fields */
	uint64_t *gpas;			/* accepted non-VMSA GPAs */
	unsigned nr_gpas, cap_gpas;
};

struct harness {
	struct sev_sim *sim;
	struct sev_sim_params params;
	bool snp_init, sev_init;
	struct gctx g[NGCTX + 1];	/* by handle; [0] unused */
	uint32_t legacy[SEV_SIM_MAX_GUESTS];
	unsigned nr_legacy;
	bool armed;
	enum sev_sim_snp_cmd inject_cmd;
	uint32_t inject_status;
	uint8_t *pages, *before;
	uint8_t *auth, blk[SEV_SNP_ID_BLOCK_LEN];
	unsigned signed_ops;
	const uint8_t *in;
	size_t left;
};

static inline void check(bool ok)
{
	if (!ok)
		abort();
}

/* ---- input --------------------------------------------------------------- */

static inline uint8_t rd8(struct harness *h)
{
	if (!h->left)
		return 0;
	h->left--;
	return *h->in++;
}

static inline uint64_t rdn(struct harness *h, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)rd8(h) << (8 * i);
	return v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t pick_gctx(struct harness *h)
{
	uint8_t b = rd8(h);

	return b & 0x80 ? b & 0xf : 1 + b % NGCTX;
}

static inline struct gctx *gctx_of(struct harness *h, uint32_t handle)
{
	return handle >= 1 && handle <= NGCTX && h->g[handle].exists ?
		       &h->g[handle] : NULL;
}

/* ---- the account --------------------------------------------------------- */

static inline bool gpa_known(const struct gctx *g, uint64_t gpa)
{
	for (unsigned i = 0; i < g->nr_gpas; i++)
		if (g->gpas[i] == gpa)
			return true;
	return false;
}

static inline void gpa_note(struct gctx *g, uint64_t gpa)
{
	if (g->nr_gpas == g->cap_gpas) {
		g->cap_gpas = g->cap_gpas ? 2 * g->cap_gpas : 16;
		g->gpas = realloc(g->gpas, g->cap_gpas * sizeof(*g->gpas));
		check(g->gpas != NULL);
	}
	g->gpas[g->nr_gpas++] = gpa;
}

/* The injection armed for (cmd), if any, is spent and gives (st). */
static inline bool injected(struct harness *h, enum sev_sim_snp_cmd cmd,
			    uint32_t st)
{
	if (!h->armed || h->inject_cmd != cmd)
		return false;
	h->armed = false;
	check(st == h->inject_status);
	return true;
}

/* The prefix every guest command checks: platform, then the context. */
static inline uint32_t expect_gctx(struct harness *h, uint32_t handle)
{
	if (!h->snp_init)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	return gctx_of(h, handle) ? SEV_SIM_SUCCESS : SEV_SIM_INVALID_GUEST;
}

static inline void check_report(struct harness *h, uint32_t handle)
{
	const struct gctx *g = gctx_of(h, handle);
	struct sev_sim_snp_report r;
	int rc = sev_sim_snp_report(h->sim, handle, &r);

	if (!g) {
		check(rc == -ENOENT);
		return;
	}
	check(rc == 0);
	check(r.state == g->state && r.policy == g->policy);
	check(!memcmp(r.measurement, g->ld, 48));
	check(r.pages_updated == g->pages);
	check(!memcmp(r.host_data, g->fin.host_data, 32));
	check(!memcmp(r.id_key_digest, g->fin.id_key_digest, 48));
	check(!memcmp(r.author_key_digest, g->fin.author_key_digest, 48));
	check(!memcmp(r.family_id, g->fin.family_id, 16));
	check(!memcmp(r.image_id, g->fin.image_id, 16));
	check(r.guest_svn == g->fin.guest_svn);
	check(r.id_block_en == g->fin.id_block_en &&
	      r.author_key_en == g->fin.author_key_en &&
	      r.vcek_disabled == g->fin.vcek_disabled);
	check(!memcmp(r.report_id, g->fin.report_id, 32));
}

static inline void asid_claim(bool *seen, uint32_t asid)
{
	check(asid <= SEV_SIM_MAX_ASID && !seen[asid]);
	seen[asid] = true;
}

static inline bool legacy_asid_active(struct harness *h, uint32_t asid)
{
	for (unsigned i = 0; i < h->nr_legacy; i++) {
		uint32_t policy, a, state;

		check(sev_sim_guest_status(h->sim, h->legacy[i], &policy, &a,
					   &state) == SEV_SIM_SUCCESS);
		if (a == asid)
			return true;
	}
	return false;
}

static inline bool snp_asid_active(const struct harness *h, uint32_t asid)
{
	for (uint32_t i = 1; i <= NGCTX; i++)
		if (h->g[i].exists && h->g[i].active && h->g[i].asid == asid)
			return true;
	return false;
}

/* After every command: reports as accounted, no ASID held twice. */
static inline void check_all(struct harness *h)
{
	bool seen[SEV_SIM_MAX_ASID + 1] = { false };

	for (uint32_t i = 0; i <= NGCTX + 1; i++)
		check_report(h, i);
	for (uint32_t i = 1; i <= NGCTX; i++)
		if (h->g[i].exists && h->g[i].active)
			asid_claim(seen, h->g[i].asid);
	for (unsigned i = 0; i < h->nr_legacy; i++) {
		uint32_t policy, asid, state;

		check(sev_sim_guest_status(h->sim, h->legacy[i], &policy,
					   &asid, &state) == SEV_SIM_SUCCESS);
		if (asid)
			asid_claim(seen, asid);
	}
}

#endif
