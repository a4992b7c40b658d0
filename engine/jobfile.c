/* jobfile.c — see jobfile.h. The file's keys map one to one onto copy
 * options (the table KEYS); a few have a shape of their own: "sources"
 * (several SOURCE arguments, per-source schemas), "renames" and "types"
 * (per-column type overrides, which become --map rules). Values are checked
 * here so that errors name the key; the CLI parser then checks them again,
 * as it does for any command line. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "jobfile.h"
#include "session.h"
#include "types.h"
#include "util.h"

const char *const JOBFILE_HELP =
"Usage: ferry run JOBFILE [options]\n"
"\n"
"Run the copy a JSON job file describes: source(s), target, tables, renames, per-column\n"
"types and every copy option (docs/job-files.md). It is the same job as the equivalent\n"
"ferry copy command line: rerun it to resume. Options given after JOBFILE (any option of\n"
"ferry copy) override the file's: ferry run job.json --restart\n"
"\n"
"  {\n"
"    \"source\": \"sqlite:///app.db\",          // or \"sources\": [...] (one schema each)\n"
"    \"target\": \"env:DATABASE_URL\",          // a URL, a path, or env:NAME\n"
"    \"tables\": [\"*\"], \"exclude\": [\"tmp_*\"],\n"
"    \"renames\": {\"tables\": {\"old\": \"new\"}, \"columns\": {\"table.old\": \"new\"}},\n"
"    \"types\": {\"table.column\": \"numeric(12,2)\", \"DATETIME\": \"timestamptz\"},\n"
"    \"jobs\": 4, \"verify\": true, \"report\": \"report.json\"\n"
"  }\n"
"\n"
"Unknown keys are an error. Comments (// and /* */) are allowed. Relative paths are\n"
"relative to the current directory, as on the command line. URLs in the file are never\n"
"printed with their password; env:NAME keeps the password out of the file.\n";

typedef enum key_kind {
    K_URL,      /* "source", "target": a connection text, never echoed */
    K_URLS,     /* "sources" */
    K_TEXT,     /* a non-empty string option */
    K_GLOBS,    /* a string "a*,b" or an array of strings */
    K_INT,      /* an integer in [min, max] */
    K_FLAG,     /* true/false: the option given or not */
    K_CHOICE,   /* one of choices */
    K_RENAMES,
    K_TYPES,
    K_MAP,
    K_VERSION,  /* the format version: 1 */
    K_NOTE      /* "description": for people, ignored */
} key_kind;

typedef struct job_key {
    const char *key;
    const char *flag;           /* the copy option it stands for */
    key_kind    kind;
    long long   min, max;       /* K_INT */
    const char *choices;        /* K_CHOICE, separated by '|' */
} job_key;

/* Integers in JSON are doubles: 2^53 is the largest that is exact. */
#define JSON_INT_MAX 9007199254740992LL

static const job_key KEYS[] = {
    {"version", NULL, K_VERSION, 1, 1, NULL},
    {"description", NULL, K_NOTE, 0, 0, NULL},
    {"source", NULL, K_URL, 0, 0, NULL},
    {"sources", NULL, K_URLS, 0, 0, NULL},
    {"target", NULL, K_URL, 0, 0, NULL},
    {"tables", "--tables", K_GLOBS, 0, 0, NULL},
    {"exclude", "--exclude", K_GLOBS, 0, 0, NULL},
    {"target_schema", "--target-schema", K_TEXT, 0, 0, NULL},
    {"schema_per_source", "--schema-per-source", K_FLAG, 0, 0, NULL},
    {"schema_name", "--schema-name", K_TEXT, 0, 0, NULL},
    {"renames", NULL, K_RENAMES, 0, 0, NULL},
    {"types", NULL, K_TYPES, 0, 0, NULL},
    {"map", "--map", K_MAP, 0, 0, NULL},
    {"jobs", "--jobs", K_INT, 1, 64, NULL},
    {"chunk_rows", "--chunk-rows", K_INT, 1, JSON_INT_MAX, NULL},
    {"if_exists", "--if-exists", K_CHOICE, 0, 0, "fail|drop|truncate|append"},
    {"schema_only", "--schema-only", K_FLAG, 0, 0, NULL},
    {"data_only", "--data-only", K_FLAG, 0, 0, NULL},
    {"restart", "--restart", K_FLAG, 0, 0, NULL},
    {"widen", "--widen", K_FLAG, 0, 0, NULL},
    {"lower_case", "--lower-case", K_FLAG, 0, 0, NULL},
    {"progress", "--progress", K_TEXT, 0, 0, NULL},
    {"report", "--report", K_TEXT, 0, 0, NULL},
    {"rejects", "--rejects", K_TEXT, 0, 0, NULL},
    {"max_errors", "--max-errors", K_INT, 0, JSON_INT_MAX, NULL},
    {"memory", "--memory", K_INT, 1, 65536, NULL},
    {"zero_dates", "--zero-dates", K_CHOICE, 0, 0, "reject|null"},
    {"verify", "--verify", K_FLAG, 0, 0, NULL},
    {"retries", "--retries", K_INT, 0, 100, NULL},
    {"copy_format", "--copy-format", K_CHOICE, 0, 0, "binary|text"},
    {"lock_timeout", "--lock-timeout", K_INT, 0, 86400, NULL},
    {"quiet", "--quiet", K_FLAG, 0, 0, NULL},
};

/* argvec — a growing, owned argument vector. */
typedef struct argvec { char **v; int n, cap; } argvec;

static void av_push(argvec *a, const char *s)
{
    if (a->n + 1 >= a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, sizeof(char *) * (size_t)a->cap);
    }
    a->v[a->n++] = xstrdup(s);
    a->v[a->n] = NULL;
}

static void av_free(argvec *a)
{
    for (int i = 0; i < a->n; i++) free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* json_kind — what a value is, for "must be X, not Y" messages. */
static const char *json_kind(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "true/false";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "something else";
}

/* strip_comments — // and block comments outside strings become spaces
 * (newlines kept), so that a parse error's offset is still a line and
 * column of the file as written. */
static void strip_comments(char *s)
{
    int in_str = 0;
    for (char *p = s; *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') in_str = 0;
        } else if (*p == '"') {
            in_str = 1;
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n') *p++ = ' ';
            if (!*p) return;
        } else if (p[0] == '/' && p[1] == '*') {
            *p++ = ' ';
            *p = ' ';
            while (p[1] && !(p[1] == '*' && p[2] == '/')) { p++; if (*p != '\n') *p = ' '; }
            if (!p[1]) return;
            p[1] = p[2] = ' ';
            p += 2;
        }
    }
}

/* job_ctx — one build: the file's name for messages, what it produced. */
typedef struct job_ctx {
    const char *path;
    ferry_err  *e;
    argvec      pos, opts;
    int         cli_tables, cli_exclude;     /* typed after the file: theirs replace the file's */
    const char *cli_map;
    char       *map_file;
    strbuf      types;
    int         ntypes;
} job_ctx;

static int bad(job_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(job_ctx *c, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ferry_err_set(c->e, FERRY_E_USAGE, "%s: %s", c->path, strbuf_cstr(&sb));
    strbuf_free(&sb);
    return -1;
}

/* plain_text — 1 when s can stand in a command-line argument and a map
 * line as it is: no control characters (a newline would start a new rule). */
static int plain_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20) return 0;
    return 1;
}

/* key_globs — "tables"/"exclude": an array of patterns or one "a*,b"
 * string, joined as the option takes it; left out when the same option was
 * typed after the file (the typed list replaces the file's). */
static int key_globs(job_ctx *c, const job_key *k, const cJSON *v)
{
    strbuf sb = STRBUF_INIT;
    const cJSON *it;
    if (cJSON_IsString(v)) {
        strbuf_adds(&sb, v->valuestring);
    } else if (cJSON_IsArray(v)) {
        int i = 0;
        cJSON_ArrayForEach(it, v) {
            if (!cJSON_IsString(it) || !*it->valuestring) {
                strbuf_free(&sb);
                return bad(c, "\"%s\"[%d] must be a table name or pattern (a non-empty string), "
                           "not %s", k->key, i, json_kind(it));
            }
            if (strchr(it->valuestring, ',')) {
                strbuf_free(&sb);
                return bad(c, "\"%s\"[%d]: \"%s\" holds a comma, which separates patterns; give "
                           "each pattern as its own string", k->key, i, it->valuestring);
            }
            strbuf_addf(&sb, "%s%s", i++ ? "," : "", it->valuestring);
        }
    } else {
        return bad(c, "\"%s\" must be an array of table names or patterns (or one string "
                   "\"a*,b\"), not %s", k->key, json_kind(v));
    }
    if (sb.len == 0 || !plain_text(strbuf_cstr(&sb))) {
        strbuf_free(&sb);
        return bad(c, "\"%s\" must name at least one table or pattern", k->key);
    }
    if (!((!strcmp(k->key, "tables") && c->cli_tables) ||
          (!strcmp(k->key, "exclude") && c->cli_exclude))) {
        av_push(&c->opts, k->flag);
        av_push(&c->opts, strbuf_cstr(&sb));
    }
    strbuf_free(&sb);
    return 0;
}

/* key_int — an integer option, in the option's own range. */
static int key_int(job_ctx *c, const job_key *k, const cJSON *v)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)k->min || v->valuedouble > (double)k->max) {
        char was[40];
        if (cJSON_IsNumber(v)) snprintf(was, sizeof was, "%.17g", v->valuedouble);
        else snprintf(was, sizeof was, "%s", json_kind(v));
        if (k->max >= JSON_INT_MAX)
            return bad(c, "\"%s\" must be an integer of at least %lld (the %s option), not %s",
                       k->key, k->min, k->flag, was);
        return bad(c, "\"%s\" must be an integer from %lld to %lld (the %s option), not %s",
                   k->key, k->min, k->max, k->flag, was);
    }
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)v->valuedouble);
    av_push(&c->opts, k->flag);
    av_push(&c->opts, num);
    return 0;
}

/* key_choice — one of the option's words. */
static int key_choice(job_ctx *c, const job_key *k, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);
        for (const char *p = k->choices; *p;) {
            size_t len = strcspn(p, "|");
            if (len == n && strncmp(p, v->valuestring, n) == 0) {
                av_push(&c->opts, k->flag);
                av_push(&c->opts, v->valuestring);
                return 0;
            }
            p += len + (p[len] == '|');
        }
        return bad(c, "\"%s\" must be one of %s, not \"%s\"", k->key, k->choices,
                   plain_text(v->valuestring) ? v->valuestring : "?");
    }
    return bad(c, "\"%s\" must be a string, one of %s, not %s", k->key, k->choices, json_kind(v));
}

/* key_sources — "sources": an array of connection texts or globs, or of
 * {"url": ..., "schema": ...} objects giving a source its own schema. */
static int key_sources(job_ctx *c, const cJSON *v)
{
    const cJSON *it;
    int i = 0;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return bad(c, "\"sources\" must be a non-empty array of sources (URLs, paths or globs "
                   "such as \"data/project_*.db\"), not %s", json_kind(v));
    cJSON_ArrayForEach(it, v) {
        const char *url = NULL, *schema = NULL;
        if (cJSON_IsString(it)) {
            url = it->valuestring;
        } else if (cJSON_IsObject(it)) {
            const cJSON *f;
            cJSON_ArrayForEach(f, it) {
                if (!strcmp(f->string, "url") && cJSON_IsString(f)) url = f->valuestring;
                else if (!strcmp(f->string, "schema") && cJSON_IsString(f)) schema = f->valuestring;
                else if (!strcmp(f->string, "url") || !strcmp(f->string, "schema"))
                    return bad(c, "\"sources\"[%d].\"%s\" must be a string, not %s", i, f->string,
                               json_kind(f));
                else
                    return bad(c, "unknown key \"sources\"[%d].\"%s\" (a source object has \"url\" "
                               "and \"schema\")", i, plain_text(f->string) ? f->string : "?");
            }
            if (!url) return bad(c, "\"sources\"[%d] has no \"url\"", i);
        } else {
            return bad(c, "\"sources\"[%d] must be a string (a URL, a path or a glob) or an "
                       "object {\"url\": ..., \"schema\": ...}, not %s", i, json_kind(it));
        }
        if (!*url || !plain_text(url))
            return bad(c, "\"sources\"[%d] must be a non-empty URL, path or glob", i);
        if (schema && (!*schema || strchr(schema, '=') || !plain_text(schema)))
            return bad(c, "\"sources\"[%d].\"schema\" must be a schema name (not empty, no '=')", i);
        av_push(&c->pos, url);
        if (schema) {
            char *pair = xasprintf("%s=%s", url, schema);
            av_push(&c->opts, "--schema-for");
            av_push(&c->opts, pair);
            free(pair);
        }
        i++;
    }
    av_push(&c->opts, "--schema-per-source");
    return 0;
}

/* key_renames — {"tables": {"old": "new"}, "columns": {"table.old": "new"}}. */
static int key_renames(job_ctx *c, const cJSON *v)
{
    const cJSON *group;
    if (!cJSON_IsObject(v))
        return bad(c, "\"renames\" must be an object {\"tables\": {\"old\": \"new\"}, \"columns\": "
                   "{\"table.old\": \"new\"}}, not %s", json_kind(v));
    cJSON_ArrayForEach(group, v) {
        int column = !strcmp(group->string, "columns");
        if (!column && strcmp(group->string, "tables") != 0)
            return bad(c, "unknown key \"renames\".\"%s\" (expected \"tables\" or \"columns\")",
                       plain_text(group->string) ? group->string : "?");
        if (!cJSON_IsObject(group))
            return bad(c, "\"renames\".\"%s\" must be an object {\"%s\": \"new\"}, not %s",
                       group->string, column ? "table.old" : "old", json_kind(group));
        const cJSON *r;
        cJSON_ArrayForEach(r, group) {
            const char *old = r->string;
            if (!cJSON_IsString(r) || !*r->valuestring || !plain_text(r->valuestring))
                return bad(c, "\"renames\".\"%s\".\"%s\" must be the new name (a non-empty "
                           "string), not %s", group->string, old, json_kind(r));
            if (!*old || strchr(old, '=') || !plain_text(old))
                return bad(c, "\"renames\".\"%s\": \"%s\" cannot be renamed (an empty name or one "
                           "holding '=')", group->string, plain_text(old) ? old : "?");
            const char *dot = strrchr(old, '.');
            if (column && (!dot || dot == old || !dot[1]))
                return bad(c, "\"renames\".\"columns\": \"%s\" must be table.column", old);
            char *arg = xasprintf("%s=%s", old, r->valuestring);
            av_push(&c->opts, column ? "--rename-column" : "--rename-table");
            av_push(&c->opts, arg);
            free(arg);
        }
    }
    return 0;
}

/* key_types — {"table.column": "type", "NATIVE": "logical"} as --map rules:
 * a key with a dot is a column rule, one without a native-type rule, and a
 * key starting with "column ", "native " or "logical " is a rule subject
 * as mappings/README.md writes it. The value is the rule's right-hand side
 * (a logical type, or a target type; "native json" forces the native one).
 * Each rule is checked here so that an error names its key. */
static int key_types(job_ctx *c, const cJSON *v)
{
    const cJSON *r;
    if (!cJSON_IsObject(v))
        return bad(c, "\"types\" must be an object {\"table.column\": \"type\", \"NATIVE\": "
                   "\"logical\"}, not %s", json_kind(v));
    cJSON_ArrayForEach(r, v) {
        const char *k = r->string;
        if (!cJSON_IsString(r) || !*r->valuestring || !plain_text(r->valuestring))
            return bad(c, "\"types\".\"%s\" must be a type (a non-empty string), not %s",
                       plain_text(k) ? k : "?", json_kind(r));
        if (!*k || !plain_text(k) || strstr(k, "->"))
            return bad(c, "\"types\": \"%s\" is not a column (table.column) nor a type name",
                       plain_text(k) ? k : "?");
        char *rule;
        if (!strncmp(k, "column ", 7) || !strncmp(k, "native ", 7) || !strncmp(k, "logical ", 8))
            rule = xasprintf("%s -> %s\n", k, r->valuestring);
        else
            rule = xasprintf("%s %s -> %s\n", strchr(k, '.') ? "column" : "native", k, r->valuestring);
        char *where = xasprintf("%s: \"types\".\"%s\"", c->path, k);
        ferry_err te = {0};
        type_map *m = type_map_with_overrides(type_map_builtin("sqlite"), where, rule, &te);
        free(where);
        if (!m) {
            free(rule);
            *c->e = te;
            return -1;
        }
        type_map_free(m);
        strbuf_adds(&c->types, rule);
        c->ntypes++;
        free(rule);
    }
    return 0;
}

/* scan_cli — the options typed after the file: those whose lists replace
 * the file's (--tables, --exclude), and --map, which is given once at the
 * end (combined with the file's "types"). Everything else passes through. */
static void scan_cli(job_ctx *c, int argc, char **argv, argvec *pass)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--tables") || !strncmp(a, "--tables=", 9)) c->cli_tables = 1;
        if (!strcmp(a, "--exclude") || !strncmp(a, "--exclude=", 10)) c->cli_exclude = 1;
        if (!strcmp(a, "--map") && i + 1 < argc) { c->cli_map = argv[++i]; continue; }
        if (!strncmp(a, "--map=", 6)) { c->cli_map = a + 6; continue; }
        av_push(pass, a);
    }
}

int jobfile_build(const char *path, const char *text, int argc, char **argv, jobfile_args *ja,
                  ferry_err *e)
{
    job_ctx c = {.path = path, .e = e};
    argvec pass = {0};
    int rc = -1;
    char *buf = xstrdup(text);
    const char *end = NULL;
    memset(ja, 0, sizeof *ja);
    strip_comments(buf);
    /* the length counts the NUL: cJSON wants to see it to accept the end */
    cJSON *root = cJSON_ParseWithLengthOpts(buf, strlen(buf) + 1, &end, 1);
    if (!root) {
        /* Line and column only: the text near the error may be a password. */
        int line = 1, col = 1;
        for (const char *p = buf; end && p < end && *p; p++) {
            if (*p == '\n') { line++; col = 1; } else col++;
        }
        bad(&c, "line %d, column %d: not valid JSON (a job file is one JSON object; comments "
            "// and /* */ are allowed)", line, col);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        bad(&c, "a job file is one JSON object {\"source\": ..., \"target\": ...}, not %s",
            json_kind(root));
        goto out;
    }
    scan_cli(&c, argc, argv, &pass);
    const cJSON *v, *target = NULL, *source = NULL, *sources = NULL;
    cJSON_ArrayForEach(v, root) {
        const job_key *k = NULL;
        for (size_t i = 0; i < sizeof KEYS / sizeof *KEYS && !k; i++)
            if (!strcmp(KEYS[i].key, v->string)) k = &KEYS[i];
        if (!k) {
            strbuf known = STRBUF_INIT;
            for (size_t i = 0; i < sizeof KEYS / sizeof *KEYS; i++)
                strbuf_addf(&known, "%s%s", i ? ", " : "", KEYS[i].key);
            bad(&c, "unknown key \"%s\" (known keys: %s; see docs/job-files.md)",
                plain_text(v->string) ? v->string : "?", strbuf_cstr(&known));
            strbuf_free(&known);
            goto out;
        }
        for (const cJSON *w = root->child; w != v; w = w->next)
            if (!strcmp(w->string, v->string)) { bad(&c, "key \"%s\" is given twice", v->string); goto out; }
        int r = 0;
        switch (k->kind) {
        case K_URL:
            if (!cJSON_IsString(v) || !*v->valuestring || !plain_text(v->valuestring)) {
                r = bad(&c, "\"%s\" must be a string: a database URL, a file path, or env:NAME "
                        "(an environment variable holding the URL), not %s", k->key,
                        cJSON_IsString(v) ? "an empty or multi-line string" : json_kind(v));
                break;
            }
            if (!strcmp(k->key, "target")) target = v;
            else source = v;
            break;
        case K_URLS: sources = v; r = key_sources(&c, v); break;
        case K_TEXT:
            if (!cJSON_IsString(v) || !*v->valuestring || !plain_text(v->valuestring))
                r = bad(&c, "\"%s\" must be a non-empty string (the %s option), not %s", k->key,
                        k->flag, cJSON_IsString(v) ? "an empty or multi-line string" : json_kind(v));
            else { av_push(&c.opts, k->flag); av_push(&c.opts, v->valuestring); }
            break;
        case K_GLOBS: r = key_globs(&c, k, v); break;
        case K_INT: r = key_int(&c, k, v); break;
        case K_FLAG:
            if (!cJSON_IsBool(v)) r = bad(&c, "\"%s\" must be true or false (the %s option), not %s",
                                          k->key, k->flag, json_kind(v));
            else if (cJSON_IsTrue(v)) av_push(&c.opts, k->flag);
            break;
        case K_CHOICE: r = key_choice(&c, k, v); break;
        case K_RENAMES: r = key_renames(&c, v); break;
        case K_TYPES: r = key_types(&c, v); break;
        case K_MAP:
            if (!cJSON_IsString(v) || !*v->valuestring || !plain_text(v->valuestring))
                r = bad(&c, "\"map\" must be the path of a type rules file (a string), not %s",
                        json_kind(v));
            else { free(c.map_file); c.map_file = xstrdup(v->valuestring); }
            break;
        case K_VERSION:
            if (!cJSON_IsNumber(v) || v->valuedouble != 1)
                r = bad(&c, "\"version\" must be 1 (the job file format this ferry reads)");
            break;
        case K_NOTE:
            if (!cJSON_IsString(v)) r = bad(&c, "\"description\" must be a string, not %s", json_kind(v));
            break;
        }
        if (r) goto out;
    }
    if (!target) { bad(&c, "no \"target\": say where to copy to (a URL, or env:NAME)"); goto out; }
    if (source && sources) { bad(&c, "give \"source\" or \"sources\", not both"); goto out; }
    if (!source && !sources) { bad(&c, "no \"source\" (or \"sources\"): say what to copy"); goto out; }
    if (source) av_push(&c.pos, source->valuestring);
    av_push(&c.pos, target->valuestring);

    /* "copy", SOURCE..., TARGET, the file's options, the typed ones (they
     * win: later options override earlier ones). */
    argvec out = {0};
    av_push(&out, "copy");
    for (int i = 0; i < c.pos.n; i++) av_push(&out, c.pos.v[i]);
    for (int i = 0; i < c.opts.n; i++) av_push(&out, c.opts.v[i]);
    for (int i = 0; i < pass.n; i++) av_push(&out, pass.v[i]);
    ja->argc = out.n;
    ja->argv = out.v;
    ja->npositional = c.pos.n;
    ja->types_rules = c.ntypes ? strbuf_detach(&c.types) : NULL;
    ja->map_file = c.cli_map ? xstrdup(c.cli_map) : c.map_file ? xstrdup(c.map_file) : NULL;
    rc = 0;
out:
    cJSON_Delete(root);
    free(buf);
    av_free(&c.pos);
    av_free(&c.opts);
    av_free(&pass);
    free(c.map_file);
    strbuf_free(&c.types);
    return rc;
}

void jobfile_args_free(jobfile_args *ja)
{
    argvec a = {ja->argv, ja->argc, ja->argc};
    av_free(&a);
    free(ja->types_rules);
    free(ja->map_file);
    memset(ja, 0, sizeof *ja);
}

/* The temporary map file holding a job's "types": removed at exit by the
 * process that made it (not by children forked for --schema-per-source,
 * which read it while the parent waits for them). */
static char  types_tmp[4096];
static pid_t types_tmp_owner;

static void types_tmp_remove(void)
{
    if (types_tmp[0] && getpid() == types_tmp_owner) unlink(types_tmp);
}

/* write_types_map — types rules, then the map file's own rules (checked
 * alone first, so that its errors name its own lines), into a private
 * temporary file. Returns its path (static) or NULL with e set. */
static const char *write_types_map(const char *rules, const char *map_file, ferry_err *e)
{
    /* Exactly the rules, then the map file's text: the same lines in a
     * --map file make the same job (the identity hashes the text). */
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, rules);
    if (map_file) {
        char *text = read_file(map_file, e);
        if (!text) { strbuf_free(&sb); return NULL; }
        type_map *m = type_map_with_overrides(type_map_builtin("sqlite"), map_file, text, e);
        if (!m) { free(text); strbuf_free(&sb); return NULL; }
        type_map_free(m);
        strbuf_adds(&sb, text);
        free(text);
    }
    const char *dir = getenv("TMPDIR");
    snprintf(types_tmp, sizeof types_tmp, "%s/ferry-job-types-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(types_tmp);
    if (fd < 0) {
        ferry_err_set(e, FERRY_E_IO, "cannot create a temporary file for the job's \"types\" "
                      "(%s): %m", types_tmp);
        types_tmp[0] = '\0';
        strbuf_free(&sb);
        return NULL;
    }
    types_tmp_owner = getpid();
    atexit(types_tmp_remove);
    FILE *f = fdopen(fd, "w");
    int ok = f && fwrite(sb.buf, 1, sb.len, f) == sb.len;
    if (f ? fclose(f) != 0 : close(fd) != 0) ok = 0;
    strbuf_free(&sb);
    if (!ok) {
        ferry_err_set(e, FERRY_E_IO, "cannot write \"%s\": %m", types_tmp);
        return NULL;
    }
    return types_tmp;
}

int jobfile_load(int argc, char **argv, jobfile_args *ja)
{
    ferry_err e = {0};
    memset(ja, 0, sizeof *ja);
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(JOBFILE_HELP, stdout);
            return EXIT_OK;
        }
    if (argc < 1 || argv[0][0] == '-') {
        fprintf(stderr, "ferry: run needs a job file: ferry run JOBFILE [options]\n"
                "Try 'ferry help run'.\n");
        return EXIT_USAGE;
    }
    char *text = read_file(argv[0], &e);
    if (!text || jobfile_build(argv[0], text, argc - 1, argv + 1, ja, &e)) {
        free(text);
        fprintf(stderr, "ferry: %s\nTry 'ferry help run'.\n", e.msg);
        return EXIT_USAGE;
    }
    free(text);
    const char *map = ja->map_file;
    if (ja->types_rules && !(map = write_types_map(ja->types_rules, ja->map_file, &e))) {
        fprintf(stderr, "ferry: %s\n", e.msg);
        jobfile_args_free(ja);
        return EXIT_USAGE;
    }
    if (map) {
        argvec a = {ja->argv, ja->argc, ja->argc + 1};
        av_push(&a, "--map");
        av_push(&a, map);
        ja->argv = a.v;
        ja->argc = a.n;
    }
    return EXIT_OK;
}
