// SPDX-License-Identifier: Apache-2.0
/*
 * The guest owner's ID block and ID authentication structure
 * (sev/snp_id_block.c), made with P-384 keys generated at test time and
 * handed to the firmware model's SNP_LAUNCH_FINISH (sev_sim_snp.c, which
 * verifies with sev_snp_sig.c): accepted with and without an author key,
 * the report carrying the fields and key digests; every field at its ABI
 * offset; any other key refused with its exact reason and nothing
 * written; a flipped byte of what was signed refused with BAD_SIGNATURE;
 * PEM keys read, public, encrypted and malformed ones refused.
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
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sev/measure.h"
#include "sev/sev_sim.h"
#include "sev/sev_snp_sig.h"
#include "sev/snp_id_block.h"
#include "tests/unit/snp_id_sign.h"

#define PG		4096u
#define POLICY		0x30000ull
#define OFF_ID_SIG	SEV_SNP_ID_AUTH_OFF_ID_SIG
#define OFF_ID_KEY	SEV_SNP_ID_AUTH_OFF_ID_KEY
#define OFF_AU_SIG	SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG
#define OFF_AU_KEY	SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY
#define COORD		SEV_SNP_SIG_COORD_SIZE

struct fix {
	struct sev_sim *sim;
	uint32_t g;
	uint8_t *page;
	struct snp_id_block_params p;
	uint8_t blk[SNP_ID_BLOCK_SIZE];
	uint8_t auth[SNP_ID_AUTH_SIZE];
	EVP_PKEY *id, *author;
	char err[256];
};

/* A guest in LAUNCH with one measured page, policy (policy). */
static void guest_new(struct fix *x, uint64_t policy)
{
	struct sev_sim_params sp = { .api_major = 1, .api_minor = 55,
				     .build = 25, .es_capable = true };
	struct sev_sim_snp_launch_start ls = { .policy = policy };
	struct sev_sim_snp_update u = { .gpa = 0x20000,
					.page_type = SEV_SNP_PAGE_NORMAL };

	assert_int_equal(sev_sim_create(&sp, &x->sim), 0);
	assert_int_equal(sev_sim_snp_init(x->sim), 0);
	assert_int_equal(sev_sim_snp_gctx_create(x->sim, &x->g), 0);
	assert_int_equal(sev_sim_snp_launch_start(x->sim, x->g, &ls), 0);
	assert_int_equal(sev_sim_snp_activate(x->sim, x->g, 1), 0);
	memset(x->page, 0xa5, PG);
	u.page = x->page;
	assert_int_equal(sev_sim_snp_launch_update(x->sim, x->g, &u), 0);
}

/* The block's parameters: the guest's MEASUREMENT, ids, SVN, policy. */
static void params_for_guest(struct fix *x)
{
	struct sev_sim_snp_report r;

	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	memset(&x->p, 0, sizeof(x->p));
	memcpy(x->p.measurement, r.measurement, 48);
	memset(x->p.family_id, 0xfa, 16);
	memset(x->p.image_id, 0x1d, 16);
	x->p.guest_svn = 0x01020304;
	x->p.policy = POLICY;
}

static int setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->page = aligned_alloc(PG, PG);
	assert_non_null(x->page);
	guest_new(x, POLICY);
	params_for_guest(x);
	x->id = snp_key_new();
	x->author = snp_key_new();
	assert_non_null(x->id);
	assert_non_null(x->author);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fix *x = *state;

	sev_sim_destroy(x->sim);
	EVP_PKEY_free(x->id);
	EVP_PKEY_free(x->author);
	free(x->page);
	free(x);
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Block and ID_AUTH from the library, with or without the author key. */
static void make(struct fix *x, bool with_author)
{
	snp_id_block_fill(&x->p, x->blk);
	assert_int_equal(snp_id_block_sign(x->blk, x->id,
					   with_author ? x->author : NULL,
					   x->auth, x->err, sizeof(x->err)), 0);
}

/*
 * SNP_LAUNCH_FINISH with this block, AUTHOR_KEY_EN as the launch code
 * (sev_snp.c) sets it: when AUTH_KEY_ALGO is non-zero.
 */
static uint32_t finish(struct fix *x)
{
	struct sev_sim_snp_finish f = {
		.id_block = x->blk, .id_auth = x->auth, .id_block_en = true,
		.auth_key_en = le32(x->auth + 4) != 0,
	};

	return sev_sim_snp_launch_finish(x->sim, x->g, &f);
}

static void sha384(const void *p, size_t n, uint8_t out[48])
{
	assert_int_equal(EVP_Digest(p, n, out, NULL, EVP_sha384(), NULL), 1);
}

/* ---- the ID block ------------------------------------------------------- */

/* Every byte where the ABI puts it, VERSION 1, nothing else set. */
static void test_snp_id_block_fields(void **state)
{
	struct snp_id_block_params p = { .guest_svn = 0xa1b2c3d4,
					 .policy = 0x1122334455030000ull };
	uint8_t blk[SNP_ID_BLOCK_SIZE], want[SNP_ID_BLOCK_SIZE] = { 0 };
	static const uint8_t tail[16] = {
		0x01, 0x00, 0x00, 0x00,				/* VERSION */
		0xd4, 0xc3, 0xb2, 0xa1,				/* GUEST_SVN */
		0x00, 0x00, 0x03, 0x55, 0x44, 0x33, 0x22, 0x11,	/* POLICY */
	};

	(void)state;
	for (int i = 0; i < 48; i++)
		p.measurement[i] = (uint8_t)(i + 1);
	for (int i = 0; i < 16; i++) {
		p.family_id[i] = (uint8_t)(0x40 + i);
		p.image_id[i] = (uint8_t)(0x80 + i);
	}
	memset(blk, 0xee, sizeof(blk));
	snp_id_block_fill(&p, blk);
	memcpy(want, p.measurement, 48);
	memcpy(want + 48, p.family_id, 16);
	memcpy(want + 64, p.image_id, 16);
	memcpy(want + 80, tail, sizeof(tail));
	assert_memory_equal(blk, want, sizeof(want));
}

/* ---- accepted by the model ---------------------------------------------- */

static void test_snp_id_block_id_key_only(void **state)
{
	struct fix *x = *state;
	struct sev_sim_snp_report r;
	uint8_t key[SEV_SNP_SIG_KEY_SIZE], dig[48], want[48];

	make(x, false);
	/* ID_KEY_ALGO 1, AUTH_KEY_ALGO 0, no author part, reserved zero. */
	assert_int_equal(le32(x->auth), SNP_ID_ALGO_ECDSA_P384);
	assert_int_equal(le32(x->auth + 4), 0);
	assert_true(all_zero(x->auth + 8, OFF_ID_SIG - 8));
	assert_true(all_zero(x->auth + OFF_ID_SIG + 2 * COORD,
			     SEV_SNP_SIG_SIZE - 2 * COORD));
	assert_true(all_zero(x->auth + OFF_AU_SIG, SNP_ID_AUTH_SIZE -
			     OFF_AU_SIG));
	/* ID_KEY as the tests' own encoder writes it. */
	assert_int_equal(snp_key_put(x->id, key), 0);
	assert_memory_equal(x->auth + OFF_ID_KEY, key, sizeof(key));
	assert_int_equal(sev_snp_sig_check_id_auth(x->blk, x->auth, false), 0);

	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_RUNNING);
	assert_true(r.id_block_en);
	assert_false(r.author_key_en);
	assert_memory_equal(r.family_id, x->p.family_id, 16);
	assert_memory_equal(r.image_id, x->p.image_id, 16);
	assert_int_equal(r.guest_svn, 0x01020304);
	sha384(key, sizeof(key), want);
	assert_int_equal(snp_id_block_key_digest(x->auth + OFF_ID_KEY, dig), 0);
	assert_memory_equal(dig, want, 48);
	assert_memory_equal(r.id_key_digest, want, 48);
}

static void test_snp_id_block_author_key(void **state)
{
	struct fix *x = *state;
	struct sev_sim_snp_report r;
	uint8_t key[SEV_SNP_SIG_KEY_SIZE], want[48];

	make(x, true);
	assert_int_equal(le32(x->auth), SNP_ID_ALGO_ECDSA_P384);
	assert_int_equal(le32(x->auth + 4), SNP_ID_ALGO_ECDSA_P384);
	assert_int_equal(snp_key_put(x->author, key), 0);
	assert_memory_equal(x->auth + OFF_AU_KEY, key, sizeof(key));
	assert_true(all_zero(x->auth + OFF_AU_KEY + SEV_SNP_SIG_KEY_SIZE,
			     SNP_ID_AUTH_SIZE - OFF_AU_KEY -
			     SEV_SNP_SIG_KEY_SIZE));
	assert_int_equal(sev_snp_sig_check_id_auth(x->blk, x->auth, true), 0);

	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	assert_true(r.id_block_en && r.author_key_en);
	sha384(key, sizeof(key), want);
	assert_memory_equal(r.author_key_digest, want, 48);
	sha384(x->auth + OFF_ID_KEY, SEV_SNP_SIG_KEY_SIZE, want);
	assert_memory_equal(r.id_key_digest, want, 48);
}

/* ECDSA's k is random: two signatures differ, both verify. */
static void test_snp_id_block_resign(void **state)
{
	struct fix *x = *state;
	uint8_t first[SNP_ID_AUTH_SIZE];

	make(x, true);
	memcpy(first, x->auth, sizeof(first));
	make(x, true);
	assert_memory_not_equal(first + OFF_ID_SIG, x->auth + OFF_ID_SIG,
				2 * COORD);
	assert_memory_equal(first + OFF_ID_KEY, x->auth + OFF_ID_KEY,
			    SEV_SNP_SIG_KEY_SIZE);
	assert_int_equal(sev_snp_sig_check_id_auth(x->blk, first, true), 0);
	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
}

/* ---- refused by the model ----------------------------------------------- */

/*
 * Each byte of the block: LD and POLICY fail their own checks first (the
 * block is for another launch), the rest only the signature.
 */
static void test_snp_id_block_block_flips(void **state)
{
	struct fix *x = *state;

	make(x, true);
	for (size_t off = 0; off < SNP_ID_BLOCK_SIZE; off++) {
		uint32_t want = off < 48   ? SEV_SIM_BAD_MEASUREMENT :
				off >= 88 ? SEV_SIM_POLICY_FAILURE :
					    SEV_SIM_BAD_SIGNATURE;

		x->blk[off] ^= 0x10;
		assert_int_equal(finish(x), want);
		if (want == SEV_SIM_BAD_SIGNATURE)
			assert_int_equal(sev_snp_sig_check_id_auth(x->blk,
								   x->auth,
								   true),
					 -EBADMSG);
		x->blk[off] ^= 0x10;
	}
	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
}

/* Flip (off) of ID_AUTH: BAD_SIGNATURE, then back. */
static void auth_flip_fails(struct fix *x, size_t off)
{
	x->auth[off] ^= 0x01;
	assert_int_equal(finish(x), SEV_SIM_BAD_SIGNATURE);
	assert_int_not_equal(sev_snp_sig_check_id_auth(x->blk, x->auth, true),
			     0);
	x->auth[off] ^= 0x01;
}

/* The signatures' R and S, the keys' QX and QY, and CURVE. */
static void test_snp_id_block_auth_flips(void **state)
{
	struct fix *x = *state;
	static const size_t bases[] = { OFF_ID_SIG, OFF_AU_SIG };
	static const size_t keys[] = { OFF_ID_KEY, OFF_AU_KEY };

	make(x, true);
	for (size_t b = 0; b < 2; b++)
		for (size_t off = 0; off < 2 * COORD; off += 7)
			auth_flip_fails(x, bases[b] + off);
	for (size_t k = 0; k < 2; k++) {
		auth_flip_fails(x, keys[k]);	/* CURVE 3 */
		for (size_t off = 4; off < 4 + 2 * COORD; off += 11)
			auth_flip_fails(x, keys[k] + off);
	}
	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
}

/* A launch with another policy: the block is refused, as signed. */
static void test_snp_id_block_other_policy(void **state)
{
	struct fix *x = *state;

	x->p.policy = POLICY | 1ull << 19;	/* DEBUG */
	make(x, false);
	assert_int_equal(sev_snp_sig_check_id_auth(x->blk, x->auth, false), 0);
	assert_int_equal(finish(x), SEV_SIM_POLICY_FAILURE);
	x->p.policy = POLICY;
	make(x, false);
	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
}

/* ---- keys --------------------------------------------------------------- */

/* (key) refused as ID key and as author key, (why) exactly, no output. */
static void sign_refused(struct fix *x, EVP_PKEY *key, const char *why)
{
	char want[256];

	snp_id_block_fill(&x->p, x->blk);
	memset(x->auth, 0x77, sizeof(x->auth));
	assert_int_equal(snp_id_block_key_check(key, x->err, sizeof(x->err)),
			 -EINVAL);
	assert_string_equal(x->err, why);
	assert_int_equal(snp_id_block_sign(x->blk, key, NULL, x->auth, x->err,
					   sizeof(x->err)), -EINVAL);
	snprintf(want, sizeof(want), "ID key: %s", why);
	assert_string_equal(x->err, want);
	assert_true(all_zero(x->auth, sizeof(x->auth)));
	memset(x->auth, 0x77, sizeof(x->auth));
	assert_int_equal(snp_id_block_sign(x->blk, x->id, key, x->auth, x->err,
					   sizeof(x->err)), -EINVAL);
	snprintf(want, sizeof(want), "author key: %s", why);
	assert_string_equal(x->err, want);
	assert_true(all_zero(x->auth, sizeof(x->auth)));
}

static void test_snp_id_block_wrong_curve(void **state)
{
	struct fix *x = *state;
	EVP_PKEY *p256 = EVP_EC_gen("P-256"), *p521 = EVP_EC_gen("P-521");

	assert_non_null(p256);
	assert_non_null(p521);
	sign_refused(x, p256, "an EC key on curve prime256v1: SNP takes "
		     "P-384 (secp384r1) only");
	sign_refused(x, p521, "an EC key on curve secp521r1: SNP takes "
		     "P-384 (secp384r1) only");
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p521);
	assert_int_equal(snp_id_block_key_check(x->id, x->err,
						sizeof(x->err)), 0);
}

static void test_snp_id_block_not_ec(void **state)
{
	struct fix *x = *state;
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	assert_non_null(ed);
	sign_refused(x, ed, "not an EC key (ED25519): SNP takes ECDSA P-384 "
		     "keys only");
	EVP_PKEY_free(ed);
}

/* (key) as PEM text in (buf): its length.  (enc): a passphrase. */
static size_t pem_of(EVP_PKEY *key, bool pub, bool enc, char *buf,
		     size_t max)
{
	BIO *bio = BIO_new(BIO_s_mem());
	static char pass[] = "secret";
	int n;

	assert_non_null(bio);
	if (pub)
		assert_int_equal(PEM_write_bio_PUBKEY(bio, key), 1);
	else
		assert_int_equal(PEM_write_bio_PrivateKey(bio, key,
				 enc ? EVP_aes_256_cbc() : NULL,
				 enc ? (unsigned char *)pass : NULL,
				 enc ? 6 : 0, NULL, NULL), 1);
	n = BIO_read(bio, buf, (int)max);
	assert_true(n > 0 && (size_t)n < max);
	BIO_free(bio);
	return (size_t)n;
}

static void test_snp_id_block_pem(void **state)
{
	struct fix *x = *state;
	char pem[4096];
	size_t n = pem_of(x->id, false, false, pem, sizeof(pem));
	EVP_PKEY *k = NULL;
	uint8_t want[SEV_SNP_SIG_KEY_SIZE];

	assert_int_equal(snp_id_block_key_from_pem(pem, n, &k, x->err,
						   sizeof(x->err)), 0);
	assert_non_null(k);
	assert_int_equal(snp_id_block_key_check(k, x->err, sizeof(x->err)), 0);
	snp_id_block_fill(&x->p, x->blk);
	assert_int_equal(snp_id_block_sign(x->blk, k, NULL, x->auth, x->err,
					   sizeof(x->err)), 0);
	assert_int_equal(snp_key_put(x->id, want), 0);
	assert_memory_equal(x->auth + OFF_ID_KEY, want, sizeof(want));
	assert_int_equal(finish(x), SEV_SIM_SUCCESS);
	snp_id_block_key_free(k);
	snp_id_block_key_free(NULL);
}

static void pem_refused(struct fix *x, const char *pem, size_t n, int rc,
			const char *why)
{
	EVP_PKEY *k = (EVP_PKEY *)x;	/* must come back NULL */

	assert_int_equal(snp_id_block_key_from_pem(pem, n, &k, x->err,
						   sizeof(x->err)), rc);
	assert_null(k);
	assert_string_equal(x->err, why);
}

static void test_snp_id_block_pem_refused(void **state)
{
	struct fix *x = *state;
	char pem[4096];
	size_t n;

	n = pem_of(x->id, true, false, pem, sizeof(pem));
	pem_refused(x, pem, n, -EINVAL, "no PEM private key in it");
	n = pem_of(x->id, false, true, pem, sizeof(pem));
	pem_refused(x, pem, n, -EACCES, "an encrypted private key: no "
		    "passphrase is asked for (decrypt it with openssl pkey)");
	pem_refused(x, "", 0, -EINVAL, "no PEM private key in it");
	n = pem_of(x->id, false, false, pem, sizeof(pem));
	pem_refused(x, pem, n / 2, -EINVAL, "no PEM private key in it");
	snprintf(pem, sizeof(pem), "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n"
		 "-----END PRIVATE KEY-----\n");
	pem_refused(x, pem, strlen(pem), -EINVAL, "no PEM private key in it");
}

/* A P-384 public key alone passes the check but cannot sign. */
static void test_snp_id_block_public_only(void **state)
{
	struct fix *x = *state;
	char pem[4096];
	size_t n = pem_of(x->id, true, false, pem, sizeof(pem));
	BIO *bio = BIO_new_mem_buf(pem, (int)n);
	EVP_PKEY *pub;

	assert_non_null(bio);
	pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(pub);
	assert_int_equal(snp_id_block_key_check(pub, x->err, sizeof(x->err)),
			 0);
	snp_id_block_fill(&x->p, x->blk);
	memset(x->auth, 0x77, sizeof(x->auth));
	assert_int_equal(snp_id_block_sign(x->blk, pub, NULL, x->auth, x->err,
					   sizeof(x->err)), -EIO);
	assert_string_equal(x->err, "ID key: libcrypto cannot sign with it "
			    "(no private key?)");
	assert_true(all_zero(x->auth, sizeof(x->auth)));
	EVP_PKEY_free(pub);
}

/* A short error buffer gets a terminated prefix; none is fine too. */
static void test_snp_id_block_err_buffer(void **state)
{
	struct fix *x = *state;
	EVP_PKEY *p256 = EVP_EC_gen("P-256");
	char small[9];

	assert_non_null(p256);
	snp_id_block_fill(&x->p, x->blk);
	assert_int_equal(snp_id_block_sign(x->blk, p256, NULL, x->auth, small,
					   sizeof(small)), -EINVAL);
	assert_string_equal(small, "ID key: ");
	assert_int_equal(snp_id_block_sign(x->blk, p256, NULL, x->auth, NULL,
					   0), -EINVAL);
	EVP_PKEY_free(p256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_id_block_fields),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_snp_id_block_id_key_only),
		T(test_snp_id_block_author_key),
		T(test_snp_id_block_resign),
		T(test_snp_id_block_block_flips),
		T(test_snp_id_block_auth_flips),
		T(test_snp_id_block_other_policy),
		T(test_snp_id_block_wrong_curve),
		T(test_snp_id_block_not_ec),
		T(test_snp_id_block_pem),
		T(test_snp_id_block_pem_refused),
		T(test_snp_id_block_public_only),
		T(test_snp_id_block_err_buffer),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
