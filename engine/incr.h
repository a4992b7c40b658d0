/* incr.h — incremental dumps (engine/incr.c, docs/dumps.md): per table,
 * the rows newer than the previous dump of the series (by --updated-at
 * column or integer key), and the marks the next increment starts from.
 * Only for plans whose target is a dump (its dialect is the source's). */
#ifndef FERRY_INCR_H
#define FERRY_INCR_H

#include "plan.h"

/* incr_filters — set each table's read_filter from the previous dump's
 * marks (o->incr_prev); a new and a resumed run both call it. 0 or -1. */
int incr_filters(ferry_plan *p, const ferry_options *o, ferry_err *e);
/* incr_plan_new — a new job: read the marks on the source's snapshot
 * (src), drop key-mode chunks below the previous mark, and set
 * p->incr_json for the manifest. After plan_chunks. 0 or -1. */
int incr_plan_new(ferry_plan *p, ferry_conn *src, const ferry_options *o, ferry_err *e);

#endif
