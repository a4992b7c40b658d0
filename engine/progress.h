/* progress.h — what a run tells the world while it runs: NDJSON events (to
 * a file or stdout), a live status line on a terminal, and human messages on
 * stderr (silenced by --quiet except errors). Thread-safe: any thread may
 * emit; one mutex orders events so seq is strictly increasing. */
#ifndef FERRY_PROGRESS_H
#define FERRY_PROGRESS_H

#include "err.h"

struct cJSON;
typedef struct progress progress;

/* progress_open — path NULL: no events; "-": events on stdout; else a file
 * (appended, so a resumed run adds to the same log). quiet: no messages,
 * no status line. Returns NULL with e set when the file cannot be opened. */
progress *progress_open(const char *path, int quiet, ferry_err *e);
void      progress_close(progress *pr);
const char *progress_run_id(const progress *pr);

/* progress_event — emit one event: fields (consumed, may be NULL) get
 * schema_version, run, seq, ts and event added in front. */
void progress_event(progress *pr, const char *event, struct cJSON *fields);
/* progress_status — replace the live status line (terminal only). */
void progress_status(progress *pr, const char *text);
/* progress_say — a human message on stderr unless quiet. */
void progress_say(progress *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* progress_error — an error message on stderr, always. */
void progress_error(progress *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
