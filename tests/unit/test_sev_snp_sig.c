// SPDX-License-Identifier: Apache-2.0
/*
 * SNP_LAUNCH_FINISH's signature checks (sev_snp_sig.c, through the
 * firmware model sev_sim_snp.c): an ID block signed at test time with a
 * fresh P-384 ID key (and an author key signing the ID key) passes and
 * records the SHA-384 of both key structures; a flipped bit anywhere the
 * signatures cover, a key that is no P-384 point, a wrong algorithm and a
 * missing author key each fail with the firmware's status, and a failed
 * FINISH leaves the guest as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "sev/measure.h"
#include "sev/sev_sim.h"
#include "sev/sev_snp_sig.h"
#include "tests/unit/snp_id_sign.h"

#define PG		4096u
#define POLICY		0x30000ull
#define COORD		SEV_SNP_SIG_COORD_SIZE
#define OFF_ID_SIG	SEV_SNP_ID_AUTH_OFF_ID_SIG
#define OFF_ID_KEY	SEV_SNP_ID_AUTH_OFF_ID_KEY
#define OFF_AU_SIG	SEV_SNP_ID_AUTH_OFF_AUTHOR_SIG
#define OFF_AU_KEY	SEV_SNP_ID_AUTH_OFF_AUTHOR_KEY
#define KEY_QX		4
#define KEY_QY		(4 + COORD)
#define SIG_S		COORD

struct fix {
	struct sev_sim *sim;
	uint32_t g;
	uint8_t *page;
	uint8_t blk[SEV_SNP_ID_BLOCK_LEN];
	uint8_t *auth;
	EVP_PKEY *id, *author;
	struct sev_sim_snp_finish f;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A guest in LAUNCH with one measured page. */
static void guest_new(struct fix *x)
{
	struct sev_sim_params p = { .api_major = 1, .api_minor = 55,
				    .build = 25, .es_capable = true };
	struct sev_sim_snp_launch_start ls = { .policy = POLICY };
	struct sev_sim_snp_update u = { .gpa = 0x10000,
					.page_type = SEV_SNP_PAGE_NORMAL };

	assert_int_equal(sev_sim_create(&p, &x->sim), 0);
	assert_int_equal(sev_sim_snp_init(x->sim), 0);
	assert_int_equal(sev_sim_snp_gctx_create(x->sim, &x->g), 0);
	assert_int_equal(sev_sim_snp_launch_start(x->sim, x->g, &ls), 0);
	assert_int_equal(sev_sim_snp_activate(x->sim, x->g, 1), 0);
	memset(x->page, 0x5a, PG);
	u.page = x->page;
	assert_int_equal(sev_sim_snp_launch_update(x->sim, x->g, &u), 0);
}

/* {LD, FAMILY_ID, IMAGE_ID, VERSION 1, GUEST_SVN, POLICY}, signed. */
static void sign_all(struct fix *x)
{
	struct sev_sim_snp_report r;

	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	memset(x->blk, 0, sizeof(x->blk));
	memcpy(x->blk, r.measurement, 48);
	memset(x->blk + 48, 0xf1, 16);
	memset(x->blk + 64, 0x1a, 16);
	put32(x->blk + 80, 1);
	put32(x->blk + 84, 7);
	put32(x->blk + 88, (uint32_t)POLICY);
	put32(x->blk + 92, (uint32_t)(POLICY >> 32));
	memset(x->auth, 0, 4096);
	put32(x->auth, SEV_SIM_SNP_ALGO_ECDSA_P384);
	put32(x->auth + 4, SEV_SIM_SNP_ALGO_ECDSA_P384);
	assert_int_equal(snp_id_auth_sign(x->blk, x->auth, x->id, x->author),
			 0);
}

static int setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->page = aligned_alloc(PG, PG);
	x->auth = aligned_alloc(PG, PG);
	assert_non_null(x->page);
	assert_non_null(x->auth);
	guest_new(x);
	x->id = snp_key_new();
	x->author = snp_key_new();
	assert_non_null(x->id);
	assert_non_null(x->author);
	sign_all(x);
	x->f = (struct sev_sim_snp_finish){ .id_block = x->blk,
					    .id_auth = x->auth,
					    .id_block_en = true,
					    .host_data = { 0x44 } };
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
	free(x->auth);
	free(x);
	return 0;
}

static void sha384(const void *p, size_t n, uint8_t out[48])
{
	assert_int_equal(EVP_Digest(p, n, out, NULL, EVP_sha384(), NULL), 1);
}

/* FINISH fails with (want) and the guest is still what it was. */
static void finish_fails(struct fix *x, uint32_t want)
{
	struct sev_sim_snp_report before, after;

	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &before), 0);
	assert_int_equal(sev_sim_snp_launch_finish(x->sim, x->g, &x->f), want);
	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &after), 0);
	assert_int_equal(after.state, SEV_SIM_SNP_GUEST_LAUNCH);
	assert_memory_equal(after.measurement, before.measurement, 48);
	assert_memory_equal(after.id_key_digest, before.id_key_digest, 48);
	assert_memory_equal(after.author_key_digest,
			    before.author_key_digest, 48);
	assert_false(after.id_block_en || after.author_key_en);
	assert_int_equal(after.host_data[0], 0);
}

/* Flip bit (bit) of byte (off) of (buf), run FINISH, flip it back. */
static void flip_fails(struct fix *x, uint8_t *buf, size_t off,
		       unsigned bit, uint32_t want)
{
	buf[off] ^= (uint8_t)(1u << bit);
	finish_fails(x, want);
	buf[off] ^= (uint8_t)(1u << bit);
}

static void finish_ok(struct fix *x)
{
	assert_int_equal(sev_sim_snp_launch_finish(x->sim, x->g, &x->f), 0);
}

/* The P-384 order n and field prime p, little-endian in 72 bytes. */
static void curve_constants(uint8_t n_le[COORD], uint8_t p_le[COORD])
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_secp384r1);
	BIGNUM *p = BN_new();

	assert_non_null(grp);
	assert_non_null(p);
	assert_int_equal(EC_GROUP_get_curve(grp, p, NULL, NULL, NULL), 1);
	assert_int_equal(BN_bn2lebinpad(EC_GROUP_get0_order(grp), n_le, COORD),
			 COORD);
	assert_int_equal(BN_bn2lebinpad(p, p_le, COORD), COORD);
	BN_free(p);
	EC_GROUP_free(grp);
}

/* ---- the model ---------------------------------------------------------- */

static void test_snp_sig_id_valid(void **state)
{
	struct fix *x = *state;
	struct sev_sim_snp_report r;
	uint8_t want[48], zero[48] = { 0 };

	finish_ok(x);
	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_RUNNING);
	assert_true(r.id_block_en);
	assert_false(r.author_key_en);
	sha384(x->auth + OFF_ID_KEY, SEV_SNP_SIG_KEY_SIZE, want);
	assert_memory_equal(r.id_key_digest, want, 48);
	assert_memory_equal(r.author_key_digest, zero, 48);
	assert_memory_equal(r.measurement, x->blk, 48);
	assert_int_equal(r.family_id[0], 0xf1);
	assert_int_equal(r.image_id[15], 0x1a);
	assert_int_equal(r.guest_svn, 7);
	assert_int_equal(r.host_data[0], 0x44);
}

static void test_snp_sig_author_valid(void **state)
{
	struct fix *x = *state;
	struct sev_sim_snp_report r;
	uint8_t want[48];

	x->f.auth_key_en = true;
	finish_ok(x);
	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	assert_int_equal(r.state, SEV_SIM_SNP_GUEST_RUNNING);
	assert_true(r.id_block_en && r.author_key_en);
	sha384(x->auth + OFF_ID_KEY, SEV_SNP_SIG_KEY_SIZE, want);
	assert_memory_equal(r.id_key_digest, want, 48);
	sha384(x->auth + OFF_AU_KEY, SEV_SNP_SIG_KEY_SIZE, want);
	assert_memory_equal(r.author_key_digest, want, 48);
}

/*
 * Every bit of the ID block is covered: LD and POLICY by their own checks
 * first, FAMILY_ID through GUEST_SVN by the signature alone.
 */
static void test_snp_sig_id_block_flips(void **state)
{
	struct fix *x = *state;

	for (size_t off = 0; off < SEV_SNP_ID_BLOCK_LEN; off++) {
		uint32_t want = off < 48   ? SEV_SIM_BAD_MEASUREMENT :
				off >= 88 ? SEV_SIM_POLICY_FAILURE :
					    SEV_SIM_BAD_SIGNATURE;

		for (unsigned bit = 0; bit < 8; bit += off < 48 ? 7 : 3)
			flip_fails(x, x->blk, off, bit, want);
	}
	finish_ok(x);
}

/* R and S: every byte of the 48 a P-384 scalar has, and the top bytes. */
static void test_snp_sig_rs_flips(void **state)
{
	struct fix *x = *state;
	uint8_t *sig = x->auth + OFF_ID_SIG;

	for (size_t off = 0; off < 2 * COORD; off++)
		flip_fails(x, sig, off, (unsigned)off % 8,
			   SEV_SIM_BAD_SIGNATURE);
	/* The reserved rest of the signature is not read. */
	sig[2 * COORD] ^= 1;
	sig[SEV_SNP_SIG_SIZE - 1] ^= 0x80;
	finish_ok(x);
}

static void test_snp_sig_key_flips(void **state)
{
	struct fix *x = *state;
	uint8_t *key = x->auth + OFF_ID_KEY;

	for (size_t off = KEY_QX; off < KEY_QX + 48; off += 5)
		flip_fails(x, key, off, (unsigned)off % 8,
			   SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, key, KEY_QX + 48, 0, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, key, KEY_QX + COORD - 1, 7, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, key, KEY_QY, 0, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, key, KEY_QY + 47, 7, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, key, KEY_QY + COORD - 1, 0, SEV_SIM_BAD_SIGNATURE);
	finish_ok(x);
}

/* CURVE 1 or 3 (the ABI's other names), 0, or a high byte set. */
static void test_snp_sig_wrong_curve(void **state)
{
	struct fix *x = *state;
	uint8_t *key = x->auth + OFF_ID_KEY;

	put32(key, 1);
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	put32(key, 3);
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	put32(key, 0);
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	put32(key, 0x102);
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	put32(key, SEV_SNP_SIG_CURVE_P384);
	finish_ok(x);
}

/* The algorithms are checked before any signature, AUTH's only if used. */
static void test_snp_sig_wrong_algo(void **state)
{
	struct fix *x = *state;

	put32(x->auth, 0);
	finish_fails(x, SEV_SIM_INVALID_PARAM);
	put32(x->auth, 2);
	finish_fails(x, SEV_SIM_INVALID_PARAM);
	x->auth[OFF_ID_SIG] ^= 1;	/* a bad signature as well */
	finish_fails(x, SEV_SIM_INVALID_PARAM);
	x->auth[OFF_ID_SIG] ^= 1;
	put32(x->auth, SEV_SIM_SNP_ALGO_ECDSA_P384);
	put32(x->auth + 4, 2);
	x->f.auth_key_en = true;
	finish_fails(x, SEV_SIM_INVALID_PARAM);
	x->f.auth_key_en = false;
	finish_ok(x);	/* AUTH_KEY_ALGO unused */
}

/* The measurement and policy come before the signatures. */
static void test_snp_sig_check_order(void **state)
{
	struct fix *x = *state;

	memset(x->auth + OFF_ID_SIG, 0, SEV_SNP_SIG_SIZE);
	x->blk[0] ^= 1;
	finish_fails(x, SEV_SIM_BAD_MEASUREMENT);
	x->blk[0] ^= 1;
	x->blk[88] ^= 4;
	finish_fails(x, SEV_SIM_POLICY_FAILURE);
	x->blk[88] ^= 4;
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	/* A bad ID signature fails before an author key is looked at. */
	x->f.auth_key_en = true;
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
}

static void test_snp_sig_author_invalid(void **state)
{
	struct fix *x = *state;
	EVP_PKEY *other = snp_key_new();
	uint8_t *au_key = x->auth + OFF_AU_KEY, *au_sig = x->auth + OFF_AU_SIG;
	uint8_t saved[SEV_SNP_SIG_KEY_SIZE];

	x->f.auth_key_en = true;
	flip_fails(x, au_sig, 0, 0, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, au_sig, SIG_S + 47, 7, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, au_key, KEY_QX + 20, 3, SEV_SIM_BAD_SIGNATURE);
	flip_fails(x, au_key, 0, 0, SEV_SIM_BAD_SIGNATURE);	/* curve 3 */
	/* The author signs all 1028 bytes of ID_KEY, reserved ones too. */
	flip_fails(x, x->auth + OFF_ID_KEY, SEV_SNP_SIG_KEY_SIZE - 1, 0,
		   SEV_SIM_BAD_SIGNATURE);
	/* Another key's signature over the same ID key. */
	assert_non_null(other);
	memcpy(saved, au_key, sizeof(saved));
	assert_int_equal(snp_key_put(other, au_key), 0);
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	memcpy(au_key, saved, sizeof(saved));
	/* The author's signature over something else. */
	assert_int_equal(snp_sign(x->author, x->blk, SEV_SNP_ID_BLOCK_LEN,
				  au_sig), 0);
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	assert_int_equal(snp_sign(x->author, x->auth + OFF_ID_KEY,
				  SEV_SNP_SIG_KEY_SIZE, au_sig), 0);
	finish_ok(x);
	EVP_PKEY_free(other);
}

/* AUTHOR_KEY_EN with the author fields left zero. */
static void test_snp_sig_author_missing(void **state)
{
	struct fix *x = *state;
	struct sev_sim_snp_report r;
	uint8_t zero[48] = { 0 };

	memset(x->auth + OFF_AU_SIG, 0, 0x1000 - OFF_AU_SIG);
	x->f.auth_key_en = true;
	finish_fails(x, SEV_SIM_BAD_SIGNATURE);
	/* Without AUTHOR_KEY_EN the fields are not looked at. */
	memset(x->auth + OFF_AU_SIG, 0xff, 0x1000 - OFF_AU_SIG);
	x->f.auth_key_en = false;
	finish_ok(x);
	assert_int_equal(sev_sim_snp_report(x->sim, x->g, &r), 0);
	assert_false(r.author_key_en);
	assert_memory_equal(r.author_key_digest, zero, 48);
}

/* ---- sev_snp_sig_verify() ------------------------------------------------ */

static void test_snp_sig_verify_key_errors(void **state)
{
	struct fix *x = *state;
	uint8_t key[SEV_SNP_SIG_KEY_SIZE], n[COORD], p[COORD];
	const uint8_t *sig = x->auth + OFF_ID_SIG;

	memcpy(key, x->auth + OFF_ID_KEY, sizeof(key));
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), 0);
	key[KEY_QX] ^= 1;				/* off the curve */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EINVAL);
	key[KEY_QX] ^= 1;
	key[KEY_QY + 48] = 1;				/* 385 bits */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EINVAL);
	key[KEY_QY + 48] = 0;
	put32(key, 1);
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EINVAL);
	put32(key, SEV_SNP_SIG_CURVE_P384);
	curve_constants(n, p);
	memcpy(key + KEY_QX, p, COORD);			/* X = p */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EINVAL);
	memset(key + KEY_QX, 0, 2 * COORD);		/* (0, 0) */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EINVAL);
	/* Reserved key bytes are not read. */
	memcpy(key, x->auth + OFF_ID_KEY, sizeof(key));
	memset(key + 4 + 2 * COORD, 0xee, sizeof(key) - 4 - 2 * COORD);
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), 0);
}

/* Add (b) to the 72-byte little-endian (a), in place. */
static void add_le(uint8_t a[COORD], const uint8_t b[COORD])
{
	unsigned carry = 0;

	for (size_t i = 0; i < COORD; i++) {
		carry += a[i] + b[i];
		a[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

/* (b) - (a) into (a), both 72-byte little-endian, b > a. */
static void sub_from_le(uint8_t a[COORD], const uint8_t b[COORD])
{
	int borrow = 0;

	for (size_t i = 0; i < COORD; i++) {
		int d = b[i] - a[i] - borrow;

		borrow = d < 0;
		a[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
}

static void test_snp_sig_verify_scalars(void **state)
{
	struct fix *x = *state;
	const uint8_t *key = x->auth + OFF_ID_KEY;
	uint8_t sig[SEV_SNP_SIG_SIZE], n[COORD], p[COORD];

	curve_constants(n, p);
	memcpy(sig, x->auth + OFF_ID_SIG, sizeof(sig));
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), 0);
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 95), -EBADMSG);
	memset(sig, 0, COORD);				/* R = 0 */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EBADMSG);
	memcpy(sig, n, COORD);				/* R = n */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EBADMSG);
	memcpy(sig, x->auth + OFF_ID_SIG, COORD);
	memset(sig + SIG_S, 0, COORD);			/* S = 0 */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EBADMSG);
	memcpy(sig + SIG_S, x->auth + OFF_ID_SIG + SIG_S, COORD);
	add_le(sig + SIG_S, n);				/* S + n */
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), -EBADMSG);
	/* (R, n - S) is the other valid signature: no low-S rule. */
	memcpy(sig + SIG_S, x->auth + OFF_ID_SIG + SIG_S, COORD);
	sub_from_le(sig + SIG_S, n);
	assert_int_equal(sev_snp_sig_verify(key, sig, x->blk, 96), 0);
	assert_int_equal(sev_snp_sig_check_id_auth(x->blk, x->auth, false), 0);
	assert_int_equal(sev_snp_sig_check_id_auth(x->blk, x->auth, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_snp_sig_id_valid),
		T(test_snp_sig_author_valid),
		T(test_snp_sig_id_block_flips),
		T(test_snp_sig_rs_flips),
		T(test_snp_sig_key_flips),
		T(test_snp_sig_wrong_curve),
		T(test_snp_sig_wrong_algo),
		T(test_snp_sig_check_order),
		T(test_snp_sig_author_invalid),
		T(test_snp_sig_author_missing),
		T(test_snp_sig_verify_key_errors),
		T(test_snp_sig_verify_scalars),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
