/* run.h — the state of one `ferry copy` run shared by its phases: the plan,
 * the connections' endpoints, per-table statistics, the first fatal error,
 * and the stop flag set by signals. Owned by copy.c; the pipeline and the
 * step runner borrow it. Counters are updated with atomics (many writers),
 * the plan's note lists under notes_mu. */
#ifndef FERRY_RUN_H
#define FERRY_RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include "plan.h"
#include "progress.h"
#include "convert.h"

typedef struct table_stats {
    int64_t rows_read;        /* read from the source this run */
    int64_t rows_written;     /* committed to the target this run */
    int64_t rows_rejected;    /* rejected this run */
    int64_t rows_before;      /* committed by earlier runs of the job */
    int64_t bytes;            /* bytes of converted data written this run */
    int     chunks_done;      /* committed (this run or earlier) */
    double  started, finished;/* monotonic seconds; 0 when not yet */
    int64_t *notes;           /* ncols * NOTE__COUNT representation changes */
} table_stats;

typedef struct run_ctx {
    ferry_plan          *plan;
    const ferry_options *opts;
    progress            *pr;
    const char          *job_id;
    const ferry_url     *target_url;
    ferry_conn          *src;             /* the main source connection (its snapshot) */
    ferry_conn         **srcs;            /* reader connections (srcs[0] == src), one per reader */
    int                  nsrcs;
    ferry_conn         **conns;           /* target connections, one per writer */
    int                  nconns;
    table_stats         *stats;           /* plan->ntables entries */
    pthread_mutex_t      notes_mu;        /* guards plan warnings/skipped and err */
    ferry_err            err;             /* first fatal error */
    int                  failed;
    int64_t              rejects_total;   /* this run, committed */
    int64_t              rejects_seen;    /* this run, as found (for --max-errors) */
    int                 *isolate;         /* chunk ids whose COPY the target refused */
    int                  nisolate;
    double               started;
    /* relock — set by the run's owner when the run keeps something in a
     * target session of its own (the job lock, joblock.h): called after
     * every successful reconnect of a target connection (retry.h), from
     * whichever thread reconnected (serialise inside), to check that
     * session and take back what a restarted server dropped. 0, or -1 with
     * e set: the run stops with that error, not retried (FERRY_E_JOB when
     * another process took the job meanwhile). NULL: nothing to do. */
    int                (*relock)(struct run_ctx *rc, ferry_err *e);
    void                *relock_ctx;
} run_ctx;

/* ferry_stop_requested — set by SIGINT/SIGTERM; phases stop taking work.
 * An atomic (lock-free, so async-signal-safe) because every thread reads it. */
extern atomic_int ferry_stop_requested;

/* run_fail — record the first fatal error (thread-safe). */
void run_fail(run_ctx *rc, const ferry_err *e);

/* pipeline_run — the data phase: readers on rc->srcs, opts->jobs writers
 * each with its own target connection, chunks not yet done. Then chunks the
 * target refused are redone row by row so only the bad rows are rejected.
 * A lost connection (FERRY_E_LOST) is reconnected in place and its chunk
 * redone, up to opts->retries attempts (retry.h; see FAULTS in pipeline.c);
 * the connections in rc->conns and rc->srcs stay the same objects.
 * Returns 0 or -1 (rc->err holds the error). */
int pipeline_run(run_ctx *rc);

/* steps_run — run the plan's not-yet-done steps of the given kinds on up to
 * nconns connections in parallel, each step with its checkpoint in one
 * transaction. Optional steps that fail are reported as skipped. */
int steps_run(run_ctx *rc, ferry_conn **conns, int nconns, const step_kind *kinds, int nkinds,
              const char *phase);

/* step_exec — run sql (a step's DDL, or what --if-exists made of it) with
 * the step's checkpoint, as atomically as the target allows; after a lost
 * connection, c is reconnected in place and the step redone unless the
 * state says it committed (up to opts->retries attempts, retry.h). */
int step_exec(run_ctx *rc, ferry_conn *c, plan_step *s, const char *sql, ferry_err *e);

/* report_build — the final JSON report of the run (caller frees with cJSON_Delete). */
struct cJSON *report_build(run_ctx *rc, const char *status, const char *source_display,
                           const char *target_display);
/* report_write — a JSON report to path, through path.tmp and a rename (a
 * reader never sees half a report). 0, or -1 with e set (FERRY_E_IO). */
int report_write(const char *path, const struct cJSON *report, ferry_err *e);

#endif
