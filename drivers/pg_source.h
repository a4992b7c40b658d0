/* pg_source.h — the PostgreSQL driver's source side: a shared snapshot,
 * the catalog (describe), key statistics and split points, and the rows of
 * one chunk read with COPY (SELECT ...) TO STDOUT.
 *
 * The functions work on a pg_src, the source state the PostgreSQL driver
 * embeds in its connection struct (drivers/postgresql.c) and sets up after
 * connecting; pg_src borrows the driver's PGconn and display string and owns
 * the rest. The driver's entries are thin wrappers:
 *
 *     typedef struct pg_conn { ferry_conn base; PGconn *pg; ... pg_src src; } pg_conn;
 *     connect:  pg_src_init(&c->src, c->pg, c->display, fc->side);   (after the session SETs)
 *     close:    pg_src_free(&c->src);                                (before PQfinish)
 *     static int pg_describe(ferry_conn *fc, ferry_catalog *cat, ferry_err *e)
 *     { return pg_src_describe(&((pg_conn *)fc)->src, cat, e); }
 *     ... and likewise begin_snapshot, key_stats, key_split_points,
 *     read_chunk, snapshot_export, snapshot_import.
 *
 * The session settings the driver's connect makes (UTF8, ISO dates, UTC,
 * extra_float_digits = 3, no statement/idle timeouts) are assumed here;
 * begin_snapshot and import_snapshot add bytea_output = hex and IntervalStyle
 * = postgres, which the read path relies on.
 *
 * Like its connection, a pg_src is used by one thread at a time. Functions
 * return 0, or -1 with e filled (side = the connection's side). */
#ifndef FERRY_PG_SOURCE_H
#define FERRY_PG_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "driver.h"

#define PG_SRC_SNAPSHOT_MAX 64            /* room for a pg_export_snapshot() id */

struct pg_src_rel;

typedef struct pg_src {
    PGconn      *pg;                      /* borrowed: the driver's connection */
    const char  *display;                 /* borrowed: the endpoint's display form */
    ferry_side   side;                    /* for errors */
    char         snapshot[PG_SRC_SNAPSHOT_MAX]; /* exported by begin_snapshot, "" if none */
    char        *no_export;               /* why the snapshot could not be exported, or NULL */
    char       **schemas;                 /* pg_src_set_schemas (owned), NULL = default */
    int          nschemas;
    struct pg_src_rel *rels;              /* relkind of tables read so far (owned) */
    strbuf       scratch;                 /* unescaped values of the current row (owned) */
} pg_src;

/* pg_src_init — set s up on the driver's open connection pg; display is
 * the endpoint's display form (no password) and must outlive s. */
void pg_src_init(pg_src *s, PGconn *pg, const char *display, ferry_side side);
/* pg_src_free — release what s owns (not the connection). NULL-safe. */
void pg_src_free(pg_src *s);

/* pg_src_set_schemas — describe only these schemas (copied); n = 0 goes
 * back to the default: every schema except pg_catalog, information_schema,
 * pg_toast*, pg_temp_* and ferry's own _ferry. */
void pg_src_set_schemas(pg_src *s, const char *const *schemas, int n);

/* pg_src_begin_snapshot — BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY
 * and export its snapshot (pg_export_snapshot) for other readers. The
 * transaction stays open for the life of the run: every describe, key_stats
 * and read_chunk on s sees the database as it was here. A server that
 * cannot export (e.g. a standby of an old version) still gets its read
 * transaction; only pg_src_export_snapshot then fails. */
int pg_src_begin_snapshot(pg_src *s, ferry_err *e);
/* pg_src_export_snapshot — the snapshot id begin_snapshot exported, into
 * buf (n bytes, PG_SRC_SNAPSHOT_MAX is enough). Valid as long as the
 * exporting transaction (this connection's) stays open. */
int pg_src_export_snapshot(pg_src *s, char *buf, size_t n, ferry_err *e);
/* pg_src_import_snapshot — start this connection's read transaction on the
 * snapshot id another connection exported: the two see the same data. */
int pg_src_import_snapshot(pg_src *s, const char *id, ferry_err *e);

/* pg_src_describe — fill cat (zeroed by the caller; memory from cat->mem)
 * with the tables and views of the schemas to copy. See pg_source.c for
 * what is described how (partitions, materialized views, identity and
 * serial columns, non-btree indexes, enums, comments). */
int pg_src_describe(pg_src *s, ferry_catalog *cat, ferry_err *e);

/* pg_src_key_stats — count, min and max of the integer column key_column
 * of t; fails on a NULL key_column (PostgreSQL has no rowid: keyless
 * tables are read whole), on NULL keys and on non-integer values. */
int pg_src_key_stats(pg_src *s, const cat_table *t, const char *key_column,
                     int64_t *count, int64_t *min, int64_t *max, ferry_err *e);
/* pg_src_key_split_points — the key of every step-th row in key order
 * (rows step, 2*step, ... counting from 0), each value once; *points is
 * malloc'd (caller frees), NULL when there are none. */
int pg_src_key_split_points(pg_src *s, const cat_table *t, const char *key_column,
                            int64_t step, int64_t **points, int *npoints, ferry_err *e);
/* pg_src_read_chunk — stream the rows of spec into cb (see driver.h), each
 * with its key, in the server's scan order (not sorted by key: see
 * pg_source.c). With spec->key_column NULL the rows are numbered 1, 2, ...
 * (in primary key order when the spec has a range). When cb stops the read,
 * the rest of the COPY is read and dropped, so the connection stays in its
 * snapshot transaction for the next chunk. */
int pg_src_read_chunk(pg_src *s, const read_spec *spec, row_callback cb, void *ctx,
                      ferry_err *e);

#endif
