/* ping.h — `ferry ping URL [--json]`: can ferry reach this database, what is
 * it, and how is it set up for a copy. */
#ifndef FERRY_PING_H
#define FERRY_PING_H

#include "options.h"

/* ping_command — the CLI entry (o->target_text is the URL; o->json,
 * o->quiet); returns the exit code and has printed its errors: 0 connected,
 * 2 usage, 3 cannot connect (unreachable, refused, authentication, TLS,
 * no such database or file, no answer to a query), 1 anything else. */
int ping_command(const ferry_options *o);

#endif
