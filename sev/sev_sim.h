/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A software model of the AMD SEV firmware's guest launch state machine,
 * written from the SEV API specification (pub. 55766, v0.24) as summarised
 * in docs/sev-firmware-model.md: platform states, guest states, the status
 * each command returns in the wrong state (checks in the firmware's order,
 * first failure wins and changes nothing), the launch digest over
 * LAUNCH_UPDATE_DATA and LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE as HMAC-SHA-256
 * under the TIK, and LAUNCH_SECRET's MAC check and AES-128-CTR payload.
 *
 * What it is not: it encrypts nothing (memory stays plaintext), it cannot
 * unwrap a real session (no PDH private key: the transport keys are
 * injected with sev_sim_set_transport_keys(), and only the session's
 * POLICY_MAC is checked with them), and it does not model SEND/RECEIVE,
 * DBG.  Addresses are host pointers, checked for the firmware's
 * 16-byte alignment rules.  SEV-SNP guest contexts are the second half of
 * this header (sev_sim_snp.c).
 *
 * Commands return the firmware status (0 = SUCCESS), never an errno.
 */
#ifndef SEV_SEV_SIM_H
#define SEV_SEV_SIM_H

#include <stdbool.h>
#include <stdint.h>

/* Firmware command ids (SEV API 0.24 section 4.3, table 4). */
enum sev_sim_cmd {
	SEV_SIM_CMD_INIT = 0x01,
	SEV_SIM_CMD_PLATFORM_STATUS = 0x04,
	SEV_SIM_CMD_DECOMMISSION = 0x20,
	SEV_SIM_CMD_ACTIVATE = 0x21,
	SEV_SIM_CMD_DEACTIVATE = 0x22,
	SEV_SIM_CMD_GUEST_STATUS = 0x23,
	SEV_SIM_CMD_LAUNCH_START = 0x30,
	SEV_SIM_CMD_LAUNCH_UPDATE_DATA = 0x31,
	SEV_SIM_CMD_LAUNCH_UPDATE_VMSA = 0x32,
	SEV_SIM_CMD_LAUNCH_MEASURE = 0x33,
	SEV_SIM_CMD_LAUNCH_SECRET = 0x34,
	SEV_SIM_CMD_LAUNCH_FINISH = 0x35,
};

/* Firmware status codes the model returns (SEV API 0.24 table 27). */
enum sev_sim_status {
	SEV_SIM_SUCCESS = 0x00,
	SEV_SIM_INVALID_PLATFORM_STATE = 0x01,
	SEV_SIM_INVALID_GUEST_STATE = 0x02,
	SEV_SIM_INVALID_LENGTH = 0x04,
	SEV_SIM_INVALID_CERTIFICATE = 0x06,
	SEV_SIM_POLICY_FAILURE = 0x07,
	SEV_SIM_INACTIVE = 0x08,
	SEV_SIM_INVALID_ADDRESS = 0x09,
	SEV_SIM_BAD_SIGNATURE = 0x0a,
	SEV_SIM_BAD_MEASUREMENT = 0x0b,
	SEV_SIM_ASID_OWNED = 0x0c,
	SEV_SIM_INVALID_ASID = 0x0d,
	SEV_SIM_INVALID_GUEST = 0x10,
	SEV_SIM_ACTIVE = 0x12,
	SEV_SIM_HWERROR_PLATFORM = 0x13,
	SEV_SIM_UNSUPPORTED = 0x15,
	SEV_SIM_INVALID_PARAM = 0x16,
	SEV_SIM_RESOURCE_LIMIT = 0x17,
	SEV_SIM_INVALID_PAGE_SIZE = 0x19,
	SEV_SIM_INVALID_PAGE_STATE = 0x1a,
};

/* Platform states (section 5.1.2). */
enum sev_sim_platform_state {
	SEV_SIM_PLATFORM_UNINIT = 0,
	SEV_SIM_PLATFORM_INIT = 1,
	SEV_SIM_PLATFORM_WORKING = 2,
};

/* Guest states (section 6.1.1; firmware values). */
enum sev_sim_guest_state {
	SEV_SIM_GUEST_UNINIT = 0,
	SEV_SIM_GUEST_LUPDATE = 1,
	SEV_SIM_GUEST_LSECRET = 2,
	SEV_SIM_GUEST_RUNNING = 3,
};

/* Model limits: ASIDs 1..7 are SEV-ES ASIDs, 8..15 SEV ASIDs. */
#define SEV_SIM_MAX_GUESTS	8
#define SEV_SIM_MAX_ASID	15
#define SEV_SIM_MIN_SEV_ASID	8
#define SEV_SIM_SECRET_MAX	0x5000	/* firmware bounce buffer */
#define SEV_SIM_SECRET_COMPRESSED 0x1u	/* packet header FLAGS bit 0 */

struct sev_sim_params {
	uint8_t api_major, api_minor, build;
	bool es_capable;	/* INIT enables SEV-ES (PLATFORM_STATUS flag) */
	bool no_snp;		/* a platform without SEV-SNP (SNP_INIT fails) */
};

struct sev_sim_platform_status {
	uint8_t api_major, api_minor, build, state;
	uint32_t flags;		/* 0x100: SEV-ES configured */
	uint32_t guest_count;
};

struct sev_sim_launch_start {
	uint32_t handle;	/* in: 0 or a guest to share keys with; out */
	uint32_t policy;
	const void *dh_cert;
	uint32_t dh_cert_len;
	const void *session;
	uint32_t session_len;
};

struct sev_sim_secret {
	const void *hdr;
	uint32_t hdr_len;
	void *guest;
	uint32_t guest_len;
	const void *trans;
	uint32_t trans_len;
};

struct sev_sim;

/* A platform in state UNINIT.  Returns 0 or -ENOMEM. */
int sev_sim_create(const struct sev_sim_params *params, struct sev_sim **out);
void sev_sim_destroy(struct sev_sim *sim);

/* Test hooks (sev-firmware-model.md section 8). */
/* Keys the next LAUNCH_START installs, standing in for the session unwrap. */
void sev_sim_set_transport_keys(struct sev_sim *sim, const uint8_t tek[16],
				const uint8_t tik[16]);
/* MNONCE for every following LAUNCH_MEASURE (else RAND_bytes). */
void sev_sim_set_mnonce(struct sev_sim *sim, const uint8_t mnonce[16]);
/* Make the next (cmd) fail with (status) without any effect. */
void sev_sim_inject_status(struct sev_sim *sim, enum sev_sim_cmd cmd,
			   uint32_t status);

/* Commands. */
uint32_t sev_sim_init(struct sev_sim *sim);
uint32_t sev_sim_platform_status(struct sev_sim *sim,
				 struct sev_sim_platform_status *out);
uint32_t sev_sim_launch_start(struct sev_sim *sim,
			      struct sev_sim_launch_start *io);
uint32_t sev_sim_activate(struct sev_sim *sim, uint32_t handle, uint32_t asid);
uint32_t sev_sim_deactivate(struct sev_sim *sim, uint32_t handle);
uint32_t sev_sim_decommission(struct sev_sim *sim, uint32_t handle);
uint32_t sev_sim_launch_update_data(struct sev_sim *sim, uint32_t handle,
				    const void *addr, uint32_t len);
uint32_t sev_sim_launch_update_vmsa(struct sev_sim *sim, uint32_t handle,
				    const void *addr, uint32_t len);
/* (buf) gets MEASURE || MNONCE; (*len) < 48 fails INVALID_LENGTH, *len = 48. */
uint32_t sev_sim_launch_measure(struct sev_sim *sim, uint32_t handle,
				void *buf, uint32_t *len);
uint32_t sev_sim_launch_secret(struct sev_sim *sim, uint32_t handle,
			       const struct sev_sim_secret *secret);
uint32_t sev_sim_launch_finish(struct sev_sim *sim, uint32_t handle);
/* An unknown handle is SUCCESS with state UNINIT (as the firmware does). */
uint32_t sev_sim_guest_status(struct sev_sim *sim, uint32_t handle,
			      uint32_t *policy, uint32_t *asid,
			      uint32_t *state);

/* Observers for tests; they survive LAUNCH_FINISH's key zeroing. */
enum sev_sim_platform_state sev_sim_platform_state(const struct sev_sim *sim);
/* The launch digest finalised by LAUNCH_MEASURE: 0, -ENOENT, -EAGAIN. */
int sev_sim_digest(const struct sev_sim *sim, uint32_t handle,
		   uint8_t ld[32]);
/* Bytes absorbed into the digest so far (data and VMSAs). */
uint64_t sev_sim_digest_bytes(const struct sev_sim *sim, uint32_t handle);

/* ------------------------------------------------------------------------
 * SEV-SNP (SEV Secure Nested Paging Firmware ABI, pub. 56860, v1.55, as
 * read in AMD's open-sourced firmware, amd/AMD-ASPFW sev_mcmd.c): SNP_INIT,
 * guest contexts (GCTX) with their own states INIT -> LAUNCH -> RUNNING,
 * SNP_LAUNCH_START / UPDATE / FINISH and the SHA-384 launch digest
 * (sev_snp_ld_extend(), shared with `vmm measure --mode snp`).
 *
 * The model has no RMP: a guest page is identified by its GPA, and the
 * model remembers which GPAs a guest has had updated (INVALID_PAGE_STATE on
 * a second update).  VMSA pages are exempt: every vCPU's VMSA sits at the
 * same GPA 0xfffffffff000 in separate system pages.  Pages are host
 * pointers (4 KiB aligned); ZERO, SECRETS and a rejected CPUID page are
 * written there, as the firmware writes them into guest memory.
 * Not modelled: migration agents, IMI guests, 2 MiB pages, VMPL permission
 * effects (they only enter PAGE_INFO), the VMSA TSC fields.
 * ---------------------------------------------------------------------- */

/* SNP firmware command ids (psp-sev.h SEV_CMD_SNP_*), for injection. */
enum sev_sim_snp_cmd {
	SEV_SIM_SNP_CMD_INIT = 0x81,
	SEV_SIM_SNP_CMD_DECOMMISSION = 0x90,
	SEV_SIM_SNP_CMD_ACTIVATE = 0x91,
	SEV_SIM_SNP_CMD_GCTX_CREATE = 0x93,
	SEV_SIM_SNP_CMD_LAUNCH_START = 0xa0,
	SEV_SIM_SNP_CMD_LAUNCH_UPDATE = 0xa1,
	SEV_SIM_SNP_CMD_LAUNCH_FINISH = 0xa2,
};

/* GCTX states (ABI "Guest State", firmware values). */
enum sev_sim_snp_guest_state {
	SEV_SIM_SNP_GUEST_INIT = 0,
	SEV_SIM_SNP_GUEST_LAUNCH = 1,
	SEV_SIM_SNP_GUEST_RUNNING = 2,
};

/* Guest policy (ABI "Guest Policy"; bits 21..63 reserved in 1.55). */
#define SEV_SIM_SNP_POLICY_ABI_MINOR(p)	((unsigned)((p) & 0xff))
#define SEV_SIM_SNP_POLICY_ABI_MAJOR(p)	((unsigned)(((p) >> 8) & 0xff))
#define SEV_SIM_SNP_POLICY_SMT		(1ull << 16)
#define SEV_SIM_SNP_POLICY_MBO		(1ull << 17)	/* must be one */
#define SEV_SIM_SNP_POLICY_MIGRATE_MA	(1ull << 18)
#define SEV_SIM_SNP_POLICY_DEBUG	(1ull << 19)
#define SEV_SIM_SNP_POLICY_SINGLE_SOCKET (1ull << 20)
#define SEV_SIM_SNP_POLICY_RESERVED	(~0ull << 21)

#define SEV_SIM_SNP_MAX_GUESTS	8
/* Disjoint updated GPA ranges one guest may have (the model's bound). */
#define SEV_SIM_SNP_MAX_RANGES	4096
/* The guest physical address space: 52 bits. */
#define SEV_SIM_SNP_GPA_LIMIT	(1ull << 52)

/* The secrets page the model writes (ABI "Secrets Page Format", v3). */
#define SEV_SIM_SNP_SECRETS_VERSION	3
#define SEV_SIM_SNP_SECRETS_OFF_VERSION	0x00	/* u32 */
#define SEV_SIM_SNP_SECRETS_OFF_IMIEN	0x04	/* u32, bit 0 */
#define SEV_SIM_SNP_SECRETS_OFF_FMS	0x08	/* u32, CPUID 1 EAX format */
#define SEV_SIM_SNP_SECRETS_OFF_GOSVW	0x10	/* 16 bytes */
#define SEV_SIM_SNP_SECRETS_OFF_VMPCK0	0x20	/* 4 x 32 bytes */
#define SEV_SIM_SNP_SECRETS_OFF_TSC	0x160	/* u32 TSC_FACTOR */
#define SEV_SIM_SNP_FMS			0x00a10f11u	/* family 19h */

/* The CPUID page (ABI "CPUID Page"): count, 64 entries of 48 bytes. */
#define SEV_SIM_SNP_CPUID_MAX		64
#define SEV_SIM_SNP_CPUID_HDR		16
#define SEV_SIM_SNP_CPUID_ENTRY		48

struct sev_sim_snp_cpuid_entry {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};

struct sev_sim_snp_launch_start {
	uint64_t policy;
	uint8_t gosvw[16];
};

struct sev_sim_snp_update {
	uint64_t gpa;		/* 4 KiB aligned, below 2^52 */
	void *page;		/* host page, 4 KiB aligned */
	uint8_t page_type;	/* enum sev_snp_page_type (measure.h) */
	uint8_t page_size;	/* 0: 4 KiB (the only size modelled) */
	uint8_t imi_page;
	uint8_t vmpl3_perms, vmpl2_perms, vmpl1_perms;
};

#define SEV_SIM_SNP_ID_BLOCK_SIZE	96
#define SEV_SIM_SNP_ID_AUTH_SIZE	4096
#define SEV_SIM_SNP_ALGO_ECDSA_P384	1

struct sev_sim_snp_finish {
	const void *id_block;	/* 96 bytes, read if id_block_en */
	const void *id_auth;	/* 4096 bytes, read if id_block_en */
	bool id_block_en, auth_key_en, vcek_disabled;
	uint8_t host_data[32];
};

/* What an attestation report of the guest would carry (ABI table 23). */
struct sev_sim_snp_report {
	enum sev_sim_snp_guest_state state;
	uint64_t policy;
	uint8_t measurement[48];	/* the current launch digest */
	uint8_t host_data[32];
	uint8_t id_key_digest[48], author_key_digest[48];
	uint8_t family_id[16], image_id[16];
	uint32_t guest_svn;
	bool id_block_en, author_key_en, vcek_disabled;
	uint8_t report_id[32];
	uint64_t pages_updated;		/* successful LAUNCH_UPDATEs */
};

/* Test hooks. */
/* Seed of the model's deterministic keys (VMPCKs, REPORT_ID); default 0. */
void sev_sim_snp_set_seed(struct sev_sim *sim, const uint8_t seed[32]);
/* Make the next SNP (cmd) fail with (status) without any effect. */
void sev_sim_snp_inject_status(struct sev_sim *sim, enum sev_sim_snp_cmd cmd,
			       uint32_t status);

/* SNP_INIT: needs the SEV platform still UNINIT (the ccp driver's order). */
uint32_t sev_sim_snp_init(struct sev_sim *sim);
bool sev_sim_snp_initialized(const struct sev_sim *sim);
/* SNP_GCTX_CREATE: (*gctx) names the new context (never 0). */
uint32_t sev_sim_snp_gctx_create(struct sev_sim *sim, uint32_t *gctx);
uint32_t sev_sim_snp_launch_start(struct sev_sim *sim, uint32_t gctx,
				  const struct sev_sim_snp_launch_start *ls);
/* SNP_ACTIVATE: ASIDs 1..SEV_SIM_MIN_SEV_ASID-1 (the SEV-ES/SNP range). */
uint32_t sev_sim_snp_activate(struct sev_sim *sim, uint32_t gctx,
			      uint32_t asid);
/*
 * SNP_LAUNCH_UPDATE of one 4 KiB page.  A rejected CPUID page is
 * corrected in place and fails INVALID_PARAM, with no other effect.
 */
uint32_t sev_sim_snp_launch_update(struct sev_sim *sim, uint32_t gctx,
				   const struct sev_sim_snp_update *u);
/*
 * SNP_LAUNCH_FINISH.  With id_block_en, in this order: the ID block's LD
 * and POLICY must match (BAD_MEASUREMENT, POLICY_FAILURE), the key
 * algorithms must be ECDSA P-384 (INVALID_PARAM), ID_BLOCK_SIG must verify
 * over the 96-byte ID block under ID_KEY and, with auth_key_en,
 * ID_KEY_SIG over the 1028-byte ID_KEY under AUTHOR_KEY (BAD_SIGNATURE,
 * also for a key that is not a P-384 point; sev_snp_sig.h).  The SHA-384
 * digests of the ID (and author) key structures are then recorded.
 */
uint32_t sev_sim_snp_launch_finish(struct sev_sim *sim, uint32_t gctx,
				   const struct sev_sim_snp_finish *f);
/* SNP_DECOMMISSION: any state; the context and its ASID are released. */
uint32_t sev_sim_snp_decommission(struct sev_sim *sim, uint32_t gctx);

/* Observers. */
/* The report fields of (gctx) at any state: 0 or -ENOENT. */
int sev_sim_snp_report(const struct sev_sim *sim, uint32_t gctx,
		       struct sev_sim_snp_report *out);
/* Whether (gpa) of (gctx) was launch-updated (the RMP "assigned" bit). */
bool sev_sim_snp_gpa_assigned(const struct sev_sim *sim, uint32_t gctx,
			      uint64_t gpa);

#endif
