/*
 * probe.c — tiny exports that exercise how each kind of value crosses from JavaScript to C
 * and back. The runtime's tests call them; they do no parallel work.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels.h"

WP_EXPORT int64_t probe_add_i64(int64_t a, int64_t b) { return a + b; }

WP_EXPORT double probe_add_f64(double a, double b) { return a + b; }

WP_EXPORT size_t probe_strlen(const char *s) { return strlen(s); }

WP_EXPORT const char *probe_version(void) { return "wasmpool probe 1 \xe2\x9c\x93"; }

WP_EXPORT const char *probe_maybe_string(int give) { return give ? "given" : NULL; }

/* Adds 1 to every byte: shows in-out buffers come back to the caller's array. */
WP_EXPORT void probe_increment(uint8_t *bytes, size_t len) {
  for (size_t i = 0; i < len; i++) bytes[i]++;
}

/* Logs `count` numbered lines with wp_log, then as many with printf and fprintf(stderr). */
WP_EXPORT void probe_log(int count) {
  for (int i = 0; i < count; i++) wp_log("probe line %d", i);
  for (int i = 0; i < count; i++) printf("probe printf %d\n", i);
  for (int i = 0; i < count; i++) fprintf(stderr, "probe stderr %d\n", i);
}

/* Occupies one pool thread until its call is cancelled; logs which thread that is. */
WP_EXPORT int probe_wait_cancel(void) {
  wp_log("probe_wait_cancel on thread %zu", wp_thread_index());
  while (!wp_cancelled()) {
  }
  return (int)wp_thread_index();
}

/* Takes `mib` MiB from the heap and keeps it, so wasm memory grows (tests of alloc views). */
WP_EXPORT int probe_grow(int mib) {
  char *block = malloc((size_t)mib << 20);
  if (!block) return 0;
  for (size_t i = 0; i < (size_t)mib << 20; i += 4096) block[i] = 1;
  return 1;
}

/* Logs `count` lines `ms` milliseconds apart, busy-waiting in between: a call whose logs
 * keep coming while the host is kept busy. */
WP_EXPORT void probe_log_slowly(int count, int ms) {
  struct timespec start, now;
  for (int i = 0; i < count; i++) {
    clock_gettime(CLOCK_MONOTONIC, &start);
    do clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
    wp_log("slow line %d", i);
  }
}

/* Ends its pool thread without a trap, as a kernel calling pthread_exit would. */
WP_EXPORT void probe_pthread_exit(void) { pthread_exit(NULL); }
