/* sqlexpr.c — translating expressions and SELECT statements (CHECK
 * expressions, partial-index predicates, index expressions, view SELECTs)
 * between SQLite, PostgreSQL and MySQL/MariaDB, token by token, and
 * quoting for each of them; what has no faithful equivalent in the target
 * is refused with a one-line reason. The tokenizers are in sqlexpr_lex.c,
 * literal values in sqlexpr_literal.c, keywords, CAST types and operator
 * precedence in sqlexpr_words.c, the function table in sqlexpr_funcs.c,
 * the operator rewrites (LIKE, IS, ||, ::, <=>, ...) in sqlexpr_ops.c,
 * column defaults in sqlexpr_default.c.
 *
 * DESIGN
 * An expression is re-emitted token by token, recursively per
 * parenthesised group: identifiers go through the caller's resolver and
 * are always quoted for the target, keywords are upper-cased, literals are
 * re-written in the target's syntax, function calls go through the
 * mapping table, and the operators whose spelling or meaning differs are
 * rewritten; a few rewrites need the extent of an operand (a || b becomes
 * concat(a, b) on MySQL): the right one is found by scanning ahead with
 * the source's precedence, the left one, already written, by scanning back
 * and inserting before its recorded output position (mark[]). Output keeps
 * one space where the input had whitespace or a comment. A same-dialect
 * pair goes through the same walk with every rewrite off: only the names
 * change. The target engine stays the final judge of what is emitted (the
 * caller reports a failing object as skipped).
 *
 * Reasons (*why) point to a thread-local buffer valid until the next call
 * into this module on the same thread. Everything here is thread-safe. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* sqlexpr_dialect_name — "SQLite", "PostgreSQL", "MySQL". */
const char *sqlexpr_dialect_name(sql_dialect d)
{
    switch (d) {
    case SQL_SQLITE:     return "SQLite";
    case SQL_POSTGRESQL: return "PostgreSQL";
    case SQL_MYSQL:      return "MySQL";
    }
    return "?";
}

/* ---------------------------------------------------------------- quoting */

/* quote_doubled — append s (NULL as "") between two q, each q inside
 * doubled. */
static void quote_doubled(strbuf *out, const char *s, char q)
{
    strbuf_addc(out, q);
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == q) strbuf_addc(out, q);
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, q);
}

/* pg_quote_ident — append name double-quoted, embedded quotes doubled.
 * Always quoted, so case and reserved words never matter. */
void pg_quote_ident(strbuf *out, const char *name)
{
    quote_doubled(out, name, '"');
}

/* pg_quote_literal — append s as '...' with embedded quotes doubled. This is
 * exact because standard_conforming_strings is on (the default since
 * PostgreSQL 9.1): backslashes in a plain '...' literal are ordinary
 * characters, so no E'...' form is needed. */
void pg_quote_literal(strbuf *out, const char *s)
{
    quote_doubled(out, s, '\'');
}

/* sqlexpr_quote_ident — "x" for PostgreSQL and SQLite, `x` for MySQL. */
void sqlexpr_quote_ident(sql_dialect d, strbuf *out, const char *name)
{
    quote_doubled(out, name, d == SQL_MYSQL ? '`' : '"');
}

/* sqlexpr_quote_literal — '...' with ' doubled; for MySQL a text holding
 * a backslash becomes concat('a', char(92 using utf8mb4), 'b'), which
 * reads the same with or without NO_BACKSLASH_ESCAPES (see sqlexpr.h). */
void sqlexpr_quote_literal(sql_dialect d, strbuf *out, const char *text)
{
    const char *s = text ? text : "";
    if (d != SQL_MYSQL || !strchr(s, '\\')) {
        quote_doubled(out, s, '\'');
        return;
    }
    strbuf_adds(out, "concat(");
    int first = 1;
    while (*s) {
        if (!first) strbuf_adds(out, ", ");
        first = 0;
        if (*s == '\\') {
            strbuf_adds(out, "char(92 using utf8mb4)");
            s++;
            continue;
        }
        const char *e = strchr(s, '\\');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char *piece = xstrndup(s, n);
        quote_doubled(out, piece, '\'');
        free(piece);
        s += n;
    }
    strbuf_addc(out, ')');
}

/* -------------------------------------------------- general expressions */

/* word_is, op_is — short names for the token tests. */
#define word_is sqlexpr_word_is
#define op_is   sqlexpr_tok_op

/* sqlexpr_ends_operand — an expression can end with t (so "t NOT NULL" is
 * the postfix test and "t LIKE (" the operator). */
int sqlexpr_ends_operand(sql_dialect d, const tok *t)
{
    char U[24];
    switch (t->kind) {
    case TK_NUMBER: case TK_STRING: case TK_BLOB: case TK_QUOTED: case TK_RPAREN:
        return 1;
    case TK_WORD:
        if (sqlexpr_case(U, sizeof U, t->val, 1) != 0) return 1;
        if (!strcmp(U, "NULL") || !strcmp(U, "TRUE") || !strcmp(U, "FALSE") ||
            !strcmp(U, "END") || !strncmp(U, "CURRENT_", 8) || !strncmp(U, "LOCALTIME", 9) ||
            !strncmp(U, "UTC_", 4))
            return 1;
        return !sqlexpr_is_keyword(d, U);
    case TK_OP:
        return !strcmp(t->val, "]");
    default:
        return 0;
    }
}

typedef enum role { R_IDENT, R_KEYWORD, R_FUNCTION } role;

/* keyword_call — U is a hard keyword that names a function before '('
 * (MySQL's left(), mod(), ...). */
static int keyword_call(const char *U)
{
    static const char *const calls[] = {"REPLACE", "LEFT", "RIGHT", "MOD", "INSERT", "CHAR"};
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++)
        if (!strcmp(U, calls[k])) return 1;
    return 0;
}

/* word_role — what the bare word at i is: keyword, function name (a word
 * before '('), or identifier. Window and CTE words are keywords only in
 * their context, so that columns may carry those names. */
static role word_role(const xl *x, int i, int lo, int hi, int flags, const xl_level *lv)
{
    const tok *t = x->tl->v;
    const tok *prev = i > lo ? &t[i - 1] : NULL, *next = i + 1 < hi ? &t[i + 1] : NULL;
    char U[24];
    if (prev && prev->kind == TK_DOT) return R_IDENT;
    if (sqlexpr_case(U, sizeof U, t[i].val, 1) != 0)
        return next && next->kind == TK_LPAREN && !lv->in_with ? R_FUNCTION : R_IDENT;
    int hard = sqlexpr_is_keyword(x->from, U);
    int after_call = prev && prev->kind == TK_RPAREN;
    if (next && next->kind == TK_LPAREN) {
        if (keyword_call(U) && (x->from != SQL_SQLITE || !strcmp(U, "REPLACE"))) return R_FUNCTION;
        if (!strcmp(U, "LIKE") || !strcmp(U, "GLOB") || !strcmp(U, "REGEXP") || !strcmp(U, "MATCH"))
            return prev && sqlexpr_ends_operand(x->from, prev) ? R_KEYWORD : R_FUNCTION;
        if (hard) return R_KEYWORD;
        if ((!strcmp(U, "OVER") || !strcmp(U, "FILTER")) && after_call) return R_KEYWORD;
        if (lv->in_with) return !strcmp(U, "MATERIALIZED") ? R_KEYWORD : R_IDENT;
        return R_FUNCTION;
    }
    if (hard) return R_KEYWORD;
    if (!strcmp(U, "OVER") && after_call) return R_KEYWORD;
    if (!strcmp(U, "PARTITION") && next && word_is(next, "BY")) return R_KEYWORD;
    if (!strcmp(U, "NULLS") && next && (word_is(next, "FIRST") || word_is(next, "LAST")))
        return R_KEYWORD;
    if ((!strcmp(U, "FIRST") || !strcmp(U, "LAST")) && prev && word_is(prev, "NULLS"))
        return R_KEYWORD;
    if (!strcmp(U, "MATERIALIZED") && lv->in_with) return R_KEYWORD;
    if (x->from == SQL_POSTGRESQL) {
        /* x AT TIME ZONE 'UTC' */
        if (!strcmp(U, "AT") && next && word_is(next, "TIME") && i + 2 < hi && word_is(&t[i + 2], "ZONE"))
            return R_KEYWORD;
        if (!strcmp(U, "TIME") && prev && word_is(prev, "AT") && next && word_is(next, "ZONE"))
            return R_KEYWORD;
        if (!strcmp(U, "ZONE") && prev && word_is(prev, "TIME") && i >= lo + 2 && word_is(&t[i - 2], "AT"))
            return R_KEYWORD;
        if ((!strcmp(U, "ROWS") || !strcmp(U, "ROW")) && prev && prev->kind == TK_NUMBER)
            return R_KEYWORD;
        /* x IS [NOT] JSON / DOCUMENT / NORMALIZED / UNKNOWN */
        if ((!strcmp(U, "JSON") || !strcmp(U, "DOCUMENT") || !strcmp(U, "NORMALIZED") ||
             !strcmp(U, "UNKNOWN")) && prev &&
            (word_is(prev, "IS") || (word_is(prev, "NOT") && i >= lo + 2 && word_is(&t[i - 2], "IS"))))
            return R_KEYWORD;
    }
    if (x->from == SQL_MYSQL && prev && word_is(prev, "USING") && !(next && next->kind == TK_LPAREN))
        return R_KEYWORD;                            /* convert(x USING utf8mb4), char(92 USING ...) */
    if (x->from == SQL_MYSQL && i >= lo + 2 && word_is(&t[i - 2], "INTERVAL"))
        return R_KEYWORD;                            /* INTERVAL 1 DAY */
    if (flags & XL_WINDOW) {
        if ((!strcmp(U, "ROWS") || !strcmp(U, "RANGE") || !strcmp(U, "GROUPS")) && next &&
            (next->kind == TK_NUMBER || word_is(next, "BETWEEN") || word_is(next, "UNBOUNDED") ||
             word_is(next, "CURRENT")))
            return R_KEYWORD;
        static const char *const frame[] = {"UNBOUNDED", "PRECEDING", "FOLLOWING", "CURRENT",
                                            "ROW", "EXCLUDE", "NO", "OTHERS", "TIES"};
        for (size_t k = 0; k < sizeof frame / sizeof frame[0]; k++)
            if (!strcmp(U, frame[k])) return R_KEYWORD;
    }
    return R_IDENT;
}

/* is_opchar — characters PostgreSQL's lexer glues into one operator. */
static int is_opchar(char c)
{
    return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

/* sqlexpr_xl_put — append s, preceded by one space when the token had
 * whitespace before it (or x->sep asks for one). Two operators are always
 * separated: PostgreSQL would read "%-" or "||-" as one operator. */
void sqlexpr_xl_put(xl *x, int space, const char *s)
{
    strbuf *o = x->out;
    if (!*s) return;
    if (o->len && x->sep >= 0) {
        char last = o->buf[o->len - 1];
        if ((space || x->sep > 0) && last != ' ') strbuf_addc(o, ' ');
        else if (is_opchar(last) && is_opchar(s[0])) strbuf_addc(o, ' ');
    }
    x->sep = 0;
    strbuf_adds(o, s);
}
#define xl_put sqlexpr_xl_put

/* sqlexpr_target — the target's display name, for reasons. */
const char *sqlexpr_target(const xl *x)
{
    return sqlexpr_dialect_name(x->to);
}

/* xl_spelling — the one spelling used for a name the resolver does not
 * know: the first one met, so that "FROM Artist A ... a.Name" keeps working
 * once quoted (SQLite and MySQL fold case, quoted names do not). */
static const char *xl_spelling(xl *x, const char *name)
{
    for (int i = 0; i < x->nnames; i++)
        if (x->from == SQL_POSTGRESQL ? strcmp(x->names[i], name) == 0
                                      : sqlexpr_casecmp(x->names[i], name) == 0)
            return x->names[i];
    if (x->nnames == x->cnames) {
        x->cnames = x->cnames ? x->cnames * 2 : 8;
        x->names = xrealloc(x->names, (size_t)x->cnames * sizeof *x->names);
    }
    return x->names[x->nnames++] = xstrdup(name);
}

/* xl_ident — append the name of token k, resolved and quoted for the
 * target, into q. Bare PostgreSQL names are folded to lower case first. */
static int xl_ident(xl *x, const tok *k, strbuf *q)
{
    char low[256];
    const char *name = k->val;
    if (x->from == SQL_POSTGRESQL && k->kind == TK_WORD && strlen(name) < sizeof low) {
        sqlexpr_case(low, sizeof low, name, 0);
        name = low;
    }
    const char *target = x->resolve ? x->resolve(x->ctx, name) : NULL;
    if (!target) {
        if (x->from == SQL_SQLITE && !x->same &&
            (!sqlexpr_casecmp(name, "rowid") || !sqlexpr_casecmp(name, "_rowid_") ||
             !sqlexpr_casecmp(name, "oid"))) {
            char cb[40];
            return sqlexpr_refuse(x->why, "%s has no %s equivalent",
                                  sqlexpr_clip(cb, sizeof cb, name), sqlexpr_target(x));
        }
        target = xl_spelling(x, name);
    }
    sqlexpr_quote_ident(x->to, q, target);
    return 0;
}

/* mysql_db_name — name is the first part of a three-part name somewhere
 * in the statement (db.table.column): a database name. */
static int mysql_db_name(const xl *x, const char *name)
{
    const tok *t = x->tl->v;
    for (int j = 0; j + 4 < x->tl->n; j++)
        if ((t[j].kind == TK_WORD || t[j].kind == TK_QUOTED) && t[j + 1].kind == TK_DOT &&
            (t[j + 2].kind == TK_WORD || t[j + 2].kind == TK_QUOTED) && t[j + 3].kind == TK_DOT &&
            (t[j + 4].kind == TK_WORD || t[j + 4].kind == TK_QUOTED) &&
            (j == 0 || t[j - 1].kind != TK_DOT) && sqlexpr_casecmp(t[j].val, name) == 0)
            return 1;
    return 0;
}

/* xl_name — an identifier or a dotted chain (schema.table.column, t.*) at
 * i; each part goes through the resolver. A leading SQLite schema name
 * ("main.", "temp.") is dropped: always in a three-part name, in a
 * two-part one when no table of that name is known; so is the database
 * name of a MySQL three-part name (db.table.column, as
 * VIEWS.VIEW_DEFINITION writes them), and of db.table after FROM, JOIN,
 * '(' or ',' when db is such a database name. */
static int xl_name(xl *x, int i, int hi, int *next)
{
    const tok *t = x->tl->v;
    int end = i + 1;
    while (end + 1 < hi && t[end].kind == TK_DOT &&
           (t[end + 1].kind == TK_WORD || t[end + 1].kind == TK_QUOTED || op_is(&t[end + 1], "*"))) {
        end += 2;
        if (op_is(&t[end - 1], "*")) break;
    }
    int first = i;
    if (x->from == SQL_SQLITE && end - i >= 3 &&
        (!sqlexpr_casecmp(t[i].val, "main") || !sqlexpr_casecmp(t[i].val, "temp")) &&
        (end - i >= 5 || !x->resolve || !x->resolve(x->ctx, t[i].val)))
        first = i + 2;
    if (x->from == SQL_MYSQL && end - i >= 5 && !op_is(&t[end - 1], "*"))
        first = i + 2;
    if (x->from == SQL_MYSQL && end - i == 3 && !op_is(&t[end - 1], "*") && i > 0 &&
        (word_is(&t[i - 1], "FROM") || word_is(&t[i - 1], "JOIN") || t[i - 1].kind == TK_LPAREN ||
         t[i - 1].kind == TK_COMMA) &&
        mysql_db_name(x, t[i].val))
        first = i + 2;
    strbuf q = STRBUF_INIT;
    int rc = 0;
    for (int p = first; p < end; p += 2) {
        if (p > first) xl_put(x, t[p - 1].space, ".");
        strbuf_reset(&q);
        if (op_is(&t[p], "*")) strbuf_addc(&q, '*');
        else if ((rc = xl_ident(x, &t[p], &q)) != 0) break;
        xl_put(x, p == first ? t[i].space : t[p].space, strbuf_cstr(&q));
    }
    strbuf_free(&q);
    *next = end;
    return rc;
}

/* find_top — index of the first token in [lo, hi) outside nested
 * parentheses that satisfies pred, or -1. */
static int find_top(const xl *x, int lo, int hi, int (*pred)(const tok *))
{
    for (int j = lo; j < hi; j++) {
        if (x->tl->v[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
        if (pred(&x->tl->v[j])) return j;
    }
    return -1;
}

/* is_comma, is_limit — predicates for find_top. */
static int is_comma(const tok *t) { return t->kind == TK_COMMA; }
static int is_limit(const tok *t) { return word_is(t, "LIMIT"); }

/* sqlexpr_xl_sub — translate [lo, hi) with no space before its first
 * token. */
int sqlexpr_xl_sub(xl *x, int lo, int hi, int flags)
{
    x->sep = -1;
    return sqlexpr_xl_range(x, lo, hi, flags);
}
#define xl_sub sqlexpr_xl_sub
#define xl_range sqlexpr_xl_range

/* xl_now — a niladic current date/time keyword at i (CURRENT_TIMESTAMP,
 * LOCALTIMESTAMP, UTC_DATE, ...), with an optional "(n)" after it, through
 * the function table. */
static int xl_now(xl *x, int i, int hi, int *next)
{
    const tok *t = x->tl->v;
    int nargs = 0, end = i + 1;
    if (end < hi && t[end].kind == TK_LPAREN && x->from != SQL_SQLITE) {
        /* PostgreSQL's CURRENT_TIMESTAMP(3), MySQL's current_timestamp(6) */
        int close = x->tl->match[end];
        nargs = close > end + 1;
        if (nargs && !(close == end + 2 && t[end + 1].kind == TK_NUMBER)) {
            char nb[40];
            return sqlexpr_refuse(x->why, "%s with an argument other than a precision",
                                  sqlexpr_clip(nb, sizeof nb, t[i].val));
        }
        end = close + 1;
    }
    *next = end;
    if (x->same) {
        char U[24];
        sqlexpr_case(U, sizeof U, t[i].val, 1);
        xl_put(x, t[i].space, U);
        if (end > i + 1) {
            xl_put(x, t[i + 1].space, "(");
            if (xl_sub(x, i + 2, end - 1, 0)) return -1;
            xl_put(x, t[end - 1].space, ")");
        }
        return 0;
    }
    int known = 0;
    const fn_row *r = sqlexpr_fn_find(x->from, t[i].val, nargs, &known);
    char nb[40];
    if (!r || !r->d[DI(x->to)].emit)
        return sqlexpr_refuse(x->why, "%s has no %s equivalent", sqlexpr_clip(nb, sizeof nb, t[i].val),
                              sqlexpr_target(x));
    xl_put(x, t[i].space, r->d[DI(x->to)].emit);
    return 0;
}

/* xl_collate — COLLATE name at i: only byte-order collations have a
 * counterpart (SQLite BINARY, PostgreSQL "C"/"POSIX", MySQL *_bin). */
static int xl_collate(xl *x, int i, int hi, int *next)
{
    const tok *t = x->tl->v;
    char cb[40];
    if (i + 1 >= hi || (t[i + 1].kind != TK_WORD && t[i + 1].kind != TK_QUOTED))
        return sqlexpr_refuse(x->why, "COLLATE without a collation name");
    *next = i + 2;
    const char *c = t[i + 1].val;
    if (x->same) {
        strbuf q = STRBUF_INIT;
        if (t[i + 1].kind == TK_QUOTED) sqlexpr_quote_ident(x->to, &q, c);
        else strbuf_adds(&q, c);
        xl_put(x, t[i].space, "COLLATE");
        xl_put(x, t[i + 1].space, strbuf_cstr(&q));
        strbuf_free(&q);
        return 0;
    }
    size_t n = strlen(c);
    int bytewise = x->from == SQL_SQLITE ? !sqlexpr_casecmp(c, "BINARY")
                 : x->from == SQL_POSTGRESQL ? !strcmp(c, "C") || !strcmp(c, "POSIX")
                 : (n > 4 && !sqlexpr_casecmp(c + n - 4, "_bin")) || !sqlexpr_casecmp(c, "binary");
    if (!bytewise)
        return sqlexpr_refuse(x->why, "collation %s has no %s equivalent",
                              sqlexpr_clip(cb, sizeof cb, c), sqlexpr_target(x));
    xl_put(x, t[i].space, "COLLATE");
    xl_put(x, t[i + 1].space, x->to == SQL_POSTGRESQL ? "\"C\"" : x->to == SQL_MYSQL ? "utf8mb4_bin" : "BINARY");
    return 0;
}

/* xl_limit — LIMIT at i. SQLite's and MySQL's "LIMIT offset, count"
 * becomes "LIMIT count OFFSET offset" for PostgreSQL; PostgreSQL's LIMIT
 * ALL is no limit. */
static int xl_limit(xl *x, int i, int hi, int *next)
{
    const tok *t = x->tl->v;
    *next = i + 1;
    if (!x->same && x->from == SQL_POSTGRESQL && i + 1 < hi && word_is(&t[i + 1], "ALL")) {
        xl_put(x, t[i].space, x->to == SQL_MYSQL ? "LIMIT 18446744073709551615" : "LIMIT -1");
        *next = i + 2;
        return 0;
    }
    int c = find_top(x, i + 1, hi, is_comma);
    xl_put(x, t[i].space, "LIMIT");
    if (c < 0 || x->same || x->to != SQL_POSTGRESQL) return 0;
    x->sep = 1;
    if (xl_range(x, c + 1, hi, 0)) return -1;
    xl_put(x, 1, "OFFSET");
    x->sep = 1;
    if (xl_range(x, i + 1, c, 0)) return -1;
    *next = hi;
    return 0;
}

/* xl_offset — PostgreSQL's "OFFSET n [LIMIT m]" (pg_get_viewdef writes
 * OFFSET first), which SQLite and MySQL only take as "LIMIT m OFFSET n"
 * (with a limit: -1, or MySQL's largest one, for none). */
static int xl_offset(xl *x, int i, int hi, int *next)
{
    const tok *t = x->tl->v;
    int l = find_top(x, i + 1, hi, is_limit);
    int oend = l >= 0 ? l : hi;
    if (oend > i + 1 && (word_is(&t[oend - 1], "ROWS") || word_is(&t[oend - 1], "ROW"))) oend--;
    xl_put(x, t[i].space, "LIMIT");
    x->sep = 1;
    if (l >= 0 && l + 1 < hi && !word_is(&t[l + 1], "ALL")) {
        if (xl_range(x, l + 1, hi, 0)) return -1;
    } else {
        xl_put(x, 1, x->to == SQL_MYSQL ? "18446744073709551615" : "-1");
    }
    xl_put(x, 1, "OFFSET");
    x->sep = 1;
    if (xl_range(x, i + 1, oend, 0)) return -1;
    *next = hi;
    return 0;
}

/* xl_keyword — a keyword at i, with the ones that change on the way. */
static int xl_keyword(xl *x, int i, int lo, int hi, xl_level *lv, int *next)
{
    const tok *t = x->tl->v, *k = &t[i];
    const char *tgt = sqlexpr_target(x);
    char U[24];
    sqlexpr_case(U, sizeof U, k->val, 1);
    *next = i + 1;

    if (!strcmp(U, "WITH")) lv->in_with = 1;
    if (!strcmp(U, "SELECT") || !strcmp(U, "VALUES")) lv->in_with = 0;
    if (!strcmp(U, "WINDOW")) lv->in_window = 1;
    if (!strcmp(U, "CAST") && i + 1 < hi && t[i + 1].kind == TK_LPAREN) return sqlexpr_cast(x, i, next);
    if (!strcmp(U, "COLLATE")) return xl_collate(x, i, hi, next);
    if (!strncmp(U, "CURRENT_", 8) || !strncmp(U, "LOCALTIME", 9) || !strncmp(U, "UTC_", 4)) {
        if (!strcmp(U, "CURRENT_TIMESTAMP") || !strcmp(U, "CURRENT_DATE") || !strcmp(U, "CURRENT_TIME") ||
            !strcmp(U, "LOCALTIME") || !strcmp(U, "LOCALTIMESTAMP") || !strncmp(U, "UTC_", 4))
            return xl_now(x, i, hi, next);
        if (!x->same)
            return sqlexpr_refuse(x->why, "%s has no %s equivalent", U, tgt);
    }
    if (x->same) {
        xl_put(x, k->space, U);
        return 0;
    }

    /* from here on: the dialects differ */
    if (!strcmp(U, "ISNULL")) { xl_put(x, k->space, "IS NULL"); return 0; }
    if (!strcmp(U, "NOTNULL")) { xl_put(x, k->space, "IS NOT NULL"); return 0; }
    if (!strcmp(U, "NOT") && x->from == SQL_SQLITE && i + 1 < hi && word_is(&t[i + 1], "NULL") &&
        i > lo && sqlexpr_ends_operand(x->from, &t[i - 1])) {
        /* SQLite's postfix "x NOT NULL" */
        xl_put(x, k->space, "IS NOT NULL");
        *next = i + 2;
        return 0;
    }
    if (!strcmp(U, "IS")) return sqlexpr_op_is(x, i, lo, hi, next);
    if (!strcmp(U, "LIKE") || !strcmp(U, "ILIKE")) return sqlexpr_op_like(x, i, hi, next);
    if (!strcmp(U, "GLOB") || !strcmp(U, "REGEXP") || !strcmp(U, "MATCH") || !strcmp(U, "RLIKE") ||
        !strcmp(U, "SIMILAR") || !strcmp(U, "SOUNDS") || !strcmp(U, "XOR") || !strcmp(U, "DIV"))
        return sqlexpr_refuse(x->why, "operator %s has no %s equivalent", U, tgt);
    if (!strcmp(U, "MOD")) { xl_put(x, k->space, "%"); return 0; }
    if (!strcmp(U, "LIMIT")) return xl_limit(x, i, hi, next);
    if (!strcmp(U, "OFFSET") && x->from == SQL_POSTGRESQL) return xl_offset(x, i, hi, next);
    if (!strcmp(U, "TRUE") || !strcmp(U, "FALSE")) {
        if (x->to == SQL_POSTGRESQL) xl_put(x, k->space, U);
        else xl_put(x, k->space, U[0] == 'T' ? "1" : "0");
        return 0;
    }
    if (!strcmp(U, "FROM") && x->from == SQL_MYSQL && i + 1 < hi && word_is(&t[i + 1], "DUAL")) {
        *next = i + 2;                                /* MySQL's FROM DUAL: no FROM */
        return 0;
    }
    if (!strcmp(U, "STRAIGHT_JOIN")) { xl_put(x, k->space, "JOIN"); return 0; }
    if (!strcmp(U, "INDEXED"))
        return sqlexpr_refuse(x->why, "index hint INDEXED BY has no %s equivalent", tgt);
    if (!strcmp(U, "INTERVAL") || !strcmp(U, "AT"))
        return sqlexpr_refuse(x->why, "date arithmetic (%s) is not translated",
                              U[0] == 'A' ? "AT TIME ZONE" : "INTERVAL");
    if (!strcmp(U, "BINARY"))
        return sqlexpr_refuse(x->why, "MySQL's BINARY operator has no %s equivalent", tgt);
    if (!strcmp(U, "ARRAY") || !strcmp(U, "ANY") || !strcmp(U, "SOME"))
        return sqlexpr_refuse(x->why, "array expression %s has no %s equivalent", U, tgt);
    if (!strcmp(U, "FETCH") || !strcmp(U, "LATERAL") || !strcmp(U, "ONLY") || !strcmp(U, "USER"))
        return sqlexpr_refuse(x->why, "%s is not translated to %s", U, tgt);
    if (!strcmp(U, "NULLS") && x->to == SQL_MYSQL)
        return sqlexpr_refuse(x->why, "NULLS FIRST/LAST has no MySQL equivalent");
    if (!strcmp(U, "FILTER") && x->to == SQL_MYSQL)
        return sqlexpr_refuse(x->why, "aggregate FILTER (WHERE ...) has no MySQL equivalent");
    xl_put(x, k->space, U);
    return 0;
}

/* xl_string — a string literal at i: an alias written AS 'name' becomes
 * an identifier, anything else the target's literal. */
static void xl_string(xl *x, int i, int lo)
{
    const tok *t = x->tl->v, *k = &t[i];
    strbuf q = STRBUF_INIT;
    if (!x->same && i > lo && word_is(&t[i - 1], "AS"))
        sqlexpr_quote_ident(x->to, &q, xl_spelling(x, k->val));
    else
        sqlexpr_quote_literal(x->to, &q, k->val);
    xl_put(x, k->space, strbuf_cstr(&q));
    strbuf_free(&q);
}

/* xl_number — a numeric literal at i. A hex literal becomes its decimal
 * value outside SQLite (PostgreSQL reads 0x only from version 16, MySQL
 * takes it as a string in a string context); MySQL's own 0x literals are
 * refused for the same reason. */
static int xl_number(xl *x, int i)
{
    const tok *k = &x->tl->v[i];
    if (k->val[0] == '0' && (k->val[1] == 'x' || k->val[1] == 'X') && !x->same &&
        x->to != SQL_SQLITE) {
        if (x->from == SQL_MYSQL)
            return sqlexpr_refuse(x->why, "MySQL hex literal %.20s (a string or a number by context) "
                                  "is not translated", k->val);
        num n;
        int64_t v = 0;
        char buf[32];
        if (sqlexpr_num_parse(k->val, 0, &n) != 0)
            return sqlexpr_refuse(x->why, "hex literal too big");
        sqlexpr_num_int64(&n, &v);
        snprintf(buf, sizeof buf, v < 0 ? "(%" PRId64 ")" : "%" PRId64, v);
        xl_put(x, k->space, buf);
        return 0;
    }
    xl_put(x, k->space, k->val);
    return 0;
}

/* xl_op — an operator token at i. */
static int xl_op(xl *x, int i, int lo, int hi, int *next)
{
    const tok *t = x->tl->v, *k = &t[i];
    const char *v = k->val, *tgt = sqlexpr_target(x);
    *next = i + 1;
    if (x->same) {
        xl_put(x, k->space, v);
        if (!strcmp(v, "::")) {
            /* the type name is kept as written, never resolved */
            cast_type ct;
            int n = sqlexpr_cast_parse(SQL_POSTGRESQL, x->tl, i + 1, hi, &ct);
            strbuf tb = STRBUF_INIT;
            sqlexpr_render_tokens(x->tl, i + 1, i + 1 + n, &tb);
            x->sep = -1;
            xl_put(x, 0, strbuf_cstr(&tb));
            strbuf_free(&tb);
            *next = i + 1 + n;
        }
        return 0;
    }
    if (!strcmp(v, "->") || !strcmp(v, "->>") || !strcmp(v, "#>") || !strcmp(v, "#>>"))
        return sqlexpr_refuse(x->why, "JSON operator %s has no %s equivalent", v, tgt);
    if (x->from == SQL_POSTGRESQL) {
        if (!strcmp(v, "::")) return sqlexpr_op_pgcast(x, i, lo, hi, next);
        if (!strcmp(v, "~~") || !strcmp(v, "~~*") || !strcmp(v, "!~~") || !strcmp(v, "!~~*"))
            return sqlexpr_op_like(x, i, hi, next);
        if (!strcmp(v, "~") && i > lo && sqlexpr_ends_operand(x->from, &t[i - 1]))
            return sqlexpr_refuse(x->why, "regular expression operator ~ has no %s equivalent", tgt);
        if ((!strcmp(v, "=") || !strcmp(v, "<>") || !strcmp(v, "!=")) && i + 2 < hi &&
            (word_is(&t[i + 1], "ANY") || word_is(&t[i + 1], "SOME") || word_is(&t[i + 1], "ALL")) &&
            t[i + 2].kind == TK_LPAREN)
            return sqlexpr_op_any(x, i, next);
        if (!strcmp(v, "||") && x->to == SQL_MYSQL) return sqlexpr_op_concat(x, i, lo, hi, next);
        static const char *const plain[] = {"+", "-", "*", "/", "%", "<", ">", "=", "<=", ">=",
                                            "<>", "!=", "||", "&", "|", "<<", ">>", "~"};
        for (size_t q = 0; q < sizeof plain / sizeof plain[0]; q++)
            if (!strcmp(v, plain[q])) {
                xl_put(x, k->space, v);
                return 0;
            }
        if (!strcmp(v, "[") || !strcmp(v, "]"))
            return sqlexpr_refuse(x->why, "array subscript has no %s equivalent", tgt);
        return sqlexpr_refuse(x->why, "operator %s has no %s equivalent", v, tgt);
    }
    if (x->from == SQL_MYSQL) {
        if (!strcmp(v, "<=>")) return sqlexpr_op_nullsafe(x, i, lo, hi, next);
        if (!strcmp(v, "||")) { xl_put(x, k->space, "OR"); return 0; }
        if (!strcmp(v, "&&")) { xl_put(x, k->space, "AND"); return 0; }
        if (!strcmp(v, "!")) return sqlexpr_op_not_bang(x, i, hi, next);
        if (!strcmp(v, ":="))
            return sqlexpr_refuse(x->why, "assignment := is not allowed here");
        if (!strcmp(v, "^")) {
            if (x->to != SQL_POSTGRESQL)
                return sqlexpr_refuse(x->why, "operator ^ (bitwise xor) has no %s equivalent", tgt);
            xl_put(x, k->space, "#");
            return 0;
        }
        xl_put(x, k->space, v);
        return 0;
    }
    /* SQLite */
    if (!strcmp(v, "||") && x->to == SQL_MYSQL) return sqlexpr_op_concat(x, i, lo, hi, next);
    xl_put(x, k->space, !strcmp(v, "==") ? "=" : v);
    return 0;
}

/* sqlexpr_xl_range — translate the tokens [lo, hi), one nesting level;
 * nested parentheses recurse. */
int sqlexpr_xl_range(xl *x, int lo, int hi, int flags)
{
    const tok *t = x->tl->v;
    xl_level lv = {0, 0};
    for (int i = lo; i < hi;) {
        const tok *k = &t[i];
        x->mark[i] = x->out->len;
        switch (k->kind) {
        case TK_LPAREN: {
            int j = x->tl->match[i], cflags = 0;
            if (i > lo && word_is(&t[i - 1], "OVER") &&
                word_role(x, i - 1, lo, hi, flags, &lv) == R_KEYWORD)
                cflags = XL_WINDOW;
            if (i > lo && lv.in_window && word_is(&t[i - 1], "AS")) cflags = XL_WINDOW;
            xl_put(x, k->space, "(");
            if (xl_range(x, i + 1, j, cflags)) return -1;
            xl_put(x, t[j].space, ")");
            i = j + 1;
            continue;
        }
        case TK_WORD: {
            role r = word_role(x, i, lo, hi, flags, &lv);
            int rc = r == R_FUNCTION ? sqlexpr_function(x, i, &i)
                   : r == R_IDENT    ? xl_name(x, i, hi, &i)
                                     : xl_keyword(x, i, lo, hi, &lv, &i);
            if (rc) return -1;
            continue;
        }
        case TK_QUOTED:
            if (x->from == SQL_POSTGRESQL && i + 1 < hi && t[i + 1].kind == TK_LPAREN) {
                /* PostgreSQL quotes function names that are keywords: "substring"(...) */
                if (sqlexpr_function(x, i, &i)) return -1;
                continue;
            }
            if (xl_name(x, i, hi, &i)) return -1;
            continue;
        case TK_STRING:
            xl_string(x, i, lo);
            break;
        case TK_BLOB: {
            strbuf q = STRBUF_INIT;
            sqlexpr_quote_blob(x->to, &q, k->val);
            xl_put(x, k->space, strbuf_cstr(&q));
            strbuf_free(&q);
            break;
        }
        case TK_NUMBER:
            if (xl_number(x, i)) return -1;
            break;
        case TK_OP:
            if (xl_op(x, i, lo, hi, &i)) return -1;
            continue;
        case TK_COMMA:
            xl_put(x, k->space, ",");
            break;
        case TK_DOT:
            xl_put(x, k->space, ".");
            break;
        case TK_RPAREN:
            return sqlexpr_refuse(x->why, "unbalanced parentheses");
        }
        i++;
    }
    return 0;
}

/* sqlexpr_translate_ex — see sqlexpr.h. */
int sqlexpr_translate_ex(sql_dialect from, sql_dialect to, const char *sql,
                         name_resolver resolve, void *ctx, strbuf *out, const char **why)
{
    toklist tl = {0};
    const char *w = NULL;
    xl x = {0};
    int rc = -1;
    size_t start = out->len;

    if (from < SQL_SQLITE || from > SQL_MYSQL || to < SQL_SQLITE || to > SQL_MYSQL) {
        sqlexpr_refuse(&w, "unknown SQL dialect");
        goto out;
    }
    if (!sql) { sqlexpr_refuse(&w, "no expression"); goto out; }
    if (sqlexpr_tokenize_ex(from, sql, &tl, &w) != 0) goto out;
    if (tl.n == 0) { sqlexpr_refuse(&w, "empty expression"); goto out; }
    x.tl = &tl;
    x.from = from;
    x.to = to;
    x.same = from == to;
    x.resolve = resolve;
    x.ctx = ctx;
    x.out = out;
    x.sep = -1;
    x.why = &w;
    x.mark = xmalloc((size_t)tl.n * sizeof *x.mark);
    for (int i = 0; i < tl.n; i++) x.mark[i] = (size_t)-1;
    int lo = 0, hi = tl.n;
    if (from != SQL_SQLITE && hi - lo >= 3 && sqlexpr_word_is(&tl.v[0], "CHECK") &&
        tl.v[1].kind == TK_LPAREN) {
        /* a whole constraint (pg_get_constraintdef, SHOW CREATE TABLE):
         * CHECK (expr) [NOT VALID | NOT ENFORCED | ENFORCED] -> expr */
        int close = tl.match[1], end = close + 1;
        while (end < hi && (sqlexpr_word_is(&tl.v[end], "NOT") || sqlexpr_word_is(&tl.v[end], "VALID") ||
                            sqlexpr_word_is(&tl.v[end], "ENFORCED")))
            end++;
        if (end == hi) {
            lo = 2;
            hi = close;
        }
    }
    if (lo == hi) { sqlexpr_refuse(&w, "empty expression"); rc = -1; goto out; }
    rc = xl_range(&x, lo, hi, 0);
out:
    if (rc != 0) {
        out->len = start;
        if (out->buf) out->buf[start] = '\0';
        if (why) *why = w;
    }
    for (int i = 0; i < x.nnames; i++) free(x.names[i]);
    free(x.names);
    free(x.mark);
    sqlexpr_toks_free(&tl);
    return rc;
}

/* sqlexpr_translate — the (SQLite, PostgreSQL) pair, see sqlexpr.h. */
int sqlexpr_translate(const char *sql, name_resolver resolve, void *ctx,
                      strbuf *out, const char **why)
{
    return sqlexpr_translate_ex(SQL_SQLITE, SQL_POSTGRESQL, sql, resolve, ctx, out, why);
}
