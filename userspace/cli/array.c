// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl array list|info|lookup|update`.  Arrays have no info ioctl:
 * their shape is in the fdinfo the module writes, read here from this
 * process's copy of the fd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arenactl.h"
#include "fields.h"
#include "json.h"

static const char *const array_list_keys[] = {
	"value_size", "max_entries", "array_flags", NULL,
};

struct array_shape {
	uint64_t value_size, max_entries, flags;
};

/*
 * The fdinfo of the fd where its holder has it: readable exactly when
 * pidfd_getfd() was allowed to copy it.
 */
static int array_shape(const struct obj_ref *ref, struct array_shape *shape)
{
	char val[64];
	int err;

	err = fdinfo_get(ref->pid, ref->fd, "value_size", val, sizeof(val));
	if (!err)
		err = parse_u64(val, &shape->value_size);
	if (!err)
		err = fdinfo_get(ref->pid, ref->fd, "max_entries", val, sizeof(val));
	if (!err)
		err = parse_u64(val, &shape->max_entries);
	if (!err)
		err = fdinfo_get(ref->pid, ref->fd, "array_flags", val, sizeof(val));
	if (!err)
		err = parse_u64(val, &shape->flags);
	/* An fd without these lines is no array. */
	if (err == -ENOENT || err == -EINVAL)
		err = -ENOTTY;
	return err ? fail("array", ref->name, err) : 0;
}

static int array_list_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return obj_list_verb("array", "array", array_list_keys, argc, argv);
}

/* The array of a parsed "[pid PID] fd FD", and its shape. */
static int array_open_parsed(const struct obj_ref *ref, int *fdp, struct array_shape *shape)
{
	int err = obj_ref_open(ref, fdp);

	if (err)
		return err;
	err = array_shape(ref, shape);
	if (err)
		close(*fdp);
	return err;
}

static int array_info_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct array_shape shape;
	struct obj_ref ref;
	struct verb_opts vo;
	int err, fd;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	err = obj_ref_args("array info", argc, argv, &ref, true);
	if (!err)
		err = array_open_parsed(&ref, &fd, &shape);
	if (err)
		return err;
	close(fd);
	fields_begin(vo.json);
	field_u64("value_size", shape.value_size);
	field_u64("max_entries", shape.max_entries);
	field_hex("flags", shape.flags);
	fields_end();
	return 0;
}

/* "[pid PID] fd FD key N" at argv[optind]. */
static int array_key_args(const char *verb, int argc, char **argv, struct obj_ref *ref,
			  __u32 *key)
{
	uint64_t v;
	int err = obj_ref_args(verb, argc, argv, ref, false);

	if (err)
		return err;
	if (optind + 1 >= argc || strcmp(argv[optind], "key") ||
	    parse_u64(argv[optind + 1], &v) || v > UINT32_MAX)
		return usage_error("%s: expected key N", verb);
	*key = v;
	optind += 2;
	return 0;
}

static int array_lookup_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct array_shape shape;
	struct obj_ref ref;
	struct verb_opts vo;
	void *value;
	int err, fd;
	__u32 key;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	err = array_key_args("array lookup", argc, argv, &ref, &key);
	if (!err && optind < argc)
		err = usage_error("array lookup: unexpected argument '%s'", argv[optind]);
	if (!err)
		err = array_open_parsed(&ref, &fd, &shape);
	if (err)
		return err;
	value = calloc(1, shape.value_size);
	err = value ? arena_array__lookup(fd, key, value) : -ENOMEM;
	close(fd);
	if (!err) {
		fields_begin(vo.json);
		field_u64("key", key);
		field_bytes("value", value, shape.value_size);
		fields_end();
	}
	free(value);
	return err ? fail("array lookup", ref.name, err) : 0;
}

static int array_update_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct array_shape shape;
	struct obj_ref ref;
	struct verb_opts vo;
	const char *hex;
	void *value;
	int err, fd;
	__u32 key;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	err = array_key_args("array update", argc, argv, &ref, &key);
	if (err)
		return err;
	if (optind + 2 != argc || strcmp(argv[optind], "value"))
		return usage_error("array update: expected value HEX");
	hex = argv[optind + 1];
	err = array_open_parsed(&ref, &fd, &shape);
	if (err)
		return err;
	value = calloc(1, shape.value_size);
	if (!value) {
		close(fd);
		return fail("array update", ref.name, -ENOMEM);
	}
	if (hex_parse(hex, value, shape.value_size) != (long)shape.value_size) {
		free(value);
		close(fd);
		return usage_error("array update: value must be %llu bytes of hex",
				   (unsigned long long)shape.value_size);
	}
	err = arena_array__update(fd, key, value);
	free(value);
	close(fd);
	return err ? fail("array update", ref.name, err) : 0;
}

const struct cmd array_cmds[] = {
	{ "list", "[--json]", "every array open in a process this user may see", array_list_cmd },
	{ "info", "[--json] [pid PID] fd FD", "value size, entries, flags", array_info_cmd },
	{ "lookup", "[--json] [pid PID] fd FD key N", "value N, in hex", array_lookup_cmd },
	{ "update", "[pid PID] fd FD key N value HEX", "sets value N (all its bytes)",
	  array_update_cmd },
};

const size_t array_ncmds = sizeof(array_cmds) / sizeof(array_cmds[0]);
