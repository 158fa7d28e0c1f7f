// SPDX-License-Identifier: Apache-2.0
/*
 * "vmm snp-id-block": argv handling, key files and atomic output around
 * sev/snp_id_block.h, with the MEASUREMENT of a firmware image computed
 * as "vmm measure --mode snp" does (sev_measure_snp_digest()).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/fileio.h"
#include "firmware/ovmf_table.h"
#include "sev/measure.h"
#include "sev/snp_id_block.h"
#include "vmm/cli_snp.h"
#include "vmm/cli_util.h"
#include "vmm/cli_vars_file.h"
#include "vmm/layout.h"

enum { EXIT_OK = 0, EXIT_HOST = 1, EXIT_USAGE = 2 };

#define CMD		"snp-id-block"
#define PEM_MAX		(64u << 10)	/* far above any P-384 key */
/* QEMU's default SNP policy, as the VMM's --sev-policy for --sev-snp. */
#define DEFAULT_POLICY	0x30000ull
#define POLICY_MBO	(1ull << 17)	/* the ABI's must-be-one bit */

static const char usage[] =
"Usage: vmm snp-id-block (--measurement HEX | --firmware FILE [--vcpus N]\n"
"           [--vcpu-sig HEX] [--vmsa-features HEX]) --id-key PEM\n"
"           [--author-key PEM] --id-block OUT --id-auth OUT [options]\n"
"\n"
"Writes the SEV-SNP ID block (96 bytes) and ID authentication structure\n"
"(4096 bytes) that SNP_LAUNCH_FINISH checks, for a launch with --sev-snp\n"
"and --sev-id-block/--sev-id-auth: the launch fails unless its\n"
"MEASUREMENT and policy are the ones signed here.  Prints the\n"
"measurement and the SHA-384 key digests an attestation report carries.\n"
"Keys are unencrypted PEM private keys on P-384, for example from\n"
"'openssl ecparam -name secp384r1 -genkey -noout -out id.pem'.\n"
"\n"
"  --measurement HEX    the expected MEASUREMENT (96 hex digits), or\n"
"  --firmware FILE      OVMF_CODE image, measured as 'vmm measure --mode\n"
"                       snp' does, with:\n"
"  --vcpus N            vCPUs, one VMSA each (default 1)\n"
"  --vcpu-sig HEX       CPUID.1.EAX of the vCPUs (default 800f12; the\n"
"                       launch prints the one it uses)\n"
"  --vmsa-features HEX  KVM_SEV_INIT2 vmsa_features (default 0)\n"
"  --policy HEX         guest policy of the launch (default 30000, the\n"
"                       VMM's --sev-snp default)\n"
"  --id-key PEM         the ID key, signs the ID block\n"
"  --author-key PEM     the author key, signs the ID key (optional)\n"
"  --family-id HEX      FAMILY_ID, 32 hex digits (default zero)\n"
"  --image-id HEX       IMAGE_ID, 32 hex digits (default zero)\n"
"  --guest-svn N        GUEST_SVN (default 0)\n"
"  --id-block OUT       where the ID block goes\n"
"  --id-auth OUT        where the ID authentication structure goes\n";

struct id_args {
	const char *firmware;
	bool have_ld, measure_opts;
	struct sev_measure_params p;
	struct snp_id_block_params blk;
	const char *id_key, *author_key, *out_block, *out_auth;
};

/* The options, and what each wants when its value is refused. */
static const struct option opts[] = {
	{ "measurement", required_argument, NULL, 'M' },
	{ "firmware", required_argument, NULL, 'f' },
	{ "vcpus", required_argument, NULL, 'c' },
	{ "vcpu-sig", required_argument, NULL, 's' },
	{ "vmsa-features", required_argument, NULL, 'F' },
	{ "policy", required_argument, NULL, 'p' },
	{ "id-key", required_argument, NULL, 'k' },
	{ "author-key", required_argument, NULL, 'a' },
	{ "family-id", required_argument, NULL, 'I' },
	{ "image-id", required_argument, NULL, 'i' },
	{ "guest-svn", required_argument, NULL, 'v' },
	{ "id-block", required_argument, NULL, 'b' },
	{ "id-auth", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const wants[] = {
	"96 hex digits", NULL, "1 to 1024", "hex, 32 bits", "hex, 64 bits",
	"hex, 64 bits", NULL, NULL, "32 hex digits", "32 hex digits",
	"a number, 32 bits", NULL, NULL, NULL,
};

_Static_assert(sizeof(wants) / sizeof(wants[0]) ==
	       sizeof(opts) / sizeof(opts[0]) - 1, "one want per option");

static bool parse_u32(const char *s, int base, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (base == 16 ? !cli_parse_hex(s, max, &v) : !cli_parse_u64(s, base, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* One option into (a); false if its value is malformed. */
static bool id_option(int c, const char *arg, struct id_args *a)
{
	uint32_t n;

	switch (c) {
	case 'M':
		a->have_ld = true;
		return cli_parse_hex_bytes(arg, a->blk.measurement,
				       SNP_ID_DIGEST_SIZE);
	case 'f': a->firmware = arg; return true;
	case 'c':
		a->measure_opts = true;
		if (!parse_u32(arg, 10, SEV_MEASURE_MAX_VCPUS, &n) || !n)
			return false;
		a->p.nr_vcpus = n;
		return true;
	case 's':
		a->measure_opts = true;
		return parse_u32(arg, 16, UINT32_MAX, &a->p.vcpu_sig);
	case 'F':
		a->measure_opts = true;
		return cli_parse_hex(arg, UINT64_MAX, &a->p.vmsa_features);
	case 'p': return cli_parse_hex(arg, UINT64_MAX, &a->blk.policy);
	case 'k': a->id_key = arg; return true;
	case 'a': a->author_key = arg; return true;
	case 'I': return cli_parse_hex_bytes(arg, a->blk.family_id, 16);
	case 'i': return cli_parse_hex_bytes(arg, a->blk.image_id, 16);
	case 'v': return parse_u32(arg, 0, UINT32_MAX, &a->blk.guest_svn);
	case 'b': a->out_block = arg; return true;
	case 'o': a->out_auth = arg; return true;
	default: return false;
	}
}

/* Returns -1 to go on, or the exit status. */
static int id_parse(int argc, char **argv, struct id_args *a)
{
	int c, idx;

	memset(a, 0, sizeof(*a));
	sev_measure_params_init(&a->p, SEV_MODE_SNP);
	a->blk.policy = DEFAULT_POLICY;
	optind = 0;	/* getopt's state: main() may have used it */
	opterr = 0;
	for (;;) {
		idx = -1;
		c = getopt_long(argc, argv, ":", opts, &idx);
		if (c == -1)
			break;
		if (c == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (c == ':')
			return cli_fail(EXIT_USAGE, CMD, "%s needs a value",
					argv[optind - 1]);
		if (c == '?' || idx < 0)
			return cli_fail(EXIT_USAGE, CMD, "bad option '%s' (try "
					"--help)", argv[optind - 1]);
		if (!id_option(c, optarg, a))
			return cli_fail(EXIT_USAGE, CMD, "bad value '%s' for --%s "
					"(want %s)", optarg, opts[idx].name,
					wants[idx]);
	}
	if (optind < argc)
		return cli_fail(EXIT_USAGE, CMD, "unexpected argument '%s'",
				argv[optind]);
	return -1;
}

static int id_check(const struct id_args *a)
{
	if (a->have_ld == !!a->firmware)
		return cli_fail(EXIT_USAGE, CMD, "give one of --measurement and "
				"--firmware (try --help)");
	if (a->have_ld && a->measure_opts)
		return cli_fail(EXIT_USAGE, CMD, "--vcpus, --vcpu-sig and "
				"--vmsa-features go with --firmware, not "
				"--measurement");
	if (!a->id_key || !a->out_block || !a->out_auth)
		return cli_fail(EXIT_USAGE, CMD, "--id-key, --id-block and --id-auth "
				"are required (try --help)");
	if (!(a->blk.policy & POLICY_MBO))
		return cli_fail(EXIT_USAGE, CMD, "--policy 0x%llx: bit 17 must be "
				"set (the SNP ABI reserves it as one)",
				(unsigned long long)a->blk.policy);
	return -1;
}

/* An output may be new or a regular file. */
static int output_check(const char *opt, const char *path)
{
	struct stat st;

	if (!*path)
		return cli_fail(EXIT_USAGE, CMD, "%s: an empty file name", opt);
	if (stat(path, &st) == 0)
		return S_ISREG(st.st_mode) ? -1 : cli_fail(EXIT_USAGE, CMD, "%s %s: "
			       "not a regular file", opt, path);
	if (errno != ENOENT)
		return cli_fail(EXIT_HOST, CMD, "%s %s: %s", opt, path,
				strerror(errno));
	return -1;
}

/* The directory (path) names an entry of: 0 or -1. */
static int dir_stat(const char *path, struct stat *st)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= sizeof(dir))
		return -1;
	memcpy(dir, path, n);
	strcpy(dir + n, slash ? (n ? "" : "/") : ".");
	return stat(dir, st);
}

/* One file by two names: one inode, or one name in one directory. */
static bool same_file(const char *a, const char *b)
{
	const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
	struct stat sa, sb;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	na = na ? na + 1 : a;
	nb = nb ? nb + 1 : b;
	return strcmp(na, nb) == 0 && dir_stat(a, &sa) == 0 &&
	       dir_stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int outputs_check(const struct id_args *a)
{
	int rc = output_check("--id-block", a->out_block);

	if (rc < 0)
		rc = output_check("--id-auth", a->out_auth);
	if (rc < 0 && same_file(a->out_block, a->out_auth))
		return cli_fail(EXIT_USAGE, CMD, "--id-block and --id-auth name the "
				"same file");
	return rc;
}

/* A PEM private key on P-384 from (path) into (*key), or the status. */
static int load_key(const char *opt, const char *path, EVP_PKEY **key)
{
	char why[192];
	uint8_t *pem = NULL;
	size_t len = 0;
	int rc = vars_read_file(path, &pem, &len);

	*key = NULL;
	if (rc == -EISDIR)
		return cli_fail(EXIT_USAGE, CMD, "%s %s: not a regular file", opt,
				path);
	if (rc == -EFBIG || (!rc && len > PEM_MAX)) {
		free(pem);
		return cli_fail(EXIT_USAGE, CMD, "%s %s: over 64 KiB, not a PEM "
				"key", opt, path);
	}
	if (rc)
		return cli_fail(EXIT_HOST, CMD, "%s %s: %s", opt, path,
				strerror(-rc));
	rc = snp_id_block_key_from_pem(pem, len, key, why, sizeof(why));
	if (!rc)
		rc = snp_id_block_key_check(*key, why, sizeof(why));
	explicit_bzero(pem, len);
	free(pem);
	if (!rc)
		return EXIT_OK;
	snp_id_block_key_free(*key);
	*key = NULL;
	return cli_fail(rc == -ENOMEM || rc == -ENOSYS ? EXIT_HOST : EXIT_USAGE,
			CMD, "%s %s: %s", opt, path, why);
}

/* The MEASUREMENT of a->firmware into a->blk.measurement. */
static int id_measure(struct id_args *a)
{
	uint8_t *image = NULL;
	size_t len = 0;
	int rc = vars_read_file(a->firmware, &image, &len);

	if (rc == -EISDIR || rc == -EFBIG || (!rc && len > LAYOUT_FLASH_MAX)) {
		free(image);
		return cli_fail(EXIT_USAGE, CMD, "--firmware %s: not a regular file "
				"of at most 8 MiB (the flash window)",
				a->firmware);
	}
	if (rc)
		return cli_fail(EXIT_HOST, CMD, "--firmware %s: %s", a->firmware,
				strerror(-rc));
	rc = sev_measure_snp_digest(image, len, &a->p, a->blk.measurement);
	if (!rc)
		cli_note_no_snp_metadata(CMD, a->firmware, image, len);
	free(image);
	if (rc == -ENOENT)
		return cli_fail(EXIT_USAGE, CMD, "--firmware %s has no OVMF footer "
				"table, or no SEV-ES reset block for its APs",
				a->firmware);
	if (rc == -EINVAL)
		return cli_fail(EXIT_USAGE, CMD, "--firmware %s: not whole 4 KiB "
				"pages, or malformed SEV metadata", a->firmware);
	if (rc)
		return cli_fail(EXIT_HOST, CMD, "--firmware %s: digest: %s",
				a->firmware, strerror(-rc));
	return EXIT_OK;
}

struct out_file {
	const char *opt, *path;
	const void *data;
	size_t len;
	char *tmp;	/* the complete new file, not yet renamed */
};

/* (o)'s bytes in a new file beside o->path: 0 or -errno. */
static int temp_write(struct out_file *o)
{
	mode_t mask;
	int fd, rc;

	o->tmp = fileio_temp_name(o->path);
	if (!o->tmp)
		return -ENOMEM;
	fd = mkostemp(o->tmp, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0) {
		rc = -errno;
		free(o->tmp);
		o->tmp = NULL;
		return rc;
	}
	/* Not secrets: the mode any new file gets. */
	mask = umask(0);
	umask(mask);
	rc = fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
	if (!rc)
		rc = fileio_write_all(fd, o->data, o->len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

/*
 * Both files complete before either name changes, then one rename() each:
 * a failure before the renames leaves both outputs as they were.  (Only
 * a second rename() failing after the first, in the directory a temporary
 * was just made in, could leave a new ID block beside an old ID_AUTH.)
 */
static int write_outputs(struct out_file f[2])
{
	int rc = 0, i, bad = 0;

	for (i = 0; i < 2 && !rc; i++)
		if ((rc = temp_write(&f[i])))
			bad = i;
	for (i = 0; i < 2 && !rc; i++) {
		if (rename(f[i].tmp, f[i].path) < 0) {
			rc = -errno;
			bad = i;
		} else {
			free(f[i].tmp);
			f[i].tmp = NULL;
		}
	}
	for (i = 0; i < 2; i++) {
		if (f[i].tmp)
			unlink(f[i].tmp);
		free(f[i].tmp);
		f[i].tmp = NULL;
	}
	for (i = 0; i < 2 && !rc; i++)
		if ((rc = fileio_sync_dir(f[i].path)))
			bad = i;
	if (rc)
		return cli_fail(EXIT_HOST, CMD, "%s %s: %s", f[bad].opt, f[bad].path,
				strerror(-rc));
	return EXIT_OK;
}

static void print_hex(const char *what, const uint8_t *b, size_t n)
{
	printf("%s: ", what);
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	putchar('\n');
}

/* The digests of the keys in (auth), as the report will carry them. */
static int print_result(const struct id_args *a, const uint8_t *auth)
{
	uint8_t id[SNP_ID_DIGEST_SIZE], author[SNP_ID_DIGEST_SIZE];

	if (snp_id_block_key_digest(auth + SEV_SNP_ID_AUTH_OFF_ID_KEY, id) ||
	    (a->author_key &&
	     snp_id_block_key_digest(auth + SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY,
				     author)))
		return cli_fail(EXIT_HOST, CMD, "SHA-384 of the keys failed");
	print_hex("measurement", a->blk.measurement, SNP_ID_DIGEST_SIZE);
	print_hex("id_key_digest", id, sizeof(id));
	if (a->author_key)
		print_hex("author_key_digest", author, sizeof(author));
	return EXIT_OK;
}

static int id_make(const struct id_args *a, EVP_PKEY *id, EVP_PKEY *author)
{
	uint8_t auth[SNP_ID_AUTH_SIZE], blk[SNP_ID_BLOCK_SIZE];
	struct out_file f[2] = {
		{ "--id-block", a->out_block, blk, sizeof(blk), NULL },
		{ "--id-auth", a->out_auth, auth, sizeof(auth), NULL },
	};
	char why[192];
	int rc;

	snp_id_block_fill(&a->blk, blk);
	rc = snp_id_block_sign(blk, id, author, auth, why, sizeof(why));
	if (rc)
		return cli_fail(rc == -EINVAL ? EXIT_USAGE : EXIT_HOST, CMD,
				"%s", why);
	rc = write_outputs(f);
	return rc ? rc : print_result(a, auth);
}

int cli_snp_id_block_main(int argc, char **argv)
{
	struct id_args a;
	EVP_PKEY *id = NULL, *author = NULL;
	int rc = id_parse(argc, argv, &a);

	if (rc < 0)
		rc = id_check(&a);
	if (rc < 0)
		rc = outputs_check(&a);
	if (rc >= 0)
		return rc;
	rc = load_key("--id-key", a.id_key, &id);
	if (!rc && a.author_key)
		rc = load_key("--author-key", a.author_key, &author);
	if (!rc && a.firmware)
		rc = id_measure(&a);
	if (!rc)
		rc = id_make(&a, id, author);
	snp_id_block_key_free(id);
	snp_id_block_key_free(author);
	return rc;
}
