/* mysql_fetch.c — the rows of one chunk over MySQL's binary protocol: the
 * chunk's SELECT (made by my_read_chunk, mysql_read.c) runs as a prepared
 * statement and its rows are fetched unbuffered (no mysql_stmt_store_result)
 * into bound buffers.
 *
 * DESIGN
 * - Why: over the text protocol the server prints every number, date and
 *   time as text (int10_to_str, my_gcvt, my_datetime_to_str) and ferry
 *   parses it back. Over the binary protocol the server sends integers and
 *   doubles as their bytes and temporal values as fields: measured on the
 *   benchmark table (1M rows x 11 columns, MariaDB 10.11), the server spent
 *   1.8-2.2 CPU seconds on the binary protocol against 3.3-3.5 s on the text
 *   protocol for the same SELECT, and the server is most of a copy's CPU.
 * - Values as my_value (mysql_read.c) makes them, so the rest of ferry sees
 *   no difference: integers FV_INT (BIGINT UNSIGNED beyond int64: FV_TEXT
 *   digits), BIT(1) FV_INT 0/1, wider BIT and binary strings FV_BLOB,
 *   doubles FV_REAL (the FLOAT column is selected as (col + 0e0), a double,
 *   as for the text protocol), DATE/DATETIME/TIMESTAMP/TIME as the text the
 *   server prints for them (fraction digits as the column declares, zero
 *   dates as 0000-00-00, TIME as [-]H:MM:SS with hours beyond 24), and
 *   everything else (decimals, strings, JSON, enum, set) as the text the
 *   server sends, which is the text protocol's.
 * - Strings are fetched into a buffer per column that grows when a value
 *   does not fit (MYSQL_DATA_TRUNCATED: the value is fetched again with
 *   mysql_stmt_fetch_column, and the bigger buffer is bound for the next
 *   rows), so memory is the longest value of the chunk, as with the text
 *   protocol's one row.
 * - A server or proxy that cannot prepare the statement (ER_UNSUPPORTED_PS)
 *   gets the text protocol: my_fetch_rows returns 1 and the caller reads
 *   the chunk as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_internal.h"
#include "../engine/numfmt.h"

#define MY_STR_INITIAL 256               /* first buffer of a string column */
#define ER_UNSUPPORTED_PS 1295

typedef struct my_fcol {
    enum enum_field_types type;          /* the field's type (metadata) */
    unsigned decimals;                   /* fraction digits of temporal fields */
    int            is_unsigned, is_binary, is_bit1;
    int            kind;                 /* FK_* below */
    long long      ll;
    double         d;
    MYSQL_TIME     tm;
    char          *buf;                  /* FK_STR: the value's bytes */
    unsigned long  cap;
    unsigned long  len;
    my_bool        is_null, error;
    char           text[64];             /* formatted temporal values, big unsigned digits */
} my_fcol;

enum { FK_INT, FK_REAL, FK_TIME, FK_STR };

/* put2 / putn — zero-padded decimal digits. */
static char *putn(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* format_time — the server's text for a temporal field (see DESIGN). */
static size_t format_time(const my_fcol *c, char *out)
{
    const MYSQL_TIME *t = &c->tm;
    char *p = out;
    unsigned dec = c->decimals > 6 ? 0 : c->decimals;   /* 39 (NOT_FIXED_DEC): none */

    if (c->type == MYSQL_TYPE_TIME) {
        unsigned long hours = (unsigned long)t->day * 24 + t->hour;
        if (t->neg) *p++ = '-';
        p += snprintf(p, 24, "%02lu", hours);
        *p++ = ':';
        p = putn(p, t->minute, 2);
        *p++ = ':';
        p = putn(p, t->second, 2);
    } else {
        p = putn(p, t->year, 4);
        *p++ = '-';
        p = putn(p, t->month, 2);
        *p++ = '-';
        p = putn(p, t->day, 2);
        if (c->type == MYSQL_TYPE_DATE || c->type == MYSQL_TYPE_NEWDATE)
            return (size_t)(p - out);
        *p++ = ' ';
        p = putn(p, t->hour, 2);
        *p++ = ':';
        p = putn(p, t->minute, 2);
        *p++ = ':';
        p = putn(p, t->second, 2);
    }
    if (dec > 0) {
        char frac[6];
        putn(frac, (unsigned)(t->second_part % 1000000), 6);
        *p++ = '.';
        memcpy(p, frac, dec);
        p += dec;
    }
    return (size_t)(p - out);
}

/* bind_columns — one MYSQL_BIND per result field, by its type. */
static void bind_columns(MYSQL_FIELD *f, int nf, my_fcol *cols, MYSQL_BIND *b)
{
    memset(b, 0, sizeof *b * (size_t)nf);
    for (int i = 0; i < nf; i++) {
        my_fcol *c = &cols[i];
        c->type = f[i].type;
        c->decimals = f[i].decimals;
        c->is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
        /* charset 63 marks binary strings, and also every number and
         * date: only string types can be bytes */
        switch (f[i].type) {
        case MYSQL_TYPE_STRING: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_VARCHAR:
        case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB: case MYSQL_TYPE_LONG_BLOB:
        case MYSQL_TYPE_BLOB: case MYSQL_TYPE_GEOMETRY:
            c->is_binary = f[i].charsetnr == 63;
            break;
        default:
            c->is_binary = 0;
        }
        c->is_bit1 = f[i].type == MYSQL_TYPE_BIT && f[i].length == 1;
        b[i].is_null = &c->is_null;
        b[i].length = &c->len;
        b[i].error = &c->error;
        switch (f[i].type) {
        case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24:
        case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
            c->kind = FK_INT;
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = &c->ll;
            b[i].is_unsigned = (my_bool)c->is_unsigned;
            break;
        case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
            c->kind = FK_REAL;
            b[i].buffer_type = MYSQL_TYPE_DOUBLE;
            b[i].buffer = &c->d;
            break;
        case MYSQL_TYPE_DATE: case MYSQL_TYPE_NEWDATE: case MYSQL_TYPE_DATETIME:
        case MYSQL_TYPE_TIMESTAMP: case MYSQL_TYPE_TIME:
            c->kind = FK_TIME;
            b[i].buffer_type = f[i].type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : f[i].type;
            b[i].buffer = &c->tm;
            b[i].buffer_length = sizeof c->tm;
            break;
        default:                       /* decimals, strings, BIT, JSON, enum, set, geometry */
            c->kind = FK_STR;
            if (!c->buf) {
                c->cap = MY_STR_INITIAL;
                c->buf = xmalloc(c->cap);
            }
            b[i].buffer_type = MYSQL_TYPE_STRING;
            b[i].buffer = c->buf;
            b[i].buffer_length = c->cap;
            break;
        }
    }
}

/* refetch_truncated — after MYSQL_DATA_TRUNCATED: every string value that
 * did not fit is fetched again into a buffer that holds it, and the bigger
 * buffers are bound for the next rows. -1 when a non-string value was
 * truncated (it cannot be: bound types hold every value of their field). */
static int refetch_truncated(MYSQL_STMT *st, MYSQL_BIND *b, my_fcol *cols, int nf, int *col)
{
    int rebind = 0;
    for (int i = 0; i < nf; i++) {
        my_fcol *c = &cols[i];
        if (!c->error || c->is_null) continue;
        if (c->kind != FK_STR) { *col = i; return -1; }
        if (c->len >= c->cap) {
            unsigned long cap = c->cap;
            while (cap <= c->len) cap = cap > (~0UL >> 1) ? c->len + 1 : cap * 2;
            c->buf = xrealloc(c->buf, cap);
            c->cap = cap;
            b[i].buffer = c->buf;
            b[i].buffer_length = cap;
            rebind = 1;
        }
        MYSQL_BIND one = b[i];
        my_bool err = 0;
        one.error = &err;
        if (mysql_stmt_fetch_column(st, &one, (unsigned)i, 0) || err) { *col = i; return -1; }
        c->error = 0;
    }
    if (rebind && mysql_stmt_bind_result(st, b)) { *col = -1; return -1; }
    return 0;
}

/* fcol_value — column c of the fetched row as a ferry_value. */
static void fcol_value(my_fcol *c, ferry_value *v)
{
    memset(v, 0, sizeof *v);
    if (c->is_null) {
        v->cls = FV_NULL;
        return;
    }
    switch (c->kind) {
    case FK_INT:
        if (c->is_unsigned && (unsigned long long)c->ll > (unsigned long long)INT64_MAX) {
            v->cls = FV_TEXT;                       /* BIGINT UNSIGNED beyond int64: digits */
            v->n = (size_t)snprintf(c->text, sizeof c->text, "%llu", (unsigned long long)c->ll);
            v->p = c->text;
            return;
        }
        v->cls = FV_INT;
        v->i = (int64_t)c->ll;
        return;
    case FK_REAL:
        v->cls = FV_REAL;
        v->d = c->d;
        return;
    case FK_TIME:
        v->cls = FV_TEXT;
        v->n = format_time(c, c->text);
        v->p = c->text;
        return;
    default:
        v->p = c->buf;
        v->n = c->len;
        if (c->type == MYSQL_TYPE_BIT) {
            /* BIT(1) is a flag, wider BIT(n) the server's big-endian bytes */
            if (c->is_bit1) {
                v->cls = FV_INT;
                v->i = c->len > 0 && c->buf[c->len - 1] != 0;
            } else {
                v->cls = FV_BLOB;
            }
            return;
        }
        v->cls = c->is_binary ? FV_BLOB : FV_TEXT;
        return;
    }
}

/* fcol_key — the chunking key from column c: 0 when it is not a 64-bit
 * signed integer (NULL, beyond int64, not a number). */
static int fcol_key(my_fcol *c, int64_t *key)
{
    if (c->is_null) return 0;
    if (c->kind == FK_INT) {
        if (c->is_unsigned && (unsigned long long)c->ll > (unsigned long long)INT64_MAX) return 0;
        *key = (int64_t)c->ll;
        return 1;
    }
    if (c->kind == FK_STR) {
        char buf[32];
        if (c->len == 0 || c->len >= sizeof buf) return 0;
        memcpy(buf, c->buf, c->len);
        buf[c->len] = '\0';
        char *end;
        long long v = strtoll(buf, &end, 10);
        if (*end) return 0;
        *key = v;
        return 1;
    }
    return 0;
}

int my_fetch_rows(my_conn *c, const char *sql, size_t sql_len, const read_spec *spec, int key_at,
                  row_callback cb, void *ctx, const char *what, ferry_err *e)
{
    MYSQL_STMT *st = mysql_stmt_init(c->my);
    MYSQL_RES *meta = NULL;
    MYSQL_BIND *b = NULL;
    my_fcol *cols = NULL;
    ferry_value *vals = NULL;
    int nf = 0, rc = -1, frc, bad = -1;
    int64_t ord = 0;

    if (!st)
        return my_fail(c, e, FERRY_E_SOURCE, what, sql);
    if (mysql_stmt_prepare(st, sql, (unsigned long)sql_len)) {
        if (mysql_stmt_errno(st) == ER_UNSUPPORTED_PS) {
            mysql_stmt_close(st);
            return 1;                                  /* the text protocol then */
        }
        my_fail_stmt(c, st, e, FERRY_E_SOURCE, what, sql);
        goto out;
    }
    if (mysql_stmt_execute(st) || !(meta = mysql_stmt_result_metadata(st))) {
        my_fail_stmt(c, st, e, FERRY_E_SOURCE, what, sql);
        goto out;
    }
    nf = (int)mysql_num_fields(meta);
    cols = xcalloc((size_t)(nf > 0 ? nf : 1), sizeof *cols);
    b = xcalloc((size_t)(nf > 0 ? nf : 1), sizeof *b);
    vals = xcalloc((size_t)(spec->ncols > 0 ? spec->ncols : 1), sizeof *vals);
    bind_columns(mysql_fetch_fields(meta), nf, cols, b);
    if (mysql_stmt_bind_result(st, b)) {
        my_fail_stmt(c, st, e, FERRY_E_SOURCE, what, sql);
        goto out;
    }
    while ((frc = mysql_stmt_fetch(st)) == 0 || frc == MYSQL_DATA_TRUNCATED) {
        int64_t key;
        if (frc == MYSQL_DATA_TRUNCATED && refetch_truncated(st, b, cols, nf, &bad)) {
            if (bad < 0 || mysql_stmt_errno(st)) {
                my_fail_stmt(c, st, e, FERRY_E_SOURCE, what, NULL);
            } else {
                char name[160];
                const cat_column *col = bad < spec->ncols ? &spec->table->cols[spec->col_index[bad]] : NULL;
                my_err(c, e, FERRY_E_INTERNAL, NULL, "%s: column `%s` did not fit its buffer",
                       what, col ? my_oneline(name, sizeof name, col->name) : "(key)");
            }
            goto out;
        }
        if (key_at >= 0) {
            if (key_at >= nf || !fcol_key(&cols[key_at], &key)) {
                my_err(c, e, FERRY_E_SOURCE, NULL, "%s: a key value is not a 64-bit integer "
                       "(NULL or beyond the signed range)", what);
                goto out;
            }
        } else {
            key = ++ord;
            if (spec->has_lo && key < spec->lo) continue;
            if (spec->has_hi && key >= spec->hi) break;
        }
        for (int j = 0; j < spec->ncols && j < nf; j++)
            fcol_value(&cols[j], &vals[j]);
        if (cb(ctx, vals, key, e) != 0)
            goto out;
    }
    if (frc == 1) {
        my_fail_stmt(c, st, e, FERRY_E_SOURCE, what, NULL);
        goto out;
    }
    rc = 0;
out:
    if (meta)
        mysql_free_result(meta);
    mysql_stmt_close(st);                  /* reads what is left of an early stop */
    for (int i = 0; i < nf; i++)
        free(cols[i].buf);
    free(cols);
    free(b);
    free(vals);
    return rc;
}
