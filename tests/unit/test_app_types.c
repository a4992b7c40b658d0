/* test_app_types.c — unit tests for what real apps' ORMs put in SQLite
 * (tests/integration/t_app_litestar.sh and t_app_defects.sh run the whole
 * moves): native rules with a column condition ("native CHAR(32) named
 * id|*_id -> uuid": parsing, matching, printing, errors), sqlite.map's
 * decisions for Advanced-Alchemy's GUID (BINARY(16)), SQLAlchemy's Uuid
 * (CHAR(32)) and binary strings, uuid values that are no uuid refused with
 * the reason, and the SQLite target storing each uuid in the form its
 * column declares and times with six fraction digits. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "test.h"
#include "convert.h"
#include "sqlite_internal.h"
#include "types.h"

/* logical_of — the logical type m gives table.column declared native,
 * formatted into buf, or "(none)". */
static const char *logical_of(const type_map *m, const char *table, const char *column,
                              const char *native, char *buf, size_t n)
{
    ltype t;
    const char *rule = NULL;
    if (type_map_to_logical(m, table, column, native, &t, &rule) != 0 || !rule)
        snprintf(buf, n, "(none)");
    else
        ltype_format(&t, buf, n);
    return buf;
}

/* A condition takes only the columns it names (globs, any case); other
 * columns fall through to the next rule; the rule text says the
 * condition; printing the table gives a file that parses back to the
 * same decisions. */
TEST(test_app_named_rules)
{
    static const char text[] =
        "native CHAR(32)  named id|*_id|*UUID*  -> uuid   # keys\n"
        "native CHAR(32)                        -> text(40)\n"
        "native \"ODD named TYPE\"               -> json\n"
        "native BLOB      named  blob_a | b?  -> bytes\n";
    static const struct { const char *column, *native, *logical; } cases[] = {
        { "id",          "CHAR(32)",  "uuid" },
        { "ID",          "char( 32 )", "uuid" },
        { "owner_id",    "CHAR(32)",  "uuid" },
        { "Owner_Id",    "CHAR(32)",  "uuid" },
        { "my_uuid_col", "CHAR(32)",  "uuid" },
        { "paid",        "CHAR(32)",  "text(40)" },   /* not *_id */
        { "idx",         "CHAR(32)",  "text(40)" },
        { "checksum",    "CHAR(32)",  "text(40)" },
        { "x",           "ODD named TYPE", "json" },  /* quoted: a type, no condition */
        { "blob_a",      "BLOB",      "bytes" },      /* spaces around names and | */
        { "bz",          "BLOB",      "bytes" },
        { "bzz",         "BLOB",      "(none)" },
    };
    ferry_err e = {0};
    type_map *m = type_map_with_overrides(NULL, "app.map", text, &e);
    char buf[64];
    const char *rule = NULL;
    ltype t;
    strbuf out = STRBUF_INIT;
    type_map *back = NULL;

    if (!m) {
        FAIL_AT("parse: %s", e.msg);
        return;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_EQ_STR(logical_of(m, "t", cases[i].column, cases[i].native, buf, sizeof buf),
                     cases[i].logical, cases[i].column);
    /* No column name: a conditional rule cannot apply. */
    CHECK_EQ_STR(logical_of(m, "t", NULL, "CHAR(32)", buf, sizeof buf), "text(40)", "NULL column");
    ASSERT_EQ_INT(type_map_to_logical(m, "t", "owner_id", "CHAR(32)", &t, &rule), 0);
    ASSERT_EQ_STR(rule, "app.map:1 native CHAR(32) named id|*_id|*UUID* -> uuid");

    /* ferry types prints the condition, and the printed table reads back. */
    type_map_print(m, &out);
    if (!strstr(strbuf_cstr(&out), " CHAR(32) named id|*_id|*UUID* "))
        FAIL_AT("printed table lacks the condition:\n%s", strbuf_cstr(&out));
    if (!strstr(strbuf_cstr(&out), "\"ODD named TYPE\""))
        FAIL_AT("a type holding the word named is printed quoted:\n%s", strbuf_cstr(&out));
    back = type_map_with_overrides(NULL, "printed", strbuf_cstr(&out), &e);
    if (!back) {
        FAIL_AT("the printed table does not parse: %s", e.msg);
    } else {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            CHECK_EQ_STR(logical_of(back, "t", cases[i].column, cases[i].native, buf, sizeof buf),
                         cases[i].logical, cases[i].column);
    }
    type_map_free(back);
    strbuf_free(&out);
    type_map_free(m);
}

/* A condition with no names, or an empty one, is an error naming the line. */
TEST(test_app_named_errors)
{
    static const struct { const char *text, *msg; } cases[] = {
        { "native CHAR(32) named -> uuid\n",       "e.map:1: \"named\" needs column name patterns" },
        { "native CHAR(32) named a||b -> uuid\n",  "e.map:1: \"named\" needs column name patterns" },
        { "\nnative CHAR(32) named a| -> uuid\n",  "e.map:2: \"named\" needs column name patterns" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ferry_err e = {0};
        type_map *m = type_map_with_overrides(NULL, "e.map", cases[i].text, &e);
        CHECK_EQ_INT(m == NULL, 1, cases[i].text);
        if (strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            FAIL_AT("[%s] message \"%s\" does not start with \"%s\"", cases[i].text, e.msg,
                    cases[i].msg);
        type_map_free(m);
    }
}

/* sqlite.map: the uuids ORMs keep in BINARY(16) and CHAR(32) columns named
 * like keys are uuids; the same types under other names, and binary
 * strings, keep their bytes or text. */
TEST(test_app_sqlite_orm_types)
{
    static const struct { const char *column, *native, *logical; } cases[] = {
        { "id",              "BINARY(16)",   "uuid" },     /* Advanced-Alchemy GUID */
        { "owner_id",        "BINARY(16)",   "uuid" },
        { "external_uuid",   "binary(16)",   "uuid" },
        { "legacy_guid",     "BINARY( 16 )", "uuid" },
        { "id",              "CHAR(32)",     "uuid" },     /* SQLAlchemy Uuid, SQLModel, Django */
        { "request_id",      "char(32)",     "uuid" },
        { "ID",              "CHAR(32)",     "uuid" },
        { "checksum",        "CHAR(32)",     "text(32)" }, /* an MD5 is no uuid */
        { "paid",            "CHAR(32)",     "text(32)" },
        { "id",              "VARCHAR(32)",  "text(32)" }, /* only what the ORMs declare */
        { "id",              "CHAR(36)",     "text(36)" },
        { "digest",          "BINARY(16)",   "bytes" },
        { "id",              "BINARY(20)",   "bytes" },
        { "payload",         "VARBINARY(255)", "bytes" },
        { "payload",         "BINARY",       "bytes" },
        { "anything",        "UUID",         "uuid" },
        { "anything",        "GUID",         "uuid" },
        { "settings",        "JSON",         "json" },
        { "created_at",      "DATETIME",     "timestamp" }, /* DateTimeUTC is not in the type */
    };
    const type_map *m = type_map_builtin("sqlite");
    char buf[64];
    ferry_err e = {0};
    type_map *o;

    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ctx[80];
        snprintf(ctx, sizeof ctx, "%s %s", cases[i].column, cases[i].native);
        CHECK_EQ_STR(logical_of(m, "t", cases[i].column, cases[i].native, buf, sizeof buf),
                     cases[i].logical, ctx);
    }
    /* A --map rule comes first: an app whose CHAR(32) ids are not uuids. */
    o = type_map_with_overrides(m, "my.map", "native CHAR(32) -> text\n", &e);
    ASSERT(o != NULL);
    CHECK_EQ_STR(logical_of(o, "t", "id", "CHAR(32)", buf, sizeof buf), "text(32)", "--map wins");
    type_map_free(o);
    /* ... and the Advanced-Alchemy --map of docs/apps/litestar-todo.md. */
    o = type_map_with_overrides(m, "aa.map", "native DATETIME -> timestamptz\n", &e);
    ASSERT(o != NULL);
    CHECK_EQ_STR(logical_of(o, "t", "created_at", "DATETIME", buf, sizeof buf), "timestamptz",
                 "DateTimeUTC through --map");
    type_map_free(o);
}

/* A value in such a column that is no uuid is refused with the reason,
 * never changed; every uuid spelling gives the same canonical text. */
TEST(test_app_uuid_values)
{
    static const struct { int blob; const char *in, *out; } cases[] = {
        { 0, "5b1c0d2e3f4a4b5c8d9e0f1a2b3c4d5e",     "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e" },
        { 0, "5B1C0D2E3F4A4B5C8D9E0F1A2B3C4D5E",     "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e" },
        { 0, "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e", "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e" },
        { 1, "\x5b\x1c\x0d\x2e\x3f\x4a\x4b\x5c\x8d\x9e\x0f\x1a\x2b\x3c\x4d\x5e",
             "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e" },
        { 0, "q7Zx-not-hex-but-32-characters!!",     NULL },
        { 0, "abc",                                  NULL },
        { 1, "\x01\x02\x03",                         NULL },
    };
    ltype t = { LT_UUID, -1, 0, -1, -1 };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ferry_value v;
        strbuf out = STRBUF_INIT;
        const char *why = NULL;
        conv_note note;
        conv_result rc;
        memset(&v, 0, sizeof v);
        v.cls = cases[i].blob ? FV_BLOB : FV_TEXT;
        v.p = cases[i].in;
        v.n = cases[i].blob ? (i == 3 ? 16 : 3) : strlen(cases[i].in);
        rc = convert_value(&t, &v, &out, &note, &why);
        if (cases[i].out) {
            CHECK_EQ_INT(rc, CONV_OK, cases[i].out);
            CHECK_EQ_STR(strbuf_cstr(&out), cases[i].out, "canonical");
        } else {
            CHECK_EQ_INT(rc, CONV_REJECT, "refused");
            if (!why || !strstr(why, "is not a UUID"))
                FAIL_AT("[%zu] reason \"%s\" does not say why", i, why ? why : "(null)");
        }
        strbuf_free(&out);
    }
}

/* sq_uuid_form: the storage form a declared type asks for. */
TEST(test_app_uuid_form)
{
    static const struct { const char *decl; int form; } cases[] = {
        { "BINARY(16)",  SQ_UUID_BLOB16 }, { "binary(16)",  SQ_UUID_BLOB16 },
        { "VARBINARY(16)", SQ_UUID_BLOB16 }, { "BLOB",      SQ_UUID_BLOB16 },
        { "LONGBLOB",    SQ_UUID_BLOB16 },
        { "CHAR(32)",    SQ_UUID_HEX32 },  { "char( 32 )", SQ_UUID_HEX32 },
        { "VARCHAR(32)", SQ_UUID_HEX32 },  { "NCHAR(32)",  SQ_UUID_HEX32 },
        { "CHAR(36)",    SQ_UUID_TEXT },   { "CHAR",       SQ_UUID_TEXT },
        { "UUID",        SQ_UUID_TEXT },   { "TEXT",       SQ_UUID_TEXT },
        { "",            SQ_UUID_TEXT },   { NULL,         SQ_UUID_TEXT },
        { "INT(32)",     SQ_UUID_TEXT },   { "GUID",       SQ_UUID_TEXT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_EQ_INT(sq_uuid_form(cases[i].decl), cases[i].form,
                     cases[i].decl ? cases[i].decl : "(null)");
}

/* app_q — one query on path (read-only), its rows as "a,b|c,d". */
static const char *app_q(const char *path, const char *sql)
{
    static char out[2048];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    out[0] = '\0';
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERROR %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW && len < sizeof out - 1) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? "," : (len ? "|" : ""),
                                    v ? v : "NULL");
            if (len >= sizeof out) len = sizeof out - 1;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* app_load — one chunk of rows (text cells, NULL for SQL NULL) into table
 * of a SQLite target, as the engine loads it. 0, or -1 with e set. */
static int app_load(ferry_conn *c, const char *table, const char *const *cols, const ltype *types,
                    int ncols, const char *const *cells, int nrows, ferry_err *e)
{
    const ferry_driver *d = c->drv;
    batch *b = batch_new(ncols);
    int64_t rows = 0;
    int rc;
    for (int r = 0; r < nrows; r++) {
        batch_begin_row(b);
        for (int i = 0; i < ncols; i++) {
            const char *s = cells[r * ncols + i];
            if (s) batch_set_cell(b, i, s, strlen(s));
            else batch_set_null(b, i);
        }
        batch_commit_row(b);
    }
    rc = d->begin(c, e) || d->copy_begin(c, table, cols, types, ncols, e) || d->copy_batch(c, b, e)
         || d->copy_end(c, &rows, e) || d->commit(c, e);
    if (rc) d->rollback(c);
    batch_free(b);
    return rc ? -1 : 0;
}

/* The SQLite target writes a uuid in its column's form (the app reads
 * that form), the cached INSERT keeps the forms for the next chunk, and
 * ferry reads every form back as the same uuid; times get six fraction
 * digits and timestamptz loses only its +00:00. */
TEST(test_app_sqlite_writer_forms)
{
    char dir[] = "/tmp/ferry-app-XXXXXX", path[64], url[96];
    static const char *const cols[] = {"\"b\"", "\"h\"", "\"t\"", "\"x\"", "\"ts\"", "\"tz\"", "\"tm\""};
    const ltype types[] = {{LT_UUID, -1, 0, -1, -1}, {LT_UUID, -1, 0, -1, -1},
                           {LT_UUID, -1, 0, -1, -1}, {LT_UUID, -1, 0, -1, -1},
                           {LT_TIMESTAMP, -1, 0, -1, -1}, {LT_TIMESTAMPTZ, -1, 0, -1, -1},
                           {LT_TIME, -1, 0, -1, -1}};
    const char *u = "00a10000-0000-4000-8000-00000000ff00";    /* NUL bytes inside */
    const char *const chunk1[] = {
        u, u, u, u, "2024-01-02 03:04:05", "2024-01-02 03:04:05.5+00:00", "23:59:59.1",
        NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    };
    const char *const chunk2[] = {
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
        "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e", "00000000-0000-0000-0000-000000000000",
        "0001-01-01 00:00:00.000001", "9999-12-31 23:59:59.999999+00:00", "00:00:00",
    };
    const char *const bad[] = {"not-a-uuid", NULL, NULL, NULL, NULL, NULL, NULL};
    ferry_url fu;
    ferry_err e = {0};
    ferry_conn *c = NULL;
    sqlite3 *db = NULL;

    ASSERT(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/a.db", dir);
    ASSERT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    ASSERT_EQ_INT(sqlite3_exec(db, "CREATE TABLE \"u\" (b BINARY(16), h CHAR(32), t UUID, x TEXT,"
                               " ts DATETIME, tz DATETIME, tm TIME)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    snprintf(url, sizeof url, "sqlite:///%s", path);
    ASSERT_EQ_INT(ferry_url_parse(url, &fu, &e), 0);
    c = driver_connect(&fu, SIDE_TARGET, &e);
    ferry_url_free(&fu);
    if (!c) {
        FAIL_AT("connect: %s", e.msg);
        goto out;
    }
    if (app_load(c, "\"main\".\"u\"", cols, types, 7, chunk1, 2, &e) ||
        app_load(c, "\"main\".\"u\"", cols, types, 7, chunk2, 1, &e)) {
        FAIL_AT("load: %s", e.msg);
        goto out;
    }
    CHECK_EQ_STR(app_q(path, "SELECT typeof(b), hex(b), typeof(h), h, typeof(t), t, x FROM u"
                             " WHERE rowid = 1"),
                 "blob,00A1000000004000800000000000FF00,text,00a1000000004000800000000000ff00,"
                 "text,00a10000-0000-4000-8000-00000000ff00,00a10000-0000-4000-8000-00000000ff00",
                 "uuid forms by declared type");
    CHECK_EQ_STR(app_q(path, "SELECT hex(b), h, t, x FROM u WHERE rowid = 3"),
                 "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF,5b1c0d2e3f4a4b5c8d9e0f1a2b3c4d5e,"
                 "5b1c0d2e-3f4a-4b5c-8d9e-0f1a2b3c4d5e,00000000-0000-0000-0000-000000000000",
                 "the second chunk, through the cached INSERT");
    CHECK_EQ_STR(app_q(path, "SELECT count(*) FROM u WHERE rowid = 2 AND coalesce(b, h, t, x, ts, tz, tm)"
                             " IS NULL"), "1", "NULL stays NULL");
    CHECK_EQ_STR(app_q(path, "SELECT ts, tz, tm FROM u WHERE rowid IN (1, 3) ORDER BY rowid"),
                 "2024-01-02 03:04:05.000000,2024-01-02 03:04:05.500000,23:59:59.100000|"
                 "0001-01-01 00:00:00.000001,9999-12-31 23:59:59.999999,00:00:00.000000",
                 "times with six fraction digits, timestamptz in UTC without the offset");
    {
        /* What ferry reads back from each form is the uuid it wrote. */
        sqlite3_stmt *st = NULL;
        ltype ut = {LT_UUID, -1, 0, -1, -1};
        ASSERT_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        if (sqlite3_prepare_v2(db, "SELECT b, h, t, x FROM u WHERE rowid = 1", -1, &st, NULL)
                == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < 4; i++) {
                ferry_value v;
                strbuf out = STRBUF_INIT;
                memset(&v, 0, sizeof v);
                v.cls = sqlite3_column_type(st, i) == SQLITE_BLOB ? FV_BLOB : FV_TEXT;
                v.p = sqlite3_column_blob(st, i);
                v.n = (size_t)sqlite3_column_bytes(st, i);
                CHECK_EQ_INT(convert_value(&ut, &v, &out, NULL, NULL), CONV_OK, cols[i]);
                CHECK_EQ_STR(strbuf_cstr(&out), u, cols[i]);
                strbuf_free(&out);
            }
        } else {
            FAIL_AT("read back: %s", sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        db = NULL;
    }
    /* A cell that is no canonical uuid cannot be put in 16 bytes: refused
     * as a value error (the engine isolates the row). */
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(app_load(c, "\"main\".\"u\"", cols, types, 7, bad, 1, &e), -1, "bad uuid cell");
    CHECK_EQ_STR(e.sqlstate, "22000", "value error class");
    if (!strstr(e.msg, "not a uuid")) FAIL_AT("message \"%s\" does not say why", e.msg);
out:
    if (c) drv_close(c);
    unlink(path);
    {
        char p2[80];
        snprintf(p2, sizeof p2, "%s-wal", path);
        unlink(p2);
        snprintf(p2, sizeof p2, "%s-shm", path);
        unlink(p2);
    }
    rmdir(dir);
}

void suite_app_types(void)
{
    RUN(test_app_named_rules);
    RUN(test_app_named_errors);
    RUN(test_app_sqlite_orm_types);
    RUN(test_app_uuid_values);
    RUN(test_app_uuid_form);
    RUN(test_app_sqlite_writer_forms);
}
