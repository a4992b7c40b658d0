/* numfmt.h — exact number <-> text conversions for the per-value hot path
 * (the converter and the target encoders): integers and doubles written as
 * printf writes them, and canonical double text read back as strtod reads
 * it, without going through the printf/strtod machinery in the common
 * cases. Every function gives the same bytes (or the same bits) as the libc
 * call it replaces, for every input; see numfmt.c for how. */
#ifndef FERRY_NUMFMT_H
#define FERRY_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

#define NUMFMT_INT_MAX   21      /* bytes numfmt_i64 may write, NUL included */
#define NUMFMT_DBL_MAX   32      /* bytes numfmt_double may write, NUL included */

/* numfmt_u64 / numfmt_i64 — v in decimal ("%llu" / "%lld") into buf (at
 * least NUMFMT_INT_MAX bytes), NUL-terminated; returns the length. */
size_t numfmt_u64(char *buf, uint64_t v);
size_t numfmt_i64(char *buf, int64_t v);

/* numfmt_double — the first of "%.15g", "%.16g", "%.17g" (subnormals: from
 * "%.1g" on) of a finite d that strtod() reads back to d, into buf (at
 * least NUMFMT_DBL_MAX bytes), NUL-terminated; returns the length. The
 * canonical float64 text of convert.h. d must be finite. */
size_t numfmt_double(char *buf, double d);

/* numfmt_parse_double — p[0..n) as strtod() reads it in the "C" locale,
 * for text of the form numfmt_double writes (an optional '-', digits, an
 * optional fraction, an optional exponent): 0 with *out set, or -1 when
 * the text is not of that form or not finite. Exact: the same bits as
 * strtod. */
int numfmt_parse_double(const char *p, size_t n, double *out);

#endif
