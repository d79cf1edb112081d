// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer of json.h.  A stack of "something written at this
 * level" flags decides the commas; a key's value never takes one.
 */
#include <stdbool.h>
#include <stdio.h>

#include "arenactl.h"
#include "json.h"

#define JSON_DEPTH_MAX	8

static bool json_has_item[JSON_DEPTH_MAX];
static int json_depth;
static bool json_after_key;

/* Before any value or key: the comma that separates it from the last. */
static void json_item(void)
{
	if (json_after_key) {
		json_after_key = false;
		return;
	}
	if (json_depth > 0 && json_has_item[json_depth - 1])
		putchar(',');
	if (json_depth > 0)
		json_has_item[json_depth - 1] = true;
}

static void json_open(char c)
{
	json_item();
	putchar(c);
	if (json_depth < JSON_DEPTH_MAX)
		json_has_item[json_depth] = false;
	json_depth++;
}

static void json_close(char c)
{
	json_depth--;
	putchar(c);
}

void json_object_begin(void)
{
	json_open('{');
}

void json_object_end(void)
{
	json_close('}');
}

void json_array_begin(void)
{
	json_open('[');
}

void json_array_end(void)
{
	json_close(']');
}

static void json_quoted(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void json_key(const char *key)
{
	json_item();
	json_quoted(key);
	putchar(':');
	json_after_key = true;
}

void json_string(const char *s)
{
	json_item();
	json_quoted(s);
}

void json_u64(uint64_t v)
{
	json_item();
	printf("%llu", (unsigned long long)v);
}

void json_s64(int64_t v)
{
	json_item();
	printf("%lld", (long long)v);
}

void json_hex(uint64_t v)
{
	json_item();
	printf("\"0x%llx\"", (unsigned long long)v);
}

void json_bytes(const void *data, size_t len)
{
	json_item();
	putchar('"');
	hex_string(data, len);
	putchar('"');
}
