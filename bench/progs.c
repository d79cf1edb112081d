// SPDX-License-Identifier: GPL-2.0
/*
 * The programs benchmark: the same clang-19 object files (bench/progs/)
 * loaded through our ELF loader onto /dev/arena and into the kernel's own
 * BPF, run as root inside a test VM with the module loaded (bench/run.sh
 * boots it, with the objects in PROGS_DIR).
 *
 *	progs [-r ROUNDS]
 *
 * The kernel's side is our loader's own output: the relocated
 * instructions of arena_program__insns() name maps by index
 * (BPF_PSEUDO_MAP_IDX, _IDX_VALUE), which BPF_PROG_LOAD resolves through
 * an fd_array of kernel maps made from the same declarations and images
 * (arena_object__program_map()); only kfunc calls change, from our ids to
 * the kfuncs' BTF ids in vmlinux.  What libbpf 1.1 cannot do with arena
 * objects (../shared/reference/toolchain-facts.md) is thereby not needed.
 *
 * Three kinds of scenario per program:
 *  - run time: mean time of one run, ours (through the JIT if the module
 *    has one) against the kernel's JIT;
 *  - load time: PROG_IOC_LOAD against BPF_PROG_LOAD of the same
 *    instructions, the maps already made: verification and JIT;
 *  - JIT against interpreter: ours twice, loaded with the module's jit
 *    parameter on and off.
 * Rounds, warm-up and output as in bench.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/btf.h>

#include <arena_kmod.h>

#include "bench.h"
#include "dev.h"
#include "libarena.h"
#include "vmtest.h"

/* Linux 6.9+: absent from the 6.1 uapi headers we build with. */
#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA	33
#endif

#define PROGS_DIR	"/bench-bpf"
#define ROUND_SECONDS	0.2	/* how long the runs of one round take, about */
#define MAX_REPEAT	100000
#define LOADS		4	/* loads per round of a load-time scenario, */
#define LOAD_SECONDS	1.0	/* unless they take longer than this */

/* One program of one object file, and how to run it. */
struct prog_case {
	const char *name;	/* of its scenarios */
	const char *file;	/* in PROGS_DIR */
	const char *prog;
	const char *setup;	/* a program run once after load, or NULL */
	/*
	 * It calls bpf_arena_alloc_pages(), which 6.12 allows only in
	 * sleepable programs: the kernel's is a BPF_PROG_TYPE_SYSCALL
	 * program, whose test runs have no repeat; both sides then run it
	 * once per system call, timed from user space.  Others are socket
	 * filters run with repeat, timed by the kernel, as ours are.
	 */
	bool sleepable;
	const char *what;	/* the scenario's note */
};

static const struct prog_case cases[] = {
	{ "compute", "compute.bpf.o", "compute", NULL, false,
	  "20000 rounds of xorshift64, multiplies and a branch, bounded by can_loop" },
	{ "array", "array.bpf.o", "array", NULL, false,
	  "1024 bpf_map_lookup_elem() on a 1024-entry array map, each value updated, "
	  "and as many reads and writes of a global (.bss) array" },
	{ "arena-list", "arena_list.bpf.o", "list_build_walk", NULL, true,
	  "512 elements bpf_alloc()ed in the arena and added to a list, the list walked "
	  "and summed, every element unlinked and freed" },
	{ "arena-htab", "arena_htab.bpf.o", "htab_update_lookup", "htab_setup", true,
	  "a 256-key hash table in the arena (the selftests' arena_htab): every key's "
	  "element replaced (one alloc, one free), then every key looked up" },
	{ "arena-empty", "arena_pages.bpf.o", "arena_empty", NULL, true,
	  "one arena access: what a run of a sleepable arena program costs besides its code" },
	{ "arena-pages", "arena_pages.bpf.o", "arena_pages", NULL, true,
	  "4 rounds of bpf_arena_alloc_pages() of one page, a write to it, and "
	  "bpf_arena_free_pages()" },
};

/* Where a program runs: ours through the JIT or the interpreter, or the kernel's. */
enum side { SIDE_JIT, SIDE_KERN, SIDE_INTERP, NSIDES };

static const char *const side_name[NSIDES] = { "ours", "kernel", "ours (interpreter)" };

/* One case loaded on one side. */
struct loaded {
	bool kern;			/* the kernel's: prog_fd and map_fds are its own */
	struct arena_object *obj;	/* ours; the kernel's instructions come from it too */
	int prog_fd;
	/* the kernel's: its maps, in the object's order, and its arena's mapping */
	int map_fds[PROG_OBJS_MAX];
	size_t nr_maps;
	void *arena;
	size_t arena_len;
	__u32 repeat;			/* runs per round, from the warm-up */
	bool ran;			/* since it was loaded */
	long long first_retval;		/* of the first run */
};

static struct arena_dev *dev;
static struct btf *vmlinux_btf;
static long page_size;
static const struct prog_case *cur;		/* the case of the scenarios running */
static struct loaded sides[COUNT(cases)][NSIDES];
static char prog_log[1 << 20];

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static char *case_path(const struct prog_case *c)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", PROGS_DIR, c->file);
	return path;
}

static struct arena_program *case_prog(const struct loaded *l, const char *name)
{
	return arena_object__find_program_by_name(l->obj, name);
}

/* ---- the kernel's side: maps and programs from our loader's output ---- */

/* The map's place in the object's order, which is that of the kernel's maps. */
static int kern_map_index(const struct arena_object *obj, const struct arena_object_map *map)
{
	const struct arena_object_map *m = NULL;
	int i = 0;

	while ((m = arena_object__next_map(obj, m)) && m != map)
		i++;
	return m ? i : -1;
}

/* The kernel's arena for map, mapped, its __arena globals copied in. */
static int kern_arena_create(const struct arena_object_map *map, struct loaded *l)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARENA,
		.max_entries = arena_object_map__max_entries(map),
		.map_flags = BPF_F_MMAPABLE,
		.map_extra = arena_object_map__map_extra(map),
	};
	size_t image_size = 0;
	const void *image = arena_object_map__initial_value(map, &image_size);
	int fd = sys_bpf(BPF_MAP_CREATE, &attr);

	if (fd < 0)
		return -1;
	/* The kernel wants the arena's user address known before a program uses it. */
	l->arena_len = attr.max_entries * page_size;
	l->arena = mmap((void *)(uintptr_t)attr.map_extra, l->arena_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | (attr.map_extra ? MAP_FIXED : 0), fd, 0);
	if (l->arena == MAP_FAILED) {
		l->arena = NULL;
		close(fd);
		return -1;
	}
	if (image)
		memcpy(l->arena, image, image_size);
	return fd;
}

/* The kernel's array for map (a BTF-defined array or a data section). */
static int kern_array_create(const struct arena_object_map *map)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY,
		.key_size = sizeof(__u32),
		.value_size = arena_object_map__value_size(map),
		.max_entries = arena_object_map__max_entries(map),
	};
	const void *image = arena_object_map__initial_value(map, NULL);
	__u32 key = 0;
	int fd = sys_bpf(BPF_MAP_CREATE, &attr);

	if (fd < 0 || !image)
		return fd;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)image;
	if (!sys_bpf(BPF_MAP_UPDATE_ELEM, &attr))
		return fd;
	close(fd);
	return -1;
}

static bool kern_maps_create(struct loaded *l)
{
	const struct arena_object_map *map = NULL;
	int fd;

	while ((map = arena_object__next_map(l->obj, map))) {
		if (l->nr_maps == PROG_OBJS_MAX) {
			errno = E2BIG;
			return error("the object's maps");
		}
		switch (arena_object_map__type(map)) {
		case BPF_MAP_TYPE_ARENA:
			fd = kern_arena_create(map, l);
			break;
		case BPF_MAP_TYPE_ARRAY:
			fd = kern_array_create(map);
			break;
		default:
			errno = EOPNOTSUPP;
			fd = -1;
		}
		if (fd < 0)
			return error(arena_object_map__name(map));
		l->map_fds[l->nr_maps++] = fd;
	}
	return true;
}

/* kfunc calls by our ids (ARENA_KFUNC_*) re-aimed at vmlinux's BTF ids. */
static bool kern_kfuncs_resolve(struct bpf_insn *insns, size_t cnt)
{
	static const char *const names[] = {
		[ARENA_KFUNC_ARENA_ALLOC_PAGES] = "bpf_arena_alloc_pages",
		[ARENA_KFUNC_ARENA_FREE_PAGES] = "bpf_arena_free_pages",
	};
	int id;

	for (size_t i = 0; i < cnt; i++) {
		if (insns[i].code != (BPF_JMP | BPF_CALL) ||
		    insns[i].src_reg != BPF_PSEUDO_KFUNC_CALL)
			continue;
		if (insns[i].imm <= 0 || insns[i].imm >= (int)COUNT(names)) {
			errno = EINVAL;
			return error("a kfunc call of an unknown id");
		}
		id = btf__find_by_name_kind(vmlinux_btf, names[insns[i].imm], BTF_KIND_FUNC);
		if (id < 0) {
			errno = -id;
			return error(names[insns[i].imm]);
		}
		insns[i].imm = id;
	}
	return true;
}

/*
 * BPF_PROG_LOAD of the program's instructions, their map indexes naming
 * the kernel's maps: the fd, or -1 (the verifier's log printed).  *seconds
 * is the time of the system call alone.
 */
static int kern_prog_load(const struct loaded *l, const char *name, double *seconds)
{
	const struct arena_program *prog = case_prog(l, name);
	size_t cnt = arena_program__insn_cnt(prog);
	size_t nr = arena_program__nr_maps(prog);
	struct bpf_insn *insns = calloc(cnt, sizeof(*insns));
	int fd_array[PROG_OBJS_MAX];
	union bpf_attr attr;
	double t0;
	int fd = -1;

	if (!insns || nr > PROG_OBJS_MAX) {
		errno = insns ? E2BIG : ENOMEM;
		error(name);
		goto out;
	}
	memcpy(insns, arena_program__insns(prog), cnt * sizeof(*insns));
	if (!kern_kfuncs_resolve(insns, cnt))
		goto out;
	for (size_t i = 0; i < nr; i++)
		fd_array[i] = l->map_fds[kern_map_index(l->obj,
							 arena_object__program_map(l->obj, prog, i))];
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = cur->sleepable ? BPF_PROG_TYPE_SYSCALL : BPF_PROG_TYPE_SOCKET_FILTER;
	attr.prog_flags = cur->sleepable ? BPF_F_SLEEPABLE : 0;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	attr.fd_array = (uintptr_t)fd_array;
	t0 = now();
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	*seconds = now() - t0;
	if (fd >= 0)
		goto out;
	printf("# BPF_PROG_LOAD of %s: %s\n", name, strerror(errno));
	/* Again for the verifier's log, whose end says why. */
	attr.log_buf = (uintptr_t)prog_log;
	attr.log_size = sizeof(prog_log);
	attr.log_level = 1;
	prog_log[0] = 0;
	if (sys_bpf(BPF_PROG_LOAD, &attr) < 0 && prog_log[0])
		printf("# %s\n", prog_log + (strlen(prog_log) > 1500 ? strlen(prog_log) - 1500 : 0));
	error("BPF_PROG_LOAD");
out:
	free(insns);
	return fd;
}

/* ---- running ---- */

/*
 * repeat runs of the program: the mean seconds per run into *seconds and
 * the last run's r0 into *retval.
 */
static bool kern_run(int prog_fd, __u32 repeat, double *seconds, long long *retval)
{
	static const unsigned char pkt[64];	/* a socket filter's packet */
	union bpf_attr attr;
	double t0 = now();

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog_fd;
	if (!cur->sleepable) {
		attr.test.data_in = (uintptr_t)pkt;
		attr.test.data_size_in = sizeof(pkt);
		attr.test.repeat = repeat;
		if (sys_bpf(BPF_PROG_TEST_RUN, &attr))
			return error("BPF_PROG_TEST_RUN");
		*seconds = attr.test.duration * 1e-9;
		*retval = (int)attr.test.retval;
		return true;
	}
	for (__u32 i = 0; i < repeat; i++)
		if (sys_bpf(BPF_PROG_TEST_RUN, &attr))
			return error("BPF_PROG_TEST_RUN");
	*seconds = (now() - t0) / repeat;
	*retval = (int)attr.test.retval;
	return true;
}

static bool ours_run(int prog_fd, __u32 repeat, double *seconds, long long *retval)
{
	LIBARENA_OPTS(arena_prog_run_opts, opts, .repeat = cur->sleepable ? 1 : repeat);
	double t0 = now();

	for (__u32 i = 0; i < (cur->sleepable ? repeat : 1); i++)
		if (arena_prog__run(prog_fd, &opts))
			return error("PROG_IOC_RUN");
	*seconds = cur->sleepable ? (now() - t0) / repeat : opts.duration_ns * 1e-9;
	*retval = (int)opts.retval;
	return true;
}

static bool side_run(enum side s, int prog_fd, __u32 repeat, double *seconds,
		     long long *retval)
{
	return s == SIDE_KERN ? kern_run(prog_fd, repeat, seconds, retval) :
				ours_run(prog_fd, repeat, seconds, retval);
}

/* ---- loading ---- */

static void side_unload(struct loaded *l)
{
	if (l->kern && l->prog_fd >= 0)
		close(l->prog_fd);
	for (size_t i = 0; i < l->nr_maps; i++)
		close(l->map_fds[i]);
	if (l->arena)
		munmap(l->arena, l->arena_len);
	arena_object__close(l->obj);
	*l = (struct loaded){ .prog_fd = -1 };
}

/* The first line of a sysfs or procfs file into buf ("?" if unreadable). */
static const char *sysfs_line(const char *path, char *buf, int size)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, size, f))
		snprintf(buf, size, "?");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* Ours with the module's jit parameter (a bool: Y or N) set to jit, then set back. */
static bool ours_load(struct loaded *l, bool jit)
{
	char saved[8];
	int err;

	sysfs_line(JIT_PARAM_PATH, saved, sizeof(saved));
	if (write_sysfs(JIT_PARAM_PATH, jit))
		return error(JIT_PARAM_PATH);
	err = arena_object__load(l->obj, dev);
	write_sysfs(JIT_PARAM_PATH, saved[0] == 'Y');
	if (err) {
		errno = -err;
		return error("arena_object__load");
	}
	l->prog_fd = arena_program__fd(case_prog(l, cur->prog));
	return true;
}

/* The setup program, if any, run once where the case was loaded. */
static bool setup_run(enum side s, struct loaded *l)
{
	double seconds, unused;
	long long retval;
	int fd;

	if (!cur->setup)
		return true;
	if (s == SIDE_KERN) {
		fd = kern_prog_load(l, cur->setup, &unused);
		if (fd < 0)
			return false;
	} else {
		fd = arena_program__fd(case_prog(l, cur->setup));
	}
	if (!side_run(s, fd, 1, &seconds, &retval))
		retval = -1;
	if (s == SIDE_KERN)
		close(fd);
	if (!retval)
		return true;
	printf("# %s: %s on %s returned %lld\n", cur->name, cur->setup, side_name[s], retval);
	errno = EINVAL;
	return error(cur->setup);
}

static bool side_load(enum side s, struct loaded *l)
{
	double unused;
	bool ok;

	*l = (struct loaded){ .kern = s == SIDE_KERN, .prog_fd = -1 };
	l->obj = arena_object__open_file(case_path(cur), NULL);
	if (!l->obj)
		return error(case_path(cur));
	if (s == SIDE_KERN)
		ok = kern_maps_create(l) && (l->prog_fd = kern_prog_load(l, cur->prog, &unused)) >= 0;
	else
		ok = ours_load(l, s == SIDE_JIT);
	ok = ok && setup_run(s, l);
	if (!ok)
		side_unload(l);
	return ok;
}

/* ---- the scenarios ---- */

static struct loaded *case_side(enum side s)
{
	return &sides[cur - cases][s];
}

/*
 * The warm-up run: picks repeat (about ROUND_SECONDS a round) and, on the
 * side's first run, checks its r0 against ours (the JIT's): the same
 * program on fresh maps must give the same result on every side.
 */
static bool warm_up(enum side s, struct loaded *l)
{
	long long retval, ours = case_side(SIDE_JIT)->first_retval;
	double seconds;

	if (!side_run(s, l->prog_fd, 1, &seconds, &retval))
		return false;
	l->repeat = seconds > 0 ? ROUND_SECONDS / seconds : MAX_REPEAT;
	l->repeat = l->repeat < 1 ? 1 : l->repeat > MAX_REPEAT ? MAX_REPEAT : l->repeat;
	if (l->ran)
		return true;
	l->ran = true;
	l->first_retval = retval;
	if (s == SIDE_JIT || retval == ours)
		return true;
	printf("# %s: %s returned %lld, ours %lld\n", cur->name, side_name[s], retval, ours);
	errno = EINVAL;
	return error("a different result");
}

/* One round: the program run repeat times on side s, v[0] = mean µs per run. */
static bool run_round(enum side s, double *v)
{
	struct loaded *l = case_side(s);
	long long retval;
	double seconds;

	if (!l->obj && !side_load(s, l))
		return false;
	if (warming_up && !warm_up(s, l))
		return false;
	if (!side_run(s, l->prog_fd, l->repeat, &seconds, &retval))
		return false;
	v[0] = seconds * 1e6;
	return true;
}

static bool run_vs_kernel(enum impl impl, double *v)
{
	return run_round(impl == OURS ? SIDE_JIT : SIDE_KERN, v);
}

static bool run_jit_vs_interp(enum impl impl, double *v)
{
	return run_round(impl == OURS ? SIDE_JIT : SIDE_INTERP, v);
}

/* Up to LOADS loads of the program's instructions on the side's maps: v[0] = mean ms. */
static bool load_round(enum impl impl, double *v)
{
	enum side s = impl == OURS ? SIDE_JIT : SIDE_KERN;
	struct loaded *l = case_side(s);
	const struct arena_program *prog;
	double total = 0, seconds, t0;
	int obj_fds[PROG_OBJS_MAX];
	int fd, loads;

	if (!l->obj && !side_load(s, l))
		return false;
	prog = case_prog(l, cur->prog);
	for (size_t i = 0; i < arena_program__nr_maps(prog) && i < PROG_OBJS_MAX; i++)
		obj_fds[i] = arena_object_map__fd(arena_object__program_map(l->obj, prog, i));
	for (loads = 0; loads < LOADS && total < LOAD_SECONDS; loads++) {
		if (s == SIDE_KERN) {
			fd = kern_prog_load(l, cur->prog, &seconds);
		} else {
			LIBARENA_OPTS(arena_prog_load_opts, opts, .obj_fds = obj_fds,
				      .nr_objs = arena_program__nr_maps(prog));
			size_t nr_global_funcs;
			int err;

			/* As arena_object__load() loads it: its global functions checked once. */
			opts.global_funcs = arena_program__global_funcs(prog, &nr_global_funcs);
			opts.nr_global_funcs = nr_global_funcs;

			t0 = now();
			err = arena_dev__prog_load(dev, arena_program__insns(prog),
						   arena_program__insn_cnt(prog), &opts, &fd);
			seconds = now() - t0;
			errno = -err;
			if (err)
				error("PROG_IOC_LOAD");
		}
		if (fd < 0)
			return false;
		close(fd);
		total += seconds;
	}
	v[0] = total / loads * 1e3;
	return true;
}

static const char *const jit_interp[NIMPL] = { "jit", "interp" };

#define SCENARIOS_PER_CASE	3

static char names[COUNT(cases)][SCENARIOS_PER_CASE][64];

/* The case's three scenarios into sc[0..2]. */
static void case_scenarios(size_t c, struct scenario *sc)
{
	snprintf(names[c][0], sizeof(names[c][0]), "prog-%s", cases[c].name);
	snprintf(names[c][1], sizeof(names[c][1]), "load-%s", cases[c].name);
	snprintf(names[c][2], sizeof(names[c][2]), "jit-vs-interp-%s", cases[c].name);
	sc[0] = (struct scenario){
		.name = names[c][0], .run = run_vs_kernel, .note = cases[c].what,
		.series = { { names[c][0], "us/run" } },
	};
	sc[1] = (struct scenario){
		.name = names[c][1], .run = load_round,
		.note = "PROG_IOC_LOAD against BPF_PROG_LOAD of the same instructions "
			"(verifier and JIT), maps made already",
		.series = { { names[c][1], "ms/load" } },
	};
	sc[2] = (struct scenario){
		.name = names[c][2], .run = run_jit_vs_interp, .impl_names = jit_interp,
		.note = "ours, loaded with the jit parameter on and off",
		.series = { { names[c][2], "us/run" } },
	};
}

/* Whether the kernel's side works here: the compute case loads. */
static bool kern_probe(void)
{
	struct loaded l;
	bool ok;

	cur = &cases[0];
	ok = side_load(SIDE_KERN, &l);
	side_unload(&l);
	failed = false;
	return ok;
}

static void print_jit_settings(void)
{
	static const char *const files[] = {
		"/proc/sys/net/core/bpf_jit_enable", "/proc/sys/net/core/bpf_jit_harden",
		"/sys/module/arena_kmod/parameters/jit",
		"/sys/module/arena_kmod/parameters/jit_harden",
	};

	char buf[16];

	for (size_t i = 0; i < COUNT(files); i++)
		printf("# %s: %s\n", files[i], sysfs_line(files[i], buf, sizeof(buf)));
}

/* The library's messages (our verifier's log among them) as comments. */
static int print_comment(enum libarena_print_level level, const char *fmt, va_list ap)
{
	char line[4096];

	if (level == LIBARENA_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	for (char *p = strtok(line, "\n"); p; p = strtok(NULL, "\n"))
		printf("# %s\n", p);
	return 0;
}

int main(int argc, char **argv)
{
	struct scenario sc[SCENARIOS_PER_CASE];
	int rounds = 7, err;

	if (parse_rounds(argc, argv, &rounds))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	libarena_set_print(print_comment);
	err = arena_dev__open(NULL, &dev);
	if (err) {
		errno = -err;
		error("arena_dev__open");
		return 1;
	}
	vmlinux_btf = btf__load_vmlinux_btf();
	if (!vmlinux_btf)
		printf("# no vmlinux BTF: %s\n", strerror(errno));
	have_kern = vmlinux_btf && kern_probe();
	printf("# %d rounds, %ld CPUs; the kernel's BPF: %s\n", rounds,
	       sysconf(_SC_NPROCESSORS_ONLN), have_kern ? "available" : "not available (ours only)");
	print_jit_settings();
	printf("# run time: mean per run over about %.1f s of runs a round; socket filters "
	       "timed by BPF_PROG_TEST_RUN/PROG_IOC_RUN with repeat, sleepable arena programs "
	       "(6.12's bpf_arena_alloc_pages() is KF_SLEEPABLE) one run per system call, "
	       "timed in user space, ours alike\n", ROUND_SECONDS);
	printf("# QEMU (TCG) distorts absolute numbers: compare ratios of one boot\n");
	for (size_t c = 0; c < COUNT(cases); c++) {
		cur = &cases[c];
		case_scenarios(c, sc);
		for (int k = 0; k < SCENARIOS_PER_CASE; k++)
			run_scenario(&sc[k], rounds);
		for (int s = 0; s < NSIDES; s++)
			side_unload(&sides[c][s]);
	}
	btf__free(vmlinux_btf);
	arena_dev__close(dev);
	return failed;
}
