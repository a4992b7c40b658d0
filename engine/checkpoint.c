/* checkpoint.c — ferry's state tables in the target (schema _ferry on
 * PostgreSQL, tables _ferry_* on SQLite and MySQL).
 *
 * DESIGN. A chunk is done exactly when its row in _ferry.chunks says so, and
 * that row is updated inside the transaction that writes the chunk's data,
 * so after any crash the two agree. Chunk boundaries are inserted once, when
 * the job is created, and reused by every resumed run. Values always travel
 * as parameters, never spliced into SQL text. */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "checkpoint.h"
#include "../drivers/dialect.h"

/* D — the target's dialect: state table names and statement forms. */
static const ferry_dialect *D(const ferry_conn *t) { return t->drv->dialect; }

/* sql_fmt — a statement from a template with the dialect's names; caller
 * frees. Templates name {jobs}, {chunks}, {steps}, {rejects} and {now}. */
static char *sql_fmt(const ferry_conn *t, const char *tmpl)
{
    const ferry_dialect *d = D(t);
    const struct { const char *key, *value; } names[] = {
        {"{jobs}", d->state_jobs}, {"{chunks}", d->state_chunks}, {"{steps}", d->state_steps},
        {"{rejects}", d->state_rejects}, {"{owners}", d->state_owners}, {"{now}", d->now_sql},
    };
    strbuf sb = STRBUF_INIT;
    for (const char *c = tmpl; *c;) {
        size_t i, n = sizeof names / sizeof *names;
        for (i = 0; i < n; i++) {
            size_t len = strlen(names[i].key);
            if (strncmp(c, names[i].key, len) == 0) { strbuf_adds(&sb, names[i].value); c += len; break; }
        }
        if (i == n) strbuf_addc(&sb, *c++);
    }
    return strbuf_detach(&sb);
}

/* exec_p / query_p — a templated statement with parameters. */
static int exec_p(ferry_conn *t, const char *tmpl, int n, const char *const *params, ferry_err *e)
{
    char *sql = sql_fmt(t, tmpl);
    int rc = t->drv->exec_params(t, sql, n, params, e);
    free(sql);
    return rc;
}

static int query_p(ferry_conn *t, const char *tmpl, int n, const char *const *params,
                   query_callback cb, void *ctx, ferry_err *e)
{
    char *sql = sql_fmt(t, tmpl);
    int rc = t->drv->query(t, sql, n, params, cb, ctx, e);
    free(sql);
    return rc;
}

/* unqualified — a state table's name without its schema ("_ferry.jobs"
 * -> "jobs"); *schema gets "_ferry" or NULL (buf holds it). */
static const char *unqualified(const char *qualified, const char **schema, char *buf, size_t n)
{
    const char *dot = strchr(qualified, '.');
    if (!dot) { *schema = NULL; return qualified; }
    snprintf(buf, n, "%.*s", (int)(dot - qualified), qualified);
    *schema = buf;
    return dot + 1;
}

/* name_row — collect column names as "|a|b|" for has_column. */
static int name_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    (void)e;
    if (ncols > 0 && v[0]) strbuf_addf(ctx, "%s|", v[0]);
    return 0;
}

static int has_column(strbuf *cols, const char *name)
{
    char key[128];
    snprintf(key, sizeof key, "|%s|", name);
    return strstr(strbuf_cstr(cols), key) != NULL;
}

/* jobs_columns — the jobs table's columns as "|a|b|" (empty when absent). */
static int jobs_columns(ferry_conn *t, strbuf *cols, ferry_err *e)
{
    const char *schema;
    char sbuf[64];
    const char *name = unqualified(D(t)->state_jobs, &schema, sbuf, sizeof sbuf);
    const char *params[] = {name};
    strbuf_reset(cols);
    strbuf_addc(cols, '|');
    return t->drv->query(t, D(t)->state_columns_sql, 1, params, name_row, cols, e);
}

/* upgrade_jobs — add the jobs columns an older ferry did not create. Two
 * processes may race on MySQL (its DDL is not transactional): a failed
 * ALTER is forgiven when the column is there afterwards. */
static int upgrade_jobs(ferry_conn *t, ferry_err *e)
{
    const char *const *added = D(t)->state_jobs_added;
    strbuf cols = STRBUF_INIT;
    int rc = 0;
    if (!added || !D(t)->state_columns_sql) return 0;
    if (jobs_columns(t, &cols, e)) { strbuf_free(&cols); return -1; }
    for (; *added && rc == 0; added++) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(*added, " "), *added);
        if (has_column(&cols, name)) continue;
        char *sql = xasprintf("ALTER TABLE %s ADD COLUMN %s", D(t)->state_jobs, *added);
        ferry_err ae = {0};
        if (drv_exec(t, sql, &ae)) {
            if (D(t)->transactional_ddl || jobs_columns(t, &cols, e) || !has_column(&cols, name)) {
                *e = ae;
                rc = -1;
            }
        }
        free(sql);
    }
    strbuf_free(&cols);
    return rc;
}

int state_init(ferry_conn *t, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->init(t, e);
    /* On PostgreSQL two ferry processes creating the schema at once could
     * race on CREATE ... IF NOT EXISTS; an advisory lock serialises them.
     * MySQL's DDL commits by itself, statement by statement: every
     * statement is idempotent. Jobs tables made by an older ferry get the
     * columns added since (upgrade_jobs). */
    int tx = D(t)->transactional_ddl;
    if (tx && drv_begin(t, e)) return -1;
    if ((D(t)->fk_not_valid && drv_exec(t, "SELECT pg_advisory_xact_lock(727465)", e)) ||
        drv_exec(t, D(t)->state_ddl, e) || upgrade_jobs(t, e)) {
        if (tx) drv_rollback(t);
        ferry_err_prefix(e, "cannot create ferry's state tables in the target: ");
        return -1;
    }
    return tx ? drv_commit(t, e) : 0;
}

/* is_true — a boolean as the engines print it: t / 1 / true. */
static int is_true(const char *v)
{
    return v && (v[0] == 't' || v[0] == 'T' || v[0] == '1');
}

static int job_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    job_info *j = ctx;
    (void)e;
    if (ncols < 3) return 0;
    j->found = 1;
    snprintf(j->fingerprint, sizeof j->fingerprint, "%s", v[0] ? v[0] : "");
    snprintf(j->status, sizeof j->status, "%s", v[1] ? v[1] : "");
    j->finished = v[1] && strcmp(v[1], "running") != 0;
    free(j->plan_desc);
    j->plan_desc = v[2] && *v[2] ? xstrdup(v[2]) : NULL;
    return 0;
}

int state_load_job(ferry_conn *t, const char *job_id, job_info *out, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->load_job(t, job_id, out, e);
    const char *params[] = {job_id};
    memset(out, 0, sizeof *out);
    return query_p(t, "SELECT fingerprint, status, plan_desc FROM {jobs} WHERE job_id = $1", 1,
                   params, job_row, out, e);
}

void job_info_free(job_info *j)
{
    if (!j) return;
    free(j->plan_desc);
    j->plan_desc = NULL;
}

int state_create_job(ferry_conn *t, const char *job_id, const char *source,
                     const char *target, const char *fingerprint, const char *options,
                     const char *plan_desc, const char *command,
                     const ferry_plan *p, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->create_job(t, job_id, source, target, fingerprint, options, plan_desc, command, p, e);
    /* 5 parameters a row, 250 a statement: the MySQL driver binds at most
     * 256 placeholders a statement (drivers/mysql_stmt.c). */
    enum { PER_STATEMENT = 50 };
    const char *jp[] = {job_id, source, target, fingerprint, options, plan_desc, command};
    const char **params = xcalloc(PER_STATEMENT * 5, sizeof(char *));
    char (*num)[3][24] = xcalloc(PER_STATEMENT, sizeof *num);
    strbuf sql = STRBUF_INIT;
    int status = -1;
    if (drv_begin(t, e)) goto out;
    if (exec_p(t, "INSERT INTO {jobs} (job_id, source, target, fingerprint, options, plan_desc, "
                  "command) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, jp, e))
        goto fail;
    /* Chunk boundaries, a few hundred rows a statement; values travel as
     * parameters in every dialect. */
    for (int first = 0; first < p->nchunks; first += PER_STATEMENT) {
        int n = p->nchunks - first < PER_STATEMENT ? p->nchunks - first : PER_STATEMENT;
        strbuf_reset(&sql);
        strbuf_addf(&sql, "INSERT INTO %s (job_id, chunk_id, table_name, lo, hi) VALUES ",
                    D(t)->state_chunks);
        for (int i = 0; i < n; i++) {
            const plan_chunk *k = &p->chunks[first + i];
            int b = i * 5;
            strbuf_addf(&sql, "%s($%d, $%d, $%d, $%d, $%d)", i ? ", " : "", b + 1, b + 2, b + 3,
                        b + 4, b + 5);
            snprintf(num[i][0], sizeof num[i][0], "%d", k->id);
            snprintf(num[i][1], sizeof num[i][1], "%lld", (long long)k->lo);
            snprintf(num[i][2], sizeof num[i][2], "%lld", (long long)k->hi);
            params[b] = job_id;
            params[b + 1] = num[i][0];
            params[b + 2] = p->tables[k->table].name;
            params[b + 3] = k->has_lo ? num[i][1] : NULL;
            params[b + 4] = k->has_hi ? num[i][2] : NULL;
        }
        if (t->drv->exec_params(t, strbuf_cstr(&sql), n * 5, params, e)) goto fail;
    }
    if (drv_commit(t, e)) goto out;
    status = 0;
    goto out;
fail:
    drv_rollback(t);
out:
    strbuf_free(&sql);
    free(params);
    free(num);
    return status;
}

typedef struct chunk_load { ferry_plan *p; int bad; char badname[200]; } chunk_load;

static int chunk_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    chunk_load *cl = ctx;
    ferry_plan *p = cl->p;
    (void)ncols; (void)e;
    plan_chunk c = {0};
    c.id = atoi(v[0]);
    c.table = -1;
    for (int i = 0; i < p->ntables; i++)
        if (strcmp(p->tables[i].name, v[1]) == 0) c.table = i;
    if (c.table < 0) {
        cl->bad = 1;
        snprintf(cl->badname, sizeof cl->badname, "%s", v[1]);
        return 0;
    }
    if (v[2]) { c.has_lo = 1; c.lo = strtoll(v[2], NULL, 10); }
    if (v[3]) { c.has_hi = 1; c.hi = strtoll(v[3], NULL, 10); }
    c.done = is_true(v[4]);
    c.rows = v[5] ? strtoll(v[5], NULL, 10) : 0;
    plan_add_chunk(p, &c);
    return 0;
}

int state_load_chunks(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->load_chunks(t, job_id, p, e);
    const char *params[] = {job_id};
    chunk_load cl = {p, 0, ""};
    if (query_p(t, "SELECT chunk_id, table_name, lo, hi, done, row_count FROM {chunks} "
                   "WHERE job_id = $1 ORDER BY chunk_id", 1, params, chunk_row, &cl, e))
        return -1;
    if (cl.bad)
        return ferry_err_set(e, FERRY_E_JOB, "the stored job has chunks of table \"%s\", which "
                             "is not in this copy: rerun with --restart to start over", cl.badname);
    /* Chunk ids are positions; table chunk ranges follow from the order. */
    for (int i = 0; i < p->nchunks; i++) {
        if (p->chunks[i].id != i)
            return ferry_err_set(e, FERRY_E_JOB, "the stored job's chunk list is inconsistent: "
                                 "rerun with --restart to start over");
        plan_table *tb = &p->tables[p->chunks[i].table];
        if (tb->nchunks == 0) tb->first_chunk = i;
        tb->nchunks++;
    }
    return 0;
}

/* step_row — a recorded step: "<id>" is done; "begun:<id>" was started
 * (on targets whose DDL is not transactional) and may be half done. */
static int step_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    ferry_plan *p = ctx;
    (void)ncols; (void)e;
    int begun = strncmp(v[0], "begun:", 6) == 0;
    const char *id = begun ? v[0] + 6 : v[0];
    for (int i = 0; i < p->nsteps; i++)
        if (strcmp(p->steps[i].id, id) == 0) {
            if (begun) p->steps[i].begun = 1;
            else p->steps[i].done = 1;
        }
    return 0;
}

int state_load_steps(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->load_steps(t, job_id, p, e);
    const char *params[] = {job_id};
    return query_p(t, "SELECT step FROM {steps} WHERE job_id = $1", 1, params, step_row, p, e);
}

int state_mark_chunk(ferry_conn *t, const char *job_id, int chunk_id, int64_t rows,
                     int64_t rejected, int64_t bytes, const char *run, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->mark_chunk(t, job_id, chunk_id, rows, rejected, bytes, run, e);
    char id[16], r[24], rj[24], b[24];
    snprintf(id, sizeof id, "%d", chunk_id);
    snprintf(r, sizeof r, "%lld", (long long)rows);
    snprintf(rj, sizeof rj, "%lld", (long long)rejected);
    snprintf(b, sizeof b, "%lld", (long long)bytes);
    const char *params[] = {job_id, id, r, rj, b, run};
    return exec_p(t, "UPDATE {chunks} SET done = TRUE, row_count = $3, rejected = $4, bytes = $5, "
                     "run = $6, done_at = {now} WHERE job_id = $1 AND chunk_id = $2", 6, params, e);
}

int state_mark_step(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->mark_step(t, job_id, step_id, e);
    const char *params[] = {job_id, step_id};
    char *sql = xasprintf("%s INTO %s (job_id, step) VALUES ($1, $2)%s", D(t)->insert_ignore_prefix,
                          D(t)->state_steps, D(t)->insert_ignore_suffix);
    int rc = t->drv->exec_params(t, sql, 2, params, e);
    free(sql);
    return rc;
}

int state_add_reject(ferry_conn *t, const char *job_id, int chunk_id, const char *table,
                     int64_t key, const char *column, const char *reason,
                     const char *row_json, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->add_reject(t, job_id, chunk_id, table, key, column, reason, row_json, e);
    char id[16], k[24];
    snprintf(id, sizeof id, "%d", chunk_id);
    snprintf(k, sizeof k, "%lld", (long long)key);
    const char *params[] = {job_id, id, table, k, column, reason, row_json};
    return exec_p(t, "INSERT INTO {rejects} (job_id, chunk_id, table_name, row_key, column_name, "
                     "reason, row_json) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, params, e);
}

int state_finish_job(ferry_conn *t, const char *job_id, const char *status, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->finish_job(t, job_id, status, e);
    const char *params[] = {job_id, status};
    return exec_p(t, "UPDATE {jobs} SET status = $2, updated_at = {now}, finished_at = {now} "
                     "WHERE job_id = $1", 2, params, e);
}

typedef struct name_list { char **names; int n; } name_list;

static int created_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    name_list *l = ctx;
    (void)ncols; (void)e;
    l->names = xrealloc(l->names, sizeof(char *) * (size_t)(l->n + 1));
    l->names[l->n++] = xstrdup(v[0] + strlen("table:"));
    return 0;
}

int state_delete_job(ferry_conn *t, const char *job_id, char ***created, int *ncreated,
                     ferry_err *e)
{
    if (t->drv->state) return t->drv->state->delete_job(t, job_id, created, ncreated, e);
    const char *params[] = {job_id};
    name_list l = {NULL, 0};
    if (query_p(t, "SELECT step FROM {steps} WHERE job_id = $1 AND step LIKE 'table:%' "
                   "ORDER BY step", 1, params, created_row, &l, e))
        return -1;
    *created = l.names;
    *ncreated = l.n;
    if (drv_begin(t, e)) return -1;
    if (exec_p(t, "DELETE FROM {rejects} WHERE job_id = $1", 1, params, e) ||
        exec_p(t, "DELETE FROM {steps} WHERE job_id = $1", 1, params, e) ||
        exec_p(t, "DELETE FROM {chunks} WHERE job_id = $1", 1, params, e) ||
        exec_p(t, "DELETE FROM {jobs} WHERE job_id = $1", 1, params, e)) {
        drv_rollback(t);
        return -1;
    }
    return drv_commit(t, e);
}

typedef struct reject_out { FILE *f; int64_t n; } reject_out;

static int reject_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    reject_out *ro = ctx;
    (void)ncols; (void)e;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "table", v[0]);
    cJSON_AddNumberToObject(o, "chunk", atoi(v[1]));
    /* Keys are 64-bit integers: written as the digits, not as a double. */
    if (v[2]) cJSON_AddRawToObject(o, "key", v[2]);
    else cJSON_AddNullToObject(o, "key");
    if (v[3]) cJSON_AddStringToObject(o, "column", v[3]);
    else cJSON_AddNullToObject(o, "column");
    cJSON_AddStringToObject(o, "reason", v[4]);
    cJSON *row = v[5] ? cJSON_Parse(v[5]) : NULL;
    if (row) cJSON_AddItemToObject(o, "row", row);
    else cJSON_AddNullToObject(o, "row");
    char *line = cJSON_PrintUnformatted(o);
    fprintf(ro->f, "%s\n", line);
    free(line);
    cJSON_Delete(o);
    ro->n++;
    return 0;
}

int state_write_rejects(ferry_conn *t, const char *job_id, FILE *f, int64_t *count, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->write_rejects(t, job_id, f, count, e);
    const char *params[] = {job_id};
    reject_out ro = {f, 0};
    int rc = query_p(t, "SELECT table_name, chunk_id, row_key, column_name, reason, row_json "
                        "FROM {rejects} WHERE job_id = $1 ORDER BY chunk_id, row_key", 1, params,
                     reject_row, &ro, e);
    *count = ro.n;
    return rc;
}

static int exists_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    (void)ncols; (void)e;
    *(int *)ctx = is_true(v[0]);
    return 0;
}

int state_table_exists(ferry_conn *t, const char *schema, const char *table, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->table_exists(t, schema, table, e);
    const char *params[] = {schema, table};
    int exists = 0;
    if (t->drv->query(t, D(t)->table_exists_sql, 2, params, exists_row, &exists, e))
        return -1;
    return exists;
}

/* ------------------------------------------------------------------ */
/* Job owners (engine/joblock.h) and the job list (ferry status)        */
/* ------------------------------------------------------------------ */

int state_set_owner(ferry_conn *t, const char *job_id, long long pid, const char *host,
                    const char *lock_session, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->set_owner(t, job_id, pid, host, lock_session, e);
    char p[24];
    snprintf(p, sizeof p, "%lld", pid);
    const char *params[] = {job_id, p, host, lock_session};
    if (drv_begin(t, e)) return -1;
    if (exec_p(t, "DELETE FROM {owners} WHERE job_id = $1", 1, params, e) ||
        exec_p(t, "INSERT INTO {owners} (job_id, pid, host, lock_session) VALUES ($1, $2, $3, $4)",
               4, params, e)) {
        drv_rollback(t);
        return -1;
    }
    return drv_commit(t, e);
}

/* state_has — 1 when the target has ferry's state table qualified (as the
 * dialect names it), 0 if not, -1 on error. */
static int state_has(ferry_conn *t, const char *qualified, ferry_err *e)
{
    const char *schema;
    char sbuf[64];
    const char *name = unqualified(qualified, &schema, sbuf, sizeof sbuf);
    return state_table_exists(t, schema, name, e);
}

static char *dup_or_null(const char *v) { return v ? xstrdup(v) : NULL; }

static int owner_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    state_owner *o = ctx;
    (void)e;
    if (ncols < 4) return 0;
    o->found = 1;
    o->pid = v[0] ? strtoll(v[0], NULL, 10) : 0;
    snprintf(o->host, sizeof o->host, "%s", v[1] ? v[1] : "");
    snprintf(o->lock_session, sizeof o->lock_session, "%s", v[2] ? v[2] : "");
    snprintf(o->since, sizeof o->since, "%s", v[3] ? v[3] : "");
    return 0;
}

int state_load_owner(ferry_conn *t, const char *job_id, state_owner *out, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->load_owner(t, job_id, out, e);
    const char *params[] = {job_id};
    memset(out, 0, sizeof *out);
    int has = state_has(t, D(t)->state_owners, e);
    if (has <= 0) return has;
    return query_p(t, "SELECT pid, host, lock_session, started_at FROM {owners} WHERE job_id = $1",
                   1, params, owner_row, out, e);
}

typedef struct job_list { state_job *jobs; int n; } job_list;

static state_job *find_job(job_list *l, const char *id)
{
    for (int i = 0; id && i < l->n; i++)
        if (strcmp(l->jobs[i].job_id, id) == 0) return &l->jobs[i];
    return NULL;
}

static int list_job_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    job_list *l = ctx;
    (void)e;
    if (ncols < 10 || !v[0]) return 0;
    l->jobs = xrealloc(l->jobs, sizeof *l->jobs * (size_t)(l->n + 1));
    state_job *j = &l->jobs[l->n++];
    memset(j, 0, sizeof *j);
    j->job_id = xstrdup(v[0]);
    j->source = dup_or_null(v[1]);
    j->target = dup_or_null(v[2]);
    j->status = dup_or_null(v[3]);
    j->started_at = dup_or_null(v[4]);
    j->updated_at = dup_or_null(v[5]);
    j->finished_at = dup_or_null(v[6]);
    j->options = dup_or_null(v[7]);
    j->command = v[8] && *v[8] ? xstrdup(v[8]) : NULL;
    j->plan_desc = v[9] && *v[9] ? xstrdup(v[9]) : NULL;
    return 0;
}

static int list_chunk_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    state_job *j = find_job(ctx, v[0]);
    (void)e;
    if (!j || ncols < 6) return 0;
    j->chunks_total = v[1] ? strtoll(v[1], NULL, 10) : 0;
    j->chunks_done = v[2] ? strtoll(v[2], NULL, 10) : 0;
    j->rows = v[3] ? strtoll(v[3], NULL, 10) : 0;
    j->last_chunk_at = dup_or_null(v[4]);
    j->chunk_rejected = v[5] ? strtoll(v[5], NULL, 10) : 0;
    return 0;
}

static int list_step_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    state_job *j = find_job(ctx, v[0]);
    (void)e;
    if (j && ncols >= 2) j->last_step_at = dup_or_null(v[1]);
    return 0;
}

static int list_reject_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    state_job *j = find_job(ctx, v[0]);
    (void)e;
    if (j && ncols >= 2) j->rejected = v[1] ? strtoll(v[1], NULL, 10) : 0;
    return 0;
}

static int list_owner_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    state_job *j = find_job(ctx, v[0]);
    if (j && ncols >= 5) owner_row(&j->owner, ncols - 1, v + 1, e);
    return 0;
}

int state_list_jobs(ferry_conn *t, state_job **jobs, int *n, ferry_err *e)
{
    if (t->drv->state) return t->drv->state->list_jobs(t, jobs, n, e);
    job_list l = {NULL, 0};
    strbuf cols = STRBUF_INIT, sql = STRBUF_INIT;
    int rc = -1;
    *jobs = NULL;
    *n = 0;
    int has = state_has(t, D(t)->state_jobs, e);
    if (has <= 0) return has;
    /* Read defensively: a jobs table made by an older ferry lacks the
     * newer columns (this command never alters the target). */
    if (jobs_columns(t, &cols, e)) goto out;
    strbuf_addf(&sql, "SELECT job_id, source, target, status, started_at, updated_at, finished_at, "
                "options, %s, %s FROM {jobs} ORDER BY started_at, job_id",
                has_column(&cols, "command") ? "command" : "NULL",
                has_column(&cols, "plan_desc") ? "plan_desc" : "NULL");
    if (query_p(t, strbuf_cstr(&sql), 0, NULL, list_job_row, &l, e)) goto out;
    if (l.n == 0) { rc = 0; goto out; }
    if (query_p(t, "SELECT job_id, count(*), sum(CASE WHEN done THEN 1 ELSE 0 END), "
                   "sum(CASE WHEN done THEN row_count ELSE 0 END), max(done_at), "
                   "sum(CASE WHEN done THEN rejected ELSE 0 END) FROM {chunks} GROUP BY job_id",
                0, NULL, list_chunk_row, &l, e) ||
        query_p(t, "SELECT job_id, max(done_at) FROM {steps} GROUP BY job_id", 0, NULL,
                list_step_row, &l, e) ||
        query_p(t, "SELECT job_id, count(*) FROM {rejects} GROUP BY job_id", 0, NULL,
                list_reject_row, &l, e))
        goto out;
    has = state_has(t, D(t)->state_owners, e);
    if (has < 0) goto out;
    if (has && query_p(t, "SELECT job_id, pid, host, lock_session, started_at FROM {owners}", 0,
                       NULL, list_owner_row, &l, e))
        goto out;
    rc = 0;
out:
    strbuf_free(&cols);
    strbuf_free(&sql);
    if (rc) {
        state_jobs_free(l.jobs, l.n);
    } else {
        *jobs = l.jobs;
        *n = l.n;
    }
    return rc;
}

void state_jobs_free(state_job *jobs, int n)
{
    for (int i = 0; i < n; i++) {
        state_job *j = &jobs[i];
        free(j->job_id); free(j->source); free(j->target); free(j->status);
        free(j->started_at); free(j->updated_at); free(j->finished_at); free(j->options);
        free(j->command); free(j->plan_desc); free(j->last_chunk_at); free(j->last_step_at);
    }
    free(jobs);
}
