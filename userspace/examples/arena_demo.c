// SPDX-License-Identifier: GPL-2.0
/*
 * arena-demo: an arena and a ring buffer between two processes.
 *
 * The child builds a linked list in the arena, one node per page it
 * allocates, linked by plain pointers, and tells the parent about each
 * node through the ring.  The parent reads the ring, then walks the
 * child's list through the very same pointers: the arena sits at the same
 * address in both processes.  Exit status 0 only if everything matched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libarena.h"

#define ARENA_PAGES	16
#define RING_BYTES	4096
#define NR_NODES	5

struct node {
	struct node *next;
	long value;
};

/* What the child sends per node. */
struct node_msg {
	int index;
	struct node *node;
	long value;
};

struct seen {
	struct node_msg msg[NR_NODES];
	int count;
	int bad;
};

/* The child: builds the list, one record per node; 0 when all went out. */
static int child_build(struct arena_map *arena, int ring_fd)
{
	struct node *prev = NULL, *node;
	struct node_msg msg;
	int i, err;

	for (i = 0; i < NR_NODES; i++) {
		err = arena_map__alloc_pages(arena, NULL, 1, -1, (void **)&node);
		if (err) {
			fprintf(stderr, "child: alloc: %s\n", strerror(-err));
			return 1;
		}
		node->value = (long)i * i;
		node->next = NULL;
		if (prev)
			prev->next = node;
		prev = node;
		msg = (struct node_msg){ .index = i, .node = node, .value = node->value };
		err = arena_ringbuf__output(ring_fd, &msg, sizeof(msg), 0);
		if (err) {
			fprintf(stderr, "child: ring output: %s\n", strerror(-err));
			return 1;
		}
	}
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct seen *seen = ctx;
	struct node_msg msg;

	if (size != sizeof(msg) || seen->count >= NR_NODES) {
		seen->bad++;
		return 0;
	}
	memcpy(&msg, data, sizeof(msg));
	printf("ring:   node %d at %p value %ld\n", msg.index, (void *)msg.node,
	       msg.value);
	seen->bad += msg.index != seen->count;
	seen->msg[seen->count++] = msg;
	return 0;
}

/* Polls the ring until all nodes are in, for 5 s at most. */
static void consume(struct arena_ring_buffer *rb, struct seen *seen)
{
	time_t deadline = time(NULL) + 5;
	int err;

	while (seen->count < NR_NODES && time(NULL) < deadline) {
		err = arena_ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "poll: %s\n", strerror(-err));
			return;
		}
	}
}

/* Walks the list the child built; the number of nodes that matched. */
static int walk(const struct seen *seen)
{
	const struct node *node = seen->count ? seen->msg[0].node : NULL;
	int i = 0;

	printf("parent: walking the child's list:");
	for (; node && i < NR_NODES; node = node->next, i++) {
		if (node != seen->msg[i].node || node->value != seen->msg[i].value)
			break;
		printf(" %ld", node->value);
	}
	printf("%s\n", node ? " ... mismatch" : "");
	return node ? -1 : i;
}

static int child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	struct arena_ring_buffer *rb = NULL;
	struct arena_map *arena = NULL;
	struct arena_dev *dev = NULL;
	struct arena_info info = { .size = 0 };
	struct seen seen = { .count = 0 };
	int ring_fd = -1, status, nodes, err;
	void *base;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	err = arena_dev__open(NULL, &dev);
	if (!err)
		err = arena_dev__arena_create(dev, ARENA_PAGES, NULL, &arena);
	if (!err)
		err = arena_map__mmap(arena, &base);
	if (!err)
		err = arena_dev__ringbuf_create(dev, RING_BYTES, NULL, &ring_fd);
	if (err) {
		fprintf(stderr, "arena-demo: %s\n", strerror(-err));
		return 1;
	}
	rb = arena_ring_buffer__new(ring_fd, on_record, &seen, NULL);
	if (!rb) {
		fprintf(stderr, "arena-demo: ring consumer: %s\n", strerror(errno));
		return 1;
	}
	printf("arena:  %d pages at %p, ring of %d bytes\n", ARENA_PAGES, base,
	       RING_BYTES);

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_build(arena, ring_fd));
	if (pid < 0) {
		perror("arena-demo: fork");
		return 1;
	}
	printf("child:  pid %d builds %d nodes in the arena\n", (int)pid, NR_NODES);
	consume(rb, &seen);
	status = child_status(pid);
	nodes = walk(&seen);
	err = arena_map__info(arena, &info);
	if (!err)
		printf("arena:  %llu of %llu pages in use\n",
		       (unsigned long long)info.pages_in_use,
		       (unsigned long long)info.nr_pages);

	err = status || err || seen.bad || seen.count != NR_NODES ||
	      nodes != NR_NODES || info.pages_in_use != NR_NODES;
	printf("%s\n", err ? "arena-demo: FAILED" : "arena-demo: the parent saw every node the child made");
	arena_ring_buffer__free(rb);
	close(ring_fd);
	arena_map__close(arena);
	arena_dev__close(dev);
	return err;
}
