// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers and kfuncs programs may call, with the argument and result
 * types the verifier checks, by the ids of helper_protos.h.
 */
#include "helper_protos.h"
#include <uapi/arena_kmod.h>

static const struct helper_proto helpers[] = {
	[HELPER_MAP_LOOKUP_ELEM] = {
		.name = "map_lookup_elem",
		.ret = RET_VALUE_OR_NULL,
		.args = { ARG_ARRAY, ARG_KEY },
	},
	[HELPER_KTIME_GET_NS] = {
		.name = "ktime_get_ns",
		.ret = RET_SCALAR,
	},
	[HELPER_GET_SMP_PROCESSOR_ID] = {
		.name = "get_smp_processor_id",
		.ret = RET_U32,
	},
	[HELPER_RINGBUF_OUTPUT] = {
		.name = "ringbuf_output",
		.ret = RET_SCALAR,
		.args = { ARG_RINGBUF, ARG_MEM, ARG_MEM_SIZE, ARG_ANYTHING },
	},
	[HELPER_RINGBUF_RESERVE] = {
		.name = "ringbuf_reserve",
		.ret = RET_RECORD_OR_NULL,
		.args = { ARG_RINGBUF, ARG_ALLOC_SIZE, ARG_ZERO },
	},
	[HELPER_RINGBUF_SUBMIT] = {
		.name = "ringbuf_submit",
		.ret = RET_VOID,
		.args = { ARG_RECORD, ARG_ANYTHING },
	},
	[HELPER_RINGBUF_DISCARD] = {
		.name = "ringbuf_discard",
		.ret = RET_VOID,
		.args = { ARG_RECORD, ARG_ANYTHING },
	},
	[HELPER_RINGBUF_QUERY] = {
		.name = "ringbuf_query",
		.ret = RET_SCALAR,
		.args = { ARG_RINGBUF, ARG_ANYTHING },
	},
	[HELPER_LOOP] = {
		.name = "loop",
		.ret = RET_SCALAR,
		.args = { ARG_ANYTHING, ARG_CALLBACK, ARG_STACK_OR_ZERO, ARG_ZERO },
		.loop_callback = true,
	},
	[HELPER_DYNPTR_READ] = {
		.name = "dynptr_read",
		.ret = RET_SCALAR,
		.args = { ARG_OUT_MEM, ARG_CONST_SIZE, ARG_DYNPTR, ARG_ANYTHING, ARG_ZERO },
	},
	[HELPER_USER_RINGBUF_DRAIN] = {
		.name = "user_ringbuf_drain",
		.ret = RET_SCALAR,
		.args = { ARG_USER_RINGBUF, ARG_CALLBACK, ARG_STACK_OR_ZERO, ARG_ANYTHING },
		.loop_callback = true,
		.dynptr_callback = true,
	},
};

static const struct helper_proto kfuncs[] = {
	[ARENA_KFUNC_ARENA_ALLOC_PAGES] = {
		.name = "bpf_arena_alloc_pages",
		.ret = RET_SCALAR,
		.args = { ARG_ARENA, ARG_ARENA_ADDR, ARG_ANYTHING, ARG_ANYTHING,
			  ARG_ANYTHING },
	},
	[ARENA_KFUNC_ARENA_FREE_PAGES] = {
		.name = "bpf_arena_free_pages",
		.ret = RET_VOID,
		.args = { ARG_ARENA, ARG_ARENA_ADDR, ARG_ANYTHING },
	},
};

const struct helper_proto *helper_proto(u32 id)
{
	if (id >= ARRAY_SIZE(helpers) || !helpers[id].name)
		return NULL;
	return &helpers[id];
}

const struct helper_proto *kfunc_proto(u32 id)
{
	if (id >= ARRAY_SIZE(kfuncs) || !kfuncs[id].name)
		return NULL;
	return &kfuncs[id];
}
