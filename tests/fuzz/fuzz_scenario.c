/* libFuzzer target: bytes as a scenario file beside a small plan
 * (evac_model_load, evac_hazards_apply, a short simulation). */
#include <stddef.h>
#include <stdint.h>

#include "drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  evac_fuzz_scenario(data, size, evac_fuzz_process_dir(EVAC_SOURCE_DIR));
  return 0;
}
