/*
 * loops.c — the public loops of wasmpool.h, each a thin adapter onto wp__run_loop: it maps
 * a flat item index back to the loop's own indices and calls the user's task.
 */
#include <stdint.h>

#include "pool.h"
#include "wasmpool.h"

static void item_1d(const struct wp_loop *loop, size_t slot, size_t i) {
  (void)slot;
  ((wp_task_1d)loop->fn)(loop->ctx, i);
}

void wp_parallel_for(wp_task_1d task, void *ctx, size_t range) {
  struct wp_loop loop = {.item = item_1d, .fn = (void *)task, .ctx = ctx, .range = range};
  wp__run_loop(&loop);
}

/* arg[0] = range, arg[1] = tile. */
static void item_tiled(const struct wp_loop *loop, size_t slot, size_t t) {
  (void)slot;
  size_t range = loop->arg[0], tile = loop->arg[1], start = t * tile;
  size_t count = range - start < tile ? range - start : tile;
  ((wp_task_tile_1d)loop->fn)(loop->ctx, start, count);
}

void wp_parallel_for_tiled(wp_task_tile_1d task, void *ctx, size_t range, size_t tile) {
  if (tile == 0) tile = 1;
  size_t tiles = range / tile + (range % tile != 0);
  struct wp_loop loop = {
      .item = item_tiled, .fn = (void *)task, .ctx = ctx, .range = tiles, .arg = {range, tile}};
  wp__run_loop(&loop);
}

/* arg[0] = range_j. */
static void item_2d(const struct wp_loop *loop, size_t slot, size_t n) {
  (void)slot;
  size_t range_j = loop->arg[0];
  ((wp_task_2d)loop->fn)(loop->ctx, n / range_j, n % range_j);
}

void wp_parallel_for_2d(wp_task_2d task, void *ctx, size_t range_i, size_t range_j) {
  if (range_i == 0 || range_j == 0) return;
  /* size_t is 32 bits on wasm32: a product that wraps would silently skip work. */
  if (range_i > SIZE_MAX / range_j)
    wp_panic("wp_parallel_for_2d: %zu x %zu items do not fit in size_t", range_i, range_j);
  struct wp_loop loop = {.item = item_2d, .fn = (void *)task, .ctx = ctx,
                         .range = range_i * range_j, .arg = {range_j}};
  wp__run_loop(&loop);
}

/* wp_join is a loop of two items; fn/ctx hold a, arg[0]/arg[1] hold b. */
static void item_join(const struct wp_loop *loop, size_t slot, size_t i) {
  (void)slot;
  if (i == 0) ((void (*)(void *))loop->fn)(loop->ctx);
  else ((void (*)(void *))loop->arg[0])((void *)loop->arg[1]);
}

void wp_join(void (*a)(void *), void *a_ctx, void (*b)(void *), void *b_ctx) {
  struct wp_loop loop = {.item = item_join, .fn = (void *)a, .ctx = a_ctx, .range = 2,
                         .arg = {(size_t)b, (size_t)b_ctx}};
  wp__run_loop(&loop);
}
