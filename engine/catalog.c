/* catalog.c — looking things up in a catalog and releasing it. The catalog
 * itself is filled by a source driver's describe (see catalog.h). */
#include <string.h>
#include <strings.h>
#include "catalog.h"

/* catalog_free — release everything the catalog holds (all of it lives in
 * c->mem) and leave c zeroed, ready to be filled again. NULL-safe. */
void catalog_free(ferry_catalog *c)
{
    if (!c) return;
    arena_free(&c->mem);
    memset(c, 0, sizeof *c);
}

/* table_matches — 1 when t is called name, either bare ("Track") or
 * schema-qualified ("public.Track"); nocase compares ASCII letters without
 * case, as SQLite and MySQL resolve identifiers. */
static int table_matches(const cat_table *t, const char *name, int nocase)
{
    size_t slen;

    if (nocase ? strcasecmp(t->name, name) == 0 : strcmp(t->name, name) == 0)
        return 1;
    if (!t->schema) return 0;
    slen = strlen(t->schema);
    if ((nocase ? strncasecmp(t->schema, name, slen) : strncmp(t->schema, name, slen)) != 0
        || name[slen] != '.')
        return 0;
    name += slen + 1;
    return nocase ? strcasecmp(t->name, name) == 0 : strcmp(t->name, name) == 0;
}

/* catalog_find_table — the table called name (bare or "schema.name"):
 * an exact match first, then a case-insensitive one. A case-insensitive
 * match that is ambiguous (PostgreSQL may have "a" and "A") finds nothing.
 * The result points into c and lives as long as c. */
cat_table *catalog_find_table(const ferry_catalog *c, const char *name)
{
    cat_table *found = NULL;
    int i, nfound = 0;

    if (!c || !name) return NULL;
    for (i = 0; i < c->ntables; i++)
        if (table_matches(&c->tables[i], name, 0))
            return &c->tables[i];
    for (i = 0; i < c->ntables; i++)
        if (table_matches(&c->tables[i], name, 1)) {
            found = &c->tables[i];
            nfound++;
        }
    return nfound == 1 ? found : NULL;
}

/* catalog_column_index — the index in t->cols of the column called name:
 * an exact match first, then a unique case-insensitive one; -1 if none. */
int catalog_column_index(const cat_table *t, const char *name)
{
    int i, found = -1, nfound = 0;

    if (!t || !name) return -1;
    for (i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return i;
    for (i = 0; i < t->ncols; i++)
        if (strcasecmp(t->cols[i].name, name) == 0) {
            found = i;
            nfound++;
        }
    return nfound == 1 ? found : -1;
}
