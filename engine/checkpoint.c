/* checkpoint.c — the _ferry state tables on a PostgreSQL target.
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

static const char *STATE_DDL =
    "CREATE SCHEMA IF NOT EXISTS _ferry;\n"
    "CREATE TABLE IF NOT EXISTS _ferry.jobs (\n"
    "  job_id text PRIMARY KEY, source text NOT NULL, target text NOT NULL,\n"
    "  fingerprint text NOT NULL, options text, status text NOT NULL DEFAULT 'running',\n"
    "  started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),\n"
    "  finished_at timestamptz);\n"
    "CREATE TABLE IF NOT EXISTS _ferry.chunks (\n"
    "  job_id text NOT NULL, chunk_id int NOT NULL, table_name text NOT NULL,\n"
    "  lo bigint, hi bigint, done boolean NOT NULL DEFAULT false, rows bigint, rejected bigint,\n"
    "  bytes bigint, run text, done_at timestamptz, PRIMARY KEY (job_id, chunk_id));\n"
    "CREATE TABLE IF NOT EXISTS _ferry.steps (\n"
    "  job_id text NOT NULL, step text NOT NULL, done_at timestamptz NOT NULL DEFAULT now(),\n"
    "  PRIMARY KEY (job_id, step));\n"
    "CREATE TABLE IF NOT EXISTS _ferry.rejects (\n"
    "  job_id text NOT NULL, chunk_id int NOT NULL, table_name text NOT NULL, key bigint,\n"
    "  column_name text, reason text NOT NULL, row_json text);\n";

int state_init(ferry_conn *t, ferry_err *e)
{
    /* Two ferry processes creating the schema at once could race on
     * CREATE ... IF NOT EXISTS; an advisory lock serialises them. */
    if (drv_begin(t, e)) return -1;
    if (drv_exec(t, "SELECT pg_advisory_xact_lock(727465)", e) || drv_exec(t, STATE_DDL, e)) {
        drv_rollback(t);
        ferry_err_prefix(e, "cannot create ferry's state tables (schema _ferry) in the target: ");
        return -1;
    }
    return drv_commit(t, e);
}

static int job_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    job_info *j = ctx;
    (void)e;
    if (ncols < 2) return 0;
    j->found = 1;
    snprintf(j->fingerprint, sizeof j->fingerprint, "%s", v[0] ? v[0] : "");
    snprintf(j->status, sizeof j->status, "%s", v[1] ? v[1] : "");
    j->finished = v[1] && strcmp(v[1], "running") != 0;
    return 0;
}

int state_load_job(ferry_conn *t, const char *job_id, job_info *out, ferry_err *e)
{
    const char *params[] = {job_id};
    memset(out, 0, sizeof *out);
    return t->drv->query(t, "SELECT fingerprint, status FROM _ferry.jobs WHERE job_id = $1",
                         1, params, job_row, out, e);
}

int state_create_job(ferry_conn *t, const char *job_id, const char *source,
                     const char *target, const char *fingerprint, const char *options,
                     const ferry_plan *p, ferry_err *e)
{
    const char *jp[] = {job_id, source, target, fingerprint, options};
    if (drv_begin(t, e)) return -1;
    if (t->drv->exec_params(t, "INSERT INTO _ferry.jobs (job_id, source, target, fingerprint, "
                               "options) VALUES ($1, $2, $3, $4, $5)", 5, jp, e))
        goto fail;
    /* All chunks in one statement: PostgreSQL array literals unnested
     * server-side (table names quoted and escaped as array elements). */
    strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT, d = STRBUF_INIT;
    strbuf_addc(&a, '{'); strbuf_addc(&b, '{'); strbuf_addc(&c, '{'); strbuf_addc(&d, '{');
    for (int i = 0; i < p->nchunks; i++) {
        const plan_chunk *k = &p->chunks[i];
        const char *sep = i ? "," : "";
        strbuf_addf(&a, "%s%d", sep, k->id);
        /* table names as quoted array elements */
        strbuf_adds(&b, sep);
        strbuf_addc(&b, '"');
        for (const char *s = p->tables[k->table].name; *s; s++) {
            if (*s == '"' || *s == '\\') strbuf_addc(&b, '\\');
            strbuf_addc(&b, *s);
        }
        strbuf_addc(&b, '"');
        if (k->has_lo) strbuf_addf(&c, "%s%lld", sep, (long long)k->lo); else strbuf_addf(&c, "%sNULL", sep);
        if (k->has_hi) strbuf_addf(&d, "%s%lld", sep, (long long)k->hi); else strbuf_addf(&d, "%sNULL", sep);
    }
    strbuf_addc(&a, '}'); strbuf_addc(&b, '}'); strbuf_addc(&c, '}'); strbuf_addc(&d, '}');
    const char *cp[] = {job_id, strbuf_cstr(&a), strbuf_cstr(&b), strbuf_cstr(&c), strbuf_cstr(&d)};
    int rc = t->drv->exec_params(t,
        "INSERT INTO _ferry.chunks (job_id, chunk_id, table_name, lo, hi) "
        "SELECT $1, * FROM unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[])", 5, cp, e);
    strbuf_free(&a); strbuf_free(&b); strbuf_free(&c); strbuf_free(&d);
    if (rc) goto fail;
    return drv_commit(t, e);
fail:
    drv_rollback(t);
    return -1;
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
    c.done = v[4] && v[4][0] == 't';
    c.rows = v[5] ? strtoll(v[5], NULL, 10) : 0;
    plan_add_chunk(p, &c);
    return 0;
}

int state_load_chunks(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e)
{
    const char *params[] = {job_id};
    chunk_load cl = {p, 0, ""};
    if (t->drv->query(t, "SELECT chunk_id, table_name, lo, hi, done, rows FROM _ferry.chunks "
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

static int step_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    ferry_plan *p = ctx;
    (void)ncols; (void)e;
    for (int i = 0; i < p->nsteps; i++)
        if (strcmp(p->steps[i].id, v[0]) == 0) p->steps[i].done = 1;
    return 0;
}

int state_load_steps(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e)
{
    const char *params[] = {job_id};
    return t->drv->query(t, "SELECT step FROM _ferry.steps WHERE job_id = $1", 1, params,
                         step_row, p, e);
}

int state_mark_chunk(ferry_conn *t, const char *job_id, int chunk_id, int64_t rows,
                     int64_t rejected, int64_t bytes, const char *run, ferry_err *e)
{
    char id[16], r[24], rj[24], b[24];
    snprintf(id, sizeof id, "%d", chunk_id);
    snprintf(r, sizeof r, "%lld", (long long)rows);
    snprintf(rj, sizeof rj, "%lld", (long long)rejected);
    snprintf(b, sizeof b, "%lld", (long long)bytes);
    const char *params[] = {job_id, id, r, rj, b, run};
    return t->drv->exec_params(t,
        "UPDATE _ferry.chunks SET done = true, rows = $3, rejected = $4, bytes = $5, run = $6, "
        "done_at = now() WHERE job_id = $1 AND chunk_id = $2", 6, params, e);
}

int state_mark_step(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e)
{
    const char *params[] = {job_id, step_id};
    return t->drv->exec_params(t, "INSERT INTO _ferry.steps (job_id, step) VALUES ($1, $2) "
                                  "ON CONFLICT DO NOTHING", 2, params, e);
}

int state_add_reject(ferry_conn *t, const char *job_id, int chunk_id, const char *table,
                     int64_t key, const char *column, const char *reason,
                     const char *row_json, ferry_err *e)
{
    char id[16], k[24];
    snprintf(id, sizeof id, "%d", chunk_id);
    snprintf(k, sizeof k, "%lld", (long long)key);
    const char *params[] = {job_id, id, table, k, column, reason, row_json};
    return t->drv->exec_params(t,
        "INSERT INTO _ferry.rejects (job_id, chunk_id, table_name, key, column_name, reason, "
        "row_json) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, params, e);
}

int state_finish_job(ferry_conn *t, const char *job_id, const char *status, ferry_err *e)
{
    const char *params[] = {job_id, status};
    return t->drv->exec_params(t, "UPDATE _ferry.jobs SET status = $2, updated_at = now(), "
                                  "finished_at = now() WHERE job_id = $1", 2, params, e);
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
    const char *params[] = {job_id};
    name_list l = {NULL, 0};
    if (t->drv->query(t, "SELECT step FROM _ferry.steps WHERE job_id = $1 AND step LIKE 'table:%' "
                         "ORDER BY step", 1, params, created_row, &l, e))
        return -1;
    *created = l.names;
    *ncreated = l.n;
    if (drv_begin(t, e)) return -1;
    if (t->drv->exec_params(t, "DELETE FROM _ferry.rejects WHERE job_id = $1", 1, params, e) ||
        t->drv->exec_params(t, "DELETE FROM _ferry.steps WHERE job_id = $1", 1, params, e) ||
        t->drv->exec_params(t, "DELETE FROM _ferry.chunks WHERE job_id = $1", 1, params, e) ||
        t->drv->exec_params(t, "DELETE FROM _ferry.jobs WHERE job_id = $1", 1, params, e)) {
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
    if (v[2]) cJSON_AddNumberToObject(o, "key", (double)strtoll(v[2], NULL, 10));
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
    const char *params[] = {job_id};
    reject_out ro = {f, 0};
    int rc = t->drv->query(t, "SELECT table_name, chunk_id, key, column_name, reason, row_json "
                              "FROM _ferry.rejects WHERE job_id = $1 ORDER BY chunk_id, key",
                           1, params, reject_row, &ro, e);
    *count = ro.n;
    return rc;
}

static int exists_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    (void)ncols; (void)e;
    *(int *)ctx = v[0] && v[0][0] == 't';
    return 0;
}

int state_table_exists(ferry_conn *t, const char *schema, const char *table, ferry_err *e)
{
    const char *params[] = {schema, table};
    int exists = 0;
    if (t->drv->query(t, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN "
                         "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                         "n.nspname = $1 AND c.relname = $2)", 2, params, exists_row, &exists, e))
        return -1;
    return exists;
}
