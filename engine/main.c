/* main.c — ferry's command line: a table of subcommands, each with its help
 * text next to its option parsing; `ferry help COMMAND` and
 * `ferry COMMAND --help` print the same thing. Signals: the first SIGINT or
 * SIGTERM asks the run to stop (no new chunk is taken, in-flight chunks roll
 * back, committed ones stay; exit 6 with the exact command to resume,
 * passwords masked); a second one exits at once (still exit 6, with the same
 * command), which is safe because every chunk commits atomically with its
 * checkpoint: an interrupted COMMIT is either all there or not at all. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "copy.h"
#include "dumpcmd.h"
#include "version.h"
#include "status.h"
#include "ping.h"
#include "verify.h"
#include "err.h"
#include "run.h"
#include "util.h"
#include "types.h"
#include "retry.h"
#include "jobfile.h"
#include "multi.h"
#include "rename.h"
#include "../drivers/driver.h"


static const char *MAIN_HELP =
"ferry " FERRY_VERSION " — move a database, schema and data, between engines.\n"
"\n"
"Usage:\n"
"  ferry copy SOURCE TARGET [options]   copy schema and data (rerun to resume)\n"
"  ferry copy SOURCE... TARGET --schema-per-source   several sources, one schema each\n"
"  ferry run JOBFILE [options]          a copy described in a JSON job file\n"
"  ferry plan SOURCE TARGET [options]   print the target DDL and type decisions; touch nothing\n"
"  ferry verify SOURCE TARGET [options] compare row counts and checksums, per table and chunk\n"
"  ferry dump SOURCE DIR [options]      a consistent, compressed, checksummed dump (rerun to resume)\n"
"  ferry restore DIR TARGET [options]   restore a dump into any engine (rerun to resume)\n"
"  ferry verify DIR [--quick] [--json]  check a dump alone: every chunk's checksum and count\n"
"  ferry status TARGET [--json]         list the ferry jobs recorded in TARGET\n"
"  ferry ping URL [--json]              connect; print server, user, TLS, latency, settings\n"
"  ferry types DIALECT                  print a type table: sqlite, postgresql, mysql\n"
"  ferry help [COMMAND]                 this text, or a command's options\n"
"  ferry --version\n"
"\n"
"Engines: SQLite, PostgreSQL, MySQL/MariaDB, each as a source and as a target.\n"
"\n"
"SOURCE and TARGET:\n"
"  SQLite      sqlite:///relative/app.db  sqlite:////abs/app.db  ./app.db (an existing file)\n"
"  PostgreSQL  postgresql://user[:password]@host[:port]/db[?sslmode=...|ssl=require]\n"
"              postgres://...  \"host=... port=... dbname=... user=...\"\n"
"              (libpq's PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE, ~/.pgpass)\n"
"  MySQL       mysql://user[:password]@host[:port]/db  mariadb://...  ?unix_socket=/path\n"
"              ?ssl-mode=REQUIRED&ssl-ca=...  ?defaults-file=FILE\n"
"              (MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD, ~/.my.cnf)\n"
"  env:NAME    the URL is the value of environment variable NAME (any form above), e.g.\n"
"              ferry copy env:DATABASE_URL env:STAGING_URL\n"
"  Driver suffixes such as +asyncpg, +psycopg2, +aiosqlite, +pymysql are accepted.\n"
"  What a URL leaves out (postgresql:///app, mysql://) comes from the variables above.\n"
"  Passwords are never printed or stored.\n"
"\n"
"Exit codes: 0 ok, 2 usage, 3 source error, 4 target error, 5 finished with rejected rows,\n"
"            6 interrupted (rerun to resume), 7 job changed (use --restart),\n"
"            8 verify found a difference, 9 another ferry process runs this job, 1 other.\n";

static const char *COPY_HELP =
"Usage: ferry copy SOURCE TARGET [options]\n"
"       ferry copy SOURCE... TARGET --schema-per-source [options]\n"
"\n"
"Copy tables, keys, indexes, foreign keys, defaults, sequences and views from SOURCE into\n"
"TARGET. Rows move in chunks; each chunk commits together with its checkpoint in ferry's\n"
"state schema (_ferry) in the target, so running the same command again after any\n"
"interruption resumes where it stopped, with no row lost and none twice.\n"
"\n"
"Options:\n"
"  --tables GLOB[,GLOB...]   only these tables (shell patterns, case-insensitive)\n"
"  --exclude GLOB[,GLOB...]  not these tables\n"
"  --target-schema NAME      PostgreSQL schema to create the tables in (default public)\n"
"  --jobs N                  parallel writer connections (default 4)\n"
"  --chunk-rows N            rows per chunk, the unit of commit and resume (default 50000)\n"
"  --if-exists POLICY        when a target table exists: fail (default), drop, truncate, append\n"
"  --schema-only             create the schema, copy no rows\n"
"  --data-only               copy rows into existing tables; create nothing\n"
"  --restart                 forget an earlier run of this job and start over\n"
"                            (drops the tables that run had created)\n"
"  --map FILE                extra type rules (see mappings/README.md), by type or table.column\n"
"  --widen                   scan first; widen columns whose values do not fit their type\n"
"  --lower-case              fold table, column and index names to lower case\n"
"  --progress FILE|-         NDJSON progress events to FILE (appended) or stdout\n"
"  --report FILE             final JSON report\n"
"  --rejects FILE            rejected rows as NDJSON (default ferry-rejects.ndjson, written only\n"
"                            when rows were rejected)\n"
"  --max-errors N            stop after more than N rejected rows (default: no limit)\n"
"  --memory MB               memory for rows in flight (default 16)\n"
"  --copy-format FMT         PostgreSQL targets: COPY in binary (default) or text\n"
"  --zero-dates reject|null  MySQL zero dates (0000-00-00, 2024-00-10): reject the row\n"
"                            (default) or write NULL (counted in the report)\n"
"  --retries N               reconnect and redo the chunk up to N times after a lost\n"
"                            connection, with backoff (default 5)\n"
"  --verify                  after the copy, compare source and target (see ferry verify)\n"
"  --lock-timeout SECONDS    how long a source read waits for a table another session has\n"
"                            locked (ALTER, DROP, LOCK TABLE) before failing (default 60;\n"
"                            0 = wait for ever)\n"
"  --rename-table OLD=NEW    create source table OLD as NEW (its keys, indexes, foreign\n"
"                            keys and the views reading it follow; repeatable)\n"
"  --rename-column T.OLD=NEW create column OLD of source table T as NEW (repeatable)\n"
"  --schema-per-source       several SOURCEs, or a quoted glob ('data/project_*.db'), into one\n"
"                            PostgreSQL TARGET, each into its own schema, in parallel (the\n"
"                            --jobs writers are shared); one report; rerun to resume them all\n"
"  --schema-name TEMPLATE    each source's schema (default {stem}: the file name without its\n"
"                            extension, or the source database's name)\n"
"  --schema-for SOURCE=NAME  the schema of one source (as typed), instead of the template\n"
"  --quiet                   print nothing but errors\n"
"\n"
"Values that do not fit their column's type (text in an integer column, invalid UTF-8,\n"
"NUL bytes, out-of-range dates) are never changed silently: the row goes to the rejects\n"
"file with the reason, the rest of its chunk commits, and ferry exits with code 5.\n";

static const char *PLAN_HELP =
"Usage: ferry plan SOURCE TARGET [options]\n"
"\n"
"Print what `ferry copy` would do: the PostgreSQL DDL (tables, keys, indexes, foreign keys,\n"
"checks, sequences, views), every column's type decision (source type -> logical type ->\n"
"target type, and the rule that decided it), lossy mappings, what will be skipped and why,\n"
"and the chunk count. Reads the source; does not connect to the target.\n"
"\n"
"Options: --json, and the copy options that change the plan: --tables --exclude\n"
"--target-schema --chunk-rows --map --widen --lower-case --rename-table --rename-column\n";

static const char *VERIFY_HELP =
"Usage: ferry verify SOURCE TARGET [options]\n"
"       ferry verify DIR [--quick] [--json] [--quiet]\n"
"\n"
"With one argument, a dump directory is checked alone: every chunk file decoded and its rows,\n"
"sizes and checksums compared with the manifest (--quick: file checksums only), the chunks\n"
"covering every table; a damaged, missing or unrecorded file is named. Exit 0 whole, 8 damaged\n"
"or incomplete, 3 no readable manifest. See docs/dumps.md.\n"
"\n"
"Compare SOURCE with the TARGET a `ferry copy` made of it; nothing is written. Per table: the\n"
"row count and an order-independent checksum (XXH3) of every row's logical values; per chunk\n"
"where the table has an integer key, so that a difference is located: the chunk's key range\n"
"and the keys of the rows that changed, are missing, or are only in the target. Values are\n"
"compared as the copy's logical types (a SQLite 0/1, a PostgreSQL boolean and a MySQL\n"
"tinyint(1) are one bool), so it works across engines; columns the plan declares lossy are\n"
"compared up to the declared loss, and say so. Both sides are read in one snapshot each.\n"
"Give it the options the copy had: they decide table names and types. See docs/verify.md.\n"
"\n"
"Options:\n"
"  --tables GLOB[,GLOB...]   only these tables\n"
"  --exclude GLOB[,GLOB...]  not these tables\n"
"  --target-schema NAME      PostgreSQL schema holding the target tables (default public)\n"
"  --map FILE, --widen, --lower-case, --zero-dates null, --rename-table, --rename-column\n"
"                            as given to the copy\n"
"  --chunk-rows N            rows per compared chunk (default 50000)\n"
"  --json                    the result as one JSON document on stdout\n"
"  --quiet                   print nothing but errors: the exit code tells\n"
"\n"
"Exit codes: 0 equal, 8 different (a table or row missing, extra, or changed), 2 usage,\n"
"            3 source error, 4 target error, 6 interrupted.\n";

static const char *PING_HELP =
"Usage: ferry ping URL [--json] [--quiet]\n"
"\n"
"Connect to URL as a copy would (any engine; env:NAME, PG* and MYSQL_* variables work the\n"
"same) and print: engine and server version, database, user, host and port (or unix socket,\n"
"or the SQLite file and its size), whether TLS is in use (protocol, cipher), the connect time,\n"
"the round-trip latency (median of 5 x SELECT 1), and the server settings that matter for a\n"
"copy (PostgreSQL max_connections, wal_level, server_encoding, ...; MySQL/MariaDB\n"
"max_allowed_packet, local_infile, sql_mode, innodb_flush_log_at_trx_commit, ...; SQLite\n"
"journal_mode, page_size, ...). Writes nothing; a SQLite file is opened read-only. The\n"
"password is never printed. See docs/ping.md.\n"
"\n"
"Options:\n"
"  --json     one JSON object on stdout (also on failure: \"ok\": false and the error)\n"
"  --quiet    print nothing but errors: the exit code tells\n"
"\n"
"Exit codes: 0 connected, 2 usage (bad arguments, a URL ferry does not understand,\n"
"            env:NAME not set or empty), 3 cannot connect (unreachable, refused, wrong\n"
"            password, TLS required but refused, no such database or file), 1 other.\n";

static const char *DUMP_HELP =
"Usage: ferry dump SOURCE DIR [options]\n"
"\n"
"Dump SOURCE (SQLite, PostgreSQL, MySQL/MariaDB) into the directory DIR: a manifest.json with\n"
"the whole logical schema and one zstd-compressed, checksummed file per chunk of rows, read\n"
"from one consistent snapshot by parallel readers and written by parallel writers. The same\n"
"as ferry copy SOURCE dump:DIR (every copy option applies). Rerun to resume an interrupted\n"
"dump. DIR may end in a strftime pattern for scheduled dumps: /backups/app/%Y%m%d-%H%M%S;\n"
"then an interrupted dump of the series is finished first, \"latest\" beside it points to the\n"
"newest complete dump, and --keep N removes older complete dumps of the same source.\n"
"See docs/dumps.md (cron and systemd examples) and docs/dump-format.md.\n"
"\n"
"Options (besides ferry copy's --tables, --exclude, --jobs, --chunk-rows, --report, ...):\n"
"  --level N                 zstd level 1..19 (default 1; 3..19 smaller, slower); -7..-1 are\n"
"                            zstd's fast levels (less CPU, larger files; write --level=-1)\n"
"  --compress-threads N      zstd worker threads per writer (default 0: the writer itself)\n"
"  --keep N                  keep the N newest complete dumps of the series (and the\n"
"                            older dumps their increments need)\n"
"  --incremental             only rows newer than the previous complete dump of the series:\n"
"                            by --updated-at column, else by integer key (new rows only)\n"
"  --updated-at [TABLE.]COL  the column that says a row changed (repeatable, or a,b)\n"
"  --restart                 throw away an interrupted dump in DIR and start over\n"
"\n"
"Exit codes: as ferry copy (0 ok, 3 source error, 4 cannot write DIR, 6 interrupted: rerun).\n";

static const char *RESTORE_HELP =
"Usage: ferry restore DIR TARGET [options]\n"
"\n"
"Restore a complete dump into TARGET (any engine): the same as ferry copy dump:DIR TARGET,\n"
"with the same type planning, chunk-and-checkpoint contract (rerun to resume) and report.\n"
"An incomplete or damaged dump is refused before anything is written (ferry verify DIR).\n"
"An increment (ferry dump --incremental) is restored with the dumps it builds on: the base\n"
"first, then each increment in order, its rows replacing rows of the same primary key.\n";

static const char *STATUS_HELP =
"Usage: ferry status TARGET [--json]\n"
"\n"
"List the ferry jobs recorded in TARGET's state (_ferry): source (password masked), target,\n"
"when started, chunks done/total, rows, rejected rows, last activity, and the status:\n"
"running (its lock is held now; by which pid on which host), unfinished (rerun to resume:\n"
"the command is shown), done, done_with_rejects. Reads only. See docs/status.md.\n";

typedef struct command {
    const char *name;
    const char *const *help;
    int nargs;                         /* positional arguments: SOURCE TARGET = 2 */
    const char *args;                  /* their names, for the usage error */
    int (*run)(const ferry_options *o);
} command;

static const command COMMANDS[] = {
    {"copy", &COPY_HELP, 2, "SOURCE TARGET", copy_command},
    {"plan", &PLAN_HELP, 2, "SOURCE TARGET", plan_command},
    {"verify", &VERIFY_HELP, 2, "SOURCE TARGET", verify_command},
    {"status", &STATUS_HELP, 1, "TARGET", status_command},
    {"ping", &PING_HELP, 1, "URL", ping_command},
    {"dump", &DUMP_HELP, 2, "SOURCE DIR", dump_command},
    {"restore", &RESTORE_HELP, 2, "DIR TARGET", restore_command},
    {"run", &JOBFILE_HELP, 1, "JOBFILE", NULL},   /* main() hands it to run_job_file */
};

static const command *command_named(const char *name)
{
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (!strcmp(name, COMMANDS[i].name)) return &COMMANDS[i];
    return NULL;
}

static const char *command_help(const char *name)
{
    const command *c = command_named(name);
    return c ? *c->help : NULL;
}


static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "ferry: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'ferry help %s'.\n", cmd);
    return EXIT_USAGE;
}

/* split_globs — "a,b" into the list (appends; the strings are owned by the
 * options for the life of the process). */
static void split_globs(const char *arg, char ***list, int *n)
{
    char *copy = xstrdup(arg), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        if (!*tok) continue;
        *list = xrealloc(*list, sizeof(char *) * (size_t)(*n + 1));
        (*list)[(*n)++] = xstrdup(tok);
    }
    free(copy);
}

static int parse_count(const char *arg, long long min, long long *out)
{
    char *end;
    long long v = strtoll(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < min) return -1;
    *out = v;
    return 0;
}

/* What the signal handler writes: built before any signal can come (the
 * handler only calls write and _exit, which are async-signal-safe). */
static char *first_signal_msg, *second_signal_msg;
static size_t first_signal_len, second_signal_len;
static volatile sig_atomic_t signal_quiet;   /* --quiet: no notice on the first signal */

static void signal_messages(int copy)
{
    if (copy) {
        first_signal_msg = xasprintf("\nferry: stopping: no new chunk is started, chunks in "
                                     "flight roll back, committed ones stay (interrupt again to "
                                     "quit at once)\n");
        second_signal_msg = xasprintf("\nferry: second interrupt: exiting now; committed chunks "
                                      "are kept; to resume, run: %s\n", ferry_command());
    } else {
        first_signal_msg = xasprintf("\nferry: stopping (interrupt again to quit at once)\n");
        second_signal_msg = xasprintf("\nferry: second interrupt: exiting now\n");
    }
    first_signal_len = strlen(first_signal_msg);
    second_signal_len = strlen(second_signal_msg);
}

static void on_signal(int sig)
{
    ssize_t w;
    (void)sig;
    if (ferry_stop_requested) {
        w = write(STDERR_FILENO, second_signal_msg, second_signal_len);
        (void)w;
        _exit(EXIT_INTERRUPTED);
    }
    ferry_stop_requested = 1;
    if (!signal_quiet) {
        w = write(STDERR_FILENO, first_signal_msg, first_signal_len);
        (void)w;
    }
}

static void free_options(ferry_options *o)
{
    for (int i = 0; i < o->ntables; i++) free(o->tables[i]);
    for (int i = 0; i < o->nexclude; i++) free(o->exclude[i]);
    for (int i = 0; i < o->nupdated_at; i++) free(o->updated_at[i]);
    free(o->updated_at);
    free(o->tables);
    free(o->exclude);
    renames_free(o->renames, o->nrenames);
    free(o->sources);
    free(o->schema_for);
}

enum {
    OPT_TABLES = 1000, OPT_EXCLUDE, OPT_SCHEMA, OPT_JOBS, OPT_CHUNK, OPT_IF_EXISTS,
    OPT_SCHEMA_ONLY, OPT_DATA_ONLY, OPT_RESTART, OPT_MAP, OPT_WIDEN, OPT_LOWER, OPT_PROGRESS,
    OPT_REPORT, OPT_REJECTS, OPT_MAX_ERRORS, OPT_QUIET, OPT_JSON, OPT_HELP, OPT_MEMORY,
    OPT_COPY_FORMAT, OPT_ZERO_DATES, OPT_VERIFY, OPT_RETRIES, OPT_LOCK_TIMEOUT,
    OPT_RENAME_TABLE, OPT_RENAME_COLUMN, OPT_SCHEMA_PER_SOURCE, OPT_SCHEMA_NAME, OPT_SCHEMA_FOR,
    OPT_LEVEL, OPT_COMPRESS_THREADS, OPT_KEEP, OPT_QUICK, OPT_INCREMENTAL, OPT_UPDATED_AT
};

/* run_command — parse argv (argv[0] is the command) and run cmd. npos: how
 * many positional arguments to expect, or -1 for the command's own count
 * (`ferry run` knows how many the job file gave). */
static int run_command(const command *cmd, int argc, char **argv, int npos)
{
    static const struct option longopts[] = {
        {"tables", required_argument, NULL, OPT_TABLES},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"target-schema", required_argument, NULL, OPT_SCHEMA},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"chunk-rows", required_argument, NULL, OPT_CHUNK},
        {"if-exists", required_argument, NULL, OPT_IF_EXISTS},
        {"schema-only", no_argument, NULL, OPT_SCHEMA_ONLY},
        {"data-only", no_argument, NULL, OPT_DATA_ONLY},
        {"restart", no_argument, NULL, OPT_RESTART},
        {"map", required_argument, NULL, OPT_MAP},
        {"widen", no_argument, NULL, OPT_WIDEN},
        {"lower-case", no_argument, NULL, OPT_LOWER},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"report", required_argument, NULL, OPT_REPORT},
        {"rejects", required_argument, NULL, OPT_REJECTS},
        {"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"copy-format", required_argument, NULL, OPT_COPY_FORMAT},
        {"zero-dates", required_argument, NULL, OPT_ZERO_DATES},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
        {"rename-table", required_argument, NULL, OPT_RENAME_TABLE},
        {"rename-column", required_argument, NULL, OPT_RENAME_COLUMN},
        {"schema-per-source", no_argument, NULL, OPT_SCHEMA_PER_SOURCE},
        {"schema-name", required_argument, NULL, OPT_SCHEMA_NAME},
        {"schema-for", required_argument, NULL, OPT_SCHEMA_FOR},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"compress-threads", required_argument, NULL, OPT_COMPRESS_THREADS},
        {"keep", required_argument, NULL, OPT_KEEP},
        {"quick", no_argument, NULL, OPT_QUICK},
        {"incremental", no_argument, NULL, OPT_INCREMENTAL},
        {"updated-at", required_argument, NULL, OPT_UPDATED_AT},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    ferry_options o = {0};
    long long v;
    int c, rc;
    o.target_schema = "public";
    o.jobs = 4;
    o.chunk_rows = 50000;
    o.max_errors = -1;
    o.retries = 5;
    o.dump_workers = -1;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TABLES: split_globs(optarg, &o.tables, &o.ntables); break;
        case OPT_EXCLUDE: split_globs(optarg, &o.exclude, &o.nexclude); break;
        case OPT_SCHEMA:
            if (!*optarg) { free_options(&o); return usage_error(cmd->name, "--target-schema needs a name%s", ""); }
            o.target_schema = optarg;
            break;
        case OPT_JOBS:
            if (parse_count(optarg, 1, &v) || v > 64) { free_options(&o); return usage_error(cmd->name, "--jobs wants a number from 1 to 64, not \"%s\"", optarg); }
            o.jobs = (int)v;
            break;
        case OPT_CHUNK:
            if (parse_count(optarg, 1, &v)) { free_options(&o); return usage_error(cmd->name, "--chunk-rows wants a positive number, not \"%s\"", optarg); }
            o.chunk_rows = v;
            break;
        case OPT_MEMORY:
            if (parse_count(optarg, 1, &v) || v > 65536) { free_options(&o); return usage_error(cmd->name, "--memory wants megabytes (1..65536), not \"%s\"", optarg); }
            o.memory_budget = (size_t)v * 1024 * 1024;
            break;
        case OPT_IF_EXISTS:
            if (!strcmp(optarg, "fail")) o.if_exists = IF_EXISTS_FAIL;
            else if (!strcmp(optarg, "drop")) o.if_exists = IF_EXISTS_DROP;
            else if (!strcmp(optarg, "truncate")) o.if_exists = IF_EXISTS_TRUNCATE;
            else if (!strcmp(optarg, "append")) o.if_exists = IF_EXISTS_APPEND;
            else { free_options(&o); return usage_error(cmd->name, "--if-exists must be one of fail, drop, truncate, append (not \"%s\")", optarg); }
            break;
        case OPT_COPY_FORMAT:
            if (strcmp(optarg, "binary") && strcmp(optarg, "text")) { free_options(&o); return usage_error(cmd->name, "--copy-format must be binary or text (not \"%s\")", optarg); }
            o.copy_format = optarg;
            break;
        case OPT_ZERO_DATES:
            if (!strcmp(optarg, "null")) o.zero_dates_null = 1;
            else if (!strcmp(optarg, "reject")) o.zero_dates_null = 0;
            else { free_options(&o); return usage_error(cmd->name, "--zero-dates must be reject or null (not \"%s\")", optarg); }
            break;
        case OPT_VERIFY: o.verify = 1; break;
        case OPT_RETRIES:
            if (parse_count(optarg, 0, &v) || v > 100) { free_options(&o); return usage_error(cmd->name, "--retries wants a number from 0 to 100, not \"%s\"", optarg); }
            o.retries = (int)v;
            break;
        case OPT_LOCK_TIMEOUT:
            if (parse_count(optarg, 0, &v) || v > 86400) { free_options(&o); return usage_error(cmd->name, "--lock-timeout wants seconds from 0 (wait for ever) to 86400, not \"%s\"", optarg); }
            ferry_source_lock_timeout_s = (int)v;
            break;
        case OPT_SCHEMA_ONLY: o.schema_only = 1; break;
        case OPT_DATA_ONLY: o.data_only = 1; break;
        case OPT_RESTART: o.restart = 1; break;
        case OPT_MAP: o.map_file = optarg; break;
        case OPT_WIDEN: o.widen = 1; break;
        case OPT_LOWER: o.lower_case = 1; break;
        case OPT_PROGRESS: o.progress_path = optarg; break;
        case OPT_REPORT: o.report_path = optarg; break;
        case OPT_REJECTS: o.rejects_path = optarg; break;
        case OPT_MAX_ERRORS:
            if (parse_count(optarg, 0, &v)) { free_options(&o); return usage_error(cmd->name, "--max-errors wants a number >= 0, not \"%s\"", optarg); }
            o.max_errors = v;
            break;
        case OPT_RENAME_TABLE:
        case OPT_RENAME_COLUMN: {
            char why[200];
            if (renames_add(&o.renames, &o.nrenames, optarg, c == OPT_RENAME_COLUMN, why, sizeof why)) {
                free_options(&o);
                return usage_error(cmd->name, "%s", why);
            }
            break;
        }
        case OPT_SCHEMA_PER_SOURCE: o.schema_per_source = 1; break;
        case OPT_SCHEMA_NAME: o.schema_name = optarg; break;
        case OPT_SCHEMA_FOR:
            if (!strchr(optarg, '=')) { free_options(&o); return usage_error(cmd->name, "--schema-for wants SOURCE=SCHEMA, not \"%s\"", optarg); }
            o.schema_for = xrealloc(o.schema_for, sizeof(char *) * (size_t)(o.nschema_for + 1));
            o.schema_for[o.nschema_for++] = optarg;
            break;
        case OPT_LEVEL:
            if (parse_count(optarg, -7, &v) || v > 19 || v == 0) { free_options(&o); return usage_error(cmd->name, "--level wants a zstd level from 1 to 19 (or -7 to -1: zstd's faster, larger levels), not \"%s\"", optarg); }
            o.dump_level = (int)v;
            break;
        case OPT_COMPRESS_THREADS:
            if (parse_count(optarg, 0, &v) || v > 64) { free_options(&o); return usage_error(cmd->name, "--compress-threads wants a number from 0 to 64, not \"%s\"", optarg); }
            o.dump_workers = (int)v;
            break;
        case OPT_KEEP:
            if (parse_count(optarg, 1, &v) || v > 100000) { free_options(&o); return usage_error(cmd->name, "--keep wants a number of dumps >= 1, not \"%s\"", optarg); }
            o.keep = (int)v;
            break;
        case OPT_QUICK: o.quick = 1; break;
        case OPT_INCREMENTAL: o.incremental = 1; break;
        case OPT_UPDATED_AT: split_globs(optarg, &o.updated_at, &o.nupdated_at); break;
        case OPT_QUIET: o.quiet = 1; break;
        case OPT_JSON: o.json = 1; break;
        case OPT_HELP: fputs(command_help(cmd->name), stdout); free_options(&o); return EXIT_OK;
        default: {
            const char *bad = argv[optind - 1];
            free_options(&o);
            if (optopt) {
                char opt[3] = {'-', (char)optopt, 0};
                return usage_error(cmd->name, "unknown or incomplete option \"%s\"", opt);
            }
            return usage_error(cmd->name, "unknown or incomplete option \"%s\"", bad);
        }
        }
    }
    /* copy takes several sources (SOURCE... TARGET) for --schema-per-source */
    int several = cmd->run == copy_command && npos < 0 && argc - optind > 2;
    if (npos >= 0 && argc - optind != npos) {
        const char *extra = argc - optind > npos ? argv[optind + npos] : "";
        free_options(&o);
        return usage_error(cmd->name, "only options may follow the job file, not \"%s\"", extra);
    }
    /* ferry verify DIR: a dump checked alone */
    if (npos < 0 && cmd->run == verify_command && argc - optind == 1) {
        o.source_text = argv[optind];
        signal_quiet = o.quiet;
        rc = dump_verify_command(&o);
        free_options(&o);
        return rc;
    }
    if (npos < 0 && argc - optind != cmd->nargs && !several) {
        free_options(&o);
        return usage_error(cmd->name, cmd->nargs == 1 ? "needs exactly one argument: %s"
                                                      : "needs exactly two arguments: %s",
                           cmd->args);
    }
    if (o.schema_only && o.data_only) {
        free_options(&o);
        return usage_error(cmd->name, "--schema-only and --data-only exclude each other%s", "");
    }
    if (cmd->nargs == 2) {
        o.source_text = argv[optind];
        o.target_text = argv[argc - 1];
        o.nsources = argc - optind - 1;
        o.sources = xcalloc((size_t)o.nsources, sizeof(char *));
        for (int i = 0; i < o.nsources; i++) o.sources[i] = argv[optind + i];
    } else {
        o.target_text = argv[optind];
    }
    signal_quiet = o.quiet;
    if (cmd->run == copy_command && (o.schema_per_source || o.nsources > 1))
        rc = multi_copy_command(&o);
    else if (o.schema_per_source || o.schema_name || o.nschema_for)
        rc = usage_error(cmd->name, "--schema-per-source, --schema-name and --schema-for only "
                         "apply to ferry copy SOURCE... TARGET --schema-per-source%s", "");
    else
        rc = cmd->run(&o);
    if (rc == EXIT_INTERRUPTED && (cmd->run == copy_command || cmd->run == dump_command ||
                                   cmd->run == restore_command))
        fprintf(stderr, "ferry: to resume, run: %s\n", ferry_command());
    free_options(&o);
    return rc;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    ferry_command_set(argc, argv);
    signal_messages(argc > 1 && (strcmp(argv[1], "copy") == 0 || strcmp(argv[1], "run") == 0 ||
                                 strcmp(argv[1], "dump") == 0 || strcmp(argv[1], "restore") == 0));
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(MAIN_HELP, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("ferry %s\n", FERRY_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "types")) {
        if (argc != 3) {
            fprintf(stderr, "ferry: usage: ferry types sqlite|postgresql|mysql\n");
            return EXIT_USAGE;
        }
        const type_map *m = type_map_builtin(argv[2]);
        if (!m) {
            fprintf(stderr, "ferry: no type table \"%s\"; choose sqlite, postgresql or mysql\n", argv[2]);
            return EXIT_USAGE;
        }
        strbuf sb = STRBUF_INIT;
        type_map_print(m, &sb);
        fwrite(sb.buf, 1, sb.len, stdout);
        strbuf_free(&sb);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "run")) {
        jobfile_args ja;
        int rc = jobfile_load(argc - 2, argv + 2, &ja);
        if (rc != EXIT_OK || ja.argc == 0) return rc;      /* errors printed, or --help */
        rc = run_command(command_named("copy"), ja.argc, ja.argv, ja.npositional);
        jobfile_args_free(&ja);
        return rc;
    }
    if (!strcmp(argv[1], "help")) {
        if (argc < 3) { fputs(MAIN_HELP, stdout); return EXIT_OK; }
        const char *h = command_help(argv[2]);
        if (!h) { fprintf(stderr, "ferry: no command \"%s\"; commands: copy, run, plan, verify, status, ping\n", argv[2]); return EXIT_USAGE; }
        fputs(h, stdout);
        return EXIT_OK;
    }
    const command *cmd = command_named(argv[1]);
    if (cmd) return run_command(cmd, argc - 1, argv + 1, -1);
    fprintf(stderr, "ferry: unknown command \"%s\"; commands: copy, run, plan, verify, status, ping, "
            "types (ferry --help)\n", argv[1]);
    return EXIT_USAGE;
}
