// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF loader against the real module: objects clang-19 built from
 * tests/loader/ (the harness copies them to /data/loader) loaded and run,
 * their results read back through the globals in .data/.bss/.rodata and
 * the arena; a list that a program builds in the arena is walked here, in
 * this process's mapping, with the same header the program used.  The
 * kernel's own arena selftests, arena_list.c and arena_htab.c, unchanged
 * from Debian's linux-source-6.12 and built against our compat headers
 * (kernel_*.bpf.o), are checked as their prog_tests/ check them.
 */
#include <unistd.h>

#include "arena_htab.h"
#include "arena_list.h"
#include "libarena.h"
#include "object_run.h"
#include "tap.h"

#define DATA_DIR	"/data/loader"

struct loaded {
	struct arena_dev *dev;
	struct arena_object *obj;
};

static struct loaded load(const char *name)
{
	struct loaded l = { 0 };
	char path[256];
	int err;

	snprintf(path, sizeof(path), DATA_DIR "/%s.bpf.o", name);
	err = arena_dev__open(NULL, &l.dev);
	if (err) {
		tap_fail(__FILE__, __LINE__, "arena_dev__open: %s", strerror(-err));
		return l;
	}
	l.obj = arena_object__open_file(path, NULL);
	if (!l.obj) {
		tap_fail(__FILE__, __LINE__, "opening %s: %s", path, strerror(errno));
		return l;
	}
	err = arena_object__load(l.obj, l.dev);
	if (err) {
		tap_fail(__FILE__, __LINE__, "loading %s: %s", path, strerror(-err));
		arena_object__close(l.obj);
		l.obj = NULL;
	}
	return l;
}

static void unload(struct loaded *l)
{
	arena_object__close(l->obj);
	arena_dev__close(l->dev);
}

/*
 * list_build links `count` elements (100, 101, ...) in the arena; user
 * space walks them natively; list_sum_free sums and frees them, and the
 * arena is back to the page the __arena globals use.
 */
static void arena_list_built_walked_freed(void)
{
	struct loaded l = load("arena_list");
	struct arena_list_head **head;
	struct arena_info info;
	__u64 *built, *sum, walked_sum;
	int *count;

	if (!l.obj)
		goto out;
	count = object_global(l.obj, "count", sizeof(*count));
	head = object_global(l.obj, "list_head", sizeof(*head));
	built = object_global(l.obj, "built", sizeof(*built));
	sum = object_global(l.obj, "list_sum", sizeof(*sum));
	if (!count || !head || !built || !sum)
		goto out;
	TAP_EXPECT_EQ(*count, 10);
	TAP_EXPECT_EQ(*built, 1000);
	*count = 50;
	TAP_EXPECT_EQ(object_run(l.obj, "list_build"), 0);
	TAP_EXPECT_EQ(*built, 1050);
	TAP_EXPECT(*head != NULL);
	if (!*head)
		goto out;
	TAP_EXPECT_EQ(arena_list_walk(*head, &walked_sum), 50);
	TAP_EXPECT_EQ(walked_sum, 50 * 100 + 49 * 50 / 2);
	TAP_EXPECT_EQ(object_run(l.obj, "list_sum_free"), 0);
	TAP_EXPECT_EQ(*sum, walked_sum);
	TAP_EXPECT((*head)->first == NULL);
	TAP_EXPECT_OK(arena_map__info(arena_object_map__arena(
		arena_object__find_map_by_name(l.obj, "arena")), &info));
	TAP_EXPECT_EQ(info.pages_in_use, 1);
out:
	unload(&l);
}

/* A hash table a program filled, looked up here with the same header. */
static void arena_htab_filled_and_looked_up(void)
{
	struct loaded l = load("arena_htab");
	struct htab **htab;

	if (!l.obj)
		goto out;
	htab = object_global(l.obj, "htab_for_user", sizeof(*htab));
	if (!htab)
		goto out;
	TAP_EXPECT_EQ(object_run(l.obj, "htab_fill"), 0);
	TAP_EXPECT(*htab != NULL);
	/* The second pass replaced every value. */
	if (*htab)
		TAP_EXPECT_EQ(htab_wrong_values(*htab, 2), 0);
out:
	unload(&l);
}

/*
 * The kernel's arena_list.c: arena_list_add links elements 0 .. cnt - 1,
 * counting them in the __arena test_val (from 1) and summing them in the
 * __arena arena_sum; arena_list_del sums them again into list_sum and
 * frees them.  prog_tests/arena_list.c checks cnt 1 and 1000 so.
 */
static void kernel_arena_list(int cnt)
{
	struct loaded l = load("kernel_arena_list");
	long expected = (long)cnt * (cnt - 1) / 2;
	struct arena_list_head **head;
	int *count, *list_sum, *test_val;
	__u64 walked_sum;
	bool *skip;
	long *arena_sum;

	if (!l.obj)
		goto out;
	count = object_global(l.obj, "cnt", sizeof(*count));
	skip = object_global(l.obj, "skip", sizeof(*skip));
	head = object_global(l.obj, "list_head", sizeof(*head));
	list_sum = object_global(l.obj, "list_sum", sizeof(*list_sum));
	arena_sum = object_global(l.obj, "arena_sum", sizeof(*arena_sum));
	test_val = object_global(l.obj, "test_val", sizeof(*test_val));
	if (!count || !skip || !head || !list_sum || !arena_sum || !test_val)
		goto out;
	*count = cnt;
	TAP_EXPECT_EQ(object_run(l.obj, "arena_list_add"), 0);
	/* clang-19 has the arena casts the program needs: nothing skipped. */
	TAP_EXPECT(!*skip);
	TAP_EXPECT(*head != NULL);
	if (!*head)
		goto out;
	TAP_EXPECT_EQ(arena_list_walk(*head, &walked_sum), cnt);
	TAP_EXPECT_EQ(walked_sum, expected);
	TAP_EXPECT_EQ(*arena_sum, expected);
	TAP_EXPECT_EQ(*test_val, cnt + 1);
	TAP_EXPECT_EQ(object_run(l.obj, "arena_list_del"), 0);
	TAP_EXPECT_EQ(arena_list_walk(*head, &walked_sum), 0);
	TAP_EXPECT_EQ(*list_sum, expected);
	TAP_EXPECT_EQ(*arena_sum, expected);
out:
	unload(&l);
}

static void kernel_arena_list_1(void)
{
	kernel_arena_list(1);
}

static void kernel_arena_list_1000(void)
{
	kernel_arena_list(1000);
}

/*
 * The kernel's arena_htab.c: arena_htab_llvm updates keys 0 .. 99999 and
 * then 0 .. 999 again, each to itself, through the weak global
 * htab_update_elem() (an __arg_arena table), which the verifier must
 * check once rather than at every call.  prog_tests/arena_htab.c touches
 * the arena's first page first and looks keys 0, 4, 8, 12 up from here.
 */
static void kernel_arena_htab(void)
{
	struct loaded l = load("kernel_arena_htab");
	struct arena_map *arena;
	struct htab **htab;
	bool *skip;
	int key;

	if (!l.obj)
		goto out;
	htab = object_global(l.obj, "htab_for_user", sizeof(*htab));
	skip = object_global(l.obj, "skip", sizeof(*skip));
	arena = arena_object_map__arena(arena_object__find_map_by_name(l.obj, "arena"));
	TAP_EXPECT(arena != NULL);
	if (!htab || !skip || !arena)
		goto out;
	*(volatile int *)arena_map__ptr(arena, 0) = 0x55aa;
	TAP_EXPECT_EQ(object_run(l.obj, "arena_htab_llvm"), 0);
	TAP_EXPECT(!*skip);
	TAP_EXPECT(*htab != NULL);
	if (!*htab)
		goto out;
	TAP_EXPECT((*htab)->buckets != NULL);
	for (key = 0; (*htab)->buckets && key < 16; key += 4)
		TAP_EXPECT_EQ(htab_lookup_elem(*htab, key), key);
out:
	unload(&l);
}

/* .data, .bss and .rodata, by their own and their sections' symbols. */
static void globals_read_and_written(void)
{
	struct loaded l = load("globals");
	__u64 *counter, *zeroed;

	if (!l.obj)
		goto out;
	counter = object_global(l.obj, "counter", sizeof(*counter));
	zeroed = object_global(l.obj, "zeroed", sizeof(*zeroed));
	if (!counter || !zeroed)
		goto out;
	/* counter 42 plus hidden_bss (0 + 6). */
	TAP_EXPECT_EQ(object_run(l.obj, "bump"), 48);
	TAP_EXPECT_EQ(*counter, 42);
	TAP_EXPECT_EQ(*zeroed, 7);
	/* counter 44, hidden 7, hidden_bss 13: the statics kept their values. */
	TAP_EXPECT_EQ(object_run(l.obj, "bump"), 57);
	*counter = 1000;
	TAP_EXPECT_EQ(object_run(l.obj, "bump"), 1002 + 21);
out:
	unload(&l);
}

static void calls_and_callbacks_run(void)
{
	struct loaded l = load("calls");

	if (l.obj) {
		TAP_EXPECT_EQ(object_run(l.obj, "call_chain"), 41);
		/* 0 + 1 + 2 + 3 + 4 from the callback, plus twice(1). */
		TAP_EXPECT_EQ(object_run(l.obj, "with_loop"), 12);
	}
	unload(&l);
}

/* The arena kfuncs and the initialised __arena globals. */
static void arena_globals_and_kfuncs_run(void)
{
	struct loaded l = load("arena_globals");
	__u64 *second;
	int *first;

	if (!l.obj)
		goto out;
	first = object_global(l.obj, "first", sizeof(*first));
	second = object_global(l.obj, "second", sizeof(*second));
	if (!first || !second)
		goto out;
	TAP_EXPECT_EQ(*first, 11);
	TAP_EXPECT_EQ(*second, 22);
	TAP_EXPECT_EQ(object_run(l.obj, "touch"), 0);
	TAP_EXPECT_EQ(*second, 33);
	*first = 5;
	TAP_EXPECT_EQ(object_run(l.obj, "release"), 5);
out:
	unload(&l);
}

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	if (size == sizeof(__u64))
		(*(int *)ctx)++;
	return 0;
}

/* An arena at its map_extra, a ring, a user ring and an mmapable array. */
static void maps_of_each_kind_run(void)
{
	struct loaded l = load("maps");
	struct arena_object_map *values, *ring;
	struct arena_ring_buffer *rb = NULL;
	struct arena_info info;
	__u64 *v;
	int records = 0;

	if (!l.obj)
		goto out;
	TAP_EXPECT_EQ(object_run(l.obj, "use_maps"), 1);
	values = arena_object__find_map_by_name(l.obj, "values");
	v = arena_object_map__values(values, NULL);
	TAP_EXPECT(v != NULL);
	if (v)
		TAP_EXPECT_EQ(v[1], 1);
	ring = arena_object__find_map_by_name(l.obj, "ring");
	rb = arena_ring_buffer__new(arena_object_map__fd(ring), count_record, &records, NULL);
	TAP_EXPECT(rb != NULL);
	if (rb)
		TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 1);
	TAP_EXPECT_EQ(records, 1);
	TAP_EXPECT_OK(arena_map__info(arena_object_map__arena(
		arena_object__find_map_by_name(l.obj, "arena")), &info));
	TAP_EXPECT_EQ(info.user_addr, 1ULL << 36);
	TAP_EXPECT_EQ(info.flags, ARENA_F_SEGV_ON_FAULT);
out:
	arena_ring_buffer__free(rb);
	unload(&l);
}

/* Two objects linked into one: a call across them, both .data kept. */
static void linked_objects_run(void)
{
	const char *paths[] = { DATA_DIR "/link_a.bpf.o", DATA_DIR "/link_b.bpf.o" };
	struct arena_object *obj = arena_object__open_files(paths, 2, NULL);
	struct loaded l = { .obj = obj };

	TAP_EXPECT(obj != NULL);
	TAP_EXPECT_OK(arena_dev__open(NULL, &l.dev));
	if (obj && l.dev) {
		TAP_EXPECT_OK(arena_object__load(obj, l.dev));
		TAP_EXPECT_EQ(object_run(l.obj, "in_a"), 120);
	}
	unload(&l);
}

static const struct tap_test tests[] = {
	{ "loader", "arena-list-built-walked-freed", arena_list_built_walked_freed },
	{ "loader", "arena-htab-filled-and-looked-up", arena_htab_filled_and_looked_up },
	{ "loader", "globals-read-and-written", globals_read_and_written },
	{ "loader", "calls-and-callbacks-run", calls_and_callbacks_run },
	{ "loader", "arena-globals-and-kfuncs-run", arena_globals_and_kfuncs_run },
	{ "loader", "maps-of-each-kind-run", maps_of_each_kind_run },
	{ "loader", "linked-objects-run", linked_objects_run },
	{ "loader", "kernel-arena-list-1", kernel_arena_list_1 },
	{ "loader", "kernel-arena-list-1000", kernel_arena_list_1000 },
	{ "loader", "kernel-arena-htab", kernel_arena_htab },
};

TAP_MAIN(tests)
