// SPDX-License-Identifier: Apache-2.0
/*
 * emu_decode(): prefixes, REX, ModRM/SIB, effective addresses and lengths,
 * checked against the addressing tables of the Intel SDM Vol. 2A
 * (Tables 2-1, 2-2, 2-3; 2.2.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "vmm/emu/emu_priv.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct dec_env {
	struct emu_report rep;
	struct kvm_sregs sregs;
	struct emu_ctx ctx;
	struct kvm_regs regs;
	struct emu_decoded dec;
};

static void env_init(struct dec_env *e, unsigned mode)
{
	memset(e, 0, sizeof(*e));
	e->ctx = (struct emu_ctx){ .sregs = &e->sregs, .rep = &e->rep,
				   .mode = mode };
	e->rep.vector = -1;
	e->regs.rax = 0x1111000000000100ULL;
	e->regs.rcx = 0x20;
	e->regs.rdx = 0x30;
	e->regs.rbx = 0x1000;
	e->regs.rsp = 0x7000;
	e->regs.rbp = 0x4000;
	e->regs.rsi = 0x200;
	e->regs.rdi = 0x40;
	e->regs.r8 = 0x80000;
	e->regs.r12 = 0xC0000;
	e->regs.r13 = 0xD0000;
	e->regs.rip = 0x5000;
}

static int decode(struct dec_env *e, const uint8_t *b, unsigned n)
{
	return emu_decode(&e->ctx, b, n, &e->regs, &e->dec);
}

#define DECODE(e, ...)                                                       \
	decode(e, (const uint8_t[]){ __VA_ARGS__ },                          \
	       sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* Table 2-1: all 24 memory forms of 16-bit addressing. */
static void test_emu_decode_16bit_modrm_table(void **state)
{
	static const char *const names[8] = { "bx+si", "bx+di", "bp+si",
					      "bp+di", "si", "di", "bp", "bx" };
	(void)state;
	for (unsigned mod = 0; mod < 3; mod++) {
		for (unsigned rm = 0; rm < 8; rm++) {
			struct dec_env e;
			uint64_t bx, si, di, bp, base, disp;
			bool ss;

			env_init(&e, 16);
			bx = e.regs.rbx, si = e.regs.rsi, di = e.regs.rdi;
			bp = e.regs.rbp;
			/* disp8 0x80 is -128; disp16 0x9234 is negative too. */
			disp = mod == 1 ? (uint64_t)-128 :
			       mod == 2 ? 0x9234 : 0;
			switch (rm) {
			case 0: base = bx + si; break;
			case 1: base = bx + di; break;
			case 2: base = bp + si; break;
			case 3: base = bp + di; break;
			case 4: base = si; break;
			case 5: base = di; break;
			case 6: base = mod == 0 ? 0 : bp; break;
			default: base = bx; break;
			}
			if (mod == 0 && rm == 6)
				disp = 0x9234;
			ss = rm == 2 || rm == 3 || (rm == 6 && mod != 0);
			assert_int_equal(DECODE(&e, 0xD9, (uint8_t)(mod << 6 | rm),
						mod == 1 ? 0x80 : 0x34, 0x92),
					 0);
			if ((base + disp) % 0x10000 != e.dec.ea)
				fail_msg("mod %u [%s]: ea %#llx", mod,
					 names[rm],
					 (unsigned long long)e.dec.ea);
			assert_int_equal(e.dec.seg, ss ? EMU_SEG_SS :
						     EMU_SEG_DS);
			assert_int_equal(e.dec.len,
					 2 + (mod == 1 ? 1 : mod == 2 ? 2 :
					      rm == 6 ? 2 : 0));
		}
	}
}

/* Table 2-2/2-3 special cases in 32-bit addressing. */
static void test_emu_decode_32bit_special_forms(void **state)
{
	struct dec_env e;

	(void)state;
	env_init(&e, 32);
	/* [ebp+disp8] defaults to SS. */
	assert_int_equal(DECODE(&e, 0xD9, 0x45, 0xFC), 0);
	assert_int_equal(e.dec.ea, 0x4000 - 4);
	assert_int_equal(e.dec.seg, EMU_SEG_SS);
	/* mod 00 rm 101: disp32 alone, DS. */
	assert_int_equal(DECODE(&e, 0xD9, 0x05, 0x78, 0x56, 0x34, 0x12), 0);
	assert_int_equal(e.dec.ea, 0x12345678);
	assert_int_equal(e.dec.seg, EMU_SEG_DS);
	assert_int_equal(e.dec.len, 6);
	/* [esp]: SIB with base ESP, no index; SS. */
	assert_int_equal(DECODE(&e, 0xD9, 0x04, 0x24), 0);
	assert_int_equal(e.dec.ea, 0x7000);
	assert_int_equal(e.dec.seg, EMU_SEG_SS);
	/* SIB base 101 with mod 00: [index*8 + disp32], no base, DS. */
	assert_int_equal(DECODE(&e, 0xD9, 0x04, 0xCD, 0x10, 0, 0, 0), 0);
	assert_int_equal(e.dec.ea, 0x20 * 8 + 0x10);
	assert_int_equal(e.dec.seg, EMU_SEG_DS);
	/* [ebx+esi*2-1], 32-bit wrap of the sum. */
	e.regs.rbx = 0xFFFFFFF0;
	assert_int_equal(DECODE(&e, 0xD9, 0x44, 0x73, 0xFF), 0);
	assert_int_equal(e.dec.ea, (0xFFFFFFF0 + 0x400 - 1) & 0xFFFFFFFF);
	/* Address-size override gives 16-bit forms: [bx+si]. */
	assert_int_equal(DECODE(&e, 0x67, 0xD9, 0x00), 0);
	assert_int_equal(e.dec.ea, (0xFFF0 + 0x200) & 0xFFFF);
	assert_int_equal(e.dec.addr_size, 16);
}

static void test_emu_decode_64bit_rex_and_rip_relative(void **state)
{
	struct dec_env e;

	(void)state;
	env_init(&e, 64);
	/* REX.B: [r8]. */
	assert_int_equal(DECODE(&e, 0x41, 0xDD, 0x00), 0);
	assert_int_equal(e.dec.ea, 0x80000);
	/* REX followed by a legacy prefix is ignored: [rax]. */
	assert_int_equal(DECODE(&e, 0x41, 0x66, 0xDD, 0x00), 0);
	assert_int_equal(e.dec.ea, e.regs.rax);
	/* REX.X turns index 100 into R12. */
	assert_int_equal(DECODE(&e, 0x42, 0xDD, 0x04, 0x60), 0);
	assert_int_equal(e.dec.ea, e.regs.rax + 0xC0000 * 2);
	/* [r13] cannot be mod 00 (that is RIP-relative): mod 01, disp8 0. */
	assert_int_equal(DECODE(&e, 0x41, 0xDD, 0x45, 0x00), 0);
	assert_int_equal(e.dec.ea, 0xD0000);
	/* SIB base 101 + REX.B with mod 00: no base, disp32. */
	assert_int_equal(DECODE(&e, 0x41, 0xDD, 0x04, 0x25, 0, 1, 0, 0), 0);
	assert_int_equal(e.dec.ea, 0x100);
	/* RIP-relative, negative: from the end of the instruction. */
	assert_int_equal(DECODE(&e, 0xDD, 0x05, 0xF0, 0xFF, 0xFF, 0xFF), 0);
	assert_int_equal(e.dec.ea, 0x5000 + 6 - 0x10);
	/* 67: EIP-relative, truncated to 32 bits. */
	e.regs.rip = 0x1FFFFFFF0ULL;
	assert_int_equal(DECODE(&e, 0x67, 0xDD, 0x05, 0x20, 0, 0, 0), 0);
	assert_int_equal(e.dec.ea, (0x1FFFFFFF0ULL + 7 + 0x20) & 0xFFFFFFFF);
	/* 67 drops the upper half of the base too. */
	assert_int_equal(DECODE(&e, 0x67, 0xDD, 0x40, 0x08), 0);
	assert_int_equal(e.dec.ea, 0x108);
}

static void test_emu_decode_prefixes(void **state)
{
	struct dec_env e;

	(void)state;
	env_init(&e, 32);
	/* The last segment override wins. */
	assert_int_equal(DECODE(&e, 0x26, 0x64, 0xD9, 0x00), 0);
	assert_int_equal(e.dec.seg, EMU_SEG_FS);
	assert_int_equal(DECODE(&e, 0x2E, 0xD9, 0x45, 0x00), 0);
	assert_int_equal(e.dec.seg, EMU_SEG_CS);
	assert_int_equal(DECODE(&e, 0x36, 0xD9, 0x00), 0);
	assert_int_equal(e.dec.seg, EMU_SEG_SS);
	assert_int_equal(DECODE(&e, 0x65, 0x3E, 0xD9, 0x45, 0x00), 0);
	assert_int_equal(e.dec.seg, EMU_SEG_DS);
	/* 66 is accepted and harmless; F2/F3 and F0 are refused. */
	assert_int_equal(DECODE(&e, 0x66, 0xD9, 0xE8), 0);
	assert_int_equal(e.dec.insn, EMU_INSN_FLD1);
	assert_int_equal(DECODE(&e, 0xF2, 0xD9, 0xE8), -ENOTSUP);
	assert_int_equal(DECODE(&e, 0xF0, 0x9B), -ENOTSUP);
	assert_int_equal(e.rep.vector, EMU_VEC_UD);
	/* 0x41 is INC ECX outside 64-bit mode, not a REX. */
	assert_int_equal(DECODE(&e, 0x41, 0xD9, 0xE8), -ENOTSUP);
	/* Register form: no memory operand. */
	assert_int_equal(DECODE(&e, 0xDB, 0xF1), 0);
	assert_false(e.dec.has_mem);
	assert_int_equal(e.dec.insn, EMU_INSN_FCOMI);
	assert_int_equal(DECODE(&e, 0x9B), 0);
	assert_int_equal(e.dec.insn, EMU_INSN_FWAIT);
	assert_int_equal(e.dec.len, 1);
}

/* 15 bytes at most (SDM Vol. 2A 2.3.11); short fetches are -EFAULT. */
static void test_emu_decode_length_limits(void **state)
{
	uint8_t b[15];
	struct dec_env e;

	(void)state;
	env_init(&e, 32);
	/* 13 prefixes + D9 E8 = 15 bytes: fine. */
	memset(b, 0x3E, 13);
	b[13] = 0xD9, b[14] = 0xE8;
	assert_int_equal(decode(&e, b, 15), 0);
	assert_int_equal(e.dec.len, 15);
	/* 14 prefixes: the ModRM would be byte 16. */
	memset(b, 0x3E, 14);
	b[14] = 0xD9;
	assert_int_equal(decode(&e, b, 15), -ENOTSUP);
	assert_int_equal(e.rep.vector, EMU_VEC_GP);
	/* Truncated by an unreadable page: disp32 missing. */
	b[0] = 0xD9, b[1] = 0x05, b[2] = 0x00;
	assert_int_equal(decode(&e, b, 3), -EFAULT);
	assert_int_equal(decode(&e, b, 1), -EFAULT);
	b[0] = 0x0F;
	assert_int_equal(decode(&e, b, 1), -EFAULT);
	/* SIB missing. */
	b[0] = 0xD9, b[1] = 0x04;
	assert_int_equal(decode(&e, b, 2), -EFAULT);
}

/* Every documented register form decodes; every gap is refused. */
static void test_emu_decode_register_form_coverage(void **state)
{
	unsigned known = 0;

	(void)state;
	for (unsigned op = 0xD8; op <= 0xDF; op++) {
		for (unsigned modrm = 0xC0; modrm <= 0xFF; modrm++) {
			struct emu_form f = emu_x87_form((uint8_t)op,
							 (uint8_t)modrm);

			known += f.insn != 0;
			assert_int_equal(f.size, 0);
		}
	}
	/*
	 * D8: 64, D9: 8+8+1+4+7+16 = 44, DA: 33, DB: 32+2+16 = 50,
	 * DC: 48, DD: 40, DE: 49, DF: 17 (SDM Vol. 2 Tables ).
	 */
	assert_int_equal(known, 64 + 44 + 33 + 50 + 48 + 40 + 49 + 17);
	/* Memory forms: 64 minus D9 /1 /4 /6, DB /4 /6, DD /4 /5 /6. */
	known = 0;
	for (unsigned op = 0xD8; op <= 0xDF; op++)
		for (unsigned reg = 0; reg < 8; reg++)
			known += emu_x87_form((uint8_t)op,
					      (uint8_t)(reg << 3)).insn != 0;
	assert_int_equal(known, 64 - 8);
	assert_int_equal(emu_x87_form(0xDD, 0x38).size, 2);
	assert_true(emu_x87_form(0xDD, 0x38).store);
	assert_int_equal(emu_x87_form(0xDB, 0x28).size, 10);
	assert_false(emu_x87_form(0xDB, 0x28).store);
	assert_int_equal(emu_0fae_form(0x10).insn, EMU_INSN_LDMXCSR);
	assert_int_equal(emu_0fae_form(0x18).insn, EMU_INSN_STMXCSR);
	assert_int_equal(emu_0fae_form(0xD0).insn, 0);
	assert_int_equal(emu_0fae_form(0x38).insn, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emu_decode_16bit_modrm_table),
		cmocka_unit_test(test_emu_decode_32bit_special_forms),
		cmocka_unit_test(test_emu_decode_64bit_rex_and_rip_relative),
		cmocka_unit_test(test_emu_decode_prefixes),
		cmocka_unit_test(test_emu_decode_length_limits),
		cmocka_unit_test(test_emu_decode_register_form_coverage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
