/*
 * matmul.c — C = A B for row-major float matrices, written the way XNNPACK-style kernels
 * are: against google/pthreadpool's API, here served by wasmpool's core. It shows that such
 * code builds and runs unchanged, in the browser too.
 */
#include <pthreadpool.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"

/* Output tiles of 32 rows by 64 columns: a tile's C block (8 KiB) stays in L1 while the
 * rows of B it reads stream through. */
#define TILE_ROWS 32
#define TILE_COLS 64

struct matmul {
  const float *a, *b;
  float *c;
  size_t n, k;
};

/* C[i0 .. i0+rows, j0 .. j0+cols] = A[i0 .., :] B[:, j0 ..]; the i-p-j order reads B and
 * writes C along rows, so the inner loop vectorizes. */
static void tile(void *ctx, size_t i0, size_t j0, size_t rows, size_t cols) {
  const struct matmul *m = ctx;
  for (size_t i = i0; i < i0 + rows; i++) {
    float *c = m->c + i * m->n + j0;
    memset(c, 0, cols * sizeof *c);
    for (size_t p = 0; p < m->k; p++) {
      const float a = m->a[i * m->k + p];
      const float *b = m->b + p * m->n + j0;
      for (size_t j = 0; j < cols; j++) c[j] += a * b[j];
    }
  }
}

/* Panics, naming the matrix, unless `len` is rows x cols. */
static void check_matrix(const char *name, size_t len, int rows, int cols) {
  size_t r = (size_t)rows, c = (size_t)cols;
  if (c != 0 && r > SIZE_MAX / c) wp_panic("matmul_f32: %s, %d x %d, does not fit in memory", name, rows, cols);
  if (len != r * c)
    wp_panic("matmul_f32: %s has %zu elements but a %d x %d matrix needs %zu", name, len, rows, cols, r * c);
}

WP_EXPORT void matmul_f32(const float *a, size_t a_len, const float *b, size_t b_len, float *c,
                          size_t c_len, int m, int n, int k) {
  if (m < 0 || n < 0 || k < 0) wp_panic("matmul_f32: m, n and k must be >= 0 (got %d, %d, %d)", m, n, k);
  check_matrix("a", a_len, m, k);
  check_matrix("b", b_len, k, n);
  check_matrix("c", c_len, m, n);
  struct matmul ctx = {a, b, c, (size_t)n, (size_t)k};
  /* A handle for the call; 0 asks for all the pool's threads. Where the core already runs
   * (always in the browser, and natively after wp_start) creating it starts no thread: the
   * core's own threads run the loop. A native program that never called wp_start would
   * start and stop threads here on every call; call wp_start first. */
  pthreadpool_t pool = pthreadpool_create(0);
  pthreadpool_parallelize_2d_tile_2d(pool, tile, &ctx, (size_t)m, (size_t)n, TILE_ROWS, TILE_COLS,
                                     PTHREADPOOL_FLAG_DISABLE_DENORMALS);
  pthreadpool_destroy(pool);
}
