/* test_sqlexpr.c — unit tests for engine/sqlexpr.c: column defaults per
 * logical type (translated and refused), CHECK expressions, partial-index
 * predicates, index expressions, view SELECTs, quoting. Table-driven: one
 * row per case, failures name the input. */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "sqlexpr.h"

/* Logical types used by the cases: {kind, length, fixed, precision, scale}. */
#define T_BOOL    {LT_BOOL, -1, 0, -1, -1}
#define T_INT16   {LT_INT16, -1, 0, -1, -1}
#define T_INT32   {LT_INT32, -1, 0, -1, -1}
#define T_INT64   {LT_INT64, -1, 0, -1, -1}
#define T_FLOAT32 {LT_FLOAT32, -1, 0, -1, -1}
#define T_FLOAT64 {LT_FLOAT64, -1, 0, -1, -1}
#define T_DEC     {LT_DECIMAL, -1, 0, -1, -1}
#define T_DEC10_2 {LT_DECIMAL, -1, 0, 10, 2}
#define T_TEXT    {LT_TEXT, -1, 0, -1, -1}
#define T_TEXT5   {LT_TEXT, 5, 0, -1, -1}
#define T_TEXT10  {LT_TEXT, 10, 0, -1, -1}
#define T_BYTES   {LT_BYTES, -1, 0, -1, -1}
#define T_DATE    {LT_DATE, -1, 0, -1, -1}
#define T_TIME    {LT_TIME, -1, 0, -1, -1}
#define T_TS      {LT_TIMESTAMP, -1, 0, -1, -1}
#define T_TSTZ    {LT_TIMESTAMPTZ, -1, 0, -1, -1}
#define T_UUID    {LT_UUID, -1, 0, -1, -1}
#define T_JSON    {LT_JSON, -1, 0, -1, -1}
#define T_ENUM    {LT_ENUM, -1, 0, -1, -1}

#define NOW_UTC   "(now() AT TIME ZONE 'UTC')"
#define EPOCH     "(floor(extract(epoch from now()))::bigint)"
#define TIME_UTC  "(date_trunc('second', now() AT TIME ZONE 'UTC')::time)"
#define TO_CHAR(f) "to_char(now() AT TIME ZONE 'UTC', '" f "')"

/* A default case: want is the translation, or NULL when refused with a
 * reason containing why. */
typedef struct dcase {
    const char *expr;
    ltype       t;
    const char *want;
    const char *why;
} dcase;

/* An expression case; resolver chosen by the test. */
typedef struct xcase {
    const char *sql;
    const char *want;
    const char *why;
} xcase;

/* check_default — run one default case, report a mismatch and continue. */
static void check_default(const dcase *c)
{
    strbuf sb = STRBUF_INIT;
    const char *why = NULL;
    int rc = sqlexpr_translate_default(c->expr, &c->t, &sb, &why);
    if (c->want) {
        if (rc != 0)
            FAIL_AT("[%s as %s] refused: %s", c->expr, ltype_kind_name(c->t.kind), why ? why : "(null)");
        else
            CHECK_EQ_STR(strbuf_cstr(&sb), c->want, c->expr);
    } else if (rc != -1) {
        FAIL_AT("[%s as %s] expected refusal (%s), got \"%s\"", c->expr,
                ltype_kind_name(c->t.kind), c->why, strbuf_cstr(&sb));
    } else if (!why || !strstr(why, c->why)) {
        FAIL_AT("[%s] reason \"%s\" does not contain \"%s\"", c->expr, why ? why : "(null)", c->why);
    } else if (sb.len != 0) {
        FAIL_AT("[%s] refused but wrote \"%s\"", c->expr, strbuf_cstr(&sb));
    } else if (strchr(why, '\n')) {
        FAIL_AT("[%s] reason is not one line: \"%s\"", c->expr, why);
    }
    strbuf_free(&sb);
}

/* check_expr — run one expression case with resolver r. */
static void check_expr(const xcase *c, name_resolver r, void *ctx)
{
    strbuf sb = STRBUF_INIT;
    const char *why = NULL;
    int rc = sqlexpr_translate(c->sql, r, ctx, &sb, &why);
    if (c->want) {
        if (rc != 0) FAIL_AT("[%s] refused: %s", c->sql, why ? why : "(null)");
        else CHECK_EQ_STR(strbuf_cstr(&sb), c->want, c->sql);
    } else if (rc != -1) {
        FAIL_AT("[%s] expected refusal (%s), got \"%s\"", c->sql, c->why, strbuf_cstr(&sb));
    } else if (!why || !strstr(why, c->why)) {
        FAIL_AT("[%s] reason \"%s\" does not contain \"%s\"", c->sql, why ? why : "(null)", c->why);
    } else if (sb.len != 0) {
        FAIL_AT("[%s] refused but wrote \"%s\"", c->sql, strbuf_cstr(&sb));
    }
    strbuf_free(&sb);
}

/* Resolvers. map_ci: a fixed source -> target table, matched
 * case-insensitively as SQLite does (some targets renamed on purpose).
 * lower: every name lower-cased, as a "lower-case everything" policy. */
static const char *const names[][2] = {
    {"Artist", "Artist"}, {"ArtistId", "ArtistId"}, {"Name", "Name"},
    {"Album", "Album"},   {"AlbumId", "AlbumId"},   {"Title", "Title"},
    {"price", "price"},   {"status", "status"},     {"deleted_at", "deleted_at"},
    {"active", "active"}, {"email", "email"},       {"x", "x"}, {"y", "y"},
    {"qty", "quantity"},  {"order", "order"},       {"select", "select"},
    {"Customer Name", "customer_name"}, {"Größe", "groesse"}, {"date", "date"},
    {"range", "range"},   {"rows", "rows"},         {"t", "t"}, {"n", "n"},
};

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (ca != cb || !ca) return ca - cb;
    }
}

static const char *map_ci(void *ctx, const char *name)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ascii_casecmp(names[i][0], name) == 0) return names[i][1];
    return NULL;
}

static const char *lower(void *ctx, const char *name)
{
    static char ring[4][256];
    static int next;
    char *b = ring[next++ % 4];
    size_t i;
    (void)ctx;
    for (i = 0; name[i] && i < 255; i++)
        b[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
    b[i] = '\0';
    return b;
}

/* ------------------------------------------------------------ defaults */

static const dcase default_time_cases[] = {
    /* timestamp: SQLite's clock is UTC, the app's session TimeZone unknown */
    {"CURRENT_TIMESTAMP", T_TS, NOW_UTC, NULL},
    {"current_timestamp", T_TS, NOW_UTC, NULL},
    {"(CURRENT_TIMESTAMP)", T_TS, NOW_UTC, NULL},
    {"(datetime('now'))", T_TS, NOW_UTC, NULL},
    {"datetime('now')", T_TS, NOW_UTC, NULL},
    {"DATETIME('NOW')", T_TS, NOW_UTC, NULL},
    {"datetime()", T_TS, NOW_UTC, NULL},
    {"datetime('now','subsec')", T_TS, NOW_UTC, NULL},
    {"strftime('%Y-%m-%d %H:%M:%S','now')", T_TS, NOW_UTC, NULL},
    {"strftime('%Y-%m-%d %H:%M:%f','now')", T_TS, NOW_UTC, NULL},
    {"(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", T_TS, NOW_UTC, NULL},
    {"datetime('now','localtime')", T_TS, NULL, "uses localtime"},
    {"datetime('now', 'localtime')", T_TSTZ, NULL, "uses localtime"},
    {"datetime('now','+1 day')", T_TS, NULL, "modifier '+1 day'"},
    {"datetime('2020-01-01')", T_TS, NULL, "only 'now'"},
    {"CURRENT_DATE", T_TS, NULL, "CURRENT_DATE default for a timestamp column"},
    {"strftime('%Y','now')", T_TS, NULL, "for a timestamp column"},
    /* timestamptz */
    {"CURRENT_TIMESTAMP", T_TSTZ, "CURRENT_TIMESTAMP", NULL},
    {"(datetime('now'))", T_TSTZ, "CURRENT_TIMESTAMP", NULL},
    {"strftime('%Y-%m-%d %H:%M:%f','now')", T_TSTZ, "CURRENT_TIMESTAMP", NULL},
    /* date */
    {"CURRENT_DATE", T_DATE, "(" NOW_UTC "::date)", NULL},
    {"date('now')", T_DATE, "(" NOW_UTC "::date)", NULL},
    {"(date('now'))", T_DATE, "(" NOW_UTC "::date)", NULL},
    {"strftime('%Y-%m-%d','now')", T_DATE, "(" NOW_UTC "::date)", NULL},
    {"date('now','localtime')", T_DATE, NULL, "uses localtime"},
    {"date('now','start of month')", T_DATE, NULL, "modifier 'start of month'"},
    {"CURRENT_TIMESTAMP", T_DATE, NULL, "CURRENT_TIMESTAMP default for a date column"},
    /* time */
    {"CURRENT_TIME", T_TIME, TIME_UTC, NULL},
    {"time('now')", T_TIME, TIME_UTC, NULL},
    {"time('now','subsec')", T_TIME, "(date_trunc('milliseconds', now() AT TIME ZONE 'UTC')::time)", NULL},
    {"strftime('%H:%M:%S','now')", T_TIME, TIME_UTC, NULL},
    /* text: the same text SQLite would have stored */
    {"CURRENT_TIMESTAMP", T_TEXT, TO_CHAR("YYYY-MM-DD HH24:MI:SS"), NULL},
    {"(datetime('now'))", T_TEXT, TO_CHAR("YYYY-MM-DD HH24:MI:SS"), NULL},
    {"CURRENT_DATE", T_TEXT, TO_CHAR("YYYY-MM-DD"), NULL},
    {"CURRENT_TIME", T_TEXT, TO_CHAR("HH24:MI:SS"), NULL},
    {"strftime('%Y-%m-%d %H:%M:%f','now')", T_TEXT, TO_CHAR("YYYY-MM-DD HH24:MI:SS.MS"), NULL},
    {"strftime('%Y-%m-%dT%H:%M:%SZ','now')", T_TEXT, TO_CHAR("YYYY-MM-DD\"T\"HH24:MI:SS\"Z\""), NULL},
    {"strftime('%Y/%j','now')", T_TEXT, TO_CHAR("YYYY/DDD"), NULL},
    {"strftime('%s','now')", T_TEXT, "(floor(extract(epoch from now()))::bigint::text)", NULL},
    {"date('now')", T_TEXT10, TO_CHAR("YYYY-MM-DD"), NULL},
    {"CURRENT_TIMESTAMP", T_TEXT10, NULL, "more than text(10)"},
    {"strftime('%W','now')", T_TEXT, NULL, "format %W"},
    {"julianday('now')", T_TEXT, NULL, "for a text column"},
    /* numbers: Unix seconds, Julian day */
    {"strftime('%s','now')", T_INT64, EPOCH, NULL},
    {"(strftime('%s', 'now'))", T_INT32, EPOCH, NULL},
    {"unixepoch()", T_INT64, EPOCH, NULL},
    {"unixepoch('now')", T_INT64, EPOCH, NULL},
    {"unixepoch('now','subsec')", T_INT64, NULL, "modifier 'subsec'"},
    {"unixepoch()", T_INT16, NULL, "for a int16 column"},
    {"julianday('now')", T_FLOAT64, "(extract(epoch from now()) / 86400.0 + 2440587.5)", NULL},
    {"CURRENT_TIMESTAMP", T_INT64, NULL, "for a int64 column"},
    {"CURRENT_TIMESTAMP", T_UUID, NULL, "for a uuid column"},
    {"CURRENT_TIMESTAMP", T_BOOL, NULL, "for a bool column"},
};

TEST(test_sqlexpr_default_time)
{
    for (size_t i = 0; i < sizeof default_time_cases / sizeof default_time_cases[0]; i++)
        check_default(&default_time_cases[i]);
}

static const dcase default_literal_cases[] = {
    /* NULL for any type */
    {"NULL", T_INT64, "NULL", NULL},
    {"null", T_TS, "NULL", NULL},
    {"(NULL)", T_UUID, "NULL", NULL},
    /* integers: fit the type; integral reals are stored as integers by SQLite */
    {"0", T_INT64, "0", NULL},
    {"-1", T_INT64, "-1", NULL},
    {"- 5", T_INT64, "-5", NULL},
    {"+5", T_INT32, "5", NULL},
    {"(1)", T_INT64, "1", NULL},
    {"((-1))", T_INT64, "-1", NULL},
    {"1.0", T_INT64, "1", NULL},
    {"0.0", T_INT64, "0", NULL},
    {"-0.000", T_DEC10_2, "0", NULL},
    {"1e3", T_INT64, "1000", NULL},
    {"0x10", T_INT64, "16", NULL},
    {"-0x10", T_INT64, "-16", NULL},
    {"0xFFFFFFFFFFFFFFFF", T_INT64, "-1", NULL},
    {"9223372036854775807", T_INT64, "9223372036854775807", NULL},
    {"-9223372036854775808", T_INT64, "-9223372036854775808", NULL},
    {"9223372036854775808", T_INT64, NULL, "out of range for int64"},
    {"2147483648", T_INT32, NULL, "out of range for int32"},
    {"32767", T_INT16, "32767", NULL},
    {"-32769", T_INT16, NULL, "out of range for int16"},
    {"1.5", T_INT64, NULL, "not an integer"},
    {"'42'", T_INT64, "42", NULL},
    {"' 42 '", T_INT32, "42", NULL},
    {"'abc'", T_INT64, NULL, "not a valid int64 value"},
    {"TRUE", T_INT64, "1", NULL},
    {"FALSE", T_INT16, "0", NULL},
    /* bool */
    {"0", T_BOOL, "false", NULL},
    {"1", T_BOOL, "true", NULL},
    {"(1)", T_BOOL, "true", NULL},
    {"TRUE", T_BOOL, "true", NULL},
    {"false", T_BOOL, "false", NULL},
    {"'1'", T_BOOL, "true", NULL},
    {"'t'", T_BOOL, "true", NULL},
    {"'f'", T_BOOL, "false", NULL},
    {"'TRUE'", T_BOOL, "true", NULL},
    {"'false'", T_BOOL, "false", NULL},
    {"2", T_BOOL, NULL, "not a boolean"},
    {"'yes'", T_BOOL, NULL, "not a boolean"},
    /* floats */
    {"-1.5", T_FLOAT64, "-1.5", NULL},
    {"1e6", T_FLOAT64, "1e6", NULL},
    {".5", T_FLOAT64, ".5", NULL},
    {"0x10", T_FLOAT64, "16", NULL},
    {"'2.5'", T_FLOAT64, "2.5", NULL},
    {"1e999", T_FLOAT64, NULL, "out of range for float64"},
    {"1e39", T_FLOAT32, NULL, "out of range for float32"},
    {"3.5", T_FLOAT32, "3.5", NULL},
    /* decimals must fit their scale */
    {"1.25", T_DEC10_2, "1.25", NULL},
    {"1.50", T_DEC10_2, "1.5", NULL},
    {"-0.5", T_DEC10_2, "-0.5", NULL},
    {"12345678.9", T_DEC10_2, "12345678.9", NULL},
    {"1.255", T_DEC10_2, NULL, "does not fit decimal(10,2)"},
    {"123456789", T_DEC10_2, NULL, "does not fit decimal(10,2)"},
    {"1e3", T_DEC10_2, "1000", NULL},
    {"'9.99'", T_DEC10_2, "9.99", NULL},
    {"1e-3", T_DEC, "0.001", NULL},
    /* text: strings as they are, numbers as the text SQLite stores */
    {"'abc'", T_TEXT, "'abc'", NULL},
    {"'it''s'", T_TEXT, "'it''s'", NULL},
    {"''", T_TEXT, "''", NULL},
    {"'back\\slash'", T_TEXT, "'back\\slash'", NULL},
    {"\"abc\"", T_TEXT, "'abc'", NULL},
    {"[abc]", T_TEXT, "'abc'", NULL},
    {"`x y`", T_TEXT, "'x y'", NULL},
    {"abc", T_TEXT, "'abc'", NULL},
    {"0", T_TEXT, "'0'", NULL},
    {"-1.5", T_TEXT, "'-1.5'", NULL},
    {"1e3", T_TEXT, "'1000.0'", NULL},
    {"1.0", T_TEXT, "'1.0'", NULL},
    {"0x10", T_TEXT, "'16'", NULL},
    {"1e20", T_TEXT, "'1.0e+20'", NULL},
    {"123456789012345678901", T_TEXT, "'1.23456789012346e+20'", NULL},
    {"TRUE", T_TEXT, "'1'", NULL},
    {"'héllo'", T_TEXT5, "'héllo'", NULL},
    {"'héllo!'", T_TEXT5, NULL, "longer than text(5)"},
    {"123456", T_TEXT5, NULL, "longer than text(5)"},
    {"x'00'", T_TEXT, NULL, "blob default x'00' for a text column"},
    {"'red'", T_ENUM, "'red'", NULL},
    /* bytes */
    {"x'00ff'", T_BYTES, "'\\x00ff'::bytea", NULL},
    {"X'ABCD'", T_BYTES, "'\\xabcd'::bytea", NULL},
    {"x''", T_BYTES, "'\\x'::bytea", NULL},
    {"'abc'", T_BYTES, "convert_to('abc', 'UTF8')", NULL},
    {"0", T_BYTES, NULL, "numeric default 0 for a bytes column"},
    /* dates and times: kept when valid, PostgreSQL casts the literal */
    {"'2024-02-29'", T_DATE, "'2024-02-29'", NULL},
    {"'2023-02-29'", T_DATE, NULL, "not a valid date"},
    {"'2024-01-01 10:00'", T_DATE, NULL, "not a valid date"},
    {"'12:30:00'", T_TIME, "'12:30:00'", NULL},
    {"'25:00'", T_TIME, NULL, "not a valid time"},
    {"'2024-02-29 12:00:00'", T_TS, "'2024-02-29 12:00:00'", NULL},
    {"'2024-01-01T10:00:00.5Z'", T_TS, "'2024-01-01T10:00:00.5Z'", NULL},
    {"'2024-01-01 10:00:00+02:00'", T_TS, NULL, "time zone offset"},
    {"'yesterday'", T_TS, NULL, "not a valid timestamp"},
    {"0", T_TS, NULL, "numeric default 0 for a timestamp column"},
    {"'2024-01-01 10:00:00'", T_TSTZ, "'2024-01-01 10:00:00+00'", NULL},
    {"'2024-01-01'", T_TSTZ, "'2024-01-01 00:00:00+00'", NULL},
    {"'2024-01-01 10:00:00+02:00'", T_TSTZ, "'2024-01-01 10:00:00+02:00'", NULL},
    /* uuid */
    {"'123E4567-E89B-12D3-A456-426614174000'", T_UUID, "'123e4567-e89b-12d3-a456-426614174000'", NULL},
    {"'123e4567e89b12d3a456426614174000'", T_UUID, "'123e4567-e89b-12d3-a456-426614174000'", NULL},
    {"x'123e4567e89b12d3a456426614174000'", T_UUID, "'123e4567-e89b-12d3-a456-426614174000'", NULL},
    {"'nope'", T_UUID, NULL, "not a valid uuid"},
    /* json */
    {"'{\"a\": [1, 2.5e3, null, true]}'", T_JSON, "'{\"a\": [1, 2.5e3, null, true]}'", NULL},
    {"'{bad'", T_JSON, NULL, "not valid JSON"},
    {"'[1,]'", T_JSON, NULL, "not valid JSON"},
    {"0", T_JSON, "'0'", NULL},
    {"(json('[1]'))", T_JSON, "'[1]'", NULL},
    {"json_array()", T_JSON, "'[]'", NULL},
    {"(json_object())", T_TEXT, "'{}'", NULL},
};

TEST(test_sqlexpr_default_literals)
{
    for (size_t i = 0; i < sizeof default_literal_cases / sizeof default_literal_cases[0]; i++)
        check_default(&default_literal_cases[i]);
}

static const dcase default_refused_cases[] = {
    {"randomblob(16)", T_BYTES, NULL, "function randomblob() has no PostgreSQL equivalent"},
    {"(lower(hex(randomblob(16))))", T_TEXT, NULL, "function hex() has no PostgreSQL equivalent"},
    {"(random())", T_INT64, NULL, "function random()"},
    {"(1 + 1)", T_INT64, NULL, "default 1 + 1 is not translated"},
    {"(abs(-1))", T_INT64, NULL, "default abs(-1) is not translated"},
    {"'a' || 'b'", T_TEXT, NULL, "is not translated"},
    {"?", T_INT64, NULL, "parameter ?"},
    {":x", T_INT64, NULL, "parameter :x"},
    {"'open", T_TEXT, NULL, "unterminated string literal"},
    {"x'0g'", T_BYTES, NULL, "malformed blob literal"},
    {"(1", T_INT64, NULL, "unbalanced parentheses"},
    {"", T_INT64, NULL, "empty default expression"},
    {"()", T_INT64, NULL, "empty default expression"},
    {"0", {LT_UNKNOWN, -1, 0, -1, -1}, NULL, "type is unknown"},
    {"12abc", T_INT64, NULL, "malformed number"},
};

TEST(test_sqlexpr_default_refused)
{
    for (size_t i = 0; i < sizeof default_refused_cases / sizeof default_refused_cases[0]; i++)
        check_default(&default_refused_cases[i]);
}

/* ------------------------------------------------- CHECK / index / view */

static const xcase check_cases[] = {
    {"length(name) > 0", "length(\"Name\") > 0", NULL},
    {"\"price\" >= 0 AND price < 1e6", "\"price\" >= 0 AND \"price\" < 1e6", NULL},
    {"status IN ('a','b')", "\"status\" IN ('a','b')", NULL},
    {"status in ('it''s', 'b')", "\"status\" IN ('it''s', 'b')", NULL},
    {"qty > 0", "\"quantity\" > 0", NULL},
    {"x == 1", "\"x\" = 1", NULL},
    {"x != 1 and x <> 2", "\"x\" != 1 AND \"x\" <> 2", NULL},
    {"x=-1", "\"x\"= -1", NULL},
    {"'a'||-1 = x", "'a'|| -1 = \"x\"", NULL},
    {"x ISNULL OR y NOTNULL", "\"x\" IS NULL OR \"y\" IS NOT NULL", NULL},
    {"x NOT NULL", "\"x\" IS NOT NULL", NULL},
    {"x IS NOT NULL AND NOT x", "\"x\" IS NOT NULL AND NOT \"x\"", NULL},
    {"x IS 1", "\"x\" IS NOT DISTINCT FROM 1", NULL},
    {"x IS NOT 'a'", "\"x\" IS DISTINCT FROM 'a'", NULL},
    {"x IS NOT DISTINCT FROM y", "\"x\" IS NOT DISTINCT FROM \"y\"", NULL},
    {"x BETWEEN 1 AND 10", "\"x\" BETWEEN 1 AND 10", NULL},
    {"CASE WHEN x > 0 THEN 'p' ELSE 'n' END = 'p'",
     "CASE WHEN \"x\" > 0 THEN 'p' ELSE 'n' END = 'p'", NULL},
    {"email LIKE '%@%'", "\"email\" ILIKE '%@%'", NULL},
    {"email NOT LIKE 'a\\%'", "\"email\" NOT ILIKE 'a\\%' ESCAPE ''", NULL},
    {"email LIKE '%!%%' ESCAPE '!'", "\"email\" ILIKE '%!%%' ESCAPE '!'", NULL},
    {"email LIKE name || '%' AND x = 1",
     "\"email\" ILIKE \"Name\" || '%' ESCAPE '' AND \"x\" = 1", NULL},
    {"CAST(x AS INTEGER) > 0", "CAST(\"x\" AS bigint) > 0", NULL},
    {"cast(x as varchar(10)) <> ''", "CAST(\"x\" AS text) <> ''", NULL},
    {"CAST(x AS REAL) < 1.5", "CAST(\"x\" AS double precision) < 1.5", NULL},
    {"CAST(x AS BLOB) = x'00'", "CAST(\"x\" AS bytea) = '\\x00'::bytea", NULL},
    {"CAST(x AS DECIMAL(10,2)) > 0", "CAST(\"x\" AS numeric) > 0", NULL},
    {"x COLLATE BINARY = 'a'", "\"x\" COLLATE \"C\" = 'a'", NULL},
    {"x = 0x10 OR x = 0xffffffffffffffff", "\"x\" = 16 OR \"x\" = (-1)", NULL},
    {"ifnull(x, 0) > 0", "coalesce(\"x\", 0) > 0", NULL},
    {"instr(email, '@') > 1", "strpos(\"email\", '@') > 1", NULL},
    {"max(x, 0) = min(x, y, 1)", "greatest(\"x\", 0) = least(\"x\", \"y\", 1)", NULL},
    {"trim(name) <> ''", "btrim(\"Name\") <> ''", NULL},
    {"date > '2000-01-01'", "\"date\" > '2000-01-01'", NULL},
    {"x > CURRENT_TIMESTAMP", "\"x\" > " NOW_UTC, NULL},
    {"date <= CURRENT_DATE", "\"date\" <= (" NOW_UTC "::date)", NULL},
    {"CASE WHEN x > 0 THEN 1 END NOT NULL", "CASE WHEN \"x\" > 0 THEN 1 END IS NOT NULL", NULL},
    {"x > 0 /* positive */ AND -- line\n y < 5", "\"x\" > 0 AND \"y\" < 5", NULL},
    {"x/*c*/>/*d*/0", "\"x\" > 0", NULL},
    {"  x\n\t>   0  ", "\"x\" > 0", NULL},
    {"\"a\"\"b\" > 0", "\"a\"\"b\" > 0", NULL},
    {"[select] > 0 AND \"order\" < 5", "\"select\" > 0 AND \"order\" < 5", NULL},
    {"`we``ird` = 1", "\"we`ird\" = 1", NULL},
    {"\"Customer Name\" <> ''", "\"customer_name\" <> ''", NULL},
    {"Größe > 0 AND ünïcode < 1", "\"groesse\" > 0 AND \"ünïcode\" < 1", NULL},
    {"\"active\" IN (\"yes\", 'no')", "\"active\" IN (\"yes\", 'no')", NULL},
    /* refused */
    {"typeof(x) = 'integer'", NULL, "function typeof() has no PostgreSQL equivalent"},
    {"x GLOB 'a*'", NULL, "operator GLOB has no PostgreSQL equivalent"},
    {"x REGEXP '^a'", NULL, "operator REGEXP"},
    {"json_extract(x, '$.a') = 1", NULL, "function json_extract()"},
    {"x -> '$.a' = 1", NULL, "JSON operator ->"},
    {"x COLLATE NOCASE = 'a'", NULL, "collation NOCASE has no PostgreSQL equivalent"},
    {"iif(x, 1, 0) = 1", NULL, "function iif()"},
    {"date(x) > '2000-01-01'", NULL, "function date()"},
    {"glob('a*', x)", NULL, "function glob()"},
    {"like('a%', x, '!')", NULL, "function like()"},
    {"printf('%d', x) <> ''", NULL, "function printf()"},
    {"rowid > 0", NULL, "rowid has no PostgreSQL equivalent"},
    {"x = ?", NULL, "parameter ?"},
    {"x = @v", NULL, "parameter @v"},
    {"x > 0)", NULL, "unbalanced parentheses"},
    {"x = 'open", NULL, "unterminated string literal"},
    {"x = \"open", NULL, "unterminated quoted identifier"},
    {"x # 1", NULL, "unexpected character '#'"},
    {"", NULL, "empty expression"},
    {"/* only a comment */", NULL, "empty expression"},
};

TEST(test_sqlexpr_check)
{
    for (size_t i = 0; i < sizeof check_cases / sizeof check_cases[0]; i++)
        check_expr(&check_cases[i], map_ci, NULL);
}

static const xcase index_cases[] = {
    /* partial-index predicates */
    {"deleted_at IS NULL", "\"deleted_at\" IS NULL", NULL},
    {"WHERE deleted_at IS NULL", "WHERE \"deleted_at\" IS NULL", NULL},
    {"WHERE \"active\" == 1", "WHERE \"active\" = 1", NULL},
    {"active = 1 AND email NOTNULL", "\"active\" = 1 AND \"email\" IS NOT NULL", NULL},
    /* index expressions */
    {"lower(email)", "lower(\"email\")", NULL},
    {"LOWER(Email)", "lower(\"email\")", NULL},
    {"substr(name, 1, 3)", "substr(\"Name\", 1, 3)", NULL},
    {"price * qty", "\"price\" * \"quantity\"", NULL},
    {"json_extract(x, '$.id')", NULL, "function json_extract()"},
};

TEST(test_sqlexpr_index)
{
    for (size_t i = 0; i < sizeof index_cases / sizeof index_cases[0]; i++)
        check_expr(&index_cases[i], map_ci, NULL);
}

#define CHINOOK "SELECT a.Name, count(*) AS n FROM Artist a JOIN Album b ON a.ArtistId = b.ArtistId GROUP BY a.Name"

static const xcase view_cases[] = {
    {CHINOOK,
     "SELECT \"a\".\"Name\", count(*) AS \"n\" FROM \"Artist\" \"a\" JOIN \"Album\" \"b\" "
     "ON \"a\".\"ArtistId\" = \"b\".\"ArtistId\" GROUP BY \"a\".\"Name\"", NULL},
    {"select AL.Title from album al where Al.albumid > 1",
     "SELECT \"AL\".\"Title\" FROM \"Album\" \"AL\" WHERE \"AL\".\"AlbumId\" > 1", NULL},
    {"SELECT ArtistId, group_concat(Title) FROM Album GROUP BY ArtistId",
     "SELECT \"ArtistId\", string_agg(\"Title\"::text, ',') FROM \"Album\" GROUP BY \"ArtistId\"", NULL},
    {"SELECT group_concat(DISTINCT Title) FROM Album",
     "SELECT string_agg(DISTINCT \"Title\"::text, ',') FROM \"Album\"", NULL},
    {"SELECT group_concat(Title || '!', '; ') FROM Album",
     "SELECT string_agg((\"Title\" || '!')::text, '; ') FROM \"Album\"", NULL},
    {"SELECT group_concat(Title ORDER BY Title) FROM Album", NULL, "ORDER BY is not translated"},
    {"SELECT ifnull(Name, 'n/a') AS label FROM Artist",
     "SELECT coalesce(\"Name\", 'n/a') AS \"label\" FROM \"Artist\"", NULL},
    {"SELECT CAST(AlbumId AS INTEGER) AS id, CAST(Title AS TEXT) FROM Album",
     "SELECT CAST(\"AlbumId\" AS bigint) AS \"id\", CAST(\"Title\" AS text) FROM \"Album\"", NULL},
    {"SELECT 1 AS 'one'", "SELECT 1 AS \"one\"", NULL},
    {"SELECT * FROM Artist LIMIT 5, 10", "SELECT * FROM \"Artist\" LIMIT 10 OFFSET 5", NULL},
    {"SELECT * FROM Artist LIMIT 10 OFFSET 5", "SELECT * FROM \"Artist\" LIMIT 10 OFFSET 5", NULL},
    {"SELECT a.* FROM main.Artist AS a;", "SELECT \"a\".* FROM \"Artist\" AS \"a\"", NULL},
    {"SELECT main.Artist.Name FROM main.Artist",
     "SELECT \"Artist\".\"Name\" FROM \"Artist\"", NULL},
    {"SELECT Name, row_number() OVER (PARTITION BY ArtistId ORDER BY Name ROWS BETWEEN "
     "UNBOUNDED PRECEDING AND CURRENT ROW) AS rn FROM Artist",
     "SELECT \"Name\", row_number() OVER (PARTITION BY \"ArtistId\" ORDER BY \"Name\" ROWS "
     "BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS \"rn\" FROM \"Artist\"", NULL},
    {"SELECT count(*) FILTER (WHERE AlbumId > 1) FROM Album",
     "SELECT count(*) FILTER (WHERE \"AlbumId\" > 1) FROM \"Album\"", NULL},
    {"WITH t(n) AS (SELECT 1) SELECT n FROM t",
     "WITH \"t\"(\"n\") AS (SELECT 1) SELECT \"n\" FROM \"t\"", NULL},
    {"SELECT total(AlbumId), round(avg(AlbumId), 2) FROM Album",
     "SELECT CAST(coalesce(sum(\"AlbumId\"), 0) AS double precision), "
     "round(CAST(avg(\"AlbumId\") AS numeric), 2) FROM \"Album\"", NULL},
    {"SELECT * FROM Artist a WHERE EXISTS (SELECT 1 FROM Album b WHERE b.ArtistId = a.ArtistId)",
     "SELECT * FROM \"Artist\" \"a\" WHERE EXISTS (SELECT 1 FROM \"Album\" \"b\" WHERE "
     "\"b\".\"ArtistId\" = \"a\".\"ArtistId\")", NULL},
    {"SELECT Name FROM Artist UNION ALL SELECT Title FROM Album ORDER BY 1",
     "SELECT \"Name\" FROM \"Artist\" UNION ALL SELECT \"Title\" FROM \"Album\" ORDER BY 1", NULL},
    {"select name from artist where name is not null order by name desc nulls last",
     "SELECT \"Name\" FROM \"Artist\" WHERE \"Name\" IS NOT NULL ORDER BY \"Name\" DESC NULLS LAST", NULL},
    {"SELECT range, rows FROM t", "SELECT \"range\", \"rows\" FROM \"t\"", NULL},
    {"SELECT \"order\", [select] FROM t -- keywords as names\n",
     "SELECT \"order\", \"select\" FROM \"t\"", NULL},
    {"SELECT Name\n  FROM Artist /* all */\n WHERE Name LIKE 'A%'",
     "SELECT \"Name\" FROM \"Artist\" WHERE \"Name\" ILIKE 'A%'", NULL},
    {"SELECT 1; SELECT 2", NULL, "more than one statement"},
    {"SELECT Name FROM Artist WHERE Name GLOB 'A*'", NULL, "operator GLOB"},
    {"SELECT typeof(Name) FROM Artist", NULL, "function typeof()"},
    {"SELECT * FROM Artist INDEXED BY ix", NULL, "INDEXED BY"},
    {"SELECT * FROM json_each('[1]')", NULL, "function json_each()"},
};

TEST(test_sqlexpr_view)
{
    for (size_t i = 0; i < sizeof view_cases / sizeof view_cases[0]; i++)
        check_expr(&view_cases[i], map_ci, NULL);
}

/* The same SELECTs under a lower-case-everything policy: every name
 * resolves, keywords and window words must still stay keywords. */
static const xcase view_lower_cases[] = {
    {CHINOOK,
     "SELECT \"a\".\"name\", count(*) AS \"n\" FROM \"artist\" \"a\" JOIN \"album\" \"b\" "
     "ON \"a\".\"artistid\" = \"b\".\"artistid\" GROUP BY \"a\".\"name\"", NULL},
    {"SELECT Name, rank() OVER (PARTITION BY ArtistId ORDER BY Name RANGE BETWEEN "
     "UNBOUNDED PRECEDING AND CURRENT ROW) FROM Artist",
     "SELECT \"name\", rank() OVER (PARTITION BY \"artistid\" ORDER BY \"name\" RANGE "
     "BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM \"artist\"", NULL},
    {"SELECT \"Customer Name\" FROM [Invoice Lines]",
     "SELECT \"customer name\" FROM \"invoice lines\"", NULL},
};

TEST(test_sqlexpr_view_lower)
{
    for (size_t i = 0; i < sizeof view_lower_cases / sizeof view_lower_cases[0]; i++)
        check_expr(&view_lower_cases[i], lower, NULL);
}

/* Without a resolver every name is quoted as first written. */
TEST(test_sqlexpr_no_resolver)
{
    static const xcase c = {"SELECT A.x FROM T a WHERE a.X > 0",
                            "SELECT \"A\".\"x\" FROM \"T\" \"A\" WHERE \"A\".\"x\" > 0", NULL};
    check_expr(&c, NULL, NULL);
}

/* ------------------------------------------------------------- quoting */

TEST(test_sqlexpr_quote)
{
    static const char *const idents[][2] = {
        {"a", "\"a\""}, {"Order", "\"Order\""}, {"a\"b", "\"a\"\"b\""}, {"", "\"\""},
        {"Größe", "\"Größe\""}, {"a b", "\"a b\""},
    };
    static const char *const literals[][2] = {
        {"abc", "'abc'"}, {"it's", "'it''s'"}, {"", "''"}, {"a\\b", "'a\\b'"},
        {"''", "''''''"}, {"line\nbreak", "'line\nbreak'"},
    };
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < sizeof idents / sizeof idents[0]; i++) {
        strbuf_reset(&sb);
        pg_quote_ident(&sb, idents[i][0]);
        CHECK_EQ_STR(strbuf_cstr(&sb), idents[i][1], idents[i][0]);
    }
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        strbuf_reset(&sb);
        pg_quote_literal(&sb, literals[i][0]);
        CHECK_EQ_STR(strbuf_cstr(&sb), literals[i][1], literals[i][0]);
    }
    strbuf_free(&sb);
}

/* Output is appended to what out holds; a refusal leaves it untouched. */
TEST(test_sqlexpr_append)
{
    strbuf sb = STRBUF_INIT;
    const char *why = NULL;
    ltype t = T_INT64;
    strbuf_adds(&sb, "CHECK (");
    ASSERT_EQ_INT(sqlexpr_translate("  x > 0", map_ci, NULL, &sb, &why), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "CHECK (\"x\" > 0");
    ASSERT_EQ_INT(sqlexpr_translate("x > 0 AND typeof(x) = 'integer'", map_ci, NULL, &sb, &why), -1);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "CHECK (\"x\" > 0");
    ASSERT(why && strstr(why, "typeof"));
    strbuf_reset(&sb);
    strbuf_adds(&sb, "DEFAULT ");
    ASSERT_EQ_INT(sqlexpr_translate_default("(42)", &t, &sb, &why), 0);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "DEFAULT 42");
    ASSERT_EQ_INT(sqlexpr_translate_default("1.5", &t, &sb, &why), -1);
    ASSERT_EQ_STR(strbuf_cstr(&sb), "DEFAULT 42");
    strbuf_free(&sb);
}

/* A reason quoting a long or multi-line input stays one short line. */
TEST(test_sqlexpr_why_one_line)
{
    strbuf sb = STRBUF_INIT;
    const char *why = NULL;
    ltype t = T_TEXT;
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = '(';
    big[1] = '\'';
    big[10] = '\n';
    memcpy(big + 300, "'\n|| '", 6);
    big[sizeof big - 3] = '\'';
    big[sizeof big - 2] = ')';
    ASSERT_EQ_INT(sqlexpr_translate_default(big, &t, &sb, &why), -1);
    ASSERT(why != NULL);
    ASSERT(strchr(why, '\n') == NULL);
    ASSERT(strlen(why) < 256);

    /* a long multi-byte modifier: the reason is cut, never mid-character */
    strbuf in = STRBUF_INIT;
    ltype ts = T_TS;
    for (int shift = 0; shift < 3; shift++) {
        strbuf_reset(&in);
        strbuf_adds(&in, "datetime('now','");
        for (int i = 0; i < shift; i++) strbuf_addc(&in, 'a');
        for (int i = 0; i < 200; i++) strbuf_adds(&in, "\xe2\x82\xac");   /* U+20AC */
        strbuf_adds(&in, "')");
        ASSERT_EQ_INT(sqlexpr_translate_default(strbuf_cstr(&in), &ts, &sb, &why), -1);
        ASSERT(strstr(why, "modifier") != NULL);
        ASSERT(strlen(why) < 256);
        ASSERT(utf8_valid(why, strlen(why), NULL));
    }
    strbuf_free(&in);
    strbuf_free(&sb);
}

void suite_sqlexpr(void)
{
    RUN(test_sqlexpr_default_time);
    RUN(test_sqlexpr_default_literals);
    RUN(test_sqlexpr_default_refused);
    RUN(test_sqlexpr_check);
    RUN(test_sqlexpr_index);
    RUN(test_sqlexpr_view);
    RUN(test_sqlexpr_view_lower);
    RUN(test_sqlexpr_no_resolver);
    RUN(test_sqlexpr_quote);
    RUN(test_sqlexpr_append);
    RUN(test_sqlexpr_why_one_line);
}
