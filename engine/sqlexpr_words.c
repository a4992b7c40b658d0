/* sqlexpr_words.c — the SQL vocabulary the translator knows: the words
 * that are always keywords in each dialect's input, CAST type names (read
 * in each dialect, written for each target), and where each dialect's
 * operators sit on one precedence scale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* ------------------------------------------------------------- keywords */

/* Words that are always keywords in a dialect's input (upper case, kept
 * sorted for bsearch). Type names are not among them: they are keywords
 * only inside CAST(... AS type), and window-frame words only in their
 * context (see word_role in sqlexpr.c). PostgreSQL's catalog prints every
 * other keyword that could be a name quoted; MySQL's quotes every name. */
static const char *const kw_sqlite[] = {
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "COLLATE", "CROSS",
    "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DESC", "DISTINCT", "ELSE",
    "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FROM", "FULL", "GLOB", "GROUP",
    "HAVING", "IN", "INDEXED", "INNER", "INTERSECT", "IS", "ISNULL", "JOIN", "LEFT",
    "LIKE", "LIMIT", "MATCH", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "OR",
    "ORDER", "OUTER", "RECURSIVE", "REGEXP", "RIGHT", "SELECT", "THEN", "TRUE", "UNION",
    "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH",
};

static const char *const kw_pg[] = {
    "ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "BETWEEN", "BOTH", "BY",
    "CASE", "CAST", "COLLATE", "CROSS", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE",
    "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DESC",
    "DISTINCT", "ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FETCH", "FOR",
    "FROM", "FULL", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INTERSECT", "INTERVAL",
    "IS", "ISNULL", "JOIN", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT", "LOCALTIME",
    "LOCALTIMESTAMP", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "ONLY", "OR",
    "ORDER", "OUTER", "RECURSIVE", "RIGHT", "SELECT", "SESSION_USER", "SIMILAR", "SOME",
    "SYMMETRIC", "THEN", "TRAILING", "TRUE", "UNION", "USER", "USING", "VALUES", "WHEN",
    "WHERE", "WINDOW", "WITH",
};

static const char *const kw_mysql[] = {
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BINARY", "BOTH", "BY", "CASE", "CAST",
    "COLLATE", "CROSS", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
    "CURRENT_USER", "DESC", "DISTINCT", "DIV", "DUAL", "ELSE", "END", "ESCAPE", "EXCEPT",
    "EXISTS", "FALSE", "FOR", "FROM", "GROUP", "HAVING", "IN", "INNER", "INTERSECT",
    "INTERVAL", "IS", "JOIN", "LEADING", "LEFT", "LIKE", "LIMIT", "LOCALTIME",
    "LOCALTIMESTAMP", "MOD", "NATURAL", "NOT", "NULL", "OFFSET", "ON", "OR", "ORDER",
    "OUTER", "RECURSIVE", "REGEXP", "RIGHT", "RLIKE", "SELECT", "SEPARATOR", "SOUNDS",
    "STRAIGHT_JOIN", "THEN", "TRAILING", "TRUE", "UNION", "UNKNOWN", "USING", "UTC_DATE",
    "UTC_TIME", "UTC_TIMESTAMP", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH", "XOR",
};

/* kw_cmp — bsearch comparison of a word with a keyword list entry. */
static int kw_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* sqlexpr_is_keyword — U (upper case) is in dialect d's keyword list. */
int sqlexpr_is_keyword(sql_dialect d, const char *U)
{
    const char *const *list = d == SQL_POSTGRESQL ? kw_pg : d == SQL_MYSQL ? kw_mysql : kw_sqlite;
    size_t n = d == SQL_POSTGRESQL ? sizeof kw_pg / sizeof kw_pg[0]
             : d == SQL_MYSQL      ? sizeof kw_mysql / sizeof kw_mysql[0]
                                   : sizeof kw_sqlite / sizeof kw_sqlite[0];
    return bsearch(U, list, n, sizeof list[0], kw_cmp) != NULL;
}

/* sqlexpr_word_is — t is the bare word U (any case). */
int sqlexpr_word_is(const tok *t, const char *U)
{
    return t->kind == TK_WORD && sqlexpr_casecmp(t->val, U) == 0;
}

/* sqlexpr_tok_op — t is the operator op. */
int sqlexpr_tok_op(const tok *t, const char *op)
{
    return t->kind == TK_OP && strcmp(t->val, op) == 0;
}

/* ------------------------------------------------------------ CAST types */

/* A named type of PostgreSQL or MySQL and its kind (lower case; multi-word
 * names with single spaces). */
typedef struct type_name {
    const char *name;
    cast_kind   kind;
} type_name;

static const type_name pg_types[] = {
    {"smallint", CK_INT}, {"int2", CK_INT}, {"integer", CK_INT}, {"int", CK_INT},
    {"int4", CK_INT}, {"bigint", CK_INT}, {"int8", CK_INT},
    {"numeric", CK_DECIMAL}, {"decimal", CK_DECIMAL},
    {"real", CK_FLOAT}, {"float4", CK_FLOAT}, {"double precision", CK_FLOAT},
    {"float8", CK_FLOAT}, {"float", CK_FLOAT},
    {"text", CK_TEXT}, {"varchar", CK_TEXT}, {"character varying", CK_TEXT},
    {"character", CK_TEXT}, {"char", CK_TEXT}, {"bpchar", CK_TEXT}, {"name", CK_TEXT},
    {"citext", CK_TEXT},
    {"bytea", CK_BYTES}, {"boolean", CK_BOOL}, {"bool", CK_BOOL}, {"date", CK_DATE},
    {"time", CK_TIME}, {"time without time zone", CK_TIME},
    {"timestamp", CK_TIMESTAMP}, {"timestamp without time zone", CK_TIMESTAMP},
    {"timestamptz", CK_TIMESTAMPTZ}, {"timestamp with time zone", CK_TIMESTAMPTZ},
    {"uuid", CK_UUID}, {"json", CK_JSON}, {"jsonb", CK_JSON},
};

static const type_name my_types[] = {
    {"signed", CK_INT}, {"signed integer", CK_INT}, {"signed int", CK_INT},
    {"unsigned", CK_INT}, {"unsigned integer", CK_INT}, {"unsigned int", CK_INT},
    {"integer", CK_INT}, {"int", CK_INT},
    {"decimal", CK_DECIMAL}, {"dec", CK_DECIMAL}, {"numeric", CK_DECIMAL}, {"fixed", CK_DECIMAL},
    {"double", CK_FLOAT}, {"double precision", CK_FLOAT}, {"float", CK_FLOAT}, {"real", CK_FLOAT},
    {"char", CK_TEXT}, {"nchar", CK_TEXT}, {"character", CK_TEXT}, {"varchar", CK_TEXT},
    {"binary", CK_BYTES}, {"date", CK_DATE}, {"time", CK_TIME}, {"datetime", CK_TIMESTAMP},
    {"json", CK_JSON},
};

/* add_word — append w to the normalised type text (lower case, single
 * spaces). */
static void add_word(cast_type *ct, const char *w)
{
    size_t len = strlen(ct->text);
    if (len && len + 1 < sizeof ct->text) ct->text[len++] = ' ';
    for (; *w && len + 1 < sizeof ct->text; w++) ct->text[len++] = (char)a_lower((unsigned char)*w);
    ct->text[len] = '\0';
}

/* type_params — read "(p[, s])" at j into ct; returns the index after it. */
static int type_params(const toklist *tl, int j, cast_type *ct)
{
    const tok *t = tl->v;
    int close = tl->match[j];
    if (j + 1 < close && t[j + 1].kind == TK_NUMBER) ct->p = atoi(t[j + 1].val);
    if (j + 3 < close && t[j + 2].kind == TK_COMMA && t[j + 3].kind == TK_NUMBER)
        ct->s = atoi(t[j + 3].val);
    size_t len = strlen(ct->text);
    if (ct->p >= 0 && ct->s >= 0) snprintf(ct->text + len, sizeof ct->text - len, "(%d,%d)", ct->p, ct->s);
    else if (ct->p >= 0) snprintf(ct->text + len, sizeof ct->text - len, "(%d)", ct->p);
    return close + 1;
}

/* lookup — the kind of the normalised name (without parameters) in a
 * table. */
static cast_kind lookup(const type_name *tab, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(tab[k].name, name)) return tab[k].kind;
    return CK_NONE;
}

/* sqlexpr_cast_parse — the type name in tokens [lo, hi) as dialect d reads
 * it. SQLite takes every word up to hi and applies its affinity rules (INT
 * -> integer, CHAR/CLOB/TEXT -> text, BLOB or none -> blob,
 * REAL/FLOA/DOUB -> real, anything else numeric). PostgreSQL reads a
 * possibly qualified name, the multi-word forms, (p[,s]) and [] (an array:
 * CK_NONE). MySQL reads SIGNED/UNSIGNED [INTEGER], CHAR(n) [CHARSET x]
 * [COLLATE x], DECIMAL(p,s), ... Returns the number of tokens spanned. */
int sqlexpr_cast_parse(sql_dialect d, const toklist *tl, int lo, int hi, cast_type *ct)
{
    const tok *t = tl->v;
    memset(ct, 0, sizeof *ct);
    ct->p = ct->s = -1;
    if (d == SQL_SQLITE) {
        char U[256] = "";
        size_t len = 0;
        for (int j = lo; j < hi; j++)
            if (t[j].kind == TK_WORD || t[j].kind == TK_QUOTED) {
                if (len && len + 1 < sizeof U) U[len++] = ' ';
                for (const char *p = t[j].val; *p && len + 1 < sizeof U; p++)
                    U[len++] = (char)a_upper((unsigned char)*p);
                U[len] = '\0';
            }
        snprintf(ct->text, sizeof ct->text, "%.*s", (int)sizeof ct->text - 1, U);
        if (strstr(U, "INT")) ct->kind = CK_INT;
        else if (strstr(U, "CHAR") || strstr(U, "CLOB") || strstr(U, "TEXT")) ct->kind = CK_TEXT;
        else if (strstr(U, "BLOB") || !*U) ct->kind = CK_BYTES;
        else if (strstr(U, "REAL") || strstr(U, "FLOA") || strstr(U, "DOUB")) ct->kind = CK_FLOAT;
        else ct->kind = CK_DECIMAL;
        return hi - lo;
    }
    int j = lo;
    if (j >= hi || (t[j].kind != TK_WORD && t[j].kind != TK_QUOTED)) return 0;
    char name[64] = "";
    int qualified = 0;
    snprintf(name, sizeof name, "%s", t[j].val);
    j++;
    while (d == SQL_POSTGRESQL && j + 1 < hi && t[j].kind == TK_DOT &&
           (t[j + 1].kind == TK_WORD || t[j + 1].kind == TK_QUOTED)) {
        qualified = !sqlexpr_casecmp(name, "pg_catalog") ? qualified : 1;
        snprintf(name, sizeof name, "%s", t[j + 1].val);
        j += 2;
    }
    add_word(ct, name);
    /* multi-word names */
    static const char *const pairs[][2] = {
        {"character", "varying"}, {"char", "varying"}, {"double", "precision"},
        {"signed", "integer"}, {"signed", "int"}, {"unsigned", "integer"}, {"unsigned", "int"},
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
        if (!strcmp(ct->text, pairs[k][0]) && j < hi && sqlexpr_word_is(&t[j], pairs[k][1])) {
            add_word(ct, pairs[k][1]);
            j++;
            break;
        }
    char base[64];
    snprintf(base, sizeof base, "%s", ct->text);
    if (j < hi && t[j].kind == TK_LPAREN) j = type_params(tl, j, ct);
    if (d == SQL_POSTGRESQL) {
        if ((!strcmp(base, "timestamp") || !strcmp(base, "time")) && j + 2 < hi &&
            (sqlexpr_word_is(&t[j], "with") || sqlexpr_word_is(&t[j], "without")) &&
            sqlexpr_word_is(&t[j + 1], "time") && sqlexpr_word_is(&t[j + 2], "zone")) {
            int with = sqlexpr_word_is(&t[j], "with");
            snprintf(base, sizeof base, "%s", base[1] == 'i' && base[4] != 's'
                     ? (with ? "time with time zone" : "time without time zone")
                     : (with ? "timestamp with time zone" : "timestamp without time zone"));
            add_word(ct, t[j].val);
            add_word(ct, "time zone");
            j += 3;
        }
        int array = 0;
        while (j < hi && sqlexpr_tok_op(&t[j], "[")) {
            array = 1;
            while (j < hi && !sqlexpr_tok_op(&t[j], "]")) j++;
            if (j < hi) j++;
            add_word(ct, "[]");
        }
        ct->kind = array || qualified ? CK_NONE : lookup(pg_types, sizeof pg_types / sizeof pg_types[0], base);
        return j - lo;
    }
    /* MySQL: [CHARSET x | CHARACTER SET x | ASCII | UNICODE] [COLLATE x] [ARRAY] */
    ct->kind = lookup(my_types, sizeof my_types / sizeof my_types[0], base);
    ct->unsigned_ = !strncmp(base, "unsigned", 8);
    while (j < hi) {
        if ((sqlexpr_word_is(&t[j], "charset") || sqlexpr_word_is(&t[j], "collate")) && j + 1 < hi) {
            j += 2;
        } else if (sqlexpr_word_is(&t[j], "character") && j + 2 < hi && sqlexpr_word_is(&t[j + 1], "set")) {
            j += 3;
        } else if (sqlexpr_word_is(&t[j], "ascii") || sqlexpr_word_is(&t[j], "unicode") ||
                   sqlexpr_word_is(&t[j], "binary")) {
            j++;
        } else {
            break;
        }
    }
    return j - lo;
}

/* sqlexpr_cast_target — the CAST type for ct in dialect d into buf (size
 * n); -1 when d has no type of the same meaning:
 *   kind        SQLite    PostgreSQL         MySQL
 *   int         INTEGER   bigint             SIGNED
 *   decimal     NUMERIC   numeric[(p,s)]     DECIMAL(p,s) (DECIMAL(65,30) without)
 *   float       REAL      double precision   DOUBLE
 *   text        TEXT      text / varchar(n)  CHAR / CHAR(n)
 *   bytes       BLOB      bytea              BINARY
 *   bool        -         boolean            -
 *   date        -         date               DATE
 *   time        -         time               TIME(6)
 *   timestamp   -         timestamp          DATETIME(6)
 *   timestamptz -         timestamptz        -
 *   uuid        TEXT      uuid               CHAR(36)
 *   json        TEXT      jsonb              -
 * SQLite has no date/time types (CAST to TEXT would not cut a timestamp
 * to its date) and does not cut text to a length; MySQL's CAST knows no
 * boolean nor JSON on MariaDB, and its DECIMAL without a precision is
 * DECIMAL(10,0). An UNSIGNED cast wraps negative values: refused. */
int sqlexpr_cast_target(sql_dialect from, sql_dialect d, const cast_type *ct, char *buf, size_t n)
{
    static const char *const names[CK__COUNT][3] = {
        [CK_INT]         = {"INTEGER", "bigint", "SIGNED"},
        [CK_DECIMAL]     = {"NUMERIC", "numeric", "DECIMAL"},
        [CK_FLOAT]       = {"REAL", "double precision", "DOUBLE"},
        [CK_TEXT]        = {"TEXT", "text", "CHAR"},
        [CK_BYTES]       = {"BLOB", "bytea", "BINARY"},
        [CK_BOOL]        = {NULL, "boolean", NULL},
        [CK_DATE]        = {NULL, "date", "DATE"},
        [CK_TIME]        = {NULL, "time", "TIME(6)"},
        [CK_TIMESTAMP]   = {NULL, "timestamp", "DATETIME(6)"},
        [CK_TIMESTAMPTZ] = {NULL, "timestamptz", NULL},
        [CK_UUID]        = {"TEXT", "uuid", "CHAR(36)"},
        [CK_JSON]        = {"TEXT", "jsonb", NULL},
    };
    const char *base = ct->kind ? names[ct->kind][DI(d)] : NULL;
    if (!base || ct->unsigned_) return -1;
    int p = from == SQL_SQLITE ? -1 : ct->p, s = from == SQL_SQLITE ? -1 : ct->s;
    switch (ct->kind) {
    case CK_DECIMAL:
        if (d == SQL_MYSQL && p < 0) snprintf(buf, n, "DECIMAL(65,30)");
        else if (d != SQL_SQLITE && p >= 0 && s >= 0) snprintf(buf, n, "%s(%d,%d)", base, p, s);
        else if (d != SQL_SQLITE && p >= 0) snprintf(buf, n, "%s(%d)", base, p);
        else snprintf(buf, n, "%s", base);
        return 0;
    case CK_TEXT:
        if (p >= 0 && d == SQL_SQLITE) return -1;
        if (p >= 0) snprintf(buf, n, "%s(%d)", d == SQL_POSTGRESQL ? "varchar" : base, p);
        else snprintf(buf, n, "%s", base);
        return 0;
    default:
        snprintf(buf, n, "%s", base);
        return 0;
    }
}

/* ----------------------------------------------------- operator precedence */

/* An operator of one dialect: its tokens (words or one symbol) and its
 * precedence. */
typedef struct op_def {
    const char *w[4];
    int         prec;
} op_def;

static const op_def ops_sqlite[] = {
    {{"OR"}, P_OR}, {{"AND"}, P_AND},
    {{"IS", "NOT", "DISTINCT", "FROM"}, P_EQ}, {{"IS", "DISTINCT", "FROM"}, P_EQ},
    {{"IS", "NOT"}, P_EQ}, {{"IS"}, P_EQ},
    {{"NOT", "IN"}, P_EQ}, {{"NOT", "LIKE"}, P_EQ}, {{"NOT", "GLOB"}, P_EQ},
    {{"NOT", "MATCH"}, P_EQ}, {{"NOT", "REGEXP"}, P_EQ}, {{"NOT", "BETWEEN"}, P_EQ},
    {{"IN"}, P_EQ}, {{"LIKE"}, P_EQ}, {{"GLOB"}, P_EQ}, {{"MATCH"}, P_EQ}, {{"REGEXP"}, P_EQ},
    {{"BETWEEN"}, P_EQ}, {{"="}, P_EQ}, {{"=="}, P_EQ}, {{"!="}, P_EQ}, {{"<>"}, P_EQ},
    {{"<"}, P_CMP}, {{"<="}, P_CMP}, {{">"}, P_CMP}, {{">="}, P_CMP}, {{"ESCAPE"}, P_CMP},
    {{"&"}, P_BITAND}, {{"|"}, P_BITAND}, {{"<<"}, P_BITAND}, {{">>"}, P_BITAND},
    {{"+"}, P_ADD}, {{"-"}, P_ADD}, {{"*"}, P_MUL}, {{"/"}, P_MUL}, {{"%"}, P_MUL},
    {{"||"}, P_CONCAT}, {{"->"}, P_CONCAT}, {{"->>"}, P_CONCAT}, {{"COLLATE"}, P_COLLATE},
};

static const op_def ops_pg[] = {
    {{"OR"}, P_OR}, {{"AND"}, P_AND},
    {{"IS", "NOT", "DISTINCT", "FROM"}, P_IS}, {{"IS", "DISTINCT", "FROM"}, P_IS},
    {{"IS", "NOT"}, P_IS}, {{"IS"}, P_IS},
    {{"NOT", "IN"}, P_LIKE}, {{"NOT", "LIKE"}, P_LIKE}, {{"NOT", "ILIKE"}, P_LIKE},
    {{"NOT", "BETWEEN"}, P_LIKE}, {{"NOT", "SIMILAR", "TO"}, P_LIKE}, {{"SIMILAR", "TO"}, P_LIKE},
    {{"IN"}, P_LIKE}, {{"LIKE"}, P_LIKE}, {{"ILIKE"}, P_LIKE}, {{"BETWEEN"}, P_LIKE},
    {{"ESCAPE"}, P_LIKE},
    {{"="}, P_CMP}, {{"!="}, P_CMP}, {{"<>"}, P_CMP}, {{"<"}, P_CMP}, {{"<="}, P_CMP},
    {{">"}, P_CMP}, {{">="}, P_CMP},
    {{"+"}, P_ADD}, {{"-"}, P_ADD}, {{"*"}, P_MUL}, {{"/"}, P_MUL}, {{"%"}, P_MUL},
    {{"^"}, P_POW}, {{"AT"}, P_CONCAT}, {{"COLLATE"}, P_COLLATE}, {{"::"}, P_CAST},
};

static const op_def ops_mysql[] = {
    {{"OR"}, P_OR}, {{"||"}, P_OR}, {{"XOR"}, P_XOR}, {{"AND"}, P_AND}, {{"&&"}, P_AND},
    {{"NOT", "BETWEEN"}, P_BETWEEN}, {{"BETWEEN"}, P_BETWEEN},
    {{"IS", "NOT"}, P_EQ}, {{"IS"}, P_EQ},
    {{"NOT", "IN"}, P_EQ}, {{"NOT", "LIKE"}, P_EQ}, {{"NOT", "REGEXP"}, P_EQ},
    {{"NOT", "RLIKE"}, P_EQ}, {{"SOUNDS", "LIKE"}, P_EQ},
    {{"IN"}, P_EQ}, {{"LIKE"}, P_EQ}, {{"REGEXP"}, P_EQ}, {{"RLIKE"}, P_EQ}, {{"ESCAPE"}, P_EQ},
    {{"="}, P_EQ}, {{"<=>"}, P_EQ}, {{"!="}, P_EQ}, {{"<>"}, P_EQ}, {{"<"}, P_EQ},
    {{"<="}, P_EQ}, {{">"}, P_EQ}, {{">="}, P_EQ},
    {{"|"}, P_BITOR}, {{"&"}, P_BITAND}, {{"<<"}, P_SHIFT}, {{">>"}, P_SHIFT},
    {{"+"}, P_ADD}, {{"-"}, P_ADD}, {{"*"}, P_MUL}, {{"/"}, P_MUL}, {{"%"}, P_MUL},
    {{"DIV"}, P_MUL}, {{"MOD"}, P_MUL}, {{"^"}, P_POW}, {{"->"}, P_CONCAT},
    {{"->>"}, P_CONCAT}, {{"COLLATE"}, P_COLLATE},
};

/* tok_matches — token t is the word or symbol w. */
static int tok_matches(const tok *t, const char *w)
{
    if (a_alpha((unsigned char)w[0])) return sqlexpr_word_is(t, w);
    return t->kind == TK_OP && !strcmp(t->val, w);
}

/* sqlexpr_binop — the binary operator of dialect d starting at token j:
 * its precedence and, in *len, its number of tokens; P_NONE when there is
 * none. PostgreSQL's operators not listed (||, ~~, @>, ...) all share
 * P_OTHER, as in PostgreSQL. */
int sqlexpr_binop(sql_dialect d, const toklist *tl, int j, int hi, int *len)
{
    const op_def *ops = d == SQL_POSTGRESQL ? ops_pg : d == SQL_MYSQL ? ops_mysql : ops_sqlite;
    size_t n = d == SQL_POSTGRESQL ? sizeof ops_pg / sizeof ops_pg[0]
             : d == SQL_MYSQL      ? sizeof ops_mysql / sizeof ops_mysql[0]
                                   : sizeof ops_sqlite / sizeof ops_sqlite[0];
    for (size_t k = 0; k < n; k++) {
        int m = 0;
        while (m < 4 && ops[k].w[m]) m++;
        if (j + m > hi) continue;
        int ok = 1;
        for (int q = 0; q < m && ok; q++) ok = tok_matches(&tl->v[j + q], ops[k].w[q]);
        if (ok) {
            *len = m;
            return ops[k].prec;
        }
    }
    if (d == SQL_POSTGRESQL && tl->v[j].kind == TK_OP && strcmp(tl->v[j].val, "[") &&
        strcmp(tl->v[j].val, "]") && strcmp(tl->v[j].val, ":") && strcmp(tl->v[j].val, ";")) {
        *len = 1;
        return P_OTHER;
    }
    *len = 0;
    return P_NONE;
}

/* sqlexpr_binop_ending — the operator of dialect d whose last token is j
 * (the longest one starting no earlier than lo); *start gets its first
 * token. */
int sqlexpr_binop_ending(sql_dialect d, const toklist *tl, int lo, int j, int *start)
{
    for (int s = j - 3 < lo ? lo : j - 3; s <= j; s++) {
        int len, p = sqlexpr_binop(d, tl, s, j + 1, &len);
        if (p && s + len == j + 1) {
            *start = s;
            return p;
        }
    }
    return P_NONE;
}
