/* copy.h — the `copy` and `plan` commands, called by the CLI with parsed
 * options. Each returns the process exit code and has printed its errors. */
#ifndef FERRY_COPY_H
#define FERRY_COPY_H

#include "options.h"

int copy_command(const ferry_options *o);
int plan_command(const ferry_options *o);

#endif
