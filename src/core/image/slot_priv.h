/* Slot writer internals shared with the update engine. Not public API. */
#ifndef ABOTA_SLOT_PRIV_H
#define ABOTA_SLOT_PRIV_H

#include "abota/slot.h"

/* abota_slot_finish with info required (not NULL). The update engine calls
 * this one, so its call graph never holds the 424-byte image info that
 * abota_slot_finish needs for a NULL info: the stack analysis of make size
 * then sees the update's real deepest path. */
int abota_slot_finish_into(struct abota_slot_writer *w, struct abota_image_info *info);

#endif
