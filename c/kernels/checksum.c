/*
 * checksum.c — CRC-32 (zlib's), in parallel. Each fixed-size chunk gets its own CRC, and
 * the chunk CRCs are combined in order in GF(2), zlib's crc32_combine method:
 *   crc(A || B) = crc(A) * x^(8*|B|) mod P  xor  crc(B)
 * so the result is exactly the serial CRC, whatever the thread count.
 *
 * The lookup tables (8 KiB, slicing-by-8) are built on the stack of every top-level call:
 * that takes a few microseconds and needs no global state, so no once-only initialisation
 * shared between threads.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernels.h"

#define POLY 0xEDB88320u         /* the reflected CRC-32 polynomial */
#define CHUNK ((size_t)1 << 18)  /* 256 KiB per task: large enough to hide the combine */

struct crc_tables {
  uint32_t t[8][256]; /* t[0]: one byte; t[k]: one byte followed by k zero bytes */
};

static void make_tables(struct crc_tables *tab) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
    tab->t[0][i] = c;
  }
  for (int k = 1; k < 8; k++)
    for (int i = 0; i < 256; i++)
      tab->t[k][i] = (tab->t[k - 1][i] >> 8) ^ tab->t[0][tab->t[k - 1][i] & 0xff];
}

/* The CRC of one buffer, serially; bytes are read one at a time, so any alignment and
 * endianness works. */
static uint32_t crc_serial(const struct crc_tables *tab, const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (; n >= 8; p += 8, n -= 8) {
    c ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    c = tab->t[7][c & 0xff] ^ tab->t[6][(c >> 8) & 0xff] ^ tab->t[5][(c >> 16) & 0xff] ^
        tab->t[4][c >> 24] ^ tab->t[3][p[4]] ^ tab->t[2][p[5]] ^ tab->t[1][p[6]] ^
        tab->t[0][p[7]];
  }
  while (n--) c = (c >> 8) ^ tab->t[0][(c ^ *p++) & 0xff];
  return c ^ 0xFFFFFFFFu;
}

/* a * b mod P for polynomials over GF(2) in the reflected representation (bit 31 is x^0),
 * as zlib's multmodp. */
static uint32_t multmodp(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
  }
  return p;
}

/* x^(8*n) mod P: the operator that appends n zero bytes, by repeated squaring. */
static uint32_t x8nmodp(size_t n) {
  uint32_t result = 1u << 31;   /* x^0 */
  uint32_t square = 1u << 23;   /* x^8: one byte */
  for (; n; n >>= 1) {
    if (n & 1) result = multmodp(square, result);
    square = multmodp(square, square);
  }
  return result;
}

struct crc_job {
  const struct crc_tables *tab;
  const uint8_t *data;
  size_t len;
  uint32_t *chunk_crc; /* one per chunk; chunk k is written only by the task for chunk k */
};

static void crc_chunk(void *ctx, size_t k) {
  const struct crc_job *j = ctx;
  size_t start = k * CHUNK, n = j->len - start < CHUNK ? j->len - start : CHUNK;
  j->chunk_crc[k] = crc_serial(j->tab, j->data + start, n);
}

/* The CRC of one buffer: serial if it fits in one chunk, else chunks in parallel. */
static uint32_t crc_parallel(const struct crc_tables *tab, const uint8_t *data, size_t len,
                             const char *who) {
  if (len <= CHUNK) return crc_serial(tab, data, len);
  size_t chunks = (len + CHUNK - 1) / CHUNK;
  uint32_t *chunk_crc = malloc(chunks * sizeof *chunk_crc);
  if (chunk_crc == NULL) wp_panic("%s: out of memory for %zu chunk CRCs", who, chunks);
  struct crc_job j = {.tab = tab, .data = data, .len = len, .chunk_crc = chunk_crc};
  wp_parallel_for(crc_chunk, &j, chunks);

  /* Every chunk but the last is CHUNK bytes, so one operator appends any of them. */
  uint32_t full = x8nmodp(CHUNK), crc = chunk_crc[0];
  for (size_t k = 1; k + 1 < chunks; k++) crc = multmodp(full, crc) ^ chunk_crc[k];
  crc = multmodp(x8nmodp(len - (chunks - 1) * CHUNK), crc) ^ chunk_crc[chunks - 1];
  free(chunk_crc);
  return crc;
}

WP_EXPORT uint32_t crc32(const uint8_t *data, size_t len) {
  if (data == NULL && len != 0) wp_panic("crc32: data is NULL");
  struct crc_tables tab;
  make_tables(&tab);
  return crc_parallel(&tab, data, len, "crc32");
}

struct many_job {
  const struct crc_tables *tab;
  const uint8_t *data;
  const uint32_t *sizes;
  const size_t *offsets; /* offsets[i]: where buffer i starts in data */
  uint32_t *out;
};

static void crc_one(void *ctx, size_t i) {
  const struct many_job *j = ctx;
  j->out[i] = crc_parallel(j->tab, j->data + j->offsets[i], j->sizes[i], "crc32_many");
}

WP_EXPORT void crc32_many(const uint8_t *data, size_t len, const uint32_t *sizes, size_t count,
                          uint32_t *out, size_t out_len) {
  if (out_len != count)
    wp_panic("crc32_many: out has %zu elements but there are %zu buffers", out_len, count);
  if (count != 0 && (sizes == NULL || out == NULL)) wp_panic("crc32_many: sizes or out is NULL");
  if (data == NULL && len != 0) wp_panic("crc32_many: data is NULL");
  if (count == 0) {
    if (len != 0) wp_panic("crc32_many: no sizes given for %zu bytes of data", len);
    return;
  }
  size_t *offsets = malloc(count * sizeof *offsets);
  if (offsets == NULL) wp_panic("crc32_many: out of memory for %zu offsets", count);
  size_t total = 0;
  for (size_t i = 0; i < count; i++) {
    offsets[i] = total;
    if (sizes[i] > len - total) { /* written so that it cannot overflow */
      free(offsets);
      wp_panic("crc32_many: the sizes add up to more than the %zu bytes of data "
               "(buffer %zu of %zu ends past it)", len, i, count);
    }
    total += sizes[i];
  }
  if (total != len) {
    free(offsets);
    wp_panic("crc32_many: the sizes add up to %zu bytes but data has %zu", total, len);
  }
  struct crc_tables tab;
  make_tables(&tab);
  struct many_job j = {.tab = &tab, .data = data, .sizes = sizes, .offsets = offsets, .out = out};
  wp_parallel_for(crc_one, &j, count);
  free(offsets);
}
