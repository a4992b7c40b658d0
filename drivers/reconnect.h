/* reconnect.h — replacing a connection's lost session by a new one, in
 * place. The engine holds ferry_conn pointers in several places (the
 * writers' array, the step runner, the session's source), so a connection
 * that lost its server is not swapped for another object: its driver opens a
 * fresh session to the same endpoint and moves it into the same ferry_conn.
 *
 * After drv_reconnect the connection is what connect made it (session
 * settings pinned, no transaction, no COPY or bulk load open; a source has
 * no read transaction yet: begin_snapshot or snapshot_import it), plus what
 * set_option had set on it before (PostgreSQL copy_format, MySQL
 * copy_method, load_piece_kb, insert_rows), which is kept.
 *
 * On failure the connection keeps its dead session and may be reconnected
 * again later or closed; e is filled like connect fills it (FERRY_E_CONNECT
 * for a server that is not reachable yet, FERRY_E_AUTH, ...). SQLite has no
 * connection to lose: drv_reconnect refuses it (FERRY_E_INTERNAL). Like
 * every call on a connection, one thread at a time. */
#ifndef FERRY_RECONNECT_H
#define FERRY_RECONNECT_H

#include "driver.h"

int drv_reconnect(ferry_conn *c, const ferry_url *u, ferry_err *e);

/* The drivers' implementations (postgresql.c, mysql.c). */
int pg_reconnect(ferry_conn *c, const ferry_url *u, ferry_err *e);
int my_reconnect(ferry_conn *c, const ferry_url *u, ferry_err *e);

#endif
