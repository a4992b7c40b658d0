/* rename.h — the --rename-table OLD=NEW and --rename-column TABLE.OLD=NEW
 * arguments (and a job file's "renames"), parsed into ferry_options. The
 * plan applies them where it decides target names (plan.c). */
#ifndef FERRY_RENAME_H
#define FERRY_RENAME_H

#include <stddef.h>
#include "options.h"

/* renames_add — parse arg ("OLD=NEW", or "TABLE.OLD=NEW" when column) and
 * append it to *list (grown with xrealloc; the strings are copies owned by
 * the list). The first '=' ends the old name; for a column the last '.'
 * before it separates table and column, as in --map column rules. Returns
 * 0, or -1 with a one-line reason in why (naming the option). */
int  renames_add(ferry_rename **list, int *n, const char *arg, int column, char *why, size_t whylen);
void renames_free(ferry_rename *list, int n);

#endif
