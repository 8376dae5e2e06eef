/*
 * test_kernels.c — every kernel against a plain serial reference written here, from the
 * contract in kernels.h rather than from the kernels' code.
 *
 * The kernels run three ways: before wp_start (serially), on a one-thread pool, and on a
 * two-thread pool, where most tests run. WP_STRESS=sanitizer shrinks the big inputs.
 */
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kernels/kernels.h"
#include "check.h"
#include "child.h"

static size_t big; /* the largest input size: 10^6, less under WP_STRESS */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rng(void) { /* xorshift64*: deterministic, so failures reproduce */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static void fill_random(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rng();
}

/* ---------------------------------------------------------------- references ---- */

static void ref_mandelbrot(uint8_t *rgba, int w, int h, double cx0, double cy0, double scale,
                           int max_iter) {
  const double pi = 3.14159265358979323846, phase[3] = {0.0, 0.15, 0.30};
  double s = scale / w;
  for (int py = 0; py < h; py++) {
    for (int px = 0; px < w; px++) {
      double cx = cx0 + (px + 0.5 - w * 0.5) * s, cy = cy0 - (py + 0.5 - h * 0.5) * s;
      double x = 0, y = 0;
      int n = 0, escaped = 0;
      while (n < max_iter && !escaped) {
        double nx = x * x - y * y + cx, ny = 2 * x * y + cy;
        x = nx;
        y = ny;
        n++;
        escaped = x * x + y * y > 65536.0;
      }
      uint8_t *out = rgba + ((size_t)py * w + px) * 4;
      double mu = n + 1 - log2(log(sqrt(x * x + y * y)));
      for (int k = 0; k < 3; k++)
        out[k] = escaped ? (uint8_t)(255 * (0.5 + 0.5 * cos(2 * pi * (0.02 * mu + phase[k]))) + 0.5)
                         : 0;
      out[3] = 255;
    }
  }
}

static int clampi(long v, long lo, long hi) { return (int)(v < lo ? lo : v > hi ? hi : v); }

/* O(radius) per pixel: horizontal then vertical, rounding after each pass. */
static void ref_blur(uint8_t *img, int w, int h, int r) {
  uint8_t *tmp = xmalloc((size_t)w * h * 4);
  long window = 2L * r + 1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 4; c++) {
        long sum = 0;
        for (long k = -r; k <= r; k++)
          sum += img[((size_t)y * w + clampi(x + k, 0, w - 1)) * 4 + c];
        tmp[((size_t)y * w + x) * 4 + c] = (uint8_t)((sum + window / 2) / window);
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 4; c++) {
        long sum = 0;
        for (long k = -r; k <= r; k++)
          sum += tmp[((size_t)clampi(y + k, 0, h - 1) * w + x) * 4 + c];
        img[((size_t)y * w + x) * 4 + c] = (uint8_t)((sum + window / 2) / window);
      }
  free(tmp);
}

static uint32_t ref_crc32(const uint8_t *p, size_t n) { /* bit by bit */
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int b = 0; b < 8; b++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return ~c;
}

static long double ref_sum(const double *xs, size_t n, long double *abs_sum) {
  long double s = 0, comp = 0, a = 0; /* Neumaier's compensated sum, in long double */
  for (size_t i = 0; i < n; i++) {
    long double t = s + xs[i];
    comp += fabsl(s) >= fabsl(xs[i]) ? (s - t) + xs[i] : (xs[i] - t) + s;
    s = t;
    a += fabsl(xs[i]);
  }
  *abs_sum = a;
  return s + comp;
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}


/* ---------------------------------------------------- before the pool starts ---- */

static void bad_mandelbrot_length(void *arg) {
  (void)arg;
  uint8_t img[10];
  mandelbrot(img, sizeof img, 2, 2, 0, 0, 1, 10);
}
static void bad_blur_radius(void *arg) {
  (void)arg;
  uint8_t img[16] = {0};
  blur(img, sizeof img, 2, 2, -1);
}
static void bad_crc32_many_sizes(void *arg) {
  (void)arg;
  uint8_t data[10] = {0};
  uint32_t sizes[2] = {4, 5}, out[2];
  crc32_many(data, sizeof data, sizes, 2, out, 2);
}
static void bad_crc32_many_out(void *arg) {
  (void)arg;
  uint8_t data[10] = {0};
  uint32_t sizes[2] = {4, 6}, out[3];
  crc32_many(data, sizeof data, sizes, 2, out, 3);
}

static void bad_matmul_shape(void *unused) {
  (void)unused;
  float a[4] = {0}, b[5] = {0}, c[6] = {0};
  matmul_f32(a, 4, b, 5, c, 6, 2, 3, 2);
}

static void bad_arguments_panic_with_a_message(void) {
  struct {
    void (*fn)(void *);
    const char *message;
  } cases[] = {
      {bad_mandelbrot_length, "mandelbrot: rgba has 10 bytes but a 2 x 2 RGBA image needs 16"},
      {bad_blur_radius, "blur: radius must be >= 0 (got -1)"},
      {bad_crc32_many_sizes, "crc32_many: the sizes add up to 9 bytes but data has 10"},
      {bad_crc32_many_out, "crc32_many: out has 3 elements but there are 2 buffers"},
      {bad_matmul_shape, "matmul_f32: b has 5 elements but a 2 x 3 matrix needs 6"},
  };
  static struct child c;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    run_in_child(cases[i].fn, NULL, &c);
    CHECK(c.signal == SIGABRT, "case %zu: ended with signal %d, status %d", i, c.signal, c.status);
    CHECK(strstr(c.err, cases[i].message), "case %zu: stderr lacks \"%s\": %s", i,
          cases[i].message, c.err);
  }
}

static double *sum_data; /* big random doubles, shared by the sum tests */
static double sum_serial, sum_one_thread;

static void kernels_run_serially_before_start(void) {
  CHECK(wp_threads_count() == 1, "wp_threads_count() == %zu before wp_start", wp_threads_count());
  sum_serial = sum_f64(sum_data, big);
  uint8_t *data = xmalloc(big);
  fill_random(data, big);
  CHECK(crc32(data, big) == ref_crc32(data, big), "crc32 of %zu bytes", big);
  free(data);
  int32_t xs[20000];
  for (size_t i = 0; i < 20000; i++) xs[i] = (int32_t)rng();
  int32_t ref[20000];
  memcpy(ref, xs, sizeof xs);
  qsort(ref, 20000, sizeof *ref, cmp_i32);
  sort_i32(xs, 20000);
  CHECK(memcmp(xs, ref, sizeof xs) == 0, "sort_i32 of 20000 differs from qsort");
}

static void kernels_run_on_a_one_thread_pool(void) {
  if (wp_start(1) != 0) {
    CHECK(0, "wp_start(1) failed");
    return;
  }
  CHECK(wp_threads_count() == 1, "wp_threads_count() == %zu", wp_threads_count());
  sum_one_thread = sum_f64(sum_data, big);
  CHECK(crash_lab(0, CRASH_NONE) > 0, "crash_lab(0, CRASH_NONE) failed");
  uint8_t img[40 * 30 * 4], ref[40 * 30 * 4];
  fill_random(img, sizeof img);
  memcpy(ref, img, sizeof img);
  blur(img, sizeof img, 40, 30, 3);
  ref_blur(ref, 40, 30, 3);
  CHECK(memcmp(img, ref, sizeof img) == 0, "blur on a one-thread pool differs");
  wp_stop();
}

/* ----------------------------------------------------------------- mandelbrot ---- */

static void mandelbrot_matches_serial_reference(void) {
  const struct view { int w, h; double x, y, scale; int iter; } views[] = {
      {97, 61, -0.5, 0.0, 3.0, 200},               /* the whole set */
      {64, 48, -0.743643887, 0.131825904, 0.002, 600}, /* seahorse valley */
      {1, 1, -0.5, 0.0, 3.0, 50},
      {17, 1, 0.25, 0.0, 0.5, 1000},
      {33, 40, -1.25, 0.0, 0.3, 1},                /* a single iteration */
  };
  for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
    const struct view *vw = &views[v];
    size_t len = (size_t)vw->w * vw->h * 4;
    uint8_t *got = xmalloc(len), *want = xmalloc(len);
    mandelbrot(got, len, vw->w, vw->h, vw->x, vw->y, vw->scale, vw->iter);
    ref_mandelbrot(want, vw->w, vw->h, vw->x, vw->y, vw->scale, vw->iter);
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < len; i += 4) {
      /* Inside/outside and alpha must agree exactly; a colour may differ by one step,
       * since the reference takes log|z| another (equally valid) way. */
      int inside_got = !got[i] && !got[i + 1] && !got[i + 2];
      int inside_want = !want[i] && !want[i + 1] && !want[i + 2];
      int ok = got[i + 3] == 255 && want[i + 3] == 255 && inside_got == inside_want;
      for (int k = 0; k < 3; k++) ok = ok && abs(got[i + k] - want[i + k]) <= 1;
      if (!ok && bad++ == 0) first = i / 4;
    }
    CHECK(bad == 0, "view %zu: %zu pixels differ, first at (%zu, %zu)", v, bad,
          first % (size_t)vw->w, first / (size_t)vw->w);
    free(got);
    free(want);
  }
}

static void mandelbrot_writes_every_pixel(void) {
  int w = 45, h = 29; /* not multiples of the 16-pixel tile */
  uint8_t img[45 * 29 * 4];
  memset(img, 0x5A, sizeof img);
  mandelbrot(img, sizeof img, w, h, -0.5, 0, 3, 100);
  size_t unwritten = 0;
  for (size_t i = 3; i < sizeof img; i += 4) unwritten += img[i] != 255;
  CHECK(unwritten == 0, "%zu pixels not written", unwritten);
}

static void mandelbrot_inside_the_set_is_black(void) {
  uint8_t img[20 * 20 * 4];
  mandelbrot(img, sizeof img, 20, 20, -0.1, 0, 0.2, 300); /* inside the main cardioid */
  size_t coloured = 0;
  for (size_t i = 0; i < sizeof img; i += 4)
    coloured += img[i] || img[i + 1] || img[i + 2] || img[i + 3] != 255;
  CHECK(coloured == 0, "%zu pixels inside the set are not opaque black", coloured);
}

static void mandelbrot_of_an_empty_image_does_nothing(void) {
  mandelbrot(NULL, 0, 0, 0, 0, 0, 1, 10);
  mandelbrot(NULL, 0, 0, 7, 0, 0, 1, 10);
}

/* ----------------------------------------------------------------------- blur ---- */

static void blur_radius_0_is_identity(void) {
  uint8_t img[23 * 19 * 4], orig[23 * 19 * 4];
  fill_random(img, sizeof img);
  memcpy(orig, img, sizeof img);
  blur(img, sizeof img, 23, 19, 0);
  CHECK(memcmp(img, orig, sizeof img) == 0, "radius 0 changed the image");
}

static void blur_matches_naive_reference(void) {
  struct { int w, h, r; } cases[] = {{61, 37, 1}, {61, 37, 2},  {61, 37, 5},  {1, 1, 3},
                                     {1, 50, 7},  {50, 1, 7},   {20, 13, 40}, {300, 200, 12},
                                     {17, 16, 16}, {5, 4, 1000}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    int w = cases[k].w, h = cases[k].h, r = cases[k].r;
    size_t len = (size_t)w * h * 4;
    uint8_t *got = xmalloc(len), *want = xmalloc(len);
    fill_random(got, len);
    memcpy(want, got, len);
    blur(got, len, w, h, r);
    ref_blur(want, w, h, r);
    size_t bad = 0;
    for (size_t i = 0; i < len; i++) bad += got[i] != want[i];
    CHECK(bad == 0, "%d x %d radius %d: %zu bytes differ", w, h, r, bad);
    free(got);
    free(want);
  }
}

static void blur_keeps_a_constant_image(void) {
  uint8_t img[31 * 29 * 4];
  for (size_t i = 0; i < sizeof img; i += 4) memcpy(img + i, "\x12\xC3\x7F\xFF", 4);
  blur(img, sizeof img, 31, 29, 9);
  size_t changed = 0;
  for (size_t i = 0; i < sizeof img; i += 4) changed += memcmp(img + i, "\x12\xC3\x7F\xFF", 4) != 0;
  CHECK(changed == 0, "%zu pixels changed", changed);
}

/* ---------------------------------------------------------------------- crc32 ---- */

static void crc32_check_value(void) {
  CHECK(crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u, "crc32(\"123456789\") == %08x",
        crc32((const uint8_t *)"123456789", 9));
  CHECK(crc32(NULL, 0) == 0, "crc32 of nothing is not 0");
}

static void crc32_matches_bitwise_reference(void) {
  size_t sizes[] = {1, 7, 8, 9, 4095, 262143, 262144, 262145, 3 * 262144 + 17, big * 2 + 3};
  size_t most = 0; /* the largest size, plus 1 for the skew */
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
    if (sizes[k] > most) most = sizes[k];
  most++;
  uint8_t *data = xmalloc(most);
  fill_random(data, most);
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    for (size_t skew = 0; skew < 2; skew++) { /* skew 1: a misaligned start */
      uint32_t got = crc32(data + skew, sizes[k]), want = ref_crc32(data + skew, sizes[k]);
      CHECK(got == want, "%zu bytes at +%zu: %08x, want %08x", sizes[k], skew, got, want);
    }
  }
  free(data);
}

static void crc32_many_matches_each_crc(void) {
  size_t count = 1001;
  uint32_t *sizes = xmalloc(count * sizeof *sizes), *out = xmalloc(count * sizeof *out);
  size_t len = 0;
  for (size_t i = 0; i < count; i++) {
    sizes[i] = i % 10 == 0 ? 0 : rng() % 2000;
    if (i == 500) sizes[i] = 700001; /* big enough to be split into chunks, nested */
    len += sizes[i];
  }
  uint8_t *data = xmalloc(len);
  fill_random(data, len);
  crc32_many(data, len, sizes, count, out, count);
  size_t bad = 0, off = 0;
  for (size_t i = 0; i < count; off += sizes[i++]) bad += out[i] != ref_crc32(data + off, sizes[i]);
  CHECK(bad == 0, "%zu of %zu CRCs differ", bad, count);
  crc32_many(NULL, 0, NULL, 0, NULL, 0); /* no buffers at all */
  free(data);
  free(sizes);
  free(out);
}

/* -------------------------------------------------------------------- sum_f64 ---- */

static void sum_f64_close_to_compensated_reference(void) {
  size_t sizes[] = {0, 1, 2, 4095, 4096, 4097, 100003, big};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = sizes[k] < big ? sizes[k] : big;
    long double abs_sum;
    long double want = ref_sum(sum_data, n, &abs_sum);
    double got = sum_f64(sum_data, n);
    /* Plain summation errs by at most ~(chunk + chunks) * eps * sum|x|; 1e-12 is tighter
     * than any order-of-additions bug would get away with at these sizes. */
    CHECK(fabsl(got - want) <= 1e-12L * abs_sum, "%zu values: %.17g, want %.17Lg", n, got, want);
  }
  double one = 42.25;
  CHECK(sum_f64(&one, 1) == 42.25, "sum of one value");
  CHECK(sum_f64(NULL, 0) == 0.0, "sum of nothing");
}

static void sum_f64_identical_for_any_thread_count(void) {
  double two = sum_f64(sum_data, big), again = sum_f64(sum_data, big);
  CHECK(memcmp(&two, &sum_serial, sizeof two) == 0, "2 threads %.17g, serial %.17g", two,
        sum_serial);
  CHECK(memcmp(&two, &sum_one_thread, sizeof two) == 0, "2 threads %.17g, 1 thread %.17g", two,
        sum_one_thread);
  CHECK(memcmp(&two, &again, sizeof two) == 0, "two runs: %.17g then %.17g", two, again);
}

/* ------------------------------------------------------------------- sort_i32 ---- */

static void fill_pattern(int32_t *xs, size_t n, int pattern) {
  for (size_t i = 0; i < n; i++) {
    switch (pattern) {
    case 0: xs[i] = (int32_t)rng(); break;                  /* random, full range */
    case 1: xs[i] = (int32_t)(rng() % 10) - 5; break;       /* many duplicates */
    case 2: xs[i] = (int32_t)i - (int32_t)(n / 2); break;   /* sorted */
    case 3: xs[i] = (int32_t)(n - i); break;                /* reversed */
    case 4: xs[i] = 7; break;                               /* all equal */
    default: xs[i] = i % 2 ? INT32_MIN : INT32_MAX; break;  /* the extremes */
    }
  }
}

static void sort_i32_matches_qsort(void) {
  size_t sizes[] = {0, 1, 2, 3, 17, 8191, 8192, 8193, 65537, 999983, big};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = sizes[k] > big ? big - 17 : sizes[k];
    int32_t *xs = xmalloc(n * sizeof *xs), *ref = xmalloc(n * sizeof *ref);
    for (int pattern = 0; pattern < 6; pattern++) {
      fill_pattern(xs, n, pattern);
      memcpy(ref, xs, n * sizeof *xs);
      qsort(ref, n, sizeof *ref, cmp_i32);
      sort_i32(n ? xs : NULL, n);
      CHECK(n == 0 || memcmp(xs, ref, n * sizeof *xs) == 0, "%zu elements, pattern %d", n, pattern);
    }
    free(xs);
    free(ref);
  }
}

/* ----------------------------------------------------------------- matmul_f32 ---- */

static void matmul_f32_matches_serial_reference(void) {
  /* Shapes around the 32 x 64 tiles: empty, single, ragged edges, one tall, one wide. */
  int shapes[][3] = {{0, 0, 0}, {1, 1, 1}, {3, 5, 0}, {33, 65, 17}, {100, 37, 200}, {64, 128, 1}, {1, 300, 9}};
  for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
    int m = shapes[t][0], n = shapes[t][1], k = shapes[t][2];
    size_t mk = (size_t)m * k, kn = (size_t)k * n, mn = (size_t)m * n;
    float *a = xmalloc(mk * sizeof *a), *b = xmalloc(kn * sizeof *b);
    float *c = xmalloc(mn * sizeof *c), *ref = xmalloc(mn * sizeof *ref);
    for (size_t i = 0; i < mk; i++) a[i] = (float)rng() / 4294967296.0f * 2 - 1;
    for (size_t i = 0; i < kn; i++) b[i] = (float)rng() / 4294967296.0f * 2 - 1;
    for (size_t i = 0; i < mn; i++) c[i] = 12345.0f; /* every element must be written */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        float sum = 0; /* the contract's order, p = 0 .. k-1, so the result is bit-identical */
        for (int p = 0; p < k; p++) sum += a[(size_t)i * k + p] * b[(size_t)p * n + j];
        ref[(size_t)i * n + j] = sum;
      }
    matmul_f32(a, mk, b, kn, c, mn, m, n, k);
    size_t bad = 0;
    for (size_t i = 0; i < mn; i++) bad += memcmp(&c[i], &ref[i], sizeof *c) != 0;
    CHECK(bad == 0, "%d x %d x %d: %zu of %zu elements differ", m, n, k, bad, mn);
    free(a);
    free(b);
    free(c);
    free(ref);
  }
}

/* DISABLE_DENORMALS reaches the threads that run the tiles: 1e-20 * 1e-20 is a denormal
 * float, flushed to zero on x86 and kept elsewhere (kernels.h). */
static void matmul_f32_flushes_denormals_where_the_cpu_can(void) {
  float a[64], b[64], c[64 * 64];
  for (int i = 0; i < 64; i++) a[i] = b[i] = 1e-20f;
  matmul_f32(a, 64, b, 64, c, 64 * 64, 64, 64, 1);
#if defined(__SSE__)
  const float want = 0.0f;
#else
  const float want = 1e-20f * 1e-20f;
#endif
  size_t bad = 0;
  for (int i = 0; i < 64 * 64; i++) bad += c[i] != want;
  CHECK(bad == 0, "%zu of 4096 elements are not %g (c[0] = %g)", bad, (double)want, (double)c[0]);
  volatile float x = 1e-20f;
  CHECK(x * x != 0.0f, "denormals stayed flushed on the caller after the call");
}

/* ------------------------------------------------------------------ crash_lab ---- */

static void crash_lab_none_returns_a_positive_count(void) {
  for (int thread = 0; thread < 2; thread++) {
    int n = crash_lab(thread, CRASH_NONE);
    CHECK(n > 0, "crash_lab(%d, CRASH_NONE) returned %d", thread, n);
  }
}

static void crash_lab_rejects_bad_arguments(void) {
  CHECK(crash_lab(2, CRASH_PANIC) == -1, "thread 2 of 2 accepted");
  CHECK(crash_lab(-1, CRASH_PANIC) == -1, "thread -1 accepted");
  CHECK(crash_lab(0, CRASH_MODES) == -2, "mode CRASH_MODES accepted");
  CHECK(crash_lab(0, -1) == -2, "mode -1 accepted");
}

int main(void) {
  big = getenv("WP_STRESS") && strcmp(getenv("WP_STRESS"), "sanitizer") == 0 ? 100000 : 1000000;
  sum_data = xmalloc(big * sizeof *sum_data);
  for (size_t i = 0; i < big; i++) /* mixed signs and magnitudes: order matters */
    sum_data[i] = ((double)rng() / 4294967296.0 - 0.3) * ldexp(1.0, (int)(rng() % 40) - 20);

  RUN(bad_arguments_panic_with_a_message);
  RUN(kernels_run_serially_before_start);

  RUN(kernels_run_on_a_one_thread_pool);

  if (wp_start(2) != 0) {
    printf("not ok - wp_start(2) failed\n");
    return 1;
  }
  RUN(mandelbrot_matches_serial_reference);
  RUN(mandelbrot_writes_every_pixel);
  RUN(mandelbrot_inside_the_set_is_black);
  RUN(mandelbrot_of_an_empty_image_does_nothing);
  RUN(blur_radius_0_is_identity);
  RUN(blur_matches_naive_reference);
  RUN(blur_keeps_a_constant_image);
  RUN(crc32_check_value);
  RUN(crc32_matches_bitwise_reference);
  RUN(crc32_many_matches_each_crc);
  RUN(sum_f64_close_to_compensated_reference);
  RUN(sum_f64_identical_for_any_thread_count);
  RUN(sort_i32_matches_qsort);
  RUN(matmul_f32_matches_serial_reference);
  RUN(matmul_f32_flushes_denormals_where_the_cpu_can);
  RUN(crash_lab_none_returns_a_positive_count);
  RUN(crash_lab_rejects_bad_arguments);
  wp_stop();
  free(sum_data);
  return check_summary();
}
