/*
 * sum.c — a deterministic parallel sum. Floating-point addition is not associative, so the
 * order of the additions is fixed by the data alone: fixed-size chunks, each summed left
 * to right, then the chunk sums added left to right. Threads only decide who computes
 * which chunk, never the order, so every thread count gives the same bits.
 */
#include <stdlib.h>

#include "kernels.h"

#define CHUNK 4096 /* elements: 32 KiB, a task long enough to amortise scheduling */

struct sum_job {
  const double *xs;
  double *partial; /* partial[k] is written only by the task for chunk k */
};

static void sum_chunk(void *ctx, size_t start, size_t count) {
  const struct sum_job *j = ctx;
  double s = 0.0;
  for (size_t i = start; i < start + count; i++) s += j->xs[i];
  j->partial[start / CHUNK] = s;
}

WP_EXPORT double sum_f64(const double *xs, size_t len) {
  if (xs == NULL && len != 0) wp_panic("sum_f64: xs is NULL");
  size_t chunks = (len + CHUNK - 1) / CHUNK;
  double one[1];
  double *partial = chunks <= 1 ? one : malloc(chunks * sizeof *partial);
  if (partial == NULL) wp_panic("sum_f64: out of memory for %zu partial sums", chunks);
  struct sum_job j = {.xs = xs, .partial = partial};
  wp_parallel_for_tiled(sum_chunk, &j, len, CHUNK);
  double total = 0.0;
  for (size_t k = 0; k < chunks; k++) total += partial[k];
  if (partial != one) free(partial);
  return total;
}
