/* libFuzzer target: bytes as a county manifest (evac_manifest_load). */
#include <stddef.h>
#include <stdint.h>

#include "drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  evac_fuzz_manifest(data, size, evac_fuzz_process_dir(EVAC_SOURCE_DIR));
  return 0;
}
