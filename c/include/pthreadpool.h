/*
 * pthreadpool.h — google/pthreadpool's public API on the wasmpool core: C code written for
 * pthreadpool that uses the loops below builds and runs unchanged, natively and in the
 * browser. (pthreadpool's _with_uarch, _dynamic and 5d/6d tiled loops are not here.)
 *
 * Every loop is documented by the sequential loop it replaces. When a loop returns, every
 * item has been processed. Calls into one pool from several threads are serialized. A NULL
 * pool, or a pool of one thread, runs the loop serially on the calling thread. A range of 0
 * returns at once. A tile of 0 acts as 1 (pthreadpool itself divides by it).
 *
 * Every pool handle shares the one wasmpool core and caps how many of its threads a loop
 * may use; the cap is fixed when the handle is created. Natively, pthreadpool_create starts
 * the core if nothing has, and the last handle destroyed stops it again; a core started by
 * wp_start is left alone. In the browser the runtime owns the core, so a pool created
 * before the runtime started it (in a static constructor, say) has one thread.
 */
#ifndef PTHREADPOOL_H
#define PTHREADPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct pthreadpool *pthreadpool_t;

typedef void (*pthreadpool_task_1d_t)(void *, size_t);
typedef void (*pthreadpool_task_1d_with_thread_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_1d_tile_1d_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_2d_t)(void *, size_t, size_t);
typedef void (*pthreadpool_task_2d_with_thread_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_1d_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_2d_tile_2d_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_t)(void *, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_1d_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_3d_tile_2d_t)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_t)(void *, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_tile_1d_t)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_4d_tile_2d_t)(void *, size_t, size_t, size_t, size_t, size_t,
                                              size_t);
typedef void (*pthreadpool_task_5d_t)(void *, size_t, size_t, size_t, size_t, size_t);
typedef void (*pthreadpool_task_6d_t)(void *, size_t, size_t, size_t, size_t, size_t, size_t);

/* Flush denormal inputs and results to zero on every thread of the loop, for its duration
 * (x86 natively; WebAssembly has no such mode, so there it does nothing). */
#define PTHREADPOOL_FLAG_DISABLE_DENORMALS 0x00000001
/* After this loop, idle workers sleep at once instead of polling for the next loop. */
#define PTHREADPOOL_FLAG_YIELD_WORKERS 0x00000002

#ifdef __cplusplus
extern "C" {
#endif

/* A pool of threads_count threads, the caller of each loop included (0 = one per logical
 * CPU). It gets at most as many as the core has, so pthreadpool_get_threads_count may
 * return fewer. NULL only if memory runs out. */
pthreadpool_t pthreadpool_create(size_t threads_count);

/* The threads a loop on this pool may use, the caller included: >= 1; 1 for NULL. */
size_t pthreadpool_get_threads_count(pthreadpool_t threadpool);

/* Frees the pool (NULL is fine). No loop may be running on it. */
void pthreadpool_destroy(pthreadpool_t threadpool);

/*
 *   for (size_t i = 0; i < range; i++)
 *     function(context, i);
 */
void pthreadpool_parallelize_1d(pthreadpool_t threadpool, pthreadpool_task_1d_t function,
                                void *context, size_t range, uint32_t flags);

/* thread_index is unique among the threads running the loop, and
 * < pthreadpool_get_threads_count(threadpool):
 *
 *   for (size_t i = 0; i < range; i++)
 *     function(context, thread_index, i);
 */
void pthreadpool_parallelize_1d_with_thread(pthreadpool_t threadpool,
                                            pthreadpool_task_1d_with_thread_t function,
                                            void *context, size_t range, uint32_t flags);

/*
 *   for (size_t i = 0; i < range; i += tile)
 *     function(context, i, min(range - i, tile));
 */
void pthreadpool_parallelize_1d_tile_1d(pthreadpool_t threadpool,
                                        pthreadpool_task_1d_tile_1d_t function, void *context,
                                        size_t range, size_t tile, uint32_t flags);

/*
 *   for (size_t i = 0; i < range_i; i++)
 *     for (size_t j = 0; j < range_j; j++)
 *       function(context, i, j);
 */
void pthreadpool_parallelize_2d(pthreadpool_t threadpool, pthreadpool_task_2d_t function,
                                void *context, size_t range_i, size_t range_j, uint32_t flags);

/* thread_index as in pthreadpool_parallelize_1d_with_thread:
 *
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
 *   for (size_t i = 0; i < range_i; i += tile_i)
 *     for (size_t j = 0; j < range_j; j += tile_j)
 *       function(context, i, j, min(range_i - i, tile_i), min(range_j - j, tile_j));
 */
void pthreadpool_parallelize_2d_tile_2d(pthreadpool_t threadpool,
                                        pthreadpool_task_2d_tile_2d_t function, void *context,
                                        size_t range_i, size_t range_j, size_t tile_i,
                                        size_t tile_j, uint32_t flags);

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
 *           for (size_t m = 0; m < range_m; m++)
 *             for (size_t n = 0; n < range_n; n++)
 *               function(context, i, j, k, l, m, n);
 */
void pthreadpool_parallelize_6d(pthreadpool_t threadpool, pthreadpool_task_6d_t function,
                                void *context, size_t range_i, size_t range_j, size_t range_k,
                                size_t range_l, size_t range_m, size_t range_n, uint32_t flags);

#ifdef __cplusplus
}
#endif
#endif /* PTHREADPOOL_H */
