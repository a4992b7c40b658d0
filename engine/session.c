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

/* engine_named — the engine a catalog names ("postgresql"), for a dump's
 * source engine. */
static ferry_engine engine_named(const char *name)
{
    for (ferry_engine e = ENGINE_SQLITE; e <= ENGINE_MYSQL; e++)
        if (name && strcmp(ferry_engine_name(e), name) == 0) return e;
    return ENGINE_UNKNOWN;
}

/* session_open — parse, connect the source in one snapshot, describe, plan.
 * Returns 0 or -1 with e set.
 *
 * Dumps: a dump target is planned as a copy into the source's own engine
 * (types kept as the source has them; plan.dump_target); a dump source
 * plans as the engine the dump was taken from, whose dialect its schema
 * text is written in (the catalog says which, after describe). */
int session_open(session *s, const ferry_options *o, ferry_err *e)
{
    if (ferry_url_parse(o->source_text, &s->su, e)) { e->side = SIDE_NONE; return -1; }
    if (ferry_url_parse(o->target_text, &s->tu, e)) { e->side = SIDE_NONE; return -1; }
    if (s->su.engine == ENGINE_DUMP && s->tu.engine == ENGINE_DUMP)
        return ferry_err_set(e, FERRY_E_USAGE, "both ends are dumps: to copy a dump, copy its "
                             "directory (cp -a); to check it, run ferry verify DIR");
    const ferry_driver *sd = driver_for(s->su.engine), *td = driver_for(s->tu.engine);
    if (!sd || !sd->describe || !sd->read_chunk)
        return ferry_err_set(e, FERRY_E_USAGE, "source %s: %s is not supported as a source by "
                             "this version", s->su.display, ferry_engine_name(s->su.engine));
    if (!td || !td->copy_begin)
        return ferry_err_set(e, FERRY_E_USAGE, "target %s: %s is not supported as a target by "
                             "this version", s->tu.display, ferry_engine_name(s->tu.engine));
    if (o->map_file && !(s->map_text = read_file(o->map_file, e))) return -1;
    if (!(s->src = driver_connect(&s->su, SIDE_SOURCE, e))) return -1;
    if (s->src->drv->begin_snapshot(s->src, e)) return -1;
    if (s->src->drv->describe(s->src, &s->cat, e)) return -1;

    /* The engine whose types and SQL the source speaks. */
    ferry_engine src_engine = s->su.engine;
    if (src_engine == ENGINE_DUMP) {
        src_engine = engine_named(s->cat.engine);
        if (src_engine == ENGINE_UNKNOWN)
            return ferry_err_set(e, FERRY_E_SOURCE, "%s: the dump names source engine \"%s\", "
                                 "which this ferry does not know", s->su.display,
                                 s->cat.engine ? s->cat.engine : "");
        sd = driver_for(src_engine);
    }
    ferry_engine dst_engine = s->tu.engine == ENGINE_DUMP ? src_engine : s->tu.engine;
    if (s->tu.engine == ENGINE_DUMP) {
        s->dst = sd->dialect;
        s->plan.dump_target = 1;
    } else {
        s->dst = td->dialect;
    }
    s->src_map = type_map_builtin(sd->dialect ? sd->dialect->name : sd->name);
    s->dst_map = type_map_builtin(s->dst->name);
    if (!s->src_map || !s->dst_map)
        return ferry_err_set(e, FERRY_E_INTERNAL, "built-in type tables missing");
    if (o->map_file) {
        if (!(s->src_map_owned = type_map_with_overrides(s->src_map, o->map_file, s->map_text, e)))
            return -1;
        if (!(s->dst_map_owned = type_map_with_overrides(s->dst_map, o->map_file, s->map_text, e)))
            return -1;
        s->src_map = s->src_map_owned;
        s->dst_map = s->dst_map_owned;
    }
    if (plan_build(&s->plan, &s->cat, o, s->src_map, s->dst_map, s->dst,
                   sql_dialect_of(src_engine), sql_dialect_of(dst_engine), s->src, e))
        return -1;
    if (s->plan.ntables == 0 && s->cat.ntables > 0 && (o->ntables || o->nexclude))
        return ferry_err_set(e, FERRY_E_USAGE, "--tables/--exclude select no table of the %d in "
                             "the source", s->cat.ntables);
    return 0;
}
