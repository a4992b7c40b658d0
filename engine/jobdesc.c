/* jobdesc.c — see jobdesc.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "jobdesc.h"

/* hash_text — 16 hex digits of a DDL text ("" for NULL). */
static void hash_text(const char *s, char out[17])
{
    if (!s) { out[0] = '\0'; return; }
    snprintf(out, 17, "%016llx", (unsigned long long)fnv1a64(s, strlen(s), 0));
}

static void add_globs(cJSON *o, const char *key, char *const *globs, int n)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++) strbuf_addf(&sb, "%s%s", i ? "," : "", globs[i]);
    cJSON_AddStringToObject(o, key, strbuf_cstr(&sb));
    strbuf_free(&sb);
}

char *jobdesc_build(const ferry_plan *p, const ferry_options *o, const char *map_text)
{
    cJSON *d = cJSON_CreateObject();
    char h[17];
    cJSON_AddNumberToObject(d, "v", 1);
    cJSON_AddStringToObject(d, "schema", p->schema ? p->schema : "");

    cJSON *opt = cJSON_AddObjectToObject(d, "options");
    add_globs(opt, "tables", o->tables, o->ntables);
    add_globs(opt, "exclude", o->exclude, o->nexclude);
    cJSON_AddBoolToObject(opt, "lower_case", o->lower_case);
    cJSON_AddBoolToObject(opt, "widen", o->widen);
    cJSON_AddStringToObject(opt, "if_exists", if_exists_name(o->if_exists));
    cJSON_AddBoolToObject(opt, "schema_only", o->schema_only);
    cJSON_AddBoolToObject(opt, "data_only", o->data_only);
    cJSON_AddStringToObject(opt, "zero_dates", o->zero_dates_null ? "null" : "reject");
    if (map_text) { hash_text(map_text, h); cJSON_AddStringToObject(opt, "map", h); }
    else cJSON_AddNullToObject(opt, "map");
    if (o->nrenames) {
        /* Only when given, so that descriptions stored before renames
         * existed still compare equal. */
        strbuf sb = STRBUF_INIT;
        for (int i = 0; i < o->nrenames; i++)
            strbuf_addf(&sb, "%s%s%s%s=%s", i ? "," : "", o->renames[i].table,
                        o->renames[i].column ? "." : "",
                        o->renames[i].column ? o->renames[i].column : "", o->renames[i].to);
        cJSON_AddStringToObject(opt, "renames", strbuf_cstr(&sb));
        strbuf_free(&sb);
    }

    cJSON *tables = cJSON_AddArrayToObject(d, "tables");
    for (int i = 0; i < p->ntables; i++) {
        const plan_table *t = &p->tables[i];
        cJSON *jt = cJSON_CreateObject();
        cJSON_AddStringToObject(jt, "name", t->name);
        cJSON_AddStringToObject(jt, "source", t->src->name);
        if (t->whole) cJSON_AddNullToObject(jt, "key");
        else cJSON_AddStringToObject(jt, "key", t->key_column ? t->key_column : "rowid");
        const char *ddl = NULL;
        for (int s = 0; s < p->nsteps; s++)
            if (p->steps[s].kind == STEP_TABLE && p->steps[s].table == i) ddl = p->steps[s].sql;
        hash_text(ddl, h);
        cJSON_AddStringToObject(jt, "ddl", h);
        cJSON *cols = cJSON_AddArrayToObject(jt, "cols");
        for (int c = 0; c < t->ncols; c++) {
            const plan_column *pc = &t->cols[c];
            char lt[64];
            ltype_format(&pc->lt, lt, sizeof lt);
            cJSON *jc = cJSON_CreateArray();
            cJSON_AddItemToArray(jc, cJSON_CreateString(pc->name));
            cJSON_AddItemToArray(jc, cJSON_CreateString(pc->src && pc->src->native_type
                                                        ? pc->src->native_type : ""));
            cJSON_AddItemToArray(jc, cJSON_CreateString(lt));
            cJSON_AddItemToArray(jc, cJSON_CreateString(pc->native));
            cJSON_AddItemToArray(jc, cJSON_CreateNumber(pc->notnull ? 1 : 0));
            cJSON_AddItemToArray(cols, jc);
        }
        cJSON_AddItemToArray(tables, jt);
    }

    cJSON *steps = cJSON_AddArrayToObject(d, "steps");
    for (int s = 0; s < p->nsteps; s++) {
        const plan_step *st = &p->steps[s];
        if (st->kind == STEP_TABLE) continue;
        cJSON *js = cJSON_CreateArray();
        cJSON_AddItemToArray(js, cJSON_CreateString(st->id));
        cJSON_AddItemToArray(js, cJSON_CreateString(step_kind_name(st->kind)));
        cJSON_AddItemToArray(js, cJSON_CreateString(st->table >= 0 && st->table < p->ntables
                                                    ? p->tables[st->table].name : ""));
        cJSON_AddItemToArray(js, cJSON_CreateString(st->name ? st->name : ""));
        hash_text(st->kind == STEP_SEQUENCE ? NULL : st->sql, h);
        cJSON_AddItemToArray(js, cJSON_CreateString(h));
        cJSON_AddItemToArray(steps, js);
    }
    char *text = cJSON_PrintUnformatted(d);
    cJSON_Delete(d);
    return text;
}

/* ------------------------------------------------------------------ */
/* Differences                                                          */
/* ------------------------------------------------------------------ */

typedef struct diff { strbuf out; size_t max; int shown, hidden; } diff;

static void item(diff *df, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void item(diff *df, const char *fmt, ...)
{
    strbuf one = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&one, fmt, ap);
    va_end(ap);
    if (df->hidden || (df->shown && df->out.len + one.len + 2 > df->max)) {
        df->hidden++;
    } else {
        strbuf_addf(&df->out, "%s%s", df->shown ? "; " : "", strbuf_cstr(&one));
        df->shown++;
    }
    strbuf_free(&one);
}

static const char *str_at(const cJSON *a, int i)
{
    const cJSON *v = cJSON_GetArrayItem(a, i);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* opt_text — an option's value as the user would say it. */
static void opt_text(const cJSON *v, char *buf, size_t n)
{
    if (!v || cJSON_IsNull(v)) snprintf(buf, n, "none");
    else if (cJSON_IsBool(v)) snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "on" : "off");
    else if (cJSON_IsString(v)) snprintf(buf, n, "%s", *v->valuestring ? v->valuestring : "none");
    else snprintf(buf, n, "?");
}

static void diff_options(diff *df, const cJSON *o, const cJSON *n)
{
    static const struct { const char *key, *flag; } names[] = {
        {"tables", "--tables"}, {"exclude", "--exclude"}, {"lower_case", "--lower-case"},
        {"widen", "--widen"}, {"if_exists", "--if-exists"}, {"schema_only", "--schema-only"},
        {"data_only", "--data-only"}, {"zero_dates", "--zero-dates"}, {"map", "--map"},
        {"renames", "--rename-table/--rename-column"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, names[i].key);
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(n, names[i].key);
        char va[200], vb[200];
        opt_text(a, va, sizeof va);
        opt_text(b, vb, sizeof vb);
        if (strcmp(va, vb) == 0) continue;
        if (strcmp(names[i].key, "map") == 0)
            item(df, "option --map changed (%s)", strcmp(va, "none") == 0 ? "now given"
                 : strcmp(vb, "none") == 0 ? "no longer given" : "the type rules file changed");
        else
            item(df, "option %s changed (%s -> %s)", names[i].flag, va, vb);
    }
}

static const cJSON *find_named(const cJSON *arr, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, arr) {
        const char *nm = str_of(t, "name");
        if (nm && strcmp(nm, name) == 0) return t;
    }
    return NULL;
}

static const cJSON *find_col(const cJSON *cols, const char *name, int *pos)
{
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach(c, cols) {
        if (strcmp(str_at(c, 0), name) == 0) { if (pos) *pos = i; return c; }
        i++;
    }
    return NULL;
}

static void diff_table(diff *df, const cJSON *a, const cJSON *b)
{
    const char *tn = str_of(b, "name");
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(a, "cols");
    const cJSON *cb = cJSON_GetObjectItemCaseSensitive(b, "cols");
    int before = df->shown + df->hidden, order_same = 1, pos = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, ca) {
        int at = -1;
        const cJSON *other = find_col(cb, str_at(c, 0), &at);
        if (!other) { item(df, "table \"%s\": column \"%s\" removed", tn, str_at(c, 0)); continue; }
        if (at != pos) order_same = 0;
        pos++;
        const char *n = str_at(c, 0);
        if (strcmp(str_at(c, 2), str_at(other, 2)) != 0)
            item(df, "table \"%s\": column \"%s\" type %s -> %s", tn, n, str_at(c, 2), str_at(other, 2));
        else if (strcmp(str_at(c, 3), str_at(other, 3)) != 0)
            item(df, "table \"%s\": column \"%s\" target type %s -> %s", tn, n, str_at(c, 3),
                 str_at(other, 3));
        const cJSON *na = cJSON_GetArrayItem(c, 4), *nb = cJSON_GetArrayItem(other, 4);
        if (cJSON_IsNumber(na) && cJSON_IsNumber(nb) && na->valueint != nb->valueint)
            item(df, "table \"%s\": column \"%s\" %s", tn, n,
                 nb->valueint ? "now NOT NULL" : "now nullable");
    }
    cJSON_ArrayForEach(c, cb)
        if (!find_col(ca, str_at(c, 0), NULL))
            item(df, "table \"%s\": column \"%s\" added", tn, str_at(c, 0));
    if (!order_same && df->shown + df->hidden == before)
        item(df, "table \"%s\": column order changed", tn);
    const char *ka = str_of(a, "key"), *kb = str_of(b, "key");
    if ((ka == NULL) != (kb == NULL) || (ka && kb && strcmp(ka, kb) != 0))
        item(df, "table \"%s\": chunking key %s%s%s -> %s%s%s", tn, ka ? "\"" : "",
             ka ? ka : "none (one chunk)", ka ? "\"" : "", kb ? "\"" : "",
             kb ? kb : "none (one chunk)", kb ? "\"" : "");
    const char *da = str_of(a, "ddl"), *db = str_of(b, "ddl");
    if (df->shown + df->hidden == before && da && db && strcmp(da, db) != 0)
        item(df, "table \"%s\": definition changed (defaults, keys, checks or generated columns)", tn);
}

/* step_word — how a step kind reads in a message. */
static const char *step_word(const char *kind)
{
    if (!strcmp(kind, "primary_key")) return "primary key";
    if (!strcmp(kind, "unique")) return "unique constraint";
    if (!strcmp(kind, "foreign_key")) return "foreign key";
    return kind;
}

static const cJSON *find_step(const cJSON *steps, const char *id)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, steps)
        if (strcmp(str_at(s, 0), id) == 0) return s;
    return NULL;
}

static void step_item(diff *df, const cJSON *s, const char *what)
{
    const char *table = str_at(s, 2), *kind = str_at(s, 1);
    if (!strcmp(kind, "primary_key"))
        item(df, "table \"%s\": primary key %s", table, what);
    else if (!strcmp(kind, "sequence"))
        item(df, "table \"%s\": identity column %s", table, what);
    else if (*table)
        item(df, "table \"%s\": %s \"%s\" %s", table, step_word(kind), str_at(s, 3), what);
    else
        item(df, "%s \"%s\" %s", step_word(kind), str_at(s, 3), what);
}

static void diff_steps(diff *df, const cJSON *sa, const cJSON *sb, const cJSON *ta, const cJSON *tb)
{
    const cJSON *s;
    /* Steps of tables added or removed are said by the table's line. */
    cJSON_ArrayForEach(s, sa) {
        const char *table = str_at(s, 2);
        if (*table && !find_named(tb, table)) continue;
        const cJSON *o = find_step(sb, str_at(s, 0));
        if (!o) step_item(df, s, "removed");
        else if (strcmp(str_at(s, 4), str_at(o, 4)) != 0) step_item(df, o, "changed");
    }
    cJSON_ArrayForEach(s, sb) {
        const char *table = str_at(s, 2);
        if (*table && !find_named(ta, table)) continue;
        if (!find_step(sa, str_at(s, 0))) step_item(df, s, "added");
    }
}

static char *finish(diff *df)
{
    if (df->hidden) strbuf_addf(&df->out, "; and %d more difference%s", df->hidden,
                                df->hidden > 1 ? "s" : "");
    return strbuf_detach(&df->out);
}

static int parse_pair(const char *old_desc, const char *new_desc, cJSON **a, cJSON **b)
{
    *a = *b = NULL;
    if (!old_desc || !new_desc) return -1;
    *a = cJSON_Parse(old_desc);
    *b = cJSON_Parse(new_desc);
    const cJSON *va = *a ? cJSON_GetObjectItemCaseSensitive(*a, "v") : NULL;
    if (!*a || !*b || !cJSON_IsNumber(va) || va->valueint != 1) {
        cJSON_Delete(*a);
        cJSON_Delete(*b);
        return -1;
    }
    return 0;
}

char *jobdesc_options_diff(const char *old_desc, const char *new_desc, size_t max_len)
{
    cJSON *a, *b;
    if (parse_pair(old_desc, new_desc, &a, &b)) return NULL;
    diff df = {STRBUF_INIT, max_len, 0, 0};
    diff_options(&df, cJSON_GetObjectItemCaseSensitive(a, "options"),
                 cJSON_GetObjectItemCaseSensitive(b, "options"));
    const char *sa = str_of(a, "schema"), *sb = str_of(b, "schema");
    if (sa && sb && strcmp(sa, sb) != 0)
        item(&df, "option --target-schema changed (%s -> %s)", *sa ? sa : "none", *sb ? sb : "none");
    cJSON_Delete(a);
    cJSON_Delete(b);
    return finish(&df);
}

char *jobdesc_diff(const char *old_desc, const char *new_desc, size_t max_len)
{
    cJSON *a, *b;
    if (parse_pair(old_desc, new_desc, &a, &b)) return NULL;
    diff df = {STRBUF_INIT, max_len, 0, 0};
    diff_options(&df, cJSON_GetObjectItemCaseSensitive(a, "options"),
                 cJSON_GetObjectItemCaseSensitive(b, "options"));
    const char *sa = str_of(a, "schema"), *sb = str_of(b, "schema");
    if (sa && sb && strcmp(sa, sb) != 0)
        item(&df, "target schema \"%s\" -> \"%s\"", sa, sb);
    const cJSON *ta = cJSON_GetObjectItemCaseSensitive(a, "tables");
    const cJSON *tb = cJSON_GetObjectItemCaseSensitive(b, "tables");
    const cJSON *t;
    cJSON_ArrayForEach(t, ta) {
        const char *name = str_of(t, "name");
        if (!name) continue;
        const cJSON *other = find_named(tb, name);
        if (!other) item(&df, "table \"%s\" removed", name);
        else diff_table(&df, t, other);
    }
    cJSON_ArrayForEach(t, tb) {
        const char *name = str_of(t, "name");
        if (name && !find_named(ta, name)) item(&df, "table \"%s\" added", name);
    }
    diff_steps(&df, cJSON_GetObjectItemCaseSensitive(a, "steps"),
               cJSON_GetObjectItemCaseSensitive(b, "steps"), ta, tb);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return finish(&df);
}
