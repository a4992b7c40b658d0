/* sqlexpr_ops.c — the rewrites of the expression translator (sqlexpr.c)
 * for what differs between SQLite, PostgreSQL and MySQL beyond a word:
 * function calls (through the table in sqlexpr_funcs.c), CAST and
 * PostgreSQL's "::", LIKE and its case and escape rules, IS / IS
 * DISTINCT FROM / MySQL's <=>, || (concatenation, or MySQL's OR),
 * "= ANY (ARRAY[...])", MySQL's "!", and the operand extents some of them
 * need.
 *
 * DESIGN
 * Operands are found on the tokens with the source dialect's precedence
 * (sqlexpr_binop): the right operand of an operator by scanning ahead, the
 * left one, already written, by scanning back; text is then inserted
 * before the left operand's output (its mark) — "concat(" before a in
 * a || b on MySQL. Catalog output is heavily parenthesised, so operands
 * are mostly one token or one group; the scans only have to be right for
 * the common shapes and otherwise err towards a shorter operand wrapped in
 * parentheses (never a different grouping than the source's).
 *
 * LIKE: the case sensitivity and escape character of the source are kept.
 *   source       case          escape
 *   SQLite LIKE  insensitive   none unless ESCAPE
 *   PG LIKE, ~~  sensitive     \ unless ESCAPE
 *   PG ILIKE,~~* insensitive   \ unless ESCAPE
 *   MySQL LIKE   insensitive   \ unless ESCAPE   (the *_ci collations MySQL
 *                                                 and MariaDB default to)
 * and written as:
 *   PostgreSQL   ILIKE or LIKE; ESCAPE '' when the source had none
 *   SQLite       LIKE (ASCII-only case folding) with ESCAPE '\' when the
 *                source escaped with \; a case-sensitive LIKE becomes GLOB
 *                with the pattern rewritten (constant patterns only)
 *   MySQL        LIKE (insensitive under the default *_ci collations; a
 *                case-sensitive source adds COLLATE utf8mb4_bin); a
 *                constant pattern holding a backslash is rewritten to
 *                escape with '!' instead, so that it reads the same with
 *                or without NO_BACKSLASH_ESCAPES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

#define word_is sqlexpr_word_is
#define op_is   sqlexpr_tok_op
#define xl_put  sqlexpr_xl_put
#define xl_range sqlexpr_xl_range
#define xl_sub  sqlexpr_xl_sub

/* ------------------------------------------------------------ operands */

/* is_unary — t can be a prefix operator binding tightly (- + ~, MySQL !). */
static int is_unary(const xl *x, const tok *t)
{
    return op_is(t, "-") || op_is(t, "+") || op_is(t, "~") || (x->from == SQL_MYSQL && op_is(t, "!"));
}

/* is_callee — the word t, before '(', names a call (a function, CAST,
 * EXISTS, a niladic keyword with a precision) rather than an operator or
 * clause keyword. */
static int is_callee(const xl *x, const tok *t)
{
    char U[24];
    if (t->kind == TK_QUOTED) return x->from == SQL_POSTGRESQL;
    if (t->kind != TK_WORD) return 0;
    if (sqlexpr_case(U, sizeof U, t->val, 1) != 0) return 1;
    static const char *const calls[] = {"CAST", "EXISTS", "REPLACE", "LEFT", "RIGHT", "MOD",
                                        "CHAR", "INSERT", "ANY", "SOME", "ARRAY"};
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++)
        if (!strcmp(U, calls[k])) return 1;
    if (!strncmp(U, "CURRENT_", 8) || !strncmp(U, "LOCALTIME", 9) || !strncmp(U, "UTC_", 4)) return 1;
    return !sqlexpr_is_keyword(x->from, U);
}

/* is_value_word — a keyword that is an operand by itself. */
static int is_value_word(const tok *t)
{
    static const char *const w[] = {"NULL", "TRUE", "FALSE", "UNKNOWN", "CURRENT_DATE",
                                    "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME",
                                    "LOCALTIMESTAMP", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP",
                                    "CURRENT_USER", "SESSION_USER", "USER", "CURRENT_ROLE"};
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        if (word_is(t, w[k])) return 1;
    return 0;
}

/* close_bracket — the index of the ']' closing the '[' at j, or -1. */
static int close_bracket(const xl *x, int j, int hi)
{
    int depth = 0;
    for (int k = j; k < hi; k++) {
        if (op_is(&x->tl->v[k], "[")) depth++;
        else if (op_is(&x->tl->v[k], "]") && --depth == 0) return k;
    }
    return -1;
}

/* prim_end — the end (exclusive) of the operand starting at j: a group, a
 * call (with OVER/FILTER), CASE ... END, a dotted name, a literal;
 * PostgreSQL subscripts follow. Returns j when there is none. */
static int prim_end(const xl *x, int j, int hi)
{
    const tok *t = x->tl->v;
    int e;
    if (j >= hi) return j;
    switch (t[j].kind) {
    case TK_LPAREN:
        e = x->tl->match[j] + 1;
        break;
    case TK_WORD:
    case TK_QUOTED:
        if (word_is(&t[j], "CASE")) {
            int depth = 0;
            for (e = j; e < hi; e++) {
                if (t[e].kind == TK_LPAREN) { e = x->tl->match[e]; continue; }
                if (word_is(&t[e], "CASE")) depth++;
                else if (word_is(&t[e], "END") && --depth == 0) break;
            }
            e = e < hi ? e + 1 : hi;
        } else if (j + 1 < hi && t[j + 1].kind == TK_LPAREN && is_callee(x, &t[j])) {
            e = x->tl->match[j + 1] + 1;
            while (e + 1 < hi && (word_is(&t[e], "OVER") || word_is(&t[e], "FILTER"))) {
                if (t[e + 1].kind == TK_LPAREN) e = x->tl->match[e + 1] + 1;
                else e += 2;
            }
        } else if (t[j].kind == TK_WORD && !is_value_word(&t[j]) && !is_callee(x, &t[j])) {
            return j;                                /* an operator or clause keyword */
        } else {
            e = j + 1;
            while (e + 1 < hi && t[e].kind == TK_DOT &&
                   (t[e + 1].kind == TK_WORD || t[e + 1].kind == TK_QUOTED || op_is(&t[e + 1], "*")))
                e += 2;
        }
        break;
    case TK_STRING: case TK_NUMBER: case TK_BLOB:
        e = j + 1;
        break;
    case TK_OP:
        if (!op_is(&t[j], "*")) return j;
        e = j + 1;
        break;
    default:
        return j;
    }
    while (x->from == SQL_POSTGRESQL && e < hi && op_is(&t[e], "[")) {
        int b = close_bracket(x, e, hi);
        if (b < 0) break;
        e = b + 1;
    }
    return e;
}

/* pg_cast_end — past a PostgreSQL "::type" at j (and any that follow). */
static int pg_cast_end(const xl *x, int j, int hi)
{
    while (x->from == SQL_POSTGRESQL && j < hi && op_is(&x->tl->v[j], "::")) {
        cast_type ct;
        int n = sqlexpr_cast_parse(SQL_POSTGRESQL, x->tl, j + 1, hi, &ct);
        if (!n) break;
        j += 1 + n;
    }
    return j;
}

/* sqlexpr_right_end — the end (exclusive) of the right operand that starts
 * at s, for an operator of precedence prec (left-associative: an operator
 * of the same precedence ends it). */
int sqlexpr_right_end(const xl *x, int s, int hi, int prec)
{
    const tok *t = x->tl->v;
    int j = s;
    for (;;) {
        while (j < hi && (is_unary(x, &t[j]) || (word_is(&t[j], "NOT") && prec < P_NOT))) j++;
        int e = prim_end(x, j, hi);
        if (e == j) return j;
        j = pg_cast_end(x, e, hi);
        while (j < hi && (word_is(&t[j], "ISNULL") || word_is(&t[j], "NOTNULL")) && P_IS > prec) j++;
        if (j >= hi) return hi;
        int len, op = sqlexpr_binop(x->from, x->tl, j, hi, &len);
        if (!op || op <= prec) return j;
        if (word_is(&t[j + len - 1], "BETWEEN")) {
            j = sqlexpr_right_end(x, j + len, hi, P_AND);
            if (j >= hi || !word_is(&t[j], "AND")) return j;
            len = 1;
        } else if (op == P_CAST) {
            j = pg_cast_end(x, j, hi);
            continue;
        }
        j += len;
    }
}

/* prim_start — the first token of the operand that ends at j (no earlier
 * than lo), or -1. */
static int prim_start(const xl *x, int lo, int j)
{
    const tok *t = x->tl->v;
    int s;
    if (j < lo) return -1;
    switch (t[j].kind) {
    case TK_RPAREN:
        s = x->tl->match[j];
        if (s - 1 >= lo && (word_is(&t[s - 1], "OVER") || word_is(&t[s - 1], "FILTER"))) {
            int c = prim_start(x, lo, s - 2);
            return c >= 0 ? c : s;
        }
        if (s - 1 >= lo && is_callee(x, &t[s - 1])) s--;
        break;
    case TK_WORD:
        if (word_is(&t[j], "END")) {
            int depth = 0;
            for (s = j; s >= lo; s--) {
                if (t[s].kind == TK_RPAREN) { s = x->tl->match[s]; continue; }
                if (word_is(&t[s], "END")) depth++;
                else if (word_is(&t[s], "CASE") && --depth == 0) return s;
            }
            return -1;
        }
        if (word_is(&t[j], "ISNULL") || word_is(&t[j], "NOTNULL")) return prim_start(x, lo, j - 1);
        if (!is_value_word(&t[j]) && !is_callee(x, &t[j])) return -1;
        /* fall through */
    case TK_QUOTED:
        s = j;
        while (s - 2 >= lo && t[s - 1].kind == TK_DOT &&
               (t[s - 2].kind == TK_WORD || t[s - 2].kind == TK_QUOTED))
            s -= 2;
        break;
    case TK_STRING: case TK_NUMBER: case TK_BLOB:
        s = j;
        break;
    case TK_OP:
        if (op_is(&t[j], "*")) {
            s = j;
            while (s - 2 >= lo && t[s - 1].kind == TK_DOT &&
                   (t[s - 2].kind == TK_WORD || t[s - 2].kind == TK_QUOTED))
                s -= 2;
            return s;
        }
        if (op_is(&t[j], "]")) {
            int depth = 0;
            for (s = j; s >= lo; s--) {
                if (op_is(&t[s], "]")) depth++;
                else if (op_is(&t[s], "[") && --depth == 0) break;
            }
            if (s < lo) return -1;
            if (s - 1 >= lo && word_is(&t[s - 1], "ARRAY")) return s - 1;
            return prim_start(x, lo, s - 1);
        }
        return -1;
    default:
        return -1;
    }
    return s;
}

/* pg_type_start — when the tokens ending at j are the type name of a
 * PostgreSQL "::type", the index of its first token; else -1. */
static int pg_type_start(const xl *x, int lo, int j)
{
    const tok *t = x->tl->v;
    int k = j, n = 0;
    while (k >= lo && n < 12) {
        if (op_is(&t[k], "::")) return k < j ? k + 1 : -1;
        if (t[k].kind == TK_RPAREN) { k = x->tl->match[k] - 1; n++; continue; }
        if (t[k].kind != TK_WORD && t[k].kind != TK_QUOTED && t[k].kind != TK_DOT &&
            !op_is(&t[k], "[") && !op_is(&t[k], "]") && t[k].kind != TK_NUMBER)
            return -1;
        k--;
        n++;
    }
    return -1;
}

/* sqlexpr_left_start — the first token of the left operand of the
 * operator of precedence prec starting at i (left-associative: an operator
 * of the same precedence belongs to the left operand). */
int sqlexpr_left_start(const xl *x, int lo, int i, int prec)
{
    const tok *t = x->tl->v;
    int j = i - 1, s = i;
    while (j >= lo) {
        int ps = x->from == SQL_POSTGRESQL ? pg_type_start(x, lo, j) : -1;
        if (ps < 0) ps = prim_start(x, lo, j);
        if (ps < 0) break;
        s = ps;
        while (s - 1 >= lo && is_unary(x, &t[s - 1]) &&
               (s - 2 < lo || !sqlexpr_ends_operand(x->from, &t[s - 2])))
            s--;
        while (prec < P_NOT && s - 1 >= lo && word_is(&t[s - 1], "NOT") &&
               (s - 2 < lo || !word_is(&t[s - 2], "IS")))
            s--;
        if (s - 1 < lo) break;
        int os, op = sqlexpr_binop_ending(x->from, x->tl, lo, s - 1, &os);
        if (!op || op < prec) break;
        j = os - 1;
    }
    return s;
}

/* sqlexpr_is_operand — [lo, hi) is one operand: no parentheses needed. */
int sqlexpr_is_operand(const xl *x, int lo, int hi)
{
    return lo < hi && pg_cast_end(x, prim_end(x, lo, hi), hi) == hi;
}

/* sqlexpr_wrap_left — insert text before the output of the operand that
 * starts at token l (already written); the marks of the tokens after it
 * up to i move with the text. 0, or -1 when l was never written. */
int sqlexpr_wrap_left(xl *x, int l, int i, const char *text)
{
    strbuf *o = x->out;
    size_t pos = x->mark[l], n = strlen(text);
    if (pos > o->len)                      /* never written: a scan went wrong */
        return sqlexpr_refuse(x->why, "operand not understood near %.20s", x->tl->v[l].val);
    if (pos < o->len && o->buf[pos] == ' ') pos++;
    strbuf_grow(o, n);
    memmove(o->buf + pos + n, o->buf + pos, o->len - pos + 1);
    memcpy(o->buf + pos, text, n);
    o->len += n;
    for (int k = l + 1; k <= i && k < x->tl->n; k++)
        if (x->mark[k] != (size_t)-1 && x->mark[k] >= pos) x->mark[k] += n;
    return 0;
}

/* put_operand — translate [s, e) as the operand of a rewritten operator:
 * in parentheses unless it is one operand. */
static int put_operand(xl *x, int s, int e)
{
    if (s >= e) return sqlexpr_refuse(x->why, "operator without an operand");
    if (sqlexpr_is_operand(x, s, e)) {
        x->sep = 1;
        return xl_range(x, s, e, 0);
    }
    xl_put(x, 1, "(");
    if (xl_sub(x, s, e, 0)) return -1;
    xl_put(x, 0, ")");
    return 0;
}

/* ------------------------------------------------------------- functions */

/* args_split — the arguments of the call whose parentheses are open and
 * close: up to max ranges in as/ae; returns their count. */
static int args_split(const xl *x, int open, int close, int *as, int *ae, int max)
{
    const tok *t = x->tl->v;
    int n = 0, s = open + 1;
    if (open + 1 >= close) return 0;
    for (int j = open + 1; j <= close; j++) {
        if (j < close && t[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
        if (j == close || t[j].kind == TK_COMMA) {
            if (n < max) { as[n] = s; ae[n] = j; }
            n++;
            s = j + 1;
        }
    }
    return n;
}

/* find_word — the first top-level token in [lo, hi) that is the word U. */
static int find_word(const xl *x, int lo, int hi, const char *U)
{
    for (int j = lo; j < hi; j++) {
        if (x->tl->v[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
        if (word_is(&x->tl->v[j], U)) return j;
    }
    return -1;
}

/* const_string — the string of a constant [s, e): one string literal,
 * possibly in parentheses or cast to a PostgreSQL text type ('a%'::text);
 * else NULL. */
static const tok *const_string(const xl *x, int s, int e)
{
    const tok *t = x->tl->v;
    while (e - s >= 2 && t[s].kind == TK_LPAREN && x->tl->match[s] == e - 1) { s++; e--; }
    if (s >= e || t[s].kind != TK_STRING) return NULL;
    if (e == s + 1) return &t[s];
    cast_type ct;
    if (x->from == SQL_POSTGRESQL && op_is(&t[s + 1], "::") &&
        s + 2 + sqlexpr_cast_parse(SQL_POSTGRESQL, x->tl, s + 2, e, &ct) == e && ct.kind == CK_TEXT &&
        ct.p < 0)
        return &t[s];
    return NULL;
}

#define MAXARGS 64

/* emit_template — write a FN_TEMPLATE cell for the call at i. */
static int emit_template(xl *x, int i, const char *tpl, int nargs, const int *as, const int *ae)
{
    const tok *t = x->tl->v;
    strbuf seg = STRBUF_INIT;
    int first = 1, rc = 0;
    for (const char *p = tpl;; p++) {
        int ph = (*p == '$' || *p == '%') &&
                 (a_digit((unsigned char)p[1]) || p[1] == '*' || p[1] == '|' || p[1] == 'c');
        if (*p && !ph) {
            strbuf_addc(&seg, *p);
            continue;
        }
        int a0 = *p && a_digit((unsigned char)p[1]) ? p[1] - '1' : -1;
        if (*p && a0 > 0 && a0 < nargs && a0 < MAXARGS && seg.len >= 2 &&
            !strcmp(seg.buf + seg.len - 2, ", ") && !t[as[a0]].space)
            seg.buf[--seg.len] = '\0';       /* round(x,2): the source wrote no space */
        if (seg.len) {
            xl_put(x, first ? t[i].space : 0, strbuf_cstr(&seg));
            first = 0;
            strbuf_reset(&seg);
        }
        if (!*p) break;
        char c = p[1];
        p++;
        if (a_digit((unsigned char)c)) {
            int a = c - '1';
            if (a < 0 || a >= nargs || a >= MAXARGS) { rc = sqlexpr_refuse(x->why, "bad template"); break; }
            int wrap = p[-1] == '%' && !sqlexpr_is_operand(x, as[a], ae[a]);
            if (wrap) xl_put(x, 0, "(");
            if ((rc = xl_sub(x, as[a], ae[a], 0)) != 0) break;
            if (wrap) xl_put(x, 0, ")");
        } else {
            for (int a = 0; a < nargs && a < MAXARGS && !rc; a++) {
                if (a) xl_put(x, 0, c == '*' ? ", " : " || ");
                int wrap = c == '|' && !sqlexpr_is_operand(x, as[a], ae[a]);
                if (wrap) xl_put(x, 0, "(");
                if (c == 'c') xl_put(x, 0, "coalesce(");
                rc = xl_sub(x, as[a], ae[a], 0);
                if (wrap && !rc) xl_put(x, 0, ")");
                if (c == 'c' && !rc) xl_put(x, 0, ", '')");
            }
            if (rc) break;
        }
        first = 0;
    }
    strbuf_free(&seg);
    return rc;
}

/* gconcat — group_concat / string_agg at i, rebuilt for the target:
 *   SQLite      group_concat([DISTINCT] x [, sep])  (no separator with DISTINCT)
 *   PostgreSQL  string_agg([DISTINCT] x::text, sep [ORDER BY ...])
 *   MySQL       group_concat([DISTINCT] x [ORDER BY ...] [SEPARATOR 'sep'])
 * The default separator is ','. */
static int gconcat(xl *x, int i, int open, int close)
{
    const tok *t = x->tl->v;
    char nb[48];
    const char *name = sqlexpr_clip(nb, sizeof nb, t[i].val);
    int as[MAXARGS], ae[MAXARGS];
    int nargs = args_split(x, open, close, as, ae, MAXARGS);
    int vs = open + 1, ve, ss = -1, se = -1, os = -1, oe = -1;      /* value, separator, order */
    int ord = find_word(x, open + 1, close, "ORDER");

    if (x->from == SQL_MYSQL) {
        int sepw = find_word(x, open + 1, close, "SEPARATOR");
        ve = ord >= 0 ? ord : sepw >= 0 ? sepw : close;
        if (sepw >= 0) { ss = sepw + 1; se = close; }
        if (ord >= 0) { os = ord + 2; oe = sepw >= 0 ? sepw : close; }
        for (int j = vs; j < ve; j++) {
            if (t[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
            if (t[j].kind == TK_COMMA)
                return sqlexpr_refuse(x->why, "%s() of several values is not translated", name);
        }
    } else {
        if (x->from == SQL_SQLITE && (nargs < 1 || nargs > 2))
            return sqlexpr_refuse(x->why, "%s() with %d arguments", name, nargs);
        if (x->from == SQL_POSTGRESQL && nargs != 2)
            return sqlexpr_refuse(x->why, "%s() with %d arguments", name, nargs);
        if (ord >= 0 && x->from == SQL_SQLITE)
            return sqlexpr_refuse(x->why, "%s() with ORDER BY is not translated", name);
        ve = ae[0] < close && nargs >= 1 ? ae[0] : close;
        if (nargs == 2) { ss = as[1]; se = ord >= 0 ? ord : ae[1]; }
        if (ord >= 0) { os = ord + 2; oe = close; }
    }
    int distinct = vs < ve && word_is(&t[vs], "DISTINCT");
    if (distinct) vs++;
    if (vs >= ve) return sqlexpr_refuse(x->why, "%s() without a value", name);
    const tok *sep = ss >= 0 ? const_string(x, ss, se) : NULL;
    int default_sep = ss < 0 || (sep && !strcmp(sep->val, ","));

    switch (x->to) {
    case SQL_POSTGRESQL: {
        int simple = sqlexpr_is_operand(x, vs, ve) && (ve - vs == 1 || t[vs].kind != TK_LPAREN);
        /* a dotted name or a literal needs no parentheses before ::text */
        for (int j = vs; simple && j < ve; j++)
            if ((j - vs) % 2 == 0 ? !(t[j].kind == TK_QUOTED || t[j].kind == TK_WORD ||
                                      t[j].kind == TK_STRING || t[j].kind == TK_NUMBER)
                                  : t[j].kind != TK_DOT)
                simple = 0;
        if ((ve - vs) % 2 == 0) simple = 0;
        xl_put(x, t[i].space, "string_agg");
        xl_put(x, t[open].space, "(");
        if (distinct) xl_put(x, 0, "DISTINCT ");
        if (!simple) xl_put(x, 0, "(");
        if (xl_sub(x, vs, ve, 0)) return -1;
        x->sep = -1;
        xl_put(x, 0, simple ? "::text," : ")::text,");
        if (ss >= 0) {
            if (xl_range(x, ss, se, 0)) return -1;
        } else {
            xl_put(x, 1, "','");
        }
        if (os >= 0) {
            xl_put(x, 1, "ORDER BY");
            x->sep = 1;
            if (xl_range(x, os, oe, 0)) return -1;
        }
        xl_put(x, t[close].space, ")");
        return 0;
    }
    case SQL_SQLITE:
        if (os >= 0)
            return sqlexpr_refuse(x->why, "%s() with ORDER BY has no SQLite equivalent", name);
        if (distinct && !default_sep)
            return sqlexpr_refuse(x->why, "SQLite's group_concat(DISTINCT ...) takes no separator");
        xl_put(x, t[i].space, "group_concat(");
        if (distinct) xl_put(x, 0, "DISTINCT ");
        if (xl_sub(x, vs, ve, 0)) return -1;
        if (!default_sep) {
            xl_put(x, 0, ",");
            x->sep = 1;
            if (xl_range(x, ss, se, 0)) return -1;
        }
        xl_put(x, 0, ")");
        return 0;
    case SQL_MYSQL:
        if (!default_sep && !(sep && !strchr(sep->val, '\\')))
            return sqlexpr_refuse(x->why, "%s() with a separator that is not a constant has no "
                                  "MySQL equivalent", name);
        xl_put(x, t[i].space, "group_concat(");
        if (distinct) xl_put(x, 0, "DISTINCT ");
        if (xl_sub(x, vs, ve, 0)) return -1;
        if (os >= 0) {
            xl_put(x, 1, "ORDER BY");
            x->sep = 1;
            if (xl_range(x, os, oe, 0)) return -1;
        }
        if (!default_sep) {
            xl_put(x, 1, "SEPARATOR");
            x->sep = 1;
            if (xl_range(x, ss, se, 0)) return -1;
        }
        xl_put(x, 0, ")");
        return 0;
    }
    return 0;
}

/* sql_syntax — PostgreSQL's and MySQL's SQL-standard call forms:
 * SUBSTRING(x FROM a [FOR b]) -> substr(x, a[, b]);
 * TRIM([BOTH|LEADING|TRAILING] [c] FROM x) -> trim/btrim, ltrim, rtrim;
 * POSITION(a IN b) -> instr(b, a) / strpos(b, a). EXTRACT and OVERLAY are
 * refused. Returns 1 when the call is not in such a form. */
static int sql_syntax(xl *x, int i, int open, int close, const char *low)
{
    const tok *t = x->tl->v;
    const char *tgt = sqlexpr_target(x);
    if (!strcmp(low, "extract") || !strcmp(low, "overlay")) {
        if (find_word(x, open + 1, close, "FROM") < 0 && find_word(x, open + 1, close, "PLACING") < 0)
            return 1;
        return sqlexpr_refuse(x->why, "%s(... FROM ...) (date arithmetic) is not translated to %s",
                              low[0] == 'e' ? "EXTRACT" : "OVERLAY", tgt);
    }
    if (!strcmp(low, "substring")) {
        int f = find_word(x, open + 1, close, "FROM"), g = find_word(x, open + 1, close, "FOR");
        if (f < 0) return 1;
        xl_put(x, t[i].space, "substr(");
        if (xl_sub(x, open + 1, f, 0)) return -1;
        xl_put(x, 0, ", ");
        if (xl_sub(x, f + 1, g >= 0 ? g : close, 0)) return -1;
        if (g >= 0) {
            xl_put(x, 0, ", ");
            if (xl_sub(x, g + 1, close, 0)) return -1;
        }
        xl_put(x, 0, ")");
        return 0;
    }
    if (!strcmp(low, "position")) {
        int in = find_word(x, open + 1, close, "IN");
        if (in < 0) return 1;
        xl_put(x, t[i].space, x->to == SQL_POSTGRESQL ? "strpos(" : "instr(");
        if (xl_sub(x, in + 1, close, 0)) return -1;
        xl_put(x, 0, ", ");
        if (xl_sub(x, open + 1, in, 0)) return -1;
        xl_put(x, 0, ")");
        return 0;
    }
    if (!strcmp(low, "trim")) {
        int s = open + 1, f = find_word(x, open + 1, close, "FROM");
        const char *fn = "trim";
        if (s < close && (word_is(&t[s], "BOTH") || word_is(&t[s], "LEADING") || word_is(&t[s], "TRAILING"))) {
            fn = word_is(&t[s], "LEADING") ? "ltrim" : word_is(&t[s], "TRAILING") ? "rtrim" : "trim";
            s++;
        } else if (f < 0) {
            return 1;
        }
        if (f < 0) return sqlexpr_refuse(x->why, "TRIM without FROM is not translated");
        if (!strcmp(fn, "trim") && x->to == SQL_POSTGRESQL) fn = "btrim";
        if (s < f && x->to == SQL_MYSQL && !(f == s + 1 && t[s].kind == TK_STRING && strlen(t[s].val) == 1))
            return sqlexpr_refuse(x->why, "TRIM of a set of characters has no MySQL equivalent");
        if (s < f && x->from == SQL_MYSQL && !(f == s + 1 && t[s].kind == TK_STRING && strlen(t[s].val) == 1))
            return sqlexpr_refuse(x->why, "MySQL's TRIM of a string has no %s equivalent", tgt);
        if (s < f && x->to == SQL_MYSQL) {
            /* one character: MySQL's TRIM(BOTH 'c' FROM x) means the same */
            xl_put(x, t[i].space, "TRIM(");
            xl_put(x, 0, fn[0] == 'l' ? "LEADING " : fn[0] == 'r' ? "TRAILING " : "BOTH ");
            if (xl_sub(x, s, f, 0)) return -1;
            xl_put(x, 1, "FROM");
            x->sep = 1;
            if (xl_range(x, f + 1, close, 0)) return -1;
            xl_put(x, 0, ")");
            return 0;
        }
        xl_put(x, t[i].space, fn);
        xl_put(x, 0, "(");
        if (xl_sub(x, f + 1, close, 0)) return -1;
        if (s < f) {
            xl_put(x, 0, ", ");
            if (xl_sub(x, s, f, 0)) return -1;
        }
        xl_put(x, 0, ")");
        return 0;
    }
    return 1;
}

/* sqlexpr_function — a call name(args) at i; known functions are emitted
 * or rewritten through the table, all others refused. A same-dialect pair
 * keeps every call as written. */
int sqlexpr_function(xl *x, int i, int *next)
{
    const tok *t = x->tl->v;
    int open = i + 1, close = x->tl->match[open];
    char nb[48], low[24];
    const char *name = sqlexpr_clip(nb, sizeof nb, t[i].val);
    *next = close + 1;
    if (x->same) {
        strbuf q = STRBUF_INIT;
        if (t[i].kind == TK_QUOTED) sqlexpr_quote_ident(x->to, &q, t[i].val);
        else strbuf_adds(&q, t[i].val);
        xl_put(x, t[i].space, strbuf_cstr(&q));
        strbuf_free(&q);
        xl_put(x, t[open].space, "(");
        if (xl_range(x, open + 1, close, 0)) return -1;
        xl_put(x, t[close].space, ")");
        return 0;
    }
    if (x->from != SQL_SQLITE && sqlexpr_case(low, sizeof low, t[i].val, 0) == 0) {
        int rc = sql_syntax(x, i, open, close, low);
        if (rc <= 0) return rc;
    }
    int as[MAXARGS], ae[MAXARGS];
    int nargs = args_split(x, open, close, as, ae, MAXARGS), known = 0;
    const fn_row *r = sqlexpr_fn_find(x->from, t[i].val, nargs, &known);
    if (!r && known && sqlexpr_fn_has_target(x->from, x->to, t[i].val))
        return sqlexpr_refuse(x->why, "%s() with %d arguments", name, nargs);
    if (!r)
        return sqlexpr_refuse(x->why, "function %s() has no %s equivalent", name, sqlexpr_target(x));
    const fn_cell *c = &r->d[DI(x->to)];
    if (!c->emit)
        return sqlexpr_refuse(x->why, "function %s() has no %s equivalent%s%s", name,
                              sqlexpr_target(x), r->note ? ": " : "", r->note ? r->note : "");
    if (r->d[DI(x->from)].how == FN_GCONCAT) return gconcat(x, i, open, close);
    if (nargs > MAXARGS) return sqlexpr_refuse(x->why, "%s() with %d arguments", name, nargs);
    switch (c->how) {
    case FN_KEYWORD:
        if (nargs == 1 && !(ae[0] == as[0] + 1 && t[as[0]].kind == TK_NUMBER))
            return sqlexpr_refuse(x->why, "%s() with an argument", name);
        xl_put(x, t[i].space, c->emit);
        return 0;
    case FN_TEMPLATE:
        return emit_template(x, i, c->emit, nargs, as, ae);
    case FN_CALL:
    case FN_GCONCAT:
        break;
    }
    xl_put(x, t[i].space, c->emit);
    xl_put(x, t[open].space, "(");
    if (xl_range(x, open + 1, close, 0)) return -1;
    xl_put(x, t[close].space, ")");
    return 0;
}

/* ----------------------------------------------------------------- casts */

/* sqlexpr_cast — CAST(expr AS type) at i with the type mapped. */
int sqlexpr_cast(xl *x, int i, int *next)
{
    const tok *t = x->tl->v;
    int open = i + 1, close = x->tl->match[open], as = -1;
    for (int j = open + 1; j < close; j++) {
        if (t[j].kind == TK_LPAREN) { j = x->tl->match[j]; continue; }
        if (word_is(&t[j], "AS")) as = j;
    }
    *next = close + 1;
    if (as < 0) return sqlexpr_refuse(x->why, "CAST without AS");
    char ty[64];
    if (x->same) {
        xl_put(x, t[i].space, "CAST");
        xl_put(x, t[open].space, "(");
        if (xl_sub(x, open + 1, as, 0)) return -1;
        xl_put(x, 1, "AS");
        strbuf tb = STRBUF_INIT;
        sqlexpr_render_tokens(x->tl, as + 1, close, &tb);
        if (x->to == SQL_MYSQL) {
            /* `name` quoting for a MySQL type is never needed: keep the words */
            for (size_t k = 0; k < tb.len; k++) if (tb.buf[k] == '"') tb.buf[k] = '`';
        }
        xl_put(x, 1, strbuf_cstr(&tb));
        strbuf_free(&tb);
        xl_put(x, t[close].space, ")");
        return 0;
    }
    cast_type ct;
    sqlexpr_cast_parse(x->from, x->tl, as + 1, close, &ct);
    if (sqlexpr_cast_target(x->from, x->to, &ct, ty, sizeof ty) != 0)
        return sqlexpr_refuse(x->why, "CAST to %s has no %s equivalent", ct.text, sqlexpr_target(x));
    xl_put(x, t[i].space, "CAST");
    xl_put(x, t[open].space, "(");
    if (xl_sub(x, open + 1, as, 0)) return -1;
    xl_put(x, 1, "AS");
    xl_put(x, 1, ty);
    xl_put(x, t[close].space, ")");
    return 0;
}

/* cast_literal — the literal text s cast to ct (a PostgreSQL 'text'::type)
 * written for the target into out; 0 or -1 with the reason. */
static int cast_literal(xl *x, const char *s, const cast_type *ct, strbuf *out)
{
    char body[NUM_MAXDIG + 40], cb[48];
    const char *shown = sqlexpr_clip(cb, sizeof cb, s);
    int neg, zone;
    switch (ct->kind) {
    case CK_TEXT:
        if (ct->p >= 0 && utf8_count(s, strlen(s)) > (size_t)ct->p)
            return sqlexpr_refuse(x->why, "'%s'::%s cuts the text", shown, ct->text);
        /* fall through */
    case CK_JSON:
        sqlexpr_quote_literal(x->to, out, s);
        return 0;
    case CK_UUID: {
        char u[37];
        if (sqlexpr_uuid_canon(s, u) != 0) break;
        sqlexpr_quote_literal(x->to, out, u);
        return 0;
    }
    case CK_INT: case CK_DECIMAL: case CK_FLOAT: {
        if (sqlexpr_num_text_syntax(s, body, sizeof body, &neg) != 0) break;
        num n;
        if (sqlexpr_num_parse(body, neg, &n) != 0) break;
        if (ct->kind == CK_INT && n.exp < 0) break;
        if (ct->kind == CK_FLOAT) {
            if (neg) strbuf_addc(out, '-');
            strbuf_adds(out, body);
        } else {
            sqlexpr_num_plain(&n, out);
        }
        return 0;
    }
    case CK_BOOL: {
        static const char *const f[] = {"f", "false", "n", "no", "off", "0"},
                          *const tr[] = {"t", "true", "y", "yes", "on", "1"};
        for (int k = 0; k < 6; k++) {
            if (!sqlexpr_casecmp(s, f[k])) { strbuf_adds(out, x->to == SQL_POSTGRESQL ? "false" : "0"); return 0; }
            if (!sqlexpr_casecmp(s, tr[k])) { strbuf_adds(out, x->to == SQL_POSTGRESQL ? "true" : "1"); return 0; }
        }
        break;
    }
    case CK_DATE:
        if (!sqlexpr_valid_datetime(s, 0, &zone)) break;
        if (x->to == SQL_MYSQL) strbuf_adds(out, "DATE ");
        sqlexpr_quote_literal(x->to, out, s);
        return 0;
    case CK_TIME: {
        const char *p = s;
        if (sqlexpr_scan_time(&p) != 0 || *p) break;
        if (x->to == SQL_MYSQL) strbuf_adds(out, "TIME ");
        sqlexpr_quote_literal(x->to, out, s);
        return 0;
    }
    case CK_TIMESTAMP:
        if (!sqlexpr_valid_datetime(s, 1, &zone) || zone) break;
        if (x->to == SQL_MYSQL) strbuf_adds(out, "TIMESTAMP ");
        sqlexpr_quote_literal(x->to, out, s);
        return 0;
    case CK_TIMESTAMPTZ: {
        strbuf u = STRBUF_INIT;
        if (!sqlexpr_valid_datetime(s, 1, &zone) || sqlexpr_utc_text(s, &u) != 0) {
            strbuf_free(&u);
            break;
        }
        /* ferry keeps a timestamptz as UTC: text with +00:00 in SQLite,
         * a datetime(6) in MySQL */
        if (x->to == SQL_MYSQL) strbuf_adds(out, "TIMESTAMP ");
        else strbuf_adds(&u, "+00:00");
        sqlexpr_quote_literal(x->to, out, strbuf_cstr(&u));
        strbuf_free(&u);
        return 0;
    }
    case CK_BYTES:
        if (s[0] == '\\' && s[1] == 'x') {
            strbuf hx = STRBUF_INIT;
            int ok = strlen(s + 2) % 2 == 0;
            for (const char *p = s + 2; ok && *p; p++) {
                if (!a_xdigit((unsigned char)*p)) ok = 0;
                strbuf_addc(&hx, (char)a_lower((unsigned char)*p));
            }
            if (ok) sqlexpr_quote_blob(x->to, out, strbuf_cstr(&hx));
            strbuf_free(&hx);
            if (ok) return 0;
            break;
        }
        if (!strchr(s, '\\')) {
            strbuf hx = STRBUF_INIT;
            strbuf_addhex(&hx, s, strlen(s));
            sqlexpr_quote_blob(x->to, out, strbuf_cstr(&hx));
            strbuf_free(&hx);
            return 0;
        }
        break;
    default:
        if (!strncmp(ct->text, "interval", 8))
            return sqlexpr_refuse(x->why, "date arithmetic ('%s'::interval) is not translated", shown);
        return sqlexpr_refuse(x->why, "cast to %s has no %s equivalent", ct->text, sqlexpr_target(x));
    }
    return sqlexpr_refuse(x->why, "'%s'::%s is not a valid %s value", shown, ct->text, ct->text);
}

/* literal_operand — the literal of the operand [l, i): a string, a number
 * (optionally signed), or NULL, possibly in parentheses. Sets *s to its
 * text (negative numbers into buf) and *null; 0, or -1 when it is none. */
static int literal_operand(const xl *x, int l, int i, const char **s, int *null, char *buf, size_t n)
{
    const tok *t = x->tl->v;
    while (i - l >= 2 && t[l].kind == TK_LPAREN && x->tl->match[l] == i - 1) { l++; i--; }
    *null = 0;
    if (i - l == 1 && (t[l].kind == TK_STRING || t[l].kind == TK_NUMBER)) { *s = t[l].val; return 0; }
    if (i - l == 1 && word_is(&t[l], "NULL")) { *null = 1; return 0; }
    if (i - l == 2 && op_is(&t[l], "-") && t[l + 1].kind == TK_NUMBER) {
        snprintf(buf, n, "-%s", t[l + 1].val);
        *s = buf;
        return 0;
    }
    return -1;
}

/* sqlexpr_op_pgcast — PostgreSQL's "operand::type" at i (the operand is
 * already written). A literal operand is re-written as the target's
 * literal of that type ('2024-01-01'::date -> DATE '2024-01-01' on MySQL,
 * (0)::numeric -> 0), NULL::type is NULL, anything else becomes
 * CAST(operand AS type). */
int sqlexpr_op_pgcast(xl *x, int i, int lo, int hi, int *next)
{
    cast_type ct;
    int n = sqlexpr_cast_parse(SQL_POSTGRESQL, x->tl, i + 1, hi, &ct);
    if (!n) return sqlexpr_refuse(x->why, ":: without a type");
    *next = i + 1 + n;
    int l = sqlexpr_left_start(x, lo, i, P_CAST);
    if (l >= i) return sqlexpr_refuse(x->why, ":: without an operand");
    const char *lit = NULL;
    char buf[NUM_MAXDIG + 8];
    int null = 0;
    if (literal_operand(x, l, i, &lit, &null, buf, sizeof buf) == 0) {
        strbuf lt = STRBUF_INIT;
        int rc = 0;
        if (null) strbuf_adds(&lt, "NULL");
        else rc = cast_literal(x, lit, &ct, &lt);
        if (rc == 0 && x->mark[l] > x->out->len)
            rc = sqlexpr_refuse(x->why, "operand not understood near %.20s", x->tl->v[l].val);
        if (rc == 0) {
            size_t pos = x->mark[l];
            int space = pos < x->out->len && x->out->buf[pos] == ' ';
            x->out->len = pos;
            x->out->buf[pos] = '\0';
            x->sep = 0;
            xl_put(x, space || x->tl->v[l].space, strbuf_cstr(&lt));
        }
        strbuf_free(&lt);
        return rc;
    }
    char ty[64];
    if (sqlexpr_cast_target(SQL_POSTGRESQL, x->to, &ct, ty, sizeof ty) != 0)
        return sqlexpr_refuse(x->why, "cast to %s has no %s equivalent", ct.text, sqlexpr_target(x));
    if (x->mark[l] > x->out->len)
        return sqlexpr_refuse(x->why, "operand not understood near %.20s", x->tl->v[l].val);
    if (x->tl->v[l].kind == TK_LPAREN && x->tl->match[l] == i - 1 && sqlexpr_is_operand(x, l + 1, i - 1)) {
        /* (name)::type: CAST(name AS type), without the parentheses */
        size_t pos = x->mark[l];
        int space = pos < x->out->len && x->out->buf[pos] == ' ';
        x->out->len = pos;
        x->out->buf[pos] = '\0';
        x->sep = 0;
        xl_put(x, space || x->tl->v[l].space, "CAST(");
        if (xl_sub(x, l + 1, i - 1, 0)) return -1;
    } else {
        if (sqlexpr_wrap_left(x, l, i, "CAST(")) return -1;
    }
    xl_put(x, 1, "AS");
    xl_put(x, 1, ty);
    xl_put(x, 0, ")");
    return 0;
}

/* ------------------------------------------------------------------ LIKE */

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
             op_is(&t[j], "<") || op_is(&t[j], ">") || op_is(&t[j], "<=") || op_is(&t[j], ">=") ||
             op_is(&t[j], "<=>") || op_is(&t[j], "&&") ||
             (x->from == SQL_MYSQL && op_is(&t[j], "||"))))
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
        if (cases == 0 && sqlexpr_is_keyword(x->from, U) && strcmp(U, "NULL") && strcmp(U, "TRUE") &&
            strcmp(U, "FALSE") && strcmp(U, "CAST") && strcmp(U, "COLLATE") &&
            strncmp(U, "CURRENT_", 8))
            return j;
    }
    return hi;
}

/* like_to_glob — the LIKE pattern p (escape character esc, 0 for none) as
 * a GLOB pattern: % -> *, _ -> ?, GLOB's own * ? [ bracketed. */
static void like_to_glob(const char *p, char esc, strbuf *g)
{
    for (; *p; p++) {
        char c = *p;
        if (esc && c == esc && p[1]) {
            c = *++p;
        } else if (c == '%') { strbuf_addc(g, '*'); continue; }
        else if (c == '_') { strbuf_addc(g, '?'); continue; }
        if (c == '*' || c == '?' || c == '[') {
            strbuf_addc(g, '[');
            strbuf_addc(g, c);
            strbuf_addc(g, ']');
        } else {
            strbuf_addc(g, c);
        }
    }
}

/* like_rescape — the LIKE pattern p (escape character esc, 0 for none)
 * rewritten to escape with '!' (no backslash special). */
static void like_rescape(const char *p, char esc, strbuf *r)
{
    for (; *p; p++) {
        char c = *p;
        if (esc && c == esc && p[1]) {
            c = *++p;
            if (c == '%' || c == '_' || c == '!') strbuf_addc(r, '!');
            strbuf_addc(r, c);
            continue;
        }
        if (c == '!') strbuf_addc(r, '!');
        strbuf_addc(r, c);
    }
}

/* sqlexpr_op_like — LIKE / ILIKE (keyword at i) or PostgreSQL's ~~ ~~*
 * !~~ !~~* (operator at i), with its pattern and optional ESCAPE, written
 * for the target (see the table at the top of this file). */
int sqlexpr_op_like(xl *x, int i, int hi, int *next)
{
    const tok *t = x->tl->v, *k = &t[i];
    int ci, neg = 0;
    char esc;                                 /* the source's escape character, 0 none */
    if (k->kind == TK_OP) {
        neg = k->val[0] == '!';
        ci = k->val[strlen(k->val) - 1] == '*';
    } else {
        ci = x->from != SQL_POSTGRESQL || word_is(k, "ILIKE");
    }
    esc = x->from == SQL_SQLITE ? 0 : '\\';
    int e = operand_end(x, i + 1, hi);
    if (e == i + 1) return sqlexpr_refuse(x->why, "LIKE without a pattern");
    int pl = i + 1, ph = e;                   /* the pattern's tokens */
    int has_esc = e < hi && word_is(&t[e], "ESCAPE"), call = 0, end = e;
    if (has_esc) {
        int ee = e + 1 < hi ? pg_cast_end(x, e + 2, hi) : hi;
        const tok *et = e + 1 < hi ? const_string(x, e + 1, ee) : NULL;
        if ((!et || strlen(et->val) > 1) && x->to == SQL_POSTGRESQL && x->from == SQL_SQLITE) {
            /* PostgreSQL takes the clause as it is: the loop writes it */
            xl_put(x, k->space, ci ? "ILIKE" : "LIKE");
            *next = e;
            return xl_range(x, pl, ph, 0);
        }
        if (!et || strlen(et->val) > 1)
            return sqlexpr_refuse(x->why, "LIKE ... ESCAPE with a computed escape is not translated");
        esc = et->val[0];
        end = ee;
    } else if (x->from == SQL_POSTGRESQL && e - pl >= 4 && word_is(&t[pl], "like_escape") &&
               t[pl + 1].kind == TK_LPAREN && x->tl->match[pl + 1] == e - 1) {
        /* how PostgreSQL prints LIKE p ESCAPE c: ~~ like_escape(p, c) */
        int as[2], ae[2];
        const tok *et = args_split(x, pl + 1, e - 1, as, ae, 2) == 2 ? const_string(x, as[1], ae[1]) : NULL;
        if (!et || strlen(et->val) > 1)
            return sqlexpr_refuse(x->why, "LIKE ... ESCAPE with a computed escape is not translated");
        esc = et->val[0];
        pl = as[0];
        ph = ae[0];
        has_esc = call = 1;
    }
    const tok *pat = const_string(x, pl, ph);
    char lit[8];                              /* the escape character as a literal */
    snprintf(lit, sizeof lit, esc == '\'' ? "''''" : "'%c'", esc);
    *next = end;
#define PATTERN_SPACE() do { if (call) x->sep = 1; } while (0)

    switch (x->to) {
    case SQL_POSTGRESQL:
        xl_put(x, k->space, ci ? "ILIKE" : "LIKE");
        if (xl_range(x, pl, ph, 0)) return -1;
        if (has_esc) return xl_range(x, e, end, 0);
        if (!esc && !(pat && !strchr(pat->val, '\\'))) xl_put(x, 1, "ESCAPE ''");
        return 0;
    case SQL_SQLITE:
        if (!ci) {
            if (!pat)
                return sqlexpr_refuse(x->why, "case-sensitive LIKE with a computed pattern has no "
                                      "SQLite equivalent");
            strbuf g = STRBUF_INIT, q = STRBUF_INIT;
            like_to_glob(pat->val, esc, &g);
            sqlexpr_quote_literal(SQL_SQLITE, &q, strbuf_cstr(&g));
            xl_put(x, k->space, neg ? "NOT GLOB" : "GLOB");
            xl_put(x, 1, strbuf_cstr(&q));
            strbuf_free(&g);
            strbuf_free(&q);
            return 0;
        }
        xl_put(x, k->space, neg ? "NOT LIKE" : "LIKE");
        PATTERN_SPACE();
        if (xl_range(x, pl, ph, 0)) return -1;
        if (has_esc && !call) return xl_range(x, e, end, 0);
        if (esc && !(pat && !strchr(pat->val, esc))) {
            xl_put(x, 1, "ESCAPE");
            xl_put(x, 1, lit);
        }
        return 0;
    case SQL_MYSQL:
        xl_put(x, k->space, neg ? "NOT LIKE" : "LIKE");
        if (pat && (strchr(pat->val, '\\') || (esc && strchr(pat->val, esc)) || (has_esc && esc == '\\'))) {
            /* rewrite to escape with '!': no backslash is special then */
            strbuf r = STRBUF_INIT, q = STRBUF_INIT;
            like_rescape(pat->val, esc, &r);
            sqlexpr_quote_literal(SQL_MYSQL, &q, strbuf_cstr(&r));
            xl_put(x, 1, strbuf_cstr(&q));
            if (!ci) xl_put(x, 1, "COLLATE utf8mb4_bin");
            xl_put(x, 1, "ESCAPE '!'");
            strbuf_free(&r);
            strbuf_free(&q);
            return 0;
        }
        if (!pat && !esc)
            return sqlexpr_refuse(x->why, "LIKE with a computed pattern and no escape character has "
                                  "no MySQL equivalent (MySQL escapes with \\)");
        if (has_esc && esc == '\\')
            return sqlexpr_refuse(x->why, "LIKE ... ESCAPE '\\' with a computed pattern is not "
                                  "translated to MySQL");
        if (ci) {
            PATTERN_SPACE();
            if (xl_range(x, pl, ph, 0)) return -1;
        } else {
            if (put_operand(x, pl, ph)) return -1;
            xl_put(x, 1, "COLLATE utf8mb4_bin");
        }
        if (has_esc && esc) {
            xl_put(x, 1, "ESCAPE");
            xl_put(x, 1, lit);
        }
        return 0;
    }
#undef PATTERN_SPACE
    return 0;
}

/* ------------------------------------------------- IS, <=>, ||, ANY, ! */

/* nullsafe — the NULL-safe comparison of the operand before i with the one
 * starting at j (equal when eq), the source operator being of precedence
 * prec: PostgreSQL IS [NOT] DISTINCT FROM, SQLite IS [NOT], MySQL <=>
 * (negated as NOT (a <=> b)). */
static int nullsafe(xl *x, int i, int lo, int hi, int j, int eq, int prec, int *next)
{
    const tok *t = x->tl->v;
    int r = sqlexpr_right_end(x, j, hi, prec);
    if (r == j) return sqlexpr_refuse(x->why, "comparison without a right operand");
    *next = r;
    switch (x->to) {
    case SQL_POSTGRESQL: {
        int l = sqlexpr_left_start(x, lo, i, prec);
        if (sqlexpr_wrap_left(x, l, i, "(")) return -1;
        xl_put(x, 1, eq ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM");
        if (put_operand(x, j, r)) return -1;
        xl_put(x, 0, ")");
        return 0;
    }
    case SQL_SQLITE: {
        int l = sqlexpr_left_start(x, lo, i, prec);
        if (sqlexpr_wrap_left(x, l, i, "(")) return -1;
        xl_put(x, t[i].space, eq ? "IS" : "IS NOT");
        if (put_operand(x, j, r)) return -1;
        xl_put(x, 0, ")");
        return 0;
    }
    case SQL_MYSQL: {
        int l = sqlexpr_left_start(x, lo, i, prec);
        if (sqlexpr_wrap_left(x, l, i, eq ? "(" : "NOT (")) return -1;
        xl_put(x, t[i].space, "<=>");
        if (put_operand(x, j, r)) return -1;
        xl_put(x, 0, ")");
        return 0;
    }
    }
    return 0;
}

/* sqlexpr_op_is — IS at i: IS [NOT] NULL / TRUE / FALSE / UNKNOWN stay
 * (UNKNOWN is NULL in SQLite); IS [NOT] DISTINCT FROM and SQLite's
 * general "a IS [NOT] b" are NULL-safe comparisons. From SQLite to
 * PostgreSQL the words are only swapped. */
int sqlexpr_op_is(xl *x, int i, int lo, int hi, int *next)
{
    const tok *t = x->tl->v, *k = &t[i];
    int j = i + 1, neg = 0;
    if (j < hi && word_is(&t[j], "NOT")) { neg = 1; j++; }
    *next = j;
    if (x->from == SQL_SQLITE && x->to == SQL_POSTGRESQL) {
        /* SQLite's "a IS b" / "a IS NOT b" compare any values, NULL-safe */
        if (j < hi && (word_is(&t[j], "NULL") || word_is(&t[j], "TRUE") ||
                       word_is(&t[j], "FALSE") || word_is(&t[j], "DISTINCT"))) {
            xl_put(x, k->space, "IS");
            if (neg) xl_put(x, t[i + 1].space, "NOT");
        } else {
            xl_put(x, k->space, neg ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM");
        }
        return 0;
    }
    if (j < hi && word_is(&t[j], "NULL")) {
        xl_put(x, k->space, neg ? "IS NOT" : "IS");
        return 0;
    }
    if (j < hi && (word_is(&t[j], "TRUE") || word_is(&t[j], "FALSE") || word_is(&t[j], "UNKNOWN"))) {
        char U[8];
        sqlexpr_case(U, sizeof U, t[j].val, 1);
        if (!strcmp(U, "UNKNOWN") && x->to == SQL_SQLITE) strcpy(U, "NULL");
        xl_put(x, k->space, neg ? "IS NOT" : "IS");
        xl_put(x, t[j].space, U);
        *next = j + 1;
        return 0;
    }
    int prec = x->from == SQL_POSTGRESQL ? P_IS : P_EQ;
    if (j + 1 < hi && word_is(&t[j], "DISTINCT") && word_is(&t[j + 1], "FROM"))
        return nullsafe(x, i, lo, hi, j + 2, neg, prec, next);
    if (x->from != SQL_SQLITE) {
        char cb[24];
        return sqlexpr_refuse(x->why, "IS %s has no %s equivalent",
                              j < hi ? sqlexpr_clip(cb, sizeof cb, t[j].val) : "", sqlexpr_target(x));
    }
    return nullsafe(x, i, lo, hi, j, !neg, prec, next);
}

/* sqlexpr_op_nullsafe — MySQL's a <=> b at i. */
int sqlexpr_op_nullsafe(xl *x, int i, int lo, int hi, int *next)
{
    return nullsafe(x, i, lo, hi, i + 1, 1, P_EQ, next);
}

/* sqlexpr_op_concat — a || b at i, for MySQL (where || is OR):
 * concat(a, b); chains nest: concat(concat(a, b), c). */
int sqlexpr_op_concat(xl *x, int i, int lo, int hi, int *next)
{
    int prec = x->from == SQL_POSTGRESQL ? P_OTHER : P_CONCAT;
    int l = sqlexpr_left_start(x, lo, i, prec), r = sqlexpr_right_end(x, i + 1, hi, prec);
    if (l >= i || r == i + 1) return sqlexpr_refuse(x->why, "|| without an operand");
    if (sqlexpr_wrap_left(x, l, i, "concat(")) return -1;
    xl_put(x, 0, ",");
    x->sep = 1;
    if (xl_range(x, i + 1, r, 0)) return -1;
    xl_put(x, 0, ")");
    *next = r;
    return 0;
}

/* sqlexpr_op_any — PostgreSQL's "x = ANY (ARRAY[...])" (how it prints
 * x IN (...)) and "x <> ALL (ARRAY[...])" (x NOT IN (...)), the array
 * possibly cast ((ARRAY[...])::text[]), or a subquery. */
int sqlexpr_op_any(xl *x, int i, int *next)
{
    const tok *t = x->tl->v;
    const char *tgt = sqlexpr_target(x);
    int eq = op_is(&t[i], "="), any = !word_is(&t[i + 1], "ALL");
    int g = i + 2, ge = x->tl->match[g];
    *next = ge + 1;
    if (eq != any)
        return sqlexpr_refuse(x->why, "%s %s (...) has no %s equivalent", t[i].val, t[i + 1].val, tgt);
    const char *in = eq ? "IN" : "NOT IN";
    if (g + 1 < ge && word_is(&t[g + 1], "SELECT")) {
        xl_put(x, t[i].space, in);
        xl_put(x, t[g].space, "(");
        if (xl_sub(x, g + 1, ge, 0)) return -1;
        xl_put(x, 0, ")");
        return 0;
    }
    int a = g + 1, ae = ge;
    if (a < ae && t[a].kind == TK_LPAREN) {
        /* (ARRAY[...])::type[] */
        int m = x->tl->match[a];
        if (pg_cast_end(x, m + 1, ae) != ae) goto refuse;
        ae = m;
        a++;
    }
    if (!(a + 1 < ae && word_is(&t[a], "ARRAY") && op_is(&t[a + 1], "["))) goto refuse;
    int rb = close_bracket(x, a + 1, ae);
    if (rb < 0 || pg_cast_end(x, rb + 1, ae) != ae) goto refuse;
    if (rb == a + 2) return sqlexpr_refuse(x->why, "%s %s of an empty array is not translated",
                                           t[i].val, t[i + 1].val);
    xl_put(x, t[i].space, in);
    xl_put(x, 1, "(");
    if (xl_sub(x, a + 2, rb, 0)) return -1;
    xl_put(x, 0, ")");
    return 0;
refuse:
    return sqlexpr_refuse(x->why, "%s %s (...) of a computed array has no %s equivalent",
                          t[i].val, t[i + 1].val, tgt);
}

/* sqlexpr_op_not_bang — MySQL's !x (binding tighter than NOT): (NOT x). */
int sqlexpr_op_not_bang(xl *x, int i, int hi, int *next)
{
    int e = prim_end(x, i + 1, hi);
    if (e == i + 1) return sqlexpr_refuse(x->why, "! without an operand");
    xl_put(x, x->tl->v[i].space, "(NOT");
    x->sep = 1;
    if (xl_range(x, i + 1, e, 0)) return -1;
    xl_put(x, 0, ")");
    *next = e;
    return 0;
}
