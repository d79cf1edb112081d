// SPDX-License-Identifier: GPL-2.0
/*
 * Global functions of every argument kind the loader lists for the
 * verifier, and functions it must leave out (static, hidden, a callback,
 * a struct by value, an unsized pointee, a pointer returned).  Each is a
 * leaf with a body of its own (its constant), so that the test finds where
 * it was appended by comparing instructions.
 */
#include <arena/bpf_arena.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
} arena SEC(".maps");

struct pair {
	__u64 a;
	__u32 b;
};

typedef const struct pair pair_t;
struct opaque;
enum colour { RED, GREEN };

__noinline int scalars(int a, __u64 b, bool c, enum colour d, char e)
{
	return a + b + c + d + e + 101;
}

__noinline int arena_arg(int __arena *p __arg_arena)
{
	return *p + 102;
}

__noinline int tagged_ctx(void *ctx __arg_ctx)
{
	return *(int *)ctx + 103;
}

__noinline int void_ctx(void *ctx)
{
	return *(int *)ctx + 104;
}

__noinline int mem(pair_t *p)
{
	return p ? p->b + 105 : 0;
}

__noinline int nonnull_mem(int x, struct pair *p __arg_nonnull)
{
	return p->b + x + 106;
}

__noinline void no_result(struct pair *p)
{
	if (p)
		p->a = 107;
}

static __noinline int static_fn(int x)
{
	return x + 108;
}

__attribute__((visibility("hidden"))) __noinline int hidden_fn(int x)
{
	return x + 109;
}

__noinline int by_value(struct pair p)
{
	return p.a + p.b + 110;
}

__noinline int unsized(struct opaque *p)
{
	return p ? 111 : 0;
}

__noinline __u64 *pointer_back(__u64 *p)
{
	return p ? p + 1 : (__u64 *)0;
}

__noinline int callback(__u32 index, void *ctx)
{
	*(__u64 *)ctx += index + 112;
	return 0;
}

SEC("syscall")
int call_each(void *ctx)
{
	struct pair p = { 1, 2 };
	int __arena *slot = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	__u64 sum = 0, *back;
	int r;

	if (!slot)
		return -1;
	r = scalars(1, 2, true, GREEN, 'x');
	r += arena_arg(slot);
	r += tagged_ctx(ctx);
	r += void_ctx(ctx);
	r += mem(&p);
	r += nonnull_mem(r, &p);
	no_result(&p);
	r += static_fn(r);
	r += hidden_fn(r);
	r += by_value(p);
	r += unsized((struct opaque *)ctx);
	back = pointer_back(&sum);
	bpf_loop(2, callback, &sum, 0);
	return r + sum + (back != 0);
}

char _license[] SEC("license") = "GPL";
