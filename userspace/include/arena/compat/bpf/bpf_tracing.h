/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libbpf's <bpf/bpf_tracing.h> for arena-kmod programs: see ../vmlinux.h. */
#ifndef ARENA_COMPAT_BPF_TRACING_H
#define ARENA_COMPAT_BPF_TRACING_H

#include "../../bpf_arena.h"

#endif
