/* driver.c — choosing the driver for an endpoint and opening a connection
 * through it; everything engine-specific lives in the driver files. */
#include <stdlib.h>

#include "driver.h"

int ferry_source_lock_timeout_s = 60;

/* driver_for — the compiled-in driver for engine, or NULL when ferry has
 * none (yet). The result is static: never freed. */
const ferry_driver *driver_for(ferry_engine engine)
{
    switch (engine) {
    case ENGINE_SQLITE:     return &sqlite_driver;
    case ENGINE_POSTGRESQL: return &postgresql_driver;
    case ENGINE_MYSQL:      return &mysql_driver;
    case ENGINE_DUMP:       return &dump_driver;
    default:                return NULL;
    }
}

/* driver_side_supported — 1 when d has what serving side needs: a source
 * must be able to describe and read, a target to run statements and load
 * rows. Lets a half-built driver refuse clearly instead of crashing. */
static int driver_side_supported(const ferry_driver *d, ferry_side side)
{
    if (!d->connect || !d->close)
        return 0;
    if (side == SIDE_SOURCE)
        return d->describe && d->read_chunk;
    if (side == SIDE_TARGET)
        return d->exec && d->begin && d->commit && d->rollback &&
               d->copy_begin && d->copy_batch && d->copy_end;
    return 1;
}

/* driver_connect — allocate a connection of the driver for u->engine, set
 * its drv and side, and connect it. Returns the connection (the caller
 * closes it with drv_close), or NULL with e set: FERRY_E_USAGE when no
 * driver serves this engine on this side, else the driver's own error.
 * A driver's connect releases what it allocated when it fails; the bare
 * connection is freed here. */
ferry_conn *driver_connect(const ferry_url *u, ferry_side side, ferry_err *e)
{
    const ferry_driver *d = driver_for(u->engine);
    const char *as = side == SIDE_SOURCE ? "a source" : side == SIDE_TARGET ? "a target"
                                                                            : "an endpoint";
    ferry_conn *c;

    if (!d || !driver_side_supported(d, side)) {
        if (u->engine == ENGINE_UNKNOWN)
            ferry_err_set(e, FERRY_E_USAGE, "%s: unknown kind of database: use a "
                          "sqlite:// or postgresql:// URL (or a path to a SQLite file)",
                          u->display ? u->display : "endpoint");
        else
            ferry_err_set(e, FERRY_E_USAGE, "%s is not supported yet as %s",
                          ferry_engine_name(u->engine), as);
        if (e)
            e->side = side;
        return NULL;
    }
    c = xcalloc(1, d->conn_size);
    c->drv = d;
    c->side = side;
    if (d->connect(c, u, e)) {
        if (e)
            e->side = side;
        free(c);
        return NULL;
    }
    return c;
}
