/* sqlexpr.h — translating small pieces of SQLite SQL (column defaults,
 * CHECK expressions, partial-index predicates, index expressions, view
 * SELECTs) into PostgreSQL SQL. The translation is token-level: identifiers
 * are re-quoted with their target names, literals kept, a few SQLite-only
 * functions rewritten; what cannot be translated is refused with a reason.
 * PostgreSQL remains the final judge (the caller runs the DDL and reports a
 * failure as a skipped object). */
#ifndef FERRY_SQLEXPR_H
#define FERRY_SQLEXPR_H

#include "types.h"
#include "util.h"

/* name_resolver — maps a source identifier (table or column name, matched
 * case-insensitively as SQLite does) to its target name; returns NULL when
 * the name is unknown (it is then emitted double-quoted as written). */
typedef const char *(*name_resolver)(void *ctx, const char *source_name);

/* sqlexpr_translate_default — translate a SQLite column DEFAULT expression
 * (as in PRAGMA table_info's dflt_value) for a column of logical type t.
 * Handles CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_TIME, datetime('now'),
 * date('now'), strftime('%s','now') and strftime('%Y-%m-%d %H:%M:%f','now')
 * forms (SQLite's are UTC, so are the translations), numeric and string
 * literals (checked against t), NULL, TRUE/FALSE and 0/1 for bool columns.
 * Returns 0 with the PostgreSQL expression in out, or -1 with *why set. */
int sqlexpr_translate_default(const char *expr, const ltype *t, strbuf *out,
                              const char **why);

/* sqlexpr_translate — translate a general SQLite expression or SELECT
 * statement. Identifiers (bare, "double", [bracket], `backtick`) are looked
 * up with resolve and emitted as PostgreSQL quoted identifiers; keywords
 * and function names (a word followed by '(') are kept; string literals are
 * kept; SQLite-only operators/functions with no PostgreSQL equivalent
 * (GLOB, typeof(), json_* ...) make it fail. Returns 0 or -1 with *why. */
int sqlexpr_translate(const char *sql, name_resolver resolve, void *ctx,
                      strbuf *out, const char **why);

/* pg_quote_ident — append name as a PostgreSQL quoted identifier. */
void pg_quote_ident(strbuf *out, const char *name);
/* pg_quote_literal — append s as a PostgreSQL string literal ('it''s'). */
void pg_quote_literal(strbuf *out, const char *s);

#endif
