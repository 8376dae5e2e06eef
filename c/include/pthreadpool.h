/*
 * pthreadpool.h — google/pthreadpool's public C API on the wasmpool core: C code written for
 * pthreadpool builds and runs unchanged, natively and in the browser. Every function and task
 * type has pthreadpool's exact signature. Not here: pthreadpool_create_v2, its executors and
 * pthreadpool_update_executor, and the C++ functor overloads.
 *
 * Every loop is documented by the sequential loop it replaces. When a loop returns, every
 * item has been processed. A NULL pool, or a pool of one thread, runs the loop serially on
 * the calling thread. A range of 0 returns at once. A tile of 0 acts as 1 (pthreadpool
 * itself divides by it).
 *
 * Calls into one pool from threads outside any loop are serialized, as in pthreadpool. A
 * call made from inside a loop's task (wasmpool's loops nest) never waits for the pool: if
 * another call holds it, this one runs serially on the calling thread, since that other
 * call may be waiting for this very thread.
 *
 * thread_index (thread_id) is unique among the threads running the loop at any moment, and
 * < pthreadpool_get_threads_count(threadpool).
 *
 * The _with_uarch loops pass uarch_index = default_uarch_index to every call: wasmpool does
 * not tell CPU microarchitectures apart, like pthreadpool built without cpuinfo.
 * max_uarch_index is accepted and has no effect.
 *
 * The _dynamic loops let the pool choose how much of each tiled dimension one call covers:
 * a call gets a start that is a multiple of the tile and a count that is a multiple of the
 * tile, except where the count reaches the end of the range. The pool cuts a few such
 * chunks per thread, so calls are few and the threads stay balanced. A loop that runs
 * serially (a NULL or one-thread pool, or a call from a task into a pool held by another
 * call) makes one call per index of the untiled dimensions.
 *
 * PTHREADPOOL_FLAG_DISABLE_DENORMALS applies to the loop it is passed to, on every thread
 * that runs its items; a loop without it runs its items in the denormal mode of the thread
 * that called it, on every thread (so a loop nested in a flagged task flushes as well).
 *
 * Every pool handle shares the one wasmpool core and caps how many of its threads a loop
 * may use. Natively, pthreadpool_create starts the core if nothing has, and the last handle
 * destroyed stops it again; a core started by wp_start is left alone. In the browser the
 * runtime owns the core, so a pool created before the runtime started it (in a static
 * constructor, say) has one thread.
 */
#ifndef PTHREADPOOL_H
#define PTHREADPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct pthreadpool *pthreadpool_t;

typedef void (*pthreadpool_task_1d_t)(void *, size_t);
typedef void (*pthreadpool_task_1d_with_thread_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_1d_tile_1d_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_1d_tile_1d_dynamic_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_1d_tile_1d_dynamic_with_id_t)(void *, uint32_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_2d_with_thread_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_dynamic_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_2d_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_2d_dynamic_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_1d_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_1d_with_thread_t)(void *, size_t, size_t, size_t, size_t,
                                                          size_t);
typedef void (*pthreadpool_task_3d_tile_1d_dynamic_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_2d_t)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_2d_dynamic_t)(void *, size_t, size_t, size_t, size_t,
                                                      size_t);
typedef void (*pthreadpool_task_4d_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_tile_1d_t)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_tile_2d_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                              size_t);
typedef void (*pthreadpool_task_4d_tile_2d_dynamic_t)(void *, size_t, size_t, size_t, size_t,
                                                      size_t, size_t);
typedef void (*pthreadpool_task_5d_t)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_5d_tile_1d_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                              size_t);
typedef void (*pthreadpool_task_5d_tile_2d_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                              size_t, size_t);
typedef void (*pthreadpool_task_6d_t)(void *, size_t, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_6d_tile_1d_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                              size_t, size_t);
typedef void (*pthreadpool_task_6d_tile_2d_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                              size_t, size_t, size_t);

typedef void (*pthreadpool_task_1d_with_id_t)(void *, uint32_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_with_id_t)(void *, uint32_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_dynamic_with_id_t)(void *, uint32_t, size_t, size_t,
                                                              size_t);
typedef void (*pthreadpool_task_2d_tile_2d_with_id_t)(void *, uint32_t, size_t, size_t, size_t,
                                                      size_t);
typedef void (*pthreadpool_task_2d_tile_2d_dynamic_with_id_t)(void *, uint32_t, size_t, size_t,
                                                              size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_1d_with_id_t)(void *, uint32_t, size_t, size_t, size_t,
                                                      size_t);
typedef void (*pthreadpool_task_3d_tile_1d_dynamic_with_id_t)(void *, uint32_t, size_t, size_t,
                                                              size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_2d_with_id_t)(void *, uint32_t, size_t, size_t, size_t,
                                                      size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_2d_dynamic_with_id_t)(void *, uint32_t, size_t, size_t,
                                                              size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_tile_2d_with_id_t)(void *, uint32_t, size_t, size_t, size_t,
                                                      size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_tile_2d_dynamic_with_id_t)(void *, uint32_t, size_t, size_t,
                                                              size_t, size_t, size_t, size_t);

typedef void (*pthreadpool_task_1d_tile_1d_dynamic_with_id_with_thread_t)(void *, uint32_t,
                                                                          size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_with_id_with_thread_t)(void *, uint32_t, size_t,
                                                                  size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_dynamic_with_id_with_thread_t)(void *, uint32_t,
                                                                          size_t, size_t, size_t,
                                                                          size_t);
typedef void (*pthreadpool_task_3d_tile_1d_with_id_with_thread_t)(void *, uint32_t, size_t,
                                                                  size_t, size_t, size_t,
                                                                  size_t);
typedef void (*pthreadpool_task_3d_tile_1d_dynamic_with_id_with_thread_t)(void *, uint32_t,
                                                                          size_t, size_t, size_t,
                                                                          size_t, size_t);

/* Flush denormal inputs and results to zero on every thread of the loop, for its duration
 * (x86 natively; WebAssembly has no such mode, so there it does nothing). */
#define PTHREADPOOL_FLAG_DISABLE_DENORMALS 0x00000001
/* After this loop, idle workers sleep at once instead of polling for the next loop. */
#define PTHREADPOOL_FLAG_YIELD_WORKERS 0x00000002
/* Upstream: executor threads go back to their executor at once instead of spinning first.
 * Here, where the core's workers spin and then sleep by themselves, the same as
 * PTHREADPOOL_FLAG_YIELD_WORKERS. */
#define PTHREADPOOL_FLAG_DONT_SPIN_WORKERS 0x00000004

#ifdef __cplusplus
extern "C" {
#endif

/* A pool of threads_count threads, the caller of each loop included (0 = one per logical
 * CPU). It gets at most as many as the core has, so pthreadpool_get_threads_count may
 * return fewer. NULL only if memory runs out. */
pthreadpool_t pthreadpool_create(size_t threads_count);

/* The threads a loop on this pool may use, the caller included: >= 1; 1 for NULL. */
size_t pthreadpool_get_threads_count(pthreadpool_t threadpool);

/* Caps the threads the pool's loops use from the next loop on, as pthreadpool does: at most
 * as many as the pool got when it was created, and that many for 0. Returns the new count
 * (1 for NULL). The core keeps its threads; other pools are not affected. */
size_t pthreadpool_set_threads_count(pthreadpool_t threadpool, size_t num_threads);

/* pthreadpool returns the threads it borrowed from an executor. A wasmpool pool borrows
 * none (its workers belong to the core and sleep by themselves soon after the last loop),
 * so these do nothing. pthreadpool_release_executor_threads is upstream's newer name. */
void pthreadpool_release_all_threads(pthreadpool_t threadpool);
void pthreadpool_release_executor_threads(pthreadpool_t threadpool);

/* Frees the pool (NULL is fine). No loop may be running on it. */
void pthreadpool_destroy(pthreadpool_t threadpool);

/* ---- 1D ---- */

/*
 *   for (size_t i = 0; i < range; i++)
 *     function(context, i);
 */
void pthreadpool_parallelize_1d(pthreadpool_t threadpool, pthreadpool_task_1d_t function,
                                void *context, size_t range, uint32_t flags);

/*
 *   for (size_t i = 0; i < range; i++)
 *     function(context, thread_index, i);
 */
void pthreadpool_parallelize_1d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_1d_with_thread_t function,
                                            void *context, size_t range, uint32_t flags);

/*
 *   for (size_t i = 0; i < range; i++)
 *     function(context, default_uarch_index, i);
 */
void pthreadpool_parallelize_1d_with_uarch(pthreadpool_t threadpool,
                                           pthreadpool_task_1d_with_id_t function, void *context,
                                           uint32_t default_uarch_index, uint32_t max_uarch_index,
                                           size_t range, uint32_t flags);

/*
 *   for (size_t i = 0; i < range; i += tile)
 *     function(context, i, min(range - i, tile));
 */
void pthreadpool_parallelize_1d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_1d_tile_1d_t function, void *context,
                                        size_t range, size_t tile, uint32_t flags);

/* count: a multiple of tile chosen by the pool, or what is left of the range:
 *
 *   for (size_t i = 0; i < range; i += count)
 *     function(context, i, count);
 */
void pthreadpool_parallelize_1d_tile_1d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_1d_tile_1d_dynamic_t function,
                                                void *context, size_t range, size_t tile,
                                                uint32_t flags);

/*
 *   for (size_t i = 0; i < range; i += count)
 *     function(context, thread_id, i, count);
 */
void pthreadpool_parallelize_1d_tile_1d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_1d_tile_1d_dynamic_with_id_t function,
    void *context, size_t range, size_t tile, uint32_t flags);

/*
 *   for (size_t i = 0; i < range; i += count)
 *     function(context, default_uarch_index, thread_index, i, count);
 */
void pthreadpool_parallelize_1d_tile_1d_dynamic_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_1d_tile_1d_dynamic_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range,
    size_t tile, uint32_t flags);

/* ---- 2D ---- */

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       function(context, i, j);
 */
void pthreadpool_parallelize_2d(pthreadpool_t threadpool, pthreadpool_task_2d_t function,
                                void *context, size_t range_i, size_t range_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       function(context, thread_index, i, j);
 */
void pthreadpool_parallelize_2d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_2d_with_thread_t function,
                                            void *context, size_t range_i, size_t range_j,
                                            uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(context, i, j, min(range_j - j, tile_j));
 */
void pthreadpool_parallelize_2d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_j,
                                        uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(context, default_uarch_index, i, j, min(range_j - j, tile_j));
 */
void pthreadpool_parallelize_2d_tile_1d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_2d_tile_1d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(context, default_uarch_index, thread_index, i, j, min(range_j - j, tile_j));
 */
void pthreadpool_parallelize_2d_tile_1d_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_1d_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t tile_j, uint32_t flags);

/* count_j: a multiple of tile_j chosen by the pool, or what is left of range_j:
 *
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       function(context, i, j, count_j);
 */
void pthreadpool_parallelize_2d_tile_1d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_2d_tile_1d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       function(context, thread_id, i, j, count_j);
 */
void pthreadpool_parallelize_2d_tile_1d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_1d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       function(context, default_uarch_index, thread_index, i, j, count_j);
 */
void pthreadpool_parallelize_2d_tile_1d_dynamic_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_1d_dynamic_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i += tile_i)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(context, i, j, min(range_i - i, tile_i), min(range_j - j, tile_j));
 */
void pthreadpool_parallelize_2d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_i,
                                        size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i += tile_i)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(context, default_uarch_index, i, j,
 *         min(range_i - i, tile_i), min(range_j - j, tile_j));
 */
void pthreadpool_parallelize_2d_tile_2d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_2d_tile_2d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t tile_i, size_t tile_j,
                                                   uint32_t flags);

/* count_i, count_j: multiples of tile_i, tile_j chosen by the pool, or what is left:
 *
 *   for (size_t i = 0; i < range_i; i += count_i)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       function(context, i, j, count_i, count_j);
 */
void pthreadpool_parallelize_2d_tile_2d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_2d_tile_2d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t tile_i, size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i += count_i)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       function(context, default_uarch_index, i, j, count_i, count_j);
 */
void pthreadpool_parallelize_2d_tile_2d_dynamic_with_uarch(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_2d_dynamic_with_id_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t tile_i, size_t tile_j, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i += count_i)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       function(context, thread_id, i, j, count_i, count_j);
 */
void pthreadpool_parallelize_2d_tile_2d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_2d_tile_2d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t tile_i, size_t tile_j, uint32_t flags);

/* ---- 3D ---- */

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         function(context, i, j, k);
 */
void pthreadpool_parallelize_3d(pthreadpool_t threadpool, pthreadpool_task_3d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(context, i, j, k, min(range_k - k, tile_k));
 */
void pthreadpool_parallelize_3d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_3d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t tile_k, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(context, thread_index, i, j, k, min(range_k - k, tile_k));
 */
void pthreadpool_parallelize_3d_tile_1d_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_with_thread_t function, void *context,
    size_t range_i, size_t range_j, size_t range_k, size_t tile_k, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(context, default_uarch_index, i, j, k, min(range_k - k, tile_k));
 */
void pthreadpool_parallelize_3d_tile_1d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_3d_tile_1d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t range_k, size_t tile_k,
                                                   uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(context, default_uarch_index, thread_index, i, j, k,
 *           min(range_k - k, tile_k));
 */
void pthreadpool_parallelize_3d_tile_1d_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t tile_k, uint32_t flags);

/* count_k: a multiple of tile_k chosen by the pool, or what is left of range_k:
 *
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         function(context, i, j, k, count_k);
 */
void pthreadpool_parallelize_3d_tile_1d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_3d_tile_1d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t range_k, size_t tile_k, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         function(context, thread_id, i, j, k, count_k);
 */
void pthreadpool_parallelize_3d_tile_1d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t range_k, size_t tile_k,
    uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         function(context, default_uarch_index, thread_index, i, j, k, count_k);
 */
void pthreadpool_parallelize_3d_tile_1d_dynamic_with_uarch_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_1d_dynamic_with_id_with_thread_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t tile_k, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(context, i, j, k, min(range_j - j, tile_j), min(range_k - k, tile_k));
 */
void pthreadpool_parallelize_3d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_3d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t tile_j, size_t tile_k, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(context, default_uarch_index, i, j, k,
 *           min(range_j - j, tile_j), min(range_k - k, tile_k));
 */
void pthreadpool_parallelize_3d_tile_2d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_3d_tile_2d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t range_k, size_t tile_j,
                                                   size_t tile_k, uint32_t flags);

/* count_j, count_k: multiples of tile_j, tile_k chosen by the pool, or what is left:
 *
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         function(context, i, j, k, count_j, count_k);
 */
void pthreadpool_parallelize_3d_tile_2d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_3d_tile_2d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t range_k, size_t tile_j, size_t tile_k,
                                                uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         function(context, default_uarch_index, i, j, k, count_j, count_k);
 */
void pthreadpool_parallelize_3d_tile_2d_dynamic_with_uarch(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_2d_dynamic_with_id_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t tile_j, size_t tile_k, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j += count_j)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         function(context, thread_id, i, j, k, count_j, count_k);
 */
void pthreadpool_parallelize_3d_tile_2d_dynamic_with_thread(
    pthreadpool_t threadpool, pthreadpool_task_3d_tile_2d_dynamic_with_id_t function,
    void *context, size_t range_i, size_t range_j, size_t range_k, size_t tile_j, size_t tile_k,
    uint32_t flags);

/* ---- 4D ---- */

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l++)
 *           function(context, i, j, k, l);
 */
void pthreadpool_parallelize_4d(pthreadpool_t threadpool, pthreadpool_task_4d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l += tile_l)
 *           function(context, i, j, k, l, min(range_l - l, tile_l));
 */
void pthreadpool_parallelize_4d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_4d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t tile_l, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         for (size_t l = 0; l < range_l; l += tile_l)
 *           function(context, i, j, k, l,
 *             min(range_k - k, tile_k), min(range_l - l, tile_l));
 */
void pthreadpool_parallelize_4d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_4d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t tile_k, size_t tile_l,
                                        uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         for (size_t l = 0; l < range_l; l += tile_l)
 *           function(context, default_uarch_index, i, j, k, l,
 *             min(range_k - k, tile_k), min(range_l - l, tile_l));
 */
void pthreadpool_parallelize_4d_tile_2d_with_uarch(pthreadpool_t threadpool,
                                                   pthreadpool_task_4d_tile_2d_with_id_t function,
                                                   void *context, uint32_t default_uarch_index,
                                                   uint32_t max_uarch_index, size_t range_i,
                                                   size_t range_j, size_t range_k, size_t range_l,
                                                   size_t tile_k, size_t tile_l, uint32_t flags);

/* count_k, count_l: multiples of tile_k, tile_l chosen by the pool, or what is left:
 *
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         for (size_t l = 0; l < range_l; l += count_l)
 *           function(context, i, j, k, l, count_k, count_l);
 */
void pthreadpool_parallelize_4d_tile_2d_dynamic(pthreadpool_t threadpool,
                                                pthreadpool_task_4d_tile_2d_dynamic_t function,
                                                void *context, size_t range_i, size_t range_j,
                                                size_t range_k, size_t range_l, size_t tile_k,
                                                size_t tile_l, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k += count_k)
 *         for (size_t l = 0; l < range_l; l += count_l)
 *           function(context, default_uarch_index, i, j, k, l, count_k, count_l);
 */
void pthreadpool_parallelize_4d_tile_2d_dynamic_with_uarch(
    pthreadpool_t threadpool, pthreadpool_task_4d_tile_2d_dynamic_with_id_t function,
    void *context, uint32_t default_uarch_index, uint32_t max_uarch_index, size_t range_i,
    size_t range_j, size_t range_k, size_t range_l, size_t tile_k, size_t tile_l,
    uint32_t flags);

/* ---- 5D ---- */

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l++)
 *           for (size_t m = 0; m < range_m; m++)
 *             function(context, i, j, k, l, m);
 */
void pthreadpool_parallelize_5d(pthreadpool_t threadpool, pthreadpool_task_5d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l++)
 *           for (size_t m = 0; m < range_m; m += tile_m)
 *             function(context, i, j, k, l, m, min(range_m - m, tile_m));
 */
void pthreadpool_parallelize_5d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_5d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t tile_m,
                                        uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l += tile_l)
 *           for (size_t m = 0; m < range_m; m += tile_m)
 *             function(context, i, j, k, l, m,
 *               min(range_l - l, tile_l), min(range_m - m, tile_m));
 */
void pthreadpool_parallelize_5d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_5d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t tile_l,
                                        size_t tile_m, uint32_t flags);

/* ---- 6D ---- */

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l++)
 *           for (size_t m = 0; m < range_m; m++)
 *             for (size_t n = 0; n < range_n; n++)
 *               function(context, i, j, k, l, m, n);
 */
void pthreadpool_parallelize_6d(pthreadpool_t threadpool, pthreadpool_task_6d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, size_t range_n, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l++)
 *           for (size_t m = 0; m < range_m; m++)
 *             for (size_t n = 0; n < range_n; n += tile_n)
 *               function(context, i, j, k, l, m, n, min(range_n - n, tile_n));
 */
void pthreadpool_parallelize_6d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_6d_tile_1d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t range_n,
                                        size_t tile_n, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       for (size_t k = 0; k < range_k; k++)
 *         for (size_t l = 0; l < range_l; l++)
 *           for (size_t m = 0; m < range_m; m += tile_m)
 *             for (size_t n = 0; n < range_n; n += tile_n)
 *               function(context, i, j, k, l, m, n,
 *                 min(range_m - m, tile_m), min(range_n - n, tile_n));
 */
void pthreadpool_parallelize_6d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_6d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t range_k,
                                        size_t range_l, size_t range_m, size_t range_n,
                                        size_t tile_m, size_t tile_n, uint32_t flags);

#ifndef PTHREADPOOL_NO_DEPRECATED_API

/* pthreadpool's legacy API (NNPACK's): loops without flags. Every dimension of a _tiled
 * loop is tiled, and the task gets each tile's extent after the indices. */
#if defined(__GNUC__)
#define PTHREADPOOL_DEPRECATED __attribute__((__deprecated__))
#else
#define PTHREADPOOL_DEPRECATED
#endif

typedef void (*pthreadpool_function_1d_t)(void *, size_t);
typedef void (*pthreadpool_function_1d_tiled_t)(void *, size_t, size_t);
typedef void (*pthreadpool_function_2d_t)(void *, size_t, size_t);
typedef void (*pthreadpool_function_2d_tiled_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_function_3d_tiled_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                                size_t);
typedef void (*pthreadpool_function_4d_tiled_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                                size_t, size_t, size_t);

/*
 *   for (size_t i = 0; i < range; i++)
 *     function(argument, i);
 */
void pthreadpool_compute_1d(pthreadpool_t threadpool, pthreadpool_function_1d_t function,
                            void *argument, size_t range) PTHREADPOOL_DEPRECATED;

/*
 *   for (size_t i = 0; i < range; i += tile)
 *     function(argument, i, min(range - i, tile));
 */
void pthreadpool_compute_1d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_1d_tiled_t function, void *argument,
                                  size_t range, size_t tile) PTHREADPOOL_DEPRECATED;

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       function(argument, i, j);
 */
void pthreadpool_compute_2d(pthreadpool_t threadpool, pthreadpool_function_2d_t function,
                            void *argument, size_t range_i, size_t range_j) PTHREADPOOL_DEPRECATED;

/*
 *   for (size_t i = 0; i < range_i; i += tile_i)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(argument, i, j, min(range_i - i, tile_i), min(range_j - j, tile_j));
 */
void pthreadpool_compute_2d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_2d_tiled_t function, void *argument,
                                  size_t range_i, size_t range_j, size_t tile_i,
                                  size_t tile_j) PTHREADPOOL_DEPRECATED;

/*
 *   for (size_t i = 0; i < range_i; i += tile_i)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         function(argument, i, j, k,
 *           min(range_i - i, tile_i), min(range_j - j, tile_j), min(range_k - k, tile_k));
 */
void pthreadpool_compute_3d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_3d_tiled_t function, void *argument,
                                  size_t range_i, size_t range_j, size_t range_k, size_t tile_i,
                                  size_t tile_j, size_t tile_k) PTHREADPOOL_DEPRECATED;

/*
 *   for (size_t i = 0; i < range_i; i += tile_i)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       for (size_t k = 0; k < range_k; k += tile_k)
 *         for (size_t l = 0; l < range_l; l += tile_l)
 *           function(argument, i, j, k, l,
 *             min(range_i - i, tile_i), min(range_j - j, tile_j),
 *             min(range_k - k, tile_k), min(range_l - l, tile_l));
 */
void pthreadpool_compute_4d_tiled(pthreadpool_t threadpool,
                                  pthreadpool_function_4d_tiled_t function, void *argument,
                                  size_t range_i, size_t range_j, size_t range_k, size_t range_l,
                                  size_t tile_i, size_t tile_j, size_t tile_k,
                                  size_t tile_l) PTHREADPOOL_DEPRECATED;

#endif /* PTHREADPOOL_NO_DEPRECATED_API */

#ifdef __cplusplus
}
#endif
#endif /* PTHREADPOOL_H */
