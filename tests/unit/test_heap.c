/* Event heap: order by (tick, class, prio, id, seq). */
#include <criterion/criterion.h>

#include "heap.h"
#include "rng.h"

Test(heap, pops_in_key_order_with_stable_ties) {
  struct evac_heap h = {0};
  struct evac_rng r;
  evac_rng_init(&r, 5, 0, EVAC_RNG_ATTRIBUTES, 0);
  for (int i = 0; i < 5000; i++) {
    struct evac_event e = {.tick = evac_rng_below(&r, 50),
                           .cls = (int32_t)evac_rng_below(&r, 3),
                           .prio = evac_rng_below(&r, 3),
                           .id = (int32_t)evac_rng_below(&r, 4)};
    cr_assert_eq(evac_heap_push(&h, e), 0);
  }
  struct evac_event prev, e;
  cr_assert_eq(evac_heap_pop(&h, &prev), 0);
  int n = 1;
  while (evac_heap_pop(&h, &e) == 0) {
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
  cr_expect_null(evac_heap_peek(&h));
  evac_heap_free(&h);
}
