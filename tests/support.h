/* Helpers shared by the tests: temporary files, running the evacsim binary,
 * loading a model from JSON text. */
#ifndef EVAC_TEST_SUPPORT_H
#define EVAC_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct evac_model;
struct evac_diag;

/* A child process running the evacsim binary. */
struct evac_test_child {
  pid_t pid; /* its process */
  int fd;    /* read end of its stdout + stderr */
};

/* Starts evacsim with argv (argv[0] = EVAC_BIN), its files limited to fsize
 * bytes when fsize > 0. Its SIGXFSZ disposition is left at the default:
 * evacsim must ignore it itself. */
struct evac_test_child evac_test_spawn(char *const argv[], rlim_t fsize);

/* Waits for the child; returns its wait status, its output in *text
 * (malloc'd). */
int evac_test_wait(struct evac_test_child c, char **text);

/* A fresh, empty temporary directory under the build tree, named after tag.
 * Returns a static buffer overwritten by the next call. */
const char *evac_test_dir(const char *tag);

/* Writes text to dir/name; returns the path (malloc'd). */
char *evac_test_write(const char *dir, const char *name, const char *text);

/* Reads the whole file at path (NUL-terminated, malloc'd; its size in *n
 * when n is not NULL); NULL if it cannot. */
char *evac_test_read(const char *path, size_t *n);

/* Runs `evacsim args` with the shell, stdout and stderr captured into *out
 * (malloc'd, may be NULL). Returns the exit code, or -1. */
int evac_test_cli(const char *args, char **out);

/* As evac_test_cli, but the command is killed after seconds (0: no limit)
 * by timeout(1); a command killed so returns 124. */
int evac_test_cli_timeout(const char *args, int seconds, char **out);

/* A small deterministic generator for random test cases (xorshift64*):
 * the next value of state *x. */
uint64_t evac_test_next(uint64_t *x);

/* An integer in [lo, hi] from state *x. */
int evac_test_pick(uint64_t *x, int lo, int hi);

/* Parses plan text (which must be valid; the messages are printed if it
 * is not) into a fresh model, its plan_path "p.json"; the caller frees it. */
struct evac_model *evac_test_plan(const char *text);

/* Loads the scenario text (with its plan text written beside it as
 * plan_name when plan_text is not NULL) into *m. Returns the status; the
 * messages are in diag. */
int evac_test_load(const char *tag, const char *plan_name,
                   const char *plan_text, const char *scenario_text,
                   struct evac_diag *diag, struct evac_model **m);

/* Index of the first message of d containing s, or -1. */
int evac_test_find_msg(const struct evac_diag *d, const char *s);

/* Fails the test (printing every message) unless a message contains s. */
void evac_test_expect_msg(const struct evac_diag *d, const char *s);

struct evac_sim;

/* Loads a plan + scenario (as texts, see evac_test_load), creates and runs
 * the simulation with the given seed. Prints the messages and returns NULL
 * on any failure. *m receives the model (free it after the simulation). */
struct evac_sim *evac_test_run(const char *tag, const char *plan_text,
                               const char *scenario_text,
                               unsigned long long seed, struct evac_model **m);

/* Fails the test unless every dataset of the HDF5 file at path has a
 * "unit" attribute (docs/output.md) and there is at least one dataset. */
void evac_test_expect_units(const char *path);

/* Builds a grid row: n copies of c (malloc'd). */
char *evac_test_repeat(char c, int n);

#endif
