// SPDX-License-Identifier: GPL-2.0
/*
 * MPSC ring buffers with the memory layout of Linux's BPF ring buffer
 * (kernel/bpf/ringbuf.c), so that a consumer written for it works on ours
 * unchanged.
 *
 * Layout.  The ring's pages are mapped into one kernel range, vaddr, in
 * the order user space maps them, after a page of the kernel's own:
 *
 *	+--------+----------+----------+------------------+------------------+
 *	| the    | consumer | producer |    data pages    | the same again   |
 *	| ring's | position | position |  0 .. N-1        |  0 .. N-1        |
 *	| address+----------+----------+------------------+------------------+
 *	+--------+ user: RW   user: RO   user: RO           user: RO
 *	  (not mapped)        (user offsets start at the consumer page)
 *
 * The first page is how bpf_ringbuf_submit() finds the ring from a record
 * (ringbuf_of_sample()) in a few loads, as the kernel's does, where a
 * lookup of the vmalloc page tables would cost a walk per record.
 *
 * The data area is mapped twice in a row, so a record that runs past the
 * end of the area continues, in virtual memory, at its start: neither the
 * kernel nor the consumer ever splits one.  Positions only grow; position
 * p is at data + (p & mask).
 *
 * Producers.  A reservation takes the lock just long enough to move the
 * producer position and write the record's header with the busy bit set;
 * filling and committing a record are lockless, so producers on several
 * CPUs (or nested, on one CPU) fill their records at the same time.  The
 * consumer sees records in reservation order and stops at the first busy
 * one.  In NMI context the lock is only tried.
 *
 * The consumer position is in a page user space may write, so nothing
 * here trusts it for more than "how much room is there": a consumer that
 * claims to be ahead of a record still being filled must not let a new
 * reservation overwrite that record, hence pending_pos, the oldest record
 * that may still be busy (the kernel learned this the hard way: see
 * "bpf: Fix overrunning reservations in ringbuf").
 *
 * Overwrite mode (RINGBUF_F_OVERWRITE, BPF_F_RB_OVERWRITE in the newest
 * kernels) ignores the consumer for room: a reservation that does not fit
 * drops the oldest committed records, publishing the overwrite position
 * past them before any of their bytes is written again.
 */
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <uapi/arena_kmod.h>

#include "objfs.h"
#include "pages.h"
#include "ringbuf_kmod.h"
#include "uarg.h"

#define RINGBUF_KERN_PAGES	1	/* the ring's address, never mapped to user space */
#define RINGBUF_POS_PAGES	2
#define RINGBUF_MAX_DATA_SZ	SZ_2G
/* Keeps a length clear of the busy and discard bits. */
#define RINGBUF_MAX_RECORD_SZ	(UINT_MAX / 4)

struct ringbuf {
	unsigned long mask;		/* data size - 1 */
	u32 flags;			/* RINGBUF_F_* */
	unsigned long *consumer_pos;	/* the page after the kernel's in vaddr */
	unsigned long *producer_pos;	/* the page after that */
	unsigned long *overwrite_pos;	/* next to producer_pos */
	void *data;			/* then the data area, twice */
	void *vaddr;
	wait_queue_head_t waitq;
	struct irq_work work;		/* wakes waitq from any context */
	atomic_t draining;		/* RINGBUF_F_USER: one drainer at a time */
	struct page **pages;		/* the kernel's, the position pages, data */
	unsigned long nr_pages;
	/*
	 * What producers write, on a cache line of its own: the fields
	 * above are read by every commit and by the consumer's side, and
	 * would bounce between CPUs with the lock if they shared its line.
	 * It guards producer_pos, overwrite_pos and pending_pos.
	 */
	spinlock_t lock ____cacheline_aligned_in_smp;
	unsigned long pending_pos;	/* oldest record that may be busy */
};

static unsigned long ringbuf_size(const struct ringbuf *rb)
{
	return rb->mask + 1;
}

/* Where the consumer really is: records behind the overwrite position are gone. */
static unsigned long ringbuf_read_pos(const struct ringbuf *rb)
{
	unsigned long cons = smp_load_acquire(rb->consumer_pos);
	unsigned long over = smp_load_acquire(rb->overwrite_pos);

	return (long)(over - cons) > 0 ? over : cons;
}

static unsigned long ringbuf_avail(const struct ringbuf *rb)
{
	return smp_load_acquire(rb->producer_pos) - ringbuf_read_pos(rb);
}

/* The length a record takes in the ring, its header and padding included. */
static unsigned long ringbuf_rec_size(u32 len)
{
	return round_up((len & ~(RINGBUF_BUSY_BIT | RINGBUF_DISCARD_BIT)) +
			RINGBUF_HDR_SZ, 8);
}

/*
 * A record of size bytes never fits, however empty the ring: a producer
 * stays less than a ring's length ahead of the consumer.
 */
static bool ringbuf_never_fits(const struct ringbuf *rb, u64 size)
{
	return size > RINGBUF_MAX_RECORD_SZ || ringbuf_rec_size(size) > rb->mask;
}

static void ringbuf_notify(struct irq_work *work)
{
	struct ringbuf *rb = container_of(work, struct ringbuf, work);

	wake_up_all(&rb->waitq);
}

/*
 * Moves pending_pos past the records that are committed already.  Their
 * headers are the kernel's: user space maps the data area read-only.
 */
static unsigned long ringbuf_pending_pos(struct ringbuf *rb, unsigned long prod_pos)
{
	unsigned long pos = rb->pending_pos;
	struct ringbuf_hdr *hdr;
	u32 len;

	while (pos != prod_pos) {
		hdr = rb->data + (pos & rb->mask);
		len = READ_ONCE(hdr->len);
		/*
		 * A header that claims more than was reserved cannot be, but
		 * this runs with interrupts off: stop rather than trust it.
		 */
		if (len & RINGBUF_BUSY_BIT || ringbuf_rec_size(len) > prod_pos - pos)
			break;
		pos += ringbuf_rec_size(len);
	}
	rb->pending_pos = pos;
	return pos;
}

/*
 * Overwrite mode: drops the oldest records until one ending at new_pos
 * fits.  All of them are committed: the caller checked that new_pos stays
 * within a ring's length of the oldest record that may be busy.  The new
 * overwrite position is published before any of their bytes change.
 */
static void ringbuf_drop_oldest(struct ringbuf *rb, unsigned long new_pos,
				unsigned long pend_pos)
{
	unsigned long pos = *rb->overwrite_pos, step;
	struct ringbuf_hdr *hdr;

	if (new_pos - pos <= rb->mask)
		return;
	while (new_pos - pos > rb->mask) {
		hdr = rb->data + (pos & rb->mask);
		step = ringbuf_rec_size(READ_ONCE(hdr->len));
		/* Bounded as in ringbuf_pending_pos(); pend_pos always fits. */
		if (step > pend_pos - pos) {
			pos = pend_pos;
			break;
		}
		pos += step;
	}
	smp_store_release(rb->overwrite_pos, pos);
	/*
	 * A release orders only what came before it: without this, the
	 * header written next, and the bytes the producer fills in after
	 * the lock, could be seen before the new position (arm64), and a
	 * consumer that checks the position after copying a record would
	 * take a torn copy for an intact one.  Pairs with the consumer's
	 * read barrier between its copy and that check.
	 */
	smp_wmb();
}

void *ringbuf_reserve(struct ringbuf *rb, u64 size)
{
	unsigned long cons_pos, prod_pos, new_prod_pos, pend_pos, flags;
	struct ringbuf_hdr *hdr;
	u32 len;

	if (ringbuf_never_fits(rb, size))
		return NULL;
	len = ringbuf_rec_size(size);

	cons_pos = smp_load_acquire(rb->consumer_pos);
	local_irq_save(flags);
	if (in_nmi()) {
		/* The holder may be the code this NMI interrupted. */
		if (!spin_trylock(&rb->lock)) {
			local_irq_restore(flags);
			return NULL;
		}
	} else {
		spin_lock(&rb->lock);
	}
	prod_pos = *rb->producer_pos;
	new_prod_pos = prod_pos + len;
	pend_pos = ringbuf_pending_pos(rb, prod_pos);
	/*
	 * At most size - 1 ahead of any busy record, and of the consumer
	 * unless old records may go.
	 */
	if (new_prod_pos - pend_pos > rb->mask ||
	    (!(rb->flags & RINGBUF_F_OVERWRITE) && new_prod_pos - cons_pos > rb->mask)) {
		spin_unlock_irqrestore(&rb->lock, flags);
		return NULL;
	}
	if (rb->flags & RINGBUF_F_OVERWRITE)
		ringbuf_drop_oldest(rb, new_prod_pos, pend_pos);
	hdr = rb->data + (prod_pos & rb->mask);
	hdr->len = size | RINGBUF_BUSY_BIT;
	hdr->pg_off = (prod_pos & rb->mask) >> PAGE_SHIFT;
	/* Pairs with the consumer's acquire: it sees the header busy first. */
	smp_store_release(rb->producer_pos, new_prod_pos);
	spin_unlock_irqrestore(&rb->lock, flags);
	return hdr + 1;
}

static void ringbuf_commit(struct ringbuf *rb, void *sample, u32 flags, bool discard)
{
	struct ringbuf_hdr *hdr = sample - RINGBUF_HDR_SZ;
	unsigned long rec_pos = (void *)hdr - rb->data;
	u32 new_len = hdr->len ^ RINGBUF_BUSY_BIT;

	if (discard)
		new_len |= RINGBUF_DISCARD_BIT;
	/*
	 * A full barrier: the record's bytes are visible before its busy
	 * bit is clear, and the header before the consumer position is read.
	 */
	xchg(&hdr->len, new_len);

	/* Wake the consumer only if it waits for this very record. */
	if (flags & RINGBUF_FORCE_WAKEUP)
		irq_work_queue(&rb->work);
	else if (!(flags & RINGBUF_NO_WAKEUP) &&
		 (smp_load_acquire(rb->consumer_pos) & rb->mask) == rec_pos)
		irq_work_queue(&rb->work);
}

void ringbuf_submit(struct ringbuf *rb, void *sample, u32 flags)
{
	ringbuf_commit(rb, sample, flags, false);
}

void ringbuf_discard(struct ringbuf *rb, void *sample, u32 flags)
{
	ringbuf_commit(rb, sample, flags, true);
}

/*
 * User-to-kernel rings.  Everything in the producer page and the data area
 * is user space's and may change at any moment or lie: the producer
 * position is read once per record and each header once, and both are
 * checked against each other and the ring's size before anything is used.
 */

/*
 * The record at the consumer position: 0 with *sample and *len, -ENODATA
 * when there is none yet, -EAGAIN for a discarded one (skip *total), or
 * -EINVAL for a ring whose positions or header do not add up.
 */
static int ringbuf_user_peek(struct ringbuf *rb, void **sample, u32 *len,
			     unsigned long *total)
{
	unsigned long cons = *rb->consumer_pos;
	unsigned long prod = smp_load_acquire(rb->producer_pos);
	u32 hdr;

	if (prod == cons)
		return -ENODATA;
	if (prod & 7 || prod - cons > ringbuf_size(rb))
		return -EINVAL;
	/* Pairs with the producer's release: the bytes before the header. */
	hdr = smp_load_acquire((u32 *)(rb->data + (cons & rb->mask)));
	if (hdr & RINGBUF_BUSY_BIT)
		return -ENODATA;
	*len = hdr & ~RINGBUF_DISCARD_BIT;
	*total = ringbuf_rec_size(hdr);
	if (*total > prod - cons)
		return -EINVAL;
	if (hdr & RINGBUF_DISCARD_BIT)
		return -EAGAIN;
	*sample = rb->data + ((cons + RINGBUF_HDR_SZ) & rb->mask);
	return 0;
}

long ringbuf_user_drain(struct ringbuf *rb, ringbuf_drain_fn cb, void *ctx, u64 max)
{
	unsigned long total;
	bool stop = false;
	long n = 0;
	void *sample;
	int err = 0;
	u32 len;

	if (!(rb->flags & RINGBUF_F_USER))
		return -EINVAL;
	if (atomic_cmpxchg(&rb->draining, 0, 1))
		return -EBUSY;
	while (!stop && n < max) {
		err = ringbuf_user_peek(rb, &sample, &len, &total);
		if (err == -ENODATA) {
			err = 0;
			break;
		}
		if (err && err != -EAGAIN)
			break;
		if (!err) {
			stop = cb(ctx, sample, len);
			n++;
		}
		/* Pairs with the producer's acquire: it may reuse the room. */
		smp_store_release(rb->consumer_pos, *rb->consumer_pos + total);
		err = 0;
	}
	atomic_set_release(&rb->draining, 0);
	if (n)
		irq_work_queue(&rb->work);
	return n ? n : err;
}

/* One record from user memory: 0, or -EAGAIN when it does not fit now. */
static int ringbuf_output_user(struct ringbuf *rb, const struct ringbuf_record *rec,
			       u32 flags)
{
	void *sample = ringbuf_reserve(rb, rec->len);

	if (!sample)
		return -EAGAIN;
	if (copy_from_user(sample, u64_to_user_ptr(rec->data), rec->len)) {
		ringbuf_discard(rb, sample, flags);
		return -EFAULT;
	}
	ringbuf_submit(rb, sample, flags);
	return 0;
}

/* The whole batch is checked before any record is written. */
static int ringbuf_check_records(const struct ringbuf *rb,
				 const struct ringbuf_record *recs, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (recs[i].reserved)
			return -EINVAL;
		/* Not worth retrying, unlike a ring that is full now. */
		if (ringbuf_never_fits(rb, recs[i].len))
			return -E2BIG;
	}
	return 0;
}

static long ringbuf_ioctl_output(struct ringbuf *rb, void __user *uarg)
{
	struct ringbuf_record *recs;
	struct ringbuf_output req;
	int err;
	u32 i;

	err = arena_uarg_in(&req, uarg, RINGBUF_OUTPUT_SIZE_VER0);
	if (err)
		return err;
	/* A user-to-kernel ring has its producer in user space already. */
	if (rb->flags & RINGBUF_F_USER)
		return -EINVAL;
	if (req.flags & ~(RINGBUF_NO_WAKEUP | RINGBUF_FORCE_WAKEUP) || req.nr_written ||
	    !req.nr_records || req.nr_records > RINGBUF_OUTPUT_MAX)
		return -EINVAL;

	recs = memdup_user(u64_to_user_ptr(req.records), req.nr_records * sizeof(*recs));
	if (IS_ERR(recs))
		return PTR_ERR(recs);
	err = ringbuf_check_records(rb, recs, req.nr_records);
	for (i = 0; !err && i < req.nr_records; i++) {
		err = ringbuf_output_user(rb, &recs[i], req.flags);
		/*
		 * A batch stops at the first record that cannot go in; the
		 * error is the caller's only if nothing went in, else
		 * nr_written says where to resume.
		 */
		if (err && i) {
			err = 0;
			break;
		}
	}
	kfree(recs);
	if (err)
		return err;
	req.nr_written = i;
	return arena_uarg_out(uarg, &req);
}

void ringbuf_query(struct ringbuf *rb, struct ringbuf_info *info)
{
	info->flags = rb->flags;
	info->data_size = ringbuf_size(rb);
	info->consumer_pos = smp_load_acquire(rb->consumer_pos);
	info->overwrite_pos = smp_load_acquire(rb->overwrite_pos);
	info->producer_pos = smp_load_acquire(rb->producer_pos);
	info->avail_data = info->producer_pos - ringbuf_read_pos(rb);
}

static long ringbuf_ioctl_query(struct ringbuf *rb, void __user *uarg)
{
	struct ringbuf_info info;
	int err;

	err = arena_uarg_in(&info, uarg, RINGBUF_INFO_SIZE_VER0);
	if (err)
		return err;
	if (info.flags)
		return -EINVAL;

	ringbuf_query(rb, &info);
	return arena_uarg_out(uarg, &info);
}

static long ringbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ringbuf *rb = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case RINGBUF_IOC_OUTPUT:
		return ringbuf_ioctl_output(rb, uarg);
	case RINGBUF_IOC_QUERY:
		return ringbuf_ioctl_query(rb, uarg);
	default:
		return -ENOTTY;
	}
}

static __poll_t ringbuf_poll(struct file *file, poll_table *pts)
{
	struct ringbuf *rb = file->private_data;

	poll_wait(file, &rb->waitq, pts);
	if (rb->flags & RINGBUF_F_USER)
		return ringbuf_avail(rb) < ringbuf_size(rb) ? EPOLLOUT | EPOLLWRNORM : 0;
	return ringbuf_avail(rb) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * Only the consumer page may be writable, and a read-only mapping may
 * never become writable (mprotect): without VM_MAYWRITE it cannot.
 * remap_vmalloc_range() checks the range and sets VM_DONTEXPAND, so no
 * mremap() can grow a mapping past what was checked here.
 */
static int ringbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ringbuf *rb = file->private_data;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE) {
		/* The writer owns the pages past the consumer page, or that page alone. */
		if (rb->flags & RINGBUF_F_USER ? !vma->vm_pgoff :
		    vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
			return -EPERM;
	} else {
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	/* As the kernel's: the area's bounds check covers the offset. */
	return remap_vmalloc_range(vma, rb->vaddr, vma->vm_pgoff + RINGBUF_KERN_PAGES);
}

static void ringbuf_free(struct ringbuf *rb)
{
	if (rb->vaddr)
		vunmap(rb->vaddr);
	arena_pages_free(rb->pages, rb->nr_pages);
	kfree(rb);
}

void ringbuf_put(struct ringbuf *rb)
{
	irq_work_sync(&rb->work);
	ringbuf_free(rb);
}

/* No producer is left: the fd and every mapping are gone. */
static int ringbuf_release(struct inode *inode, struct file *file)
{
	ringbuf_put(file->private_data);
	return 0;
}

/* /proc/<pid>/fdinfo/<fd>: what RINGBUF_IOC_QUERY says, for `arenactl ring list`. */
static void ringbuf_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct ringbuf_info info;

	ringbuf_query(file->private_data, &info);
	seq_printf(m, "arena_type:\tringbuf\ndata_size:\t%llu\nring_flags:\t0x%x\n"
		   "consumer_pos:\t%llu\nproducer_pos:\t%llu\noverwrite_pos:\t%llu\n",
		   info.data_size, info.flags, info.consumer_pos, info.producer_pos,
		   info.overwrite_pos);
}

static const struct file_operations ringbuf_fops = {
	.owner		= THIS_MODULE,
	.release	= ringbuf_release,
	.show_fdinfo	= ringbuf_show_fdinfo,
	.unlocked_ioctl	= ringbuf_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= ringbuf_mmap,
	.poll		= ringbuf_poll,
	.llseek		= noop_llseek,
};

/* Maps the kernel's page, the position pages, then the data pages twice. */
static void *ringbuf_map(struct ringbuf *rb, unsigned long nr_data)
{
	unsigned long i, n = RINGBUF_KERN_PAGES + RINGBUF_POS_PAGES + 2 * nr_data;
	struct page **map;
	void *vaddr;

	map = kvmalloc_array(n, sizeof(*map), GFP_KERNEL);
	if (!map)
		return NULL;
	for (i = 0; i < n; i++)
		map[i] = rb->pages[i < rb->nr_pages ? i : i - nr_data];
	/* VM_USERMAP: remap_vmalloc_range() maps only such ranges. */
	vaddr = vmap(map, n, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	kvfree(map);
	return vaddr;
}

static struct ringbuf *ringbuf_alloc(u64 data_size, u32 flags)
{
	unsigned long nr_data = data_size >> PAGE_SHIFT;
	struct ringbuf *rb;

	rb = kzalloc(sizeof(*rb), GFP_KERNEL_ACCOUNT);
	if (!rb)
		return NULL;
	rb->nr_pages = RINGBUF_KERN_PAGES + RINGBUF_POS_PAGES + nr_data;
	rb->pages = arena_pages_alloc(rb->nr_pages);
	if (!rb->pages)
		goto err;
	rb->vaddr = ringbuf_map(rb, nr_data);
	if (!rb->vaddr)
		goto err;
	*(struct ringbuf **)rb->vaddr = rb;

	spin_lock_init(&rb->lock);
	init_waitqueue_head(&rb->waitq);
	init_irq_work(&rb->work, ringbuf_notify);
	rb->mask = data_size - 1;
	rb->flags = flags;
	rb->consumer_pos = rb->vaddr + RINGBUF_KERN_PAGES * PAGE_SIZE;
	rb->producer_pos = (void *)rb->consumer_pos + PAGE_SIZE;
	rb->overwrite_pos = rb->producer_pos + 1;
	rb->data = (void *)rb->producer_pos + PAGE_SIZE;
	return rb;

err:
	ringbuf_free(rb);
	return NULL;
}

struct ringbuf *ringbuf_new(u64 data_size, u32 flags)
{
	struct ringbuf *rb;

	if (flags & ~(RINGBUF_F_OVERWRITE | RINGBUF_F_USER) ||
	    (flags & RINGBUF_F_OVERWRITE && flags & RINGBUF_F_USER) ||
	    !data_size || !is_power_of_2(data_size) || !PAGE_ALIGNED(data_size))
		return ERR_PTR(-EINVAL);
	if (data_size > RINGBUF_MAX_DATA_SZ)
		return ERR_PTR(-E2BIG);
	rb = ringbuf_alloc(data_size, flags);
	return rb ?: ERR_PTR(-ENOMEM);
}

/* For the self-tests: the ring as user space maps it, from the consumer page on. */
void *ringbuf_vaddr(struct ringbuf *rb)
{
	return rb->consumer_pos;
}

/*
 * As bpf_ringbuf_submit() finds its ring: the header's pg_off leads back to
 * the data area's first page, and the first page of the mapping, before
 * the position pages, holds the ring's address.  Headers always sit in the
 * first of the two data mappings.
 */
struct ringbuf *ringbuf_of_sample(void *sample)
{
	struct ringbuf_hdr *hdr = sample - RINGBUF_HDR_SZ;
	void *data = (void *)round_down((unsigned long)hdr, PAGE_SIZE) -
		     ((unsigned long)hdr->pg_off << PAGE_SHIFT);

	return *(struct ringbuf **)(data - (RINGBUF_KERN_PAGES + RINGBUF_POS_PAGES) * PAGE_SIZE);
}

struct ringbuf *ringbuf_from_file(struct file *file)
{
	return file->f_op == &ringbuf_fops ? file->private_data : NULL;
}

long ringbuf_ioctl_create(void __user *uarg)
{
	struct ringbuf_create req;
	struct ringbuf *rb;
	int err, fd;

	err = arena_uarg_in(&req, uarg, RINGBUF_CREATE_SIZE_VER0);
	if (err)
		return err;
	rb = ringbuf_new(req.data_size, req.flags);
	if (IS_ERR(rb))
		return PTR_ERR(rb);
	fd = arena_objfs_getfd("ringbuf", &ringbuf_fops, rb);
	if (fd < 0)
		ringbuf_put(rb);
	return fd;
}
