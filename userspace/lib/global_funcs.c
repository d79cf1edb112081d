// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A program's global functions as PROG_IOC_LOAD lists them.  The kernel's
 * verifier checks a global (non-static) function once, from what its BTF
 * prototype says of r1..r5, and at each call only that the caller passes
 * such arguments, r0 becoming an unknown number; the module does the same
 * for the functions listed here, whose prototypes are read as the kernel
 * reads them (btf_prepare_func_args()):
 *
 *	argument, past typedefs and qualifiers		listed as
 *	  integer (bool and char too), enum		PROG_ARG_SCALAR
 *	  pointer tagged "arg:arena" (__arg_arena)	PROG_ARG_ARENA
 *	  pointer tagged "arg:ctx" (__arg_ctx)		PROG_ARG_CTX
 *	  void *, untagged				PROG_ARG_CTX: a syscall
 *							program's context is one
 *	  pointer to a type of known size		PROG_ARG_MEM of that size,
 *							_NONNULL if "arg:nonnull"
 *	returned: an integer or an enum, or void (PROG_GLOBAL_F_VOID)
 *
 * Anything else (more than 5 arguments, a struct by value, a pointer to
 * something of unknown size, another tag, no BTF) leaves the function out:
 * the verifier then walks it at every call with the caller's registers,
 * as a static function, which is always sound.  So are callbacks: a
 * helper calls them with arguments of its own, not their prototype's.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "loader.h"

/* The "arg:" decl tags the module has a kind for. */
#define ARG_TAG_CTX	(1U << 0)
#define ARG_TAG_ARENA	(1U << 1)
#define ARG_TAG_NONNULL	(1U << 2)

/* Typedefs and qualifiers followed at most, as libbpf's MAX_RESOLVE_DEPTH. */
#define BTF_MODS_MAX	32

/*
 * The type id names, past typedefs and qualifiers, its id in *idp; NULL if
 * none, or if the chain goes on past BTF_MODS_MAX: a malformed object's
 * qualifier may name itself.
 */
static const struct btf_type *btf_skip_mods(const struct btf *btf, __u32 id, __u32 *idp)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = 0;

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (++depth > BTF_MODS_MAX) {
			t = NULL;
			break;
		}
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	*idp = id;
	return t;
}

/* ARG_TAG_* of argument arg of function func_id, or -1 for another "arg:" tag. */
static int arg_tags(const struct btf *btf, __u32 func_id, int arg)
{
	__u32 id, n = btf__type_cnt(btf);
	int tags = 0;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_decl_tag(t) || t->type != func_id ||
		    btf_decl_tag(t)->component_idx != arg)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || strncmp(name, "arg:", 4))
			continue;
		if (!strcmp(name + 4, "ctx"))
			tags |= ARG_TAG_CTX;
		else if (!strcmp(name + 4, "arena"))
			tags |= ARG_TAG_ARENA;
		else if (!strcmp(name + 4, "nonnull"))
			tags |= ARG_TAG_NONNULL;
		else
			return -1;
	}
	return tags;
}

/* Whether t is struct bpf_dynptr, which the kernel passes as a dynptr, not memory. */
static bool btf_is_dynptr(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf_is_struct(t) ? btf__name_by_offset(btf, t->name_off) : NULL;

	return name && !strcmp(name, "bpf_dynptr");
}

/* A pointer argument i, with its tags, into gf: NULL, or why it cannot be. */
static const char *pointer_arg(const struct btf *btf, const struct btf_type *ptr, int tags,
			       int i, struct prog_global_func *gf)
{
	const struct btf_type *pointee;
	__u32 pointee_id;
	__s64 size;

	if (tags & ARG_TAG_ARENA) {
		gf->arg[i] = PROG_ARG_ARENA;
		return tags == ARG_TAG_ARENA ? NULL : "arg:arena with another tag";
	}
	pointee = btf_skip_mods(btf, ptr->type, &pointee_id);
	if (tags & ARG_TAG_CTX || (!tags && !pointee_id)) {
		gf->arg[i] = PROG_ARG_CTX;
		return tags & ~ARG_TAG_CTX ? "arg:ctx with another tag" : NULL;
	}
	if (!pointee || btf_is_dynptr(btf, pointee))
		return "a pointer to a dynptr or to no type";
	size = btf__resolve_size(btf, ptr->type);
	if (size <= 0 || size > PROG_ARG_MEM_MAX)
		return "a pointer to something of no known size";
	gf->arg[i] = tags & ARG_TAG_NONNULL ? PROG_ARG_MEM_NONNULL : PROG_ARG_MEM;
	gf->mem_size[i] = size;
	return NULL;
}

/* Argument i of function func_id into gf: NULL, or why it cannot be. */
static const char *func_arg(const struct btf *btf, __u32 func_id, const struct btf_param *param,
			    int i, struct prog_global_func *gf)
{
	int tags = arg_tags(btf, func_id, i);
	const struct btf_type *t;
	__u32 id;

	if (tags < 0)
		return "a tag other than arg:arena, arg:ctx and arg:nonnull";
	t = btf_skip_mods(btf, param->type, &id);
	if (t && btf_is_ptr(t))
		return pointer_arg(btf, t, tags, i, gf);
	if (tags)
		return "a tag on an argument that is no pointer";
	if (!t || !id || (!btf_is_int(t) && !btf_is_any_enum(t)))
		return "an argument that is neither a number nor a pointer";
	gf->arg[i] = PROG_ARG_SCALAR;
	return NULL;
}

/* The function named name from its BTF into gf: NULL, or why it cannot be. */
static const char *func_from_btf(const struct btf *btf, const char *name,
				 struct prog_global_func *gf)
{
	__s32 func_id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) : -1;
	const struct btf_type *func, *proto, *ret;
	const struct btf_param *params;
	const char *why = NULL;
	__u32 ret_id;
	int i;

	func = func_id > 0 ? btf__type_by_id(btf, func_id) : NULL;
	if (!func)
		return "no BTF (compile with -g)";
	if (btf_vlen(func) == BTF_FUNC_STATIC)
		return "static in its BTF";
	proto = btf__type_by_id(btf, func->type);
	if (!proto || !btf_is_func_proto(proto))
		return "no prototype in its BTF";
	if (btf_vlen(proto) > PROG_FUNC_ARGS)
		return "more than 5 arguments";
	ret = btf_skip_mods(btf, proto->type, &ret_id);
	if (!ret_id)
		gf->flags |= PROG_GLOBAL_F_VOID;
	else if (!ret || (!btf_is_int(ret) && !btf_is_any_enum(ret)))
		return "it returns neither a number nor void";
	params = btf_params(proto);
	for (i = 0; !why && i < btf_vlen(proto); i++)
		why = func_arg(btf, func_id, &params[i], i, gf);
	return why;
}

int program_add_global_func(struct arena_program *prog, const struct btf *btf,
			    const struct elf_func *func, size_t base, bool callback)
{
	struct prog_global_func gf = { .insn_off = base }, *funcs;
	const char *why;

	if (callback)
		why = "it is a callback";
	else if (prog->nr_global_funcs == PROG_GLOBAL_FUNCS_MAX)
		why = "the program has PROG_GLOBAL_FUNCS_MAX others";
	else
		why = func_from_btf(btf, func->name, &gf);
	if (why) {
		pr_debug("program '%s': global function '%s' is walked at each call: %s\n",
			 prog->name, func->name, why);
		return 0;
	}
	funcs = realloc(prog->global_funcs, (prog->nr_global_funcs + 1) * sizeof(*funcs));
	if (!funcs)
		return -ENOMEM;
	prog->global_funcs = funcs;
	funcs[prog->nr_global_funcs++] = gf;
	return 0;
}
