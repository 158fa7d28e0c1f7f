// SPDX-License-Identifier: Apache-2.0
/*
 * "vmm measure", "vmm describe" and "vmm probe": argv handling and
 * printing around sev/measure.h, firmware/ovmf_table.h and sev/sev.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/sev.h"
#include "vmm.h"
#include "vmm/cli_sev.h"
#include "vmm/cli_util.h"
#include "vmm/layout.h"
#include "sev/crypto_dl.h"

enum { EXIT_OK = 0, EXIT_HOST = 1, EXIT_USAGE = 2 };

/* getopt keeps global state; main() may have used it already. */
static void getopt_reset(void)
{
	optind = 0;
	opterr = 0;
}

/* Read a whole file of at most (max) bytes.  -errno, or -EFBIG. */
static int read_file(const char *path, size_t max, uint8_t **buf,
		     size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	*buf = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max)
		rc = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
	else if (!(*buf = malloc(st.st_size ? (size_t)st.st_size : 1)))
		rc = -ENOMEM;
	else if ((n = read(fd, *buf, (size_t)st.st_size)) != st.st_size)
		rc = n < 0 ? -errno : -EIO;
	close(fd);
	*len = rc ? 0 : (size_t)st.st_size;
	if (rc) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

static int read_firmware(const char *cmd, const char *path, uint8_t **buf,
			 size_t *len)
{
	int rc = read_file(path, LAYOUT_FLASH_MAX, buf, len);

	if (rc == -EFBIG || rc == -EINVAL)
		return cli_fail(EXIT_USAGE, cmd, "%s: not a regular file of at "
			    "most 8 MiB (the flash window)", path);
	if (rc)
		return cli_fail(EXIT_HOST, cmd, "%s: %s", path, strerror(-rc));
	return EXIT_OK;
}

static void print_hex(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	putchar('\n');
}

/* ---- vmm measure ---------------------------------------------------- */

static const char measure_usage[] =
"Usage: vmm measure --firmware FILE --mode sev|sev-es|snp [options]\n"
"\n"
"Prints the SEV launch digest this VMM's launch of FILE produces, as hex.\n"
"With --tik and --nonce, prints the LAUNCH_MEASURE value instead: compare\n"
"it with the first 32 bytes of the measurement the host reports.\n"
"--mode snp prints the SEV-SNP MEASUREMENT of a QEMU-style SNP launch of\n"
"FILE, as --sev-snp launches it.  No SEV hardware is needed.\n"
"\n"
"  --firmware FILE      OVMF_CODE image (LAUNCH_UPDATE_DATA'd whole)\n"
"  --mode sev|sev-es|snp  guest type\n"
"  --vcpus N            vCPUs, one VMSA each (sev-es, snp; default 1)\n"
"  --vcpu-sig HEX       CPUID.1.EAX the VMM puts in RDX (default 800f12,\n"
"                       EPYC-v4)\n"
"  --init2              the VM was created with KVM_SEV_INIT2 (its VMSAs\n"
"                       carry x87/SSE state; legacy ES_INIT's do not)\n"
"  --vmsa-features HEX  KVM_SEV_INIT2 vmsa_features (sev-es, snp; default 0)\n"
"  --policy HEX         guest policy (default 0)\n"
"  --tik FILE           16-byte transport integrity key\n"
"  --nonce HEX          MNONCE from LAUNCH_MEASURE (32 hex digits)\n"
"  --api-major N, --api-minor N, --build N\n"
"                       firmware version from PLATFORM_STATUS (default\n"
"                       1.55 build 25, the simulated firmware's)\n";

struct measure_args {
	const char *firmware;
	const char *tik_path;
	bool have_nonce;
	uint8_t nonce[SEV_MNONCE_SIZE];
	uint32_t policy;
	uint8_t api_major, api_minor, build;
	struct sev_measure_params p;
};

static const struct option measure_opts[] = {
	{ "firmware", required_argument, NULL, 'f' },
	{ "mode", required_argument, NULL, 'm' },
	{ "vcpus", required_argument, NULL, 'c' },
	{ "vcpu-sig", required_argument, NULL, 's' },
	{ "init2", no_argument, NULL, '2' },
	{ "vmsa-features", required_argument, NULL, 'F' },
	{ "policy", required_argument, NULL, 'p' },
	{ "tik", required_argument, NULL, 't' },
	{ "nonce", required_argument, NULL, 'n' },
	{ "api-major", required_argument, NULL, 'A' },
	{ "api-minor", required_argument, NULL, 'a' },
	{ "build", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool parse_mode(const char *s, enum sev_mode *mode)
{
	if (strcmp(s, "sev") == 0)
		*mode = SEV_MODE_SEV;
	else if (strcmp(s, "sev-es") == 0)
		*mode = SEV_MODE_SEV_ES;
	else if (strcmp(s, "snp") == 0)
		*mode = SEV_MODE_SNP;
	else
		return false;
	return true;
}

static bool parse_byte(const char *s, uint8_t *out)
{
	uint64_t v;

	if (!cli_parse_u64(s, 0, 0xff, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

/* One option into (a); false if its value is malformed. */
static bool measure_option(int c, const char *arg, struct measure_args *a)
{
	uint64_t v;

	switch (c) {
	case 'f': a->firmware = arg; return true;
	case 'm': return parse_mode(arg, &a->p.mode);
	case 'c':
		if (!cli_parse_u64(arg, 10, SEV_MEASURE_MAX_VCPUS, &v) || !v)
			return false;
		a->p.nr_vcpus = (unsigned)v;
		return true;
	case 's':
		if (!cli_parse_hex(arg, UINT32_MAX, &v))
			return false;
		a->p.vcpu_sig = (uint32_t)v;
		return true;
	case '2': a->p.init2 = true; return true;
	case 'F': return cli_parse_hex(arg, UINT64_MAX, &a->p.vmsa_features);
	case 'p':
		if (!cli_parse_hex(arg, UINT32_MAX, &v))
			return false;
		a->policy = (uint32_t)v;
		return true;
	case 't': a->tik_path = arg; return true;
	case 'n':
		a->have_nonce = true;
		return cli_parse_hex_bytes(arg, a->nonce, sizeof(a->nonce));
	case 'A': return parse_byte(arg, &a->api_major);
	case 'a': return parse_byte(arg, &a->api_minor);
	case 'b': return parse_byte(arg, &a->build);
	default: return false;
	}
}

/* Returns -1 to go on, or the exit status. */
static int measure_parse(int argc, char **argv, struct measure_args *a)
{
	int c, idx = 0;

	memset(a, 0, sizeof(*a));
	sev_measure_params_init(&a->p, SEV_MODE_NONE);
	a->api_major = SEV_SIM_DEFAULT_API_MAJOR;
	a->api_minor = SEV_SIM_DEFAULT_API_MINOR;
	a->build = SEV_SIM_DEFAULT_BUILD;
	getopt_reset();
	while ((c = getopt_long(argc, argv, "", measure_opts, &idx)) != -1) {
		if (c == 'h') {
			fputs(measure_usage, stdout);
			return EXIT_OK;
		}
		if (c == '?' || c == ':')
			return cli_fail(EXIT_USAGE, "measure", "bad option '%s' "
				    "(try --help)", argv[optind - 1]);
		if (!measure_option(c, optarg, a))
			return cli_fail(EXIT_USAGE, "measure", "bad value '%s' for "
				    "--%s", optarg, measure_opts[idx].name);
	}
	if (optind < argc)
		return cli_fail(EXIT_USAGE, "measure", "unexpected argument '%s'",
			    argv[optind]);
	return -1;
}

static int measure_check(const struct measure_args *a)
{
	const struct sev_measure_params *p = &a->p;
	bool es_policy = a->policy & SEV_POLICY_ES;

	if (!a->firmware || p->mode == SEV_MODE_NONE)
		return cli_fail(EXIT_USAGE, "measure", "--firmware and --mode are "
			    "required (try --help)");
	if (p->mode == SEV_MODE_SEV &&
	    (p->nr_vcpus != 1 || p->init2 || p->vmsa_features))
		return cli_fail(EXIT_USAGE, "measure", "--vcpus, --init2 and "
			    "--vmsa-features are for --mode sev-es");
	if (p->mode == SEV_MODE_SNP && a->tik_path)
		return cli_fail(EXIT_USAGE, "measure", "SEV-SNP has no "
				"LAUNCH_MEASURE: compare the digest with the "
				"attestation report's MEASUREMENT");
	if (p->vmsa_features && !p->init2 && p->mode != SEV_MODE_SNP)
		return cli_fail(EXIT_USAGE, "measure", "--vmsa-features needs "
			    "--init2 (legacy SEV_ES_INIT has no features)");
	if (!a->tik_path != !a->have_nonce)
		return cli_fail(EXIT_USAGE, "measure", "--tik and --nonce go "
			    "together");
	if (a->tik_path && es_policy != (p->mode == SEV_MODE_SEV_ES))
		return cli_fail(EXIT_USAGE, "measure", "policy 0x%x: bit 2 (ES) "
			    "must be set exactly for --mode sev-es", a->policy);
	return -1;
}

static int measure_error(const struct measure_args *a, int rc)
{
	if (rc == -ENOENT && a->p.mode == SEV_MODE_SNP)
		return cli_fail(EXIT_USAGE, "measure", "%s has no OVMF "
				"footer table, or no SEV-ES reset block for "
				"its APs", a->firmware);
	if (rc == -ENOENT)
		return cli_fail(EXIT_USAGE, "measure", "%s has no SEV-ES reset "
				"block: its APs cannot start", a->firmware);
	if (rc == -EINVAL && a->p.mode == SEV_MODE_SNP)
		return cli_fail(EXIT_USAGE, "measure", "%s: not whole 4 KiB "
				"pages, or malformed SEV metadata", a->firmware);
	if (rc == -EINVAL)
		return cli_fail(EXIT_USAGE, "measure", "%s: size must be a "
				"non-zero multiple of 16 bytes", a->firmware);
	return cli_fail(EXIT_HOST, "measure", "digest: %s", strerror(-rc));
}

/* The digest into (ld): 32 bytes, or 48 for SNP. */
static int measure_digest(const struct measure_args *a, uint8_t ld[48])
{
	uint8_t *image;
	size_t len;
	int rc = read_firmware("measure", a->firmware, &image, &len);

	if (rc)
		return rc;
	if (a->p.mode == SEV_MODE_SNP) {
		rc = sev_measure_snp_digest(image, len, &a->p, ld);
		if (rc == 0)
			cli_note_no_snp_metadata("measure", a->firmware, image, len);
	} else
		rc = sev_measure_digest(image, len, &a->p, ld);
	free(image);
	return rc ? measure_error(a, rc) : EXIT_OK;
}

static int measure_hmac(const struct measure_args *a, const uint8_t ld[32],
			uint8_t out[32])
{
	uint8_t *tik;
	size_t len;
	int rc = read_file(a->tik_path, 64, &tik, &len);

	if (rc)
		return cli_fail(rc == -EFBIG ? EXIT_USAGE : EXIT_HOST, "measure",
			    "%s: %s", a->tik_path, strerror(-rc));
	if (len != SEV_KEY_SIZE) {
		free(tik);
		return cli_fail(EXIT_USAGE, "measure", "%s: a TIK is 16 bytes, "
			    "not %zu", a->tik_path, len);
	}
	rc = sev_measure_launch_measure(tik, a->api_major, a->api_minor,
					a->build, a->policy, ld, a->nonce, out);
	free(tik);
	if (rc)
		return cli_fail(EXIT_HOST, "measure", "HMAC failed");
	return EXIT_OK;
}

int cli_measure_main(int argc, char **argv)
{
	struct measure_args a;
	uint8_t ld[SEV_SNP_DIGEST_SIZE], mac[32];
	int rc = measure_parse(argc, argv, &a);

	if (rc < 0)
		rc = measure_check(&a);
	if (rc >= 0)
		return rc;
	rc = measure_digest(&a, ld);
	if (rc)
		return rc;
	if (!a.tik_path) {
		print_hex(ld, a.p.mode == SEV_MODE_SNP ? SEV_SNP_DIGEST_SIZE :
							 SEV_DIGEST_SIZE);
		return EXIT_OK;
	}
	rc = measure_hmac(&a, ld, mac);
	if (!rc)
		print_hex(mac, sizeof(mac));
	return rc;
}

/* ---- vmm describe --------------------------------------------------- */

static const char describe_usage[] =
"Usage: vmm describe --firmware FILE\n"
"\n"
"Prints what an OVMF_CODE image offers an SEV VMM: its placement below\n"
"4 GiB, its SHA-256 (the plain-SEV launch digest), the GUIDed footer\n"
"table, the SEV-ES AP reset block, the secret and kernel-hashes areas\n"
"and the SEV metadata sections.\n";

static void describe_entries(const struct ovmf_table *t)
{
	char guid[37];

	printf("footer table: offset 0x%zx, length 0x%x, %u entries\n",
	       t->table_offset, t->table_len, t->nr_entries);
	for (unsigned i = 0; i < t->nr_entries; i++) {
		const struct ovmf_table_entry *e = &t->entries[i];
		const char *name = ovmf_guid_name(&e->guid);

		ovmf_guid_format(&e->guid, guid);
		printf("  %s  %-22s %u bytes at 0x%zx\n", guid,
		       name ? name : "(unknown)", e->data_len, e->data_offset);
	}
}

static void describe_area(const char *what, bool present, uint32_t base,
			  uint32_t size)
{
	if (!present)
		printf("%s: absent\n", what);
	else if (!base && !size)
		printf("%s: present but empty (this build reserves none)\n",
		       what);
	else
		printf("%s: 0x%08x, 0x%x bytes\n", what, base, size);
}

static void describe_metadata(const struct ovmf_sev_info *info, size_t size)
{
	if (!info->has_metadata) {
		printf("sev metadata: absent (no SEV-SNP launch possible)\n");
		return;
	}
	printf("sev metadata: \"ASEV\" at file offset 0x%zx, version %u, "
	       "%u sections\n", size - info->metadata_offset,
	       info->metadata_version, info->nr_sections);
	for (unsigned i = 0; i < info->nr_sections; i++)
		printf("  0x%08x +0x%-6x %s\n", info->sections[i].gpa,
		       info->sections[i].size,
		       ovmf_sev_section_name(info->sections[i].type));
}

static void describe_sev(const struct ovmf_sev_info *info, size_t size)
{
	if (info->has_reset_block)
		printf("sev-es reset block: eip 0x%08x (AP CS base 0x%08x, "
		       "IP 0x%04x)\n", info->sev_es_reset_eip,
		       info->sev_es_reset_eip & 0xffff0000u,
		       info->sev_es_reset_eip & 0xffffu);
	else
		printf("sev-es reset block: absent\n");
	describe_area("sev secret area", info->has_secret, info->secret_base,
		      info->secret_size);
	describe_area("sev hashes area", info->has_hashes, info->hashes_base,
		      info->hashes_size);
	describe_metadata(info, size);
	if (info->has_tdx_metadata)
		printf("tdx metadata: 0x%x bytes from the end\n",
		       info->tdx_metadata_offset);
	printf("usable for: sev yes, sev-es %s, sev-snp metadata %s\n",
	       info->has_reset_block ? "yes" : "single vCPU only",
	       info->has_metadata ? "yes" : "no");
}

static void describe_header(const char *path, const uint8_t *image,
			    size_t len)
{
	uint8_t digest[32];
	unsigned dlen = 0;

	printf("firmware: %s\n", path);
	printf("size: %zu bytes (0x%zx)\n", len, len);
	printf("placement: 0x%08" PRIx64 "-0xffffffff (ends at 4 GiB)\n",
	       (uint64_t)(LAYOUT_4GIB - len));
	if (sev_crypto_load() == 0 &&
	    EVP_Digest(image, len, digest, &dlen, EVP_sha256(), NULL)) {
		printf("sha256: ");
		print_hex(digest, dlen);
	}
}

static int describe_image(const char *path, const uint8_t *image, size_t len)
{
	struct ovmf_table table;
	struct ovmf_sev_info info;
	int rc;

	describe_header(path, image, len);
	rc = ovmf_table_parse(image, len, &table);
	if (rc == -ENOENT) {
		printf("footer table: absent (not an OVMF with SEV support)\n");
		return EXIT_OK;
	}
	if (!rc)
		rc = ovmf_sev_info_parse(image, len, &info);
	if (rc)
		return cli_fail(EXIT_USAGE, "describe", "%s: malformed footer "
			    "table or SEV metadata (%s)", path, strerror(-rc));
	describe_entries(&table);
	describe_sev(&info, len);
	return EXIT_OK;
}

int cli_describe_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "firmware", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *firmware = NULL;
	uint8_t *image;
	size_t len;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(describe_usage, stdout);
			return EXIT_OK;
		}
		if (c != 'f')
			return cli_fail(EXIT_USAGE, "describe", "bad option '%s' "
				    "(try --help)", argv[optind - 1]);
		firmware = optarg;
	}
	if (!firmware || optind < argc)
		return cli_fail(EXIT_USAGE, "describe", "usage: vmm describe "
			    "--firmware FILE");
	rc = read_firmware("describe", firmware, &image, &len);
	if (rc)
		return rc;
	rc = describe_image(firmware, image, len);
	free(image);
	return rc;
}

/* ---- vmm probe ------------------------------------------------------ */

static const char probe_usage[] =
"Usage: vmm probe [--kvm-device PATH]\n"
"\n"
"Prints which KVM this is (native, nested inside a named hypervisor, or\n"
"PVM, which hands x87/MXCSR instructions to the VMM's emulator), then\n"
"what this host offers for SEV: the VM types KVM can create\n"
"(KVM_CAP_VM_TYPES), CPUID 0x8000001F (SEV bits, C-bit position, reduced\n"
"physical-address bits) and /dev/sev with its PLATFORM_STATUS, then\n"
"whether --sev and --sev-es can run.  --sev-backend sim always can: it\n"
"models the SEV firmware to compute the measurement, but the guest then\n"
"runs unencrypted.\n";

/*
 * "host: KIND (MODULE[ in HYPERVISOR]), x87/MXCSR fixups needed|not needed";
 * tests read it to know what this KVM needs.
 */
static void probe_print_host(void)
{
	struct vmm_host_info h;

	vmm_host_info(&h);
	printf("host: %s (%s%s%s), x87/MXCSR fixups %s\n",
	       vmm_host_kind_name(h.kind), h.module[0] ? h.module : "no KVM module",
	       h.hypervisor[0] ? " in " : "", h.hypervisor,
	       h.insn_fixups ? "needed" : "not needed");
}

static void probe_print_kvm(const char *dev, const struct sev_host_caps *c)
{
	if (!c->kvm_checked)
		printf("kvm: %s not available\n", dev);
	else if (!c->vm_types_reported)
		printf("kvm: %s, no KVM_CAP_VM_TYPES (default VM type only)\n",
		       dev);
	else
		printf("kvm: %s, KVM_CAP_VM_TYPES 0x%x (default%s%s%s)\n", dev,
		       c->vm_types, c->vm_types & 4 ? ", sev" : "",
		       c->vm_types & 8 ? ", sev-es" : "",
		       c->vm_types & 16 ? ", sev-snp" : "");
}

static void probe_print_cpu(const struct sev_host_caps *c)
{
	printf("cpu: %s, max extended leaf 0x%08x\n", c->cpu_vendor,
	       c->max_ext_leaf);
	if (!c->has_leaf) {
		printf("cpuid 0x8000001f: absent\n");
		return;
	}
	printf("cpuid 0x8000001f: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x"
	       "\n  sev %s, sev-es %s, sev-snp %s, c-bit %u, reduced phys "
	       "bits %u, %u encrypted guests, min SEV ASID %u\n", c->leaf[0],
	       c->leaf[1], c->leaf[2], c->leaf[3], c->cpu_sev ? "yes" : "no",
	       c->cpu_sev_es ? "yes" : "no", c->cpu_sev_snp ? "yes" : "no",
	       c->cbit_pos, c->reduced_phys_bits, c->nr_encrypted_guests,
	       c->min_sev_asid);
}

static void probe_print_psp(const struct sev_host_caps *c)
{
	if (!c->dev_sev) {
		printf("/dev/sev: absent (%s)\n", strerror(c->dev_sev_errno));
		return;
	}
	if (!c->platform_status) {
		printf("/dev/sev: present, PLATFORM_STATUS failed (%s, %s)\n",
		       strerror(c->platform_status_errno),
		       sev_status_name(c->platform_status_fw_error));
		return;
	}
	printf("/dev/sev: api %u.%u build %u, state %u, flags 0x%x (sev-es "
	       "%s), %u guests\n", c->api_major, c->api_minor, c->build,
	       c->platform_state, c->platform_flags,
	       c->platform_flags & 0x100 ? "configured" : "not configured",
	       c->guest_count);
}

static void probe_verdict(const struct sev_host_caps *c, const char *what,
			  enum sev_mode mode, bool init2)
{
	char why[256];

	if (sev_host_check(c, mode, init2, why, sizeof(why)) == 0)
		printf("%s: yes\n", what);
	else
		printf("%s: no (%s)\n", what, why);
}

/* Returns -1 to go on (with *dev set), or the exit status. */
static int probe_parse(int argc, char **argv, const char **dev)
{
	static const struct option opts[] = {
		{ "kvm-device", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(probe_usage, stdout);
			return EXIT_OK;
		}
		if (c != 'k')
			return cli_fail(EXIT_USAGE, "probe", "bad option '%s' "
					"(try --help)", argv[optind - 1]);
		*dev = optarg;
	}
	if (optind < argc)
		return cli_fail(EXIT_USAGE, "probe", "unexpected argument '%s'",
				argv[optind]);
	return -1;
}

int cli_probe_main(int argc, char **argv)
{
	const char *dev = "/dev/kvm";
	struct sev_host_caps caps;
	int rc = probe_parse(argc, argv, &dev), kvm_fd, kvm_errno;

	if (rc >= 0)
		return rc;
	kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	kvm_errno = errno;
	sev_probe(kvm_fd, &caps);
	probe_print_host();
	probe_print_kvm(dev, &caps);
	probe_print_cpu(&caps);
	probe_print_psp(&caps);
	probe_verdict(&caps, "sev (legacy KVM_SEV_INIT)", SEV_MODE_SEV, false);
	probe_verdict(&caps, "sev-es (legacy KVM_SEV_ES_INIT)",
		      SEV_MODE_SEV_ES, false);
	probe_verdict(&caps, "sev (KVM_SEV_INIT2)", SEV_MODE_SEV, true);
	probe_verdict(&caps, "sev-es (KVM_SEV_INIT2)", SEV_MODE_SEV_ES, true);
	probe_verdict(&caps, "sev-snp (KVM_SEV_INIT2, guest_memfd)",
		      SEV_MODE_SNP, true);
	printf("sim backend: yes (models the SEV and SNP firmware for the "
	       "measurement; the guest runs unencrypted)\n");
	if (kvm_fd < 0)
		return cli_fail(EXIT_HOST, "probe", "%s: %s", dev,
				strerror(kvm_errno));
	close(kvm_fd);
	return EXIT_OK;
}
