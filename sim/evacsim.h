/* evacsim: fire, smoke and patient evacuation in high-rise hospitals.
 *
 * The public interface of the engine library. A simulation is an opaque
 * object: load a scenario into a model, create a simulation from it, run it,
 * write its result, free it. Every call returns an enum evac_status; only
 * main() turns a status into an exit code. */
#ifndef EVACSIM_H
#define EVACSIM_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- status */

/* Outcome of a library call. The values are the command-line exit codes. */
enum evac_status {
  EVAC_OK = 0,          /* success */
  EVAC_ERR_INPUT = 2,   /* bad input: file, JSON path, value, what is allowed */
  EVAC_ERR_RUNTIME = 3, /* the simulation failed (out of memory, ...) */
  EVAC_ERR_IO = 4,      /* an output file could not be written */
};

/* A short English name of a status ("ok", "input error", ...). */
const char *evac_status_str(enum evac_status s);

/* The library's version string ("0.1.0") and git revision. */
const char *evac_version(void);
const char *evac_git_revision(void);

/* Threads for a run whose --threads was not given: OMP_NUM_THREADS when
 * set, else the CPUs this process may run on, capped by its own cgroup's
 * CPU quota (containers and batch slots often allow fewer CPUs than they
 * show; more threads than the quota makes OpenMP barriers wait out
 * throttling). */
int evac_threads_default(void);

/* Removes every temporary open now. Async-signal-safe: for a
 * termination signal handler (a program killed mid-write leaves none). */
void evac_commit_remove_all(void);

/* ----------------------------------------------------------- diagnostics */

struct evac_diag; /* list of errors and warnings, see diag.h */

/* Creates an empty list on the heap, for callers that see only this header
 * (NULL if out of memory); free it with evac_diag_destroy. */
struct evac_diag *evac_diag_create(void);

/* Prints every message, one a line, warnings prefixed "warning: ". */
void evac_diag_print(const struct evac_diag *d, FILE *f);

/* Frees a list made by evac_diag_create (NULL is allowed). */
void evac_diag_destroy(struct evac_diag *d);

/* ----------------------------------------------------------------- model */

struct evac_model; /* a plan and its scenario, validated; see model.h */

/* Loads a scenario file and the plan it names into a new model. Every error
 * found goes to diag; returns EVAC_ERR_INPUT if there was any, or
 * EVAC_ERR_RUNTIME if memory ran out (diag->oom). */
enum evac_status evac_model_load(const char *scenario_path,
                                 struct evac_diag *diag,
                                 struct evac_model **out);

/* Checks that a loaded model can be right (docs/formats.md, "What check
 * verifies"): every '.' cell of an occupant or staff group's place has a
 * walking route (stairs included) to a safe place of the group's target
 * set, every exit touches the outside, and exits above the ground floor
 * state why (warnings otherwise). Returns EVAC_ERR_INPUT if diag got an
 * error. Run it before the hazards are applied: it checks the building as
 * planned. */
enum evac_status evac_model_check(const struct evac_model *m,
                                  struct evac_diag *diag);

/* Validates one plan, scenario or county manifest file (kind told by its
 * top-level key), with evac_model_check for plans and scenarios; strict 1
 * turns the file's warnings into errors (sim/tools/check.c). The status as
 * for evac_model_load. */
enum evac_status evac_check_file(const char *path, int strict,
                                 struct evac_diag *diag);

/* The middle of the run pipeline that run, rank, batch and replay share
 * (load → check → prepare → simulate): fixes the hazards ids[0..n) (they
 * are rectified: their effects are not applied), then applies the
 * remaining ones to m. An id the model does not list is an error "WHAT ID:
 * the scenario lists no hazard ..." at file's path where; nothing is
 * applied then. Returns EVAC_OK or EVAC_ERR_INPUT. */
enum evac_status evac_hazards_prepare(struct evac_model *m,
                                      const char *const *ids, int n,
                                      const char *file, const char *where,
                                      const char *what, struct evac_diag *diag);

/* Refuses m if copies groups of `group` simulations of it, each group on
 * one fire and smoke simulation (evac_sim_run_group; 1: simulations on
 * their own), (lean 1: keeping the summary and per-agent columns only, as
 * rank and batch do) need more memory than is available: EVAC_ERR_RUNTIME
 * with a message in diag naming file, the estimate, what is available and
 * what to change; EVAC_ERR_INPUT if $EVACSIM_MEMORY_LIMIT is malformed; else
 * EVAC_OK. */
enum evac_status evac_memory_check(const struct evac_model *m, const char *file,
                                   int lean, int copies, int group,
                                   struct evac_diag *diag);

/* Frees a model (NULL is allowed). */
void evac_model_free(struct evac_model *m);

/* ------------------------------------------------------------ simulation */

struct evac_sim; /* one simulation of a model, opaque */

struct evac_result_sink; /* where a run hands its samples as it goes: the
                            result file's writer (evac_output_open) */

/* Options of one run. */
struct evac_run_opts {
  uint64_t seed;        /* random seed */
  int seed_given;       /* 1: seed overrides the scenario's */
  uint32_t replication; /* replication index (keys the random streams) */
  int threads;          /* threads for threaded kernels; 0 = OpenMP default */
  int progress;         /* 1: print progress to stderr */
  int lean;             /* 1: keep the summary and per-agent columns only
                           (no trajectories, fields or event log) */
  int full; /* 1: simulate to the duration even once the outcome is settled
               (docs/models.md, "End of a run") */
  const struct evac_result_sink *sink; /* NULL: the run keeps its
                                          trajectory and field samples in
                                          memory; else it hands them to the
                                          sink as it goes */
  struct evac_sim *smoke_of; /* NULL, or a simulation whose fire and smoke
                                this one follows instead of its own (its
                                model the same, or the same in all that the
                                fire and smoke read): run them together
                                with evac_sim_run_group */
};

/* Creates a simulation of model m (which must outlive it): places the
 * occupants and draws their attributes. Problems go to diag. */
enum evac_status evac_sim_create(const struct evac_model *m,
                                 const struct evac_run_opts *opts,
                                 struct evac_diag *diag, struct evac_sim **out);

/* Runs the simulation to its end (all safe, or the scenario's duration). */
enum evac_status evac_sim_run(struct evac_sim *sim);

/* Runs n simulations together: sims[0] steps the fire and the smoke once
 * for all, the others created with evac_run_opts.smoke_of = sims[0], of
 * models that differ from sims[0]'s, if at all, only in what the occupants
 * alone read (the alarm's delay, how far people see in smoke, rescue by
 * ladder or lift). The fire and the smoke do not depend on the occupants,
 * so each result is the one evac_sim_run would give it, bit for bit, for
 * the cost of one smoke simulation. Returns EVAC_OK, or the first failure
 * (EVAC_ERR_RUNTIME also for models of another duration or grid). */
enum evac_status evac_sim_run_group(struct evac_sim **sims, int n);

/* Writes the result file atomically (path.partial, fsync, rename). */
enum evac_status evac_sim_write(const struct evac_sim *sim, const char *path,
                                struct evac_diag *diag);

/* Prints the summary table of a finished run. */
void evac_sim_print_summary(const struct evac_sim *sim, FILE *f);

struct evac_result; /* what a run produced, see result.h */

/* The result file of one run, written as the run goes (docs/output.md):
 * evac_output_open creates the file's temporary; the run hands its
 * trajectory and field samples to evac_output_sink (give it as the run's
 * evac_run_opts.sink), and evac_output_close writes the rest and commits the
 * file under its name, or evac_output_abandon throws it away. Memory does
 * not grow with the run's length. */
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

/* The headline figures of a finished run, as /summary stores them. The
 * counts add up: evacuated + incapacitated + trapped + not_out =
 * occupants. */
struct evac_summary {
  int occupants;                 /* people placed */
  int evacuated;                 /* reached a safe place */
  int incapacitated;             /* dose reached their threshold */
  int trapped;                   /* sheltering or with no route at the end */
  int not_out;                   /* still on their way at the end */
  int gridlocked;                /* of not_out: frozen, nobody able to move */
  double gridlock_time_s;        /* when that gridlock began; NaN if none */
  double evacuation_time_s;      /* last to safety; NaN if some never */
  double rset_s;                 /* the last survivor's time to safety, s */
  double rset_p95_s;             /* 95th percentile of the survivors' times */
  double aset_s;                 /* available safe egress time; NaN if the
                                    building never became untenable */
  double first_incapacitation_s; /* NaN if none */
  double end_time_s;             /* simulated time at the end */
  double settled_s;              /* when the outcome was settled with people
                                    left; NaN if never */
};

/* Fills out with the figures of a finished run. */
void evac_sim_summary(const struct evac_sim *sim, struct evac_summary *out);

/* The result of a finished run (owned by sim). */
const struct evac_result *evac_sim_result(const struct evac_sim *sim);

/* Frees a simulation (NULL is allowed). */
void evac_sim_free(struct evac_sim *sim);

/* ---------------------------------------------------------------- replay */

/* Re-runs the result file at path from its /parameters (the stored scenario
 * and plan texts, seed, replication and fixed_hazards; threads, or the
 * stored count when threads is 0) and compares /summary (all but
 * wall_clock_s) and every /agents dataset with the new run, value for value
 * (NaN equals NaN). Prints "verified: identical ..." or the first
 * differences ("  agents/exit_time_s[3]: stored A, new B") to f (NULL:
 * nothing). Returns
 * EVAC_OK if identical, EVAC_ERR_RUNTIME if they differ ("results differ"
 * in diag), EVAC_ERR_INPUT if path is not a complete run result or its
 * inputs do not load. */
enum evac_status evac_result_verify(const char *path, int threads, FILE *f,
                                    struct evac_diag *diag);

/* --------------------------------------------------------------- ranking */

struct evac_ranking; /* a ranked rectification list, see rank.h */

/* What a ranking minimises, per fire (docs/ranking.md, "Outcome of a
 * run"). */
enum evac_objective {
  EVAC_OBJ_HARMED = 0,    /* incapacitated + trapped (the default) */
  EVAC_OBJ_INCAPACITATED, /* incapacitated only */
  EVAC_OBJ_NOT_SAFE,      /* incapacitated + trapped + not out at the end */
  EVAC_OBJ_N
};

/* Name of an objective ("incapacitated+trapped", ...); evac_objective_parse
 * is its inverse and returns -1 for an unknown name. */
const char *evac_objective_name(enum evac_objective obj);
int evac_objective_parse(const char *name);

/* Default cap of replications per variant (evacsim rank --reps). */
#define EVAC_RANK_DEFAULT_REPS 40

/* Options of a ranking. */
struct evac_rank_opts {
  int reps;              /* replications per variant at most (the cap), >= 2 */
  int min_reps;          /* first round (adaptive: doubled until the order is
                            resolved at 95 % or reps is reached); 0: min(10, reps);
                            = reps: a fixed number */
  int steps;             /* greedy steps at most (0: all); the rest are listed
                            by their effect at the last step */
  int threads;           /* replications run in parallel; 0 = OpenMP default */
  int progress;          /* 0: none; 1: one line rewritten (a terminal);
                            2: a line every few simulations */
  uint64_t seed;         /* base seed */
  int seed_given;        /* 1: seed overrides the scenario's */
  const char *state_dir; /* folder keeping each finished replication, so a
                            re-run resumes (created if missing; NULL:
                            none; docs/ranking.md, "Resuming") */
  enum evac_objective objective; /* what is ranked (default: harmed) */
  double budget_s; /* wall-clock budget: once spent, no new round starts,
                      and a greedy pass ends at the step it is in, the
                      rest listed by their effect there (0: none) */
  int no_reuse;    /* 1: simulate every replication, also those whose
                      inputs equal another variant's (docs/ranking.md,
                      "Identical simulations"; for checking) */
};

/* Ranks the scenario's hazards: simulates variants of the building (all
 * hazards, each fixed in turn, greedily) over replications with common
 * random numbers, adding replications until each step's choice is resolved
 * at 95 % or opts->reps is reached, and orders the hazards by the
 * casualties fixing them avoids. */
enum evac_status evac_rank_run(const char *scenario_path,
                               const struct evac_rank_opts *opts,
                               struct evac_diag *diag,
                               struct evac_ranking **out);

/* Prints the rectification list as a table. */
void evac_ranking_print(const struct evac_ranking *r, FILE *f);

/* Files a ranking writes: RANK.h5, and with a CSV path LIST.csv, the
 * rectification list, and beside it LIST-hazards.csv, LIST-closure.csv and
 * LIST-owners.csv. */
#define EVAC_RANK_MAX_OUTPUTS 5

/* Fills paths with the files evac_ranking_write writes for h5 and csv
 * (csv may be NULL); returns how many, or -1 if a path is too long. */
int evac_ranking_output_paths(const char *h5, const char *csv,
                              char paths[EVAC_RANK_MAX_OUTPUTS][4096]);

/* Writes the ranking as HDF5 (groups ranking, variants, parameters,
 * summary) and, if csv is not NULL, the four lists as CSV: every file to
 * PATH.partial first, then all renamed; on failure none is left. */
enum evac_status evac_ranking_write(const struct evac_ranking *r,
                                    const char *h5, const char *csv,
                                    struct evac_diag *diag);

/* Frees a ranking (NULL is allowed). */
void evac_ranking_free(struct evac_ranking *r);

/* Removes a ranking's state folder (evac_rank_opts.state_dir): its block
 * files (KEY.bin and stale KEY.bin.partial) and the folder
 * itself if it is then empty. Returns 0, or -1 (errno set) if it remains. */
int evac_outcome_dir_remove(const char *dir);

/* ------------------------------------------------------------ county batch */

/* Options of a batch. */
struct evac_batch_opts {
  int reps;      /* replications per variant; 0: the manifest's */
  int threads;   /* threads per rank; 0: OpenMP default */
  int progress;  /* 1: progress lines on stderr (rank 0) */
  int quiet;     /* 1: print no summary */
  FILE *summary; /* where rank 0 prints the county summary (NULL: none) */
  const volatile sig_atomic_t *stop; /* set (by a signal): stop cleanly */
};

/* Runs the batch of the manifest at path into dir: plans it, runs the
 * tasks not yet done, and (rank 0) writes the outputs. Under mpirun or
 * srun the ranks share the work. Returns EVAC_OK; EVAC_ERR_INPUT if the
 * manifest is bad or a building failed to load (the others are still
 * done and written); EVAC_ERR_RUNTIME if interrupted ("interrupted; re-run
 * to resume") or a simulation failed; EVAC_ERR_IO. */
enum evac_status evac_batch_run(const char *path, const char *dir,
                                const struct evac_batch_opts *opts,
                                struct evac_diag *diag);

/* ----------------------------------------------------------------- tools */

/* Checks that path is an evacsim HDF5 file (a run result, ranking or
 * county) that can be read safely: read once in a child process under a
 * CPU-time limit (sim/output/h5check.c). EVAC_OK, or EVAC_ERR_INPUT with
 * the reason in diag. */
enum evac_status evac_h5_check(const char *path, struct evac_diag *diag);

/* Prints a summary of a result file. */
enum evac_status evac_info_print(const char *path, FILE *f,
                                 struct evac_diag *diag);

/* Options of the synthetic hospital tower generator. */
struct evac_gen_opts {
  int floors;    /* number of storeys, >= 1 */
  int occupants; /* total occupants, >= 0 */
  uint64_t seed; /* seed for placement and the scenario's seed */
};

/* Writes DIR/tower.plan.json and DIR/tower.scenario.json. */
enum evac_status evac_gen_tower(const struct evac_gen_opts *opts,
                                const char *dir, struct evac_diag *diag);

/* Options of the county generator. */
struct evac_gen_county_opts {
  int buildings;     /* number of towers, >= 1 */
  int floors_max;    /* tallest tower, >= 2 (floors drawn in 2..max) */
  int occupants_max; /* most occupants per floor above the ground */
  double duration_s; /* each scenario's duration_s */
  int reps;          /* the manifest's reps */
  uint64_t seed;     /* seed of the draws and the manifest's seed */
};

/* Writes DIR/county.json and DIR/NAME/tower.{plan,scenario}.json for each
 * of its towers (varied size, occupants and hazard lists). */
enum evac_status evac_gen_county(const struct evac_gen_county_opts *opts,
                                 const char *dir, struct evac_diag *diag);

#endif
