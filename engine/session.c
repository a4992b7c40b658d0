/* session.c — see session.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"
#include "sqlexpr.h"

/* read_file — whole file into a malloc'd NUL-terminated string. */
char *read_file(const char *path, ferry_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) { ferry_err_set(e, FERRY_E_USAGE, "cannot read \"%s\": %m", path); return NULL; }
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb);
}

/* sql_dialect_of — the expression translator's name for an engine. */
int sql_dialect_of(ferry_engine e)
{
    switch (e) {
    case ENGINE_POSTGRESQL: return SQL_POSTGRESQL;
    case ENGINE_MYSQL:      return SQL_MYSQL;
    default:                return SQL_SQLITE;
    }
}

void session_free(session *s)
{
    plan_free(&s->plan);
    catalog_free(&s->cat);
    drv_close(s->src);
    type_map_free(s->src_map_owned);
    type_map_free(s->dst_map_owned);
    ferry_url_free(&s->su);
    ferry_url_free(&s->tu);
    free(s->map_text);
}

/* session_open — parse, connect the source in one snapshot, describe, plan.
 * Returns 0 or -1 with e set. */
int session_open(session *s, const ferry_options *o, ferry_err *e)
{
    if (ferry_url_parse(o->source_text, &s->su, e)) { e->side = SIDE_NONE; return -1; }
    if (ferry_url_parse(o->target_text, &s->tu, e)) { e->side = SIDE_NONE; return -1; }
    if (s->su.engine == ENGINE_DUMP || s->tu.engine == ENGINE_DUMP)
        return ferry_err_set(e, FERRY_E_USAGE, "dump: directories are not supported by this "
                             "version yet");
    const ferry_driver *sd = driver_for(s->su.engine), *td = driver_for(s->tu.engine);
    if (!sd || !sd->describe || !sd->read_chunk)
        return ferry_err_set(e, FERRY_E_USAGE, "source %s: %s is not supported as a source by "
                             "this version", s->su.display, ferry_engine_name(s->su.engine));
    if (!td || !td->copy_begin || !td->dialect)
        return ferry_err_set(e, FERRY_E_USAGE, "target %s: %s is not supported as a target by "
                             "this version", s->tu.display, ferry_engine_name(s->tu.engine));
    s->dst = td->dialect;
    s->src_map = type_map_builtin(sd->dialect ? sd->dialect->name : sd->name);
    s->dst_map = type_map_builtin(s->dst->name);
    if (!s->src_map || !s->dst_map)
        return ferry_err_set(e, FERRY_E_INTERNAL, "built-in type tables missing");
    if (o->map_file) {
        if (!(s->map_text = read_file(o->map_file, e))) return -1;
        if (!(s->src_map_owned = type_map_with_overrides(s->src_map, o->map_file, s->map_text, e)))
            return -1;
        if (!(s->dst_map_owned = type_map_with_overrides(s->dst_map, o->map_file, s->map_text, e)))
            return -1;
        s->src_map = s->src_map_owned;
        s->dst_map = s->dst_map_owned;
    }
    if (!(s->src = driver_connect(&s->su, SIDE_SOURCE, e))) return -1;
    if (s->src->drv->begin_snapshot(s->src, e)) return -1;
    if (s->src->drv->describe(s->src, &s->cat, e)) return -1;
    if (plan_build(&s->plan, &s->cat, o, s->src_map, s->dst_map, s->dst,
                   sql_dialect_of(s->su.engine), sql_dialect_of(s->tu.engine), s->src, e))
        return -1;
    if (s->plan.ntables == 0 && s->cat.ntables > 0 && (o->ntables || o->nexclude))
        return ferry_err_set(e, FERRY_E_USAGE, "--tables/--exclude select no table of the %d in "
                             "the source", s->cat.ntables);
    return 0;
}

