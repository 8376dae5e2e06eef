/*
 * wasmpool.h — the C face of wasmpool: parallel loops, logging and panics for code that
 * runs on a wasmpool thread pool, in the browser (Emscripten -pthread) or natively.
 *
 * Every loop is documented by the sequential loop it replaces. Every loop may be called
 * from any thread, the caller takes part in the work, and loops nest: a wp_join inside a
 * wp_parallel_for task, recursively, never deadlocks and never creates threads. A range of
 * 0 returns at once. With one thread, or before wp_start, loops run serially on the caller.
 */
#ifndef WASMPOOL_H
#define WASMPOOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks a function that JavaScript may call. wasmpool-cc exports every function so marked. */
#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define WP_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define WP_EXPORT __attribute__((used, visibility("default")))
#endif

#ifdef __cplusplus
#define WP_NORETURN [[noreturn]]
#else
#define WP_NORETURN _Noreturn
#endif

/* The most threads a pool may have, the caller included. */
#define WP_MAX_THREADS 64

/* Threads that run parallel work, the caller included; 1 before wp_start. */
size_t wp_threads_count(void);

/* 0 .. wp_threads_count()-1 for a pool thread; 0 for any thread outside the pool. */
size_t wp_thread_index(void);

/* for (i = 0; i < range; i++) task(ctx, i); */
typedef void (*wp_task_1d)(void *ctx, size_t i);
void wp_parallel_for(wp_task_1d task, void *ctx, size_t range);

/* for (s = 0; s < range; s += tile) task(ctx, s, min(tile, range - s));  tile 0 acts as 1 */
typedef void (*wp_task_tile_1d)(void *ctx, size_t start, size_t count);
void wp_parallel_for_tiled(wp_task_tile_1d task, void *ctx, size_t range, size_t tile);

/* for (i = 0; i < range_i; i++) for (j = 0; j < range_j; j++) task(ctx, i, j); */
typedef void (*wp_task_2d)(void *ctx, size_t i, size_t j);
void wp_parallel_for_2d(wp_task_2d task, void *ctx, size_t range_i, size_t range_j);

/* a(a_ctx); b(b_ctx);  possibly in parallel; returns when both are done. */
void wp_join(void (*a)(void *), void *a_ctx, void (*b)(void *), void *b_ctx);

/* A line in the page console (natively: stderr), tagged with the calling thread's index. */
void wp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fails the current call with this message and never returns. Natively it prints the
 * message and the call site to stderr, then aborts. The macro below adds the call site;
 * write (wp_panic)(...) to call the function without it. */
WP_NORETURN void wp_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
WP_NORETURN void wp_panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define wp_panic(...) wp_panic_at(__FILE__, __LINE__, __VA_ARGS__)

/* wp_panic naming the condition, file and line when cond is false. Never compiled out. */
#define WP_ASSERT(cond) \
  ((cond) ? (void)0 : wp_panic_at(__FILE__, __LINE__, "assertion failed: %s", #cond))

/* Nonzero once the current call was aborted or timed out. Long loops should poll it and
 * return early; the caller's promise rejects either way. Natively always 0. */
int wp_cancelled(void);

/* Reports progress of the current call (done of total) to its onProgress callback.
 * Cheap enough to call per item: updates are throttled before they leave the thread. */
void wp_progress(size_t done, size_t total);

/* Native programs and tests: starts a pool of `threads` threads, the calling thread
 * included (0 = one per CPU). Returns 0 on success, nonzero if the pool is already
 * running or threads cannot be created. */
int wp_start(size_t threads);

/* Native programs and tests: stops the pool started by wp_start, joining its threads.
 * No loop may be running. Loops called afterwards run serially. */
void wp_stop(void);

#ifdef __cplusplus
}
#endif
#endif /* WASMPOOL_H */
