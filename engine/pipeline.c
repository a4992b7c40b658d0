/* pipeline.c — the data phase: reader -> bounded chunk queue -> writers.
 *
 * DESIGN. One reader (the caller's thread) walks the chunks not yet done, in
 * order, on the source connection that holds the run's snapshot, converts
 * every value to its canonical form (convert.c) and hands batches to the
 * queue. Values that do not fit are taken out of their batch as rejects,
 * with the row's source values and the reason. Each writer thread owns one
 * target connection; it takes a whole chunk, COPYs its batches, records the
 * chunk's rejects and its checkpoint, and commits — rows, rejects and
 * checkpoint in one transaction, so a crash leaves each chunk wholly there
 * or wholly absent. When the target refuses a chunk (a value or constraint
 * it will not take), the chunk is rolled back and redone after the main
 * pass in isolation: batch by batch, then row by row under savepoints, so
 * only the refused rows are rejected. A ticker thread emits progress events
 * and the terminal status line, and turns a stop request into queue_abort.
 * Memory: the queue's byte budget plus one batch per open chunk.
 *
 * FAULTS (retry.h). A lost connection is repaired in place (the same
 * ferry_conn, a new session) with backoff, a bounded number of attempts
 * per chunk and side, and the chunk is redone:
 * - Target: a writer that loses its connection with the whole chunk in hand
 *   rolls back (if the connection died during COMMIT the outcome is unknown),
 *   reconnects, then reads the chunk's checkpoint row: done -> it committed,
 *   counted as such; not done -> the chunk goes back to the readers' pool
 *   (pool->redo) and is read and written again. A chunk is never written
 *   twice: only the writer that received the chunk's last batch may hand it
 *   back, and only after the checkpoint said it is not done.
 * - The pool counts chunks claimed and not yet settled (outstanding):
 *   readers that find no chunk left wait while some are outstanding, since
 *   one may come back.
 * - Source: a reader that loses its connection fails its queued chunk (the
 *   writer rolls back what it had), reconnects and reads the chunk again.
 *   Snapshot (PostgreSQL): a secondary reader imports the shared snapshot
 *   again while its exporter's transaction lives, so nothing changes. When
 *   the exporter itself died, the snapshot is gone: the reconnected reader
 *   begins a new snapshot, exports it for later reconnections, and a
 *   "snapshot" warning (event, report) says that from then on consistency
 *   is per chunk. The alternative, stopping as resumable, gives exactly
 *   that too (the rerun reads the remaining chunks from a new snapshot);
 *   going on saves the rerun, and the warning keeps it honest. MySQL
 *   readers have one snapshot each: a reconnected one takes a new one, with
 *   the same warning.
 * - After the retries are spent the run fails with one line ending in
 *   "the job is resumable: rerun <the exact command>". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "run.h"
#include "queue.h"
#include "checkpoint.h"
#include "retry.h"
#include "upsert.h"
#include "../drivers/reconnect.h"

#define BATCH_MAX_ROWS  4096
#define BATCH_MAX_BYTES (512u * 1024u)
#define QUEUE_BUDGET_DEFAULT (16u * 1024u * 1024u)

atomic_int ferry_stop_requested;

void run_fail(run_ctx *rc, const ferry_err *e)
{
    pthread_mutex_lock(&rc->notes_mu);
    if (!rc->failed) { rc->err = *e; rc->failed = 1; }
    pthread_mutex_unlock(&rc->notes_mu);
}

static int run_has_failed(run_ctx *rc)
{
    pthread_mutex_lock(&rc->notes_mu);
    int f = rc->failed;
    pthread_mutex_unlock(&rc->notes_mu);
    return f;
}

/* ---- reading and converting ---- */

/* A reader delivers full batches either to the queue (main pass) or to a
 * local list (isolation pass). */
typedef struct reader_ctx reader_ctx;
typedef struct reader_pool reader_pool;
typedef int (*deliver_fn)(reader_ctx *r, batch *b, int last);

struct reader_ctx {
    run_ctx          *rc;
    ferry_conn       *src;           /* this reader's source connection */
    const plan_table *t;
    table_stats      *ts;
    int               chunk_id;
    batch            *b;
    strbuf            tmp, json;
    deliver_fn        deliver;
    chunk_queue      *q;             /* main pass */
    queue_chunk      *qc;
    batch           **list;          /* isolation pass */
    int               nlist;
    reader_pool      *pool;          /* main pass: the shared chunk claim */
    int64_t           chunk_rows;    /* rows counted in rows_read for the chunk being read */
    int               no;            /* reader number, for messages */
    /* the target driver's encode_cell (driver.h), main pass only: cells it
     * takes skip convert_value's text */
    int             (*encode_cell)(const ltype *t, const ferry_value *v, strbuf *out);
};

/* row_json — the row's source values as a JSON object, for reject files. */
static void row_json(reader_ctx *r, const ferry_value *vals)
{
    strbuf_reset(&r->json);
    strbuf_addc(&r->json, '{');
    for (int c = 0; c < r->t->ncols; c++) {
        cJSON *tmp = cJSON_CreateString(r->t->cols[c].src->name);
        char *quoted = cJSON_PrintUnformatted(tmp);
        cJSON_Delete(tmp);
        strbuf_addf(&r->json, "%s%s:", c ? "," : "", quoted);
        free(quoted);
        convert_value_json(&vals[c], &r->json);
    }
    strbuf_addc(&r->json, '}');
}

/* check_max_errors — count one more rejected row; past --max-errors the
 * run stops (the chunk in hand is not committed, so nothing is lost). */
static int check_max_errors(run_ctx *rc, const plan_table *t, int chunk_id, ferry_err *e)
{
    int64_t seen = __atomic_add_fetch(&rc->rejects_seen, 1, __ATOMIC_RELAXED);
    if (rc->opts->max_errors < 0 || seen <= rc->opts->max_errors) return 0;
    ferry_err_set(e, FERRY_E_TYPE, "more than %lld rows rejected (--max-errors %lld), the last "
                  "in table \"%s\" chunk %d: stopping; fix the source values, raise "
                  "--max-errors or use --widen, then rerun to resume",
                  (long long)rc->opts->max_errors, (long long)rc->opts->max_errors, t->name,
                  chunk_id);
    e->side = SIDE_SOURCE;
    return -1;
}

static batch *reader_new_batch(reader_ctx *r)
{
    return r->q ? queue_get_free_batch(r->q, r->t->ncols) : batch_new(r->t->ncols);
}

static int reader_row(void *vctx, const ferry_value *vals, int64_t key, ferry_err *e)
{
    reader_ctx *r = vctx;
    const plan_table *t = r->t;
    batch *b = r->b;
    if (ferry_stop_requested)
        return ferry_err_set(e, FERRY_E_INTERRUPTED, "interrupted");
    batch_begin_row(b);
    for (int c = 0; c < t->ncols; c++) {
        const ferry_value *v = &vals[c];
        if (v->cls == FV_NULL) { batch_set_null(b, c); continue; }
        ltype_kind k = t->cols[c].lt.kind;
        if (r->rc->opts->zero_dates_null && v->cls == FV_TEXT &&
            (k == LT_DATE || k == LT_TIMESTAMP || k == LT_TIMESTAMPTZ) && is_zero_date(v->p, v->n)) {
            /* --zero-dates null: the user's choice, counted in the report. */
            batch_set_null(b, c);
            __atomic_fetch_add(&r->ts->notes[c * NOTE__COUNT + NOTE_ZERO_DATE_TO_NULL], 1,
                               __ATOMIC_RELAXED);
            continue;
        }
        conv_note note = NOTE_NONE;
        const char *reason = NULL;
        size_t off;                /* converted straight into the batch */
        if (r->encode_cell && r->encode_cell(&t->cols[c].lt, v, batch_cell_begin(b, &off)) == 0) {
            if (t->cols[c].lossy)
                __atomic_fetch_add(&r->ts->notes[c * NOTE__COUNT + NOTE_LOSSY_VALUE], 1,
                                   __ATOMIC_RELAXED);
            batch_cell_end_encoded(b, c, off);
            continue;
        }
        conv_result cr = convert_value(&t->cols[c].lt, v, batch_cell_begin(b, &off), &note,
                                       &reason);
        if (cr == CONV_REJECT) {
            char lt[64];
            ltype_format(&t->cols[c].lt, lt, sizeof lt);
            char why[600];
            snprintf(why, sizeof why, "%s (column type %s)", reason ? reason : "does not fit", lt);
            row_json(r, vals);
            batch_abort_row(b);
            batch_add_reject(b, key, t->cols[c].src->name, why, strbuf_cstr(&r->json));
            __atomic_fetch_add(&r->ts->rows_read, 1, __ATOMIC_RELAXED);
            r->chunk_rows++;
            return check_max_errors(r->rc, t, r->chunk_id, e);
        }
        if (cr == CONV_NOTE && note > NOTE_NONE && note < NOTE__COUNT)
            __atomic_fetch_add(&r->ts->notes[c * NOTE__COUNT + note], 1, __ATOMIC_RELAXED);
        if (t->cols[c].lossy)      /* a value through a mapping the plan declared lossy */
            __atomic_fetch_add(&r->ts->notes[c * NOTE__COUNT + NOTE_LOSSY_VALUE], 1,
                               __ATOMIC_RELAXED);
        batch_cell_end(b, c, off);
    }
    batch_commit_row(b);
    batch_set_key(b, key);
    if (b->nrows == 1 || key < b->first_key) b->first_key = key;
    b->last_key = key;
    __atomic_fetch_add(&r->ts->rows_read, 1, __ATOMIC_RELAXED);
    r->chunk_rows++;
    if (b->nrows >= BATCH_MAX_ROWS || b->data.len >= BATCH_MAX_BYTES) {
        r->b = NULL;
        if (r->deliver(r, b, 0)) return ferry_err_set(e, FERRY_E_INTERRUPTED, "stopped");
        r->b = reader_new_batch(r);
    }
    return 0;
}

/* fault_ctx — what readers and writers share to recover from a lost
 * connection (see FAULTS above). */
typedef struct fault_ctx {
    run_ctx        *rc;
    ferry_url       src_url;         /* the source endpoint, to reconnect readers */
    int             have_src_url;
    int            *src_attempts;    /* per chunk: reconnect attempts, source side */
    int            *tgt_attempts;    /* per chunk: reconnect attempts, target side */
    pthread_mutex_t snap_mu;         /* guards snap and exporter */
    char            snap[256];       /* the snapshot the readers share, "" when none */
    ferry_conn     *exporter;        /* the connection whose transaction exported snap */
} fault_ctx;

/* The readers of the main pass share the chunk list: each claims the next
 * chunk not yet done, in order, under the pool's mutex. Chunks a writer
 * hands back after a lost connection (redo) come first. */
struct reader_pool {
    run_ctx        *rc;
    chunk_queue    *q;
    int             next;            /* next chunk index to consider */
    pthread_mutex_t mu;
    pthread_cond_t  cv;              /* a chunk settled or came back */
    int            *table_started;   /* per table: table_start event sent */
    int            *redo;            /* chunk ids handed back, a stack */
    int             nredo;
    int             outstanding;     /* claimed, not yet committed or handed back */
    fault_ctx      *fx;
};

/* pool_settle — a claimed chunk is settled (committed, or moved to the
 * isolation pass); redo: it goes back to the pool to be read again. */
static void pool_settle(reader_pool *pool, int redo_chunk)
{
    pthread_mutex_lock(&pool->mu);
    pool->outstanding--;
    if (redo_chunk >= 0) pool->redo[pool->nredo++] = redo_chunk;
    pthread_cond_broadcast(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
}

/* claim_chunk — the next pending chunk, or -1 when none is left (and none
 * can come back), the run failed or a stop was asked; sends the table's
 * table_start event the first time one of its chunks is claimed. */
static int claim_chunk(reader_pool *pool)
{
    ferry_plan *p = pool->rc->plan;
    int found = -1, first = 0;
    pthread_mutex_lock(&pool->mu);
    for (;;) {
        if (ferry_stop_requested || run_has_failed(pool->rc)) break;
        if (pool->nredo > 0) { found = pool->redo[--pool->nredo]; break; }
        while (pool->next < p->nchunks) {
            int i = pool->next++;
            if (p->chunks[i].done) continue;
            found = i;
            int ti = p->chunks[i].table;
            if (!pool->table_started[ti]) {
                pool->table_started[ti] = 1;
                first = 1;
                table_stats *ts = &pool->rc->stats[ti];
                double now = now_monotonic();
                __atomic_store(&ts->started, &now, __ATOMIC_RELAXED);
            }
            break;
        }
        if (found >= 0 || pool->outstanding == 0) break;
        /* Every chunk is claimed, some not settled: one may come back. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&pool->cv, &pool->mu, &ts);
    }
    if (found >= 0) pool->outstanding++;
    pthread_mutex_unlock(&pool->mu);
    if (found >= 0 && first) {
        const plan_table *t = &p->tables[p->chunks[found].table];
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "table", t->name);
        cJSON_AddStringToObject(f, "source", t->src->name);
        cJSON_AddNumberToObject(f, "chunks", t->nchunks);
        cJSON_AddNumberToObject(f, "rows_estimate", (double)t->rows_estimate);
        progress_event(pool->rc->pr, "table_start", f);
    }
    return found;
}

static int read_one_chunk(reader_ctx *r, const plan_chunk *k, ferry_err *e);

/* snapshot_warning — a reader's source connection was reopened on a new
 * snapshot: say so (event, message, report). */
static void snapshot_warning(run_ctx *rc, int reader, const plan_table *t, int chunk)
{
    char msg[600];
    snprintf(msg, sizeof msg, "source reader %d lost its connection (at chunk %d of table "
             "\"%s\") and read on from a new snapshot: the chunks read before and after see "
             "the source at two different moments, so consistency across chunks is per chunk "
             "(as after a resumed run); rows changed meanwhile may differ between chunks",
             reader, chunk, t->name);
    pthread_mutex_lock(&rc->notes_mu);
    plan_warn(rc->plan, "snapshot", t->name, NULL, "%s", msg);
    pthread_mutex_unlock(&rc->notes_mu);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "object", t->name);
    cJSON_AddStringToObject(f, "kind", "snapshot");
    cJSON_AddStringToObject(f, "message", msg);
    progress_event(rc->pr, "warning", f);
    progress_say(rc->pr, "warning: %s", msg);
}

/* reader_resnapshot — give a reconnected source connection its read
 * transaction back: the shared snapshot when it can still be imported (its
 * exporter lives), else a new one (see FAULTS). */
static int reader_resnapshot(fault_ctx *fx, ferry_conn *src, int reader, const plan_table *t,
                             int chunk, ferry_err *e)
{
    const ferry_driver *d = src->drv;
    pthread_mutex_lock(&fx->snap_mu);
    if (fx->snap[0] && src != fx->exporter && d->snapshot_import) {
        ferry_err ie = {0};
        if (d->snapshot_import(src, fx->snap, &ie) == 0) {
            pthread_mutex_unlock(&fx->snap_mu);
            return 0;                              /* the same snapshot: nothing changes */
        }
        if (retry_lost(&ie)) {
            *e = ie;
            pthread_mutex_unlock(&fx->snap_mu);
            return -1;
        }
        /* Its exporting transaction is gone (that connection died too). */
    }
    if (d->begin_snapshot(src, e)) {
        pthread_mutex_unlock(&fx->snap_mu);
        return -1;
    }
    if (fx->snap[0] && d->snapshot_export) {
        char id[sizeof fx->snap];
        ferry_err xe = {0};
        if (d->snapshot_export(src, id, sizeof id, &xe) == 0) {
            memcpy(fx->snap, id, sizeof id);
            fx->exporter = src;                    /* later reconnections import this one */
        }
    }
    pthread_mutex_unlock(&fx->snap_mu);
    snapshot_warning(fx->rc, reader, t, chunk);
    return 0;
}

/* source_recover — e: src lost its connection while reading chunk k of t.
 * Reconnect it (backoff, --retries) and give it a snapshot. 0, or -1 with
 * e set (FERRY_E_INTERRUPTED, or the error to give up with). */
static int source_recover(fault_ctx *fx, ferry_conn *src, int reader, const plan_table *t,
                          const plan_chunk *k, ferry_err *e)
{
    retry_where w = {t->name, k->id, NULL};
    if (!fx->have_src_url) return -1;
    for (;;) {
        if (retry_recover(fx->rc, src, &fx->src_url, &w, &fx->src_attempts[k->id], e)) return -1;
        if (reader_resnapshot(fx, src, reader, t, k->id, e) == 0) {
            retry_note(fx->rc, SIDE_SOURCE, &w, fx->src_attempts[k->id], "the chunk was read again");
            return 0;
        }
        if (!retry_lost(e)) return -1;
    }
}

/* fail_chunk — record e as the run's error for chunk k of t; after a
 * retry (gave_up) with the resumable line and the command. */
static void fail_chunk(run_ctx *rc, const plan_table *t, int chunk, ferry_err *e, int gave_up,
                       int attempts)
{
    if (e->code == FERRY_E_INTERRUPTED) return;    /* the pipeline says interrupted */
    ferry_err_prefix(e, "table \"%s\" chunk %d: ", t->name, chunk);
    if (gave_up) retry_give_up(rc, e, attempts);
    run_fail(rc, e);
}

/* reader_main — one reader: claim chunks, read and convert them, hand them
 * to the writers, until none is left, the run fails or a stop is asked. A
 * lost source connection is repaired and the chunk read again. */
static void *reader_main(void *arg)
{
    reader_ctx *r = arg;
    run_ctx *rc = r->rc;
    ferry_plan *p = rc->plan;
    fault_ctx *fx = r->pool->fx;
    ferry_err e = {0};
    int i;
    while (!ferry_stop_requested && !run_has_failed(rc) && (i = claim_chunk(r->pool)) >= 0) {
        const plan_chunk *k = &p->chunks[i];
        r->t = &p->tables[k->table];
        r->ts = &rc->stats[k->table];
        for (;;) {
            r->qc = queue_open_chunk(r->q, k->id);
            if (!r->qc) return NULL;
            memset(&e, 0, sizeof e);
            int rr = read_one_chunk(r, k, &e);
            if (rr == 0) break;
            if (rr == -1) queue_fail_chunk(r->q, r->qc);
            if (rr == -1 && retry_lost(&e) && e.side == SIDE_SOURCE && !ferry_stop_requested) {
                /* The rows read so far are read again. */
                __atomic_fetch_sub(&r->ts->rows_read, r->chunk_rows, __ATOMIC_RELAXED);
                if (source_recover(fx, r->src, r->no, r->t, k, &e) == 0) continue;
                fail_chunk(rc, r->t, k->id, &e, 1, fx->src_attempts[k->id]);
            } else {
                fail_chunk(rc, r->t, k->id, &e, 0, 0);
            }
            queue_abort(r->q);
            return NULL;
        }
    }
    return NULL;
}

static int deliver_to_queue(reader_ctx *r, batch *b, int last)
{
    b->chunk_id = r->chunk_id;
    return queue_put_batch(r->q, r->qc, b, last);
}

static int deliver_to_list(reader_ctx *r, batch *b, int last)
{
    (void)last;
    r->list = xrealloc(r->list, sizeof(batch *) * (size_t)(r->nlist + 1));
    r->list[r->nlist++] = b;
    return 0;
}

/* read_one_chunk — read chunk k of r->t through reader_row; delivers the
 * final batch with last=1. Returns 0; -1 when reading failed (the chunk is
 * unfinished: the caller fails it); -2 when the final hand-over failed (the
 * queue owns the chunk already). */
static int read_one_chunk(reader_ctx *r, const plan_chunk *k, ferry_err *e)
{
    read_spec spec = {r->t->src, r->t->ncols, r->t->read_cols,
                      r->t->whole ? NULL : r->t->key_column,
                      k->has_lo, k->has_hi, k->lo, k->hi, r->t->read_filter};
    ferry_conn *src = r->src;
    r->chunk_id = k->id;
    r->chunk_rows = 0;
    r->b = reader_new_batch(r);
    if (src->drv->read_chunk(src, &spec, reader_row, r, e)) {
        if (r->b) { if (r->q) queue_recycle(r->q, r->b); else batch_free(r->b); }
        r->b = NULL;
        return -1;
    }
    batch *b = r->b;
    r->b = NULL;
    if (r->deliver(r, b, 1)) {
        /* The last put hands the chunk over whatever it returns: the caller
         * must not fail the chunk after this. */
        ferry_err_set(e, FERRY_E_INTERRUPTED, "stopped");
        return -2;
    }
    return 0;
}

/* ---- writing ---- */

typedef struct pending_reject {
    int64_t key;
    char   *column, *reason, *row_json;
} pending_reject;

typedef struct reject_list {
    pending_reject *items;
    int n, cap;
    arena mem;
} reject_list;

static void rejects_take(reject_list *l, const batch *b)
{
    for (size_t i = 0; i < b->nrejects; i++) {
        pending_reject pr = {b->rejects[i].key, arena_strdup(&l->mem, b->rejects[i].column),
                             arena_strdup(&l->mem, b->rejects[i].reason),
                             arena_strdup(&l->mem, b->rejects[i].row_json)};
        ARENA_PUSH(&l->mem, l->items, l->n, l->cap, pr);
    }
}

/* commit_chunk — rejects and the checkpoint, then COMMIT: the chunk's rows
 * were already sent in this transaction. */
static int commit_chunk(run_ctx *rc, ferry_conn *dst, const plan_chunk *k, reject_list *rj,
                        int64_t rows, int64_t bytes, ferry_err *e)
{
    const plan_table *t = &rc->plan->tables[k->table];
    for (int i = 0; i < rj->n; i++)
        if (state_add_reject(dst, rc->job_id, k->id, t->name, rj->items[i].key,
                             rj->items[i].column, rj->items[i].reason, rj->items[i].row_json, e))
            return -1;
    if (state_mark_chunk(dst, rc->job_id, k->id, rows, rj->n, bytes, progress_run_id(rc->pr), e))
        return -1;
    return drv_commit(dst, e);
}

static void chunk_done_event(run_ctx *rc, const plan_chunk *k, int64_t rows, int64_t rejected,
                             int64_t bytes, double ms, int writer)
{
    const plan_table *t = &rc->plan->tables[k->table];
    table_stats *ts = &rc->stats[k->table];
    __atomic_fetch_add(&ts->rows_written, rows, __ATOMIC_RELAXED);
    __atomic_fetch_add(&ts->rows_rejected, rejected, __ATOMIC_RELAXED);
    __atomic_fetch_add(&ts->bytes, bytes, __ATOMIC_RELAXED);
    __atomic_fetch_add(&rc->rejects_total, rejected, __ATOMIC_RELAXED);
    int done = __atomic_add_fetch(&ts->chunks_done, 1, __ATOMIC_RELAXED);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "table", t->name);
    cJSON_AddNumberToObject(f, "chunk", k->id);
    cJSON *range = cJSON_AddArrayToObject(f, "key_range");
    cJSON_AddItemToArray(range, k->has_lo ? cJSON_CreateNumber((double)k->lo) : cJSON_CreateNull());
    cJSON_AddItemToArray(range, k->has_hi ? cJSON_CreateNumber((double)k->hi) : cJSON_CreateNull());
    cJSON_AddNumberToObject(f, "rows", (double)rows);
    cJSON_AddNumberToObject(f, "bytes", (double)bytes);
    cJSON_AddNumberToObject(f, "rejected", (double)rejected);
    cJSON_AddNumberToObject(f, "ms", (double)(int64_t)ms);
    cJSON_AddNumberToObject(f, "writer", writer);
    progress_event(rc->pr, "chunk_done", f);
    if (done == t->nchunks) {
        double now = now_monotonic();
        __atomic_store(&ts->finished, &now, __ATOMIC_RELAXED);
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "table", t->name);
        cJSON_AddNumberToObject(g, "rows_written", (double)__atomic_load_n(&ts->rows_written, __ATOMIC_RELAXED));
        cJSON_AddNumberToObject(g, "rows_rejected", (double)__atomic_load_n(&ts->rows_rejected, __ATOMIC_RELAXED));
        progress_event(rc->pr, "table_done", g);
    }
}

/* reject_events — one "reject" event per rejected row of a committed chunk. */
static void reject_events(run_ctx *rc, const plan_chunk *k, const reject_list *rj)
{
    for (int i = 0; i < rj->n; i++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "table", rc->plan->tables[k->table].name);
        cJSON_AddNumberToObject(f, "chunk", k->id);
        if (rj->items[i].key >= 0) cJSON_AddNumberToObject(f, "key", (double)rj->items[i].key);
        else cJSON_AddNullToObject(f, "key");
        if (rj->items[i].column) cJSON_AddStringToObject(f, "column", rj->items[i].column);
        else cJSON_AddNullToObject(f, "column");
        cJSON_AddStringToObject(f, "reason", rj->items[i].reason);
        progress_event(rc->pr, "reject", f);
    }
}

static int copy_begin_into(ferry_conn *dst, const plan_table *t, const char *qname, ferry_err *e)
{
    const char **cols = xcalloc((size_t)t->ncols + 1, sizeof(char *));
    ltype *types = xcalloc((size_t)t->ncols + 1, sizeof(ltype));
    strbuf *q = xcalloc((size_t)t->ncols + 1, sizeof(strbuf));
    for (int c = 0; c < t->ncols; c++) {
        dst->drv->quote_ident(&q[c], t->cols[c].name);
        cols[c] = strbuf_cstr(&q[c]);
        types[c] = t->cols[c].lt;
    }
    int rc = dst->drv->copy_begin(dst, qname, cols, types, t->ncols, e);
    for (int c = 0; c < t->ncols; c++) strbuf_free(&q[c]);
    free(q);
    free(cols);
    free(types);
    return rc;
}

static int copy_begin_table(ferry_conn *dst, const plan_table *t, ferry_err *e)
{
    return copy_begin_into(dst, t, t->qname, e);
}

/* copy_begin_stage — an upserted chunk (restore of an increment) goes to
 * the session's stage table first (engine/upsert.h). */
static int copy_begin_stage(ferry_conn *dst, const plan_table *t, const char *stage, ferry_err *e)
{
    strbuf q = STRBUF_INIT;
    dst->drv->quote_ident(&q, stage);
    int rc = upsert_stage_begin(dst, t, stage, e) || copy_begin_into(dst, t, strbuf_cstr(&q), e) ? -1 : 0;
    strbuf_free(&q);
    return rc;
}

/* is_data_error — the target refused a value or a constraint (SQLSTATE
 * classes 22 and 23): worth isolating the rows rather than failing. */
static int is_data_error(const ferry_err *e)
{
    return e->sqlstate[0] == '2' && (e->sqlstate[1] == '2' || e->sqlstate[1] == '3');
}

typedef struct writer_ctx {
    run_ctx     *rc;
    chunk_queue *q;
    ferry_conn  *dst;
    int          id;
    pthread_mutex_t *isolate_mu;
    reader_pool *pool;
    fault_ctx   *fx;
} writer_ctx;

/* write_chunk — one chunk, one transaction. Returns 0 when the chunk was
 * committed, put aside for the isolation pass, or failed by its reader (who
 * owns what happens to it next); -1 on a fatal error (recorded); 1 when the
 * target connection was lost with the whole chunk in hand: *lost gets the
 * error, *seen the rows read for the chunk, and the caller recovers. */
static int write_chunk(writer_ctx *w, queue_chunk *qc, ferry_err *lost, int64_t *seen)
{
    run_ctx *rc = w->rc;
    const plan_chunk *k = &rc->plan->chunks[qc->chunk_id];
    const plan_table *t = &rc->plan->tables[k->table];
    reject_list rj = {0};
    ferry_err e = {0};
    int copy_ok = 1, n, status = 0;
    int64_t bytes = 0, rows = 0;
    double t0 = now_monotonic();
    batch *b;

    int up = rc->opts->upsert && upsert_applies(t);
    /* an increment's keyless table holds all its rows: they replace the
     * target's, in the transaction that loads them (one chunk: no key) */
    int replace = rc->opts->upsert && !up && t->src->replace_all;
    char stage[40];
    upsert_stage_name(k->table, stage, sizeof stage);
    if (drv_begin(w->dst, &e) ||
        (w->dst->drv->chunk_begin && w->dst->drv->chunk_begin(w->dst, k->table, k->id, &e)) ||
        (replace && upsert_replace_all(w->dst, t, &e)) ||
        (up ? copy_begin_stage(w->dst, t, stage, &e) : copy_begin_table(w->dst, t, &e))) {
        copy_ok = 0;
        status = -1;
    }
    while ((n = queue_next_batch(w->q, qc, &b)) == 1) {
        if (copy_ok && w->dst->drv->copy_batch(w->dst, b, &e)) copy_ok = 0;
        bytes += (int64_t)b->data.len;
        *seen += (int64_t)b->nrows + (int64_t)b->nrejects;
        rejects_take(&rj, b);
        queue_recycle(w->q, b);
    }
    if (n < 0) {                 /* the reader failed or the run stops */
        drv_rollback(w->dst);
        /* The reader reads the chunk again (or the run ends): a connection
         * lost meanwhile is repaired when this writer next uses it. */
        if (status && retry_lost(&e)) status = 0;
        goto out;
    }
    if (status == 0 && copy_ok && w->dst->drv->copy_end(w->dst, &rows, &e)) copy_ok = 0;
    if (status == 0 && copy_ok && up && upsert_stage_merge(w->dst, t, stage, &e)) copy_ok = 0;
    if (status == 0 && !copy_ok) {
        drv_rollback(w->dst);
        if (is_data_error(&e)) {
            /* Redone row by row after the main pass. */
            pthread_mutex_lock(w->isolate_mu);
            rc->isolate = xrealloc(rc->isolate, sizeof(int) * (size_t)(rc->nisolate + 1));
            rc->isolate[rc->nisolate++] = k->id;
            pthread_mutex_unlock(w->isolate_mu);
            pool_settle(w->pool, -1);
            goto out;
        }
        status = -1;
    }
    if (status == 0 && commit_chunk(rc, w->dst, k, &rj, rows, bytes, &e)) {
        drv_rollback(w->dst);
        status = -1;
    }
    if (status == 0) {
        reject_events(rc, k, &rj);
        chunk_done_event(rc, k, rows, rj.n, bytes, (now_monotonic() - t0) * 1000.0, w->id);
        pool_settle(w->pool, -1);
    }
out:
    if (status && retry_lost(&e) && e.side == SIDE_TARGET) {
        drv_rollback(w->dst);
        if (ferry_stop_requested) {
            status = 0;          /* stopping anyway: the chunk stays undone */
        } else {
            *lost = e;
            status = 1;
        }
    } else if (status) {
        ferry_err_prefix(&e, "table \"%s\" chunk %d: ", t->name, k->id);
        run_fail(rc, &e);
    }
    arena_free(&rj.mem);
    return status;
}

/* writer_recover — the writer's connection was lost (e) with chunk_id in
 * hand, rolled back: reconnect (backoff, --retries), then ask the
 * checkpoint whether the chunk committed after all (the connection may
 * have died during COMMIT). Done: counted as committed. Not done: handed
 * back to the readers to be read and written again. 0, or -1 with the
 * run's error recorded (nothing recorded when interrupted). */
static int writer_recover(writer_ctx *w, int chunk_id, int64_t seen, double t0, ferry_err *e)
{
    run_ctx *rc = w->rc;
    const plan_chunk *k = &rc->plan->chunks[chunk_id];
    const plan_table *t = &rc->plan->tables[k->table];
    retry_where wh = {t->name, chunk_id, NULL};
    int *attempts = &w->fx->tgt_attempts[chunk_id];
    for (;;) {
        if (retry_recover(rc, w->dst, rc->target_url, &wh, attempts, e)) {
            fail_chunk(rc, t, chunk_id, e, 1, *attempts);
            return -1;
        }
        int done = 0;
        int64_t rows = 0, rejected = 0, bytes = 0;
        if (retry_chunk_state(w->dst, rc->job_id, chunk_id, &done, &rows, &rejected, &bytes, e)) {
            if (retry_lost(e)) continue;
            fail_chunk(rc, t, chunk_id, e, 1, *attempts);
            return -1;
        }
        if (done) {
            chunk_done_event(rc, k, rows, rejected, bytes, (now_monotonic() - t0) * 1000.0, w->id);
            retry_note(rc, SIDE_TARGET, &wh, *attempts, "its COMMIT had gone through (its "
                       "checkpoint says so): not written again");
            pool_settle(w->pool, -1);
        } else {
            __atomic_fetch_sub(&rc->stats[k->table].rows_read, seen, __ATOMIC_RELAXED);
            retry_note(rc, SIDE_TARGET, &wh, *attempts, "the chunk was rolled back, then read "
                       "and written again");
            pool_settle(w->pool, chunk_id);
        }
        return 0;
    }
}

static void *writer_main(void *arg)
{
    writer_ctx *w = arg;
    queue_chunk *qc;
    while ((qc = queue_take_chunk(w->q))) {
        ferry_err lost = {0};
        int64_t seen = 0;
        int chunk_id = qc->chunk_id;
        double t0 = now_monotonic();
        int rc = write_chunk(w, qc, &lost, &seen);
        queue_release_chunk(w->q, qc);
        if (rc == 1) rc = writer_recover(w, chunk_id, seen, t0, &lost);
        if (rc) { queue_abort(w->q); break; }
    }
    return NULL;
}

/* ---- progress ticker ---- */

typedef struct ticker_ctx {
    run_ctx        *rc;
    chunk_queue    *q;
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    int             stop;
} ticker_ctx;

static void ticker_report(ticker_ctx *tk, double elapsed)
{
    run_ctx *rc = tk->rc;
    int64_t done = 0, total = 0, bytes = 0;
    for (int i = 0; i < rc->plan->ntables; i++) {
        table_stats *ts = &rc->stats[i];
        int64_t w = __atomic_load_n(&ts->rows_written, __ATOMIC_RELAXED) + ts->rows_before;
        done += w;
        bytes += __atomic_load_n(&ts->bytes, __ATOMIC_RELAXED);
        int64_t est = rc->plan->tables[i].rows_estimate;
        total += est > w ? est : w;
    }
    int64_t this_run = 0;
    for (int i = 0; i < rc->plan->ntables; i++)
        this_run += __atomic_load_n(&rc->stats[i].rows_written, __ATOMIC_RELAXED);
    double rate = elapsed > 0 ? (double)this_run / elapsed : 0;
    double eta = rate > 0 && total > done ? (double)(total - done) / rate : 0;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "phase", "data");
    cJSON_AddNumberToObject(f, "rows_done", (double)done);
    cJSON_AddNumberToObject(f, "rows_total", (double)total);
    cJSON_AddNumberToObject(f, "bytes_done", (double)bytes);
    cJSON_AddNumberToObject(f, "rows_per_s", (double)(int64_t)rate);
    cJSON_AddNumberToObject(f, "eta_s", (double)(int64_t)(eta * 10) / 10.0);
    progress_event(rc->pr, "progress", f);
    char line[200];
    snprintf(line, sizeof line, "data: %lld/%lld rows (%.0f%%)  %.0f rows/s  ETA %.0fs",
             (long long)done, (long long)total, total ? 100.0 * (double)done / (double)total : 100.0,
             rate, eta);
    progress_status(rc->pr, line);
}

static void *ticker_main(void *arg)
{
    ticker_ctx *tk = arg;
    double start = now_monotonic(), last = start;
    pthread_mutex_lock(&tk->mu);
    while (!tk->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&tk->cv, &tk->mu, &ts);
        if (tk->stop) break;
        if (ferry_stop_requested) queue_abort(tk->q);
        double now = now_monotonic();
        if (now - last >= 1.0) {
            last = now;
            pthread_mutex_unlock(&tk->mu);
            ticker_report(tk, now - start);
            pthread_mutex_lock(&tk->mu);
        }
    }
    pthread_mutex_unlock(&tk->mu);
    return NULL;
}

/* ---- isolation of refused rows ---- */

static int copy_one_batch(ferry_conn *dst, const plan_table *t, const batch *b, int64_t *rows,
                          ferry_err *e)
{
    if (copy_begin_table(dst, t, e)) return -1;
    if (dst->drv->copy_batch(dst, b, e)) { int64_t r; dst->drv->copy_end(dst, &r, NULL); return -1; }
    return dst->drv->copy_end(dst, rows, e);
}

/* cell_json — a converted row as JSON (canonical text; bytes as hex). */
static void batch_row_json(const plan_table *t, const batch *b, size_t row, strbuf *out)
{
    strbuf_addc(out, '{');
    for (int c = 0; c < t->ncols; c++) {
        size_t len;
        const char *p = batch_cell_get(b, row, c, &len);
        cJSON *name = cJSON_CreateString(t->cols[c].src->name);
        char *qn = cJSON_PrintUnformatted(name);
        strbuf_addf(out, "%s%s:", c ? "," : "", qn);
        free(qn);
        cJSON_Delete(name);
        ltype_kind k = t->cols[c].lt.kind;
        ferry_value v = {FV_NULL, 0, 0, NULL, 0};
        if (p && (k == LT_INT16 || k == LT_INT32 || k == LT_INT64)) {
            strbuf_add(out, p, len);               /* canonical digits: a JSON number */
            continue;
        }
        if (p) { v.cls = k == LT_BYTES ? FV_BLOB : FV_TEXT; v.p = p; v.n = len; }
        convert_value_json(&v, out);
    }
    strbuf_addc(out, '}');
}

static int isolate_chunk(run_ctx *rc, ferry_conn *dst, int chunk_id, ferry_err *e)
{
    const plan_chunk *k = &rc->plan->chunks[chunk_id];
    const plan_table *t = &rc->plan->tables[k->table];
    reader_ctx r = {0};
    reject_list rj = {0};
    int64_t rows = 0, bytes = 0;
    int status = -1;
    r.rc = rc; r.src = rc->src; r.t = t; r.ts = &rc->stats[k->table]; r.deliver = deliver_to_list;
    if (read_one_chunk(&r, k, e)) goto out;
    if (drv_begin(dst, e)) goto out;
    for (int i = 0; i < r.nlist; i++) {
        batch *b = r.list[i];
        int64_t n = 0;
        rejects_take(&rj, b);
        bytes += (int64_t)b->data.len;
        if (b->nrows == 0) continue;
        if (drv_exec(dst, "SAVEPOINT ferry_batch", e)) goto fail;
        ferry_err be = {0};
        if (copy_one_batch(dst, t, b, &n, &be) == 0) {
            rows += n;
            if (drv_exec(dst, "RELEASE SAVEPOINT ferry_batch", e)) goto fail;
            continue;
        }
        if (drv_exec(dst, "ROLLBACK TO SAVEPOINT ferry_batch", e)) goto fail;
        batch *one = batch_new(t->ncols);
        for (size_t row = 0; row < b->nrows; row++) {
            batch_reset(one, t->ncols);
            batch_begin_row(one);
            for (int c = 0; c < t->ncols; c++) {
                size_t len;
                const char *p = batch_cell_get(b, row, c, &len);
                if (p) batch_set_cell(one, c, p, len); else batch_set_null(one, c);
            }
            batch_commit_row(one);
            ferry_err re = {0};
            if (drv_exec(dst, "SAVEPOINT ferry_row", e)) { batch_free(one); goto fail; }
            if (copy_one_batch(dst, t, one, &n, &re) == 0) {
                rows += n;
                if (drv_exec(dst, "RELEASE SAVEPOINT ferry_row", e)) { batch_free(one); goto fail; }
                continue;
            }
            if (drv_exec(dst, "ROLLBACK TO SAVEPOINT ferry_row", e)) { batch_free(one); goto fail; }
            strbuf js = STRBUF_INIT;
            batch_row_json(t, b, row, &js);
            char reason[1100];
            snprintf(reason, sizeof reason, "the target refused the row: %s", re.msg);
            pending_reject pr = {b->keys && row < b->cap_keys ? b->keys[row] : -1, NULL,
                                 arena_strdup(&rj.mem, reason), arena_strdup(&rj.mem, strbuf_cstr(&js))};
            ARENA_PUSH(&rj.mem, rj.items, rj.n, rj.cap, pr);
            strbuf_free(&js);
            if (check_max_errors(rc, t, k->id, e)) { batch_free(one); goto fail; }
        }
        batch_free(one);
    }
    if (commit_chunk(rc, dst, k, &rj, rows, bytes, e)) goto fail;
    reject_events(rc, k, &rj);
    chunk_done_event(rc, k, rows, rj.n, bytes, 0, 0);
    status = 0;
    goto out;
fail:
    drv_rollback(dst);
out:
    for (int i = 0; i < r.nlist; i++) batch_free(r.list[i]);
    free(r.list);
    strbuf_free(&r.tmp);
    strbuf_free(&r.json);
    arena_free(&rj.mem);
    if (status) ferry_err_prefix(e, "table \"%s\" chunk %d: ", t->name, k->id);
    return status;
}

/* isolate_with_retry — isolate_chunk, redone after a lost connection on
 * either side (the whole chunk is one transaction; after a loss on the
 * target the checkpoint says whether it committed). */
static int isolate_with_retry(run_ctx *rc, fault_ctx *fx, int chunk_id, ferry_err *e)
{
    const plan_chunk *k = &rc->plan->chunks[chunk_id];
    const plan_table *t = &rc->plan->tables[k->table];
    retry_where w = {t->name, chunk_id, NULL};
    for (;;) {
        double t0 = now_monotonic();
        memset(e, 0, sizeof *e);
        if (isolate_chunk(rc, rc->conns[0], chunk_id, e) == 0) return 0;
        if (!retry_lost(e) || ferry_stop_requested) return -1;
        if (e->side == SIDE_SOURCE) {
            if (source_recover(fx, rc->src, 0, t, k, e)) {
                if (e->code != FERRY_E_INTERRUPTED) retry_give_up(rc, e, fx->src_attempts[chunk_id]);
                return -1;
            }
            continue;
        }
        int *attempts = &fx->tgt_attempts[chunk_id];
        for (;;) {
            if (retry_recover(rc, rc->conns[0], rc->target_url, &w, attempts, e)) {
                if (e->code != FERRY_E_INTERRUPTED) retry_give_up(rc, e, *attempts);
                return -1;
            }
            int done = 0;
            int64_t rows = 0, rejected = 0, bytes = 0;
            if (retry_chunk_state(rc->conns[0], rc->job_id, chunk_id, &done, &rows, &rejected,
                                  &bytes, e) == 0) {
                if (done) {
                    chunk_done_event(rc, k, rows, rejected, bytes, (now_monotonic() - t0) * 1000.0, 0);
                    retry_note(rc, SIDE_TARGET, &w, *attempts, "its COMMIT had gone through");
                    return 0;
                }
                retry_note(rc, SIDE_TARGET, &w, *attempts, "the chunk was isolated again");
                break;
            }
            if (!retry_lost(e)) { retry_give_up(rc, e, *attempts); return -1; }
        }
    }
}

/* ---- the phase ---- */

int pipeline_run(run_ctx *rc)
{
    ferry_plan *p = rc->plan;
    int nwriters = rc->nconns;
    chunk_queue q;
    pthread_t *threads = xcalloc((size_t)nwriters, sizeof(pthread_t));
    writer_ctx *w = xcalloc((size_t)nwriters, sizeof(writer_ctx));
    pthread_mutex_t isolate_mu = PTHREAD_MUTEX_INITIALIZER;
    ticker_ctx tk = {rc, &q, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    pthread_t ticker;
    ferry_err e = {0};

    /* What recovering from a lost connection needs (FAULTS above): the
     * source endpoint, attempt counts, the snapshot the readers share. */
    fault_ctx fx;
    memset(&fx, 0, sizeof fx);
    fx.rc = rc;
    pthread_mutex_init(&fx.snap_mu, NULL);
    fx.src_attempts = xcalloc((size_t)p->nchunks + 1, sizeof(int));
    fx.tgt_attempts = xcalloc((size_t)p->nchunks + 1, sizeof(int));
    if (rc->opts->source_text) {
        ferry_err pe = {0};
        fx.have_src_url = ferry_url_parse(rc->opts->source_text, &fx.src_url, &pe) == 0;
    }
    if (rc->nsrcs > 1 && rc->src->drv->snapshot_export) {
        ferry_err xe = {0};
        if (rc->src->drv->snapshot_export(rc->src, fx.snap, sizeof fx.snap, &xe) == 0)
            fx.exporter = rc->src;
        else
            fx.snap[0] = '\0';
    }

    queue_init(&q, rc->opts->memory_budget ? rc->opts->memory_budget : QUEUE_BUDGET_DEFAULT,
               nwriters + 1);
    reader_pool pool;
    memset(&pool, 0, sizeof pool);
    pool.rc = rc;
    pool.q = &q;
    pool.fx = &fx;
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.cv, NULL);
    pool.table_started = xcalloc((size_t)p->ntables + 1, sizeof(int));
    pool.redo = xcalloc((size_t)p->nchunks + 1, sizeof(int));

    for (int i = 0; i < nwriters; i++) {
        w[i] = (writer_ctx){rc, &q, rc->conns[i], i + 1, &isolate_mu, &pool, &fx};
        pthread_create(&threads[i], NULL, writer_main, &w[i]);
    }
    pthread_create(&ticker, NULL, ticker_main, &tk);

    int nreaders = rc->nsrcs > 0 ? rc->nsrcs : 1;
    pthread_t *rthreads = xcalloc((size_t)nreaders, sizeof(pthread_t));
    reader_ctx *readers = xcalloc((size_t)nreaders, sizeof(reader_ctx));
    for (int i = 0; i < nreaders; i++) {
        readers[i].rc = rc;
        readers[i].src = rc->nsrcs > 0 ? rc->srcs[i] : rc->src;
        readers[i].q = &q;
        readers[i].deliver = deliver_to_queue;
        readers[i].encode_cell = rc->nconns > 0 ? rc->conns[0]->drv->encode_cell : NULL;
        readers[i].pool = &pool;
        readers[i].no = i + 1;
    }
    /* Reader 0 runs on this thread; the others get their own. */
    for (int i = 1; i < nreaders; i++) pthread_create(&rthreads[i], NULL, reader_main, &readers[i]);
    reader_main(&readers[0]);
    for (int i = 1; i < nreaders; i++) pthread_join(rthreads[i], NULL);
    if (ferry_stop_requested || run_has_failed(rc)) queue_abort(&q);
    queue_close(&q);
    for (int i = 0; i < nwriters; i++) pthread_join(threads[i], NULL);

    /* Chunks the target refused: redo them row by row on one connection. */
    for (int i = 0; i < rc->nisolate && !run_has_failed(rc) && !ferry_stop_requested; i++) {
        if (isolate_with_retry(rc, &fx, rc->isolate[i], &e)) run_fail(rc, &e);
    }
    /* A writer connection lost after its last chunk: repaired now, so the
     * phases after this one (and copy.c's own use of the main connection)
     * start on a live session. */
    for (int i = 0; i < nwriters && !run_has_failed(rc) && !ferry_stop_requested; i++) {
        if (retry_check_conn(rc, rc->conns[i], &e)) {
            if (e.code != FERRY_E_INTERRUPTED) run_fail(rc, &e);
            break;
        }
    }

    pthread_mutex_lock(&tk.mu);
    tk.stop = 1;
    pthread_cond_signal(&tk.cv);
    pthread_mutex_unlock(&tk.mu);
    pthread_join(ticker, NULL);
    ticker_report(&tk, now_monotonic() - rc->started);
    progress_status(rc->pr, NULL);

    cJSON *f = cJSON_CreateObject();
    cJSON_AddNumberToObject(f, "queue_peak_bytes", (double)q.peak_bytes);
    progress_event(rc->pr, "data_done", f);
    queue_destroy(&q);
    for (int i = 0; i < nreaders; i++) { strbuf_free(&readers[i].tmp); strbuf_free(&readers[i].json); }
    free(readers);
    free(rthreads);
    free(pool.table_started);
    free(pool.redo);
    pthread_cond_destroy(&pool.cv);
    pthread_mutex_destroy(&pool.mu);
    free(threads);
    free(w);
    free(fx.src_attempts);
    free(fx.tgt_attempts);
    if (fx.have_src_url) ferry_url_free(&fx.src_url);
    pthread_mutex_destroy(&fx.snap_mu);
    if (ferry_stop_requested && !rc->failed) {
        ferry_err_set(&e, FERRY_E_INTERRUPTED, "interrupted");
        run_fail(rc, &e);
    }
    return rc->failed ? -1 : 0;
}
