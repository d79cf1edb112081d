# SPDX-License-Identifier: GPL-2.0
#
# How programs for arena-kmod are compiled, for every Makefile that builds
# some (tests/unit, tests/vm, examples): clang-19 for the BPF target, with
# <arena/bpf_arena.h> and the selftest-named headers of its compat/
# directory on the include path.  -g is not optional: maps are described
# in BTF.
#
#	$(O)/foo.bpf.o: foo.bpf.c
#		$(BPF_COMPILE) -MMD

BPF_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

BPF_CC ?= clang-19
BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -I$(BPF_ROOT)/userspace/include \
	      -I$(BPF_ROOT)/userspace/include/arena/compat

# The object at $@ from the source at $<; callers add their dependency
# flags (where the .d goes is theirs to say) and any -D.
BPF_COMPILE = mkdir -p $(dir $@) && $(BPF_CC) $(BPF_CFLAGS) -c -o $@ $<
