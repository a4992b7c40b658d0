/* sqlexpr_words.c — the SQL vocabulary the translator knows: the words
 * that are always keywords, the SQLite functions PostgreSQL shares (or that
 * ferry rewrites), and the PostgreSQL type of a CAST by SQLite's affinity
 * rules. */
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* Words that are always keywords here (upper case, kept sorted for
 * bsearch). Type names are not among them: they are keywords only inside
 * CAST(... AS type), and window-frame words only in their context (see
 * word_role in sqlexpr.c). */
static const char *const keywords[] = {
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "COLLATE", "CROSS",
    "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DESC", "DISTINCT", "ELSE",
    "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FROM", "FULL", "GLOB", "GROUP",
    "HAVING", "IN", "INDEXED", "INNER", "INTERSECT", "IS", "ISNULL", "JOIN", "LEFT",
    "LIKE", "LIMIT", "MATCH", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "OR",
    "ORDER", "OUTER", "RECURSIVE", "REGEXP", "RIGHT", "SELECT", "THEN", "TRUE", "UNION",
    "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH",
};

/* kw_cmp — bsearch comparison of a word with a keywords[] entry. */
static int kw_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* sqlexpr_is_keyword — U (upper case) is in the keyword list. */
int sqlexpr_is_keyword(const char *U)
{
    return bsearch(U, keywords, sizeof keywords / sizeof keywords[0], sizeof keywords[0],
                   kw_cmp) != NULL;
}

/* Functions whose meaning is the same in PostgreSQL, or that ferry rewrites.
 * Kept sorted by SQLite name for bsearch. Everything else is refused.
 * Notes on meanings: substr() differs only for a start <= 0; scalar
 * max()/min() return NULL when any argument is NULL where greatest()/least()
 * ignore NULLs; avg()/sum() of integers give numeric in PostgreSQL. */
static const fn_map fns[] = {
    {"abs", "abs", FN_SAME},           {"acos", "acos", FN_SAME},
    {"asin", "asin", FN_SAME},         {"atan", "atan", FN_SAME},
    {"atan2", "atan2", FN_SAME},       {"avg", "avg", FN_SAME},
    {"ceil", "ceil", FN_SAME},         {"ceiling", "ceiling", FN_SAME},
    {"coalesce", "coalesce", FN_SAME}, {"concat", "concat", FN_SAME},
    {"concat_ws", "concat_ws", FN_SAME}, {"cos", "cos", FN_SAME},
    {"count", "count", FN_SAME},       {"cume_dist", "cume_dist", FN_SAME},
    {"degrees", "degrees", FN_SAME},   {"dense_rank", "dense_rank", FN_SAME},
    {"exp", "exp", FN_SAME},           {"first_value", "first_value", FN_SAME},
    {"floor", "floor", FN_SAME},       {"group_concat", "string_agg", FN_GCONCAT},
    {"ifnull", "coalesce", FN_SAME},   {"instr", "strpos", FN_SAME},
    {"lag", "lag", FN_SAME},           {"last_value", "last_value", FN_SAME},
    {"lead", "lead", FN_SAME},         {"length", "length", FN_SAME},
    {"ln", "ln", FN_SAME},             {"log", "log", FN_SAME},
    {"log10", "log10", FN_SAME},       {"lower", "lower", FN_SAME},
    {"ltrim", "ltrim", FN_SAME},       {"max", "greatest", FN_MINMAX},
    {"min", "least", FN_MINMAX},       {"mod", "mod", FN_SAME},
    {"nth_value", "nth_value", FN_SAME}, {"ntile", "ntile", FN_SAME},
    {"nullif", "nullif", FN_SAME},     {"octet_length", "octet_length", FN_SAME},
    {"percent_rank", "percent_rank", FN_SAME}, {"pi", "pi", FN_SAME},
    {"pow", "power", FN_SAME},         {"power", "power", FN_SAME},
    {"radians", "radians", FN_SAME},   {"rank", "rank", FN_SAME},
    {"replace", "replace", FN_SAME},   {"round", "round", FN_ROUND},
    {"row_number", "row_number", FN_SAME}, {"rtrim", "rtrim", FN_SAME},
    {"sign", "sign", FN_SAME},         {"sin", "sin", FN_SAME},
    {"sqrt", "sqrt", FN_SAME},         {"string_agg", "string_agg", FN_GCONCAT},
    {"substr", "substr", FN_SAME},     {"substring", "substring", FN_SAME},
    {"sum", "sum", FN_SAME},           {"tan", "tan", FN_SAME},
    {"total", "sum", FN_TOTAL},        {"trim", "btrim", FN_SAME},
    {"trunc", "trunc", FN_SAME},       {"upper", "upper", FN_SAME},
};

/* fn_cmp — bsearch comparison of a name with a fns[] entry. */
static int fn_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const fn_map *)elem)->name);
}

/* sqlexpr_fn_find — the entry for a SQLite function name (any case), or
 * NULL. */
const fn_map *sqlexpr_fn_find(const char *name)
{
    char low[40];
    if (sqlexpr_case(low, sizeof low, name, 0) != 0) return NULL;
    return bsearch(low, fns, sizeof fns / sizeof fns[0], sizeof fns[0], fn_cmp);
}

/* sqlexpr_cast_type — the PostgreSQL type for a SQLite CAST type name, by
 * SQLite's affinity rules (INT -> integer, CHAR/CLOB/TEXT -> text, BLOB or
 * none -> blob, REAL/FLOA/DOUB -> real, anything else numeric). */
const char *sqlexpr_cast_type(const char *U)
{
    if (strstr(U, "INT")) return "bigint";
    if (strstr(U, "CHAR") || strstr(U, "CLOB") || strstr(U, "TEXT")) return "text";
    if (strstr(U, "BLOB") || !*U) return "bytea";
    if (strstr(U, "REAL") || strstr(U, "FLOA") || strstr(U, "DOUB")) return "double precision";
    return "numeric";
}
