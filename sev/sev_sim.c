// SPDX-License-Identifier: Apache-2.0
/*
 * The SEV firmware model.  Check order per command follows the table in
 * docs/sev-firmware-model.md section 4 (itself from the SEV API 0.24 and
 * AMD's open-sourced firmware); the first failing check wins and a failing
 * command changes no state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sev/sev.h"
#include "sev/sev_crypto.h"
#include "sev/sev_sim.h"
#include "sev/sev_sim_priv.h"
#include "sev/crypto_dl.h"

/* PLATFORM_STATUS flags: SEV-ES configured. */
#define PLATFORM_FLAG_ES	0x100u
/* Session: NONCE 16 | WRAP_TK 32 | WRAP_IV 16 | WRAP_MAC 32 | POLICY_MAC. */
#define SESSION_POLICY_MAC_OFF	96

struct sim_guest {
	bool in_use;
	enum sev_sim_guest_state state;
	uint32_t policy;
	uint32_t asid;
	bool active;
	uint8_t tik[16], tek[16];
	EVP_MD_CTX *ld_ctx;	/* GCTX.LD while in LUPDATE */
	uint64_t ld_bytes;
	bool ld_final;
	uint8_t ld[32];		/* kept after FINISH for sev_sim_digest() */
	uint8_t measure[32];	/* MEASURE, input of the secret MAC */
};

struct sev_sim {
	struct sev_sim_params params;
	enum sev_sim_platform_state state;
	bool es_enabled;
	unsigned guest_count;
	struct sim_guest guests[SEV_SIM_MAX_GUESTS];
	uint8_t next_tik[16], next_tek[16];
	bool mnonce_set;
	uint8_t mnonce[16];
	bool inject_armed;
	enum sev_sim_cmd inject_cmd;
	uint32_t inject_status;
	struct sev_sim_snp *snp;	/* the SNP half (sev_sim_snp.c) */
};

int sev_sim_create(const struct sev_sim_params *params, struct sev_sim **out)
{
	struct sev_sim *sim;

	*out = NULL;
	SEV_CRYPTO_REQUIRE();
	sim = calloc(1, sizeof(*sim));

	*out = sim;
	if (!sim)
		return -ENOMEM;
	sim->params = *params;
	sim->state = SEV_SIM_PLATFORM_UNINIT;
	if (sev_sim_snp_part_new(params, &sim->snp)) {
		free(sim);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

struct sev_sim_snp *sev_sim_snp_part(struct sev_sim *sim)
{
	return sim->snp;
}

const struct sev_sim_snp *sev_sim_snp_part_const(const struct sev_sim *sim)
{
	return sim->snp;
}

static void guest_clear(struct sim_guest *g)
{
	EVP_MD_CTX_free(g->ld_ctx);
	OPENSSL_cleanse(g, sizeof(*g));
}

void sev_sim_destroy(struct sev_sim *sim)
{
	if (!sim)
		return;
	for (unsigned i = 0; i < SEV_SIM_MAX_GUESTS; i++)
		guest_clear(&sim->guests[i]);
	sev_sim_snp_part_free(sim->snp);
	OPENSSL_cleanse(sim, sizeof(*sim));
	free(sim);
}

void sev_sim_set_transport_keys(struct sev_sim *sim, const uint8_t tek[16],
				const uint8_t tik[16])
{
	memcpy(sim->next_tek, tek, 16);
	memcpy(sim->next_tik, tik, 16);
}

void sev_sim_set_mnonce(struct sev_sim *sim, const uint8_t mnonce[16])
{
	memcpy(sim->mnonce, mnonce, 16);
	sim->mnonce_set = true;
}

void sev_sim_inject_status(struct sev_sim *sim, enum sev_sim_cmd cmd,
			   uint32_t status)
{
	sim->inject_armed = true;
	sim->inject_cmd = cmd;
	sim->inject_status = status;
}

/* A pending injected failure for (cmd) fires once. */
static bool take_injected(struct sev_sim *sim, enum sev_sim_cmd cmd,
			  uint32_t *status)
{
	if (!sim->inject_armed || sim->inject_cmd != cmd)
		return false;
	sim->inject_armed = false;
	*status = sim->inject_status;
	return true;
}

/* Slot of a live guest handle (handles are slot + 1), or -1. */
static int guest_slot(const struct sev_sim *sim, uint32_t handle)
{
	if (handle == 0 || handle > SEV_SIM_MAX_GUESTS ||
	    !sim->guests[handle - 1].in_use)
		return -1;
	return (int)handle - 1;
}

static struct sim_guest *guest_of(struct sev_sim *sim, uint32_t handle)
{
	int slot = guest_slot(sim, handle);

	return slot < 0 ? NULL : &sim->guests[slot];
}

/* The prefix most guest commands share: platform WORKING, live handle. */
static uint32_t check_working_guest(struct sev_sim *sim, uint32_t handle,
				    struct sim_guest **g)
{
	if (sim->state != SEV_SIM_PLATFORM_WORKING)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	*g = guest_of(sim, handle);
	return *g ? SEV_SIM_SUCCESS : SEV_SIM_INVALID_GUEST;
}

uint32_t sev_sim_init(struct sev_sim *sim)
{
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_INIT, &st))
		return st;
	if (sim->state != SEV_SIM_PLATFORM_UNINIT)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	sim->state = SEV_SIM_PLATFORM_INIT;
	sim->es_enabled = sim->params.es_capable;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_platform_status(struct sev_sim *sim,
				 struct sev_sim_platform_status *out)
{
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_PLATFORM_STATUS, &st))
		return st;
	memset(out, 0, sizeof(*out));
	out->api_major = sim->params.api_major;
	out->api_minor = sim->params.api_minor;
	out->build = sim->params.build;
	out->state = (uint8_t)sim->state;
	out->flags = sim->es_enabled ? PLATFORM_FLAG_ES : 0;
	out->guest_count = sim->guest_count;
	return SEV_SIM_SUCCESS;
}

/*
 * With a GODH certificate the firmware derives TEK/TIK from the session
 * and checks its MACs.  The model takes the injected keys instead and can
 * check only POLICY_MAC (WRAP_MAC needs the PDH private key).
 */
static uint32_t check_session(const struct sev_sim *sim,
			      const struct sev_sim_launch_start *io)
{
	uint8_t mac[32];

	if (!io->dh_cert)
		return SEV_SIM_SUCCESS;
	if (io->session_len != SEV_SESSION_SIZE || !io->session)
		return SEV_SIM_INVALID_LENGTH;
	if (io->dh_cert_len != SEV_DH_CERT_SIZE)
		return SEV_SIM_INVALID_LENGTH;
	if (sev_crypto_policy_mac(sim->next_tik, io->policy, mac))
		return SEV_SIM_HWERROR_PLATFORM;
	if (CRYPTO_memcmp(mac, (const uint8_t *)io->session +
				       SESSION_POLICY_MAC_OFF, 32))
		return SEV_SIM_BAD_MEASUREMENT;
	return SEV_SIM_SUCCESS;
}

/* Reserved bits and the minimum API version the policy demands. */
static uint32_t check_policy(const struct sev_sim *sim, uint32_t policy)
{
	unsigned want = SEV_POLICY_API_MAJOR(policy) << 8 |
			SEV_POLICY_API_MINOR(policy);
	unsigned have = (unsigned)sim->params.api_major << 8 |
			sim->params.api_minor;

	if (policy & SEV_POLICY_RESERVED)
		return SEV_SIM_POLICY_FAILURE;
	return have < want ? SEV_SIM_POLICY_FAILURE : SEV_SIM_SUCCESS;
}

/* HANDLE != 0 asks to share that guest's key: same policy, no NOKS. */
static uint32_t check_key_sharing(struct sev_sim *sim,
				  const struct sev_sim_launch_start *io)
{
	struct sim_guest *shared;

	if (!io->handle)
		return SEV_SIM_SUCCESS;
	shared = guest_of(sim, io->handle);
	if (!shared)
		return SEV_SIM_INVALID_GUEST;
	if (shared->policy != io->policy ||
	    (shared->policy & SEV_POLICY_NOKS))
		return SEV_SIM_POLICY_FAILURE;
	return SEV_SIM_SUCCESS;
}

static struct sim_guest *free_guest(struct sev_sim *sim, uint32_t *handle)
{
	for (unsigned i = 0; i < SEV_SIM_MAX_GUESTS; i++) {
		if (!sim->guests[i].in_use) {
			*handle = i + 1;
			return &sim->guests[i];
		}
	}
	return NULL;
}

static uint32_t launch_start_checks(struct sev_sim *sim,
				    const struct sev_sim_launch_start *io)
{
	uint32_t st;

	if (sim->state != SEV_SIM_PLATFORM_INIT &&
	    sim->state != SEV_SIM_PLATFORM_WORKING)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	st = check_session(sim, io);
	if (!st)
		st = check_policy(sim, io->policy);
	if (!st)
		st = check_key_sharing(sim, io);
	return st;
}

uint32_t sev_sim_launch_start(struct sev_sim *sim,
			      struct sev_sim_launch_start *io)
{
	struct sim_guest *g;
	uint32_t st, handle = 0;

	if (take_injected(sim, SEV_SIM_CMD_LAUNCH_START, &st))
		return st;
	st = launch_start_checks(sim, io);
	if (st)
		return st;
	g = free_guest(sim, &handle);
	if (!g)
		return SEV_SIM_RESOURCE_LIMIT;
	if ((io->policy & SEV_POLICY_ES) && !sim->es_enabled)
		return SEV_SIM_UNSUPPORTED;

	g->ld_ctx = EVP_MD_CTX_new();
	if (!g->ld_ctx || !EVP_DigestInit_ex(g->ld_ctx, EVP_sha256(), NULL)) {
		guest_clear(g);
		return SEV_SIM_RESOURCE_LIMIT;
	}
	g->in_use = true;
	g->state = SEV_SIM_GUEST_LUPDATE;
	g->policy = io->policy;
	memcpy(g->tik, sim->next_tik, 16);
	memcpy(g->tek, sim->next_tek, 16);
	sim->state = SEV_SIM_PLATFORM_WORKING;
	sim->guest_count++;
	io->handle = handle;
	return SEV_SIM_SUCCESS;
}

/* ES guests take ASIDs below MIN_SEV_ASID, SEV guests the rest. */
static bool asid_fits_guest(const struct sim_guest *g, uint32_t asid)
{
	bool es = g->policy & SEV_POLICY_ES;

	return es ? asid < SEV_SIM_MIN_SEV_ASID : asid >= SEV_SIM_MIN_SEV_ASID;
}

bool sev_sim_legacy_asid_active(const struct sev_sim *sim, uint32_t asid)
{
	for (unsigned i = 0; i < SEV_SIM_MAX_GUESTS; i++) {
		const struct sim_guest *g = &sim->guests[i];

		if (g->in_use && g->active && g->asid == asid)
			return true;
	}
	return false;
}

static bool asid_taken(const struct sev_sim *sim, const struct sim_guest *me,
		       uint32_t asid)
{
	if (sev_sim_snp_asid_active(sim->snp, asid))
		return true;
	for (unsigned i = 0; i < SEV_SIM_MAX_GUESTS; i++) {
		const struct sim_guest *g = &sim->guests[i];

		if (g != me && g->in_use && g->active && g->asid == asid)
			return true;
	}
	return false;
}

uint32_t sev_sim_activate(struct sev_sim *sim, uint32_t handle, uint32_t asid)
{
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_ACTIVATE, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (asid == 0 || asid > SEV_SIM_MAX_ASID)
		return SEV_SIM_INVALID_ASID;
	if (asid_taken(sim, g, asid))
		return SEV_SIM_ASID_OWNED;
	if (g->active)
		return SEV_SIM_ACTIVE;
	if (!asid_fits_guest(g, asid))
		return SEV_SIM_INVALID_ASID;
	g->active = true;
	g->asid = asid;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_deactivate(struct sev_sim *sim, uint32_t handle)
{
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_DEACTIVATE, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	g->active = false;
	g->asid = 0;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_decommission(struct sev_sim *sim, uint32_t handle)
{
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_DECOMMISSION, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (g->active)
		return SEV_SIM_ACTIVE;
	guest_clear(g);
	if (--sim->guest_count == 0)
		sim->state = SEV_SIM_PLATFORM_INIT;
	return SEV_SIM_SUCCESS;
}

static uint32_t absorb(struct sim_guest *g, const void *addr, uint32_t len)
{
	if (!EVP_DigestUpdate(g->ld_ctx, addr, len))
		return SEV_SIM_HWERROR_PLATFORM;
	g->ld_bytes += len;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_launch_update_data(struct sev_sim *sim, uint32_t handle,
				    const void *addr, uint32_t len)
{
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_LAUNCH_UPDATE_DATA, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (g->state != SEV_SIM_GUEST_LUPDATE)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	if (!addr || (uintptr_t)addr % 16)
		return SEV_SIM_INVALID_ADDRESS;
	if (len == 0 || len % 16)
		return SEV_SIM_INVALID_LENGTH;
	return absorb(g, addr, len);
}

uint32_t sev_sim_launch_update_vmsa(struct sev_sim *sim, uint32_t handle,
				    const void *addr, uint32_t len)
{
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_LAUNCH_UPDATE_VMSA, &st))
		return st;
	/* The firmware checks the length before anything else. */
	if (len != 4096)
		return SEV_SIM_INVALID_LENGTH;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (g->state != SEV_SIM_GUEST_LUPDATE)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!(g->policy & SEV_POLICY_ES))
		return SEV_SIM_UNSUPPORTED;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	if (!addr || (uintptr_t)addr % 16)
		return SEV_SIM_INVALID_ADDRESS;
	return absorb(g, addr, len);
}

static uint32_t finalize_measure(struct sev_sim *sim, struct sim_guest *g,
				 uint8_t mnonce[16])
{
	if (!EVP_DigestFinal_ex(g->ld_ctx, g->ld, NULL))
		return SEV_SIM_HWERROR_PLATFORM;
	if (sim->mnonce_set)
		memcpy(mnonce, sim->mnonce, 16);
	else if (RAND_bytes(mnonce, 16) != 1)
		return SEV_SIM_HWERROR_PLATFORM;
	if (sev_crypto_launch_measure(g->tik, sim->params.api_major,
				      sim->params.api_minor, sim->params.build,
				      g->policy, g->ld, mnonce, g->measure))
		return SEV_SIM_HWERROR_PLATFORM;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_launch_measure(struct sev_sim *sim, uint32_t handle,
				void *buf, uint32_t *len)
{
	struct sim_guest *g;
	uint8_t mnonce[16];
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_LAUNCH_MEASURE, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (g->state != SEV_SIM_GUEST_LUPDATE)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (*len < SEV_MEASURE_BLOB_SIZE) {
		/* How a caller learns the size it needs (table 52). */
		*len = SEV_MEASURE_BLOB_SIZE;
		return SEV_SIM_INVALID_LENGTH;
	}
	if (!buf)
		return SEV_SIM_INVALID_ADDRESS;
	st = finalize_measure(sim, g, mnonce);
	if (st)
		return st;
	memcpy(buf, g->measure, 32);
	memcpy((uint8_t *)buf + 32, mnonce, 16);
	g->ld_final = true;
	EVP_MD_CTX_free(g->ld_ctx);
	g->ld_ctx = NULL;
	g->state = SEV_SIM_GUEST_LSECRET;
	return SEV_SIM_SUCCESS;
}

static uint32_t secret_checks(const struct sim_guest *g,
			      const struct sev_sim_secret *s)
{
	if (!s->guest || (uintptr_t)s->guest % 16 || !s->hdr || !s->trans)
		return SEV_SIM_INVALID_ADDRESS;
	if (s->hdr_len != SEV_SECRET_HDR_SIZE || s->guest_len == 0 ||
	    s->guest_len % 16 || s->guest_len > SEV_SIM_SECRET_MAX ||
	    s->guest_len != s->trans_len)
		return SEV_SIM_INVALID_LENGTH;
	if (g->state != SEV_SIM_GUEST_LSECRET)
		return SEV_SIM_INVALID_GUEST_STATE;
	if (!g->active)
		return SEV_SIM_INACTIVE;
	return SEV_SIM_SUCCESS;
}

/* Header: FLAGS (LE32) @0, IV @4, MAC @20 (table 55). */
static uint32_t secret_verify(const struct sim_guest *g,
			      const struct sev_sim_secret *s)
{
	const uint8_t *hdr = s->hdr;
	uint32_t flags = hdr[0] | hdr[1] << 8 | hdr[2] << 16 |
			 (uint32_t)hdr[3] << 24;
	uint8_t mac[32];

	if (sev_crypto_secret_mac(g->tik, flags, hdr + 4, s->guest_len,
				  s->trans_len, s->trans, s->trans_len,
				  g->measure, mac))
		return SEV_SIM_HWERROR_PLATFORM;
	if (CRYPTO_memcmp(mac, hdr + 20, 32))
		return SEV_SIM_BAD_MEASUREMENT;
	if (flags & SEV_SIM_SECRET_COMPRESSED)
		return SEV_SIM_UNSUPPORTED;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_launch_secret(struct sev_sim *sim, uint32_t handle,
			       const struct sev_sim_secret *secret)
{
	const uint8_t *hdr = secret->hdr;
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_LAUNCH_SECRET, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (!st)
		st = secret_checks(g, secret);
	if (!st)
		st = secret_verify(g, secret);
	if (st)
		return st;
	/* Real firmware re-encrypts under the VEK; the model has none. */
	if (sev_crypto_aes128_ctr(g->tek, hdr + 4, secret->trans,
				  secret->guest, secret->guest_len))
		return SEV_SIM_HWERROR_PLATFORM;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_launch_finish(struct sev_sim *sim, uint32_t handle)
{
	struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_LAUNCH_FINISH, &st))
		return st;
	st = check_working_guest(sim, handle, &g);
	if (st)
		return st;
	if (g->state != SEV_SIM_GUEST_LSECRET)
		return SEV_SIM_INVALID_GUEST_STATE;
	/* The transport keys die here; the digest stays for observers. */
	OPENSSL_cleanse(g->tik, sizeof(g->tik));
	OPENSSL_cleanse(g->tek, sizeof(g->tek));
	OPENSSL_cleanse(g->measure, sizeof(g->measure));
	g->state = SEV_SIM_GUEST_RUNNING;
	return SEV_SIM_SUCCESS;
}

uint32_t sev_sim_guest_status(struct sev_sim *sim, uint32_t handle,
			      uint32_t *policy, uint32_t *asid,
			      uint32_t *state)
{
	const struct sim_guest *g;
	uint32_t st;

	if (take_injected(sim, SEV_SIM_CMD_GUEST_STATUS, &st))
		return st;
	if (sim->state == SEV_SIM_PLATFORM_UNINIT)
		return SEV_SIM_INVALID_PLATFORM_STATE;
	g = guest_of(sim, handle);
	*policy = g ? g->policy : 0;
	*asid = g && g->active ? g->asid : 0;
	*state = g ? g->state : SEV_SIM_GUEST_UNINIT;
	return SEV_SIM_SUCCESS;
}

enum sev_sim_platform_state sev_sim_platform_state(const struct sev_sim *sim)
{
	return sim->state;
}

int sev_sim_digest(const struct sev_sim *sim, uint32_t handle, uint8_t ld[32])
{
	int slot = guest_slot(sim, handle);

	if (slot < 0)
		return -ENOENT;
	if (!sim->guests[slot].ld_final)
		return -EAGAIN;
	memcpy(ld, sim->guests[slot].ld, 32);
	return 0;
}

uint64_t sev_sim_digest_bytes(const struct sev_sim *sim, uint32_t handle)
{
	int slot = guest_slot(sim, handle);

	return slot < 0 ? 0 : sim->guests[slot].ld_bytes;
}
