/* dump_read.c — a dump directory as a source (ferry restore): the catalog
 * from the manifest, the plan's chunks from the stored ones, rows from the
 * chunk files.
 *
 * The catalog is the source's as it was when the dump was taken: engine,
 * native types, keys, indexes, foreign keys, checks, views, comments, in
 * the source's SQL dialect; each column also carries the logical type its
 * values are stored as (cat_column.stored_lt), which the plan uses unless
 * the dump goes back into the engine it came from with the same reading
 * (engine/plan.c, plan_dump_same_type).
 *
 * Nothing is restored from a damaged dump: connect refuses an incomplete
 * dump and checks every chunk file's size and checksum first
 * (dump_check_source), and each chunk file is verified to its end as it is
 * read — the reader fails the chunk (which is then not committed) when the
 * trailer's counts or checksums disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_internal.h"

int dump_check_source(dump_conn *dc, ferry_err *e)
{
    dump_store *st = dc->st;
    pthread_mutex_lock(&st->mu);
    int done = st->checked;
    pthread_mutex_unlock(&st->mu);
    if (done) return 0;                 /* the readers share the first one's check */
    if (!st->m.complete)
        return ferry_err_set(e, FERRY_E_SOURCE, "source %s: the dump is not complete (it was "
                             "interrupted or is still being written): rerun the dump command to "
                             "finish it, then restore; ferry never restores part of a dump",
                             dc->display);
    strbuf report = STRBUF_INIT;
    dump_verify_summary sum;
    int r = dump_verify_dir(st->dir, 1, &report, &sum, e);
    if (r > 0) {
        /* the first problem line says which file and what */
        const char *bad = strstr(strbuf_cstr(&report), "  BAD   ");
        const char *end = bad ? strchr(bad, '\n') : NULL;
        ferry_err_set(e, FERRY_E_SOURCE, "source %s: the dump is damaged: %.*s; nothing was "
                      "restored (run ferry verify %s for the full report)", dc->display,
                      bad ? (int)(end ? end - bad - 8 : (long)strlen(bad) - 8) : 0,
                      bad ? bad + 8 : "", st->dir);
    } else if (r < 0) {
        ferry_err_prefix(e, "source %s: ", dc->display);
    }
    strbuf_free(&report);
    if (r == 0) {
        pthread_mutex_lock(&st->mu);
        st->checked = 1;
        pthread_mutex_unlock(&st->mu);
    }
    return r ? -1 : 0;
}

static char *A(ferry_catalog *cat, const char *s) { return s ? arena_strdup(&cat->mem, s) : NULL; }

static char **strs(ferry_catalog *cat, char *const *v, int n)
{
    if (!v) return NULL;
    char **out = arena_alloc(&cat->mem, sizeof(char *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) out[i] = A(cat, v[i]);
    return out;
}

static void describe_column(ferry_catalog *cat, const dump_table *d, const dump_column *dc,
                            cat_column *c)
{
    c->name = A(cat, dc->name);
    c->native_type = A(cat, dc->native_type ? dc->native_type : "");
    c->notnull = !dc->nullable;
    c->default_expr = A(cat, dc->default_expr);
    for (int k = 0; k < d->npk; k++)
        if (d->pk[k] && strcmp(d->pk[k], dc->name) == 0) c->pk_position = k + 1;
    c->identity = dc->identity;
    c->generated = dc->generated_expr != NULL;
    c->generated_stored = dc->generated_stored;
    c->generated_expr = A(cat, dc->generated_expr);
    c->collation = A(cat, dc->collation);
    c->comment = A(cat, dc->comment);
    c->on_update = A(cat, dc->on_update);
    c->nlabels = dc->nlabels;
    c->labels = strs(cat, dc->labels, dc->nlabels);
    c->enum_type = A(cat, dc->enum_type);
    c->enum_create = A(cat, dc->enum_create);
    ltype *lt = arena_alloc(&cat->mem, sizeof *lt);
    *lt = dc->lt;
    c->stored_lt = lt;
    c->stored_lossy = A(cat, dc->lossy);
}

static void describe_table(ferry_catalog *cat, const dump_manifest *m, const dump_table *d,
                           cat_table *t)
{
    t->schema = A(cat, d->schema);
    t->name = A(cat, d->name);
    t->comment = A(cat, d->comment);
    t->sql = A(cat, d->sql);
    t->ncols = d->ncols;
    t->cols = arena_alloc(&cat->mem, sizeof(cat_column) * (size_t)(d->ncols ? d->ncols : 1));
    t->rowid_alias = -1;
    for (int c = 0; c < d->ncols; c++) {
        describe_column(cat, d, &d->cols[c], &t->cols[c]);
        if (d->rowid_alias && strcmp(d->rowid_alias, d->cols[c].name) == 0) t->rowid_alias = c;
    }
    t->npk = d->npk;
    t->pk_name = A(cat, d->pk_name);
    t->autoincrement = d->autoincrement;
    t->autoinc_seq = d->identity_high;
    t->has_rowid = d->has_rowid;
    t->nindexes = d->nindexes;
    t->indexes = arena_alloc(&cat->mem, sizeof(cat_index) * (size_t)(d->nindexes ? d->nindexes : 1));
    for (int i = 0; i < d->nindexes; i++) {
        const dump_index *x = &d->indexes[i];
        cat_index *y = &t->indexes[i];
        y->name = A(cat, x->name);
        y->unique = x->unique;
        y->is_constraint = x->is_constraint;
        y->nparts = x->nparts;
        y->parts = arena_alloc(&cat->mem, sizeof(cat_index_part) * (size_t)(x->nparts ? x->nparts : 1));
        for (int k = 0; k < x->nparts; k++) {
            y->parts[k].column = A(cat, x->parts[k].column);
            y->parts[k].expr = A(cat, x->parts[k].expr);
            y->parts[k].desc = x->parts[k].desc;
            y->parts[k].collation = A(cat, x->parts[k].collation);
        }
        y->where = A(cat, x->where);
        y->sql = A(cat, x->sql);
    }
    t->nfks = d->nfks;
    t->fks = arena_alloc(&cat->mem, sizeof(cat_fk) * (size_t)(d->nfks ? d->nfks : 1));
    for (int i = 0; i < d->nfks; i++) {
        const dump_fk *f = &d->fks[i];
        cat_fk *g = &t->fks[i];
        g->name = A(cat, f->name);
        g->ncols = f->ncols;
        g->cols = strs(cat, f->cols, f->ncols);
        g->ref_table = A(cat, f->ref_table);
        g->ref_cols = strs(cat, f->ref_cols, f->ncols);
        g->on_delete = A(cat, f->on_delete);
        g->on_update = A(cat, f->on_update);
        g->deferrable = f->deferrable;
    }
    t->nchecks = d->nchecks;
    t->checks = arena_alloc(&cat->mem, sizeof(cat_check) * (size_t)(d->nchecks ? d->nchecks : 1));
    for (int i = 0; i < d->nchecks; i++) {
        t->checks[i].name = A(cat, d->checks[i].name);
        t->checks[i].expr = A(cat, d->checks[i].expr);
    }
    int64_t rows = 0;
    for (size_t i = 0; i < m->nchunks; i++)
        if (m->chunks[i].table_id == d->id) rows += (int64_t)m->chunks[i].rows;
    t->est_rows = rows;
    /* an increment's table without key (mode "full") holds all its rows */
    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(m->job, "incremental");
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(inc, "previous");
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inc, "tables"), d->name), "mode");
    t->replace_all = cJSON_IsString(prev) && cJSON_IsString(mode) && !strcmp(mode->valuestring, "full");
}

int dump_describe(ferry_conn *c, ferry_catalog *cat, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    const dump_manifest *m = &dc->st->m;       /* read-only once loaded: no lock needed */
    (void)e;
    cat->engine = A(cat, m->src_engine);
    cat->server_version = A(cat, m->src_server_version);
    cat->ntables = m->ntables;
    cat->tables = arena_alloc(&cat->mem, sizeof(cat_table) * (size_t)(m->ntables ? m->ntables : 1));
    for (int i = 0; i < m->ntables; i++) describe_table(cat, m, &m->tables[i], &cat->tables[i]);
    cat->nviews = m->nviews;
    cat->views = arena_alloc(&cat->mem, sizeof(cat_view) * (size_t)(m->nviews ? m->nviews : 1));
    for (int i = 0; i < m->nviews; i++) {
        cat->views[i].schema = A(cat, m->views[i].schema);
        cat->views[i].name = A(cat, m->views[i].name);
        cat->views[i].select_sql = A(cat, m->views[i].select_sql);
        cat->views[i].sql = A(cat, m->views[i].sql);
    }
    return 0;
}

/* table_of — the dump's table behind a catalog table (same schema and name). */
static const dump_table *table_of(const dump_manifest *m, const cat_table *t)
{
    for (int i = 0; i < m->ntables; i++) {
        const dump_table *d = &m->tables[i];
        if (strcmp(d->name, t->name) != 0) continue;
        if ((!d->schema && !t->schema) || (d->schema && t->schema && !strcmp(d->schema, t->schema)))
            return d;
    }
    return NULL;
}

static int cmp_lo(const void *a, const void *b)
{
    const dump_chunk *x = *(const dump_chunk *const *)a, *y = *(const dump_chunk *const *)b;
    if (x->has_lo != y->has_lo) return x->has_lo - y->has_lo;     /* open start first */
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* chunks_of — the table's recorded chunks in key order (malloc'd). */
static const dump_chunk **chunks_of(const dump_manifest *m, int table_id, int *n)
{
    const dump_chunk **v = xmalloc(sizeof *v * (m->nchunks + 1));
    *n = 0;
    for (size_t i = 0; i < m->nchunks; i++)
        if (m->chunks[i].table_id == table_id) v[(*n)++] = &m->chunks[i];
    qsort(v, (size_t)*n, sizeof *v, cmp_lo);
    return v;
}

int dump_key_stats(ferry_conn *c, const cat_table *t, const char *key_column, int64_t *count,
                   int64_t *min, int64_t *max, ferry_err *e)
{
    (void)key_column; (void)e; (void)c;
    /* Only for progress: the plan takes the stored chunks (stored_splits). */
    *count = t->est_rows > 0 ? t->est_rows : 0;
    *min = *max = 0;
    return 0;
}

int dump_stored_splits(ferry_conn *c, const cat_table *t, int64_t **points, int *npoints,
                       ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    const dump_manifest *m = &dc->st->m;
    const dump_table *d = table_of(m, t);
    *points = NULL;
    *npoints = 0;
    if (!d) return ferry_err_set(e, FERRY_E_INTERNAL, "%s: table \"%s\" is not in the dump",
                                 dc->display, t->name);
    int n;
    const dump_chunk **v = chunks_of(m, d->id, &n);
    *points = xmalloc(sizeof(int64_t) * (size_t)(n + 1));
    for (int i = 1; i < n; i++)
        if (v[i]->has_lo) (*points)[(*npoints)++] = v[i]->lo;
    free(v);
    return 0;
}

/* inside — chunk c lies in the requested range of spec. */
static int inside(const dump_chunk *c, const read_spec *s)
{
    return (!s->has_lo || (c->has_lo && c->lo >= s->lo)) &&
           (!s->has_hi || (c->has_hi && c->hi <= s->hi));
}

static int64_t key_of(const ferry_value *v, int64_t fallback)
{
    if (v->cls == FV_INT) return v->i;
    if (v->cls == FV_TEXT && v->n > 0 && v->n < 24) {
        char buf[24];
        memcpy(buf, v->p, v->n);
        buf[v->n] = 0;
        char *end;
        long long k = strtoll(buf, &end, 10);
        if (!*end) return k;
    }
    return fallback;
}

/* read_file — stream one chunk file's rows into cb: the spec's columns,
 * each row with its key (the key column's value, or the row's ordinal
 * from the chunk's start when the table has no key column). */
static int read_chunk_file(dump_conn *dc, const dump_table *d, const dump_chunk *ch,
                     const read_spec *spec, row_callback cb, void *ctx, ferry_err *e)
{
    char *path = xasprintf("%s/%s", dc->st->dir, ch->file);
    dumpfmt_reader *r = dumpfmt_reader_open(path, e);
    int rc = -1, ncols;
    ferry_value *out = NULL;
    if (!r) goto out;
    const ltype *types = dumpfmt_reader_types(r, &ncols);
    if (dump_table_check_types(d, types, ncols, path, e)) goto out;
    int kc = -1;
    for (int i = 0; d->key_column && i < d->ncols; i++)
        if (strcmp(d->cols[i].name, d->key_column) == 0) kc = i;
    out = xcalloc((size_t)spec->ncols + 1, sizeof *out);
    int64_t ordinal = ch->has_lo ? ch->lo : 0;
    const ferry_value *vals;
    int got;
    while ((got = dumpfmt_reader_next_row(r, &vals, e)) == 1) {
        for (int i = 0; i < spec->ncols; i++) out[i] = vals[spec->col_index[i]];
        int64_t key = kc >= 0 ? key_of(&vals[kc], ordinal) : ordinal;
        ordinal++;
        if (cb(ctx, out, key, e)) goto out;
    }
    if (got == 0) rc = 0;
out:
    free(out);
    dumpfmt_reader_close(r);
    free(path);
    return rc;
}

int dump_read_chunk(ferry_conn *c, const read_spec *spec, row_callback cb, void *ctx,
                    ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    const dump_manifest *m = &dc->st->m;
    const dump_table *d = table_of(m, spec->table);
    if (!d) return ferry_err_set(e, FERRY_E_INTERNAL, "%s: table \"%s\" is not in the dump",
                                 dc->display, spec->table->name);
    for (int i = 0; i < spec->ncols; i++)
        if (spec->col_index[i] < 0 || spec->col_index[i] >= d->ncols)
            return ferry_err_set(e, FERRY_E_INTERNAL, "%s: table \"%s\": column %d is not stored",
                                 dc->display, d->name, spec->col_index[i]);
    int n, rc = 0;
    const dump_chunk **v = chunks_of(m, d->id, &n);
    for (int i = 0; i < n && !rc; i++)
        if (inside(v[i], spec)) rc = read_chunk_file(dc, d, v[i], spec, cb, ctx, e);
    free(v);
    if (rc) e->side = SIDE_SOURCE;
    return rc;
}
