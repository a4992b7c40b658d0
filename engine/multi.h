/* multi.h — `ferry copy SOURCE... TARGET --schema-per-source`: several
 * sources (SQLite files named one by one or by a glob, or server databases)
 * into one PostgreSQL target, each into a schema of its own, several at
 * once, with one report (docs/apps/multi-project.md).
 *
 * Each source's copy is an ordinary ferry job — the same code path as
 * `ferry copy SOURCE TARGET --target-schema SCHEMA` — run in a child
 * process of its own, so the jobs share nothing but the target: each has
 * its identity (the schema is part of it), its lock, its checkpoints. The
 * whole is resumable because each part is: rerunning the same command
 * finds the finished jobs finished and resumes the others. */
#ifndef FERRY_MULTI_H
#define FERRY_MULTI_H

#include <stdint.h>
#include <sys/types.h>
#include "options.h"
#include "err.h"
#include "util.h"

/* multi_copy_command — the CLI entry; returns the worst exit code of the
 * sources (multi_worst_exit) and has printed its errors. */
int multi_copy_command(const ferry_options *o);

struct cJSON;

/* multi_source — one source of a multi-source copy and its run. */
typedef struct multi_source {
    char   *text;          /* connection text (may hold a password: never printed) */
    char   *display;       /* the same, password masked */
    char   *stem;          /* file name without extension, or the database's name */
    char   *schema;        /* target schema */
    char   *report_path;   /* the child's own report (a temporary file) */
    char   *rejects_path;  /* the child's rejects file */
    pid_t   pid;           /* 0: not started */
    int     fd;            /* read end of the child's stderr, -1 when closed */
    strbuf  partial;       /* a line of the child's stderr not yet complete */
    char    last_error[1024]; /* the child's last "ferry: error: ..." line */
    int     exit_code;     /* -1 until it ended */
    int     signal;        /* the signal that ended it, 0 if none */
    double  started, seconds;
    struct cJSON *report;  /* the child's report, parsed; NULL when it wrote none */
    int64_t rows, rejects; /* the job's totals over all its runs, from the target's
                            * state; -1 unknown */
} multi_source;

/* multi_sources_expand — o->sources into *out: globs (SQLite paths and
 * sqlite:/// URLs with * ? [) expanded and sorted, each parsed, named
 * (stem) and given its schema (--schema-for, else the --schema-name
 * template). Refuses duplicates, globs matching nothing, schema names
 * PostgreSQL or ferry reserve, and two sources in one schema. Returns 0, or
 * -1 with e set (FERRY_E_USAGE). */
int  multi_sources_expand(const ferry_options *o, multi_source **out, int *n, ferry_err *e);
void multi_sources_free(multi_source *s, int n);

/* multi_schema_name — the template with {stem} replaced; NULL with e set
 * when it has another {placeholder} or the name is not a usable schema
 * name. Caller frees. */
char *multi_schema_name(const char *template_text, const char *stem, ferry_err *e);

/* multi_rejects_path — base ("ferry-rejects.ndjson") with ".SCHEMA"
 * before its extension: each source's rejected rows in a file of its own.
 * Caller frees. */
char *multi_rejects_path(const char *base, const char *schema);

/* multi_worst_exit — of two exit codes, the one that says more is wrong:
 * 0 < 5 rejects < 8 different < 6 interrupted < 9 busy < 7 job changed
 * < 3 source < 4 target < 1 other < 2 usage. */
int  multi_worst_exit(int a, int b);
/* multi_status_name — the report's status word for an exit code. */
const char *multi_status_name(int exit_code);

/* multi_report_build — the one report of the run (docs/apps/multi-project.md):
 * per source its status, counts and its own report (moved out of s: the
 * sources' report pointers are NULL afterwards), and the totals. Caller
 * frees with cJSON_Delete. */
struct cJSON *multi_report_build(multi_source *s, int n, const char *target_display,
                                 int exit_code, double seconds);

/* multi_source_status — one source's status word: its report's, unless
 * the exit code or a signal says worse (or it never started). */
const char *multi_source_status(const multi_source *s);

#endif
