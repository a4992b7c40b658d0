/* plan_print.c — `ferry plan` output: the target DDL as SQL text with every
 * type decision as a comment, or the whole plan as JSON. */
#include <stdio.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "plan.h"
#include "sqlexpr.h"
#include "../drivers/dialect.h"

static void print_notes(strbuf *out, const char *title, const plan_note *n, int count)
{
    if (!count) return;
    strbuf_addf(out, "\n-- %s:\n", title);
    for (int i = 0; i < count; i++) {
        strbuf_addf(out, "--   [%s] %s: %s\n", n[i].kind, n[i].object ? n[i].object : "", n[i].message);
        if (n[i].text) {
            /* Keep the source text on comment lines. */
            strbuf_adds(out, "--       ");
            for (const char *c = n[i].text; *c; c++) {
                strbuf_addc(out, *c);
                if (*c == '\n') strbuf_adds(out, "--       ");
            }
            strbuf_addc(out, '\n');
        }
    }
}

void plan_print_sql(const ferry_plan *p, strbuf *out)
{
    strbuf_addf(out, "-- ferry plan: %d table(s) into %s%s%s\n", p->ntables, p->dst->name,
                p->schema ? ", schema " : "", p->schema ? p->schema : "");
    strbuf_adds(out, "-- Type decisions (source type -> logical -> target type, rule):\n");
    for (int i = 0; i < p->ntables; i++) {
        const plan_table *t = &p->tables[i];
        for (int c = 0; c < t->ncols; c++) {
            const plan_column *col = &t->cols[c];
            char lt[64];
            ltype_format(&col->lt, lt, sizeof lt);
            strbuf_addf(out, "--   %s.%s: %s -> %s -> %s%s  [%s]%s%s\n", t->src->name,
                        col->src->name, col->src->native_type[0] ? col->src->native_type : "(none)",
                        lt, col->native, col->identity ? " identity" : "",
                        col->rule ? col->rule : "", col->lossy ? "  LOSSY: " : "",
                        col->lossy ? col->lossy : "");
        }
        for (int c = 0; c < t->ngen; c++)
            strbuf_addf(out, "--   %s.%s: %s -> %s  [generated: recreated as %s, not copied]\n",
                        t->src->name, t->gen[c].src->name, t->gen[c].src->native_type,
                        t->gen[c].native, t->gen[c].generated_sql);
    }
    if (p->dst->has_schemas && p->schema)
        strbuf_addf(out, "\nCREATE SCHEMA IF NOT EXISTS \"%s\";\n", p->schema);
    static const step_kind order[] = {STEP_TABLE, STEP_PK, STEP_UNIQUE, STEP_INDEX, STEP_FK,
                                      STEP_CHECK, STEP_SEQUENCE, STEP_VIEW};
    static const char *phase[] = {"tables (before the data)", "primary keys (after the data)",
                                  "unique constraints", "indexes", "foreign keys",
                                  "check constraints", "sequences", "views"};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        int any = 0;
        for (int i = 0; i < p->nsteps; i++) {
            if (p->steps[i].kind != order[k] || p->steps[i].inlined) continue;
            if (!any) strbuf_addf(out, "\n-- %s\n", phase[k]);
            any = 1;
            strbuf_addf(out, "%s;\n", p->steps[i].sql);
        }
    }
    /* how each engine's writer loads a chunk (see the drivers' write files) */
    const char *load = p->dst_sql == SQL_POSTGRESQL ? "loaded with COPY FROM STDIN"
                     : p->dst_sql == SQL_MYSQL ? "loaded with bulk INSERTs (MariaDB: array-bound)"
                     : "loaded with one reused prepared INSERT";
    strbuf_addf(out, "\n-- data: %d chunk(s) of about %lld rows, %s, each chunk "
                     "committed with its checkpoint\n", p->nchunks, (long long)p->opts->chunk_rows,
                load);
    print_notes(out, "warnings", p->warnings, p->nwarnings);
    print_notes(out, "not created (skipped)", p->skipped, p->nskipped);
    if (p->dst->max_ident_bytes > 0)
        strbuf_addf(out, "\n-- Names longer than %d bytes are shortened to a prefix plus \"_\" and "
                         "8 hex digits of a hash;\n-- two names that would still collide are "
                         "refused, never merged.\n", p->dst->max_ident_bytes);
    else if (p->dst->max_ident_chars > 0)
        strbuf_addf(out, "\n-- Names longer than %d characters are shortened to a prefix plus "
                         "\"_\" and 8 hex digits of a hash;\n-- two names that would still "
                         "collide are refused, never merged.\n", p->dst->max_ident_chars);
}

static cJSON *notes_json(const plan_note *n, int count)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < count; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", n[i].kind);
        cJSON_AddStringToObject(o, "object", n[i].object ? n[i].object : "");
        cJSON_AddStringToObject(o, "message", n[i].message);
        if (n[i].text) cJSON_AddStringToObject(o, "text", n[i].text);
        else cJSON_AddNullToObject(o, "text");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/* plan_column_json — one column's decisions as JSON, shared by `ferry plan
 * --json` and the report (which adds the conversions it counted). */
cJSON *plan_column_json(const plan_column *col)
{
    char lt[64];
    ltype_format(&col->lt, lt, sizeof lt);
    cJSON *cj = cJSON_CreateObject();
    cJSON_AddStringToObject(cj, "name", col->src->name);
    cJSON_AddStringToObject(cj, "target", col->name);
    cJSON_AddStringToObject(cj, "source_type", col->src->native_type);
    cJSON_AddStringToObject(cj, "logical", lt);
    cJSON_AddStringToObject(cj, "target_type", col->native);
    cJSON_AddStringToObject(cj, "rule", col->rule ? col->rule : "");
    if (col->lossy) cJSON_AddStringToObject(cj, "lossy", col->lossy);
    else cJSON_AddNullToObject(cj, "lossy");
    cJSON_AddBoolToObject(cj, "identity", col->identity);
    cJSON_AddBoolToObject(cj, "widened", col->widened);
    if (col->widened_from) cJSON_AddStringToObject(cj, "widened_from", col->widened_from);
    if (col->default_sql) cJSON_AddStringToObject(cj, "default", col->default_sql);
    return cj;
}

cJSON *plan_to_json(const ferry_plan *p)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema_version", 1);
    if (p->schema) cJSON_AddStringToObject(root, "target_schema", p->schema);
    else cJSON_AddNullToObject(root, "target_schema");
    cJSON_AddStringToObject(root, "target_dialect", p->dst->name);
    cJSON *tables = cJSON_AddArrayToObject(root, "tables");
    for (int i = 0; i < p->ntables; i++) {
        const plan_table *t = &p->tables[i];
        cJSON *tj = cJSON_CreateObject();
        cJSON_AddStringToObject(tj, "name", t->src->name);
        cJSON_AddStringToObject(tj, "target", t->name);
        cJSON_AddNumberToObject(tj, "chunks", t->nchunks);
        cJSON_AddStringToObject(tj, "chunk_key", t->whole ? "(whole table)" :
                                t->key_column ? t->key_column : "rowid");
        cJSON *cols = cJSON_AddArrayToObject(tj, "columns");
        for (int c = 0; c < t->ncols; c++) {
            cJSON *cj = plan_column_json(&t->cols[c]);
            cJSON_AddItemToArray(cols, cj);
        }
        for (int c = 0; c < t->ngen; c++) {
            cJSON *cj = plan_column_json(&t->gen[c]);
            cJSON_AddStringToObject(cj, "generated", t->gen[c].generated_sql);
            cJSON_AddItemToArray(cols, cj);
        }
        cJSON_AddItemToArray(tables, tj);
    }
    cJSON *steps = cJSON_AddArrayToObject(root, "steps");
    for (int i = 0; i < p->nsteps; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "kind", step_kind_name(p->steps[i].kind));
        cJSON_AddStringToObject(s, "id", p->steps[i].id);
        cJSON_AddStringToObject(s, "sql", p->steps[i].sql);
        cJSON_AddBoolToObject(s, "optional", p->steps[i].optional);
        cJSON_AddItemToArray(steps, s);
    }
    cJSON_AddItemToObject(root, "warnings", notes_json(p->warnings, p->nwarnings));
    cJSON_AddItemToObject(root, "skipped", notes_json(p->skipped, p->nskipped));
    cJSON_AddStringToObject(root, "long_names",
                            "shortened to a 54-byte prefix + '_' + 8 hex digits of a hash; "
                            "collisions refused");
    return root;
}
