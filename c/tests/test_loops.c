/*
 * test_loops.c — properties of wasmpool's own loops, one per test, in pthreadpool's style:
 * completes, all items in bounds, each item processed once, work stealing, high
 * contention; prime, zero and one-element ranges; tile edges; nesting; concurrent callers.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "child.h"
#include "wasmpool.h"

#define THREADS 4
#define PRIME 1009
#define PRIME_I 37
#define PRIME_J 41

static _Atomic int hits[PRIME_I * PRIME_J > PRIME ? PRIME_I * PRIME_J : PRIME];
static _Atomic int out_of_bounds;
static _Atomic size_t done_items;

static void reset(void) {
  for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) atomic_store(&hits[i], 0);
  atomic_store(&out_of_bounds, 0);
  atomic_store(&done_items, 0);
}

/* Checks hits[0..n) are all exactly 1 and the rest 0. */
static void check_each_once(size_t n) {
  CHECK(atomic_load(&out_of_bounds) == 0, "%d items out of bounds", atomic_load(&out_of_bounds));
  for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
    int expected = i < n ? 1 : 0;
    CHECK(atomic_load(&hits[i]) == expected, "item %zu ran %d times, expected %d", i,
          atomic_load(&hits[i]), expected);
  }
}

/* ---- wp_parallel_for ---- */

static void count_1d(void *ctx, size_t i) {
  size_t range = *(size_t *)ctx;
  if (i >= range) atomic_fetch_add(&out_of_bounds, 1);
  else atomic_fetch_add(&hits[i], 1);
}

static void parallel_for_each_item_once(void) {
  size_t ranges[] = {PRIME, 1, 2, THREADS - 1, THREADS, THREADS + 1, 97};
  for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
    reset();
    wp_parallel_for(count_1d, &ranges[r], ranges[r]);
    check_each_once(ranges[r]);
  }
}

static void parallel_for_zero_range_returns(void) {
  reset();
  size_t range = 0;
  wp_parallel_for(count_1d, &range, 0);
  check_each_once(0);
}

static void record_thread(void *ctx, size_t i) {
  (void)ctx;
  size_t t = wp_thread_index();
  if (t >= wp_threads_count()) atomic_fetch_add(&out_of_bounds, 1);
  atomic_store(&hits[i], (int)t + 1);
}

static void thread_index_in_range(void) {
  reset();
  CHECK(wp_threads_count() == THREADS, "wp_threads_count() = %zu", wp_threads_count());
  wp_parallel_for(record_thread, NULL, PRIME);
  CHECK(atomic_load(&out_of_bounds) == 0, "thread index out of range");
}

/* Items on other threads wait (up to 10 s) until the caller has run one: if the caller
 * did not take part, every item would end up waiting, and the loop would take 10 s per
 * item instead of finishing at once. */
static _Atomic int caller_ran;
static void wait_for_caller(void *ctx, size_t i) {
  pthread_t caller = *(pthread_t *)ctx;
  if (pthread_equal(pthread_self(), caller)) {
    atomic_store(&caller_ran, 1);
  } else {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
      sched_yield();
      clock_gettime(CLOCK_MONOTONIC, &now);
    } while (!atomic_load(&caller_ran) && now.tv_sec - start.tv_sec < 10);
  }
  atomic_fetch_add(&hits[i], 1);
}

static void caller_takes_part(void) {
  reset();
  atomic_store(&caller_ran, 0);
  pthread_t self = pthread_self();
  wp_parallel_for(wait_for_caller, &self, 97);
  CHECK(atomic_load(&caller_ran), "the caller ran no item of its own loop");
  check_each_once(97);
}

/* Item 0 waits until every other item is done: only stealing can get them done. */
static void block_item_zero(void *ctx, size_t i) {
  size_t range = *(size_t *)ctx;
  if (i == 0) {
    while (atomic_load(&done_items) != range - 1) sched_yield();
  } else {
    atomic_fetch_add(&done_items, 1);
  }
  atomic_fetch_add(&hits[i], 1);
}

static void parallel_for_work_stealing(void) {
  reset();
  size_t range = PRIME;
  wp_parallel_for(block_item_zero, &range, range);
  check_each_once(range);
}

static void increment(void *ctx, size_t i) {
  (void)i;
  atomic_fetch_add((_Atomic size_t *)ctx, 1);
}

static void parallel_for_high_contention(void) {
  _Atomic size_t counter = 0;
  size_t range = 1000003;
  wp_parallel_for(increment, (void *)&counter, range);
  CHECK(atomic_load(&counter) == range, "counter %zu, expected %zu", atomic_load(&counter), range);
}

/* ---- wp_parallel_for_tiled ---- */

struct tiled_ctx {
  size_t range, tile;
};

static void count_tile(void *ctx, size_t start, size_t count) {
  struct tiled_ctx *t = ctx;
  if (start % t->tile != 0 || count == 0 || count > t->tile || start + count > t->range)
    atomic_fetch_add(&out_of_bounds, 1);
  for (size_t i = start; i < start + count && i < t->range; i++) atomic_fetch_add(&hits[i], 1);
}

static void tiled_each_item_once_at_tile_edges(void) {
  struct tiled_ctx cases[] = {{PRIME, 1},  {PRIME, 2},   {PRIME, 7},    {PRIME, 1000},
                              {PRIME, PRIME}, {PRIME, 5000}, {1, 3}, {64, 16}, {65, 16}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    reset();
    wp_parallel_for_tiled(count_tile, &cases[c], cases[c].range, cases[c].tile);
    check_each_once(cases[c].range);
  }
}

static void tiled_zero_range_and_zero_tile(void) {
  reset();
  struct tiled_ctx t = {0, 4};
  wp_parallel_for_tiled(count_tile, &t, 0, 4);
  check_each_once(0);
  struct tiled_ctx one = {PRIME, 1}; /* tile 0 acts as 1 */
  wp_parallel_for_tiled(count_tile, &one, PRIME, 0);
  check_each_once(PRIME);
}

/* ---- wp_parallel_for_2d ---- */

struct shape {
  size_t i, j;
};

static void count_2d(void *ctx, size_t i, size_t j) {
  struct shape *s = ctx;
  if (i >= s->i || j >= s->j) atomic_fetch_add(&out_of_bounds, 1);
  else atomic_fetch_add(&hits[i * s->j + j], 1);
}

static void parallel_for_2d_each_item_once(void) {
  struct shape shapes[] = {{PRIME_I, PRIME_J}, {1, PRIME}, {PRIME, 1}, {1, 1}, {2, 3}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    reset();
    wp_parallel_for_2d(count_2d, &shapes[s], shapes[s].i, shapes[s].j);
    check_each_once(shapes[s].i * shapes[s].j);
  }
}

static void parallel_for_2d_zero_ranges_return(void) {
  reset();
  struct shape s = {0, 5};
  wp_parallel_for_2d(count_2d, &s, 0, 5);
  struct shape t = {5, 0};
  wp_parallel_for_2d(count_2d, &t, 5, 0);
  check_each_once(0);
}

/* ---- wp_join ---- */

struct tree {
  int depth;
  _Atomic size_t *leaves;
};

static void visit(void *ctx) {
  struct tree *t = ctx;
  if (t->depth == 0) {
    atomic_fetch_add(t->leaves, 1);
    return;
  }
  struct tree left = {t->depth - 1, t->leaves}, right = {t->depth - 1, t->leaves};
  wp_join(visit, &left, visit, &right);
}

static void join_nested_to_depth_20(void) {
  _Atomic size_t leaves = 0;
  struct tree root = {20, &leaves};
  visit(&root);
  CHECK(atomic_load(&leaves) == (size_t)1 << 20, "%zu leaves, expected %zu",
        atomic_load(&leaves), (size_t)1 << 20);
}

static void join_inside_parallel_for(void *ctx, size_t i) {
  (void)i;
  struct tree root = {8, ctx};
  visit(&root);
}

static void join_nests_inside_loops(void) {
  _Atomic size_t leaves = 0;
  wp_parallel_for(join_inside_parallel_for, (void *)&leaves, 97);
  CHECK(atomic_load(&leaves) == 97u << 8, "%zu leaves", atomic_load(&leaves));
}

/* Quicksort with wp_join: deep, unbalanced, data-dependent nesting. */
struct span {
  int *xs;
  size_t n;
};

static void quicksort(void *ctx) {
  struct span *s = ctx;
  if (s->n < 16) {
    for (size_t i = 1; i < s->n; i++)
      for (size_t k = i; k > 0 && s->xs[k - 1] > s->xs[k]; k--) {
        int tmp = s->xs[k]; s->xs[k] = s->xs[k - 1]; s->xs[k - 1] = tmp;
      }
    return;
  }
  int pivot = s->xs[s->n / 2];
  size_t lo = 0, hi = s->n - 1;
  for (;;) {
    while (s->xs[lo] < pivot) lo++;
    while (s->xs[hi] > pivot) hi--;
    if (lo >= hi) break;
    int tmp = s->xs[lo]; s->xs[lo] = s->xs[hi]; s->xs[hi] = tmp;
    lo++, hi--;
  }
  struct span left = {s->xs, hi + 1}, right = {s->xs + hi + 1, s->n - hi - 1};
  wp_join(quicksort, &left, quicksort, &right);
}

static void join_quicksort_sorts(void) {
  size_t n = 200003;
  int *xs = malloc(n * sizeof *xs);
  srand(7);
  for (size_t i = 0; i < n; i++) xs[i] = rand() % 1000; /* many duplicates */
  struct span all = {xs, n};
  quicksort(&all);
  size_t unsorted = 0;
  for (size_t i = 1; i < n; i++) unsorted += xs[i - 1] > xs[i];
  CHECK(unsorted == 0, "%zu pairs out of order", unsorted);
  free(xs);
}

/* ---- concurrent callers ---- */

static void *caller_thread(void *arg) {
  _Atomic size_t *counter = arg;
  for (int k = 0; k < 200; k++) wp_parallel_for(increment, (void *)counter, 101);
  return NULL;
}

static void loops_from_several_threads_at_once(void) {
  enum { CALLERS = 4 };
  _Atomic size_t counters[CALLERS];
  pthread_t callers[CALLERS];
  for (int c = 0; c < CALLERS; c++) {
    atomic_init(&counters[c], 0);
    pthread_create(&callers[c], NULL, caller_thread, (void *)&counters[c]);
  }
  for (int c = 0; c < CALLERS; c++) {
    pthread_join(callers[c], NULL);
    CHECK(atomic_load(&counters[c]) == 200 * 101, "caller %d counted %zu", c, atomic_load(&counters[c]));
  }
}

/* ---- lifecycle ---- */

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void idle_pool_sleeps(void) {
  _Atomic size_t counter = 0;
  wp_parallel_for(increment, (void *)&counter, 1000);
  struct timespec settle = {0, 50 * 1000000}, idle = {0, 500 * 1000000};
  nanosleep(&settle, NULL); /* let the workers finish polling */
  double before = cpu_seconds();
  nanosleep(&idle, NULL);
  double used = cpu_seconds() - before;
  /* Spinning workers would burn ~1.5 s of CPU here; sleeping ones burn none. */
  CHECK(used < 0.05, "idle pool used %.3f s of CPU in 0.5 s", used);
}

static void start_twice_fails_and_stop_restarts(void) {
  CHECK(wp_start(THREADS) != 0, "a second wp_start succeeded");
  wp_stop();
  CHECK(wp_threads_count() == 1, "stopped pool reports %zu threads", wp_threads_count());
  reset();
  size_t range = PRIME;
  wp_parallel_for(count_1d, &range, range); /* serial now */
  check_each_once(range);
  CHECK(wp_start(THREADS) == 0, "restart failed");
  CHECK(wp_threads_count() == THREADS, "restarted pool reports %zu threads", wp_threads_count());
}

static void serial_before_start(void) {
  reset();
  size_t range = 97;
  wp_parallel_for(record_thread, &range, range);
  for (size_t i = 0; i < range; i++)
    CHECK(atomic_load(&hits[i]) == 1, "item %zu ran on thread %d before wp_start", i, atomic_load(&hits[i]) - 1);
}

static void never_called(void *ctx, size_t i, size_t j) {
  (void)ctx, (void)i, (void)j;
}

static void overflowing_2d_loop(void *arg) {
  (void)arg;
  wp_parallel_for_2d(never_called, NULL, SIZE_MAX / 2, 3);
}

static void parallel_for_2d_that_overflows_size_t_panics(void) {
  struct child c;
  run_in_child(overflowing_2d_loop, NULL, &c);
  CHECK(c.signal == SIGABRT, "ended with signal %d, status %d", c.signal, c.status);
  CHECK(strstr(c.err, "do not fit in size_t") != NULL, "stderr: %s", c.err);
}

int main(void) {
  RUN(serial_before_start);
  RUN(parallel_for_2d_that_overflows_size_t_panics); /* before wp_start: fork keeps one thread */
  if (wp_start(THREADS) != 0) {
    printf("not ok - wp_start(%d) failed\n", THREADS);
    return 1;
  }
  RUN(thread_index_in_range);
  RUN(caller_takes_part);
  RUN(parallel_for_each_item_once);
  RUN(parallel_for_zero_range_returns);
  RUN(parallel_for_work_stealing);
  RUN(parallel_for_high_contention);
  RUN(tiled_each_item_once_at_tile_edges);
  RUN(tiled_zero_range_and_zero_tile);
  RUN(parallel_for_2d_each_item_once);
  RUN(parallel_for_2d_zero_ranges_return);
  RUN(join_nested_to_depth_20);
  RUN(join_nests_inside_loops);
  RUN(join_quicksort_sorts);
  RUN(loops_from_several_threads_at_once);
  RUN(start_twice_fails_and_stop_restarts);
  RUN(idle_pool_sleeps);
  wp_stop();
  return check_summary();
}
