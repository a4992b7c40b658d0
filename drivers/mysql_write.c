/* mysql_write.c — the MySQL/MariaDB driver's bulk load. Three ways, chosen
 * per connection (set_option "copy_method", default "auto"):
 *
 *   bulk    MariaDB: a one-row prepared INSERT executed once for an array
 *           of rows (COM_STMT_BULK_EXECUTE): the fastest measured
 *   insert  multi-row prepared INSERT (MySQL, where bulk does not exist)
 *   load    LOAD DATA LOCAL INFILE fed from memory
 *
 * "auto" is bulk on MariaDB 10.2+, insert elsewhere. Measured with
 * `bash tests/lib/my_smoke.sh bench`: 200k rows x 11 columns in chunks of
 * 49152 rows into MariaDB 10.11 over loopback TCP, 2 cores, median of 7
 * (table with / without primary key; server CPU in brackets):
 *   bulk                 1.04 s / 1.23 s   [0.90 / 1.12 s]
 *   insert, 100 rows     1.27 s / 1.42 s   [0.97 / 1.20 s]
 *   insert, 500 rows     1.40 s / 1.45 s   [1.19 / 1.29 s]
 *   LOAD DATA, 4 MB      1.45 s / 1.65 s   [1.27 / 1.49 s]
 *   LOAD DATA, 16 MB     1.44 s / 1.45 s   [1.23 / 1.27 s]
 * The server's CPU is the limit (ferry's own is 0.1-0.2 s); LOAD DATA
 * costs it the most. insert uses 500 rows per statement: as fast as 100
 * within the noise, with 5 times fewer round trips over a real network.
 *
 * DESIGN
 * - bulk and insert: every value is bound as a string (bytes as a blob),
 *   never spliced into SQL; strict sql_mode makes a value the column
 *   cannot hold an error of the statement (which InnoDB undoes whole).
 *   Rows go in groups that fit the server's max_allowed_packet (a larger
 *   packet makes the server drop the connection); insert groups have at
 *   most insert_rows rows (500) and 65535 placeholders. A single row too
 *   large for a packet is loaded with LOAD DATA, which streams it, when
 *   the server allows LOCAL INFILE; else it is refused as a row error
 *   (SQLSTATE 22001) naming max_allowed_packet. Statements are kept for
 *   the next chunk of the same table.
 * - load: copy_batch encodes rows into a buffer owned by the connection
 *   (tab-separated, backslash escapes, \N for NULL); whenever it holds
 *   load_piece bytes (4 MB) one LOAD DATA statement loads it, copy_end
 *   loads the rest: memory stays bounded whatever the chunk size, all
 *   statements of a chunk share its transaction. The local-infile handler
 *   serves that buffer, and only while ferry's own statement runs: a
 *   server asking for a file at any other time gets an error (the classic
 *   LOCAL INFILE attack reads nothing). LOCAL INFILE turns every row error
 *   into a warning (a duplicate key is skipped, a long string truncated, a
 *   bad number stored as 0), so any warning after a statement fails the
 *   load, naming the row and the server's message.
 * - Every failure of a row's values carries an SQLSTATE of class 22/23
 *   (my_state_for), so that the engine isolates and rejects the row; the
 *   engine rolls the transaction back, so nothing the server changed stays.
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

/* my_infile_init — the server asks for a file: serve the load buffer,
 * whatever the name, while ferry's own LOAD DATA runs; refuse otherwise. */
static int my_infile_init(void **ptr, const char *filename, void *userdata)
{
    my_conn *c = userdata;

    (void)filename;
    *ptr = c;
    return c->cp.feeding ? 0 : 1;
}

/* my_infile_read — the next at most len bytes of the load buffer; 0 at
 * its end. */
static int my_infile_read(void *ptr, char *buf, unsigned int len)
{
    my_conn *c = ptr;
    size_t left = c->cp.buf.len - c->cp.feed_pos, n = left < len ? left : len;

    memcpy(buf, c->cp.buf.buf + c->cp.feed_pos, n);
    c->cp.feed_pos += n;
    return (int)n;
}

/* my_infile_end — nothing to release: the buffer belongs to the load. */
static void my_infile_end(void *ptr)
{
    (void)ptr;
}

/* my_infile_error — why my_infile_init refused. */
static int my_infile_error(void *ptr, char *msg, unsigned int len)
{
    (void)ptr;
    snprintf(msg, len, "refused: ferry sends LOCAL INFILE data only for its own LOAD DATA");
    return CR_UNKNOWN_ERROR;
}

/* my_copy_setup — see mysql_internal.h. */
void my_copy_setup(my_conn *c)
{
    mysql_set_local_infile_handler(c->my, my_infile_init, my_infile_read, my_infile_end,
                                   my_infile_error, c);
}

/* ---------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------- */

/* my_ins_close — close the prepared INSERT statements of the last table. */
static void my_ins_close(my_conn *c)
{
    if (c->cp.bulk)
        mysql_stmt_close(c->cp.bulk);
    c->cp.bulk = NULL;
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
    free(c->cp.bulk_ptrs);
    free(c->cp.bulk_lens);
    free(c->cp.bulk_inds);
    c->cp.bulk_ptrs = NULL;
    c->cp.bulk_lens = NULL;
    c->cp.bulk_inds = NULL;
    c->cp.bulk_cap = 0;
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

/* my_add_value_slot — the statement's place for one value of kind k: "?",
 * or "(? + 0)" for a bool. Bools are sent as '1'/'0' text (my_cell); a
 * BIT(1) column (kept by a MySQL -> MySQL copy) would take that text as
 * the bits of the character '1' (0x31, "data too long"), while its number
 * fits BIT(1), tinyint(1) and every integer type alike. */
static void my_add_value_slot(strbuf *sql, ltype_kind k, int first)
{
    if (!first) strbuf_addc(sql, ',');
    strbuf_adds(sql, k == LT_BOOL ? "(? + 0)" : "?");
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

    int q = mysql_query(c->my, "SHOW WARNINGS");

    if (q && my_code_for(mysql_errno(c->my), -1) == FERRY_E_LOST)
        return my_fail(c, e, FERRY_E_SQL, "reading the warnings of the load", NULL);
    if (q == 0 && (res = mysql_store_result(c->my))) {
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

/* my_load_rows — encode rows [r0, r0+n) of b, loading whenever
 * load_piece bytes are buffered. */
static int my_load_rows(my_conn *c, const batch *b, size_t r0, size_t n, ferry_err *e)
{
    my_copy *cp = &c->cp;
    strbuf *sb = &cp->buf;

    for (size_t r = r0; r < r0 + n; r++) {
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
            my_add_value_slot(&sql, cp->kinds[k], k == 0);
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

/* ---------------------------------------------------------------------
 * Bulk (MariaDB array binding)
 * ------------------------------------------------------------------- */

/* my_bulk_group — rows [r0, r0+n) of b with one execution of a one-row
 * INSERT bound to column-wise arrays (COM_STMT_BULK_EXECUTE). */
static int my_bulk_group(my_conn *c, const batch *b, size_t r0, size_t n, ferry_err *e)
{
    my_copy *cp = &c->cp;
    size_t nc = (size_t)cp->ncols;
    unsigned int asize = (unsigned int)n;
    MYSQL_BIND *bd;
    char what[300];

    if (n == 0)
        return 0;
    if (!cp->bulk) {
        strbuf sql = STRBUF_INIT;
        strbuf_addf(&sql, "INSERT INTO %s (", cp->table);
        for (int k = 0; k < cp->ncols; k++)
            strbuf_addf(&sql, "%s%s", k ? ", " : "", cp->cols[k]);
        strbuf_adds(&sql, ") VALUES (");
        for (int k = 0; k < cp->ncols; k++)
            my_add_value_slot(&sql, cp->kinds[k], k == 0);
        strbuf_addc(&sql, ')');
        if (!(cp->bulk = mysql_stmt_init(c->my)) || mysql_stmt_prepare(cp->bulk, sql.buf, sql.len)) {
            snprintf(what, sizeof what, "preparing the INSERT into %s", cp->table);
            my_fail_stmt(c, cp->bulk, e, FERRY_E_SQL, what, NULL);
            if (cp->bulk) mysql_stmt_close(cp->bulk);
            cp->bulk = NULL;
            strbuf_free(&sql);
            return my_copy_fail(c);
        }
        strbuf_free(&sql);
    }
    /* The arrays hold n rows x nc columns: their capacity counts cells (the
     * connection loads tables of different widths one after the other). */
    if (n * nc > cp->bulk_cap) {
        free(cp->bulk_ptrs);
        free(cp->bulk_lens);
        free(cp->bulk_inds);
        cp->bulk_ptrs = xcalloc(n * nc, sizeof *cp->bulk_ptrs);
        cp->bulk_lens = xcalloc(n * nc, sizeof *cp->bulk_lens);
        cp->bulk_inds = xcalloc(n * nc, 1);
        cp->bulk_cap = n * nc;
    }
    if (nc > cp->nbinds) {
        free(cp->binds);
        cp->binds = xcalloc(nc, sizeof *cp->binds);
        free(cp->lens);
        free(cp->nulls);
        cp->lens = xcalloc(nc, sizeof *cp->lens);
        cp->nulls = xcalloc(nc, sizeof *cp->nulls);
        cp->nbinds = nc;
    }
    bd = cp->binds;
    memset(bd, 0, nc * sizeof *bd);
    for (size_t k = 0; k < nc; k++) {
        char **ptrs = cp->bulk_ptrs + k * n;
        unsigned long *lens = cp->bulk_lens + k * n;
        char *inds = cp->bulk_inds + k * n;
        for (size_t r = 0; r < n; r++) {
            size_t len = 0, outn = 0;
            const char *cell = batch_cell_get(b, r0 + r, (int)k, &len), *out = "", *why;
            if (cell && my_cell(cp->kinds[k], cell, len, &out, &outn, &why))
                return my_cell_fail(c, cp->rows_sent + (int64_t)r + 1, (int)k, why, e);
            ptrs[r] = (char *)out;
            lens[r] = (unsigned long)outn;
            inds[r] = cell ? STMT_INDICATOR_NONE : STMT_INDICATOR_NULL;
        }
        bd[k].buffer_type = cp->kinds[k] == LT_BYTES ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
        bd[k].buffer = ptrs;
        bd[k].length = lens;
        bd[k].u.indicator = inds;
    }
    snprintf(what, sizeof what, "INSERT into %s (rows %lld-%lld)", cp->table,
             (long long)cp->rows_sent + 1, (long long)cp->rows_sent + (long long)n);
    if (mysql_stmt_attr_set(cp->bulk, STMT_ATTR_ARRAY_SIZE, &asize) ||
        mysql_stmt_bind_param(cp->bulk, bd) || mysql_stmt_execute(cp->bulk)) {
        my_fail_stmt(c, cp->bulk, e, FERRY_E_SQL, what, NULL);
        return my_copy_fail(c);
    }
    if (mysql_warning_count(c->my)) {
        my_load_warnings(c, "INSERT", cp->rows_sent + 1, (int64_t)n, e);
        return my_copy_fail(c);
    }
    cp->rows_sent += (int64_t)n;
    cp->rows_loaded += (int64_t)mysql_stmt_affected_rows(cp->bulk);
    cp->first_pending = cp->rows_sent;
    return 0;
}

/* ---------------------------------------------------------------------
 * Groups that fit a packet
 * ------------------------------------------------------------------- */

/* my_group — rows [r0, r0+n) of b by the load's statement method. */
static int my_group(my_conn *c, const batch *b, size_t r0, size_t n, int full, ferry_err *e)
{
    if (n == 0)
        return 0;
    if (c->cp.method == MY_COPY_BULK)
        return my_bulk_group(c, b, r0, n, e);
    return my_ins_group(c, b, r0, (int)n, full, e);
}

/* my_rows_batch — bulk and insert: the rows of b in groups of at most
 * full rows whose values fit one packet; a row that fits no packet goes
 * through LOAD DATA (see DESIGN). */
static int my_rows_batch(my_conn *c, const batch *b, ferry_err *e)
{
    my_copy *cp = &c->cp;
    int full = cp->method == MY_COPY_BULK ? INT32_MAX : c->insert_rows;
    size_t r0 = 0, n = 0, bytes = 0;
    /* Room for the packet's own bytes: header, types, null bitmaps. */
    size_t limit = c->max_packet - 4096 - (size_t)cp->ncols * 16;

    if (cp->method == MY_COPY_INSERT && full * cp->ncols > 65535)
        full = 65535 / (cp->ncols > 0 ? cp->ncols : 1);
    for (size_t r = 0; r < b->nrows; r++) {
        size_t rb = 2;
        for (int k = 0; k < cp->ncols; k++) {
            size_t len = 0;
            batch_cell_get(b, r, k, &len);
            rb += len + 10;
        }
        if (rb > limit) {
            if (my_group(c, b, r0, n, full, e))
                return -1;
            if (!c->local_infile_ok) {
                my_err(c, e, FERRY_E_SQL, "22001", "%s, row %lld: the row is %zu bytes, more than "
                       "the server's max_allowed_packet (%lu) allows in one statement: raise it "
                       "(SET GLOBAL max_allowed_packet = ...) or allow LOCAL INFILE "
                       "(local_infile = 1), which streams such rows", cp->table,
                       (long long)cp->rows_sent + 1, rb, c->max_packet);
                return my_copy_fail(c);
            }
            if (my_load_rows(c, b, r, 1, e) || my_load_flush(c, e))
                return -1;
            r0 = r + 1;
            n = 0;
            bytes = 0;
            continue;
        }
        if (n > 0 && ((int)n == full || bytes + rb > limit)) {
            if (my_group(c, b, r0, n, full, e))
                return -1;
            r0 = r;
            n = 0;
            bytes = 0;
        }
        n++;
        bytes += rb;
    }
    return my_group(c, b, r0, n, full, e);
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
        for (int k = 0; k < ncols; k++) {
            if (types[k].kind == LT_BOOL) strbuf_addf(&sql, "%s@ferry_b%d", k ? ", " : "", k);
            else strbuf_addf(&sql, "%s%s", k ? ", " : "", quoted_cols[k]);
        }
        strbuf_addc(&sql, ')');
        /* bools as numbers, see my_add_value_slot */
        for (int k = 0, first = 1; k < ncols; k++)
            if (types[k].kind == LT_BOOL) {
                strbuf_addf(&sql, "%s%s = @ferry_b%d + 0", first ? " SET " : ", ", quoted_cols[k], k);
                first = 0;
            }
        cp->load_sql = strbuf_detach(&sql);
    }
    for (int k = 0; k < ncols; k++)
        cp->kinds[k] = types[k].kind;
    if (c->copy_method == MY_COPY_LOAD && !c->local_infile_ok)
        return my_err(c, e, FERRY_E_TARGET, NULL, "%s: the server does not allow LOAD DATA "
                      "LOCAL INFILE (local_infile is OFF): use copy_method insert, or SET "
                      "GLOBAL local_infile = 1", c->display);
    if (c->copy_method == MY_COPY_BULK && !c->bulk_ok)
        return my_err(c, e, FERRY_E_TARGET, NULL, "%s: the server has no bulk execution "
                      "(MariaDB 10.2 or later has it): use copy_method insert", c->display);
    cp->method = c->copy_method != MY_COPY_DEFAULT ? (int)c->copy_method
               : c->bulk_ok ? MY_COPY_BULK : MY_COPY_INSERT;
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
    if (c->cp.method == MY_COPY_LOAD)
        return my_load_rows(c, b, 0, b->nrows, e);
    return my_rows_batch(c, b, e);
}

/* my_copy_end — load what is buffered; *rows (may be NULL) gets the rows
 * the server took. On failure the caller rolls back. */
int my_copy_end(ferry_conn *fc, int64_t *rows, ferry_err *e)
{
    my_conn *c = (my_conn *)fc;

    if (!c->cp.active)
        return my_err(c, e, FERRY_E_INTERNAL, NULL, "copy_end without copy_begin (or after "
                      "a failed one)");
    if (my_load_flush(c, e))                   /* load, or an oversized last row */
        return -1;
    if (rows)
        *rows = c->cp.rows_loaded;
    my_copy_reset(c);
    return 0;
}
