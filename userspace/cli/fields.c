// SPDX-License-Identifier: GPL-2.0
/* The text-or-JSON descriptions of fields.h. */
#include <stdio.h>
#include <string.h>

#include "arenactl.h"
#include "fields.h"
#include "json.h"

/* Text keys are padded so that the values line up, as in `version`. */
#define FIELD_KEY_WIDTH	16

static bool fields_json;

static void field_text_key(const char *key)
{
	printf("%s:%*s", key, (int)(FIELD_KEY_WIDTH - strlen(key)), " ");
}

void fields_begin(bool json)
{
	fields_json = json;
	if (json)
		json_object_begin();
}

void fields_end(void)
{
	if (fields_json) {
		json_object_end();
		putchar('\n');
	}
}

void field_u64(const char *key, uint64_t v)
{
	if (fields_json) {
		json_key(key);
		json_u64(v);
		return;
	}
	field_text_key(key);
	printf("%llu\n", (unsigned long long)v);
}

void field_hex(const char *key, uint64_t v)
{
	if (fields_json) {
		json_key(key);
		json_hex(v);
		return;
	}
	field_text_key(key);
	printf("0x%llx\n", (unsigned long long)v);
}

void field_str(const char *key, const char *s)
{
	if (fields_json) {
		json_key(key);
		json_string(s);
		return;
	}
	field_text_key(key);
	printf("%s\n", s);
}

void field_bytes(const char *key, const void *data, size_t len)
{
	if (fields_json) {
		json_key(key);
		json_bytes(data, len);
		return;
	}
	field_text_key(key);
	hex_string(data, len);
	putchar('\n');
}
