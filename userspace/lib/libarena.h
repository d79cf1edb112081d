/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libarena: the C library over /dev/arena.
 *
 * Conventions, as in libbpf: objects are opaque and their functions are
 * named object__verb; every function that can fail returns 0 or a negative
 * errno and never exits or aborts; the library prints nothing except
 * through the callback set with libarena_set_print().
 *
 * Options structures start with sz, set by LIBARENA_OPTS() to sizeof() the
 * structure this program was compiled with, so that a newer library can
 * tell which fields an older program knew of:
 *
 *	LIBARENA_OPTS(arena_dev_opts, opts, .path = "/dev/arena");
 *	struct arena_dev *dev;
 *	int err = arena_dev__open(&opts, &dev);
 */
#ifndef LIBARENA_H
#define LIBARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <linux/bpf.h>

#include <arena_kmod.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Declares and zeroes an options structure, with sz set and the named
 * fields given: the zeroed padding and tail are what the library's
 * unknown-bytes check reads.
 */
#define LIBARENA_OPTS(TYPE, NAME, ...)						\
	struct TYPE NAME = ({							\
		memset(&NAME, 0, sizeof(struct TYPE));				\
		(struct TYPE){							\
			.sz = sizeof(struct TYPE),				\
			__VA_ARGS__						\
		};								\
	})

/* An open /dev/arena. */
struct arena_dev;

struct arena_dev_opts {
	/* sizeof(struct arena_dev_opts) as the caller was compiled */
	size_t sz;
	/* the device node; NULL means ARENA_DEVICE_PATH */
	const char *path;
	/* keeps the structure's size a multiple of sz's, with no tail */
	size_t :0;
};

/*
 * Opens the device read-write and close-on-exec and checks that the
 * module speaks ARENA_ABI_VERSION.  opts may be NULL.  On success *devp is
 * the new device; on failure it is NULL and the result is a negative
 * errno: -EINVAL for bad arguments, -ENODEV if path is not a character
 * device, -EPROTO if the module speaks another ABI, or what open(2) or
 * the version ioctl failed with (-ENOTTY from a character device that is
 * not /dev/arena).
 */
int arena_dev__open(const struct arena_dev_opts *opts, struct arena_dev **devp);

/* Closes the device and frees dev; NULL is allowed. */
void arena_dev__close(struct arena_dev *dev);

/* The device's file descriptor, owned by dev; -EINVAL if dev is NULL. */
int arena_dev__fd(const struct arena_dev *dev);

/* What ARENA_IOC_VERSION answered when the device was opened. */
int arena_dev__version(const struct arena_dev *dev, struct arena_version *ver);

/*
 * Arenas (see arena_kmod.h and docs/api.md): a sparse region of up to
 * 4 GiB of pages, mapped at the same user address in every process, so
 * that pointers stored in it mean the same everywhere.
 *
 * Naming: an arena is struct arena_map and its functions arena_map__*,
 * after libbpf's struct bpf_map, because in BPF an arena is a map
 * (BPF_MAP_TYPE_ARENA) and code that knows bpf_map__*() should find its
 * way here.  Not "struct arena": the module's own object is struct arena,
 * and in a library named libarena that word also means the whole device;
 * and not arena__*, which would break the rule above that every symbol
 * starts with arena_ or libarena_ followed by an object name.  As with
 * rings, the constructor is a verb of the device.
 *
 * Offsets: the byte offset of a pointer from the start of the arena's
 * mapping, 0 .. size - 1, which is what ARENA_IOC_ALLOC_PAGES reports for
 * an arena without an address.  It equals the low 32 bits of the pointer
 * (what BPF programs keep of an arena pointer) only when the arena starts
 * on a 4 GiB boundary.
 *
 * Threads: once an arena is mapped, its functions may be called from any
 * thread; arena_map__mmap() (or the first alloc) and arena_map__close()
 * must not race with other calls on the same arena.
 */
struct arena_map;

struct arena_map_opts {
	/* sizeof(struct arena_map_opts) as the caller was compiled */
	size_t sz;
	/* ARENA_F_SEGV_ON_FAULT, ARENA_F_NO_USER_CONV */
	__u32 flags;
	/*
	 * Where every mapping of the arena will be (BPF's map_extra): page
	 * aligned, not crossing a 4 GiB boundary; 0 lets the first mmap
	 * decide.
	 */
	__u64 user_addr;
	size_t :0;
};

/*
 * Creates an arena of nr_pages pages (1 .. 4 GiB / page size) with
 * ARENA_IOC_CREATE; opts may be NULL.  It is not mapped yet: see
 * arena_map__mmap().  On success *arenap is the new arena; on failure it
 * is NULL and the result is a negative errno: -EINVAL for bad arguments,
 * unknown flags or an unaligned user_addr, -E2BIG for more than 4 GiB,
 * -ERANGE for a user_addr range that crosses 4 GiB, -EOPNOTSUPP if the
 * module announced no ARENA_FEATURE_ARENA, or what the ioctl failed with.
 */
int arena_dev__arena_create(struct arena_dev *dev, __u64 nr_pages,
			    const struct arena_map_opts *opts,
			    struct arena_map **arenap);

/*
 * An arena for the arena fd another process made, e.g. received over a
 * unix socket with SCM_RIGHTS; ARENA_IOC_INFO says its size.  On success
 * the arena owns fd: arena_map__close() closes it.  On failure *arenap is
 * NULL, fd stays the caller's, and the result is a negative errno:
 * -EINVAL for bad arguments or an fd that is no arena (-ENOTTY from the
 * ioctl is reported as -EINVAL), or what the ioctl failed with.
 */
int arena_map__from_fd(int fd, struct arena_map **arenap);

/*
 * Maps the whole arena read-write and shared at its address (decided by
 * user_addr, by another process's mapping, or else now) and stores the
 * start in *addrp.  Idempotent: once mapped, the same address again.
 * Returns 0 or a negative errno: -EINVAL for bad arguments, -EBUSY if the
 * arena's address is taken by another mapping in this process, or what
 * mmap(2) failed with.  A forked child inherits the mapping.
 */
int arena_map__mmap(struct arena_map *arena, void **addrp);

/* The arena's file descriptor, owned by arena; -EINVAL if arena is NULL. */
int arena_map__fd(const struct arena_map *arena);

/* The arena's length in bytes: nr_pages * page size; 0 for NULL. */
__u64 arena_map__size(const struct arena_map *arena);

/* ARENA_IOC_INFO now: flags, nr_pages, user_addr, pages_in_use. */
int arena_map__info(const struct arena_map *arena, struct arena_info *info);

/*
 * What bpf_arena_alloc_pages() does for programs: makes nr zeroed pages
 * present at addr (page aligned, all absent) or, for NULL, in the first
 * free run, and stores the first page's address in *pagesp (which may be
 * NULL).  The arena is mapped first if it is not yet (arena_map__mmap()),
 * so that the address means something here.  node: a NUMA node, or -1.
 * Returns 0 or a negative errno: -EINVAL (nr 0, addr unaligned, bad
 * node), -ERANGE (not inside the arena), -EBUSY (pages present at addr),
 * -ENOMEM (no free run that long, the module's max_pages, no memory).
 * Prints nothing but debug messages: running out is a normal outcome.
 */
int arena_map__alloc_pages(struct arena_map *arena, void *addr, __u32 nr,
			   int node, void **pagesp);

/*
 * What bpf_arena_free_pages() does: the present pages of the nr pages at
 * addr go, from every process's mapping; absent ones are skipped.
 * Returns 0 or a negative errno: -EINVAL (addr NULL or unaligned, nr 0),
 * -ERANGE (not inside the arena).
 */
int arena_map__free_pages(struct arena_map *arena, void *addr, __u32 nr);

/*
 * Which of the nr_pages pages from first_page (counted from the arena's
 * start) are present, without changing any and without mapping the arena:
 * bitmap gets (nr_pages + 7) / 8 bytes, page first_page + i at bit i % 8
 * of byte i / 8, and *nr_present (which may be NULL) how many are set.
 * Any holder of the fd may ask.  Returns 0 or a negative errno: -EINVAL
 * (NULL arena or bitmap, nr_pages 0), -ERANGE (not inside the arena),
 * -EFAULT (bitmap not writable), -ENOTTY (a module without the query).
 */
int arena_map__pages_present(const struct arena_map *arena, __u64 first_page,
			     __u64 nr_pages, void *bitmap, __u64 *nr_present);

/*
 * The offset of p in the arena's mapping (see "Offsets" above) into
 * *offp: 0, -EINVAL for NULL arguments, -ENXIO if the arena is not
 * mapped in this process, -ERANGE if p is outside it.
 */
int arena_map__offset(const struct arena_map *arena, const void *p, __u32 *offp);

/*
 * The pointer at offset off of the arena's mapping; NULL if arena is
 * NULL, not mapped in this process, or off is past its end.
 */
void *arena_map__ptr(const struct arena_map *arena, __u32 off);

/*
 * Unmaps the arena from this process, closes its fd and frees arena; NULL
 * is allowed.  The arena itself lives on while another process maps it or
 * holds an fd to it.
 */
void arena_map__close(struct arena_map *arena);

/*
 * Ring buffers, with the memory layout of Linux's BPF ring buffer (see
 * arena_kmod.h).  Naming: a ring is made by the device, so its constructor
 * is a verb of struct arena_dev, as arena_dev__open() is; the producer
 * helper takes the ring's fd (there is no library object for a ring), and
 * is arena_ringbuf__* rather than ringbuf__*: every symbol of this library
 * starts with arena_ or libarena_, so that none can clash with libbpf's or
 * another library's in one program.
 */

struct arena_ringbuf_opts {
	/* sizeof(struct arena_ringbuf_opts) as the caller was compiled */
	size_t sz;
	/*
	 * RINGBUF_F_OVERWRITE (when full, drop the oldest records) or
	 * RINGBUF_F_USER (a user-to-kernel ring, for
	 * arena_user_ring_buffer__new()); 0 for a plain kernel-to-user ring
	 */
	__u32 flags;
	size_t :0;
};

/*
 * Creates a ring of data_size bytes (a power of 2 and a multiple of the
 * page size, up to 2 GiB) with RINGBUF_IOC_CREATE; opts may be NULL.  On
 * success *fdp is its file descriptor (close-on-exec), the caller's to
 * close; on failure *fdp is -1 and the result is a negative errno:
 * -EINVAL for bad arguments, size or flags, -E2BIG for a size over the
 * module's limit, -EOPNOTSUPP if the module announced no
 * ARENA_FEATURE_RINGBUF, or what the ioctl failed with.
 */
int arena_dev__ringbuf_create(struct arena_dev *dev, __u64 data_size,
			      const struct arena_ringbuf_opts *opts, int *fdp);

/*
 * Appends one record of len bytes to the ring behind ring_fd, as a BPF
 * program's bpf_ringbuf_output() would (RINGBUF_IOC_OUTPUT).  flags:
 * RINGBUF_NO_WAKEUP, RINGBUF_FORCE_WAKEUP or 0.  Returns 0, -EAGAIN when
 * the ring is too full now, -E2BIG for a record that could never fit, or
 * another negative errno.  Prints nothing: it is a producer's hot path.
 */
int arena_ringbuf__output(int ring_fd, const void *data, __u32 len, __u32 flags);

/*
 * The consumer: libbpf's struct ring_buffer (ring_buffer__new() and the
 * rest), under names of our own so that a program can link both
 * libraries.  Its functions behave as libbpf's do, and it reads both the
 * rings of /dev/arena and the kernel's BPF_MAP_TYPE_RINGBUF maps (for
 * those it asks bpf(BPF_OBJ_GET_INFO_BY_FD) for the size), several of
 * them through one epoll fd.  Not thread-safe: one thread consumes.
 */
struct arena_ring_buffer;

/*
 * Called for each record, in order, with data pointing into the read-only
 * mapping, or for an overwrite ring to a checked copy (size bytes; valid
 * only during the call).  A negative return
 * stops the consumption, after this record, and is what the consuming
 * call returns; 0 or a positive value goes on, as in libbpf.
 */
typedef int (*arena_ring_buffer_sample_fn)(void *ctx, void *data, size_t size);

struct arena_ring_buffer_opts {
	/* sizeof(struct arena_ring_buffer_opts) as the caller was compiled */
	size_t sz;
	size_t :0;
};

/*
 * A consumer of the ring (or BPF ring buffer map) behind map_fd, which
 * stays the caller's; opts may be NULL.  As libbpf 1.x does for
 * constructors, returns NULL with errno set on failure: EINVAL for bad
 * arguments or a file descriptor that is no kernel-to-user ring of either
 * kind (a RINGBUF_F_USER ring included), or what a system call failed
 * with.
 *
 * Overwrite rings (RINGBUF_F_OVERWRITE): the producer may drop the records
 * the consumer is about to read, or is reading.  For these rings the
 * callback gets a copy of each record (in a buffer of the ring's size the
 * consumer allocates), made and then checked against the overwrite
 * position: a record the producer started to drop during the copy is
 * never handed out.  Records dropped before they were read are skipped,
 * and their bytes (headers and padding included) are counted: see
 * arena_ring_buffer__lost_bytes().  What is handed out is intact and in
 * order; what is lost is the oldest.
 */
struct arena_ring_buffer *
arena_ring_buffer__new(int map_fd, arena_ring_buffer_sample_fn sample_cb,
		       void *ctx, const struct arena_ring_buffer_opts *opts);

/*
 * Adds another ring, with its own callback, to rb: 0 or a negative errno
 * (rb is unchanged on failure).  The int-returning consumer functions also
 * set errno to what they return, as libbpf 1.x does.
 */
int arena_ring_buffer__add(struct arena_ring_buffer *rb, int map_fd,
			   arena_ring_buffer_sample_fn sample_cb, void *ctx);

/*
 * Waits up to timeout_ms (-1: forever) for a ring to have records and
 * consumes those rings: the number of records handed to callbacks (at
 * most INT_MAX), a callback's negative return, or a negative errno
 * (-EINTR included).
 */
int arena_ring_buffer__poll(struct arena_ring_buffer *rb, int timeout_ms);

/* Consumes what every ring holds now, without waiting; as poll returns. */
int arena_ring_buffer__consume(struct arena_ring_buffer *rb);

/* The same, but stops after n records. */
int arena_ring_buffer__consume_n(struct arena_ring_buffer *rb, size_t n);

/*
 * The epoll fd the rings are registered on, readable when one has
 * records, for the caller's own event loop; owned by rb.
 */
int arena_ring_buffer__epoll_fd(const struct arena_ring_buffer *rb);

/*
 * The bytes of records that overwrite rings' producers dropped before
 * this consumer read them, headers and padding included, over all its
 * rings since they were added; 0 for rings without RINGBUF_F_OVERWRITE
 * and for NULL.  With records of one size, divide by
 * round_up(size + RINGBUF_HDR_SZ, 8) for the count of records.
 */
__u64 arena_ring_buffer__lost_bytes(const struct arena_ring_buffer *rb);

/* Unmaps the rings and frees rb; NULL is allowed. */
void arena_ring_buffer__free(struct arena_ring_buffer *rb);

/*
 * The producer of a user-to-kernel ring (RINGBUF_F_USER, or the kernel's
 * BPF_MAP_TYPE_USER_RINGBUF): libbpf's struct user_ring_buffer
 * (user_ring_buffer__new() and the rest) under names of our own.  Records
 * are reserved in the ring's mapping, filled in place and submitted (or
 * discarded); the kernel drains them in the order they were reserved and
 * stops at one not yet submitted, so a record reserved early holds back
 * the ones after it until it is submitted or discarded.
 *
 * Threads: reserving is not thread-safe (one thread reserves, or callers
 * serialise); submit and discard of different records may run in any
 * thread, concurrently with a reserve.
 */
struct arena_user_ring_buffer;

struct arena_user_ring_buffer_opts {
	/* sizeof(struct arena_user_ring_buffer_opts) as the caller was compiled */
	size_t sz;
	size_t :0;
};

/*
 * A producer for the user-to-kernel ring behind ring_fd, which stays the
 * caller's; opts may be NULL.  Returns NULL with errno set on failure:
 * EINVAL for bad arguments or a file descriptor that is no user-to-kernel
 * ring, or what a system call failed with.
 */
struct arena_user_ring_buffer *
arena_user_ring_buffer__new(int ring_fd, const struct arena_user_ring_buffer_opts *opts);

/*
 * Reserves a record of size bytes: a pointer to them (8-byte aligned,
 * size bytes, in one piece even where the record wraps), to be filled and
 * then handed to __submit() or __discard(); until then the record is busy
 * and the kernel does not read past it.  On failure NULL with errno:
 * E2BIG for a record that could never fit (its header and padding
 * included, more than the ring's size; or size with bit 30 or 31 set),
 * ENOSPC when the ring has no room now, EINVAL for a NULL rb.  Prints
 * nothing: it is a producer's hot path.
 */
void *arena_user_ring_buffer__reserve(struct arena_user_ring_buffer *rb, __u32 size);

/*
 * As __reserve(), but waits for room up to timeout_ms (-1: forever), woken
 * through poll (EPOLLOUT) when the kernel drains records; as libbpf does,
 * it tries once more at the deadline.  On failure NULL with errno: ENOSPC
 * at the deadline, EINVAL for a timeout below -1, what epoll_wait failed
 * with (EINTR), or what __reserve() says.
 */
void *arena_user_ring_buffer__reserve_blocking(struct arena_user_ring_buffer *rb, __u32 size,
					       int timeout_ms);

/* Hands a reserved record to the kernel. */
void arena_user_ring_buffer__submit(struct arena_user_ring_buffer *rb, void *sample);

/* Gives a reserved record up: the kernel skips it. */
void arena_user_ring_buffer__discard(struct arena_user_ring_buffer *rb, void *sample);

/* Unmaps the ring and frees rb; NULL is allowed. */
void arena_user_ring_buffer__free(struct arena_user_ring_buffer *rb);

/*
 * Arrays (BPF_MAP_TYPE_ARRAY semantics, see arena_kmod.h): what programs'
 * .data, .bss and .rodata and their array maps are.  Like rings, arrays
 * are plain file descriptors, the caller's to close.
 */

/*
 * Creates an array of max_entries values of value_size bytes, zeroed;
 * flags ARRAY_F_MMAPABLE, ARRAY_F_RDONLY_PROG.  *fdp is its fd, or -1 on
 * failure: -EINVAL (a zero size, unknown flags), -E2BIG (over the limits
 * in arena_kmod.h), -EOPNOTSUPP (no ARENA_FEATURE_ARRAY), or what the
 * ioctl failed with.
 */
int arena_dev__array_create(struct arena_dev *dev, __u32 value_size,
			    __u32 max_entries, __u32 flags, int *fdp);

/*
 * Copies value index out of the array (lookup) or into it (update), all
 * value_size bytes.  0, or -EINVAL, -ENOENT (lookup past the end), -E2BIG
 * (update past the end), -EFAULT.
 */
int arena_array__lookup(int array_fd, __u32 index, void *value);
int arena_array__update(int array_fd, __u32 index, const void *value);

/*
 * Programs: instructions as clang -target bpf emits them, after the
 * relocations a loader applies (see arena_kmod.h for how they name
 * objects and kfuncs).
 */
struct arena_prog_load_opts {
	/* sizeof(struct arena_prog_load_opts) as the caller was compiled */
	size_t sz;
	/* the objects ld_imm64 instructions name by index */
	const int *obj_fds;
	__u32 nr_objs;
	/* bytes r1 points to when the program runs */
	__u32 ctx_size;
	/* NULL means "GPL" */
	const char *license;
	/* for listings; cut to 15 characters */
	const char *name;
	/* the verifier's log: level 1 says why a program is rejected */
	char *log_buf;
	__u32 log_size;
	__u32 log_level;
	/* out: bytes the whole log needed */
	__u32 log_true_size;
	/*
	 * Functions the verifier checks once each, from these arguments,
	 * rather than at every call (see struct prog_global_func); the
	 * ELF loader fills them from BTF (arena_program__global_funcs())
	 */
	const struct prog_global_func *global_funcs;
	__u32 nr_global_funcs;
	size_t :0;
};

/*
 * Loads insn_cnt instructions (PROG_IOC_LOAD); the verifier checks them.
 * *fdp is the program's fd, or -1 on failure: -EINVAL (rejected: the log
 * says why; or global_funcs NULL with nr_global_funcs not 0), -E2BIG (too
 * big or too complex; or global functions given to a module older than
 * them), -ENOSPC (accepted, but the log did not fit), -EBADF (an obj_fds
 * entry is not open), -EOPNOTSUPP (no ARENA_FEATURE_PROG), or what the
 * ioctl failed with.  Without global functions the request has the size
 * every module knows (PROG_LOAD_SIZE_VER0).
 */
int arena_dev__prog_load(struct arena_dev *dev, const struct bpf_insn *insns,
			 __u32 insn_cnt, struct arena_prog_load_opts *opts,
			 int *fdp);

struct arena_prog_run_opts {
	/* sizeof(struct arena_prog_run_opts) as the caller was compiled */
	size_t sz;
	/* PROG_RUN_F_EVERY_CPU */
	__u32 flags;
	/* runs; 0 counts as 1 */
	__u32 repeat;
	/* the context: copied in (zero-extended), and out after the runs */
	const void *ctx_in;
	__u32 ctx_size_in;
	__u32 ctx_size_out;	/* in: room at ctx_out; out: bytes written */
	void *ctx_out;
	/* out: r0 of the last run, mean time per run */
	__u64 retval;
	__u64 duration_ns;
	size_t :0;
};

/*
 * Runs the program (PROG_IOC_RUN), as bpf_prog_test_run_opts() does.
 * 0, or -EINVAL, -ENOSPC (ctx_out too small: what fit was written), -EINTR
 * (a signal stopped a long repeat), -EFAULT.
 */
int arena_prog__run(int prog_fd, struct arena_prog_run_opts *opts);

/*
 * Describes the program (PROG_IOC_INFO, see arena_kmod.h) into the
 * info_len bytes at info: set xlated/jited and their lengths to have the
 * instructions and the machine code copied out.  0, or -EINVAL, -EPERM
 * (the machine code needs CAP_SYS_ADMIN), -EFAULT.
 */
int arena_prog__info(int prog_fd, struct prog_info *info, __u32 info_len);

/*
 * The ELF loader: object files from `clang-19 -O2 -g -target bpf` (see
 * docs/loader.md and <arena/bpf_arena.h> for the program side), as
 * libbpf's bpf_object__*() would load them:
 *
 *	struct arena_object *obj = arena_object__open_file("prog.bpf.o", NULL);
 *	int err = obj ? arena_object__load(obj, dev) : -errno;
 *	struct arena_program *prog = arena_object__find_program_by_name(obj, "add");
 *	arena_prog__run(arena_program__fd(prog), &run_opts);
 *	arena_object__close(obj);
 *
 * Opening reads the maps (BTF-defined maps in .maps: arenas, ring
 * buffers, user ring buffers, arrays; .data, .rodata and .bss as one-value
 * arrays), the programs (global functions in a known section: "syscall")
 * and relocates them; loading creates the objects, places the arena
 * globals (.addr_space.1) at the start of the arena, and loads the
 * programs.  What the loader does not know (a relocation, an extern, a
 * section, a map type or attribute) is an error that names it.
 */
struct arena_object;
struct arena_program;
/* A map of an object: an arena, a ring, or an array (data sections too). */
struct arena_object_map;

struct arena_object_open_opts {
	/* sizeof(struct arena_object_open_opts) as the caller was compiled */
	size_t sz;
	/* the object's name; NULL: the file's name up to its first dot */
	const char *object_name;
	size_t :0;
};

/*
 * Opens and relocates an object file; opts may be NULL.  As libbpf 1.x
 * does for constructors, returns NULL with errno set on failure: EINVAL
 * for bad arguments or a malformed object, EOPNOTSUPP for what the loader
 * does not support, or what reading the file failed with.
 */
struct arena_object *arena_object__open_file(const char *path,
					     const struct arena_object_open_opts *opts);

/* The same for size bytes at buf, which the object copies. */
struct arena_object *arena_object__open_mem(const void *buf, size_t size,
					    const struct arena_object_open_opts *opts);

/*
 * Links n object files into one with libbpf's static linker (as
 * `bpftool gen object` does), then opens that; n == 1 is open_file.
 * While the openers call libbpf (BTF, the linker), libbpf's print callback
 * is the library's: a program that uses libbpf in other threads meanwhile
 * may see its messages go to libarena's callback.
 */
struct arena_object *arena_object__open_files(const char *const *paths, size_t n,
					      const struct arena_object_open_opts *opts);

/*
 * Creates the object's maps on dev, copies their initial images in, maps
 * the arenas and the mmapable arrays, and loads the programs.  0 or a
 * negative errno (-EALREADY if loaded; a program the verifier rejects is
 * -EINVAL, its log printed as a warning).  On failure what was created is
 * released when the object is closed.
 */
int arena_object__load(struct arena_object *obj, struct arena_dev *dev);

/* Closes every fd and mapping of the object and frees it; NULL is allowed. */
void arena_object__close(struct arena_object *obj);

const char *arena_object__name(const struct arena_object *obj);

/* NULL (errno ENOENT) if there is no such program or map. */
struct arena_program *arena_object__find_program_by_name(const struct arena_object *obj,
							  const char *name);
struct arena_object_map *arena_object__find_map_by_name(const struct arena_object *obj,
							 const char *name);

/* Iteration in the object's order: NULL starts, NULL ends. */
struct arena_program *arena_object__next_program(const struct arena_object *obj,
						 const struct arena_program *prev);
struct arena_object_map *arena_object__next_map(const struct arena_object *obj,
						const struct arena_object_map *prev);

/*
 * The global variable name as this process sees it once the object is
 * loaded: in the mapping of .data, .bss or .rodata (read-only), or in the
 * arena for __arena globals; its size in *sizep if not NULL.  NULL (errno
 * ENOENT) for no such variable, EBUSY before load, ENXIO for a variable in
 * a section that is not mapped.
 */
void *arena_object__global(const struct arena_object *obj, const char *name, size_t *sizep);

const char *arena_program__name(const struct arena_program *prog);
const char *arena_program__section_name(const struct arena_program *prog);
/* The program's fd once loaded (for arena_prog__run()), else -1. */
int arena_program__fd(const struct arena_program *prog);
/* The relocated instructions, exactly what PROG_IOC_LOAD gets. */
const struct bpf_insn *arena_program__insns(const struct arena_program *prog);
size_t arena_program__insn_cnt(const struct arena_program *prog);
/*
 * The maps the program's instructions name by index (BPF_PSEUDO_MAP_IDX
 * and _IDX_VALUE, imm = idx), in the order of the obj_fds it is loaded
 * with: how many, and the one behind idx (NULL, errno ENOENT, past the
 * end).  With them another loader can load the same instructions, e.g.
 * into the kernel with bpf(BPF_PROG_LOAD) and an fd_array of its own maps.
 */
size_t arena_program__nr_maps(const struct arena_program *prog);
struct arena_object_map *arena_object__program_map(const struct arena_object *obj,
						   const struct arena_program *prog, size_t idx);
/*
 * The global functions the loader lists for the verifier to check once
 * each, as the kernel does, rather than at every call, in the order they
 * were appended; how many in *cntp if not NULL.  A global (or weak, not
 * hidden) function the program calls is listed when its BTF prototype
 * says what each argument is (see docs/loader.md); the others are walked
 * at every call like static functions.  NULL when there are none.  Owned
 * by the object; the same records PROG_IOC_LOAD gets.
 */
const struct prog_global_func *arena_program__global_funcs(const struct arena_program *prog,
							   size_t *cntp);
/*
 * The bytes r1 points to when the program runs (0 by default), up to
 * PROG_CTX_MAX; before load only: 0, -EINVAL or -EBUSY.
 */
int arena_program__set_ctx_size(struct arena_program *prog, __u32 ctx_size);

/*
 * The map's name: its variable's for BTF-defined maps, the section's
 * (".data", ".rodata", ".bss", ...) for data.
 */
const char *arena_object_map__name(const struct arena_object_map *map);
/* BPF_MAP_TYPE_ARENA (33), _RINGBUF (27), _USER_RINGBUF (31), _ARRAY (2). */
__u32 arena_object_map__type(const struct arena_object_map *map);
/*
 * As declared: max_entries (arenas: pages; rings: bytes; arrays: values,
 * 1 for data sections), value_size (arrays; 0 for others) and map_extra
 * (arenas: the user address, 0 for none).
 */
__u64 arena_object_map__max_entries(const struct arena_object_map *map);
__u32 arena_object_map__value_size(const struct arena_object_map *map);
__u64 arena_object_map__map_extra(const struct arena_object_map *map);
/*
 * The bytes loading copies in, their size in *sizep if not NULL: a data
 * section's image into its array, the __arena globals (.addr_space.1) to
 * the start of the arena.  NULL when there are none (zeroes).  Owned by
 * the object.
 */
const void *arena_object_map__initial_value(const struct arena_object_map *map, size_t *sizep);
/* The map's fd once loaded, else -1. */
int arena_object_map__fd(const struct arena_object_map *map);
/*
 * An arena's struct arena_map once loaded (mapped: arena_map__mmap()
 * gives its address, arena_map__size() its size), owned by the object;
 * NULL for other maps or before load.
 */
struct arena_map *arena_object_map__arena(const struct arena_object_map *map);
/*
 * An mmapable array's values as mapped after load (.data, .bss: read-write;
 * .rodata: read-only), their size in *sizep if not NULL; NULL otherwise.
 */
void *arena_object_map__values(const struct arena_object_map *map, size_t *sizep);

enum libarena_print_level {
	LIBARENA_WARN,
	LIBARENA_INFO,
	LIBARENA_DEBUG,
};

typedef int (*libarena_print_fn_t)(enum libarena_print_level level,
				   const char *fmt, va_list ap);

/*
 * Sets where the library's messages go and returns the previous callback.
 * The default prints WARN and INFO to stderr; NULL silences the library.
 * Not synchronised: set it before other threads use the library.
 */
libarena_print_fn_t libarena_set_print(libarena_print_fn_t fn);

/* The library's version, "MAJOR.MINOR.PATCH", the same as the module's. */
const char *libarena_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBARENA_H */
