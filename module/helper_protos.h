/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the verifier allows for each helper (by the kernel's id) and kfunc
 * (by ARENA_KFUNC_* id): the type of each argument and of the result.
 */
#ifndef ARENA_HELPER_PROTOS_H
#define ARENA_HELPER_PROTOS_H

#include "portable.h"

/*
 * The helpers' ids: the kernel's (include/uapi/linux/bpf.h,
 * __BPF_FUNC_MAPPER), so that programs built against libbpf's headers call
 * them unchanged.
 */
enum helper_id {
	HELPER_MAP_LOOKUP_ELEM = 1,
	HELPER_KTIME_GET_NS = 5,
	HELPER_GET_SMP_PROCESSOR_ID = 8,
	HELPER_RINGBUF_OUTPUT = 130,
	HELPER_RINGBUF_RESERVE = 131,
	HELPER_RINGBUF_SUBMIT = 132,
	HELPER_RINGBUF_DISCARD = 133,
	HELPER_RINGBUF_QUERY = 134,
	HELPER_LOOP = 181,
	HELPER_DYNPTR_READ = 201,
	HELPER_USER_RINGBUF_DRAIN = 209,
};

enum helper_arg {
	ARG_NONE = 0,		/* not an argument: not read */
	ARG_ANYTHING,		/* any initialised scalar */
	ARG_ZERO,		/* the constant 0 (flags with no flag yet) */
	ARG_ARRAY,		/* an array object */
	ARG_RINGBUF,		/* a kernel-to-user ring buffer object */
	ARG_ARENA,		/* the arena object */
	ARG_KEY,		/* pointer to 4 readable bytes (an array key) */
	ARG_MEM,		/* pointer to readable bytes, sized by the next */
	ARG_MEM_SIZE,		/* scalar with bounded range: ARG_MEM's size */
	ARG_ALLOC_SIZE,		/* constant > 0, below the ring's size */
	ARG_RECORD,		/* a reserved ring record at offset 0: released */
	ARG_CALLBACK,		/* a function pointer: the callback */
	ARG_STACK_OR_ZERO,	/* stack pointer or the constant 0 */
	ARG_ARENA_ADDR,		/* arena pointer or scalar */
	ARG_USER_RINGBUF,	/* a user-to-kernel ring buffer object */
	ARG_OUT_MEM,		/* pointer to writable bytes, sized by the next */
	ARG_CONST_SIZE,		/* constant: ARG_OUT_MEM's size */
	ARG_DYNPTR,		/* the dynptr a drain callback was given */
};

enum helper_ret {
	RET_VOID,		/* r0 is not set */
	RET_SCALAR,
	RET_U32,		/* a scalar in 0 .. U32_MAX */
	RET_VALUE_OR_NULL,	/* array value or NULL */
	RET_RECORD_OR_NULL,	/* ring record of ARG_ALLOC_SIZE bytes or NULL */
};

struct helper_proto {
	const char *name;
	enum helper_ret ret;
	enum helper_arg args[5];
	/*
	 * A callback's r0 must be in 0 .. 1; r1 is its u32 iteration, or with
	 * dynptr_callback the record's dynptr (bpf_user_ringbuf_drain()).
	 */
	bool loop_callback;
	bool dynptr_callback;
	/* Not supported (yet): the call is rejected with this reason. */
	const char *unsupported;
};

/* NULL: no such helper / kfunc. */
const struct helper_proto *helper_proto(u32 id);
const struct helper_proto *kfunc_proto(u32 id);

#endif /* ARENA_HELPER_PROTOS_H */
