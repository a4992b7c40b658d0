/* sqlite_ddl.c — the SQLite driver's reader of CREATE TABLE / INDEX / VIEW
 * text: what SQLite keeps only in sqlite_master and no pragma gives.
 *
 * DESIGN
 * The pragma table-valued functions give columns, keys, indexes and foreign
 * keys exactly (sqlite_describe.c). What they do not give lives only in the
 * CREATE text: CHECK constraints, generated-column and index expressions,
 * partial-index predicates, column collations, constraint names,
 * DEFERRABLE, AUTOINCREMENT and WITHOUT ROWID. A small tokenizer (ddl_*)
 * splits that text into tokens with offsets, so that a string or a quoted
 * identifier is never taken for a keyword and every piece we keep is an
 * exact substring of what the user wrote. Parsing is best effort: text it
 * does not understand only leaves those extras out. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlite_internal.h"

/* ------------------------------------------------------------------ */
/* Tokens of CREATE statements                                         */
/* ------------------------------------------------------------------ */

enum { TK_WORD = 1, TK_STRING, TK_ID, TK_PUNCT };

typedef struct ddl_tok {
    int kind;
    int off, len;            /* bytes of the token in the text */
} ddl_tok;

typedef struct ddl {
    const char *sql;
    ddl_tok    *t;           /* malloc'd; ddl_free */
    int         n;
} ddl;

static int is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static int is_word_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
           || ch == '_' || ch == '$' || ch >= 0x80;
}

/* ddl_tokenize — split sql into tokens: words (keywords, bare names,
 * numbers), 'strings', quoted identifiers ("x", [x], `x`) and single
 * punctuation characters; comments and white space are dropped. d->t is
 * malloc'd and released by ddl_free. */
static void ddl_tokenize(ddl *d, const char *sql)
{
    const unsigned char *s = (const unsigned char *)sql;
    int i = 0, cap = 0;

    d->sql = sql;
    d->t = NULL;
    d->n = 0;
    while (s[i]) {
        int start = i, kind;
        unsigned char ch = s[i];

        if (is_space(ch)) { i++; continue; }
        if (ch == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n') i++;
            continue;
        }
        if (ch == '/' && s[i + 1] == '*') {
            i += 2;
            while (s[i] && !(s[i] == '*' && s[i + 1] == '/')) i++;
            if (s[i]) i += 2;
            continue;
        }
        if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
            unsigned char close = ch == '[' ? ']' : ch;
            kind = ch == '\'' ? TK_STRING : TK_ID;
            for (i++; s[i]; i++) {
                if (s[i] != close) continue;
                if (close != ']' && s[i + 1] == close) { i++; continue; }
                i++;
                break;
            }
        } else if (is_word_char(ch)) {
            kind = TK_WORD;
            while (s[i] && is_word_char(s[i])) i++;
        } else {
            kind = TK_PUNCT;
            i++;
        }
        if (d->n == cap) {
            cap = cap ? cap * 2 : 64;
            d->t = xrealloc(d->t, (size_t)cap * sizeof *d->t);
        }
        d->t[d->n].kind = kind;
        d->t[d->n].off = start;
        d->t[d->n].len = i - start;
        d->n++;
    }
}

static void ddl_free(ddl *d)
{
    free(d->t);
    d->t = NULL;
    d->n = 0;
}

/* ddl_word — 1 when token i is the bare word kw (any case). */
static int ddl_word(const ddl *d, int i, const char *kw)
{
    return i >= 0 && i < d->n && d->t[i].kind == TK_WORD && (size_t)d->t[i].len == strlen(kw)
           && strncasecmp(d->sql + d->t[i].off, kw, (size_t)d->t[i].len) == 0;
}

/* ddl_punct — 1 when token i is the punctuation character ch. */
static int ddl_punct(const ddl *d, int i, char ch)
{
    return i >= 0 && i < d->n && d->t[i].kind == TK_PUNCT && d->sql[d->t[i].off] == ch;
}

/* ddl_match — the index of the ')' closing the '(' at i, or d->n. */
static int ddl_match(const ddl *d, int i)
{
    int depth = 0;

    for (; i < d->n; i++) {
        if (ddl_punct(d, i, '(')) depth++;
        else if (ddl_punct(d, i, ')') && --depth == 0) return i;
    }
    return d->n;
}

/* ddl_text — the original text of tokens [a, b) (comments inside kept),
 * copied into mem; NULL when the range is empty. A trailing ';' is left
 * out. */
static char *ddl_text(const ddl *d, int a, int b, arena *mem)
{
    int end;

    if (b > d->n) b = d->n;
    while (b > a && ddl_punct(d, b - 1, ';')) b--;
    if (a >= b) return NULL;
    end = d->t[b - 1].off + d->t[b - 1].len;
    return arena_strndup(mem, d->sql + d->t[a].off, (size_t)(end - d->t[a].off));
}

/* ddl_name — token i as a name: quotes removed and doubled quotes undone;
 * copied into mem. NULL when there is no token i. */
static char *ddl_name(const ddl *d, int i, arena *mem)
{
    const char *p;
    char *out, close;
    int len, k, j = 0;

    if (i < 0 || i >= d->n) return NULL;
    p = d->sql + d->t[i].off;
    len = d->t[i].len;
    if (d->t[i].kind != TK_STRING && d->t[i].kind != TK_ID)
        return arena_strndup(mem, p, (size_t)len);
    close = p[0] == '[' ? ']' : p[0];
    out = arena_alloc(mem, (size_t)len + 1);
    for (k = 1; k < len; k++) {
        if (p[k] == close) {
            if (close != ']' && k + 1 < len && p[k + 1] == close) {
                out[j++] = close;
                k++;
                continue;
            }
            break;
        }
        out[j++] = p[k];
    }
    out[j] = '\0';
    return out;
}

/* ddl_name_list — the names at the start of each comma-separated item of
 * the parenthesised list opening at token open ("(a COLLATE NOCASE, b
 * DESC)" gives a, b), in mem; *n gets the count. */
static char **ddl_name_list(const ddl *d, int open, arena *mem, int *n)
{
    char **names = NULL;
    int cap = 0, close = ddl_match(d, open), i, start = open + 1;

    *n = 0;
    for (i = open + 1; i <= close && i <= d->n; i++) {
        if (i == close || ddl_punct(d, i, ',')) {
            if (start < i) {
                char *name = ddl_name(d, start, mem);
                ARENA_PUSH(mem, names, *n, cap, name);
            }
            start = i + 1;
        } else if (ddl_punct(d, i, '(')) {
            i = ddl_match(d, i);
        }
    }
    return names;
}

/* ------------------------------------------------------------------ */
/* What the CREATE TABLE text says beyond the pragmas                  */
/* ------------------------------------------------------------------ */

/* starts_table_constraint — 1 when token i begins a table constraint
 * rather than a column definition. These keywords cannot be bare column
 * names, so a quoted "check" column is not mistaken for one. */
static int starts_table_constraint(const ddl *d, int i)
{
    return ddl_word(d, i, "CONSTRAINT") || ddl_word(d, i, "PRIMARY") || ddl_word(d, i, "UNIQUE")
           || ddl_word(d, i, "CHECK") || ddl_word(d, i, "FOREIGN");
}

/* ends_fk_clause — 1 when token i starts the next constraint after a
 * REFERENCES clause ("NOT NULL", "DEFAULT", ...), so DEFERRABLE found
 * before it belongs to the foreign key. */
static int ends_fk_clause(const ddl *d, int i)
{
    static const char *const kw[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN",
                                     "REFERENCES", "COLLATE", "DEFAULT", "GENERATED", "AS"};
    size_t k;

    for (k = 0; k < sizeof kw / sizeof kw[0]; k++)
        if (ddl_word(d, i, kw[k])) return 1;
    return ddl_word(d, i, "NOT") && ddl_word(d, i + 1, "NULL");
}

/* ddl_parse_item — one comma-separated item [a, b) of the CREATE TABLE
 * body: a column definition with its column constraints, or one or more
 * table constraints. Adds what it finds to out (memory from mem). */
static void ddl_parse_item(const ddl *d, int a, int b, arena *mem, ddl_table *out)
{
    ddl_coldef *col = NULL;
    char *pending = NULL;          /* CONSTRAINT name waiting for its constraint */
    char **fk_cols = NULL;         /* FOREIGN KEY (cols) waiting for REFERENCES */
    int n_fk_cols = 0, i = a;

    if (a >= b) return;
    if (!starts_table_constraint(d, a)) {
        ddl_coldef cd = {ddl_name(d, a, mem), NULL, NULL};
        ARENA_PUSH(mem, out->cols, out->ncols, out->cap_cols, cd);
        col = &out->cols[out->ncols - 1];
        i = a + 1;
    }
    while (i < b) {
        if (ddl_word(d, i, "CONSTRAINT")) {
            pending = ddl_name(d, i + 1, mem);
            i += 2;
        } else if (ddl_word(d, i, "CHECK") && ddl_punct(d, i + 1, '(')) {
            int m = ddl_match(d, i + 1);
            cat_check ck = {pending, ddl_text(d, i + 2, m, mem)};
            ARENA_PUSH(mem, out->checks, out->nchecks, out->cap_checks, ck);
            pending = NULL;
            i = m + 1;
        } else if (col && ddl_word(d, i, "COLLATE")) {
            col->collation = ddl_name(d, i + 1, mem);
            pending = NULL;
            i += 2;
        } else if (col && ddl_word(d, i, "AS") && ddl_punct(d, i + 1, '(')) {
            int m = ddl_match(d, i + 1);
            col->generated_expr = ddl_text(d, i + 2, m, mem);
            pending = NULL;
            i = m + 1;
        } else if (ddl_word(d, i, "PRIMARY") && ddl_word(d, i + 1, "KEY")) {
            /* its name, when it has one: apps' migrations refer to it */
            if (pending) out->pk_name = pending;
            pending = NULL;
            i += 2;
        } else if (ddl_word(d, i, "UNIQUE")) {
            ddl_cons u = {pending, 0, NULL, 0, 0};
            if (ddl_punct(d, i + 1, '(')) {
                u.cols = ddl_name_list(d, i + 1, mem, &u.ncols);
                i = ddl_match(d, i + 1) + 1;
            } else {
                if (col) {
                    u.cols = arena_alloc(mem, sizeof *u.cols);
                    u.cols[0] = col->name;
                    u.ncols = 1;
                }
                i++;
            }
            ARENA_PUSH(mem, out->uniques, out->nuniques, out->cap_uniques, u);
            pending = NULL;
        } else if (ddl_word(d, i, "FOREIGN") && ddl_word(d, i + 1, "KEY")
                   && ddl_punct(d, i + 2, '(')) {
            fk_cols = ddl_name_list(d, i + 2, mem, &n_fk_cols);
            i = ddl_match(d, i + 2) + 1;
        } else if (ddl_word(d, i, "REFERENCES")) {
            ddl_cons fk = {pending, n_fk_cols, fk_cols, 0, 0};
            if (!fk_cols && col) {
                fk.cols = arena_alloc(mem, sizeof *fk.cols);
                fk.cols[0] = col->name;
                fk.ncols = 1;
            }
            i += 2;                              /* REFERENCES parent */
            if (ddl_punct(d, i, '(')) i = ddl_match(d, i) + 1;
            for (; i < b && !ends_fk_clause(d, i); i++) {
                if (ddl_punct(d, i, '(')) i = ddl_match(d, i);
                else if (ddl_word(d, i, "DEFERRABLE") && !ddl_word(d, i - 1, "NOT")
                         && ddl_word(d, i + 1, "INITIALLY") && ddl_word(d, i + 2, "DEFERRED"))
                    fk.deferrable = 1;
            }
            ARENA_PUSH(mem, out->fks, out->nfks, out->cap_fks, fk);
            pending = NULL;
            fk_cols = NULL;
            n_fk_cols = 0;
        } else if (ddl_punct(d, i, '(')) {
            i = ddl_match(d, i) + 1;             /* type arguments, DEFAULT (...), PRIMARY KEY (...) */
        } else {
            if (ddl_word(d, i, "PRIMARY") || ddl_word(d, i, "NOT") || ddl_word(d, i, "NULL")
                || ddl_word(d, i, "DEFAULT") || ddl_word(d, i, "GENERATED"))
                pending = NULL;
            i++;
        }
    }
}

/* sq_ddl_parse_table — what the CREATE TABLE text sql says beyond the pragmas,
 * into out (zeroed here; memory from mem). Best effort. */
void sq_ddl_parse_table(const char *sql, arena *mem, ddl_table *out)
{
    ddl d;
    int i, open, close, start;

    memset(out, 0, sizeof *out);
    ddl_tokenize(&d, sql ? sql : "");
    for (i = 0; i < d.n; i++)
        if (ddl_word(&d, i, "AUTOINCREMENT")) out->autoincrement = 1;
    for (open = 0; open < d.n && !ddl_punct(&d, open, '('); open++)
        ;
    if (open == d.n) goto out;
    close = ddl_match(&d, open);
    for (i = close + 1; i < d.n; i++)
        if (ddl_word(&d, i, "WITHOUT") && ddl_word(&d, i + 1, "ROWID")) out->without_rowid = 1;
    start = open + 1;
    for (i = open + 1; i <= close && i <= d.n; i++) {
        if (i == close || ddl_punct(&d, i, ',')) {
            ddl_parse_item(&d, start, i, mem, out);
            start = i + 1;
        } else if (ddl_punct(&d, i, '(')) {
            i = ddl_match(&d, i);
        }
    }
out:
    ddl_free(&d);
}

/* sq_ddl_find_col — the parsed definition of column name, or NULL. */
const ddl_coldef *sq_ddl_find_col(const ddl_table *def, const char *name)
{
    int i;

    for (i = 0; i < def->ncols; i++)
        if (def->cols[i].name && strcasecmp(def->cols[i].name, name) == 0)
            return &def->cols[i];
    return NULL;
}

/* sq_ddl_find_cons — the first unused constraint in list with exactly the
 * columns cols (case-insensitive, in order); marks it used. NULL if none. */
ddl_cons *sq_ddl_find_cons(ddl_cons *list, int n, char *const *cols, int ncols)
{
    int i, k;

    for (i = 0; i < n; i++) {
        if (list[i].used || list[i].ncols != ncols) continue;
        for (k = 0; k < ncols; k++)
            if (!list[i].cols[k] || !cols[k] || strcasecmp(list[i].cols[k], cols[k]) != 0) break;
        if (k == ncols) {
            list[i].used = 1;
            return &list[i];
        }
    }
    return NULL;
}

/* sq_ddl_parse_index — from a CREATE INDEX text: the text of each indexed
 * part without its trailing COLLATE / ASC / DESC (*parts, *nparts) and
 * the partial-index predicate after WHERE (*where, NULL if none). Memory
 * from mem. */
void sq_ddl_parse_index(const char *sql, arena *mem, char ***parts, int *nparts, char **where)
{
    ddl d;
    int i, on, open, close, start, cap = 0;

    *parts = NULL;
    *nparts = 0;
    *where = NULL;
    ddl_tokenize(&d, sql);
    for (on = 0; on < d.n && !ddl_word(&d, on, "ON"); on++)
        ;
    for (open = on; open < d.n && !ddl_punct(&d, open, '('); open++)
        ;
    if (open >= d.n) goto out;
    close = ddl_match(&d, open);
    start = open + 1;
    for (i = open + 1; i <= close && i <= d.n; i++) {
        if (i == close || ddl_punct(&d, i, ',')) {
            int end = i;
            char *text;
            if (ddl_word(&d, end - 1, "ASC") || ddl_word(&d, end - 1, "DESC")) end--;
            if (end - start >= 3 && ddl_word(&d, end - 2, "COLLATE")) end -= 2;
            text = ddl_text(&d, start, end, mem);
            ARENA_PUSH(mem, *parts, *nparts, cap, text);
            start = i + 1;
        } else if (ddl_punct(&d, i, '(')) {
            i = ddl_match(&d, i);
        }
    }
    if (ddl_word(&d, close + 1, "WHERE"))
        *where = ddl_text(&d, close + 2, d.n, mem);
out:
    ddl_free(&d);
}

/* sq_ddl_view_select — the SELECT of a CREATE VIEW text: everything after the
 * AS that follows the view's name and optional column list. In mem; NULL
 * when the text has no such AS. */
char *sq_ddl_view_select(const char *sql, arena *mem)
{
    ddl d;
    char *out = NULL;
    int i;

    ddl_tokenize(&d, sql);
    for (i = 0; i < d.n && !ddl_word(&d, i, "VIEW"); i++)
        ;
    for (; i < d.n; i++) {
        if (ddl_punct(&d, i, '(')) i = ddl_match(&d, i);
        else if (ddl_word(&d, i, "AS")) {
            out = ddl_text(&d, i + 1, d.n, mem);
            break;
        }
    }
    ddl_free(&d);
    return out;
}

/* sq_ddl_vtab_module — the module name of a CREATE VIRTUAL TABLE text
 * ("fts5"), in mem; NULL when sql is not a virtual table. */
char *sq_ddl_vtab_module(const char *sql, arena *mem)
{
    ddl d;
    char *out = NULL;
    int i;

    ddl_tokenize(&d, sql ? sql : "");
    if (ddl_word(&d, 0, "CREATE") && ddl_word(&d, 1, "VIRTUAL"))
        for (i = 2; i < d.n; i++)
            if (ddl_word(&d, i, "USING")) {
                out = ddl_name(&d, i + 1, mem);
                break;
            }
    ddl_free(&d);
    return out;
}

