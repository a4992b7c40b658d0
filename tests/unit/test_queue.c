/* test_queue.c — unit tests for engine/value.c (batches) and
 * engine/queue.c (the bounded chunk queue): ordering, the byte budget,
 * the no-deadlock rule, failures, abort, and a multi-threaded stress run.
 * Run it under ThreadSanitizer too (make tsan). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "queue.h"
#include "value.h"

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- batches */

TEST(test_batch_rows)
{
    batch *b = batch_new(3);
    size_t len;
    const char *p;

    for (int r = 0; r < 1000; r++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "row%d", r);
        batch_begin_row(b);
        batch_set_cell(b, 0, buf, (size_t)n);
        if (r % 2) batch_set_null(b, 1);
        else batch_set_cell(b, 1, "", 0);
        batch_set_cell(b, 2, "a\0b", 3);
        batch_commit_row(b);
    }
    ASSERT_EQ_INT(b->nrows, 1000);
    p = batch_cell_get(b, 999, 0, &len);
    ASSERT(p != NULL);
    ASSERT_EQ_INT(len, 6);
    ASSERT_EQ_STR(p, "row999");             /* cells are NUL-terminated */
    ASSERT(batch_cell_get(b, 1, 1, &len) == NULL);
    ASSERT_EQ_INT(len, 0);
    p = batch_cell_get(b, 2, 1, &len);
    ASSERT(p != NULL);
    ASSERT_EQ_INT(len, 0);
    p = batch_cell_get(b, 5, 2, &len);
    ASSERT_EQ_INT(len, 3);
    ASSERT(memcmp(p, "a\0b", 3) == 0);
    ASSERT(batch_cell_get(b, 1000, 0, &len) == NULL);   /* out of range */
    ASSERT(batch_cell_get(b, 0, 3, &len) == NULL);
    batch_free(b);
    batch_free(NULL);
}

TEST(test_batch_abort)
{
    batch *b = batch_new(2);
    size_t len, before;

    batch_begin_row(b);
    batch_set_cell(b, 0, "keep", 4);
    batch_set_cell(b, 1, "me", 2);
    batch_commit_row(b);
    before = b->data.len;

    batch_begin_row(b);                     /* a row that turns out bad */
    batch_set_cell(b, 0, "xxxxxxxx", 8);
    batch_set_null(b, 0);                   /* even after a set then a NULL */
    batch_set_cell(b, 1, "yy", 2);
    batch_abort_row(b);
    ASSERT_EQ_INT(b->nrows, 1);
    ASSERT_EQ_INT(b->data.len, before);

    batch_begin_row(b);                     /* a row with only NULLs */
    batch_abort_row(b);
    ASSERT_EQ_INT(b->data.len, before);

    batch_begin_row(b);
    batch_set_cell(b, 1, "second", 6);
    batch_commit_row(b);
    ASSERT_EQ_INT(b->nrows, 2);
    ASSERT(batch_cell_get(b, 1, 0, &len) == NULL);
    ASSERT_EQ_STR(batch_cell_get(b, 1, 1, &len), "second");
    ASSERT_EQ_STR(batch_cell_get(b, 0, 0, &len), "keep");
    batch_free(b);
}

TEST(test_batch_reset_rejects)
{
    batch *b = batch_new(4);
    size_t len, bytes0 = batch_bytes(b), bytes1;

    for (int r = 0; r < 100; r++) {
        batch_begin_row(b);
        for (int c = 0; c < 4; c++) batch_set_cell(b, c, "value", 5);
        batch_commit_row(b);
    }
    batch_add_reject(b, 42, "Milliseconds", "text 'abc' is not an integer", "{\"a\":1}");
    batch_add_reject(b, 43, NULL, "bad", NULL);
    ASSERT_EQ_INT(b->nrejects, 2);
    ASSERT_EQ_STR(b->rejects[0].column, "Milliseconds");
    ASSERT_EQ_STR(b->rejects[0].row_json, "{\"a\":1}");
    ASSERT(b->rejects[1].column == NULL && b->rejects[1].row_json == NULL);
    ASSERT_EQ_INT(b->rejects[1].key, 43);
    bytes1 = batch_bytes(b);
    ASSERT(bytes1 > bytes0 + 100 * 4 * 6);

    /* reset to more columns: memory kept, content gone */
    batch_reset(b, 7);
    ASSERT_EQ_INT(b->nrows, 0);
    ASSERT_EQ_INT(b->nrejects, 0);
    ASSERT_EQ_INT(b->ncols, 7);
    ASSERT_EQ_INT(b->data.len, 0);
    ASSERT(b->data.cap > 0);
    for (int r = 0; r < 200; r++) {
        batch_begin_row(b);
        for (int c = 0; c < 7; c++) batch_set_cell(b, c, &"0123456"[c], 1);
        batch_commit_row(b);
    }
    ASSERT_EQ_STR(batch_cell_get(b, 199, 6, &len), "6");

    batch_reset(b, 0);                      /* no columns at all */
    batch_begin_row(b);
    batch_commit_row(b);
    ASSERT_EQ_INT(b->nrows, 1);
    batch_reset(b, 2);
    batch_begin_row(b);
    batch_set_cell(b, 1, "z", 1);
    batch_commit_row(b);
    ASSERT_EQ_STR(batch_cell_get(b, 0, 1, &len), "z");
    batch_free(b);
}

/* ------------------------------------------------------- queue, 1 thread */

static batch *make_batch(chunk_queue *q, int chunk, int seq, int payload)
{
    batch *b = queue_get_free_batch(q, 2);
    char buf[32];
    int n;
    batch_begin_row(b);
    n = snprintf(buf, sizeof buf, "%d", chunk);
    batch_set_cell(b, 0, buf, (size_t)n);
    n = snprintf(buf, sizeof buf, "%d", seq);
    batch_set_cell(b, 1, buf, (size_t)n);
    batch_commit_row(b);
    for (int i = 0; i < payload; i++) {
        batch_begin_row(b);
        batch_set_cell(b, 0, "payload-payload-payload", 23);
        batch_commit_row(b);
    }
    return b;
}

static int batch_seq(const batch *b)
{
    size_t len;
    return atoi(batch_cell_get(b, 0, 1, &len));
}

static int batch_chunk(const batch *b)
{
    size_t len;
    return atoi(batch_cell_get(b, 0, 0, &len));
}

TEST(test_queue_order)
{
    chunk_queue q;
    queue_chunk *c1, *c2, *t;
    batch *b;

    queue_init(&q, 1 << 20, 4);
    c1 = queue_open_chunk(&q, 1);
    c2 = queue_open_chunk(&q, 2);
    ASSERT(c1 && c2);
    for (int s = 0; s < 5; s++)
        ASSERT_EQ_INT(queue_put_batch(&q, c1, make_batch(&q, 1, s, 0), s == 4), 0);
    ASSERT_EQ_INT(queue_put_batch(&q, c2, make_batch(&q, 2, 0, 0), 1), 0);
    ASSERT(q.bytes > 0);

    t = queue_take_chunk(&q);
    ASSERT(t == c1);                        /* chunks in open order */
    for (int s = 0; s < 5; s++) {
        ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);
        ASSERT_EQ_INT(batch_seq(b), s);     /* batches in put order */
        ASSERT_EQ_INT(b->chunk_id, 1);
        ASSERT_EQ_INT(b->last, s == 4);
        queue_recycle(&q, b);
    }
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 0);
    ASSERT(b == NULL);
    queue_release_chunk(&q, t);

    t = queue_take_chunk(&q);
    ASSERT(t == c2);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);
    ASSERT_EQ_INT(batch_chunk(b), 2);
    queue_recycle(&q, b);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 0);
    queue_release_chunk(&q, t);
    ASSERT_EQ_INT(q.bytes, 0);
    ASSERT_EQ_INT(q.open, 0);
    ASSERT(q.nfree > 0 && q.nfree <= 2 * q.max_open);

    queue_close(&q);
    ASSERT(queue_take_chunk(&q) == NULL);   /* closed and drained */
    ASSERT(queue_open_chunk(&q, 3) == NULL);
    queue_destroy(&q);
}

TEST(test_queue_fail_chunk)
{
    chunk_queue q;
    queue_chunk *c, *t;
    batch *b;

    queue_init(&q, 1 << 20, 2);
    /* failed with batches still queued */
    c = queue_open_chunk(&q, 7);
    queue_put_batch(&q, c, make_batch(&q, 7, 0, 0), 0);
    queue_fail_chunk(&q, c);
    t = queue_take_chunk(&q);
    ASSERT(t == c);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), -1);
    ASSERT(b == NULL);
    queue_release_chunk(&q, t);
    ASSERT_EQ_INT(q.bytes, 0);

    /* failed after the writer took it, with nothing queued */
    c = queue_open_chunk(&q, 8);
    t = queue_take_chunk(&q);
    queue_fail_chunk(&q, c);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), -1);
    queue_release_chunk(&q, t);

    /* an empty chunk: one empty last batch */
    c = queue_open_chunk(&q, 9);
    queue_put_batch(&q, c, queue_get_free_batch(&q, 3), 1);
    t = queue_take_chunk(&q);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);
    ASSERT_EQ_INT(b->nrows, 0);
    ASSERT_EQ_INT(b->ncols, 3);
    queue_recycle(&q, b);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 0);
    queue_release_chunk(&q, t);
    queue_destroy(&q);
}

/* The writer gives a chunk up (its target failed) while the reader still
 * produces: later batches are dropped, the chunk is freed by the reader's
 * last put. ASan checks there is no leak and no use after free. */
TEST(test_queue_release_early)
{
    chunk_queue q;
    queue_chunk *c, *t;
    batch *b;

    queue_init(&q, 1 << 20, 1);
    c = queue_open_chunk(&q, 1);
    queue_put_batch(&q, c, make_batch(&q, 1, 0, 0), 0);
    queue_put_batch(&q, c, make_batch(&q, 1, 1, 0), 0);
    t = queue_take_chunk(&q);
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);
    queue_recycle(&q, b);
    queue_release_chunk(&q, t);             /* one batch still queued */
    ASSERT_EQ_INT(q.bytes, 0);
    ASSERT_EQ_INT(q.open, 0);
    ASSERT_EQ_INT(queue_put_batch(&q, c, make_batch(&q, 1, 2, 0), 0), 0);
    ASSERT_EQ_INT(q.bytes, 0);
    ASSERT_EQ_INT(queue_put_batch(&q, c, make_batch(&q, 1, 3, 0), 1), 0);
    /* the slot is free again */
    c = queue_open_chunk(&q, 2);
    ASSERT(c != NULL);
    queue_fail_chunk(&q, c);
    queue_destroy(&q);                      /* c was never taken: freed here */
}

/* -------------------------------------------------- queue, with threads */

typedef struct put_job {
    chunk_queue *q;
    queue_chunk *c;
    int          chunk, nbatches, payload;
    atomic_int   done;                      /* batches put so far */
    int          rc;
} put_job;

static void *put_thread(void *arg)
{
    put_job *j = arg;
    for (int s = 0; s < j->nbatches; s++) {
        int rc = queue_put_batch(j->q, j->c, make_batch(j->q, j->chunk, s, j->payload),
                                 s == j->nbatches - 1);
        if (rc) {
            j->rc = rc;
            if (s != j->nbatches - 1) queue_fail_chunk(j->q, j->c);
            return NULL;
        }
        atomic_fetch_add(&j->done, 1);
    }
    return NULL;
}

/* A reader blocks on the budget until a writer takes a batch. */
TEST(test_queue_budget_blocks)
{
    chunk_queue q;
    pthread_t th;
    put_job j = {0};
    queue_chunk *t;
    batch *b;
    size_t one;

    queue_init(&q, 1, 2);                   /* every second batch must wait */
    b = make_batch(&q, 0, 0, 0);
    one = batch_bytes(b);                   /* the size of every batch here */
    queue_recycle(&q, b);
    j.q = &q;
    j.chunk = 1;
    j.nbatches = 3;
    j.c = queue_open_chunk(&q, 1);
    pthread_create(&th, NULL, put_thread, &j);
    sleep_ms(100);
    ASSERT_EQ_INT(atomic_load(&j.done), 1);  /* first went in, second waits */
    t = queue_take_chunk(&q);
    for (int s = 0; s < 3; s++) {
        ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);
        ASSERT_EQ_INT(batch_seq(b), s);
        queue_recycle(&q, b);
    }
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 0);
    pthread_join(th, NULL);
    ASSERT_EQ_INT(j.rc, 0);
    queue_release_chunk(&q, t);
    ASSERT(q.peak_bytes >= one);
    ASSERT(q.peak_bytes <= 1 + (size_t)q.max_open * one);
    queue_destroy(&q);
}

/* The budget is full of batches for chunk A, which no writer has taken;
 * the only writer waits on chunk B. B's reader must still get through. */
TEST(test_queue_no_deadlock)
{
    chunk_queue q;
    pthread_t tha, thb;
    put_job ja = {0}, jb = {0};
    queue_chunk *t;
    batch *b;

    queue_init(&q, 4096, 4);
    jb.q = ja.q = &q;
    jb.c = queue_open_chunk(&q, 2);         /* B opened first: taken first */
    ja.c = queue_open_chunk(&q, 1);
    ja.chunk = 1;
    ja.nbatches = 50;
    ja.payload = 20;
    jb.chunk = 2;
    jb.nbatches = 5;
    jb.payload = 20;
    pthread_create(&tha, NULL, put_thread, &ja);
    sleep_ms(50);
    ASSERT(atomic_load(&ja.done) < 50);     /* A's reader is stuck on the budget */
    ASSERT(q.bytes >= 1);

    t = queue_take_chunk(&q);
    ASSERT(t == jb.c);
    pthread_create(&thb, NULL, put_thread, &jb);
    for (int s = 0; s < 5; s++) {
        ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);   /* would hang on deadlock */
        ASSERT_EQ_INT(batch_chunk(b), 2);
        ASSERT_EQ_INT(batch_seq(b), s);
        queue_recycle(&q, b);
    }
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 0);
    pthread_join(thb, NULL);
    queue_release_chunk(&q, t);

    t = queue_take_chunk(&q);
    ASSERT(t == ja.c);
    for (int s = 0; s < 50; s++) {
        ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 1);
        ASSERT_EQ_INT(batch_seq(b), s);
        queue_recycle(&q, b);
    }
    ASSERT_EQ_INT(queue_next_batch(&q, t, &b), 0);
    pthread_join(tha, NULL);
    queue_release_chunk(&q, t);
    ASSERT_EQ_INT(q.bytes, 0);
    queue_destroy(&q);
}

typedef struct take_job {
    chunk_queue *q;
    queue_chunk *c;                         /* for next_batch waits */
    int          rc;
    atomic_int   returned;
} take_job;

static void *take_thread(void *arg)
{
    take_job *j = arg;
    queue_chunk *c = queue_take_chunk(j->q);
    j->rc = c ? 1 : 0;
    atomic_store(&j->returned, 1);
    return NULL;
}

static void *next_thread(void *arg)
{
    take_job *j = arg;
    batch *b;
    j->rc = queue_next_batch(j->q, j->c, &b);
    atomic_store(&j->returned, 1);
    return NULL;
}

static void *open_thread(void *arg)
{
    take_job *j = arg;
    j->c = queue_open_chunk(j->q, 99);
    atomic_store(&j->returned, 1);
    return NULL;
}

/* queue_abort wakes readers blocked on the budget and on open slots, and
 * writers blocked in take_chunk and next_batch. */
TEST(test_queue_abort_wakes)
{
    chunk_queue q;
    pthread_t tp, tt, tn, to;
    put_job jp = {0};
    take_job jt = {0}, jn = {0}, jo = {0};
    queue_chunk *cw, *taken;

    queue_init(&q, 1, 2);
    cw = queue_open_chunk(&q, 1);           /* a chunk the writer will wait on */
    jp.q = &q;
    jp.c = queue_open_chunk(&q, 2);         /* max_open reached */
    jp.chunk = 2;
    jp.nbatches = 10;
    taken = queue_take_chunk(&q);
    ASSERT(taken == cw);
    jn.q = jt.q = jo.q = &q;
    jn.c = cw;
    /* take_chunk would return chunk 2 at once; the blocked taker is
     * started after chunk 2 is gone */
    ASSERT(queue_take_chunk(&q) == jp.c);
    pthread_create(&tp, NULL, put_thread, &jp);   /* blocks on the budget */
    pthread_create(&tn, NULL, next_thread, &jn);  /* blocks: nothing for chunk 1 */
    pthread_create(&tt, NULL, take_thread, &jt);  /* blocks: no ready chunk */
    pthread_create(&to, NULL, open_thread, &jo);  /* blocks: 2 chunks open */
    sleep_ms(100);
    ASSERT_EQ_INT(atomic_load(&jp.done), 1);
    ASSERT_EQ_INT(atomic_load(&jn.returned), 0);
    ASSERT_EQ_INT(atomic_load(&jt.returned), 0);
    ASSERT_EQ_INT(atomic_load(&jo.returned), 0);

    queue_abort(&q);
    pthread_join(tp, NULL);
    pthread_join(tn, NULL);
    pthread_join(tt, NULL);
    pthread_join(to, NULL);
    ASSERT_EQ_INT(jp.rc, -1);
    ASSERT_EQ_INT(jn.rc, -1);
    ASSERT_EQ_INT(jt.rc, 0);
    ASSERT(jo.c == NULL);

    /* after an abort everything fails fast */
    {
        batch *b;
        ASSERT_EQ_INT(queue_next_batch(&q, jp.c, &b), -1);
        ASSERT(queue_take_chunk(&q) == NULL);
        ASSERT(queue_open_chunk(&q, 5) == NULL);
    }
    queue_fail_chunk(&q, cw);               /* cw's reader is the test */
    queue_release_chunk(&q, cw);
    queue_release_chunk(&q, jp.c);          /* jp's reader ended with fail_chunk */
    queue_destroy(&q);
}

/* ------------------------------------------------------------ stress */

#define ST_CHUNKS   300
#define ST_READERS  2
#define ST_WRITERS  3

typedef struct stress {
    chunk_queue     q;
    pthread_mutex_t mu;
    int             next_chunk;             /* next chunk id to read */
    int             nbatches[ST_CHUNKS];    /* batches each chunk gets */
    int             seen[ST_CHUNKS];        /* batches received, in order */
    int             completed[ST_CHUNKS];   /* times next_batch returned 0 */
    int             errors;
    size_t          max_batch;              /* largest batch_bytes put */
    int             readers_left;
} stress;

static void *stress_reader(void *arg)
{
    stress *s = arg;
    unsigned seed = (unsigned)(uintptr_t)&seed;

    for (;;) {
        int id;
        queue_chunk *c;
        pthread_mutex_lock(&s->mu);
        id = s->next_chunk < ST_CHUNKS ? s->next_chunk++ : -1;
        pthread_mutex_unlock(&s->mu);
        if (id < 0) break;
        c = queue_open_chunk(&s->q, id);
        if (!c) break;
        for (int k = 0; k < s->nbatches[id]; k++) {
            batch *b = make_batch(&s->q, id, k, (int)(rand_r(&seed) % 40));
            size_t bb = batch_bytes(b);
            pthread_mutex_lock(&s->mu);
            if (bb > s->max_batch) s->max_batch = bb;
            pthread_mutex_unlock(&s->mu);
            if (queue_put_batch(&s->q, c, b, k == s->nbatches[id] - 1)) break;
        }
    }
    pthread_mutex_lock(&s->mu);
    if (--s->readers_left == 0) queue_close(&s->q);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void *stress_writer(void *arg)
{
    stress *s = arg;
    queue_chunk *c;

    while ((c = queue_take_chunk(&s->q))) {
        batch *b;
        int rc, id = c->chunk_id, expect = 0, bad = 0;
        while ((rc = queue_next_batch(&s->q, c, &b)) == 1) {
            if (batch_chunk(b) != id || batch_seq(b) != expect) bad = 1;
            expect++;
            queue_recycle(&s->q, b);
        }
        pthread_mutex_lock(&s->mu);
        if (rc != 0 || bad) s->errors++;
        s->seen[id] += expect;
        s->completed[id]++;
        pthread_mutex_unlock(&s->mu);
        queue_release_chunk(&s->q, c);
    }
    return NULL;
}

TEST(test_queue_stress)
{
    static stress s;                        /* big: keep it off the stack */
    pthread_t rd[ST_READERS], wr[ST_WRITERS];
    unsigned seed = 12345;
    int total = 0;
    size_t budget = 16 * 1024;

    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    queue_init(&s.q, budget, 4);
    s.readers_left = ST_READERS;
    for (int i = 0; i < ST_CHUNKS; i++) {
        s.nbatches[i] = 1 + (int)(rand_r(&seed) % 30);
        total += s.nbatches[i];
    }
    for (int i = 0; i < ST_WRITERS; i++) pthread_create(&wr[i], NULL, stress_writer, &s);
    for (int i = 0; i < ST_READERS; i++) pthread_create(&rd[i], NULL, stress_reader, &s);
    for (int i = 0; i < ST_READERS; i++) pthread_join(rd[i], NULL);
    for (int i = 0; i < ST_WRITERS; i++) pthread_join(wr[i], NULL);

    ASSERT_EQ_INT(s.errors, 0);
    for (int i = 0; i < ST_CHUNKS; i++) {
        char ctx[32];
        snprintf(ctx, sizeof ctx, "chunk %d", i);
        CHECK_EQ_INT(s.seen[i], s.nbatches[i], ctx);
        CHECK_EQ_INT(s.completed[i], 1, ctx);
    }
    ASSERT(total > 3000);
    ASSERT_EQ_INT(s.q.bytes, 0);
    ASSERT_EQ_INT(s.q.open, 0);
    ASSERT(s.q.peak_bytes > 0);
    if (s.q.peak_bytes > budget + (size_t)s.q.max_open * s.max_batch)
        FAIL_AT("peak %zu > budget %zu + %d * %zu", s.q.peak_bytes, budget,
                s.q.max_open, s.max_batch);
    queue_destroy(&s.q);
    pthread_mutex_destroy(&s.mu);
}

void suite_queue(void)
{
    RUN(test_batch_rows);
    RUN(test_batch_abort);
    RUN(test_batch_reset_rejects);
    RUN(test_queue_order);
    RUN(test_queue_fail_chunk);
    RUN(test_queue_release_early);
    RUN(test_queue_budget_blocks);
    RUN(test_queue_no_deadlock);
    RUN(test_queue_abort_wakes);
    RUN(test_queue_stress);
}
