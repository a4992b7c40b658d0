/* test_types.c — unit tests for the logical type system and the mapping
 * tables: SQLite affinity, PostgreSQL names, logical -> native, --map
 * overrides, syntax errors, and the ltype text form. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "types.h"

/* to_logical_str — the logical type native maps to through m, formatted
 * into buf, or "(none)". */
static const char *to_logical_str(const type_map *m, const char *table, const char *column,
                                  const char *native, char *buf, size_t n)
{
    ltype t;
    const char *rule = NULL;
    if (type_map_to_logical(m, table, column, native, &t, &rule) != 0) {
        snprintf(buf, n, "(none)");
        return buf;
    }
    if (!rule) {
        snprintf(buf, n, "(no rule text)");
        return buf;
    }
    ltype_format(&t, buf, n);
    return buf;
}

/* to_native_str — the native type t (given as text) maps to through m. */
static const char *to_native_str(const type_map *m, const char *table, const char *column,
                                 const char *logical, char *buf, size_t n, const char **lossy)
{
    ltype t;
    if (ltype_parse(logical, &t) != 0) {
        snprintf(buf, n, "(bad logical %s)", logical);
        return buf;
    }
    if (type_map_to_native(m, table, column, &t, buf, n, lossy) != 0) snprintf(buf, n, "(none)");
    return buf;
}

static const struct { const char *native, *logical; } sqlite_cases[] = {
    { "",                          "text" },
    { "   ",                       "text" },
    { "int",                       "int64" },
    { "INTEGER",                   "int64" },
    { "UNSIGNED BIG INT",          "int64" },
    { "unsigned   big\tint",       "int64" },
    { "BIGINT",                    "int64" },
    { "MEDIUMINT",                 "int64" },
    { "SMALLINT",                  "int64" },   /* SQLite does not enforce sizes */
    { "TINYINT",                   "int64" },
    { "TINYINT(1)",                "int64" },
    { "INT2",                      "int64" },
    { "INT8",                      "int64" },
    { "BIGINT UNSIGNED",           "int64" },
    { "NVARCHAR(160)",             "text(160)" },
    { "VARCHAR(36)",               "text(36)" },  /* not uuid */
    { "varchar ( 255 )",           "text(255)" },
    { "CHARACTER(20)",             "text(20)" },  /* SQLite does not pad */
    { "VARYING CHARACTER(255)",    "text(255)" },
    { "NATIVE CHARACTER(70)",      "text(70)" },
    { "NCHAR(55)",                 "text(55)" },
    { "CHAR",                      "text" },
    { "TEXT",                      "text" },
    { "CLOB",                      "text" },
    { "VARCHAR(MAX)",              "text" },
    { "NUMERIC(10,2)",             "decimal(10,2)" },
    { "numeric(10, 2)",            "decimal(10,2)" },
    { "NUMERIC",                   "decimal" },
    { "DECIMAL(5)",                "decimal(5,0)" },
    { "DECIMAL",                   "decimal" },
    { "DATETIME",                  "timestamp" },
    { "DATE",                      "date" },
    { "TIMESTAMP",                 "timestamp" },
    { "TIMESTAMP(3)",              "timestamp" },
    { "TIMESTAMP WITH TIME ZONE",  "timestamptz" },
    { "timestamp   with time zone", "timestamptz" },
    { "TIMESTAMPTZ",               "timestamptz" },
    { "DATETIMEOFFSET",            "timestamptz" },
    { "TIME",                      "time" },
    { "BOOLEAN",                   "bool" },
    { "bool",                      "bool" },
    { "GUID",                      "uuid" },
    { "UUID",                      "uuid" },
    { "UNIQUEIDENTIFIER",          "uuid" },
    { "JSON",                      "json" },
    { "jsonb",                     "json" },
    { "DOUBLE PRECISION",          "float64" },
    { "DOUBLE",                    "float64" },
    { "REAL",                      "float64" },
    { "FLOAT",                     "float64" },
    { "FLOAT8",                    "float64" },
    { "FLOATING POINT",            "int64" },   /* contains INT: SQLite says INTEGER */
    { "CHARINT",                   "int64" },   /* INT is tested before CHAR */
    { "POINT",                     "int64" },
    { "INTERVAL",                  "int64" },
    { "STRING",                    "decimal" }, /* no rule matches: NUMERIC affinity */
    { "MONEY",                     "decimal" },
    { "BLOB",                      "bytes" },
    { "BLOB(16)",                  "bytes" },
};

TEST(test_types_sqlite_to_logical)
{
    const type_map *m = type_map_builtin("sqlite");
    char buf[64];
    ASSERT(m != NULL);
    ASSERT(sizeof sqlite_cases / sizeof sqlite_cases[0] >= 40);
    for (size_t i = 0; i < sizeof sqlite_cases / sizeof sqlite_cases[0]; i++)
        CHECK_EQ_STR(to_logical_str(m, "t", "c", sqlite_cases[i].native, buf, sizeof buf),
                     sqlite_cases[i].logical, sqlite_cases[i].native);
}

TEST(test_types_sqlite_rule_text)
{
    const type_map *m = type_map_builtin("sqlite3");
    const char *rule = NULL;
    ltype t;
    ASSERT(m != NULL);
    ASSERT_EQ_INT(type_map_to_logical(m, "t", "c", "NVARCHAR(160)", &t, &rule), 0);
    ASSERT(rule != NULL);
    ASSERT(strncmp(rule, "sqlite.map:", 11) == 0);
    ASSERT(strstr(rule, "native *CHAR* -> text") != NULL);
    ASSERT_EQ_INT(type_map_to_logical(m, "t", "c", "", &t, &rule), 0);
    ASSERT(strstr(rule, "native \"\" -> text") != NULL);
    ASSERT_EQ_INT(type_map_to_logical(m, "t", "c", NULL, &t, &rule), 0);
    ASSERT_EQ_INT(t.kind, LT_TEXT);
}

static const struct { const char *native, *logical; int lossy; } pg_cases[] = {
    { "boolean",                         "bool",          0 },
    { "smallint",                        "int16",         0 },
    { "integer",                         "int32",         0 },
    { "bigint",                          "int64",         0 },
    { "serial",                          "int32",         0 },
    { "real",                            "float32",       0 },
    { "double precision",                "float64",       0 },
    { "numeric(12,4)",                   "decimal(12,4)", 0 },
    { "numeric",                         "decimal",       0 },
    { "character varying(20)",           "text(20)",      0 },
    { "character varying",               "text",          0 },
    { "character(3)",                    "text(3,fixed)", 0 },
    { "character",                       "text(1,fixed)", 0 },
    { "bpchar",                          "text(fixed)",   0 },
    { "\"char\"",                        "text(1)",       0 },
    { "text",                            "text",          0 },
    { "bytea",                           "bytes",         0 },
    { "date",                            "date",          0 },
    { "time without time zone",          "time",          0 },
    { "time(6) with time zone",          "time",          1 },
    { "timestamp(3) without time zone",  "timestamp",     0 },
    { "timestamp with time zone",        "timestamptz",   0 },
    { "uuid",                            "uuid",          0 },
    { "json",                            "json",          0 },
    { "jsonb",                           "json",          0 },
    { "integer[]",                       "text",          1 },
    { "character(10)[]",                 "text",          1 },
    { "interval year to month",          "text",          1 },
    { "mood",                            "text",          1 },  /* a user-defined enum */
};

TEST(test_types_pg_to_logical)
{
    const type_map *m = type_map_builtin("postgresql");
    char buf[64];
    ASSERT(m != NULL);
    ASSERT(type_map_builtin("postgres") == m);
    for (size_t i = 0; i < sizeof pg_cases / sizeof pg_cases[0]; i++) {
        ltype t;
        const char *rule = NULL, *lossy = NULL;
        CHECK_EQ_STR(to_logical_str(m, "t", "c", pg_cases[i].native, buf, sizeof buf),
                     pg_cases[i].logical, pg_cases[i].native);
        CHECK_EQ_INT(type_map_to_logical_ex(m, "t", "c", pg_cases[i].native, &t, &rule, &lossy), 0,
                     pg_cases[i].native);
        CHECK_EQ_INT(lossy != NULL, pg_cases[i].lossy, pg_cases[i].native);
        if (lossy) CHECK_EQ_INT(strstr(rule, "(lossy: ") != NULL, 1, pg_cases[i].native);
    }
}

static const struct { const char *logical, *native; int lossy; } pg_native_cases[] = {
    { "bool",           "boolean",          0 },
    { "int16",          "smallint",         0 },
    { "int32",          "integer",          0 },
    { "int64",          "bigint",           0 },
    { "float32",        "real",             0 },
    { "float64",        "double precision", 0 },
    { "decimal(10,2)",  "numeric(10,2)",    0 },
    { "decimal(5)",     "numeric(5,0)",     0 },
    { "decimal",        "numeric",          0 },
    { "text(160)",      "varchar(160)",     0 },
    { "text",           "text",             0 },
    { "text(3,fixed)",  "char(3)",          0 },
    { "text(fixed)",    "text",             0 },
    { "bytes",          "bytea",            0 },
    { "date",           "date",             0 },
    { "time",           "time",             0 },
    { "timestamp",      "timestamp",        0 },
    { "timestamptz",    "timestamptz",      0 },
    { "uuid",           "uuid",             0 },
    { "json",           "jsonb",            1 },
    { "enum",           "text",             1 },
};

TEST(test_types_pg_to_native)
{
    const type_map *m = type_map_builtin("postgresql");
    char buf[64];
    const char *lossy;
    ltype t = { LT_DECIMAL, -1, 0, 7, -1 };
    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof pg_native_cases / sizeof pg_native_cases[0]; i++) {
        lossy = NULL;
        CHECK_EQ_STR(to_native_str(m, "t", "c", pg_native_cases[i].logical, buf, sizeof buf, &lossy),
                     pg_native_cases[i].native, pg_native_cases[i].logical);
        CHECK_EQ_INT(lossy != NULL, pg_native_cases[i].lossy, pg_native_cases[i].logical);
    }
    /* precision without scale takes the middle template */
    ASSERT_EQ_INT(type_map_to_native(m, "t", "c", &t, buf, sizeof buf, &lossy), 0);
    ASSERT_EQ_STR(buf, "numeric(7)");
    /* too small a buffer is an error, not a truncation */
    ASSERT_EQ_INT(type_map_to_native(m, "t", "c", &t, buf, 5, &lossy), -1);
    t.kind = LT_UNKNOWN;
    ASSERT_EQ_INT(type_map_to_native(m, "t", "c", &t, buf, sizeof buf, &lossy), -1);
}

/* Every logical kind written to SQLite reads back as the same kind (integer
 * sizes collapse to int64, float32 to float64, enum to text). */
TEST(test_types_sqlite_round_trip)
{
    const type_map *m = type_map_builtin("sqlite");
    static const struct { const char *logical, *native, *back; int lossy; } cases[] = {
        { "bool",          "BOOLEAN",       "bool",          0 },
        { "int16",         "INTEGER",       "int64",         0 },
        { "int32",         "INTEGER",       "int64",         0 },
        { "int64",         "INTEGER",       "int64",         0 },
        { "float32",       "REAL",          "float64",       0 },
        { "float64",       "REAL",          "float64",       0 },
        { "decimal(10,2)", "NUMERIC(10,2)", "decimal(10,2)", 1 },
        { "decimal",       "NUMERIC",       "decimal",       1 },
        { "text(20)",      "VARCHAR(20)",   "text(20)",      0 },
        { "text(2,fixed)", "CHARACTER(2)",  "text(2)",       0 },
        { "text",          "TEXT",          "text",          0 },
        { "bytes",         "BLOB",          "bytes",         0 },
        { "date",          "DATE",          "date",          0 },
        { "time",          "TIME",          "time",          0 },
        { "timestamp",     "DATETIME",      "timestamp",     0 },
        { "timestamptz",   "TIMESTAMPTZ",   "timestamptz",   0 },
        { "uuid",          "UUID",          "uuid",          0 },
        { "json",          "JSON",          "json",          0 },
        { "enum",          "TEXT",          "text",          1 },
    };
    char buf[64], back[64];
    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *lossy = NULL;
        CHECK_EQ_STR(to_native_str(m, "t", "c", cases[i].logical, buf, sizeof buf, &lossy),
                     cases[i].native, cases[i].logical);
        CHECK_EQ_INT(lossy != NULL, cases[i].lossy, cases[i].logical);
        CHECK_EQ_STR(to_logical_str(m, "t", "c", buf, back, sizeof back), cases[i].back,
                     cases[i].logical);
    }
}

static const char override_text[] =
    "# my overrides\n"
    "native TINYINT(1)  -> bool          # MySQL's boolean convention\n"
    "native MONEY       -> decimal(19,4)\n"
    "column Track.Milliseconds -> int32\n"
    "column Invoice.Total      -> numeric(12, 2)\n"
    "\n"
    "column *.created_at -> timestamptz\n"
    "column Doc.Body -> native json   lossy \"kept as json, not jsonb\"\r\n"
    "logical json -> json\n"
    "column public.events.payload -> bytes\n";

TEST(test_types_overrides)
{
    ferry_err e;
    type_map *src, *dst;
    const char *rule = NULL, *lossy = NULL;
    char buf[64];
    ltype t;

    memset(&e, 0, sizeof e);
    src = type_map_with_overrides(type_map_builtin("sqlite"), "my.map", override_text, &e);
    dst = type_map_with_overrides(type_map_builtin("postgresql"), "my.map", override_text, &e);
    ASSERT(src != NULL);
    ASSERT(dst != NULL);

    /* pattern rules in front of the built-in ones; "(" matches parameters */
    CHECK_EQ_STR(to_logical_str(src, "t", "c", "tinyint(1)", buf, sizeof buf), "bool", "tinyint(1)");
    CHECK_EQ_STR(to_logical_str(src, "t", "c", "TINYINT(4)", buf, sizeof buf), "int64", "tinyint(4)");
    CHECK_EQ_STR(to_logical_str(src, "t", "c", "TINYINT", buf, sizeof buf), "int64", "tinyint");
    CHECK_EQ_STR(to_logical_str(src, "t", "c", "MONEY(10,2)", buf, sizeof buf), "decimal(19,4)", "money");
    CHECK_EQ_STR(to_logical_str(src, "t", "c", "NVARCHAR(9)", buf, sizeof buf), "text(9)", "base rule");

    /* a column rule wins over patterns, whatever the declared type */
    ASSERT_EQ_INT(type_map_to_logical(src, "track", "milliseconds", "INTEGER", &t, &rule), 0);
    ASSERT_EQ_INT(t.kind, LT_INT32);
    ASSERT_EQ_STR(rule, "my.map:4 column Track.Milliseconds -> int32");
    CHECK_EQ_STR(to_logical_str(src, "Album", "Milliseconds", "INTEGER", buf, sizeof buf), "int64", "other table");
    CHECK_EQ_STR(to_logical_str(src, "Album", "created_at", "TEXT", buf, sizeof buf), "timestamptz", "glob");
    CHECK_EQ_STR(to_logical_str(dst, "events", "payload", "jsonb", buf, sizeof buf), "bytes", "schema");

    /* a column rule with a native type only decides the target type */
    CHECK_EQ_STR(to_logical_str(src, "Invoice", "Total", "NUMERIC(10,2)", buf, sizeof buf),
                 "decimal(10,2)", "native column rule on the source side");
    CHECK_EQ_STR(to_native_str(dst, "Invoice", "Total", "decimal(10,2)", buf, sizeof buf, &lossy),
                 "numeric(12,2)", "native column rule");
    ASSERT(lossy == NULL);
    CHECK_EQ_STR(to_native_str(dst, "Doc", "Body", "text", buf, sizeof buf, &lossy), "json", "native json");
    ASSERT_EQ_STR(lossy, "kept as json, not jsonb");
    /* a logical rule in front of the built-in jsonb one */
    CHECK_EQ_STR(to_native_str(dst, "Doc", "Meta", "json", buf, sizeof buf, &lossy), "json", "logical json");
    ASSERT(lossy == NULL);
    CHECK_EQ_STR(to_native_str(dst, "Doc", "Meta", "text(5)", buf, sizeof buf, &lossy), "varchar(5)", "base");

    type_map_free(src);
    type_map_free(dst);
}

static const struct { const char *text, *message; } syntax_cases[] = {
    { "native FOO int64\n",                         "bad.map:1: expected \"native SUBJECT -> TYPE\"" },
    { "# c\n\nnative FOO -> int33\n",               "bad.map:3: unknown logical type \"int33\"" },
    { "bogus A -> int64\n",                         "bad.map:1: unknown rule \"bogus\"" },
    { "\n\n\n\nlogical decimal -> numeric({q})\n",  "bad.map:5: bad placeholder" },
    { "logical text -> varchar({n}) |  \n",         "bad.map:1: empty native type template" },
    { "logical int33 -> foo\n",                     "bad.map:1: logical rule needs a logical kind" },
    { "logical decimal(3,1) -> foo\n",              "bad.map:1: logical rule needs a logical kind" },
    { "column Milliseconds -> int32\n",             "bad.map:1: column rule needs table.column" },
    { "native \"abc -> text\n",                     "bad.map:1: unterminated quoted string" },
    { "native X -> text lossy \"\"\n",              "bad.map:1: expected one non-empty quoted note" },
    { "native -> text\n",                           "bad.map:1: nothing before \"->\"" },
    { "native X ->   # nothing\n",                  "bad.map:1: nothing after \"->\"" },
    { "native X -> text\nnative Y -> decimal(2,5)\n", "bad.map:2: unknown logical type \"decimal(2,5)\"" },
};

TEST(test_types_syntax_errors)
{
    for (size_t i = 0; i < sizeof syntax_cases / sizeof syntax_cases[0]; i++) {
        ferry_err e;
        type_map *m;
        memset(&e, 0, sizeof e);
        m = type_map_with_overrides(NULL, "bad.map", syntax_cases[i].text, &e);
        CHECK_EQ_INT(m == NULL, 1, syntax_cases[i].text);
        type_map_free(m);
        CHECK_EQ_INT(e.code, FERRY_E_USAGE, syntax_cases[i].text);
        if (strncmp(e.msg, syntax_cases[i].message, strlen(syntax_cases[i].message)) != 0)
            FAIL_AT("[%s] message \"%s\" does not start with \"%s\"", syntax_cases[i].text,
                    e.msg, syntax_cases[i].message);
    }
}

TEST(test_types_empty_and_comments)
{
    ferry_err e;
    type_map *m;
    char buf[64];
    memset(&e, 0, sizeof e);
    m = type_map_with_overrides(NULL, "c.map", "# only\n  \n\t# comments\n", &e);
    ASSERT(m != NULL);
    CHECK_EQ_STR(to_logical_str(m, "t", "c", "INTEGER", buf, sizeof buf), "(none)", "empty table");
    type_map_free(m);
    m = type_map_with_overrides(NULL, "c.map", "native \"A # B\" -> int16 # a comment\n", &e);
    ASSERT(m != NULL);
    CHECK_EQ_STR(to_logical_str(m, "t", "c", "a  #  b", buf, sizeof buf), "int16", "quoted #");
    type_map_free(m);
}

TEST(test_types_format_parse)
{
    static const char *const round[] = {
        "bool", "int16", "int32", "int64", "float32", "float64", "decimal", "decimal(10,2)",
        "decimal(38,0)", "text", "text(160)", "text(2,fixed)", "text(fixed)", "bytes", "date",
        "time", "timestamp", "timestamptz", "uuid", "json", "enum",
    };
    static const struct { const char *in, *out; } normal[] = {
        { "decimal(5)", "decimal(5,0)" }, { " TEXT ( 10 ) ", "text(10)" },
        { "Decimal( 12 , 3 )", "decimal(12,3)" }, { "text(10, FIXED)", "text(10,fixed)" },
        { "INT64", "int64" },
    };
    static const char *const bad[] = {
        "", "int", "text(", "text(abc)", "decimal(2,5)", "int64(3)", "text(10)x",
        "decimal(0)", "text(-1)", "decimal(,2)", "text(10,wide)", "decimal(1,2,3)", NULL,
    };
    char buf[64];
    ltype t;
    for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
        CHECK_EQ_INT(ltype_parse(round[i], &t), 0, round[i]);
        ltype_format(&t, buf, sizeof buf);
        CHECK_EQ_STR(buf, round[i], round[i]);
    }
    for (size_t i = 0; i < sizeof normal / sizeof normal[0]; i++) {
        CHECK_EQ_INT(ltype_parse(normal[i].in, &t), 0, normal[i].in);
        ltype_format(&t, buf, sizeof buf);
        CHECK_EQ_STR(buf, normal[i].out, normal[i].in);
    }
    for (size_t i = 0; bad[i]; i++)
        CHECK_EQ_INT(ltype_parse(bad[i], &t), -1, bad[i]);
    ASSERT_EQ_INT(ltype_parse(NULL, &t), -1);
    ASSERT_EQ_INT(ltype_parse("text(160)", &t), 0);
    ASSERT_EQ_INT(t.kind, LT_TEXT);
    ASSERT_EQ_INT(t.length, 160);
    ASSERT_EQ_INT(t.fixed, 0);
    ASSERT_EQ_INT(t.precision, -1);
    ASSERT_EQ_INT(ltype_parse("decimal", &t), 0);
    ASSERT_EQ_INT(t.precision, -1);
    ASSERT_EQ_INT(t.scale, -1);
    /* a short buffer truncates but stays a string */
    ltype_format(&(ltype){ LT_DECIMAL, -1, 0, 10, 2 }, buf, 4);
    ASSERT_EQ_STR(buf, "dec");
}

TEST(test_types_kind_names)
{
    for (int k = LT_UNKNOWN + 1; k < LT__COUNT; k++) {
        const char *name = ltype_kind_name((ltype_kind)k);
        CHECK_EQ_INT(ltype_kind_from_name(name), k, name);
    }
    ASSERT_EQ_STR(ltype_kind_name(LT_TIMESTAMPTZ), "timestamptz");
    ASSERT_EQ_STR(ltype_kind_name(LT__COUNT), "unknown");
    ASSERT_EQ_INT(ltype_kind_from_name("Float64"), LT_FLOAT64);
    ASSERT_EQ_INT(ltype_kind_from_name("nope"), LT_UNKNOWN);
    ASSERT_EQ_INT(ltype_kind_from_name("unknown"), LT_UNKNOWN);
    ASSERT_EQ_INT(ltype_kind_from_name(NULL), LT_UNKNOWN);
}

static void *builtin_thread(void *arg)
{
    const type_map **out = arg;
    ltype t;
    *out = type_map_builtin("sqlite");
    if (*out && type_map_to_logical(*out, "t", "c", "INTEGER", &t, NULL) != 0) *out = NULL;
    return NULL;
}

TEST(test_types_builtin)
{
    pthread_t th[4];
    const type_map *got[4];
    ASSERT(type_map_builtin("mysql-not-yet") == NULL);
    ASSERT(type_map_builtin(NULL) == NULL);
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, builtin_thread, &got[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) ASSERT(got[i] != NULL && got[i] == type_map_builtin("SQLite"));
}

void suite_types(void)
{
    RUN(test_types_builtin);
    RUN(test_types_kind_names);
    RUN(test_types_format_parse);
    RUN(test_types_sqlite_to_logical);
    RUN(test_types_sqlite_rule_text);
    RUN(test_types_sqlite_round_trip);
    RUN(test_types_pg_to_logical);
    RUN(test_types_pg_to_native);
    RUN(test_types_overrides);
    RUN(test_types_syntax_errors);
    RUN(test_types_empty_and_comments);
}
