/* Clocks for the wall-time figures a run reports. */
#ifndef EVAC_CLOCK_H
#define EVAC_CLOCK_H

/* Seconds on the monotonic clock, for measuring intervals. */
double evac_clock_wall_s(void);

#endif
