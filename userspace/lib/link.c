// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Several object files made one, as `bpftool gen object` does, with
 * libbpf's static linker: it merges same-named sections (.addr_space.1
 * included), resolves externs between the files and fills in the BTF.
 * The linker writes a file by name; ours is a memfd, named through
 * /proc/self/fd, so that nothing touches the file system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "loader.h"

static libbpf_print_fn_t libbpf_print_saved;

static int libbpf_print_forward(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	libarena_vprint(level == LIBBPF_WARN ? LIBARENA_WARN :
			level == LIBBPF_INFO ? LIBARENA_INFO : LIBARENA_DEBUG, fmt, ap);
	return 0;
}

void libbpf_print_redirect(void)
{
	libbpf_print_saved = libbpf_set_print(libbpf_print_forward);
}

void libbpf_print_restore(void)
{
	libbpf_set_print(libbpf_print_saved);
}

static int linker_run(const char *out, const char *const *paths, size_t n)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct bpf_linker *linker;
	int err = 0;
	size_t i;

	linker = bpf_linker__new(out, NULL);
	if (!linker)
		return -errno;
	for (i = 0; !err && i < n; i++) {
		err = bpf_linker__add_file(linker, paths[i], NULL);
		if (err)
			pr_warn("linking %s: %s\n", paths[i], libarena_errstr(err, buf));
	}
	if (!err)
		err = bpf_linker__finalize(linker);
	bpf_linker__free(linker);
	return err;
}

int objects_link(const char *const *paths, size_t n, void **imagep, size_t *sizep)
{
	char out[64];
	int fd, err;

	fd = memfd_create("libarena-linked", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(out, sizeof(out), "/proc/self/fd/%d", fd);
	libbpf_print_redirect();
	err = linker_run(out, paths, n);
	libbpf_print_restore();
	if (!err)
		err = fd_read_all(fd, imagep, sizep);
	close(fd);
	return err;
}
