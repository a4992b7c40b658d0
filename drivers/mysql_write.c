/* mysql_write.c — the MySQL/MariaDB driver's bulk load: the rows of a
 * chunk go in with LOAD DATA LOCAL INFILE fed from memory (the default,
 * the faster path, see the figures in the report) or with multi-row
 * prepared INSERTs (when the server refuses LOCAL INFILE, or by
 * set_option "copy_method" = "insert").
 *
 * DESIGN
 * - LOAD DATA: copy_batch encodes rows into a buffer owned by the
 *   connection (tab-separated, backslash escapes, \N for NULL); whenever it
 *   holds load_piece bytes (4 MB by default) one LOAD DATA statement loads
 *   it, and copy_end loads the rest. So memory stays bounded whatever the
 *   chunk size, and all statements of a chunk share its transaction. The
 *   local-infile handler serves that buffer, and only while ferry's own
 *   statement runs: a server asking for a file at any other time gets an
 *   error (the classic LOCAL INFILE attack reads nothing).
 * - LOCAL INFILE turns every row error into a warning: the server skips a
 *   duplicate key, truncates a long string, stores 0 for a bad number. So
 *   after each statement any warning fails the load, naming the row and
 *   the server's message, with an SQLSTATE of class 22/23 for data errors
 *   so that the engine isolates and rejects the row (the transaction is
 *   rolled back: nothing the server changed is kept).
 * - INSERT: one prepared statement of up to insert_rows rows (at most
 *   65535 placeholders, and at most half of max_allowed_packet of values),
 *   every value bound as a string (bytes as a blob); strict sql_mode makes
 *   a bad value an error. Statements are kept for the next chunk of the
 *   same table.
 * - Canonical cells (convert.h) in MySQL's input forms: bool t/f as 1/0,
 *   timestamptz without its "+00:00" (the session's time zone is UTC);
 *   Infinity and NaN cannot be stored in MySQL and fail the row
 *   (FERRY_E_TYPE, SQLSTATE 22003) instead of turning into NULL or 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>

#include "mysql_internal.h"

/* ---------------------------------------------------------------------
 * The local-infile handler
 * ------------------------------------------------------------------- */

static int my_infile_init(void **ptr, const char *filename, void *userdata)
{
    my_conn *c = userdata;

    (void)filename;
    *ptr = c;
    return c->cp.feeding ? 0 : 1;
}

static int my_infile_read(void *ptr, char *buf, unsigned int len)
{
    my_conn *c = ptr;
    size_t left = c->cp.buf.len - c->cp.feed_pos, n = left < len ? left : len;

    memcpy(buf, c->cp.buf.buf + c->cp.feed_pos, n);
    c->cp.feed_pos += n;
    return (int)n;
}

static void my_infile_end(void *ptr)
{
    (void)ptr;
}

static int my_infile_error(void *ptr, char *msg, unsigned int len)
{
    (void)ptr;
    snprintf(msg, len, "refused: ferry sends LOCAL INFILE data only for its own LOAD DATA");
    return CR_UNKNOWN_ERROR;
}

void my_copy_setup(my_conn *c)
{
    mysql_set_local_infile_handler(c->my, my_infile_init, my_infile_read, my_infile_end,
                                   my_infile_error, c);
}

/* ---------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------- */

static void my_ins_close(my_conn *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->cp.ins[i].st)
            mysql_stmt_close(c->cp.ins[i].st);
        c->cp.ins[i].st = NULL;
        c->cp.ins[i].rows = 0;
    }
}

/* my_copy_forget_table — drop what belongs to the table of the last load. */
static void my_copy_forget_table(my_conn *c)
{
    my_copy *cp = &c->cp;

    my_ins_close(c);
    if (cp->cols)
        for (int i = 0; i < cp->ncols; i++)
            free(cp->cols[i]);
    free(cp->cols);
    free(cp->table);
    free(cp->kinds);
    free(cp->load_sql);
    cp->cols = NULL;
    cp->table = NULL;
    cp->kinds = NULL;
    cp->load_sql = NULL;
    cp->ncols = 0;
}

void my_copy_reset(my_conn *c)
{
    c->cp.active = 0;
    c->cp.feeding = 0;
    strbuf_reset(&c->cp.buf);
}

void my_copy_free(my_conn *c)
{
    my_copy_reset(c);
    my_copy_forget_table(c);
    strbuf_free(&c->cp.buf);
    free(c->cp.binds);
    free(c->cp.lens);
    free(c->cp.nulls);
    c->cp.binds = NULL;
    c->cp.lens = NULL;
    c->cp.nulls = NULL;
    c->cp.nbinds = 0;
}

/* my_copy_fail — end the load after an error (recorded already). */
static int my_copy_fail(my_conn *c)
{
    my_copy_reset(c);
    return -1;
}

/* ---------------------------------------------------------------------
 * Cells
 * ------------------------------------------------------------------- */

/* my_cell — the MySQL input form of canonical cell p[0..n) of kind k into
 * *out and *outn (a static string or a part of p). Returns 0, or -1 with *why
 * when MySQL cannot hold the value. */
static int my_cell(ltype_kind k, const char *p, size_t n, const char **out, size_t *outn,
                   const char **why)
{
    *out = p;
    *outn = n;
    switch (k) {
    case LT_BOOL:
        *out = n == 1 && p[0] == 't' ? "1" : "0";
        *outn = 1;
        return 0;
    case LT_FLOAT32: case LT_FLOAT64:
        if (n >= 3 && (p[0] == 'I' || p[0] == 'N' || (p[0] == '-' && p[1] == 'I'))) {
            *why = "MySQL cannot store Infinity or NaN";
            return -1;
        }
        return 0;
    case LT_TIMESTAMPTZ:
        if (n > 6 && memcmp(p + n - 6, "+00:00", 6) == 0)
            *outn = n - 6;
        return 0;
    default:
        return 0;
    }
}

/* my_cell_fail — a cell MySQL cannot hold: FERRY_E_TYPE with SQLSTATE
 * 22003, naming table, row (since copy_begin) and column. */
static int my_cell_fail(my_conn *c, int64_t row, int col, const char *why, ferry_err *e)
{
    my_err(c, e, FERRY_E_TYPE, "22003", "%s, row %lld, column %s: %s", c->cp.table,
           (long long)row, c->cp.cols[col], why);
    return my_copy_fail(c);
}

/* my_load_escape — append p[0..n) for LOAD DATA ... ESCAPED BY '\'. */
static void my_load_escape(strbuf *sb, const char *p, size_t n)
{
    char *o;

    strbuf_grow(sb, 2 * n + 2);
    o = sb->buf + sb->len;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        switch (ch) {
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\t': *o++ = '\\'; *o++ = 't';  break;
        case '\n': *o++ = '\\'; *o++ = 'n';  break;
        case '\r': *o++ = '\\'; *o++ = 'r';  break;
        case '\0': *o++ = '\\'; *o++ = '0';  break;
        default:   *o++ = ch;                break;
        }
    }
    sb->len = (size_t)(o - sb->buf);
    sb->buf[sb->len] = '\0';
}

/* ---------------------------------------------------------------------
 * Warnings: what LOCAL INFILE made of row errors
 * ------------------------------------------------------------------- */

/* my_load_warnings — the statement left warnings: record the first
 * (Warning or Error before Note) as the load's error. first_row is the
 * 1-based row (since copy_begin) of the statement's first row. */
static int my_load_warnings(my_conn *c, const char *stmt_kind, int64_t first_row,
                            int64_t nrows, ferry_err *e)
{
    MYSQL_RES *res = NULL;
    MYSQL_ROW row;
    unsigned int code = 0, nwarn = mysql_warning_count(c->my);
    strbuf msg = STRBUF_INIT;
    const char *at;
    int rank = 0;

    if (mysql_query(c->my, "SHOW WARNINGS") == 0 && (res = mysql_store_result(c->my))) {
        while ((row = mysql_fetch_row(res)) != NULL) {
            int r = row[0] && strcmp(row[0], "Note") == 0 ? 1 : 2;
            if (r > rank) {
                rank = r;
                code = row[1] ? (unsigned)strtoul(row[1], NULL, 10) : 0;
                strbuf_reset(&msg);
                my_add_server_text(c, &msg, row[2], 300);
            }
        }
        mysql_free_result(res);
    }
    if (!rank) {
        my_err(c, e, FERRY_E_SQL, "HY000", "%s into %s (rows %lld-%lld): the server reported "
               "%u warning(s) that SHOW WARNINGS did not list; nothing was kept", stmt_kind,
               c->cp.table, (long long)first_row, (long long)(first_row + nrows - 1), nwarn);
    } else {
        /* "... at row N" counts from the statement's first row. */
        long long r = 0;
        if (msg.buf && (at = strstr(msg.buf, " at row ")) != NULL)
            r = strtoll(at + 8, NULL, 10);
        if (r > 0)
            my_err(c, e, FERRY_E_SQL, my_state_for(code, NULL), "%s into %s, row %lld: %s "
                   "(MySQL warning %u, refused: the server would have changed or skipped "
                   "the value)", stmt_kind, c->cp.table, (long long)(first_row + r - 1),
                   msg.buf, code);
        else
            my_err(c, e, FERRY_E_SQL, my_state_for(code, NULL), "%s into %s (rows %lld-%lld): "
                   "%s (MySQL warning %u, refused: the server would have changed or skipped "
                   "a row)", stmt_kind, c->cp.table, (long long)first_row,
                   (long long)(first_row + nrows - 1), msg.buf, code);
    }
    strbuf_free(&msg);
    return -1;
}

/* ---------------------------------------------------------------------
 * LOAD DATA
 * ------------------------------------------------------------------- */

/* my_load_flush — load the buffered rows with one LOAD DATA statement. */
static int my_load_flush(my_conn *c, ferry_err *e)
{
    my_copy *cp = &c->cp;
    int64_t nrows = cp->rows_sent - cp->first_pending, first = cp->first_pending + 1;
    my_ulonglong took;
    int q;

    if (nrows == 0)
        return 0;
    cp->feed_pos = 0;
    cp->feeding = 1;
    q = mysql_real_query(c->my, cp->load_sql, strlen(cp->load_sql));
    cp->feeding = 0;
    if (q) {
        char what[300];
        snprintf(what, sizeof what, "LOAD DATA into %s (rows %lld-%lld)", cp->table,
                 (long long)first, (long long)(first + nrows - 1));
        my_fail(c, e, FERRY_E_SQL, what, NULL);
        return my_copy_fail(c);
    }
    took = mysql_affected_rows(c->my);
    if (mysql_warning_count(c->my)) {
        my_load_warnings(c, "LOAD DATA", first, nrows, e);
        return my_copy_fail(c);
    }
    if (took != (my_ulonglong)nrows) {
        my_err(c, e, FERRY_E_SQL, "HY000", "LOAD DATA into %s (rows %lld-%lld): the server "
               "took %llu of %lld rows without saying why; nothing was kept", cp->table,
               (long long)first, (long long)(first + nrows - 1), (unsigned long long)took,
               (long long)nrows);
        return my_copy_fail(c);
    }
    cp->rows_loaded += nrows;
    cp->first_pending = cp->rows_sent;
    strbuf_reset(&cp->buf);
    return 0;
}

/* my_load_batch — encode the rows of b and load whenever load_piece bytes
 * are buffered. */
static int my_load_batch(my_conn *c, const batch *b, ferry_err *e)
{
    my_copy *cp = &c->cp;
    strbuf *sb = &cp->buf;

    for (size_t r = 0; r < b->nrows; r++) {
        size_t row_start = sb->len;
        cp->rows_sent++;
        for (int k = 0; k < cp->ncols; k++) {
            size_t len = 0, outn;
            const char *cell = batch_cell_get(b, r, k, &len), *out, *why = NULL;
            if (k)
                strbuf_addc(sb, '\t');
            if (!cell) {
                strbuf_add(sb, "\\N", 2);
                continue;
            }
            if (my_cell(cp->kinds[k], cell, len, &out, &outn, &why)) {
                sb->len = row_start;
                cp->rows_sent--;
                return my_cell_fail(c, cp->rows_sent + 1, k, why, e);
            }
            my_load_escape(sb, out, outn);
        }
        strbuf_addc(sb, '\n');
        if (sb->len >= c->load_piece && my_load_flush(c, e))
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Multi-row INSERT
 * ------------------------------------------------------------------- */

/* my_ins_stmt — the prepared INSERT of this table for rows rows (slot 0
 * keeps the full size, slot 1 the last other size). */
static MYSQL_STMT *my_ins_stmt(my_conn *c, int rows, int full, ferry_err *e)
{
    my_copy *cp = &c->cp;
    my_insert_stmt *slot = &cp->ins[rows == full ? 0 : 1];
    strbuf sql = STRBUF_INIT;

    if (slot->st && slot->rows == rows)
        return slot->st;
    if (slot->st)
        mysql_stmt_close(slot->st);
    slot->st = NULL;
    slot->rows = 0;
    strbuf_addf(&sql, "INSERT INTO %s (", cp->table);
    for (int k = 0; k < cp->ncols; k++)
        strbuf_addf(&sql, "%s%s", k ? ", " : "", cp->cols[k]);
    strbuf_adds(&sql, ") VALUES ");
    for (int r = 0; r < rows; r++) {
        strbuf_adds(&sql, r ? ",(" : "(");
        for (int k = 0; k < cp->ncols; k++)
            strbuf_adds(&sql, k ? ",?" : "?");
        strbuf_addc(&sql, ')');
    }
    if (!(slot->st = mysql_stmt_init(c->my)) ||
        mysql_stmt_prepare(slot->st, sql.buf, sql.len)) {
        char what[300];
        snprintf(what, sizeof what, "preparing the INSERT into %s", cp->table);
        my_fail_stmt(c, slot->st, e, FERRY_E_SQL, what, NULL);
        if (slot->st)
            mysql_stmt_close(slot->st);
        slot->st = NULL;
        strbuf_free(&sql);
        return NULL;
    }
    slot->rows = rows;
    strbuf_free(&sql);
    return slot->st;
}

/* my_ins_group — insert rows [r0, r0+n) of b with one statement. */
static int my_ins_group(my_conn *c, const batch *b, size_t r0, int n, int full, ferry_err *e)
{
    my_copy *cp = &c->cp;
    size_t need = (size_t)n * (size_t)cp->ncols;
    MYSQL_STMT *st;
    char what[300];

    if (need > cp->nbinds) {
        free(cp->binds);
        free(cp->lens);
        free(cp->nulls);
        cp->binds = xcalloc(need, sizeof *cp->binds);
        cp->lens = xcalloc(need, sizeof *cp->lens);
        cp->nulls = xcalloc(need, sizeof *cp->nulls);
        cp->nbinds = need;
    }
    memset(cp->binds, 0, need * sizeof *cp->binds);
    for (int r = 0; r < n; r++) {
        for (int k = 0; k < cp->ncols; k++) {
            size_t i = (size_t)r * (size_t)cp->ncols + (size_t)k, len = 0, outn = 0;
            const char *cell = batch_cell_get(b, r0 + (size_t)r, k, &len), *out = NULL, *why;
            MYSQL_BIND *bd = &cp->binds[i];
            if (cell && my_cell(cp->kinds[k], cell, len, &out, &outn, &why))
                return my_cell_fail(c, cp->rows_sent + r + 1, k, why, e);
            cp->nulls[i] = cell == NULL;
            cp->lens[i] = (unsigned long)outn;
            bd->buffer_type = cp->kinds[k] == LT_BYTES ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
            bd->buffer = (void *)(out ? out : "");
            bd->buffer_length = (unsigned long)outn;
            bd->length = &cp->lens[i];
            bd->is_null = (my_bool *)&cp->nulls[i];
        }
    }
    snprintf(what, sizeof what, "INSERT into %s (rows %lld-%lld)", cp->table,
             (long long)cp->rows_sent + 1, (long long)cp->rows_sent + n);
    if (!(st = my_ins_stmt(c, n, full, e)))
        return my_copy_fail(c);
    if (mysql_stmt_bind_param(st, cp->binds) || mysql_stmt_execute(st)) {
        my_fail_stmt(c, st, e, FERRY_E_SQL, what, NULL);
        return my_copy_fail(c);
    }
    if (mysql_warning_count(c->my)) {
        my_load_warnings(c, "INSERT", cp->rows_sent + 1, n, e);
        return my_copy_fail(c);
    }
    cp->rows_sent += n;
    cp->rows_loaded += (int64_t)mysql_stmt_affected_rows(st);
    cp->first_pending = cp->rows_sent;
    return 0;
}

/* my_ins_batch — the rows of b in groups of at most the full size, and of
 * at most half of max_allowed_packet of values (at least one row). */
static int my_ins_batch(my_conn *c, const batch *b, ferry_err *e)
{
    my_copy *cp = &c->cp;
    int full = c->insert_rows, n = 0;
    size_t r0 = 0, bytes = 0, limit = c->max_packet / 2;

    if (full * cp->ncols > 65535)
        full = 65535 / (cp->ncols > 0 ? cp->ncols : 1);
    for (size_t r = 0; r < b->nrows; r++) {
        size_t rb = 0;
        for (int k = 0; k < cp->ncols; k++) {
            size_t len = 0;
            batch_cell_get(b, r, k, &len);
            rb += len + 8;
        }
        if (n > 0 && (n == full || bytes + rb > limit)) {
            if (my_ins_group(c, b, r0, n, full, e))
                return -1;
            r0 = r;
            n = 0;
            bytes = 0;
        }
        n++;
        bytes += rb;
    }
    return n > 0 ? my_ins_group(c, b, r0, n, full, e) : 0;
}

/* ---------------------------------------------------------------------
 * The driver's copy functions
 * ------------------------------------------------------------------- */

/* my_copy_begin — start a bulk load of ncols columns into qualified_table
 * (both quoted already). The table's INSERT statements from an earlier
 * load are kept when the table and columns are the same. */
int my_copy_begin(ferry_conn *fc, const char *qualified_table, const char *const *quoted_cols,
                  const ltype *types, int ncols, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;
    my_copy *cp = &c->cp;
    int same = cp->table && strcmp(cp->table, qualified_table) == 0 && cp->ncols == ncols;
    strbuf sql = STRBUF_INIT;

    if (cp->active)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "copy_begin while a bulk load is open");
    for (int k = 0; same && k < ncols; k++)
        same = strcmp(cp->cols[k], quoted_cols[k]) == 0;
    if (!same) {
        my_copy_forget_table(c);
        cp->table = xstrdup(qualified_table);
        cp->ncols = ncols;
        cp->cols = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *cp->cols);
        for (int k = 0; k < ncols; k++)
            cp->cols[k] = xstrdup(quoted_cols[k]);
        cp->kinds = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *cp->kinds);
        strbuf_addf(&sql, "LOAD DATA LOCAL INFILE 'ferry' INTO TABLE %s CHARACTER SET utf8mb4 "
                    "FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A' (",
                    qualified_table);
        for (int k = 0; k < ncols; k++)
            strbuf_addf(&sql, "%s%s", k ? ", " : "", quoted_cols[k]);
        strbuf_addc(&sql, ')');
        cp->load_sql = strbuf_detach(&sql);
    }
    for (int k = 0; k < ncols; k++)
        cp->kinds[k] = types[k].kind;
    if (c->copy_method == MY_COPY_LOAD && !c->local_infile_ok)
        return my_err(c, e, FERRY_E_TARGET, NULL, "%s: the server does not allow LOAD DATA "
                      "LOCAL INFILE (local_infile is OFF): use copy_method insert, or SET "
                      "GLOBAL local_infile = 1", c->display);
    cp->method = c->copy_method == MY_COPY_INSERT || !c->local_infile_ok ? MY_COPY_INSERT
                                                                         : MY_COPY_LOAD;
    cp->rows_sent = cp->rows_loaded = cp->first_pending = 0;
    strbuf_reset(&cp->buf);
    cp->active = 1;
    return 0;
}

/* my_copy_batch — encode and send the rows of b (owned by the caller). */
int my_copy_batch(ferry_conn *fc, const batch *b, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;

    if (!c->cp.active)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "copy_batch without copy_begin (or after "
                      "a failed one)");
    if (b->ncols != c->cp.ncols)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "copy_batch: batch has %d columns, the "
                      "load has %d", b->ncols, c->cp.ncols);
    return c->cp.method == MY_COPY_LOAD ? my_load_batch(c, b, e) : my_ins_batch(c, b, e);
}

/* my_copy_end — load what is buffered; *rows (may be NULL) gets the rows
 * the server took. On failure the caller rolls back. */
int my_copy_end(ferry_conn *fc, int64_t *rows, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;

    if (!c->cp.active)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "copy_end without copy_begin (or after "
                      "a failed one)");
    if (c->cp.method == MY_COPY_LOAD && my_load_flush(c, e))
        return -1;
    if (rows)
        *rows = c->cp.rows_loaded;
    my_copy_reset(c);
    return 0;
}
