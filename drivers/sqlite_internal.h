/* sqlite_internal.h — what the files of the SQLite driver share: the
 * connection struct, the error helpers (sqlite.c), the parser of CREATE
 * texts (sqlite_ddl.c), and the functions each file contributes to
 * sqlite_driver. Only drivers/sqlite*.c and their unit tests include it.
 *
 *   sqlite.c           connection, errors, the driver table
 *   sqlite_ddl.c       tokenizer and parsers of CREATE TABLE/INDEX/VIEW text
 *   sqlite_describe.c  the catalog (describe) from the pragmas and the text
 *   sqlite_read.c      source side: key statistics, split points, chunks
 *   sqlite_write.c     target side: statements, transactions, bulk insert */
#ifndef FERRY_SQLITE_INTERNAL_H
#define FERRY_SQLITE_INTERNAL_H

#include <stdint.h>
#include <sqlite3.h>

#include "driver.h"
#include "dialect.h"

/* How long a statement waits for another process's write lock. */
#define SQ_BUSY_TIMEOUT_MS 10000

/* sq_insert — the bulk-load state of a target connection: the prepared
 * INSERT of the last table loaded (kept across chunks and transactions,
 * finalized on close) and the row count since copy_begin. */
typedef struct sq_insert {
    sqlite3_stmt *st;            /* NULL until the first copy_begin */
    char         *sql;           /* the INSERT text st was prepared from (the cache key) */
    char         *table;         /* qualified table as given, for messages */
    char        **cols;          /* quoted column names as given, for messages */
    ltype        *types;         /* logical type of each column */
    unsigned char *uuid_form;    /* per column: how a uuid is stored (SQ_UUID_*, from the
                                  * column's declared type); NULL until a uuid column is loaded */
    int           ncols;
    int64_t       rows;          /* rows inserted since copy_begin */
    int           active;        /* between copy_begin and copy_end */
    unsigned long prepares;      /* INSERT statements prepared on this conn (tests) */
} sq_insert;

/* How a uuid column stores its values, chosen by the column's declared type
 * (sqlite_write.c): the 36-character text, 16 bytes, or 32 hex digits. */
enum { SQ_UUID_TEXT = 0, SQ_UUID_BLOB16, SQ_UUID_HEX32 };

/* sq_uuid_form — how a uuid is stored in a column declared decl (NULL or
 * "" when it has no type): one of SQ_UUID_*. */
int sq_uuid_form(const char *decl);

typedef struct sqlite_conn {
    ferry_conn base;
    sqlite3   *db;
    char      *display;          /* the URL's display form, owned */
    /* target side */
    int        wal;              /* 1 when the target runs in WAL mode */
    int        wal_restore;      /* 1: ferry turned WAL on; back to a rollback journal on close */
    sq_insert  ins;
} sqlite_conn;

/* --- sqlite.c: errors and names --- */

/* sq_side_word — "source" or "target", for messages about the endpoint. */
const char *sq_side_word(const sqlite_conn *c);
/* sq_err — record one error for c into e (may be NULL): code, the message
 * and the connection's side; the sqlstate is cleared. Returns -1. */
int sq_err(const sqlite_conn *c, ferry_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* sq_code — the ferry error code for SQLite result rc; dflt when nothing
 * more specific fits. */
int sq_code(int rc, int dflt);
/* sq_hint — what to do about SQLite result rc, appended to a message. */
const char *sq_hint(int rc);
/* sq_oneline — copy s into buf (size n) for a one-line message. */
const char *sq_oneline(char *buf, size_t n, const char *s);
/* sq_fail_db — record the connection's last SQLite error (result rc) with
 * context what. Returns -1. */
int sq_fail_db(const sqlite_conn *c, ferry_err *e, int dflt, int rc, const char *what);
/* sqlite_quote_ident — append name as a SQLite identifier ("a""b"). */
void sqlite_quote_ident(strbuf *out, const char *name);
/* sq_add_table_ref — append "main"."t" to sb. */
void sq_add_table_ref(strbuf *sb, const cat_table *t);

/* --- sqlite_ddl.c: what CREATE texts say beyond the pragmas --- */

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
    char       *pk_name;          /* CONSTRAINT name PRIMARY KEY ..., NULL if unnamed */
} ddl_table;

/* sq_ddl_parse_table — what the CREATE TABLE text sql says beyond the
 * pragmas, into out (zeroed here; memory from mem). Best effort. */
void sq_ddl_parse_table(const char *sql, arena *mem, ddl_table *out);
/* sq_ddl_find_col — the parsed definition of column name, or NULL. */
const ddl_coldef *sq_ddl_find_col(const ddl_table *def, const char *name);
/* sq_ddl_find_cons — the first unused constraint in list with exactly the
 * columns cols; marks it used. NULL if none. */
ddl_cons *sq_ddl_find_cons(ddl_cons *list, int n, char *const *cols, int ncols);
/* sq_ddl_parse_index — the indexed parts and WHERE predicate of a CREATE
 * INDEX text, in mem. */
void sq_ddl_parse_index(const char *sql, arena *mem, char ***parts, int *nparts, char **where);
/* sq_ddl_view_select — the SELECT of a CREATE VIEW text, in mem, or NULL. */
char *sq_ddl_view_select(const char *sql, arena *mem);
/* sq_ddl_vtab_module — the module of a CREATE VIRTUAL TABLE text, or NULL. */
char *sq_ddl_vtab_module(const char *sql, arena *mem);

/* --- sqlite_describe.c --- */

int sqlite_describe(ferry_conn *base, ferry_catalog *cat, ferry_err *e);
/* sq_rowid_name — how to name the rowid of t in SQL, into sb; -1 when
 * columns named rowid, _rowid_ and oid hide it. */
int sq_rowid_name(const cat_table *t, strbuf *sb);

/* --- sqlite_read.c --- */

int sqlite_key_stats(ferry_conn *base, const cat_table *t, const char *key_column,
                     int64_t *count, int64_t *min, int64_t *max, ferry_err *e);
int sqlite_key_split_points(ferry_conn *base, const cat_table *t, const char *key_column,
                            int64_t step, int64_t **points, int *npoints, ferry_err *e);
int sqlite_read_chunk(ferry_conn *base, const read_spec *spec, row_callback cb, void *ctx,
                      ferry_err *e);

/* --- sqlite_write.c --- */

/* sq_target_open — the target-side settings of a freshly opened c (journal
 * mode, synchronous, foreign keys); called by connect. */
int sq_target_open(sqlite_conn *c, ferry_err *e);
/* sq_target_close — finalize the cached INSERT and, when c is the last
 * connection, give the file back its former journal mode; called by close. */
void sq_target_close(sqlite_conn *c);

int  sqlite_exec(ferry_conn *base, const char *sql, ferry_err *e);
int  sqlite_exec_params(ferry_conn *base, const char *sql, int nparams,
                        const char *const *vals, ferry_err *e);
int  sqlite_query(ferry_conn *base, const char *sql, int nparams, const char *const *vals,
                  query_callback cb, void *ctx, ferry_err *e);
int  sqlite_begin(ferry_conn *base, ferry_err *e);
int  sqlite_commit(ferry_conn *base, ferry_err *e);
void sqlite_rollback(ferry_conn *base);
int  sqlite_copy_begin(ferry_conn *base, const char *qualified_table,
                       const char *const *quoted_cols, const ltype *types, int ncols,
                       ferry_err *e);
int  sqlite_copy_batch(ferry_conn *base, const batch *b, ferry_err *e);
int  sqlite_copy_end(ferry_conn *base, int64_t *rows, ferry_err *e);

#endif
