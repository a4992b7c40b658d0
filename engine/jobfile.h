/* jobfile.h — `ferry run JOBFILE [options]`: a JSON job file says what a
 * copy command line says (docs/job-files.md). The file is turned into that
 * command line — the argument vector of `ferry copy` — so that a job runs
 * exactly the CLI's path: the same checks, the same ferry_options, the same
 * job identity as the equivalent command. Options typed after the file are
 * appended after the file's own, so they override it (--tables/--exclude
 * given there replace the file's lists, --map its map file). */
#ifndef FERRY_JOBFILE_H
#define FERRY_JOBFILE_H

#include "err.h"

/* jobfile_args — the command line a job file stands for. Owned by the
 * struct (jobfile_args_free). */
typedef struct jobfile_args {
    int    argc;            /* 0 when nothing is to run (--help was printed) */
    char **argv;            /* "copy", SOURCE..., TARGET, options... */
    int    npositional;     /* how many SOURCEs and the TARGET: only options may follow */
    char  *types_rules;     /* the job's "types" as --map rules, or NULL */
    char  *map_file;        /* the map file in effect (the job's "map", or --map typed after it) */
} jobfile_args;

extern const char *const JOBFILE_HELP;

/* jobfile_build — the job file's text (path: for messages only; comments
 * // and block comments allowed) and the options typed after it, into ja
 * (no --map yet: see jobfile_load). Returns 0, or -1 with e set: a message
 * naming the file and the key, never a URL's value. */
int  jobfile_build(const char *path, const char *text, int argc, char **argv, jobfile_args *ja,
                   ferry_err *e);

/* jobfile_load — `ferry run`: argv[0] is the job file, then options. Reads
 * and builds it; the job's "types" (and the map file in effect) are written
 * to a private temporary map file, removed when the process exits, given as
 * --map. Returns EXIT_OK with ja filled (ja->argc 0 after --help), or an
 * exit code after printing the error. */
int  jobfile_load(int argc, char **argv, jobfile_args *ja);
void jobfile_args_free(jobfile_args *ja);

#endif
