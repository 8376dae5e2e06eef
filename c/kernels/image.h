/*
 * image.h — private to the kernels: the argument check every RGBA-image kernel makes.
 */
#ifndef WASMPOOL_KERNELS_IMAGE_H
#define WASMPOOL_KERNELS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "wasmpool.h"

/* Panics, naming `kernel`, unless rgba/len is a width x height RGBA image. */
static inline void check_rgba(const char *kernel, const uint8_t *rgba, size_t len, int width, int height) {
  if (width < 0 || height < 0)
    wp_panic("%s: width and height must be >= 0 (got %d x %d)", kernel, width, height);
  size_t w = (size_t)width, h = (size_t)height;
  if (h != 0 && w > SIZE_MAX / 4 / h)
    wp_panic("%s: a %d x %d image does not fit in memory", kernel, width, height);
  if (len != w * h * 4)
    wp_panic("%s: rgba has %zu bytes but a %d x %d RGBA image needs %zu", kernel, len, width,
             height, w * h * 4);
  if (rgba == NULL && len != 0) wp_panic("%s: rgba is NULL", kernel);
}

#endif /* WASMPOOL_KERNELS_IMAGE_H */
