/* sqlexpr.c — translating SQLite expressions and SELECT statements (CHECK
 * expressions, partial-index predicates, index expressions, view SELECTs)
 * into PostgreSQL SQL, token by token, and quoting for PostgreSQL; what has
 * no faithful PostgreSQL equivalent is refused with a one-line reason. The
 * tokenizer is in sqlexpr_lex.c, literal values in sqlexpr_literal.c, the
 * keywords and functions in sqlexpr_words.c, column defaults in
 * sqlexpr_default.c.
 *
 * DESIGN
 * General expressions (sqlexpr_translate) are re-emitted token by token,
 * recursively per parenthesised group: identifiers go through the caller's
 * resolver and are always double-quoted, keywords are upper-cased, a few
 * functions and operators are rewritten, SQLite-only ones refused. Output
 * keeps one space where the input had whitespace or a comment. PostgreSQL
 * stays the final judge of what is emitted (the caller reports a failing
 * object as skipped).
 *
 * Reasons (*why) point to a thread-local buffer valid until the next call
 * into this module on the same thread. Everything here is thread-safe. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

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

/* -------------------------------------------------- general expressions */

/* word_is — t is the bare word U (any case). */
static int word_is(const tok *t, const char *U)
{
    return t->kind == TK_WORD && sqlexpr_casecmp(t->val, U) == 0;
}

/* op_is — t is the operator op. */
static int op_is(const tok *t, const char *op)
{
    return t->kind == TK_OP && strcmp(t->val, op) == 0;
}

/* ends_operand — an expression can end with t (so "t NOT NULL" is the
 * postfix test and "t LIKE (" the operator). */
static int ends_operand(const tok *t)
{
    char U[24];
    switch (t->kind) {
    case TK_NUMBER: case TK_STRING: case TK_BLOB: case TK_QUOTED: case TK_RPAREN:
        return 1;
    case TK_WORD:
        if (sqlexpr_case(U, sizeof U, t->val, 1) != 0) return 1;
        if (!strcmp(U, "NULL") || !strcmp(U, "TRUE") || !strcmp(U, "FALSE") ||
            !strcmp(U, "END") || !strncmp(U, "CURRENT_", 8))
            return 1;
        return !sqlexpr_is_keyword(U);
    default:
        return 0;
    }
}

typedef enum role { R_IDENT, R_KEYWORD, R_FUNCTION } role;

enum { XL_WINDOW = 1 };     /* inside OVER (...) or a WINDOW definition */

/* Translation state for one sqlexpr_translate call. */
typedef struct xl {
    const toklist *tl;
    name_resolver  resolve;
    void          *ctx;
    strbuf        *out;
    int            sep;         /* before the next piece: 0 as the token says, 1 a space, -1 none */
    char         **names;       /* spellings chosen for names the resolver did not know */
    int            nnames, cnames;
    const char   **why;
} xl;

/* Per-level state of xl_range. */
typedef struct xl_level {
    int in_with;      /* between WITH and its SELECT: name(cols) is not a call */
    int in_window;    /* after WINDOW: AS (...) is a window definition */
} xl_level;

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
    int hard = sqlexpr_is_keyword(U);
    int after_call = prev && prev->kind == TK_RPAREN;
    if (next && next->kind == TK_LPAREN) {
        if (!strcmp(U, "REPLACE")) return R_FUNCTION;
        if (!strcmp(U, "LIKE") || !strcmp(U, "GLOB") || !strcmp(U, "REGEXP") || !strcmp(U, "MATCH"))
            return prev && ends_operand(prev) ? R_KEYWORD : R_FUNCTION;
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

/* xl_put — append s, preceded by one space when the token had whitespace
 * before it (or x->sep asks for one). Two operators are always separated:
 * PostgreSQL would read "%-" or "||-" as one operator. */
static void xl_put(xl *x, int space, const char *s)
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

/* xl_spelling — the one spelling used for a name the resolver does not
 * know: the first one met, so that "FROM Artist A ... a.Name" keeps working
 * once quoted (SQLite folds case, quoted PostgreSQL names do not). */
static const char *xl_spelling(xl *x, const char *name)
{
    for (int i = 0; i < x->nnames; i++)
        if (sqlexpr_casecmp(x->names[i], name) == 0) return x->names[i];
    if (x->nnames == x->cnames) {
        x->cnames = x->cnames ? x->cnames * 2 : 8;
        x->names = xrealloc(x->names, (size_t)x->cnames * sizeof *x->names);
    }
    return x->names[x->nnames++] = xstrdup(name);
}

/* xl_ident — append name resolved and quoted into q. */
static int xl_ident(xl *x, const char *name, strbuf *q)
{
    const char *target = x->resolve ? x->resolve(x->ctx, name) : NULL;
    if (!target) {
        if (!sqlexpr_casecmp(name, "rowid") || !sqlexpr_casecmp(name, "_rowid_") ||
            !sqlexpr_casecmp(name, "oid")) {
            char cb[40];
            return sqlexpr_refuse(x->why, "%s has no PostgreSQL equivalent",
                                  sqlexpr_clip(cb, sizeof cb, name));
        }
        target = xl_spelling(x, name);
    }
    pg_quote_ident(q, target);
    return 0;
}

static int xl_range(xl *x, int lo, int hi, int flags);

/* xl_name — an identifier or a dotted chain (schema.table.column, t.*) at
 * i; each part goes through the resolver. A leading "main." or "temp."
 * (SQLite's schema names) is dropped: always in a three-part name, in a
 * two-part one when no table of that name is known. */
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
    if (end - i >= 3 &&
        (!sqlexpr_casecmp(t[i].val, "main") || !sqlexpr_casecmp(t[i].val, "temp")) &&
        (end - i >= 5 || !x->resolve || !x->resolve(x->ctx, t[i].val)))
        first = i + 2;
    strbuf q = STRBUF_INIT;
    int rc = 0;
    for (int p = first; p < end; p += 2) {
        if (p > first) xl_put(x, t[p - 1].space, ".");
        strbuf_reset(&q);
        if (op_is(&t[p], "*")) strbuf_addc(&q, '*');
        else if ((rc = xl_ident(x, t[p].val, &q)) != 0) break;
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

/* is_comma, is_order — predicates for find_top. */
static int is_comma(const tok *t) { return t->kind == TK_COMMA; }
static int is_order(const tok *t) { return word_is(t, "ORDER"); }

/* is_simple — [lo, hi) is one operand that needs no parentheses before
 * "::text": a literal, a name or a dotted name. */
static int is_simple(const xl *x, int lo, int hi)
{
    const tok *t = x->tl->v;
    if (hi - lo == 1 && (t[lo].kind == TK_STRING || t[lo].kind == TK_NUMBER)) return 1;
    for (int j = lo; j < hi; j++) {
        int name = t[j].kind == TK_QUOTED || (t[j].kind == TK_WORD && !word_is(&t[j], "DISTINCT"));
        if ((j - lo) % 2 == 0 ? !name : t[j].kind != TK_DOT) return 0;
    }
    return (hi - lo) % 2 == 1;
}

/* xl_sub — translate [lo, hi) with no space before its first token. */
static int xl_sub(xl *x, int lo, int hi, int flags)
{
    x->sep = -1;
    return xl_range(x, lo, hi, flags);
}

/* xl_function — a call name(args) at i; known functions are emitted or
 * rewritten, all others refused. */
static int xl_function(xl *x, int i, int *next)
{
    const tok *t = x->tl->v;
    int open = i + 1, close = x->tl->match[open];
    char nb[48];
    const fn_map *f = sqlexpr_fn_find(t[i].val);
    *next = close + 1;
    if (!f)
        return sqlexpr_refuse(x->why, "function %s() has no PostgreSQL equivalent",
                              sqlexpr_clip(nb, sizeof nb, t[i].val));
    int nargs = 0, starts[2] = {open + 1, close}, ends[2] = {close, close};
    if (open + 1 < close) {
        nargs = 1;
        for (int j = open + 1; j < close; j++) {
            if (t[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
            if (t[j].kind == TK_COMMA) {
                if (nargs <= 2) ends[nargs - 1] = j;
                if (nargs < 2) starts[nargs] = j + 1;
                nargs++;
            }
        }
    }
    const char *pg = f->pg;
    switch (f->how) {
    case FN_MINMAX:
        if (nargs <= 1) pg = f->name;
        /* fall through */
    case FN_SAME:
        xl_put(x, t[i].space, pg);
        xl_put(x, t[open].space, "(");
        if (xl_range(x, open + 1, close, 0)) return -1;
        xl_put(x, t[close].space, ")");
        return 0;
    case FN_ROUND:
        if (nargs != 2) {
            xl_put(x, t[i].space, "round");
            xl_put(x, t[open].space, "(");
            if (xl_sub(x, open + 1, close, 0)) return -1;
            xl_put(x, t[close].space, ")");
            return 0;
        }
        /* PostgreSQL has round(numeric, int) but no round(double precision, int) */
        xl_put(x, t[i].space, "round(CAST(");
        if (xl_sub(x, starts[0], ends[0], 0)) return -1;
        xl_put(x, 1, "AS numeric),");
        if (xl_range(x, starts[1], ends[1], 0)) return -1;
        xl_put(x, t[close].space, ")");
        return 0;
    case FN_TOTAL:
        if (nargs != 1)
            return sqlexpr_refuse(x->why, "%s() with %d arguments",
                                  sqlexpr_clip(nb, sizeof nb, t[i].val), nargs);
        xl_put(x, t[i].space, "CAST(coalesce(sum(");
        if (xl_sub(x, open + 1, close, 0)) return -1;
        xl_put(x, 0, "), 0) AS double precision)");
        return 0;
    case FN_GCONCAT: {
        if (nargs < 1 || nargs > 2)
            return sqlexpr_refuse(x->why, "%s() with %d arguments",
                                  sqlexpr_clip(nb, sizeof nb, t[i].val), nargs);
        if (find_top(x, open + 1, close, is_order) >= 0)
            return sqlexpr_refuse(x->why, "%s() with ORDER BY is not translated",
                                  sqlexpr_clip(nb, sizeof nb, t[i].val));
        int s = starts[0];
        int distinct = s < ends[0] && word_is(&t[s], "DISTINCT");
        if (distinct) s++;
        if (s >= ends[0])
            return sqlexpr_refuse(x->why, "%s() without a value",
                                  sqlexpr_clip(nb, sizeof nb, t[i].val));
        int simple = is_simple(x, s, ends[0]);
        xl_put(x, t[i].space, "string_agg");
        xl_put(x, t[open].space, "(");
        if (distinct) xl_put(x, 0, "DISTINCT ");
        if (!simple) xl_put(x, 0, "(");
        if (xl_sub(x, s, ends[0], 0)) return -1;
        x->sep = -1;
        xl_put(x, 0, simple ? "::text," : ")::text,");
        if (nargs == 2) {
            if (xl_range(x, starts[1], ends[1], 0)) return -1;
        } else {
            xl_put(x, 1, "','");
        }
        xl_put(x, t[close].space, ")");
        return 0;
    }
    }
    return 0;
}


/* xl_cast — CAST(expr AS type) at i with the type mapped. */
static int xl_cast(xl *x, int i, int *next)
{
    const tok *t = x->tl->v;
    int open = i + 1, close = x->tl->match[open], as = -1;
    for (int j = open + 1; j < close; j++) {
        if (t[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
        if (word_is(&t[j], "AS")) as = j;
    }
    *next = close + 1;
    if (as < 0) return sqlexpr_refuse(x->why, "CAST without AS");
    strbuf ty = STRBUF_INIT;
    for (int j = as + 1; j < close; j++)
        if (t[j].kind == TK_WORD || t[j].kind == TK_QUOTED) {
            if (ty.len) strbuf_addc(&ty, ' ');
            for (const char *p = t[j].val; *p; p++) strbuf_addc(&ty, (char)a_upper((unsigned char)*p));
        }
    xl_put(x, t[i].space, "CAST");
    xl_put(x, t[open].space, "(");
    int rc = xl_sub(x, open + 1, as, 0);
    if (!rc) {
        xl_put(x, 1, "AS");
        xl_put(x, 1, sqlexpr_cast_type(strbuf_cstr(&ty)));
        xl_put(x, t[close].space, ")");
    }
    strbuf_free(&ty);
    return rc;
}

/* operand_end — where the right operand of LIKE starting at s ends: at a
 * comparison, a comma, or a keyword that cannot be inside an operand. */
static int operand_end(const xl *x, int s, int hi)
{
    const tok *t = x->tl->v;
    int cases = 0;
    for (int j = s; j < hi; j++) {
        char U[24];
        if (t[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
        if (cases == 0 && t[j].kind == TK_COMMA) return j;
        if (cases == 0 && t[j].kind == TK_OP &&
            (op_is(&t[j], "=") || op_is(&t[j], "==") || op_is(&t[j], "!=") || op_is(&t[j], "<>") ||
             op_is(&t[j], "<") || op_is(&t[j], ">") || op_is(&t[j], "<=") || op_is(&t[j], ">=")))
            return j;
        if (t[j].kind != TK_WORD || (j > s && t[j - 1].kind == TK_DOT) ||
            sqlexpr_case(U, sizeof U, t[j].val, 1) != 0)
            continue;
        if (!strcmp(U, "CASE")) { cases++; continue; }
        if (!strcmp(U, "END")) {
            if (cases == 0) return j;
            cases--;
            continue;
        }
        if (cases == 0 && sqlexpr_is_keyword(U) && strcmp(U, "NULL") && strcmp(U, "TRUE") &&
            strcmp(U, "FALSE") && strcmp(U, "CAST") && strcmp(U, "COLLATE") &&
            strncmp(U, "CURRENT_", 8))
            return j;
    }
    return hi;
}

/* xl_keyword — a keyword at i, with the few that change on the way. */
static int xl_keyword(xl *x, int i, int lo, int hi, xl_level *lv, int *next)
{
    const tok *t = x->tl->v, *k = &t[i];
    char U[24];
    sqlexpr_case(U, sizeof U, k->val, 1);
    *next = i + 1;

    if (!strcmp(U, "ISNULL")) { xl_put(x, k->space, "IS NULL"); return 0; }
    if (!strcmp(U, "NOTNULL")) { xl_put(x, k->space, "IS NOT NULL"); return 0; }
    if (!strcmp(U, "NOT") && i + 1 < hi && word_is(&t[i + 1], "NULL") && i > lo &&
        ends_operand(&t[i - 1])) {
        /* SQLite's postfix "x NOT NULL" */
        xl_put(x, k->space, "IS NOT NULL");
        *next = i + 2;
        return 0;
    }
    if (!strcmp(U, "IS")) {
        /* SQLite's "a IS b" / "a IS NOT b" compare any values, NULL-safe */
        int j = i + 1, neg = 0;
        if (j < hi && word_is(&t[j], "NOT")) { neg = 1; j++; }
        *next = j;
        if (j < hi && (word_is(&t[j], "NULL") || word_is(&t[j], "TRUE") ||
                       word_is(&t[j], "FALSE") || word_is(&t[j], "DISTINCT"))) {
            xl_put(x, k->space, "IS");
            if (neg) xl_put(x, t[i + 1].space, "NOT");
        } else {
            xl_put(x, k->space, neg ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM");
        }
        return 0;
    }
    if (!strcmp(U, "GLOB") || !strcmp(U, "REGEXP") || !strcmp(U, "MATCH"))
        return sqlexpr_refuse(x->why, "operator %s has no PostgreSQL equivalent", U);
    if (!strcmp(U, "LIKE")) {
        /* SQLite's LIKE ignores ASCII case and has no escape character unless
         * ESCAPE is given; PostgreSQL's ILIKE ignores case (beyond ASCII too)
         * and escapes with '\' unless told ESCAPE ''. */
        int e = operand_end(x, i + 1, hi);
        if (e == i + 1) return sqlexpr_refuse(x->why, "LIKE without a pattern");
        xl_put(x, k->space, "ILIKE");
        if (xl_range(x, i + 1, e, 0)) return -1;
        int plain = e == i + 2 && t[i + 1].kind == TK_STRING && !strchr(t[i + 1].val, '\\');
        if (!(e < hi && word_is(&t[e], "ESCAPE")) && !plain) xl_put(x, 1, "ESCAPE ''");
        *next = e;
        return 0;
    }
    if (!strcmp(U, "COLLATE")) {
        char C[24], cb[40];
        if (i + 1 >= hi || (t[i + 1].kind != TK_WORD && t[i + 1].kind != TK_QUOTED))
            return sqlexpr_refuse(x->why, "COLLATE without a collation name");
        if (sqlexpr_case(C, sizeof C, t[i + 1].val, 1) == 0 && !strcmp(C, "BINARY")) {
            xl_put(x, k->space, "COLLATE");
            xl_put(x, t[i + 1].space, "\"C\"");
            *next = i + 2;
            return 0;
        }
        return sqlexpr_refuse(x->why, "collation %s has no PostgreSQL equivalent",
                              sqlexpr_clip(cb, sizeof cb, t[i + 1].val));
    }
    if (!strcmp(U, "CAST") && i + 1 < hi && t[i + 1].kind == TK_LPAREN) return xl_cast(x, i, next);
    if (!strcmp(U, "LIMIT")) {
        /* SQLite's "LIMIT offset, count" */
        int c = find_top(x, i + 1, hi, is_comma);
        xl_put(x, k->space, "LIMIT");
        if (c < 0) return 0;
        x->sep = 1;
        if (xl_range(x, c + 1, hi, 0)) return -1;
        xl_put(x, 1, "OFFSET");
        x->sep = 1;
        if (xl_range(x, i + 1, c, 0)) return -1;
        *next = hi;
        return 0;
    }
    /* SQLite's current date/time are UTC; so are these. */
    if (!strcmp(U, "CURRENT_TIMESTAMP")) { xl_put(x, k->space, PG_NOW_UTC); return 0; }
    if (!strcmp(U, "CURRENT_DATE")) { xl_put(x, k->space, "(" PG_NOW_UTC "::date)"); return 0; }
    if (!strcmp(U, "CURRENT_TIME")) { xl_put(x, k->space, PG_TIME_UTC); return 0; }
    if (!strcmp(U, "INDEXED"))
        return sqlexpr_refuse(x->why, "index hint INDEXED BY has no PostgreSQL equivalent");
    if (!strcmp(U, "WITH")) lv->in_with = 1;
    if (!strcmp(U, "SELECT") || !strcmp(U, "VALUES")) lv->in_with = 0;
    if (!strcmp(U, "WINDOW")) lv->in_window = 1;
    xl_put(x, k->space, U);
    return 0;
}

/* xl_range — translate the tokens [lo, hi), one nesting level; nested
 * parentheses recurse. */
static int xl_range(xl *x, int lo, int hi, int flags)
{
    const tok *t = x->tl->v;
    xl_level lv = {0, 0};
    for (int i = lo; i < hi;) {
        const tok *k = &t[i];
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
            int rc = r == R_FUNCTION ? xl_function(x, i, &i)
                   : r == R_IDENT    ? xl_name(x, i, hi, &i)
                                     : xl_keyword(x, i, lo, hi, &lv, &i);
            if (rc) return -1;
            continue;
        }
        case TK_QUOTED:
            if (xl_name(x, i, hi, &i)) return -1;
            continue;
        case TK_STRING: {
            strbuf q = STRBUF_INIT;
            if (i > lo && word_is(&t[i - 1], "AS")) {
                /* SQLite accepts AS 'alias'; PostgreSQL wants an identifier */
                pg_quote_ident(&q, xl_spelling(x, k->val));
            } else {
                pg_quote_literal(&q, k->val);
            }
            xl_put(x, k->space, strbuf_cstr(&q));
            strbuf_free(&q);
            break;
        }
        case TK_BLOB: {
            strbuf q = STRBUF_INIT;
            strbuf_addf(&q, "'\\x%s'::bytea", k->val);
            xl_put(x, k->space, strbuf_cstr(&q));
            strbuf_free(&q);
            break;
        }
        case TK_NUMBER:
            if (k->val[0] == '0' && (k->val[1] == 'x' || k->val[1] == 'X')) {
                /* hex literals need PostgreSQL 16; emit the decimal value */
                num n;
                int64_t v = 0;
                char buf[32];
                if (sqlexpr_num_parse(k->val, 0, &n) != 0)
                    return sqlexpr_refuse(x->why, "hex literal too big");
                sqlexpr_num_int64(&n, &v);
                snprintf(buf, sizeof buf, v < 0 ? "(%" PRId64 ")" : "%" PRId64, v);
                xl_put(x, k->space, buf);
            } else {
                xl_put(x, k->space, k->val);
            }
            break;
        case TK_OP:
            if (op_is(k, "->") || op_is(k, "->>"))
                return sqlexpr_refuse(x->why, "JSON operator %s has no PostgreSQL equivalent",
                                      k->val);
            xl_put(x, k->space, op_is(k, "==") ? "=" : k->val);
            break;
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

int sqlexpr_translate(const char *sql, name_resolver resolve, void *ctx,
                      strbuf *out, const char **why)
{
    toklist tl = {0};
    const char *w = NULL;
    xl x = {0};
    int rc = -1;
    size_t start = out->len;

    if (!sql) { sqlexpr_refuse(&w, "no expression"); goto out; }
    if (sqlexpr_tokenize(sql, &tl, &w) != 0) goto out;
    if (tl.n == 0) { sqlexpr_refuse(&w, "empty expression"); goto out; }
    x.tl = &tl;
    x.resolve = resolve;
    x.ctx = ctx;
    x.out = out;
    x.sep = -1;
    x.why = &w;
    rc = xl_range(&x, 0, tl.n, 0);
out:
    if (rc != 0) {
        out->len = start;
        if (out->buf) out->buf[start] = '\0';
        if (why) *why = w;
    }
    for (int i = 0; i < x.nnames; i++) free(x.names[i]);
    free(x.names);
    sqlexpr_toks_free(&tl);
    return rc;
}
