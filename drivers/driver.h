/* driver.h — the interface every engine driver fills: a struct of function
 * pointers chosen by URL scheme. A connection's concrete struct puts
 * ferry_conn first ("subclassing" as sqlite3_vfs does); the driver allocates
 * conn_size bytes and the engine only sees ferry_conn *.
 *
 * Placeholders: statements passed to exec_params and query write their
 * parameters PostgreSQL-style, $1 .. $n (each may appear more than once);
 * every driver accepts that form and binds accordingly.
 *
 * Ownership: a ferry_conn is used by one thread at a time. Functions return
 * 0 on success, -1 on failure with e filled (side set to the conn's side);
 * errors are reported once, here, and the engine just passes them up.
 * A NULL function pointer means "not supported by this driver". */
#ifndef FERRY_DRIVER_H
#define FERRY_DRIVER_H

#include <stdint.h>
#include "../engine/err.h"
#include "../engine/url.h"
#include "../engine/catalog.h"
#include "../engine/value.h"
#include "../engine/types.h"

struct ferry_driver;
struct cJSON;

typedef struct ferry_conn {
    const struct ferry_driver *drv;
    ferry_side side;               /* which side this connection serves, for errors */
} ferry_conn;

/* read_spec — what a source reads for one chunk. */
typedef struct read_spec {
    const cat_table *table;
    int          ncols;            /* columns to read, in this order ... */
    const int   *col_index;        /* ... as indexes into table->cols */
    const char  *key_column;       /* chunking column name, NULL = rowid (SQLite) */
    int          has_lo, has_hi;   /* the range is [lo, hi): open ends when 0 */
    int64_t      lo, hi;
    /* filter — a condition in the source's SQL the rows must also meet
     * (incremental dumps: "updated_at" > '...'), AND-ed to the range;
     * NULL for all rows. Built by the engine, never user text as such. */
    const char  *filter;
} read_spec;

/* row_callback — called once per source row; vals has spec->ncols entries,
 * key is the row's chunking key (rowid / key column value, or the row's
 * ordinal when the chunk is the whole table). Return 0 to go on, -1 to stop
 * (with e set). The values are valid only during the call. */
typedef int (*row_callback)(void *ctx, const ferry_value *vals, int64_t key, ferry_err *e);

/* query_callback — one result row of a query, values as text (NULL for SQL
 * NULL). Return 0 to go on, -1 to stop. */
typedef int (*query_callback)(void *ctx, int ncols, const char *const *vals, ferry_err *e);

typedef struct ferry_driver {
    const char  *name;             /* "sqlite", "postgresql" */
    ferry_engine engine;
    size_t       conn_size;
    int          max_ident_bytes;  /* 63 for PostgreSQL, 0 = no limit */
    int          transactional_ddl;
    int          single_writer;    /* SQLite: one writer at a time */

    /* connect — open a connection for side (source or target). Errors name
     * the endpoint by its display form (never the password) and say what to
     * do: "cannot connect to postgresql://app:***@h/db: password
     * authentication failed for user "app": check the password (URL,
     * PGPASSWORD or ~/.pgpass)". */
    int  (*connect)(ferry_conn *c, const ferry_url *u, ferry_err *e);
    void (*close)(ferry_conn *c);  /* frees c too; NULL-safe */
    /* server_version — e.g. "PostgreSQL 15.18", "SQLite 3.40.1". */
    int  (*server_version)(ferry_conn *c, char *buf, size_t n, ferry_err *e);

    /* --- source side --- */
    /* begin_snapshot — start the read transaction all reads of this
     * connection see (SQLite: BEGIN + a first read to pin the snapshot). */
    int  (*begin_snapshot)(ferry_conn *c, ferry_err *e);
    /* snapshot_export — after begin_snapshot, an id other connections can
     * import so that every reader of a run sees the same data (PostgreSQL's
     * pg_export_snapshot). NULL when the engine cannot share a snapshot:
     * then each reader takes its own (MySQL: START TRANSACTION WITH
     * CONSISTENT SNAPSHOT per reader), or there is one reader (SQLite). */
    int  (*snapshot_export)(ferry_conn *c, char *id, size_t n, ferry_err *e);
    /* snapshot_import — begin this connection's read transaction on an
     * exported snapshot id (instead of begin_snapshot). */
    int  (*snapshot_import)(ferry_conn *c, const char *id, ferry_err *e);
    /* describe — fill cat (zeroed by the caller; memory from cat->mem). */
    int  (*describe)(ferry_conn *c, ferry_catalog *cat, ferry_err *e);
    /* key_stats — count, min and max of the chunking key (key_column, or
     * rowid when NULL) of table t; min/max undefined when *count is 0. */
    int  (*key_stats)(ferry_conn *c, const cat_table *t, const char *key_column,
                      int64_t *count, int64_t *min, int64_t *max, ferry_err *e);
    /* key_split_points — stream the chunking key in order and return every
     * step-th value (the first key of each chunk after the first) in
     * *points (malloc'd, caller frees), *npoints entries. */
    int  (*key_split_points)(ferry_conn *c, const cat_table *t, const char *key_column,
                             int64_t step, int64_t **points, int *npoints, ferry_err *e);
    /* read_chunk — stream the rows of spec into cb, each with its key (in
     * no particular order: a chunk is a key range, order is not needed). */
    int  (*read_chunk)(ferry_conn *c, const read_spec *spec, row_callback cb,
                       void *ctx, ferry_err *e);
    /* stored_splits — a source that already keeps its rows in chunks (a
     * dump) gives their boundaries, as key_split_points does, so that the
     * plan's chunks are exactly the stored ones. NULL for live engines. */
    int  (*stored_splits)(ferry_conn *c, const cat_table *t, int64_t **points, int *npoints,
                          ferry_err *e);

    /* --- target side --- */
    int  (*exec)(ferry_conn *c, const char *sql, ferry_err *e);
    /* exec_params — one statement with text parameters ($1.. on PostgreSQL);
     * vals[i] NULL is SQL NULL. */
    int  (*exec_params)(ferry_conn *c, const char *sql, int nparams,
                        const char *const *vals, ferry_err *e);
    /* query — run sql with text parameters and call cb per row. */
    int  (*query)(ferry_conn *c, const char *sql, int nparams, const char *const *vals,
                  query_callback cb, void *ctx, ferry_err *e);
    int  (*begin)(ferry_conn *c, ferry_err *e);
    int  (*commit)(ferry_conn *c, ferry_err *e);
    void (*rollback)(ferry_conn *c);                 /* best effort, never fails loudly */
    /* copy_begin — start the bulk load of ncols columns into table (already
     * quoted and schema-qualified); types are the logical types of the
     * columns, used to encode the canonical cells (convert.h). */
    int  (*copy_begin)(ferry_conn *c, const char *qualified_table,
                       const char *const *quoted_cols, const ltype *types, int ncols,
                       ferry_err *e);
    /* copy_batch — send all rows of b; may be called many times. */
    int  (*copy_batch)(ferry_conn *c, const batch *b, ferry_err *e);
    /* encode_cell — optional, for a target that stores cells in a binary
     * form of its own (the dump): append value v's stored form for a
     * column of type t to out and return 0 when it can make it straight
     * from the source's value, giving the very bytes convert_value plus its
     * own encoding would; -1 (nothing appended) to have the value converted
     * as usual. The pipeline's readers mark such cells encoded
     * (batch_cell_end_encoded, value.h) and this driver's copy_batch takes
     * both kinds. It saves formatting then re-parsing every number. */
    int  (*encode_cell)(const ltype *t, const ferry_value *v, strbuf *out);
    /* copy_end — finish the bulk load; *rows gets the rows the server took.
     * On failure the transaction is aborted and must be rolled back. */
    int  (*copy_end)(ferry_conn *c, int64_t *rows, ferry_err *e);
    /* chunk_begin — called before copy_begin with the plan's table index
     * and chunk id, for targets that keep each chunk apart (a dump writes
     * one file per chunk). NULL: the target does not care. */
    int  (*chunk_begin)(ferry_conn *c, int table, int chunk_id, ferry_err *e);
    /* state — targets whose checkpoints are not SQL (a dump keeps them in
     * its manifest) give their own state functions; engine/checkpoint.c
     * calls them instead of writing SQL. NULL for SQL targets. */
    const struct state_ops *state;
    /* quote_ident — append name quoted for this dialect. */
    void (*quote_ident)(strbuf *out, const char *name);

    /* set_option — a driver-specific setting of this connection, taking
     * effect from the next operation it concerns; an unknown key or value
     * is a FERRY_E_USAGE error naming it. PostgreSQL: "copy_format" =
     * "binary" (the default) | "text", read by copy_begin. */
    int  (*set_option)(ferry_conn *c, const char *key, const char *value, ferry_err *e);

    /* dialect — how the engine writes SQL for this engine as a target
     * (drivers/dialect.h). */
    const struct ferry_dialect *dialect;

    /* conn_info — what this connection actually is, for `ferry ping`: set
     * in the JSON object out the keys that apply — "database", "user",
     * "host", "address" (the IP reached, when not the host), "port"
     * (number), "socket" (path), "file", "file_bytes", "wal_bytes",
     * "read_only" (SQLite), "tls" {"in_use": bool, "protocol", "cipher",
     * "bits", "library"}, "session_id" (server process/connection id) —
     * as the client library resolved them (environment and option files
     * included). Never a password. NULL: not supported. */
    int  (*conn_info)(ferry_conn *c, struct cJSON *out, ferry_err *e);
} ferry_driver;

/* ferry_source_lock_timeout_s — how long a source session waits for a lock
 * (a table another session holds exclusively: ALTER, DROP, LOCK TABLES)
 * before its statement fails with a message naming the table; 0 = wait
 * for ever. Set once by the CLI (--lock-timeout) before any connection;
 * applied by each driver when a source session is set up (reconnects too). */
extern int ferry_source_lock_timeout_s;

extern const ferry_driver sqlite_driver;
extern const ferry_driver postgresql_driver;
extern const ferry_driver mysql_driver;
extern const ferry_driver dump_driver;

/* driver_for — the driver for an engine, or NULL. */
const ferry_driver *driver_for(ferry_engine engine);
/* driver_connect — allocate and connect; NULL on failure with e set. */
ferry_conn *driver_connect(const ferry_url *u, ferry_side side, ferry_err *e);

/* Inline wrappers so call sites read naturally. */
static inline void drv_close(ferry_conn *c) { if (c) c->drv->close(c); }
static inline int drv_exec(ferry_conn *c, const char *sql, ferry_err *e) { return c->drv->exec(c, sql, e); }
static inline int drv_begin(ferry_conn *c, ferry_err *e) { return c->drv->begin(c, e); }
static inline int drv_commit(ferry_conn *c, ferry_err *e) { return c->drv->commit(c, e); }
static inline void drv_rollback(ferry_conn *c) { c->drv->rollback(c); }

#endif
