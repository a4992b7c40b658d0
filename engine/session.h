/* session.h — what a command sets up before it can plan or compare: the
 * parsed endpoints, the source connection in its snapshot, the source
 * catalog, the type tables (with --map) and the plan. Shared by copy, plan
 * and verify; owned by the command that opened it (session_free). */
#ifndef FERRY_SESSION_H
#define FERRY_SESSION_H

#include "plan.h"
#include "progress.h"
#include "url.h"
#include "../drivers/dialect.h"

/* Everything a command sets up before it can plan: endpoints, the source
 * connection and catalog, the type tables, the plan. */
typedef struct session {
    ferry_url      su, tu;
    ferry_conn    *src;
    ferry_catalog  cat;
    type_map      *src_map_owned, *dst_map_owned;
    const type_map *src_map, *dst_map;
    ferry_plan     plan;
    progress      *pr;
    char          *map_text;
    const ferry_dialect *dst;
} session;

/* session_open — parse both URLs, connect the source in one snapshot,
 * describe it, plan the copy into the target's dialect (the target is not
 * connected). Returns 0 or -1 with e set. */
int  session_open(session *s, const ferry_options *o, ferry_err *e);
void session_free(session *s);
/* sql_dialect_of — the expression translator's name for an engine (sqlexpr.h). */
int  sql_dialect_of(ferry_engine e);
/* read_file — a whole file into a malloc'd NUL-terminated string, or NULL
 * with e set (FERRY_E_USAGE naming the path). */
char *read_file(const char *path, ferry_err *e);

#endif
