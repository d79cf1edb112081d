// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl KIND list`: every object of a kind that this user may see,
 * found by walking /proc/PID/fd for the names the module gives its files
 * ("arena_kmod:[arena]", "[ringbuf]", ...: see module/objfs.c), and described by the lines
 * the module adds to /proc/PID/fdinfo/FD.  Processes that vanish or that
 * this user may not look at are skipped, as lsof does.
 */
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arenactl.h"
#include "json.h"

static void list_comm(int pid, char *comm, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/comm", proc_root(), pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* A value of fdinfo: a number in JSON when it is a decimal one. */
static void list_json_value(const char *val)
{
	uint64_t n;

	if (isdigit((unsigned char)val[0]) && !parse_u64(val, &n) &&
	    strncmp(val, "0x", 2))
		json_u64(n);
	else
		json_string(val);
}

static void list_row(int pid, int fd, const char *const *keys, bool json)
{
	char comm[64], val[128];
	size_t i;

	list_comm(pid, comm, sizeof(comm));
	if (json) {
		json_object_begin();
		json_key("pid");
		json_u64(pid);
		json_key("fd");
		json_u64(fd);
		json_key("comm");
		json_string(comm);
	} else {
		printf("pid %d fd %d comm %s", pid, fd, comm);
	}
	for (i = 0; keys[i]; i++) {
		if (fdinfo_get(pid, fd, keys[i], val, sizeof(val)))
			continue;
		if (json) {
			json_key(keys[i]);
			list_json_value(val);
		} else {
			printf(" %s %s", keys[i], val);
		}
	}
	if (json)
		json_object_end();
	else
		putchar('\n');
}

static void list_process(int pid, const char *link_name, const char *const *keys,
			 bool json)
{
	char path[512], target[256];
	struct dirent *de;
	ssize_t n;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%d/fd", proc_root(), pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%d/fd/%s", proc_root(), pid, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, link_name))
			list_row(pid, atoi(de->d_name), keys, json);
	}
	closedir(dir);
}

static int list_pid_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The pids under /proc, sorted, so that listings come in a stable order. */
static int *list_pids(size_t *np)
{
	size_t n = 0, cap = 0;
	int *pids = NULL, *p;
	struct dirent *de;
	DIR *dir;

	dir = opendir(proc_root());
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			p = realloc(pids, cap * sizeof(*pids));
			if (!p)
				break;
			pids = p;
		}
		pids[n++] = atoi(de->d_name);
	}
	closedir(dir);
	qsort(pids, n, sizeof(*pids), list_pid_cmp);
	*np = n;
	return pids;
}

int obj_list(const char *kind, const char *const *keys, bool json)
{
	char link_name[64];
	size_t i, n = 0;
	int *pids;

	snprintf(link_name, sizeof(link_name), "arena_kmod:[%s]", kind);
	pids = list_pids(&n);
	if (!pids && n)
		return fail("list", proc_root(), -ENOMEM);
	if (json)
		json_array_begin();
	for (i = 0; i < n; i++)
		list_process(pids[i], link_name, keys, json);
	if (json) {
		json_array_end();
		putchar('\n');
	}
	free(pids);
	return 0;
}

int obj_list_verb(const char *verb_kind, const char *kind, const char *const *keys,
		  int argc, char **argv)
{
	struct verb_opts vo;
	int err;

	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	if (optind < argc)
		return usage_error("%s list: unexpected argument '%s'", verb_kind,
				   argv[optind]);
	return obj_list(kind, keys, vo.json);
}
