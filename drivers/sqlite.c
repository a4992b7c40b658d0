/* sqlite.c — the SQLite driver, source side: open a database file
 * read-only, describe its schema, and stream its rows by rowid or key
 * ranges. The target side (bulk load) comes later; exec and query are here
 * already because tests and tools want them.
 *
 * DESIGN
 * The pragma table-valued functions (pragma_table_xinfo, pragma_index_list,
 * pragma_index_xinfo, pragma_foreign_key_list) give columns, keys, indexes
 * and foreign keys exactly, with the table name bound as a parameter so any
 * name works. What they do not give lives only in the CREATE text SQLite
 * keeps in sqlite_master: CHECK constraints, generated-column and index
 * expressions, partial-index predicates, column collations, constraint names,
 * DEFERRABLE, AUTOINCREMENT and WITHOUT ROWID. A small tokenizer (ddl_*)
 * splits that text into tokens with offsets, so that a string or a quoted
 * identifier is never taken for a keyword and every piece we keep is an
 * exact substring of what the user wrote. Parsing is best effort: text it
 * does not understand only leaves those extras out.
 *
 * Virtual tables (FTS, R*Tree, ...) and their shadow tables are skipped:
 * they are not plain data and are rebuilt from their own definitions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "driver.h"

/* How long a statement waits for another process's write lock. */
#define SQ_BUSY_TIMEOUT_MS 10000

typedef struct sqlite_conn {
    ferry_conn base;
    sqlite3   *db;
    char      *display;      /* the URL's display form, owned */
} sqlite_conn;

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* side_word — "source" or "target", for messages about the endpoint. */
static const char *side_word(const sqlite_conn *c)
{
    return c->base.side == SIDE_TARGET ? "target" : "source";
}

/* sq_err — record one error for c into e (may be NULL): code, the message
 * and the connection's side. Returns -1. */
static int sq_err(const sqlite_conn *c, ferry_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int sq_err(const sqlite_conn *c, ferry_err *e, int code, const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ferry_err_set(e, code, "%s", msg);
    if (e) {
        e->side = c->base.side;
        e->sqlstate[0] = '\0';
    }
    return -1;
}

/* sq_code — the ferry error code for SQLite result rc; dflt when nothing
 * more specific fits. */
static int sq_code(int rc, int dflt)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:     return FERRY_E_NOMEM;
    case SQLITE_IOERR:     return FERRY_E_IO;
    case SQLITE_INTERRUPT: return FERRY_E_INTERRUPTED;
    default:               return dflt;
    }
}

/* sq_hint — what to do about SQLite result rc, appended to a message. */
static const char *sq_hint(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return " (another process kept the database locked for more than 10 s;"
               " retry when it is idle)";
    case SQLITE_CORRUPT:
        return " (the file is damaged: check it with PRAGMA integrity_check,"
               " or restore a backup)";
    case SQLITE_NOTADB:
        return " (the file is encrypted or is not a database)";
    case SQLITE_FULL:
        return " (the disk is full)";
    default:
        return "";
    }
}

/* sq_oneline — copy s into buf (size n) for a one-line message: control
 * characters become spaces, long text ends in "...". Returns buf. */
static const char *sq_oneline(char *buf, size_t n, const char *s)
{
    size_t i, max = n - 1;

    if (!s) s = "";
    for (i = 0; i < max && s[i]; i++)
        buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' : s[i];
    buf[i] = '\0';
    if (s[i] && max > 3)
        memcpy(buf + max - 3, "...", 4);
    return buf;
}

/* sq_fail_db — record the connection's last SQLite error (result rc) with
 * context what ("table \"t\": reading its columns"). Returns -1. */
static int sq_fail_db(const sqlite_conn *c, ferry_err *e, int dflt, int rc, const char *what)
{
    return sq_err(c, e, sq_code(rc, dflt), "%s: %s%s", what, sqlite3_errmsg(c->db),
                  sq_hint(rc));
}

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

typedef struct ddl_coldef {
    char *name;
    char *collation;         /* COLLATE x, NULL if none */
    char *generated_expr;    /* AS (expr) */
} ddl_coldef;

typedef struct ddl_cons {    /* a UNIQUE or FOREIGN KEY constraint as written */
    char  *name;             /* CONSTRAINT name, NULL if none */
    int    ncols;
    char **cols;
    int    deferrable;       /* DEFERRABLE INITIALLY DEFERRED */
    int    used;             /* matched to a pragma row already */
} ddl_cons;

typedef struct ddl_table {
    int         ncols, cap_cols;
    ddl_coldef *cols;
    int         nchecks, cap_checks;
    cat_check  *checks;
    int         nuniques, cap_uniques;
    ddl_cons   *uniques;
    int         nfks, cap_fks;
    ddl_cons   *fks;
    int         without_rowid;
    int         autoincrement;
} ddl_table;

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

/* ddl_parse_table — what the CREATE TABLE text sql says beyond the pragmas,
 * into out (zeroed here; memory from mem). Best effort. */
static void ddl_parse_table(const char *sql, arena *mem, ddl_table *out)
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

/* ddl_find_col — the parsed definition of column name, or NULL. */
static const ddl_coldef *ddl_find_col(const ddl_table *def, const char *name)
{
    int i;

    for (i = 0; i < def->ncols; i++)
        if (def->cols[i].name && strcasecmp(def->cols[i].name, name) == 0)
            return &def->cols[i];
    return NULL;
}

/* ddl_find_cons — the first unused constraint in list with exactly the
 * columns cols (case-insensitive, in order); marks it used. NULL if none. */
static ddl_cons *ddl_find_cons(ddl_cons *list, int n, char *const *cols, int ncols)
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

/* ddl_parse_index — from a CREATE INDEX text: the text of each indexed
 * part without its trailing COLLATE / ASC / DESC (*parts, *nparts) and
 * the partial-index predicate after WHERE (*where, NULL if none). Memory
 * from mem. */
static void ddl_parse_index(const char *sql, arena *mem, char ***parts, int *nparts, char **where)
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

/* ddl_view_select — the SELECT of a CREATE VIEW text: everything after the
 * AS that follows the view's name and optional column list. In mem; NULL
 * when the text has no such AS. */
static char *ddl_view_select(const char *sql, arena *mem)
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

/* ddl_vtab_module — the module name of a CREATE VIRTUAL TABLE text
 * ("fts5"), in mem; NULL when sql is not a virtual table. */
static char *ddl_vtab_module(const char *sql, arena *mem)
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

/* ------------------------------------------------------------------ */
/* Connection                                                          */
/* ------------------------------------------------------------------ */

/* sqlite_open_error — record why opening path failed with result rc (the
 * file exists and is not a directory): not a database, corrupt, locked,
 * no permission, or SQLite's own words. Returns -1. */
static int sqlite_open_error(sqlite_conn *c, const char *path, int rc, ferry_err *e)
{
    const char *side = side_word(c), *disp = c->display;
    int sys = c->db ? sqlite3_system_errno(c->db) : 0;

    switch (rc) {
    case SQLITE_READONLY_DIRECTORY:
    case SQLITE_READONLY_CANTINIT:
    case SQLITE_READONLY_CANTLOCK:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is in WAL mode and SQLite cannot"
                      " create or open its -shm and -wal files next to it (make the directory"
                      " writable for this user, or copy the database with its -wal file"
                      " elsewhere)", side, disp, path);
    case SQLITE_READONLY_RECOVERY:
    case SQLITE_READONLY_ROLLBACK:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" was left mid-write (hot journal"
                      " or WAL needing recovery) and a read-only open cannot repair it (open"
                      " it once with sqlite3 as a user who may write it)", side, disp, path);
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is not a SQLite database"
                      " (file is encrypted or is not a database)", side, disp, path);
    case SQLITE_CORRUPT:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is corrupt: database disk image"
                      " is malformed (check it with: sqlite3 \"%s\" \"PRAGMA integrity_check\","
                      " or restore a backup)", side, disp, path, path);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is locked by another process"
                      " (waited 10 s; retry when the application is idle)", side, disp, path);
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        if (sys == EACCES || sys == EPERM || (rc & 0xff) == SQLITE_PERM)
            return sq_err(c, e, FERRY_E_CONNECT, "%s %s: permission denied opening \"%s\""
                          " (check the permissions of the file, its directory, and its -wal"
                          " and -shm files)", side, disp, path);
        break;
    default:
        break;
    }
    return sq_err(c, e, sq_code(rc, FERRY_E_CONNECT), "%s %s: cannot open \"%s\": %s%s%s%s",
                  side, disp, path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc),
                  sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
}

/* sqlite_connect — open u->path: read-only for a source (it must exist),
 * read-write and created when missing for a target. A first read of the
 * schema makes a file that is not a database fail here, not later. On
 * failure nothing stays open and c may be freed or closed. */
static int sqlite_connect(ferry_conn *base, const ferry_url *u, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    const char *path = u->path;
    int target = base->side == SIDE_TARGET, flags, src, rc = -1;
    struct stat st;

    c->db = NULL;
    c->display = xstrdup(u->display ? u->display : path ? path : "sqlite");
    if (!path || !*path) {
        sq_err(c, e, FERRY_E_USAGE, "%s %s: no database file named (sqlite:///rel.db is"
               " relative, sqlite:////abs.db is absolute)", side_word(c), c->display);
        goto out;
    }
    if (stat(path, &st) != 0) {
        int err = errno;
        if (err == ENOENT && !target)
            sq_err(c, e, FERRY_E_CONNECT, "%s %s: no such file \"%s\" (check the path;"
                   " sqlite:///rel.db is relative, sqlite:////abs.db is absolute)",
                   side_word(c), c->display, path);
        else if (err == EACCES)
            sq_err(c, e, FERRY_E_CONNECT, "%s %s: permission denied reaching \"%s\" (check"
                   " the permissions of the directories on the path)", side_word(c),
                   c->display, path);
        else if (err != ENOENT)
            sq_err(c, e, FERRY_E_CONNECT, "%s %s: cannot reach \"%s\": %s", side_word(c),
                   c->display, path, strerror(err));
        if (err != ENOENT || !target) goto out;
    } else if (S_ISDIR(st.st_mode)) {
        sq_err(c, e, FERRY_E_CONNECT, "%s %s: \"%s\" is a directory, not a SQLite database"
               " file (name the database file itself)", side_word(c), c->display, path);
        goto out;
    } else if (access(path, target ? R_OK | W_OK : R_OK) != 0 && errno == EACCES) {
        sq_err(c, e, FERRY_E_CONNECT, "%s %s: permission denied %s \"%s\" (check the file's"
               " permissions)", side_word(c), c->display, target ? "writing" : "reading", path);
        goto out;
    }

    flags = (target ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX;
    src = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (src != SQLITE_OK) {
        sqlite_open_error(c, path, src, e);
        goto out;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, SQ_BUSY_TIMEOUT_MS);
#ifdef SQLITE_DBCONFIG_DQS_DML
    /* A misspelled "column" must fail, not silently become a string. */
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
#endif
    src = sqlite3_exec(c->db, "SELECT count(*) FROM main.sqlite_master", NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        sqlite_open_error(c, path, src, e);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0) {
        sqlite3_close_v2(c->db);               /* NULL-safe */
        c->db = NULL;
        free(c->display);
        c->display = NULL;
    }
    return rc;
}

/* sqlite_close — close the database (an open snapshot is rolled back) and
 * free c. NULL-safe. */
static void sqlite_close(ferry_conn *base)
{
    sqlite_conn *c = (sqlite_conn *)base;

    if (!c) return;
    sqlite3_close_v2(c->db);
    free(c->display);
    free(c);
}

/* sqlite_server_version — "SQLite 3.40.1" (the library linked in). */
static int sqlite_server_version(ferry_conn *base, char *buf, size_t n, ferry_err *e)
{
    (void)base;
    (void)e;
    snprintf(buf, n, "SQLite %s", sqlite3_libversion());
    return 0;
}

/* sqlite_begin_snapshot — BEGIN, then a first read so that the read
 * transaction is open: every later read on c sees this one state until the
 * connection closes. A second call is a no-op. */
static int sqlite_begin_snapshot(ferry_conn *base, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    int src;

    if (!sqlite3_get_autocommit(c->db)) return 0;
    src = sqlite3_exec(c->db, "BEGIN; SELECT count(*) FROM main.sqlite_master", NULL, NULL, NULL);
    if (src != SQLITE_OK) {
        sq_fail_db(c, e, FERRY_E_SOURCE, src, "cannot start a read snapshot");
        if (!sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* sqlite_quote_ident — append name as a SQLite identifier: double quotes,
 * embedded double quotes doubled. */
static void sqlite_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '"');
    for (; *name; name++) {
        if (*name == '"') strbuf_addc(out, '"');
        strbuf_addc(out, *name);
    }
    strbuf_addc(out, '"');
}

/* add_table_ref — append "main"."t" to sb. */
static void add_table_ref(strbuf *sb, const cat_table *t)
{
    strbuf_adds(sb, "\"main\".");
    sqlite_quote_ident(sb, t->name);
}

/* ------------------------------------------------------------------ */
/* Describe                                                            */
/* ------------------------------------------------------------------ */

/* col_dup — result column i of st copied into mem, NULL for SQL NULL. */
static char *col_dup(arena *mem, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? arena_strndup(mem, (const char *)s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* describe_columns — fill t's columns from pragma_table_xinfo, with
 * collations and generated expressions from the parsed CREATE text def;
 * also npk and rowid_alias (has_rowid must be set). Hidden columns of
 * virtual tables are left out. */
static int describe_columns(sqlite_conn *c, arena *mem, cat_table *t, const ddl_table *def,
                            const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, src, cap = 0, i;

    src = sqlite3_prepare_v2(c->db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden"
                             " FROM pragma_table_xinfo(?1, 'main') ORDER BY cid", -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cat_column col;
        const ddl_coldef *cd;
        int hidden = sqlite3_column_int(st, 5);

        if (hidden == 1) continue;
        memset(&col, 0, sizeof col);
        col.name = col_dup(mem, st, 0);
        col.native_type = col_dup(mem, st, 1);
        if (!col.name) col.name = arena_strdup(mem, "");
        if (!col.native_type) col.native_type = arena_strdup(mem, "");
        col.notnull = sqlite3_column_int(st, 2);
        col.default_expr = col_dup(mem, st, 3);
        col.pk_position = sqlite3_column_int(st, 4);
        col.generated = hidden == 2 || hidden == 3;
        if ((cd = ddl_find_col(def, col.name))) {
            if (cd->collation && strcasecmp(cd->collation, "BINARY") != 0)
                col.collation = cd->collation;
            if (col.generated) col.generated_expr = cd->generated_expr;
        }
        if (col.pk_position > 0) t->npk++;
        ARENA_PUSH(mem, t->cols, t->ncols, cap, col);
    }
    if (src != SQLITE_DONE) goto fail;
    if (t->npk == 1 && t->has_rowid)
        for (i = 0; i < t->ncols; i++)
            if (t->cols[i].pk_position == 1 && strcasecmp(t->cols[i].native_type, "INTEGER") == 0)
                t->rowid_alias = i;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* describe_index_parts — fill ix's parts from pragma_index_xinfo (key
 * columns only); exprs[k] is the text of part k from the CREATE INDEX,
 * used where the part is an expression. */
static int describe_index_parts(sqlite_conn *c, arena *mem, cat_index *ix, char **exprs,
                                int nexprs, const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, src, cap = 0;

    src = sqlite3_prepare_v2(c->db, "SELECT cid, name, \"desc\", coll FROM"
                             " pragma_index_xinfo(?1, 'main') WHERE key ORDER BY seqno",
                             -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, ix->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cat_index_part part;
        int cid = sqlite3_column_int(st, 0);
        const char *coll = (const char *)sqlite3_column_text(st, 3);

        memset(&part, 0, sizeof part);
        if (cid == -2)
            part.expr = ix->nparts < nexprs ? exprs[ix->nparts] : NULL;
        else if (cid == -1)
            part.column = arena_strdup(mem, "rowid");
        else
            part.column = col_dup(mem, st, 1);
        part.desc = sqlite3_column_int(st, 2);
        if (coll && strcasecmp(coll, "BINARY") != 0) part.collation = arena_strdup(mem, coll);
        ARENA_PUSH(mem, ix->parts, ix->nparts, cap, part);
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* describe_indexes — fill t's secondary indexes and UNIQUE constraints
 * (not the primary key) in creation order. A UNIQUE constraint gets its
 * CONSTRAINT name from def when it has one, else SQLite's
 * sqlite_autoindex_* name; its sql is NULL. A primary key with an index of
 * its own is no rowid alias (this is exactly SQLite's rule, covering the
 * "INTEGER PRIMARY KEY DESC" quirk), so rowid_alias is reset then. */
static int describe_indexes(sqlite_conn *c, arena *mem, cat_table *t, ddl_table *def,
                            const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, src, cap = 0;

    src = sqlite3_prepare_v2(c->db,
        "SELECT il.name, il.\"unique\", il.origin, m.sql"
        " FROM pragma_index_list(?1, 'main') AS il"
        " LEFT JOIN main.sqlite_master AS m ON m.type = 'index' AND m.name = il.name"
        " ORDER BY m.rowid, il.seq DESC", -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cat_index ix;
        const char *origin = (const char *)sqlite3_column_text(st, 2);
        char **exprs = NULL;
        int nexprs = 0;

        if (origin && strcmp(origin, "pk") == 0) {
            t->rowid_alias = -1;
            continue;
        }
        memset(&ix, 0, sizeof ix);
        ix.name = col_dup(mem, st, 0);
        ix.unique = sqlite3_column_int(st, 1);
        ix.is_constraint = origin && strcmp(origin, "u") == 0;
        ix.sql = col_dup(mem, st, 3);
        if (ix.sql) ddl_parse_index(ix.sql, mem, &exprs, &nexprs, &ix.where);
        if (describe_index_parts(c, mem, &ix, exprs, nexprs, what, e)) goto out;
        if (ix.is_constraint) {
            char **cols = arena_alloc(mem, (size_t)(ix.nparts + 1) * sizeof *cols);
            ddl_cons *u;
            int k;
            for (k = 0; k < ix.nparts; k++) cols[k] = ix.parts[k].column;
            u = ddl_find_cons(def->uniques, def->nuniques, cols, ix.nparts);
            if (u && u->name) ix.name = u->name;
        }
        ARENA_PUSH(mem, t->indexes, t->nindexes, cap, ix);
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* fk_finish — complete fk (names and DEFERRABLE from def) and add it to t. */
static void fk_finish(arena *mem, cat_table *t, int *cap, cat_fk *fk, int any_ref,
                      ddl_table *def)
{
    ddl_cons *w = ddl_find_cons(def->fks, def->nfks, fk->cols, fk->ncols);

    if (!any_ref) fk->ref_cols = NULL;
    if (w) {
        fk->name = w->name;
        fk->deferrable = w->deferrable;
    }
    ARENA_PUSH(mem, t->fks, t->nfks, *cap, *fk);
}

/* describe_fks — fill t's foreign keys from pragma_foreign_key_list, one
 * per constraint (multi-column ones grouped), in declaration order.
 * ref_cols is NULL when the REFERENCES clause names no columns (the parent's
 * primary key is meant). */
static int describe_fks(sqlite_conn *c, arena *mem, cat_table *t, ddl_table *def,
                        const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    cat_fk fk;
    int rc = -1, src, cap = 0, cap_cols = 0, cap_refs = 0, nrefs = 0, any_ref = 0, cur = -1;

    memset(&fk, 0, sizeof fk);
    src = sqlite3_prepare_v2(c->db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete"
                             " FROM pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq",
                             -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0);
        char *from, *to;

        if (id != cur) {
            if (cur != -1) fk_finish(mem, t, &cap, &fk, any_ref, def);
            memset(&fk, 0, sizeof fk);
            cap_cols = cap_refs = nrefs = any_ref = 0;
            cur = id;
            fk.ref_table = col_dup(mem, st, 1);
            fk.on_update = col_dup(mem, st, 4);
            fk.on_delete = col_dup(mem, st, 5);
        }
        from = col_dup(mem, st, 2);
        to = col_dup(mem, st, 3);
        if (to) any_ref = 1;
        ARENA_PUSH(mem, fk.cols, fk.ncols, cap_cols, from);
        ARENA_PUSH(mem, fk.ref_cols, nrefs, cap_refs, to);
    }
    if (src != SQLITE_DONE) goto fail;
    if (cur != -1) fk_finish(mem, t, &cap, &fk, any_ref, def);
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    return rc;
}

/* rowid_name — how to name the rowid of t in SQL: the INTEGER PRIMARY KEY
 * column when there is one (quoted, into sb), else the first of rowid,
 * _rowid_, oid that no real column hides. Returns 0, or -1 when all three
 * are taken (sb untouched). */
static int rowid_name(const cat_table *t, strbuf *sb)
{
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    size_t k;
    int i;

    if (t->rowid_alias >= 0) {
        sqlite_quote_ident(sb, t->cols[t->rowid_alias].name);
        return 0;
    }
    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        for (i = 0; i < t->ncols; i++)
            if (strcasecmp(t->cols[i].name, names[k]) == 0) break;
        if (i == t->ncols) {
            strbuf_adds(sb, names[k]);
            return 0;
        }
    }
    return -1;
}

/* estimate_rows — t->est_rows: the rowid span (max - min + 1, cheap on a
 * rowid table, an upper bound after deletes) or, for WITHOUT ROWID tables,
 * the row count in sqlite_stat1 when ANALYZE was run; -1 if unknown. */
static int estimate_rows(sqlite_conn *c, cat_table *t, const char *what, ferry_err *e)
{
    sqlite3_stmt *st = NULL;
    strbuf sql = STRBUF_INIT;
    int rc = -1, src;

    t->est_rows = -1;
    if (t->has_rowid) {
        /* Two subqueries: SQLite answers a lone min() or max() from the
         * b-tree's ends, but scans the table for both in one SELECT. */
        strbuf key = STRBUF_INIT;
        int hidden = rowid_name(t, &key);
        if (!hidden) {
            strbuf_addf(&sql, "SELECT (SELECT min(%s) FROM ", key.buf);
            add_table_ref(&sql, t);
            strbuf_addf(&sql, "), (SELECT max(%s) FROM ", key.buf);
            add_table_ref(&sql, t);
            strbuf_adds(&sql, ")");
        }
        strbuf_free(&key);
        if (hidden) { rc = 0; goto out; }
        src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
        if (src != SQLITE_OK) goto fail;
        src = sqlite3_step(st);
        if (src != SQLITE_ROW) goto fail;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
            t->est_rows = 0;
        } else {
            uint64_t span = (uint64_t)sqlite3_column_int64(st, 1)
                            - (uint64_t)sqlite3_column_int64(st, 0);
            t->est_rows = span >= (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)span + 1;
        }
        rc = 0;
        goto out;
    }
    /* sqlite_stat1 may not exist: a failing prepare just means "unknown". */
    if (sqlite3_prepare_v2(c->db, "SELECT stat FROM main.sqlite_stat1 WHERE tbl = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = 0;
        goto out;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *stat = (const char *)sqlite3_column_text(st, 0);
        long long n = stat ? strtoll(stat, NULL, 10) : 0;
        if (n > t->est_rows) t->est_rows = n;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    strbuf_free(&sql);
    return rc;
}

/* describe_table — fill t (name and sql already set) from the pragmas and
 * the CREATE text. Memory from mem. */
/* read_autoinc_seq — AUTOINCREMENT's high-water mark: ids up to it were
 * handed out (maybe deleted since) and must never be reused. sqlite_sequence
 * only exists once a row was inserted; no row means 0. */
static void read_autoinc_seq(sqlite_conn *c, cat_table *t)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT seq FROM main.sqlite_sequence WHERE name = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) t->autoinc_seq = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
}

static int describe_table(sqlite_conn *c, arena *mem, cat_table *t, ferry_err *e)
{
    ddl_table def;
    char name[160], what[256];

    sq_oneline(name, sizeof name, t->name);
    snprintf(what, sizeof what, "table \"%s\"", name);
    ddl_parse_table(t->sql, mem, &def);
    t->rowid_alias = -1;
    t->has_rowid = !def.without_rowid;
    t->autoincrement = def.autoincrement;
    t->checks = def.checks;
    t->nchecks = def.nchecks;
    if (describe_columns(c, mem, t, &def, what, e)) return -1;
    if (describe_indexes(c, mem, t, &def, what, e)) return -1;
    if (describe_fks(c, mem, t, &def, what, e)) return -1;
    if (t->autoincrement) read_autoinc_seq(c, t);
    return estimate_rows(c, t, what, e);
}

/* master_row — one table or view of sqlite_master; module is set for a
 * virtual table ("fts5"). */
typedef struct master_row {
    char *type, *name, *sql, *module;
} master_row;

/* is_shadow_table — 1 when name is a shadow table of one of the virtual
 * tables in rows: FTS3/4/5 and R*Tree keep their data in tables named
 * <vtab>_<suffix>. Shadow names of other modules are not known here. */
static int is_shadow_table(const char *name, const master_row *rows, int n)
{
    static const char *const suffixes[] = {"content", "segments", "segdir", "docsize", "stat",
                                           "data", "idx", "config", "node", "rowid", "parent"};
    const char *mod;
    size_t len, k;
    int i;

    for (i = 0; i < n; i++) {
        if (!(mod = rows[i].module) || !rows[i].name) continue;
        if (strncasecmp(mod, "fts", 3) != 0 && strncasecmp(mod, "rtree", 5) != 0
            && strcasecmp(mod, "geopoly") != 0)
            continue;
        len = strlen(rows[i].name);
        if (strncasecmp(name, rows[i].name, len) != 0 || name[len] != '_') continue;
        for (k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++)
            if (strcasecmp(name + len + 1, suffixes[k]) == 0) return 1;
    }
    return 0;
}

/* sqlite_describe — fill cat (zeroed by the caller, memory from cat->mem)
 * with the tables and views of the main database, in creation order.
 * Internal sqlite_* tables, virtual tables and their shadow tables are
 * left out. */
static int sqlite_describe(ferry_conn *base, ferry_catalog *cat, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    arena *mem = &cat->mem;
    sqlite3_stmt *st = NULL;
    master_row *rows = NULL;
    int n = 0, cap = 0, cap_t = 0, cap_v = 0, cap_vt = 0, rc = -1, src, i;

    cat->engine = arena_strdup(mem, "sqlite");
    cat->server_version = arena_strdup(mem, sqlite3_libversion());
    src = sqlite3_prepare_v2(c->db, "SELECT type, name, sql FROM main.sqlite_master"
                             " WHERE type IN ('table', 'view')"
                             " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                             -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        master_row r;
        r.type = col_dup(mem, st, 0);
        r.name = col_dup(mem, st, 1);
        r.sql = col_dup(mem, st, 2);
        r.module = ddl_vtab_module(r.sql, mem);
        ARENA_PUSH(mem, rows, n, cap, r);
    }
    if (src != SQLITE_DONE) goto fail;
    sqlite3_finalize(st);
    st = NULL;

    for (i = 0; i < n; i++) {
        if (rows[i].module && rows[i].name) {
            cat_view v;
            memset(&v, 0, sizeof v);
            v.name = rows[i].name;
            v.sql = rows[i].sql;
            ARENA_PUSH(mem, cat->virtual_tables, cat->nvirtual, cap_vt, v);
            continue;
        }
        if (rows[i].module || !rows[i].name || !rows[i].type) continue;
        if (strcmp(rows[i].type, "view") == 0) {
            cat_view v;
            memset(&v, 0, sizeof v);
            v.name = rows[i].name;
            v.sql = rows[i].sql;
            v.select_sql = v.sql ? ddl_view_select(v.sql, mem) : NULL;
            ARENA_PUSH(mem, cat->views, cat->nviews, cap_v, v);
        } else if (!is_shadow_table(rows[i].name, rows, n)) {
            cat_table t;
            memset(&t, 0, sizeof t);
            t.name = rows[i].name;
            t.sql = rows[i].sql;
            if (describe_table(c, mem, &t, e)) goto out;
            ARENA_PUSH(mem, cat->tables, cat->ntables, cap_t, t);
        }
    }
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, "reading the schema (sqlite_master)");
out:
    sqlite3_finalize(st);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading rows                                                        */
/* ------------------------------------------------------------------ */

/* chunk_key — how rows of t are keyed for chunking: into sb the SQL of the
 * key (key_column quoted, or the rowid), *label its name for messages. When
 * key_column is NULL on a WITHOUT ROWID table, *ordinal is set instead and
 * rows are keyed by their position 1, 2, 3... in primary key order. */
static int chunk_key(sqlite_conn *c, const cat_table *t, const char *key_column, strbuf *sb,
                     const char **label, int *ordinal, ferry_err *e)
{
    char name[160];

    *ordinal = 0;
    *label = key_column ? key_column : "rowid";
    if (key_column) {
        /* Checked here because SQLite would read an unknown "name" as a
         * string literal, and every range would then hold every row. */
        if (catalog_column_index(t, key_column) < 0)
            return sq_err(c, e, FERRY_E_INTERNAL, "table \"%s\" has no key column \"%s\"",
                          sq_oneline(name, sizeof name, t->name), key_column);
        sqlite_quote_ident(sb, key_column);
        return 0;
    }
    if (!t->has_rowid) {
        *ordinal = 1;
        *label = "row";
        return 0;
    }
    if (rowid_name(t, sb) == 0) return 0;
    return sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": columns named rowid, _rowid_ and oid"
                  " hide the rowid, so it cannot be read in key ranges (name an integer key"
                  " column instead)", sq_oneline(name, sizeof name, t->name));
}

/* sqlite_key_stats — count, min and max of the chunking key of t. A key
 * column holding NULL or non-integer values is refused (such rows would
 * fall outside every key range). In ordinal mode the key is 1..count. */
static int sqlite_key_stats(ferry_conn *base, const cat_table *t, const char *key_column,
                            int64_t *count, int64_t *min, int64_t *max, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = NULL;
    strbuf key = STRBUF_INIT, sql = STRBUF_INIT;
    const char *label;
    char name[160], what[400];
    int rc = -1, src, ordinal;

    *count = *min = *max = 0;
    sq_oneline(name, sizeof name, t->name);
    if (chunk_key(c, t, key_column, &key, &label, &ordinal, e)) goto out;
    if (ordinal)
        strbuf_adds(&sql, "SELECT count(*), count(*), 1, count(*) FROM ");
    else
        strbuf_addf(&sql, "SELECT count(*), count(%s), min(%s), max(%s) FROM ",
                    key.buf, key.buf, key.buf);
    add_table_ref(&sql, t);
    snprintf(what, sizeof what, "table \"%s\": counting rows", name);
    src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    if ((src = sqlite3_step(st)) != SQLITE_ROW) goto fail;
    *count = sqlite3_column_int64(st, 0);
    if (sqlite3_column_int64(st, 1) != *count) {
        sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": key column \"%s\" is NULL in %lld rows,"
               " which no key range would read (choose another key column)", name, label,
               (long long)(*count - sqlite3_column_int64(st, 1)));
        goto out;
    }
    if (*count > 0 && (sqlite3_column_type(st, 2) != SQLITE_INTEGER
                       || sqlite3_column_type(st, 3) != SQLITE_INTEGER)) {
        char lo[64], hi[64];
        sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": key column \"%s\" holds non-integer values"
               " (min %s, max %s), so it cannot be split in ranges (choose an integer key)",
               name, label, sq_oneline(lo, sizeof lo, (const char *)sqlite3_column_text(st, 2)),
               sq_oneline(hi, sizeof hi, (const char *)sqlite3_column_text(st, 3)));
        goto out;
    }
    if (*count > 0) {
        *min = sqlite3_column_int64(st, 2);
        *max = sqlite3_column_int64(st, 3);
    }
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    strbuf_free(&key);
    strbuf_free(&sql);
    return rc;
}

/* sqlite_key_split_points — the key of every step-th row in key order
 * (rows step, 2*step, ... counting from 0): the first key of each chunk
 * after the first. Repeated values (a non-unique key) are given once, so
 * the ranges stay non-empty. *points is malloc'd (caller frees), NULL when
 * there are none. */
static int sqlite_key_split_points(ferry_conn *base, const cat_table *t, const char *key_column,
                                   int64_t step, int64_t **points, int *npoints, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = NULL;
    strbuf key = STRBUF_INIT, sql = STRBUF_INIT;
    int64_t *pts = NULL, row = 0, count = 0, lo, hi;
    const char *label;
    char name[160], what[400];
    int rc = -1, src, n = 0, cap = 0, ordinal;

    *points = NULL;
    *npoints = 0;
    sq_oneline(name, sizeof name, t->name);
    if (step <= 0) {
        sq_err(c, e, FERRY_E_INTERNAL, "table \"%s\": split step %lld must be positive", name,
               (long long)step);
        goto out;
    }
    if (chunk_key(c, t, key_column, &key, &label, &ordinal, e)) goto out;
    if (ordinal) {
        if (sqlite_key_stats(base, t, NULL, &count, &lo, &hi, e)) goto out;
        for (row = step; row < count; row += step) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                pts = xrealloc(pts, (size_t)cap * sizeof *pts);
            }
            pts[n++] = row + 1;
        }
        rc = 0;
        goto out;
    }
    strbuf_addf(&sql, "SELECT %s FROM ", key.buf);
    add_table_ref(&sql, t);
    strbuf_addf(&sql, " WHERE %s IS NOT NULL ORDER BY %s", key.buf, key.buf);
    snprintf(what, sizeof what, "table \"%s\": reading %s split points", name, label);
    src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t v, r = row++;
        if (r == 0 || r % step != 0) continue;
        if (sqlite3_column_type(st, 0) != SQLITE_INTEGER) {
            char bad[64];
            sq_err(c, e, FERRY_E_SOURCE, "table \"%s\": key column \"%s\" holds the non-integer"
                   " value %s (choose an integer key)", name, label,
                   sq_oneline(bad, sizeof bad, (const char *)sqlite3_column_text(st, 0)));
            goto out;
        }
        v = sqlite3_column_int64(st, 0);
        if (n > 0 && pts[n - 1] == v) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            pts = xrealloc(pts, (size_t)cap * sizeof *pts);
        }
        pts[n++] = v;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    if (rc == 0) {
        *points = pts;
        *npoints = n;
    } else {
        free(pts);
    }
    sqlite3_finalize(st);
    strbuf_free(&key);
    strbuf_free(&sql);
    return rc;
}

/* chunk_what — "table \"t\" rows rowid 1000..1999" for messages about
 * spec. */
static void chunk_what(char *buf, size_t n, const read_spec *spec, const char *label)
{
    char name[160];
    size_t len;

    sq_oneline(name, sizeof name, spec->table->name);
    len = (size_t)snprintf(buf, n, "table \"%s\"", name);
    if (len >= n || (!spec->has_lo && !spec->has_hi)) return;
    len += (size_t)snprintf(buf + len, n - len, " rows %s ", label);
    if (len < n && spec->has_lo) len += (size_t)snprintf(buf + len, n - len, "%lld", (long long)spec->lo);
    if (len < n) len += (size_t)snprintf(buf + len, n - len, "..");
    if (len < n && spec->has_hi) snprintf(buf + len, n - len, "%lld", (long long)spec->hi - 1);
}

/* sqlite_read_chunk — stream the rows of spec in key order into cb: one
 * prepared statement, values pointing into SQLite's memory (valid during
 * the callback only). TEXT is passed as stored, embedded NUL bytes and
 * invalid UTF-8 included. Stops when cb returns non-zero (cb has set e). */
static int sqlite_read_chunk(ferry_conn *base, const read_spec *spec, row_callback cb,
                             void *ctx, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    const cat_table *t = spec->table;
    sqlite3_stmt *st = NULL;
    strbuf key = STRBUF_INIT, sql = STRBUF_INIT;
    ferry_value *vals = NULL;
    const char *label;
    char what[400];
    int64_t ord = 0;
    int rc = -1, src = SQLITE_OK, ordinal, j;

    if (chunk_key(c, t, spec->key_column, &key, &label, &ordinal, e)) goto out;
    chunk_what(what, sizeof what, spec, label);
    strbuf_addf(&sql, "SELECT %s", ordinal ? "1" : key.buf);
    for (j = 0; j < spec->ncols; j++) {
        strbuf_adds(&sql, ", ");
        sqlite_quote_ident(&sql, t->cols[spec->col_index[j]].name);
    }
    strbuf_adds(&sql, " FROM ");
    add_table_ref(&sql, t);
    if (ordinal) {
        /* The primary key order is the b-tree's own (no sort), and it keeps
         * the ordinals the same whichever index the planner would scan. */
        int pos, sep = 0;
        for (pos = 1; pos <= t->npk; pos++)
            for (j = 0; j < t->ncols; j++)
                if (t->cols[j].pk_position == pos) {
                    strbuf_adds(&sql, sep++ ? ", " : " ORDER BY ");
                    sqlite_quote_ident(&sql, t->cols[j].name);
                }
    } else {
        if (spec->has_lo) strbuf_addf(&sql, " WHERE %s >= ?1", key.buf);
        if (spec->has_hi) strbuf_addf(&sql, " %s %s < ?2", spec->has_lo ? "AND" : "WHERE", key.buf);
        strbuf_addf(&sql, " ORDER BY %s", key.buf);
    }
    src = sqlite3_prepare_v2(c->db, strbuf_cstr(&sql), -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    if (!ordinal && spec->has_lo) sqlite3_bind_int64(st, 1, spec->lo);
    if (!ordinal && spec->has_hi) sqlite3_bind_int64(st, 2, spec->hi);
    vals = xcalloc((size_t)(spec->ncols > 0 ? spec->ncols : 1), sizeof *vals);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t k;
        if (ordinal) {
            k = ++ord;
            if (spec->has_lo && k < spec->lo) continue;
            if (spec->has_hi && k >= spec->hi) { src = SQLITE_DONE; break; }
        } else {
            k = sqlite3_column_int64(st, 0);
        }
        for (j = 0; j < spec->ncols; j++) {
            ferry_value *v = &vals[j];
            memset(v, 0, sizeof *v);
            switch (sqlite3_column_type(st, j + 1)) {
            case SQLITE_INTEGER:
                v->cls = FV_INT;
                v->i = sqlite3_column_int64(st, j + 1);
                break;
            case SQLITE_FLOAT:
                v->cls = FV_REAL;
                v->d = sqlite3_column_double(st, j + 1);
                break;
            case SQLITE_TEXT:
                v->cls = FV_TEXT;
                v->p = (const char *)sqlite3_column_text(st, j + 1);
                v->n = (size_t)sqlite3_column_bytes(st, j + 1);
                if (!v->p) { src = SQLITE_NOMEM; goto fail; }
                break;
            case SQLITE_BLOB:
                v->cls = FV_BLOB;
                v->p = sqlite3_column_blob(st, j + 1);
                v->n = (size_t)sqlite3_column_bytes(st, j + 1);
                if (!v->p) {
                    if (v->n) { src = SQLITE_NOMEM; goto fail; }
                    v->p = "";
                }
                break;
            default:
                v->cls = FV_NULL;
                break;
            }
        }
        if (cb(ctx, vals, k, e) != 0) goto out;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SOURCE, src, what);
out:
    sqlite3_finalize(st);
    free(vals);
    strbuf_free(&key);
    strbuf_free(&sql);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Statements (target side, for tests and tools)                       */
/* ------------------------------------------------------------------ */

/* sqlite_exec — run sql (one or more statements, results discarded). */
static int sqlite_exec(ferry_conn *base, const char *sql, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    char *msg = NULL, snippet[120];
    int src = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

    if (src == SQLITE_OK) return 0;
    sq_err(c, e, sq_code(src, FERRY_E_SQL), "%s %s: %s%s (while running: %s)", side_word(c),
           c->display, msg ? msg : sqlite3_errstr(src), sq_hint(src),
           sq_oneline(snippet, sizeof snippet, sql));
    sqlite3_free(msg);
    return -1;
}

/* sqlite_query — run the first statement of sql with text parameters
 * ?1..?n (vals[i] NULL binds SQL NULL) and call cb with each result row as
 * text (NULL for SQL NULL, valid during the call only). */
static int sqlite_query(ferry_conn *base, const char *sql, int nparams, const char *const *vals,
                        query_callback cb, void *ctx, ferry_err *e)
{
    sqlite_conn *c = (sqlite_conn *)base;
    sqlite3_stmt *st = NULL;
    const char **row = NULL;
    char what[200], snippet[120];
    int rc = -1, src, i, ncols;

    snprintf(what, sizeof what, "%s %s: query %s", side_word(c), c->display,
             sq_oneline(snippet, sizeof snippet, sql));
    src = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
    if (src != SQLITE_OK) goto fail;
    if (!st) { rc = 0; goto out; }              /* only comments or white space */
    for (i = 0; i < nparams; i++) {
        src = vals[i] ? sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC)
                      : sqlite3_bind_null(st, i + 1);
        if (src != SQLITE_OK) goto fail;
    }
    ncols = sqlite3_column_count(st);
    row = xcalloc((size_t)(ncols > 0 ? ncols : 1), sizeof *row);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        for (i = 0; i < ncols; i++)
            row[i] = (const char *)sqlite3_column_text(st, i);
        if (cb && cb(ctx, ncols, row, e) != 0) goto out;
    }
    if (src != SQLITE_DONE) goto fail;
    rc = 0;
    goto out;
fail:
    sq_fail_db(c, e, FERRY_E_SQL, src, what);
out:
    sqlite3_finalize(st);
    free(row);
    return rc;
}

const ferry_driver sqlite_driver = {
    .name              = "sqlite",
    .engine            = ENGINE_SQLITE,
    .conn_size         = sizeof(sqlite_conn),
    .max_ident_bytes   = 0,
    .transactional_ddl = 1,
    .single_writer     = 1,
    .connect           = sqlite_connect,
    .close             = sqlite_close,
    .server_version    = sqlite_server_version,
    .begin_snapshot    = sqlite_begin_snapshot,
    .describe          = sqlite_describe,
    .key_stats         = sqlite_key_stats,
    .key_split_points  = sqlite_key_split_points,
    .read_chunk        = sqlite_read_chunk,
    .exec              = sqlite_exec,
    .query             = sqlite_query,
    .quote_ident       = sqlite_quote_ident,
};
