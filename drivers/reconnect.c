/* reconnect.c — drv_reconnect: the driver's in-place reconnect (see
 * reconnect.h). */
#include "reconnect.h"

int drv_reconnect(ferry_conn *c, const ferry_url *u, ferry_err *e)
{
    switch (c->drv->engine) {
    case ENGINE_POSTGRESQL:
        return pg_reconnect(c, u, e);
    case ENGINE_MYSQL:
        return my_reconnect(c, u, e);
    default:
        ferry_err_set(e, FERRY_E_INTERNAL, "%s connections cannot be reconnected",
                      c->drv->name);
        if (e)
            e->side = c->side;
        return -1;
    }
}
