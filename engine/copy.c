/* copy.c — `ferry copy` and `ferry plan`: connect, introspect, plan, then
 * (copy only) find or create the job in the target's state, create tables,
 * run the data pipeline, the post-data steps, and write the report.
 *
 * DESIGN. The job's identity is a hash of what defines the work (source,
 * target without secrets, schema, table selection, options that change the
 * result); its plan fingerprint is stored with it. Running the same command
 * again finds the job: finished -> nothing to do; unfinished -> resume with
 * the stored chunk boundaries and finished steps, refusing if the plan no
 * longer matches (--restart starts over, dropping the tables the job had
 * created). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "copy.h"
#include "session.h"
#include "retry.h"
#include "verify.h"
#include "run.h"
#include "checkpoint.h"
#include "jobdesc.h"
#include "joblock.h"
#include "incr.h"
#include "sqlexpr.h"
#include "../drivers/dialect.h"

const char *if_exists_name(if_exists_policy p)
{
    switch (p) {
    case IF_EXISTS_DROP: return "drop";
    case IF_EXISTS_TRUNCATE: return "truncate";
    case IF_EXISTS_APPEND: return "append";
    default: return "fail";
    }
}

static void print_error(progress *pr, const ferry_err *e)
{
    if (pr) progress_error(pr, "error: %s", e->msg);
    else fprintf(stderr, "ferry: error: %s\n", e->msg);
}

int plan_command(const ferry_options *o)
{
    session s = {0};
    ferry_err e = {0};
    int rc = EXIT_OK;
    if (session_open(&s, o, &e) || plan_chunks(&s.plan, s.src, &e)) {
        print_error(NULL, &e);
        rc = ferry_exit_code(&e);
        goto out;
    }
    if (o->json) {
        cJSON *j = plan_to_json(&s.plan);
        cJSON_AddStringToObject(j, "source", s.su.display);
        cJSON_AddStringToObject(j, "target", s.tu.display);
        char *text = cJSON_Print(j);
        printf("%s\n", text);
        free(text);
        cJSON_Delete(j);
    } else {
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "-- source: %s\n-- target: %s\n", s.su.display, s.tu.display);
        plan_print_sql(&s.plan, &sb);
        fwrite(sb.buf, 1, sb.len, stdout);
        strbuf_free(&sb);
    }
out:
    session_free(&s);
    return rc;
}

/* plan_note_events — one "warning" event per decision the plan made that
 * the user should know about, and per object it will not create. */
static void plan_note_events(session *s)
{
    for (int pass = 0; pass < 2; pass++) {
        const plan_note *n = pass ? s->plan.skipped : s->plan.warnings;
        int count = pass ? s->plan.nskipped : s->plan.nwarnings;
        for (int i = 0; i < count; i++) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "object", n[i].object ? n[i].object : "");
            cJSON_AddStringToObject(f, "kind", n[i].kind);
            cJSON_AddStringToObject(f, "message", n[i].message);
            cJSON_AddBoolToObject(f, "skipped", pass == 1);
            if (n[i].text) cJSON_AddStringToObject(f, "text", n[i].text);
            progress_event(s->pr, "warning", f);
        }
    }
}

/* job_identity — the text whose hash names the job: what defines the work,
 * never a password, never options that only change speed (--jobs). */
static char *job_identity(const session *s, const ferry_options *o)
{
    strbuf sb = STRBUF_INIT;
    char real[PATH_MAX];
    const char *src = s->su.path && realpath(s->su.path, real) ? real : s->su.display;
    strbuf_addf(&sb, "v1\nsource=%s\ntarget=%s\nschema=%s\n", src, s->tu.display,
                o->target_schema ? o->target_schema : "public");
    for (int i = 0; i < o->ntables; i++) strbuf_addf(&sb, "table=%s\n", o->tables[i]);
    for (int i = 0; i < o->nexclude; i++) strbuf_addf(&sb, "exclude=%s\n", o->exclude[i]);
    strbuf_addf(&sb, "schema_only=%d\ndata_only=%d\nlower_case=%d\nwiden=%d\nif_exists=%s\n",
                o->schema_only, o->data_only, o->lower_case, o->widen, if_exists_name(o->if_exists));
    if (o->zero_dates_null) strbuf_adds(&sb, "zero_dates=null\n");
    if (s->map_text) strbuf_addf(&sb, "map=%016llx\n",
                                 (unsigned long long)fnv1a64(s->map_text, strlen(s->map_text), 0));
    return strbuf_detach(&sb);
}

static char *options_json(const ferry_options *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "target_schema", o->target_schema ? o->target_schema : "public");
    cJSON_AddNumberToObject(j, "chunk_rows", (double)o->chunk_rows);
    cJSON_AddStringToObject(j, "if_exists", if_exists_name(o->if_exists));
    cJSON_AddBoolToObject(j, "schema_only", o->schema_only);
    cJSON_AddBoolToObject(j, "data_only", o->data_only);
    cJSON_AddBoolToObject(j, "widen", o->widen);
    cJSON_AddBoolToObject(j, "lower_case", o->lower_case);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return text;
}

/* fk_violation_row — one row of PRAGMA foreign_key_check: table, rowid,
 * parent, fkid; counted per (table, parent). */
typedef struct fk_check { run_ctx *rc; char last[512]; int64_t n; } fk_check;

static void fk_check_flush(fk_check *fc)
{
    if (!fc->n) return;
    char msg[700];
    snprintf(msg, sizeof msg, "%lld existing row(s) of %s reference missing parent rows (SQLite "
             "does not check foreign keys on rows already there: the source had them too); "
             "inspect with PRAGMA foreign_key_check", (long long)fc->n, fc->last);
    plan_warn(fc->rc->plan, "fk", fc->last, NULL, "%s", msg);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "object", fc->last);
    cJSON_AddStringToObject(f, "kind", "fk");
    cJSON_AddStringToObject(f, "message", msg);
    progress_event(fc->rc->pr, "warning", f);
    progress_say(fc->rc->pr, "warning: %s", msg);
    fc->n = 0;
}

static int fk_violation_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    fk_check *fc = ctx;
    char key[512];
    (void)e;
    snprintf(key, sizeof key, "\"%s\" -> \"%s\"", ncols > 0 && v[0] ? v[0] : "?",
             ncols > 2 && v[2] ? v[2] : "?");
    if (strcmp(key, fc->last) != 0) { fk_check_flush(fc); snprintf(fc->last, sizeof fc->last, "%s", key); }
    fc->n++;
    return 0;
}

/* check_sqlite_fks — SQLite keeps foreign keys declared in CREATE TABLE but
 * does not check the rows loaded with enforcement off: check them once,
 * after the load, and report violations as warnings (the same rows violated
 * the key in the source; nothing is dropped). */
static int check_sqlite_fks(run_ctx *rc, ferry_conn *t, ferry_err *e)
{
    fk_check fc = {rc, "", 0};
    if (t->drv->query(t, "PRAGMA foreign_key_check", 0, NULL, fk_violation_row, &fc, e)) return -1;
    fk_check_flush(&fc);
    return 0;
}

/* open_readers — the source connections of the data phase. SQLite: the
 * one connection and its one read transaction (connections cannot share a
 * snapshot). PostgreSQL: up to min(--jobs, 4) readers, all importing the
 * first connection's exported snapshot, so they read one consistent state.
 * Engines that cannot share a snapshot (MySQL) give each reader its own
 * consistent snapshot, taken back to back (see the README). */
static int open_readers(session *s, const ferry_options *o, run_ctx *rc, ferry_err *e)
{
    int n = o->jobs < 4 ? o->jobs : 4;
    if (n < 1 || s->su.engine == ENGINE_SQLITE) n = 1;
    char snap[256] = "";
    if (n > 1 && s->src->drv->snapshot_export) {
        ferry_err ex = {0};
        if (s->src->drv->snapshot_export(s->src, snap, sizeof snap, &ex)) {
            /* No shared snapshot (e.g. not permitted): one reader keeps the
             * copy consistent, at some cost in speed. */
            progress_say(s->pr, "note: cannot share the source snapshot between readers (%s): "
                         "reading with one connection", ex.msg);
            n = 1;
        }
    }
    rc->srcs = xcalloc((size_t)n, sizeof(ferry_conn *));
    rc->srcs[0] = s->src;
    rc->nsrcs = 1;
    for (int i = 1; i < n; i++) {
        ferry_conn *c = driver_connect(&s->su, SIDE_SOURCE, e);
        if (!c) return -1;
        rc->srcs[rc->nsrcs++] = c;
        int r = snap[0] ? c->drv->snapshot_import(c, snap, e) : c->drv->begin_snapshot(c, e);
        if (r) return -1;
    }
    /* A dump records the snapshot it was read at (its manifest). */
    if (snap[0] && s->tu.engine == ENGINE_DUMP && rc->nconns > 0) {
        ferry_err ignored = {0};
        rc->conns[0]->drv->set_option(rc->conns[0], "source_snapshot", snap, &ignored);
    }
    return 0;
}

/* create_tables — the schema phase: each table with its checkpoint in one
 * transaction, applying --if-exists to tables that already exist.
 * preexisting[i] is set for tables kept as they were (truncate/append). */
static int create_tables(run_ctx *rc, ferry_conn *t, int *preexisting, ferry_err *e)
{
    ferry_plan *p = rc->plan;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "phase", "schema");
    progress_event(rc->pr, "phase", f);
    strbuf sql = STRBUF_INIT;
    int status = 0;
    for (int i = 0; i < p->nsteps && status == 0; i++) {
        plan_step *s = &p->steps[i];
        if (s->kind != STEP_TABLE || s->done) continue;
        if (ferry_stop_requested) { status = ferry_err_set(e, FERRY_E_INTERRUPTED, "interrupted"); break; }
        const plan_table *tb = &p->tables[s->table];
        int exists = state_table_exists(t, p->schema, tb->name, e);
        if (exists < 0) { status = -1; break; }
        strbuf_reset(&sql);
        const ferry_dialect *d = t->drv->dialect;
        char *stmt = NULL;
        if (exists && s->begun && (rc->opts->if_exists == IF_EXISTS_FAIL ||
                                   rc->opts->if_exists == IF_EXISTS_DROP)) {
            /* A killed run of this job created it and died before recording
             * that (targets whose DDL is not transactional): redo it. Only
             * then: with --if-exists append/truncate the table was the
             * user's before the job, and a begun step proves nothing about
             * who created it, so it is never dropped (the switch below
             * applies the policy again instead). */
            strbuf_addf(&sql, "%s", s->undo_sql ? s->undo_sql : "");
            ferry_err ignored = {0};
            if (sql.len) drv_exec(t, strbuf_cstr(&sql), &ignored);
            strbuf_reset(&sql);
            strbuf_adds(&sql, s->sql);
        } else if (exists) {
            switch (rc->opts->if_exists) {
            case IF_EXISTS_DROP:
                stmt = d->drop_table_sql(tb->qname);
                if (d->transactional_ddl) {
                    strbuf_addf(&sql, "%s;\n%s", stmt, s->sql);
                } else {
                    if (drv_exec(t, stmt, e)) status = -1;
                    strbuf_adds(&sql, s->sql);
                }
                break;
            case IF_EXISTS_TRUNCATE:
                stmt = d->empty_table_sql(tb->qname);
                strbuf_adds(&sql, stmt);
                preexisting[s->table] = 1;
                break;
            case IF_EXISTS_APPEND:
                strbuf_adds(&sql, "SELECT 1");
                preexisting[s->table] = 1;
                break;
            default:
                status = ferry_err_set(e, FERRY_E_EXISTS, "target table %s already exists: choose "
                                       "--if-exists drop|truncate|append (default: fail)", tb->qname);
                e->side = SIDE_TARGET;
                continue;
            }
            free(stmt);
            if (status) break;
        } else {
            strbuf_adds(&sql, s->sql);
        }
        if (step_exec(rc, t, s, strbuf_cstr(&sql), e)) {
            ferry_err_prefix(e, "creating table %s: ", tb->qname);
            status = -1;
            break;
        }
        s->done = 1;
    }
    strbuf_free(&sql);
    return status;
}

/* check_existing — for a new job under --if-exists fail: refuse when any
 * target table exists, naming them and the choices, before touching anything. */
static int check_existing(run_ctx *rc, ferry_conn *t, ferry_err *e)
{
    strbuf names = STRBUF_INIT;
    int n = 0;
    for (int i = 0; i < rc->plan->ntables; i++) {
        int ex = state_table_exists(t, rc->plan->schema, rc->plan->tables[i].name, e);
        if (ex < 0) { strbuf_free(&names); return -1; }
        if (ex && n++ < 5) strbuf_addf(&names, "%s%s", n > 1 ? ", " : "", rc->plan->tables[i].qname);
    }
    if (n) {
        ferry_err_set(e, FERRY_E_EXISTS, "%d target table(s) already exist (%s%s): choose "
                      "--if-exists drop|truncate|append (default: fail)", n, strbuf_cstr(&names),
                      n > 5 ? ", ..." : "");
        e->side = SIDE_TARGET;
    }
    strbuf_free(&names);
    return n ? -1 : 0;
}

/* write_rejects — the job's rejected rows (all runs) as NDJSON; written to a
 * temporary name and renamed, removed when there are none. */
static int write_rejects(run_ctx *rc, ferry_conn *t, const char *path, int64_t *count, ferry_err *e)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int status = 0;
    if (!f) { status = ferry_err_set(e, FERRY_E_IO, "cannot write rejects file \"%s\": %m", path); goto out; }
    if (state_write_rejects(t, rc->job_id, f, count, e)) { fclose(f); unlink(tmp); status = -1; goto out; }
    if (fclose(f) != 0) { status = ferry_err_set(e, FERRY_E_IO, "cannot write \"%s\": %m", path); goto out; }
    if (*count > 0) rename(tmp, path);
    else unlink(tmp);
out:
    free(tmp);
    return status;
}

/* resume_command — how to run this job again, as JSON {"cwd": DIR (only
 * when a relative path makes it matter), "args": ["copy", SOURCE, TARGET,
 * options...]}: exactly the arguments job_identity hashes, in the forms it
 * hashes them (the source's real path, the target's display form; a
 * password in either shows as "***", to be typed again). `ferry status`
 * prints it (docs/status.md). */
static char *resume_command(const session *s, const ferry_options *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *args = cJSON_AddArrayToObject(j, "args");
    int needs_cwd = 0;
    char real[PATH_MAX];
    /* A dump is resumed by ferry dump (its series pattern, --incremental);
     * a restore of a plain dump as a copy from it. */
    int dump = s->tu.engine == ENGINE_DUMP;
    int restore = s->su.engine == ENGINE_DUMP;
    cJSON_AddItemToArray(args, cJSON_CreateString(dump ? "dump" : restore ? "restore" : "copy"));
    if (restore) {
        /* ferry restore DIR: an increment's chain, the finished steps skipped */
        cJSON_AddItemToArray(args, cJSON_CreateString(s->su.path));
    } else if (s->su.path && realpath(s->su.path, real)) {
        char *src = xasprintf("sqlite:///%s", real);
        cJSON_AddItemToArray(args, cJSON_CreateString(src));
        free(src);
    } else {
        if (s->su.path && s->su.path[0] != '/') needs_cwd = 1;
        cJSON_AddItemToArray(args, cJSON_CreateString(s->su.display));
    }
    if (dump) {
        const char *dir = o->dump_pattern ? o->dump_pattern : s->tu.path;
        if (dir[0] != '/') needs_cwd = 1;
        cJSON_AddItemToArray(args, cJSON_CreateString(dir));
    } else {
        cJSON_AddItemToArray(args, cJSON_CreateString(s->tu.display));
    }
    if ((s->tu.engine == ENGINE_SQLITE && s->tu.path && s->tu.path[0] != '/') ||
        (s->su.engine == ENGINE_DUMP && s->su.path && s->su.path[0] != '/'))
        needs_cwd = 1;
    strbuf sb = STRBUF_INIT;
    if (o->ntables) {
        for (int i = 0; i < o->ntables; i++) strbuf_addf(&sb, "%s%s", i ? "," : "", o->tables[i]);
        cJSON_AddItemToArray(args, cJSON_CreateString("--tables"));
        cJSON_AddItemToArray(args, cJSON_CreateString(strbuf_cstr(&sb)));
    }
    if (o->nexclude) {
        strbuf_reset(&sb);
        for (int i = 0; i < o->nexclude; i++) strbuf_addf(&sb, "%s%s", i ? "," : "", o->exclude[i]);
        cJSON_AddItemToArray(args, cJSON_CreateString("--exclude"));
        cJSON_AddItemToArray(args, cJSON_CreateString(strbuf_cstr(&sb)));
    }
    strbuf_free(&sb);
    if (o->target_schema && strcmp(o->target_schema, "public") != 0) {
        cJSON_AddItemToArray(args, cJSON_CreateString("--target-schema"));
        cJSON_AddItemToArray(args, cJSON_CreateString(o->target_schema));
    }
    if (o->schema_only) cJSON_AddItemToArray(args, cJSON_CreateString("--schema-only"));
    if (o->data_only && !o->upsert) cJSON_AddItemToArray(args, cJSON_CreateString("--data-only"));
    if (o->lower_case) cJSON_AddItemToArray(args, cJSON_CreateString("--lower-case"));
    if (o->widen) cJSON_AddItemToArray(args, cJSON_CreateString("--widen"));
    if (o->if_exists != IF_EXISTS_FAIL) {
        cJSON_AddItemToArray(args, cJSON_CreateString("--if-exists"));
        cJSON_AddItemToArray(args, cJSON_CreateString(if_exists_name(o->if_exists)));
    }
    if (o->zero_dates_null) {
        cJSON_AddItemToArray(args, cJSON_CreateString("--zero-dates"));
        cJSON_AddItemToArray(args, cJSON_CreateString("null"));
    }
    if (o->map_file) {
        cJSON_AddItemToArray(args, cJSON_CreateString("--map"));
        if (realpath(o->map_file, real)) {
            cJSON_AddItemToArray(args, cJSON_CreateString(real));
        } else {
            if (o->map_file[0] != '/') needs_cwd = 1;
            cJSON_AddItemToArray(args, cJSON_CreateString(o->map_file));
        }
    }
    for (int i = 0; i < o->nrenames; i++) {
        const ferry_rename *r = &o->renames[i];
        char *arg = r->column ? xasprintf("%s.%s=%s", r->table, r->column, r->to)
                              : xasprintf("%s=%s", r->table, r->to);
        cJSON_AddItemToArray(args, cJSON_CreateString(r->column ? "--rename-column" : "--rename-table"));
        cJSON_AddItemToArray(args, cJSON_CreateString(arg));
        free(arg);
    }
    if (dump && o->incremental) cJSON_AddItemToArray(args, cJSON_CreateString("--incremental"));
    for (int i = 0; dump && i < o->nupdated_at; i++) {
        cJSON_AddItemToArray(args, cJSON_CreateString("--updated-at"));
        cJSON_AddItemToArray(args, cJSON_CreateString(o->updated_at[i]));
    }
    if (dump && o->keep > 0) {
        char k[16];
        snprintf(k, sizeof k, "%d", o->keep);
        cJSON_AddItemToArray(args, cJSON_CreateString("--keep"));
        cJSON_AddItemToArray(args, cJSON_CreateString(k));
    }
    if (needs_cwd && getcwd(real, sizeof real)) cJSON_AddStringToObject(j, "cwd", real);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return text;
}

/* take_job_lock — one ferry process per job (joblock.h). When another
 * process holds it: *busy = 1 and e says who, from the owner it recorded
 * when that record belongs to the lock's actual holder (read on a
 * connection of its own, closed at once). */
static int take_job_lock(const session *s, const char *job_id, job_lock *lock, int *busy,
                         ferry_err *e)
{
    char holder[64];
    int r = joblock_acquire(lock, &s->tu, job_id, holder, sizeof holder, e);
    if (r <= 0) return r;
    *busy = 1;
    char who[400] = "";
    state_owner ow = {0};
    ferry_err ignored = {0};
    ferry_conn *c = driver_connect(&s->tu, SIDE_TARGET, &ignored);
    if (c && state_load_owner(c, job_id, &ow, &ignored) == 0 && ow.found &&
        (!holder[0] || strcmp(ow.lock_session, holder) == 0))
        snprintf(who, sizeof who, " (pid %lld on host %s, since %.19s UTC)", ow.pid, ow.host, ow.since);
    else if (s->tu.engine == ENGINE_SQLITE && holder[0])
        snprintf(who, sizeof who, " (pid %s on this machine)", holder);
    drv_close(c);
    ferry_err_set(e, FERRY_E_JOB, "job %s is being run by another ferry process%s; wait for it "
                  "to finish or stop it, then rerun (see ferry status %s)", job_id, who,
                  s->tu.display);
    return -1;
}

/* lock_job_early — compute the job id and take its lock from the command
 * line alone, before the source is read and planned, so that a second
 * process on a running job exits at once. Returns 0 (lock held, or the
 * arguments did not parse: session_open then reports that, and the lock is
 * taken after it), -1 with e set (busy, or the lock failed). */
static int lock_job_early(const ferry_options *o, char **identity, char *job_id, size_t n,
                          job_lock *lock, int *busy, ferry_err *e)
{
    session pre = {0};
    ferry_err ignored = {0};
    int r = 0;
    if (ferry_url_parse(o->source_text, &pre.su, &ignored) ||
        ferry_url_parse(o->target_text, &pre.tu, &ignored) ||
        pre.su.engine == ENGINE_DUMP || pre.tu.engine == ENGINE_DUMP ||
        (o->map_file && !(pre.map_text = read_file(o->map_file, &ignored))))
        goto out;
    *identity = job_identity(&pre, o);
    snprintf(job_id, n, "%016llx", (unsigned long long)fnv1a64(*identity, strlen(*identity), 0));
    r = take_job_lock(&pre, job_id, lock, busy, e);
out:
    ferry_url_free(&pre.su);
    ferry_url_free(&pre.tu);
    free(pre.map_text);
    return r;
}

/* other_job_hint — a new job is refused because its tables exist: when an
 * unfinished job from the same source into the same target was started
 * with other options, say which, so the user can resume that one instead. */
static void other_job_hint(ferry_conn *dst, const session *s, const char *job_id,
                           const char *plan_desc, ferry_err *e)
{
    state_job *jobs = NULL;
    int n = 0;
    ferry_err ignored = {0};
    if (state_list_jobs(dst, &jobs, &n, &ignored)) return;
    for (int i = 0; i < n; i++) {
        const state_job *j = &jobs[i];
        if (strcmp(j->job_id, job_id) == 0 || !j->status || strcmp(j->status, "running") != 0 ||
            !j->source || strcmp(j->source, s->su.display) != 0 || !j->target ||
            strcmp(j->target, s->tu.display) != 0)
            continue;
        char *what = jobdesc_options_diff(j->plan_desc, plan_desc, 300);
        strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "%s; an unfinished job %s copied this source here with other "
                    "options%s%s; to resume it, rerun with its options (ferry status %s shows "
                    "the command)", e->msg, j->job_id, what && *what ? ": " : "",
                    what && *what ? what : "", s->tu.display);
        snprintf(e->msg, sizeof e->msg, "%s", strbuf_cstr(&msg));
        strbuf_free(&msg);
        free(what);
        break;
    }
    state_jobs_free(jobs, n);
}

/* The job lock's connection dies with a target restart like the others:
 * after every target reconnect (retry.c calls rc->relock) it is checked and
 * taken again, so a run never goes on without its lock. */
typedef struct relock_ctx {
    job_lock        *lock;
    const ferry_url *url;
    const char      *job_id;
    pthread_mutex_t  mu;
} relock_ctx;

static int relock_job(run_ctx *rc, ferry_err *e)
{
    relock_ctx *r = rc->relock_ctx;
    int status = 0;
    pthread_mutex_lock(&r->mu);
    if (r->lock->held && r->lock->conn) {
        ferry_err ignored = {0};
        if (drv_exec(r->lock->conn, "SELECT 1", &ignored) != 0) {
            char holder[64] = "";
            joblock_release(r->lock);
            int got = joblock_acquire(r->lock, r->url, r->job_id, holder, sizeof holder, e);
            if (got == 1)
                status = ferry_err_set(e, FERRY_E_JOB, "lost the lock on job %s when the target "
                                       "restarted, and another ferry process took the job "
                                       "meanwhile: this run stops; the other one carries on",
                                       r->job_id);
            else if (got < 0)
                status = -1;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return status;
}

/* copy_verify — `copy --verify`: compare source and target once the job is
 * done (also when it was done by an earlier run); the result goes to stderr
 * (stdout may carry --progress -) and into the report. Returns 0 equal, 1
 * different, -1 error. */
static int copy_verify(session *s, const ferry_options *o, cJSON **vj, ferry_err *e)
{
    progress_say(s->pr, "verifying: comparing source and target table by table");
    return verify_run(s, o, o->quiet ? NULL : stderr, vj, e);
}

int copy_command(const ferry_options *o)
{
    session s = {0};
    ferry_err e = {0};
    run_ctx rc = {0};
    ferry_conn *dst = NULL;
    ferry_conn **conns = NULL;
    int nconns = 0, exit_code = EXIT_OK, job_created = 0;
    int *preexisting = NULL;
    char job_id[24] = "";
    char *identity = NULL, *opts_json = NULL, *plan_desc = NULL, *command = NULL;
    const char *status = "failed";
    job_lock lock = {.fd = -1};
    int busy = 0;
    job_info job = {0};
    relock_ctx relock = {.lock = &lock};
    cJSON *verify_json = NULL;

    pthread_mutex_init(&rc.notes_mu, NULL);
    pthread_mutex_init(&relock.mu, NULL);
    rc.opts = o;
    rc.started = now_monotonic();
    if (!(s.pr = progress_open(o->progress_path, o->quiet, &e))) { print_error(NULL, &e); return EXIT_USAGE; }
    rc.pr = s.pr;
    rc.plan = &s.plan;
    /* One process per job: the lock comes before anything is read or
     * written, --restart included (docs/resume.md). */
    if (lock_job_early(o, &identity, job_id, sizeof job_id, &lock, &busy, &e)) goto fail;
    if (session_open(&s, o, &e)) goto fail;
    if (o->incremental && (s.tu.engine != ENGINE_DUMP || incr_filters(&s.plan, o, &e))) {
        if (s.tu.engine != ENGINE_DUMP)
            ferry_err_set(&e, FERRY_E_USAGE, "--incremental applies to ferry dump only");
        goto fail;
    }
    rc.src = s.src;
    rc.target_url = &s.tu;
    rc.stats = xcalloc((size_t)s.plan.ntables + 1, sizeof(table_stats));
    for (int i = 0; i < s.plan.ntables; i++)
        rc.stats[i].notes = xcalloc((size_t)s.plan.tables[i].ncols * NOTE__COUNT + 1, sizeof(int64_t));
    preexisting = xcalloc((size_t)s.plan.ntables + 1, sizeof(int));

    if (!lock.held) {
        free(identity);
        identity = job_identity(&s, o);
        snprintf(job_id, sizeof job_id, "%016llx", (unsigned long long)fnv1a64(identity, strlen(identity), 0));
        if (take_job_lock(&s, job_id, &lock, &busy, &e)) goto fail;
    }
    rc.job_id = job_id;
    relock.url = &s.tu;
    relock.job_id = job_id;
    rc.relock = relock_job;
    rc.relock_ctx = &relock;
    char fingerprint[24];
    snprintf(fingerprint, sizeof fingerprint, "%016llx", (unsigned long long)s.plan.fingerprint);
    plan_desc = jobdesc_build(&s.plan, o, s.map_text);

    if (!(dst = driver_connect(&s.tu, SIDE_TARGET, &e))) goto fail;
    if (state_init(dst, &e)) goto fail;
    {
        char host[256] = "";
        if (gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "?");
        if (state_set_owner(dst, job_id, (long long)getpid(), host, lock.session, &e)) goto fail;
    }
    if (state_load_job(dst, job_id, &job, &e)) goto fail;
    if (job.found && o->restart) {
        char **created = NULL;
        int ncreated = 0;
        if (state_delete_job(dst, job_id, &created, &ncreated, &e)) goto fail;
        for (int i = 0; i < ncreated && exit_code == EXIT_OK; i++) {
            strbuf q = STRBUF_INIT;
            s.dst->qualify(&q, s.plan.schema, created[i]);
            int ex = state_table_exists(dst, s.plan.schema, created[i], &e);
            if (ex < 0) exit_code = -1;
            if (ex > 0) {
                char *sql = s.dst->drop_table_sql(strbuf_cstr(&q));
                if (drv_exec(dst, sql, &e)) exit_code = -1;
                free(sql);
            }
            strbuf_free(&q);
        }
        for (int i = 0; i < ncreated; i++) free(created[i]);
        free(created);
        if (exit_code) { exit_code = EXIT_OK; goto fail; }
        progress_say(s.pr, "--restart: forgot job %s and dropped the %d table(s) it had created",
                     job_id, ncreated);
        job_info_free(&job);
        job.found = 0;
    }
    if (job.found && job.finished) {
        progress_say(s.pr, "job %s already finished (%s into %s): nothing to do; use --restart "
                     "to run it again", job_id, s.su.display, s.tu.display);
        status = "already_done";
        if (o->verify && !o->schema_only) {
            int v = copy_verify(&s, o, &verify_json, &e);
            if (v < 0) goto fail;
            if (v == 1) exit_code = EXIT_DIFFERENT;
        }
        goto report;
    }
    cJSON *start = cJSON_CreateObject();
    cJSON_AddStringToObject(start, "job", job_id);
    cJSON_AddStringToObject(start, "source", s.su.display);
    cJSON_AddStringToObject(start, "target", s.tu.display);
    cJSON_AddNumberToObject(start, "tables", s.plan.ntables);
    cJSON_AddBoolToObject(start, "resumed", job.found);
    progress_event(s.pr, "job_start", start);
    plan_note_events(&s);

    if (job.found) {
        if (strcmp(job.fingerprint, fingerprint) != 0) {
            /* Say what changed when the job stored its description (jobs
             * made by an older ferry did not). */
            char *what = jobdesc_diff(job.plan_desc, plan_desc, 560);
            if (what && *what)
                ferry_err_set(&e, FERRY_E_JOB, "an unfinished job for this source and target "
                              "exists, but what it copies changed since it started: %s. Its plan "
                              "no longer applies: rerun with --restart to start over (this drops "
                              "the tables that job created)", what);
            else
                ferry_err_set(&e, FERRY_E_JOB, "an unfinished job for this source and target "
                              "exists, but the source schema or the options changed since it "
                              "started, so its plan no longer applies: rerun with --restart to "
                              "start over (this drops the tables that job created)");
            free(what);
            goto fail;
        }
        if (state_load_chunks(dst, job_id, &s.plan, &e) || state_load_steps(dst, job_id, &s.plan, &e))
            goto fail;
        int done = 0;
        for (int i = 0; i < s.plan.nchunks; i++) done += s.plan.chunks[i].done;
        for (int i = 0; i < s.plan.nchunks; i++)
            if (s.plan.chunks[i].done) {
                rc.stats[s.plan.chunks[i].table].chunks_done++;
                rc.stats[s.plan.chunks[i].table].rows_before += s.plan.chunks[i].rows;
            }
        progress_say(s.pr, "resuming job %s: %d of %d chunk(s) already done", job_id, done,
                     s.plan.nchunks);
        for (int i = 0; i < s.plan.ntables; i++) s.plan.tables[i].rows_estimate = s.plan.tables[i].src->est_rows;
    } else {
        if (!o->data_only && o->if_exists == IF_EXISTS_FAIL && check_existing(&rc, dst, &e)) {
            other_job_hint(dst, &s, job_id, plan_desc, &e);
            goto fail;
        }
        if (!o->schema_only && plan_chunks(&s.plan, s.src, &e)) goto fail;
        if ((o->incremental || o->record_marks) && s.tu.engine == ENGINE_DUMP &&
            incr_plan_new(&s.plan, s.src, o, &e))
            goto fail;
        opts_json = options_json(o);
        command = resume_command(&s, o);
        if (state_create_job(dst, job_id, s.su.display, s.tu.display, fingerprint, opts_json,
                             plan_desc, command, &s.plan, &e))
            goto fail;
    }
    job_created = 1;

    /* Writer connections: the main one plus jobs-1 more (one for a target
     * that takes one writer at a time, SQLite). */
    nconns = o->jobs > 0 ? o->jobs : 1;
    if (dst->drv->single_writer) nconns = 1;
    conns = xcalloc((size_t)nconns, sizeof(ferry_conn *));
    conns[0] = dst;
    for (int i = 1; i < nconns; i++)
        if (!(conns[i] = driver_connect(&s.tu, SIDE_TARGET, &e))) goto fail;
    for (int i = 0; i < nconns && o->copy_format; i++) {
        if (!dst->drv->set_option) {
            ferry_err_set(&e, FERRY_E_USAGE, "--copy-format applies to PostgreSQL targets only");
            goto fail;
        }
        if (dst->drv->set_option(conns[i], "copy_format", o->copy_format, &e)) goto fail;
    }
    rc.conns = conns;
    rc.nconns = nconns;
    if (!o->schema_only && open_readers(&s, o, &rc, &e)) goto fail;

    if (s.tu.engine != ENGINE_DUMP && s.dst->has_schemas && s.plan.schema &&
        strcmp(s.plan.schema, "public") != 0) {
        strbuf sql = STRBUF_INIT;
        strbuf_adds(&sql, "CREATE SCHEMA IF NOT EXISTS ");
        s.dst->quote_ident(&sql, s.plan.schema);
        int r = drv_exec(dst, strbuf_cstr(&sql), &e);
        strbuf_free(&sql);
        if (r) goto fail;
    }
    if (o->data_only) {
        for (int i = 0; i < s.plan.nsteps; i++)
            if (s.plan.steps[i].kind != STEP_SEQUENCE) s.plan.steps[i].done = 1;
    } else if (create_tables(&rc, dst, preexisting, &e)) {
        goto fail;
    }
    /* Tables kept as they were (truncate/append) keep their own keys and
     * indexes: ferry adds none to them. */
    for (int i = 0; i < s.plan.nsteps; i++) {
        plan_step *st = &s.plan.steps[i];
        if (st->table >= 0 && preexisting[st->table] && st->kind != STEP_TABLE && st->kind != STEP_SEQUENCE)
            st->done = 1;
    }
    if (!o->schema_only) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "phase", "data");
        progress_event(s.pr, "phase", f);
        if (pipeline_run(&rc)) { e = rc.err; goto fail; }
    }
    static const step_kind idx[] = {STEP_PK, STEP_UNIQUE, STEP_INDEX};
    static const step_kind cons[] = {STEP_FK, STEP_CHECK};
    static const step_kind seq[] = {STEP_SEQUENCE};
    static const step_kind views[] = {STEP_VIEW};
    if (steps_run(&rc, conns, nconns, idx, 3, "indexes") ||
        steps_run(&rc, conns, nconns, cons, 2, "constraints") ||
        steps_run(&rc, conns, nconns, seq, 1, "sequences") ||
        steps_run(&rc, conns, 1, views, 1, "views")) {
        e = rc.err;
        goto fail;
    }
    if (!o->data_only && s.tu.engine == ENGINE_SQLITE && check_sqlite_fks(&rc, dst, &e)) goto fail;
    int64_t nrejects = 0;
    const char *rejects_path = o->rejects_path ? o->rejects_path : "ferry-rejects.ndjson";
    if (write_rejects(&rc, dst, rejects_path, &nrejects, &e)) goto fail;
    status = nrejects ? "rejects" : "ok";
    if (state_finish_job(dst, job_id, nrejects ? "done_with_rejects" : "done", &e)) goto fail;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "phase", "done");
    progress_event(s.pr, "phase", f);
    {
        int64_t rows = 0;
        for (int i = 0; i < s.plan.ntables; i++) rows += rc.stats[i].rows_written;
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "status", status);
        cJSON_AddNumberToObject(d, "rows_written", (double)rows);
        cJSON_AddNumberToObject(d, "rejects", (double)nrejects);
        cJSON_AddNumberToObject(d, "seconds", now_monotonic() - rc.started);
        progress_event(s.pr, "job_done", d);
        progress_say(s.pr, "done: %d table(s), %lld row(s) written in %.1fs%s", s.plan.ntables,
                     (long long)rows, now_monotonic() - rc.started, "");
        if (nrejects)
            progress_say(s.pr, "%lld row(s) rejected: see %s (each line: table, key, column, "
                         "reason, row)", (long long)nrejects, rejects_path);
        for (int i = 0; i < s.plan.nskipped; i++)
            progress_say(s.pr, "skipped %s %s: %s", s.plan.skipped[i].kind,
                         s.plan.skipped[i].object ? s.plan.skipped[i].object : "",
                         s.plan.skipped[i].message);
    }
    exit_code = nrejects ? EXIT_REJECTS : EXIT_OK;
    if (o->verify && !o->schema_only) {
        /* rows the copy rejected show as missing: exit 5 already says so */
        job_created = 0;             /* the job is finished: nothing to resume */
        int v = copy_verify(&s, o, &verify_json, &e);
        if (v < 0) goto fail;
        if (v == 1 && exit_code == EXIT_OK) exit_code = EXIT_DIFFERENT;
    }
    goto report;

fail:
    if (e.side == SIDE_NONE && e.code != FERRY_E_USAGE && e.code != FERRY_E_JOB &&
        e.code != FERRY_E_INTERRUPTED && e.code != FERRY_E_INTERNAL)
        e.side = SIDE_TARGET;
    if (!rc.failed) { rc.err = e; rc.failed = 1; }
    exit_code = busy ? EXIT_BUSY : ferry_exit_code(&e);
    status = busy ? "busy" : e.code == FERRY_E_INTERRUPTED ? "interrupted" : "failed";
    if (e.code == FERRY_E_INTERRUPTED)
        progress_error(s.pr, "interrupted: committed chunks are kept; rerun the same command to "
                       "resume (job %s)", job_id);
    else
        print_error(s.pr, &e);
    if (job_created && e.code != FERRY_E_INTERRUPTED && !strstr(e.msg, "the job is resumable"))
        progress_error(s.pr, "the job is resumable: rerun %s (or add --restart to start over)",
                       ferry_command());
    {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "status", status);
        cJSON_AddStringToObject(d, "error", e.msg);
        progress_event(s.pr, "job_done", d);
    }
report:
    /* A process turned away by the job lock leaves the report to the one
     * running the job (both may have been given the same file). */
    if (o->report_path && s.plan.tables && !busy) {
        cJSON *r = report_build(&rc, status, s.su.display ? s.su.display : "",
                                s.tu.display ? s.tu.display : "");
        if (verify_json) { cJSON_AddItemToObject(r, "verify", verify_json); verify_json = NULL; }
        ferry_err re = {0};
        if (report_write(o->report_path, r, &re)) { print_error(s.pr, &re); if (!exit_code) exit_code = EXIT_FAILURE_; }
        cJSON_Delete(r);
    }
    for (int i = 1; i < nconns; i++) drv_close(conns[i]);
    free(conns);
    for (int i = 1; i < rc.nsrcs; i++) drv_close(rc.srcs[i]);
    free(rc.srcs);
    drv_close(dst);
    joblock_release(&lock);
    job_info_free(&job);
    if (rc.stats) for (int i = 0; i < s.plan.ntables; i++) free(rc.stats[i].notes);
    free(rc.stats);
    free(rc.isolate);
    free(preexisting);
    free(identity);
    free(opts_json);
    free(plan_desc);
    free(command);
    progress_close(s.pr);
    session_free(&s);
    cJSON_Delete(verify_json);
    pthread_mutex_destroy(&relock.mu);
    pthread_mutex_destroy(&rc.notes_mu);
    return exit_code;
}
