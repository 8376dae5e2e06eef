/*
 * kernels.h — the kernels behind the demo page and the tests, each one a WP_EXPORT that
 * JavaScript may call on the pool.
 *
 * Conventions (wasmpool-cc maps these to JavaScript):
 *  - A buffer is a pointer followed by its length in elements (not bytes); each pair is one
 *    typed array. A `const` pointer is an input only; a non-const one is read and written.
 *  - Bad arguments (a length that does not match the image size, a negative radius ...)
 *    are a wp_panic whose message names the kernel and the problem.
 *  - Results do not depend on the number of threads.
 */
#ifndef WASMPOOL_KERNELS_H
#define WASMPOOL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "wasmpool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Renders the Mandelbrot set into an RGBA image of width x height pixels, row-major,
 * len == width * height * 4. The view is centred on (center_x, center_y) and is `scale`
 * wide in the complex plane, so one pixel is s = scale / width wide and high:
 *   c = (center_x + (x + 0.5 - width * 0.5) * s,  center_y - (y + 0.5 - height * 0.5) * s)
 * (imaginary axis up). z = z*z + c from z = 0 runs until |z|^2 > 256*256 or max_iter
 * iterations. Points that never escape are opaque black. The others get the smooth count
 * mu = n + 1 - log2(log(|z|)) (n = iterations done, |z| at escape) and the colour
 *   channel k = (uint8_t)(255 * (0.5 + 0.5 * cos(2*pi * (0.02 * mu + d_k))) + 0.5),
 *   d = {0.0, 0.15, 0.30} for r, g, b; alpha 255.
 * Work is split into 16x16 tiles; reports progress per tile and stops early (leaving the
 * rest of the image as it was) once the call is cancelled.
 * Panics unless width, height >= 0, max_iter >= 1, scale > 0 and everything is finite. */
WP_EXPORT void mandelbrot(uint8_t *rgba, size_t len, int width, int height, double center_x,
                          double center_y, double scale, int max_iter);

/* Box-blurs an RGBA image in place: each channel becomes the mean of the (2*radius+1)^2
 * box around it, as two separable passes (horizontal, then vertical), each rounding to
 * the nearest 8-bit value. Pixels beyond an edge repeat the edge pixel (clamped). Running
 * sums make the cost independent of radius. radius 0 leaves the image unchanged.
 * len == width * height * 4. Panics unless width, height, radius >= 0. */
WP_EXPORT void blur(uint8_t *rgba, size_t len, int width, int height, int radius);

/* The standard CRC-32 (zlib's crc32(0, data, len): reflected polynomial 0xEDB88320,
 * initial value and final xor 0xFFFFFFFF); crc32("123456789") == 0xCBF43926. Computed in
 * parallel over fixed-size chunks whose CRCs are combined in GF(2), so the result equals
 * the serial CRC. The empty buffer gives 0. */
WP_EXPORT uint32_t crc32(const uint8_t *data, size_t len);

/* data is `count` buffers back to back, buffer i being sizes[i] bytes long:
 *   for (i = 0, off = 0; i < count; off += sizes[i++]) out[i] = crc32(data + off, sizes[i]);
 * Buffers run in parallel (a large one is itself split, nested). Panics unless the sizes
 * add up to len and out_len == count. */
WP_EXPORT void crc32_many(const uint8_t *data, size_t len, const uint32_t *sizes, size_t count,
                          uint32_t *out, size_t out_len);

/* The sum of xs[0 .. len-1], deterministic: xs is cut into fixed-size chunks (independent
 * of the thread count), each chunk is summed from left to right, then the chunks' sums are
 * added from left to right. The result is bit-identical for any number of threads. */
WP_EXPORT double sum_f64(const double *xs, size_t len);

/* Sorts xs ascending in place: a parallel merge sort (wp_join recursion, serial qsort in
 * the leaves) through a temporary buffer of len elements. Reports progress as leaves are
 * sorted. Once the call is cancelled it returns early and the contents of xs are
 * unspecified. Panics if the temporary buffer cannot be allocated. */
WP_EXPORT void sort_i32(int32_t *xs, size_t len);

/* c = a b for row-major float matrices: a is m x k, b is k x n, c is m x n, each len its
 * element count. Tile-parallel through the pthreadpool API (pthreadpool_parallelize_2d_tile_2d
 * on a pthreadpool_create(0) handle) with PTHREADPOOL_FLAG_DISABLE_DENORMALS, as XNNPACK
 * asks: where the CPU can (x86 natively) denormal inputs and results are flushed to zero;
 * WebAssembly has no such mode and keeps them. Each element sums its k products in order
 * p = 0 .. k-1, in float. Panics unless m, n, k >= 0 and every len matches its shape. */
WP_EXPORT void matmul_f32(const float *a, size_t a_len, const float *b, size_t b_len, float *c,
                          size_t c_len, int m, int n, int k);

/* crash_lab modes: how pool thread `thread` fails. */
#define CRASH_NONE 0             /* no failure: crash_lab returns the items processed (> 0) */
#define CRASH_PANIC 1            /* wp_panic("crash_lab: thread %d panics on purpose") */
#define CRASH_WP_ASSERT 2        /* a failing WP_ASSERT */
#define CRASH_ABORT 3            /* abort() */
#define CRASH_ASSERT 4           /* a failing C assert(), even where NDEBUG is defined */
#define CRASH_TRAP 5             /* __builtin_trap(): wasm `unreachable`, natively SIGILL/SIGTRAP */
#define CRASH_OOB 6              /* a load far beyond the end of memory */
#define CRASH_STACK_OVERFLOW 7   /* unbounded recursion */
#define CRASH_INFINITE_LOOP 8    /* spins forever, never checking wp_cancelled() */
#define CRASH_CANCELLABLE_LOOP 9 /* spins until wp_cancelled(), then crash_lab returns */
#define CRASH_EXIT 10            /* exit(3) */
#define CRASH_MODES 11           /* number of modes */

/* Runs a wp_parallel_for on every pool thread in which pool thread `thread` (its
 * wp_thread_index()) fails in the way `mode` says, in the middle of the loop: the other
 * threads' items wait (at most ~2 s in total) until `thread` has taken an item, so they
 * are all mid-loop when it fails. Just before failing, `thread` logs its last words with
 * wp_log: "crash_lab: thread <thread> about to fail with <mode name>".
 * Returns the number of items processed when the chosen thread did not fail (CRASH_NONE,
 * or CRASH_CANCELLABLE_LOOP once cancelled); -1 if thread < 0, thread >=
 * wp_threads_count(), or the thread did not join the loop within ~2 s (then nothing
 * fails); -2 for an unknown mode (checked first). */
WP_EXPORT int crash_lab(int thread, int mode);

/* Probes for the runtime's tests (probe.c): each kind of value, in and out. */
WP_EXPORT int64_t probe_add_i64(int64_t a, int64_t b);      /* a + b */
WP_EXPORT double probe_add_f64(double a, double b);         /* a + b */
WP_EXPORT size_t probe_strlen(const char *s);               /* strlen(s): UTF-8 bytes */
WP_EXPORT const char *probe_version(void);                  /* a static UTF-8 string */
WP_EXPORT const char *probe_maybe_string(int give);         /* "given", or NULL when give is 0 */
WP_EXPORT void probe_increment(uint8_t *bytes, size_t len); /* bytes[i]++ */
WP_EXPORT void probe_log(int count); /* count lines each by wp_log, printf, fprintf(stderr) */
WP_EXPORT int probe_wait_cancel(void); /* spins on one thread until cancelled; logs the thread */
WP_EXPORT int probe_grow(int mib);      /* keeps mib MiB of heap, growing memory; 1 if it could */
WP_EXPORT void probe_log_slowly(int count, int ms); /* count wp_log lines, ms apart */
WP_EXPORT void probe_pthread_exit(void);                      /* ends its thread without a trap */

#ifdef __cplusplus
}
#endif
#endif /* WASMPOOL_KERNELS_H */
