/*
 * kernel/patch.c - five-byte code patches; see patch.h.
 */
#include <string.h>

#include "kernel/patch.h"

enum { OP_CALL = 0xE8, OP_JMP = 0xE9 };

/* The 5-byte nop gcc's -mnop-mcount writes: nopl 0x0(%rax,%rax,1). */
static const uint8_t nop5[PATCH_LEN] = { 0x0F, 0x1F, 0x44, 0x00, 0x00 };

/* opcode, then target relative to the end of the instruction. */
static void encode(uint8_t out[PATCH_LEN], uint8_t op, const uint8_t *site,
		   const void *target)
{
	int32_t rel = (int32_t)((intptr_t)target - (intptr_t)(site + PATCH_LEN));

	out[0] = op;
	memcpy(out + 1, &rel, 4);
}

static int replace(uint8_t *site, const uint8_t expect[PATCH_LEN],
		   const uint8_t with[PATCH_LEN])
{
	if (memcmp(site, expect, PATCH_LEN) != 0)
		return -1;
	memcpy(site, with, PATCH_LEN);
	return 0;
}

int patch_nop_to_call(uint8_t *site, const void *target)
{
	uint8_t call[PATCH_LEN];

	encode(call, OP_CALL, site, target);
	return replace(site, nop5, call);
}

int patch_nop_to_jmp(uint8_t *site, const void *target)
{
	uint8_t jmp[PATCH_LEN];

	encode(jmp, OP_JMP, site, target);
	return replace(site, nop5, jmp);
}

int patch_to_nop(uint8_t *site, const void *target)
{
	uint8_t insn[PATCH_LEN];

	encode(insn, site[0] == OP_JMP ? OP_JMP : OP_CALL, site, target);
	return replace(site, insn, nop5);
}

void patch_sync(void)
{
	uint32_t a = 0, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}
