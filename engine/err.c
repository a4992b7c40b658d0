/* err.c — filling ferry_err, naming error codes, and turning an error into
 * the process exit code. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* ferry_err_set — record code and message in e (NULL is allowed and means
 * "the caller does not want details"). Leaves e->side and e->sqlstate alone:
 * drivers set those around this call. Always returns -1. */
int ferry_err_set(ferry_err *e, int code, const char *fmt, ...)
{
    va_list ap;
    if (!e) return -1;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* ferry_err_prefix — put formatted context in front of e->msg; the result
 * is truncated to fit, the context wins over the tail of the old message. */
void ferry_err_prefix(ferry_err *e, const char *fmt, ...)
{
    char out[sizeof e->msg];
    size_t plen, olen;
    va_list ap;
    int n;

    if (!e) return;
    va_start(ap, fmt);
    n = vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    plen = strlen(out);
    olen = strnlen(e->msg, sizeof e->msg - 1);
    if (olen > sizeof out - 1 - plen) olen = sizeof out - 1 - plen;
    memcpy(out + plen, e->msg, olen);
    out[plen + olen] = '\0';
    memcpy(e->msg, out, plen + olen + 1);
}

/* ferry_code_name — the code's name as in the FERRY_ERRORS list ("USAGE",
 * "SQL", ...); a static string. */
const char *ferry_code_name(int code)
{
    static const char *const names[] = {
#define X(name, text) #name,
        FERRY_ERRORS(X)
#undef X
    };
    if (code < 0 || code >= FERRY_E__COUNT) return "UNKNOWN";
    return names[code];
}

/* ferry_exit_code — usage, interruption and job mismatch have their own
 * codes; anything else is blamed on the side that failed. Never 0: this is
 * only asked about failed runs, even when e was left at FERRY_E_OK. */
int ferry_exit_code(const ferry_err *e)
{
    if (!e) return EXIT_FAILURE_;
    switch (e->code) {
    case FERRY_E_USAGE:       return EXIT_USAGE;
    case FERRY_E_INTERRUPTED: return EXIT_INTERRUPTED;
    case FERRY_E_JOB:         return EXIT_JOB;
    default:                  break;
    }
    switch (e->side) {
    case SIDE_SOURCE: return EXIT_SOURCE;
    case SIDE_TARGET: return EXIT_TARGET;
    default:          return EXIT_FAILURE_;
    }
}
