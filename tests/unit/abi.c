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
 * Every member of struct arena_version with the offset it was published
 * at.  A member added to the structure must be added here too, or
 * no-implicit-padding fails.
 */
#define ARENA_VERSION_MEMBERS(X)	\
	X(size, 0)			\
	X(flags, 4)			\
	X(abi_version, 8)		\
	X(page_size, 12)		\
	X(features, 16)			\
	X(module_version, 24)

/*
 * Members that carry a user pointer, as (struct, member): each must be a
 * __u64, so that 32-bit and 64-bit processes share one layout.  None yet.
 */
#define ARENA_POINTER_MEMBERS(X)

#define MEMBER_SIZE(TYPE, MEMBER)	sizeof(((TYPE *)0)->MEMBER)

#define VERSION_OFFSET_ASSERT(member, offset)					\
	static_assert(offsetof(struct arena_version, member) == (offset),	\
		      "arena_version." #member " moved");
ARENA_VERSION_MEMBERS(VERSION_OFFSET_ASSERT)

static void version_size(void)
{
	TAP_EXPECT_EQ(sizeof(struct arena_version), ARENA_VERSION_SIZE_VER0);
}

static void version_offsets(void)
{
#define VERSION_OFFSET_CHECK(member, offset)					\
	TAP_EXPECT_EQ(offsetof(struct arena_version, member), offset);
	ARENA_VERSION_MEMBERS(VERSION_OFFSET_CHECK)
#undef VERSION_OFFSET_CHECK
}

/* Padding is left to each compiler; the ABI must not have any. */
static void version_no_implicit_padding(void)
{
	size_t sum = 0;

#define VERSION_MEMBER_SIZE(member, offset)					\
	sum += MEMBER_SIZE(struct arena_version, member);
	ARENA_VERSION_MEMBERS(VERSION_MEMBER_SIZE)
#undef VERSION_MEMBER_SIZE
	TAP_EXPECT_EQ(sum, sizeof(struct arena_version));
}

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
static void ioc_version_number(void)
{
	TAP_EXPECT_EQ(_IOC_TYPE(ARENA_IOC_VERSION), ARENA_IOC_MAGIC);
	TAP_EXPECT_EQ(_IOC_NR(ARENA_IOC_VERSION), 0);
	TAP_EXPECT_EQ(_IOC_SIZE(ARENA_IOC_VERSION), 0);
	TAP_EXPECT_EQ(_IOC_DIR(ARENA_IOC_VERSION), _IOC_NONE);
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

static const struct tap_test tests[] = {
	{ "abi", "header-compiles-alone", header_compiles_alone },
	{ "abi", "version-size-is-ver0", version_size },
	{ "abi", "version-offsets", version_offsets },
	{ "abi", "version-no-implicit-padding", version_no_implicit_padding },
	{ "abi", "pointers-are-u64", pointers_are_u64 },
	{ "abi", "ioc-version-number", ioc_version_number },
};

TAP_MAIN(tests)
