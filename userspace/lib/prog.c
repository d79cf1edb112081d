// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Arrays and programs at the level of bpf(2)'s commands: create an array,
 * copy its values in and out, load instructions, run a program.  The ELF
 * loader builds on these.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "internal.h"

int arena_dev__array_create(struct arena_dev *dev, __u32 value_size,
			    __u32 max_entries, __u32 flags, int *fdp)
{
	struct array_create req = {
		.size = sizeof(req),
		.flags = flags,
		.value_size = value_size,
		.max_entries = max_entries,
	};

	return arena_dev_create(dev, ARENA_FEATURE_ARRAY, ARRAY_IOC_CREATE, &req,
				"array", fdp);
}

static int arena_array_elem(int array_fd, unsigned long cmd, __u32 index,
			    const void *value)
{
	struct array_elem req = {
		.size = sizeof(req),
		.index = index,
		.value = (uintptr_t)value,
	};

	if (array_fd < 0 || !value)
		return -EINVAL;
	return ioctl(array_fd, cmd, &req) ? -errno : 0;
}

int arena_array__lookup(int array_fd, __u32 index, void *value)
{
	return arena_array_elem(array_fd, ARRAY_IOC_LOOKUP, index, value);
}

int arena_array__update(int array_fd, __u32 index, const void *value)
{
	return arena_array_elem(array_fd, ARRAY_IOC_UPDATE, index, value);
}

static void arena_prog_load_fill(struct prog_load *req,
				 const struct arena_prog_load_opts *opts)
{
	const char *name = LIBARENA_OPTS_GET(opts, name, NULL);
	const char *license = LIBARENA_OPTS_GET(opts, license, NULL);
	size_t i;

	req->obj_fds = (uintptr_t)LIBARENA_OPTS_GET(opts, obj_fds, NULL);
	req->nr_objs = LIBARENA_OPTS_GET(opts, nr_objs, 0);
	req->ctx_size = LIBARENA_OPTS_GET(opts, ctx_size, 0);
	/* NULL means "GPL" whether or not the caller's opts know the field. */
	req->license = (uintptr_t)(license ? license : "GPL");
	req->log_buf = (uintptr_t)LIBARENA_OPTS_GET(opts, log_buf, NULL);
	req->log_size = LIBARENA_OPTS_GET(opts, log_size, 0);
	req->log_level = LIBARENA_OPTS_GET(opts, log_level, 0);
	req->global_funcs = (uintptr_t)LIBARENA_OPTS_GET(opts, global_funcs, NULL);
	req->nr_global_funcs = LIBARENA_OPTS_GET(opts, nr_global_funcs, 0);
	/* A module that predates global functions knows no larger request. */
	req->size = req->nr_global_funcs ? PROG_LOAD_SIZE_VER1 : PROG_LOAD_SIZE_VER0;
	/* As libbpf: a name too long for the module is cut, not refused. */
	for (i = 0; name && name[i] && i < sizeof(req->name) - 1; i++)
		req->name[i] = name[i];
}

int arena_dev__prog_load(struct arena_dev *dev, const struct bpf_insn *insns,
			 __u32 insn_cnt, struct arena_prog_load_opts *opts,
			 int *fdp)
{
	struct prog_load req = {
		.insns = (uintptr_t)insns,
		.insn_cnt = insn_cnt,
	};
	struct arena_version ver;
	int err;

	if (fdp)
		*fdp = -1;
	if (!insns || !fdp || !LIBARENA_OPTS_VALID(opts, arena_prog_load_opts))
		return -EINVAL;
	arena_prog_load_fill(&req, opts);
	if (req.nr_global_funcs && !req.global_funcs)
		return -EINVAL;
	/* An older module walks every function at each call, as it always did. */
	if (req.nr_global_funcs && !arena_dev__version(dev, &ver) &&
	    !(ver.features & ARENA_FEATURE_PROG_GLOBALS)) {
		pr_debug("program: the module (version %s) does not take global functions\n",
			 ver.module_version);
		req.global_funcs = 0;
		req.nr_global_funcs = 0;
		req.size = PROG_LOAD_SIZE_VER0;
	}
	err = arena_dev_create(dev, ARENA_FEATURE_PROG, PROG_IOC_LOAD, &req,
			       "program", fdp);
	if (LIBARENA_OPTS_HAS(opts, log_true_size))
		opts->log_true_size = req.log_true_size;
	return err;
}

int arena_prog__run(int prog_fd, struct arena_prog_run_opts *opts)
{
	struct prog_run req = { .size = sizeof(req) };

	if (prog_fd < 0 || !LIBARENA_OPTS_VALID(opts, arena_prog_run_opts))
		return -EINVAL;
	req.flags = LIBARENA_OPTS_GET(opts, flags, 0);
	req.ctx_in = (uintptr_t)LIBARENA_OPTS_GET(opts, ctx_in, NULL);
	req.ctx_size_in = LIBARENA_OPTS_GET(opts, ctx_size_in, 0);
	req.ctx_out = (uintptr_t)LIBARENA_OPTS_GET(opts, ctx_out, NULL);
	req.ctx_size_out = LIBARENA_OPTS_GET(opts, ctx_size_out, 0);
	req.repeat = LIBARENA_OPTS_GET(opts, repeat, 0);
	if (ioctl(prog_fd, PROG_IOC_RUN, &req))
		return -errno;
	if (LIBARENA_OPTS_HAS(opts, duration_ns)) {
		opts->ctx_size_out = req.ctx_size_out;
		opts->retval = req.retval;
		opts->duration_ns = req.duration_ns;
	}
	return 0;
}

int arena_prog__info(int prog_fd, struct prog_info *info, __u32 info_len)
{
	if (prog_fd < 0 || !info || info_len < PROG_INFO_SIZE_VER0)
		return -EINVAL;
	info->size = info_len;
	return ioctl(prog_fd, PROG_IOC_INFO, info) ? -errno : 0;
}
