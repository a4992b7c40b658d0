/* jobdesc.h — a compact description of what a job's plan fingerprint
 * covers, stored with the job (jobs.plan_desc), so that a rerun whose plan
 * no longer matches can say what changed: "table "events": column "amount"
 * type int32 -> int64; table "tags" added; option --lower-case changed".
 *
 * The description is JSON (format version 1):
 *   {"v":1, "schema":"public",
 *    "options":{"tables":"a*,b", "exclude":"", "lower_case":false, "widen":false,
 *               "if_exists":"fail", "schema_only":false, "data_only":false,
 *               "zero_dates":"reject", "map":"<hash of the --map file>"|null,
 *               "renames":"old=new,table.old=new" (only when there are renames)},
 *    "tables":[{"name":"events", "source":"events", "key":"id"|null, "ddl":"<hash>",
 *               "cols":[["amount","INTEGER","int32","integer",1], ...]}],   -- name,
 *                  source type, logical type, target type, NOT NULL
 *    "steps":[["index:ix_user","index","events","ix_user","<hash>"], ...]}
 * Hashes are of the target DDL text; sequence steps carry "" (their DDL
 * holds the source's live high-water mark, outside the fingerprint). */
#ifndef FERRY_JOBDESC_H
#define FERRY_JOBDESC_H

#include <stddef.h>
#include "plan.h"

/* jobdesc_build — the description of plan p built with options o; map_text
 * is the --map file's content or NULL. Caller frees. */
char *jobdesc_build(const ferry_plan *p, const ferry_options *o, const char *map_text);

/* jobdesc_diff — what changed from old_desc to new_desc, as one line of
 * items separated by "; ", at most about max_len bytes (the rest counted
 * as "and N more"). NULL when old_desc is NULL or unreadable (a job stored
 * by an older ferry); "" when no difference is itemised. Caller frees. */
char *jobdesc_diff(const char *old_desc, const char *new_desc, size_t max_len);

/* jobdesc_options_diff — like jobdesc_diff, the options only. */
char *jobdesc_options_diff(const char *old_desc, const char *new_desc, size_t max_len);

#endif
