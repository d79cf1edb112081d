/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * arena-kmod user ABI: the ioctls of /dev/arena and of the object file
 * descriptors it hands out.  This is the only header user space needs.
 *
 * Extensible structures: every ioctl argument starts with a __u32 size that
 * user space sets to sizeof() the structure as it was compiled.  The module
 * accepts any size from the structure's first published size up to a page:
 *  - smaller than what the module knows: the missing tail reads as zero;
 *  - larger: the extra bytes must be zero, else the ioctl fails with E2BIG;
 *  - below the first published size: EINVAL; above a page: E2BIG.
 * On output the module writes at most the size user space gave and sets
 * size to the number of bytes it wrote.  Pointers are passed as __u64, and
 * no kernel address is ever returned.
 */
#ifndef _UAPI_ARENA_KMOD_H
#define _UAPI_ARENA_KMOD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define ARENA_DEVICE_PATH	"/dev/arena"

/*
 * Bumped only for incompatible changes; compatible growth is announced by
 * feature bits and larger structures instead.
 */
#define ARENA_ABI_VERSION	1

/* 0xA7 is unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define ARENA_IOC_MAGIC		0xA7

/* Feature bits in arena_version.features: one per object type or ability. */
#define ARENA_FEATURE_ARENA	(1ULL << 0)	/* ARENA_IOC_CREATE and arena fds */
#define ARENA_FEATURE_RINGBUF	(1ULL << 1)	/* RINGBUF_IOC_CREATE and ring fds */
#define ARENA_FEATURE_ARRAY	(1ULL << 2)	/* ARRAY_IOC_CREATE and array fds */
#define ARENA_FEATURE_PROG	(1ULL << 3)	/* PROG_IOC_LOAD and program fds */
#define ARENA_FEATURE_PROG_GLOBALS (1ULL << 4)	/* PROG_IOC_LOAD's global_funcs */

/*
 * ARENA_IOC_VERSION: which ABI the module speaks.
 * In: size, flags (must be 0).  Out: the rest.
 */
struct arena_version {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 page_size;
	__u64 features;
	char module_version[32];	/* NUL-terminated, e.g. "0.1.0" */
};

#define ARENA_VERSION_SIZE_VER0	56

/*
 * The size encoded in each command number is 0 on purpose: the argument
 * structures grow, and their size travels in the structure itself.
 */
#define ARENA_IOC_VERSION	_IO(ARENA_IOC_MAGIC, 0x00)

/*
 * Arenas.  An arena is up to 4 GiB of pages shared by the processes that
 * map it and the programs that use it; pages appear when first touched or
 * allocated, like Linux's BPF_MAP_TYPE_ARENA.
 */

/* A fault on an absent page gets SIGSEGV instead of a new zeroed page. */
#define ARENA_F_SEGV_ON_FAULT	(1U << 0)
/* Programs' addr_space_cast to user pointers keeps only the low 32 bits. */
#define ARENA_F_NO_USER_CONV	(1U << 1)

/*
 * ARENA_IOC_CREATE on /dev/arena: a new arena, returned as a file
 * descriptor (close-on-exec), the return value of the ioctl.
 * user_addr, when not 0, is where every mapping of the arena will be
 * (BPF's map_extra): page aligned, and [user_addr, user_addr + nr_pages *
 * page size) must not cross a 4 GiB boundary.
 */
struct arena_create {
	__u32 size;
	__u32 flags;		/* ARENA_F_* */
	__u64 nr_pages;		/* 1 .. 4 GiB / page size */
	__u64 user_addr;	/* 0: chosen by the first mmap */
};

#define ARENA_CREATE_SIZE_VER0	24

#define ARENA_IOC_CREATE	_IO(ARENA_IOC_MAGIC, 0x01)

/* ARENA_IOC_INFO on an arena fd.  In: size, flags (must be 0). */
struct arena_info {
	__u32 size;
	__u32 flags;		/* out: the arena's ARENA_F_* */
	__u64 nr_pages;
	__u64 user_addr;	/* 0 until mapped or fixed at creation */
	__u64 pages_in_use;	/* pages present now */
};

#define ARENA_INFO_SIZE_VER0	32

#define ARENA_IOC_INFO		_IO(ARENA_IOC_MAGIC, 0x10)

/*
 * ARENA_IOC_ALLOC_PAGES / ARENA_IOC_FREE_PAGES on an arena fd: what
 * bpf_arena_alloc_pages() / bpf_arena_free_pages() do for programs.
 * Alloc: addr 0 means anywhere, else the page-aligned user address of the
 * first page, all nr_pages of them absent; on success addr is the user
 * address of the first page (its arena offset while the arena has no user
 * address yet), the pages are zeroed.  Free: addr is required; absent pages
 * in the range are skipped, present ones are removed from every mapping.
 */
struct arena_pages {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u64 addr;
	__u32 nr_pages;
	__s32 node;		/* NUMA node for the pages, -1: any */
};

#define ARENA_PAGES_SIZE_VER0	24

#define ARENA_IOC_ALLOC_PAGES	_IO(ARENA_IOC_MAGIC, 0x11)
#define ARENA_IOC_FREE_PAGES	_IO(ARENA_IOC_MAGIC, 0x12)

/*
 * ARENA_IOC_PAGES_PRESENT on an arena fd: which pages of a range are
 * present, read-only (it never makes or removes one), for any holder of
 * the fd.  first_page counts pages from the arena's start, and the range
 * must lie inside the arena.  bitmap receives (nr_pages + 7) / 8 bytes:
 * page first_page + i is bit i % 8 of byte i / 8 (least significant bit
 * first), the bits past nr_pages in the last byte are 0.  Out:
 * nr_present, the bits set.  The module looks at the range a run of pages
 * at a time, each run a snapshot: a page made or freed meanwhile may show
 * either way, and a range no one changes is reported as ARENA_IOC_INFO's
 * pages_in_use counts.
 */
struct arena_pages_present {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u64 first_page;
	__u64 nr_pages;		/* 1 .. the arena's nr_pages - first_page */
	__u64 bitmap;		/* user address of (nr_pages + 7) / 8 bytes */
	__u64 nr_present;	/* out */
};

#define ARENA_PAGES_PRESENT_SIZE_VER0	40

#define ARENA_IOC_PAGES_PRESENT	_IO(ARENA_IOC_MAGIC, 0x13)

/*
 * Ring buffers: multi-producer, single-consumer, with the memory layout of
 * Linux's BPF ring buffer (BPF_MAP_TYPE_RINGBUF), so that a consumer
 * written for that works on ours unchanged.  mmap of a ring fd:
 *
 *	offset 0		consumer position (unsigned long), the only
 *				page that may be mapped writable
 *	offset page_size	producer position (unsigned long), read-only
 *	offset 2 * page_size	the data area, mapped twice in a row,
 *				read-only, so that no record wraps
 *
 * Both positions only grow; position p is at data offset p & (data_size-1).
 * Each record starts with a struct ringbuf_hdr and is padded to 8 bytes.
 *
 * With RINGBUF_F_OVERWRITE the producer page also holds, at offset 8, the
 * overwrite position (unsigned long): when the ring is full a producer
 * drops the oldest committed records instead of failing, moving the
 * overwrite position past them first; a consumer behind it has lost the
 * records in between and resumes there, and one that read a record must
 * check afterwards that the overwrite position did not pass the record
 * meanwhile (else what it read may be torn).
 */

#define RINGBUF_BUSY_BIT	(1U << 31)	/* reserved, not committed yet */
#define RINGBUF_DISCARD_BIT	(1U << 30)	/* committed as discarded: skip */
#define RINGBUF_HDR_SZ		8

struct ringbuf_hdr {
	__u32 len;	/* record length without the header, | the bits above */
	__u32 pg_off;	/* the header's page within the data area */
};

/*
 * RINGBUF_IOC_CREATE on /dev/arena: a new ring, returned as a file
 * descriptor (close-on-exec), the return value of the ioctl.
 */
/* When full, drop the oldest records rather than the newest. */
#define RINGBUF_F_OVERWRITE	(1U << 0)
/*
 * User-to-kernel (BPF_MAP_TYPE_USER_RINGBUF): user space produces, in a
 * writable mapping of the producer page and the data area, with the same
 * record format and the release/acquire rules reversed; the kernel
 * consumes, and the consumer page is read-only to user space.  poll
 * reports EPOLLOUT while there is room.  Not with RINGBUF_F_OVERWRITE.
 */
#define RINGBUF_F_USER		(1U << 1)

struct ringbuf_create {
	__u32 size;
	__u32 flags;		/* RINGBUF_F_* */
	__u64 data_size;	/* a power of 2, a page multiple, up to 2 GiB */
};

#define RINGBUF_CREATE_SIZE_VER0	16

#define RINGBUF_IOC_CREATE	_IO(ARENA_IOC_MAGIC, 0x02)

/* Wake-up policy of a commit, as BPF_RB_NO_WAKEUP / BPF_RB_FORCE_WAKEUP. */
#define RINGBUF_NO_WAKEUP	(1U << 0)	/* never wake the consumer */
#define RINGBUF_FORCE_WAKEUP	(1U << 1)	/* always wake it */

/* One record of a RINGBUF_IOC_OUTPUT batch. */
struct ringbuf_record {
	__u64 data;		/* user address of the record's bytes */
	__u32 len;
	__u32 reserved;		/* must be 0 */
};

/*
 * RINGBUF_IOC_OUTPUT on a ring fd: appends records from user memory, in
 * order, as a program's bpf_ringbuf_output() would.  Without a wake-up
 * flag the consumer is woken when it waits for the record committed.
 * A batch stops at the first record that cannot go in; out: nr_written,
 * the records appended.  The ioctl fails (EAGAIN, EFAULT) only when the
 * first record cannot, so a partial batch is a success.
 */
struct ringbuf_output {
	__u32 size;
	__u32 flags;		/* RINGBUF_NO_WAKEUP | RINGBUF_FORCE_WAKEUP */
	__u64 records;		/* user address of struct ringbuf_record[] */
	__u32 nr_records;	/* 1 .. RINGBUF_OUTPUT_MAX */
	__u32 nr_written;	/* out */
};

#define RINGBUF_OUTPUT_SIZE_VER0	24
#define RINGBUF_OUTPUT_MAX		1024

#define RINGBUF_IOC_OUTPUT	_IO(ARENA_IOC_MAGIC, 0x20)

/*
 * RINGBUF_IOC_QUERY on a ring fd: what bpf_ringbuf_query() reports.  In:
 * size, flags (must be 0).  The positions are a snapshot.
 */
struct ringbuf_info {
	__u32 size;
	__u32 flags;		/* out: the ring's RINGBUF_F_* */
	__u64 data_size;
	__u64 consumer_pos;
	__u64 producer_pos;
	__u64 avail_data;	/* producer_pos - the later of the other two */
	__u64 overwrite_pos;	/* 0 unless RINGBUF_F_OVERWRITE */
};

#define RINGBUF_INFO_SIZE_VER0		48

#define RINGBUF_IOC_QUERY	_IO(ARENA_IOC_MAGIC, 0x21)

/*
 * Arrays: max_entries values of value_size bytes each, zeroed at creation,
 * what a program's .data, .bss and .rodata and its array maps become
 * (BPF_MAP_TYPE_ARRAY semantics: the key is a __u32 index).
 */
#define ARRAY_F_MMAPABLE	(1U << 0)	/* mmap of the values allowed */
#define ARRAY_F_RDONLY_PROG	(1U << 1)	/* programs may only read */

/* ARRAY_IOC_CREATE on /dev/arena: returns the array's fd (O_CLOEXEC). */
struct array_create {
	__u32 size;
	__u32 flags;		/* ARRAY_F_* */
	__u32 value_size;	/* 1 .. ARRAY_VALUE_MAX */
	__u32 max_entries;	/* 1 .., value_size rounded up to 8 times
				 * max_entries at most ARRAY_BYTES_MAX */
};

#define ARRAY_CREATE_SIZE_VER0	16
#define ARRAY_VALUE_MAX		(1U << 20)
#define ARRAY_BYTES_MAX		(1ULL << 32)

#define ARRAY_IOC_CREATE	_IO(ARENA_IOC_MAGIC, 0x03)

/*
 * ARRAY_IOC_LOOKUP / ARRAY_IOC_UPDATE on an array fd: copy one value out or
 * in, as bpf_map_lookup_elem() / bpf_map_update_elem() with BPF_ANY.  An
 * index out of range is ENOENT for a lookup, E2BIG for an update.
 */
struct array_elem {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 index;
	__u32 reserved;		/* must be 0 */
	__u64 value;		/* user address of value_size bytes */
};

#define ARRAY_ELEM_SIZE_VER0	24

#define ARRAY_IOC_LOOKUP	_IO(ARENA_IOC_MAGIC, 0x30)
#define ARRAY_IOC_UPDATE	_IO(ARENA_IOC_MAGIC, 0x31)

/*
 * Programs: eBPF instructions as clang -target bpf emits them, checked by
 * the module's verifier.  References to objects are ld_imm64 with src_reg
 * BPF_PSEUDO_MAP_IDX (imm = index into obj_fds) or BPF_PSEUDO_MAP_IDX_VALUE
 * (imm = index, next imm = offset into the value); kfunc calls are src_reg
 * BPF_PSEUDO_KFUNC_CALL with imm one of these ids, which libarena's loader
 * assigns from the extern's name:
 */
#define ARENA_KFUNC_ARENA_ALLOC_PAGES	1	/* bpf_arena_alloc_pages */
#define ARENA_KFUNC_ARENA_FREE_PAGES	2	/* bpf_arena_free_pages */

#define PROG_INSNS_MAX		(1U << 20)
#define PROG_OBJS_MAX		64
#define PROG_CTX_MAX		4096
#define PROG_LICENSE_MAX	128
#define PROG_LOG_LEVEL_MAX	2

/*
 * Global functions, verified once on their own as the kernel verifies a
 * program's global (non-static) functions: the walk starts from the
 * arguments declared here, each call checks what it passes against them
 * and gets an unknown scalar back.  libarena's loader fills these from the
 * functions' BTF.  A function not listed is walked again at each call,
 * with the caller's own registers.
 */
#define PROG_ARG_NONE		0	/* no such argument */
#define PROG_ARG_SCALAR		1	/* any number */
#define PROG_ARG_CTX		2	/* the program's context, as r1 at entry */
#define PROG_ARG_ARENA		3	/* an arena address, either view ("arg:arena") */
#define PROG_ARG_MEM		4	/* mem_size bytes to read and write, or NULL */
#define PROG_ARG_MEM_NONNULL	5	/* the same, never NULL ("arg:nonnull") */

#define PROG_FUNC_ARGS		5	/* r1 .. r5 */
#define PROG_GLOBAL_FUNCS_MAX	256
#define PROG_ARG_MEM_MAX	(1U << 29)

/* Returns nothing: r0 is unreadable after a call, not checked at exit. */
#define PROG_GLOBAL_F_VOID	(1U << 0)

struct prog_global_func {
	__u32 insn_off;		/* its first instruction; not 0 (the entry) */
	__u32 flags;		/* PROG_GLOBAL_F_* */
	__u8 arg[PROG_FUNC_ARGS];	/* PROG_ARG_* of r1 .. r5; NONE ends them */
	__u8 reserved[3];	/* must be 0 */
	__u32 mem_size[PROG_FUNC_ARGS];	/* PROG_ARG_MEM*: 1 .. PROG_ARG_MEM_MAX, else 0 */
};

/* PROG_IOC_LOAD on /dev/arena: returns the program's fd (O_CLOEXEC). */
struct prog_load {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u64 insns;		/* user address of struct bpf_insn[insn_cnt] */
	__u32 insn_cnt;		/* 1 .. PROG_INSNS_MAX */
	__u32 ctx_size;		/* bytes r1 points to, 0 .. PROG_CTX_MAX */
	__u64 obj_fds;		/* user address of __s32[nr_objs] */
	__u32 nr_objs;		/* 0 .. PROG_OBJS_MAX */
	__u32 log_level;	/* 0 .. PROG_LOG_LEVEL_MAX */
	__u64 log_buf;		/* user address of log_size bytes */
	__u32 log_size;		/* 0 with level 0, else at least 128 */
	__u32 log_true_size;	/* out: bytes the whole log needed, with NUL */
	__u64 license;		/* user address of a NUL-terminated string */
	char name[16];		/* NUL-terminated; for listings */
	__u64 global_funcs;	/* user address of struct prog_global_func[] */
	__u32 nr_global_funcs;	/* 0 .. PROG_GLOBAL_FUNCS_MAX */
	__u32 reserved;		/* must be 0 */
};

#define PROG_LOAD_SIZE_VER0	80
#define PROG_LOAD_SIZE_VER1	96	/* global_funcs */

#define PROG_IOC_LOAD		_IO(ARENA_IOC_MAGIC, 0x04)

/* Run once on each online CPU instead of on the caller's. */
#define PROG_RUN_F_EVERY_CPU	(1U << 0)

/*
 * PROG_IOC_RUN on a program fd, like BPF_PROG_TEST_RUN: copies ctx_in into
 * a ctx_size buffer (a shorter ctx_in is zero-extended), runs the program
 * repeat times (0 counts as 1) on it in process context, and copies the
 * buffer back to ctx_out.  A pending signal stops a long repeat with EINTR.
 */
struct prog_run {
	__u32 size;
	__u32 flags;		/* PROG_RUN_F_* */
	__u64 ctx_in;		/* user address, or 0 */
	__u64 ctx_out;		/* user address, or 0 */
	__u32 ctx_size_in;	/* 0 .. the program's ctx_size */
	__u32 ctx_size_out;	/* in: room at ctx_out; out: bytes written */
	__u32 repeat;
	__u32 reserved;		/* must be 0 */
	__u64 retval;		/* out: r0 of the last run */
	__u64 duration_ns;	/* out: mean time per run */
};

#define PROG_RUN_SIZE_VER0	56

#define PROG_IOC_RUN		_IO(ARENA_IOC_MAGIC, 0x40)

/* What runs a program: its machine code's architecture, or none. */
#define PROG_JIT_NONE		0	/* the interpreter */
#define PROG_JIT_X86_64		1
#define PROG_JIT_ARM64		2

/*
 * PROG_IOC_INFO on a program fd, like BPF_OBJ_GET_INFO_BY_FD on a program:
 * what was loaded and what it became.  Each dump buffer gets as much of
 * its dump as fits, and its length field says how long the whole dump is,
 * as bpf(2) does.  The translated instructions are the verifier's output
 * with object references shown as they were loaded (indices, not
 * addresses); the machine code holds kernel addresses, so only
 * CAP_SYS_ADMIN may read it (EPERM otherwise; its length is always told).
 */
struct prog_info {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 insn_cnt;		/* out: instructions loaded */
	__u32 nr_funcs;		/* out: the entry function and its subprograms */
	__u32 nr_objs;		/* out: objects it uses */
	__u32 ctx_size;		/* out */
	__u32 jit;		/* out: PROG_JIT_* */
	__u32 xlated_len;	/* in: room at xlated; out: bytes of the dump */
	__u64 xlated;		/* user address of struct bpf_insn[], or 0 */
	__u64 jited;		/* user address, or 0 */
	__u32 jited_len;	/* in: room at jited; out: bytes of machine code */
	__u32 reserved;		/* must be 0 */
	char name[16];		/* out: as loaded */
};

#define PROG_INFO_SIZE_VER0	72

#define PROG_IOC_INFO		_IO(ARENA_IOC_MAGIC, 0x41)

#endif /* _UAPI_ARENA_KMOD_H */
