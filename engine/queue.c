/* queue.c — the bounded chunk queue between readers and writers (see the
 * DESIGN block in queue.h).
 *
 * Implementation notes.
 * - One mutex (q->mu) guards every field of the queue, of its chunks and of
 *   queued batches. Readers wait on can_put (open-chunk slots, byte budget),
 *   writers on can_get (a ready chunk, the next batch of their chunk). Both
 *   kinds of waiter wait for different things on the same condition
 *   variable, so every state change broadcasts; every wait sits in a while.
 * - The budget: a put waits while bytes + size > budget, unless the chunk
 *   has no batch queued. With h(c) the size of the oldest batch queued for
 *   chunk c, bytes - sum(h) <= budget holds after every step, so
 *   bytes <= budget + max_open * max_batch_bytes.
 * - A chunk has two users: the reader (until its put with last=1, or
 *   queue_fail_chunk) and the writer (until queue_release_chunk). It is
 *   freed by whichever of the two finishes second. A reader whose put fails
 *   (abort) ends with queue_fail_chunk. A writer may release early (its
 *   target failed): the reader's later batches are then dropped.
 * - Batch sizes are measured once, at put, and stored in queued_bytes, so
 *   the same amount comes off the budget whichever way the batch leaves. */
#include <stdlib.h>

#include "queue.h"
#include "util.h"

void queue_init(chunk_queue *q, size_t budget, int max_open_chunks)
{
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->can_put, NULL);
    pthread_cond_init(&q->can_get, NULL);
    q->budget = budget;
    q->bytes = 0;
    q->peak_bytes = 0;
    q->max_open = max_open_chunks > 0 ? max_open_chunks : 1;
    q->open = 0;
    q->ready_head = q->ready_tail = NULL;
    q->closed = 0;
    q->aborted = 0;
    q->free_list = NULL;
    q->nfree = 0;
}

static void free_batch_list(batch *b)
{
    while (b) {
        batch *next = b->next;
        batch_free(b);
        b = next;
    }
}

/* queue_destroy — frees chunks never taken, their batches, and the free
 * list. Call after every reader and writer thread has stopped. */
void queue_destroy(chunk_queue *q)
{
    queue_chunk *c = q->ready_head;
    while (c) {
        queue_chunk *next = c->next;
        free_batch_list(c->head);
        free(c);
        c = next;
    }
    q->ready_head = q->ready_tail = NULL;
    free_batch_list(q->free_list);
    q->free_list = NULL;
    q->nfree = 0;
    pthread_cond_destroy(&q->can_put);
    pthread_cond_destroy(&q->can_get);
    pthread_mutex_destroy(&q->mu);
}

/* keep_or_collect — with q->mu held: put b on the free list, or, when the
 * list is full, onto *spill for the caller to free after unlocking. */
static void keep_or_collect(chunk_queue *q, batch *b, batch **spill)
{
    if (q->nfree < 2 * q->max_open) {
        b->next = q->free_list;
        q->free_list = b;
        q->nfree++;
    } else {
        b->next = *spill;
        *spill = b;
    }
}

/* drain_chunk — with q->mu held: take every batch queued on c off the
 * budget and recycle it. */
static void drain_chunk(chunk_queue *q, queue_chunk *c, batch **spill)
{
    batch *b = c->head;
    while (b) {
        batch *next = b->next;
        q->bytes -= b->queued_bytes;
        keep_or_collect(q, b, spill);
        b = next;
    }
    c->head = c->tail = NULL;
    c->nqueued = 0;
}

/* queue_open_chunk — a new chunk, appended to the ready list (writers take
 * chunks in this order). Blocks while max_open chunks are open. NULL when
 * the queue was aborted or closed. The reader uses the chunk until its put
 * with last=1 or queue_fail_chunk. */
queue_chunk *queue_open_chunk(chunk_queue *q, int chunk_id)
{
    queue_chunk *c = xcalloc(1, sizeof *c);
    c->chunk_id = chunk_id;

    pthread_mutex_lock(&q->mu);
    while (!q->aborted && !q->closed && q->open >= q->max_open)
        pthread_cond_wait(&q->can_put, &q->mu);
    if (q->aborted || q->closed) {
        pthread_mutex_unlock(&q->mu);
        free(c);
        return NULL;
    }
    q->open++;
    if (q->ready_tail) q->ready_tail->next = c;
    else               q->ready_head = c;
    q->ready_tail = c;
    pthread_cond_broadcast(&q->can_get);
    pthread_mutex_unlock(&q->mu);
    return c;
}

/* queue_get_free_batch — a recycled batch reset for ncols, or a new one; the
 * caller owns it until queue_put_batch. */
batch *queue_get_free_batch(chunk_queue *q, int ncols)
{
    batch *b;
    pthread_mutex_lock(&q->mu);
    b = q->free_list;
    if (b) {
        q->free_list = b->next;
        q->nfree--;
    }
    pthread_mutex_unlock(&q->mu);
    if (!b) return batch_new(ncols);
    batch_reset(b, ncols);
    return b;
}

/* queue_put_batch — append b to c's batches. Ownership of b moves to the
 * queue whatever the result; after a put with last=1 the reader must not
 * touch c again. Returns -1 only when the queue was aborted. */
int queue_put_batch(chunk_queue *q, queue_chunk *c, batch *b, int last)
{
    queue_chunk *dead = NULL;
    batch *spill = NULL;
    size_t size = batch_bytes(b);
    int rc = 0;

    pthread_mutex_lock(&q->mu);
    while (!q->aborted && !c->released && c->nqueued > 0
           && q->bytes + size > q->budget)
        pthread_cond_wait(&q->can_put, &q->mu);

    if (q->aborted || c->released) {
        /* Nobody will read this batch: an abort, or a writer that gave the
         * chunk up (its error is reported on the writer's side). */
        rc = q->aborted ? -1 : 0;
        keep_or_collect(q, b, &spill);
        if (last) {
            c->finished = 1;
            if (c->released) dead = c;       /* both sides are done with it */
        }
        goto out;
    }

    b->next = NULL;
    b->chunk_id = c->chunk_id;
    b->last = last;
    b->queued_bytes = size;
    if (c->tail) c->tail->next = b;
    else         c->head = b;
    c->tail = b;
    c->nqueued++;
    q->bytes += size;
    if (q->bytes > q->peak_bytes) q->peak_bytes = q->bytes;
    if (last) c->finished = 1;
    pthread_cond_broadcast(&q->can_get);
out:
    pthread_mutex_unlock(&q->mu);
    free_batch_list(spill);
    free(dead);
    return rc;
}

/* queue_fail_chunk — the reader gives up on c (its error is reported by the
 * reader); the writer's next queue_next_batch returns -1. The reader must
 * not touch c afterwards. */
void queue_fail_chunk(chunk_queue *q, queue_chunk *c)
{
    queue_chunk *dead;

    pthread_mutex_lock(&q->mu);
    c->failed = 1;
    dead = c->released ? c : NULL;           /* both sides are done with it */
    pthread_cond_broadcast(&q->can_get);
    pthread_cond_broadcast(&q->can_put);
    pthread_mutex_unlock(&q->mu);
    free(dead);
}

void queue_close(chunk_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->can_get);
    pthread_cond_broadcast(&q->can_put);
    pthread_mutex_unlock(&q->mu);
}

void queue_abort(chunk_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->aborted = 1;
    pthread_cond_broadcast(&q->can_get);
    pthread_cond_broadcast(&q->can_put);
    pthread_mutex_unlock(&q->mu);
}

/* queue_take_chunk — the oldest opened chunk not yet taken; the writer owns
 * its side of it until queue_release_chunk. NULL once the queue is closed
 * and no chunk is left, or aborted. */
queue_chunk *queue_take_chunk(chunk_queue *q)
{
    queue_chunk *c = NULL;

    pthread_mutex_lock(&q->mu);
    while (!q->aborted && !q->ready_head && !q->closed)
        pthread_cond_wait(&q->can_get, &q->mu);
    if (!q->aborted && q->ready_head) {
        c = q->ready_head;
        q->ready_head = c->next;
        if (!q->ready_head) q->ready_tail = NULL;
        c->next = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    return c;
}

/* queue_next_batch — blocks until c has a batch, is complete, or failed. */
int queue_next_batch(chunk_queue *q, queue_chunk *c, batch **out)
{
    int rc;

    *out = NULL;
    pthread_mutex_lock(&q->mu);
    while (!q->aborted && !c->failed && !c->head && !c->finished)
        pthread_cond_wait(&q->can_get, &q->mu);
    if (q->aborted || c->failed) {
        rc = -1;
    } else if (c->head) {
        batch *b = c->head;
        c->head = b->next;
        if (!c->head) c->tail = NULL;
        c->nqueued--;
        b->next = NULL;
        q->bytes -= b->queued_bytes;
        *out = b;
        rc = 1;
        pthread_cond_broadcast(&q->can_put);
    } else {
        rc = 0;                       /* finished and drained */
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

/* queue_recycle — give a batch back after writing it (NULL is allowed). */
void queue_recycle(chunk_queue *q, batch *b)
{
    batch *spill = NULL;
    if (!b) return;
    pthread_mutex_lock(&q->mu);
    keep_or_collect(q, b, &spill);
    pthread_mutex_unlock(&q->mu);
    free_batch_list(spill);
}

/* queue_release_chunk — the writer is done with c: batches still queued are
 * dropped, the open-chunk slot is freed, and c itself is freed now if its
 * reader is done, else by the reader's last call. */
void queue_release_chunk(chunk_queue *q, queue_chunk *c)
{
    queue_chunk *dead = NULL;
    batch *spill = NULL;

    if (!c) return;
    pthread_mutex_lock(&q->mu);
    drain_chunk(q, c, &spill);
    c->released = 1;
    q->open--;
    if (c->finished || c->failed) dead = c;
    pthread_cond_broadcast(&q->can_put);
    pthread_mutex_unlock(&q->mu);
    free_batch_list(spill);
    free(dead);
}
