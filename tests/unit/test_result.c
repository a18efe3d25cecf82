/* The in-memory result: column sets grow and keep their rows, init sets the
 * documented defaults, free zeroes, event types have their names. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

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
