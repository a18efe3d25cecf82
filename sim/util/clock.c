/* Clocks for the wall-time figures a run reports. */
#include <time.h>

#include "clock.h"

double evac_clock_wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
