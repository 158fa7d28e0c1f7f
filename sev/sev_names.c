// SPDX-License-Identifier: Apache-2.0
/*
 * Names for messages.  Status codes: SEV API 0.24 section 4.4 table 27
 * (0x00-0x18) and the SEV-SNP firmware ABI (0x19-0x27), as listed in
 * Linux include/uapi/linux/psp-sev.h; the names are the spec's, not the
 * header's typos.
 */
#include "sev/sev.h"
#include "sev/sev_uapi_compat.h"

static const char *const status_names[] = {
	[0x00] = "SUCCESS",
	[0x01] = "INVALID_PLATFORM_STATE",
	[0x02] = "INVALID_GUEST_STATE",
	[0x03] = "INVALID_CONFIG",
	[0x04] = "INVALID_LENGTH",
	[0x05] = "ALREADY_OWNED",
	[0x06] = "INVALID_CERTIFICATE",
	[0x07] = "POLICY_FAILURE",
	[0x08] = "INACTIVE",
	[0x09] = "INVALID_ADDRESS",
	[0x0a] = "BAD_SIGNATURE",
	[0x0b] = "BAD_MEASUREMENT",
	[0x0c] = "ASID_OWNED",
	[0x0d] = "INVALID_ASID",
	[0x0e] = "WBINVD_REQUIRED",
	[0x0f] = "DFFLUSH_REQUIRED",
	[0x10] = "INVALID_GUEST",
	[0x11] = "INVALID_COMMAND",
	[0x12] = "ACTIVE",
	[0x13] = "HWERROR_PLATFORM",
	[0x14] = "HWERROR_UNSAFE",
	[0x15] = "UNSUPPORTED",
	[0x16] = "INVALID_PARAM",
	[0x17] = "RESOURCE_LIMIT",
	[0x18] = "SECURE_DATA_INVALID",
	[SEV_COMPAT_RET_INVALID_PAGE_SIZE] = "INVALID_PAGE_SIZE",
	[SEV_COMPAT_RET_INVALID_PAGE_STATE] = "INVALID_PAGE_STATE",
	[SEV_COMPAT_RET_INVALID_MDATA_ENTRY] = "INVALID_MDATA_ENTRY",
	[SEV_COMPAT_RET_INVALID_PAGE_OWNER] = "INVALID_PAGE_OWNER",
	[SEV_COMPAT_RET_AEAD_OFLOW] = "AEAD_OFLOW",
	[SEV_COMPAT_RET_EXIT_RING_BUFFER] = "EXIT_RING_BUFFER",
	[SEV_COMPAT_RET_RMP_INIT_REQUIRED] = "RMP_INIT_REQUIRED",
	[SEV_COMPAT_RET_BAD_SVN] = "BAD_SVN",
	[SEV_COMPAT_RET_BAD_VERSION] = "BAD_VERSION",
	[SEV_COMPAT_RET_SHUTDOWN_REQUIRED] = "SHUTDOWN_REQUIRED",
	[SEV_COMPAT_RET_UPDATE_FAILED] = "UPDATE_FAILED",
	[SEV_COMPAT_RET_RESTORE_REQUIRED] = "RESTORE_REQUIRED",
	[SEV_COMPAT_RET_RMP_INITIALIZATION_FAILED] = "RMP_INITIALIZATION_FAILED",
	[SEV_COMPAT_RET_INVALID_KEY] = "INVALID_KEY",
};

const char *sev_status_name(uint32_t status)
{
	if (status < sizeof(status_names) / sizeof(status_names[0]) &&
	    status_names[status])
		return status_names[status];
	return "UNKNOWN_STATUS";
}

static const char *const cmd_names[] = {
	[KVM_SEV_INIT] = "SEV_INIT",
	[KVM_SEV_ES_INIT] = "SEV_ES_INIT",
	[KVM_SEV_LAUNCH_START] = "LAUNCH_START",
	[KVM_SEV_LAUNCH_UPDATE_DATA] = "LAUNCH_UPDATE_DATA",
	[KVM_SEV_LAUNCH_UPDATE_VMSA] = "LAUNCH_UPDATE_VMSA",
	[KVM_SEV_LAUNCH_SECRET] = "LAUNCH_SECRET",
	[KVM_SEV_LAUNCH_MEASURE] = "LAUNCH_MEASURE",
	[KVM_SEV_LAUNCH_FINISH] = "LAUNCH_FINISH",
	[KVM_SEV_GUEST_STATUS] = "GUEST_STATUS",
	[SEV_COMPAT_KVM_SEV_INIT2] = "SEV_INIT2",
};

const char *sev_cmd_name(uint32_t id)
{
	if (id < sizeof(cmd_names) / sizeof(cmd_names[0]) && cmd_names[id])
		return cmd_names[id];
	if (id == SEV_COMPAT_KVM_SEV_SNP_LAUNCH_START)
		return "SNP_LAUNCH_START";
	if (id == SEV_COMPAT_KVM_SEV_SNP_LAUNCH_UPDATE)
		return "SNP_LAUNCH_UPDATE";
	if (id == SEV_COMPAT_KVM_SEV_SNP_LAUNCH_FINISH)
		return "SNP_LAUNCH_FINISH";
	return "SEV_COMMAND";
}
