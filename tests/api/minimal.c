/* The smallest program built on evacsim's public API: it includes only
 * evacsim.h. It loads a scenario (and the plan it names), runs one
 * simulation, prints the summary table, writes the result file, and checks
 * that the headline counts add up to the occupants.
 *
 *   minimal SCENARIO.json OUT.h5
 *
 * Exit code: the evac_status of the first call that failed, or 1 if the
 * counts do not add up. */
#include <evacsim.h>

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SCENARIO.json OUT.h5\n", argv[0]);
    return EVAC_ERR_INPUT;
  }
  struct evac_diag *diag = evac_diag_create();
  struct evac_model *model = NULL;
  struct evac_sim *sim = NULL;
  if (!diag)
    return EVAC_ERR_RUNTIME;

  enum evac_status st = evac_model_load(argv[1], diag, &model);
  if (st == EVAC_OK) {
    struct evac_run_opts opts = {.threads = 1};
    st = evac_sim_create(model, &opts, diag, &sim);
  }
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  if (st == EVAC_OK)
    st = evac_sim_write(sim, argv[2], diag);

  int bad_sum = 0;
  if (st == EVAC_OK) {
    struct evac_summary sum;
    evac_sim_print_summary(sim, stdout);
    evac_sim_summary(sim, &sum);
    bad_sum = sum.evacuated + sum.incapacitated + sum.trapped + sum.not_out !=
              sum.occupants;
    printf("evacsim %s: %d of %d people safe at %.1f s\n", evac_version(),
           sum.evacuated, sum.occupants, sum.end_time_s);
  } else {
    evac_diag_print(diag, stderr);
    fprintf(stderr, "%s: %s\n", argv[1], evac_status_str(st));
  }
  evac_sim_free(sim);
  evac_model_free(model);
  evac_diag_destroy(diag);
  return st != EVAC_OK ? (int)st : bad_sum;
}
