/* The result file of one run, written as the run goes (docs/output.md).
 *
 * evac_output_open creates the file's temporary; the run hands its
 * trajectory and field samples to evac_output_sink (give it as the run's
 * evac_run_opts.sink), and evac_output_close writes the rest and commits the
 * file under its name, or evac_output_abandon throws it away. Memory does
 * not grow with the run's length: each sample goes to the file when it is
 * handed over. */
#ifndef EVAC_OUTPUT_H
#define EVAC_OUTPUT_H

#include "evacsim.h"
#include "result.h"

struct evac_output; /* one result file being written */

/* Creates the temporary of path for a run of model m (which must outlive
 * the file, as must path) and starts the file. Returns EVAC_OK with *out
 * set, or EVAC_ERR_IO ("PATH: cannot write result file: ..." in diag). */
enum evac_status evac_output_open(const struct evac_model *m, const char *path,
                                  struct evac_output **out,
                                  struct evac_diag *diag);

/* The sink the run hands its samples to (valid until o is closed). */
const struct evac_result_sink *evac_output_sink(struct evac_output *o);

/* Writes what r holds besides the samples already handed over, `complete`
 * last, and commits the file (fsync, rename). Frees o. Returns EVAC_OK, or
 * EVAC_ERR_IO with nothing left under the name (the old file kept) and
 * the reason in diag. */
enum evac_status evac_output_close(struct evac_output *o,
                                   const struct evac_result *r,
                                   struct evac_diag *diag);

/* Throws the file away (a run that failed or was stopped) and frees o.
 * Returns EVAC_ERR_IO if a write of the file had failed (the reason in
 * diag: the run may have failed for it), else EVAC_OK. */
enum evac_status evac_output_abandon(struct evac_output *o,
                                     struct evac_diag *diag);

#endif
