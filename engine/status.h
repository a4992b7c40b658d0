/* status.h — `ferry status TARGET`: the jobs recorded in a target's state. */
#ifndef FERRY_STATUS_H
#define FERRY_STATUS_H

#include "options.h"

/* status_command — the CLI entry (o->target_text, o->json); returns the
 * exit code and has printed its errors. */
int status_command(const ferry_options *o);

#endif
