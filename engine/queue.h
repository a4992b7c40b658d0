/* queue.h — the bounded hand-over between readers and writers.
 *
 * DESIGN. Readers produce batches for chunks; a chunk must be written by
 * one writer in one transaction, so the queue carries chunks, and each chunk
 * carries its own FIFO of batches. Writers take whole chunks (in the order
 * readers opened them) and then drain that chunk's batches until the last
 * one. Memory is bounded in bytes: a reader blocks in queue_put_batch while
 * the bytes held by all queued batches exceed the budget — except that a
 * chunk with no batch queued may always receive one, so the chunk a writer is
 * waiting on can always make progress (no deadlock when the budget is full
 * of batches for chunks no writer has taken yet). The number of open chunks
 * is bounded too (max_open_chunks), so the ceiling is
 *   budget + max_open_chunks * max_batch_bytes.
 * queue_close wakes everybody; queue_abort makes every call fail fast.
 * Lock order: only q->mu; never held while calling out. */
#ifndef FERRY_QUEUE_H
#define FERRY_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include "value.h"

typedef struct queue_chunk {
    int          chunk_id;
    batch       *head, *tail;     /* queued batches of this chunk */
    int          nqueued;
    int          finished;        /* reader put the last batch */
    int          failed;          /* reader gave up on the chunk (error) */
    struct queue_chunk *next;     /* in the ready list */
    int          released;        /* writer released it; freed once the reader is done too */
} queue_chunk;

typedef struct chunk_queue {
    pthread_mutex_t mu;
    pthread_cond_t  can_put;      /* readers wait here */
    pthread_cond_t  can_get;      /* writers wait here */
    size_t          budget;       /* byte budget for queued batches */
    size_t          bytes;        /* bytes of queued batches now */
    size_t          peak_bytes;
    int             max_open;     /* max chunks opened and not yet released */
    int             open;
    queue_chunk    *ready_head, *ready_tail;   /* opened, not yet taken */
    int             closed;       /* no more chunks will be opened */
    int             aborted;
    batch          *free_list;    /* recycled batches */
    int             nfree;
} chunk_queue;

void queue_init(chunk_queue *q, size_t budget, int max_open_chunks);
void queue_destroy(chunk_queue *q);          /* frees anything left */

/* Reader side. queue_open_chunk blocks while max_open chunks are open;
 * returns NULL when the queue was aborted. */
queue_chunk *queue_open_chunk(chunk_queue *q, int chunk_id);
/* queue_get_free_batch — a recycled (reset) batch or a new one. */
batch *queue_get_free_batch(chunk_queue *q, int ncols);
/* queue_put_batch — hand b over (ownership moves to the queue); last=1 on
 * the chunk's final batch. Blocks on the byte budget. -1 if aborted (b is
 * freed by the queue). */
int  queue_put_batch(chunk_queue *q, queue_chunk *c, batch *b, int last);
/* queue_fail_chunk — the reader could not finish the chunk: the writer's
 * next queue_next_batch returns -1 and it rolls back. */
void queue_fail_chunk(chunk_queue *q, queue_chunk *c);
/* queue_close — no more chunks; writers drain and then get NULL. */
void queue_close(chunk_queue *q);
/* queue_abort — stop everything now (error or signal). */
void queue_abort(chunk_queue *q);

/* Writer side. queue_take_chunk blocks until a chunk is ready; NULL when
 * the queue is closed and drained, or aborted. */
queue_chunk *queue_take_chunk(chunk_queue *q);
/* queue_next_batch — next batch of c in order: returns 1 with *out set (the
 * writer owns it until queue_recycle), 0 when the chunk is complete (after
 * its last batch), -1 when the reader failed or the queue was aborted. */
int  queue_next_batch(chunk_queue *q, queue_chunk *c, batch **out);
void queue_recycle(chunk_queue *q, batch *b);
/* queue_release_chunk — the writer is done with c (committed or not). */
void queue_release_chunk(chunk_queue *q, queue_chunk *c);

#endif
