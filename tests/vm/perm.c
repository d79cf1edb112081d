// SPDX-License-Identifier: GPL-2.0
/*
 * Permissions: who may use the module, who may reach its objects, what
 * user space may never write, and that no kernel address comes out of it.
 *
 * Access is the device node's mode and nothing else: without it no
 * operation is possible (all of them start at /dev/arena).  An object is
 * reached only through an fd its process was given: inherited, passed,
 * or copied with pidfd_getfd(2), which the kernel allows only with ptrace
 * rights; an object file cannot be opened again by path.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev.h"
#include "kaddr.h"
#include "libarena.h"
#include "prog_text.h"
#include "tap.h"
#include "vmtest.h"

#define NOBODY		65534
#define NODE_COPY	"/tmp/perm-arena"
#define ARENA_PAGES	4
#define ARENA_ADDR	0x7e0000000000ULL

static long psz(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Drops to uid and gid 65534 with the given supplementary groups. */
static bool become_nobody(const gid_t *groups, size_t n)
{
	if (setgroups(n, groups) || setgid(NOBODY) || setuid(NOBODY)) {
		tap_fail(__FILE__, __LINE__, "dropping to %d: %s", NOBODY, strerror(errno));
		return false;
	}
	return true;
}

/* One of each object, the program using the other three. */
struct objects {
	int arena, ring, array, prog;
	void *mem;
};

/*
 * Reserves a record, calls both kfuncs and both kinds of helpers, and
 * touches every object: what its dumps and logs could leak.
 */
static const char objects_prog[] =
	"ldmap %r1, 1\nmov %r2, 8\nmov %r3, 0\ncall 131\njeq %r0, 0, noring\n"
	"stdw [%r0+0], 1\nmov %r1, %r0\nmov %r2, 0\ncall 132\nnoring:\n"
	"ldmapvalue %r1, 2, 0\nstdw [%r1+0], 7\n"
	"ldmap %r1, 0\nmov %r2, 0\nmov %r3, 1\nmov %r4, -1\nmov %r5, 0\ncall runtime 1\n"
	"jeq %r0, 0, out\nmov %r6, %r0\naddr_space_cast %r1, %r6, 0, 1\nstdw [%r1+0], 3\n"
	"ldmap %r1, 0\nmov %r2, %r6\nmov %r3, 1\ncall runtime 2\n"
	"out:\nmov %r0, 0\nexit";

static bool objects_open(struct objects *o)
{
	int fds[3];

	o->arena = dev_arena_mapped(0, ARENA_PAGES, ARENA_ADDR, &o->mem);
	o->ring = dev_ringbuf_new(0, psz());
	o->array = dev_array_new(0, 8, 1);
	fds[0] = o->arena;
	fds[1] = o->ring;
	fds[2] = o->array;
	o->prog = load_must(objects_prog, fds, 3, 0);
	TAP_EXPECT(o->arena >= 0 && o->ring >= 0 && o->array >= 0);
	return o->arena >= 0 && o->mem != MAP_FAILED && o->ring >= 0 && o->array >= 0 &&
	       o->prog >= 0;
}

static void objects_close(struct objects *o)
{
	close(o->prog);
	close(o->array);
	close(o->ring);
	dev_arena_close(o->arena, o->mem, ARENA_PAGES);
}

/* ---- no access to the device, no operation ---- */

/* The groups a child keeps, and whether the node must open for it. */
struct node_try {
	const char *path;
	gid_t groups[1];
	size_t nr_groups;
	bool allowed;
};

/* Every way in: open for each access mode, libarena, an O_PATH fd. */
static void child_tries_node(void *arg)
{
	const struct node_try *t = arg;
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	LIBARENA_OPTS(arena_dev_opts, opts, .path = t->path);
	struct arena_version ver = { .size = sizeof(ver) };
	struct arena_dev *dev = NULL;
	size_t i;
	int fd;

	if (!become_nobody(t->groups, t->nr_groups))
		return;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fd = open(t->path, modes[i] | O_CLOEXEC);
		if (t->allowed)
			TAP_EXPECT_OK(fd);
		else
			TAP_EXPECT_ERRNO(fd, EACCES);
		if (fd >= 0)
			close(fd);
	}
	if (t->allowed) {
		TAP_EXPECT_OK(arena_dev__open(&opts, &dev));
		TAP_EXPECT_OK(dev ? arena_dev__version(dev, &ver) : -ENODEV);
		arena_dev__close(dev);
		return;
	}
	TAP_EXPECT_ERRNO(arena_dev__open(&opts, &dev), EACCES);
	TAP_EXPECT(dev == NULL);
	/* A path-only fd carries no right to the device's operations. */
	fd = open(t->path, O_PATH | O_CLOEXEC);
	TAP_EXPECT_OK(fd);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_VERSION, &ver), EBADF);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_CREATE, &ver), EBADF);
	if (fd >= 0)
		close(fd);
}

static void node_try(const char *path, gid_t group, bool with_group, bool allowed)
{
	struct node_try t = {
		.path = path, .groups = { group }, .nr_groups = with_group, .allowed = allowed,
	};

	EXPECT_EXITED_0(child_run(child_tries_node, &t));
}

/*
 * The real node (0660 root:root) and a copy of it: mode 0600 refuses
 * even root's group, 0660 lets that group in (so the refusals are the
 * mode's doing), and 0600 again refuses.
 */
static void no_device_access_every_op_eacces(void)
{
	struct stat st;

	node_try(ARENA_DEVICE_PATH, 0, false, false);
	TAP_EXPECT_OK(stat(ARENA_DEVICE_PATH, &st));
	unlink(NODE_COPY);
	TAP_EXPECT_OK(mknod(NODE_COPY, S_IFCHR | 0600, st.st_rdev));
	TAP_EXPECT_OK(chmod(NODE_COPY, 0600));
	node_try(NODE_COPY, 0, true, false);
	TAP_EXPECT_OK(chmod(NODE_COPY, 0660));
	node_try(NODE_COPY, 0, true, true);
	node_try(NODE_COPY, 0, false, false);
	TAP_EXPECT_OK(chmod(NODE_COPY, 0600));
	node_try(NODE_COPY, 0, true, false);
	unlink(NODE_COPY);
}

/* ---- objects only through their fds ---- */

static int sys_pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static int sys_pidfd_getfd(int pidfd, int fd)
{
	return syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

/* A file of the module's cannot be opened by path, whoever asks. */
static void expect_no_reopen(pid_t pid, int fd, int err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	TAP_EXPECT_ERRNO(open(path, O_RDWR | O_CLOEXEC), err);
	TAP_EXPECT_ERRNO(open(path, O_RDONLY | O_CLOEXEC), err);
}

/* The parent's objects, as numbers only: the child closed its copies. */
static void child_reaches_for_objects(void *arg)
{
	const struct objects *o = arg;
	const int fds[] = { o->arena, o->ring, o->array, o->prog };
	struct arena_info info = { .size = sizeof(info) };
	pid_t parent = getppid();
	int pidfd, fd;
	size_t i;

	for (i = 0; i < 4; i++)
		close(fds[i]);
	pidfd = sys_pidfd_open(parent);
	TAP_EXPECT_OK(pidfd);
	/* Root: reopening is refused, pidfd_getfd (ptrace rights) works. */
	for (i = 0; i < 4; i++)
		expect_no_reopen(parent, fds[i], ENXIO);
	fd = sys_pidfd_getfd(pidfd, o->arena);
	TAP_EXPECT_OK(fd);
	TAP_EXPECT_OK(ioctl(fd, ARENA_IOC_INFO, &info));
	TAP_EXPECT_EQ(info.nr_pages, ARENA_PAGES);
	if (fd >= 0)
		close(fd);
	/* Another user: no ptrace rights over root, no way in. */
	if (!become_nobody(NULL, 0))
		return;
	for (i = 0; i < 4; i++) {
		expect_no_reopen(parent, fds[i], EACCES);
		TAP_EXPECT_ERRNO(sys_pidfd_getfd(pidfd, fds[i]), EPERM);
	}
	close(pidfd);
}

/*
 * Not by /proc/PID/fd, not by /proc/PID/map_files, not from another
 * user: a process without an object's fd cannot get at the object.
 */
static void objects_only_through_fds(void)
{
	struct objects o;
	char path[128];
	uintptr_t start;

	if (!objects_open(&o))
		goto out;
	expect_no_reopen(getpid(), o.arena, ENXIO);
	expect_no_reopen(getpid(), o.ring, ENXIO);
	expect_no_reopen(getpid(), o.array, ENXIO);
	expect_no_reopen(getpid(), o.prog, ENXIO);
	start = (uintptr_t)o.mem;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)start,
		 (unsigned long)(start + ARENA_PAGES * psz()));
	TAP_EXPECT_ERRNO(open(path, O_RDWR | O_CLOEXEC), ENXIO);
	EXPECT_EXITED_0(child_run(child_reaches_for_objects, &o));
out:
	objects_close(&o);
}

/* ---- read-only pages stay read-only ---- */

/*
 * Writes through /proc/self/mem (FOLL_FORCE, as a debugger pokes) and
 * process_vm_writev(2) to a read-only page: both refused, the byte kept.
 */
static void expect_forced_writes_refused(volatile unsigned char *p)
{
	unsigned char before = *p, v = before ^ 0xff;
	struct iovec local = { .iov_base = &v, .iov_len = 1 };
	struct iovec remote = { .iov_base = (void *)p, .iov_len = 1 };
	int mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

	TAP_EXPECT_OK(mem);
	TAP_EXPECT_ERRNO(pwrite(mem, &v, 1, (off_t)(uintptr_t)p), EIO);
	if (mem >= 0)
		close(mem);
	TAP_EXPECT_ERRNO(process_vm_writev(getpid(), &local, 1, &remote, 1, 0), EFAULT);
	TAP_EXPECT_EQ(*p, before);
}

static void *map_ring_pages(int fd, long pgoff, long n, int prot)
{
	return mmap(NULL, n * psz(), prot, MAP_SHARED, fd, pgoff * psz());
}

/* One ring's read-only pages: [first, first + n) of its mmap offsets. */
static void expect_ring_pages_ro(int fd, long first, long n)
{
	unsigned char *ro = map_ring_pages(fd, first, n, PROT_READ);
	long i;

	TAP_EXPECT(ro != MAP_FAILED);
	if (ro == MAP_FAILED)
		return;
	EXPECT_MMAP_FAILS(map_ring_pages(fd, first, n, PROT_READ | PROT_WRITE), n * psz(),
			  EPERM);
	TAP_EXPECT_ERRNO(mprotect(ro, n * psz(), PROT_READ | PROT_WRITE), EACCES);
	for (i = 0; i < n; i++)
		expect_forced_writes_refused(ro + i * psz() + 8);
	munmap(ro, n * psz());
}

/*
 * The producer page and the data (both copies) of a plain ring and of an
 * overwrite ring, the consumer page of a user-to-kernel ring: no writable
 * mapping, no mprotect, no forced write.
 */
static void ro_pages_stay_ro(void)
{
	int plain = dev_ringbuf_new(0, psz());
	int overwrite = dev_ringbuf_new(RINGBUF_F_OVERWRITE, psz());
	int user = dev_ringbuf_new(RINGBUF_F_USER, psz());
	unsigned char rec[16] = { 1, 2, 3 };

	TAP_EXPECT_OK(arena_ringbuf__output(plain, rec, sizeof(rec), 0));
	TAP_EXPECT_OK(arena_ringbuf__output(overwrite, rec, sizeof(rec), 0));
	expect_ring_pages_ro(plain, 1, 3);
	expect_ring_pages_ro(overwrite, 1, 3);
	expect_ring_pages_ro(user, 0, 1);
	close(user);
	close(overwrite);
	close(plain);
}

/* ---- no kernel address reaches user space ---- */

#define EXPECT_NO_KADDR(v, what)						\
	do {									\
		uint64_t k_ = (v);						\
		if (k_)								\
			tap_fail(__FILE__, __LINE__, "%s: 0x%llx looks like a "	\
				 "kernel address", what, (unsigned long long)k_); \
	} while (0)

static void expect_fdinfo_clean(int fd)
{
	char path[64], text[2048] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	TAP_EXPECT(f != NULL);
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	TAP_EXPECT(strstr(text, "arena_type:") != NULL);
	EXPECT_NO_KADDR(kaddr_in_text(text), path);
}

/* PROG_IOC_INFO with the translated dump; the machine code only if root. */
static void expect_prog_info_clean(int prog, bool root)
{
	struct bpf_insn xlated[64];
	unsigned char jited[256];
	struct prog_info info = {
		.size = sizeof(info),
		.xlated = (uintptr_t)xlated,
		.xlated_len = sizeof(xlated),
	};

	memset(xlated, 0, sizeof(xlated));
	TAP_EXPECT_OK(ioctl(prog, PROG_IOC_INFO, &info));
	TAP_EXPECT(info.xlated_len > 0 && info.xlated_len <= sizeof(xlated));
	EXPECT_NO_KADDR(kaddr_in_words(&info, sizeof(info)), "prog_info");
	EXPECT_NO_KADDR(kaddr_in_insns(xlated, info.xlated_len / sizeof(xlated[0])),
			"translated instructions");
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.jited = (uintptr_t)jited;
	info.jited_len = sizeof(jited);
	if (root) {
		TAP_EXPECT_OK(ioctl(prog, PROG_IOC_INFO, &info));
	} else {
		TAP_EXPECT_ERRNO(ioctl(prog, PROG_IOC_INFO, &info), EPERM);
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		TAP_EXPECT_OK(ioctl(prog, PROG_IOC_INFO, &info));
		EXPECT_NO_KADDR(kaddr_in_words(&info, sizeof(info)), "prog_info");
	}
}

static int count_record(void *ctx, void *data, size_t len)
{
	EXPECT_NO_KADDR(kaddr_in_words(data, len), "ring record");
	++*(int *)ctx;
	return 0;
}

/* Every output an object's holder sees: info, fdinfo, runs, records. */
static void expect_outputs_clean(const struct objects *o, bool root)
{
	struct arena_version ver = { .size = sizeof(ver) };
	struct arena_info ainfo = { .size = sizeof(ainfo) };
	struct ringbuf_info rinfo = { .size = sizeof(rinfo) };
	struct prog_run run = { .size = sizeof(run), .repeat = 3 };
	struct arena_ring_buffer *rb;
	uint64_t value = 0;
	int records = 0;

	if (root) {
		TAP_EXPECT_OK(dev_ioctl(ARENA_IOC_VERSION, &ver));
		EXPECT_NO_KADDR(kaddr_in_words(&ver, sizeof(ver)), "arena_version");
	}
	TAP_EXPECT_OK(ioctl(o->prog, PROG_IOC_RUN, &run));
	EXPECT_NO_KADDR(kaddr_in_words(&run, sizeof(run)), "prog_run");
	TAP_EXPECT_OK(ioctl(o->arena, ARENA_IOC_INFO, &ainfo));
	EXPECT_NO_KADDR(kaddr_in_words(&ainfo, sizeof(ainfo)), "arena_info");
	EXPECT_NO_KADDR(kaddr_in_words(o->mem, ARENA_PAGES * psz()), "arena pages");
	TAP_EXPECT_OK(ioctl(o->ring, RINGBUF_IOC_QUERY, &rinfo));
	EXPECT_NO_KADDR(kaddr_in_words(&rinfo, sizeof(rinfo)), "ringbuf_info");
	TAP_EXPECT_OK(arena_array__lookup(o->array, 0, &value));
	TAP_EXPECT_EQ(value, 7);
	rb = arena_ring_buffer__new(o->ring, count_record, &records, NULL);
	TAP_EXPECT(rb != NULL);
	if (rb)
		TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 3);
	arena_ring_buffer__free(rb);
	expect_prog_info_clean(o->prog, root);
	expect_fdinfo_clean(o->arena);
	expect_fdinfo_clean(o->ring);
	expect_fdinfo_clean(o->array);
	expect_fdinfo_clean(o->prog);
}

/*
 * Refused programs that hold a pointer of each kind in a register when
 * the verifier stops, at both log levels: registers are described, never
 * printed as addresses.
 */
static const char *const refused_progs[] = {
	/* ctx, stack, object, value, arena, record: then a bad read */
	"mov %r9, %r1\nmov %r8, %r10\nldmap %r7, 1\nldmapvalue %r6, 2, 0\n"
	"mov %r5, 0\naddr_space_cast %r5, %r5, 0, 1\n"
	"ldmap %r1, 1\nmov %r2, 8\nmov %r3, 0\ncall 131\nldxdw %r0, [%r10-8]\nexit",
	/* a pointer returned */
	"ldmapvalue %r0, 2, 0\nexit",
	/* a pointer stored where user space reads */
	"ldmapvalue %r1, 2, 0\nstxdw [%r1+0], %r10\nmov %r0, 0\nexit",
	/* out of an object's bounds */
	"ldmapvalue %r1, 2, 0\nldxdw %r0, [%r1+8]\nexit",
};

static void expect_refused_logs_clean(const struct objects *o)
{
	const int fds[3] = { o->arena, o->ring, o->array };
	struct prog_load req;
	struct bpf_insn *insns;
	uint32_t i, level, n;
	int fd;

	for (i = 0; i < sizeof(refused_progs) / sizeof(refused_progs[0]); i++) {
		for (level = 1; level <= PROG_LOG_LEVEL_MAX; level++) {
			insns = assemble(refused_progs[i], &n);
			req = load_req(insns, n);
			req.log_level = level;
			req.obj_fds = (uintptr_t)fds;
			req.nr_objs = 3;
			req.ctx_size = 8;
			fd = load_raw(&req);
			free(insns);
			TAP_EXPECT(fd < 0);
			if (fd >= 0)
				close(fd);
			TAP_EXPECT(log_buf[0] != '\0');
			EXPECT_NO_KADDR(kaddr_in_text(log_buf), refused_progs[i]);
		}
	}
}

static void no_kernel_address_as_root(void)
{
	struct objects o;

	if (objects_open(&o)) {
		expect_outputs_clean(&o, true);
		expect_refused_logs_clean(&o);
	}
	objects_close(&o);
}

static void child_outputs_clean(void *arg)
{
	if (become_nobody(NULL, 0))
		expect_outputs_clean(arg, false);
}

/* Another user handed the fds: the same outputs, no machine code. */
static void no_kernel_address_unprivileged(void)
{
	struct objects o;

	if (objects_open(&o))
		EXPECT_EXITED_0(child_run(child_outputs_clean, &o));
	objects_close(&o);
}

/* The scanner itself finds what it must and nothing else. */
static void kaddr_scan_finds_planted(void)
{
	uint64_t words[3] = { 0x7e0000001000ULL, ~0ULL, 0 };
	struct bpf_insn insns[3] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .imm = (int32_t)0x81000000 },
		{ .imm = (int32_t)0xffffffff },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	TAP_EXPECT_EQ(kaddr_in_words(words, sizeof(words)), 0);
	words[2] = KADDR_MIN + 0x1234000;
	TAP_EXPECT_EQ(kaddr_in_words(words, sizeof(words)), KADDR_MIN + 0x1234000);
	TAP_EXPECT_EQ(kaddr_in_insns(insns, 3), 0xffffffff81000000ULL);
	insns[1].imm = 0;
	TAP_EXPECT_EQ(kaddr_in_insns(insns, 3), 0);
	TAP_EXPECT_EQ(kaddr_in_text("R1=scalar(smin=-9223372036854775808,umax=18446744073709551615,"
				    "tnum=0x0/0xffffffffffffffff) insns:\t12\n"), 0);
	TAP_EXPECT_EQ(kaddr_in_text("at 0xffffffffc0a01234\n"), 0xffffffffc0a01234ULL);
	TAP_EXPECT_EQ(kaddr_in_text("p=ffffffffc0a01234"), 0xffffffffc0a01234ULL);
	TAP_EXPECT_EQ(kaddr_in_text("v 18446744072635809792"), 0xffffffffc0000000ULL);
}

static const struct tap_test tests[] = {
	{ "perm", "kaddr-scan-finds-planted", kaddr_scan_finds_planted },
	{ "perm", "no-device-access-every-op-eacces", no_device_access_every_op_eacces },
	{ "perm", "objects-only-through-fds", objects_only_through_fds },
	{ "perm", "ro-pages-stay-ro", ro_pages_stay_ro },
	{ "perm", "no-kernel-address-as-root", no_kernel_address_as_root },
	{ "perm", "no-kernel-address-unprivileged", no_kernel_address_unprivileged },
};

TAP_MAIN(tests)
