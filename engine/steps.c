/* steps.c — running the plan's schema steps (tables, keys, indexes, foreign
 * keys, checks, sequences, views) on the target, each step together with its
 * checkpoint row in one transaction, several steps in parallel on the
 * writers' connections. A finished step is never repeated by a resumed run;
 * an unfinished one is never skipped. Optional steps (views, expression or
 * partial indexes, checks) that the target refuses are reported as skipped
 * with the server's reason and the source text. A step whose connection is
 * lost is redone on the same connection reconnected (retry.h): after
 * reconnecting, the state says whether it committed after all; if not it
 * runs again by step_exec's rules (on targets whose DDL is not
 * transactional, what a half-done step may have left is undone first). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "run.h"
#include "checkpoint.h"
#include "retry.h"
#include "../drivers/dialect.h"

typedef struct step_pool {
    run_ctx         *rc;
    const step_kind *kinds;
    int              nkinds;
    int              next;
    int              retry_views;   /* views may depend on views: loop until no progress */
    int              progress_made;
    pthread_mutex_t  mu;
} step_pool;

typedef struct step_worker { step_pool *pool; ferry_conn *conn; } step_worker;

static int kind_wanted(const step_pool *sp, step_kind k)
{
    for (int i = 0; i < sp->nkinds; i++) if (sp->kinds[i] == k) return 1;
    return 0;
}

static int claim_step(step_pool *sp)
{
    int found = -1;
    pthread_mutex_lock(&sp->mu);
    while (sp->next < sp->rc->plan->nsteps) {
        int i = sp->next++;
        plan_step *s = &sp->rc->plan->steps[i];
        if (!s->done && kind_wanted(sp, s->kind)) { found = i; break; }
    }
    pthread_mutex_unlock(&sp->mu);
    return found;
}

/* step_exec_once — the step and its checkpoint. Where DDL is
 * transactional: BEGIN; sql; checkpoint; COMMIT — all or nothing. Where it
 * is not (MySQL commits every DDL statement by itself): record
 * "begun:<id>", undo what a killed run may have left half done (when
 * allow_undo), run the statement, record the step — so a rerun neither
 * repeats a finished step nor trips over a half one. */
static int step_exec_once(run_ctx *rc, ferry_conn *c, plan_step *s, const char *sql,
                          int allow_undo, ferry_err *e)
{
    if (c->drv->dialect->transactional_ddl) {
        if (drv_begin(c, e)) return -1;
        if (drv_exec(c, sql, e) || state_mark_step(c, rc->job_id, s->id, e) || drv_commit(c, e)) {
            drv_rollback(c);
            return -1;
        }
        return 0;
    }
    char *begun = xasprintf("begun:%s", s->id);
    int status = state_mark_step(c, rc->job_id, begun, e);
    free(begun);
    if (status) return -1;
    if (allow_undo && s->begun && s->undo_sql) {
        ferry_err ignored = {0};
        drv_exec(c, s->undo_sql, &ignored);   /* best effort: it may not exist */
    }
    s->begun = 1;
    if (drv_exec(c, sql, e) || state_mark_step(c, rc->job_id, s->id, e)) return -1;
    return 0;
}

/* step_exec — step_exec_once, redone after a lost connection: reconnect c
 * in place (backoff, --retries), ask the state whether the step committed
 * after all, and if not run it again. The undo of a half-done step runs
 * again only for the step's own statement: what --if-exists made of a table
 * step (TRUNCATE, keeping the rows) must not be undone by dropping the
 * table. After the retries are spent e ends with the resumable line. */
int step_exec(run_ctx *rc, ferry_conn *c, plan_step *s, const char *sql, ferry_err *e)
{
    int attempts = 0;
    retry_where w = {s->table >= 0 && s->table < rc->plan->ntables ? rc->plan->tables[s->table].name
                                                                   : NULL, -1, s->id};
    if (step_exec_once(rc, c, s, sql, 1, e) == 0) return 0;
    while (retry_lost(e) && e->side == SIDE_TARGET && !ferry_stop_requested) {
        if (c->drv->dialect->transactional_ddl) drv_rollback(c);
        if (retry_recover(rc, c, rc->target_url, &w, &attempts, e)) {
            if (e->code != FERRY_E_INTERRUPTED) retry_give_up(rc, e, attempts);
            return -1;
        }
        int done = retry_step_recorded(c, rc->job_id, s->id, e);
        if (done < 0) continue;                 /* lost again: next attempt, else give up */
        if (done) {
            retry_note(rc, SIDE_TARGET, &w, attempts, "the step had committed");
            return 0;
        }
        retry_note(rc, SIDE_TARGET, &w, attempts, "the step was run again");
        if (step_exec_once(rc, c, s, sql, s->sql && strcmp(sql, s->sql) == 0, e) == 0) return 0;
    }
    return -1;
}

static void step_warning_event(run_ctx *rc, const plan_step *s, const char *message)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "object", s->name);
    cJSON_AddStringToObject(f, "kind", step_kind_name(s->kind));
    cJSON_AddStringToObject(f, "message", message);
    progress_event(rc->pr, "warning", f);
    progress_say(rc->pr, "warning: %s %s: %s", step_kind_name(s->kind), s->name, message);
}

static int found_row(void *ctx, int ncols, const char *const *vals, ferry_err *e)
{
    (void)ncols; (void)vals; (void)e;
    *(int *)ctx = 1;
    return 0;
}

/* fk_fast — a MySQL foreign key: with foreign_key_checks on, adding it
 * copies the whole table; off, it is added in place. Existing rows are
 * checked first with one anti-join instead: when some violate the key it is
 * still created (enforced for new rows, like PostgreSQL's NOT VALID) and
 * the rows are reported. Returns 0, or -1 with e set. */
static int fk_fast(run_ctx *rc, ferry_conn *c, plan_step *s, ferry_err *e)
{
    int orphans = 0, r;
    ferry_err ignored = {0};
    if (c->drv->query(c, s->orphan_sql, 0, NULL, found_row, &orphans, e)) return -1;
    drv_exec(c, "SET SESSION foreign_key_checks = 0", &ignored);
    r = step_exec(rc, c, s, s->sql, e);
    drv_exec(c, "SET SESSION foreign_key_checks = 1", &ignored);
    if (r == 0 && orphans) {
        const char *msg = "existing rows violate this foreign key (a child row's key has no "
                          "parent row); it was created without checking them: enforced for new "
                          "rows; find the rows with the key's columns LEFT JOIN the parent, fix "
                          "them";
        pthread_mutex_lock(&rc->notes_mu);
        plan_warn(rc->plan, "fk", s->name, s->src_text, "%s", msg);
        pthread_mutex_unlock(&rc->notes_mu);
        step_warning_event(rc, s, msg);
    }
    return r;
}

/* run_step — one step; returns 0 done, 1 skipped (optional), -1 fatal. */
static int run_step(step_pool *sp, ferry_conn *c, plan_step *s)
{
    run_ctx *rc = sp->rc;
    ferry_err e = {0};
    if (s->kind == STEP_FK && s->orphan_sql && c->drv->query) {
        if (fk_fast(rc, c, s, &e) == 0) { s->done = 1; return 0; }
    } else if (step_exec(rc, c, s, s->sql, &e) == 0) { s->done = 1; return 0; }
    if (e.code == FERRY_E_LOST || e.code == FERRY_E_INTERRUPTED) {
        /* The connection is gone for good (retries spent) or a stop was
         * asked: never "skipped", the step stays to do for the rerun. */
        ferry_err_prefix(&e, "%s %s: ", step_kind_name(s->kind), s->name);
        run_fail(rc, &e);
        return -1;
    }

    if (s->kind == STEP_FK && c->drv->dialect->fk_not_valid && strcmp(e.sqlstate, "23503") == 0) {
        /* The source's rows already violate the key (SQLite does not enforce
         * foreign keys unless asked). Create it NOT VALID: enforced for new
         * rows, existing ones reported, nothing dropped silently. */
        char *sql = xasprintf("%s NOT VALID", s->sql);
        ferry_err e2 = {0};
        int rc2 = step_exec(rc, c, s, sql, &e2);
        free(sql);
        if (rc2 == 0) {
            char msg[1400];
            snprintf(msg, sizeof msg, "existing rows violate this foreign key (%s); created NOT "
                     "VALID: enforced for new rows; fix the rows, then ALTER TABLE ... VALIDATE "
                     "CONSTRAINT", e.msg);
            pthread_mutex_lock(&rc->notes_mu);
            plan_warn(rc->plan, "fk", s->name, s->src_text, "%s", msg);
            pthread_mutex_unlock(&rc->notes_mu);
            step_warning_event(rc, s, msg);
            s->done = 1;
            return 0;
        }
        e = e2;
    }
    if (s->optional) {
        if (sp->retry_views) return 1;   /* decided after the last pass */
        pthread_mutex_lock(&rc->notes_mu);
        plan_skip(rc->plan, step_kind_name(s->kind), s->name, s->src_text,
                  "not created: the target refused it: %s", e.msg);
        pthread_mutex_unlock(&rc->notes_mu);
        step_warning_event(rc, s, e.msg);
        return 1;
    }
    ferry_err_prefix(&e, "%s %s: ", step_kind_name(s->kind), s->name);
    run_fail(rc, &e);
    return -1;
}

static void *step_worker_main(void *arg)
{
    step_worker *w = arg;
    int i;
    while (!ferry_stop_requested && (i = claim_step(w->pool)) >= 0) {
        pthread_mutex_lock(&w->pool->rc->notes_mu);
        int failed = w->pool->rc->failed;
        pthread_mutex_unlock(&w->pool->rc->notes_mu);
        if (failed) break;
        int r = run_step(w->pool, w->conn, &w->pool->rc->plan->steps[i]);
        if (r == 0) {
            pthread_mutex_lock(&w->pool->mu);
            w->pool->progress_made = 1;
            pthread_mutex_unlock(&w->pool->mu);
        }
        if (r < 0) break;
    }
    return NULL;
}

/* steps_end — the end of a step phase: a stop request becomes the run's
 * error; else the main connection (conns[0], which copy.c goes on using)
 * is checked and reconnected if it was lost meanwhile. */
static int steps_end(run_ctx *rc, ferry_conn *main_conn)
{
    ferry_err e = {0};
    if (ferry_stop_requested && !rc->failed) {
        ferry_err_set(&e, FERRY_E_INTERRUPTED, "interrupted");
        run_fail(rc, &e);
    }
    if (!rc->failed && retry_check_conn(rc, main_conn, &e)) run_fail(rc, &e);
    return rc->failed ? -1 : 0;
}

int steps_run(run_ctx *rc, ferry_conn **conns, int nconns, const step_kind *kinds, int nkinds,
              const char *phase)
{
    step_pool sp = {rc, kinds, nkinds, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER};
    int pending = 0;
    for (int i = 0; i < rc->plan->nsteps; i++)
        if (!rc->plan->steps[i].done && kind_wanted(&sp, rc->plan->steps[i].kind)) pending++;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "phase", phase);
    cJSON_AddNumberToObject(f, "steps", pending);
    progress_event(rc->pr, "phase", f);
    if (!pending) return 0;

    int views_only = nkinds == 1 && kinds[0] == STEP_VIEW;
    if (views_only) {
        /* One connection, passes until nothing more succeeds: a view may
         * depend on a view created later in the list. */
        sp.retry_views = 1;
        do {
            sp.next = 0;
            sp.progress_made = 0;
            step_worker w = {&sp, conns[0]};
            step_worker_main(&w);
        } while (sp.progress_made && !rc->failed);
        sp.retry_views = 0;
        sp.next = 0;
        step_worker w = {&sp, conns[0]};
        step_worker_main(&w);   /* the last pass reports what is left as skipped */
        return steps_end(rc, conns[0]);
    }

    if (nconns > pending) nconns = pending;
    pthread_t *th = xcalloc((size_t)nconns, sizeof(pthread_t));
    step_worker *w = xcalloc((size_t)nconns, sizeof(step_worker));
    for (int i = 0; i < nconns; i++) {
        w[i] = (step_worker){&sp, conns[i]};
        pthread_create(&th[i], NULL, step_worker_main, &w[i]);
    }
    for (int i = 0; i < nconns; i++) pthread_join(th[i], NULL);
    free(th);
    free(w);
    pthread_mutex_destroy(&sp.mu);
    return steps_end(rc, conns[0]);
}
