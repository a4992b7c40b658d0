/* err.h — ferry's one error type. Errors are recorded once, where they
 * happen, into a ferry_err the caller passes down; callers just pass failure
 * up. The message names the object: table, chunk, key, column. */
#ifndef FERRY_ERR_H
#define FERRY_ERR_H

/* The error codes; the X-macro gives the enum, names and default text. */
#define FERRY_ERRORS(X)                                                        \
    X(OK,        "ok")                                                         \
    X(NOMEM,     "out of memory")                                              \
    X(USAGE,     "usage error")                                                \
    X(SOURCE,    "source error")                                               \
    X(TARGET,    "target error")                                               \
    X(CONNECT,   "cannot connect")                                             \
    X(LOST,      "connection lost")                                            \
    X(AUTH,      "authentication failed")                                      \
    X(SQL,       "statement failed")                                           \
    X(TYPE,      "value does not fit its type")                                \
    X(EXISTS,    "object already exists")                                      \
    X(IO,        "input/output error")                                         \
    X(JOB,       "job state mismatch")                                         \
    X(INTERRUPTED, "interrupted")                                              \
    X(INTERNAL,  "internal error")

typedef enum ferry_code {
#define X(name, text) FERRY_E_##name,
    FERRY_ERRORS(X)
#undef X
    FERRY_E__COUNT
} ferry_code;

/* Which side failed decides the exit code; drivers set it. */
typedef enum ferry_side { SIDE_NONE = 0, SIDE_SOURCE, SIDE_TARGET } ferry_side;

typedef struct ferry_err {
    int        code;        /* ferry_code */
    ferry_side side;
    char       sqlstate[6]; /* from the server when there is one, else "" */
    char       msg[1024];   /* one line: what failed, where, what to do next */
} ferry_err;

/* Process exit codes, documented in the README and `ferry --help`. */
enum {
    EXIT_OK          = 0,
    EXIT_FAILURE_    = 1,   /* internal or unclassified failure */
    EXIT_USAGE       = 2,   /* bad command line */
    EXIT_SOURCE      = 3,   /* cannot read the source */
    EXIT_TARGET      = 4,   /* cannot write the target */
    EXIT_REJECTS     = 5,   /* finished, but some rows were rejected */
    EXIT_INTERRUPTED = 6,   /* stopped by a signal; rerun to resume */
    EXIT_JOB         = 7,   /* job state mismatch: options/schema changed, use --restart */
    EXIT_DIFFERENT   = 8,   /* ferry verify (or copy --verify) found a difference */
    EXIT_BUSY        = 9    /* another ferry process is running the same job */
};

/* ferry_err_set — fill e (may be NULL) with code and formatted message.
 * Returns -1 so callers can write `return ferry_err_set(...)`. */
int ferry_err_set(ferry_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ferry_err_prefix — prepend context ("table \"x\" chunk 3: ") to e->msg. */
void ferry_err_prefix(ferry_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *ferry_code_name(int code);
/* ferry_exit_code — the process exit code for a failed run with error e. */
int ferry_exit_code(const ferry_err *e);

#endif
