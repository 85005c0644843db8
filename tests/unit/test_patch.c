/*
 * tests/unit/test_patch.c - host unit tests (cmocka) for kernel/patch.c,
 * the 5-byte code patches of the instruments, on a plain buffer: the bytes
 * of a call and a jump with their rel32 counted from the end of the
 * instruction, the way back to the nop, and every refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/patch.h"

static const uint8_t nop5[5] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };

static int32_t rel32(const uint8_t *insn)
{
	int32_t r;

	memcpy(&r, insn + 1, 4);
	return r;
}

static void test_call_and_back(void **state)
{
	uint8_t code[64];

	(void)state;
	memset(code, 0xCC, sizeof(code));
	memcpy(code + 8, nop5, 5);
	assert_int_equal(patch_nop_to_call(code + 8, code + 40), 0);
	patch_sync();
	assert_int_equal(code[8], 0xE8);
	assert_int_equal(rel32(code + 8), 40 - 13);	/* from the next instruction */
	assert_int_equal(code[7], 0xCC);		/* nothing else touched */
	assert_int_equal(code[13], 0xCC);
	assert_int_equal(patch_to_nop(code + 8, code + 40), 0);
	assert_memory_equal(code + 8, nop5, 5);
}

static void test_jump_backwards_and_back(void **state)
{
	uint8_t code[64];

	(void)state;
	memcpy(code + 50, nop5, 5);
	assert_int_equal(patch_nop_to_jmp(code + 50, code + 2), 0);
	assert_int_equal(code[50], 0xE9);
	assert_int_equal(rel32(code + 50), 2 - 55);
	assert_int_equal(patch_to_nop(code + 50, code + 2), 0);
	assert_memory_equal(code + 50, nop5, 5);
}

static void test_refusals_change_nothing(void **state)
{
	uint8_t code[32], before[32];

	(void)state;
	memset(code, 0x90, sizeof(code));		/* one-byte nops: not ours */
	memcpy(before, code, sizeof(code));
	assert_int_equal(patch_nop_to_call(code, code + 20), -1);
	assert_int_equal(patch_nop_to_jmp(code, code + 20), -1);
	assert_int_equal(patch_to_nop(code, code + 20), -1);	/* no call there */
	assert_memory_equal(code, before, sizeof(code));
	memcpy(code, nop5, 5);
	assert_int_equal(patch_nop_to_call(code, code + 20), 0);
	assert_int_equal(patch_nop_to_call(code, code + 20), -1);	/* twice */
	assert_int_equal(patch_to_nop(code, code + 24), -1);	/* a call elsewhere */
	assert_int_equal(code[0], 0xE8);
	assert_int_equal(patch_to_nop(code, code + 20), 0);
	assert_int_equal(patch_to_nop(code, code + 20), -1);	/* already a nop */
	assert_memory_equal(code, nop5, 5);
}

int main(void)
{
	const struct CMUnitTest patch[] = {
		cmocka_unit_test(test_call_and_back),
		cmocka_unit_test(test_jump_backwards_and_back),
		cmocka_unit_test(test_refusals_change_nothing),
	};

	return cmocka_run_group_tests(patch, NULL, NULL);
}
