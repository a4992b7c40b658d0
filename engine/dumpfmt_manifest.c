/* dumpfmt_manifest.c — manifest.json of ferry's dump format: what the dump
 * is (format and ferry versions, times, complete flag), where it comes from
 * (engine, server version, URL without password, snapshot), the logical
 * schema, and every chunk file with its counts and checksums.
 *
 * DESIGN
 *   The manifest is rewritten whole and replaced atomically (manifest.json.tmp,
 *   fsync, rename, directory fsync): a reader sees the old or the new one,
 *   never a mix. Numbers that JSON (as doubles) cannot hold exactly — key
 *   bounds, identity high-water marks and counts beyond 2^53 — are written
 *   as decimal strings; readers take numbers or such strings. Checksums are
 *   16 hex digits. A reader looks at "format" and "format_version" first
 *   and refuses a newer version before reading anything else, so a future
 *   change of structure still gets the clear message; unknown fields are
 *   ignored (a later ferry may add fields without a version bump when older
 *   readers can safely ignore them). Every error names the file and the
 *   JSON path of the field ("schema.tables[2].columns[0].type"). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "dumpfmt.h"

#define EXACT_MAX  9007199254740992.0        /* 2^53: doubles hold integers up to here */
#define EXACT_INT  ((int64_t)1 << 53)
#define MANIFEST_MAX ((size_t)1 << 30)

/* ---------------------------------------------------------------------
 * The in-memory manifest
 * --------------------------------------------------------------------- */

void dump_manifest_init(dump_manifest *m)
{
    memset(m, 0, sizeof *m);
    m->format_version = DUMPFMT_VERSION;
    m->chunk_rows = -1;
}

void dump_manifest_free(dump_manifest *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nchunks; i++) free(m->chunks[i].file);
    free(m->chunks);
    cJSON_Delete(m->job);
    arena_free(&m->mem);
    memset(m, 0, sizeof *m);
}

const dump_chunk *dump_manifest_find_chunk(const dump_manifest *m, int table_id, int id)
{
    for (size_t i = m->nchunks; i-- > 0;)
        if (m->chunks[i].table_id == table_id && m->chunks[i].id == id) return &m->chunks[i];
    return NULL;
}

dump_chunk *dump_manifest_put_chunk(dump_manifest *m, const dump_chunk *c)
{
    dump_chunk *slot = (dump_chunk *)dump_manifest_find_chunk(m, c->table_id, c->id);
    char *file = c->file ? xstrdup(c->file) : NULL;    /* c->file may be slot->file */
    if (slot) {
        free(slot->file);
    } else {
        if (m->nchunks == m->cap_chunks) {
            m->cap_chunks = m->cap_chunks ? m->cap_chunks * 2 : 64;
            m->chunks = xrealloc(m->chunks, m->cap_chunks * sizeof *m->chunks);
        }
        slot = &m->chunks[m->nchunks++];
    }
    *slot = *c;
    slot->file = file;
    return slot;
}

void dump_chunk_from_info(dump_chunk *c, const dumpfmt_chunk_info *info, const char *file)
{
    c->table_id = (int)info->table_id;
    c->id = (int)info->chunk_id;
    c->file = (char *)file;
    c->rows = info->rows;
    c->bytes = info->bytes;
    c->compressed_bytes = info->compressed_bytes;
    c->checksum = info->checksum;
    c->file_checksum = info->file_checksum;
}

void dump_chunk_info(const dump_chunk *c, dumpfmt_chunk_info *info)
{
    memset(info, 0, sizeof *info);
    info->table_id = (uint32_t)c->table_id;
    info->chunk_id = (uint32_t)c->id;
    info->rows = c->rows;
    info->bytes = c->bytes;
    info->compressed_bytes = c->compressed_bytes;
    info->checksum = c->checksum;
    info->file_checksum = c->file_checksum;
}

/* ---------------------------------------------------------------------
 * Writing
 * --------------------------------------------------------------------- */

static void add_str(cJSON *o, const char *key, const char *s)
{
    if (s) cJSON_AddStringToObject(o, key, s);
    else cJSON_AddNullToObject(o, key);
}

static cJSON *i64_item(int64_t v)
{
    char buf[24];
    if (v >= -EXACT_INT && v <= EXACT_INT) return cJSON_CreateNumber((double)v);
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cJSON_CreateString(buf);
}

static cJSON *u64_item(uint64_t v)
{
    char buf[24];
    if (v <= (uint64_t)EXACT_INT) return cJSON_CreateNumber((double)v);
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_CreateString(buf);
}

static void add_i64(cJSON *o, const char *key, int64_t v) { cJSON_AddItemToObject(o, key, i64_item(v)); }
static void add_u64(cJSON *o, const char *key, uint64_t v) { cJSON_AddItemToObject(o, key, u64_item(v)); }

static void add_hex(cJSON *o, const char *key, uint64_t v)
{
    char buf[20];
    snprintf(buf, sizeof buf, "%016" PRIx64, v);
    cJSON_AddStringToObject(o, key, buf);
}

static cJSON *str_array(char *const *s, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, s && s[i] ? cJSON_CreateString(s[i]) : cJSON_CreateNull());
    return a;
}

static cJSON *column_json(const dump_column *c)
{
    char type[64];
    cJSON *o = cJSON_CreateObject();
    ltype_format(&c->lt, type, sizeof type);
    add_str(o, "name", c->name);
    cJSON_AddStringToObject(o, "type", type);
    add_str(o, "native_type", c->native_type);
    cJSON_AddBoolToObject(o, "nullable", c->nullable);
    add_str(o, "default", c->default_expr);
    add_str(o, "comment", c->comment);
    cJSON_AddBoolToObject(o, "identity", c->identity);
    if (c->generated_expr) {
        cJSON *g = cJSON_AddObjectToObject(o, "generated");
        cJSON_AddStringToObject(g, "expr", c->generated_expr);
        cJSON_AddBoolToObject(g, "stored", c->generated_stored);
    } else {
        cJSON_AddNullToObject(o, "generated");
    }
    add_str(o, "collation", c->collation);
    /* ltype_format has no spelling for a MySQL duration time */
    if (c->lt.kind == LT_TIME && c->lt.fixed) cJSON_AddBoolToObject(o, "mysql_duration", 1);
    if (c->nlabels > 0) cJSON_AddItemToObject(o, "labels", str_array(c->labels, c->nlabels));
    else cJSON_AddNullToObject(o, "labels");
    if (c->enum_type) add_str(o, "enum_type", c->enum_type);
    if (c->enum_create) add_str(o, "enum_create", c->enum_create);
    if (c->on_update) add_str(o, "on_update", c->on_update);
    if (c->lossy) add_str(o, "lossy", c->lossy);
    return o;
}

static cJSON *table_json(const dump_table *t)
{
    cJSON *o = cJSON_CreateObject(), *a;
    cJSON_AddNumberToObject(o, "id", t->id);
    add_str(o, "schema", t->schema);
    add_str(o, "name", t->name);
    add_str(o, "comment", t->comment);
    a = cJSON_AddArrayToObject(o, "columns");
    for (int i = 0; i < t->ncols; i++) cJSON_AddItemToArray(a, column_json(&t->cols[i]));
    if (t->npk > 0) {
        cJSON *pk = cJSON_AddObjectToObject(o, "primary_key");
        add_str(pk, "name", t->pk_name);
        cJSON_AddItemToObject(pk, "columns", str_array(t->pk, t->npk));
    } else {
        cJSON_AddNullToObject(o, "primary_key");
    }
    a = cJSON_AddArrayToObject(o, "indexes");
    for (int i = 0; i < t->nindexes; i++) {
        const dump_index *x = &t->indexes[i];
        cJSON *xi = cJSON_CreateObject(), *parts;
        add_str(xi, "name", x->name);
        cJSON_AddBoolToObject(xi, "unique", x->unique);
        cJSON_AddBoolToObject(xi, "constraint", x->is_constraint);
        parts = cJSON_AddArrayToObject(xi, "parts");
        for (int k = 0; k < x->nparts; k++) {
            cJSON *p = cJSON_CreateObject();
            add_str(p, "column", x->parts[k].column);
            add_str(p, "expr", x->parts[k].expr);
            cJSON_AddBoolToObject(p, "desc", x->parts[k].desc);
            if (x->parts[k].collation) add_str(p, "collation", x->parts[k].collation);
            cJSON_AddItemToArray(parts, p);
        }
        add_str(xi, "where", x->where);
        add_str(xi, "sql", x->sql);
        cJSON_AddItemToArray(a, xi);
    }
    a = cJSON_AddArrayToObject(o, "foreign_keys");
    for (int i = 0; i < t->nfks; i++) {
        const dump_fk *f = &t->fks[i];
        cJSON *fi = cJSON_CreateObject();
        add_str(fi, "name", f->name);
        cJSON_AddItemToObject(fi, "columns", str_array(f->cols, f->ncols));
        add_str(fi, "ref_schema", f->ref_schema);
        add_str(fi, "ref_table", f->ref_table);
        if (f->ref_cols) cJSON_AddItemToObject(fi, "ref_columns", str_array(f->ref_cols, f->ncols));
        else cJSON_AddNullToObject(fi, "ref_columns");
        add_str(fi, "on_delete", f->on_delete);
        add_str(fi, "on_update", f->on_update);
        cJSON_AddBoolToObject(fi, "deferrable", f->deferrable);
        cJSON_AddItemToArray(a, fi);
    }
    a = cJSON_AddArrayToObject(o, "checks");
    for (int i = 0; i < t->nchecks; i++) {
        cJSON *ci = cJSON_CreateObject();
        add_str(ci, "name", t->checks[i].name);
        add_str(ci, "expr", t->checks[i].expr);
        cJSON_AddItemToArray(a, ci);
    }
    if (t->identity_column) {
        cJSON *id = cJSON_AddObjectToObject(o, "identity");
        cJSON_AddStringToObject(id, "column", t->identity_column);
        add_i64(id, "high_water", t->identity_high);
    } else {
        cJSON_AddNullToObject(o, "identity");
    }
    add_str(o, "key_column", t->key_column);
    if (t->rowid_alias) add_str(o, "rowid_alias", t->rowid_alias);
    if (t->autoincrement) cJSON_AddBoolToObject(o, "autoincrement", 1);
    if (t->has_rowid) cJSON_AddBoolToObject(o, "has_rowid", 1);
    add_i64(o, "est_rows", t->est_rows);
    add_str(o, "sql", t->sql);
    return o;
}

char *dump_manifest_to_json(const dump_manifest *m)
{
    cJSON *root = cJSON_CreateObject(), *o, *a;
    uint64_t rows = 0, bytes = 0, zbytes = 0;
    char *text;
    cJSON_AddStringToObject(root, "format", "ferry-dump");
    cJSON_AddNumberToObject(root, "format_version", m->format_version);
    add_str(root, "ferry_version", m->ferry_version);
    add_str(root, "created", m->created);
    add_str(root, "finished", m->finished);
    cJSON_AddBoolToObject(root, "complete", m->complete);
    o = cJSON_AddObjectToObject(root, "source");
    add_str(o, "engine", m->src_engine);
    add_str(o, "server_version", m->src_server_version);
    add_str(o, "url", m->src_url);
    add_str(o, "snapshot", m->snapshot);
    add_str(o, "snapshot_time", m->snapshot_time);
    o = cJSON_AddObjectToObject(root, "compression");
    cJSON_AddStringToObject(o, "codec", "zstd");
    cJSON_AddNumberToObject(o, "level", m->level);
    add_i64(root, "chunk_rows", m->chunk_rows);

    o = cJSON_AddObjectToObject(root, "schema");
    a = cJSON_AddArrayToObject(o, "tables");
    for (int i = 0; i < m->ntables; i++) cJSON_AddItemToArray(a, table_json(&m->tables[i]));
    a = cJSON_AddArrayToObject(o, "sequences");
    for (int i = 0; i < m->nsequences; i++) {
        const dump_sequence *s = &m->sequences[i];
        cJSON *si = cJSON_CreateObject();
        add_str(si, "schema", s->schema);
        add_str(si, "name", s->name);
        add_str(si, "owned_by", s->owned_by);
        add_i64(si, "last_value", s->last_value);
        add_i64(si, "increment", s->increment);
        cJSON_AddBoolToObject(si, "is_called", s->is_called);
        cJSON_AddItemToArray(a, si);
    }
    a = cJSON_AddArrayToObject(o, "views");
    for (int i = 0; i < m->nviews; i++) {
        const dump_view *v = &m->views[i];
        cJSON *vi = cJSON_CreateObject();
        add_str(vi, "schema", v->schema);
        add_str(vi, "name", v->name);
        add_str(vi, "select_sql", v->select_sql);
        add_str(vi, "sql", v->sql);
        add_str(vi, "comment", v->comment);
        cJSON_AddItemToArray(a, vi);
    }

    a = cJSON_AddArrayToObject(root, "chunks");
    for (size_t i = 0; i < m->nchunks; i++) {
        const dump_chunk *c = &m->chunks[i];
        cJSON *ci = cJSON_CreateObject(), *kr;
        const char *tname = c->table_id >= 0 && c->table_id < m->ntables
                          ? m->tables[c->table_id].name : NULL;
        add_str(ci, "table", tname);
        cJSON_AddNumberToObject(ci, "table_id", c->table_id);
        cJSON_AddNumberToObject(ci, "id", c->id);
        kr = cJSON_AddArrayToObject(ci, "key_range");
        cJSON_AddItemToArray(kr, c->has_lo ? i64_item(c->lo) : cJSON_CreateNull());
        cJSON_AddItemToArray(kr, c->has_hi ? i64_item(c->hi) : cJSON_CreateNull());
        add_str(ci, "file", c->file);
        add_u64(ci, "rows", c->rows);
        add_u64(ci, "bytes", c->bytes);
        add_u64(ci, "compressed_bytes", c->compressed_bytes);
        add_hex(ci, "checksum", c->checksum);
        add_hex(ci, "file_checksum", c->file_checksum);
        cJSON_AddItemToArray(a, ci);
        rows += c->rows;
        bytes += c->bytes;
        zbytes += c->compressed_bytes;
    }
    o = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(o, "tables", m->ntables);
    cJSON_AddNumberToObject(o, "chunks", (double)m->nchunks);
    add_u64(o, "rows", rows);
    add_u64(o, "bytes", bytes);
    add_u64(o, "compressed_bytes", zbytes);
    if (m->job) cJSON_AddItemToObject(root, "job", cJSON_Duplicate(m->job, 1));

    text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return NULL;
    char *copy = xasprintf("%s\n", text);
    cJSON_free(text);
    return copy;
}

int dump_manifest_write(const char *dir, const dump_manifest *m, ferry_err *e)
{
    char *path = xasprintf("%s/%s", dir, DUMPFMT_MANIFEST);
    int rc = dump_manifest_check(m, path, e);
    if (rc == 0) {
        char *text = dump_manifest_to_json(m);
        if (!text) rc = ferry_err_set(e, FERRY_E_NOMEM, "%s: cannot format the manifest", path);
        else rc = dumpfmt_write_file_atomic(dir, DUMPFMT_MANIFEST, text, strlen(text), e);
        free(text);
    } else if (e) {
        e->code = FERRY_E_INTERNAL;
    }
    free(path);
    return rc;
}

/* ---------------------------------------------------------------------
 * Reading
 * --------------------------------------------------------------------- */

/* rd — a parse in progress: the file's name for errors, the arena. */
typedef struct rd {
    const char *name;
    ferry_err  *e;
    arena      *mem;
    int         failed;
} rd;

static int bad(rd *r, const char *path, const char *what)
{
    if (!r->failed) ferry_err_set(r->e, FERRY_E_IO, "%s: %s %s", r->name, path, what);
    r->failed = 1;
    return -1;
}

/* sub — "parent.key" or "parent[i]" into buf. */
static const char *sub(char *buf, size_t n, const char *parent, const char *key, int idx)
{
    int k;
    if (key) k = snprintf(buf, n, "%s%s%s", parent, *parent ? "." : "", key);
    else k = snprintf(buf, n, "%s[%d]", parent, idx);
    if (k < 0 || (size_t)k >= n) buf[n - 1] = '\0';     /* a long path is cut, still a message */
    return buf;
}

/* get_str — a string field (NULL when absent or null; an error when
 * required, or when of another type). */
static char *get_str(rd *r, const cJSON *o, const char *key, const char *path, int required)
{
    char p[256];
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!j || cJSON_IsNull(j)) {
        if (required) bad(r, sub(p, sizeof p, path, key, 0), "is missing");
        return NULL;
    }
    if (!cJSON_IsString(j)) { bad(r, sub(p, sizeof p, path, key, 0), "is not a string"); return NULL; }
    return arena_strdup(r->mem, j->valuestring);
}

static int get_bool(rd *r, const cJSON *o, const char *key, const char *path)
{
    char p[256];
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!j || cJSON_IsNull(j)) return 0;
    if (!cJSON_IsBool(j)) return bad(r, sub(p, sizeof p, path, key, 0), "is not true or false"), 0;
    return cJSON_IsTrue(j);
}

/* item_i64 — a JSON integer: a number holding an integer, or a string of
 * one (how values beyond 2^53 are written). 0 or -1. */
static int item_i64(const cJSON *j, int64_t *out)
{
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d != (double)(int64_t)d || d < -EXACT_MAX || d > EXACT_MAX) return -1;
        *out = (int64_t)d;
        return 0;
    }
    if (cJSON_IsString(j)) {
        char *end;
        errno = 0;
        long long v = strtoll(j->valuestring, &end, 10);
        if (errno || end == j->valuestring || *end) return -1;
        *out = v;
        return 0;
    }
    return -1;
}

static int item_u64(const cJSON *j, uint64_t *out)
{
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d < 0 || d > EXACT_MAX || d != (double)(uint64_t)d) return -1;
        *out = (uint64_t)d;
        return 0;
    }
    if (cJSON_IsString(j) && j->valuestring[0] != '-') {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(j->valuestring, &end, 10);
        if (errno || end == j->valuestring || *end) return -1;
        *out = v;
        return 0;
    }
    return -1;
}

/* get_i64 — an integer field; def when absent/null and not required. */
static int64_t get_i64(rd *r, const cJSON *o, const char *key, const char *path, int required,
                       int64_t def)
{
    char p[256];
    int64_t v;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!j || cJSON_IsNull(j)) {
        if (required) bad(r, sub(p, sizeof p, path, key, 0), "is missing");
        return def;
    }
    if (item_i64(j, &v)) { bad(r, sub(p, sizeof p, path, key, 0), "is not an integer"); return def; }
    return v;
}

static uint64_t get_u64(rd *r, const cJSON *o, const char *key, const char *path)
{
    char p[256];
    uint64_t v;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!j || cJSON_IsNull(j)) { bad(r, sub(p, sizeof p, path, key, 0), "is missing"); return 0; }
    if (item_u64(j, &v)) { bad(r, sub(p, sizeof p, path, key, 0), "is not a count"); return 0; }
    return v;
}

static uint64_t get_hex(rd *r, const cJSON *o, const char *key, const char *path)
{
    char p[256];
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    const char *s = cJSON_IsString(j) ? j->valuestring : NULL;
    uint64_t v = 0;
    if (!s || strlen(s) != 16) { bad(r, sub(p, sizeof p, path, key, 0), "is not 16 hex digits"); return 0; }
    for (int i = 0; i < 16; i++) {
        char ch = s[i];
        int x = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
                ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (x < 0) { bad(r, sub(p, sizeof p, path, key, 0), "is not 16 hex digits"); return 0; }
        v = v << 4 | (uint64_t)x;
    }
    return v;
}

/* get_array — an array field: its items and count (absent/null: 0 items,
 * or an error when required). */
static const cJSON *get_array(rd *r, const cJSON *o, const char *key, const char *path,
                              int required, int *n)
{
    char p[256];
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    *n = 0;
    if (!j || cJSON_IsNull(j)) {
        if (required) bad(r, sub(p, sizeof p, path, key, 0), "is missing");
        return NULL;
    }
    if (!cJSON_IsArray(j)) { bad(r, sub(p, sizeof p, path, key, 0), "is not an array"); return NULL; }
    *n = cJSON_GetArraySize(j);
    return j;
}

/* get_strs — an array of strings (null items allowed) into the arena. */
static char **get_strs(rd *r, const cJSON *o, const char *key, const char *path, int *n)
{
    char p[256], q[280];
    const cJSON *a = get_array(r, o, key, path, 0, n), *it;
    if (!a) return NULL;
    char **out = arena_alloc(r->mem, (size_t)(*n ? *n : 1) * sizeof *out);
    int i = 0;
    sub(p, sizeof p, path, key, 0);
    cJSON_ArrayForEach(it, a) {
        if (cJSON_IsString(it)) out[i] = arena_strdup(r->mem, it->valuestring);
        else if (!cJSON_IsNull(it)) bad(r, sub(q, sizeof q, p, NULL, i), "is not a string");
        i++;
    }
    return out;
}

/* objects — iterate the object items of an array field: calls fn for each
 * with its index and path. */
#define FOR_OBJECTS(r, arr, path, key, it, idx, ipath)                                    \
    for (const cJSON *it = (arr) ? (arr)->child : NULL; it; it = it->next, idx++)          \
        if (sub(ipath, sizeof ipath, path, NULL, idx), !cJSON_IsObject(it)) {               \
            bad(r, ipath, "is not an object");                                              \
            break;                                                                          \
        } else

static void read_column(rd *r, const cJSON *o, const char *path, dump_column *c)
{
    char p[300];
    c->name = get_str(r, o, "name", path, 1);
    char *type = get_str(r, o, "type", path, 1);
    if (type && ltype_parse(type, &c->lt) != 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "'%.60s' is not a logical type this ferry knows", type);
        bad(r, sub(p, sizeof p, path, "type", 0), msg);
    }
    c->native_type = get_str(r, o, "native_type", path, 0);
    c->nullable = get_bool(r, o, "nullable", path);
    c->default_expr = get_str(r, o, "default", path, 0);
    c->comment = get_str(r, o, "comment", path, 0);
    c->identity = get_bool(r, o, "identity", path);
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "generated");
    if (g && cJSON_IsObject(g)) {
        sub(p, sizeof p, path, "generated", 0);
        c->generated_expr = get_str(r, g, "expr", p, 1);
        c->generated_stored = get_bool(r, g, "stored", p);
    }
    c->collation = get_str(r, o, "collation", path, 0);
    if (c->lt.kind == LT_TIME && get_bool(r, o, "mysql_duration", path)) c->lt.fixed = 1;
    c->labels = get_strs(r, o, "labels", path, &c->nlabels);
    c->enum_type = get_str(r, o, "enum_type", path, 0);
    c->enum_create = get_str(r, o, "enum_create", path, 0);
    c->on_update = get_str(r, o, "on_update", path, 0);
    c->lossy = get_str(r, o, "lossy", path, 0);
}

static void read_table(rd *r, const cJSON *o, const char *path, dump_table *t)
{
    char p[256], ip[300];
    int n, idx;
    const cJSON *a;
    t->id = (int)get_i64(r, o, "id", path, 1, -1);
    t->schema = get_str(r, o, "schema", path, 0);
    t->name = get_str(r, o, "name", path, 1);
    t->comment = get_str(r, o, "comment", path, 0);

    a = get_array(r, o, "columns", path, 1, &n);
    sub(p, sizeof p, path, "columns", 0);
    t->ncols = n;
    t->cols = arena_alloc(r->mem, (size_t)(n ? n : 1) * sizeof *t->cols);
    idx = 0;
    FOR_OBJECTS(r, a, p, "columns", it, idx, ip) read_column(r, it, ip, &t->cols[idx]);

    const cJSON *pk = cJSON_GetObjectItemCaseSensitive(o, "primary_key");
    if (pk && cJSON_IsObject(pk)) {
        sub(p, sizeof p, path, "primary_key", 0);
        t->pk_name = get_str(r, pk, "name", p, 0);
        t->pk = get_strs(r, pk, "columns", p, &t->npk);
    }

    a = get_array(r, o, "indexes", path, 0, &n);
    sub(p, sizeof p, path, "indexes", 0);
    t->nindexes = n;
    t->indexes = arena_alloc(r->mem, (size_t)(n ? n : 1) * sizeof *t->indexes);
    idx = 0;
    FOR_OBJECTS(r, a, p, "indexes", it, idx, ip) {
        dump_index *x = &t->indexes[idx];
        char pp[340], qp[360];
        int np, k = 0;
        x->name = get_str(r, it, "name", ip, 0);
        x->unique = get_bool(r, it, "unique", ip);
        x->is_constraint = get_bool(r, it, "constraint", ip);
        const cJSON *parts = get_array(r, it, "parts", ip, 1, &np);
        sub(pp, sizeof pp, ip, "parts", 0);
        x->nparts = np;
        x->parts = arena_alloc(r->mem, (size_t)(np ? np : 1) * sizeof *x->parts);
        FOR_OBJECTS(r, parts, pp, "parts", pt, k, qp) {
            x->parts[k].column = get_str(r, pt, "column", qp, 0);
            x->parts[k].expr = get_str(r, pt, "expr", qp, 0);
            x->parts[k].desc = get_bool(r, pt, "desc", qp);
            x->parts[k].collation = get_str(r, pt, "collation", qp, 0);
            if (!x->parts[k].column && !x->parts[k].expr) bad(r, qp, "has neither a column nor an expr");
        }
        x->where = get_str(r, it, "where", ip, 0);
        x->sql = get_str(r, it, "sql", ip, 0);
    }

    a = get_array(r, o, "foreign_keys", path, 0, &n);
    sub(p, sizeof p, path, "foreign_keys", 0);
    t->nfks = n;
    t->fks = arena_alloc(r->mem, (size_t)(n ? n : 1) * sizeof *t->fks);
    idx = 0;
    FOR_OBJECTS(r, a, p, "foreign_keys", it, idx, ip) {
        dump_fk *f = &t->fks[idx];
        int nref = 0;
        f->name = get_str(r, it, "name", ip, 0);
        f->cols = get_strs(r, it, "columns", ip, &f->ncols);
        f->ref_schema = get_str(r, it, "ref_schema", ip, 0);
        f->ref_table = get_str(r, it, "ref_table", ip, 1);
        f->ref_cols = get_strs(r, it, "ref_columns", ip, &nref);
        if (f->ref_cols && nref != f->ncols) bad(r, ip, "has ref_columns of another length than columns");
        f->on_delete = get_str(r, it, "on_delete", ip, 0);
        f->on_update = get_str(r, it, "on_update", ip, 0);
        f->deferrable = get_bool(r, it, "deferrable", ip);
    }

    a = get_array(r, o, "checks", path, 0, &n);
    sub(p, sizeof p, path, "checks", 0);
    t->nchecks = n;
    t->checks = arena_alloc(r->mem, (size_t)(n ? n : 1) * sizeof *t->checks);
    idx = 0;
    FOR_OBJECTS(r, a, p, "checks", it, idx, ip) {
        t->checks[idx].name = get_str(r, it, "name", ip, 0);
        t->checks[idx].expr = get_str(r, it, "expr", ip, 1);
    }

    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "identity");
    if (id && cJSON_IsObject(id)) {
        sub(p, sizeof p, path, "identity", 0);
        t->identity_column = get_str(r, id, "column", p, 1);
        t->identity_high = get_i64(r, id, "high_water", p, 0, 0);
    }
    t->key_column = get_str(r, o, "key_column", path, 0);
    t->rowid_alias = get_str(r, o, "rowid_alias", path, 0);
    t->autoincrement = get_bool(r, o, "autoincrement", path);
    t->has_rowid = get_bool(r, o, "has_rowid", path);
    t->est_rows = get_i64(r, o, "est_rows", path, 0, -1);
    t->sql = get_str(r, o, "sql", path, 0);
}

static void read_chunk(rd *r, const cJSON *o, const char *path, dump_chunk *c)
{
    char p[256], q[280];
    c->table_id = (int)get_i64(r, o, "table_id", path, 1, -1);
    c->id = (int)get_i64(r, o, "id", path, 1, -1);
    const cJSON *kr = cJSON_GetObjectItemCaseSensitive(o, "key_range");
    if (kr && !cJSON_IsNull(kr)) {
        sub(p, sizeof p, path, "key_range", 0);
        if (!cJSON_IsArray(kr) || cJSON_GetArraySize(kr) != 2) {
            bad(r, p, "is not [lo, hi]");
        } else {
            const cJSON *lo = cJSON_GetArrayItem(kr, 0), *hi = cJSON_GetArrayItem(kr, 1);
            if (!cJSON_IsNull(lo)) {
                c->has_lo = 1;
                if (item_i64(lo, &c->lo)) bad(r, sub(q, sizeof q, p, NULL, 0), "is not an integer");
            }
            if (!cJSON_IsNull(hi)) {
                c->has_hi = 1;
                if (item_i64(hi, &c->hi)) bad(r, sub(q, sizeof q, p, NULL, 1), "is not an integer");
            }
        }
    }
    char *file = get_str(r, o, "file", path, 1);
    c->file = file ? xstrdup(file) : NULL;
    c->rows = get_u64(r, o, "rows", path);
    c->bytes = get_u64(r, o, "bytes", path);
    c->compressed_bytes = get_u64(r, o, "compressed_bytes", path);
    c->checksum = get_hex(r, o, "checksum", path);
    c->file_checksum = get_hex(r, o, "file_checksum", path);
}

int dump_manifest_parse(const char *text, size_t n, const char *name, dump_manifest *m,
                        ferry_err *e)
{
    rd r = {name, e, &m->mem, 0};
    char ip[64];
    int cnt, idx;
    const cJSON *a, *o;
    dump_manifest_init(m);
    char *copy = xstrndup(text, n);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(copy, &end, 1);
    if (!root) {
        size_t at = end && end >= copy ? (size_t)(end - copy) : 0;
        free(copy);
        ferry_err_set(e, FERRY_E_IO, "%s: not valid JSON (error near byte %zu): damaged, or not a "
                      "ferry dump manifest", name, at);
        return -1;
    }
    free(copy);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsObject(root) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "ferry-dump") != 0) {
        cJSON_Delete(root);
        ferry_err_set(e, FERRY_E_IO, "%s: not a ferry dump manifest (no \"format\": \"ferry-dump\")", name);
        return -1;
    }
    int64_t version = get_i64(&r, root, "format_version", "", 1, 0);
    if (r.failed) goto fail;
    if (version > DUMPFMT_VERSION) {
        cJSON_Delete(root);
        ferry_err_set(e, FERRY_E_IO, "%s: written by a newer ferry: dump format version %lld, this "
                      "ferry reads version %d at most; use a newer ferry to read this dump",
                      name, (long long)version, DUMPFMT_VERSION);
        dump_manifest_free(m);
        return -1;
    }
    if (version < 1) { bad(&r, "format_version", "is not a valid version"); goto fail; }
    m->format_version = (int)version;
    m->ferry_version = get_str(&r, root, "ferry_version", "", 0);
    m->created = get_str(&r, root, "created", "", 0);
    m->finished = get_str(&r, root, "finished", "", 0);
    m->complete = get_bool(&r, root, "complete", "");
    o = cJSON_GetObjectItemCaseSensitive(root, "source");
    if (cJSON_IsObject(o)) {
        m->src_engine = get_str(&r, o, "engine", "source", 0);
        m->src_server_version = get_str(&r, o, "server_version", "source", 0);
        m->src_url = get_str(&r, o, "url", "source", 0);
        m->snapshot = get_str(&r, o, "snapshot", "source", 0);
        m->snapshot_time = get_str(&r, o, "snapshot_time", "source", 0);
    }
    o = cJSON_GetObjectItemCaseSensitive(root, "compression");
    if (cJSON_IsObject(o)) {
        char *codec = get_str(&r, o, "codec", "compression", 0);
        if (codec && strcmp(codec, "zstd") != 0) bad(&r, "compression.codec", "is not zstd (written by a newer ferry?)");
        m->level = (int)get_i64(&r, o, "level", "compression", 0, 0);
    }
    m->chunk_rows = get_i64(&r, root, "chunk_rows", "", 0, -1);

    o = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsObject(o)) { bad(&r, "schema", "is missing"); goto fail; }
    a = get_array(&r, o, "tables", "schema", 1, &cnt);
    m->ntables = cnt;
    m->tables = arena_alloc(&m->mem, (size_t)(cnt ? cnt : 1) * sizeof *m->tables);
    idx = 0;
    FOR_OBJECTS(&r, a, "schema.tables", "tables", it, idx, ip) read_table(&r, it, ip, &m->tables[idx]);
    a = get_array(&r, o, "sequences", "schema", 0, &cnt);
    m->nsequences = cnt;
    m->sequences = arena_alloc(&m->mem, (size_t)(cnt ? cnt : 1) * sizeof *m->sequences);
    idx = 0;
    FOR_OBJECTS(&r, a, "schema.sequences", "sequences", it, idx, ip) {
        dump_sequence *s = &m->sequences[idx];
        s->schema = get_str(&r, it, "schema", ip, 0);
        s->name = get_str(&r, it, "name", ip, 1);
        s->owned_by = get_str(&r, it, "owned_by", ip, 0);
        s->last_value = get_i64(&r, it, "last_value", ip, 0, 0);
        s->increment = get_i64(&r, it, "increment", ip, 0, 1);
        s->is_called = get_bool(&r, it, "is_called", ip);
    }
    a = get_array(&r, o, "views", "schema", 0, &cnt);
    m->nviews = cnt;
    m->views = arena_alloc(&m->mem, (size_t)(cnt ? cnt : 1) * sizeof *m->views);
    idx = 0;
    FOR_OBJECTS(&r, a, "schema.views", "views", it, idx, ip) {
        dump_view *v = &m->views[idx];
        v->schema = get_str(&r, it, "schema", ip, 0);
        v->name = get_str(&r, it, "name", ip, 1);
        v->select_sql = get_str(&r, it, "select_sql", ip, 0);
        v->sql = get_str(&r, it, "sql", ip, 0);
        v->comment = get_str(&r, it, "comment", ip, 0);
    }

    a = get_array(&r, root, "chunks", "", 1, &cnt);
    idx = 0;
    FOR_OBJECTS(&r, a, "chunks", "chunks", it, idx, ip) {
        dump_chunk c;
        memset(&c, 0, sizeof c);
        read_chunk(&r, it, ip, &c);
        if (r.failed) { free(c.file); break; }
        if (dump_manifest_find_chunk(m, c.table_id, c.id)) {
            free(c.file);
            bad(&r, ip, "repeats a chunk recorded before");
            break;
        }
        dump_manifest_put_chunk(m, &c);
        free(c.file);
    }
    if (r.failed) goto fail;
    o = cJSON_GetObjectItemCaseSensitive(root, "job");
    if (cJSON_IsObject(o)) m->job = cJSON_Duplicate(o, 1);
    cJSON_Delete(root);
    if (dump_manifest_check(m, name, e)) { dump_manifest_free(m); return -1; }
    return 0;
fail:
    cJSON_Delete(root);
    dump_manifest_free(m);
    return -1;
}

int dump_manifest_read(const char *dir, dump_manifest *m, ferry_err *e)
{
    char *path = xasprintf("%s/%s", dir, DUMPFMT_MANIFEST);
    FILE *f = fopen(path, "rb");
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t k;
    int rc = -1;
    dump_manifest_init(m);
    if (!f) {
        if (errno == ENOENT)
            ferry_err_set(e, FERRY_E_IO, "%s: missing: %s is not a ferry dump directory (or the dump "
                          "never got as far as writing its manifest)", path, dir);
        else
            ferry_err_set(e, FERRY_E_IO, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        strbuf_add(&sb, buf, k);
        if (sb.len > MANIFEST_MAX) { ferry_err_set(e, FERRY_E_IO, "%s: larger than 1 GiB", path); goto out; }
    }
    if (ferror(f)) { ferry_err_set(e, FERRY_E_IO, "%s: cannot read: %s", path, strerror(errno)); goto out; }
    rc = dump_manifest_parse(sb.buf ? sb.buf : "", sb.len, path, m, e);
out:
    if (f) fclose(f);
    strbuf_free(&sb);
    free(path);
    return rc;
}

/* ---------------------------------------------------------------------
 * Consistency
 * --------------------------------------------------------------------- */

/* safe_file — a relative path inside the dump: not empty, not absolute, no
 * ".." component, no backslash. */
static int safe_file(const char *f)
{
    if (!f || !*f || f[0] == '/' || strchr(f, '\\')) return 0;
    for (const char *p = f; *p;) {
        const char *s = strchr(p, '/');
        size_t n = s ? (size_t)(s - p) : strlen(p);
        if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.')) return 0;
        p += n + (s ? 1 : 0);
        if (s && !*p) return 0;
    }
    return strcmp(f, DUMPFMT_MANIFEST) != 0;
}

static int cmp_chunk_id(const void *a, const void *b)
{
    const dump_chunk *x = *(const dump_chunk *const *)a, *y = *(const dump_chunk *const *)b;
    if (x->table_id != y->table_id) return x->table_id < y->table_id ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_chunk_file(const void *a, const void *b)
{
    const dump_chunk *x = *(const dump_chunk *const *)a, *y = *(const dump_chunk *const *)b;
    return strcmp(x->file, y->file);
}

int dump_manifest_check(const dump_manifest *m, const char *name, ferry_err *e)
{
    for (int i = 0; i < m->ntables; i++) {
        const dump_table *t = &m->tables[i];
        if (t->id != i)
            return ferry_err_set(e, FERRY_E_IO, "%s: schema.tables[%d] has id %d, not its position %d",
                                 name, i, t->id, i);
        if (!t->name || !*t->name)
            return ferry_err_set(e, FERRY_E_IO, "%s: schema.tables[%d] has no name", name, i);
        for (int j = 0; j < i; j++) {
            const dump_table *u = &m->tables[j];
            if (!strcmp(u->name, t->name) &&
                ((!u->schema && !t->schema) || (u->schema && t->schema && !strcmp(u->schema, t->schema))))
                return ferry_err_set(e, FERRY_E_IO, "%s: table \"%s\" appears twice (schema.tables[%d] and [%d])",
                                     name, t->name, j, i);
        }
        for (int c = 0; c < t->ncols; c++) {
            if (!t->cols[c].name)
                return ferry_err_set(e, FERRY_E_IO, "%s: table \"%s\" column %d has no name", name, t->name, c + 1);
            if (t->cols[c].lt.kind <= LT_UNKNOWN || t->cols[c].lt.kind >= LT__COUNT)
                return ferry_err_set(e, FERRY_E_IO, "%s: table \"%s\" column \"%s\" has no logical type",
                                     name, t->name, t->cols[c].name);
        }
    }
    for (size_t i = 0; i < m->nchunks; i++) {
        const dump_chunk *c = &m->chunks[i];
        if (c->table_id < 0 || c->table_id >= m->ntables)
            return ferry_err_set(e, FERRY_E_IO, "%s: chunks[%zu] refers to table id %d, which the schema "
                                 "does not have", name, i, c->table_id);
        if (c->id < 0)
            return ferry_err_set(e, FERRY_E_IO, "%s: chunks[%zu] has a negative id", name, i);
        if (!safe_file(c->file))
            return ferry_err_set(e, FERRY_E_IO, "%s: chunks[%zu] file \"%s\" is not a relative path inside "
                                 "the dump directory", name, i, c->file ? c->file : "");
        if (c->has_lo && c->has_hi && c->lo >= c->hi)
            return ferry_err_set(e, FERRY_E_IO, "%s: chunks[%zu] has an empty key range [%lld, %lld)",
                                 name, i, (long long)c->lo, (long long)c->hi);
    }
    /* duplicates: sort pointers by (table_id, id) and by file name */
    if (m->nchunks > 1) {
        const dump_chunk **v = xmalloc(m->nchunks * sizeof *v);
        int rc = 0;
        for (size_t i = 0; i < m->nchunks; i++) v[i] = &m->chunks[i];
        qsort(v, m->nchunks, sizeof *v, cmp_chunk_id);
        for (size_t i = 1; i < m->nchunks && !rc; i++)
            if (v[i]->table_id == v[i - 1]->table_id && v[i]->id == v[i - 1]->id)
                rc = ferry_err_set(e, FERRY_E_IO, "%s: chunk %d of table \"%s\" is recorded twice",
                                   name, v[i]->id, m->tables[v[i]->table_id].name);
        qsort(v, m->nchunks, sizeof *v, cmp_chunk_file);
        for (size_t i = 1; i < m->nchunks && !rc; i++)
            if (!strcmp(v[i]->file, v[i - 1]->file))
                rc = ferry_err_set(e, FERRY_E_IO, "%s: file \"%s\" is recorded for two chunks",
                                   name, v[i]->file);
        free(v);
        if (rc) return rc;
    }
    if (m->complete && !m->finished)
        return ferry_err_set(e, FERRY_E_IO, "%s: marked complete without a finished time", name);
    return 0;
}

/* norm — t with "not given" spelled one way, for comparing. */
static ltype norm(const ltype *t)
{
    ltype n = {t->kind, -1, 0, -1, -1};
    if (t->kind == LT_TEXT) { n.length = t->length < 0 ? -1 : t->length; n.fixed = t->fixed != 0; }
    if (t->kind == LT_TIME) n.fixed = t->fixed != 0;
    if (t->kind == LT_DECIMAL && t->precision >= 0) {
        n.precision = t->precision;
        n.scale = t->scale < 0 ? 0 : t->scale;   /* decimal(p) is decimal(p,0) */
    }
    return n;
}

int dump_table_check_types(const dump_table *t, const ltype *types, int ncols, const char *path,
                           ferry_err *e)
{
    if (ncols != t->ncols)
        return ferry_err_set(e, FERRY_E_IO, "%s: %d columns, the manifest gives table \"%s\" %d",
                             path, ncols, t->name, t->ncols);
    for (int i = 0; i < ncols; i++) {
        ltype a = norm(&types[i]), b = norm(&t->cols[i].lt);
        if (a.kind != b.kind || a.length != b.length || a.fixed != b.fixed ||
            a.precision != b.precision || a.scale != b.scale) {
            char ta[64], tb[64];
            ltype_format(&types[i], ta, sizeof ta);
            ltype_format(&t->cols[i].lt, tb, sizeof tb);
            return ferry_err_set(e, FERRY_E_IO, "%s: column %d is %s, the manifest gives \"%s\".\"%s\" "
                                 "type %s", path, i + 1, ta, t->name, t->cols[i].name, tb);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Verifying a dump directory
 * --------------------------------------------------------------------- */

static int cmp_chunk_range(const void *a, const void *b)
{
    const dump_chunk *x = *(const dump_chunk *const *)a, *y = *(const dump_chunk *const *)b;
    if (x->table_id != y->table_id) return x->table_id < y->table_id ? -1 : 1;
    if (x->has_lo != y->has_lo) return x->has_lo ? 1 : -1;      /* the open start first */
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void qname(const dump_table *t, char *buf, size_t n)
{
    if (t->schema) snprintf(buf, n, "%s.%s", t->schema, t->name);
    else snprintf(buf, n, "%s", t->name);
}

/* check_coverage — the chunks of each table of a complete dump cover its
 * whole key space: sorted by lo, the first open at the start, each hi the
 * next lo, the last open at the end. A chunk missing from the manifest
 * (not only a missing file) is found this way. Appends problems. */
static size_t check_coverage(const dump_manifest *m, strbuf *report)
{
    size_t problems = 0, k = 0;
    const dump_chunk **v = xmalloc((m->nchunks ? m->nchunks : 1) * sizeof *v);
    char name[300];
    for (size_t i = 0; i < m->nchunks; i++) v[i] = &m->chunks[i];
    qsort(v, m->nchunks, sizeof *v, cmp_chunk_range);
    for (int t = 0; t < m->ntables; t++) {
        size_t first = k;
        qname(&m->tables[t], name, sizeof name);
        while (k < m->nchunks && v[k]->table_id == t) k++;
        if (k == first) {
            strbuf_addf(report, "  BAD   %s: no chunk recorded (a table is at least one chunk, even when empty)\n", name);
            problems++;
            continue;
        }
        if (v[first]->has_lo) {
            strbuf_addf(report, "  BAD   %s: no chunk holds the keys below %lld (a chunk is missing from the manifest)\n",
                        name, (long long)v[first]->lo);
            problems++;
        }
        for (size_t i = first; i + 1 < k; i++) {
            const dump_chunk *a = v[i], *b = v[i + 1];
            if (!a->has_hi || !b->has_lo || a->hi != b->lo) {
                if (a->has_hi && b->has_lo && a->hi < b->lo)
                    strbuf_addf(report, "  BAD   %s: no chunk holds the keys %lld <= key < %lld (a chunk is missing "
                                "from the manifest)\n", name, (long long)a->hi, (long long)b->lo);
                else
                    strbuf_addf(report, "  BAD   %s: chunks %d and %d overlap\n", name, a->id, b->id);
                problems++;
            }
        }
        if (v[k - 1]->has_hi) {
            strbuf_addf(report, "  BAD   %s: no chunk holds the keys from %lld on (a chunk is missing from the manifest)\n",
                        name, (long long)v[k - 1]->hi);
            problems++;
        }
    }
    free(v);
    return problems;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* scan_data_dir — files in dir/data that the manifest does not record:
 * leftover .tmp files (an interrupted write) and chunk files not recorded
 * (written but not yet recorded when the dump stopped). Notes, not
 * problems: neither is read by a restore. */
static size_t scan_data_dir(const char *dir, const dump_manifest *m, strbuf *report)
{
    char *data = xasprintf("%s/%s", dir, DUMPFMT_DATA_DIR);
    DIR *d = opendir(data);
    size_t notes = 0;
    struct dirent *de;
    if (!d) { free(data); return 0; }
    const char **files = xmalloc((m->nchunks ? m->nchunks : 1) * sizeof *files);
    for (size_t i = 0; i < m->nchunks; i++) files[i] = m->chunks[i].file;
    qsort(files, m->nchunks, sizeof *files, cmp_str);
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char *rel = xasprintf("%s/%s", DUMPFMT_DATA_DIR, de->d_name);
        const char *key = rel;
        int known = m->nchunks && bsearch(&key, files, m->nchunks, sizeof *files, cmp_str) != NULL;
        size_t n = strlen(de->d_name);
        if (!known && n > 4 && !strcmp(de->d_name + n - 4, ".tmp")) {
            strbuf_addf(report, "  note  %s/%s: left over from an interrupted write (not part of the dump; "
                        "safe to delete)\n", dir, rel);
            notes++;
        } else if (!known) {
            strbuf_addf(report, "  note  %s/%s: not recorded in the manifest (not part of the dump)\n", dir, rel);
            notes++;
        }
        free(rel);
    }
    closedir(d);
    free(files);
    free(data);
    return notes;
}

int dump_verify_dir(const char *dir, int quick, strbuf *report, dump_verify_summary *sum,
                    ferry_err *e)
{
    dump_manifest m;
    dump_verify_summary s;
    char name[300];
    memset(&s, 0, sizeof s);
    if (dump_manifest_read(dir, &m, e)) return -1;
    s.complete = m.complete;
    s.tables = (size_t)m.ntables;
    s.chunks = m.nchunks;
    strbuf_addf(report, "verify %s: dump of %s (%s%s%s), format version %d, %d table(s), %zu chunk(s)%s\n",
                dir, m.src_url ? m.src_url : m.src_engine ? m.src_engine : "an unknown source",
                m.created ? "started " : "", m.created ? m.created : "", m.complete ? ", complete" : "",
                m.format_version, m.ntables, m.nchunks, quick ? ", quick check (file checksums)" : "");
    if (!m.complete) {
        strbuf_addf(report, "  BAD   the dump is not complete (interrupted, or still being written): it "
                    "cannot be restored; rerun the dump to finish it\n");
        s.problems++;
    }
    for (int t = 0; t < m.ntables; t++) {
        const dump_table *tb = &m.tables[t];
        uint64_t rows = 0;
        size_t nch = 0, bad = 0;
        qname(tb, name, sizeof name);
        for (size_t i = 0; i < m.nchunks; i++) {
            const dump_chunk *c = &m.chunks[i];
            if (c->table_id != t) continue;
            nch++;
            char *path = xasprintf("%s/%s", dir, c->file);
            dumpfmt_chunk_info want, got;
            ferry_err ce = {0};
            dump_chunk_info(c, &want);
            int rc;
            dumpfmt_reader *r = dumpfmt_reader_open(path, &ce);
            if (!r) {
                rc = -1;
            } else {
                int nc;
                const ltype *types = dumpfmt_reader_types(r, &nc);
                rc = dump_table_check_types(tb, types, nc, path, &ce);
                dumpfmt_reader_close(r);
            }
            if (rc == 0)
                rc = quick ? dumpfmt_check_file(path, &want, &got, &ce)
                           : dumpfmt_verify_file(path, &want, &got, &ce);
            if (rc) {
                strbuf_addf(report, "  BAD   %s: chunk %d: %s\n", name, c->id, ce.msg);
                bad++;
            } else {
                rows += got.rows;
                s.bytes += got.bytes;
                s.compressed_bytes += got.compressed_bytes;
            }
            free(path);
        }
        s.rows += rows;
        s.bad_chunks += bad;
        s.problems += bad;
        if (!bad)
            strbuf_addf(report, "  ok    %s: %llu rows in %zu chunk(s)\n", name, (unsigned long long)rows, nch);
    }
    if (m.complete) s.problems += check_coverage(&m, report);
    s.notes = scan_data_dir(dir, &m, report);
    if (s.problems)
        strbuf_addf(report, "DAMAGED: %zu problem(s), %zu of %zu chunk(s) bad; %llu rows in the good chunks\n",
                    s.problems, s.bad_chunks, s.chunks, (unsigned long long)s.rows);
    else
        strbuf_addf(report, "OK: %zu chunk(s), %llu rows, %llu bytes (%llu compressed) %s\n", s.chunks,
                    (unsigned long long)s.rows, (unsigned long long)s.bytes,
                    (unsigned long long)s.compressed_bytes,
                    quick ? "checked against their file checksums" : "decoded and checked");
    if (sum) *sum = s;
    dump_manifest_free(&m);
    return s.problems ? 1 : 0;
}
