/* verify.h — `ferry verify` and `ferry copy --verify`: compare a source
 * with the target a copy made of it, per table and per chunk, by row count
 * and an order-independent checksum of logical values (docs/verify.md). */
#ifndef FERRY_VERIFY_H
#define FERRY_VERIFY_H

#include <stdio.h>
#include "options.h"
#include "session.h"

struct cJSON;

/* verify_command — the CLI entry; returns the exit code (0 equal,
 * EXIT_DIFFERENT when they differ, ferry_exit_code on errors) and has
 * printed its errors. */
int verify_command(const ferry_options *o);

/* verify_run — compare the tables of s's plan (o: the options the plan was
 * built with; o->zero_dates_null is honoured like the copy does) with the
 * target s->tu, which it connects to by itself (one new connection, read
 * in one snapshot, closed before returning).
 *
 * What it sees: the source through s->src, in whatever read transaction
 * s->src is in. Right after a copy (the copy's session, its snapshot still
 * open) that is the state the copy read, so the comparison is exactly
 * "did the target get what was read". For chunks a resumed copy committed
 * in an earlier run, that earlier run read another snapshot: a source
 * change in between shows up as a difference, as it should (the target no
 * longer matches the source). Chunk ranges: s->plan's chunks when there
 * are some (a copy's, possibly loaded from the job state), else computed
 * here with plan_chunks.
 *
 * human_out: one line per table as it finishes plus a summary (NULL: no
 * text). json_out: when not NULL, gets the result object (caller frees
 * with cJSON_Delete; docs/verify.md documents it), also on a difference.
 * Returns 0 equal, 1 different, -1 error (e set; *json_out then NULL). */
int verify_run(session *s, const ferry_options *o, FILE *human_out,
               struct cJSON **json_out, ferry_err *e);

#endif
