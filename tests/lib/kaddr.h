/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests that check that no kernel address reaches user space: what
 * a kernel address looks like on this architecture, found in binary
 * output (words, ld_imm64 pairs) and in text (fdinfo, verifier logs).
 *
 * A kernel address is in the upper half: from 0xffff800000000000 on
 * x86-64 (direct map 0xffff888..., vmalloc 0xffffc9..., text and modules
 * 0xffffffff8...), from 0xffff000000000000 on arm64.  The last page is
 * left out: -1 .. -4095 are error numbers and all-ones masks (a scalar's
 * umax=18446744073709551615 in a verifier log), never addresses.
 */
#ifndef ARENA_TEST_KADDR_H
#define ARENA_TEST_KADDR_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#if defined(__aarch64__)
#define KADDR_MIN	0xffff000000000000ULL
#else
#define KADDR_MIN	0xffff800000000000ULL
#endif
#define KADDR_MAX	0xfffffffffffff000ULL

static inline bool kaddr_like(uint64_t v)
{
	return v >= KADDR_MIN && v < KADDR_MAX;
}

/* The first kernel-looking 8-byte word of buf (len bytes), or 0. */
static inline uint64_t kaddr_in_words(const void *buf, size_t len)
{
	uint64_t v;
	size_t i;

	for (i = 0; i + sizeof(v) <= len; i += sizeof(v)) {
		memcpy(&v, (const char *)buf + i, sizeof(v));
		if (kaddr_like(v))
			return v;
	}
	return 0;
}

/*
 * The first kernel-looking value of a program dump: any immediate, and
 * the 64 bits of each ld_imm64 pair.
 */
static inline uint64_t kaddr_in_insns(const struct bpf_insn *insns, size_t n)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = (uint64_t)(int64_t)insns[i].imm;
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n)
			v = (uint32_t)insns[i].imm | (uint64_t)(uint32_t)insns[i + 1].imm << 32;
		if (kaddr_like(v))
			return v;
	}
	return 0;
}

/*
 * The first kernel-looking number of a text: "0x" hex, bare hex (how %px
 * and %lx print a kernel address: it has letters), or decimal; a number
 * after '-' is negative, not an address.
 */
static inline uint64_t kaddr_in_text(const char *s)
{
	const char *p = s, *end;
	uint64_t v;
	size_t n;
	int base;

	while (*p) {
		if (!isxdigit((unsigned char)*p) || (p > s && isalnum((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		n = strspn(p, "0123456789abcdefABCDEF");
		base = 10;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			base = 16;
		else if (strspn(p, "0123456789") < n)
			base = 16;
		errno = 0;
		v = strtoull(p, (char **)&end, base);
		if (errno == 0 && end > p && (p == s || p[-1] != '-') && kaddr_like(v))
			return v;
		p = end > p ? end : p + 1;
	}
	return 0;
}

#endif /* ARENA_TEST_KADDR_H */
