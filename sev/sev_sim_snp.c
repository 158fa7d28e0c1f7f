// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV-SNP half of the firmware model (sev_sim.h, second part).  Check
 * order per command follows AMD's open-sourced firmware (amd/AMD-ASPFW,
 * fw/psp_bl_uapps/sev_uapp/src/sev_mcmd.c, snp_mcmd_launch_start/update/
 * finish, read for this purpose): first failing check wins, a failing
 * command changes nothing (a rejected CPUID page excepted: it is corrected
 * in place, as the firmware does).  The RMP checks become checks on the
 * GPAs the guest has had updated (struct gpa_set).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sev/measure.h"
#include "sev/sev_sim.h"
#include "sev/sev_sim_priv.h"
#include "sev/sev_snp_sig.h"
#include "sev/crypto_dl.h"

#define PAGE_4K		SEV_SNP_PAGE_SIZE

/* ID block offsets (ABI table 75); ID_AUTH's are in sev_snp_sig.h. */
#define ID_BLOCK_OFF_FAMILY	48
#define ID_BLOCK_OFF_IMAGE	64
#define ID_BLOCK_OFF_SVN	84
#define ID_BLOCK_OFF_POLICY	88

/* Updated GPAs of one guest: sorted, disjoint, non-adjacent [start, end). */
struct gpa_range {
	uint64_t start, end;
};

struct gpa_set {
	struct gpa_range *r;
	unsigned nr, cap;
};

struct snp_gctx {
	bool in_use;
	enum sev_sim_snp_guest_state state;
	uint64_t policy;
	uint8_t gosvw[16];
	uint32_t asid;
	bool active;
	uint8_t ld[48];			/* GCTX.LD */
	uint8_t vmpck[4][32];
	struct gpa_set gpas;
	struct sev_sim_snp_report fin;	/* LAUNCH_FINISH's fields */
};

struct sev_sim_snp {
	struct sev_sim_params params;
	bool initialized;
	unsigned guest_count;
	uint32_t launches;		/* diversifies the derived keys */
	uint8_t seed[32];
	struct snp_gctx guests[SEV_SIM_SNP_MAX_GUESTS];
	bool inject_armed;
	enum sev_sim_snp_cmd inject_cmd;
	uint32_t inject_status;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* --- the set of updated GPAs ------------------------------------------ */

/* Index of the first range ending after (gpa). */
static unsigned gpa_set_find(const struct gpa_set *s, uint64_t gpa)
{
	unsigned lo = 0, hi = s->nr;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (s->r[mid].end <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool gpa_set_has(const struct gpa_set *s, uint64_t gpa)
{
	unsigned i = gpa_set_find(s, gpa);

	return i < s->nr && s->r[i].start <= gpa;
}

/* Room for one more range, within SEV_SIM_SNP_MAX_RANGES. */
static int gpa_set_reserve(struct gpa_set *s)
{
	struct gpa_range *r;
	unsigned cap;

	if (s->nr < s->cap)
		return 0;
	if (s->cap >= SEV_SIM_SNP_MAX_RANGES)
		return -ENOSPC;
	cap = s->cap ? s->cap * 2 : 16;
	r = realloc(s->r, (size_t)cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	s->r = r;
	s->cap = cap;
	return 0;
}

/* Whether adding page (gpa) makes a new range rather than growing one. */
static bool gpa_set_needs_slot(const struct gpa_set *s, uint64_t gpa)
{
	unsigned i = gpa_set_find(s, gpa);

	return !(i > 0 && s->r[i - 1].end == gpa) &&
	       !(i < s->nr && s->r[i].start == gpa + PAGE_4K);
}

/*
 * Add page (gpa), known absent; where gpa_set_needs_slot(), only after
 * gpa_set_reserve() succeeded.
 */
static void gpa_set_add(struct gpa_set *s, uint64_t gpa)
{
	unsigned i = gpa_set_find(s, gpa);
	bool join_prev = i > 0 && s->r[i - 1].end == gpa;
	bool join_next = i < s->nr && s->r[i].start == gpa + PAGE_4K;

	if (join_prev && join_next) {
		s->r[i - 1].end = s->r[i].end;
		memmove(&s->r[i], &s->r[i + 1], (s->nr - i - 1) * sizeof(*s->r));
		s->nr--;
	} else if (join_prev) {
		s->r[i - 1].end = gpa + PAGE_4K;
	} else if (join_next) {
		s->r[i].start = gpa;
	} else {
		memmove(&s->r[i + 1], &s->r[i], (s->nr - i) * sizeof(*s->r));
		s->r[i] = (struct gpa_range){ gpa, gpa + PAGE_4K };
		s->nr++;
	}
}

/* --- the platform half ------------------------------------------------- */

int sev_sim_snp_part_new(const struct sev_sim_params *params,
			 struct sev_sim_snp **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->params = *params;
	return 0;
}

static void gctx_clear(struct snp_gctx *g)
{
	free(g->gpas.r);
	OPENSSL_cleanse(g, sizeof(*g));
}

void sev_sim_snp_part_free(struct sev_sim_snp *snp)
{
	if (!snp)
		return;
	for (unsigned i = 0; i < SEV_SIM_SNP_MAX_GUESTS; i++)
		gctx_clear(&snp->guests[i]);
	OPENSSL_cleanse(snp, sizeof(*snp));
	free(snp);
}

bool sev_sim_snp_asid_active(const struct sev_sim_snp *snp, uint32_t asid)
{
	for (unsigned i = 0; i < SEV_SIM_SNP_MAX_GUESTS; i++) {
		const struct snp_gctx *g = &snp->guests[i];

		if (g->in_use && g->active && g->asid == asid)
			return true;
	}
	return false;
}

void sev_sim_snp_set_seed(struct sev_sim *sim, const uint8_t seed[32])
{
	memcpy(sev_sim_snp_part(sim)->seed, seed, 32);
}

void sev_sim_snp_inject_status(struct sev_sim *sim, enum sev_sim_snp_cmd cmd,
			       uint32_t status)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);

	snp->inject_armed = true;
	snp->inject_cmd = cmd;
	snp->inject_status = status;
}

static bool take_injected(struct sev_sim_snp *snp, enum sev_sim_snp_cmd cmd,
			  uint32_t *status)
{
	if (!snp->inject_armed || snp->inject_cmd != cmd)
		return false;
	snp->inject_armed = false;
	*status = snp->inject_status;
	return true;
}

static struct snp_gctx *gctx_of(struct sev_sim_snp *snp, uint32_t gctx)
{
	if (gctx == 0 || gctx > SEV_SIM_SNP_MAX_GUESTS ||
	    !snp->guests[gctx - 1].in_use)
		return NULL;
	return &snp->guests[gctx - 1];
}

/* Platform SNP-initialised, (gctx) a live context: the common prefix. */
static uint32_t check_gctx(struct sev_sim_snp *snp, uint32_t gctx,
			   struct snp_gctx **g)
{
	if (!snp->initialized)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	*g = gctx_of(snp, gctx);
	return *g ? SEV_SIM_SUCCESS : SEV_SIM_INVALID_GUEST;
}

uint32_t sev_sim_snp_init(struct sev_sim *sim)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	uint32_t st;

	if (take_injected(snp, SEV_SIM_SNP_CMD_INIT, &st))
		return st;
	if (snp->params.no_snp)
		return SEV_SIM_UNSUPPORTED;
	if (snp->initialized ||
	    sev_sim_platform_state(sim) != SEV_SIM_PLATFORM_UNINIT)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	snp->initialized = true;
	return SEV_SIM_SUCCESS;
}

bool sev_sim_snp_initialized(const struct sev_sim *sim)
{
	return sev_sim_snp_part_const(sim)->initialized;
}

uint32_t sev_sim_snp_gctx_create(struct sev_sim *sim, uint32_t *gctx)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	uint32_t st;

	if (take_injected(snp, SEV_SIM_SNP_CMD_GCTX_CREATE, &st))
		return st;
	if (!snp->initialized)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	for (unsigned i = 0; i < SEV_SIM_SNP_MAX_GUESTS; i++) {
		if (!snp->guests[i].in_use) {
			memset(&snp->guests[i], 0, sizeof(snp->guests[i]));
			snp->guests[i].in_use = true;
			*gctx = i + 1;
			return SEV_SIM_SUCCESS;
		}
	}
	return SEV_SIM_RESOURCE_LIMIT;
}

/*
 * The firmware's policy rule list (snp_mcmd_launch_start): bit 17 set, SMT
 * allowed (the model's "hardware" runs with SMT on), ABI version not above
 * the firmware's, no reserved bit.  MIGRATE_MA, DEBUG and SINGLE_SOCKET
 * are accepted: the model has no migration agent and one socket.
 */
static uint32_t check_snp_policy(const struct sev_sim_params *p,
				 uint64_t policy)
{
	unsigned want = SEV_SIM_SNP_POLICY_ABI_MAJOR(policy) << 8 |
			SEV_SIM_SNP_POLICY_ABI_MINOR(policy);
	unsigned have = (unsigned)p->api_major << 8 | p->api_minor;

	if (!(policy & SEV_SIM_SNP_POLICY_MBO) ||
	    !(policy & SEV_SIM_SNP_POLICY_SMT) ||
	    (policy & SEV_SIM_SNP_POLICY_RESERVED) || want > have)
		return SEV_SIM_POLICY_FAILURE;
	return SEV_SIM_SUCCESS;
}

/*
 * The keys LAUNCH_START draws from the TRNG, here derived from the model's
 * seed so runs are reproducible: SHA-384(seed || label || n || launch).
 * They are not secret; nothing in the model is.
 */
static int derive_key(const struct sev_sim_snp *snp, const char *label,
		      unsigned n, uint8_t key[32])
{
	uint8_t in[32 + 16 + 8], out[48];

	memset(in, 0, sizeof(in));
	memcpy(in, snp->seed, 32);
	memcpy(in + 32, label, strnlen(label, 16));
	put_le32(in + 48, n);
	put_le32(in + 52, snp->launches);
	if (!EVP_Digest(in, sizeof(in), out, NULL, EVP_sha384(), NULL))
		return -EIO;
	memcpy(key, out, 32);
	return 0;
}

static int derive_guest_keys(struct sev_sim_snp *snp, struct snp_gctx *g)
{
	int rc = 0;

	for (unsigned i = 0; !rc && i < 4; i++)
		rc = derive_key(snp, "vmpck", i, g->vmpck[i]);
	if (!rc)
		rc = derive_key(snp, "report_id", 0, g->fin.report_id);
	return rc;
}

uint32_t sev_sim_snp_launch_start(struct sev_sim *sim, uint32_t gctx,
				  const struct sev_sim_snp_launch_start *ls)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	struct snp_gctx *g;
	uint32_t st;

	if (take_injected(snp, SEV_SIM_SNP_CMD_LAUNCH_START, &st))
		return st;
	st = check_gctx(snp, gctx, &g);
	if (st)
		return st;
	if (g->state != SEV_SIM_SNP_GUEST_INIT)
		return SEV_SIM_INVALID_GUEST_STATE;
	st = check_snp_policy(&snp->params, ls->policy);
	if (st)
		return st;
	snp->launches++;
	if (derive_guest_keys(snp, g))
		return SEV_SIM_HWERROR_PLATFORM;
	g->policy = ls->policy;
	memcpy(g->gosvw, ls->gosvw, sizeof(g->gosvw));
	memset(g->ld, 0, sizeof(g->ld));
	g->state = SEV_SIM_SNP_GUEST_LAUNCH;
	snp->guest_count++;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_snp_activate(struct sev_sim *sim, uint32_t gctx,
			      uint32_t asid)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	struct snp_gctx *g;
	uint32_t st;

	if (take_injected(snp, SEV_SIM_SNP_CMD_ACTIVATE, &st))
		return st;
	st = check_gctx(snp, gctx, &g);
	if (st)
		return st;
	if (g->state == SEV_SIM_SNP_GUEST_INIT)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (asid == 0 || asid >= SEV_SIM_MIN_SEV_ASID)
		return SEV_SIM_INVALID_ASID;
	if (g->active)
		return SEV_SIM_ACTIVE;
	if (sev_sim_snp_asid_active(snp, asid) ||
	    sev_sim_legacy_asid_active(sim, asid))
		return SEV_SIM_ASID_OWNED;
	g->active = true;
	g->asid = asid;
	return SEV_SIM_SUCCESS;
}

/* --- SNP_LAUNCH_UPDATE -------------------------------------------------- */

/* The command-buffer and page checks that precede the guest state. */
static uint32_t update_page_checks(const struct snp_gctx *g,
				   const struct sev_sim_snp_update *u)
{
	if (!u->page)
		return SEV_SIM_INVALID_ADDRESS;
	if ((uintptr_t)u->page % PAGE_4K || u->gpa % PAGE_4K ||
	    u->gpa >= SEV_SIM_SNP_GPA_LIMIT)
		return SEV_SIM_INVALID_PARAM;
	/* An updated page is Guest-Valid, no longer Pre-Guest. */
	if (u->page_type != SEV_SNP_PAGE_VMSA && gpa_set_has(&g->gpas, u->gpa))
		return SEV_SIM_INVALID_PAGE_STATE;
	if (u->page_size != 0)
		return SEV_SIM_INVALID_PAGE_SIZE;
	if (u->page_type < SEV_SNP_PAGE_NORMAL ||
	    u->page_type > SEV_SNP_PAGE_CPUID)
		return SEV_SIM_INVALID_PARAM;
	return SEV_SIM_SUCCESS;
}

static uint32_t update_checks(const struct snp_gctx *g,
			      const struct sev_sim_snp_update *u)
{
	uint32_t st = update_page_checks(g, u);

	if (st)
		return st;
	if (g->state != SEV_SIM_SNP_GUEST_LAUNCH)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	return SEV_SIM_SUCCESS;
}

static void write_secrets(const struct snp_gctx *g, uint8_t *page)
{
	memset(page, 0, PAGE_4K);
	put_le32(page + SEV_SIM_SNP_SECRETS_OFF_VERSION,
		 SEV_SIM_SNP_SECRETS_VERSION);
	put_le32(page + SEV_SIM_SNP_SECRETS_OFF_FMS, SEV_SIM_SNP_FMS);
	memcpy(page + SEV_SIM_SNP_SECRETS_OFF_GOSVW, g->gosvw, 16);
	memcpy(page + SEV_SIM_SNP_SECRETS_OFF_VMPCK0, g->vmpck,
	       sizeof(g->vmpck));
	/* IMIEN 0, an all-zero VMSA tweak bitmap, TSC_FACTOR 0. */
}

/*
 * The model's CPUID policy: bits its "hardware" never reports, which a
 * guest's table must not claim.  Not AMD's table (the firmware checks every
 * standard and extended leaf against the real CPU, PPR 2.1.5.3); enough to
 * exercise the rejection path: VMX and a reserved EDX bit of leaf 1, SGX of
 * leaf 7.0.
 */
struct cpuid_rule {
	uint32_t leaf, subleaf;
	bool any_subleaf;
	unsigned reg;	/* 0 eax, 1 ebx, 2 ecx, 3 edx */
	uint32_t mbz;
};

static const struct cpuid_rule cpuid_rules[] = {
	{ 0x00000001, 0, true, 2, 1u << 5 },	/* VMX */
	{ 0x00000001, 0, true, 3, 1u << 10 },	/* reserved */
	{ 0x00000007, 0, false, 1, 1u << 2 },	/* SGX */
};

/* Correct one entry in place; false if it needed correcting. */
static bool cpuid_entry_fix(uint8_t *e)
{
	uint32_t leaf = le32(e), subleaf = le32(e + 4);
	bool ok = le64(e + 40) == 0;

	memset(e + 40, 0, 8);
	for (size_t i = 0; i < sizeof(cpuid_rules) / sizeof(*cpuid_rules); i++) {
		const struct cpuid_rule *r = &cpuid_rules[i];
		uint8_t *reg = e + 24 + 4 * r->reg;

		if (r->leaf != leaf || (!r->any_subleaf && r->subleaf != subleaf))
			continue;
		if (le32(reg) & r->mbz) {
			put_le32(reg, le32(reg) & ~r->mbz);
			ok = false;
		}
	}
	return ok;
}

/* Leaves outside these ranges pass unchecked (sanitize_cpuid_list). */
static bool cpuid_leaf_checked(uint32_t leaf)
{
	return leaf <= 0xffffu || (leaf >= 0x80000000u && leaf <= 0x8000ffffu);
}

/*
 * Header reserved fields and COUNT <= 64 fail INVALID_PARAM untouched; bad
 * entries are corrected in (page) and fail INVALID_PARAM.
 */
static uint32_t validate_cpuid(uint8_t *page)
{
	uint32_t count = le32(page);
	bool ok = true;

	if (le32(page + 4) || le64(page + 8) || count > SEV_SIM_SNP_CPUID_MAX)
		return SEV_SIM_INVALID_PARAM;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *e = page + SEV_SIM_SNP_CPUID_HDR +
			     i * SEV_SIM_SNP_CPUID_ENTRY;

		if (cpuid_leaf_checked(le32(e)) && !cpuid_entry_fix(e))
			ok = false;
	}
	return ok ? SEV_SIM_SUCCESS : SEV_SIM_INVALID_PARAM;
}

/* What the firmware does to the page before measuring it. */
static uint32_t prepare_page(const struct snp_gctx *g,
			     const struct sev_sim_snp_update *u)
{
	switch (u->page_type) {
	case SEV_SNP_PAGE_ZERO:
		memset(u->page, 0, PAGE_4K);
		return SEV_SIM_SUCCESS;
	case SEV_SNP_PAGE_SECRETS:
		write_secrets(g, u->page);
		return SEV_SIM_SUCCESS;
	case SEV_SNP_PAGE_CPUID:
		return validate_cpuid(u->page);
	default:
		return SEV_SIM_SUCCESS;
	}
}

uint32_t sev_sim_snp_launch_update(struct sev_sim *sim, uint32_t gctx,
				   const struct sev_sim_snp_update *u)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	struct sev_snp_page_info pi = {
		.page_type = u->page_type, .imi_page = u->imi_page,
		.vmpl3_perms = u->vmpl3_perms, .vmpl2_perms = u->vmpl2_perms,
		.vmpl1_perms = u->vmpl1_perms, .gpa = u->gpa,
	};
	struct snp_gctx *g;
	uint8_t ld[48];
	uint32_t st;
	int rc;

	if (take_injected(snp, SEV_SIM_SNP_CMD_LAUNCH_UPDATE, &st))
		return st;
	st = check_gctx(snp, gctx, &g);
	if (!st)
		st = update_checks(g, u);
	if (st)
		return st;
	rc = u->page_type != SEV_SNP_PAGE_VMSA &&
	     gpa_set_needs_slot(&g->gpas, u->gpa) ? gpa_set_reserve(&g->gpas) : 0;
	if (rc)
		return SEV_SIM_RESOURCE_LIMIT;
	st = prepare_page(g, u);
	if (st)
		return st;
	memcpy(ld, g->ld, sizeof(ld));
	if (sev_snp_ld_extend(ld, &pi, u->page))
		return SEV_SIM_HWERROR_PLATFORM;
	memcpy(g->ld, ld, sizeof(ld));
	if (u->page_type != SEV_SNP_PAGE_VMSA)
		gpa_set_add(&g->gpas, u->gpa);
	g->fin.pages_updated++;
	return SEV_SIM_SUCCESS;
}

/* --- SNP_LAUNCH_FINISH -------------------------------------------------- */

static int key_digest(const uint8_t *key, uint8_t out[48])
{
	return EVP_Digest(key, SEV_SNP_SIG_KEY_SIZE, out, NULL, EVP_sha384(),
			  NULL) ? 0 : -EIO;
}

/* The ID block checks, in the firmware's order, signatures last. */
static uint32_t check_id_block(const struct snp_gctx *g,
			       const struct sev_sim_snp_finish *f)
{
	const uint8_t *blk = f->id_block, *auth = f->id_auth;
	int rc;

	if (!blk || !auth)
		return SEV_SIM_INVALID_ADDRESS;
	if (CRYPTO_memcmp(blk, g->ld, 48))
		return SEV_SIM_BAD_MEASUREMENT;
	if (le64(blk + ID_BLOCK_OFF_POLICY) != g->policy)
		return SEV_SIM_POLICY_FAILURE;
	if (le32(auth + SEV_SNP_ID_AUTH_OFF_ID_ALGO) !=
		    SEV_SIM_SNP_ALGO_ECDSA_P384 ||
	    (f->auth_key_en && le32(auth + SEV_SNP_ID_AUTH_OFF_AUTH_ALGO) !=
				       SEV_SIM_SNP_ALGO_ECDSA_P384))
		return SEV_SIM_INVALID_PARAM;
	rc = sev_snp_sig_check_id_auth(blk, auth, f->auth_key_en);
	if (rc == -EINVAL || rc == -EBADMSG)
		return SEV_SIM_BAD_SIGNATURE;
	return rc ? SEV_SIM_HWERROR_PLATFORM : SEV_SIM_SUCCESS;
}

static uint32_t record_id_block(struct sev_sim_snp_report *fin,
				const struct sev_sim_snp_finish *f)
{
	const uint8_t *blk = f->id_block, *auth = f->id_auth;

	memcpy(fin->family_id, blk + ID_BLOCK_OFF_FAMILY, 16);
	memcpy(fin->image_id, blk + ID_BLOCK_OFF_IMAGE, 16);
	fin->guest_svn = le32(blk + ID_BLOCK_OFF_SVN);
	if (key_digest(auth + SEV_SNP_ID_AUTH_OFF_ID_KEY, fin->id_key_digest))
		return SEV_SIM_HWERROR_PLATFORM;
	if (f->auth_key_en &&
	    key_digest(auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY,
		       fin->author_key_digest))
		return SEV_SIM_HWERROR_PLATFORM;
	return SEV_SIM_SUCCESS;
}

static uint32_t finish_checks(const struct snp_gctx *g,
			      const struct sev_sim_snp_finish *f)
{
	if (g->state != SEV_SIM_SNP_GUEST_LAUNCH)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	return f->id_block_en ? check_id_block(g, f) : SEV_SIM_SUCCESS;
}

uint32_t sev_sim_snp_launch_finish(struct sev_sim *sim, uint32_t gctx,
				   const struct sev_sim_snp_finish *f)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	struct sev_sim_snp_report fin;
	struct snp_gctx *g;
	uint32_t st;

	if (take_injected(snp, SEV_SIM_SNP_CMD_LAUNCH_FINISH, &st))
		return st;
	st = check_gctx(snp, gctx, &g);
	if (!st)
		st = finish_checks(g, f);
	if (st)
		return st;
	fin = g->fin;
	if (f->id_block_en) {
		st = record_id_block(&fin, f);
		if (st)
			return st;
	}
	memcpy(fin.host_data, f->host_data, sizeof(fin.host_data));
	fin.id_block_en = f->id_block_en;
	fin.author_key_en = f->id_block_en && f->auth_key_en;
	fin.vcek_disabled = f->vcek_disabled;
	g->fin = fin;
	g->state = SEV_SIM_SNP_GUEST_RUNNING;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_snp_decommission(struct sev_sim *sim, uint32_t gctx)
{
	struct sev_sim_snp *snp = sev_sim_snp_part(sim);
	struct snp_gctx *g;
	uint32_t st;

	if (take_injected(snp, SEV_SIM_SNP_CMD_DECOMMISSION, &st))
		return st;
	st = check_gctx(snp, gctx, &g);
	if (st)
		return st;
	if (g->state != SEV_SIM_SNP_GUEST_INIT)
		snp->guest_count--;
	gctx_clear(g);
	return SEV_SIM_SUCCESS;
}

int sev_sim_snp_report(const struct sev_sim *sim, uint32_t gctx,
		       struct sev_sim_snp_report *out)
{
	const struct sev_sim_snp *snp = sev_sim_snp_part_const(sim);
	const struct snp_gctx *g;

	if (gctx == 0 || gctx > SEV_SIM_SNP_MAX_GUESTS ||
	    !snp->guests[gctx - 1].in_use)
		return -ENOENT;
	g = &snp->guests[gctx - 1];
	*out = g->fin;
	out->state = g->state;
	out->policy = g->policy;
	memcpy(out->measurement, g->ld, sizeof(out->measurement));
	return 0;
}

bool sev_sim_snp_gpa_assigned(const struct sev_sim *sim, uint32_t gctx,
			      uint64_t gpa)
{
	const struct sev_sim_snp *snp = sev_sim_snp_part_const(sim);

	if (gctx == 0 || gctx > SEV_SIM_SNP_MAX_GUESTS ||
	    !snp->guests[gctx - 1].in_use)
		return false;
	return gpa_set_has(&snp->guests[gctx - 1].gpas, gpa & ~(uint64_t)0xfff);
}
