// SPDX-License-Identifier: GPL-2.0
/*
 * event-stream: programs on every CPU write records into one ring buffer;
 * one consumer reads them all.
 *
 * One producer thread per CPU pins itself there (sched_setaffinity()) and
 * runs the program emit_event again and again; each run writes one record
 * with the CPU's next sequence number into the ring, which all CPUs share
 * (a multi-producer, single-consumer ring with the layout of Linux's BPF
 * ring buffer).  The main thread is the one consumer: libarena's ring
 * consumer waits on epoll for records and hands each to on_event(), which
 * checks that every CPU's numbers arrive in order with none missing.
 * When the ring is full the program says so and the producer retries, so
 * that nothing is lost: the ring is small on purpose, for that to happen.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "event_stream.h"
#include "example.h"

#define EVENTS_PER_CPU	5000
/* Generous: even the test VMs, which emulate their CPUs, take under a second. */
#define DEADLINE_S	120

struct producer {
	pthread_t thread;
	int cpu;
	int prog_fd;
	int failed_runs;	/* runs that failed outright */
	long ring_full;		/* runs that found the ring full and were retried */
};

/* Producers still producing: the consumer stops waiting when none is. */
static atomic_int producing;
/* Set by the consumer at its deadline, for producers that wait for room. */
static atomic_bool stopping;

/* What the consumer saw, per CPU. */
struct stream {
	__u64 next_seq[EVENT_MAX_CPUS];	/* the sequence number due next */
	long received[EVENT_MAX_CPUS];
	long out_of_order;		/* a number other than the one due */
	long malformed;			/* wrong size or CPU */
	long total;
};

/* Runs emit_event until EVENTS_PER_CPU records went in, or until told to stop. */
static void produce_records(struct producer *p)
{
	int i;

	for (i = 0; i < EVENTS_PER_CPU && !atomic_load(&stopping);) {
		LIBARENA_OPTS(arena_prog_run_opts, run);

		if (arena_prog__run(p->prog_fd, &run) || (int)run.retval < 0) {
			p->failed_runs++;
			i++;
		} else if (run.retval == EVENT_RING_FULL) {
			/* Let the consumer make room, then try the same record again. */
			p->ring_full++;
			usleep(100);
		} else {
			i++;
		}
	}
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	cpu_set_t one;

	/* Pinned, this thread is the only one that runs emit_event on its CPU. */
	CPU_ZERO(&one);
	CPU_SET(p->cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		p->failed_runs = EVENTS_PER_CPU;
	else
		produce_records(p);
	atomic_fetch_sub(&producing, 1);
	return NULL;
}

/* The consumer's callback, once per record, in the ring's order. */
static int on_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	struct stream *s = ctx;

	s->total++;
	if (size != sizeof(*e) || e->cpu >= EVENT_MAX_CPUS) {
		s->malformed++;
		return 0;
	}
	s->out_of_order += e->seq != s->next_seq[e->cpu];
	s->next_seq[e->cpu] = e->seq + 1;
	s->received[e->cpu]++;
	return 0;
}

/*
 * Consumes while producers produce, until the deadline: 0 or a negative
 * errno.  Records submitted after the last wait are for the caller.
 */
static int consume(struct arena_ring_buffer *rb)
{
	time_t deadline = time(NULL) + DEADLINE_S;
	int err;

	while (atomic_load(&producing) > 0 && time(NULL) < deadline) {
		/* epoll_wait() on the ring, up to 100 ms, then what it holds. */
		err = arena_ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR)
			return err;
	}
	return 0;
}

/* Starts a producer on each CPU this process may use: how many. */
static int start_producers(struct producer *producers, int prog_fd)
{
	cpu_set_t allowed;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return 0;
	for (cpu = 0; cpu < EVENT_MAX_CPUS; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		producers[n] = (struct producer){ .cpu = cpu, .prog_fd = prog_fd };
		atomic_fetch_add(&producing, 1);
		if (pthread_create(&producers[n].thread, NULL, produce, &producers[n])) {
			atomic_fetch_sub(&producing, 1);
			break;
		}
		n++;
	}
	return n;
}

static void report(struct example *ex, const struct producer *producers, int n,
		   const struct stream *s, const __u64 *program_seq)
{
	int i, cpu;

	for (i = 0; i < n; i++) {
		cpu = producers[i].cpu;
		printf("cpu %d: %ld records received, the last numbered %lld; "
		       "ring full %ld times, retried\n", cpu, s->received[cpu],
		       (long long)s->next_seq[cpu] - 1, producers[i].ring_full);
		example_check(ex, producers[i].failed_runs == 0, "cpu %d: %d runs failed", cpu,
			      producers[i].failed_runs);
		example_check(ex, s->received[cpu] == EVENTS_PER_CPU,
			      "cpu %d: %ld records received, not %d", cpu, s->received[cpu],
			      EVENTS_PER_CPU);
		example_check(ex, program_seq[cpu] == EVENTS_PER_CPU,
			      "cpu %d: the program numbered %llu records, not %d", cpu,
			      (unsigned long long)program_seq[cpu], EVENTS_PER_CPU);
	}
	example_check(ex, s->out_of_order == 0, "%ld records out of order", s->out_of_order);
	example_check(ex, s->malformed == 0, "%ld malformed records", s->malformed);
	example_check(ex, s->total == (long)n * EVENTS_PER_CPU, "%ld records in all, not %ld",
		      s->total, (long)n * EVENTS_PER_CPU);
}

int main(void)
{
	static struct producer producers[EVENT_MAX_CPUS];
	static struct stream stream;
	struct arena_ring_buffer *rb;
	struct example ex;
	struct timespec t0, t1;
	int prog_fd, n, i, err;
	__u64 *program_seq;

	if (example_open(&ex, "event-stream", EXAMPLE_OBJECT(event_stream_bpf)) ||
	    example_load(&ex))
		return example_finish(&ex);
	prog_fd = example_prog_fd(&ex, "emit_event");
	program_seq = example_global(&ex, "next_seq");
	if (prog_fd < 0 || !program_seq)
		return example_finish(&ex);
	/* The consumer: libbpf's ring_buffer__new(), in libarena. */
	rb = arena_ring_buffer__new(arena_object_map__fd(arena_object__find_map_by_name(ex.obj,
											"events")),
				    on_event, &stream, NULL);
	if (!example_check(&ex, rb != NULL, "the ring consumer: %s", strerror(errno)))
		return example_finish(&ex);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = start_producers(producers, prog_fd);
	printf("%d producers, one pinned to each CPU, %d records each, into one ring\n", n,
	       EVENTS_PER_CPU);
	err = consume(rb);
	atomic_store(&stopping, true);
	for (i = 0; i < n; i++)
		pthread_join(producers[i].thread, NULL);
	/* What came in after the last wait. */
	if (!err)
		err = arena_ring_buffer__consume(rb) < 0 ? -errno : 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	example_check(&ex, err == 0, "consuming failed: %s", strerror(-err));
	example_check(&ex, n > 0, "no producer started");

	report(&ex, producers, n, &stream, program_seq);
	printf("consumer: %ld records in %.2f s\n", stream.total,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	arena_ring_buffer__free(rb);
	return example_finish(&ex);
}
