/* The code paths the fuzz targets (fuzz_plan.c, fuzz_scenario.c,
 * fuzz_manifest.c, fuzz_result.c) drive,
 * shared with their regression test (tests/unit/test_fuzz_regressions.c),
 * which replays the corpus and the reproducers of found bugs through the
 * same functions. */
#ifndef EVAC_FUZZ_DRIVE_H
#define EVAC_FUZZ_DRIVE_H

#include <stddef.h>
#include <stdint.h>

/* A loaded scenario is simulated only if it has at most this many
 * occupants, and for at most this many simulated seconds: slow inputs
 * would hide the fast ones. */
#define EVAC_FUZZ_MAX_OCCUPANTS 200
#define EVAC_FUZZ_MAX_SIM_S 5.0

/* Parses data as the text of a plan file (evac_plan_parse) into a fresh
 * model and frees it. Data with a NUL byte is refused as the file reader
 * refuses it. Returns the status: 0 (EVAC_OK) or 2 (EVAC_ERR_INPUT). */
int evac_fuzz_plan(const uint8_t *data, size_t size);

/* Makes a fresh working folder for evac_fuzz_scenario under tmp (NULL:
 * $TMPDIR or /tmp) holding the plans a scenario may name by file:
 * two_floor.plan.json and good.plan.json (the name tests/data/bad uses),
 * both copies of source_dir/tests/data/two_floor.plan.json. Returns its
 * path (malloc'd), or NULL with a message on stderr. */
char *evac_fuzz_dir_make(const char *source_dir, const char *tmp);

/* Removes the working folder and frees its path (NULL is allowed). */
void evac_fuzz_dir_free(char *dir);

/* The working folder of this fuzzing process: made by evac_fuzz_dir_make
 * on the first call (aborting if it cannot be), removed at exit. */
const char *evac_fuzz_process_dir(const char *source_dir);

/* Writes data as dir/fuzz.scenario.json and loads it (evac_model_load);
 * when it loads, applies its hazards and, for at most
 * EVAC_FUZZ_MAX_OCCUPANTS occupants, creates the simulation and runs it for
 * at most EVAC_FUZZ_MAX_SIM_S simulated seconds, then frees everything.
 * Returns the first status that was not EVAC_OK (0 if none), or -1 if the
 * file could not be written. */
int evac_fuzz_scenario(const uint8_t *data, size_t size, const char *dir);

/* Writes data as dir/fuzz.county.json and loads it as a county manifest
 * (evac_manifest_load: validation, paths resolved against dir; the
 * buildings' scenarios are not read), then frees it. Returns the status
 * (0 or 2), or -1 if the file could not be written. */
int evac_fuzz_manifest(const uint8_t *data, size_t size, const char *dir);

/* Writes data as dir/fuzz.h5 and reads it as `evacsim info` does
 * (evac_info_print: the checked open of every result reader, then the
 * summary, printed to /dev/null). Returns the status (0 or 2), or -1 if
 * the file could not be written. */
int evac_fuzz_result(const uint8_t *data, size_t size, const char *dir);

#endif
