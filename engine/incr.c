/* incr.c — incremental dumps (engine/incr.h): which rows of each table an
 * increment holds, and the high-water marks the next one starts from.
 *
 * DESIGN
 *   Each table is dumped in one of three ways, decided from the options
 *   and the catalog alone (so a resumed run decides the same):
 *     updated_at  --updated-at COLUMN names a column of the table: rows with
 *                 COLUMN > the previous dump's max(COLUMN) — new and
 *                 changed rows;
 *     key         the table has an integer chunking key: rows with key > the
 *                 previous dump's max(key) — new rows (changes to older rows
 *                 are not seen: declare --updated-at for tables that change);
 *     full        neither: every row, every time.
 *   Marks are read on the source's snapshot (max(column) in the read
 *   transaction) and recorded in the manifest's job.incremental, with the
 *   lower bound used ("after"); the next increment starts from them. Rows
 *   deleted in the source are not carried by increments (docs/dumps.md).
 *   The condition is a read_spec.filter in the source's SQL; in key mode
 *   chunks wholly below the mark are dropped (the first kept chunk is made
 *   open below, so the chunks still cover the key space). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>

#include "incr.h"
#include "../drivers/dialect.h"

enum { MODE_FULL, MODE_KEY, MODE_UPDATED };
static const char *const MODE_NAME[] = {"full", "key", "updated_at"};

/* updated_column — the --updated-at column for table t, or NULL: a
 * "table.column" entry for t, else a bare "column" t has. */
static const char *updated_column(const ferry_options *o, const cat_table *t)
{
    for (int i = 0; i < o->nupdated_at; i++) {
        const char *u = o->updated_at[i], *dot = strchr(u, '.');
        if (dot && (size_t)(dot - u) == strlen(t->name) && !strncasecmp(u, t->name, (size_t)(dot - u)))
            return catalog_column_index(t, dot + 1) >= 0 ? dot + 1 : NULL;
    }
    for (int i = 0; i < o->nupdated_at; i++)
        if (!strchr(o->updated_at[i], '.') && catalog_column_index(t, o->updated_at[i]) >= 0)
            return o->updated_at[i];
    return NULL;
}

static int table_mode(const ferry_options *o, const plan_table *t, const char **column)
{
    const char *u = updated_column(o, t->src);
    if (u) { *column = u; return MODE_UPDATED; }
    if (!t->whole) {
        /* the chunking key; a SQLite table chunked by rowid: its INTEGER
         * PRIMARY KEY column, else the rowid itself */
        const cat_table *s = t->src;
        *column = t->key_column ? t->key_column
                : s->rowid_alias >= 0 && s->rowid_alias < s->ncols ? s->cols[s->rowid_alias].name
                : "rowid";
        return MODE_KEY;
    }
    *column = NULL;
    return MODE_FULL;
}

/* prev_mark — the previous dump's high-water mark of table t in mode/column,
 * or NULL (a table new in the series, another mode: all rows). */
static const char *prev_mark(const cJSON *prev_tables, const plan_table *t, int mode,
                             const char *column)
{
    const cJSON *pt = cJSON_GetObjectItemCaseSensitive(prev_tables, t->src->name);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(pt, "mode");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(pt, "column");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(pt, "high");
    if (!cJSON_IsString(m) || strcmp(m->valuestring, MODE_NAME[mode]) != 0) return NULL;
    if (!cJSON_IsString(c) || strcmp(c->valuestring, column) != 0) return NULL;
    return cJSON_IsString(h) ? h->valuestring : NULL;
}

static const cJSON *prev_tables_of(const cJSON *prev)
{
    const cJSON *job = cJSON_GetObjectItemCaseSensitive(prev, "job");
    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(job, "incremental");
    return cJSON_GetObjectItemCaseSensitive(inc, "tables");
}

static int is_integer(const char *s)
{
    if (*s == '-') s++;
    if (!*s) return 0;
    for (; *s; s++) if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

int incr_filters(ferry_plan *p, const ferry_options *o, ferry_err *e)
{
    cJSON *prev = o->incr_prev ? cJSON_Parse(o->incr_prev) : NULL;
    if (o->incr_prev && !prev)
        return ferry_err_set(e, FERRY_E_SOURCE, "the previous dump's manifest (%s) is not valid "
                             "JSON", o->incr_prev_name ? o->incr_prev_name : "?");
    const cJSON *tables = prev_tables_of(prev);
    int rc = 0;
    for (int i = 0; i < p->ntables && !rc; i++) {
        plan_table *t = &p->tables[i];
        const char *column;
        int mode = table_mode(o, t, &column);
        const char *after = mode == MODE_FULL ? NULL : prev_mark(tables, t, mode, column);
        t->read_filter = NULL;
        if (!after) continue;
        strbuf f = STRBUF_INIT;
        p->dst->quote_ident(&f, column);
        strbuf_adds(&f, " > ");
        if (mode == MODE_KEY) {
            if (!is_integer(after)) {
                rc = ferry_err_set(e, FERRY_E_SOURCE, "the previous dump %s records key mark "
                                   "\"%s\" for table \"%s\", which is no integer: take a full "
                                   "dump (without --incremental)", o->incr_prev_name, after,
                                   t->src->name);
                strbuf_free(&f);
                break;
            }
            strbuf_adds(&f, after);
        } else {
            p->dst->quote_literal(&f, after);
        }
        t->read_filter = arena_strdup(&p->mem, strbuf_cstr(&f));
        /* what an increment reads is part of its plan: resuming it without
         * the same --incremental is refused (exit 7), never mixed */
        p->fingerprint = fnv1a64(t->read_filter, strlen(t->read_filter), p->fingerprint);
        strbuf_free(&f);
    }
    cJSON_Delete(prev);
    return rc;
}

typedef struct max_ctx { char *v; } max_ctx;

static int max_row(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    max_ctx *m = ctx;
    (void)e;
    if (ncols > 0 && v[0] && !m->v) m->v = xstrdup(v[0]);
    return 0;
}

/* drop_chunks_below — key mode: chunks whose keys all lie at or below the
 * mark hold nothing new; the first kept chunk is made open below. */
static void drop_chunks_below(ferry_plan *p, int ti, int64_t mark)
{
    plan_chunk *keep = xcalloc((size_t)p->nchunks + 1, sizeof *keep);
    int n = 0;
    for (int i = 0; i < p->ntables; i++) {
        plan_table *t = &p->tables[i];
        int first = n, opened = 0;
        for (int k = t->first_chunk; k < t->first_chunk + t->nchunks; k++) {
            plan_chunk c = p->chunks[k];
            if (i == ti && c.has_hi && c.hi <= mark + 1 && k + 1 < t->first_chunk + t->nchunks)
                continue;              /* every key < hi <= mark + 1 */
            if (i == ti && !opened) { c.has_lo = 0; c.lo = 0; opened = 1; }
            c.id = n;
            keep[n++] = c;
        }
        t->first_chunk = first;
        t->nchunks = n - first;
    }
    memcpy(p->chunks, keep, sizeof *keep * (size_t)n);
    p->nchunks = n;
    free(keep);
}

int incr_plan_new(ferry_plan *p, ferry_conn *src, const ferry_options *o, ferry_err *e)
{
    cJSON *prev = o->incr_prev ? cJSON_Parse(o->incr_prev) : NULL;
    const cJSON *prev_tables = prev_tables_of(prev);
    cJSON *inc = cJSON_CreateObject(), *tables;
    int rc = 0;
    if (o->incr_prev_name) cJSON_AddStringToObject(inc, "previous", o->incr_prev_name);
    else cJSON_AddNullToObject(inc, "previous");
    if (o->incr_base_name) cJSON_AddStringToObject(inc, "base", o->incr_base_name);
    else cJSON_AddNullToObject(inc, "base");
    tables = cJSON_AddObjectToObject(inc, "tables");
    for (int i = 0; i < p->ntables && !rc; i++) {
        plan_table *t = &p->tables[i];
        const char *column;
        int mode = table_mode(o, t, &column);
        cJSON *ti = cJSON_AddObjectToObject(tables, t->src->name);
        cJSON_AddStringToObject(ti, "mode", MODE_NAME[mode]);
        if (mode == MODE_FULL) continue;
        cJSON_AddStringToObject(ti, "column", column);
        const char *after = prev_mark(prev_tables, t, mode, column);
        if (after) cJSON_AddStringToObject(ti, "after", after);
        else cJSON_AddNullToObject(ti, "after");
        /* the mark: max(column) on the snapshot the rows are read at */
        strbuf sql = STRBUF_INIT;
        max_ctx m = {NULL};
        strbuf_adds(&sql, "SELECT max(");
        p->dst->quote_ident(&sql, column);
        strbuf_adds(&sql, ") FROM ");
        p->dst->qualify(&sql, t->src->schema, t->src->name);
        rc = src->drv->query(src, strbuf_cstr(&sql), 0, NULL, max_row, &m, e);
        strbuf_free(&sql);
        if (rc) break;
        /* no rows yet: the old mark still holds */
        const char *high = m.v ? m.v : after;
        if (high) cJSON_AddStringToObject(ti, "high", high);
        else cJSON_AddNullToObject(ti, "high");
        free(m.v);
        if (mode == MODE_KEY && after && is_integer(after))
            drop_chunks_below(p, i, strtoll(after, NULL, 10));
    }
    if (!rc) {
        char *text = cJSON_PrintUnformatted(inc);
        p->incr_json = arena_strdup(&p->mem, text);
        free(text);
    }
    cJSON_Delete(inc);
    cJSON_Delete(prev);
    return rc;
}
