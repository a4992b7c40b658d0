/* sqlexpr_internal.h — what the SQL translator's files share (private to
 * engine/sqlexpr*.c): ASCII character classes, reasons and the tokenizer
 * (sqlexpr_lex.c), literal values (sqlexpr_literal.c), and the SQL
 * vocabulary: keywords, functions, CAST types (sqlexpr_words.c). See
 * sqlexpr.c for the design. */
#ifndef FERRY_SQLEXPR_INTERNAL_H
#define FERRY_SQLEXPR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "sqlexpr.h"

/* ---------------------------------------------------------------------
 * ASCII character classes, as SQLite's tokenizer has them (independent of
 * the C locale).
 * --------------------------------------------------------------------- */

static inline int a_digit(int c)  { return c >= '0' && c <= '9'; }
static inline int a_alpha(int c)  { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int a_xdigit(int c) { return a_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static inline int a_upper(int c)  { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }
static inline int a_lower(int c)  { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
static inline int a_space(int c)  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* SQLite identifier characters: letters, '_', digits, '$' and any byte of a
 * multi-byte UTF-8 sequence. */
static inline int id_start(int c) { return a_alpha(c) || c == '_' || c >= 0x80; }
static inline int id_char(int c)  { return id_start(c) || a_digit(c) || c == '$'; }

/* ---------------------------------------------------------------------
 * sqlexpr_lex.c: names, reasons, tokens
 * --------------------------------------------------------------------- */

/* sqlexpr_casecmp — ASCII case-insensitive comparison, as SQLite folds
 * names (independent of the C locale). */
int sqlexpr_casecmp(const char *a, const char *b);

/* sqlexpr_case — copy s into buf (size n) upper- or lower-cased; -1 when it
 * does not fit (such a word is neither a keyword nor a known function). */
int sqlexpr_case(char *buf, size_t n, const char *s, int upper);

/* sqlexpr_refuse — format a one-line reason into the thread-local buffer,
 * point *why at it and return -1. */
int sqlexpr_refuse(const char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sqlexpr_clip — s shortened to fit buf (size n) for use inside a reason,
 * cut at a character boundary and marked with "...". Returns buf. */
const char *sqlexpr_clip(char *buf, size_t n, const char *s);

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

/* sqlexpr_tokenize — cut s into tokens as SQLite's tokenizer does, into tl
 * (zeroed by the caller, released with sqlexpr_toks_free even on failure).
 * Returns 0 or -1 with *why. */
int sqlexpr_tokenize(const char *s, toklist *tl, const char **why);

/* sqlexpr_toks_free — release the tokens and their values. */
void sqlexpr_toks_free(toklist *tl);

/* sqlexpr_render_tokens — the tokens [lo, hi) as SQLite text with single
 * spaces, for reasons. */
void sqlexpr_render_tokens(const toklist *tl, int lo, int hi, strbuf *sb);

/* ---------------------------------------------------------------------
 * sqlexpr_literal.c: numeric literals and text values
 * --------------------------------------------------------------------- */

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

/* sqlexpr_num_parse — read a numeric literal s (a TK_NUMBER value) negated
 * when neg. Returns -1 for a hex literal wider than 64 bits or too many
 * digits. */
int sqlexpr_num_parse(const char *s, int neg, num *n);
/* sqlexpr_num_int64 — the value as int64 when it is integral and fits;
 * 0 or -1. */
int sqlexpr_num_int64(const num *n, int64_t *v);
/* sqlexpr_num_plain — append the exact value as a plain decimal. */
void sqlexpr_num_plain(const num *n, strbuf *sb);
/* sqlexpr_num_sqlite_text — append the text SQLite stores for this number
 * in a TEXT column; -1 for an infinite value. */
int sqlexpr_num_sqlite_text(const num *n, strbuf *sb);
/* sqlexpr_num_text_syntax — when s is a decimal numeric literal with
 * optional sign and surrounding spaces, copy its unsigned body into body
 * (size n) and return 0 with *neg set. */
int sqlexpr_num_text_syntax(const char *s, char *body, size_t n, int *neg);

/* sqlexpr_scan_time — HH:MM[:SS[.fraction]] at *pp, *pp moved past it;
 * 0 or -1. */
int sqlexpr_scan_time(const char **pp);
/* sqlexpr_valid_datetime — s is a date (with_time 0), or a date optionally
 * followed by a time and a zone; *zone is 0 without a zone, 1 for UTC, 2
 * for another offset. 1 or 0. */
int sqlexpr_valid_datetime(const char *s, int with_time, int *zone);
/* sqlexpr_uuid_canon — s as a canonical lower-case hyphenated UUID into out
 * (37 bytes); 0 or -1. */
int sqlexpr_uuid_canon(const char *s, char *out);
/* sqlexpr_json_valid — s is one JSON value (RFC 8259). 1 or 0. */
int sqlexpr_json_valid(const char *s);

/* ---------------------------------------------------------------------
 * sqlexpr_words.c: keywords, functions, CAST types
 * --------------------------------------------------------------------- */

/* How a SQLite function is carried over to PostgreSQL. */
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

/* sqlexpr_fn_find — the entry for a SQLite function name (any case), or
 * NULL when PostgreSQL has no function of the same meaning. */
const fn_map *sqlexpr_fn_find(const char *name);

/* sqlexpr_is_keyword — U (upper case) is always a keyword. */
int sqlexpr_is_keyword(const char *U);

/* sqlexpr_cast_type — the PostgreSQL type for a SQLite CAST type name
 * (upper case). */
const char *sqlexpr_cast_type(const char *U);

/* ---------------------------------------------------------------------
 * The current date/time in PostgreSQL, pinned to UTC as SQLite's is
 * (sqlexpr_default.c, sqlexpr.c)
 * --------------------------------------------------------------------- */

#define PG_NOW_UTC "(now() AT TIME ZONE 'UTC')"
/* date_trunc(), not ::time(0): SQLite truncates, a typmod cast would round
 * up to a second that has not come yet. */
#define PG_TIME_UTC    "(date_trunc('second', now() AT TIME ZONE 'UTC')::time)"
#define PG_TIME_MS_UTC "(date_trunc('milliseconds', now() AT TIME ZONE 'UTC')::time)"
/* floor(): SQLite truncates to whole seconds; a bare ::bigint would round. */
#define PG_EPOCH   "(floor(extract(epoch from now()))::bigint)"

#endif
