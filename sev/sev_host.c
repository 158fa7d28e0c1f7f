// SPDX-License-Identifier: Apache-2.0
/*
 * What the host can do for SEV: KVM's VM types, CPUID 0x8000001F and the
 * PSP behind /dev/sev.  Only reports; never fails hard.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sev/sev_host.h"
#include "sev/sev_uapi_compat.h"

#define CPUID_VENDOR		0x00000000u
#define CPUID_MAX_EXT		0x80000000u
#define CPUID_MEM_ENCRYPT	0x8000001fu
/* CPUID 0x8000001F EAX (AMD APM vol. 3, E.4.17). */
#define MEM_ENCRYPT_SEV		(1u << 1)
#define MEM_ENCRYPT_SEV_ES	(1u << 3)
#define MEM_ENCRYPT_SEV_SNP	(1u << 4)

static void probe_kvm(int kvm_fd, struct sev_host_caps *caps)
{
	int r;

	/* Without the capability only the default type exists. */
	caps->vm_types = 1u << KVM_X86_DEFAULT_VM;
	if (kvm_fd < 0)
		return;
	caps->kvm_checked = true;
	r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	if (r > 0) {
		caps->vm_types_reported = true;
		caps->vm_types = (uint32_t)r;
	}
}

static bool vendor_has_sev_leaf(const char *vendor)
{
	return strcmp(vendor, "AuthenticAMD") == 0 ||
	       strcmp(vendor, "HygonGenuine") == 0;
}

static void probe_cpu(struct sev_host_caps *caps)
{
	uint32_t r[4];

	sev_host_cpuid(CPUID_VENDOR, 0, r);
	memcpy(caps->cpu_vendor, &r[1], 4);
	memcpy(caps->cpu_vendor + 4, &r[3], 4);
	memcpy(caps->cpu_vendor + 8, &r[2], 4);
	caps->cpu_vendor[12] = '\0';
	sev_host_cpuid(CPUID_MAX_EXT, 0, r);
	caps->max_ext_leaf = r[0];
	/* Intel answers out-of-range leaves with other data: check first. */
	if (!vendor_has_sev_leaf(caps->cpu_vendor) ||
	    caps->max_ext_leaf < CPUID_MEM_ENCRYPT)
		return;

	sev_host_cpuid(CPUID_MEM_ENCRYPT, 0, caps->leaf);
	caps->has_leaf = true;
	caps->cpu_sev = caps->leaf[0] & MEM_ENCRYPT_SEV;
	caps->cpu_sev_es = caps->leaf[0] & MEM_ENCRYPT_SEV_ES;
	caps->cpu_sev_snp = caps->leaf[0] & MEM_ENCRYPT_SEV_SNP;
	caps->cbit_pos = caps->leaf[1] & 0x3f;
	caps->reduced_phys_bits = (caps->leaf[1] >> 6) & 0x3f;
	caps->nr_encrypted_guests = caps->leaf[2];
	caps->min_sev_asid = caps->leaf[3];
}

/* SEV_PLATFORM_STATUS: API version and build are LAUNCH_MEASURE inputs. */
static void probe_platform_status(int fd, struct sev_host_caps *caps)
{
	struct sev_user_data_status st;
	struct sev_issue_cmd cmd;

	memset(&st, 0, sizeof(st));
	memset(&cmd, 0, sizeof(cmd));
	cmd.cmd = SEV_PLATFORM_STATUS;
	cmd.data = (uintptr_t)&st;
	if (ioctl(fd, SEV_ISSUE_CMD, &cmd) < 0) {
		caps->platform_status_errno = errno;
		caps->platform_status_fw_error = cmd.error;
		return;
	}
	caps->platform_status = true;
	caps->api_major = st.api_major;
	caps->api_minor = st.api_minor;
	caps->build = st.build;
	caps->platform_state = st.state;
	caps->platform_flags = st.flags;
	caps->guest_count = st.guest_count;
}

static void probe_psp(struct sev_host_caps *caps, int *keep_fd)
{
	int fd = open("/dev/sev", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		caps->dev_sev_errno = errno;
		return;
	}
	caps->dev_sev = true;
	probe_platform_status(fd, caps);
	if (keep_fd)
		*keep_fd = fd;
	else
		close(fd);
}

void sev_probe_keep_fd(int kvm_fd, struct sev_host_caps *caps, int *sev_fd)
{
	memset(caps, 0, sizeof(*caps));
	if (sev_fd)
		*sev_fd = -1;
	probe_kvm(kvm_fd, caps);
	probe_cpu(caps);
	probe_psp(caps, sev_fd);
}

int sev_probe(int kvm_fd, struct sev_host_caps *caps)
{
	sev_probe_keep_fd(kvm_fd, caps, NULL);
	return 0;
}

/* Append "; reason" to (why) and remember the first error code. */
static void add_reason(char *why, size_t whylen, int *rc, int err,
		       const char *reason)
{
	size_t used = strlen(why);

	if (!*rc)
		*rc = err;
	if (used < whylen)
		snprintf(why + used, whylen - used, "%s%s", used ? "; " : "",
			 reason);
}

static void check_cpu(const struct sev_host_caps *caps, enum sev_mode mode,
		      char *why, size_t whylen, int *rc)
{
	char line[96];

	if (!caps->has_leaf) {
		snprintf(line, sizeof(line),
			 "CPU '%s' has no CPUID leaf 0x8000001f",
			 caps->cpu_vendor);
		add_reason(why, whylen, rc, -ENODEV, line);
	} else if (!caps->cpu_sev) {
		add_reason(why, whylen, rc, -ENODEV,
			   "CPUID 0x8000001f does not report SEV");
	} else if (mode != SEV_MODE_SEV && !caps->cpu_sev_es) {
		add_reason(why, whylen, rc, -ENODEV,
			   "CPUID 0x8000001f does not report SEV-ES");
	} else if (mode == SEV_MODE_SNP && !caps->cpu_sev_snp) {
		add_reason(why, whylen, rc, -ENODEV,
			   "CPUID 0x8000001f does not report SEV-SNP");
	}
}

static void check_psp(const struct sev_host_caps *caps, enum sev_mode mode,
		      char *why, size_t whylen, int *rc)
{
	char line[96];

	if (!caps->dev_sev) {
		snprintf(line, sizeof(line), "/dev/sev: %s",
			 strerror(caps->dev_sev_errno));
		add_reason(why, whylen, rc, -ENODEV, line);
	} else if (!caps->platform_status) {
		snprintf(line, sizeof(line),
			 "SEV_PLATFORM_STATUS failed: %s (firmware %s)",
			 strerror(caps->platform_status_errno),
			 sev_status_name(caps->platform_status_fw_error));
		add_reason(why, whylen, rc, -EIO, line);
	} else if (mode == SEV_MODE_SEV_ES &&
		   !(caps->platform_flags & SEV_STATUS_FLAGS_CONFIG_ES)) {
		add_reason(why, whylen, rc, -EOPNOTSUPP,
			   "SEV firmware is not configured for SEV-ES");
	}
}

static void check_vm_type(const struct sev_host_caps *caps,
			  enum sev_mode mode, bool use_init2, char *why,
			  size_t whylen, int *rc)
{
	unsigned type = mode == SEV_MODE_SNP ? KVM_X86_SNP_VM :
			mode == SEV_MODE_SEV_ES ? KVM_X86_SEV_ES_VM :
						  KVM_X86_SEV_VM;
	char line[96];

	/* SNP exists only as a VM type of its own (KVM enables it with the
	 * kvm_amd sev_snp parameter, SNP firmware and an RMP). */
	if ((!use_init2 && mode != SEV_MODE_SNP) ||
	    (caps->vm_types & (1u << type)))
		return;
	snprintf(line, sizeof(line),
		 "KVM cannot create VM type %u for KVM_SEV_INIT2 "
		 "(KVM_CAP_VM_TYPES 0x%x)", type, caps->vm_types);
	add_reason(why, whylen, rc, -EOPNOTSUPP, line);
}

int sev_host_check(const struct sev_host_caps *caps, enum sev_mode mode,
		   bool use_init2, char *why, size_t whylen)
{
	int rc = 0;

	if (whylen)
		why[0] = '\0';
	if (mode == SEV_MODE_NONE)
		return 0;
	check_cpu(caps, mode, why, whylen, &rc);
	check_psp(caps, mode, why, whylen, &rc);
	check_vm_type(caps, mode, use_init2, why, whylen, &rc);
	return rc;
}
