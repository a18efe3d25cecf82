/* libFuzzer target: bytes as a county manifest (evac_manifest_load). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The working folder of this process: libFuzzer runs the inputs one after
 * the other in one process. */
static char *work_dir;

/* Removes the working folder when libFuzzer exits normally. */
static void remove_work_dir(void) {
  evac_fuzz_dir_free(work_dir);
  work_dir = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!work_dir) {
    work_dir = evac_fuzz_dir_make(EVAC_SOURCE_DIR, NULL);
    if (!work_dir)
      abort();
    atexit(remove_work_dir);
  }
  evac_fuzz_manifest(data, size, work_dir);
  return 0;
}
