/* The heap (heap.h) and the event queue on it (events.h): order by (tick,
 * class, prio, id, seq). */
#include <criterion/criterion.h>

#include "events.h"
#include "heap.h"
#include "rng.h"

Test(heap, pops_in_key_order_with_stable_ties) {
  struct evac_events h = {0};
  struct evac_rng r;
  evac_rng_init(&r, 5, 0, EVAC_RNG_ATTRIBUTES, 0);
  for (int i = 0; i < 5000; i++) {
    struct evac_event e = {.tick = evac_rng_below(&r, 50),
                           .cls = (int32_t)evac_rng_below(&r, 3),
                           .prio = evac_rng_below(&r, 3),
                           .id = (int32_t)evac_rng_below(&r, 4)};
    cr_assert_eq(evac_events_push(&h, e), 0);
  }
  struct evac_event prev, e;
  cr_assert_eq(evac_events_pop(&h, &prev), 0);
  int n = 1;
  while (evac_events_pop(&h, &e) == 0) {
    int ordered =
        prev.tick < e.tick ||
        (prev.tick == e.tick &&
         (prev.cls < e.cls ||
          (prev.cls == e.cls &&
           (prev.prio < e.prio ||
            (prev.prio == e.prio &&
             (prev.id < e.id || (prev.id == e.id && prev.seq < e.seq)))))));
    cr_assert(ordered, "event %d out of order", n);
    prev = e;
    n++;
  }
  cr_expect_eq(n, 5000);
  cr_expect_null(evac_events_peek(&h));
  evac_events_free(&h);
}

/* 1 if int a is below int b. */
static int int_before(const void *a, const void *b) {
  return *(const int *)a < *(const int *)b;
}

Test(heap, sorts_any_element_type) {
  struct evac_heap h = {0};
  struct evac_rng r;
  evac_rng_init(&r, 7, 0, EVAC_RNG_ATTRIBUTES, 0);
  int count[100] = {0};
  for (int i = 0; i < 3000; i++) {
    int v = (int)evac_rng_below(&r, 100);
    count[v]++;
    cr_assert_eq(evac_heap_push(&h, &v, sizeof v, int_before), 0);
    if (i % 7 == 0) { /* interleave pops with pushes */
      int top;
      cr_assert_eq(evac_heap_pop(&h, &top, sizeof top, int_before), 0);
      count[top]--;
      for (int k = 0; k < top; k++)
        cr_assert_eq(count[k], 0, "popped %d while %d is queued", top, k);
    }
  }
  int prev = -1, v;
  while (evac_heap_pop(&h, &v, sizeof v, int_before) == 0) {
    cr_assert_geq(v, prev);
    count[v]--;
    prev = v;
  }
  for (int k = 0; k < 100; k++)
    cr_assert_eq(count[k], 0, "value %d lost or duplicated", k);
  cr_expect_null(evac_heap_peek(&h));
  evac_heap_free(&h);
}
