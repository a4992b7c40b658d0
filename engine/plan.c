/* plan.c — building the plan: which tables, what they are called on the
 * target, each column's logical and native type, defaults, the CREATE TABLE
 * text, and the post-data steps (keys, indexes, foreign keys, checks,
 * sequences, views). Nothing here touches the target. Chunk boundaries are
 * in plan_chunks.c, printing in plan_print.c. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"
#include "convert.h"
#include "sqlexpr.h"
#include "../drivers/dialect.h"


/* plan_note_add — append a note built from fmt to arr (warnings/skipped). */
static void plan_note_vadd(ferry_plan *p, plan_note **arr, int *n, int *cap,
                           const char *kind, const char *object, const char *text,
                           const char *fmt, va_list ap)
{
    plan_note note;
    strbuf sb = STRBUF_INIT;
    strbuf_vaddf(&sb, fmt, ap);
    note.kind = arena_strdup(&p->mem, kind);
    note.object = arena_strdup(&p->mem, object);
    note.text = arena_strdup(&p->mem, text);
    note.message = arena_strdup(&p->mem, strbuf_cstr(&sb));
    strbuf_free(&sb);
    ARENA_PUSH(&p->mem, *arr, *n, *cap, note);
}

void plan_warn(ferry_plan *p, const char *kind, const char *object, const char *text,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plan_note_vadd(p, &p->warnings, &p->nwarnings, &p->cap_warnings, kind, object, text, fmt, ap);
    va_end(ap);
}

void plan_skip(ferry_plan *p, const char *kind, const char *object, const char *text,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plan_note_vadd(p, &p->skipped, &p->nskipped, &p->cap_skipped, kind, object, text, fmt, ap);
    va_end(ap);
}

void plan_add_chunk(ferry_plan *p, const plan_chunk *c)
{
    ARENA_PUSH(&p->mem, p->chunks, p->nchunks, p->cap_chunks, *c);
}

void plan_free(ferry_plan *p)
{
    if (p) arena_free(&p->mem);
}

const char *step_kind_name(step_kind k)
{
    static const char *names[] = {"table", "primary_key", "unique", "index",
                                  "foreign_key", "check", "sequence", "view"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

/* table_selected — --tables globs (all when none) minus --exclude globs.
 * Matching ignores case, as SQLite's names do. */
static int table_selected(const ferry_options *o, const char *name)
{
    /* ferry's own state tables (a source that was itself a ferry target)
     * are never data: copying them would collide with the target's state. */
    if (strncasecmp(name, "_ferry_", 7) == 0) return 0;
    int in = o->ntables == 0;
    for (int i = 0; i < o->ntables && !in; i++)
        in = glob_match(o->tables[i], name, 1);
    for (int i = 0; i < o->nexclude && in; i++)
        if (glob_match(o->exclude[i], name, 1)) in = 0;
    return in;
}

/* utf8_prefix_bytes — bytes of the longest prefix of s that has at most
 * max_chars characters and max_bytes bytes (0 = no limit on that). */
static size_t utf8_prefix_bytes(const char *s, size_t max_chars, size_t max_bytes)
{
    size_t bytes = 0, chars = 0;
    while (s[bytes]) {
        size_t n = 1;
        while (((unsigned char)s[bytes + n] & 0xC0) == 0x80) n++;
        if ((max_chars && chars + 1 > max_chars) || (max_bytes && bytes + n > max_bytes)) break;
        bytes += n;
        chars++;
    }
    return bytes;
}

/* target_name — the target spelling of a source identifier: exact (or folded
 * to lower case with --lower-case), and when longer than the target allows
 * (PostgreSQL 63 bytes, MySQL 64 characters) shortened deterministically: a
 * prefix cut at a character boundary plus "_" and 8 hex digits of a hash of
 * the full name, so two long names that share a prefix never merge. The
 * shortening is recorded as a warning. */
static char *target_name(ferry_plan *p, const char *src, const char *what)
{
    char *name = arena_strdup(&p->mem, src);
    if (p->opts->lower_case)
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
    size_t max_b = (size_t)p->dst->max_ident_bytes, max_c = (size_t)p->dst->max_ident_chars;
    size_t len = strlen(name);
    if (utf8_prefix_bytes(name, max_c, max_b) == len) return name;
    size_t cut = utf8_prefix_bytes(name, max_c ? max_c - 9 : 0, max_b ? max_b - 9 : 0);
    uint32_t h = (uint32_t)fnv1a64(src, strlen(src), 0);
    char *short_name = arena_sprintf(&p->mem, "%.*s_%08x", (int)cut, name, h);
    plan_warn(p, "name", src, NULL,
              "%s name is longer than the target allows (%s): shortened to \"%s\"", what,
              max_b ? "63 bytes" : "64 characters", short_name);
    return short_name;
}

/* plan_rename — the name --rename-table (column NULL) or --rename-column
 * gives a source table or column, NULL when none does. Source names match
 * without regard to case, as --tables does; the last rename given for a
 * name wins, so options after a job file override the file's. */
static const char *plan_rename(const ferry_plan *p, const char *table, const char *column)
{
    const char *to = NULL;
    for (int i = 0; i < p->opts->nrenames; i++) {
        const ferry_rename *r = &p->opts->renames[i];
        if (strcasecmp(r->table, table) != 0) continue;
        if (column ? r->column && strcasecmp(r->column, column) == 0 : !r->column) to = r->to;
    }
    return to;
}

/* object_name — the target name of a source table (column NULL) or
 * column: the rename, exactly as written (no --lower-case folding: the user
 * spelled it), else target_name. plan_check_renames has checked that a
 * rename fits the target's limit. */
static char *object_name(ferry_plan *p, const char *table, const char *column)
{
    const char *to = plan_rename(p, table, column);
    if (to) return arena_strdup(&p->mem, to);
    return target_name(p, column ? column : table, column ? "column" : "table");
}

/* plan_check_renames — every rename names a table (and column) of the
 * source and fits the target's name limit: a typo in a rename must stop
 * the copy, not silently keep the old name. A rename of a table left out
 * by --tables/--exclude is allowed and has no effect (a job file may name
 * more than one run copies). */
static int plan_check_renames(ferry_plan *p, ferry_err *e)
{
    size_t max_b = (size_t)p->dst->max_ident_bytes, max_c = (size_t)p->dst->max_ident_chars;
    for (int i = 0; i < p->opts->nrenames; i++) {
        const ferry_rename *r = &p->opts->renames[i];
        const char *opt = r->column ? "--rename-column" : "--rename-table";
        const cat_table *st = NULL;
        for (int t = 0; t < p->cat->ntables && !st; t++)
            if (strcasecmp(p->cat->tables[t].name, r->table) == 0) st = &p->cat->tables[t];
        if (!st) {
            int is_view = 0;
            for (int v = 0; v < p->cat->nviews; v++)
                if (strcasecmp(p->cat->views[v].name, r->table) == 0) is_view = 1;
            return ferry_err_set(e, FERRY_E_USAGE, "%s %s%s%s=%s: the source has no table \"%s\"%s",
                                 opt, r->table, r->column ? "." : "", r->column ? r->column : "",
                                 r->to, r->table, is_view ? " (it is a view: views keep their "
                                 "names)" : "");
        }
        int found = !r->column;
        for (int c = 0; c < st->ncols && !found; c++)
            found = strcasecmp(st->cols[c].name, r->column) == 0;
        if (!found)
            return ferry_err_set(e, FERRY_E_USAGE, "--rename-column %s.%s=%s: table \"%s\" has no "
                                 "column \"%s\"", r->table, r->column, r->to, st->name, r->column);
        if (utf8_prefix_bytes(r->to, max_c, max_b) != strlen(r->to))
            return ferry_err_set(e, FERRY_E_USAGE, "%s ...=%s: the new name is longer than %s "
                                 "allows (%s)", opt, r->to, p->dst->name,
                                 max_b ? "63 bytes" : "64 characters");
    }
    return 0;
}

/* Relation-level names in one schema (tables, views, indexes, key
 * constraints) must be unique in PostgreSQL: a collision is refused,
 * naming both objects, rather than letting one silently replace the other. */
typedef struct name_entry { const char *name; const char *owner; } name_entry;
typedef struct name_set { name_entry *items; int n, cap; } name_set;

static int name_claim(ferry_plan *p, name_set *s, const char *name, const char *owner,
                      ferry_err *e)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->items[i].name, name) == 0)
            return ferry_err_set(e, FERRY_E_USAGE,
                "target name \"%s\" would be used twice: by %s and by %s; rename one "
                "with --rename-table or --rename-column (names are kept exactly unless "
                "--lower-case folds them)", name, s->items[i].owner, owner);
    name_entry ne = {name, arena_strdup(&p->mem, owner)};
    ARENA_PUSH(&p->mem, s->items, s->n, s->cap, ne);
    return 0;
}

/* QI/QL — quote an identifier / a literal for the target (p in scope). */
#define QI(sb, name) p->dst->quote_ident((sb), (name))
#define QL(sb, text) p->dst->quote_literal((sb), (text))

static char *qualified(ferry_plan *p, const char *name)
{
    strbuf sb = STRBUF_INIT;
    p->dst->qualify(&sb, p->schema, name);
    char *r = arena_strdup(&p->mem, strbuf_cstr(&sb));
    strbuf_free(&sb);
    return r;
}

static plan_step *plan_add_step(ferry_plan *p, step_kind kind, int table, const char *id,
                                const char *name, const char *sql, const char *src_text,
                                int optional)
{
    plan_step s = {kind, arena_strdup(&p->mem, id), table, arena_strdup(&p->mem, name),
                   arena_strdup(&p->mem, sql), arena_strdup(&p->mem, src_text), optional, 0,
                   NULL, 0, 0, NULL};
    ARENA_PUSH(&p->mem, p->steps, p->nsteps, p->cap_steps, s);
    return &p->steps[p->nsteps - 1];
}

/* Expression translation resolves source names (case-insensitively, as
 * SQLite does) to target names: the current table's columns first, then
 * table names, then any selected table's columns (for views). */
typedef struct resolve_ctx {
    ferry_plan *p;
    int table;
    const char *ambiguous;   /* a column name that --rename-column made mean two things */
} resolve_ctx;

static const char *resolve_name(void *vctx, const char *src)
{
    resolve_ctx *rc = vctx;
    ferry_plan *p = rc->p;
    if (rc->table >= 0) {
        plan_table *t = &p->tables[rc->table];
        for (int c = 0; c < t->ncols; c++)
            if (strcasecmp(t->cols[c].src->name, src) == 0) return t->cols[c].name;
        for (int c = 0; c < t->ngen; c++)
            if (strcasecmp(t->gen[c].src->name, src) == 0) return t->gen[c].name;
    }
    for (int i = 0; i < p->ntables; i++)
        if (strcasecmp(p->tables[i].src->name, src) == 0) return p->tables[i].name;
    /* Any table's columns: the first match, unless renames gave columns
     * of that source name different target names (then the name is
     * ambiguous here: the caller decides; views are skipped). */
    const char *found = NULL;
    for (int i = 0; i < p->ntables; i++)
        for (int c = 0; c < p->tables[i].ncols; c++)
            if (strcasecmp(p->tables[i].cols[c].src->name, src) == 0) {
                if (!found) found = p->tables[i].cols[c].name;
                else if (strcmp(found, p->tables[i].cols[c].name) != 0 && !rc->ambiguous)
                    rc->ambiguous = arena_strdup(&p->mem, src);
            }
    if (found) return found;
    /* Views may read views: same naming rule as tables (views with names
     * over 63 bytes are rare enough to be left to PostgreSQL's verdict). */
    for (int v = 0; v < p->cat->nviews; v++)
        if (strcasecmp(p->cat->views[v].name, src) == 0) {
            if (!p->opts->lower_case) return p->cat->views[v].name;
            char *low = arena_strdup(&p->mem, p->cat->views[v].name);
            for (char *c = low; *c; c++) *c = (char)tolower((unsigned char)*c);
            return low;
        }
    return NULL;
}

/* plan_dump_same_type — restoring a dump into the engine it was taken
 * from plans a column as a live same-engine copy (the native type kept)
 * when the native type still reads as the logical type the dump stores. */
static int plan_dump_same_type(const ferry_plan *p, const plan_table *t, const plan_column *c,
                               const type_map *src_map)
{
    ltype lt;
    const char *rule = NULL, *lossy = NULL;
    char a[64], b[64];
    if (p->src_sql != p->dst_sql || p->opts->map_file) return 0;
    if (type_map_to_logical_ex(src_map, t->src->name, c->src->name, c->src->native_type, &lt,
                               &rule, &lossy) != 0)
        return 0;
    ltype_format(&lt, a, sizeof a);
    ltype_format(c->src->stored_lt, b, sizeof b);
    /* a MySQL TIME is stored as a duration (fixed), which its mapping does
     * not say: plan_columns marks it again between MySQL servers */
    return strcmp(a, b) == 0 &&
           (lt.fixed == c->src->stored_lt->fixed || (lt.kind == LT_TIME && p->src_sql == SQL_MYSQL));
}

/* plan_column_types — logical and native type of one column. */
static int plan_column_types(ferry_plan *p, plan_table *t, plan_column *c,
                             const type_map *src_map, const type_map *dst_map, ferry_err *e)
{
    const char *lossy = NULL;
    if (src_map && c->src->stored_lt && !plan_dump_same_type(p, t, c, src_map)) {
        /* A dump read into another engine (or a type the native mapping no
         * longer gives): the values are stored as this logical type. */
        c->lt = *c->src->stored_lt;
        /* a MySQL duration stays one only between MySQL servers (below) */
        if (c->lt.kind == LT_TIME) c->lt.fixed = 0;
        c->rule = "dump: the logical type the dump stores";
        c->src_lossy = c->src->stored_lossy;
        src_map = NULL;
    }
    /* src_map NULL: keep the logical type already decided (widened, narrowed). */
    if (src_map) {
        const char *src_lossy = NULL;
        if (type_map_to_logical_ex(src_map, t->src->name, c->src->name, c->src->native_type,
                                   &c->lt, &c->rule, &src_lossy) != 0)
            return ferry_err_set(e, FERRY_E_TYPE,
                "table \"%s\" column \"%s\": no type mapping for declared type \"%s\"; add a "
                "rule with --map (see mappings/README.md)", t->src->name, c->src->name,
                c->src->native_type);
        c->src_lossy = src_lossy ? arena_strdup(&p->mem, src_lossy) : NULL;
        size_t nlen = strlen(c->src->native_type);
        if (p->src_sql == SQL_POSTGRESQL && p->dst_sql != SQL_POSTGRESQL && nlen > 2 &&
            strcmp(c->src->native_type + nlen - 2, "[]") == 0 && c->lt.kind == LT_TEXT) {
            /* Arrays: targets without them get JSON arrays, which the
             * source server writes (array_to_json) and apps can read. */
            c->lt.kind = LT_JSON;
            c->lt.length = -1;
            c->src_lossy = NULL;
            c->rule = "PostgreSQL array -> json (array_to_json on the source)";
            ((cat_column *)c->src)->read_json = 1;
        }
        /* Same engine: a type carried as its own text form (arrays, inet,
         * ranges ...) goes back into the same type, unchanged: text COPY
         * parses it. Not for the catch-all rule, whose types (composites,
         * extension types) may not exist in the target. */
        if (p->src_sql == p->dst_sql && c->src_lossy && c->lt.kind == LT_TEXT &&
            !p->opts->map_file && c->rule && !strstr(c->rule, "native * ") &&
            c->src->native_type[0] && strlen(c->src->native_type) < sizeof c->native) {
            snprintf(c->native, sizeof c->native, "%s", c->src->native_type);
            c->lossy = c->src_lossy = NULL;
            return 0;
        }
        /* Same engine: the source's own type, verbatim, when reading it as a
         * logical type loses nothing — an exact copy needs no translation.
         * Between MySQL servers TIME is a duration (plan_columns marks it
         * fixed) written back as it was read (conv_time_duration): its
         * source note is about other engines' time of day, so TIME(n) stays
         * TIME(n). */
        if (p->src_sql == p->dst_sql &&
            (!c->src_lossy || (c->lt.kind == LT_TIME && p->src_sql == SQL_MYSQL)) &&
            !p->opts->map_file &&
            c->src->native_type[0] && strlen(c->src->native_type) < sizeof c->native) {
            snprintf(c->native, sizeof c->native, "%s", c->src->native_type);
            c->lossy = NULL;
            return 0;
        }
    }
    if (type_map_to_native(dst_map, t->src->name, c->src->name, &c->lt, c->native,
                           sizeof c->native, &lossy) != 0) {
        char lt[64];
        ltype_format(&c->lt, lt, sizeof lt);
        return ferry_err_set(e, FERRY_E_TYPE,
            "table \"%s\" column \"%s\": no target type for logical type %s; add a rule "
            "with --map", t->src->name, c->src->name, lt);
    }
    /* What is lost reading the source type and what is lost writing the
     * target type are both named. */
    if (c->src_lossy && lossy)
        c->lossy = arena_sprintf(&p->mem, "%s; %s", c->src_lossy, lossy);
    else if (c->src_lossy || lossy)
        c->lossy = arena_strdup(&p->mem, c->src_lossy ? c->src_lossy : lossy);
    else
        c->lossy = NULL;
    return 0;
}

/* plan_enum — an enum column whose labels the source named: MySQL targets
 * get enum(...) with them, a PostgreSQL -> PostgreSQL copy recreates the
 * enum type, other targets keep the label text in a text column and
 * enforce the labels with a CHECK (what an ORM's non-native enum does);
 * the declaration order of the labels, which orders enum values, is what
 * the text form cannot keep. */
static void plan_enum(ferry_plan *p, plan_table *t, plan_column *c, const char *owner)
{
    const cat_column *sc = c->src;
    strbuf sb = STRBUF_INIT;
    if (sc->nlabels <= 0) return;
    c->rule = "enum: labels read from the source";
    c->lt.kind = LT_ENUM;
    c->lt.length = c->lt.precision = c->lt.scale = -1;
    c->lt.fixed = 0;
    if (p->dst_sql == SQL_MYSQL) {
        strbuf_adds(&sb, "enum(");
        for (int i = 0; i < sc->nlabels; i++) {
            if (i) strbuf_addc(&sb, ',');
            p->dst->quote_literal(&sb, sc->labels[i]);
        }
        strbuf_addc(&sb, ')');
        if (sb.len < sizeof c->native) {
            snprintf(c->native, sizeof c->native, "%s", sb.buf);
            c->lossy = c->src_lossy = NULL;
            strbuf_free(&sb);
            return;
        }
        strbuf_reset(&sb);     /* too long for a type text: text + CHECK below */
        snprintf(c->native, sizeof c->native, "text");
    } else if (p->src_sql == SQL_POSTGRESQL && p->dst_sql == SQL_POSTGRESQL && sc->enum_type) {
        /* the type is created with the table (plan_create_sql) */
        const char *base = strrchr(sc->enum_type, '.');
        base = base ? base + 1 : sc->enum_type;
        char *bare = arena_strdup(&p->mem, base);
        size_t n = strlen(bare);
        if (n >= 2 && bare[0] == '"' && bare[n - 1] == '"') { bare[n - 1] = 0; bare++; }
        p->dst->qualify(&sb, p->schema, bare);
        if (sb.len < sizeof c->native) {
            snprintf(c->native, sizeof c->native, "%s", sb.buf);
            c->lossy = c->src_lossy = NULL;
            strbuf_free(&sb);
            return;
        }
        strbuf_reset(&sb);
        snprintf(c->native, sizeof c->native, "text");
    } else {
        snprintf(c->native, sizeof c->native, "%s", p->dst_sql == SQL_SQLITE ? "TEXT" : "text");
    }
    QI(&sb, c->name);
    strbuf_adds(&sb, " IN (");
    for (int i = 0; i < sc->nlabels; i++) {
        if (i) strbuf_adds(&sb, ", ");
        p->dst->quote_literal(&sb, sc->labels[i]);
    }
    strbuf_addc(&sb, ')');
    c->enum_check = arena_strdup(&p->mem, sb.buf);
    c->src_lossy = NULL;
    c->lossy = "enum stored as text with a CHECK of its labels: values no longer sort in "
               "declaration order";
    (void)t; (void)owner;
    strbuf_free(&sb);
}

/* plan_generated — a generated column: recreated with its expression when
 * source and target speak the same dialect (then it is not copied: the
 * target computes it); otherwise copied as a plain column with a warning. */
static int plan_generated(ferry_plan *p, const plan_column *c, const char *owner)
{
    if (!c->src->generated) return 0;
    if (p->dump_target) return 0;      /* stored with its values; the manifest keeps the expression */
    if (p->src_sql == p->dst_sql && c->src->generated_expr && *c->src->generated_expr &&
        (c->src->generated_stored || p->dst_sql != SQL_POSTGRESQL))
        return 1;
    plan_warn(p, "column", owner, c->src->generated_expr,
              "generated column copied as a plain column with its current values (the "
              "expression is not translated between dialects)");
    return 0;
}

/* plan_columns — names, types, nullability, identity and defaults. Data
 * columns go to t->cols (read in that order), recreated generated columns
 * to t->gen. */
static int plan_columns(ferry_plan *p, plan_table *t, const type_map *src_map,
                        const type_map *dst_map, ferry_err *e)
{
    const cat_table *st = t->src;
    name_set cols = {0};
    size_t cap = (size_t)(st->ncols ? st->ncols : 1);
    t->ncols = t->ngen = 0;
    t->cols = arena_alloc(&p->mem, sizeof(plan_column) * cap);
    t->gen = arena_alloc(&p->mem, sizeof(plan_column) * cap);
    t->read_cols = arena_alloc(&p->mem, sizeof(int) * cap);
    for (int i = 0; i < st->ncols; i++) {
        plan_column col = {0}, *c = &col;
        c->src_index = i;
        c->src = &st->cols[i];
        c->name = object_name(p, st->name, c->src->name);
        char owner[300];
        snprintf(owner, sizeof owner, "column \"%s\".\"%s\"%s", st->name, c->src->name,
                 plan_rename(p, st->name, c->src->name) ? " (renamed)" : "");
        if (name_claim(p, &cols, c->name, owner, e)) return -1;
        if (plan_column_types(p, t, c, src_map, dst_map, e)) return -1;
        c->notnull = c->src->notnull;
        plan_enum(p, t, c, owner);
        if (plan_generated(p, c, owner)) {
            c->generated_sql = arena_strdup(&p->mem, c->src->generated_expr);
            t->gen[t->ngen++] = col;
            continue;
        }
        if (c->src->on_update) {
            if (p->src_sql == SQL_MYSQL && p->dst_sql == SQL_MYSQL)
                c->on_update_sql = arena_strdup(&p->mem, c->src->on_update);
            else if (p->dst_sql != SQL_POSTGRESQL)
                plan_warn(p, "column", owner, c->src->on_update,
                          "ON UPDATE %s not kept: %s has no such column option; the app must "
                          "set the column itself on UPDATE", c->src->on_update, p->dst->name);
            /* PostgreSQL: a trigger, written with the table (plan_create_sql) */
        }
        if (c->lt.kind == LT_TIME && p->src_sql == SQL_MYSQL && p->dst_sql == SQL_MYSQL) {
            /* MySQL TIME is a duration; between MySQL servers it is kept as
             * one (elsewhere only times of day fit, others are rejected). */
            c->lt.fixed = 1;
            c->lossy = NULL;
        }
        if (c->src->identity && c->lt.kind == LT_DECIMAL && c->lt.scale == 0 &&
            p->src_sql != p->dst_sql) {
            /* MySQL's bigint unsigned AUTO_INCREMENT ids: auto-assigned ids
             * must stay integers to stay identity columns; an id above
             * 2^63-1 does not fit and is rejected, never changed. */
            c->lt.kind = LT_INT64;
            c->lt.precision = c->lt.scale = -1;
            if (plan_column_types(p, t, c, NULL, dst_map, e)) return -1;
            plan_warn(p, "type", owner, NULL, "auto-increment id of type %s kept as a 64-bit "
                      "integer (int64) so it stays an identity column; ids above "
                      "9223372036854775807 would be rejected", c->src->native_type);
        }
        c->identity = (c->src->identity || (st->rowid_alias == i && st->has_rowid)) &&
                      (c->lt.kind == LT_INT64 || c->lt.kind == LT_INT32 || c->lt.kind == LT_INT16);
        /* SQLite and MySQL hand out values only for a keyed column: SQLite's
         * INTEGER PRIMARY KEY, MySQL's AUTO_INCREMENT key. */
        if (c->identity && p->dst->identity_needs_pk_in_create &&
            !(st->npk == 1 && c->src->pk_position == 1)) {
            c->identity = 0;
            plan_warn(p, "column", owner, NULL, "auto-assigned values are not kept on %s: the "
                      "column is not the table's single-column primary key", p->dst->name);
        }
        t->read_cols[t->ncols] = i;
        t->cols[t->ncols++] = col;
    }
    return 0;
}

/* plan_col_of_src — the index in t->cols of source column src_index, -1
 * when it is not copied as data. */
static int plan_col_of_src(const plan_table *t, int src_index)
{
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].src_index == src_index) return i;
    return -1;
}

/* plan_defaults — translate each column's default; an untranslatable one is
 * dropped with a warning naming it (the column then has no default). */
static void plan_defaults(ferry_plan *p, plan_table *t)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < t->ncols; i++) {
        plan_column *c = &t->cols[i];
        if (!c->src->default_expr || c->identity) continue;
        if (p->src_sql == SQL_MYSQL && p->dst_sql == SQL_MYSQL) {
            /* Between MySQL servers the column keeps its native type, so
             * its default is right as written (CURRENT_TIMESTAMP(3) of a
             * timestamp(3) column, which a translation through the logical
             * type would turn into UTC_TIMESTAMP). */
            c->default_sql = arena_strdup(&p->mem, c->src->default_expr);
            continue;
        }
        const char *why = NULL;
        strbuf_reset(&sb);
        char obj[300];
        snprintf(obj, sizeof obj, "%s.%s", t->src->name, c->src->name);
        if (sqlexpr_translate_default_ex((sql_dialect)p->src_sql, (sql_dialect)p->dst_sql,
                                         c->src->default_expr, &c->lt, &sb, &why) == 0)
            c->default_sql = arena_strdup(&p->mem, strbuf_cstr(&sb));
        else
            plan_skip(p, "default", obj, c->src->default_expr,
                      "default not translated, column created without it: %s",
                      why ? why : "unsupported expression");
    }
    strbuf_free(&sb);
}

/* plan_key — how the table is cut into chunks: by rowid when it has one
 * (the rowid, or the INTEGER PRIMARY KEY aliasing it, is SQLite's row key),
 * by a single integer primary key for WITHOUT ROWID tables, else whole. */
static void plan_key(ferry_plan *p, plan_table *t)
{
    const cat_table *st = t->src;
    t->key_column = NULL;
    t->whole = 0;
    if (st->has_rowid) return;
    if (st->npk == 1) {
        for (int i = 0; i < t->ncols; i++) {
            ltype_kind k = t->cols[i].lt.kind;
            if (t->cols[i].src->pk_position == 1 && (k == LT_INT64 || k == LT_INT32 || k == LT_INT16)) {
                t->key_column = t->cols[i].src->name;
                return;
            }
        }
    }
    t->whole = 1;
    (void)p;
}

/* default_is_literal — 1 when a DEFAULT text may stand without parentheses
 * in SQLite: a string, a number, NULL, TRUE/FALSE, CURRENT_TIME(STAMP)/DATE,
 * or something already in parentheses. */
static int default_is_literal(const char *d)
{
    static const char *const words[] = {"NULL", "TRUE", "FALSE", "CURRENT_TIMESTAMP",
                                        "CURRENT_DATE", "CURRENT_TIME"};
    if (*d == '(' || *d == '\'') return 1;           /* parenthesised, or a string */
    if ((d[0] == 'x' || d[0] == 'X') && d[1] == '\'') return 1;    /* blob literal */
    if (*d == '-' || *d == '+') d++;
    if (isdigit((unsigned char)*d) || *d == '.') return strspn(d, "0123456789.eE+-") == strlen(d);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasecmp(d, words[i]) == 0) return 1;
    return 0;
}

/* sql_comment_text — a comment as SQLite keeps it: inside a block comment
 * of the CREATE TABLE text (stored verbatim in sqlite_schema), so "*" "/"
 * cannot end it early. */
static void sql_comment_text(strbuf *sb, const char *text)
{
    strbuf_adds(sb, " /* ");
    for (const char *c = text; *c; c++) {
        if (c[0] == '*' && c[1] == '/') { strbuf_adds(sb, "* /"); c++; continue; }
        strbuf_addc(sb, *c);
    }
    strbuf_adds(sb, " */");
}

/* plan_column_ddl — one column of CREATE TABLE. */
static void plan_column_ddl(ferry_plan *p, const plan_table *t, const plan_column *c, strbuf *sb)
{
    QI(sb, c->name);
    strbuf_addf(sb, " %s", c->native);
    if (c->generated_sql) {
        strbuf_addf(sb, " GENERATED ALWAYS AS (%s) %s", c->generated_sql,
                    c->src->generated_stored ? "STORED" : "VIRTUAL");
        if (c->notnull) strbuf_adds(sb, " NOT NULL");
    } else {
        if (c->notnull || c->identity) strbuf_adds(sb, " NOT NULL");
        if (c->identity) p->dst->identity_clause(sb, t->src->autoincrement);
        if (c->default_sql) {
            if (p->dst->default_expr_parens && !default_is_literal(c->default_sql))
                strbuf_addf(sb, " DEFAULT (%s)", c->default_sql);
            else
                strbuf_addf(sb, " DEFAULT %s", c->default_sql);
        }
        if (c->on_update_sql) strbuf_addf(sb, " ON UPDATE %s", c->on_update_sql);
    }
    if (c->src->comment && p->dst_sql == SQL_MYSQL) {
        strbuf_adds(sb, " COMMENT ");
        p->dst->quote_literal(sb, c->src->comment);
    } else if (c->src->comment && p->dst_sql == SQL_SQLITE) {
        sql_comment_text(sb, c->src->comment);
    }
}

/* plan_pg_extras — what PostgreSQL needs around CREATE TABLE: the enum
 * types of a PostgreSQL source (before; created once, whichever table
 * comes first), the comments, and a trigger for each MySQL ON UPDATE
 * column (after). */
static void plan_pg_before(ferry_plan *p, const plan_table *t, strbuf *sb)
{
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? t->ngen : t->ncols;
        const plan_column *cs = pass ? t->gen : t->cols;
        for (int i = 0; i < n; i++) {
            const plan_column *c = &cs[i];
            if (c->lt.kind != LT_ENUM || c->enum_check || !c->src->enum_type) continue;
            strbuf_addf(sb, "DO $ferry$ BEGIN CREATE TYPE %s AS ENUM (", c->native);
            for (int k = 0; k < c->src->nlabels; k++) {
                if (k) strbuf_adds(sb, ", ");
                p->dst->quote_literal(sb, c->src->labels[k]);
            }
            strbuf_adds(sb, "); EXCEPTION WHEN duplicate_object THEN NULL; END $ferry$;\n");
        }
    }
}

static void plan_pg_after(ferry_plan *p, const plan_table *t, strbuf *sb)
{
    if (t->src->comment) {
        strbuf_addf(sb, ";\nCOMMENT ON TABLE %s IS ", t->qname);
        p->dst->quote_literal(sb, t->src->comment);
    }
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? t->ngen : t->ncols;
        const plan_column *cs = pass ? t->gen : t->cols;
        for (int i = 0; i < n; i++) {
            if (!cs[i].src->comment) continue;
            strbuf_addf(sb, ";\nCOMMENT ON COLUMN %s.", t->qname);
            QI(sb, cs[i].name);
            strbuf_adds(sb, " IS ");
            p->dst->quote_literal(sb, cs[i].src->comment);
        }
    }
    for (int i = 0; i < t->ncols; i++) {
        const plan_column *c = &t->cols[i];
        if (!c->src->on_update || p->src_sql != SQL_MYSQL) continue;
        /* MySQL's ON UPDATE CURRENT_TIMESTAMP: the column takes the time of
         * any UPDATE that does not set it itself. */
        strbuf fn = STRBUF_INIT, q = STRBUF_INIT;
        char *base = arena_sprintf(&p->mem, "%s_%s_on_update", t->name, c->name);
        char *fname = target_name(p, base, "function");
        p->dst->qualify(&fn, p->schema, fname);
        QI(&q, c->name);
        strbuf_addf(sb, ";\nCREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS "
                    "$ferry$ BEGIN IF NEW.%s IS NOT DISTINCT FROM OLD.%s THEN NEW.%s := "
                    "CURRENT_TIMESTAMP; END IF; RETURN NEW; END $ferry$", fn.buf, q.buf, q.buf,
                    q.buf);
        strbuf_adds(sb, ";\nCREATE TRIGGER ");
        QI(sb, fname);
        strbuf_addf(sb, " BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()", t->qname, fn.buf);
        plan_warn(p, "column", arena_sprintf(&p->mem, "%s.%s", t->src->name, c->src->name),
                  c->src->on_update, "ON UPDATE %s recreated as trigger %s on PostgreSQL",
                  c->src->on_update, fname);
        strbuf_free(&fn);
        strbuf_free(&q);
    }
}

/* plan_create_sql — CREATE TABLE with the columns (in the source's order,
 * generated ones included) and, where the target needs them there, the
 * inlined key and constraint clauses; everything else (indexes, and keys
 * where the target can add them later) comes after the data, faster and in
 * parallel. */
static char *plan_create_sql(ferry_plan *p, int ti)
{
    plan_table *t = &p->tables[ti];
    strbuf sb = STRBUF_INIT;
    if (p->dst_sql == SQL_POSTGRESQL) plan_pg_before(p, t, &sb);
    strbuf_addf(&sb, "CREATE TABLE %s (", t->qname);
    int k = 0, g = 0;
    for (int n = 0; n < t->ncols + t->ngen; n++) {
        const plan_column *c;
        if (g >= t->ngen || (k < t->ncols && t->cols[k].src_index < t->gen[g].src_index))
            c = &t->cols[k++];
        else
            c = &t->gen[g++];
        strbuf_adds(&sb, n ? ",\n    " : "\n    ");
        plan_column_ddl(p, t, c, &sb);
    }
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].inlined && p->steps[i].table == ti)
            strbuf_addf(&sb, ",\n    %s", p->steps[i].sql);
    strbuf_addf(&sb, "\n)%s", p->dst->create_table_suffix);
    if (t->src->comment && p->dst_sql == SQL_MYSQL) {
        strbuf_adds(&sb, " COMMENT=");
        p->dst->quote_literal(&sb, t->src->comment);
    } else if (t->src->comment && p->dst_sql == SQL_SQLITE) {
        sql_comment_text(&sb, t->src->comment);
    }
    if (p->dst_sql == SQL_POSTGRESQL) plan_pg_after(p, t, &sb);
    char *r = arena_strdup(&p->mem, strbuf_cstr(&sb));
    strbuf_free(&sb);
    return r;
}

/* undo_sql — for targets whose DDL commits by itself (MySQL): the statement
 * that removes a step a killed run may have half done, so that redoing it
 * cannot fail on "already exists". MySQL syntax: it is the only such target. */
static char *undo_sql(ferry_plan *p, step_kind kind, const plan_table *t, const char *name)
{
    if (p->dst->transactional_ddl) return NULL;
    strbuf q = STRBUF_INIT;
    QI(&q, name);
    char *r = NULL;
    switch (kind) {
    case STEP_TABLE:  r = arena_sprintf(&p->mem, "DROP TABLE IF EXISTS %s", t->qname); break;
    case STEP_UNIQUE:
    case STEP_INDEX:  r = arena_sprintf(&p->mem, "ALTER TABLE %s DROP INDEX %s", t->qname, q.buf); break;
    case STEP_FK:     r = arena_sprintf(&p->mem, "ALTER TABLE %s DROP FOREIGN KEY %s", t->qname, q.buf); break;
    case STEP_CHECK:  r = arena_sprintf(&p->mem, "ALTER TABLE %s DROP CONSTRAINT %s", t->qname, q.buf); break;
    case STEP_PK:     r = arena_sprintf(&p->mem, "ALTER TABLE %s DROP PRIMARY KEY", t->qname); break;
    default: break;
    }
    strbuf_free(&q);
    return r;
}

static const char *column_target(const plan_table *t, const char *src_name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcasecmp(t->cols[i].src->name, src_name) == 0) return t->cols[i].name;
    for (int i = 0; i < t->ngen; i++)
        if (strcasecmp(t->gen[i].src->name, src_name) == 0) return t->gen[i].name;
    return NULL;
}

/* index_method — the access method of a PostgreSQL index other than btree
 * ("gin", "gist", ...), read from its definition; "exclusion constraint" for
 * an EXCLUDE constraint; NULL for a plain (btree) index. */
static const char *index_method(const cat_index *ix)
{
    static const char *const methods[] = {"gin", "gist", "brin", "hash", "spgist", "bloom"};
    if (!ix->sql) return NULL;
    if (strstr(ix->sql, " EXCLUDE ")) return "exclusion constraint";
    const char *u = strstr(ix->sql, " USING ");
    if (!u) return NULL;
    u += 7;
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        size_t n = strlen(methods[i]);
        if (strncasecmp(u, methods[i], n) == 0 && (u[n] == ' ' || u[n] == '(')) return methods[i];
    }
    return NULL;
}

/* plan_key_steps — primary key and unique constraints and indexes. */
static int plan_index_steps(ferry_plan *p, int ti, name_set *rel, ferry_err *e)
{
    plan_table *t = &p->tables[ti];
    const cat_table *st = t->src;
    strbuf sb = STRBUF_INIT, ex = STRBUF_INIT;
    int rc = 0;

    if (st->npk > 0) {
        /* the source's own name (Alembic and friends refer to it), else
         * PostgreSQL's convention */
        char *cname = target_name(p, st->pk_name && *st->pk_name ? st->pk_name
                                     : arena_sprintf(&p->mem, "%s_pkey", t->name), "constraint");
        char owner[300];
        snprintf(owner, sizeof owner, "the primary key of table \"%s\"", st->name);
        if ((rc = name_claim(p, rel, cname, owner, e))) goto out;
        /* SQLite's identity column is its INTEGER PRIMARY KEY already. */
        int in_column = 0;
        for (int i = 0; i < t->ncols; i++)
            if (t->cols[i].identity && p->dst->pk_in_create && !p->dst->alter_add_constraint)
                in_column = 1;
        if (!in_column) {
            if (!p->dst->pk_in_create) strbuf_addf(&sb, "ALTER TABLE %s ADD ", t->qname);
            strbuf_adds(&sb, "CONSTRAINT ");
            QI(&sb, cname);
            strbuf_adds(&sb, " PRIMARY KEY (");
            for (int pos = 1; pos <= st->npk; pos++)
                for (int i = 0; i < st->ncols; i++)
                    if (st->cols[i].pk_position == pos) {
                        const char *tc = column_target(t, st->cols[i].name);
                        if (pos > 1) strbuf_adds(&sb, ", ");
                        QI(&sb, tc ? tc : st->cols[i].name);
                    }
            strbuf_addc(&sb, ')');
            plan_step *ps = plan_add_step(p, STEP_PK, ti, arena_sprintf(&p->mem, "pk:%s", t->name),
                                          cname, strbuf_cstr(&sb), NULL, 0);
            ps->inlined = p->dst->pk_in_create;
            if (!ps->inlined) ps->undo_sql = undo_sql(p, STEP_PK, t, cname);
        }
    }

    for (int x = 0; x < st->nindexes; x++) {
        const cat_index *ix = &st->indexes[x];
        const char *why = NULL;
        int ok = 1;
        resolve_ctx rctx = {p, ti, NULL};
        strbuf_reset(&sb);
        /* Unique constraints get PostgreSQL-style names; SQLite's own
         * (sqlite_autoindex_...) mean nothing to an app. */
        const char *src_name = ix->name;
        if (ix->is_constraint && strncmp(ix->name, "sqlite_autoindex_", 17) == 0) {
            strbuf_addf(&sb, "%s", t->name);
            for (int k = 0; k < ix->nparts; k++) {
                /* the target column names: a renamed column renames the constraint */
                const char *pc = ix->parts[k].column;
                const char *tc = pc ? column_target(t, pc) : NULL;
                strbuf_addf(&sb, "_%s", tc ? tc : pc ? pc : "expr");
            }
            strbuf_adds(&sb, "_key");
            src_name = arena_strdup(&p->mem, strbuf_cstr(&sb));
            strbuf_reset(&sb);
        }
        /* Index methods other than btree (PostgreSQL's gin, gist, brin,
         * hash) and exclusion constraints only exist on PostgreSQL. */
        const char *method = index_method(ix);
        if (method && (p->dst_sql != SQL_POSTGRESQL || !strcmp(method, "exclusion constraint"))) {
            plan_skip(p, "index", ix->name, ix->sql, "not created: %s %s", method,
                      strcmp(method, "exclusion constraint") ? "indexes exist only on PostgreSQL"
                      : "not recreated by this version (recreate it from the text)");
            continue;
        }
        char *iname = target_name(p, src_name, "index");
        strbuf cols = STRBUF_INIT;
        for (int k = 0; k < ix->nparts && ok; k++) {
            const cat_index_part *part = &ix->parts[k];
            if (k) strbuf_adds(&cols, ", ");
            if (part->column) {
                const char *tc = column_target(t, part->column);
                QI(&cols, tc ? tc : part->column);
            } else {
                strbuf_reset(&ex);
                if (!p->dst->expression_indexes) {
                    why = "the target has no expression indexes";
                    ok = 0;
                    break;
                }
                if (sqlexpr_translate_ex((sql_dialect)p->src_sql, (sql_dialect)p->dst_sql,
                                         part->expr, resolve_name, &rctx, &ex, &why) != 0) {
                    ok = 0;
                    break;
                }
                strbuf_addf(&cols, "(%s)", strbuf_cstr(&ex));
            }
            if (part->collation && p->src_sql == p->dst_sql) {
                strbuf_adds(&cols, " COLLATE ");
                QI(&cols, part->collation);          /* same engine: same collations */
            } else if (part->collation && strcasecmp(part->collation, "BINARY") != 0)
                plan_warn(p, "index", ix->name, ix->sql,
                          "collation %s of index column dropped: %s has no such collation; "
                          "comparisons in this index are case- and byte-exact",
                          part->collation, p->dst->name);
            if (ok && part->column && p->dst->index_names_per_table) {
                /* MySQL cannot index a TEXT/BLOB column without a prefix
                 * length, and a prefix would change what a unique index
                 * enforces: not guessed. */
                int ci = catalog_column_index(st, part->column);   /* cols follow st->cols */
                if (ci >= 0 && (strstr(t->cols[ci].native, "text") || strstr(t->cols[ci].native, "blob"))) {
                    why = "MySQL cannot index a TEXT/BLOB column without a prefix length "
                          "(map the column to varchar(n) with --map to index it)";
                    ok = 0;
                }
            }
            if (part->desc) strbuf_adds(&cols, " DESC");
        }
        char *where = NULL;
        if (ok && ix->where) {
            strbuf_reset(&ex);
            if (!p->dst->partial_indexes) {
                why = "the target has no partial indexes";
                ok = 0;
            } else if (sqlexpr_translate_ex((sql_dialect)p->src_sql, (sql_dialect)p->dst_sql,
                                            ix->where, resolve_name, &rctx, &ex, &why) != 0) {
                ok = 0;
            } else {
                where = arena_strdup(&p->mem, strbuf_cstr(&ex));
            }
        }
        if (!ok) {
            plan_skip(p, "index", ix->name, ix->sql ? ix->sql : ix->name,
                      "index not created: %s", why ? why : "expression not translatable");
            strbuf_free(&cols);
            continue;
        }
        char owner[300];
        snprintf(owner, sizeof owner, "index \"%s\"", ix->name);
        if ((rc = name_claim(p, rel, iname, owner, e))) { strbuf_free(&cols); goto out; }
        int plain_cols = 1;
        for (int k = 0; k < ix->nparts; k++)
            if (!ix->parts[k].column || ix->parts[k].desc) plain_cols = 0;
        if (ix->is_constraint && plain_cols && !where && p->dst->alter_add_constraint) {
            strbuf_addf(&sb, "ALTER TABLE %s ADD CONSTRAINT ", t->qname);
            QI(&sb, iname);
            strbuf_addf(&sb, " UNIQUE (%s)", strbuf_cstr(&cols));
            plan_step *us = plan_add_step(p, STEP_UNIQUE, ti, arena_sprintf(&p->mem, "unique:%s", iname),
                                          iname, strbuf_cstr(&sb), ix->sql, 0);
            us->undo_sql = undo_sql(p, STEP_UNIQUE, t, iname);
        } else {
            strbuf_addf(&sb, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
            QI(&sb, iname);
            strbuf_addf(&sb, " ON %s", t->qname);
            if (method) strbuf_addf(&sb, " USING %s", method);
            strbuf_addf(&sb, " (%s)", strbuf_cstr(&cols));
            if (where) strbuf_addf(&sb, " WHERE %s", where);
            int has_expr = !plain_cols || where;
            plan_step *is = plan_add_step(p, STEP_INDEX, ti, arena_sprintf(&p->mem, "index:%s", iname),
                                          iname, strbuf_cstr(&sb), ix->sql, has_expr);
            is->undo_sql = undo_sql(p, STEP_INDEX, t, iname);
        }
        strbuf_free(&cols);
    }
out:
    strbuf_free(&sb);
    strbuf_free(&ex);
    return rc;
}

static int plan_table_index(const ferry_plan *p, const char *src_name)
{
    for (int i = 0; i < p->ntables; i++)
        if (strcmp(p->tables[i].src->name, src_name) == 0) return i;
    for (int i = 0; i < p->ntables; i++)
        if (strcasecmp(p->tables[i].src->name, src_name) == 0) return i;
    return -1;
}

/* plan_fk_steps — foreign keys (after the data) and CHECK constraints. */
static int plan_constraint_steps(ferry_plan *p, int ti, name_set *cons, ferry_err *e)
{
    plan_table *t = &p->tables[ti];
    const cat_table *st = t->src;
    strbuf sb = STRBUF_INIT;
    int rc = 0;

    for (int f = 0; f < st->nfks; f++) {
        const cat_fk *fk = &st->fks[f];
        int ri = plan_table_index(p, fk->ref_table);
        char obj[300];
        snprintf(obj, sizeof obj, "%s(%s) -> %s", st->name, fk->cols[0], fk->ref_table);
        if (ri < 0) {
            plan_skip(p, "fk", obj, NULL, "foreign key not created: table \"%s\" is not part of this copy",
                      fk->ref_table);
            continue;
        }
        plan_table *rt = &p->tables[ri];
        strbuf_reset(&sb);
        const char *fk_col = column_target(t, fk->cols[0]);
        strbuf_addf(&sb, "%s_%s_fkey", t->name, fk_col ? fk_col : fk->cols[0]);
        char *cname = target_name(p, fk->name ? fk->name : strbuf_cstr(&sb), "constraint");
        /* Constraint names are per table in PostgreSQL; keep them unique per
         * job anyway so steps have distinct ids. */
        for (int n = 2; ; n++) {
            int clash = 0;
            for (int i = 0; i < cons->n; i++) if (!strcmp(cons->items[i].name, cname)) clash = 1;
            if (!clash) break;
            cname = arena_sprintf(&p->mem, "%.*s%d", 60, cname, n);
        }
        if ((rc = name_claim(p, cons, cname, obj, e))) goto out;
        strbuf_reset(&sb);
        if (!p->dst->fk_in_create) strbuf_addf(&sb, "ALTER TABLE %s ADD ", t->qname);
        strbuf_adds(&sb, "CONSTRAINT ");
        QI(&sb, cname);
        strbuf_adds(&sb, " FOREIGN KEY (");
        for (int k = 0; k < fk->ncols; k++) {
            const char *tc = column_target(t, fk->cols[k]);
            if (k) strbuf_adds(&sb, ", ");
            QI(&sb, tc ? tc : fk->cols[k]);
        }
        strbuf_addf(&sb, ") REFERENCES %s (", rt->qname);
        int nref = 0;
        for (int k = 0; k < fk->ncols; k++) {
            const char *rc_name = fk->ref_cols ? fk->ref_cols[k] : NULL;
            if (!rc_name) {
                /* No column list: the parent's primary key, in order. */
                for (int i = 0; i < rt->src->ncols; i++)
                    if (rt->src->cols[i].pk_position == k + 1) rc_name = rt->src->cols[i].name;
            }
            if (!rc_name) break;
            const char *tc = column_target(rt, rc_name);
            if (k) strbuf_adds(&sb, ", ");
            QI(&sb, tc ? tc : rc_name);
            nref++;
        }
        if (nref != fk->ncols) {
            plan_skip(p, "fk", obj, NULL, "foreign key not created: referenced columns of \"%s\" unknown",
                      fk->ref_table);
            continue;
        }
        strbuf_addc(&sb, ')');
        if (fk->on_delete && strcasecmp(fk->on_delete, "NO ACTION") != 0)
            strbuf_addf(&sb, " ON DELETE %s", fk->on_delete);
        if (fk->on_update && strcasecmp(fk->on_update, "NO ACTION") != 0)
            strbuf_addf(&sb, " ON UPDATE %s", fk->on_update);
        if (fk->deferrable) {
            if (p->dst->deferrable_fks) strbuf_adds(&sb, " DEFERRABLE INITIALLY DEFERRED");
            else plan_warn(p, "fk", obj, NULL, "DEFERRABLE INITIALLY DEFERRED dropped: %s checks "
                           "foreign keys at once", p->dst->name);
        }
        plan_step *fs = plan_add_step(p, STEP_FK, ti, arena_sprintf(&p->mem, "fk:%s:%s", t->name, cname),
                                      cname, strbuf_cstr(&sb), obj, 0);
        fs->inlined = p->dst->fk_in_create;
        if (!fs->inlined) fs->undo_sql = undo_sql(p, STEP_FK, t, cname);
        if (p->dst_sql == SQL_MYSQL && !fs->inlined) {
            /* MATCH SIMPLE: a row with a NULL in the key is never a violation. */
            strbuf q = STRBUF_INIT;
            strbuf_addf(&q, "SELECT 1 FROM %s c WHERE ", t->qname);
            for (int k = 0; k < fk->ncols; k++) {
                const char *tc = column_target(t, fk->cols[k]);
                strbuf_adds(&q, "c.");
                QI(&q, tc ? tc : fk->cols[k]);
                strbuf_adds(&q, " IS NOT NULL AND ");
            }
            strbuf_addf(&q, "NOT EXISTS (SELECT 1 FROM %s p WHERE ", rt->qname);
            for (int k = 0; k < fk->ncols; k++) {
                const char *rc_name = fk->ref_cols ? fk->ref_cols[k] : NULL;
                if (!rc_name)
                    for (int i = 0; i < rt->src->ncols; i++)
                        if (rt->src->cols[i].pk_position == k + 1) rc_name = rt->src->cols[i].name;
                const char *ptc = column_target(rt, rc_name), *ctc = column_target(t, fk->cols[k]);
                if (k) strbuf_adds(&q, " AND ");
                strbuf_adds(&q, "p.");
                QI(&q, ptc ? ptc : rc_name);
                strbuf_adds(&q, " = c.");
                QI(&q, ctc ? ctc : fk->cols[k]);
            }
            strbuf_adds(&q, ") LIMIT 1");
            fs->orphan_sql = arena_strdup(&p->mem, q.buf);
            strbuf_free(&q);
        }
    }

    for (int i = 0; i < t->ncols; i++) {
        const plan_column *c = &t->cols[i];
        if (!c->enum_check) continue;
        char *cname = target_name(p, arena_sprintf(&p->mem, "%s_%s_enum", t->name, c->name),
                                  "constraint");
        strbuf_reset(&sb);
        if (!p->dst->check_in_create) strbuf_addf(&sb, "ALTER TABLE %s ADD ", t->qname);
        strbuf_adds(&sb, "CONSTRAINT ");
        QI(&sb, cname);
        strbuf_addf(&sb, " CHECK (%s)", c->enum_check);
        plan_step *cs = plan_add_step(p, STEP_CHECK, ti, arena_sprintf(&p->mem, "check:%s:%s", t->name, cname),
                                      cname, strbuf_cstr(&sb), c->src->native_type, 0);
        cs->inlined = p->dst->check_in_create;
        if (!cs->inlined) cs->undo_sql = undo_sql(p, STEP_CHECK, t, cname);
    }
    for (int c = 0; c < st->nchecks; c++) {
        const cat_check *ck = &st->checks[c];
        const char *why = NULL;
        strbuf ex = STRBUF_INIT;
        resolve_ctx rctx = {p, ti, NULL};
        char *cname = ck->name ? target_name(p, ck->name, "constraint")
                               : arena_sprintf(&p->mem, "%.*s_check%d", 50, t->name, c + 1);
        if (sqlexpr_translate_ex((sql_dialect)p->src_sql, (sql_dialect)p->dst_sql, ck->expr,
                                 resolve_name, &rctx, &ex, &why) != 0) {
            plan_skip(p, "check", arena_sprintf(&p->mem, "%s.%s", st->name, cname), ck->expr,
                      "CHECK constraint not created: %s", why ? why : "not translatable");
            strbuf_free(&ex);
            continue;
        }
        strbuf_reset(&sb);
        if (!p->dst->check_in_create) strbuf_addf(&sb, "ALTER TABLE %s ADD ", t->qname);
        strbuf_adds(&sb, "CONSTRAINT ");
        QI(&sb, cname);
        strbuf_addf(&sb, " CHECK (%s)", strbuf_cstr(&ex));
        strbuf_free(&ex);
        plan_step *cs = plan_add_step(p, STEP_CHECK, ti, arena_sprintf(&p->mem, "check:%s:%s", t->name, cname),
                                      cname, strbuf_cstr(&sb), ck->expr, 1);
        cs->inlined = p->dst->check_in_create;
        if (!cs->inlined) cs->undo_sql = undo_sql(p, STEP_CHECK, t, cname);
    }
out:
    strbuf_free(&sb);
    return rc;
}

/* plan_sequence_steps — identity columns continue after the largest value
 * copied (and after the source's high-water mark when it never reuses ids),
 * so the app's next INSERT gets a fresh id. */
static void plan_sequence_steps(ferry_plan *p, int ti)
{
    plan_table *t = &p->tables[ti];
    for (int i = 0; i < t->ncols; i++) {
        if (!t->cols[i].identity) continue;
        int64_t floor = t->src->autoincrement ? t->src->autoinc_seq : 0;
        char *sql = p->dst->sequence_sql(t->qname, p->schema, t->name, t->cols[i].name, floor,
                                         t->src->autoincrement);
        if (!sql) continue;
        plan_add_step(p, STEP_SEQUENCE, ti,
                      arena_sprintf(&p->mem, "sequence:%s:%s", t->name, t->cols[i].name),
                      t->cols[i].name, sql, NULL, 0);
        free(sql);
    }
}

/* plan_view_steps — views whose SQL translates; PostgreSQL decides in the
 * end (a failing CREATE VIEW is reported as skipped with its text). */
static int plan_view_steps(ferry_plan *p, name_set *rel, ferry_err *e)
{
    const ferry_catalog *cat = p->cat;
    strbuf sb = STRBUF_INIT, ex = STRBUF_INIT;
    for (int v = 0; v < cat->nviews; v++) {
        const cat_view *vw = &cat->views[v];
        if (!table_selected(p->opts, vw->name)) continue;
        const char *why = NULL;
        resolve_ctx rctx = {p, -1, NULL};
        strbuf_reset(&ex);
        if (!vw->select_sql ||
            sqlexpr_translate_ex((sql_dialect)p->src_sql, (sql_dialect)p->dst_sql, vw->select_sql,
                                 resolve_name, &rctx, &ex, &why) != 0) {
            plan_skip(p, "view", vw->name, vw->sql, "view not created: %s",
                      why ? why : "definition not understood");
            continue;
        }
        if (rctx.ambiguous) {
            /* Names in a view are resolved without knowing which table each
             * belongs to: right while a name means one column name, a guess
             * once a rename gives it two. Not guessed. */
            plan_skip(p, "view", vw->name, vw->sql, "view not created: column \"%s\" has "
                      "different names in the target after --rename-column, and the view is not "
                      "rewritten table by table; recreate it from its text", rctx.ambiguous);
            continue;
        }
        char *vname = target_name(p, vw->name, "view");
        char owner[300];
        snprintf(owner, sizeof owner, "view \"%s\"", vw->name);
        if (name_claim(p, rel, vname, owner, e)) { strbuf_free(&sb); strbuf_free(&ex); return -1; }
        strbuf_reset(&sb);
        strbuf_addf(&sb, "CREATE VIEW %s AS %s", qualified(p, vname), strbuf_cstr(&ex));
        plan_step *vs = plan_add_step(p, STEP_VIEW, -1, arena_sprintf(&p->mem, "view:%s", vname),
                                      vname, strbuf_cstr(&sb), vw->sql, 1);
        if (!p->dst->transactional_ddl)
            vs->undo_sql = arena_sprintf(&p->mem, "DROP VIEW IF EXISTS %s", qualified(p, vname));
    }
    strbuf_free(&sb);
    strbuf_free(&ex);
    return 0;
}

/* plan_widen_scan — --widen: read every value of the table once; a column
 * with a value its type cannot hold is widened to a type that holds all of
 * them (convert_widen), and the decision is recorded. */
typedef struct widen_ctx { plan_table *t; } widen_ctx;

static int widen_row(void *vctx, const ferry_value *vals, int64_t key, ferry_err *e)
{
    widen_ctx *w = vctx;
    strbuf sb = STRBUF_INIT;
    (void)key; (void)e;
    for (int i = 0; i < w->t->ncols; i++) {
        plan_column *c = &w->t->cols[i];
        conv_note note;
        const char *why;
        if (vals[i].cls == FV_NULL) continue;
        strbuf_reset(&sb);
        if (convert_value(&c->lt, &vals[i], &sb, &note, &why) == CONV_REJECT) {
            ltype before = c->lt;
            if (convert_widen(&c->lt, &vals[i]) && !c->widened) {
                c->widened = 1;
                char buf[64];
                ltype_format(&before, buf, sizeof buf);
                c->widened_from = xstrdup(buf);   /* moved into the arena by the caller */
            }
        }
    }
    strbuf_free(&sb);
    return 0;
}

static int plan_widen_scan(ferry_plan *p, plan_table *t, ferry_conn *src,
                           const type_map *dst_map, ferry_err *e)
{
    read_spec spec = {t->src, t->ncols, t->read_cols, NULL, 0, 0, 0, 0, NULL};
    widen_ctx w = {t};
    if (!src->drv->read_chunk) return ferry_err_set(e, FERRY_E_INTERNAL, "source cannot be scanned");
    if (t->whole) spec.key_column = NULL;
    else spec.key_column = t->key_column;
    if (src->drv->read_chunk(src, &spec, widen_row, &w, e)) return -1;
    for (int i = 0; i < t->ncols; i++) {
        plan_column *c = &t->cols[i];
        if (!c->widened) continue;
        char *from = c->widened_from;
        c->widened_from = arena_strdup(&p->mem, from);
        free(from);
        if (plan_column_types(p, t, c, NULL, dst_map, e)) return -1;
        char now[64];
        ltype_format(&c->lt, now, sizeof now);
        plan_warn(p, "type", arena_sprintf(&p->mem, "%s.%s", t->src->name, c->src->name), NULL,
                  "--widen: column widened from %s to %s (%s) so that every value fits",
                  c->widened_from, now, c->native);
    }
    return 0;
}

/* Keyed text on MySQL: an index or key on a TEXT column needs a prefix
 * length, and a prefix would change what a key enforces. So the column
 * becomes varchar(n) with n the length of its longest value (scanned), and
 * the plan says so. */
typedef struct keytext_ctx { plan_table *t; int *is_key; int *maxlen; } keytext_ctx;

static int keytext_row(void *vctx, const ferry_value *vals, int64_t key, ferry_err *e)
{
    keytext_ctx *k = vctx;
    char num[40];
    (void)key; (void)e;
    for (int i = 0; i < k->t->ncols; i++) {
        if (!k->is_key[i]) continue;
        int n = 0;
        switch (vals[i].cls) {
        case FV_TEXT: n = (int)utf8_count(vals[i].p, vals[i].n); break;
        case FV_BLOB: n = (int)vals[i].n; break;
        case FV_INT:  n = snprintf(num, sizeof num, "%lld", (long long)vals[i].i); break;
        case FV_REAL: n = snprintf(num, sizeof num, "%.17g", vals[i].d); break;
        default: break;
        }
        if (n > k->maxlen[i]) k->maxlen[i] = n;
    }
    return 0;
}

static int plan_key_text(ferry_plan *p, plan_table *t, const type_map *dst_map, ferry_conn *src,
                         ferry_err *e)
{
    const cat_table *st = t->src;
    int *is_key = xcalloc((size_t)t->ncols + 1, sizeof(int));
    int *maxlen = xcalloc((size_t)t->ncols + 1, sizeof(int));
    int any = 0, rc = 0;
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].src->pk_position) is_key[i] = 1;
    for (int x = 0; x < st->nindexes; x++)
        for (int k = 0; k < st->indexes[x].nparts; k++) {
            int ci = st->indexes[x].parts[k].column ? catalog_column_index(st, st->indexes[x].parts[k].column) : -1;
            if (ci >= 0) ci = plan_col_of_src(t, ci);
            if (ci >= 0) is_key[ci] = 1;
        }
    /* Foreign key columns are indexed on MySQL, and so are the keys they
     * reference (those are primary keys or unique, counted above). */
    for (int f = 0; f < st->nfks; f++)
        for (int k = 0; k < st->fks[f].ncols; k++) {
            int ci = catalog_column_index(st, st->fks[f].cols[k]);
            if (ci >= 0) ci = plan_col_of_src(t, ci);
            if (ci >= 0) is_key[ci] = 1;
        }
    for (int i = 0; i < t->ncols; i++) {
        if (is_key[i] && t->cols[i].lt.kind == LT_TEXT && t->cols[i].lt.length < 0) any = 1;
        else is_key[i] = 0;
    }
    if (any && src && src->drv->read_chunk) {
        read_spec spec = {st, t->ncols, t->read_cols, t->whole ? NULL : t->key_column, 0, 0, 0, 0, NULL};
        keytext_ctx k = {t, is_key, maxlen};
        if ((rc = src->drv->read_chunk(src, &spec, keytext_row, &k, e))) goto out;
        for (int i = 0; i < t->ncols; i++) {
            if (!is_key[i]) continue;
            plan_column *c = &t->cols[i];
            int n = maxlen[i] > 0 ? maxlen[i] : 1;
            if (n > p->dst->max_key_text_chars) {
                plan_warn(p, "type", arena_sprintf(&p->mem, "%s.%s", st->name, c->src->name), NULL,
                          "keyed text column holds values of %d characters, more than %s can "
                          "index (%d): its keys/indexes will fail or be skipped", n, p->dst->name,
                          p->dst->max_key_text_chars);
                continue;
            }
            /* Room for the app's next, longer values: at least 255
             * characters (the usual ORM default), as many as the index
             * allows when the data needs more. */
            int room = n < 255 ? 255 : n;
            if (room > p->dst->max_key_text_chars) room = p->dst->max_key_text_chars;
            c->lt.length = room;
            if ((rc = plan_column_types(p, t, c, NULL, dst_map, e))) goto out;
            plan_warn(p, "type", arena_sprintf(&p->mem, "%s.%s", st->name, c->src->name), NULL,
                      "keyed text column created as %s: %s cannot index TEXT; the longest "
                      "value has %d characters (decided from the data)", c->native, p->dst->name, n);
        }
    }
out:
    free(is_key);
    free(maxlen);
    return rc;
}

int plan_build(ferry_plan *p, const ferry_catalog *cat, const ferry_options *opts,
               const type_map *src_map, const type_map *dst_map, const ferry_dialect *dst,
               int src_sql, int dst_sql, ferry_conn *src, ferry_err *e)
{
    name_set rel = {0}, cons = {0};
    p->cat = cat;
    p->opts = opts;
    p->dst = dst;
    p->src_sql = src_sql;
    p->dst_sql = dst_sql;
    p->schema = opts->target_schema ? arena_strdup(&p->mem, opts->target_schema)
              : dst->has_schemas ? arena_strdup(&p->mem, "public") : NULL;
    p->tables = arena_alloc(&p->mem, sizeof(plan_table) * (size_t)(cat->ntables + 1));
    if (plan_check_renames(p, e)) return -1;

    for (int i = 0; i < cat->ntables; i++) {
        const cat_table *st = &cat->tables[i];
        if (!table_selected(opts, st->name)) continue;
        plan_table *t = &p->tables[p->ntables++];
        t->src = st;
        t->name = object_name(p, st->name, NULL);
        t->qname = qualified(p, t->name);
        char owner[300];
        snprintf(owner, sizeof owner, "table \"%s\"%s", st->name,
                 plan_rename(p, st->name, NULL) ? " (renamed)" : "");
        if (name_claim(p, &rel, t->name, owner, e)) return -1;
        if (plan_columns(p, t, src_map, dst_map, e)) return -1;
        plan_key(p, t);
    }
    if (opts->widen && src)
        for (int i = 0; i < p->ntables; i++)
            if (plan_widen_scan(p, &p->tables[i], src, dst_map, e)) return -1;
    if (dst->max_key_text_chars > 0)
        for (int i = 0; i < p->ntables; i++)
            if (plan_key_text(p, &p->tables[i], dst_map, src, e)) return -1;

    for (int i = 0; i < p->ntables; i++) {
        plan_table *t = &p->tables[i];
        for (int c = 0; c < t->ncols; c++)
            if (t->cols[c].lossy)
                plan_warn(p, "type", arena_sprintf(&p->mem, "%s.%s", t->src->name, t->cols[c].src->name),
                          NULL, "lossy type mapping: %s", t->cols[c].lossy);
        plan_defaults(p, t);
        /* The CREATE TABLE text is written below, once the clauses some
         * targets need inside it (keys, foreign keys, checks) are known. */
        plan_step *ts = plan_add_step(p, STEP_TABLE, i, arena_sprintf(&p->mem, "table:%s", t->name),
                                      t->name, "", t->src->sql, 0);
        ts->undo_sql = undo_sql(p, STEP_TABLE, t, t->name);
    }
    for (int i = 0; i < p->ntables; i++)
        if (plan_index_steps(p, i, &rel, e)) return -1;
    for (int i = 0; i < p->ntables; i++)
        if (plan_constraint_steps(p, i, &cons, e)) return -1;
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].kind == STEP_TABLE)
            p->steps[i].sql = plan_create_sql(p, p->steps[i].table);
    for (int i = 0; i < p->nsteps; i++)
        if (p->steps[i].inlined) p->steps[i].done = 1;     /* created with its table */
    for (int i = 0; i < p->ntables; i++)
        plan_sequence_steps(p, i);
    if (plan_view_steps(p, &rel, e)) return -1;

    /* The fingerprint covers every decision a resumed run must share. */
    uint64_t h = fnv1a64(p->schema, strlen(p->schema), 0);
    for (int i = 0; i < p->nsteps; i++) {
        h = fnv1a64(p->steps[i].id, strlen(p->steps[i].id), h);
        /* A sequence step embeds the source's live high-water mark: new rows
         * in the source must not make a resume refuse. */
        if (p->steps[i].kind != STEP_SEQUENCE)
            h = fnv1a64(p->steps[i].sql, strlen(p->steps[i].sql), h);
    }
    for (int v = 0; v < cat->nvirtual; v++)
        if (table_selected(opts, cat->virtual_tables[v].name))
            plan_skip(p, "table", cat->virtual_tables[v].name, cat->virtual_tables[v].sql,
                      "virtual table not copied: PostgreSQL has no such module (for full-text "
                      "search, use a tsvector column and a GIN index); its data is in the "
                      "source's shadow tables");
    p->fingerprint = h;
    if (p->dump_target) p->nsteps = 0;   /* the schema goes into the manifest */
    return 0;
}
