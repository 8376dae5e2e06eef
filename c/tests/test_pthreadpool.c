/*
 * test_pthreadpool.c — pthreadpool's API on the wasmpool core, tested the way pthreadpool
 * tests itself (test/pthreadpool.cc): one property per test, prime ranges, tiles that do
 * not divide them, assertions on counts and never on timing.
 *
 * Every variant's task is a small adapter that reports the box of items one call covers
 * to visit(). So each property is written once, and runs for all fifteen variants as
 * "parallelize_<variant>.<property>". Tasks never CHECK (check.h is single-threaded): they
 * count anomalies in the probe, and the test checks those counts after the loop.
 *
 * WP_STRESS=sanitizer (set by the Makefile for the TSan and ASan runs) shrinks the shapes
 * to smaller primes and the repetitions, so the sanitized binaries finish in seconds.
 */
#include <float.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pthreadpool.h"
#include "wasmpool.h"

#define MAX_DIMS 6
#define NO_THREAD SIZE_MAX /* the task of a variant without a thread index */

static const size_t ones[MAX_DIMS] = {1, 1, 1, 1, 1, 1};

/* ---- The probe: one loop's shape, and what its tasks saw ---- */

struct variant;

struct probe {
  const struct variant *v;
  size_t range[MAX_DIMS], tile[MAX_DIMS]; /* passed to the call; tile 1 where untiled */
  size_t total;                           /* items in range[] */
  size_t threads;                         /* the pool's pthreadpool_get_threads_count */
  uint32_t flags;                         /* passed to the call */
  pthread_t caller;
  bool quiet;            /* tasks do nothing at all */
  bool wait_at_origin;   /* the task covering item (0, .., 0) waits for all other tasks */
  _Atomic int *counts;   /* visits per item, row-major; NULL: not counted */
  _Atomic size_t done;   /* items visited, by every task: a highly contended counter */
  _Atomic size_t calls;  /* task calls finished */
  _Atomic size_t out_of_bounds, ragged_tiles, bad_thread_index, off_caller, not_flushed;
};

/* One parallelize_* variant, as pthreadpool's tests shape it. */
struct variant {
  const char *name;
  size_t dims;
  bool with_thread;
  size_t range[MAX_DIMS];
  size_t tile[MAX_DIMS]; /* > 1 on tiled dimensions, 1 elsewhere */
  void (*call)(pthreadpool_t pool, struct probe *p);
};

static bool is_tiled(const struct variant *v, size_t d) { return v->tile[d] > 1; }

static size_t min(size_t a, size_t b) { return a < b ? a : b; }

static size_t items_in(const size_t *range, size_t dims) {
  size_t n = 1;
  for (size_t d = 0; d < dims; d++) n *= range[d];
  return n;
}

/* Counts one more visit of every item in the box at[d] .. at[d] + len[d]. */
static void count_box(struct probe *p, const size_t *at, const size_t *len) {
  size_t dims = p->v->dims, off[MAX_DIMS] = {0};
  for (;;) {
    size_t flat = 0;
    for (size_t d = 0; d < dims; d++) flat = flat * p->range[d] + at[d] + off[d];
    atomic_fetch_add_explicit(&p->counts[flat], 1, memory_order_relaxed);
    size_t d = dims;
    while (d > 0 && ++off[d - 1] == len[d - 1]) off[--d] = 0;
    if (d == 0) return;
  }
}

static bool denormals_flush(void) {
  volatile float tiny = FLT_MIN;
  return tiny * 0.5f == 0.0f;
}

/* Checks one task call, and counts the items it covers. Returns whether the call covers
 * item (0, .., 0). */
static bool record(struct probe *p, size_t thread, const size_t *at, const size_t *len) {
  size_t n = 1;
  bool origin = true;
  for (size_t d = 0; d < p->v->dims; d++) {
    size_t tile = p->tile[d] ? p->tile[d] : 1; /* a tile of 0 acts as 1 */
    if (at[d] >= p->range[d] || len[d] == 0 || len[d] > p->range[d] - at[d]) {
      atomic_fetch_add(&p->out_of_bounds, 1);
      return false;
    }
    if (at[d] % tile != 0 || len[d] != min(tile, p->range[d] - at[d]))
      atomic_fetch_add(&p->ragged_tiles, 1);
    n *= len[d];
    origin = origin && at[d] == 0;
  }
  if (p->v->with_thread && thread >= p->threads) atomic_fetch_add(&p->bad_thread_index, 1);
  if (!pthread_equal(pthread_self(), p->caller) || (p->v->with_thread && thread != 0))
    atomic_fetch_add(&p->off_caller, 1);
  if ((p->flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS) && !denormals_flush())
    atomic_fetch_add(&p->not_flushed, 1);
  if (p->counts) count_box(p, at, len);
  atomic_fetch_add_explicit(&p->done, n, memory_order_relaxed);
  return origin;
}

/* The task calls a loop of the probe's shape makes. */
static size_t tasks_in(const struct probe *p) {
  size_t n = 1;
  for (size_t d = 0; d < p->v->dims; d++) {
    size_t tile = p->tile[d] ? p->tile[d] : 1;
    n *= (p->range[d] + tile - 1) / tile;
  }
  return n;
}

/* Every task call of every variant ends up here: `thread` is its thread index (NO_THREAD
 * if the variant has none), and the call covers the box at[d] .. at[d] + len[d]. With
 * wait_at_origin, the call covering item (0, .., 0) returns only after every other call
 * did: it waits on calls, not items, so a bug that loses items fails the test instead of
 * hanging it. */
static void visit(struct probe *p, size_t thread, const size_t *at, const size_t *len) {
  if (p->quiet) return;
  bool origin = record(p, thread, at, len);
  atomic_fetch_add_explicit(&p->calls, 1, memory_order_release);
  if (p->wait_at_origin && origin)
    for (size_t tasks = tasks_in(p); atomic_load_explicit(&p->calls, memory_order_acquire) < tasks;)
      sched_yield();
}

/* ---- The fifteen variants: a task adapter and a call each ---- */

#define AT(...) (const size_t[]){__VA_ARGS__}

static void task_1d(void *p, size_t i) { visit(p, NO_THREAD, AT(i), ones); }
static void call_1d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_1d(pool, task_1d, p, p->range[0], p->flags);
}

static void task_1d_with_thread(void *p, size_t t, size_t i) { visit(p, t, AT(i), ones); }
static void call_1d_with_thread(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_1d_with_thread(pool, task_1d_with_thread, p, p->range[0], p->flags);
}

static void task_1d_tile_1d(void *p, size_t i, size_t ti) { visit(p, NO_THREAD, AT(i), AT(ti)); }
static void call_1d_tile_1d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_1d_tile_1d(pool, task_1d_tile_1d, p, p->range[0], p->tile[0],
                                     p->flags);
}

static void task_2d(void *p, size_t i, size_t j) { visit(p, NO_THREAD, AT(i, j), ones); }
static void call_2d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_2d(pool, task_2d, p, p->range[0], p->range[1], p->flags);
}

static void task_2d_with_thread(void *p, size_t t, size_t i, size_t j) {
  visit(p, t, AT(i, j), ones);
}
static void call_2d_with_thread(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_2d_with_thread(pool, task_2d_with_thread, p, p->range[0], p->range[1],
                                         p->flags);
}

static void task_2d_tile_1d(void *p, size_t i, size_t j, size_t tj) {
  visit(p, NO_THREAD, AT(i, j), AT(1, tj));
}
static void call_2d_tile_1d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_2d_tile_1d(pool, task_2d_tile_1d, p, p->range[0], p->range[1],
                                     p->tile[1], p->flags);
}

static void task_2d_tile_2d(void *p, size_t i, size_t j, size_t ti, size_t tj) {
  visit(p, NO_THREAD, AT(i, j), AT(ti, tj));
}
static void call_2d_tile_2d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_2d_tile_2d(pool, task_2d_tile_2d, p, p->range[0], p->range[1],
                                     p->tile[0], p->tile[1], p->flags);
}

static void task_3d(void *p, size_t i, size_t j, size_t k) {
  visit(p, NO_THREAD, AT(i, j, k), ones);
}
static void call_3d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_3d(pool, task_3d, p, p->range[0], p->range[1], p->range[2], p->flags);
}

static void task_3d_tile_1d(void *p, size_t i, size_t j, size_t k, size_t tk) {
  visit(p, NO_THREAD, AT(i, j, k), AT(1, 1, tk));
}
static void call_3d_tile_1d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_3d_tile_1d(pool, task_3d_tile_1d, p, p->range[0], p->range[1],
                                     p->range[2], p->tile[2], p->flags);
}

static void task_3d_tile_2d(void *p, size_t i, size_t j, size_t k, size_t tj, size_t tk) {
  visit(p, NO_THREAD, AT(i, j, k), AT(1, tj, tk));
}
static void call_3d_tile_2d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_3d_tile_2d(pool, task_3d_tile_2d, p, p->range[0], p->range[1],
                                     p->range[2], p->tile[1], p->tile[2], p->flags);
}

static void task_4d(void *p, size_t i, size_t j, size_t k, size_t l) {
  visit(p, NO_THREAD, AT(i, j, k, l), ones);
}
static void call_4d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_4d(pool, task_4d, p, p->range[0], p->range[1], p->range[2],
                             p->range[3], p->flags);
}

static void task_4d_tile_1d(void *p, size_t i, size_t j, size_t k, size_t l, size_t tl) {
  visit(p, NO_THREAD, AT(i, j, k, l), AT(1, 1, 1, tl));
}
static void call_4d_tile_1d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_4d_tile_1d(pool, task_4d_tile_1d, p, p->range[0], p->range[1],
                                     p->range[2], p->range[3], p->tile[3], p->flags);
}

static void task_4d_tile_2d(void *p, size_t i, size_t j, size_t k, size_t l, size_t tk,
                            size_t tl) {
  visit(p, NO_THREAD, AT(i, j, k, l), AT(1, 1, tk, tl));
}
static void call_4d_tile_2d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_4d_tile_2d(pool, task_4d_tile_2d, p, p->range[0], p->range[1],
                                     p->range[2], p->range[3], p->tile[2], p->tile[3], p->flags);
}

static void task_5d(void *p, size_t i, size_t j, size_t k, size_t l, size_t m) {
  visit(p, NO_THREAD, AT(i, j, k, l, m), ones);
}
static void call_5d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_5d(pool, task_5d, p, p->range[0], p->range[1], p->range[2],
                             p->range[3], p->range[4], p->flags);
}

static void task_6d(void *p, size_t i, size_t j, size_t k, size_t l, size_t m, size_t n) {
  visit(p, NO_THREAD, AT(i, j, k, l, m, n), ones);
}
static void call_6d(pthreadpool_t pool, struct probe *p) {
  pthreadpool_parallelize_6d(pool, task_6d, p, p->range[0], p->range[1], p->range[2],
                             p->range[3], p->range[4], p->range[5], p->flags);
}

/* pthreadpool's own test shapes (kParallelize*Range*, kParallelize*Tile*). */
static struct variant variants[] = {
    {"parallelize_1d", 1, false, {1223}, {1}, call_1d},
    {"parallelize_1d_with_thread", 1, true, {1223}, {1}, call_1d_with_thread},
    {"parallelize_1d_tile_1d", 1, false, {1303}, {11}, call_1d_tile_1d},
    {"parallelize_2d", 2, false, {41, 43}, {1, 1}, call_2d},
    {"parallelize_2d_with_thread", 2, true, {41, 43}, {1, 1}, call_2d_with_thread},
    {"parallelize_2d_tile_1d", 2, false, {43, 53}, {1, 5}, call_2d_tile_1d},
    {"parallelize_2d_tile_2d", 2, false, {53, 59}, {5, 7}, call_2d_tile_2d},
    {"parallelize_3d", 3, false, {13, 17, 19}, {1, 1, 1}, call_3d},
    {"parallelize_3d_tile_1d", 3, false, {17, 19, 23}, {1, 1, 5}, call_3d_tile_1d},
    {"parallelize_3d_tile_2d", 3, false, {19, 23, 29}, {1, 2, 3}, call_3d_tile_2d},
    {"parallelize_4d", 4, false, {11, 13, 17, 19}, {1, 1, 1, 1}, call_4d},
    {"parallelize_4d_tile_1d", 4, false, {13, 17, 19, 23}, {1, 1, 1, 5}, call_4d_tile_1d},
    {"parallelize_4d_tile_2d", 4, false, {17, 19, 23, 29}, {1, 1, 2, 3}, call_4d_tile_2d},
    {"parallelize_5d", 5, false, {7, 11, 13, 17, 19}, {1, 1, 1, 1, 1}, call_5d},
    {"parallelize_6d", 6, false, {3, 5, 7, 11, 13, 17}, {1, 1, 1, 1, 1, 1}, call_6d},
};

/* ---- Running a probe ---- */

static pthreadpool_t multi_pool;  /* >= 2 threads */
static pthreadpool_t single_pool; /* 1 thread */
static const struct variant *variant; /* the variant the running test is about */
static size_t work_budget = 300000;   /* items a test may visit in all, roughly */

/* A probe for a loop of the current variant on `pool`, over `range` (NULL: the variant's
 * own shape), counting visits per item if `counted`. */
static void probe_init(struct probe *p, pthreadpool_t pool, const size_t *range, bool counted) {
  memset(p, 0, sizeof *p);
  p->v = variant;
  memcpy(p->range, range ? range : variant->range, sizeof p->range);
  memcpy(p->tile, variant->tile, sizeof p->tile);
  p->total = items_in(p->range, variant->dims);
  p->threads = pthreadpool_get_threads_count(pool);
  p->caller = pthread_self();
  if (counted) p->counts = calloc(p->total, sizeof *p->counts);
}

/* Checks that every item was visited `times` times. */
static void check_counts(const struct probe *p, int times) {
  CHECK(p->counts, "out of memory");
  for (size_t i = 0; p->counts && i < p->total; i++) {
    int n = atomic_load(&p->counts[i]);
    if (n != times) {
      CHECK(n == times, "item %zu processed %d times (expected %d)", i, n, times);
      return;
    }
  }
}

static void check_in_bounds(const struct probe *p) {
  CHECK(p->out_of_bounds == 0, "%zu tasks got items out of bounds", (size_t)p->out_of_bounds);
}

/* ---- Properties of every variant ---- */

static void multi_thread_pool_completes(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  p.quiet = true;
  variant->call(multi_pool, &p);
}

static void multi_thread_pool_all_items_in_bounds(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  check_in_bounds(&p);
}

static void multi_thread_pool_uniform_tiling(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  check_in_bounds(&p);
  CHECK(p.ragged_tiles == 0, "%zu tasks got a tile not at a multiple of the tile size, or "
        "shorter than min(tile, range - start)", (size_t)p.ragged_tiles);
}

static void multi_thread_pool_each_item_processed_once(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, true);
  variant->call(multi_pool, &p);
  check_counts(&p, 1);
  free(p.counts);
}

static void multi_thread_pool_each_item_processed_multiple_times(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, true);
  int iterations = (int)min(101, work_budget / p.total);
  if (iterations < 3) iterations = 3;
  for (int k = 0; k < iterations; k++) variant->call(multi_pool, &p);
  check_counts(&p, iterations);
  free(p.counts);
}

static void multi_thread_pool_high_contention(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
}

/* The task holding item 0 runs first in the caller's slice and blocks until every other
 * task has returned: only other threads stealing the rest of that slice can finish. */
static void multi_thread_pool_work_stealing(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  p.wait_at_origin = p.threads >= 2; /* else no one could steal: pthreadpool skips the test */
  variant->call(multi_pool, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
}

static void multi_thread_pool_thread_index_valid(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  CHECK(p.bad_thread_index == 0, "%zu tasks got a thread index >= %zu",
        (size_t)p.bad_thread_index, p.threads);
}

/* pthreadpool skips the thread pool for a NULL or one-thread pool: the calling thread runs
 * every item (thread index 0). */
static void check_runs_on_caller(pthreadpool_t pool) {
  struct probe p;
  probe_init(&p, pool, NULL, true);
  variant->call(pool, &p);
  check_counts(&p, 1);
  CHECK(p.off_caller == 0, "%zu tasks ran off the calling thread, or not as thread 0",
        (size_t)p.off_caller);
  free(p.counts);
}

static void single_thread_pool_runs_serially_on_calling_thread(void) {
  check_runs_on_caller(single_pool);
}

static void null_pool_runs_serially_on_calling_thread(void) { check_runs_on_caller(NULL); }

/* A range of 0 along any one dimension: no task runs. */
static void zero_range_does_nothing(void) {
  for (size_t d = 0; d < variant->dims; d++) {
    size_t range[MAX_DIMS];
    memcpy(range, variant->range, sizeof range);
    range[d] = 0;
    struct probe p;
    probe_init(&p, multi_pool, range, false);
    variant->call(multi_pool, &p);
    CHECK(p.calls == 0, "range 0 along dimension %zu: %zu tasks ran", d, (size_t)p.calls);
  }
}

static void one_element_range_runs_once(void) {
  struct probe p;
  probe_init(&p, multi_pool, ones, true);
  variant->call(multi_pool, &p);
  check_in_bounds(&p);
  CHECK(p.calls == 1, "%zu tasks ran", (size_t)p.calls);
  check_counts(&p, 1);
  free(p.counts);
}

/* A tile longer than its range: one short tile spans the whole dimension. */
static void tile_larger_than_range(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, true);
  size_t calls = 1;
  for (size_t d = 0; d < variant->dims; d++) {
    if (is_tiled(variant, d)) p.tile[d] = p.range[d] + 3;
    else calls *= p.range[d];
  }
  variant->call(multi_pool, &p);
  CHECK(p.calls == calls, "%zu tasks ran (expected %zu)", (size_t)p.calls, calls);
  CHECK(p.ragged_tiles == 0, "%zu tasks got a tile not spanning the range",
        (size_t)p.ragged_tiles);
  check_counts(&p, 1);
  free(p.counts);
}

/* pthreadpool divides by the tile; here a tile of 0 acts as 1, as in wp_parallel_for_tiled. */
static void zero_tile_acts_as_one(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, true);
  for (size_t d = 0; d < variant->dims; d++)
    if (is_tiled(variant, d)) p.tile[d] = 0;
  variant->call(multi_pool, &p);
  CHECK(p.calls == p.total, "%zu tasks ran (expected %zu)", (size_t)p.calls, p.total);
  CHECK(p.ragged_tiles == 0, "%zu tasks got a tile other than 1", (size_t)p.ragged_tiles);
  check_counts(&p, 1);
  free(p.counts);
}

enum scope { ALL, TILED, WITH_THREAD };

static const struct property {
  const char *name;
  void (*test)(void);
  enum scope to;
} properties[] = {
#define PROPERTY(test, to) {#test, test, to}
    PROPERTY(multi_thread_pool_completes, ALL),
    PROPERTY(multi_thread_pool_all_items_in_bounds, ALL),
    PROPERTY(multi_thread_pool_uniform_tiling, TILED),
    PROPERTY(multi_thread_pool_each_item_processed_once, ALL),
    PROPERTY(multi_thread_pool_each_item_processed_multiple_times, ALL),
    PROPERTY(multi_thread_pool_high_contention, ALL),
    PROPERTY(multi_thread_pool_work_stealing, ALL),
    PROPERTY(multi_thread_pool_thread_index_valid, WITH_THREAD),
    PROPERTY(single_thread_pool_runs_serially_on_calling_thread, ALL),
    PROPERTY(null_pool_runs_serially_on_calling_thread, ALL),
    PROPERTY(zero_range_does_nothing, ALL),
    PROPERTY(one_element_range_runs_once, ALL),
    PROPERTY(tile_larger_than_range, TILED),
    PROPERTY(zero_tile_acts_as_one, TILED),
#undef PROPERTY
};

static bool applies(const struct property *prop, const struct variant *v) {
  bool tiled = false;
  for (size_t d = 0; d < v->dims; d++) tiled = tiled || is_tiled(v, d);
  return prop->to == ALL || (prop->to == TILED && tiled) ||
         (prop->to == WITH_THREAD && v->with_thread);
}

/* ---- Pool handles and the shared core ---- */

static void create_and_destroy_null_thread_pool(void) { pthreadpool_destroy(NULL); }

static void create_and_destroy_single_thread_pool(void) {
  pthreadpool_t pool = pthreadpool_create(1);
  CHECK(pool, "pthreadpool_create(1) failed");
  CHECK(pthreadpool_get_threads_count(pool) == 1, "%zu threads",
        pthreadpool_get_threads_count(pool));
  pthreadpool_destroy(pool);
}

static void create_and_destroy_multi_thread_pool(void) {
  pthreadpool_t pool = pthreadpool_create(3);
  CHECK(pool, "pthreadpool_create(3) failed");
  CHECK(pthreadpool_get_threads_count(pool) == 3, "%zu threads",
        pthreadpool_get_threads_count(pool));
  pthreadpool_destroy(pool);
}

static void null_pool_has_one_thread(void) {
  CHECK(pthreadpool_get_threads_count(NULL) == 1, "%zu threads",
        pthreadpool_get_threads_count(NULL));
}

static void default_pool_has_a_thread_per_cpu(void) {
  pthreadpool_t pool = pthreadpool_create(0);
  size_t n = pthreadpool_get_threads_count(pool);
  CHECK(n >= 1 && n == wp_threads_count(), "%zu threads, the core has %zu", n,
        wp_threads_count());
  pthreadpool_destroy(pool);
}

/* Handles share the core their first one started; the last one destroyed stops it. */
static void last_handle_destroyed_stops_the_core(void) {
  pthreadpool_t a = pthreadpool_create(2), b = pthreadpool_create(4);
  CHECK(wp_threads_count() == 2, "the core has %zu threads, expected 2", wp_threads_count());
  CHECK(pthreadpool_get_threads_count(b) == 2, "the second handle has %zu threads",
        pthreadpool_get_threads_count(b));
  pthreadpool_destroy(a);
  CHECK(wp_threads_count() == 2, "destroying one of two handles stopped the core");
  pthreadpool_destroy(b);
  CHECK(wp_threads_count() == 1, "the core still has %zu threads", wp_threads_count());
}

static void handles_leave_a_wp_start_core_running(void) {
  CHECK(wp_start(2) == 0, "wp_start(2) failed");
  pthreadpool_t pool = pthreadpool_create(4);
  CHECK(pthreadpool_get_threads_count(pool) == 2, "%zu threads",
        pthreadpool_get_threads_count(pool));
  pthreadpool_destroy(pool);
  CHECK(wp_threads_count() == 2, "destroying the handle stopped the core");
  wp_stop();
}

/* ---- Flags ---- */

static void run_1d_with_flags(uint32_t flags, struct probe *p) {
  variant = &variants[0];
  probe_init(p, multi_pool, NULL, false);
  p->flags = flags;
  p->wait_at_origin = p->threads >= 2; /* so that several threads run items */
  variant->call(multi_pool, p);
}

static void disable_denormals_flushes_on_every_thread(void) {
#if defined(__SSE__) && !defined(__EMSCRIPTEN__)
  struct probe p;
  run_1d_with_flags(PTHREADPOOL_FLAG_DISABLE_DENORMALS, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
  CHECK(p.not_flushed == 0, "%zu tasks ran with denormals enabled", (size_t)p.not_flushed);
  CHECK(!denormals_flush(), "the caller still flushes denormals after the loop");
#endif /* elsewhere the flag does nothing */
}

static void yield_workers_completes(void) {
  struct probe p;
  run_1d_with_flags(PTHREADPOOL_FLAG_YIELD_WORKERS, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
  run_1d_with_flags(0, &p); /* workers sleeping since the last loop wake up for this one */
  CHECK(p.done == p.total, "%zu of %zu items processed after a yield", (size_t)p.done, p.total);
}

/* ---- Calls into one pool from several threads ---- */

#define CALLERS 2
#define SERIAL_RANGE 1009

static _Atomic size_t calls_in_flight, overlapping_calls;
#define CALLS_PER_CALLER 100

struct serial_call {
  _Atomic int *counts;  /* the caller's, SERIAL_RANGE of them */
  _Atomic bool entered; /* some task of this call began */
  _Atomic size_t done;  /* tasks of this call finished */
};

/* The first task of a call enters calls_in_flight, the last one leaves it: both happen
 * inside the call. Calls that overlap in time find another call in flight. */
static void serial_task(void *arg, size_t i) {
  struct serial_call *c = arg;
  if (!atomic_exchange(&c->entered, true) && atomic_fetch_add(&calls_in_flight, 1) != 0)
    atomic_fetch_add(&overlapping_calls, 1);
  atomic_fetch_add_explicit(&c->counts[i], 1, memory_order_relaxed);
  if (atomic_fetch_add(&c->done, 1) + 1 == SERIAL_RANGE) atomic_fetch_sub(&calls_in_flight, 1);
}

static void *issue_calls(void *counts) {
  for (size_t k = 0; k < CALLS_PER_CALLER; k++) {
    struct serial_call c = {.counts = counts};
    pthreadpool_parallelize_1d(multi_pool, serial_task, &c, SERIAL_RANGE, 0);
  }
  return NULL;
}

static void concurrent_calls_are_serialized(void) {
  static _Atomic int counts[CALLERS][SERIAL_RANGE];
  pthread_t callers[CALLERS];
  for (size_t c = 0; c < CALLERS; c++) pthread_create(&callers[c], NULL, issue_calls, counts[c]);
  for (size_t c = 0; c < CALLERS; c++) pthread_join(callers[c], NULL);
  CHECK(overlapping_calls == 0, "%zu calls overlapped another", (size_t)overlapping_calls);
  for (size_t c = 0; c < CALLERS; c++)
    for (size_t i = 0; i < SERIAL_RANGE; i++)
      if (counts[c][i] != CALLS_PER_CALLER) {
        CHECK(false, "caller %zu: item %zu processed %d times (expected %d)", c, i,
              atomic_load(&counts[c][i]), CALLS_PER_CALLER);
        break;
      }
}

/* ---- main ---- */

static bool is_prime(size_t n) {
  for (size_t d = 2; d * d <= n; d++)
    if (n % d == 0) return false;
  return n >= 2;
}

/* Halves the variant's largest range, down to a prime, until it has at most `budget` items. */
static void shrink(struct variant *v, size_t budget) {
  while (items_in(v->range, v->dims) > budget) {
    size_t *largest = &v->range[0];
    for (size_t d = 1; d < v->dims; d++)
      if (v->range[d] > *largest) largest = &v->range[d];
    size_t r = *largest / 2 + 1;
    while (!is_prime(--r)) {}
    *largest = r;
  }
}

/* A task that calls back into the pool it runs on, from the thread that holds the pool:
 * the inner call runs serially instead of waiting for a lock its own thread holds. */
struct reentry {
  pthreadpool_t pool;
  _Atomic size_t inner;
};

static void count_inner(void *ctx, size_t i) {
  (void)i;
  atomic_fetch_add(&((struct reentry *)ctx)->inner, 1);
}

static void reenter(void *ctx, size_t i) {
  (void)i;
  struct reentry *r = ctx;
  pthreadpool_parallelize_1d(r->pool, count_inner, r, 7, 0);
}

static void reentrant_call_on_the_holding_thread_runs_serially(void) {
  struct reentry r = {pthreadpool_create(1), 0};
  pthreadpool_parallelize_1d(r.pool, reenter, &r, 5, 0);
  CHECK(atomic_load(&r.inner) == 35, "inner items ran %zu times, expected 35", atomic_load(&r.inner));
  pthreadpool_destroy(r.pool);
}

int main(void) {
  const char *stress = getenv("WP_STRESS");
  if (stress && strcmp(stress, "sanitizer") == 0) {
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) shrink(&variants[v], 20000);
    work_budget = 60000;
  }

  /* Before any pool exists: the handles' life cycle on the shared core. */
  RUN(reentrant_call_on_the_holding_thread_runs_serially);
  RUN(create_and_destroy_null_thread_pool);
  RUN(create_and_destroy_single_thread_pool);
  RUN(create_and_destroy_multi_thread_pool);
  RUN(null_pool_has_one_thread);
  RUN(default_pool_has_a_thread_per_cpu);
  RUN(last_handle_destroyed_stops_the_core);
  RUN(handles_leave_a_wp_start_core_running);

  /* One thread per CPU, but at least two, so that work stealing can happen. */
  multi_pool = pthreadpool_create(0);
  if (pthreadpool_get_threads_count(multi_pool) < 2) {
    pthreadpool_destroy(multi_pool);
    multi_pool = pthreadpool_create(2);
  }
  single_pool = pthreadpool_create(1);

  for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
    variant = &variants[v];
    for (size_t p = 0; p < sizeof properties / sizeof properties[0]; p++) {
      if (!applies(&properties[p], variant)) continue;
      char name[128];
      snprintf(name, sizeof name, "%s.%s", variant->name, properties[p].name);
      check_run(name, properties[p].test);
    }
  }
  RUN(disable_denormals_flushes_on_every_thread);
  RUN(yield_workers_completes);
  RUN(concurrent_calls_are_serialized);

  pthreadpool_destroy(single_pool);
  pthreadpool_destroy(multi_pool);
  return check_summary();
}
