/* sqlexpr.c — translating small pieces of SQLite SQL (column defaults, CHECK
 * expressions, partial-index predicates, index expressions, view SELECTs)
 * into PostgreSQL SQL, token by token; what has no faithful PostgreSQL
 * equivalent is refused with a one-line reason.
 *
 * DESIGN
 * The input is first cut into tokens following SQLite's own tokenizer
 * (strings, blobs, numbers, bare and quoted identifiers, operators;
 * comments and whitespace only leave a "space before" mark). Parentheses are
 * matched once, so every later step can treat "(...)" as one unit.
 *
 * Defaults (sqlexpr_translate_default) are few and closed: a literal, NULL,
 * TRUE/FALSE, or the current date/time in one of SQLite's spellings. Each is
 * checked against the column's logical type and emitted only when the
 * PostgreSQL default gives the value SQLite would have stored; anything else
 * is refused, because a bad default would make CREATE TABLE itself fail.
 *
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
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr.h"

/* ------------------------------------------------------------ small helpers */

static int a_digit(int c)  { return c >= '0' && c <= '9'; }
static int a_alpha(int c)  { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int a_xdigit(int c) { return a_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int a_upper(int c)  { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }
static int a_lower(int c)  { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
static int a_space(int c)  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* SQLite identifier characters: letters, '_', digits, '$' and any byte of a
 * multi-byte UTF-8 sequence. */
static int id_start(int c) { return a_alpha(c) || c == '_' || c >= 0x80; }
static int id_char(int c)  { return id_start(c) || a_digit(c) || c == '$'; }

/* a_casecmp — ASCII case-insensitive comparison, as SQLite folds names
 * (independent of the C locale). */
static int a_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = a_lower((unsigned char)*a), cb = a_lower((unsigned char)*b);
        if (ca != cb || !ca) return ca - cb;
    }
}

/* a_case — copy s into buf (size n) upper- or lower-cased; -1 when it does
 * not fit (such a word is neither a keyword nor a known function). */
static int a_case(char *buf, size_t n, const char *s, int upper)
{
    size_t i;
    for (i = 0; s[i]; i++) {
        if (i + 1 >= n) return -1;
        buf[i] = (char)(upper ? a_upper((unsigned char)s[i]) : a_lower((unsigned char)s[i]));
    }
    buf[i] = '\0';
    return 0;
}

/* utf8_chars — number of code points in s (continuation bytes not counted). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static _Thread_local char why_buf[256];

/* refuse — format a one-line reason into the thread-local buffer, point
 * *why at it and return -1. Control characters become spaces and a cut
 * never splits a UTF-8 sequence. */
static int refuse(const char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(const char **why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(why_buf, sizeof why_buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof why_buf) {
        /* cut off a UTF-8 sequence left incomplete by the truncation */
        size_t end = sizeof why_buf - 1, j = end;
        while (j > 0 && ((unsigned char)why_buf[j - 1] & 0xC0) == 0x80) j--;
        if (j > 0 && (unsigned char)why_buf[j - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)why_buf[j - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (end - (j - 1) < need) why_buf[j - 1] = '\0';
        }
    }
    for (char *p = why_buf; *p; p++)
        if ((unsigned char)*p < 0x20) *p = ' ';
    if (why) *why = why_buf;
    return -1;
}

/* clip — s shortened to fit buf (size n) for use inside a reason, cut at a
 * character boundary and marked with "...". Returns buf. */
static const char *clip(char *buf, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len < n) {
        memcpy(buf, s, len + 1);
        return buf;
    }
    size_t keep = n - 4;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    memcpy(buf, s, keep);
    memcpy(buf + keep, "...", 4);
    return buf;
}

/* ---------------------------------------------------------------- quoting */

/* pg_quote_ident — append name double-quoted, embedded quotes doubled.
 * Always quoted, so case and reserved words never matter. */
void pg_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '"');
    for (const char *p = name ? name : ""; *p; p++) {
        if (*p == '"') strbuf_addc(out, '"');
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, '"');
}

/* pg_quote_literal — append s as '...' with embedded quotes doubled. This is
 * exact because standard_conforming_strings is on (the default since
 * PostgreSQL 9.1): backslashes in a plain '...' literal are ordinary
 * characters, so no E'...' form is needed. */
void pg_quote_literal(strbuf *out, const char *s)
{
    strbuf_addc(out, '\'');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\'') strbuf_addc(out, '\'');
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, '\'');
}

/* -------------------------------------------------------------- tokenizer */

typedef enum tok_kind {
    TK_WORD,      /* bare identifier or keyword; val as written */
    TK_QUOTED,    /* "ident", [ident] or `ident`; val unquoted */
    TK_STRING,    /* 'text'; val unescaped */
    TK_BLOB,      /* x'..'; val = the hex digits, lower case */
    TK_NUMBER,    /* val as written without '_' separators */
    TK_OP,        /* operator or ';'; val is its text */
    TK_LPAREN,
    TK_RPAREN,
    TK_COMMA,
    TK_DOT
} tok_kind;

typedef struct tok {
    tok_kind kind;
    int      space;   /* whitespace or a comment came before it */
    char     quote;   /* TK_QUOTED: '"', '[' or '`' */
    char    *val;     /* owned, NUL-terminated */
} tok;

typedef struct toklist {
    tok *v;
    int  n, cap;
    int *match;       /* for a parenthesis, the index of its partner, else -1 */
} toklist;

/* toks_push — append a token; val is taken over. */
static void toks_push(toklist *tl, tok_kind kind, int space, char quote, char *val)
{
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 16;
        tl->v = xrealloc(tl->v, (size_t)tl->cap * sizeof *tl->v);
    }
    tok *t = &tl->v[tl->n++];
    t->kind = kind;
    t->space = space;
    t->quote = quote;
    t->val = val;
}

/* toks_free — release the tokens and their values. */
static void toks_free(toklist *tl)
{
    for (int i = 0; i < tl->n; i++) free(tl->v[i].val);
    free(tl->v);
    free(tl->match);
    tl->v = NULL;
    tl->match = NULL;
    tl->n = tl->cap = 0;
}

/* scan_quoted — read a quoted token starting at *pp (on the opening
 * character) up to close; a doubled close character stands for itself when
 * doubling is set. Returns the unquoted text or NULL when unterminated. */
static char *scan_quoted(const char **pp, char close, int doubling)
{
    const char *p = *pp + 1;
    strbuf sb = STRBUF_INIT;
    for (;;) {
        if (!*p) {
            strbuf_free(&sb);
            return NULL;
        }
        if (*p == close) {
            if (doubling && p[1] == close) {
                strbuf_addc(&sb, close);
                p += 2;
                continue;
            }
            p++;
            break;
        }
        strbuf_addc(&sb, *p++);
    }
    *pp = p;
    return strbuf_detach(&sb);
}

/* tokenize — cut s into tokens as SQLite's tokenizer does. Trailing ';' are
 * dropped, any other ';' refused; parentheses must balance. Parameters
 * (?, ?1, :name, @name, $name) are refused: these texts come from a schema
 * and never contain any. Returns 0 or -1 with *why. */
static int tokenize(const char *s, toklist *tl, const char **why)
{
    const char *p = s;
    int space = 0;
    int *stack = NULL, depth = 0, rc = -1;

    while (*p) {
        unsigned char c = (unsigned char)*p;
        const char *start = p;
        if (a_space(c)) {
            space = 1;
            p++;
            continue;
        }
        if (c == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
            space = 1;
            continue;
        }
        if (c == '/' && p[1] == '*') {
            p += 2;
            while (*p && !(p[0] == '*' && p[1] == '/')) p++;
            if (*p) p += 2;                  /* SQLite lets a comment run to the end */
            space = 1;
            continue;
        }
        if (c == '\'') {
            char *v = scan_quoted(&p, '\'', 1);
            if (!v) { refuse(why, "unterminated string literal"); goto out; }
            toks_push(tl, TK_STRING, space, 0, v);
        } else if ((c == 'x' || c == 'X') && p[1] == '\'') {
            p++;
            char *v = scan_quoted(&p, '\'', 0);
            if (!v) { refuse(why, "unterminated blob literal"); goto out; }
            size_t n = strlen(v);
            int ok = n % 2 == 0;
            for (size_t i = 0; ok && i < n; i++) {
                if (!a_xdigit((unsigned char)v[i])) ok = 0;
                v[i] = (char)a_lower((unsigned char)v[i]);
            }
            if (!ok) {
                free(v);
                refuse(why, "malformed blob literal");
                goto out;
            }
            toks_push(tl, TK_BLOB, space, 0, v);
        } else if (c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : (char)c;
            char *v = scan_quoted(&p, close, c != '[');
            if (!v) { refuse(why, "unterminated quoted identifier"); goto out; }
            toks_push(tl, TK_QUOTED, space, (char)c, v);
        } else if (a_digit(c) || (c == '.' && a_digit((unsigned char)p[1]))) {
            strbuf sb = STRBUF_INIT;
            if (c == '0' && (p[1] == 'x' || p[1] == 'X') && a_xdigit((unsigned char)p[2])) {
                strbuf_add(&sb, p, 2);
                p += 2;
                for (; a_xdigit((unsigned char)*p) || (*p == '_' && a_xdigit((unsigned char)p[1])); p++)
                    if (*p != '_') strbuf_addc(&sb, *p);
            } else {
                for (; a_digit((unsigned char)*p) || (*p == '_' && p > start && a_digit((unsigned char)p[1])); p++)
                    if (*p != '_') strbuf_addc(&sb, *p);
                if (*p == '.') {
                    strbuf_addc(&sb, *p++);
                    for (; a_digit((unsigned char)*p) || (*p == '_' && a_digit((unsigned char)p[1])); p++)
                        if (*p != '_') strbuf_addc(&sb, *p);
                }
                if ((*p == 'e' || *p == 'E') &&
                    (a_digit((unsigned char)p[1]) ||
                     ((p[1] == '+' || p[1] == '-') && a_digit((unsigned char)p[2])))) {
                    strbuf_add(&sb, p, 2);
                    p += 2;
                    while (a_digit((unsigned char)*p)) strbuf_addc(&sb, *p++);
                }
            }
            if (id_char((unsigned char)*p)) {
                strbuf_free(&sb);
                refuse(why, "malformed number near \"%.20s\"", start);
                goto out;
            }
            toks_push(tl, TK_NUMBER, space, 0, strbuf_detach(&sb));
        } else if (id_start(c)) {
            while (id_char((unsigned char)*p)) p++;
            toks_push(tl, TK_WORD, space, 0, xstrndup(start, (size_t)(p - start)));
        } else if (c == '?' || ((c == ':' || c == '@' || c == '$' || c == '#') &&
                                id_char((unsigned char)p[1]))) {
            p++;
            while (id_char((unsigned char)*p)) p++;
            refuse(why, "parameter %.*s is not allowed here", (int)(p - start > 40 ? 40 : p - start), start);
            goto out;
        } else {
            static const char *const ops[] = {
                "->>", "->", "||", "==", "!=", "<>", "<=", ">=", "<<", ">>",
                "(", ")", ",", ".", ";", "+", "-", "*", "/", "%", "&", "|", "~",
                "<", ">", "=",
            };
            size_t k, len = 0;
            for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
                len = strlen(ops[k]);
                if (strncmp(p, ops[k], len) == 0) break;
            }
            if (k == sizeof ops / sizeof ops[0]) {
                if (c >= 0x20 && c < 0x7f) refuse(why, "unexpected character '%c'", c);
                else refuse(why, "unexpected byte 0x%02x", c);
                goto out;
            }
            tok_kind kind = c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN
                          : c == ',' ? TK_COMMA : c == '.' ? TK_DOT : TK_OP;
            toks_push(tl, kind, space, 0, xstrndup(p, len));
            p += len;
        }
        space = 0;
    }

    while (tl->n > 0 && tl->v[tl->n - 1].kind == TK_OP && strcmp(tl->v[tl->n - 1].val, ";") == 0)
        free(tl->v[--tl->n].val);

    tl->match = xmalloc((size_t)(tl->n ? tl->n : 1) * sizeof *tl->match);
    stack = xmalloc((size_t)(tl->n ? tl->n : 1) * sizeof *stack);
    for (int i = 0; i < tl->n; i++) {
        tl->match[i] = -1;
        if (tl->v[i].kind == TK_OP && strcmp(tl->v[i].val, ";") == 0) {
            refuse(why, "more than one statement");
            goto out;
        }
        if (tl->v[i].kind == TK_LPAREN) stack[depth++] = i;
        if (tl->v[i].kind == TK_RPAREN) {
            if (!depth) { refuse(why, "unbalanced parentheses"); goto out; }
            int open = stack[--depth];
            tl->match[open] = i;
            tl->match[i] = open;
        }
    }
    if (depth) { refuse(why, "unbalanced parentheses"); goto out; }
    rc = 0;
out:
    free(stack);
    return rc;
}

/* render_tokens — the tokens [lo, hi) as SQLite text with single spaces,
 * for reasons ("datetime('now','localtime')"). */
static void render_tokens(const toklist *tl, int lo, int hi, strbuf *sb)
{
    for (int i = lo; i < hi; i++) {
        const tok *t = &tl->v[i];
        if (t->space && i > lo) strbuf_addc(sb, ' ');
        switch (t->kind) {
        case TK_STRING: pg_quote_literal(sb, t->val); break;
        case TK_BLOB:   strbuf_addf(sb, "x'%s'", t->val); break;
        case TK_QUOTED:
            strbuf_addc(sb, t->quote);
            strbuf_adds(sb, t->val);
            strbuf_addc(sb, t->quote == '[' ? ']' : t->quote);
            break;
        default:        strbuf_adds(sb, t->val); break;
        }
    }
}

/* ------------------------------------------------------- numeric literals */

#define NUM_MAXDIG 100

/* num — an exact decimal: value = (neg ? -1 : 1) × dig × 10^exp, dig
 * without leading or trailing zeros (ndig 0 means zero). */
typedef struct num {
    int    neg;
    int    real;      /* SQLite reads it as REAL: has '.', an exponent, or exceeds int64 */
    int    hex;       /* written as 0x... */
    int    ndig;
    long   exp;
    char   dig[NUM_MAXDIG + 1];
    double d;         /* the value as a double */
} num;

/* num_int64 — the value as int64 when it is integral and fits; 0 or -1. */
static int num_int64(const num *n, int64_t *v)
{
    if (n->ndig == 0) { *v = 0; return 0; }
    if (n->exp < 0 || n->ndig + n->exp > 19) return -1;
    uint64_t m = 0;
    for (long i = 0; i < n->ndig + n->exp; i++) {
        unsigned d = i < n->ndig ? (unsigned)(n->dig[i] - '0') : 0;
        if (m > (UINT64_MAX - d) / 10) return -1;
        m = m * 10 + d;
    }
    if (n->neg) {
        if (m > (uint64_t)INT64_MAX + 1) return -1;
        *v = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    } else {
        if (m > (uint64_t)INT64_MAX) return -1;
        *v = (int64_t)m;
    }
    return 0;
}

/* num_set_int — n becomes the integer v. */
static void num_set_int(num *n, int64_t v)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%" PRIu64, m);
    n->neg = v < 0;
    n->exp = 0;
    n->ndig = 0;
    for (const char *q = tmp; *q; q++)
        if (n->ndig || *q != '0') n->dig[n->ndig++] = *q;
    while (n->ndig && n->dig[n->ndig - 1] == '0') { n->ndig--; n->exp++; }
    n->dig[n->ndig] = '\0';
    n->d = (double)v;
}

/* num_parse — read a numeric literal s (a TK_NUMBER value: decimal with
 * optional point and exponent, or 0x hex, no sign) negated when neg.
 * Returns -1 for a hex literal wider than 64 bits or too many digits. */
static int num_parse(const char *s, int neg, num *n)
{
    memset(n, 0, sizeof *n);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        /* SQLite reads hex as a 64-bit two's complement integer. */
        const char *h = s + 2;
        while (*h == '0') h++;
        if (strlen(h) > 16) return -1;
        uint64_t u = strtoull(s + 2, NULL, 16);
        int64_t v = u > (uint64_t)INT64_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
        if (neg) {
            if (v == INT64_MIN) return -1;
            v = -v;
        }
        num_set_int(n, v);
        n->hex = 1;
        return 0;
    }
    n->neg = neg;
    int point = 0;
    const char *p = s;
    for (; a_digit((unsigned char)*p) || *p == '.'; p++) {
        if (*p == '.') { point = 1; n->real = 1; continue; }
        if (n->ndig == 0 && *p == '0') {
            if (point) n->exp--;
            continue;
        }
        if (n->ndig >= NUM_MAXDIG) return -1;
        n->dig[n->ndig++] = *p;
        if (point) n->exp--;
    }
    if (*p == 'e' || *p == 'E') {
        long e = 0;
        int eneg = 0;
        n->real = 1;
        p++;
        if (*p == '+' || *p == '-') eneg = *p++ == '-';
        for (; a_digit((unsigned char)*p); p++)
            if (e < 1000000) e = e * 10 + (*p - '0');
        n->exp += eneg ? -e : e;
    }
    while (n->ndig && n->dig[n->ndig - 1] == '0') { n->ndig--; n->exp++; }
    if (n->ndig == 0) n->exp = 0;
    n->dig[n->ndig] = '\0';
    n->d = strtod(s, NULL);
    if (neg) n->d = -n->d;
    int64_t v;
    if (!n->real && num_int64(n, &v) != 0) n->real = 1;
    return 0;
}

/* num_plain — append the exact value as a plain decimal ("-12.5", "1000"). */
static void num_plain(const num *n, strbuf *sb)
{
    if (n->ndig == 0) { strbuf_addc(sb, '0'); return; }
    if (n->neg) strbuf_addc(sb, '-');
    if (n->exp >= 0) {
        strbuf_adds(sb, n->dig);
        for (long i = 0; i < n->exp; i++) strbuf_addc(sb, '0');
    } else if (n->ndig > -n->exp) {
        strbuf_add(sb, n->dig, (size_t)(n->ndig + n->exp));
        strbuf_addc(sb, '.');
        strbuf_adds(sb, n->dig + n->ndig + n->exp);
    } else {
        strbuf_adds(sb, "0.");
        for (long i = 0; i < -n->exp - n->ndig; i++) strbuf_addc(sb, '0');
        strbuf_adds(sb, n->dig);
    }
}

/* num_sqlite_text — append the text SQLite stores for this number in a TEXT
 * column: integers in decimal, reals as printf("%!.15g") ("1000.0",
 * "1.0e+20"). Returns -1 for an infinite value. */
static int num_sqlite_text(const num *n, strbuf *sb)
{
    int64_t v;
    if (!n->real && num_int64(n, &v) == 0) {
        strbuf_addf(sb, "%" PRId64, v);
        return 0;
    }
    if (!isfinite(n->d)) return -1;
    if (n->d == 0) { strbuf_adds(sb, "0.0"); return 0; }
    char buf[48];
    snprintf(buf, sizeof buf, "%.15g", n->d);
    char *e = strchr(buf, 'e');
    if (e && !memchr(buf, '.', (size_t)(e - buf))) {
        strbuf_add(sb, buf, (size_t)(e - buf));
        strbuf_adds(sb, ".0");
        strbuf_adds(sb, e);
    } else {
        strbuf_adds(sb, buf);
        if (!e && !strchr(buf, '.')) strbuf_adds(sb, ".0");
    }
    return 0;
}

/* num_text_syntax — when s (surrounding spaces allowed) is a decimal numeric
 * literal with optional sign, as SQLite's numeric affinity accepts text,
 * copy its unsigned body into body (size n) and return 0 with *neg set. */
static int num_text_syntax(const char *s, char *body, size_t n, int *neg)
{
    while (a_space((unsigned char)*s)) s++;
    *neg = 0;
    if (*s == '+' || *s == '-') *neg = *s++ == '-';
    const char *b = s;
    int digits = 0;
    while (a_digit((unsigned char)*s)) { s++; digits++; }
    if (*s == '.') {
        s++;
        while (a_digit((unsigned char)*s)) { s++; digits++; }
    }
    if (!digits) return -1;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!a_digit((unsigned char)*s)) return -1;
        while (a_digit((unsigned char)*s)) s++;
    }
    size_t len = (size_t)(s - b);
    while (a_space((unsigned char)*s)) s++;
    if (*s || len >= n) return -1;
    memcpy(body, b, len);
    body[len] = '\0';
    return 0;
}

/* ---------------------------------------------- value validators for text */

/* scan_int — exactly ndig digits at *pp into *v. */
static int scan_int(const char **pp, int ndig, int *v)
{
    const char *p = *pp;
    int x = 0;
    for (int i = 0; i < ndig; i++) {
        if (!a_digit((unsigned char)p[i])) return -1;
        x = x * 10 + (p[i] - '0');
    }
    *pp = p + ndig;
    *v = x;
    return 0;
}

/* scan_date — YYYY-MM-DD with a real month and day. */
static int scan_date(const char **pp)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = *pp;
    int y, m, d;
    if (scan_int(&p, 4, &y) || *p++ != '-' || scan_int(&p, 2, &m) || *p++ != '-' ||
        scan_int(&p, 2, &d))
        return -1;
    if (m < 1 || m > 12 || d < 1) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return -1;
    *pp = p;
    return 0;
}

/* scan_time — HH:MM[:SS[.fraction]]. */
static int scan_time(const char **pp)
{
    const char *p = *pp;
    int h, m, s = 0;
    if (scan_int(&p, 2, &h) || *p++ != ':' || scan_int(&p, 2, &m)) return -1;
    if (*p == ':') {
        p++;
        if (scan_int(&p, 2, &s)) return -1;
        if (*p == '.') {
            p++;
            if (!a_digit((unsigned char)*p)) return -1;
            while (a_digit((unsigned char)*p)) p++;
        }
    }
    if (h > 23 || m > 59 || s > 59) return -1;
    *pp = p;
    return 0;
}

/* scan_zone — an optional zone suffix: Z, ±HH, ±HHMM or ±HH:MM. *zone is
 * 0 without one, 1 for UTC, 2 for another offset. */
static int scan_zone(const char **pp, int *zone)
{
    const char *p = *pp;
    *zone = 0;
    if (*p == 'Z' || *p == 'z') {
        *zone = 1;
        *pp = p + 1;
        return 0;
    }
    if (*p != '+' && *p != '-') return 0;
    p++;
    int h, m = 0;
    if (scan_int(&p, 2, &h)) return -1;
    if (*p == ':') p++;
    if (a_digit((unsigned char)*p) && scan_int(&p, 2, &m)) return -1;
    if (h > 15 || m > 59) return -1;
    *zone = h == 0 && m == 0 ? 1 : 2;
    *pp = p;
    return 0;
}

/* valid_datetime — s is a date (with_time 0), or a date optionally followed
 * by a time and a zone; *zone as in scan_zone. */
static int valid_datetime(const char *s, int with_time, int *zone)
{
    const char *p = s;
    *zone = 0;
    if (scan_date(&p)) return 0;
    if (with_time && (*p == ' ' || *p == 'T')) {
        p++;
        if (scan_time(&p) || scan_zone(&p, zone)) return 0;
    }
    return *p == '\0';
}

/* uuid_canon — s as a canonical lower-case hyphenated UUID into out (37
 * bytes); accepts hyphenated, 32 hex digits, or {braced}. 0 or -1. */
static int uuid_canon(const char *s, char *out)
{
    size_t len = strlen(s);
    char hex[32];
    int nh = 0;
    if (len == 38 && s[0] == '{' && s[37] == '}') { s++; len = 36; }
    if (len == 36) {
        for (size_t i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (s[i] != '-') return -1;
            } else {
                if (!a_xdigit((unsigned char)s[i])) return -1;
                hex[nh++] = (char)a_lower((unsigned char)s[i]);
            }
        }
    } else if (len == 32) {
        for (size_t i = 0; i < 32; i++) {
            if (!a_xdigit((unsigned char)s[i])) return -1;
            hex[nh++] = (char)a_lower((unsigned char)s[i]);
        }
    } else {
        return -1;
    }
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    return 0;
}

/* JSON validation (RFC 8259), small and re-entrant. js_* return the
 * position after the value or NULL. */
static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *js_string(const char *p)
{
    for (p++; *p != '"'; p++) {
        if (!*p || (unsigned char)*p < 0x20) return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!a_xdigit((unsigned char)p[i])) return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return p + 1;
}

static const char *js_number(const char *p)
{
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (a_digit((unsigned char)*p)) while (a_digit((unsigned char)*p)) p++;
    else return NULL;
    if (*p == '.') {
        p++;
        if (!a_digit((unsigned char)*p)) return NULL;
        while (a_digit((unsigned char)*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!a_digit((unsigned char)*p)) return NULL;
        while (a_digit((unsigned char)*p)) p++;
    }
    return p;
}

static const char *js_value(const char *p, int depth)
{
    if (depth > 100) return NULL;
    p = js_ws(p);
    switch (*p) {
    case '{':
    case '[': {
        char close = *p == '{' ? '}' : ']';
        p = js_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"' || !(p = js_string(p))) return NULL;
                p = js_ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = js_value(p, depth + 1))) return NULL;
            p = js_ws(p);
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
            p = js_ws(p);
        }
    }
    case '"': return js_string(p);
    case 't': return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f': return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n': return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:  return js_number(p);
    }
}

/* json_valid — s is one JSON value, nothing around it but whitespace. */
static int json_valid(const char *s)
{
    const char *p = js_value(s, 0);
    return p && *js_ws(p) == '\0';
}

/* ------------------------------------------------------------- defaults */

/* The current date/time, in the shapes SQLite produces. */
typedef enum now_kind {
    NOW_TS,        /* 'YYYY-MM-DD HH:MM:SS' */
    NOW_TS_MS,     /* 'YYYY-MM-DD HH:MM:SS.SSS' */
    NOW_DATE,      /* 'YYYY-MM-DD' */
    NOW_TIME,      /* 'HH:MM:SS' */
    NOW_TIME_MS,   /* 'HH:MM:SS.SSS' */
    NOW_EPOCH,     /* Unix seconds */
    NOW_JULIAN,    /* Julian day number (real) */
    NOW_FORMAT     /* any other strftime() text */
} now_kind;

#define PG_NOW_UTC "(now() AT TIME ZONE 'UTC')"
/* date_trunc(), not ::time(0): SQLite truncates, a typmod cast would round
 * up to a second that has not come yet. */
#define PG_TIME_UTC    "(date_trunc('second', now() AT TIME ZONE 'UTC')::time)"
#define PG_TIME_MS_UTC "(date_trunc('milliseconds', now() AT TIME ZONE 'UTC')::time)"
/* floor(): SQLite truncates to whole seconds; a bare ::bigint would round. */
#define PG_EPOCH   "(floor(extract(epoch from now()))::bigint)"

/* fmt_kind — which shape a strftime() format gives. */
static now_kind fmt_kind(const char *f)
{
    if (strcmp(f, "%s") == 0) return NOW_EPOCH;
    if (strcmp(f, "%Y-%m-%d") == 0) return NOW_DATE;
    if (strcmp(f, "%H:%M:%S") == 0) return NOW_TIME;
    if (strcmp(f, "%H:%M:%f") == 0) return NOW_TIME_MS;
    if (strncmp(f, "%Y-%m-%d", 8) == 0 && (f[8] == ' ' || f[8] == 'T') &&
        strncmp(f + 9, "%H:%M:%", 7) == 0 && (f[16] == 'S' || f[16] == 'f') &&
        (f[17] == '\0' || (f[17] == 'Z' && f[18] == '\0')))
        return f[16] == 'S' ? NOW_TS : NOW_TS_MS;
    return NOW_FORMAT;
}

/* fmt_to_char — translate a strftime() format into a to_char() template;
 * *width gets the output length in characters. On an unsupported directive
 * or character, returns -1 with *bad set to it. */
static int fmt_to_char(const char *fmt, strbuf *pg, int *width, char *bad)
{
    int w = 0, inq = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p == '%') {
            const char *rep;
            int rw;
            switch (p[1]) {
            case 'd': rep = "DD";    rw = 2; break;
            case 'f': rep = "SS.MS"; rw = 6; break;
            case 'H': rep = "HH24";  rw = 2; break;
            case 'j': rep = "DDD";   rw = 3; break;
            case 'm': rep = "MM";    rw = 2; break;
            case 'M': rep = "MI";    rw = 2; break;
            case 'S': rep = "SS";    rw = 2; break;
            case 'Y': rep = "YYYY";  rw = 4; break;
            case '%': rep = "%";     rw = 1; break;
            default:  *bad = p[1] ? p[1] : '%'; return -1;
            }
            if (inq) { strbuf_addc(pg, '"'); inq = 0; }
            strbuf_adds(pg, rep);
            w += rw;
            p++;
            continue;
        }
        if (*p == '"' || *p == '\\') { *bad = *p; return -1; }
        if (a_alpha((unsigned char)*p)) {
            /* letters could read as to_char patterns: quote them */
            if (!inq) { strbuf_addc(pg, '"'); inq = 1; }
        } else if (inq) {
            strbuf_addc(pg, '"');
            inq = 0;
        }
        strbuf_addc(pg, *p);
        if (((unsigned char)*p & 0xC0) != 0x80) w++;
    }
    if (inq) strbuf_addc(pg, '"');
    *width = w;
    return 0;
}

/* default_now — the current date/time for a column of type t. SQLite's
 * time functions are UTC and ferry cannot know the TimeZone of the app's
 * sessions, so every form is pinned to UTC explicitly. A timestamp default
 * keeps PostgreSQL's microseconds where SQLite had whole seconds (or
 * milliseconds): the same instant, finer. */
static int default_now(now_kind kind, const char *fmt, const char *label, const ltype *t,
                       strbuf *out, const char **why)
{
    switch (t->kind) {
    case LT_TIMESTAMP:
        if (kind == NOW_TS || kind == NOW_TS_MS) { strbuf_adds(out, PG_NOW_UTC); return 0; }
        break;
    case LT_TIMESTAMPTZ:
        if (kind == NOW_TS || kind == NOW_TS_MS) { strbuf_adds(out, "CURRENT_TIMESTAMP"); return 0; }
        break;
    case LT_DATE:
        if (kind == NOW_DATE) { strbuf_adds(out, "(" PG_NOW_UTC "::date)"); return 0; }
        break;
    case LT_TIME:
        if (kind == NOW_TIME) { strbuf_adds(out, PG_TIME_UTC); return 0; }
        if (kind == NOW_TIME_MS) { strbuf_adds(out, PG_TIME_MS_UTC); return 0; }
        break;
    case LT_TEXT: {
        if (kind == NOW_JULIAN) break;
        int width = 10;
        strbuf f = STRBUF_INIT;
        char bad = 0;
        if (kind != NOW_EPOCH && fmt_to_char(fmt, &f, &width, &bad) != 0) {
            strbuf_free(&f);
            return refuse(why, "%s: strftime() format %%%c is not translated", label, bad);
        }
        if (t->length >= 0 && width > t->length) {
            strbuf_free(&f);
            return refuse(why, "%s gives %d characters, more than text(%d) holds", label, width,
                          t->length);
        }
        if (kind == NOW_EPOCH) {
            strbuf_adds(out, "(floor(extract(epoch from now()))::bigint::text)");
        } else {
            strbuf_adds(out, "to_char(now() AT TIME ZONE 'UTC', ");
            pg_quote_literal(out, strbuf_cstr(&f));
            strbuf_addc(out, ')');
        }
        strbuf_free(&f);
        return 0;
    }
    case LT_INT32:
    case LT_INT64:
    case LT_DECIMAL:
        if (kind == NOW_EPOCH) { strbuf_adds(out, PG_EPOCH); return 0; }
        break;
    case LT_FLOAT32:
    case LT_FLOAT64:
        if (kind == NOW_EPOCH) { strbuf_adds(out, PG_EPOCH); return 0; }
        if (kind == NOW_JULIAN) {
            strbuf_adds(out, "(extract(epoch from now()) / 86400.0 + 2440587.5)");
            return 0;
        }
        break;
    default:
        break;
    }
    return refuse(why, "%s default for a %s column is not translated", label,
                  ltype_kind_name(t->kind));
}

/* default_number — a numeric literal (txt as tokenized, negated when neg)
 * for a column of type t; label is the literal as the user wrote it. */
static int default_number(const char *txt, int neg, const char *label, const ltype *t,
                          strbuf *out, const char **why)
{
    num n;
    int64_t v;
    const char *kname = ltype_kind_name(t->kind);
    if (num_parse(txt, neg, &n) != 0) return refuse(why, "number %s is out of range", label);

    switch (t->kind) {
    case LT_BOOL:
        if (num_int64(&n, &v) == 0 && (v == 0 || v == 1)) {
            strbuf_adds(out, v ? "true" : "false");
            return 0;
        }
        return refuse(why, "default %s is not a boolean (0 or 1)", label);
    case LT_INT16:
    case LT_INT32:
    case LT_INT64: {
        int64_t lo = t->kind == LT_INT16 ? INT16_MIN : t->kind == LT_INT32 ? INT32_MIN : INT64_MIN;
        int64_t hi = t->kind == LT_INT16 ? INT16_MAX : t->kind == LT_INT32 ? INT32_MAX : INT64_MAX;
        if (n.exp < 0) return refuse(why, "default %s is not an integer", label);
        if (num_int64(&n, &v) != 0 || v < lo || v > hi)
            return refuse(why, "default %s is out of range for %s", label, kname);
        strbuf_addf(out, "%" PRId64, v);
        return 0;
    }
    case LT_FLOAT32:
    case LT_FLOAT64:
        if (!isfinite(n.d) ||
            (t->kind == LT_FLOAT32 && (fabs(n.d) > FLT_MAX || (n.d != 0 && (float)n.d == 0))))
            return refuse(why, "default %s is out of range for %s", label, kname);
        if (n.hex) {
            num_int64(&n, &v);
            strbuf_addf(out, "%" PRId64, v);
        } else {
            if (neg && n.d != 0) strbuf_addc(out, '-');
            strbuf_adds(out, txt);
        }
        return 0;
    case LT_DECIMAL: {
        int scale = t->scale >= 0 ? t->scale : t->precision >= 0 ? 0 : -1;
        long intd = n.ndig + n.exp > 0 ? n.ndig + n.exp : 0;
        long frac = n.exp < 0 ? -n.exp : 0;
        if (intd > 1000 || frac > 1000 ||
            (scale >= 0 && frac > scale) ||
            (t->precision >= 0 && intd > t->precision - (scale > 0 ? scale : 0))) {
            char tb[40];
            ltype_format(t, tb, sizeof tb);
            return refuse(why, "default %s does not fit %s", label, tb);
        }
        num_plain(&n, out);
        return 0;
    }
    case LT_TEXT:
    case LT_JSON: {
        /* SQLite stores the number's text in a TEXT column; as JSON that
         * text is still the same number. */
        strbuf s = STRBUF_INIT;
        int rc = 0;
        if (num_sqlite_text(&n, &s) != 0)
            rc = refuse(why, "default %s is out of range", label);
        else if (t->kind == LT_TEXT && t->length >= 0 && s.len > (size_t)t->length)
            rc = refuse(why, "default %s is longer than text(%d)", label, t->length);
        else
            pg_quote_literal(out, strbuf_cstr(&s));
        strbuf_free(&s);
        return rc;
    }
    default:
        return refuse(why, "numeric default %s for a %s column is not translated", label, kname);
    }
}

/* default_string — a string literal s for a column of type t. */
static int default_string(const char *s, const ltype *t, strbuf *out, const char **why)
{
    char cb[72];
    const char *kname = ltype_kind_name(t->kind);
    const char *shown = clip(cb, sizeof cb, s);
    int zone = 0;

    switch (t->kind) {
    case LT_TEXT:
        if (t->length >= 0 && utf8_chars(s) > (size_t)t->length)
            return refuse(why, "default '%s' is longer than text(%d)", shown, t->length);
        /* fall through */
    case LT_ENUM:
        /* enum labels are not known here; PostgreSQL checks the label */
        pg_quote_literal(out, s);
        return 0;
    case LT_BOOL: {
        static const char *const f[] = {"0", "f", "false"}, *const tr[] = {"1", "t", "true"};
        for (int i = 0; i < 3; i++) {
            if (a_casecmp(s, f[i]) == 0) { strbuf_adds(out, "false"); return 0; }
            if (a_casecmp(s, tr[i]) == 0) { strbuf_adds(out, "true"); return 0; }
        }
        return refuse(why, "default '%s' is not a boolean", shown);
    }
    case LT_INT16:
    case LT_INT32:
    case LT_INT64:
    case LT_FLOAT32:
    case LT_FLOAT64:
    case LT_DECIMAL: {
        /* SQLite's numeric affinity stores such text as the number. */
        char body[NUM_MAXDIG + 40], label[80];
        int neg;
        if (num_text_syntax(s, body, sizeof body, &neg) != 0)
            return refuse(why, "default '%s' is not a valid %s value", shown, kname);
        snprintf(label, sizeof label, "'%s'", shown);
        return default_number(body, neg, label, t, out, why);
    }
    case LT_DATE:
        if (!valid_datetime(s, 0, &zone))
            return refuse(why, "default '%s' is not a valid date (YYYY-MM-DD)", shown);
        pg_quote_literal(out, s);
        return 0;
    case LT_TIME: {
        const char *p = s;
        if (scan_time(&p) != 0 || *p)
            return refuse(why, "default '%s' is not a valid time (HH:MM:SS)", shown);
        pg_quote_literal(out, s);
        return 0;
    }
    case LT_TIMESTAMP:
        if (!valid_datetime(s, 1, &zone))
            return refuse(why, "default '%s' is not a valid timestamp", shown);
        if (zone == 2)
            return refuse(why, "default '%s' has a time zone offset; the column has none", shown);
        pg_quote_literal(out, s);
        return 0;
    case LT_TIMESTAMPTZ: {
        if (!valid_datetime(s, 1, &zone))
            return refuse(why, "default '%s' is not a valid timestamp", shown);
        /* without an offset the text is UTC, as everywhere in ferry */
        strbuf tmp = STRBUF_INIT;
        strbuf_adds(&tmp, s);
        if (!zone) strbuf_adds(&tmp, strlen(s) == 10 ? " 00:00:00+00" : "+00");
        pg_quote_literal(out, strbuf_cstr(&tmp));
        strbuf_free(&tmp);
        return 0;
    }
    case LT_UUID: {
        char u[37];
        if (uuid_canon(s, u) != 0) return refuse(why, "default '%s' is not a valid uuid", shown);
        pg_quote_literal(out, u);
        return 0;
    }
    case LT_JSON:
        if (!json_valid(s)) return refuse(why, "default '%s' is not valid JSON", shown);
        pg_quote_literal(out, s);
        return 0;
    case LT_BYTES:
        /* SQLite keeps text in a BLOB column as text; its bytes are UTF-8 */
        strbuf_adds(out, "convert_to(");
        pg_quote_literal(out, s);
        strbuf_adds(out, ", 'UTF8')");
        return 0;
    default:
        return refuse(why, "default '%s' for a %s column is not translated", shown, kname);
    }
}

/* default_blob — an x'..' literal (hex digits) for a column of type t. */
static int default_blob(const char *hex, const ltype *t, strbuf *out, const char **why)
{
    char cb[48];
    if (t->kind == LT_BYTES) {
        strbuf_adds(out, "'\\x");
        strbuf_adds(out, hex);
        strbuf_adds(out, "'::bytea");
        return 0;
    }
    if (t->kind == LT_UUID && strlen(hex) == 32) {
        char u[37];
        uuid_canon(hex, u);
        pg_quote_literal(out, u);
        return 0;
    }
    return refuse(why, "blob default x'%s' for a %s column is not translated",
                  clip(cb, sizeof cb, hex), ltype_kind_name(t->kind));
}

/* Functions whose meaning is the same in PostgreSQL, or that ferry rewrites.
 * Kept sorted by SQLite name for bsearch. Everything else is refused. */
typedef enum fn_how {
    FN_SAME,      /* emit pg(args) */
    FN_MINMAX,    /* min/max: aggregate with one argument, least/greatest with more */
    FN_GCONCAT,   /* group_concat/string_agg -> string_agg(x::text, sep) */
    FN_ROUND,     /* round(x, n) -> round(CAST(x AS numeric), n) */
    FN_TOTAL      /* total(x) -> CAST(coalesce(sum(x), 0) AS double precision) */
} fn_how;

typedef struct fn_map {
    const char *name;
    const char *pg;
    fn_how      how;
} fn_map;

/* Notes on meanings: substr() differs only for a start <= 0; scalar
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

/* fn_find — the entry for a SQLite function name (any case), or NULL. */
static const fn_map *fn_find(const char *name)
{
    char low[40];
    if (a_case(low, sizeof low, name, 0) != 0) return NULL;
    return bsearch(low, fns, sizeof fns / sizeof fns[0], sizeof fns[0], fn_cmp);
}

/* default_refuse_expr — the reason an expression default [lo, hi) is not
 * translated: the first function PostgreSQL does not share with SQLite, or
 * else the expression itself. */
static int default_refuse_expr(const toklist *tl, int lo, int hi, const char **why)
{
    const tok *v = tl->v;
    char lb[96], nb[48];
    for (int j = lo; j + 1 < hi; j++)
        if (v[j].kind == TK_WORD && v[j + 1].kind == TK_LPAREN && !fn_find(v[j].val))
            return refuse(why, "function %s() has no PostgreSQL equivalent",
                          clip(nb, sizeof nb, v[j].val));
    strbuf ls = STRBUF_INIT;
    render_tokens(tl, lo, hi, &ls);
    clip(lb, sizeof lb, strbuf_cstr(&ls));
    strbuf_free(&ls);
    return refuse(why, "default %s is not translated (only constants and the current "
                  "date/time are)", lb);
}

/* default_call — a default that is one function call name(args): the
 * current date/time in SQLite's spellings, or an empty JSON array/object. */
static int default_call(const toklist *tl, int lo, int hi, const ltype *t, strbuf *out,
                        const char **why)
{
    const tok *v = tl->v;
    char name[24], lb[96];
    const char *args[8];
    int nargs = 0, end = hi - 1;

    for (int j = lo + 2; j < end;) {
        if (v[j].kind != TK_STRING || nargs == 8) return default_refuse_expr(tl, lo, hi, why);
        args[nargs++] = v[j++].val;
        if (j < end) {
            if (v[j].kind != TK_COMMA || j + 1 == end) return default_refuse_expr(tl, lo, hi, why);
            j++;
        }
    }
    if (a_case(name, sizeof name, v[lo].val, 0) != 0) return default_refuse_expr(tl, lo, hi, why);
    strbuf ls = STRBUF_INIT;
    render_tokens(tl, lo, hi, &ls);
    const char *label = clip(lb, sizeof lb, strbuf_cstr(&ls));
    strbuf_free(&ls);
    for (int a = 0; a < nargs; a++)
        if (a_casecmp(args[a], "localtime") == 0) return refuse(why, "%s uses localtime", label);

    if (!strcmp(name, "datetime") || !strcmp(name, "date") || !strcmp(name, "time") ||
        !strcmp(name, "julianday") || !strcmp(name, "unixepoch") || !strcmp(name, "strftime")) {
        int a = 0, subsec = 0;
        const char *fmt = NULL;
        if (!strcmp(name, "strftime")) {
            if (nargs < 1) return default_refuse_expr(tl, lo, hi, why);
            fmt = args[a++];
        }
        /* no time value means 'now' */
        if (a < nargs && a_casecmp(args[a++], "now") != 0)
            return refuse(why, "%s: only 'now' is translated", label);
        for (; a < nargs; a++) {
            if ((!strcmp(name, "datetime") || !strcmp(name, "time")) &&
                (a_casecmp(args[a], "subsec") == 0 || a_casecmp(args[a], "subsecond") == 0))
                subsec = 1;
            else
                return refuse(why, "%s: modifier '%s' is not translated", label, args[a]);
        }
        now_kind k;
        if (!strcmp(name, "datetime")) {
            k = subsec ? NOW_TS_MS : NOW_TS;
            fmt = subsec ? "%Y-%m-%d %H:%M:%f" : "%Y-%m-%d %H:%M:%S";
        } else if (!strcmp(name, "date")) {
            k = NOW_DATE;
            fmt = "%Y-%m-%d";
        } else if (!strcmp(name, "time")) {
            k = subsec ? NOW_TIME_MS : NOW_TIME;
            fmt = subsec ? "%H:%M:%f" : "%H:%M:%S";
        } else if (!strcmp(name, "julianday")) {
            k = NOW_JULIAN;
        } else if (!strcmp(name, "unixepoch")) {
            k = NOW_EPOCH;
        } else {
            k = fmt_kind(fmt);
        }
        return default_now(k, fmt, label, t, out, why);
    }
    if (!strcmp(name, "json") && nargs == 1 && t->kind == LT_JSON) {
        if (!json_valid(args[0])) return refuse(why, "%s: not valid JSON", label);
        pg_quote_literal(out, args[0]);
        return 0;
    }
    if ((!strcmp(name, "json_array") || !strcmp(name, "json_object")) && nargs == 0 &&
        (t->kind == LT_JSON || (t->kind == LT_TEXT && (t->length < 0 || t->length >= 2)))) {
        strbuf_adds(out, name[5] == 'a' ? "'[]'" : "'{}'");
        return 0;
    }
    return default_refuse_expr(tl, lo, hi, why);
}

int sqlexpr_translate_default(const char *expr, const ltype *t, strbuf *out,
                              const char **why)
{
    toklist tl = {0};
    const char *w = NULL;
    int rc = -1;
    size_t start = out->len;

    if (!expr || !t) { refuse(&w, "no default expression"); goto out; }
    if (tokenize(expr, &tl, &w) != 0) goto out;
    int lo = 0, hi = tl.n;
    while (hi - lo >= 2 && tl.v[lo].kind == TK_LPAREN && tl.match[lo] == hi - 1) { lo++; hi--; }
    if (hi == lo) { refuse(&w, "empty default expression"); goto out; }
    if (t->kind == LT_UNKNOWN) { refuse(&w, "the column's type is unknown"); goto out; }

    const tok *a = &tl.v[lo];
    char label[80];
    if (hi - lo == 2 && a->kind == TK_OP && (!strcmp(a->val, "-") || !strcmp(a->val, "+")) &&
        a[1].kind == TK_NUMBER) {
        snprintf(label, sizeof label, "%s%.60s", a->val, a[1].val);
        rc = default_number(a[1].val, a->val[0] == '-', label, t, out, &w);
    } else if (hi - lo == 1) {
        char up[24];
        switch (a->kind) {
        case TK_NUMBER:
            snprintf(label, sizeof label, "%.60s", a->val);
            rc = default_number(a->val, 0, label, t, out, &w);
            break;
        case TK_STRING:
            rc = default_string(a->val, t, out, &w);
            break;
        case TK_QUOTED:
            /* SQLite stores DEFAULT "abc", [abc] and `abc` as the string */
            rc = default_string(a->val, t, out, &w);
            break;
        case TK_BLOB:
            rc = default_blob(a->val, t, out, &w);
            break;
        case TK_WORD:
            if (a_case(up, sizeof up, a->val, 1) != 0) up[0] = '\0';
            if (!strcmp(up, "NULL")) {
                strbuf_adds(out, "NULL");
                rc = 0;
            } else if (!strcmp(up, "TRUE") || !strcmp(up, "FALSE")) {
                if (t->kind == LT_BOOL) {
                    strbuf_adds(out, up[0] == 'T' ? "true" : "false");
                    rc = 0;
                } else {
                    /* SQLite's TRUE and FALSE are the integers 1 and 0 */
                    rc = default_number(up[0] == 'T' ? "1" : "0", 0, up, t, out, &w);
                }
            } else if (!strcmp(up, "CURRENT_TIMESTAMP")) {
                rc = default_now(NOW_TS, "%Y-%m-%d %H:%M:%S", up, t, out, &w);
            } else if (!strcmp(up, "CURRENT_DATE")) {
                rc = default_now(NOW_DATE, "%Y-%m-%d", up, t, out, &w);
            } else if (!strcmp(up, "CURRENT_TIME")) {
                rc = default_now(NOW_TIME, "%H:%M:%S", up, t, out, &w);
            } else {
                /* SQLite stores a bare word after DEFAULT as that string */
                rc = default_string(a->val, t, out, &w);
            }
            break;
        default:
            refuse(&w, "default %.40s is not a value", a->val);
            break;
        }
    } else if (a->kind == TK_WORD && a[1].kind == TK_LPAREN && tl.match[lo + 1] == hi - 1) {
        rc = default_call(&tl, lo, hi, t, out, &w);
    } else {
        default_refuse_expr(&tl, lo, hi, &w);
    }
out:
    if (rc != 0) {
        out->len = start;
        if (out->buf) out->buf[start] = '\0';
        if (why) *why = w;
    }
    toks_free(&tl);
    return rc;
}

/* -------------------------------------------------- general expressions */

/* Words that are always keywords here (upper case, kept sorted for
 * bsearch). Type names are not among them: they are keywords only inside
 * CAST(... AS type), and window-frame words only in their context (see
 * word_role). */
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

/* is_keyword — U (upper case) is in the keyword list. */
static int is_keyword(const char *U)
{
    return bsearch(U, keywords, sizeof keywords / sizeof keywords[0], sizeof keywords[0],
                   kw_cmp) != NULL;
}

/* word_is — t is the bare word U (any case). */
static int word_is(const tok *t, const char *U)
{
    return t->kind == TK_WORD && a_casecmp(t->val, U) == 0;
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
        if (a_case(U, sizeof U, t->val, 1) != 0) return 1;
        if (!strcmp(U, "NULL") || !strcmp(U, "TRUE") || !strcmp(U, "FALSE") ||
            !strcmp(U, "END") || !strncmp(U, "CURRENT_", 8))
            return 1;
        return !is_keyword(U);
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
    if (a_case(U, sizeof U, t[i].val, 1) != 0)
        return next && next->kind == TK_LPAREN && !lv->in_with ? R_FUNCTION : R_IDENT;
    int hard = is_keyword(U);
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
        if (a_casecmp(x->names[i], name) == 0) return x->names[i];
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
        if (!a_casecmp(name, "rowid") || !a_casecmp(name, "_rowid_") || !a_casecmp(name, "oid")) {
            char cb[40];
            return refuse(x->why, "%s has no PostgreSQL equivalent", clip(cb, sizeof cb, name));
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
    if (end - i >= 3 && (!a_casecmp(t[i].val, "main") || !a_casecmp(t[i].val, "temp")) &&
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
    const fn_map *f = fn_find(t[i].val);
    *next = close + 1;
    if (!f)
        return refuse(x->why, "function %s() has no PostgreSQL equivalent",
                      clip(nb, sizeof nb, t[i].val));
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
            return refuse(x->why, "%s() with %d arguments", clip(nb, sizeof nb, t[i].val), nargs);
        xl_put(x, t[i].space, "CAST(coalesce(sum(");
        if (xl_sub(x, open + 1, close, 0)) return -1;
        xl_put(x, 0, "), 0) AS double precision)");
        return 0;
    case FN_GCONCAT: {
        if (nargs < 1 || nargs > 2)
            return refuse(x->why, "%s() with %d arguments", clip(nb, sizeof nb, t[i].val), nargs);
        if (find_top(x, open + 1, close, is_order) >= 0)
            return refuse(x->why, "%s() with ORDER BY is not translated",
                          clip(nb, sizeof nb, t[i].val));
        int s = starts[0];
        int distinct = s < ends[0] && word_is(&t[s], "DISTINCT");
        if (distinct) s++;
        if (s >= ends[0])
            return refuse(x->why, "%s() without a value", clip(nb, sizeof nb, t[i].val));
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

/* cast_type — the PostgreSQL type for a SQLite CAST type name, by SQLite's
 * affinity rules (INT -> integer, CHAR/CLOB/TEXT -> text, BLOB or none ->
 * blob, REAL/FLOA/DOUB -> real, anything else numeric). */
static const char *cast_type(const char *U)
{
    if (strstr(U, "INT")) return "bigint";
    if (strstr(U, "CHAR") || strstr(U, "CLOB") || strstr(U, "TEXT")) return "text";
    if (strstr(U, "BLOB") || !*U) return "bytea";
    if (strstr(U, "REAL") || strstr(U, "FLOA") || strstr(U, "DOUB")) return "double precision";
    return "numeric";
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
    if (as < 0) return refuse(x->why, "CAST without AS");
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
        xl_put(x, 1, cast_type(strbuf_cstr(&ty)));
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
            a_case(U, sizeof U, t[j].val, 1) != 0)
            continue;
        if (!strcmp(U, "CASE")) { cases++; continue; }
        if (!strcmp(U, "END")) {
            if (cases == 0) return j;
            cases--;
            continue;
        }
        if (cases == 0 && is_keyword(U) && strcmp(U, "NULL") && strcmp(U, "TRUE") &&
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
    a_case(U, sizeof U, k->val, 1);
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
        return refuse(x->why, "operator %s has no PostgreSQL equivalent", U);
    if (!strcmp(U, "LIKE")) {
        /* SQLite's LIKE ignores ASCII case and has no escape character unless
         * ESCAPE is given; PostgreSQL's ILIKE ignores case (beyond ASCII too)
         * and escapes with '\' unless told ESCAPE ''. */
        int e = operand_end(x, i + 1, hi);
        if (e == i + 1) return refuse(x->why, "LIKE without a pattern");
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
            return refuse(x->why, "COLLATE without a collation name");
        if (a_case(C, sizeof C, t[i + 1].val, 1) == 0 && !strcmp(C, "BINARY")) {
            xl_put(x, k->space, "COLLATE");
            xl_put(x, t[i + 1].space, "\"C\"");
            *next = i + 2;
            return 0;
        }
        return refuse(x->why, "collation %s has no PostgreSQL equivalent",
                      clip(cb, sizeof cb, t[i + 1].val));
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
        return refuse(x->why, "index hint INDEXED BY has no PostgreSQL equivalent");
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
                if (num_parse(k->val, 0, &n) != 0) return refuse(x->why, "hex literal too big");
                num_int64(&n, &v);
                snprintf(buf, sizeof buf, v < 0 ? "(%" PRId64 ")" : "%" PRId64, v);
                xl_put(x, k->space, buf);
            } else {
                xl_put(x, k->space, k->val);
            }
            break;
        case TK_OP:
            if (op_is(k, "->") || op_is(k, "->>"))
                return refuse(x->why, "JSON operator %s has no PostgreSQL equivalent", k->val);
            xl_put(x, k->space, op_is(k, "==") ? "=" : k->val);
            break;
        case TK_COMMA:
            xl_put(x, k->space, ",");
            break;
        case TK_DOT:
            xl_put(x, k->space, ".");
            break;
        case TK_RPAREN:
            return refuse(x->why, "unbalanced parentheses");
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

    if (!sql) { refuse(&w, "no expression"); goto out; }
    if (tokenize(sql, &tl, &w) != 0) goto out;
    if (tl.n == 0) { refuse(&w, "empty expression"); goto out; }
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
    toks_free(&tl);
    return rc;
}
