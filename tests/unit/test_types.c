/* test_types.c — unit tests for the logical type system and the mapping
 * tables: SQLite affinity, PostgreSQL names, MySQL COLUMN_TYPE text,
 * logical -> native for every dialect (SQLite's choices checked against
 * SQLite's own affinity), --map overrides, range selectors, syntax errors,
 * printing a table, enum labels, and the ltype text form. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
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
        { "float32",       "REAL",          "float64",       1 },  /* -0 and NaN */
        { "float64",       "REAL",          "float64",       1 },  /* -0 and NaN */
        { "decimal(10,2)", "NUMERIC(10,2)", "decimal(10,2)", 1 },
        { "decimal(15,6)", "NUMERIC(15,6)", "decimal(15,6)", 1 },
        { "decimal(18)",   "NUMERIC(18,0)", "decimal(18,0)", 0 },  /* whole: INTEGER storage */
        { "decimal(19)",   "NUMERIC(19,0)", "decimal(19,0)", 1 },
        { "decimal(20,4)", "NUMERIC(20,4)", "decimal(20,4)", 1 },
        { "decimal",       "NUMERIC",       "decimal",       1 },
        { "text(20)",      "VARCHAR(20)",   "text(20)",      0 },
        { "text(2,fixed)", "CHARACTER(2)",  "text(2)",       0 },
        { "text",          "TEXT",          "text",          0 },
        { "bytes",         "BLOB",          "bytes",         0 },
        { "date",          "DATE",          "date",          0 },
        { "time",          "TIME",          "time",          0 },
        { "timestamp",     "DATETIME",      "timestamp",     0 },
        { "timestamptz",   "DATETIME",      "timestamp",     1 },
        { "uuid",          "UUID",          "uuid",          0 },
        { "json",          "JSON TEXT",     "json",          0 },
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

/* PostgreSQL as a source: the types beyond the basic ones. */
TEST(test_types_pg_reverse)
{
    static const struct { const char *native, *logical; int lossy; } cases[] = {
        { "numeric",                        "decimal",       0 },
        { "numeric(1000,500)",              "decimal(1000,500)", 0 },
        { "oid",                            "int64",         0 },
        { "bigserial",                      "int64",         0 },
        { "citext",                         "text",          0 },
        { "name",                           "text",          0 },
        { "char",                           "text(1,fixed)", 0 },
        { "timestamp(6) with time zone",    "timestamptz",   0 },
        { "time(3) without time zone",      "time",          0 },
        { "interval",                       "text",          1 },
        { "interval day to second(3)",      "text",          1 },
        { "money",                          "text",          1 },
        { "inet",                           "text",          1 },
        { "cidr",                           "text",          1 },
        { "macaddr",                        "text",          1 },
        { "macaddr8",                       "text",          1 },
        { "tsvector",                       "text",          1 },
        { "tsquery",                        "text",          1 },
        { "xml",                            "text",          1 },
        { "bit(8)",                         "text(8)",       1 },   /* '10101010' */
        { "bit varying(20)",                "text(20)",      1 },
        { "varbit",                         "text",          1 },
        { "text[]",                         "text",          1 },
        { "numeric(10,2)[]",                "text",          1 },
        { "hstore",                         "text",          1 },
        { "int4range",                      "text",          1 },
        { "point",                          "text",          1 },
        { "vector(3)",                      "text",          1 },   /* not text(3) */
        { "interval(6)",                    "text",          1 },
    };
    const type_map *m = type_map_builtin("postgresql");
    char buf[64];
    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ltype t;
        const char *rule = NULL, *lossy = NULL;
        CHECK_EQ_STR(to_logical_str(m, "t", "c", cases[i].native, buf, sizeof buf),
                     cases[i].logical, cases[i].native);
        CHECK_EQ_INT(type_map_to_logical_ex(m, "t", "c", cases[i].native, &t, &rule, &lossy), 0,
                     cases[i].native);
        CHECK_EQ_INT(lossy != NULL, cases[i].lossy, cases[i].native);
    }
}

/* MySQL/MariaDB as a source: information_schema COLUMN_TYPE text. */
static const struct { const char *native, *logical; int lossy; } mysql_cases[] = {
    /* booleans */
    { "tinyint(1)",                 "bool",           0 },
    { "bool",                       "bool",           0 },
    { "boolean",                    "bool",           0 },
    { "bit(1)",                     "bool",           0 },
    { "bit",                        "bool",           0 },
    { "bit(8)",                     "bytes",          1 },
    { "bit(64)",                    "bytes",          1 },
    /* integers, signed and unsigned, with and without display width */
    { "tinyint(4)",                 "int16",          0 },
    { "tinyint",                    "int16",          0 },
    { "tinyint(3) unsigned",        "int16",          0 },
    { "tinyint unsigned",           "int16",          0 },
    { "tinyint(1) unsigned",        "int16",          0 },   /* 0..255: not a boolean */
    { "smallint(6)",                "int16",          0 },
    { "smallint(5) unsigned",       "int32",          0 },
    { "smallint unsigned",          "int32",          0 },
    { "mediumint(9)",               "int32",          0 },
    { "mediumint(8) unsigned",      "int32",          0 },
    { "int(11)",                    "int32",          0 },
    { "int",                        "int32",          0 },
    { "integer",                    "int32",          0 },
    { "int(10) unsigned",           "int64",          0 },
    { "int unsigned",               "int64",          0 },
    { "int(5) unsigned zerofill",   "int64",          0 },
    { "bigint(20)",                 "int64",          0 },
    { "bigint",                     "int64",          0 },
    { "bigint(20) unsigned",        "decimal(20,0)",  0 },
    { "bigint unsigned",            "decimal(20,0)",  0 },
    { "serial",                     "decimal(20,0)",  0 },
    { "year",                       "int16",          0 },
    { "year(4)",                    "int16",          0 },
    /* exact and approximate numbers */
    { "decimal(10,2)",              "decimal(10,2)",  0 },
    { "decimal(65,30)",             "decimal(65,30)", 0 },
    { "decimal(5,0)",               "decimal(5,0)",   0 },
    { "decimal(10,2) unsigned",     "decimal(10,2)",  0 },
    { "numeric(7,3)",               "decimal(7,3)",   0 },
    { "float",                      "float32",        0 },
    { "float(7,3)",                 "float32",        0 },
    { "float unsigned",             "float32",        0 },
    { "double",                     "float64",        0 },
    { "double(10,4)",               "float64",        0 },
    { "double unsigned",            "float64",        0 },
    { "double precision",           "float64",        0 },
    { "real",                       "float64",        0 },
    /* text */
    { "char(3)",                    "text(3,fixed)",  0 },
    { "char(0)",                    "text(fixed)",    0 },
    { "char",                       "text(1,fixed)",  0 },
    { "varchar(255)",               "text(255)",      0 },
    { "varchar(16383)",             "text(16383)",    0 },
    { "tinytext",                   "text",           0 },
    { "text",                       "text",           0 },
    { "mediumtext",                 "text",           0 },
    { "longtext",                   "text",           0 },
    { "json",                       "json",           0 },
    { "enum('a','b')",              "enum",           0 },
    { "enum('x)y, z','it''s','b\\\\c')", "enum",       0 },   /* ")" and "," inside labels */
    { "enum('two  spaces')",        "enum",           0 },
    { "set('x','y')",               "text",           1 },
    /* binary */
    { "binary(16)",                 "bytes",          0 },
    { "varbinary(255)",             "bytes",          0 },
    { "tinyblob",                   "bytes",          0 },
    { "blob",                       "bytes",          0 },
    { "mediumblob",                 "bytes",          0 },
    { "longblob",                   "bytes",          0 },
    /* dates and times */
    { "date",                       "date",           0 },
    { "time",                       "time",           1 },
    { "time(6)",                    "time",           1 },
    { "datetime",                   "timestamp",      0 },
    { "datetime(6)",                "timestamp",      0 },
    { "timestamp",                  "timestamptz",    0 },
    { "timestamp(3)",               "timestamptz",    0 },
    /* spatial and MariaDB's own */
    { "geometry",                   "bytes",          1 },
    { "point",                      "bytes",          1 },
    { "multipolygon",               "bytes",          1 },
    { "geomcollection",             "bytes",          1 },
    { "uuid",                       "uuid",           0 },
    { "inet6",                      "text",           1 },
    /* odd spacing and case */
    { "INT(10) UNSIGNED",           "int64",          0 },
    { "  bigint( 20 )   unsigned ", "decimal(20,0)",  0 },
    { "TinyInt( 1 )",               "bool",           0 },
    { "Decimal( 12 , 4 )",          "decimal(12,4)",  0 },
    { "VARCHAR (40)",               "text(40)",       0 },
    { "ENUM ( 'a' , 'b' )",         "enum",           0 },
    { "Double\tPrecision",          "float64",        0 },
    { "smallint(5)\tunsigned",      "int32",          0 },
};

TEST(test_types_mysql_to_logical)
{
    const type_map *m = type_map_builtin("mysql");
    char buf[64];
    ASSERT(m != NULL);
    ASSERT(sizeof mysql_cases / sizeof mysql_cases[0] >= 40);
    for (size_t i = 0; i < sizeof mysql_cases / sizeof mysql_cases[0]; i++) {
        ltype t;
        const char *rule = NULL, *lossy = NULL;
        CHECK_EQ_STR(to_logical_str(m, "t", "c", mysql_cases[i].native, buf, sizeof buf),
                     mysql_cases[i].logical, mysql_cases[i].native);
        CHECK_EQ_INT(type_map_to_logical_ex(m, "t", "c", mysql_cases[i].native, &t, &rule, &lossy),
                     0, mysql_cases[i].native);
        CHECK_EQ_INT(lossy != NULL, mysql_cases[i].lossy, mysql_cases[i].native);
        if (lossy) CHECK_EQ_INT(strstr(rule, "(lossy: ") != NULL, 1, mysql_cases[i].native);
    }
    /* no catch-all: an unknown type is an error naming the column */
    CHECK_EQ_STR(to_logical_str(m, "t", "c", "xmltype", buf, sizeof buf), "(none)", "unknown");
    CHECK_EQ_STR(to_logical_str(m, "t", "c", "", buf, sizeof buf), "(none)", "empty");
}

TEST(test_types_mysql_rule_text)
{
    const type_map *m = type_map_builtin("mariadb");
    const char *rule = NULL, *lossy = NULL;
    ltype t;
    ASSERT(m != NULL);
    ASSERT_EQ_INT(type_map_to_logical_ex(m, "t", "c", "int(10) unsigned", &t, &rule, &lossy), 0);
    ASSERT(strncmp(rule, "mysql.map:", 10) == 0);
    ASSERT(strstr(rule, "native int unsigned* -> int64") != NULL);
    ASSERT(lossy == NULL);
    ASSERT_EQ_INT(type_map_to_logical_ex(m, "t", "c", "tinyint(1)", &t, &rule, &lossy), 0);
    ASSERT(strstr(rule, "native tinyint(1) -> bool") != NULL);
    ASSERT_EQ_INT(type_map_to_logical_ex(m, "t", "c", "time(6)", &t, &rule, &lossy), 0);
    ASSERT(lossy != NULL && strstr(lossy, "duration") != NULL);
    ASSERT(strstr(rule, "(lossy: MySQL TIME is a duration") != NULL);
}

/* Logical -> MySQL for every kind and every range boundary, with what the
 * result reads back as through the same table. */
TEST(test_types_mysql_to_native)
{
    static const struct { const char *logical, *native, *back; int lossy; } cases[] = {
        { "bool",              "tinyint(1)",     "bool",              0 },
        { "int16",             "smallint",       "int16",             0 },
        { "int32",             "int",            "int32",             0 },
        { "int64",             "bigint",         "int64",             0 },
        { "float32",           "float",          "float32",           1 },  /* -0, Inf, NaN */
        { "float64",           "double",         "float64",           1 },  /* -0, Inf, NaN */
        { "decimal(10,2)",     "decimal(10,2)",  "decimal(10,2)",     0 },
        { "decimal(20)",       "decimal(20,0)",  "decimal(20,0)",     0 },
        { "decimal(65,30)",    "decimal(65,30)", "decimal(65,30)",    0 },
        { "decimal(1,1)",      "decimal(1,1)",   "decimal(1,1)",      0 },
        { "decimal(66,2)",     "decimal(65,2)",  "decimal(65,2)",     1 },
        { "decimal(1000,30)",  "decimal(65,30)", "decimal(65,30)",    1 },
        { "decimal(40,31)",    "decimal(65,30)", "decimal(65,30)",    1 },
        { "decimal",           "decimal(65,30)", "decimal(65,30)",    1 },
        { "text(3,fixed)",     "char(3)",        "text(3,fixed)",     0 },
        { "text(255,fixed)",   "char(255)",      "text(255,fixed)",   0 },
        { "text(256,fixed)",   "varchar(256)",   "text(256)",         0 },
        { "text(fixed)",       "longtext",       "text",              0 },
        { "text(1)",           "varchar(1)",     "text(1)",           0 },
        { "text(255)",         "varchar(255)",   "text(255)",         0 },
        { "text(768)",         "varchar(768)",   "text(768)",         0 },
        { "text(769)",         "text",           "text",              1 },
        { "text(16383)",       "text",           "text",              1 },
        { "text(16384)",       "mediumtext",     "text",              1 },
        { "text(4194303)",     "mediumtext",     "text",              1 },
        { "text(4194304)",     "longtext",       "text",              1 },
        { "text",              "longtext",       "text",              0 },
        { "bytes",             "longblob",       "bytes",             0 },
        { "date",              "date",           "date",              0 },
        { "time",              "time(6)",        "time",              1 },  /* lossy on the way back in */
        { "timestamp",         "datetime(6)",    "timestamp",         0 },
        { "timestamptz",       "datetime(6)",    "timestamp",         1 },
        { "uuid",              "char(36)",       "text(36,fixed)",    1 },
        { "json",              "json",           "json",              0 },
        { "enum",              "varchar(255)",   "text(255)",         1 },
    };
    const type_map *m = type_map_builtin("mysql");
    char buf[64], back[64];
    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *lossy = NULL, *rule = NULL, *back_lossy = NULL;
        ltype t;
        int is_time = strcmp(cases[i].logical, "time") == 0;
        CHECK_EQ_STR(to_native_str(m, "t", "c", cases[i].logical, buf, sizeof buf, &lossy),
                     cases[i].native, cases[i].logical);
        CHECK_EQ_STR(to_logical_str(m, "t", "c", buf, back, sizeof back), cases[i].back,
                     cases[i].logical);
        type_map_to_logical_ex(m, "t", "c", buf, &t, &rule, &back_lossy);
        CHECK_EQ_INT((is_time ? back_lossy : lossy) != NULL, cases[i].lossy, cases[i].logical);
    }
    /* every kind has a MySQL type */
    for (int k = LT_UNKNOWN + 1; k < LT__COUNT; k++) {
        ltype t = { (ltype_kind)k, -1, 0, -1, -1 };
        const char *lossy;
        CHECK_EQ_INT(type_map_to_native(m, "t", "c", &t, buf, sizeof buf, &lossy), 0,
                     ltype_kind_name((ltype_kind)k));
    }
}

/* sqlite_storage_class — typeof() of text inserted into a column declared
 * decl, in a fresh in-memory database; "(error)" if SQLite refuses. With
 * back non-NULL, also the value as SQLite prints it. */
static const char *sqlite_storage_class(const char *decl, const char *text, char *buf, size_t n,
                                        char *back, size_t bn)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    snprintf(buf, n, "(error)");
    if (back && bn) back[0] = '\0';
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) goto out;
    sql = sqlite3_mprintf("CREATE TABLE t(c %s)", decl);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) goto out;
    if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?)", -1, &st, NULL) != SQLITE_OK) goto out;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) goto out;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT typeof(c), CAST(c AS TEXT) FROM t", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        goto out;
    snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
    if (back && bn) snprintf(back, bn, "%s", (const char *)sqlite3_column_text(st, 1));
out:
    sqlite3_free(sql);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

/* The SQLite target's declared types are "affinity-true": a value written
 * as text (as a driver binds it) is stored in the storage class of its
 * logical type. The declared types come from sqlite.map, so changing a
 * rule there is checked against SQLite itself here. */
TEST(test_types_sqlite_affinity)
{
    static const struct { const char *logical, *value, *storage, *reads_back; } cases[] = {
        /* bool: the writer binds 1/0 (SQLite's TRUE and FALSE) */
        { "bool",          "1",                                    "integer", "1" },
        { "bool",          "0",                                    "integer", "0" },
        { "int16",         "-32768",                               "integer", NULL },
        { "int64",         "9223372036854775807",                  "integer", "9223372036854775807" },
        { "float64",       "1.5",                                  "real",    NULL },
        { "float32",       "3",                                    "real",    NULL },
        /* whole decimals up to 18 digits are stored exactly as integers */
        { "decimal(18)",   "999999999999999999",                   "integer", "999999999999999999" },
        { "decimal(18)",   "-123456789012345678",                  "integer", "-123456789012345678" },
        /* a fraction becomes a real, exact to 15 digits (the lossy note) */
        { "decimal(10,2)", "-12.50",                               "real",    "-12.5" },
        { "decimal(15,2)", "1234567890123.45",                     "real",    "1234567890123.45" },
        { "decimal(10,2)", "12.00",                                "integer", "12" },
        { "decimal",       "0.1",                                  "real",    "0.1" },
        { "text",          "0012",                                 "text",    "0012" },
        { "text(5)",       "123",                                  "text",    "123" },
        { "text(2,fixed)", "1 ",                                   "text",    "1 " },
        { "enum",          "42",                                   "text",    "42" },
        { "date",          "2024-02-29",                           "text",    "2024-02-29" },
        { "time",          "23:59:59.5",                           "text",    "23:59:59.5" },
        { "timestamp",     "2024-01-02 03:04:05.123456",           "text",    "2024-01-02 03:04:05.123456" },
        { "timestamptz",   "2024-01-02 03:04:05",                  "text",    "2024-01-02 03:04:05" },
        { "timestamptz",   "2024-01-02 03:04:05+00:00",            "text",    NULL },
        /* a uuid's text is never a number, even with digits only */
        { "uuid",          "00000000-0000-0000-0000-000000000000", "text",    "00000000-0000-0000-0000-000000000000" },
        { "uuid",          "12345678-1234-1234-1234-123456789012", "text",    NULL },
        /* JSON scalars stay the document's text */
        { "json",          "123",                                  "text",    "123" },
        { "json",          "1.50",                                 "text",    "1.50" },
        { "json",          "12345678901234567890",                 "text",    "12345678901234567890" },
        { "json",          "{\"a\":1}",                            "text",    NULL },
    };
    const type_map *m = type_map_builtin("sqlite");
    char decl[64], cls[32], back[128];
    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *lossy;
        char ctx[128];
        snprintf(ctx, sizeof ctx, "%s %s", cases[i].logical, cases[i].value);
        to_native_str(m, "t", "c", cases[i].logical, decl, sizeof decl, &lossy);
        CHECK_EQ_STR(sqlite_storage_class(decl, cases[i].value, cls, sizeof cls, back, sizeof back),
                     cases[i].storage, ctx);
        if (cases[i].reads_back) CHECK_EQ_STR(back, cases[i].reads_back, ctx);
    }
    /* and a bytes value bound as a blob stays a blob */
    {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        const char *lossy;
        char *sql;
        to_native_str(m, "t", "c", "bytes", decl, sizeof decl, &lossy);
        ASSERT_EQ_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
        sql = sqlite3_mprintf("CREATE TABLE t(c %s)", decl);
        ASSERT_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_free(sql);
        ASSERT_EQ_INT(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?)", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_blob(st, 1, "123", 3, SQLITE_STATIC);
        ASSERT_EQ_INT(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        ASSERT_EQ_INT(sqlite3_prepare_v2(db, "SELECT typeof(c) FROM t", -1, &st, NULL), SQLITE_OK);
        ASSERT_EQ_INT(sqlite3_step(st), SQLITE_ROW);
        CHECK_EQ_STR((const char *)sqlite3_column_text(st, 0), "blob", "bytes");
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    /* the reason for JSON TEXT: plain JSON has NUMERIC affinity */
    CHECK_EQ_STR(sqlite_storage_class("JSON", "123", cls, sizeof cls, NULL, 0), "integer",
                 "JSON affinity");
    /* and unconstrained NUMERIC rounds 20 digits (why decimal is lossy) */
    sqlite_storage_class("NUMERIC", "12345678901234567890", cls, sizeof cls, back, sizeof back);
    CHECK_EQ_STR(cls, "real", "NUMERIC 20 digits");
}

/* Range selectors in logical rules. */
TEST(test_types_selectors)
{
    static const char text[] =
        "logical text(..3,fixed)  -> char({n})\n"
        "logical text(4)          -> exactly4\n"
        "logical text( 5 .. 9 )   -> varchar({n})\n"
        "logical text(10..)       -> long\n"
        "logical text(fixed)      -> fixedtext\n"
        "logical text             -> unbounded\n"
        "logical decimal(..9,0)   -> int\n"
        "logical decimal(3,1)     -> three_one\n"
        "logical decimal(..18,..4)-> num({p},{s})\n"
        "logical decimal(19..)    -> big\n"
        "logical decimal          -> num\n";
    static const struct { const char *logical, *native; } cases[] = {
        { "text(0,fixed)", "char(0)" },   { "text(3,fixed)", "char(3)" },
        { "text(4,fixed)", "exactly4" },  { "text(4)", "exactly4" },
        { "text(3)", "unbounded" },       { "text(5)", "varchar(5)" },
        { "text(9)", "varchar(9)" },      { "text(10)", "long" },
        { "text(2000000)", "long" },      { "text(fixed)", "fixedtext" },
        { "text", "unbounded" },          { "decimal(9)", "int" },
        { "decimal(9,1)", "num(9,1)" },   { "decimal(18,4)", "num(18,4)" },
        { "decimal(18,5)", "num" },       { "decimal(3,1)", "three_one" },
        { "decimal(3,2)", "num(3,2)" },   { "decimal(3)", "int" },
        { "decimal(19,2)", "big" },       { "decimal", "num" },
    };
    ferry_err e;
    type_map *m;
    char buf[64];
    const char *lossy;
    ltype t = { LT_DECIMAL, -1, 0, 3, -1 };

    memset(&e, 0, sizeof e);
    m = type_map_with_overrides(NULL, "sel.map", text, &e);
    if (!m) FAIL_AT("%s", e.msg);
    ASSERT(m != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_EQ_STR(to_native_str(m, "t", "c", cases[i].logical, buf, sizeof buf, &lossy),
                     cases[i].native, cases[i].logical);
    /* text(max) in a native rule: unbounded, no length from the type */
    {
        type_map *n = type_map_with_overrides(type_map_builtin("sqlite"), "max.map",
                                              "native VECTOR(*) -> text(max) lossy \"as text\"\n"
                                              "native BOX -> TEXT ( MAX )\n", &e);
        const char *rule = NULL;
        ltype lt;
        ASSERT(n != NULL);
        CHECK_EQ_STR(to_logical_str(n, "t", "c", "vector(3)", buf, sizeof buf), "text", "text(max)");
        CHECK_EQ_STR(to_logical_str(n, "t", "c", "box(3)", buf, sizeof buf), "text", "TEXT ( MAX )");
        CHECK_EQ_STR(to_logical_str(n, "t", "c", "varchar(3)", buf, sizeof buf), "text(3)", "base");
        ASSERT_EQ_INT(type_map_to_logical(n, "t", "c", "vector(3)", &lt, &rule), 0);
        ASSERT_EQ_STR(rule, "max.map:1 native VECTOR(*) -> text(max) (lossy: as text)");
        type_map_free(n);
    }
    /* a range on the scale needs a known scale */
    ASSERT_EQ_INT(type_map_to_native(m, "t", "c", &t, buf, sizeof buf, &lossy), 0);
    ASSERT_EQ_STR(buf, "num");
    type_map_free(m);
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
    { "logical decimal(3,x) -> foo\n",              "bad.map:1: logical rule needs a logical kind" },
    { "logical int64(3) -> foo\n",                  "bad.map:1: logical rule needs a logical kind" },
    { "logical text(5..2) -> foo\n",                "bad.map:1: logical rule needs a logical kind" },
    { "logical text(..) -> foo\n",                  "bad.map:1: logical rule needs a logical kind" },
    { "logical text(fixed,..5) -> foo\n",           "bad.map:1: logical rule needs a logical kind" },
    { "logical text(1,2) -> foo\n",                 "bad.map:1: logical rule needs a logical kind" },
    { "logical decimal(1,2,3) -> foo\n",            "bad.map:1: logical rule needs a logical kind" },
    { "logical decimal(fixed) -> foo\n",            "bad.map:1: logical rule needs a logical kind" },
    { "logical text(..5)x -> foo\n",                "bad.map:1: logical rule needs a logical kind" },
    { "logical text(...5) -> foo\n",                "bad.map:1: logical rule needs a logical kind" },
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
    ASSERT(type_map_builtin("mysql") != NULL);
    ASSERT(type_map_builtin("MariaDB") == type_map_builtin("mysql"));
    ASSERT(type_map_builtin(NULL) == NULL);
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, builtin_thread, &got[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) ASSERT(got[i] != NULL && got[i] == type_map_builtin("SQLite"));
}


/* strip_origins — text with each line's trailing "  # file:line" comment
 * removed (the one thing that differs between a table and its reprint). */
static char *strip_origins(const char *text)
{
    strbuf sb = STRBUF_INIT;
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        size_t keep = n;
        for (size_t i = 0; i + 3 < n; i++)
            if (memcmp(p + i, "  # ", 4) == 0) keep = i;
        strbuf_add(&sb, p, keep);
        strbuf_addc(&sb, '\n');
        p += n;
        if (*p == '\n') p++;
    }
    return strbuf_detach(&sb);
}

/* type_map_print writes the mappings/ format: the printed table parses
 * back into one that decides every case the same way and prints the same. */
TEST(test_types_print)
{
    static const char *const dialects[] = { "sqlite", "postgresql", "mysql" };
    for (size_t d = 0; d < sizeof dialects / sizeof dialects[0]; d++) {
        const type_map *m = type_map_builtin(dialects[d]);
        strbuf a = STRBUF_INIT, b = STRBUF_INIT;
        type_map *re;
        ferry_err e;
        char *sa, *sb2;
        ASSERT(m != NULL);
        type_map_print(m, &a);
        memset(&e, 0, sizeof e);
        re = type_map_with_overrides(NULL, "printed", strbuf_cstr(&a), &e);
        if (!re) FAIL_AT("[%s] reprint does not parse: %s", dialects[d], e.msg);
        ASSERT(re != NULL);
        type_map_print(re, &b);
        sa = strip_origins(strbuf_cstr(&a));
        sb2 = strip_origins(strbuf_cstr(&b));
        CHECK_EQ_STR(sa, sb2, dialects[d]);
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "# Native type -> logical type") != NULL, 1, dialects[d]);
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "# Logical type -> native type") != NULL, 1, dialects[d]);
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "# Column rules") == NULL, 1, dialects[d]);
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), ".map:") != NULL, 1, dialects[d]);
        /* same decisions, both ways */
        for (size_t i = 0; i < sizeof mysql_cases / sizeof mysql_cases[0]; i++) {
            char x[64], y[64];
            CHECK_EQ_STR(to_logical_str(re, "t", "c", mysql_cases[i].native, x, sizeof x),
                         to_logical_str(m, "t", "c", mysql_cases[i].native, y, sizeof y),
                         mysql_cases[i].native);
        }
        for (int k = LT_UNKNOWN + 1; k < LT__COUNT; k++) {
            static const int lens[] = { -1, 0, 10, 255, 256, 769, 20000, 5000000 };
            for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
                ltype t = { (ltype_kind)k, lens[l], (int)(l & 1), lens[l] > 0 ? lens[l] % 70 + 1 : -1,
                            lens[l] > 0 ? lens[l] % 70 / 2 : -1 };
                char x[64] = "", y[64] = "";
                const char *lx = NULL, *ly = NULL;
                int rx = type_map_to_native(re, "t", "c", &t, x, sizeof x, &lx);
                int ry = type_map_to_native(m, "t", "c", &t, y, sizeof y, &ly);
                CHECK_EQ_INT(rx, ry, dialects[d]);
                CHECK_EQ_STR(x, y, dialects[d]);
                CHECK_EQ_STR(lx ? lx : "-", ly ? ly : "-", dialects[d]);
            }
        }
        free(sa);
        free(sb2);
        type_map_free(re);
        strbuf_free(&a);
        strbuf_free(&b);
    }

    /* quoting, column rules and lossy notes with quotes survive */
    {
        static const char text[] =
            "native \"\" -> text\n"
            "native \"\"\"char\"\"\" -> text(1)\n"
            "native \"A # B\" -> int16 lossy \"say \"\"hi\"\"\"\n"
            "column Track.Milliseconds -> int32\n"
            "column *.body -> native json  lossy \"json, not jsonb\"\n"
            "logical text(..10,fixed) -> char({n})\n"
            "logical decimal(5..,2) -> numeric({p},{s})\n";
        ferry_err e;
        type_map *m, *re;
        strbuf a = STRBUF_INIT, b = STRBUF_INIT;
        char buf[64];
        char *sa, *sb2;
        memset(&e, 0, sizeof e);
        m = type_map_with_overrides(type_map_builtin("postgresql"), "q.map", text, &e);
        ASSERT(m != NULL);
        type_map_print(m, &a);
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "native  \"\"") != NULL, 1, "empty subject");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "\"\"\"char\"\"\"") != NULL, 1, "quoted quote");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "lossy \"say \"\"hi\"\"\"") != NULL, 1, "note");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "column  Track.Milliseconds") != NULL, 1, "column");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "-> native json") != NULL, 1, "native column");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "logical text(..10,fixed)") != NULL, 1, "selector");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "logical decimal(5..,2)") != NULL, 1, "selector");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "# q.map:3") != NULL, 1, "origin");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "# postgresql.map:") != NULL, 1, "origin");
        CHECK_EQ_INT(strstr(strbuf_cstr(&a), "# Column rules") < strstr(strbuf_cstr(&a), "# Native"),
                     1, "column rules first");
        memset(&e, 0, sizeof e);
        re = type_map_with_overrides(NULL, "printed", strbuf_cstr(&a), &e);
        if (!re) FAIL_AT("reprint does not parse: %s", e.msg);
        ASSERT(re != NULL);
        type_map_print(re, &b);
        sa = strip_origins(strbuf_cstr(&a));
        sb2 = strip_origins(strbuf_cstr(&b));
        CHECK_EQ_STR(sa, sb2, "reprint");
        CHECK_EQ_STR(to_logical_str(re, "t", "c", "\"char\"", buf, sizeof buf), "text(1)", "char");
        CHECK_EQ_STR(to_logical_str(re, "t", "c", "a # b", buf, sizeof buf), "int16", "#");
        CHECK_EQ_STR(to_logical_str(re, "t", "c", "", buf, sizeof buf), "text", "empty");
        CHECK_EQ_STR(to_logical_str(re, "track", "milliseconds", "bigint", buf, sizeof buf), "int32",
                     "column");
        free(sa);
        free(sb2);
        strbuf_free(&a);
        strbuf_free(&b);
        type_map_free(re);
        type_map_free(m);
    }
    /* an empty table prints nothing */
    {
        ferry_err e;
        type_map *m;
        strbuf a = STRBUF_INIT;
        memset(&e, 0, sizeof e);
        m = type_map_with_overrides(NULL, "e.map", "", &e);
        ASSERT(m != NULL);
        type_map_print(m, &a);
        CHECK_EQ_INT(a.len, 0, "empty");
        type_map_print(NULL, &a);
        CHECK_EQ_INT(a.len, 0, "NULL");
        type_map_free(m);
        strbuf_free(&a);
    }
}

TEST(test_types_enum_labels)
{
    static const char *const want[] = { "x)y, z", "it's", "b\\c", "nl\nx", "tab\tx", "q\"q", "",
                                        " sp", "two  spaces", NULL };
    static const char *const bad[] = {
        "int(11)", "enum", "enum('a'", "enum('a' 'b')", "enum(a)", "enum('a')x", "enum('a\\0b')",
        "enum('a',)", "enum(,'a')", "enumx('a')", "enum('a\\", "", NULL,
    };
    char **l = NULL;
    int n;

    n = type_enum_labels("enum('x)y, z','it''s','b\\\\c','nl\\nx','tab\tx','q\"q','',' sp',"
                         "'two  spaces')", &l);
    ASSERT_EQ_INT(n, 9);
    for (int i = 0; i < n; i++) CHECK_EQ_STR(l[i], want[i], want[i]);
    ASSERT(l[n] == NULL);
    type_labels_free(l);

    ASSERT_EQ_INT(type_enum_labels(" SET ( 'x' , 'y' ) ", &l), 2);
    ASSERT_EQ_STR(l[0], "x");
    ASSERT_EQ_STR(l[1], "y");
    type_labels_free(l);
    ASSERT_EQ_INT(type_enum_labels("Enum('A')", &l), 1);
    ASSERT_EQ_STR(l[0], "A");
    type_labels_free(l);
    ASSERT_EQ_INT(type_enum_labels("enum()", &l), 0);
    ASSERT(l != NULL && l[0] == NULL);
    type_labels_free(l);

    for (size_t i = 0; bad[i]; i++) {
        l = (char **)1;
        CHECK_EQ_INT(type_enum_labels(bad[i], &l), -1, bad[i]);
        CHECK_EQ_INT(l == NULL, 1, bad[i]);
    }
    ASSERT_EQ_INT(type_enum_labels(NULL, &l), -1);
    ASSERT_EQ_INT(type_enum_labels("enum('a')", NULL), -1);
    type_labels_free(NULL);
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
    RUN(test_types_pg_reverse);
    RUN(test_types_mysql_to_logical);
    RUN(test_types_mysql_rule_text);
    RUN(test_types_mysql_to_native);
    RUN(test_types_sqlite_affinity);
    RUN(test_types_selectors);
    RUN(test_types_overrides);
    RUN(test_types_syntax_errors);
    RUN(test_types_empty_and_comments);
    RUN(test_types_print);
    RUN(test_types_enum_labels);
}
