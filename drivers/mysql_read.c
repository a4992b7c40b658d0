/* mysql_read.c — the MySQL/MariaDB driver's source side: the consistent
 * snapshot, key statistics and split points, and the rows of one chunk
 * streamed unbuffered (mysql_use_result). The catalog is mysql_describe.c.
 *
 * DESIGN
 * - All reads of a run happen in one REPEATABLE READ transaction started
 *   WITH CONSISTENT SNAPSHOT: every chunk sees the database as it was at
 *   begin_snapshot. That holds for InnoDB tables; MyISAM/Aria tables are
 *   not transactional and are read as they are at the time.
 * - Rows are read over the binary protocol (mysql_fetch.c: less server
 *   CPU); this file's text-protocol reader is the fallback for a server or
 *   proxy that cannot prepare the statement, and what
 *   FERRY_MYSQL_TEXT_PROTOCOL=1 selects (tests compare the two). Over the
 *   text protocol the server prints each value
 *   in its own type's form (dates as ISO text, decimals exactly, doubles
 *   round-trip). Integers become FV_INT when they fit int64 (BIGINT
 *   UNSIGNED beyond it: FV_TEXT digits), BIT(1) FV_INT 0/1, wider BIT and
 *   binary strings FV_BLOB, doubles FV_REAL, everything else FV_TEXT. A FLOAT
 *   column is selected as (col + 0e0): the server prints FLOAT with only 6
 *   significant digits, the double of a float is exact.
 * - A row callback that stops the read early leaves the rest of the result
 *   unread; mysql_free_result then reads it to its end (the connection and
 *   its snapshot stay usable). For a huge chunk that takes as long as
 *   reading it; it only happens when the run is failing or stopping.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"
#include "../engine/numfmt.h"

/* ---------------------------------------------------------------------
 * Snapshot
 * ------------------------------------------------------------------- */

/* my_begin_snapshot — the read transaction every read of c sees. */
int my_begin_snapshot(ferry_conn *fc, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;

    if (mysql_query(c->my, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") == 0)
        return 0;
    if (mysql_errno(c->my) == 1064 &&           /* servers before READ ONLY (5.5) */
        mysql_query(c->my, "START TRANSACTION WITH CONSISTENT SNAPSHOT") == 0)
        return 0;
    return my_fail(c, e, FERRY_E_SOURCE, "starting the snapshot transaction", NULL);
}

/* ---------------------------------------------------------------------
 * Chunking keys
 * ------------------------------------------------------------------- */

/* my_parse_i64 — s[0..n) as a decimal int64 (leading zeros allowed, as
 * ZEROFILL prints them); 0 when it is not one or does not fit. */
static int my_parse_i64(const char *s, size_t n, int64_t *out)
{
    uint64_t v = 0, limit;
    size_t i = 0;
    int neg = 0;

    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    if (n - i <= 18) {
        /* 18 digits cannot overflow: no division per digit, which costs
         * more than the rest of the parse (once per integer read). */
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return 1;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (v > (limit - (uint64_t)(s[i] - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

/* my_key_check — key_column must be a column of t. */
static int my_key_check(my_conn *c, const cat_table *t, const char *key_column, ferry_err *e)
{
    char name[160];

    if (catalog_column_index(t, key_column) >= 0)
        return 0;
    return my_err(c, e, FERRY_E_INTERNAL, NULL, "table `%s` has no key column `%s`",
                  my_oneline(name, sizeof name, t->name), key_column);
}

/* my_add_pk_order — " ORDER BY" the primary key columns of t, nothing for
 * a table without one. */
static void my_add_pk_order(strbuf *sb, const cat_table *t)
{
    int sep = 0;

    for (int pos = 1; pos <= t->npk; pos++)
        for (int j = 0; j < t->ncols; j++)
            if (t->cols[j].pk_position == pos) {
                strbuf_adds(sb, sep++ ? ", " : " ORDER BY ");
                my_quote_ident(sb, t->cols[j].name);
            }
}

/* Below this many rows (by the server's estimates) my_key_stats counts
 * exactly: a count of 250,000 rows costs InnoDB ~60 ms, and a small
 * table's single-chunk decision deserves the exact number. */
#define MY_EXACT_COUNT_BELOW 250000

/* my_explain_rows — the optimizer's row estimate for sql (an EXPLAIN
 * statement): the largest "rows" of its plan; -1 when there is none. */
static int64_t my_explain_rows(my_conn *c, const char *sql)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    int64_t best = -1;
    int at = -1;

    if (mysql_query(c->my, sql) || !(res = mysql_store_result(c->my)))
        return -1;
    {
        const MYSQL_FIELD *f = mysql_fetch_fields(res);
        for (unsigned i = 0; i < mysql_num_fields(res); i++)
            if (strcasecmp(f[i].name, "rows") == 0) at = (int)i;
    }
    while (at >= 0 && (row = mysql_fetch_row(res)) != NULL)
        if (row[at] && my_i64(row[at]) > best) best = my_i64(row[at]);
    mysql_free_result(res);
    return best;
}

/* my_key_stats_estimated — min and max of a NOT NULL key_column (two index
 * dives) and the row count as the server estimates it: the larger of
 * TABLE_ROWS (describe) and the optimizer's estimate for the key range.
 * Counting a large InnoDB table exactly is a scan (0.25 s per million
 * rows, before any row moves), and the plan needs the count only to size
 * its chunks: the first and last chunks are open-ended, so every row is
 * read whatever the estimate. Returns 1 when the estimate is small enough
 * that the caller should count exactly instead, -1 on error. */
static int my_key_stats_estimated(my_conn *c, const cat_table *t, const char *k,
                                  int64_t *count, int64_t *min, int64_t *max,
                                  const char *what, ferry_err *e)
{
    strbuf sql = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    int64_t est = t->est_rows, ex;
    int rc = -1;

    strbuf_addf(&sql, "SELECT MIN(%s), MAX(%s) FROM ", k, k);
    my_add_table(&sql, t);
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_store_result(c->my)) ||
        !(row = mysql_fetch_row(res))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    if (!row[0] || !row[1]) {                 /* no rows */
        *count = 0;
        rc = 0;
        goto out;
    }
    if (!my_parse_i64(row[0], strlen(row[0]), min) || !my_parse_i64(row[1], strlen(row[1]), max)) {
        rc = 1;                               /* beyond int64: the exact path says so */
        goto out;
    }
    strbuf_reset(&sql);
    strbuf_addf(&sql, "EXPLAIN SELECT %s FROM ", k);
    my_add_table(&sql, t);
    strbuf_addf(&sql, " WHERE %s >= %lld", k, (long long)*min);
    ex = my_explain_rows(c, sql.buf);
    if (ex > est) est = ex;
    if (est < MY_EXACT_COUNT_BELOW) {
        rc = 1;
        goto out;
    }
    *count = est;
    rc = 0;
out:
    if (res)
        mysql_free_result(res);
    strbuf_free(&sql);
    return rc;
}

/* my_key_stats — count, min and max of key_column in t. Without a key
 * column the rows are keyed by their ordinal (1..count, in primary key
 * order). A key that is NULL somewhere, or beyond int64 (BIGINT UNSIGNED),
 * is refused: such rows would fall outside every key range. For a large
 * table with a NOT NULL key the count is the server's estimate (see
 * my_key_stats_estimated). */
int my_key_stats(ferry_conn *fc, const cat_table *t, const char *key_column,
                 int64_t *count, int64_t *min, int64_t *max, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    strbuf sql = STRBUF_INIT, k = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    char name[160], what[300];
    int rc = -1, kc;

    *count = *min = *max = 0;
    my_oneline(name, sizeof name, t->name);
    if (key_column && (kc = catalog_column_index(t, key_column)) >= 0 && t->cols[kc].notnull) {
        int r;
        my_quote_ident(&k, key_column);
        snprintf(what, sizeof what, "reading the key range of table `%s`", name);
        r = my_key_stats_estimated(c, t, k.buf, count, min, max, what, e);
        strbuf_reset(&k);
        if (r <= 0) {
            strbuf_free(&k);
            return r;
        }
        *count = *min = *max = 0;
    }
    snprintf(what, sizeof what, "counting the rows of table `%s`", name);
    if (key_column) {
        if (my_key_check(c, t, key_column, e)) goto out;
        my_quote_ident(&k, key_column);
        strbuf_addf(&sql, "SELECT COUNT(*), COUNT(%s), MIN(%s), MAX(%s) FROM ", k.buf, k.buf, k.buf);
    } else {
        strbuf_adds(&sql, "SELECT COUNT(*), COUNT(*), 1, COUNT(*) FROM ");
    }
    my_add_table(&sql, t);
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_store_result(c->my)) ||
        !(row = mysql_fetch_row(res))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    *count = my_i64(row[0]);
    if (my_i64(row[1]) != *count) {
        my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: key column `%s` is NULL in %lld rows, "
               "which no key range would read (choose another key column)", name, key_column,
               (long long)(*count - my_i64(row[1])));
        goto out;
    }
    if (*count > 0 && (!row[2] || !row[3] || !my_parse_i64(row[2], strlen(row[2]), min) ||
                       !my_parse_i64(row[3], strlen(row[3]), max))) {
        my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: key column `%s` holds values beyond "
               "the 64-bit signed range (min %.30s, max %.30s), so it cannot be split in ranges",
               name, key_column ? key_column : "", row[2] ? row[2] : "NULL",
               row[3] ? row[3] : "NULL");
        goto out;
    }
    rc = 0;
out:
    if (res)
        mysql_free_result(res);
    strbuf_free(&sql);
    strbuf_free(&k);
    return rc;
}

/* my_key_split_points — stream key_column in order (unbuffered) and keep
 * the key of every step-th row (rows step, 2*step, ... counting from 0),
 * a repeated value once. *points is malloc'd (caller frees), NULL when
 * there are none. Without a key column the points are ordinals. */
int my_key_split_points(ferry_conn *fc, const cat_table *t, const char *key_column,
                        int64_t step, int64_t **points, int *npoints, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    strbuf sql = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    int64_t *pts = NULL, n = 0, cap = 0, r = 0, v;
    char name[160], what[300];
    int rc = -1;

    *points = NULL;
    *npoints = 0;
    my_oneline(name, sizeof name, t->name);
    if (step <= 0)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "table `%s`: split step %lld must be "
                      "positive", name, (long long)step);
    if (!key_column) {
        int64_t count, lo, hi;
        if (my_key_stats(fc, t, NULL, &count, &lo, &hi, e))
            return -1;
        for (v = step + 1; v <= count; v += step) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                pts = xrealloc(pts, sizeof *pts * (size_t)cap);
            }
            pts[n++] = v;
        }
        *points = pts;
        *npoints = (int)n;
        return 0;
    }
    if (my_key_check(c, t, key_column, e))
        return -1;
    snprintf(what, sizeof what, "reading the keys of table `%s`", name);
    strbuf_adds(&sql, "SELECT ");
    my_quote_ident(&sql, key_column);
    strbuf_adds(&sql, " FROM ");
    my_add_table(&sql, t);
    strbuf_adds(&sql, " ORDER BY ");
    my_quote_ident(&sql, key_column);
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_use_result(c->my))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (r++ % step != 0 || r == 1)
            continue;
        if (!row[0] || !my_parse_i64(row[0], strlen(row[0]), &v)) {
            my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: key column `%s` holds %.30s, "
                   "which is not a 64-bit integer", name, key_column, row[0] ? row[0] : "NULL");
            goto out;
        }
        if (n > 0 && pts[n - 1] == v)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            pts = xrealloc(pts, sizeof *pts * (size_t)cap);
        }
        pts[n++] = v;
    }
    if (mysql_errno(c->my)) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    if (n > INT32_MAX) {
        my_err(c, e, FERRY_E_SOURCE, NULL, "table `%s`: too many chunks; raise --chunk-rows", name);
        goto out;
    }
    *points = pts;
    *npoints = (int)n;
    pts = NULL;
    rc = 0;
out:
    if (res)
        mysql_free_result(res);
    free(pts);
    strbuf_free(&sql);
    return rc;
}

/* ---------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------- */

/* my_is_plain_float — FLOAT without (M,D): selected as (col + 0e0). */
static int my_is_plain_float(const char *native)
{
    return strncasecmp(native, "float", 5) == 0 && !strchr(native, '(');
}

/* my_value — one text-protocol value of field f as a ferry_value (see
 * DESIGN). */
static void my_value(const MYSQL_FIELD *f, const char *p, unsigned long n, ferry_value *v)
{
    memset(v, 0, sizeof *v);
    if (!p) {
        v->cls = FV_NULL;
        return;
    }
    v->p = p;
    v->n = n;
    switch (f->type) {
    case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
        v->cls = my_parse_i64(p, n, &v->i) ? FV_INT : FV_TEXT;   /* BIGINT UNSIGNED > int64: digits */
        return;
    case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE: {
        char buf[64];
        char *end;
        /* strtod's value without strtod in the common case (numfmt.h); any
         * text it does not take goes the strtod way below, as before. */
        if (numfmt_parse_double(p, n, &v->d) == 0) {
            v->cls = FV_REAL;
            return;
        }
        if (n < sizeof buf) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            v->d = strtod(buf, &end);
            if (end != buf && *end == '\0') {
                v->cls = FV_REAL;
                return;
            }
        }
        v->cls = FV_TEXT;
        return;
    }
    case MYSQL_TYPE_BIT:
        /* BIT(1) is a flag (mappings: bool): 0 or 1. Wider BIT(n) are the
         * server's big-endian bytes (mappings: bytes). */
        if (f->length == 1) {
            v->cls = FV_INT;
            v->i = n > 0 && p[n - 1] != 0;
        } else {
            v->cls = FV_BLOB;
        }
        return;
    case MYSQL_TYPE_STRING: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB: case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB: case MYSQL_TYPE_GEOMETRY:
        v->cls = f->charsetnr == 63 ? FV_BLOB : FV_TEXT;       /* 63: binary */
        if (!v->p) v->p = "";
        return;
    default:                                   /* decimals, dates, times, JSON, enum, set */
        v->cls = FV_TEXT;
        return;
    }
}

/* my_read_chunk — stream the rows of spec in key order into cb, unbuffered
 * (mysql_use_result), inside the snapshot. The key column, when it is not
 * among the columns read, is selected last. Without a key column the key
 * is the row's ordinal in primary key order, and [lo, hi) bounds it. */
int my_read_chunk(ferry_conn *fc, const read_spec *spec, row_callback cb, void *ctx,
                  ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    const cat_table *t = spec->table;
    strbuf sql = STRBUF_INIT, k = STRBUF_INIT;
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    ferry_value *vals = NULL;
    char name[160], what[400];
    int key_at = -1, nf, rc = -1, stopped = 0;
    int64_t ord = 0;

    my_oneline(name, sizeof name, t->name);
    if (spec->key_column) {
        if (my_key_check(c, t, spec->key_column, e)) return -1;
        my_quote_ident(&k, spec->key_column);
        char lo[32] = "-inf", hi[32] = "+inf";
        if (spec->has_lo) snprintf(lo, sizeof lo, "%lld", (long long)spec->lo);
        if (spec->has_hi) snprintf(hi, sizeof hi, "%lld", (long long)spec->hi);
        snprintf(what, sizeof what, "reading table `%s` rows with `%s` in [%s, %s)",
                 name, spec->key_column, lo, hi);
    } else {
        snprintf(what, sizeof what, "reading table `%s`", name);
    }
    strbuf_adds(&sql, "SELECT ");
    for (int j = 0; j < spec->ncols; j++) {
        const cat_column *col = &t->cols[spec->col_index[j]];
        if (j) strbuf_adds(&sql, ", ");
        if (my_is_plain_float(col->native_type)) strbuf_addc(&sql, '(');
        my_quote_ident(&sql, col->name);
        if (my_is_plain_float(col->native_type)) strbuf_adds(&sql, " + 0e0)");
        if (spec->key_column && strcmp(col->name, spec->key_column) == 0)
            key_at = j;
    }
    if (spec->key_column && key_at < 0) {
        strbuf_adds(&sql, spec->ncols ? ", " : "");
        strbuf_adds(&sql, k.buf);
        key_at = spec->ncols;
    }
    if (spec->ncols == 0 && key_at < 0)
        strbuf_adds(&sql, "1");
    strbuf_adds(&sql, " FROM ");
    my_add_table(&sql, t);
    if (spec->filter) strbuf_addf(&sql, " WHERE (%s)", spec->filter);
    if (spec->key_column) {
        /* The bounds are int64 values from the plan, not user text. */
        if (spec->has_lo) strbuf_addf(&sql, " %s %s >= %lld", spec->filter ? "AND" : "WHERE",
                                      k.buf, (long long)spec->lo);
        if (spec->has_hi) strbuf_addf(&sql, " %s %s < %lld", spec->has_lo || spec->filter ? "AND" : "WHERE",
                                      k.buf, (long long)spec->hi);
        strbuf_addf(&sql, " ORDER BY %s", k.buf);
    } else {
        my_add_pk_order(&sql, t);
    }
    if (!getenv("FERRY_MYSQL_TEXT_PROTOCOL")) {
        int r = my_fetch_rows(c, sql.buf, sql.len, spec, key_at, cb, ctx, what, e);
        if (r <= 0) {
            rc = r;
            goto out;
        }
    }
    if (mysql_real_query(c->my, sql.buf, sql.len) || !(res = mysql_use_result(c->my))) {
        my_fail(c, e, FERRY_E_SOURCE, what, sql.buf);
        goto out;
    }
    nf = (int)mysql_num_fields(res);
    vals = xcalloc((size_t)(spec->ncols > 0 ? spec->ncols : 1), sizeof *vals);
    {
        const MYSQL_FIELD *f = mysql_fetch_fields(res);
        while ((row = mysql_fetch_row(res)) != NULL) {
            unsigned long *len = mysql_fetch_lengths(res);
            int64_t key;
            if (key_at >= 0) {
                if (!row[key_at] || !my_parse_i64(row[key_at], len[key_at], &key)) {
                    my_err(c, e, FERRY_E_SOURCE, NULL, "%s: key value %.30s is not a 64-bit "
                           "integer", what, row[key_at] ? row[key_at] : "NULL");
                    stopped = 1;
                    goto out;
                }
            } else {
                key = ++ord;
                if (spec->has_lo && key < spec->lo) continue;
                if (spec->has_hi && key >= spec->hi) { stopped = 1; break; }
            }
            for (int j = 0; j < spec->ncols && j < nf; j++)
                my_value(&f[j], row[j], len[j], &vals[j]);
            if (cb(ctx, vals, key, e) != 0) {
                stopped = 1;
                goto out;
            }
        }
    }
    if (!stopped && mysql_errno(c->my)) {
        my_fail(c, e, FERRY_E_SOURCE, what, NULL);
        goto out;
    }
    rc = 0;
out:
    if (res)
        mysql_free_result(res);            /* reads what is left of an early stop */
    free(vals);
    strbuf_free(&sql);
    strbuf_free(&k);
    return rc;
}
