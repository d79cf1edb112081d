# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# What a build of libarena and arenactl needs to know, included by
# userspace/Makefile and tests/unit/Makefile so that the source list, the
# version and the language flags live in one place.

LIBARENA_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
LIBARENA_ROOT := $(abspath $(LIBARENA_DIR)/../..)

LIBARENA_SRCS := $(addprefix $(LIBARENA_DIR)/,arena.c btf_maps.c elf_object.c global_funcs.c \
					      libarena.c link.c log.c object.c prog.c relocate.c \
					      ringbuf.c user_ringbuf.c)
# The ELF loader's: libbpf (BTF, the static linker), libelf, and zlib for both.
LIBARENA_LDLIBS := -lbpf -lelf -lz
ARENACTL_SRCS := $(addprefix $(LIBARENA_ROOT)/userspace/cli/,main.c arena.c array.c disasm.c \
							 fields.c hex.c json.c list.c objref.c prog.c \
							 prog_object.c \
							 ring.c spawn.c)

# dkms.conf holds the project's one version number.
LIBARENA_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' \
			$(LIBARENA_ROOT)/dkms.conf)
ifeq ($(LIBARENA_VERSION),)
$(error no PACKAGE_VERSION in $(LIBARENA_ROOT)/dkms.conf)
endif
LIBARENA_MAJOR := $(firstword $(subst ., ,$(LIBARENA_VERSION)))

LIBARENA_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD \
		   -DLIBARENA_VERSION=\"$(LIBARENA_VERSION)\" \
		   -I$(LIBARENA_ROOT)/include/uapi -I$(LIBARENA_DIR)
