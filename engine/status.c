/* status.c — `ferry status TARGET [--json]`: the jobs recorded in a
 * target's state (checkpoint.h), one line each, read-only.
 *
 * DESIGN. Everything shown comes from the state tables (state_list_jobs),
 * which hold the source and target only in their display forms (password
 * replaced by "***"); both are masked once more before printing, in case an
 * older ferry stored something it should not have. "running" is not a
 * stored flag but the job's lock (joblock.h): a job is running exactly
 * when some process holds its lock now, so a killed run shows as
 * "unfinished" at once. The target is never written: a SQLite file is
 * opened read-only, and state tables of an older layout are read as they
 * are. The JSON form is documented in docs/status.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "status.h"
#include "checkpoint.h"
#include "joblock.h"
#include "err.h"
#include "url.h"
#include "util.h"
#include "../drivers/driver.h"

/* shell_arg — append arg for a POSIX shell: as is when plainly safe,
 * else in single quotes. */
static void shell_arg(strbuf *sb, const char *arg)
{
    int plain = *arg != '\0';
    for (const char *c = arg; *c && plain; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,", *c))
            plain = 0;
    if (plain) { strbuf_adds(sb, arg); return; }
    strbuf_addc(sb, '\'');
    for (const char *c = arg; *c; c++) {
        if (*c == '\'') strbuf_adds(sb, "'\\''");
        else strbuf_addc(sb, *c);
    }
    strbuf_addc(sb, '\'');
}

/* copy_command_text — the shell form of a resume_command JSON (for
 * status): "[cd DIR && ]ferry copy ...", source and target masked once
 * more in case an older ferry stored something unmasked; NULL when the
 * JSON cannot be read. Caller frees. */
static char *copy_command_text(const char *json)
{
    cJSON *j = json ? cJSON_Parse(json) : NULL;
    const cJSON *args = j ? cJSON_GetObjectItemCaseSensitive(j, "args") : NULL;
    if (!cJSON_IsArray(args) || cJSON_GetArraySize(args) < 3) { cJSON_Delete(j); return NULL; }
    strbuf sb = STRBUF_INIT;
    const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(j, "cwd");
    if (cJSON_IsString(cwd)) {
        strbuf_adds(&sb, "cd ");
        shell_arg(&sb, cwd->valuestring);
        strbuf_adds(&sb, " && ");
    }
    strbuf_adds(&sb, "ferry");
    int i = 0, ok = 1;
    const cJSON *a;
    cJSON_ArrayForEach(a, args) {
        if (!cJSON_IsString(a)) { ok = 0; break; }
        strbuf_addc(&sb, ' ');
        if (i == 1 || i == 2) {
            char *masked = ferry_url_mask(a->valuestring);
            shell_arg(&sb, masked);
            free(masked);
        } else {
            shell_arg(&sb, a->valuestring);
        }
        i++;
    }
    cJSON_Delete(j);
    if (!ok) { strbuf_free(&sb); return NULL; }
    return strbuf_detach(&sb);
}

/* masked — a display form masked again (never a SQLite path: its
 * characters are the file's name). Caller frees. */
static char *masked(const char *text)
{
    if (!text) return NULL;
    if (strncmp(text, "sqlite", 6) == 0) return xstrdup(text);
    return ferry_url_mask(text);
}

/* iso_time — the target's time text ("2026-11-22 10:02:11.123+00",
 * "2026-11-22 10:02:11.123456") as "2026-11-22T10:02:11Z"; the text as
 * is when it has another shape. The state's times are UTC on every engine
 * (ferry's sessions run in UTC). */
static void iso_time(const char *in, char *out, size_t n)
{
    if (!in) { snprintf(out, n, "%s", ""); return; }
    int ok = strlen(in) >= 19;
    for (int i = 0; ok && i < 19; i++) {
        char c = in[i];
        ok = (i == 4 || i == 7) ? c == '-' : (i == 10) ? (c == ' ' || c == 'T')
           : (i == 13 || i == 16) ? c == ':' : (c >= '0' && c <= '9');
    }
    if (ok) snprintf(out, n, "%.10sT%.8sZ", in, in + 11);
    else snprintf(out, n, "%s", in);
}

/* human_time — "2026-11-22 10:02:11" from iso_time's form. */
static void human_time(const char *iso, char *out, size_t n)
{
    if (!*iso) { snprintf(out, n, "-"); return; }
    snprintf(out, n, "%s", iso);
    char *t = strchr(out, 'T');
    if (t && strlen(out) == 20) { *t = ' '; out[19] = '\0'; }
}

/* later — the later of two target time texts (same format within one
 * target, so they compare as strings); NULL-safe. */
static const char *later(const char *a, const char *b)
{
    if (!a) return b;
    if (!b) return a;
    return strcmp(a, b) >= 0 ? a : b;
}

typedef struct job_view {
    const state_job *j;
    int   finished, running, owner_known;
    char  started[40], finished_at[40], last[40];
    char *source, *target, *resume;
    int   needs_password;
} job_view;

static void view_free(job_view *v)
{
    free(v->source);
    free(v->target);
    free(v->resume);
}

static cJSON *job_json(const job_view *v)
{
    const state_job *j = v->j;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "job", j->job_id);
    if (v->source) cJSON_AddStringToObject(o, "source", v->source);
    else cJSON_AddNullToObject(o, "source");
    if (v->target) cJSON_AddStringToObject(o, "target", v->target);
    else cJSON_AddNullToObject(o, "target");
    cJSON_AddStringToObject(o, "status", v->running ? "running" : v->finished
                            ? (j->status ? j->status : "done") : "unfinished");
    cJSON_AddBoolToObject(o, "finished", v->finished);
    cJSON_AddBoolToObject(o, "running", v->running);
#define TIME(key, s) do { if (*(s)) cJSON_AddStringToObject(o, key, s); \
                          else cJSON_AddNullToObject(o, key); } while (0)
    TIME("started_at", v->started);
    TIME("finished_at", v->finished_at);
    TIME("last_activity", v->last);
#undef TIME
    cJSON_AddNumberToObject(o, "chunks_done", (double)j->chunks_done);
    cJSON_AddNumberToObject(o, "chunks_total", (double)j->chunks_total);
    cJSON_AddNumberToObject(o, "rows_committed", (double)j->rows);
    cJSON_AddNumberToObject(o, "rejected_rows", (double)j->rejected);
    if (v->running && v->owner_known) {
        char since[40];
        cJSON *ow = cJSON_AddObjectToObject(o, "owner");
        cJSON_AddNumberToObject(ow, "pid", (double)j->owner.pid);
        cJSON_AddStringToObject(ow, "host", j->owner.host);
        iso_time(j->owner.since, since, sizeof since);
        cJSON_AddStringToObject(ow, "since", since);
    } else {
        cJSON_AddNullToObject(o, "owner");
    }
    cJSON *opts = j->options ? cJSON_Parse(j->options) : NULL;
    if (cJSON_IsObject(opts)) cJSON_AddItemToObject(o, "options", opts);
    else { cJSON_Delete(opts); cJSON_AddNullToObject(o, "options"); }
    if (v->resume) {
        cJSON_AddStringToObject(o, "resume_command", v->resume);
        cJSON_AddBoolToObject(o, "resume_needs_password", v->needs_password);
    } else {
        cJSON_AddNullToObject(o, "resume_command");
        cJSON_AddBoolToObject(o, "resume_needs_password", 0);
    }
    return o;
}

static void print_table(const char *display, job_view *v, int n)
{
    printf("ferry jobs in %s (times in UTC):\n\n", display);
    printf("%-16s  %-17s  %11s  %12s  %8s  %-19s  %s\n", "JOB", "STATUS", "CHUNKS",
           "ROWS", "REJECTED", "STARTED", "LAST ACTIVITY");
    for (int i = 0; i < n; i++) {
        const state_job *j = v[i].j;
        char chunks[48], started[40], last[40];
        snprintf(chunks, sizeof chunks, "%lld/%lld", (long long)j->chunks_done,
                 (long long)j->chunks_total);
        human_time(v[i].started, started, sizeof started);
        human_time(v[i].last, last, sizeof last);
        const char *st = v[i].running ? "running" : v[i].finished
                         ? (j->status ? j->status : "done") : "unfinished";
        printf("%-16s  %-17s  %11s  %12lld  %8lld  %-19s  %s\n", j->job_id, st, chunks,
               (long long)j->rows, (long long)j->rejected, started, last);
        printf("    source: %s\n", v[i].source ? v[i].source : "?");
        if (v[i].target && strcmp(v[i].target, display) != 0)
            printf("    target: %s\n", v[i].target);
        if (v[i].running) {
            if (v[i].owner_known) {
                char since[40], h[40];
                iso_time(j->owner.since, since, sizeof since);
                human_time(since, h, sizeof h);
                printf("    run by: pid %lld on host %s, since %s\n", j->owner.pid,
                       j->owner.host, h);
            } else {
                printf("    run by: another ferry process (not recorded yet)\n");
            }
        } else if (!v[i].finished && v[i].resume) {
            printf("    resume: %s\n", v[i].resume);
            if (v[i].needs_password)
                printf("            (type the password where it shows ***)\n");
        }
    }
}

/* open_target — connect to the target for reading. A SQLite file must
 * exist and is opened read-only (a source connection: no WAL switch, no
 * file created); errors then read as the target's. */
static ferry_conn *open_target(const ferry_url *u, ferry_err *e)
{
    /* a dump directory is read as it is (drivers/dump.c: SIDE_NONE) */
    if (u->engine == ENGINE_DUMP) return driver_connect(u, SIDE_NONE, e);
    if (u->engine != ENGINE_SQLITE) return driver_connect(u, SIDE_TARGET, e);
    struct stat st;
    if (u->path && stat(u->path, &st) != 0 && errno == ENOENT) {
        ferry_err_set(e, FERRY_E_CONNECT, "target %s: no such file \"%s\" (check the path; "
                      "sqlite:///rel.db is relative, sqlite:////abs.db is absolute)",
                      u->display, u->path);
        e->side = SIDE_TARGET;
        return NULL;
    }
    ferry_conn *c = driver_connect(u, SIDE_SOURCE, e);
    if (!c) {
        if (strncmp(e->msg, "source ", 7) == 0) {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "target %s", e->msg + 7);
            snprintf(e->msg, sizeof e->msg, "%s", msg);
        }
        e->side = SIDE_TARGET;
        return NULL;
    }
    c->side = SIDE_TARGET;
    return c;
}

int status_command(const ferry_options *o)
{
    ferry_url u;
    ferry_err e = {0};
    ferry_conn *t = NULL;
    state_job *jobs = NULL;
    job_view *views = NULL;
    int n = 0, rc = EXIT_OK;

    if (ferry_url_parse(o->target_text, &u, &e)) {
        fprintf(stderr, "ferry: error: %s\n", e.msg);
        return EXIT_USAGE;
    }
    if (!(t = open_target(&u, &e)) || state_list_jobs(t, &jobs, &n, &e)) {
        if (e.side == SIDE_NONE) e.side = SIDE_TARGET;
        fprintf(stderr, "ferry: error: %s\n", e.msg);
        rc = ferry_exit_code(&e);
        goto out;
    }
    views = xcalloc((size_t)n + 1, sizeof *views);
    for (int i = 0; i < n; i++) {
        job_view *v = &views[i];
        const state_job *j = &jobs[i];
        v->j = j;
        v->finished = j->status && strcmp(j->status, "running") != 0;
        if (!v->finished) {
            char holder[64];
            ferry_err he = {0};
            int h = joblock_holder(t, &u, j->job_id, holder, sizeof holder, &he);
            v->running = h > 0;
            v->owner_known = v->running && j->owner.found &&
                             (!holder[0] || strcmp(holder, j->owner.lock_session) == 0);
        }
        iso_time(j->started_at, v->started, sizeof v->started);
        iso_time(v->finished ? j->finished_at : NULL, v->finished_at, sizeof v->finished_at);
        iso_time(later(later(j->updated_at, j->last_chunk_at), j->last_step_at), v->last,
                 sizeof v->last);
        v->source = masked(j->source);
        v->target = masked(j->target);
        if (!v->finished && j->command) {
            v->resume = copy_command_text(j->command);
            v->needs_password = v->resume && strstr(v->resume, "***") != NULL;
        }
    }
    if (o->json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddNumberToObject(doc, "schema_version", 1);
        cJSON_AddStringToObject(doc, "target", u.display);
        cJSON *arr = cJSON_AddArrayToObject(doc, "jobs");
        for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, job_json(&views[i]));
        char *text = cJSON_Print(doc);
        printf("%s\n", text);
        free(text);
        cJSON_Delete(doc);
    } else if (!o->quiet) {
        if (n == 0) printf("no ferry jobs in %s\n", u.display);
        else print_table(u.display, views, n);
    }
out:
    for (int i = 0; i < n && views; i++) view_free(&views[i]);
    free(views);
    state_jobs_free(jobs, n);
    drv_close(t);
    ferry_url_free(&u);
    return rc;
}
