/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libbpf's <bpf/bpf_helpers.h> for arena-kmod programs: see ../vmlinux.h. */
#ifndef ARENA_COMPAT_BPF_HELPERS_H
#define ARENA_COMPAT_BPF_HELPERS_H

#include "../../bpf_arena.h"

#endif
