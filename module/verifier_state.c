// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier states: copies for branches, call frames, and pruning.
 *
 * Pruning.  At prune points (jump targets, the instruction after a
 * conditional jump, may_goto, callback entries) the walk keeps a copy of
 * its state, when enough happened since the last (state_worth_storing()).
 * A later path that reaches the same point in a state the
 * stored one covers (every register and stack slot of the stored state
 * allows at least what the new one holds) is safe if the stored one was,
 * and stops there.
 *
 * A stored state whose paths are still being walked (branches > 0) has
 * not been proven safe yet; reaching it again means the path went round a
 * loop.  If nothing changed, the loop may never end: rejected, except at a
 * may_goto or a callback entry, whose iterations the runtime bounds; there
 * the path stops, and scalars that changed since the earlier iteration are
 * widened to unknown so that the next one is covered.  Elsewhere a changed
 * state is walked again: bounded loops unroll.
 */
#include "verifier_internal.h"

struct verifier_state *state_alloc(void)
{
	return portable_zalloc(sizeof(struct verifier_state));
}

static struct func_frame *frame_copy(const struct func_frame *src)
{
	struct func_frame *dst = portable_zalloc(sizeof(*dst));

	if (!dst)
		return NULL;
	*dst = *src;
	dst->stack = NULL;
	if (src->nr_slots) {
		dst->stack = portable_zalloc(src->nr_slots * sizeof(*dst->stack));
		if (!dst->stack) {
			portable_free(dst);
			return NULL;
		}
		memcpy(dst->stack, src->stack, src->nr_slots * sizeof(*dst->stack));
	}
	return dst;
}

static void frame_free(struct func_frame *frame)
{
	if (!frame)
		return;
	portable_free(frame->stack);
	portable_free(frame);
}

void state_clear(struct verifier_state *st)
{
	u32 i;

	for (i = 0; i < ISA_MAX_CALL_FRAMES; i++) {
		frame_free(st->frames[i]);
		st->frames[i] = NULL;
	}
	portable_free(st->refs);
	st->refs = NULL;
	st->nr_refs = 0;
}

void state_free(struct verifier_state *st)
{
	if (!st)
		return;
	state_clear(st);
	portable_free(st);
}

/* dst must be empty (new, or cleared). */
int state_copy(struct verifier_state *dst, const struct verifier_state *src)
{
	u32 i;

	*dst = *src;
	memset(dst->frames, 0, sizeof(dst->frames));
	dst->refs = NULL;
	dst->branches = 0;
	for (i = 0; i <= src->curframe; i++) {
		dst->frames[i] = frame_copy(src->frames[i]);
		if (!dst->frames[i])
			goto nomem;
	}
	if (src->nr_refs) {
		dst->refs = portable_zalloc(MAX_REFS * sizeof(*dst->refs));
		if (!dst->refs)
			goto nomem;
		memcpy(dst->refs, src->refs, src->nr_refs * sizeof(*dst->refs));
	}
	return 0;
nomem:
	state_clear(dst);
	return -ENOMEM;
}

int state_grow_stack(struct func_frame *frame, u32 nr_slots)
{
	struct stack_slot *stack;

	if (nr_slots <= frame->nr_slots)
		return 0;
	stack = portable_zalloc(nr_slots * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	if (frame->nr_slots)
		memcpy(stack, frame->stack, frame->nr_slots * sizeof(*stack));
	portable_free(frame->stack);
	frame->stack = stack;
	frame->nr_slots = nr_slots;
	return 0;
}

int state_push_frame(struct verifier_state *st, u32 func, u32 callsite)
{
	struct func_frame *frame = portable_zalloc(sizeof(*frame));

	if (!frame)
		return -ENOMEM;
	frame->func = func;
	frame->callsite = callsite;
	st->frames[++st->curframe] = frame;
	return 0;
}

void state_pop_frame(struct verifier_state *st)
{
	frame_free(st->frames[st->curframe]);
	st->frames[st->curframe--] = NULL;
}

void state_for_each_reg(struct verifier_state *st,
			void (*fn)(struct reg_state *reg, void *arg), void *arg)
{
	u32 f, r;

	for (f = 0; f <= st->curframe; f++) {
		struct func_frame *frame = st->frames[f];

		for (r = 0; r < MAX_REG; r++)
			fn(&frame->regs[r], arg);
		for (r = 0; r < frame->nr_slots; r++)
			if (frame->stack[r].bytes[0] == STACK_SPILL)
				fn(&frame->stack[r].spilled, arg);
	}
}

/* Ids of the old state must map one to one onto the current one's. */
static bool check_ids(struct verifier_env *env, u32 old_id, u32 cur_id)
{
	u32 i;

	if (!old_id || !cur_id)
		return old_id == cur_id;
	for (i = 0; i < env->nr_idmap; i++) {
		if (env->idmap[i][0] == old_id)
			return env->idmap[i][1] == cur_id;
		if (env->idmap[i][1] == cur_id)
			return false;
	}
	if (env->nr_idmap >= IDMAP_SIZE)
		return false;
	env->idmap[env->nr_idmap][0] = old_id;
	env->idmap[env->nr_idmap][1] = cur_id;
	env->nr_idmap++;
	return true;
}

static bool regsafe(struct verifier_env *env, const struct reg_state *old,
		    const struct reg_state *cur)
{
	if (old->type == NOT_INIT)
		return true;
	if (old->type != cur->type)
		return false;
	/* A link the old walk narrowed through must hold here too. */
	if (old->type == SCALAR)
		return range_within(old, cur) &&
		       (!old->id || (cur->id && old->off == cur->off &&
				     check_ids(env, old->id, cur->id)));
	if (old->type == PTR_TO_ARENA)
		return true;
	return old->off == cur->off && old->obj == cur->obj &&
	       old->frameno == cur->frameno && old->func == cur->func &&
	       old->mem_size == cur->mem_size && range_within(old, cur) &&
	       check_ids(env, old->id, cur->id) &&
	       check_ids(env, old->ref_id, cur->ref_id);
}

static bool stacksafe(struct verifier_env *env, const struct func_frame *old,
		      const struct func_frame *cur)
{
	u32 i, b;

	for (i = 0; i < old->nr_slots; i++) {
		const struct stack_slot *os = &old->stack[i];
		const struct stack_slot *cs = i < cur->nr_slots ? &cur->stack[i] : NULL;

		if (os->bytes[0] == STACK_SPILL) {
			if (!cs || cs->bytes[0] != STACK_SPILL ||
			    !regsafe(env, &os->spilled, &cs->spilled))
				return false;
			continue;
		}
		for (b = 0; b < 8; b++) {
			if (os->bytes[b] == STACK_INVALID)
				continue;
			/* Misc bytes read as unknown scalars: so must cur's. */
			if (!cs || cs->bytes[b] == STACK_INVALID)
				return false;
			if (cs->bytes[b] == STACK_SPILL && cs->spilled.type != SCALAR)
				return false;
		}
	}
	return true;
}

/*
 * Registers whose value matters in frame i: what the top frame reads from
 * here on; in a caller, what it reads after the call returns, but r0-r5,
 * which the return overwrites.
 */
static u16 live_regs(struct verifier_env *env, const struct verifier_state *st,
		     u32 i)
{
	if (i == st->curframe)
		return env->aux[env->insn_idx].live;
	return env->aux[st->frames[i + 1]->callsite + 1].live & ~0x3fU;
}

static bool states_equal(struct verifier_env *env,
			 const struct verifier_state *old,
			 const struct verifier_state *cur)
{
	u32 i, r;
	u16 live;

	if (old->curframe != cur->curframe || old->nr_refs != cur->nr_refs)
		return false;
	env->nr_idmap = 0;
	for (i = 0; i < old->nr_refs; i++)
		if (!check_ids(env, old->refs[i].id, cur->refs[i].id))
			return false;
	for (i = 0; i <= old->curframe; i++) {
		const struct func_frame *of = old->frames[i], *cf = cur->frames[i];

		if (of->callsite != cf->callsite || of->func != cf->func)
			return false;
		/* A callback's next iteration gets cb_arg again. */
		if (of->in_callback && !regsafe(env, &of->cb_arg, &cf->cb_arg))
			return false;
		env->compare_steps += MAX_REG + of->nr_slots;
		live = live_regs(env, cur, i);
		for (r = 0; r < MAX_REG; r++)
			if ((live & (1U << r)) &&
			    !regsafe(env, &of->regs[r], &cf->regs[r]))
				return false;
		if (!stacksafe(env, of, cf))
			return false;
	}
	return true;
}

/* The smallest description holding both a's and b's values. */
static void scalar_join(struct reg_state *a, const struct reg_state *b)
{
	u64 mask = a->var_off.mask | b->var_off.mask | (a->var_off.value ^ b->var_off.value);

	a->var_off = TNUM(a->var_off.value & ~mask, mask);
	a->umin = a->umin < b->umin ? a->umin : b->umin;
	a->umax = a->umax > b->umax ? a->umax : b->umax;
	a->smin = a->smin < b->smin ? a->smin : b->smin;
	a->smax = a->smax > b->smax ? a->smax : b->smax;
	a->u32_min = a->u32_min < b->u32_min ? a->u32_min : b->u32_min;
	a->u32_max = a->u32_max > b->u32_max ? a->u32_max : b->u32_max;
	a->s32_min = a->s32_min < b->s32_min ? a->s32_min : b->s32_min;
	a->s32_max = a->s32_max > b->s32_max ? a->s32_max : b->s32_max;
	reg_bounds_sync(a);
}

static void widen_reg(const struct verifier_env *env, const struct reg_state *old,
		      struct reg_state *cur, bool full)
{
	if (old->type != SCALAR || cur->type != SCALAR || reg_bounds_equal(old, cur))
		return;
	if (full) {
		reg_mark_unknown(cur);
		return;
	}
	scalar_join(cur, old);
	widen_to_thresholds(env, old, cur);
}

static void widen_stack(const struct verifier_env *env, const struct func_frame *of,
			struct func_frame *cf, bool full)
{
	u32 r;

	for (r = 0; r < of->nr_slots && r < cf->nr_slots; r++)
		if (of->stack[r].bytes[0] == STACK_SPILL &&
		    cf->stack[r].bytes[0] == STACK_SPILL)
			widen_reg(env, &of->stack[r].spilled, &cf->stack[r].spilled, full);
}

/*
 * Scalars that changed since an earlier iteration grow to hold both
 * values and on to the next threshold (verifier_widen.c), so that a loop
 * with a bound checked before its may_goto keeps that bound; after a few
 * rounds, or when few stored states are left, they become unknown, so
 * that the next iteration is covered for sure.
 * The loop's own registers, and the stack of every frame, which the loop
 * may write through pointers; not its callers' registers, which do not
 * change while it runs: one may count the rounds of a bounded loop around
 * the call, and must keep its range for that loop to end.
 */
static void widen_scalars(const struct verifier_env *env, const struct verifier_state *old,
			  struct verifier_state *cur, bool full)
{
	u32 i, r;

	if (old->curframe != cur->curframe)
		return;
	for (i = 0; i <= cur->curframe; i++)
		if (old->frames[i]->callsite != cur->frames[i]->callsite)
			return;
	for (i = 0; i <= cur->curframe; i++)
		widen_stack(env, old->frames[i], cur->frames[i], full);
	for (r = 0; r < MAX_REG; r++)
		widen_reg(env, &old->frames[cur->curframe]->regs[r],
			  &cur->frames[cur->curframe]->regs[r], full);
}

/*
 * Where a loop may come round again without the walk proving it ends: a
 * may_goto, or the entry of a callback the helper runs again (the same
 * function called as a plain function is no such place).
 */
static bool is_loop_entry(const struct verifier_env *env)
{
	const struct verifier_state *cur = env->cur;
	const struct func_frame *frame = cur->frames[cur->curframe];

	if (!env->aux[env->insn_idx].loop_entry)
		return false;
	if (env->prog->insns[env->insn_idx].code == (BPF_JMP | ISA_JCOND))
		return true;
	return frame->in_callback && env->funcs[frame->func].start == env->insn_idx;
}

/*
 * A loop entry whose list is full: a loop entered again from a bounded loop
 * around it (each round stores states the next ones cannot use) could
 * never be covered without a state of its own round.  The oldest stored
 * state makes room; it may still be a parent of the paths being walked,
 * so it lives on, unsearched, until the walk ends.
 */
static void retire_oldest(struct verifier_env *env, struct insn_aux *aux)
{
	struct stored_state **link = &aux->stored, *oldest;

	while ((*link)->next)
		link = &(*link)->next;
	oldest = *link;
	*link = NULL;
	aux->nr_stored--;
	oldest->next = env->retired;
	env->retired = oldest;
}

/*
 * Prune points come every few instructions; a state stored at each costs
 * more to copy and compare than it saves.  As the kernel's verifier does,
 * a new one is stored only after 2 jumps and 8 instructions since the
 * last; loop entries always store one, which their widening needs.
 */
static bool state_worth_storing(const struct verifier_env *env)
{
	return env->jumps - env->stored_at_jumps >= 2 &&
	       env->processed - env->stored_at_processed >= 8;
}

int state_visit(struct verifier_env *env)
{
	struct verifier_state *cur = env->cur;
	struct insn_aux *aux = &env->aux[env->insn_idx];
	bool loop_entry = is_loop_entry(env);
	struct stored_state *sl;
	int err;

	if (env->compare_steps > MAX_COMPARE_STEPS)
		return 0;
	link_drop_single(cur, aux->live);
	for (sl = aux->stored; sl; sl = sl->next) {
		if (!states_equal(env, &sl->st, cur))
			continue;
		if (!sl->st.branches || loop_entry)
			return 1;
		/*
		 * A walk in progress covers this one: the path went round a
		 * loop.  Only an unchanged state proves it never ends; one
		 * that changed (a counter whose range shrank) goes round
		 * again, until the loop's own test ends it or the budget of
		 * processed instructions runs out.
		 */
		if (sl->st.loop_depth == cur->loop_depth &&
		    states_equal(env, cur, &sl->st))
			return verifier_reject(env, env->insn_idx,
					       "infinite loop detected");
	}
	if (loop_entry) {
		bool full = env->widen_eager || cur->loop_depth > WIDEN_ROUNDS ||
			    aux->nr_stored + 2 >= MAX_STORED_PER_INSN;

		env->widened_eagerly |= env->widen_eager;

		for (sl = aux->stored; sl; sl = sl->next)
			if (sl->st.branches)
				widen_scalars(env, &sl->st, cur, full);
	}
	if (env->nr_stored >= MAX_STORED || (!loop_entry && !state_worth_storing(env)))
		return 0;
	if (aux->nr_stored >= MAX_STORED_PER_INSN) {
		if (!loop_entry)
			return 0;
		retire_oldest(env, aux);
	}
	sl = portable_zalloc(sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	err = state_copy(&sl->st, cur);
	if (err) {
		portable_free(sl);
		return err;
	}
	sl->st.branches = 1;
	sl->st.parent = cur->parent;
	cur->parent = &sl->st;
	sl->next = aux->stored;
	aux->stored = sl;
	aux->nr_stored++;
	env->nr_stored++;
	env->stored_at_processed = env->processed;
	env->stored_at_jumps = env->jumps;
	return 0;
}

/* A path ended (exit or pruned): its stored ancestors have one less. */
void state_path_done(struct verifier_env *env)
{
	struct verifier_state *st = env->cur->parent;

	while (st) {
		if (--st->branches)
			break;
		st = st->parent;
	}
}

static void free_stored_list(struct stored_state **list)
{
	struct stored_state *sl, *next;

	for (sl = *list; sl; sl = next) {
		next = sl->next;
		state_clear(&sl->st);
		portable_free(sl);
	}
	*list = NULL;
}

void state_free_stored(struct verifier_env *env)
{
	u32 i;

	for (i = 0; i < env->prog->len; i++)
		free_stored_list(&env->aux[i].stored);
	free_stored_list(&env->retired);
}
