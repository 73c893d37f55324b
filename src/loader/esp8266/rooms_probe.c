/* Not part of the loader: a program that, like a careless change to the
 * loader, calls into the image room (abota_slot_verify). Linked against
 * the loader's library (boot/ and storage/ only) it must fail with an
 * undefined reference, which proves the loader's link would too
 * (esp8266.loader_rooms_probe). */
#include "abota/slot.h"

void abota_loader_rooms_probe(void);

void abota_loader_rooms_probe(void)
{
    struct abota_image_info info;
    (void)abota_slot_verify(0, 0, 1, 0, &info, 0);
}
