/*
 * pthreadpool_loops.c — every parallelize_* (and legacy compute_*) loop of pthreadpool.h:
 * each one only names its shape, and pthreadpool_run.c runs it (pthreadpool_run.h).
 */
#include "pthreadpool_run.h"

/* The body of every parallelize_* function: its shape, plus the arguments they all share. */
#define RUN(...)                                                                              \
  wp__pthreadpool_run(threadpool, &(const struct pp_loop){.function = (void *)function,      \
                                                          .context = context,                \
                                                          .flags = flags,                    \
                                                          __VA_ARGS__})

/* Every call gets default_uarch_index: there is no cpuinfo, so max_uarch_index never
 * matters (pthreadpool uses it only to reject what cpuinfo reports). */
#define UARCH .uarch = ((void)max_uarch_index, default_uarch_index)

/* ---- 1D ---- */

void pthreadpool_parallelize_1d(pthreadpool_t threadpool, pthreadpool_task_1d_t function,
                                void *context, size_t range, uint32_t flags) {
  RUN(.dims = 1, .range = {range});
}

void pthreadpool_parallelize_1d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_1d_with_thread_t function,
                                            void *context, size_t range, uint32_t flags) {
  RUN(.lead = PP_THREAD, .dims = 1, .range = {range});
}

void pthreadpool_parallelize_1d_with_uarch(pthreadpool_t threadpool,
                                           pthreadpool_task_1d_with_id_t function, void *context,
                                           uint32_t default_uarch_index, uint32_t max_uarch_index,
                                           size_t range, uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dims = 1, .range = {range});
}

void pthreadpool_parallelize_1d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_1d_tile_1d_t function, void *context,
                                        size_t range, size_t tile, uint32_t flags) {
  RUN(.dims = 1, .tiled = 1, .range = {range}, .tile = {tile});
}

void pthreadpool_parallelize_1d_tile_1d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_1d_tile_1d_dynamic_t function,
                                                void *context, size_t range, size_t tile,
                                                uint32_t flags) {
  RUN(.dynamic = true, .dims = 1, .tiled = 1, .range = {range}, .tile = {tile});
}

void pthreadpool_parallelize_1d_tile_1d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_1d_tile_1d_dynamic_with_id_t function,
    void *context, size_t range, size_t tile, uint32_t flags) {
  RUN(.lead = PP_THREAD_ID, .dynamic = true, .dims = 1, .tiled = 1, .range = {range},
      .tile = {tile});
}

void pthreadpool_parallelize_1d_tile_1d_dynamic_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_1d_tile_1d_dynamic_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range,
    size_t tile, uint32_t flags) {
  RUN(.lead = PP_UARCH_THREAD, UARCH, .dynamic = true, .dims = 1, .tiled = 1, .range = {range},
      .tile = {tile});
}

/* ---- 2D ---- */

void pthreadpool_parallelize_2d(pthreadpool_t threadpool, pthreadpool_task_2d_t function,
                                void *context, size_t range_i, size_t range_j, uint32_t flags) {
  RUN(.dims = 2, .range = {range_i, range_j});
}

void pthreadpool_parallelize_2d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_2d_with_thread_t function,
                                            void *context, size_t range_i, size_t range_j,
                                            uint32_t flags) {
  RUN(.lead = PP_THREAD, .dims = 2, .range = {range_i, range_j});
}

void pthreadpool_parallelize_2d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_j,
                                        uint32_t flags) {
  RUN(.dims = 2, .tiled = 1, .range = {range_i, range_j}, .tile = {[1] = tile_j});
}

void pthreadpool_parallelize_2d_tile_1d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_2d_tile_1d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t tile_j, uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dims = 2, .tiled = 1, .range = {range_i, range_j},
      .tile = {[1] = tile_j});
}

void pthreadpool_parallelize_2d_tile_1d_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_1d_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t tile_j, uint32_t flags) {
  RUN(.lead = PP_UARCH_THREAD, UARCH, .dims = 2, .tiled = 1, .range = {range_i, range_j},
      .tile = {[1] = tile_j});
}

void pthreadpool_parallelize_2d_tile_1d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_2d_tile_1d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t tile_j, uint32_t flags) {
  RUN(.dynamic = true, .dims = 2, .tiled = 1, .range = {range_i, range_j},
      .tile = {[1] = tile_j});
}

void pthreadpool_parallelize_2d_tile_1d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_1d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t tile_j, uint32_t flags) {
  RUN(.lead = PP_THREAD_ID, .dynamic = true, .dims = 2, .tiled = 1, .range = {range_i, range_j},
      .tile = {[1] = tile_j});
}

void pthreadpool_parallelize_2d_tile_1d_dynamic_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_1d_dynamic_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t tile_j, uint32_t flags) {
  RUN(.lead = PP_UARCH_THREAD, UARCH, .dynamic = true, .dims = 2, .tiled = 1,
      .range = {range_i, range_j}, .tile = {[1] = tile_j});
}

void pthreadpool_parallelize_2d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_i,
                                        size_t tile_j, uint32_t flags) {
  RUN(.dims = 2, .tiled = 2, .range = {range_i, range_j}, .tile = {tile_i, tile_j});
}

void pthreadpool_parallelize_2d_tile_2d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_2d_tile_2d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t tile_i, size_t tile_j,
                                                   uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dims = 2, .tiled = 2, .range = {range_i, range_j},
      .tile = {tile_i, tile_j});
}

void pthreadpool_parallelize_2d_tile_2d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_2d_tile_2d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t tile_i, size_t tile_j, uint32_t flags) {
  RUN(.dynamic = true, .dims = 2, .tiled = 2, .range = {range_i, range_j},
      .tile = {tile_i, tile_j});
}

void pthreadpool_parallelize_2d_tile_2d_dynamic_with_uarch(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_2d_dynamic_with_id_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t tile_i, size_t tile_j, uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dynamic = true, .dims = 2, .tiled = 2,
      .range = {range_i, range_j}, .tile = {tile_i, tile_j});
}

void pthreadpool_parallelize_2d_tile_2d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_2d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t tile_i, size_t tile_j, uint32_t flags) {
  RUN(.lead = PP_THREAD_ID, .dynamic = true, .dims = 2, .tiled = 2, .range = {range_i, range_j},
      .tile = {tile_i, tile_j});
}

/* ---- 3D ---- */

void pthreadpool_parallelize_3d(pthreadpool_t threadpool, pthreadpool_task_3d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                uint32_t flags) {
  RUN(.dims = 3, .range = {range_i, range_j, range_k});
}

void pthreadpool_parallelize_3d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_3d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t tile_k, uint32_t flags) {
  RUN(.dims = 3, .tiled = 1, .range = {range_i, range_j, range_k}, .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_1d_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_with_thread_t function, void *context,
    size_t range_i, size_t range_j, size_t range_k, size_t tile_k, uint32_t flags) {
  RUN(.lead = PP_THREAD, .dims = 3, .tiled = 1, .range = {range_i, range_j, range_k},
      .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_1d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_3d_tile_1d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t range_k, size_t tile_k,
                                                   uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dims = 3, .tiled = 1, .range = {range_i, range_j, range_k},
      .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_1d_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t tile_k, uint32_t flags) {
  RUN(.lead = PP_UARCH_THREAD, UARCH, .dims = 3, .tiled = 1,
      .range = {range_i, range_j, range_k}, .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_1d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_3d_tile_1d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t range_k, size_t tile_k, uint32_t flags) {
  RUN(.dynamic = true, .dims = 3, .tiled = 1, .range = {range_i, range_j, range_k},
      .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_1d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t range_k, size_t tile_k,
    uint32_t flags) {
  RUN(.lead = PP_THREAD_ID, .dynamic = true, .dims = 3, .tiled = 1,
      .range = {range_i, range_j, range_k}, .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_1d_dynamic_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_dynamic_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t tile_k, uint32_t flags) {
  RUN(.lead = PP_UARCH_THREAD, UARCH, .dynamic = true, .dims = 3, .tiled = 1,
      .range = {range_i, range_j, range_k}, .tile = {[2] = tile_k});
}

void pthreadpool_parallelize_3d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_3d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t tile_j, size_t tile_k, uint32_t flags) {
  RUN(.dims = 3, .tiled = 2, .range = {range_i, range_j, range_k},
      .tile = {[1] = tile_j, tile_k});
}

void pthreadpool_parallelize_3d_tile_2d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_3d_tile_2d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t range_k, size_t tile_j,
                                                   size_t tile_k, uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dims = 3, .tiled = 2, .range = {range_i, range_j, range_k},
      .tile = {[1] = tile_j, tile_k});
}

void pthreadpool_parallelize_3d_tile_2d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_3d_tile_2d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t range_k, size_t tile_j, size_t tile_k,
                                                uint32_t flags) {
  RUN(.dynamic = true, .dims = 3, .tiled = 2, .range = {range_i, range_j, range_k},
      .tile = {[1] = tile_j, tile_k});
}

void pthreadpool_parallelize_3d_tile_2d_dynamic_with_uarch(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_2d_dynamic_with_id_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t tile_j, size_t tile_k, uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dynamic = true, .dims = 3, .tiled = 2,
      .range = {range_i, range_j, range_k}, .tile = {[1] = tile_j, tile_k});
}

void pthreadpool_parallelize_3d_tile_2d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_2d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t range_k, size_t tile_j, size_t tile_k,
    uint32_t flags) {
  RUN(.lead = PP_THREAD_ID, .dynamic = true, .dims = 3, .tiled = 2,
      .range = {range_i, range_j, range_k}, .tile = {[1] = tile_j, tile_k});
}

/* ---- 4D ---- */

void pthreadpool_parallelize_4d(pthreadpool_t threadpool, pthreadpool_task_4d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, uint32_t flags) {
  RUN(.dims = 4, .range = {range_i, range_j, range_k, range_l});
}

void pthreadpool_parallelize_4d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_4d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t tile_l, uint32_t flags) {
  RUN(.dims = 4, .tiled = 1, .range = {range_i, range_j, range_k, range_l},
      .tile = {[3] = tile_l});
}

void pthreadpool_parallelize_4d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_4d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t tile_k, size_t tile_l,
                                        uint32_t flags) {
  RUN(.dims = 4, .tiled = 2, .range = {range_i, range_j, range_k, range_l},
      .tile = {[2] = tile_k, tile_l});
}

void pthreadpool_parallelize_4d_tile_2d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_4d_tile_2d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t range_k, size_t range_l,
                                                   size_t tile_k, size_t tile_l, uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dims = 4, .tiled = 2,
      .range = {range_i, range_j, range_k, range_l}, .tile = {[2] = tile_k, tile_l});
}

void pthreadpool_parallelize_4d_tile_2d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_4d_tile_2d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t range_k, size_t range_l, size_t tile_k,
                                                size_t tile_l, uint32_t flags) {
  RUN(.dynamic = true, .dims = 4, .tiled = 2, .range = {range_i, range_j, range_k, range_l},
      .tile = {[2] = tile_k, tile_l});
}

void pthreadpool_parallelize_4d_tile_2d_dynamic_with_uarch(
    pthreadpool_t threadpool, pthreadpool_task_4d_tile_2d_dynamic_with_id_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t range_l, size_t tile_k, size_t tile_l,
    uint32_t flags) {
  RUN(.lead = PP_UARCH, UARCH, .dynamic = true, .dims = 4, .tiled = 2,
      .range = {range_i, range_j, range_k, range_l}, .tile = {[2] = tile_k, tile_l});
}

/* ---- 5D and 6D ---- */

void pthreadpool_parallelize_5d(pthreadpool_t threadpool, pthreadpool_task_5d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, uint32_t flags) {
  RUN(.dims = 5, .range = {range_i, range_j, range_k, range_l, range_m});
}

void pthreadpool_parallelize_5d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_5d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t tile_m,
                                        uint32_t flags) {
  RUN(.dims = 5, .tiled = 1, .range = {range_i, range_j, range_k, range_l, range_m},
      .tile = {[4] = tile_m});
}

void pthreadpool_parallelize_5d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_5d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t tile_l,
                                        size_t tile_m, uint32_t flags) {
  RUN(.dims = 5, .tiled = 2, .range = {range_i, range_j, range_k, range_l, range_m},
      .tile = {[3] = tile_l, tile_m});
}

void pthreadpool_parallelize_6d(pthreadpool_t threadpool, pthreadpool_task_6d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, size_t range_n, uint32_t flags) {
  RUN(.dims = 6, .range = {range_i, range_j, range_k, range_l, range_m, range_n});
}

void pthreadpool_parallelize_6d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_6d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t range_n,
                                        size_t tile_n, uint32_t flags) {
  RUN(.dims = 6, .tiled = 1, .range = {range_i, range_j, range_k, range_l, range_m, range_n},
      .tile = {[5] = tile_n});
}

void pthreadpool_parallelize_6d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_6d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t range_n,
                                        size_t tile_m, size_t tile_n, uint32_t flags) {
  RUN(.dims = 6, .tiled = 2, .range = {range_i, range_j, range_k, range_l, range_m, range_n},
      .tile = {[4] = tile_m, tile_n});
}

/* ---- pthreadpool's legacy API: no flags, and every dimension of a _tiled loop tiled ---- */

#ifndef PTHREADPOOL_NO_DEPRECATED_API

#define LEGACY(...)                                                                           \
  wp__pthreadpool_run(threadpool, &(const struct pp_loop){.function = (void *)function,      \
                                                          .context = argument,               \
                                                          __VA_ARGS__})

void pthreadpool_compute_1d(pthreadpool_t threadpool, pthreadpool_function_1d_t function,
                            void *argument, size_t range) {
  LEGACY(.dims = 1, .range = {range});
}

void pthreadpool_compute_1d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_1d_tiled_t function, void *argument,
                                  size_t range, size_t tile) {
  LEGACY(.dims = 1, .tiled = 1, .range = {range}, .tile = {tile});
}

void pthreadpool_compute_2d(pthreadpool_t threadpool, pthreadpool_function_2d_t function,
                            void *argument, size_t range_i, size_t range_j) {
  LEGACY(.dims = 2, .range = {range_i, range_j});
}

void pthreadpool_compute_2d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_2d_tiled_t function, void *argument,
                                  size_t range_i, size_t range_j, size_t tile_i, size_t tile_j) {
  LEGACY(.dims = 2, .tiled = 2, .range = {range_i, range_j}, .tile = {tile_i, tile_j});
}

void pthreadpool_compute_3d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_3d_tiled_t function, void *argument,
                                  size_t range_i, size_t range_j, size_t range_k, size_t tile_i,
                                  size_t tile_j, size_t tile_k) {
  LEGACY(.dims = 3, .tiled = 3, .range = {range_i, range_j, range_k},
         .tile = {tile_i, tile_j, tile_k});
}

void pthreadpool_compute_4d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_4d_tiled_t function, void *argument,
                                  size_t range_i, size_t range_j, size_t range_k, size_t range_l,
                                  size_t tile_i, size_t tile_j, size_t tile_k, size_t tile_l) {
  LEGACY(.dims = 4, .tiled = 4, .range = {range_i, range_j, range_k, range_l},
         .tile = {tile_i, tile_j, tile_k, tile_l});
}

#endif /* PTHREADPOOL_NO_DEPRECATED_API */
