/* test_sqlite_target.c — unit tests for the SQLite driver as a target
 * (drivers/sqlite_write.c): connection settings, every logical type bound
 * with the right storage class and exact value (read back with sqlite3 and
 * typeof), $n parameters, SQLSTATE classes of refused rows, rollback,
 * savepoints as the engine's row isolation uses them, the reuse of the
 * prepared INSERT; plus a smoke test of the source side after the split. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "test.h"
#include "sqlite_internal.h"

static char sqt_dir[64];
static int  sqt_seq;

/* sqt_path — a fresh database path in the suite's temporary directory. */
static void sqt_path(char *buf, size_t n)
{
    snprintf(buf, n, "%s/t%d.db", sqt_dir, ++sqt_seq);
}

/* sqt_open — a ferry connection to path for side; NULL on failure (the
 * error is printed). */
static ferry_conn *sqt_open(const char *path, ferry_side side)
{
    ferry_url u;
    ferry_err e = {0};
    ferry_conn *c;
    char url[128];

    snprintf(url, sizeof url, "sqlite:///%s", path);
    if (ferry_url_parse(url, &u, &e)) {
        fprintf(stderr, "  url: %s\n", e.msg);
        return NULL;
    }
    c = driver_connect(&u, side, &e);
    if (!c) fprintf(stderr, "  connect: %s\n", e.msg);
    ferry_url_free(&u);
    return c;
}

/* sqt_exec — drv exec, printing the error; 0 or -1. */
static int sqt_exec(ferry_conn *c, const char *sql)
{
    ferry_err e = {0};
    if (c->drv->exec(c, sql, &e) == 0) return 0;
    fprintf(stderr, "  exec: %s\n", e.msg);
    return -1;
}

/* collect — a query_callback keeping the first column of every row,
 * "NULL" for SQL NULL, joined by '|'. */
static int collect(void *ctx, int ncols, const char *const *vals, ferry_err *e)
{
    strbuf *sb = ctx;
    (void)e;
    if (sb->len) strbuf_addc(sb, '|');
    for (int i = 0; i < ncols; i++) {
        if (i) strbuf_addc(sb, ',');
        strbuf_adds(sb, vals[i] ? vals[i] : "NULL");
    }
    return 0;
}

/* sqt_q — run sql on path with a plain sqlite3 connection and return the
 * rows as collect() does (static buffer). */
static const char *sqt_q(const char *path, const char *sql)
{
    static char out[4096];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    size_t len = 0;

    out[0] = '\0';
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERROR %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW && len < sizeof out - 1) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
                                    i ? "," : (len ? "|" : ""), v ? v : "NULL");
            if (len >= sizeof out) len = sizeof out - 1;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

#define LTK(k) ((ltype){(k), -1, 0, -1, -1})

/* sqt_copy — begin, copy b into table, end, commit; rows into *rows.
 * Returns 0, or -1 with e set (the transaction rolled back). */
static int sqt_copy(ferry_conn *c, const char *table, const char *const *cols,
                    const ltype *types, const batch *b, int64_t *rows, ferry_err *e)
{
    const ferry_driver *d = c->drv;
    if (d->begin(c, e) || d->copy_begin(c, table, cols, types, b->ncols, e)
        || d->copy_batch(c, b, e) || d->copy_end(c, rows, e) || d->commit(c, e)) {
        d->rollback(c);
        return -1;
    }
    return 0;
}

/* row_text — add a row of C strings (NULL = SQL NULL) to b. */
static void row_text(batch *b, const char *const *cells)
{
    batch_begin_row(b);
    for (int i = 0; i < b->ncols; i++) {
        if (cells[i]) batch_set_cell(b, i, cells[i], strlen(cells[i]));
        else batch_set_null(b, i);
    }
    batch_commit_row(b);
}

/* ------------------------------------------------------------------ */

TEST(test_sqt_connect_settings)
{
    char path[128], wal[160];
    strbuf sb = STRBUF_INIT;
    ferry_err e = {0};
    ferry_conn *c;

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    ASSERT_EQ_INT(c->drv->query(c, "PRAGMA journal_mode", 0, NULL, collect, &sb, &e), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "wal");
    strbuf_reset(&sb);
    ASSERT_EQ_INT(c->drv->query(c, "PRAGMA synchronous", 0, NULL, collect, &sb, &e), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "1");                   /* NORMAL, with WAL */
    strbuf_reset(&sb);
    ASSERT_EQ_INT(c->drv->query(c, "PRAGMA foreign_keys", 0, NULL, collect, &sb, &e), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "0");
    strbuf_free(&sb);
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE t (a INTEGER)"), 0);
    drv_close(c);
    /* The last connection gave the file its rollback journal back. */
    ASSERT_EQ_STR(sqt_q(path, "PRAGMA journal_mode"), "delete");
    snprintf(wal, sizeof wal, "%s-wal", path);
    ASSERT(access(wal, F_OK) != 0);
}

TEST(test_sqt_wal_stays_while_shared)
{
    char path[128];
    ferry_conn *a, *b;

    sqt_path(path, sizeof path);
    a = sqt_open(path, SIDE_TARGET);
    b = sqt_open(path, SIDE_TARGET);
    ASSERT(a && b);
    ASSERT_EQ_INT(sqt_exec(a, "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)"), 0);
    drv_close(a);                            /* b still open: WAL must stay */
    ASSERT_EQ_STR(sqt_q(path, "PRAGMA journal_mode"), "wal");
    ASSERT_EQ_INT(sqt_exec(b, "INSERT INTO t VALUES (2)"), 0);
    drv_close(b);
    ASSERT_EQ_STR(sqt_q(path, "PRAGMA journal_mode"), "delete");
    ASSERT_EQ_STR(sqt_q(path, "SELECT a FROM t ORDER BY a"), "1|2");
}

enum { NT = 16 };
static const char *const all_cols[NT] = {"\"b\"", "\"i16\"", "\"i64\"", "\"f\"", "\"d\"",
    "\"dbig\"", "\"tx\"", "\"vc\"", "\"by\"", "\"dt\"", "\"tm\"", "\"ts\"", "\"tz\"", "\"u\"",
    "\"j\"", "\"en\""};

TEST(test_sqt_every_type)
{
    char path[128];
    ferry_err e = {0};
    ferry_conn *c;
    batch *b = batch_new(NT);
    int64_t rows = -1;
    char *big = xmalloc(1 << 20);
    const ltype types[NT] = {LTK(LT_BOOL), LTK(LT_INT16), LTK(LT_INT64), LTK(LT_FLOAT64),
        LTK(LT_DECIMAL), LTK(LT_DECIMAL), LTK(LT_TEXT), LTK(LT_TEXT), LTK(LT_BYTES),
        LTK(LT_DATE), LTK(LT_TIME), LTK(LT_TIMESTAMP), LTK(LT_TIMESTAMPTZ), LTK(LT_UUID),
        LTK(LT_JSON), LTK(LT_ENUM)};
    const char *r1[NT] = {"t", "-32768", "-9223372036854775808", "1e+308", "12.50",
        "12345678901234567890.123", "h\xc3\xa9llo \xf0\x9f\x98\x80", "abc", "\x01\xff",
        "2024-02-29", "23:59:59.123456", "2024-02-29 23:59:59.5", "2024-02-29 23:59:59+00:00",
        "0e4f6a2c-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "{\"a\":[1,2]}", "red"};
    const char *r2[NT] = {"f", "32767", "9223372036854775807", "-0", "-9223372036854775808",
        "42", "", "", "", "0001-01-01", "00:00:00", "1970-01-01 00:00:00",
        "1970-01-01 00:00:00+00:00", "00000000-0000-0000-0000-000000000000", "\"x\"", ""};
    const char *r3[NT] = {NULL};
    const char *r4[NT] = {"t", "0", "0", "Infinity", "0.1", "-0.000001", "x", "y", NULL,
        NULL, NULL, NULL, NULL, NULL, "[]", NULL};
    const char *r5[NT] = {"f", "1", "1", "-Infinity", "1", "99999999999999999999", "z", "z",
        NULL, NULL, NULL, NULL, NULL, NULL, "1.50", NULL};

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    /* The declared types mappings/sqlite.map gives each logical type. */
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE \"t\" (id INTEGER PRIMARY KEY, b BOOLEAN,"
        " i16 INTEGER, i64 INTEGER, f REAL, d NUMERIC(10,2), dbig NUMERIC(30,10), tx TEXT,"
        " vc VARCHAR(10), by BLOB, dt DATE, tm TIME, ts DATETIME, tz DATETIME, u UUID,"
        " j \"JSON TEXT\", en TEXT)"), 0);
    row_text(b, r1);
    row_text(b, r2);
    row_text(b, r3);
    row_text(b, r4);
    row_text(b, r5);
    /* Row 6: a 1 MB blob holding every byte value, NUL included. */
    for (int i = 0; i < (1 << 20); i++) big[i] = (char)(i * 7);
    batch_begin_row(b);
    for (int i = 0; i < NT; i++) batch_set_null(b, i);
    batch_set_cell(b, 8, big, 1 << 20);
    batch_commit_row(b);
    if (sqt_copy(c, "\"main\".\"t\"", all_cols, types, b, &rows, &e)) {
        FAIL_AT("copy: %s", e.msg);
        goto out;
    }
    CHECK_EQ_INT(rows, 6, "rows");
    /* Storage classes. */
    CHECK_EQ_STR(sqt_q(path, "SELECT typeof(b), typeof(i16), typeof(i64), typeof(f),"
        " typeof(tx), typeof(by), typeof(dt), typeof(tz), typeof(u), typeof(j), typeof(en)"
        " FROM t WHERE id = 1"),
        "integer,integer,integer,real,text,blob,text,text,text,text,text", "row 1 classes");
    CHECK_EQ_STR(sqt_q(path, "SELECT typeof(tx), quote(tx), typeof(vc), typeof(by), quote(by),"
        " typeof(en), quote(en) FROM t WHERE id = 2"),
        "text,'',text,blob,X'',text,''", "empty text and blob are not NULL");
    CHECK_EQ_STR(sqt_q(path, "SELECT count(*) FROM t WHERE id = 3 AND coalesce(b, i16, i64, f,"
        " d, dbig, tx, vc, by, dt, tm, ts, tz, u, j, en) IS NULL"), "1", "row 3 all NULL");
    /* Exact values. */
    CHECK_EQ_STR(sqt_q(path, "SELECT b, i16, i64 FROM t WHERE id IN (1, 2) ORDER BY id"),
        "1,-32768,-9223372036854775808|0,32767,9223372036854775807", "integers");
    CHECK_EQ_STR(sqt_q(path, "SELECT f = 1e308, quote(f) FROM t WHERE id = 1"), "1,1.0e+308",
                 "1e308");
    CHECK_EQ_STR(sqt_q(path, "SELECT f = 9e999, typeof(f) FROM t WHERE id = 4"), "1,real",
                 "Infinity");
    CHECK_EQ_STR(sqt_q(path, "SELECT f = -9e999 FROM t WHERE id = 5"), "1", "-Infinity");
    CHECK_EQ_STR(sqt_q(path, "SELECT typeof(f), f = 0 FROM t WHERE id = 2"), "real,1", "-0");
    CHECK_EQ_STR(sqt_q(path, "SELECT hex(tx), tx = 'h\xc3\xa9llo \xf0\x9f\x98\x80',"
        " length(tx) FROM t WHERE id = 1"), "68C3A96C6C6F20F09F9880,1,7", "4-byte UTF-8");
    /* Times and timestamps get six fraction digits, timestamptz its UTC
     * time without the offset (sqlite_write.c explains why). */
    CHECK_EQ_STR(sqt_q(path, "SELECT dt, tm, ts, tz, u, j, en FROM t WHERE id = 1"),
        "2024-02-29,23:59:59.123456,2024-02-29 23:59:59.500000,2024-02-29 23:59:59.000000,"
        "0e4f6a2c-1b2d-4e5f-8a9b-0c1d2e3f4a5b,{\"a\":[1,2]},red", "text forms");
    CHECK_EQ_STR(sqt_q(path, "SELECT length(by), typeof(by) FROM t WHERE id = 6"),
        "1048576,blob", "1 MB blob");
    {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        double z = 1;
        int same = 0;
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
        if (sqlite3_prepare_v2(db, "SELECT by FROM t WHERE id = 6", -1, &st, NULL) == SQLITE_OK
            && sqlite3_step(st) == SQLITE_ROW)
            same = sqlite3_column_bytes(st, 0) == (1 << 20)
                   && memcmp(sqlite3_column_blob(st, 0), big, 1 << 20) == 0;
        sqlite3_finalize(st);
        st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT f FROM t WHERE id = 2", -1, &st, NULL) == SQLITE_OK
            && sqlite3_step(st) == SQLITE_ROW)
            z = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        CHECK_EQ_INT(same, 1, "1 MB blob bytes");
        /* SQLite keeps a whole REAL as an integer on disk: -0.0 reads back
         * as 0.0 (equal, sign lost). Documented, not refused. */
        CHECK_EQ_INT(z == 0.0, 1, "-0 value");
        CHECK_EQ_INT(signbit(z) != 0, 0, "-0 sign (SQLite drops it)");
    }
    /* Decimals: whole numbers that fit are INTEGERs; the rest is bound as
     * exact text, which NUMERIC affinity then turns into a REAL (or an
     * INTEGER when the REAL is whole): what SQLite does with the declared
     * type mappings/sqlite.map chooses (reported to the lead). */
    CHECK_EQ_STR(sqt_q(path, "SELECT typeof(d), d FROM t WHERE id IN (1, 2, 4, 5) ORDER BY id"),
        "real,12.5|integer,-9223372036854775808|real,0.1|integer,1", "decimal NUMERIC(10,2)");
    CHECK_EQ_STR(sqt_q(path, "SELECT typeof(dbig), quote(dbig) FROM t WHERE id IN (1, 4, 5)"
        " ORDER BY id"), "real,1.23456789012345671677e+19|real,-1.0e-06|real,1.0e+20",
        "decimal beyond 15 digits is rounded by NUMERIC affinity");
    CHECK_EQ_STR(sqt_q(path, "SELECT typeof(j), j FROM t WHERE id IN (2, 4, 5) ORDER BY id"),
        "text,\"x\"|text,[]|text,1.50", "json text");
out:
    free(big);
    batch_free(b);
    drv_close(c);
}

/* A JSON document that looks like a number keeps its text in a column
 * declared JSON TEXT (TEXT affinity, what mappings/sqlite.map writes); in
 * one declared JSON (NUMERIC affinity) SQLite would convert it. */
TEST(test_sqt_json_affinity)
{
    char path[128];
    ferry_err e = {0};
    ferry_conn *c;
    batch *b = batch_new(2);
    int64_t rows = -1;
    const char *cols[] = {"\"j\"", "\"jn\""};
    const ltype types[] = {LTK(LT_JSON), LTK(LT_JSON)};
    const char *r1[] = {"1.50", "1.50"}, *r2[] = {"123", "123"}, *r3[] = {"[1]", "[1]"};

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE jt (j \"JSON TEXT\", jn JSON)"), 0);
    row_text(b, r1);
    row_text(b, r2);
    row_text(b, r3);
    ASSERT_EQ_INT(sqt_copy(c, "\"jt\"", cols, types, b, &rows, &e), 0);
    ASSERT_EQ_STR(sqt_q(path, "SELECT typeof(j), j, typeof(jn), jn FROM jt ORDER BY rowid"),
                  "text,1.50,real,1.5|text,123,integer,123|text,[1],text,[1]");
    batch_free(b);
    drv_close(c);
}

TEST(test_sqt_params)
{
    char path[128];
    strbuf sb = STRBUF_INIT;
    ferry_err e = {0};
    ferry_conn *c;
    const char *p3[] = {"7", "x", NULL};
    const char *p2[] = {"x", "8"};

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE s (job TEXT, chunk INTEGER, rows INTEGER,"
                              " note TEXT); CREATE TABLE u (a INTEGER)"), 0);
    /* $2 used twice, $3 before $1; NULL through $3. */
    ASSERT_EQ_INT(c->drv->exec_params(c, "INSERT INTO s (note, job, chunk, rows)"
                                         " VALUES ($3, $2, $1, $1 + 0)", 3, p3, &e), 0);
    ASSERT_EQ_INT(c->drv->exec_params(c, "UPDATE s SET rows = $2 WHERE job = $1 AND chunk = 7"
                                         " AND job = $1", 2, p2, &e), 0);
    ASSERT_EQ_STR(sqt_q(path, "SELECT job, chunk, typeof(chunk), rows, typeof(rows),"
                              " quote(note) FROM s"), "x,7,integer,8,integer,NULL");
    /* Integer columns compare with text parameters through affinity. */
    ASSERT_EQ_INT(c->drv->query(c, "SELECT job, rows, note FROM s WHERE chunk = $1 AND job = $2",
                                3, p3, collect, &sb, &e), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "x,8,NULL");
    strbuf_reset(&sb);
    /* Empty result, and a statement of only a comment. */
    ASSERT_EQ_INT(c->drv->query(c, "SELECT job FROM s WHERE chunk = $1", 1, p2, collect, &sb,
                                &e), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "");
    ASSERT_EQ_INT(c->drv->exec_params(c, "-- nothing", 0, NULL, &e), 0);
    /* A parameter without a value, a second statement, a syntax error. */
    ASSERT_EQ_INT(c->drv->exec_params(c, "INSERT INTO u VALUES ($2)", 1, p2, &e), -1);
    ASSERT(strstr(e.msg, "$2") != NULL);
    ASSERT_EQ_INT(c->drv->exec_params(c, "INSERT INTO u VALUES (1); INSERT INTO u VALUES (2)",
                                      0, NULL, &e), -1);
    ASSERT(strstr(e.msg, "more than one statement") != NULL);
    ASSERT_EQ_INT(c->drv->query(c, "SELEKT 1", 0, NULL, collect, &sb, &e), -1);
    ASSERT_EQ_INT(e.code, FERRY_E_SQL);
    ASSERT_EQ_INT(e.side, SIDE_TARGET);
    ASSERT_EQ_STR(sqt_q(path, "SELECT count(*) FROM u"), "0");
    strbuf_free(&sb);
    drv_close(c);
}

static const char *const uq_cols[] = {"\"a\"", "\"b\""};
static const ltype uq_types[] = {{LT_INT64, -1, 0, -1, -1}, {LT_FLOAT64, -1, 0, -1, -1}};

TEST(test_sqt_refused_rows)
{
    char path[128];
    ferry_err e = {0};
    ferry_conn *c;
    batch *b = batch_new(2);
    int64_t rows = -1;
    const char *ok1[] = {"1", "1.5"}, *ok2[] = {"2", "2.5"}, *dup[] = {"1", "3"},
               *nan[] = {"3", "NaN"}, *nul[] = {NULL, "1"}, *neg[] = {"-5", "1"};

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE q (a INTEGER NOT NULL UNIQUE, b REAL,"
                              " CHECK (a >= 0))"), 0);
    row_text(b, ok1);
    row_text(b, ok2);
    row_text(b, dup);
    ASSERT_EQ_INT(sqt_copy(c, "\"q\"", uq_cols, uq_types, b, &rows, &e), -1);
    ASSERT_EQ_INT(e.code, FERRY_E_SQL);
    ASSERT(e.sqlstate[0] == '2' && e.sqlstate[1] == '3');
    ASSERT_EQ_STR(e.sqlstate, "23505");
    ASSERT(strstr(e.msg, "column \"a\"") != NULL);
    ASSERT(strstr(e.msg, "UNIQUE") != NULL);
    ASSERT_EQ_STR(sqt_q(path, "SELECT count(*) FROM q"), "0");     /* rolled back */

    batch_reset(b, 2);
    row_text(b, nan);
    ASSERT_EQ_INT(sqt_copy(c, "\"q\"", uq_cols, uq_types, b, &rows, &e), -1);
    ASSERT_EQ_INT(e.code, FERRY_E_TYPE);
    ASSERT(e.sqlstate[0] == '2' && e.sqlstate[1] == '2');
    ASSERT(strstr(e.msg, "NaN cannot be stored in SQLite") != NULL);
    ASSERT(strstr(e.msg, "\"q\" column \"b\"") != NULL);

    batch_reset(b, 2);
    row_text(b, nul);
    ASSERT_EQ_INT(sqt_copy(c, "\"q\"", uq_cols, uq_types, b, &rows, &e), -1);
    ASSERT_EQ_STR(e.sqlstate, "23502");
    ASSERT(strstr(e.msg, "column \"a\"") != NULL);

    batch_reset(b, 2);
    row_text(b, neg);
    ASSERT_EQ_INT(sqt_copy(c, "\"q\"", uq_cols, uq_types, b, &rows, &e), -1);
    ASSERT_EQ_STR(e.sqlstate, "23514");

    /* A cell that is not the canonical form of its type is class 22. */
    {
        const char *bad[] = {"12abc", "1"};
        batch_reset(b, 2);
        row_text(b, bad);
        ASSERT_EQ_INT(sqt_copy(c, "\"q\"", uq_cols, uq_types, b, &rows, &e), -1);
        ASSERT_EQ_INT(e.code, FERRY_E_TYPE);
        ASSERT_EQ_STR(e.sqlstate, "22000");
        ASSERT(strstr(e.msg, "12abc") != NULL);
    }
    ASSERT_EQ_STR(sqt_q(path, "SELECT count(*) FROM q"), "0");
    batch_free(b);
    drv_close(c);
}

TEST(test_sqt_rollback_and_isolation)
{
    char path[128];
    ferry_err e = {0};
    ferry_conn *c;
    const ferry_driver *d;
    batch *b = batch_new(2), *one = batch_new(2);
    int64_t rows = -1, n = -1;
    const char *r1[] = {"1", "1"}, *r2[] = {"2", "2"}, *r3[] = {"1", "3"};
    const char *cp[] = {"c1", "3"};

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    d = c->drv;
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE r (a INTEGER UNIQUE, b REAL);"
                              " CREATE TABLE ck (id TEXT PRIMARY KEY, rows INTEGER);"
                              " INSERT INTO ck VALUES ('c1', 0)"), 0);
    /* Rollback leaves nothing. */
    row_text(b, r1);
    row_text(b, r2);
    ASSERT_EQ_INT(d->begin(c, &e), 0);
    ASSERT_EQ_INT(d->copy_begin(c, "\"r\"", uq_cols, uq_types, 2, &e), 0);
    ASSERT_EQ_INT(d->copy_batch(c, b, &e), 0);
    ASSERT_EQ_INT(d->copy_end(c, &rows, &e), 0);
    ASSERT_EQ_INT(rows, 2);
    d->rollback(c);
    ASSERT_EQ_STR(sqt_q(path, "SELECT count(*) FROM r"), "0");
    d->rollback(c);                                   /* twice is harmless */

    /* The engine's isolation: the batch fails under a savepoint, is rolled
     * back to it, then redone row by row; the refused row is skipped and
     * the rest commits with the checkpoint. */
    row_text(b, r3);
    ASSERT_EQ_INT(d->begin(c, &e), 0);
    ASSERT_EQ_INT(sqt_exec(c, "SAVEPOINT ferry_batch"), 0);
    ASSERT_EQ_INT(d->copy_begin(c, "\"r\"", uq_cols, uq_types, 2, &e), 0);
    ASSERT_EQ_INT(d->copy_batch(c, b, &e), -1);
    ASSERT(e.sqlstate[0] == '2' && e.sqlstate[1] == '3');
    ASSERT_EQ_INT(d->copy_end(c, &n, NULL), 0);
    ASSERT_EQ_INT(sqt_exec(c, "ROLLBACK TO SAVEPOINT ferry_batch"), 0);
    rows = 0;
    for (size_t row = 0; row < b->nrows; row++) {
        size_t len;
        batch_reset(one, 2);
        batch_begin_row(one);
        for (int col = 0; col < 2; col++) {
            const char *p = batch_cell_get(b, row, col, &len);
            batch_set_cell(one, col, p, len);
        }
        batch_commit_row(one);
        ASSERT_EQ_INT(sqt_exec(c, "SAVEPOINT ferry_row"), 0);
        if (d->copy_begin(c, "\"r\"", uq_cols, uq_types, 2, &e) == 0
            && d->copy_batch(c, one, &e) == 0 && d->copy_end(c, &n, &e) == 0) {
            rows += n;
            ASSERT_EQ_INT(sqt_exec(c, "RELEASE SAVEPOINT ferry_row"), 0);
        } else {
            d->copy_end(c, &n, NULL);
            ASSERT_EQ_INT(sqt_exec(c, "ROLLBACK TO SAVEPOINT ferry_row"), 0);
        }
    }
    ASSERT_EQ_INT(rows, 2);
    ASSERT_EQ_INT(sqt_exec(c, "RELEASE SAVEPOINT ferry_batch"), 0);
    ASSERT_EQ_INT(d->exec_params(c, "UPDATE ck SET rows = $2 WHERE id = $1", 2, cp, &e), 0);
    ASSERT_EQ_INT(d->commit(c, &e), 0);
    ASSERT_EQ_STR(sqt_q(path, "SELECT a, b FROM r ORDER BY a"), "1,1.0|2,2.0");
    ASSERT_EQ_STR(sqt_q(path, "SELECT rows FROM ck"), "3");
    /* A reader sees the committed state while a writer holds a chunk open
     * (WAL). */
    ASSERT_EQ_INT(d->begin(c, &e), 0);
    ASSERT_EQ_INT(sqt_exec(c, "DELETE FROM r"), 0);
    ASSERT_EQ_STR(sqt_q(path, "SELECT count(*) FROM r"), "2");
    d->rollback(c);
    batch_free(b);
    batch_free(one);
    drv_close(c);
}

TEST(test_sqt_insert_reused)
{
    char path[128];
    ferry_err e = {0};
    ferry_conn *c;
    sqlite_conn *sc;
    batch *b = batch_new(2);
    int64_t rows = -1;
    const char *r1[] = {"1", "1"}, *r2[] = {"2", "2"};
    const char *other[] = {"\"a\""};
    int nstmt = 0;

    sqt_path(path, sizeof path);
    c = sqt_open(path, SIDE_TARGET);
    ASSERT(c != NULL);
    sc = (sqlite_conn *)c;
    ASSERT_EQ_INT(sqt_exec(c, "CREATE TABLE r (a INTEGER, b REAL); CREATE TABLE o (a INTEGER)"),
                  0);
    row_text(b, r1);
    ASSERT_EQ_INT(sqt_copy(c, "\"r\"", uq_cols, uq_types, b, &rows, &e), 0);
    batch_reset(b, 2);
    row_text(b, r2);
    ASSERT_EQ_INT(sqt_copy(c, "\"r\"", uq_cols, uq_types, b, &rows, &e), 0);
    ASSERT_EQ_INT(rows, 1);
    ASSERT_EQ_INT(sc->ins.prepares, 1);               /* one INSERT for two chunks */
    for (sqlite3_stmt *st = sqlite3_next_stmt(sc->db, NULL); st; st = sqlite3_next_stmt(sc->db, st))
        nstmt++;
    ASSERT_EQ_INT(nstmt, 1);
    ASSERT_EQ_STR(sqt_q(path, "SELECT a FROM r ORDER BY a"), "1|2");
    /* A chunk of two batches: copy_end counts the rows since copy_begin. */
    ASSERT_EQ_INT(c->drv->begin(c, &e), 0);
    ASSERT_EQ_INT(c->drv->copy_begin(c, "\"r\"", uq_cols, uq_types, 2, &e), 0);
    ASSERT_EQ_INT(c->drv->copy_batch(c, b, &e), 0);
    ASSERT_EQ_INT(c->drv->copy_batch(c, b, &e), 0);
    ASSERT_EQ_INT(c->drv->copy_end(c, &rows, &e), 0);
    ASSERT_EQ_INT(c->drv->commit(c, &e), 0);
    ASSERT_EQ_INT(rows, 2);
    ASSERT_EQ_INT(sc->ins.prepares, 1);
    /* Another table replaces the cached statement. */
    batch_free(b);
    b = batch_new(1);
    row_text(b, r1);
    ASSERT_EQ_INT(sqt_copy(c, "\"o\"", other, uq_types, b, &rows, &e), 0);
    ASSERT_EQ_INT(sc->ins.prepares, 2);
    /* The table dropped and created again between chunks: SQLite prepares
     * the cached statement again by itself. */
    ASSERT_EQ_INT(sqt_exec(c, "DROP TABLE o; CREATE TABLE o (z TEXT, a INTEGER)"), 0);
    ASSERT_EQ_INT(sqt_copy(c, "\"o\"", other, uq_types, b, &rows, &e), 0);
    ASSERT_EQ_STR(sqt_q(path, "SELECT quote(z), a FROM o"), "NULL,1");
    batch_free(b);
    drv_close(c);
}

TEST(test_sqt_source_side)
{
    char path[128];
    ferry_err e = {0};
    ferry_conn *w, *c;
    ferry_catalog cat;
    cat_table *t;
    int64_t count = 0, lo = 0, hi = 0;

    sqt_path(path, sizeof path);
    w = sqt_open(path, SIDE_TARGET);
    ASSERT(w != NULL);
    ASSERT_EQ_INT(sqt_exec(w, "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE"
        " UNIQUE);"
        " CREATE TABLE k (id INTEGER PRIMARY KEY AUTOINCREMENT, p INTEGER,"
        " CONSTRAINT fk_p FOREIGN KEY (p) REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,"
        " CHECK (p > 0));"
        " CREATE INDEX k_p ON k (p DESC) WHERE p IS NOT NULL;"
        " CREATE VIEW v AS SELECT id FROM k;"
        " INSERT INTO p VALUES (1, 'a'), (2, 'b'); INSERT INTO k (p) VALUES (1), (2), (1)"), 0);
    drv_close(w);
    c = sqt_open(path, SIDE_SOURCE);
    ASSERT(c != NULL);
    memset(&cat, 0, sizeof cat);
    ASSERT_EQ_INT(c->drv->begin_snapshot(c, &e), 0);
    ASSERT_EQ_INT(c->drv->describe(c, &cat, &e), 0);
    ASSERT_EQ_INT(cat.ntables, 2);
    ASSERT_EQ_INT(cat.nviews, 1);
    ASSERT_EQ_STR(cat.views[0].select_sql, "SELECT id FROM k");
    t = catalog_find_table(&cat, "k");
    ASSERT(t != NULL);
    ASSERT_EQ_INT(t->autoincrement, 1);
    ASSERT_EQ_INT(t->autoinc_seq, 3);
    ASSERT_EQ_INT(t->nchecks, 1);
    ASSERT_EQ_STR(t->checks[0].expr, "p > 0");
    ASSERT_EQ_INT(t->nfks, 1);
    ASSERT_EQ_STR(t->fks[0].name, "fk_p");
    ASSERT_EQ_INT(t->fks[0].deferrable, 1);
    ASSERT_EQ_INT(t->nindexes, 1);
    ASSERT_EQ_STR(t->indexes[0].where, "p IS NOT NULL");
    ASSERT_EQ_INT(t->indexes[0].parts[0].desc, 1);
    ASSERT_EQ_INT(t->rowid_alias, 0);
    t = catalog_find_table(&cat, "p");
    ASSERT(t != NULL);
    ASSERT_EQ_STR(t->cols[1].collation, "NOCASE");
    ASSERT_EQ_INT(t->nindexes, 1);
    ASSERT_EQ_INT(t->indexes[0].is_constraint, 1);
    ASSERT_EQ_INT(c->drv->key_stats(c, t, NULL, &count, &lo, &hi, &e), 0);
    ASSERT_EQ_INT(count, 2);
    ASSERT_EQ_INT(lo, 1);
    ASSERT_EQ_INT(hi, 2);
    catalog_free(&cat);
    drv_close(c);
}

/* sqt_rmdir — remove the suite's files. */
static void sqt_rmdir(void)
{
    char p[160];
    for (int i = 1; i <= sqt_seq; i++) {
        const char *suffix[] = {"", "-wal", "-shm", "-journal"};
        for (size_t k = 0; k < 4; k++) {
            snprintf(p, sizeof p, "%s/t%d.db%s", sqt_dir, i, suffix[k]);
            unlink(p);
        }
    }
    rmdir(sqt_dir);
}

void suite_sqlite_target(void)
{
    snprintf(sqt_dir, sizeof sqt_dir, "/tmp/ferry-sqt-XXXXXX");
    if (!mkdtemp(sqt_dir)) {
        perror("mkdtemp");
        return;
    }
    RUN(test_sqt_connect_settings);
    RUN(test_sqt_wal_stays_while_shared);
    RUN(test_sqt_every_type);
    RUN(test_sqt_json_affinity);
    RUN(test_sqt_params);
    RUN(test_sqt_refused_rows);
    RUN(test_sqt_rollback_and_isolation);
    RUN(test_sqt_insert_reused);
    RUN(test_sqt_source_side);
    sqt_rmdir();
}
