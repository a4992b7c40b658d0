/* types.h — the logical type system (the lingua franca between dialects)
 * and the per-dialect mapping tables kept as data in mappings/. */
#ifndef FERRY_TYPES_H
#define FERRY_TYPES_H

#include "err.h"
#include "util.h"

typedef enum ltype_kind {
    LT_UNKNOWN = 0,
    LT_BOOL,
    LT_INT16,
    LT_INT32,
    LT_INT64,
    LT_FLOAT32,
    LT_FLOAT64,
    LT_DECIMAL,      /* precision/scale when known, else unconstrained */
    LT_TEXT,         /* length when known (varchar(n)/char(n)), else unbounded */
    LT_BYTES,
    LT_DATE,
    LT_TIME,
    LT_TIMESTAMP,    /* no time zone */
    LT_TIMESTAMPTZ,
    LT_UUID,
    LT_JSON,
    LT_ENUM,
    LT__COUNT
} ltype_kind;

/* ltype — a logical type with its parameters. -1 means "not given". */
typedef struct ltype {
    ltype_kind kind;
    int length;      /* LT_TEXT: max characters; -1 unbounded */
    int fixed;       /* LT_TEXT: 1 for char(n) (blank-padded semantics);
                      * LT_TIME: 1 for a MySQL duration (-838:59:59..838:59:59),
                      * set only for MySQL -> MySQL copies, where it is kept */
    int precision;   /* LT_DECIMAL: total digits, -1 unconstrained */
    int scale;       /* LT_DECIMAL: digits after the point, -1 unconstrained */
} ltype;

/* ltype names as used in mappings/ and JSON: "bool", "int16", "int32",
 * "int64", "float32", "float64", "decimal", "text", "bytes", "date", "time",
 * "timestamp", "timestamptz", "uuid", "json", "enum". */
const char *ltype_kind_name(ltype_kind k);
ltype_kind  ltype_kind_from_name(const char *name);   /* LT_UNKNOWN if none */
/* ltype_format — "decimal(10,2)", "text(160)", "int64" into buf. */
void ltype_format(const ltype *t, char *buf, size_t n);
/* ltype_parse — the inverse of ltype_format; 0 or -1. */
int  ltype_parse(const char *s, ltype *out);

/* A mapping table for one dialect, loaded from mappings/<dialect>.map
 * (compiled in) and optionally extended by --map files. See
 * mappings/README.md for the file format. Rules are tried in order; user
 * rules (--map) come first. */
typedef struct type_map type_map;

/* type_map_builtin — the compiled-in table for "sqlite", "postgresql" or
 * "mysql" ("sqlite3", "postgres", "mariadb" are aliases); NULL if unknown.
 * The result is shared and immutable; do not free. */
const type_map *type_map_builtin(const char *dialect);

/* type_map_new_with_overrides — a new table: the rules of the user's --map
 * file(s) text in front of base. Caller frees with type_map_free. Returns
 * NULL with e set on a syntax error (naming file and line). */
type_map *type_map_with_overrides(const type_map *base, const char *file_name,
                                  const char *file_text, ferry_err *e);
void type_map_free(type_map *m);

/* type_map_to_logical — map a declared native type (e.g. "NVARCHAR(160)",
 * "NUMERIC(10,2)", "", "UNSIGNED BIG INT") of table.column to a logical
 * type. Column rules ("column Track.Milliseconds int32") win over type
 * patterns; a type pattern with a column condition ("native CHAR(32)
 * named id|*_id -> uuid") applies only to columns so named. *rule gets a short text of the rule that matched (for the plan).
 * Returns 0, or -1 when nothing matched (the caller treats it as an error
 * naming table.column and the type). */
int type_map_to_logical(const type_map *m, const char *table, const char *column,
                        const char *native, ltype *out, const char **rule);
/* type_map_to_logical_ex — the same, also setting *lossy (may be NULL) to
 * the note of a rule that loses information on the way in (PostgreSQL
 * "time with time zone" -> time, arrays -> text), else NULL. Either way the
 * rule text ends in "(lossy: ...)" then. Strings live as long as m. */
int type_map_to_logical_ex(const type_map *m, const char *table, const char *column,
                           const char *native, ltype *out, const char **rule,
                           const char **lossy);

/* type_map_to_native — the target's native type for a logical type, e.g.
 * decimal(10,2) -> "numeric(10,2)", text(160) -> "varchar(160)", bool ->
 * "boolean". Column rules with a native target type win. *lossy is set to a
 * short reason when the mapping loses information (e.g. "uuid stored as
 * char(36)"), else NULL. Writes into buf; returns 0 or -1. */
int type_map_to_native(const type_map *m, const char *table, const char *column,
                       const ltype *t, char *buf, size_t n, const char **lossy);

/* type_map_print — append m to out in a readable form that is also the
 * mappings/ file format (usable as a --map file): the column rules, the
 * native -> logical rules in the order they are tried, then the logical ->
 * native rules, each with its lossy note and, as a comment, the file and
 * line it came from. For "ferry types DIALECT". */
void type_map_print(const type_map *m, strbuf *out);

/* type_enum_labels — the labels of a MySQL/MariaDB enum or set column type
 * as information_schema.COLUMNS.COLUMN_TYPE spells it, e.g.
 * "enum('a','it''s','b\\c')" -> a, it's, b\c: a quote inside a label is
 * doubled and \\ \n \r \t \' are backslash escapes (case and white space
 * around the parts are ignored). Returns the number of labels and sets
 * *labels to a NULL-terminated array (free with type_labels_free), or -1
 * (*labels NULL) when native is not enum(...)/set(...), is malformed, or a
 * label holds a NUL byte. */
int  type_enum_labels(const char *native, char ***labels);
void type_labels_free(char **labels);

#endif
