// SPDX-License-Identifier: Apache-2.0
/*
 * Offline SEV / SEV-ES measurement.  Where the expected values come from:
 *  - plain SEV digests of the Debian images: `sha256sum` of the files;
 *  - SEV-ES digests: sev/measure_reference.py, a separate Python
 *    implementation of the VMSA table in docs/sev.md 3.3;
 *  - LAUNCH_MEASURE: virtee/sev's known-answer test (session/mod.rs
 *    `verify`) and virtee/sevctl's tests/measurementbuild.rs vectors, the
 *    last one over sevctl's published trimmed AmdSev image with four
 *    SEV-ES vCPUs whose VMSAs came from real hardware;
 *  - SEV-SNP: virtee/sev-snp-measure's tests/test_guest.py vectors over its
 *    published OVMF suffix fixtures (kept in the fuzz corpus), and what
 *    sev-snp-measure computes for Debian's OVMF images with 1-4 vCPUs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sev/measure.h"
#include "tests/unit/load_file.h"

#define OVMF_2M "/usr/share/OVMF/OVMF_CODE.fd"
#define OVMF_4M "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define CORPUS "tests/fuzz/corpus/ovmf_table/"
#define SEVCTL_TRIMMED CORPUS "sevctl-amdsev-trimmed.fd"
#define SNP_OVMFX64 CORPUS "snpmeasure-ovmfx64-suffix.bin"
#define SNP_AMDSEV CORPUS "snpmeasure-amdsev-suffix.bin"

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(s), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_hex(const uint8_t *b, const char *want)
{
	uint8_t w[32];

	unhex(want, w, 32);
	assert_memory_equal(b, w, 32);
}

static void digest_file(const char *path, const struct sev_measure_params *p,
			uint8_t ld[32])
{
	size_t len;
	uint8_t *img = load_file(path, &len);

	if (!img)
		skip();
	assert_int_equal(sev_measure_digest(img, len, p, ld), 0);
	free(img);
}

static void test_measure_sev_is_sha256_of_image(void **state)
{
	struct sev_measure_params p;
	uint8_t ld[32];

	(void)state;
	sev_measure_params_init(&p, SEV_MODE_SEV);
	digest_file(OVMF_2M, &p, ld);
	assert_hex(ld, "d9b568def24088c92f34b5479e0ed7e44d0a4d4cea8a0f5716719180bba48106");
	digest_file(OVMF_4M, &p, ld);
	assert_hex(ld, "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c");
}

static void test_measure_sev_es_debian_images(void **state)
{
	struct sev_measure_params p;
	uint8_t ld[32];

	(void)state;
	sev_measure_params_init(&p, SEV_MODE_SEV_ES);
	digest_file(OVMF_2M, &p, ld);
	assert_hex(ld, "eba1359b4bdf7745d72c9de18582cbb352f81d55c4cedaa428cc7559db8dfbf8");
	digest_file(OVMF_4M, &p, ld);
	assert_hex(ld, "e0487cb980f614d6fe5a798e645d3e5e8f4db8fcf8ac560c97d27b6e6db4f8ef");
}

static void test_measure_sev_es_init2(void **state)
{
	struct sev_measure_params p;
	uint8_t ld[32];

	(void)state;
	sev_measure_params_init(&p, SEV_MODE_SEV_ES);
	p.init2 = true;
	digest_file(OVMF_2M, &p, ld);
	assert_hex(ld, "4c55bc8b9c7804ec80940258127e2aae37f818436a54c55cebe89542bd6dc63f");
	p.vmsa_features = 0x20;
	p.nr_vcpus = 2;
	digest_file(OVMF_2M, &p, ld);
	assert_hex(ld, "6fb9b00da394773833654319c4d1760c3ca105dc52ca6e1d587bfe56363abef1");
}

/* virtee/sev session::tests::verify (also sev-tool's KAT). */
static void test_measure_virtee_kat(void **state)
{
	uint8_t tik[16], ld[32], mnonce[16], out[32];

	(void)state;
	unhex("66320db73158a35a255d051758e95ed4", tik, 16);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	      ld, 32);
	unhex("4fbe0bedbad6c86ae8f68971d103e554", mnonce, 16);
	assert_int_equal(sev_measure_launch_measure(tik, 0, 18, 0x0f, 0, ld,
						    mnonce, out), 0);
	assert_hex(out, "6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea");
}

/* sevctl tests/measurementbuild.rs: API 1.40 build 40, tik1.bin, nonce. */
static void sevctl_inputs(uint8_t tik[16], uint8_t nonce[16])
{
	unhex("3569cf61a32a602b87185ac6e0f55913", tik, 16);
	unhex("c313fab511c216b1505b1b2ea9903c40", nonce, 16);
}

static void test_measure_sevctl_given_digest(void **state)
{
	uint8_t tik[16], nonce[16], ld[32], out[32];

	(void)state;
	sevctl_inputs(tik, nonce);
	unhex("c64bd101fc9a4a2ce0a27c408d9200911f139a895469b04a40a6fa2890830d23",
	      ld, 32);
	assert_int_equal(sev_measure_launch_measure(tik, 1, 40, 40, 3, ld,
						    nonce, out), 0);
	assert_hex(out, "96cc1bc56c48f60724c9ad7a250bdd16da5898d3b86fede29c03e9aac828048e");
}

static void test_measure_sevctl_firmware(void **state)
{
	struct sev_measure_params p;
	uint8_t tik[16], nonce[16], ld[32], out[32];

	(void)state;
	sevctl_inputs(tik, nonce);
	sev_measure_params_init(&p, SEV_MODE_SEV);
	digest_file(SEVCTL_TRIMMED, &p, ld);
	assert_int_equal(sev_measure_launch_measure(tik, 1, 40, 40, 3, ld,
						    nonce, out), 0);
	assert_hex(out, "a0c0dec08a2e252a5ba4d4478fb324de9d3c1f674f65076c64c535e2a2329819");
}

/* Four vCPUs: BSP + three APs started at the image's reset block. */
static void test_measure_sevctl_sev_es_four_vcpus(void **state)
{
	struct sev_measure_params p;
	uint8_t tik[16], nonce[16], ld[32], out[32];

	(void)state;
	sevctl_inputs(tik, nonce);
	sev_measure_params_init(&p, SEV_MODE_SEV_ES);
	p.nr_vcpus = 4;
	p.vcpu_sig = 0xa00f11;
	digest_file(SEVCTL_TRIMMED, &p, ld);
	assert_int_equal(sev_measure_launch_measure(tik, 1, 40, 40, 5, ld,
						    nonce, out), 0);
	assert_hex(out, "b6c2c270820fae6dd359cc9a3857ef51512344b190cc49c69739d18a830e094e");
}

static void test_measure_rejects_bad_input(void **state)
{
	static uint8_t img[4096];
	struct sev_measure_params p;
	uint8_t ld[32];

	(void)state;
	sev_measure_params_init(&p, SEV_MODE_SEV);
	assert_int_equal(sev_measure_digest(img, 4095, &p, ld), -EINVAL);
	assert_int_equal(sev_measure_digest(img, 0, &p, ld), -EINVAL);
	assert_int_equal(sev_measure_digest(NULL, 4096, &p, ld), -EINVAL);
	p.mode = SEV_MODE_NONE;
	assert_int_equal(sev_measure_digest(img, 4096, &p, ld), -EINVAL);
	sev_measure_params_init(&p, SEV_MODE_SEV_ES);
	p.nr_vcpus = 0;
	assert_int_equal(sev_measure_digest(img, 4096, &p, ld), -EINVAL);
	p.nr_vcpus = SEV_MEASURE_MAX_VCPUS + 1;
	assert_int_equal(sev_measure_digest(img, 4096, &p, ld), -EINVAL);
	/* One vCPU needs no table; APs need the reset block. */
	p.nr_vcpus = 1;
	assert_int_equal(sev_measure_digest(img, 4096, &p, ld), 0);
	p.nr_vcpus = 2;
	assert_int_equal(sev_measure_digest(img, 4096, &p, ld), -ENOENT);
}

/* A table without the reset block cannot start APs either. */
static void test_measure_aps_need_reset_block(void **state)
{
	size_t len;
	uint8_t *img = load_file(SEVCTL_TRIMMED, &len);
	struct sev_measure_params p;
	uint8_t ld[32];

	(void)state;
	assert_non_null(img);
	sev_measure_params_init(&p, SEV_MODE_SEV_ES);
	p.nr_vcpus = 2;
	assert_int_equal(sev_measure_digest(img, len, &p, ld), 0);
	/* Rename the reset block's GUID (at E-0x42): no longer found. */
	img[len - 0x42] ^= 0xff;
	assert_int_equal(sev_measure_digest(img, len, &p, ld), -ENOENT);
	free(img);
}

static void snp_digest(const char *path, uint64_t features, uint8_t ld[48])
{
	struct sev_measure_params p;
	size_t len;
	uint8_t *img = load_file(path, &len);

	assert_non_null(img);
	sev_measure_params_init(&p, SEV_MODE_SNP);
	p.vmsa_features = features;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), 0);
	free(img);
}

static void assert_hex48(const uint8_t *b, const char *want)
{
	uint8_t w[48];

	unhex(want, w, 48);
	assert_memory_equal(b, w, 48);
}

/* sev-snp-measure tests/test_guest.py, one vCPU, EPYC-v4, no kernel. */
static void test_measure_snp_sev_snp_measure_vectors(void **state)
{
	uint8_t ld[48];

	(void)state;
	snp_digest(SNP_OVMFX64, 0x1, ld);
	assert_hex48(ld, "da0296de8193586a5512078dcd719eccecbd87e2b825ad41"
			 "48c44f665dc87df21e5b49e21523a9ad993afdb6a30b4005");
	snp_digest(SNP_OVMFX64, 0x21, ld);
	assert_hex48(ld, "28797ae0afaba4005a81e629acebfb59e6687949d6be4400"
			 "7cd5506823b0dd66f146aaae26ff291eed7b493d8a64c385");
	snp_digest(SNP_AMDSEV, 0x1, ld);
	assert_hex48(ld, "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6"
			 "013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d");
	snp_digest(SNP_AMDSEV, 0x21, ld);
	assert_hex48(ld, "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af"
			 "9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b");
	/* SNP_ACTIVE is implied: asking for it changes nothing. */
	snp_digest(SNP_OVMFX64, 0x0, ld);
	assert_hex48(ld, "da0296de8193586a5512078dcd719eccecbd87e2b825ad41"
			 "48c44f665dc87df21e5b49e21523a9ad993afdb6a30b4005");
}

/*
 * Debian 12's OVMF images, 1 to 4 vCPUs (EPYC-v4 signature 0x800f12, no
 * kernel), as virtee/sev-snp-measure 0.0.13+ (commit 8f2b337) computes
 * them: `sev-snp-measure --mode snp --vcpus N --vcpu-sig 0x800f12 --ovmf F`.
 * The 4M Ia32X64 images have no ASEV metadata: CODE and VMSAs only.  An
 * image missing, or of another build (SHA-256 differs), is skipped and
 * said so.
 */
static const struct {
	const char *path, *sha256, *snp[4];
} debian_snp[] = {
	{ "/usr/share/OVMF/OVMF_CODE.fd",
	  "d9b568def24088c92f34b5479e0ed7e44d0a4d4cea8a0f5716719180bba48106",
	  { "a479327cbb0b50e876024c2dac7412d4e5e95c7315c1f8b0446f6d3be69fefba50766285475926737e4a70b155252f88",
	    "0d3d4c4fbdd21581bb6f16903c06d29c40d021902ffffab0d6d6b71f76229401f432b6d29e9de6d982851c6f9ebe1cbf",
	    "491b590bc5f56b7ea819afbe824924de169822f02db434d908bc387025cf4d9c05cd7cf43a3d84ceabb0ee3b3c57b951",
	    "022a949083cab59e19c5ca3f5f7ddb9c991874f49f76f72ea3f8cee1aa411e70c0a92766729328069f00b3053fc8ea6f" } },
	{ "/usr/share/OVMF/OVMF_CODE.secboot.fd",
	  "6ee6a5db7a1443d17594f1e00e3cf2a2250bc1c95c8f9101bc49c9977ce11a68",
	  { "301c675375a61fc004214a4c77545733b96a6e9ef58d43e1cdf35bf2c2199333ba5b5cbe8bfd602d35fb62c8219c4930",
	    "bb61c9ee084ad4c2d132fb1ab35932b7f80b88d00b5d8350f94880b4dd0f8fa7d3f3630a5691ba6023de162632ace971",
	    "97405e5f51867386dc41da12f48614642bf795846bbb6ec813d4a9d51987bc363f371c595b20396ae37dfeefdce0dc4e",
	    "79d7cf67c08226c457a43f4fa49a06ca0d7ee202400995c4058a33e98d9eb4e1b3c58c737046469f45af34ebe36dae34" } },
	{ "/usr/share/ovmf/OVMF.fd",
	  "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773",
	  { "11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3",
	    "a5b54e62ae971b58274dd24cc6c47b842662617036e7bd67d7326c07ac6363f35399ef933330a5ea160cead90a00603f",
	    "7ae00cab27105271bdbb83298aa2a97f7cd653a8626a629bad02509f243dc0ec40e076553947907119216d4a1be4b066",
	    "32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f" } },
	{ "/usr/share/OVMF/OVMF_CODE_4M.fd",
	  "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c",
	  { "68d8e64d29b9823e790b0a4c94d8b6cba4bf4322df2197c09eb0942ed07fe8a0f922ed49fe9fbfb33150e2bd858c8a70",
	    "f2479663bf36893aefd555407bbd222a2a0de85f4bc6453c0c7ee28b8261de1f0c252ef606d778afc0ac22fd43df5aef",
	    "b4c9abd265a941c54fbae2c595601e8c65d5e48ee86ff6664d5989874f32769d3f74e5ddd0cf6c65ccc8431df1cf6e0d",
	    "08fb24cde9c3412ac8e84b25cfa172c9734742ada001b673bbc6b6f80f58d5aea0f717c361f62623444757283727dd5b" } },
	{ "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
	  "d50189a486d22af418198226a3a5bcb6ddac775590f6a808bd629474ee034d62",
	  { "467ea0154cf75f3e8b91963fda5f2961f8473b71f6c2ca96d0ecd274439f17deb06b7e65e04ca4d635cfbd3406c9e15a",
	    "e3ccdae47655b9437f04913836947a48b0149068212d32fc9b9100c9d621bd563b72a9eae4b516b933e2edbd43c32040",
	    "45ed52c71f7f784091a2b8d38ac51c5796974881d6b8bf9f3b0d386d411fe3c3a1baf3c74d972e30494f90d09c2ca8d2",
	    "c609c3d29a56bb46848ab060ae0c2499de762fbf66010fa01355754950b13ec9346f52db1c767b38a874eeb29cf06c57" } },
};

static void test_measure_snp_debian_images(void **state)
{
	unsigned measured = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(debian_snp) / sizeof(debian_snp[0]); i++) {
		struct sev_measure_params p;
		uint8_t sha[32], want[32], ld[48];
		size_t len;
		uint8_t *img = load_file(debian_snp[i].path, &len);

		if (!img) {
			fprintf(stderr, "skip: %s missing\n", debian_snp[i].path);
			continue;
		}
		sev_measure_params_init(&p, SEV_MODE_SEV);	/* = SHA-256 */
		assert_int_equal(sev_measure_digest(img, len, &p, sha), 0);
		unhex(debian_snp[i].sha256, want, 32);
		if (memcmp(sha, want, 32) != 0) {
			fprintf(stderr, "skip: %s is another build\n", debian_snp[i].path);
			free(img);
			continue;
		}
		sev_measure_params_init(&p, SEV_MODE_SNP);
		p.vcpu_sig = 0x800f12;
		for (unsigned n = 1; n <= 4; n++) {
			p.nr_vcpus = n;
			assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), 0);
			assert_hex48(ld, debian_snp[i].snp[n - 1]);
		}
		measured++;
		free(img);
	}
	if (!measured)
		skip();
}

static void test_measure_snp_rejects(void **state)
{
	static uint8_t blank[8192];
	struct sev_measure_params p;
	uint8_t ld[48], *img;
	size_t len;

	(void)state;
	sev_measure_params_init(&p, SEV_MODE_SNP);
	/* No table at all; a table without ASEV metadata is measured (CODE
	 * and VMSAs), but not with APs once its reset block is gone. */
	assert_int_equal(sev_measure_snp_digest(blank, sizeof(blank), &p, ld),
			 -ENOENT);
	img = load_file(SEVCTL_TRIMMED, &len);
	assert_non_null(img);
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), 0);
	p.nr_vcpus = 2;
	img[len - 0x42] ^= 0xff;	/* the reset block's GUID, renamed */
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), -ENOENT);
	p.nr_vcpus = 1;
	free(img);
	img = load_file(SNP_OVMFX64, &len);
	assert_non_null(img);
	assert_int_equal(sev_measure_snp_digest(img, len - 16, &p, ld),
			 -EINVAL);
	assert_int_equal(sev_measure_snp_digest(img, 0, &p, ld), -EINVAL);
	p.mode = SEV_MODE_SEV_ES;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), -EINVAL);
	p.mode = SEV_MODE_SNP;
	p.nr_vcpus = 0;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), -EINVAL);
	p.nr_vcpus = 2;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), 0);
	/* The first section's GPA (at E-0x548+16) made unaligned. */
	img[len - 0x548 + 16] = 0x10;
	assert_int_equal(sev_measure_snp_digest(img, len, &p, ld), -EINVAL);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measure_sev_is_sha256_of_image),
		cmocka_unit_test(test_measure_sev_es_debian_images),
		cmocka_unit_test(test_measure_sev_es_init2),
		cmocka_unit_test(test_measure_virtee_kat),
		cmocka_unit_test(test_measure_sevctl_given_digest),
		cmocka_unit_test(test_measure_sevctl_firmware),
		cmocka_unit_test(test_measure_sevctl_sev_es_four_vcpus),
		cmocka_unit_test(test_measure_rejects_bad_input),
		cmocka_unit_test(test_measure_aps_need_reset_block),
		cmocka_unit_test(test_measure_snp_sev_snp_measure_vectors),
		cmocka_unit_test(test_measure_snp_debian_images),
		cmocka_unit_test(test_measure_snp_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
