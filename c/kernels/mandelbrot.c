/*
 * mandelbrot.c — the Mandelbrot set, rendered in 16x16 tiles spread over the pool with
 * wp_parallel_for_2d. Tiles rather than rows: the expensive pixels (inside the set) cluster,
 * and small square tiles spread them evenly over the threads.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>

#include "image.h"
#include "kernels.h"

#define TILE 16
#define ESCAPE_RADIUS2 (256.0 * 256.0) /* large, so the smooth count is smooth */

struct mandel {
  uint8_t *rgba;
  size_t width, height, tiles_x, tiles_y;
  double center_x, center_y, step; /* step: the size of a pixel */
  int max_iter;
  atomic_size_t tiles_done; /* for wp_progress; any thread adds, relaxed is enough */
};

static uint8_t channel(double mu, double phase) {
  const double two_pi = 6.283185307179586;
  return (uint8_t)(255.0 * (0.5 + 0.5 * cos(two_pi * (0.02 * mu + phase))) + 0.5);
}

/* The colour of point (cx, cy), as kernels.h specifies it. */
static void shade(uint8_t *px, double cx, double cy, int max_iter) {
  double zx = 0.0, zy = 0.0, zx2 = 0.0, zy2 = 0.0;
  int n = 0;
  while (n < max_iter) {
    zy = 2.0 * zx * zy + cy;
    zx = zx2 - zy2 + cx;
    zx2 = zx * zx;
    zy2 = zy * zy;
    n++;
    if (zx2 + zy2 > ESCAPE_RADIUS2) break;
  }
  if (zx2 + zy2 <= ESCAPE_RADIUS2) {
    px[0] = px[1] = px[2] = 0;
  } else {
    double mu = n + 1 - log2(0.5 * log(zx2 + zy2)); /* log|z| = log(|z|^2) / 2 */
    px[0] = channel(mu, 0.00);
    px[1] = channel(mu, 0.15);
    px[2] = channel(mu, 0.30);
  }
  px[3] = 255;
}

static void render_tile(void *ctx, size_t ty, size_t tx) {
  struct mandel *m = ctx;
  if (wp_cancelled()) return;
  size_t x_end = tx * TILE + TILE < m->width ? tx * TILE + TILE : m->width;
  size_t y_end = ty * TILE + TILE < m->height ? ty * TILE + TILE : m->height;
  double half_w = (double)m->width * 0.5, half_h = (double)m->height * 0.5;
  for (size_t y = ty * TILE; y < y_end; y++) {
    double cy = m->center_y - ((double)y + 0.5 - half_h) * m->step;
    for (size_t x = tx * TILE; x < x_end; x++) {
      double cx = m->center_x + ((double)x + 0.5 - half_w) * m->step;
      shade(m->rgba + (y * m->width + x) * 4, cx, cy, m->max_iter);
    }
  }
  size_t done = atomic_fetch_add_explicit(&m->tiles_done, 1, memory_order_relaxed) + 1;
  wp_progress(done, m->tiles_x * m->tiles_y);
}

WP_EXPORT void mandelbrot(uint8_t *rgba, size_t len, int width, int height, double center_x,
                          double center_y, double scale, int max_iter) {
  check_rgba("mandelbrot", rgba, len, width, height);
  size_t w = (size_t)width, h = (size_t)height;
  if (max_iter < 1) wp_panic("mandelbrot: max_iter must be >= 1 (got %d)", max_iter);
  if (!(scale > 0) || !isfinite(scale))
    wp_panic("mandelbrot: scale must be finite and > 0 (got %g)", scale);
  if (!isfinite(center_x) || !isfinite(center_y))
    wp_panic("mandelbrot: the centre must be finite (got %g, %g)", center_x, center_y);

  struct mandel m = {.rgba = rgba, .width = w, .height = h,
                     .tiles_x = (w + TILE - 1) / TILE, .tiles_y = (h + TILE - 1) / TILE,
                     .center_x = center_x, .center_y = center_y,
                     .step = width ? scale / width : 0, .max_iter = max_iter};
  atomic_init(&m.tiles_done, 0);
  wp_parallel_for_2d(render_tile, &m, m.tiles_y, m.tiles_x);
}
