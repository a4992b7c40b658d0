/* sqlexpr_lex.c — the lexical layer of the SQL translator: the tokenizers
 * of SQLite, PostgreSQL and MySQL/MariaDB, ASCII name folding, and the
 * one-line reasons every part of the translator refuses with.
 *
 * DESIGN
 * The input is cut into tokens following each engine's own tokenizer
 * (strings, blobs, numbers, bare and quoted identifiers, operators;
 * comments and whitespace only leave a "space before" mark). String
 * escapes are resolved here, so a TK_STRING holds the text itself whatever
 * the source's quoting was:
 *   SQLite      '..' ('' doubled); "..", [..], `..` identifiers; x'..' blobs
 *   PostgreSQL  '..' (standard_conforming_strings: a backslash is itself),
 *               E'..' with backslash escapes, $tag$..$tag$; ".." identifiers;
 *               "::" and PostgreSQL's multi-character operators (~~, !~~*,
 *               @>, ...); '[' and ']' are operators (arrays)
 *   MySQL       '..' and ".." with backslash escapes (as the server prints
 *               them, whatever the session's sql_mode) and '' doubling;
 *               charset introducers (_utf8mb4'..') dropped, _binary'..'
 *               and x'..' blobs, b'..' bits as a number; `..` identifiers;
 *               '#' and '-- ' comments; executable comments ("/" "*!") refused
 * Parentheses are matched once, so every later step can treat "(...)" as
 * one unit.
 *
 * Reasons (*why) point to a thread-local buffer valid until the next call
 * into this module on the same thread. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlexpr_internal.h"

/* ------------------------------------------------------------ name folding */

/* sqlexpr_casecmp — ASCII case-insensitive comparison, as SQLite folds
 * names (independent of the C locale). */
int sqlexpr_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = a_lower((unsigned char)*a), cb = a_lower((unsigned char)*b);
        if (ca != cb || !ca) return ca - cb;
    }
}

/* sqlexpr_case — copy s into buf (size n) upper- or lower-cased; -1 when it
 * does not fit (such a word is neither a keyword nor a known function). */
int sqlexpr_case(char *buf, size_t n, const char *s, int upper)
{
    size_t i;
    for (i = 0; s[i]; i++) {
        if (i + 1 >= n) return -1;
        buf[i] = (char)(upper ? a_upper((unsigned char)s[i]) : a_lower((unsigned char)s[i]));
    }
    buf[i] = '\0';
    return 0;
}

/* ----------------------------------------------------------------- reasons */

static _Thread_local char why_buf[256];

/* sqlexpr_refuse — format a one-line reason into the thread-local buffer,
 * point *why at it and return -1. Control characters become spaces and a
 * cut never splits a UTF-8 sequence. */
int sqlexpr_refuse(const char **why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utf8_vsnprintf(why_buf, sizeof why_buf, fmt, ap);
    va_end(ap);
    for (char *p = why_buf; *p; p++)
        if ((unsigned char)*p < 0x20) *p = ' ';
    if (why) *why = why_buf;
    return -1;
}

/* sqlexpr_clip — s shortened to fit buf (size n) for use inside a reason,
 * cut at a character boundary and marked with "...". Returns buf. */
const char *sqlexpr_clip(char *buf, size_t n, const char *s)
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

/* -------------------------------------------------------------- tokenizer */

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

/* sqlexpr_toks_free — release the tokens and their values. */
void sqlexpr_toks_free(toklist *tl)
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

/* add_utf8 — append code point cp as UTF-8; -1 for a surrogate, zero or
 * out of range. */
static int add_utf8(strbuf *sb, unsigned long cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    if (cp < 0x80) {
        strbuf_addc(sb, (char)cp);
    } else if (cp < 0x800) {
        strbuf_addc(sb, (char)(0xC0 | (cp >> 6)));
        strbuf_addc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        strbuf_addc(sb, (char)(0xE0 | (cp >> 12)));
        strbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        strbuf_addc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        strbuf_addc(sb, (char)(0xF0 | (cp >> 18)));
        strbuf_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        strbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        strbuf_addc(sb, (char)(0x80 | (cp & 0x3F)));
    }
    return 0;
}

/* span_is — the n bytes at p are the word w (ASCII case-insensitive). */
static int span_is(const char *p, size_t n, const char *w)
{
    if (strlen(w) != n) return 0;
    for (size_t k = 0; k < n; k++)
        if (a_lower((unsigned char)p[k]) != a_lower((unsigned char)w[k])) return 0;
    return 1;
}

/* hexval — the value of hex digit c. */
static int hexval(int c)
{
    return a_digit(c) ? c - '0' : a_lower(c) - 'a' + 10;
}

/* scan_escaped — a string with backslash escapes at *pp (on the opening
 * quote q): PostgreSQL E'..' (pg set) or a MySQL '..'/".." string. Returns
 * the text, or NULL with *why set. */
static char *scan_escaped(const char **pp, char q, int pg, const char **why)
{
    const char *p = *pp + 1;
    strbuf sb = STRBUF_INIT;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (!c) {
            sqlexpr_refuse(why, "unterminated string literal");
            goto fail;
        }
        if (c == (unsigned char)q) {
            if (p[1] == q) { strbuf_addc(&sb, q); p += 2; continue; }
            p++;
            break;
        }
        if (c != '\\') { strbuf_addc(&sb, (char)c); p++; continue; }
        c = (unsigned char)p[1];
        if (!c) { sqlexpr_refuse(why, "unterminated string literal"); goto fail; }
        p += 2;
        switch (c) {
        case 'b': strbuf_addc(&sb, '\b'); break;
        case 'f': if (pg) strbuf_addc(&sb, '\f'); else strbuf_addc(&sb, 'f'); break;
        case 'n': strbuf_addc(&sb, '\n'); break;
        case 'r': strbuf_addc(&sb, '\r'); break;
        case 't': strbuf_addc(&sb, '\t'); break;
        case 'Z': if (pg) strbuf_addc(&sb, 'Z'); else strbuf_addc(&sb, '\x1a'); break;
        case '%': case '_':
            /* MySQL keeps the backslash: '\%' is \% (for LIKE) */
            if (!pg) strbuf_addc(&sb, '\\');
            strbuf_addc(&sb, (char)c);
            break;
        case 'x':
            if (pg && a_xdigit((unsigned char)*p)) {
                int v = hexval((unsigned char)*p++);
                if (a_xdigit((unsigned char)*p)) v = v * 16 + hexval((unsigned char)*p++);
                if (!v) { sqlexpr_refuse(why, "NUL character in a string literal"); goto fail; }
                strbuf_addc(&sb, (char)v);
            } else {
                strbuf_addc(&sb, 'x');
            }
            break;
        case 'u': case 'U':
            if (pg) {
                int nd = c == 'u' ? 4 : 8;
                unsigned long cp = 0;
                for (int k = 0; k < nd; k++) {
                    if (!a_xdigit((unsigned char)p[k])) {
                        sqlexpr_refuse(why, "malformed \\%c escape in a string literal", c);
                        goto fail;
                    }
                    cp = cp * 16 + (unsigned long)hexval((unsigned char)p[k]);
                }
                p += nd;
                if (add_utf8(&sb, cp) != 0) {
                    sqlexpr_refuse(why, "invalid Unicode escape in a string literal");
                    goto fail;
                }
            } else {
                strbuf_addc(&sb, (char)c);
            }
            break;
        default:
            if (a_digit(c) && c < '8' && pg) {
                int v = c - '0';
                for (int k = 0; k < 2 && *p >= '0' && *p <= '7'; k++) v = v * 8 + (*p++ - '0');
                if (!(v & 0xFF)) { sqlexpr_refuse(why, "NUL character in a string literal"); goto fail; }
                strbuf_addc(&sb, (char)(v & 0xFF));
            } else if (c == '0' && !pg) {
                sqlexpr_refuse(why, "NUL character in a string literal");
                goto fail;
            } else {
                strbuf_addc(&sb, (char)c);
            }
            break;
        }
    }
    *pp = p;
    return strbuf_detach(&sb);
fail:
    strbuf_free(&sb);
    return NULL;
}

/* scan_number — a numeric literal at *pp (decimal with point and exponent,
 * or 0x hex); '_' separators between digits are dropped. Returns the text
 * or NULL with *why set when letters follow it. */
static char *scan_number(const char **pp, const char **why)
{
    const char *p = *pp, *start = p;
    strbuf sb = STRBUF_INIT;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && a_xdigit((unsigned char)p[2])) {
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
        sqlexpr_refuse(why, "malformed number near \"%.20s\"", start);
        return NULL;
    }
    *pp = p;
    return strbuf_detach(&sb);
}

/* scan_blob — x'..' at *pp (on the quote): the hex digits lower-cased, or
 * NULL with *why set. */
static char *scan_blob(const char **pp, const char **why)
{
    char *v = scan_quoted(pp, '\'', 0);
    if (!v) { sqlexpr_refuse(why, "unterminated blob literal"); return NULL; }
    size_t n = strlen(v);
    int ok = n % 2 == 0;
    for (size_t i = 0; ok && i < n; i++) {
        if (!a_xdigit((unsigned char)v[i])) ok = 0;
        v[i] = (char)a_lower((unsigned char)v[i]);
    }
    if (!ok) {
        free(v);
        sqlexpr_refuse(why, "malformed blob literal");
        return NULL;
    }
    return v;
}

/* pg_dollar_tag — the length of a dollar-quote tag ($$ or $tag$) at p, or
 * 0. */
static size_t pg_dollar_tag(const char *p)
{
    if (*p != '$') return 0;
    size_t n = 1;
    if (id_start((unsigned char)p[1]) && !a_digit((unsigned char)p[1]))
        while (id_char((unsigned char)p[n]) && p[n] != '$') n++;
    return p[n] == '$' ? n + 1 : 0;
}

/* pg_op_len — the length of the PostgreSQL operator at p: the longest run
 * of operator characters, cut before "--" or a comment start, and without
 * a trailing + or - unless the run holds one of ~ ! @ # % ^ & | ` ?. */
static size_t pg_op_len(const char *p)
{
    size_t n = 0;
    while (p[n] && strchr("+-*/<>=~!@#%^&|`?", p[n])) {
        if (n > 0 && ((p[n] == '-' && p[n + 1] == '-') || (p[n] == '/' && p[n + 1] == '*'))) break;
        n++;
    }
    if (n > 1) {
        int special = 0;
        for (size_t k = 0; k < n; k++)
            if (strchr("~!@#%^&|`?", p[k])) special = 1;
        while (n > 1 && !special && (p[n - 1] == '+' || p[n - 1] == '-')) n--;
    }
    return n;
}

/* sqlexpr_tokenize_ex — cut s into tokens as dialect d's tokenizer does.
 * Trailing ';' are dropped, any other ';' refused; parentheses must
 * balance. Parameters (?, ?1, :name, @name, $name, $1) and MySQL variables
 * are refused: these texts come from a catalog and never contain any.
 * Returns 0 or -1 with *why. */
int sqlexpr_tokenize_ex(sql_dialect d, const char *s, toklist *tl, const char **why)
{
    const char *p = s;
    int space = 0;
    int *stack = NULL, depth = 0, rc = -1;
    const int lite = d == SQL_SQLITE, pg = d == SQL_POSTGRESQL, my = d == SQL_MYSQL;

    while (*p) {
        unsigned char c = (unsigned char)*p;
        const char *start = p;
        if (a_space(c)) {
            space = 1;
            p++;
            continue;
        }
        if ((c == '-' && p[1] == '-' && (!my || !p[2] || a_space((unsigned char)p[2]) ||
                                         (unsigned char)p[2] < 0x20)) ||
            (c == '#' && my)) {
            while (*p && *p != '\n') p++;
            space = 1;
            continue;
        }
        if (c == '/' && p[1] == '*') {
            if (my && p[2] == '!') {
                sqlexpr_refuse(why, "MySQL executable comment /*!...*/ is not translated");
                goto out;
            }
            int nest = 1;
            p += 2;
            while (*p && nest) {
                if (pg && p[0] == '/' && p[1] == '*') { nest++; p += 2; continue; }
                if (p[0] == '*' && p[1] == '/') { nest--; p += 2; continue; }
                p++;
            }
            space = 1;                       /* SQLite lets a comment run to the end */
            continue;
        }
        if (c == '\'' || (my && c == '"')) {
            char *v = my ? scan_escaped(&p, (char)c, 0, why) : scan_quoted(&p, '\'', 1);
            if (!v) {
                if (!my) sqlexpr_refuse(why, "unterminated string literal");
                goto out;
            }
            toks_push(tl, TK_STRING, space, 0, v);
        } else if (pg && (c == 'E' || c == 'e') && p[1] == '\'') {
            p++;
            char *v = scan_escaped(&p, '\'', 1, why);
            if (!v) goto out;
            toks_push(tl, TK_STRING, space, 0, v);
        } else if ((c == 'N' || c == 'n') && p[1] == '\'' && !lite) {
            p++;
            char *v = my ? scan_escaped(&p, '\'', 0, why) : scan_quoted(&p, '\'', 1);
            if (!v) {
                if (!my) sqlexpr_refuse(why, "unterminated string literal");
                goto out;
            }
            toks_push(tl, TK_STRING, space, 0, v);
        } else if (pg && (c == 'U' || c == 'u') && p[1] == '&') {
            sqlexpr_refuse(why, "Unicode escape string U&'...' is not translated");
            goto out;
        } else if ((c == 'x' || c == 'X') && p[1] == '\'') {
            if (pg) {
                sqlexpr_refuse(why, "bit string literal X'...' is not translated");
                goto out;
            }
            p++;
            char *v = scan_blob(&p, why);
            if (!v) goto out;
            toks_push(tl, TK_BLOB, space, 0, v);
        } else if ((c == 'b' || c == 'B') && p[1] == '\'' && !lite) {
            /* MySQL b'0101': the bits as an unsigned number */
            if (pg) {
                sqlexpr_refuse(why, "bit string literal B'...' is not translated");
                goto out;
            }
            p++;
            char *v = scan_quoted(&p, '\'', 0);
            if (!v) { sqlexpr_refuse(why, "unterminated bit literal"); goto out; }
            uint64_t u = 0;
            size_t n = strlen(v);
            int ok = n <= 63;
            for (size_t k = 0; ok && k < n; k++) {
                if (v[k] != '0' && v[k] != '1') ok = 0;
                u = u * 2 + (uint64_t)(v[k] - '0');
            }
            free(v);
            if (!ok) { sqlexpr_refuse(why, "malformed or too wide bit literal"); goto out; }
            char buf[24];
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
            toks_push(tl, TK_NUMBER, space, 0, xstrdup(buf));
        } else if (my && c == '_' && id_start((unsigned char)p[1])) {
            /* a charset introducer (_utf8mb4'..', _binary x'..') or a name */
            const char *q = p + 1;
            while (id_char((unsigned char)*q)) q++;
            const char *r = q;
            while (a_space((unsigned char)*r)) r++;
            int binary = span_is(p, (size_t)(q - p), "_binary");
            if (*r == '\'' || *r == '"') {
                p = r;
                char *v = scan_escaped(&p, *r, 0, why);
                if (!v) goto out;
                if (binary) {
                    strbuf hx = STRBUF_INIT;
                    strbuf_addhex(&hx, v, strlen(v));
                    free(v);
                    toks_push(tl, TK_BLOB, space, 0, strbuf_detach(&hx));
                } else {
                    toks_push(tl, TK_STRING, space, 0, v);
                }
            } else if ((*r == 'x' || *r == 'X') && r[1] == '\'') {
                p = r + 1;
                char *v = scan_blob(&p, why);
                if (!v) goto out;
                if (binary) {
                    toks_push(tl, TK_BLOB, space, 0, v);
                } else {
                    free(v);
                    sqlexpr_refuse(why, "hex literal with a charset introducer is not translated");
                    goto out;
                }
            } else {
                p = q;
                toks_push(tl, TK_WORD, space, 0, xstrndup(start, (size_t)(p - start)));
            }
        } else if (c == '"' || (c == '`' && !pg) || (c == '[' && lite)) {
            char close = c == '[' ? ']' : (char)c;
            char *v = scan_quoted(&p, close, c != '[');
            if (!v) { sqlexpr_refuse(why, "unterminated quoted identifier"); goto out; }
            toks_push(tl, TK_QUOTED, space, (char)c, v);
        } else if (pg && c == '$' && pg_dollar_tag(p)) {
            size_t tn = pg_dollar_tag(p);
            const char *body = p + tn, *end = body;
            while (*end && strncmp(end, p, tn) != 0) end++;
            if (!*end) { sqlexpr_refuse(why, "unterminated dollar-quoted string"); goto out; }
            toks_push(tl, TK_STRING, space, 0, xstrndup(body, (size_t)(end - body)));
            p = end + tn;
        } else if (a_digit(c) || (c == '.' && a_digit((unsigned char)p[1]))) {
            char *v = scan_number(&p, why);
            if (!v) goto out;
            toks_push(tl, TK_NUMBER, space, 0, v);
        } else if (id_start(c)) {
            while (id_char((unsigned char)*p)) p++;
            toks_push(tl, TK_WORD, space, 0, xstrndup(start, (size_t)(p - start)));
        } else if ((c == '?' && !pg) ||
                   ((c == ':' || c == '@' || c == '$' || c == '#') && lite && id_char((unsigned char)p[1])) ||
                   (c == '$' && pg && a_digit((unsigned char)p[1])) ||
                   (c == '@' && my) || (c == ':' && my && p[1] != '=')) {
            p++;
            if (*p == '@') p++;
            while (id_char((unsigned char)*p)) p++;
            if (my && c == '@')
                sqlexpr_refuse(why, "variable %.*s is not allowed here",
                               (int)(p - start > 40 ? 40 : p - start), start);
            else
                sqlexpr_refuse(why, "parameter %.*s is not allowed here",
                               (int)(p - start > 40 ? 40 : p - start), start);
            goto out;
        } else if (pg && (c == '(' || c == ')' || c == ',' || c == '.' || c == ';' || c == '[' ||
                          c == ']' || c == ':')) {
            size_t len = c == ':' && p[1] == ':' ? 2 : 1;
            tok_kind kind = c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN
                          : c == ',' ? TK_COMMA : c == '.' ? TK_DOT : TK_OP;
            toks_push(tl, kind, space, 0, xstrndup(p, len));
            p += len;
        } else if (pg && pg_op_len(p)) {
            size_t len = pg_op_len(p);
            toks_push(tl, TK_OP, space, 0, xstrndup(p, len));
            p += len;
        } else {
            static const char *const lite_ops[] = {
                "->>", "->", "||", "==", "!=", "<>", "<=", ">=", "<<", ">>",
                "(", ")", ",", ".", ";", "+", "-", "*", "/", "%", "&", "|", "~",
                "<", ">", "=",
            };
            static const char *const my_ops[] = {
                "<=>", "->>", "->", ":=", "||", "&&", "!=", "<>", "<=", ">=", "<<", ">>",
                "(", ")", ",", ".", ";", "+", "-", "*", "/", "%", "&", "|", "~", "^", "!",
                "<", ">", "=",
            };
            const char *const *ops = my ? my_ops : lite_ops;
            size_t nops = my ? sizeof my_ops / sizeof my_ops[0] : sizeof lite_ops / sizeof lite_ops[0];
            size_t k, len = 0;
            for (k = 0; k < nops; k++) {
                len = strlen(ops[k]);
                if (strncmp(p, ops[k], len) == 0) break;
            }
            if (k == nops) {
                if (c >= 0x20 && c < 0x7f) sqlexpr_refuse(why, "unexpected character '%c'", c);
                else sqlexpr_refuse(why, "unexpected byte 0x%02x", c);
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
            sqlexpr_refuse(why, "more than one statement");
            goto out;
        }
        if (tl->v[i].kind == TK_LPAREN) stack[depth++] = i;
        if (tl->v[i].kind == TK_RPAREN) {
            if (!depth) { sqlexpr_refuse(why, "unbalanced parentheses"); goto out; }
            int open = stack[--depth];
            tl->match[open] = i;
            tl->match[i] = open;
        }
    }
    if (depth) { sqlexpr_refuse(why, "unbalanced parentheses"); goto out; }
    rc = 0;
out:
    free(stack);
    return rc;
}

/* sqlexpr_tokenize — sqlexpr_tokenize_ex for SQLite. */
int sqlexpr_tokenize(const char *s, toklist *tl, const char **why)
{
    return sqlexpr_tokenize_ex(SQL_SQLITE, s, tl, why);
}

/* sqlexpr_render_tokens — the tokens [lo, hi) as text with single spaces,
 * for reasons ("datetime('now','localtime')"). */
void sqlexpr_render_tokens(const toklist *tl, int lo, int hi, strbuf *sb)
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
