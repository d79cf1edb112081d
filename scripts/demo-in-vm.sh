#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` shows inside the VM, with arena_kmod loaded.  It grows
# with the product: each object type adds a few commands here.

# Runs a command under its "$ " line; a failure says so, for demo.sh to see.
show() {
	echo "\$ $*"
	"$@" 2>&1 || echo "[exit status $?]"
}

show uname -r
show ls -l /dev/arena
show cat /sys/module/arena_kmod/version
show arenactl version
show arenactl version --json
show arena-demo
# The examples of examples/ (README.md there says what each shows).
show linked-list
show shared-htab
show event-stream
