/* libFuzzer target: bytes as a result file read by `evacsim info`
 * (evac_info_print). */
#include <stddef.h>
#include <stdint.h>

#include "drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  evac_fuzz_result(data, size, evac_fuzz_process_dir(EVAC_SOURCE_DIR));
  return 0;
}
