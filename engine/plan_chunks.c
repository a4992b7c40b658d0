/* plan_chunks.c — cutting each table into chunks: key ranges [lo, hi) of
 * about --chunk-rows rows. Dense keys (autoincrement ids) are cut by
 * arithmetic on min/max; sparse keys by streaming the key once and taking
 * every n-th value. The first and last chunks are open-ended so that no row
 * can fall outside every chunk. The boundaries are stored with the job, so a
 * resumed run reuses them exactly. */
#include <stdlib.h>
#include <string.h>
#include "plan.h"

/* add_ranges — chunks for table ti from sorted split points: (-inf, s0),
 * [s0, s1), ..., [sn, +inf). */
static void add_ranges(ferry_plan *p, int ti, const int64_t *splits, int nsplits)
{
    plan_table *t = &p->tables[ti];
    t->first_chunk = p->nchunks;
    for (int i = 0; i <= nsplits; i++) {
        plan_chunk c = {0};
        c.id = p->nchunks;
        c.table = ti;
        if (i > 0)       { c.has_lo = 1; c.lo = splits[i - 1]; }
        if (i < nsplits) { c.has_hi = 1; c.hi = splits[i]; }
        plan_add_chunk(p, &c);
    }
    t->nchunks = p->nchunks - t->first_chunk;
}

int plan_chunks(ferry_plan *p, ferry_conn *src, ferry_err *e)
{
    int64_t step = p->opts->chunk_rows > 0 ? p->opts->chunk_rows : 50000;
    for (int ti = 0; ti < p->ntables; ti++) {
        plan_table *t = &p->tables[ti];
        int64_t count = 0, min = 0, max = 0;
        t->rows_estimate = t->src->est_rows;
        if (src->drv->stored_splits) {
            /* A dump: its own chunks, so each is read from one file. */
            int64_t *points = NULL;
            int npoints = 0;
            if (src->drv->stored_splits(src, t->src, &points, &npoints, e)) return -1;
            add_ranges(p, ti, points, npoints);
            free(points);
            continue;
        }
        if (t->whole) { add_ranges(p, ti, NULL, 0); continue; }
        if (src->drv->key_stats(src, t->src, t->key_column, &count, &min, &max, e)) return -1;
        t->rows_estimate = count;
        if (count <= step) { add_ranges(p, ti, NULL, 0); continue; }
        /* span+1 can overflow for keys near the int64 limits; compute in double. */
        double span = (double)max - (double)min + 1.0;
        double density = (double)count / span;
        if (density >= 0.5) {
            int64_t width = (int64_t)((double)step / density);
            if (width < 1) width = 1;
            int n = (int)((span + (double)width - 1) / (double)width) - 1;
            int64_t *splits = malloc(sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
            for (int i = 0; i < n; i++) splits[i] = min + (int64_t)(i + 1) * width;
            add_ranges(p, ti, splits, n);
            free(splits);
        } else {
            int64_t *points = NULL;
            int npoints = 0;
            if (src->drv->key_split_points(src, t->src, t->key_column, step, &points, &npoints, e))
                return -1;
            add_ranges(p, ti, points, npoints);
            free(points);
        }
    }
    return 0;
}
