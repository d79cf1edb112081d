// SPDX-License-Identifier: GPL-2.0
/* Bytes as hex, both ways: dumps, record contents, --ctx and values. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "arenactl.h"

void hexdump(const void *data, size_t len, uint64_t base)
{
	const unsigned char *p = data;
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("%08llx:", (unsigned long long)(base + i));
		for (j = i; j < i + 16 && j < len; j++)
			printf("%s%02x", (j - i) % 2 ? "" : " ", p[j]);
		putchar('\n');
	}
}

void hex_string(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

static int hex_digit(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long hex_parse(const char *s, void *buf, size_t room)
{
	size_t len = strlen(s), i;
	unsigned char *p = buf;

	if (len % 2 || len / 2 > room)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		p[i] = hi << 4 | lo;
	}
	return (long)(len / 2);
}
