/* A boot record entry for abota_bootrec_set_next in tests: length, CRC-32
 * and version, without a security version. */
#ifndef ABOTA_TEST_RECENTRY_H
#define ABOTA_TEST_RECENTRY_H

#include "abota/bootrec.h"

#define REC_ENTRY(len, crc, ver) (&(struct abota_slot_record){(len), (crc), (ver), 0})

#endif
