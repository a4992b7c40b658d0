/* value.h — values as a source reads them, and batches of converted rows
 * as the queue carries them from readers to writers. */
#ifndef FERRY_VALUE_H
#define FERRY_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

/* ferry_value — one value as read from the source, in its storage class.
 * SQLite gives all five classes; text-protocol sources (PostgreSQL COPY,
 * MySQL) give FV_TEXT (or FV_BLOB for binary columns) and rely on the
 * column's logical type. p/n point into the driver's memory and are valid
 * only during the row callback. */
typedef enum fv_class { FV_NULL = 0, FV_INT, FV_REAL, FV_TEXT, FV_BLOB } fv_class;

typedef struct ferry_value {
    fv_class    cls;
    int64_t     i;       /* FV_INT */
    double      d;       /* FV_REAL */
    const char *p;       /* FV_TEXT / FV_BLOB bytes (text NOT necessarily NUL-terminated) */
    size_t      n;
} ferry_value;

/* A batch: rows of converted cells in canonical text form (see convert.h),
 * plus rows that were rejected with their reasons. The batch owns its bytes:
 * cells point into data (by offset, so growth is safe). A reader fills it,
 * the queue hands it over, the writer gives it back (batch_reset + reuse). */
typedef struct batch_cell {
    uint32_t off;        /* offset into data */
    int32_t  len;        /* -1 for NULL; BATCH_CELL_ENCODED_BASE - n: n bytes
                            already in the target's own form (below) */
} batch_cell;

/* A cell the reader stored in the target's own binary form (a dump's
 * compact encoding, through the target driver's encode_cell hook) has
 * len = BATCH_CELL_ENCODED_BASE - (its byte count). Only the main pass
 * makes such cells, only for a target that has the hook, and only that
 * target's copy_batch reads them; batch_cell_get refuses them. */
#define BATCH_CELL_ENCODED_BASE (-2)

typedef struct batch_reject {
    int64_t key;         /* chunking key (rowid / integer PK) of the row, or row number */
    char   *column;      /* column that failed (owned by the batch's arena) */
    char   *reason;      /* one line */
    char   *row_json;    /* the row's source values as a JSON object */
} batch_reject;

typedef struct batch {
    int          ncols;
    size_t       nrows;
    size_t       cap_rows;
    batch_cell  *cells;        /* nrows * ncols, row-major */
    strbuf       data;         /* cell bytes */
    int64_t      first_key, last_key;
    int64_t     *keys;         /* per committed row: its chunking key (batch_set_key) */
    size_t       cap_keys;
    /* rejects */
    size_t        nrejects, cap_rejects;
    batch_reject *rejects;
    arena         reject_mem;
    /* routing */
    struct batch *next;        /* queue link, owned by the queue */
    int           chunk_id;
    int           last;        /* 1 on the final batch of its chunk */
    size_t        src_bytes;   /* bytes read from the source for these rows */
    size_t        queued_bytes; /* batch_bytes at queue_put_batch, owned by the queue */
} batch;

batch *batch_new(int ncols);
void   batch_free(batch *b);
void   batch_reset(batch *b, int ncols);
/* batch_begin_row / batch_set_cell / batch_set_null / batch_commit_row:
 * write one row; a row is visible only after batch_commit_row, and
 * batch_abort_row discards a half-built row (for rejects). */
void   batch_begin_row(batch *b);
void   batch_set_cell(batch *b, int col, const void *bytes, size_t n);
void   batch_set_null(batch *b, int col);
void   batch_commit_row(batch *b);
void   batch_abort_row(batch *b);
/* batch_cell_begin / batch_cell_end — write a cell of the row being built
 * straight into the batch, without an intermediate copy: append its bytes
 * to the strbuf batch_cell_begin returns (the batch's data; *off gets where
 * the cell starts), then batch_cell_end records them as column col. When
 * the cell cannot be finished, batch_abort_row drops its bytes with the
 * row's. */
static inline strbuf *batch_cell_begin(batch *b, size_t *off)
{
    *off = b->data.len;
    return &b->data;
}
void   batch_cell_end(batch *b, int col, size_t off);
/* batch_cell_end_encoded — the same for a cell in the target's own form
 * (see BATCH_CELL_ENCODED_BASE); no NUL is added. */
void   batch_cell_end_encoded(batch *b, int col, size_t off);
/* batch_set_key — record the key of the last committed row (so that a row
 * the target refuses later can be named by its key). */
void   batch_set_key(batch *b, int64_t key);
/* batch_cell_get — pointer and length of a committed cell; NULL when NULL. */
const char *batch_cell_get(const batch *b, size_t row, int col, size_t *len);
void   batch_add_reject(batch *b, int64_t key, const char *column,
                        const char *reason, const char *row_json);
/* batch_bytes — memory the batch holds, for the queue's byte budget. */
size_t batch_bytes(const batch *b);

#endif
