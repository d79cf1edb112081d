# SPDX-License-Identifier: GPL-2.0
#
# Sourced: sets cache to where the test kernels live (Debian's, fetched by
# scripts/fetch-kernels.sh, and the debug kernel scripts/build-debug-kernel.sh
# builds).  Per machine, not per checkout, so that every clone (CI's
# included) and worktree reuses them, the debug kernel is built once per
# machine, and the absolute paths their build trees record stay valid.
# ARENA_CACHE overrides it.

cache=${ARENA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-kmod}
