/* dump.c — the dump driver: a dump directory as a target and as a source
 * (dump_internal.h says who owns what). This file: connections, the store
 * shared by a process's connections to one directory, and the target side
 * (one chunk file per chunk, entering the manifest at commit).
 *
 * DESIGN: the chunk contract on a directory
 *   A chunk file is written under NAME.tmp, fsynced and renamed by
 *   copy_end (engine/dumpfmt_file.c); commit then records it in the
 *   manifest, which is replaced atomically. A chunk is done when the
 *   manifest says so: a file without a record (the process died between
 *   rename and record) is simply written again by the rerun. The
 *   manifest is written at every commit; once it records more than 2000
 *   chunks, at most once a second (dump_store_save_soon): a kill then loses
 *   at most the last second's records, whose chunks are redone — never a
 *   record without its file. The job's finish writes the manifest
 *   complete, last. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_internal.h"
#include "../engine/checkpoint.h"

int ferry_dump_level = 1;
int ferry_dump_workers = 0;

/* ------------------------------------------------------------ the store */

static pthread_mutex_t stores_mu = PTHREAD_MUTEX_INITIALIZER;
static dump_store *stores;

/* store_open — the store of dir, made (and its manifest read, when there
 * is one) on first use. */
static dump_store *store_open(const char *dir, ferry_err *e)
{
    pthread_mutex_lock(&stores_mu);
    for (dump_store *s = stores; s; s = s->next)
        if (strcmp(s->dir, dir) == 0) {
            s->refs++;
            pthread_mutex_unlock(&stores_mu);
            return s;
        }
    dump_store *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->dir = xstrdup(dir);
    s->refs = 1;
    dump_manifest_init(&s->m);
    char *path = xasprintf("%s/%s", dir, DUMPFMT_MANIFEST);
    struct stat sb;
    int have = stat(path, &sb) == 0;
    free(path);
    if (have) {
        if (dump_manifest_read(dir, &s->m, e)) {
            pthread_mutex_destroy(&s->mu);
            free(s->dir);
            free(s);
            pthread_mutex_unlock(&stores_mu);
            return NULL;
        }
        s->loaded = 1;
    }
    s->next = stores;
    stores = s;
    pthread_mutex_unlock(&stores_mu);
    return s;
}

static void store_close(dump_store *s)
{
    if (!s) return;
    pthread_mutex_lock(&stores_mu);
    if (--s->refs > 0) { pthread_mutex_unlock(&stores_mu); return; }
    for (dump_store **p = &stores; *p; p = &(*p)->next)
        if (*p == s) { *p = s->next; break; }
    pthread_mutex_unlock(&stores_mu);
    if (s->dirty) {
        /* Records made since the last write: keep them (best effort; the
         * chunks would be redone otherwise). */
        ferry_err ignored = {0};
        dump_store_save(s, &ignored);
    }
    dump_manifest_free(&s->m);
    free(s->snapshot);
    cJSON_Delete(s->owner);
    pthread_mutex_destroy(&s->mu);
    free(s->dir);
    free(s);
}

int dump_store_save(dump_store *st, ferry_err *e)
{
    if (dump_manifest_write(st->dir, &st->m, e)) return -1;
    st->dirty = 0;
    st->written_at = now_monotonic();
    return 0;
}

int dump_store_save_soon(dump_store *st, ferry_err *e)
{
    /* Small manifests are written at every commit; one recording thousands
     * of chunks (megabytes) at most once a second, so that rewriting it
     * does not cost more than the data. */
    if (st->m.nchunks > 2000 && now_monotonic() - st->written_at < 1.0) {
        st->dirty = 1;
        return 0;
    }
    return dump_store_save(st, e);
}

/* ------------------------------------------------------- connections */

/* dir_is_usable — a target directory must be new, empty, or a ferry dump:
 * ferry never writes into (nor, with --keep, removes) a directory that
 * holds something else. */
static int dir_is_usable(const char *dir, const char *display, ferry_err *e)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) return 0;
        return ferry_err_set(e, FERRY_E_CONNECT, "target %s: cannot open the directory: %m",
                             display);
    }
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, ".ferry-lock") ||
            !strcmp(n, DUMPFMT_MANIFEST) || !strcmp(n, DUMPFMT_MANIFEST ".tmp") ||
            !strcmp(n, DUMPFMT_DATA_DIR))
            continue;
        rc = ferry_err_set(e, FERRY_E_TARGET, "target %s: the directory is not empty and holds "
                           "no ferry dump (it has \"%s\"): dump into a new or empty directory",
                           display, n);
        break;
    }
    closedir(d);
    return rc;
}

static int dump_connect(ferry_conn *c, const ferry_url *u, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    dc->display = xstrdup(u->display ? u->display : u->path);
    dc->table = dc->chunk_id = -1;
    if (c->side == SIDE_TARGET) {
        if (dir_is_usable(u->path, dc->display, e)) {
            /* the job lock (engine/joblock.c) put its file there first */
            char *lock = xasprintf("%s/.ferry-lock", u->path), *man = xasprintf("%s/%s", u->path, DUMPFMT_MANIFEST);
            struct stat ms;
            if (stat(man, &ms) != 0) unlink(lock);
            free(lock);
            free(man);
            goto fail;
        }
        if (dumpfmt_dir_prepare(u->path, e)) goto fail;
        if (!(dc->st = store_open(u->path, e))) {
            char why[sizeof e->msg];
            snprintf(why, sizeof why, "%s", e->msg);
            ferry_err_set(e, FERRY_E_TARGET, "target %s: %s; this directory holds a damaged "
                          "dump: remove it or dump into another directory", dc->display, why);
            goto fail;
        }
        return 0;
    }
    /* A source (restore), or SIDE_NONE: read as it is, for ferry status. */
    const char *as = c->side == SIDE_SOURCE ? "source" : "dump";
    struct stat sb;
    if (stat(u->path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        ferry_err_set(e, FERRY_E_CONNECT, "%s %s: no such dump directory", as, dc->display);
        goto fail;
    }
    if (!(dc->st = store_open(u->path, e))) goto fail;
    if (!dc->st->loaded) {
        ferry_err_set(e, FERRY_E_SOURCE, "%s %s: not a ferry dump (no %s in the directory)",
                      as, dc->display, DUMPFMT_MANIFEST);
        goto fail;
    }
    if (c->side == SIDE_SOURCE && dump_check_source(dc, e)) goto fail;
    return 0;
fail:
    if (e) e->side = c->side;
    store_close(dc->st);
    dc->st = NULL;
    free(dc->display);          /* connect releases what it took; the caller frees dc */
    dc->display = NULL;
    return -1;
}

static void dump_close(ferry_conn *c)
{
    if (!c) return;
    dump_conn *dc = (dump_conn *)c;
    dumpfmt_writer_abort(dc->w);
    cJSON_Delete(dc->rejects);
    store_close(dc->st);
    free(dc->display);
    free(dc);
}

static int dump_server_version(ferry_conn *c, char *buf, size_t n, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    (void)e;
    pthread_mutex_lock(&dc->st->mu);
    const dump_manifest *m = &dc->st->m;
    snprintf(buf, n, "ferry dump format %d (of %s %s)", m->format_version,
             m->src_engine ? m->src_engine : "?", m->src_server_version ? m->src_server_version : "");
    pthread_mutex_unlock(&dc->st->mu);
    return 0;
}

static int dump_begin_snapshot(ferry_conn *c, ferry_err *e)
{
    (void)c; (void)e;             /* a dump does not change while it is read */
    return 0;
}

/* set_option "source_snapshot": the copy tells the target which source
 * snapshot the rows are read at, for the manifest. */
static int dump_set_option(ferry_conn *c, const char *key, const char *value, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    if (strcmp(key, "source_snapshot") != 0)
        return ferry_err_set(e, FERRY_E_USAGE, "option \"%s\" does not apply to a dump", key);
    pthread_mutex_lock(&dc->st->mu);
    free(dc->st->snapshot);
    dc->st->snapshot = value ? xstrdup(value) : NULL;
    if (dc->st->loaded && value && !dc->st->m.snapshot)
        dc->st->m.snapshot = arena_strdup(&dc->st->m.mem, value);
    pthread_mutex_unlock(&dc->st->mu);
    return 0;
}

/* ------------------------------------------------------------ target */

static int dump_exec(ferry_conn *c, const char *sql, ferry_err *e)
{
    (void)sql;
    return ferry_err_set(e, FERRY_E_INTERNAL, "%s: a dump runs no SQL (internal error: a "
                         "statement was sent to a dump target)", ((dump_conn *)c)->display);
}

static int dump_exec_params(ferry_conn *c, const char *sql, int n, const char *const *v,
                            ferry_err *e)
{
    (void)n; (void)v;
    return dump_exec(c, sql, e);
}

static int dump_query(ferry_conn *c, const char *sql, int n, const char *const *v,
                      query_callback cb, void *ctx, ferry_err *e)
{
    (void)n; (void)v; (void)cb; (void)ctx;
    return dump_exec(c, sql, e);
}

/* forget_chunk — drop the chunk in hand: its writer, its file when it is
 * not recorded (a rerun writes it again anyway; this keeps the directory
 * free of unrecorded files), its rejects. */
static void forget_chunk(dump_conn *dc, int remove_file)
{
    dumpfmt_writer_abort(dc->w);
    dc->w = NULL;
    if (dc->written && remove_file) {
        char *path = xasprintf("%s/%s", dc->st->dir, dc->file);
        unlink(path);
        free(path);
    }
    dc->written = dc->marked = 0;
    cJSON_Delete(dc->rejects);
    dc->rejects = NULL;
}

static int dump_begin(ferry_conn *c, ferry_err *e)
{
    (void)e;
    forget_chunk((dump_conn *)c, 1);
    return 0;
}

static int dump_chunk_begin(ferry_conn *c, int table, int chunk_id, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    (void)e;
    dc->table = table;
    dc->chunk_id = chunk_id;
    return 0;
}

static int dump_copy_begin(ferry_conn *c, const char *qualified_table, const char *const *cols,
                           const ltype *types, int ncols, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    (void)cols;
    if (dc->chunk_id < 0)
        return ferry_err_set(e, FERRY_E_INTERNAL, "%s: rows for %s came without their chunk",
                             dc->display, qualified_table);
    dumpfmt_write_opts o = {ferry_dump_level, ferry_dump_workers};
    dumpfmt_chunk_file_name((uint32_t)dc->table, (uint32_t)dc->chunk_id, dc->file, sizeof dc->file);
    dc->w = dumpfmt_writer_open(dc->st->dir, dc->file, (uint32_t)dc->table, (uint32_t)dc->chunk_id,
                                types, ncols, &o, e);
    return dc->w ? 0 : -1;
}

static int dump_copy_batch(ferry_conn *c, const batch *b, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    return dumpfmt_writer_add_batch(dc->w, b, e);
}

static int dump_copy_end(ferry_conn *c, int64_t *rows, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    dumpfmt_chunk_info info;
    dumpfmt_writer *w = dc->w;
    dc->w = NULL;
    if (dumpfmt_writer_finish(w, &info, e)) return -1;
    dc->written = 1;
    *rows = (int64_t)info.rows;
    memset(&dc->rec, 0, sizeof dc->rec);
    dump_chunk_from_info(&dc->rec, &info, dc->file);
    int table = -1;
    pthread_mutex_lock(&dc->st->mu);
    int r = dump_chunk_range(dc->st, dc->chunk_id, &table, &dc->rec.has_lo, &dc->rec.lo,
                             &dc->rec.has_hi, &dc->rec.hi);
    pthread_mutex_unlock(&dc->st->mu);
    if (r || table != dc->table)
        return ferry_err_set(e, FERRY_E_INTERNAL, "%s: chunk %d is not in the dump's job",
                             dc->display, dc->chunk_id);
    return 0;
}

static int dump_commit(ferry_conn *c, ferry_err *e)
{
    dump_conn *dc = (dump_conn *)c;
    int rc = 0;
    if (dc->written && dc->marked) {
        pthread_mutex_lock(&dc->st->mu);
        dump_manifest_put_chunk(&dc->st->m, &dc->rec);
        cJSON *job = dump_job(dc->st);
        cJSON *list = job ? cJSON_GetObjectItemCaseSensitive(job, "rejects") : NULL;
        if (list && dc->rejects) {
            cJSON *r;
            while ((r = cJSON_DetachItemFromArray(dc->rejects, 0))) cJSON_AddItemToArray(list, r);
        }
        rc = dump_store_save_soon(dc->st, e);
        pthread_mutex_unlock(&dc->st->mu);
        dc->written = 0;          /* recorded: the file stays */
    }
    forget_chunk(dc, 0);
    dc->chunk_id = dc->table = -1;
    return rc;
}

static void dump_rollback(ferry_conn *c)
{
    dump_conn *dc = (dump_conn *)c;
    forget_chunk(dc, 1);
    dc->chunk_id = dc->table = -1;
}

static void dump_quote_ident(strbuf *out, const char *name)
{
    strbuf_addc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"') strbuf_addc(out, '"');
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, '"');
}

const ferry_driver dump_driver = {
    .name              = "dump",
    .engine            = ENGINE_DUMP,
    .conn_size         = sizeof(dump_conn),
    .max_ident_bytes   = 0,
    .transactional_ddl = 0,
    .single_writer     = 0,
    .connect           = dump_connect,
    .close             = dump_close,
    .server_version    = dump_server_version,
    .begin_snapshot    = dump_begin_snapshot,
    .describe          = dump_describe,
    .key_stats         = dump_key_stats,
    .key_split_points  = NULL,
    .read_chunk        = dump_read_chunk,
    .stored_splits     = dump_stored_splits,
    .exec              = dump_exec,
    .exec_params       = dump_exec_params,
    .query             = dump_query,
    .begin             = dump_begin,
    .commit            = dump_commit,
    .rollback          = dump_rollback,
    .copy_begin        = dump_copy_begin,
    .copy_batch        = dump_copy_batch,
    .encode_cell       = dumpfmt_encode_value,
    .copy_end          = dump_copy_end,
    .chunk_begin       = dump_chunk_begin,
    .quote_ident       = dump_quote_ident,
    .set_option        = dump_set_option,
    .state             = &dump_state_ops,
};
