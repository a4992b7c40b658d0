/* dump_internal.h — the dump driver's shared structures (drivers/dump*.c).
 *
 * A dump directory (docs/dump-format.md) is ferry's fourth engine. As a
 * target, each writer connection writes one chunk file at a time through
 * engine/dumpfmt_file.c and the chunk enters the manifest when the
 * connection "commits"; the manifest is also the job's state (the chunk
 * list, done chunks, rejects: drivers/dump_state.c). As a source, the
 * manifest gives the catalog and each chunk is read back from its file
 * (drivers/dump_read.c).
 *
 * Who owns what: all connections of one process to one directory share a
 * dump_store (reference-counted, found by directory name); its mutex
 * guards the manifest. A dump_conn belongs to one thread at a time, as
 * every ferry_conn does. */
#ifndef FERRY_DUMP_INTERNAL_H
#define FERRY_DUMP_INTERNAL_H

#include <pthread.h>
#include <cjson/cJSON.h>
#include "driver.h"
#include "dump.h"
#include "../engine/dumpfmt.h"

typedef struct dump_store {
    pthread_mutex_t mu;
    char   *dir;
    int     refs;
    dump_manifest m;        /* the manifest as this process knows it */
    int     loaded;         /* m holds a manifest (read from disk or made by create_job) */
    int     dirty;          /* m has records not written yet */
    double  written_at;     /* monotonic time of the last write */
    char   *snapshot;       /* the source snapshot id, when the copy said it */
    cJSON  *owner;          /* this process as the job's lock holder (set_owner) */
    int     checked;        /* a source: dump_check_source passed (once per process) */
    struct dump_store *next;
} dump_store;

typedef struct dump_conn {
    ferry_conn base;
    dump_store *st;
    char       *display;      /* the URL as shown: dump:DIR */
    /* target: the chunk in hand (from chunk_begin to commit/rollback) */
    int         table, chunk_id;
    dumpfmt_writer *w;
    int         written;      /* copy_end put the file in place */
    dump_chunk  rec;          /* its record (rec.file points to file) */
    char        file[64];
    int         marked;       /* the pipeline recorded the chunk as done */
    cJSON      *rejects;      /* rejects of the chunk in hand, recorded with it */
} dump_conn;

/* dump_store_save — write the manifest now (the store's mutex held). */
int  dump_store_save(dump_store *st, ferry_err *e);
/* dump_store_save_soon — write the manifest unless it was written less
 * than a second ago (then mark it dirty: the next save, or the job's
 * finish, writes it). The store's mutex held. */
int  dump_store_save_soon(dump_store *st, ferry_err *e);

/* dump_job — the manifest's "job" object (NULL when there is none). */
cJSON *dump_job(const dump_store *st);
/* dump_chunk_range — the planned key range of chunk id, from the job;
 * 0 when found, -1 when the job does not plan it. */
int  dump_chunk_range(const dump_store *st, int chunk_id, int *table, int *has_lo, int64_t *lo,
                      int *has_hi, int64_t *hi);

/* The source side (dump_read.c). */
int  dump_describe(ferry_conn *c, ferry_catalog *cat, ferry_err *e);
int  dump_key_stats(ferry_conn *c, const cat_table *t, const char *key_column, int64_t *count,
                    int64_t *min, int64_t *max, ferry_err *e);
int  dump_stored_splits(ferry_conn *c, const cat_table *t, int64_t **points, int *npoints,
                        ferry_err *e);
int  dump_read_chunk(ferry_conn *c, const read_spec *spec, row_callback cb, void *ctx,
                     ferry_err *e);
/* dump_check_source — before a restore: the dump is complete and every
 * chunk file is whole (header, trailer, size, file checksum). */
int  dump_check_source(dump_conn *dc, ferry_err *e);

extern const struct state_ops dump_state_ops;

#endif
