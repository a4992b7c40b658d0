/* rename.c — see rename.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rename.h"
#include "util.h"

int renames_add(ferry_rename **list, int *n, const char *arg, int column, char *why, size_t whylen)
{
    const char *opt = column ? "--rename-column" : "--rename-table";
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        snprintf(why, whylen, "%s wants %s, not \"%s\"", opt,
                 column ? "TABLE.OLD=NEW" : "OLD=NEW", arg);
        return -1;
    }
    char *old = xstrndup(arg, (size_t)(eq - arg));
    char *dot = column ? strrchr(old, '.') : NULL;
    if (column && (!dot || dot == old || !dot[1])) {
        snprintf(why, whylen, "%s wants TABLE.OLD=NEW (the table, a dot, the column), not \"%s\"",
                 opt, arg);
        free(old);
        return -1;
    }
    ferry_rename r = {old, NULL, xstrdup(eq + 1)};
    if (dot) {
        *dot = '\0';
        r.column = xstrdup(dot + 1);
    }
    *list = xrealloc(*list, sizeof **list * (size_t)(*n + 1));
    (*list)[(*n)++] = r;
    return 0;
}

void renames_free(ferry_rename *list, int n)
{
    for (int i = 0; i < n; i++) {
        free(list[i].table);
        free(list[i].column);
        free(list[i].to);
    }
    free(list);
}
