// SPDX-License-Identifier: GPL-2.0
/*
 * What the loader does not know, one at a time (-DUNKNOWN_EXTERN, ...):
 * each object must be refused with the unknown thing named.
 */
#include <arena/bpf_arena.h>

#if defined(UNKNOWN_EXTERN)
extern int bpf_no_such_kfunc(int x) __ksym;
#define BODY	return bpf_no_such_kfunc(1)
#elif defined(UNKNOWN_SECTION)
int odd_place SEC(".odd_place") = 1;
#define BODY	return odd_place
#elif defined(UNKNOWN_MAP_TYPE)
struct {
	__uint(type, 1);	/* BPF_MAP_TYPE_HASH */
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} hash_map SEC(".maps");
#define BODY	return bpf_map_lookup_elem(&hash_map, &(__u32){ 0 }) != 0
#elif defined(UNKNOWN_MAP_ATTR)
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(pinning, 1);
	__type(key, __u32);
	__type(value, __u32);
} pinned SEC(".maps");
#define BODY	return bpf_map_lookup_elem(&pinned, &(__u32){ 0 }) != 0
#elif defined(UNKNOWN_PROG_TYPE)
#define PROG_SEC	"xdp"
#define BODY	return 2
#endif

#ifndef PROG_SEC
#define PROG_SEC	"syscall"
#endif

SEC(PROG_SEC)
int refused(void *ctx)
{
	BODY;
}

char _license[] SEC("license") = "GPL";
