/* evacsim: the command line. It parses arguments and calls the library;
 * it is the only place that turns a status into an exit code. */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"

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
    "  info OUT.h5               summarise a result file\n"
    "  gen tower --floors N --occupants M [--seed S] -o DIR\n"
    "                            write a synthetic hospital tower\n"
    "\n"
    "'evacsim COMMAND --help' tells more. Exit codes: 0 ok, 2 bad input,\n"
    "3 runtime failure, 4 output I/O failure.\n";

static const char usage_check[] =
    "usage: evacsim check FILE.json...\n"
    "\n"
    "Validates building plans (*.plan.json) and scenarios (*.scenario.json;\n"
    "their plan too). Prints 'FILE: ok' or every error found, each naming\n"
    "the file and the JSON path. Exit 0 if all are valid, else 2.\n";

static const char usage_run[] =
    "usage: evacsim run SCENARIO.json -o OUT.h5 [--seed N] [--threads N] "
    "[--fix ID]... [--quiet]\n"
    "       evacsim run --verify OUT.h5 [--threads N] [--quiet]\n"
    "\n"
    "Runs one simulation of the scenario, with the fire and the hazards of\n"
    "its hazard list, and writes the result file (written to\n"
    "OUT.h5.partial, then renamed). Prints a summary table.\n"
    "  -o, --output OUT.h5  result file (required)\n"
    "  --seed N             random seed (default: the scenario's \"seed\")\n"
    "  --threads N          threads for the smoke sweep (default: all)\n"
    "  --fix ID             simulate as if hazard ID were rectified\n"
    "                       (repeatable; 'all' rectifies every hazard)\n"
    "  --quiet              print nothing but errors\n"
    "  --verify OUT.h5      re-run the result file OUT.h5 from its stored\n"
    "                       scenario, plan, seed, replication and fixes\n"
    "                       (threads: --threads N, else the stored count) and\n"
    "                       compare /summary (but wall_clock_s) and /agents\n"
    "                       exactly: exit 0 if identical, 3 if they differ,\n"
    "                       2 if OUT.h5 is not a complete run result\n";

static const char usage_rank[] =
    "usage: evacsim rank SCENARIO.json -o RANK.h5 [--csv RANK.csv] [--reps N]\n"
    "       [--min-reps N] [--steps N] [--threads N] [--seed N] [--quiet]\n"
    "\n"
    "Ranks the scenario's hazard list: simulates the building with every\n"
    "hazard, with each fixed, and greedily fixes the one that avoids the most\n"
    "casualties, over replications with common random numbers (each draws\n"
    "its fire from \"fires\" by weight). Replications are doubled from\n"
    "--min-reps until every choice beats the next best at 95 % or --reps is\n"
    "reached. Prints the rectification list, the closure check and the\n"
    "responsibility list.\n"
    "  -o, --output RANK.h5 ranking file (required)\n"
    "  --csv RANK.csv       also the lists as CSV: RANK.csv (rectification),\n"
    "                       RANK-hazards.csv, RANK-closure.csv, "
    "RANK-owners.csv\n"
    "  --reps N             replications per variant at most, 2..100000\n"
    "                       (default 40)\n"
    "  --min-reps N         first round (default 10; = --reps: fixed)\n"
    "  --steps N            greedy steps at most (default 0: all); the rest\n"
    "                       are listed by their effect at the last step\n"
    "  --threads N          replications run in parallel (default: all)\n"
    "  --seed N             base seed (default: the scenario's)\n"
    "  --quiet              print nothing but errors\n";

static const char usage_info[] = "usage: evacsim info OUT.h5\n"
                                 "\n"
                                 "Prints a summary of a result file.\n";

static const char usage_gen[] =
    "usage: evacsim gen tower --floors N --occupants M [--seed S] -o DIR\n"
    "\n"
    "Writes DIR/tower.plan.json and DIR/tower.scenario.json: a synthetic\n"
    "hospital ward tower of N storeys (two protected stairs, ward rooms on a\n"
    "central corridor, two smoke compartments a floor) with M occupants.\n"
    "  --floors N     storeys, 1..200\n"
    "  --occupants M  people, spread over the ward rooms\n"
    "  --seed S       the scenario's seed (default 1)\n"
    "  -o DIR         output folder (created if missing)\n";

/* The partial files (PATH.partial) that run or rank may be writing, for
 * on_signal to remove. Global because a signal handler can reach nothing
 * else; filled before the handler is installed and never changed after. */
static char partials[EVAC_RANK_MAX_OUTPUTS][4200];

/* SIGTERM, SIGINT, SIGHUP: removes the partial files (a result is either
 * complete under its final name or absent), then dies of the signal (its
 * default action is restored by SA_RESETHAND, and the signal, blocked
 * while the handler runs, is delivered when it returns). */
static void on_signal(int sig) {
  static const char msg[] = "evacsim: stopped by a signal; no output written\n";
  for (int i = 0; i < EVAC_RANK_MAX_OUTPUTS; i++)
    if (partials[i][0])
      unlink(partials[i]);
  if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
    /* nothing more a handler can do */
  }
  raise(sig);
}

/* Makes a termination signal remove path.partial and path2.partial (path2
 * may be NULL). A path too long for the buffer is not protected. */
static void remove_partials_on_signal(const char *path, const char *path2) {
  const char *paths[2] = {path, path2};
  for (int i = 0; i < 2; i++) {
    int n = paths[i] ? snprintf(partials[i], sizeof partials[i], "%s.partial",
                                paths[i])
                     : 0;
    if (n < 0 || (size_t)n >= sizeof partials[i])
      partials[i][0] = '\0';
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
  for (int i = 0; i < 3; i++)
    sigaction(sigs[i], &sa, NULL);
}

static int wants_help(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
      return 1;
  return 0;
}

/* Parses a whole non-negative integer up to max; returns 0 or -1. */
static int parse_uint(const char *opt, const char *s, unsigned long long max,
                      unsigned long long *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *s == '-' || *end || errno || v > max) {
    fprintf(stderr, "evacsim: %s: '%s' is not a whole number in 0..%llu\n", opt,
            s, max);
    return -1;
  }
  *out = v;
  return 0;
}

/* The value of option argv[*i]; advances *i. NULL (reported) if missing. */
static const char *option_value(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) {
    fprintf(stderr, "evacsim: %s needs a value\n", argv[*i]);
    return NULL;
  }
  return argv[++*i];
}

static int finish_diag(struct evac_diag *d, int status) {
  evac_diag_print(d, stderr);
  evac_diag_free(d);
  return status;
}

static int cmd_check(int argc, char **argv) {
  if (wants_help(argc, argv) || argc < 1) {
    fputs(usage_check, argc < 1 ? stderr : stdout);
    return argc < 1 ? EVAC_ERR_INPUT : EVAC_OK;
  }
  int status = EVAC_OK;
  for (int i = 0; i < argc; i++) {
    struct evac_diag d;
    evac_diag_init(&d);
    enum evac_status st = evac_check_file(argv[i], &d);
    evac_diag_print(&d, st == EVAC_OK ? stdout : stderr);
    if (st == EVAC_OK)
      printf("%s: ok\n", argv[i]);
    else
      status = st;
    evac_diag_free(&d);
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
  struct evac_diag d;
  evac_diag_init(&d);
  int st = evac_result_verify(path, threads, quiet ? NULL : stdout, &d);
  if (quiet && st == EVAC_OK) {
    evac_diag_free(&d);
    return st;
  }
  fflush(stdout);
  return finish_diag(&d, st);
}

static int cmd_run(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_run, stdout);
    return EVAC_OK;
  }
  const char *scenario = NULL, *out = NULL, *verify = NULL;
  struct evac_run_opts opts = {0};
  int quiet = 0, inputs = 0; /* inputs: --seed or --fix given */
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v;
    unsigned long long n;
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (!(out = option_value(argc, argv, &i)))
        return EVAC_ERR_INPUT;
    } else if (!strcmp(a, "--verify")) {
      if (!(verify = option_value(argc, argv, &i)))
        return EVAC_ERR_INPUT;
    } else if (!strcmp(a, "--seed")) {
      inputs = 1;
      if (!(v = option_value(argc, argv, &i)) ||
          parse_uint(a, v, UINT64_MAX, &n))
        return EVAC_ERR_INPUT;
      opts.seed = n;
      opts.seed_given = 1;
    } else if (!strcmp(a, "--threads")) {
      if (!(v = option_value(argc, argv, &i)) || parse_uint(a, v, 4096, &n))
        return EVAC_ERR_INPUT;
      opts.threads = (int)n;
    } else if (!strcmp(a, "--fix")) {
      inputs = 1;
      if (!option_value(argc, argv, &i)) /* applied once the model loads */
        return EVAC_ERR_INPUT;
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (a[0] == '-' || scenario) {
      fprintf(stderr, "evacsim run: unexpected argument '%s'\n%s", a,
              usage_run);
      return EVAC_ERR_INPUT;
    } else {
      scenario = a;
    }
  }
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
  remove_partials_on_signal(out, NULL);
  if (opts.threads > 0)
    omp_set_num_threads(opts.threads);
  else
    opts.threads = omp_get_max_threads();
  opts.progress = !quiet && isatty(STDERR_FILENO);

  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_model *m = NULL;
  struct evac_sim *sim = NULL;
  st = evac_model_load(scenario, &d, &m);
  for (int i = 0; st == EVAC_OK && i + 1 < argc; i++)
    if (!strcmp(argv[i], "--fix") && evac_hazards_fix(m, argv[++i])) {
      evac_diag_error(&d, scenario, "hazards",
                      "--fix %s: no hazard has the id \"%s\"", argv[i],
                      argv[i]);
      st = EVAC_ERR_INPUT;
    }
  if (st == EVAC_OK)
    evac_hazards_apply(m, &d); /* run simulates the building as it is */
  if (st == EVAC_OK)
    st = evac_sim_create(m, &opts, &d, &sim);
  if (st == EVAC_OK && !quiet)
    evac_diag_print(&d, stderr); /* warnings */
  if (st == EVAC_OK)
    st = evac_sim_run(sim);
  if (st == EVAC_OK)
    st = evac_sim_write(sim, out, &d);
  if (st == EVAC_OK && !quiet) {
    evac_sim_print_summary(sim, stdout);
    printf("  result written to %s\n", out);
  }
  if (st == EVAC_ERR_RUNTIME)
    fprintf(stderr, "evacsim run: %s: simulation failed (out of memory?)\n",
            scenario);
  evac_sim_free(sim);
  evac_model_free(m);
  if (st == EVAC_OK) {
    evac_diag_free(&d);
    return EVAC_OK;
  }
  return finish_diag(&d, st);
}

static int cmd_rank(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_rank, stdout);
    return EVAC_OK;
  }
  const char *scenario = NULL, *out = NULL, *csv = NULL;
  struct evac_rank_opts opts = {.reps = EVAC_RANK_DEFAULT_REPS};
  int quiet = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v;
    unsigned long long n;
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (!(out = option_value(argc, argv, &i)))
        return EVAC_ERR_INPUT;
    } else if (!strcmp(a, "--csv")) {
      if (!(csv = option_value(argc, argv, &i)))
        return EVAC_ERR_INPUT;
    } else if (!strcmp(a, "--steps")) {
      if (!(v = option_value(argc, argv, &i)) || parse_uint(a, v, 63, &n))
        return EVAC_ERR_INPUT;
      opts.steps = (int)n;
    } else if (!strcmp(a, "--min-reps")) {
      if (!(v = option_value(argc, argv, &i)) || parse_uint(a, v, 100000, &n))
        return EVAC_ERR_INPUT;
      if (n < 2) {
        fprintf(stderr, "evacsim rank: --min-reps must be at least 2\n");
        return EVAC_ERR_INPUT;
      }
      opts.min_reps = (int)n;
    } else if (!strcmp(a, "--reps") || !strcmp(a, "--threads") ||
               !strcmp(a, "--seed")) {
      if (!(v = option_value(argc, argv, &i)) ||
          parse_uint(a, v, a[2] == 's' ? UINT64_MAX : 100000, &n))
        return EVAC_ERR_INPUT;
      if (a[2] == 'r' && n < 2) {
        fprintf(stderr, "evacsim rank: --reps must be at least 2\n");
        return EVAC_ERR_INPUT;
      }
      if (a[2] == 'r')
        opts.reps = (int)n;
      else if (a[2] == 't')
        opts.threads = (int)n;
      else
        opts.seed = n, opts.seed_given = 1;
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (a[0] == '-' || scenario) {
      fprintf(stderr, "evacsim rank: unexpected argument '%s'\n%s", a,
              usage_rank);
      return EVAC_ERR_INPUT;
    } else {
      scenario = a;
    }
  }
  if (!scenario || !out) {
    fprintf(stderr, "evacsim rank: %s is required\n%s",
            scenario ? "-o RANK.h5" : "a scenario file", usage_rank);
    return EVAC_ERR_INPUT;
  }
  int st = check_output_dir(out);
  if (st == EVAC_OK && csv)
    st = check_output_dir(csv);
  if (st != EVAC_OK)
    return st;
  /* the CSV lists' partial files first (slots 1..), then out's (slot 0)
     with the handler; a NULL second path leaves slot 1 as it is */
  char paths[EVAC_RANK_MAX_OUTPUTS][4096];
  int npaths = evac_ranking_output_paths(out, csv, paths);
  for (int i = 1; i < npaths; i++)
    if (snprintf(partials[i], sizeof partials[i], "%.4095s.partial",
                 paths[i]) >= (int)sizeof partials[i])
      partials[i][0] = '\0';
  remove_partials_on_signal(out, NULL);
  opts.progress = !quiet && isatty(STDERR_FILENO);
  struct evac_diag d;
  evac_diag_init(&d);
  struct evac_ranking *r = NULL;
  st = evac_rank_run(scenario, &opts, &d, &r);
  if (st == EVAC_OK && !quiet)
    evac_diag_print(&d, stderr); /* warnings */
  if (st == EVAC_OK)
    st = evac_ranking_write(r, out, csv, &d);
  if (st == EVAC_OK && !quiet) {
    evac_ranking_print(r, stdout);
    printf("\n  ranking written to %s", out);
    for (int i = 1; i < npaths; i++)
      printf("%s%s", i + 1 < npaths ? ", " : " and ", paths[i]);
    printf("\n");
  }
  evac_ranking_free(r);
  if (st == EVAC_OK) {
    evac_diag_free(&d);
    return EVAC_OK;
  }
  return finish_diag(&d, st);
}

static int cmd_info(int argc, char **argv) {
  if (wants_help(argc, argv) || argc != 1) {
    fputs(usage_info, argc != 1 ? stderr : stdout);
    return argc != 1 ? EVAC_ERR_INPUT : EVAC_OK;
  }
  struct evac_diag d;
  evac_diag_init(&d);
  return finish_diag(&d, evac_info_print(argv[0], stdout, &d));
}

static int cmd_gen(int argc, char **argv) {
  if (wants_help(argc, argv)) {
    fputs(usage_gen, stdout);
    return EVAC_OK;
  }
  if (argc < 1 || strcmp(argv[0], "tower") != 0) {
    fprintf(stderr, "evacsim gen: the generator must be 'tower'\n%s",
            usage_gen);
    return EVAC_ERR_INPUT;
  }
  struct evac_gen_opts opts = {.floors = -1, .occupants = -1, .seed = 1};
  const char *dir = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    unsigned long long n;
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (!(dir = option_value(argc, argv, &i)))
        return EVAC_ERR_INPUT;
    } else if (!strcmp(a, "--floors") || !strcmp(a, "--occupants") ||
               !strcmp(a, "--seed")) {
      if (!(v = option_value(argc, argv, &i)) ||
          parse_uint(a, v, a[2] == 's' ? UINT64_MAX : 10000000, &n))
        return EVAC_ERR_INPUT;
      if (a[2] == 'f')
        opts.floors = (int)n;
      else if (a[2] == 'o')
        opts.occupants = (int)n;
      else
        opts.seed = n;
    } else {
      fprintf(stderr, "evacsim gen: unexpected argument '%s'\n%s", a,
              usage_gen);
      return EVAC_ERR_INPUT;
    }
  }
  if (opts.floors < 0 || opts.occupants < 0 || !dir) {
    fprintf(stderr,
            "evacsim gen tower: --floors, --occupants and -o are "
            "required\n%s",
            usage_gen);
    return EVAC_ERR_INPUT;
  }
  struct evac_diag d;
  evac_diag_init(&d);
  int st = evac_gen_tower(&opts, dir, &d);
  if (st == EVAC_OK)
    printf("wrote %s/tower.plan.json and %s/tower.scenario.json\n", dir, dir);
  return finish_diag(&d, st);
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
  if (!strcmp(cmd, "--version")) {
    printf("evacsim %s (%s)\n", evac_version(), evac_git_revision());
    return EVAC_OK;
  }
  if (!strcmp(cmd, "check"))
    return cmd_check(argc - 2, argv + 2);
  if (!strcmp(cmd, "run"))
    return cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "rank"))
    return cmd_rank(argc - 2, argv + 2);
  if (!strcmp(cmd, "info"))
    return cmd_info(argc - 2, argv + 2);
  if (!strcmp(cmd, "gen"))
    return cmd_gen(argc - 2, argv + 2);
  fprintf(stderr, "evacsim: unknown command '%s'\n\n%s", cmd, usage_main);
  return EVAC_ERR_INPUT;
}
