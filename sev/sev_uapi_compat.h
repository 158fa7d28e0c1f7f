/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KVM / PSP UAPI the Linux 6.1 headers (Debian 12 linux-libc-dev) lack,
 * each definition guarded so newer headers win, and every struct pinned by
 * _Static_assert to the layout of the upstream UAPI
 * (include/uapi/linux/kvm.h, arch/x86/include/uapi/asm/kvm.h,
 * include/uapi/linux/psp-sev.h as of Linux 6.11+).
 *
 * The structs that *are* in 6.1 (kvm_sev_cmd, kvm_sev_launch_*, ...) are
 * asserted too, so a header change that moved a field would fail to build
 * rather than send the PSP a wrong buffer.
 */
#ifndef SEV_SEV_UAPI_COMPAT_H
#define SEV_SEV_UAPI_COMPAT_H

#include <stddef.h>
#include <linux/kvm.h>
#include <linux/psp-sev.h>

/* KVM_CREATE_VM types on x86 (Linux 6.10+; 6.11 added SNP). */
#ifndef KVM_X86_DEFAULT_VM
#define KVM_X86_DEFAULT_VM	0
#define KVM_X86_SW_PROTECTED_VM	1
#define KVM_X86_SEV_VM		2
#define KVM_X86_SEV_ES_VM	3
#define KVM_X86_SNP_VM		4
#endif

/* KVM_CHECK_EXTENSION on /dev/kvm: bitmask of creatable VM types. */
#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES	235
#endif

/* Device attribute group / attr for the supported VMSA features. */
#ifndef KVM_X86_GRP_SEV
#define KVM_X86_GRP_SYSTEM		0
#define KVM_X86_GRP_SEV			1
#define KVM_X86_SEV_VMSA_FEATURES	0
#endif

/*
 * KVM_SEV_INIT2 (Linux 6.10): appended to enum sev_cmd_id right after
 * KVM_SEV_SEND_CANCEL, which is where 6.1's KVM_SEV_NR_MAX (22) sits.
 */
#define SEV_COMPAT_KVM_SEV_INIT2	22
_Static_assert(KVM_SEV_SEND_CANCEL + 1 == SEV_COMPAT_KVM_SEV_INIT2,
	       "KVM_SEV_INIT2 follows KVM_SEV_SEND_CANCEL");

/* struct kvm_sev_init: the KVM_SEV_INIT2 payload (48 bytes). */
struct sev_compat_kvm_sev_init {
	__u64 vmsa_features;
	__u32 flags;
	__u16 ghcb_version;
	__u16 pad1;
	__u32 pad2[8];
};
_Static_assert(sizeof(struct sev_compat_kvm_sev_init) == 48, "kvm_sev_init");
_Static_assert(offsetof(struct sev_compat_kvm_sev_init, flags) == 8, "flags");
_Static_assert(offsetof(struct sev_compat_kvm_sev_init, ghcb_version) == 12,
	       "ghcb_version");
_Static_assert(offsetof(struct sev_compat_kvm_sev_init, pad2) == 16, "pad2");

_Static_assert(offsetof(struct sev_compat_kvm_sev_init, vmsa_features) == 0,
	       "vmsa_features");

/*
 * SEV-SNP and guest_memfd (Linux 6.8-6.11).  Not used by this VMM's launch
 * (SNP needs guest_memfd-backed firmware, no pflash ROM), defined so the
 * probe and a later SNP launch share one checked copy.  Each group is
 * guarded by a macro that arrived in the same header release as its
 * structs; enum constants get SEV_COMPAT_ names so they never collide.
 */
#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2		231
#endif
#ifndef KVM_CAP_MEMORY_FAULT_INFO
#define KVM_CAP_MEMORY_FAULT_INFO	232
#endif
#ifndef KVM_CAP_MEMORY_ATTRIBUTES
#define KVM_CAP_MEMORY_ATTRIBUTES	233
#endif
#ifndef KVM_CAP_GUEST_MEMFD
#define KVM_CAP_GUEST_MEMFD		234
#endif
#ifndef KVM_CAP_PRE_FAULT_MEMORY
#define KVM_CAP_PRE_FAULT_MEMORY	236
#endif

#ifndef KVM_SET_USER_MEMORY_REGION2
#define KVM_MEM_GUEST_MEMFD		(1u << 2)
struct kvm_userspace_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};
#define KVM_SET_USER_MEMORY_REGION2 \
	_IOW(KVMIO, 0x49, struct kvm_userspace_memory_region2)
#endif
_Static_assert(sizeof(struct kvm_userspace_memory_region2) == 160, "region2");
_Static_assert(offsetof(struct kvm_userspace_memory_region2,
			guest_memfd_offset) == 32, "guest_memfd_offset");
_Static_assert(offsetof(struct kvm_userspace_memory_region2, guest_memfd) == 40,
	       "guest_memfd");
_Static_assert(offsetof(struct kvm_userspace_memory_region2, pad2) == 48,
	       "pad2");
_Static_assert(KVM_SET_USER_MEMORY_REGION2 == 0x40A0AE49UL, "REGION2");

#ifndef KVM_SET_MEMORY_ATTRIBUTES
#define KVM_MEMORY_ATTRIBUTE_PRIVATE	(1ull << 3)
struct kvm_memory_attributes {
	__u64 address;
	__u64 size;
	__u64 attributes;
	__u64 flags;
};
#define KVM_SET_MEMORY_ATTRIBUTES \
	_IOW(KVMIO, 0xd2, struct kvm_memory_attributes)
#endif
_Static_assert(sizeof(struct kvm_memory_attributes) == 32, "attributes");
_Static_assert(offsetof(struct kvm_memory_attributes, attributes) == 16,
	       "attributes.attributes");
_Static_assert(KVM_SET_MEMORY_ATTRIBUTES == 0x4020AED2UL, "ATTRIBUTES");

#ifndef KVM_CREATE_GUEST_MEMFD
struct kvm_create_guest_memfd {
	__u64 size;
	__u64 flags;
	__u64 reserved[6];
};
#define KVM_CREATE_GUEST_MEMFD \
	_IOWR(KVMIO, 0xd4, struct kvm_create_guest_memfd)
#endif
_Static_assert(sizeof(struct kvm_create_guest_memfd) == 64, "guest_memfd");
_Static_assert(offsetof(struct kvm_create_guest_memfd, reserved) == 16,
	       "reserved");
_Static_assert(KVM_CREATE_GUEST_MEMFD == 0xC040AED4UL, "GUEST_MEMFD");

/* KVM_EXIT_MEMORY_FAULT: run->memory_fault sits at the exit union (+32). */
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT		39
#define KVM_MEMORY_EXIT_FLAG_PRIVATE	(1ull << 3)
#endif
#ifndef KVM_EXIT_HYPERCALL_LONG_MODE
#define KVM_EXIT_HYPERCALL_LONG_MODE	(1ull << 0)
#endif
struct sev_compat_kvm_memory_fault {
	__u64 flags;
	__u64 gpa;
	__u64 size;
};
_Static_assert(offsetof(struct kvm_run, mmio) == 32, "kvm_run exit union");

/* SNP launch commands (enum sev_cmd_id, Linux 6.11) and their payloads. */
#define SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START	100
#define SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE	101
#define SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH	102
#ifndef KVM_SEV_SNP_PAGE_TYPE_NORMAL
#define KVM_SEV_SNP_PAGE_TYPE_NORMAL		0x1
#define KVM_SEV_SNP_PAGE_TYPE_ZERO		0x3
#define KVM_SEV_SNP_PAGE_TYPE_UNMEASURED	0x4
#define KVM_SEV_SNP_PAGE_TYPE_SECRETS		0x5
#define KVM_SEV_SNP_PAGE_TYPE_CPUID		0x6
#define KVM_SEV_SNP_ID_BLOCK_SIZE		96
#define KVM_SEV_SNP_ID_AUTH_SIZE		4096
#define KVM_SEV_SNP_FINISH_DATA_SIZE		32
struct kvm_sev_snp_launch_start {
	__u64 policy;
	__u8 gosvw[16];
	__u16 flags;
	__u8 pad0[6];
	__u64 pad1[4];
};
struct kvm_sev_snp_launch_update {
	__u64 gfn_start;
	__u64 uaddr;
	__u64 len;
	__u8 type;
	__u8 pad0;
	__u16 flags;
	__u32 pad1;
	__u64 pad2[4];
};
struct kvm_sev_snp_launch_finish {
	__u64 id_block_uaddr;
	__u64 id_auth_uaddr;
	__u8 id_block_en;
	__u8 auth_key_en;
	__u8 vcek_disabled;
	__u8 host_data[KVM_SEV_SNP_FINISH_DATA_SIZE];
	__u8 pad0[3];
	__u16 flags;
	__u64 pad1[4];
};
#endif
_Static_assert(sizeof(struct kvm_sev_snp_launch_start) == 64, "snp start");
_Static_assert(offsetof(struct kvm_sev_snp_launch_start, flags) == 24, "flags");
_Static_assert(sizeof(struct kvm_sev_snp_launch_update) == 64, "snp update");
_Static_assert(offsetof(struct kvm_sev_snp_launch_update, type) == 24, "type");
_Static_assert(offsetof(struct kvm_sev_snp_launch_update, flags) == 26,
	       "update.flags");
_Static_assert(sizeof(struct kvm_sev_snp_launch_finish) == 88, "snp finish");
_Static_assert(offsetof(struct kvm_sev_snp_launch_finish, host_data) == 19,
	       "host_data");
_Static_assert(offsetof(struct kvm_sev_snp_launch_finish, flags) == 54,
	       "finish.flags");

/* PSP SNP platform commands on /dev/sev (psp-sev.h enum, Linux 6.11+). */
#define SEV_COMPAT_SNP_PLATFORM_STATUS	9
#define SEV_COMPAT_SNP_COMMIT		10
#define SEV_COMPAT_SNP_SET_CONFIG	11
#define SEV_COMPAT_SNP_VLEK_LOAD	12

/* Firmware status codes the 6.1 psp-sev.h does not name (SNP era). */
#define SEV_COMPAT_RET_INVALID_PAGE_SIZE	0x19
#define SEV_COMPAT_RET_INVALID_PAGE_STATE	0x1a
#define SEV_COMPAT_RET_INVALID_MDATA_ENTRY	0x1b
#define SEV_COMPAT_RET_INVALID_PAGE_OWNER	0x1c
#define SEV_COMPAT_RET_AEAD_OFLOW		0x1d
#define SEV_COMPAT_RET_EXIT_RING_BUFFER		0x1f
#define SEV_COMPAT_RET_RMP_INIT_REQUIRED	0x20
#define SEV_COMPAT_RET_BAD_SVN			0x21
#define SEV_COMPAT_RET_BAD_VERSION		0x22
#define SEV_COMPAT_RET_SHUTDOWN_REQUIRED	0x23
#define SEV_COMPAT_RET_UPDATE_FAILED		0x24
#define SEV_COMPAT_RET_RESTORE_REQUIRED		0x25
#define SEV_COMPAT_RET_RMP_INITIALIZATION_FAILED 0x26
#define SEV_COMPAT_RET_INVALID_KEY		0x27

/* Layouts present in 6.1: pinned here so a drift is a build error. */
_Static_assert(sizeof(struct kvm_sev_cmd) == 24, "kvm_sev_cmd");
_Static_assert(offsetof(struct kvm_sev_cmd, data) == 8, "kvm_sev_cmd.data");
_Static_assert(offsetof(struct kvm_sev_cmd, error) == 16, "kvm_sev_cmd.error");
_Static_assert(offsetof(struct kvm_sev_cmd, sev_fd) == 20, "kvm_sev_cmd.fd");

_Static_assert(sizeof(struct kvm_sev_launch_start) == 40, "launch_start");
_Static_assert(offsetof(struct kvm_sev_launch_start, policy) == 4, "policy");
_Static_assert(offsetof(struct kvm_sev_launch_start, dh_uaddr) == 8, "dh");
_Static_assert(offsetof(struct kvm_sev_launch_start, dh_len) == 16, "dh_len");
_Static_assert(offsetof(struct kvm_sev_launch_start, session_uaddr) == 24,
	       "session_uaddr");
_Static_assert(offsetof(struct kvm_sev_launch_start, session_len) == 32,
	       "session_len");

_Static_assert(sizeof(struct kvm_sev_launch_update_data) == 16, "update_data");
_Static_assert(offsetof(struct kvm_sev_launch_update_data, len) == 8, "len");
_Static_assert(sizeof(struct kvm_sev_launch_measure) == 16, "measure");
_Static_assert(offsetof(struct kvm_sev_launch_measure, len) == 8, "len");

_Static_assert(sizeof(struct kvm_sev_launch_secret) == 48, "launch_secret");
_Static_assert(offsetof(struct kvm_sev_launch_secret, hdr_len) == 8, "hdr_len");
_Static_assert(offsetof(struct kvm_sev_launch_secret, guest_uaddr) == 16,
	       "guest_uaddr");
_Static_assert(offsetof(struct kvm_sev_launch_secret, guest_len) == 24,
	       "guest_len");
_Static_assert(offsetof(struct kvm_sev_launch_secret, trans_uaddr) == 32,
	       "trans_uaddr");
_Static_assert(offsetof(struct kvm_sev_launch_secret, trans_len) == 40,
	       "trans_len");

_Static_assert(sizeof(struct kvm_sev_guest_status) == 12, "guest_status");
_Static_assert(sizeof(struct kvm_enc_region) == 16, "kvm_enc_region");
_Static_assert(offsetof(struct kvm_enc_region, size) == 8, "region.size");

_Static_assert(sizeof(struct sev_issue_cmd) == 16, "sev_issue_cmd");
_Static_assert(offsetof(struct sev_issue_cmd, data) == 4, "issue.data");
_Static_assert(offsetof(struct sev_issue_cmd, error) == 12, "issue.error");
_Static_assert(sizeof(struct sev_user_data_status) == 12, "platform status");
_Static_assert(offsetof(struct sev_user_data_status, flags) == 3, "flags");
_Static_assert(offsetof(struct sev_user_data_status, build) == 7, "build");
_Static_assert(offsetof(struct sev_user_data_status, guest_count) == 8,
	       "guest_count");

/* The ioctl numbers the brief quotes (sev.md 1.2), checked at build time. */
_Static_assert(KVM_MEMORY_ENCRYPT_OP == 0xC008AEBAUL, "MEMORY_ENCRYPT_OP");
_Static_assert(KVM_MEMORY_ENCRYPT_REG_REGION == 0x8010AEBBUL, "REG_REGION");
_Static_assert(SEV_ISSUE_CMD == 0xC0105300UL, "SEV_ISSUE_CMD");

#endif
