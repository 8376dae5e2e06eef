/*
 * sort.c — parallel merge sort. The two halves are sorted in parallel with wp_join, down
 * to leaves of at most LEAF elements that qsort sorts; merges are serial. The halves
 * ping-pong between xs and one temporary buffer, so each level is a single pass with no
 * copying back.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#define LEAF 8192 /* elements: below this, splitting costs more than it gains */

struct sort_job {
  atomic_size_t sorted; /* elements in finished leaves, for wp_progress; relaxed */
  size_t total;
};

/* A task for sort_span: sort the n elements at a, using b (the same span of the other
 * buffer) as scratch; the sorted result ends up in b if to_b, else in a. */
struct span {
  struct sort_job *job;
  int32_t *a, *b;
  size_t n;
  int to_b;
};

static int compare_i32(const void *x, const void *y) {
  int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
  return (p > q) - (p < q);
}

static void merge(const int32_t *l, size_t nl, const int32_t *r, size_t nr, int32_t *out) {
  size_t i = 0, j = 0, k = 0;
  while (i < nl && j < nr) out[k++] = r[j] < l[i] ? r[j++] : l[i++]; /* ties: left first */
  memcpy(out + k, l + i, (nl - i) * sizeof *out);
  memcpy(out + k + (nl - i), r + j, (nr - j) * sizeof *out);
}

static void sort_span(void *ctx) {
  const struct span *s = ctx;
  if (wp_cancelled()) return;
  if (s->n <= LEAF) {
    qsort(s->a, s->n, sizeof *s->a, compare_i32);
    if (s->to_b) memcpy(s->b, s->a, s->n * sizeof *s->a);
    size_t done = atomic_fetch_add_explicit(&s->job->sorted, s->n, memory_order_relaxed) + s->n;
    wp_progress(done, s->job->total);
    return;
  }
  /* Each half lands in the buffer we are not merging into, so the merge reads there. */
  size_t h = s->n / 2;
  struct span left = {s->job, s->a, s->b, h, !s->to_b};
  struct span right = {s->job, s->a + h, s->b + h, s->n - h, !s->to_b};
  wp_join(sort_span, &left, sort_span, &right);
  if (wp_cancelled()) return;
  const int32_t *from = s->to_b ? s->a : s->b;
  merge(from, h, from + h, s->n - h, s->to_b ? s->b : s->a);
}

WP_EXPORT void sort_i32(int32_t *xs, size_t len) {
  if (xs == NULL && len != 0) wp_panic("sort_i32: xs is NULL");
  if (len <= LEAF) { /* one leaf: no temporary buffer, no threads */
    if (len > 1) qsort(xs, len, sizeof *xs, compare_i32);
    if (len > 0) wp_progress(len, len);
    return;
  }
  int32_t *tmp = malloc(len * sizeof *tmp);
  if (tmp == NULL) wp_panic("sort_i32: out of memory for a temporary of %zu elements", len);
  struct sort_job job = {.total = len};
  atomic_init(&job.sorted, 0);
  struct span all = {&job, xs, tmp, len, 0};
  sort_span(&all);
  free(tmp);
}
