/*
 * bench_pool.c — the native micro-benchmark. Linked twice: with libwasmpool.a
 * (bench_wasmpool) and with baseline_pool.c (bench_baseline), so the same measuring code
 * and the same kernel run on both schedulers. compare.sh runs both and prints the table.
 *
 * Prints one "name value" line per result, nothing else on stdout:
 *   dispatch_ns    an empty wp_parallel_for over wp_threads_count() items, per call (median
 *                  of the batches' means)
 *   dispatch_off   the share of those items that ran off the calling thread (0 .. 1)
 *   tiny_items_s   items per second of out[i] = i over TINY_ITEMS items (median run)
 *   tiled_items_s  the same with wp_parallel_for_tiled, TINY_TILE items per task call
 *   mandel_1t_ms   mandelbrot() on a 1-thread pool (median run)
 *   mandel_2t_ms   the same on a THREADS-thread pool (median run)
 *   mandel_speedup mandel_1t_ms / mandel_2t_ms of back-to-back runs (median pair)
 *   mandel_hash    FNV-1a of the image; the same for every run, or the run fails
 *   raw_speedup    the machine's own ceiling, no pool involved: SPIN_STEPS of arithmetic
 *                  THREADS times on one thread, against once on each of THREADS plain
 *                  threads; measured before each Mandelbrot pair (median). Well below
 *                  THREADS means other processes were using the cores meanwhile.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../kernels/kernels.h"
#include "wasmpool.h"

#define THREADS 2
#define DISPATCH_BATCHES 9
#define DISPATCH_CALLS 20000 /* per batch */
#define TINY_ITEMS 10000000
#define TINY_TILE 1024
#define TINY_RUNS 5
#define MANDEL_W 1024
#define MANDEL_H 768
#define MANDEL_ITER 500
#define MANDEL_RUNS 5 /* of each thread count, alternating */
#define SPIN_STEPS 20000000

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of xs[0 .. n-1]; sorts xs. */
static double median(double *xs, size_t n) {
  qsort(xs, n, sizeof *xs, by_value);
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

static void start_pool(size_t threads) {
  if (wp_start(threads) != 0) {
    fprintf(stderr, "bench: wp_start(%zu) failed\n", threads);
    exit(1);
  }
}

/* 1. Dispatch: the cost of a loop whose items do nothing. */

static void noop(void *ctx, size_t i) { (void)ctx, (void)i; }

static void count_off_caller(void *ctx, size_t i) {
  (void)i;
  if (wp_thread_index() != 0) atomic_fetch_add_explicit((atomic_size_t *)ctx, 1, memory_order_relaxed);
}

static void bench_dispatch(void) {
  size_t range = wp_threads_count();
  for (int i = 0; i < DISPATCH_CALLS / 10; i++) wp_parallel_for(noop, NULL, range); /* warm up */
  double per_call[DISPATCH_BATCHES];
  for (int b = 0; b < DISPATCH_BATCHES; b++) {
    double t0 = now_ns();
    for (int i = 0; i < DISPATCH_CALLS; i++) wp_parallel_for(noop, NULL, range);
    per_call[b] = (now_ns() - t0) / DISPATCH_CALLS;
  }
  printf("dispatch_ns %.1f\n", median(per_call, DISPATCH_BATCHES));

  /* Whether the calls above really reached a second thread, or the caller ran it all. */
  atomic_size_t off = 0;
  for (int i = 0; i < DISPATCH_CALLS; i++) wp_parallel_for(count_off_caller, &off, range);
  printf("dispatch_off %.3f\n", (double)atomic_load(&off) / ((double)DISPATCH_CALLS * range));
}

/* 2. Tiny tasks: one store per item, so the loop's per-item cost is all there is. Then the
 * same stores in tiles, the way wasmpool.h means tiny items to be written. */

static void store_index(void *ctx, size_t i) { ((uint32_t *)ctx)[i] = (uint32_t)i; }

static void store_tile(void *ctx, size_t start, size_t count) {
  for (size_t i = start; i < start + count; i++) ((uint32_t *)ctx)[i] = (uint32_t)i;
}

/* Items per second of the median run; checks every item was stored. */
static double tiny_rate(uint32_t *out, bool tiled) {
  double rate[TINY_RUNS];
  for (int r = 0; r < TINY_RUNS; r++) {
    memset(out, 0xff, TINY_ITEMS * sizeof *out); /* also faults the pages in, run 0 */
    double t0 = now_ns();
    if (tiled) wp_parallel_for_tiled(store_tile, out, TINY_ITEMS, TINY_TILE);
    else wp_parallel_for(store_index, out, TINY_ITEMS);
    rate[r] = TINY_ITEMS / ((now_ns() - t0) * 1e-9);
    for (size_t i = 0; i < TINY_ITEMS; i++) {
      if (out[i] != (uint32_t)i) {
        fprintf(stderr, "bench: tiny tasks: out[%zu] = %u\n", i, out[i]);
        exit(1);
      }
    }
  }
  return median(rate, TINY_RUNS);
}

static void bench_tiny(void) {
  uint32_t *out = malloc(TINY_ITEMS * sizeof *out);
  if (!out) {
    fprintf(stderr, "bench: out of memory\n");
    exit(1);
  }
  printf("tiny_items_s %.4g\n", tiny_rate(out, false));
  printf("tiled_items_s %.4g\n", tiny_rate(out, true));
  free(out);
}

/* 3. Mandelbrot on 1 thread against THREADS threads, runs alternating so that drift in
 * the machine's speed hits both alike, each pair next to a measure of the ceiling. */

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3u;
  return h;
}

/* SPIN_STEPS of a dependent arithmetic chain, from and back to *cell (volatile, so the
 * compiler cannot fold the loop). */
static void *spin(void *cell) {
  double x = *(volatile double *)cell;
  for (long i = 0; i < SPIN_STEPS; i++) x = x * 0.999999999 + 1e-9;
  *(volatile double *)cell = x;
  return NULL;
}

/* The ceiling, what THREADS threads achieve with no scheduler at all: the spin THREADS
 * times on this thread, against once on this thread and once on each of THREADS-1 new
 * ones. (This thread takes part, as a pool's caller does: were all spinners new threads,
 * Linux might start two on one core and take milliseconds to move one.) */
static double ceiling_speedup(void) {
  double cells[THREADS] = {0};
  double t0 = now_ns();
  for (int t = 0; t < THREADS; t++) spin(&cells[t]);
  double serial = now_ns() - t0;
  pthread_t threads[THREADS];
  t0 = now_ns();
  for (int t = 1; t < THREADS; t++) pthread_create(&threads[t], NULL, spin, &cells[t]);
  spin(&cells[0]);
  for (int t = 1; t < THREADS; t++) pthread_join(threads[t], NULL);
  return serial / (now_ns() - t0);
}

static double time_mandelbrot(uint8_t *rgba, size_t len, uint64_t *hash) {
  memset(rgba, 0, len);
  double t0 = now_ns();
  mandelbrot(rgba, len, MANDEL_W, MANDEL_H, -0.5, 0.0, 3.0, MANDEL_ITER);
  double ms = (now_ns() - t0) * 1e-6;
  uint64_t h = fnv1a(rgba, len);
  if (*hash && h != *hash) {
    fprintf(stderr, "bench: mandelbrot on %zu threads gave another image\n", wp_threads_count());
    exit(1);
  }
  *hash = h;
  return ms;
}

static void bench_mandelbrot(void) {
  size_t len = (size_t)MANDEL_W * MANDEL_H * 4;
  uint8_t *rgba = malloc(len);
  if (!rgba) {
    fprintf(stderr, "bench: out of memory\n");
    exit(1);
  }
  uint64_t hash = 0;
  double one[MANDEL_RUNS], many[MANDEL_RUNS], speedup[MANDEL_RUNS], ceiling[MANDEL_RUNS];
  for (int r = 0; r < MANDEL_RUNS; r++) {
    ceiling[r] = ceiling_speedup();
    start_pool(1);
    one[r] = time_mandelbrot(rgba, len, &hash);
    wp_stop();
    start_pool(THREADS);
    many[r] = time_mandelbrot(rgba, len, &hash);
    wp_stop();
    speedup[r] = one[r] / many[r];
  }
  free(rgba);
  printf("mandel_1t_ms %.2f\n", median(one, MANDEL_RUNS));
  printf("mandel_2t_ms %.2f\n", median(many, MANDEL_RUNS));
  printf("mandel_speedup %.3f\n", median(speedup, MANDEL_RUNS));
  printf("mandel_hash %016llx\n", (unsigned long long)hash);
  printf("raw_speedup %.3f\n", median(ceiling, MANDEL_RUNS));
}

int main(void) {
  start_pool(THREADS);
  if (wp_threads_count() != THREADS) {
    fprintf(stderr, "bench: the pool has %zu threads, not %d\n", wp_threads_count(), THREADS);
    return 1;
  }
  bench_dispatch();
  bench_tiny();
  wp_stop();
  bench_mandelbrot();
  return 0;
}
