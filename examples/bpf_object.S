/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF object file carried inside an example's executable, as bpftool's
 * skeletons carry theirs, so that the example runs from anywhere with no
 * path to look its object up by.  The Makefile assembles this once per
 * example, with OBJECT_FILE (the .bpf.o's path, as a string) and
 * OBJECT_SYMBOL (linked_list_bpf for linked_list.bpf.o) defined; the
 * example finds the bytes between OBJECT_SYMBOL and OBJECT_SYMBOL_end
 * (see EXAMPLE_OBJECT() in example.h).
 */
#define CONCAT_EXPANDED(a, b)	a##b
#define CONCAT(a, b)		CONCAT_EXPANDED(a, b)

	.section .rodata, "a"
	.balign 8
	.globl OBJECT_SYMBOL, CONCAT(OBJECT_SYMBOL, _end)
OBJECT_SYMBOL:
	.incbin OBJECT_FILE
CONCAT(OBJECT_SYMBOL, _end):

	/* Data only: the executable's stack need not be executable. */
	.section .note.GNU-stack, "", %progbits
