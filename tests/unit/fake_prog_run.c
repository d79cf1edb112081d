// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier and the interpreter behind the fake module (see
 * fake_prog_run.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_module.h"
#include "fake_prog_run.h"
#include "prog_core.h"
#include "prog_fakes.h"

struct host_prog {
	int fd;
	struct prog_core core;
	struct prog_obj objs[PROG_OBJS_MAX];
	void *maps[PROG_OBJS_MAX];	/* the arrays' values, mapped here */
	size_t map_sizes[PROG_OBJS_MAX];
};

/*
 * Arenas, one per mapping, shared by the programs that use it: which of
 * its pages are present is the arena's, not a program's.
 */
struct host_arena {
	void *base;
	struct fake_arena *arena;
	struct prog_obj obj;
};

static struct host_prog host_progs[FAKE_PROGS_MAX];
static int nr_host_progs;
static struct host_arena host_arenas[FAKE_PROGS_MAX];
static int nr_host_arenas;
static char verifier_log[4096];

/* Where this process mapped fd (the library's arena mapping), or NULL. */
static void *mapping_of(int fd)
{
	unsigned long start, end, inode;
	struct stat st;
	char line[512];
	void *found = NULL;
	FILE *maps;

	if (fstat(fd, &st) || !(maps = fopen("/proc/self/maps", "r")))
		return NULL;
	while (!found && fgets(line, sizeof(line), maps))
		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu", &start, &end, &inode) == 3 &&
		    inode == st.st_ino && strstr(line, "fake-arena"))
			found = (void *)start;
	fclose(maps);
	return found;
}

/* The arena made by made, as its fd is mapped here, into *obj. */
static int host_arena(const struct fake_object *made, int fd, struct prog_obj *obj)
{
	struct host_arena *ha;
	void *base = mapping_of(fd);
	int i;

	if (!base)
		return EINVAL;
	for (i = 0; i < nr_host_arenas; i++) {
		if (host_arenas[i].base == base) {
			*obj = host_arenas[i].obj;
			return 0;
		}
	}
	if (nr_host_arenas == FAKE_PROGS_MAX)
		return E2BIG;
	ha = &host_arenas[nr_host_arenas];
	ha->base = base;
	ha->arena = fake_arena_create_backed(made->arena.nr_pages, (unsigned long)base,
					     made->arena.flags & ARENA_F_NO_USER_CONV ?
					     PROG_OBJ_F_NO_USER_CONV : 0, base, &ha->obj);
	if (!ha->arena)
		return ENOMEM;
	nr_host_arenas++;
	*obj = ha->obj;
	return 0;
}

static int host_obj(struct host_prog *hp, u32 i, int fd)
{
	const struct fake_object *made = fake_object_of(fd);
	struct prog_obj *obj = &hp->objs[i];

	if (!made)
		return EBADF;
	if (made->cmd == ARENA_IOC_CREATE)
		return host_arena(made, fd, obj);
	if (made->cmd != ARRAY_IOC_CREATE)
		return EOPNOTSUPP;
	*obj = (struct prog_obj){
		.kind = PROG_OBJ_ARRAY,
		.flags = made->array.flags & ARRAY_F_RDONLY_PROG ? PROG_OBJ_F_RDONLY_PROG : 0,
		.value_size = made->array.value_size,
		.max_entries = made->array.max_entries,
		.value_stride = (made->array.value_size + 7) & ~7U,
	};
	hp->map_sizes[i] = (size_t)obj->value_stride * obj->max_entries;
	hp->maps[i] = mmap(NULL, hp->map_sizes[i], PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (hp->maps[i] == MAP_FAILED) {
		hp->maps[i] = NULL;
		return ENOMEM;
	}
	obj->values = hp->maps[i];
	return 0;
}

static void host_prog_release(struct host_prog *hp)
{
	u32 i;

	verifier_release(&hp->core);
	free(hp->core.insns);
	for (i = 0; i < PROG_OBJS_MAX; i++)
		if (hp->maps[i])
			munmap(hp->maps[i], hp->map_sizes[i]);
	memset(hp, 0, sizeof(*hp));
}

static int host_prog_load(const struct fake_prog_load *prog, int prog_fd)
{
	struct host_prog *hp = &host_progs[nr_host_progs];
	struct verifier_log log = {
		.buf = verifier_log, .size = sizeof(verifier_log), .level = 1,
	};
	u32 i;
	int err = 0;

	if (nr_host_progs == FAKE_PROGS_MAX)
		return E2BIG;
	memset(hp, 0, sizeof(*hp));
	for (i = 0; !err && i < prog->req.nr_objs; i++)
		err = host_obj(hp, i, prog->obj_fds[i]);
	hp->core.insns = malloc(prog->req.insn_cnt * sizeof(*prog->insns));
	if (!err && !hp->core.insns)
		err = ENOMEM;
	if (!err) {
		memcpy(hp->core.insns, prog->insns, prog->req.insn_cnt * sizeof(*prog->insns));
		hp->core.len = prog->req.insn_cnt;
		hp->core.ctx_size = prog->req.ctx_size;
		hp->core.objs = hp->objs;
		hp->core.nr_objs = prog->req.nr_objs;
		verifier_log[0] = 0;
		err = -verifier_check_with_globals(&hp->core, prog->global_funcs,
						   prog->req.nr_global_funcs, &log);
	}
	if (err) {
		host_prog_release(hp);
		return err;
	}
	hp->fd = prog_fd;
	nr_host_progs++;
	return 0;
}

static int host_prog_run(int prog_fd, struct prog_run *req)
{
	unsigned char ctx[PROG_CTX_MAX] = { 0 };
	int i;

	for (i = 0; i < nr_host_progs; i++) {
		if (host_progs[i].fd != prog_fd)
			continue;
		req->retval = interp_run(&host_progs[i].core, ctx);
		return 0;
	}
	return EBADF;
}

void fake_prog_run_start(void)
{
	fake.prog_load_hook = host_prog_load;
	fake.prog_run_hook = host_prog_run;
}

void fake_prog_run_stop(void)
{
	while (nr_host_progs)
		host_prog_release(&host_progs[--nr_host_progs]);
	while (nr_host_arenas)
		fake_arena_destroy(host_arenas[--nr_host_arenas].arena);
	fake.prog_load_hook = NULL;
	fake.prog_run_hook = NULL;
}

const char *fake_prog_run_log(void)
{
	return verifier_log;
}
