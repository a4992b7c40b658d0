/* multi_sources.c — which sources a --schema-per-source copy has and what
 * each is called: globs expanded, stems, schema names, rejects files, and
 * how exit codes rank (multi.h). No connection is made here. */
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "multi.h"
#include "url.h"

/* sqlite_glob — when text is a SQLite path or sqlite:// URL whose path
 * holds a glob character: the part before the path (e.g. "sqlite:///"),
 * the path pattern and the query ("?mode=ro" or ""), all malloc'd; 0 when
 * it is not such a glob. Server URLs are never globbed (a '?' there is a
 * query, a '*' may be in a password). */
static int sqlite_glob(const char *text, char **prefix, char **pattern, char **query)
{
    const char *colon = strstr(text, "://"), *path = text;
    size_t plen;
    if (!strncmp(text, "env:", 4)) return 0;
    if (colon) {
        size_t bl = strcspn(text, "+:");
        if (bl != 6 || strncasecmp(text, "sqlite", 6) != 0) return 0;
        /* sqlite:///rel/x.db and sqlite:////abs/x.db: the path starts after
         * the third slash (SQLAlchemy's convention, as url.c reads it); a
         * '?' starts the query */
        path = colon + 3;
        if (*path == '/') path++;
        plen = strcspn(path, "?");
    } else if (strchr(text, '=')) {
        return 0;                                     /* a libpq keyword string */
    } else {
        plen = strlen(path);                          /* a plain path: '?' is a wildcard */
        if (memchr(path, '?', plen)) goto is_glob;
    }
    if (!memchr(path, '*', plen) && !memchr(path, '[', plen)) return 0;
is_glob:
    *prefix = xstrndup(text, (size_t)(path - text));
    *pattern = xstrndup(path, plen);
    *query = xstrdup(path + plen);
    return 1;
}

/* source_stem — the file name without its extension (SQLite), or the
 * database's name (servers); NULL when the URL names none. */
static char *source_stem(const ferry_url *u)
{
    if (u->engine == ENGINE_SQLITE && u->path) {
        const char *base = strrchr(u->path, '/');
        base = base ? base + 1 : u->path;
        const char *dot = strrchr(base, '.');
        size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
        return n ? xstrndup(base, n) : NULL;
    }
    const char *db = ferry_url_get(u, "dbname");
    return db && *db ? xstrdup(db) : NULL;
}

char *multi_schema_name(const char *template_text, const char *stem, ferry_err *e)
{
    strbuf sb = STRBUF_INIT;
    for (const char *p = template_text; *p; p++) {
        if (*p == '{') {
            if (!strncmp(p, "{stem}", 6)) { strbuf_adds(&sb, stem); p += 5; continue; }
            size_t n = strcspn(p, "}");
            ferry_err_set(e, FERRY_E_USAGE, "--schema-name %s: unknown placeholder %.*s (the one "
                          "there is: {stem}, the source file's name without its extension)",
                          template_text, (int)(p[n] ? n + 1 : n), p);
            strbuf_free(&sb);
            return NULL;
        }
        strbuf_addc(&sb, *p);
    }
    const char *name = strbuf_cstr(&sb), *why = NULL;
    if (!*name) why = "it is empty";
    else if (sb.len > 63) why = "PostgreSQL names are at most 63 bytes";
    else if (!strncmp(name, "pg_", 3)) why = "PostgreSQL reserves names starting with pg_";
    else if (!strcmp(name, "_ferry")) why = "_ferry holds ferry's own state";
    else if (!strcmp(name, "information_schema")) why = "PostgreSQL reserves it";
    for (const char *c = name; !why && *c; c++)
        if ((unsigned char)*c < 0x20) why = "it holds a control character";
    if (why) {
        ferry_err_set(e, FERRY_E_USAGE, "schema name \"%s\" (from %s) cannot be used: %s; choose "
                      "another with --schema-name or the job file's per-source \"schema\"", name,
                      template_text, why);
        strbuf_free(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

char *multi_rejects_path(const char *base, const char *schema)
{
    const char *slash = strrchr(base, '/');
    const char *name = slash ? slash + 1 : base;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name) return xasprintf("%s.%s", base, schema);
    return xasprintf("%.*s.%s%s", (int)(dot - base), base, schema, dot);
}

/* Ranks of exit codes, best first (multi.h). */
static int exit_rank(int code)
{
    static const int order[] = {0, 5, 8, 6, 9, 7, 3, 4, 1, 2};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (order[i] == code) return (int)i;
    return 8;                                         /* unknown: as "other" */
}

int multi_worst_exit(int a, int b)
{
    return exit_rank(b) > exit_rank(a) ? b : a;
}

const char *multi_status_name(int exit_code)
{
    switch (exit_code) {
    case 0: return "ok";
    case 5: return "rejects";
    case 6: return "interrupted";
    case 7: return "job_changed";
    case 8: return "different";
    case 9: return "busy";
    default: return "failed";
    }
}

/* schema_for — the --schema-for SOURCE=SCHEMA given for a source, matched
 * against the text as typed (a glob names all its files) or as expanded;
 * NULL when none. The last '=' separates: URLs may hold '='. */
static const char *schema_for(const ferry_options *o, const char *typed, const char *text)
{
    const char *found = NULL;
    for (int i = 0; i < o->nschema_for; i++) {
        const char *eq = strrchr(o->schema_for[i], '=');
        size_t n = (size_t)(eq - o->schema_for[i]);
        if ((strlen(typed) == n && !strncmp(typed, o->schema_for[i], n)) ||
            (strlen(text) == n && !strncmp(text, o->schema_for[i], n)))
            found = eq + 1;
    }
    return found;
}

/* source_free — what one source owns (not the source itself). */
static void source_free(multi_source *s)
{
    free(s->text);
    free(s->display);
    free(s->stem);
    free(s->schema);
    free(s->report_path);
    free(s->rejects_path);
    strbuf_free(&s->partial);
    cJSON_Delete(s->report);
}

/* add_source — parse, name and place one source. */
static int add_source(const ferry_options *o, const char *typed, const char *text,
                      multi_source **out, int *n, ferry_err *e)
{
    ferry_url u;
    if (ferry_url_parse(text, &u, e)) return -1;
    if (u.engine == ENGINE_DUMP) {
        ferry_err_set(e, FERRY_E_USAGE, "source %s: dump directories are not supported by "
                      "--schema-per-source", u.display ? u.display : "?");
        ferry_url_free(&u);
        return -1;
    }
    multi_source s = {0};
    s.text = xstrdup(text);
    s.display = xstrdup(u.display);          /* password masked; a plain path as sqlite:/// */
    s.fd = -1;
    s.exit_code = -1;
    s.rows = s.rejects = -1;
    s.stem = source_stem(&u);
    ferry_url_free(&u);
    for (int i = 0; i < *n; i++)
        if (!strcmp((*out)[i].display, s.display)) {
            ferry_err_set(e, FERRY_E_USAGE, "source %s is given twice", s.display);
            source_free(&s);
            return -1;
        }
    const char *named = schema_for(o, typed, text);
    if (!named && !s.stem) {
        ferry_err_set(e, FERRY_E_USAGE, "source %s names no file or database to name its schema "
                      "after: give it one with --schema-for SOURCE=SCHEMA", s.display);
        source_free(&s);
        return -1;
    }
    s.schema = multi_schema_name(named ? named : o->schema_name ? o->schema_name : "{stem}",
                                 s.stem ? s.stem : "", e);
    if (!s.schema) { source_free(&s); return -1; }
    for (int i = 0; i < *n; i++)
        if (!strcmp((*out)[i].schema, s.schema)) {
            ferry_err_set(e, FERRY_E_USAGE, "sources %s and %s would both go into schema \"%s\": "
                          "give one another name (--schema-for SOURCE=SCHEMA, or a per-source "
                          "\"schema\" in a job file)", (*out)[i].display, s.display, s.schema);
            source_free(&s);
            return -1;
        }
    *out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
    (*out)[(*n)++] = s;
    return 0;
}

int multi_sources_expand(const ferry_options *o, multi_source **out, int *n, ferry_err *e)
{
    *out = NULL;
    *n = 0;
    for (int i = 0; i < o->nsources; i++) {
        const char *typed = o->sources[i];
        char *prefix = NULL, *pattern = NULL, *query = NULL;
        if (!sqlite_glob(typed, &prefix, &pattern, &query)) {
            if (add_source(o, typed, typed, out, n, e)) goto fail;
            continue;
        }
        glob_t g;
        int r = glob(pattern, 0, NULL, &g);
        if (r != 0) {
            ferry_err_set(e, FERRY_E_USAGE, "no file matches %s%s", pattern,
                          r == GLOB_NOMATCH ? "" : " (cannot read a directory)");
            if (r != GLOB_NOMATCH) globfree(&g);
            free(prefix); free(pattern); free(query);
            goto fail;
        }
        int bad = 0;
        for (size_t k = 0; k < g.gl_pathc && !bad; k++) {
            char *text = xasprintf("%s%s%s", prefix, g.gl_pathv[k], query);
            bad = add_source(o, typed, text, out, n, e);
            free(text);
        }
        globfree(&g);
        free(prefix); free(pattern); free(query);
        if (bad) goto fail;
    }
    return 0;
fail:
    multi_sources_free(*out, *n);
    *out = NULL;
    *n = 0;
    return -1;
}

void multi_sources_free(multi_source *s, int n)
{
    for (int i = 0; i < n; i++) source_free(&s[i]);
    free(s);
}
