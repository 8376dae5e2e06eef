/*
 * loops.c — the public loops of wasmpool.h, each a thin adapter onto wp__run_loop: a struct
 * that embeds the core's wp_loop first and carries the user's task and the loop's shape,
 * and an item function that maps a flat item index back to the loop's own indices.
 */
#include "pool.h"
#include "wasmpool.h"

struct for_1d {
  struct wp_loop loop; /* first: the item function gets back here from &loop */
  wp_task_1d task;
  void *ctx;
};

static void item_1d(const struct wp_loop *loop, size_t slot, size_t i) {
  (void)slot;
  const struct for_1d *f = (const struct for_1d *)loop;
  f->task(f->ctx, i);
}

void wp_parallel_for(wp_task_1d task, void *ctx, size_t range) {
  struct for_1d f = {.loop = {.item = item_1d, .range = range}, .task = task, .ctx = ctx};
  wp__run_loop(&f.loop);
}

struct for_tiled {
  struct wp_loop loop; /* first; its items are the tiles */
  wp_task_tile_1d task;
  void *ctx;
  size_t range, tile;
};

static void item_tiled(const struct wp_loop *loop, size_t slot, size_t t) {
  (void)slot;
  const struct for_tiled *f = (const struct for_tiled *)loop;
  size_t start = t * f->tile;
  f->task(f->ctx, start, wp__min(f->tile, f->range - start));
}

void wp_parallel_for_tiled(wp_task_tile_1d task, void *ctx, size_t range, size_t tile) {
  if (tile == 0) tile = 1;
  struct for_tiled f = {.loop = {.item = item_tiled, .range = wp__tiles(range, tile)},
                        .task = task, .ctx = ctx, .range = range, .tile = tile};
  wp__run_loop(&f.loop);
}

struct for_2d {
  struct wp_loop loop; /* first; item n is (n / range_j, n % range_j) */
  wp_task_2d task;
  void *ctx;
  size_t range_j;
};

static void item_2d(const struct wp_loop *loop, size_t slot, size_t n) {
  (void)slot;
  const struct for_2d *f = (const struct for_2d *)loop;
  f->task(f->ctx, n / f->range_j, n % f->range_j);
}

void wp_parallel_for_2d(wp_task_2d task, void *ctx, size_t range_i, size_t range_j) {
  if (range_i == 0 || range_j == 0) return;
  size_t items;
  if (!wp__checked_mul(range_i, range_j, &items))
    wp_panic("wp_parallel_for_2d: %zu x %zu items do not fit in size_t", range_i, range_j);
  struct for_2d f = {.loop = {.item = item_2d, .range = items}, .task = task, .ctx = ctx,
                     .range_j = range_j};
  wp__run_loop(&f.loop);
}

/* wp_join is a loop of two items: item 0 runs a, item 1 runs b. */
typedef void (*join_fn)(void *ctx);

struct join {
  struct wp_loop loop; /* first */
  join_fn fn[2];
  void *ctx[2];
};

static void item_join(const struct wp_loop *loop, size_t slot, size_t i) {
  (void)slot;
  const struct join *j = (const struct join *)loop;
  j->fn[i](j->ctx[i]);
}

void wp_join(void (*a)(void *), void *a_ctx, void (*b)(void *), void *b_ctx) {
  struct join j = {.loop = {.item = item_join, .range = 2}, .fn = {a, b}, .ctx = {a_ctx, b_ctx}};
  wp__run_loop(&j.loop);
}
