/* multi_report.c — the one report of a --schema-per-source copy: per
 * source its status, counts, error and its own report (docs/report.md's
 * format, unchanged), and the totals with the overall status (multi.h;
 * documented in docs/apps/multi-project.md). */
#include <string.h>
#include <cjson/cJSON.h>
#include "multi.h"

const char *multi_source_status(const multi_source *s)
{
    if (!s->pid) return "not_started";
    if (s->signal) return "killed";
    if (s->exit_code == 0) {
        const cJSON *st = s->report ? cJSON_GetObjectItemCaseSensitive(s->report, "status") : NULL;
        return cJSON_IsString(st) ? st->valuestring : "ok";
    }
    return multi_status_name(s->exit_code);
}

/* num — a number of a report object, 0 when absent. */
static double num(const cJSON *o, const char *key)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

cJSON *multi_report_build(multi_source *s, int n, const char *target_display, int exit_code,
                          double seconds)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", 1);
    cJSON_AddStringToObject(root, "kind", "schema_per_source");
    cJSON_AddStringToObject(root, "status", multi_status_name(exit_code));
    cJSON_AddNumberToObject(root, "exit_code", exit_code);
    cJSON_AddStringToObject(root, "target", target_display);
    double tables = 0, rows = 0, written = 0, rejects = 0;
    int ok = 0;
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        multi_source *m = &s[i];
        cJSON *o = cJSON_CreateObject();
        const cJSON *r = m->report;
        cJSON_AddStringToObject(o, "source", m->display);
        cJSON_AddStringToObject(o, "schema", m->schema);
        cJSON_AddStringToObject(o, "status", multi_source_status(m));
        int code = !m->pid ? 6 : m->signal ? 6 : m->exit_code;
        cJSON_AddNumberToObject(o, "exit_code", code);
        if (code == 0) ok++;
        const cJSON *job = r ? cJSON_GetObjectItemCaseSensitive(r, "job") : NULL;
        if (cJSON_IsString(job) && *job->valuestring) cJSON_AddStringToObject(o, "job", job->valuestring);
        else cJSON_AddNullToObject(o, "job");
        /* Tables and rows this run from the source's report; rows and
         * rejects over all the job's runs from the target's state (a job
         * an earlier run finished reports no rows of its own). */
        const cJSON *tl = r ? cJSON_GetObjectItemCaseSensitive(r, "tables") : NULL;
        double ntables = cJSON_IsArray(tl) ? cJSON_GetArraySize(tl) : 0, before = 0;
        const cJSON *t;
        cJSON_ArrayForEach(t, tl) before += num(t, "rows_before");
        double w = num(r, "rows_written");
        double total = m->rows >= 0 ? (double)m->rows : before + w;
        double rj = m->rejects >= 0 ? (double)m->rejects : num(r, "rejects");
        cJSON_AddNumberToObject(o, "tables", ntables);
        cJSON_AddNumberToObject(o, "rows", total);
        cJSON_AddNumberToObject(o, "rows_written", w);
        cJSON_AddNumberToObject(o, "rejects", rj);
        if (rj > 0 && m->rejects_path) cJSON_AddStringToObject(o, "rejects_file", m->rejects_path);
        else cJSON_AddNullToObject(o, "rejects_file");
        const cJSON *err = r ? cJSON_GetObjectItemCaseSensitive(r, "error") : NULL;
        if (cJSON_IsString(err)) cJSON_AddStringToObject(o, "error", err->valuestring);
        else if (m->last_error[0]) cJSON_AddStringToObject(o, "error", m->last_error);
        else if (m->signal) cJSON_AddStringToObject(o, "error", "killed by a signal");
        else if (!m->pid) cJSON_AddStringToObject(o, "error", "not started (the run was "
                                                  "interrupted): rerun to copy it");
        else cJSON_AddNullToObject(o, "error");
        cJSON_AddNumberToObject(o, "seconds", (double)(int64_t)(m->seconds * 1000) / 1000.0);
        if (m->report) { cJSON_AddItemToObject(o, "report", m->report); m->report = NULL; }
        else cJSON_AddNullToObject(o, "report");
        cJSON_AddItemToArray(arr, o);
        tables += ntables;
        rows += total;
        written += w;
        rejects += rj;
    }
    cJSON *tot = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(tot, "sources", n);
    cJSON_AddNumberToObject(tot, "sources_ok", ok);
    cJSON_AddNumberToObject(tot, "tables", tables);
    cJSON_AddNumberToObject(tot, "rows", rows);
    cJSON_AddNumberToObject(tot, "rows_written", written);
    cJSON_AddNumberToObject(tot, "rejects", rejects);
    cJSON_AddItemToObject(root, "sources", arr);
    cJSON_AddNumberToObject(root, "seconds", (double)(int64_t)(seconds * 1000) / 1000.0);
    return root;
}
