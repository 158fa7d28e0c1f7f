// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the SEV-SNP firmware model (sev/sev_sim_snp.c,
 * sev/sev_snp_sig.c) with legacy SEV commands interleaved (sev_sim.c).
 *
 * Input: one platform byte (bit 0 no SNP, bit 1 not SEV-ES capable, bits
 * 2-4 the API minor version 55 - n), then a script of operations on one
 * model.  Each starts with one byte, op = byte % OP_COUNT, and takes the
 * bytes it needs after it (past the end every byte reads as 0):
 *   SNP_INIT, GCTX_CREATE
 *   LAUNCH_START   g, policy (8 bytes, XOR 0x30000: zeros are valid), gosvw
 *   ACTIVATE       g, asid
 *   LAUNCH_UPDATE  g, gpa mode + value, page, type (% 8), misc (page size,
 *                  IMI, VMPL bits), contents (a fill and 4 patches, or for
 *                  CPUID a count and up to 64 entries of leaf/regs)
 *   FINISH_RAW     g, flags, host data, ID block and ID auth from fill
 *                  bytes; flag bit 3 puts the right LD, POLICY and
 *                  algorithms in, so the signature checks run on junk
 *   FINISH_SIGNED  g, flags, ID block fields, then one bit flipped in a
 *                  chosen region of an ID block and ID auth that the
 *                  harness signed for the current LD and policy
 *   DECOMMISSION   g;   INJECT cmd, status;   SEED byte
 *   SEV INIT, SEV LAUNCH_START policy, SEV ACTIVATE h asid,
 *   SEV DEACTIVATE h, SEV DECOMMISSION h
 * g picks a guest context: below 0x80 handle 1 + g % 8, else the raw
 * handle g & 0xf (0 and 9..15 never exist).  At most two FINISH_SIGNED a
 * run sign (ECDSA costs a millisecond); later ones do nothing.
 *
 * The harness keeps its own account of every context (state, policy,
 * ASID, launch digest extended by sev_snp_ld_extend() on each accepted
 * page, pages updated, updated GPAs, FINISH fields) and aborts when:
 *   - a command returns another status than the firmware's checks, in
 *     their order, give for the harness's state (an armed injection gives
 *     exactly its status, and nothing happens);
 *   - a report differs from the account after any command: so a failed
 *     command changes no digest, pages_updated grows by one per accepted
 *     page only, FINISH records what it was given;
 *   - a GPA is accepted twice (VMSAs excepted), or the model's assigned
 *     GPAs around an update differ from the account;
 *   - a page changes on a failed update other than a CPUID page rejected
 *     for its entries, which must then change and be accepted when
 *     resubmitted; a ZERO page is not zero, a SECRETS page has no version;
 *   - a bit flipped in signed or checked bytes of a signed ID block is
 *     accepted, or one in bytes nobody reads is refused;
 *   - two active guests, SNP or legacy, share an ASID.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "sev/measure.h"
#include "sev/sev_sim.h"
#include "sev/sev_snp_sig.h"
#include "tests/fuzz/sev_snp_account.h"
#include "tests/unit/snp_id_sign.h"

enum op {
	OP_SNP_INIT, OP_GCTX_CREATE, OP_LAUNCH_START, OP_ACTIVATE,
	OP_UPDATE, OP_FINISH_RAW, OP_FINISH_SIGNED, OP_DECOMMISSION,
	OP_INJECT, OP_SEED, OP_SEV_INIT, OP_SEV_START, OP_SEV_ACTIVATE,
	OP_SEV_DEACTIVATE, OP_SEV_DECOMMISSION, OP_COUNT
};

/* ---- SNP commands -------------------------------------------------------- */

static void op_snp_init(struct harness *h)
{
	uint32_t st = sev_sim_snp_init(h->sim), want;

	if (injected(h, SEV_SIM_SNP_CMD_INIT, st))
		return;
	want = h->params.no_snp ? SEV_SIM_UNSUPPORTED :
	       h->snp_init || h->sev_init ? SEV_SIM_INVALID_PLATFORM_STATE :
					    SEV_SIM_SUCCESS;
	check(st == want);
	if (!st)
		h->snp_init = true;
}

static void op_gctx_create(struct harness *h)
{
	uint32_t handle = 0, st = sev_sim_snp_gctx_create(h->sim, &handle);
	uint32_t free_slot = 0;

	if (injected(h, SEV_SIM_SNP_CMD_GCTX_CREATE, st))
		return;
	for (uint32_t i = NGCTX; i >= 1; i--)
		if (!h->g[i].exists)
			free_slot = i;
	if (!h->snp_init) {
		check(st == SEV_SIM_INVALID_PLATFORM_STATE);
		return;
	}
	check(st == (free_slot ? SEV_SIM_SUCCESS : SEV_SIM_RESOURCE_LIMIT));
	if (st)
		return;
	check(handle == free_slot);	/* the model takes the lowest */
	memset(&h->g[handle], 0, sizeof(h->g[handle]));
	h->g[handle].exists = true;
}

/* The firmware's policy rules, written from the ABI's Guest Policy. */
static bool policy_ok(const struct sev_sim_params *p, uint64_t policy)
{
	unsigned want = (unsigned)(policy >> 8 & 0xff) << 8 |
			(unsigned)(policy & 0xff);

	return (policy & SEV_SIM_SNP_POLICY_MBO) &&
	       (policy & SEV_SIM_SNP_POLICY_SMT) &&
	       !(policy >> 21) &&
	       want <= ((unsigned)p->api_major << 8 | p->api_minor);
}

static void op_launch_start(struct harness *h)
{
	struct sev_sim_snp_launch_start ls = { 0 };
	uint32_t handle = pick_gctx(h), st, want;
	struct sev_sim_snp_report r;
	struct gctx *g = gctx_of(h, handle);

	ls.policy = rdn(h, 8) ^ POLICY_BASE;
	memset(ls.gosvw, rd8(h), sizeof(ls.gosvw));
	st = sev_sim_snp_launch_start(h->sim, handle, &ls);
	if (injected(h, SEV_SIM_SNP_CMD_LAUNCH_START, st))
		return;
	want = expect_gctx(h, handle);
	if (!want && g->state != SEV_SIM_SNP_GUEST_INIT)
		want = SEV_SIM_INVALID_GUEST_STATE;
	if (!want && !policy_ok(&h->params, ls.policy))
		want = SEV_SIM_POLICY_FAILURE;
	check(st == want);
	if (st)
		return;
	g->state = SEV_SIM_SNP_GUEST_LAUNCH;
	g->policy = ls.policy;
	check(sev_sim_snp_report(h->sim, handle, &r) == 0);
	memcpy(g->fin.report_id, r.report_id, 32);
}

static void op_activate(struct harness *h)
{
	uint32_t handle = pick_gctx(h), asid = rd8(h), st, want;
	struct gctx *g = gctx_of(h, handle);

	st = sev_sim_snp_activate(h->sim, handle, asid);
	if (injected(h, SEV_SIM_SNP_CMD_ACTIVATE, st))
		return;
	want = expect_gctx(h, handle);
	if (!want && g->state == SEV_SIM_SNP_GUEST_INIT)
		want = SEV_SIM_INVALID_GUEST_STATE;
	if (!want && (asid == 0 || asid >= SEV_SIM_MIN_SEV_ASID))
		want = SEV_SIM_INVALID_ASID;
	if (!want && g->active)
		want = SEV_SIM_ACTIVE;
	if (!want && (snp_asid_active(h, asid) || legacy_asid_active(h, asid)))
		want = SEV_SIM_ASID_OWNED;
	check(st == want);
	if (st)
		return;
	g->active = true;
	g->asid = asid;
}

static void op_decommission(struct harness *h)
{
	uint32_t handle = pick_gctx(h);
	uint32_t st = sev_sim_snp_decommission(h->sim, handle);
	struct gctx *g = gctx_of(h, handle);

	if (injected(h, SEV_SIM_SNP_CMD_DECOMMISSION, st))
		return;
	check(st == expect_gctx(h, handle));
	if (st)
		return;
	free(g->gpas);
	memset(g, 0, sizeof(*g));
	check(!sev_sim_snp_gpa_assigned(h->sim, handle, 0));
}

/* ---- SNP_LAUNCH_UPDATE --------------------------------------------------- */

static uint64_t pick_gpa(struct harness *h)
{
	uint8_t mode = rd8(h);

	switch (mode & 3) {
	case 0:		/* a small window: neighbours and repeats */
		return (uint64_t)rd8(h) * PG;
	case 1:
		return rdn(h, 4) * PG;
	case 2:
		return rdn(h, 8);
	default:
		return mode & 4 ? SEV_SNP_VMSA_GPA :
				  SEV_SIM_SNP_GPA_LIMIT - (uint64_t)rd8(h) * PG;
	}
}

static uint8_t *pick_page(struct harness *h, uint8_t b)
{
	unsigned i = b % (NPAGES + 2);

	if (i < NPAGES)
		return h->pages + (size_t)i * PG;
	/* Unaligned, in the two spare pages after the pool's NPAGES. */
	return i == NPAGES ? NULL : h->pages + (size_t)NPAGES * PG + 8;
}

static void fill_cpuid(struct harness *h, uint8_t *page, uint8_t misc)
{
	static const uint32_t leaves[] = {
		0x0, 0x1, 0x7, 0xd, 0x80000000, 0x80000001, 0x8000001f,
		0x40000000,
	};
	uint32_t count = rd8(h);

	memset(page, 0, PG);
	put32(page, count);
	if (misc & 0x80)	/* a reserved header byte */
		page[4 + (misc >> 4 & 7)] = 1;
	for (uint32_t i = 0; i < count && i < SEV_SIM_SNP_CPUID_MAX; i++) {
		uint8_t *e = page + SEV_SIM_SNP_CPUID_HDR +
			     i * SEV_SIM_SNP_CPUID_ENTRY;
		uint8_t sel = rd8(h);

		put32(e, sel & 0x80 ? (uint32_t)rdn(h, 4) : leaves[sel & 7]);
		put32(e + 4, sel >> 3 & 3);
		for (unsigned r = 0; r < 4; r++)
			put32(e + 24 + 4 * r, (uint32_t)rdn(h, 4));
		if (sel & 0x40)
			e[40] = 1;	/* the entry's reserved field */
	}
}

static void fill_page(struct harness *h, uint8_t *page, uint8_t type,
		      uint8_t misc)
{
	if (type == SEV_SNP_PAGE_CPUID) {
		fill_cpuid(h, page, misc);
		return;
	}
	memset(page, rd8(h), PG);
	for (unsigned i = 0; i < 4; i++) {
		unsigned off = (unsigned)rdn(h, 2) % PG;

		page[off] = rd8(h);
	}
}

/* The statuses before the page contents, in the model's order. */
static uint32_t expect_update(struct harness *h, uint32_t handle,
			      const struct sev_sim_snp_update *u)
{
	uint32_t want = expect_gctx(h, handle);
	struct gctx *g = gctx_of(h, handle);

	if (want)
		return want;
	if (!u->page)
		return SEV_SIM_INVALID_ADDRESS;
	if ((uintptr_t)u->page % PG || u->gpa % PG ||
	    u->gpa >= SEV_SIM_SNP_GPA_LIMIT)
		return SEV_SIM_INVALID_PARAM;
	if (u->page_type != SEV_SNP_PAGE_VMSA && gpa_known(g, u->gpa))
		return SEV_SIM_INVALID_PAGE_STATE;
	if (u->page_size)
		return SEV_SIM_INVALID_PAGE_SIZE;
	if (u->page_type < SEV_SNP_PAGE_NORMAL ||
	    u->page_type > SEV_SNP_PAGE_CPUID)
		return SEV_SIM_INVALID_PARAM;
	if (g->state != SEV_SIM_SNP_GUEST_LAUNCH)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	return SEV_SIM_SUCCESS;
}

static bool cpuid_header_ok(const uint8_t *page)
{
	for (unsigned i = 4; i < SEV_SIM_SNP_CPUID_HDR; i++)
		if (page[i])
			return false;
	return get32(page) <= SEV_SIM_SNP_CPUID_MAX;
}

/* The model's view of (gpa) and its neighbours matches the account. */
static void check_assigned(struct harness *h, uint32_t handle, uint64_t gpa)
{
	const struct gctx *g = gctx_of(h, handle);

	if (!g || gpa % PG || gpa >= SEV_SIM_SNP_GPA_LIMIT)
		return;
	for (int d = -1; d <= 1; d++) {
		uint64_t a = gpa + (uint64_t)(int64_t)d * PG;

		check(sev_sim_snp_gpa_assigned(h->sim, handle, a) ==
		      gpa_known(g, a));
	}
}

static void update_accepted(struct harness *h, uint32_t handle,
			    const struct sev_sim_snp_update *u)
{
	struct gctx *g = gctx_of(h, handle);
	struct sev_snp_page_info pi = {
		.page_type = u->page_type, .imi_page = u->imi_page,
		.vmpl3_perms = u->vmpl3_perms, .vmpl2_perms = u->vmpl2_perms,
		.vmpl1_perms = u->vmpl1_perms, .gpa = u->gpa,
	};
	const uint8_t *p = u->page;

	switch (u->page_type) {
	case SEV_SNP_PAGE_ZERO:
		for (unsigned i = 0; i < PG; i++)
			check(p[i] == 0);
		break;
	case SEV_SNP_PAGE_SECRETS:
		check(get32(p + SEV_SIM_SNP_SECRETS_OFF_VERSION) ==
			      SEV_SIM_SNP_SECRETS_VERSION &&
		      get32(p + SEV_SIM_SNP_SECRETS_OFF_FMS) ==
			      SEV_SIM_SNP_FMS);
		break;
	default:	/* measured as given, never changed */
		check(!memcmp(p, h->before, PG));
	}
	check(sev_snp_ld_extend(g->ld, &pi, u->page) == 0);
	g->pages++;
	if (u->page_type != SEV_SNP_PAGE_VMSA)
		gpa_note(g, u->gpa);
}

static void op_update(struct harness *h)
{
	uint32_t handle = pick_gctx(h), st, want;
	struct sev_sim_snp_update u = { 0 };
	uint8_t misc;

	u.gpa = pick_gpa(h);
	u.page = pick_page(h, rd8(h));
	u.page_type = rd8(h) % 8;
	misc = rd8(h);
	u.page_size = misc & 1 && misc & 2;	/* mostly 4 KiB */
	u.imi_page = misc >> 2 & 1;
	u.vmpl3_perms = misc >> 3 & 1 ? 0xf : 0;
	u.vmpl1_perms = misc >> 4 & 0xf;
	/* Contents are read for a NULL page too, into the scratch copy. */
	fill_page(h, u.page ? u.page : h->before, u.page_type, misc);
	if (u.page)
		memcpy(h->before, u.page, PG);
	st = sev_sim_snp_launch_update(h->sim, handle, &u);
	if (injected(h, SEV_SIM_SNP_CMD_LAUNCH_UPDATE, st)) {
		check(!u.page || !memcmp(u.page, h->before, PG));
		return;
	}
	want = expect_update(h, handle, &u);
	if (!want && u.page_type == SEV_SNP_PAGE_CPUID &&
	    !cpuid_header_ok(u.page)) {
		want = SEV_SIM_INVALID_PARAM;
	} else if (!want && u.page_type == SEV_SNP_PAGE_CPUID &&
		   st == SEV_SIM_INVALID_PARAM) {
		/* Rejected for its entries: corrected in place, then taken. */
		check(memcmp(u.page, h->before, PG) != 0);
		memcpy(h->before, u.page, PG);
		check_all(h);
		st = sev_sim_snp_launch_update(h->sim, handle, &u);
	}
	check(st == want);
	if (st)
		check(!u.page || !memcmp(u.page, h->before, PG));
	else
		update_accepted(h, handle, &u);
	check_assigned(h, handle, u.gpa);
}

/* ---- SNP_LAUNCH_FINISH --------------------------------------------------- */

static uint32_t expect_finish_state(struct harness *h, uint32_t handle,
				    const struct sev_sim_snp_finish *f)
{
	uint32_t want = expect_gctx(h, handle);
	const struct gctx *g = gctx_of(h, handle);

	if (want)
		return want;
	if (g->state != SEV_SIM_SNP_GUEST_LAUNCH)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	if (f->id_block_en && (!f->id_block || !f->id_auth))
		return SEV_SIM_INVALID_ADDRESS;
	return SEV_SIM_SUCCESS;
}

/* The ID block checks before the signatures. */
static uint32_t expect_id_fields(const struct gctx *g,
				 const struct sev_sim_snp_finish *f)
{
	const uint8_t *blk = f->id_block, *auth = f->id_auth;
	uint64_t policy = get32(blk + 88) | (uint64_t)get32(blk + 92) << 32;

	if (memcmp(blk, g->ld, 48))
		return SEV_SIM_BAD_MEASUREMENT;
	if (policy != g->policy)
		return SEV_SIM_POLICY_FAILURE;
	if (get32(auth) != SEV_SIM_SNP_ALGO_ECDSA_P384 ||
	    (f->auth_key_en && get32(auth + 4) != SEV_SIM_SNP_ALGO_ECDSA_P384))
		return SEV_SIM_INVALID_PARAM;
	return SEV_SIM_SUCCESS;
}

static void key_digest(const uint8_t *key, uint8_t out[48])
{
	check(EVP_Digest(key, SEV_SNP_SIG_KEY_SIZE, out, NULL, EVP_sha384(),
			 NULL) == 1);
}

static void finish_accepted(struct harness *h, uint32_t handle,
			    const struct sev_sim_snp_finish *f)
{
	struct gctx *g = gctx_of(h, handle);
	const uint8_t *blk = f->id_block, *auth = f->id_auth;

	g->state = SEV_SIM_SNP_GUEST_RUNNING;
	memcpy(g->fin.host_data, f->host_data, 32);
	g->fin.id_block_en = f->id_block_en;
	g->fin.author_key_en = f->id_block_en && f->auth_key_en;
	g->fin.vcek_disabled = f->vcek_disabled;
	if (!f->id_block_en)
		return;
	memcpy(g->fin.family_id, blk + 48, 16);
	memcpy(g->fin.image_id, blk + 64, 16);
	g->fin.guest_svn = get32(blk + 84);
	key_digest(auth + SEV_SNP_ID_AUTH_OFF_ID_KEY, g->fin.id_key_digest);
	if (f->auth_key_en)
		key_digest(auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY,
			   g->fin.author_key_digest);
}

static void finish_flags(struct harness *h, struct sev_sim_snp_finish *f,
			 uint8_t flags)
{
	f->id_block_en = flags & 1;
	f->auth_key_en = flags >> 1 & 1;
	f->vcek_disabled = flags >> 2 & 1;
	memset(f->host_data, rd8(h), sizeof(f->host_data));
	f->id_block = flags & 0x10 ? NULL : h->blk;
	f->id_auth = flags & 0x20 ? NULL : h->auth;
}

/* The right LD, POLICY and algorithms for (handle), if it is a guest. */
static void id_fields_fit(struct harness *h, uint32_t handle)
{
	const struct gctx *g = gctx_of(h, handle);

	if (g) {
		memcpy(h->blk, g->ld, 48);
		put32(h->blk + 88, (uint32_t)g->policy);
		put32(h->blk + 92, (uint32_t)(g->policy >> 32));
	}
	put32(h->auth, SEV_SIM_SNP_ALGO_ECDSA_P384);
	put32(h->auth + 4, SEV_SIM_SNP_ALGO_ECDSA_P384);
}

static void op_finish_raw(struct harness *h)
{
	uint32_t handle = pick_gctx(h), st, want;
	struct sev_sim_snp_finish f = { 0 };
	uint8_t flags = rd8(h);

	finish_flags(h, &f, flags);
	memset(h->blk, rd8(h), sizeof(h->blk));
	memset(h->auth, rd8(h), ID_AUTH_SIZE);
	put32(h->auth + SEV_SNP_ID_AUTH_OFF_ID_KEY, rd8(h));	/* CURVE */
	put32(h->auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY, rd8(h));
	if (flags & 8)
		id_fields_fit(h, handle);
	st = sev_sim_snp_launch_finish(h->sim, handle, &f);
	if (injected(h, SEV_SIM_SNP_CMD_LAUNCH_FINISH, st))
		return;
	want = expect_finish_state(h, handle, &f);
	if (!want && f.id_block_en)
		want = expect_id_fields(gctx_of(h, handle), &f);
	if (!want && f.id_block_en &&
	    sev_snp_sig_check_id_auth(h->blk, h->auth, f.auth_key_en))
		want = SEV_SIM_BAD_SIGNATURE;
	check(st == want);
	if (!st)
		finish_accepted(h, handle, &f);
}

static EVP_PKEY *sign_key(unsigned which)
{
	static EVP_PKEY *keys[2];

	if (!keys[which])
		keys[which] = snp_key_new();
	check(keys[which] != NULL);
	return keys[which];
}

/*
 * What FINISH must answer, the guest being ready, for a flip of bit
 * (bit) at (off) of (region) (0: none, 1 ID block, 2 ID_BLOCK_SIG,
 * 3 ID_KEY, 4 ID_KEY_SIG, 5 AUTHOR_KEY, 6 the algorithms, 7 reserved).
 */
static uint32_t flip(struct harness *h, unsigned region, unsigned off,
		     unsigned bit, bool author)
{
	static const struct { unsigned base, len; } reserved[] = {
		{ 0x008, 0x38 }, { 0x644, 0x3c }, { 0xc84, 0x37c },
	};
	unsigned base = 0;
	uint8_t *buf = h->auth;
	uint32_t bad = SEV_SIM_BAD_SIGNATURE;
	bool covered;

	switch (region) {
	case 1:
		buf = h->blk;
		off %= SEV_SNP_ID_BLOCK_LEN;
		covered = true;
		bad = off < 48	 ? SEV_SIM_BAD_MEASUREMENT :
		      off >= 88 ? SEV_SIM_POLICY_FAILURE :
				  SEV_SIM_BAD_SIGNATURE;
		break;
	case 2:
		base = SEV_SNP_ID_AUTH_OFF_ID_SIG;
		off %= SEV_SNP_SIG_SIZE;
		covered = off < SIG_COVERED;
		break;
	case 3:	/* the author signs all of ID_KEY */
		base = SEV_SNP_ID_AUTH_OFF_ID_KEY;
		off %= SEV_SNP_SIG_KEY_SIZE;
		covered = off < KEY_COVERED || author;
		break;
	case 4:
		base = SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG;
		off %= SEV_SNP_SIG_SIZE;
		covered = author && off < SIG_COVERED;
		break;
	case 5:
		base = SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY;
		off %= SEV_SNP_SIG_KEY_SIZE;
		covered = author && off < KEY_COVERED;
		break;
	case 6:
		off %= 8;
		covered = off < 4 || author;
		bad = SEV_SIM_INVALID_PARAM;
		break;
	case 7:
		base = reserved[off % 3].base;
		off = off / 3 % reserved[off % 3].len;
		covered = false;
		break;
	default:
		return SEV_SIM_SUCCESS;
	}
	buf[base + off] ^= (uint8_t)(1u << bit);
	return covered ? bad : SEV_SIM_SUCCESS;
}

static void op_finish_signed(struct harness *h)
{
	uint32_t handle = pick_gctx(h), st, want, on_ready;
	struct sev_sim_snp_finish f = { 0 };
	uint8_t flags = rd8(h);
	unsigned region, off, bit;

	finish_flags(h, &f, (flags & 0x0e) | 1);
	memset(h->blk, 0, sizeof(h->blk));
	memset(h->blk + 48, rd8(h), 32);		/* FAMILY_ID, IMAGE_ID */
	put32(h->blk + 80, 1);
	put32(h->blk + 84, rd8(h));			/* GUEST_SVN */
	memset(h->auth, 0, ID_AUTH_SIZE);
	id_fields_fit(h, handle);
	region = rd8(h) % 8;
	off = (unsigned)rdn(h, 2);
	bit = rd8(h) % 8;
	if (h->signed_ops >= MAX_SIGNED)
		return;
	h->signed_ops++;
	check(snp_id_auth_sign(h->blk, h->auth, sign_key(0),
			       f.auth_key_en ? sign_key(1) : NULL) == 0);
	on_ready = flip(h, region, off, bit, f.auth_key_en);
	st = sev_sim_snp_launch_finish(h->sim, handle, &f);
	if (injected(h, SEV_SIM_SNP_CMD_LAUNCH_FINISH, st))
		return;
	want = expect_finish_state(h, handle, &f);
	check(st == (want ? want : on_ready));
	if (!st)
		finish_accepted(h, handle, &f);
}

/* ---- injection, seed, legacy SEV ----------------------------------------- */

static void op_inject(struct harness *h)
{
	static const enum sev_sim_snp_cmd cmds[] = {
		SEV_SIM_SNP_CMD_INIT, SEV_SIM_SNP_CMD_DECOMMISSION,
		SEV_SIM_SNP_CMD_ACTIVATE, SEV_SIM_SNP_CMD_GCTX_CREATE,
		SEV_SIM_SNP_CMD_LAUNCH_START, SEV_SIM_SNP_CMD_LAUNCH_UPDATE,
		SEV_SIM_SNP_CMD_LAUNCH_FINISH,
	};

	h->inject_cmd = cmds[rd8(h) % 7];
	h->inject_status = rd8(h);
	h->armed = true;
	sev_sim_snp_inject_status(h->sim, h->inject_cmd, h->inject_status);
}

static void op_seed(struct harness *h)
{
	uint8_t seed[32];

	memset(seed, rd8(h), sizeof(seed));
	sev_sim_snp_set_seed(h->sim, seed);
}

static uint32_t pick_legacy(struct harness *h)
{
	uint8_t b = rd8(h);

	if (b & 0x80 || !h->nr_legacy)
		return b & 0xf;
	return h->legacy[b % h->nr_legacy];
}

static void op_sev_init(struct harness *h)
{
	uint32_t st = sev_sim_init(h->sim);

	check(st == (h->sev_init ? SEV_SIM_INVALID_PLATFORM_STATE :
				   SEV_SIM_SUCCESS));
	h->sev_init = true;
}

static void op_sev_start(struct harness *h)
{
	struct sev_sim_launch_start io = { .policy = rd8(h) };

	if (sev_sim_launch_start(h->sim, &io) != SEV_SIM_SUCCESS)
		return;
	check(h->nr_legacy < SEV_SIM_MAX_GUESTS);
	for (unsigned i = 0; i < h->nr_legacy; i++)
		check(h->legacy[i] != io.handle);
	h->legacy[h->nr_legacy++] = io.handle;
}

static void op_sev_activate(struct harness *h)
{
	uint32_t handle = pick_legacy(h), asid = rd8(h) & 0x1f;
	bool snp_owned = snp_asid_active(h, asid);
	uint32_t st = sev_sim_activate(h->sim, handle, asid);

	if (st == SEV_SIM_SUCCESS)
		check(!snp_owned);
}

static void op_sev_deactivate(struct harness *h)
{
	sev_sim_deactivate(h->sim, pick_legacy(h));
}

static void op_sev_decommission(struct harness *h)
{
	uint32_t handle = pick_legacy(h);

	if (sev_sim_decommission(h->sim, handle) != SEV_SIM_SUCCESS)
		return;
	for (unsigned i = 0; i < h->nr_legacy; i++) {
		if (h->legacy[i] == handle) {
			h->legacy[i] = h->legacy[--h->nr_legacy];
			return;
		}
	}
	abort();	/* decommissioned a guest it never launched */
}

static void (*const ops[OP_COUNT])(struct harness *) = {
	[OP_SNP_INIT] = op_snp_init,
	[OP_GCTX_CREATE] = op_gctx_create,
	[OP_LAUNCH_START] = op_launch_start,
	[OP_ACTIVATE] = op_activate,
	[OP_UPDATE] = op_update,
	[OP_FINISH_RAW] = op_finish_raw,
	[OP_FINISH_SIGNED] = op_finish_signed,
	[OP_DECOMMISSION] = op_decommission,
	[OP_INJECT] = op_inject,
	[OP_SEED] = op_seed,
	[OP_SEV_INIT] = op_sev_init,
	[OP_SEV_START] = op_sev_start,
	[OP_SEV_ACTIVATE] = op_sev_activate,
	[OP_SEV_DEACTIVATE] = op_sev_deactivate,
	[OP_SEV_DECOMMISSION] = op_sev_decommission,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h = { .in = data, .left = size };
	uint8_t platform = rd8(&h);

	h.params = (struct sev_sim_params){
		.api_major = 1, .api_minor = (uint8_t)(55 - (platform >> 2 & 7)),
		.build = 25, .es_capable = !(platform & 2),
		.no_snp = platform & 1,
	};

	h.pages = aligned_alloc(PG, (size_t)(NPAGES + 2) * PG);
	h.before = malloc(PG);
	h.auth = aligned_alloc(PG, ID_AUTH_SIZE);
	check(h.pages && h.before && h.auth);
	memset(h.pages, 0, (size_t)(NPAGES + 2) * PG);
	check(sev_sim_create(&h.params, &h.sim) == 0);
	while (h.left) {
		ops[rd8(&h) % OP_COUNT](&h);
		check_all(&h);
	}
	for (uint32_t i = 1; i <= NGCTX; i++) {
		for (unsigned j = 0; j < h.g[i].nr_gpas; j++)
			check(sev_sim_snp_gpa_assigned(h.sim, i,
						       h.g[i].gpas[j]));
		free(h.g[i].gpas);
	}
	sev_sim_destroy(h.sim);
	free(h.pages);
	free(h.before);
	free(h.auth);
	return 0;
}
