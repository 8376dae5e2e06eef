/*
 * pthreadpool.c — pthreadpool's pool handles, and the one adapter that runs every public
 * loop (pthreadpool_loops.c) as a wp_loop on the core.
 *
 * A loop's items are its tiles, numbered in row-major order (the last dimension varies
 * fastest), so each participant's contiguous slice is a block of neighbouring tiles, as in
 * pthreadpool. The adapter turns an item number back into start indices and tile extents,
 * and calls the user's task through its exact function type.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pool.h"
#include "pthreadpool.h"
#include "pthreadpool_loops.h"
#include "wasmpool.h"

_Static_assert(PTHREADPOOL_FLAG_DISABLE_DENORMALS == WP_LOOP_DISABLE_DENORMALS &&
                   PTHREADPOOL_FLAG_YIELD_WORKERS == WP_LOOP_YIELD_WORKERS,
               "pthreadpool's flags pass straight through to the core");

/* A _dynamic loop cuts about this many calls per participating thread: enough for work
 * stealing to even out items of uneven cost, few enough that calls stay long. */
#define DYNAMIC_CALLS_PER_THREAD 8

/* A pool handle. */
struct pthreadpool {
  /* Held by the loop running on this pool, for the whole loop. A call from outside any loop
   * waits for it; a call from inside a loop's task only tries it (see take). */
  pthread_mutex_t lock;
  _Atomic size_t threads; /* cap on a loop's participants, 1 .. max_threads; read once per
                             loop, written by pthreadpool_set_threads_count */
  size_t max_threads;     /* what the pool got when it was created; written once */
  bool counted;           /* counted in core.handles: this handle keeps the core running */
};

/* Natively, the first handle that finds the core stopped starts it, and the last handle
 * counted on it stops it. A core started by wp_start counts no handle, so none stops it. */
static struct {
  pthread_mutex_t lock; /* guards handles, and starting or stopping the core through it */
  size_t handles;       /* live handles counted on the core this file started */
} core = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t min(size_t a, size_t b) { return a < b ? a : b; }

/* Counts a new handle on the core, starting the core with `threads` threads if it is not
 * running. Returns false, counting nothing, if the core runs on someone else's behalf (or
 * cannot start): the handle then uses whatever threads there are. */
static bool core_acquire(size_t threads) {
#ifdef __EMSCRIPTEN__
  (void)threads; /* the runtime started the core before any C code ran */
  return false;
#else
  pthread_mutex_lock(&core.lock);
  bool counted = core.handles > 0 || wp__pool_start(threads, 1) == 0;
  if (counted) core.handles++;
  pthread_mutex_unlock(&core.lock);
  return counted;
#endif
}

static void core_release(void) {
  pthread_mutex_lock(&core.lock);
  if (--core.handles == 0) wp__pool_stop();
  pthread_mutex_unlock(&core.lock);
}

pthreadpool_t pthreadpool_create(size_t threads_count) {
  struct pthreadpool *pool = malloc(sizeof *pool);
  if (!pool) return NULL;
  size_t threads = threads_count ? threads_count : wp__cpu_count();
  pool->counted = threads > 1 && core_acquire(threads);
  pool->max_threads = min(threads, wp_threads_count());
  atomic_init(&pool->threads, pool->max_threads);
  pthread_mutex_init(&pool->lock, NULL);
  return pool;
}

size_t pthreadpool_get_threads_count(pthreadpool_t threadpool) {
  return threadpool ? atomic_load_explicit(&threadpool->threads, memory_order_relaxed) : 1;
}

size_t pthreadpool_set_threads_count(pthreadpool_t threadpool, size_t num_threads) {
  if (!threadpool) return 1;
  size_t n = num_threads == 0 ? threadpool->max_threads : min(num_threads, threadpool->max_threads);
  atomic_store_explicit(&threadpool->threads, n, memory_order_relaxed);
  return n;
}

void pthreadpool_release_all_threads(struct pthreadpool *threadpool) { (void)threadpool; }

void pthreadpool_destroy(pthreadpool_t threadpool) {
  if (!threadpool) return;
  if (threadpool->counted) core_release();
  pthread_mutex_destroy(&threadpool->lock);
  free(threadpool);
}

/* ---- Running a loop ---- */

/* One running call: the core's loop, and how its items map back onto the user's loop. */
struct job {
  struct wp_loop loop;       /* first, so the item adapter gets back here from &loop */
  const struct pp_loop *pp;
  size_t step[PP_MAX_DIMS];  /* one item's extent along each dimension (1 where untiled) */
  size_t items[PP_MAX_DIMS]; /* items along each dimension; their product is loop.range */
};

/* Tiles of `tile` items that cover `range` (a tile of 0 or 1: range); never wraps. */
static size_t tiles_in(size_t range, size_t tile) {
  return tile <= 1 ? range : range / tile + (range % tile != 0);
}

/* Where item `index` of a dims-dimensional loop starts along each dimension (at[d]), and
 * how far it reaches (len[d]). What is left of the index after the inner dimensions is
 * the outermost one's item: no division there. */
static inline void locate(const struct job *job, size_t dims, size_t index, size_t at[],
                          size_t len[]) {
  for (size_t d = dims; d-- > 0;) {
    size_t item = index;
    if (d > 0) {
      index /= job->items[d];
      item -= index * job->items[d];
    }
    at[d] = item * job->step[d];
    len[d] = min(job->step[d], job->pp->range[d] - at[d]);
  }
}

/* Calls the task with `n` size_t arguments after the context, through its exact type: no
 * public task type has more than 8. */
typedef size_t z;
static void call(const struct pp_loop *pp, const size_t *a, size_t n) {
  void *fn = pp->function, *c = pp->context;
  switch (n) {
  case 1: ((void (*)(void *, z))fn)(c, a[0]); return;
  case 2: ((void (*)(void *, z, z))fn)(c, a[0], a[1]); return;
  case 3: ((void (*)(void *, z, z, z))fn)(c, a[0], a[1], a[2]); return;
  case 4: ((void (*)(void *, z, z, z, z))fn)(c, a[0], a[1], a[2], a[3]); return;
  case 5: ((void (*)(void *, z, z, z, z, z))fn)(c, a[0], a[1], a[2], a[3], a[4]); return;
  case 6: ((void (*)(void *, z, z, z, z, z, z))fn)(c, a[0], a[1], a[2], a[3], a[4], a[5]); return;
  case 7:
    ((void (*)(void *, z, z, z, z, z, z, z))fn)(c, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    return;
  case 8:
    ((void (*)(void *, z, z, z, z, z, z, z, z))fn)(c, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                                                   a[7]);
    return;
  }
  assert(!"no pthreadpool task takes this many indices");
}

/* The same, for tasks that take a uint32_t `id` first: no public one has more than 6 after it. */
typedef uint32_t u;
static void call_with_id(const struct pp_loop *pp, uint32_t id, const size_t *a, size_t n) {
  void *fn = pp->function, *c = pp->context;
  switch (n) {
  case 1: ((void (*)(void *, u, z))fn)(c, id, a[0]); return;
  case 2: ((void (*)(void *, u, z, z))fn)(c, id, a[0], a[1]); return;
  case 3: ((void (*)(void *, u, z, z, z))fn)(c, id, a[0], a[1], a[2]); return;
  case 4: ((void (*)(void *, u, z, z, z, z))fn)(c, id, a[0], a[1], a[2], a[3]); return;
  case 5: ((void (*)(void *, u, z, z, z, z, z))fn)(c, id, a[0], a[1], a[2], a[3], a[4]); return;
  case 6:
    ((void (*)(void *, u, z, z, z, z, z, z))fn)(c, id, a[0], a[1], a[2], a[3], a[4], a[5]);
    return;
  }
  assert(!"no pthreadpool task takes this many indices after its id");
}

/* The item adapter of every loop (`slot` is the thread index), written once and compiled
 * once per dimension count, so that its loops over the dimensions unroll. */
static inline __attribute__((always_inline)) void run_item(const struct wp_loop *loop,
                                                           size_t slot, size_t index,
                                                           size_t dims) {
  const struct job *job = (const struct job *)loop;
  const struct pp_loop *pp = job->pp;
  size_t at[PP_MAX_DIMS], len[PP_MAX_DIMS], a[1 + 2 * PP_MAX_DIMS], n = 0;
  locate(job, dims, index, at, len);
  if (pp->lead == PP_THREAD || pp->lead == PP_UARCH_THREAD) a[n++] = slot;
  for (size_t d = 0; d < dims; d++) a[n++] = at[d];
  for (size_t d = dims - pp->tiled; d < dims; d++) a[n++] = len[d];
  if (pp->lead == PP_NONE || pp->lead == PP_THREAD) call(pp, a, n);
  else call_with_id(pp, pp->lead == PP_THREAD_ID ? (uint32_t)slot : pp->uarch, a, n);
}

#define RUN_ITEM(dims)                                                                     \
  static void run_item_##dims(const struct wp_loop *loop, size_t slot, size_t index) {     \
    run_item(loop, slot, index, dims);                                                     \
  }
RUN_ITEM(1)
RUN_ITEM(2)
RUN_ITEM(3)
RUN_ITEM(4)
RUN_ITEM(5)
RUN_ITEM(6)
static const wp_loop_item run_item_of[PP_MAX_DIMS + 1] = {
    NULL, run_item_1, run_item_2, run_item_3, run_item_4, run_item_5, run_item_6};

/* pthreadpool_parallelize_1d, the most common loop, and the one with the least work per
 * item: straight to the task. */
static void run_item_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  const struct pp_loop *pp = ((const struct job *)loop)->pp;
  ((pthreadpool_task_1d_t)pp->function)(pp->context, index);
}

/* A _dynamic loop: widens its items to DYNAMIC_CALLS_PER_THREAD per participant, from the
 * last tiled dimension outwards. A dimension that becomes one item lets the next one out
 * widen too; one that stays split leaves the outer ones at a tile per item. Item extents
 * stay multiples of the tile, except where they reach the end of the range. */
static void widen(struct job *job, size_t participants) {
  const struct pp_loop *pp = job->pp;
  size_t target = participants > 1 ? participants * DYNAMIC_CALLS_PER_THREAD : 1;
  for (size_t d = pp->dims; d-- > pp->dims - pp->tiled;) {
    size_t items = job->items[d], others = job->loop.range / items;
    if (items == 1) continue; /* one tile already: the next dimension out may widen */
    size_t pieces = others >= target ? 1 : target / others + (target % others != 0);
    if (pieces >= items) return; /* a tile per item is as wide as it gets */
    size_t per = items / pieces + (items % pieces != 0); /* tiles per item */
    /* per < items, so per * step < range: no overflow. */
    job->step[d] = pieces == 1 ? pp->range[d] : per * job->step[d];
    job->items[d] = pieces == 1 ? 1 : items / per + (items % per != 0);
    job->loop.range = others * job->items[d];
    if (job->items[d] > 1) return;
  }
}

/* Takes the pool's lock for one loop, or returns false if the loop must do without it. A
 * thread outside any loop waits its turn: calls into one pool stay serialized. A thread
 * inside a loop's item must not wait: the holder may be waiting for this very thread (it
 * ran one of the holder's items and, while that item waited for a nested loop, came to
 * help the item that called here). Then the loop runs serially on this thread instead. */
static bool take(struct pthreadpool *pool) {
  if (wp__item_depth() == 0) {
    pthread_mutex_lock(&pool->lock);
    return true;
  }
  return pthread_mutex_trylock(&pool->lock) == 0;
}

void wp__pthreadpool_run(pthreadpool_t pool, const struct pp_loop *pp) {
  assert(pp->dims >= 1 && pp->dims <= PP_MAX_DIMS && pp->tiled <= pp->dims);
  struct job job = {
      .loop = {.item = run_item_of[pp->dims],
               .range = 1,
               .flags = pp->flags & (WP_LOOP_DISABLE_DENORMALS | WP_LOOP_YIELD_WORKERS)},
      .pp = pp,
  };
  for (size_t d = 0; d < pp->dims; d++) {
    bool tiled = d >= pp->dims - pp->tiled && pp->tile[d] > 1;
    job.step[d] = tiled ? pp->tile[d] : 1;
    job.items[d] = tiles_in(pp->range[d], job.step[d]);
    if (job.items[d] == 0) return;
  }
  for (size_t d = 0; d < pp->dims; d++) {
    /* size_t is 32 bits on wasm32: a product that wraps would silently skip work. */
    if (job.loop.range > SIZE_MAX / job.items[d])
      wp_panic("pthreadpool: a %zu-dimensional loop has more tiles than size_t can count",
               pp->dims);
    job.loop.range *= job.items[d];
  }
  if (pp->dims == 1 && pp->tiled == 0 && pp->lead == PP_NONE) job.loop.item = run_item_1d;
  size_t threads = pthreadpool_get_threads_count(pool);
  if (pp->dynamic) widen(&job, wp__participants(job.loop.range, threads));

  /* pthreadpool runs a loop that cannot be split on the caller without taking the pool. */
  bool locked = pool && threads > 1 && job.loop.range > 1 && take(pool);
  job.loop.max_threads = locked ? threads : 1;
  wp__run_loop(&job.loop);
  if (locked) pthread_mutex_unlock(&pool->lock);
}
