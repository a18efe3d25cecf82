/* Status names and version strings. */
#include "evacsim.h"

const char *evac_status_str(enum evac_status s) {
  switch (s) {
  case EVAC_OK:
    return "ok";
  case EVAC_ERR_INPUT:
    return "input error";
  case EVAC_ERR_RUNTIME:
    return "runtime failure";
  case EVAC_ERR_IO:
    return "output I/O failure";
  }
  return "unknown status";
}

const char *evac_version(void) { return EVAC_VERSION; }

const char *evac_git_revision(void) { return EVAC_GIT_REV; }
