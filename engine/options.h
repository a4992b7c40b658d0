/* options.h — the options of a copy (and of plan), filled by the CLI and
 * read everywhere else. Owned by the CLI for the life of the process. */
#ifndef FERRY_OPTIONS_H
#define FERRY_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef enum if_exists_policy {
    IF_EXISTS_FAIL = 0,     /* refuse when a target table already exists */
    IF_EXISTS_DROP,         /* drop and recreate it */
    IF_EXISTS_TRUNCATE,     /* keep its definition, empty it, load */
    IF_EXISTS_APPEND        /* keep it and its rows, load into it */
} if_exists_policy;

typedef struct ferry_options {
    const char  *source_text;      /* as typed (may hold a password: never print) */
    const char  *target_text;
    char       **tables;  int ntables;    /* --tables globs, empty = all */
    char       **exclude; int nexclude;   /* --exclude globs */
    const char  *target_schema;    /* default "public" */
    int          jobs;             /* writer connections, default 4 */
    int64_t      chunk_rows;       /* default 50000 */
    if_exists_policy if_exists;
    int          schema_only, data_only, restart, widen, lower_case, quiet, json;
    const char  *map_file;         /* --map */
    const char  *progress_path;    /* --progress FILE or "-" (stdout) */
    const char  *report_path;      /* --report */
    const char  *rejects_path;     /* --rejects, default ferry-rejects.ndjson */
    int64_t      max_errors;       /* --max-errors: stop after this many rejects; -1 = no limit */
    size_t       memory_budget;    /* bytes of queued batches, default 16 MiB */
    int          zero_dates_null;  /* --zero-dates null: MySQL zero dates become NULL, counted */
    int          verify;           /* copy --verify: run verify after the copy */
    int          retries;          /* --retries: reconnect attempts after a lost connection (default 5) */
    const char  *copy_format;      /* --copy-format binary|text (PostgreSQL targets), NULL = driver's */
} ferry_options;

const char *if_exists_name(if_exists_policy p);

#endif
