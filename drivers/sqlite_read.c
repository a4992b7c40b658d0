/* sqlite_read.c — the SQLite driver's source side: statistics and split
 * points of a chunking key, and the rows of one chunk streamed by rowid,
 * integer key or (WITHOUT ROWID tables without an integer key) ordinal
 * ranges, inside the snapshot begin_snapshot opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_internal.h"

/* chunk_key — how rows of t are keyed for chunking: into sb the SQL of the
 * key (key_column quoted, or the rowid), *label its name for messages. When
 * key_column is NULL on a WITHOUT ROWID table, *ordinal is set instead and
 * rows are keyed by their position 1, 2, 3... in primary key order. */
static int chunk_key(sqlite_conn *c, const cat_table *t, const char *key_column, strbuf *sb,
                     const char **label, int *ordinal, ferry_err *e)
{
    char name[160];

    *ordinal = 0;
    *label = key_column ? key_column : "rowid";
    if (key_column) {
        /* Checked here because SQLite would read an unknown "name" as a
         * string literal, and every range would then hold every row. */
        if (catalog_column_index(t, key_column) < 0)
            return sq_err(c, e, FERRY_E_INTERNAL, "table \"%s\" has no key column \"%s\"",
                          sq_oneline(name, sizeof name, t->name), key_column);
        sqlite_quote_ident(sb, key_column);
        return 0;
    }
    if (!t->has_rowid) {
        *ordinal = 1;
        *label = "row";
        return 0;
    }
    if (sq_rowid_name(t, sb) == 0) return 0;
    return sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": columns named rowid, _rowid_ and oid"
                  " hide the rowid, so it cannot be read in key ranges (name an integer key"
                  " column instead)", sq_oneline(name, sizeof name, t->name));
}

/* sqlite_key_stats — count, min and max of the chunking key of t. A key
 * column holding NULL or non-integer values is refused (such rows would
 * fall outside every key range). In ordinal mode the key is 1..count. */
int sqlite_key_stats(ferry_conn *base, const cat_table *t, const char *key_column,
                            int64_t *count, int64_t *min, int64_t *max, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = NULL;
    strbuf key = STRBUF_INIT, sql = STRBUF_INIT;
    const char *label;
    char name[160], what[400];
    int rc = -1, src, ordinal;

    *count = *min = *max = 0;
    sq_oneline(name, sizeof name, t->name);
    if (chunk_key(c, t, key_column, &key, &label, &ordinal, e)) goto out;
    if (ordinal) {
        strbuf_adds(&sql, "SELECT count(*), count(*), 1, count(*) FROM ");
        sq_add_table_ref(&sql, t);
    } else if (t->has_rowid && (!key_column || (t->rowid_alias >= 0 &&
               catalog_column_index(t, key_column) == t->rowid_alias))) {
        /* The rowid (or its INTEGER PRIMARY KEY alias) is never NULL and
         * always an integer, so count(key) is count(*); and asked one at a
         * time, count(*), min and max each take SQLite's shortcut (a count
         * of b-tree cells, a seek to either end) where asking them together
         * decodes every row. */
        strbuf_adds(&sql, "SELECT n, n, lo, hi FROM (SELECT (SELECT count(*) FROM ");
        sq_add_table_ref(&sql, t);
        strbuf_addf(&sql, ") AS n, (SELECT min(%s) FROM ", key.buf);
        sq_add_table_ref(&sql, t);
        strbuf_addf(&sql, ") AS lo, (SELECT max(%s) FROM ", key.buf);
        sq_add_table_ref(&sql, t);
        strbuf_adds(&sql, ") AS hi)");
    } else {
        strbuf_addf(&sql, "SELECT count(*), count(%s), min(%s), max(%s) FROM ",
                    key.buf, key.buf, key.buf);
        sq_add_table_ref(&sql, t);
    }
    snprintf(what, sizeof what, "table \"%s\": counting rows", name);
    src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    if ((src = sqlite3_step(st)) != SQLITE_ROW) goto fail;
    *count = sqlite3_column_int64(st, 0);
    if (sqlite3_column_int64(st, 1) != *count) {
        sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": key column \"%s\" is NULL in %lld rows,"
               " which no key range would read (choose another key column)", name, label,
               (long long)(*count - sqlite3_column_int64(st, 1)));
        goto out;
    }
    if (*count > 0 && (sqlite3_column_type(st, 2) != SQLITE_INTEGER
                       || sqlite3_column_type(st, 3) != SQLITE_INTEGER)) {
        char lo[64], hi[64];
        sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": key column \"%s\" holds non-integer values"
               " (min %s, max %s), so it cannot be split in ranges (choose an integer key)",
               name, label, sq_oneline(lo, sizeof lo, (const char *)sqlite3_column_text(st, 2)),
               sq_oneline(hi, sizeof hi, (const char *)sqlite3_column_text(st, 3)));
        goto out;
    }
    if (*count > 0) {
        *min = sqlite3_column_int64(st, 2);
        *max = sqlite3_column_int64(st, 3);
    }
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    strbuf_free(&key);
    strbuf_free(&sql);
    return rc;
}

/* sqlite_key_split_points — the key of every step-th row in key order
 * (rows step, 2*step, ... counting from 0): the first key of each chunk
 * after the first. Repeated values (a non-unique key) are given once, so
 * the ranges stay non-empty. *points is malloc'd (caller frees), NULL when
 * there are none. */
int sqlite_key_split_points(ferry_conn *base, const cat_table *t, const char *key_column,
                                   int64_t step, int64_t **points, int *npoints, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = NULL;
    strbuf key = STRBUF_INIT, sql = STRBUF_INIT;
    int64_t *pts = NULL, row = 0, count = 0, lo, hi;
    const char *label;
    char name[160], what[400];
    int rc = -1, src, n = 0, cap = 0, ordinal;

    *points = NULL;
    *npoints = 0;
    sq_oneline(name, sizeof name, t->name);
    if (step <= 0) {
        sq_err(c, e, FERRY_E_INTERNAL, "table \"%s\": split step %lld must be positive", name,
               (long long)step);
        goto out;
    }
    if (chunk_key(c, t, key_column, &key, &label, &ordinal, e)) goto out;
    if (ordinal) {
        if (sqlite_key_stats(base, t, NULL, &count, &lo, &hi, e)) goto out;
        for (row = step; row < count; row += step) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                pts = xrealloc(pts, (size_t)cap * sizeof *pts);
            }
            pts[n++] = row + 1;
        }
        rc = 0;
        goto out;
    }
    strbuf_addf(&sql, "SELECT %s FROM ", key.buf);
    sq_add_table_ref(&sql, t);
    strbuf_addf(&sql, " WHERE %s IS NOT NULL ORDER BY %s", key.buf, key.buf);
    snprintf(what, sizeof what, "table \"%s\": reading %s split points", name, label);
    src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t v, r = row++;
        if (r == 0 || r % step != 0) continue;
        if (sqlite3_column_type(st, 0) != SQLITE_INTEGER) {
            char bad[64];
            sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": key column \"%s\" holds the non-integer"
                   " value %s (choose an integer key)", name, label,
                   sq_oneline(bad, sizeof bad, (const char *)sqlite3_column_text(st, 0)));
            goto out;
        }
        v = sqlite3_column_int64(st, 0);
        if (n > 0 && pts[n - 1] == v) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            pts = xrealloc(pts, (size_t)cap * sizeof *pts);
        }
        pts[n++] = v;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    if (rc == 0) {
        *points = pts;
        *npoints = n;
    } else {
        free(pts);
    }
    sqlite3_finalize(st);
    strbuf_free(&key);
    strbuf_free(&sql);
    return rc;
}

/* chunk_what — "table \"t\" rows rowid 1000..1999" for messages about
 * spec. */
static void chunk_what(char *buf, size_t n, const read_spec *spec, const char *label)
{
    char name[160];
    size_t len;

    sq_oneline(name, sizeof name, spec->table->name);
    len = (size_t)snprintf(buf, n, "table \"%s\"", name);
    if (len >= n || (!spec->has_lo && !spec->has_hi)) return;
    len += (size_t)snprintf(buf + len, n - len, " rows %s ", label);
    if (len < n && spec->has_lo) len += (size_t)snprintf(buf + len, n - len, "%lld", (long long)spec->lo);
    if (len < n) len += (size_t)snprintf(buf + len, n - len, "..");
    if (len < n && spec->has_hi) snprintf(buf + len, n - len, "%lld", (long long)spec->hi - 1);
}

/* sqlite_read_chunk — stream the rows of spec in key order into cb: one
 * prepared statement, values pointing into SQLite's memory (valid during
 * the callback only). TEXT is passed as stored, embedded NUL bytes and
 * invalid UTF-8 included. Stops when cb returns non-zero (cb has set e). */
int sqlite_read_chunk(ferry_conn *base, const read_spec *spec, row_callback cb,
                             void *ctx, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    const cat_table *t = spec->table;
    sqlite3_stmt *st = NULL;
    strbuf key = STRBUF_INIT, sql = STRBUF_INIT;
    ferry_value *vals = NULL;
    const char *label;
    char what[400];
    int64_t ord = 0;
    int rc = -1, src = SQLITE_OK, ordinal, j;

    if (chunk_key(c, t, spec->key_column, &key, &label, &ordinal, e)) goto out;
    chunk_what(what, sizeof what, spec, label);
    strbuf_addf(&sql, "SELECT %s", ordinal ? "1" : key.buf);
    for (j = 0; j < spec->ncols; j++) {
        strbuf_adds(&sql, ", ");
        sqlite_quote_ident(&sql, t->cols[spec->col_index[j]].name);
    }
    strbuf_adds(&sql, " FROM ");
    sq_add_table_ref(&sql, t);
    if (spec->filter) strbuf_addf(&sql, " WHERE (%s)", spec->filter);
    if (ordinal) {
        /* The primary key order is the b-tree's own (no sort), and it keeps
         * the ordinals the same whichever index the planner would scan. */
        int pos, sep = 0;
        for (pos = 1; pos <= t->npk; pos++)
            for (j = 0; j < t->ncols; j++)
                if (t->cols[j].pk_position == pos) {
                    strbuf_adds(&sql, sep++ ? ", " : " ORDER BY ");
                    sqlite_quote_ident(&sql, t->cols[j].name);
                }
    } else {
        if (spec->has_lo) strbuf_addf(&sql, " %s %s >= ?1", spec->filter ? "AND" : "WHERE", key.buf);
        if (spec->has_hi) strbuf_addf(&sql, " %s %s < ?2", spec->has_lo || spec->filter ? "AND" : "WHERE", key.buf);
        strbuf_addf(&sql, " ORDER BY %s", key.buf);
    }
    src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    if (!ordinal && spec->has_lo) sqlite3_bind_int64(st, 1, spec->lo);
    if (!ordinal && spec->has_hi) sqlite3_bind_int64(st, 2, spec->hi);
    vals = xcalloc((size_t)(spec->ncols > 0 ? spec->ncols : 1), sizeof *vals);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t k;
        if (ordinal) {
            k = ++ord;
            if (spec->has_lo && k < spec->lo) continue;
            if (spec->has_hi && k >= spec->hi) { src = SQLITE_DONE; break; }
        } else {
            k = sqlite3_column_int64(st, 0);
        }
        for (j = 0; j < spec->ncols; j++) {
            ferry_value *v = &vals[j];
            /* One column lookup per value, then the value's own accessors:
             * each sqlite3_column_* call looks the column up again. The
             * value is "unprotected" (no mutex held), which is what this
             * connection has anyway: one thread uses it at a time. */
            sqlite3_value *sv = sqlite3_column_value(st, j + 1);
            memset(v, 0, sizeof *v);
            switch (sqlite3_value_type(sv)) {
            case SQLITE_INTEGER:
                v->cls = FV_INT;
                v->i = sqlite3_value_int64(sv);
                break;
            case SQLITE_FLOAT:
                v->cls = FV_REAL;
                v->d = sqlite3_value_double(sv);
                break;
            case SQLITE_TEXT:
                v->cls = FV_TEXT;
                v->p = (const char *)sqlite3_value_text(sv);
                v->n = (size_t)sqlite3_value_bytes(sv);
                if (!v->p) { src = SQLITE_NOMEM; goto fail; }
                break;
            case SQLITE_BLOB:
                v->cls = FV_BLOB;
                v->p = sqlite3_value_blob(sv);
                v->n = (size_t)sqlite3_value_bytes(sv);
                if (!v->p) {
                    if (v->n) { src = SQLITE_NOMEM; goto fail; }
                    v->p = "";
                }
                break;
            default:
                v->cls = FV_NULL;
                break;
            }
        }
        if (cb(ctx, vals, k, e) != 0) goto out;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    free(vals);
    strbuf_free(&key);
    strbuf_free(&sql);
    return rc;
}
