/* joblock.h — one ferry process per job: a lock the target releases by
 * itself when its holder dies, so that a kill -9 never leaves a stale lock.
 *
 *   PostgreSQL  pg_try_advisory_lock(key) on a connection of its own, held
 *               for the run (key: the job id's 64 bits)
 *   MySQL       GET_LOCK('ferry-<job id>', 0) on a connection of its own
 *               (session-level: released on disconnect)
 *   SQLite      an fcntl() write lock on one byte (from the job id) of the
 *               file "<database>.ferry-lock" next to the database (released
 *               by the kernel when the process ends)
 *
 * The holder's "lock session" (PostgreSQL backend pid, MySQL connection id,
 * SQLite: the process id) is what the target itself reports about the
 * lock; the holder records it with its pid and host in the owners table
 * (checkpoint.h), and a second process trusts that record only when the
 * sessions match. See docs/resume.md, "Two processes on one job". */
#ifndef FERRY_JOBLOCK_H
#define FERRY_JOBLOCK_H

#include <stddef.h>
#include "url.h"
#include "../drivers/driver.h"

typedef struct job_lock {
    ferry_engine engine;
    ferry_conn  *conn;          /* PostgreSQL/MySQL: the connection holding it */
    int          fd;            /* SQLite: the lock file, -1 when none */
    char         session[64];   /* our lock session (see above) */
    int          held;
} job_lock;

/* joblock_acquire — take job_id's lock on the target u without waiting.
 * Returns 0 when held (l->session set), 1 when another process holds it
 * (its lock session in holder, "" when the target cannot say), -1 on
 * error with e set. */
int  joblock_acquire(job_lock *l, const ferry_url *u, const char *job_id,
                     char *holder, size_t n, ferry_err *e);
/* joblock_release — let go (closing the connection / file). NULL-safe,
 * idempotent; a zeroed job_lock with fd -1 is fine too. */
void joblock_release(job_lock *l);
/* joblock_holder — who holds job_id's lock now, never taking it: 1 with
 * the holder's lock session in buf, 0 when nobody, -1 on error. t: an open
 * connection to the target (unused for SQLite). */
int  joblock_holder(ferry_conn *t, const ferry_url *u, const char *job_id,
                    char *buf, size_t n, ferry_err *e);
/* joblock_path — SQLite: the lock file's name for database path (caller
 * frees); NULL for a database without a file. */
char *joblock_path(const char *db_path);

#endif
