/* progress.c — NDJSON events, the terminal status line and messages. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "progress.h"
#include "util.h"

struct progress {
    pthread_mutex_t mu;
    FILE   *events;          /* NULL: no events */
    int     events_owned;
    int     quiet;
    int     tty;             /* stderr is a terminal: draw the status line */
    int     status_shown;
    long long seq;
    char    run[32];
};

/* make_run_id — a ULID: 48 bits of milliseconds and 80 random bits in
 * Crockford base32, so run ids sort by start time. */
static void make_run_id(char out[27])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    struct timespec ts;
    unsigned char rnd[10] = {0};
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        for (size_t i = 0; i < sizeof rnd; i++) rnd[i] = (unsigned char)(rand() ^ (int)ms >> i);
    for (int i = 9; i >= 0; i--) { out[i] = alphabet[ms & 31]; ms >>= 5; }
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 5; i++) hi = hi << 8 | rnd[i];
    for (int i = 5; i < 10; i++) lo = lo << 8 | rnd[i];
    for (int i = 17; i >= 10; i--) { out[i] = alphabet[hi & 31]; hi >>= 5; }
    for (int i = 25; i >= 18; i--) { out[i] = alphabet[lo & 31]; lo >>= 5; }
    out[26] = '\0';
}

progress *progress_open(const char *path, int quiet, ferry_err *e)
{
    progress *pr = xcalloc(1, sizeof *pr);
    pthread_mutex_init(&pr->mu, NULL);
    pr->quiet = quiet;
    pr->tty = !quiet && isatty(STDERR_FILENO);
    make_run_id(pr->run);
    if (path && strcmp(path, "-") == 0) {
        pr->events = stdout;
    } else if (path) {
        pr->events = fopen(path, "a");
        if (!pr->events) {
            ferry_err_set(e, FERRY_E_USAGE, "cannot open progress file \"%s\": %m", path);
            pthread_mutex_destroy(&pr->mu);
            free(pr);
            return NULL;
        }
        pr->events_owned = 1;
    }
    return pr;
}

void progress_close(progress *pr)
{
    if (!pr) return;
    progress_status(pr, NULL);
    if (pr->events_owned) fclose(pr->events);
    else if (pr->events) fflush(pr->events);
    pthread_mutex_destroy(&pr->mu);
    free(pr);
}

const char *progress_run_id(const progress *pr) { return pr->run; }

void progress_event(progress *pr, const char *event, cJSON *fields)
{
    if (!pr || !pr->events) { cJSON_Delete(fields); return; }
    char ts[40];
    now_iso8601(ts, sizeof ts);
    cJSON *ev = cJSON_CreateObject();
    pthread_mutex_lock(&pr->mu);
    cJSON_AddNumberToObject(ev, "schema_version", 1);
    cJSON_AddStringToObject(ev, "run", pr->run);
    cJSON_AddNumberToObject(ev, "seq", (double)++pr->seq);
    cJSON_AddStringToObject(ev, "ts", ts);
    cJSON_AddStringToObject(ev, "event", event);
    if (fields) {
        /* Move the fields over in order. */
        cJSON *item = fields->child;
        while (item) {
            cJSON *next = item->next;
            cJSON_DetachItemViaPointer(fields, item);
            cJSON_AddItemToObject(ev, item->string, item);
            item = next;
        }
        cJSON_Delete(fields);
    }
    char *line = cJSON_PrintUnformatted(ev);
    fputs(line, pr->events);
    fputc('\n', pr->events);
    fflush(pr->events);
    pthread_mutex_unlock(&pr->mu);
    free(line);
    cJSON_Delete(ev);
}

/* status_clear — erase the status line; caller holds mu. */
static void status_clear(progress *pr)
{
    if (pr->status_shown) { fputs("\r\033[K", stderr); pr->status_shown = 0; }
}

void progress_status(progress *pr, const char *text)
{
    if (!pr || !pr->tty) return;
    pthread_mutex_lock(&pr->mu);
    status_clear(pr);
    if (text) { fprintf(stderr, "%s", text); pr->status_shown = 1; }
    fflush(stderr);
    pthread_mutex_unlock(&pr->mu);
}

static void say(progress *pr, int always, const char *fmt, va_list ap)
{
    if (pr && pr->quiet && !always) return;
    if (pr) pthread_mutex_lock(&pr->mu);
    if (pr) status_clear(pr);
    fputs("ferry: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
    if (pr) pthread_mutex_unlock(&pr->mu);
}

void progress_say(progress *pr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(pr, 0, fmt, ap);
    va_end(ap);
}

void progress_error(progress *pr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(pr, 1, fmt, ap);
    va_end(ap);
}
