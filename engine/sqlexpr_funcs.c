/* sqlexpr_funcs.c — the function mapping table: one row per function,
 * one cell per dialect (SQLite, PostgreSQL, MySQL) saying which names the
 * dialect accepts in its input and what it writes as a target. A call is
 * translated by finding the row of its source name and argument count,
 * then writing the target's cell: a name applied to the same arguments, a
 * template rearranging them, a niladic keyword, or the group_concat /
 * string_agg shape. A target cell without a spelling refuses the call,
 * with the row's note. The table is data: adding a function is adding a
 * row. Same-dialect copies do not use it (calls are kept as written).
 *
 * Notes on meanings, where the engines differ:
 *  - length: characters in SQLite and PostgreSQL, bytes in MySQL (whose
 *    character count is char_length).
 *  - log(x) is the base-10 logarithm in SQLite and PostgreSQL, the natural
 *    one in MySQL.
 *  - concat() ignores NULLs in SQLite (3.44+) and PostgreSQL; MySQL's
 *    returns NULL, as || does: it becomes ||, and theirs concat_ws('', ...)
 *    on MySQL, coalesce(a, '') || ... on SQLite (any version).
 *  - lower()/upper() fold only ASCII in SQLite, every letter elsewhere.
 *  - substr() differs for a start <= 0; scalar max()/min() return NULL
 *    when any argument is NULL where PostgreSQL's greatest()/least() ignore
 *    NULLs; avg()/sum() of integers give numeric in PostgreSQL, decimal in
 *    MySQL; MySQL's group_concat is cut at group_concat_max_len (1024
 *    bytes by default).
 *  - the current time: SQLite's CURRENT_TIMESTAMP is UTC; PostgreSQL's
 *    now() is an instant (shown in the session's time zone); MySQL's
 *    CURRENT_TIMESTAMP/now() is the session's wall clock. Each is mapped to
 *    the target's form of the same meaning (rows "now, ..." below).
 *  - iif()/if() test any value for truth; PostgreSQL's CASE WHEN needs a
 *    boolean (SQLite's iif() is refused for PostgreSQL, MySQL's if() is
 *    written as CASE: its condition is nearly always a comparison).
 *  - MySQL's uuid() makes version-1 (time-based) uuids where
 *    gen_random_uuid() makes random (version-4) ones. */
#include <string.h>

#include "sqlexpr_internal.h"

#define F(n, e)  {n, e, FN_CALL}
#define T(n, e)  {n, e, FN_TEMPLATE}
#define K(n, e)  {n, e, FN_KEYWORD}
#define G(n, e)  {n, e, FN_GCONCAT}
#define NO       {"", NULL, FN_CALL}
#define SAME(n)  {F(n, n), F(n, n), F(n, n)}
#define ANY      0, -1

static const fn_row fns[] = {
    /*  SQLite                             PostgreSQL                                MySQL */
    /* aggregates */
    {SAME("count"), ANY, NULL},
    {SAME("sum"), ANY, NULL},
    {SAME("avg"), ANY, NULL},
    {{F("total", "total"), T("", "CAST(coalesce(sum($1), 0) AS double precision)"),
      T("", "CAST(coalesce(sum($1), 0) AS DOUBLE)")}, 1, 1, NULL},
    {{G("group_concat string_agg", "group_concat"), G("string_agg", "string_agg"),
      G("group_concat", "group_concat")}, ANY, NULL},
    {{F("max", "max"), F("greatest", "greatest"), F("greatest", "greatest")}, 2, -1, NULL},
    {{F("min", "min"), F("least", "least"), F("least", "least")}, 2, -1, NULL},
    {SAME("max"), ANY, NULL},
    {SAME("min"), ANY, NULL},
    /* window functions */
    {SAME("row_number"), ANY, NULL},   {SAME("rank"), ANY, NULL},
    {SAME("dense_rank"), ANY, NULL},   {SAME("percent_rank"), ANY, NULL},
    {SAME("cume_dist"), ANY, NULL},    {SAME("ntile"), ANY, NULL},
    {SAME("lag"), ANY, NULL},          {SAME("lead"), ANY, NULL},
    {SAME("first_value"), ANY, NULL},  {SAME("last_value"), ANY, NULL},
    {SAME("nth_value"), ANY, NULL},
    /* NULL handling and conditions */
    {SAME("coalesce"), ANY, NULL},
    {{F("ifnull", "ifnull"), F("", "coalesce"), F("ifnull", "ifnull")}, 2, 2, NULL},
    {SAME("nullif"), ANY, NULL},
    {{F("iif", "iif"), NO, F("", "if")}, 3, 3,
     "SQLite's iif() tests any value for truth, CASE WHEN needs a boolean"},
    {{F("", "iif"), T("", "CASE WHEN $1 THEN $2 ELSE $3 END"), F("if", "if")}, 3, 3, NULL},
    /* strings */
    {{F("length", "length"), F("length char_length character_length", "length"),
      F("char_length character_length", "char_length")}, 1, 1, NULL},
    {{T("octet_length", "length(CAST($1 AS BLOB))"), F("octet_length", "octet_length"),
      F("length octet_length", "octet_length")}, 1, 1, NULL},
    {{F("lower", "lower"), F("lower", "lower"), F("lower lcase", "lower")}, 1, 1, NULL},
    {{F("upper", "upper"), F("upper", "upper"), F("upper ucase", "upper")}, 1, 1, NULL},
    {{F("trim", "trim"), F("btrim", "btrim"), F("trim", "trim")}, 1, 1, NULL},
    {{F("trim", "trim"), F("btrim", "btrim"), NO}, 2, 2,
     "MySQL's TRIM removes a string, not a set of characters"},
    {SAME("ltrim"), 1, 1, NULL},
    {SAME("rtrim"), 1, 1, NULL},
    {{F("ltrim", "ltrim"), F("ltrim", "ltrim"), NO}, 2, 2,
     "MySQL's ltrim() takes no set of characters"},
    {{F("rtrim", "rtrim"), F("rtrim", "rtrim"), NO}, 2, 2,
     "MySQL's rtrim() takes no set of characters"},
    {SAME("replace"), 3, 3, NULL},
    {{F("substr", "substr"), F("substr", "substr"), F("substr mid", "substr")}, 2, 3, NULL},
    {{F("substring", "substr"), F("substring", "substring"), F("substring", "substring")}, 2, 3, NULL},
    {{F("instr", "instr"), F("strpos", "strpos"), F("instr", "instr")}, 2, 2, NULL},
    {{T("", "instr($2, $1)"), T("", "strpos($2, $1)"), F("locate", "locate")}, 2, 2, NULL},
    {{F("concat", "concat"), F("", "concat"), T("", "concat_ws('', $*)")}, 1, -1, NULL},
    {{T("", "($c)"), F("concat", "concat"), T("", "concat_ws('', $*)")}, 1, -1, NULL},
    {{T("", "($|)"), T("", "($|)"), F("concat", "concat")}, 1, -1, NULL},
    {SAME("concat_ws"), 2, -1, NULL},
    {{T("", "substr($1, 1, $2)"), F("left", "left"), F("left", "left")}, 2, 2, NULL},
    {{NO, F("right", "right"), F("right", "right")}, 2, 2, "SQLite has no right()"},
    {{NO, F("reverse", "reverse"), F("reverse", "reverse")}, 1, 1, "SQLite has no reverse()"},
    {{NO, F("repeat", "repeat"), F("repeat", "repeat")}, 2, 2, "SQLite has no repeat()"},
    {{NO, F("lpad", "lpad"), F("lpad", "lpad")}, 3, 3, "SQLite has no lpad()"},
    {{NO, F("rpad", "rpad"), F("rpad", "rpad")}, 3, 3, "SQLite has no rpad()"},
    /* numbers */
    {SAME("abs"), 1, 1, NULL},     {SAME("acos"), 1, 1, NULL},   {SAME("asin"), 1, 1, NULL},
    {SAME("atan"), 1, 1, NULL},    {SAME("atan2"), 2, 2, NULL},  {SAME("ceil"), 1, 1, NULL},
    {SAME("ceiling"), 1, 1, NULL}, {SAME("cos"), 1, 1, NULL},    {SAME("degrees"), 1, 1, NULL},
    {SAME("exp"), 1, 1, NULL},     {SAME("floor"), 1, 1, NULL},  {SAME("ln"), 1, 1, NULL},
    {SAME("log10"), 1, 1, NULL},   {SAME("mod"), 2, 2, NULL},    {SAME("pi"), 0, 0, NULL},
    {SAME("radians"), 1, 1, NULL}, {SAME("sign"), 1, 1, NULL},   {SAME("sin"), 1, 1, NULL},
    {SAME("sqrt"), 1, 1, NULL},    {SAME("tan"), 1, 1, NULL},
    {{F("log", "log"), F("log", "log"), F("", "log10")}, 1, 1, NULL},
    {{F("", "ln"), F("", "ln"), F("log", "log")}, 1, 1, NULL},
    {SAME("log"), 2, 2, NULL},
    {{F("log2", "log2"), T("", "log(2, $1)"), F("log2", "log2")}, 1, 1, NULL},
    {{F("pow power", "power"), F("power", "power"), F("pow power", "power")}, 2, 2, NULL},
    {{F("round", "round"), T("", "round(CAST($1 AS numeric), $2)"), F("round", "round")}, 2, 2, NULL},
    {SAME("round"), ANY, NULL},
    {{F("trunc", "trunc"), F("trunc", "trunc"), T("", "truncate($1, 0)")}, 1, 1, NULL},
    {{NO, F("trunc", "trunc"), F("truncate", "truncate")}, 2, 2, "SQLite's trunc() takes no scale"},
    /* the current date and time (see the notes above) */
    {{K("current_timestamp", "CURRENT_TIMESTAMP"), K("", PG_NOW_UTC),
      K("utc_timestamp", "UTC_TIMESTAMP(6)")}, 0, 1, NULL},
    {{K("", "CURRENT_TIMESTAMP"),
      K("now current_timestamp transaction_timestamp statement_timestamp", "CURRENT_TIMESTAMP"),
      K("", "CURRENT_TIMESTAMP(6)")}, 0, 1, NULL},
    {{K("", "CURRENT_TIMESTAMP"), K("localtimestamp", "LOCALTIMESTAMP"),
      K("now current_timestamp localtimestamp localtime sysdate", "CURRENT_TIMESTAMP(6)")},
     0, 1, NULL},
    {{K("current_date", "CURRENT_DATE"), K("", "(" PG_NOW_UTC "::date)"),
      K("utc_date", "UTC_DATE()")}, 0, 0, NULL},
    {{K("", "CURRENT_DATE"), K("current_date", "CURRENT_DATE"),
      K("curdate current_date", "CURRENT_DATE")}, 0, 0, NULL},
    {{K("current_time", "CURRENT_TIME"), K("", PG_TIME_UTC), K("utc_time", "UTC_TIME()")},
     0, 1, NULL},
    {{K("", "CURRENT_TIME"), K("localtime current_time", "LOCALTIME"),
      K("curtime current_time", "CURRENT_TIME")}, 0, 1, NULL},
    {{F("", "date"), T("", "CAST($1 AS date)"), F("date", "date")}, 1, 1, NULL},
    /* uuids */
    {{NO, F("gen_random_uuid uuid_generate_v4", "gen_random_uuid"), F("uuid", "uuid")}, 0, 0,
     "SQLite has no function making a uuid"},
};

/* name_in — name (lower case) is one of the space-separated names. */
static int name_in(const char *names, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = names; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, name, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* sqlexpr_fn_find — the first row whose cell for dialect from accepts name
 * (any case) with nargs arguments; NULL when none does. *name_known is set
 * when a row accepts the name with another number of arguments. */
const fn_row *sqlexpr_fn_find(sql_dialect from, const char *name, int nargs, int *name_known)
{
    char low[40];
    if (name_known) *name_known = 0;
    if (sqlexpr_case(low, sizeof low, name, 0) != 0) return NULL;
    for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++) {
        const fn_row *r = &fns[k];
        if (!name_in(r->d[DI(from)].names, low)) continue;
        if (nargs < r->min_args || (r->max_args >= 0 && nargs > r->max_args)) {
            if (name_known) *name_known = 1;
            continue;
        }
        return r;
    }
    return NULL;
}

/* sqlexpr_fn_has_target — some row accepts name (any case) in dialect from
 * and has a spelling in dialect to, for any number of arguments. */
int sqlexpr_fn_has_target(sql_dialect from, sql_dialect to, const char *name)
{
    char low[40];
    if (sqlexpr_case(low, sizeof low, name, 0) != 0) return 0;
    for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++)
        if (name_in(fns[k].d[DI(from)].names, low) && fns[k].d[DI(to)].emit) return 1;
    return 0;
}
