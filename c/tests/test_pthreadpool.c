/*
 * test_pthreadpool.c — pthreadpool's API on the wasmpool core, tested the way pthreadpool
 * tests itself (test/pthreadpool.cc): one property per test, prime ranges, tiles that do
 * not divide them, assertions on counts and never on timing.
 *
 * Every loop of pthreadpool.h is a row of one table (VARIANTS below): its shape, what its
 * task takes before the indices, and its call. Every task reports the box of items one call
 * covers to visit(), so each property is written once and runs for every loop it applies
 * to, as "parallelize_<loop>.<property>" (legacy loops: "compute_<loop>.<property>").
 * Tasks never CHECK (check.h is single-threaded): they count anomalies in the probe, and
 * the test checks those counts after the loop.
 *
 * Every wait for another thread gives up after DEADLINE_SECONDS: a task that waits counts a
 * timeout, so a scheduler that never lets a thread steal fails the test instead of hanging
 * it. The tests that would deadlock if they failed run in a forked child (child.h), whose
 * alarm ends a deadlock that no deadline can reach.
 *
 * WP_STRESS=sanitizer (set by the Makefile for the TSan and ASan runs) shrinks the shapes
 * to smaller primes and the repetitions, so the sanitized binaries finish in seconds.
 */
#include <float.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "child.h"
#include "deadline.h"
#include "pthreadpool.h"
#include "wasmpool.h"

#define MAX_DIMS 6
#define NO_THREAD SIZE_MAX /* what a task without a thread index reports */
#define DEFAULT_UARCH 7    /* passed to the _with_uarch loops; above MAX_UARCH on purpose: */
#define MAX_UARCH 3        /* pthreadpool's default_uarch_index may exceed max_uarch_index */

/* Only x86 has a denormal mode to check (pthreadpool.h). */
#if defined(__SSE__) && !defined(__EMSCRIPTEN__)
static const bool can_flush = true;
#else
static const bool can_flush = false;
#endif

static const size_t ones[MAX_DIMS] = {1, 1, 1, 1, 1, 1};

static size_t min(size_t a, size_t b) { return a < b ? a : b; }

/* Waits until other threads raise *n to at least `target`; false if DEADLINE_SECONDS pass. */
static bool await_count(_Atomic size_t *n, size_t target) {
  return await_at_least(n, target, clock_seconds(CLOCK_MONOTONIC) + DEADLINE_SECONDS);
}

static bool denormals_flush(void) {
  volatile float tiny = FLT_MIN;
  return tiny * 0.5f == 0.0f;
}

/* ---- The loops: shape, task arguments, and call ---- */

/* What a task takes between its context and its first index. */
enum lead { NONE, THREAD, UARCH, UARCH_THREAD, THREAD_ID };

struct probe;

struct variant {
  const char *name;
  size_t dims, tiled;    /* the last `tiled` dimensions are tiled */
  enum lead lead;
  bool dynamic;
  size_t range[MAX_DIMS];
  size_t tile[MAX_DIMS]; /* > 1 on tiled dimensions, 1 elsewhere */
  void (*call)(pthreadpool_t pool, struct probe *p);
};

static bool is_tiled(const struct variant *v, size_t d) { return d >= v->dims - v->tiled; }
static bool has_thread(const struct variant *v) {
  return v->lead == THREAD || v->lead == UARCH_THREAD || v->lead == THREAD_ID;
}
static bool has_uarch(const struct variant *v) {
  return v->lead == UARCH || v->lead == UARCH_THREAD;
}
/* Whether the task takes a uint32_t first (a uarch index or a thread id). */
static bool has_id(const struct variant *v) {
  switch (v->lead) {
  case UARCH:
  case UARCH_THREAD:
  case THREAD_ID: return true;
  case NONE:
  case THREAD: return false;
  }
  return false;
}

/* ---- The probe: one loop's shape, and what its tasks saw ---- */

struct probe {
  const struct variant *v;
  size_t range[MAX_DIMS], tile[MAX_DIMS]; /* passed to the call; tile 1 where untiled */
  size_t total;                           /* items in range[] */
  size_t threads;                         /* the pool's pthreadpool_get_threads_count */
  uint32_t flags;                         /* passed to the call (the legacy loops take none) */
  pthread_t caller;
  bool wait_at_origin;   /* the task covering item (0, .., 0) waits for all other items */
  bool linger;           /* every task yields the CPU once before it returns */
  bool contend;          /* every task bumps `contended` once per item it covers */
  _Atomic int *counts;   /* visits per item, row-major; NULL: not counted */
  _Atomic size_t done;   /* items visited, added by every task once per call */
  _Atomic size_t contended; /* with contend: items visited, one increment per item */
  _Atomic size_t calls;  /* task calls finished */
  _Atomic bool busy[WP_MAX_THREADS]; /* thread indexes in use by a running task */
  /* Anomalies, each counted by the tasks that saw it: */
  _Atomic size_t out_of_bounds, ragged_tiles, bad_arguments, bad_thread_index, thread_collisions,
      bad_uarch, off_caller, not_flushed, flushed_unasked, timeouts;
};

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

/* Whether a call's extent along a dimension is one the loop may make: a tile, cut short at
 * the end of the range; for a _dynamic loop, any multiple of the tile, or up to the end. */
static bool well_tiled(const struct probe *p, size_t tile, size_t range, size_t at, size_t len) {
  if (at % tile != 0) return false;
  if (p->v->dynamic) return len % tile == 0 || at + len == range;
  return len == min(tile, range - at);
}

/* Checks one task call, and counts the items it covers. Returns whether the call covers
 * item (0, .., 0). */
static bool record(struct probe *p, size_t thread, uint32_t uarch, const size_t *at,
                   const size_t *len) {
  size_t n = 1;
  bool origin = true;
  for (size_t d = 0; d < p->v->dims; d++) {
    size_t tile = p->tile[d] ? p->tile[d] : 1; /* a tile of 0 acts as 1 */
    if (at[d] >= p->range[d] || len[d] == 0 || len[d] > p->range[d] - at[d]) {
      atomic_fetch_add(&p->out_of_bounds, 1);
      return false;
    }
    if (!well_tiled(p, tile, p->range[d], at[d], len[d])) atomic_fetch_add(&p->ragged_tiles, 1);
    n *= len[d];
    origin = origin && at[d] == 0;
  }
  if (has_thread(p->v) && thread >= p->threads) atomic_fetch_add(&p->bad_thread_index, 1);
  if (has_uarch(p->v) && uarch != DEFAULT_UARCH) atomic_fetch_add(&p->bad_uarch, 1);
  if (!pthread_equal(pthread_self(), p->caller) || (has_thread(p->v) && thread != 0))
    atomic_fetch_add(&p->off_caller, 1);
  bool flagged = p->flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS;
  if (can_flush && flagged && !denormals_flush()) atomic_fetch_add(&p->not_flushed, 1);
  if (can_flush && !flagged && denormals_flush()) atomic_fetch_add(&p->flushed_unasked, 1);
  if (p->counts) count_box(p, at, len);
  for (size_t k = 0; p->contend && k < n; k++)
    atomic_fetch_add_explicit(&p->contended, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&p->done, n, memory_order_release);
  return origin;
}

/* Every task call of every loop ends up here: `thread` is its thread index (NO_THREAD if
 * the loop has none), and the call covers the box at[d] .. at[d] + len[d]. While it runs it
 * marks its thread index busy: two calls that hold the same index at once collide. With
 * wait_at_origin, the call covering item (0, .., 0) returns only after every item of the
 * loop was visited, or at the deadline (a timeout, which fails the test). */
static void visit(struct probe *p, size_t thread, uint32_t uarch, const size_t *at,
                  const size_t *len) {
  bool holds_index = false;
  if (has_thread(p->v) && thread < WP_MAX_THREADS) {
    if (atomic_exchange(&p->busy[thread], true)) atomic_fetch_add(&p->thread_collisions, 1);
    else holds_index = true;
  }
  bool origin = record(p, thread, uarch, at, len);
  atomic_fetch_add_explicit(&p->calls, 1, memory_order_relaxed);
  if (p->wait_at_origin && origin && !await_count(&p->done, p->total))
    atomic_fetch_add(&p->timeouts, 1);
  if (p->linger) sched_yield();
  if (holds_index) atomic_store(&p->busy[thread], false);
}

/* Splits a task's arguments (after the context, and its uint32_t id if it has one) into
 * thread index, start indices and tile extents, as the probe's loop passes them. */
static void visit_args(struct probe *p, bool with_id, uint32_t id, const size_t *a, size_t n) {
  const struct variant *v = p->v;
  size_t thread = NO_THREAD, at[MAX_DIMS], len[MAX_DIMS], k = 0;
  bool size_t_thread = v->lead == THREAD || v->lead == UARCH_THREAD;
  if (with_id != has_id(v) || n != size_t_thread + v->dims + v->tiled) {
    atomic_fetch_add(&p->bad_arguments, 1);
    return;
  }
  if (size_t_thread) thread = a[k++];
  if (v->lead == THREAD_ID) thread = id;
  for (size_t d = 0; d < v->dims; d++) at[d] = a[k++];
  for (size_t d = 0; d < v->dims; d++) len[d] = is_tiled(v, d) ? a[k++] : 1;
  visit(p, thread, has_uarch(v) ? id : 0, at, len);
}

/* One task per function type: n size_t arguments, or a uint32_t and n size_t arguments. */
#define A(...) (const size_t[]){__VA_ARGS__}, sizeof((size_t[]){__VA_ARGS__}) / sizeof(size_t)
typedef size_t z;
static void task_z1(void *p, z a) { visit_args(p, false, 0, A(a)); }
static void task_z2(void *p, z a, z b) { visit_args(p, false, 0, A(a, b)); }
static void task_z3(void *p, z a, z b, z c) { visit_args(p, false, 0, A(a, b, c)); }
static void task_z4(void *p, z a, z b, z c, z d) { visit_args(p, false, 0, A(a, b, c, d)); }
static void task_z5(void *p, z a, z b, z c, z d, z e) { visit_args(p, false, 0, A(a, b, c, d, e)); }
static void task_z6(void *p, z a, z b, z c, z d, z e, z f) {
  visit_args(p, false, 0, A(a, b, c, d, e, f));
}
static void task_z7(void *p, z a, z b, z c, z d, z e, z f, z g) {
  visit_args(p, false, 0, A(a, b, c, d, e, f, g));
}
static void task_z8(void *p, z a, z b, z c, z d, z e, z f, z g, z h) {
  visit_args(p, false, 0, A(a, b, c, d, e, f, g, h));
}
static void task_u1(void *p, uint32_t id, z a) { visit_args(p, true, id, A(a)); }
static void task_u2(void *p, uint32_t id, z a, z b) { visit_args(p, true, id, A(a, b)); }
static void task_u3(void *p, uint32_t id, z a, z b, z c) { visit_args(p, true, id, A(a, b, c)); }
static void task_u4(void *p, uint32_t id, z a, z b, z c, z d) {
  visit_args(p, true, id, A(a, b, c, d));
}
static void task_u5(void *p, uint32_t id, z a, z b, z c, z d, z e) {
  visit_args(p, true, id, A(a, b, c, d, e));
}
static void task_u6(void *p, uint32_t id, z a, z b, z c, z d, z e, z f) {
  visit_args(p, true, id, A(a, b, c, d, e, f));
}

/* Every loop of pthreadpool.h, in pthreadpool's test shapes (prime ranges; tiles that do not
 * divide them): X(loop, dims, tiled dims, lead, dynamic, shape, task, call args...). A shape
 * S* is the ranges and the tiles; the call arguments name the probe's ranges R*, tiles T*
 * and the uarch pair U. */
#define SHAPE(...) {__VA_ARGS__}
#define R0 p->range[0]
#define R1 p->range[1]
#define R2 p->range[2]
#define R3 p->range[3]
#define R4 p->range[4]
#define R5 p->range[5]
#define T0 p->tile[0]
#define T1 p->tile[1]
#define T2 p->tile[2]
#define T3 p->tile[3]
#define T4 p->tile[4]
#define T5 p->tile[5]
#define U DEFAULT_UARCH, MAX_UARCH
#define S1 SHAPE(1223), SHAPE(1)
#define S1T SHAPE(1303), SHAPE(11)
#define S2 SHAPE(41, 43), SHAPE(1, 1)
#define S2T1 SHAPE(43, 53), SHAPE(1, 5)
#define S2T2 SHAPE(53, 59), SHAPE(5, 7)
#define S3 SHAPE(13, 17, 19), SHAPE(1, 1, 1)
#define S3T1 SHAPE(17, 19, 23), SHAPE(1, 1, 5)
#define S3T2 SHAPE(19, 23, 29), SHAPE(1, 2, 3)
#define S4 SHAPE(11, 13, 17, 19), SHAPE(1, 1, 1, 1)
#define S4T1 SHAPE(13, 17, 19, 23), SHAPE(1, 1, 1, 5)
#define S4T2 SHAPE(17, 19, 23, 29), SHAPE(1, 1, 2, 3)
#define S5 SHAPE(7, 11, 13, 17, 19), SHAPE(1, 1, 1, 1, 1)
#define S5T1 SHAPE(3, 5, 7, 11, 13), SHAPE(1, 1, 1, 1, 4)
#define S5T2 SHAPE(3, 5, 7, 11, 13), SHAPE(1, 1, 1, 3, 4)
#define S6 SHAPE(3, 5, 7, 11, 13, 17), SHAPE(1, 1, 1, 1, 1, 1)
#define S6T1 SHAPE(2, 3, 5, 7, 11, 13), SHAPE(1, 1, 1, 1, 1, 4)
#define S6T2 SHAPE(2, 3, 5, 7, 11, 13), SHAPE(1, 1, 1, 1, 3, 4)
#define S3TTT SHAPE(19, 23, 29), SHAPE(2, 3, 5)
#define S4TTTT SHAPE(17, 19, 23, 29), SHAPE(2, 3, 5, 7)

#define VARIANTS(X)                                                                           \
  X(1d, 1, 0, NONE, false, S1, task_z1, R0)                                        \
  X(1d_with_thread, 1, 0, THREAD, false, S1, task_z2, R0)                          \
  X(1d_with_uarch, 1, 0, UARCH, false, S1, task_u1, U, R0)                         \
  X(1d_tile_1d, 1, 1, NONE, false, S1T, task_z2, R0, T0)                                     \
  X(1d_tile_1d_dynamic, 1, 1, NONE, true, S1T, task_z2, R0, T0)                              \
  X(1d_tile_1d_dynamic_with_thread, 1, 1, THREAD_ID, true, S1T, task_u2, R0, T0)             \
  X(1d_tile_1d_dynamic_with_uarch_with_thread, 1, 1, UARCH_THREAD, true, S1T, task_u3, U, R0, \
    T0)                                                                                       \
  X(2d, 2, 0, NONE, false, S2, task_z2, R0, R1)                                              \
  X(2d_with_thread, 2, 0, THREAD, false, S2, task_z3, R0, R1)                                \
  X(2d_tile_1d, 2, 1, NONE, false, S2T1, task_z3, R0, R1, T1)                                \
  X(2d_tile_1d_with_uarch, 2, 1, UARCH, false, S2T1, task_u3, U, R0, R1, T1)                 \
  X(2d_tile_1d_with_uarch_with_thread, 2, 1, UARCH_THREAD, false, S2T1, task_u4, U, R0, R1,  \
    T1)                                                                                       \
  X(2d_tile_1d_dynamic, 2, 1, NONE, true, S2T1, task_z3, R0, R1, T1)                         \
  X(2d_tile_1d_dynamic_with_thread, 2, 1, THREAD_ID, true, S2T1, task_u3, R0, R1, T1)        \
  X(2d_tile_1d_dynamic_with_uarch_with_thread, 2, 1, UARCH_THREAD, true, S2T1, task_u4, U,   \
    R0, R1, T1)                                                                               \
  X(2d_tile_2d, 2, 2, NONE, false, S2T2, task_z4, R0, R1, T0, T1)                            \
  X(2d_tile_2d_with_uarch, 2, 2, UARCH, false, S2T2, task_u4, U, R0, R1, T0, T1)             \
  X(2d_tile_2d_dynamic, 2, 2, NONE, true, S2T2, task_z4, R0, R1, T0, T1)                     \
  X(2d_tile_2d_dynamic_with_uarch, 2, 2, UARCH, true, S2T2, task_u4, U, R0, R1, T0, T1)      \
  X(2d_tile_2d_dynamic_with_thread, 2, 2, THREAD_ID, true, S2T2, task_u4, R0, R1, T0, T1)    \
  X(3d, 3, 0, NONE, false, S3, task_z3, R0, R1, R2)                                          \
  X(3d_tile_1d, 3, 1, NONE, false, S3T1, task_z4, R0, R1, R2, T2)                            \
  X(3d_tile_1d_with_thread, 3, 1, THREAD, false, S3T1, task_z5, R0, R1, R2, T2)              \
  X(3d_tile_1d_with_uarch, 3, 1, UARCH, false, S3T1, task_u4, U, R0, R1, R2, T2)             \
  X(3d_tile_1d_with_uarch_with_thread, 3, 1, UARCH_THREAD, false, S3T1, task_u5, U, R0, R1,  \
    R2, T2)                                                                                   \
  X(3d_tile_1d_dynamic, 3, 1, NONE, true, S3T1, task_z4, R0, R1, R2, T2)                    \
  X(3d_tile_1d_dynamic_with_thread, 3, 1, THREAD_ID, true, S3T1, task_u4, R0, R1, R2, T2)    \
  X(3d_tile_1d_dynamic_with_uarch_with_thread, 3, 1, UARCH_THREAD, true, S3T1, task_u5, U,   \
    R0, R1, R2, T2)                                                                           \
  X(3d_tile_2d, 3, 2, NONE, false, S3T2, task_z5, R0, R1, R2, T1, T2)                        \
  X(3d_tile_2d_with_uarch, 3, 2, UARCH, false, S3T2, task_u5, U, R0, R1, R2, T1, T2)         \
  X(3d_tile_2d_dynamic, 3, 2, NONE, true, S3T2, task_z5, R0, R1, R2, T1, T2)                 \
  X(3d_tile_2d_dynamic_with_uarch, 3, 2, UARCH, true, S3T2, task_u5, U, R0, R1, R2, T1, T2)  \
  X(3d_tile_2d_dynamic_with_thread, 3, 2, THREAD_ID, true, S3T2, task_u5, R0, R1, R2, T1,    \
    T2)                                                                                       \
  X(4d, 4, 0, NONE, false, S4, task_z4, R0, R1, R2, R3)                                      \
  X(4d_tile_1d, 4, 1, NONE, false, S4T1, task_z5, R0, R1, R2, R3, T3)                        \
  X(4d_tile_2d, 4, 2, NONE, false, S4T2, task_z6, R0, R1, R2, R3, T2, T3)                    \
  X(4d_tile_2d_with_uarch, 4, 2, UARCH, false, S4T2, task_u6, U, R0, R1, R2, R3, T2, T3)     \
  X(4d_tile_2d_dynamic, 4, 2, NONE, true, S4T2, task_z6, R0, R1, R2, R3, T2, T3)             \
  X(4d_tile_2d_dynamic_with_uarch, 4, 2, UARCH, true, S4T2, task_u6, U, R0, R1, R2, R3, T2,  \
    T3)                                                                                       \
  X(5d, 5, 0, NONE, false, S5, task_z5, R0, R1, R2, R3, R4)                                  \
  X(5d_tile_1d, 5, 1, NONE, false, S5T1, task_z6, R0, R1, R2, R3, R4, T4)                    \
  X(5d_tile_2d, 5, 2, NONE, false, S5T2, task_z7, R0, R1, R2, R3, R4, T3, T4)                \
  X(6d, 6, 0, NONE, false, S6, task_z6, R0, R1, R2, R3, R4, R5)                              \
  X(6d_tile_1d, 6, 1, NONE, false, S6T1, task_z7, R0, R1, R2, R3, R4, R5, T5)                \
  X(6d_tile_2d, 6, 2, NONE, false, S6T2, task_z8, R0, R1, R2, R3, R4, R5, T4, T5)

/* pthreadpool's legacy loops take no flags, and tile every dimension of a _tiled loop. */
#define LEGACY_VARIANTS(X)                                                                    \
  X(1d, 1, 0, NONE, false, S1, task_z1, R0)                                        \
  X(1d_tiled, 1, 1, NONE, false, S1T, task_z2, R0, T0)                                       \
  X(2d, 2, 0, NONE, false, S2, task_z2, R0, R1)                                              \
  X(2d_tiled, 2, 2, NONE, false, S2T2, task_z4, R0, R1, T0, T1)                              \
  X(3d_tiled, 3, 3, NONE, false, S3TTT, task_z6, R0, R1, R2, T0, T1, T2)                     \
  X(4d_tiled, 4, 4, NONE, false, S4TTTT, task_z8, R0, R1, R2, R3, T0, T1, T2, T3)

#define DEFINE_CALL(loop, dims, tiled, lead, dynamic, shape, task, ...)                 \
  static void call_##loop(pthreadpool_t pool, struct probe *p) {                              \
    pthreadpool_parallelize_##loop(pool, task, p, __VA_ARGS__, p->flags);                     \
  }
#define DEFINE_LEGACY_CALL(loop, dims, tiled, lead, dynamic, shape, task, ...)          \
  static void call_compute_##loop(pthreadpool_t pool, struct probe *p) {                      \
    pthreadpool_compute_##loop(pool, task, p, __VA_ARGS__);                                   \
  }
#define ROW(loop, dims, tiled, lead, dynamic, shape, task, ...)                         \
  {"parallelize_" #loop, dims, tiled, lead, dynamic, shape, call_##loop},
#define LEGACY_ROW(loop, dims, tiled, lead, dynamic, shape, task, ...)                  \
  {"compute_" #loop, dims, tiled, lead, dynamic, shape, call_compute_##loop},

VARIANTS(DEFINE_CALL)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
LEGACY_VARIANTS(DEFINE_LEGACY_CALL)
#pragma GCC diagnostic pop

static struct variant variants[] = {VARIANTS(ROW) LEGACY_VARIANTS(LEGACY_ROW)};
#define VARIANT_COUNT (sizeof variants / sizeof variants[0])

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

/* The task calls a loop of the probe's shape makes: one per tile (a tile of 0 acts as 1). */
static size_t tasks_in(const struct probe *p) {
  size_t n = 1;
  for (size_t d = 0; d < p->v->dims; d++) {
    size_t tile = p->tile[d] ? p->tile[d] : 1;
    n *= p->range[d] / tile + (p->range[d] % tile != 0);
  }
  return n;
}

/* The fewest task calls a _dynamic loop may make: one per index of its untiled dimensions. */
static size_t rows_in(const struct probe *p) {
  size_t n = 1;
  for (size_t d = 0; d < p->v->dims; d++) n *= is_tiled(p->v, d) ? 1 : p->range[d];
  return n;
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

/* A static loop makes a call per tile; a _dynamic one may cover several tiles per call. */
static void check_calls(const struct probe *p) {
  size_t calls = p->calls, tasks = tasks_in(p);
  if (p->v->dynamic)
    CHECK(calls >= rows_in(p) && calls <= tasks, "%zu task calls (expected %zu to %zu)", calls,
          rows_in(p), tasks);
  else
    CHECK(calls == tasks, "%zu task calls (expected %zu)", calls, tasks);
}

static void check_in_bounds(const struct probe *p) {
  CHECK(p->out_of_bounds == 0, "%zu tasks got items out of bounds", (size_t)p->out_of_bounds);
}

#define CHECK_NONE(p, anomaly, what) \
  CHECK((p)->anomaly == 0, "%zu tasks " what, (size_t)(p)->anomaly)

/* Everything a task may find wrong with its call. */
static void check_no_anomalies(const struct probe *p) {
  check_in_bounds(p);
  CHECK_NONE(p, ragged_tiles, "got a tile not aligned to the tile size or of the wrong extent");
  CHECK_NONE(p, bad_arguments, "got arguments of the wrong number or kind");
  CHECK_NONE(p, bad_thread_index, "got a thread index >= pthreadpool_get_threads_count");
  CHECK_NONE(p, thread_collisions, "ran with a thread index another running task held");
  CHECK_NONE(p, bad_uarch, "got a uarch index other than default_uarch_index");
  CHECK_NONE(p, not_flushed, "of a loop with PTHREADPOOL_FLAG_DISABLE_DENORMALS kept denormals");
  CHECK_NONE(p, flushed_unasked, "of a loop without PTHREADPOOL_FLAG_DISABLE_DENORMALS flushed");
  CHECK_NONE(p, timeouts, "waited in vain for the other tasks (no thread could steal)");
}

/* ---- Properties of every loop ---- */

static void multi_thread_pool_completes(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
  check_calls(&p);
  check_no_anomalies(&p);
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
        "of the wrong extent", (size_t)p.ragged_tiles);
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

/* Every item, on every thread, increments one shared counter (pthreadpool's test). */
static void multi_thread_pool_high_contention(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  p.contend = true;
  variant->call(multi_pool, &p);
  CHECK(p.contended == p.total, "the shared counter reached %zu (expected %zu)",
        (size_t)p.contended, p.total);
}

/* The task holding item 0 runs first in the caller's slice and waits until every other
 * item is done: only other threads stealing the rest of that slice can finish them. */
static void multi_thread_pool_work_stealing(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  p.wait_at_origin = p.threads >= 2; /* else no one could steal: pthreadpool skips the test */
  variant->call(multi_pool, &p);
  CHECK(p.timeouts == 0, "the task at item 0 waited %d s in vain: no thread stole its "
        "neighbours", DEADLINE_SECONDS);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
}

static void multi_thread_pool_thread_index_valid(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  CHECK(p.bad_thread_index == 0, "%zu tasks got a thread index >= %zu",
        (size_t)p.bad_thread_index, p.threads);
}

/* While the task at item 0 holds its thread index, the other threads run every other task:
 * none of them may get that index, nor share another. Every task lingers a little, so
 * tasks that share an index are likely to overlap. */
static void multi_thread_pool_thread_index_unique(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  p.wait_at_origin = p.threads >= 2;
  p.linger = true;
  variant->call(multi_pool, &p);
  CHECK(p.thread_collisions == 0, "%zu tasks ran with a thread index another running task "
        "held", (size_t)p.thread_collisions);
  CHECK(p.timeouts == 0, "the task at item 0 waited %d s in vain", DEADLINE_SECONDS);
}

static void multi_thread_pool_uarch_index_is_default(void) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  CHECK(p.bad_uarch == 0, "%zu tasks got a uarch index other than %d", (size_t)p.bad_uarch,
        DEFAULT_UARCH);
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

/* A _dynamic loop on the caller alone needs no balance: each call spans whole tiled
 * dimensions, one per index of the untiled ones. */
static void null_pool_dynamic_calls_span_tiled_dimensions(void) {
  struct probe p;
  probe_init(&p, NULL, NULL, true);
  variant->call(NULL, &p);
  CHECK(p.calls == rows_in(&p), "%zu task calls (expected %zu)", (size_t)p.calls, rows_in(&p));
  check_no_anomalies(&p);
  check_counts(&p, 1);
  free(p.counts);
}

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

/* Runs the variant with tile[d] set by `tile_of` on its tiled dimensions and checks each
 * item is visited once, by calls of the right extents and number. */
static void check_tiles(size_t (*tile_of)(const struct probe *p, size_t d)) {
  struct probe p;
  probe_init(&p, multi_pool, NULL, true);
  for (size_t d = 0; d < variant->dims; d++)
    if (is_tiled(variant, d)) p.tile[d] = tile_of(&p, d);
  variant->call(multi_pool, &p);
  check_calls(&p);
  check_no_anomalies(&p);
  check_counts(&p, 1);
  free(p.counts);
}

/* A tile longer than its range: one short tile spans the whole dimension. */
static size_t longer_than_range(const struct probe *p, size_t d) { return p->range[d] + 3; }
static void tile_larger_than_range(void) { check_tiles(longer_than_range); }

/* pthreadpool divides by the tile; here a tile of 0 acts as 1, as in wp_parallel_for_tiled. */
static size_t zero(const struct probe *p, size_t d) { return (void)p, (void)d, 0; }
static void zero_tile_acts_as_one(void) { check_tiles(zero); }

/* Tiles that divide the range exactly: no short tile at the end. The ranges become the
 * variant's tile times a prime. */
static void tile_divides_range(void) {
  size_t range[MAX_DIMS];
  memcpy(range, variant->range, sizeof range);
  for (size_t d = 0; d < variant->dims; d++)
    if (is_tiled(variant, d)) range[d] = variant->tile[d] * (d % 2 ? 3 : 2);
  struct probe p;
  probe_init(&p, multi_pool, range, true);
  variant->call(multi_pool, &p);
  check_calls(&p);
  check_no_anomalies(&p);
  check_counts(&p, 1);
  free(p.counts);
}

/* A range of SIZE_MAX in two tiles: counting the tiles as (range + tile - 1) / tile would
 * wrap to 0 tiles. The other dimensions have one item, so the loop makes two calls. */
static void tile_count_does_not_overflow_near_size_max(void) {
  size_t last = variant->dims - 1; /* always tiled in a tiled loop */
  struct probe p;
  probe_init(&p, multi_pool, ones, false);
  p.range[last] = SIZE_MAX;
  p.tile[last] = SIZE_MAX / 2 + 1;
  p.total = SIZE_MAX;
  variant->call(multi_pool, &p);
  check_no_anomalies(&p);
  CHECK(p.done == SIZE_MAX, "the calls covered %zu items (expected SIZE_MAX)", (size_t)p.done);
  CHECK(p.calls == 2 || (variant->dynamic && p.calls == 1), "%zu calls (expected 2)",
        (size_t)p.calls);
}

enum scope { ALL, TILED, WITH_THREAD, WITH_UARCH, DYNAMIC };

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
    PROPERTY(multi_thread_pool_thread_index_unique, WITH_THREAD),
    PROPERTY(multi_thread_pool_uarch_index_is_default, WITH_UARCH),
    PROPERTY(single_thread_pool_runs_serially_on_calling_thread, ALL),
    PROPERTY(null_pool_runs_serially_on_calling_thread, ALL),
    PROPERTY(null_pool_dynamic_calls_span_tiled_dimensions, DYNAMIC),
    PROPERTY(zero_range_does_nothing, ALL),
    PROPERTY(one_element_range_runs_once, ALL),
    PROPERTY(tile_larger_than_range, TILED),
    PROPERTY(tile_divides_range, TILED),
    PROPERTY(zero_tile_acts_as_one, TILED),
    PROPERTY(tile_count_does_not_overflow_near_size_max, TILED),
#undef PROPERTY
};

static bool applies(const struct property *prop, const struct variant *v) {
  switch (prop->to) {
  case ALL: return true;
  case TILED: return v->tiled > 0;
  case WITH_THREAD: return has_thread(v);
  case WITH_UARCH: return has_uarch(v);
  case DYNAMIC: return v->dynamic;
  }
  return false;
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

/* One thread per online CPU, up to WP_MAX_THREADS (pthreadpool.h, wasmpool.h). */
static void default_pool_has_a_thread_per_cpu(void) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t expected = min(cpus > 0 ? (size_t)cpus : 1, WP_MAX_THREADS);
  pthreadpool_t pool = pthreadpool_create(0);
  size_t n = pthreadpool_get_threads_count(pool);
  CHECK(n == expected, "%zu threads, expected %zu (%ld CPUs online)", n, expected, cpus);
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

/* pthreadpool_set_threads_count caps later loops, never above what the pool was created
 * with (0: that many); a loop capped at one thread runs on its caller. */
static void set_threads_count_caps_later_loops(void) {
  pthreadpool_t pool = pthreadpool_create(2);
  CHECK(pthreadpool_set_threads_count(pool, 1) == 1, "set to 1 did not return 1");
  CHECK(pthreadpool_get_threads_count(pool) == 1, "%zu threads after set to 1",
        pthreadpool_get_threads_count(pool));
  variant = &variants[1]; /* 1d_with_thread */
  check_runs_on_caller(pool);
  size_t set0 = pthreadpool_set_threads_count(pool, 0);
  size_t set99 = pthreadpool_set_threads_count(pool, 99);
  CHECK(set0 == 2 && set99 == 2, "set to 0 returned %zu, set to 99 returned %zu (expected 2)",
        set0, set99);
  CHECK(pthreadpool_get_threads_count(pool) == 2, "%zu threads after set to 99",
        pthreadpool_get_threads_count(pool));
  CHECK(pthreadpool_set_threads_count(NULL, 4) == 1, "a NULL pool has other than 1 thread");
  pthreadpool_destroy(pool);
}

static void release_threads_leaves_the_pool_usable(void) {
  pthreadpool_release_all_threads(NULL);
  pthreadpool_release_all_threads(multi_pool);
  pthreadpool_release_executor_threads(NULL);
  pthreadpool_release_executor_threads(multi_pool);
  variant = &variants[0];
  struct probe p;
  probe_init(&p, multi_pool, NULL, false);
  variant->call(multi_pool, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
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
  struct probe p;
  run_1d_with_flags(PTHREADPOOL_FLAG_DISABLE_DENORMALS, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
  CHECK(p.not_flushed == 0, "%zu tasks ran with denormals enabled", (size_t)p.not_flushed);
  CHECK(!can_flush || !denormals_flush(), "the caller still flushes denormals after the loop");
}

/* Every thread of a flagged loop goes back to keeping denormals afterwards. */
static void unflagged_loop_after_a_flagged_one_keeps_denormals(void) {
  struct probe p;
  run_1d_with_flags(PTHREADPOOL_FLAG_DISABLE_DENORMALS, &p);
  run_1d_with_flags(0, &p);
  CHECK(p.flushed_unasked == 0, "%zu tasks of the unflagged loop flushed denormals",
        (size_t)p.flushed_unasked);
}

/* A loop with `flag` completes, and so does the next one, for which workers sleeping since
 * the last loop wake up. */
static void check_sleepy_workers(uint32_t flag) {
  struct probe p;
  run_1d_with_flags(flag, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed", (size_t)p.done, p.total);
  run_1d_with_flags(0, &p);
  CHECK(p.done == p.total, "%zu of %zu items processed after a yield", (size_t)p.done, p.total);
}

static void yield_workers_completes(void) { check_sleepy_workers(PTHREADPOOL_FLAG_YIELD_WORKERS); }

static void dont_spin_workers_completes(void) {
  check_sleepy_workers(PTHREADPOOL_FLAG_DONT_SPIN_WORKERS);
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

static bool wedged; /* a thread is stuck past its deadline: the pools cannot be destroyed */

/* Callers outside any loop wait for the pool: their calls never overlap. */
static void concurrent_calls_are_serialized(void) {
  static _Atomic int counts[CALLERS][SERIAL_RANGE]; /* static: a stuck caller may still write */
  pthread_t callers[CALLERS];
  for (size_t c = 0; c < CALLERS; c++) pthread_create(&callers[c], NULL, issue_calls, counts[c]);
  struct timespec give_up;
  clock_gettime(CLOCK_REALTIME, &give_up); /* pthread_timedjoin_np's clock */
  give_up.tv_sec += DEADLINE_SECONDS;
  for (size_t c = 0; c < CALLERS; c++) {
    int err = pthread_timedjoin_np(callers[c], NULL, &give_up);
    CHECK(err == 0, "caller %zu still running after %d s", c, DEADLINE_SECONDS);
    if (err) wedged = true;
  }
  if (wedged) return;
  CHECK(overlapping_calls == 0, "%zu calls overlapped another", (size_t)overlapping_calls);
  for (size_t c = 0; c < CALLERS; c++)
    for (size_t i = 0; i < SERIAL_RANGE; i++)
      if (counts[c][i] != CALLS_PER_CALLER) {
        CHECK(false, "caller %zu: item %zu processed %d times (expected %d)", c, i,
              atomic_load(&counts[c][i]), CALLS_PER_CALLER);
        break;
      }
}

/* ---- Tests that would deadlock if they failed: each runs in a forked child ----
 *
 * A child writes its first failure to stderr and exits 1; the parent's test checks how
 * the child ended. The child's alarm (child.h) ends a deadlock. */

static _Atomic bool child_failed;

/* Writes the child's first failure to its stderr at once, so the parent sees it even if
 * the child's alarm ends it later (a failed wait may leave other threads stuck). */
__attribute__((format(printf, 1, 2))) static void child_fail(const char *fmt, ...) {
  if (atomic_exchange(&child_failed, true)) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
}

static void child_await(_Atomic size_t *gate, const char *what) {
  if (!await_count(gate, 1)) child_fail("waited %d s in vain for %s", DEADLINE_SECONDS, what);
}

static void check_child(void (*body)(void *), void *arg) {
  struct child c;
  run_in_child(body, arg, &c);
  CHECK(c.signal == 0, "the child was killed by signal %d (%s)%s%s", c.signal,
        c.signal == SIGALRM ? "its alarm: deadlocked" : strsignal(c.signal),
        c.err[0] ? "; it reported: " : "", c.err);
  CHECK(c.signal != 0 || c.status == 0, "%s", c.err);
}

/* Ends the child: exit status 1 if it failed (its first failure is on stderr already). */
static void child_done(void) {
  if (child_failed) _exit(1);
}

/* A task that calls back into the pool running it: that pool is held (by the caller, or
 * by this very thread), so the inner call runs serially on the task's thread instead of
 * waiting for a lock that is only released once this task returns. */
struct reentry {
  pthreadpool_t pool;
  _Atomic size_t inner, off_thread;
};

struct reentry_item {
  struct reentry *r;
  pthread_t thread; /* the thread running the outer item */
};

static void count_inner(void *ctx, size_t i) {
  (void)i;
  struct reentry_item *item = ctx;
  atomic_fetch_add(&item->r->inner, 1);
  if (!pthread_equal(pthread_self(), item->thread)) atomic_fetch_add(&item->r->off_thread, 1);
}

static void reenter(void *ctx, size_t i) {
  (void)i;
  struct reentry_item item = {ctx, pthread_self()};
  pthreadpool_parallelize_1d(item.r->pool, count_inner, &item, 7, 0);
}

static void reentry_child(void *unused) {
  (void)unused;
  struct reentry r = {.pool = pthreadpool_create(2)};
  pthreadpool_parallelize_1d(r.pool, reenter, &r, 5, 0);
  if (r.inner != 35 || r.off_thread != 0)
    child_fail("inner items ran %zu times (expected 35), %zu of them off their outer item's "
               "thread", (size_t)r.inner, (size_t)r.off_thread);
  pthreadpool_destroy(r.pool);
  child_done();
}

static void call_from_a_task_into_its_own_pool_runs_serially(void) {
  check_child(reentry_child, NULL);
}

/* A _dynamic loop called from a task into its own (held) pool runs serially, so it needs no
 * balance: one call covers the whole range, as on a NULL pool. */
#define REENTRY_OUTER 5
#define REENTRY_RANGE 1009

struct dynamic_reentry {
  pthreadpool_t pool;
  _Atomic size_t calls, items;
};

static void count_dynamic_call(void *ctx, size_t start, size_t count) {
  struct dynamic_reentry *r = ctx;
  (void)start;
  atomic_fetch_add(&r->calls, 1);
  atomic_fetch_add(&r->items, count);
}

static void reenter_dynamic(void *ctx, size_t i) {
  (void)i;
  struct dynamic_reentry *r = ctx;
  pthreadpool_parallelize_1d_tile_1d_dynamic(r->pool, count_dynamic_call, r, REENTRY_RANGE, 7, 0);
}

static void dynamic_reentry_child(void *unused) {
  (void)unused;
  struct dynamic_reentry r = {.pool = pthreadpool_create(2)};
  pthreadpool_parallelize_1d(r.pool, reenter_dynamic, &r, REENTRY_OUTER, 0);
  if (r.calls != REENTRY_OUTER || r.items != REENTRY_OUTER * REENTRY_RANGE)
    child_fail("%zu inner calls covering %zu items (expected %d calls covering %d)",
               (size_t)r.calls, (size_t)r.items, REENTRY_OUTER, REENTRY_OUTER * REENTRY_RANGE);
  pthreadpool_destroy(r.pool);
  child_done();
}

static void dynamic_call_from_a_task_into_its_own_pool_makes_one_call(void) {
  check_child(dynamic_reentry_child, NULL);
}

/* ---- Two callers, nested loops, and a helper that crosses from one to the other ----
 *
 * Caller A runs a loop of two items on pool P (2 threads: A and the core's one worker W),
 * and holds P until it returns. Gates force this order, each wait with a deadline:
 *
 *   A: item a0 waits until W has started a1.
 *   W: item a1 runs a nested loop N of two items; W takes n0, which waits until n1 starts.
 *   A: done with a0 and waiting for W, helps N: takes n1, and lets caller B go. n1 waits
 *      until b1 has started.
 *   B: runs a loop of two items (b0 its own, waiting until b1 starts).
 *   W: done with n0 and waiting for A to finish n1, helps B's loop: takes b1.
 *
 * So W runs b1 inside a1 (of P's loop, held by A), and A waits for W. If b1 calls into P
 * and waits for A's lock, nothing ever returns. */

struct crossing {
  pthreadpool_t p;
  uint32_t a_flags;  /* flags of A's loop */
  bool b1_calls_p;   /* b1 runs a loop on P */
  pthread_t a, w;    /* each written by its own thread: a first thing, w in a1 */
  _Atomic size_t a1_started, n1_started, b_may_start, b1_started;
  _Atomic size_t inner_items, inner_off_w;
};

/* Checks that a task flushes denormals exactly if its loop does. */
static void check_mode(const char *item, bool flagged) {
  if (can_flush && denormals_flush() != flagged)
    child_fail("%s ran with denormals %s", item, flagged ? "kept" : "flushed");
}

/* The same, and that the task runs on the thread the scenario above forces it onto. */
static void cross_check(const char *item, bool flagged, pthread_t expected) {
  if (!pthread_equal(pthread_self(), expected)) child_fail("%s ran on an unexpected thread", item);
  check_mode(item, flagged);
}

static void inner_task(void *ctx, size_t i) {
  (void)i;
  struct crossing *s = ctx;
  atomic_fetch_add(&s->inner_items, 1);
  if (!pthread_equal(pthread_self(), s->w)) atomic_fetch_add(&s->inner_off_w, 1);
}

static void b_task(void *ctx, size_t i) {
  struct crossing *s = ctx;
  if (i == 0) { /* usually on B; W may steal it once b1 is done, if B is slow to start */
    check_mode("b0", false);
    child_await(&s->b1_started, "b1 to start");
    return;
  }
  cross_check("b1", false, s->w);
  atomic_store(&s->b1_started, 1);
  if (s->b1_calls_p) pthreadpool_parallelize_1d(s->p, inner_task, s, 7, 0);
}

static void *b_main(void *ctx) {
  struct crossing *s = ctx;
  child_await(&s->b_may_start, "A to take n1");
  wp_parallel_for(b_task, s, 2);
  return NULL;
}

/* N is nested in a1, so it runs in a1's denormal mode. */
static void n_task(void *ctx, size_t i) {
  struct crossing *s = ctx;
  bool flagged = s->a_flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS;
  if (i == 0) {
    cross_check("n0", flagged, s->w);
    child_await(&s->n1_started, "n1 to start");
    return;
  }
  cross_check("n1", flagged, s->a);
  atomic_store(&s->n1_started, 1);
  atomic_store(&s->b_may_start, 1);
  child_await(&s->b1_started, "b1 to start");
}

static void a_task(void *ctx, size_t i) {
  struct crossing *s = ctx;
  bool flagged = s->a_flags & PTHREADPOOL_FLAG_DISABLE_DENORMALS;
  if (i == 0) {
    cross_check("a0", flagged, s->a);
    child_await(&s->a1_started, "a1 to start");
    return;
  }
  s->w = pthread_self();
  atomic_store(&s->a1_started, 1);
  if (pthread_equal(s->w, s->a)) child_fail("a1 ran on A, not on the worker");
  cross_check("a1", flagged, s->w);
  wp_parallel_for(n_task, s, 2);
}

static void *a_main(void *ctx) {
  struct crossing *s = ctx;
  s->a = pthread_self();
  pthreadpool_parallelize_1d(s->p, a_task, s, 2, s->a_flags);
  if (can_flush && denormals_flush()) child_fail("A flushes denormals after its loop");
  return NULL;
}

static void check_keeps_denormals(void *ctx, size_t i) {
  (void)ctx, (void)i;
  if (denormals_flush()) child_fail("a loop after the crossing flushed denormals");
}

/* The child's whole life: a fresh core of two threads, the scenario, and its checks. Exits
 * 1 with the first failure on stderr. */
static void crossing_child(void *params) {
  struct crossing *s = params;
  s->p = pthreadpool_create(2);
  if (pthreadpool_get_threads_count(s->p) != 2) child_fail("P has %zu threads, not 2",
                                                           pthreadpool_get_threads_count(s->p));
  pthread_t a, b;
  pthread_create(&a, NULL, a_main, s);
  pthread_create(&b, NULL, b_main, s);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  if (s->b1_calls_p && (s->inner_items != 7 || s->inner_off_w != 0))
    child_fail("b1's loop on P ran %zu items (expected 7), %zu of them off b1's thread",
               (size_t)s->inner_items, (size_t)s->inner_off_w);
  if (can_flush) pthreadpool_parallelize_1d(s->p, check_keeps_denormals, s, 1009, 0);
  pthreadpool_destroy(s->p);
  child_done();
}

static void run_crossing(uint32_t a_flags, bool b1_calls_p) {
  static struct crossing s; /* copied into the child by fork */
  memset(&s, 0, sizeof s);
  s.a_flags = a_flags;
  s.b1_calls_p = b1_calls_p;
  check_child(crossing_child, &s);
}

/* The scenario with b1 calling into P: P is A's, and A waits for W. b1's loop must run
 * serially on W rather than wait for P. */
static void call_into_a_held_pool_from_a_helped_task_runs_serially(void) {
  run_crossing(0, true);
}

/* The scenario with A's loop flagged: W runs b1 (of B's unflagged loop) while inside a1
 * (flagged). b1 must keep denormals; a0, a1 and N (nested in a1) flush. */
static void helped_task_of_an_unflagged_loop_keeps_denormals(void) {
  run_crossing(PTHREADPOOL_FLAG_DISABLE_DENORMALS, false);
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

int main(void) {
  const char *stress = getenv("WP_STRESS");
  if (stress && strcmp(stress, "sanitizer") == 0) {
    for (size_t v = 0; v < VARIANT_COUNT; v++) shrink(&variants[v], 20000);
    work_budget = 60000;
  }

  /* Before any pool exists (a child is forked only from a process without pool threads). */
  RUN(call_into_a_held_pool_from_a_helped_task_runs_serially);
  RUN(helped_task_of_an_unflagged_loop_keeps_denormals);
  RUN(call_from_a_task_into_its_own_pool_runs_serially);
  RUN(dynamic_call_from_a_task_into_its_own_pool_makes_one_call);
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

  for (size_t v = 0; v < VARIANT_COUNT; v++) {
    variant = &variants[v];
    for (size_t p = 0; p < sizeof properties / sizeof properties[0]; p++) {
      if (!applies(&properties[p], variant)) continue;
      char name[160];
      snprintf(name, sizeof name, "%s.%s", variant->name, properties[p].name);
      check_run(name, properties[p].test);
    }
  }
  RUN(set_threads_count_caps_later_loops);
  RUN(release_threads_leaves_the_pool_usable);
  RUN(disable_denormals_flushes_on_every_thread);
  RUN(unflagged_loop_after_a_flagged_one_keeps_denormals);
  RUN(yield_workers_completes);
  RUN(dont_spin_workers_completes);
  RUN(concurrent_calls_are_serialized);

  if (!wedged) { /* else destroying the last pool would wait for the stuck thread forever */
    pthreadpool_destroy(single_pool);
    pthreadpool_destroy(multi_pool);
  }
  return check_summary();
}
