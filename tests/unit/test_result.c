/* The in-memory result: column sets grow and keep their rows, init sets the
 * documented defaults, free zeroes, event types have their names; field
 * samples store a floor from its first smoky sample, ambient after. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "result.h"

Test(result, series_push_keeps_many_rows) {
  struct evac_result_series s = {0};
  for (int i = 0; i < 10000; i++)
    cr_assert_eq(evac_result_series_push(&s, 0.5 * i, i, i / 2, 10000 - i,
                                         i % 7, 1000.0 + i),
                 0);
  cr_assert_eq(s.n, 10000);
  cr_assert_geq(s.cap, s.n);
  for (int i = 0; i < 10000; i += 997) {
    cr_assert_eq(s.time_s[i], 0.5 * i);
    cr_assert_eq(s.evacuated[i], i);
    cr_assert_eq(s.incapacitated[i], i / 2);
    cr_assert_eq(s.remaining[i], 10000 - i);
    cr_assert_eq(s.on_stairs[i], i % 7);
    cr_assert_eq(s.hrr_kw[i], 1000.0 + i);
  }
  struct evac_result r = {0};
  r.series = s;
  evac_result_free(&r);
}

Test(result, events_and_measures_push) {
  struct evac_result r;
  cr_assert_eq(evac_result_init(&r, 3, 2), 0);
  for (int i = 0; i < 1000; i++) {
    cr_assert_eq(evac_result_events_push(&r.events, i * 0.25,
                                         (enum evac_event_type)(i % 8), i % 3,
                                         i % 2, i, -i, i % 5 - 1),
                 0);
    cr_assert_eq(evac_result_measure_push(&r.measures[i % 2], i * 1.5,
                                          (int8_t)(i % 2 ? -1 : 1), i),
                 0);
  }
  cr_assert_eq(r.events.n, 1000);
  cr_assert_eq(r.events.time_s[999], 999 * 0.25);
  cr_assert_eq(r.events.type[999], 999 % 8);
  cr_assert_eq(r.events.agent[998], 998 % 3);
  cr_assert_eq(r.events.floor[997], 1);
  cr_assert_eq(r.events.x[500], 500);
  cr_assert_eq(r.events.y[500], -500);
  cr_assert_eq(r.events.target[4], 3);
  cr_assert_eq(r.events.target[5], -1);
  cr_assert_eq(r.measures[0].n, 500);
  cr_assert_eq(r.measures[1].n, 500);
  cr_assert_eq(r.measures[1].time_s[10], 21 * 1.5);
  cr_assert_eq(r.measures[1].direction[10], -1);
  cr_assert_eq(r.measures[0].direction[10], 1);
  cr_assert_eq(r.measures[0].agent[10], 20);
  evac_result_free(&r);
}

Test(result, traj_push_copies_samples) {
  struct evac_result_traj t = {0};
  enum { NA = 5, NS = 300 };
  float pos[2 * NA];
  int16_t fl[NA];
  int8_t st[NA];
  for (int s = 0; s < NS; s++) {
    for (int a = 0; a < NA; a++) {
      pos[2 * a] = (float)(s + a);
      pos[2 * a + 1] = (float)(s - a);
      fl[a] = (int16_t)(a + s % 3);
      st[a] = (int8_t)((a + s) % 6);
    }
    cr_assert_eq(evac_result_traj_push(&t, s * 2.0, NA, pos, fl, st), 0);
  }
  /* the caller's buffers are copied: change them, the stored rows stay */
  memset(pos, 0, sizeof pos);
  cr_assert_eq(t.n, NS);
  cr_assert_eq(t.time_s[123], 246.0);
  cr_assert_eq(t.pos_m[(123 * NA + 4) * 2], 127.0f);
  cr_assert_eq(t.pos_m[(123 * NA + 4) * 2 + 1], 119.0f);
  cr_assert_eq(t.floor[123 * NA + 2], 2 + 123 % 3);
  cr_assert_eq(t.state[299 * NA + 1], (1 + 299) % 6);
  struct evac_result r = {0};
  r.traj = t;
  evac_result_free(&r);
}

Test(result, init_defaults_and_free_zeroes) {
  struct evac_result r;
  cr_assert_eq(evac_result_init(&r, 4, 3), 0);
  cr_assert_eq(r.occupants, 4);
  cr_assert_eq(r.nmeasures, 3);
  cr_assert(isnan(r.evacuation_time_s));
  cr_assert(isnan(r.aset_s));
  cr_assert(isnan(r.first_incapacitation_s));
  for (int i = 0; i < 4; i++) {
    cr_assert(isnan(r.agents.exit_time_s[i]));
    cr_assert_eq(r.agents.safe_place[i], -1);
    cr_assert_eq(r.agents.profile[i], 0);
    cr_assert_eq(r.agents.fed_max[i], 0.0);
    cr_assert_eq(r.agents.incapacitated[i], 0);
  }
  for (int k = 0; k < 3; k++)
    cr_assert_eq(r.measures[k].n, 0);
  cr_assert_eq(evac_result_series_push(&r.series, 1, 2, 3, 4, 5, 6), 0);
  evac_result_free(&r);
  struct evac_result zero;
  memset(&zero, 0, sizeof zero);
  cr_assert_eq(memcmp(&r, &zero, sizeof r), 0);
  /* freeing twice is harmless */
  evac_result_free(&r);
}

Test(result, init_zero_agents) {
  struct evac_result r;
  cr_assert_eq(evac_result_init(&r, 0, 0), 0);
  cr_assert_eq(r.occupants, 0);
  cr_assert_eq(evac_result_init(&(struct evac_result){0}, -1, 0), -1);
  evac_result_free(&r);
}

Test(result, event_type_names) {
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_START), "start");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_SAFE), "safe");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_STAIR_ENTER), "stair_enter");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_STAIR_EXIT), "stair_exit");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_REROUTE), "reroute");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_TRAPPED), "trapped");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_CLOSE), "close");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_OPEN), "open");
  cr_assert_str_eq(evac_event_type_name(EVAC_LOG_NTYPES), "unknown");
  /* every name is distinct */
  for (int i = 0; i < EVAC_LOG_NTYPES; i++)
    for (int j = i + 1; j < EVAC_LOG_NTYPES; j++)
      cr_assert_str_neq(evac_event_type_name((enum evac_event_type)i),
                        evac_event_type_name((enum evac_event_type)j));
}

Test(result, field_names_and_units) {
  static const char *const names[EVAC_NFQ] = {
      "layer_height_m", "upper_temp_c", "soot_kg_m3",
      "co_ppm",         "visibility_m", "fed_rate_per_min"};
  static const char *const units[EVAC_NFQ] = {"m",   "degC", "kg/m3",
                                              "ppm", "m",    "1/min"};
  for (int q = 0; q < EVAC_NFQ; q++) {
    cr_assert_str_eq(evac_field_qty_name((enum evac_field_qty)q), names[q]);
    cr_assert_str_eq(evac_field_qty_unit((enum evac_field_qty)q), units[q]);
  }
  cr_assert_str_eq(evac_field_qty_name(EVAC_NFQ), "unknown");
}

/* Two floors: G 3 x 2 with a wall and a void cell, L1 2 x 2 all floor. */
static struct evac_floor field_floors[2] = {
    {.name = (char *)"G", .nx = 3, .ny = 2, .offset = 0},
    {.name = (char *)"L1", .nx = 2, .ny = 2, .offset = 6}};
static uint8_t field_kinds[10] = {
    EVAC_CELL_WALL,  EVAC_CELL_FLOOR, EVAC_CELL_DOOR,  EVAC_CELL_VOID,
    EVAC_CELL_STAIR, EVAC_CELL_SHAFT, EVAC_CELL_FLOOR, EVAC_CELL_FLOOR,
    EVAC_CELL_FLOOR, EVAC_CELL_EXIT};

static struct evac_model field_model(void) {
  struct evac_model m = {0};
  m.nfloors = 2;
  m.floors = field_floors;
  m.ncells = 10;
  m.cell_kind = field_kinds;
  return m;
}

/* Ambient values of floor k: 3 + k (layer height), 20, 0, 0, 1000, 0. */
static void field_ambient(float *amb) {
  for (int k = 0; k < 2; k++) {
    const float v[EVAC_NFQ] = {3.0f + (float)k, 20.0f, 0, 0, 1000.0f, 0};
    memcpy(amb + k * EVAC_NFQ, v, sizeof v);
  }
}

Test(result, fields_init) {
  struct evac_model m = field_model();
  float amb[2 * EVAC_NFQ];
  field_ambient(amb);
  struct evac_result r;
  cr_assert_eq(evac_result_init(&r, 1, 0), 0);
  cr_assert_eq(evac_result_fields_init(&r.fields, &m, amb), 0);
  struct evac_result_fields *f = &r.fields;
  cr_assert_eq(f->n, 0);
  cr_assert_eq(f->nfloors, 2);
  cr_assert(f->ncells[0] == 6 && f->ncells[1] == 4);
  cr_assert(f->first[0] == -1 && f->first[1] == -1);
  const uint8_t want[6] = {1, 0, 0, 1, 0, 0}; /* wall, void; shaft is not */
  for (int c = 0; c < 6; c++)
    cr_assert_eq(f->solid[0][c], want[c], "cell %d", c);
  for (int c = 0; c < 4; c++)
    cr_assert_eq(f->solid[1][c], 0);
  cr_assert_eq(f->ambient[1][EVAC_FQ_LAYER_HEIGHT], 4.0f);
  cr_assert_eq(f->ambient[0][EVAC_FQ_VISIBILITY], 1000.0f);
  evac_result_free(&r);
  cr_assert_null(r.fields.ncells);
}

/* Floor L1 gets smoke at sample 1 and loses it at sample 2 (stored as its
 * ambient values); G never: nothing is stored for it. Many samples after,
 * so the arrays grow. */
Test(result, fields_push_stores_from_first_smoke) {
  struct evac_model m = field_model();
  float amb[2 * EVAC_NFQ];
  field_ambient(amb);
  struct evac_result r;
  cr_assert_eq(evac_result_init(&r, 0, 0), 0);
  struct evac_result_fields *f = &r.fields;
  cr_assert_eq(evac_result_fields_init(f, &m, amb), 0);
  const float *none[2] = {NULL, NULL};
  cr_assert_eq(evac_result_fields_push(f, 0.0, none), 0);
  cr_assert_eq(f->first[1], -1);
  cr_assert_null(f->data[EVAC_NFQ]);
  enum { NS = 1000 };
  for (int s = 1; s < NS; s++) {
    float smoke[EVAC_NFQ * 4];
    for (int i = 0; i < EVAC_NFQ * 4; i++)
      smoke[i] = (float)(s * 100 + i);
    const float *data[2] = {NULL, s == 2 ? NULL : smoke};
    cr_assert_eq(evac_result_fields_push(f, 5.0 * s, data), 0);
  }
  /* the caller's buffer is copied */
  cr_assert_eq(f->n, NS);
  cr_assert_geq(f->cap, f->n);
  cr_assert_eq(f->time_s[0], 0.0);
  cr_assert_eq(f->time_s[NS - 1], 5.0 * (NS - 1));
  cr_assert_eq(f->first[0], -1);
  for (int q = 0; q < EVAC_NFQ; q++)
    cr_assert_null(f->data[q]);
  cr_assert_eq(f->first[1], 1);
  /* row = sample - first; quantity q, cell c of sample s: s*100 + q*4 + c */
  const float *co = f->data[EVAC_NFQ + EVAC_FQ_CO];
  cr_assert_eq(co[0 * 4 + 3], 100.0f + EVAC_FQ_CO * 4 + 3);
  cr_assert_eq(co[1 * 4 + 2], 0.0f); /* sample 2: ambient CO */
  const float *h = f->data[EVAC_NFQ + EVAC_FQ_LAYER_HEIGHT];
  cr_assert_eq(h[1 * 4 + 0], 4.0f); /* sample 2: ambient layer height */
  cr_assert_eq(h[2 * 4 + 1], 301.0f);
  const float *fed = f->data[EVAC_NFQ + EVAC_FQ_FED_RATE];
  cr_assert_eq(fed[(NS - 2) * 4 + 3],
               (float)((NS - 1) * 100 + EVAC_FQ_FED_RATE * 4 + 3));
  evac_result_free(&r);
}

/* Out of memory while a floor starts: the set is unchanged and the next
 * push works. Run in a child whose address space is capped so that three
 * of the six arrays of the big floor fit and the fourth does not. */
Test(result, fields_push_failure_leaves_set_unchanged) {
#ifdef __SANITIZE_ADDRESS__
  /* a capped address space cannot hold AddressSanitizer's shadow memory */
  cr_skip_test("address-space limits do not work under AddressSanitizer");
#endif
  static struct evac_floor fl[2] = {{.nx = 2, .ny = 1, .offset = 0},
                                    {.nx = 1024, .ny = 640, .offset = 2}};
  struct evac_model m = {0};
  m.nfloors = 2;
  m.floors = fl;
  float amb[2 * EVAC_NFQ] = {0};
  struct evac_result_fields f;
  cr_assert_eq(evac_result_fields_init(&f, &m, amb), 0);
  const size_t big = 1024 * 640;
  float *smoke = calloc(big * EVAC_NFQ, sizeof *smoke);
  cr_assert_not_null(smoke);
  const float small[2 * EVAC_NFQ] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const float *data[2] = {small, NULL};
  cr_assert_eq(evac_result_fields_push(&f, 0.0, data), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    /* 16 rows x 655360 cells x 4 bytes = 40 MiB per array; 128 MiB free */
    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!statm || fscanf(statm, "%lu", &pages) != 1)
      _exit(10);
    fclose(statm);
    rlim_t now = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    struct rlimit lim = {now + ((rlim_t)128 << 20), now + ((rlim_t)128 << 20)};
    if (setrlimit(RLIMIT_AS, &lim) != 0)
      _exit(11);
    data[1] = smoke;
    if (evac_result_fields_push(&f, 1.0, data) != -1)
      _exit(12);
    if (f.n != 1 || f.first[0] != 0 || f.first[1] != -1)
      _exit(13);
    for (int q = 0; q < EVAC_NFQ; q++)
      if (f.data[EVAC_NFQ + q])
        _exit(14);
    data[1] = NULL;
    if (evac_result_fields_push(&f, 1.0, data) != 0 || f.n != 2 ||
        f.data[EVAC_FQ_CO][2 + 1] != 8.0f)
      _exit(15);
    _exit(0);
  }
  int status;
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFEXITED(status));
  cr_assert_eq(WEXITSTATUS(status), 0, "child failed at step %d",
               WEXITSTATUS(status));
  struct evac_result r = {0};
  r.fields = f;
  evac_result_free(&r);
  free(smoke);
}
