/* postgresql.h — PostgreSQL-specific helpers the engine may use beside the
 * generic driver interface (drivers/driver.h), mostly to isolate the rows a
 * failed COPY refused.
 *
 * How a COPY error reads: copy_end (or copy_batch, when the server gave up
 * early) fails with FERRY_E_SQL, e->sqlstate set, and a message of the form
 *   <server message>[: <detail>] (context: COPY t, line 17, column x: "abc")
 * Line N is the N-th row sent since copy_begin, counting from 1 across all
 * copy_batch calls, in both COPY formats (text: every row is exactly one
 * line, the driver escapes newlines; binary: the server counts rows). In
 * binary format the context does not quote the value (": "abc"" is
 * missing). The transaction is aborted afterwards; the engine rolls back.
 *
 * A value the binary encoder cannot read (not the canonical form of its
 * logical type: a bug before the driver) fails copy_batch with
 * FERRY_E_INTERNAL, naming table, row and column, and abandons the COPY. */
#ifndef FERRY_POSTGRESQL_H
#define FERRY_POSTGRESQL_H

#include "../engine/err.h"

/* pg_copy_error_line — the 1-based line (= row since copy_begin) of the row
 * a failed COPY stopped at, parsed from the "context: COPY t, line N" part of
 * e->msg; -1 when there is none (the error is not about one row, e.g. a lost
 * connection or a failed commit). Survives ferry_err_prefix. */
int pg_copy_error_line(const ferry_err *e);

/* pg_error_is_row_level — 1 when e's SQLSTATE says one row's values were
 * refused (class 22 data exception, class 23 integrity constraint violation),
 * so splitting the batch to find and reject the row is worthwhile; 0 for
 * everything else (connection, permission, disk full, syntax ...). */
int pg_error_is_row_level(const ferry_err *e);

/* pg_sqlstate_is_lost — 1 when a server's SQLSTATE means the session is
 * gone or going: class 08 (connection exception), 57P01 (terminated by an
 * administrator: pg_terminate_backend, fast shutdown), 57P02 (crash
 * shutdown), 57P03 (cannot connect now). Errors with these are
 * FERRY_E_LOST, as is any failure after which the connection is
 * CONNECTION_BAD: the engine reconnects and redoes the work (--retries). */
int pg_sqlstate_is_lost(const char *state);

#endif
