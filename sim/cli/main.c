/* evacsim: the command line. It parses arguments and calls the library;
 * it is the only place that turns a status into an exit code. */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <omp.h>

#include "evacsim.h"

static const char usage_main[] =
    "usage: evacsim COMMAND [ARGS]\n"
    "\n"
    "Fire, smoke and patient evacuation in high-rise hospitals.\n"
    "\n"
    "commands:\n"
    "  check FILE.json...        validate plans and scenarios\n"
    "  run SCENARIO.json -o OUT.h5 [--seed N] [--threads N] [--fix ID]...\n"
    "      [--quiet]             simulate once, print a summary\n"
    "  run --verify OUT.h5 [--threads N]\n"
    "                            re-run a result file and compare\n"
    "  rank SCENARIO.json -o RANK.h5 [--csv RANK.csv] [--reps N] [--threads "
    "N]\n"
    "                            rank the hazard list: what to fix first\n"
    "  batch MANIFEST.json -o DIR [--reps N] [--threads N]\n"
    "                            rank many buildings' hazards (resumable;\n"
    "                            also under mpirun)\n"
    "  info RESULT.h5            summarise a run, ranking or batch file\n"
    "  gen tower --floors N --occupants M [--seed S] -o DIR\n"
    "                            write a synthetic hospital tower\n"
    "  gen county --buildings N [--seed S] -o DIR\n"
    "                            write a county of towers and its manifest\n"
    "  report RESULT.h5 -o DIR [--animate]\n"
    "                            HTML report of a run, rank or batch file\n"
    "  import dxf FLOOR.dxf... -o PLAN.json [--map MAP.json] [--cell-m M]\n"
    "                            a plan from CAD floor plans, one DXF a floor\n"
    "  --version                 the version and the folder of the Python\n"
    "                            report and import scripts\n"
    "\n"
    "'evacsim COMMAND --help' tells more. Exit codes: 0 ok, 2 bad input,\n"
    "3 runtime failure, 4 output I/O failure.\n";

static const char usage_check[] =
    "usage: evacsim check [--strict] FILE.json...\n"
    "\n"
    "Validates building plans (*.plan.json), scenarios (*.scenario.json;\n"
    "their plan too) and county manifests. Beyond the format it checks that\n"
    "the building can be left: every place of an occupant or staff group\n"
    "has a walking route (stairs included) to a safe place, every exit\n"
    "touches the outside, every stair joins two floors; an exit above the\n"
    "ground floor without a stated reason is a warning. Prints 'FILE: ok'\n"
    "or every error found, each naming the file and the JSON path.\n"
    "  --strict   warnings count as errors\n"
    "Exit 0 if all are valid, else 2.\n";

static const char usage_run[] =
    "usage: evacsim run SCENARIO.json -o OUT.h5 [--seed N] [--threads N] "
    "[--fix ID]... [--full] [--quiet]\n"
    "       evacsim run --verify OUT.h5 [--threads N] [--quiet]\n"
    "\n"
    "Runs one simulation of the scenario, with the fire and the hazards of\n"
    "its hazard list, and writes the result file (written to\n"
    "OUT.h5.partial, then renamed). Prints a summary table.\n"
    "  -o, --output OUT.h5  result file (required)\n"
    "  --seed N             random seed (default: the scenario's \"seed\")\n"
    "  --threads N          threads for the smoke sweep (default: the CPUs\n"
    "                       allowed, OMP_NUM_THREADS if set)\n"
    "  --fix ID             simulate as if hazard ID were rectified\n"
    "                       (repeatable; 'all' rectifies every hazard)\n"
    "  --full               simulate the whole duration even once the outcome\n"
    "                       is settled (nothing left can change it), for\n"
    "                       time series and smoke fields to the end\n"
    "  --quiet              print nothing but errors\n"
    "  --verify OUT.h5      re-run the result file OUT.h5 from its stored\n"
    "                       scenario, plan, seed, replication and fixes\n"
    "                       (threads: --threads N, else the stored count) and\n"
    "                       compare /summary (but wall_clock_s) and /agents\n"
    "                       exactly: exit 0 if identical, 3 if they differ,\n"
    "                       2 if OUT.h5 is not a complete run result\n";

static const char usage_rank[] =
    "usage: evacsim rank SCENARIO.json -o RANK.h5 [--csv RANK.csv] [--reps N]\n"
    "       [--min-reps N] [--steps N] [--objective NAME] [--budget-s S]\n"
    "       [--threads N] [--seed N] [--no-reuse] [--quiet]\n"
    "\n"
    "Ranks the scenario's hazard list: simulates the building with every\n"
    "hazard, with each fixed, and greedily fixes the one that avoids the most\n"
    "harm, fire by fire (each of \"fires\", combined by weight) over\n"
    "replications with common random numbers. Replications are added in\n"
    "rounds where the open decisions need them, from --min-reps, until the\n"
    "order and every major verdict are resolved at 95 %, --reps is reached\n"
    "or --budget-s is spent. Prints the rectification list, where each line\n"
    "acts, the closure check and the responsibility list.\n"
    "  -o, --output RANK.h5 ranking file (required)\n"
    "  --csv RANK.csv       also the lists as CSV: RANK.csv (rectification),\n"
    "                       RANK-hazards.csv, RANK-closure.csv, "
    "RANK-owners.csv\n"
    "  --reps N             replications per variant at most (all fires),\n"
    "                       2..100000 (default 40); --max-reps is the same\n"
    "  --min-reps N         first round (default 10; = --reps: fixed); both\n"
    "                       are dealt to the fires in groups of up to 8 that\n"
    "                       share one smoke simulation (rounded to the\n"
    "                       nearest group, at least one a fire)\n"
    "  --steps N            greedy steps at most (default 0: all); the rest\n"
    "                       are listed by their effect at the last step\n"
    "  --objective NAME     what is ranked, per fire: incapacitated+trapped\n"
    "                       (default), incapacitated, or not-safe (also\n"
    "                       those still on their way at the end)\n"
    "  --budget-s S         after S seconds start no new round, and end the\n"
    "                       greedy sequence at the step it is in (the rest\n"
    "                       listed by their effect there, =) (default 0: no\n"
    "                       limit; the list then depends on speed)\n"
    "  --threads N          replications run in parallel (default: the CPUs\n"
    "                       allowed, OMP_NUM_THREADS if set)\n"
    "  --seed N             base seed (default: the scenario's)\n"
    "  --no-reuse           simulate every replication, also those whose\n"
    "                       inputs equal another variant's (same list)\n"
    "  --quiet              print nothing but errors\n";

static const char usage_batch[] =
    "usage: evacsim batch MANIFEST.json -o DIR [--reps N] [--threads N] "
    "[--quiet]\n"
    "       mpirun -n K evacsim batch MANIFEST.json -o DIR ...\n"
    "\n"
    "Ranks the hazards of every building of a county manifest (docs/hpc.md):\n"
    "each hazard's casualties avoided fixing it alone, against the building\n"
    "with every hazard, over replications with common random numbers. Work\n"
    "is split into tasks stored in DIR/tasks/ as they finish: a re-run skips\n"
    "finished tasks, so a killed job resumes. Under mpirun or srun the ranks\n"
    "share the tasks; the outputs are the same for any number of ranks.\n"
    "Writes DIR/buildings/NAME.h5, DIR/county.h5 and DIR/county.csv.\n"
    "A building whose input is bad fails alone (exit 2 after the others).\n"
    "SIGTERM, SIGINT or SIGUSR1 stops cleanly: exit 3, \"interrupted; re-run "
    "to "
    "resume\".\n"
    "  -o, --output DIR  output folder (created if missing)\n"
    "  --reps N          replications per variant, 2..100000 (default: the\n"
    "                    manifest's \"reps\", else 20)\n"
    "  --threads N       threads per rank (default: the CPUs allowed,\n"
    "                    OMP_NUM_THREADS if set)\n"
    "  --quiet           print nothing but errors\n";

static const char usage_info[] =
    "usage: evacsim info RESULT.h5\n"
    "\n"
    "Prints a summary of a result file: a run (outcome, samples, events), a\n"
    "ranking (its size and the first lines of its list) or a batch's\n"
    "county.h5 (its buildings and the first lines of the county list).\n";

static const char usage_gen[] =
    "usage: evacsim gen tower --floors N --occupants M [--seed S] -o DIR\n"
    "       evacsim gen county --buildings N [--floors-max F] "
    "[--occupants-max P]\n"
    "                          [--duration S] [--reps R] [--seed S] -o DIR\n"
    "\n"
    "Writes DIR/tower.plan.json and DIR/tower.scenario.json: a synthetic\n"
    "hospital ward tower of N storeys (two protected stairs, ward rooms on a\n"
    "central corridor, two smoke compartments a floor) with M occupants.\n"
    "  --floors N     storeys, 1..200\n"
    "  --occupants M  people, spread over the ward rooms\n"
    "  --seed S       the scenario's seed (default 1)\n"
    "  -o DIR         output folder (created if missing)\n"
    "county: DIR/county.json and DIR/tower-NN/ for N towers of 2..F storeys\n"
    "(default 8) with 1..P occupants a floor above the ground (default 40),\n"
    "each with a hazard list of 2 to 4 hazards, duration S seconds (default\n"
    "1800); the manifest asks for R replications (default 20, 2..100000).\n";

static const char usage_report[] =
    "usage: evacsim report RESULT.h5 -o DIR [--animate] [--floors NAMES]\n"
    "       [--times T,...] [--frames N] [--max-floors N] [--quiet]\n"
    "\n"
    "Writes DIR/index.html with its figures (PNG, SVG; GIF with --animate)\n"
    "for a run result, a hazard ranking or a county batch file; it opens in\n"
    "a browser with no server. Runs the Python report (evacsim-report in the\n"
    "folder 'evacsim --version' names; EVACSIM_VIZ_DIR overrides it) with\n"
    "/usr/bin/python3, h5py and matplotlib. DIR is written as DIR.partial\n"
    "and renamed when complete.\n"
    "  -o, --output DIR     report folder (required)\n"
    "  --animate            also floor_NN.gif: smoke and occupants by state\n"
    "  --floors NAMES       comma-separated floor names to draw and animate\n"
    "  --times T,...        times (s) of the smoke maps\n"
    "  --frames N           animation frames at most, 2..1000 (default 120)\n"
    "  --max-floors N       floors drawn by default at most (default 12)\n"
    "  --quiet              print nothing but errors\n";

static const char usage_import[] =
    "usage: evacsim import dxf FLOOR.dxf... -o PLAN.json [--map MAP.json]\n"
    "       [--cell-m M] [--names N,...] [--heights H,...] [--name NAME] "
    "[--quiet]\n"
    "\n"
    "Writes a building plan from CAD drawings: one DXF file per floor, the\n"
    "bottom floor first, read by layer (walls, doors, fire doors, exits,\n"
    "stairs, lifts, shafts, refuges, rooms, compartments; docs/import.md)\n"
    "and rasterised into cells. Lists what could not be mapped with its\n"
    "layer and coordinates, then checks the plan as 'evacsim check' does.\n"
    "Runs the Python import (evacsim-import, beside evacsim-report) with\n"
    "/usr/bin/python3 and ezdxf (Debian package python3-ezdxf).\n"
    "  -o, --output PLAN.json  plan file (written to PLAN.json.partial, then\n"
    "                          renamed)\n"
    "  --map MAP.json          layer names and defaults (default: the layer\n"
    "                          names WALL, DOOR, FIRE_DOOR, EXIT, STAIR, "
    "LIFT,\n"
    "                          FIRE_LIFT, SHAFT, REFUGE, ROOM, COMPARTMENT)\n"
    "  --cell-m M              cell size in metres, 0.05 < M <= 5 (default "
    "0.4)\n"
    "  --names N,...           floor names, bottom up (default 1, 2, ...)\n"
    "  --heights H,...         floor heights in metres: one for all floors\n"
    "                          or one per floor (default 3.6)\n"
    "  --name NAME             plan name (default: the first file's name)\n"
    "  --quiet                 print nothing but warnings and errors\n";

/* A line on_signal adds after its message (rank: how to resume); set
 * before the handler is installed. Global because a signal handler can
 * reach nothing else. */
static char signal_note[4400];

/* SIGTERM, SIGINT, SIGHUP: removes the temporaries being written (a result is
 * either complete under its final name or absent), then dies of the signal (its
 * default action is restored by SA_RESETHAND, and the signal, blocked
 * while the handler runs, is delivered when it returns). */
static void on_signal(int sig) {
  static const char msg[] = "evacsim: stopped by a signal; no output written\n";
  evac_commit_remove_all();
  if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0 ||
      (signal_note[0] &&
       write(STDERR_FILENO, signal_note, strlen(signal_note)) < 0)) {
    /* nothing more a handler can do */
  }
  raise(sig);
}

/* Makes a termination signal remove the temporaries being written. */
static void remove_partials_on_signal(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
  for (int i = 0; i < 3; i++)
    sigaction(sigs[i], &sa, NULL);
}

/* Set by SIGTERM, SIGINT, SIGHUP or SIGUSR1 during a batch: the batch stops
 * cleanly. Global because a signal handler can reach nothing else. */
static volatile sig_atomic_t batch_stop;

static void on_batch_signal(int sig) {
  (void)sig;
  batch_stop = 1;
}

static int wants_help(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
      return 1;
  return 0;
}

/* What an option sets. */
enum opt_kind {
  OPT_TEXT, /* a value kept as given: dst is const char ** (or NULL) */
  OPT_INT,  /* a whole number in min..max: dst is int * */
  OPT_U64,  /* a whole number in min..max: dst is uint64_t * */
  OPT_FLAG  /* no value: dst is int *, set to 1 */
};

/* One option of a command; a table of them ends with a NULL name. */
struct opt_spec {
  const char *name;  /* "--seed" */
  const char *alias; /* another spelling ("-o"), or NULL */
  enum opt_kind kind;
  unsigned long long min, max; /* OPT_INT, OPT_U64: the allowed range */
  void *dst;                   /* where the value goes (see enum opt_kind) */
  int *seen; /* if not NULL, set to 1 when the option is given */
};

/* Parses a whole number in min..max; returns 0, or -1 after saying why. */
static int parse_uint(const char *cmd, const char *opt, const char *s,
                      unsigned long long min, unsigned long long max,
                      unsigned long long *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *s == '-' || *end || errno || v < min || v > max) {
    fprintf(stderr, "%s: %s: '%s' is not a whole number in %llu..%llu\n", cmd,
            opt, s, min, max);
    return -1;
  }
  *out = v;
  return 0;
}

/* Sets one option from its value v (NULL for a flag); 0 or -1 (reported). */
static int opt_set(const char *cmd, const struct opt_spec *o, const char *v) {
  unsigned long long n;
  if (o->seen)
    *o->seen = 1;
  switch (o->kind) {
  case OPT_TEXT:
    if (o->dst)
      *(const char **)o->dst = v;
    return 0;
  case OPT_INT:
    if (parse_uint(cmd, o->name, v, o->min, o->max, &n))
      return -1;
    *(int *)o->dst = (int)n;
    return 0;
  case OPT_U64:
    if (parse_uint(cmd, o->name, v, o->min, o->max, &n))
      return -1;
    *(uint64_t *)o->dst = n;
    return 0;
  case OPT_FLAG:
    *(int *)o->dst = 1;
    return 0;
  }
  return -1;
}

/* Parses argv by the table specs (cmd names the command in messages, usage
 * is printed after an unexpected argument). The one argument that is not an
 * option goes to *positional, if positional is not NULL. Returns EVAC_OK or
 * EVAC_ERR_INPUT (reported). */
static int parse_options(const char *cmd, const char *usage,
                         const struct opt_spec *specs, int argc, char **argv,
                         const char **positional) {
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const struct opt_spec *o = specs;
    while (o->name && strcmp(a, o->name) && !(o->alias && !strcmp(a, o->alias)))
      o++;
    if (o->name) {
      if (o->kind != OPT_FLAG && i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", cmd, a);
        return EVAC_ERR_INPUT;
      }
      if (opt_set(cmd, o, o->kind == OPT_FLAG ? NULL : argv[++i]))
        return EVAC_ERR_INPUT;
    } else if (a[0] == '-' || !positional || *positional) {
      fprintf(stderr, "%s: unexpected argument '%s'\n%s", cmd, a, usage);
      return EVAC_ERR_INPUT;
    } else {
      *positional = a;
    }
  }
  return EVAC_OK;
}

/* A new diagnostics list, or NULL (said on stderr) out of memory. */
static struct evac_diag *new_diag(void) {
  struct evac_diag *d = evac_diag_create();
  if (!d)
    fputs("evacsim: out of memory\n", stderr);
  return d;
}

/* Prints d's messages to stderr, frees d and returns status. */
static int finish_diag(struct evac_diag *d, int status) {
  evac_diag_print(d, stderr);
  evac_diag_destroy(d);
  return status;
}

static int cmd_check(int argc, char **argv) {
  if (wants_help(argc, argv) || argc < 1) {
    fputs(usage_check, argc < 1 ? stderr : stdout);
    return argc < 1 ? EVAC_ERR_INPUT : EVAC_OK;
  }
  int status = EVAC_OK, strict = 0, files = 0;
  for (int i = 0; i < argc; i++)
    strict |= !strcmp(argv[i], "--strict");
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--strict"))
      continue;
    files++;
    struct evac_diag *d = new_diag();
    if (!d)
      return EVAC_ERR_RUNTIME;
    enum evac_status st = evac_check_file(argv[i], strict, d);
    evac_diag_print(d, st == EVAC_OK ? stdout : stderr);
    if (st == EVAC_OK)
      printf("%s: ok\n", argv[i]);
    else
      status = st;
    evac_diag_destroy(d);
  }
  if (!files) {
    fputs(usage_check, stderr);
    return EVAC_ERR_INPUT;
  }
  return status;
}

/* Fails early (before a long run) if the output folder is not writable. */
static int check_output_dir(const char *path) {
  char *copy = strdup(path);
  if (!copy)
    return EVAC_ERR_RUNTIME;
  const char *dir = dirname(copy);
  int ok = access(dir, W_OK) == 0;
  if (!ok)
    fprintf(stderr, "%s: cannot write result file: folder '%s': %s\n", path,
            dir, strerror(errno));
  free(copy);
  return ok ? EVAC_OK : EVAC_ERR_IO;
}

/* `run --verify path`: the re-run takes its inputs from the file, so a
 * scenario, -o, --seed or --fix (other is 1) is refused. */
static int verify_run(const char *path, int other, int threads, int quiet) {
  if (other) {
    fprintf(stderr,
            "evacsim run: --verify takes its scenario, seed and fixes from "
            "%s: give no scenario, -o, --seed or --fix with it\n%s",
            path, usage_run);
    return EVAC_ERR_INPUT;
  }
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  int st = evac_result_verify(path, threads, quiet ? NULL : stdout, d);
  if (quiet && st == EVAC_OK) {
    evac_diag_destroy(d);
    return st;
  }
  fflush(stdout);
  return finish_diag(d, st);
}

static int cmd_run(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_run, stdout);
    return EVAC_OK;
  }
  const char *scenario = NULL, *out = NULL, *verify = NULL;
  struct evac_run_opts opts = {0};
  int quiet = 0, fixes = 0;
  const struct opt_spec specs[] = {
      {"--output", "-o", OPT_TEXT, 0, 0, &out, NULL},
      {"--verify", NULL, OPT_TEXT, 0, 0, &verify, NULL},
      {"--seed", NULL, OPT_U64, 0, UINT64_MAX, &opts.seed, &opts.seed_given},
      {"--threads", NULL, OPT_INT, 0, 4096, &opts.threads, NULL},
      {"--fix", NULL, OPT_TEXT, 0, 0, NULL, &fixes}, /* applied on load */
      {"--full", NULL, OPT_FLAG, 0, 0, &opts.full, NULL},
      {"--quiet", NULL, OPT_FLAG, 0, 0, &quiet, NULL},
      {NULL, NULL, OPT_FLAG, 0, 0, NULL, NULL}};
  if (parse_options("evacsim run", usage_run, specs, argc, argv, &scenario))
    return EVAC_ERR_INPUT;
  /* what --verify cannot take */
  int inputs = opts.seed_given || fixes || opts.full;
  if (verify)
    return verify_run(verify, scenario || out || inputs, opts.threads, quiet);
  if (!scenario || !out) {
    fprintf(stderr, "evacsim run: %s is required\n%s",
            scenario ? "-o OUT.h5" : "a scenario file", usage_run);
    return EVAC_ERR_INPUT;
  }
  int st = check_output_dir(out);
  if (st != EVAC_OK)
    return st;
  remove_partials_on_signal();
  if (opts.threads <= 0)
    opts.threads = evac_threads_default();
  omp_set_num_threads(opts.threads);
  opts.progress = !quiet && isatty(STDERR_FILENO);

  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  struct evac_model *m = NULL;
  struct evac_sim *sim = NULL;
  const char **fix = malloc((size_t)argc * sizeof *fix);
  int nfix = 0;
  for (int i = 0; fix && i + 1 < argc; i++)
    if (!strcmp(argv[i], "--fix"))
      fix[nfix++] = argv[++i];
  st = fix ? evac_model_load(scenario, d, &m) : EVAC_ERR_RUNTIME;
  if (st == EVAC_OK)
    st = evac_model_check(m, d); /* the building as planned can be left */
  if (st == EVAC_OK)             /* run simulates the building as it is */
    st = evac_hazards_prepare(m, fix, nfix, scenario, "hazards", "--fix", d);
  free(fix);
  int refused = 0; /* too large for the memory available */
  if (st == EVAC_OK && (st = evac_memory_check(m, scenario, 0, 1, 1, d)))
    refused = 1;
  /* the result file is written as the run goes */
  struct evac_output *file = NULL;
  if (st == EVAC_OK && (st = evac_output_open(m, out, &file, d)) == EVAC_OK)
    opts.sink = evac_output_sink(file);
  if (st == EVAC_OK)
    st = evac_sim_create(m, &opts, d, &sim);
  if (st == EVAC_OK && !quiet)
    evac_diag_print(d, stderr); /* warnings */
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  if (file && st == EVAC_OK) {
    st = evac_output_close(file, evac_sim_result(sim), d);
  } else if (file) { /* a failed write of the file fails the run: say so */
    if (evac_output_abandon(file, d) != EVAC_OK)
      st = EVAC_ERR_IO;
  }
  if (st == EVAC_OK && !quiet) {
    evac_sim_print_summary(sim, stdout);
    printf("  result written to %s\n", out);
  }
  if (st == EVAC_ERR_RUNTIME && !refused)
    fprintf(stderr, "evacsim run: %s: simulation failed (out of memory?)\n",
            scenario);
  evac_sim_free(sim);
  evac_model_free(m);
  if (st == EVAC_OK) {
    evac_diag_destroy(d);
    return EVAC_OK;
  }
  return finish_diag(d, st);
}

static int cmd_rank(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_rank, stdout);
    return EVAC_OK;
  }
  const char *scenario = NULL, *out = NULL, *csv = NULL, *objective = NULL;
  struct evac_rank_opts opts = {.reps = EVAC_RANK_DEFAULT_REPS};
  int quiet = 0, budget = 0;
  const struct opt_spec specs[] = {
      {"--output", "-o", OPT_TEXT, 0, 0, &out, NULL},
      {"--csv", NULL, OPT_TEXT, 0, 0, &csv, NULL},
      {"--steps", NULL, OPT_INT, 0, 63, &opts.steps, NULL},
      {"--min-reps", NULL, OPT_INT, 2, 100000, &opts.min_reps, NULL},
      {"--reps", NULL, OPT_INT, 2, 100000, &opts.reps, NULL},
      {"--max-reps", NULL, OPT_INT, 2, 100000, &opts.reps, NULL},
      {"--objective", NULL, OPT_TEXT, 0, 0, &objective, NULL},
      {"--budget-s", NULL, OPT_INT, 0, 100000000, &budget, NULL},
      {"--threads", NULL, OPT_INT, 0, 100000, &opts.threads, NULL},
      {"--seed", NULL, OPT_U64, 0, UINT64_MAX, &opts.seed, &opts.seed_given},
      {"--no-reuse", NULL, OPT_FLAG, 0, 0, &opts.no_reuse, NULL},
      {"--quiet", NULL, OPT_FLAG, 0, 0, &quiet, NULL},
      {NULL, NULL, OPT_FLAG, 0, 0, NULL, NULL}};
  if (parse_options("evacsim rank", usage_rank, specs, argc, argv, &scenario))
    return EVAC_ERR_INPUT;
  if (!scenario || !out) {
    fprintf(stderr, "evacsim rank: %s is required\n%s",
            scenario ? "-o RANK.h5" : "a scenario file", usage_rank);
    return EVAC_ERR_INPUT;
  }
  int obj = objective ? evac_objective_parse(objective) : EVAC_OBJ_HARMED;
  if (obj < 0) {
    fprintf(stderr,
            "evacsim rank: --objective %s: unknown; allowed: "
            "incapacitated+trapped, incapacitated, not-safe\n",
            objective);
    return EVAC_ERR_INPUT;
  }
  opts.objective = (enum evac_objective)obj;
  opts.budget_s = budget;
  int st = check_output_dir(out);
  if (st == EVAC_OK && csv)
    st = check_output_dir(csv);
  if (st != EVAC_OK)
    return st;
  char state[4200]; /* finished replications: RANK.h5.state */
  if (snprintf(state, sizeof state, "%s.state", out) >= (int)sizeof state) {
    fprintf(stderr, "evacsim rank: %s: path too long\n", out);
    return EVAC_ERR_INPUT;
  }
  opts.state_dir = state;
  snprintf(signal_note, sizeof signal_note,
           "evacsim: finished replications kept in %s; re-run to resume\n",
           state);
  remove_partials_on_signal();
  opts.progress = quiet ? 0 : isatty(STDERR_FILENO) ? 1 : 2;
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  struct evac_ranking *r = NULL;
  st = evac_rank_run(scenario, &opts, d, &r);
  if (st == EVAC_OK && !quiet)
    evac_diag_print(d, stderr); /* warnings */
  if (st == EVAC_OK)
    st = evac_ranking_write(r, out, csv, d);
  if (st == EVAC_OK && evac_outcome_dir_remove(state) != 0)
    fprintf(stderr, "evacsim rank: warning: cannot remove %s: %s\n", state,
            strerror(errno));
  if (st == EVAC_OK && !quiet) {
    char paths[EVAC_RANK_MAX_OUTPUTS][4096];
    int npaths = evac_ranking_output_paths(out, csv, paths);
    evac_ranking_print(r, stdout);
    printf("\n  ranking written to %s", out);
    for (int i = 1; i < npaths; i++)
      printf("%s%s", i + 1 < npaths ? ", " : " and ", paths[i]);
    printf("\n");
  }
  evac_ranking_free(r);
  if (st == EVAC_OK) {
    evac_diag_destroy(d);
    return EVAC_OK;
  }
  return finish_diag(d, st);
}

static int cmd_batch(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_batch, stdout);
    return EVAC_OK;
  }
  const char *manifest = NULL, *dir = NULL;
  struct evac_batch_opts opts = {.summary = stdout, .stop = &batch_stop};
  const struct opt_spec specs[] = {
      {"--output", "-o", OPT_TEXT, 0, 0, &dir, NULL},
      {"--reps", NULL, OPT_INT, 2, 100000, &opts.reps, NULL},
      {"--threads", NULL, OPT_INT, 0, 100000, &opts.threads, NULL},
      {"--quiet", NULL, OPT_FLAG, 0, 0, &opts.quiet, NULL},
      {NULL, NULL, OPT_FLAG, 0, 0, NULL, NULL}};
  if (parse_options("evacsim batch", usage_batch, specs, argc, argv, &manifest))
    return EVAC_ERR_INPUT;
  if (!manifest || !dir) {
    fprintf(stderr, "evacsim batch: %s is required\n%s",
            manifest ? "-o DIR" : "a manifest file", usage_batch);
    return EVAC_ERR_INPUT;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_batch_signal;
  sigemptyset(&sa.sa_mask);
  /* SIGUSR1: what mpirun forwards to every rank (scenarios/slurm/) */
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
  for (int i = 0; i < 4; i++)
    sigaction(sigs[i], &sa, NULL);
  opts.progress = !opts.quiet;
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  int st = evac_batch_run(manifest, dir, &opts, d);
  fflush(stdout);
  return finish_diag(d, st);
}

static int cmd_gen_county(int argc, char **argv) {
  struct evac_gen_county_opts o = {.buildings = -1,
                                   .floors_max = 8,
                                   .occupants_max = 40,
                                   .duration_s = 1800,
                                   .reps = 20,
                                   .seed = 1};
  const char *dir = NULL;
  int duration_s = (int)o.duration_s;
  const struct opt_spec specs[] = {
      {"--output", "-o", OPT_TEXT, 0, 0, &dir, NULL},
      {"--buildings", NULL, OPT_INT, 0, 100000, &o.buildings, NULL},
      {"--floors-max", NULL, OPT_INT, 0, 100000, &o.floors_max, NULL},
      {"--occupants-max", NULL, OPT_INT, 0, 100000, &o.occupants_max, NULL},
      {"--duration", NULL, OPT_INT, 0, 100000, &duration_s, NULL},
      {"--reps", NULL, OPT_INT, 2, 100000, &o.reps, NULL},
      {"--seed", NULL, OPT_U64, 0, 1ull << 53, &o.seed, NULL},
      {NULL, NULL, OPT_FLAG, 0, 0, NULL, NULL}};
  if (parse_options("evacsim gen county", usage_gen, specs, argc - 1, argv + 1,
                    NULL))
    return EVAC_ERR_INPUT;
  o.duration_s = duration_s;
  if (o.buildings < 0 || !dir) {
    fprintf(stderr, "evacsim gen county: --buildings and -o are required\n%s",
            usage_gen);
    return EVAC_ERR_INPUT;
  }
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  int st = evac_gen_county(&o, dir, d);
  if (st == EVAC_OK)
    printf("wrote %s/county.json and %d towers\n", dir, o.buildings);
  return finish_diag(d, st);
}

static int cmd_info(int argc, char **argv) {
  if (wants_help(argc, argv) || argc != 1) {
    fputs(usage_info, argc != 1 ? stderr : stdout);
    return argc != 1 ? EVAC_ERR_INPUT : EVAC_OK;
  }
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  return finish_diag(d, evac_info_print(argv[0], stdout, d));
}

static int cmd_gen(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_gen, stdout);
    return EVAC_OK;
  }
  if (argc >= 1 && strcmp(argv[0], "county") == 0)
    return cmd_gen_county(argc, argv);
  if (argc < 1 || strcmp(argv[0], "tower") != 0) {
    fprintf(stderr,
            "evacsim gen: the generator must be 'tower' or 'county'\n%s",
            usage_gen);
    return EVAC_ERR_INPUT;
  }
  struct evac_gen_opts opts = {.floors = -1, .occupants = -1, .seed = 1};
  const char *dir = NULL;
  const struct opt_spec specs[] = {
      {"--output", "-o", OPT_TEXT, 0, 0, &dir, NULL},
      {"--floors", NULL, OPT_INT, 0, 10000000, &opts.floors, NULL},
      {"--occupants", NULL, OPT_INT, 0, 10000000, &opts.occupants, NULL},
      {"--seed", NULL, OPT_U64, 0, UINT64_MAX, &opts.seed, NULL},
      {NULL, NULL, OPT_FLAG, 0, 0, NULL, NULL}};
  if (parse_options("evacsim gen tower", usage_gen, specs, argc - 1, argv + 1,
                    NULL))
    return EVAC_ERR_INPUT;
  if (opts.floors < 0 || opts.occupants < 0 || !dir) {
    fprintf(stderr,
            "evacsim gen tower: --floors, --occupants and -o are "
            "required\n%s",
            usage_gen);
    return EVAC_ERR_INPUT;
  }
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  int st = evac_gen_tower(&opts, dir, d);
  if (st == EVAC_OK)
    printf("wrote %s/tower.plan.json and %s/tower.scenario.json\n", dir, dir);
  return finish_diag(d, st);
}

/* The Python interpreter that runs the report and the import (Debian's,
 * with h5py, matplotlib and ezdxf from Debian packages). */
#define REPORT_PYTHON "/usr/bin/python3"

/* The folder of the Python scripts (evacsim-report, evacsim-import), into
 * buf: $EVACSIM_VIZ_DIR if set; else EVAC_VIZ_REL from the folder of this
 * executable (an installed evacsim: PREFIX/bin/../share/evacsim/viz) if it
 * holds evacsim-report; else the source tree's viz/ (EVAC_VIZ_DIR). Both
 * are set by CMake. Allocates nothing. */
static const char *viz_dir(char *buf, size_t n) {
  const char *env = getenv("EVACSIM_VIZ_DIR");
  if (env && *env)
    return env;
  char exe[4096];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len > 0) {
    exe[len] = '\0';
    const char *rel = EVAC_VIZ_REL;
    char *slash = strrchr(exe, '/');
    if (slash)
      *slash = '\0';
    /* PREFIX/bin + ../share/evacsim/viz: PREFIX/share/evacsim/viz */
    while (!strncmp(rel, "../", 3) && (slash = strrchr(exe, '/')) &&
           slash != exe) {
      *slash = '\0';
      rel += 3;
    }
    char probe[4200];
    int m = snprintf(buf, n, "%s/%s", exe, rel);
    if (m > 0 && (size_t)m < n &&
        snprintf(probe, sizeof probe, "%s/evacsim-report", buf) <
            (int)sizeof probe &&
        access(probe, R_OK) == 0)
      return buf;
  }
  return EVAC_VIZ_DIR;
}

/* argv for `python3 DIR/script ARGS` (malloc'd; script into buf), or NULL
 * after saying why (cmd names the command). */
static char **python_args(const char *cmd, const char *script_name, int argc,
                          char **argv, char *script, size_t n) {
  char dir_buf[4200];
  const char *dir = viz_dir(dir_buf, sizeof dir_buf);
  int len = snprintf(script, n, "%s/%s", dir, script_name);
  if (len < 0 || (size_t)len >= n || access(script, R_OK) != 0) {
    fprintf(stderr,
            "evacsim %s: cannot read the script '%s/%s' (set "
            "EVACSIM_VIZ_DIR to the viz/ folder of the evacsim sources or "
            "share/evacsim/viz of an installed evacsim)\n",
            cmd, dir, script_name);
    return NULL;
  }
  if (access(REPORT_PYTHON, X_OK) != 0) {
    fprintf(stderr,
            "evacsim %s: needs %s with h5py, matplotlib and ezdxf (Debian "
            "packages python3-h5py, python3-matplotlib, python3-pil, "
            "python3-ezdxf; 'make deps' installs them)\n",
            cmd, REPORT_PYTHON);
    return NULL;
  }
  char **args = calloc((size_t)argc + 3, sizeof *args);
  if (!args)
    return NULL;
  args[0] = REPORT_PYTHON;
  args[1] = script;
  for (int i = 0; i < argc; i++)
    args[i + 2] = argv[i];
  return args;
}

/* The result file among report's arguments: the first that is neither an
 * option nor the value of -o/--output or --floors; NULL if none. */
static const char *report_file(int argc, char **argv) {
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") ||
        !strcmp(argv[i], "--floors"))
      i++;
    else if (argv[i][0] != '-')
      return argv[i];
  }
  return NULL;
}

/* `report`: a thin front-end that replaces this process by
 * `python3 VIZ/evacsim-report ARGS` (no shell), so the report's exit code
 * and signals are the command's (VIZ: viz_dir). Returns only on failure. */
static int cmd_report(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_report, stdout);
    return EVAC_OK;
  }
  const char *file = report_file(argc, argv);
  if (file) { /* checked here, so that Python never reads a corrupt file */
    struct evac_diag *d = evac_diag_create();
    if (!d)
      return EVAC_ERR_RUNTIME;
    if (evac_h5_check(file, d) != EVAC_OK)
      return finish_diag(d, EVAC_ERR_INPUT);
    evac_diag_destroy(d);
  }
  char script[4400];
  char **args = python_args("report", "evacsim-report", argc, argv, script,
                            sizeof script);
  if (!args)
    return EVAC_ERR_RUNTIME;
  fflush(NULL);
  execv(REPORT_PYTHON, args);
  fprintf(stderr, "evacsim report: cannot run %s: %s\n", REPORT_PYTHON,
          strerror(errno));
  free(args);
  return EVAC_ERR_RUNTIME;
}

/* The value of -o/--output in argv (also --output=P and -oP), or NULL. */
static const char *output_arg(int argc, char **argv) {
  const char *out = NULL;
  for (int i = 0; i < argc; i++) {
    if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) &&
        i + 1 < argc)
      out = argv[++i];
    else if (!strncmp(argv[i], "--output=", 9))
      out = argv[i] + 9;
    else if (!strncmp(argv[i], "-o", 2) && argv[i][2])
      out = argv[i] + 2;
  }
  return out;
}

/* The import's Python process while `import` waits for it, for
 * on_import_signal. Global because a signal handler can reach nothing
 * else. */
static volatile pid_t import_child;

/* SIGTERM, SIGHUP during `import`: passed on to the Python process, whose
 * end (128 + the signal) is then the command's. (Ctrl-C reaches both
 * processes; the waiting one ignores it.) */
static void on_import_signal(int sig) {
  if (import_child > 0)
    kill(import_child, sig);
}

/* `import dxf ...`: runs `python3 VIZ/evacsim-import dxf ARGS` (no shell)
 * and waits; when it wrote the plan, checks it as `check` does. Exit: the
 * import's (128 + the signal that ended it), else the check's. */
static int cmd_import(int argc, char **argv) {
  if (wants_help(argc, argv) || argc < 1) {
    fputs(usage_import, argc < 1 ? stderr : stdout);
    return argc < 1 ? EVAC_ERR_INPUT : EVAC_OK;
  }
  char script[4400];
  char **args = python_args("import", "evacsim-import", argc, argv, script,
                            sizeof script);
  if (!args)
    return EVAC_ERR_RUNTIME;
  fflush(NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  static const int sigs[] = {SIGTERM, SIGHUP, SIGINT};
  for (int i = 0; i < 3; i++) {
    sa.sa_handler = sigs[i] == SIGINT ? SIG_IGN : on_import_signal;
    sigaction(sigs[i], &sa, NULL);
  }
  pid_t pid = fork();
  if (pid == 0) {
    sa.sa_handler = SIG_DFL;
    for (int i = 0; i < 3; i++)
      sigaction(sigs[i], &sa, NULL);
    execv(REPORT_PYTHON, args);
    fprintf(stderr, "evacsim import: cannot run %s: %s\n", REPORT_PYTHON,
            strerror(errno));
    _exit(EVAC_ERR_RUNTIME);
  }
  import_child = pid;
  free(args);
  int ws = 0;
  while (pid > 0 && waitpid(pid, &ws, 0) < 0 && errno == EINTR)
    ;
  if (pid < 0) {
    fprintf(stderr, "evacsim import: cannot start %s: %s\n", REPORT_PYTHON,
            strerror(errno));
    return EVAC_ERR_RUNTIME;
  }
  if (WIFSIGNALED(ws))
    return 128 + WTERMSIG(ws);
  if (WEXITSTATUS(ws) != 0)
    return WEXITSTATUS(ws);
  const char *plan = output_arg(argc, argv);
  if (!plan)
    return EVAC_OK;
  struct evac_diag *d = new_diag();
  if (!d)
    return EVAC_ERR_RUNTIME;
  enum evac_status st = evac_check_file(plan, 0, d);
  evac_diag_print(d, st == EVAC_OK ? stdout : stderr);
  int quiet = 0;
  for (int i = 0; i < argc; i++)
    quiet |= !strcmp(argv[i], "--quiet");
  if (st == EVAC_OK && !quiet)
    printf("%s: ok\n", plan);
  evac_diag_destroy(d);
  return st;
}

/* `--version`: the version, the revision and the scripts' folder. */
static int print_version(void) {
  char buf[4200];
  printf("evacsim %s (%s)\nscripts: %s\n", evac_version(), evac_git_revision(),
         viz_dir(buf, sizeof buf));
  return EVAC_OK;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_main, stderr);
    return EVAC_ERR_INPUT;
  }
  /* past a file size limit (ulimit -f), a write fails with EFBIG and is
   * reported (exit 4), rather than the process being killed */
  signal(SIGXFSZ, SIG_IGN);
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_main, stdout);
    return EVAC_OK;
  }
  if (!strcmp(cmd, "--version"))
    return print_version();
  if (!strcmp(cmd, "check"))
    return cmd_check(argc - 2, argv + 2);
  if (!strcmp(cmd, "run"))
    return cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "rank"))
    return cmd_rank(argc - 2, argv + 2);
  if (!strcmp(cmd, "batch"))
    return cmd_batch(argc - 2, argv + 2);
  if (!strcmp(cmd, "info"))
    return cmd_info(argc - 2, argv + 2);
  if (!strcmp(cmd, "gen"))
    return cmd_gen(argc - 2, argv + 2);
  if (!strcmp(cmd, "report"))
    return cmd_report(argc - 2, argv + 2);
  if (!strcmp(cmd, "import"))
    return cmd_import(argc - 2, argv + 2);
  fprintf(stderr, "evacsim: unknown command '%s'\n\n%s", cmd, usage_main);
  return EVAC_ERR_INPUT;
}
