/* sqlexpr.h — translating small pieces of SQL (column defaults, CHECK
 * expressions, partial-index predicates, index expressions, view SELECTs)
 * from one engine's dialect into another's: SQLite, PostgreSQL and
 * MySQL/MariaDB, in every direction, including same-engine copies. The
 * translation is token-level: identifiers are re-quoted with their target
 * names, literals re-written in the target's syntax, functions and
 * operators carried over through a mapping table; what cannot be
 * translated faithfully is refused with a one-line reason. The target
 * engine remains the final judge (the caller runs the DDL and reports a
 * failure as a skipped object, with its text).
 *
 * The inputs are what each engine's catalog prints:
 *  - SQLite: the text of the schema (PRAGMA table_info's dflt_value, the
 *    CHECK and view text of sqlite_schema);
 *  - PostgreSQL: pg_get_expr (defaults, index predicates and expressions),
 *    pg_get_constraintdef (CHECK (...), with or without the CHECK word),
 *    pg_get_viewdef; casts are written "::type", LIKE as "~~";
 *  - MySQL/MariaDB: information_schema COLUMN_DEFAULT as MariaDB 10.2+
 *    prints it (string literals quoted: 'abc', current_timestamp(6)),
 *    CHECK_CONSTRAINTS.CHECK_CLAUSE, the SELECT of SHOW CREATE VIEW /
 *    VIEWS.VIEW_DEFINITION; string literals with backslash escapes ('it\'s',
 *    as the server prints them), "..." strings (ANSI_QUOTES off).
 *
 * Everything here is thread-safe; reasons (*why) point to a thread-local
 * buffer valid until the next call into this module on the same thread. */
#ifndef FERRY_SQLEXPR_H
#define FERRY_SQLEXPR_H

#include "types.h"
#include "util.h"

/* The SQL dialects the translator reads and writes. */
typedef enum sql_dialect { SQL_SQLITE = 1, SQL_POSTGRESQL, SQL_MYSQL } sql_dialect;

/* sqlexpr_dialect_name — "SQLite", "PostgreSQL", "MySQL" (for messages). */
const char *sqlexpr_dialect_name(sql_dialect d);

/* name_resolver — maps a source identifier (a table, column or alias name;
 * each part of a dotted name separately) to its target name; returns NULL
 * when the name is unknown (it is then emitted quoted as written: SQLite
 * and MySQL names folded to the first spelling met, PostgreSQL names as
 * they are). Bare PostgreSQL names reach the resolver lower-cased, as
 * PostgreSQL folds them. */
typedef const char *(*name_resolver)(void *ctx, const char *source_name);

/* sqlexpr_translate_default_ex — translate a column DEFAULT written in
 * dialect from into dialect to, for a target column of logical type t.
 * Recognised in every source dialect: NULL, booleans, numbers and strings
 * (validated against t and re-written as the target's literal), the
 * current date/time in each engine's spellings (mapped by the column's
 * type and the engines' time-zone conventions, see sqlexpr_default.c),
 * uuid generators, empty JSON documents. PostgreSQL casts on a literal
 * ('abc'::character varying, (0)::numeric) are dropped when the literal is
 * valid for t. A sequence default (nextval(...)) is refused: the engine
 * turns such a column into an identity before asking. For a same-dialect
 * pair, what is not recognised is re-emitted through the tokenizer
 * (identifiers quoted, otherwise unchanged); for MySQL targets an
 * expression default is put in parentheses as MySQL 8.0.13+ needs.
 * For time, timestamp and timestamptz t->precision may give the target
 * column's fractional-second digits (MySQL needs CURRENT_TIMESTAMP(n) to
 * match datetime(n)); -1 means what mappings/ gives: 6 on MySQL.
 * Returns 0 with the expression appended to out, or -1 with *why set and
 * out unchanged. */
int sqlexpr_translate_default_ex(sql_dialect from, sql_dialect to, const char *expr,
                                 const ltype *t, strbuf *out, const char **why);

/* sqlexpr_translate_ex — translate a general expression or SELECT statement
 * from dialect from into dialect to. Identifiers (bare or quoted in any of
 * the source's styles) are looked up with resolve and quoted for the
 * target; keywords upper-cased; literals re-written; functions, casts and
 * operators mapped through the table in sqlexpr_funcs.c and the rewrites
 * in sqlexpr_ops.c; what has no faithful equivalent in the target (GLOB,
 * regular expressions, JSON functions and operators, date arithmetic,
 * arrays, collations other than byte order, ...) makes it fail.
 *  - A whole constraint as PostgreSQL and MySQL print it, CHECK (expr)
 *    [NOT VALID], is reduced to expr.
 *  - A MySQL database qualifier (db.table.column as VIEW_DEFINITION
 *    writes it) is dropped; SQLite's main./temp. too.
 *  - LIKE keeps the source's case sensitivity where the target can:
 *    SQLite's LIKE and MySQL's (under the default *_ci collations) ignore
 *    case, PostgreSQL's LIKE does not and its ILIKE does; so SQLite/MySQL
 *    LIKE -> PostgreSQL ILIKE, PostgreSQL LIKE -> SQLite GLOB (constant
 *    patterns) or MySQL LIKE ... COLLATE utf8mb4_bin, PostgreSQL ILIKE ->
 *    LIKE. SQLite folds only ASCII letters. Escape characters are carried
 *    over explicitly (see sqlexpr_ops.c).
 *  - Not detected, because the column types are not known here: MySQL's
 *    string comparisons and functions (=, IN, instr) follow the column's
 *    collation, case-insensitive by default; "/" between integers gives
 *    a decimal in MySQL (5/2 = 2.5000) where SQLite and PostgreSQL
 *    truncate (2); SQLite's and MySQL's TRUE is the integer 1.
 * A same-dialect pair re-emits everything but the identifiers unchanged.
 * Returns 0 (text appended to out) or -1 with *why and out unchanged. */
int sqlexpr_translate_ex(sql_dialect from, sql_dialect to, const char *sql,
                         name_resolver resolve, void *ctx, strbuf *out, const char **why);

/* sqlexpr_quote_ident — append name quoted for dialect d: "x" (PostgreSQL,
 * SQLite) or `x` (MySQL), the quote character doubled inside. Always
 * quoted, so case and reserved words never matter. */
void sqlexpr_quote_ident(sql_dialect d, strbuf *out, const char *name);

/* sqlexpr_quote_literal — append text as a string constant of dialect d:
 * '...' with ' doubled. MySQL treats a backslash as an escape unless the
 * session sets NO_BACKSLASH_ESCAPES (ferry's MySQL sessions do; other
 * tools do not), so for MySQL a text holding a backslash is written in a
 * form that means the same in both modes:
 * concat('a', char(92 using utf8mb4), 'b') — a constant expression, not a
 * literal token (defaults put it in parentheses). */
void sqlexpr_quote_literal(sql_dialect d, strbuf *out, const char *text);

/* sqlexpr_translate_default — sqlexpr_translate_default_ex from SQLite to
 * PostgreSQL: CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_TIME,
 * datetime('now'), date('now'), strftime('%s','now') and
 * strftime('%Y-%m-%d %H:%M:%f','now') forms (SQLite's are UTC, so are the
 * translations), numeric and string literals (checked against t), NULL,
 * TRUE/FALSE and 0/1 for bool columns. */
int sqlexpr_translate_default(const char *expr, const ltype *t, strbuf *out,
                              const char **why);

/* sqlexpr_translate — sqlexpr_translate_ex from SQLite to PostgreSQL.
 * Identifiers (bare, "double", [bracket], `backtick`) are matched
 * case-insensitively as SQLite does. */
int sqlexpr_translate(const char *sql, name_resolver resolve, void *ctx,
                      strbuf *out, const char **why);

/* pg_quote_ident — append name as a PostgreSQL quoted identifier. */
void pg_quote_ident(strbuf *out, const char *name);
/* pg_quote_literal — append s as a PostgreSQL string literal ('it''s'). */
void pg_quote_literal(strbuf *out, const char *s);

#endif
