/*
 * test_stress.c — every loop, nested in every other, driven from several threads at once,
 * with per-item counters checked at the end. It runs natively and under ThreadSanitizer
 * and AddressSanitizer+UBSan (the Makefile sets WP_STRESS=sanitizer there); either way it
 * processes well over 10^6 items.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wasmpool.h"

enum { OUTER = 64, ROWS = 125, COLS = 125, JOIN_DEPTH = 12, TILE = 7, CALLERS = 3 };

/* One cell per inner item; plain (non-atomic) writes, so any double run or a missing
 * happens-before edge shows up as a wrong count or a TSan report. */
struct grid {
  unsigned char cells[OUTER][ROWS * COLS];
};

static void fill_cell(void *ctx, size_t r, size_t c) {
  unsigned char *cells = ctx;
  cells[r * COLS + c]++;
}

struct tile_ctx {
  unsigned char *cells;
  size_t row;
};

static void fill_tile(void *ctx, size_t start, size_t count) {
  struct tile_ctx *t = ctx;
  for (size_t c = start; c < start + count; c++) t->cells[t->row * COLS + c]++;
}

static void fill_row_tiled(void *ctx, size_t row) {
  struct tile_ctx t = {ctx, row};
  wp_parallel_for_tiled(fill_tile, &t, COLS, TILE);
}

/* Outer item k fills its own grid plane twice: once by a 2d loop, once by rows of tiles,
 * so every cell must end at exactly 2. */
static void outer_item(void *ctx, size_t k) {
  struct grid *g = ctx;
  wp_parallel_for_2d(fill_cell, g->cells[k], ROWS, COLS);
  wp_parallel_for(fill_row_tiled, g->cells[k], ROWS);
}

struct tree {
  int depth;
  size_t *leaf; /* this subtree's first leaf slot */
};

static void grow(void *ctx) {
  struct tree *t = ctx;
  if (t->depth == 0) {
    (*t->leaf)++;
    return;
  }
  size_t half = (size_t)1 << (t->depth - 1);
  struct tree a = {t->depth - 1, t->leaf}, b = {t->depth - 1, t->leaf + half};
  wp_join(grow, &a, grow, &b);
}

/* A loop inside a join inside a loop: each outer item grows its own tree of joins whose
 * leaves are single counters. */
struct forest {
  size_t *leaves; /* OUTER trees of 2^JOIN_DEPTH leaves */
};

static void plant(void *ctx, size_t k) {
  struct forest *f = ctx;
  struct tree root = {JOIN_DEPTH, f->leaves + (k << JOIN_DEPTH)};
  grow(&root);
}

struct run {
  struct grid *grid;
  size_t *leaves;
  int rounds;
};

static void *stress_round(void *arg) {
  struct run *r = arg;
  for (int round = 0; round < r->rounds; round++) {
    wp_parallel_for(outer_item, r->grid, OUTER);
    struct forest f = {r->leaves};
    wp_parallel_for(plant, &f, OUTER);
  }
  return NULL;
}

static int rounds(void) {
  const char *mode = getenv("WP_STRESS");
  return mode && strcmp(mode, "sanitizer") == 0 ? 1 : 4;
}

/* Items per round per caller: two per cell, one per leaf, plus the loops' own rows. */
static size_t items_per_round(void) {
  return (size_t)OUTER * (2 * ROWS * COLS + ((size_t)1 << JOIN_DEPTH));
}

static void nested_loops_and_joins_from_several_callers(void) {
  struct run runs[CALLERS];
  pthread_t threads[CALLERS];
  int n = rounds();
  for (int c = 0; c < CALLERS; c++) {
    runs[c].grid = calloc(1, sizeof(struct grid));
    runs[c].leaves = calloc((size_t)OUTER << JOIN_DEPTH, sizeof(size_t));
    runs[c].rounds = n;
    pthread_create(&threads[c], NULL, stress_round, &runs[c]);
  }
  for (int c = 0; c < CALLERS; c++) {
    pthread_join(threads[c], NULL);
    size_t wrong_cells = 0, wrong_leaves = 0;
    for (size_t k = 0; k < OUTER; k++)
      for (size_t i = 0; i < ROWS * COLS; i++)
        wrong_cells += runs[c].grid->cells[k][i] != (unsigned char)(2 * n);
    for (size_t i = 0; i < (size_t)OUTER << JOIN_DEPTH; i++) wrong_leaves += runs[c].leaves[i] != (size_t)n;
    CHECK(wrong_cells == 0, "caller %d: %zu cells not visited exactly %d times", c, wrong_cells, 2 * n);
    CHECK(wrong_leaves == 0, "caller %d: %zu join leaves not reached exactly %d times", c, wrong_leaves, n);
    free(runs[c].grid);
    free(runs[c].leaves);
  }
  size_t total = (size_t)CALLERS * (size_t)n * items_per_round();
  CHECK(total >= 1000000, "only %zu items: the stress must cover 10^6", total);
  printf("# %zu items across nested loops and joins from %d callers\n", total, CALLERS);
}

int main(void) {
  if (wp_start(4) != 0) {
    printf("not ok - wp_start(4) failed\n");
    return 1;
  }
  RUN(nested_loops_and_joins_from_several_callers);
  wp_stop();
  return check_summary();
}
