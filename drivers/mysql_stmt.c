/* mysql_stmt.c — statements on a MySQL/MariaDB connection: scripts split
 * into statements, PostgreSQL-style $N parameters rewritten to ? and bound
 * to prepared statements as strings (values never enter SQL text), query
 * results as text, transactions, identifier quoting.
 *
 * The lexer knows what the session's sql_mode makes of SQL text (see
 * mysql.c): '...' and "..." are literals with only the doubled quote
 * special (NO_BACKSLASH_ESCAPES), `...` are identifiers, and --, # and
 * slash-star comments. It does not know compound statements (BEGIN ... END
 * bodies of triggers and procedures): ferry sends none.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mysql_internal.h"

/* ---------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------- */

/* my_scan — the lexer shared by statement splitting and placeholder
 * rewriting: from sql[i], skip one quoted literal, quoted identifier or
 * comment and return the index after it; return i when sql[i] starts none
 * of them. Literals follow the session's NO_BACKSLASH_ESCAPES. */
static size_t my_scan(const char *sql, size_t i)
{
    char q = sql[i];

    if (q == '\'' || q == '"' || q == '`') {
        for (i++; sql[i]; i++)
            if (sql[i] == q) {
                if (sql[i + 1] != q) return i + 1;
                i++;
            }
        return i;
    }
    if (q == '#' || (q == '-' && sql[i + 1] == '-' &&
                     (sql[i + 2] == '\0' || isspace((unsigned char)sql[i + 2])))) {
        while (sql[i] && sql[i] != '\n') i++;
        return i;
    }
    if (q == '/' && sql[i + 1] == '*') {
        for (i += 2; sql[i] && !(sql[i] == '*' && sql[i + 1] == '/'); i++) {}
        return sql[i] ? i + 2 : i;
    }
    return i;
}

/* my_rewrite — sql with $N placeholders (outside literals, identifiers and
 * comments, not inside a word) turned into ?, appended to out; order[k]
 * gets the parameter number (0-based) of the k-th ?, *n their count (at
 * most cap). Returns -1 when a $N is beyond nparams. */
static int my_rewrite(const char *sql, int nparams, strbuf *out, int *order, int cap, int *n)
{
    size_t i = 0;

    *n = 0;
    while (sql[i]) {
        size_t j = my_scan(sql, i);
        if (j != i) {
            strbuf_add(out, sql + i, j - i);
            i = j;
            continue;
        }
        if (sql[i] == '$' && isdigit((unsigned char)sql[i + 1]) &&
            !(i > 0 && (isalnum((unsigned char)sql[i - 1]) || sql[i - 1] == '_' ||
                        sql[i - 1] == '$'))) {
            long num = 0;
            for (j = i + 1; isdigit((unsigned char)sql[j]) && num < 100000; j++)
                num = num * 10 + (sql[j] - '0');
            if (num < 1 || num > nparams || *n >= cap)
                return -1;
            order[(*n)++] = (int)num - 1;
            strbuf_addc(out, '?');
            i = j;
            continue;
        }
        strbuf_addc(out, sql[i++]);
    }
    return 0;
}

int my_run(my_conn *c, const char *sql, const char *what, ferry_err *e)
{
    MYSQL_RES *res;

    if (c->cp.active)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "a statement while a bulk load is open "
                      "(finish it with copy_end or roll back)");
    if (mysql_real_query(c->my, sql, strlen(sql)))
        return my_fail(c, e, FERRY_E_SQL, what, sql);
    /* A statement that returns rows (e.g. SELECT in a script): drop them. */
    do {
        if ((res = mysql_store_result(c->my)) != NULL)
            mysql_free_result(res);
        else if (mysql_field_count(c->my) != 0)
            return my_fail(c, e, FERRY_E_SQL, what, sql);
    } while (mysql_next_result(c->my) == 0);
    if (mysql_errno(c->my))
        return my_fail(c, e, FERRY_E_SQL, what, sql);
    return 0;
}

/* my_has_code — 1 when sql[a..b) holds more than blanks and comments
 * (the server refuses an empty statement). */
static int my_has_code(const char *sql, size_t a, size_t b)
{
    size_t i = a;

    while (i < b) {
        size_t j = my_scan(sql, i);
        if (j != i) {
            if (sql[i] != '#' && sql[i] != '-' && sql[i] != '/')
                return 1;                   /* a literal or an identifier */
            if (sql[i] == '/' && (sql[i + 2] == '!' || sql[i + 2] == 'M'))
                return 1;                   /* an executable comment */
            i = j;
            continue;
        }
        if (!isspace((unsigned char)sql[i]))
            return 1;
        i++;
    }
    return 0;
}

/* my_exec — run sql: one statement, or a script of several separated by
 * ';' (split here outside literals and comments, each run on its own so
 * that an error names its statement). */
int my_exec(ferry_conn *fc, const char *sql, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    strbuf one = STRBUF_INIT;
    size_t i = 0, start = 0;
    int rc = 0;

    for (;;) {
        size_t j = my_scan(sql, i);
        if (j != i) { i = j; continue; }
        if (sql[i] == ';' || sql[i] == '\0') {
            size_t a = start, b = i;
            while (a < b && isspace((unsigned char)sql[a])) a++;
            while (b > a && isspace((unsigned char)sql[b - 1])) b--;
            if (my_has_code(sql, a, b)) {
                strbuf_reset(&one);
                strbuf_add(&one, sql + a, b - a);
                if ((rc = my_run(c, one.buf, NULL, e)) != 0) break;
            }
            if (!sql[i]) break;
            start = i + 1;
        }
        i++;
    }
    strbuf_free(&one);
    return rc;
}

/* my_stmt_run — prepare sql (with $N rewritten), bind the text parameters
 * and execute. Returns the executed statement (caller closes) or NULL with
 * e set. */
static MYSQL_STMT *my_stmt_run(my_conn *c, const char *sql, int nparams,
                               const char *const *vals, ferry_err *e)
{
    strbuf q = STRBUF_INIT;
    int cap = 256, n = 0, *order = xcalloc((size_t)cap, sizeof *order);
    MYSQL_STMT *st = NULL;
    MYSQL_BIND *b = NULL;
    unsigned long *lens = NULL;

    if (c->cp.active) {
        my_err(c, e, FERRY_E_INTERNAL, NULL, "a statement while a bulk load is open");
        goto fail;
    }
    if (my_rewrite(sql, nparams, &q, order, cap, &n)) {
        my_err(c, e, FERRY_E_INTERNAL, NULL, "statement refers to a parameter beyond the %d "
               "given (or more than %d placeholders): %.80s", nparams, cap, sql);
        goto fail;
    }
    if (!(st = mysql_stmt_init(c->my))) {
        my_fail(c, e, FERRY_E_SQL, NULL, sql);
        goto fail;
    }
    if (mysql_stmt_prepare(st, q.buf, q.len)) {
        my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
        goto fail;
    }
    if (n > 0) {
        b = xcalloc((size_t)n, sizeof *b);
        lens = xcalloc((size_t)n, sizeof *lens);
        for (int k = 0; k < n; k++) {
            const char *v = vals ? vals[order[k]] : NULL;
            b[k].buffer_type = v ? MYSQL_TYPE_STRING : MYSQL_TYPE_NULL;
            b[k].buffer = (void *)v;
            lens[k] = v ? strlen(v) : 0;
            b[k].buffer_length = lens[k];
            b[k].length = &lens[k];
        }
        if (mysql_stmt_bind_param(st, b)) {
            my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
            goto fail;
        }
    }
    if (mysql_stmt_execute(st)) {
        my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
        goto fail;
    }
    free(b);
    free(lens);
    free(order);
    strbuf_free(&q);
    return st;
fail:
    if (st)
        mysql_stmt_close(st);
    free(b);
    free(lens);
    free(order);
    strbuf_free(&q);
    return NULL;
}

/* my_exec_params — one statement with text parameters $1..$n. */
int my_exec_params(ferry_conn *fc, const char *sql, int nparams,
                          const char *const *vals, ferry_err *e)
{
    MYSQL_STMT *st = my_stmt_run((my_conn *)fc, sql, nparams, vals, e);

    if (!st)
        return -1;
    mysql_stmt_close(st);                       /* drops any result rows */
    return 0;
}

/* my_query_stmt_rows — fetch the rows of an executed statement as text:
 * every column bound as a string, a value longer than its buffer fetched
 * again whole. */
static int my_query_stmt_rows(my_conn *c, MYSQL_STMT *st, const char *sql,
                              query_callback cb, void *ctx, ferry_err *e)
{
    MYSQL_RES *meta = mysql_stmt_result_metadata(st);
    int ncols = meta ? (int)mysql_num_fields(meta) : 0, rc = 0, r;
    MYSQL_BIND *b;
    unsigned long *lens;
    my_bool *nulls, *errs;
    char **bufs;
    size_t *caps;
    const char **row;

    if (!meta)
        return mysql_stmt_errno(st) ? my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql) : 0;
    /* Buffered, so that cb may run statements of its own. */
    if (mysql_stmt_store_result(st)) {
        mysql_free_result(meta);
        return my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
    }
    b = xcalloc((size_t)ncols, sizeof *b);
    lens = xcalloc((size_t)ncols, sizeof *lens);
    nulls = xcalloc((size_t)ncols, sizeof *nulls);
    errs = xcalloc((size_t)ncols, sizeof *errs);
    bufs = xcalloc((size_t)ncols, sizeof *bufs);
    caps = xcalloc((size_t)ncols, sizeof *caps);
    row = xcalloc((size_t)ncols, sizeof *row);
    for (int k = 0; k < ncols; k++) {
        caps[k] = 256;
        bufs[k] = xmalloc(caps[k]);
        b[k].buffer_type = MYSQL_TYPE_STRING;
        b[k].buffer = bufs[k];
        b[k].buffer_length = caps[k] - 1;
        b[k].length = &lens[k];
        b[k].is_null = &nulls[k];
        b[k].error = &errs[k];
    }
    if (mysql_stmt_bind_result(st, b)) {
        rc = my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
        goto out;
    }
    while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED) {
        for (int k = 0; k < ncols; k++) {
            if (nulls[k]) { row[k] = NULL; continue; }
            if (lens[k] >= caps[k]) {
                caps[k] = lens[k] + 1;
                bufs[k] = xrealloc(bufs[k], caps[k]);
                b[k].buffer = bufs[k];
                b[k].buffer_length = caps[k] - 1;
                if (mysql_stmt_fetch_column(st, &b[k], (unsigned)k, 0)) {
                    rc = my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
                    goto out;
                }
            }
            bufs[k][lens[k]] = '\0';
            row[k] = bufs[k];
        }
        /* Rebind: a grown buffer must be used by the next fetch too. */
        mysql_stmt_bind_result(st, b);
        if (cb(ctx, ncols, row, e)) { rc = -1; goto out; }
    }
    if (r != MYSQL_NO_DATA)
        rc = my_fail_stmt(c, st, e, FERRY_E_SQL, NULL, sql);
out:
    for (int k = 0; k < ncols; k++)
        free(bufs[k]);
    free(b); free(lens); free(nulls); free(errs); free(bufs); free(caps); free(row);
    mysql_free_result(meta);
    return rc;
}

int my_query_text(my_conn *c, const char *sql, query_callback cb, void *ctx, ferry_err *e)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    int rc = 0;

    if (c->cp.active)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "a query while a bulk load is open");
    if (mysql_real_query(c->my, sql, strlen(sql)))
        return my_fail(c, e, FERRY_E_SQL, NULL, sql);
    if (!(res = mysql_store_result(c->my)))
        return mysql_field_count(c->my) ? my_fail(c, e, FERRY_E_SQL, NULL, sql) : 0;
    while ((row = mysql_fetch_row(res)) != NULL)
        if (cb(ctx, (int)mysql_num_fields(res), (const char *const *)row, e)) {
            rc = -1;
            break;
        }
    mysql_free_result(res);
    return rc;
}

/* my_query — sql with text parameters; cb per row with the values as text
 * (NULL for SQL NULL; valid during the call). Buffered: for catalog and
 * state queries, not for data. Without parameters the text protocol is
 * used, which prints numbers and dates exactly as the server does. */
int my_query(ferry_conn *fc, const char *sql, int nparams, const char *const *vals,
                    query_callback cb, void *ctx, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    MYSQL_STMT *st;
    int rc;

    if (nparams == 0 && !strchr(sql, '$'))
        return my_query_text(c, sql, cb, ctx, e);
    if (!(st = my_stmt_run(c, sql, nparams, vals, e)))
        return -1;
    rc = my_query_stmt_rows(c, st, sql, cb, ctx, e);
    mysql_stmt_close(st);
    return rc;
}

/* ---------------------------------------------------------------------
 * Transactions and names
 * ------------------------------------------------------------------- */

int my_begin(ferry_conn *fc, ferry_err *e)
{
    return my_run((my_conn *)fc, "START TRANSACTION", NULL, e);
}

/* my_commit — commit; a connection lost during COMMIT leaves the outcome
 * unknown (the checkpoint row, committed with the data, tells on resume). */
int my_commit(ferry_conn *fc, ferry_err *e)
{
    return my_run((my_conn *)fc, "COMMIT", "COMMIT (whether it was saved is unknown when "
                  "the connection was lost)", e);
}

/* my_rollback — best effort: forget an open bulk load and roll back. */
void my_rollback(ferry_conn *fc)
{
    my_conn *c = (my_conn *)fc;

    my_copy_reset(c);
    if (c->my)
        mysql_real_query(c->my, "ROLLBACK", 8);
}

void my_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`')
            strbuf_addc(out, '`');
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, '`');
}

void my_add_table(strbuf *sb, const cat_table *t)
{
    if (t->schema && *t->schema) {
        my_quote_ident(sb, t->schema);
        strbuf_addc(sb, '.');
    }
    my_quote_ident(sb, t->name);
}

