/*
 * pthreadpool_run.h — private: how each public loop of pthreadpool.h (pthreadpool_loops.c)
 * describes itself to the one adapter that runs them all on the core (pthreadpool_run.c).
 *
 * A loop has `dims` nested dimensions, the last `tiled` of them tiled. Its task takes the
 * context, then what `lead` says, then the start index along every dimension, then the
 * extent of its tile along each tiled dimension:
 *
 *   pthreadpool_parallelize_3d_tile_1d_with_uarch:  dims 3, tiled 1, lead PP_UARCH
 *     function(context, uarch_index, i, j, k, count_k)
 */
#ifndef WASMPOOL_PTHREADPOOL_RUN_H
#define WASMPOOL_PTHREADPOOL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pthreadpool.h"

#define PP_MAX_DIMS 6

/* What a task takes between its context and its first index. */
enum pp_lead {
  PP_NONE,         /* nothing */
  PP_THREAD,       /* size_t thread_index */
  PP_UARCH,        /* uint32_t uarch_index */
  PP_UARCH_THREAD, /* uint32_t uarch_index, size_t thread_index */
  PP_THREAD_ID,    /* uint32_t thread_id (the _dynamic_with_thread loops) */
};

/* One call of a public loop, on its caller's stack for the duration of the call. */
struct pp_loop {
  void *function;        /* the user's task; the adapter calls it through its exact type */
  void *context;
  enum pp_lead lead;
  uint32_t uarch;        /* with PP_UARCH*: the uarch index every call gets */
  size_t dims, tiled;    /* 1..PP_MAX_DIMS dimensions, the last `tiled` of them tiled */
  size_t range[PP_MAX_DIMS];
  size_t tile[PP_MAX_DIMS]; /* read on tiled dimensions only; a tile of 0 acts as 1 */
  bool dynamic;          /* the pool picks each call's extent, a multiple of the tile */
  uint32_t flags;        /* PTHREADPOOL_FLAG_* */
};

/* Runs `loop` on `threadpool` (NULL: serially on the caller), as pthreadpool.h describes. */
void wp__pthreadpool_run(pthreadpool_t threadpool, const struct pp_loop *loop);

#endif /* WASMPOOL_PTHREADPOOL_RUN_H */
