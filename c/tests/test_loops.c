/*
 * test_loops.c — properties of wasmpool's own loops, one per test, in pthreadpool's style:
 * completes, all items in bounds, each item processed once, work stealing, high
 * contention; prime, zero and one-element ranges; tile edges; nesting; concurrent callers.
 * Work stealing, high contention and concurrent callers cover every loop through one
 * table. A test that waits for another thread gives up at a deadline and fails, never hangs.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "child.h"
#include "deadline.h"
#include "wasmpool.h"

#define THREADS 4
#define PRIME 1009
#define PRIME_I 37
#define PRIME_J 41
#define HITS (PRIME_I * PRIME_J > PRIME ? PRIME_I * PRIME_J : PRIME)
#define TILE 7 /* the tile of the tiled loop in the tests that drive every loop */

static _Atomic int hits[HITS];
static _Atomic int out_of_bounds;
static _Atomic int timed_out; /* a wait for another thread gave up at the deadline */

static void reset(void) {
  for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) atomic_store(&hits[i], 0);
  atomic_store(&out_of_bounds, 0);
  atomic_store(&timed_out, 0);
}

/* Checks hits[0..n) are all exactly 1 and the rest 0, and that no wait timed out. */
static void check_each_once(size_t n) {
  CHECK(atomic_load(&timed_out) == 0, "a wait for another thread gave up after %d s",
        DEADLINE_SECONDS);
  CHECK(atomic_load(&out_of_bounds) == 0, "%d items out of bounds", atomic_load(&out_of_bounds));
  for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
    int expected = i < n ? 1 : 0;
    CHECK(atomic_load(&hits[i]) == expected, "item %zu ran %d times, expected %d", i,
          atomic_load(&hits[i]), expected);
  }
}

/* CLOCK_MONOTONIC seconds at which waits give up. Set before the loop whose items read
 * it, so publishing the loop orders the write before their reads. */
static double deadline;

static void start_deadline(void) {
  deadline = clock_seconds(CLOCK_MONOTONIC) + DEADLINE_SECONDS;
}

/* Waits until other threads raise *value to `target`. At the deadline it sets timed_out
 * and returns, so a pool that never runs the awaited items fails the test instead of
 * hanging it; every later wait of the test then gives up at once. */
static void await(_Atomic size_t *value, size_t target) {
  if (!await_at_least(value, target, deadline)) atomic_store(&timed_out, 1);
}

/* ---- every loop as a loop over flat items ----
 *
 * The work-stealing, high-contention and concurrent-caller tests drive every loop through
 * run_flat, which calls body(ctx, n) once for each flat item n < i * j of a shape, by way
 * of the loop's own indices: 1d and tiled loops run items 0 .. i*j-1 in a row, 2d runs
 * i x j with n = i * range_j + j, join runs a balanced tree of wp_join, one leaf per item. */

struct shape {
  size_t i, j;
};

typedef void (*item_fn)(void *ctx, size_t n);

struct flat {
  item_fn body;
  void *ctx;
  size_t range_j;
};

static void flat_1d(void *ctx, size_t i) {
  struct flat *f = ctx;
  f->body(f->ctx, i);
}

static void flat_tile(void *ctx, size_t start, size_t count) {
  struct flat *f = ctx;
  for (size_t n = start; n < start + count; n++) f->body(f->ctx, n);
}

static void flat_2d(void *ctx, size_t i, size_t j) {
  struct flat *f = ctx;
  f->body(f->ctx, i * f->range_j + j);
}

/* Items [start, start + count), count > 0: a = the first half, b = the rest. */
struct flat_span {
  const struct flat *f;
  size_t start, count;
};

static void flat_join(void *ctx) {
  struct flat_span *s = ctx;
  if (s->count == 1) {
    s->f->body(s->f->ctx, s->start);
    return;
  }
  size_t half = s->count / 2;
  struct flat_span a = {s->f, s->start, half}, b = {s->f, s->start + half, s->count - half};
  wp_join(flat_join, &a, flat_join, &b);
}

enum loop { LOOP_1D, LOOP_TILED, LOOP_2D, LOOP_JOIN, LOOPS };

/* Per loop: its name, the shape of its per-item tests (fits hits[]), the shape of its
 * high-contention test, and how many items share item 0's task call. */
static const struct {
  const char *name;
  struct shape items, contention;
  size_t unit;
} loops[LOOPS] = {
    [LOOP_1D] = {"wp_parallel_for", {PRIME, 1}, {1000003, 1}, 1},
    [LOOP_TILED] = {"wp_parallel_for_tiled", {PRIME, 1}, {1000003, 1}, TILE},
    [LOOP_2D] = {"wp_parallel_for_2d", {PRIME_I, PRIME_J}, {997, 1009}, 1},
    [LOOP_JOIN] = {"wp_join", {PRIME, 1}, {100003, 1}, 1},
};

static void run_flat(enum loop loop, struct shape s, item_fn body, void *ctx) {
  struct flat f = {body, ctx, s.j};
  size_t items = s.i * s.j;
  switch (loop) {
  case LOOP_1D: wp_parallel_for(flat_1d, &f, items); break;
  case LOOP_TILED: wp_parallel_for_tiled(flat_tile, &f, items, TILE); break;
  case LOOP_2D: wp_parallel_for_2d(flat_2d, &f, s.i, s.j); break;
  case LOOP_JOIN: if (items) flat_join(&(struct flat_span){&f, 0, items}); break;
  case LOOPS: break;
  }
}

/* Item 0 waits until every item outside its own task call is done (the rest of its tile
 * runs after it): only other threads, stealing from item 0's slice, can get them done.
 * For a join of two items, a waits until b is done, which forces b onto another thread. */
struct blocked {
  size_t items, others; /* others: the items item 0 waits for */
  _Atomic size_t done;
};

static void block_item_zero(void *ctx, size_t n) {
  struct blocked *b = ctx;
  if (n >= b->items) {
    atomic_fetch_add(&out_of_bounds, 1);
    return;
  }
  if (n == 0) await(&b->done, b->others);
  atomic_fetch_add(&hits[n], 1);
  atomic_fetch_add(&b->done, 1);
}

static void check_work_stealing(enum loop loop) {
  struct shape shapes[] = {{2, 1}, loops[loop].items};
  start_deadline();
  for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
    reset();
    size_t items = shapes[k].i * shapes[k].j, unit = loops[loop].unit;
    struct blocked b = {items, items > unit ? items - unit : 0, 0};
    run_flat(loop, shapes[k], block_item_zero, &b);
    check_each_once(items);
  }
}

static void increment(void *ctx, size_t i) {
  (void)i;
  atomic_fetch_add((_Atomic size_t *)ctx, 1);
}

/* Every item of a loop of about 10^6 (10^5 joins) bumps one shared counter. */
static void check_high_contention(enum loop loop) {
  struct shape s = loops[loop].contention;
  _Atomic size_t counter = 0;
  run_flat(loop, s, increment, (void *)&counter);
  CHECK(atomic_load(&counter) == s.i * s.j, "%s: counter %zu, expected %zu", loops[loop].name,
        atomic_load(&counter), s.i * s.j);
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

/* Items on other threads wait until the caller has run one: if the caller did not take
 * part, every item would end up waiting, and the test would fail at the deadline. */
static _Atomic size_t caller_ran;
static void wait_for_caller(void *ctx, size_t i) {
  pthread_t caller = *(pthread_t *)ctx;
  if (pthread_equal(pthread_self(), caller)) atomic_store(&caller_ran, 1);
  else await(&caller_ran, 1);
  atomic_fetch_add(&hits[i], 1);
}

static void caller_takes_part(void) {
  reset();
  start_deadline();
  atomic_store(&caller_ran, 0);
  pthread_t self = pthread_self();
  wp_parallel_for(wait_for_caller, &self, 97);
  CHECK(atomic_load(&caller_ran), "the caller ran no item of its own loop");
  check_each_once(97);
}

static void parallel_for_work_stealing(void) { check_work_stealing(LOOP_1D); }
static void parallel_for_high_contention(void) { check_high_contention(LOOP_1D); }

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

static void tiled_work_stealing(void) { check_work_stealing(LOOP_TILED); }
static void tiled_high_contention(void) { check_high_contention(LOOP_TILED); }

/* ---- wp_parallel_for_2d ---- */

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

static void parallel_for_2d_work_stealing(void) { check_work_stealing(LOOP_2D); }
static void parallel_for_2d_high_contention(void) { check_high_contention(LOOP_2D); }

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

static void join_work_stealing(void) { check_work_stealing(LOOP_JOIN); }
static void join_high_contention(void) { check_high_contention(LOOP_JOIN); }

/* ---- concurrent callers ---- */

enum { CALLERS = 4, ROUNDS = 20 };

/* One caller's counts. Static: a caller stuck past the deadline may still write them. */
static struct caller {
  size_t index, items; /* items: of the loop running now */
  _Atomic int hits[HITS];
  _Atomic int out_of_bounds;
  size_t wrong[LOOPS]; /* items not run exactly once, over every round of each loop */
} callers[CALLERS];

static void count_for_caller(void *ctx, size_t n) {
  struct caller *c = ctx;
  if (n >= c->items) atomic_fetch_add(&c->out_of_bounds, 1);
  else atomic_fetch_add(&c->hits[n], 1);
}

/* Runs every loop ROUNDS times, each caller in its own order, and counts each run's
 * items that did not run exactly once. */
static void *drive_every_loop(void *arg) {
  struct caller *c = arg;
  for (size_t r = 0; r < ROUNDS; r++) {
    for (size_t k = 0; k < LOOPS; k++) {
      enum loop loop = (enum loop)((c->index + r + k) % LOOPS);
      c->items = loops[loop].items.i * loops[loop].items.j;
      run_flat(loop, loops[loop].items, count_for_caller, c);
      for (size_t n = 0; n < c->items; n++) c->wrong[loop] += atomic_exchange(&c->hits[n], 0) != 1;
    }
  }
  return NULL;
}

static void loops_from_several_threads_at_once(void) {
  pthread_t threads[CALLERS];
  struct timespec give_up;
  clock_gettime(CLOCK_REALTIME, &give_up); /* pthread_timedjoin_np's clock */
  give_up.tv_sec += DEADLINE_SECONDS;
  for (size_t c = 0; c < CALLERS; c++) {
    memset(&callers[c], 0, sizeof callers[c]);
    callers[c].index = c;
    pthread_create(&threads[c], NULL, drive_every_loop, &callers[c]);
  }
  for (size_t c = 0; c < CALLERS; c++) {
    int err = pthread_timedjoin_np(threads[c], NULL, &give_up);
    CHECK(err == 0, "caller %zu still running after %d s", c, DEADLINE_SECONDS);
    if (err) continue;
    CHECK(atomic_load(&callers[c].out_of_bounds) == 0, "caller %zu: %d items out of bounds", c,
          atomic_load(&callers[c].out_of_bounds));
    for (size_t loop = 0; loop < LOOPS; loop++)
      CHECK(callers[c].wrong[loop] == 0, "caller %zu: %zu items of %s not run exactly once", c,
            callers[c].wrong[loop], loops[loop].name);
  }
}

/* ---- lifecycle ---- */

static void idle_pool_sleeps(void) {
  _Atomic size_t counter = 0;
  wp_parallel_for(increment, (void *)&counter, 1000);
  struct timespec settle = {0, 50 * 1000000}, idle = {0, 500 * 1000000};
  nanosleep(&settle, NULL); /* let the workers finish polling */
  double before = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  nanosleep(&idle, NULL);
  double used = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - before;
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
    CHECK(atomic_load(&hits[i]) == 1, "item %zu ran on thread %d before wp_start", i,
          atomic_load(&hits[i]) - 1);
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
  RUN(tiled_work_stealing);
  RUN(tiled_high_contention);
  RUN(parallel_for_2d_each_item_once);
  RUN(parallel_for_2d_zero_ranges_return);
  RUN(parallel_for_2d_work_stealing);
  RUN(parallel_for_2d_high_contention);
  RUN(join_nested_to_depth_20);
  RUN(join_nests_inside_loops);
  RUN(join_quicksort_sorts);
  RUN(join_work_stealing);
  RUN(join_high_contention);
  RUN(loops_from_several_threads_at_once);
  RUN(start_twice_fails_and_stop_restarts);
  RUN(idle_pool_sleeps);
  wp_stop();
  return check_summary();
}
