// SPDX-License-Identifier: GPL-2.0
/*
 * The user ABI of include/uapi/arena_kmod.h as a compiler sees it: sizes,
 * offsets and command numbers that must never change once published, on
 * every architecture the module builds for.
 */
/* First, so that it compiles here only if it includes what it uses. */
#include <arena_kmod.h>

#include <assert.h>
#include <stddef.h>

#include "run.h"
#include "tap.h"

/*
 * Every member of each ABI structure with the offset it was published at.
 * A member added to a structure must be added here too, or its layout test
 * fails on the padding check.
 */
#define ARENA_VERSION_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, abi_version, 8)		\
	X(T, page_size, 12)		\
	X(T, features, 16)		\
	X(T, module_version, 24)

#define ARENA_CREATE_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, nr_pages, 8)		\
	X(T, user_addr, 16)

#define ARENA_INFO_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, nr_pages, 8)		\
	X(T, user_addr, 16)		\
	X(T, pages_in_use, 24)

#define ARENA_PAGES_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, addr, 8)			\
	X(T, nr_pages, 16)		\
	X(T, node, 20)

#define ARENA_PAGES_PRESENT_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, first_page, 8)		\
	X(T, nr_pages, 16)		\
	X(T, bitmap, 24)		\
	X(T, nr_present, 32)

#define RINGBUF_HDR_MEMBERS(X, T)	\
	X(T, len, 0)			\
	X(T, pg_off, 4)

#define RINGBUF_CREATE_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, data_size, 8)

#define RINGBUF_RECORD_MEMBERS(X, T)	\
	X(T, data, 0)			\
	X(T, len, 8)			\
	X(T, reserved, 12)

#define RINGBUF_OUTPUT_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, records, 8)		\
	X(T, nr_records, 16)		\
	X(T, nr_written, 20)

#define RINGBUF_INFO_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, data_size, 8)		\
	X(T, consumer_pos, 16)		\
	X(T, producer_pos, 24)		\
	X(T, avail_data, 32)		\
	X(T, overwrite_pos, 40)

#define ARRAY_CREATE_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, value_size, 8)		\
	X(T, max_entries, 12)

#define ARRAY_ELEM_MEMBERS(X, T)	\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, index, 8)			\
	X(T, reserved, 12)		\
	X(T, value, 16)

#define PROG_LOAD_MEMBERS(X, T)		\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, insns, 8)			\
	X(T, insn_cnt, 16)		\
	X(T, ctx_size, 20)		\
	X(T, obj_fds, 24)		\
	X(T, nr_objs, 32)		\
	X(T, log_level, 36)		\
	X(T, log_buf, 40)		\
	X(T, log_size, 48)		\
	X(T, log_true_size, 52)		\
	X(T, license, 56)		\
	X(T, name, 64)			\
	X(T, global_funcs, 80)		\
	X(T, nr_global_funcs, 88)	\
	X(T, reserved, 92)

#define PROG_GLOBAL_FUNC_MEMBERS(X, T)	\
	X(T, insn_off, 0)		\
	X(T, flags, 4)			\
	X(T, arg, 8)			\
	X(T, reserved, 13)		\
	X(T, mem_size, 16)

#define PROG_RUN_MEMBERS(X, T)		\
	X(T, size, 0)			\
	X(T, flags, 4)			\
	X(T, ctx_in, 8)			\
	X(T, ctx_out, 16)		\
	X(T, ctx_size_in, 24)		\
	X(T, ctx_size_out, 28)		\
	X(T, repeat, 32)		\
	X(T, reserved, 36)		\
	X(T, retval, 40)		\
	X(T, duration_ns, 48)

/*
 * (structure, its latest published size, its members).  The record header,
 * the batch element and the global function are not extensible: their
 * sizes are fixed.
 */
#define ABI_STRUCTS(X)							\
	X(arena_version, ARENA_VERSION_SIZE_VER0, ARENA_VERSION_MEMBERS)	\
	X(arena_create, ARENA_CREATE_SIZE_VER0, ARENA_CREATE_MEMBERS)	\
	X(arena_info, ARENA_INFO_SIZE_VER0, ARENA_INFO_MEMBERS)		\
	X(arena_pages, ARENA_PAGES_SIZE_VER0, ARENA_PAGES_MEMBERS)	\
	X(arena_pages_present, ARENA_PAGES_PRESENT_SIZE_VER0, ARENA_PAGES_PRESENT_MEMBERS) \
	X(ringbuf_hdr, RINGBUF_HDR_SZ, RINGBUF_HDR_MEMBERS)		\
	X(ringbuf_create, RINGBUF_CREATE_SIZE_VER0, RINGBUF_CREATE_MEMBERS)	\
	X(ringbuf_record, 16, RINGBUF_RECORD_MEMBERS)			\
	X(ringbuf_output, RINGBUF_OUTPUT_SIZE_VER0, RINGBUF_OUTPUT_MEMBERS)	\
	X(ringbuf_info, RINGBUF_INFO_SIZE_VER0, RINGBUF_INFO_MEMBERS)	\
	X(array_create, ARRAY_CREATE_SIZE_VER0, ARRAY_CREATE_MEMBERS)	\
	X(array_elem, ARRAY_ELEM_SIZE_VER0, ARRAY_ELEM_MEMBERS)		\
	X(prog_load, PROG_LOAD_SIZE_VER1, PROG_LOAD_MEMBERS)		\
	X(prog_global_func, 36, PROG_GLOBAL_FUNC_MEMBERS)		\
	X(prog_run, PROG_RUN_SIZE_VER0, PROG_RUN_MEMBERS)

/*
 * Members that carry a user address, as (struct, member): each must be a
 * __u64, so that 32-bit and 64-bit processes share one layout.
 */
#define ARENA_POINTER_MEMBERS(X)	\
	X(arena_create, user_addr)	\
	X(arena_info, user_addr)	\
	X(arena_pages, addr)		\
	X(arena_pages_present, bitmap)	\
	X(ringbuf_record, data)		\
	X(ringbuf_output, records)	\
	X(array_elem, value)		\
	X(prog_load, insns)		\
	X(prog_load, obj_fds)		\
	X(prog_load, log_buf)		\
	X(prog_load, license)		\
	X(prog_load, global_funcs)	\
	X(prog_run, ctx_in)		\
	X(prog_run, ctx_out)

/* Every command with its number. */
#define ARENA_COMMANDS(X)			\
	X(ARENA_IOC_VERSION, 0x00)		\
	X(ARENA_IOC_CREATE, 0x01)		\
	X(ARENA_IOC_INFO, 0x10)			\
	X(ARENA_IOC_ALLOC_PAGES, 0x11)		\
	X(ARENA_IOC_FREE_PAGES, 0x12)		\
	X(ARENA_IOC_PAGES_PRESENT, 0x13)	\
	X(RINGBUF_IOC_CREATE, 0x02)		\
	X(RINGBUF_IOC_OUTPUT, 0x20)		\
	X(RINGBUF_IOC_QUERY, 0x21)		\
	X(ARRAY_IOC_CREATE, 0x03)		\
	X(ARRAY_IOC_LOOKUP, 0x30)		\
	X(ARRAY_IOC_UPDATE, 0x31)		\
	X(PROG_IOC_LOAD, 0x04)			\
	X(PROG_IOC_RUN, 0x40)

#define MEMBER_SIZE(TYPE, MEMBER)	sizeof(((TYPE *)0)->MEMBER)

#define OFFSET_ASSERT(T, member, offset)					\
	static_assert(offsetof(struct T, member) == (offset),			\
		      #T "." #member " moved");
#define STRUCT_ASSERTS(T, latest, MEMBERS)	MEMBERS(OFFSET_ASSERT, T)
ABI_STRUCTS(STRUCT_ASSERTS)

#define OFFSET_CHECK(T, member, offset)						\
	TAP_EXPECT_EQ(offsetof(struct T, member), offset);
#define MEMBER_SIZE_SUM(T, member, offset)					\
	sum += MEMBER_SIZE(struct T, member);

/*
 * One layout test per structure: its size is its latest published size,
 * its members sit where they were published, and it has no padding (which
 * is left to each compiler, so the ABI must not have any).
 */
#define LAYOUT_TEST(T, latest, MEMBERS)						\
	static void T##_layout(void)						\
	{									\
		size_t sum = 0;							\
										\
		TAP_EXPECT_EQ(sizeof(struct T), latest);				\
		MEMBERS(OFFSET_CHECK, T)					\
		MEMBERS(MEMBER_SIZE_SUM, T)					\
		TAP_EXPECT_EQ(sum, sizeof(struct T));				\
	}
ABI_STRUCTS(LAYOUT_TEST)

static void pointers_are_u64(void)
{
#define POINTER_IS_U64(TYPE, member)						\
	TAP_EXPECT(_Generic(((struct TYPE *)0)->member,			\
			    __u64: 1, default: 0));
	ARENA_POINTER_MEMBERS(POINTER_IS_U64)
#undef POINTER_IS_U64
}

/*
 * The size in a command number is 0 on purpose (the structures grow), and
 * the magic keeps our numbers apart from other drivers'.
 */
static void ioc_numbers(void)
{
#define COMMAND_CHECK(cmd, nr)							\
	TAP_EXPECT_EQ(_IOC_TYPE(cmd), ARENA_IOC_MAGIC);				\
	TAP_EXPECT_EQ(_IOC_NR(cmd), nr);					\
	TAP_EXPECT_EQ(_IOC_SIZE(cmd), 0);					\
	TAP_EXPECT_EQ(_IOC_DIR(cmd), _IOC_NONE);
	ARENA_COMMANDS(COMMAND_CHECK)
#undef COMMAND_CHECK
}

/*
 * The header alone, as the only include of a strict C11 translation
 * unit: what a program that includes nothing else before it sees.
 */
static void header_compiles_alone(void)
{
	char *argv[] = {
		ABI_CC, "-std=c11", "-pedantic-errors", "-Wall", "-Wextra",
		"-Werror", "-fsyntax-only", "-I", ABI_UAPI_DIR,
		"-include", "arena_kmod.h", "-x", "c", "/dev/null", NULL,
	};
	static struct run_result res;

	TAP_EXPECT_OK(run_capture(argv[0], argv, &res));
	TAP_EXPECT_EQ(res.status, 0);
	if (res.status)
		run_dump(&res);
}

#define LAYOUT_ENTRY(T, latest, MEMBERS)	{ "abi", #T "-layout", T##_layout },

static const struct tap_test tests[] = {
	{ "abi", "header-compiles-alone", header_compiles_alone },
	ABI_STRUCTS(LAYOUT_ENTRY)
	{ "abi", "pointers-are-u64", pointers_are_u64 },
	{ "abi", "ioc-numbers", ioc_numbers },
};

TAP_MAIN(tests)
