/* retry.c — reconnecting after a lost connection, with backoff and a
 * bounded number of attempts; the resume command; reading back whether a
 * chunk or step committed (see retry.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "retry.h"
#include "url.h"
#include "../drivers/dialect.h"
#include "../drivers/reconnect.h"

#define RETRY_FIRST_DELAY 0.5      /* seconds before the first attempt */
#define RETRY_MAX_DELAY   30.0     /* the backoff stops doubling here */
#define RETRY_PREFIX_ROOM 160      /* bytes of e->msg left for a caller's prefix */
#define RETRY_RESUMABLE   "the job is resumable: rerun "

/* ---- the command line ---- */

static char *command_line;          /* set once by main(), before threads */

/* shell_safe — 1 when s needs no quoting for a POSIX shell. */
static int shell_safe(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=,-", *s))
            return 0;
    return 1;
}

void ferry_command_set(int argc, char *const *argv)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < argc; i++) {
        char *masked = ferry_url_mask(argv[i]);
        if (i)
            strbuf_addc(&sb, ' ');
        if (shell_safe(masked)) {
            strbuf_adds(&sb, masked);
        } else {
            strbuf_addc(&sb, '\'');
            for (const char *p = masked; *p; p++) {
                if (*p == '\'')
                    strbuf_adds(&sb, "'\\''");
                else
                    strbuf_addc(&sb, *p);
            }
            strbuf_addc(&sb, '\'');
        }
        free(masked);
    }
    free(command_line);
    command_line = strbuf_detach(&sb);
}

const char *ferry_command(void)
{
    return command_line && *command_line ? command_line : "ferry (the same command)";
}

/* ---- backoff ---- */

int retry_lost(const ferry_err *e)
{
    return e && e->code == FERRY_E_LOST;
}

double retry_delay(int attempt)
{
    double d = RETRY_FIRST_DELAY;
    for (int i = 1; i < attempt && d < RETRY_MAX_DELAY; i++)
        d *= 2;
    return d < RETRY_MAX_DELAY ? d : RETRY_MAX_DELAY;
}

/* retry_sleep — wait s seconds in short naps; -1 as soon as a stop is asked. */
static int retry_sleep(double s)
{
    double end = now_monotonic() + s;
    for (;;) {
        if (ferry_stop_requested)
            return -1;
        double left = end - now_monotonic();
        if (left <= 0)
            return 0;
        if (left > 0.05)
            left = 0.05;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* strip_advice — drop the drivers' "rerun the same command" advice from a
 * lost-connection message: retrying is what happens now, and the message
 * that gives up names the exact command. */
static void strip_advice(char *msg)
{
    static const char *const advice[] = {
        ": check the server, then rerun the same command to resume",
    };
    for (size_t i = 0; i < sizeof advice / sizeof *advice; i++) {
        char *p = strstr(msg, advice[i]);
        if (p) memmove(p, p + strlen(advice[i]), strlen(p + strlen(advice[i])) + 1);
    }
}

static const char *side_name(ferry_side s)
{
    return s == SIDE_SOURCE ? "source" : s == SIDE_TARGET ? "target" : "endpoint";
}

/* where_text — "chunk 3 of table \"t\"", "step idx:...", for human lines. */
static void where_text(const retry_where *w, char *buf, size_t n)
{
    if (w && w->chunk >= 0 && w->table)
        snprintf(buf, n, "chunk %d of table \"%s\"", w->chunk, w->table);
    else if (w && w->chunk >= 0)
        snprintf(buf, n, "chunk %d", w->chunk);
    else if (w && w->step)
        snprintf(buf, n, "step %s", w->step);
    else
        snprintf(buf, n, "between units of work");
}

static void retry_event(run_ctx *rc, ferry_side side, const retry_where *w, int attempt,
                        double delay, const ferry_err *e)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "side", side_name(side));
    if (w && w->table) cJSON_AddStringToObject(f, "table", w->table);
    else cJSON_AddNullToObject(f, "table");
    if (w && w->chunk >= 0) cJSON_AddNumberToObject(f, "chunk", w->chunk);
    else cJSON_AddNullToObject(f, "chunk");
    if (w && w->step) cJSON_AddStringToObject(f, "step", w->step);
    else cJSON_AddNullToObject(f, "step");
    cJSON_AddNumberToObject(f, "attempt", attempt);
    cJSON_AddNumberToObject(f, "retries", rc->opts->retries);
    char msg[sizeof e->msg];
    memcpy(msg, e->msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    strip_advice(msg);
    cJSON_AddNumberToObject(f, "delay_s", delay);
    cJSON_AddStringToObject(f, "error", msg);
    progress_event(rc->pr, "retry", f);
    char where[300];
    where_text(w, where, sizeof where);
    progress_say(rc->pr, "warning: %s connection lost (%s): %.400s; reconnecting in %.1fs "
                 "(attempt %d of %d)", side_name(side), where, msg, delay, attempt,
                 rc->opts->retries);
}

/* reconnectable — while reconnecting, is this failure worth another try? */
static int reconnectable(const ferry_err *e)
{
    return e->code == FERRY_E_LOST || e->code == FERRY_E_CONNECT;
}

int retry_recover(run_ctx *rc, ferry_conn *c, const ferry_url *u, const retry_where *w,
                  int *attempt, ferry_err *e)
{
    ferry_side side = e->side != SIDE_NONE ? e->side : c->side;
    if (!u) return -1;                      /* no endpoint to reconnect to: give up */
    for (;;) {
        if (ferry_stop_requested)
            return ferry_err_set(e, FERRY_E_INTERRUPTED, "interrupted");
        int n = __atomic_add_fetch(attempt, 1, __ATOMIC_RELAXED);
        if (n > rc->opts->retries) {
            __atomic_sub_fetch(attempt, 1, __ATOMIC_RELAXED);   /* count attempts made */
            return -1;
        }
        double delay = retry_delay(n);
        retry_event(rc, side, w, n, delay, e);
        if (retry_sleep(delay))
            return ferry_err_set(e, FERRY_E_INTERRUPTED, "interrupted");
        ferry_err ce = {0};
        if (drv_reconnect(c, u, &ce) == 0) {
            if (c->side == SIDE_TARGET && rc->relock && rc->relock(rc, e))
                return -1;                  /* e.g. another process took the job meanwhile */
            return 0;
        }
        ce.side = side;
        *e = ce;
        if (!reconnectable(&ce))
            return -1;
    }
}

/* clip_utf8 — cut s to at most max bytes on a character boundary, "..." added. */
static void clip_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return;
    if (max < 3) { s[max] = '\0'; return; }
    n = max - 3;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    memcpy(s + n, "...", 4);
}

void retry_give_up(run_ctx *rc, ferry_err *e, int attempts)
{
    char suffix[sizeof e->msg];
    const char *cmd = ferry_command();
    size_t room;

    if (strstr(e->msg, RETRY_RESUMABLE) || e->code == FERRY_E_JOB) return;
    e->code = FERRY_E_LOST;          /* whatever the last attempt said: the connection is gone */
    strip_advice(e->msg);
    if (rc->opts->retries == 0)
        snprintf(suffix, sizeof suffix, "; not retried (--retries 0): " RETRY_RESUMABLE "%s", cmd);
    else
        snprintf(suffix, sizeof suffix, "; gave up after %d reconnect attempt%s (--retries %d): "
                 RETRY_RESUMABLE "%s", attempts, attempts == 1 ? "" : "s", rc->opts->retries, cmd);
    /* The command must survive: the suffix gets what it needs, the message
     * what is left (at least a little of it). */
    room = sizeof e->msg - 1 - RETRY_PREFIX_ROOM;
    clip_utf8(suffix, room - 120);
    clip_utf8(e->msg, room - strlen(suffix));
    size_t len = strlen(e->msg);
    memcpy(e->msg + len, suffix, strlen(suffix) + 1);
}

void retry_note(run_ctx *rc, ferry_side side, const retry_where *w, int attempts, const char *how)
{
    char where[300];
    where_text(w, where, sizeof where);
    pthread_mutex_lock(&rc->notes_mu);
    plan_warn(rc->plan, "retry", w && w->table ? w->table : (w && w->step ? w->step : side_name(side)),
              NULL, "the %s connection was lost during %s and reopened after %d attempt%s; %s",
              side_name(side), where, attempts, attempts == 1 ? "" : "s", how);
    pthread_mutex_unlock(&rc->notes_mu);
}

/* ---- reading back what committed ---- */

typedef struct chunk_row { int found, done; int64_t rows, rejected, bytes; } chunk_row;

static int is_true(const char *v)
{
    return v && (v[0] == 't' || v[0] == 'T' || v[0] == '1');
}

static int chunk_row_cb(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    chunk_row *r = ctx;
    (void)e;
    if (ncols < 4) return 0;
    r->found = 1;
    r->done = is_true(v[0]);
    r->rows = v[1] ? strtoll(v[1], NULL, 10) : 0;
    r->rejected = v[2] ? strtoll(v[2], NULL, 10) : 0;
    r->bytes = v[3] ? strtoll(v[3], NULL, 10) : 0;
    return 0;
}

int retry_chunk_state(ferry_conn *t, const char *job_id, int chunk_id, int *done,
                      int64_t *rows, int64_t *rejected, int64_t *bytes, ferry_err *e)
{
    char id[16];
    snprintf(id, sizeof id, "%d", chunk_id);
    const char *params[] = {job_id, id};
    char *sql = xasprintf("SELECT done, row_count, rejected, bytes FROM %s WHERE job_id = $1 "
                          "AND chunk_id = $2", t->drv->dialect->state_chunks);
    chunk_row r = {0};
    int rc = t->drv->query(t, sql, 2, params, chunk_row_cb, &r, e);
    free(sql);
    if (rc) return -1;
    *done = r.found && r.done;
    *rows = r.rows;
    *rejected = r.rejected;
    *bytes = r.bytes;
    return 0;
}

static int count_cb(void *ctx, int ncols, const char *const *v, ferry_err *e)
{
    (void)ncols; (void)v; (void)e;
    (*(int *)ctx)++;
    return 0;
}

int retry_step_recorded(ferry_conn *t, const char *job_id, const char *step_id, ferry_err *e)
{
    const char *params[] = {job_id, step_id};
    char *sql = xasprintf("SELECT step FROM %s WHERE job_id = $1 AND step = $2",
                          t->drv->dialect->state_steps);
    int n = 0;
    int rc = t->drv->query(t, sql, 2, params, count_cb, &n, e);
    free(sql);
    return rc ? -1 : n > 0;
}

int retry_check_conn(run_ctx *rc, ferry_conn *c, ferry_err *e)
{
    int attempt = 0;
    const ferry_url *u = c->side == SIDE_TARGET ? rc->target_url : NULL;
    if (c->drv->engine != ENGINE_POSTGRESQL && c->drv->engine != ENGINE_MYSQL) return 0;
    if (drv_exec(c, "SELECT 1", e) == 0) return 0;
    while (retry_lost(e)) {
        retry_where w = {NULL, -1, NULL};
        if (retry_recover(rc, c, u, &w, &attempt, e)) {
            if (e->code != FERRY_E_INTERRUPTED) retry_give_up(rc, e, attempt);
            return -1;
        }
        if (drv_exec(c, "SELECT 1", e) == 0) {
            retry_note(rc, c->side, &w, attempt, "nothing needed redoing");
            return 0;
        }
    }
    return -1;
}
