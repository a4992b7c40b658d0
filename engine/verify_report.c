/* verify_report.c — what `ferry verify` prints: one block per table as it
 * finishes (a line, then the differing chunks with their key ranges and
 * the differing keys), a summary; and the same as JSON (docs/verify.md
 * documents the fields). Only display forms of the endpoints reach here,
 * never a password. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "verify_internal.h"

#define CHUNKS_SHOWN 10          /* differing chunks printed per table (JSON has all) */

static const char *status_word(vt_status s)
{
    switch (s) {
    case VT_EQUAL:     return "equal";
    case VT_DIFFERENT: return "different";
    case VT_MISSING:   return "missing";
    case VT_COLUMNS:   return "columns_missing";
    }
    return "different";
}

static const char *change_word(vrow_change c)
{
    switch (c) {
    case VR_CHANGED: return "changed";
    case VR_MISSING: return "missing_in_target";
    case VR_EXTRA:   return "extra_in_target";
    }
    return "changed";
}

static const char *change_text(vrow_change c)
{
    switch (c) {
    case VR_CHANGED: return "changed";
    case VR_MISSING: return "missing in the target";
    case VR_EXTRA:   return "only in the target";
    }
    return "changed";
}

static const char *rows_word(int64_t n)
{
    return n == 1 ? "row" : "rows";
}

void vreport_range(char *buf, size_t cap, const char *key, int has_lo, int64_t lo,
                   int has_hi, int64_t hi)
{
    if (!key) key = "key";
    if (has_lo && has_hi)
        snprintf(buf, cap, "%" PRId64 " <= %s < %" PRId64, lo, key, hi);
    else if (has_lo)
        snprintf(buf, cap, "%s >= %" PRId64, key, lo);
    else if (has_hi)
        snprintf(buf, cap, "%s < %" PRId64, key, hi);
    else
        snprintf(buf, cap, "all rows");
}

void vreport_header(FILE *out, const char *src, const char *dst, const char *schema,
                    int nunits, int64_t chunk_rows)
{
    if (!out) return;
    fprintf(out, "verify %s -> %s", src, dst);
    if (schema) fprintf(out, " (schema %s)", schema);
    fprintf(out, ": %d table(s), chunks of about %" PRId64 " rows\n", nunits, chunk_rows);
}

/* print_bad — the values of one side that could not be read as their type. */
static void print_bad(FILE *out, const vtable *t, int side)
{
    const vbad *b = &t->bad[side];
    char lt[64];
    if (!b->count) return;
    ltype_format(&t->cols[b->col].lt, lt, sizeof lt);
    fprintf(out, "          %s: %" PRId64 " value(s) cannot be read as their column's type; "
            "the first: column \"%s\" (%s) at %s%s%" PRId64 ": %s\n",
            side == VS_SRC ? "source" : "target", b->count, t->cols[b->col].pc->name, lt,
            b->keyed ? (t->key_name ? t->key_name : "key") : "row ", b->keyed ? "=" : "",
            b->key, b->reason ? b->reason : "");
}

static void print_unit(FILE *out, const vtable *t, const vunit_diff *d)
{
    char range[160];
    vreport_range(range, sizeof range, t->key_name, d->has_lo, d->lo, d->has_hi, d->hi);
    if (d->chunk_id >= 0) fprintf(out, "      chunk %d (%s):", d->chunk_id, range);
    else fprintf(out, "      whole table:");
    fprintf(out, " rows %" PRId64 " / %" PRId64 ", checksums %016" PRIx64 " / %016" PRIx64,
            d->rows[VS_SRC], d->rows[VS_TGT], d->sum[VS_SRC], d->sum[VS_TGT]);
    if (d->bad[VS_SRC] || d->bad[VS_TGT])
        fprintf(out, ", unreadable values %" PRId64 " / %" PRId64, d->bad[VS_SRC], d->bad[VS_TGT]);
    fputc('\n', out);
    if (d->itemized) {
        int64_t total = d->nchanged + d->nmissing + d->nextra;
        if (total == 0) {
            fprintf(out, "          every key holds the same row on both sides; the difference is "
                         "in values that cannot be read (below)\n");
            return;
        }
        fprintf(out, "         ");
        if (total > d->nshown)
            fprintf(out, " %" PRId64 " rows differ (%" PRId64 " changed, %" PRId64 " missing in the "
                    "target, %" PRId64 " only in the target); the first:", total, d->nchanged,
                    d->nmissing, d->nextra);
        for (int i = 0; i < d->nshown; i++) {
            const vrow_diff *rd = &d->shown[i];
            fprintf(out, "%s %s=%" PRId64 " %s", i ? "," : "", t->key_name, rd->key,
                    change_text(rd->change));
            for (int c = 0; c < rd->ncols && c < VERIFY_COLS_SHOWN; c++)
                fprintf(out, "%s\"%s\"", c ? ", " : " (", t->cols[rd->cols[c]].pc->name);
            if (rd->ncols > VERIFY_COLS_SHOWN) fprintf(out, ", +%d more", rd->ncols - VERIFY_COLS_SHOWN);
            if (rd->ncols > 0) fputc(')', out);
        }
        fputc('\n', out);
    } else if (d->why_not_itemized) {
        fprintf(out, "          (rows not named: %s)\n", d->why_not_itemized);
    }
}

void vreport_table(FILE *out, const vtable *t)
{
    if (!out) return;
    const char *name = t->pt->name;
    const char *srcname = t->pt->src->name;
    char also[300] = "";
    if (strcmp(name, srcname) != 0) snprintf(also, sizeof also, " (source \"%s\")", srcname);
    switch (t->status) {
    case VT_MISSING:
        fprintf(out, "  MISSING  %s%s: not in the target (%" PRId64 " %s in the source)\n",
                name, also, t->rows[VS_SRC], rows_word(t->rows[VS_SRC]));
        return;
    case VT_COLUMNS:
        fprintf(out, "  DIFF     %s%s: the target table lacks column(s)", name, also);
        for (int i = 0; i < t->nmissing_cols; i++)
            fprintf(out, "%s \"%s\"", i ? "," : "", t->missing_cols[i]);
        fprintf(out, " (%" PRId64 " %s in the source); not compared\n", t->rows[VS_SRC],
                rows_word(t->rows[VS_SRC]));
        return;
    case VT_EQUAL:
        fprintf(out, "  ok       %s%s: %" PRId64 " %s equal", name, also, t->rows[VS_SRC],
                rows_word(t->rows[VS_SRC]));
        if (t->key_name) fprintf(out, " (%d chunk(s) by %s)", t->nunits, t->key_name);
        else fprintf(out, " (compared whole: %s)", t->whole_reason ? t->whole_reason : "no key");
        fputc('\n', out);
        break;
    case VT_DIFFERENT:
        fprintf(out, "  DIFF     %s%s: rows %" PRId64 " source / %" PRId64 " target, checksums %016"
                PRIx64 " / %016" PRIx64, name, also, t->rows[VS_SRC], t->rows[VS_TGT],
                t->sum[VS_SRC], t->sum[VS_TGT]);
        if (t->key_name)
            fprintf(out, "; %d of %d chunk(s) by %s differ\n", t->nunits_different, t->nunits,
                    t->key_name);
        else
            fprintf(out, "; compared whole (%s)\n", t->whole_reason ? t->whole_reason : "no key");
        for (int i = 0; i < t->ndiffs && i < CHUNKS_SHOWN; i++) print_unit(out, t, &t->diffs[i]);
        if (t->ndiffs > CHUNKS_SHOWN)
            fprintf(out, "      ... and %d more differing chunk(s) (--json lists them all)\n",
                    t->ndiffs - CHUNKS_SHOWN);
        print_bad(out, t, VS_SRC);
        print_bad(out, t, VS_TGT);
        break;
    }
    for (int i = 0; i < t->nextra_cols; i++)
        fprintf(out, "          note: the target has column \"%s\", not in the source (not compared)\n",
                t->extra_cols[i]);
    for (int c = 0; c < t->ncols; c++)
        if (t->cols[c].how)
            fprintf(out, "          note: \"%s\" compared %s (declared lossy: %s)\n",
                    t->cols[c].pc->name, t->cols[c].how, t->cols[c].pc->lossy);
}

void vreport_summary(FILE *out, const vsummary *s, int nextra, const char *const *extra)
{
    if (!out) return;
    if (nextra) {
        fprintf(out, "target tables not compared (not in the source selection):");
        for (int i = 0; i < nextra; i++) fprintf(out, "%s %s", i ? "," : "", extra[i]);
        fputc('\n', out);
    }
    if (s->different == 0 && s->missing == 0)
        fprintf(out, "equal: %d table(s), %" PRId64 " %s (%.1f s)\n", s->tables, s->rows[VS_SRC],
                rows_word(s->rows[VS_SRC]), s->seconds);
    else
        fprintf(out, "DIFFERENT: %d of %d table(s) differ (%d missing in the target); rows %" PRId64
                " source / %" PRId64 " target (%.1f s)\n", s->different + s->missing, s->tables,
                s->missing, s->rows[VS_SRC], s->rows[VS_TGT], s->seconds);
}

/* ---- JSON ---- */

/* add_i64 — an exact 64-bit integer (a double would round above 2^53). */
static void add_i64(cJSON *o, const char *name, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    cJSON_AddRawToObject(o, name, buf);
}

static cJSON *i64(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cJSON_CreateRaw(buf);
}

static void add_hex(cJSON *o, const char *name, uint64_t v)
{
    char buf[20];
    snprintf(buf, sizeof buf, "%016" PRIx64, v);
    cJSON_AddStringToObject(o, name, buf);
}

/* pair — {"source": a, "target": b}. */
static cJSON *pair_i64(int64_t a, int64_t b, int has_b)
{
    cJSON *o = cJSON_CreateObject();
    add_i64(o, "source", a);
    if (has_b) add_i64(o, "target", b); else cJSON_AddNullToObject(o, "target");
    return o;
}

static cJSON *pair_hex(uint64_t a, uint64_t b, int has_b)
{
    cJSON *o = cJSON_CreateObject();
    add_hex(o, "source", a);
    if (has_b) add_hex(o, "target", b); else cJSON_AddNullToObject(o, "target");
    return o;
}

static cJSON *unit_json(const vtable *t, const vunit_diff *d)
{
    cJSON *o = cJSON_CreateObject();
    if (d->chunk_id >= 0) cJSON_AddNumberToObject(o, "chunk", d->chunk_id);
    else cJSON_AddNullToObject(o, "chunk");
    cJSON *r = cJSON_AddArrayToObject(o, "key_range");
    cJSON_AddItemToArray(r, d->has_lo ? i64(d->lo) : cJSON_CreateNull());
    cJSON_AddItemToArray(r, d->has_hi ? i64(d->hi) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "rows", pair_i64(d->rows[VS_SRC], d->rows[VS_TGT], 1));
    cJSON_AddItemToObject(o, "checksum", pair_hex(d->sum[VS_SRC], d->sum[VS_TGT], 1));
    cJSON_AddItemToObject(o, "unreadable_values", pair_i64(d->bad[VS_SRC], d->bad[VS_TGT], 1));
    cJSON_AddBoolToObject(o, "itemized", d->itemized);
    if (d->itemized) {
        add_i64(o, "rows_changed", d->nchanged);
        add_i64(o, "rows_missing_in_target", d->nmissing);
        add_i64(o, "rows_only_in_target", d->nextra);
        cJSON *keys = cJSON_AddArrayToObject(o, "keys");
        for (int i = 0; i < d->nshown; i++) {
            cJSON *k = cJSON_CreateObject();
            const vrow_diff *rd = &d->shown[i];
            add_i64(k, "key", rd->key);
            cJSON_AddStringToObject(k, "change", change_word(rd->change));
            if (rd->ncols >= 0) {
                /* the differing columns (all of them, by target name) */
                cJSON *cols = cJSON_AddArrayToObject(k, "columns");
                for (int c = 0; c < rd->ncols && c < VERIFY_COLS_SHOWN; c++)
                    cJSON_AddItemToArray(cols, cJSON_CreateString(t->cols[rd->cols[c]].pc->name));
                cJSON_AddNumberToObject(k, "columns_different", rd->ncols);
            }
            cJSON_AddItemToArray(keys, k);
        }
    } else if (d->why_not_itemized) {
        cJSON_AddStringToObject(o, "not_itemized", d->why_not_itemized);
    }
    return o;
}

static cJSON *bad_json(const vtable *t, int side)
{
    const vbad *b = &t->bad[side];
    cJSON *o = cJSON_CreateObject();
    add_i64(o, "count", b->count);
    if (b->count) {
        char lt[64];
        ltype_format(&t->cols[b->col].lt, lt, sizeof lt);
        cJSON_AddStringToObject(o, "column", t->cols[b->col].pc->name);
        cJSON_AddStringToObject(o, "type", lt);
        if (b->keyed) add_i64(o, "key", b->key); else add_i64(o, "row", b->key);
        cJSON_AddStringToObject(o, "reason", b->reason ? b->reason : "");
    }
    return o;
}

cJSON *vreport_table_json(const vtable *t)
{
    cJSON *o = cJSON_CreateObject();
    int has_t = t->status != VT_MISSING && t->status != VT_COLUMNS;
    cJSON_AddStringToObject(o, "table", t->pt->name);
    cJSON_AddStringToObject(o, "source_table", t->pt->src->name);
    cJSON_AddStringToObject(o, "status", status_word(t->status));
    cJSON_AddItemToObject(o, "rows", pair_i64(t->rows[VS_SRC], t->rows[VS_TGT], has_t));
    cJSON_AddItemToObject(o, "checksum", pair_hex(t->sum[VS_SRC], t->sum[VS_TGT], has_t));
    if (t->key_name) cJSON_AddStringToObject(o, "key", t->key_name);
    else cJSON_AddNullToObject(o, "key");
    if (t->whole_reason) cJSON_AddStringToObject(o, "compared_whole", t->whole_reason);
    cJSON_AddNumberToObject(o, "chunks", t->nunits);
    cJSON_AddNumberToObject(o, "chunks_different", t->nunits_different);
    cJSON *diffs = cJSON_AddArrayToObject(o, "differing_chunks");
    for (int i = 0; i < t->ndiffs; i++) cJSON_AddItemToArray(diffs, unit_json(t, &t->diffs[i]));
    cJSON *un = cJSON_AddObjectToObject(o, "unreadable_values");
    cJSON_AddItemToObject(un, "source", bad_json(t, VS_SRC));
    cJSON_AddItemToObject(un, "target", bad_json(t, VS_TGT));
    cJSON *mc = cJSON_AddArrayToObject(o, "missing_columns");
    for (int i = 0; i < t->nmissing_cols; i++)
        cJSON_AddItemToArray(mc, cJSON_CreateString(t->missing_cols[i]));
    cJSON *xc = cJSON_AddArrayToObject(o, "extra_columns");
    for (int i = 0; i < t->nextra_cols; i++)
        cJSON_AddItemToArray(xc, cJSON_CreateString(t->extra_cols[i]));
    cJSON *lossy = cJSON_AddArrayToObject(o, "lossy_columns");
    for (int c = 0; c < t->ncols; c++) {
        if (!t->cols[c].how) continue;
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "column", t->cols[c].pc->name);
        cJSON_AddStringToObject(l, "lossy", t->cols[c].pc->lossy);
        cJSON_AddStringToObject(l, "compared", t->cols[c].how);
        cJSON_AddItemToArray(lossy, l);
    }
    cJSON_AddNumberToObject(o, "seconds", t->seconds);
    return o;
}
