/* verify.c — placeholder until the verify command lands. */
#include <stdio.h>
#include "verify.h"
#include "err.h"
int verify_command(const ferry_options *o) { (void)o; fprintf(stderr, "ferry: verify: not built yet\n"); return EXIT_FAILURE_; }
