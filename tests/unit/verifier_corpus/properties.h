/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Beyond verdicts: the rewrites prog_core.h promises, the function table,
 * the log's levels and sizes, limits, and how long big programs take.
 */

static int verify(struct prog_core *prog, const struct bpf_insn *insns,
		  unsigned int len, enum obj_set set, unsigned int ctx_size,
		  struct verifier_log *log)
{
	struct vcase c = {
		.insns = insns, .len = len, .objs = set, .ctx_size = ctx_size,
	};

	prog_init(prog, &c);
	return verifier_check(prog, log);
}

static void prog_done(struct prog_core *prog)
{
	verifier_release(prog);
	TAP_EXPECT(!prog->funcs && !prog->nr_funcs);
	free(prog->insns);
}

static u64 ld_imm64_at(const struct prog_core *prog, unsigned int i)
{
	TAP_EXPECT_EQ(prog->insns[i].src_reg, 0);
	return isa_ld_imm64_value(&prog->insns[i]);
}

static void rewrite_objects(void)
{
	static const struct bpf_insn insns[] = {
		I_LD_OBJ(1, O_RING),			/* 0 */
		I_LD_OBJ_VALUE(2, O_DATA, 8),		/* 2 */
		I_LD_OBJ_VALUE(3, O_ARENA, 4096),	/* 4 */
		I_LD_FUNC(2, 7),			/* 6: func at 14 */
		I_MOV64_IMM(1, 4),			/* 8 */
		I_MOV64_IMM(3, 0),
		I_MOV64_IMM(4, 0),
		I_CALL(H_LOOP),
		RET0,					/* 12 */
		RET0,					/* 14 */
	};
	struct prog_core prog;
	struct prog_obj *objs = obj_sets[STD];

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), STD, 0, NULL), 0);
	TAP_EXPECT_EQ(ld_imm64_at(&prog, 0), (u64)(unsigned long)&objs[O_RING]);
	TAP_EXPECT_EQ(ld_imm64_at(&prog, 2), (u64)(unsigned long)objs[O_DATA].values + 8);
	TAP_EXPECT_EQ(ld_imm64_at(&prog, 4), objs[O_ARENA].user_vm_start + 4096);
	TAP_EXPECT_EQ(prog.nr_funcs, 2);
	TAP_EXPECT_EQ(ld_imm64_at(&prog, 6), (u64)(unsigned long)&prog.funcs[1]);
	TAP_EXPECT_EQ(prog.funcs[1].start, 14);
	TAP_EXPECT(prog.funcs[1].prog == &prog);
	/* Calls keep their form. */
	TAP_EXPECT_EQ(prog.insns[11].imm, H_LOOP);
	TAP_EXPECT(prog.arena == &objs[O_ARENA]);
	prog_done(&prog);
}

/*
 * A lookup that one array reaches on every path names it in off (1 + its
 * index), for the JITs; one that two arrays reach keeps off 0.
 */
static void rewrite_lookup_array(void)
{
	static const struct bpf_insn insns[] = {
		I_LDX(BPF_DW, 6, 1, 0),				/* 0 */
		LOOKUP(O_DATA),					/* 1, call at 6 */
		I_ST(BPF_W, 10, -4, 0),				/* 7 */
		I_MOV64_REG(2, 10),
		I_ALU64_IMM(BPF_ADD, 2, -4),
		I_LD_OBJ(1, O_DATA),				/* 10 */
		I_JMP_IMM(BPF_JEQ, 6, 0, 2),			/* 12 */
		I_LD_OBJ(1, O_ARRAY),				/* 13 */
		I_CALL(H_MAP_LOOKUP_ELEM),			/* 15 */
		RET0,
	};
	struct prog_core prog;

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), STD, 8, NULL), 0);
	TAP_EXPECT_EQ(prog.insns[6].imm, H_MAP_LOOKUP_ELEM);
	TAP_EXPECT_EQ(prog.insns[6].off, 1 + O_DATA);
	TAP_EXPECT_EQ(prog.insns[15].imm, H_MAP_LOOKUP_ELEM);
	TAP_EXPECT_EQ(prog.insns[15].off, 0);
	prog_done(&prog);
}

static void rewrite_arena(void)
{
	static const struct bpf_insn insns[] = {
		I_MOV64_IMM(1, 0x1000),				/* 0 */
		I_CAST_KERN(1, 1),				/* 1 */
		I_LDX(BPF_W, 0, 1, 0),				/* 2 */
		I_STX(BPF_DW, 1, 0, 8),				/* 3 */
		I_ST(BPF_B, 1, 16, 1),				/* 4 */
		I_ATOMIC(BPF_DW, BPF_ADD, 1, 0, 24),		/* 5 */
		I_ATOMIC(BPF_W, BPF_XCHG, 1, 0, 32),		/* 6 */
		I_ST(BPF_DW, 10, -8, 0),			/* 7 */
		I_ATOMIC(BPF_DW, BPF_ADD, 10, 0, -8),		/* 8 */
		I_LDX(BPF_DW, 0, 10, -8),			/* 9 */
		I_LDXSX(BPF_H, 2, 1, 40),			/* 10 */
		I_CAST_USER(0, 1),				/* 11 */
		I_EXIT(),
	};
	struct prog_core prog;

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), STD, 0, NULL), 0);
	TAP_EXPECT_EQ(prog.insns[2].code, BPF_LDX | BPF_W | ISA_PROBE_MEM32);
	TAP_EXPECT_EQ(prog.insns[3].code, BPF_STX | BPF_DW | ISA_PROBE_MEM32);
	TAP_EXPECT_EQ(prog.insns[4].code, BPF_ST | BPF_B | ISA_PROBE_MEM32);
	TAP_EXPECT_EQ(prog.insns[5].code, BPF_STX | BPF_DW | ISA_PROBE_ATOMIC);
	TAP_EXPECT_EQ(prog.insns[5].imm, BPF_ADD);
	TAP_EXPECT_EQ(prog.insns[6].code, BPF_STX | BPF_W | ISA_PROBE_ATOMIC);
	/* The stack keeps plain modes. */
	TAP_EXPECT_EQ(prog.insns[7].code, BPF_ST | BPF_DW | BPF_MEM);
	TAP_EXPECT_EQ(prog.insns[8].code, BPF_STX | BPF_DW | BPF_ATOMIC);
	TAP_EXPECT_EQ(prog.insns[9].code, BPF_LDX | BPF_DW | BPF_MEM);
	/* seed 000: casts stay casts (no mov32 with imm 1 for JITs to misread). */
	TAP_EXPECT_EQ(prog.insns[1].code, BPF_ALU64 | BPF_MOV | BPF_X);
	TAP_EXPECT_EQ(prog.insns[1].off, ISA_ADDR_SPACE_CAST);
	TAP_EXPECT_EQ(prog.insns[1].imm, ISA_CAST_TO_KERN);
	TAP_EXPECT_EQ(prog.insns[10].code, BPF_LDX | BPF_H | ISA_PROBE_MEM32SX);
	TAP_EXPECT_EQ(prog.insns[11].imm, (s32)ISA_CAST_TO_USER);
	prog_done(&prog);
}

static void funcs_and_stack(void)
{
	static const struct bpf_insn insns[] = { CLANG_SUBPROG };
	static const struct bpf_insn chain[] = {
		I_ST(BPF_B, 10, -3, 0), I_CALL_FUNC(2), I_MOV64_IMM(0, 0), I_EXIT(),
		I_ST(BPF_DW, 10, -100, 0), I_CALL_FUNC(1), I_EXIT(),
		I_ST(BPF_DW, 10, -16, 0), RET0,
	};
	struct prog_core prog;
	unsigned int i;

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), STD, 16, NULL), 0);
	TAP_EXPECT_EQ(prog.nr_funcs, 2);
	TAP_EXPECT_EQ(prog.funcs[0].start, 0);
	TAP_EXPECT(prog.funcs[1].start > 0 && prog.funcs[1].start < prog.len);
	TAP_EXPECT(prog.funcs[0].stack_depth >= 32 && prog.funcs[1].stack_depth >= 32);
	for (i = 0; i < prog.nr_funcs; i++)
		TAP_EXPECT_EQ(prog.funcs[i].stack_depth % 8, 0);
	TAP_EXPECT_EQ(prog.max_stack, prog.funcs[0].stack_depth + prog.funcs[1].stack_depth);
	prog_done(&prog);

	TAP_EXPECT_EQ(verify(&prog, chain, ARRAY_SIZE(chain), NONE, 0, NULL), 0);
	TAP_EXPECT_EQ(prog.nr_funcs, 3);
	TAP_EXPECT_EQ(prog.funcs[1].start, 4);
	TAP_EXPECT_EQ(prog.funcs[2].start, 7);
	TAP_EXPECT_EQ(prog.funcs[0].stack_depth, 8);
	TAP_EXPECT_EQ(prog.funcs[1].stack_depth, 104);
	TAP_EXPECT_EQ(prog.funcs[2].stack_depth, 16);
	TAP_EXPECT_EQ(prog.max_stack, 128);
	TAP_EXPECT(!prog.arena);
	prog_done(&prog);
}

static void log_level2_states(void)
{
	static const struct bpf_insn insns[] = {
		I_MOV64_IMM(2, 7), I_LDX(BPF_DW, 0, 10, -8), I_EXIT(),
	};
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 2 };
	struct prog_core prog;

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), NONE, 8, &log), -EINVAL);
	TAP_EXPECT_STREQ(log_buf, "1: R10 invalid read from stack off=-8 size=8 (uninitialised)\n"
			 "1: R1=ctx(off=0) R2=7 R10=fp0\n");
	TAP_EXPECT_EQ(log.len, strlen(log_buf));
	TAP_EXPECT(!log.truncated);
	prog_done(&prog);
}

static void log_processed_count(void)
{
	static const struct bpf_insn insns[] = { RET0 };
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 1 };
	struct prog_core prog;

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), NONE, 0, &log), 0);
	TAP_EXPECT_STREQ(log_buf, "processed 2 insns\n");
	prog_done(&prog);
}

/* Verifies a program that must pass: the count its log gives. */
static unsigned int processed_count(const struct bpf_insn *insns, unsigned int len,
				    enum obj_set set, unsigned int ctx_size)
{
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 1 };
	struct prog_core prog;
	unsigned int processed = 0;

	TAP_EXPECT_EQ(verify(&prog, insns, len, set, ctx_size, &log), 0);
	TAP_EXPECT_EQ(sscanf(log_buf, "processed %u insns", &processed), 1);
	prog_done(&prog);
	return processed;
}

/*
 * A may_goto loop whose counter no check bounds by a constant: the first
 * walk widens it to unknown at once and covers the loop in two rounds;
 * widening to thresholds would stop at 999, 1000 and 1001 on the way (45
 * instructions).
 */
static void eager_walk_covers_loop(void)
{
	static const struct bpf_insn insns[] = {
		I_LDX(BPF_DW, 6, 1, 0), I_MOV64_IMM(0, 0), I_JMP_IMM(BPF_JEQ, 6, 1000, 0),
		I_MAY_GOTO(2), I_ALU64_IMM(BPF_ADD, 0, 1), I_JMP_REG(BPF_JLT, 0, 6, -3),
		I_EXIT(),
	};

	TAP_EXPECT_EQ(processed_count(insns, ARRAY_SIZE(insns), NONE, 8), 15);
}

/*
 * for (i = 0; i < 64 && can_loop; i++) v[i] = 1: the first walk, with i
 * unknown after the may_goto, refuses the store; the second keeps the
 * bound and proves it.  The log is the second walk's alone.
 */
static void second_walk_log_alone(void)
{
	static const struct bpf_insn insns[] = {
		I_LD_OBJ_VALUE(6, O_DATA, 0), I_MOV64_IMM(1, 0), I_JMP_IMM(BPF_JGE, 1, 64, 7),
		I_MAY_GOTO(6), I_MOV64_REG(2, 1), I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2),
		I_ST(BPF_B, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1), I_JA(-8), RET0,
	};
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 2 };
	struct prog_core prog;

	TAP_EXPECT_EQ(verify(&prog, insns, ARRAY_SIZE(insns), STD, 0, &log), 0);
	TAP_EXPECT_EQ(strncmp(log_buf, "processed ", 10), 0);
	TAP_EXPECT_EQ(log.len, strlen(log_buf));
	TAP_EXPECT(!log.truncated);
	prog_done(&prog);
}

/*
 * The eager walk widens the counter, so that a path the bound rules out,
 * a long bounded loop, becomes one to walk: it stops at 65,536
 * instructions, and the walk with thresholds, which never goes there, is
 * the one that counts.
 */
static void eager_walk_gives_up_when_long(void)
{
	static const struct bpf_insn insns[] = {
		I_MOV64_IMM(0, 0), I_JMP_IMM(BPF_JGT, 0, 7, 3), I_MAY_GOTO(2),
		I_ALU64_IMM(BPF_ADD, 0, 1), I_JA(-4),
		I_JMP_IMM(BPF_JLE, 0, 8, 3),	/* the counter's bound: always */
		I_MOV64_IMM(2, 0), I_ALU64_IMM(BPF_ADD, 2, 1), I_JMP_IMM(BPF_JLT, 2, 40000, -2),
		RET0,
	};
	unsigned int processed = processed_count(insns, ARRAY_SIZE(insns), NONE, 0);

	printf("# processed %u insns\n", processed);
	TAP_EXPECT(processed < 1000);
}

static void log_level0_and_size0(void)
{
	static const struct bpf_insn insns[] = { I_EXIT() };
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 0 };
	struct prog_core prog;

	memset(log_buf, 'x', 8);
	TAP_EXPECT_EQ(verify(&prog, insns, 1, NONE, 0, &log), -EINVAL);
	TAP_EXPECT_EQ(log.len, 0);
	TAP_EXPECT_EQ(log_buf[0], 'x');
	prog_done(&prog);
	log.level = 1;
	log.size = 0;
	TAP_EXPECT_EQ(verify(&prog, insns, 1, NONE, 0, &log), -EINVAL);
	TAP_EXPECT_EQ(log.len, 0);
	TAP_EXPECT_EQ(log_buf[0], 'x');
	TAP_EXPECT(!log.truncated);
	prog_done(&prog);
}

static void log_truncated(void)
{
	static const struct bpf_insn good[] = { I_LD_OBJ(1, O_RING), RET0 };
	static const struct bpf_insn bad[] = { I_EXIT() };
	char small[8];
	struct verifier_log log = { .buf = small, .size = sizeof(small), .level = 1 };
	struct prog_core prog;

	/* A program that passed: -ENOSPC, and nothing rewritten. */
	TAP_EXPECT_EQ(verify(&prog, good, ARRAY_SIZE(good), STD, 0, &log), -ENOSPC);
	TAP_EXPECT(log.truncated);
	TAP_EXPECT_EQ(log.len, sizeof(small) - 1);
	TAP_EXPECT_STREQ(small, "process");
	TAP_EXPECT_EQ(prog.insns[0].src_reg, BPF_PSEUDO_MAP_IDX);
	TAP_EXPECT(!prog.funcs);
	prog_done(&prog);
	/* A rejection stays -EINVAL. */
	memset(&log, 0, sizeof(log));
	log.buf = small;
	log.size = sizeof(small);
	log.level = 1;
	TAP_EXPECT_EQ(verify(&prog, bad, 1, NONE, 0, &log), -EINVAL);
	TAP_EXPECT(log.truncated);
	TAP_EXPECT_STREQ(small, "0: R0 m");
	prog_done(&prog);
}

static void length_limits(void)
{
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 1 };
	struct prog_core prog = { .len = 0 };

	TAP_EXPECT_EQ(verifier_check(&prog, &log), -EINVAL);
	TAP_EXPECT(strstr(log_buf, "0: program of 0 instructions"));
	/* Over the limit: refused before any instruction is read. */
	prog.len = VERIFIER_MAX_INSNS + 1;
	log.len = 0;
	TAP_EXPECT_EQ(verifier_check(&prog, &log), -E2BIG);
	TAP_EXPECT(strstr(log_buf, "program of 1048577 instructions"));
}

/* Each jump leaves a branch pending until the path ends: at most 8192. */
static void pending_limit(void)
{
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 1 };
	unsigned int n = 2 * 9000 + 2, i;
	struct bpf_insn *insns = calloc(n, sizeof(*insns));
	struct prog_core prog = { .insns = insns, .len = n, .ctx_size = 8 };

	for (i = 0; i < n - 2; i += 2) {
		insns[i] = (struct bpf_insn)I_LDX(BPF_DW, 6, 1, 0);
		insns[i + 1] = (struct bpf_insn)I_JMP_IMM(BPF_JEQ, 6, 0, 0);
	}
	insns[n - 2] = (struct bpf_insn)I_MOV64_IMM(0, 0);
	insns[n - 1] = (struct bpf_insn)I_EXIT();
	TAP_EXPECT_EQ(verifier_check(&prog, &log), -E2BIG);
	TAP_EXPECT(strstr(log_buf, "16385: program is too complex: more than 8192 branches pending"));
	free(insns);
}

/*
 * Corpus programs with a few fields changed at random (fixed seed): every
 * result is a verdict with a well-formed log, never a crash (ASan/UBSan
 * watch the walk).
 */
static void mutated_corpus(void)
{
	struct verifier_log log = { .buf = log_buf, .size = sizeof(log_buf), .level = 2 };
	const struct vcase *c;
	struct prog_core prog;
	unsigned int i, k, which;
	int err;

	snd_state = 0x2545f4914f6cdd1dULL;
	for (i = 0; i < 4000; i++) {
		do {
			which = snd_rand() % ARRAY_SIZE(corpora);
			c = &corpora[which][snd_rand() % corpus_sizes[which]];
		} while (c->expect == -E2BIG);
		prog_init(&prog, c);
		for (k = 0; k < 1 + snd_rand() % 3; k++) {
			struct bpf_insn *insn = &prog.insns[snd_rand() % prog.len];
			u64 r = snd_rand();

			switch (r % 5) {
			case 0: insn->code = (u8)(r >> 8); break;
			case 1: insn->dst_reg = (r >> 8) % 12; break;
			case 2: insn->src_reg = (r >> 8) % 12; break;
			case 3: insn->off = (s16)((r >> 8) % 64) - 32; break;
			default: insn->imm = (r >> 8) & 1 ? (s32)((r >> 16) % 64) - 32 : (s32)(r >> 16);
			}
		}
		log.len = 0;
		log.truncated = false;
		log_buf[0] = 0;
		err = verifier_check(&prog, &log);
		if (err && err != -EINVAL && err != -E2BIG) {
			tap_fail(__FILE__, __LINE__, "%s mutated: %d", c->name, err);
			break;
		}
		if (err && !(log_buf[0] >= '0' && log_buf[0] <= '9')) {
			tap_fail(__FILE__, __LINE__, "%s mutated: log \"%s\"", c->name, log_buf);
			break;
		}
		verifier_release(&prog);
		free(prog.insns);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The largest corpus programs, and one of 1M instructions, timed. */
static void timing(void)
{
	const struct vcase *longest = NULL, *slowest = NULL;
	struct prog_core prog;
	struct bpf_insn *big;
	double t, worst = 0;
	size_t i, j;
	unsigned int n = VERIFIER_MAX_INSNS;
	int err;

	for (i = 0; i < ARRAY_SIZE(corpora); i++) {
		for (j = 0; j < corpus_sizes[i]; j++) {
			const struct vcase *c = &corpora[i][j];

			if (!longest || c->len > longest->len)
				longest = c;
			t = now_ms();
			prog_init(&prog, c);
			verifier_check(&prog, NULL);
			t = now_ms() - t;
			verifier_release(&prog);
			free(prog.insns);
			if (t > worst) {
				worst = t;
				slowest = c;
			}
		}
	}
	t = now_ms();
	prog_init(&prog, longest);
	err = verifier_check(&prog, NULL);
	t = now_ms() - t;
	printf("# longest corpus program: %s, %u insns, %.3f ms\n", longest->name,
	       longest->len, t);
	printf("# slowest corpus program: %s, %.1f ms\n", slowest->name, worst);
	TAP_EXPECT_EQ(err, longest->expect);
	prog_done(&prog);

	/*
	 * The worst for pruning: a full stack whose deepest slot changes each
	 * round, so that every comparison reads everything before it fails.
	 */
	big = calloc(80, sizeof(*big));
	for (i = 0; i < 64; i++)
		big[i] = (struct bpf_insn)I_ST(BPF_DW, 10, -8 * (int)(i + 1), 0);
	big[64] = (struct bpf_insn)I_LDX(BPF_DW, 1, 10, -512);
	big[65] = (struct bpf_insn)I_ALU64_IMM(BPF_ADD, 1, 1);
	big[66] = (struct bpf_insn)I_STX(BPF_DW, 10, 1, -512);
	big[67] = (struct bpf_insn)I_JA(-4);
	memset(&prog, 0, sizeof(prog));
	prog.insns = big;
	prog.len = 68;
	t = now_ms();
	err = verifier_check(&prog, NULL);
	t = now_ms() - t;
	printf("# pruning's worst case (1M insns walked): %.1f ms\n", t);
	TAP_EXPECT_EQ(err, -E2BIG);
	TAP_EXPECT(t < 20000);
	free(big);

	/* VERIFIER_MAX_INSNS straight-line instructions. */
	big = malloc(n * sizeof(*big));
	for (i = 0; i < n - 1; i++)
		big[i] = (struct bpf_insn)I_ALU64_IMM(BPF_ADD, 0, 1);
	big[0] = (struct bpf_insn)I_MOV64_IMM(0, 0);
	big[n - 1] = (struct bpf_insn)I_EXIT();
	memset(&prog, 0, sizeof(prog));
	prog.insns = big;
	prog.len = n;
	t = now_ms();
	err = verifier_check(&prog, NULL);
	t = now_ms() - t;
	printf("# %u straight-line insns: %.1f ms\n", n, t);
	TAP_EXPECT_EQ(err, 0);
	TAP_EXPECT(t < 20000);
	verifier_release(&prog);
	free(big);
}

static const struct tap_test property_tests[] = {
	{ "verifier", "rewrite-objects", rewrite_objects },
	{ "verifier", "rewrite-lookup-array", rewrite_lookup_array },
	{ "verifier", "rewrite-arena", rewrite_arena },
	{ "verifier", "funcs-and-stack", funcs_and_stack },
	{ "verifier", "log-level2-states", log_level2_states },
	{ "verifier", "log-processed-count", log_processed_count },
	{ "verifier", "eager-walk-covers-loop", eager_walk_covers_loop },
	{ "verifier", "second-walk-log-alone", second_walk_log_alone },
	{ "verifier", "eager-walk-gives-up-when-long", eager_walk_gives_up_when_long },
	{ "verifier", "log-level0-and-size0", log_level0_and_size0 },
	{ "verifier", "log-truncated", log_truncated },
	{ "verifier", "length-limits", length_limits },
	{ "verifier", "pending-limit", pending_limit },
	{ "verifier", "scalar-domain-is-sound", scalar_domain_is_sound },
	{ "verifier", "mutated-corpus", mutated_corpus },
	{ "verifier", "timing", timing },
};
