// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_conformance_plugin: our engine for the bpf_conformance suite's own
 * runner (bpf_conformance_runner --plugin_path ... --plugin_options ...).
 *
 *	bpf_conformance_plugin [MEMORY-HEX] [--interp | --jit]
 *
 * stdin carries one line, the program's bytes as two hex digits each
 * separated by spaces; MEMORY-HEX, when the test has memory, is the same
 * encoding.  The program runs with r1 = a copy of the memory, r2 = its
 * length, r10 = the top of a 512-byte stack.  Prints r0 in hex and exits
 * 0, or prints the error on stderr and exits 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Hex bytes separated by white space into a malloc'ed buffer; -1: bad. */
static int plugin_hex_decode(const char *text, u8 **bytes, u32 *len)
{
	u32 cap = strlen(text) / 2 + 1, n = 0;
	u8 *buf = malloc(cap);
	const char *p = text;
	char *end;

	if (!buf)
		return -1;
	for (;;) {
		unsigned long v;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		v = strtoul(p, &end, 16);
		if (end - p != 2 || v > U8_MAX || n == cap) {
			free(buf);
			return -1;
		}
		buf[n++] = v;
		p = end;
	}
	*bytes = buf;
	*len = n;
	return 0;
}

static int plugin_fail(const char *fmt, const char *arg)
{
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

/* The program's line from stdin, malloc'ed. */
static char *plugin_read_line(void)
{
	size_t size = 0;
	char *line = NULL;

	if (getline(&line, &size, stdin) < 0) {
		free(line);
		return NULL;
	}
	return line;
}

static int plugin_run(const u8 *code, u32 code_len, const u8 *mem, u32 mem_len)
{
	struct bpf_insn *insns;
	char err[256] = "";
	u64 r0;
	int ret;

	if (!code_len || code_len % sizeof(*insns))
		return plugin_fail("%s", "stdin: the program is not whole instructions");
	insns = malloc(code_len);
	if (!insns)
		return plugin_fail("%s", "out of memory");
	memcpy(insns, code, code_len);
	ret = engine_run(insns, code_len / sizeof(*insns), mem, mem_len, &r0, err, sizeof(err));
	free(insns);
	if (ret)
		return plugin_fail("%s", err[0] ? err : "out of memory");
	printf("%" PRIx64 "\n", r0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mem_hex = NULL;
	u8 *code = NULL, *mem = NULL;
	u32 code_len, mem_len = 0;
	char *line;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--jit"))
			return plugin_fail("%s", "jit: not available on this build");
		if (!strncmp(argv[i], "--", 2) && strcmp(argv[i], "--interp"))
			return plugin_fail("unknown option %s", argv[i]);
		if (strncmp(argv[i], "--", 2)) {
			if (mem_hex)
				return plugin_fail("more than one memory argument: %s", argv[i]);
			mem_hex = argv[i];
		}
	}
	if (mem_hex && plugin_hex_decode(mem_hex, &mem, &mem_len))
		return plugin_fail("%s", "memory: not hex bytes separated by spaces");
	line = plugin_read_line();
	if (!line || plugin_hex_decode(line, &code, &code_len)) {
		free(line);
		free(mem);
		return plugin_fail("%s", "stdin: not one line of hex bytes separated by spaces");
	}
	free(line);
	ret = plugin_run(code, code_len, mem, mem_len);
	free(code);
	free(mem);
	return ret;
}
