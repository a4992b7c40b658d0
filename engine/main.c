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
#include "status.h"
#include "verify.h"
#include "err.h"
#include "run.h"
#include "util.h"
#include "types.h"
#include "retry.h"
#include "../drivers/driver.h"

#ifndef FERRY_VERSION
#define FERRY_VERSION "0.1.0"
#endif

static const char *MAIN_HELP =
"ferry " FERRY_VERSION " — move a database, schema and data, between engines.\n"
"\n"
"Usage:\n"
"  ferry copy SOURCE TARGET [options]   copy schema and data (rerun to resume)\n"
"  ferry plan SOURCE TARGET [options]   print the target DDL and type decisions; touch nothing\n"
"  ferry verify SOURCE TARGET [options] compare row counts and checksums, per table and chunk\n"
"  ferry status TARGET [--json]         list the ferry jobs recorded in TARGET\n"
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
"              ?ssl-mode=REQUIRED&ssl-ca=...   (MYSQL_PWD, ~/.my.cnf, ?defaults-file=)\n"
"  Driver suffixes such as +asyncpg, +psycopg2, +aiosqlite, +pymysql are accepted.\n"
"  Passwords are never printed or stored.\n"
"\n"
"Exit codes: 0 ok, 2 usage, 3 source error, 4 target error, 5 finished with rejected rows,\n"
"            6 interrupted (rerun to resume), 7 job changed (use --restart),\n"
"            8 verify found a difference, 9 another ferry process runs this job, 1 other.\n";

static const char *COPY_HELP =
"Usage: ferry copy SOURCE TARGET [options]\n"
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
"--target-schema --chunk-rows --map --widen --lower-case\n";

static const char *VERIFY_HELP =
"Usage: ferry verify SOURCE TARGET [options]\n"
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
"  --map FILE, --widen, --lower-case, --zero-dates null\n"
"                            as given to the copy\n"
"  --chunk-rows N            rows per compared chunk (default 50000)\n"
"  --json                    the result as one JSON document on stdout\n"
"  --quiet                   print nothing but errors: the exit code tells\n"
"\n"
"Exit codes: 0 equal, 8 different (a table or row missing, extra, or changed), 2 usage,\n"
"            3 source error, 4 target error, 6 interrupted.\n";

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
    free(o->tables);
    free(o->exclude);
}

enum {
    OPT_TABLES = 1000, OPT_EXCLUDE, OPT_SCHEMA, OPT_JOBS, OPT_CHUNK, OPT_IF_EXISTS,
    OPT_SCHEMA_ONLY, OPT_DATA_ONLY, OPT_RESTART, OPT_MAP, OPT_WIDEN, OPT_LOWER, OPT_PROGRESS,
    OPT_REPORT, OPT_REJECTS, OPT_MAX_ERRORS, OPT_QUIET, OPT_JSON, OPT_HELP, OPT_MEMORY,
    OPT_COPY_FORMAT, OPT_ZERO_DATES, OPT_VERIFY, OPT_RETRIES, OPT_LOCK_TIMEOUT
};

static int run_command(const command *cmd, int argc, char **argv)
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
    if (argc - optind != cmd->nargs) {
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
        o.target_text = argv[optind + 1];
    } else {
        o.target_text = argv[optind];
    }
    signal_quiet = o.quiet;
    rc = cmd->run(&o);
    if (rc == EXIT_INTERRUPTED && cmd->run == copy_command)
        fprintf(stderr, "ferry: to resume, run: %s\n", ferry_command());
    free_options(&o);
    return rc;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    ferry_command_set(argc, argv);
    signal_messages(argc > 1 && strcmp(argv[1], "copy") == 0);
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
    if (!strcmp(argv[1], "help")) {
        if (argc < 3) { fputs(MAIN_HELP, stdout); return EXIT_OK; }
        const char *h = command_help(argv[2]);
        if (!h) { fprintf(stderr, "ferry: no command \"%s\"; commands: copy, plan, verify, status\n", argv[2]); return EXIT_USAGE; }
        fputs(h, stdout);
        return EXIT_OK;
    }
    const command *cmd = command_named(argv[1]);
    if (cmd) return run_command(cmd, argc - 1, argv + 1);
    fprintf(stderr, "ferry: unknown command \"%s\"; commands: copy, plan, verify, status, "
            "types (ferry --help)\n", argv[1]);
    return EXIT_USAGE;
}
