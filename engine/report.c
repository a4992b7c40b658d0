/* report.c — the final JSON report of a run: status, endpoints (masked),
 * per-table counts, bytes and seconds, each column's type decision and the
 * representation changes counted by the converter, warnings and skipped
 * objects. Field names are stable; docs/report.md documents them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "run.h"

static cJSON *notes_array(const plan_note *n, int count)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", n[i].kind);
        cJSON_AddStringToObject(o, "name", n[i].object ? n[i].object : "");
        cJSON_AddStringToObject(o, "object", n[i].object ? n[i].object : "");
        cJSON_AddStringToObject(o, "message", n[i].message);
        cJSON_AddStringToObject(o, "reason", n[i].message);
        if (n[i].text) cJSON_AddStringToObject(o, "text", n[i].text);
        else cJSON_AddNullToObject(o, "text");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

cJSON *report_build(run_ctx *rc, const char *status, const char *source_display,
                    const char *target_display)
{
    const ferry_plan *p = rc->plan;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", 1);
    cJSON_AddStringToObject(root, "run", progress_run_id(rc->pr));
    cJSON_AddStringToObject(root, "job", rc->job_id ? rc->job_id : "");
    cJSON_AddStringToObject(root, "status", status);
    cJSON_AddStringToObject(root, "source", source_display);
    cJSON_AddStringToObject(root, "target", target_display);
    cJSON_AddStringToObject(root, "target_schema", p->schema);
    if (rc->failed) cJSON_AddStringToObject(root, "error", rc->err.msg);
    int64_t rows = 0, rejected = 0, bytes = 0, lossy_values = 0;
    cJSON *tables = cJSON_AddArrayToObject(root, "tables");
    for (int i = 0; i < p->ntables; i++) {
        const plan_table *t = &p->tables[i];
        const table_stats *ts = &rc->stats[i];
        cJSON *tj = cJSON_CreateObject();
        cJSON_AddStringToObject(tj, "name", t->src->name);
        cJSON_AddStringToObject(tj, "target", t->name);
        cJSON_AddNumberToObject(tj, "rows_read", (double)ts->rows_read);
        cJSON_AddNumberToObject(tj, "rows_written", (double)ts->rows_written);
        cJSON_AddNumberToObject(tj, "rows_rejected", (double)ts->rows_rejected);
        cJSON_AddNumberToObject(tj, "rows_before", (double)ts->rows_before);
        cJSON_AddNumberToObject(tj, "bytes", (double)ts->bytes);
        double secs = ts->started > 0 && ts->finished > ts->started ? ts->finished - ts->started : 0;
        cJSON_AddNumberToObject(tj, "seconds", (double)(int64_t)(secs * 1000) / 1000.0);
        cJSON_AddNumberToObject(tj, "chunks", t->nchunks);
        rows += ts->rows_written;
        rejected += ts->rows_rejected;
        bytes += ts->bytes;
        cJSON *cols = cJSON_AddArrayToObject(tj, "columns");
        for (int c = 0; c < t->ncols; c++) {
            cJSON *cj = plan_column_json(&t->cols[c]);
            cJSON *conv = cJSON_AddObjectToObject(cj, "conversions");
            for (int n = 1; n < NOTE__COUNT; n++) {
                int64_t v = ts->notes ? ts->notes[c * NOTE__COUNT + n] : 0;
                if (n == NOTE_LOSSY_VALUE) continue;
                if (v) cJSON_AddNumberToObject(conv, conv_note_name((conv_note)n), (double)v);
            }
            if (t->cols[c].lossy) {
                /* values that went through the declared-lossy mapping this run */
                int64_t v = ts->notes ? ts->notes[c * NOTE__COUNT + NOTE_LOSSY_VALUE] : 0;
                cJSON_AddNumberToObject(cj, "lossy_values", (double)v);
                lossy_values += v;
            }
            cJSON_AddItemToArray(cols, cj);
        }
        cJSON_AddItemToArray(tables, tj);
    }
    cJSON_AddNumberToObject(root, "rows_written", (double)rows);
    cJSON_AddNumberToObject(root, "rejects", (double)rejected);
    cJSON_AddNumberToObject(root, "lossy_values", (double)lossy_values);
    cJSON_AddNumberToObject(root, "bytes", (double)bytes);
    cJSON_AddItemToObject(root, "warnings", notes_array(p->warnings, p->nwarnings));
    cJSON_AddItemToObject(root, "skipped", notes_array(p->skipped, p->nskipped));
    double secs = now_monotonic() - rc->started;
    cJSON_AddNumberToObject(root, "seconds", (double)(int64_t)(secs * 1000) / 1000.0);
    return root;
}

int report_write(const char *path, const cJSON *report, ferry_err *e)
{
    char *text = cJSON_Print(report);
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f && text && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0) ok = 0;       /* closed whatever happened */
    int rc = ok && rename(tmp, path) == 0
           ? 0 : ferry_err_set(e, FERRY_E_IO, "cannot write report \"%s\": %m", path);
    if (rc) unlink(tmp);
    free(tmp);
    free(text);
    return rc;
}
