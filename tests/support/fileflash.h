/* A read-only struct abota_flash backed by a file (stdio only, so it works
 * on the host and, through semihosting, on the target CPUs). Each read seeks
 * and reads just the requested bytes: no whole-file buffer. */
#ifndef ABOTA_TEST_FILEFLASH_H
#define ABOTA_TEST_FILEFLASH_H

#include <stdio.h>

#include "abota/flash.h"

struct fileflash {
    FILE *fp;
    unsigned reads;
    size_t max_read; /* largest single read seen (tests check the chunking) */
    struct abota_flash port; /* write and erase are NULL */
};

/* Opens path; port.size is the file's length. Returns 0, or ABOTA_ERR_IO
 * (missing file, or longer than 4 GiB). */
int fileflash_open(struct fileflash *ff, const char *path);

void fileflash_close(struct fileflash *ff);

#endif
