/* checkpoint.h — ferry's state in the target database (schema "_ferry"):
 * jobs, their chunks (boundaries fixed at the first run, done flags set in
 * the same transaction as the chunk's rows), finished schema steps,
 * rejected rows (recorded with their chunk's checkpoint, so a resumed run
 * neither loses nor repeats them), and which process holds each job's lock
 * (owners, see joblock.h). Passwords are never stored: source and
 * target are kept in their display forms. Table names and statement forms
 * come from the target's dialect (drivers/dialect.h): schema _ferry on
 * PostgreSQL, tables _ferry_* on SQLite and MySQL. */
#ifndef FERRY_CHECKPOINT_H
#define FERRY_CHECKPOINT_H

#include <stdio.h>
#include "plan.h"

typedef struct job_info {
    int   found;
    int   finished;
    char  fingerprint[32];
    char  status[32];
    char *plan_desc;       /* what the fingerprint covers (engine/jobdesc.h); NULL
                            * for jobs made by a ferry that did not store it */
} job_info;

/* state_init — create the state tables when missing, and add to a jobs
 * table made by an older ferry the columns it lacks. */
int state_init(ferry_conn *t, ferry_err *e);
/* state_load_job — the job's row into out (out->found 0 when none); free
 * with job_info_free. */
int state_load_job(ferry_conn *t, const char *job_id, job_info *out, ferry_err *e);
void job_info_free(job_info *j);
/* state_create_job — insert the job and all of p's chunks in one
 * transaction. plan_desc: what the fingerprint covers (jobdesc_build);
 * command: how to resume it (JSON, see docs/status.md); both may be NULL. */
int state_create_job(ferry_conn *t, const char *job_id, const char *source,
                     const char *target, const char *fingerprint, const char *options,
                     const char *plan_desc, const char *command,
                     const ferry_plan *p, ferry_err *e);
/* state_load_chunks — the job's stored chunks into p (p->chunks must be
 * empty), with done flags; tables matched by target name. */
int state_load_chunks(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e);
/* state_load_steps — set done on p's steps recorded as finished. */
int state_load_steps(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e);
/* state_mark_chunk / state_mark_step / state_add_reject — inside the
 * caller's open transaction. */
int state_mark_chunk(ferry_conn *t, const char *job_id, int chunk_id, int64_t rows,
                     int64_t rejected, int64_t bytes, const char *run, ferry_err *e);
int state_mark_step(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e);
int state_add_reject(ferry_conn *t, const char *job_id, int chunk_id, const char *table,
                     int64_t key, const char *column, const char *reason,
                     const char *row_json, ferry_err *e);
int state_finish_job(ferry_conn *t, const char *job_id, const char *status, ferry_err *e);
/* state_delete_job — forget a job (--restart); returns the names of the
 * tables it had created in *created (malloc'd array of malloc'd strings). */
int state_delete_job(ferry_conn *t, const char *job_id, char ***created, int *ncreated,
                     ferry_err *e);
/* state_write_rejects — all of the job's rejects as NDJSON lines into f;
 * *count gets how many. */
int state_write_rejects(ferry_conn *t, const char *job_id, FILE *f, int64_t *count,
                        ferry_err *e);
/* state_table_exists — 1 if schema.table exists, 0 if not, -1 on error. */
int state_table_exists(ferry_conn *t, const char *schema, const char *table, ferry_err *e);

/* The ferry process holding a job's lock, as it recorded itself in the
 * owners table right after taking the lock (engine/joblock.h). */
typedef struct state_owner {
    int       found;
    long long pid;
    char      host[256];
    char      lock_session[64];   /* the lock's holder as the target names it */
    char      since[64];          /* when it took the lock (target's time, UTC) */
} state_owner;

/* state_set_owner — record this process as the holder of job_id's lock. */
int state_set_owner(ferry_conn *t, const char *job_id, long long pid, const char *host,
                    const char *lock_session, ferry_err *e);
/* state_load_owner — the recorded holder (out->found 0 when none, also when
 * the target has no state at all). */
int state_load_owner(ferry_conn *t, const char *job_id, state_owner *out, ferry_err *e);

/* One job as `ferry status` lists it. Times are the target's text (UTC). */
typedef struct state_job {
    char   *job_id, *source, *target, *status;
    char   *started_at, *updated_at, *finished_at;
    char   *options;              /* JSON (copy.c options_json) or NULL */
    char   *command;              /* resume command JSON, NULL for older jobs */
    char   *plan_desc;            /* NULL for older jobs */
    int64_t chunks_total, chunks_done, rows, rejected, chunk_rejected;
    char   *last_chunk_at, *last_step_at;    /* latest commit times, NULL if none */
    state_owner owner;
} state_job;

/* state_list_jobs — every job recorded in the target, oldest first, with
 * chunk totals, rejects and the recorded lock owner. Read-only; *n = 0
 * when the target has no ferry state; works on state tables made by older
 * versions (the columns they lack read as NULL). */
int state_list_jobs(ferry_conn *t, state_job **jobs, int *n, ferry_err *e);
void state_jobs_free(state_job *jobs, int n);

/* state_ops — the same functions for a target that keeps its state
 * outside SQL (a dump: in its manifest, drivers/dump_state.c). A driver
 * that sets ferry_driver.state gets every state_* call above routed here;
 * all members must be set. "In the caller's open transaction" means, for
 * such a target, "recorded when the connection commits". */
typedef struct state_ops {
    int (*init)(ferry_conn *t, ferry_err *e);
    int (*load_job)(ferry_conn *t, const char *job_id, job_info *out, ferry_err *e);
    int (*create_job)(ferry_conn *t, const char *job_id, const char *source, const char *target,
                      const char *fingerprint, const char *options, const char *plan_desc,
                      const char *command, const ferry_plan *p, ferry_err *e);
    int (*load_chunks)(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e);
    int (*load_steps)(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e);
    int (*mark_chunk)(ferry_conn *t, const char *job_id, int chunk_id, int64_t rows,
                      int64_t rejected, int64_t bytes, const char *run, ferry_err *e);
    int (*mark_step)(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e);
    int (*add_reject)(ferry_conn *t, const char *job_id, int chunk_id, const char *table,
                      int64_t key, const char *column, const char *reason, const char *row_json,
                      ferry_err *e);
    int (*finish_job)(ferry_conn *t, const char *job_id, const char *status, ferry_err *e);
    int (*delete_job)(ferry_conn *t, const char *job_id, char ***created, int *ncreated,
                      ferry_err *e);
    int (*write_rejects)(ferry_conn *t, const char *job_id, FILE *f, int64_t *count, ferry_err *e);
    int (*table_exists)(ferry_conn *t, const char *schema, const char *table, ferry_err *e);
    int (*set_owner)(ferry_conn *t, const char *job_id, long long pid, const char *host,
                     const char *lock_session, ferry_err *e);
    int (*load_owner)(ferry_conn *t, const char *job_id, state_owner *out, ferry_err *e);
    int (*list_jobs)(ferry_conn *t, state_job **jobs, int *n, ferry_err *e);
} state_ops;

#endif
