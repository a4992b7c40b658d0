/* dump_state.c — a dump's job state, kept in its manifest (the state_ops
 * of engine/checkpoint.h): the manifest's "job" object holds the job id,
 * fingerprint and description, the planned chunks (fixed at the first run,
 * as in _ferry.chunks), the rejects and the lock holder; a chunk is done
 * when the manifest records its file. create_job also writes the schema
 * the dump carries, from the plan and the source catalog.
 *
 * Names in the manifest are the source's own (renames and --lower-case
 * apply when the dump is restored, not when it is taken); table ids are
 * the plan's table indexes, stable because a resumed run plans the same
 * tables in the same order (or its fingerprint differs). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_internal.h"
#include "dialect.h"
#include "../engine/checkpoint.h"
#include "../engine/version.h"

static dump_store *ST(ferry_conn *t) { return ((dump_conn *)t)->st; }

cJSON *dump_job(const dump_store *st)
{
    return st->loaded ? st->m.job : NULL;
}

static const char *job_str(const cJSON *job, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(job, key);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

static int parse_i64(const cJSON *j, int *has, int64_t *v)
{
    *has = 0;
    if (!j || cJSON_IsNull(j)) return 0;
    if (!cJSON_IsString(j)) return -1;
    char *end;
    *v = strtoll(j->valuestring, &end, 10);
    *has = 1;
    return *end ? -1 : 0;
}

int dump_chunk_range(const dump_store *st, int chunk_id, int *table, int *has_lo, int64_t *lo,
                     int *has_hi, int64_t *hi)
{
    const cJSON *chunks = cJSON_GetObjectItemCaseSensitive(dump_job(st), "chunks");
    const cJSON *c = cJSON_GetArrayItem(chunks, chunk_id);
    if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != 4) return -1;
    if (cJSON_GetArrayItem(c, 1)->valueint != chunk_id) return -1;
    *table = cJSON_GetArrayItem(c, 0)->valueint;
    if (parse_i64(cJSON_GetArrayItem(c, 2), has_lo, lo) ||
        parse_i64(cJSON_GetArrayItem(c, 3), has_hi, hi))
        return -1;
    return 0;
}

static int dump_init(ferry_conn *t, ferry_err *e)
{
    (void)t; (void)e;             /* the directory was prepared by connect */
    return 0;
}

static int dump_load_job(ferry_conn *t, const char *job_id, job_info *out, ferry_err *e)
{
    dump_store *st = ST(t);
    int rc = 0;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&st->mu);
    const cJSON *job = dump_job(st);
    if (st->loaded) {
        const char *id = job ? job_str(job, "id") : NULL;
        if (!id || strcmp(id, job_id) != 0) {
            rc = ferry_err_set(e, FERRY_E_JOB, "%s already holds a %s dump of %s (made %s by "
                               "another job): dump into a new or empty directory",
                               ((dump_conn *)t)->display,
                               st->m.complete ? "complete" : "incomplete",
                               st->m.src_url ? st->m.src_url : "another source",
                               st->m.created ? st->m.created : "earlier");
        } else {
            const char *fp = job_str(job, "fingerprint"), *status = job_str(job, "status");
            const char *desc = job_str(job, "plan_desc");
            out->found = 1;
            snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fp ? fp : "");
            snprintf(out->status, sizeof out->status, "%s", status ? status : "running");
            out->finished = st->m.complete;
            out->plan_desc = desc ? xstrdup(desc) : NULL;
        }
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* ---------------------------------------------------------- the schema */

static char *S(dump_manifest *m, const char *s) { return s ? arena_strdup(&m->mem, s) : NULL; }

static char **strs(dump_manifest *m, char *const *v, int n)
{
    if (!v) return NULL;
    char **out = arena_alloc(&m->mem, sizeof(char *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) out[i] = S(m, v[i]);
    return out;
}

/* fill_column — a stored column: the plan decided its logical type (the
 * values are encoded as that); the source's native text is kept for a
 * restore into the same engine. What reading the native type as the
 * logical type loses comes from the source's type table, also for types a
 * same-engine plan carries verbatim (PostgreSQL arrays as their text). */
static void fill_column(dump_manifest *m, const ferry_plan *p, const plan_table *pt,
                        const plan_column *pc, const type_map *map, dump_column *c)
{
    const cat_column *sc = pc->src;
    c->name = S(m, sc->name);
    c->lt = pc->lt;
    c->native_type = S(m, sc->native_type);
    c->nullable = !sc->notnull;
    c->default_expr = S(m, sc->default_expr);
    c->comment = S(m, sc->comment);
    c->identity = sc->identity;
    if (sc->generated) {
        c->generated_expr = S(m, sc->generated_expr ? sc->generated_expr : "");
        c->generated_stored = sc->generated_stored;
    }
    c->collation = S(m, sc->collation);
    c->nlabels = sc->nlabels;
    c->labels = strs(m, sc->labels, sc->nlabels);
    c->enum_type = S(m, sc->enum_type);
    c->enum_create = S(m, sc->enum_create);
    c->on_update = S(m, sc->on_update);
    const char *lossy = pc->src_lossy;
    if (!lossy && map) {
        ltype lt;
        const char *rule = NULL;
        if (type_map_to_logical_ex(map, pt->src->name, sc->name, sc->native_type, &lt, &rule,
                                   &lossy) != 0)
            lossy = NULL;
    }
    c->lossy = S(m, lossy);
    (void)p;
}

static void fill_table(dump_manifest *m, const ferry_plan *p, int ti, const type_map *map,
                       int sqlite, dump_table *d)
{
    const plan_table *pt = &p->tables[ti];
    const cat_table *st = pt->src;
    d->id = ti;
    d->schema = S(m, st->schema);
    d->name = S(m, st->name);
    d->comment = S(m, st->comment);
    d->ncols = pt->ncols;
    d->cols = arena_alloc(&m->mem, sizeof(dump_column) * (size_t)(pt->ncols ? pt->ncols : 1));
    for (int c = 0; c < pt->ncols; c++) fill_column(m, p, pt, &pt->cols[c], map, &d->cols[c]);
    d->npk = st->npk;
    d->pk_name = S(m, st->pk_name);
    d->pk = arena_alloc(&m->mem, sizeof(char *) * (size_t)(st->npk ? st->npk : 1));
    for (int c = 0; c < st->ncols; c++)
        if (st->cols[c].pk_position > 0 && st->cols[c].pk_position <= st->npk)
            d->pk[st->cols[c].pk_position - 1] = S(m, st->cols[c].name);
    d->nindexes = st->nindexes;
    d->indexes = arena_alloc(&m->mem, sizeof(dump_index) * (size_t)(st->nindexes ? st->nindexes : 1));
    for (int i = 0; i < st->nindexes; i++) {
        const cat_index *x = &st->indexes[i];
        dump_index *y = &d->indexes[i];
        y->name = S(m, x->name);
        y->unique = x->unique;
        y->is_constraint = x->is_constraint;
        y->nparts = x->nparts;
        y->parts = arena_alloc(&m->mem, sizeof(dump_index_part) * (size_t)(x->nparts ? x->nparts : 1));
        for (int k = 0; k < x->nparts; k++) {
            y->parts[k].column = S(m, x->parts[k].column);
            y->parts[k].expr = S(m, x->parts[k].expr);
            y->parts[k].desc = x->parts[k].desc;
            y->parts[k].collation = S(m, x->parts[k].collation);
        }
        y->where = S(m, x->where);
        y->sql = S(m, x->sql);
    }
    d->nfks = st->nfks;
    d->fks = arena_alloc(&m->mem, sizeof(dump_fk) * (size_t)(st->nfks ? st->nfks : 1));
    for (int i = 0; i < st->nfks; i++) {
        const cat_fk *f = &st->fks[i];
        dump_fk *g = &d->fks[i];
        g->name = S(m, f->name);
        g->ncols = f->ncols;
        g->cols = strs(m, f->cols, f->ncols);
        g->ref_schema = S(m, st->schema);
        g->ref_table = S(m, f->ref_table);
        int named = 0;
        for (int k = 0; f->ref_cols && k < f->ncols; k++) named |= f->ref_cols[k] != NULL;
        g->ref_cols = named ? strs(m, f->ref_cols, f->ncols) : NULL;
        g->on_delete = S(m, f->on_delete);
        g->on_update = S(m, f->on_update);
        g->deferrable = f->deferrable;
    }
    d->nchecks = st->nchecks;
    d->checks = arena_alloc(&m->mem, sizeof(dump_check) * (size_t)(st->nchecks ? st->nchecks : 1));
    for (int i = 0; i < st->nchecks; i++) {
        d->checks[i].name = S(m, st->checks[i].name);
        d->checks[i].expr = S(m, st->checks[i].expr);
    }
    for (int c = 0; c < st->ncols; c++)
        if (st->cols[c].identity || c == st->rowid_alias) {
            if (st->cols[c].identity || st->autoincrement) {
                d->identity_column = S(m, st->cols[c].name);
                d->identity_high = st->autoinc_seq;
            }
        }
    if (st->rowid_alias >= 0 && st->rowid_alias < st->ncols)
        d->rowid_alias = S(m, st->cols[st->rowid_alias].name);
    d->autoincrement = st->autoincrement;
    d->has_rowid = sqlite && st->has_rowid;
    d->key_column = S(m, pt->key_column);
    d->sql = S(m, st->sql);
    d->est_rows = st->est_rows;
}

static cJSON *json_or_string(const char *text)
{
    if (!text) return cJSON_CreateNull();
    cJSON *j = cJSON_Parse(text);
    return j ? j : cJSON_CreateString(text);
}

static cJSON *i64_or_null(int has, int64_t v)
{
    char buf[24];
    if (!has) return cJSON_CreateNull();
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return cJSON_CreateString(buf);
}

static int dump_create_job(ferry_conn *t, const char *job_id, const char *source,
                           const char *target, const char *fingerprint, const char *options,
                           const char *plan_desc, const char *command, const ferry_plan *p,
                           ferry_err *e)
{
    dump_store *st = ST(t);
    char now[40];
    int rc;
    now_iso8601(now, sizeof now);
    pthread_mutex_lock(&st->mu);
    dump_manifest_free(&st->m);
    dump_manifest_init(&st->m);
    dump_manifest *m = &st->m;
    const ferry_catalog *cat = p->cat;
    const type_map *map = type_map_builtin(p->dst->name);
    m->ferry_version = S(m, FERRY_VERSION);
    m->created = S(m, now);
    m->src_engine = S(m, cat->engine);
    m->src_server_version = S(m, cat->server_version);
    m->src_url = S(m, source);
    m->snapshot = S(m, st->snapshot);
    m->snapshot_time = S(m, now);
    m->level = ferry_dump_level;
    m->chunk_rows = p->opts->chunk_rows > 0 ? p->opts->chunk_rows : 50000;
    m->ntables = p->ntables;
    m->tables = arena_alloc(&m->mem, sizeof(dump_table) * (size_t)(p->ntables ? p->ntables : 1));
    for (int i = 0; i < p->ntables; i++)
        fill_table(m, p, i, map, cat->engine && strcmp(cat->engine, "sqlite") == 0, &m->tables[i]);
    m->nviews = cat->nviews;
    m->views = arena_alloc(&m->mem, sizeof(dump_view) * (size_t)(cat->nviews ? cat->nviews : 1));
    for (int i = 0; i < cat->nviews; i++) {
        m->views[i].schema = S(m, cat->views[i].schema);
        m->views[i].name = S(m, cat->views[i].name);
        m->views[i].select_sql = S(m, cat->views[i].select_sql);
        m->views[i].sql = S(m, cat->views[i].sql);
    }
    cJSON *job = cJSON_CreateObject();
    cJSON_AddStringToObject(job, "id", job_id);
    cJSON_AddStringToObject(job, "fingerprint", fingerprint);
    cJSON_AddStringToObject(job, "status", "running");
    cJSON_AddStringToObject(job, "source", source);
    cJSON_AddStringToObject(job, "target", target);
    cJSON_AddStringToObject(job, "started_at", now);
    cJSON_AddItemToObject(job, "options", json_or_string(options));
    cJSON_AddItemToObject(job, "command", json_or_string(command));
    if (plan_desc) cJSON_AddStringToObject(job, "plan_desc", plan_desc);
    if (st->owner) cJSON_AddItemToObject(job, "owner", cJSON_Duplicate(st->owner, 1));
    cJSON *chunks = cJSON_AddArrayToObject(job, "chunks");
    for (int i = 0; i < p->nchunks; i++) {
        const plan_chunk *k = &p->chunks[i];
        cJSON *c = cJSON_CreateArray();
        cJSON_AddItemToArray(c, cJSON_CreateNumber(k->table));
        cJSON_AddItemToArray(c, cJSON_CreateNumber(k->id));
        cJSON_AddItemToArray(c, i64_or_null(k->has_lo, k->lo));
        cJSON_AddItemToArray(c, i64_or_null(k->has_hi, k->hi));
        cJSON_AddItemToArray(chunks, c);
    }
    cJSON_AddArrayToObject(job, "rejects");
    if (p->incr_json) cJSON_AddItemToObject(job, "incremental", cJSON_Parse(p->incr_json));
    m->job = job;
    st->loaded = 1;
    rc = dump_store_save(st, e);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static int dump_load_chunks(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e)
{
    dump_store *st = ST(t);
    int rc = 0;
    (void)job_id;
    pthread_mutex_lock(&st->mu);
    const cJSON *chunks = cJSON_GetObjectItemCaseSensitive(dump_job(st), "chunks");
    int n = cJSON_GetArraySize(chunks);
    for (int i = 0; i < n && !rc; i++) {
        plan_chunk c = {0};
        if (dump_chunk_range(st, i, &c.table, &c.has_lo, &c.lo, &c.has_hi, &c.hi) ||
            c.table < 0 || c.table >= p->ntables) {
            rc = ferry_err_set(e, FERRY_E_JOB, "%s/%s: the job's chunk list is damaged at chunk "
                               "%d: rerun with --restart to start the dump over", st->dir,
                               DUMPFMT_MANIFEST, i);
            break;
        }
        c.id = i;
        const dump_chunk *rec = dump_manifest_find_chunk(&st->m, c.table, i);
        if (rec) { c.done = 1; c.rows = (int64_t)rec->rows; }
        plan_add_chunk(p, &c);
        plan_table *tb = &p->tables[c.table];
        if (tb->nchunks == 0) tb->first_chunk = i;
        tb->nchunks++;
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static int dump_load_steps(ferry_conn *t, const char *job_id, ferry_plan *p, ferry_err *e)
{
    (void)t; (void)job_id; (void)p; (void)e;      /* a dump has no steps */
    return 0;
}

static int dump_mark_chunk(ferry_conn *t, const char *job_id, int chunk_id, int64_t rows,
                           int64_t rejected, int64_t bytes, const char *run, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)t;
    (void)job_id; (void)rejected; (void)bytes; (void)run;
    if (chunk_id != dc->chunk_id || !dc->written || (int64_t)dc->rec.rows != rows)
        return ferry_err_set(e, FERRY_E_INTERNAL, "%s: chunk %d marked done without its file",
                             dc->display, chunk_id);
    dc->marked = 1;
    return 0;
}

static int dump_mark_step(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e)
{
    (void)t; (void)job_id; (void)step_id; (void)e;
    return 0;
}

static int dump_add_reject(ferry_conn *t, const char *job_id, int chunk_id, const char *table,
                           int64_t key, const char *column, const char *reason,
                           const char *row_json, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)t;
    (void)job_id; (void)e;
    if (!dc->rejects) dc->rejects = cJSON_CreateArray();
    cJSON *o = cJSON_CreateObject();
    char k[24];
    snprintf(k, sizeof k, "%lld", (long long)key);
    cJSON_AddStringToObject(o, "table", table);
    cJSON_AddNumberToObject(o, "chunk", chunk_id);
    cJSON_AddStringToObject(o, "key", k);
    if (column) cJSON_AddStringToObject(o, "column", column);
    else cJSON_AddNullToObject(o, "column");
    cJSON_AddStringToObject(o, "reason", reason ? reason : "");
    cJSON *row = row_json ? cJSON_Parse(row_json) : NULL;
    if (row) cJSON_AddItemToObject(o, "row", row);
    else cJSON_AddNullToObject(o, "row");
    cJSON_AddItemToArray(dc->rejects, o);
    return 0;
}

static void set_str(cJSON *o, const char *key, const char *v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddStringToObject(o, key, v);
}

static int dump_finish_job(ferry_conn *t, const char *job_id, const char *status, ferry_err *e)
{
    dump_store *st = ST(t);
    char now[40];
    int rc = 0;
    (void)job_id;
    now_iso8601(now, sizeof now);
    pthread_mutex_lock(&st->mu);
    cJSON *job = dump_job(st);
    if (!job) {
        rc = ferry_err_set(e, FERRY_E_INTERNAL, "%s: no job to finish", st->dir);
    } else {
        set_str(job, "status", status);
        set_str(job, "finished_at", now);
        st->m.complete = 1;
        st->m.finished = S(&st->m, now);
        rc = dump_store_save(st, e);
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* dump_delete_job — --restart: the chunk files and the manifest go; the
 * directory and its lock stay. */
static int dump_delete_job(ferry_conn *t, const char *job_id, char ***created, int *ncreated,
                           ferry_err *e)
{
    dump_store *st = ST(t);
    (void)job_id;
    *created = NULL;
    *ncreated = 0;
    pthread_mutex_lock(&st->mu);
    char *data = xasprintf("%s/%s", st->dir, DUMPFMT_DATA_DIR);
    DIR *d = opendir(data);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if ((n > 4 && !strcmp(de->d_name + n - 4, ".fdc")) ||
            (n > 8 && !strcmp(de->d_name + n - 8, ".fdc.tmp"))) {
            char *f = xasprintf("%s/%s", data, de->d_name);
            unlink(f);
            free(f);
        }
    }
    if (d) closedir(d);
    free(data);
    char *man = xasprintf("%s/%s", st->dir, DUMPFMT_MANIFEST);
    int rc = unlink(man) == 0 || errno == ENOENT
           ? 0 : ferry_err_set(e, FERRY_E_TARGET, "cannot remove %s: %m", man);
    free(man);
    dump_manifest_free(&st->m);
    dump_manifest_init(&st->m);
    st->loaded = st->dirty = 0;
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static int dump_write_rejects(ferry_conn *t, const char *job_id, FILE *f, int64_t *count,
                              ferry_err *e)
{
    dump_store *st = ST(t);
    (void)job_id; (void)e;
    *count = 0;
    pthread_mutex_lock(&st->mu);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(dump_job(st), "rejects");
    const cJSON *r;
    cJSON_ArrayForEach(r, list) {
        cJSON *o = cJSON_Duplicate(r, 1);
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(r, "key");
        cJSON_DeleteItemFromObjectCaseSensitive(o, "key");
        /* keys are 64-bit integers: written as digits, as the SQL state does */
        if (cJSON_IsString(k)) cJSON_AddRawToObject(o, "key", k->valuestring);
        else cJSON_AddNullToObject(o, "key");
        char *line = cJSON_PrintUnformatted(o);
        fprintf(f, "%s\n", line);
        free(line);
        cJSON_Delete(o);
        (*count)++;
    }
    pthread_mutex_unlock(&st->mu);
    return 0;
}

static int dump_table_exists(ferry_conn *t, const char *schema, const char *table, ferry_err *e)
{
    (void)t; (void)schema; (void)table; (void)e;
    /* A directory holding another dump is refused by load_job; the same
     * job's tables are its own. */
    return 0;
}

static int dump_set_owner(ferry_conn *t, const char *job_id, long long pid, const char *host,
                          const char *lock_session, ferry_err *e)
{
    dump_store *st = ST(t);
    char now[40];
    int rc = 0;
    (void)job_id;
    now_iso8601(now, sizeof now);
    pthread_mutex_lock(&st->mu);
    cJSON_Delete(st->owner);
    st->owner = cJSON_CreateObject();
    cJSON_AddNumberToObject(st->owner, "pid", (double)pid);
    cJSON_AddStringToObject(st->owner, "host", host);
    cJSON_AddStringToObject(st->owner, "lock_session", lock_session ? lock_session : "");
    cJSON_AddStringToObject(st->owner, "since", now);
    cJSON *job = dump_job(st);
    if (job && !st->m.complete) {
        cJSON_DeleteItemFromObjectCaseSensitive(job, "owner");
        cJSON_AddItemToObject(job, "owner", cJSON_Duplicate(st->owner, 1));
        rc = dump_store_save(st, e);
    }
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static void owner_from(const cJSON *o, state_owner *out)
{
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(o, "pid");
    const char *host = job_str(o, "host"), *ls = job_str(o, "lock_session");
    const char *since = job_str(o, "since");
    if (!cJSON_IsNumber(pid)) return;
    out->found = 1;
    out->pid = (long long)pid->valuedouble;
    snprintf(out->host, sizeof out->host, "%s", host ? host : "");
    snprintf(out->lock_session, sizeof out->lock_session, "%s", ls ? ls : "");
    snprintf(out->since, sizeof out->since, "%s", since ? since : "");
}

static int dump_load_owner(ferry_conn *t, const char *job_id, state_owner *out, ferry_err *e)
{
    dump_store *st = ST(t);
    (void)job_id; (void)e;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&st->mu);
    owner_from(cJSON_GetObjectItemCaseSensitive(dump_job(st), "owner"), out);
    pthread_mutex_unlock(&st->mu);
    return 0;
}

static char *dupj(const cJSON *o, const char *key)
{
    const char *s = job_str(o, key);
    return s ? xstrdup(s) : NULL;
}

static int dump_list_jobs(ferry_conn *t, state_job **jobs, int *n, ferry_err *e)
{
    dump_store *st = ST(t);
    (void)e;
    *jobs = NULL;
    *n = 0;
    pthread_mutex_lock(&st->mu);
    const cJSON *job = dump_job(st);
    if (job) {
        state_job *j = xcalloc(1, sizeof *j);
        j->job_id = dupj(job, "id");
        j->source = dupj(job, "source");
        j->target = dupj(job, "target");
        j->status = dupj(job, "status");
        j->started_at = dupj(job, "started_at");
        j->finished_at = dupj(job, "finished_at");
        j->updated_at = xstrdup(j->finished_at ? j->finished_at : j->started_at ? j->started_at : "");
        j->plan_desc = dupj(job, "plan_desc");
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(job, "options");
        j->options = o ? cJSON_PrintUnformatted(o) : NULL;
        o = cJSON_GetObjectItemCaseSensitive(job, "command");
        j->command = o && !cJSON_IsNull(o) ? cJSON_PrintUnformatted(o) : NULL;
        j->chunks_total = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(job, "chunks"));
        j->chunks_done = (int64_t)st->m.nchunks;
        for (size_t i = 0; i < st->m.nchunks; i++) j->rows += (int64_t)st->m.chunks[i].rows;
        j->rejected = j->chunk_rejected =
            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(job, "rejects"));
        owner_from(cJSON_GetObjectItemCaseSensitive(job, "owner"), &j->owner);
        *jobs = j;
        *n = 1;
    }
    pthread_mutex_unlock(&st->mu);
    return 0;
}

const state_ops dump_state_ops = {
    .init = dump_init,
    .load_job = dump_load_job,
    .create_job = dump_create_job,
    .load_chunks = dump_load_chunks,
    .load_steps = dump_load_steps,
    .mark_chunk = dump_mark_chunk,
    .mark_step = dump_mark_step,
    .add_reject = dump_add_reject,
    .finish_job = dump_finish_job,
    .delete_job = dump_delete_job,
    .write_rejects = dump_write_rejects,
    .table_exists = dump_table_exists,
    .set_owner = dump_set_owner,
    .load_owner = dump_load_owner,
    .list_jobs = dump_list_jobs,
};
