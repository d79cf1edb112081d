// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of what user space cannot reach: the kernel view (kview.c),
 * the part that edits the kernel's page tables by hand, where a mistake
 * shows as a stale TLB entry or a page visible where none should be, not
 * as an error code; and the arena as programs will see it (arena_kmod.h).
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <uapi/arena_kmod.h>

#include "arch.h"
#include "arena_kmod.h"
#include "jit.h"
#include "jit_extable.h"
#include "jit_pool.h"
#include "kview.h"
#include "ringbuf_kmod.h"
#include "selftest.h"

static int selftests_run, selftests_failed;

static void selftest_report_in(const char *suite, const char *name, bool ok)
{
	selftests_run++;
	if (!ok)
		selftests_failed++;
	pr_info("arena_kmod: %sok - %s/%s\n", ok ? "" : "not ", suite, name);
}

static void selftest_report(const char *name, bool ok)
{
	selftest_report_in("arena", name, ok);
}

/* Offsets to probe: both ends of the 4 GiB and the guards around them. */
static const s64 kview_probes[] = {
	-ARENA_KVIEW_GUARD / 2, -8, 0, SZ_2G + 123 * PAGE_SIZE,
	SZ_4G - PAGE_SIZE, SZ_4G, SZ_4G + ARENA_KVIEW_GUARD / 2 - 8,
};

static bool kview_faults_at(const struct arena_kview *kv, s64 off)
{
	u64 val;

	return copy_from_kernel_nofault(&val, (void *)(kv->start + off),
					sizeof(val)) == -EFAULT;
}

static bool kview_all_absent(const struct arena_kview *kv)
{
	bool ok = true;
	int i;

	for (i = 0; i < ARRAY_SIZE(kview_probes); i++) {
		s64 off = kview_probes[i];

		ok &= kview_faults_at(kv, off);
		if (off >= 0 && off < SZ_4G)
			ok &= !arena_kview_page(kv, off);
	}
	return ok;
}

/* A page put in shows at its offset and nowhere else; removed, it is gone. */
static bool kview_insert_clear(struct arena_kview *kv, u32 off)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	u64 *direct, *viewed, seen = 0;
	bool ok;

	if (!page)
		return false;
	direct = page_address(page);
	viewed = (u64 *)(kv->start + off);
	direct[3] = 0x0123456789abcdefULL;

	if (arena_kview_prepare(kv, off, PAGE_SIZE, GFP_KERNEL)) {
		__free_page(page);
		return false;
	}
	arena_kview_insert(kv, off, page);
	ok = arena_kview_page(kv, off) == page;
	ok &= !copy_from_kernel_nofault(&seen, &viewed[3], sizeof(seen)) &&
	      seen == 0x0123456789abcdefULL;
	WRITE_ONCE(viewed[5], 42);
	ok &= READ_ONCE(direct[5]) == 42;
	ok &= kview_faults_at(kv, (s64)off + PAGE_SIZE) &&
	      kview_faults_at(kv, (s64)off - PAGE_SIZE);

	arena_kview_clear(kv, off);
	arena_kview_flush(kv, off, PAGE_SIZE);
	ok &= !arena_kview_page(kv, off) && kview_faults_at(kv, off);
	__free_page(page);
	return ok;
}

/*
 * Page tables only where pages are: none inside the range at first, one
 * more for a page in a new slice, none for a second page in that slice.
 */
static bool kview_tables_follow_pages(struct arena_kview *kv)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u32 off = SZ_2G + 5 * PAGE_SIZE;
	bool ok;

	if (!page)
		return false;
	ok = arena_kview_nr_tables(kv) == 0;
	ok &= !arena_kview_prepare(kv, off, 2 * PAGE_SIZE, GFP_KERNEL);
	ok &= arena_kview_nr_tables(kv) == 1;
	ok &= !arena_kview_page(kv, off) && kview_faults_at(kv, off);
	arena_kview_insert(kv, off, page);
	ok &= arena_kview_page(kv, off) == page && !kview_faults_at(kv, off);
	arena_kview_clear(kv, off);
	arena_kview_flush(kv, off, PAGE_SIZE);
	ok &= kview_faults_at(kv, off);
	__free_page(page);
	return ok;
}

static void selftest_kview(void)
{
	bool absent, tables, inserts;
	struct arena_kview kv;
	int round;

	/* Twice: the second view may reuse the first one's range. */
	for (round = 0; round < 2; round++) {
		if (arena_kview_create(&kv)) {
			selftest_report("kview-create", false);
			return;
		}
		absent = kview_all_absent(&kv);
		tables = kview_tables_follow_pages(&kv);
		inserts = kview_insert_clear(&kv, 0) &&
			  kview_insert_clear(&kv, SZ_4G - PAGE_SIZE) &&
			  kview_insert_clear(&kv, SZ_1G + 7 * PAGE_SIZE);
		if (round == 0) {
			selftest_report("kview-starts-absent", absent);
			selftest_report("kview-tables-follow-pages", tables);
			selftest_report("kview-insert-clear", inserts);
		} else {
			selftest_report("kview-reused-range", absent && tables && inserts &&
					kview_all_absent(&kv));
		}
		arena_kview_destroy(&kv);
	}
}

/* Whether a program's load through arena pointer p would find a page. */
static bool arena_has_page(struct arena *arena, u64 p)
{
	u64 val;

	return !copy_from_kernel_nofault(&val, (void *)(arena_kern_vm_start(arena) + (u32)p),
					 sizeof(val));
}

/*
 * bpf_arena_alloc_pages()/bpf_arena_free_pages() semantics, on an arena
 * whose user address is not 4 GiB aligned, so that a page found by its
 * offset instead of its pointer's low 32 bits would show.
 */
static bool arena_prog_pages(struct arena *a, u64 base)
{
	u64 p, P = PAGE_SIZE;
	bool ok;

	/* Refusals leave nothing behind. */
	ok = !arena_prog_alloc_pages(a, 0, 1, NUMA_NO_NODE, 1) &&
	     !arena_prog_alloc_pages(a, 0, 1, 9999, 0) &&
	     !arena_prog_alloc_pages(a, 0, 0, NUMA_NO_NODE, 0) &&
	     !arena_prog_alloc_pages(a, base + 1, 1, NUMA_NO_NODE, 0) &&
	     !arena_prog_alloc_pages(a, base + 16 * P, 1, NUMA_NO_NODE, 0) &&
	     !arena_prog_alloc_pages(a, base + 15 * P, 2, NUMA_NO_NODE, 0) &&
	     !arena_has_page(a, base);

	p = arena_prog_alloc_pages(a, 0, 4, NUMA_NO_NODE, 0);
	ok &= p == base && arena_has_page(a, p) && arena_has_page(a, p + 3 * P) &&
	      !arena_has_page(a, p + 4 * P);
	ok &= !arena_has_page(a, 0);	/* offset 0 is not where page 0 is */
	ok &= !arena_prog_alloc_pages(a, p + 2 * P, 1, NUMA_NO_NODE, 0);
	ok &= !arena_prog_alloc_pages(a, 0, 13, NUMA_NO_NODE, 0);
	ok &= arena_prog_alloc_pages(a, 0, 12, NUMA_NO_NODE, 0) == p + 4 * P;
	ok &= !arena_prog_alloc_pages(a, 0, 1, NUMA_NO_NODE, 0);

	arena_prog_free_pages(a, p + P, 2);
	ok &= arena_has_page(a, p) && !arena_has_page(a, p + P) &&
	      !arena_has_page(a, p + 2 * P) && arena_has_page(a, p + 3 * P);
	/* Only the low 32 bits of a pointer count. */
	ok &= arena_prog_alloc_pages(a, (0xdeadULL << 32) | (u32)(p + P), 1,
				     NUMA_NO_NODE, 0) == p + P;
	/* A free running past the end is clipped to it. */
	arena_prog_free_pages(a, p + 14 * P, 10);
	ok &= arena_has_page(a, p + 13 * P) && !arena_has_page(a, p + 14 * P) &&
	      !arena_has_page(a, p + 15 * P);
	return ok;
}

static void selftest_arena(void)
{
	struct arena_create req = {
		.nr_pages = 16,
		.user_addr = (5ULL << 32) + SZ_256M,
	};
	struct arena *arena = arena_new(&req);

	if (IS_ERR(arena)) {
		selftest_report("arena-new", false);
		return;
	}
	selftest_report("arena-prog-alloc-free", arena_prog_pages(arena, req.user_addr));
	arena_put(arena);
}

/*
 * A user-to-kernel ring, written here the way a user producer writes its
 * mapping (producer page, then the data area twice), drained by the
 * kernel: what a program's drain will see, corrupt rings included.
 */
struct drain_log {
	int n;
	u32 lens[4];
	char bytes[4][8];
	int stop_after;
};

static int drain_record(void *ctx, void *data, u32 len)
{
	struct drain_log *log = ctx;

	if (log->n < ARRAY_SIZE(log->lens)) {
		log->lens[log->n] = len;
		memcpy(log->bytes[log->n], data, min_t(u32, len, 8));
	}
	return ++log->n == log->stop_after;
}

static void user_rec(char *data, unsigned long pos, u32 hdr, const char *bytes, u32 len)
{
	memcpy(data + (pos & (PAGE_SIZE - 1)) + RINGBUF_HDR_SZ, bytes, len);
	*(u32 *)(data + (pos & (PAGE_SIZE - 1))) = hdr;
}

static bool ring_user_drain(struct ringbuf *rb)
{
	char *base = ringbuf_vaddr(rb), *data = base + 2 * PAGE_SIZE;
	unsigned long *cons = (unsigned long *)base, *prod = (unsigned long *)(base + PAGE_SIZE);
	struct drain_log log = { 0 };
	bool ok;

	/* A record, a discarded one (skipped), another. */
	user_rec(data, 0, 5, "hello", 5);
	user_rec(data, 16, 3 | RINGBUF_DISCARD_BIT, "bad", 3);
	user_rec(data, 32, 4, "next", 4);
	*prod = 48;
	ok = ringbuf_user_drain(rb, drain_record, &log, 100) == 2 && *cons == 48 &&
	     log.lens[0] == 5 && !memcmp(log.bytes[0], "hello", 5) &&
	     log.lens[1] == 4 && !memcmp(log.bytes[1], "next", 4);
	/* Busy stops the drain; nothing is lost. */
	user_rec(data, 48, 2 | RINGBUF_BUSY_BIT, "hi", 2);
	*prod = 64;
	ok &= ringbuf_user_drain(rb, drain_record, &log, 100) == 0 && *cons == 48;
	/* Lies: a header longer than what was produced, an odd or a runaway producer. */
	user_rec(data, 48, 4000, "hi", 2);
	ok &= ringbuf_user_drain(rb, drain_record, &log, 100) == -EINVAL && *cons == 48;
	user_rec(data, 48, 2, "hi", 2);
	*prod = 61;
	ok &= ringbuf_user_drain(rb, drain_record, &log, 100) == -EINVAL;
	*prod = 48 + 2 * PAGE_SIZE;
	ok &= ringbuf_user_drain(rb, drain_record, &log, 100) == -EINVAL && *cons == 48;
	/* Honest again; then a record that wraps, read through the second mapping. */
	*prod = 64;
	ok &= ringbuf_user_drain(rb, drain_record, &log, 100) == 1 && *cons == 64;
	user_rec(data, 64, PAGE_SIZE - 80, "big", 3);	/* ends 8 bytes before the end */
	memcpy(data + PAGE_SIZE, "wrapped!", 8);	/* data[0..8) through its alias */
	*(u32 *)(data + PAGE_SIZE - 8) = 8;
	*prod = PAGE_SIZE + 8;
	log = (struct drain_log){ .stop_after = 2 };
	ok &= ringbuf_user_drain(rb, drain_record, &log, 100) == 2 && *cons == PAGE_SIZE + 8 &&
	      log.lens[1] == 8 && !memcmp(log.bytes[1], "wrapped!", 8);
	return ok;
}

static void selftest_ringbuf(void)
{
	struct ringbuf *rb = ringbuf_new(PAGE_SIZE, RINGBUF_F_USER);

	if (IS_ERR(rb)) {
		selftest_report_in("ringbuf", "new", false);
		return;
	}
	selftest_report_in("ringbuf", "user-drain", ring_user_drain(rb));
	ringbuf_put(rb);
}

/*
 * Generated code in the pool, by hand: u64 load(void *p) { return *(u64 *)p; }
 * with an exception-table entry on the load, as the JITs emit for arena
 * accesses: an absent page must read 0, not oops.
 */
#if defined(CONFIG_X86_64)
static const u8 jit_load_code[] = {
	0xf3, 0x0f, 0x1e, 0xfa,		/* endbr64 */
	0x48, 0x8b, 0x07,		/* mov (%rdi), %rax */
	0xc3,				/* ret */
};
static const struct jit_fault jit_load_fault = { .insn_off = 4, .len = 3, .dst_reg = 0 };
#elif defined(CONFIG_ARM64)
static const u32 jit_load_code[] = {
	0xd503245f,			/* bti c */
	0xf9400000,			/* ldr x0, [x0] */
	0xd65f03c0,			/* ret */
};
static const struct jit_fault jit_load_fault = { .insn_off = 4, .len = 4, .dst_reg = 0 };
#endif

static bool jit_pool_fault_fixup(struct arena *arena, u64 base, void *code)
{
	u64 (*load)(unsigned long p) = code;
	unsigned long kern = arena_kern_vm_start(arena) + (u32)base;
	struct page *page;
	bool ok;

	ok = load(kern) == 0 && load(kern + PAGE_SIZE - 8) == 0;
	if (!ok || arena_prog_alloc_pages(arena, base, 1, NUMA_NO_NODE, 0) != base)
		return false;
	rcu_read_lock();
	page = arena_kernel_page(arena, (u32)base);
	if (page)
		*(u64 *)page_address(page) = 0x1234567887654321ULL;
	rcu_read_unlock();
	ok = page && load(kern) == 0x1234567887654321ULL;
	arena_prog_free_pages(arena, base, 1);
	return ok && load(kern) == 0;
}

static void selftest_jit_pool(void)
{
	struct arena_create req = { .nr_pages = 1, .user_addr = 7ULL << 32 };
	unsigned int orig_num = THIS_MODULE->num_exentries;
	struct arena_jit_ex *ex;
	struct arena *arena;
	bool ok = false;
	void *code;

	code = arena_jit_pool_alloc(sizeof(jit_load_code));
	arena = arena_new(&req);
	if (!code || IS_ERR(arena) ||
	    arena_jit_pool_write(code, jit_load_code, sizeof(jit_load_code)))
		goto out;
	if (!arena_jit_extable_add(code, &jit_load_fault, 1, &ex)) {
		ok = THIS_MODULE->num_exentries == orig_num + 1 &&
		     jit_pool_fault_fixup(arena, req.user_addr, code);
		ok &= !arena_jit_extable_del(ex) && THIS_MODULE->num_exentries == orig_num;
	}
out:
	selftest_report_in("jit", "pool-code-faults-fixed-up", ok);
	if (!IS_ERR(arena))
		arena_put(arena);
	arena_jit_pool_free(code, sizeof(jit_load_code));
}

/*
 * Where the JITs read bpf_get_smp_processor_id()'s answer must be known
 * (else the helper is called, slower, and nothing says so) and hold this
 * CPU's number: read here as the generated code reads it.
 */
static u32 jit_cpu_number_at(s32 off)
{
#if defined(CONFIG_X86_64)
	return *(u32 *)(raw_cpu_read(this_cpu_off) + off);	/* %gs:off */
#elif defined(CONFIG_ARM64)
	return *(u32 *)((char *)current + off);			/* [sp_el0, #off] */
#endif
}

static void selftest_jit_cpu_number(void)
{
	u32 base;
	s32 off;
	bool ok;

	arena_arch_jit_cpu_number(&base, &off);
	preempt_disable();
	ok = base && jit_cpu_number_at(off) == raw_smp_processor_id();
	preempt_enable();
	selftest_report_in("jit", "cpu-number-where", ok);
}

int arena_selftests_run(void)
{
	selftest_kview();
	selftest_arena();
	selftest_ringbuf();
	selftest_jit_pool();
	selftest_jit_cpu_number();
	pr_info("arena_kmod: selftests run: %d\n", selftests_run);
	return selftests_failed ? -ENOTRECOVERABLE : 0;
}
