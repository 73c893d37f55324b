#include "abota/error.h"

const char *abota_strerror(int err)
{
    switch (err) {
    case ABOTA_OK:
        return "success";
#define ABOTA_X_MSG(name, value, msg) case name: return msg;
        ABOTA_ERROR_LIST(ABOTA_X_MSG)
#undef ABOTA_X_MSG
    default:
        return "unknown error";
    }
}

const char *abota_strerror_name(int err)
{
    switch (err) {
    case ABOTA_OK:
        return "ABOTA_OK";
#define ABOTA_X_NAME(name, value, msg) case name: return #name;
        ABOTA_ERROR_LIST(ABOTA_X_NAME)
#undef ABOTA_X_NAME
    default:
        return "ABOTA_ERR_UNKNOWN";
    }
}
