/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One object's description, as "key: value" lines or as one JSON object
 * (--json), from the same calls:
 *
 *	fields_begin(json);
 *	field_u64("pages", 16);
 *	fields_end();
 */
#ifndef ARENACTL_FIELDS_H
#define ARENACTL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void fields_begin(bool json);
void fields_end(void);
void field_u64(const char *key, uint64_t v);
/* Text "0x..."; JSON a string of the same (64-bit values survive). */
void field_hex(const char *key, uint64_t v);
void field_str(const char *key, const char *s);
/* Hex digits; text mode prints them as one line too. */
void field_bytes(const char *key, const void *data, size_t len);

#endif /* ARENACTL_FIELDS_H */
