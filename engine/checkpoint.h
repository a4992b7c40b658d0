/* checkpoint.h — ferry's state in the target database (schema "_ferry"):
 * jobs, their chunks (boundaries fixed at the first run, done flags set in
 * the same transaction as the chunk's rows), finished schema steps, and
 * rejected rows (recorded with their chunk's checkpoint, so a resumed run
 * neither loses nor repeats them). Passwords are never stored: source and
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
} job_info;

int state_init(ferry_conn *t, ferry_err *e);
int state_load_job(ferry_conn *t, const char *job_id, job_info *out, ferry_err *e);
/* state_create_job — insert the job and all of p's chunks in one transaction. */
int state_create_job(ferry_conn *t, const char *job_id, const char *source,
                     const char *target, const char *fingerprint, const char *options,
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

#endif
