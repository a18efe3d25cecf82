/* libFuzzer target: bytes as a plan file (evac_plan_parse). */
#include <stddef.h>
#include <stdint.h>

#include "drive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  evac_fuzz_plan(data, size);
  return 0;
}
