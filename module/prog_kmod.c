// SPDX-License-Identifier: GPL-2.0
/*
 * Program objects: PROG_IOC_LOAD checks instructions with the verifier and
 * makes a program fd; PROG_IOC_RUN runs it like BPF_PROG_TEST_RUN.
 *
 * A program holds a reference on the file of every object it refers to, so
 * an arena, ring or array lives as long as any program that uses it (as a
 * BPF program pins its maps); objects never refer to programs, so there are
 * no cycles.  Programs run in process context with migration disabled, and
 * may sleep only inside helpers that allow it (arena page allocation).
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/license.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <uapi/arena_kmod.h>

#include "arena_kmod.h"
#include "array_kmod.h"
#include "objfs.h"
#include "prog.h"
#include "prog_kmod.h"
#include "ringbuf_kmod.h"
#include "uarg.h"

/* Beyond this the log is cut (and the load fails with ENOSPC). */
#define PROG_LOG_MAX		(16U << 20)
#define PROG_LOG_MIN		128
/* How many runs of a repeat go between two rescheds. */
#define PROG_RUN_BATCH		1024

static void prog_free(struct prog *prog)
{
	u32 i;

	prog_jit_remove(&prog->jit);
	verifier_release(&prog->core);
	for (i = 0; i < prog->nr_files; i++)
		fput(prog->files[i]);
	kvfree(prog->files);
	kvfree(prog->objs);
	kvfree(prog->refs);
	kvfree(prog->core.insns);
	kfree(prog);
}

static __printf(2, 3) void prog_log(struct verifier_log *log, const char *fmt, ...)
{
	va_list args;
	int n;

	if (!log->level || !log->size)
		return;
	va_start(args, fmt);
	n = vsnprintf(log->buf + log->len, log->size - log->len, fmt, args);
	va_end(args);
	if (n >= log->size - log->len) {
		log->truncated = true;
		n = log->size - log->len - 1;
	}
	log->len += n;
}

static int prog_obj_from_file(struct prog_obj *obj, struct file *file)
{
	struct array_layout layout;
	struct arena_info ainfo;
	struct ringbuf_info rinfo;
	struct ringbuf *rb;
	struct array *array;
	struct arena *arena;

	arena = arena_from_file(file);
	if (arena) {
		arena_info(arena, &ainfo);
		/* Programs turn pointers into user addresses with it (cast_user). */
		if (!ainfo.user_addr)
			return -EDESTADDRREQ;
		obj->kind = PROG_OBJ_ARENA;
		obj->flags = ainfo.flags & ARENA_F_NO_USER_CONV ? PROG_OBJ_F_NO_USER_CONV : 0;
		obj->size = ainfo.nr_pages << PAGE_SHIFT;
		obj->user_vm_start = ainfo.user_addr;
		obj->handle = arena;
		return 0;
	}
	rb = ringbuf_from_file(file);
	if (rb) {
		ringbuf_query(rb, &rinfo);
		obj->kind = rinfo.flags & RINGBUF_F_USER ? PROG_OBJ_USER_RINGBUF :
							  PROG_OBJ_RINGBUF;
		obj->size = rinfo.data_size;
		obj->handle = rb;
		return 0;
	}
	array = array_from_file(file);
	if (array) {
		array_layout(array, &layout);
		obj->kind = PROG_OBJ_ARRAY;
		obj->flags = layout.flags & ARRAY_F_RDONLY_PROG ? PROG_OBJ_F_RDONLY_PROG : 0;
		obj->value_size = layout.value_size;
		obj->max_entries = layout.max_entries;
		obj->value_stride = layout.value_stride;
		obj->values = layout.values;
		obj->size = (u64)layout.value_stride * layout.max_entries;
		obj->handle = array;
		return 0;
	}
	return -EINVAL;
}

/* Takes a reference on each object's file and describes it in ->objs. */
static int prog_get_objs(struct prog *prog, const struct prog_load *req,
			 struct verifier_log *log)
{
	s32 __user *ufds = u64_to_user_ptr(req->obj_fds);
	struct file *file;
	s32 fd;
	int err;

	if (!req->nr_objs)
		return 0;
	prog->objs = kvcalloc(req->nr_objs, sizeof(*prog->objs), GFP_KERNEL_ACCOUNT);
	prog->files = kvcalloc(req->nr_objs, sizeof(*prog->files), GFP_KERNEL_ACCOUNT);
	if (!prog->objs || !prog->files)
		return -ENOMEM;
	for (; prog->nr_files < req->nr_objs; prog->nr_files++) {
		if (get_user(fd, ufds + prog->nr_files))
			return -EFAULT;
		file = fget(fd);
		if (!file) {
			prog_log(log, "object %u: fd %d is not open\n", prog->nr_files, fd);
			return -EBADF;
		}
		err = prog_obj_from_file(&prog->objs[prog->nr_files], file);
		if (err) {
			fput(file);
			prog_log(log, err == -EDESTADDRREQ ?
				 "object %u: arena has no user address yet: mmap it first\n" :
				 "object %u: fd is not an arena, ring buffer or array\n",
				 prog->nr_files);
			return -EINVAL;
		}
		prog->files[prog->nr_files] = file;
	}
	prog->core.objs = prog->objs;
	prog->core.nr_objs = req->nr_objs;
	return 0;
}

static bool prog_insn_is_ref(const struct bpf_insn *insns, u32 i, u32 len)
{
	return isa_is_ld_imm64(&insns[i]) && insns[i].src_reg && i + 1 < len;
}

/* Keeps the object references as loaded, for PROG_IOC_INFO's dump. */
static int prog_save_refs(struct prog *prog)
{
	const struct bpf_insn *insns = prog->core.insns;
	u32 len = prog->core.len, i, n = 0;

	for (i = 0; i < len; i++)
		if (prog_insn_is_ref(insns, i, len)) {
			n++;
			i++;
		}
	if (!n)
		return 0;
	prog->refs = kvcalloc(n, sizeof(*prog->refs), GFP_KERNEL_ACCOUNT);
	if (!prog->refs)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		if (!prog_insn_is_ref(insns, i, len))
			continue;
		prog->refs[prog->nr_refs++] = (struct prog_ref) {
			.insn = i,
			.src_reg = insns[i].src_reg,
			.imm = insns[i].imm,
			.next_imm = insns[i + 1].imm,
		};
		i++;
	}
	return 0;
}

static int prog_get_insns(struct prog *prog, const struct prog_load *req)
{
	size_t bytes = (size_t)req->insn_cnt * sizeof(struct bpf_insn);

	prog->core.insns = kvmalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!prog->core.insns)
		return -ENOMEM;
	if (copy_from_user(prog->core.insns, u64_to_user_ptr(req->insns), bytes))
		return -EFAULT;
	prog->core.len = req->insn_cnt;
	return prog_save_refs(prog);
}

/* The kernel's rule for program names: [A-Za-z0-9_.], NUL-terminated. */
static int prog_check_name(const char *name, size_t size)
{
	size_t len = strnlen(name, size), i;

	if (len == size)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '_' && name[i] != '.')
			return -EINVAL;
	return 0;
}

static int prog_check_load(const struct prog_load *req)
{
	if (req->flags)
		return -EINVAL;
	if (!req->insn_cnt)
		return -EINVAL;
	if (req->insn_cnt > PROG_INSNS_MAX || req->nr_objs > PROG_OBJS_MAX ||
	    req->ctx_size > PROG_CTX_MAX)
		return -E2BIG;
	if (req->log_level > PROG_LOG_LEVEL_MAX)
		return -EINVAL;
	/* As bpf(2): a log needs a buffer of some size, no log needs none. */
	if (req->log_level && (!req->log_buf || req->log_size < PROG_LOG_MIN))
		return -EINVAL;
	if (!req->log_level && (req->log_buf || req->log_size))
		return -EINVAL;
	if (!req->license)
		return -EINVAL;
	if (req->nr_global_funcs > PROG_GLOBAL_FUNCS_MAX)
		return -E2BIG;
	if ((!req->nr_global_funcs && req->global_funcs) || req->reserved)
		return -EINVAL;
	return prog_check_name(req->name, sizeof(req->name));
}

/*
 * Kfuncs are the kernel's own functions: as the kernel does, only programs
 * under a GPL-compatible license may call them.
 */
static int prog_check_license(const struct prog_core *core, const char *license,
			      struct verifier_log *log)
{
	u32 i;

	if (license_is_gpl_compatible(license))
		return 0;
	for (i = 0; i < core->len; i++) {
		const struct bpf_insn *insn = &core->insns[i];

		if (insn->code == (BPF_JMP | BPF_CALL) &&
		    insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
			prog_log(log, "%u: kfunc calls need a GPL-compatible license\n", i);
			return -EINVAL;
		}
		if (isa_is_ld_imm64(insn))
			i++;
	}
	return 0;
}

static int prog_log_begin(struct verifier_log *log, const struct prog_load *req)
{
	log->level = req->log_level;
	if (!log->level)
		return 0;
	log->size = min(req->log_size, PROG_LOG_MAX);
	log->buf = kvzalloc(log->size, GFP_KERNEL_ACCOUNT);
	return log->buf ? 0 : -ENOMEM;
}

/* Gives user space the log, whatever the verdict; err is the load's. */
static int prog_log_end(struct verifier_log *log, struct prog_load *req, int err)
{
	if (!log->level)
		return err;
	req->log_true_size = log->len + 1;
	if (copy_to_user(u64_to_user_ptr(req->log_buf), log->buf, log->len + 1))
		err = -EFAULT;
	else if (!err && log->truncated)
		err = -ENOSPC;
	kvfree(log->buf);
	return err;
}

/*
 * Programs the JIT cannot take run in the interpreter: the log says so.
 * A full code pool fails the load instead, as the kernel's JIT does when
 * its memory is exhausted: the program would otherwise run slower without
 * its owner knowing why.
 */
static int prog_load_jit(struct prog *prog, struct verifier_log *log)
{
	int err = prog_jit_install(&prog->core, &prog->jit);

	switch (err) {
	case 0:
	case -EPERM:
		return 0;
	case -ENOSPC:
		prog_log(log, "JIT: no room left for the code (%d)\n", err);
		return -ENOMEM;
	default:
		prog_log(log, "JIT: %s (%d): the program is interpreted\n",
			 err == -EOPNOTSUPP ? "not supported here" : "failed", err);
		return 0;
	}
}

static const struct file_operations prog_fops;

/* Verifies the program with its global functions' declarations, if any. */
static int prog_verify(struct prog *prog, const struct prog_load *req,
		       struct verifier_log *log)
{
	struct prog_global_func *globals = NULL;
	int err;

	if (req->nr_global_funcs) {
		globals = vmemdup_user(u64_to_user_ptr(req->global_funcs),
				       array_size(req->nr_global_funcs, sizeof(*globals)));
		if (IS_ERR(globals))
			return PTR_ERR(globals);
	}
	err = verifier_check_with_globals(&prog->core, globals, req->nr_global_funcs, log);
	kvfree(globals);
	return err;
}

static int prog_load(struct prog *prog, const struct prog_load *req,
		     struct verifier_log *log)
{
	char *license;
	int err;

	err = prog_get_insns(prog, req);
	if (!err)
		err = prog_get_objs(prog, req, log);
	if (err)
		return err;
	license = strndup_user(u64_to_user_ptr(req->license), PROG_LICENSE_MAX);
	if (IS_ERR(license))
		return PTR_ERR(license) == -EFAULT ? -EFAULT : -EINVAL;
	err = prog_check_license(&prog->core, license, log);
	kfree(license);
	if (err)
		return err;
	prog->core.ctx_size = req->ctx_size;
	err = prog_verify(prog, req, log);
	if (!err)
		err = prog_load_jit(prog, log);
	return err;
}

long prog_ioctl_load(void __user *uarg)
{
	struct verifier_log log = {};
	struct prog_load req;
	struct prog *prog;
	int err, fd;

	err = arena_uarg_in(&req, uarg, PROG_LOAD_SIZE_VER0);
	if (err)
		return err;
	err = prog_check_load(&req);
	if (err)
		return err;
	err = prog_log_begin(&log, &req);
	if (err)
		return err;

	prog = kzalloc(sizeof(*prog), GFP_KERNEL_ACCOUNT);
	err = prog ? prog_load(prog, &req, &log) : -ENOMEM;
	err = prog_log_end(&log, &req, err);
	if (req.log_level && arena_uarg_out(uarg, &req) && !err)
		err = -EFAULT;
	if (err)
		goto err_free;
	memcpy(prog->name, req.name, sizeof(prog->name));
	fd = arena_objfs_getfd("prog", &prog_fops, prog);
	if (fd < 0) {
		err = fd;
		goto err_free;
	}
	return fd;

err_free:
	if (prog)
		prog_free(prog);
	return err;
}

/*
 * Whose run this CPU is executing: programs run with migration disabled,
 * so the CPU's slot stays theirs for the run.  A run on every CPU runs in
 * kernel workers, on behalf of the task that asked: its signals count.
 */
static DEFINE_PER_CPU(struct task_struct *, prog_run_caller);

bool prog_should_stop(void)
{
	struct task_struct *caller = this_cpu_read(prog_run_caller);

	cond_resched();
	return caller && signal_pending(caller);
}

/* One CPU's share of a PROG_IOC_RUN. */
struct prog_run_work {
	struct work_struct work;
	const struct prog *prog;
	struct task_struct *caller;	/* whose signals stop the run */
	void *ctx;
	u32 repeat;
	u64 retval;
	u64 ns;
	int err;
};

static void prog_run_repeat(struct prog_run_work *run)
{
	u64 start = ktime_get_ns();
	u32 i;

	for (i = 0; i < run->repeat; i++) {
		migrate_disable();
		this_cpu_write(prog_run_caller, run->caller);
		run->retval = prog_func_call(&run->prog->core.funcs[0],
					     (unsigned long)run->ctx, 0, 0, 0, 0);
		this_cpu_write(prog_run_caller, NULL);
		migrate_enable();
		/* Also after the last run: its loops may have ended early. */
		if (signal_pending(run->caller)) {
			run->err = -EINTR;
			break;
		}
		if (!((i + 1) % PROG_RUN_BATCH))
			cond_resched();
	}
	run->ns = ktime_get_ns() - start;
}

static void prog_run_work_fn(struct work_struct *work)
{
	prog_run_repeat(container_of(work, struct prog_run_work, work));
}

/*
 * PROG_RUN_F_EVERY_CPU: one copy of the context per online CPU, all CPUs
 * at once (a per-CPU work item each), so that programs really race; the
 * first CPU's context and result are the ones reported.
 */
static int prog_run_every_cpu(struct prog_run_work *first, size_t ctx_size)
{
	struct prog_run_work *runs;
	unsigned int cpu, n = 0, i;
	int err = 0;

	cpus_read_lock();
	runs = kcalloc(num_online_cpus(), sizeof(*runs), GFP_KERNEL);
	if (!runs) {
		err = -ENOMEM;
		goto out;
	}
	for_each_online_cpu(cpu) {
		runs[n] = *first;
		if (n && ctx_size)
			runs[n].ctx = kmemdup(first->ctx, ctx_size, GFP_KERNEL);
		if (ctx_size && !runs[n].ctx) {
			err = -ENOMEM;
			break;
		}
		INIT_WORK(&runs[n].work, prog_run_work_fn);
		queue_work_on(cpu, system_highpri_wq, &runs[n].work);
		n++;
	}
	for (i = 0; i < n; i++) {
		flush_work(&runs[i].work);
		if (!err)
			err = runs[i].err;
		if (i && ctx_size)
			kfree(runs[i].ctx);
	}
	if (n) {
		first->retval = runs[0].retval;
		first->ns = runs[0].ns;
	}
	kfree(runs);
out:
	cpus_read_unlock();
	return err;
}

static int prog_run_check(const struct prog *prog, const struct prog_run *req)
{
	if (req->flags & ~PROG_RUN_F_EVERY_CPU || req->reserved)
		return -EINVAL;
	if (req->ctx_size_in > prog->core.ctx_size)
		return -EINVAL;
	return 0;
}

static long prog_ioctl_run(struct prog *prog, void __user *uarg)
{
	u32 ctx_size = prog->core.ctx_size;
	struct prog_run_work run = {};
	struct prog_run req;
	int err;

	err = arena_uarg_in(&req, uarg, PROG_RUN_SIZE_VER0);
	if (err)
		return err;
	err = prog_run_check(prog, &req);
	if (err)
		return err;

	/* Without a context r1 is 0, as prog_core.h has it. */
	if (ctx_size) {
		run.ctx = kzalloc(ctx_size, GFP_KERNEL);
		if (!run.ctx)
			return -ENOMEM;
	}
	err = -EFAULT;
	if (copy_from_user(run.ctx, u64_to_user_ptr(req.ctx_in), req.ctx_size_in))
		goto out;
	run.prog = prog;
	run.caller = current;
	run.repeat = max(req.repeat, 1U);
	if (req.flags & PROG_RUN_F_EVERY_CPU) {
		err = prog_run_every_cpu(&run, ctx_size);
	} else {
		prog_run_repeat(&run);
		err = run.err;
	}
	if (err)
		goto out;

	req.retval = run.retval;
	req.duration_ns = div_u64(run.ns, run.repeat);
	/* As BPF_PROG_TEST_RUN: a short buffer gets what fits, and ENOSPC. */
	if (req.ctx_out) {
		u32 n = min(req.ctx_size_out, ctx_size);

		if (copy_to_user(u64_to_user_ptr(req.ctx_out), run.ctx, n))
			goto out;
		req.ctx_size_out = n;
	} else {
		req.ctx_size_out = 0;
	}
	err = arena_uarg_out(uarg, &req);
	if (!err && req.ctx_out && req.ctx_size_out < ctx_size)
		err = -ENOSPC;
out:
	kfree(run.ctx);
	return err;
}

static long prog_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case PROG_IOC_RUN:
		return prog_ioctl_run(file->private_data, (void __user *)arg);
	case PROG_IOC_INFO:
		return prog_ioctl_info(file->private_data, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int prog_release(struct inode *inode, struct file *file)
{
	prog_free(file->private_data);
	return 0;
}

static const struct file_operations prog_fops = {
	.owner		= THIS_MODULE,
	.release	= prog_release,
	.show_fdinfo	= prog_show_fdinfo,
	.unlocked_ioctl	= prog_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
