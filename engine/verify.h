/* verify.h — `ferry verify SOURCE TARGET` and `ferry copy --verify`:
 * compare a source with the target a copy made of it, per table and per
 * chunk, by row count and an order-independent checksum of logical values. */
#ifndef FERRY_VERIFY_H
#define FERRY_VERIFY_H

#include "options.h"

/* verify_command — the CLI entry; returns the exit code (0 equal,
 * EXIT_DIFFERENT when they differ) and has printed its errors. */
int verify_command(const ferry_options *o);

#endif
