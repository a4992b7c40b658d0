/* upsert.h — a chunk whose rows replace the target's rows of the same
 * primary key (engine/upsert.c): load into a temporary stage, then merge,
 * in the chunk's transaction. Used by `ferry restore` for increments. */
#ifndef FERRY_UPSERT_H
#define FERRY_UPSERT_H

#include "plan.h"

/* upsert_stage_name — the stage of plan table ti: a temporary table of
 * the writer's session, one per table (drivers cache column types by
 * table name). */
void upsert_stage_name(int ti, char *buf, size_t n);

/* upsert_applies — the table has a primary key to merge by (without one,
 * rows are only added). */
int upsert_applies(const plan_table *t);
/* upsert_stage_begin — create the empty stage with t's data columns. */
int upsert_stage_begin(ferry_conn *dst, const plan_table *t, const char *stage, ferry_err *e);
/* upsert_replace_all — empty t (in the chunk's transaction) before its
 * rows are loaded again. */
int upsert_replace_all(ferry_conn *dst, const plan_table *t, ferry_err *e);
/* upsert_stage_merge — insert the stage's rows into t, updating the rows
 * whose primary key exists; drop the stage. */
int upsert_stage_merge(ferry_conn *dst, const plan_table *t, const char *stage, ferry_err *e);

#endif
