// SPDX-License-Identifier: GPL-2.0
/*
 * The module's exception table, grown with generated code's entries.
 *
 * The kernel searches THIS_MODULE->extable (num_exentries entries, sorted
 * by address, fields relative to their own location) without locks, from
 * any context, when code in the module faults.  So the table is rebuilt
 * whole, from the module's original entries and every registered
 * program's, into the next of the pool's table buffers in turn, then
 * published in an order that leaves readers a valid table at every moment:
 *
 *  - growing: pointer first, then count, so that a reader pairing the new
 *    pointer with the old count searches a valid prefix;
 *  - shrinking: count first, then pointer, likewise;
 *
 * and a grace period passes (readers run with preemption off) between a
 * buffer's last publication and its next rewrite: the rebuild that
 * reuses it waits for that, if it has not passed by then.  With
 * JIT_POOL_TABLES buffers that is JIT_POOL_TABLES - 1 rebuilds later, so
 * a few loads and unloads in a row do not wait for a grace period each;
 * in a longer burst the wait is an expedited one, as a normal grace
 * period (several ticks) would be most of each load's time.
 * Code whose entries were dropped is freed after a grace period too
 * (jit_pool.c), so no reader of an older table can meet its space reused.
 * The buffers live in module text, above all code, so the 32-bit relative
 * fields reach and arm64's fixup offsets are positive.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <asm/extable.h>

#include "arch.h"
#include "jit.h"
#include "jit_extable.h"
#include "jit_pool.h"

/* One entry of the table to build, at absolute addresses. */
struct jit_ex_slot {
	unsigned long insn;
	/* The module's own entries: copied, fields re-based. */
	const struct exception_table_entry *orig;
	/* Generated code's: resume at insn + len, zero reg. */
	u32 len;
	u8 reg;
};

/* One program's entries. */
struct arena_jit_ex {
	struct list_head node;
	unsigned long code;
	u32 n;
	struct jit_fault faults[];
};

static DEFINE_MUTEX(jit_extable_lock);
static LIST_HEAD(jit_extable_progs);
static u32 jit_extable_nr_progs_entries;
static const struct exception_table_entry *jit_extable_orig;
static unsigned int jit_extable_orig_num;
static unsigned int jit_extable_next;	/* the buffer to rebuild into */
/* When the last reader of each buffer is gone: a grace period's cookie. */
static unsigned long jit_extable_free[JIT_POOL_TABLES];
/*
 * Room to build the biggest table in, taken once: removing a program must
 * not fail for want of memory, or a stale entry would outlive its code.
 */
static struct jit_ex_slot *jit_extable_slots;
static struct exception_table_entry *jit_extable_buf;
static u32 jit_extable_max;

int arena_jit_extable_init(void)
{
	unsigned int i;
	size_t size;

	arena_jit_pool_table(0, &size);
	jit_extable_max = size / sizeof(struct exception_table_entry);
	jit_extable_slots = kvmalloc_array(jit_extable_max, sizeof(*jit_extable_slots),
					   GFP_KERNEL);
	jit_extable_buf = kvmalloc_array(jit_extable_max, sizeof(*jit_extable_buf),
					 GFP_KERNEL);
	if (!jit_extable_slots || !jit_extable_buf) {
		kvfree(jit_extable_slots);
		kvfree(jit_extable_buf);
		return -ENOMEM;
	}
	jit_extable_orig = THIS_MODULE->extable;
	jit_extable_orig_num = THIS_MODULE->num_exentries;
	/* No buffer has had a reader yet. */
	for (i = 0; i < JIT_POOL_TABLES; i++)
		jit_extable_free[i] = get_completed_synchronize_rcu();
	return 0;
}

static unsigned long jit_ex_field_addr(const int *field)
{
	return (unsigned long)field + *field;
}

static int jit_ex_slot_cmp(const void *a, const void *b)
{
	const struct jit_ex_slot *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static u32 jit_extable_collect(struct jit_ex_slot *slots)
{
	const struct arena_jit_ex *prog;
	u32 n = 0, i;

	for (i = 0; i < jit_extable_orig_num; i++, n++) {
		slots[n].orig = &jit_extable_orig[i];
		slots[n].insn = jit_ex_field_addr(&jit_extable_orig[i].insn);
	}
	list_for_each_entry(prog, &jit_extable_progs, node) {
		for (i = 0; i < prog->n; i++, n++) {
			slots[n].orig = NULL;
			slots[n].insn = prog->code + prog->faults[i].insn_off;
			slots[n].len = prog->faults[i].len;
			slots[n].reg = prog->faults[i].dst_reg;
		}
	}
	sort(slots, n, sizeof(*slots), jit_ex_slot_cmp, NULL);
	return n;
}

/* Entry i of a table that will live at table, written into buf. */
static void jit_ex_encode(struct exception_table_entry *buf,
			  const struct exception_table_entry *table, u32 i,
			  const struct jit_ex_slot *slot)
{
	unsigned long at = (unsigned long)&table[i];

	if (!slot->orig) {
		arena_arch_ex_bpf(&buf[i], at, slot->insn, slot->len, slot->reg);
		return;
	}
	buf[i] = *slot->orig;
	buf[i].insn = slot->insn - (unsigned long)&table[i].insn;
	buf[i].fixup = jit_ex_field_addr(&slot->orig->fixup) -
		       (unsigned long)&table[i].fixup;
}

static void jit_extable_publish(const struct exception_table_entry *table,
				unsigned int num)
{
	struct module *mod = THIS_MODULE;

	if (num >= mod->num_exentries) {
		WRITE_ONCE(mod->extable, (struct exception_table_entry *)table);
		smp_wmb();
		WRITE_ONCE(mod->num_exentries, num);
	} else {
		WRITE_ONCE(mod->num_exentries, num);
		smp_wmb();
		WRITE_ONCE(mod->extable, (struct exception_table_entry *)table);
	}
}

/*
 * Rebuilds the table with what is registered now, extra entries more than
 * counted so far; under the lock.  Fails only for a table over the limit,
 * or when the new table cannot be written.
 */
static int jit_extable_rebuild(u32 extra)
{
	u32 total = jit_extable_orig_num + jit_extable_nr_progs_entries + extra;
	struct exception_table_entry *table;
	size_t size;
	u32 n, i;
	int err;

	if (total > jit_extable_max)
		return -ENOSPC;
	table = arena_jit_pool_table(jit_extable_next, &size);
	cond_synchronize_rcu_expedited(jit_extable_free[jit_extable_next]);
	n = jit_extable_collect(jit_extable_slots);
	for (i = 0; i < n; i++)
		jit_ex_encode(jit_extable_buf, table, i, &jit_extable_slots[i]);
	err = n ? arena_jit_pool_write(table, jit_extable_buf, n * sizeof(*table)) : 0;
	if (err)
		return err;
	jit_extable_publish(table, n);
	/* The buffer published before this one has its last readers now. */
	jit_extable_free[(jit_extable_next + JIT_POOL_TABLES - 1) % JIT_POOL_TABLES] =
		get_state_synchronize_rcu();
	jit_extable_next = (jit_extable_next + 1) % JIT_POOL_TABLES;
	return 0;
}

int arena_jit_extable_add(void *code, const struct jit_fault *faults, u32 n,
			  struct arena_jit_ex **handlep)
{
	struct arena_jit_ex *prog;
	int err;

	prog = kvmalloc(struct_size(prog, faults, n), GFP_KERNEL_ACCOUNT);
	if (!prog)
		return -ENOMEM;
	prog->code = (unsigned long)code;
	prog->n = n;
	memcpy(prog->faults, faults, n * sizeof(*faults));

	mutex_lock(&jit_extable_lock);
	list_add(&prog->node, &jit_extable_progs);
	err = jit_extable_rebuild(n);
	if (err)
		list_del(&prog->node);
	else
		jit_extable_nr_progs_entries += n;
	mutex_unlock(&jit_extable_lock);
	if (err) {
		kvfree(prog);
		return err;
	}
	*handlep = prog;
	return 0;
}

int arena_jit_extable_del(struct arena_jit_ex *prog)
{
	int err;

	mutex_lock(&jit_extable_lock);
	list_del(&prog->node);
	jit_extable_nr_progs_entries -= prog->n;
	err = jit_extable_rebuild(0);
	if (err) {
		/* The table still has them: they stay, and so must the code. */
		list_add(&prog->node, &jit_extable_progs);
		jit_extable_nr_progs_entries += prog->n;
	}
	mutex_unlock(&jit_extable_lock);
	if (!err)
		kvfree(prog);
	return err;
}

void arena_jit_extable_exit(void)
{
	mutex_lock(&jit_extable_lock);
	/* Only code whose entries could not be dropped is left: it stays. */
	jit_extable_publish(jit_extable_orig, jit_extable_orig_num);
	mutex_unlock(&jit_extable_lock);
	/* No reader of the buffers freed below is left. */
	synchronize_rcu();
	kvfree(jit_extable_slots);
	kvfree(jit_extable_buf);
}
