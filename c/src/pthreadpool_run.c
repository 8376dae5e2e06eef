/*
 * pthreadpool_run.c — the one adapter that runs every public loop of pthreadpool.h
 * (pthreadpool_loops.c) as a wp_loop on the core.
 *
 * A loop's items are its tiles, numbered in row-major order (the last dimension varies
 * fastest), so each participant's contiguous slice is a block of neighbouring tiles, as in
 * pthreadpool. The adapter turns an item number back into start indices and tile extents,
 * and calls the user's task through its exact function type.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pool.h"
#include "pthreadpool.h"
#include "pthreadpool_handle.h"
#include "pthreadpool_run.h"
#include "wasmpool.h"

_Static_assert(PTHREADPOOL_FLAG_DISABLE_DENORMALS == WP_LOOP_DISABLE_DENORMALS &&
                   PTHREADPOOL_FLAG_YIELD_WORKERS == WP_LOOP_YIELD_WORKERS,
               "pthreadpool's flags pass straight through to the core");

/* A _dynamic loop cuts about this many calls per participating thread: enough for work
 * stealing to even out items of uneven cost, few enough that calls stay long. */
#define DYNAMIC_CALLS_PER_THREAD 8

/* One running call of a public loop: the core's loop, and how its items map back onto the
 * user's loop (the core's own view of a running loop is pool.c's struct job). */
struct pp_job {
  struct wp_loop loop;       /* first, so the item adapter gets back here from &loop */
  const struct pp_loop *pp;
  size_t step[PP_MAX_DIMS];  /* one item's extent along each dimension (1 where untiled) */
  size_t items[PP_MAX_DIMS]; /* items along each dimension; their product is loop.range */
};

/* Where item `index` of a dims-dimensional loop starts along each dimension (at[d]), and
 * how far it reaches (len[d]). What is left of the index after the inner dimensions is
 * the outermost one's item: no division there. */
static inline void locate(const struct pp_job *job, size_t dims, size_t index, size_t at[],
                          size_t len[]) {
  for (size_t d = dims; d-- > 0;) {
    size_t item = index;
    if (d > 0) {
      index /= job->items[d];
      item -= index * job->items[d];
    }
    at[d] = item * job->step[d];
    len[d] = wp__min(job->step[d], job->pp->range[d] - at[d]);
  }
}

/* The task types call() and call_with_id() cast to: `n` size_t indices after the context,
 * or a uint32_t id and then `n` indices. */
typedef void (*task_of_1)(void *, size_t);
typedef void (*task_of_2)(void *, size_t, size_t);
typedef void (*task_of_3)(void *, size_t, size_t, size_t);
typedef void (*task_of_4)(void *, size_t, size_t, size_t, size_t);
typedef void (*task_of_5)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*task_of_6)(void *, size_t, size_t, size_t, size_t, size_t, size_t);
typedef void (*task_of_7)(void *, size_t, size_t, size_t, size_t, size_t, size_t, size_t);
typedef void (*task_of_8)(void *, size_t, size_t, size_t, size_t, size_t, size_t, size_t,
                          size_t);
typedef void (*id_task_of_1)(void *, uint32_t, size_t);
typedef void (*id_task_of_2)(void *, uint32_t, size_t, size_t);
typedef void (*id_task_of_3)(void *, uint32_t, size_t, size_t, size_t);
typedef void (*id_task_of_4)(void *, uint32_t, size_t, size_t, size_t, size_t);
typedef void (*id_task_of_5)(void *, uint32_t, size_t, size_t, size_t, size_t, size_t);
typedef void (*id_task_of_6)(void *, uint32_t, size_t, size_t, size_t, size_t, size_t, size_t);

/* Calls the task with `n` size_t arguments after the context, through its exact type: no
 * public task type has more than 8. */
static void call(const struct pp_loop *pp, const size_t *a, size_t n) {
  void *fn = pp->function, *c = pp->context;
  switch (n) {
  case 1: ((task_of_1)fn)(c, a[0]); return;
  case 2: ((task_of_2)fn)(c, a[0], a[1]); return;
  case 3: ((task_of_3)fn)(c, a[0], a[1], a[2]); return;
  case 4: ((task_of_4)fn)(c, a[0], a[1], a[2], a[3]); return;
  case 5: ((task_of_5)fn)(c, a[0], a[1], a[2], a[3], a[4]); return;
  case 6: ((task_of_6)fn)(c, a[0], a[1], a[2], a[3], a[4], a[5]); return;
  case 7: ((task_of_7)fn)(c, a[0], a[1], a[2], a[3], a[4], a[5], a[6]); return;
  case 8: ((task_of_8)fn)(c, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]); return;
  }
  assert(!"no pthreadpool task takes this many indices");
  abort(); /* even under NDEBUG: skipping the item silently would be worse */
}

/* The same, for tasks that take a uint32_t `id` first: no public one has more than 6 after it. */
static void call_with_id(const struct pp_loop *pp, uint32_t id, const size_t *a, size_t n) {
  void *fn = pp->function, *c = pp->context;
  switch (n) {
  case 1: ((id_task_of_1)fn)(c, id, a[0]); return;
  case 2: ((id_task_of_2)fn)(c, id, a[0], a[1]); return;
  case 3: ((id_task_of_3)fn)(c, id, a[0], a[1], a[2]); return;
  case 4: ((id_task_of_4)fn)(c, id, a[0], a[1], a[2], a[3]); return;
  case 5: ((id_task_of_5)fn)(c, id, a[0], a[1], a[2], a[3], a[4]); return;
  case 6: ((id_task_of_6)fn)(c, id, a[0], a[1], a[2], a[3], a[4], a[5]); return;
  }
  assert(!"no pthreadpool task takes this many indices after its id");
  abort(); /* even under NDEBUG */
}

/* The item adapter of every loop (`slot` is the thread index), written once and compiled
 * once per dimension count, so that its loops over the dimensions unroll. */
static inline __attribute__((always_inline)) void run_item(const struct wp_loop *loop,
                                                           size_t slot, size_t index,
                                                           size_t dims) {
  const struct pp_job *job = (const struct pp_job *)loop;
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
static void run_item_plain_1d(const struct wp_loop *loop, size_t slot, size_t index) {
  (void)slot;
  const struct pp_loop *pp = ((const struct pp_job *)loop)->pp;
  ((pthreadpool_task_1d_t)pp->function)(pp->context, index);
}

/* A _dynamic loop: widens its items to DYNAMIC_CALLS_PER_THREAD per participant, from the
 * last tiled dimension outwards. A dimension that becomes one item lets the next one out
 * widen too; one that stays split leaves the outer ones at a tile per item. Item extents
 * stay multiples of the tile, except where they reach the end of the range. */
static void widen(struct pp_job *job, size_t participants) {
  const struct pp_loop *pp = job->pp;
  size_t target = participants > 1 ? participants * DYNAMIC_CALLS_PER_THREAD : 1;
  for (size_t d = pp->dims; d-- > pp->dims - pp->tiled;) {
    size_t items = job->items[d], others = job->loop.range / items;
    if (items == 1) continue; /* one tile already: the next dimension out may widen */
    size_t pieces = others >= target ? 1 : wp__tiles(target, others);
    if (pieces >= items) return; /* a tile per item is as wide as it gets */
    size_t per = wp__tiles(items, pieces); /* tiles per item */
    /* per < items, so per * step < range: no overflow. */
    job->step[d] = pieces == 1 ? pp->range[d] : per * job->step[d];
    job->items[d] = pieces == 1 ? 1 : wp__tiles(items, per);
    job->loop.range = others * job->items[d];
    if (job->items[d] > 1) return;
  }
}

/* The core's flags for a loop's PTHREADPOOL_FLAG_*: DONT_SPIN_WORKERS means what
 * YIELD_WORKERS does, since the core's workers are its own (no executor to return to). */
static uint32_t core_flags(uint32_t flags) {
  uint32_t core = flags & (WP_LOOP_DISABLE_DENORMALS | WP_LOOP_YIELD_WORKERS);
  if (flags & PTHREADPOOL_FLAG_DONT_SPIN_WORKERS) core |= WP_LOOP_YIELD_WORKERS;
  return core;
}

void wp__pthreadpool_run(pthreadpool_t pool, const struct pp_loop *pp) {
  assert(pp->dims >= 1 && pp->dims <= PP_MAX_DIMS && pp->tiled <= pp->dims);
  struct pp_job job = {
      .loop = {.item = run_item_of[pp->dims], .range = 1, .flags = core_flags(pp->flags)},
      .pp = pp,
  };
  for (size_t d = 0; d < pp->dims; d++) {
    bool tiled = d >= pp->dims - pp->tiled && pp->tile[d] > 1;
    job.step[d] = tiled ? pp->tile[d] : 1;
    job.items[d] = wp__tiles(pp->range[d], job.step[d]);
    if (job.items[d] == 0) return;
  }
  for (size_t d = 0; d < pp->dims; d++)
    if (!wp__checked_mul(job.loop.range, job.items[d], &job.loop.range))
      wp_panic("pthreadpool: a %zu-dimensional loop has more tiles than size_t can count",
               pp->dims);
  if (pp->dims == 1 && pp->tiled == 0 && pp->lead == PP_NONE) job.loop.item = run_item_plain_1d;

  /* pthreadpool runs a loop that cannot be split on the caller without taking the pool. */
  size_t threads = pthreadpool_get_threads_count(pool);
  bool locked = pool && threads > 1 && job.loop.range > 1 && wp__pthreadpool_take(pool);
  job.loop.max_threads = locked ? threads : 1;
  /* Chunks for the threads the loop actually gets: a loop that runs serially (no pool, or
   * one held by someone else) makes one call per index of its untiled dimensions. */
  if (pp->dynamic) widen(&job, wp__participants(job.loop.range, job.loop.max_threads));
  wp__run_loop(&job.loop);
  if (locked) wp__pthreadpool_give(pool);
}
