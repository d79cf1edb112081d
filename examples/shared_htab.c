// SPDX-License-Identifier: GPL-2.0
/*
 * shared-htab: a hash table in an arena, shared by two processes.
 *
 * The parent loads the object and has a program create an empty table.
 * It then forks: the child inherits the arena's mapping (at the same
 * address, as every mapping of an arena is) and the programs' fds.  The
 * child is the writer: it inserts keys by running table_insert, and after
 * each one tells the parent the key through a pipe.  The parent is the
 * reader: it looks each key up natively, in its own mapping, with the
 * same htab_lookup_elem() the programs use, and checks the value the
 * child's insert stored.  Nothing is copied between the processes but
 * key numbers: the table itself is shared memory.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The table's layout and htab_lookup_elem(), as programs see them. */
#include "bpf_arena_htab.h"
#include "example.h"
#include "shared_htab.h"

#define NR_KEYS		100
/* Keys the transcript shows; the others are checked quietly. */
#define SHOWN_KEYS	3

/* Not 0: the table's lookup says 0 for a key it does not hold. */
static int value_of(int key)
{
	return key * key + 1;
}

/* The child: inserts the keys, writes each to the pipe; its exit status. */
static int writer(struct example *ex, int pipe_out)
{
	struct insert_args args;
	int key;

	for (key = 1; key <= NR_KEYS; key++) {
		args = (struct insert_args){ .key = key, .value = value_of(key) };
		if (!example_check(ex, example_run(ex, "table_insert", &args, sizeof(args)) == 0,
				   "table_insert of key %d failed", key))
			break;
		if (!example_check(ex, write(pipe_out, &key, sizeof(key)) == sizeof(key),
				   "writing to the pipe failed"))
			break;
	}
	printf("child %d: inserted keys 1..%d through program table_insert\n", (int)getpid(),
	       key - 1);
	return ex->failed ? 1 : 0;
}

/* The parent: looks up each key the child reports; how many it got. */
static int reader(struct example *ex, struct htab *table, int pipe_in)
{
	int key, value, seen = 0;

	while (read(pipe_in, &key, sizeof(key)) == sizeof(key)) {
		value = htab_lookup_elem(table, key);
		if (seen < SHOWN_KEYS || key == NR_KEYS)
			printf("parent %d: key %d -> %d, looked up natively\n", (int)getpid(),
			       key, value);
		example_check(ex, value == value_of(key), "key %d holds %d, not %d", key, value,
			      value_of(key));
		seen++;
	}
	return seen;
}

int main(void)
{
	struct arena_program *insert;
	struct htab **table;
	struct example ex;
	int pipe_fds[2], seen, status, absent;
	pid_t pid;

	if (example_open(&ex, "shared-htab", EXAMPLE_OBJECT(shared_htab_bpf)))
		return example_finish(&ex);
	/* table_insert reads its arguments from its context: say how big it is. */
	insert = arena_object__find_program_by_name(ex.obj, "table_insert");
	example_check(&ex, insert && arena_program__set_ctx_size(insert,
								 sizeof(struct insert_args)) == 0,
		      "setting table_insert's context size failed");
	if (ex.failed || example_load(&ex))
		return example_finish(&ex);
	table = example_global(&ex, "table");
	if (!table || !example_check(&ex, example_run(&ex, "table_create", NULL, 0) == 0,
				     "table_create failed"))
		return example_finish(&ex);
	printf("parent %d: program table_create made an empty table at %p\n", (int)getpid(),
	       (void *)*table);

	if (!example_check(&ex, pipe(pipe_fds) == 0, "pipe failed"))
		return example_finish(&ex);
	pid = fork();
	if (pid == 0) {
		close(pipe_fds[0]);
		_exit(writer(&ex, pipe_fds[1]));
	}
	close(pipe_fds[1]);
	if (!example_check(&ex, pid > 0, "fork failed"))
		return example_finish(&ex);

	seen = reader(&ex, *table, pipe_fds[0]);
	close(pipe_fds[0]);
	example_check(&ex, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			   WEXITSTATUS(status) == 0, "the child failed");
	example_check(&ex, seen == NR_KEYS, "the child reported %d keys, not %d", seen, NR_KEYS);
	absent = htab_lookup_elem(*table, NR_KEYS + 1);
	printf("parent %d: key %d -> %d, never inserted\n", (int)getpid(), NR_KEYS + 1, absent);
	example_check(&ex, absent == 0, "key %d, never inserted, holds %d", NR_KEYS + 1, absent);
	return example_finish(&ex);
}
