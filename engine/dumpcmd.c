/* dumpcmd.c — `ferry dump`, `ferry restore` and `ferry verify DIR`: the
 * dump driver does the work through `ferry copy` (a dump is a copy into
 * dump:DIR, a restore a copy out of it); this file adds what belongs to
 * scheduled dumps around it.
 *
 * DESIGN: a series
 *   DIR may end in a strftime pattern (/backups/app/%Y%m%d-%H%M%S): the
 *   directories in its parent whose names the pattern matches are the
 *   series. A run first looks for an incomplete dump of the same source in
 *   the series and finishes it (so a cron job that was killed continues
 *   rather than starting over next time); otherwise it dumps into the
 *   pattern expanded with the local time. After a complete dump, "latest"
 *   in the parent points to it (a symlink replaced atomically) and --keep N
 *   removes the complete dumps of the same source beyond the N newest.
 *   Nothing else is ever removed: not an incomplete dump, not a directory
 *   the pattern does not match, not one holding files a dump does not
 *   have, not a dump of another source. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "dumpcmd.h"
#include "copy.h"
#include "session.h"
#include "dumpfmt.h"
#include "err.h"
#include "url.h"
#include "../drivers/dump.h"

/* dir_of — the directory of a dump URL or path ("dump:x", "dump:///x", "x"). */
static const char *dir_of(const char *text)
{
    if (!strncmp(text, "dump://", 7)) return text + 7;
    if (!strncmp(text, "dump:", 5)) return text + 5;
    return text;
}

/* ------------------------------------------------------ the patterns */

/* digits — match exactly n digits (n 0: one or more). */
static const char *digits(const char *s, int n)
{
    int k = 0;
    while (s[k] >= '0' && s[k] <= '9' && (n == 0 || k < n)) k++;
    return (n == 0 ? k > 0 : k == n) ? s + k : NULL;
}

/* pattern_ok — every conversion in pat is one a series can match. */
static int pattern_ok(const char *pat, char *bad)
{
    for (const char *p = pat; *p; p++) {
        if (*p != '%') continue;
        p++;
        if (!*p || !strchr("YmdHMSyjsFT%", *p)) { *bad = *p ? *p : '%'; return 0; }
    }
    return 1;
}

/* name_matches — name is what pat expands to for some time. */
static int name_matches(const char *pat, const char *name)
{
    const char *s = name;
    for (const char *p = pat; *p && s; p++) {
        if (*p != '%') { s = *s == *p ? s + 1 : NULL; continue; }
        switch (*++p) {
        case 'Y': s = digits(s, 4); break;
        case 'm': case 'd': case 'H': case 'M': case 'S': case 'y': s = digits(s, 2); break;
        case 'j': s = digits(s, 3); break;
        case 's': s = digits(s, 0); break;
        case 'F': s = digits(s, 4); s = s && *s == '-' ? digits(s + 1, 2) : NULL;
                  s = s && *s == '-' ? digits(s + 1, 2) : NULL; break;
        case 'T': s = digits(s, 2); s = s && *s == ':' ? digits(s + 1, 2) : NULL;
                  s = s && *s == ':' ? digits(s + 1, 2) : NULL; break;
        case '%': s = *s == '%' ? s + 1 : NULL; break;
        default: return 0;
        }
    }
    return s && !*s;
}

typedef struct series_dump {
    char *name;           /* directory name in the parent */
    int   is_dump;        /* has a readable manifest */
    int   complete;
    char *src_url, *created;
    char *previous;       /* an increment: the dump it builds on (a name in the parent) */
    char *base;           /* ... and its chain's base */
} series_dump;

typedef struct series {
    char *parent, *pattern;
    series_dump *d;
    int n;
} series;

static void series_free(series *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->d[i].name); free(s->d[i].src_url); free(s->d[i].created);
        free(s->d[i].previous); free(s->d[i].base);
    }
    free(s->d);
    free(s->parent);
    free(s->pattern);
    memset(s, 0, sizeof *s);
}

static int cmp_created_desc(const void *a, const void *b)
{
    const series_dump *x = a, *y = b;
    int c = strcmp(y->created ? y->created : "", x->created ? x->created : "");
    return c ? c : strcmp(y->name, x->name);
}

/* job_link — job.incremental.KEY of a manifest (malloc'd), NULL if none. */
static char *job_link(const cJSON *job, const char *key)
{
    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(job, "incremental");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(inc, key);
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static const series_dump *series_find(const series *s, const char *name)
{
    for (int i = 0; name && i < s->n; i++)
        if (!strcmp(s->d[i].name, name)) return &s->d[i];
    return NULL;
}

/* series_scan — the series' directories, newest first. */
static void series_scan(series *s)
{
    DIR *d = opendir(s->parent);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !name_matches(s->pattern, de->d_name)) continue;
        char *path = xasprintf("%s/%s", s->parent, de->d_name);
        struct stat sb;
        if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) { free(path); continue; }
        s->d = xrealloc(s->d, sizeof *s->d * (size_t)(s->n + 1));
        series_dump *x = &s->d[s->n++];
        memset(x, 0, sizeof *x);
        x->name = xstrdup(de->d_name);
        dump_manifest m;
        ferry_err ignored = {0};
        if (dump_manifest_read(path, &m, &ignored) == 0) {
            x->is_dump = 1;
            x->complete = m.complete;
            x->src_url = m.src_url ? xstrdup(m.src_url) : NULL;
            x->created = m.created ? xstrdup(m.created) : NULL;
            x->previous = job_link(m.job, "previous");
            x->base = job_link(m.job, "base");
            dump_manifest_free(&m);
        }
        free(path);
    }
    if (d) closedir(d);
    if (s->n > 1) qsort(s->d, (size_t)s->n, sizeof *s->d, cmp_created_desc);
}

/* source_display — the source as a dump's manifest names it. */
static char *source_display(const char *source_text)
{
    ferry_url u;
    ferry_err ignored = {0};
    if (ferry_url_parse(source_text, &u, &ignored)) return ferry_url_mask(source_text);
    char *d = xstrdup(u.display ? u.display : source_text);
    ferry_url_free(&u);
    return d;
}

/* is_dump_file — the names a dump directory holds (see dump.c). */
static int removable_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int ok = d != NULL;
    while (ok && (de = readdir(d))) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, ".ferry-lock") ||
            !strcmp(n, DUMPFMT_MANIFEST) || !strcmp(n, DUMPFMT_MANIFEST ".tmp"))
            continue;
        if (!strcmp(n, DUMPFMT_DATA_DIR)) {
            char *data = xasprintf("%s/%s", dir, n);
            DIR *dd = opendir(data);
            struct dirent *f;
            while (ok && dd && (f = readdir(dd))) {
                size_t k = strlen(f->d_name);
                if (f->d_name[0] == '.' && (k == 1 || (k == 2 && f->d_name[1] == '.'))) continue;
                ok = (k > 4 && !strcmp(f->d_name + k - 4, ".fdc")) ||
                     (k > 8 && !strcmp(f->d_name + k - 8, ".fdc.tmp"));
            }
            if (dd) closedir(dd); else ok = 0;
            free(data);
            continue;
        }
        ok = 0;
    }
    if (d) closedir(d);
    return ok;
}

/* remove_dump — delete a complete dump directory of the series (only the
 * files a dump has: see removable_dir). 0, or -1 with errno. */
static int remove_dump(const char *dir)
{
    char *data = xasprintf("%s/%s", dir, DUMPFMT_DATA_DIR);
    DIR *dd = opendir(data);
    struct dirent *f;
    int rc = 0;
    /* the manifest first: a half-removed dump is then no dump at all */
    char *man = xasprintf("%s/%s", dir, DUMPFMT_MANIFEST);
    if (unlink(man) != 0 && errno != ENOENT) rc = -1;
    free(man);
    while (rc == 0 && dd && (f = readdir(dd))) {
        if (f->d_name[0] == '.') continue;
        char *p = xasprintf("%s/%s", data, f->d_name);
        if (unlink(p) != 0) rc = -1;
        free(p);
    }
    if (dd) closedir(dd);
    if (rc == 0 && rmdir(data) != 0 && errno != ENOENT) rc = -1;
    free(data);
    char *lock = xasprintf("%s/.ferry-lock", dir);
    unlink(lock);
    free(lock);
    char *tmp = xasprintf("%s/%s.tmp", dir, DUMPFMT_MANIFEST);
    unlink(tmp);
    free(tmp);
    if (rc == 0 && rmdir(dir) != 0) rc = -1;
    return rc;
}

/* update_latest — parent/latest -> name, replaced atomically; a "latest"
 * that is not a symlink is left alone. */
static void update_latest(const series *s, const char *name, int quiet)
{
    char *link = xasprintf("%s/latest", s->parent);
    char *tmp = xasprintf("%s/.latest.%ld", s->parent, (long)getpid());
    struct stat sb;
    if (lstat(link, &sb) == 0 && !S_ISLNK(sb.st_mode)) {
        if (!quiet)
            fprintf(stderr, "ferry: note: %s exists and is not a symlink: not updated\n", link);
    } else {
        unlink(tmp);
        if (symlink(name, tmp) != 0 || rename(tmp, link) != 0) {
            fprintf(stderr, "ferry: warning: cannot point %s to %s: %s\n", link, name,
                    strerror(errno));
            unlink(tmp);
        }
    }
    free(link);
    free(tmp);
}

/* keep_newest — --keep N: remove the complete dumps of this source beyond
 * the N newest. Returns how many could not be removed. */
static int keep_newest(const series *s, const char *src, int keep, int quiet)
{
    int kept = 0, failed = 0;
    char *need = xcalloc((size_t)s->n + 1, 1);
    /* The N newest, and every dump their increments build on. */
    for (int i = 0; i < s->n; i++) {
        const series_dump *x = &s->d[i];
        if (!x->is_dump || !x->complete || !x->src_url || strcmp(x->src_url, src) != 0) continue;
        if (kept++ >= keep) continue;
        need[i] = 1;
        int hops = 0;
        for (const series_dump *p = series_find(s, x->previous); p && hops < s->n;
             p = series_find(s, p->previous), hops++)
            need[p - s->d] = 1;
    }
    for (int i = 0; i < s->n; i++) {
        const series_dump *x = &s->d[i];
        if (!x->is_dump || !x->complete || !x->src_url || strcmp(x->src_url, src) != 0) continue;
        if (need[i]) continue;
        char *dir = xasprintf("%s/%s", s->parent, x->name);
        if (!removable_dir(dir)) {
            if (!quiet)
                fprintf(stderr, "ferry: note: --keep: %s holds files a dump does not have: left "
                        "alone\n", dir);
        } else if (remove_dump(dir) != 0) {
            fprintf(stderr, "ferry: warning: --keep: cannot remove %s: %s\n", dir, strerror(errno));
            failed++;
        } else if (!quiet) {
            fprintf(stderr, "ferry: --keep %d: removed the older dump %s\n", keep, dir);
        }
        free(dir);
    }
    free(need);
    return failed;
}

/* ------------------------------------------------------- the commands */

/* choose_previous — --incremental: the dump this one builds on. Finishing
 * an interrupted increment keeps the previous it started with; otherwise
 * the newest complete dump of the source in the series. None: this dump
 * is a full one, the base of a new chain. Sets d->incr_* (pointing into
 * s and *text). 0, or -1 (printed). */
static int choose_previous(const series *s, const char *src, const char *chosen,
                           ferry_options *d, char **text, int quiet)
{
    const series_dump *self = series_find(s, chosen), *prev = NULL;
    if (self && self->is_dump && !self->complete && self->previous) {
        prev = series_find(s, self->previous);
        if (!prev || !prev->complete) {
            fprintf(stderr, "ferry: dump: the interrupted increment %s/%s builds on %s, which is "
                    "no longer a complete dump: remove %s/%s and run again\n", s->parent, chosen,
                    self->previous, s->parent, chosen);
            return -1;
        }
    } else if (!self || !self->is_dump) {
        for (int i = 0; i < s->n && !prev; i++)
            if (s->d[i].is_dump && s->d[i].complete && s->d[i].src_url &&
                !strcmp(s->d[i].src_url, src) && strcmp(s->d[i].name, chosen) != 0)
                prev = &s->d[i];
    }
    if (!prev) {
        if (!quiet && !(self && self->is_dump))
            fprintf(stderr, "ferry: --incremental: no complete dump of this source in the series "
                    "yet: this one is a full dump, the base of the increments that follow\n");
        return 0;
    }
    char *path = xasprintf("%s/%s/%s", s->parent, prev->name, DUMPFMT_MANIFEST);
    ferry_err e = {0};
    *text = read_file(path, &e);
    free(path);
    if (!*text) {
        fprintf(stderr, "ferry: dump: the previous dump of the series: %s\n", e.msg);
        return -1;
    }
    d->incr_prev = *text;
    d->incr_prev_name = prev->name;
    d->incr_base_name = prev->base ? prev->base : prev->name;
    if (!quiet)
        fprintf(stderr, "ferry: --incremental: rows newer than the dump %s (base %s)\n",
                prev->name, d->incr_base_name);
    return 0;
}

int dump_command(const ferry_options *o)
{
    const char *dir = dir_of(o->target_text);
    series s = {0};
    char *target = NULL, *src = NULL, *chosen = NULL;
    int rc;

    if (o->dump_level) ferry_dump_level = o->dump_level;
    if (o->dump_workers >= 0) ferry_dump_workers = o->dump_workers;
    if (!*dir) {
        fprintf(stderr, "ferry: dump: no directory given\nTry 'ferry help dump'.\n");
        return EXIT_USAGE;
    }
    if (strchr(dir, '%')) {
        const char *slash = strrchr(dir, '/');
        char bad = 0;
        s.parent = slash ? xstrndup(dir, (size_t)(slash - dir)) : xstrdup(".");
        if (slash && slash == dir) { free(s.parent); s.parent = xstrdup("/"); }
        s.pattern = xstrdup(slash ? slash + 1 : dir);
        if (strchr(s.parent, '%')) {
            fprintf(stderr, "ferry: dump: put the date pattern in the last part of the directory "
                    "(%s)\n", dir);
            series_free(&s);
            return EXIT_USAGE;
        }
        if (!pattern_ok(s.pattern, &bad)) {
            fprintf(stderr, "ferry: dump: %%%c is not a pattern a series can use; use %%Y %%m %%d "
                    "%%H %%M %%S %%y %%j %%s %%F %%T\n", bad);
            series_free(&s);
            return EXIT_USAGE;
        }
        src = source_display(o->source_text);
        series_scan(&s);
        for (int i = 0; i < s.n && !chosen; i++)
            if (s.d[i].is_dump && !s.d[i].complete && s.d[i].src_url && !strcmp(s.d[i].src_url, src))
                chosen = xstrdup(s.d[i].name);
        if (chosen) {
            if (!o->quiet)
                fprintf(stderr, "ferry: finishing the interrupted dump %s/%s first\n", s.parent, chosen);
        } else {
            char name[512];
            time_t now = time(NULL);
            struct tm tm;
            localtime_r(&now, &tm);
            if (strftime(name, sizeof name, s.pattern, &tm) == 0) {
                fprintf(stderr, "ferry: dump: the pattern %s gives an empty name\n", s.pattern);
                series_free(&s);
                free(src);
                return EXIT_USAGE;
            }
            chosen = xstrdup(name);
        }
        target = xasprintf("dump:%s/%s", s.parent, chosen);
    } else if (o->incremental) {
        fprintf(stderr, "ferry: dump: --incremental needs a series: a DIR ending in a date pattern "
                "such as /backups/app/%%Y%%m%%d-%%H%%M%%S\n");
        return EXIT_USAGE;
    } else {
        if (o->keep > 0) {
            fprintf(stderr, "ferry: dump: --keep needs a series: a DIR ending in a date pattern "
                    "such as /backups/app/%%Y%%m%%d-%%H%%M%%S\n");
            return EXIT_USAGE;
        }
        target = xasprintf("dump:%s", dir);
    }

    ferry_options d = *o;
    d.target_text = target;
    d.dump_pattern = dir;
    char *prev_text = NULL;
    if (s.pattern) {
        d.record_marks = 1;
        if (o->incremental && choose_previous(&s, src, chosen, &d, &prev_text, o->quiet)) {
            rc = EXIT_USAGE;
            goto out;
        }
    }
    rc = copy_command(&d);
    if (s.pattern && (rc == EXIT_OK || rc == EXIT_REJECTS)) {
        update_latest(&s, chosen, o->quiet);
        if (o->keep > 0) {
            series_free(&s);
            /* rescan: the dump just finished is complete now */
            const char *slash = strrchr(dir, '/');
            s.parent = slash ? (slash == dir ? xstrdup("/") : xstrndup(dir, (size_t)(slash - dir)))
                             : xstrdup(".");
            s.pattern = xstrdup(slash ? slash + 1 : dir);
            series_scan(&s);
            if (keep_newest(&s, src, o->keep, o->quiet) && rc == EXIT_OK) rc = EXIT_FAILURE_;
        }
    }
out:
    free(prev_text);
    series_free(&s);
    free(src);
    free(chosen);
    free(target);
    return rc;
}

/* restore_one — copy_command from dump:dir. */
static int restore_one(const ferry_options *o, const char *dir, int increment)
{
    ferry_options d = *o;
    char *source = xasprintf("dump:%s", dir);
    d.source_text = source;
    if (increment) {
        d.data_only = 1;             /* the tables exist: the base made them */
        d.schema_only = 0;
        d.upsert = 1;
    }
    int rc = copy_command(&d);
    free(source);
    return rc;
}

/* restore_command — a plain dump restores alone; an increment restores its
 * chain: the base, then each increment in order, its rows replacing rows
 * of the same primary key. Each step is a job of its own in the target, so
 * a rerun skips the finished ones and resumes the interrupted one. */
int restore_command(const ferry_options *o)
{
    const char *dir = dir_of(o->source_text);
    char *real = realpath(dir, NULL);
    char **chain = NULL;
    int n = 0, rc = EXIT_OK;
    if (real) {
        char *parent = xstrdup(real);
        char *slash = strrchr(parent, '/');
        if (slash) *slash = 0;
        chain = xcalloc(1, sizeof *chain);
        chain[n++] = xstrdup(real);
        for (;;) {
            dump_manifest m;
            ferry_err ignored = {0};
            if (dump_manifest_read(chain[n - 1], &m, &ignored)) break;
            char *prev = job_link(m.job, "previous");
            dump_manifest_free(&m);
            if (!prev) break;
            if (n > 100000 || strchr(prev, '/')) {
                free(prev);
                break;
            }
            chain = xrealloc(chain, sizeof *chain * (size_t)(n + 1));
            chain[n++] = xasprintf("%s/%s", parent, prev);
            free(prev);
            struct stat sb;
            if (stat(chain[n - 1], &sb) != 0) {
                fprintf(stderr, "ferry: error: %s is an increment built on %s, which is missing: "
                        "the chain down to its base is needed to restore it\n", chain[n - 2],
                        chain[n - 1]);
                rc = EXIT_SOURCE;
                break;
            }
        }
        free(parent);
    }
    if (rc == EXIT_OK && n <= 1) {
        rc = restore_one(o, dir, 0);
    } else if (rc == EXIT_OK) {
        for (int i = n - 1; i >= 0; i--) {
            if (!o->quiet)
                fprintf(stderr, i == n - 1 ? "ferry: restoring the base dump %s\n"
                                           : "ferry: applying the increment %s\n", chain[i]);
            int r = restore_one(o, chain[i], i != n - 1);
            if (r != EXIT_OK && r != EXIT_REJECTS) { rc = r; break; }
            if (r == EXIT_REJECTS) rc = r;
        }
    }
    for (int i = 0; i < n; i++) free(chain[i]);
    free(chain);
    free(real);
    return rc;
}

int dump_verify_command(const ferry_options *o)
{
    const char *dir = dir_of(o->source_text);
    strbuf report = STRBUF_INIT;
    dump_verify_summary sum;
    ferry_err e = {0};
    struct stat sb;
    memset(&sum, 0, sizeof sum);
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "ferry: verify: \"%s\" is no dump directory; to compare two databases "
                "give both: ferry verify SOURCE TARGET\nTry 'ferry help verify'.\n", dir);
        return EXIT_USAGE;
    }
    int r = dump_verify_dir(dir, o->quick, &report, &sum, &e);
    if (r < 0) {
        if (o->json) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "dump", dir);
            cJSON_AddBoolToObject(j, "ok", 0);
            cJSON_AddStringToObject(j, "error", e.msg);
            char *t = cJSON_Print(j);
            printf("%s\n", t);
            free(t);
            cJSON_Delete(j);
        }
        fprintf(stderr, "ferry: error: %s\n", e.msg);
        strbuf_free(&report);
        return EXIT_SOURCE;
    }
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "dump", dir);
        cJSON_AddBoolToObject(j, "ok", r == 0);
        cJSON_AddBoolToObject(j, "complete", sum.complete);
        cJSON_AddNumberToObject(j, "tables", (double)sum.tables);
        cJSON_AddNumberToObject(j, "chunks", (double)sum.chunks);
        cJSON_AddNumberToObject(j, "bad_chunks", (double)sum.bad_chunks);
        cJSON_AddNumberToObject(j, "problems", (double)sum.problems);
        cJSON_AddNumberToObject(j, "notes", (double)sum.notes);
        cJSON_AddNumberToObject(j, "rows", (double)sum.rows);
        cJSON_AddNumberToObject(j, "bytes", (double)sum.bytes);
        cJSON_AddNumberToObject(j, "compressed_bytes", (double)sum.compressed_bytes);
        cJSON_AddStringToObject(j, "report", strbuf_cstr(&report));
        char *t = cJSON_Print(j);
        printf("%s\n", t);
        free(t);
        cJSON_Delete(j);
    } else if (!o->quiet || r) {
        fputs(strbuf_cstr(&report), r && o->quiet ? stderr : stdout);
    }
    strbuf_free(&report);
    return r ? EXIT_DIFFERENT : EXIT_OK;
}
