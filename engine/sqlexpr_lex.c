/* sqlexpr_lex.c — the lexical layer of the SQL translator: SQLite's
 * tokenizer, ASCII name folding, and the one-line reasons every part of the
 * translator refuses with.
 *
 * DESIGN
 * The input is cut into tokens following SQLite's own tokenizer (strings,
 * blobs, numbers, bare and quoted identifiers, operators; comments and
 * whitespace only leave a "space before" mark). Parentheses are matched
 * once, so every later step can treat "(...)" as one unit.
 *
 * Reasons (*why) point to a thread-local buffer valid until the next call
 * into this module on the same thread. */
#include <stdarg.h>
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

/* sqlexpr_tokenize — cut s into tokens as SQLite's tokenizer does. Trailing
 * ';' are dropped, any other ';' refused; parentheses must balance.
 * Parameters (?, ?1, :name, @name, $name) are refused: these texts come from
 * a schema and never contain any. Returns 0 or -1 with *why. */
int sqlexpr_tokenize(const char *s, toklist *tl, const char **why)
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
            if (!v) { sqlexpr_refuse(why, "unterminated string literal"); goto out; }
            toks_push(tl, TK_STRING, space, 0, v);
        } else if ((c == 'x' || c == 'X') && p[1] == '\'') {
            p++;
            char *v = scan_quoted(&p, '\'', 0);
            if (!v) { sqlexpr_refuse(why, "unterminated blob literal"); goto out; }
            size_t n = strlen(v);
            int ok = n % 2 == 0;
            for (size_t i = 0; ok && i < n; i++) {
                if (!a_xdigit((unsigned char)v[i])) ok = 0;
                v[i] = (char)a_lower((unsigned char)v[i]);
            }
            if (!ok) {
                free(v);
                sqlexpr_refuse(why, "malformed blob literal");
                goto out;
            }
            toks_push(tl, TK_BLOB, space, 0, v);
        } else if (c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : (char)c;
            char *v = scan_quoted(&p, close, c != '[');
            if (!v) { sqlexpr_refuse(why, "unterminated quoted identifier"); goto out; }
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
                sqlexpr_refuse(why, "malformed number near \"%.20s\"", start);
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
            sqlexpr_refuse(why, "parameter %.*s is not allowed here",
                           (int)(p - start > 40 ? 40 : p - start), start);
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

/* sqlexpr_render_tokens — the tokens [lo, hi) as SQLite text with single
 * spaces, for reasons ("datetime('now','localtime')"). */
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
