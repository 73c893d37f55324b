/* The update engine's events: every file of the engine reports progress
 * through this one function (the bottom of the engine's calls), which
 * hands it to the caller's callback, if any. The engine never prints. */
#include "update_priv.h"

void upd_emit(struct abota_update *u, enum abota_update_step step, uint32_t done, uint32_t total,
              int err, const char *detail)
{
    if (!u->cb)
        return;
    struct abota_update_event ev = {
        .step = step,
        .done = done,
        .total = total,
        .err = err,
        .slot = u->target_slot,
        .version = u->new_version,
        .detail = detail,
    };
    u->cb(u->cb_arg, &ev);
}
