/*
 * blur.c — separable box blur: a horizontal pass over rows into a temporary image, then a
 * vertical pass over columns back into the caller's. Both passes run the same 1-D running
 * sum over a line of pixels, so the cost per pixel does not depend on the radius.
 */
#include <stdint.h>
#include <stdlib.h>

#include "image.h"
#include "kernels.h"

/* Columns per vertical-pass task: 16 RGBA pixels are one 64-byte cache line, so a task
 * walking its columns down the image reuses each line it loads 16 times. */
#define COLUMNS_PER_TASK 16

struct blur {
  const uint8_t *src;
  uint8_t *dst;
  size_t width, height;
  uint64_t radius;
};

/* Box-filters one line of n RGBA pixels, `stride` bytes apart, from src to dst:
 *   dst[i] = round(mean(src[clamp(i - r)] .. src[clamp(i + r)])), clamp to 0 .. n-1.
 * 64-bit sums: 255 * (2r + 1) overflows 32 bits for radii above ~8 million. */
static void blur_line(const uint8_t *src, uint8_t *dst, size_t n, size_t stride, uint64_t r) {
  const uint64_t window = 2 * r + 1;
  const size_t last = n - 1;
  for (int c = 0; c < 4; c++) {
    const uint8_t *s = src + c;
    uint8_t *d = dst + c;
    /* The window around pixel 0: r+1 copies of pixel 0 (itself and the clamped left side),
     * pixels 1 .. min(r, last), and r - last copies of the last pixel if r runs past it.
     * Closed form, so a huge radius costs no more than a small one. */
    uint64_t sum = (r + 1) * s[0];
    uint64_t inside = r < last ? r : last;
    for (size_t k = 1; k <= inside; k++) sum += s[k * stride];
    if (r > last) sum += (r - last) * s[last * stride];
    for (size_t i = 0; i < n; i++) {
      d[i * stride] = (uint8_t)((sum + r) / window); /* + r = + window/2: round to nearest */
      uint64_t in = i + r + 1, out = i > r ? i - r : 0;
      sum += s[(in < last ? in : last) * stride];
      sum -= s[out * stride];
    }
  }
}

static void blur_rows(void *ctx, size_t y) {
  const struct blur *b = ctx;
  size_t row = y * b->width * 4;
  blur_line(b->src + row, b->dst + row, b->width, 4, b->radius);
}

static void blur_columns(void *ctx, size_t x0, size_t count) {
  const struct blur *b = ctx;
  for (size_t x = x0; x < x0 + count; x++)
    blur_line(b->src + x * 4, b->dst + x * 4, b->height, b->width * 4, b->radius);
}

WP_EXPORT void blur(uint8_t *rgba, size_t len, int width, int height, int radius) {
  check_rgba("blur", rgba, len, width, height);
  size_t w = (size_t)width, h = (size_t)height;
  if (radius < 0) wp_panic("blur: radius must be >= 0 (got %d)", radius);
  if (radius == 0 || len == 0) return; /* a 1-pixel window is the identity */

  uint8_t *tmp = malloc(len);
  if (tmp == NULL) wp_panic("blur: out of memory for a %zu-byte temporary image", len);
  struct blur rows = {.src = rgba, .dst = tmp, .width = w, .height = h, .radius = (uint64_t)radius};
  wp_parallel_for(blur_rows, &rows, h);
  struct blur cols = {.src = tmp, .dst = rgba, .width = w, .height = h, .radius = (uint64_t)radius};
  wp_parallel_for_tiled(blur_columns, &cols, w, COLUMNS_PER_TASK);
  free(tmp);
}
