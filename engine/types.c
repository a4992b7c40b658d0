/* types.c — the logical type system (names, text form) and the type mapping
 * tables: parsing the mappings/ format, the compiled-in tables, user
 * overrides, and the two lookups native -> logical and logical -> native.
 *
 * DESIGN. A table is an ordered list of rules of three kinds (native,
 * logical, column) parsed once; lookups are read-only, so a finished table
 * may be shared by any number of threads. Every string a table holds (rule
 * descriptions, lossy notes, templates) lives in the table's arena and stays
 * valid until type_map_free; the compiled-in tables are never freed. The
 * file format is documented in mappings/README.md. */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "types.h"
#include "util.h"

/* ---------------------------------------------------------------------
 * Logical types
 * ------------------------------------------------------------------- */

static const char *const kind_names[LT__COUNT] = {
    [LT_UNKNOWN] = "unknown",   [LT_BOOL] = "bool",         [LT_INT16] = "int16",
    [LT_INT32] = "int32",       [LT_INT64] = "int64",       [LT_FLOAT32] = "float32",
    [LT_FLOAT64] = "float64",   [LT_DECIMAL] = "decimal",   [LT_TEXT] = "text",
    [LT_BYTES] = "bytes",       [LT_DATE] = "date",         [LT_TIME] = "time",
    [LT_TIMESTAMP] = "timestamp", [LT_TIMESTAMPTZ] = "timestamptz",
    [LT_UUID] = "uuid",         [LT_JSON] = "json",         [LT_ENUM] = "enum",
};

/* ltype_kind_name — the stable name of k ("int64"); "unknown" for anything
 * out of range. Static storage. */
const char *ltype_kind_name(ltype_kind k)
{
    if ((int)k <= LT_UNKNOWN || k >= LT__COUNT) return "unknown";
    return kind_names[k];
}

/* ltype_kind_from_name — the kind named name (ASCII case ignored), or
 * LT_UNKNOWN. */
ltype_kind ltype_kind_from_name(const char *name)
{
    if (!name) return LT_UNKNOWN;
    for (int k = LT_UNKNOWN + 1; k < LT__COUNT; k++)
        if (strcasecmp(name, kind_names[k]) == 0) return (ltype_kind)k;
    return LT_UNKNOWN;
}

/* ltype_init — a type of kind k with every parameter "not given". */
static void ltype_init(ltype *t, ltype_kind k)
{
    t->kind = k;
    t->length = -1;
    t->fixed = 0;
    t->precision = -1;
    t->scale = -1;
}

/* ltype_format — the text form of t into buf (always NUL-terminated when
 * n > 0): "decimal(10,2)", "decimal(10)", "decimal", "text(160)",
 * "text(2,fixed)", "text(fixed)", "text", "int64". */
void ltype_format(const ltype *t, char *buf, size_t n)
{
    const char *name = ltype_kind_name(t->kind);
    if (!buf || n == 0) return;
    if (t->kind == LT_TEXT && t->length >= 0 && t->fixed)
        snprintf(buf, n, "%s(%d,fixed)", name, t->length);
    else if (t->kind == LT_TEXT && t->length >= 0)
        snprintf(buf, n, "%s(%d)", name, t->length);
    else if (t->kind == LT_TEXT && t->fixed)
        snprintf(buf, n, "%s(fixed)", name);
    else if (t->kind == LT_DECIMAL && t->precision >= 0 && t->scale >= 0)
        snprintf(buf, n, "%s(%d,%d)", name, t->precision, t->scale);
    else if (t->kind == LT_DECIMAL && t->precision >= 0)
        snprintf(buf, n, "%s(%d)", name, t->precision);
    else
        snprintf(buf, n, "%s", name);
}

/* parse_uint — a non-negative decimal int at s[0..len) (spaces around
 * allowed); -1 when it is anything else or does not fit an int. */
static int parse_uint(const char *s, size_t len)
{
    long v = 0;
    size_t i = 0, digits = 0;
    while (i < len && isspace((unsigned char)s[i])) i++;
    for (; i < len && isdigit((unsigned char)s[i]); i++, digits++) {
        v = v * 10 + (s[i] - '0');
        if (v > INT_MAX) return -1;
    }
    while (i < len && isspace((unsigned char)s[i])) i++;
    return (digits && i == len) ? (int)v : -1;
}

/* is_word — s[0..len) equals word, ignoring ASCII case and surrounding
 * spaces. */
static int is_word(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    return len == wl && strncasecmp(s, word, wl) == 0;
}

/* ltype_parse — the inverse of ltype_format: a kind name, for text
 * optionally "(n)", "(n,fixed)" or "(fixed)", for decimal optionally "(p)"
 * (meaning scale 0, as in SQL) or "(p,s)" with s <= p. Case and spaces
 * around the parts are ignored. Returns 0, or -1 (out untouched). */
int ltype_parse(const char *s, ltype *out)
{
    char name[32];
    size_t nl = 0;
    const char *open, *close, *comma;
    ltype t;

    if (!s || !out) return -1;
    while (isspace((unsigned char)*s)) s++;
    while (s[nl] && s[nl] != '(' && !isspace((unsigned char)s[nl])) nl++;
    if (nl == 0 || nl >= sizeof name) return -1;
    memcpy(name, s, nl);
    name[nl] = '\0';
    ltype_init(&t, ltype_kind_from_name(name));
    if (t.kind == LT_UNKNOWN) return -1;

    open = s + nl;
    while (isspace((unsigned char)*open)) open++;
    if (*open == '\0') { *out = t; return 0; }
    if (*open != '(' || (t.kind != LT_TEXT && t.kind != LT_DECIMAL)) return -1;
    close = strchr(open, ')');
    if (!close) return -1;
    for (const char *q = close + 1; *q; q++)
        if (!isspace((unsigned char)*q)) return -1;
    open++;
    comma = memchr(open, ',', (size_t)(close - open));

    if (t.kind == LT_TEXT) {
        const char *first_end = comma ? comma : close;
        if (is_word(open, (size_t)(first_end - open), "fixed") && !comma) {
            t.fixed = 1;
        } else {
            if ((t.length = parse_uint(open, (size_t)(first_end - open))) < 0) return -1;
            if (comma) {
                if (!is_word(comma + 1, (size_t)(close - comma - 1), "fixed")) return -1;
                t.fixed = 1;
            }
        }
    } else {
        t.precision = parse_uint(open, (size_t)((comma ? comma : close) - open));
        t.scale = comma ? parse_uint(comma + 1, (size_t)(close - comma - 1)) : 0;
        if (t.precision < 1 || t.scale < 0 || t.scale > t.precision) return -1;
    }
    *out = t;
    return 0;
}

/* ---------------------------------------------------------------------
 * Declared native types: normalisation and matching
 * ------------------------------------------------------------------- */

/* decl — a declared native type taken apart. full is the whole type with
 * white space collapsed ("NUMERIC(10,2)", "timestamp(3) without time zone");
 * name is full without its parenthesised groups ("NUMERIC",
 * "timestamp without time zone"); params are the integers of the first
 * group, np of them (0 when absent or not all integers). Parentheses
 * inside a quoted string do not count ("enum('a)b')" has the name "enum").
 * full and name share one allocation owned by the decl (decl_free). */
typedef struct decl {
    char *full;
    char *name;
    int   np;
    int   params[2];
} decl;

/* normalise_type — write s into out (at least strlen(s)+1 bytes) with runs
 * of white space collapsed to one space, none at either end and none
 * before "(", ")" and "," or after "(" and ",". A single-quoted string (the
 * labels of MySQL's enum('a','b')) is copied verbatim: '' inside it is an
 * escaped quote (it closes and reopens), and so is a backslash pair. */
static void normalise_type(const char *s, char *out)
{
    size_t o = 0;
    int pending = 0, inq = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (inq) {
            out[o++] = (char)c;
            if (c == '\\' && s[1]) out[o++] = *++s;
            else if (c == '\'') inq = 0;
            continue;
        }
        if (isspace(c)) { pending = 1; continue; }
        if (c == '(' || c == ')' || c == ',') {
            pending = 0;
        } else if (pending && o > 0 && out[o - 1] != '(' && out[o - 1] != ',') {
            out[o++] = ' ';
        }
        pending = 0;
        out[o++] = (char)c;
        if (c == '\'') inq = 1;
    }
    out[o] = '\0';
}

/* decl_parse — take the declared type s (NULL means "") apart into d;
 * free with decl_free. */
static void decl_parse(const char *s, decl *d)
{
    size_t len, o = 0;
    int depth = 0;
    const char *open;

    if (!s) s = "";
    len = strlen(s);
    d->full = xmalloc(2 * (len + 1));
    d->name = d->full + len + 1;
    d->np = 0;
    normalise_type(s, d->full);

    for (const char *p = d->full; *p; p++) {
        if (*p == '\'') {              /* a quoted string: skip it whole */
            const char *q = p + 1;
            while (*q && *q != '\'') q += (*q == '\\' && q[1]) ? 2 : 1;
            if (!depth) {
                memcpy(d->name + o, p, (size_t)(q - p) + (*q != '\0'));
                o += (size_t)(q - p) + (*q != '\0');
            }
            if (!*q) break;
            p = q;
            continue;
        }
        if (*p == '(') { depth++; continue; }
        if (*p == ')') { if (depth) depth--; continue; }
        if (depth) continue;
        if (*p == ' ' && (o == 0 || d->name[o - 1] == ' ')) continue;
        d->name[o++] = *p;
    }
    while (o > 0 && d->name[o - 1] == ' ') o--;
    d->name[o] = '\0';

    if ((open = strchr(d->full, '(')) != NULL) {
        const char *p = open + 1;
        for (;;) {
            size_t n = strcspn(p, ",)");
            int v = parse_uint(p, n);
            if (v < 0 || d->np == 2) { d->np = 0; break; }
            d->params[d->np++] = v;
            if (p[n] != ',') break;
            p += n + 1;
        }
    }
}

static void decl_free(decl *d)
{
    free(d->full);
    d->full = d->name = NULL;
}

/* type_glob — match text against pattern, ASCII case ignored. Only "*"
 * (any run) and "?" (any one character) are special; "[" is literal so that
 * "*[]" matches array types. */
static int type_glob(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') { star = p++; resume = s; continue; }
        if (*p && (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
            p++; s++;
            continue;
        }
        if (!star) return 0;
        p = star + 1;
        s = ++resume;
    }
    while (*p == '*') p++;
    return *p == '\0';
}

/* ---------------------------------------------------------------------
 * Tables
 * ------------------------------------------------------------------- */

typedef enum rule_kind { R_NATIVE, R_LOGICAL, R_COLUMN } rule_kind;

/* map_rule — one line of a mapping file. All strings are in the owning
 * table's arena. */
typedef struct map_rule {
    rule_kind   kind;
    const char *desc;         /* "sqlite.map:12 native NVARCHAR* -> text" */
    const char *origin;       /* "sqlite.map:12" */
    const char *lossy;        /* why the mapping loses information, or NULL */
    /* R_NATIVE: normalised pattern; match_full says it holds "(" and is
     * matched against the type with its parameters. */
    const char *pattern;
    int         match_full;
    int         no_pass;      /* R_NATIVE written "text(max)": no parameter pass-through */
    /* R_NATIVE written "PATTERN named GLOB|GLOB...": the rule applies only
     * to columns whose name matches one of the nnames globs (ASCII case
     * ignored); names NULL: to every column. */
    const char **names;
    int         nnames;
    ltype       to;           /* R_NATIVE, R_COLUMN without native_type */
    /* R_LOGICAL: the kind selected (fixed_only: text(fixed) only) and the
     * templates tried in order. */
    ltype_kind  sel;
    int         fixed_only;
    /* R_LOGICAL: optional ranges the type's parameters must lie in, as in
     * "text(..768)" or "decimal(..65,..30)": range 0 is on the text length
     * or the decimal precision, range 1 on the decimal scale. A bound of -1
     * is open; nrange ranges are given (0..2). */
    int         nrange;
    int         lo[2], hi[2];
    const char **tmpl;
    int         ntmpl;
    /* R_COLUMN: glob patterns for table and column; native_type set when
     * the rule names a target native type instead of a logical one. */
    const char *table_pat;
    const char *column_pat;
    const char *native_type;
} map_rule;

struct type_map {
    arena     mem;
    map_rule *rules;
    size_t    nrules, cap;
};

/* line_ctx — where a line came from, for descriptions and errors. */
typedef struct line_ctx {
    const char *file;
    int         line;
    ferry_err  *e;
} line_ctx;

static int line_err(const line_ctx *lc, const char *what, const char *arg)
{
    return ferry_err_set(lc->e, FERRY_E_USAGE, "%s:%d: %s%s%s%s", lc->file, lc->line, what,
                         arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
}

/* trim — strip white space at both ends of s in place; returns the start. */
static char *trim(char *s)
{
    size_t n;
    while (isspace((unsigned char)*s)) s++;
    n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* find_unquoted — the first occurrence of needle in s outside "..."
 * strings ("" inside one is an escaped quote), or NULL. */
static char *find_unquoted(char *s, const char *needle)
{
    size_t nl = strlen(needle);
    int inq = 0;
    for (; *s; s++) {
        if (*s == '"') { inq = !inq; continue; }
        if (!inq && strncmp(s, needle, nl) == 0) return s;
    }
    return NULL;
}

/* unquote — if s is one "..." string, replace it in place by its content
 * ("" becomes "); returns 1 if it was quoted, 0 if not, -1 if malformed. */
static int unquote(char *s)
{
    size_t n = strlen(s), o = 0;
    if (n == 0 || s[0] != '"') return 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] == '"') {
            if (i + 1 < n && s[i + 1] == '"') { s[o++] = '"'; i++; continue; }
            if (i + 1 != n) return -1;
            s[o] = '\0';
            return 1;
        }
        s[o++] = s[i];
    }
    return -1;
}

static const char kind_list[] =
    "bool, int16, int32, int64, float32, float64, decimal(p,s), text(n), bytes, "
    "date, time, timestamp, timestamptz, uuid, json, enum";

/* is_text_max — s is "text(max)" (case and spaces aside): unbounded text
 * that takes no length from the declared type. */
static int is_text_max(const char *s)
{
    const char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL;
    return open && close && is_word(s, (size_t)(open - s), "text") &&
           is_word(open + 1, (size_t)(close - open - 1), "max") && is_word(close + 1, strlen(close + 1), "");
}

/* find_named — in a native rule's subject, the keyword "named" that starts
 * its column condition ("BINARY(16) named id|*_id"): outside "..." and
 * after white space, followed by white space or nothing. NULL when the
 * subject has no condition. */
static char *find_named(char *subj)
{
    int inq = 0;
    for (char *p = subj; *p; p++) {
        if (*p == '"') { inq = !inq; continue; }
        if (!inq && p > subj && isspace((unsigned char)p[-1]) && strncmp(p, "named", 5) == 0 &&
            (p[5] == '\0' || isspace((unsigned char)p[5])))
            return p;
    }
    return NULL;
}

/* parse_names — the column globs of a native rule's condition, "a|b*|c",
 * into r->names (copies in m's arena). Returns 0 or -1 with e set. */
static int parse_names(type_map *m, map_rule *r, const line_ctx *lc, char *text)
{
    int n = 1;
    char *p, *bar;
    for (p = text; (p = strchr(p, '|')) != NULL; p++) n++;
    r->names = arena_alloc(&m->mem, (size_t)n * sizeof *r->names);
    for (p = text; p; p = bar ? bar + 1 : NULL) {
        char *g;
        if ((bar = strchr(p, '|')) != NULL) *bar = '\0';
        g = trim(p);
        if (!*g)
            return line_err(lc, "\"named\" needs column name patterns separated by |, as in "
                            "\"named id|*_id\"; found an empty one in", text);
        if (strchr(g, '"')) return line_err(lc, "unexpected quote in column name pattern", g);
        r->names[r->nnames++] = arena_strdup(&m->mem, g);
    }
    return 0;
}

/* names_match — column matches one of r's column globs, or r has none. */
static int names_match(const map_rule *r, const char *column)
{
    if (!r->names) return 1;
    for (int i = 0; column && i < r->nnames; i++)
        if (type_glob(r->names[i], column)) return 1;
    return 0;
}

/* add_names — r's column condition as a rule spells it: " named a|b". */
static void add_names(strbuf *sb, const map_rule *r)
{
    for (int i = 0; r->names && i < r->nnames; i++)
        strbuf_addf(sb, "%s%s", i ? "|" : " named ", r->names[i]);
}

/* parse_native — "native PATTERN [named GLOB|...] -> LOGICAL"; names is
 * the text after "named", or NULL. */
static int parse_native(type_map *m, map_rule *r, const line_ctx *lc, char *subj, char *names,
                        char *target)
{
    char lt[64], *pat;
    strbuf cond = STRBUF_INIT;
    if (names && parse_names(m, r, lc, names)) return -1;
    if (is_text_max(target)) {
        ltype_init(&r->to, LT_TEXT);
        r->no_pass = 1;
    } else if (ltype_parse(target, &r->to) != 0)
        return ferry_err_set(lc->e, FERRY_E_USAGE, "%s:%d: unknown logical type \"%s\" "
                             "(expected one of %s)", lc->file, lc->line, target, kind_list);
    pat = arena_alloc(&m->mem, strlen(subj) + 1);
    normalise_type(subj, pat);
    r->kind = R_NATIVE;
    r->pattern = pat;
    r->match_full = strchr(pat, '(') != NULL;
    if (r->no_pass) snprintf(lt, sizeof lt, "text(max)");
    else ltype_format(&r->to, lt, sizeof lt);
    add_names(&cond, r);
    r->desc = arena_sprintf(&m->mem, "%s:%d native %s%s -> %s%s%s%s", lc->file, lc->line,
                            *pat ? pat : "\"\"", strbuf_cstr(&cond), lt,
                            r->lossy ? " (lossy: " : "", r->lossy ? r->lossy : "",
                            r->lossy ? ")" : "");
    strbuf_free(&cond);
    return 0;
}

/* check_template — 0 if every brace in t is part of {n}, {p} or {s}. */
static int check_template(const char *t)
{
    for (; *t; t++) {
        if (*t == '}') return -1;
        if (*t != '{') continue;
        if (!(t[1] == 'n' || t[1] == 'p' || t[1] == 's') || t[2] != '}') return -1;
        t += 2;
    }
    return 0;
}

/* parse_bound — one bound of a range at s[0..len): a non-negative int,
 * or -1 for an open bound (nothing but spaces); -2 for anything else. */
static int parse_bound(const char *s, size_t len)
{
    int v;
    if (is_word(s, len, "")) return -1;
    v = parse_uint(s, len);
    return v < 0 ? -2 : v;
}

/* parse_range — one range of a logical selector at s[0..len): "N", "N..M",
 * "..M" or "N.." (spaces around allowed). Returns 0 or -1. */
static int parse_range(const char *s, size_t len, int *lo, int *hi)
{
    size_t d = 0;
    while (d + 1 < len && !(s[d] == '.' && s[d + 1] == '.')) d++;
    if (d + 1 >= len) {                                 /* no "..": one value */
        *lo = *hi = parse_uint(s, len);
        return *lo < 0 ? -1 : 0;
    }
    *lo = parse_bound(s, d);
    *hi = parse_bound(s + d + 2, len - d - 2);
    if (*lo == -2 || *hi == -2 || (*lo < 0 && *hi < 0)) return -1;
    return (*lo >= 0 && *hi >= 0 && *lo > *hi) ? -1 : 0;
}

/* parse_selector — the subject of a logical rule: a kind name, for text
 * optionally "(RANGE)", "(RANGE,fixed)" or "(fixed)", for decimal
 * optionally "(RANGE)" or "(RANGE,RANGE)" (precision, scale). Fills r's
 * sel, fixed_only and ranges; returns 0 or -1. */
static int parse_selector(const char *subj, map_rule *r)
{
    char name[32];
    size_t nl = 0;
    const char *open, *close, *item;

    while (subj[nl] && subj[nl] != '(' && !isspace((unsigned char)subj[nl])) nl++;
    if (nl == 0 || nl >= sizeof name) return -1;
    memcpy(name, subj, nl);
    name[nl] = '\0';
    if ((r->sel = ltype_kind_from_name(name)) == LT_UNKNOWN) return -1;
    open = subj + nl;
    while (isspace((unsigned char)*open)) open++;
    if (!*open) return 0;
    if (*open != '(' || (r->sel != LT_TEXT && r->sel != LT_DECIMAL)) return -1;
    if (!(close = strchr(open, ')')) || !is_word(close + 1, strlen(close + 1), "")) return -1;
    for (item = open + 1; item <= close; ) {
        const char *end = memchr(item, ',', (size_t)(close - item));
        size_t len;
        if (!end) end = close;
        len = (size_t)(end - item);
        if (r->fixed_only) return -1;                       /* "fixed" comes last */
        if (r->sel == LT_TEXT && is_word(item, len, "fixed")) {
            r->fixed_only = 1;
        } else {
            if (r->nrange == (r->sel == LT_TEXT ? 1 : 2)) return -1;
            if (parse_range(item, len, &r->lo[r->nrange], &r->hi[r->nrange]) != 0) return -1;
            r->nrange++;
        }
        item = end + 1;
    }
    return 0;
}

/* format_selector — the text form of a logical rule's subject ("text",
 * "text(fixed)", "text(..768)", "decimal(..65,..30)", "decimal(18,0)"). */
static void format_selector(const map_rule *r, strbuf *sb)
{
    strbuf_adds(sb, ltype_kind_name(r->sel));
    if (!r->nrange && !r->fixed_only) return;
    strbuf_addc(sb, '(');
    for (int i = 0; i < r->nrange; i++) {
        if (i) strbuf_addc(sb, ',');
        if (r->lo[i] >= 0 && r->lo[i] == r->hi[i]) {
            strbuf_addf(sb, "%d", r->lo[i]);
            continue;
        }
        if (r->lo[i] >= 0) strbuf_addf(sb, "%d", r->lo[i]);
        strbuf_adds(sb, "..");
        if (r->hi[i] >= 0) strbuf_addf(sb, "%d", r->hi[i]);
    }
    if (r->fixed_only) strbuf_adds(sb, r->nrange ? ",fixed" : "fixed");
    strbuf_addc(sb, ')');
}

/* parse_logical — "logical SELECTOR -> TEMPLATE [| TEMPLATE ...]". */
static int parse_logical(type_map *m, map_rule *r, const line_ctx *lc, char *subj, char *target)
{
    char *p, *bar;
    int n = 1;

    if (parse_selector(subj, r) != 0)
        return ferry_err_set(lc->e, FERRY_E_USAGE, "%s:%d: logical rule needs a logical "
                             "kind before \"->\", optionally with parameter ranges as in "
                             "text(fixed), text(..768), text(..255,fixed), decimal(..65,..30), "
                             "not \"%s\" (kinds: %s)", lc->file, lc->line, subj, kind_list);
    r->kind = R_LOGICAL;
    for (p = target; (p = strchr(p, '|')) != NULL; p++) n++;
    r->tmpl = arena_alloc(&m->mem, (size_t)n * sizeof *r->tmpl);
    for (p = target; p; p = bar ? bar + 1 : NULL) {
        char *t, *norm;
        if ((bar = strchr(p, '|')) != NULL) *bar = '\0';
        t = trim(p);
        if (!*t) return line_err(lc, "empty native type template in", target);
        if (check_template(t) != 0)
            return ferry_err_set(lc->e, FERRY_E_USAGE, "%s:%d: bad placeholder in \"%s\" "
                                 "(use {n} for a length, {p} and {s} for precision and scale)",
                                 lc->file, lc->line, t);
        norm = arena_alloc(&m->mem, strlen(t) + 1);
        normalise_type(t, norm);
        r->tmpl[r->ntmpl++] = norm;
    }
    {
        strbuf sb = STRBUF_INIT;
        format_selector(r, &sb);
        strbuf_adds(&sb, " -> ");
        for (int i = 0; i < r->ntmpl; i++)
            strbuf_addf(&sb, "%s%s", i ? " | " : "", r->tmpl[i]);
        r->desc = arena_sprintf(&m->mem, "%s:%d logical %s", lc->file, lc->line,
                                strbuf_cstr(&sb));
        strbuf_free(&sb);
    }
    return 0;
}

/* parse_column — "column TABLE.COLUMN -> LOGICAL | [native] NATIVE". */
static int parse_column(type_map *m, map_rule *r, const line_ctx *lc, char *subj, char *target)
{
    char *dot = strrchr(subj, '.'), *norm, lt[64];
    if (!dot || dot == subj || !dot[1] || strchr(subj, ' '))
        return line_err(lc, "column rule needs table.column before \"->\", not", subj);
    *dot = '\0';
    r->kind = R_COLUMN;
    r->table_pat = arena_strdup(&m->mem, subj);
    r->column_pat = arena_strdup(&m->mem, dot + 1);
    if (strncasecmp(target, "native", 6) == 0 && isspace((unsigned char)target[6])) {
        target = trim(target + 6);
    } else if (ltype_parse(target, &r->to) == 0) {
        ltype_format(&r->to, lt, sizeof lt);
        r->desc = arena_sprintf(&m->mem, "%s:%d column %s.%s -> %s", lc->file, lc->line,
                                r->table_pat, r->column_pat, lt);
        return 0;
    }
    if (!*target) return line_err(lc, "column rule without a type after \"native\"", NULL);
    norm = arena_alloc(&m->mem, strlen(target) + 1);
    normalise_type(target, norm);
    r->native_type = norm;
    r->desc = arena_sprintf(&m->mem, "%s:%d column %s.%s -> native %s", lc->file, lc->line,
                            r->table_pat, r->column_pat, norm);
    return 0;
}

/* parse_line — parse one line (modified in place) and append its rule to
 * m. Blank and comment lines add nothing. Returns 0 or -1 with e set. */
static int parse_line(type_map *m, const line_ctx *lc, char *line)
{
    map_rule r;
    char *hash, *arrow, *lossy, *dir, *subj, *target, *names = NULL;
    int q;

    memset(&r, 0, sizeof r);
    ltype_init(&r.to, LT_UNKNOWN);
    if ((hash = find_unquoted(line, "#")) != NULL) *hash = '\0';
    {
        int inq = 0;
        for (char *p = line; *p; p++) if (*p == '"') inq = !inq;
        if (inq) return line_err(lc, "unterminated quoted string", NULL);
    }
    dir = trim(line);
    if (!*dir) return 0;

    subj = dir + strcspn(dir, " \t");
    if (*subj) *subj++ = '\0';
    if ((arrow = find_unquoted(subj, "->")) == NULL)
        return ferry_err_set(lc->e, FERRY_E_USAGE, "%s:%d: expected \"%s SUBJECT -> TYPE\", "
                             "found no \"->\"", lc->file, lc->line, dir);
    *arrow = '\0';
    target = arrow + 2;

    /* A trailing `lossy "note"` belongs to the rule, not to the type. */
    for (lossy = find_unquoted(target, "lossy"); lossy; lossy = find_unquoted(lossy + 5, "lossy")) {
        char *after = lossy + 5;
        if (lossy != target && !isspace((unsigned char)lossy[-1])) continue;
        while (isspace((unsigned char)*after)) after++;
        if (*after != '"') continue;
        *lossy = '\0';
        after = trim(after);
        if (unquote(after) != 1 || !*after)
            return line_err(lc, "expected one non-empty quoted note after lossy", NULL);
        r.lossy = arena_strdup(&m->mem, after);
        break;
    }

    subj = trim(subj);
    target = trim(target);
    /* A native rule may end its subject with a column condition. */
    if (strcmp(dir, "native") == 0 && (names = find_named(subj)) != NULL) {
        names[-1] = '\0';
        names += 5;
        subj = trim(subj);
    }
    if ((q = unquote(subj)) < 0) return line_err(lc, "malformed quoted string", subj);
    if (!q && !*subj) return line_err(lc, "nothing before \"->\" (write \"\" for the empty type)", NULL);
    if (!*target) return line_err(lc, "nothing after \"->\"", NULL);
    if (strchr(target, '"')) return line_err(lc, "unexpected quote in", target);

    if (strcmp(dir, "native") == 0) {
        if (parse_native(m, &r, lc, subj, names, target)) return -1;
    } else if (strcmp(dir, "logical") == 0) {
        if (parse_logical(m, &r, lc, subj, target)) return -1;
    } else if (strcmp(dir, "column") == 0) {
        if (parse_column(m, &r, lc, subj, target)) return -1;
    } else {
        return ferry_err_set(lc->e, FERRY_E_USAGE, "%s:%d: unknown rule \"%s\" (expected "
                             "native, logical or column)", lc->file, lc->line, dir);
    }
    r.origin = arena_sprintf(&m->mem, "%s:%d", lc->file, lc->line);
    ARENA_PUSH(&m->mem, m->rules, m->nrules, m->cap, r);
    return 0;
}

/* map_parse_into — append the rules of text (named file for messages) to m.
 * Returns 0 or -1 with e set. */
static int map_parse_into(type_map *m, const char *file, const char *text, ferry_err *e)
{
    line_ctx lc = { file, 0, e };
    const char *p = text ? text : "";
    int rc = 0;
    while (*p && rc == 0) {
        size_t n = strcspn(p, "\n");
        char *line = xstrndup(p, n);
        if (n && line[n - 1] == '\r') line[n - 1] = '\0';
        lc.line++;
        rc = parse_line(m, &lc, line);
        free(line);
        p += n;
        if (*p == '\n') p++;
    }
    return rc;
}

/* rule_copy — r with every string copied into a. */
static map_rule rule_copy(arena *a, const map_rule *r)
{
    map_rule c = *r;
    c.desc = arena_strdup(a, r->desc);
    c.origin = arena_strdup(a, r->origin);
    c.lossy = arena_strdup(a, r->lossy);
    c.pattern = arena_strdup(a, r->pattern);
    c.table_pat = arena_strdup(a, r->table_pat);
    c.column_pat = arena_strdup(a, r->column_pat);
    c.native_type = arena_strdup(a, r->native_type);
    if (r->nnames) {
        const char **nm = arena_alloc(a, (size_t)r->nnames * sizeof *nm);
        for (int i = 0; i < r->nnames; i++) nm[i] = arena_strdup(a, r->names[i]);
        c.names = nm;
    }
    if (r->ntmpl) {
        const char **t = arena_alloc(a, (size_t)r->ntmpl * sizeof *t);
        for (int i = 0; i < r->ntmpl; i++) t[i] = arena_strdup(a, r->tmpl[i]);
        c.tmpl = t;
    }
    return c;
}

/* type_map_with_overrides — a new table holding the rules of file_text
 * first, then copies of base's rules (base may be NULL; it is not needed
 * after the call). The caller owns the result (type_map_free). NULL with e
 * set on a syntax error. */
type_map *type_map_with_overrides(const type_map *base, const char *file_name,
                                  const char *file_text, ferry_err *e)
{
    type_map *m = xcalloc(1, sizeof *m);
    if (map_parse_into(m, file_name ? file_name : "--map", file_text, e) != 0) {
        type_map_free(m);
        return NULL;
    }
    for (size_t i = 0; base && i < base->nrules; i++) {
        map_rule c = rule_copy(&m->mem, &base->rules[i]);
        ARENA_PUSH(&m->mem, m->rules, m->nrules, m->cap, c);
    }
    return m;
}

/* type_map_free — release m and every string it handed out; NULL is fine.
 * Never call it on a compiled-in table. */
void type_map_free(type_map *m)
{
    if (!m) return;
    arena_free(&m->mem);
    free(m);
}

/* The compiled-in tables, generated from the mappings/ files by
 * tests/lib/embed.sh. */
extern const struct { const char *name; const char *text; } ferry_builtin_mappings[];

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static type_map     **builtin_maps;   /* parallel to ferry_builtin_mappings */
static size_t         builtin_count;

/* builtin_load — parse every compiled-in table, once. A table that does not
 * parse is a bug in mappings/; it is reported and left NULL. */
static void builtin_load(void)
{
    size_t n = 0;
    while (ferry_builtin_mappings[n].name) n++;
    builtin_maps = xcalloc(n ? n : 1, sizeof *builtin_maps);
    for (size_t i = 0; i < n; i++) {
        ferry_err e;
        char *label = xasprintf("%s.map", ferry_builtin_mappings[i].name);
        memset(&e, 0, sizeof e);
        builtin_maps[i] = type_map_with_overrides(NULL, label, ferry_builtin_mappings[i].text, &e);
        if (!builtin_maps[i])
            fprintf(stderr, "ferry: internal error: built-in type table: %s\n", e.msg);
        free(label);
    }
    builtin_count = n;
}

/* type_map_builtin — the compiled-in table for dialect ("sqlite",
 * "postgresql", "mysql"; "sqlite3", "postgres" and "mariadb" are accepted
 * too), parsed on first use by whichever thread comes first. Shared; never
 * freed. */
const type_map *type_map_builtin(const char *dialect)
{
    if (!dialect) return NULL;
    if (strcasecmp(dialect, "sqlite3") == 0) dialect = "sqlite";
    if (strcasecmp(dialect, "postgres") == 0) dialect = "postgresql";
    if (strcasecmp(dialect, "mariadb") == 0) dialect = "mysql";
    pthread_once(&builtin_once, builtin_load);
    for (size_t i = 0; i < builtin_count; i++)
        if (strcasecmp(ferry_builtin_mappings[i].name, dialect) == 0) return builtin_maps[i];
    return NULL;
}

/* ---------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------- */

/* column_matches — r (a column rule) applies to table.column. The table
 * name given has no schema; a schema in the rule ("public.events.x") is
 * therefore also tried without it. */
static int column_matches(const map_rule *r, const char *table, const char *column)
{
    const char *dot;
    if (!table || !column || !type_glob(r->column_pat, column)) return 0;
    if (type_glob(r->table_pat, table)) return 1;
    dot = strrchr(r->table_pat, '.');
    return dot && !strchr(table, '.') && type_glob(dot + 1, table);
}

/* type_map_to_logical_ex — type_map_to_logical, also giving in *lossy (may
 * be NULL) the note of a native rule that loses information, else NULL.
 * *rule and *lossy stay valid as long as m. */
int type_map_to_logical_ex(const type_map *m, const char *table, const char *column,
                           const char *native, ltype *out, const char **rule,
                           const char **lossy)
{
    const map_rule *hit = NULL;
    decl d;

    if (rule) *rule = NULL;
    if (lossy) *lossy = NULL;
    if (!m || !out) return -1;
    for (size_t i = 0; i < m->nrules && !hit; i++) {
        const map_rule *r = &m->rules[i];
        if (r->kind == R_COLUMN && !r->native_type && column_matches(r, table, column)) hit = r;
    }
    if (hit) {
        *out = hit->to;
        goto found;
    }

    decl_parse(native, &d);
    for (size_t i = 0; i < m->nrules && !hit; i++) {
        const map_rule *r = &m->rules[i];
        if (r->kind == R_NATIVE && type_glob(r->pattern, r->match_full ? d.full : d.name) &&
            names_match(r, column))
            hit = r;
    }
    if (hit) {
        /* Parameters written in the rule win; otherwise the declared
         * type's own are handed through, except for an array, whose
         * parameters belong to its elements. */
        size_t nl = strlen(d.name);
        *out = hit->to;
        if ((nl >= 2 && strcmp(d.name + nl - 2, "[]") == 0) || hit->no_pass) d.np = 0;
        if (out->kind == LT_TEXT && out->length < 0 && d.np >= 1 && d.params[0] > 0)
            out->length = d.params[0];
        if (out->kind == LT_DECIMAL && out->precision < 0 && d.np >= 1 && d.params[0] > 0) {
            int s = d.np >= 2 ? d.params[1] : 0;
            if (s <= d.params[0]) {
                out->precision = d.params[0];
                out->scale = s;
            }
        }
    }
    decl_free(&d);
    if (!hit) return -1;
found:
    if (rule) *rule = hit->desc;
    if (lossy) *lossy = hit->lossy;
    return 0;
}

/* type_map_to_logical — see types.h. *rule stays valid as long as m. */
int type_map_to_logical(const type_map *m, const char *table, const char *column,
                        const char *native, ltype *out, const char **rule)
{
    return type_map_to_logical_ex(m, table, column, native, out, rule, NULL);
}

/* expand_template — t with {n}, {p}, {s} replaced from lt into buf.
 * Returns 1 when written, 0 when a placeholder has no value, -1 when buf is
 * too small. */
static int expand_template(const char *t, const ltype *lt, char *buf, size_t n)
{
    size_t o = 0;
    for (; *t; t++) {
        char num[16];
        const char *add = num;
        if (*t == '{') {
            int v = t[1] == 'n' ? lt->length : t[1] == 'p' ? lt->precision : lt->scale;
            if (v < 0) return 0;
            snprintf(num, sizeof num, "%d", v);
            t += 2;
        } else {
            num[0] = *t;
            num[1] = '\0';
        }
        for (; *add; add++) {
            if (o + 1 >= n) return -1;
            buf[o++] = *add;
        }
    }
    if (o >= n) return -1;
    buf[o] = '\0';
    return 1;
}

/* ranges_hold — t's parameters lie in the ranges of r (a logical rule); a
 * range on a parameter t does not give never holds. */
static int ranges_hold(const map_rule *r, const ltype *t)
{
    for (int i = 0; i < r->nrange; i++) {
        int v = i == 1 ? t->scale : t->kind == LT_TEXT ? t->length : t->precision;
        if (v < 0 || (r->lo[i] >= 0 && v < r->lo[i]) || (r->hi[i] >= 0 && v > r->hi[i]))
            return 0;
    }
    return 1;
}

/* type_map_to_native — see types.h. *lossy stays valid as long as m. */
int type_map_to_native(const type_map *m, const char *table, const char *column,
                       const ltype *t, char *buf, size_t n, const char **lossy)
{
    if (lossy) *lossy = NULL;
    if (!m || !t || !buf || n == 0) return -1;
    for (size_t i = 0; i < m->nrules; i++) {
        const map_rule *r = &m->rules[i];
        if (r->kind == R_COLUMN && r->native_type && column_matches(r, table, column)) {
            if (strlen(r->native_type) >= n) return -1;
            strcpy(buf, r->native_type);
            if (lossy) *lossy = r->lossy;
            return 0;
        }
    }
    for (size_t i = 0; i < m->nrules; i++) {
        const map_rule *r = &m->rules[i];
        if (r->kind != R_LOGICAL || r->sel != t->kind || (r->fixed_only && !t->fixed) ||
            !ranges_hold(r, t))
            continue;
        for (int k = 0; k < r->ntmpl; k++) {
            int rc = expand_template(r->tmpl[k], t, buf, n);
            if (rc < 0) return -1;
            if (rc == 0) continue;
            if (lossy) *lossy = r->lossy;
            return 0;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------------
 * Printing a table (ferry types DIALECT)
 * ------------------------------------------------------------------- */

/* add_subject — a rule subject as the file format reads it back: quoted
 * ("" doubling a quote) when it is empty or holds a quote, "#", "->" or
 * the word "named" (which would start a column condition). */
static void add_subject(strbuf *sb, const char *s)
{
    char *copy = xstrdup(s);
    int plain = *s && !strpbrk(s, "\"#") && !strstr(s, "->") && !find_named(copy);
    free(copy);
    if (plain) {
        strbuf_adds(sb, s);
        return;
    }
    strbuf_addc(sb, '"');
    for (; *s; s++) {
        if (*s == '"') strbuf_addc(sb, '"');
        strbuf_addc(sb, *s);
    }
    strbuf_addc(sb, '"');
}

/* rule_parts — the subject and target texts of r as a mapping file spells
 * them. */
static void rule_parts(const map_rule *r, strbuf *subj, strbuf *target)
{
    char lt[64];
    switch (r->kind) {
    case R_NATIVE:
        add_subject(subj, r->pattern);
        add_names(subj, r);
        if (r->no_pass) snprintf(lt, sizeof lt, "text(max)");
        else ltype_format(&r->to, lt, sizeof lt);
        strbuf_adds(target, lt);
        break;
    case R_LOGICAL:
        format_selector(r, subj);
        for (int i = 0; i < r->ntmpl; i++)
            strbuf_addf(target, "%s%s", i ? " | " : "", r->tmpl[i]);
        break;
    case R_COLUMN: {
        char *tc = xasprintf("%s.%s", r->table_pat, r->column_pat);
        add_subject(subj, tc);
        free(tc);
        if (r->native_type) {
            strbuf_addf(target, "native %s", r->native_type);
        } else {
            ltype_format(&r->to, lt, sizeof lt);
            strbuf_adds(target, lt);
        }
        break;
    }
    }
}

/* type_map_print — see types.h. Output is in the mappings/ file format
 * (so it can be saved and edited as a --map file): one section per rule
 * kind, rules in the order they are tried, each with the file and line it
 * came from as a comment. */
void type_map_print(const type_map *m, strbuf *out)
{
    static const struct { rule_kind kind; const char *word, *title; } sections[] = {
        { R_COLUMN,  "column ", "# Column rules: they win over every other rule.\n" },
        { R_NATIVE,  "native ", "# Native type -> logical type (a source column). "
                                "The first matching rule wins.\n" },
        { R_LOGICAL, "logical", "# Logical type -> native type (a target column). The first "
                                "rule whose kind and ranges match and\n# whose template has "
                                "every placeholder's value wins.\n" },
    };
    size_t n = m ? m->nrules : 0;
    strbuf *subj = n ? xcalloc(n, sizeof *subj) : NULL;
    strbuf *target = n ? xcalloc(n, sizeof *target) : NULL;

    for (size_t i = 0; i < n; i++) rule_parts(&m->rules[i], &subj[i], &target[i]);
    for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++) {
        size_t sw = 0, tw = 0, count = 0;
        for (size_t i = 0; i < n; i++) {
            if (m->rules[i].kind != sections[k].kind) continue;
            count++;
            if (subj[i].len > sw) sw = subj[i].len;
            if (target[i].len > tw) tw = target[i].len;
        }
        if (!count) continue;
        if (sw > 30) sw = 30;
        if (tw > 24) tw = 24;
        if (out->len) strbuf_addc(out, '\n');
        strbuf_adds(out, sections[k].title);
        for (size_t i = 0; i < n; i++) {
            const map_rule *r = &m->rules[i];
            if (r->kind != sections[k].kind) continue;
            strbuf_addf(out, "%s %-*s -> %-*s", sections[k].word, (int)sw, strbuf_cstr(&subj[i]),
                        (int)tw, strbuf_cstr(&target[i]));
            if (r->lossy) {
                strbuf_adds(out, "  lossy \"");
                for (const char *q = r->lossy; *q; q++) {
                    if (*q == '"') strbuf_addc(out, '"');
                    strbuf_addc(out, *q);
                }
                strbuf_addc(out, '"');
            }
            if (r->origin) strbuf_addf(out, "  # %s", r->origin);
            while (out->len && out->buf[out->len - 1] == ' ') out->buf[--out->len] = '\0';
            strbuf_addc(out, '\n');
        }
    }
    for (size_t i = 0; i < n; i++) {
        strbuf_free(&subj[i]);
        strbuf_free(&target[i]);
    }
    free(subj);
    free(target);
}

/* ---------------------------------------------------------------------
 * Enum and set labels
 * ------------------------------------------------------------------- */

/* type_enum_labels — see types.h. */
int type_enum_labels(const char *native, char ***labels)
{
    const char *p = native;
    char **v = NULL;
    size_t n = 0, cap = 0;
    strbuf sb = STRBUF_INIT;

    if (labels) *labels = NULL;
    if (!native || !labels) return -1;
    while (isspace((unsigned char)*p)) p++;
    if (strncasecmp(p, "enum", 4) == 0) p += 4;
    else if (strncasecmp(p, "set", 3) == 0) p += 3;
    else return -1;
    while (isspace((unsigned char)*p)) p++;
    if (*p++ != '(') return -1;
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (*p == ')' && n == 0) break;
        if (*p++ != '\'') goto bad;
        strbuf_reset(&sb);
        for (;;) {
            char c = *p++;
            if (c == '\0') goto bad;
            if (c == '\'') {
                if (*p != '\'') break;                 /* the closing quote */
                p++;                                   /* '' is one quote */
            } else if (c == '\\') {
                switch ((c = *p++)) {
                case '\0': goto bad;
                case '0':  goto bad;                   /* a NUL byte: no C string holds it */
                case 'n':  c = '\n'; break;
                case 'r':  c = '\r'; break;
                case 't':  c = '\t'; break;
                case 'b':  c = '\b'; break;
                case 'Z':  c = '\032'; break;
                default:   break;                      /* \\ \' \" and any other: the char */
                }
            }
            strbuf_addc(&sb, c);
        }
        if (n + 2 > cap) {
            cap = cap ? 2 * cap : 8;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = strbuf_detach(&sb);
        v[n] = NULL;
        while (isspace((unsigned char)*p)) p++;
        if (*p == ',') { p++; continue; }
        if (*p == ')') break;
        goto bad;
    }
    p++;
    while (isspace((unsigned char)*p)) p++;
    if (*p) goto bad;
    strbuf_free(&sb);
    if (!v) v = xcalloc(1, sizeof *v);
    *labels = v;
    return (int)n;
bad:
    strbuf_free(&sb);
    type_labels_free(v);
    return -1;
}

/* type_labels_free — free what type_enum_labels returned; NULL is fine. */
void type_labels_free(char **labels)
{
    if (!labels) return;
    for (char **p = labels; *p; p++) free(*p);
    free(labels);
}
