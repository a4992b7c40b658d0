/* sqlexpr_internal.h — what the SQL translator's files share (private to
 * engine/sqlexpr*.c): ASCII character classes, reasons and the tokenizers
 * (sqlexpr_lex.c), literal values (sqlexpr_literal.c), the vocabulary:
 * keywords, CAST types, operator precedence (sqlexpr_words.c), the
 * function mapping table (sqlexpr_funcs.c), the translation state shared by
 * the expression translator (sqlexpr.c) and its operator rewrites
 * (sqlexpr_ops.c), and column defaults (sqlexpr_default.c). See sqlexpr.c
 * for the design. */
#ifndef FERRY_SQLEXPR_INTERNAL_H
#define FERRY_SQLEXPR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "sqlexpr.h"

/* ---------------------------------------------------------------------
 * ASCII character classes, as the engines' tokenizers have them
 * (independent of the C locale).
 * --------------------------------------------------------------------- */

static inline int a_digit(int c)  { return c >= '0' && c <= '9'; }
static inline int a_alpha(int c)  { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int a_xdigit(int c) { return a_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static inline int a_upper(int c)  { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }
static inline int a_lower(int c)  { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
static inline int a_space(int c)  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Identifier characters (the same in the three engines): letters, '_',
 * digits, '$' and any byte of a multi-byte UTF-8 sequence. */
static inline int id_start(int c) { return a_alpha(c) || c == '_' || c >= 0x80; }
static inline int id_char(int c)  { return id_start(c) || a_digit(c) || c == '$'; }

/* The index of a dialect in per-dialect tables (SQLite 0, PostgreSQL 1,
 * MySQL 2). */
#define DI(d) ((int)(d) - 1)

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
    TK_STRING,    /* 'text' (and MySQL "text", PostgreSQL E'..', $$..$$); val unescaped */
    TK_BLOB,      /* x'..' (MySQL also _binary'..'); val = the hex digits, lower case */
    TK_NUMBER,    /* val as written without '_' separators (MySQL b'..' as decimal) */
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

/* sqlexpr_tokenize_ex — cut s into tokens as dialect d's tokenizer does,
 * into tl (zeroed by the caller, released with sqlexpr_toks_free even on
 * failure). Returns 0 or -1 with *why. */
int sqlexpr_tokenize_ex(sql_dialect d, const char *s, toklist *tl, const char **why);

/* sqlexpr_tokenize — sqlexpr_tokenize_ex for SQLite. */
int sqlexpr_tokenize(const char *s, toklist *tl, const char **why);

/* sqlexpr_toks_free — release the tokens and their values. */
void sqlexpr_toks_free(toklist *tl);

/* sqlexpr_render_tokens — the tokens [lo, hi) as text with single spaces,
 * for reasons (strings and identifiers quoted the standard way). */
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
/* sqlexpr_utc_text — the timestamp s (as sqlexpr_valid_datetime accepts
 * it with a time) moved to UTC, as "YYYY-MM-DD HH:MM:SS[.fraction]" into
 * out; without a zone the text is taken as UTC. 0 or -1. */
int sqlexpr_utc_text(const char *s, strbuf *out);
/* sqlexpr_zero_date — s is MySQL's zero date or has a zero month or day
 * ('0000-00-00', '2024-00-10 ...'). */
int sqlexpr_zero_date(const char *s);
/* sqlexpr_uuid_canon — s as a canonical lower-case hyphenated UUID into out
 * (37 bytes); 0 or -1. */
int sqlexpr_uuid_canon(const char *s, char *out);
/* sqlexpr_json_valid — s is one JSON value (RFC 8259). 1 or 0. */
int sqlexpr_json_valid(const char *s);

/* sqlexpr_quote_blob — append the hex digits (lower case) as dialect d's
 * binary literal: '\x00ff'::bytea or x'00ff'. */
void sqlexpr_quote_blob(sql_dialect d, strbuf *out, const char *hex);

/* ---------------------------------------------------------------------
 * sqlexpr_words.c: keywords, CAST types, operator precedence
 * --------------------------------------------------------------------- */

/* sqlexpr_is_keyword — U (upper case) is always a keyword in dialect d's
 * input. */
int sqlexpr_is_keyword(sql_dialect d, const char *U);

/* The kinds of value a CAST or a PostgreSQL "::" can produce. */
typedef enum cast_kind {
    CK_NONE = 0,    /* unknown or unsupported type */
    CK_INT, CK_DECIMAL, CK_FLOAT, CK_TEXT, CK_BYTES, CK_BOOL,
    CK_DATE, CK_TIME, CK_TIMESTAMP, CK_TIMESTAMPTZ, CK_UUID, CK_JSON,
    CK__COUNT
} cast_kind;

/* cast_type — a parsed type name: its kind, and the parameters written
 * ("numeric(10,2)": p 10, s 2; "varchar(5)": p 5), -1 when absent. */
typedef struct cast_type {
    cast_kind kind;
    int p, s;
    int unsigned_;    /* MySQL UNSIGNED */
    char text[64];    /* the name as written, normalised (for reasons) */
} cast_type;

/* sqlexpr_cast_parse — the type name in tokens [lo, hi) as dialect d reads
 * it (SQLite by its affinity rules). Returns the number of tokens it
 * spans (at least 1, or 0 when there is no type name). */
int sqlexpr_cast_parse(sql_dialect d, const toklist *tl, int lo, int hi, cast_type *ct);

/* sqlexpr_cast_target — the CAST type name for ct in dialect d into buf
 * (size n); -1 when d has none. from is the source dialect (SQLite's
 * affinities keep their historic PostgreSQL names). */
int sqlexpr_cast_target(sql_dialect from, sql_dialect d, const cast_type *ct, char *buf, size_t n);

/* Binding strength of operators, common to the three dialects (higher
 * binds tighter); each dialect places its operators on this scale. */
enum {
    P_NONE = 0, P_OR = 1, P_XOR = 2, P_AND = 3, P_NOT = 4, P_BETWEEN = 5, P_IS = 6,
    P_EQ = 7, P_CMP = 8, P_LIKE = 9, P_OTHER = 10, P_BITOR = 11, P_BITAND = 12,
    P_SHIFT = 13, P_ADD = 14, P_MUL = 15, P_POW = 16, P_CONCAT = 17, P_COLLATE = 18,
    P_UNARY = 19, P_CAST = 20
};

/* sqlexpr_binop — when the tokens of tl starting at j form a binary
 * operator of dialect d (">=", "AND", "NOT LIKE", "IS NOT DISTINCT FROM",
 * "::", "COLLATE", ...), its precedence, with *len its number of tokens;
 * else P_NONE. */
int sqlexpr_binop(sql_dialect d, const toklist *tl, int j, int hi, int *len);

/* sqlexpr_binop_ending — the same for an operator that ends at token j
 * (looking back no further than lo); *start gets its first token. */
int sqlexpr_binop_ending(sql_dialect d, const toklist *tl, int lo, int j, int *start);

/* sqlexpr_word_is — t is the bare word U (any case). */
int sqlexpr_word_is(const tok *t, const char *U);
/* sqlexpr_tok_op — t is the operator op. */
int sqlexpr_tok_op(const tok *t, const char *op);

/* ---------------------------------------------------------------------
 * sqlexpr_funcs.c: the function mapping table
 * --------------------------------------------------------------------- */

/* How a function is written in one dialect. */
typedef enum fn_how {
    FN_CALL,      /* emit(args), the arguments as written */
    FN_TEMPLATE,  /* emit is a template: $1..$9 an argument, %1..%9 the same in
                   * parentheses unless it is one operand, $* all arguments, $| all
                   * arguments joined by || (each parenthesised when needed), $c all
                   * arguments as coalesce(arg, '') joined by || */
    FN_KEYWORD,   /* a niladic form: the input is the bare keyword or a call with no
                   * argument or one fractional-second precision; emit as written */
    FN_GCONCAT    /* group_concat / string_agg: rebuilt for each dialect's shape */
} fn_how;

/* fn_cell — one dialect's side of a function: the names it accepts in input
 * (lower case, space-separated; "" none) and what it writes as a target
 * (NULL: no equivalent). */
typedef struct fn_cell {
    const char *names;
    const char *emit;
    fn_how      how;
} fn_cell;

/* fn_row — one function across the three dialects, for calls with
 * min_args..max_args arguments (max -1: any number); note says why a NULL
 * cell has no equivalent, or NULL. */
typedef struct fn_row {
    fn_cell     d[3];
    int         min_args, max_args;
    const char *note;
} fn_row;

/* sqlexpr_fn_find — the first row whose cell for dialect from accepts name
 * (any case) with nargs arguments; NULL when none does. *name_known is set
 * when some row accepts the name with another number of arguments. */
const fn_row *sqlexpr_fn_find(sql_dialect from, const char *name, int nargs, int *name_known);

/* sqlexpr_fn_has_target — some row accepts name in dialect from and has a
 * spelling in dialect to (whatever the number of arguments). */
int sqlexpr_fn_has_target(sql_dialect from, sql_dialect to, const char *name);

/* ---------------------------------------------------------------------
 * The current date/time in PostgreSQL, pinned to UTC as SQLite's is
 * (sqlexpr_default.c, sqlexpr_funcs.c)
 * --------------------------------------------------------------------- */

#define PG_NOW_UTC "(now() AT TIME ZONE 'UTC')"
/* date_trunc(), not ::time(0): SQLite truncates, a typmod cast would round
 * up to a second that has not come yet. */
#define PG_TIME_UTC    "(date_trunc('second', now() AT TIME ZONE 'UTC')::time)"
#define PG_TIME_MS_UTC "(date_trunc('milliseconds', now() AT TIME ZONE 'UTC')::time)"
/* floor(): SQLite truncates to whole seconds; a bare ::bigint would round. */
#define PG_EPOCH   "(floor(extract(epoch from now()))::bigint)"

/* ---------------------------------------------------------------------
 * sqlexpr.c / sqlexpr_ops.c: the translation state
 * --------------------------------------------------------------------- */

enum { XL_WINDOW = 1 };     /* inside OVER (...) or a WINDOW definition */

/* Translation state for one sqlexpr_translate_ex call. */
typedef struct xl {
    const toklist *tl;
    sql_dialect    from, to;
    int            same;        /* from == to: only identifiers change */
    name_resolver  resolve;
    void          *ctx;
    strbuf        *out;
    int            sep;         /* before the next piece: 0 as the token says, 1 a space, -1 none */
    char         **names;       /* spellings chosen for names the resolver did not know */
    int            nnames, cnames;
    size_t        *mark;        /* mark[i]: where in out token i's translation starts
                                 * ((size_t)-1 until it is written) */
    const char   **why;
} xl;

/* Per-level state of xl_range. */
typedef struct xl_level {
    int in_with;      /* between WITH and its SELECT: name(cols) is not a call */
    int in_window;    /* after WINDOW: AS (...) is a window definition */
} xl_level;

/* sqlexpr.c */
void sqlexpr_xl_put(xl *x, int space, const char *s);
int  sqlexpr_xl_range(xl *x, int lo, int hi, int flags);
int  sqlexpr_xl_sub(xl *x, int lo, int hi, int flags);
const char *sqlexpr_target(const xl *x);     /* the target's display name */
int  sqlexpr_ends_operand(sql_dialect d, const tok *t);

/* sqlexpr_ops.c: rewrites of operators and special forms. Each consumes
 * tokens from i, sets *next past them and returns 0, or -1 with the reason
 * in *x->why. */
int sqlexpr_op_like(xl *x, int i, int hi, int *next);
int sqlexpr_op_is(xl *x, int i, int lo, int hi, int *next);
int sqlexpr_op_nullsafe(xl *x, int i, int lo, int hi, int *next);   /* MySQL <=> */
int sqlexpr_op_concat(xl *x, int i, int lo, int hi, int *next);     /* || */
int sqlexpr_op_pgcast(xl *x, int i, int lo, int hi, int *next);     /* PostgreSQL :: */
int sqlexpr_op_any(xl *x, int i, int *next);                        /* = ANY (ARRAY[...]) */
int sqlexpr_op_not_bang(xl *x, int i, int hi, int *next);           /* MySQL ! */
int sqlexpr_function(xl *x, int i, int *next);
int sqlexpr_cast(xl *x, int i, int *next);

/* sqlexpr_left_start — the first token of the left operand of the binary
 * operator of precedence prec that starts at i (the level begins at lo). */
int sqlexpr_left_start(const xl *x, int lo, int i, int prec);
/* sqlexpr_right_end — the end (exclusive) of the right operand that starts
 * at s, for an operator of precedence prec. */
int sqlexpr_right_end(const xl *x, int s, int hi, int prec);
/* sqlexpr_wrap_left — put text before the left operand starting at token
 * l, which is already written; 0, or -1 with the reason. */
int sqlexpr_wrap_left(xl *x, int l, int i, const char *text);
/* sqlexpr_is_operand — [lo, hi) is one operand (a literal, a name, a call,
 * a parenthesised group): no parentheses needed around it. */
int sqlexpr_is_operand(const xl *x, int lo, int hi);

#endif
