/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer on stdout, for --json: objects and arrays nest,
 * commas come by themselves.  Output is one line; the caller ends it.
 *
 *	json_object_begin();
 *	json_key("pages"); json_u64(16);
 *	json_object_end();
 */
#ifndef ARENACTL_JSON_H
#define ARENACTL_JSON_H

#include <stdint.h>

void json_object_begin(void);
void json_object_end(void);
void json_array_begin(void);
void json_array_end(void);
void json_key(const char *key);
void json_string(const char *s);
void json_u64(uint64_t v);
void json_s64(int64_t v);
/* A number as a "0x..." string: JSON numbers lose 64-bit precision. */
void json_hex(uint64_t v);
/* Bytes as one string of hex digits. */
void json_bytes(const void *data, size_t len);

#endif /* ARENACTL_JSON_H */
