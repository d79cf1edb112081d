// SPDX-License-Identifier: GPL-2.0
/* A bounded loop over an array value from a lookup, indexed by ctx. */
#include "common.h"

struct obj values;

struct val {
	__u64 slot[2];
};

int prog(__u32 *ctx)
{
	__u32 key = 0;
	struct val *v;
	__u64 sum = 0;
	__u32 i, n;

	v = bpf_map_lookup_elem(&values, &key);
	if (!v)
		return 0;
	n = ctx[0];
	for (i = 0; i < 2 && i < n; i++)
		sum += v->slot[i];
	v->slot[ctx[1] & 1] = sum;
	return sum & 0xff;
}
