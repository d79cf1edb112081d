// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT's executable memory: a fixed region of the module's own text,
 * so that faults in generated code find the module's exception table, and
 * so that no unexported allocator of executable memory is needed.
 *
 * The region is mapped read-only and executable like the rest of the
 * module's text and stays so: writes go through a temporary writable alias
 * of the same pages (vmap), whose page-table entries vunmap() clears and
 * whose translations every CPU drops before the code can run.  W^X holds
 * at the executable address at every moment.  Unused bytes are trap
 * instructions.
 *
 * Allocation is first fit in JIT_POOL_UNIT steps over a bitmap; freed
 * space returns after an RCU grace period.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/objtool.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>

#include "arch.h"
#include "jit_pool.h"

#define JIT_POOL_CODE_SIZE	SZ_1M
#define JIT_POOL_TABLE_SIZE	SZ_64K
#define JIT_POOL_SIZE		(JIT_POOL_CODE_SIZE + JIT_POOL_TABLES * JIT_POOL_TABLE_SIZE)
#define JIT_POOL_UNIT		64
#define JIT_POOL_UNITS		(JIT_POOL_CODE_SIZE / JIT_POOL_UNIT)

#if defined(CONFIG_X86_64)
#define JIT_POOL_TRAP		0xccccccccU	/* int3 x 4 */
#elif defined(CONFIG_ARM64)
#define JIT_POOL_TRAP		0xd4200000U	/* brk #0 */
#endif

extern u8 arena_jit_pool[];

/*
 * The region itself, emitted from inside a function because only there
 * may asm() take PAGE_SIZE as an operand.  The code and table areas are
 * data to objtool's IBT check: their starts are marked as addresses that
 * need no ENDBR (each generated function brings its own).
 */
static void __used arena_jit_pool_region(void)
{
	asm volatile(".pushsection .text.arena_jit_pool, \"ax\"\n"
		     ".balign %c0\n"
		     ".globl arena_jit_pool\n"
		     "arena_jit_pool:\n"
		     ANNOTATE_NOENDBR
		     ".fill %c1, 4, %c3\n"
		     ".rept %c4\n"
		     ANNOTATE_NOENDBR
		     ".fill %c2, 4, %c3\n"
		     ".endr\n"
		     ".popsection\n"
		     : : "i" (PAGE_SIZE), "i" (JIT_POOL_CODE_SIZE / 4),
		     "i" (JIT_POOL_TABLE_SIZE / 4), "i" (JIT_POOL_TRAP),
		     "i" (JIT_POOL_TABLES));
}

static DEFINE_SPINLOCK(jit_pool_lock);
static DECLARE_BITMAP(jit_pool_used, JIT_POOL_UNITS);

int arena_jit_pool_init(void)
{
	/* The assembler's alignment must have held. */
	return PAGE_ALIGNED(arena_jit_pool) ? 0 : -EINVAL;
}

void arena_jit_pool_exit(void)
{
	/* The last frees' callbacks touch the bitmap: let them finish. */
	rcu_barrier();
}

static unsigned long jit_pool_units(size_t len)
{
	return DIV_ROUND_UP(len, JIT_POOL_UNIT);
}

void *arena_jit_pool_alloc(size_t len)
{
	unsigned long n = jit_pool_units(len), first;

	if (!len || len > JIT_POOL_CODE_SIZE)
		return NULL;
	/*
	 * _bh: jit_pool_release() takes the lock from an RCU callback, in
	 * softirq context, which could otherwise interrupt us here on this
	 * CPU and spin on the lock we hold.
	 */
	spin_lock_bh(&jit_pool_lock);
	first = bitmap_find_next_zero_area(jit_pool_used, JIT_POOL_UNITS, 0, n, 0);
	if (first + n <= JIT_POOL_UNITS)
		bitmap_set(jit_pool_used, first, n);
	spin_unlock_bh(&jit_pool_lock);
	return first + n <= JIT_POOL_UNITS ? arena_jit_pool + first * JIT_POOL_UNIT : NULL;
}

struct jit_pool_freed {
	struct rcu_head rcu;
	unsigned long first, n;
};

static void jit_pool_release(struct rcu_head *rcu)
{
	struct jit_pool_freed *freed = container_of(rcu, struct jit_pool_freed, rcu);

	spin_lock(&jit_pool_lock);
	bitmap_clear(jit_pool_used, freed->first, freed->n);
	spin_unlock(&jit_pool_lock);
	kfree(freed);
}

void arena_jit_pool_free(void *code, size_t len)
{
	struct jit_pool_freed *freed;

	if (!code)
		return;
	freed = kmalloc(sizeof(*freed), GFP_KERNEL | __GFP_NOFAIL);
	freed->first = ((u8 *)code - arena_jit_pool) / JIT_POOL_UNIT;
	freed->n = jit_pool_units(len);
	call_rcu(&freed->rcu, jit_pool_release);
}

void *arena_jit_pool_table(unsigned int which, size_t *size)
{
	*size = JIT_POOL_TABLE_SIZE;
	return arena_jit_pool + JIT_POOL_CODE_SIZE + which * JIT_POOL_TABLE_SIZE;
}

/* What the inline flush_icache_range() does, with exported symbols. */
static void jit_pool_sync_icache(void *start, size_t len)
{
#ifdef CONFIG_ARM64
	caches_clean_inval_pou((unsigned long)start, (unsigned long)start + len);
	kick_all_cpus_sync();
#endif
}

int arena_jit_pool_write(void *dst, const void *src, size_t len)
{
	unsigned long start = (unsigned long)dst & PAGE_MASK;
	unsigned long n = (PAGE_ALIGN((unsigned long)dst + len) - start) >> PAGE_SHIFT;
	struct page **pages;
	unsigned long i;
	void *alias;

	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pages[i] = vmalloc_to_page((void *)(start + i * PAGE_SIZE));
	alias = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!alias)
		return -ENOMEM;
	memcpy(alias + offset_in_page(dst), src, len);
	vunmap(alias);
	/*
	 * No writable translation of the code may outlive this call.  The
	 * entries are gone; TLBs may still hold them.  vm_unmap_aliases()
	 * would drop them too, but it also purges every lazily freed vmap
	 * area of the system and flushes all of its range.
	 */
	arena_arch_flush_tlb_kernel((unsigned long)alias, (unsigned long)alias + n * PAGE_SIZE);
	jit_pool_sync_icache(dst, len);
	return 0;
}
