/* value.c — batches: rows of converted cells in one byte buffer, plus the
 * rows that were rejected, reused from chunk to chunk without reallocating.
 *
 * Layout: cells is a row-major array of nrows * ncols committed cells and,
 * just after them, the row being built. Each cell refers to data by offset
 * and length; batch_set_cell also writes a NUL after the bytes, so a text
 * cell can be passed as a C string (data may still hold NULs inside BLOBs).
 * The row being built starts with every cell NULL and with off equal to the
 * data length at batch_begin_row; since set_cell only appends, the smallest
 * off among the row's cells is where the row's bytes begin, which is what
 * batch_abort_row truncates back to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

/* too_big — a batch cannot address more than 4 GiB of data (offsets are
 * 32-bit); the reader bounds batches far below that, so reaching it is a
 * programming error, not a user error. */
static void too_big(const char *what)
{
    fprintf(stderr, "ferry: internal error: batch %s exceeds 4 GiB\n", what);
    abort();
}

/* batch_new — an empty batch for ncols columns; caller frees with
 * batch_free (or hands it to the queue). */
batch *batch_new(int ncols)
{
    batch *b = xcalloc(1, sizeof *b);
    b->ncols = ncols > 0 ? ncols : 0;
    return b;
}

void batch_free(batch *b)
{
    if (!b) return;
    free(b->cells);
    strbuf_free(&b->data);
    free(b->rejects);
    free(b->keys);
    arena_free(&b->reject_mem);
    free(b);
}

/* batch_reset — empty b for reuse with ncols columns, keeping its memory. */
void batch_reset(batch *b, int ncols)
{
    if (ncols < 0) ncols = 0;
    if (ncols != b->ncols) {
        if (ncols > 0 && b->ncols > 0) {
            b->cap_rows = b->cap_rows * (size_t)b->ncols / (size_t)ncols;
        } else {
            free(b->cells);
            b->cells = NULL;
            b->cap_rows = 0;
        }
        b->ncols = ncols;
    }
    b->nrows = 0;
    strbuf_reset(&b->data);
    b->first_key = b->last_key = 0;
    b->nrejects = 0;
    arena_reset(&b->reject_mem);
    b->next = NULL;
    b->chunk_id = 0;
    b->last = 0;
    b->src_bytes = 0;
    b->queued_bytes = 0;
}

/* pending — the cells of the row being built. */
static batch_cell *pending(batch *b)
{
    return b->cells + b->nrows * (size_t)b->ncols;
}

void batch_begin_row(batch *b)
{
    batch_cell *row;
    if (b->ncols == 0) return;
    if (b->nrows + 1 > b->cap_rows) {
        size_t nc = b->cap_rows ? b->cap_rows * 2 : 64;
        if (nc > SIZE_MAX / sizeof(batch_cell) / (size_t)b->ncols) too_big("cell array");
        b->cells = xrealloc(b->cells, nc * (size_t)b->ncols * sizeof(batch_cell));
        b->cap_rows = nc;
    }
    if (b->data.len > UINT32_MAX) too_big("data");
    row = pending(b);
    for (int i = 0; i < b->ncols; i++) {
        row[i].off = (uint32_t)b->data.len;
        row[i].len = -1;
    }
}

/* batch_set_cell — copy n bytes into the batch as column col of the row
 * being built. Setting a cell twice keeps the last value. */
void batch_set_cell(batch *b, int col, const void *bytes, size_t n)
{
    batch_cell *c;
    size_t off = b->data.len;
    if (col < 0 || col >= b->ncols) return;
    if (n > INT32_MAX) too_big("cell");
    if (off + n + 1 > UINT32_MAX) too_big("data");
    strbuf_add(&b->data, bytes, n);
    strbuf_addc(&b->data, '\0');
    c = pending(b) + col;
    c->off = (uint32_t)off;
    c->len = (int32_t)n;
}

/* batch_cell_end — the bytes appended to data since off (batch_cell_begin)
 * become column col of the row being built, NUL-terminated like
 * batch_set_cell's. */
void batch_cell_end(batch *b, int col, size_t off)
{
    batch_cell *c;
    size_t n = b->data.len - off;
    if (n > INT32_MAX) too_big("cell");
    if (b->data.len + 1 > UINT32_MAX) too_big("data");
    if (b->data.buf && b->data.len + 2 <= b->data.cap) {
        /* strbuf_addc without the call: the cell's NUL, then the
         * strbuf's own after it. */
        b->data.buf[b->data.len++] = '\0';
        b->data.buf[b->data.len] = '\0';
    } else {
        strbuf_addc(&b->data, '\0');
    }
    if (col < 0 || col >= b->ncols) return;
    c = pending(b) + col;
    c->off = (uint32_t)off;
    c->len = (int32_t)n;
}

void batch_cell_end_encoded(batch *b, int col, size_t off)
{
    batch_cell *c;
    size_t n = b->data.len - off;
    if (n > (size_t)INT32_MAX - 2) too_big("cell");     /* len = -2 - n must fit */
    if (b->data.len > UINT32_MAX) too_big("data");
    if (col < 0 || col >= b->ncols) return;
    c = pending(b) + col;
    c->off = (uint32_t)off;
    c->len = (int32_t)(BATCH_CELL_ENCODED_BASE - (int64_t)n);
}

/* batch_set_null — the cell's off is kept so batch_abort_row still finds
 * where the row's bytes begin. */
void batch_set_null(batch *b, int col)
{
    if (col < 0 || col >= b->ncols) return;
    pending(b)[col].len = -1;
}

void batch_commit_row(batch *b)
{
    b->nrows++;
}

void batch_abort_row(batch *b)
{
    batch_cell *row;
    size_t start;
    if (b->ncols == 0) return;
    row = pending(b);
    start = row[0].off;
    for (int i = 1; i < b->ncols; i++)
        if (row[i].off < start) start = row[i].off;
    if (start < b->data.len) {
        b->data.len = start;
        b->data.buf[start] = '\0';
    }
}

const char *batch_cell_get(const batch *b, size_t row, int col, size_t *len)
{
    const batch_cell *c;
    if (row >= b->nrows || col < 0 || col >= b->ncols) {
        if (len) *len = 0;
        return NULL;
    }
    c = b->cells + row * (size_t)b->ncols + col;
    if (c->len <= BATCH_CELL_ENCODED_BASE) {
        /* a programming error: only the target that encoded it reads it */
        fprintf(stderr, "ferry: internal error: a cell in a target's own form read as text\n");
        abort();
    }
    if (c->len < 0) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = (size_t)c->len;
    return b->data.buf + c->off;      /* set_cell always allocated data */
}

/* batch_add_reject — record a rejected row; the strings are copied into the
 * batch (NULL stays NULL), the caller keeps its own. */
void batch_add_reject(batch *b, int64_t key, const char *column,
                      const char *reason, const char *row_json)
{
    batch_reject *r;
    if (b->nrejects == b->cap_rejects) {
        size_t nc = b->cap_rejects ? b->cap_rejects * 2 : 8;
        b->rejects = xrealloc(b->rejects, nc * sizeof *b->rejects);
        b->cap_rejects = nc;
    }
    r = &b->rejects[b->nrejects++];
    r->key = key;
    r->column = arena_strdup(&b->reject_mem, column);
    r->reason = arena_strdup(&b->reject_mem, reason);
    r->row_json = arena_strdup(&b->reject_mem, row_json);
}

/* batch_bytes — what the batch holds in memory: capacities, not lengths,
 * because a recycled batch keeps its buffers. */
size_t batch_bytes(const batch *b)
{
    return sizeof *b
         + b->data.cap
         + b->cap_rows * (size_t)b->ncols * sizeof(batch_cell)
         + b->cap_rejects * sizeof(batch_reject)
         + b->reject_mem.total;
}

void batch_set_key(batch *b, int64_t key)
{
    if (b->nrows == 0) return;
    if (b->nrows > b->cap_keys) {
        size_t cap = b->cap_keys ? b->cap_keys * 2 : 256;
        while (cap < b->nrows) cap *= 2;
        b->keys = xrealloc(b->keys, cap * sizeof *b->keys);
        b->cap_keys = cap;
    }
    b->keys[b->nrows - 1] = key;
}
