/* retry.h — what a run does when it loses a connection (issue 4): back off,
 * reconnect the same connection object in place (drivers/reconnect.h), and
 * redo the unit of work that failed — a chunk, a schema step — a bounded
 * number of times (--retries, default 5; 0 = never). After that the run
 * fails with one line naming what failed and saying that the job is
 * resumable, with the exact command to rerun (passwords masked).
 *
 * DESIGN
 * - Only FERRY_E_LOST starts a retry: the drivers classify it (a broken
 *   connection, PostgreSQL SQLSTATE class 08 / 57P01-57P03, MySQL 2006,
 *   2013, 1927 ...). While reconnecting, FERRY_E_CONNECT (server not
 *   reachable yet, starting up, too many clients) is worth another attempt
 *   too; anything else (authentication, a dropped database) ends the retry.
 * - Attempt n waits retry_delay(n) = 0.5 s * 2^(n-1), at most 30 s, then
 *   reconnects. Each attempt emits a "retry" progress event (side, table,
 *   chunk or step, attempt, retries, delay_s, error) and a human line.
 * - Attempts are counted per unit of work (chunk per side, step), across
 *   reconnects: a chunk whose connection keeps dying is given up after
 *   --retries attempts, whichever writer or reader had it.
 * - A stop request (SIGINT/SIGTERM) ends the wait at once:
 *   FERRY_E_INTERRUPTED.
 * - Whether a unit of work committed when the connection died during its
 *   COMMIT is read back from ferry's state after reconnecting
 *   (retry_chunk_state, retry_step_recorded): a chunk is never written
 *   twice, a step never run twice. */
#ifndef FERRY_RETRY_H
#define FERRY_RETRY_H

#include "run.h"

/* ferry_command_set — remember the command line as typed, each argument
 * with its passwords masked (ferry_url_mask) and quoted for a POSIX shell
 * when needed; main() calls it once, before any thread starts. */
void ferry_command_set(int argc, char *const *argv);
/* ferry_command — that command ("ferry (the same command)" when never set). */
const char *ferry_command(void);

/* retry_lost — 1 when e says a connection was lost (FERRY_E_LOST). */
int retry_lost(const ferry_err *e);
/* retry_delay — seconds to wait before attempt n (1-based). */
double retry_delay(int attempt);

/* retry_where — what was being done, for events, messages and the report. */
typedef struct retry_where {
    const char *table;     /* target table name, or NULL */
    int         chunk;     /* chunk id, or -1 */
    const char *step;      /* step id, or NULL */
} retry_where;

/* retry_recover — e holds a lost connection of c: wait, reconnect c to u
 * in place, until it is connected again (0) or the budget of --retries
 * attempts counted in *attempt is spent, a stop was requested, or the
 * server refused in a way not worth retrying (-1, e set: the last error, or
 * FERRY_E_INTERRUPTED). A target connection, once reconnected, also runs
 * rc->relock when set (run.h); its failure is returned as is. On -1 other
 * than an interruption, the caller prefixes its context and calls
 * retry_give_up. */
int retry_recover(run_ctx *rc, ferry_conn *c, const ferry_url *u, const retry_where *w,
                  int *attempt, ferry_err *e);

/* retry_give_up — finish e's message (context already prefixed): how many
 * reconnect attempts were made and "the job is resumable: rerun <the exact
 * command>", clipping e's own text so that the command always fits (room is
 * left for a short prefix a caller may still add); e->code becomes
 * FERRY_E_LOST whatever the last reconnect attempt said (a FERRY_E_JOB
 * error from rc->relock is left as it is). Idempotent. */
void retry_give_up(run_ctx *rc, ferry_err *e, int attempts);

/* retry_note — record in the report's warnings that a unit of work was
 * redone after a lost connection (thread-safe). */
void retry_note(run_ctx *rc, ferry_side side, const retry_where *w, int attempts,
                const char *how);

/* retry_chunk_state — read chunk_id's checkpoint row from the target's
 * state: *done, and (when done) the rows, rejected rows and bytes it
 * recorded. 0, or -1 with e set. */
int retry_chunk_state(ferry_conn *t, const char *job_id, int chunk_id, int *done,
                      int64_t *rows, int64_t *rejected, int64_t *bytes, ferry_err *e);
/* retry_step_recorded — 1 when step_id is recorded as finished, 0 when
 * not, -1 with e set. */
int retry_step_recorded(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e);

/* retry_check_conn — after a phase: make sure c still has a session
 * (SELECT 1), reconnecting it when it was lost meanwhile, so the next phase
 * (or copy.c's own use of the main connection) does not start on a dead one.
 * SQLite connections are left alone. 0, or -1 with e set. */
int retry_check_conn(run_ctx *rc, ferry_conn *c, ferry_err *e);

#endif
