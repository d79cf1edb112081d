// SPDX-License-Identifier: GPL-2.0
/*
 * Arena objects: a sparse region of up to 4 GiB, mapped lazily into user
 * processes and into a kernel view (kview.c) that generated code addresses
 * with PROBE_MEM32 semantics, at kern_vm_start + the low 32 bits of an arena
 * pointer.  The reference is Linux's kernel/bpf/arena.c.
 *
 * A page is present in the arena exactly when its bit is set in ->present
 * and its kernel-view PTE points at it; user mappings map the same page on
 * demand (fault) and lose it when it is freed (unmap_mapping_range() on the
 * arena file's own address_space, objfs.c).  The page's reference belongs
 * to the arena; user PTEs hold references of their own.
 *
 * The user address is decided once, at creation or by the first mmap, and
 * every later mapping (fork, another process with the fd) lands on it, so
 * that pointers stored in the arena mean the same thing everywhere.
 *
 * Locking: arena->lock guards ->present, the kernel view's PTEs, the user
 * address and the counters.  Lock order:
 *
 *	mmap_lock (or the VMA lock) -> arena->lock -> i_mmap_rwsem -> PTE lock
 *
 * The fault handler runs under the mmap or VMA lock and takes arena->lock;
 * alloc/free take arena->lock and then unmap_mapping_range() takes the
 * i_mmap_rwsem and page-table locks; nothing here takes mmap_lock.  The
 * fault handler installs the user PTE before it drops arena->lock, so a
 * concurrent free either comes first (the fault then finds no page and
 * makes a new one) or zaps what the fault installed: no user mapping of a
 * page outlives the page's removal from the arena.
 */
#include <linux/bitmap.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/arena_kmod.h>

#include "arena_kmod.h"
#include "kview.h"
#include "objfs.h"
#include "uarg.h"

static unsigned long max_pages;
module_param(max_pages, ulong, 0644);
MODULE_PARM_DESC(max_pages, "Most pages all arenas together may hold (0: no limit)");

static atomic_long_t arena_pages_total = ATOMIC_LONG_INIT(0);

#define ARENA_CREATE_FLAGS	(ARENA_F_SEGV_ON_FAULT | ARENA_F_NO_USER_CONV)

struct arena {
	struct mutex lock;
	u32 flags;
	u64 nr_pages;
	u64 user_vm_start;		/* 0 until fixed or first mapped */
	unsigned long *present;		/* one bit per page */
	u64 nr_present;
	struct arena_kview kview;
	struct address_space *mapping;	/* the file's, once mapped */
	struct mem_cgroup *memcg;	/* the creator's: pays for the pages */
};

static u64 arena_len(const struct arena *arena)
{
	return arena->nr_pages << PAGE_SHIFT;
}

static bool arena_crosses_4g(u64 start, u64 len)
{
	return upper_32_bits(start) != upper_32_bits(start + len - 1);
}

/*
 * Where page pgoff sits in the kernel view: at the low 32 bits of its user
 * address, which is what programs' arena pointers carry (pointers stored in
 * the arena by user space included), as in kernel/bpf/arena.c.  While the
 * arena has no user address that is its offset; arena_relocate() moves the
 * pages when the first mmap gives it one.
 */
static u32 arena_kidx_at(u64 user_vm_start, u64 pgoff)
{
	return (u32)(user_vm_start + (pgoff << PAGE_SHIFT));
}

static u32 arena_kidx(const struct arena *arena, u64 pgoff)
{
	return arena_kidx_at(arena->user_vm_start, pgoff);
}

/* The module-wide cap on arena pages, checked before anything is made. */
static bool arena_charge(unsigned long n)
{
	unsigned long cap = READ_ONCE(max_pages);

	if (atomic_long_add_return(n, &arena_pages_total) > cap && cap) {
		atomic_long_sub(n, &arena_pages_total);
		return false;
	}
	return true;
}

static void arena_uncharge(unsigned long n)
{
	atomic_long_sub(n, &arena_pages_total);
}

/* pages comes from kvcalloc(): the slots not filled are NULL. */
static void arena_put_pages(struct page **pages, u32 n)
{
	while (n--)
		if (pages[n])
			put_page(pages[n]);
}

/*
 * Makes pages first .. first + n - 1 present, all or none, zeroed and
 * charged to the creator's memory cgroup.  They must be absent.
 */
static int arena_populate(struct arena *arena, u64 first, u32 n, int node)
{
	struct mem_cgroup *old_memcg;
	struct page **pages;
	u32 i;
	int err;

	lockdep_assert_held(&arena->lock);
	if (!arena_charge(n))
		return -ENOMEM;
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto err_uncharge;

	/* The kernel view's page tables for these pages are the creator's too. */
	old_memcg = set_active_memcg(arena->memcg);
	err = arena_kview_prepare(&arena->kview, arena_kidx(arena, first),
				  (u64)n << PAGE_SHIFT, GFP_KERNEL_ACCOUNT);
	for (i = 0; !err && i < n; i++) {
		/* Failing beats an OOM kill: the caller gets ENOMEM or SIGSEGV. */
		pages[i] = alloc_pages_node(node, GFP_KERNEL_ACCOUNT | __GFP_ZERO |
					    __GFP_NOWARN | __GFP_RETRY_MAYFAIL, 0);
		if (!pages[i])
			err = -ENOMEM;
		cond_resched();
	}
	set_active_memcg(old_memcg);
	if (err) {
		arena_put_pages(pages, n);
		kvfree(pages);
		goto err_uncharge;
	}

	for (i = 0; i < n; i++)
		arena_kview_insert(&arena->kview, arena_kidx(arena, first + i), pages[i]);
	bitmap_set(arena->present, first, n);
	arena->nr_present += n;
	kvfree(pages);
	return 0;

err_uncharge:
	arena_uncharge(n);
	return -ENOMEM;
}

/* Pages removed from an arena, on their way back to the allocator. */
struct arena_released {
	struct rcu_head rcu;
	struct list_head pages;
};

static void arena_put_page_list(struct list_head *pages)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}

static void arena_released_free(struct rcu_head *rcu)
{
	struct arena_released *rel = container_of(rcu, struct arena_released, rcu);

	arena_put_page_list(&rel->pages);
	kfree(rel);
}

/*
 * The interpreter reaches arena pages through arena_kernel_page() inside an
 * RCU read-side section, without the arena's lock: a removed page goes back
 * to the allocator only after a grace period, so such an access lands on a
 * page nobody else uses yet (its effect is lost, as if it came after the
 * free).  Waits for the grace period itself when memory is short.
 */
static void arena_release_pages(struct list_head *pages)
{
	struct arena_released *rel;

	rel = kmalloc(sizeof(*rel), GFP_KERNEL | __GFP_NOWARN);
	if (!rel) {
		synchronize_rcu();
		arena_put_page_list(pages);
		return;
	}
	list_replace_init(pages, &rel->pages);
	call_rcu(&rel->rcu, arena_released_free);
}

/*
 * Removes the present pages among first .. first + n - 1 from the kernel
 * view and from every user mapping, then drops the arena's references.
 */
static void arena_depopulate(struct arena *arena, u64 first, u64 n)
{
	u64 end = first + n, i, count = 0;
	struct page *page;
	LIST_HEAD(removed);

	lockdep_assert_held(&arena->lock);
	for (i = find_next_bit(arena->present, end, first); i < end;
	     i = find_next_bit(arena->present, end, i + 1)) {
		page = arena_kview_page(&arena->kview, arena_kidx(arena, i));
		arena_kview_clear(&arena->kview, arena_kidx(arena, i));
		list_add(&page->lru, &removed);
		count++;
	}
	if (!count)
		return;
	bitmap_clear(arena->present, first, n);
	arena->nr_present -= count;

	if (arena->mapping)
		unmap_mapping_range(arena->mapping, first << PAGE_SHIFT,
				    n << PAGE_SHIFT, 1);
	arena_kview_flush(&arena->kview, arena_kidx(arena, first), n << PAGE_SHIFT);
	arena_release_pages(&removed);
	arena_uncharge(count);
}

/*
 * The first page of a user-given range of n pages: a page-aligned user
 * address inside the arena (its offset while the arena has no address).
 */
static int arena_first_page(const struct arena *arena, u64 addr, u64 n,
			    u64 *first)
{
	u64 off = addr - arena->user_vm_start;

	if (!n || offset_in_page(addr))
		return -EINVAL;
	if (addr < arena->user_vm_start || off >= arena_len(arena) ||
	    n > arena->nr_pages - (off >> PAGE_SHIFT))
		return -ERANGE;
	*first = off >> PAGE_SHIFT;
	return 0;
}

static bool arena_node_valid(int node)
{
	return node == NUMA_NO_NODE ||
	       (node >= 0 && node < MAX_NUMNODES && node_online(node));
}

#define ARENA_ANYWHERE	U64_MAX

/*
 * Makes n absent pages present, at *first or, for ARENA_ANYWHERE, in the
 * first free run (then *first says where).  All or nothing.
 */
static int arena_alloc_range(struct arena *arena, u64 *first, u32 n, int node)
{
	lockdep_assert_held(&arena->lock);
	if (*first == ARENA_ANYWHERE) {
		if (n > arena->nr_pages)
			return -ENOMEM;
		*first = bitmap_find_next_zero_area(arena->present, arena->nr_pages,
						    0, n, 0);
		if (*first + n > arena->nr_pages)
			return -ENOMEM;
	} else if (find_next_bit(arena->present, *first + n, *first) < *first + n) {
		return -EBUSY;
	}
	return arena_populate(arena, *first, n, node);
}

/* ARENA_IOC_ALLOC_PAGES: addr 0 is "anywhere". */
static int arena_alloc_pages(struct arena *arena, u64 *addr, u32 n, int node)
{
	u64 first = ARENA_ANYWHERE;
	int err = 0;

	if (!n || !arena_node_valid(node))
		return -EINVAL;

	mutex_lock(&arena->lock);
	if (*addr)
		err = arena_first_page(arena, *addr, n, &first);
	if (!err)
		err = arena_alloc_range(arena, &first, n, node);
	if (!err)
		*addr = arena->user_vm_start + (first << PAGE_SHIFT);
	mutex_unlock(&arena->lock);
	return err;
}

/* ARENA_IOC_FREE_PAGES. */
static int arena_free_pages(struct arena *arena, u64 addr, u32 n)
{
	u64 first;
	int err;

	mutex_lock(&arena->lock);
	err = arena_first_page(arena, addr, n, &first);
	if (!err)
		arena_depopulate(arena, first, n);
	mutex_unlock(&arena->lock);
	return err;
}

/*
 * The page of an arena pointer as programs see them (kernel/bpf/arena.c's
 * compute_pgoff): only the low 32 bits count, relative to the low 32 bits
 * of the user address.
 */
static u64 arena_prog_pgoff(const struct arena *arena, u64 ptr)
{
	return (u32)((u32)ptr - (u32)arena->user_vm_start) >> PAGE_SHIFT;
}

/*
 * Both read the user address, which the first mmap may set: under the
 * lock, like everything else that turns a pointer into a page.
 */
u64 arena_prog_alloc_pages(struct arena *arena, u64 ptr, u32 n, int node,
			   u64 flags)
{
	u64 first = ARENA_ANYWHERE, ret = 0;

	if (flags || !n || !arena_node_valid(node) || offset_in_page(ptr))
		return 0;
	mutex_lock(&arena->lock);
	if (ptr)
		first = arena_prog_pgoff(arena, ptr);
	if ((!ptr || (first < arena->nr_pages && n <= arena->nr_pages - first)) &&
	    !arena_alloc_range(arena, &first, n, node))
		ret = arena->user_vm_start + (first << PAGE_SHIFT);
	mutex_unlock(&arena->lock);
	return ret;
}

void arena_prog_free_pages(struct arena *arena, u64 ptr, u32 n)
{
	u64 first;

	if (!ptr || !n || offset_in_page(ptr))
		return;
	mutex_lock(&arena->lock);
	first = arena_prog_pgoff(arena, ptr);
	if (first < arena->nr_pages)
		arena_depopulate(arena, first, min_t(u64, n, arena->nr_pages - first));
	mutex_unlock(&arena->lock);
}

/*
 * Gives the arena its user address and moves the pages made before that to
 * where their user addresses put them in the kernel view.  No user mapping
 * exists yet, so the pages are ours alone while they move.
 */
static int arena_relocate(struct arena *arena, u64 user_vm_start)
{
	u64 i, n = arena->nr_pages;
	struct mem_cgroup *old_memcg;
	struct page *page;
	LIST_HEAD(moving);
	int err = 0;

	lockdep_assert_held(&arena->lock);
	if ((u32)user_vm_start == (u32)arena->user_vm_start || !arena->nr_present)
		goto out;

	old_memcg = set_active_memcg(arena->memcg);
	for_each_set_bit(i, arena->present, n) {
		err = arena_kview_prepare(&arena->kview, arena_kidx_at(user_vm_start, i),
					  PAGE_SIZE, GFP_KERNEL_ACCOUNT);
		if (err)
			break;
	}
	set_active_memcg(old_memcg);
	if (err)
		return err;

	/* Out first, then in: the old and new places may overlap. */
	for_each_set_bit(i, arena->present, n) {
		page = arena_kview_page(&arena->kview, arena_kidx(arena, i));
		arena_kview_clear(&arena->kview, arena_kidx(arena, i));
		list_add_tail(&page->lru, &moving);
	}
	arena_kview_flush(&arena->kview, arena_kidx(arena, 0), n << PAGE_SHIFT);
	for_each_set_bit(i, arena->present, n) {
		page = list_first_entry(&moving, struct page, lru);
		list_del(&page->lru);
		arena_kview_insert(&arena->kview, arena_kidx_at(user_vm_start, i), page);
	}
out:
	arena->user_vm_start = user_vm_start;
	return 0;
}

static vm_fault_t arena_vm_fault(struct vm_fault *vmf)
{
	struct arena *arena = vmf->vma->vm_file->private_data;
	u64 pgoff = vmf->pgoff;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	struct page *page;
	int err;

	mutex_lock(&arena->lock);
	if (!test_bit(pgoff, arena->present)) {
		/*
		 * As in the kernel's arena, a page that cannot be made is a
		 * SIGSEGV, not an OOM kill: the cap may be ours, not memory's.
		 */
		if ((arena->flags & ARENA_F_SEGV_ON_FAULT) ||
		    arena_populate(arena, pgoff, 1, NUMA_NO_NODE)) {
			ret = VM_FAULT_SIGSEGV;
			goto out;
		}
	}
	page = arena_kview_page(&arena->kview, arena_kidx(arena, pgoff));
	if (WARN_ON_ONCE(!page)) {
		ret = VM_FAULT_SIGSEGV;
		goto out;
	}
	err = vm_insert_page(vmf->vma, vmf->address & PAGE_MASK, page);
	/* EBUSY: another thread's fault mapped it first. */
	if (err && err != -EBUSY)
		ret = vmf_error(err);
out:
	mutex_unlock(&arena->lock);
	return ret;
}

/* A part of the mapping would no longer sit at the arena's address. */
static int arena_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int arena_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct arena_vm_ops = {
	.fault		= arena_vm_fault,
	.may_split	= arena_vm_may_split,
	.mremap		= arena_vm_mremap,
};

/*
 * Where a mapping of the arena goes: its address if it has one, else
 * anywhere the whole length does not cross a 4 GiB boundary, so that the
 * low 32 bits of a user pointer name its page (arena_kidx()).  As the kernel does:
 * ask for twice the length and keep the part that does not cross.
 */
static unsigned long arena_get_unmapped_area(struct file *file,
					     unsigned long addr,
					     unsigned long len,
					     unsigned long pgoff,
					     unsigned long flags)
{
	struct arena *arena = file->private_data;
	unsigned long fixed = READ_ONCE(arena->user_vm_start);
	unsigned long ret;

	if (pgoff || len != arena_len(arena))
		return -EINVAL;
	if (fixed) {
		/* A hint of 0 means "where it belongs"; MAP_FIXED at 0 does not. */
		if ((addr || (flags & MAP_FIXED)) && addr != fixed)
			return -EINVAL;
		if (flags & MAP_FIXED)
			return fixed;
		ret = mm_get_unmapped_area(current->mm, file, fixed, len, 0, flags);
		return IS_ERR_VALUE(ret) || ret == fixed ? ret : -EBUSY;
	}
	if (flags & MAP_FIXED)
		return arena_crosses_4g(addr, len) ? -ERANGE : addr;

	ret = mm_get_unmapped_area(current->mm, file, addr, len * 2, 0, flags);
	if (IS_ERR_VALUE(ret) || !arena_crosses_4g(ret, len))
		return ret;
	return round_up(ret, SZ_4G);
}

static int arena_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct arena *arena = file->private_data;
	u64 len = vma->vm_end - vma->vm_start;
	int err = 0;

	/* No private copies: every process must see the same pages. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff || len != arena_len(arena))
		return -EINVAL;

	mutex_lock(&arena->lock);
	if (arena->user_vm_start && arena->user_vm_start != vma->vm_start)
		err = -EBUSY;
	else if (arena_crosses_4g(vma->vm_start, len))
		err = -ERANGE;
	if (!err && !arena->user_vm_start)
		err = arena_relocate(arena, vma->vm_start);
	if (!err)
		arena->mapping = file->f_mapping;
	mutex_unlock(&arena->lock);
	if (err)
		return err;

	/* MIXEDMAP: vm_insert_page() from the fault handler. */
	vm_flags_set(vma, VM_DONTEXPAND | VM_MIXEDMAP);
	vma->vm_ops = &arena_vm_ops;
	return 0;
}

void arena_info(struct arena *arena, struct arena_info *info)
{
	mutex_lock(&arena->lock);
	info->flags = arena->flags;
	info->nr_pages = arena->nr_pages;
	info->user_addr = arena->user_vm_start;
	info->pages_in_use = arena->nr_present;
	mutex_unlock(&arena->lock);
}

static long arena_ioctl_info(struct arena *arena, void __user *uarg)
{
	struct arena_info info;
	int err;

	err = arena_uarg_in(&info, uarg, ARENA_INFO_SIZE_VER0);
	if (err)
		return err;
	if (info.flags)
		return -EINVAL;

	arena_info(arena, &info);
	return arena_uarg_out(uarg, &info);
}

static long arena_ioctl_pages(struct arena *arena, unsigned int cmd,
			      void __user *uarg)
{
	struct arena_pages req;
	int err;

	err = arena_uarg_in(&req, uarg, ARENA_PAGES_SIZE_VER0);
	if (err)
		return err;
	if (req.flags)
		return -EINVAL;

	if (cmd == ARENA_IOC_FREE_PAGES)
		return arena_free_pages(arena, req.addr, req.nr_pages);
	err = arena_alloc_pages(arena, &req.addr, req.nr_pages, req.node);
	if (err)
		return err;
	err = arena_uarg_out(uarg, &req);
	if (err)
		arena_free_pages(arena, req.addr, req.nr_pages);
	return err;
}

/* Pages looked at per hold of the lock; their bits fit on the stack. */
#define ARENA_PRESENT_RUN	512

/*
 * The presence bits of pages first .. first + n - 1 (n at most
 * ARENA_PRESENT_RUN) as bytes, least significant bit first; returns how
 * many are set.  A copy, so that no user access happens under the lock: a
 * fault on a bitmap that lives in the arena itself takes the lock too.
 */
static u32 arena_present_bytes(struct arena *arena, u64 first, u32 n, u8 *bytes)
{
	u64 end = first + n, i;
	u32 count = 0;

	memset(bytes, 0, DIV_ROUND_UP(n, BITS_PER_BYTE));
	mutex_lock(&arena->lock);
	for (i = find_next_bit(arena->present, end, first); i < end;
	     i = find_next_bit(arena->present, end, i + 1)) {
		bytes[(i - first) / BITS_PER_BYTE] |= BIT((i - first) % BITS_PER_BYTE);
		count++;
	}
	mutex_unlock(&arena->lock);
	return count;
}

/* ARENA_IOC_PAGES_PRESENT: a run at a time, so nothing is allocated. */
static int arena_pages_present(struct arena *arena, struct arena_pages_present *req)
{
	u8 bytes[ARENA_PRESENT_RUN / BITS_PER_BYTE];
	u8 __user *ubitmap = u64_to_user_ptr(req->bitmap);
	u64 done, run;

	if (!req->nr_pages)
		return -EINVAL;
	/* nr_pages is fixed at creation: no lock needed to read it. */
	if (req->first_page >= arena->nr_pages ||
	    req->nr_pages > arena->nr_pages - req->first_page)
		return -ERANGE;

	req->nr_present = 0;
	for (done = 0; done < req->nr_pages; done += run) {
		run = min_t(u64, req->nr_pages - done, ARENA_PRESENT_RUN);
		req->nr_present += arena_present_bytes(arena, req->first_page + done,
						       run, bytes);
		if (copy_to_user(ubitmap + done / BITS_PER_BYTE, bytes,
				 DIV_ROUND_UP(run, BITS_PER_BYTE)))
			return -EFAULT;
		cond_resched();
	}
	return 0;
}

static long arena_ioctl_pages_present(struct arena *arena, void __user *uarg)
{
	struct arena_pages_present req;
	int err;

	err = arena_uarg_in(&req, uarg, ARENA_PAGES_PRESENT_SIZE_VER0);
	if (err)
		return err;
	if (req.flags)
		return -EINVAL;

	err = arena_pages_present(arena, &req);
	if (err)
		return err;
	return arena_uarg_out(uarg, &req);
}

static long arena_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct arena *arena = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ARENA_IOC_INFO:
		return arena_ioctl_info(arena, uarg);
	case ARENA_IOC_ALLOC_PAGES:
	case ARENA_IOC_FREE_PAGES:
		return arena_ioctl_pages(arena, cmd, uarg);
	case ARENA_IOC_PAGES_PRESENT:
		return arena_ioctl_pages_present(arena, uarg);
	default:
		return -ENOTTY;
	}
}

static void arena_free(struct arena *arena)
{
	kvfree(arena->present);
	mem_cgroup_put(arena->memcg);
	kfree(arena);
}

void arena_put(struct arena *arena)
{
	mutex_lock(&arena->lock);
	arena_depopulate(arena, 0, arena->nr_pages);
	mutex_unlock(&arena->lock);
	arena_kview_destroy(&arena->kview);
	arena_free(arena);
}

/* The last mapping and the last fd are gone: nothing can reach the pages. */
static int arena_release(struct inode *inode, struct file *file)
{
	arena_put(file->private_data);
	return 0;
}

/*
 * /proc/<pid>/fdinfo/<fd>, for `arenactl arena list`: what ARENA_IOC_INFO
 * says, readable by whoever may look at the process's fds.
 */
static void arena_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct arena_info info;

	arena_info(file->private_data, &info);
	seq_printf(m, "arena_type:\tarena\npages:\t%llu\nuser_addr:\t0x%llx\n"
		   "arena_flags:\t0x%x\npages_in_use:\t%llu\n", info.nr_pages,
		   info.user_addr, info.flags, info.pages_in_use);
}

static const struct file_operations arena_fops = {
	.owner			= THIS_MODULE,
	.release		= arena_release,
	.show_fdinfo		= arena_show_fdinfo,
	.unlocked_ioctl		= arena_ioctl,
	.compat_ioctl		= compat_ptr_ioctl,
	.mmap			= arena_mmap,
	.get_unmapped_area	= arena_get_unmapped_area,
	.llseek			= noop_llseek,
};

static int arena_check_create(const struct arena_create *req)
{
	u64 len;

	if (req->flags & ~ARENA_CREATE_FLAGS)
		return -EINVAL;
	if (!req->nr_pages)
		return -EINVAL;
	if (req->nr_pages > SZ_4G >> PAGE_SHIFT)
		return -E2BIG;
	len = req->nr_pages << PAGE_SHIFT;
	if (offset_in_page(req->user_addr))
		return -EINVAL;
	if (req->user_addr && arena_crosses_4g(req->user_addr, len))
		return -ERANGE;
	return 0;
}

static struct arena *arena_alloc(const struct arena_create *req)
{
	struct arena *arena;

	arena = kzalloc(sizeof(*arena), GFP_KERNEL_ACCOUNT);
	if (!arena)
		return NULL;
	mutex_init(&arena->lock);
	arena->flags = req->flags;
	arena->nr_pages = req->nr_pages;
	arena->user_vm_start = req->user_addr;
	arena->present = kvcalloc(BITS_TO_LONGS(req->nr_pages), sizeof(long),
				  GFP_KERNEL_ACCOUNT);
	if (!arena->present) {
		kfree(arena);
		return NULL;
	}
	arena->memcg = get_mem_cgroup_from_mm(current->mm);
	return arena;
}

struct arena *arena_new(const struct arena_create *req)
{
	struct arena *arena;
	int err;

	err = arena_check_create(req);
	if (err)
		return ERR_PTR(err);
	arena = arena_alloc(req);
	if (!arena)
		return ERR_PTR(-ENOMEM);
	err = arena_kview_create(&arena->kview);
	if (err) {
		arena_free(arena);
		return ERR_PTR(err);
	}
	return arena;
}

long arena_ioctl_create(void __user *uarg)
{
	struct arena_create req;
	struct arena *arena;
	int err, fd;

	err = arena_uarg_in(&req, uarg, ARENA_CREATE_SIZE_VER0);
	if (err)
		return err;
	arena = arena_new(&req);
	if (IS_ERR(arena))
		return PTR_ERR(arena);
	fd = arena_objfs_getfd("arena", &arena_fops, arena);
	if (fd < 0)
		arena_put(arena);
	return fd;
}

struct arena *arena_from_file(struct file *file)
{
	return file->f_op == &arena_fops ? file->private_data : NULL;
}

struct page *arena_kernel_page(struct arena *arena, u32 off)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "arena page outside RCU");
	return arena_kview_page(&arena->kview, off);
}

/*
 * Where programs find the arena: the page of arena pointer p is mapped at
 * kern_vm_start + (u32)p.  A kernel address: never shown to user space.
 */
unsigned long arena_kern_vm_start(const struct arena *arena)
{
	return arena->kview.start;
}
