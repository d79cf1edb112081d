/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs that the fake module (fake_module.h) receives, checked by the
 * module's own verifier and run by its interpreter, built for user space:
 * the loader's output really runs on the host.  Arrays are the fake's
 * memfds, mapped; an arena is the fake's memfd as the library mapped it
 * (fake_arena_create_backed()); rings are not supported (their programs
 * are refused with EOPNOTSUPP).
 */
#ifndef ARENA_FAKE_PROG_RUN_H
#define ARENA_FAKE_PROG_RUN_H

/* Hooks the verifier and interpreter into the fake module (started first). */
void fake_prog_run_start(void);
/* Releases every program and unhooks. */
void fake_prog_run_stop(void);
/* The verifier's log of the last program refused. */
const char *fake_prog_run_log(void);

#endif /* ARENA_FAKE_PROG_RUN_H */
