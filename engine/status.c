/* status.c — placeholder until the status command lands. */
#include <stdio.h>
#include "status.h"
#include "err.h"
int status_command(const ferry_options *o) { (void)o; fprintf(stderr, "ferry: status: not built yet\n"); return EXIT_FAILURE_; }
