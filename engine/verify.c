/* verify.c — `ferry verify SOURCE TARGET` and the comparison behind
 * `ferry copy --verify`: does the target hold the rows of the source?
 *
 * DESIGN
 * - The plan says what a copy of the source makes: per source table the
 *   target table's name, each column's target name and logical type, and
 *   the chunking key. verify builds the same plan (session_open, with the
 *   same options), connects the target itself, describes it, and finds
 *   each planned table and column there by its planned name.
 * - A unit is a chunk of the plan (a key range of the source's integer
 *   key, which the target has under its planned name), or the whole table
 *   when there is no such key. For each unit both sides are read at once
 *   (the target in a second thread): every row is hashed from its logical
 *   values (verify_hash.c) and the hashes summed, so row order does not
 *   matter. A unit is equal when the counts, the sums, and the absence of
 *   unreadable values agree.
 * - Locating: while a keyed unit is read, each side also keeps (key, row
 *   hash) pairs — at most VERIFY_ITEMIZE_MAX per side, memory bounded by
 *   the chunk size, not the table. When the unit differs, sorting and
 *   merging them names the keys that changed, are missing, or are extra.
 *   Units that are equal drop them unsorted. The first changed rows of a
 *   run are then read once more by key on both sides to name the columns
 *   that differ (a one-key range: no new driver call needed).
 * - Streaming: read_chunk streams; nothing per row outlives its unit.
 * - The target is read in one snapshot (begin_snapshot), never written.
 *   A SQLite target is opened read-only (as a source would be), so
 *   verifying never creates a file or changes its journal mode. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "verify.h"
#include "verify_internal.h"
#include "run.h"

#define VERIFY_ITEMIZE_MAX ((size_t)1 << 21)   /* keys kept per side per chunk: 32 MiB */

/* ---- one side of a unit ---- */

typedef struct vkh {
    int64_t  key;
    uint64_t hash;
} vkh;

typedef struct vside {
    ferry_conn *conn;
    read_spec   spec;
    vhasher     h;
    int         itemize;           /* keep (key, hash) pairs: keyed units only */
    atomic_int *stop;              /* set when the other side failed */
    /* results of the unit */
    int64_t     rows;
    uint64_t    sum;
    int64_t     bad;
    int         bad_col;
    int64_t     bad_key;
    char        bad_reason[300];
    vkh        *items;
    size_t      n, cap;
    int         overflow;          /* more rows than VERIFY_ITEMIZE_MAX */
    int         rc;
    ferry_err   err;
} vside;

static void side_reset(vside *sd)
{
    sd->rows = 0;
    sd->sum = 0;
    sd->bad = 0;
    sd->n = 0;
    sd->overflow = 0;
    sd->rc = 0;
    memset(&sd->err, 0, sizeof sd->err);
}

static int side_row(void *ctx, const ferry_value *vals, int64_t key, ferry_err *e)
{
    vside *sd = ctx;
    uint64_t h;
    int bad_col;
    const char *why = NULL;
    if (ferry_stop_requested) return ferry_err_set(e, FERRY_E_INTERRUPTED, "interrupted");
    if (atomic_load_explicit(sd->stop, memory_order_relaxed))
        return ferry_err_set(e, FERRY_E_INTERRUPTED, "stopped: the other side failed");
    if (vh_row(&sd->h, vals, &h, &bad_col, &why)) {
        if (sd->bad++ == 0) {
            sd->bad_col = bad_col;
            sd->bad_key = key;
            snprintf(sd->bad_reason, sizeof sd->bad_reason, "%s", why ? why : "");
        }
    }
    sd->rows++;
    sd->sum += h;
    if (sd->itemize && !sd->overflow) {
        if (sd->n == VERIFY_ITEMIZE_MAX) {
            sd->overflow = 1;
        } else {
            if (sd->n == sd->cap) {
                sd->cap = sd->cap ? sd->cap * 2 : 4096;
                sd->items = xrealloc(sd->items, sd->cap * sizeof *sd->items);
            }
            sd->items[sd->n].key = key;
            sd->items[sd->n].hash = h;
            sd->n++;
        }
    }
    return 0;
}

static void side_read(vside *sd)
{
    sd->rc = sd->conn->drv->read_chunk(sd->conn, &sd->spec, side_row, sd, &sd->err);
    if (sd->rc) atomic_store(sd->stop, 1);
}

static void *side_main(void *arg)
{
    side_read(arg);
    return NULL;
}

/* run_unit — read src and (when tgt is not NULL) tgt at once. Returns 0, or
 * -1 with e set to the error that came first (not the other side's
 * "stopped"). */
static int run_unit(vside *src, vside *tgt, ferry_err *e)
{
    atomic_int stop = 0;
    pthread_t th;
    int threaded = 0;
    side_reset(src);
    src->stop = &stop;
    if (tgt) {
        side_reset(tgt);
        tgt->stop = &stop;
        threaded = pthread_create(&th, NULL, side_main, tgt) == 0;
    }
    side_read(src);
    if (threaded) pthread_join(th, NULL);
    else if (tgt && !src->rc) side_read(tgt);
    const vside *failed = NULL;
    if (src->rc && !(tgt && tgt->rc && src->err.code == FERRY_E_INTERRUPTED &&
                     tgt->err.code != FERRY_E_INTERRUPTED))
        failed = src;
    else if (tgt && tgt->rc)
        failed = tgt;
    if (!failed) return 0;
    *e = failed->err;
    if (failed == tgt && e->side == SIDE_NONE) e->side = SIDE_TARGET;
    if (failed == src && e->side == SIDE_NONE) e->side = SIDE_SOURCE;
    return -1;
}

/* ---- locating differing keys ---- */

static int vkh_cmp(const void *a, const void *b)
{
    const vkh *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static void note_key(vunit_diff *d, int64_t key, vrow_change c)
{
    if (c == VR_CHANGED) d->nchanged++;
    else if (c == VR_MISSING) d->nmissing++;
    else d->nextra++;
    if (d->nshown < VERIFY_KEYS_SHOWN) {
        d->shown[d->nshown].key = key;
        d->shown[d->nshown].change = c;
        d->shown[d->nshown].ncols = -1;
        d->nshown++;
    }
}

/* itemize — merge both sides' sorted (key, hash) lists: keys on one side
 * only are missing / extra, keys whose hashes differ are changed. */
static void itemize(vunit_diff *d, vside *s, vside *t)
{
    qsort(s->items, s->n, sizeof *s->items, vkh_cmp);
    qsort(t->items, t->n, sizeof *t->items, vkh_cmp);
    size_t i = 0, j = 0;
    while (i < s->n || j < t->n) {
        if (j >= t->n || (i < s->n && s->items[i].key < t->items[j].key)) {
            note_key(d, s->items[i++].key, VR_MISSING);
        } else if (i >= s->n || t->items[j].key < s->items[i].key) {
            note_key(d, t->items[j++].key, VR_EXTRA);
        } else {
            if (s->items[i].hash != t->items[j].hash) note_key(d, s->items[i].key, VR_CHANGED);
            i++;
            j++;
        }
    }
    d->itemized = 1;
}

/* ---- naming the columns of a changed row ---- */

#define VERIFY_POINT_READS 100   /* changed rows looked up per run, both sides */

typedef struct vpoint {
    vhasher  *h;
    uint64_t *colh;              /* the row's per-column hashes */
    int       found;
} vpoint;

static int point_row(void *ctx, const ferry_value *vals, int64_t key, ferry_err *e)
{
    vpoint *p = ctx;
    uint64_t hash;
    int bad;
    const char *why;
    (void)key;
    (void)e;
    if (p->found++) return 0;                        /* a duplicate key: the first row */
    vh_row(p->h, vals, &hash, &bad, &why);
    for (int c = 0; c < p->h->ncols; c++) p->colh[c] = vh_col_hash(p->h, c);
    return 0;
}

/* name_columns — read the row of key rd->key on both sides (the key range
 * [key, key+1), in the same snapshots) and name the columns whose values
 * differ. */
static int name_columns(vside *s, vside *t, vrow_diff *rd, ferry_err *e)
{
    int n = s->h.ncols, rc = -1;
    uint64_t *colh = xcalloc((size_t)n * 2 + 1, sizeof *colh);
    vpoint ps = {&s->h, colh, 0}, pt = {&t->h, colh + n, 0};
    read_spec ss = s->spec, ts = t->spec;
    ss.has_lo = ts.has_lo = 1;
    ss.lo = ts.lo = rd->key;
    ss.has_hi = ts.has_hi = rd->key < INT64_MAX;
    ss.hi = ts.hi = rd->key + (rd->key < INT64_MAX);
    if (s->conn->drv->read_chunk(s->conn, &ss, point_row, &ps, e)) goto out;
    if (t->conn->drv->read_chunk(t->conn, &ts, point_row, &pt, e)) {
        if (e->side == SIDE_NONE) e->side = SIDE_TARGET;
        goto out;
    }
    if (ps.found && pt.found) {
        rd->ncols = 0;
        for (int c = 0; c < n; c++)
            if (colh[c] != colh[n + c]) {
                if (rd->ncols < VERIFY_COLS_SHOWN) rd->cols[rd->ncols] = c;
                rd->ncols++;
            }
    }
    rc = 0;
out:
    free(colh);
    return rc;
}

/* ---- the run ---- */

typedef struct vrun {
    session             *s;
    const ferry_options *o;
    ferry_conn          *dst;
    ferry_catalog        tcat;
    int                  dst_engine;
    FILE                *out;
    cJSON               *tables_json;    /* NULL when no JSON is wanted */
    vsummary             sum;
    const cat_table    **matched;        /* target tables compared (for the extras list) */
    int                  nmatched;
    vside                src, tgt;
    int                  point_reads;    /* changed rows looked up so far */
    arena                mem;            /* the current table's results; reset per table */
} vrun;

/* connect_target — open the target for reading, in one snapshot, and
 * describe it. */
static int connect_target(vrun *r, ferry_err *e)
{
    session *s = r->s;
    if (s->tu.engine == ENGINE_SQLITE) {
        struct stat st;
        if (!s->tu.path || stat(s->tu.path, &st) != 0) {
            ferry_err_set(e, FERRY_E_CONNECT, "target %s: no such file \"%s\": nothing to "
                          "verify (check the path; sqlite:///rel.db is relative, "
                          "sqlite:////abs.db is absolute)", s->tu.display,
                          s->tu.path ? s->tu.path : "");
            e->side = SIDE_TARGET;
            return -1;
        }
        /* Read-only, as a source: a target connection would switch the
         * file to WAL and create it when missing. */
        if (!(r->dst = driver_connect(&s->tu, SIDE_SOURCE, e))) {
            ferry_err_prefix(e, "opening the target to verify it: ");
            e->side = SIDE_TARGET;
            return -1;
        }
        r->dst->side = SIDE_TARGET;
    } else if (!(r->dst = driver_connect(&s->tu, SIDE_TARGET, e))) {
        return -1;
    }
    if (r->dst->drv->begin_snapshot(r->dst, e) || r->dst->drv->describe(r->dst, &r->tcat, e)) {
        e->side = SIDE_TARGET;
        return -1;
    }
    return 0;
}

/* ferry_own — ferry's state tables: schema _ferry on PostgreSQL (never
 * described), tables _ferry_* elsewhere. */
static int ferry_own(const char *name)
{
    return strncmp(name, "_ferry_", 7) == 0;
}

/* in_schema — t lives where the plan puts tables (engines with schemas). */
static int in_schema(const vrun *r, const cat_table *t)
{
    if (!r->s->dst->has_schemas || !r->s->plan.schema) return 1;
    return t->schema && strcmp(t->schema, r->s->plan.schema) == 0;
}

/* find_target — the target table called name: exact, else the one
 * case-insensitive match (MySQL may fold table names). */
static const cat_table *find_target(const vrun *r, const char *name)
{
    const cat_table *found = NULL;
    int nfound = 0;
    for (int i = 0; i < r->tcat.ntables; i++)
        if (in_schema(r, &r->tcat.tables[i]) && strcmp(r->tcat.tables[i].name, name) == 0)
            return &r->tcat.tables[i];
    for (int i = 0; i < r->tcat.ntables; i++)
        if (in_schema(r, &r->tcat.tables[i]) && strcasecmp(r->tcat.tables[i].name, name) == 0) {
            found = &r->tcat.tables[i];
            nfound++;
        }
    return nfound == 1 ? found : NULL;
}

/* key_plan_col — the plan column holding the chunking key, -1 if none. */
static int key_plan_col(const plan_table *pt)
{
    for (int c = 0; c < pt->ncols; c++) {
        if (pt->key_column && strcmp(pt->cols[c].src->name, pt->key_column) == 0) return c;
        if (!pt->key_column && pt->src->rowid_alias >= 0 &&
            pt->cols[c].src == &pt->src->cols[pt->src->rowid_alias])
            return c;
    }
    return -1;
}

/* take_bad — fold a side's unreadable values of the unit into the table. */
static void take_bad(vrun *r, vtable *vt, int side, const vside *sd, int keyed)
{
    vbad *b = &vt->bad[side];
    if (!sd->bad) return;
    if (!b->count) {
        b->col = sd->bad_col;
        b->key = sd->bad_key;
        b->keyed = keyed;
        b->reason = arena_strdup(&r->mem, sd->bad_reason);
    }
    b->count += sd->bad;
}

/* compare_unit — read one unit on both sides and fold it into vt. */
static int compare_unit(vrun *r, vtable *vt, const plan_chunk *k, int keyed, ferry_err *e)
{
    vside *s = &r->src, *t = &r->tgt;
    s->itemize = t->itemize = keyed;
    s->spec.has_lo = t->spec.has_lo = k ? k->has_lo : 0;
    s->spec.has_hi = t->spec.has_hi = k ? k->has_hi : 0;
    s->spec.lo = t->spec.lo = k ? k->lo : 0;
    s->spec.hi = t->spec.hi = k ? k->hi : 0;
    if (run_unit(s, t, e)) return -1;
    vt->nunits++;
    vt->rows[VS_SRC] += s->rows;
    vt->rows[VS_TGT] += t->rows;
    vt->sum[VS_SRC] += s->sum;
    vt->sum[VS_TGT] += t->sum;
    take_bad(r, vt, VS_SRC, s, keyed);
    take_bad(r, vt, VS_TGT, t, keyed);
    if (s->rows == t->rows && s->sum == t->sum && !s->bad && !t->bad) return 0;
    vt->nunits_different++;
    if (vt->ndiffs == vt->cap_diffs) {
        int nc = vt->cap_diffs ? vt->cap_diffs * 2 : 8;
        vunit_diff *nd = arena_alloc(&r->mem, sizeof *nd * (size_t)nc);
        if (vt->ndiffs) memcpy(nd, vt->diffs, sizeof *nd * (size_t)vt->ndiffs);
        vt->diffs = nd;
        vt->cap_diffs = nc;
    }
    vunit_diff *d = &vt->diffs[vt->ndiffs++];
    memset(d, 0, sizeof *d);
    d->chunk_id = k ? k->id : -1;
    d->has_lo = s->spec.has_lo;
    d->has_hi = s->spec.has_hi;
    d->lo = s->spec.lo;
    d->hi = s->spec.hi;
    d->rows[VS_SRC] = s->rows;
    d->rows[VS_TGT] = t->rows;
    d->sum[VS_SRC] = s->sum;
    d->sum[VS_TGT] = t->sum;
    d->bad[VS_SRC] = s->bad;
    d->bad[VS_TGT] = t->bad;
    if (!keyed)
        d->why_not_itemized = "no key to name rows by";
    else if (s->overflow || t->overflow)
        d->why_not_itemized = "more rows in the chunk than verify itemizes; rerun with a smaller "
                              "--chunk-rows";
    else
        itemize(d, s, t);
    for (int i = 0; i < d->nshown && r->point_reads < VERIFY_POINT_READS; i++)
        if (d->shown[i].change == VR_CHANGED) {
            r->point_reads++;
            if (name_columns(s, t, &d->shown[i], e)) return -1;
        }
    return 0;
}

/* source_only — read the whole source table (rows and checksum) when the
 * target has nothing to compare it with. */
static int source_only(vrun *r, vtable *vt, ferry_err *e)
{
    r->src.itemize = 0;
    r->src.spec.key_column = vt->pt->whole ? NULL : vt->pt->key_column;
    r->src.spec.has_lo = r->src.spec.has_hi = 0;
    if (run_unit(&r->src, NULL, e)) return -1;
    vt->rows[VS_SRC] = r->src.rows;
    vt->sum[VS_SRC] = r->src.sum;
    return 0;
}

/* verify_table — compare one planned table; vt is filled (memory from
 * r->mem). */
static int verify_table(vrun *r, const plan_table *pt, vtable *vt, ferry_err *e)
{
    double t0 = now_monotonic();
    const cat_table *tt = find_target(r, pt->name);
    int rc = -1;
    memset(vt, 0, sizeof *vt);
    vt->pt = pt;
    vt->ncols = pt->ncols;
    vt->cols = arena_alloc(&r->mem, sizeof *vt->cols * (size_t)(pt->ncols + 1));
    for (int c = 0; c < pt->ncols; c++)
        vcol_setup(&vt->cols[c], &pt->cols[c], r->dst_engine, arena_alloc(&r->mem, 128), 128);
    vhasher_init(&r->src.h, vt->cols, vt->ncols, r->o->zero_dates_null);
    vhasher_init(&r->tgt.h, vt->cols, vt->ncols, r->o->zero_dates_null);
    r->src.spec = (read_spec){pt->src, pt->ncols, pt->read_cols, NULL, 0, 0, 0, 0, NULL};

    if (!tt) {
        vt->status = VT_MISSING;
        rc = source_only(r, vt, e);
        goto out;
    }
    r->matched[r->nmatched++] = tt;
    vt->target_name = tt->name;
    /* The planned columns, found by their planned names. */
    int *tidx = arena_alloc(&r->mem, sizeof(int) * (size_t)(pt->ncols + 1));
    char *hit = arena_alloc(&r->mem, (size_t)tt->ncols + 1);
    vt->missing_cols = arena_alloc(&r->mem, sizeof(char *) * (size_t)(pt->ncols + 1));
    vt->extra_cols = arena_alloc(&r->mem, sizeof(char *) * (size_t)(tt->ncols + 1));
    for (int c = 0; c < pt->ncols; c++) {
        tidx[c] = catalog_column_index(tt, pt->cols[c].name);
        if (tidx[c] < 0) vt->missing_cols[vt->nmissing_cols++] = pt->cols[c].name;
        else hit[tidx[c]] = 1;
    }
    for (int c = 0; c < tt->ncols; c++)
        if (!hit[c] && !tt->cols[c].generated) vt->extra_cols[vt->nextra_cols++] = tt->cols[c].name;
    if (vt->nmissing_cols) {
        vt->status = VT_COLUMNS;
        rc = source_only(r, vt, e);
        goto out;
    }
    r->tgt.spec = (read_spec){tt, pt->ncols, tidx, NULL, 0, 0, 0, 0, NULL};

    /* Chunked by the plan's key when the target has it, else whole. */
    int kc = pt->whole ? -1 : key_plan_col(pt);
    if (pt->whole)
        vt->whole_reason = "no single-column integer key";
    else if (kc < 0)
        vt->whole_reason = "the source's rowid is not a column of the target";
    else if (pt->nchunks <= 0)
        vt->whole_reason = "no chunks planned";
    if (!vt->whole_reason) {
        vt->key_name = tt->cols[tidx[kc]].name;
        r->src.spec.key_column = pt->key_column;
        r->tgt.spec.key_column = vt->key_name;
        for (int i = 0; i < pt->nchunks; i++)
            if (compare_unit(r, vt, &r->s->plan.chunks[pt->first_chunk + i], 1, e)) goto out;
    } else {
        r->src.spec.key_column = pt->whole ? NULL : pt->key_column;
        r->tgt.spec.key_column = NULL;
        if (compare_unit(r, vt, NULL, 0, e)) goto out;
    }
    vt->status = vt->nunits_different ? VT_DIFFERENT : VT_EQUAL;
    rc = 0;
out:
    if (rc) ferry_err_prefix(e, "table \"%s\": ", pt->name);
    vt->seconds = now_monotonic() - t0;
    return rc;
}

/* extra_tables — target tables no planned table matched (informational),
 * ferry's own state tables left out. */
static const char **extra_tables(vrun *r, int *n)
{
    const char **list = arena_alloc(&r->mem, sizeof(char *) * (size_t)(r->tcat.ntables + 1));
    *n = 0;
    for (int i = 0; i < r->tcat.ntables; i++) {
        const cat_table *t = &r->tcat.tables[i];
        int seen = 0;
        if (!in_schema(r, t) || ferry_own(t->name)) continue;
        for (int k = 0; k < r->nmatched && !seen; k++) seen = r->matched[k] == t;
        if (!seen) list[(*n)++] = t->name;
    }
    return list;
}

int verify_run(session *s, const ferry_options *o, FILE *out, cJSON **json_out, ferry_err *e)
{
    vrun r;
    int result = -1, nextra = 0, nskipped = 0;
    double t0 = now_monotonic();
    cJSON *root = NULL, *skipped = NULL;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.o = o;
    r.out = out;
    r.dst_engine = s->tu.engine;
    if (json_out) *json_out = NULL;
    r.src.conn = s->src;
    r.matched = xcalloc((size_t)s->plan.ntables + 1, sizeof *r.matched);
    if (s->plan.nchunks == 0 && plan_chunks(&s->plan, s->src, e)) goto out;
    if (connect_target(&r, e)) goto out;
    r.tgt.conn = r.dst;
    if (json_out) {
        root = cJSON_CreateObject();
        cJSON_AddNumberToObject(root, "schema_version", 1);
        cJSON_AddStringToObject(root, "source", s->su.display);
        cJSON_AddStringToObject(root, "target", s->tu.display);
        if (s->dst->has_schemas && s->plan.schema)
            cJSON_AddStringToObject(root, "target_schema", s->plan.schema);
        else
            cJSON_AddNullToObject(root, "target_schema");
        cJSON_AddStringToObject(root, "checksum", "xxh3-64 of each row's logical values, summed "
                                                  "mod 2^64");
        cJSON_AddNumberToObject(root, "chunk_rows", (double)o->chunk_rows);
        r.tables_json = cJSON_AddArrayToObject(root, "tables");
        skipped = cJSON_CreateArray();
    }
    vreport_header(out, s->su.display, s->tu.display,
                   s->dst->has_schemas ? s->plan.schema : NULL, s->plan.ntables,
                   o->chunk_rows > 0 ? o->chunk_rows : 50000);
    for (int i = 0; i < s->plan.ntables; i++) {
        const plan_table *pt = &s->plan.tables[i];
        vtable vt;
        if (ferry_own(pt->src->name)) {
            /* A source that was itself a ferry target: its state tables are
             * not data, and in the target the same names are ferry's own. */
            nskipped++;
            if (out) fprintf(out, "  skip     %s: ferry's own state table\n", pt->src->name);
            if (skipped) cJSON_AddItemToArray(skipped, cJSON_CreateString(pt->src->name));
            continue;
        }
        arena_reset(&r.mem);
        int rc = verify_table(&r, pt, &vt, e);
        vhasher_free(&r.src.h);
        vhasher_free(&r.tgt.h);
        if (rc) goto out;
        r.sum.tables++;
        r.sum.rows[VS_SRC] += vt.rows[VS_SRC];
        r.sum.rows[VS_TGT] += vt.rows[VS_TGT];
        if (vt.status == VT_EQUAL) r.sum.equal++;
        else if (vt.status == VT_MISSING) r.sum.missing++;
        else r.sum.different++;
        vreport_table(out, &vt);
        if (out) fflush(out);
        if (r.tables_json) cJSON_AddItemToArray(r.tables_json, vreport_table_json(&vt));
    }
    arena_reset(&r.mem);
    const char **extra = extra_tables(&r, &nextra);
    r.sum.seconds = now_monotonic() - t0;
    vreport_summary(out, &r.sum, nextra, extra);
    result = r.sum.different || r.sum.missing ? 1 : 0;
    if (root) {
        cJSON_AddStringToObject(root, "status", result ? "different" : "equal");
        cJSON *x = cJSON_AddArrayToObject(root, "extra_target_tables");
        for (int i = 0; i < nextra; i++) cJSON_AddItemToArray(x, cJSON_CreateString(extra[i]));
        cJSON_AddItemToObject(root, "skipped_tables", skipped);
        skipped = NULL;
        cJSON *sm = cJSON_AddObjectToObject(root, "summary");
        cJSON_AddNumberToObject(sm, "tables", r.sum.tables);
        cJSON_AddNumberToObject(sm, "equal", r.sum.equal);
        cJSON_AddNumberToObject(sm, "different", r.sum.different);
        cJSON_AddNumberToObject(sm, "missing", r.sum.missing);
        cJSON_AddNumberToObject(sm, "skipped", nskipped);
        cJSON_AddNumberToObject(sm, "rows_source", (double)r.sum.rows[VS_SRC]);
        cJSON_AddNumberToObject(sm, "rows_target", (double)r.sum.rows[VS_TGT]);
        cJSON_AddNumberToObject(sm, "seconds", r.sum.seconds);
        *json_out = root;
        root = NULL;
    }
out:
    cJSON_Delete(root);
    cJSON_Delete(skipped);
    free(r.src.items);
    free(r.tgt.items);
    free(r.matched);
    arena_free(&r.mem);
    catalog_free(&r.tcat);
    drv_close(r.dst);
    return result;
}

int verify_command(const ferry_options *o)
{
    session s;
    ferry_err e = {0};
    cJSON *json = NULL;
    int rc;
    memset(&s, 0, sizeof s);
    if (session_open(&s, o, &e)) {
        rc = -1;
    } else {
        FILE *out = o->json || o->quiet ? NULL : stdout;
        rc = verify_run(&s, o, out, o->json ? &json : NULL, &e);
    }
    if (rc < 0) {
        if (e.code == FERRY_E_INTERRUPTED)
            fprintf(stderr, "ferry: verify interrupted (it writes nothing: run it again)\n");
        else
            fprintf(stderr, "ferry: error: %s\n", e.msg);
        session_free(&s);
        return ferry_exit_code(&e);
    }
    if (json) {
        char *text = cJSON_Print(json);
        printf("%s\n", text);
        free(text);
        cJSON_Delete(json);
    }
    session_free(&s);
    return rc ? EXIT_DIFFERENT : EXIT_OK;
}
