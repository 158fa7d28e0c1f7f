/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD SEV / SEV-ES guest launch, on plain file descriptors and host
 * addresses.  Knows nothing of struct vmm: the VMM core calls these in the
 * order sev/README.md gives, and each call checks that order itself (a
 * call out of order is -EINVAL and never reaches KVM or the PSP).
 *
 * Two backends run the same launch code:
 *   SEV_BACKEND_KVM  the real thing: KVM_MEMORY_ENCRYPT_OP on the VM fd,
 *                    with /dev/sev passed to KVM for the PSP commands.
 *   SEV_BACKEND_SIM  a software model of the SEV firmware behind a model
 *                    of KVM's SEV ioctl (sev_sim.h, sev_simkvm.h).  It
 *                    computes the launch digest and LAUNCH_MEASURE the
 *                    hardware would for the same inputs, but encrypts
 *                    nothing: the guest then runs in the clear.
 *
 * Every function returns 0 or a negative errno; on failure
 * sev_last_error() names the step and, when the PSP answered, its status
 * ("LAUNCH_START failed: INVALID_PLATFORM_STATE (0x1)").  A failure of a
 * launch command ends the launch: later launch calls return -ECANCELED.
 */
#ifndef SEV_SEV_H
#define SEV_SEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "sev/vmsa.h"

enum sev_mode {
	SEV_MODE_NONE = 0,
	SEV_MODE_SEV,
	SEV_MODE_SEV_ES,
	SEV_MODE_SNP,	/* SNP_LAUNCH_*; on KVM with guest_memfd memory */
};

enum sev_backend {
	SEV_BACKEND_KVM = 0,
	SEV_BACKEND_SIM,
};

/* Guest policy bits (SEV API 0.24, section 3, table 2). */
#define SEV_POLICY_NODBG	(1u << 0)
#define SEV_POLICY_NOKS		(1u << 1)
#define SEV_POLICY_ES		(1u << 2)
#define SEV_POLICY_NOSEND	(1u << 3)
#define SEV_POLICY_DOMAIN	(1u << 4)
#define SEV_POLICY_SEV		(1u << 5)
#define SEV_POLICY_RESERVED	0x0000ffc0u	/* bits 6-15 must be 0 */
#define SEV_POLICY_API_MAJOR(p)	(((p) >> 16) & 0xff)
#define SEV_POLICY_API_MINOR(p)	(((p) >> 24) & 0xff)

#define SEV_KEY_SIZE		16	/* TIK, TEK */
#define SEV_DIGEST_SIZE		32	/* launch digest, MEASURE */
#define SEV_MNONCE_SIZE		16
#define SEV_MEASURE_BLOB_SIZE	48	/* MEASURE || MNONCE (table 52) */
#define SEV_DH_CERT_SIZE	2084	/* sizeof an SEV certificate (app. C) */
#define SEV_SESSION_SIZE	128	/* NONCE|WRAP_TK|WRAP_IV|WRAP_MAC|POLICY_MAC */
#define SEV_SECRET_HDR_SIZE	52	/* FLAGS|IV|MAC (table 55) */
#define SEV_BLOB_MAX		(16 * 1024) /* KVM's psp_copy_user_blob cap */

/* What the simulated firmware reports as its API version by default. */
#define SEV_SIM_DEFAULT_API_MAJOR	1
#define SEV_SIM_DEFAULT_API_MINOR	55
#define SEV_SIM_DEFAULT_BUILD		25

struct sev_config {
	enum sev_mode mode;
	enum sev_backend backend;
	uint32_t policy;	/* must carry SEV_POLICY_ES exactly for SEV-ES */
	/*
	 * false: legacy KVM_SEV_INIT / KVM_SEV_ES_INIT on the default VM
	 * type, which keeps read-only memslots (QEMU's choice).  true:
	 * KVM_SEV_INIT2 on KVM_X86_SEV_VM / KVM_X86_SEV_ES_VM (Linux 6.10+);
	 * SEV-ES VMs of that type refuse read-only memslots.
	 */
	bool use_init2;
	uint64_t vmsa_features;	/* INIT2 + SEV-ES only; 0 otherwise */
	/* SEV-SNP: SNP_LAUNCH_FINISH's optional ID block and its
	 * authentication (both or neither) and HOST_DATA. */
	const void *id_block;
	size_t id_block_len;
	const void *id_auth;
	size_t id_auth_len;
	uint8_t host_data[32];
	/* Guest owner's GODH certificate and session blob (both or none). */
	const void *dh_cert;
	size_t dh_cert_len;
	const void *session;
	size_t session_len;
	/* SIM backend only: transport keys as if unwrapped from the session. */
	uint8_t sim_tik[SEV_KEY_SIZE];
	uint8_t sim_tek[SEV_KEY_SIZE];
	uint8_t sim_api_major, sim_api_minor, sim_build;
	bool sim_mnonce_set;	/* else the sim draws MNONCE at random */
	uint8_t sim_mnonce[SEV_MNONCE_SIZE];
};

/* Defaults: no SEV, KVM backend, policy 0, sim version 1.55 build 25. */
void sev_config_init(struct sev_config *cfg);

struct sev_host_caps {
	/* KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES) on /dev/kvm. */
	bool kvm_checked;		/* a /dev/kvm fd was given */
	bool vm_types_reported;		/* the capability exists */
	uint32_t vm_types;		/* bit n: type n creatable */
	/* CPUID 0x8000001F (AMD APM vol. 3, E.4.17). */
	char cpu_vendor[13];
	uint32_t max_ext_leaf;
	bool has_leaf;			/* AMD/Hygon CPU with the leaf */
	uint32_t leaf[4];		/* EAX EBX ECX EDX */
	bool cpu_sev, cpu_sev_es, cpu_sev_snp;
	unsigned cbit_pos;		/* EBX[5:0] */
	unsigned reduced_phys_bits;	/* EBX[11:6] */
	uint32_t nr_encrypted_guests;	/* ECX */
	uint32_t min_sev_asid;		/* EDX */
	/* /dev/sev and SEV_PLATFORM_STATUS. */
	bool dev_sev;
	int dev_sev_errno;		/* why /dev/sev did not open */
	bool platform_status;		/* PLATFORM_STATUS answered */
	int platform_status_errno;
	uint32_t platform_status_fw_error;
	uint8_t api_major, api_minor, build, platform_state;
	uint32_t platform_flags, guest_count;
};

/*
 * Find out what the host offers: VM types from (kvm_fd) (-1: skip), the
 * CPUID leaf, /dev/sev and its PLATFORM_STATUS.  Never fails: whatever
 * cannot be learnt is reported absent.  Returns 0.
 */
int sev_probe(int kvm_fd, struct sev_host_caps *caps);

/*
 * Whether (caps) allow (mode) with (use_init2) on the KVM backend; if not,
 * -ENODEV or -EOPNOTSUPP and one line of why in (why).
 */
int sev_host_check(const struct sev_host_caps *caps, enum sev_mode mode,
		   bool use_init2, char *why, size_t whylen);

/* LAUNCH_MEASURE's result and what a guest owner needs to check it. */
struct sev_measurement {
	bool snp;		/* then only snp_measure and policy are set */
	uint8_t snp_measure[48];	/* the attestation report's MEASUREMENT */
	uint8_t measure[SEV_DIGEST_SIZE];
	uint8_t mnonce[SEV_MNONCE_SIZE];
	uint8_t api_major, api_minor, build;
	uint32_t policy;
};

/*
 * Render (m) as text for --sev-measurement FILE: "key: value" lines
 * (measure, mnonce, api_major, api_minor, build, policy, and the 48-byte
 * blob in base64 as QEMU's query-sev-launch-measure gives it).  Returns the
 * length written (NUL excluded) or -ENOSPC.
 */
int sev_measurement_format(const struct sev_measurement *m, char *buf,
			   size_t len);

/*
 * Decode base64 text (the form QEMU's dh-cert-file / session-file and
 * sevctl's vm_godh.b64 / vm_session.b64 use; line breaks allowed) into
 * (out)[0..outmax).  Returns 0 with (*outlen) set, -EINVAL for text that
 * is not base64, or -E2BIG when the result would not fit.
 */
int sev_base64_decode(const char *text, size_t len, uint8_t *out,
		      size_t outmax, size_t *outlen);

struct sev;

/*
 * Validate (cfg), check the host (KVM backend) and open /dev/sev, or create
 * the simulated firmware (SIM backend).  (cfg)'s blobs are copied.  On
 * failure (*out) is NULL and (err) holds one line of why.
 */
int sev_open(const struct sev_config *cfg, int kvm_fd, struct sev **out,
	     char *err, size_t errlen);

/* The type argument for KVM_CREATE_VM. */
int sev_vm_type(const struct sev *sev);

/*
 * Whether this launch's VM type accepts KVM_MEM_READONLY (false for the
 * SEV-ES VM type of INIT2).  Confirm with KVM_CHECK_EXTENSION(
 * KVM_CAP_READONLY_MEM) on the VM fd; if refused, map CODE writable and let
 * the pflash trap reads.
 */
bool sev_readonly_slots_allowed(const struct sev *sev);

/*
 * Whether guest RAM and CODE must be guest_memfd memory, private from the
 * start (SEV-SNP on the KVM backend).  The SIM backend's SNP runs over
 * ordinary memslots.
 */
bool sev_private_memory(const struct sev *sev);

/* KVM_SEV_INIT / ES_INIT / INIT2 on (vm_fd).  Before any KVM_CREATE_VCPU. */
int sev_init(struct sev *sev, int vm_fd);

/* KVM_MEMORY_ENCRYPT_REG_REGION: pin guest RAM (and the CODE copy). */
int sev_register_region(struct sev *sev, void *hva, uint64_t size);

/* LAUNCH_START with the policy and the optional DH cert / session. */
int sev_launch_start(struct sev *sev);

/*
 * LAUNCH_UPDATE_DATA over [hva, hva+len): encrypted in place and added to
 * the launch digest.  (hva) and (len) must be 16-byte aligned and inside a
 * registered region; pass the private, writable copy of CODE, never VARS.
 */
int sev_launch_update_data(struct sev *sev, void *hva, uint64_t len);

/*
 * SEV-ES: LAUNCH_UPDATE_VMSA, once every vCPU's registers are final.  KVM
 * reads the state from its vCPUs (all of them, in one call); the SIM
 * backend builds the VMSAs from (vcpus)[0..nr) with sev_vmsa_build().
 * Pass exactly the state that was loaded into the vCPUs.
 */
int sev_launch_update_vmsas(struct sev *sev,
			    const struct sev_vcpu_state *vcpus, unsigned nr);
/* The one-vCPU form of sev_launch_update_vmsas(). */
int sev_launch_update_vmsa(struct sev *sev, const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs,
			   const struct kvm_fpu *fpu, uint64_t xcr0);

/* LAUNCH_MEASURE (length query, then the 48-byte blob). */
int sev_launch_measure(struct sev *sev, struct sev_measurement *out);

/*
 * LAUNCH_SECRET: (hdr) is the 52-byte packet header, (trans) the encrypted
 * payload, written decrypted to [guest_hva, guest_hva+guest_len).  Only
 * between LAUNCH_MEASURE and LAUNCH_FINISH; may be repeated.
 */
int sev_launch_secret(struct sev *sev, const void *hdr, size_t hdr_len,
		      void *guest_hva, size_t guest_len, const void *trans,
		      size_t trans_len);

/* LAUNCH_FINISH: the guest may run after this. */
int sev_launch_finish(struct sev *sev);

/*
 * SEV-SNP (sev_snp.c), in QEMU's order: SNP_LAUNCH_START with the policy;
 * SNP_LAUNCH_UPDATE of every page range, CODE first, then the metadata
 * sections (KVM_SEV_SNP_PAGE_TYPE_*; (hva) is where the range is in host
 * memory: the firmware writes ZERO, SECRETS and CPUID pages there; a
 * rejected CPUID page comes back corrected and is submitted once more);
 * SNP_LAUNCH_FINISH with the ID block, after which KVM (or the model) has
 * measured the vCPUs' VMSAs (built for the model from (vcpus), with
 * SEV_FEATURES = SNP_ACTIVE | vmsa_features).
 */
int sev_snp_launch_start(struct sev *sev);
int sev_snp_launch_update(struct sev *sev, uint64_t gpa, void *hva,
			  uint64_t len, uint8_t type);
int sev_snp_launch_finish(struct sev *sev, const struct sev_vcpu_state *vcpus,
			  unsigned nr);
/* Fill (page) with the SNP CPUID table of (c) (at most 64 entries, the
 * rest dropped); returns the entry count. */
unsigned sev_snp_cpuid_page(const struct kvm_cpuid2 *c, uint8_t page[4096]);
/* SIM backend: the MEASUREMENT an attestation report would carry. */
int sev_snp_measurement(const struct sev *sev, struct sev_measurement *out);

/*
 * Fill (entry) with CPUID 0x8000001F as the guest must see it (SEV/SEV-ES
 * bits, host C-bit position and reduced physical bits; QEMU's layout).
 * Returns 0, or -ENODATA when the leaf must not be advertised (the SIM
 * backend, whose guest is not encrypted).
 */
int sev_guest_cpuid(const struct sev *sev, struct kvm_cpuid_entry2 *entry);

/* SIM backend: the finalised launch digest (-EOPNOTSUPP on KVM, -EAGAIN
 * before LAUNCH_MEASURE). */
int sev_sim_launch_digest(const struct sev *sev, uint8_t ld[SEV_DIGEST_SIZE]);

/* One line describing the last failure ("" if none). */
const char *sev_last_error(const struct sev *sev);

/* Close /dev/sev (or free the simulation) and the handle.  NULL is fine. */
void sev_close(struct sev *sev);

/* Names for messages: firmware status codes and KVM sub-command ids. */
const char *sev_status_name(uint32_t status);
const char *sev_cmd_name(uint32_t id);

#endif
