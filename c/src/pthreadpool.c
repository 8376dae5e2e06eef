/*
 * pthreadpool.c — pthreadpool's API as thin adapters over wp__run_loop.
 *
 * Every parallelize_* call is one wp_loop whose items are the loop's tiles, numbered in
 * row-major order (the last dimension varies fastest), so each participant's contiguous
 * slice is a block of neighbouring tiles, as in pthreadpool. The loop's shape sits in
 * loop->arg: the range of dimension d in arg[d] and its tile in arg[MAX_DIMS + d] (1 on
 * dimensions that are not tiled). An item adapter per task signature turns an item index
 * back into indices and tile extents, and calls the user's task.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"
#include "pthreadpool.h"
#include "wasmpool.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/threading.h>
#endif

_Static_assert(PTHREADPOOL_FLAG_DISABLE_DENORMALS == WP_LOOP_DISABLE_DENORMALS &&
                   PTHREADPOOL_FLAG_YIELD_WORKERS == WP_LOOP_YIELD_WORKERS,
               "pthreadpool's flags pass straight through to the core");

#define MAX_DIMS 6

/* A pool handle. Every field is written once, by pthreadpool_create. */
struct pthreadpool {
  pthread_mutex_t lock; /* held for the whole of each parallelize call: calls serialize */
  size_t threads;       /* cap on a loop's participants, >= 1 */
  bool counted;         /* counted in core.handles: this handle keeps the core running */
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
  pool->threads = min(threads, wp_threads_count());
  pthread_mutex_init(&pool->lock, NULL);
  return pool;
}

size_t pthreadpool_get_threads_count(pthreadpool_t threadpool) {
  return threadpool ? threadpool->threads : 1;
}

void pthreadpool_destroy(pthreadpool_t threadpool) {
  if (!threadpool) return;
  if (threadpool->counted) core_release();
  pthread_mutex_destroy(&threadpool->lock);
  free(threadpool);
}

/* The pools whose lock this thread holds, innermost first (frames of parallelize). */
struct held {
  const struct pthreadpool *pool;
  const struct held *outer;
};
static _Thread_local const struct held *held_by_this_thread;

/* Runs `item` over the tiles of a dims-dimensional loop, range[d] by tile[d] (tile NULL:
 * no dimension is tiled; a tile of 0 acts as 1). */
static void parallelize(struct pthreadpool *pool, wp_loop_item item, void *task, void *context,
                        uint32_t flags, size_t dims, const size_t range[], const size_t tile[]) {
  struct wp_loop loop = {
      .item = item,
      .fn = task,
      .ctx = context,
      .range = 1,
      .max_threads = pool ? pool->threads : 1,
      .flags = flags & (WP_LOOP_DISABLE_DENORMALS | WP_LOOP_YIELD_WORKERS),
  };
  for (size_t d = 0; d < dims; d++) {
    size_t t = tile && tile[d] ? tile[d] : 1;
    size_t tiles = range[d] / t + (range[d] % t != 0);
    /* size_t is 32 bits on wasm32: a product that wraps would silently skip work. */
    if (tiles && loop.range > SIZE_MAX / tiles)
      wp_panic("pthreadpool: a %zu-dimensional loop has more tiles than size_t can count", dims);
    loop.arg[d] = range[d];
    loop.arg[MAX_DIMS + d] = t;
    loop.range *= tiles;
  }
  if (loop.range == 0) return;
  if (!pool) {
    wp__run_loop(&loop);
    return;
  }
  /* A thread can come back here while it holds this pool's lock: waiting for its loop's
   * helpers, it may help another call whose item calls into this pool. Waiting for the
   * lock would wait for itself; it runs that loop serially instead, as thread 0 (its own
   * items of the outer loop are done by then, unless the outer item itself is nested). */
  for (const struct held *h = held_by_this_thread; h; h = h->outer) {
    if (h->pool == pool) {
      loop.max_threads = 1;
      wp__run_loop(&loop);
      return;
    }
  }
  pthread_mutex_lock(&pool->lock);
  struct held mine = {pool, held_by_this_thread};
  held_by_this_thread = &mine;
  wp__run_loop(&loop);
  held_by_this_thread = mine.outer;
  pthread_mutex_unlock(&pool->lock);
}

/* Where tile `index` of a dims-dimensional loop starts along each dimension (at[d]), and
 * how many items it spans there (len[d]). */
static void locate(const struct wp_loop *loop, size_t dims, size_t index, size_t at[],
                   size_t len[]) {
  for (size_t d = dims; d-- > 0;) {
    size_t range = loop->arg[d], tile = loop->arg[MAX_DIMS + d];
    size_t tiles = tile == 1 ? range : (range + tile - 1) / tile;
    at[d] = index % tiles * tile;
    len[d] = min(tile, range - at[d]);
    index /= tiles;
  }
}

/* The item adapters: one per task signature. */
#define TASK(kind) ((pthreadpool_task_##kind##_t)loop->fn)

static void item_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  TASK(1d)(loop->ctx, index);
}

static void item_1d_with_thread(const struct wp_loop *loop, size_t slot, size_t index) {
  TASK(1d_with_thread)(loop->ctx, slot, index);
}

static void item_1d_tile_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[1], len[1];
  locate(loop, 1, index, at, len);
  TASK(1d_tile_1d)(loop->ctx, at[0], len[0]);
}

static void item_2d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[2], len[2];
  locate(loop, 2, index, at, len);
  TASK(2d)(loop->ctx, at[0], at[1]);
}

static void item_2d_with_thread(const struct wp_loop *loop, size_t slot, size_t index) {
  size_t at[2], len[2];
  locate(loop, 2, index, at, len);
  TASK(2d_with_thread)(loop->ctx, slot, at[0], at[1]);
}

static void item_2d_tile_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[2], len[2];
  locate(loop, 2, index, at, len);
  TASK(2d_tile_1d)(loop->ctx, at[0], at[1], len[1]);
}

static void item_2d_tile_2d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[2], len[2];
  locate(loop, 2, index, at, len);
  TASK(2d_tile_2d)(loop->ctx, at[0], at[1], len[0], len[1]);
}

static void item_3d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[3], len[3];
  locate(loop, 3, index, at, len);
  TASK(3d)(loop->ctx, at[0], at[1], at[2]);
}

static void item_3d_tile_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[3], len[3];
  locate(loop, 3, index, at, len);
  TASK(3d_tile_1d)(loop->ctx, at[0], at[1], at[2], len[2]);
}

static void item_3d_tile_2d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[3], len[3];
  locate(loop, 3, index, at, len);
  TASK(3d_tile_2d)(loop->ctx, at[0], at[1], at[2], len[1], len[2]);
}

static void item_4d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[4], len[4];
  locate(loop, 4, index, at, len);
  TASK(4d)(loop->ctx, at[0], at[1], at[2], at[3]);
}

static void item_4d_tile_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[4], len[4];
  locate(loop, 4, index, at, len);
  TASK(4d_tile_1d)(loop->ctx, at[0], at[1], at[2], at[3], len[3]);
}

static void item_4d_tile_2d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[4], len[4];
  locate(loop, 4, index, at, len);
  TASK(4d_tile_2d)(loop->ctx, at[0], at[1], at[2], at[3], len[2], len[3]);
}

static void item_5d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[5], len[5];
  locate(loop, 5, index, at, len);
  TASK(5d)(loop->ctx, at[0], at[1], at[2], at[3], at[4]);
}

static void item_6d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  size_t at[6], len[6];
  locate(loop, 6, index, at, len);
  TASK(6d)(loop->ctx, at[0], at[1], at[2], at[3], at[4], at[5]);
}

/* The public loops: each names its adapter, its ranges and its tiles. */
#define RANGES(...) (const size_t[]){__VA_ARGS__}
#define TILES(...) (const size_t[]){__VA_ARGS__}

void pthreadpool_parallelize_1d(pthreadpool_t threadpool, pthreadpool_task_1d_t function,
                                void *context, size_t range, uint32_t flags) {
  parallelize(threadpool, item_1d, (void *)function, context, flags, 1, RANGES(range), NULL);
}

void pthreadpool_parallelize_1d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_1d_with_thread_t function,
                                            void *context, size_t range, uint32_t flags) {
  parallelize(threadpool, item_1d_with_thread, (void *)function, context, flags, 1,
              RANGES(range), NULL);
}

void pthreadpool_parallelize_1d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_1d_tile_1d_t function, void *context,
                                        size_t range, size_t tile, uint32_t flags) {
  parallelize(threadpool, item_1d_tile_1d, (void *)function, context, flags, 1, RANGES(range),
              TILES(tile));
}

void pthreadpool_parallelize_2d(pthreadpool_t threadpool, pthreadpool_task_2d_t function,
                                void *context, size_t range_i, size_t range_j, uint32_t flags) {
  parallelize(threadpool, item_2d, (void *)function, context, flags, 2,
              RANGES(range_i, range_j), NULL);
}

void pthreadpool_parallelize_2d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_2d_with_thread_t function,
                                            void *context, size_t range_i, size_t range_j,
                                            uint32_t flags) {
  parallelize(threadpool, item_2d_with_thread, (void *)function, context, flags, 2,
              RANGES(range_i, range_j), NULL);
}

void pthreadpool_parallelize_2d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_j,
                                        uint32_t flags) {
  parallelize(threadpool, item_2d_tile_1d, (void *)function, context, flags, 2,
              RANGES(range_i, range_j), TILES(1, tile_j));
}

void pthreadpool_parallelize_2d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_i,
                                        size_t tile_j, uint32_t flags) {
  parallelize(threadpool, item_2d_tile_2d, (void *)function, context, flags, 2,
              RANGES(range_i, range_j), TILES(tile_i, tile_j));
}

void pthreadpool_parallelize_3d(pthreadpool_t threadpool, pthreadpool_task_3d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                uint32_t flags) {
  parallelize(threadpool, item_3d, (void *)function, context, flags, 3,
              RANGES(range_i, range_j, range_k), NULL);
}

void pthreadpool_parallelize_3d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_3d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t tile_k, uint32_t flags) {
  parallelize(threadpool, item_3d_tile_1d, (void *)function, context, flags, 3,
              RANGES(range_i, range_j, range_k), TILES(1, 1, tile_k));
}

void pthreadpool_parallelize_3d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_3d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t tile_j, size_t tile_k, uint32_t flags) {
  parallelize(threadpool, item_3d_tile_2d, (void *)function, context, flags, 3,
              RANGES(range_i, range_j, range_k), TILES(1, tile_j, tile_k));
}

void pthreadpool_parallelize_4d(pthreadpool_t threadpool, pthreadpool_task_4d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, uint32_t flags) {
  parallelize(threadpool, item_4d, (void *)function, context, flags, 4,
              RANGES(range_i, range_j, range_k, range_l), NULL);
}

void pthreadpool_parallelize_4d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_4d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t tile_l, uint32_t flags) {
  parallelize(threadpool, item_4d_tile_1d, (void *)function, context, flags, 4,
              RANGES(range_i, range_j, range_k, range_l), TILES(1, 1, 1, tile_l));
}

void pthreadpool_parallelize_4d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_4d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t tile_k, size_t tile_l,
                                        uint32_t flags) {
  parallelize(threadpool, item_4d_tile_2d, (void *)function, context, flags, 4,
              RANGES(range_i, range_j, range_k, range_l), TILES(1, 1, tile_k, tile_l));
}

void pthreadpool_parallelize_5d(pthreadpool_t threadpool, pthreadpool_task_5d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, uint32_t flags) {
  parallelize(threadpool, item_5d, (void *)function, context, flags, 5,
              RANGES(range_i, range_j, range_k, range_l, range_m), NULL);
}

void pthreadpool_parallelize_6d(pthreadpool_t threadpool, pthreadpool_task_6d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, size_t range_n, uint32_t flags) {
  parallelize(threadpool, item_6d, (void *)function, context, flags, 6,
              RANGES(range_i, range_j, range_k, range_l, range_m, range_n), NULL);
}
